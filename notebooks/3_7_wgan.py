# ---
# jupyter:
#   accelerator: GPU
#   colab:
#     gpuType: T4
#     provenance: []
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: accelerator,colab
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 3.7 WGAN and WGAN-GP: a critic instead of a judge
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/3_7_wgan.ipynb)
#
# The survey's Section 3.7 starts from a diagnosis: the original GAN compares the real and the generated
# distributions through the Jensen-Shannon divergence, and that comparison can leave the generator without a
# gradient, which shows up as instability and mode collapse. Arjovsky et al. [(Arjovsky et al., 2017)](#survey12) replace it with
# the Wasserstein-1 ("earth mover's") distance, keeping DCGAN's networks. The survey credits WGAN with a more
# meaningful training procedure and warns that, in practice, it optimises slowly. Gulrajani et al.
# [(Gulrajani et al., 2017)](#gulrajani2017improved) then replaced WGAN's weight clipping with a gradient penalty (WGAN-GP), which
# is how most medical WGANs in the survey's tables are trained.
#
# This chapter checks each of those statements by measuring it: first on distributions small enough to solve
# exactly, then on brain MRI slices.
#
# **Learning goals**
# - see why the Jensen-Shannon divergence stops giving a gradient when two distributions do not overlap, and
#   why the Wasserstein distance does not;
# - write the critic's loss and check its estimate against an exactly computed Wasserstein distance;
# - compare the two ways of keeping the critic 1-Lipschitz (clipping, penalty) by what they do to the critic;
# - test, on brain slices, whether the critic's estimate follows sample quality and how fast WGANs learn.

# %%
# Setup: on Colab this installs gancourse 0.2.0, the release this notebook belongs to;
# where gancourse is installed already, it installs nothing. Then it says what will run where.
try:
    import gancourse
except ImportError:
    # %pip install -q "gancourse @ git+https://github.com/gancourse/gancourse@v0.2.0"
    import gancourse
from gancourse.profiles import runtime_summary

print(runtime_summary(notebook_release="0.2.0"))

# %%
import copy
import math
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from scipy.stats import spearmanr, wasserstein_distance

from gancourse.data import BrainSimulator, to_gan_range
from gancourse.data.toy import ring_centres, ring_of_gaussians
from gancourse.losses import (gradient_norms_at_interpolates, gradient_penalty, minimax_discriminator,
                              wasserstein_discriminator)
from gancourse.methods.gan import RECIPES, GANTrainer
from gancourse.metrics import frechet_distance
from gancourse.metrics.domain import DISTURBANCES, domain_features
from gancourse.nets import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import show_grid, smooth

P = current_profile()
print(P)

# %% [markdown]
# ## Two distributions that do not overlap
#
# A discriminator trained to the end measures the Jensen-Shannon divergence between the real distribution
# $P$ and the generated one $Q$ (chapter 3.1):
#
# $$\mathrm{JS}(P, Q) = \tfrac12 \mathrm{KL}\bigl(P \,\|\, M\bigr) + \tfrac12 \mathrm{KL}\bigl(Q \,\|\, M\bigr),
# \qquad M = \tfrac12 (P + Q).$$
#
# The Wasserstein-1 distance is the least average distance that mass must travel to turn $Q$ into $P$,
# over all transport plans $\gamma$ that move $Q$ onto $P$:
#
# $$W_1(P, Q) = \inf_{\gamma \in \Pi(P, Q)} \mathbb{E}_{(x, y) \sim \gamma} \lVert x - y \rVert.$$
#
# Take $P$ a narrow Gaussian at 0 and $Q_\theta$ the same Gaussian moved to $\theta$, the situation of a
# young generator whose images sit far from the real ones. We compute both, JS by numerical integration and
# $W_1$ from samples with SciPy:

# %%
sigma = 0.1
grid = np.linspace(-1, 4, 20001)
dx = grid[1] - grid[0]
density = lambda mean: np.exp(-0.5 * ((grid - mean) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))  # noqa: E731


def jensen_shannon(p, q):
    m = 0.5 * (p + q)
    kl = lambda a: np.sum(np.where(a > 0, a * np.log(np.maximum(a, 1e-300) / np.maximum(m, 1e-300)), 0)) * dx  # noqa: E731
    return 0.5 * kl(p) + 0.5 * kl(q)


rng = np.random.default_rng(0)
thetas = np.linspace(0, 3, 31)
js = [jensen_shannon(density(0), density(t)) for t in thetas]
w1 = [wasserstein_distance(rng.normal(0, sigma, 4000), rng.normal(t, sigma, 4000)) for t in thetas]
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(thetas, js, label="Jensen-Shannon divergence")
ax.plot(thetas, w1, label="Wasserstein-1 distance")
ax.axhline(math.log(2), color="0.6", linestyle="--", label="log 2")
ax.set_xlabel(r"shift $\theta$ of the generated distribution")
ax.legend()
plt.show()
for t in (0.5, 1.0, 2.0, 3.0):
    i = int(np.argmin(abs(thetas - t)))
    print(f"theta {t:3.1f}: JS {js[i]:.4f} (log 2 = {math.log(2):.4f}), W1 {w1[i]:.3f}")
slope_js = (js[-1] - js[-11]) / (thetas[-1] - thetas[-11])
print(f"slope between theta 2 and 3: JS {slope_js:.1e}, W1 {(w1[-1] - w1[-11]) / (thetas[-1] - thetas[-11]):.2f}")

# %% [markdown]
# Once the two distributions stop overlapping (beyond about $\theta = 0.5$ here), the divergence is stuck at
# $\log 2$: it says "different" but not "how different", and its slope, the gradient a generator would
# follow, is zero. The Wasserstein distance grows with the shift and has slope 1 everywhere. Real images lie
# on thin sets in pixel space, so at the start of training real and generated images overlap as little as
# these two Gaussians do [(Arjovsky et al., 2017)](#survey12).
#
# ## The critic and its estimate
#
# $W_1$ cannot be computed for images by solving the transport problem, but it has a dual form (the
# Kantorovich-Rubinstein duality used by Arjovsky et al.):
#
# $$W_1(P, Q) = \sup_{\lVert f \rVert_L \le 1} \; \mathbb{E}_{x \sim P}[f(x)] - \mathbb{E}_{x \sim Q}[f(x)],$$
#
# the largest gap in mean value that a 1-Lipschitz function $f$ (one whose slope is at most 1 everywhere)
# can open between the two distributions. WGAN trains a network $f$, the **critic**, to open that gap, and
# the generator to close it. The critic's output is a score, not a probability: it has no sigmoid, and its
# loss, `gancourse.losses.wasserstein_discriminator` (the book's code says discriminator for every loss), is $\mathbb{E}[f(\text{fake})] - \mathbb{E}[f(\text{real})]$;
# minus that loss is the critic's estimate of $W_1$.
#
# Without a constraint the critic could open the gap without limit by scaling its output. Two ways to keep it
# 1-Lipschitz:
#
# - **weight clipping** [(Arjovsky et al., 2017)](#survey12): after each update, every weight is clamped to $[-c, c]$ with
#   $c = 0.01$. The network then has *some* Lipschitz constant $K$, so the critic estimates $K \cdot W_1$, for
#   an unknown $K$;
# - **gradient penalty** [(Gulrajani et al., 2017)](#gulrajani2017improved): the optimal critic has gradient norm exactly 1 on
#   the straight lines between real and generated samples, so the loss adds
#   $\lambda \, \mathbb{E}_{\hat x}[(\lVert \nabla_{\hat x} f(\hat x) \rVert_2 - 1)^2]$ at random points
#   $\hat x$ on those lines, with $\lambda = 10$.
#
# Here is the critic's training step, written out; `GANTrainer` runs the same step. We check it on the
# Gaussians above, now in two dimensions (a round Gaussian and the same one moved by $\theta$ along the first
# axis), whose $W_1$ we know: it is the shift $\theta$.

# %%
def train_critic(critic, draw_real, draw_fake, steps, constraint, loss=wasserstein_discriminator, lr=1e-3,
                 betas=(0.5, 0.9), batch=256, clip=0.01):
    """Train ``critic`` to separate two fixed distributions; ``constraint`` is "clip", "penalty" or None.
    (With ``loss=minimax_discriminator`` and no constraint, it trains an ordinary discriminator.)"""
    optimiser = torch.optim.Adam(critic.parameters(), lr=lr, betas=betas)
    for _ in range(steps):
        real, fake = draw_real(batch), draw_fake(batch)
        value = loss(critic(real), critic(fake))  # Wasserstein: E f(fake) - E f(real)
        if constraint == "penalty":
            value = value + 10 * gradient_penalty(critic, real, fake)
        optimiser.zero_grad()
        value.backward()
        optimiser.step()
        if constraint == "clip":
            with torch.no_grad():
                for parameter in critic.parameters():
                    parameter.clamp_(-clip, clip)
    return critic


@torch.no_grad()
def critic_estimate(critic, real, fake):
    """The critic's estimate of W1: E f(real) - E f(fake), on samples it was not trained on."""
    return (critic(real).mean() - critic(fake).mean()).item()


seed_everything(0)
gaussian = lambda shift: (lambda n: torch.tensor([shift, 0.0]) + sigma * torch.randn(n, 2))  # noqa: E731
print(f"{'shift':>6s} {'exact W1':>9s} {'critic with penalty':>20s}")
for shift in (0.5, 1.0, 2.0):
    critic = train_critic(MLPDiscriminator((2,), hidden=(64, 64)), gaussian(0.0), gaussian(shift),
                          steps=P.pick(smoke=40, cpu=400, gpu=400), constraint="penalty")
    print(f"{shift:6.1f} {shift:9.3f} {critic_estimate(critic, gaussian(0.0)(4000), gaussian(shift)(4000)):20.3f}")

# %% [markdown]
# The penalised critic recovers the distance it is meant to estimate, with no knowledge of the formula, to
# within about 10 %. Its estimates run slightly high: the penalty is a soft constraint, so the critic may be a
# little steeper than 1 where that pays.
#
# ## What clipping does to a critic
#
# A harder case in two dimensions: the real distribution is chapter 3.1's ring of eight Gaussians; the
# "generated" one is a fixed standard Gaussian blob, the output of a generator that has learned nothing.
# Their $W_1$ is computed exactly from samples: between two sets of $n$ points with equal weights, the best
# transport plan is an assignment, which `scipy.optimize.linear_sum_assignment` finds. We train one critic
# with clipping and one with the penalty, same network and optimiser, so that the constraint is the only
# difference (each paper's own optimiser follows on brain slices below).

# %%
seed_everything(0)
draw_ring = lambda n: ring_of_gaussians(n)  # noqa: E731
draw_blob = lambda n: torch.randn(n, 2)  # noqa: E731
ring_points, blob_points = draw_ring(1000), draw_blob(1000)
cost = torch.cdist(ring_points, blob_points).numpy()
rows, cols = linear_sum_assignment(cost)
exact_w1 = cost[rows, cols].mean()

toy_steps = P.pick(smoke=40, cpu=1000, gpu=3000)
critics = {}
start = time.perf_counter()
for constraint in ("clip", "penalty"):
    seed_everything(1)
    critics[constraint] = train_critic(MLPDiscriminator((2,), hidden=(128, 128, 128)), draw_ring, draw_blob,
                                       steps=toy_steps, constraint=constraint)
print(f"two critics, {toy_steps} steps each, in {time.perf_counter() - start:.0f} s")

test_ring, test_blob = draw_ring(4000), draw_blob(4000)
print(f"exact W1 (assignment of 1000 + 1000 points): {exact_w1:.3f}")
print(f"{'critic':10s} {'estimate':>9s} {'gradient norm: median':>22s} {'max':>6s} {'estimate / max norm':>20s}")
toy_norms = {}
for constraint, critic in critics.items():
    estimate = critic_estimate(critic, test_ring, test_blob)
    norms = gradient_norms_at_interpolates(critic, test_ring, test_blob).detach()
    toy_norms[constraint] = norms.numpy()
    # f / K is 1-Lipschitz when K bounds the gradient norm, so estimate / max norm is a lower bound on W1
    print(f"{constraint:10s} {estimate:9.4f} {norms.median():22.3f} {norms.max():6.3f} {estimate / norms.max():20.3f}")

# %% [markdown]
# Read the last column: each critic's estimate divided by the largest gradient norm measured, which turns
# it into a properly 1-Lipschitz critic's estimate and so into a lower bound on the true $W_1$. The penalised
# critic's bound comes much closer to the exact value. The clipped critic's raw estimate is tiny (its
# Lipschitz constant is far below 1) and, even rescaled, it captures less of the distance: clipping does not
# just shrink the critic, it restricts which functions it can represent. The pictures show how:

# %%
xs = torch.linspace(-3.5, 3.5, 141)
mesh = torch.stack(torch.meshgrid(xs, xs, indexing="xy"), dim=-1).reshape(-1, 2)
fig, axes = plt.subplots(1, 4, figsize=(17, 3.8))
for ax, (constraint, critic) in zip(axes[:2], critics.items()):
    with torch.no_grad():
        values = critic(mesh).reshape(len(xs), len(xs)).numpy()
    ax.contourf(xs, xs, values, levels=30, cmap="viridis")
    ax.scatter(*test_blob[:300].T, s=2, color="white", alpha=0.5)
    ax.scatter(*test_ring[:300].T, s=2, color="red")
    ax.set_title(f"critic value, {constraint}")
    ax.set_aspect("equal")
for constraint, critic in critics.items():
    weights = torch.cat([p.detach().flatten() for p in critic.parameters()]).numpy()
    axes[2].hist(weights, bins=101, range=(-0.05, 0.05), histtype="step", linewidth=2, label=constraint, log=True)
    axes[3].hist(toy_norms[constraint], bins=60, range=(0, 1.6), histtype="step", linewidth=2, label=constraint)
axes[2].set_title("critic weights (zoom on [-0.05, 0.05])")
axes[2].legend()
axes[3].set_title("gradient norm at interpolates")
axes[3].axvline(1, color="0.6", linestyle="--")
axes[3].legend()
plt.tight_layout()
plt.show()
# Does the critic see the ring? Its value on the eight modes, minus its value on the ring halfway between
# them, in units of its own largest gradient norm (so that the two critics are on the same scale).
between_angles = torch.arange(8) * (2 * math.pi / 8) + math.pi / 8
between_modes = 2 * torch.stack([torch.cos(between_angles), torch.sin(between_angles)], dim=1)
print(f"{'critic':8s} {'weights at the clip value 0.01':>31s} {'modes minus between modes':>26s}")
for constraint, critic in critics.items():
    weights = torch.cat([p.detach().flatten() for p in critic.parameters()]).abs()
    with torch.no_grad():
        contrast = (critic(ring_centres()).mean() - critic(between_modes).mean()).item()
    print(f"{constraint:8s} {(weights - 0.01).abs().le(1e-4).float().mean():31.0%} "
          f"{contrast / toy_norms[constraint].max():26.3f}")

# %% [markdown]
# Three signatures of clipping, each as Gulrajani et al. describe it:
#
# - **The weights pile up at $\pm c$** (second panel from the right): the optimiser pushes most weights
#   against the clip (the share in the table above), so the bound, not the data, decides their value.
# - **The critic is too simple** (first two panels and the last column above): both critics are bowls
#   around the blob, but only the penalised one is higher on the eight modes than between them, so it sees
#   the ring; the clipped one does not (its contrast is near zero or negative).
# - **Its gradients are not controlled**: the penalised critic's gradient norm sits near 1 where the penalty
#   is applied; the clipped critic's is far below 1, and how far depends on the depth and width of the network.
#
# ## On brain MRI slices: DCGAN, WGAN and WGAN-GP in the same run
#
# Now the full recipes, each as published, on the skull-stripped slices of chapter 3.2:
#
# | | loss | critic | critic updates per generator update | optimiser |
# |---|---|---|---|---|
# | DCGAN [(Radford et al., 2015)](#survey6) | non-saturating | batch norm | 1 | Adam, $2 \cdot 10^{-4}$, $\beta = (0.5, 0.999)$ |
# | WGAN [(Arjovsky et al., 2017)](#survey12) | Wasserstein, clipping at $\pm 0.01$ | batch norm | 5 | RMSprop, $5 \cdot 10^{-5}$ |
# | WGAN-GP [(Gulrajani et al., 2017)](#gulrajani2017improved) | Wasserstein, penalty $\lambda = 10$ | layer norm | 5 | Adam, $10^{-4}$, $\beta = (0, 0.9)$ |
#
# The penalty is computed per sample, so the WGAN-GP critic cannot use batch normalisation (which mixes the
# samples of a batch); Gulrajani et al. use layer normalisation instead, `DCGANDiscriminator(norm="layer")`.
#
# Each model trains for the same wall-clock time. At regular times we stop and measure two things: the
# Fréchet distance of 250 samples to held-out real slices, in chapter 3.2's validated feature space, and the
# model's own training signal. For the WGANs that is the critic's estimate of $W_1$ (averaged over the last
# 25 steps); for DCGAN it is the Jensen-Shannon divergence that its discriminator loss implies at the
# discriminator's optimum, $\mathrm{JS} \approx \log 2 - \tfrac12 L_D$.

# %%
image_size = P.pick(smoke=32, cpu=32, gpu=64)
width = P.pick(smoke=8, cpu=16, gpu=64)
n_train = P.pick(smoke=256, cpu=6000, gpu=12000)
n_eval = P.pick(smoke=64, cpu=500, gpu=1000)
n_fd = P.pick(smoke=64, cpu=250, gpu=1000)
budget = P.seconds(smoke=1.5, cpu=60, gpu=180)  # seconds of training per model
evaluations = P.pick(smoke=2, cpu=8, gpu=12)
print(f"{image_size}x{image_size} slices, base width {width} (half of chapter 3.2's, so that three models fit "
      f"the time), {budget} s of training per model")

train_images = to_gan_range(BrainSimulator(image_size, seed=0, skull_stripped=True).sample(n_train).t1)
held_out = to_gan_range(BrainSimulator(image_size, seed=1, skull_stripped=True).sample(n_eval).t1)
held_out_features = domain_features(held_out)

# GANTrainer's RECIPES hold the table's settings; each model here is (its critic's norm, its recipe).
recipes = {"DCGAN": ("batch", RECIPES["dcgan"]), "WGAN (clipping)": ("batch", RECIPES["wgan"]),
           "WGAN-GP": ("layer", RECIPES["wgan_gp"])}
for name, (norm, recipe) in recipes.items():
    print(f"{name:16s} critic norm {norm:6s}", ", ".join(f"{key}={value}" for key, value in recipe.items()))


def training_signal(history, loss, last=25):
    """The model's own estimate of how far apart real and generated slices are."""
    if loss == "wasserstein":
        return np.mean(np.subtract(history["d_real"][-last:], history["d_fake"][-last:]))
    return math.log(2) - 0.5 * np.mean(history["loss_d"][-last:])


runs = {}
for name, (norm, recipe) in recipes.items():
    seed_everything(0)
    G = DCGANGenerator(z_dim=100, width=width, image_size=image_size)
    D = DCGANDiscriminator(width=width, image_size=image_size, norm=norm)
    trainer = GANTrainer(G, D, train_images, batch_size=64, seed=0, device=P.device, **recipe)
    log = {"seconds": [], "steps": [], "fd": [], "signal": [], "clip_norm": []}
    for evaluation in range(1, evaluations + 1):
        trainer.fit(seconds=budget * evaluation / evaluations, progress=False)  # a total: train on to it
        log["seconds"].append(trainer.history["seconds"][-1])
        log["steps"].append(trainer.steps_done)
        log["fd"].append(frechet_distance(held_out_features, domain_features(trainer.sample(n_fd))))
        log["signal"].append(training_signal(trainer.history, recipe["loss"]))
        if trainer.clip_value:  # measure the clipped critic's gradient norm, on a copy so training is untouched
            real, fake = train_images[:64].to(P.device), trainer.sample(64).to(P.device)
            log["clip_norm"].append(gradient_norms_at_interpolates(copy.deepcopy(D), real, fake).mean().item())
    runs[name] = (trainer, log)
    print(f"{name:16s} {trainer.steps_done:5d} generator steps in {log['seconds'][-1]:.0f} s, "
          f"Fréchet distance {log['fd'][-1]:.0f}")

# %% [markdown]
# ### Quality against wall-clock time

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.5))
for name, (trainer, log) in runs.items():
    ax.plot(log["seconds"], log["fd"], marker="o", label=name)
ax.set_yscale("log")
ax.set_xlabel("training time (s)")
ax.set_ylabel("Fréchet distance to held-out slices")
ax.legend()
plt.show()
show_grid(torch.cat([trainer.sample(16) for trainer, _ in runs.values()]), nrow=16,
          title="samples after the same training time: " + ", ".join(runs) + " (one row each)")
plt.show()

print(f"{'':16s} {'generator steps':>16s} {'ms per step':>12s} {'Fréchet distance':>17s}")
for name, (trainer, log) in runs.items():
    print(f"{name:16s} {trainer.steps_done:16d} {1000 * log['seconds'][-1] / trainer.steps_done:12.0f} "
          f"{log['fd'][-1]:17.0f}")
best = min(runs, key=lambda name: runs[name][1]["fd"][-1])
print(f"\nAfter {budget} s each, the closest to real slices is {best}.")

# %% [markdown]
# Each generator step of a WGAN costs five critic updates, and WGAN-GP's also differentiate the critic's
# gradient (a second backward pass), so in the same time they make a fraction of DCGAN's generator steps.
# WGAN with clipping adds a small learning rate on top, so its samples change slowly. This is the survey's
# "slow optimization process", measured: per second of computation, the WGANs here improve the samples more
# slowly than DCGAN. What they buy with that time is the subject of the next two sections.
#
# ### Is the critic's estimate a meaningful training signal?
#
# A training signal is useful when it says how far the generated images are from real ones, so that a
# reader of the loss curve can tell whether training works without looking at samples. We test that twice.
#
# **A controlled test.** Replace the generator by something whose distance from the real slices we control:
# other real slices with Gaussian noise of growing strength. For each strength we train a fresh critic (with
# the penalty) and a fresh DCGAN discriminator on real against noisy slices, for the same number of steps,
# and read off each one's estimate on slices neither has seen: the critic's $W_1$ estimate, and the
# Jensen-Shannon divergence implied by the discriminator's loss.

# %%
add_noise = DISTURBANCES["noise"][0]
ladder_strengths = (0.0, 0.05, 0.1, 0.2, 0.4)
ladder_steps = P.pick(smoke=5, cpu=80, gpu=300)
other_images = to_gan_range(BrainSimulator(image_size, seed=2, skull_stripped=True).sample(n_train // 2).t1)
ladder = {"critic": [], "discriminator": []}
for strength in ladder_strengths:
    noisy = add_noise(other_images, strength)
    for kind in ladder:
        seed_everything(0)
        picks = torch.Generator().manual_seed(0)
        draw = lambda images, first: (  # noqa: E731 - random batches from images[:first], on the training device
            lambda n: images[torch.randint(0, first, (n,), generator=picks)].to(P.device))
        draw_real, draw_noisy = draw(train_images, n_train // 2), draw(noisy, n_train // 4)
        if kind == "critic":  # WGAN-GP's critic and settings
            net = train_critic(DCGANDiscriminator(width=8, image_size=image_size, norm="layer").to(P.device),
                               draw_real, draw_noisy, ladder_steps, "penalty", lr=1e-4, betas=(0.0, 0.9), batch=64)
        else:  # DCGAN's discriminator and settings
            net = train_critic(DCGANDiscriminator(width=8, image_size=image_size).to(P.device), draw_real,
                               draw_noisy, ladder_steps, None, loss=minimax_discriminator, lr=2e-4,
                               betas=(0.5, 0.999), batch=64)
        with torch.no_grad():  # on slices not used in training
            real, fake = train_images[n_train // 2:][:500].to(P.device), noisy[n_train // 4:][:500].to(P.device)
            if kind == "critic":
                ladder[kind].append(critic_estimate(net, real, fake))
            else:
                ladder[kind].append(math.log(2) - 0.5 * minimax_discriminator(net(real), net(fake)).item())

fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
axes[0].plot(ladder_strengths, ladder["discriminator"], marker="o")
axes[0].axhline(math.log(2), color="0.6", linestyle="--", label="log 2, its ceiling")
axes[0].set_title("JS divergence implied by the discriminator")
axes[0].legend()
axes[1].plot(ladder_strengths, ladder["critic"], marker="o", color="C1")
axes[1].set_title("critic's estimate of W1")
for ax in axes:
    ax.set_xlabel("noise standard deviation added to real slices")
plt.tight_layout()
plt.show()
print(f"{'noise':>6s} {'JS (discriminator)':>19s} {'W1 (critic)':>12s}")
for strength, js_value, w_value in zip(ladder_strengths, ladder["discriminator"], ladder["critic"]):
    print(f"{strength:6.2f} {js_value:19.3f} {w_value:12.3f}")
print(f"from noise 0.2 to 0.4: JS x{ladder['discriminator'][-1] / ladder['discriminator'][-2]:.2f}, "
      f"W1 x{ladder['critic'][-1] / ladder['critic'][-2]:.2f}")

# %% [markdown]
# Both notice the noise once it is visible. But the divergence runs into its ceiling of $\log 2$ as soon as
# the two sets are easy to tell apart, so it can no longer say that the strongest noise is much worse than
# the next; the critic's estimate keeps growing with the disturbance. This is the saturation of the first
# section, now on brain slices, and it is what Arjovsky et al. mean by a more meaningful loss.
#
# **Over training.** The second test uses the runs above: at each evaluation, each model's own signal beside
# the Fréchet distance of its samples, and their rank (Spearman) correlation. A value near 1 means the signal
# fell exactly when the samples improved.

# %%
fig, axes = plt.subplots(1, len(runs), figsize=(15, 3.3))
print(f"{'':16s} {'training signal':>26s} {'Fréchet distance, first -> last':>32s} {'rank correlation':>17s}")
correlations = {}
for ax, (name, (trainer, log)) in zip(axes, runs.items()):
    ax.plot(log["seconds"], log["signal"], marker="o", color="C0")
    ax.set_ylabel("training signal", color="C0")
    ax.set_xlabel("training time (s)")
    twin = ax.twinx()
    twin.plot(log["seconds"], log["fd"], marker="s", color="C3")
    twin.set_yscale("log")
    twin.set_ylabel("Fréchet distance", color="C3")
    ax.set_title(name)
    correlations[name] = spearmanr(log["signal"], log["fd"])[0]
    signal = "critic's W1 estimate" if name.startswith("WGAN") else "JS implied by the D loss"
    change = f"{log['fd'][0]:.0f} -> {log['fd'][-1]:.0f}"
    print(f"{name:16s} {signal:>26s} {change:>32s} {correlations[name]:17.2f}")
plt.tight_layout()
plt.show()
for name, (trainer, log) in runs.items():
    if log["fd"][-1] > 0.5 * log["fd"][0]:
        print(f"{name}: its samples improved by less than half over the run, so its correlation measures noise, "
              f"not tracking.")

# %% [markdown]
# Read this table with the run's length in mind. A correlation says something only for a model whose samples
# actually changed during the run; the cell flags those that did not (in the `cpu` profile, the WGANs barely
# leave their starting point in a minute). And in a short run, every model that does improve is still in its
# first steady improvement, during which almost any signal that drifts one way correlates well with quality,
# so a high value (DCGAN's too) says little. The controlled test above is the sharper one. The over-training
# comparison needs long runs (try the `gpu` profile), in which the samples keep improving after the
# discriminator's loss has settled around its equilibrium: a settled signal cannot follow quality. Also: a
# WGAN-clip estimate is $K \cdot W_1$ for a $K$ that drifts as the weights move, so only its trend within one
# run means something, never its value across runs.
#
# ### Are the critics Lipschitz?
#
# The penalty should hold the critic's gradient norm near 1 at the interpolates, which `GANTrainer` records
# at every critic step. For the clipped critic we measured the same norm at each evaluation. The histogram
# shows where the clipped critic's weights ended up.

# %%
gp_log = runs["WGAN-GP"][0].history
clip_trainer, clip_log = runs["WGAN (clipping)"]
fig, axes = plt.subplots(1, 2, figsize=(12, 3.3))
gp_trend = smooth(gp_log["grad_norm"], 10)
axes[0].plot(gp_log["seconds"][len(gp_log["seconds"]) - len(gp_trend):], gp_trend,
             label="WGAN-GP, every generator step (smoothed)")
axes[0].plot(clip_log["seconds"], clip_log["clip_norm"], marker="o", label="WGAN with clipping, at each evaluation")
axes[0].axhline(1, color="0.6", linestyle="--")
axes[0].set_yscale("log")
axes[0].set_xlabel("training time (s)")
axes[0].set_title("critic gradient norm at interpolates")
axes[0].legend()
clip_weights = torch.cat([p.detach().flatten() for p in clip_trainer.D.parameters()]).cpu().numpy()
axes[1].hist(clip_weights, bins=81, range=(-0.0105, 0.0105))
axes[1].set_title("weights of the clipped brain critic")
plt.tight_layout()
plt.show()
late_norms = gp_log["grad_norm"][len(gp_log["grad_norm"]) // 2:]
print(f"WGAN-GP gradient norm over the second half of training: median {np.median(late_norms):.2f}, "
      f"middle 80 % in [{np.quantile(late_norms, 0.1):.2f}, {np.quantile(late_norms, 0.9):.2f}]")
print(f"WGAN clipping: gradient norm {np.median(clip_log['clip_norm']):.3f} (median over evaluations); "
      f"{np.mean(np.abs(np.abs(clip_weights) - 0.01) < 1e-4):.0%} of the weights at +-0.01")

# %% [markdown]
# ## What to take away
#
# - The Wasserstein distance keeps a slope where the Jensen-Shannon divergence is flat; a critic trained
#   under a Lipschitz constraint estimates it, and its estimate is a loss curve that means something.
# - Clipping enforces the constraint crudely: most weights sit at the bound, the critic is simpler than it
#   should be, and its gradient scale is arbitrary. The gradient penalty keeps the gradient norm near 1 and
#   the critic expressive; it needs a critic without batch normalisation.
# - Both cost time: several critic updates per generator update, and for the penalty a second backward pass.
#   On a CPU budget that is the dominant effect: for a first result on a laptop, DCGAN's loss gets there
#   sooner. The survey's medical WGANs (for example Wolterink et al.'s vessel shapes [(Wolterink et al., 2018)](#survey44), or
#   the de-noising of Section 4.5) pay that price for the training signal measured here and the stability
#   the survey credits them with.
#
# ## Exercises
#
# **1. The gradient penalty by hand.** Complete the function: interpolate between `real` and `fake` with the
# given `epsilon` (one value per sample), take the gradient of the critic's summed output with respect to the
# interpolates (`torch.autograd.grad`, with `create_graph=True` so that the penalty can be trained through),
# and return the mean of $(\lVert \nabla \rVert_2 - 1)^2$. The check compares it with `gancourse`'s version,
# which draws the same `epsilon` from the same seed.

# %%
from gancourse.exercises import check


def my_gradient_penalty(critic, real, fake, epsilon):
    interpolates = ...  # points on the lines between real and fake samples
    ...
    return ...


critic = critics["penalty"]
real, fake = draw_ring(128), draw_blob(128)
epsilon = torch.rand(128, 1, generator=torch.Generator().manual_seed(5))
mine = my_gradient_penalty(critic, real, fake, epsilon)
check(mine if mine is ... else float(mine),
      gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(5)).item(),
      what="your penalty")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_gradient_penalty(critic, real, fake, epsilon):
#     interpolates = (epsilon * real + (1 - epsilon) * fake).requires_grad_(True)
#     (gradients,) = torch.autograd.grad(critic(interpolates).sum(), interpolates, create_graph=True)
#     return ((gradients.flatten(1).norm(dim=1) - 1) ** 2).mean()
# ```
# Summing the critic's outputs before differentiating gives every sample its own gradient, because sample
# $i$'s output does not depend on sample $j$'s input (one more reason not to use batch normalisation here).
#
# </details>
#
# **2. A linear critic.** The critic $f(x) = w \cdot x$ with $\lVert w \rVert = 3$ is scored by the penalty
# with weight $\lambda = 10$. What does the penalty add to its loss, wherever the samples are?

# %%
answer = ...  # a number
w = torch.tensor([3.0, 0.0])
check(answer, 10 * gradient_penalty(lambda x: x @ w, draw_ring(64), draw_blob(64)).item(),
      what="the penalty term")

# %% [markdown]
# <details><summary>Solution</summary>
#
# The gradient of $w \cdot x$ is $w$ everywhere, so every interpolate has gradient norm 3, and the term is
# $10\,(3 - 1)^2 = 40$: `answer = 40`. A linear critic is 1-Lipschitz exactly when $\lVert w \rVert \le 1$;
# the penalty pulls it towards $\lVert w \rVert = 1$.
#
# </details>
#
# **3. Clipping and depth.** A weight matrix with $m$ rows and $n$ columns whose entries all lie in
# $[-c, c]$ can stretch a vector's length by at most $c\sqrt{mn}$ (the matrix with every entry $c$ does
# exactly that). Leaky ReLUs with slope at most 1 stretch nothing. What is the resulting bound on the
# Lipschitz constant of the toy critic above (2 inputs, three hidden layers of 128, one output) with
# $c = 0.01$? Compare it with the gradient norms measured above.

# %%
answer = ...  # a number: the product of c * sqrt(m * n) over the four layers
layer_shapes = [(128, 2), (128, 128), (128, 128), (1, 128)]  # (m, n) of each weight matrix
check(answer, math.prod(0.01 * math.sqrt(m * n) for m, n in layer_shapes), what="the bound")

# %% [markdown]
# <details><summary>Solution</summary>
#
# $0.01^4 \cdot \sqrt{256} \cdot 128 \cdot 128 \cdot \sqrt{128} \approx 0.030$. The clipped critic's measured
# gradient norms sit well below this bound. The bound scales with the widths and multiplies with the depth,
# so the clip value that gives a useful critic depends on the architecture: one more reason the penalty
# replaced clipping.
#
# </details>

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey12"></a>Arjovsky, M., Chintala, S., Bottou, L. (2017). Wasserstein gan. *CoRR abs/1701.07875*. [arXiv:1701.07875](https://arxiv.org/abs/1701.07875)
#
# <a id="gulrajani2017improved"></a>Gulrajani, Ishaan, Ahmed, Faruk, Arjovsky, Martin, Dumoulin, Vincent, Courville, Aaron (2017). Improved training of Wasserstein GANs. *Advances in Neural Information Processing Systems*.
#
# <a id="survey6"></a>Radford, A., Metz, L., Chintala, S. (2015). Unsupervised representation learning with deep convolutional generative adversarial networks. *CoRR abs/1511.06434*. [arXiv:1511.06434](https://arxiv.org/abs/1511.06434)
#
# <a id="survey44"></a>Wolterink, J. M., Leiner, T., Isgum, I. (2018). Blood vessel geometry synthesis using generative adversarial networks. *arXiv preprint arXiv:1804.04381*. [arXiv:1804.04381](https://arxiv.org/abs/1804.04381)
