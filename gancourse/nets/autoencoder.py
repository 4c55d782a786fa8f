"""An image-to-latent encoder in DCGAN's shape, and the autoencoder it makes with a DCGAN generator (chapter 4.4).

:class:`DCGANEncoder` is the DCGAN discriminator with ``z_dim`` outputs instead of one logit: strided 4x4
convolutions halve the side and double the channels down to 4x4, a last 4x4 convolution gives the latent
vector. f-AnoGAN's encoder {cite}`schlegl2019fanogan` has this shape; it learns to invert a trained
generator. :class:`ConvAutoencoder` puts the same encoder in front of a :class:`~gancourse.nets.dcgan.DCGANGenerator`
used as the decoder: the autoencoder and the GAN (with its encoder) then share their architecture and differ
only in how they are trained, which is the comparison chapter 4.4 makes. For 32x32 and ``width=32``:

    (1, 32, 32) -> (32, 16, 16) -> (64, 8, 8) -> (128, 4, 4) -> z (z_dim) -> ... -> (1, 32, 32)
"""
from torch import nn

from ..checks import check_images
from .dcgan import DCGANGenerator, _levels
from .norms import init_weights


class DCGANEncoder(nn.Module):
    """Images ``(B, channels, image_size, image_size)`` to latent vectors ``(B, z_dim)`` (no output
    non-linearity: the book's generators draw z from a standard normal, which has no bounds)."""

    def __init__(self, z_dim=100, width=64, channels=1, image_size=64):
        super().__init__()
        self.z_dim, self.channels, self.image_size = z_dim, channels, image_size
        levels = _levels(image_size)
        layers = [nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
        features = width
        for _ in range(levels - 1):
            layers += [nn.Conv2d(features, features * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(features * 2),
                       nn.LeakyReLU(0.2, inplace=True)]
            features *= 2
        layers += [nn.Conv2d(features, z_dim, 4, 1, 0)]  # 4x4 -> 1x1: the latent vector
        self.main = nn.Sequential(*layers)
        self.apply(init_weights)

    def forward(self, x):
        check_images(x, self.channels, self.image_size, "DCGANEncoder")
        return self.main(x).flatten(1)


class ConvAutoencoder(nn.Module):
    """:class:`DCGANEncoder` then :class:`~gancourse.nets.dcgan.DCGANGenerator`: images to images in [-1, 1]
    through a ``z_dim`` bottleneck (``encoder`` and ``decoder`` are its two halves)."""

    def __init__(self, z_dim=100, width=64, channels=1, image_size=64):
        super().__init__()
        self.encoder = DCGANEncoder(z_dim, width, channels, image_size)
        self.decoder = DCGANGenerator(z_dim, width, channels, image_size)

    def forward(self, x):
        return self.decoder(self.encoder(x))
