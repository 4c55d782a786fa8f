"""Li and Wand's Markovian discriminator {cite}`survey9`: patches judged in a feature space.

Their MGAN passes images through a fixed, pre-trained network (VGG19) and classifies each position of its
feature maps as real or fake with a small fully convolutional network: a verdict per *feature patch*.
pix2pix's PatchGAN (:class:`gancourse.nets.PatchDiscriminator`) is the same idea on pixels.

Here the fixed network is the book's domain encoder (trained on the simulator; nothing is downloaded), or
any function ``images -> list of activations``. The encoder's weights are not part of this module (they are
never trained and never saved with it), but gradients flow through it to the image, as the generator needs.
"""
import torch
import torch.nn.functional as F
from torch import nn

from ..feature_loss import domain_encoder_layers


class FeaturePatchDiscriminator(nn.Module):
    """``(B, condition_channels + 1, S, S)`` (condition and image stacked) to a map of logits, one per position of
    the feature map ``layer`` of ``features``; the condition is averaged down to that map's size and stacked
    with the features (a conditional discriminator, as in pix2pix)."""

    def __init__(self, condition_channels, feature_channels=32, layer=1, width=64, features=None):
        super().__init__()
        self.condition_channels, self.layer = condition_channels, layer
        self.features = features or domain_encoder_layers
        channels = feature_channels + condition_channels
        self.head = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width), nn.LeakyReLU(0.2),
            nn.Conv2d(width, 1, 3, padding=1))

    def forward(self, x):
        if not isinstance(x, torch.Tensor) or x.dim() != 4 or x.shape[1] != self.condition_channels + 1:
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"FeaturePatchDiscriminator expects (batch, {self.condition_channels} + 1, height, width): "
                             f"the condition and a single-channel image stacked; got {shape}.")
        condition, image = x[:, :self.condition_channels], x[:, self.condition_channels:]
        features = self.features(image)[self.layer]
        condition = F.adaptive_avg_pool2d(condition, features.shape[-2:])
        return self.head(torch.cat([features, condition], dim=1))
