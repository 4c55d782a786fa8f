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
# # 3.2 DCGAN: synthesising brain MRI slices
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/3_2_dcgan.ipynb)
#
# *About 25 minutes to read; in the cpu profile it runs in 2.5 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** The domain encoder the evaluation needs ships trained with `gancourse`: nothing is trained
# > for it here.
#
# The survey's Section 3.2 presents the deep convolutional GAN of Radford et al. [(Radford et al., 2015)](#survey6): generator
# and discriminator built from convolutions, with batch normalisation and leaky ReLUs as the keys to a more
# stable game. Bermudez et al. [(Bermudez et al., 2018)](#survey18) used it to synthesise realistic 2-D brain MRI slices. We do the
# same on simulated T1 slices, and measure how much better it is than chapter 3.1's fully connected GAN
# trained for the same time.
#
# **Learning goals**
# - build the DCGAN generator and discriminator layer by layer, with the shape after each layer;
# - train it with `GANTrainer`, and read its loss curves;
# - validate a distance between sets of images before trusting it, as Heusel et al. did for FID
#   [(Heusel et al., 2017)](#heusel2017gans), then use it to compare two generators;
# - check whether a generator copies its training set, and whether it covers all anatomical levels.

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
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from gancourse.data import BrainSimulator, chosen_data, to_gan_range
from gancourse.methods.gan import GANTrainer
from gancourse.metrics import (frechet_distance, mean_pairwise_distance,
                               memorisation_check)
from gancourse.metrics.domain import (DISTURBANCES, domain_features, predict_level,
                                      validate_frechet)
from gancourse.metrics.scorecards import synthesis_scores
from gancourse.nets import (DCGANDiscriminator, DCGANGenerator, count_parameters,
                            mlp_image_gan)
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import plot_losses, say, show_grid

P = current_profile()
print(P)

image_size = P.pick(smoke=32, cpu=32, gpu=64)
width = P.pick(smoke=8, cpu=32, gpu=64)  # 64 is the canonical width of Radford et al.
z_dim = 100
print(f"{image_size}x{image_size} slices, base width {width}")

# %% [markdown]
# ## The generator, layer by layer
#
# Radford et al.'s recipe: no fully connected hidden layers and no pooling; the generator *up-samples* with
# transposed convolutions of stride 2, each followed by batch normalisation and a ReLU, and ends in `tanh`;
# the discriminator *down-samples* with strided convolutions and leaky ReLUs (slope 0.2), with batch
# normalisation everywhere except at its input. The latent vector is treated as a $1 \times 1$ image with 100
# channels. A transposed convolution with kernel $k$, stride $s$ and padding $p$ turns a side of $n$ pixels into
# $(n - 1)s - 2p + k$: kernel 4, stride 1, no padding makes 1 into 4; kernel 4, stride 2, padding 1 doubles.

# %%
levels = int(np.log2(image_size)) - 2  # stride-2 layers between 4x4 and the image
features = width * 2 ** (levels - 1)
layers = [nn.ConvTranspose2d(z_dim, features, 4, 1, 0, bias=False),
          nn.BatchNorm2d(features), nn.ReLU(True)]
for _ in range(levels - 1):
    layers += [nn.ConvTranspose2d(features, features // 2, 4, 2, 1, bias=False),
               nn.BatchNorm2d(features // 2), nn.ReLU(True)]
    features //= 2
layers += [nn.ConvTranspose2d(features, 1, 4, 2, 1, bias=False), nn.Tanh()]
my_generator = nn.Sequential(*layers)

x = torch.randn(2, z_dim, 1, 1)
print(f"{'input':>28s}  {tuple(x.shape[1:])}")
for layer in my_generator:
    x = layer(x)
    if isinstance(layer, nn.ConvTranspose2d):
        print(f"{layer.__class__.__name__:>18s} "
              f"{layer.in_channels:3d}->{layer.out_channels:<3d}  {tuple(x.shape[1:])}")

# %% [markdown]
# This is `gancourse.nets.DCGANGenerator`; the library's version also initialises the weights as the paper
# does (normal, standard deviation 0.02) and checks its input. Same layers, same number of parameters:

# %%
G = DCGANGenerator(z_dim=z_dim, width=width, image_size=image_size)
D = DCGANDiscriminator(width=width, image_size=image_size)
print("same layer types and shapes:",
      [(type(a), getattr(a, "weight", torch.empty(0)).shape) for a in my_generator] ==
      [(type(b), getattr(b, "weight", torch.empty(0)).shape) for b in G.main])
print(f"generator: {count_parameters(my_generator):,} parameters here, "
      f"{count_parameters(G):,} in gancourse")
print(f"discriminator: {count_parameters(D):,} parameters")
print(D.main)

# %% [markdown]
# The discriminator returns a logit, not a probability: the sigmoid lives inside the loss, which computes
# $\log \sigma(d)$ stably (chapter 3.1).
#
# ## Data: a fixed training set and held-out subjects
#
# A real study has a fixed set of scans. We draw one from the simulator (seed 0), and a held-out set of other
# subjects (seed 1) for evaluation. The slices are *skull-stripped*: only the brain is kept, as brain MRI
# pipelines usually do before synthesis. (We will see below what the scalp does to a small DCGAN.)
# The setting `GANCOURSE_DATA` (`ixi`, or `medmnist:<subset>`) makes this cell read a public data set
# prepared by `data_scripts/fetch.py` instead; the cell prints which data it used.

# %%
n_train = P.pick(smoke=256, cpu=6000, gpu=12000)
n_eval = P.pick(smoke=128, cpu=1000, gpu=2000)
data = chosen_data()  # GANCOURSE_DATA: the simulator unless it names a public set
print(data)
start = time.perf_counter()
if data.simulated:
    train_images = BrainSimulator(image_size, seed=0, skull_stripped=True).sample(
        n_train).t1
    held_out = BrainSimulator(image_size, seed=1, skull_stripped=True).sample(n_eval).t1
else:  # IXI's T1 slices (with the scalp) or MedMNIST's images; test split held out
    train_images = data.slices(image_size, n_train, "train").images
    held_out = data.slices(image_size, n_eval, "test").images
train_images, held_out = to_gan_range(train_images), to_gan_range(held_out)
print(f"{n_train} training and {n_eval} held-out slices "
      f"{'simulated' if data.simulated else 'read'} "
      f"in {time.perf_counter() - start:.1f} s")
show_grid(train_images[:16], nrow=16, title="real training slices")
plt.show()

# %% [markdown]
# ## A distance we can trust
#
# To compare generators we need a number for "how far is the generated distribution from the real one". The
# Fréchet Inception Distance [(Heusel et al., 2017)](#heusel2017gans) fits a Gaussian to the features of each set of images
# and computes the Fréchet distance between the two Gaussians,
#
# $$d^2 = \lVert \mu_r - \mu_g \rVert^2 + \operatorname{Tr}\bigl(\Sigma_r + \Sigma_g - 2(\Sigma_r \Sigma_g)^{1/2}\bigr).$$
#
# Its features come from an ImageNet network, which has never seen an MRI (and cannot be downloaded here).
# `gancourse.metrics.domain` has a small encoder trained on simulated slices instead (to segment tissue and
# to tell the axial level), whose weights ship with `gancourse`, and takes as features the mean and spread of
# every channel of every layer.
#
# A feature distance is worth printing only if it behaves like one. Heusel et al. checked FID by disturbing
# real images more and more and asking that the distance grow steadily. We do the same: two disjoint sets of
# real slices must score near zero; the score must grow with Gaussian noise, with blur, with the checkerboard
# pattern that transposed convolutions are known to leave [(Odena et al., 2016)](#odena2016deconvolution), and as anatomical
# modes are dropped (slices drawn from ever fewer levels).

# %%
n_validation = P.pick(smoke=120, cpu=500, gpu=1000)
validation = validate_frechet(size=image_size, n=n_validation, skull_stripped=True)
print(f"two disjoint sets of {n_validation} real slices: "
      f"{validation['real_vs_real']:.1f}")
fig, axes = plt.subplots(1, 4, figsize=(14, 2.8))
for ax, name in zip(axes, ["noise", "blur", "checkerboard", "levels"]):
    strengths = validation["strengths"][name]
    ax.plot(range(len(strengths)), validation[name], marker="o")
    ax.set_xticks(range(len(strengths)), [str(s) for s in strengths], fontsize=8)
    ax.set_yscale("log")
    ax.set_title(name if name != "levels" else "fewer levels (modes)")
    ax.axhline(validation["real_vs_real"], color="0.6", linestyle="--")
axes[0].set_ylabel("Fréchet distance")
plt.tight_layout()
plt.show()
grows = {k: all(b > a for a, b in zip(validation[k], validation[k][1:]))
         for k in ["noise", "blur", "checkerboard", "levels"]}
say("The distance grows with every step of strength for: {yes}; not for: {no}.",
    yes=", ".join(k for k, g in grows.items() if g) or "none",
    no=", ".join(k for k, g in grows.items() if not g) or "none")

# %% [markdown]
# The dashed line is the real-versus-real floor. A distance worth using climbs steadily from it with every
# disturbance: the sentence above says for which ours did. Fréchet distances depend on the number of images
# they are computed from (their estimate is biased upwards, more so for small sets), so the values of this
# validation, on sets of the size printed above, are comparable with each other but not with distances
# between sets of another size.
#
# What the disturbances look like at the strengths tested:

# %%
example = held_out[:1]
row = []
for name, (disturb, strengths) in DISTURBANCES.items():
    row += [disturb(example, s) for s in strengths[1:]]
show_grid(torch.cat(row), nrow=12,
          title="noise, blur and checkerboard, weakest to strongest")
plt.show()

# %% [markdown]
# ## Training
#
# The training step is chapter 3.1's, unchanged: the loss is the non-saturating one, with Radford et al.'s
# Adam settings (learning rate $2 \cdot 10^{-4}$, $\beta_1 = 0.5$) and batches of 64.

# %%
steps = P.pick(smoke=20, cpu=1500, gpu=6000)
seed_everything(0)
G = DCGANGenerator(z_dim=z_dim, width=width, image_size=image_size)
D = DCGANDiscriminator(width=width, image_size=image_size)
trainer = GANTrainer(G, D, train_images, loss="nonsaturating", batch_size=64,
                     lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999), seed=0, device=P.device)
history = trainer.fit(steps=steps)
dcgan_seconds = history["seconds"][-1]
print(f"{steps} steps in {dcgan_seconds:.0f} s "
      f"({1000 * dcgan_seconds / steps:.0f} ms per step)")
plot_losses(history)
plt.show()

# %% [markdown]
# What to look for in the curves: losses that settle rather than go to zero. A discriminator loss that
# collapses to zero would mean it has won and the generator receives no useful gradient (`GANTrainer` warns
# when that lasts); at the game's equilibrium, where $D$ answers $\tfrac12$ for every image, it would be
# $2 \log 2 \approx 1.39$.

# %%
last_tenth = slice(-max(1, steps // 10), None)
say("Over the last tenth of training the discriminator's loss averages {d:.2f} and the "
    "generator's {g:.2f}.", d=float(np.mean(history["loss_d"][last_tenth])),
    g=float(np.mean(history["loss_g"][last_tenth])))

# %%
dcgan_samples = trainer.sample(n_eval)
show_grid(dcgan_samples[:32], nrow=16, title=f"DCGAN after {steps} steps")
plt.show()

# %% [markdown]
# ## The baseline: chapter 3.1's fully connected GAN, for the same time

# %%
seed_everything(0)
G_mlp, D_mlp = mlp_image_gan(image_size)
mlp_trainer = GANTrainer(G_mlp, D_mlp, train_images, loss="nonsaturating",
                         batch_size=64, lr_g=2e-4, lr_d=2e-4, seed=0, device=P.device)
mlp_history = mlp_trainer.fit(seconds=dcgan_seconds)
print(f"MLP GAN: {mlp_trainer.steps_done} steps in {mlp_history['seconds'][-1]:.0f} s")
mlp_samples = mlp_trainer.sample(n_eval)
show_grid(mlp_samples[:32], nrow=16,
          title=f"MLP GAN after {mlp_trainer.steps_done} steps, same time")
plt.show()

# %% [markdown]
# ## Evaluation against held-out subjects
#
# For each set of images: the Fréchet distance to the held-out real slices in the validated feature space;
# the kernel distance [(Bińkowski et al., 2018)](#binkowski2018demystifying) in the same space, an unbiased estimate that
# can be compared across sample sizes (and so with other chapters' tables); precision (the share of
# generated slices that land among real ones) and recall (the share of real slices that have generated
# neighbours) [(Kynkäänniemi et al., 2019)](#kynkaanniemi2019improved). The training set against the held-out set
# is the floor a perfect generator would reach. Every set here has the same size, so the Fréchet distances of
# this table can be compared with each other, but only with Fréchet distances between sets of that size.

# %%
real_features = domain_features(held_out)
rows = {"real training slices (floor)": train_images[:n_eval], "DCGAN": dcgan_samples,
        "MLP GAN (baseline)": mlp_samples}
# the book's synthesis scorecard (gancourse.metrics.scorecards): the three numbers above, and diversity
results = {name: synthesis_scores(images, real_features)
           for name, images in rows.items()}
print(f"{n_eval} images per set, against {n_eval} held-out slices")
print(f"{'':30s} {'Fréchet dist.':>14s} {'kernel dist.':>13s} {'precision':>10s} "
      f"{'recall':>7s} {'diversity':>10s}")
for name, s in results.items():
    print(f"{name:30s} {s['Fréchet distance']:14.1f} {s['kernel distance']:13.3f} "
          f"{s['precision']:10.2f} {s['recall']:7.2f} {s['diversity']:10.1f}")
dcgan, mlp = results["DCGAN"], results["MLP GAN (baseline)"]
print(f"diversity of held-out real slices: "
      f"{mean_pairwise_distance(held_out[:200]):.1f}")
dcgan_closer = (dcgan["Fréchet distance"] < mlp["Fréchet distance"]
                and dcgan["kernel distance"] < mlp["kernel distance"])
say("Trained for the same time, {verdict}: Fréchet distance {fd_d:.1f} against "
    "{fd_m:.1f}, kernel distance {kd_d:.3f} against {kd_m:.3f}.",
    fd_d=dcgan["Fréchet distance"], fd_m=mlp["Fréchet distance"],
    kd_d=dcgan["kernel distance"], kd_m=mlp["kernel distance"],
    verdict="the DCGAN is closer to held-out anatomy than the MLP GAN by both distances"
    if dcgan_closer else "the two distances do not both favour the DCGAN: look at the "
    "samples to see why")

# %% [markdown]
# ## Does it cover every level of the brain?
#
# Mode collapse in brain slices would mean some levels of the head never appear. The domain encoder also
# estimates a slice's axial level, so we can compare the distribution of levels:

# %%
plt.figure(figsize=(7, 3))
bins = np.linspace(-0.2, 1.2, 29)
print(f"{'':15s} {'share below level 0.2':>22s} {'share above level 0.8':>22s}")
sets = [("held-out real", held_out), ("DCGAN", dcgan_samples), ("MLP GAN", mlp_samples)]
for name, images in sets:
    levels = predict_level(images)
    plt.hist(levels, bins=bins, histtype="step", linewidth=2, label=name, density=True)
    print(f"{name:15s} {np.mean(levels < 0.2):22.2f} {np.mean(levels > 0.8):22.2f}")
plt.xlabel("estimated axial level (0: temporal lobes, 1: upper convexity)")
plt.legend()
plt.show()

# %% [markdown]
# The simulator draws slices evenly over the levels, so the held-out row (estimated by the encoder, with its
# errors) is the reference. A generator that drops anatomical modes produces too few of some levels; compare
# its shares with the real row's. This is also why recall, the share of real slices with a generated
# neighbour, is the number to watch for mode dropping.
#
# ## Does it copy its training set?
#
# A generator that memorised its training slices would score well on every distance above. For each generated
# slice we find the nearest training slice (in pixels) and compare with how close *new* real slices come to
# the training set:

# %%
memo = memorisation_check(dcgan_samples, train_images, held_out)
print(f"median distance to the nearest training slice: "
      f"generated {memo['median_generated']:.2f}, "
      f"held-out real {memo['median_held_out']:.2f} (ratio {memo['ratio']:.2f})")
print(f"generated slices closer to a training slice than any held-out slice gets: "
      f"{100 * memo['copies']:.1f} %")
closest = np.argsort(memo["distances"])[:8]
neighbours = train_images[memo["nearest_index"][closest]]
pairs = torch.stack([dcgan_samples[closest], neighbours], dim=1).flatten(0, 1)
show_grid(pairs, nrow=16, title="the 8 generated slices closest to the training set, "
          "each beside its neighbour")
plt.show()

# %% [markdown]
# A ratio near or above 1 means the generator produces new slices, not copies; a ratio far below 1, with a
# large share of samples closer to a training slice than any new real slice gets, means copying. The pairs
# above show the closest cases to judge by eye.

# %%
say("Here the ratio is {ratio:.2f}: {verdict}.", ratio=memo["ratio"],
    verdict="the generated slices are no closer to the training set than new real "
    "slices are" if memo["ratio"] >= 0.9 else "the generated slices sit closer to the "
    "training set than new real slices do: look at the pairs for copies")
#
# ## What goes wrong
#
# **A discriminator that wins at once.** The slices above are skull-stripped. With the head left on, the
# real slices carry a thin, bright ring of scalp fat, one or two pixels wide at this resolution, which a
# young generator cannot draw. A discriminator can learn that cue early, become certain, and leave the
# generator without a useful gradient, and the generator then tends to collapse onto a few outlines. Here is
# the same training on slices with the head, compared with the first steps of the run above:

# %%
demo_steps = P.pick(smoke=10, cpu=300, gpu=300)
with_head = to_gan_range(BrainSimulator(image_size, seed=0).sample(n_train).t1)
seed_everything(0)
head_trainer = GANTrainer(DCGANGenerator(z_dim=z_dim, width=width,
                                         image_size=image_size),
                          DCGANDiscriminator(width=width, image_size=image_size),
                          with_head, loss="nonsaturating", batch_size=64, lr_g=2e-4,
                          lr_d=2e-4, betas=(0.5, 0.999), seed=0, device=P.device)
head_history = head_trainer.fit(steps=demo_steps, progress=False)
late = slice(demo_steps // 2, demo_steps)
print(f"{'first ' + str(demo_steps) + ' steps':24s} {'discriminator loss':>19s} "
      f"{'sample diversity':>17s} {'real diversity':>15s}")
loss_late = {}
for name, hist, samples, real in [
        ("skull-stripped", {k: v[:demo_steps] for k, v in history.items()}, None,
         train_images),
        ("with the head", head_history, head_trainer.sample(200), with_head)]:
    diversity = ("(see below)" if samples is None
                 else f"{mean_pairwise_distance(samples):.1f}")
    loss_late[name] = float(np.mean(hist["loss_d"][late]))
    print(f"{name:24s} {loss_late[name]:19.3f} {diversity:>17s} "
          f"{mean_pairwise_distance(real[:200]):15.1f}")
show_grid(head_trainer.sample(16), nrow=16,
          title=f"with the head, after {demo_steps} steps")
plt.show()

# %% [markdown]
# A discriminator loss near zero means it rejects every fake with certainty; the samples' diversity (mean
# distance between two samples) far below the real data's is collapse. Equilibrium, where $D$ answers
# $\tfrac12$ for every image, would give $2 \log 2 \approx 1.39$.

# %%
head_ratio = (mean_pairwise_distance(head_trainer.sample(200))
              / mean_pairwise_distance(with_head[:200]))
say("With the head, the discriminator's loss over the second half of the first {n} "
    "steps is {head:.3f}, {cmp} the {strip:.3f} of the skull-stripped run; the samples "
    "are {ratio:.0%} as diverse as the real slices with the head.", n=demo_steps,
    head=loss_late["with the head"], strip=loss_late["skull-stripped"],
    ratio=head_ratio,
    cmp="below" if loss_late["with the head"] < loss_late["skull-stripped"]
    else "not below")

# %% [markdown]
# A wider generator, more steps or a better-behaved loss (chapters 3.7 and 3.8) may learn the scalp too; at
# this size and budget, stripping it is the simpler way to keep the game playable.
#
# Further things to watch for:
#
# - **Checkerboard artefacts.** Transposed convolutions with kernel 4 and stride 2 overlap unevenly, which can
#   leave a period-2 pattern [(Odena et al., 2016)](#odena2016deconvolution). The validation above tests whether our distance
#   grows with it; where it does, the pattern can show in the score before it shows to the eye.
# - **Mode collapse.** The survey notes that DCGAN "is still prone to mode collapse". The level histogram is
#   where to look; chapters 3.7 and 3.8 compare losses that are meant to help.
# - **Time.** In the `cpu` profile we stop long before convergence, at $32 \times 32$ with half the canonical
#   width. The full-size $64 \times 64$ DCGAN (width 64) trains in the `gpu` profile; here is what one of its
#   steps costs on the machine running this notebook:

# %%
full_size = to_gan_range(BrainSimulator(64, seed=0, skull_stripped=True).sample(128).t1)
full_trainer = GANTrainer(DCGANGenerator(z_dim=z_dim, width=64, image_size=64),
                          DCGANDiscriminator(width=64, image_size=64), full_size,
                          loss="nonsaturating", batch_size=64, lr_g=2e-4, lr_d=2e-4,
                          betas=(0.5, 0.999), seed=0, device=P.device)
full_trainer.fit(steps=1, progress=False)  # the first step also sets things up
timed = P.pick(smoke=1, cpu=3, gpu=10)
before = full_trainer.seconds
full_trainer.fit(steps=1 + timed, progress=False)
per_step = (full_trainer.seconds - before) / timed
say("One step of the $64 \\times 64$ DCGAN (batch 64) takes {s:.2f} s here ({device}), "
    "against {small:.3f} s for this chapter's network: {n} steps, as many as above, "
    "would take {m:.0f} minutes.", s=per_step, device=str(P.device),
    small=dcgan_seconds / steps, n=steps, m=per_step * steps / 60)

# %% [markdown]
# ## Exercises
#
# **1. Output sizes.** A transposed convolution with kernel 4, stride 2 and padding 1 receives an $8 \times 8$
# input. What is the side of its output? (Hint: $(n - 1)s - 2p + k$; you can check your formula on a real
# `nn.ConvTranspose2d` layer.)

# %% tags=["answer"]
answer = ...  # the output side in pixels

# %%
from gancourse.exercises import check

check("3.2.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = (8 - 1) * 2 - 2 * 1 + 4  # the output side in pixels
# ```
#
# $(n - 1)s - 2p + k = 7 \cdot 2 - 2 + 4 = 16$. The side doubles, as every up-sampling layer of the DCGAN
# generator needs.
#
# </details>
#
# **2. Counting parameters.** How many weights does the *first* convolution of the discriminator built above
# have? It has no bias, 4x4 kernels, one input channel and `width` output channels. (Write it in terms of
# `width`, so that it holds in every profile.)

# %% tags=["answer"]
answer = ...  # a whole number

# %%
check("3.2.2", answer, width=width)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = width * 1 * 4 * 4  # a whole number
# ```
#
# `width` output channels, each a $4 \times 4$ kernel over 1 input channel.
#
# </details>
#
# **3. Is the distance fooled by a copy?** Compare the Fréchet distance between the held-out slices and
# 1000 *training* slices with that between the held-out slices and 50 copies of 20 training slices (in the
# `smoke` profile, 6 copies and 120 slices). Which is larger, and what does that tell you about using this
# distance alone? (You may compute both with `frechet_distance(real_features, domain_features(...))`.)

# %% tags=["answer"]
answer = ...  # True if the copies score *worse* (larger) than the varied slices

# %%
repeats = P.pick(smoke=6, cpu=50, gpu=50)
check("3.2.3", answer, real_features=real_features, train_images=train_images,
      repeats=repeats)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = True  # True if the copies score *worse* (larger) than the varied slices
# ```
#
# 20 slices repeated have far too little variety, and the covariance term of the distance punishes that. But
# a generator that copied its *whole* training set would score as well as the training set itself: the
# distance cannot tell copies from new images, which is why the memorisation check exists.
#
# </details>
#
# **4. Build it: the discriminator.** Write the DCGAN discriminator as the generator was written at the top of
# the chapter, as an `nn.Sequential` for images of one channel: a convolution of kernel 4, stride 2,
# padding 1 from 1 to `width` channels, without bias, and a leaky ReLU of slope 0.2 (no batch norm at the
# input); then, until the side is 4, convolutions of kernel 4, stride 2, padding 1 that double the channels,
# without bias, each followed by batch norm and a leaky ReLU; last, a $4 \times 4$ convolution without
# padding or bias to one channel, the logit. The check copies the library's weights into your layers (so
# they must come in the library's order) and compares the logits on fixed images.

# %% tags=["answer"]
def my_discriminator(width, image_size):
    ...  # your code


# %%
check("3.2.4", my_discriminator)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_discriminator(width, image_size):
#     levels = int(np.log2(image_size)) - 2  # stride-2 layers between the image and 4x4
#     layers = [nn.Conv2d(1, width, 4, 2, 1, bias=False), nn.LeakyReLU(0.2)]
#     features = width
#     for _ in range(levels - 1):
#         layers += [nn.Conv2d(features, 2 * features, 4, 2, 1, bias=False),
#                    nn.BatchNorm2d(2 * features), nn.LeakyReLU(0.2)]
#         features *= 2
#     layers += [nn.Conv2d(features, 1, 4, 1, 0, bias=False)]  # 4x4 -> 1x1: the logit
#     return nn.Sequential(*layers)
# ```
#
# The mirror image of the generator: where it doubles the side and halves the channels, the discriminator
# halves the side and doubles the channels. Batch norm is left out at the input, as Radford et al. advise,
# and there is no sigmoid at the end: the loss takes the logit. `gancourse.nets.DCGANDiscriminator` is this
# network, with the paper's initialisation and a check of its input.
#
# </details>
#
# ## Summary
#
# - DCGAN replaces fully connected layers with strided (transposed) convolutions, batch normalisation and
#   leaky ReLUs; `gancourse.nets.DCGANGenerator` and `DCGANDiscriminator` are those networks at any
#   power-of-two resolution and width.
# - A feature distance must be validated before it is printed: it should sit near its floor between real
#   sets and grow steadily with noise, blur, checkerboard artefacts and dropped anatomy. Fréchet distances
#   compare only between sets of equal size; the kernel distance compares across sizes.
# - A generator can score well by copying its training set: a memorisation check against held-out slices
#   belongs beside every distance.
# - A comparison of two generators is fair only when both get the same time and are scored on the same
#   held-out slices; the sentences under *Evaluation* and *Does it copy its training set?* say what this
#   run found.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey6"></a>Radford, A., Metz, L., Chintala, S. (2015). Unsupervised representation learning with deep convolutional generative adversarial networks. *CoRR abs/1511.06434*. [arXiv:1511.06434](https://arxiv.org/abs/1511.06434)
#
# <a id="survey18"></a>Bermudez, C., Plassard, A. J., Davis, L. T., Newton, A. T., Resnick, S. M., Landman, B. A. (2018). Learning implicit brain mri manifolds with deep learning. *arXiv preprint arXiv:1801.01847*. [arXiv:1801.01847](https://arxiv.org/abs/1801.01847)
#
# <a id="heusel2017gans"></a>Heusel, Martin, Ramsauer, Hubert, Unterthiner, Thomas, Nessler, Bernhard, Hochreiter, Sepp (2017). GANs trained by a two time-scale update rule converge to a local Nash equilibrium. *Advances in Neural Information Processing Systems*.
#
# <a id="odena2016deconvolution"></a>Odena, Augustus, Dumoulin, Vincent, Olah, Chris (2016). Deconvolution and checkerboard artifacts. *Distill*. [doi:10.23915/distill.00003](https://doi.org/10.23915/distill.00003)
#
# <a id="binkowski2018demystifying"></a>Bińkowski, Mikołaj, Sutherland, Danica J., Arbel, Michael, Gretton, Arthur (2018). Demystifying MMD GANs. *International Conference on Learning Representations*.
#
# <a id="kynkaanniemi2019improved"></a>Kynkäänniemi, Tuomas, Karras, Tero, Laine, Samuli, Lehtinen, Jaakko, Aila, Timo (2019). Improved precision and recall metric for assessing generative models. *Advances in Neural Information Processing Systems*.
