"""CycleGAN training: one step against the losses written out by hand, learning, the lesion-aware term, bad input."""
import copy

import pytest
import torch

from gancourse.cyclegan import balanced_cross_entropy, fit_cyclegan
from gancourse.nets.cyclegan import ResNetGenerator
from gancourse.nets.pix2pix import PatchDiscriminator
from gancourse.nets.segmenter import LesionSegmenter
from gancourse.pix2pix_training import fit_pix2pix
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
    history = fit_cyclegan(*nets, images_a, images_b, steps=1, batch_size=3, seed=7)

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
    assert history["steps"] == 1 and history["loss_lesion"] == []


def test_learns_to_translate_and_to_come_back():
    nets = tiny_nets()
    # Domain A lies in [0, 1], domain B in [-1, 0]: unpaired, and the translation must move every image.
    images_a, images_b = (smooth_images(64, 1) + 1) / 2, -(smooth_images(64, 2) + 1) / 2
    history = fit_cyclegan(*nets, images_a, images_b, steps=100, batch_size=4, identity_weight=0, lr=1e-3)
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
        history = fit_cyclegan(*nets, images_a, images_b, steps=2, batch_size=2, lesion_masks_a=masks,
                               segmenter=segmenter, lesion_weight=weight)
        assert len(history["loss_lesion"]) == 2
        assert any(not torch.equal(before[k], v) for k, v in segmenter.state_dict().items())
        runs[weight] = nets[0].state_dict()
    plain = tiny_nets()
    fit_cyclegan(*plain, images_a, images_b, steps=2, batch_size=2)
    # Weight 0: the generator trains exactly as without a segmenter; weight 5: the lesion term changes it.
    assert all(torch.equal(runs[0.0][k], v) for k, v in plain[0].state_dict().items())
    assert any(not torch.equal(runs[5.0][k], v) for k, v in plain[0].state_dict().items())


def test_bad_input_is_refused_with_the_fix():
    nets, a = tiny_nets(), smooth_images(4, 1)
    with pytest.raises(ValueError, match="same image size"):
        fit_cyclegan(*nets, a, smooth_images(4, 2, size=32), steps=1)
    with pytest.raises(ValueError, match="both or neither"):
        fit_cyclegan(*nets, a, a, steps=1, lesion_masks_a=torch.zeros(4, 1, 16, 16))
    with pytest.raises(ValueError, match="one mask"):
        fit_cyclegan(*nets, a, a, steps=1, lesion_masks_a=torch.zeros(3, 1, 16, 16), segmenter=LesionSegmenter(1))
    with pytest.raises(ValueError, match="seconds=.*steps="):
        fit_cyclegan(*nets, a, a)
    with pytest.raises(ValueError, match=r"images_b must be a floating-point batch"):
        fit_cyclegan(*nets, a, torch.zeros(16, 16), steps=1)


def test_balanced_cross_entropy_by_hand():
    logits = torch.tensor([2.0, -1.0, 0.5, -3.0]).view(1, 1, 2, 2)
    masks = torch.tensor([1.0, 0.0, 0.0, 0.0]).view(1, 1, 2, 2)  # one lesion pixel, three background: weight 3
    p = torch.sigmoid(logits).flatten()
    by_hand = -(3 * torch.log(p[0]) + torch.log(1 - p[1]) + torch.log(1 - p[2]) + torch.log(1 - p[3])) / 4
    assert balanced_cross_entropy(logits, masks).item() == pytest.approx(by_hand.item(), rel=1e-6)


def test_divergence_is_reported_with_the_step_and_a_hint():
    broken = smooth_images(4, 1)
    broken[0, 0, 0, 0] = float("nan")
    with pytest.raises(TrainingDiverged, match="at step 0. Lower lr"):
        fit_cyclegan(*tiny_nets(), broken, broken, steps=3, batch_size=4)
    with pytest.raises(TrainingDiverged, match="loss_g became nan at step 0"):
        fit_pix2pix(tiny_nets()[0], None, broken, broken, steps=3, batch_size=4)
