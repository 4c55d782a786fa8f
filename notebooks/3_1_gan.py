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
# # 3.1 GAN: the minimax game
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/3_1_gan.ipynb)
#
# *About 25 minutes to read; in the cpu profile it runs in 1.7 min on 2 CPU cores (the book's benchmarks measure it).*
#
# The survey's Section 3.1 introduces the generative adversarial network of Goodfellow et al.
# [(Goodfellow et al., 2014)](#survey2): a generator that forges data and a discriminator that tries to catch the forgeries. It
# names the two troubles that every later chapter of Part I tries to cure: *vanishing gradients* and *mode
# collapse*. In this chapter we make both happen and measure them.
#
# **Learning goals**
# - write the minimax game and its non-saturating variant as losses on discriminator logits;
# - see, with autograd, why the original generator loss saturates when the discriminator wins, and measure
#   how much gradient actually reaches the generator;
# - see what the non-saturating loss fixes (the gradient when the discriminator wins) and what it does not
#   (mode collapse), and why the optimiser decides how much the vanishing gradient matters;
# - count the modes a generator covers on a mixture of Gaussians, and compare losses over seeds and over time;
# - train a first GAN of brain MRI slices from fully connected layers, and write the training step by hand.

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

import matplotlib.pyplot as plt
import numpy as np
import torch

from gancourse import losses
from gancourse.data import BrainSimulator, to_gan_range
from gancourse.data.toy import (high_quality_share, modes_covered, ring_centres,
                                ring_of_gaussians)
from gancourse.methods.gan import GANTrainer
from gancourse.metrics import nearest_neighbour_distances
from gancourse.nets import (MLPDiscriminator, MLPGenerator, count_parameters,
                            mlp_image_gan)
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import mean_and_spread, plot_losses, say, show_grid

P = current_profile()
print(P)

# %% [markdown]
# ## The game
#
# The generator $G$ maps a random latent vector $z \sim p_z$ to a sample $G(z)$; the discriminator $D$ gives
# the probability $D(x)$ that $x$ is real. They play the two-player game of the survey's Eq. 1:
#
# $$\min_G \max_D \; V(D, G) = \mathbb{E}_{x \sim p_\text{data}}\bigl[\log D(x)\bigr]
#   + \mathbb{E}_{z \sim p_z}\bigl[\log\bigl(1 - D(G(z))\bigr)\bigr].$$
#
# (The survey prints the second term as $1 - \log D(G(z))$; the original paper, and the code below, use
# $\log(1 - D(G(z)))$.) For a fixed generator the best discriminator is
# $D^*(x) = p_\text{data}(x) / (p_\text{data}(x) + p_g(x))$, and with it the generator minimises the
# Jensen-Shannon divergence between the real and the generated distribution [(Goodfellow et al., 2014)](#survey2).
#
# In code, a discriminator returns a *logit* $d$ and $D(x) = \sigma(d)$. Then $\log \sigma(d)$ and
# $\log(1 - \sigma(d))$ are computed in one stable step (`softplus`), which is what `gancourse.losses` does:
#
# | player | minimises | `gancourse.losses` |
# |---|---|---|
# | D | $-\log D(x) - \log(1 - D(G(z)))$ | `minimax_discriminator` |
# | G, minimax | $\log(1 - D(G(z)))$ | `minimax_generator` |
# | G, non-saturating | $-\log D(G(z))$ | `nonsaturating_generator` |
#
# The last row is the remark after Eq. 1: Goodfellow et al. suggest that the generator *maximise*
# $\log D(G(z))$ instead, which has the same fixed point but "much stronger gradients" early in training.
#
# ## Why the minimax loss saturates
#
# Early in training the fakes are bad and the discriminator rejects them confidently: $D(G(z))$ is close to 0.
# How much gradient does each generator loss send back through $d$ then? Autograd tells us:

# %%
logits = torch.linspace(-8, 8, 401, requires_grad=True)
d_of_g = torch.sigmoid(logits).detach()
curves = {}
for name, loss in [("minimax: log(1 - D(G(z)))", losses.minimax_generator),
                   ("non-saturating: -log D(G(z))", losses.nonsaturating_generator)]:
    # the sum (not the mean) gives each logit its own derivative
    (gradient,) = torch.autograd.grad(loss(logits) * len(logits), logits)
    curves[name] = gradient.abs()

fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
for name, gradient in curves.items():
    axes[0].plot(d_of_g, gradient, label=name)
    axes[1].semilogy(d_of_g, gradient, label=name)
for ax in axes:
    ax.set_xlabel("D(G(z)): how real the discriminator finds the fake")
    ax.set_ylabel("|d loss / d logit|")
axes[0].legend()
axes[1].set_title("the same, on a log scale")
plt.show()

at = int(torch.argmin((d_of_g - 0.001).abs()))
for name, gradient in curves.items():
    print(f"at D(G(z)) = {d_of_g[at]:.4f}: {name:30s} gradient {gradient[at]:.5f}")

# %% [markdown]
# The minimax generator's gradient is $\sigma(d) = D(G(z))$ itself: it vanishes exactly when the generator is
# worst. The non-saturating gradient is $1 - D(G(z))$: largest when the fakes are worst, smallest when they
# already fool the discriminator.
#
# ## A toy problem where modes can be counted
#
# Mode collapse, the survey's first challenge, is hard to see in images: which "modes" does a brain MRI data
# set have? So we start where modes can be counted: eight Gaussians on a ring [(Metz et al., 2017)](#metz2017unrolled). A mode
# is *covered* when at least 1 % of the generated points fall within three standard deviations of its centre;
# a point near any centre is a *high-quality* sample.

# %%
std = 0.02
def draw_ring(n, generator):
    return ring_of_gaussians(n, std=std, generator=generator)


real_points = draw_ring(2000, torch.Generator().manual_seed(0))
print(f"real data: modes covered {modes_covered(real_points, std=std)} | "
      f"high-quality share {high_quality_share(real_points, std=std):.2f}")
plt.figure(figsize=(3.5, 3.5))
plt.scatter(*real_points.T, s=2, alpha=0.3)
plt.scatter(*ring_centres().T, marker="x", color="k")
plt.axis("equal")
plt.title("eight Gaussians on a ring")
plt.show()

# %% [markdown]
# ### The training step, by hand
#
# One step of GAN training updates the discriminator on a batch of real and generated samples, then the
# generator on the discriminator's verdict. Written out, with the generator's gradient norm recorded:

# %%
def make_toy_gan(seed):
    seed_everything(seed)
    G = MLPGenerator(z_dim=2, out_shape=(2,), hidden=(64, 64))
    D = MLPDiscriminator(in_shape=(2,), hidden=(128, 128))
    return G, D


def gan_step(G, D, opt_g, opt_d, real, z, generator_loss):
    fake = G(z)
    # 1. the discriminator: real samples should score high, fakes low
    #    (detach: G is not updated here)
    loss_d = losses.minimax_discriminator(D(real), D(fake.detach()))
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    # 2. the generator: make the updated discriminator score the same fakes as real
    loss_g = generator_loss(D(fake))
    opt_g.zero_grad()
    loss_g.backward()
    grad_norm = torch.sqrt(sum((p.grad ** 2).sum() for p in G.parameters())).item()
    opt_g.step()
    return loss_d.item(), loss_g.item(), grad_norm


# %% [markdown]
# ### Experiment 1: a discriminator that wins
#
# We let the discriminator train alone for a while, so that it rejects the generator's initial output with
# near certainty, as it easily does early in a real training run. Then, from that same state, we train the
# generator with each loss and record how much gradient reaches it, and how far its samples move (the mean
# distance between each sample and where the same latent vector landed before; the ring's radius is 2).
#
# The optimiser matters here. This book trains with Adam, which divides each parameter's step by the recent
# size of that parameter's gradient, so even a tiny gradient can move the generator. The original paper
# trained with stochastic gradient descent with momentum [(Goodfellow et al., 2014)](#survey2), whose steps are
# proportional to the gradient (averaged over recent steps). So we run each loss with both.

# %%
pretrain_steps = P.pick(smoke=50, cpu=300, gpu=300)
follow_steps = P.pick(smoke=50, cpu=400, gpu=400)
batch = 256
data_rng = torch.Generator().manual_seed(1)

G0, D0 = make_toy_gan(seed=0)
opt_d0 = torch.optim.Adam(D0.parameters(), lr=1e-3, betas=(0.5, 0.999))
for _ in range(pretrain_steps):  # the discriminator alone
    fake = G0(torch.randn(batch, 2, generator=data_rng)).detach()
    loss = losses.minimax_discriminator(D0(draw_ring(batch, data_rng)), D0(fake))
    opt_d0.zero_grad()
    loss.backward()
    opt_d0.step()
z_fixed = torch.randn(2000, 2, generator=torch.Generator().manual_seed(3))
with torch.no_grad():
    start_points = G0(z_fixed)
    print(f"after {pretrain_steps} discriminator steps, mean D(G(z)) = "
          f"{torch.sigmoid(D0(start_points)).mean():.5f}")

optimisers = {  # for the generator; the discriminator keeps its Adam
    "Adam": lambda params: torch.optim.Adam(params, lr=1e-3, betas=(0.5, 0.999)),
    "SGD + momentum": lambda params: torch.optim.SGD(params, lr=1e-3, momentum=0.9),
}
gradient_norms, moved = {}, {}
for opt_name, make_optimiser in optimisers.items():
    for name, generator_loss in [("minimax", losses.minimax_generator),
                                 ("non-saturating", losses.nonsaturating_generator)]:
        G, D = copy.deepcopy(G0), copy.deepcopy(D0)
        opt_g = make_optimiser(G.parameters())
        opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
        opt_d.load_state_dict(opt_d0.state_dict())
        rng = torch.Generator().manual_seed(2)  # every run: the same data and latents
        norms, distances = [], []
        for _ in range(follow_steps):
            real, z = draw_ring(batch, rng), torch.randn(batch, 2, generator=rng)
            norms.append(gan_step(G, D, opt_g, opt_d, real, z, generator_loss)[2])
            with torch.no_grad():
                distances.append(float((G(z_fixed) - start_points).norm(dim=1).mean()))
        gradient_norms[opt_name, name], moved[opt_name, name] = norms, distances

fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
for (opt_name, name), norms in gradient_norms.items():
    style = "-" if opt_name == "Adam" else "--"
    axes[0].semilogy(norms, style, label=f"{name}, {opt_name}")
    axes[1].plot(moved[opt_name, name], style, label=f"{name}, {opt_name}")
axes[0].set_ylabel("gradient norm reaching G")
axes[1].set_ylabel("how far the samples moved")
for ax in axes:
    ax.set_xlabel("generator step after the discriminator's head start")
axes[1].legend(fontsize=8)
plt.show()

early = min(10, follow_steps)
print(f"{'optimiser':15s} {'loss':15s} {'gradient, step 1':>17s} "
      f"{'moved after ' + str(early):>16s} {'after ' + str(follow_steps):>10s}")
for (opt_name, name), norms in gradient_norms.items():
    path = moved[opt_name, name]
    print(f"{opt_name:15s} {name:15s} {norms[0]:17.5f} {path[early - 1]:16.3f} "
          f"{path[-1]:10.3f}")
first = {name: gradient_norms["Adam", name][0]
         for name in ["minimax", "non-saturating"]}
say("At the first step the non-saturating loss sends **{ratio:.0f} times** more "
    "gradient to the generator. With Adam, after {n} steps the minimax generator's "
    "samples have moved {adam_mm:.2f} and the non-saturating one's {adam_ns:.2f}; with "
    "SGD and momentum, {sgd_mm:.3f} against {sgd_ns:.2f}.",
    ratio=first["non-saturating"] / first["minimax"], n=follow_steps,
    adam_mm=moved["Adam", "minimax"][-1], adam_ns=moved["Adam", "non-saturating"][-1],
    sgd_mm=moved["SGD + momentum", "minimax"][-1],
    sgd_ns=moved["SGD + momentum", "non-saturating"][-1])

# %% [markdown]
# That is the survey's "much stronger gradients in earlier steps", measured. Read the two optimisers
# separately. With momentum, as in the original paper, a step is proportional to the gradient, so a
# gradient that many times weaker is a start that many times slower: that is the failure the non-saturating
# loss was proposed to fix. Adam rescales every parameter's step by the size of its recent gradients, which
# can hide much of the difference (compare the Adam rows); and the discriminator keeps learning as the
# generator moves, so it grows less certain and the minimax gradient can grow back.
#
# Note what the non-saturating loss changes: how hard the generator is pushed when the discriminator wins.
# It says nothing about *where* the generator's samples go, which is the next question.
#
# ### Experiment 2: mode collapse
#
# Now ordinary training runs with each loss, from scratch, with several seeds, counting the modes covered
# every few hundred steps. `GANTrainer.step` is exactly the `gan_step` above (plus the bookkeeping), so from
# here on we use it. A single count at the end is a snapshot of a moving quantity, so we also keep the mean
# count over the second half of training, and the high-quality share, which measures the other side of the
# trade: how many samples are realistic, whatever mode they belong to.

# %%
toy_steps = P.pick(smoke=200, cpu=3000, gpu=3000)
check_every = P.pick(smoke=100, cpu=250, gpu=250)
seeds = P.pick(smoke=[0, 1], cpu=[0, 1, 2, 3, 4], gpu=[0, 1, 2, 3, 4])
loss_names = ["minimax", "nonsaturating"]

coverage, final_samples = {}, {}
for loss in loss_names:
    for seed in seeds:
        G, D = make_toy_gan(seed)
        trainer = GANTrainer(G, D, draw_ring, loss=loss, batch_size=batch, lr_g=1e-3,
                             lr_d=1e-3, seed=seed)
        counts = []
        for target in range(check_every, toy_steps + 1, check_every):
            trainer.fit(steps=target, progress=False)
            counts.append(modes_covered(trainer.sample(2000), std=std))
        coverage[loss, seed] = counts
        final_samples[loss, seed] = trainer.sample(2000)

steps_axis = np.arange(check_every, toy_steps + 1, check_every)
fig, axes = plt.subplots(1, 2, figsize=(11, 3), sharey=True)
for ax, loss in zip(axes, loss_names):
    for seed in seeds:
        ax.plot(steps_axis, coverage[loss, seed], marker="o", label=f"seed {seed}")
    ax.set_title(loss)
    ax.set_xlabel("step")
    ax.set_ylim(-0.3, 8.3)
axes[0].set_ylabel("modes covered (of 8)")
axes[0].legend(fontsize=8)
plt.show()

# %%
fig, axes = plt.subplots(2, len(seeds), figsize=(2.6 * len(seeds), 5.4), squeeze=False)
for row, loss in enumerate(loss_names):
    for col, seed in enumerate(seeds):
        points = final_samples[loss, seed]
        ax = axes[row, col]
        ax.scatter(*real_points.T, s=1, color="0.8")
        ax.scatter(*points.T, s=2, alpha=0.4)
        covered = modes_covered(points, std=std)
        ax.set_title(f"{loss}, seed {seed}: {covered} modes", fontsize=8)
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
plt.tight_layout()
plt.show()

second_half = {key: counts[len(counts) // 2:] for key, counts in coverage.items()}
quality = {key: high_quality_share(points, std=std)
           for key, points in final_samples.items()}
print(f"{'loss':15s} {'seed':>4s} {'modes at the end':>17s} {'mean, 2nd half':>15s} "
      f"{'lowest, 2nd half':>17s} {'high-quality share':>19s}")
for (loss, seed), counts in coverage.items():
    half = second_half[loss, seed]
    print(f"{loss:15s} {seed:4d} {counts[-1]:17d} {np.mean(half):15.1f} "
          f"{min(half):17d} {quality[loss, seed]:19.2f}")

# %%
per_loss = {loss: [np.mean(second_half[loss, seed]) for seed in seeds]
            for loss in loss_names}
runs = len(coverage)
fell = sum(any(b < a for a, b in zip(half, half[1:])) for half in second_half.values())
full = sum(counts[-1] == 8 for counts in coverage.values())
say("Over the second half of training the minimax generator covered {mm} modes on "
    "average, the non-saturating one {ns} (mean ± standard deviation over {n} seeds). "
    "At the end, {full} of {runs} runs covered all eight modes, and in {fell} of "
    "{runs} runs the count fell at least once between two checks of the second half. "
    "High-quality share at the end: minimax {hq_mm}, non-saturating {hq_ns}.",
    mm=mean_and_spread(per_loss["minimax"], 1),
    ns=mean_and_spread(per_loss["nonsaturating"], 1),
    n=len(seeds), full=full, runs=runs, fell=fell,
    hq_mm=mean_and_spread([quality["minimax", s] for s in seeds], 2),
    hq_ns=mean_and_spread([quality["nonsaturating", s] for s in seeds], 2))
gap = np.mean(per_loss["nonsaturating"]) - np.mean(per_loss["minimax"])
spread = max(np.std(per_loss["minimax"]), np.std(per_loss["nonsaturating"]))
if len(seeds) > 1 and abs(gap) <= spread:
    print("The difference between the losses is no larger than the spread between "
          "seeds of one loss: these seeds do not show either loss covering more modes.")
else:
    winner = "non-saturating" if gap > 0 else "minimax"
    print(f"In these seeds the {winner} loss covered more modes, by {abs(gap):.1f} on "
          "average" + (", more than the spread between seeds of one loss."
                       if len(seeds) > 1 else " (one seed: no spread to compare)."))

# %% [markdown]
# The non-saturating loss is not a cure for mode collapse, and nothing says it should be. Nothing in either
# loss rewards the generator for covering every mode: each step only asks it to fool the current
# discriminator. The generator puts its mass on some modes, the discriminator learns to reject it there, and
# the generator moves on, so modes can be dropped and found again: mode collapse in its partial, everyday
# form (in its extreme form all latent vectors land on one mode).
#
# Theory even points the other way. Against the best discriminator, the minimax generator minimises the
# Jensen-Shannon divergence, which is symmetric; Arjovsky and Bottou showed that the non-saturating
# generator instead follows the gradient of $\mathrm{KL}(p_g \,\|\, p_\text{data}) - 2\,\mathrm{JSD}$
# [(Arjovsky and Bottou, 2017)](#arjovsky2017towards). That reverse Kullback-Leibler term is large when the
# generator puts samples where there are no data and small when it misses a mode: it punishes bad samples
# hard and dropped modes lightly. So if either loss drops modes more readily, the theory expects the
# non-saturating one, perhaps with a higher high-quality share. Whether a run shows it depends on the seed
# and on how long it trains; the counts above, compared with the spread between seeds, are what this run
# found. The lesson of the chapter: choose the non-saturating loss for its gradient, and fight mode collapse
# with other tools (later chapters try several).
#
# ## A first GAN of brain slices
#
# Now real anatomy. The simplest image GAN flattens a $32 \times 32$ slice into 1024 numbers and uses the same
# fully connected networks. Training data: a fixed set of simulated, skull-stripped slices (only the brain,
# as brain MRI pipelines usually prepare it), as a real data set would be; images are mapped to $[-1, 1]$,
# the range of the generator's final `tanh`.

# %%
image_size = 32
n_train = P.pick(smoke=512, cpu=4096, gpu=8192)
train_simulator = BrainSimulator(image_size, seed=0, skull_stripped=True)
train_images = to_gan_range(train_simulator.sample(n_train).t1)
print("training set:", tuple(train_images.shape),
      f"values in [{train_images.min():.2f}, {train_images.max():.2f}]")

seed_everything(0)
G_mlp, D_mlp = mlp_image_gan(image_size)
print(f"generator {count_parameters(G_mlp) / 1e6:.2f} M parameters, "
      f"discriminator {count_parameters(D_mlp) / 1e6:.2f} M")
mlp_trainer = GANTrainer(G_mlp, D_mlp, train_images, loss="nonsaturating",
                         batch_size=64, lr_g=2e-4, lr_d=2e-4, seed=0, device=P.device)
mlp_steps = P.pick(smoke=30, cpu=2000, gpu=6000)
history = mlp_trainer.fit(steps=mlp_steps)
plot_losses(history)
plt.show()

# %%
samples = mlp_trainer.sample(32)
show_grid(samples, nrow=16, title=f"MLP GAN after {mlp_steps} steps")
plt.show()
show_grid(train_images[:32], nrow=16, title="real training slices")
plt.show()

# %% [markdown]
# Compare the samples with the real slices: look for the oval outline of the brain, and for how its inner
# texture differs from real anatomy. A fully connected generator has no notion that neighbouring pixels
# belong together: each output pixel comes from its own row of the last weight matrix. Convolutions (chapter 3.2) build that notion in.
#
# Is the generator just copying training images? For each sample, the nearest training slice (Euclidean
# distance in pixels), compared with how close new real slices come to the training set:

# %%
n_held_out = P.pick(smoke=64, cpu=512, gpu=512)
held_out = to_gan_range(
    BrainSimulator(image_size, seed=1, skull_stripped=True).sample(n_held_out).t1)
d_fake, nearest = nearest_neighbour_distances(samples, train_images)
d_real, _ = nearest_neighbour_distances(held_out, train_images)
print("median distance to the nearest training slice: "
      f"generated {np.median(d_fake):.2f}, "
      f"new real slices {np.median(d_real):.2f}")
print("generated slices are",
      "no closer to the training set than new real slices: no sign of copying"
      if np.median(d_fake) >= 0.9 * np.median(d_real)
      else "closer to the training set than new real slices: look at the pairs below")
pairs = torch.stack([samples[:8], train_images[nearest[:8]]], dim=1).flatten(0, 1)
show_grid(pairs, nrow=16, title="each sample beside its nearest training slice")
plt.show()

# %% [markdown]
# Pixel distances tell copies apart from new images, but not good images from bad ones: a noisy blob can be
# as far from every training slice as a new real slice is. Chapter 3.2 builds, and validates, a measurement
# of how far the generated distribution is from the real one.
#
# ## Exercises
#
# **1. A gradient by hand.** When the discriminator is undecided, $D(G(z)) = 0.5$ (logit 0), what is the
# derivative of the minimax generator loss $\log(1 - \sigma(d))$ with respect to the logit $d$?

# %% tags=["answer"]
answer = ...  # a number

# %%
from gancourse.exercises import check

check("3.1.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = -0.5
# ```
#
# $\frac{d}{dd}\log(1 - \sigma(d)) = -\sigma(d)$, which is $-0.5$ at $d = 0$. The non-saturating loss gives
# $-(1 - \sigma(d))$, the same value there: at $D = 0.5$ the two losses push equally hard; they differ at
# the extremes.
#
# </details>
#
# **2. Counting modes.** Draw 1000 points from the ring with
# `ring_of_gaussians(1000, std=std, generator=torch.Generator().manual_seed(5))`, keep only those in the upper
# half plane ($y > 0$), and count the modes they cover. Predict the number before you run it.

# %% tags=["answer"]
answer = ...  # modes_covered(...) of the upper-half points

# %%
check("3.1.2", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# points = ring_of_gaussians(1000, std=std, generator=torch.Generator().manual_seed(5))
# answer = modes_covered(points[points[:, 1] > 0], std=std)
# ```
#
# More than the three modes that lie wholly above the axis (at 45, 90 and 135 degrees). The modes at 0 and
# 180 degrees sit on the line $y = 0$, so about half of their points are kept: each is a large share of the
# kept points, far above the 1 % that counts a mode as covered. A coverage count says which modes receive
# *some* samples, not how evenly.
#
# </details>
#
# **3. The non-saturating loss from scratch.** Write $-\log \sigma(d)$ averaged over a batch with
# `torch.nn.functional.softplus` (recall $\log \sigma(d) = -\mathrm{softplus}(-d)$). The check compares it
# with the library on random logits and on very large ones, positive and negative.

# %% tags=["answer"]
def my_nonsaturating(fake_logits):
    ...  # your code


# %%
check("3.1.3", my_nonsaturating)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_nonsaturating(fake_logits):
#     return torch.nn.functional.softplus(-fake_logits).mean()
# ```
#
# Computing `-torch.log(torch.sigmoid(d))` instead fails on the check's logit of $-200$: in single
# precision $\sigma(-200)$ rounds to 0 and its logarithm is $-\infty$. `softplus` never forms $\sigma(d)$.
#
# </details>
#
# **4. Build it: the discriminator's loss.** Write `my_discriminator_loss(real_logits, fake_logits)`, what
# the discriminator minimises: $-\log D(x)$ averaged over the real batch plus $-\log(1 - D(G(z)))$ averaged
# over the fake batch, with $D = \sigma(d)$, computed stably (the batches need not be the same size).
# Hint: $-\log(1 - \sigma(d)) = \mathrm{softplus}(d)$.

# %% tags=["answer"]
def my_discriminator_loss(real_logits, fake_logits):
    ...  # your code


# %%
check("3.1.4", my_discriminator_loss)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_discriminator_loss(real_logits, fake_logits):
#     softplus = torch.nn.functional.softplus
#     return softplus(-real_logits).mean() + softplus(fake_logits).mean()
# ```
#
# This is the binary cross-entropy of a classifier that labels real samples 1 and fakes 0:
# `F.binary_cross_entropy_with_logits` on each batch, with its labels, gives the same two terms. Averaging
# each batch on its own keeps the real and the fake half equally weighted whatever their sizes.
#
# </details>
#
# **5. Build it: the training step, with several discriminator updates.** Many GANs update the
# discriminator more than once per generator update (`GANTrainer(..., d_steps=k)`; chapter 3.7's critic
# takes five). Write `my_gan_step(G, D, opt_g, opt_d, real_batches, latents)`: for each pair of a real batch
# and a batch of latent vectors, update the discriminator on the real batch and on the fakes made from
# those latent vectors, as `gan_step` does; then update the generator once, with the non-saturating loss,
# on the fakes of the *last* pair, judged by the updated discriminator. Return the last discriminator loss
# and the generator loss as floats. The check runs it on small fixed networks and batches and compares every
# weight of both networks after the step with `GANTrainer`'s step on the same networks and batches.

# %% tags=["answer"]
def my_gan_step(G, D, opt_g, opt_d, real_batches, latents):
    ...  # your code


# %%
check("3.1.5", my_gan_step)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_gan_step(G, D, opt_g, opt_d, real_batches, latents):
#     for real, z in zip(real_batches, latents):
#         fake = G(z)
#         loss_d = losses.minimax_discriminator(D(real), D(fake.detach()))
#         opt_d.zero_grad()
#         loss_d.backward()
#         opt_d.step()
#     loss_g = losses.nonsaturating_generator(D(fake))
#     opt_g.zero_grad()
#     loss_g.backward()
#     opt_g.step()
#     return loss_d.item(), loss_g.item()
# ```
#
# Two details decide whether the weights match. `fake.detach()` keeps the discriminator's updates from
# reaching the generator. And the generator's loss is computed on the last fakes *after* the last
# discriminator update, so the generator learns from the discriminator's newest verdict; updating the
# generator inside the loop would make `k` generator updates, not one.
#
# </details>
#
# **6. Open question: which loss would you choose?** A colleague reads Experiment 2 and concludes that the
# non-saturating loss "does not work" (or, if your seeds fell the other way, that it "cures mode collapse").
# What does each of the chapter's two experiments measure, and what would you tell them?
#
# <details><summary>Solution</summary>
#
# Experiment 1 measures the gradient that reaches the generator when the discriminator wins, and how far the
# generator moves as a result: that is what the non-saturating loss was designed to fix, and with an
# optimiser whose steps follow the gradient (SGD with momentum, as in the original paper) it decides how
# fast training can start. Experiment 2 measures mode coverage, which neither loss
# addresses; with a handful of seeds its differences should be read against the spread between seeds, and
# the theory (the reverse KL term) even expects the non-saturating loss to tolerate dropped modes. So the
# non-saturating loss is the right default for its gradient, and mode collapse needs its own remedies.
#
# </details>
#
# ## Summary
#
# - The GAN is a two-player game; its generator loss $\log(1 - D(G(z)))$ saturates when the discriminator
#   wins, and the non-saturating $-\log D(G(z))$ does not. We measured the gradient reaching the generator
#   after a discriminator head start, and how far the generator moved with each loss.
# - How much the saturation matters depends on the optimiser: steps proportional to the gradient (SGD with
#   momentum, the original paper's choice) feel it fully; Adam rescales each step by the gradient's recent
#   size and can hide much of it.
# - The non-saturating loss fixes the gradient, not mode collapse: neither loss rewards covering every mode,
#   and against the best discriminator the non-saturating generator follows a reverse-KL objective that
#   punishes bad samples more than dropped modes.
# - A count of modes covered moves during training and differs between seeds: compare losses over seeds and
#   over time, not by one final snapshot.
# - A fully connected GAN sees a slice as a list of independent pixels; convolutions (chapter 3.2) add the
#   notion of neighbourhood.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey2"></a>Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., et al. (2014). Generative adversarial nets. *in: Advances in neural information processing systems, 2014, pp. 2672–2680*.
#
# <a id="metz2017unrolled"></a>Metz, Luke, Poole, Ben, Pfau, David, Sohl-Dickstein, Jascha (2017). Unrolled generative adversarial networks. *International Conference on Learning Representations*.
#
# <a id="arjovsky2017towards"></a>Arjovsky, Martin, Bottou, L\'eon (2017). Towards principled methods for training generative adversarial networks. *International Conference on Learning Representations*. [arXiv:1701.04862](https://arxiv.org/abs/1701.04862)
