"""Overlap of two masks: the Dice coefficient, the score of every segmentation in the book.

Tested against hand-counted masks in ``tests/test_metrics.py``.
"""
from __future__ import annotations

import torch

from ..checks import as_tensor, check_finite, check_not_empty, check_number


def dice(prediction, target, label=None) -> float:
    """Dice overlap 2|A n B| / (|A| + |B|) {cite}`dice1945measures` of two masks (0/1 or bool), or of the
    regions with value ``label`` in two label maps. Two empty masks score 1."""
    what = "a mask or a label map (a tensor or an array)"
    prediction, target = as_tensor(prediction, "prediction", what), as_tensor(target, "target", what)
    if prediction.shape != target.shape:
        raise ValueError(f"prediction and target must have the same shape; got {tuple(prediction.shape)} and "
                         f"{tuple(target.shape)}.")
    check_not_empty(prediction, "prediction")
    if label is not None:
        if not isinstance(label, bool):
            check_number(label, "label", hint=" (the value of the region to compare, e.g. 2 for grey matter)")
        for t, name in ((prediction, "prediction"), (target, "target")):
            check_finite(t, name, "a NaN pixel belongs to no region. Repair the map first")
        a, b = prediction == label, target == label
    else:
        for t, name in ((prediction, "prediction"), (target, "target")):
            values = torch.unique(t)
            if not bool(((values == 0) | (values == 1)).all()):
                raise ValueError(f"{name} is not a binary mask (values {values[:6].tolist()}); threshold it, or "
                                 "pass label= to compare one label of two label maps.")
        a, b = prediction.bool(), target.bool()
    total = a.sum() + b.sum()
    return 1.0 if total == 0 else float(2 * (a & b).sum() / total)

