"""The shared shape of chapter 4.3's two trainers (:class:`~gancourse.methods.reconstruction.DAGANTrainer`,
:class:`~gancourse.methods.super_resolution.SuperResolutionTrainer`): a generator that corrects an estimate,
trained with image losses and, given a discriminator, an adversarial loss, as DAGAN {cite}`survey76` and
SRGAN {cite}`survey80` are.

:class:`RefinementTrainer` registers the two networks and their Adam optimisers (betas 0.5, 0.999, pix2pix's),
draws batches, updates the discriminator on (real, fake) and returns the generator's adversarial term
(:meth:`~RefinementTrainer.adversarial_update`), and updates the generator
(:meth:`~RefinementTrainer.generator_update`). Each method says only how it makes ``fake``, which image terms
it adds and how it weighs them.
"""
from __future__ import annotations

import torch

from ..checks import check_number, check_whole_number
from ..losses import get_loss
from ..losses.feature import FeatureLoss
from ..train import Trainer


class RefinementTrainer(Trainer):
    """Registers ``generator`` and the optional ``discriminator`` with Adam (``lr``, ``lr_d``), a feature loss
    on the domain encoder when ``feature_weight > 0``, the adversarial loss named ``loss``, ``batch_size``
    and a batch stream. The history records ``loss_g``, the terms and, with a discriminator, ``loss_d``."""

    def __init__(self, generator, discriminator, *, feature_weight: float, batch_size: int, lr: float,
                 lr_d: float, loss: str, **loop):
        super().__init__(**loop)
        self.generator = self.add_network("generator", generator)
        self.discriminator = self.add_network("discriminator", discriminator) if discriminator is not None else None
        self.feature = FeatureLoss() if check_number(feature_weight, "feature_weight", low=0) > 0 else None
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
        self.adversarial = get_loss(loss)
        lr, lr_d = check_number(lr, "lr", low=0, low_open=True), check_number(lr_d, "lr_d", low=0, low_open=True)
        self.opt_g = self.add_optimizer("generator", torch.optim.Adam(generator.parameters(), lr=lr,
                                                                      betas=(0.5, 0.999)))
        if discriminator is not None:
            self.opt_d = self.add_optimizer("discriminator", torch.optim.Adam(discriminator.parameters(), lr=lr_d,
                                                                              betas=(0.5, 0.999)))
        self.batches = self.add_rng("batches")

    def batch_index(self, n: int) -> torch.Tensor:
        """``batch_size`` indices among ``n`` images, from the trainer's batch stream."""
        return torch.randint(0, n, (self.batch_size,), generator=self.batches).to(self.device)

    def adversarial_update(self, real: torch.Tensor, fake: torch.Tensor):
        """With a discriminator: one update of it on ``real`` against ``fake`` (detached), then the generator's
        adversarial term on ``fake`` and the record ``{"loss_d": ...}``. Without one: ``(None, {})``."""
        if self.discriminator is None:
            return None, {}
        D = self.discriminator
        loss_d = self.adversarial.discriminator(D(real), D(fake.detach()))
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        return self.adversarial.generator(D(fake)), {"loss_d": loss_d.item()}

    def generator_update(self, loss_g: torch.Tensor) -> None:
        """One Adam step of the generator on ``loss_g``."""
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
