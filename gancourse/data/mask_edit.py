"""Editing lesion masks, to make new labelled cases for label-to-image synthesis.

Shin et al. {cite}`shin2018medical` trained a conditional GAN to turn a brain's label maps (tissue and
tumour) into MR images, then *edited the tumour labels*, moving them, enlarging them, placing them in other
brains, and rendered every edited map into a new image whose label is known by construction. This module
is those edits, on binary masks ``(N, 1, H, W)`` (0/1 floats, as ``BrainBatch.lesion_mask``):

* :func:`move_mask`: shift a mask by whole pixels (what leaves the image is lost, nothing wraps round);
* :func:`grow_mask`: grow (or, with a negative number, shrink) a mask by whole pixels, one 3x3 step at a time;
* :func:`add_lesion`: draw a new elliptical lesion centred on a given pixel;
* :func:`random_edits`: one random edit per case (move, grow or add) from a seeded generator.

Each takes an optional ``allowed`` mask: a lesion lives in brain tissue, so whatever an edit puts outside
``allowed`` (the parenchyma, say) is cut away. Masks stay binary, so :func:`gancourse.metrics.dice` scores them.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..checks import check_number, check_whole_number

EDITS = ("move", "grow", "add")


def _check_mask(mask, name="mask"):
    if not isinstance(mask, torch.Tensor):
        raise TypeError(f"{name} must be a tensor (N, 1, H, W) of 0s and 1s; got {type(mask).__name__}. "
                        "Convert with torch.as_tensor(mask).float().")
    if mask.dim() != 4 or mask.shape[1] != 1:
        raise ValueError(f"{name} must have shape (N, 1, H, W), one channel per case; got {tuple(mask.shape)}. "
                         "A single (H, W) mask is mask[None, None].")
    values = torch.unique(mask)
    if not bool(((values == 0) | (values == 1)).all()):
        raise ValueError(f"{name} must hold only 0s and 1s; got values {values[:6].tolist()}. "
                         "Threshold it first, e.g. (mask > 0.5).float().")
    return mask.float()


def _restrict(mask, allowed):
    """``mask`` with everything outside ``allowed`` removed (no change when ``allowed`` is None)."""
    if allowed is None:
        return mask
    allowed = _check_mask(allowed, "allowed")
    if allowed.shape != mask.shape:
        raise ValueError(f"allowed must have the mask's shape {tuple(mask.shape)}; got {tuple(allowed.shape)}.")
    return mask * allowed


def move_mask(mask, shift, allowed=None) -> torch.Tensor:
    """``mask`` moved by ``shift = (rows, columns)`` whole pixels (down and right are positive); the same
    shift for every case, or one ``(rows, columns)`` pair per case as an ``(N, 2)`` tensor or list."""
    mask = _check_mask(mask)
    shifts = torch.as_tensor(shift, dtype=torch.long).reshape(-1, 2) if not isinstance(shift, (str, bytes)) else None
    if shifts is None or shifts.shape[0] not in (1, mask.shape[0]):
        raise ValueError(f"shift must be (rows, columns) or one such pair per case ({mask.shape[0]}, 2); got {shift!r}.")
    shifts = shifts.expand(mask.shape[0], 2)
    height, width = mask.shape[-2:]
    pad = int(shifts.abs().max())
    padded = F.pad(mask, (pad, pad, pad, pad))  # zeros around: what moves out is lost, nothing wraps round
    moved = torch.stack([padded[i, :, pad - dy: pad - dy + height, pad - dx: pad - dx + width]
                         for i, (dy, dx) in enumerate(shifts.tolist())])
    return _restrict(moved, allowed)


def grow_mask(mask, pixels: int, allowed=None) -> torch.Tensor:
    """``mask`` grown by ``pixels`` (dilation with a 3x3 square, repeated), or shrunk by ``-pixels``
    (erosion: a pixel stays only if its whole 3x3 neighbourhood is in the mask)."""
    mask = _check_mask(mask)
    pixels = check_whole_number(pixels, "pixels", hint=" (positive grows the mask, negative shrinks it)")
    for _ in range(abs(pixels)):
        if pixels > 0:  # dilation: the maximum over each 3x3 neighbourhood
            mask = F.max_pool2d(mask, 3, stride=1, padding=1)
        else:  # erosion is dilation of the background
            mask = 1 - F.max_pool2d(1 - mask, 3, stride=1, padding=1)
    return _restrict(mask, allowed)


def add_lesion(mask, centre, radii, angle: float = 0.0, allowed=None) -> torch.Tensor:
    """``mask`` with an ellipse added to every case, centred on pixel ``centre = (row, column)`` (one for all
    cases, or ``(N, 2)``), with semi-axes ``radii = (a, b)`` in pixels, turned by ``angle`` radians.
    A pixel belongs to the ellipse when its centre lies inside it: ``(u / a)^2 + (v / b)^2 <= 1``."""
    mask = _check_mask(mask)
    n, height, width = mask.shape[0], mask.shape[-2], mask.shape[-1]
    centres = torch.as_tensor(centre, dtype=torch.float32).reshape(-1, 2)
    if centres.shape[0] not in (1, n):
        raise ValueError(f"centre must be (row, column) or one per case ({n}, 2); got shape {tuple(centres.shape)}.")
    a, b = (check_number(r, "radii", low=0, low_open=True, hint=" (each semi-axis, in pixels)") for r in radii)
    angle = check_number(angle, "angle", hint=" (radians)")
    rows = torch.arange(height, dtype=torch.float32).view(1, height, 1) - centres[:, 0].view(-1, 1, 1)
    cols = torch.arange(width, dtype=torch.float32).view(1, 1, width) - centres[:, 1].view(-1, 1, 1)
    u = rows * math.cos(angle) + cols * math.sin(angle)  # coordinates along the ellipse's own axes
    v = -rows * math.sin(angle) + cols * math.cos(angle)
    ellipse = ((u / a) ** 2 + (v / b) ** 2 <= 1).float().unsqueeze(1)  # (N or 1, 1, H, W)
    return _restrict(torch.maximum(mask, ellipse), allowed)


def random_edits(mask, allowed, generator: torch.Generator, *, max_shift: int = 6, max_grow: int = 2,
                 radius_range=(1.0, 3.0)) -> tuple[torch.Tensor, list[str]]:
    """One random edit per case, and its name: a case with a lesion is moved (by up to ``max_shift`` pixels
    each way), grown or shrunk (by up to ``max_grow`` pixels), or gets one more lesion; a case without one
    always gets a new lesion, centred on a random pixel of ``allowed``, with semi-axes in ``radius_range``.

    An edit that would leave a lesion case empty (moved or shrunk out of ``allowed``) adds a lesion instead,
    so every edited case holds a lesion."""
    mask, allowed = _check_mask(mask), _check_mask(allowed, "allowed")
    if allowed.shape != mask.shape:
        raise ValueError(f"allowed must have the mask's shape {tuple(mask.shape)}; got {tuple(allowed.shape)}.")
    if not isinstance(generator, torch.Generator):
        raise TypeError("generator must be a torch.Generator, e.g. torch.Generator().manual_seed(0); got "
                        f"{type(generator).__name__}.")
    if bool((allowed.flatten(1).sum(1) == 0).any()):
        raise ValueError("allowed is empty for some case: there is nowhere to put a lesion. Use slices with brain "
                         "tissue in them.")
    low, high = (check_number(r, "radius_range", low=0, low_open=True) for r in radius_range)
    out, names = [], []
    for i in range(mask.shape[0]):
        m, a = mask[i:i + 1], allowed[i:i + 1]
        r = lambda lo, hi: int(torch.randint(lo, hi + 1, (1,), generator=generator))  # noqa: E731
        kind = EDITS[r(0, 2)] if m.sum() > 0 else "add"
        if kind == "move":
            edited = move_mask(m, (r(-max_shift, max_shift), r(-max_shift, max_shift)), a)
        elif kind == "grow":
            edited = grow_mask(m, r(1, max_grow) * (1 if r(0, 1) else -1), a)
        if kind == "add" or edited.sum() == 0:
            kind = "add"
            inside = a.flatten().nonzero().squeeze(1)
            pixel = int(inside[torch.randint(len(inside), (1,), generator=generator)])
            centre = (pixel // m.shape[-1], pixel % m.shape[-1])
            radii = low + (high - low) * torch.rand(2, generator=generator)
            angle = math.pi * float(torch.rand(1, generator=generator))
            edited = add_lesion(m, centre, radii.tolist(), angle, a)
        out.append(edited)
        names.append(kind)
    return torch.cat(out), names
