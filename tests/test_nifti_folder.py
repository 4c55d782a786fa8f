"""gancourse.data.NiftiFolder: a practitioner's folder of NIfTI volumes and label maps."""
import nibabel as nib
import numpy as np
import pytest
import torch

from gancourse.data import NiftiFolder

RAS = np.diag([2.0, 2.0, 3.0, 1.0])


def _save(path, data, affine):
    nib.save(nib.Nifti1Image(data, affine), path)


def _case(seed, shape=(6, 5, 4)):
    return np.random.default_rng(seed).uniform(0, 1, shape).astype(np.float32)


def test_volumes_are_reoriented_to_ras_and_labels_matched_by_name(tmp_path):
    ras = _case(0)
    _save(tmp_path / "a.nii.gz", ras, RAS)
    _save(tmp_path / "a_seg.nii.gz", (ras > 0.5).astype(np.uint8), RAS)
    # the same kind of grid stored LPS (x and y flipped), as ITK tools write: the affine says so
    lps = np.diag([-2.0, -2.0, 3.0, 1.0])
    lps[:3, 3] = [10.0, 8.0, 0.0]
    stored = _case(1)
    _save(tmp_path / "b.nii", stored, lps)
    _save(tmp_path / "b_seg.nii", (stored > 0.5).astype(np.uint8), lps)
    volumes = NiftiFolder(tmp_path).volumes()
    assert volumes.names == ["a", "b"] and volumes.images.shape == (2, 1, 6, 5, 4)
    torch.testing.assert_close(volumes.images[0, 0], torch.from_numpy(ras))
    torch.testing.assert_close(volumes.images[1, 0], torch.from_numpy(stored[::-1, ::-1].copy()))  # flipped
    assert nib.aff2axcodes(volumes.affines[1]) == ("R", "A", "S")
    assert torch.equal(volumes.labels, (volumes.images[:, 0] > 0.5).long())  # each label with its image
    slices, labels = volumes.axial()
    assert slices.shape == (2 * 4, 1, 5, 6) and labels.shape == (8, 5, 6)
    # row 0 is the most anterior (largest y), column 0 the subject's left (smallest x)
    assert slices[1, 0, 0, 0] == volumes.images[0, 0, 0, -1, 1]


def test_mixed_shapes_and_orientations_name_the_files(tmp_path):
    _save(tmp_path / "a.nii.gz", _case(0), RAS)
    _save(tmp_path / "b.nii.gz", _case(1, (6, 5, 5)), RAS)
    expected = r"different shapes.*\(6, 5, 4\): a.nii.gz; \(6, 5, 5\): b.nii.gz.*resample"
    with pytest.raises(ValueError, match=expected):
        NiftiFolder(tmp_path).volumes()
    tilted = RAS.copy()
    angle = np.radians(10)  # an oblique acquisition: 10 degrees about z
    tilted[:2, :2] = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) * 2
    _save(tmp_path / "b.nii.gz", _case(1), tilted)
    with pytest.raises(ValueError, match="b.nii.gz and a.nii.gz have different orientations.*10.0 degrees"):
        NiftiFolder(tmp_path).volumes()


def test_label_problems_are_explained(tmp_path):
    _save(tmp_path / "a.nii.gz", _case(0), RAS)
    _save(tmp_path / "b.nii.gz", _case(1), RAS)
    _save(tmp_path / "a_seg.nii.gz", np.zeros((6, 5, 4), np.uint8), RAS)
    with pytest.raises(ValueError, match="b has none"):
        NiftiFolder(tmp_path)
    _save(tmp_path / "b_seg.nii.gz", np.zeros((6, 5, 3), np.uint8), RAS)
    with pytest.raises(ValueError, match="b_seg.nii.gz does not lie on the grid of its image b.nii.gz"):
        NiftiFolder(tmp_path).volumes()
    _save(tmp_path / "c_seg.nii.gz", np.zeros((6, 5, 4), np.uint8), RAS)
    with pytest.raises(ValueError, match="label maps without an image.*c_seg.nii.gz"):
        NiftiFolder(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no .nii or .nii.gz images"):
        NiftiFolder(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        NiftiFolder(tmp_path / "missing")
