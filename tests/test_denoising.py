"""Chapter 4.5's denoiser and its trainer: the loss it minimises, by hand, and that it learns."""
import copy

import pytest
import torch

from gancourse.methods.denoising import DenoisingTrainer, denoise
from gancourse.nets.denoiser import ResidualDenoiser
from gancourse.nets import PatchDiscriminator


def _pairs(n=16, size=16, seed=0):
    stream = torch.Generator().manual_seed(seed)
    clean = 0.5 * torch.tanh(torch.randn(n, 1, size, size, generator=stream).cumsum(-1) / 4)
    noisy = (clean + 0.2 * torch.randn(n, 1, size, size, generator=stream)).clamp(-1, 1)
    return noisy, clean


def test_the_denoiser_starts_as_the_identity_and_clamps():
    x = torch.linspace(-1.5, 1.5, 64).view(1, 1, 8, 8)
    assert torch.equal(ResidualDenoiser(8, 3)(x), x.clamp(-1, 1))
    with pytest.raises(ValueError, match="batch, 1"):
        ResidualDenoiser()(torch.zeros(1, 2, 8, 8))


def test_one_step_minimises_the_weighted_sum_of_its_terms():
    low, full = _pairs()
    torch.manual_seed(0)
    G, C = ResidualDenoiser(8, 3), PatchDiscriminator(1, width=8, n_layers=1, norm="layer")
    for p in G.body[-1].parameters():  # a non-zero correction, so that every term has a gradient
        torch.nn.init.normal_(p, std=0.1)
    features = lambda a, b: ((a.mean((2, 3)) - b.mean((2, 3))) ** 2).mean()  # noqa: E731
    trainer = DenoisingTrainer(G, C, low, full, mse_weight=0.7, adversarial_weight=0.2,
                               perceptual_weight=3.0, features=features, batch_size=4, seed=5)
    before = copy.deepcopy(G)
    record = trainer.step()
    index = torch.randint(0, 16, (4,), generator=torch.Generator().manual_seed(5))
    fake = before(low[index])
    with torch.no_grad():  # the critic has taken its step first: the denoiser's loss uses the new critic
        expected = (0.7 * ((fake - full[index]) ** 2).mean() + 3.0 * features(fake, full[index])
                    - 0.2 * C(fake).mean())
    assert record["loss_g"] == pytest.approx(expected.item(), rel=1e-5)
    assert record["mse"] == pytest.approx(((fake - full[index]) ** 2).mean().item(), rel=1e-5)
    assert set(record) == {"loss_g", "mse", "loss_d"}
    assert any(not torch.equal(a, b) for a, b in zip(G.parameters(), before.parameters()))


def test_mse_training_removes_noise_and_is_deterministic():
    low, full = _pairs(n=32)
    results = []
    for _ in range(2):
        torch.manual_seed(1)
        G = ResidualDenoiser(8, 3)
        DenoisingTrainer(G, None, low, full, batch_size=8, lr=3e-3, seed=2).fit(steps=60, progress=False)
        results.append(denoise(G, low))
    assert torch.equal(results[0], results[1])
    assert ((results[0] - full) ** 2).mean() < 0.6 * ((low - full) ** 2).mean()


def test_bad_inputs_are_refused():
    low, full = _pairs()
    with pytest.raises(ValueError, match="pairs"):
        DenoisingTrainer(ResidualDenoiser(4, 2), None, low, full[:8])
    with pytest.raises(ValueError, match="nothing to train"):
        DenoisingTrainer(ResidualDenoiser(4, 2), None, low, full, mse_weight=0)
    with pytest.raises(ValueError):
        DenoisingTrainer(ResidualDenoiser(4, 2), None, low * 3, full)
