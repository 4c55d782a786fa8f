"""Deformable registration (chapter 4.6): a network predicts the displacement that aligns a moving image to a
fixed one, trained without true fields, by a similarity of the warped image to the fixed one.

* :func:`make_pairs`: pairs whose true deformation is known. A simulated slice is the *moving* image; a smooth
  random field ``true`` (:func:`gancourse.data.warp.random_displacement`) warps it (and its tissue label map) to
  make the *fixed* one, so ``warp(moving, true)`` is the fixed image, up to noise.
* :class:`RegistrationTrainer`: the network ``u = net([moving, fixed])`` minimises

      similarity_weight * D(warp(moving, u), fixed) + smoothness_weight * R(u) + adversarial_weight * A

  with ``D`` the mean squared error (``"mse"``) or one minus the local NCC (``"ncc"``,
  :func:`gancourse.metrics.registration.local_ncc`), ``R`` the diffusion regulariser :func:`smoothness`, and,
  with a ``discriminator``, ``A`` its verdict: Fan et al.'s adversarial similarity {cite}`survey105`
  {cite}`fan2019adversarial`. The discriminator learns first at every step to tell *reference* pairs
  ``(fixed, warp(moving, true))``, aligned by the true field, from the network's pairs ``(fixed, warp(moving,
  u))`` (binary cross-entropy), and the network learns to make its pairs pass (the non-saturating loss):
  a similarity learned from examples of alignment instead of written down, which needs no intensity
  relation between the two images, so it applies between modalities too.

      pretrained judge:     pretrain_discriminator(D, fixed, moving, true, max_pixels=8, seconds=6)
      baseline:             RegistrationTrainer(net, None, fixed, moving, similarity="ncc")
      adversarial only:     RegistrationTrainer(net, D, fixed, moving, true=true, similarity=None)
      adversarial + NCC:    RegistrationTrainer(net, D, fixed, moving, true=true, similarity="ncc")

* :func:`pretrain_discriminator`: before the network trains, the discriminator learns what alignment looks
  like from pairs that cost nothing where the truth is known: reference pairs against the same moving images
  misaligned by random smooth fields of random size (:func:`misaligned`), so that its verdict is a similarity
  from the first step, instead of a judge that has to learn while the network learns from it.
* :func:`register`: the fields a trained network predicts; :func:`iterative_registration`: the classic way,
  no training, an optimisation per pair of the same similarity and smoothness (Adam on a coarse grid of
  displacements, interpolated to every pixel, as free-form deformations are).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..checks import check_image_batch, check_image_pair, check_number, check_whole_number
from ..data.warp import _check_field, random_displacement, warp, warp_labels
from ..devices import outputs_on_cpu
from ..losses import minimax_discriminator, nonsaturating_generator
from ..metrics.registration import local_ncc, mutual_information
from ..train import Trainer

SIMILARITIES = ("mse", "ncc", "mi")


@dataclass
class RegistrationPairs:
    """Pairs with their truth: ``fixed``, ``moving`` ``(N, 1, S, S)``; their label maps ``fixed_labels``,
    ``moving_labels`` ``(N, S, S)``; ``true`` ``(N, 2, S, S)``, the field with ``warp(moving, true) ~ fixed``."""

    fixed: torch.Tensor
    moving: torch.Tensor
    fixed_labels: torch.Tensor
    moving_labels: torch.Tensor
    true: torch.Tensor

    def __len__(self):
        return self.fixed.shape[0]


def make_pairs(moving, moving_labels, *, fixed_source=None, max_pixels: float = 4.0, control: int = 5,
               noise: float = 0.0, seed: int = 0) -> RegistrationPairs:
    """Pairs from slices ``moving`` ``(N, 1, S, S)`` and their label maps ``(N, S, S)``: each is warped by its own
    smooth random field (longest vector ``max_pixels``) to make the fixed image. ``fixed_source``, when given, is
    the same anatomy in another contrast (the simulator's CT of the same slices), warped instead of ``moving``: a
    multi-modal pair. ``noise``: the standard deviation of Gaussian noise added to both images afterwards,
    independently, so that even a perfectly aligned pair is not two identical images."""
    check_image_batch(moving, "moving")
    source = moving if fixed_source is None else fixed_source
    check_image_pair(moving, source, "moving", "fixed_source", "fixed_source is the same slices in another contrast.")
    if moving_labels.shape != (moving.shape[0], *moving.shape[2:]):
        raise ValueError(f"moving_labels must be one label map per image, {(moving.shape[0], *moving.shape[2:])}; "
                         f"got {tuple(moving_labels.shape)}.")
    check_number(noise, "noise", low=0)
    stream = torch.Generator().manual_seed(check_whole_number(seed, "seed", minimum=0))
    n, size = moving.shape[0], moving.shape[-1]
    true = random_displacement(n, size, max_pixels=max_pixels, control=control, generator=stream)
    fixed = warp(source, true)
    fixed_labels = warp_labels(moving_labels.long(), true, n_classes=int(moving_labels.max()) + 1)
    if noise > 0:
        moving = moving + noise * torch.randn(moving.shape, generator=stream)
        fixed = fixed + noise * torch.randn(fixed.shape, generator=stream)
    return RegistrationPairs(fixed=fixed, moving=moving, fixed_labels=fixed_labels,
                             moving_labels=moving_labels.long(), true=true)


def smoothness(u: torch.Tensor) -> torch.Tensor:
    """The diffusion regulariser: the mean squared forward difference of the field along x and y (pixels^2 per
    pixel^2), ``mean((du/dx)^2) + mean((du/dy)^2)`` over both components."""
    return (u.diff(dim=-1) ** 2).mean() + (u.diff(dim=-2) ** 2).mean()


def dissimilarity(warped, fixed, similarity: str, window: int = 9) -> torch.Tensor:
    """The similarity term a registration minimises, averaged over the batch: the MSE, 1 - local NCC, or minus
    the mutual information (``"mi"``, 16 Parzen-window bins over [0, 1], in nats)."""
    if similarity == "mse":
        return F.mse_loss(warped, fixed)
    if similarity == "ncc":
        return 1 - local_ncc(warped, fixed, window).mean()
    if similarity == "mi":
        return -mutual_information(warped, fixed).mean()
    raise ValueError(f"similarity is one of {SIMILARITIES} (or None for the discriminator alone); got {similarity!r}.")


class RegistrationTrainer(Trainer):
    """Trains ``net`` on pairs ``(fixed[i], moving[i])`` with the loss above; ``discriminator`` (or None) sees
    pairs ``(fixed, warped)`` as two channels and needs ``true``, the fields of the reference pairs. Adam with
    ``lr``, betas (0.5, 0.999), for both. The history records ``loss_r`` (the network's loss), ``similarity``
    (the MSE or 1 - NCC whatever its weight), ``smoothness`` and, with a discriminator, ``loss_d``.

    ``train_discriminator=False`` keeps a (pretrained) discriminator as it is: a fixed learned similarity.
    ``max_pixels`` > 0 adds to the discriminator's fake pairs the batch's moving images misaligned by random
    fields up to that size (:func:`misaligned`), so that it keeps judging alignment, and not only what tells
    the network's output apart, while the network improves."""

    hint = "Lower lr or adversarial_weight, or raise smoothness_weight."

    def __init__(self, net, discriminator, fixed, moving, *, true=None, similarity: str | None = "ncc",
                 similarity_weight: float = 1.0, smoothness_weight: float = 0.1, adversarial_weight: float = 0.1,
                 window: int = 9, batch_size: int = 16, lr: float = 1e-3, train_discriminator: bool = True,
                 max_pixels: float = 0.0, **loop):
        check_image_pair(fixed, moving, "the fixed images", "the moving images", "Give one moving image per fixed one.")
        if fixed.shape[1] != 1 or moving.shape[1] != 1:
            raise ValueError("registration takes single-channel images (N, 1, S, S), fixed and moving.")
        if similarity is not None and similarity not in SIMILARITIES:
            raise ValueError(f"similarity is one of {SIMILARITIES}, or None for the discriminator alone; got "
                             f"{similarity!r}.")
        if similarity is None and discriminator is None:
            raise ValueError("nothing to align with: give a similarity ('mse' or 'ncc') or a discriminator.")
        if discriminator is not None:
            if true is None:
                raise ValueError("a discriminator needs reference pairs: pass true=, the fields that align each "
                                 "moving image to its fixed one (make_pairs returns them).")
            _check_field(true, "true")
            if true.shape[0] != fixed.shape[0] or true.shape[2:] != fixed.shape[2:]:
                raise ValueError(f"true {tuple(true.shape)} must hold one field per pair, at the images' size.")
        super().__init__(**loop)
        self.similarity = similarity
        self.similarity_weight = check_number(similarity_weight, "similarity_weight", low=0)
        self.smoothness_weight = check_number(smoothness_weight, "smoothness_weight", low=0)
        self.adversarial_weight = check_number(adversarial_weight, "adversarial_weight", low=0)
        self.window = check_whole_number(window, "window", minimum=1)
        self.net = self.add_network("net", net)
        self.fixed, self.moving = self.to_device(fixed), self.to_device(moving)
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
        lr = check_number(lr, "lr", low=0, low_open=True)
        self.opt_r = self.add_optimizer("net", torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.999)))
        self.discriminator = None
        self.train_discriminator = bool(train_discriminator)
        self.max_pixels = check_number(max_pixels, "max_pixels", low=0)
        if discriminator is not None:
            self.discriminator = self.add_network("discriminator", discriminator)
            self.opt_d = self.add_optimizer("discriminator", torch.optim.Adam(discriminator.parameters(), lr=lr,
                                                                               betas=(0.5, 0.999)))
            # the reference pairs' warped images, once: the moving images aligned by the true fields
            self.reference = self.to_device(warp(moving, true))
            self.true = self.to_device(true)
        self.batches = self.add_rng("batches")
        self.misalign = self.add_rng("misalign", offset=1)

    def step(self):
        index = torch.randint(0, self.fixed.shape[0], (self.batch_size,), generator=self.batches).to(self.device)
        fixed, moving = self.fixed[index], self.moving[index]
        u = self.net(torch.cat([moving, fixed], dim=1))  # (B, 2, S, S) pixels
        warped = warp(moving, u)
        record = {}
        if self.discriminator is not None and self.train_discriminator:
            # first the discriminator: aligned by the truth, or by the network (or by a random field)?
            D = self.discriminator
            real = torch.cat([fixed, self.reference[index]], dim=1)
            fake = torch.cat([fixed, warped.detach()], dim=1)
            if self.max_pixels > 0:
                off = misaligned(moving, self.true[index], self.max_pixels, self.misalign)
                real, fake = torch.cat([real, real]), torch.cat([fake, torch.cat([fixed, off], dim=1)])
            loss_d = minimax_discriminator(D(real), D(fake))
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
            record["loss_d"] = loss_d.item()
        similarity = (dissimilarity(warped, fixed, self.similarity, self.window) if self.similarity is not None
                      else torch.zeros((), device=u.device))
        smooth = smoothness(u)
        loss = self.similarity_weight * similarity + self.smoothness_weight * smooth
        if self.discriminator is not None and self.adversarial_weight > 0:
            loss = loss + self.adversarial_weight * nonsaturating_generator(
                self.discriminator(torch.cat([fixed, warped], dim=1)))
        self.opt_r.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_r.step()
        return {"loss_r": loss.item(), "similarity": similarity.item(), "smoothness": smooth.item(), **record}


def misaligned(moving, true, max_pixels: float, generator: torch.Generator) -> torch.Tensor:
    """``moving`` warped by ``true`` plus a random smooth field (:func:`gancourse.data.warp.random_displacement`)
    whose longest vector is uniform in [0, ``max_pixels``]: pairs misaligned by a known, random amount. One
    interpolation, as the reference and the network's images have, so blur tells nothing apart."""
    n, size = moving.shape[0], moving.shape[-1]
    error = random_displacement(n, size, max_pixels=1.0, generator=generator)
    scale = max_pixels * torch.rand(n, 1, 1, 1, generator=generator)
    return warp(moving, true + (error * scale).to(true.device))


def pretrain_discriminator(discriminator, fixed, moving, true, *, max_pixels: float, steps: int | None = None,
                           seconds: float | None = None, batch_size: int = 32, lr: float = 1e-3,
                           seed: int = 0) -> list[float]:
    """Teaches ``discriminator`` (pairs ``(fixed, warped)`` as two channels) to tell reference pairs ``(fixed,
    warp(moving, true))`` from the same pairs misaligned by random smooth fields up to ``max_pixels`` long
    (:func:`misaligned`), with binary cross-entropy and Adam (betas 0.5, 0.999), for ``steps`` steps or
    ``seconds`` seconds, whichever comes first. Free where the true fields are known, as in a simulation. Returns
    the losses, one per step; the discriminator is left in training mode."""
    check_image_pair(fixed, moving, "the fixed images", "the moving images", "Give one moving image per fixed one.")
    _check_field(true, "true")
    if steps is None and seconds is None:
        raise ValueError("give steps= or seconds= (or both): pretraining stops at whichever comes first.")
    check_number(max_pixels, "max_pixels", low=0, low_open=True)
    batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
    stream = torch.Generator().manual_seed(check_whole_number(seed, "seed", minimum=0))
    device = next(discriminator.parameters()).device
    optimiser = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    reference = warp(moving, true)
    discriminator.train()
    losses, start = [], time.perf_counter()
    while (steps is None or len(losses) < steps) and (seconds is None or time.perf_counter() - start < seconds):
        index = torch.randint(0, fixed.shape[0], (batch_size,), generator=stream)
        off = misaligned(moving[index], true[index], max_pixels, stream)
        real = torch.cat([fixed[index], reference[index]], dim=1).to(device)
        fake = torch.cat([fixed[index], off], dim=1).to(device)
        loss = minimax_discriminator(discriminator(real), discriminator(fake))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return losses


def register(net, fixed, moving, batch_size: int = 128) -> torch.Tensor:
    """The fields ``(N, 2, S, S)`` the network predicts for the pairs, in evaluation mode, on the CPU."""
    check_image_pair(fixed, moving, "the fixed images", "the moving images", "Give one moving image per fixed one.")
    return outputs_on_cpu(net, torch.cat([moving, fixed], dim=1), batch_size=batch_size)


def iterative_registration(fixed, moving, *, similarity: str = "ncc", smoothness_weight: float = 0.1,
                           steps: int = 300, lr: float = 0.1, grid_step: int = 4, window: int = 9,
                           progress: bool = False) -> torch.Tensor:
    """Classic registration, no network: for every pair its own field, optimised with Adam for ``steps`` steps on
    ``D(warp(moving, u), fixed) + smoothness_weight * R(u)`` (the trainer's terms). The field lives on a grid
    ``grid_step`` times coarser than the image and is interpolated bilinearly to every pixel, which keeps it
    smooth and the optimisation short. The pairs are optimised together, but each pair's loss depends on its own
    field only, so each is optimised as if alone. Returns ``(N, 2, S, S)``."""
    check_image_pair(fixed, moving, "the fixed images", "the moving images", "Give one moving image per fixed one.")
    steps = check_whole_number(steps, "steps", minimum=0)
    grid_step = check_whole_number(grid_step, "grid_step", minimum=1)
    lr = check_number(lr, "lr", low=0, low_open=True)
    n, _, h, w = fixed.shape
    coarse = torch.zeros(n, 2, -(-h // grid_step), -(-w // grid_step), requires_grad=True)
    optimiser = torch.optim.Adam([coarse], lr=lr)
    field = lambda: F.interpolate(coarse, size=(h, w), mode="bilinear", align_corners=True)  # noqa: E731
    from tqdm.auto import tqdm
    for _ in tqdm(range(steps), desc="iterative registration", disable=not progress):
        u = field()
        # the mean over pairs times n: each pair's gradient is that of its own loss
        loss = n * (dissimilarity(warp(moving, u), fixed, similarity, window) + smoothness_weight * smoothness(u))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    return field().detach()
