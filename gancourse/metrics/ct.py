"""Errors of a synthetic CT in Hounsfield units, tissue by tissue.

:func:`mean_absolute_error_by_tissue` gives the mean absolute error in HU for each tissue class, the way
MR-to-CT papers report it: a synthetic CT that is right in the brain and wrong in the bone is useless for
radiotherapy dose planning, and one average would hide it. A network's output is brought back to HU with
:func:`gancourse.data.intensity.network_to_hu` first.
"""
from __future__ import annotations

import torch

from ..checks import check_finite

# Outside the brain, the true CT tells the tissues apart: below -500 HU air, from 300 HU bone.
AIR_BELOW_HU, BONE_FROM_HU = -500.0, 300.0
#: The tissue classes of :func:`tissue_masks`, in the order the tables list them.
TISSUE_CLASSES = ("air", "soft tissue", "bone", "CSF", "grey matter", "white matter", "lesion")


def tissue_masks(true_hu, labels, lesion_mask=None) -> dict[str, torch.Tensor]:
    """Boolean masks ``(N, 1, H, W)`` of each class in :data:`TISSUE_CLASSES`.

    Inside the brain the classes come from the simulator's tissue labels (lesion pixels are taken out of
    them and form their own class); outside, from the true CT value: air, soft tissue (scalp) or bone.
    """
    _check_ct(true_hu, "true_hu")
    if true_hu.dim() != 4 or true_hu.shape[1] != 1:
        raise ValueError(f"true_hu must be CT images (N, 1, H, W); got shape {tuple(true_hu.shape)}.")
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"labels must be a tensor of tissue labels (N, H, W); got {type(labels).__name__}.")
    if labels.shape != true_hu.shape[:1] + true_hu.shape[2:]:
        raise ValueError(f"the labels {tuple(labels.shape)} must be one map (N, H, W) per image "
                         f"{tuple(true_hu.shape)}: pass the BrainBatch's labels of the same subjects.")
    if lesion_mask is not None and (not isinstance(lesion_mask, torch.Tensor) or lesion_mask.shape != true_hu.shape):
        shape = tuple(lesion_mask.shape) if isinstance(lesion_mask, torch.Tensor) else type(lesion_mask).__name__
        raise ValueError(f"lesion_mask {shape} must be a tensor of the CT images' shape {tuple(true_hu.shape)} "
                         "(the BrainBatch's lesion_mask of the same subjects), or None.")
    _check_hounsfield(true_hu, "true_hu")
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
    _check_ct(predicted_hu, "predicted_hu")
    _check_ct(true_hu, "true_hu")
    if predicted_hu.shape != true_hu.shape:
        raise ValueError(f"predicted_hu {tuple(predicted_hu.shape)} and true_hu {tuple(true_hu.shape)} must "
                         "have the same shape: predicted image i is the translation of the subject of true image i.")
    masks = tissue_masks(true_hu, labels, lesion_mask)
    _check_hounsfield(predicted_hu, "predicted_hu")
    error = (predicted_hu - true_hu).abs()
    result = {name: error[mask].mean().item() if mask.any() else float("nan") for name, mask in masks.items()}
    result["all"] = error.mean().item()
    return result


def _check_ct(x, name):
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        raise TypeError(f"{name} must be a floating-point tensor of CT images (N, 1, H, W) in Hounsfield units; got "
                        f"{type(x).__name__}{' of dtype ' + str(x.dtype) if isinstance(x, torch.Tensor) else ''}.")


def _check_hounsfield(x, name):
    """Finite values, and not a network's [-1, 1]: a head CT spans about -1000 (air) to 1000 HU (bone)."""
    check_finite(x, name, "repair or drop those images")
    if x.numel() and float(x.abs().max()) <= 1.05:
        raise ValueError(f"{name} holds values in [{float(x.min()):.3g}, {float(x.max()):.3g}]: a network's output, "
                         "not Hounsfield units (a head CT spans about -1000 to 1000 HU). Convert it with "
                         "gancourse.data.network_to_hu first.")
