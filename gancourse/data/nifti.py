"""Reading and writing NIfTI volumes (the usual file format of research MRI and CT) with nibabel."""
from __future__ import annotations

from pathlib import Path

import nibabel as nib
import numpy as np
import torch

from ..atomic import atomic_path


def save_nifti(image, path, spacing_mm=(1.0, 1.0, 1.0)) -> Path:
    """Save a 2-D or 3-D image (tensor or array, extra leading size-1 axes allowed) as NIfTI.

    The voxel size goes into the file's affine. The file is written next to its final name and then
    renamed, so an interrupted save never leaves a half-written file in place of an older one.
    """
    array = image.detach().cpu().numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    while array.ndim > 3 and array.shape[0] == 1:
        array = array[0]
    if array.ndim not in (2, 3):
        raise ValueError(f"save_nifti takes a 2-D or 3-D image; got shape {tuple(array.shape)}. "
                         "Select one volume of a batch first, e.g. batch.t1[0, 0].")
    path = Path(path)
    if not path.name.endswith((".nii", ".nii.gz")):
        raise ValueError(f"NIfTI file names end in .nii or .nii.gz; got {path.name!r}.")
    affine = np.diag(list(spacing_mm[: array.ndim]) + [1.0] * (4 - array.ndim))
    with atomic_path(path, suffix=".nii.gz" if path.name.endswith(".gz") else ".nii") as temporary:
        nib.save(nib.Nifti1Image(array.astype(np.float32), affine), temporary)
    return path


def load_nifti(path) -> tuple[torch.Tensor, np.ndarray]:
    """Load a 2-D or 3-D NIfTI image as a float32 tensor, with its affine (voxel to mm) matrix."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no NIfTI file at {path} (absolute: {path.resolve()}). Check the path, or "
                                "create one with gancourse.data.save_nifti.")
    try:
        image = nib.load(path)
    except Exception as error:
        raise ValueError(f"{path} is not a readable NIfTI file ({error}).") from error
    data = np.asarray(image.dataobj, dtype=np.float32)
    if data.ndim == 4 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim not in (2, 3):
        raise ValueError(f"{path} holds a {data.ndim}-D image of shape {data.shape}; gancourse reads 2-D and "
                         "3-D images only. Split a 4-D series into volumes first.")
    return torch.from_numpy(data), image.affine
