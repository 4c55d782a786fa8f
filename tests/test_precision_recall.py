"""Improved precision and recall (gancourse.metrics.distances.precision_recall) on hand-made point sets."""
import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from gancourse.metrics.distances import precision_recall


def reference(real, fake, k):
    """The definition, with scikit-learn's neighbour search: share of fakes inside some real k-NN ball."""
    radii = NearestNeighbors(n_neighbors=k + 1).fit(real).kneighbors(real)[0][:, -1]
    d = np.linalg.norm(fake[:, None] - real[None], axis=-1)
    return float((d <= radii[None]).any(1).mean())


def test_identical_sets_score_one_and_one():
    x = np.random.default_rng(0).normal(size=(200, 4))
    assert precision_recall(x, x, k=3) == (1.0, 1.0)


def test_disjoint_far_sets_score_zero_and_zero():
    rng = np.random.default_rng(1)
    assert precision_recall(rng.normal(size=(100, 3)), rng.normal(size=(100, 3)) + 100) == (0.0, 0.0)


def test_a_subset_is_precise_but_does_not_cover():
    rng = np.random.default_rng(2)
    real = rng.normal(size=(300, 2))
    fake = real[real[:, 0] < -0.5]  # one side of the real cloud only: realistic, not diverse
    precision, recall = precision_recall(real, fake, k=3)
    assert precision == 1.0 and recall < 0.6


def test_agrees_with_scikit_learn():
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(150, 5)), rng.normal(size=(120, 5)) * 1.5 + 0.3
    precision, recall = precision_recall(real, fake, k=5)
    assert precision == pytest.approx(reference(real, fake, 5))
    assert recall == pytest.approx(reference(fake, real, 5))
