"""The 3-D U-Net (gancourse.nets.unet3d), its trainer (gancourse.methods.volume_translation) and the lesion
segmenter's trainer (gancourse.methods.lesion_segmentation)."""
import pytest
import torch

from gancourse.losses.segmentation import soft_dice_loss
from gancourse.methods.lesion_segmentation import (LesionSegmenterTrainer, segment_lesions,
                                                   train_lesion_segmenter)
from gancourse.methods.volume_translation import VolumeTranslationTrainer, translate_volumes
from gancourse.metrics import dice
from gancourse.nets import count_parameters
from gancourse.nets.unet3d import UNet3D


def test_shapes_range_and_gradients():
    net = UNet3D(in_channels=4, out_channels=2, width=4, levels=2)
    x = torch.randn(2, 4, 16, 8, 12)  # any sides divisible by 4
    y = net(x)
    assert y.shape == (2, 2, 16, 8, 12) and y.abs().max() <= 1
    y.sum().backward()
    assert net.down[0][0].weight.grad.abs().sum() > 0  # the first layer learns through the skips


def test_parameter_count_by_hand():
    def conv(i, o, k):  # weights and bias of a k x k x k convolution
        return i * o * k ** 3 + o

    def block(i, o):  # two 3x3x3 convolutions, each with an affine instance norm (2 o)
        return conv(i, o, 3) + 2 * o + conv(o, o, 3) + 2 * o

    w = 3  # levels=1: channels 3, 6
    expected = block(1, w) + block(w, 2 * w) + block(2 * w + w, w) + conv(w, 1, 1)
    assert count_parameters(UNet3D(in_channels=1, out_channels=1, width=w, levels=1)) == expected


def test_bad_input_gets_clear_errors():
    net = UNet3D(in_channels=4, levels=2)
    with pytest.raises(ValueError, match="divisible by 4"):
        net(torch.zeros(1, 4, 10, 8, 8))
    with pytest.raises(ValueError, match=r"\(batch, 4, depth, height, width\)"):
        net(torch.zeros(1, 4, 8, 8))
    with pytest.raises(ValueError, match=r"\(batch, 4"):
        net(torch.zeros(1, 1, 8, 8, 8))
    with pytest.raises(TypeError, match="floating-point"):
        net(torch.zeros(1, 4, 8, 8, 8, dtype=torch.long))
    with pytest.raises(ValueError, match="width"):
        UNet3D(width=0)


def test_volume_trainer_learns_a_voxelwise_mapping():
    torch.manual_seed(0)
    condition = torch.rand(6, 1, 8, 8, 8) * 2 - 1
    target = -condition * 0.8  # a contrast inversion, voxel by voxel
    net = UNet3D(in_channels=1, out_channels=1, width=4, levels=1)
    trainer = VolumeTranslationTrainer(net, condition, target, lr=3e-3, seed=0)
    before = (translate_volumes(net, condition) - target).abs().mean()
    trainer.fit(steps=150, progress=False)
    after = (translate_volumes(net, condition) - target).abs().mean()
    assert after < 0.5 * before and len(trainer.history["loss_g"]) == 150
    averaged = VolumeTranslationTrainer(UNet3D(1, 1, width=4, levels=1), condition, target, ema_decay=0.9)
    assert set(averaged.averages) == {"generator"}  # the weight average the chapter uses
    with pytest.raises(ValueError, match="same number of volumes"):
        VolumeTranslationTrainer(net, condition, target[:3])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        VolumeTranslationTrainer(net, condition * 5, target)


def test_soft_dice_loss_by_hand():
    logits, masks = torch.tensor([[[[0.0, 100.0]]]]), torch.tensor([[[[1.0, 1.0]]]])
    # p = (0.5, 1): 1 - (2 * 1.5 + 1) / (1.5 + 2 + 1)
    assert soft_dice_loss(logits, masks).item() == pytest.approx(1 - 4 / 4.5)


def test_segmenter_learns_bright_squares_and_refuses_bad_masks():
    g = torch.Generator().manual_seed(0)
    masks = torch.zeros(32, 1, 16, 16)
    for i in range(32):
        r, c = torch.randint(2, 12, (2,), generator=g).tolist()
        masks[i, 0, r:r + 3, c:c + 3] = 1
    images = (masks * 1.2 - 0.6 + 0.1 * torch.randn(masks.shape, generator=g)).clamp(-1, 1)
    model = train_lesion_segmenter(images, masks, steps=150, seed=0, width=8)
    assert dice(segment_lesions(model, images), masks) > 0.9
    with pytest.raises(ValueError, match="0s and 1s"):
        LesionSegmenterTrainer(model, images, masks * 0.5, steps=1)
    with pytest.raises(ValueError, match="one mask per image"):
        LesionSegmenterTrainer(model, images, masks[:3], steps=1)


def test_lesion_weighted_l1_by_hand_and_plain_pix2pix_at_weight_one():
    from gancourse.methods.label_to_image import LesionWeightedPix2PixTrainer
    from gancourse.methods.pix2pix import Pix2PixTrainer
    from gancourse.nets import UNetGenerator

    g = torch.Generator().manual_seed(0)
    mask = (torch.rand(2, 1, 32, 32, generator=g) > 0.9).float()
    condition = torch.cat([torch.rand(2, 2, 32, 32, generator=g) * 2 - 1, mask * 2 - 1], dim=1)
    target = torch.rand(2, 1, 32, 32, generator=g) * 2 - 1
    fake = torch.rand(2, 1, 32, 32, generator=g) * 2 - 1
    G = UNetGenerator(3, 1, image_size=32, width=4)
    weighted = LesionWeightedPix2PixTrainer(G, None, condition, target, lesion_weight=10)
    by_hand = ((fake - target).abs() * torch.where(mask > 0, 10.0, 1.0)).sum() / fake.numel()
    assert weighted.pixel_loss(fake, target, condition).item() == pytest.approx(by_hand.item(), rel=1e-5)
    plain = Pix2PixTrainer(G, None, condition, target)
    one = LesionWeightedPix2PixTrainer(G, None, condition, target, lesion_weight=1)
    assert one.pixel_loss(fake, target, condition).item() == pytest.approx(
        plain.pixel_loss(fake, target, condition).item())
    with pytest.raises(ValueError, match="lesion mask"):
        LesionWeightedPix2PixTrainer(G, None, condition, target, mask_channel=0)
    with pytest.raises(ValueError, match="lesion_weight"):
        LesionWeightedPix2PixTrainer(G, None, condition, target, lesion_weight=0.5)
