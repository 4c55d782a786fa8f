"""pix2pix's U-Net generator (Isola et al. {cite}`survey4`), as in the authors' PyTorch code, at any
power-of-two size from 32 up.

U-Net generator, ``depth = log2(image_size)`` levels down to a 1x1 bottleneck. With ``w = width`` and
``c_k = w * min(2**k, 8)`` channels at level ``k``:

* encoder: a 4x4 convolution of stride 2 per level (``in -> c_0 -> c_1 -> ... -> c_{depth-1}``), each but
  the first preceded by a leaky ReLU (slope 0.2), each but the first and the last followed by a norm;
* decoder: a 4x4 transposed convolution of stride 2 per level, preceded by a ReLU; every level but the
  deepest takes its encoder twin's features concatenated with the deeper decoder output (the skip
  connections that carry detail past the bottleneck). Norm after each but the last, which ends in tanh;
  dropout 0.5 on the decoder levels 4 to ``depth - 2`` (three of them at 256x256), as in the authors' code.

For 256x256 and ``width=64`` the encoder is Isola et al.'s C64-C128-C256-C512-C512-C512-C512-C512.
With batch norm, convolutions have no bias (the norm's shift replaces it), except the last one.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..checks import check_images
from .norms import init_weights, norm_layer


def _unet_depth(image_size):
    depth = math.log2(image_size) if image_size > 0 else 0
    if depth != int(depth) or depth < 5:
        raise ValueError(f"the U-Net generator takes square images whose side is a power of two from 32 up "
                         f"(32, 64, 128, 256, ...); got {image_size}.")
    return int(depth)


class UNetGenerator(nn.Module):
    """Images ``(B, in_channels, S, S)`` to images ``(B, out_channels, S, S)`` in [-1, 1]."""

    def __init__(self, in_channels=1, out_channels=1, image_size=256, width=64, norm="batch", dropout=True):
        super().__init__()
        self.in_channels, self.out_channels, self.image_size = in_channels, out_channels, image_size
        depth = self.depth = _unet_depth(image_size)
        channels = [width * min(2 ** k, 8) for k in range(depth)]
        bias = norm == "instance"  # batch norm's shift makes a bias redundant

        self.down = nn.ModuleList([nn.Conv2d(in_channels, channels[0], 4, 2, 1, bias=bias)])
        for k in range(1, depth):
            innermost = k == depth - 1
            self.down.append(nn.Sequential(
                nn.LeakyReLU(0.2), nn.Conv2d(channels[k - 1], channels[k], 4, 2, 1, bias=bias),
                nn.Identity() if innermost else norm_layer(norm, channels[k])))

        self.up = nn.ModuleList()
        for k in range(depth):
            inputs = channels[k] if k == depth - 1 else 2 * channels[k]  # skip + deeper output, except deepest
            if k == 0:
                self.up.append(nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(inputs, out_channels, 4, 2, 1), nn.Tanh()))
                continue
            layers = [nn.ReLU(), nn.ConvTranspose2d(inputs, channels[k - 1], 4, 2, 1, bias=bias),
                      norm_layer(norm, channels[k - 1])]
            if dropout and 4 <= k <= depth - 2:
                layers.append(nn.Dropout(0.5))
            self.up.append(nn.Sequential(*layers))
        self.apply(init_weights)

    def forward(self, x):
        check_images(x, self.in_channels, self.image_size, "UNetGenerator")
        skips = []
        for k, down in enumerate(self.down):
            x = down(x)
            # The skip carries the features after the next level's leaky ReLU, as the authors' code does.
            skips.append(nn.functional.leaky_relu(x, 0.2) if k < self.depth - 1 else x)
        x = self.up[-1](skips[-1])
        for k in range(self.depth - 2, -1, -1):
            x = self.up[k](torch.cat([skips[k], x], dim=1))
        return x
