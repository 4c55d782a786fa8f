"""Chapter 4.7's semi-supervised GAN: its losses against hand-computed values, and that it learns."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gancourse.methods.semi_supervised import (SemiSupervisedTrainer, feature_matching_loss,
                                               k_plus_one_log_probabilities,
                                               nonsaturating_generator_loss, real_logit,
                                               real_probability, supervised_loss, unsupervised_loss)
from gancourse.nets import DCGANGenerator
from gancourse.nets.semi_supervised import KPlusOneDiscriminator

REAL = [[2.0, -1.0, 0.5], [-3.0, -2.5, -4.0], [0.0, 0.0, 0.0], [10.0, 1.0, -1.0]]
FAKE = [[-2.0, -2.0, -1.0], [1.0, 0.0, 3.0]]


def _k_plus_one_softmax(row):
    """The K+1 probabilities by hand: a softmax over the K logits and a fake logit of 0."""
    exps = [math.exp(v) for v in row] + [1.0]
    return [e / sum(exps) for e in exps]


def test_k_plus_one_probabilities_and_d_of_x_match_the_formulas():
    logits = torch.tensor(REAL, dtype=torch.float64)
    by_hand = np.log([_k_plus_one_softmax(row) for row in REAL])
    np.testing.assert_allclose(k_plus_one_log_probabilities(logits).numpy(), by_hand, rtol=1e-12)
    z = np.array([sum(math.exp(v) for v in row) for row in REAL])
    np.testing.assert_allclose(real_probability(logits).numpy(), z / (z + 1), rtol=1e-12)
    np.testing.assert_allclose(real_logit(logits).numpy(), np.log(z), rtol=1e-12)
    # three logits of 0: Z = 3 and D = 3/4
    assert real_probability(torch.zeros(1, 3)).item() == pytest.approx(0.75)


def test_unsupervised_loss_is_minus_log_d_real_minus_log_one_minus_d_fake():
    real, fake = torch.tensor(REAL, dtype=torch.float64), torch.tensor(FAKE, dtype=torch.float64)
    p_real = [_k_plus_one_softmax(row) for row in REAL]
    p_fake = [_k_plus_one_softmax(row) for row in FAKE]
    # -log(1 - p(fake | x)) on real images, -log p(fake | G(z)) = log(1 + sum exp l) on generated ones
    expected = (np.mean([-math.log(1 - p[-1]) for p in p_real])
                + np.mean([math.log(1 + sum(math.exp(v) for v in row)) for row in FAKE]))
    assert expected == pytest.approx(np.mean([-math.log(1 - p[-1]) for p in p_real])
                                     + np.mean([-math.log(p[-1]) for p in p_fake]))
    assert unsupervised_loss(real, fake).item() == pytest.approx(expected, rel=1e-12)
    expected_g = np.mean([-math.log(1 - p[-1]) for p in p_fake])
    assert nonsaturating_generator_loss(fake).item() == pytest.approx(expected_g, rel=1e-12)


def test_losses_stay_finite_for_confident_logits():
    real = torch.full((2, 3), 200.0)
    fake = torch.full((2, 3), -200.0)
    assert unsupervised_loss(real, fake).item() == pytest.approx(0.0, abs=1e-6)
    assert math.isfinite(unsupervised_loss(fake, real).item())
    assert nonsaturating_generator_loss(fake).item() == pytest.approx(200 - math.log(3), rel=1e-6)


def test_supervised_part_is_the_cross_entropy_given_real():
    logits = torch.tensor(REAL, dtype=torch.float64)
    labels = torch.tensor([0, 2, 1, 0])
    assert supervised_loss(logits, labels).item() == pytest.approx(F.cross_entropy(logits, labels).item())
    # the same from the K+1 probabilities: -log p(y | x, real) = -log(p_y / (1 - p_fake))
    by_hand = np.mean([-math.log(_k_plus_one_softmax(row)[y] / (1 - _k_plus_one_softmax(row)[-1]))
                       for row, y in zip(REAL, labels.tolist())])
    assert supervised_loss(logits, labels).item() == pytest.approx(by_hand, rel=1e-12)


def test_feature_matching_is_the_squared_distance_of_batch_means():
    real = np.array([[1.0, 2.0, 0.0], [3.0, 0.0, 1.0]])
    fake = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [2.0, 2.0, -1.0]])
    by_hand = sum((a - b) ** 2 for a, b in zip([2.0, 1.0, 0.5], [1.0, 1.0, 0.0]))  # means by hand
    assert by_hand == pytest.approx(1.25)
    assert feature_matching_loss(torch.tensor(real), torch.tensor(fake)).item() == pytest.approx(by_hand)
    maps = torch.arange(16.0).view(2, 2, 2, 2)  # feature maps are flattened
    assert feature_matching_loss(maps, maps + 1).item() == pytest.approx(8.0)


def _toy(n, seed):
    """8x8 images: class 0 bright on the left, class 1 bright on the right, plus noise."""
    stream = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 2, (n,), generator=stream)
    images = torch.full((n, 1, 8, 8), -0.8)
    for i, y in enumerate(labels.tolist()):
        images[i, :, :, 4 * y:4 * y + 4] = 0.6
    images = (images + 0.2 * torch.randn(n, 1, 8, 8, generator=stream)).clamp(-1, 1)
    return images, labels


@pytest.mark.parametrize("generator_loss", ["feature_matching", "nonsaturating", None])
def test_a_tiny_run_learns_separable_classes(generator_loss):
    labelled, labels = _toy(4, 0)
    unlabelled, _ = _toy(64, 1)
    test_images, test_labels = _toy(64, 2)
    torch.manual_seed(0)
    D = KPlusOneDiscriminator(2, width=4, image_size=8)
    G = DCGANGenerator(z_dim=8, width=4, image_size=8) if generator_loss else None
    trainer = SemiSupervisedTrainer(D, G, labelled, labels, unlabelled if G else None,
                                    generator_loss=generator_loss or "feature_matching", batch_size=16,
                                    lr_d=3e-3, lr_g=3e-3, augment=False, seed=0)
    history = trainer.fit(steps=40, progress=False)
    with torch.no_grad():
        accuracy = (D.eval()(test_images).argmax(1) == test_labels).float().mean().item()
    assert accuracy >= 0.95
    expected_keys = {"loss_d", "loss_supervised"} | ({"loss_unsupervised", "loss_g", "d_real", "d_fake"}
                                                     if G else set())
    assert set(history) - {"step", "seconds"} == expected_keys
    if G:
        assert trainer.sample(5).shape == (5, 1, 8, 8)


def test_one_discriminator_step_minimises_supervised_plus_weighted_unsupervised():
    labelled, labels = _toy(4, 0)
    unlabelled, _ = _toy(16, 1)
    torch.manual_seed(0)
    D, G = KPlusOneDiscriminator(2, width=4, image_size=8), DCGANGenerator(z_dim=8, width=4, image_size=8)
    trainer = SemiSupervisedTrainer(D, G, labelled, labels, unlabelled, unsupervised_weight=0.3,
                                    batch_size=4, augment=False, seed=3)
    record = trainer.step()
    assert record["loss_d"] == pytest.approx(record["loss_supervised"] + 0.3 * record["loss_unsupervised"],
                                             rel=1e-6)


def test_training_is_deterministic():
    labelled, labels = _toy(4, 0)
    unlabelled, _ = _toy(32, 1)
    outputs = []
    for _ in range(2):
        torch.manual_seed(0)
        D, G = KPlusOneDiscriminator(2, width=4, image_size=8), DCGANGenerator(z_dim=8, width=4, image_size=8)
        SemiSupervisedTrainer(D, G, labelled, labels, unlabelled, batch_size=8, seed=1).fit(steps=5,
                                                                                            progress=False)
        outputs.append(D.eval()(unlabelled))
    assert torch.equal(outputs[0], outputs[1])


def test_bad_inputs_are_refused():
    labelled, labels = _toy(4, 0)
    D = KPlusOneDiscriminator(2, width=4, image_size=8)
    G = DCGANGenerator(z_dim=8, width=4, image_size=8)
    with pytest.raises(ValueError, match="n_classes must be a whole number >= 2"):
        KPlusOneDiscriminator(1)
    with pytest.raises(ValueError, match="K >= 2"):
        unsupervised_loss(torch.zeros(3, 1), torch.zeros(3, 1))
    with pytest.raises(ValueError, match="indices 0 to 1"):
        supervised_loss(torch.zeros(2, 2), torch.tensor([0, 2]))
    with pytest.raises(ValueError, match="indices 0 to 1"):
        SemiSupervisedTrainer(D, None, labelled, torch.tensor([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="unlabelled"):
        SemiSupervisedTrainer(D, G, labelled, labels)
    with pytest.raises(ValueError, match="unknown generator_loss"):
        SemiSupervisedTrainer(D, G, labelled, labels, labelled, generator_loss="minimax")
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        SemiSupervisedTrainer(D, None, labelled * 3, labels)
    with pytest.raises(ValueError, match="same layer|one layer"):
        feature_matching_loss(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="nothing to sample"):
        SemiSupervisedTrainer(D, None, labelled, labels).sample(2)
