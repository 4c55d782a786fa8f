"""The deep convolutional GAN of Radford et al. {cite}`survey6`, as in the PyTorch DCGAN example.

Generator: the latent vector z is a 1x1 image with ``z_dim`` channels. A transposed convolution (kernel 4,
stride 1, no padding) makes it 4x4; each further transposed convolution (kernel 4, stride 2, padding 1)
doubles the side and halves the channels, with batch norm and ReLU after each; the last one gives the
image channels and a tanh, so images live in [-1, 1]. For 64x64 and ``width=64`` (the canonical ngf):

    z (100, 1, 1) -> (512, 4, 4) -> (256, 8, 8) -> (128, 16, 16) -> (64, 32, 32) -> (1, 64, 64)

Discriminator: the mirror image. Strided convolutions (kernel 4, stride 2, padding 1) halve the side and
double the channels, with leaky ReLU (slope 0.2) everywhere and batch norm everywhere but on the first
layer; a last 4x4 convolution without padding gives one number per image:

    (1, 64, 64) -> (64, 32, 32) -> (128, 16, 16) -> (256, 8, 8) -> (512, 4, 4) -> (1, 1, 1)

Unlike the example, the discriminator returns the logit, not the sigmoid of it: the losses in
:mod:`gancourse.losses` take logits because ``log(sigmoid(x))`` computed in one step does not overflow.
"""
import math

from torch import nn

from ..checks import check_images, check_latent
from .norms import check_norm, init_weights, norm_layer


def _levels(image_size):
    levels = math.log2(image_size) - 2
    if image_size < 8 or levels != int(levels):
        raise ValueError(f"DCGAN image sizes are powers of two from 8 up (8, 16, 32, 64, 128, ...); got "
                         f"image_size={image_size}.")
    return int(levels)  # number of stride-2 layers between 4x4 and the image


class DCGANGenerator(nn.Module):
    """Latent vectors ``(B, z_dim)`` to images ``(B, channels, image_size, image_size)`` in [-1, 1]."""

    def __init__(self, z_dim=100, width=64, channels=1, image_size=64):
        super().__init__()
        self.z_dim, self.channels, self.image_size = z_dim, channels, image_size
        levels = _levels(image_size)
        features = width * 2 ** (levels - 1)  # channels at 4x4: 512 for 64x64 and width 64
        layers = [nn.ConvTranspose2d(z_dim, features, 4, 1, 0, bias=False), nn.BatchNorm2d(features), nn.ReLU(True)]
        for _ in range(levels - 1):
            layers += [nn.ConvTranspose2d(features, features // 2, 4, 2, 1, bias=False),
                       nn.BatchNorm2d(features // 2), nn.ReLU(True)]
            features //= 2
        layers += [nn.ConvTranspose2d(features, channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)
        self.apply(init_weights)  # the DCGAN paper's initialisation (see gancourse.nets.norms)

    def forward(self, z):
        check_latent(z, self.z_dim, "DCGANGenerator")
        return self.main(z.view(z.shape[0], self.z_dim, 1, 1))


DISCRIMINATOR_NORMS = ("batch", "layer", "none")


class DCGANDiscriminator(nn.Module):
    """Images ``(B, channels, image_size, image_size)`` to one logit per image, shape ``(B,)``.

    ``norm="batch"`` is Radford et al.'s. A critic trained with a gradient penalty must not use batch norm:
    the penalty is a per-sample gradient, and batch norm makes each output depend on the whole batch.
    Gulrajani et al. {cite}`gulrajani2017improved` use layer norm there (``norm="layer"``) or none (``"none"``).
    """

    def __init__(self, width=64, channels=1, image_size=64, norm="batch"):
        super().__init__()
        self.channels, self.image_size, self.norm = channels, image_size, check_norm(norm, DISCRIMINATOR_NORMS)
        levels = _levels(image_size)
        layers = [nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
        features = width
        for _ in range(levels - 1):
            layers += [nn.Conv2d(features, features * 2, 4, 2, 1, bias=norm == "none"),
                       norm_layer(norm, features * 2), nn.LeakyReLU(0.2, inplace=True)]
            features *= 2
        layers += [nn.Conv2d(features, 1, 4, 1, 0, bias=False)]  # 4x4 -> 1x1: the logit
        self.main = nn.Sequential(*layers)
        self.apply(init_weights)  # the DCGAN paper's initialisation (see gancourse.nets.norms)

    def forward(self, x):
        check_images(x, self.channels, self.image_size, "DCGANDiscriminator")
        return self.main(x).view(-1)
