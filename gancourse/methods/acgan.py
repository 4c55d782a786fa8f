r"""Training an auxiliary classifier GAN (Odena et al. {cite}`survey11`, the survey's Section 3.6).

The discriminator answers two questions about every image: real or fake (the *source* S), and which class
(C). With :math:`L_S = \mathbb{E}[\log P(S{=}\text{real} \mid x_{real})] + \mathbb{E}[\log P(S{=}\text{fake}
\mid x_{fake})]` and :math:`L_C = \mathbb{E}[\log P(C{=}c \mid x_{real})] + \mathbb{E}[\log P(C{=}c \mid
x_{fake})]`, the discriminator maximises :math:`L_S + L_C` and the generator maximises :math:`L_C - L_S`:
both want every image, real or generated, to be classified as its class.

:class:`ACGANTrainer` is :class:`gancourse.methods.gan.GANTrainer` with labels: the source part uses the
trainer's adversarial loss (non-saturating by default), the class part is a cross-entropy weighted by
``aux_weight`` (1 in the paper). Fake images get class labels drawn uniformly.

    trainer = ACGANTrainer(G, D, images, labels, batch_size=64, seed=0)
    trainer.fit(steps=2000)
    samples = trainer.sample(labels=torch.tensor([0, 1, 2]))
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..checks import check_labels
from .gan import GANTrainer


class ACGANTrainer(GANTrainer):
    """Trains an :class:`~gancourse.nets.acgan.ACGANGenerator` against an
    :class:`~gancourse.nets.acgan.ACGANDiscriminator` on labelled images ``(N, C, H, W)`` with ``labels (N,)``.

    The history also records the class part of the discriminator's loss (``loss_class``) and how often its
    classifier is right on the real and on the generated batch (``class_acc_real``, ``class_acc_fake``).
    """

    def __init__(self, generator, discriminator, images, labels, *, aux_weight=1.0, **kwargs):
        if kwargs.get("gp_weight"):
            raise ValueError("ACGANTrainer does not implement the gradient penalty; use gp_weight=0 (the default).")
        if not isinstance(images, torch.Tensor):
            raise TypeError("ACGANTrainer needs the labelled images as one tensor (N, C, H, W).")
        self.n_classes = generator.n_classes
        if discriminator.n_classes != self.n_classes:
            raise ValueError(f"the generator makes {self.n_classes} classes but the discriminator classifies "
                             f"{discriminator.n_classes}: build both with the same n_classes.")
        labels = check_labels(labels, self.n_classes, images.shape[0], "ACGANTrainer")
        if not aux_weight >= 0:
            raise ValueError(f"aux_weight weighs the class loss and must be >= 0, got {aux_weight!r}.")
        super().__init__(generator, discriminator, images, **kwargs)
        self.labels = self.to_device(labels)
        self.aux_weight = aux_weight

    def real_batch(self, n):
        index = torch.randint(0, self.pool.shape[0], (n,), generator=self.data_rng).to(self.pool.device)
        return self.pool[index], self.labels[index]

    def fake_labels(self, n):
        return torch.randint(0, self.n_classes, (n,), generator=self.latent_rng).to(self.device)

    def discriminator_step(self):
        """One discriminator update: real or fake (the source), and which class (for real *and* generated
        images, as in the paper). Returns the fakes with their labels, and the values to record."""
        real, real_labels = self.real_batch(self.batch_size)
        fake_labels = self.fake_labels(self.batch_size)
        fake = self.G(self.latent(self.batch_size), fake_labels)
        real_source, real_class = self.D(real)
        fake_source, fake_class = self.D(fake.detach())
        loss_source = self.loss.discriminator(real_source, fake_source)
        loss_class = F.cross_entropy(real_class, real_labels) + F.cross_entropy(fake_class, fake_labels)
        loss_d = loss_source + self.aux_weight * loss_class
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        self.clip_discriminator()
        accuracy = lambda logits, labels: (logits.argmax(1) == labels).float().mean().item()  # noqa: E731
        return (fake, fake_labels), {"loss_d": loss_d.item(), "d_real": real_source.mean().item(),
                                     "d_fake": fake_source.mean().item(), "loss_class": loss_class.item(),
                                     "class_acc_real": accuracy(real_class, real_labels),
                                     "class_acc_fake": accuracy(fake_class, fake_labels)}

    def step(self):
        """``d_steps`` discriminator updates and one generator update; returns the losses and accuracies."""
        for _ in range(self.d_steps):
            (fake, fake_labels), record = self.discriminator_step()
        # The generator wants its fakes judged real *and* of the class it was asked for.
        source, classes = self.D(fake)
        loss_g = self.loss.generator(source) + self.aux_weight * F.cross_entropy(classes, fake_labels)
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        return {"loss_g": loss_g.item(), **record}

    @torch.no_grad()
    def sample(self, n: int | None = None, *, labels=None, use_ema: bool = True, seed: int | None = 1234):
        """Generated images of the requested ``labels`` (a tensor of class indices), or ``n`` of each class
        in turn (0, 1, ..., 0, 1, ...) when only ``n`` is given. Returns ``(images, labels)`` on the CPU."""
        if labels is None:
            if not (isinstance(n, int) and n >= 1):
                raise ValueError("give the number of samples n (a positive integer) or the labels to generate.")
            labels = torch.arange(n) % self.n_classes
        labels = check_labels(labels, self.n_classes, len(labels), "ACGANTrainer.sample").to(self.device)
        return self.generate(self.fixed_latent(len(labels), seed), labels, use_ema=use_ema), labels.cpu()
