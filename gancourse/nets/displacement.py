"""A displacement-field U-Net for registration (chapter 4.6), in the manner of VoxelMorph's
{cite}`balakrishnan2019voxelmorph`, in 2-D and small.

The input is the moving and the fixed image stacked as two channels ``(B, 2, S, S)``; the output is a field
``(B, 2, S, S)`` in pixels (channel 0 along x, 1 along y), which :func:`gancourse.data.warp.warp` applies to the
moving image. With ``w = width``:

* encoder: a 3x3 convolution at full size (``w``), then ``levels`` 3x3 convolutions of stride 2 (``2w`` each),
  each followed by a leaky ReLU (slope 0.2): ``S -> S/2 -> ... -> S/2^levels``;
* decoder: per level a nearest-neighbour upsampling by 2, the encoder twin's features concatenated (the skip
  connection), a 3x3 convolution (``2w``) and a leaky ReLU;
* a 3x3 convolution to the two components of the field, no activation: a displacement has no natural range.

No normalisation layer: the network is judged pair by pair, and VoxelMorph has none either. The last
convolution starts with weights near zero (normal, standard deviation 1e-5, as VoxelMorph's), so training
starts from the identity transform rather than from a random one.
"""
from __future__ import annotations

import torch
from torch import nn

from ..checks import check_images


class DisplacementUNet(nn.Module):
    """Pairs ``(B, 2, S, S)`` (moving, fixed) to displacement fields ``(B, 2, S, S)`` in pixels; ``S`` divisible
    by ``2 ** levels``."""

    def __init__(self, width: int = 16, levels: int = 3, in_channels: int = 2):
        super().__init__()
        if not (isinstance(levels, int) and 1 <= levels <= 6):
            raise ValueError(f"levels is the number of halvings, a whole number from 1 to 6; got {levels!r}.")
        if not (isinstance(width, int) and width >= 1):
            raise ValueError(f"width is a channel count, a whole number of at least 1; got {width!r}.")
        self.in_channels, self.levels = in_channels, levels
        act = lambda: nn.LeakyReLU(0.2)  # noqa: E731
        self.first = nn.Sequential(nn.Conv2d(in_channels, width, 3, padding=1), act())
        channels = [width] + [2 * width] * levels  # features at S, S/2, ..., S/2^levels
        self.down = nn.ModuleList(nn.Sequential(nn.Conv2d(channels[k], channels[k + 1], 3, stride=2, padding=1),
                                                act()) for k in range(levels))
        # decoder level k goes from S/2^(k+1) to S/2^k: upsampled features plus the skip at S/2^k
        self.up = nn.ModuleList(nn.Sequential(nn.Conv2d(2 * width + channels[k], 2 * width, 3, padding=1), act())
                                for k in range(levels - 1, -1, -1))
        self.flow = nn.Conv2d(2 * width, 2, 3, padding=1)
        nn.init.normal_(self.flow.weight, std=1e-5)
        nn.init.zeros_(self.flow.bias)

    def forward(self, pair):
        size = pair.shape[-1] if isinstance(pair, torch.Tensor) and pair.dim() == 4 else -1
        check_images(pair, self.in_channels, size, "DisplacementUNet")
        if size % 2 ** self.levels:
            raise ValueError(f"DisplacementUNet with {self.levels} levels needs a side divisible by "
                             f"{2 ** self.levels}; got {size}. Crop or pad the images, or lower levels.")
        x = self.first(pair)
        skips = [x]  # (B, w, S, S)
        for level in self.down:
            x = level(x)
            skips.append(x)  # (B, 2w, S/2^k, S/2^k)
        for level, skip in zip(self.up, reversed(skips[:-1])):
            x = nn.functional.interpolate(x, scale_factor=2, mode="nearest")
            x = level(torch.cat([x, skip], dim=1))
        return self.flow(x)  # (B, 2, S, S), pixels
