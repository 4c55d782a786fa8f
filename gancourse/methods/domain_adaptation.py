"""Unsupervised domain adaptation by adversarial feature alignment (Kamnitsas et al. {cite}`survey53`, after
Ganin et al.'s domain-adversarial training {cite}`ganin2016domain`).

A segmenter trained on one kind of image (the *source*: T1 MR, with labels) fails on another (the
*target*: T2 MR, no labels at all). If its features of a target image were distributed like its features
of a source image, the layers after them could not tell the difference, and the segmentation learned on
the source would carry over. A *domain discriminator* looks at the segmenter's features and guesses the
domain; the segmenter is trained, beside its segmentation loss on the source, to make that guess fail.

:class:`DomainAdversarialTrainer` does this in one backward pass with a *gradient reversal* layer
(:func:`reverse_gradient`): the identity going forward, minus ``weight`` times the gradient going back. The
discriminator minimises its cross-entropy; through the reversal, the segmenter's features receive the
gradient that *raises* it. Source and target images go through the segmenter in one batch, so batch norm
sees both domains.

The discriminator sees the bottleneck's features and those of every decoder level of a
:class:`~gancourse.nets.segmentation_unet.SegmentationUNet`, each averaged down to the bottleneck's size
and stacked (:func:`gather_features`), as Kamnitsas et al. took features of several depths.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..checks import check_image_batch, check_number, check_value_range
from ..losses.segmentation import dice_cross_entropy
from .segmentation import SegmentationTrainer


class _ReverseGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight):
        ctx.weight = weight
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.weight * grad, None  # no gradient for the weight


def reverse_gradient(x, weight: float = 1.0):
    """``x`` unchanged; in the backward pass its gradient times ``-weight``."""
    return _ReverseGradient.apply(x, weight)


def gather_features(features):
    """A list of feature maps ``(B, c_i, s_i, s_i)``, the first the smallest, each average-pooled to the
    first one's size and stacked: ``(B, sum c_i, s_0, s_0)``."""
    size = features[0].shape[-1]
    return torch.cat([F.adaptive_avg_pool2d(f, size) for f in features], dim=1)


class DomainAdversarialTrainer(SegmentationTrainer):
    """Trains ``segmenter`` on the labelled source ``images``/``labels`` and, against
    ``domain_discriminator`` (input: :func:`gather_features` of the segmenter's features, output: domain
    logits, any shape), on the unlabelled ``target_images``. The segmenter must accept
    ``return_features=True``. The history adds ``loss_domain`` (the discriminator's cross-entropy; log 2 =
    0.69 means it cannot tell the domains apart) and ``domain_accuracy``."""

    hint = "Lower lr or adversarial_weight, and check that both image sets lie in [-1, 1]."

    def __init__(self, segmenter, domain_discriminator, images, labels, target_images, *,
                 adversarial_weight: float = 0.1, discriminator_lr: float = 1e-3, **kwargs):
        check_image_batch(target_images, "the target images")
        check_value_range(target_images, "the target images")
        if target_images.shape[1:] != images.shape[1:]:
            raise ValueError(f"the target images {tuple(target_images.shape)} must have the channels and size "
                             f"of the source images {tuple(images.shape)} (they need not be as many).")
        super().__init__(segmenter, images, labels, **kwargs)
        self.discriminator = self.add_network("discriminator", domain_discriminator)
        self.target_images = self.to_device(target_images)
        self.adversarial_weight = check_number(adversarial_weight, "adversarial_weight", low=0)
        lr = check_number(discriminator_lr, "discriminator_lr", low=0, low_open=True)
        self.opt_d = self.add_optimizer("discriminator", torch.optim.Adam(domain_discriminator.parameters(),
                                                                          lr=lr, betas=(0.5, 0.999)))

    def step(self):
        x, y = self.batch()
        index = torch.randint(0, self.target_images.shape[0], (self.batch_size,), generator=self.batches)
        x_target = self.target_images[index.to(self.device)]
        # one pass through the segmenter for both domains: batch norm sees them together
        logits, features = self.segmenter(torch.cat([x, x_target]), return_features=True)
        loss_seg = dice_cross_entropy(logits[: len(x)], y)  # labels exist for the source only
        domain_logits = self.discriminator(reverse_gradient(gather_features(features),
                                                            self.adversarial_weight))
        domain = torch.zeros_like(domain_logits)
        domain[len(x):] = 1  # 0: source, 1: target
        loss_domain = F.binary_cross_entropy_with_logits(domain_logits, domain)
        # The discriminator descends loss_domain; through the reversal the segmenter ascends it,
        # weighted, while it descends its segmentation loss.
        self.opt_s.zero_grad(set_to_none=True)
        self.opt_d.zero_grad(set_to_none=True)
        (loss_seg + loss_domain).backward()
        self.opt_s.step()
        self.opt_d.step()
        accuracy = ((domain_logits > 0).float() == domain).float().mean()
        loss = loss_seg.item() - self.adversarial_weight * loss_domain.item()  # what the segmenter minimises
        return {"loss": loss, "loss_seg": loss_seg.item(), "loss_domain": loss_domain.item(),
                "domain_accuracy": accuracy.item()}
