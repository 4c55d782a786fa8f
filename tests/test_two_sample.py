"""The classifier two-sample test and the statistics of a score (gancourse.metrics.two_sample), against
hand-computed values."""
import math

import pytest
import torch

from gancourse.metrics.domain import checkerboard
from gancourse.metrics.two_sample import binomial_p_value, classifier_two_sample_test, wilson_interval


def test_wilson_interval_matches_hand_computed_values():
    # 8 of 10, 95 %: z = 1.959964; centre (0.8 + z^2/20) / (1 + z^2/10), half-width z/(1 + z^2/10) *
    # sqrt(0.016 + z^2/400): the interval 0.4902 to 0.9433 of the textbooks.
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.49016, abs=1e-4) and high == pytest.approx(0.94332, abs=1e-4)
    # 0 of 20: the lower end is 0 and the upper end z^2 / (n + z^2)
    z2 = 1.959964 ** 2
    assert wilson_interval(0, 20) == pytest.approx((0.0, z2 / (20 + z2)), abs=1e-6)
    # symmetric about one half: k of n and n - k of n
    low, high = wilson_interval(3, 7, 0.9)
    assert (1 - high, 1 - low) == pytest.approx(wilson_interval(4, 7, 0.9))


def test_binomial_p_value_matches_counting():
    assert binomial_p_value(8, 10) == pytest.approx((45 + 10 + 1) / 1024)  # C(10,8) + C(10,9) + C(10,10)
    assert binomial_p_value(0, 5) == 1.0
    assert binomial_p_value(10, 10) == pytest.approx(1 / 1024)
    assert binomial_p_value(2, 3, chance=0.25) == pytest.approx(3 * 0.25 ** 2 * 0.75 + 0.25 ** 3)
    assert binomial_p_value(600, 1000) == pytest.approx(
        sum(math.comb(1000, i) for i in range(600, 1001)) / 2 ** 1000, rel=1e-9)


def test_bad_counts_are_refused():
    with pytest.raises(ValueError, match="correct"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="n must"):
        binomial_p_value(0, 0)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 2, confidence=95)


def _noise(n, seed, size=16):
    return torch.randn(n, 1, size, size, generator=torch.Generator().manual_seed(seed)).clamp(-3, 3) / 3


def test_two_samples_of_one_distribution_score_about_one_half():
    result = classifier_two_sample_test(_noise(200, 0), _noise(200, 1), steps=50, seed=0)
    assert result["n"] == 200 and result["low"] <= 0.5 <= result["high"]
    assert abs(result["accuracy"] - 0.5) < 0.12 and result["p_value"] > 0.01


def test_a_checkerboard_is_found_and_repeats_with_the_seed():
    a, b = _noise(200, 0) * 0.3, checkerboard(_noise(200, 1) * 0.3, 0.3)
    result = classifier_two_sample_test(a, b, steps=50, seed=0)
    assert result["accuracy"] > 0.9 and result["p_value"] < 1e-6 and result["low"] > 0.5
    again = classifier_two_sample_test(a, b, steps=50, seed=0)
    assert again["correct"] == result["correct"]
    state = torch.get_rng_state()
    classifier_two_sample_test(a, b, steps=2, seed=1)
    assert torch.equal(state, torch.get_rng_state())  # the global random state is left alone


def test_two_sample_test_refuses_bad_sets():
    with pytest.raises(ValueError, match="same shape"):
        classifier_two_sample_test(_noise(8, 0), _noise(8, 1, size=24))
    with pytest.raises(ValueError, match="at least 4"):
        classifier_two_sample_test(_noise(2, 0), _noise(8, 1))
    with pytest.raises(ValueError, match="divisible by 8"):
        classifier_two_sample_test(_noise(8, 0, size=12), _noise(8, 1, size=12))
