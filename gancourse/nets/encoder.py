"""The book's domain encoder: a small convolutional network that learns what brain MRI slices look like.

It is trained on the simulator to segment tissue, a local, fine-scale task, and to tell the axial level of
the slice, a global task (:mod:`gancourse.metrics.domain` holds the training code and loads the trained weights
that ship with gancourse). Its pooled activations are the features of the book's Fréchet distance, and its
layers the feature space of the perceptual losses.
"""
import torch
import torch.nn.functional as F
from torch import nn


class DomainEncoder(nn.Module):
    """Four 3x3 convolution blocks, ``(B, 1, 64, 64)`` in [-1, 1] -> pooled statistics ``(B, 352)``."""

    widths = (16, 32, 64, 64)
    pool_before = (False, True, True, False)  # each block's input side: 64, 32, 16, 16

    def __init__(self):
        super().__init__()
        blocks, channels = [], 1
        for width in self.widths:
            blocks.append(nn.Sequential(nn.Conv2d(channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()))
            channels = width
        self.blocks = nn.ModuleList(blocks)
        self.segment = nn.Conv2d(self.widths[1], 4, 1)  # tissue classes, from the 32x32 layer
        self.level = nn.Linear(self.widths[-1], 1)      # axial level, from the pooled last layer
        n_features = 2 * sum(self.widths)
        self.register_buffer("feature_mean", torch.zeros(n_features))
        self.register_buffer("feature_std", torch.ones(n_features))

    def activations(self, x):
        """The output of every block, for inputs already prepared (64x64, [-1, 1])."""
        outputs = []
        for block, pool in zip(self.blocks, self.pool_before):
            x = block(F.max_pool2d(x, 2) if pool else x)
            outputs.append(x)
        return outputs  # 64x64, 32x32, 16x16, 16x16

    def forward(self, x):
        layers = self.activations(x)
        return self.segment(layers[1]), self.level(layers[-1].mean(dim=(2, 3))).squeeze(1)

    def raw_features(self, x):
        stats = []
        for layer in self.activations(x):
            flat = layer.flatten(2)
            stats += [flat.mean(dim=2), flat.std(dim=2)]
        return torch.cat(stats, dim=1)

    def features(self, x):
        """Standardised pooled statistics of every layer."""
        return (self.raw_features(x) - self.feature_mean) / self.feature_std
