"""A segmentation loss for small structures: cross-entropy with the rare class weighted up.

Lesions cover well under 1 % of a slice; with every pixel counted alike, a network that never marks a
lesion already scores a low loss. Weighting each lesion pixel by (background pixels / lesion pixels) of the
batch makes both classes count equally.
"""
from __future__ import annotations

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
