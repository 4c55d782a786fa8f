"""Public data sets end to end, without the network: tiny files in IXI's and MedMNIST's real formats, served
by an HTTP server on the loopback address, fetched (with resume and checksums), prepared, and read as the
chapters read them (GANCOURSE_DATA)."""
import gzip
import hashlib
import io
import sys
import tarfile
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data_scripts"))
import fetch as fetch_script  # noqa: E402
from download import RESUMES, extract  # noqa: E402
from loopback import LoopbackServer  # noqa: E402

from gancourse.data import chosen_data  # noqa: E402
from gancourse.data.axial import axial_slices, head_grid  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*some are repeated")  # tiny splits, asked on purpose
SPHERE_MM = np.array([20.0, -15.0, 30.0])  # a bright ball in the head, at these RAS mm
DROP = 4_000  # bytes a dropped response sends before hanging up (the tiny archives hold about 30 kB)
SUBJECTS = [f"IXI{k:03d}-{site}-{1000 + k:04d}" for k, site in zip(range(2, 12), ["Guys", "HH", "IOP"] * 4)]


def _phantom(points_mm, subject):
    """A head (ellipsoid, value 100) with a ball of 300 at SPHERE_MM, shifted a little per subject."""
    shift = np.array([subject % 3, -(subject % 2), 0.0]) * 4
    p = points_mm - shift
    head = ((p / np.array([70.0, 85.0, 75.0])) ** 2).sum(-1) < 1
    ball = ((p - SPHERE_MM) ** 2).sum(-1) < 12.0 ** 2
    return 100.0 * head + 200.0 * ball


def _volume(affine, shape, subject):
    index = np.stack(np.meshgrid(*[np.arange(s) for s in shape], indexing="ij"), -1).astype(float)
    return _phantom(index @ affine[:3, :3].T + affine[:3, 3], subject).astype(np.float32)


# T1 stored sagittal-first (array axes A, S, R... as a scanner may), T2 axial with other voxels and origin
T1_AFFINE = np.array([[0, 0, 5.0, -95], [4.0, 0, 0, -110], [0, 5.0, 0, -90], [0, 0, 0, 1]])
T2_AFFINE = np.array([[-4.5, 0, 0, 100], [0, 4.5, 0, -105], [0, 0, 6.0, -85], [0, 0, 0, 1]])


def _tar(modality, affine, shape, subjects=SUBJECTS):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for k, subject in enumerate(subjects):
            image = nib.Nifti1Image(_volume(affine, shape, k), affine)
            data = image.to_bytes()
            compressed = io.BytesIO()
            with gzip.GzipFile(fileobj=compressed, mode="wb", mtime=0) as gz:
                gz.write(data)
            info = tarfile.TarInfo(f"{subject}-{modality}.nii.gz")
            info.size = len(compressed.getvalue())
            tar.addfile(info, io.BytesIO(compressed.getvalue()))
    return out.getvalue()


@pytest.fixture(scope="module")
def ixi_tars():
    return {"T1": _tar("T1", T1_AFFINE, (55, 40, 40)), "T2": _tar("T2", T2_AFFINE, (44, 50, 30))}


def _medmnist(n=(12, 4, 6), size=28, classes=3):
    rng = np.random.default_rng(0)
    arrays = {}
    for split, count in zip(("train", "val", "test"), n):
        labels = np.arange(count) % classes
        images = (rng.uniform(0, 60, (count, size, size)) + 60 * labels[:, None, None]).astype(np.uint8)
        arrays[f"{split}_images"], arrays[f"{split}_labels"] = images, labels[:, None].astype(np.uint8)
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


@pytest.fixture
def server():
    with LoopbackServer(drop_after=DROP) as server:
        yield server


@pytest.fixture(scope="module")
def prepared_ixi(tmp_path_factory, ixi_tars):
    """IXI fetched and prepared once at 32 pixels (used by several tests)."""
    dest = tmp_path_factory.mktemp("ixi")
    raw = dest / "raw"
    for modality, data in ixi_tars.items():
        (dest / f"{modality}.tar").write_bytes(data)
        extract(dest / f"{modality}.tar", raw / modality.lower())
    fetch_script.prepare_ixi(raw, ["t1", "t2"], 32, dest)
    return dest


def test_ixi_download_resumes_checks_md5_and_prepares(server, tmp_path, ixi_tars, monkeypatch):
    server.files = {f"/IXI-{m}.tar": data for m, data in ixi_tars.items()}
    pinned = {m.lower(): hashlib.md5(d).hexdigest() for m, d in ixi_tars.items()}
    monkeypatch.setitem(fetch_script.IXI, "md5", pinned)
    server.drops = RESUMES + 1  # the first archive keeps dropping: the call gives up, keeping what arrived
    with pytest.raises(ConnectionError, match="run the same command again"):
        fetch_script.fetch_ixi(tmp_path, ("t1", "t2"), 32, base_url=str(server))
    arrived = (tmp_path / "downloads" / "IXI-T1.tar.part").stat().st_size
    assert arrived == DROP * (RESUMES + 1)
    server.served.clear()
    path = fetch_script.fetch_ixi(tmp_path, ("t1", "t2"), 32, base_url=str(server))  # the same command again
    assert server.served[0] == ("/IXI-T1.tar", f"bytes={arrived}-")  # resumed, not restarted
    with np.load(path) as data:
        assert data["t1"].shape == data["t2"].shape == (10 * fetch_script._n_slices(32), 32, 32)
        assert list(data["subjects"]) == sorted(SUBJECTS)


def test_checksum_mismatch_is_refused(server, tmp_path, ixi_tars):
    server.files = {"/IXI-T1.tar": ixi_tars["T1"][:-512] + b"\0" * 512}  # not the pinned file
    with pytest.raises(ValueError, match="MD5"):
        fetch_script.fetch_ixi(tmp_path, ("t1",), 32, base_url=str(server))
    assert not list((tmp_path / "downloads").iterdir())  # nothing kept, nothing extracted
    assert not (tmp_path / "raw").exists()


def test_unpinned_archive_is_checked_for_integrity_and_names(tmp_path, ixi_tars):
    truncated = tmp_path / "IXI-T1.tar"
    truncated.write_bytes(ixi_tars["T1"][: len(ixi_tars["T1"]) // 2])
    with pytest.raises(ValueError, match="not a complete tar"):
        fetch_script.check_ixi_archive(truncated, "t1")
    other = tmp_path / "other.tar"
    other.write_bytes(_tar("T2", T2_AFFINE, (8, 8, 8), subjects=["IXI002-Guys-0828"]))
    with pytest.raises(ValueError, match="not IXI's archive"):
        fetch_script.check_ixi_archive(other, "t1")  # a T2 archive where T1 was expected
    assert fetch_script.check_ixi_archive(other, "t2") == 1


def _ball_centre(image):
    ys, xs = np.nonzero(image > 0.6 * image.max())
    return np.array([ys.mean(), xs.mean()])


def test_t2_is_resampled_into_the_t1_grid_by_the_affines(prepared_ixi):
    with np.load(prepared_ixi / "ixi_32.npz") as data:
        t1, t2, subject = data["t1"].astype(np.float32), data["t2"].astype(np.float32), data["subject"]
    assert 0 <= t1.min() and t1.max() <= 1 and 0 <= t2.min() and t2.max() <= 1
    first = t1[subject == 0]
    k = int(np.argmax([(s > 0.9).sum() for s in first]))  # the slice through the ball's middle
    # stored differently (sagittal 4-5 mm, axial 4.5-6 mm, other origins), sampled at the same mm
    assert np.abs(_ball_centre(first[k]) - _ball_centre(t2[subject == 0][k])).max() < 1.0
    # and where the headers put it: the grid is the T1 head's, SPHERE_MM is RAS (rows run to posterior)
    t1_volume = _volume(T1_AFFINE, (55, 40, 40), 0)
    grid = head_grid(t1_volume, T1_AFFINE, 32, fetch_script._n_slices(32))
    pixel = grid.fov_mm / 32
    expected = [(grid.y0 - SPHERE_MM[1]) / pixel - 0.5, (SPHERE_MM[0] - grid.x0) / pixel - 0.5]
    assert np.abs(_ball_centre(first[k]) - expected).max() < 1.0
    assert abs(grid.z[k] - SPHERE_MM[2]) <= 12  # that slice cuts the ball (radius 12 mm)


def test_axial_slices_match_nibabel_resampling_on_a_whole_grid():
    """Against an independent reference: nibabel's resample_from_to onto the same axial grid."""
    from nibabel.processing import resample_from_to
    volume = _volume(T1_AFFINE, (55, 40, 40), 1)
    grid = head_grid(volume, T1_AFFINE, 16, 4)
    s = grid.fov_mm / 16
    # the grid as a NIfTI space: voxel (i=col, j=row, k) -> mm; rows run to posterior
    target = np.array([[s, 0, 0, grid.x0 + s / 2], [0, -s, 0, grid.y0 - s / 2],
                       [0, 0, grid.z[1] - grid.z[0], grid.z[0]], [0, 0, 0, 1]])
    reference = resample_from_to(nib.Nifti1Image(volume, T1_AFFINE), ((16, 16, 4), target), order=1, cval=0)
    ours = axial_slices(volume, T1_AFFINE, grid, smooth=False)
    np.testing.assert_allclose(ours, np.asarray(reference.dataobj).transpose(2, 1, 0), atol=1e-3)


def test_the_chapters_read_prepared_ixi_through_the_switch(prepared_ixi, monkeypatch):
    monkeypatch.setenv("GANCOURSE_DATA", "ixi")
    monkeypatch.setenv("GANCOURSE_DATA_DIR", str(prepared_ixi))
    data = chosen_data()
    assert not data.simulated and "IXI" in str(data) and str(prepared_ixi) in str(data)
    train = data.slices(32, 50, "train")
    test = data.slices(32, 12, "test")
    assert train.images.shape == (50, 1, 32, 32) and train.t2.shape == (50, 1, 32, 32)
    assert train.images.dtype == torch.float32 and torch.equal(train.images, train.t1)
    assert set(train.subject.tolist()) <= set(range(8)) and set(test.subject.tolist()) == {9}  # by subject
    # two draws from one split with an offset are disjoint; a smaller size is resized from the prepared one
    a, b = data.slices(32, 40, "train"), data.slices(32, 40, "train", offset=40)
    assert not set(a.row.tolist()) & set(b.row.tolist()) and len(set(a.row.tolist())) == 40
    with np.load(prepared_ixi / "ixi_32.npz") as prepared:  # the rows hold what the file holds there
        np.testing.assert_array_equal(a.t2[:, 0].numpy(), prepared["t2"][a.row.numpy()].astype(np.float32))
    assert data.slices(16, 3, "val").images.shape == (3, 1, 16, 16)
    with pytest.warns(UserWarning, match="repeated"):
        data.slices(32, 20, "test")  # 12 slices of one subject: some are repeated
    with pytest.raises(ValueError, match="no class labels"):
        data.labelled(32, 4)


def test_medmnist_fetch_checks_md5_and_reads_labels(server, tmp_path, monkeypatch):
    payload = _medmnist()
    server.files = {"/pneumoniamnist.npz": payload}
    entry = fetch_script.MEDMNIST["subsets"]["pneumoniamnist"]["files"]["28"]
    monkeypatch.setitem(entry, "md5", hashlib.md5(b"something else").hexdigest())
    with pytest.raises(ValueError, match="MD5"):
        fetch_script.fetch_medmnist(tmp_path, "pneumoniamnist", 28, base_url=str(server))
    assert not list(tmp_path.iterdir())
    monkeypatch.setitem(entry, "md5", hashlib.md5(payload).hexdigest())
    fetch_script.fetch_medmnist(tmp_path, "pneumoniamnist", 28, base_url=str(server))
    data = chosen_data("medmnist:pneumoniamnist", tmp_path)
    assert data.classes == ("normal", "pneumonia") and "CC BY 4.0" in str(data)
    batch = data.labelled(32, 6, "test")  # resized from 28 to 32
    assert batch.images.shape == (6, 1, 32, 32) and 0 <= batch.images.min() and batch.images.max() <= 1
    brightness = batch.images.mean((1, 2, 3)) * 255  # class k is 60 k brighter in the tiny file
    assert torch.equal(batch.has_lesion, ((brightness - 30) / 60).round().long())
    assert sorted(batch.has_lesion.tolist()) == [0, 0, 1, 1, 2, 2]  # all six test rows, once each


def test_missing_files_name_the_folder_and_the_command(tmp_path, monkeypatch):
    monkeypatch.setenv("GANCOURSE_DATA", "ixi")
    monkeypatch.delenv("GANCOURSE_DATA_DIR", raising=False)
    with pytest.raises(ValueError, match="needs GANCOURSE_DATA_DIR"):
        chosen_data()
    monkeypatch.setenv("GANCOURSE_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="fetch.py ixi --modalities t1 t2"):
        chosen_data()
    monkeypatch.setenv("GANCOURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=f"ixi_32.npz.*{tmp_path}.*\n.*fetch.py ixi"):
        chosen_data().slices(32, 4)
    with pytest.raises(FileNotFoundError, match="fetch.py medmnist --subset organamnist --size 64"):
        chosen_data("medmnist:organamnist", tmp_path).slices(64, 4)
    for wrong in ("brats", "medmnist", "ixi:t1"):
        with pytest.raises(ValueError, match="'simulator' \\(the default\\), 'ixi' or 'medmnist:<subset>'"):
            chosen_data(wrong, tmp_path)
    monkeypatch.setenv("GANCOURSE_DATA", "")
    assert chosen_data().simulated and chosen_data("Simulator").simulated


def _run_until_data_cell(notebook, monkeypatch, **environment):
    """Run a chapter's code cells (smoke profile) up to and including its data cell; return its variables."""
    import jupytext
    import matplotlib
    matplotlib.use("Agg")
    monkeypatch.setenv("GANCOURSE_PROFILE", "smoke")
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value))
    namespace = {}
    for cell in jupytext.read(Path(__file__).resolve().parents[1] / "notebooks" / f"{notebook}.py").cells:
        if cell.cell_type == "code":
            source = "\n".join(line.split("%")[0] + "pass" if line.lstrip().startswith("%") else line
                               for line in cell.source.splitlines())  # the setup cell's %pip
            exec(compile(source, f"{notebook} cell", "exec"), namespace)
            if "chosen_data()" in cell.source:
                return namespace
    raise AssertionError(f"{notebook} has no cell that calls chosen_data()")


@pytest.fixture(scope="module")
def prepared_medmnist(tmp_path_factory):
    dest = tmp_path_factory.mktemp("medmnist")
    (dest / "pneumoniamnist.npz").write_bytes(_medmnist(n=(80, 10, 40), classes=2))
    return dest


def test_chapter_data_cells_read_the_public_sets(prepared_ixi, prepared_medmnist, monkeypatch):
    with np.load(prepared_ixi / "ixi_32.npz") as prepared:
        t1, t2 = prepared["t1"].astype(np.float32), prepared["t2"].astype(np.float32)
    cell = _run_until_data_cell("3_2_dcgan", monkeypatch, GANCOURSE_DATA="ixi", GANCOURSE_DATA_DIR=prepared_ixi)
    assert cell["train_images"].shape == (cell["n_train"], 1, 32, 32)
    rows = cell["data"].slices(32, cell["n_eval"], "test").row.numpy()  # the held-out rows the cell read
    np.testing.assert_allclose(cell["held_out"][:, 0].numpy(), 2 * t1[rows] - 1, atol=1e-6)

    cell = _run_until_data_cell("3_3_pix2pix", monkeypatch, GANCOURSE_DATA="ixi", GANCOURSE_DATA_DIR=prepared_ixi)
    rows = cell["eval_batch"].row.numpy()  # condition: T1; target: T2 of the same slices
    np.testing.assert_allclose(cell["eval_condition"][:, 0].numpy(), 2 * t1[rows] - 1, atol=1e-6)
    np.testing.assert_allclose(cell["eval_target"][:, 0].numpy(), 2 * t2[rows] - 1, atol=1e-6)

    cell = _run_until_data_cell("3_6_acgan", monkeypatch, GANCOURSE_DATA="medmnist:pneumoniamnist",
                                GANCOURSE_DATA_DIR=prepared_medmnist)
    brightness = (cell["x_train"] + 1) / 2 * 255  # class k is 60 k brighter in the tiny file
    assert torch.equal(cell["y_train"], ((brightness.mean((1, 2, 3)) - 30) / 60).round().long())
    assert cell["x_train"].shape == (cell["n_labelled"], 1, 32, 32) and len(cell["CLASSES"]) == 2

    with pytest.raises(ValueError, match="has 3 classes.*compares 2"):
        (prepared_medmnist / "organamnist.npz").write_bytes(_medmnist(n=(12, 3, 6), classes=3))
        _run_until_data_cell("3_6_acgan", monkeypatch, GANCOURSE_DATA="medmnist:organamnist",
                             GANCOURSE_DATA_DIR=prepared_medmnist)


def test_msd_brain_tumours_fetch_and_prepare_with_masks(server, tmp_path, monkeypatch):
    """The Decathlon's layout (4-D images of FLAIR, T1, T1gd, T2; labels 0-3; macOS '._' files in the tar)."""
    affine = np.diag([4.0, 4.0, 4.0, 1.0])
    affine[:3, 3] = [-96, -112, -60]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name in ("BRATS_001", "BRATS_002"):
            volume = _volume(affine, (48, 56, 40), 0)
            image = np.stack([volume * (c + 1) for c in range(4)], axis=-1)  # contrast c: (c + 1) x
            label = np.where(volume > 250, 2, 0).astype(np.uint8)  # the ball is the "tumour"
            for folder, data in (("imagesTr", image), ("labelsTr", label), ("imagesTr", b"junk")):
                payload = data if isinstance(data, bytes) else gzip.compress(
                    nib.Nifti1Image(data, affine).to_bytes(), mtime=0)
                prefix = "._" if isinstance(data, bytes) else ""
                info = tarfile.TarInfo(f"Task01_BrainTumour/{folder}/{prefix}{name}.nii.gz")
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
    server.files = {"/Task01_BrainTumour.tar": out.getvalue()}
    monkeypatch.setitem(fetch_script.MSD_BRAIN, "md5", hashlib.md5(out.getvalue()).hexdigest())
    path = fetch_script.fetch_msd_brain(tmp_path, 32, url=f"{server}/Task01_BrainTumour.tar")
    with np.load(path) as data:
        assert list(data["subjects"]) == ["BRATS_001.nii.gz", "BRATS_002.nii.gz"]
        mask, flair = data["lesion_mask"], data["flair"].astype(np.float32)
        assert mask.any() and set(np.unique(data["subject"])) == {0, 1}
        # the mask lies on the ball, the brightest part of each image
        assert flair[mask].mean() > 0.9 and flair[~mask & (flair > 0)].mean() < 0.5


def test_a_few_bright_voxels_outside_the_head_do_not_move_the_grid():
    volume = _volume(T1_AFFINE, (55, 40, 40), 0)
    clean = head_grid(volume, T1_AFFINE, 32, 12)
    volume[0, -1, 0] = volume[-1, -1, -1] = 1000.0  # ghosting or noise, far from the head
    noisy = head_grid(volume, T1_AFFINE, 32, 12)
    assert abs(noisy.z[-1] - clean.z[-1]) < 1 and abs(noisy.x0 - clean.x0) < 1 and abs(noisy.y0 - clean.y0) < 1


def test_cyclegan_chapter_reads_unpaired_halves_of_ixi(prepared_ixi, monkeypatch):
    with np.load(prepared_ixi / "ixi_32.npz") as prepared:
        t1, t2 = prepared["t1"].astype(np.float32), prepared["t2"].astype(np.float32)
    cell = _run_until_data_cell("3_5_cyclegan", monkeypatch, GANCOURSE_DATA="ixi",
                                GANCOURSE_DATA_DIR=prepared_ixi)
    assert not cell["on_simulator"]
    pool, in_a, in_b = cell["pool"], cell["in_a"], cell["in_b"]
    assert len(cell["t1_a"]) == len(cell["ct_b"]) == cell["n_per_domain"]
    a_subjects, b_subjects = set(pool.subject[in_a].tolist()), set(pool.subject[in_b].tolist())
    # unpaired: no training subject gives images to both sets; the test subject to neither
    assert a_subjects and b_subjects and not a_subjects & b_subjects
    assert a_subjects | b_subjects <= set(range(8)) and set(cell["test"].subject.tolist()) == {9}
    rows_a, rows_b = pool.row[in_a].numpy(), pool.row[in_b].numpy()
    np.testing.assert_allclose(cell["t1_a"][:, 0].numpy(), 2 * t1[rows_a] - 1, atol=1e-6)
    np.testing.assert_allclose(cell["ct_a"][:, 0].numpy(), 2 * t2[rows_a] - 1, atol=1e-6)  # pix2pix's
    np.testing.assert_allclose(cell["ct_b"][:, 0].numpy(), 2 * t2[rows_b] - 1, atol=1e-6)
    np.testing.assert_allclose(cell["test_t1"][:, 0].numpy(), 2 * t1[cell["test"].row.numpy()] - 1,
                               atol=1e-6)


def test_reconstruction_chapter_reads_ixi_t1_by_subject(prepared_ixi, monkeypatch):
    with np.load(prepared_ixi / "ixi_32.npz") as prepared:
        t1 = prepared["t1"].astype(np.float32)
    cell = _run_until_data_cell("4_3_reconstruction", monkeypatch, GANCOURSE_DATA="ixi",
                                GANCOURSE_DATA_DIR=prepared_ixi)
    data, n_train, n_test = cell["data"], cell["n_train"], cell["n_test"]
    train, test = data.slices(32, n_train, "train"), data.slices(32, n_test, "test")
    assert not set(train.subject.tolist()) & set(test.subject.tolist())  # split by subject
    np.testing.assert_allclose(cell["train_mag"][:, 0].numpy(), t1[train.row.numpy()], atol=1e-6)
    np.testing.assert_allclose(cell["test_mag"][:, 0].numpy(), t1[test.row.numpy()], atol=1e-6)
    # the complex image keeps the magnitude; its k-space is NumPy's centred orthonormal FFT
    np.testing.assert_allclose(cell["test_complex"].abs().numpy(), cell["test_mag"].numpy(), atol=1e-5)
    reference = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(cell["test_complex"][0, 0].numpy()),
                                            norm="ortho"))
    np.testing.assert_allclose(cell["test_kspace"][0, 0].numpy(), reference, atol=1e-5)
    assert not cell["has_lesion"].any() and not cell["on_simulator"]
    assert torch.equal(cell["test_brain"], cell["test_mag"] > 0.1)  # scored inside the head
