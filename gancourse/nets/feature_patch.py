"""Li and Wand's Markovian discriminator {cite}`survey9`: patches judged in a feature space.

Their MGAN passes images through a fixed, pre-trained network (VGG19) and classifies each position of its
feature maps as real or fake with a small fully convolutional network: a verdict per *feature patch*.
pix2pix's PatchGAN (:class:`gancourse.nets.PatchDiscriminator`) is the same idea on pixels.

The fixed network is any function ``images -> list of activations``, passed as ``features``: in the book,
the domain encoder's layers (:func:`gancourse.losses.feature.domain_encoder_layers`, trained on the
simulator; nothing is downloaded). The encoder's weights are not part of this module (they are
never trained and never saved with it), but gradients flow through it to the image, as the generator needs.
"""
import torch
import torch.nn.functional as F
from torch import nn


class FeaturePatchDiscriminator(nn.Module):
    """``(B, condition_channels + 1, S, S)`` (condition and image stacked) to a map of logits, one per position of
    the feature map ``layer`` of ``features``; the condition is averaged down to that map's size and stacked
    with the features (a conditional discriminator, as in pix2pix)."""

    def __init__(self, condition_channels, features, feature_channels=32, layer=1, width=64):
        super().__init__()
        if not callable(features):
            raise TypeError("features is the fixed feature network, a function images -> list of activations "
                            "(for the book's domain encoder: gancourse.losses.feature.domain_encoder_layers).")
        self.condition_channels, self.layer = condition_channels, layer
        self.features = features
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
