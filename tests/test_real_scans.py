"""Real scans on the simulator's geometry: resampling keeps the physical geometry, missing data is a clear skip."""
import nibabel as nib
import numpy as np
import pytest

from gancourse.data import real_scans as rs


def _head(shape, spacing, axcodes_flip=False):
    """A synthetic 'head': a bright ellipsoid in air, with a dark cube (a hole) at RAS (30, 40, 20) mm."""
    affine = np.diag(list(spacing) + [1.0])
    affine[:3, 3] = [-(s * n) / 2 for s, n in zip(spacing, shape)]
    i, j, k = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    mm = np.stack([i, j, k], -1) @ affine[:3, :3].T + affine[:3, 3]
    data = (((mm / [80, 100, 70]) ** 2).sum(-1) < 1).astype(np.float32)
    data[(np.abs(mm - [30, 40, 20]) < 10).all(-1)] = 0.0
    if axcodes_flip:  # the same head stored left-right and anterior-posterior flipped (LPS, as ITK writes)
        data = data[::-1, ::-1].copy()
        flip = np.diag([-1.0, -1.0, 1.0, 1.0])
        flip[0, 3], flip[1, 3] = shape[0] - 1, shape[1] - 1
        affine = affine @ flip
    return data, affine


def _hole_centre(images, grid):
    """RAS mm of the dark pixels well inside the ellipse, on the slice nearest z = 20 mm."""
    k = int(np.abs(np.asarray(grid.z) - 20).argmin())
    mm = grid.points()[k]
    interior = ((mm[..., :2] / [80, 100]) ** 2).sum(-1) < 0.7
    dark = interior & (images[k, 0] < 0.5)
    return mm[dark][:, :2].mean(0)


@pytest.mark.parametrize("spacing", [(2.0, 2.0, 2.0), (2.5, 1.5, 3.0)])
def test_resampling_keeps_physical_positions(spacing):
    shape = tuple(int(round(200 / s)) for s in spacing)
    data, affine = _head(shape, spacing)
    images, grid, _ = rs.slices_of_volume(data, affine, size=64, n_slices=36, below_top_mm=(90, 20))
    assert images.shape[1:] == (1, 64, 64) and float(images.max()) == pytest.approx(1.0)
    assert grid.fov_mm == 232.0
    np.testing.assert_allclose(_hole_centre(images.numpy(), grid), [30, 40], atol=3.7)  # within a pixel
    # the head's extent in the middle slice, in mm: 160 left to right (columns), 200 front to back (rows)
    middle = images[int(np.abs(np.asarray(grid.z)).argmin()), 0].numpy() > 0.5
    pixel = grid.fov_mm / grid.size
    assert middle.any(0).sum() * pixel == pytest.approx(160, abs=2 * pixel)
    assert middle.any(1).sum() * pixel == pytest.approx(200, abs=2 * pixel)


def test_stored_orientation_does_not_matter():
    data, affine = _head((100, 100, 100), (2.0, 2.0, 2.0))
    flipped, flipped_affine = _head((100, 100, 100), (2.0, 2.0, 2.0), axcodes_flip=True)
    assert nib.aff2axcodes(flipped_affine) == ("L", "P", "S")
    a, _, _ = rs.slices_of_volume(data, affine, size=32, n_slices=4)
    b, _, _ = rs.slices_of_volume(flipped, flipped_affine, size=32, n_slices=4)
    np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-4)


def test_scan_from_a_file(tmp_path):
    data, affine = _head((100, 100, 100), (2.0, 2.0, 2.0))
    nib.save(nib.Nifti1Image(data, affine), str(tmp_path / rs.SCANS["itk"]["file"]))
    assert rs.available_scans(tmp_path) == ["itk"]
    slices = rs.real_slices("itk", size=32, n_slices=5, folder=tmp_path)
    assert slices.shape == (5, 1, 32, 32) and 0 <= float(slices.min()) and float(slices.max()) <= 1


def test_missing_data_is_a_clear_skip(tmp_path, monkeypatch):
    monkeypatch.setenv(rs.FOLDER_VARIABLE, str(tmp_path / "nowhere"))
    assert rs.available_scans() == []
    message = rs.missing_scans_message()
    assert "make real-data" in message and "colin27" in message
    with pytest.raises(FileNotFoundError, match="make real-data"):
        rs.real_slices("colin27")
    with pytest.raises(ValueError, match="unknown real scan"):
        rs.real_slices("mni")


def test_missing_brain_mask_is_named(tmp_path):
    for scan in rs.SCANS.values():  # every scan present, but not Colin27's brain-extracted volume
        (tmp_path / scan["file"]).write_bytes(b"")
    message = rs.missing_scans_message(tmp_path)
    assert message is not None and rs.COLIN27_BRAIN in message
    (tmp_path / rs.COLIN27_BRAIN).write_bytes(b"")
    assert rs.missing_scans_message(tmp_path) is None


def test_kmeans_tissues_finds_three_levels():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(m, 0.02, 500) for m in (0.2, 0.5, 0.8)])
    labels, means = rs.kmeans_tissues(values)
    np.testing.assert_allclose(means, [0.2, 0.5, 0.8], atol=0.01)
    assert (labels[:500] == 1).all() and (labels[1000:] == 3).all()


def test_subset_distances_redraw_subsets_in_order():
    from gancourse.data.real_scans import subset_distances
    a, b = np.arange(10.0)[:, None], 100 + np.arange(10.0)[:, None]
    gap = lambda x, y: float(y.mean() - x.mean())  # noqa: E731
    values = subset_distances(a, b, gap, 4, 3, np.random.default_rng(0))
    rng = np.random.default_rng(0)  # the same draws by hand: rows of a, then of b, per value
    expected = []
    for _ in range(3):
        i, j = rng.choice(10, 4, replace=False), rng.choice(10, 4, replace=False)
        expected.append(b[j].mean() - a[i].mean())
    np.testing.assert_allclose(values, expected)
    assert values.shape == (3,) and (values > 90).all()
    with pytest.raises(ValueError, match="larger than a set"):
        subset_distances(a, b[:3], gap, 4, 2, np.random.default_rng(0))


def test_tissue_table_by_hand():
    from gancourse.data.real_scans import tissue_table
    values, labels = np.array([1.0, 3.0, 4.0, 4.0, 8.0, 8.0]), np.array([1, 2, 2, 2, 3, 3])
    rows = tissue_table({"a": (values, labels)})
    assert rows["CSF"] == {"a mean / WM": 1 / 8, "a share": 1 / 6}
    assert rows["grey matter"]["a mean / WM"] == pytest.approx((11 / 3) / 8)
    assert list(rows["white matter"]) == ["a mean / WM", "a share"]
    with pytest.raises(ValueError, match="reference"):
        tissue_table({"b": (values, np.ones(6, int))})
