"""Low-dose CT de-noising (chapter 4.5): a network maps a noisy low-dose reconstruction to the full-dose one,
trained with a pixel loss, a perceptual loss, an adversarial loss, or a mix.

* :class:`~gancourse.nets.denoiser.ResidualDenoiser` (in :mod:`gancourse.nets.denoiser`): a small plain CNN
  in the spirit of Wolterink et al.'s {cite}`survey101` and Yang et al.'s {cite}`survey103` generators,
  that predicts the *correction* of its input; its output is clamped to [-1, 1], the range of
  :func:`gancourse.data.hu_to_network`.
* :class:`DenoisingTrainer`: the generator minimises

      mse_weight * MSE(G(x), y) + perceptual_weight * content(G(x), y) + adversarial_weight * (-C(G(x)))

  with ``x`` a low-dose and ``y`` a full-dose image of the same slice. ``content`` is a feature distance
  (:class:`gancourse.losses.feature.FeatureLoss`; the domain encoder by default, where Yang et al. used an
  ImageNet VGG). With a ``critic``, it learns first at every step, with the Wasserstein loss and the
  gradient penalty (WGAN-GP, chapter 3.7), to tell full-dose images ``y`` from denoised ones ``G(x)``:

      MSE alone:                 DenoisingTrainer(G, None, x, y)
      MSE + adversarial:         DenoisingTrainer(G, C, x, y, adversarial_weight=1e-3)
      WGAN + perceptual (Yang):  DenoisingTrainer(G, C, x, y, mse_weight=0, perceptual_weight=0.1)

  Wolterink et al. paired the MSE with the original GAN loss; here every adversarial variant uses the same
  WGAN-GP critic, so that the variants differ only in the terms they weigh.
"""
from __future__ import annotations

import torch

from ..checks import check_image_batch, check_number, check_value_range, check_whole_number
from ..devices import outputs_on_cpu
from ..losses import gradient_penalty, wasserstein_discriminator, wasserstein_generator
from ..train import Trainer


class DenoisingTrainer(Trainer):
    """Trains ``denoiser`` on pairs ``(low[i], full[i])`` (network scale, [-1, 1]), with the loss above.
    Adam with ``lr`` and betas (0.5, 0.9) for both networks (WGAN-GP's). The history records ``loss_g``,
    ``mse`` (the pixel error, whatever its weight) and, with a critic, ``loss_d``."""

    hint = "Lower lr or adversarial_weight, and check that low and full lie in [-1, 1]."

    def __init__(self, denoiser, critic, low, full, *, mse_weight: float = 1.0, adversarial_weight: float = 1e-3,
                 perceptual_weight: float = 0.0, features=None, gp_weight: float = 10.0, batch_size: int = 16,
                 lr: float = 1e-3, **loop):
        check_image_batch(low, "the low-dose images")
        check_image_batch(full, "the full-dose images")
        if low.shape != full.shape:
            raise ValueError(f"de-noising needs pairs: low {tuple(low.shape)} and full {tuple(full.shape)} must "
                             "hold the same number of images at the same size, full[i] the scan of low[i]'s slice.")
        check_value_range(low, "the low-dose images")
        check_value_range(full, "the full-dose images")
        super().__init__(**loop)
        self.mse_weight = check_number(mse_weight, "mse_weight", low=0)
        self.adversarial_weight = check_number(adversarial_weight, "adversarial_weight", low=0)
        self.perceptual_weight = check_number(perceptual_weight, "perceptual_weight", low=0)
        self.gp_weight = check_number(gp_weight, "gp_weight", low=0, hint=" (10 in WGAN-GP)")
        if self.perceptual_weight > 0 and features is None:
            from ..losses.feature import FeatureLoss  # loads the domain encoder: only when it is used
            features = FeatureLoss()
        self.features = features
        if self.mse_weight == 0 and self.perceptual_weight == 0 and critic is None:
            raise ValueError("nothing to train on: give mse_weight or perceptual_weight above 0, or a critic.")
        self.denoiser = self.add_network("denoiser", denoiser)
        self.critic = self.add_network("critic", critic) if critic is not None else None
        self.low, self.full = self.to_device(low), self.to_device(full)
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
        lr = check_number(lr, "lr", low=0, low_open=True)
        self.opt_g = self.add_optimizer("denoiser", torch.optim.Adam(denoiser.parameters(), lr=lr,
                                                                    betas=(0.5, 0.9)))
        if critic is not None:
            self.opt_c = self.add_optimizer("critic", torch.optim.Adam(critic.parameters(), lr=lr,
                                                                       betas=(0.5, 0.9)))
        self.batches = self.add_rng("batches")
        self.interpolation = self.add_rng("interpolation", offset=1)

    def step(self):
        index = torch.randint(0, self.low.shape[0], (self.batch_size,), generator=self.batches).to(self.device)
        x, y = self.low[index], self.full[index]
        record = {}
        fake = self.denoiser(x)
        if self.critic is not None:  # the critic first: full-dose images against denoised ones
            C = self.critic
            loss_d = wasserstein_discriminator(C(y), C(fake.detach()))
            loss_d = loss_d + self.gp_weight * gradient_penalty(C, y, fake.detach(), generator=self.interpolation)
            self.opt_c.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_c.step()
            record["loss_d"] = loss_d.item()
        mse = torch.mean((fake - y) ** 2)
        loss_g = self.mse_weight * mse
        if self.perceptual_weight > 0:
            loss_g = loss_g + self.perceptual_weight * self.features(fake, y)
        if self.critic is not None and self.adversarial_weight > 0:
            loss_g = loss_g + self.adversarial_weight * wasserstein_generator(self.critic(fake))
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        return {"loss_g": loss_g.item(), "mse": mse.item(), **record}


def denoise(denoiser, images, batch_size: int = 128) -> torch.Tensor:
    """The denoiser's outputs for ``images`` (network scale), in evaluation mode, returned on the CPU."""
    return outputs_on_cpu(denoiser, images, batch_size=batch_size)
