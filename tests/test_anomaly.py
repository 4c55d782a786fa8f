"""Chapter 4.4's detectors: the latent search finds a known z, the encoder and the autoencoder learn."""
import pytest
import torch

from gancourse.methods.anomaly import (AutoencoderTrainer, EncoderTrainer, discriminator_features,
                                       encoder_search, izi_f_loss, latent_search, reconstruct, residual_map)
from gancourse.nets.autoencoder import ConvAutoencoder, DCGANEncoder
from gancourse.nets.dcgan import DCGANDiscriminator, DCGANGenerator


def _networks(seed=0, z_dim=8, size=8):
    torch.manual_seed(seed)
    G, D = DCGANGenerator(z_dim, 8, 1, size).eval(), DCGANDiscriminator(8, 1, size).eval()
    for p in G.parameters():  # a random generator with more than DCGAN's small initial weights: varied images
        if p.dim() == 4:
            torch.nn.init.normal_(p, std=0.3)
    return G, D


def test_latent_search_recovers_a_known_z():
    G, D = _networks()
    stream = torch.Generator().manual_seed(1)
    z_true = torch.randn(6, 8, generator=stream)
    with torch.no_grad():
        x = G(z_true)
    z_start = z_true + 0.7 * torch.randn(6, 8, generator=stream)
    result = latent_search(G, x, weight=0.0, steps=150, lr=0.04, z_init=z_start)
    with torch.no_grad():
        start_residual = (x - G(z_start)).abs().flatten(1).sum(1)
    assert result.history[-1] < 0.2 * result.history[0]
    assert (result.residual_loss < 0.2 * start_residual).all()
    assert torch.allclose(result.reconstruction, G(result.z).detach(), atol=1e-5)
    # the z it found is the one that made the images, not just any z with a similar image
    assert (result.z - z_true).norm(dim=1).mean() < 0.3 * (z_start - z_true).norm(dim=1).mean()


def test_the_search_score_is_the_weighted_sum_of_its_terms():
    G, D = _networks(2)
    x = torch.rand(3, 1, 8, 8) * 2 - 1
    f = discriminator_features(D)
    result = latent_search(G, x, f, weight=0.1, steps=5, seed=3)
    with torch.no_grad():
        fake = G(result.z)
        residual = (x - fake).abs().flatten(1).sum(1)
        feature = (f(x) - f(fake)).abs().sum(1)
    assert torch.allclose(result.residual_loss, residual, rtol=1e-5)
    assert torch.allclose(result.feature_loss, feature, rtol=1e-5)
    assert torch.allclose(result.score, 0.9 * residual + 0.1 * feature, rtol=1e-5)
    assert G.training is False and all(p.requires_grad for p in G.parameters())  # restored


def test_a_batched_search_follows_each_image_searched_alone():
    # Adam's state is per coordinate and the networks are in evaluation mode: the batch changes nothing
    G, D = _networks(3)
    f = discriminator_features(D)
    x = torch.rand(4, 1, 8, 8, generator=torch.Generator().manual_seed(9)) * 2 - 1
    z0 = torch.randn(4, 8, generator=torch.Generator().manual_seed(10))
    together = latent_search(G, x, f, weight=0.1, steps=20, z_init=z0)
    for i in range(4):
        alone = latent_search(G, x[i:i + 1], f, weight=0.1, steps=20, z_init=z0[i:i + 1])
        assert torch.allclose(alone.z, together.z[i:i + 1], atol=1e-4)
        assert torch.allclose(alone.score, together.score[i:i + 1], rtol=1e-4)


def test_discriminator_features_are_the_layer_before_the_logit():
    G, D = _networks(size=16)  # 16 px: 16 -> 8 (width 8) -> 4 (width 16), then the 4x4 logit convolution
    x = torch.rand(5, 1, 16, 16) * 2 - 1
    with torch.no_grad():
        feats = discriminator_features(D)(x)
        assert feats.shape == (5, 16 * 4 * 4)
        # the logit convolution applied to them gives back the discriminator's output
        logits = D.main[-1](feats.view(5, 16, 4, 4)).view(-1)
        assert torch.allclose(logits, D(x), atol=1e-5)


def test_the_encoder_search_scores_izi_f_per_image():
    G, D = _networks(5)
    torch.manual_seed(11)
    E = DCGANEncoder(8, 8, 1, 8).eval()
    f = discriminator_features(D)
    x = torch.rand(3, 1, 8, 8, generator=torch.Generator().manual_seed(12)) * 2 - 1
    result = encoder_search(E, G, x, f, kappa=0.5)
    with torch.no_grad():  # by hand: mean squared pixel error + kappa * mean squared feature error
        fake = G(E(x))
        expected = ((x - fake) ** 2).mean((1, 2, 3)) + 0.5 * ((f(x) - f(fake)) ** 2).mean(1)
    assert torch.allclose(result.reconstruction, fake, atol=1e-6)
    assert torch.allclose(result.score, expected, rtol=1e-5)


def test_izi_f_loss_by_hand():
    x, y = torch.zeros(2, 1, 2, 2), torch.ones(2, 1, 2, 2)
    f = lambda im: im.flatten(1)[:, :2] * 3  # noqa: E731 - two "features"
    loss, residual, feature = izi_f_loss(x, y, f, kappa=0.5, per_image=True)
    assert torch.allclose(residual, torch.ones(2)) and torch.allclose(feature, torch.full((2,), 9.0))
    assert torch.allclose(loss, torch.full((2,), 5.5))


def test_the_encoder_learns_to_invert_the_generator():
    G, D = _networks(4, size=16)
    with torch.no_grad():
        images = G(torch.randn(64, 8, generator=torch.Generator().manual_seed(5)))
    torch.manual_seed(6)
    E = DCGANEncoder(8, 8, 1, 16)
    trainer = EncoderTrainer(E, G, discriminator_features(D), images, batch_size=32, lr=2e-3, seed=0)
    trainer.fit(steps=80, progress=False)
    losses = trainer.history["loss"]
    assert sum(losses[-10:]) / 10 < 0.7 * sum(losses[:10]) / 10
    assert all(not p.requires_grad or p.grad is None for p in G.parameters())  # G was not trained
    result = encoder_search(E, G, images, discriminator_features(D))
    assert result.score.shape == (64,) and result.reconstruction.shape == images.shape


def test_the_autoencoder_learns_and_the_residual_map():
    stream = torch.Generator().manual_seed(7)
    images = torch.tanh(torch.randn(32, 1, 8, 8, generator=stream).cumsum(-1) / 3)
    torch.manual_seed(8)
    trainer = AutoencoderTrainer(ConvAutoencoder(8, 8, 1, 8), images, batch_size=16, lr=3e-3, seed=0)
    trainer.fit(steps=40, progress=False)
    losses = trainer.history["loss"]
    assert sum(losses[-10:]) / 10 < 0.8 * sum(losses[:10]) / 10
    out = reconstruct(trainer.autoencoder, images)
    mask = torch.zeros_like(images)
    mask[..., 2:5, :] = 1
    assert torch.equal(residual_map(images, out, mask), (images - out).abs() * mask)


def test_bad_inputs_say_what_is_wrong():
    G, D = _networks()
    x = torch.rand(2, 1, 8, 8)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        latent_search(G, x * 5, weight=0.0)
    with pytest.raises(ValueError, match="needs features"):
        latent_search(G, x, weight=0.1)
    with pytest.raises(ValueError, match="one latent vector per image"):
        latent_search(G, x, weight=0.0, z_init=torch.zeros(3, 8))
    with pytest.raises(TypeError, match="Sequential called main"):
        discriminator_features(torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match="same shape"):
        residual_map(x, x[:1])
    with pytest.raises(ValueError, match="mask.unsqueeze"):  # (B, H, W) would broadcast to (B, B, H, W)
        residual_map(x, x, torch.ones(2, 8, 8))
    with pytest.raises(ValueError, match="same shape"):  # a batch of 1 would broadcast against 2
        izi_f_loss(x, x[:1])
    with pytest.raises(ValueError, match="kappa"):
        izi_f_loss(x, x, kappa=-1.0)
    with pytest.raises(ValueError, match="needs features"):
        EncoderTrainer(DCGANEncoder(8, 8, 1, 8), G, None, x)
    with pytest.raises(ValueError, match="images"):
        AutoencoderTrainer(ConvAutoencoder(8, 8, 1, 8), x[0])
