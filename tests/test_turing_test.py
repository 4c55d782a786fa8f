"""The visual Turing test (gancourse.turing_test): bookkeeping, scores and the widget's buttons."""
import pytest
import torch

from gancourse.metrics.two_sample import binomial_p_value, wilson_interval
from gancourse.turing_test import TuringTest, score_text, turing_test_widget

REAL, FAKE = -torch.ones(30, 1, 8, 8), torch.ones(30, 1, 8, 8)  # an observer who looks can tell them apart


def test_half_real_half_generated_in_a_seeded_order():
    test = TuringTest(REAL, FAKE, n=20, seed=1)
    assert test.n == 20 and sum(test.is_generated) == 10
    assert TuringTest(REAL, FAKE, n=20, seed=1).is_generated == test.is_generated
    assert TuringTest(REAL, FAKE, n=20, seed=2).is_generated != test.is_generated
    for image, generated in zip(test.images, test.is_generated):
        assert bool((image > 0).all()) == generated


def test_a_perfect_observer_and_a_constant_one():
    perfect = TuringTest(REAL, FAKE, n=20).play(lambda image: bool(image.mean() > 0))
    assert perfect["correct"] == 20 and perfect["p_value"] == pytest.approx(2 ** -20)
    assert (perfect["low"], perfect["high"]) == pytest.approx(wilson_interval(20, 20))
    constant = TuringTest(REAL, FAKE, n=20).play(lambda image: True)
    assert constant["accuracy"] == 0.5 and constant["p_value"] == pytest.approx(binomial_p_value(10, 20))
    assert "10 of 20" in score_text(constant)


def test_answers_are_counted_and_refused_after_the_end():
    test = TuringTest(REAL, FAKE, n=4, seed=0)
    truth = list(test.is_generated)
    assert test.answer(truth[0]) is True and test.answer(not truth[1]) is False
    assert test.score()["correct"] == 1 and test.score()["answered"] == 2
    test.answer(True), test.answer(True)
    with pytest.raises(RuntimeError, match="finished"):
        test.answer(True)
    with pytest.raises(TypeError, match="True"):
        TuringTest(REAL, FAKE, n=4).answer("real")


def test_bad_inputs_get_clear_errors():
    with pytest.raises(ValueError, match="even"):
        TuringTest(REAL, FAKE, n=5)
    with pytest.raises(ValueError, match="more images"):
        TuringTest(REAL[:3], FAKE, n=20)
    with pytest.raises(ValueError, match="same shape"):
        TuringTest(REAL, torch.ones(30, 1, 4, 4))
    with pytest.raises(ValueError, match="answer some"):
        TuringTest(REAL, FAKE).score()


def test_the_widget_advances_with_its_buttons_and_shows_the_score():
    pytest.importorskip("ipywidgets")
    test = TuringTest(REAL, FAKE, n=4, seed=0)
    panel = turing_test_widget(test)
    status, image, buttons = panel.children
    real_button, fake_button = buttons.children
    assert "1 of 4" in status.value and image.value[:4] == b"\x89PNG"
    for generated in list(test.is_generated):
        (fake_button if generated else real_button).click()
    assert test.done and test.score()["correct"] == 4
    assert "Finished" in status.value and "4 of 4" in status.value and real_button.disabled
    with pytest.raises(TypeError, match="TuringTest"):
        turing_test_widget(None)
