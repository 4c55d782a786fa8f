"""Lesion and healthy patches cut from simulated slices: a focal-lesion classification task.

Frid-Adar et al. {cite}`survey14` classified small regions of interest around liver lesions. This is the
brain version: a ``size x size`` patch (default 32 pixels, 58 mm) cut at full resolution from a 128-pixel
slice, either around a lesion (its centre moved by up to ``jitter`` pixels, so that the lesion is not always
in the middle) or around a random point of grey or white matter in a subject without lesions. In T2 (the
default) the lesion is bright, like oedema, but so is cerebrospinal fluid: a classifier must tell it from
sulci and ventricles. In T1 it is darker than brain and much harder to see.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks import check_number, check_whole_number
from .brain import BrainSimulator


@dataclass
class PatchBatch:
    """``images (n, 1, size, size)`` in [0, 1]; ``has_lesion (n,)`` long (1: lesion patch, 0: healthy);
    ``lesion_mask (n, 1, size, size)`` 0/1 floats."""

    images: torch.Tensor
    has_lesion: torch.Tensor
    lesion_mask: torch.Tensor

    def __len__(self):
        return self.images.shape[0]


def lesion_patches(n: int, *, size: int = 32, seed: int = 0, lesion_fraction: float = 0.5, contrast: str = "t2",
                   slice_size: int = 128, jitter: int = 4, chunk: int = 128) -> PatchBatch:
    """``n`` patches, a fraction ``lesion_fraction`` of them (on average) around a lesion, from a seeded,
    skull-stripped :class:`~gancourse.data.BrainSimulator` stream."""
    n = check_whole_number(n, "n", minimum=1, hint=" (the number of patches)")
    slice_size = check_whole_number(slice_size, "slice_size", minimum=16, maximum=256,
                                    hint=" (the side of the simulated slices, in pixels)")
    size = check_whole_number(size, "size", minimum=8, maximum=slice_size // 2,
                              hint=" (the patch side in pixels, at most half the slice)")
    seed = check_whole_number(seed, "seed")
    check_number(lesion_fraction, "lesion_fraction", low=0, high=1, hint=" (the share of lesion patches)")
    if contrast not in ("t1", "t2"):
        raise ValueError(f"contrast must be 't1' or 't2' (patches are MR images in [0, 1]); got {contrast!r}.")
    jitter = check_whole_number(jitter, "jitter", minimum=0, hint=" (pixels)")
    chunk = check_whole_number(chunk, "chunk", minimum=1, hint=" (slices simulated at a time)")
    # Levels 0.15 to 0.95: slices with enough parenchyma around a lesion.
    simulator = BrainSimulator(slice_size, seed=seed, contrasts=(contrast,), lesion_prob=lesion_fraction,
                               skull_stripped=True, levels=(0.15, 0.95))
    rng = torch.Generator().manual_seed(seed + 7919)
    images, labels, masks = [], [], []
    half = size // 2
    while len(images) < n:  # one patch per simulated slice
        batch = simulator.sample(min(chunk, n - len(images)))
        image, mask = getattr(batch, contrast), batch.lesion_mask
        parenchyma = (batch.tissue[:, 2] + batch.tissue[:, 3]) > 0.5
        centres = []
        for i in range(len(batch)):
            if batch.has_lesion[i]:
                ys, xs = torch.nonzero(mask[i, 0] > 0.5, as_tuple=True)
                centre = torch.stack([ys.float().mean(), xs.float().mean()]).round().long()
                centre = centre + torch.randint(-jitter, jitter + 1, (2,), generator=rng)
            else:
                candidates = torch.nonzero(parenchyma[i], as_tuple=False)
                centre = candidates[torch.randint(0, len(candidates), (1,), generator=rng)][0]
            centres.append(centre.clamp(half, slice_size - half))
        for i, (y, x) in enumerate(centres):
            images.append(image[i:i + 1, :, y - half:y - half + size, x - half:x - half + size])
            masks.append(mask[i:i + 1, :, y - half:y - half + size, x - half:x - half + size])
        labels.append(batch.has_lesion.long())
    images, masks, labels = torch.cat(images), torch.cat(masks), torch.cat(labels)
    return PatchBatch(images=images, has_lesion=labels, lesion_mask=masks)
