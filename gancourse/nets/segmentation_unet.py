"""The U-Net of Ronneberger et al., as a segmenter: images ``(B, C, S, S)`` to class logits ``(B, K, S, S)``.

The survey notes that nearly every GAN-based segmenter of its Section 4.2 is a U-Net. Unlike pix2pix's
generator (:mod:`gancourse.nets.unet`, which ends in tanh and halves the size at every 4x4 convolution),
this is the segmentation network as first published, small:

* encoder: per level two 3x3 convolutions (each with batch norm and ReLU), then 2x2 max pooling; the width
  doubles at every level (``w, 2w, 4w, ...``), ``depth`` levels, then a bottleneck of two more convolutions;
* decoder: per level a bilinear upsampling by 2, the encoder twin's features concatenated (the skip
  connection), two 3x3 convolutions;
* a 1x1 convolution to one logit per class and pixel, no activation: the losses apply the softmax.

``forward(x, return_features=True)`` also returns the bottleneck's and each decoder level's features,
deepest first: what the domain discriminator of chapter 4.2 (Kamnitsas et al.) looks at.
"""
from __future__ import annotations

import torch
from torch import nn

from ..checks import check_images


def _double_conv(inputs, outputs):
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, 3, padding=1, bias=False), nn.BatchNorm2d(outputs), nn.ReLU(),
        nn.Conv2d(outputs, outputs, 3, padding=1, bias=False), nn.BatchNorm2d(outputs), nn.ReLU())


class SegmentationUNet(nn.Module):
    """Images ``(B, in_channels, S, S)`` to logits ``(B, n_classes, S, S)``; ``S`` divisible by 2**depth."""

    def __init__(self, in_channels=1, n_classes=2, width=16, depth=3):
        super().__init__()
        if not (isinstance(depth, int) and 1 <= depth <= 6):
            raise ValueError(f"depth is the number of poolings, a whole number from 1 to 6; got {depth!r}.")
        if not (isinstance(n_classes, int) and n_classes >= 2):
            raise ValueError(f"n_classes counts the background too, so it is at least 2; got {n_classes!r}.")
        self.in_channels, self.n_classes, self.depth = in_channels, n_classes, depth
        channels = [width * 2 ** k for k in range(depth + 1)]  # w, 2w, ..., the last for the bottleneck
        self.feature_channels = channels[::-1]  # of the bottleneck, then of each decoder level
        self.down = nn.ModuleList([_double_conv(in_channels, channels[0])])
        self.down.extend(_double_conv(channels[k - 1], channels[k]) for k in range(1, depth + 1))
        self.up = nn.ModuleList(_double_conv(channels[k + 1] + channels[k], channels[k])
                                for k in range(depth - 1, -1, -1))
        self.head = nn.Conv2d(channels[0], n_classes, 1)

    def forward(self, x, return_features=False):
        size = x.shape[-1] if isinstance(x, torch.Tensor) and x.dim() == 4 else -1
        check_images(x, self.in_channels, size, "SegmentationUNet")
        if size % 2 ** self.depth:
            raise ValueError(f"SegmentationUNet of depth {self.depth} needs a side divisible by "
                             f"{2 ** self.depth}; got {size}. Crop or pad the images, or lower depth.")
        skips = []
        for k, level in enumerate(self.down):
            x = level(x if k == 0 else nn.functional.max_pool2d(x, 2))
            skips.append(x)
        features = [x]  # the bottleneck, (B, 2^depth w, S / 2^depth, S / 2^depth)
        for level, skip in zip(self.up, reversed(skips[:-1])):
            x = nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = level(torch.cat([skip, x], dim=1))
            features.append(x)
        logits = self.head(x)
        return (logits, features) if return_features else logits
