"""The multilayer perceptrons of the original GAN {cite}`survey2`: fully connected layers only.

They work on flat vectors: 2-D points for the mixture-of-Gaussians toy problem, or images flattened to
``channels * size * size`` numbers (the generator reshapes its output back to an image).
"""
import math

import torch
from torch import nn


def _mlp(sizes, activation):
    layers = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(fan_in, fan_out), activation()]
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)


class MLPGenerator(nn.Module):
    """Latent ``(B, z_dim)`` to ``(B, *out_shape)``. ``tanh=True`` bounds the output to [-1, 1] (for images)."""

    def __init__(self, z_dim=2, out_shape=(2,), hidden=(128, 128), tanh=False):
        super().__init__()
        self.z_dim, self.out_shape = z_dim, tuple(out_shape)
        self.net = _mlp([z_dim, *hidden, math.prod(self.out_shape)], nn.ReLU)
        self.tanh = tanh

    def forward(self, z):
        if not isinstance(z, torch.Tensor) or not torch.is_floating_point(z):
            dtype = f" of dtype {z.dtype}" if isinstance(z, torch.Tensor) else ""
            raise TypeError(f"MLPGenerator takes a floating-point latent tensor z, e.g. torch.randn(batch, "
                            f"{self.z_dim}); got {type(z).__name__}{dtype}.")
        if z.dim() != 2 or z.shape[1] != self.z_dim:
            raise ValueError(f"MLPGenerator expects latent vectors of shape (batch, {self.z_dim}); got z of shape "
                             f"{tuple(z.shape)}.")
        x = self.net(z)
        x = torch.tanh(x) if self.tanh else x
        return x.view(z.shape[0], *self.out_shape)


class MLPDiscriminator(nn.Module):
    """``(B, *in_shape)`` to one logit per sample, shape ``(B,)``."""

    def __init__(self, in_shape=(2,), hidden=(128, 128)):
        super().__init__()
        self.in_shape = tuple(in_shape)
        self.net = _mlp([math.prod(self.in_shape), *hidden, 1], lambda: nn.LeakyReLU(0.2))

    def forward(self, x):
        if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
            raise TypeError(f"MLPDiscriminator takes a floating-point tensor x; got {type(x).__name__}"
                            f"{' of dtype ' + str(x.dtype) if isinstance(x, torch.Tensor) else ''}.")
        if tuple(x.shape[1:]) != self.in_shape:
            raise ValueError(f"MLPDiscriminator expects inputs of shape (batch, {', '.join(map(str, self.in_shape))}); "
                             f"got x of shape {tuple(x.shape)}.")
        return self.net(x.flatten(1)).view(-1)


def mlp_image_gan(image_size=32, z_dim=64, hidden=(256, 512)):
    """The fully connected GAN of chapter 3.1 for one-channel images, used again as 3.2's baseline."""
    shape = (1, image_size, image_size)
    return (MLPGenerator(z_dim=z_dim, out_shape=shape, hidden=hidden, tanh=True),
            MLPDiscriminator(in_shape=shape, hidden=tuple(reversed(hidden))))
