"""A small 3-D U-Net: volumes in, volumes out, for translating a tissue volume into an MR volume.

Conditional GANs that synthesise whole volumes (Jin et al.'s lung nodules {cite}`survey46`, Wei et al.'s PET
from MRI {cite}`survey34`) use U-Nets with 3-D convolutions. This one is small enough to train on a laptop
CPU at 32 voxels a side. With ``w = width`` and ``levels = L``:

* encoder: at level ``k = 0 .. L`` a block of two 3x3x3 convolutions (instance norm, leaky ReLU 0.2) with
  ``w * 2**k`` channels; a 2x2x2 max pooling between levels halves each side;
* decoder: from level ``L`` back to 0, trilinear upsampling (not a transposed convolution, whose uneven
  overlaps leave a checkerboard {cite}`odena2016deconvolution`), then the level's skip features
  concatenated and one block;
* a 1x1x1 convolution to ``out_channels`` and tanh, so outputs lie in [-1, 1].

Shapes for ``in_channels=4, width=8, levels=2`` and a 32-cube: (B, 4, 32, 32, 32) -> (B, 8, 32^3) ->
(B, 16, 16^3) -> (B, 32, 8^3) -> up (B, 16, 16^3) -> up (B, 8, 32^3) -> (B, 1, 32, 32, 32).
"""
from __future__ import annotations

import torch
from torch import nn


def _block(inputs, outputs):
    """Two 3x3x3 convolutions, each followed by instance norm and a leaky ReLU; the side stays the same."""
    return nn.Sequential(
        nn.Conv3d(inputs, outputs, 3, padding=1), nn.InstanceNorm3d(outputs, affine=True), nn.LeakyReLU(0.2),
        nn.Conv3d(outputs, outputs, 3, padding=1), nn.InstanceNorm3d(outputs, affine=True), nn.LeakyReLU(0.2))


class UNet3D(nn.Module):
    """Volumes ``(B, in_channels, D, H, W)`` to ``(B, out_channels, D, H, W)`` in [-1, 1]; every side must be
    divisible by ``2**levels``."""

    def __init__(self, in_channels=4, out_channels=1, width=8, levels=2):
        super().__init__()
        for value, name in ((in_channels, "in_channels"), (out_channels, "out_channels"), (width, "width"),
                            (levels, "levels")):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1; got {value!r}.")
        self.in_channels, self.out_channels, self.levels = in_channels, out_channels, levels
        channels = [width * 2 ** k for k in range(levels + 1)]
        self.down = nn.ModuleList([_block(in_channels, channels[0])]
                                  + [_block(channels[k - 1], channels[k]) for k in range(1, levels + 1)])
        # decoder level k takes the upsampled level k+1 (channels[k+1]) and the skip of level k (channels[k])
        self.up = nn.ModuleList([_block(channels[k + 1] + channels[k], channels[k]) for k in range(levels)])
        self.out = nn.Sequential(nn.Conv3d(channels[0], out_channels, 1), nn.Tanh())

    def forward(self, x):
        self._check(x)
        skips = []
        for k, block in enumerate(self.down):
            x = block(x if k == 0 else nn.functional.max_pool3d(x, 2))
            skips.append(x)
        x = skips.pop()  # the deepest level
        for k in range(self.levels - 1, -1, -1):
            x = nn.functional.interpolate(x, scale_factor=2, mode="trilinear", align_corners=False)
            x = self.up[k](torch.cat([skips[k], x], dim=1))
        return self.out(x)

    def _check(self, x):
        if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
            raise TypeError(f"UNet3D takes a floating-point tensor of volumes; got {type(x).__name__}"
                            f"{' of dtype ' + str(x.dtype) if isinstance(x, torch.Tensor) else ''}. "
                            "Convert with x.float().")
        if x.dim() != 5 or x.shape[1] != self.in_channels:
            raise ValueError(f"UNet3D expects volumes (batch, {self.in_channels}, depth, height, width); got "
                             f"{tuple(x.shape)}. A single volume (D, H, W) with one channel is x[None, None].")
        step = 2 ** self.levels
        if any(side % step for side in x.shape[2:]):
            raise ValueError(f"UNet3D with {self.levels} levels needs every side divisible by {step}; got "
                             f"{tuple(x.shape[2:])}. Crop or pad the volume, or build it with fewer levels.")
