"""Ranking: how well a score separates positives from negatives (the area under the ROC curve).

Tested against scikit-learn's ``roc_auc_score`` in ``tests/test_metrics.py``.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy import stats

from ..checks import as_tensor, check_finite


def roc_auc(scores, labels) -> float:
    """Area under the ROC curve: the probability that a random positive scores higher than a random
    negative (ties count half), computed from ranks (the Mann-Whitney U statistic)."""
    scores = np.asarray(as_tensor(scores, "scores", "one number per example (a tensor, an array or a list)")
                        .detach().cpu(), dtype=np.float64).ravel()
    labels = np.asarray(as_tensor(labels, "labels", "0 or 1 per example (a tensor, an array or a list)")
                        .detach().cpu()).ravel()
    if scores.shape != labels.shape:
        raise ValueError(f"scores and labels must have the same length; got {scores.size} and {labels.size}.")
    if scores.size == 0:
        raise ValueError("scores and labels are empty: ROC-AUC needs at least one positive and one negative example.")
    check_finite(torch.from_numpy(scores), "scores", "a NaN or infinite score cannot be ranked. Repair the scores")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0 (negative) or 1 (positive).")
    positive = labels == 1
    positives = int(positive.sum())
    negatives = labels.size - positives
    if positives == 0 or negatives == 0:
        raise ValueError(f"ROC-AUC needs at least one positive and one negative example; labels holds only "
                         f"{'negatives (0)' if positives == 0 else 'positives (1)'}.")
    ranks = stats.rankdata(scores)
    u = ranks[positive].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


