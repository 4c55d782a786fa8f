"""Compressed-sensing MRI reconstruction with DAGAN (Yang et al. {cite}`survey76`), on the book's one loop.

The generator sees the zero-filled image of the measured k-space lines (:mod:`gancourse.data.kspace`) as two
channels (real, imaginary) and learns a *correction*: its output is the zero-filled image plus what the network
adds (residual learning, as in DAGAN), and a data-consistency step then puts the measured lines back
(:func:`gancourse.data.kspace.data_consistency`), so that only the unmeasured lines are the network's
(:func:`reconstruct`). DAGAN's refinement was the residual; the data-consistency layer is the one of cascaded
reconstruction networks (Schlemper et al. {cite}`schlemper2018deep`), simpler than Seitzer et al.'s refinement
{cite}`survey77`.

:class:`DAGANTrainer` minimises the survey's Eq. 7,

    L_G = alpha L_image + beta L_freq + gamma L_feature + L_adv,

written here with every term on the same footing: ``L_image`` is the normalised squared error of the complex
image, ``L_freq`` that of the *magnitudes* of its k-space (for the complex k-space itself it would equal
``L_image``, by Parseval's theorem: :func:`frequency_loss`), ``L_feature`` the content distance on the book's
domain encoder in place of VGG (:class:`gancourse.losses.feature.FeatureLoss`), and ``L_adv`` the
non-saturating loss of a discriminator that judges the magnitude image. The weights' ratios are DAGAN's
image-to-adversarial 15:1 by default. ``discriminator=None`` and ``feature_weight=0`` leave the image loss
alone (and the frequency loss, when its weight is not 0 either): the baseline.

    trainer = DAGANTrainer(G, D, truth, mask, seed=0)
    trainer.fit(seconds=10)
    images = reconstruct(G, zero_filled_images, mask)
"""
from __future__ import annotations

import torch

from ..checks import check_number
from ..data.kspace import data_consistency, fft2c, from_channels, to_channels, zero_filled
from ..devices import outputs_on_cpu
from .refinement import RefinementTrainer


def magnitude(image: torch.Tensor) -> torch.Tensor:
    """``|image|`` of complex images, with a gradient everywhere (also where the image is 0)."""
    return torch.sqrt(image.real ** 2 + image.imag ** 2 + 1e-8)


def normalised_error(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``||x - y||^2 / ||y||^2`` per image, averaged over the batch, as a differentiable loss (real or complex)."""
    error = (x - y).abs() ** 2
    return (error.flatten(1).sum(1) / (y.abs() ** 2).flatten(1).sum(1).clamp(min=1e-12)).mean()


def frequency_loss(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """DAGAN's frequency loss for complex images ``(N, 1, H, W)``: the normalised squared error of the
    *magnitudes* of their k-spaces. (Of the complex k-spaces, it would be the image loss again: the orthonormal
    Fourier transform keeps distances.)"""
    return normalised_error(magnitude(fft2c(x)), magnitude(fft2c(y)))


def reconstruct(generator, zero_filled_image: torch.Tensor, mask: torch.Tensor, consistency: bool = True):
    """The reconstruction of complex zero-filled images: ``zero-filled + generator(zero-filled)``, then (with
    ``consistency``) the measured lines put back. Keeps the graph (for training); see :func:`reconstruct_images`
    for evaluation."""
    x = to_channels(zero_filled_image)
    image = from_channels(x + generator(x))
    if not consistency:
        return image
    return data_consistency(image, fft2c(zero_filled_image) * mask.to(x.device), mask.to(x.device))


def reconstruct_images(generator, zero_filled_image: torch.Tensor, mask: torch.Tensor,
                       consistency: bool = True, batch_size: int = 128) -> torch.Tensor:
    """:func:`reconstruct` in evaluation mode (batch norm's running statistics), without gradients,
    ``batch_size`` images at a time on the generator's device; returned on the CPU."""
    return outputs_on_cpu(generator, zero_filled_image, batch_size=batch_size,
                          apply=lambda net, chunk: reconstruct(net, chunk, mask, consistency))


class DAGANTrainer(RefinementTrainer):
    """Trains ``generator`` (two channels in, two out: a U-Net) to reconstruct the complex images ``truth``
    ``(N, 1, H, W)`` from the lines of k-space that ``mask`` keeps (see the module's description). Adam with
    ``lr`` and betas (0.5, 0.999) for both networks. The history records ``loss_g`` and its terms (``image``,
    ``frequency``, ``feature``, ``adversarial``) and, with a discriminator, ``loss_d``."""

    hint = "Lower lr or adversarial_weight, and check that the images' magnitudes lie in [0, 1]."

    def __init__(self, generator, discriminator, truth, mask, *, image_weight: float = 15.0,
                 frequency_weight: float = 15.0, feature_weight: float = 1.0, adversarial_weight: float = 1.0,
                 consistency: bool = True, batch_size: int = 16, lr: float = 1e-3, lr_d: float = 2e-4,
                 loss: str = "nonsaturating", **loop):
        if not isinstance(truth, torch.Tensor) or not truth.is_complex() or truth.dim() != 4 or truth.shape[1] != 1:
            shape = tuple(truth.shape) if isinstance(truth, torch.Tensor) else type(truth).__name__
            raise ValueError(f"truth must be complex images (N, 1, H, W), the fully sampled reconstructions; got "
                             f"{shape}. Make them with gancourse.data.kspace.complex_image(magnitudes).")
        magnitudes = truth.abs()
        if float(magnitudes.max()) > 1.05:
            raise ValueError(f"the truth's magnitudes must lie in [0, 1] (the simulator's MR images do); got up to "
                             f"{float(magnitudes.max()):.3g}. Divide by the largest magnitude first.")
        super().__init__(generator, discriminator, feature_weight=feature_weight, batch_size=batch_size, lr=lr,
                         lr_d=lr_d, loss=loss, **loop)
        self.truth, self.mask = self.to_device(truth), mask.to(self.device)
        self.zero_filled = zero_filled(fft2c(self.truth), self.mask)  # also checks the mask
        self.consistency = consistency
        self.weights = {name: check_number(value, name, low=0) for name, value in
                        (("image_weight", image_weight), ("frequency_weight", frequency_weight),
                         ("feature_weight", feature_weight), ("adversarial_weight", adversarial_weight))}

    def step(self):
        index = self.batch_index(self.truth.shape[0])
        truth, zf = self.truth[index], self.zero_filled[index]
        output = reconstruct(self.generator, zf, self.mask, self.consistency)
        terms = {"image": normalised_error(output, truth), "frequency": frequency_loss(output, truth)}
        # The feature and adversarial terms see magnitude images in [-1, 1], as the domain encoder and the
        # discriminators of the book do.
        fake, real = (2 * magnitude(output) - 1).clamp(-1, 1), 2 * truth.abs() - 1
        if self.feature is not None:
            terms["feature"] = self.feature(fake, real)
        adversarial, record = self.adversarial_update(real, fake)
        if adversarial is not None:
            terms["adversarial"] = adversarial
        loss_g = sum(self.weights[name + "_weight"] * value for name, value in terms.items())
        self.generator_update(loss_g)
        return {"loss_g": loss_g.item(), **record, **{name: value.item() for name, value in terms.items()}}
