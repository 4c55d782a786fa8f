"""Answers of chapter 3.3 (cGAN and pix2pix): the expected values and the build-it test."""
import torch

from gancourse import exercises
from gancourse.exercises import Case
from gancourse.losses import get_loss, l1_loss
from gancourse.nets import PatchDiscriminator, receptive_field

_TARGETS = torch.tensor([0.1, 0.2, 0.9])  # the three possible values of one pixel in exercises 1 and 2
_CANDIDATES = torch.linspace(0, 1, 1001)


@exercises.value("3.3.1", what="the L1-optimal constant")
def _l1_optimum():
    return _CANDIDATES[(_CANDIDATES[:, None] - _TARGETS).abs().mean(1).argmin()].item()


@exercises.value("3.3.2", what="the L2-optimal constant")
def _l2_optimum():
    return _CANDIDATES[((_CANDIDATES[:, None] - _TARGETS) ** 2).mean(1).argmin()].item()


@exercises.function("3.3.3", what="your pix2pix generator loss", forbid=("Pix2PixTrainer",))
def _generator_loss_cases():
    adversarial = get_loss("nonsaturating").generator
    cases = []
    for seed, shape, weight in [(0, (4, 1, 8, 8), 100.0), (1, (2, 1, 16, 16), 10.0), (2, (3, 1, 4, 4), 0.0)]:
        generator = torch.Generator().manual_seed(seed)
        logits = torch.randn(shape[0], 1, 3, 3, generator=generator) * 3  # a PatchGAN's map of verdicts
        fake = torch.rand(shape, generator=generator) * 2 - 1
        real = torch.rand(shape, generator=generator) * 2 - 1
        expected = adversarial(logits) + weight * l1_loss(fake, real)
        cases.append(Case(f"{shape[0]} images, L1 weight {weight:g}", (logits, fake, real, weight), expected))
    return cases


@exercises.value("3.3.4", what="the receptive field", tolerance=0)
def _two_layer_field():
    return receptive_field(PatchDiscriminator(in_channels=5, width=8, n_layers=2))
