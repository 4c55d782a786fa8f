"""Segmentation losses: for small structures, for several classes, and SegAN's multi-scale L1 loss.

* :func:`balanced_cross_entropy`: lesions cover well under 1 % of a slice; with every pixel counted alike,
  a network that never marks a lesion already scores a low loss. Weighting each lesion pixel by
  (background pixels / lesion pixels) of the batch makes both classes count equally.
* :func:`soft_dice_loss`: one minus the soft Dice overlap of one class (a lesion) with its mask.
* :func:`dice_loss` and :func:`dice_cross_entropy`: the usual loss of a U-Net segmenter, one minus the soft
  Dice overlap of each class (which ignores how many pixels a class has) plus the cross-entropy (which gives
  every pixel a gradient, even where the Dice term is flat).
* :func:`mask_images` and :func:`multiscale_l1`: the survey's Eq. 6, SegAN's loss {cite}`survey49`: the mean
  absolute difference between a critic's features of the image masked by the predicted segmentation and of
  the image masked by the true one, averaged over the critic's scales.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def balanced_cross_entropy(logits, masks):
    """Binary cross-entropy of ``logits`` against 0/1 ``masks`` (same shape), the positive pixels weighted by
    (negative pixels / positive pixels) of the batch."""
    if logits.shape != masks.shape:
        raise ValueError(f"the logits {tuple(logits.shape)} and the masks {tuple(masks.shape)} must have the same "
                         "shape: one logit per pixel of each mask.")
    positives = masks.sum()
    weight = ((masks.numel() - positives) / positives.clamp(min=1)).detach()
    return F.binary_cross_entropy_with_logits(logits, masks, pos_weight=weight)


def soft_dice_loss(logits, masks):
    """1 - the soft Dice overlap of ``sigmoid(logits)`` with the 0/1 ``masks``, over the whole batch: one lesion
    class against the rest (:func:`dice_loss` is the same for several classes)."""
    p = torch.sigmoid(logits)
    return 1 - (2 * (p * masks).sum() + 1) / (p.sum() + masks.sum() + 1)


def _check_logits_and_labels(logits, labels):
    if not isinstance(logits, torch.Tensor) or logits.dim() != 4 or not torch.is_floating_point(logits):
        raise ValueError("logits must be a floating-point tensor (batch, classes, height, width); got "
                         f"{tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__}.")
    if not isinstance(labels, torch.Tensor) or labels.dtype != torch.long:
        raise TypeError("labels must be a label map of class indices, a torch.long tensor (batch, height, "
                        f"width); got {type(labels).__name__}"
                        f"{' of dtype ' + str(labels.dtype) if isinstance(labels, torch.Tensor) else ''}. "
                        "Convert with labels.long().")
    if labels.shape != logits.shape[:1] + logits.shape[2:]:
        raise ValueError(f"labels {tuple(labels.shape)} must hold one class index per pixel of the logits "
                         f"{tuple(logits.shape)}: shape {tuple(logits.shape[:1] + logits.shape[2:])}.")
    if labels.numel() and (labels.min() < 0 or labels.max() >= logits.shape[1]):
        raise ValueError(f"labels hold class indices from {int(labels.min())} to {int(labels.max())}, but the "
                         f"logits have {logits.shape[1]} classes (0 to {logits.shape[1] - 1}).")


def one_hot(labels, n_classes: int):
    """A label map ``(B, H, W)`` of class indices as ``n_classes`` float 0/1 maps ``(B, n_classes, H, W)``."""
    return F.one_hot(labels, n_classes).permute(0, 3, 1, 2).float()


def dice_loss(logits, labels, smooth: float = 1.0):
    """1 - the soft Dice overlap, averaged over the classes: for class k with softmax probabilities p_k and
    true mask y_k, summed over the batch's pixels, 1 - (2 sum p_k y_k + s) / (sum p_k + sum y_k + s).

    ``smooth`` (s) keeps a class that is absent from the batch and not predicted at a loss near 0."""
    _check_logits_and_labels(logits, labels)
    p, y = logits.softmax(1), one_hot(labels, logits.shape[1])
    overlap = (p * y).sum(dim=(0, 2, 3))  # (K,)
    sizes = p.sum(dim=(0, 2, 3)) + y.sum(dim=(0, 2, 3))
    return 1 - ((2 * overlap + smooth) / (sizes + smooth)).mean()


def class_balanced_weights(labels, n_classes: int):
    """One weight per class, (pixels / (n_classes x pixels of the class)) in the batch ``labels``: weighted
    by them, every class present counts as much in the cross-entropy as if all were equally common. An
    absent class gets the weight of a class with one pixel (it has no pixel to weigh)."""
    counts = torch.bincount(labels.flatten(), minlength=n_classes).float()
    return (labels.numel() / (n_classes * counts.clamp(min=1))).detach()


def dice_cross_entropy(logits, labels, balanced: bool = True):
    """The baseline's loss: :func:`dice_loss` plus the cross-entropy, each averaged; with ``balanced``, the
    cross-entropy weighs each class by :func:`class_balanced_weights` (the multi-class form of
    :func:`balanced_cross_entropy`: a lesion of 1 % of the pixels then pulls as hard as the background)."""
    weight = class_balanced_weights(labels, logits.shape[1]) if balanced else None
    return dice_loss(logits, labels) + F.cross_entropy(logits, labels, weight=weight)


def mask_images(images, masks):
    """``x o y``: a one-channel image ``(B, 1, H, W)`` times each of ``K`` masks ``(B, K, H, W)``, the
    ``K``-channel input of SegAN's critic. The masks may be probabilities (a prediction) or 0/1."""
    if images.dim() != 4 or images.shape[1] != 1 or masks.dim() != 4 or images.shape[0] != masks.shape[0] \
            or images.shape[2:] != masks.shape[2:]:
        raise ValueError(f"mask_images takes one-channel images (B, 1, H, W) and masks (B, K, H, W) of the same "
                         f"batch and size; got {tuple(images.shape)} and {tuple(masks.shape)}.")
    return images * masks


def multiscale_l1(features_a, features_b):
    """The mean, over the scales, of the mean absolute difference of two lists of feature maps (SegAN's
    multi-scale L1 loss, the survey's Eq. 6, when the lists are a critic's features of ``x o S(x)`` and of
    ``x o y``). Every scale weighs alike; the authors' code weighs the deeper ones up to 4 times more."""
    features_a, features_b = list(features_a), list(features_b)
    if not features_a or len(features_a) != len(features_b):
        raise ValueError(f"multiscale_l1 compares two lists of feature maps of the same length (one map per "
                         f"scale); got {len(features_a)} and {len(features_b)}.")
    for i, (a, b) in enumerate(zip(features_a, features_b)):
        if a.shape != b.shape:
            raise ValueError(f"the feature maps at scale {i} differ in shape: {tuple(a.shape)} and "
                             f"{tuple(b.shape)}. Compute both lists with the same critic on inputs of one size.")
    return torch.stack([(a - b).abs().mean() for a, b in zip(features_a, features_b)]).mean()
