"""The real anatomy under the simulator: the MNI152 2009a template that ships inside nilearn.

The template {cite}`fonov2011unbiased` is an average of many real T1-weighted scans, with probability maps
of grey and white matter. It is skull-stripped, so we add a head around it: for every voxel outside the
brain we keep its distance to the brain's surface, and the simulator turns bands of that distance into
cerebrospinal fluid, skull and scalp whose thickness differs from subject to subject.

Everything is prepared once per process (about a second) and kept as a stack of channels:

    ``t1``    the template's T1 intensity (0 outside the brain)
    ``gm``    grey-matter probability
    ``wm``    white-matter probability
    ``csf``   cerebrospinal fluid probability inside the brain mask
    ``dist``  distance in mm from the brain's surface (0 inside the brain)

Arrays are stored axial-slice first and in radiological display order: ``stack[z, c, row, col]`` with
anterior at the top of the image (row 0) and the subject's left on the image's left (neurological convention).
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import torch
from scipy import ndimage

from ..storage import cached

CHANNELS = ("t1", "gm", "wm", "csf", "dist")
PAD_MM = (24, 12, 16)  # padding (x, y, z) around the 1 mm template box so that a whole head fits
VOXEL_MM = 1.0
CACHE_NAME = "mni152_head_stack_v2.pt"  # change the name when the preparation below changes


def _require_nilearn():
    try:
        from nilearn import datasets
    except ImportError as error:  # pragma: no cover - nilearn is a dependency of gancourse
        raise ImportError(
            "The brain MRI simulator reads the MNI152 template that ships inside the nilearn package, "
            "which is not installed. Install it with `pip install nilearn` (it is listed in gancourse's "
            "requirements).") from error
    return datasets


def _load(loader, what):
    try:
        return loader(resolution=1).get_fdata(dtype=np.float32)
    except (FileNotFoundError, OSError) as error:
        raise FileNotFoundError(
            f"The MNI152 {what} that ships inside nilearn could not be read ({error}). It is part of the "
            f"nilearn wheel: reinstall it with `pip install --force-reinstall nilearn`.") from error


def cache_dir() -> Path:
    """Where prepared data and trained encoders are kept: ``$GANCOURSE_CACHE`` or ``~/.cache/gancourse``."""
    return Path(os.environ.get("GANCOURSE_CACHE", Path.home() / ".cache" / "gancourse"))


@functools.lru_cache(maxsize=1)
def load_template() -> dict:
    """The padded template stack as a float32 tensor ``(Z, C, Y, X)`` plus its geometry.

    Returns a dict with ``stack`` (torch tensor), ``channels`` (names), ``voxel_mm``, ``brain_z`` (first
    and last axial index that contains brain) and ``center_xy`` (the centre of the brain's bounding box,
    in mm from the stack's corner). Prepared once (a few seconds) and then cached on disk.
    """
    return cached(cache_dir() / CACHE_NAME, "gancourse MNI152 head stack", _prepare_template, _usable)


def _usable(template) -> bool:
    """Whether a cached template has the structure :func:`_prepare_template` gives it."""
    return (isinstance(template, dict) and isinstance(template.get("stack"), torch.Tensor)
            and template["stack"].dim() == 4 and template["stack"].shape[1] == len(CHANNELS)
            and template.get("channels") == list(CHANNELS) and len(template.get("brain_z", ())) == 2
            and len(template.get("center_xy", ())) == 2)


def _prepare_template() -> dict:
    datasets = _require_nilearn()
    t1 = _load(datasets.load_mni152_template, "T1 template")
    gm = _load(datasets.load_mni152_gm_template, "grey-matter map")
    wm = _load(datasets.load_mni152_wm_template, "white-matter map")
    mask = _load(datasets.load_mni152_brain_mask, "brain mask")

    # Make the tissue maps a partition of the brain mask: grey + white + CSF = mask.
    mask = ndimage.gaussian_filter(mask, 0.7)
    tissue = np.clip(gm + wm, 0, None)
    scale = np.where(tissue > mask, mask / np.maximum(tissue, 1e-6), 1.0)
    gm, wm = gm * scale, wm * scale
    csf = np.clip(mask - gm - wm, 0, 1)

    pad = [(p, p) for p in PAD_MM]
    t1, gm, wm, csf, mask = (np.pad(a, pad) for a in (t1, gm, wm, csf, mask))
    # Distance outside the brain, in mm, computed at 2 mm (a second, not ten) and brought back to 1 mm.
    coarse = mask[::2, ::2, ::2] < 0.5
    dist = ndimage.distance_transform_edt(coarse, sampling=2 * VOXEL_MM)
    dist = ndimage.zoom(dist, 2, order=1)[: mask.shape[0], : mask.shape[1], : mask.shape[2]]
    dist = np.clip(dist.astype(np.float32) - 1.0, 0, 60)  # the 2 mm mask edge lies about 1 mm outside

    stack = np.stack([t1, gm, wm, csf, dist])  # (C, X, Y, Z) in RAS order
    # to (Z, C, Y, X) with anterior at the top (Y reversed): the usual radiological display of axial slices
    stack = np.ascontiguousarray(stack.transpose(3, 0, 2, 1)[:, :, ::-1, :])
    brain_z = np.where(mask.sum(axis=(0, 1)) > 0)[0]
    footprint = (stack[:, 1] + stack[:, 2] + stack[:, 3]).max(axis=0) > 0.5  # (Y, X): where brain is
    rows, cols = np.nonzero(footprint)
    center_xy = [(cols.min() + cols.max() + 1) / 2.0, (rows.min() + rows.max() + 1) / 2.0]
    return {"stack": torch.from_numpy(stack), "channels": list(CHANNELS), "voxel_mm": VOXEL_MM,
            "brain_z": [int(brain_z.min()), int(brain_z.max())], "center_xy": [float(c) for c in center_xy]}
