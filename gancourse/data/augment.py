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

from ..checks import check_whole_number


def _check_square_batch(images, who):
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{who} takes images as a tensor (N, C, S, S); got {type(images).__name__}. Convert with "
                        "torch.as_tensor.")
    if images.dim() != 4 or images.shape[-1] != images.shape[-2]:
        raise ValueError(f"{who} needs square images (N, C, S, S); got {tuple(images.shape)}.")


def flip_and_shift(images: torch.Tensor, generator: torch.Generator | None, max_shift: int = 2) -> torch.Tensor:
    """Random left-right flips and shifts of up to ``max_shift`` pixels (the border is repeated), at most half
    the side. ``generator`` makes them repeatable (None: PyTorch's global generator)."""
    _check_square_batch(images, "flip_and_shift")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, e.g. torch.Generator().manual_seed(0), or None; got "
                        f"{type(generator).__name__}.")
    n, side = images.shape[0], images.shape[-1]
    max_shift = check_whole_number(max_shift, "max_shift", minimum=0, maximum=side // 2,
                                   hint=" (pixels; 0 for flips only)")
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
    _check_square_batch(images, "dihedral")
    out = []
    for quarter_turns in range(4):
        rotated = torch.rot90(images, quarter_turns, dims=(2, 3))
        out += [rotated, rotated.flip(-1)]
    return torch.cat(out)
