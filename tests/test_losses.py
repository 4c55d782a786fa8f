"""Every loss against hand-computed values and against its paper's formula."""
import math

import pytest
import torch

from gancourse import losses
from gancourse.losses import gradient_penalty, get_loss

REAL = torch.tensor([2.0, -1.0])  # discriminator logits on real samples
FAKE = torch.tensor([0.5, -3.0])  # ... and on generated samples
sigmoid = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731


def test_minimax_discriminator_is_binary_cross_entropy_by_hand():
    by_hand = -(math.log(sigmoid(2.0)) + math.log(sigmoid(-1.0))) / 2 \
              - (math.log(1 - sigmoid(0.5)) + math.log(1 - sigmoid(-3.0))) / 2
    assert losses.minimax_discriminator(REAL, FAKE).item() == pytest.approx(by_hand, rel=1e-6)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    assert by_hand == pytest.approx((bce(REAL, torch.ones(2)) + bce(FAKE, torch.zeros(2))).item(), rel=1e-6)


def test_minimax_generator_is_log_one_minus_d():
    by_hand = (math.log(1 - sigmoid(0.5)) + math.log(1 - sigmoid(-3.0))) / 2
    assert losses.minimax_generator(FAKE).item() == pytest.approx(by_hand, rel=1e-6)


def test_nonsaturating_generator_is_minus_log_d():
    by_hand = -(math.log(sigmoid(0.5)) + math.log(sigmoid(-3.0))) / 2
    assert losses.nonsaturating_generator(FAKE).item() == pytest.approx(by_hand, rel=1e-6)


def test_minimax_saturates_where_nonsaturating_does_not():
    # A confidently rejected fake: D(G(z)) = sigmoid(-6), about 0.0025.
    d = torch.tensor([-6.0], requires_grad=True)
    losses.minimax_generator(d).backward()
    g_minimax = d.grad.abs().item()
    d.grad = None
    losses.nonsaturating_generator(d).backward()
    g_nonsat = d.grad.abs().item()
    assert g_minimax == pytest.approx(sigmoid(-6.0), rel=1e-5)      # d/dd log(1 - s(d)) = -s(d)
    assert g_nonsat == pytest.approx(1 - sigmoid(-6.0), rel=1e-5)   # d/dd -log s(d) = -(1 - s(d))
    assert g_nonsat > 100 * g_minimax


def test_logits_do_not_overflow():
    big = torch.tensor([80.0, -80.0])
    for value in (losses.minimax_discriminator(big, -big), losses.nonsaturating_generator(big),
                  losses.minimax_generator(big)):
        assert torch.isfinite(value)


@pytest.mark.parametrize("a,b,c", [(0.0, 1.0, 1.0), (-1.0, 1.0, 0.0)])
def test_least_squares_matches_eq5(a, b, c):
    by_hand_d = 0.5 * ((2 - b) ** 2 + (-1 - b) ** 2) / 2 + 0.5 * ((0.5 - a) ** 2 + (-3 - a) ** 2) / 2
    by_hand_g = 0.5 * ((0.5 - c) ** 2 + (-3 - c) ** 2) / 2
    assert losses.least_squares_discriminator(REAL, FAKE, a=a, b=b).item() == pytest.approx(by_hand_d)
    assert losses.least_squares_generator(FAKE, c=c).item() == pytest.approx(by_hand_g)


def test_wasserstein_and_hinge_by_hand():
    assert losses.wasserstein_discriminator(REAL, FAKE).item() == pytest.approx((0.5 - 3) / 2 - (2 - 1) / 2)
    assert losses.wasserstein_generator(FAKE).item() == pytest.approx(-(0.5 - 3) / 2)
    hinge = (max(0, 1 - 2) + max(0, 1 + 1)) / 2 + (max(0, 1 + 0.5) + max(0, 1 - 3)) / 2
    assert losses.hinge_discriminator(REAL, FAKE).item() == pytest.approx(hinge)


def test_gradient_penalty_of_a_linear_critic():
    # critic(x) = w . x has gradient w everywhere: the penalty is (|w| - 1)^2, wherever it is evaluated.
    w = torch.tensor([3.0, 4.0])  # |w| = 5
    critic = lambda x: x @ w  # noqa: E731
    real, fake = torch.randn(16, 2), torch.randn(16, 2)
    assert gradient_penalty(critic, real, fake).item() == pytest.approx((5 - 1) ** 2)


def test_gradient_penalty_is_taken_at_interpolates_not_at_real_samples():
    # critic(x) = |x|^2 / 2 has gradient x: the penalty depends on where it is evaluated.
    critic = lambda x: 0.5 * (x ** 2).sum(dim=1)  # noqa: E731
    real = torch.full((4096, 1), 3.0)
    fake = torch.full((4096, 1), -1.0)
    # at x_hat = e*3 + (1-e)*(-1) = 4e - 1 with e ~ U[0, 1]: E[(|4e - 1| - 1)^2], by numerical integration
    e = torch.linspace(0, 1, 200001)
    expected = (((4 * e - 1).abs() - 1) ** 2).mean().item()
    g = torch.Generator().manual_seed(0)
    value = gradient_penalty(critic, real, fake, generator=g).item()
    assert value == pytest.approx(expected, rel=0.05)
    assert value != pytest.approx((3 - 1) ** 2, rel=0.2)  # what a penalty at the real samples would give


def test_gradient_penalty_flows_into_critic_parameters():
    critic = torch.nn.Linear(3, 1)
    penalty = gradient_penalty(lambda x: critic(x).squeeze(1), torch.randn(8, 3), torch.randn(8, 3))
    penalty.backward()
    assert critic.weight.grad is not None and critic.weight.grad.abs().sum() > 0


def test_bad_inputs_are_explained():
    with pytest.raises(ValueError, match="unknown GAN loss 'wgan'.*minimax"):
        get_loss("wgan")
    with pytest.raises(TypeError, match="floating-point"):
        losses.nonsaturating_generator(torch.tensor([1, 0]))
    with pytest.raises(ValueError, match="empty batch"):
        losses.wasserstein_generator(torch.tensor([]))
    with pytest.raises(ValueError, match="same shape"):
        gradient_penalty(lambda x: x.sum(1), torch.randn(4, 2), torch.randn(3, 2))


@pytest.mark.parametrize("a,b,c,name", [(0.0, 1.0, 1.0, "least_squares"), (-1.0, 1.0, 0.0, "least_squares_pm1")])
def test_named_least_squares_variants_match_their_formula(a, b, c, name):
    pair = get_loss(name)
    by_hand_d = 0.5 * ((2 - b) ** 2 + (-1 - b) ** 2) / 2 + 0.5 * ((0.5 - a) ** 2 + (-3 - a) ** 2) / 2
    by_hand_g = 0.5 * ((0.5 - c) ** 2 + (-3 - c) ** 2) / 2
    assert pair.discriminator(REAL, FAKE).item() == pytest.approx(by_hand_d)
    assert pair.generator(FAKE).item() == pytest.approx(by_hand_g)
    # the generator's gradient is (d - c) / batch: zero exactly at its target c
    d = torch.tensor([c], requires_grad=True)
    pair.generator(d).backward()
    assert d.grad.item() == 0


@pytest.mark.parametrize("w", [[3.0, 4.0], [0.3, 0.4], [0.6, 0.8], [0.0, 0.0]])
def test_critic_gradient_norm_and_penalty_of_linear_critics(w):
    w = torch.tensor(w)
    critic = lambda x: x @ w  # noqa: E731
    real, fake = torch.randn(32, 2), torch.randn(32, 2)
    norm = w.norm().item()
    assert torch.allclose(losses.gradient_norms_at_interpolates(critic, real, fake), torch.full((32,), norm))
    assert (10 * gradient_penalty(critic, real, fake)).item() == pytest.approx(10 * (norm - 1) ** 2, abs=1e-6)
