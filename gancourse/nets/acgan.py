"""The auxiliary classifier GAN of Odena et al. {cite}`survey11`, built on the DCGAN networks.

Generator: the class is a one-hot vector appended to the latent vector, so the DCGAN generator simply takes
``z_dim + n_classes`` input channels. Discriminator: the DCGAN trunk down to 4x4, which then splits into two
heads, each a 4x4 convolution: one logit saying real or fake (the *source*) and ``n_classes`` logits saying
which class (the *auxiliary classifier*). Both heads share every feature of the trunk.
"""
import torch
import torch.nn.functional as F
from torch import nn

from ..checks import check_images, check_labels, check_latent
from .dcgan import DCGANDiscriminator, DCGANGenerator


class ACGANGenerator(nn.Module):
    """``(z, labels)`` to images of the requested classes: ``z`` ``(B, z_dim)``, ``labels`` ``(B,)`` integers."""

    def __init__(self, n_classes, z_dim=100, width=64, channels=1, image_size=64):
        super().__init__()
        if not (isinstance(n_classes, int) and n_classes >= 2):
            raise ValueError(f"n_classes must be a whole number >= 2, got {n_classes!r}.")
        self.n_classes, self.z_dim, self.channels, self.image_size = n_classes, z_dim, channels, image_size
        self.dcgan = DCGANGenerator(z_dim=z_dim + n_classes, width=width, channels=channels, image_size=image_size)

    def forward(self, z, labels):
        check_latent(z, self.z_dim, "ACGANGenerator")
        labels = check_labels(labels, self.n_classes, z.shape[0], "ACGANGenerator")
        one_hot = F.one_hot(labels, self.n_classes).to(z.dtype)
        return self.dcgan(torch.cat([z.view(z.shape[0], self.z_dim), one_hot], dim=1))


class ACGANDiscriminator(nn.Module):
    """Images to ``(source_logits (B,), class_logits (B, n_classes))``."""

    def __init__(self, n_classes, width=64, channels=1, image_size=64):
        super().__init__()
        if not (isinstance(n_classes, int) and n_classes >= 2):
            raise ValueError(f"n_classes must be a whole number >= 2, got {n_classes!r}.")
        self.n_classes, self.channels, self.image_size = n_classes, channels, image_size
        dcgan = DCGANDiscriminator(width=width, channels=channels, image_size=image_size)
        self.trunk = dcgan.main[:-1]  # everything up to the 4x4 features
        self.source = dcgan.main[-1]  # the DCGAN's real/fake logit
        features = self.source.in_channels
        self.classifier = nn.Conv2d(features, n_classes, 4, 1, 0)

    def forward(self, x):
        check_images(x, self.channels, self.image_size, "ACGANDiscriminator")
        h = self.trunk(x)
        return self.source(h).view(-1), self.classifier(h).flatten(1)
