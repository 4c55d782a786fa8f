"""Expected values and reference cases of chapter 5.1's exercises (evaluating and trusting GANs)."""
import math

import torch

from gancourse import exercises
from gancourse.exercises import Case
from gancourse.metrics.distances import precision_recall
from gancourse.metrics.support import support_from_collision_rate


@exercises.value("5.1.1", what="the batch size at which half the batches hold a repeat")
def _half_collision_batch():
    return math.sqrt(2 * 10_000 * math.log(2))


@exercises.function("5.1.2", what="your support estimate", tolerance=1e-6,
                    forbid=("support_from_collision_rate", "birthday_test"))
def _support_cases():
    cases = [("batches of 50, 30 % collide", 50, 0.3), ("batches of 200, 90 % collide", 200, 0.9),
             ("batches of 10, 0.5 % collide", 10, 0.005)]
    # s / (2 ln ...) instead of s ** 2, or ln(1 - p) without the minus, fail every case
    return [Case(label, (s, p), support_from_collision_rate(s, p)) for label, s, p in cases]


@exercises.function("5.1.3", what="your precision", tolerance=1e-9, forbid=("precision_recall",))
def _precision_cases():
    stream = torch.Generator().manual_seed(5)
    real = torch.randn(60, 3, generator=stream, dtype=torch.float64)
    shifted = torch.randn(50, 3, generator=stream, dtype=torch.float64) + 1.5
    # uneven gaps, so that the 1st, 2nd and 3rd other neighbours give different radii (k=2: 3, 2, 3, 3, 7)
    line = torch.tensor([0.0, 1.0, 3.0, 6.0, 10.0], dtype=torch.float64)[:, None]
    # -4 is outside every ball, -2.5 and 15 inside with k=2 only, 17 on the boundary of 10's ball (radius 7),
    # 20 outside: precision 3/5; the k-th point counting itself gives 0, the (k+1)-th other 4/5, "<" 2/5
    off_line = torch.tensor([-4.0, -2.5, 15.0, 17.0, 20.0], dtype=torch.float64)[:, None]
    cases = [("60 real and 50 shifted points in 3-D, k=3", real, shifted, 3),
             ("the real points against themselves, k=1", real, real, 1),
             # the ball radius must be the k-th *other* point, and the ball closed (distance <= radius)
             ("5 unevenly spaced points on a line, 5 fakes around them, k=2", line, off_line, 2)]
    return [Case(label, (r, f, k), precision_recall(r, f, k=k)[0]) for label, r, f, k in cases]
