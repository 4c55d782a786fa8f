"""How good a registration is (chapter 4.6), where the true deformation is known, and where it is not.

Fields are ``(N, 2, H, W)`` displacements in pixels (channel 0 along x, 1 along y), as
:mod:`gancourse.data.warp` applies them. Every measure returns one value per pair, shape ``(N,)``.

* :func:`endpoint_error`: the mean length of the difference between a field and the true one, in pixels;
* :func:`jacobian_determinant` of the map ``p -> p + u(p)``: the local change of area, 1 where the map only
  moves, below 1 where it shrinks, and 0 or below where it *folds* (two places land on one, the image is
  turned inside out): :func:`folded_fraction` counts those pixels, the usual check of a deformation's
  plausibility;
* :func:`tissue_dice`: the mean Dice of the tissue maps the field carries, what one can measure without the
  true field;
* :func:`mutual_information`: differentiable (Parzen-window) mutual information of two images' intensities,
  the classic similarity between modalities;
* :func:`local_ncc`: the local normalised cross-correlation, squared, in windows of ``window x window``
  pixels (VoxelMorph's form {cite}`balakrishnan2019voxelmorph`): a similarity that ignores each window's
  brightness and contrast, and, squared, the sign of the relation too.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..checks import check_image_pair, check_whole_number
from ..data.warp import _check_field
from .overlap import dice


def _check_pair_of_fields(u, v):
    _check_field(u, "the field")
    _check_field(v, "the true field")
    if u.shape != v.shape:
        raise ValueError(f"the field {tuple(u.shape)} and the true field {tuple(v.shape)} must have the same shape.")


def _mask_of(mask, like):
    if mask is None:
        return torch.ones_like(like[:, 0], dtype=torch.bool)
    if not isinstance(mask, torch.Tensor) or mask.shape != like[:, 0].shape:
        shape = tuple(mask.shape) if isinstance(mask, torch.Tensor) else type(mask).__name__
        raise ValueError(f"mask must be a tensor of shape {tuple(like[:, 0].shape)} (batch, height, width), True "
                         f"where the pixel counts; got {shape}.")
    mask = mask.bool()
    if not mask.flatten(1).any(dim=1).all():
        raise ValueError("mask leaves a pair without any pixel to measure; give each pair at least one.")
    return mask


def endpoint_error(u: torch.Tensor, true: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean end-point error ``|u(p) - true(p)|`` (Euclidean, pixels) over each pair's pixels (within ``mask``,
    ``(N, H, W)``, when given): ``(N,)``."""
    _check_pair_of_fields(u, true)
    mask = _mask_of(mask, u)
    error = (u - true).norm(dim=1)
    return (error * mask).flatten(1).sum(1) / mask.flatten(1).sum(1)


def jacobian_determinant(u: torch.Tensor) -> torch.Tensor:
    """``det(I + grad u)`` at every pixel, ``(N, H, W)``: derivatives by central differences inside, one-sided at
    the edges (``torch.gradient``, as ``numpy.gradient``), with a pixel as the unit of length."""
    _check_field(u)
    if min(u.shape[2:]) < 2:
        raise ValueError(f"a Jacobian needs at least 2 pixels along each side; got {tuple(u.shape[2:])}.")
    dux_dy, dux_dx = torch.gradient(u[:, 0], dim=(1, 2))  # rows are y, columns x
    duy_dy, duy_dx = torch.gradient(u[:, 1], dim=(1, 2))
    return (1 + dux_dx) * (1 + duy_dy) - dux_dy * duy_dx


def folded_fraction(u: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """The fraction of each pair's pixels (within ``mask``) where the Jacobian determinant is 0 or below: ``(N,)``."""
    det = jacobian_determinant(u)
    mask = _mask_of(mask, u)
    return ((det <= 0) & mask).flatten(1).sum(1) / mask.flatten(1).sum(1)


def tissue_dice(warped_labels: torch.Tensor, fixed_labels: torch.Tensor, labels=(1, 2, 3)) -> torch.Tensor:
    """The mean over ``labels`` (by default the simulator's CSF, grey and white matter) of the Dice overlap
    (:func:`gancourse.metrics.overlap.dice`) of the warped moving label map with the fixed one, per pair."""
    for t, name in ((warped_labels, "warped_labels"), (fixed_labels, "fixed_labels")):
        if not isinstance(t, torch.Tensor) or t.dim() != 3:
            shape = tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__
            raise ValueError(f"{name} must be label maps (batch, height, width); got {shape}.")
    if warped_labels.shape != fixed_labels.shape:
        raise ValueError(f"warped_labels {tuple(warped_labels.shape)} and fixed_labels {tuple(fixed_labels.shape)} "
                         "must have the same shape.")
    labels = list(labels)
    if not labels:
        raise ValueError("labels must name at least one label to compare.")
    return torch.tensor([sum(dice(w, f, label=k) for k in labels) / len(labels)
                         for w, f in zip(warped_labels, fixed_labels)])


def local_ncc(a: torch.Tensor, b: torch.Tensor, window: int = 9, eps: float = 1e-5) -> torch.Tensor:
    """Squared local normalised cross-correlation of single-channel images ``(N, 1, H, W)``, averaged over each
    image: ``(N,)``, in [0, 1].

    In the window of ``window x window`` pixels around each pixel (zeros beyond the border, as VoxelMorph),
    with ``n`` pixels, sums ``S``, and means ``m``:
    ``cc = (S_ab - n m_a m_b)^2 / ((S_aa - n m_a^2)(S_bb - n m_b^2) + eps)``. It is 1 where one image is a
    linear function of the other in the window (of either sign) and 0 where they are unrelated, or where a
    window is flat (``eps`` keeps 0/0 at 0)."""
    check_image_pair(a, b, "a", "b", "Compare images of the same size, one per pair.")
    if a.shape[1] != 1 or b.shape[1] != 1:
        raise ValueError(f"local_ncc compares single-channel images (N, 1, H, W); got {tuple(a.shape)} and "
                         f"{tuple(b.shape)}.")
    window = check_whole_number(window, "window", minimum=1)
    if window % 2 == 0:
        raise ValueError(f"window must be odd, so that it is centred on its pixel; got {window}.")
    n = window * window
    # sums over each window: a box filter (zeros beyond the border count, as VoxelMorph's padded convolution)
    total = lambda x: n * F.avg_pool2d(x, window, stride=1, padding=window // 2,  # noqa: E731
                                       count_include_pad=True)
    sum_a, sum_b = total(a), total(b)
    mean_a, mean_b = sum_a / n, sum_b / n
    cross = total(a * b) - mean_a * sum_b
    var_a = total(a * a) - mean_a * sum_a
    var_b = total(b * b) - mean_b * sum_b
    cc = cross * cross / (var_a * var_b + eps)
    return cc.flatten(1).mean(1)


def mutual_information(a: torch.Tensor, b: torch.Tensor, bins: int = 16, sigma: float | None = None,
                       low: float = 0.0, high: float = 1.0) -> torch.Tensor:
    """Mutual information (nats) of the intensities of single-channel images ``(N, 1, H, W)``, per pair: ``(N,)``.

    Differentiable, by Parzen windows (Mattes/Viola-Wells style): each pixel's intensity spreads over ``bins``
    bin centres evenly spaced from ``low`` to ``high`` with Gaussian weights of width ``sigma`` (by default half
    a bin's spacing), normalised to sum to 1; the joint histogram is the mean over pixels of the outer product
    of the two images' weights, and ``MI = sum p(i, j) log(p(i, j) / (p(i) p(j)))``. MI asks only that one
    image's intensity predict the other's, through any function: the classic multi-modal similarity. With a
    tiny ``sigma`` and values at the bin centres it is the plain histogram MI (the tests compare it with
    scikit-learn's ``mutual_info_score``)."""
    check_image_pair(a, b, "a", "b", "Compare images of the same size, one per pair.")
    if a.shape[1] != 1 or b.shape[1] != 1:
        raise ValueError(f"mutual_information compares single-channel images (N, 1, H, W); got {tuple(a.shape)} and "
                         f"{tuple(b.shape)}.")
    bins = check_whole_number(bins, "bins", minimum=2)
    if not high > low:
        raise ValueError(f"high must be above low (the intensity range of the bins); got low={low}, high={high}.")
    spacing = (high - low) / (bins - 1)
    sigma = spacing / 2 if sigma is None else sigma
    if not sigma > 0:
        raise ValueError(f"sigma, the Parzen window's width in intensity units, must be above 0; got {sigma}.")
    centres = torch.linspace(low, high, bins, dtype=a.dtype, device=a.device)

    def weights(x):  # (N, P, bins): each pixel's share of every bin
        w = torch.exp(-0.5 * ((x.flatten(1).unsqueeze(-1) - centres) / sigma) ** 2)
        return w / w.sum(-1, keepdim=True).clamp(min=1e-12)

    wa, wb = weights(a), weights(b)
    joint = torch.einsum("npi,npj->nij", wa, wb) / wa.shape[1]  # (N, bins, bins), sums to 1
    pa, pb = joint.sum(2, keepdim=True), joint.sum(1, keepdim=True)
    # 0 log 0 = 0: where the joint is 0, the term is 0 whatever the ratio
    ratio = torch.where(joint > 0, joint / (pa * pb).clamp(min=1e-12), torch.ones_like(joint))
    return (joint * torch.log(ratio)).sum((1, 2))
