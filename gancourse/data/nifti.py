"""Reading and writing NIfTI volumes (the usual file format of research MRI and CT) with nibabel."""
from __future__ import annotations

import os
from pathlib import Path

import nibabel as nib
import numpy as np
import torch

from ..checks import check_finite, check_number
from ..storage import atomic_path


def _path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name (a str or a pathlib.Path) ending in .nii or .nii.gz; got "
                        f"{type(path).__name__}.")
    return Path(path)


def save_nifti(image, path, spacing_mm=(1.0, 1.0, 1.0)) -> Path:
    """Save a 2-D or 3-D image (tensor or array, extra leading size-1 axes allowed) as NIfTI.

    The voxel size goes into the file's affine. The file is written next to its final name and then
    renamed, so an interrupted save never leaves a half-written file in place of an older one.
    """
    array = image.detach().cpu().numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"image must be real numbers (a tensor or an array); got {type(image).__name__} of dtype "
                        f"{array.dtype}.")
    while array.ndim > 3 and array.shape[0] == 1:
        array = array[0]
    if array.ndim not in (2, 3):
        raise ValueError(f"save_nifti takes a 2-D or 3-D image; got shape {tuple(array.shape)}. "
                         "Select one volume of a batch first, e.g. batch.t1[0, 0].")
    check_finite(torch.from_numpy(np.ascontiguousarray(array)), "image",
                 "most NIfTI tools mishandle them. Replace them first, e.g. with torch.nan_to_num(image)")
    path = _path(path)
    if not path.name.endswith((".nii", ".nii.gz")):
        raise ValueError(f"NIfTI file names end in .nii or .nii.gz; got path {path.name!r}.")
    if isinstance(spacing_mm, (str, bytes)) or not hasattr(spacing_mm, "__len__"):
        raise TypeError(f"spacing_mm is the voxel size in mm along each axis, e.g. (1.0, 1.0, 1.0); got "
                        f"{spacing_mm!r}.")
    if len(spacing_mm) < array.ndim:
        raise ValueError(f"spacing_mm needs a voxel size for each of the image's {array.ndim} axes; got "
                         f"{spacing_mm!r}.")
    for size in spacing_mm[: array.ndim]:
        check_number(size, "spacing_mm", low=0, low_open=True, hint=" (each voxel size, in mm)")
    affine = np.diag(list(spacing_mm[: array.ndim]) + [1.0] * (4 - array.ndim))
    with atomic_path(path, suffix=".nii.gz" if path.name.endswith(".gz") else ".nii") as temporary:
        nib.save(nib.Nifti1Image(array.astype(np.float32), affine), temporary)
    return path


def load_nifti(path) -> tuple[torch.Tensor, np.ndarray]:
    """Load a 2-D or 3-D NIfTI image as a float32 tensor, with its affine (voxel to mm) matrix."""
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
    return torch.from_numpy(data), image.affine
