"""NIfTI files the right way round: the affine of the book's arrays, writing it, and reading any orientation back.

The book's arrays are ``(z, row, col)`` = (inferior to superior, anterior to posterior, the subject's left to
right), nibabel codes ``("S", "P", "R")``. MNI152 2009a *sym* is exactly left-right symmetric, so no test on
the real template can see a left-right mirror: the chain template file -> stack -> simulator -> file is also
checked on a small, deliberately asymmetric template.
"""
from __future__ import annotations

import warnings

import nibabel as nib
import numpy as np
import pytest
import torch
from nibabel import orientations
from scipy import ndimage

from gancourse.data import BrainSimulator, LABELS, load_nifti, save_nifti
from gancourse.data import brain, template
from gancourse.data.nifti import to_array_order


def _world(affine, index):
    """mm (RAS+) of voxel indices ``index`` (..., 3)."""
    return nib.affines.apply_affine(affine, np.asarray(index, dtype=float))


# ---------------------------------------------------------------------------------------------- the affine
def test_the_stack_affine_is_the_padded_and_reordered_file_affine():
    stack = template.load_template()["stack"].numpy()
    affine = template.stack_affine()
    assert nib.aff2axcodes(affine) == template.ARRAY_AXES == ("S", "P", "R")
    # derived from nilearn's file: x = col - 122, y = 110 - row, z = z - 88 (1 mm voxels)
    assert np.allclose(affine, [[0, 0, 1, -122], [0, -1, 0, 110], [1, 0, 0, -88], [0, 0, 0, 1]])
    # every voxel of the stack's T1 channel is the file's voxel at the same MNI position
    from nilearn import datasets

    mni = nib.as_closest_canonical(datasets.load_mni152_template(resolution=1))
    t1 = mni.get_fdata(dtype=np.float32)
    z, row, col = np.meshgrid(*(np.arange(0, n, 7) for n in (stack.shape[0], stack.shape[2], stack.shape[3])),
                              indexing="ij")
    index = np.stack([z, row, col], -1).reshape(-1, 3)
    ijk = np.rint(_world(np.linalg.inv(mni.affine), _world(affine, index))).astype(int)
    inside = ((ijk >= 0) & (ijk < t1.shape)).all(axis=1)
    assert inside.sum() > 5000 and (~inside).sum() > 1000  # the padding is outside the file
    assert np.array_equal(stack[index[inside, 0], 0, index[inside, 1], index[inside, 2]], t1[tuple(ijk[inside].T)])
    assert not stack[index[~inside, 0], 0, index[~inside, 1], index[~inside, 2]].any()  # padded with zeros


def test_grid_affine_geometry():
    volume = template.grid_affine((64, 64, 64), 232 / 64)
    assert nib.aff2axcodes(volume) == ("S", "P", "R")
    assert np.allclose(nib.affines.voxel_sizes(volume), 232 / 64)
    centre = template.volume_center_mm()
    mni_centre = _world(template.stack_affine(), centre[::-1] - 0.5)  # mm from the corner -> voxel -> MNI
    assert np.allclose(_world(volume, [31.5] * 3), mni_centre)
    assert np.allclose(mni_centre, [0, -17, 14.5])  # the head's centre in MNI152 space, whatever size and fov
    assert np.allclose(_world(template.grid_affine((16,) * 3, 5.0), [7.5] * 3), mni_centre)
    flat = template.grid_affine((64, 64), 2.0)
    assert nib.aff2axcodes(flat) == ("P", "R", "S")
    assert np.allclose(flat[:3, :2], volume[:3, 1:3] / (232 / 64) * 2.0)  # rows and columns as in the volume
    with pytest.raises(ValueError, match="shape"):
        template.grid_affine((4, 4, 4, 4), 1.0)
    with pytest.raises(ValueError, match="center_mm"):
        template.grid_affine((4, 4, 4), 1.0, center_mm=(1.0, 2.0))


def test_simulated_volumes_lie_where_grid_affine_says():
    """With no deformation a volume is the template resampled at exactly the affine's voxel centres."""
    size, fov = 40, 80.0  # 2 mm voxels: the simulator samples the 1 mm stack itself
    volume = BrainSimulator(size, seed=0, deformation=0.0, fov_mm=fov).volumes(1)
    stack = template.load_template()["stack"].numpy()
    to_stack = np.linalg.inv(template.stack_affine()) @ template.grid_affine((size,) * 3, fov / size)
    index = np.stack(np.meshgrid(*(np.arange(size),) * 3, indexing="ij"), -1).reshape(-1, 3)
    where = _world(to_stack, index).T
    for channel, tissue in ((1, 2), (2, 3)):  # grey and white matter
        expected = ndimage.map_coordinates(stack[:, channel], where, order=1, mode="nearest").reshape((size,) * 3)
        assert np.abs(volume.tissue[0, tissue].numpy() - expected).max() < 1e-4


@pytest.fixture
def asymmetric_template(tmp_path, monkeypatch):
    """A small stand-in for nilearn's template, stored LPS on disk, whose grey matter grows from left to right
    and from posterior to anterior; the simulator is built on it."""
    shape, origin = (60, 70, 56), np.array([-28.0, -40.0, -20.0])
    ras = np.diag([1.0, 1.0, 1.0, 1.0])
    ras[:3, 3] = origin
    x, y, z = np.meshgrid(*(np.arange(n) + o for n, o in zip(shape, origin)), indexing="ij")
    mask = (((x - 1) / 24) ** 2 + ((y + 5) / 30) ** 2 + ((z - 6) / 22) ** 2 < 1).astype(np.float32)
    gm = mask * (0.3 + 0.3 * (x + 28) / 60 + 0.1 * (y + 40) / 70)
    maps = {"t1": mask * 0.8, "gm": gm, "wm": mask - gm, "mask": mask}

    def loader(name):
        def load(resolution=None):
            lps = orientations.axcodes2ornt(("L", "P", "S"))
            data = orientations.apply_orientation(maps[name], lps)  # stored LPS, as ITK would
            return nib.Nifti1Image(np.ascontiguousarray(data), ras @ orientations.inv_ornt_aff(lps, shape))
        return load

    for attribute, name in (("load_mni152_template", "t1"), ("load_mni152_gm_template", "gm"),
                            ("load_mni152_wm_template", "wm"), ("load_mni152_brain_mask", "mask")):
        monkeypatch.setattr(f"nilearn.datasets.{attribute}", loader(name))
    monkeypatch.setenv("GANCOURSE_CACHE", str(tmp_path / "cache"))
    caches = (template.load_template, brain._volume_base, brain._slab)
    for cache in caches:
        cache.cache_clear()
    try:
        yield {"gm": gm, "affine": ras, "mask": mask}
    finally:
        for cache in caches:
            cache.cache_clear()


def test_left_and_right_survive_the_whole_chain(asymmetric_template, tmp_path):
    """template file (LPS on disk) -> stack -> simulated volume -> saved file: each voxel lands at its MNI place."""
    affine = template.stack_affine()
    assert nib.aff2axcodes(affine) == ("S", "P", "R")
    size, fov = 32, 64.0
    volume = BrainSimulator(size, seed=0, deformation=0.0, fov_mm=fov).volumes(1)
    path = save_nifti(volume.tissue[0, 2], tmp_path / "gm.nii.gz", (fov / size,) * 3)
    saved = nib.load(path)
    # where the saved file says each voxel is, the stand-in template has the same grey matter
    gm, inv = asymmetric_template["gm"], np.linalg.inv(asymmetric_template["affine"])
    index = np.stack(np.meshgrid(*(np.arange(size),) * 3, indexing="ij"), -1).reshape(-1, 3)
    where = _world(inv @ saved.affine, index)
    interior = ndimage.binary_erosion(asymmetric_template["mask"] > 0, iterations=3)
    deep = ndimage.map_coordinates(interior.astype(float), where.T, order=0) > 0
    expected = ndimage.map_coordinates(gm, where.T, order=1)
    assert deep.sum() > 500
    assert np.abs(saved.get_fdata().reshape(-1)[deep] - expected[deep]).max() < 1e-3
    # and the subject's right is at high columns, anterior at low rows, superior at high z
    data = saved.get_fdata()
    right, left = data[16, 16, 20:24].mean(), data[16, 16, 8:12].mean()
    front, back = data[16, 8:12, 16].mean(), data[16, 20:24, 16].mean()
    assert right > left + 0.05 and front > back + 0.01


# ---------------------------------------------------------------------------------------------- the template
@pytest.fixture(scope="module")
def mni():
    from nilearn import datasets
    return datasets.load_mni152_template(resolution=1)


@pytest.mark.parametrize("deformation, floor", [(0.0, 0.85), (1.0, 0.3)])
def test_a_saved_head_overlays_the_mni_template(tmp_path, mni, deformation, floor):
    """Resampled onto the template's own grid by nilearn, a saved head matches the template; the diagonal
    affine that save_nifti wrote before (the array's axes taken for x, y, z) does not."""
    from nilearn.image import resample_to_img

    size = 48
    sim = BrainSimulator(size, seed=0, deformation=deformation)
    head = sim.volumes(1).t1[0, 0]
    spacing = sim.fov_mm / size
    reference = mni.get_fdata()
    brain_voxels = reference > 0.05

    def correlation(path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nilearn's notes on resampling
            moved = resample_to_img(str(path), mni, interpolation="linear", force_resample=True,
                                    copy_header=True).get_fdata()
        return np.corrcoef(moved[brain_voxels], reference[brain_voxels])[0, 1]

    right = save_nifti(head, tmp_path / "head.nii.gz", (spacing,) * 3)
    assert nib.aff2axcodes(nib.load(right).affine) == ("S", "P", "R")
    old = save_nifti(head, tmp_path / "old.nii.gz", affine=np.diag([spacing] * 3 + [1.0]))
    assert correlation(right) > floor
    assert correlation(old) < 0.2


# ---------------------------------------------------------------------------------------------- files
def test_header_of_a_saved_volume(tmp_path):
    path = save_nifti(torch.rand(8, 9, 10), tmp_path / "v.nii.gz", (2.0, 3.0, 4.0))
    header = nib.load(path).header
    assert int(header["sform_code"]) == int(header["qform_code"]) == 2  # aligned
    assert header.get_xyzt_units()[0] == "mm"
    assert np.allclose(header.get_best_affine(), header.get_qform())
    assert np.allclose(nib.affines.voxel_sizes(header.get_best_affine()), [2.0, 3.0, 4.0])
    assert nib.aff2axcodes(header.get_best_affine()) == ("S", "P", "R")


def test_round_trips_are_exact(tmp_path):
    sim = BrainSimulator(32, seed=1, lesion_prob=1.0)
    heads = sim.volumes(1)
    spacing = (sim.fov_mm / 32,) * 3
    for name, image in (("t1", heads.t1[0, 0]), ("labels", heads.labels[0]), ("mask", heads.lesion_mask[0, 0] > 0)):
        path = save_nifti(image, tmp_path / f"{name}.nii.gz", spacing)
        loaded, affine = load_nifti(path)
        assert loaded.dtype == torch.float32 and torch.equal(loaded, image.float()), name
        assert np.allclose(affine, template.grid_affine((32,) * 3, spacing[0]), atol=1e-4)
        again = save_nifti(loaded, tmp_path / f"{name}_again.nii", affine=affine)
        reloaded, reaffine = load_nifti(again)
        assert torch.equal(reloaded, loaded) and np.array_equal(reaffine, affine)
    assert nib.load(tmp_path / "labels.nii.gz").get_data_dtype() == np.uint8  # a label map stays integer
    assert set(np.unique(nib.load(tmp_path / "labels.nii.gz").dataobj)) <= set(LABELS.values())
    assert not list(tmp_path.glob(".*part*"))  # no temporary file left behind


def test_slices_round_trip_and_are_axial(tmp_path):
    slice_ = BrainSimulator(32, seed=0).sample(1).t1[0]  # (1, 32, 32): leading size-1 axis allowed
    path = save_nifti(slice_[0], tmp_path / "slice.nii", (2.0, 2.0))
    image = nib.load(path)
    assert image.shape == (32, 32) and nib.aff2axcodes(image.affine) == ("P", "R", "S")
    loaded, affine = load_nifti(path)
    assert torch.equal(loaded, slice_[0]) and np.allclose(affine, image.affine)
    # the same slice written by a RAS tool as (x, y): rows and columns come back the book's way
    nib.save(nib.Nifti1Image(slice_[0].numpy().T[:, ::-1].copy(), image.affine[:, [1, 0, 2, 3]] @ _flip(1, 32)),
             tmp_path / "ras.nii")
    ras, ras_affine = load_nifti(tmp_path / "ras.nii")
    assert torch.equal(ras, slice_[0]) and np.allclose(ras_affine, image.affine, atol=1e-5)


def _flip(axis, size):
    flip = np.eye(4)
    flip[axis, axis], flip[axis, 3] = -1.0, size - 1.0
    return flip


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
@pytest.mark.parametrize("codes", [("R", "A", "S"), ("L", "P", "S"), ("L", "A", "I"), ("R", "P", "I")])
def test_files_in_any_orientation_load_the_same_way_round(tmp_path, codes, order):
    """A volume stored RAS (nilearn, FSL), LPS (ITK, DICOM) or any other axis order and flip loads identically."""
    volume = torch.rand(6, 7, 8, generator=torch.Generator().manual_seed(0))
    book = template.grid_affine(volume.shape, (2.0, 2.5, 3.0))
    codes = tuple(codes[i] for i in order)
    transform = orientations.ornt_transform(orientations.axcodes2ornt(template.ARRAY_AXES),
                                            orientations.axcodes2ornt(codes))
    stored = orientations.apply_orientation(volume.numpy(), transform)
    affine = book @ orientations.inv_ornt_aff(transform, volume.shape)
    image = nib.Nifti1Image(np.ascontiguousarray(stored), affine)
    if codes == ("L", "P", "S"):  # as ITK writes: qform only
        image.set_sform(None, code=0)
        image.set_qform(affine, code=1)
    nib.save(image, tmp_path / "other.nii.gz")
    assert nib.aff2axcodes(nib.load(tmp_path / "other.nii.gz").affine) == codes
    loaded, loaded_affine = load_nifti(tmp_path / "other.nii.gz")
    assert torch.equal(loaded, volume)
    assert np.allclose(loaded_affine, book, atol=1e-5)


def test_an_oblique_file_keeps_its_tilt_in_the_affine(tmp_path):
    angle = np.deg2rad(10)
    rotation = np.eye(4)
    rotation[:2, :2] = [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]
    ras = rotation @ np.diag([1.5, 1.5, 2.0, 1.0])
    data = np.random.default_rng(0).random((5, 6, 7)).astype(np.float32)
    nib.save(nib.Nifti1Image(data, ras), tmp_path / "oblique.nii")
    loaded, affine = load_nifti(tmp_path / "oblique.nii")
    assert loaded.shape == (7, 6, 5) and nib.aff2axcodes(affine) == ("S", "P", "R")
    assert np.allclose(_world(affine, [3, 2, 1]), _world(ras, [1, 6 - 1 - 2, 3]), atol=1e-4)
    assert loaded[3, 2, 1] == data[1, 3, 3]
    assert np.allclose(to_array_order(data, ras)[1], affine)


# ---------------------------------------------------------------------------------------------- bad input
def test_bad_inputs_are_explained(tmp_path):
    volume = torch.rand(4, 4, 4)
    with pytest.raises(ValueError, match="2-D or 3-D.*shape \\(2, 3, 4, 5\\)"):
        save_nifti(torch.zeros(2, 3, 4, 5), tmp_path / "x.nii")
    with pytest.raises(ValueError, match="empty"):
        save_nifti(torch.zeros(0, 4, 4), tmp_path / "x.nii")
    with pytest.raises(ValueError, match="1 NaN"):
        save_nifti(torch.tensor([[0.0, float("nan")], [1.0, 2.0]]), tmp_path / "x.nii")
    with pytest.raises(ValueError, match="infinite"):
        save_nifti(np.full((3, 3, 3), np.inf), tmp_path / "x.nii")
    with pytest.raises(ValueError, match="2\\*\\*24|16777216"):
        save_nifti(torch.full((3, 3, 3), 2 ** 30, dtype=torch.long), tmp_path / "x.nii")
    with pytest.raises(ValueError, match="affine must be a 4 x 4"):
        save_nifti(volume, tmp_path / "x.nii", affine=np.eye(3))
    with pytest.raises(ValueError, match="affine is singular"):
        save_nifti(volume, tmp_path / "x.nii", affine=np.diag([1.0, 0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="affine contains NaN"):
        save_nifti(volume, tmp_path / "x.nii", affine=np.diag([1.0, np.nan, 1.0, 1.0]))
    with pytest.raises(ValueError, match="last row"):
        save_nifti(volume, tmp_path / "x.nii", affine=np.ones((4, 4)))
    with pytest.raises(TypeError, match="affine"):
        save_nifti(volume, tmp_path / "x.nii", affine="ras")
    with pytest.raises(ValueError, match="spacing_mm .* disagrees"):
        save_nifti(volume, tmp_path / "x.nii", (2.0, 2.0, 2.0), affine=np.eye(4))
    assert not (tmp_path / "x.nii").exists()  # nothing was written by a refused call
    save_nifti(volume, tmp_path / "x.nii", (2.0, 2.0, 2.0), affine=np.diag([2.0, 2.0, 2.0, 1.0]))  # agreeing


def test_paths_that_must_not_be_overwritten(tmp_path):
    first = save_nifti(torch.zeros(4, 4, 4), tmp_path / "a.nii.gz")
    before = first.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=False"):
        save_nifti(torch.ones(4, 4, 4), first, overwrite=False)
    assert first.read_bytes() == before
    save_nifti(torch.ones(4, 4, 4), first)  # replacing is the default (re-running a notebook)
    assert torch.equal(load_nifti(first)[0], torch.ones(4, 4, 4))
    (tmp_path / "folder.nii").mkdir()
    with pytest.raises(IsADirectoryError, match="folder"):
        save_nifti(torch.zeros(4, 4, 4), tmp_path / "folder.nii")
    (tmp_path / "notes").write_text("keep me")
    with pytest.raises(NotADirectoryError, match="notes"):
        save_nifti(torch.zeros(4, 4, 4), tmp_path / "notes" / "a.nii")
    assert (tmp_path / "notes").read_text() == "keep me"
    with pytest.raises(TypeError, match="overwrite"):
        save_nifti(torch.zeros(4, 4, 4), tmp_path / "b.nii", overwrite="yes")
    header = nib.Nifti1Header()
    header.set_data_shape((3, 3, 3))
    header.set_sform(np.eye(4), code="aligned")
    header["srow_y"] = [0.0, 0.0, 0.0, 0.0]  # the sform's second row lost: the y axis has no direction
    nib.save(nib.Nifti1Image(np.zeros((3, 3, 3), np.float32), None, header=header), tmp_path / "broken.nii")
    with pytest.raises(ValueError, match="unusable affine"):
        load_nifti(tmp_path / "broken.nii")
