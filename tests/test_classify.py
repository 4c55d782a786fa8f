"""Classic augmentation, the slice classifier, and the lesion patches it is trained on."""
import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score

from gancourse.data.augment import dihedral, flip_and_shift
from gancourse.methods.supervised import accuracy, predict, train_classifier
from gancourse.data import lesion_patches
from gancourse.nets import SliceClassifier


def test_dihedral_gives_the_eight_symmetries_of_the_square():
    image = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).view(1, 1, 2, 2)
    found = {tuple(x.flatten().tolist()) for x in dihedral(image)}
    # written out by hand: 4 rotations of [[1, 2], [3, 4]] and their mirror images
    expected = {(1, 2, 3, 4), (2, 4, 1, 3), (4, 3, 2, 1), (3, 1, 4, 2),
                (2, 1, 4, 3), (4, 2, 3, 1), (3, 4, 1, 2), (1, 3, 2, 4)}
    assert found == expected
    batch = torch.rand(5, 1, 6, 6)
    out = dihedral(batch)
    assert out.shape == (40, 1, 6, 6) and torch.equal(out[:5], batch)  # the originals come first
    with pytest.raises(ValueError, match="square images"):
        dihedral(torch.rand(2, 1, 4, 6))


def test_flip_and_shift_is_a_mirrored_crop_of_the_edge_padded_image():
    images = torch.rand(16, 1, 8, 8)
    out = flip_and_shift(images, torch.Generator().manual_seed(0), max_shift=2)
    for original, augmented in zip(images.numpy(), out.numpy()):
        candidates = []
        for version in (original[0], original[0][:, ::-1]):
            padded = np.pad(version, 2, mode="edge")  # NumPy's edge padding, independently of torch
            candidates += [padded[y:y + 8, x:x + 8] for y in range(5) for x in range(5)]
        assert any(np.allclose(augmented[0], c) for c in candidates)
    flipped = flip_and_shift(images, torch.Generator().manual_seed(1), max_shift=0)
    assert all(torch.equal(a, b) or torch.equal(a, b.flip(-1)) for a, b in zip(flipped, images))
    assert not torch.equal(flipped, images) and not torch.equal(flipped, images.flip(-1))  # some, not all


def blobs(n, seed):
    """Dark or bright square in noise: a task a working classifier learns at once."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 2, (n,), generator=g)
    images = 0.3 * torch.randn(n, 1, 16, 16, generator=g)
    images[:, :, 5:11, 5:11] += (labels.float() * 2 - 1).view(n, 1, 1, 1)
    return images.clamp(-1, 1), labels  # in [-1, 1], the range the classifier is trained on


def test_classifier_learns_and_its_accuracy_matches_scikit_learn():
    x, y = blobs(256, 0)
    xt, yt = blobs(200, 1)
    model = train_classifier(x, y, 2, steps=60, batch_size=32, seed=0)
    score = accuracy(model, xt, yt)
    assert score > 0.95
    assert score == pytest.approx(accuracy_score(yt.numpy(), predict(model, xt).numpy()))
    assert not model.training


def test_classifier_errors_are_explained():
    x, y = blobs(16, 0)
    with pytest.raises(ValueError, match="single class"):
        train_classifier(x, torch.zeros(16, dtype=torch.long), 2, steps=1)
    with pytest.raises(ValueError, match="built for 2 classes"):
        train_classifier(x, torch.full((16,), 2), 2, steps=1)
    with pytest.raises(ValueError, match=r"tensor \(N, channels, S, S\)"):
        train_classifier(x[:, 0], y, 2, steps=1)
    with pytest.raises(ValueError, match="divisible by 8"):
        SliceClassifier(2)(torch.randn(1, 1, 12, 12))


def test_lesion_patches_hold_their_lesion_and_healthy_ones_none():
    patches = lesion_patches(24, seed=5)
    again = lesion_patches(24, seed=5)
    assert torch.equal(patches.images, again.images) and torch.equal(patches.has_lesion, again.has_lesion)
    assert patches.images.shape == (24, 1, 32, 32) and 0 < patches.has_lesion.sum() < 24
    lesion, healthy = patches.has_lesion == 1, patches.has_lesion == 0
    assert (patches.lesion_mask[healthy] == 0).all()
    # every lesion patch holds its lesion, near the centre (moved by at most 4 pixels)
    centre = patches.lesion_mask[lesion][:, 0, 12:20, 12:20].flatten(1).sum(1)
    assert (centre > 0).all()
    # the lesion is brighter in T2 than the brain tissue around it, and darker in T1
    t1 = lesion_patches(24, seed=5, contrast="t1")
    assert torch.equal(t1.lesion_mask, patches.lesion_mask)  # the same subjects, another contrast
    for t2_image, t1_image, mask in zip(patches.images[lesion], t1.images[lesion], patches.lesion_mask[lesion]):
        tissue = (mask == 0) & (t1_image > 0.3)  # brain (not CSF, not air) around the lesion
        assert t2_image[mask == 1].mean() > t2_image[tissue].mean()
        assert t1_image[mask == 1].mean() < t1_image[tissue].mean()
    with pytest.raises(ValueError, match="patch side"):
        lesion_patches(4, size=100)
