"""Reading and writing NIfTI volumes (the usual file format of research MRI and CT) with nibabel.

A NIfTI file is an array plus an *affine*: the 4 x 4 matrix that maps voxel indices to millimetres in a
right-handed space whose axes point to the subject's Right, Anterior and Superior (RAS+). Viewers (ITK-SNAP,
FSLeyes, nilearn) place and orient the image by its affine, not by the order of the array's axes.

The book's arrays are ordered ``(z, row, col)``: inferior to superior, anterior to posterior, the subject's
left to right (axis codes ``("S", "P", "R")``, see :mod:`gancourse.data.template`). :func:`save_nifti` writes
them with the affine that says so (by default the simulator's grid in MNI152 space), and :func:`load_nifti`
turns any file, whatever order its axes are stored in, into that same array order, so that a scan from a
scanner or another tool comes out the same way round as the simulator's volumes.
"""
from __future__ import annotations

import os
from pathlib import Path

import nibabel as nib
import numpy as np
import torch
from nibabel import orientations

from ..checks import check_finite, check_number
from ..storage import atomic_path
from .template import ARRAY_AXES, grid_affine

_EXACT_FLOAT32_INTEGERS = 2 ** 24  # float32 holds every integer up to this size exactly


def _path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name (a str or a pathlib.Path) ending in .nii or .nii.gz; got "
                        f"{type(path).__name__}.")
    return Path(path)


def _voxels(image) -> np.ndarray:
    """The image as a 2-D or 3-D array of real numbers in a NIfTI data type, after the checks of :func:`save_nifti`."""
    array = image.detach().cpu().numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"image must be real numbers (a tensor or an array); got {type(image).__name__} of dtype "
                        f"{array.dtype}.")
    while array.ndim > 3 and array.shape[0] == 1:
        array = array[0]
    if array.ndim not in (2, 3):
        raise ValueError(f"save_nifti takes a 2-D or 3-D image; got image of shape {tuple(array.shape)}. "
                         "Select one volume of a batch first, e.g. batch.t1[0, 0].")
    if array.size == 0:
        raise ValueError(f"image is empty (shape {tuple(array.shape)}); there is nothing to save.")
    check_finite(torch.from_numpy(np.ascontiguousarray(array)), "image",
                 "most NIfTI tools mishandle them. Replace them first, e.g. with torch.nan_to_num(image)")
    if array.dtype.kind == "f":
        return array.astype(np.float32)
    # Integers (label maps, masks) stay integers, in the smallest type that holds them: viewers show them
    # as labels. load_nifti returns float32, which holds integers exactly up to 2**24.
    low, high = int(array.min()), int(array.max())
    if max(abs(low), abs(high)) > _EXACT_FLOAT32_INTEGERS:
        raise ValueError(f"image holds integers up to {max(abs(low), abs(high))}; load_nifti reads images as "
                         f"float32, which holds integers exactly only up to {_EXACT_FLOAT32_INTEGERS}. Save "
                         "them as floats on purpose (image.float()) or renumber them.")
    for dtype in (np.uint8, np.int16, np.int32):
        if np.iinfo(dtype).min <= low and high <= np.iinfo(dtype).max:
            return array.astype(dtype)
    raise AssertionError("unreachable: int32 holds every integer up to 2**24")  # pragma: no cover


def _spacing(spacing_mm, ndim) -> np.ndarray | None:
    if spacing_mm is None:
        return None
    if isinstance(spacing_mm, (str, bytes)) or not hasattr(spacing_mm, "__len__"):
        raise TypeError(f"spacing_mm is the voxel size in mm along each axis, e.g. (1.0, 1.0, 1.0); got "
                        f"{spacing_mm!r}.")
    if len(spacing_mm) < ndim:
        raise ValueError(f"spacing_mm needs a voxel size for each of the image's {ndim} axes; got "
                         f"{spacing_mm!r}.")
    for size in spacing_mm[:ndim]:
        check_number(size, "spacing_mm", low=0, low_open=True, hint=" (each voxel size, in mm)")
    return np.array([float(size) for size in spacing_mm[:ndim]])


def _affine(affine) -> np.ndarray:
    if isinstance(affine, torch.Tensor):
        affine = affine.detach().cpu().numpy()
    try:
        matrix = np.asarray(affine, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"affine must be a 4 x 4 matrix of numbers (voxel indices to mm), e.g. the one "
                        f"load_nifti returns; got {type(affine).__name__}.") from None
    if matrix.shape != (4, 4):
        raise ValueError(f"affine must be a 4 x 4 matrix (voxel indices to mm); got shape {matrix.shape}.")
    if not np.isfinite(matrix).all():
        raise ValueError("affine contains NaN or infinite values; give the 4 x 4 voxel-to-mm matrix of the image.")
    if not np.allclose(matrix[3], [0, 0, 0, 1]):
        raise ValueError(f"affine's last row must be (0, 0, 0, 1); got {matrix[3].tolist()}.")
    if abs(np.linalg.det(matrix[:3, :3])) < 1e-12:
        raise ValueError("affine is singular (its 3 x 3 part has no inverse): two voxel axes point the same way, "
                         "or one has zero length. Give the image's real voxel-to-mm matrix.")
    return matrix


def _target(path: Path, overwrite: bool) -> Path:
    """Refuse a path that a NIfTI file must not replace."""
    if path.is_dir():
        raise IsADirectoryError(f"path {path} is a folder; give a file name in it, e.g. {path / 'image.nii.gz'}.")
    if path.exists() and not path.is_file():
        raise ValueError(f"path {path} exists and is not a regular file (a device, a pipe or a socket); "
                         "give the name of a .nii or .nii.gz file.")
    if path.exists() and not overwrite:
        raise FileExistsError(f"path {path} exists and overwrite=False; remove it, choose another name, or pass "
                              "overwrite=True to replace it (atomically).")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise NotADirectoryError(f"path {path} lies under {parent}, which is a file, not a folder; "
                                         "choose a path in a folder.")
            break
    return path


def save_nifti(image, path, spacing_mm=None, *, affine=None, overwrite: bool = True) -> Path:
    """Save a 2-D or 3-D image (tensor or array, extra leading size-1 axes allowed) as NIfTI; return its path.

    Where the voxels are in space (the file's affine) comes from one of:

    * ``affine``: a 4 x 4 voxel-to-mm matrix, e.g. the one :func:`load_nifti` returned with the image, or
      :func:`gancourse.data.template.grid_affine` for a slice at a known height. ``spacing_mm``, if given
      too, must agree with it.
    * otherwise, the book's grid (the default): the image is taken to be in the book's array order
      ``(z, row, col)`` (a slice: ``(row, col)``), centred where the brain MRI simulator centres its heads,
      in MNI152 space, with voxels of ``spacing_mm`` (1 mm when not given) along those axes. This is exactly
      the geometry of :meth:`BrainSimulator.volumes(n, size) <gancourse.data.BrainSimulator.volumes>` with
      ``spacing_mm = fov_mm / size``, and of anything a network makes on that grid (a generator's output,
      a segmentation), so a saved head and its label map overlay each other and the MNI152 template in
      ITK-SNAP, FSLeyes or nilearn. A 2-D slice is put at the height of the head's centre (the simulator
      does not record where a slice came from: pass ``affine`` if you know). An image that is *not* on
      that grid (your own array in another order) gets a wrong position and orientation: pass its affine.

    Float images are written as float32; integer and boolean images (label maps, masks) as the smallest
    integer type that holds them, so that viewers treat them as labels. Both qform and sform carry the
    affine, with code ``aligned`` (coordinates aligned to a template: a simulated head is a randomly deformed
    MNI152 template, near it but not registered to it), and units are mm.

    The file is written next to its final name and then renamed, so an interrupted save never leaves a
    half-written file in place of an older one. An existing file at ``path`` is replaced unless
    ``overwrite=False``; a folder, or a path under a file, is refused with a clear error.
    """
    array = _voxels(image)
    path = _path(path)
    if not path.name.endswith((".nii", ".nii.gz")):
        raise ValueError(f"NIfTI file names end in .nii or .nii.gz; got path {path.name!r}.")
    if overwrite not in (True, False):
        raise TypeError(f"overwrite must be True or False; got {overwrite!r}.")
    spacing = _spacing(spacing_mm, array.ndim)
    if affine is None:
        matrix = grid_affine(array.shape, 1.0 if spacing is None else spacing)
    else:
        matrix = _affine(affine)
        if spacing is not None:
            sizes = nib.affines.voxel_sizes(matrix)[: array.ndim]
            if not np.allclose(sizes, spacing, rtol=1e-5, atol=1e-6):
                raise ValueError(f"spacing_mm {tuple(spacing.tolist())} disagrees with the voxel sizes of affine "
                                 f"{tuple(np.round(sizes, 6).tolist())}; give one of them.")
    _target(path, overwrite)
    nifti = nib.Nifti1Image(array, matrix)
    nifti.header.set_data_dtype(array.dtype)
    nifti.set_sform(matrix, code="aligned")
    nifti.set_qform(matrix, code="aligned")
    nifti.header.set_xyzt_units(xyz="mm")
    with atomic_path(path, suffix=".nii.gz" if path.name.endswith(".gz") else ".nii") as temporary:
        nib.save(nifti, temporary)
    return path


def to_array_order(data: np.ndarray, affine) -> tuple[np.ndarray, np.ndarray]:
    """``data`` and its voxel-to-mm ``affine`` turned into the book's array order, with the affine of the result.

    A volume comes out ``(z, row, col)``: inferior to superior, anterior to posterior, the subject's left to
    right (nibabel axis codes ``("S", "P", "R")``), whatever order the file stored. The voxels are only
    reordered and flipped (never resampled), the axes chosen as the closest to the anatomical directions
    (:func:`nibabel.orientations.io_orientation`); the returned affine maps the new indices to the same mm,
    so a tilted (oblique) acquisition keeps its tilt in the affine. A 2-D image is handled as a volume of one
    slice and comes back 2-D, its affine's third column the slice's normal: an axial slice comes out
    ``(row, col)`` as the simulator's slices are.
    """
    affine = np.asarray(affine, dtype=np.float64)
    flat = data.ndim == 2
    volume = data[:, :, None] if flat else data
    transform = orientations.ornt_transform(orientations.io_orientation(affine),
                                            orientations.axcodes2ornt(ARRAY_AXES))
    reordered = orientations.apply_orientation(volume, transform)
    affine = affine @ orientations.inv_ornt_aff(transform, volume.shape)
    if flat:
        normal = int(transform[2, 0])  # where the slice's (size-1) third axis went
        keep = [axis for axis in range(3) if axis != normal]
        reordered = reordered.reshape([reordered.shape[axis] for axis in keep])
        affine = affine[:, keep + [normal, 3]]
    return np.ascontiguousarray(reordered), affine


def load_nifti(path) -> tuple[torch.Tensor, np.ndarray]:
    """Load a 2-D or 3-D NIfTI image as a float32 tensor in the book's array order, with its affine.

    The voxels are reordered and flipped (not resampled) into the book's order, ``(z, row, col)`` from
    inferior, anterior and the subject's left (see :func:`to_array_order`), whatever order the file was
    stored in (RAS from nilearn or FSL, LPS from ITK, a scanner's own), using the orientation in its header
    (nibabel's choice of sform, else qform). The returned 4 x 4 affine maps the returned tensor's indices to
    mm; ``save_nifti(tensor, path, affine=affine)`` writes the same image back. A file written by
    :func:`save_nifti` comes back exactly as it was saved (values as float32).
    """
    path = _path(path)
    if not path.exists():
        raise FileNotFoundError(f"no NIfTI file at {path} (absolute: {path.resolve()}). Check the path, or "
                                "create one with gancourse.data.save_nifti.")
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a NIfTI file; give the path of one .nii or .nii.gz file in it.")
    try:
        image = nib.load(path)
    except Exception as error:
        raise ValueError(f"{path} is not a readable NIfTI file ({error}).") from error
    try:  # nibabel reads the voxels only now: a truncated or corrupt file fails here
        data = np.asarray(image.dataobj, dtype=np.float32)
    except Exception as error:
        raise ValueError(f"{path} is not a readable NIfTI file: its header is fine but its voxels could not be read, "
                         f"so it is truncated or corrupt ({type(error).__name__}: {error}). Copy or save it again."
                         ) from error
    if data.ndim == 4 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim not in (2, 3):
        raise ValueError(f"{path} holds a {data.ndim}-D image of shape {data.shape}; gancourse reads 2-D and "
                         "3-D images only. Split a 4-D series into volumes first.")
    affine = np.asarray(image.affine, dtype=np.float64)
    if not np.isfinite(affine).all() or abs(np.linalg.det(affine[:3, :3])) < 1e-12:
        raise ValueError(f"{path} has an unusable affine (voxel-to-mm matrix) {affine.tolist()}: its header does "
                         "not say where the voxels are. Repair the header (e.g. nibabel's set_sform) first.")
    data, affine = to_array_order(data, affine)
    return torch.from_numpy(data), affine
