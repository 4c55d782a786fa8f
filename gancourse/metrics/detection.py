r"""Detection: how well an anomaly map finds lesions it was never shown (chapter 4.4).

An unsupervised detector returns a score per pixel (its residual map) and a score per image. Four
measures, each a question:

* :func:`pixel_auroc`: does a random lesion pixel score higher than a random healthy one? (the area under
  the ROC curve over the pixels inside the brain, pooled over the images);
* :func:`average_precision`: the area under the precision-recall curve, the AUPRC. Lesions are a few
  percent of the brain, and AUROC hides the many false positives a rare class brings; AUPRC does not: a
  detector that scores at random gets the positives' fraction, not 0.5;
* :func:`best_dice`: the Dice of the residual map thresholded at the best threshold for the whole test set,
  an upper bound on what a threshold chosen without the masks would give (the "best achievable" Dice,
  :math:`\lceil \text{Dice} \rceil`, of Baur et al.'s comparative study {cite}`baur2021autoencoders`);
* :func:`image_auroc`: does an image with a lesion get a higher image score than one without?

Precision at a threshold ``t`` is TP(t) / (TP(t) + FP(t)), recall TP(t) / P, over the pixels scoring at least
``t``; average precision is :math:`\sum_n (R_n - R_{n-1}) P_n` over the distinct scores from high to low,
scikit-learn's ``average_precision_score`` (``tests/test_detection_metrics.py`` checks all four against
scikit-learn and a brute-force threshold sweep).
"""
from __future__ import annotations

import numpy as np
import torch

from ..checks import as_tensor, check_finite
from .ranking import roc_auc


def _pixels(scores, lesion_mask, brain_mask):
    """The scores and 0/1 labels of the pixels inside ``brain_mask``, flattened over all images."""
    scores = as_tensor(scores, "scores", "an anomaly map per image (a tensor or an array)").detach().cpu()
    lesion = as_tensor(lesion_mask, "lesion_mask", "a 0/1 mask per image").detach().cpu()
    if scores.shape != lesion.shape:
        raise ValueError(f"scores {tuple(scores.shape)} and lesion_mask {tuple(lesion.shape)} must have the same "
                         "shape: one anomaly score per pixel of each mask (drop or add the channel axis to match).")
    if brain_mask is None:
        inside = torch.ones_like(lesion, dtype=torch.bool)
    else:
        inside = as_tensor(brain_mask, "brain_mask", "a 0/1 or boolean mask per image").detach().cpu()
        if inside.shape != lesion.shape:
            raise ValueError(f"brain_mask {tuple(inside.shape)} must have the shape of lesion_mask "
                             f"{tuple(lesion.shape)}: it says which pixels count.")
        if inside.dtype != torch.bool and not torch.isin(inside, torch.tensor([0, 1], dtype=inside.dtype)).all():
            raise ValueError("brain_mask must hold 0 (outside) and 1 (inside) only, or booleans; a soft mask "
                             "would count every nonzero pixel as inside: threshold it first (mask > 0.5).")
        inside = inside.bool()
    if not torch.isin(lesion, torch.tensor([0.0, 1.0], dtype=lesion.dtype)).all():
        raise ValueError("lesion_mask must hold 0 (healthy) and 1 (lesion) only; threshold a soft mask first "
                         "(mask > 0.5).")
    check_finite(scores.float(), "scores", "a NaN or infinite anomaly score cannot be ranked. Repair the map")
    x = scores[inside].double().numpy()
    y = lesion[inside].numpy().astype(np.int64)
    if y.sum() == 0 or y.sum() == y.size:
        raise ValueError(f"the pixels inside the brain mask are all {'healthy' if y.sum() == 0 else 'lesion'}: "
                         "these measures need both. Include images with lesions (and healthy tissue).")
    return x, y


def _sweep(scores, labels):
    """True and false positives when every pixel scoring at least each distinct score is called a lesion,
    from the highest score to the lowest (the thresholds of the ROC and PR curves)."""
    order = np.argsort(-scores, kind="mergesort")
    scores, labels = scores[order], labels[order]
    last_of_each = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]  # ties share one threshold
    tp = np.cumsum(labels)[last_of_each]
    fp = (last_of_each + 1) - tp
    return scores[last_of_each], tp, fp


def pixel_auroc(scores, lesion_mask, brain_mask=None) -> float:
    """ROC-AUC of the per-pixel ``scores`` against ``lesion_mask`` (same shape), over the pixels inside
    ``brain_mask`` (all pixels when None) of all images together."""
    x, y = _pixels(scores, lesion_mask, brain_mask)
    return roc_auc(x, y)


def average_precision(scores, lesion_mask, brain_mask=None) -> float:
    """Area under the precision-recall curve (AUPRC), :math:`\\sum_n (R_n - R_{n-1}) P_n`, of the per-pixel
    ``scores`` inside ``brain_mask``. A random score gets the fraction of lesion pixels."""
    x, y = _pixels(scores, lesion_mask, brain_mask)
    _, tp, fp = _sweep(x, y)
    precision = tp / (tp + fp)
    recall = tp / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def best_dice(scores, lesion_mask, brain_mask=None) -> tuple[float, float]:
    """The highest Dice of ``scores >= t`` with ``lesion_mask`` over all thresholds ``t`` (one threshold for
    all images, pixels inside ``brain_mask``), and that threshold: ``(dice, t)``.

    Dice(t) = 2 TP(t) / (TP(t) + FP(t) + P). The threshold is chosen with the masks it is scored on, so this is
    what the detector could reach at best, not what a threshold set in advance would."""
    x, y = _pixels(scores, lesion_mask, brain_mask)
    thresholds, tp, fp = _sweep(x, y)
    dice = 2 * tp / (tp + fp + y.sum())
    best = int(np.argmax(dice))
    return float(dice[best]), float(thresholds[best])


def image_auroc(image_scores, has_lesion) -> float:
    """ROC-AUC of one anomaly score per image against whether the image holds a lesion (bools or 0/1)."""
    labels = as_tensor(has_lesion, "has_lesion", "one bool per image").detach().cpu()
    return roc_auc(image_scores, labels.long() if labels.dtype == torch.bool else labels)
