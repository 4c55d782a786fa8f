"""Super-resolution (gancourse.methods.super_resolution): the degradation, the bicubic baseline, the trainers,
and a through-plane volume written as NIfTI with the right voxel size."""
from __future__ import annotations

import nibabel as nib
import numpy as np
import pytest
import torch

from gancourse.data import load_nifti, save_nifti
from gancourse.methods.super_resolution import (SuperResolutionTrainer, bicubic, coronal_planes, downsample,
                                                from_coronal_planes, super_resolve, thick_slices, through_plane)
from gancourse.nets import PatchDiscriminator, UNetGenerator


def _keys(t, a=-0.75):
    """Keys' cubic convolution kernel."""
    t = abs(t)
    if t <= 1:
        return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1
    if t < 2:
        return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a
    return 0.0


def test_downsample_is_the_block_mean():
    x = torch.arange(32.0).view(1, 1, 4, 8)
    low = downsample(x, 2)
    assert low[0, 0, 0, 0] == (0 + 1 + 8 + 9) / 4 and low.shape == (1, 1, 2, 4)
    rows = downsample(x, 2, along="rows")
    assert rows.shape == (1, 1, 2, 8) and rows[0, 0, 1, 3] == (19 + 27) / 2
    with pytest.raises(ValueError, match="divisible"):
        downsample(torch.zeros(1, 1, 6, 6), 4)


def test_bicubic_is_keys_cubic_convolution_at_the_right_positions():
    g = torch.Generator().manual_seed(0)
    low = torch.rand(1, 1, 8, 8, generator=g)
    up = bicubic(low, 2)
    # output pixel i lies at (i + 0.5) / 2 - 0.5 in input pixels (centres aligned with downsample's blocks);
    # the kernel is separable; borders replicate the edge pixel
    i, j = 7, 6
    u, v = (i + 0.5) / 2 - 0.5, (j + 0.5) / 2 - 0.5
    expected = 0.0
    for r in range(int(np.floor(u)) - 1, int(np.floor(u)) + 3):
        for c in range(int(np.floor(v)) - 1, int(np.floor(v)) + 3):
            expected += _keys(u - r) * _keys(v - c) * float(low[0, 0, min(max(r, 0), 7), min(max(c, 0), 7)])
    assert float(up[0, 0, i, j]) == pytest.approx(expected, abs=1e-5)
    # the kernel's weights sum to 1: a constant image stays constant
    assert torch.allclose(bicubic(torch.full((1, 1, 8, 8), 0.3), 4), torch.full((1, 1, 32, 32), 0.3))
    # along the rows only: the columns are untouched
    rows = bicubic(low, 2, along="rows")
    assert rows.shape == (1, 1, 16, 8)
    expected = sum(_keys(u - r) * float(low[0, 0, min(max(r, 0), 7), j])
                   for r in range(int(np.floor(u)) - 1, int(np.floor(u)) + 3))
    assert float(rows[0, 0, i, j]) == pytest.approx(expected, abs=1e-5)


def test_planes_through_the_slices_round_trip():
    v = torch.rand(2, 1, 4, 5, 6)
    planes = coronal_planes(v)
    assert planes.shape == (10, 1, 4, 6)
    assert torch.equal(planes[5 + 3, 0], v[1, 0, :, 3, :])  # volume 1, row 3: the (z, col) plane
    assert torch.equal(from_coronal_planes(planes, 2), v)
    assert torch.allclose(thick_slices(v, 2)[0, 0, 1], v[0, 0, 2:4].mean(0))


def test_through_plane_cubic_is_cubic_along_z_only():
    v = torch.rand(1, 1, 8, 4, 4)
    thin = through_plane(thick_slices(v, 2), 2)
    assert thin.shape == v.shape
    column = thick_slices(v, 2)[0, 0, :, 1, 2].view(1, 1, 4, 1)
    assert torch.allclose(thin[0, 0, :, 1, 2], bicubic(column, 2, along="rows").flatten(), atol=1e-6)


def test_trainers_record_their_terms_and_start_from_bicubic():
    g = torch.Generator().manual_seed(0)
    high = torch.rand(8, 1, 32, 32, generator=g) * 2 - 1
    torch.manual_seed(0)
    G = UNetGenerator(1, 1, 32, width=4, dropout=False)
    l1 = SuperResolutionTrainer(G, None, high, 2, batch_size=4, seed=0)
    assert set(l1.fit(steps=2, progress=False)) == {"step", "seconds", "loss_g", "l1"}
    gan = SuperResolutionTrainer(G, PatchDiscriminator(1, 4, n_layers=1), high, 2, feature_weight=1.0,
                                 batch_size=4, seed=0)
    history = gan.fit(steps=2, progress=False)
    assert {"loss_d", "l1", "feature", "adversarial"} <= set(history)
    assert history["loss_g"][-1] == pytest.approx(history["l1"][-1] + history["feature"][-1]
                                                  + history["adversarial"][-1], rel=1e-5)
    zero = torch.nn.Conv2d(1, 1, 1)
    torch.nn.init.zeros_(zero.weight), torch.nn.init.zeros_(zero.bias)
    low = downsample(high, 2)
    assert torch.allclose(super_resolve(zero, low, 2), bicubic(low, 2))  # no correction: bicubic


def test_a_through_plane_volume_is_written_with_its_voxel_size_and_read_back(tmp_path):
    v = torch.rand(1, 1, 16, 16, 16)
    thick, thin = thick_slices(v, 2), through_plane(thick_slices(v, 2), 2)
    s = 3.5
    save_nifti(thick[0, 0], tmp_path / "thick.nii.gz", spacing_mm=(2 * s, s, s))
    save_nifti(thin[0, 0], tmp_path / "thin.nii.gz", spacing_mm=(s, s, s))
    for name, volume, zooms in (("thick", thick, (2 * s, s, s)), ("thin", thin, (s, s, s))):
        data, affine = load_nifti(tmp_path / f"{name}.nii.gz")
        assert torch.allclose(data, volume[0, 0])
        assert np.allclose(nib.load(tmp_path / f"{name}.nii.gz").header.get_zooms(), zooms)
        assert np.allclose(nib.affines.voxel_sizes(affine), zooms)
    # a thick slice lies where the two thin slices it averages lie, halfway between them
    _, a_thick = load_nifti(tmp_path / "thick.nii.gz")
    _, a_thin = load_nifti(tmp_path / "thin.nii.gz")
    centre = nib.affines.apply_affine(a_thick, [3, 5, 7])
    pair = (nib.affines.apply_affine(a_thin, [6, 5, 7]) + nib.affines.apply_affine(a_thin, [7, 5, 7])) / 2
    assert np.allclose(centre, pair)
