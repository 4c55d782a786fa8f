"""The two-dimensional toy problem of chapter 3.1: a ring of Gaussians, and how many of its modes a
generator covers. Mode collapse is hard to see in images but obvious here: each mode is one blob.

The set-up follows the unrolled-GAN paper {cite}`metz2017unrolled`: eight Gaussians on a circle; a mode
counts as covered when enough samples land within three standard deviations of its centre.
"""
from __future__ import annotations

import math

import torch

from ..checks import as_tensor, check_finite, check_not_empty, check_number, check_whole_number


def _check_ring(modes, radius, std=None, std_may_be_zero=False):
    modes = check_whole_number(modes, "modes", minimum=1, hint=" (the number of Gaussians on the ring)")
    check_number(radius, "radius", low=0, low_open=True, hint=" (the ring's radius)")
    if std is not None:
        hint = " (each Gaussian's standard deviation" + ("; 0 puts every point on a centre)" if std_may_be_zero
                                                          else "; a mode reaches 3 std from its centre)")
        check_number(std, "std", low=0, low_open=not std_may_be_zero, hint=hint)
    return modes


def ring_centres(modes: int = 8, radius: float = 2.0) -> torch.Tensor:
    """The ``(modes, 2)`` centres, evenly spaced on a circle."""
    modes = _check_ring(modes, radius)
    angles = torch.arange(modes, dtype=torch.float32) * (2 * math.pi / modes)
    return torch.stack([radius * torch.cos(angles), radius * torch.sin(angles)], dim=1)


def ring_of_gaussians(n: int, modes: int = 8, radius: float = 2.0, std: float = 0.05,
                      generator: torch.Generator | None = None) -> torch.Tensor:
    """``n`` points from an equal mixture of ``modes`` Gaussians (standard deviation ``std``) on a ring."""
    n = check_whole_number(n, "n", minimum=1, hint=" (the number of points)")
    modes = _check_ring(modes, radius, std, std_may_be_zero=True)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None; got {type(generator).__name__}.")
    which = torch.randint(0, modes, (n,), generator=generator)
    return ring_centres(modes, radius)[which] + std * torch.randn(n, 2, generator=generator)


def mode_assignment(samples: torch.Tensor, modes: int = 8, radius: float = 2.0, std: float = 0.05):
    """For each sample the index of its nearest mode, or -1 when it is further than 3 std from every mode."""
    modes = _check_ring(modes, radius, std)
    samples = as_tensor(samples, "samples", "2-D points (n, 2): a tensor or an array")
    samples = torch.as_tensor(samples, dtype=torch.float32)
    if samples.dim() != 2 or samples.shape[1] != 2:
        raise ValueError(f"samples must be 2-D points of shape (n, 2); got {tuple(samples.shape)}.")
    check_not_empty(samples, "samples")
    check_finite(samples, "samples", "a diverged generator? Such points belong to no mode")
    distances = torch.cdist(samples, ring_centres(modes, radius))
    nearest = distances.min(dim=1)
    return torch.where(nearest.values <= 3 * std, nearest.indices, torch.full_like(nearest.indices, -1))


def modes_covered(samples, modes: int = 8, radius: float = 2.0, std: float = 0.05, min_share: float = 0.01) -> int:
    """How many modes receive at least ``min_share`` of the samples within 3 std of their centre."""
    check_number(min_share, "min_share", low=0, high=1, hint=" (a share of the samples)")
    assignment = mode_assignment(samples, modes, radius, std)
    counts = torch.bincount(assignment[assignment >= 0], minlength=modes)
    return int((counts >= min_share * len(assignment)).sum())


def high_quality_share(samples, modes: int = 8, radius: float = 2.0, std: float = 0.05) -> float:
    """The share of samples within 3 std of some mode: realistic samples, whatever mode they belong to."""
    return float((mode_assignment(samples, modes, radius, std) >= 0).float().mean())
