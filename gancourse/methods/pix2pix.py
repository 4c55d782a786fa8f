"""Conditional GANs and pix2pix (Mirza and Osindero {cite}`survey7`, Isola et al. {cite}`survey4`): translating
an image (a condition) into another, trained on pairs.

* A conditional discriminator judges an image *together with* its condition: both are stacked along the
  channels (:func:`stack_condition`), so it can reject a realistic image that does not belong to its
  condition. :func:`coarsen` makes a coarse condition that says where things are on the whole.
* :class:`Pix2PixTrainer` is chapter 3.3's step on the book's one loop: the discriminator learns to tell
  ``(condition, real)`` pairs from ``(condition, generated)`` pairs; the generator minimises the adversarial
  loss plus ``l1_weight`` times the L1 distance to the real target (100 in the paper).
  ``discriminator=None`` trains with the L1 loss alone: the baseline.

    trainer = Pix2PixTrainer(G, D, condition, target, seed=0)
    trainer.fit(seconds=60)
    outputs = translate(G, test_condition)
"""
from __future__ import annotations

import torch

from ..checks import check_image_batch, check_image_pair
from ..devices import outputs_on_cpu
from ..losses import get_loss, l1_loss
from ..checks import check_number, check_value_range, check_whole_number
from ..train import Trainer


def stack_condition(condition, image):
    """``(B, Cc, H, W)`` condition and ``(B, Ci, H, W)`` image -> ``(B, Cc + Ci, H, W)``, the input of a
    conditional discriminator."""
    check_image_pair(condition, image, "the condition", "the image",
                     "Each image must come with its own condition, at the same resolution (resize one of them).")
    return torch.cat([condition, image], dim=1)


def coarsen(maps, block: int):
    """Maps ``(N, C, H, W)`` averaged over ``block x block`` pixels and brought back to full size (bilinear):
    a condition that says where things are on the whole, not in detail."""
    check_image_batch(maps, "the maps")
    if not (isinstance(block, int) and block >= 1) or maps.shape[-1] % block or maps.shape[-2] % block:
        raise ValueError(f"block must be a whole number >= 1 that divides the image side; got {block} for "
                         f"{tuple(maps.shape[-2:])}.")
    if block == 1:
        return maps
    coarse = torch.nn.functional.avg_pool2d(maps, block)
    return torch.nn.functional.interpolate(coarse, scale_factor=block, mode="bilinear", align_corners=False)


class Pix2PixTrainer(Trainer):
    """Trains ``generator`` on the pairs ``(condition[i], target[i])``, with ``discriminator`` (pix2pix) or
    without one (the L1 baseline). Adam with ``lr`` and betas (0.5, 0.999) for both networks, as in the paper.
    The history records ``loss_g`` and, with a discriminator, ``loss_d``."""

    hint = "Lower lr, and check that condition and target lie in [-1, 1]."

    def __init__(self, generator, discriminator, condition, target, *, l1_weight: float = 100.0,
                 loss: str = "nonsaturating", batch_size: int = 16, lr: float = 2e-4, **loop):
        check_image_batch(condition, "the condition")
        check_image_batch(target, "the target")
        if condition.shape[0] != target.shape[0] or condition.shape[2:] != target.shape[2:]:
            raise ValueError(f"pix2pix needs pairs: condition {tuple(condition.shape)} and target "
                             f"{tuple(target.shape)} must hold the same number of images at the same size, target i "
                             "belonging to condition i. For unpaired sets, train a CycleGAN instead.")
        check_value_range(condition, "the condition")
        check_value_range(target, "the target")
        super().__init__(**loop)
        self.generator = self.add_network("generator", generator)
        self.discriminator = self.add_network("discriminator", discriminator) if discriminator is not None else None
        self.condition, self.target = self.to_device(condition), self.to_device(target)
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
        self.l1_weight = check_number(l1_weight, "l1_weight", hint=" (100 in pix2pix)", low=0)
        self.adversarial = get_loss(loss)
        lr = check_number(lr, "lr", low=0, low_open=True)
        self.opt_g = self.add_optimizer("generator", torch.optim.Adam(generator.parameters(), lr=lr,
                                                                      betas=(0.5, 0.999)))
        if discriminator is not None:
            self.opt_d = self.add_optimizer("discriminator", torch.optim.Adam(discriminator.parameters(), lr=lr,
                                                                              betas=(0.5, 0.999)))
        self.batches = self.add_rng("batches")

    def pixel_loss(self, fake, real, condition):
        """The pixel term, the L1 distance to the target; a variant of the method overrides it (chapter 4.1
        weights the pixels of a lesion more)."""
        return l1_loss(fake, real)

    def step(self):
        index = torch.randint(0, self.condition.shape[0], (self.batch_size,), generator=self.batches).to(self.device)
        c, real = self.condition[index], self.target[index]
        fake = self.generator(c)
        loss_g = self.pixel_loss(fake, real, c)
        if self.discriminator is None:  # the baseline: L1 alone
            self.opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            self.opt_g.step()
            return {"loss_g": loss_g.item()}
        # The discriminator judges each image together with its condition; detach() keeps G out of its update.
        D = self.discriminator
        loss_d = self.adversarial.discriminator(D(stack_condition(c, real)), D(stack_condition(c, fake.detach())))
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        loss_g = self.adversarial.generator(D(stack_condition(c, fake))) + self.l1_weight * loss_g
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        return {"loss_g": loss_g.item(), "loss_d": loss_d.item()}


def translate(generator, conditions, batch_size: int = 128) -> torch.Tensor:
    """The generator's outputs for ``conditions``, in evaluation mode (batch norm's running statistics, no
    dropout), computed wherever the generator is and returned on the CPU."""
    return outputs_on_cpu(generator, conditions, batch_size=batch_size)
