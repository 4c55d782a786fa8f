"""Answers of chapter 3.6 (AC-GAN): the expected values and the build-it test cases."""
import copy

import numpy as np
import torch
import torch.nn.functional as F

from gancourse import exercises
from gancourse.data.augment import dihedral
from gancourse.exercises import Case
from gancourse.losses import get_loss
from gancourse.methods.acgan import ACGANTrainer
from gancourse.nets import ACGANDiscriminator, ACGANGenerator


@exercises.value("3.6.1", what="the generator's loss")
def _generator_loss_by_hand():
    # source logit 0, class logits (2, 0), asked for class 1; aux_weight 1
    return (get_loss("nonsaturating").generator(torch.tensor([0.0]))
            + F.cross_entropy(torch.tensor([[2.0, 0.0]]), torch.tensor([1]))).item()


def _in_any_order(images):
    """The images of a batch sorted by their pixels, so that two batches of the same images in different
    orders compare equal (anything that is not a batch of images is returned as it is)."""
    if not isinstance(images, torch.Tensor) or images.dim() != 4:
        return images
    flat = images.detach().cpu().flatten(1).double()
    order = np.lexsort(flat.numpy().T[::-1])  # by the first pixel, then the second, ...
    return flat[torch.from_numpy(order)]


@exercises.function("3.6.2", what="your my_dihedral", forbid=('dihedral',))
def _dihedral_cases():
    cases = []
    for seed, shape in ((0, (3, 1, 5, 5)), (1, (2, 2, 8, 8))):
        images = torch.rand(*shape, generator=torch.Generator().manual_seed(seed))
        cases.append(Case(f"{shape[0]} random {shape[2]}x{shape[3]} images with {shape[1]} channel(s)",
                          (images,), _in_any_order(dihedral(images)),
                          extract=lambda result, args: _in_any_order(result)))
    return cases


def _small_acgan(seed):
    """A fresh 16x16 AC-GAN and an AC-GAN trainer on a few random labelled images."""
    torch.manual_seed(seed)
    G = ACGANGenerator(2, z_dim=8, width=4, image_size=16)
    D = ACGANDiscriminator(2, width=4, image_size=16)
    images = torch.rand(6, 1, 16, 16) * 2 - 1
    labels = torch.tensor([0, 1, 0, 1, 1, 0])
    return ACGANTrainer(G, D, images, labels, batch_size=4, seed=seed)


@exercises.function("3.6.3", what="your AC-GAN discriminator loss", tolerance=1e-4, forbid=('ACGANTrainer',))
def _discriminator_loss_cases():
    cases = []
    for seed in (0, 1, 2):
        trainer = _small_acgan(seed)
        before = copy.deepcopy(trainer.D)  # the step updates D; the learner gets D as the step found it
        batches = []
        real_batch = trainer.real_batch
        trainer.real_batch = lambda n: batches.append(real_batch(n)) or batches[-1]  # see its real batch
        (fake, fake_labels), record = trainer.discriminator_step()
        real, real_labels = batches[-1]
        cases.append(Case(f"a 16x16 AC-GAN (seed {seed}), 4 real and 4 generated images",
                          (before, real, real_labels, fake.detach(), fake_labels), record["loss_d"],
                          extract=lambda loss, args: torch.as_tensor(loss).detach().item()))
    return cases


@exercises.function("3.6.4", what="your AC-GAN generator loss", tolerance=1e-4, forbid=('ACGANTrainer',))
def _generator_loss_cases():
    cases = []
    for seed in (0, 1, 2):
        trainer = _small_acgan(seed)
        fakes = []
        discriminator_step = trainer.discriminator_step
        trainer.discriminator_step = lambda: fakes.append(discriminator_step()) or fakes[-1]
        loss_g = trainer.step()["loss_g"]
        (fake, fake_labels), _ = fakes[-1]
        cases.append(Case(f"a 16x16 AC-GAN (seed {seed}), 4 generated images",
                          (copy.deepcopy(trainer.D), fake.detach(), fake_labels), loss_g,
                          extract=lambda loss, args: torch.as_tensor(loss).detach().item()))
    return cases
