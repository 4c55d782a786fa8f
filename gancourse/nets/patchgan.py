"""pix2pix's PatchGAN discriminator (Isola et al. {cite}`survey4`), as in the authors' PyTorch code.

PatchGAN discriminator (``n_layers=3``): C64-C128-C256-C512 (4x4 convolutions, the first three of stride 2,
the last of stride 1; leaky ReLUs; no norm on the first), then a 4x4 convolution to one channel. Each of its
outputs judges one patch of the input; :func:`receptive_field` computes that patch's side: 70 pixels here.
"""
from __future__ import annotations

import torch
from torch import nn

from .norms import init_weights, norm_layer
from .receptive_field import receptive_field  # noqa: F401 (computes this network's patch size)


class PatchDiscriminator(nn.Module):
    """PatchGAN: images ``(B, in_channels, S, S)`` to a map of logits ``(B, 1, S', S')``, one per patch.

    ``n_layers`` stride-2 stages (3 gives the 70x70 PatchGAN); ``n_layers=0`` is the 1x1 "PixelGAN", which
    judges each pixel on its own. For a conditional discriminator, ``in_channels`` counts the condition's
    channels plus the image's (see :func:`gancourse.methods.pix2pix.stack_condition`).
    """

    def __init__(self, in_channels=2, width=64, n_layers=3, norm="batch"):
        super().__init__()
        self.in_channels = in_channels
        bias = norm == "instance"
        if n_layers == 0:
            layers = [nn.Conv2d(in_channels, width, 1), nn.LeakyReLU(0.2),
                      nn.Conv2d(width, 2 * width, 1, bias=bias), norm_layer(norm, 2 * width), nn.LeakyReLU(0.2),
                      nn.Conv2d(2 * width, 1, 1, bias=bias)]
        else:
            layers = [nn.Conv2d(in_channels, width, 4, 2, 1), nn.LeakyReLU(0.2)]
            features = width
            for n in range(1, n_layers + 1):
                stride = 2 if n < n_layers else 1  # the last stage keeps the resolution
                out = width * min(2 ** n, 8)
                layers += [nn.Conv2d(features, out, 4, stride, 1, bias=bias), norm_layer(norm, out), nn.LeakyReLU(0.2)]
                features = out
            layers.append(nn.Conv2d(features, 1, 4, 1, 1))
        self.main = nn.Sequential(*layers)
        self.apply(init_weights)

    def forward(self, x):
        if not isinstance(x, torch.Tensor) or x.dim() != 4 or x.shape[1] != self.in_channels:
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"PatchDiscriminator expects images of shape (batch, {self.in_channels}, height, width); "
                             f"got {shape}. "
                             "A conditional discriminator takes the condition and the image stacked along the "
                             "channels: gancourse.methods.pix2pix.stack_condition(condition, image).")
        return self.main(x)
