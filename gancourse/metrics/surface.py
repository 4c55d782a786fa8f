"""How far apart are two outlines? Surface distances between two masks: Hausdorff 95 and the average
symmetric surface distance.

Dice (:mod:`gancourse.metrics.overlap`) counts pixels; it barely notices a small blob of false positives
far from the lesion, which a surgeon or a radiotherapy plan would. Surface distances measure where the
outlines lie:

* the *boundary* of a mask is its pixels (voxels) with at least one face-neighbour outside the mask; the
  image's edge counts as outside;
* for every boundary point of the prediction, the distance to the nearest boundary point of the target,
  and for every boundary point of the target, the distance to the nearest of the prediction's
  (:func:`surface_distances`), in millimetres when ``spacing`` gives the pixel size;
* the **95th-percentile Hausdorff distance** (:func:`hausdorff_95`) is the 95th percentile of all those
  distances, both directions pooled (as MedPy's ``hd95``): the plain Hausdorff distance (their maximum)
  {cite}`huttenlocher1993comparing` is set by a single stray pixel, its 95th percentile is not;
* the **average symmetric surface distance** (:func:`average_surface_distance`, the "mean boundary
  error") is their mean, both directions pooled.

Empty masks: two empty masks agree perfectly, distance 0. When exactly one is empty there is no outline to
measure to, and the distance is ``math.inf`` (never a made-up finite number): count such cases apart (a
missed lesion, or one seen where there is none) and average the distances over the rest.

The distances are computed by brute force, every boundary point against every other (``torch.cdist``):
plain to read, and fast enough for 2-D slices and small volumes. ``tests/test_surface.py`` checks them
against SciPy's Euclidean distance transform and against cases computed by hand.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..checks import as_tensor, check_number


def _as_mask(x, name):
    x = as_tensor(x, name, "a 2-D or 3-D mask (a tensor or an array of 0/1 or bools)")
    if x.dim() not in (2, 3):
        raise ValueError(f"{name} must be one 2-D or 3-D mask; got shape {tuple(x.shape)}. For a batch, call "
                         "the metric once per image (squeeze the channel dimension first).")
    if x.dtype != torch.bool:
        values = torch.unique(x)
        if not bool(((values == 0) | (values == 1)).all()):
            raise ValueError(f"{name} is not a binary mask (values {values[:6].tolist()}); threshold it, or "
                             "compare one label of a label map: (labels == k).")
    return x.bool()


def boundary(mask) -> torch.Tensor:
    """The pixels of a 2-D or 3-D bool ``mask`` with a face-neighbour (4 in 2-D, 6 in 3-D) outside it."""
    m = mask.float()[None, None]  # (1, 1, ...) for the pooling
    # A pixel stays inside the eroded mask when all its face-neighbours are in the mask: the minimum over
    # a cross. Padding with 0 puts the image's edge outside the mask.
    padded = F.pad(m, (1, 1) * mask.dim(), value=0.0)
    inside = m.clone()
    for axis in range(mask.dim()):
        for shift in (0, 2):
            index = [slice(1, -1)] * mask.dim()
            index[axis] = slice(shift, shift + mask.shape[axis])
            inside = torch.minimum(inside, padded[(0, 0, *index)][None, None])
    return mask & ~inside[0, 0].bool()


def surface_distances(prediction, target, spacing=1.0):
    """Two 1-D tensors: each boundary point of ``prediction``'s distance to the nearest boundary point of
    ``target``, and each of ``target``'s to ``prediction``'s. ``spacing``: the pixel size, one number or one
    per axis (mm). Both empty when both masks are; ``None`` when exactly one mask is empty."""
    prediction, target = _as_mask(prediction, "prediction"), _as_mask(target, "target")
    if prediction.shape != target.shape:
        raise ValueError(f"prediction and target must have the same shape; got {tuple(prediction.shape)} and "
                         f"{tuple(target.shape)}.")
    spacing = _spacing(spacing, prediction.dim())
    if not prediction.any() and not target.any():
        return torch.zeros(0), torch.zeros(0)
    if not prediction.any() or not target.any():
        return None
    # (n, dims) coordinates of the boundary points, in millimetres
    a = boundary(prediction).nonzero().double() * spacing
    b = boundary(target).nonzero().double() * spacing
    # (n_a, n_b): every boundary point against every other; exact differences, not the faster matrix
    # product formula, whose rounding turns a distance of 0 into 5e-7
    distances = torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist")
    return distances.min(dim=1).values, distances.min(dim=0).values


def _spacing(spacing, dims):
    values = spacing if isinstance(spacing, (tuple, list)) else [spacing] * dims
    if len(values) != dims:
        raise ValueError(f"spacing gives one pixel size, or one per axis ({dims} here); got {spacing!r}.")
    return torch.tensor([check_number(v, "spacing", low=0, low_open=True, hint=" (the pixel size, in mm)")
                         for v in values], dtype=torch.float64)


def hausdorff_95(prediction, target, spacing=1.0) -> float:
    """The 95th percentile of the boundary distances of both directions pooled (see the module's text):
    0 for two empty masks, ``math.inf`` when exactly one is empty."""
    pair = surface_distances(prediction, target, spacing)
    if pair is None:
        return math.inf
    pooled = torch.cat(pair)
    # linear interpolation between ranks, as numpy.percentile does
    return 0.0 if pooled.numel() == 0 else float(torch.quantile(pooled, 0.95))


def average_surface_distance(prediction, target, spacing=1.0) -> float:
    """The mean of the boundary distances of both directions pooled (the average symmetric surface
    distance): 0 for two empty masks, ``math.inf`` when exactly one is empty."""
    pair = surface_distances(prediction, target, spacing)
    if pair is None:
        return math.inf
    pooled = torch.cat(pair)
    return 0.0 if pooled.numel() == 0 else float(pooled.mean())
