"""Metrics against scikit-image, scikit-learn, SciPy and hand-computed values on fixed inputs."""
import numpy as np
import pytest
import torch
from scipy import linalg
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from sklearn.metrics import f1_score, roc_auc_score

from gancourse import metrics


@pytest.fixture
def images():
    rng = np.random.default_rng(0)
    x = rng.random((48, 40))
    y = np.clip(x + 0.1 * rng.standard_normal(x.shape), 0, 1)
    return x, y


def test_psnr_matches_scikit_image(images):
    x, y = images
    assert metrics.psnr(torch.tensor(x), torch.tensor(y), data_range=1.0) == pytest.approx(
        peak_signal_noise_ratio(x, y, data_range=1.0), rel=1e-9)


def test_psnr_by_hand():
    x, y = torch.zeros(4, 4), torch.full((4, 4), 0.1)  # MSE 0.01 -> 20 dB
    assert metrics.psnr(x, y, data_range=1.0) == pytest.approx(20.0)


def test_ssim_matches_scikit_image(images):
    x, y = images
    reference = structural_similarity(x, y, data_range=1.0, gaussian_weights=True, sigma=1.5,
                                      use_sample_covariance=False)
    assert metrics.ssim(torch.tensor(x), torch.tensor(y), data_range=1.0) == pytest.approx(reference, abs=1e-6)
    assert metrics.ssim(torch.tensor(x), torch.tensor(x), data_range=1.0) == pytest.approx(1.0)


def test_ssim_averages_a_batch(images):
    x, y = images
    batch_x = torch.tensor(np.stack([x, y]))[:, None]
    batch_y = torch.tensor(np.stack([y, y]))[:, None]
    expected = (metrics.ssim(torch.tensor(x), torch.tensor(y), 1.0) + 1.0) / 2
    assert metrics.ssim(batch_x, batch_y, 1.0) == pytest.approx(expected)


def test_dice_matches_f1_and_hand():
    rng = np.random.default_rng(1)
    a, b = rng.random((20, 20)) > 0.5, rng.random((20, 20)) > 0.4
    assert metrics.dice(torch.tensor(a), torch.tensor(b)) == pytest.approx(f1_score(b.ravel(), a.ravel()))
    assert metrics.dice(torch.tensor([1, 1, 0, 0]), torch.tensor([1, 0, 0, 0])) == pytest.approx(2 / 3)
    labels_a, labels_b = torch.tensor([0, 2, 2, 3]), torch.tensor([2, 2, 0, 3])
    assert metrics.dice(labels_a, labels_b, label=2) == pytest.approx(0.5)
    assert metrics.dice(torch.zeros(3), torch.zeros(3)) == 1.0


def test_roc_auc_matches_scikit_learn_with_ties():
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.4])
    labels = np.array([0, 0, 1, 1, 1, 1, 0, 0])
    assert metrics.roc_auc(scores, labels) == pytest.approx(roc_auc_score(labels, scores))


def test_frechet_distance_against_closed_form():
    # 1-D Gaussians: d = (m1 - m2)^2 + (s1 - s2)^2. Use samples whose mean and variance are exact.
    a = np.array([[-1.0], [1.0]]) * np.sqrt(0.5) * 2 + 3.0   # mean 3, sample variance 4 (s = 2)
    b = np.array([[-1.0], [1.0]]) * np.sqrt(0.5) * 1 + 0.0   # mean 0, sample variance 1 (s = 1)
    assert metrics.frechet_distance(a, b) == pytest.approx(9 + 1)


def test_frechet_distance_against_scipy_formula():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(500, 5)), rng.normal(0.5, 2.0, size=(400, 5)) @ rng.normal(size=(5, 5))
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    expected = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(ca + cb - 2 * linalg.sqrtm(ca @ cb).real)
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-8)
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_precision_recall_on_constructed_sets():
    grid = np.stack(np.meshgrid(np.arange(10.0), np.arange(10.0)), -1).reshape(-1, 2)
    inside = grid[:50] + 0.1                      # on the real manifold, but covering only half of it
    far = grid + 100.0                            # nowhere near it
    precision, recall = metrics.precision_recall(grid, inside, k=3)
    assert precision == 1.0 and recall == pytest.approx(0.5, abs=0.11)
    precision, recall = metrics.precision_recall(grid, far, k=3)
    assert precision == 0.0 and recall == 0.0


def test_mean_pairwise_distance_against_scipy():
    from scipy.spatial.distance import pdist

    rng = np.random.default_rng(4)
    x = rng.random((30, 2, 4, 4))
    assert metrics.mean_pairwise_distance(torch.tensor(x)) == pytest.approx(pdist(x.reshape(30, -1)).mean())
    assert metrics.mean_pairwise_distance(torch.zeros(5, 3)) == 0.0


def test_memorisation_check_flags_copies():
    rng = np.random.default_rng(3)
    train, held_out = torch.tensor(rng.random((50, 64))), torch.tensor(rng.random((50, 64)))
    copies = train[:20] + 0.001
    fresh = torch.tensor(rng.random((20, 64)))
    assert metrics.memorisation_check(copies, train, held_out)["ratio"] < 0.05
    assert metrics.memorisation_check(copies, train, held_out)["copies"] == 1.0
    assert metrics.memorisation_check(fresh, train, held_out)["ratio"] == pytest.approx(1.0, abs=0.25)


def test_bad_inputs_are_explained():
    with pytest.raises(ValueError, match="same shape"):
        metrics.psnr(torch.zeros(4, 4), torch.zeros(4, 5), data_range=1)
    with pytest.raises(ValueError, match="data_range"):
        metrics.ssim(torch.zeros(16, 16), torch.zeros(16, 16), data_range=0)
    with pytest.raises(ValueError, match="not a binary mask"):
        metrics.dice(torch.tensor([0, 2]), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="at least one positive"):
        metrics.roc_auc([0.1, 0.2], [0, 0])
    with pytest.raises(ValueError, match="different dimensions"):
        metrics.frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="at least 11x11"):
        metrics.ssim(torch.zeros(8, 8), torch.zeros(8, 8), data_range=1)


def test_kernel_distance_against_a_double_loop():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(7, 3)), rng.normal(1.0, 2.0, size=(5, 3))

    def k(x, y):
        return (x @ y / 3 + 1) ** 3
    within_a = sum(k(a[i], a[j]) for i in range(7) for j in range(7) if i != j) / (7 * 6)
    within_b = sum(k(b[i], b[j]) for i in range(5) for j in range(5) if i != j) / (5 * 4)
    across = sum(k(x, y) for x in a for y in b) / 35
    assert metrics.kernel_distance(a, b) == pytest.approx(within_a + within_b - 2 * across, rel=1e-10)


def test_kernel_distance_is_unbiased_where_the_frechet_distance_is_not():
    # same distribution, small samples: the Fréchet estimate is clearly positive, the kernel one centres on 0
    rng = np.random.default_rng(0)
    draws = [(rng.normal(size=(20, 4)), rng.normal(size=(20, 4))) for _ in range(300)]
    fd = np.mean([metrics.frechet_distance(a, b) for a, b in draws])
    kid = np.array([metrics.kernel_distance(a, b) for a, b in draws])
    assert fd > 0.5
    assert abs(kid.mean()) < 3 * kid.std() / np.sqrt(len(kid))
    # and it sees a shift
    assert metrics.kernel_distance(rng.normal(size=(50, 4)), rng.normal(1.0, size=(50, 4))) > 0.5


def test_kernel_distance_rejects_mismatched_features():
    with pytest.raises(ValueError, match="different dimensions"):
        metrics.kernel_distance(np.zeros((5, 2)), np.zeros((5, 3)))
