"""Answers to the exercises of chapter 3.7 (WGAN and WGAN-GP)."""
import math

import torch

from gancourse import exercises
from gancourse.exercises import Case
from gancourse.losses import gradient_penalty
from gancourse.nets import DCGANDiscriminator, MLPDiscriminator

# (rows, columns) of each weight matrix of the chapter's toy critic: 2 inputs, three hidden layers of 128, 1 output
TOY_CRITIC_LAYERS = [(128, 2), (128, 128), (128, 128), (1, 128)]
CLIP = 0.01


def _clipping_bound():
    return math.prod(CLIP * math.sqrt(m * n) for m, n in TOY_CRITIC_LAYERS)


@exercises.value("3.7.1", what="the penalty term")
def _linear_critic_penalty():
    # f(x) = w . x with |w| = 3 has gradient norm 3 at every interpolate, wherever the samples lie
    w = torch.tensor([3.0, 0.0])
    generator = torch.Generator().manual_seed(0)
    real, fake = torch.randn(64, 2, generator=generator), 3 + torch.randn(64, 2, generator=generator)
    return 10 * gradient_penalty(lambda x: x @ w, real, fake, generator=generator).item()


@exercises.value("3.7.2", what="the bound on the clipped critic's Lipschitz constant", tolerance=1e-4)
def _clipping_lipschitz_bound():
    return _clipping_bound()


@exercises.value("3.7.3", what="the guaranteed lower bound on W1")
def _guaranteed_lower_bound(estimate):
    # f / K is 1-Lipschitz for any K that bounds f's Lipschitz constant, so estimate / K <= W1
    return estimate / _clipping_bound()


def _critic_gradient(penalty, args):
    """The gradient of a penalty with respect to the critic's first weight (the critic is ``args[0]``): it exists
    only when the penalty was computed with ``create_graph=True``, which is what lets the critic be trained
    through it."""
    critic = args[0]
    if not isinstance(penalty, torch.Tensor) or not penalty.requires_grad or not isinstance(critic, torch.nn.Module):
        return None
    try:
        (gradient,) = torch.autograd.grad(penalty, next(critic.parameters()), allow_unused=True)
    except RuntimeError:
        return None
    return gradient


def _penalty_case(label, critic, real, fake, seed, through_weights=False):
    # the library draws epsilon with this generator; the learner is handed the same draw
    epsilon = torch.rand((real.shape[0],) + (1,) * (real.dim() - 1), generator=torch.Generator().manual_seed(seed))
    expected = gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(seed))
    if through_weights:
        (expected,) = torch.autograd.grad(expected, next(critic.parameters()))
        return Case(label, (critic, real, fake, epsilon), expected, extract=_critic_gradient)
    return Case(label, (critic, real, fake, epsilon), expected.detach())


@exercises.function("3.7.4", what="your gradient penalty", forbid=("gradient_penalty",))
def _gradient_penalty_cases():
    torch.manual_seed(0)
    points = MLPDiscriminator((2,), hidden=(32, 32))
    real_points, fake_points = torch.randn(64, 2), 2 + torch.randn(64, 2)
    images = DCGANDiscriminator(width=4, image_size=16, norm="layer")
    real_images, fake_images = torch.rand(8, 1, 16, 16) * 2 - 1, torch.rand(8, 1, 16, 16) * 2 - 1
    torch.manual_seed(1)
    trained_through = MLPDiscriminator((2,), hidden=(16,))
    w = torch.tensor([0.6, -0.8]) * 2.5
    return [
        _penalty_case("a small MLP critic on 64 pairs of 2-D points", points, real_points, fake_points, 5),
        _penalty_case("a linear critic with |w| = 2.5", lambda x: x @ w, real_points, fake_points, 6),
        _penalty_case("a layer-norm DCGAN critic on 8 pairs of 16x16 images", images, real_images, fake_images, 7),
        _penalty_case("the penalty's gradient with respect to the critic's first weights (create_graph=True)",
                      trained_through, real_points, fake_points, 8, through_weights=True),
    ]
