"""Your own scans: a folder of NIfTI volumes, with optional label maps matched by name.

``NiftiFolder("scans/")`` reads every ``.nii`` / ``.nii.gz`` in the folder. A file whose name ends in the
label suffix (``_seg`` by default: ``case01_seg.nii.gz``) is the label map of the image with the same name
without it (``case01.nii.gz``). Each volume is reoriented on load to the closest canonical orientation,
RAS (nibabel's ``as_closest_canonical``: axes towards the subject's Right, Anterior, Superior), so that
volumes stored in different voxel orders come out the same way round. Reorienting only reorders and flips
voxels; it does not resample. So volumes of different shapes, voxel sizes or tilts (oblique acquisitions)
stay different, and are refused with the names of the files and the fix: resample them onto one grid first.

``volumes()`` stacks them as ``(n, 1, X, Y, Z)`` float32 images (RAS order) and ``(n, X, Y, Z)`` integer
labels; ``axial()`` cuts them into the chapters' axial slices ``(n * Z, 1, Y, X)``, rows from anterior to
posterior and columns from the subject's left to right, as the simulator's slices are.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nibabel as nib
import numpy as np
import torch

SUFFIXES = (".nii.gz", ".nii")


def _stem(path: Path) -> str:
    return next(path.name[: -len(s)] for s in SUFFIXES if path.name.endswith(s))


def _canonical(path: Path):
    try:
        image = nib.as_closest_canonical(nib.load(path))
        data = np.asarray(image.dataobj, dtype=np.float32)
    except Exception as error:
        raise ValueError(f"{path} is not a readable NIfTI file ({type(error).__name__}: {error}).") from error
    if data.ndim == 4 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim != 3:
        raise ValueError(f"{path} holds an image of shape {data.shape}; NiftiFolder reads 3-D volumes. Split a "
                         "4-D series (several contrasts or times) into one file per volume first.")
    return data, image.affine


def _directions(affine) -> np.ndarray:
    return affine[:3, :3] / np.linalg.norm(affine[:3, :3], axis=0)


@dataclass
class NiftiVolumes:
    """``images (n, 1, X, Y, Z)`` float32 in RAS order, ``labels (n, X, Y, Z)`` long or ``None``,
    ``affines`` (one 4 x 4 voxel-to-mm matrix per volume), ``names`` (file names without suffix)."""

    images: torch.Tensor
    labels: torch.Tensor | None
    affines: list
    names: list

    def axial(self):
        """Axial slices ``(n * Z, 1, Y, X)`` (rows anterior to posterior, columns left to right) and their
        labels ``(n * Z, Y, X)`` (or ``None``)."""
        def cut(volume):  # (n, X, Y, Z) -> (n * Z, Y, X), then rows flipped: anterior first
            return volume.permute(0, 3, 2, 1).flip(-2).reshape(-1, volume.shape[2], volume.shape[1])
        images = cut(self.images[:, 0]).unsqueeze(1)
        return images, None if self.labels is None else cut(self.labels)


class NiftiFolder:
    """The NIfTI volumes in ``folder`` and their label maps (``<name><label_suffix>.nii[.gz]``)."""

    def __init__(self, folder, label_suffix: str = "_seg"):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise FileNotFoundError(f"{self.folder} is not a folder; give the folder that holds your .nii.gz "
                                    "files.")
        files = sorted(p for p in self.folder.iterdir() if p.is_file() and p.name.endswith(SUFFIXES))
        labels = {_stem(p)[: -len(label_suffix)]: p for p in files if _stem(p).endswith(label_suffix)}
        self.images = [p for p in files if not _stem(p).endswith(label_suffix)]
        if not self.images:
            raise FileNotFoundError(f"no .nii or .nii.gz images in {self.folder} (label maps ending in "
                                    f"{label_suffix!r} do not count); copy your scans there.")
        names = [_stem(p) for p in self.images]
        orphans = sorted(set(labels) - set(names))
        if orphans:
            raise ValueError(f"label maps without an image in {self.folder}: "
                             f"{', '.join(labels[o].name for o in orphans)}. A label map is matched by name: "
                             f"case01{label_suffix}.nii.gz belongs to case01.nii.gz; rename it or its image.")
        unlabelled = [n for n in names if n not in labels]
        if labels and unlabelled:
            raise ValueError(f"{len(labels)} images have a label map but {', '.join(unlabelled)} "
                             f"{'has' if len(unlabelled) == 1 else 'have'} none (looked for "
                             f"<name>{label_suffix}.nii.gz); add them, or move the unlabelled images elsewhere.")
        self.labels = [labels[n] for n in names] if labels else None

    def __len__(self):
        return len(self.images)

    def volumes(self) -> NiftiVolumes:
        """Every volume, reoriented to RAS, after checking that they share one grid."""
        images, labels, affines = [], [], []
        for k, path in enumerate(self.images):
            data, affine = _canonical(path)
            if self.labels is not None:
                label, label_affine = _canonical(self.labels[k])
                if label.shape != data.shape or not np.allclose(label_affine, affine, atol=1e-3):
                    raise ValueError(
                        f"{self.labels[k].name} does not lie on the grid of its image {path.name} (shapes "
                        f"{label.shape} and {data.shape}, after reorientation to RAS): a label map must have "
                        "its image's shape and affine. Resample it onto the image (nearest neighbour).")
                labels.append(np.rint(label).astype(np.int64))
            images.append(data)
            affines.append(affine)
        shapes = {}
        for path, data in zip(self.images, images):
            shapes.setdefault(data.shape, []).append(path.name)
        if len(shapes) > 1:
            groups = "; ".join(f"{shape}: {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}"
                               for shape, names in shapes.items())
            raise ValueError(f"the volumes in {self.folder} have different shapes after reorientation to RAS "
                             f"({groups}). Stacking needs one grid: resample them to one shape and voxel size "
                             "first (e.g. nibabel.processing.conform), or keep one group per folder.")
        reference = affines[0]
        for path, affine in zip(self.images[1:], affines[1:]):
            sizes, first = np.linalg.norm(affine[:3, :3], axis=0), np.linalg.norm(reference[:3, :3], axis=0)
            tilt = np.degrees(np.arccos(np.clip(np.abs((_directions(affine) * _directions(reference)).sum(0)),
                                                0, 1))).max()
            if not np.allclose(sizes, first, rtol=1e-3) or tilt > 1.0:
                raise ValueError(
                    f"{path.name} and {self.images[0].name} have different orientations or voxel sizes even "
                    f"after reorientation to RAS (voxels {np.round(sizes, 3).tolist()} and "
                    f"{np.round(first, 3).tolist()} mm, axes {tilt:.1f} degrees apart: an oblique or differently "
                    "sized acquisition). Resample them into one space first (e.g. nibabel.processing."
                    "resample_from_to onto one of them), or keep each orientation in its own folder.")
        return NiftiVolumes(images=torch.from_numpy(np.stack(images)).unsqueeze(1),
                            labels=None if self.labels is None else torch.from_numpy(np.stack(labels)),
                            affines=affines, names=[_stem(p) for p in self.images])
