"""The domain-feature Fréchet distance measures what it claims, checked as Heusel et al. checked FID."""
import numpy as np
import pytest
import torch

from gancourse.metrics.domain import domain_features, frechet_domain_distance, prepare, validate_frechet


@pytest.fixture(scope="module", params=[False, True], ids=["with the head", "skull-stripped"])
def validation(request):
    return validate_frechet(size=32, n=400, skull_stripped=request.param)


def test_two_real_sets_score_near_zero(validation):
    worst = max(max(validation[name]) for name in ("noise", "blur", "checkerboard", "levels"))
    assert validation["real_vs_real"] < 0.02 * worst


@pytest.mark.parametrize("disturbance", ["noise", "blur", "checkerboard"])
def test_distance_grows_monotonically_with_disturbance(validation, disturbance):
    values = validation[disturbance]
    assert values[0] == pytest.approx(validation["real_vs_real"])
    assert all(b > a for a, b in zip(values, values[1:])), values
    assert values[-1] > 10 * validation["real_vs_real"]


def test_distance_grows_as_modes_are_dropped(validation):
    values = validation["levels"]  # all levels, then ever narrower ranges of levels
    assert all(b > a for a, b in zip(values, values[1:])), values
    assert values[0] < 3 * validation["real_vs_real"]


def test_features_are_deterministic_and_size_agnostic():
    x = torch.rand(6, 1, 32, 32) * 2 - 1
    a, b = domain_features(x), domain_features(x)
    assert a.shape == (6, 352) and np.array_equal(a, b)
    assert domain_features(torch.rand(4, 1, 128, 128) * 2 - 1).shape == (4, 352)
    # 6 samples in 352 dimensions: a singular covariance, whose square root is only accurate to ~1e-4
    assert frechet_domain_distance(x, x) == pytest.approx(0.0, abs=1e-3)


def test_bad_inputs_are_explained():
    with pytest.raises(ValueError, match=r"in \[-1, 1\].*to_gan_range"):
        prepare(torch.rand(2, 1, 32, 32) * 255)
    with pytest.raises(ValueError, match="single-channel"):
        prepare(torch.rand(2, 3, 32, 32))
