"""Training a CycleGAN (Zhu et al. {cite}`survey10`): translation between two sets of images that are not paired.

Two generators, ``g_ab`` from domain A to B and ``g_ba`` back, and two discriminators, ``d_a`` and ``d_b``,
one per domain. Chapter 3.5 writes one step out; :func:`fit_cyclegan` runs it in a loop:

* adversarial, least squares as in the authors' code: each discriminator minimises
  1/2 [(D(real) - 1)^2 + D(fake)^2] on real images of its domain and on translated ones drawn from a
  :class:`~gancourse.history_pool.HistoryPool`; each generator minimises (D(G(x)) - 1)^2;
* cycle consistency (the survey's Eq. 3-4), weight ``cycle_weight`` (10): |g_ba(g_ab(a)) - a| + |g_ab(g_ba(b)) - b|;
* identity, weight ``identity_weight`` x ``cycle_weight`` (0.5 x 10): |g_ab(b) - b| + |g_ba(a) - a|;
* optionally a lesion-aware term in the spirit of Jiang et al. {cite}`survey27`: a ``segmenter`` learns to
  find the known lesions of domain A in their translations ``g_ab(a)`` (:func:`balanced_cross_entropy`),
  and ``g_ab`` is penalised, weight ``lesion_weight``, when it cannot, so the translation has to keep the
  lesion visible.
"""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from .devices import move_networks
from .history_pool import HistoryPool
from .losses import least_squares_discriminator, least_squares_generator
from .train import check_losses, training_steps
from .translation import check_image_batch, cycle_loss, identity_loss


def _check_inputs(images_a, images_b, lesion_masks_a, segmenter, batch_size):
    check_image_batch(images_a, "images_a")
    check_image_batch(images_b, "images_b")
    if images_a.shape[2:] != images_b.shape[2:]:
        raise ValueError(f"the two domains must have the same image size; got {tuple(images_a.shape[2:])} and "
                         f"{tuple(images_b.shape[2:])}. Resize one set (they need not be paired or equally many).")
    if (lesion_masks_a is None) != (segmenter is None):
        raise ValueError("the lesion-aware loss needs both lesion_masks_a (the lesions of domain A's images) and a "
                         "segmenter (a network that outputs one logit per pixel); give both or neither.")
    if lesion_masks_a is not None and lesion_masks_a.shape != images_a.shape[:1] + (1,) + images_a.shape[2:]:
        raise ValueError(f"lesion_masks_a {tuple(lesion_masks_a.shape)} must hold one mask (N, 1, H, W) per image "
                         f"of images_a {tuple(images_a.shape)}.")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size is a whole number >= 1 (1 in CycleGAN); got {batch_size!r}.")


def generator_adversarial(d, fake):
    """(D(G(x)) - 1)^2, averaged: CycleGAN's generator term (the mean squared error, without LSGAN's 1/2)."""
    return 2 * least_squares_generator(d(fake))


def balanced_cross_entropy(logits, masks):
    """Binary cross-entropy with the lesion pixels weighted by (background pixels / lesion pixels) of the
    batch: lesions cover well under 1 % of a slice, and unweighted they would hardly count."""
    positives = masks.sum()
    weight = ((masks.numel() - positives) / positives.clamp(min=1)).detach()
    return F.binary_cross_entropy_with_logits(logits, masks, pos_weight=weight)


def fit_cyclegan(g_ab, g_ba, d_a, d_b, images_a, images_b, *, seconds: float | None = None,
                 steps: int | None = None, cycle_weight: float = 10.0, identity_weight: float = 0.5,
                 pool_size: int = 50, batch_size: int = 1, lr: float = 2e-4, seed: int = 0,
                 lesion_masks_a=None, segmenter=None, lesion_weight: float = 1.0, device=None) -> dict:
    """Train on the unpaired sets ``images_a`` and ``images_b`` for ``seconds`` of wall time or ``steps`` steps
    (whichever ends first). Each step draws ``batch_size`` images of each domain independently.
    ``device``: where to train; the networks are moved there and the images copied there (without it,
    wherever ``g_ab`` is).

    Returns ``{"steps": n, "seconds": t, "loss_g": [...], "loss_d": [...], "loss_cycle": [...],
    "loss_identity": [...], "loss_lesion": [...]}`` (one value per step; ``loss_lesion`` empty without a
    segmenter).
    """
    _check_inputs(images_a, images_b, lesion_masks_a, segmenter, batch_size)
    budget = training_steps(seconds=seconds, steps=steps)
    device = move_networks(device, g_ab, g_ba, d_a, d_b, segmenter)
    images_a, images_b = images_a.to(device), images_b.to(device)
    if lesion_masks_a is not None:
        lesion_masks_a = lesion_masks_a.to(device)
    batches = torch.Generator().manual_seed(seed)
    pool_a, pool_b = HistoryPool(pool_size, seed=seed + 1), HistoryPool(pool_size, seed=seed + 2)
    adam = dict(lr=lr, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(list(g_ab.parameters()) + list(g_ba.parameters()), **adam)
    opt_d = torch.optim.Adam(list(d_a.parameters()) + list(d_b.parameters()), **adam)
    opt_s = torch.optim.Adam(segmenter.parameters(), **adam) if segmenter is not None else None
    history = {"steps": 0, "seconds": 0.0, "loss_g": [], "loss_d": [], "loss_cycle": [], "loss_identity": [],
               "loss_lesion": []}
    start = time.perf_counter()
    for step in budget:
        index_a = torch.randint(0, images_a.shape[0], (batch_size,), generator=batches).to(device)
        index_b = torch.randint(0, images_b.shape[0], (batch_size,), generator=batches).to(device)
        a, b = images_a[index_a], images_b[index_b]

        # Generators: fool both discriminators, come back to the start, leave their own domain alone.
        fake_b, fake_a = g_ab(a), g_ba(b)
        adversarial = generator_adversarial(d_b, fake_b) + generator_adversarial(d_a, fake_a)
        cycle = cycle_loss(a, g_ba(fake_b)) + cycle_loss(b, g_ab(fake_a))
        loss_g = adversarial + cycle_weight * cycle
        identity = torch.zeros((), device=device)
        if identity_weight:
            identity = identity_loss(b, g_ab(b)) + identity_loss(a, g_ba(a))
            loss_g = loss_g + identity_weight * cycle_weight * identity
        if segmenter is not None:
            masks = lesion_masks_a[index_a]
            lesion = balanced_cross_entropy(segmenter(fake_b), masks)
            loss_g = loss_g + lesion_weight * lesion
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()

        if segmenter is not None:  # the segmenter learns on the translations, not through them
            opt_s.zero_grad(set_to_none=True)
            balanced_cross_entropy(segmenter(fake_b.detach()), masks).backward()
            opt_s.step()
            history["loss_lesion"].append(lesion.item())

        # Discriminators: real images of their domain against translations, new and from the pool.
        loss_d = (least_squares_discriminator(d_a(a), d_a(pool_a.query(fake_a)))
                  + least_squares_discriminator(d_b(b), d_b(pool_b.query(fake_b))))
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()

        history["loss_g"].append(loss_g.item())
        history["loss_d"].append(loss_d.item())
        history["loss_cycle"].append(cycle.item())
        history["loss_identity"].append(identity.item())
        history["steps"] += 1
        check_losses(step, f"Lower lr (now {lr:g}) and check that both image sets lie in [-1, 1].",
                     loss_g=history["loss_g"][-1], loss_d=history["loss_d"][-1])
    history["seconds"] = time.perf_counter() - start
    return history
