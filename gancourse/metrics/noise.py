"""Noise as a radiologist's physicist measures it: how much, at which spatial frequencies, and whether a
faint lesion stays visible (chapter 4.5).

* :func:`noise_power_spectrum`: the 2-D noise power spectrum (NPS) of noise images (an image minus its
  noise-free reference, or minus the mean of repeated scans), ``|FFT|^2 * dx * dy / (Nx * Ny)`` averaged
  over the images, after removing each image's mean. Its integral over the frequency plane is the noise
  variance (Parseval): two images with the same variance can have very different spectra, fine grain or
  blotches. :func:`radial_average` turns it into a curve over the spatial frequency (cycles per mm).
* :func:`high_frequency_power`: the part of the variance above a fraction of the Nyquist frequency; its
  ratio between a denoised image and the noise-free reference is the measure of over-smoothing this book
  reports (an MSE-trained denoiser removes fine texture along with the noise: its ratio falls below 1).
* :func:`contrast_to_noise` (CNR): ``|mean(lesion) - mean(background)| / std(background)``, the
  population standard deviation; :func:`lesion_cnr` computes it per image, with a ring around each lesion
  as its background, as in :func:`gancourse.metrics.lesions.lesion_contrast`.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ..checks import check_finite, check_number, check_whole_number


def noise_power_spectrum(noise, pixel_mm: float = 1.0) -> torch.Tensor:
    """The 2-D NPS ``(H, W)`` of noise images ``(N, 1, H, W)``, ``(N, H, W)`` or ``(H, W)``, in (image
    units)^2 mm^2, with the zero frequency in the centre (``fftshift``). Each image's mean is removed first.
    ``sum(nps) / (H * W * pixel_mm ** 2)`` is the mean variance of the images (Parseval)."""
    noise = _batch(noise, "noise")
    check_number(pixel_mm, "pixel_mm", low=0, low_open=True, hint=" (mm per pixel)")
    noise = noise - noise.mean(dim=(-2, -1), keepdim=True)
    h, w = noise.shape[-2:]
    power = torch.fft.fft2(noise).abs() ** 2 * (pixel_mm ** 2) / (h * w)
    return torch.fft.fftshift(power.mean(dim=0), dim=(-2, -1))


def frequencies(shape, pixel_mm: float = 1.0) -> torch.Tensor:
    """The radial spatial frequency (cycles per mm) of every element of a centred ``(H, W)`` spectrum."""
    h, w = shape
    fy = torch.fft.fftshift(torch.fft.fftfreq(h, d=pixel_mm, dtype=torch.float64))
    fx = torch.fft.fftshift(torch.fft.fftfreq(w, d=pixel_mm, dtype=torch.float64))
    return torch.sqrt(fy[:, None] ** 2 + fx[None, :] ** 2)


def radial_average(spectrum, pixel_mm: float = 1.0, n_bins: int | None = None):
    """A centred 2-D spectrum averaged over rings of equal radial frequency: ``(frequencies, values)``, two
    arrays of ``n_bins + 1`` values, ring ``k`` centred at ``k * nyquist / n_bins`` for ``k = 0 ... n_bins``
    (``nyquist = 1 / (2 pixel_mm)``; ``n_bins`` by default half the smaller side, so that the rings are one
    grid frequency wide). Each element goes to the ring whose centre is nearest its radius: an element on an
    axis, at a whole number of grid frequencies, lands in the ring centred on it, as its mirror image does."""
    spectrum = _spectrum(spectrum)
    check_number(pixel_mm, "pixel_mm", low=0, low_open=True, hint=" (mm per pixel)")
    n_bins = check_whole_number(n_bins if n_bins is not None else min(spectrum.shape) // 2, "n_bins", minimum=1)
    radius = frequencies(spectrum.shape, pixel_mm).flatten()
    width = 1 / (2 * pixel_mm) / n_bins
    # round, not floor: edges half-way between centres, so no grid frequency sits on an edge
    which = torch.round(radius / width).long()
    inside = which <= n_bins
    values = spectrum.flatten()[inside]
    which = which[inside]
    sums = torch.zeros(n_bins + 1, dtype=torch.float64).index_add_(0, which, values)
    counts = torch.zeros(n_bins + 1, dtype=torch.float64).index_add_(0, which, torch.ones_like(values))
    centres = torch.arange(n_bins + 1, dtype=torch.float64) * width
    return centres.numpy(), (sums / counts.clamp(min=1)).numpy()


def high_frequency_power(spectrum, pixel_mm: float = 1.0, above: float = 0.5) -> float:
    """The variance a centred 2-D NPS holds at radial frequencies above ``above`` times the Nyquist
    frequency (the sum of those elements times the frequency cell ``1 / (H W pixel_mm^2)``)."""
    spectrum = _spectrum(spectrum)
    check_number(pixel_mm, "pixel_mm", low=0, low_open=True, hint=" (mm per pixel)")
    check_number(above, "above", low=0, high=math.sqrt(2), hint=" (a fraction of the Nyquist frequency)")
    h, w = spectrum.shape
    high = frequencies(spectrum.shape, pixel_mm) > above / (2 * pixel_mm)
    return float(spectrum[high].sum() / (h * w * pixel_mm ** 2))


def high_frequency_ratio(noise, reference_noise, pixel_mm: float = 1.0, above: float = 0.5) -> float:
    """:func:`high_frequency_power` of the NPS of ``noise`` over that of ``reference_noise`` (for instance a
    denoiser's output over the noise-free reference image): below 1, fine texture was removed; above 1,
    added (noise left, or texture invented)."""
    ours = high_frequency_power(noise_power_spectrum(noise, pixel_mm), pixel_mm, above)
    theirs = high_frequency_power(noise_power_spectrum(reference_noise, pixel_mm), pixel_mm, above)
    if theirs <= 0:
        raise ValueError("reference_noise has no power above the cut-off: it cannot be the reference.")
    return ours / theirs


def contrast_to_noise(image, lesion, background) -> float:
    """CNR of one image: ``|mean(image[lesion]) - mean(image[background])| / std(image[background])`` (the
    population standard deviation, ``ddof=0``). ``lesion`` and ``background`` are boolean masks of the
    image's shape."""
    image = torch.as_tensor(image)
    for name, mask in (("lesion", lesion), ("background", background)):
        mask = torch.as_tensor(mask)
        if mask.shape != image.shape:
            raise ValueError(f"the {name} mask {tuple(mask.shape)} must have the image's shape "
                             f"{tuple(image.shape)}.")
    lesion, background = torch.as_tensor(lesion).bool(), torch.as_tensor(background).bool()
    if lesion.sum() < 1 or background.sum() < 2:
        raise ValueError("the CNR needs at least one lesion pixel and two background pixels; got "
                         f"{int(lesion.sum())} and {int(background.sum())}.")
    inside, around = image[lesion].double(), image[background].double()
    spread = around.std(correction=0)
    if spread == 0:
        raise ValueError("the background is perfectly uniform (standard deviation 0): its CNR is infinite.")
    return float((inside.mean() - around.mean()).abs() / spread)


def lesion_background(lesion_mask, surround_mask, gap: int = 1, ring: int = 3) -> torch.Tensor:
    """The background of each lesion: pixels of ``surround_mask`` (for instance the brain) within ``gap +
    ring`` pixels (a square neighbourhood) of the lesion but more than ``gap`` pixels from it, so that its
    blurred edge is not counted as background. Masks ``(N, 1, H, W)``; returns a boolean mask."""
    gap = check_whole_number(gap, "gap", minimum=0, hint=" (pixels)")
    ring = check_whole_number(ring, "ring", minimum=1, hint=" (pixels)")
    lesion = torch.as_tensor(lesion_mask).float() > 0.5
    near = lambda r: F.max_pool2d(lesion.float(), 2 * r + 1, stride=1, padding=r) > 0  # noqa: E731
    edge = near(gap) if gap else lesion
    return near(gap + ring) & ~edge & (torch.as_tensor(surround_mask) > 0.5)


def lesion_cnr(images, lesion_mask, surround_mask, gap: int = 1, ring: int = 3) -> np.ndarray:
    """The CNR of the lesion in each image ``(N, 1, H, W)`` that has one, against its
    :func:`lesion_background`; images without a lesion pixel, without background, or with a perfectly
    uniform background (a CNR without a finite value) are left out."""
    shape = tuple(torch.as_tensor(images).shape)
    if torch.as_tensor(lesion_mask).shape != shape or torch.as_tensor(surround_mask).shape != shape:
        raise ValueError(f"lesion_mask and surround_mask must have the images' shape {shape}.")
    if len(shape) != 4 or shape[1] != 1:
        raise ValueError(f"images must be a batch (N, 1, H, W); got shape {shape}.")
    images = _batch(images, "images")
    background = lesion_background(lesion_mask, surround_mask, gap, ring)[:, 0]
    lesion = torch.as_tensor(lesion_mask)[:, 0] > 0.5
    return np.array([contrast_to_noise(x, l, b) for x, l, b in zip(images, lesion, background)
                     if l.any() and b.sum() >= 2 and x[b].std() > 0])


def _batch(x, name) -> torch.Tensor:
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(x)
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        raise TypeError(f"{name} must be a floating-point tensor of images; got {type(x).__name__}.")
    if x.dim() == 4 and x.shape[1] == 1:
        x = x[:, 0]
    elif x.dim() == 2:
        x = x[None]
    if x.dim() != 3:
        raise ValueError(f"{name} must be images (N, 1, H, W), (N, H, W) or one image (H, W); got shape "
                         f"{tuple(x.shape)}.")
    if x.shape[0] == 0:
        raise ValueError(f"{name} is empty.")
    check_finite(x, name, "repair or drop those images first")
    return x.double()


def _spectrum(x) -> torch.Tensor:
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(x)
    if not isinstance(x, torch.Tensor) or x.dim() != 2:
        raise ValueError("a spectrum is a 2-D tensor (H, W), centred, as noise_power_spectrum returns it.")
    return x.double()
