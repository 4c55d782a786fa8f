"""The AC-GAN: networks, the two losses against the paper's formulas, training, sampling, resumption, errors."""
import copy

import pytest
import torch
import torch.nn.functional as F

from gancourse.methods.acgan import ACGANTrainer
from gancourse.nets import ACGANDiscriminator, ACGANGenerator, DCGANDiscriminator
from gancourse.train import seed_everything


def make(n_classes=3, seed=0, checkpoint=None, **kwargs):
    seed_everything(seed)
    images = torch.rand(48, 1, 16, 16) * 2 - 1
    labels = torch.arange(48) % n_classes
    G = ACGANGenerator(n_classes, z_dim=8, width=8, image_size=16)
    D = ACGANDiscriminator(n_classes, width=8, image_size=16)
    return ACGANTrainer(G, D, images, labels, batch_size=8, seed=seed, checkpoint=checkpoint, checkpoint_every=5,
                        **kwargs)


def test_generator_appends_a_one_hot_class_to_the_latent_vector():
    G = ACGANGenerator(4, z_dim=10, width=8, image_size=16).eval()
    assert G.dcgan.main[0].in_channels == 14
    z = torch.randn(4, 10)
    labels = torch.tensor([0, 1, 2, 3])
    by_hand = G.dcgan(torch.cat([z, torch.eye(4)], dim=1))  # one-hot rows of the identity
    assert torch.allclose(G(z, labels), by_hand)
    out = G(z[:1].repeat(2, 1), torch.tensor([0, 3]))
    assert out.shape == (2, 1, 16, 16) and not torch.allclose(out[0], out[1])  # the class changes the image


def test_discriminator_is_the_dcgan_trunk_with_two_heads():
    D = ACGANDiscriminator(5, width=8, image_size=32)
    reference = DCGANDiscriminator(width=8, image_size=32)
    shapes = lambda net: [tuple(p.shape) for p in net.parameters()]  # noqa: E731
    assert shapes(D.trunk) == shapes(reference.main[:-1])
    assert D.source.weight.shape == (1, 32, 4, 4) and D.classifier.weight.shape == (5, 32, 4, 4)
    source, classes = D(torch.randn(3, 1, 32, 32))
    assert source.shape == (3,) and classes.shape == (3, 5)


def test_one_step_matches_the_papers_losses_computed_by_hand():
    trainer = make(n_classes=3)
    G0, D0 = copy.deepcopy(trainer.G), copy.deepcopy(trainer.D)
    # The same random draws as the step: data index, then fake labels and latent vectors.
    data_rng, latent_rng = torch.Generator().manual_seed(0), torch.Generator().manual_seed(1)
    index = torch.randint(0, 48, (8,), generator=data_rng)
    fake_labels = torch.randint(0, 3, (8,), generator=latent_rng)
    z = torch.randn(8, 8, generator=latent_rng)
    real, real_labels = trainer.pool[index], trainer.labels[index]

    record = trainer.step()

    fake = G0(z, fake_labels)
    (s_real, c_real), (s_fake, c_fake) = D0(real), D0(fake.detach())
    # -(L_S + L_C): binary cross-entropy on the source, cross-entropy on the class, real and fake
    loss_s = -(F.logsigmoid(s_real).mean() + F.logsigmoid(-s_fake).mean())
    loss_c = -(c_real.log_softmax(1)[torch.arange(8), real_labels].mean()
               + c_fake.log_softmax(1)[torch.arange(8), fake_labels].mean())
    assert record["loss_d"] == pytest.approx((loss_s + loss_c).item(), rel=1e-5)
    assert record["loss_class"] == pytest.approx(loss_c.item(), rel=1e-5)
    # the generator: non-saturating source loss plus the class loss, judged by the updated discriminator
    s, c = trainer.D(fake)
    loss_g = -F.logsigmoid(s).mean() - c.log_softmax(1)[torch.arange(8), fake_labels].mean()
    assert record["loss_g"] == pytest.approx(loss_g.item(), rel=1e-5)
    assert record["class_acc_real"] == pytest.approx((c_real.argmax(1) == real_labels).float().mean().item())


def test_the_auxiliary_classifier_learns_separable_classes():
    seed_everything(0)
    images = torch.cat([torch.full((32, 1, 16, 16), -0.8), torch.full((32, 1, 16, 16), 0.8)])
    images = images + 0.05 * torch.randn_like(images)
    labels = torch.cat([torch.zeros(32), torch.ones(32)]).long()
    trainer = ACGANTrainer(ACGANGenerator(2, z_dim=8, width=8, image_size=16),
                           ACGANDiscriminator(2, width=8, image_size=16), images, labels, batch_size=16, seed=0)
    history = trainer.fit(steps=40, progress=False)
    assert sum(history["class_acc_real"][-10:]) / 10 == 1.0


def test_sampling_gives_the_requested_classes():
    trainer = make(n_classes=3)
    images, labels = trainer.sample(7)
    assert images.shape == (7, 1, 16, 16) and labels.tolist() == [0, 1, 2, 0, 1, 2, 0]
    images, labels = trainer.sample(labels=torch.tensor([2, 2]))
    assert labels.tolist() == [2, 2]
    assert torch.equal(trainer.sample(labels=torch.tensor([1]))[0], trainer.sample(labels=torch.tensor([1]))[0])


def test_interrupted_acgan_training_resumes_bit_identical(tmp_path):
    straight = make()
    straight.fit(steps=8, progress=False)
    first = make(checkpoint=tmp_path / "acgan.pt")
    first.fit(steps=5, progress=False)
    torch.manual_seed(123)
    resumed = make().load(tmp_path / "acgan.pt")
    resumed.fit(steps=8, progress=False)
    params = lambda t: torch.cat([p.flatten() for p in [*t.G.parameters(), *t.D.parameters()]])  # noqa: E731
    assert torch.equal(params(resumed), params(straight))
    assert resumed.history["loss_class"] == straight.history["loss_class"]


def test_bad_classes_are_explained():
    G = ACGANGenerator(3, z_dim=8, width=8, image_size=16)
    with pytest.raises(ValueError, match="built for 3 classes .* got a class index 3"):
        G(torch.randn(2, 8), torch.tensor([0, 3]))
    with pytest.raises(ValueError, match="got a class index -1"):
        G(torch.randn(2, 8), torch.tensor([-1, 0]))
    with pytest.raises(TypeError, match="integer tensor"):
        G(torch.randn(2, 8), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"one class index per sample, shape \(2,\)"):
        G(torch.randn(2, 8), torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="n_classes must be"):
        ACGANGenerator(1)
    with pytest.raises(ValueError, match="generator makes 3 classes but the discriminator classifies 2"):
        ACGANTrainer(G, ACGANDiscriminator(2, width=8, image_size=16), torch.rand(4, 1, 16, 16),
                     torch.tensor([0, 1, 0, 1]))
    with pytest.raises(ValueError, match="one class index per sample"):
        ACGANTrainer(G, ACGANDiscriminator(3, width=8, image_size=16), torch.rand(4, 1, 16, 16),
                         torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="built for 3 classes"):
        make().sample(labels=torch.tensor([5]))


def test_discriminator_refuses_a_wrong_image_size():
    with pytest.raises(ValueError, match=r"expects images of shape \(batch, 1, 16, 16\)"):
        ACGANDiscriminator(2, width=8, image_size=16)(torch.randn(2, 1, 32, 32))
