"""DCGAN shapes and layer structure, as in Radford et al. and the PyTorch DCGAN example."""
import pytest
import torch
from torch import nn

from gancourse.nets import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator


def test_canonical_64x64_generator_layer_by_layer():
    G = DCGANGenerator(z_dim=100, width=64, channels=3, image_size=64)
    convs = [m for m in G.modules() if isinstance(m, nn.ConvTranspose2d)]
    assert [(c.in_channels, c.out_channels) for c in convs] == [(100, 512), (512, 256), (256, 128), (128, 64), (64, 3)]
    assert [(c.kernel_size, c.stride, c.padding) for c in convs] == [((4, 4), (1, 1), (0, 0))] + \
        [((4, 4), (2, 2), (1, 1))] * 4
    assert all(c.bias is None for c in convs)
    assert sum(isinstance(m, nn.BatchNorm2d) for m in G.modules()) == 4
    assert isinstance(list(G.modules())[-1], nn.Tanh)
    # the PyTorch DCGAN example's generator has 3,576,704 parameters for 3 channels
    assert sum(p.numel() for p in G.parameters()) == 3_576_704


def test_canonical_64x64_discriminator_layer_by_layer():
    D = DCGANDiscriminator(width=64, channels=3, image_size=64)
    convs = [m for m in D.modules() if isinstance(m, nn.Conv2d)]
    assert [(c.in_channels, c.out_channels) for c in convs] == [(3, 64), (64, 128), (128, 256), (256, 512), (512, 1)]
    norms = [m for m in D.modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(norms) == 3  # none after the first convolution
    slopes = {m.negative_slope for m in D.modules() if isinstance(m, nn.LeakyReLU)}
    assert slopes == {0.2}
    # the example's discriminator has 2,765,568 parameters for 3 channels (ours has no sigmoid: no parameters)
    assert sum(p.numel() for p in D.parameters()) == 2_765_568


@pytest.mark.parametrize("size,width", [(32, 32), (64, 64), (128, 16)])
def test_shapes_at_every_resolution(size, width):
    G, D = DCGANGenerator(100, width, 1, size), DCGANDiscriminator(width, 1, size)
    x = G(torch.randn(5, 100))
    assert x.shape == (5, 1, size, size) and x.abs().max() <= 1
    assert D(x).shape == (5,)
    assert G(torch.randn(5, 100, 1, 1)).shape == x.shape


def test_initialisation_follows_the_paper():
    G = DCGANGenerator(100, 64, 1, 64)
    weights = torch.cat([m.weight.flatten() for m in G.modules() if isinstance(m, nn.ConvTranspose2d)])
    assert weights.mean().abs() < 1e-3 and abs(weights.std().item() - 0.02) < 1e-3


def test_mlp_pair_and_bad_sizes():
    G, D = MLPGenerator(z_dim=4, out_shape=(1, 8, 8), tanh=True), MLPDiscriminator((1, 8, 8))
    x = G(torch.randn(3, 4))
    assert x.shape == (3, 1, 8, 8) and D(x).shape == (3,)
    with pytest.raises(ValueError, match="powers of two"):
        DCGANGenerator(image_size=48)
    with pytest.raises(ValueError, match=r"\(batch, 1, 8, 8\)"):
        D(torch.randn(3, 64))


def test_critic_without_batch_norm_scores_each_sample_on_its_own():
    # The gradient penalty is per sample, so a WGAN-GP critic must not mix the samples of a batch.
    x = torch.randn(6, 1, 32, 32)
    for norm, independent in [("layer", True), ("none", True), ("batch", False)]:
        D = DCGANDiscriminator(width=8, image_size=32, norm=norm).train()
        assert any(isinstance(m, nn.BatchNorm2d) for m in D.modules()) == (norm == "batch")
        alone, in_batch = D(x[:2]), D(x)[:2]
        assert torch.allclose(alone, in_batch, atol=1e-5) == independent
    layer = DCGANDiscriminator(width=8, image_size=32, norm="layer")
    assert [m.num_groups for m in layer.modules() if isinstance(m, nn.GroupNorm)] == [1, 1]
    with pytest.raises(ValueError, match="unknown norm 'instance'.*batch, layer, none"):
        DCGANDiscriminator(norm="instance")
