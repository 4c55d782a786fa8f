"""CycleGAN training: one step against the losses written out by hand, learning, the lesion-aware term, bad input."""
import copy
import math

import pytest
import torch

from gancourse.losses import balanced_cross_entropy
from gancourse.methods.cyclegan import CycleGANTrainer
from gancourse.nets.resnet import ResNetGenerator
from gancourse.nets.patchgan import PatchDiscriminator
from gancourse.nets.segmenter import LesionSegmenter
from gancourse.methods.pix2pix import Pix2PixTrainer
from gancourse.train import TrainingDiverged


def tiny_nets(seed=0):
    torch.manual_seed(seed)
    return (ResNetGenerator(1, 1, width=4, n_blocks=1), ResNetGenerator(1, 1, width=4, n_blocks=1),
            PatchDiscriminator(1, width=4, n_layers=1, norm="instance"),
            PatchDiscriminator(1, width=4, n_layers=1, norm="instance"))


def smooth_images(n, seed, size=16):
    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(n, 1, 4, 4, generator=g) * 2 - 1
    return torch.nn.functional.interpolate(coarse, size=size, mode="bilinear", align_corners=True)


def test_one_step_matches_the_losses_written_out():
    nets = tiny_nets()
    g_ab, g_ba, d_a, d_b = copy.deepcopy(nets)
    images_a, images_b = smooth_images(6, 1), -smooth_images(9, 2)  # unpaired, not even equally many
    history = CycleGANTrainer(*nets, images_a, images_b, batch_size=3, seed=7).fit(steps=1, progress=False)

    draws = torch.Generator().manual_seed(7)  # the same draws as the trainer: 3 of A, then 3 of B
    a = images_a[torch.randint(0, 6, (3,), generator=draws)]
    b = images_b[torch.randint(0, 9, (3,), generator=draws)]
    with torch.no_grad():
        fake_b, fake_a = g_ab(a), g_ba(b)
        adversarial = ((d_b(fake_b) - 1) ** 2).mean() + ((d_a(fake_a) - 1) ** 2).mean()
        cycle = (g_ba(fake_b) - a).abs().mean() + (g_ab(fake_a) - b).abs().mean()
        identity = (g_ab(b) - b).abs().mean() + (g_ba(a) - a).abs().mean()
        # The pool is still filling, so the discriminators see this step's translations.
        loss_d = (0.5 * ((d_a(a) - 1) ** 2).mean() + 0.5 * (d_a(fake_a) ** 2).mean()
                  + 0.5 * ((d_b(b) - 1) ** 2).mean() + 0.5 * (d_b(fake_b) ** 2).mean())
    assert history["loss_cycle"][0] == pytest.approx(cycle.item(), rel=1e-5)
    assert history["loss_identity"][0] == pytest.approx(identity.item(), rel=1e-5)
    assert history["loss_g"][0] == pytest.approx((adversarial + 10 * cycle + 5 * identity).item(), rel=1e-5)
    assert history["loss_d"][0] == pytest.approx(loss_d.item(), rel=1e-5)
    assert history["step"] == [1] and "loss_lesion" not in history


def test_learns_to_translate_and_to_come_back():
    nets = tiny_nets()
    # Domain A lies in [0, 1], domain B in [-1, 0]: unpaired, and the translation must move every image.
    images_a, images_b = (smooth_images(64, 1) + 1) / 2, -(smooth_images(64, 2) + 1) / 2
    history = CycleGANTrainer(*nets, images_a, images_b, batch_size=4, identity_weight=0,
                              lr=1e-3).fit(steps=100, progress=False)
    first, last = sum(history["loss_cycle"][:10]) / 10, sum(history["loss_cycle"][-10:]) / 10
    assert last < 0.5 * first
    with torch.no_grad():
        new_a = (smooth_images(32, 9) + 1) / 2
        translated = nets[0](new_a)
        assert (translated < 0).float().mean() > 0.95  # in B's range
        assert (nets[1](translated) - new_a).abs().mean() < 0.25  # and back


def test_lesion_aware_term_trains_the_segmenter_and_reaches_the_generator():
    images_a, images_b = smooth_images(8, 1), smooth_images(8, 2)
    masks = (images_a > 0.5).float()
    runs = {}
    for weight in (0.0, 5.0):
        nets = tiny_nets()
        torch.manual_seed(3)
        segmenter = LesionSegmenter(1, width=4)
        before = copy.deepcopy(segmenter.state_dict())
        history = CycleGANTrainer(*nets, images_a, images_b, batch_size=2, lesion_masks_a=masks,
                                  segmenter=segmenter, lesion_weight=weight).fit(steps=2, progress=False)
        assert len(history["loss_lesion"]) == 2
        assert any(not torch.equal(before[k], v) for k, v in segmenter.state_dict().items())
        runs[weight] = nets[0].state_dict()
    plain = tiny_nets()
    CycleGANTrainer(*plain, images_a, images_b, batch_size=2).fit(steps=2, progress=False)
    # Weight 0: the generator trains exactly as without a segmenter; weight 5: the lesion term changes it.
    assert all(torch.equal(runs[0.0][k], v) for k, v in plain[0].state_dict().items())
    assert any(not torch.equal(runs[5.0][k], v) for k, v in plain[0].state_dict().items())


def test_bad_input_is_refused_with_the_fix():
    nets, a = tiny_nets(), smooth_images(4, 1)
    with pytest.raises(ValueError, match="same image size"):
        CycleGANTrainer(*nets, a, smooth_images(4, 2, size=32))
    with pytest.raises(ValueError, match="both or neither"):
        CycleGANTrainer(*nets, a, a, lesion_masks_a=torch.zeros(4, 1, 16, 16))
    with pytest.raises(ValueError, match="one mask"):
        CycleGANTrainer(*nets, a, a, lesion_masks_a=torch.zeros(3, 1, 16, 16), segmenter=LesionSegmenter(1))
    with pytest.raises(ValueError, match="give steps=.*or seconds="):
        CycleGANTrainer(*nets, a, a).fit()
    with pytest.raises(ValueError, match=r"images_b must be a floating-point batch"):
        CycleGANTrainer(*nets, a, torch.zeros(16, 16))
    broken = a.clone()
    broken[0, 0, 0, 0] = float("nan")
    with pytest.raises(ValueError, match="images_a contains NaN"):
        CycleGANTrainer(*nets, broken, a)
    with pytest.raises(ValueError, match=r"images_b must lie in \[-1, 1\]"):
        CycleGANTrainer(*nets, a, 255 * (a + 1) / 2)


def test_balanced_cross_entropy_by_hand():
    logits = torch.tensor([2.0, -1.0, 0.5, -3.0]).view(1, 1, 2, 2)
    masks = torch.tensor([1.0, 0.0, 0.0, 0.0]).view(1, 1, 2, 2)  # one lesion pixel, three background: weight 3
    p = torch.sigmoid(logits).flatten()
    by_hand = -(3 * torch.log(p[0]) + torch.log(1 - p[1]) + torch.log(1 - p[2]) + torch.log(1 - p[3])) / 4
    assert balanced_cross_entropy(logits, masks).item() == pytest.approx(by_hand.item(), rel=1e-6)


def broken_generator():
    """A generator with one weight that is NaN: every output, and so every loss it enters, is NaN."""
    generator = tiny_nets()[0]
    with torch.no_grad():
        next(generator.parameters()).view(-1)[0] = float("nan")
    return generator


def test_divergence_is_reported_with_the_step_and_a_hint():
    images = smooth_images(4, 1)
    g_ab, g_ba, d_a, d_b = tiny_nets()
    trainer = CycleGANTrainer(broken_generator(), g_ba, d_a, d_b, images, images, batch_size=4)
    with pytest.raises(TrainingDiverged, match=r"loss_g became nan at step 1\. .*Lower lr"):
        trainer.fit(steps=3, progress=False)
    # the diverged step is recorded with its NaN, so the history, the step count and the weights agree
    assert trainer.history["step"] == [1] and trainer.steps_done == 1 and math.isnan(trainer.history["loss_g"][0])
    with pytest.raises(TrainingDiverged, match="loss_g became nan at step 1"):
        Pix2PixTrainer(broken_generator(), None, images, images, batch_size=4).fit(steps=3, progress=False)
