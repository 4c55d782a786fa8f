"""Axial slices of real volumes on one physical grid: how a public data set's scans become the chapters' slices.

A scanner stores a volume in its own voxel order and size (IXI's T1 images are sagittal, about 0.94 x 0.94 x
1.2 mm; its T2 images axial, about 0.9 x 0.9 x 1.2 mm). :func:`axial_slices` samples a volume on a grid
defined in millimetres, through the volume's affine (its NIfTI header): square axial slices of ``size``
pixels over ``fov_mm``, centred on the head, at given heights. Two volumes of the same subject sampled at
the same millimetres (:func:`head_grid` of one, used for both) come out pixel for pixel at the same place,
*as far as their headers agree*: this is a rigid alignment in the scanner's physical space, read from the
headers, not an image registration. A subject who moved between the two scans stays misaligned by that
movement. Nothing is skull-stripped: IXI's images keep the scalp and the neck.

The slices come out in the book's array order (rows from anterior to posterior, columns from the subject's
left to right, as :mod:`gancourse.data.nifti` and the simulator have them), smoothed before sampling so
that a 64-pixel slice of a 1 mm volume does not alias, and with intensities scaled by a high percentile of
the head (:func:`normalise`), so that the head's values lie in about [0, 1] as the simulator's do.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

FOV_MM = 232.0  # the simulator's default field of view: a head is about 200 mm wide
# Heights of the slices below the top of the head, in mm: roughly the simulator's levels (MNI z from -30,
# the temporal lobes, to 50, the upper convexity), for an adult head whose vertex is near MNI z 75.
BELOW_TOP_MM = (105.0, 25.0)


@dataclass(frozen=True)
class Grid:
    """Square axial slices: pixel ``(k, i, j)`` is at RAS millimetres ``(x0 + (j + 0.5) s, y0 - (i + 0.5) s,
    z[k])`` with ``s = fov_mm / size``."""

    size: int
    fov_mm: float
    x0: float
    y0: float
    z: tuple

    def points(self) -> np.ndarray:
        """RAS mm of every pixel, shape ``(len(z), size, size, 3)``."""
        s = self.fov_mm / self.size
        centres = (np.arange(self.size) + 0.5) * s
        z, y, x = np.meshgrid(np.asarray(self.z, float), self.y0 - centres, self.x0 + centres, indexing="ij")
        return np.stack([x, y, z], axis=-1)


def _foreground(data: np.ndarray) -> np.ndarray:
    """Voxels brighter than a tenth of the 99th percentile: the head, roughly (air is near 0 in MR)."""
    return data > 0.1 * np.percentile(data, 99)


def head_grid(data: np.ndarray, affine: np.ndarray, size: int, n_slices: int, fov_mm: float = FOV_MM,
              below_top_mm=BELOW_TOP_MM) -> Grid:
    """A grid of ``n_slices`` axial slices centred on the head of ``data`` (3-D, with its voxel-to-mm
    ``affine``), from ``below_top_mm[0]`` to ``below_top_mm[1]`` mm below the top of the head."""
    if data.ndim != 3:
        raise ValueError(f"head_grid takes a 3-D volume; got shape {data.shape}.")
    voxels = np.argwhere(_foreground(data))
    if len(voxels) == 0:
        raise ValueError("the volume is empty (no voxel above a tenth of its 99th percentile): nothing to slice.")
    mm = voxels @ affine[:3, :3].T + affine[:3, 3]
    # percentiles rather than extremes, so that a few bright voxels of noise or ghosting outside the
    # head do not move the grid
    low, high = np.percentile(mm, 0.5, axis=0), np.percentile(mm, 99.5, axis=0)
    centre = (low + high) / 2
    top = np.percentile(mm[:, 2], 99.9)
    z = np.linspace(top - below_top_mm[0], top - below_top_mm[1], n_slices)
    return Grid(size=int(size), fov_mm=float(fov_mm), x0=float(centre[0] - fov_mm / 2),
                y0=float(centre[1] + fov_mm / 2), z=tuple(float(v) for v in z))


def axial_slices(data: np.ndarray, affine: np.ndarray, grid: Grid, order: int = 1,
                 smooth: bool = True) -> np.ndarray:
    """``data`` (3-D) sampled at the grid's millimetres: float32 ``(len(grid.z), size, size)``, 0 outside the
    volume. ``order`` 1 is linear interpolation (images), 0 nearest neighbour (label maps, never smoothed)."""
    data = np.asarray(data, dtype=np.float32)
    if smooth and order > 0:
        # Gaussian anti-aliasing: sigma 0.4 output pixels, in each axis's own voxels
        voxel_mm = np.sqrt((affine[:3, :3] ** 2).sum(axis=0))
        sigma = np.maximum(0.4 * (grid.fov_mm / grid.size) / voxel_mm - 0.3, 0)
        data = ndimage.gaussian_filter(data, sigma)
    points = grid.points().reshape(-1, 3)
    voxel = (points - affine[:3, 3]) @ np.linalg.inv(affine[:3, :3]).T
    values = ndimage.map_coordinates(data, voxel.T, order=order, mode="constant", cval=0.0)
    return values.reshape(len(grid.z), grid.size, grid.size).astype(np.float32)


def normalise(slices: np.ndarray, percentile: float = 99.5) -> np.ndarray:
    """Divide by the ``percentile`` of the head's pixels and clip to [0, 1] (scanners' units are arbitrary)."""
    head = slices[_foreground(slices)] if slices.max() > 0 else slices.ravel()
    scale = np.percentile(head, percentile) if head.size else 1.0
    return np.clip(slices / max(float(scale), 1e-12), 0, 1).astype(np.float32)
