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
# The survey's Section 3.1 introduces the generative adversarial network of Goodfellow et al.
# [(Goodfellow et al., 2014)](#survey2): a generator that forges data and a discriminator that tries to catch the forgeries. It
# names the two troubles that every later chapter of Part I tries to cure: *vanishing gradients* and *mode
# collapse*. In this chapter we make both happen and measure them.
#
# **Learning goals**
# - write the minimax game and its non-saturating variant as losses on discriminator logits;
# - see, with autograd, why the original generator loss saturates when the discriminator wins, and measure
#   how much gradient actually reaches the generator;
# - count the modes a generator covers on a mixture of Gaussians, and watch that count move during training;
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
from gancourse.data.toy import high_quality_share, modes_covered, ring_centres, ring_of_gaussians
from gancourse.methods.gan import GANTrainer
from gancourse.metrics import nearest_neighbour_distances
from gancourse.nets import MLPDiscriminator, MLPGenerator, count_parameters, mlp_image_gan
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import plot_losses, show_grid

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
draw_ring = lambda n, generator: ring_of_gaussians(n, std=std, generator=generator)  # noqa: E731
real_points = ring_of_gaussians(2000, std=std, generator=torch.Generator().manual_seed(0))
print("real data: modes covered", modes_covered(real_points, std=std),
      "| high-quality share", high_quality_share(real_points, std=std))
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
    # 1. the discriminator: real samples should score high, fakes low (detach: G is not updated here)
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
# generator with each loss and record how much gradient reaches it.

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
with torch.no_grad():
    print(f"after {pretrain_steps} discriminator steps, mean D(G(z)) = "
          f"{torch.sigmoid(D0(G0(torch.randn(1000, 2)))).mean():.5f}")

gradient_norms, after = {}, {}
for name, generator_loss in [("minimax", losses.minimax_generator),
                             ("non-saturating", losses.nonsaturating_generator)]:
    G, D = copy.deepcopy(G0), copy.deepcopy(D0)
    opt_g = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_d.load_state_dict(opt_d0.state_dict())
    rng = torch.Generator().manual_seed(2)  # both runs see the same data and latent vectors
    norms = []
    for _ in range(follow_steps):
        norms.append(gan_step(G, D, opt_g, opt_d, draw_ring(batch, rng), torch.randn(batch, 2, generator=rng),
                              generator_loss)[2])
    gradient_norms[name] = norms
    with torch.no_grad():
        after[name] = G(torch.randn(2000, 2, generator=torch.Generator().manual_seed(3)))

plt.figure(figsize=(7, 3))
for name, norms in gradient_norms.items():
    plt.semilogy(norms, label=name)
plt.xlabel("generator step after the discriminator's head start")
plt.ylabel("gradient norm reaching G")
plt.legend()
plt.show()
for name, norms in gradient_norms.items():
    print(f"{name:15s} gradient norm at the first step {norms[0]:.4f}, median over the first 10 steps "
          f"{np.median(norms[:10]):.4f}; modes covered after {follow_steps} steps: {modes_covered(after[name], std=std)}")
ratio = gradient_norms["non-saturating"][0] / gradient_norms["minimax"][0]
print(f"at the first step the non-saturating loss sends {ratio:.0f} times more gradient to the generator")

# %% [markdown]
# That is the survey's "much stronger gradients in earlier steps", measured. Two things soften it in
# practice, and the curves show both: the discriminator keeps learning and grows less certain as the
# generator moves, so the minimax gradient recovers within some tens of steps; and Adam divides each
# parameter's step by the recent size of its gradient, so even a tiny gradient moves the generator. With
# plain gradient descent, as in the original paper, the step is proportional to the gradient, and a
# thousandfold weaker gradient is a thousandfold slower start.
#
# ### Experiment 2: mode collapse
#
# Now an ordinary training run with each loss, from scratch, with several seeds, counting the modes covered
# every few hundred steps. `GANTrainer.step` is exactly the `gan_step` above (plus the bookkeeping), so from
# here on we use it.

# %%
toy_steps = P.pick(smoke=200, cpu=2400, gpu=3000)
check_every = P.pick(smoke=100, cpu=200, gpu=250)
seeds = P.pick(smoke=[0], cpu=[0, 1, 2], gpu=[0, 1, 2])

coverage, final_samples = {}, {}
for loss in ["minimax", "nonsaturating"]:
    for seed in seeds:
        G, D = make_toy_gan(seed)
        trainer = GANTrainer(G, D, draw_ring, loss=loss, batch_size=batch, lr_g=1e-3, lr_d=1e-3, seed=seed)
        counts = []
        for target in range(check_every, toy_steps + 1, check_every):
            trainer.fit(steps=target, progress=False)
            counts.append(modes_covered(trainer.sample(2000), std=std))
        coverage[loss, seed] = counts
        final_samples[loss, seed] = trainer.sample(2000)

steps_axis = np.arange(check_every, toy_steps + 1, check_every)
fig, axes = plt.subplots(1, 2, figsize=(11, 3), sharey=True)
for ax, loss in zip(axes, ["minimax", "nonsaturating"]):
    for seed in seeds:
        ax.plot(steps_axis, coverage[loss, seed], marker="o", label=f"seed {seed}")
    ax.set_title(loss)
    ax.set_xlabel("step")
    ax.set_ylim(-0.3, 8.3)
axes[0].set_ylabel("modes covered (of 8)")
axes[0].legend()
plt.show()

# %%
fig, axes = plt.subplots(2, len(seeds), figsize=(3.2 * len(seeds), 6.4), squeeze=False)
for row, loss in enumerate(["minimax", "nonsaturating"]):
    for col, seed in enumerate(seeds):
        points = final_samples[loss, seed]
        ax = axes[row, col]
        ax.scatter(*real_points.T, s=1, color="0.8")
        ax.scatter(*points.T, s=2, alpha=0.4)
        ax.set_title(f"{loss}, seed {seed}: {modes_covered(points, std=std)} modes", fontsize=9)
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
plt.tight_layout()
plt.show()

print(f"{'loss':15s} {'seed':>4s} {'modes at the end':>17s} {'lowest after half':>18s} {'high-quality share':>19s}")
for (loss, seed), counts in coverage.items():
    half = counts[len(counts) // 2:]
    print(f"{loss:15s} {seed:4d} {counts[-1]:17d} {min(half):18d} "
          f"{high_quality_share(final_samples[loss, seed], std=std):19.2f}")

# %% [markdown]
# Look at the curves rather than only at the end: the count of modes covered does not rise steadily to eight
# and stay there. The generator puts its mass on some modes, the discriminator learns to reject them there,
# and the generator moves on: modes are dropped and found again. That is mode collapse in its partial,
# everyday form; in its extreme form all latent vectors land on one mode. Nothing in either loss rewards the
# generator for covering every mode: each step only asks it to fool the current discriminator.
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
train_images = to_gan_range(BrainSimulator(image_size, seed=0, skull_stripped=True).sample(n_train).t1)
print("training set:", tuple(train_images.shape), f"values in [{train_images.min():.2f}, {train_images.max():.2f}]")

seed_everything(0)
G_mlp, D_mlp = mlp_image_gan(image_size)
print(f"generator {count_parameters(G_mlp) / 1e6:.2f} M parameters, "
      f"discriminator {count_parameters(D_mlp) / 1e6:.2f} M")
mlp_trainer = GANTrainer(G_mlp, D_mlp, train_images, loss="nonsaturating", batch_size=64, lr_g=2e-4, lr_d=2e-4,
                         seed=0, device=P.device)
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
# The generator has found the oval outline of the brain and some blotchy inner texture.
# It has no notion that neighbouring pixels belong together: each output pixel comes from its own row of the
# last weight matrix. Convolutions (chapter 3.2) build that notion in.
#
# Is the generator just copying training images? For each sample, the nearest training slice (Euclidean
# distance in pixels), compared with how close new real slices come to the training set:

# %%
held_out = to_gan_range(BrainSimulator(image_size, seed=1, skull_stripped=True).sample(P.pick(smoke=64, cpu=512,
                                                                                                gpu=512)).t1)
d_fake, nearest = nearest_neighbour_distances(samples, train_images)
d_real, _ = nearest_neighbour_distances(held_out, train_images)
print(f"median distance to the nearest training slice: generated {np.median(d_fake):.2f}, "
      f"new real slices {np.median(d_real):.2f}")
print("generated slices are", "no closer to the training set than new real slices: no sign of copying"
      if np.median(d_fake) >= 0.9 * np.median(d_real) else "closer to the training set than new real slices: "
      "look at the pairs below for copies")
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

# %%
from gancourse.exercises import check

answer = ...  # a number
logit = torch.zeros(1, requires_grad=True)
(expected,) = torch.autograd.grad(losses.minimax_generator(logit), logit)
check(answer, expected.item(), what="d/dd log(1 - sigmoid(d)) at d = 0")

# %% [markdown]
# <details><summary>Solution</summary>
#
# $\frac{d}{dd}\log(1 - \sigma(d)) = -\sigma(d)$, so `answer = -0.5`. The non-saturating loss gives
# $-(1 - \sigma(d)) = -0.5$ too: at $D = 0.5$ the two losses push equally hard; they differ at the extremes.
#
# </details>
#
# **2. Counting modes.** Draw 1000 points from the ring, keep only those whose angle lies in the upper half
# plane ($y > 0$), and count the modes they cover. Predict the number before you run it.

# %%
answer = ...  # modes_covered(...) of the upper-half points
points = ring_of_gaussians(1000, std=std, generator=torch.Generator().manual_seed(5))
check(answer, modes_covered(points[points[:, 1] > 0], std=std), what="the number of modes covered")

# %% [markdown]
# <details><summary>Solution</summary>
#
# `answer = modes_covered(points[points[:, 1] > 0], std=std)`, which is 5, not 3. The modes at 45, 90 and
# 135 degrees are kept whole; the modes at 0 and 180 degrees sit on the line $y = 0$, so about half of their
# points are kept: about 12 % of the kept points each, far above the 1 % that counts a mode as covered.
#
# </details>
#
# **3. The non-saturating loss from scratch.** Write $-\log \sigma(d)$ averaged over a batch with
# `torch.nn.functional.softplus` (recall $\log \sigma(d) = -\mathrm{softplus}(-d)$), and compare it with the
# library on random logits, including very large ones.

# %%
def my_nonsaturating(fake_logits):
    return ...  # your code


test_logits = torch.tensor([-50.0, -3.0, 0.0, 2.5, 60.0])
mine = my_nonsaturating(test_logits)
check(None if mine is ... else float(mine), losses.nonsaturating_generator(test_logits).item(),
      what="your non-saturating loss on the test logits")

# %% [markdown]
# <details><summary>Solution</summary>
#
# `return torch.nn.functional.softplus(-fake_logits).mean()`. Computing `-torch.log(torch.sigmoid(d))`
# instead gives `inf` at $d = -50$ in single precision, because $\sigma(-50)$ rounds to 0.
#
# </details>
#
# ## Summary
#
# - The GAN is a two-player game; its generator loss $\log(1 - D(G(z)))$ saturates when the discriminator
#   wins, and the non-saturating $-\log D(G(z))$ does not. We measured the difference in gradient reaching the
#   generator after a discriminator head start.
# - Neither loss rewards covering every mode: on eight Gaussians, the count of modes covered rises and falls
#   during training.
# - A fully connected GAN learns the rough outline of a brain slice, but not its local structure.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey2"></a>Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., et al. (2014). Generative adversarial nets. *in: Advances in neural information processing systems, 2014, pp. 2672–2680*.
#
# <a id="metz2017unrolled"></a>Metz, Luke, Poole, Ben, Pfau, David, Sohl-Dickstein, Jascha (2017). Unrolled generative adversarial networks. *International Conference on Learning Representations*.
