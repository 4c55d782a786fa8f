"""Losses measured in a feature network's layers instead of in pixels (Johnson et al.'s perceptual losses,
the feature space of Li and Wand's Markovian GAN {cite}`survey9`).

* content: the mean squared difference of two images' activations, layer by layer; small when the images
  show the same structures, even if their pixels differ (another contrast, another texture);
* style: the mean squared difference of the layers' Gram matrices (channel-by-channel correlations,
  averaged over positions), which keep *which* textures are present and discard *where*.

The feature network is any function ``images -> list of activations``. By default it is the domain encoder
of :mod:`gancourse.metrics.domain`, trained on the simulator and cached locally; an ImageNet network can be
passed instead where its weights are already on the machine (nothing is downloaded here).
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from ..metrics.domain import encoder_on, prepare


def domain_encoder_layers(images: torch.Tensor) -> list[torch.Tensor]:
    """The domain encoder's four layers for single-channel images in [-1, 1], computed on the images' device;
    gradients flow to the images."""
    return encoder_on(images.device).activations(prepare(images))


def gram_matrix(activation: torch.Tensor) -> torch.Tensor:
    """``(B, C, H, W)`` -> ``(B, C, C)``: the correlation of every pair of channels, averaged over positions."""
    b, c, h, w = activation.shape
    flat = activation.reshape(b, c, h * w)
    return flat @ flat.transpose(1, 2) / (h * w)


class FeatureLoss:
    """``loss(a, b)`` -> a scalar tensor: content distance (``kind="content"``) or style distance
    (``kind="style"``) between two batches of images, averaged over the layers of ``features``."""

    def __init__(self, features: Callable | None = None, kind: str = "content"):
        if kind not in ("content", "style"):
            raise ValueError(f"kind is 'content' or 'style'; got {kind!r}.")
        self.features = features or domain_encoder_layers
        self.kind = kind

    def __call__(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if a.shape != b.shape:
            raise ValueError(f"a feature loss compares two batches of the same shape; got {tuple(a.shape)} and "
                             f"{tuple(b.shape)}.")
        layers_a, layers_b = self.features(a), self.features(b)
        if self.kind == "style":
            layers_a, layers_b = map(gram_matrix, layers_a), map(gram_matrix, layers_b)
        distances = [F.mse_loss(x, y) for x, y in zip(layers_a, layers_b)]
        return torch.stack(distances).mean()
