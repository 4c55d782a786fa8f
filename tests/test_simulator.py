"""The brain MRI simulator: determinism, agreement of labels and images, contrasts, lesions, errors."""
import numpy as np
import pytest
import torch

from gancourse.data import LABELS, BrainSimulator, ct_to_unit, load_nifti, save_nifti, signal, to_gan_range
from gancourse.storage import load_checked


@pytest.fixture(scope="module")
def batch():
    return BrainSimulator(64, seed=0, contrasts=("t1", "t2", "ct"), lesion_prob=0.5).sample(48)


def test_same_seed_same_subjects_other_seed_other_subjects():
    a = BrainSimulator(32, seed=5, lesion_prob=0.5).sample(8)
    b = BrainSimulator(32, seed=5, lesion_prob=0.5).sample(8)
    c = BrainSimulator(32, seed=6, lesion_prob=0.5).sample(8)
    assert torch.equal(a.t1, b.t1) and torch.equal(a.labels, b.labels) and torch.equal(a.lesion_mask, b.lesion_mask)
    assert not torch.equal(a.t1, c.t1)


def test_subjects_in_a_stream_are_distinct(batch):
    flat = batch.t1.flatten(1)
    distances = torch.cdist(flat, flat) + torch.eye(len(flat)) * 1e9
    assert distances.min() > 1.0  # no two of 48 subjects are (nearly) the same image


def test_shapes_types_and_ranges(batch):
    assert batch.t1.shape == batch.t2.shape == batch.ct.shape == (48, 1, 64, 64)
    assert batch.labels.shape == (48, 64, 64) and batch.labels.dtype == torch.long
    assert batch.tissue.shape == (48, 4, 64, 64)
    assert 0 <= batch.t1.min() and batch.t1.max() <= 1 and 0 <= batch.t2.min() and batch.t2.max() <= 1
    assert -1024 <= batch.ct.min() and batch.ct.max() <= 3071
    assert batch.level.min() >= 0 and batch.level.max() <= 1
    assert set(batch.labels.unique().tolist()) == set(LABELS.values())


def test_labels_are_the_largest_tissue_fraction(batch):
    assert torch.equal(batch.labels, batch.tissue.argmax(dim=1))


def test_label_regions_have_their_tissue_contrast(batch):
    """Median intensities per label follow the physics: T1 WM > GM > CSF; T2 CSF > GM > WM; CT GM > WM > CSF."""
    lesion_free = batch.lesion_mask[:, 0] == 0

    def median(image, label):
        return image[:, 0][(batch.labels == label) & lesion_free].median().item()

    csf, gm, wm = LABELS["csf"], LABELS["grey_matter"], LABELS["white_matter"]
    assert median(batch.t1, wm) > median(batch.t1, gm) > median(batch.t1, csf)
    assert median(batch.t2, csf) > median(batch.t2, gm) > median(batch.t2, wm)
    assert median(batch.ct, gm) > median(batch.ct, wm) > median(batch.ct, csf)
    # the brain's CT values are those of soft tissue: within 30 HU of the table's values
    assert abs(median(batch.ct, gm) - signal("gm", "ct")) < 30


def test_bone_is_dark_in_mr_and_bright_in_ct(batch):
    bright_ct = batch.ct > 500  # only bone is this dense
    assert bright_ct.sum() > 0
    assert batch.t1[bright_ct].mean() < 0.2 and batch.t2[bright_ct].mean() < 0.2
    assert batch.t1[batch.labels[:, None] == LABELS["white_matter"]].mean() > 0.4


def test_lesions_lie_in_the_brain_and_show_in_every_contrast(batch):
    assert 0 < batch.has_lesion.sum() < len(batch)
    mask = batch.lesion_mask[:, 0] > 0
    brain = batch.tissue[:, 1:].sum(dim=1) > 0.3
    assert (mask & ~brain).sum() == 0
    assert torch.equal(batch.has_lesion, mask.flatten(1).any(dim=1))
    wm = (batch.labels == LABELS["white_matter"]) & ~mask
    assert batch.t1[:, 0][mask].median() < batch.t1[:, 0][wm].median() - 0.05   # dark in T1
    assert batch.t2[:, 0][mask].median() > batch.t2[:, 0][wm].median() + 0.1    # bright in T2
    assert batch.ct[:, 0][mask].median() > batch.ct[:, 0][wm].median() + 15     # denser in CT
    healthy = BrainSimulator(32, seed=1, lesion_prob=0.0).sample(16)
    assert healthy.lesion_mask.sum() == 0 and not healthy.has_lesion.any()


def test_levels_select_anatomy():
    low = BrainSimulator(64, seed=2, levels=(0.0, 0.1)).sample(32)
    high = BrainSimulator(64, seed=2, levels=(0.9, 1.0)).sample(32)
    assert low.level.max() <= 0.1 and high.level.min() >= 0.9
    # the upper convexity is smaller than the middle of the brain: fewer brain pixels
    mid = BrainSimulator(64, seed=2, levels=(0.45, 0.55)).sample(32)
    brain = lambda b: (b.labels > 0).float().sum(dim=(1, 2)).mean()  # noqa: E731
    assert brain(high) < brain(mid)


def test_skull_stripped_images_keep_only_the_brain():
    full = BrainSimulator(32, seed=3, contrasts=("t1", "ct")).sample(8)
    stripped = BrainSimulator(32, seed=3, contrasts=("t1", "ct"), skull_stripped=True).sample(8)
    assert torch.equal(full.labels, stripped.labels)  # the same subjects, only the images differ
    far = full.tissue[:, 1:].sum(dim=1, keepdim=True) == 0  # pixels with no brain tissue at all
    assert stripped.t1[far].abs().max() == 0 and (stripped.ct[far] == -1000).all()
    assert (full.ct[far] > 500).any()  # ...where the full head has bone
    inside = stripped.labels[:, None] == LABELS["white_matter"]
    assert torch.allclose(stripped.t1[inside], full.t1[inside], atol=0.05)


@pytest.mark.parametrize("size", [32, 64, 128])
def test_every_profile_resolution(size):
    x = BrainSimulator(size, seed=0).sample(2).t1
    assert x.shape == (2, 1, size, size)


def test_volumes_and_their_labels():
    v = BrainSimulator(32, seed=0, contrasts=("t1", "ct"), lesion_prob=1.0).volumes(2)
    assert v.t1.shape == v.ct.shape == (2, 1, 32, 32, 32) and v.labels.shape == (2, 32, 32, 32)
    assert torch.equal(v.labels, v.tissue.argmax(dim=1))
    assert v.has_lesion.all()
    wm = v.labels == LABELS["white_matter"]
    assert v.t1[:, 0][wm].mean() > v.t1[:, 0][v.labels == LABELS["csf"]].mean()


def test_conversions():
    assert torch.equal(to_gan_range(torch.tensor([0.0, 0.5, 1.0])), torch.tensor([-1.0, 0.0, 1.0]))
    assert torch.allclose(ct_to_unit(torch.tensor([-1000.0, 500.0, 2000.0, 3000.0])), torch.tensor([0, 0.5, 1, 1]))


def test_nifti_round_trip(tmp_path):
    volume = BrainSimulator(32, seed=0).volumes(1).t1[0, 0]
    path = save_nifti(volume, tmp_path / "head.nii.gz", spacing_mm=(2.0, 2.0, 2.5))
    loaded, affine = load_nifti(path)
    assert torch.equal(loaded, volume)
    import nibabel as nib
    assert np.allclose(nib.affines.voxel_sizes(affine), [2.0, 2.0, 2.5])  # along the array's axes (z, row, col)
    assert nib.aff2axcodes(affine) == ("S", "P", "R")  # (more in test_nifti.py)
    assert not list(tmp_path.glob(".*part*"))  # no temporary file left behind


def test_bad_inputs_are_explained(tmp_path):
    with pytest.raises(ValueError, match="between 16 and 256"):
        BrainSimulator(8)
    with pytest.raises(ValueError, match="unknown contrast.*pet"):
        BrainSimulator(32, contrasts=("t1", "pet"))
    with pytest.raises(ValueError, match="levels"):
        BrainSimulator(32, levels=(0.8, 0.2))
    with pytest.raises(ValueError, match="positive integer"):
        BrainSimulator(32).sample(0)
    with pytest.raises(FileNotFoundError, match="no NIfTI file"):
        load_nifti(tmp_path / "missing.nii.gz")
    with pytest.raises(ValueError, match="2-D or 3-D"):
        save_nifti(torch.zeros(2, 3, 4, 5), tmp_path / "x.nii")
    import nibabel as nib
    nib.save(nib.Nifti1Image(np.zeros((3, 4, 5, 2), dtype=np.float32), np.eye(4)), tmp_path / "series.nii")
    with pytest.raises(ValueError, match="4-D image"):
        load_nifti(tmp_path / "series.nii")
    (tmp_path / "fake.nii").write_text("not an image")
    with pytest.raises(ValueError, match="not a readable NIfTI"):
        load_nifti(tmp_path / "fake.nii")


def test_missing_template_names_the_package(monkeypatch, tmp_path):
    from gancourse.data import template

    def missing(resolution=None):
        raise FileNotFoundError("mni_icbm152_t1_tal_nlin_sym_09a.nii.gz")

    monkeypatch.setenv("GANCOURSE_CACHE", str(tmp_path))  # no prepared template to fall back on
    monkeypatch.setattr("nilearn.datasets.load_mni152_template", missing)
    template.load_template.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="ships inside nilearn.*pip install --force-reinstall nilearn"):
            template.load_template()
    finally:
        template.load_template.cache_clear()


def test_a_corrupt_template_cache_is_prepared_again(monkeypatch, tmp_path):
    from gancourse.data import template

    reference = template.load_template()
    monkeypatch.setenv("GANCOURSE_CACHE", str(tmp_path))
    (tmp_path / template.CACHE_NAME).write_bytes(b"half a file")
    template.load_template.cache_clear()
    try:
        prepared = template.load_template()
        assert torch.equal(prepared["stack"], reference["stack"])
        rewritten = load_checked(tmp_path / template.CACHE_NAME, "gancourse MNI152 head stack")
        assert rewritten["brain_z"] == reference["brain_z"]
    finally:
        template.load_template.cache_clear()


def test_large_requests_are_rendered_in_chunks_of_the_same_stream(monkeypatch):
    from gancourse.data import brain
    monkeypatch.setattr(brain, "CHUNK_PIXELS", 40 * 32 ** 2)  # 40 slices of 32x32 per chunk, to test quickly
    per_chunk = 40
    make = lambda: BrainSimulator(32, seed=4, contrasts=("t1", "ct"), lesion_prob=0.5)  # noqa: E731
    whole = make().sample(per_chunk + 5)
    stream = make()
    first, rest = stream.sample(per_chunk), stream.sample(5)
    assert len(whole) == per_chunk + 5 and whole.t2 is None
    for name in ("t1", "ct", "labels", "tissue", "lesion_mask", "has_lesion", "level"):
        assert torch.equal(getattr(whole, name), torch.cat([getattr(first, name), getattr(rest, name)])), name


def test_lesion_contrast_keeps_the_subjects_and_blends_towards_white_matter():
    """lesion_contrast changes only the lesion's parameters: same subjects and masks, and at 0 the lesion's
    noiseless CT value is white matter's (HU of the table, independent of the renderer)."""
    kwargs = dict(seed=3, contrasts=("t2", "ct"), lesion_prob=1.0, max_lesions=3, skull_stripped=True)
    default = BrainSimulator(32, **kwargs).sample(6)
    one = BrainSimulator(32, lesion_contrast=1.0, **kwargs).sample(6)
    zero = BrainSimulator(32, lesion_contrast=0.0, **kwargs).sample(6)
    assert torch.equal(default.t2, one.t2) and torch.equal(default.ct, one.ct)
    assert torch.equal(default.lesion_mask, zero.lesion_mask) and torch.equal(default.labels, zero.labels)
    core = default.lesion_mask > 0.5
    near = torch.nn.functional.max_pool2d(default.lesion_mask, 9, stride=1, padding=4) > 0
    # nothing changes away from the lesions (whose soft edges reach a few pixels out)
    assert torch.equal(default.t2[~near], zero.t2[~near])
    # inside a lesion the CT value moves by the lesion's fraction of the pixel times the HU difference of the
    # two rows (65 - 28 = 37 HU): never more, and nearly all of it where the lesion fills the pixel
    shift = (default.ct - zero.ct)[core]
    assert (shift >= -1e-3).all() and (shift <= 37.0 + 1e-3).all()
    assert shift.max().item() > 0.95 * 37.0
    with pytest.raises(ValueError, match="lesion_contrast"):
        BrainSimulator(32, lesion_contrast=1.5)
