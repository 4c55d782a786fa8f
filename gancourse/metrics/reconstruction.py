"""Measures of a reconstruction against the fully sampled truth, beyond PSNR and SSIM
(:mod:`~gancourse.metrics.fidelity`).

* :func:`nmse`: the normalised mean squared error ``||x - y||^2 / ||y||^2`` per image, averaged: the error's
  energy as a share of the image's, the measure DAGAN's authors report {cite}`survey76`; for real or
  complex images;
* :func:`invented_contrast`: per image, the strongest lesion-sized blob of error of one sign, the mean
  difference from the truth over a disc, at its most negative (darker than the truth) or positive, over the
  disc centres of :func:`blob_centres` (the region eroded by the disc, and optionally away from the truth's
  tissue borders, where blur alone makes a one-signed error). In an image without lesions it is the contrast
  of the most lesion-like thing a reconstruction shows: compare it with true lesions' contrast of the same sign
  (:func:`gancourse.metrics.lesions.lesion_contrast`) to see whether a reconstruction could show a lesion that
  is not there.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..checks import check_finite, check_not_empty, check_number, check_whole_number


def _pair(x, y, who):
    for name, t in (("x", x), ("y", y)):
        if not isinstance(t, torch.Tensor) or not (torch.is_floating_point(t) or t.is_complex()):
            raise TypeError(f"{who}: {name} must be a floating-point or complex tensor of images; got "
                            f"{type(t).__name__}.")
        check_not_empty(t, name)
        check_finite(t, name, "repair or drop those images first")
    if x.shape != y.shape or x.dim() < 2:
        raise ValueError(f"{who} compares two batches of images of the same shape (N, ..., H, W); got "
                         f"{tuple(x.shape)} and {tuple(y.shape)}.")


def nmse(x: torch.Tensor, y: torch.Tensor) -> float:
    """Normalised mean squared error of ``x`` against the reference ``y``, ``||x - y||^2 / ||y||^2`` per image
    (the first axis indexes images), averaged over the images. 0 is perfect; 1 is the error of an all-zero
    guess. Real or complex images."""
    _pair(x, y, "nmse")
    x, y = x.reshape(len(x), -1), y.reshape(len(y), -1)
    energy = (y.abs() ** 2).double().sum(1)
    if (energy == 0).any():
        raise ValueError("nmse: a reference image is all zeros, so its normalised error is undefined; drop it.")
    return float((((x - y).abs() ** 2).double().sum(1) / energy).mean())


def _disc(radius):
    t = torch.arange(-radius, radius + 1, dtype=torch.float64)
    return ((t[:, None] ** 2 + t[None, :] ** 2) <= radius ** 2 + 1e-9).double()


POLARITIES = ("darker", "brighter")


def blob_centres(truth: torch.Tensor, region: torch.Tensor, radius: int = 2, flat=None) -> torch.Tensor:
    """Where :func:`invented_contrast` may centre its disc ``(N, 1, H, W)`` (bool): the pixels whose whole disc
    of ``radius`` lies in ``region`` (the region eroded by the disc), and, given ``flat``, where the truth's
    standard deviation over the disc is at most ``flat`` (no tissue border under the disc, so that blur across
    a border is not counted as a blob)."""
    if not isinstance(region, torch.Tensor) or region.shape != truth.shape:
        shape = tuple(region.shape) if isinstance(region, torch.Tensor) else type(region).__name__
        raise ValueError(f"region must be a mask of the images' shape {tuple(truth.shape)}; got {shape}.")
    radius = check_whole_number(radius, "radius", minimum=1, hint=" (the disc's radius in pixels)")
    disc = _disc(radius)[None, None]
    covered = F.conv2d((region > 0.5).double(), disc, padding=radius)
    centres = covered >= disc.sum() - 0.5
    if flat is not None:
        flat = check_number(flat, "flat", low=0)
        weights = disc / disc.sum()
        x = truth.double()
        mean = F.conv2d(x, weights, padding=radius)
        spread = (F.conv2d(x * x, weights, padding=radius) - mean ** 2).clamp(min=0).sqrt()
        centres &= spread <= flat
    return centres


def invented_contrast(reconstruction: torch.Tensor, truth: torch.Tensor, region: torch.Tensor,
                      radius: int = 2, polarity: str = "darker", flat=None) -> torch.Tensor:
    """Per image ``(N,)``: the contrast of the strongest lesion-sized blob of error, the mean of
    ``reconstruction - truth`` over a disc of ``radius`` pixels, at its most negative (``polarity="darker"``,
    a blob darker than the truth) or most positive (``"brighter"``), over the disc centres of
    :func:`blob_centres` (the region eroded by the disc; with ``flat``, away from the truth's tissue borders).
    All three ``(N, 1, H, W)``. 0 when no disc is off in that direction.

    The disc is the size of a small lesion: the value is the contrast of the strongest lesion-like error, in the
    images' units, to compare with true lesions' contrast of the same sign. Noise averages out over a disc; a
    blob that was added or erased does not."""
    _pair(reconstruction, truth, "invented_contrast")
    if reconstruction.dim() != 4 or reconstruction.shape[1] != 1 or reconstruction.is_complex():
        raise ValueError(f"invented_contrast takes real single-channel images (N, 1, H, W); got "
                         f"{tuple(reconstruction.shape)}. Compare magnitudes: x.abs() of complex images.")
    if polarity not in POLARITIES:
        raise ValueError(f"polarity is 'darker' or 'brighter' (the sign of the blob looked for); got {polarity!r}.")
    centres = blob_centres(truth, region, radius, flat)
    if not centres.flatten(1).any(1).all():
        raise ValueError("no disc centre is left in some image (a region smaller than the disc, or no flat place "
                         "in it): keep only the images where blob_centres(...) finds one, or lower the radius.")
    disc = _disc(int(radius))
    difference = (reconstruction - truth).double()
    local = F.conv2d(difference, (disc / disc.sum())[None, None], padding=int(radius))
    signed = -local if polarity == "darker" else local
    return signed.masked_fill(~centres, 0).flatten(1).amax(1).clamp(min=0).to(truth.dtype)
