"""Self-checks for the exercises.

A chapter's exercise cell calls ``check("3.7.2", answer)``: the expected value is computed here, in the
chapter's answer module (``gancourse/exercises/chapter_3_7.py``), never in the cell the learner reads. There
are two kinds of exercise:

- a **value** (a number, a word, a boolean), compared within a tolerance;
- a **build-it** exercise: the learner writes a function (a loss, a layer, a training step) and the check runs
  it on fixed inputs against the library's own implementation.

A wrong answer is never followed by the expected value. Set ``GANCOURSE_CHECK_LOG`` to a file name and every
check appends one JSON line (``{"exercise": ..., "result": true | false | null}``): that is what
``python -m gancourse.exercises.grade`` and the book's tests read.
"""
from __future__ import annotations

import contextlib
import copy
import importlib
import inspect
import json
import math
import numbers
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable

NOT_ANSWERED = None
_KEY = re.compile(r"^(\d+(?:\.\d+)?)\.(\d+)$")   # "3.7.2": chapter 3.7, exercise 2; "0.1": Getting started


@dataclass(frozen=True)
class Case:
    """One fixed input of a build-it exercise: the learner's function is called as ``fn(*args)``; its result
    (or ``extract(result, args)``, for a step whose effect is on the networks it is given) must match
    ``expected``."""
    label: str
    args: tuple
    expected: Any
    extract: Callable | None = None


@dataclass(frozen=True)
class Exercise:
    key: str
    what: str
    kind: str                      # "value" or "function"
    reference: Callable            # value: (**given) -> expected; function: (**given) -> list[Case]
    tolerance: float = 1e-3
    forbid: tuple = field(default=())  # library functions a build-it answer must not call (it would pass by copying)
    absolute: float | None = None      # absolute tolerance for numbers (default: tolerance squared)


_REGISTRY: dict[str, Exercise] = {}


def value(key: str, what: str, *, tolerance: float = 1e-3, absolute: float | None = None):
    """Register ``reference(**given)`` as the expected value of exercise ``key`` (used in answer modules).
    Numbers match within a relative ``tolerance`` or an ``absolute`` one (default: ``tolerance`` squared); an
    answer drawn at random, like a share measured on a sample, needs an ``absolute`` tolerance its noise fits."""
    def register(reference):
        _add(Exercise(key, what, "value", reference, tolerance, absolute=absolute))
        return reference
    return register


def function(key: str, what: str, *, tolerance: float = 1e-5, forbid: tuple = ()):
    """Register ``cases(**given) -> list[Case]`` as the test of build-it exercise ``key``. ``forbid`` names the
    library functions the learner's answer may not call: the ones it is checked against."""
    def register(cases):
        _add(Exercise(key, what, "function", cases, tolerance, tuple(forbid)))
        return cases
    return register


def _add(exercise: Exercise):
    if not _KEY.match(exercise.key):
        raise ValueError(f"exercise key {exercise.key!r} is not of the form '<chapter>.<n>', e.g. '3.7.2'")
    earlier = _REGISTRY.get(exercise.key)
    reference = exercise.reference
    if earlier is not None and (earlier.reference.__module__, earlier.reference.__qualname__) != \
            (reference.__module__, reference.__qualname__):
        raise ValueError(f"exercise {exercise.key} is registered twice ({earlier.reference.__qualname__} and "
                         f"{reference.__qualname__}); number the second one differently")
    _REGISTRY[exercise.key] = exercise


def chapter_of(key: str) -> str:
    match = _KEY.match(str(key))
    if not match:
        raise ValueError(f"check() takes the exercise's number first, like check(\"3.7.2\", answer); got {key!r}")
    return match.group(1)


def exercise(key: str) -> Exercise:
    """The registered exercise ``key``, importing its chapter's answer module on first use."""
    chapter = chapter_of(key)
    module = "gancourse.exercises.chapter_" + chapter.replace(".", "_")
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        raise ValueError(f"no exercises are registered for chapter {chapter} (no module {module})") from None
    if key not in _REGISTRY:
        known = sorted(k for k in _REGISTRY if chapter_of(k) == chapter)
        raise ValueError(f"no exercise {key!r}; chapter {chapter} has {', '.join(known) or 'none'}. "
                         "Check the first argument of check().")
    return _REGISTRY[key]


def exercises_of(chapter: str) -> list[str]:
    """The keys of every exercise of ``chapter`` ("3.7"), in order."""
    module = "gancourse.exercises.chapter_" + chapter.replace(".", "_")
    importlib.import_module(module)
    return sorted((k for k in _REGISTRY if chapter_of(k) == chapter), key=lambda k: int(k.rsplit(".", 1)[1]))


def check(key: str, answer, **given) -> bool | None:
    """Print whether ``answer`` is right for exercise ``key``; return True, False or None (not answered yet).

    ``given`` passes the chapter's own objects when the expected value depends on them (for example the
    features a Fréchet distance is computed from)."""
    ex = exercise(key)
    accepted = inspect.signature(ex.reference).parameters
    unexpected = sorted(set(given) - set(accepted))
    if unexpected and not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
        raise TypeError(f"check({key!r}, ...) got {unexpected}, which exercise {key} does not use; it takes "
                        f"{sorted(accepted) or 'only the answer'}")
    with _random_state_kept():  # a check must not change the chapter's random numbers
        if ex.kind == "value":
            result = _check_value(ex, answer, given)
        else:
            result = _check_function(ex, answer, given)
    _log(key, result)
    return result


@contextlib.contextmanager
def _random_state_kept():
    import numpy as np
    import torch
    state = np.random.get_state()
    try:
        with torch.random.fork_rng(devices=[]):
            yield
    finally:
        np.random.set_state(state)


def _not_answered(what: str) -> None:
    print(f"Not answered yet: replace the ... with {what}, then run this cell again.")
    return NOT_ANSWERED


def _check_value(ex: Exercise, answer, given) -> bool | None:
    if answer is None or answer is ...:
        return _not_answered(ex.what)
    correct = matches(answer, ex.reference(**given), ex.tolerance, ex.absolute)
    print(("Correct: " if correct else "Not quite: ") + f"{ex.what} is {_show(answer)}"
          + ("." if correct else ". Look at the hint, or open the solution below."))
    return correct


def _check_function(ex: Exercise, fn, given) -> bool | None:
    if fn is None or fn is ...:
        return _not_answered(ex.what)
    if not callable(fn):
        print(f"Not quite: {ex.what} should be a function; got {type(fn).__name__}.")
        return False
    source = _source(fn)
    copied = [name for name in ex.forbid if re.search(rf"\b{re.escape(name)}\s*\(", source)]
    if copied:
        print(f"Not quite: {ex.what} calls {', '.join(copied)}, the library's own version; write it yourself.")
        return False
    cases = ex.reference(**given)
    for number, case in enumerate(cases):
        args = _copied(case.args)  # so that an answer cannot pass by changing the expected value in place
        try:
            result = fn(*args)
        except NotImplementedError:
            return _not_answered(ex.what)
        except Exception as error:  # the learner's code: report it, as a test runner would
            print(f"Not quite: {ex.what} raised {type(error).__name__}: {error} (on {case.label}).")
            return False
        if result is ... or (number == 0 and result is None and (not source or "..." in source)):
            return _not_answered(ex.what)
        if result is None and case.extract is None:
            print(f"Not quite: {ex.what} returned None on {case.label}: did you forget a return?")
            return False
        got = case.extract(result, args) if case.extract else result
        if not matches(got, case.expected, ex.tolerance):
            print(f"Not quite: {ex.what} gives {_show(got)} on {case.label}, which does not match the library's. "
                  "Look at the hint, or open the solution below.")
            return False
    print(f"Correct: {ex.what} matches the library on all {len(cases)} test inputs.")
    return True


def _source(fn) -> str:
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return ""


def _copied(args: tuple) -> tuple:
    try:
        return copy.deepcopy(args)
    except Exception:  # something that cannot be copied (a generator object): hand over the original
        return args


def matches(answer, expected, tolerance: float, absolute: float | None = None) -> bool:
    """Whole numbers exactly; other numbers within a relative ``tolerance`` or an ``absolute`` one (default
    ``tolerance`` squared, for values near zero); tensors and arrays of the same shape, element by element;
    lists and tuples item by item; booleans only by booleans; anything else by equality."""
    absolute = tolerance ** 2 if absolute is None else absolute
    answer, expected = _scalar(answer), _scalar(expected)
    if hasattr(expected, "shape") and _size(expected) == 1 and not hasattr(answer, "shape"):
        expected = _scalar(expected.reshape(()))  # one number in a tensor of shape (1,): a number will do
    if hasattr(expected, "shape"):
        if not hasattr(answer, "shape") or tuple(answer.shape) != tuple(expected.shape):
            return False
        import numpy as np
        a = np.asarray(answer.detach().cpu() if hasattr(answer, "detach") else answer, dtype=float)
        e = np.asarray(expected.detach().cpu() if hasattr(expected, "detach") else expected, dtype=float)
        return bool(np.allclose(a, e, rtol=tolerance, atol=absolute))
    if isinstance(expected, bool) or isinstance(answer, bool):   # True is not the number 1 here
        return isinstance(expected, bool) and isinstance(answer, bool) and answer == expected
    if isinstance(expected, (tuple, list)) and isinstance(answer, (tuple, list)):
        return len(answer) == len(expected) and all(matches(a, e, tolerance, absolute)
                                                      for a, e in zip(answer, expected))
    if isinstance(expected, str) or isinstance(answer, str):
        return answer == expected
    if isinstance(expected, numbers.Integral):
        try:
            return float(answer) == float(expected)
        except (TypeError, ValueError):
            return False
    try:
        return math.isclose(float(answer), float(expected), rel_tol=tolerance, abs_tol=absolute)
    except (TypeError, ValueError):
        return answer == expected


def _size(x) -> int:
    return int(math.prod(tuple(x.shape)))


def _scalar(x):
    """A one-number tensor or array as a Python number (a 0-d boolean as a bool)."""
    if hasattr(x, "shape") and hasattr(x, "item") and len(tuple(x.shape)) == 0:
        return x.item()
    return x


def _show(answer) -> str:
    answer = _scalar(answer)
    if hasattr(answer, "shape"):
        return f"a {type(answer).__name__} of shape {tuple(answer.shape)}"
    return repr(answer)


def _log(key: str, result):
    path = os.environ.get("GANCOURSE_CHECK_LOG")
    if path:
        with open(path, "a") as log:
            log.write(json.dumps({"exercise": key, "result": result}) + "\n")

