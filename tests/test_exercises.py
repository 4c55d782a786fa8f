"""The exercises' self-check: what it returns, what it prints, that it never gives the answer away, and that the
expected values come from the answer modules, not from the cell the learner reads."""
import json
import sys
import types

import numpy as np
import pytest
import torch

from gancourse import exercises
from gancourse.exercises import Case, check, matches

WRONG_ADVICE = ". Look at the hint, or open the solution below.\n"


@pytest.fixture(autouse=True)
def chapter_99(monkeypatch):
    """A chapter "99" whose answer module is this test: a value, a word, a boolean, a build-it."""
    monkeypatch.setitem(sys.modules, "gancourse.exercises.chapter_99", types.ModuleType("chapter_99"))
    registry = dict(exercises._REGISTRY)
    exercises.value("99.1", what="the share of real pairs")(lambda: 0.731)
    exercises.value("99.2", what="the last activation")(lambda: "tanh")
    exercises.value("99.3", what="your verdict")(lambda: True)
    exercises.value("99.4", what="the mean of the features")(lambda features: float(np.mean(features)))

    @exercises.function("99.5", what="your softplus")
    def _cases():
        x = torch.tensor([-50.0, 0.0, 3.0])
        return [Case("three numbers", (x,), torch.nn.functional.softplus(x)),
                Case("a large one", (torch.tensor([100.0]),), torch.tensor([100.0]))]

    @exercises.function("99.6", what="your step")
    def _step_cases():  # the effect of a step is on the tensor it is given
        return [Case("a zero vector", (torch.zeros(3),), torch.ones(3), extract=lambda result, args: args[0])]
    yield
    exercises._REGISTRY.clear()
    exercises._REGISTRY.update(registry)


@pytest.mark.parametrize("answer", [None, ...], ids=["None", "Ellipsis"])
def test_unanswered_says_so_and_returns_none(answer, capsys):
    assert check("99.1", answer) is None
    out = capsys.readouterr().out
    assert out == "Not answered yet: replace the ... with the share of real pairs, then run this cell again.\n"
    assert "0.731" not in out


def test_correct_number_prints_the_answer(capsys):
    assert check("99.1", 0.7312) is True
    assert capsys.readouterr().out == "Correct: the share of real pairs is 0.7312.\n"


def test_wrong_number_prints_the_answer_and_not_the_expected_value(capsys):
    assert check("99.1", 0.25) is False
    out = capsys.readouterr().out
    assert out == "Not quite: the share of real pairs is 0.25" + WRONG_ADVICE
    assert "0.731" not in out


def test_words_and_booleans(capsys):
    assert check("99.2", "tanh") is True
    assert check("99.2", "relu") is False
    assert "tanh" not in capsys.readouterr().out.splitlines()[-1]
    assert check("99.3", True) is True
    assert check("99.3", 1) is False          # the number 1 is not the verdict True
    assert check("99.3", np.bool_(True)) is True
    assert check("99.3", torch.tensor(True)) is True


def test_the_chapters_objects_are_passed_by_name():
    features = np.arange(6.0)
    assert check("99.4", 2.5, features=features) is True
    assert check("99.4", 3.0, features=features) is False


@pytest.mark.parametrize("answer, expected, correct", [
    # near zero only the absolute tolerance (1e-3 squared) can decide: 0 is not 4e-4
    (0.0000009, 0.0, True), (-0.0000009, 0.0, True), (0.0000011, 0.0, False), (0.0, 4e-4, False),
    # relative tolerance (1e-3 of the larger magnitude) decides for large numbers: 1.0 around 1000
    (1000.9, 1000.0, True), (999.1, 1000.0, True), (1001.2, 1000.0, False), (998.8, 1000.0, False),
    (1_000_900.0, 1e6, True), (1_001_100.0, 1e6, False),
    (-2.0, 2.0, False),
    # numbers of other types count as numbers
    (np.float32(0.5), 0.5, True), (torch.tensor(0.5004), 0.5, True), (7, 7.0, True), (np.int64(7), 8, False),
    # whole numbers exactly: a count off by 5 is wrong however large it is
    (12345, 12350, False), (12350.0, 12350, True), (torch.tensor(64), 64, True),
    # a number for a one-element tensor
    (0.5, torch.tensor([0.5]), True),
    # equality for everything else; lists and tuples item by item
    ([1, 2], [1, 2], True), ((1, 2), [1, 2], True), ([1, 3], [1, 2], False), ("abc", 1.0, False),
    ({"a": 1}, {"a": 1}, True),
])
def test_matches_within_the_tolerance(answer, expected, correct):
    assert matches(answer, expected, 1e-3) is correct


def test_tensors_match_by_shape_and_value():
    assert matches(torch.ones(3), torch.ones(3) + 1e-6, 1e-5)
    assert not matches(torch.ones(3), torch.ones(3) + 1e-3, 1e-5)
    assert not matches(torch.ones(1, 3), torch.ones(3), 1e-5)     # broadcasting would hide a wrong shape
    assert not matches(1.0, torch.ones(3), 1e-5)
    assert matches(np.ones((2, 2)), torch.ones(2, 2), 1e-5)


@pytest.mark.parametrize("stub", [lambda x: ..., lambda x: None], ids=["Ellipsis", "None"])
def test_a_build_it_stub_is_not_answered(stub, capsys):
    assert check("99.5", stub) is None
    assert capsys.readouterr().out.startswith("Not answered yet")


def test_a_build_it_raising_not_implemented_is_not_answered(capsys):
    def stub(x):
        raise NotImplementedError
    assert check("99.5", stub) is None


def test_a_correct_build_it(capsys):
    assert check("99.5", torch.nn.functional.softplus) is True
    assert capsys.readouterr().out == "Correct: your softplus matches the library on all 2 test inputs.\n"


def test_a_naive_build_it_fails_on_the_case_that_breaks_it(capsys):
    # log(1 + exp(x)) overflows at 100 in single precision: the second case catches it
    assert check("99.5", lambda x: torch.log(1 + torch.exp(x))) is False
    out = capsys.readouterr().out
    assert "on a large one" in out and "100" not in out


def test_a_build_it_that_raises_names_the_error(capsys):
    assert check("99.5", lambda x: x.no_such_method()) is False
    out = capsys.readouterr().out
    assert out.startswith("Not quite: your softplus raised AttributeError") and "three numbers" in out


def test_a_build_it_that_is_not_a_function(capsys):
    assert check("99.5", 3.0) is False
    assert "should be a function" in capsys.readouterr().out


def test_a_step_is_judged_by_its_effect():
    def step(x):
        x += 1
        return "done"
    assert check("99.6", step) is True
    assert check("99.6", lambda x: "done") is False


def test_unknown_exercises_get_clear_errors():
    with pytest.raises(ValueError, match=r"no exercise '99.9'; chapter 99 has 99.1, 99.2"):
        check("99.9", 1)
    with pytest.raises(ValueError, match="no exercises are registered for chapter 98"):
        check("98.1", 1)
    with pytest.raises(ValueError, match=r"check\(\) takes the exercise's number first"):
        check("the answer", 1)


def test_every_check_is_logged(tmp_path, monkeypatch):
    log = tmp_path / "checks.jsonl"
    monkeypatch.setenv("GANCOURSE_CHECK_LOG", str(log))
    check("99.1", ...)
    check("99.1", 0.2)
    check("99.5", torch.nn.functional.softplus)
    assert [json.loads(line) for line in log.read_text().splitlines()] == [
        {"exercise": "99.1", "result": None}, {"exercise": "99.1", "result": False},
        {"exercise": "99.5", "result": True}]


def test_exercises_of_a_chapter_in_order():
    exercises.value("99.10", what="x")(lambda: 1)
    assert exercises.exercises_of("99")[-2:] == ["99.6", "99.10"]


def test_a_build_it_may_not_call_the_library_it_is_checked_against(capsys):
    exercises.function("99.7", what="your softplus", forbid=("softplus",))(
        lambda: [Case("one number", (torch.tensor([1.0]),), torch.nn.functional.softplus(torch.tensor([1.0])))])

    def lazy(x):
        return torch.nn.functional.softplus(x)
    assert check("99.7", lazy) is False
    assert "calls softplus" in capsys.readouterr().out

    def own(x):
        return torch.log1p(torch.exp(-x.abs())) + x.clamp(min=0)
    assert check("99.7", own) is True


def test_an_answer_cannot_pass_by_changing_the_expected_value_in_place():
    zeros = torch.zeros(3)
    exercises.function("99.8", what="your copy")(lambda: [Case("a vector", (zeros,), zeros)])
    assert check("99.8", lambda x: x.clone()) is True

    def sneaky(x):
        x.fill_(7.0)   # would change the expected value too, if it were the same tensor
        return x
    assert check("99.8", sneaky) is False


def test_a_forgotten_return_is_named(capsys):
    def forgot(x):
        torch.nn.functional.softplus(x)
    assert check("99.5", forgot) is False
    assert "did you forget a return?" in capsys.readouterr().out


def test_an_unexpected_keyword_is_named():
    with pytest.raises(TypeError, match=r"check\('99.1', ...\) got \['tolerance'\].*only the answer"):
        check("99.1", 0.7, tolerance=0.1)


def test_a_check_leaves_the_random_numbers_alone():
    @exercises.value("99.9", what="a draw")
    def _seeded():
        torch.manual_seed(0)
        np.random.seed(0)
        return float(torch.rand(1))
    torch.manual_seed(123)
    np.random.seed(123)
    check("99.9", 0.5)
    after = (torch.rand(1).item(), np.random.rand())
    torch.manual_seed(123)
    np.random.seed(123)
    assert after == (torch.rand(1).item(), np.random.rand())


def test_one_key_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        exercises.value("99.1", what="another")(lambda: 0.1)


def test_an_answer_measured_on_a_sample_gets_an_absolute_tolerance():
    exercises.value("99.11", what="a share", tolerance=0.1, absolute=0.05)(lambda: 0.3)
    assert check("99.11", 0.34) is True      # within 0.05
    assert check("99.11", 0.36) is False
