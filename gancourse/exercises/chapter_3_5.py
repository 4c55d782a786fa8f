"""Answers of chapter 3.5 (CycleGAN): the expected values and the build-it test cases."""
import copy

import torch

from gancourse import exercises
from gancourse.data.intensity import hu_to_network
from gancourse.exercises import Case
from gancourse.methods.cyclegan import CycleGANTrainer
from gancourse.nets import PatchDiscriminator, ResNetGenerator


@exercises.value("3.5.1", what="the network value of 65 HU")
def _window():
    return hu_to_network(torch.tensor([65.0])).item()


@exercises.value("3.5.2", what="the cycle loss of G(x) = -x, F(y) = -y", tolerance=1e-6)
def _inverse_pair():
    images = torch.rand(8, 1, 16, 16) * 2 - 1
    return ((-(-images)) - images).abs().mean().item()   # F(G(a)) = a exactly: no loss


def _networks(seed, size=16):
    """Two small ResNet generators and two PatchGANs, fresh for every case."""
    torch.manual_seed(seed)
    nets = (ResNetGenerator(1, 1, width=4, n_blocks=1), ResNetGenerator(1, 1, width=4, n_blocks=1),
            PatchDiscriminator(1, width=4, n_layers=2, norm="instance"),
            PatchDiscriminator(1, width=4, n_layers=2, norm="instance"))
    a = torch.rand(1, 1, size, size) * 2 - 1
    b = torch.rand(1, 1, size, size) * 2 - 1
    return nets, a, b


def _library_generator_loss(nets, a, b, identity_weight):
    """The generators' loss of one CycleGANTrainer step on copies of ``nets``, with one image per domain
    (so the step's batch is exactly ``a`` and ``b``)."""
    trainer = CycleGANTrainer(*copy.deepcopy(nets), a, b, batch_size=1, identity_weight=identity_weight,
                              seed=0)
    return trainer.step()["loss_g"]


@exercises.function("3.5.3", what="your CycleGAN generator loss", tolerance=1e-4, forbid=('CycleGANTrainer',))
def _generator_loss_cases():
    cases = []
    for seed, identity_weight in ((0, 0.5), (1, 0.5), (2, 0.0)):
        nets, a, b = _networks(seed)
        expected = _library_generator_loss(nets, a, b, identity_weight)
        label = f"random 16x16 images, fresh networks (seed {seed}), identity_weight={identity_weight}"
        cases.append(Case(label, (*copy.deepcopy(nets), a, b, identity_weight), expected,
                          extract=lambda loss, args: torch.as_tensor(loss).detach().item()))
    return cases
