"""Public data sets in the chapters, chosen by one setting beside the profile.

``GANCOURSE_DATA`` names the data a chapter trains on:

* ``simulator`` (the default, also when unset or empty): the brain MRI simulator; nothing is read or
  downloaded;
* ``ixi``: axial T1 (and T2) slices of IXI's healthy adults, prepared by ``data_scripts/fetch.py ixi``;
* ``medmnist:<subset>``, e.g. ``medmnist:organamnist``: a MedMNIST v2 set and its class labels, as
  ``data_scripts/fetch.py medmnist`` downloads it.

``GANCOURSE_DATA_DIR`` is the folder that holds the prepared files (``fetch.py``'s ``--dest``). A chapter
calls :func:`chosen_data`, prints it (the line says which data the chapter used), and, unless it is the
simulator, draws its tensors from it: :meth:`PublicData.slices` (images in [0, 1], shape ``(n, 1, size,
size)``, as the simulator's) and :meth:`PublicData.labelled` (images with class indices, as
:func:`~gancourse.data.lesion_patches` gives them). A missing folder or file is an error that names it and
the command that makes it.

Splits are by subject for IXI (about 80 % train, 10 % val, 10 % test, fixed by the subjects' order) and
MedMNIST's own for MedMNIST. ``offset`` skips rows of a split's fixed shuffled order, so that two draws from
one split can be disjoint. A request for more images than a split holds repeats them, with a warning.
"""
from __future__ import annotations

import json
import os
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..checks import check_whole_number
from .patches import PatchBatch

DATA_VARIABLE = "GANCOURSE_DATA"
FOLDER_VARIABLE = "GANCOURSE_DATA_DIR"
SPLITS = ("train", "val", "test")
IXI_SPLIT_CODES = {"train": 0, "val": 1, "test": 2}  # the ``split`` array of a prepared IXI file
MEDMNIST_SIZES = (28, 64, 128, 224)

DESCRIPTIONS = {
    "ixi": "IXI, T1 and T2 MRI of healthy adults (brain-development.org, CC BY-SA 3.0), axial slices with "
           "scalp, aligned through their headers",
    "medmnist": "MedMNIST v2 {subset} (Yang et al. 2023, Zenodo 10519652, {licence})",
}


def ixi_file(folder, size: int) -> Path:
    """Where ``fetch.py ixi`` puts the slices of ``size`` pixels."""
    return Path(folder) / f"ixi_{size}.npz"


def medmnist_file(folder, subset: str, size: int) -> Path:
    """MedMNIST's own file name: ``organamnist.npz`` at 28 pixels, ``organamnist_64.npz`` at 64."""
    return Path(folder) / (f"{subset}.npz" if size == 28 else f"{subset}_{size}.npz")


def _fetch_command(name: str, subset: str | None, size: int, folder) -> str:
    if name == "ixi":
        return f"python data_scripts/fetch.py ixi --modalities t1 t2 --size {size} --dest {folder}"
    near = min((s for s in MEDMNIST_SIZES if s >= size), default=MEDMNIST_SIZES[-1])
    return f"python data_scripts/fetch.py medmnist --subset {subset} --size {near} --dest {folder}"


def _resize(images: torch.Tensor, size: int) -> torch.Tensor:
    if images.shape[-1] == size and images.shape[-2] == size:
        return images
    return F.interpolate(images, size=(size, size), mode="bilinear", antialias=True,
                         align_corners=False).clamp(0, 1)


def _rows(available: int, n: int, split: str, offset: int, where: str) -> np.ndarray:
    """``n`` row indices from a split's fixed shuffled order, from ``offset`` on, repeating if needed."""
    if available == 0:
        raise ValueError(f"{where} holds no images in its {split!r} split; prepare it again with more "
                         "subjects, or choose another split.")
    order = np.random.default_rng(zlib.crc32(split.encode())).permutation(available)
    if offset + n > available:
        warnings.warn(f"{where}: the {split!r} split holds {available} images and {offset + n} were asked "
                      f"for (offset {offset} + {n}); some are repeated.", stacklevel=3)
    return order[(offset + np.arange(n)) % available]


@dataclass
class SliceBatch:
    """Images of a public set: ``images (n, 1, S, S)`` in [0, 1] (IXI: the T1 slices; MedMNIST: its
    images, in grey), ``t1`` and ``t2`` (IXI, where prepared; the same subjects and positions), ``row``
    ``(n,)`` (the rows of the file they came from), ``subject`` ``(n,)`` (an index into the prepared file's
    subjects; MedMNIST: the row), ``labels`` ``(n,)`` (MedMNIST's classes, else ``None``)."""

    images: torch.Tensor
    row: torch.Tensor
    subject: torch.Tensor
    t1: torch.Tensor | None = None
    t2: torch.Tensor | None = None
    labels: torch.Tensor | None = None

    def __len__(self):
        return self.images.shape[0]


@dataclass(frozen=True)
class PublicData:
    """The data a chapter runs on: ``name`` (``simulator``, ``ixi``, ``medmnist``), ``subset`` (MedMNIST's)
    and the ``folder`` of prepared files."""

    name: str
    subset: str | None = None
    folder: Path | None = None

    @property
    def simulated(self) -> bool:
        return self.name == "simulator"

    def __str__(self):
        if self.simulated:
            return (f"Data: the brain MRI simulator (the default; {DATA_VARIABLE} can name a public data set "
                    "instead, see data_scripts/README.md).")
        licence = self._info().get("license", "licence: see data_scripts/README.md")
        described = DESCRIPTIONS[self.name].format(subset=self.subset, licence=licence)
        return f"Data: {described}, from {self.folder} ({DATA_VARIABLE}={self.setting})."

    @property
    def setting(self) -> str:
        return self.name if self.subset is None else f"{self.name}:{self.subset}"

    # ------------------------------------------------------------------ files
    def _missing(self, what: str, size: int):
        return FileNotFoundError(
            f"{DATA_VARIABLE}={self.setting} but {what} is not in {self.folder} ({FOLDER_VARIABLE}). Download "
            f"and prepare it with:\n    {_fetch_command(self.name, self.subset, size, self.folder)}\nthen set "
            f"{FOLDER_VARIABLE} to that folder; or unset {DATA_VARIABLE} to use the simulator.")

    def _file(self, size: int) -> Path:
        """The prepared file for ``size`` pixels: that size, else the smallest larger one, else the largest."""
        if self.name == "ixi":
            found = {int(p.stem.split("_")[1]): p for p in self.folder.glob("ixi_*.npz")
                     if p.stem.split("_")[1].isdigit()}
        else:
            found = {s: medmnist_file(self.folder, self.subset, s) for s in MEDMNIST_SIZES
                     if medmnist_file(self.folder, self.subset, s).is_file()}
        if not found:
            what = (f"ixi_{size}.npz" if self.name == "ixi"
                    else f"MedMNIST's {medmnist_file('.', self.subset, size).name}")
            raise self._missing(what, size)
        larger = [s for s in found if s >= size]
        return found[min(larger) if larger else max(found)]

    def _info(self) -> dict:
        """What ``fetch.py`` wrote beside a MedMNIST file (class names, licence), if it is there."""
        path = None if self.folder is None or self.subset is None else self.folder / f"{self.subset}_info.json"
        return json.loads(path.read_text()) if path is not None and path.is_file() else {}

    @property
    def classes(self) -> tuple:
        """MedMNIST's class names, in label order (``class 0``, ... where fetch.py's notes are missing)."""
        if self.name != "medmnist":
            raise ValueError(f"{self.setting} has no class labels; a class-conditional chapter needs "
                             f"{DATA_VARIABLE}=medmnist:<subset>, e.g. medmnist:pneumoniamnist.")
        names = self._info().get("label")
        if names:
            return tuple(names[str(k)] for k in range(len(names)))
        with np.load(self._file(28), allow_pickle=False) as data:
            return tuple(f"class {k}" for k in range(int(data["train_labels"].max()) + 1))

    def _medmnist(self, size: int, split: str):
        path = self._file(size)
        with np.load(path, allow_pickle=False) as data:
            if f"{split}_images" not in data or f"{split}_labels" not in data:
                command = _fetch_command(self.name, self.subset, size, self.folder)
                raise ValueError(f"{path} has no {split}_images / {split}_labels: it is not a MedMNIST file, or "
                                 f"it is damaged; delete it and run {command}")
            images, labels = data[f"{split}_images"], data[f"{split}_labels"]
        if images.ndim == 4 and images.shape[-1] == 3:  # RGB (e.g. pathmnist): to grey, ITU-R BT.601 weights
            images = images @ np.array([0.299, 0.587, 0.114])
        if images.ndim != 3:
            raise ValueError(f"{path} holds images of shape {images.shape[1:]}: a 3-D MedMNIST set. The chapters "
                             "take 2-D images: choose a 2-D subset such as organamnist or pneumoniamnist.")
        if labels.ndim == 2 and labels.shape[1] != 1:
            raise ValueError(f"{path} is multi-label ({labels.shape[1]} labels per image); the chapters need one "
                             "class per image: choose a single-label subset such as organamnist.")
        return path, images, labels.reshape(-1)

    # ------------------------------------------------------------------ what chapters call
    def slices(self, size: int, n: int, split: str = "train", *, offset: int = 0) -> SliceBatch:
        """``n`` images of ``size`` pixels from ``split``: IXI's T1 (and T2) slices, or MedMNIST's images."""
        size = check_whole_number(size, "size", minimum=8, maximum=512, hint=" (pixels)")
        n = check_whole_number(n, "n", minimum=1, hint=" (the number of images)")
        offset = check_whole_number(offset, "offset", minimum=0)
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}; got {split!r}.")
        if self.simulated:
            raise ValueError("the simulator draws its own slices: use BrainSimulator(size, seed=...).sample(n).")
        if self.name == "medmnist":
            path, images, labels = self._medmnist(size, split)
            rows = _rows(len(images), n, split, offset, str(path))
            scale = 255.0 if images.dtype == np.uint8 or images.max() > 1 else 1.0
            picked = _resize(torch.from_numpy(images[rows] / scale).float().unsqueeze(1), size)
            rows = torch.from_numpy(rows).long()
            return SliceBatch(images=picked, row=rows, subject=rows,
                              labels=torch.from_numpy(labels[rows].astype(np.int64)))
        path = self._file(size)
        with np.load(path, allow_pickle=False) as data:
            where = np.flatnonzero(data["split"] == IXI_SPLIT_CODES[split])
            rows = where[_rows(len(where), n, split, offset, str(path))]
            contrasts = {c: _resize(torch.from_numpy(data[c][rows].astype(np.float32)).unsqueeze(1), size)
                         for c in ("t1", "t2") if c in data}
            subject = torch.from_numpy(data["subject"][rows].astype(np.int64))
        return SliceBatch(images=contrasts["t1"], row=torch.from_numpy(rows).long(), subject=subject, **contrasts)

    def labelled(self, size: int, n: int, split: str = "train", *, offset: int = 0,
                 n_classes: int | None = None) -> PatchBatch:
        """``n`` images with their class indices, as :func:`~gancourse.data.lesion_patches` returns patches
        (``has_lesion`` holds the class index; :attr:`classes` names them; ``lesion_mask`` is empty).
        ``n_classes``: the number of classes the chapter is written for; another number is refused."""
        classes = self.classes  # (raises the error that says which settings have labels)
        if n_classes is not None and len(classes) != n_classes:
            raise ValueError(f"{self.setting} has {len(classes)} classes ({', '.join(classes)}); this chapter "
                             f"compares {n_classes}. Choose a subset with {n_classes} classes"
                             + (", such as medmnist:pneumoniamnist or medmnist:breastmnist." if n_classes == 2
                                else "."))
        batch = self.slices(size, n, split, offset=offset)
        return PatchBatch(images=batch.images, has_lesion=batch.labels,
                          lesion_mask=torch.zeros_like(batch.images))


def chosen_data(setting: str | None = None, folder=None) -> PublicData:
    """The data named by ``GANCOURSE_DATA`` (or ``setting``) in ``GANCOURSE_DATA_DIR`` (or ``folder``)."""
    raw = (os.environ.get(DATA_VARIABLE, "") if setting is None else setting).strip().lower()
    name, _, subset = (raw or "simulator").partition(":")
    valid = f"'simulator' (the default), 'ixi' or 'medmnist:<subset>' (e.g. medmnist:organamnist)"
    if name == "simulator" and not subset:
        return PublicData("simulator")
    if name not in ("ixi", "medmnist") or (name == "ixi" and subset) or (name == "medmnist" and not subset):
        raise ValueError(f"{DATA_VARIABLE}={raw!r} is not a data set the chapters read: use {valid}.")
    folder = os.environ.get(FOLDER_VARIABLE, "").strip() if folder is None else str(folder)
    if not folder:
        raise ValueError(f"{DATA_VARIABLE}={raw!r} needs {FOLDER_VARIABLE}, the folder of the prepared files "
                         f"(fetch.py's --dest), e.g. {FOLDER_VARIABLE}=~/gancourse-data.")
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{FOLDER_VARIABLE}={str(folder)!r} is not a folder. Download and prepare the data into it with:\n"
            f"    {_fetch_command(name, subset or None, 64, folder)}")
    return PublicData(name, subset or None, folder)
