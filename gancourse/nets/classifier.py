"""A small convolutional classifier for slices: the book's independent judge of classes.

Three blocks of (3x3 convolution, batch norm, ReLU, 2x2 max pooling) double the channels and halve the side;
global average pooling and a linear layer give one logit per class. Small enough to train in seconds on a
CPU, and independent of any GAN: it never sees a discriminator's weights.
"""
import torch
from torch import nn

from ..checks import check_images


class SliceClassifier(nn.Module):
    """Images ``(B, channels, S, S)`` (any ``S`` divisible by 8) to class logits ``(B, n_classes)``."""

    def __init__(self, n_classes, channels=1, width=16, dropout=0.25):
        super().__init__()
        if not (isinstance(n_classes, int) and n_classes >= 2):
            raise ValueError(f"n_classes must be a whole number >= 2, got {n_classes!r}.")
        self.n_classes, self.channels = n_classes, channels
        layers, features = [], channels
        for k in range(3):
            layers += [nn.Conv2d(features, width * 2 ** k, 3, padding=1, bias=False),
                       nn.BatchNorm2d(width * 2 ** k), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            features = width * 2 ** k
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(features, n_classes))

    def forward(self, x):
        if isinstance(x, torch.Tensor) and x.dim() == 4 and x.shape[-1] % 8:
            raise ValueError(f"SliceClassifier needs images with a side divisible by 8 (three 2x2 poolings); got "
                             f"{tuple(x.shape)}.")
        check_images(x, self.channels, x.shape[-1] if x.dim() == 4 else -1, "SliceClassifier")
        return self.head(self.features(x))
