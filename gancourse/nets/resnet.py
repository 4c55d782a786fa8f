"""CycleGAN's ResNet generator (Zhu et al. {cite}`survey10`), as in the authors' PyTorch code.

c7s1-64, d128, d256, nine residual blocks R256, u128, u64, c7s1-out:

* ``c7s1-k``: reflection padding 3, a 7x7 convolution with k filters, instance norm, ReLU;
* ``dk``: a 3x3 convolution of stride 2 (halves the side), instance norm, ReLU;
* ``Rk``: ``x + block(x)``, the block being two 3x3 convolutions with reflection padding 1 and instance norm
  (ReLU between them): the image is changed by adding a correction, which suits translations that keep most
  of the picture;
* ``uk``: a 3x3 transposed convolution of stride 2 (doubles the side), instance norm, ReLU;
* the last ``c7s1`` has no norm and ends in tanh.

Reflection padding avoids the dark border that zero padding paints into every feature map. The sizes are
``width`` (64) and ``n_blocks`` (9 for 256x256 images, 6 for 128x128), reducible for a laptop.
"""
import torch
from torch import nn

from ..checks import check_images
from .norms import init_weights, norm_layer


class ResidualBlock(nn.Module):
    """``x + F(x)`` with F = pad, 3x3 conv, norm, ReLU, pad, 3x3 conv, norm."""

    def __init__(self, channels, norm="instance", dropout=False):
        super().__init__()
        bias = norm == "instance"
        layers = [nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=bias), norm_layer(norm, channels),
                  nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(0.5))
        layers += [nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=bias), norm_layer(norm, channels)]
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.block(x)


class ResNetGenerator(nn.Module):
    """Images ``(B, in_channels, S, S)`` to images ``(B, out_channels, S, S)`` in [-1, 1]; S divisible by 4."""

    def __init__(self, in_channels=1, out_channels=1, width=64, n_blocks=9, norm="instance", dropout=False):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        bias = norm == "instance"
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(in_channels, width, 7, bias=bias), norm_layer(norm, width),
                  nn.ReLU()]
        features = width
        for _ in range(2):  # down-sampling: d128, d256
            layers += [nn.Conv2d(features, 2 * features, 3, 2, 1, bias=bias), norm_layer(norm, 2 * features), nn.ReLU()]
            features *= 2
        layers += [ResidualBlock(features, norm, dropout) for _ in range(n_blocks)]
        for _ in range(2):  # up-sampling: u128, u64
            layers += [nn.ConvTranspose2d(features, features // 2, 3, 2, 1, output_padding=1, bias=bias),
                       norm_layer(norm, features // 2), nn.ReLU()]
            features //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(features, out_channels, 7), nn.Tanh()]
        self.main = nn.Sequential(*layers)
        self.apply(init_weights)

    def forward(self, x):
        if isinstance(x, torch.Tensor) and x.dim() == 4 and (x.shape[-1] % 4 or x.shape[-2] % 4):
            raise ValueError(f"ResNetGenerator halves the images twice: their sides must be divisible by 4; got "
                             f"{tuple(x.shape[-2:])}.")
        check_images(x, self.in_channels, x.shape[-1] if isinstance(x, torch.Tensor) and x.dim() == 4 else -1,
                     "ResNetGenerator")
        return self.main(x)
