"""CT images for a network, and errors in Hounsfield units.

A head CT spans about 3,000 HU, from air (-1000) to dense bone (+1000 and more), but the brain's tissues
differ by tens of HU (fluid 8, white matter 28, grey matter 40, a haemorrhage 65). Scaled linearly to the
[-1, 1] of a tanh generator, 30 HU would be 0.02: nothing the network or its losses would notice.
Radiologists look at CT through *windows* (a brain window of about 80 HU wide, a bone window of 2,000);
:func:`hu_to_network` does the same in one go, with a piecewise-linear scale that gives the soft-tissue
range [-150, 150] HU half of the output range and compresses air and bone (knots in :data:`HU_KNOTS`).
It is exactly invertible, :func:`network_to_hu`, so every error is reported in HU.

:func:`mean_absolute_error_by_tissue` gives the mean absolute error in HU for each tissue class, the way
MR-to-CT papers report it: a synthetic CT that is right in the brain and wrong in the bone is useless for
radiotherapy dose planning, and one average would hide it.
"""
from __future__ import annotations

import torch

# Hounsfield units and the network values they map to; straight lines in between.
HU_KNOTS = (-1024.0, -150.0, 150.0, 1600.0)
NETWORK_KNOTS = (-1.0, -0.6, 0.4, 1.0)

# Outside the brain, the true CT tells the tissues apart: below -500 HU air, from 300 HU bone.
AIR_BELOW_HU, BONE_FROM_HU = -500.0, 300.0
TISSUE_CLASSES = ("air", "soft tissue", "bone", "CSF", "grey matter", "white matter", "lesion")


def _piecewise_linear(x, xs, ys):
    """The polyline through the points ``(xs[i], ys[i])`` (``xs`` increasing), evaluated at ``x`` clipped to
    its ends (what ``numpy.interp`` does)."""
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        raise ValueError(f"expected a floating-point tensor; got {type(x).__name__}.")
    xs, ys = torch.tensor(xs, dtype=x.dtype), torch.tensor(ys, dtype=x.dtype)
    x = x.clamp(xs[0], xs[-1])
    segment = torch.bucketize(x, xs[1:-1], right=True)  # which straight piece each value lies on
    slope = (ys[1:] - ys[:-1]) / (xs[1:] - xs[:-1])
    return ys[segment] + (x - xs[segment]) * slope[segment]


def hu_to_network(hu: torch.Tensor) -> torch.Tensor:
    """Hounsfield units to [-1, 1] through the windowed scale (values beyond the end knots are clipped)."""
    return _piecewise_linear(hu, HU_KNOTS, NETWORK_KNOTS)


def network_to_hu(values: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`hu_to_network`: a generator's output in [-1, 1] to Hounsfield units."""
    return _piecewise_linear(values, NETWORK_KNOTS, HU_KNOTS)


def tissue_masks(true_hu, labels, lesion_mask=None) -> dict[str, torch.Tensor]:
    """Boolean masks ``(N, 1, H, W)`` of each class in :data:`TISSUE_CLASSES`.

    Inside the brain the classes come from the simulator's tissue labels (lesion pixels are taken out of
    them and form their own class); outside, from the true CT value: air, soft tissue (scalp) or bone.
    """
    if true_hu.dim() != 4 or true_hu.shape[1] != 1:
        raise ValueError(f"expected CT images (N, 1, H, W); got {tuple(true_hu.shape)}.")
    if labels.shape != true_hu.shape[:1] + true_hu.shape[2:]:
        raise ValueError(f"the labels {tuple(labels.shape)} must be one map (N, H, W) per image "
                         f"{tuple(true_hu.shape)}: pass the BrainBatch's labels of the same subjects.")
    labels = labels.unsqueeze(1)
    lesion = (lesion_mask > 0.5) if lesion_mask is not None else torch.zeros_like(true_hu, dtype=torch.bool)
    outside = labels == 0
    masks = {"air": outside & (true_hu < AIR_BELOW_HU),
             "soft tissue": outside & (true_hu >= AIR_BELOW_HU) & (true_hu < BONE_FROM_HU),
             "bone": outside & (true_hu >= BONE_FROM_HU)}
    for name, label in (("CSF", 1), ("grey matter", 2), ("white matter", 3)):
        masks[name] = (labels == label) & ~lesion
    masks["lesion"] = lesion
    return masks


def mean_absolute_error_by_tissue(predicted_hu, true_hu, labels, lesion_mask=None) -> dict[str, float]:
    """Mean absolute error in HU in each tissue class (and ``"all"`` over every pixel); a class with no pixel
    gets ``nan``."""
    if predicted_hu.shape != true_hu.shape:
        raise ValueError(f"the predicted CT {tuple(predicted_hu.shape)} and the true CT {tuple(true_hu.shape)} must "
                         "have the same shape: predicted image i is the translation of the subject of true image i.")
    error = (predicted_hu - true_hu).abs()
    result = {name: error[mask].mean().item() if mask.any() else float("nan")
              for name, mask in tissue_masks(true_hu, labels, lesion_mask).items()}
    result["all"] = error.mean().item()
    return result
