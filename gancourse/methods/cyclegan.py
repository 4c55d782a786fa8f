"""Training a CycleGAN (Zhu et al. {cite}`survey10`): translation between two sets of images that are not paired.

Two generators, ``g_ab`` from domain A to B and ``g_ba`` back, and two discriminators, ``d_a`` and ``d_b``,
one per domain. Chapter 3.5 writes one step out; :class:`CycleGANTrainer` is that step on the book's
one loop (:class:`gancourse.train.Trainer`):

* adversarial, least squares as in the authors' code: each discriminator minimises
  1/2 [(D(real) - 1)^2 + D(fake)^2] on real images of its domain and on translated ones drawn from a
  :class:`~gancourse.methods.history_pool.HistoryPool`; each generator minimises (D(G(x)) - 1)^2;
* cycle consistency (the survey's Eq. 3-4), weight ``cycle_weight`` (10): |g_ba(g_ab(a)) - a| + |g_ab(g_ba(b)) - b|;
* identity, weight ``identity_weight`` x ``cycle_weight`` (0.5 x 10): |g_ab(b) - b| + |g_ba(a) - a|;
* optionally a lesion-aware term in the spirit of Jiang et al. {cite}`survey27`: a ``segmenter`` learns to
  find the known lesions of domain A in their translations ``g_ab(a)``
  (:func:`gancourse.losses.balanced_cross_entropy`),
  and ``g_ab`` is penalised, weight ``lesion_weight``, when it cannot, so the translation has to keep the
  lesion visible.
"""
from __future__ import annotations

import torch

from ..checks import check_image_batch
from ..losses import balanced_cross_entropy, cycle_loss, identity_loss, least_squares_discriminator, \
    least_squares_generator
from ..checks import check_number, check_value_range, check_whole_number
from ..train import Trainer
from .history_pool import HistoryPool


def generator_adversarial(d, fake):
    """(D(G(x)) - 1)^2, averaged: CycleGAN's generator term (the mean squared error, without LSGAN's 1/2)."""
    return 2 * least_squares_generator(d(fake))


class CycleGANTrainer(Trainer):
    """Trains ``g_ab``, ``g_ba`` against ``d_a``, ``d_b`` on the unpaired sets ``images_a`` and ``images_b``
    (each step draws ``batch_size`` images of each domain independently). One Adam optimiser for both
    generators and one for both discriminators (``lr``, betas (0.5, 0.999)), as in the authors' code.

    The history records ``loss_g``, ``loss_d``, ``loss_cycle``, ``loss_identity`` (0 when
    ``identity_weight`` is 0) and, with a ``segmenter``, ``loss_lesion``.
    """

    hint = "Lower lr, and check that both image sets lie in [-1, 1]."

    def __init__(self, g_ab, g_ba, d_a, d_b, images_a, images_b, *, cycle_weight: float = 10.0,
                 identity_weight: float = 0.5, pool_size: int = 50, batch_size: int = 1, lr: float = 2e-4,
                 lesion_masks_a=None, segmenter=None, lesion_weight: float = 1.0, **loop):
        _check_inputs(images_a, images_b, lesion_masks_a, segmenter)
        super().__init__(**loop)
        self.g_ab, self.g_ba = self.add_network("g_ab", g_ab), self.add_network("g_ba", g_ba)
        self.d_a, self.d_b = self.add_network("d_a", d_a), self.add_network("d_b", d_b)
        self.segmenter = self.add_network("segmenter", segmenter) if segmenter is not None else None
        self.images_a, self.images_b = self.to_device(images_a), self.to_device(images_b)
        self.lesion_masks_a = self.to_device(lesion_masks_a)
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1, hint=" (1 in CycleGAN)")
        self.cycle_weight = check_number(cycle_weight, "cycle_weight", hint=" (10 in CycleGAN)", low=0)
        self.identity_weight = check_number(identity_weight, "identity_weight",
                                              hint=" (0.5 in CycleGAN; 0 turns it off)", low=0)
        self.lesion_weight = check_number(lesion_weight, "lesion_weight", low=0)
        lr = check_number(lr, "lr", low=0, low_open=True)
        adam = dict(lr=lr, betas=(0.5, 0.999))
        self.opt_g = self.add_optimizer("generators", torch.optim.Adam(
            list(g_ab.parameters()) + list(g_ba.parameters()), **adam))
        self.opt_d = self.add_optimizer("discriminators", torch.optim.Adam(
            list(d_a.parameters()) + list(d_b.parameters()), **adam))
        if segmenter is not None:
            self.opt_s = self.add_optimizer("segmenter", torch.optim.Adam(segmenter.parameters(), **adam))
        self.batches = self.add_rng("batches")
        self.pool_a = HistoryPool(pool_size, seed=self.seed + 1)
        self.pool_b = HistoryPool(pool_size, seed=self.seed + 2)

    def step(self):
        index_a = torch.randint(0, self.images_a.shape[0], (self.batch_size,), generator=self.batches).to(self.device)
        index_b = torch.randint(0, self.images_b.shape[0], (self.batch_size,), generator=self.batches).to(self.device)
        a, b = self.images_a[index_a], self.images_b[index_b]
        g_ab, g_ba, d_a, d_b = self.g_ab, self.g_ba, self.d_a, self.d_b

        # Generators: fool both discriminators, come back to the start, leave their own domain alone.
        fake_b, fake_a = g_ab(a), g_ba(b)
        adversarial = generator_adversarial(d_b, fake_b) + generator_adversarial(d_a, fake_a)
        cycle = cycle_loss(a, g_ba(fake_b)) + cycle_loss(b, g_ab(fake_a))
        loss_g = adversarial + self.cycle_weight * cycle
        identity = torch.zeros((), device=self.device)
        if self.identity_weight:
            identity = identity_loss(b, g_ab(b)) + identity_loss(a, g_ba(a))
            loss_g = loss_g + self.identity_weight * self.cycle_weight * identity
        if self.segmenter is not None:
            masks = self.lesion_masks_a[index_a]
            lesion = balanced_cross_entropy(self.segmenter(fake_b), masks)
            loss_g = loss_g + self.lesion_weight * lesion
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()

        record = {}
        if self.segmenter is not None:  # the segmenter learns on the translations, not through them
            self.opt_s.zero_grad(set_to_none=True)
            balanced_cross_entropy(self.segmenter(fake_b.detach()), masks).backward()
            self.opt_s.step()
            record["loss_lesion"] = lesion.item()

        # Discriminators: real images of their domain against translations, new and from the pool.
        loss_d = (least_squares_discriminator(d_a(a), d_a(self.pool_a.query(fake_a)))
                  + least_squares_discriminator(d_b(b), d_b(self.pool_b.query(fake_b))))
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        return {"loss_g": loss_g.item(), "loss_d": loss_d.item(), "loss_cycle": cycle.item(),
                "loss_identity": identity.item(), **record}

    def extra_state(self):
        return {"pool_a": self.pool_a.state_dict(), "pool_b": self.pool_b.state_dict()}

    def load_extra_state(self, state):
        self.pool_a.load_state_dict(state["pool_a"], self.device)
        self.pool_b.load_state_dict(state["pool_b"], self.device)


def _check_inputs(images_a, images_b, lesion_masks_a, segmenter):
    check_image_batch(images_a, "images_a")
    check_image_batch(images_b, "images_b")
    check_value_range(images_a, "images_a")
    check_value_range(images_b, "images_b")
    if images_a.shape[2:] != images_b.shape[2:]:
        raise ValueError(f"images_a and images_b (the two domains) must have the same image size; got "
                         f"{tuple(images_a.shape[2:])} and {tuple(images_b.shape[2:])}. Resize one set (they need not be paired or equally many).")
    if (lesion_masks_a is None) != (segmenter is None):
        raise ValueError("the lesion-aware loss needs both lesion_masks_a (the lesions of domain A's images) and a "
                         "segmenter (a network that outputs one logit per pixel); give both or neither.")
    if lesion_masks_a is not None and lesion_masks_a.shape != images_a.shape[:1] + (1,) + images_a.shape[2:]:
        raise ValueError(f"lesion_masks_a {tuple(lesion_masks_a.shape)} must hold one mask (N, 1, H, W) per image "
                         f"of images_a {tuple(images_a.shape)}.")
