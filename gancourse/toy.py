"""The two-dimensional toy problem of chapter 3.1: a ring of Gaussians, and how many of its modes a
generator covers. Mode collapse is hard to see in images but obvious here: each mode is one blob.

The set-up follows the unrolled-GAN paper {cite}`metz2017unrolled`: eight Gaussians on a circle; a mode
counts as covered when enough samples land within three standard deviations of its centre.
"""
from __future__ import annotations

import math

import torch


def ring_centres(modes: int = 8, radius: float = 2.0) -> torch.Tensor:
    """The ``(modes, 2)`` centres, evenly spaced on a circle."""
    angles = torch.arange(modes, dtype=torch.float32) * (2 * math.pi / modes)
    return torch.stack([radius * torch.cos(angles), radius * torch.sin(angles)], dim=1)


def ring_of_gaussians(n: int, modes: int = 8, radius: float = 2.0, std: float = 0.05,
                      generator: torch.Generator | None = None) -> torch.Tensor:
    """``n`` points from an equal mixture of ``modes`` Gaussians (standard deviation ``std``) on a ring."""
    which = torch.randint(0, modes, (n,), generator=generator)
    return ring_centres(modes, radius)[which] + std * torch.randn(n, 2, generator=generator)


def mode_assignment(samples: torch.Tensor, modes: int = 8, radius: float = 2.0, std: float = 0.05):
    """For each sample the index of its nearest mode, or -1 when it is further than 3 std from every mode."""
    samples = torch.as_tensor(samples, dtype=torch.float32)
    if samples.dim() != 2 or samples.shape[1] != 2:
        raise ValueError(f"samples must be 2-D points of shape (n, 2); got {tuple(samples.shape)}.")
    distances = torch.cdist(samples, ring_centres(modes, radius))
    nearest = distances.min(dim=1)
    return torch.where(nearest.values <= 3 * std, nearest.indices, torch.full_like(nearest.indices, -1))


def modes_covered(samples, modes: int = 8, radius: float = 2.0, std: float = 0.05, min_share: float = 0.01) -> int:
    """How many modes receive at least ``min_share`` of the samples within 3 std of their centre."""
    assignment = mode_assignment(samples, modes, radius, std)
    counts = torch.bincount(assignment[assignment >= 0], minlength=modes)
    return int((counts >= min_share * len(assignment)).sum())


def high_quality_share(samples, modes: int = 8, radius: float = 2.0, std: float = 0.05) -> float:
    """The share of samples within 3 std of some mode: realistic samples, whatever mode they belong to."""
    return float((mode_assignment(samples, modes, radius, std) >= 0).float().mean())
