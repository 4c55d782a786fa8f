"""Training a translation network the pix2pix way (Isola et al. {cite}`survey4`), or with the L1 loss alone.

Chapter 3.3 writes this step out; :func:`fit_pix2pix` runs it in a loop so that later chapters can compare
discriminators, losses and conditions without copying it:

* the discriminator learns to tell ``(condition, real)`` pairs from ``(condition, generated)`` pairs
  (:func:`gancourse.translation.stack_condition`);
* the generator minimises the adversarial loss plus ``l1_weight`` times the L1 distance to the real target
  (100 in the paper). ``discriminator=None`` trains with the L1 loss alone: the baseline.
"""
from __future__ import annotations

import torch

from .devices import move_networks, outputs_on_cpu
from .losses import get_loss
from .train import check_losses, training_steps
from .translation import check_image_batch, l1_loss, stack_condition


def fit_pix2pix(generator, discriminator, condition, target, *, seconds: float | None = None,
                steps: int | None = None, l1_weight: float = 100.0, loss: str = "nonsaturating",
                batch_size: int = 16, lr: float = 2e-4, seed: int = 0, device=None) -> dict:
    """Train on the pairs ``(condition[i], target[i])`` for ``seconds`` of wall time or ``steps`` steps
    (whichever ends first; at least one must be given). Returns ``{"steps": n, "loss_g": [...], "loss_d": [...]}``.

    ``device``: where to train (``"cuda"``, say); the networks are moved there and the pairs copied there.
    Without it, training happens wherever the generator is."""
    check_image_batch(condition, "the condition")
    check_image_batch(target, "the target")
    if condition.shape[0] != target.shape[0] or condition.shape[2:] != target.shape[2:]:
        raise ValueError(f"pix2pix needs pairs: condition {tuple(condition.shape)} and target {tuple(target.shape)} "
                         "must hold the same number of images at the same size, target i belonging to condition i. "
                         "For unpaired sets, train a CycleGAN instead.")
    budget = training_steps(seconds=seconds, steps=steps)
    device = move_networks(device, generator, discriminator)
    condition, target = condition.to(device), target.to(device)
    adversarial = get_loss(loss)
    batches = torch.Generator().manual_seed(seed)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999)) if discriminator else None
    history = {"steps": 0, "loss_g": [], "loss_d": []}
    for step in budget:
        index = torch.randint(0, condition.shape[0], (batch_size,), generator=batches).to(device)
        c, real = condition[index], target[index]
        fake = generator(c)
        loss_g = l1_loss(fake, real)
        if discriminator is not None:
            # The discriminator judges each image together with its condition; detach() keeps G out of its update.
            loss_d = adversarial.discriminator(discriminator(stack_condition(c, real)),
                                               discriminator(stack_condition(c, fake.detach())))
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            history["loss_d"].append(loss_d.item())
            loss_g = adversarial.generator(discriminator(stack_condition(c, fake))) + l1_weight * loss_g
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        history["loss_g"].append(loss_g.item())
        history["steps"] += 1
        check_losses(step, f"Lower lr (now {lr:g}) and check that condition and target lie in [-1, 1].",
                     loss_g=history["loss_g"][-1], **({"loss_d": history["loss_d"][-1]} if discriminator else {}))
    return history


def translate(generator, conditions, batch_size: int = 128) -> torch.Tensor:
    """The generator's outputs for ``conditions``, in evaluation mode (batch norm's running statistics, no dropout),
    computed wherever the generator is and returned on the CPU."""
    return outputs_on_cpu(generator, conditions, batch_size=batch_size)
