"""Chapter 4.2's losses, networks and trainers: the Dice loss, the multi-scale L1 loss, gradient
reversal against hand-computed values; the trainers' behaviour, exact resume and clear errors."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gancourse.losses.segmentation import (class_balanced_weights, dice_cross_entropy, dice_loss,
                                           mask_images, multiscale_l1, one_hot)
from gancourse.methods.adversarial_segmentation import ConditionalSegmentationTrainer, SegANTrainer
from gancourse.methods.domain_adaptation import DomainAdversarialTrainer, gather_features, reverse_gradient
from gancourse.methods.segmentation import SegmentationTrainer, segment
from gancourse.nets import MultiScaleCritic, PatchDiscriminator, SegmentationUNet


def toy_data(n=24, size=16, seed=0):
    """Images in [-1, 1] whose label is 1 where the image is bright, 2 in a bright square."""
    g = torch.Generator().manual_seed(seed)
    images = torch.rand(n, 1, size, size, generator=g) * 2 - 1
    labels = (images[:, 0] > 0.3).long()
    labels[:, 4:8, 4:8] = 2
    images[:, :, 4:8, 4:8] = 1.0
    return images, labels


# ------------------------------------------------------------------ losses
def test_dice_loss_by_hand():
    logits = torch.tensor([[[[2.0, 0.0]], [[0.0, 1.0]]]])  # (1, 2 classes, 1, 2)
    labels = torch.tensor([[[0, 1]]])
    p = np.exp([[2, 0], [0, 1]]) / np.exp([[2, 0], [0, 1]]).sum(0)  # softmax over the classes
    y = np.array([[1, 0], [0, 1]])
    per_class = [(2 * (p[k] * y[k]).sum() + 1) / (p[k].sum() + y[k].sum() + 1) for k in range(2)]
    assert dice_loss(logits, labels).item() == pytest.approx(1 - np.mean(per_class), rel=1e-6)


def test_dice_loss_is_near_zero_for_a_confident_right_answer():
    labels = torch.randint(0, 3, (2, 8, 8), generator=torch.Generator().manual_seed(1))
    logits = 50 * one_hot(labels, 3)
    assert dice_loss(logits, labels).item() < 1e-6
    assert dice_loss(-logits, labels).item() > 0.9


def test_class_balanced_weights_and_weighted_cross_entropy():
    labels = torch.tensor([[[0, 0, 0, 1]]])  # 3 background pixels, 1 lesion, no class 2
    weights = class_balanced_weights(labels, 3)
    assert weights.tolist() == pytest.approx([4 / (3 * 3), 4 / (3 * 1), 4 / 3])
    logits = torch.randn(1, 3, 1, 4, generator=torch.Generator().manual_seed(0))
    expected = dice_loss(logits, labels) + F.cross_entropy(logits, labels, weight=weights)
    assert dice_cross_entropy(logits, labels).item() == pytest.approx(expected.item())
    plain = dice_loss(logits, labels) + F.cross_entropy(logits, labels)
    assert dice_cross_entropy(logits, labels, balanced=False).item() == pytest.approx(plain.item())


def test_multiscale_l1_by_hand():
    a = [torch.zeros(1, 1, 2, 2), torch.zeros(1, 2, 1, 1)]
    b = [torch.ones(1, 1, 2, 2), torch.tensor([3.0, 1.0]).view(1, 2, 1, 1)]
    # scale 0: mean |0 - 1| = 1; scale 1: mean(3, 1) = 2; every scale weighs alike: 1.5
    assert multiscale_l1(a, b).item() == pytest.approx(1.5)


def test_mask_images_multiplies_each_class_map():
    images = torch.tensor([[[[2.0, -1.0]]]])
    masks = torch.tensor([[[[1.0, 0.0]], [[0.5, 1.0]]]])
    assert mask_images(images, masks).tolist() == [[[[2.0, 0.0]], [[1.0, -1.0]]]]


def test_reverse_gradient():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = reverse_gradient(x, 0.3)
    assert torch.equal(y, x)
    (y ** 2).sum().backward()
    assert x.grad.tolist() == pytest.approx([-0.6, -1.2, -1.8])


def test_gather_features_pools_to_the_smallest():
    features = [torch.ones(2, 8, 4, 4), torch.arange(64.0).view(1, 1, 8, 8).repeat(2, 4, 1, 1)]
    gathered = gather_features(features)
    assert gathered.shape == (2, 12, 4, 4)
    assert gathered[0, 8, 0, 0].item() == pytest.approx((0 + 1 + 8 + 9) / 4)


# ------------------------------------------------------------------ networks
def test_unet_shapes_and_features():
    net = SegmentationUNet(1, 5, width=4, depth=2)
    logits, features = net(torch.randn(3, 1, 16, 16), return_features=True)
    assert logits.shape == (3, 5, 16, 16)
    assert [f.shape[1] for f in features] == net.feature_channels == [16, 8, 4]
    assert [f.shape[-1] for f in features] == [4, 8, 16]


def test_critic_returns_every_scale_the_input_first():
    critic = MultiScaleCritic(3, width=4, n_layers=3)
    x = torch.randn(2, 3, 16, 16)
    features = critic(x)
    assert torch.equal(features[0], x)
    assert [tuple(f.shape[1:]) for f in features[1:]] == [(4, 8, 8), (8, 4, 4), (16, 2, 2)]


# ------------------------------------------------------------------ trainers
def make(kind, seed=0, weight=1.0, **extra):
    images, labels = toy_data()
    torch.manual_seed(seed)
    unet = SegmentationUNet(1, 3, width=4, depth=2)
    common = dict(batch_size=4, seed=seed, **extra)
    if kind == "baseline":
        return SegmentationTrainer(unet, images, labels, **common)
    if kind == "segan":
        return SegANTrainer(unet, MultiScaleCritic(3, width=4, n_layers=2), images, labels,
                            adversarial_weight=weight, **common)
    if kind == "conditional":
        return ConditionalSegmentationTrainer(unet, PatchDiscriminator(4, width=4, n_layers=1), images,
                                              labels, adversarial_weight=weight, **common)
    target = -images.flip(-1)  # another "contrast": inverted and mirrored
    return DomainAdversarialTrainer(unet, domain_discriminator(sum(unet.feature_channels)), images, labels,
                                    target, adversarial_weight=weight, **common)


def domain_discriminator(channels):
    return torch.nn.Sequential(torch.nn.Conv2d(channels, 8, 3, padding=1), torch.nn.LeakyReLU(0.2),
                               torch.nn.Conv2d(8, 1, 1))


def test_baseline_learns_the_toy_task():
    trainer = make("baseline", lr=3e-3)
    images, labels = toy_data(n=8, seed=5)
    before = (segment(trainer.segmenter, images) == labels).float().mean()
    trainer.fit(steps=150, progress=False)
    after = (segment(trainer.segmenter, images) == labels).float().mean()
    assert after > max(before, 0.75)
    assert trainer.history["loss_seg"][-1] < trainer.history["loss_seg"][0]


def test_segan_with_weight_zero_is_the_baseline():
    baseline, segan = make("baseline"), make("segan", weight=0.0)
    baseline.fit(steps=5, progress=False)
    segan.fit(steps=5, progress=False)
    for a, b in zip(baseline.segmenter.state_dict().values(), segan.segmenter.state_dict().values()):
        assert torch.equal(a, b)


def test_segan_clips_its_critic_and_records_its_losses():
    trainer = make("segan")
    trainer.fit(steps=3, progress=False)
    assert all(p.abs().max() <= trainer.clip for p in trainer.critic.parameters())
    assert {"loss", "loss_seg", "loss_adv", "loss_critic"} <= set(trainer.history)
    # the critic maximises the distance the segmenter minimises
    assert trainer.history["loss_critic"][0] <= 0


def test_conditional_and_domain_trainers_run_and_record():
    conditional = make("conditional", weight=0.1)
    conditional.fit(steps=2, progress=False)
    assert {"loss_adv", "loss_d"} <= set(conditional.history)
    domain = make("domain", weight=0.3)
    domain.fit(steps=2, progress=False)
    assert {"loss_domain", "domain_accuracy"} <= set(domain.history)
    assert 0 <= domain.history["domain_accuracy"][-1] <= 1


def test_domain_reversal_sends_the_opposite_gradient_to_the_segmenter():
    trainer = make("domain", weight=1.0)
    images, _ = toy_data(n=4)
    logits, features = trainer.segmenter(images, return_features=True)
    gathered = gather_features(features)
    direct = torch.autograd.grad(trainer.discriminator(gathered).mean(), gathered, retain_graph=True)[0]
    reversed_ = torch.autograd.grad(trainer.discriminator(reverse_gradient(gathered, 1.0)).mean(),
                                    gathered)[0]
    assert torch.allclose(reversed_, -direct)


@pytest.mark.parametrize("kind", ["baseline", "segan", "conditional", "domain"])
def test_exact_resume(kind, tmp_path):
    whole = make(kind)
    whole.fit(steps=4, progress=False)
    first = make(kind, checkpoint=tmp_path / "run.pt")
    first.fit(steps=2, progress=False)
    second = make(kind, seed=0).load(tmp_path / "run.pt")
    second.fit(steps=4, progress=False)
    for name, network in whole.networks.items():
        for a, b in zip(network.state_dict().values(), second.networks[name].state_dict().values()):
            assert torch.equal(a, b), name


@pytest.mark.parametrize("bad, message", [
    (lambda i, l: SegmentationTrainer(SegmentationUNet(1, 3, 4, 2), i, l.float()), "integer tensor"),
    (lambda i, l: SegmentationTrainer(SegmentationUNet(1, 3, 4, 2), i, l[:, None]), "one label map per image"),
    (lambda i, l: SegmentationTrainer(SegmentationUNet(1, 2, 4, 2), i, l), "2 classes"),
    (lambda i, l: SegmentationTrainer(torch.nn.Conv2d(1, 3, 1), i, l), "n_classes"),
    (lambda i, l: SegmentationTrainer(SegmentationUNet(1, 3, 4, 2), i * 5, l), r"\[-1, 1\]"),
    (lambda i, l: DomainAdversarialTrainer(SegmentationUNet(1, 3, 4, 2), PatchDiscriminator(28, 4, 1), i, l,
                                           i[:, :, :8, :8]), "size of the source"),
    (lambda i, l: SegmentationUNet(1, 3, 4, 3)(i[:, :, :12, :12]), "divisible by 8"),
    (lambda i, l: dice_loss(torch.zeros(2, 3, 16, 16), l[:2] + 5), "class indices"),
    (lambda i, l: multiscale_l1([i], [i, i]), "same length"),
])
def test_bad_inputs_say_what_to_fix(bad, message):
    images, labels = toy_data(n=4)
    with pytest.raises((ValueError, TypeError), match=message):
        bad(images, labels)
