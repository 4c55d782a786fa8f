"""Expected values and test cases of chapter 3.1's exercises (GAN: the minimax game)."""
import copy

import torch

from gancourse import exercises, losses
from gancourse.data.toy import modes_covered, ring_of_gaussians
from gancourse.exercises import Case
from gancourse.methods.gan import GANTrainer
from gancourse.nets import MLPDiscriminator, MLPGenerator

STD = 0.02  # the chapter's ring: eight Gaussians of standard deviation 0.02


@exercises.value("3.1.1", what="d/dd log(1 - sigmoid(d)) at d = 0")
def _gradient_at_zero():
    logit = torch.zeros(1, requires_grad=True)
    (gradient,) = torch.autograd.grad(losses.minimax_generator(logit), logit)
    return gradient.item()


@exercises.value("3.1.2", what="the number of modes the upper-half points cover")
def _upper_half_modes():
    points = ring_of_gaussians(1000, std=STD, generator=torch.Generator().manual_seed(5))
    return modes_covered(points[points[:, 1] > 0], std=STD)


def _logit_cases(*shapes):
    """Extreme logits (where a naive log(sigmoid) overflows) and seeded random ones."""
    generator = torch.Generator().manual_seed(31)
    extreme = torch.tensor([-200.0, -3.0, 0.0, 2.5, 200.0])
    return extreme, [torch.randn(shape, generator=generator) * 4 for shape in shapes]


@exercises.function("3.1.3", what="your non-saturating loss", forbid=("nonsaturating_generator",))
def _nonsaturating_cases():
    extreme, (random,) = _logit_cases((64, 1))
    return [Case(f"{label} logits", (logits,), losses.nonsaturating_generator(logits))
            for label, logits in [("five", extreme), ("64 random", random)]]


@exercises.function("3.1.4", what="your discriminator loss", forbid=("minimax_discriminator",))
def _discriminator_cases():
    extreme, (real, fake, odd) = _logit_cases((64, 1), (64, 1), (32, 1))
    return [Case("extreme logits, real and fake", (extreme, extreme.flip(0)),
                 losses.minimax_discriminator(extreme, extreme.flip(0))),
            Case("64 random real and fake logits", (real, fake), losses.minimax_discriminator(real, fake)),
            Case("64 real logits, 32 fake ones", (real, odd), losses.minimax_discriminator(real, odd))]


def _parameters(result, args):
    """Every weight of both networks after the step, as one vector."""
    G, D = args[0], args[1]
    return torch.cat([p.detach().flatten() for p in [*G.parameters(), *D.parameters()]])


def _step_case(d_steps, seed):
    torch.manual_seed(seed)
    G = MLPGenerator(z_dim=2, out_shape=(2,), hidden=(16, 16))
    D = MLPDiscriminator(in_shape=(2,), hidden=(32, 32))
    data = torch.Generator().manual_seed(seed)
    reals = [ring_of_gaussians(32, std=STD, generator=data) for _ in range(d_steps)]
    latents = [torch.randn(32, 2, generator=data) for _ in range(d_steps)]

    # The library's step on the same networks and batches: GANTrainer with its batches handed to it.
    trainer = GANTrainer(copy.deepcopy(G), copy.deepcopy(D), reals[0], loss="nonsaturating", batch_size=32,
                         lr_g=1e-3, lr_d=1e-3, betas=(0.5, 0.999), d_steps=d_steps, seed=seed)
    real_iter, latent_iter = iter(reals), iter(latents)
    trainer.real_batch = lambda n: next(real_iter)
    trainer.latent = lambda n: next(latent_iter)
    trainer.step()
    expected = _parameters(None, (trainer.G, trainer.D))

    opt_g = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
    return Case(f"{d_steps} discriminator update(s), small networks (seed {seed})",
                (G, D, opt_g, opt_d, reals, latents), expected, extract=_parameters)


@exercises.function("3.1.5", what="your training step", tolerance=1e-4, forbid=("GANTrainer",))
def _step_cases():
    return [_step_case(1, 0), _step_case(2, 1), _step_case(3, 2)]
