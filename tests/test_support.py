"""The birthday-paradox support estimate against a discrete distribution of known size."""
import math

import numpy as np
import pytest

from gancourse.metrics.support import (birthday_test, collision_probability, has_duplicate,
                                       support_from_collision_rate)


def test_collision_probability_matches_the_birthday_problem():
    # the textbook case: 23 people, 365 days -> 0.5073 (exact product)
    assert collision_probability(23, 365, exact=True) == pytest.approx(0.507297, abs=1e-6)
    assert collision_probability(23, 365) == pytest.approx(1 - math.exp(-23 ** 2 / 730))
    assert collision_probability(400, 300, exact=True) == 1.0


def test_support_from_rate_inverts_the_formula():
    for n in (50, 1000, 12345):
        p = collision_probability(40, n)
        assert support_from_collision_rate(40, p) == pytest.approx(n, rel=1e-9)
    assert support_from_collision_rate(10, 0.0) == math.inf
    assert support_from_collision_rate(10, 1.0) == 0.0


def test_estimate_recovers_a_known_support_size():
    n = 2000
    rng = np.random.default_rng(0)
    pool = rng.integers(0, n, size=(20000, 1)).astype(float)  # uniform on N = 2000 values
    batch = 60  # expected collision rate 1 - exp(-3600/4000) = 0.59
    result = birthday_test(pool, batch, threshold=0.0, n_batches=400, seed=1)
    assert result["collision_rate"] == pytest.approx(collision_probability(batch, n), abs=0.08)
    assert result["support"] == pytest.approx(n, rel=0.3)


def test_duplicates_and_no_collision_bound():
    assert has_duplicate(np.array([[0.0], [1.0], [0.0]]))
    assert not has_duplicate(np.array([[0.0], [1.0], [2.0]]), threshold=0.5)
    distinct = np.arange(1000, dtype=float)[:, None]
    result = birthday_test(distinct, 20, n_batches=10)
    # no hit in 10 batches: rate <= 1 - 0.05^(1/10) = 0.2589 at 95 %, so N >= 400 / (2 * 0.29957) = 667.6
    assert result["support"] == math.inf
    assert result["support_at_least"] == pytest.approx(667.6, abs=0.1)
    assert result["support_at_most"] == math.inf
    # every batch of 5 identical values collides: rate >= 0.05^(1/10) = 0.7411, N <= 25 / (2 * 1.3514) = 9.25
    same = np.zeros((50, 1))
    result = birthday_test(same, 5, n_batches=10)
    assert result["support"] == 0.0 and result["support_at_least"] == 0.0
    assert result["support_at_most"] == pytest.approx(9.25, abs=0.01)


def test_bad_input_says_what_to_fix():
    with pytest.raises(ValueError, match="larger than the pool"):
        birthday_test(np.zeros((5, 2)), 10)
    with pytest.raises(ValueError, match="collision_rate"):
        support_from_collision_rate(10, 1.5)


def test_identical_images_are_duplicates_despite_round_off():
    rng = np.random.default_rng(4)
    images = rng.normal(size=(10, 1, 64, 64)) * 100 + 500
    batch = np.concatenate([images, images[:1]])
    assert has_duplicate(batch, threshold=1e-9)


def test_support_text_gives_the_estimate_or_its_bound():
    from gancourse.metrics.support import support_text
    assert support_text({"collision_rate": 0.5, "support": 1234.4, "support_at_least": 1234.4,
                         "support_at_most": 1234.4}) == "1,234"
    # no hit in 20 batches of 40: N >= 40^2 * 20 / (2 ln 20) = 5341.4 (computed by hand)
    none = birthday_test(np.arange(5000.0)[:, None], 40, n_batches=20)
    assert none["collision_rate"] == 0 and support_text(none) == "≥ 5,341 (95 %)"
    every = birthday_test(np.zeros((100, 1)), 10, n_batches=5)
    assert support_text(every).startswith("≤ ")
    with pytest.raises(ValueError, match="birthday_test result"):
        support_text({"support": 3})
