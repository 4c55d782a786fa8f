r"""The adversarial losses of the survey's Section 3, written the way the papers write them.

Every discriminator here returns a *logit* ``d`` (any real number); for the losses of the original GAN,
``D(x) = sigmoid(d)`` is the probability that ``x`` is real. Each loss is a pair of functions:

* ``discriminator(real_logits, fake_logits)``: what the discriminator (or critic) minimises;
* ``generator(fake_logits)``: what the generator minimises.

Minimax (Goodfellow et al. {cite}`survey2`, the survey's Eq. 1). D maximises
:math:`\mathbb{E}_x[\log D(x)] + \mathbb{E}_z[\log(1 - D(G(z)))]`; G minimises the second term,
:math:`\log(1 - D(G(z)))`. With :math:`\log \sigma(d) = -\mathrm{softplus}(-d)` and
:math:`\log(1 - \sigma(d)) = -\mathrm{softplus}(d)`.

Non-saturating (the remark after Eq. 1): G maximises :math:`\log D(G(z))` instead, i.e. minimises
:math:`\mathrm{softplus}(-d)`. Same fixed point, but strong gradients while D easily rejects the fakes.

Least squares (Mao et al. {cite}`survey13`, Eq. 5): D minimises :math:`\tfrac12\mathbb{E}[(D(x)-b)^2] +
\tfrac12\mathbb{E}[(D(G(z))-a)^2]`, G minimises :math:`\tfrac12\mathbb{E}[(D(G(z))-c)^2]`;
``a=0, b=1, c=1`` by default (``a=-1, b=1, c=0`` is the paper's other choice). ``d`` is used as is.

Wasserstein (Arjovsky et al. {cite}`survey12`): the critic minimises :math:`\mathbb{E}[d_{fake}] -
\mathbb{E}[d_{real}]`, the generator :math:`-\mathbb{E}[d_{fake}]`; the critic must be 1-Lipschitz,
which :func:`gradient_penalty` {cite}`gulrajani2017improved` encourages.

Hinge: D minimises :math:`\mathbb{E}[\max(0, 1 - d_{real})] + \mathbb{E}[\max(0, 1 + d_{fake})]`,
G minimises :math:`-\mathbb{E}[d_{fake}]`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable

import torch
import torch.nn.functional as F


def _check_logits(x, name):
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        raise TypeError(f"{name} must be a floating-point tensor of discriminator outputs (logits); got "
                        f"{type(x).__name__ if not isinstance(x, torch.Tensor) else x.dtype}.")
    if x.numel() == 0:
        raise ValueError(f"{name} is empty: the discriminator was given an empty batch.")
    return x


# --- minimax and non-saturating (Goodfellow et al.) ----------------------------------------------
def minimax_discriminator(real_logits, fake_logits):
    """-[log D(x) + log(1 - D(G(z)))], averaged: binary cross-entropy with real=1, fake=0."""
    real_logits, fake_logits = _check_logits(real_logits, "real_logits"), _check_logits(fake_logits, "fake_logits")
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def minimax_generator(fake_logits):
    """log(1 - D(G(z))), averaged: what G minimises in the original minimax game (it saturates)."""
    return -F.softplus(_check_logits(fake_logits, "fake_logits")).mean()


def nonsaturating_generator(fake_logits):
    """-log D(G(z)), averaged: the non-saturating generator loss."""
    return F.softplus(-_check_logits(fake_logits, "fake_logits")).mean()


# --- least squares (Mao et al.) ------------------------------------------------------------------
def least_squares_discriminator(real_logits, fake_logits, a=0.0, b=1.0):
    """1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2]."""
    real_logits, fake_logits = _check_logits(real_logits, "real_logits"), _check_logits(fake_logits, "fake_logits")
    return 0.5 * ((real_logits - b) ** 2).mean() + 0.5 * ((fake_logits - a) ** 2).mean()


def least_squares_generator(fake_logits, c=1.0):
    """1/2 E[(D(G(z)) - c)^2]."""
    return 0.5 * ((_check_logits(fake_logits, "fake_logits") - c) ** 2).mean()


# --- Wasserstein (Arjovsky et al.) and hinge ------------------------------------------------------
def wasserstein_discriminator(real_logits, fake_logits):
    """E[critic(fake)] - E[critic(real)]: minus the critic's estimate of the Wasserstein-1 distance."""
    return _check_logits(fake_logits, "fake_logits").mean() - _check_logits(real_logits, "real_logits").mean()


def wasserstein_generator(fake_logits):
    """-E[critic(G(z))]."""
    return -_check_logits(fake_logits, "fake_logits").mean()


def hinge_discriminator(real_logits, fake_logits):
    """E[max(0, 1 - d_real)] + E[max(0, 1 + d_fake)]."""
    real_logits, fake_logits = _check_logits(real_logits, "real_logits"), _check_logits(fake_logits, "fake_logits")
    return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()


def gradient_norms_at_interpolates(discriminator, real, fake, generator: torch.Generator | None = None,
                                   create_graph=False):
    r"""The norm :math:`\|\nabla_{\hat x} D(\hat x)\|_2` of the critic's input gradient at random interpolates.

    :math:`\hat x = \epsilon x + (1 - \epsilon) \tilde x` with one :math:`\epsilon \sim U[0, 1]` per sample:
    random points on straight lines between real samples :math:`x` and generated ones :math:`\tilde x`. A
    1-Lipschitz critic that is optimal has norm 1 there (Gulrajani et al. {cite}`gulrajani2017improved`).
    Returns one norm per sample, shape ``(B,)``; ``create_graph=True`` keeps them differentiable.
    """
    if real.shape != fake.shape:
        raise ValueError(f"gradient_penalty needs real and fake batches of the same shape; got {tuple(real.shape)} "
                         f"and {tuple(fake.shape)}. Use as many fake samples as real ones.")
    epsilon = torch.rand((real.shape[0],) + (1,) * (real.dim() - 1), generator=generator,
                         device=real.device if generator is None else "cpu").to(real.device, real.dtype)
    interpolates = (epsilon * real.detach() + (1 - epsilon) * fake.detach()).requires_grad_(True)
    with torch.enable_grad():
        scores = discriminator(interpolates)
        (gradients,) = torch.autograd.grad(scores.sum(), interpolates, create_graph=create_graph)
    return gradients.flatten(1).norm(2, dim=1)


def gradient_penalty(discriminator, real, fake, generator: torch.Generator | None = None):
    r"""WGAN-GP's penalty :math:`\mathbb{E}_{\hat x}[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2]`.

    Taken at random interpolates between real and generated samples (see
    :func:`gradient_norms_at_interpolates`), not at the real samples themselves. Multiply by the penalty weight (10 in the paper) and add it to the
    critic's loss.
    """
    norms = gradient_norms_at_interpolates(discriminator, real, fake, generator=generator, create_graph=True)
    return ((norms - 1) ** 2).mean()


@dataclass(frozen=True)
class GANLoss:
    """A named pair: what the discriminator minimises, and what the generator minimises.

    ``unbounded`` is True for the Wasserstein loss, whose discriminator (the WGAN paper's *critic*) has a loss
    with no lower bound (it goes negative as the critic separates real from fake); every other discriminator
    loss here is at least 0.
    """

    name: str
    discriminator: Callable
    generator: Callable
    unbounded: bool = False


def least_squares(a=0.0, b=1.0, c=1.0, name=None) -> "GANLoss":
    """The least-squares loss pair with targets ``a`` (fake), ``b`` (real) for D and ``c`` for G (Eq. 5)."""
    return GANLoss(name or f"least_squares(a={a:g}, b={b:g}, c={c:g})",
                   partial(least_squares_discriminator, a=a, b=b), partial(least_squares_generator, c=c))


#: Every loss pair of the book by name: ``get_loss(name)`` returns one.
LOSSES = {
    "minimax": GANLoss("minimax", minimax_discriminator, minimax_generator),
    "nonsaturating": GANLoss("nonsaturating", minimax_discriminator, nonsaturating_generator),
    "least_squares": least_squares(0.0, 1.0, 1.0, name="least_squares"),
    # Mao et al.'s other choice: b - c = 1 and b - a = 2, which makes the game minimise the Pearson chi^2
    # divergence between the mixture of real and fake and twice the fake distribution.
    "least_squares_pm1": least_squares(-1.0, 1.0, 0.0, name="least_squares_pm1"),
    "wasserstein": GANLoss("wasserstein", wasserstein_discriminator, wasserstein_generator, unbounded=True),
    "hinge": GANLoss("hinge", hinge_discriminator, wasserstein_generator),
}


def get_loss(name: str | GANLoss) -> GANLoss:
    """The loss pair called ``name`` (one of :data:`LOSSES`)."""
    if isinstance(name, GANLoss):
        return name
    if name not in LOSSES:
        raise ValueError(f"unknown GAN loss {name!r}: choose from {', '.join(LOSSES)}.")
    return LOSSES[name]
