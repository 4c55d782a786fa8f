"""Answers to the exercises of chapter 3.8 (LSGAN, and every loss of Part I side by side)."""
import math

import torch

from gancourse import exercises
from gancourse.exercises import Case
from gancourse.losses import LOSSES, least_squares


def _generator_gradient(loss, score):
    """|dL_G/dd| for one generated sample scored ``score`` by the discriminator."""
    d = torch.tensor([float(score)], requires_grad=True)
    (gradient,) = torch.autograd.grad(loss.generator(d), d)
    return gradient.abs().item()


@exercises.value("3.8.1", what="the ratio of the two gradients")
def _non_saturating_over_minimax():
    d = math.log(0.02 / 0.98)  # the logit of D(G(z)) = 0.02
    return _generator_gradient(LOSSES["nonsaturating"], d) / _generator_gradient(LOSSES["minimax"], d)


@exercises.value("3.8.2", what="the generator's loss")
def _custom_least_squares():
    return least_squares(-1.0, 1.0, 0.0).generator(torch.tensor([-1.0, 0.0, 2.0])).item()


@exercises.function("3.8.3", what="your least-squares loss pair", forbid=("least_squares",))
def _least_squares_cases():
    generator = torch.Generator().manual_seed(0)
    cases = []
    for (a, b, c), (n_real, n_fake) in [((0.0, 1.0, 1.0), (8, 8)), ((-1.0, 1.0, 0.0), (16, 16)),
                                        ((0.5, 2.0, -1.0), (5, 12))]:
        real = 2 * torch.randn(n_real, generator=generator)
        fake = 2 * torch.randn(n_fake, generator=generator)
        loss = least_squares(a, b, c)
        cases.append(Case(f"targets a={a:g}, b={b:g}, c={c:g} on {n_real} real and {n_fake} fake scores",
                          (real, fake, a, b, c), (loss.discriminator(real, fake), loss.generator(fake))))
    return cases
