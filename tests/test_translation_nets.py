"""pix2pix's U-Net and PatchGAN and CycleGAN's ResNet generator, checked against the published networks."""
import pytest
import torch
from torch import nn

from gancourse.nets import PatchDiscriminator, ResNetGenerator, UNetGenerator, receptive_field


def count(net):
    return sum(p.numel() for p in net.parameters())


def test_unet_256_encoder_layer_by_layer():
    G = UNetGenerator(in_channels=3, out_channels=3, image_size=256, width=64)
    # Isola et al.'s encoder C64-C128-C256-C512-C512-C512-C512-C512, each 4x4 of stride 2, without bias
    convs = [m for m in G.down.modules() if isinstance(m, nn.Conv2d)]
    assert [(c.in_channels, c.out_channels) for c in convs] == \
        [(3, 64), (64, 128), (128, 256), (256, 512)] + [(512, 512)] * 4
    assert all(c.kernel_size == (4, 4) and c.stride == (2, 2) and c.bias is None for c in convs)
    # parameter counts of the authors' network as torchsummary lists them (encoder convolutions)
    assert [c.weight.numel() for c in convs] == [3_072, 131_072, 524_288, 2_097_152] + [4_194_304] * 4
    # no norm on the first and the innermost encoder layer; batch norm on the six between
    assert sum(isinstance(m, nn.BatchNorm2d) for m in G.down.modules()) == 6


def test_unet_256_decoder_skips_dropout_and_output():
    G = UNetGenerator(in_channels=3, out_channels=3, image_size=256, width=64)
    ups = [m for m in G.up.modules() if isinstance(m, nn.ConvTranspose2d)]
    # from the outermost decoder layer inwards: inputs are skip + deeper output (doubled), except the deepest
    assert [(c.in_channels, c.out_channels) for c in ups] == \
        [(128, 3), (256, 64), (512, 128), (1024, 256), (1024, 512), (1024, 512), (1024, 512), (512, 512)]
    assert sum(isinstance(m, nn.Dropout) and m.p == 0.5 for m in G.modules()) == 3
    assert isinstance(G.up[0][-1], nn.Tanh) and ups[0].bias is not None
    assert count(G) == 54_413_955  # the authors' "54.414 M" for unet_256
    x = torch.randn(1, 3, 256, 256)
    out = G.eval()(x)
    assert out.shape == (1, 3, 256, 256) and out.abs().max() <= 1


@pytest.mark.parametrize("size,width", [(32, 8), (64, 16), (128, 8)])
def test_unet_scales_down(size, width):
    G = UNetGenerator(1, 1, image_size=size, width=width)
    assert G(torch.randn(2, 1, size, size)).shape == (2, 1, size, size)


def test_unet_skip_connections_carry_detail_past_the_bottleneck():
    # The 1x1 bottleneck mixes the whole image into every output pixel; the skips add a local path, so the
    # pixels around an output pixel weigh far more than the image average.
    G = UNetGenerator(1, 1, image_size=32, width=8).eval()
    torch.manual_seed(0)
    x = torch.randn(1, 1, 32, 32, requires_grad=True)
    G(x)[0, 0, 5, 5].backward()
    influence = x.grad[0, 0].abs()
    assert (influence > 0).all()  # the bottleneck: every input pixel matters a little
    share = influence[4:7, 4:7].sum() / influence.sum()
    assert share > 10 * 9 / 32 ** 2  # the 3x3 neighbourhood: over ten times its share of the image


def test_patchgan_70_layer_by_layer_and_receptive_field():
    D = PatchDiscriminator(in_channels=6, width=64, n_layers=3)  # pix2pix: condition and image, 3 + 3 channels
    convs = [m for m in D.modules() if isinstance(m, nn.Conv2d)]
    assert [(c.in_channels, c.out_channels, c.stride[0]) for c in convs] == \
        [(6, 64, 2), (64, 128, 2), (128, 256, 2), (256, 512, 1), (512, 1, 1)]
    assert count(D) == 2_768_705  # the authors' "2.769 M" for pix2pix's discriminator
    assert count(PatchDiscriminator(in_channels=3)) == 2_765_633  # and "2.765 M" for CycleGAN's
    assert receptive_field(D) == 70
    assert D(torch.randn(1, 6, 256, 256)).shape == (1, 1, 30, 30)


@pytest.mark.parametrize("n_layers,side", [(0, 1), (1, 16), (2, 34), (3, 70), (4, 142)])
def test_receptive_field_matches_the_measured_gradient_support(n_layers, side):
    # Independent check: which input pixels change one output? (eval mode, so batch norm does not mix pixels)
    D = PatchDiscriminator(in_channels=1, width=4, n_layers=n_layers).eval()
    assert receptive_field(D) == side
    x = torch.randn(1, 1, 160, 160, requires_grad=True)
    out = D(x)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    rows = x.grad[0, 0].abs().sum(dim=1).nonzero()
    cols = x.grad[0, 0].abs().sum(dim=0).nonzero()
    assert rows.max() - rows.min() + 1 == side and cols.max() - cols.min() + 1 == side


def test_resnet_9_blocks_is_cyclegans_generator():
    G = ResNetGenerator(in_channels=3, out_channels=3, width=64, n_blocks=9)
    assert count(G) == 11_378_179  # the authors' "11.378 M"
    assert sum(isinstance(m, nn.ReflectionPad2d) for m in G.modules()) == 2 + 2 * 9
    norms = [m for m in G.modules() if isinstance(m, nn.InstanceNorm2d)]
    assert len(norms) == 3 + 2 * 9 + 2 and not any(n.affine for n in norms)
    out = G(torch.randn(1, 3, 64, 64))
    assert out.shape == (1, 3, 64, 64) and out.abs().max() <= 1


def test_bad_inputs_are_explained():
    with pytest.raises(ValueError, match="power of two from 32"):
        UNetGenerator(image_size=48)
    with pytest.raises(ValueError, match=r"\(batch, 1, 32, 32\); got \(2, 2, 32, 32\)"):
        UNetGenerator(1, 1, image_size=32, width=4)(torch.randn(2, 2, 32, 32))
    with pytest.raises(ValueError, match="stack_condition"):
        PatchDiscriminator(in_channels=2)(torch.randn(2, 1, 32, 32))
    with pytest.raises(ValueError, match="divisible by 4"):
        ResNetGenerator(width=4, n_blocks=1)(torch.randn(1, 1, 30, 30))
    with pytest.raises(ValueError, match="unknown norm 'group'"):
        PatchDiscriminator(norm="group")


def test_markovian_discriminator_judges_feature_patches_of_a_fixed_encoder():
    from gancourse.losses.feature import domain_encoder_layers
    from gancourse.metrics.domain import load_encoder
    from gancourse.nets import FeaturePatchDiscriminator

    D = FeaturePatchDiscriminator(4, domain_encoder_layers, width=8)
    encoder_weights = {id(p) for p in load_encoder().parameters()}
    assert not encoder_weights & {id(p) for p in D.parameters()}  # the encoder is fixed, not trained with D
    assert not any("features" in key for key in D.state_dict())
    image = (torch.rand(2, 1, 64, 64) * 2 - 1).requires_grad_(True)
    verdicts = D(torch.cat([torch.zeros(2, 4, 64, 64), image], dim=1))
    assert verdicts.shape == (2, 1, 32, 32)  # one verdict per position of the encoder's 32x32 layer
    verdicts.mean().backward()
    assert image.grad.abs().sum() > 0  # the generator gets a gradient through the fixed encoder
    with pytest.raises(ValueError, match=r"\(batch, 4 \+ 1, height, width\)"):
        D(torch.zeros(2, 4, 64, 64))
    with pytest.raises(TypeError, match="features is the fixed feature network"):
        FeaturePatchDiscriminator(4, "domain encoder", width=8)
