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

Orientation
-----------
The template ships as a NIfTI file whose voxel axes point to the subject's right, anterior and superior
(RAS+, 1 mm voxels, MNI152 coordinates in mm). The book keeps its arrays axial-slice first instead:
``stack[z, c, row, col]``, where

* ``z`` (the first axis) runs from inferior to superior (feet to top of the head),
* ``row`` runs from anterior to posterior (the nose is at row 0),
* ``col`` runs from the subject's left to the subject's right.

In nibabel's axis codes the array axes ``(z, row, col)`` are ``("S", "P", "R")`` (:data:`ARRAY_AXES`); a 2-D
axial slice ``(row, col)`` is ``("P", "R")``. Shown with ``imshow`` (row 0 at the top, column 0 on the left),
an axial slice has the nose at the top and the subject's left on the viewer's left: the *neurological*
display convention (radiological display, the usual one of clinical viewers, mirrors it left-right). Which
side is shown where is a choice of the viewer, not a property of the array; what matters for a file is its
affine. :func:`stack_affine` gives the voxel-to-MNI affine of the stack, :func:`grid_affine` the one of any
image the simulator makes, and :func:`gancourse.data.save_nifti` writes it, so that ITK-SNAP, FSLeyes or
nilearn show a saved head the right way round, on top of the MNI152 template.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import nibabel as nib
import numpy as np
import torch
from scipy import ndimage

from ..storage import cached

CHANNELS = ("t1", "gm", "wm", "csf", "dist")
PAD_MM = (24, 12, 16)  # padding (x, y, z) around the 1 mm template box so that a whole head fits
VOXEL_MM = 1.0
CACHE_NAME = "mni152_head_stack_v3.pt"  # change the name when the preparation below changes (v3: ``affine``)
#: nibabel axis codes of the book's 3-D arrays ``(z, row, col)``: inferior to superior, anterior to posterior,
#: the subject's left to right.
ARRAY_AXES = ("S", "P", "R")
#: How far above the centre of the brain's bounding box the simulator centres its volumes, in mm (the head
#: reaches higher than the brain). :meth:`gancourse.data.BrainSimulator.volumes` uses the same value.
VOLUME_CENTER_ABOVE_BRAIN_MM = 8.0


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
    """The image's voxels as float32 in RAS+ order (as nilearn ships them), with their affine (voxels to MNI mm)."""
    try:
        # A no-op for nilearn's files, which are stored RAS+; it keeps the stack's orientation if that changes.
        image = nib.as_closest_canonical(loader(resolution=1))
        return image.get_fdata(dtype=np.float32), np.asarray(image.affine, dtype=np.float64)
    except (FileNotFoundError, OSError) as error:
        raise FileNotFoundError(
            f"The MNI152 {what} that ships inside nilearn could not be read ({error}). It is part of the "
            f"nilearn wheel: reinstall it with `pip install --force-reinstall nilearn`.") from error


def cache_dir() -> Path:
    """Where prepared data (the template stack) is kept: ``$GANCOURSE_CACHE`` or ``~/.cache/gancourse``."""
    return Path(os.environ.get("GANCOURSE_CACHE", Path.home() / ".cache" / "gancourse"))


@functools.lru_cache(maxsize=1)
def load_template() -> dict:
    """The padded template stack as a float32 tensor ``(Z, C, Y, X)`` plus its geometry.

    Returns a dict with ``stack`` (torch tensor), ``channels`` (names), ``voxel_mm``, ``brain_z`` (first
    and last axial index that contains brain), ``center_xy`` (the centre of the brain's bounding box,
    in mm from the stack's corner, ordered x = column, y = row) and ``affine`` (4 x 4 nested lists: the
    voxel-to-MNI152 affine of the stack's indices ``(z, row, col)``, see :func:`stack_affine`). Prepared once
    (a few seconds) and then cached on disk.

    "mm from the stack's corner" is the simulator's own coordinate system: the outer corner of voxel
    ``[0, :, 0, 0]`` is at 0, so the centre of voxel index ``i`` along an axis is at ``(i + 0.5) * voxel_mm``.
    """
    return cached(cache_dir() / CACHE_NAME, "gancourse MNI152 head stack", _prepare_template, _usable)


def _usable(template) -> bool:
    """Whether a cached template has the structure :func:`_prepare_template` gives it."""
    return (isinstance(template, dict) and isinstance(template.get("stack"), torch.Tensor)
            and template["stack"].dim() == 4 and template["stack"].shape[1] == len(CHANNELS)
            and template.get("channels") == list(CHANNELS) and len(template.get("brain_z", ())) == 2
            and len(template.get("center_xy", ())) == 2
            and np.asarray(template.get("affine", ()), dtype=float).shape == (4, 4))


def _prepare_template() -> dict:
    datasets = _require_nilearn()
    t1, affine = _load(datasets.load_mni152_template, "T1 template")
    loaded = [_load(datasets.load_mni152_gm_template, "grey-matter map"),
              _load(datasets.load_mni152_wm_template, "white-matter map"),
              _load(datasets.load_mni152_brain_mask, "brain mask")]
    for (array, other), what in zip(loaded, ("grey-matter map", "white-matter map", "brain mask")):
        if array.shape != t1.shape or not np.allclose(other, affine):
            raise ValueError(f"nilearn's MNI152 {what} is not on the grid of its T1 template (shape {array.shape} "
                             f"vs {t1.shape}); this nilearn version ships files gancourse does not know. "
                             "Install the nilearn version of gancourse's requirements.")
    (gm, _), (wm, _), (mask, _) = loaded

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

    stack = np.stack([t1, gm, wm, csf, dist])  # (C, X, Y, Z): the file's RAS+ voxel order
    # to (Z, C, Y, X) with Y reversed (row 0 anterior), so that an axial slice shows with the nose at the top
    stack = np.ascontiguousarray(stack.transpose(3, 0, 2, 1)[:, :, ::-1, :])
    brain_z = np.where(mask.sum(axis=(0, 1)) > 0)[0]
    footprint = (stack[:, 1] + stack[:, 2] + stack[:, 3]).max(axis=0) > 0.5  # (Y, X): where brain is
    rows, cols = np.nonzero(footprint)
    center_xy = [(cols.min() + cols.max() + 1) / 2.0, (rows.min() + rows.max() + 1) / 2.0]
    return {"stack": torch.from_numpy(stack), "channels": list(CHANNELS), "voxel_mm": VOXEL_MM,
            "brain_z": [int(brain_z.min()), int(brain_z.max())], "center_xy": [float(c) for c in center_xy],
            "affine": _stack_affine_from(affine, stack.shape).tolist()}


def _stack_affine_from(file_affine, stack_shape) -> np.ndarray:
    """The affine of the stack's indices ``(z, row, col)``, from the affine of the file's indices ``(i, j, k)``.

    The stack's voxel ``(z, row, col)`` is the padded file's voxel ``(i, j, k) = (col, Y - 1 - row, z)``, and
    the padded file's voxel ``(i, j, k)`` is the file's voxel ``(i, j, k) - PAD`` (padding adds no resampling,
    no zoom and no crop: the stack keeps the file's 1 mm grid).
    """
    height = stack_shape[2]
    stack_to_padded = np.array([[0.0, 0.0, 1.0, 0.0],           # i = col
                                [0.0, -1.0, 0.0, height - 1.0],  # j = (Y - 1) - row
                                [1.0, 0.0, 0.0, 0.0],            # k = z
                                [0.0, 0.0, 0.0, 1.0]])
    padded_to_file = np.eye(4)
    padded_to_file[:3, 3] = -np.asarray(PAD_MM, dtype=float) / VOXEL_MM
    return np.asarray(file_affine, dtype=np.float64) @ padded_to_file @ stack_to_padded


def stack_affine(template: dict | None = None) -> np.ndarray:
    """The 4 x 4 affine from the template stack's voxel indices ``(z, row, col)`` to MNI152 mm (RAS+).

    Derived from the affine of nilearn's file (read RAS+; no resampling, crop or zoom) by the padding of
    :data:`PAD_MM` and the reordering ``(i, j, k) = (col, Y - 1 - row, z)``. For the MNI152 2009a template
    that nilearn ships (197 x 233 x 189 voxels of 1 mm, voxel (0, 0, 0) at MNI (-98, -134, -72)) it is::

        x = col - 122        (the subject's right is +x)
        y = 110 - row        (anterior is +y)
        z = z - 88           (superior is +z)

    ``nibabel.aff2axcodes(stack_affine())`` is ``("S", "P", "R")`` (:data:`ARRAY_AXES`).
    """
    template = load_template() if template is None else template
    return np.array(template["affine"], dtype=np.float64)


def volume_center_mm(template: dict | None = None) -> np.ndarray:
    """The centre of the simulator's volumes (and the default centre of its slices), in mm from the stack's
    corner, ordered ``(x, y, z)`` as the simulator orders points.

    ``(x, y)`` is the centre of the brain's bounding box in an axial view; ``z`` is
    :data:`VOLUME_CENTER_ABOVE_BRAIN_MM` above the centre of the brain's axial extent. It does not depend on
    the volume's size or field of view: every volume the simulator makes is centred here (in MNI152
    coordinates about x = 0, y = -17, z = 15 mm).
    """
    template = load_template() if template is None else template
    z_lo, z_hi = template["brain_z"]
    z = (z_lo + z_hi + 1) / 2.0 * template["voxel_mm"] + VOLUME_CENTER_ABOVE_BRAIN_MM
    return np.array([template["center_xy"][0], template["center_xy"][1], z], dtype=np.float64)


def grid_affine(shape, spacing_mm, center_mm=None, template: dict | None = None) -> np.ndarray:
    """The voxel-to-MNI152 affine (RAS+, mm) of an image on the simulator's grid, in the book's array order.

    ``shape`` is ``(Z, Y, X)`` for a volume (array axes ``z, row, col``) or ``(Y, X)`` for an axial slice
    (``row, col``); ``spacing_mm`` is the voxel size along each of those axes (a number for isotropic
    voxels). ``center_mm`` is where the image's centre lies, in mm from the stack's corner, ordered
    ``(x, y, z)``; by default :func:`volume_center_mm`, where
    :meth:`~gancourse.data.BrainSimulator.volumes` centres every volume. So for ``sim.volumes(n, size)``::

        grid_affine((size,) * 3, sim.fov_mm / size)

    is the affine of each volume, whatever ``size`` and ``fov_mm`` are (the simulator's trilinear resampling,
    and its pooling of the template for large voxels, keep voxel centres where this affine puts them). A
    simulated subject is the template under a random smooth deformation (a few mm, a few degrees), so its
    anatomy lies near, not exactly on, the template's: the coordinates are MNI152-aligned, the subject is not
    registered. With ``deformation=0`` the volume is the template itself, resampled.

    For a 2-D slice the third column of the affine is the slice normal (superior), with the slice at the
    ``z`` of ``center_mm``: :meth:`~gancourse.data.BrainSimulator.sample` draws each slice at a random
    height (its ``level``), which this function does not know; pass ``center_mm`` if you do.
    ``nibabel.aff2axcodes`` of the result is ``("S", "P", "R")`` for volumes and ``("P", "R", "S")`` for slices.
    """
    template = load_template() if template is None else template
    shape = tuple(int(s) for s in shape)
    if len(shape) not in (2, 3):
        raise ValueError(f"grid_affine takes the shape of a 2-D slice (Y, X) or a 3-D volume (Z, Y, X); got {shape}.")
    spacing = np.broadcast_to(np.asarray(spacing_mm, dtype=np.float64), (len(shape),))
    center = volume_center_mm(template) if center_mm is None else np.asarray(center_mm, dtype=np.float64)
    if center.shape != (3,):
        raise ValueError(f"center_mm is one point (x, y, z) in mm from the stack's corner; got {center_mm!r}.")
    voxel = float(template["voxel_mm"])
    slice_2d = len(shape) == 2
    if slice_2d:  # a slice: (row, col) and a normal of one voxel along z
        shape, spacing = (1,) + shape, np.concatenate([[voxel], spacing])
    # output index (d, h, w) -> mm from the corner: p = (index - (size - 1) / 2) * spacing + centre, ordered
    # (z, y, x) here; the stack's voxel centre i lies at (i + 0.5) * voxel, so stack index = p / voxel - 0.5.
    to_stack = np.eye(4)
    for axis, centre in enumerate(center[::-1]):  # (z, y, x)
        to_stack[axis, axis] = spacing[axis] / voxel
        to_stack[axis, 3] = (centre - (shape[axis] - 1) / 2.0 * spacing[axis]) / voxel - 0.5
    affine = stack_affine(template) @ to_stack
    if slice_2d:  # columns (row, col, normal), as nibabel pads a 2-D image's affine
        affine = affine[:, [1, 2, 0, 3]]
    return affine
