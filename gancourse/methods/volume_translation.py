"""Translating whole volumes: a 3-D generator trained on pairs ``(condition volume, target volume)``.

The 3-D counterpart of chapter 3.3's L1 baseline: each step draws a batch of paired volumes and moves the
generator (e.g. :class:`~gancourse.nets.unet3d.UNet3D`) down the mean absolute difference to the target.
No discriminator: at the sizes a CPU can train in a minute, the pixel loss does most of the work, and a 3-D
discriminator would double the cost of a step (Jin et al. {cite}`survey46` and Wei et al. {cite}`survey34`
add one on a GPU).

    trainer = VolumeTranslationTrainer(UNet3D(4, 1), tissue_volumes, t1_volumes, seed=0)
    trainer.fit(seconds=60)
    predicted = translate_volumes(trainer.generator, new_tissue_volumes)
"""
from __future__ import annotations

import torch

from ..checks import check_number, check_value_range, check_whole_number
from ..devices import outputs_on_cpu
from ..train import Trainer


def _check_volumes(x, name):
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x) or x.dim() != 5:
        raise ValueError(f"{name} must be a floating-point batch of volumes (N, channels, D, H, W); got "
                         f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}.")
    check_value_range(x, name)


class VolumeTranslationTrainer(Trainer):
    """Trains ``generator`` on the pairs ``(condition[i], target[i])`` with the L1 loss and Adam (``lr``,
    betas (0.5, 0.999) as in pix2pix). The history records ``loss_g``."""

    hint = "Lower lr, and check that condition and target volumes lie in [-1, 1]."

    def __init__(self, generator, condition, target, *, batch_size: int = 2, lr: float = 1e-3, **loop):
        _check_volumes(condition, "the condition")
        _check_volumes(target, "the target")
        if condition.shape[0] != target.shape[0] or condition.shape[2:] != target.shape[2:]:
            raise ValueError(f"condition {tuple(condition.shape)} and target {tuple(target.shape)} must hold the "
                             "same number of volumes of the same size, target i belonging to condition i.")
        super().__init__(**loop)
        # with ema_decay (e.g. 0.99), self.averages["generator"] is a weight average: steadier than the last step
        self.generator = self.add_network("generator", generator, average=True)
        self.condition, self.target = self.to_device(condition), self.to_device(target)
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
        lr = check_number(lr, "lr", low=0, low_open=True)
        self.optimizer = self.add_optimizer("generator", torch.optim.Adam(generator.parameters(), lr=lr,
                                                                          betas=(0.5, 0.999)))
        self.batches = self.add_rng("batches")

    def step(self):
        index = torch.randint(0, self.condition.shape[0], (self.batch_size,), generator=self.batches)
        index = index.to(self.device)
        loss = (self.generator(self.condition[index]) - self.target[index]).abs().mean()  # L1: mean |G(c) - x|
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return {"loss_g": loss.item()}


def translate_volumes(generator, conditions, batch_size: int = 4) -> torch.Tensor:
    """The generator's output volumes for ``conditions``, in evaluation mode, returned on the CPU."""
    _check_volumes(conditions, "the conditions")
    return outputs_on_cpu(generator, conditions, batch_size=batch_size)
