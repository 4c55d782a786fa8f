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
# *About 35 minutes to read; in the cpu profile it runs in 3.6 min on 2 CPU cores (the book's benchmarks measure it).*
#
# The survey's Section 3.7 starts from a diagnosis: the original GAN compares the real and the generated
# distributions through the Jensen-Shannon divergence, and that comparison can leave the generator without a
# gradient, which shows up as instability and mode collapse. Arjovsky et al. [(Arjovsky et al., 2017)](#survey12) replace it with
# the Wasserstein-1 ("earth mover's") distance, keeping DCGAN's networks. The survey credits WGAN with a more
# meaningful training procedure and warns that, in practice, it optimises slowly. Gulrajani et al.
# [(Gulrajani et al., 2017)](#gulrajani2017improved) then replaced WGAN's weight clipping with a gradient penalty (WGAN-GP).
# Both appear in the survey's tables of medical work. Most entries there use the original WGAN: vessel
# shapes [(Wolterink et al., 2018)](#survey44), MRI super-resolution [(Chen et al., 2018)](#survey82), maps of
# Alzheimer's changes [(Baumgartner et al., 2017)](#survey96), low-dose CT de-noising
# [(Yang et al., 2018)](#survey103) and MR-to-ultrasound registration [(Yan et al., 2018)](#survey106); one,
# lesion detection in brain MRI [(Chen and Konukoglu, 2018)](#survey94), uses WGAN-GP.
#
# This chapter checks the survey's statements by measuring them: first on distributions small enough to solve
# exactly, then on brain MRI slices.
#
# **Learning goals**
# - see why the Jensen-Shannon divergence stops giving a gradient when two distributions do not overlap, and
#   why the Wasserstein distance does not;
# - write the critic's loss and check its estimate against an exactly computed Wasserstein distance;
# - compare the two ways of keeping the critic 1-Lipschitz (clipping, penalty) by what they do to the critic;
# - write the gradient penalty yourself;
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

import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from scipy.stats import spearmanr, wasserstein_distance

from gancourse.data import BrainSimulator, to_gan_range
from gancourse.data.toy import ring_centres, ring_of_gaussians
from gancourse.exercises import check
from gancourse.losses import (gradient_norms_at_interpolates, gradient_penalty,
                              minimax_discriminator, wasserstein_discriminator)
from gancourse.methods.gan import RECIPES, GANTrainer
from gancourse.metrics import frechet_distance, kernel_distance
from gancourse.metrics.domain import DISTURBANCES, domain_features
from gancourse.nets import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import say, show_grid, smooth

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


def density(mean):
    return np.exp(-0.5 * ((grid - mean) / sigma) ** 2) / (sigma * math.sqrt(2 * np.pi))


def jensen_shannon(p, q):
    m = np.maximum(0.5 * (p + q), 1e-300)

    def kl(a):
        return np.sum(np.where(a > 0, a * np.log(np.maximum(a, 1e-300) / m), 0)) * dx

    return 0.5 * kl(p) + 0.5 * kl(q)


rng = np.random.default_rng(0)
thetas = np.linspace(0, 3, 31)
js = np.array([jensen_shannon(density(0), density(t)) for t in thetas])
w1 = np.array([wasserstein_distance(rng.normal(0, sigma, 4000),
                                    rng.normal(t, sigma, 4000)) for t in thetas])
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
slope_w1 = (w1[-1] - w1[-11]) / (thetas[-1] - thetas[-11])
saturated = thetas[np.argmax(js > 0.99 * math.log(2))]
say(r"JS is within 1 % of its ceiling $\log 2$ from $\theta = {t:.1f}$ on. Between "
    r"$\theta = 2$ and 3 its slope is {sj:.1e}; the slope of $W_1$ is {sw:.2f}.",
    t=saturated, sj=slope_js, sw=slope_w1)

# %% [markdown]
# Once the two distributions stop overlapping, the divergence is stuck at $\log 2$: it says "different" but
# not "how different", and its slope, the gradient a generator would follow, is zero. The Wasserstein
# distance grows with the shift, with slope 1. Real images lie on thin sets in pixel space, so at the start
# of training real and generated images overlap as little as these two Gaussians do
# [(Arjovsky et al., 2017)](#survey12).
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
# loss, `gancourse.losses.wasserstein_discriminator` (the book's code says discriminator for every loss), is
# $\mathbb{E}[f(\text{fake})] - \mathbb{E}[f(\text{real})]$; minus that loss is the critic's estimate of $W_1$.
#
# Without a constraint the critic could open the gap without limit by scaling its output. Two ways to keep it
# in check:
#
# - **weight clipping** [(Arjovsky et al., 2017)](#survey12): after each update, every weight is clamped to
#   $[-c, c]$ with $c = 0.01$. The network then has *some* Lipschitz constant $K$, bounded by the clip value
#   and the architecture but not known; $f / K$ is 1-Lipschitz, so the critic's estimate is **at most**
#   $K \cdot W_1$, and reaches it only if the critic is the best $K$-Lipschitz function;
# - **gradient penalty** [(Gulrajani et al., 2017)](#gulrajani2017improved): the optimal critic has gradient norm
#   exactly 1 on the straight lines between real and generated samples, so the loss adds
#   $\lambda \, \mathbb{E}_{\hat x}[(\lVert \nabla_{\hat x} f(\hat x) \rVert_2 - 1)^2]$ at random points
#   $\hat x$ on those lines, with $\lambda = 10$. This is a soft constraint, so the critic may be a little
#   steeper than 1 where that pays, and then overestimate.
#
# Here is the critic's training step, written out; `GANTrainer` runs the same step. We check it on the
# Gaussians above, now in two dimensions (a round Gaussian and the same one moved by $\theta$ along the first
# axis), whose $W_1$ we know: it is the shift $\theta$.

# %%
def train_critic(critic, draw_real, draw_fake, steps, constraint,
                 loss=wasserstein_discriminator, lr=1e-3, betas=(0.5, 0.9), batch=256,
                 clip=0.01):
    """Train ``critic`` to separate two fixed distributions; ``constraint`` is "clip",
    "penalty" or None. (With ``loss=minimax_discriminator`` and no constraint: an
    ordinary discriminator.)"""
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
    """The critic's estimate of W1, E f(real) - E f(fake), on samples not trained on."""
    return (critic(real).mean() - critic(fake).mean()).item()


def gaussian(shift):
    return lambda n: torch.tensor([shift, 0.0]) + sigma * torch.randn(n, 2)


seed_everything(0)
shifts, gaussian_estimates = (0.5, 1.0, 2.0), []
print(f"{'shift':>6s} {'exact W1':>9s} {'critic with penalty':>20s}")
for shift in shifts:
    critic = train_critic(MLPDiscriminator((2,), hidden=(64, 64)), gaussian(0.0),
                          gaussian(shift), steps=P.pick(smoke=40, cpu=400, gpu=400),
                          constraint="penalty")
    estimate = critic_estimate(critic, gaussian(0.0)(4000), gaussian(shift)(4000))
    gaussian_estimates.append(estimate)
    print(f"{shift:6.1f} {shift:9.3f} {gaussian_estimates[-1]:20.3f}")
errors = np.array(gaussian_estimates) / np.array(shifts) - 1
say("With no knowledge of the formula, the penalised critic's estimates differ from "
    "the exact $W_1$ by {worst:.0%} at most; {high} of {n} run high.",
    worst=np.abs(errors).max(), high=int(np.sum(errors > 0)), n=len(shifts))

# %% [markdown]
# ## What clipping does to a critic
#
# A harder case in two dimensions: the real distribution is chapter 3.1's ring of eight Gaussians; the
# "generated" one is a fixed standard Gaussian blob, the output of a generator that has learned nothing.
# Their $W_1$ is computed exactly from samples: between two sets of $n$ points with equal weights, the best
# transport plan is an assignment, which `scipy.optimize.linear_sum_assignment` finds. We train one critic
# with clipping and one with the penalty, same network and optimiser, so that the constraint is the only
# difference.

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
for constraint in ("clip", "penalty"):
    seed_everything(1)
    critic = MLPDiscriminator((2,), hidden=(128, 128, 128))
    critics[constraint] = train_critic(critic, draw_ring, draw_blob, steps=toy_steps,
                                       constraint=constraint)

test_ring, test_blob = draw_ring(4000), draw_blob(4000)
print(f"exact W1 (assignment of 1000 + 1000 points): {exact_w1:.3f}")
print(f"{'critic':8s} {'estimate':>9s} {'gradient norm: median':>22s} {'max':>6s} "
      f"{'estimate / max':>15s}")
toy_norms, toy_estimates, rescaled = {}, {}, {}
for constraint, critic in critics.items():
    toy_estimates[constraint] = critic_estimate(critic, test_ring, test_blob)
    norms = gradient_norms_at_interpolates(critic, test_ring, test_blob).detach()
    toy_norms[constraint] = norms.numpy()
    # rescaled by the steepest slope *measured*: a common scale, not a bound
    rescaled[constraint] = toy_estimates[constraint] / norms.max().item()
    print(f"{constraint:8s} {toy_estimates[constraint]:9.4f} {norms.median():22.3f} "
          f"{norms.max():6.3f} {rescaled[constraint]:15.3f}")
closer = min(rescaled, key=lambda c: abs(rescaled[c] - exact_w1))
say("The penalised critic's raw estimate is {ratio:.0f} times the clipped one's "
    "(median gradient norms {np_:.2f} and {nc:.3f}). Rescaled by its steepest measured "
    "slope, the **{closer}** critic comes closer to the exact $W_1$ of {w:.3f}: "
    "{rp:.3f} (penalty) against {rc:.3f} (clip).",
    ratio=toy_estimates["penalty"] / toy_estimates["clip"],
    np_=np.median(toy_norms["penalty"]), nc=np.median(toy_norms["clip"]), closer=closer,
    w=exact_w1, rp=rescaled["penalty"], rc=rescaled["clip"])

# %% [markdown]
# The last column divides each estimate by the largest gradient norm *measured*, at 4,000 interpolates. That
# puts the two critics on one scale, but it is not a bound on $W_1$: the critic may be steeper somewhere it
# was not measured (between the sampled points, or off the lines between the two sets), so the rescaled
# value can land on either side of the true distance. A guaranteed lower bound needs a Lipschitz constant
# that holds everywhere, which the architecture gives for a clipped critic (Exercises 2 and 3). Where the
# rescaled clipped critic falls short, clipping has done more than shrink the critic: it restricts which
# functions it can represent. The pictures show how:

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
    axes[2].hist(weights, bins=101, range=(-0.05, 0.05), histtype="step", linewidth=2,
                 label=constraint, log=True)
    axes[3].hist(toy_norms[constraint], bins=60, range=(0, 1.6), histtype="step",
                 linewidth=2, label=constraint)
axes[2].set_title("critic weights (zoom on [-0.05, 0.05])")
axes[3].set_title("gradient norm at interpolates")
axes[3].axvline(1, color="0.6", linestyle="--")
for ax in axes[2:]:
    ax.legend()
plt.tight_layout()
plt.show()
# Does the critic see the ring? Its value on the eight modes minus its value on the ring halfway
# between them, in units of its own largest gradient norm (the two critics on one scale).
between_angles = torch.arange(8) * (2 * math.pi / 8) + math.pi / 8
between_modes = 2 * torch.stack([between_angles.cos(), between_angles.sin()], dim=1)
at_clip, contrast = {}, {}
for constraint, critic in critics.items():
    weights = torch.cat([p.detach().flatten() for p in critic.parameters()]).abs()
    at_clip[constraint] = (weights - 0.01).abs().le(1e-4).float().mean().item()
    with torch.no_grad():
        gap = (critic(ring_centres()).mean() - critic(between_modes).mean()).item()
    contrast[constraint] = gap / toy_norms[constraint].max()
print(f"{'critic':8s} {'weights at the clip value 0.01':>31s} "
      f"{'modes minus between modes':>26s}")
for constraint in critics:
    print(f"{constraint:8s} {at_clip[constraint]:31.0%} {contrast[constraint]:26.3f}")
sees = {c: "higher" if contrast[c] > 0 else "not higher" for c in critics}
say(r"{share:.0%} of the clipped critic's weights sit at $\pm c$. On the eight "
    "modes the penalised critic is {p} than between them, the clipped one {c}.",
    share=at_clip["clip"], p=sees["penalty"], c=sees["clip"])

# %% [markdown]
# Gulrajani et al. describe three signatures of clipping; the figure and the table test each:
#
# - **The weights pile up at $\pm c$** (third panel): where the optimiser pushes weights against the clip,
#   the bound, not the data, decides their value.
# - **The critic is too simple** (first two panels, last column): a critic that sees the ring is higher on
#   the eight modes than between them; a bowl around the blob is not.
# - **Its gradients are not controlled** (last panel): the penalty pulls the gradient norm towards 1 where it
#   is applied; the clipped critic's norm is whatever the clip value, depth and width make it.
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
# Each model trains for the same wall-clock time. At regular times we measure two things. First, the
# distance of its samples to held-out slices in chapter 3.2's feature space: the Fréchet distance, whose
# estimate grows as the sample shrinks (so it is compared only at equal sizes: here always as many samples as
# held-out slices), and the kernel distance, which is unbiased and comparable with other chapters'. Second,
# the model's own training signal: for the WGANs the critic's estimate of $W_1$ (over the last 25 steps), for
# DCGAN the Jensen-Shannon divergence its discriminator loss implies at the optimum,
# $\mathrm{JS} \approx \log 2 - \tfrac12 L_D$.

# %%
image_size = P.pick(smoke=32, cpu=32, gpu=64)
width = P.pick(smoke=8, cpu=16, gpu=64)
n_train = P.pick(smoke=256, cpu=6000, gpu=12000)
n_eval = P.pick(smoke=64, cpu=500, gpu=1000)  # held-out slices, samples per evaluation
budget = P.seconds(smoke=1.5, cpu=60, gpu=180)  # seconds of training per model
evaluations = P.pick(smoke=2, cpu=6, gpu=12)
print(f"{image_size}x{image_size} slices, base width {width} (half of chapter 3.2's, "
      f"so that three models fit the time), {budget} s of training per model, {n_eval} "
      "samples per evaluation")


def brain_slices(seed, n):
    simulator = BrainSimulator(image_size, seed=seed, skull_stripped=True)
    return to_gan_range(simulator.sample(n).t1)


train_images, held_out = brain_slices(0, n_train), brain_slices(1, n_eval)
held_out_features = domain_features(held_out)

# GANTrainer's RECIPES hold the table's settings; each model is (its critic's norm, its recipe).
recipes = {"DCGAN": ("batch", RECIPES["dcgan"]),
           "WGAN (clipping)": ("batch", RECIPES["wgan"]),
           "WGAN-GP": ("layer", RECIPES["wgan_gp"])}
for name, (norm, recipe) in recipes.items():
    settings = ", ".join(f"{k}={v}" for k, v in recipe.items())
    print(f"{name:16s} critic norm {norm:6s} {settings}")


def training_signal(history, loss, last=25):
    """The model's own estimate of how far apart real and generated slices are."""
    if loss == "wasserstein":
        return np.mean(history["d_real"][-last:]) - np.mean(history["d_fake"][-last:])
    return math.log(2) - 0.5 * np.mean(history["loss_d"][-last:])


runs = {}
for name, (norm, recipe) in recipes.items():
    seed_everything(0)
    G = DCGANGenerator(z_dim=100, width=width, image_size=image_size)
    D = DCGANDiscriminator(width=width, image_size=image_size, norm=norm)
    trainer = GANTrainer(G, D, train_images, batch_size=64, seed=0, device=P.device,
                         **recipe)
    log = {"seconds": [], "fd": [], "kd": [], "signal": [], "clip_norm": []}
    for evaluation in range(1, evaluations + 1):
        # seconds is a total: train on to it
        trainer.fit(seconds=budget * evaluation / evaluations, progress=False)
        features = domain_features(trainer.sample(n_eval))
        log["seconds"].append(trainer.history["seconds"][-1])
        log["fd"].append(frechet_distance(held_out_features, features))
        log["kd"].append(kernel_distance(held_out_features, features))
        log["signal"].append(training_signal(trainer.history, recipe["loss"]))
        if trainer.clip_value:  # the clipped critic's gradient norm, on a copy of it
            real, fake = train_images[:64].to(P.device), trainer.sample(64).to(P.device)
            norms = gradient_norms_at_interpolates(copy.deepcopy(D), real, fake)
            log["clip_norm"].append(norms.mean().item())
    runs[name] = (trainer, log)

# %% [markdown]
# ### Quality against wall-clock time

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
for name, (trainer, log) in runs.items():
    axes[0].plot(log["seconds"], log["fd"], marker="o", label=name)
    axes[1].plot(log["seconds"], log["kd"], marker="o", label=name)
axes[0].set_yscale("log")
axes[0].set_ylabel(f"Fréchet distance ({n_eval} samples)")
axes[1].set_yscale("symlog", linthresh=1e-2)
axes[1].set_ylabel("kernel distance")
for ax in axes:
    ax.set_xlabel("training time (s)")
    ax.legend()
plt.tight_layout()
plt.show()
show_grid(torch.cat([trainer.sample(16) for trainer, _ in runs.values()]), nrow=16,
          title="after the same training time, one row each: " + ", ".join(runs))
plt.show()

print(f"{'':16s} {'generator steps':>16s} {'ms per step':>12s} "
      f"{'Fréchet distance':>17s} {'kernel distance':>16s}")
for name, (trainer, log) in runs.items():
    ms = 1000 * log["seconds"][-1] / trainer.steps_done
    print(f"{name:16s} {trainer.steps_done:16d} {ms:12.0f} {log['fd'][-1]:17.0f} "
          f"{log['kd'][-1]:16.3g}")
best = min(runs, key=lambda name: runs[name][1]["kd"][-1])
final_kd = {name: log["kd"][-1] for name, (_, log) in runs.items()}
behind = [n for n in runs if n != "DCGAN" and final_kd[n] > final_kd["DCGAN"]]
steps = {name: trainer.steps_done for name, (trainer, _) in runs.items()}
say("After {budget:.0f} s each, the closest to real slices (kernel distance) is "
    "**{best}**. DCGAN made {gp:.1f} times as many generator steps as WGAN-GP and "
    "{clip:.1f} times as "
    "many as WGAN with clipping. Behind DCGAN at the end of the same time: {behind}.",
    budget=budget, best=best, gp=steps["DCGAN"] / steps["WGAN-GP"],
    clip=steps["DCGAN"] / steps["WGAN (clipping)"],
    behind=", ".join(behind) or "neither WGAN")

# %% [markdown]
# Each generator step of a WGAN costs five critic updates, and WGAN-GP's also differentiate the critic's
# gradient (a second backward pass), so in the same time they make a fraction of DCGAN's generator steps;
# WGAN with clipping adds a small learning rate. That is the survey's "slow optimization process": the line
# above says whether, per second of computation in this run, it cost the WGANs sample quality. What they
# buy with that time is the subject of the next two sections.
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
other_images = brain_slices(2, n_train // 2)
ladder = {"critic": [], "discriminator": []}
for strength in ladder_strengths:
    noisy = add_noise(other_images, strength)
    for kind in ladder:
        seed_everything(0)
        picks = torch.Generator().manual_seed(0)

        def draw(images, first):  # random batches from images[:first], on the device
            return lambda n: images[torch.randint(first, (n,), generator=picks)].to(
                P.device)

        draw_real = draw(train_images, n_train // 2)
        draw_noisy = draw(noisy, n_train // 4)
        if kind == "critic":  # WGAN-GP's critic and settings
            net = DCGANDiscriminator(width=8, image_size=image_size, norm="layer")
            net = train_critic(net.to(P.device), draw_real, draw_noisy, ladder_steps,
                               "penalty", lr=1e-4, betas=(0.0, 0.9), batch=64)
        else:  # DCGAN's discriminator and settings
            net = DCGANDiscriminator(width=8, image_size=image_size)
            net = train_critic(net.to(P.device), draw_real, draw_noisy, ladder_steps,
                               None, loss=minimax_discriminator, lr=2e-4,
                               betas=(0.5, 0.999), batch=64)
        with torch.no_grad():  # on slices not used in training
            real = train_images[n_train // 2:][:500].to(P.device)
            fake = noisy[n_train // 4:][:500].to(P.device)
            if kind == "critic":
                ladder[kind].append(critic_estimate(net, real, fake))
            else:
                d_loss = minimax_discriminator(net(real), net(fake)).item()
                ladder[kind].append(math.log(2) - 0.5 * d_loss)

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
for strength, js_value, w_value in zip(ladder_strengths, ladder["discriminator"],
                                       ladder["critic"]):
    print(f"{strength:6.2f} {js_value:19.3f} {w_value:12.3f}")
js_gain = ladder["discriminator"][-1] / ladder["discriminator"][-2]
w_gain = ladder["critic"][-1] / ladder["critic"][-2]
if w_gain > js_gain:
    verdict = "The critic's estimate separates the two strongest disturbances more."
else:
    verdict = "Here the divergence separates the two strongest at least as well."
say("From noise 0.2 to 0.4 the implied divergence grows ×{js:.2f} and ends at "
    "{share:.0%} of its ceiling; the critic's estimate grows ×{w:.2f}. {verdict}",
    js=js_gain, w=w_gain,
    share=ladder["discriminator"][-1] / math.log(2), verdict=verdict)

# %% [markdown]
# A divergence near its ceiling of $\log 2$ cannot grow much further, however much worse the disturbance
# gets; the critic's estimate has no ceiling. This is the saturation of the first section, now on brain
# slices, and it is what Arjovsky et al. mean by a more meaningful loss.
#
# **Over training.** The second test uses the runs above: at each evaluation, each model's own signal beside
# the Fréchet distance of its samples (equal sample sizes throughout), and their rank (Spearman)
# correlation. A value near 1 means the signal fell exactly when the samples improved.

# %%
fig, axes = plt.subplots(1, len(runs), figsize=(15, 3.3))
print(f"{'':16s} {'training signal':>26s} {'Fréchet distance, first -> last':>32s} "
      f"{'rank correlation':>17s}")
for ax, (name, (trainer, log)) in zip(axes, runs.items()):
    ax.plot(log["seconds"], log["signal"], marker="o", color="C0")
    ax.set_ylabel("training signal", color="C0")
    ax.set_xlabel("training time (s)")
    twin = ax.twinx()
    twin.plot(log["seconds"], log["fd"], marker="s", color="C3")
    twin.set_yscale("log")
    twin.set_ylabel("Fréchet distance", color="C3")
    ax.set_title(name)
    signal = "critic's W1 estimate" if "WGAN" in name else "JS implied by D loss"
    change = f"{log['fd'][0]:.0f} -> {log['fd'][-1]:.0f}"
    rho = spearmanr(log["signal"], log["fd"])[0]
    print(f"{name:16s} {signal:>26s} {change:>32s} {rho:17.2f}")
plt.tight_layout()
plt.show()
for name, (trainer, log) in runs.items():
    if log["fd"][-1] > 0.5 * log["fd"][0]:
        print(f"{name}: its samples improved by less than half over the run, so its "
              "correlation measures noise, not tracking.")

# %% [markdown]
# A correlation says something only for a model whose samples changed during the run (the cell flags the
# others). In a short run, any signal that drifts one way correlates with improving samples, so a high value
# says little: the controlled test above is the sharper one, and the test over training needs long runs
# (Exercise 5). A clipped critic's estimate is at most $K \cdot W_1$ for a $K$ that drifts as the weights
# move, so only its trend within one run means something.
#
# ### Are the brain critics Lipschitz?
#
# The penalty should hold the critic's gradient norm near 1 at the interpolates, which `GANTrainer` records
# at every critic step; for the clipped critic we measured the same norm at each evaluation.

# %%
gp_log = runs["WGAN-GP"][0].history
clip_trainer, clip_log = runs["WGAN (clipping)"]
fig, ax = plt.subplots(figsize=(6.5, 3.3))
gp_trend = smooth(gp_log["grad_norm"], 10)
ax.plot(gp_log["seconds"][len(gp_log["seconds"]) - len(gp_trend):], gp_trend,
        label="WGAN-GP, every generator step (smoothed)")
ax.plot(clip_log["seconds"], clip_log["clip_norm"], marker="o",
        label="WGAN with clipping, at each evaluation")
ax.axhline(1, color="0.6", linestyle="--")
ax.set_yscale("log")
ax.set_xlabel("training time (s)")
ax.set_title("critic gradient norm at interpolates")
ax.legend()
plt.show()
clip_weights = torch.cat([p.detach().flatten() for p in clip_trainer.D.parameters()])
clip_weights = clip_weights.cpu().numpy()
late_norms = gp_log["grad_norm"][len(gp_log["grad_norm"]) // 2:]
low, high = np.quantile(late_norms, [0.1, 0.9])
print(f"WGAN-GP gradient norm over the second half of training: median "
      f"{np.median(late_norms):.2f}, middle 80 % in [{low:.2f}, {high:.2f}]")
at_bound = np.mean(np.abs(np.abs(clip_weights) - 0.01) < 1e-4)
clip_median = np.median(clip_log["clip_norm"])
print(f"WGAN clipping: gradient norm {clip_median:.3f} (median over evaluations);"
      f" {at_bound:.0%} of the weights at +-0.01")

# %% [markdown]
# ## Exercises
#
# **1. A linear critic.** The critic $f(x) = w \cdot x$ with $\lVert w \rVert = 3$ is scored by the penalty
# with weight $\lambda = 10$. What does the penalty add to its loss, wherever the samples are?

# %% tags=["answer"]
answer = ...  # a number

# %%
check("3.7.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 10 * (3 - 1) ** 2
# ```
#
# The gradient of $w \cdot x$ is $w$ everywhere, so every interpolate has gradient norm 3, and the term is
# $10\,(3 - 1)^2 = 40$. A linear critic is 1-Lipschitz exactly when $\lVert w \rVert \le 1$; the penalty
# pulls it towards $\lVert w \rVert = 1$.
#
# </details>
#
# **2. Clipping and depth.** A weight matrix with $m$ rows and $n$ columns whose entries all lie in
# $[-c, c]$ can stretch a vector's length by at most $c\sqrt{mn}$ (the matrix with every entry $c$ does
# exactly that). Leaky ReLUs with slope at most 1 stretch nothing, and biases shift without stretching. What
# is the resulting bound on the Lipschitz constant of the toy critic above (2 inputs, three hidden layers of
# 128, one output) with $c = 0.01$? Compare it with the gradient norms measured above.

# %% tags=["answer"]
answer = ...  # a number: the product of c * sqrt(m * n) over the four weight matrices

# %%
check("3.7.2", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# layer_shapes = [(128, 2), (128, 128), (128, 128), (1, 128)]  # (m, n) of each weight matrix
# answer = math.prod(0.01 * math.sqrt(m * n) for m, n in layer_shapes)
# ```
#
# $0.01^4 \cdot \sqrt{256} \cdot 128 \cdot 128 \cdot \sqrt{128} \approx 0.0297$. Set it beside the clipped
# critic's measured gradient norms in the table above. The bound scales with the widths and multiplies
# with the depth, so the clip value that gives a useful critic depends on the architecture: one more reason
# the penalty replaced clipping.
#
# </details>
#
# **3. A guaranteed bound.** The bound $K$ of Exercise 2 holds everywhere, not only where gradients were
# measured, so $f / K$ is 1-Lipschitz and its estimate cannot exceed $W_1$. Turn the clipped toy critic's
# estimate, `toy_estimates["clip"]`, into a lower bound on the ring-to-blob $W_1$ that is guaranteed, and
# set it beside `exact_w1`.

# %% tags=["answer"]
answer = ...  # a number

# %%
check("3.7.3", answer, estimate=toy_estimates["clip"])

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# bound = math.prod(0.01 * math.sqrt(m * n) for m, n in [(128, 2), (128, 128), (128, 128), (1, 128)])
# answer = toy_estimates["clip"] / bound
# ```
#
# By the duality, $\mathbb{E}_P[f/K] - \mathbb{E}_Q[f/K] \le W_1$ for any 1-Lipschitz $f/K$, so this is
# a lower bound whatever happens where nobody measured. The gap to `exact_w1` has two parts: the critic is
# not the best function it could be, and the bound $K$ may lie far above its true Lipschitz constant
# (compare it with the measured norms). The "estimate / max" column of the table divides by a measured norm instead:
# closer to the truth, but not guaranteed.
#
# </details>
#
# **4. The gradient penalty by hand (build-it).** Complete the function: interpolate between `real` and
# `fake` with the given `epsilon` (one value per sample, already shaped to broadcast: `(B, 1)` for points,
# `(B, 1, 1, 1)` for images), take the gradient of the critic's summed output with respect to the
# interpolates (`torch.autograd.grad`, with `create_graph=True` so that the penalty can be trained through),
# and return the mean of $(\lVert \nabla \rVert_2 - 1)^2$, the norm taken over everything but the batch
# dimension. The check runs it on fixed critics and samples against `gancourse.losses.gradient_penalty`,
# which draws the same `epsilon` from a seeded generator, and also checks that the critic can be trained
# through your penalty.

# %% tags=["answer"]
def my_gradient_penalty(critic, real, fake, epsilon):
    """WGAN-GP's penalty at the interpolates epsilon * real + (1 - epsilon) * fake."""
    ...  # your code


# %%
check("3.7.4", my_gradient_penalty)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_gradient_penalty(critic, real, fake, epsilon):
#     """WGAN-GP's penalty at the interpolates epsilon * real + (1 - epsilon) * fake."""
#     interpolates = (epsilon * real + (1 - epsilon) * fake).requires_grad_(True)
#     (gradients,) = torch.autograd.grad(critic(interpolates).sum(), interpolates,
#                                        create_graph=True)
#     return ((gradients.flatten(1).norm(dim=1) - 1) ** 2).mean()
# ```
#
# Summing the critic's outputs before differentiating gives every sample its own gradient, because sample
# $i$'s output does not depend on sample $j$'s input (one more reason not to use batch normalisation here).
# Without `create_graph=True` the penalty is a number with no path back to the critic's weights, and
# adding it to the loss would change nothing.
#
# </details>
#
# **5. A longer run (open question).** Set `budget` to several minutes (or run the `gpu` profile) and
# rerun the brain section. Do the rank correlations between each model's training signal and its
# Fréchet distance change once the samples stop improving quickly? Which signal still tracks quality?
#
# <details><summary>Solution</summary>
#
# No single answer: it depends on the run. Look for whether DCGAN's implied divergence settles while its
# samples keep improving (its correlation falls), whether WGAN-GP's estimate keeps falling with the
# Fréchet distance, and whether the clipped critic's estimate drifts with its Lipschitz constant. Each
# claim should rest on the run's printed correlations and on the flags for runs whose samples barely
# changed.
#
# </details>

# %% [markdown]
# ## Summary
#
# - The Wasserstein distance keeps a slope where the Jensen-Shannon divergence is flat; a critic trained
#   under a Lipschitz constraint estimates it, and a divergence read from a discriminator cannot exceed
#   $\log 2$, however different the distributions.
# - A clipped critic's estimate is at most $K \cdot W_1$ for a Lipschitz constant $K$ set by the clip value
#   and the architecture; dividing by a bound on $K$ that holds everywhere gives a guaranteed lower bound on
#   $W_1$, dividing by a gradient norm measured at sampled points does not.
# - The gradient penalty pulls the critic's gradient norm towards 1 at interpolates between real and
#   generated samples; it is computed per sample, so the critic uses layer instead of batch normalisation.
# - Both WGANs pay several critic updates per generator update, and WGAN-GP a second backward pass: in a
#   fixed time they make fewer generator steps, which this chapter measured beside their sample quality.
# - In the survey's tables most medical WGANs use the original loss; one uses WGAN-GP.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey12"></a>Arjovsky, M., Chintala, S., Bottou, L. (2017). Wasserstein gan. *CoRR abs/1701.07875*. [arXiv:1701.07875](https://arxiv.org/abs/1701.07875)
#
# <a id="gulrajani2017improved"></a>Gulrajani, Ishaan, Ahmed, Faruk, Arjovsky, Martin, Dumoulin, Vincent, Courville, Aaron (2017). Improved training of Wasserstein GANs. *Advances in Neural Information Processing Systems*.
#
# <a id="survey44"></a>Wolterink, J. M., Leiner, T., Isgum, I. (2018). Blood vessel geometry synthesis using generative adversarial networks. *arXiv preprint arXiv:1804.04381*. [arXiv:1804.04381](https://arxiv.org/abs/1804.04381)
#
# <a id="survey82"></a>Chen, Y., Shi, F., Christodoulou, A. G., Zhou, Z., Xie, Y., Li, D. (2018). Efficient and accurate mri super-resolution using a generative adversarial network and 3d multi-level densely connected network. *CoRR abs/1803.01417*. [arXiv:1803.01417](https://arxiv.org/abs/1803.01417)
#
# <a id="survey96"></a>Baumgartner, C. F., Koch, L. M., Tezcan, K. C., Ang, J. X., Konukoglu, E. (2017). Visual feature attribution using wasserstein gans. *CoRR abs/1711.08998*. [arXiv:1711.08998](https://arxiv.org/abs/1711.08998)
#
# <a id="survey103"></a>Yang, Q., Yan, P., Zhang, Y., Yu, H., Shi, Y., Mou, X., et al. (2018). Low dose ct image denoising using a generative adversarial network with wasserstein distance and perceptual loss. *IEEE Transactions on Medical Imaging*. [doi:10.1109/TMI.2018.2827462](https://doi.org/10.1109/TMI.2018.2827462)
#
# <a id="survey106"></a>Yan, P., Xu, S., Rastinehad, A. R., Wood, B. J. (2018). Adversarial image registration with application for mr and trus image fusion. *in: MLMI@MICCAI, 2018*.
#
# <a id="survey94"></a>Chen, X., Konukoglu, E. (2018). Unsupervised detection of lesions in brain mri using constrained adversarial auto-encoders. *CoRR abs/1806.04972*. [arXiv:1806.04972](https://arxiv.org/abs/1806.04972)
#
# <a id="survey6"></a>Radford, A., Metz, L., Chintala, S. (2015). Unsupervised representation learning with deep convolutional generative adversarial networks. *CoRR abs/1511.06434*. [arXiv:1511.06434](https://arxiv.org/abs/1511.06434)
