"""Adversarial segmentation: a segmenter trained against a network that compares its masks with the true
ones. Two designs of the survey's Section 4.2, each a subclass of the baseline's
:class:`~gancourse.methods.segmentation.SegmentationTrainer` that keeps its Dice + cross-entropy loss and
adds ``adversarial_weight`` times an adversarial term:

* :class:`SegANTrainer`, Xue et al.'s SegAN {cite}`survey49` (the survey's Eq. 6). A critic
  (:class:`~gancourse.nets.segan_critic.MultiScaleCritic`) sees the image masked by the predicted
  probabilities, ``x o S(x)``, and by the true masks, ``x o y``. The critic *maximises* the multi-scale L1
  distance between its features of the two; the segmenter minimises it. The critic's weights are clipped
  to ``[-clip, clip]`` after each step (0.05 in the paper), or the distance would grow without bound.
* :class:`ConditionalSegmentationTrainer`, Luc et al. {cite}`luc2016semantic`: a discriminator judges
  (image, segmentation) pairs, true label maps (one-hot) against the segmenter's softmax, with the
  non-saturating GAN loss; the segmenter is rewarded when its pairs pass for true ones.

    trainer = SegANTrainer(unet, MultiScaleCritic(n_classes), images, labels, adversarial_weight=1.0)
    trainer.fit(seconds=30)
"""
from __future__ import annotations

import torch

from ..checks import check_number
from ..losses import get_loss
from ..losses.segmentation import mask_images, multiscale_l1, one_hot
from .segmentation import SegmentationTrainer


class SegANTrainer(SegmentationTrainer):
    """The baseline plus SegAN's multi-scale L1 term against ``critic`` (whose input channels are
    ``n_classes`` times the images'). RMSprop for the critic, as for clipped critics (the WGAN recipe).
    The history adds ``loss_adv`` (the segmenter's multi-scale L1) and ``loss_critic`` (its negative, as the
    critic minimises it)."""

    hint = "Lower lr or adversarial_weight, and check that the images lie in [-1, 1]."

    def __init__(self, segmenter, critic, images, labels, *, adversarial_weight: float = 1.0,
                 clip: float = 0.05, critic_lr: float = 2e-4, **kwargs):
        super().__init__(segmenter, images, labels, **kwargs)
        self.critic = self.add_network("critic", critic)
        self.adversarial_weight = check_number(adversarial_weight, "adversarial_weight", low=0)
        self.clip = check_number(clip, "clip", low=0, low_open=True, hint=" (0.05 in SegAN)")
        lr = check_number(critic_lr, "critic_lr", low=0, low_open=True)
        self.opt_c = self.add_optimizer("critic", torch.optim.RMSprop(critic.parameters(), lr=lr))

    def distance(self, x, probabilities, truth):
        """SegAN's multi-scale L1 distance between the critic's features of ``x o S(x)`` and ``x o y``."""
        return multiscale_l1(self.critic(mask_images(x, probabilities)), self.critic(mask_images(x, truth)))

    def adversary_step(self, x, y, logits):
        truth = one_hot(y, self.n_classes)
        loss_critic = -self.distance(x, logits.softmax(1), truth)  # the critic maximises the distance
        self.opt_c.zero_grad(set_to_none=True)
        loss_critic.backward()
        self.opt_c.step()
        with torch.no_grad():
            for parameter in self.critic.parameters():
                parameter.clamp_(-self.clip, self.clip)
        return {"loss_critic": loss_critic.item()}

    def segmenter_loss(self, x, y, logits):
        loss_seg, record = super().segmenter_loss(x, y, logits)
        loss_adv = self.distance(x, logits.softmax(1), one_hot(y, self.n_classes))
        return loss_seg + self.adversarial_weight * loss_adv, {**record, "loss_adv": loss_adv.item()}


class ConditionalSegmentationTrainer(SegmentationTrainer):
    """The baseline plus Luc et al.'s adversarial term: ``discriminator`` takes the image and the class
    maps stacked along the channels (``C + n_classes`` input channels). Adam, betas (0.5, 0.999), for the
    discriminator. The history adds ``loss_adv`` and ``loss_d``."""

    hint = "Lower lr or adversarial_weight, and check that the images lie in [-1, 1]."

    def __init__(self, segmenter, discriminator, images, labels, *, adversarial_weight: float = 0.1,
                 discriminator_lr: float = 2e-4, loss: str = "nonsaturating", **kwargs):
        super().__init__(segmenter, images, labels, **kwargs)
        self.discriminator = self.add_network("discriminator", discriminator)
        self.adversarial_weight = check_number(adversarial_weight, "adversarial_weight", low=0)
        self.adversarial = get_loss(loss)
        lr = check_number(discriminator_lr, "discriminator_lr", low=0, low_open=True)
        self.opt_d = self.add_optimizer("discriminator", torch.optim.Adam(discriminator.parameters(), lr=lr,
                                                                          betas=(0.5, 0.999)))

    def judge(self, x, maps):
        """The discriminator's logits for the pairs (image, class maps)."""
        return self.discriminator(torch.cat([x, maps], dim=1))

    def adversary_step(self, x, y, logits):
        loss_d = self.adversarial.discriminator(self.judge(x, one_hot(y, self.n_classes)),
                                                self.judge(x, logits.softmax(1)))
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        return {"loss_d": loss_d.item()}

    def segmenter_loss(self, x, y, logits):
        loss_seg, record = super().segmenter_loss(x, y, logits)
        loss_adv = self.adversarial.generator(self.judge(x, logits.softmax(1)))
        return loss_seg + self.adversarial_weight * loss_adv, {**record, "loss_adv": loss_adv.item()}
