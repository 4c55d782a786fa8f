"""Classic data augmentation: the geometric transformations a GAN's samples have to beat.

* :func:`flip_and_shift`: random left-right flips (a brain is nearly symmetric) and shifts of a few pixels,
  drawn afresh for every batch;
* :func:`dihedral`: all 8 rotations by multiples of 90 degrees and their mirror images, at once. Frid-Adar et
  al. {cite}`survey14` enlarged their small set of lesion patches this way before training their GANs; it
  suits patches, which have no "up", not whole slices.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def flip_and_shift(images: torch.Tensor, generator: torch.Generator, max_shift: int = 2) -> torch.Tensor:
    """Random left-right flips and shifts of up to ``max_shift`` pixels (the border is repeated)."""
    n, side = images.shape[0], images.shape[-1]
    flip = torch.rand(n, generator=generator) < 0.5
    images = torch.where(flip.view(n, 1, 1, 1).to(images.device), images.flip(-1), images)
    if max_shift:
        padded = F.pad(images, (max_shift,) * 4, mode="replicate")
        dx, dy = torch.randint(0, 2 * max_shift + 1, (2, n), generator=generator).tolist()
        images = torch.stack([padded[i, :, y:y + side, x:x + side] for i, (x, y) in enumerate(zip(dx, dy))])
    return images


def dihedral(images: torch.Tensor) -> torch.Tensor:
    """The 8 symmetries of the square of every image ``(N, C, S, S)``: ``(8 N, C, S, S)``, grouped by
    symmetry (the first ``N`` are the originals); repeat labels with ``labels.repeat(8)``."""
    if images.dim() != 4 or images.shape[-1] != images.shape[-2]:
        raise ValueError(f"dihedral needs square images (N, C, S, S); got {tuple(images.shape)}.")
    out = []
    for quarter_turns in range(4):
        rotated = torch.rot90(images, quarter_turns, dims=(2, 3))
        out += [rotated, rotated.flip(-1)]
    return torch.cat(out)
