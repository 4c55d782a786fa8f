"""The pixel losses that pix2pix and CycleGAN add to the adversarial one.

* pix2pix adds an L1 distance to the target (weight 100): :func:`l1_loss`.
* CycleGAN {cite}`survey10` has no pairs, so it asks that translating there and back returns the input
  (cycle consistency, the survey's Eq. 3-4, weight 10) and that a generator leaves an image of its own
  output domain unchanged (identity, weight 0.5 of the cycle weight): :func:`cycle_loss`, :func:`identity_loss`.
"""
from __future__ import annotations

from ..checks import check_image_pair


def _mean_absolute_difference(a, b, what_a, what_b, fix):
    check_image_pair(a, b, what_a, what_b, fix)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"{what_a} has {a.shape[1]} channels and {what_b} {b.shape[1]}; they must match.")
    return (a - b).abs().mean()


def l1_loss(prediction, target):
    """Mean absolute difference between a translation and its paired target (pix2pix's reconstruction term)."""
    return _mean_absolute_difference(
        prediction, target, "the prediction", "the target",
        "An L1 loss needs paired images: prediction i must be the translation of the input whose target is "
        "target i. For unpaired sets, use a cycle loss instead.")


def cycle_loss(original, reconstructed):
    """``|F(G(x)) - x|``, averaged: what translating there and back lost (the survey's Eq. 3-4)."""
    return _mean_absolute_difference(original, reconstructed, "the original", "the reconstruction",
                                     "The reconstruction is the original translated to the other domain and back.")


def identity_loss(image, translated):
    """``|G(y) - y|`` for an image ``y`` already in G's output domain: G should leave it unchanged."""
    return _mean_absolute_difference(image, translated, "the image", "its translation",
                                     "The identity term feeds a generator an image of its own output domain.")
