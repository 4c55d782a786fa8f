"""pix2pix, step by step: the coarse condition against block means and bilinear upsampling computed in NumPy, and
Pix2PixTrainer.step() against its losses and Adam updates written out by hand on copies of the networks."""
import copy
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gancourse.methods.pix2pix import Pix2PixTrainer, coarsen, stack_condition
from gancourse.nets import PatchDiscriminator, UNetGenerator


# --------------------------------------------------------------------------- coarsen
def block_means(a, block):
    """(H, W) -> (H/block, W/block) block averages, with NumPy."""
    h, w = a.shape
    return a.reshape(h // block, block, w // block, block).mean(axis=(1, 3))


def bilinear_weights(n_in, scale):
    """The (n_in * scale, n_in) matrix of 1-D linear interpolation with half-pixel centres (align_corners=False):
    output pixel i samples the input at (i + 0.5) / scale - 0.5, clamped to the first and last input pixel."""
    n_out = n_in * scale
    weights = np.zeros((n_out, n_in))
    for i in range(n_out):
        source = max((i + 0.5) / scale - 0.5, 0.0)
        left = min(int(math.floor(source)), n_in - 1)
        right = min(left + 1, n_in - 1)
        frac = source - left
        weights[i, left] += 1 - frac
        weights[i, right] += frac
    return weights


def coarsen_numpy(maps, block):
    out = np.empty_like(maps, dtype=np.float64)
    for n in range(maps.shape[0]):
        for c in range(maps.shape[1]):
            coarse = block_means(maps[n, c].astype(np.float64), block)
            rows, cols = bilinear_weights(coarse.shape[0], block), bilinear_weights(coarse.shape[1], block)
            out[n, c] = rows @ coarse @ cols.T
    return out


def test_coarsen_4x4_block_2_by_hand():
    maps = torch.arange(16.0).view(1, 1, 4, 4)
    # block means [[2.5, 4.5], [10.5, 12.5]]; bilinear x2 (half-pixel centres) interpolates each row and column
    # as [a, 3a/4 + b/4, a/4 + 3b/4, b]
    expected = torch.tensor([[2.5, 3.0, 4.0, 4.5],
                             [4.5, 5.0, 6.0, 6.5],
                             [8.5, 9.0, 10.0, 10.5],
                             [10.5, 11.0, 12.0, 12.5]])
    result = coarsen(maps, 2)
    assert result.shape == (1, 1, 4, 4)
    torch.testing.assert_close(result[0, 0], expected)


def test_the_numpy_reference_agrees_with_the_hand_computed_case():
    np.testing.assert_allclose(bilinear_weights(2, 2), [[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]])
    np.testing.assert_allclose(coarsen_numpy(np.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0],
                               [[2.5, 3, 4, 4.5], [4.5, 5, 6, 6.5], [8.5, 9, 10, 10.5], [10.5, 11, 12, 12.5]])


@pytest.mark.parametrize("shape, block", [((2, 3, 8, 8), 2), ((1, 2, 8, 8), 4), ((1, 1, 9, 6), 3),
                                          ((3, 1, 4, 12), 4)])
def test_coarsen_matches_numpy_block_means_and_bilinear_upsampling(shape, block):
    maps = np.random.default_rng(sum(shape) + block).uniform(-1, 1, size=shape).astype(np.float32)
    result = coarsen(torch.from_numpy(maps), block)
    assert result.shape == shape and result.dtype == torch.float32
    np.testing.assert_allclose(result.numpy(), coarsen_numpy(maps, block), rtol=1e-5, atol=1e-6)


def test_coarsen_with_a_block_the_size_of_the_image_gives_its_mean():
    maps = torch.tensor(np.random.default_rng(0).uniform(size=(2, 1, 4, 4)), dtype=torch.float32)
    result = coarsen(maps, 4)
    for n in range(2):
        torch.testing.assert_close(result[n, 0], torch.full((4, 4), float(maps[n].numpy().mean())))


def test_coarsen_with_block_1_is_the_identity():
    maps = torch.randn(2, 3, 5, 7)
    assert torch.equal(coarsen(maps, 1), maps)


@pytest.mark.parametrize("shape, block", [((1, 1, 4, 4), 3), ((1, 1, 4, 6), 3), ((1, 1, 6, 4), 3),
                                          ((1, 1, 4, 4), 0), ((1, 1, 4, 4), -2), ((1, 1, 4, 4), 2.0),
                                          ((1, 1, 4, 4), 8)])
def test_coarsen_refuses_a_block_that_does_not_divide_the_side(shape, block):
    with pytest.raises(ValueError, match=rf"block must be a whole number >= 1 that divides the image side; got "
                                         rf"{block} for \({shape[2]}, {shape[3]}\)"):
        coarsen(torch.zeros(shape), block)


def test_coarsen_refuses_a_non_batch():
    with pytest.raises(ValueError, match=r"the maps must be a floating-point batch of images"):
        coarsen(torch.zeros(4, 4), 2)


# --------------------------------------------------------------------------- one step, by hand
LR, BETAS, EPS = 0.01, (0.5, 0.999), 1e-8


class HandAdam:
    """Adam written out (Kingma and Ba, Algorithm 1), with pix2pix's betas, for a list of tensors."""

    def __init__(self, params):
        self.params = list(params)
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self, grads):
        self.t += 1
        b1, b2 = BETAS
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m.mul_(b1).add_((1 - b1) * g)
            v.mul_(b2).add_((1 - b2) * g * g)
            m_hat, v_hat = m / (1 - b1 ** self.t), v / (1 - b2 ** self.t)
            p.sub_(LR * m_hat / (v_hat.sqrt() + EPS))


def paired_data(n=6, size=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    condition = torch.rand(n, 2, size, size, generator=g) * 2 - 1
    target = (0.6 * condition[:, :1] - 0.3 * condition[:, 1:]).clamp(-1, 1)
    return condition, target


def tiny_networks():
    torch.manual_seed(3)
    generator = nn.Sequential(nn.Conv2d(2, 1, 1), nn.Tanh())
    discriminator = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.LeakyReLU(0.2), nn.Conv2d(4, 1, 3, stride=2))
    return generator, discriminator


def hand_steps(G, D, condition, target, *, seed, batch_size, l1_weight, steps):
    """What ``steps`` pix2pix steps do, on G and D themselves (pass copies): the losses of each step."""
    batches = torch.Generator().manual_seed(seed)  # the trainer's "batches" stream: seeded with its seed
    adam_g = HandAdam(G.parameters())
    adam_d = HandAdam(D.parameters()) if D is not None else None
    losses = []
    for _ in range(steps):
        index = torch.randint(0, condition.shape[0], (batch_size,), generator=batches)
        c, real = condition[index], target[index]
        fake = G(c)
        l1 = (fake - real).abs().mean()
        if D is None:
            adam_g.step(torch.autograd.grad(l1, list(G.parameters())))
            losses.append({"loss_g": l1.item()})
            continue
        # the discriminator: real pairs -> 1, generated pairs -> 0 (non-saturating pair = binary cross-entropy)
        d_real = D(torch.cat([c, real], dim=1))
        d_fake = D(torch.cat([c, fake.detach()], dim=1))
        loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        adam_d.step(torch.autograd.grad(loss_d, list(D.parameters())))
        # the generator, judged by the *updated* discriminator: -log D(c, G(c)) + l1_weight * L1
        loss_g = F.softplus(-D(torch.cat([c, fake], dim=1))).mean() + l1_weight * l1
        adam_g.step(torch.autograd.grad(loss_g, list(G.parameters())))
        losses.append({"loss_g": loss_g.item(), "loss_d": loss_d.item()})
    return losses


def assert_same_state(network, expected):
    for (name, a), (_, b) in zip(network.state_dict().items(), expected.state_dict().items()):
        if torch.is_floating_point(a):
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6, msg=lambda m: f"{name}: {m}")
        else:
            assert torch.equal(a, b), name


def assert_changed(network, before):
    assert any(not torch.equal(a, b) for a, b in zip(network.parameters(), before.parameters()))


@pytest.mark.parametrize("steps", [1, 2])
def test_pix2pix_step_equals_the_losses_and_updates_written_out(steps):
    condition, target = paired_data()
    G, D = tiny_networks()
    G_hand, D_hand, G_before = copy.deepcopy(G), copy.deepcopy(D), copy.deepcopy(G)
    trainer = Pix2PixTrainer(G, D, condition, target, l1_weight=7.0, batch_size=4, lr=LR, seed=5)
    assert torch.equal(trainer.batches.get_state(), torch.Generator().manual_seed(5).get_state())
    returned = [trainer.step() for _ in range(steps)]
    expected = hand_steps(G_hand, D_hand, condition, target, seed=5, batch_size=4, l1_weight=7.0, steps=steps)
    for got, want in zip(returned, expected):
        assert set(got) == {"loss_g", "loss_d"}
        assert got["loss_d"] == pytest.approx(want["loss_d"], rel=1e-6)
        assert got["loss_g"] == pytest.approx(want["loss_g"], rel=1e-6)
    assert_same_state(trainer.generator, G_hand)
    assert_same_state(trainer.discriminator, D_hand)
    assert_changed(trainer.generator, G_before)


def test_the_hand_computation_tells_a_wrong_step_apart():
    """The reference is sharp: judging G with the discriminator *before* its update, or another l1_weight,
    gives another loss_g than the trainer's."""
    condition, target = paired_data()
    G, D = tiny_networks()
    trainer = Pix2PixTrainer(copy.deepcopy(G), copy.deepcopy(D), condition, target, l1_weight=7.0, batch_size=4,
                             lr=LR, seed=5)
    loss_g = trainer.step()["loss_g"]
    other_weight = hand_steps(copy.deepcopy(G), copy.deepcopy(D), condition, target, seed=5, batch_size=4,
                              l1_weight=7.5, steps=1)[0]["loss_g"]
    assert loss_g != pytest.approx(other_weight, rel=1e-4)
    index = torch.randint(0, 6, (4,), generator=torch.Generator().manual_seed(5))
    c, real = condition[index], target[index]
    fake = G(c)
    stale = F.softplus(-D(stack_condition(c, fake))).mean() + 7.0 * (fake - real).abs().mean()
    assert loss_g != pytest.approx(stale.item(), rel=1e-4)


def test_the_l1_baseline_step_by_hand():
    condition, target = paired_data()
    G, _ = tiny_networks()
    G_hand, G_before = copy.deepcopy(G), copy.deepcopy(G)
    trainer = Pix2PixTrainer(G, None, condition, target, l1_weight=7.0, batch_size=4, lr=LR, seed=11)
    returned = [trainer.step() for _ in range(2)]
    expected = hand_steps(G_hand, None, condition, target, seed=11, batch_size=4, l1_weight=7.0, steps=2)
    for got, want in zip(returned, expected):
        assert set(got) == {"loss_g"}  # no discriminator, no loss_d
        # the baseline minimises the L1 loss alone: l1_weight weighs it against an adversarial loss only
        assert got["loss_g"] == pytest.approx(want["loss_g"], rel=1e-6)
    assert trainer.discriminator is None and set(trainer.optimizers) == {"generator"}
    assert_same_state(trainer.generator, G_hand)
    assert_changed(trainer.generator, G_before)


def test_a_step_with_the_library_networks_by_hand():
    """The book's U-Net and PatchGAN, batch norm included: the running statistics follow the same forward
    passes (G once; D on real pairs, generated pairs, then generated pairs again after its update)."""
    condition, target = paired_data(n=5, size=32, seed=1)
    torch.manual_seed(0)
    G, D = UNetGenerator(2, 1, 32, width=4), PatchDiscriminator(3, width=4, n_layers=1)
    G_hand, D_hand = copy.deepcopy(G), copy.deepcopy(D)
    trainer = Pix2PixTrainer(G, D, condition, target, batch_size=3, lr=LR, seed=2)  # l1_weight 100, the default
    returned = trainer.step()
    expected = hand_steps(G_hand, D_hand, condition, target, seed=2, batch_size=3, l1_weight=100.0, steps=1)[0]
    assert returned["loss_d"] == pytest.approx(expected["loss_d"], rel=1e-5)
    assert returned["loss_g"] == pytest.approx(expected["loss_g"], rel=1e-5)
    assert_same_state(trainer.generator, G_hand)  # weights, running means and variances, batch counts
    assert_same_state(trainer.discriminator, D_hand)
