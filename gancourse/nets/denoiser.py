"""The de-noiser of chapter 4.5: a small plain CNN of 3x3 convolutions, in the spirit of Wolterink et al.'s
{cite}`survey101` and Yang et al.'s {cite}`survey103` generators, that predicts the *correction* of its input.

Its output is the input plus the network's output, clamped to [-1, 1] (the network scale of the CT window):
with the last convolution's weights at zero it starts as the identity, and only has to learn the noise.
"""
import torch
from torch import nn

from ..checks import check_whole_number


class ResidualDenoiser(nn.Module):
    """``depth`` 3x3 convolutions of ``width`` channels (ReLU between them); the last one's output is added
    to the input, and the sum clamped to [-1, 1]. ``(B, 1, H, W)`` -> ``(B, 1, H, W)``, any size."""

    def __init__(self, width: int = 32, depth: int = 5):
        super().__init__()
        width = check_whole_number(width, "width", minimum=1)
        depth = check_whole_number(depth, "depth", minimum=2, hint=" (convolutions, at least 2)")
        layers, channels = [], 1
        for _ in range(depth - 1):
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU()]
            channels = width
        layers.append(nn.Conv2d(channels, 1, 3, padding=1))
        nn.init.zeros_(layers[-1].weight)  # the correction starts at 0: the network starts as the identity
        nn.init.zeros_(layers[-1].bias)
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        if not isinstance(x, torch.Tensor) or x.dim() != 4 or x.shape[1] != 1:
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"ResidualDenoiser expects images (batch, 1, height, width); got {shape}.")
        return (x + self.body(x)).clamp(-1, 1)
