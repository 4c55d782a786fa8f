"""Self-checks for the exercises: the learner's answer against a value the library computes."""
from __future__ import annotations

import math


def check(answer, expected, *, tolerance: float = 1e-3, what: str = "your answer") -> bool | None:
    """Print whether ``answer`` matches ``expected`` (numbers within a relative ``tolerance``, anything else
    by equality). ``None`` means "not answered yet". Returns True, False or None."""
    if answer is None or answer is ...:
        print(f"Not answered yet: replace the ... with {what}, then run this cell again.")
        return None
    try:
        correct = math.isclose(float(answer), float(expected), rel_tol=tolerance, abs_tol=tolerance)
    except (TypeError, ValueError):
        correct = answer == expected
    print(("Correct: " if correct else "Not quite: ") + f"{what} is {answer!r}"
          + ("." if correct else ". Look at the hint, or open the solution below."))
    return correct
