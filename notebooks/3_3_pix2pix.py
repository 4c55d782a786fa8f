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
# # 3.3 cGAN and pix2pix: from a tissue map to a T1 image
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/3_3_pix2pix.ipynb)
#
# *About 25 minutes to read; in the cpu profile it runs in 3.3 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains two translation networks for 90 seconds each: in the `cpu` profile it needs up
# > to 5 minutes on 2 CPU cores.
#
# A GAN can be told *what* to generate. Mirza and Osindero [(Mirza and Osindero, 2014)](#survey7) give the generator a condition $c$
# along with the noise, and give the same condition to the discriminator along with the image it judges (the
# survey's Eq. 2):
#
# $$\min_G \max_D \; \mathbb{E}_{x}[\log D(x \mid c)] + \mathbb{E}_{z}[\log(1 - D(G(z \mid c) \mid c))].$$
#
# Because the discriminator sees the condition, a realistic image that does not belong to its condition is
# still rejected. Isola et al.'s pix2pix [(Isola et al., 2017)](#survey4) takes the condition to be a whole image: a U-Net
# generator [(Ronneberger et al., 2015)](#survey8) translates it, a PatchGAN discriminator judges (condition, output) pairs, and an L1 distance to the
# true target is added to the adversarial loss with weight 100.
#
# Why add the adversarial loss at all, if the L1 loss already pulls the output towards the truth? We answer
# with a measurement. The task is medical image synthesis from a label map, the simplest form of what the
# survey's Section 4.1.2 reviews: from a map of where grey matter, white matter and fluid are, synthesise the
# T1 image. The simulator knows the true T1 of every map, so every output is scored exactly.
#
# **Learning goals**
# - condition a discriminator by stacking the condition with the image, and see the error when they do not match;
# - build pix2pix's training step (L1 plus adversarial) and train it beside the same U-Net trained with L1 only;
# - score both with pixel metrics (PSNR, SSIM) and with measures of realism (contrast, texture, the
#   validated Fréchet distance of chapter 3.2), and explain why they disagree.

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
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown, display

from gancourse.data import BrainSimulator, chosen_data, from_gan_range, to_gan_range
from gancourse.losses import get_loss, l1_loss
from gancourse.methods.pix2pix import (Pix2PixTrainer, coarsen, stack_condition,
                                       translate)
from gancourse.metrics.domain import frechet_domain_distance, gaussian_blur
from gancourse.metrics.scorecards import translation_scores
from gancourse.nets import (PatchDiscriminator, UNetGenerator, count_parameters,
                            receptive_field)
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table, say, show_grid

P = current_profile()
print(P)

image_size = P.pick(smoke=32, cpu=64, gpu=128)
width = P.pick(smoke=8, cpu=16, gpu=64)  # 64 is pix2pix's published width
n_train = P.pick(smoke=128, cpu=3000, gpu=6000)
n_eval = P.pick(smoke=64, cpu=500, gpu=1000)
block = 4  # the condition's detail: tissue fractions averaged over block x block pixels
print(f"{image_size}x{image_size} slices, U-Net width {width}, "
      f"condition in blocks of {block}x{block} pixels")

# %% [markdown]
# ## Data: a coarse tissue map and its T1 image
#
# The condition is the tissue map of a skull-stripped slice (fractions of background, CSF, grey and white
# matter: 4 channels) averaged over blocks of $4 \times 4$ pixels, as a coarse atlas or a quickly drawn
# segmentation would give it: it says where each tissue is on the whole, not where every fold of the cortex
# lies. The target is the slice's T1 image, with its noise, bias field and contrast variation. Training
# pairs come from one set of simulated subjects (seed 0), evaluation pairs from others (seed 1).
# With `GANCOURSE_DATA=ixi` (files prepared by `data_scripts/fetch.py`) the pairs are IXI's instead: the
# condition is a subject's T1 slice and the target the same subject's T2 slice; the cell prints which.

# %%
def coarse_condition(batch):
    """Tissue fractions averaged over block x block pixels, at full size, in [-1, 1]."""
    return to_gan_range(coarsen(batch.tissue, block))


data = chosen_data()  # GANCOURSE_DATA: the simulator unless it names a public set
print(data)
start = time.perf_counter()
if data.simulated:
    train_batch = BrainSimulator(image_size, seed=0, skull_stripped=True).sample(
        n_train)
    eval_batch = BrainSimulator(image_size, seed=1, skull_stripped=True).sample(n_eval)
    condition, target = coarse_condition(train_batch), to_gan_range(train_batch.t1)
    eval_condition = coarse_condition(eval_batch)
    eval_target = to_gan_range(eval_batch.t1)
    scored = (eval_batch.labels >= 2).unsqueeze(1)  # grey and white matter
    shown, shown_name, target_name = 2, "grey matter channel", "T1"  # in the figures
else:  # IXI: T1 to T2 of the same subjects, scored inside the head
    train_batch = data.slices(image_size, n_train, "train")
    eval_batch = data.slices(image_size, n_eval, "test")
    condition, target = to_gan_range(train_batch.t1), to_gan_range(train_batch.t2)
    eval_condition = to_gan_range(eval_batch.t1)
    eval_target = to_gan_range(eval_batch.t2)
    scored = eval_batch.t1 > 0.1  # the head
    shown, shown_name, target_name = 0, "T1", "T2"
print(f"{n_train} training and {n_eval} evaluation pairs "
      f"in {time.perf_counter() - start:.1f} s; "
      f"condition {tuple(condition.shape[1:])}, target {tuple(target.shape[1:])}")

if data.simulated:
    fig, axes = plt.subplots(1, 6, figsize=(12, 2.3))
    names = ["background", "CSF", "grey matter", "white matter"]
    for k in range(4):
        axes[k].imshow(from_gan_range(eval_condition[0, k]), cmap="magma",
                       vmin=0, vmax=1)
        axes[k].set_title(f"condition: {names[k]}", fontsize=8)
    axes[4].imshow(eval_batch.tissue[0, 2], cmap="magma", vmin=0, vmax=1)
    axes[4].set_title("full-detail grey matter", fontsize=8)
    axes[5].imshow(eval_target[0, 0], cmap="gray", vmin=-1, vmax=1)
    axes[5].set_title("target: T1", fontsize=8)
    for ax in axes:
        ax.axis("off")
else:
    show_grid(torch.cat([eval_condition[:8], eval_target[:8]]), nrow=8,
              title="rows: condition (T1), target (T2) of the same subjects")
plt.show()

# %% [markdown]
# ## The conditional discriminator
#
# In pix2pix the discriminator sees the condition and the image *stacked along the channels*: 4 condition
# channels plus 1 image channel make 5 input channels. `gancourse.methods.pix2pix.stack_condition` does it, and
# refuses a condition and an image that do not belong together:

# %%
pair = stack_condition(condition[:2], target[:2])
print("condition", tuple(condition[:2].shape), "+ image", tuple(target[:2].shape),
      "->", tuple(pair.shape))
try:
    stack_condition(condition[:2], target[:2, :, ::2, ::2])  # at half the resolution
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# The PatchGAN discriminator does not return one verdict per image but a map of verdicts, each about one
# patch of the input. Which patch? Each output of a chain of convolutions sees a square of input pixels,
# its *receptive field*; walking back through the layers, a field of $r$ positions of a layer's output covers
# $(r - 1) s + k$ positions of its input (stride $s$, kernel $k$). `receptive_field` computes it from the
# network itself (chapter 3.4 explores it further):

# %%
seed_everything(0)
channels = condition.shape[1]  # 4 tissue fractions (1 on IXI: T1)
D = PatchDiscriminator(in_channels=channels + 1, width=width, n_layers=3)
G = UNetGenerator(in_channels=channels, out_channels=1, image_size=image_size,
                  width=width)
verdicts = D(pair)
print(f"PatchGAN with 3 layers: {tuple(verdicts.shape[1:])} verdicts for a "
      f"{image_size}x{image_size} input, "
      f"each about a {receptive_field(D)}x{receptive_field(D)} patch")
print(f"U-Net generator: {count_parameters(G):,} parameters ({G.depth} levels down to "
      f"1x1); PatchGAN: {count_parameters(D):,}")

# %% [markdown]
# ## The pix2pix step, and the same U-Net with L1 only
#
# One step, as Isola et al. train it: the discriminator learns to tell (condition, real) pairs from
# (condition, generated) pairs; then the generator minimises the non-saturating adversarial loss plus 100
# times the L1 distance to the target. Here it is once, by hand, on a batch of 16 pairs:

# %%
gan_loss = get_loss("nonsaturating")
l1_weight = 100.0  # as published
G_demo, D_demo = copy.deepcopy(G), copy.deepcopy(D)
opt_g = torch.optim.Adam(G_demo.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D_demo.parameters(), lr=2e-4, betas=(0.5, 0.999))
c, real = condition[:16], target[:16]
fake = G_demo(c)
d_loss = gan_loss.discriminator(D_demo(stack_condition(c, real)),
                                D_demo(stack_condition(c, fake.detach())))
opt_d.zero_grad(); d_loss.backward(); opt_d.step()
adversarial_part = gan_loss.generator(D_demo(stack_condition(c, fake)))
g_loss = adversarial_part + l1_weight * l1_loss(fake, real)
opt_g.zero_grad(); g_loss.backward(); opt_g.step()
print(f"discriminator loss {d_loss.item():.3f}; generator loss {g_loss.item():.2f} = "
      f"adversarial "
      f"{adversarial_part.item():.3f} + 100 x L1 {l1_loss(fake, real).item():.4f}")

# %%
say("At the start, the weighted L1 term is {ratio:.1f} times the adversarial one.",
    ratio=(l1_weight * l1_loss(fake, real) / adversarial_part).item())

# %% [markdown]
# Where the L1 term is the larger part, it keeps the output close to the target while the adversarial part
# shapes its look; we measure the two parts again after training. `gancourse.methods.pix2pix.Pix2PixTrainer`
# is exactly this step (open it: its `step` is about twenty lines) on the book's one training loop, which adds the
# time budget, a progress bar, the loss history and checkpoints; with `discriminator=None` it trains with the
# L1 loss alone. The baseline is the same U-Net, from the same initial weights, trained on the same batches with
# the L1 loss alone. Both get the same wall-clock time, the fair comparison on one machine (pix2pix's step
# also trains a discriminator, so each of its steps costs more).

# %%
seconds = P.seconds(smoke=3, cpu=90, gpu=300)
G_l1, G_pix2pix = copy.deepcopy(G), copy.deepcopy(G)  # the same initial weights
trainer_l1 = Pix2PixTrainer(G_l1, None, condition, target, device=P.device)
trainer_l1.fit(seconds=seconds)
trainer_pix2pix = Pix2PixTrainer(G_pix2pix, D, condition, target, l1_weight=l1_weight,
                                 device=P.device)
trainer_pix2pix.fit(seconds=seconds)
steps_l1, steps_pix2pix = trainer_l1.steps_done, trainer_pix2pix.steps_done
print(f"{seconds} s each: L1 only {steps_l1} steps, pix2pix {steps_pix2pix} steps")
with torch.no_grad():  # the two parts of the generator loss after training, 64 pairs
    c, real = condition[:64].to(P.device), target[:64].to(P.device)
    fake = G_pix2pix(c)
    adversarial_part = gan_loss.generator(D(stack_condition(c, fake))).item()
    l1_part = l1_weight * l1_loss(fake, real).item()
say("After training, the weighted L1 term is {l1:.3f} and the adversarial term "
    "{adv:.3f}: the {larger} is the larger part.", l1=l1_part, adv=adversarial_part,
    larger="L1 term" if l1_part > adversarial_part else "adversarial term")

# %% [markdown]
# ## What each network produces

# %%
outputs = {"L1 only": translate(G_l1, eval_condition),
           "pix2pix (L1 + adversarial)": translate(G_pix2pix, eval_condition)}
rows = [eval_condition[:8, shown:shown + 1], outputs["L1 only"][:8],
        outputs["pix2pix (L1 + adversarial)"][:8], eval_target[:8]]
show_grid(torch.cat(rows), nrow=8, figsize=(12, 6.2),
          title=f"rows: condition ({shown_name}), L1 only, pix2pix, true {target_name}")
plt.show()
zoom = slice(image_size // 4, 3 * image_size // 4)
crops = torch.cat([x[:4, :, zoom, zoom] for x in rows[1:]])
show_grid(crops, nrow=4, figsize=(6, 4.8),
          title=f"the centre, enlarged: L1 only, pix2pix, true {target_name}")
plt.show()

# %% [markdown]
# ## Scores: pixel accuracy against realism
#
# Two kinds of measure, on the held-out pairs:
#
# - **pixel accuracy** against the true T1 of the same subject: PSNR and SSIM (both on [0, 1] images);
# - **realism**, whether outputs look like T1 images at all, pair by pair or as a set:
#   (the three below are in `gancourse.metrics.realism`)
#   - *intensity spread*: the standard deviation of intensities inside the brain, relative to the real
#     images' (how far apart the tissues' brightnesses lie);
#   - *fine texture*: the mean standard deviation in $3 \times 3$ neighbourhoods inside the brain, relative to
#     the real images';
#   - *high-frequency energy*: the power above 0.25 cycles per pixel, relative to the real images' (a
#     measure of sharpness);
#   - the *Fréchet distance* on domain features, validated in chapter 3.2 (it grows with blur, noise and lost
#     anatomy); below, two sets of real slices give its floor and real slices blurred with $\sigma = 1$ pixel
#     a reference. Every set here has the same size; a Fréchet distance compares only with distances
#     between sets of that size (chapter 3.2).
#
# For the relative measures, 1 means "as in real images".

# %%
brain = scored  # grey and white matter (true labels; on IXI the head)

if data.simulated:
    other_real = BrainSimulator(image_size, seed=2, skull_stripped=True).sample(n_eval)
    other_real = to_gan_range(other_real.t1)
else:  # IXI: other subjects' T2 slices
    other_real = to_gan_range(data.slices(image_size, n_eval, "val").t2)
print(f"Fréchet distance, sets of {n_eval}: real against other real slices "
      f"{frechet_domain_distance(eval_target, other_real):.1f}, against the same "
      f"slices blurred (sigma 1) "
      f"{frechet_domain_distance(eval_target, gaussian_blur(eval_target, 1.0)):.1f}")

# the scorecard every translation chapter uses (gancourse.metrics.scorecards)
scores = {name: translation_scores(out, eval_target, brain)
          for name, out in outputs.items()}
columns = list(next(iter(scores.values())))
display(Markdown(f"Held-out pairs ({n_eval}), {seconds} s of training each ({P.name} "
                 "profile). Spread, texture and energy are relative to the real T1 "
                 "(1 = as real).\n\n" + markdown_table(scores)))

# %%
better_when_higher = {"PSNR (dB)": True, "SSIM": True, "Fréchet distance": False}
l1, adv = scores["L1 only"], scores["pix2pix (L1 + adversarial)"]
for column in columns:
    if column in better_when_higher:
        l1_wins = (l1[column] > adv[column]) == better_when_higher[column]
    else:  # closer to 1, i.e. to the real images, is better
        l1_wins = abs(np.log(l1[column])) < abs(np.log(adv[column]))
    print(f"{column:22s}: {'L1 only' if l1_wins else 'pix2pix'} is better in this run "
          f"({l1[column]:.3g} against {adv[column]:.3g})")

# %% [markdown]
# These verdicts come from one seed and a short training each: where two numbers are close, another
# seed could swap them (chapter 3.4 repeats a sweep over seeds to see how far). Read the large differences.

# %% [markdown]
# ## Why the measures disagree
#
# Given a coarse condition, many T1 images are possible: the cortex can fold this way or that inside a block,
# the noise is anyone's guess. A network trained with the L1 loss alone is rewarded, pixel by pixel, for the
# *median* of the pixel's possible values given the condition; with the squared error (L2) it would be their
# *mean*. For one pixel, each is the best single guess, and the median of a few clear values is one of them
# (exercise 1). But an image assembled from per-pixel best guesses is not one of the possible images:
#
# - the scanner's noise, different in every scan, has a median and a mean of zero, so both losses remove it,
#   and the fine texture goes with it;
# - where the position of an edge or a fold is uncertain, a pixel near it is dark in some possible images and
#   bright in others. The mean slides from dark to bright across the whole band of possible positions. The
#   median jumps where the edge is bright in half the possible images, a sharp edge, as long as the two
#   tissues' values do not overlap; with noise and partial volumes they do, and the median slides too.
#
# A row of pixels across an edge whose position is uncertain (anywhere between pixels 12 and 20) shows both:

# %%
rng = np.random.default_rng(0)
columns = np.arange(32)
edge_at = rng.uniform(12, 20, size=(4000, 1))  # 4000 possible images, one condition
print(f"{'noise':>6s} {'edge width (px): median':>24s} {'mean':>5s} "
      f"{'texture: one image':>19s} {'median':>7s}")
fig, axes = plt.subplots(1, 2, figsize=(10, 2.6), sharey=True)
widths, textures = {}, {}
for ax, noise in zip(axes, (0.02, 0.1)):
    possible = np.where(columns > edge_at, 0.7, 0.3) + rng.normal(0, noise, (4000, 32))
    median, mean = np.median(possible, axis=0), possible.mean(axis=0)
    # the edge's width: pixels from 10 % to 90 % of the step; the texture: the spread of
    # the first 10 pixels, where the tissue is the same in every possible image
    edge_width = lambda row: int(((row > 0.34) & (row < 0.66)).sum())  # noqa: E731
    texture = lambda row: float(row[:10].std())  # noqa: E731
    widths[noise] = edge_width(median), edge_width(mean)
    textures[noise] = texture(possible[0]), texture(median)
    print(f"{noise:6.2f} {widths[noise][0]:24d} {widths[noise][1]:5d} "
          f"{textures[noise][0]:19.3f} {textures[noise][1]:7.3f}")
    ax.plot(possible[0], color="0.7", label="one possible row")
    ax.plot(median, label="median (L1's optimum)")
    ax.plot(mean, label="mean (L2's optimum)")
    ax.set_title(f"scanner noise {noise}", fontsize=9)
axes[0].legend(fontsize=7)
plt.show()
say("Edge widths, median against mean: {m1} against {a1} px with noise 0.02, {m2} "
    "against {a2} px with noise 0.1. Where the tissue is the same, a possible row "
    "varies by {t:.3f} (noise 0.1), the median row by {tm:.3f}.",
    m1=widths[0.02][0], a1=widths[0.02][1], m2=widths[0.1][0], a2=widths[0.1][1],
    t=textures[0.1][0], tm=textures[0.1][1])

# %% [markdown]
# Read the lines above for the pattern: the optima lose the texture that every possible row has; the mean
# smears the edge over the band of possible positions, and the median keeps it sharp only while the noise
# is small. That loss of texture and sharpness is the "blur" of L1 and L2 losses that Isola et al. set out to remove, and it is what PSNR and
# SSIM reward: when you do not know where a fold is, hedging costs less than guessing.
#
# The adversarial loss rewards the opposite: an output the discriminator cannot tell from a real T1 image
# *given the condition*. A plausible fold in the wrong place is realistic, but PSNR punishes it twice: once
# where the fold is, once where it should have been. So pix2pix can look more like real T1 images (spread,
# texture, the Fréchet distance) and still score worse on pixel metrics; compare the printed verdicts above
# with this argument. The high-frequency energy is a different matter: most of it is the scanner's noise,
# which no network can predict for a particular scan, and a U-Net fed only the condition has no source of
# randomness to imitate it with (Isola et al. found their generators largely ignored the noise they were
# given [(Isola et al., 2017)](#survey4)).

# %%
energy = {name: s["high-frequency energy"] for name, s in scores.items()}
say("High-frequency energy relative to the real images: {l1:.2f} for L1 only, "
    "{adv:.2f} for pix2pix; {verdict}.", l1=energy["L1 only"],
    adv=energy["pix2pix (L1 + adversarial)"],
    verdict="both fall short of the real images" if max(energy.values()) < 1
    else "at least one network reaches the real images' energy: look at its outputs "
    "for invented detail")

# %% [markdown]
# Neither kind of measure is "the" quality: a radiologist reading the image wants it realistic *and*
# faithful, and a synthetic image that invents a plausible structure, or drops a real one, can mislead
# (chapter 3.5 measures a translation erasing lesions).
#
# ## Exercises
#
# **1. The median.** Three equally likely targets for one pixel are $0.1$, $0.2$ and $0.9$. Which constant
# output minimises the L1 loss, the mean absolute difference to them? (Hint: move the output up from a
# candidate and count how many targets it gets closer to.)

# %% tags=["answer"]
answer = ...  # the constant that minimises the mean absolute difference

# %%
from gancourse.exercises import check

check("3.3.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 0.2  # the constant that minimises the mean absolute difference
# ```
#
# The median. Moving the output up from $0.2$ brings it closer to one target and further from two; moving it
# down brings it closer to one and further from two as well. Here the median is one of the pixel's possible
# values: the L1 optimum of a single pixel need not be a value in between.
#
# </details>
#
# **2. The mean.** For the same three targets, which constant minimises the squared error?

# %% tags=["answer"]
answer = ...  # the constant that minimises the mean squared difference

# %%
check("3.3.2", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = (0.1 + 0.2 + 0.9) / 3  # the constant that minimises the mean squared difference
# ```
#
# The mean, $0.4$: the derivative of $\sum_i (c - t_i)^2$ is zero where $c$ is the average. It is a value
# the pixel never takes, pulled up by the outlier $0.9$, which does not move the median. Isola et al. chose
# L1 because it blurs less than L2, as the edge above shows; but both optima lose what varies from image to
# image.
#
# </details>
#
# **3. Build it: pix2pix's generator loss.** Write the loss the generator minimises: the non-saturating
# adversarial loss on the discriminator's logits for the generated pairs, $\operatorname{mean}
# \log(1 + e^{-d})$ (chapter 3.1; `torch.nn.functional.softplus(-d)` computes $\log(1 + e^{-d})$ stably),
# plus `l1_weight` times the mean absolute difference between the generated and the real images.

# %% tags=["answer"]
def my_generator_loss(fake_logits, fake, real, l1_weight):
    ...  # your code


# %%
check("3.3.3", my_generator_loss)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_generator_loss(fake_logits, fake, real, l1_weight):
#     adversarial = torch.nn.functional.softplus(-fake_logits).mean()
#     return adversarial + l1_weight * (fake - real).abs().mean()
# ```
#
# The mean runs over every verdict of the PatchGAN's map, so each patch counts equally. With `l1_weight` 0
# this is the unconditional generator loss of chapter 3.1; with the discriminator removed it is the L1
# baseline. `Pix2PixTrainer.step` computes the same sum.
#
# </details>
#
# **4. A smaller PatchGAN.** With 2 layers (`PatchDiscriminator(n_layers=2)`), the discriminator has 4x4
# convolutions of strides 2, 2, 1 and 1. Compute its receptive field by hand with $(r - 1)s + k$, from the
# last layer back to the first, starting from $r = 1$.

# %% tags=["answer"]
answer = ...  # a whole number of pixels

# %%
check("3.3.4", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 34  # a whole number of pixels
# ```
#
# From the last layer back: $r = (1 - 1) \cdot 1 + 4 = 4$, then $(4 - 1) \cdot 1 + 4 = 7$, then
# $(7 - 1) \cdot 2 + 4 = 16$, then $(16 - 1) \cdot 2 + 4 = 34$. Each verdict is about a $34 \times 34$ patch.
#
# </details>
#
# **5. A condition that leaves nothing to guess.** Set `block = 1` (the full-detail tissue map) and run the
# chapter again. The condition now fixes where every fold is; what is left for the adversarial loss to add,
# and how do the two networks compare now?
#
# <details><summary>Solution</summary>
#
# With the full-detail map, the structures are no longer uncertain: the median of the possible images is
# close to each of them except for the scanner's noise, bias field and contrast variation. Expect the L1
# network's outputs to become sharp and its pixel scores to rise, and the gap in spread and Fréchet distance
# between the two networks to shrink; what the adversarial loss can still add is texture like the noise,
# which the pixel metrics punish. Compare the two runs' tables rather than this prediction: a short run can
# fall either way on a single column.
#
# </details>
#
# ## Summary
#
# - A conditional discriminator sees the condition stacked with the image, so it can reject a realistic image
#   that does not belong to its condition.
# - pix2pix's generator minimises a non-saturating adversarial loss plus 100 times the L1 distance to the
#   target; the same U-Net trained with L1 alone is the baseline, given the same time.
# - Per pixel, L1 is minimised by the median of the possible values and L2 by their mean; an image of
#   per-pixel optima loses the texture and, where positions are uncertain, the sharpness of real images.
# - Pixel metrics (PSNR, SSIM) reward that hedging; measures of realism (spread, texture, Fréchet distance)
#   do not. Report both, and the table above for which network won which.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey7"></a>Mirza, M., Osindero, S. (2014). Conditional generative adversarial nets. *CoRR abs/1411.1784*. [arXiv:1411.1784](https://arxiv.org/abs/1411.1784)
#
# <a id="survey4"></a>Isola, P., Zhu, J.-Y., Zhou, T., Efros, A. A. (2017). Image-to-image translation with conditional adversarial networks. *2017 IEEE Conference on Computer Vision and Pattern Recognition (CVPR) (2017) 5967–5976*. [doi:10.1109/CVPR.2017.632](https://doi.org/10.1109/CVPR.2017.632)
#
# <a id="survey8"></a>Ronneberger, O., Fischer, P., Brox, T. (2015). U-net: Convolutional networks for biomedical image segmentation. *in: International Conference on Medical image computing and computer-assisted intervention, Springer, 2015, pp. 234–241*. [doi:10.1007/978-3-319-24574-4_28](https://doi.org/10.1007/978-3-319-24574-4_28)
