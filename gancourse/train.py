"""One small training loop for a generator and a discriminator (or critic).

The chapters write the inner step themselves first; :class:`GANTrainer` then runs that same step and
removes the plumbing: seeding, the device, a progress bar, the loss history, checkpoints that are written
atomically and resume exactly, and a clear stop when training diverges.

    trainer = GANTrainer(G, D, real_images, loss="nonsaturating", batch_size=64, seed=0)
    history = trainer.fit(steps=2000)
    samples = trainer.sample(64)

``real_images`` is either a tensor holding a pool of real samples (drawn at random, with replacement, by a
seeded generator) or a function ``draw(n, generator) -> tensor``.
"""
from __future__ import annotations

import copy
import math
import os
import random
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from .atomic import atomic_path
from .devices import outputs_on_cpu
from .losses import critic_gradient_norms, get_loss

CHECKPOINT_FORMAT = "gancourse-gan-checkpoint-v1"

# Each paper's published training settings, as GANTrainer arguments: GANTrainer(G, D, data, **RECIPES["wgan"]).
# (The critic's normalisation is a network choice: WGAN-GP's critic needs one that does not mix samples.)
RECIPES = {
    "dcgan": dict(loss="nonsaturating", optimizer="adam", lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999), d_steps=1),
    "wgan": dict(loss="wasserstein", optimizer="rmsprop", lr_g=5e-5, lr_d=5e-5, d_steps=5, clip_value=0.01),
    "wgan_gp": dict(loss="wasserstein", optimizer="adam", lr_g=1e-4, lr_d=1e-4, betas=(0.0, 0.9), d_steps=5,
                    gp_weight=10),
}


class TrainingDiverged(RuntimeError):
    """Raised when a loss becomes NaN or infinite, or explodes."""


def check_losses(step: int, hint: str, **losses: float) -> None:
    """Raise :class:`TrainingDiverged` when a loss is NaN, infinite or beyond 1e6, naming it and the step."""
    for name, value in losses.items():
        if not math.isfinite(value) or abs(value) > 1e6:
            raise TrainingDiverged(f"{name} became {value} at step {step}. {hint}")


def training_steps(*, seconds: float | None = None, steps: int | None = None):
    """Step numbers 0, 1, 2, ... until ``steps`` steps are done or ``seconds`` of wall time have passed,
    whichever comes first: the budget of the translation trainers (at least one must be given)."""
    if seconds is None and steps is None:
        raise ValueError("give seconds= (a wall-time budget) or steps= (a number of steps), or both.")

    def count():
        start, step = time.perf_counter(), 0
        while (steps is None or step < steps) and (seconds is None or time.perf_counter() - start < seconds):
            yield step
            step += 1
    return count()


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch, so that network initialisation and sampling repeat exactly."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _fingerprint(module):
    return {name: list(t.shape) for name, t in module.state_dict().items()}


class GANTrainer:
    """Trains ``generator`` against ``discriminator`` on ``data`` with one of :data:`gancourse.losses.LOSSES`.

    Each :meth:`step` makes ``d_steps`` discriminator (critic) updates, then one generator update.

    * ``optimizer``: ``"adam"`` (with ``betas``) or ``"rmsprop"``, for both networks;
    * ``clip_value``: WGAN's weight clipping {cite}`survey12`: after every critic update, every critic
      parameter is clamped to ``[-clip_value, clip_value]`` (0.01 in the paper);
    * ``gp_weight > 0`` adds the WGAN-GP gradient penalty {cite}`gulrajani2017improved` to the critic's
      loss; the history then also records the penalty and the mean gradient norm at the interpolates;
    * ``ema_decay`` keeps an exponential moving average of the generator's weights, which :meth:`sample`
      uses when it exists.
    """

    def __init__(self, generator, discriminator, data, *, loss="nonsaturating", batch_size=64, z_dim=None,
                 lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999), optimizer="adam", d_steps=1, clip_value=None,
                 gp_weight=0.0, ema_decay=None, device=None, seed=0, checkpoint=None, checkpoint_every=500):
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self.G, self.D = generator.to(self.device), discriminator.to(self.device)
        self.loss = get_loss(loss)
        self.z_dim = z_dim if z_dim is not None else getattr(generator, "z_dim", None)
        if self.z_dim is None:
            raise ValueError("the generator has no z_dim attribute: pass z_dim= (the length of its latent vector).")
        if isinstance(data, torch.Tensor):
            if data.shape[0] < 2:
                raise ValueError(f"the pool of real samples needs at least 2 samples; got shape {tuple(data.shape)}.")
            self.pool = data.to(self.device)
            self.draw = None
        elif callable(data):
            self.pool, self.draw = None, data
        else:
            raise TypeError("data must be a tensor of real samples or a function draw(n, generator) -> tensor.")
        if not (isinstance(d_steps, int) and d_steps >= 1):
            raise ValueError(f"d_steps is the number of critic updates per generator update, a whole number >= 1; "
                             f"got {d_steps!r}.")
        if clip_value is not None and not clip_value > 0:
            raise ValueError(f"clip_value must be positive (the paper uses 0.01) or None; got {clip_value!r}.")
        self.batch_size, self.d_steps, self.gp_weight, self.ema_decay = batch_size, d_steps, gp_weight, ema_decay
        self.clip_value = clip_value
        self.opt_g = _optimizer(optimizer, self.G.parameters(), lr_g, betas)
        self.opt_d = _optimizer(optimizer, self.D.parameters(), lr_d, betas)
        self.clip_critic()
        self.ema = copy.deepcopy(self.G).eval().requires_grad_(False) if ema_decay else None
        # Separate seeded streams for the data and the latent vectors, saved in checkpoints.
        self.data_rng = torch.Generator().manual_seed(seed)
        self.latent_rng = torch.Generator().manual_seed(seed + 1)
        self.steps_done = 0
        self.history = {"step": [], "loss_d": [], "loss_g": [], "d_real": [], "d_fake": [], "seconds": []}
        if gp_weight:
            self.history.update(penalty=[], grad_norm=[])
        self.checkpoint = Path(checkpoint) if checkpoint else None
        self.checkpoint_every = checkpoint_every
        self._seconds = 0.0
        self._d_won_for = 0

    # ------------------------------------------------------------------ the step
    def real_batch(self, n):
        if self.pool is not None:
            index = torch.randint(0, self.pool.shape[0], (n,), generator=self.data_rng)
            return self.pool[index.to(self.pool.device)]
        return self.draw(n, self.data_rng).to(self.device)

    def latent(self, n):
        return torch.randn(n, self.z_dim, generator=self.latent_rng).to(self.device)

    @torch.no_grad()
    def clip_critic(self):
        """Clamp every critic parameter to ``[-clip_value, clip_value]`` (nothing when clipping is off)."""
        if self.clip_value is not None:
            for parameter in self.D.parameters():
                parameter.clamp_(-self.clip_value, self.clip_value)

    def step(self):
        """One training step; returns the losses and mean discriminator outputs as floats."""
        extra = {}
        for _ in range(self.d_steps):
            real = self.real_batch(self.batch_size)
            fake = self.G(self.latent(self.batch_size))
            # The discriminator learns to tell real from fake; detach() keeps this update away from G.
            real_logits, fake_logits = self.D(real), self.D(fake.detach())
            loss_d = self.loss.discriminator(real_logits, fake_logits)
            if self.gp_weight:
                norms = critic_gradient_norms(self.D, real, fake, create_graph=True)
                penalty = ((norms - 1) ** 2).mean()
                loss_d = loss_d + self.gp_weight * penalty
                extra = {"penalty": penalty.item(), "grad_norm": norms.mean().item()}
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
            self.clip_critic()

        # The generator learns from the updated discriminator's verdict on the same fakes.
        loss_g = self.loss.generator(self.D(fake))
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        self._update_ema()
        self.steps_done += 1
        return {"loss_d": loss_d.item(), "loss_g": loss_g.item(),
                "d_real": real_logits.mean().item(), "d_fake": fake_logits.mean().item(), **extra}

    @torch.no_grad()
    def _update_ema(self):
        """Move the weight average a step towards the generator's current weights (nothing without one)."""
        if self.ema is not None:
            for averaged, current in zip(self.ema.parameters(), self.G.parameters()):
                averaged.lerp_(current, 1 - self.ema_decay)
            for averaged, current in zip(self.ema.buffers(), self.G.buffers()):
                averaged.copy_(current)

    # ------------------------------------------------------------------ the loop
    def fit(self, steps: int, *, max_seconds: float | None = None, progress: bool = True):
        """Train until ``steps`` steps are done in total (a resumed run continues to the same target), or
        until ``max_seconds`` of training have passed. Returns the history."""
        start_step = self.steps_done
        bar = tqdm(total=steps, initial=start_step, disable=not progress, desc="training", mininterval=1.0)
        seconds_at_start = self._seconds
        started = time.perf_counter() - self._seconds
        try:
            while self.steps_done < steps:
                record = self.step()
                self._seconds = time.perf_counter() - started
                self._record(record)
                bar.update(1)
                if self.steps_done % 25 == 0:
                    bar.set_postfix(loss_d=f"{record['loss_d']:.3f}", loss_g=f"{record['loss_g']:.3f}", refresh=False)
                if self.checkpoint and self.steps_done % self.checkpoint_every == 0:
                    self.save(self.checkpoint)
                if max_seconds is not None and self._seconds - seconds_at_start >= max_seconds:
                    break
        finally:
            bar.close()
        if self.checkpoint and self.steps_done % self.checkpoint_every != 0:
            self.save(self.checkpoint)
        return self.history

    def _record(self, record):
        check_losses(self.steps_done,
                     f"The last good checkpoint (if any) is untouched. Hints: lower the learning rates (now "
                     f"{self.opt_g.param_groups[0]['lr']:g} / {self.opt_d.param_groups[0]['lr']:g}); check that real "
                     f"images are in the generator's range [-1, 1]; for the Wasserstein loss, constrain the critic "
                     f"(gradient penalty).", loss_d=record["loss_d"], loss_g=record["loss_g"])
        self.history["step"].append(self.steps_done)
        self.history["seconds"].append(round(self._seconds, 4))
        for name, value in record.items():
            self.history[name].append(value)
        # A discriminator that wins completely leaves the generator no gradient to learn from.
        # (Not for a Wasserstein critic, whose loss is unbounded below: negative values are normal there.)
        won = not self.loss.critic and record["loss_d"] < 1e-3
        self._d_won_for = self._d_won_for + 1 if won else 0
        if self._d_won_for == 200:
            warnings.warn(f"the discriminator's loss has stayed below 0.001 for 200 steps (step {self.steps_done}): "
                          "it rejects every fake and the generator gets almost no gradient. Try the "
                          "non-saturating loss, a smaller discriminator or learning rate, or a gradient penalty.")

    @torch.no_grad()
    def sample(self, n: int, *, use_ema: bool = True, seed: int | None = 1234):
        """``n`` generated samples in evaluation mode (from the weight average when there is one)."""
        return self._generate(self._fixed_latent(n, seed), use_ema=use_ema)

    def _fixed_latent(self, n, seed):
        generator = torch.Generator().manual_seed(seed) if seed is not None else None
        return torch.randn(n, self.z_dim, generator=generator).to(self.device)

    def _generate(self, *inputs, use_ema=True):
        """The generator (or its weight average) in evaluation mode on ``inputs``, in chunks of 256; on the CPU."""
        return outputs_on_cpu(self.ema if (use_ema and self.ema is not None) else self.G, *inputs)

    # ------------------------------------------------------------------ checkpoints
    def state(self):
        return {
            "format": CHECKPOINT_FORMAT,
            "generator": self.G.state_dict(), "discriminator": self.D.state_dict(),
            "generator_fingerprint": _fingerprint(self.G), "discriminator_fingerprint": _fingerprint(self.D),
            "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
            "ema": self.ema.state_dict() if self.ema is not None else None,
            "steps_done": self.steps_done, "seconds": self._seconds, "history": self.history,
            "rng": {"data": self.data_rng.get_state(), "latent": self.latent_rng.get_state(),
                    "torch": torch.get_rng_state()},
        }

    def save(self, path):
        """Write a checkpoint atomically: to a temporary file beside it, then renamed over the old one."""
        save_atomically(self.state(), path)

    def load(self, path):
        """Restore everything :meth:`save` wrote, so that training continues exactly where it stopped."""
        state = load_checkpoint(path)
        for net, key in ((self.G, "generator"), (self.D, "discriminator")):
            expected, found = _fingerprint(net), state[f"{key}_fingerprint"]
            if expected != found:
                different = sorted(k for k in set(expected) | set(found) if expected.get(k) != found.get(k))
                raise ValueError(f"the checkpoint {path} holds a different {key} (layers that differ: "
                                 f"{', '.join(different[:5])}{' ...' if len(different) > 5 else ''}). Build the "
                                 f"same networks (sizes, widths) that wrote it, or start a new checkpoint file.")
        self.G.load_state_dict(state["generator"])
        self.D.load_state_dict(state["discriminator"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        if self.ema is not None and state["ema"] is not None:
            self.ema.load_state_dict(state["ema"])
        self.steps_done, self._seconds, self.history = state["steps_done"], state["seconds"], state["history"]
        self.data_rng.set_state(state["rng"]["data"])
        self.latent_rng.set_state(state["rng"]["latent"])
        torch.set_rng_state(state["rng"]["torch"])
        return self


OPTIMIZERS = ("adam", "rmsprop")


def _optimizer(name, parameters, lr, betas):
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr, betas=betas)
    if name == "rmsprop":  # WGAN's choice: momentum-based optimisers made its clipped critic unstable
        return torch.optim.RMSprop(parameters, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}: choose from {', '.join(OPTIMIZERS)}.")


def save_atomically(obj, path):
    """``torch.save`` to ``path`` such that a failure half-way leaves any earlier file at ``path`` intact."""
    with atomic_path(path) as temporary, open(temporary, "wb") as handle:
        torch.save(obj, handle)
        handle.flush()
        os.fsync(handle.fileno())  # on disk before the rename makes it the checkpoint


def load_checkpoint(path):
    """Load a gancourse checkpoint with ``weights_only=True`` (no arbitrary code runs), checking what it is."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path} (absolute: {path.resolve()}).")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ValueError(f"{path} is not a readable checkpoint: it is corrupt, truncated or not a PyTorch file "
                         f"({type(error).__name__}). Delete it, or point to another checkpoint.") from error
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is a PyTorch file but not a gancourse training checkpoint (format "
                         f"{state.get('format') if isinstance(state, dict) else type(state).__name__!r}); "
                         f"it cannot resume a GANTrainer.")
    return state
