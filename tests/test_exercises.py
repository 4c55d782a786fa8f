"""The exercises' self-check: what it returns, what it prints, and that it never gives the answer away."""
import numpy as np
import pytest
import torch

from gancourse.exercises import check

WRONG_ADVICE = ". Look at the hint, or open the solution below.\n"


@pytest.mark.parametrize("answer", [None, ...], ids=["None", "Ellipsis"])
def test_unanswered_says_so_and_returns_none(answer, capsys):
    assert check(answer, 0.731, what="the share of real pairs") is None
    out = capsys.readouterr().out
    assert out == "Not answered yet: replace the ... with the share of real pairs, then run this cell again.\n"
    assert "0.731" not in out


def test_correct_number_prints_the_answer(capsys):
    assert check(0.5, 0.5, what="D(x)") is True
    assert capsys.readouterr().out == "Correct: D(x) is 0.5.\n"


def test_wrong_number_prints_the_answer_and_not_the_expected_value(capsys):
    assert check(0.25, 0.731, what="D(x)") is False
    out = capsys.readouterr().out
    assert out == "Not quite: D(x) is 0.25" + WRONG_ADVICE
    assert "0.731" not in out


def test_default_what(capsys):
    check(3, 4)
    assert capsys.readouterr().out == "Not quite: your answer is 3" + WRONG_ADVICE


@pytest.mark.parametrize("answer, expected, correct", [
    # absolute tolerance (1e-3) decides near zero
    (0.0009, 0.0, True), (-0.0009, 0.0, True), (0.0011, 0.0, False), (-0.0011, 0.0, False),
    # relative tolerance (1e-3 of the larger magnitude) decides for large numbers: 1.0 around 1000
    (1000.9, 1000.0, True), (999.1, 1000.0, True), (1001.2, 1000.0, False), (998.8, 1000.0, False),
    # the relative bound scales: 1e6 +- 900 is right, +- 1100 is not
    (1_000_900.0, 1e6, True), (1_001_100.0, 1e6, False),
    (-2.0, 2.0, False),
])
def test_numbers_within_the_tolerance(answer, expected, correct):
    assert check(answer, expected) is correct


def test_a_custom_tolerance():
    assert check(10.9, 10.0, tolerance=0.1) is True     # |0.9| <= 0.1 * 10.9
    assert check(11.2, 10.0, tolerance=0.1) is False    # |1.2| >  0.1 * 11.2
    assert check(0.09, 0.0, tolerance=0.1) is True      # absolute part
    assert check(0.5001, 0.5, tolerance=0.0) is False   # no tolerance: exact only
    assert check(0.5, 0.5, tolerance=0.0) is True


def test_numbers_of_other_types_count_as_numbers():
    assert check(np.float32(0.5), 0.5) is True
    assert check(torch.tensor(0.5004), 0.5) is True
    assert check(7, 7.0) is True
    assert check(np.int64(7), 8) is False


def test_booleans(capsys):
    assert check(True, True) is True
    assert check(False, False) is True
    assert check(False, True) is False
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "Not quite: your answer is False" + WRONG_ADVICE.rstrip("\n")
    assert "True" not in out[-1]
    assert check(True, False) is False


def test_non_numbers_are_compared_by_equality(capsys):
    assert check("tanh", "tanh", what="the last activation") is True
    assert capsys.readouterr().out == "Correct: the last activation is 'tanh'.\n"
    assert check("relu", "tanh", what="the last activation") is False
    out = capsys.readouterr().out
    assert out == "Not quite: the last activation is 'relu'" + WRONG_ADVICE
    assert "tanh" not in out
    assert check([1, 2], [1, 2]) is True
    assert check((1, 2), [1, 2]) is False  # equality, not similarity
    assert check("abc", 1.0) is False
    assert check({"a": 1}, {"a": 1}) is True


@pytest.mark.parametrize("answer, expected", [
    (0.1, 0.9), (123.0, 456.789), ("least_squares", "hinge"), (False, True), (3, 12),
])
def test_a_wrong_answer_never_reveals_the_expected_value(answer, expected, capsys):
    assert check(answer, expected, what="it") is False
    out = capsys.readouterr().out
    assert out.startswith("Not quite: ")
    assert str(expected) not in out and repr(expected) not in out
