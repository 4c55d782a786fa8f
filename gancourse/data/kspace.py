"""MR acquisition in k-space, simulated from a slice: what compressed-sensing reconstruction starts from.

An MR scanner does not measure the image; it measures its Fourier transform, *k-space*, one line at a time
(a phase-encoding step per line, each line read out along the other axis). Scan time grows with the number of
lines, so a faster scan measures fewer of them, and the image computed from the rest is aliased. Here:

* :func:`complex_image` gives a magnitude image (the simulator's) a smooth random phase, as the scanner's
  field inhomogeneity and coil sensitivity give a real one: the image a scanner reconstructs is complex;
* :func:`fft2c` and :func:`ifft2c` are the centred, orthonormal 2-D Fourier transform and its inverse (the
  centre of k-space, the lowest frequencies, in the middle of the array; orthonormal, so the energy of an
  image and of its k-space are equal, Parseval's theorem);
* :func:`cartesian_mask` chooses which lines to measure: a fully sampled band in the centre (the contrast
  lives there) and lines drawn at random with a density that falls towards the edges of k-space
  (variable-density sampling, Lustig et al. {cite}`lustig2007sparse`);
* :func:`zero_filled` is the simplest reconstruction: missing lines set to zero, inverse transform;
* :func:`data_consistency` puts the measured lines back into the k-space of any reconstruction, so that
  whatever a network invents, it cannot contradict what was measured.

What this leaves out of a real acquisition (the chapter says so too): a single receive coil (scanners combine
several, with their sensitivity maps, as parallel imaging); no noise added in k-space (the only noise is the
simulator's, already in the magnitude image: Rician, the noise of a magnitude image whose real and imaginary
parts carry Gaussian noise); Cartesian lines only (no radial or spiral trajectories); no relaxation, motion or
off-resonance during the readout; and an object that is already a grid of pixels, so its k-space has no
content beyond the grid's highest frequency.

Images are complex tensors ``(N, 1, H, W)``; networks see them as two real channels ``(N, 2, H, W)``
(:func:`to_channels`, :func:`from_channels`). Masks are boolean ``(H, W)``, constant along each row: row
``ky`` is one phase-encoding line, measured whole along ``kx``.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..checks import check_number, check_whole_number


def _check_complex(x, name):
    if not isinstance(x, torch.Tensor) or not x.is_complex() or x.dim() < 2:
        shape = f"{tuple(x.shape)} of dtype {x.dtype}" if isinstance(x, torch.Tensor) else type(x).__name__
        raise TypeError(f"{name} must be a complex tensor (..., H, W); got {shape}. Make one with "
                        "complex_image(magnitude) or from_channels(two_channel_images).")


def fft2c(image: torch.Tensor) -> torch.Tensor:
    """Centred orthonormal 2-D FFT over the last two axes: image -> k-space, zero frequency in the middle."""
    _check_complex(image, "image")
    shifted = torch.fft.ifftshift(image, dim=(-2, -1))
    return torch.fft.fftshift(torch.fft.fft2(shifted, norm="ortho"), dim=(-2, -1))


def ifft2c(kspace: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`fft2c`: k-space -> image."""
    _check_complex(kspace, "kspace")
    shifted = torch.fft.ifftshift(kspace, dim=(-2, -1))
    return torch.fft.fftshift(torch.fft.ifft2(shifted, norm="ortho"), dim=(-2, -1))


def complex_image(magnitude: torch.Tensor, generator: torch.Generator | None = None,
                  max_phase: float = math.pi) -> torch.Tensor:
    """``magnitude`` ``(N, 1, H, W)`` times ``exp(i phase)``, with a smooth random phase per image: random values
    on a 4 x 4 grid, interpolated (bicubic) to the image and scaled so that the phase spans at most
    ``+- max_phase`` radians. Returns a complex64 tensor of the magnitude's shape."""
    if not isinstance(magnitude, torch.Tensor) or not torch.is_floating_point(magnitude) or magnitude.dim() != 4:
        shape = tuple(magnitude.shape) if isinstance(magnitude, torch.Tensor) else type(magnitude).__name__
        raise ValueError(f"magnitude must be a floating-point batch of images (N, 1, H, W); got {shape}.")
    check_number(max_phase, "max_phase", low=0, high=math.pi, hint=" (radians)")
    coarse = torch.randn(magnitude.shape[0], 1, 4, 4, generator=generator)
    phase = F.interpolate(coarse, size=magnitude.shape[-2:], mode="bicubic", align_corners=True)
    phase = phase / phase.abs().flatten(1).amax(1).clamp(min=1e-6).view(-1, 1, 1, 1) * max_phase
    return torch.polar(magnitude.float(), phase)


def cartesian_mask(size: int, rate: float, generator: torch.Generator | None = None, *,
                   centre_share: float = 0.5, power: float = 3.0) -> torch.Tensor:
    """Which k-space lines to measure: a boolean ``(size, size)`` mask whose rows are measured whole or not.

    ``round(rate * size)`` lines in all: ``round(centre_share * lines)`` of them the central band, the rest
    drawn without replacement from the others with a probability proportional to ``(1 - |k| / k_max) ** power``
    (``k`` the line's distance from the centre): dense near the centre, sparse at the edges."""
    size = check_whole_number(size, "size", minimum=4, hint=" (the image side, in pixels)")
    check_number(rate, "rate", low=0, high=1, low_open=True, hint=" (the share of lines measured)")
    check_number(centre_share, "centre_share", low=0, high=1, hint=" (the share of the lines in the centre)")
    check_number(power, "power", low=0, hint=" (how fast the density falls; 0 for uniform)")
    lines = max(1, round(rate * size))
    centre = min(lines, max(1, round(centre_share * lines)))
    middle = size // 2  # the zero frequency's row, as fft2c places it
    start = middle - centre // 2
    chosen = torch.zeros(size, dtype=torch.bool)
    chosen[start: start + centre] = True
    distance = (torch.arange(size) - middle).abs().double()
    density = (1 - distance / (distance.max() + 1)) ** power
    density[chosen] = 0
    if lines > centre:
        picks = torch.multinomial(density, lines - centre, replacement=False, generator=generator)
        chosen[picks] = True
    return chosen[:, None].expand(size, size).clone()


def _check_mask(mask, kspace):
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool or mask.shape != kspace.shape[-2:]:
        shape = f"{tuple(mask.shape)} of dtype {mask.dtype}" if isinstance(mask, torch.Tensor) else type(mask).__name__
        raise ValueError(f"mask must be a boolean tensor of k-space's last two sides {tuple(kspace.shape[-2:])}; "
                         f"got {shape}. Make one with cartesian_mask(size, rate).")


def undersample(kspace: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The measured k-space: ``kspace`` where ``mask`` is true, 0 elsewhere."""
    _check_complex(kspace, "kspace")
    _check_mask(mask, kspace)
    return kspace * mask


def zero_filled(kspace: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The zero-filled reconstruction: the inverse transform of the measured lines, the others set to 0."""
    return ifft2c(undersample(kspace, mask))


def data_consistency(image: torch.Tensor, measured: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """``image`` with its k-space lines replaced by the ``measured`` ones where ``mask`` is true (hard data
    consistency, noise-free measurements): the lines that were measured are kept exactly, the others are the
    image's own. Differentiable, so it can be a network's last layer."""
    _check_complex(image, "image")
    _check_complex(measured, "measured")
    _check_mask(mask, measured)
    return ifft2c(torch.where(mask, measured, fft2c(image)))


def to_channels(image: torch.Tensor) -> torch.Tensor:
    """Complex ``(N, 1, H, W)`` -> real ``(N, 2, H, W)``: real and imaginary parts as two channels."""
    _check_complex(image, "image")
    if image.dim() != 4 or image.shape[1] != 1:
        raise ValueError(f"to_channels takes complex images (N, 1, H, W); got {tuple(image.shape)}.")
    return torch.cat([image.real, image.imag], dim=1)


def from_channels(channels: torch.Tensor) -> torch.Tensor:
    """Real ``(N, 2, H, W)`` (real, imaginary) -> complex ``(N, 1, H, W)``."""
    if not isinstance(channels, torch.Tensor) or channels.dim() != 4 or channels.shape[1] != 2:
        shape = tuple(channels.shape) if isinstance(channels, torch.Tensor) else type(channels).__name__
        raise ValueError(f"from_channels takes two-channel images (N, 2, H, W), real and imaginary parts; got {shape}.")
    return torch.complex(channels[:, :1].float(), channels[:, 1:].float())
