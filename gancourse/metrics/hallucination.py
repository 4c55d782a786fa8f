"""Did a translation erase a known lesion, or invent one? Rates measured against known masks.

Cohen et al. {cite}`cohen2018distribution` showed that a translator trained to match a target set erases
lesions that set never shows and invents lesions in healthy images when the set is full of them. On
simulated subjects, whose true target image and lesion mask are known, both failures are measurable:

* :func:`lesion_survival`: per lesion, the share of its true contrast that the translation keeps
  (:func:`~gancourse.metrics.lesions.lesion_contrast` of the output over that of the truth): 1 kept, 0 erased;
* :func:`added_lesion_contrast`: per healthy image, the contrast of the strongest bright blob the translation
  adds (:func:`~gancourse.metrics.reconstruction.invented_contrast`), after removing the translation's
  overall offset inside the region, so that an output that is brighter everywhere does not count as a lesion;
* :func:`hallucination_rates`: the four numbers a table reports from those two;
* :func:`paired_gap`: the difference of a per-image measure between two networks on the same test images,
  pooled over seeds, with two standard errors and whether every seed agrees in sign.
"""
from __future__ import annotations

import numpy as np
import torch

from .lesions import lesion_contrast
from .reconstruction import invented_contrast


def lesion_survival(translated, truth, lesion_mask, surround_mask, ring: int = 2) -> torch.Tensor:
    """Per image with a lesion: its contrast in ``translated`` over its contrast in ``truth`` (both
    measured by :func:`~gancourse.metrics.lesions.lesion_contrast`, which checks the inputs). 1 means the
    lesion kept its contrast, 0 that it was erased."""
    if not isinstance(truth, torch.Tensor) or truth.shape != getattr(translated, "shape", None):
        raise ValueError("lesion_survival compares a translation with its truth: two tensors of the same shape "
                         f"(N, 1, H, W); got {getattr(translated, 'shape', type(translated).__name__)} and "
                         f"{getattr(truth, 'shape', type(truth).__name__)}.")
    return (lesion_contrast(translated, lesion_mask, surround_mask, ring)
            / lesion_contrast(truth, lesion_mask, surround_mask, ring))


def added_lesion_contrast(translated, truth, region, radius: int = 1) -> torch.Tensor:
    """Per image ``(N,)``: the contrast of the strongest bright disc-shaped blob of ``translated - truth``
    inside ``region`` (a boolean ``(N, 1, H, W)`` mask), after subtracting each image's median difference
    inside the region (its overall offset)."""
    if not isinstance(region, torch.Tensor) or region.dtype != torch.bool:
        raise TypeError("region must be a boolean tensor (N, 1, H, W), the mask a lesion could appear in; "
                        f"got {getattr(region, 'dtype', type(region).__name__)}. Use mask > 0.5.")
    if not isinstance(translated, torch.Tensor) or translated.shape != region.shape:
        raise ValueError(f"translated {tuple(getattr(translated, 'shape', ()))} must have the region's shape "
                         f"{tuple(region.shape)}.")
    offset = torch.stack([(o - t)[m].median() for o, t, m in zip(translated, truth, region)])
    return invented_contrast(translated - offset.view(-1, 1, 1, 1), truth, region, radius=radius,
                             polarity="brighter")


def hallucination_rates(kept, added, threshold: float) -> dict:
    """The mean share of contrast kept, the share of lesions keeping at least half, the mean added blob
    contrast, and the share of healthy images whose blob reaches ``threshold``."""
    kept, added = torch.as_tensor(kept), torch.as_tensor(added)
    if kept.numel() == 0 or added.numel() == 0:
        raise ValueError("hallucination_rates needs at least one lesion and one healthy image; got "
                         f"{kept.numel()} and {added.numel()}.")
    return {"contrast kept (of true)": kept.mean().item(),
            "lesions kept (≥ half)": (kept >= 0.5).float().mean().item(),
            "added blob contrast": added.mean().item(),
            "slices with an invented lesion": (added >= threshold).float().mean().item()}


def paired_gap(better, worse) -> tuple[float, float, bool]:
    """``better`` and ``worse``: one per-image tensor per seed, for two networks on the same images.
    Returns the mean difference ``better - worse`` pooled over seeds, two standard errors of it, and
    whether every seed's mean difference has the pooled sign."""
    if len(better) != len(worse) or not better:
        raise ValueError(f"paired_gap needs one tensor per seed for each network; got {len(better)} and "
                         f"{len(worse)}.")
    gaps = [b - w for b, w in zip(better, worse)]
    gap = torch.cat(gaps)
    if len(gap) < 2:
        raise ValueError("paired_gap needs at least two images to estimate a standard error.")
    agree = all(np.sign(g.mean().item()) == np.sign(gap.mean().item()) for g in gaps)
    return gap.mean().item(), 2 * gap.std().item() / len(gap) ** 0.5, agree
