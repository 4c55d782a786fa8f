"""How a CT scanner makes an image, and what a lower dose does to it (chapter 4.5).

A CT image in Hounsfield units (HU) is a map of linear attenuation coefficients :math:`\\mu`, relative to
water's: :math:`\\mathrm{HU} = 1000\\,(\\mu - \\mu_w) / \\mu_w`, so :math:`\\mu = \\mu_w (1 + \\mathrm{HU}/1000)`
(:func:`hu_to_attenuation`; air, -1000 HU, absorbs nothing). The scanner measures, for each ray through the
head, how many of the photons sent survive (Beer-Lambert):

    counts ~ Poisson(N0 exp(-p)),   p = the integral of mu along the ray (dimensionless)

where ``N0`` is the number of photons per detector bin and view, proportional to the dose. The set of all
line integrals ``p``, one row per detector bin and one column per view angle, is the *sinogram*: the Radon
transform of the attenuation map (:func:`forward_project`). The scanner takes ``-log(counts / N0)`` as its
estimate of ``p`` (:func:`low_dose`; a zero count, possible at low dose behind bone, is read as one photon)
and reconstructs the image by filtered back-projection (:func:`filtered_back_projection`, FBP).

Since a Poisson count has variance equal to its mean, the estimate of ``p`` has variance about
``1 / (N0 exp(-p))``: halving the dose doubles the variance of every line integral, and, FBP being linear,
of every pixel of the image. That is the low-dose problem: the same image with more noise, whose texture
(streaks and grain, correlated by the ramp filter) is not that of white noise.

:func:`low_dose_scans` does the whole chain for a batch of the simulator's CT slices at several photon
counts; it returns the FBP images (in HU) and, as the reference a denoiser is scored against, the FBP of the
noise-free sinogram: the same reconstruction with the same blur, without the quantum noise.

The projector and FBP are scikit-image's (:func:`skimage.transform.radon` and
:func:`~skimage.transform.iradon`), with ``circle=True``: only the disc inscribed in the square image is
scanned (:func:`scan_circle`), the scanner's field of view, and everything outside it is set to air. Their
line integrals are sums over pixels; here they are in mm, times ``pixel_mm``, so that ``mu`` is per mm
(Buzug {cite}`buzug2008computed` derives all of this).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from ..checks import check_finite, check_number, check_whole_number

#: Linear attenuation of water per mm, at about 70 keV (the effective energy of a 120 kV beam): 0.192 per cm.
MU_WATER_PER_MM = 0.0192
#: A zero count is read as this many photons before taking the log (the largest line integral the detector
#: can report is then log(N0)).
MIN_COUNTS = 1.0


def hu_to_attenuation(hu, mu_water: float = MU_WATER_PER_MM) -> torch.Tensor:
    """Hounsfield units to linear attenuation per mm: ``mu_water * (1 + HU / 1000)``, at least 0 (nothing
    absorbs less than vacuum; the simulator's air can dip below -1000 HU by its noise)."""
    hu = _floating(hu, "hu")
    check_number(mu_water, "mu_water", low=0, low_open=True, hint=" (per mm; 0.0192 for water at 70 keV)")
    return (mu_water * (1 + hu / 1000)).clamp(min=0)


def attenuation_to_hu(mu, mu_water: float = MU_WATER_PER_MM) -> torch.Tensor:
    """Linear attenuation per mm to Hounsfield units, ``1000 * (mu / mu_water - 1)`` (the inverse of
    :func:`hu_to_attenuation` above -1000 HU)."""
    mu = _floating(mu, "mu")
    check_number(mu_water, "mu_water", low=0, low_open=True, hint=" (per mm; 0.0192 for water at 70 keV)")
    return 1000 * (mu / mu_water - 1)


def scan_circle(size: int) -> torch.Tensor:
    """The ``(size, size)`` boolean disc that a scan with ``circle=True`` covers (scikit-image's: centre
    ``size // 2``, radius ``size // 2``)."""
    size = check_whole_number(size, "size", minimum=2, hint=" (pixels)")
    rows, columns = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    return (rows - size // 2) ** 2 + (columns - size // 2) ** 2 <= (size // 2) ** 2


def projection_angles(n_views: int) -> np.ndarray:
    """``n_views`` view angles in degrees, evenly spread over [0, 180) (a parallel-beam scan)."""
    n_views = check_whole_number(n_views, "n_views", minimum=1, hint=" (view angles over 180 degrees)")
    return np.linspace(0.0, 180.0, n_views, endpoint=False)


def forward_project(mu, pixel_mm: float, n_views: int) -> torch.Tensor:
    """The sinograms of attenuation maps ``mu`` (per mm, ``(N, 1, S, S)``): line integrals (dimensionless),
    ``(N, 1, S, n_views)``, one row per detector bin (one pixel wide) and one column per view angle.
    Attenuation outside :func:`scan_circle` must be 0 (mask it first)."""
    mu = _images(mu, "mu")
    check_number(pixel_mm, "pixel_mm", low=0, low_open=True, hint=" (mm per pixel)")
    if (mu < 0).any():
        raise ValueError("mu holds negative attenuation: convert Hounsfield units with hu_to_attenuation, "
                         "which clamps at 0 (air).")
    outside = ~scan_circle(mu.shape[-1])
    if mu.shape[-1] != mu.shape[-2]:
        raise ValueError(f"the images must be square to be scanned; got {tuple(mu.shape[-2:])}.")
    if (mu[..., outside] > 0).any():
        raise ValueError("mu is not 0 outside the scanned disc (scan_circle): a parallel-beam scan with "
                         "circle=True only sees the disc. Multiply by scan_circle(size) first.")
    from skimage.transform import radon

    angles = projection_angles(n_views)
    sinograms = [radon(image, angles, circle=True) for image in mu[:, 0].double().numpy()]
    return torch.from_numpy(np.stack(sinograms)[:, None] * pixel_mm).float()


def filtered_back_projection(line_integrals, pixel_mm: float, filter_name: str = "ramp") -> torch.Tensor:
    """Attenuation maps (per mm, ``(N, 1, S, S)``) reconstructed from sinograms ``(N, 1, S, n_views)`` by
    filtered back-projection (the views spread over [0, 180) degrees, as :func:`forward_project` makes
    them). ``filter_name`` is scikit-image's: ``ramp`` (the exact inverse's filter) or a smoother one
    (``shepp-logan``, ``cosine``, ``hamming``, ``hann``) that trades resolution for less noise."""
    sinograms = _images(line_integrals, "line_integrals")
    check_number(pixel_mm, "pixel_mm", low=0, low_open=True, hint=" (mm per pixel)")
    from skimage.transform import iradon

    angles = projection_angles(sinograms.shape[-1])
    images = [iradon(s / pixel_mm, angles, circle=True, filter_name=filter_name)
              for s in sinograms[:, 0].double().numpy()]
    return torch.from_numpy(np.stack(images)[:, None]).float()


def low_dose(line_integrals, photons: float, generator: torch.Generator | None = None,
             min_counts: float = MIN_COUNTS) -> torch.Tensor:
    """Noisy line integrals at ``photons`` (N0) photons per detector bin and view: counts drawn from
    ``Poisson(N0 exp(-p))``, read back as ``-log(max(counts, min_counts) / N0)``. Same shape as the input."""
    p = _floating(line_integrals, "line_integrals")
    check_number(photons, "photons", low=0, low_open=True, hint=" (N0, photons per detector bin and view)")
    check_number(min_counts, "min_counts", low=0, low_open=True, hint=" (what a zero count is read as)")
    counts = torch.poisson(photons * torch.exp(-p.double()), generator=generator)
    return (-torch.log(counts.clamp(min=min_counts) / photons)).to(p.dtype)


@dataclass
class LowDoseScans:
    """What :func:`low_dose_scans` returns for ``N`` slices, every image ``(N, 1, S, S)`` in HU.

    ``phantom``: the simulator's CT inside the scanned disc (air outside); ``reference``: the FBP of the
    noise-free sinogram; ``fbp[N0]``: the FBP at ``N0`` photons per bin and view, for each of ``photons``;
    ``labels`` and ``lesion_mask``: the simulator's, for per-tissue scores.
    """

    phantom: torch.Tensor
    reference: torch.Tensor
    fbp: dict = field(default_factory=dict)
    labels: torch.Tensor | None = None
    lesion_mask: torch.Tensor | None = None
    photons: tuple = ()
    pixel_mm: float = 1.0
    n_views: int = 0

    def __len__(self):
        return self.phantom.shape[0]


def low_dose_scans(ct_hu, pixel_mm: float, photons=(1e5, 1e4), *, n_views: int | None = None, seed: int = 0,
                   labels=None, lesion_mask=None, mu_water: float = MU_WATER_PER_MM) -> LowDoseScans:
    """Scan CT slices ``(N, 1, S, S)`` in HU at each photon count of ``photons`` and reconstruct them.

    The slices are set to air outside :func:`scan_circle`, turned into attenuation, projected once at
    ``n_views`` angles (by default ``ceil(pi / 2 * S)``, the number of views that samples a disc of ``S``
    pixels as finely as its detector does), given Poisson noise at each photon count (the seed fixes it),
    and reconstructed by FBP. Returns a :class:`LowDoseScans`.
    """
    ct_hu = _images(ct_hu, "ct_hu")
    size = ct_hu.shape[-1]
    if ct_hu.shape[-2] != size:
        raise ValueError(f"the slices must be square to be scanned; got {tuple(ct_hu.shape[-2:])}.")
    if ct_hu.numel() and float(ct_hu.abs().max()) <= 1.05:
        raise ValueError("ct_hu holds values within [-1, 1]: a network's scale, not Hounsfield units. Convert "
                         "with gancourse.data.network_to_hu first.")
    try:
        photons = tuple(float(n) for n in photons)
    except TypeError:
        raise TypeError(f"photons is a sequence of photon counts, e.g. (1e5, 1e4); got {photons!r}.") from None
    if not photons:
        raise ValueError("photons is empty: give at least one photon count, e.g. (1e5, 1e4).")
    n_views = math.ceil(math.pi / 2 * size) if n_views is None else n_views
    disc = scan_circle(size)
    phantom = torch.where(disc, ct_hu, torch.full_like(ct_hu, -1000.0))
    mu = hu_to_attenuation(phantom, mu_water) * disc
    sinograms = forward_project(mu, pixel_mm, n_views)
    to_hu = lambda p: attenuation_to_hu(filtered_back_projection(p, pixel_mm), mu_water)  # noqa: E731
    stream = torch.Generator().manual_seed(check_whole_number(seed, "seed", minimum=0))
    fbp = {n0: to_hu(low_dose(sinograms, n0, stream)) for n0 in photons}
    return LowDoseScans(phantom=phantom, reference=to_hu(sinograms), fbp=fbp, labels=labels,
                        lesion_mask=lesion_mask, photons=photons, pixel_mm=float(pixel_mm), n_views=n_views)


def _floating(x, name) -> torch.Tensor:
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(x)
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        raise TypeError(f"{name} must be a floating-point tensor (or array); got {type(x).__name__}"
                        f"{' of dtype ' + str(x.dtype) if isinstance(x, torch.Tensor) else ''}.")
    check_finite(x, name, "repair or drop those images first")
    return x


def _images(x, name) -> torch.Tensor:
    """A batch ``(N, 1, H, W)`` (or one image ``(H, W)``, made a batch of one)."""
    x = _floating(x, name)
    if x.dim() == 2:
        x = x[None, None]
    if x.dim() != 4 or x.shape[1] != 1:
        raise ValueError(f"{name} must be single-channel images (N, 1, H, W) or one image (H, W); got shape "
                         f"{tuple(x.shape)}.")
    return x.detach().cpu()
