r"""Training a generator against a discriminator: the GAN of chapters 3.1, 3.2, 3.7 and 3.8.

Chapter 3.1 writes this step out by hand; :class:`GANTrainer` is that step on the book's one loop
(:class:`gancourse.train.Trainer`), which adds the budget, progress bar, history, checkpoints and weight
average. Each step makes ``d_steps`` discriminator updates, then one generator update:

* the discriminator minimises ``loss.discriminator(D(x), D(G(z)))`` on a real batch and a fake one
  (``detach()`` keeps its update away from G), plus ``gp_weight`` times WGAN-GP's gradient penalty
  {cite}`gulrajani2017improved` when that weight is positive; with ``clip_value``, WGAN's weight clipping
  {cite}`survey12` clamps every discriminator weight after each of its updates;
* the generator minimises ``loss.generator(D(G(z)))`` on the same fakes, judged by the updated
  discriminator.

    trainer = GANTrainer(G, D, real_images, loss="nonsaturating", batch_size=64, seed=0)
    history = trainer.fit(steps=2000)            # or seconds=240, or both
    samples = trainer.sample(64)

``real_images`` is either a tensor holding a pool of real samples in [-1, 1] (drawn at random, with
replacement, by a seeded generator) or a function ``draw(n, generator) -> tensor``.
"""
from __future__ import annotations

import warnings

import torch

from ..devices import outputs_on_cpu
from ..losses import get_loss, gradient_norms_at_interpolates
from ..checks import check_number, check_value_range, check_whole_number
from ..train import Trainer

#: Each paper's published training settings, as GANTrainer arguments:
#: ``GANTrainer(G, D, data, **RECIPES["wgan"])``.
#: (The discriminator's normalisation is a network choice: WGAN-GP's needs one that does not mix samples.)
RECIPES = {
    "dcgan": dict(loss="nonsaturating", optimizer="adam", lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999), d_steps=1),
    "wgan": dict(loss="wasserstein", optimizer="rmsprop", lr_g=5e-5, lr_d=5e-5, d_steps=5, clip_value=0.01),
    "wgan_gp": dict(loss="wasserstein", optimizer="adam", lr_g=1e-4, lr_d=1e-4, betas=(0.0, 0.9), d_steps=5,
                    gp_weight=10),
}
OPTIMIZERS = ("adam", "rmsprop")


def make_optimizer(name: str, parameters, lr: float, betas=(0.5, 0.999)) -> torch.optim.Optimizer:
    """Adam (with ``betas``) or RMSprop, WGAN's choice: momentum made its clipped critic unstable."""
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr, betas=betas)
    if name == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}: choose from {', '.join(OPTIMIZERS)}.")


class GANTrainer(Trainer):
    """Trains ``generator`` against ``discriminator`` on ``data`` with one of :data:`gancourse.losses.LOSSES`.

    * ``optimizer``: ``"adam"`` (with ``betas``) or ``"rmsprop"``, for both networks, with rates ``lr_g``, ``lr_d``;
    * ``clip_value``: WGAN's weight clipping (0.01 in the paper), or None;
    * ``gp_weight > 0`` adds the gradient penalty; the history then also records the penalty and the mean
      gradient norm at the interpolates (``penalty``, ``grad_norm``);
    * ``ema_decay`` keeps a weight average of the generator, which :meth:`sample` uses when it exists;
    * ``seed``, ``device``, ``checkpoint``, ``checkpoint_every``, ``channels_last``: the loop's
      (:class:`gancourse.train.Trainer`); on a CPU the networks and images use channels_last unless told not to.

    The history records ``loss_d``, ``loss_g`` and the mean discriminator outputs ``d_real``, ``d_fake``.
    """

    hint = ("Lower the learning rates; check that the real images are in the generator's range [-1, 1]; for the "
            "Wasserstein loss, constrain the critic (gradient penalty).")
    channels_last_on_cpu = True  # 16 % less time per DCGAN step on a 2-core CPU (benchmarks/RESULTS.md)

    def __init__(self, generator, discriminator, data, *, loss="nonsaturating", batch_size=64, z_dim=None,
                 lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999), optimizer="adam", d_steps=1, clip_value=None,
                 gp_weight=0.0, **loop):
        super().__init__(**loop)
        self.G = self.add_network("generator", generator, average=True)
        self.D = self.add_network("discriminator", discriminator)
        self.ema = self.averages.get("generator")
        self.loss = get_loss(loss)
        self.z_dim = z_dim if z_dim is not None else getattr(generator, "z_dim", None)
        if self.z_dim is None:
            raise ValueError("the generator has no z_dim attribute: pass z_dim= (the length of its latent vector).")
        if isinstance(data, torch.Tensor):
            if data.dim() < 2 or data.shape[0] < 2:
                raise ValueError(f"the pool of real samples needs at least 2 samples; got shape {tuple(data.shape)}.")
            if data.dim() >= 4:  # images: in the tanh generator's range (2-D points, as in 3.1, may lie anywhere)
                check_value_range(data, "data (the real samples)")
            self.pool, self.draw = self.to_device(data), None
        elif callable(data):
            self.pool, self.draw = None, data
        else:
            raise TypeError("data must be a tensor of real samples or a function draw(n, generator) -> tensor.")
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
        self.d_steps = check_whole_number(d_steps, "d_steps", minimum=1,
                                          hint=" (discriminator updates per generator update)")
        if clip_value is not None:
            check_number(clip_value, "clip_value", low=0, low_open=True,
                         hint=" (the paper uses 0.01), or None for no clipping")
        self.clip_value = clip_value
        self.gp_weight = check_number(gp_weight, "gp_weight", hint=" (10 in WGAN-GP; 0 is off)", low=0)
        self.opt_g = self.add_optimizer("generator", make_optimizer(
            optimizer, self.G.parameters(), check_number(lr_g, "lr_g", low=0, low_open=True), betas))
        self.opt_d = self.add_optimizer("discriminator", make_optimizer(
            optimizer, self.D.parameters(), check_number(lr_d, "lr_d", low=0, low_open=True), betas))
        self.clip_discriminator()
        # Separate seeded streams for the data and the latent vectors.
        self.data_rng = self.add_rng("data", 0)
        self.latent_rng = self.add_rng("latent", 1)
        self._checked_draw = False
        self._d_won_for = 0

    def real_batch(self, n):
        if self.pool is not None:
            index = torch.randint(0, self.pool.shape[0], (n,), generator=self.data_rng)
            return self.pool[index.to(self.pool.device)]
        batch = self.draw(n, self.data_rng).to(self.device)
        if not self._checked_draw and batch.dim() >= 4:  # check the first batch of images a draw function makes
            check_value_range(batch, "the batch that data(n, generator) returned")
        self._checked_draw = True
        return batch

    def latent(self, n):
        return torch.randn(n, self.z_dim, generator=self.latent_rng).to(self.device)

    @torch.no_grad()
    def clip_discriminator(self):
        """Clamp every discriminator weight to ``[-clip_value, clip_value]`` (nothing when clipping is off)."""
        if self.clip_value is not None:
            for parameter in self.D.parameters():
                parameter.clamp_(-self.clip_value, self.clip_value)

    def discriminator_step(self):
        """One update of the discriminator on a fresh real batch and a fresh fake one. Returns the fakes
        (for the generator's update) and the values to record."""
        real = self.real_batch(self.batch_size)
        fake = self.G(self.latent(self.batch_size))
        # The discriminator learns to tell real from fake; detach() keeps this update away from G.
        real_logits, fake_logits = self.D(real), self.D(fake.detach())
        loss_d = self.loss.discriminator(real_logits, fake_logits)
        record = {}
        if self.gp_weight:
            norms = gradient_norms_at_interpolates(self.D, real, fake, create_graph=True)
            penalty = ((norms - 1) ** 2).mean()
            loss_d = loss_d + self.gp_weight * penalty
            record = {"penalty": penalty.item(), "grad_norm": norms.mean().item()}
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        self.clip_discriminator()
        record.update(loss_d=loss_d.item(), d_real=real_logits.mean().item(), d_fake=fake_logits.mean().item())
        return fake, record

    def step(self):
        """``d_steps`` discriminator updates, then one generator update; returns the losses as floats."""
        for _ in range(self.d_steps):
            fake, record = self.discriminator_step()
        # The generator learns from the updated discriminator's verdict on the same fakes.
        loss_g = self.loss.generator(self.D(fake))
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        return {"loss_g": loss_g.item(), **record}

    def _record(self, record):
        super()._record(record)
        # A discriminator that wins completely leaves the generator no gradient to learn from.
        # (Not for a Wasserstein critic, whose loss is unbounded below: negative values are normal there.)
        won = not self.loss.unbounded and record["loss_d"] < 1e-3
        self._d_won_for = self._d_won_for + 1 if won else 0
        if self._d_won_for == 200:
            warnings.warn(f"the discriminator's loss has stayed below 0.001 for 200 steps (step {self.steps_done}): "
                          "it rejects every fake and the generator gets almost no gradient. Try the "
                          "non-saturating loss, a smaller discriminator or learning rate, or a gradient penalty.")

    @torch.no_grad()
    def sample(self, n: int, *, use_ema: bool = True, seed: int | None = 1234):
        """``n`` generated samples in evaluation mode (from the weight average when there is one), on the CPU."""
        return self.generate(self.fixed_latent(n, seed), use_ema=use_ema)

    def fixed_latent(self, n, seed):
        n = check_whole_number(n, "n", minimum=1, hint=" (the number of samples)")
        generator = torch.Generator().manual_seed(seed) if seed is not None else None
        return torch.randn(n, self.z_dim, generator=generator).to(self.device)

    def generate(self, *inputs, use_ema=True):
        """The generator (or its weight average) in evaluation mode on ``inputs``, in chunks of 256; on the CPU,
        in the usual memory format whatever the trainer's."""
        return outputs_on_cpu(self.ema if (use_ema and self.ema is not None) else self.G, *inputs).contiguous()
