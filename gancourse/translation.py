"""The pieces of image-to-image translation that are not networks: conditioning a discriminator, and the
pixel losses that pix2pix and CycleGAN add to the adversarial one.

* A conditional discriminator (Mirza and Osindero {cite}`survey7`, pix2pix {cite}`survey4`) judges an image
  *together with* its condition: both are stacked along the channels, so it can reject a realistic image
  that does not belong to its condition. :func:`stack_condition` does that, and checks that they match.
* pix2pix adds an L1 distance to the target (weight 100): :func:`l1_loss`.
* CycleGAN {cite}`survey10` has no pairs, so it asks that translating there and back returns the input
  (cycle consistency, the survey's Eq. 3-4, weight 10) and that a generator leaves an image of its own
  output domain unchanged (identity, weight 0.5 of the cycle weight): :func:`cycle_loss`, :func:`identity_loss`.
"""
from __future__ import annotations

import torch


def check_image_batch(x, name):
    """Refuse anything but a floating-point batch of images ``(batch, channels, height, width)``."""
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x) or x.dim() != 4:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{name} must be a floating-point batch of images (batch, channels, height, width); "
                         f"got {shape}.")


def _check_pair(a, b, what_a, what_b, fix):
    check_image_batch(a, what_a)
    check_image_batch(b, what_b)
    if a.shape[0] != b.shape[0] or a.shape[2:] != b.shape[2:]:
        raise ValueError(f"{what_a} {tuple(a.shape)} and {what_b} {tuple(b.shape)} do not match: they need the same "
                         f"batch size, height and width. {fix}")


def stack_condition(condition, image):
    """``(B, Cc, H, W)`` condition and ``(B, Ci, H, W)`` image -> ``(B, Cc + Ci, H, W)``, the input of a
    conditional discriminator."""
    _check_pair(condition, image, "the condition", "the image",
                "Each image must come with its own condition, at the same resolution (resize one of them).")
    return torch.cat([condition, image], dim=1)


def coarsen(maps, block: int):
    """Maps ``(N, C, H, W)`` averaged over ``block x block`` pixels and brought back to full size (bilinear):
    a condition that says where things are on the whole, not in detail."""
    if not (isinstance(block, int) and block >= 1) or maps.shape[-1] % block or maps.shape[-2] % block:
        raise ValueError(f"block must be a whole number >= 1 that divides the image side; got {block} for "
                         f"{tuple(maps.shape[-2:])}.")
    if block == 1:
        return maps
    coarse = torch.nn.functional.avg_pool2d(maps, block)
    return torch.nn.functional.interpolate(coarse, scale_factor=block, mode="bilinear", align_corners=False)


def _mean_absolute_difference(a, b, what_a, what_b, fix):
    _check_pair(a, b, what_a, what_b, fix)
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
