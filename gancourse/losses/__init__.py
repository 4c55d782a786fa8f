"""Losses of the book, one module per kind.

* :mod:`~gancourse.losses.adversarial`: the adversarial losses of the survey's Section 3 (minimax,
  non-saturating, least squares, Wasserstein, hinge) and WGAN-GP's gradient penalty;
* :mod:`~gancourse.losses.pixel`: the L1, cycle-consistency and identity losses of pix2pix and CycleGAN;
* :mod:`~gancourse.losses.segmentation`: a class-balanced cross-entropy for small lesions, the Dice loss,
  SegAN's multi-scale L1 loss;
* :mod:`~gancourse.losses.feature`: content and style losses in a feature network's layers (imported
  from its module: it loads the domain encoder).

The names of the first three are available here: ``from gancourse.losses import get_loss, l1_loss``.
"""
from .adversarial import (LOSSES, GANLoss, get_loss, gradient_norms_at_interpolates, gradient_penalty,
                          hinge_discriminator, least_squares, least_squares_discriminator,
                          least_squares_generator, minimax_discriminator, minimax_generator,
                          nonsaturating_generator, wasserstein_discriminator, wasserstein_generator)
from .pixel import cycle_loss, identity_loss, l1_loss
from .segmentation import balanced_cross_entropy

__all__ = ["LOSSES", "GANLoss", "get_loss", "gradient_norms_at_interpolates", "gradient_penalty",
           "hinge_discriminator", "least_squares", "least_squares_discriminator", "least_squares_generator",
           "minimax_discriminator", "minimax_generator", "nonsaturating_generator", "wasserstein_discriminator",
           "wasserstein_generator", "cycle_loss", "identity_loss", "l1_loss", "balanced_cross_entropy"]
