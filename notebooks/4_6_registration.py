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
# # 4.6 Registration: aligning deformed brain slices
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/4_6_registration.ipynb)
#
# *About 40 minutes to read; in the cpu profile it runs in 4.0 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains a small registration network per task, method and seed, each for
# > a fixed time: its `cpu` profile is sized to fit the book's 5-minute budget on 2 CPU cores, on
# > 32x32 slices, `smoke` for seconds (the last code cell before the exercises prints how long it
# > took). Every comparison below is between networks trained for the same time in the same run, so
# > a slower machine weakens all of them together.
#
# Registration finds the deformation that brings one image onto another: the same patient scanned
# twice, two patients, or a patient and an atlas, in one modality or in two. The survey's Section 4.6
# notes that classic methods optimise every pair anew, with settings tuned per task, and that deep
# networks predict the deformation in one pass instead. A network cannot be taught with true
# deformations, which real scans do not come with, so it is taught with a *similarity*: warp the
# moving image $m$ with the predicted displacement $u$, compare it with the fixed image $f$, and keep
# the field smooth. VoxelMorph [(Balakrishnan et al., 2019)](#balakrishnan2019voxelmorph) minimises
#
# $$\mathcal{L}(u) = \mathcal{D}\big(m \circ (\mathrm{id} + u),\, f\big)
#   + \lambda \sum_p \lVert \nabla u(p) \rVert^2 ,$$
#
# with $\mathcal{D}$ the mean squared error or one minus the local normalised cross-correlation. Fan et
# al. [(Fan et al., 2018)](#survey105) [(Fan et al., 2019)](#fan2019adversarial), the first paper of
# the survey's Table 16, replace the written-down $\mathcal{D}$ with a learned one: a discriminator
# $D$ sees pairs (fixed, warped) and learns to tell them from *reference* pairs that are well
# aligned; the registration network $G$ learns to make its pairs pass,
#
# $$\min_G \max_D \; \mathbb{E}\big[\log D(f, m \circ \phi^{*})\big]
#   + \mathbb{E}\big[\log\big(1 - D(f, m \circ \phi_G)\big)\big] + \lambda\, R(u_G) ,$$
#
# with $\phi = \mathrm{id} + u$. A learned similarity needs no formula relating the two images'
# intensities, which is what makes it attractive between modalities, where a T1 image and a CT of the
# same head differ in every tissue's brightness and MSE does not apply.
#
# Real scans come without their true deformations; here we make them. Each pair is a simulated slice
# and the same slice warped by a smooth random field that we keep, so every registration is scored
# against the truth: the end-point error of the field, the Dice of the tissue maps it carries, and
# how often it folds.
#
# **Learning goals**
# - build the spatial transformer [(Jaderberg et al., 2015)](#jaderberg2015spatial): a displacement
#   in pixels, bilinear resampling with `grid_sample`, images and label maps;
# - measure a deformation: end-point error, the Jacobian determinant and the folded pixels, Dice of
#   warped tissue maps;
# - train a displacement U-Net with local NCC and smoothness, and with Fan et al.'s adversarial
#   similarity, for the same time, over seeds, against classic per-pair optimisation;
# - teach the discriminator what alignment looks like before the game, and check its verdict as a
#   function of misalignment;
# - register T1 to a CT-like image, where the similarity itself is the problem.

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
import torch.nn.functional as F
from IPython.display import Markdown, display

from gancourse.data import BrainSimulator
from gancourse.data.intensity import ct_to_unit
from gancourse.data.warp import warp, warp_labels
from gancourse.exercises import check
from gancourse.methods.registration import (RegistrationTrainer, iterative_registration,
                                            make_pairs, pretrain_discriminator, register)
from gancourse.metrics.registration import (endpoint_error, folded_fraction,
                                            jacobian_determinant, local_ncc,
                                            mutual_information, tissue_dice)
from gancourse.nets import PatchDiscriminator, count_parameters
from gancourse.nets.displacement import DisplacementUNet
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table, mean_and_spread, say

P = current_profile()
print(P)
chapter_start = time.perf_counter()

image_size = P.pick(smoke=32, cpu=32, gpu=64)
n_train = P.pick(smoke=32, cpu=300, gpu=1000)
n_test = P.pick(smoke=8, cpu=32, gpu=100)
max_pixels = image_size * 4 / 32  # the longest true displacement: 4 pixels at 32x32
run_seconds = P.seconds(smoke=0.5, cpu=16, gpu=60)  # every network trains this long
pretrain_seconds = P.seconds(smoke=0.5, cpu=6, gpu=20)  # each discriminator's first lesson
seeds = P.pick(smoke=[0], cpu=[0, 1], gpu=[0, 1, 2])
iterative_steps = P.pick(smoke=10, cpu=150, gpu=300)
width, levels = 16, P.pick(smoke=2, cpu=2, gpu=3)
smoothness_weight = 0.1
noise = 0.02  # added to both images of a pair, independently
simulator = BrainSimulator(image_size, seed=1, contrasts=("t1", "ct"))
train_slices = simulator.sample(n_train)
test_slices = BrainSimulator(image_size, seed=2, contrasts=("t1", "ct")).sample(n_test)
print(f"{image_size}x{image_size} slices; {n_train} training and {n_test} test pairs; "
      f"true displacements up to {max_pixels:g} pixels; each network trains for "
      f"{run_seconds} s, seeds {seeds}")

# %% [markdown]
# ## Pairs whose deformation is known
#
# `make_pairs` takes a simulated slice as the **moving** image and warps it with a smooth random field
# (random vectors on a 5x5 grid, interpolated bicubically, the longest scaled to the chapter's
# maximum) to make the **fixed** image; the tissue label map is warped with it. So the true field
# $u^*$ is known, with $m \circ (\mathrm{id} + u^*) = f$ before noise; a little independent noise is
# then added to both images, so that even the perfect alignment leaves two different images. For the
# multi-modal task the fixed image is the *CT* of the same slice, warped by the same field, shown in
# a brain window (`ct_to_unit` from -100 to 150 HU): bone is white where T1 has it black, and the
# cerebrospinal fluid, the darkest tissue in T1, sits close to the brain in CT.

# %%
def task_pairs(slices, multimodal, seed):
    fixed_source = ct_to_unit(slices.ct, -100.0, 150.0) if multimodal else None
    return make_pairs(slices.t1, slices.labels, fixed_source=fixed_source,
                      max_pixels=max_pixels, noise=noise, seed=seed)


TASKS = {"T1 to T1": False, "T1 to CT": True}
train_pairs = {task: task_pairs(train_slices, multi, 0) for task, multi in TASKS.items()}
test_pairs = {task: task_pairs(test_slices, multi, 1) for task, multi in TASKS.items()}

fig, axes = plt.subplots(2, 4, figsize=(12, 6))
for row, (task, pairs) in enumerate(test_pairs.items()):
    i = 0
    axes[row, 0].imshow(pairs.moving[i, 0], cmap="gray", vmin=0, vmax=1)
    axes[row, 0].set_title(f"{task}: moving (T1)", fontsize=9)
    axes[row, 1].imshow(pairs.fixed[i, 0], cmap="gray", vmin=0, vmax=1)
    axes[row, 1].set_title("fixed (" + ("CT, brain window)" if TASKS[task] else "T1)"),
                           fontsize=9)
    step = max(1, image_size // 16)
    ys, xs = np.mgrid[0:image_size:step, 0:image_size:step]
    u = pairs.true[i, :, ::step, ::step]
    axes[row, 2].imshow(pairs.fixed[i, 0], cmap="gray", vmin=0, vmax=1, alpha=0.5)
    axes[row, 2].quiver(xs, ys, u[0], u[1], color="red", angles="xy", scale_units="xy",
                        scale=1)
    axes[row, 2].set_title("true field (where pixels read)", fontsize=9)
    edges = (pairs.fixed_labels[i] != pairs.moving_labels[i]).float()
    axes[row, 3].imshow(edges, cmap="magma")
    axes[row, 3].set_title("labels the field changes", fontsize=9)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("Test pairs: the moving slice, the fixed one made from it, and the known field")
plt.show()

# %% [markdown]
# ## The spatial transformer
#
# A displacement field $u$ of shape `(N, 2, H, W)` says, for every pixel $p$ of the output, where to
# read the input: $\mathrm{warped}(p) = m(p + u(p))$, channel 0 along $x$ (columns) and channel 1 along
# $y$ (rows), in pixels. Reading at $p + u(p)$, a *backward* map, makes warping a resampling:
# `torch.nn.functional.grid_sample` interpolates the input bilinearly at those points, and because
# the interpolation weights are differentiable in the points, a loss on the warped image sends a
# gradient to $u$ and to the network that predicted it. That is the spatial transformer of Jaderberg
# et al. `grid_sample` wants coordinates in $[-1, 1]$, the centres of the corner pixels at $\pm 1$
# (`align_corners=True`), so a position of $x$ pixels becomes $2x/(W - 1) - 1$. Label maps cannot be
# averaged; they are warped either by the nearest pixel or one label at a time as bilinear indicator
# maps, each pixel taking the label with the largest share. In a few lines:

# %%
def spatial_transformer(image, u):
    n, _, h, w = u.shape
    y, x = torch.meshgrid(torch.arange(h, dtype=u.dtype), torch.arange(w, dtype=u.dtype),
                          indexing="ij")
    grid_x = 2 * (x + u[:, 0]) / (w - 1) - 1  # (N, H, W), in grid_sample's coordinates
    grid_y = 2 * (y + u[:, 1]) / (h - 1) - 1
    grid = torch.stack([grid_x, grid_y], dim=-1)  # (N, H, W, 2), x first
    return F.grid_sample(image, grid, mode="bilinear", padding_mode="border",
                         align_corners=True)


pairs = test_pairs["T1 to T1"]
by_hand = spatial_transformer(pairs.moving, pairs.true)
print("largest difference from gancourse.data.warp.warp: "
      f"{(by_hand - warp(pairs.moving, pairs.true)).abs().max().item():.2e}")
same = warp(pairs.moving, torch.zeros_like(pairs.true))
print("the identity field returns the input, up to rounding: largest difference "
      f"{(same - pairs.moving).abs().max().item():.2e}")

# %% [markdown]
# This is `gancourse.data.warp.warp`, with `warp_labels` for label maps; the tests check it against
# SciPy's `ndimage.shift` for a constant shift, and the identity field.
#
# ## Measuring a registration
#
# Four measures, each per test pair:
#
# - **EPE**, the end-point error: the mean length of $u(p) - u^*(p)$ over the pixels of the brain, in
#   pixels; only a simulation can measure it;
# - **Dice** of the tissue maps: the moving label map warped by $u$ against the fixed one, the mean
#   of the Dice of cerebrospinal fluid, grey and white matter: what one measures on real scans, where
#   experts have drawn the tissues;
# - **folded**: the fraction of pixels where the Jacobian determinant of $p \mapsto p + u(p)$,
#   $\det(I + \nabla u)$, is 0 or below. The determinant is the local change of area: 1 for a pure
#   shift, 0.5 where an area halves; at 0 or below the map folds the image over itself, which no
#   anatomy does;
# - **seconds per pair**: the time to register the test pairs, divided by their number.
#
# Before any registration (the zero field) and with the true field:

# %%
def scores(u, pairs, seconds=float("nan")):
    """The chapter's measures of fields u (N, 2, S, S) on the pairs, averaged over them."""
    brain = pairs.fixed_labels > 0
    moved = warp_labels(pairs.moving_labels, u, n_classes=4)
    return {"Dice": tissue_dice(moved, pairs.fixed_labels).mean().item(),
            "EPE (px)": endpoint_error(u, pairs.true, brain).mean().item(),
            "folded (%)": 100 * folded_fraction(u).mean().item(),
            "s per pair": seconds / len(pairs)}


COLUMNS = ["Dice", "EPE (px)", "folded (%)", "s per pair", "steps"]
DIGITS = {"Dice": 3, "EPE (px)": 2, "folded (%)": 2, "s per pair": 4, "steps": 0}
bounds = {}
for task, pairs in test_pairs.items():
    bounds[task, "no registration"] = scores(torch.zeros_like(pairs.true), pairs)
    bounds[task, "true field"] = scores(pairs.true, pairs)
true_det = jacobian_determinant(test_pairs["T1 to T1"].true)
say("Before registration the tissue maps overlap with a Dice of {d0:.3f} (T1 to T1) and the "
    "field is off by {e0:.2f} pixels on average; the true fields score Dice 1 and EPE 0 by "
    "construction. Their Jacobian determinants range from {lo:.2f} to {hi:.2f}: the truth "
    "shrinks and stretches areas, and folds {f:.2f} % of the pixels.",
    d0=bounds["T1 to T1", "no registration"]["Dice"],
    e0=bounds["T1 to T1", "no registration"]["EPE (px)"], lo=true_det.min().item(),
    hi=true_det.max().item(), f=bounds["T1 to T1", "true field"]["folded (%)"])

# %% [markdown]
# ## The network, the losses, and the classic way
#
# The network, `gancourse.nets.displacement.DisplacementUNet`, is a small U-Net in VoxelMorph's
# manner: moving and fixed image stacked as two channels, 3x3 convolutions with leaky ReLUs, strided
# convolutions down, upsampling and skip connections up, and a last convolution to the two
# components of the field, with weights that start near zero so that training starts from the
# identity. `RegistrationTrainer` trains it with, per batch,
#
# $$\mathcal{L} = w_{sim}\, \mathcal{D}(m \circ \phi_u, f) + w_{smooth}\, R(u)
#   + w_{adv}\, \big(-\log D(f, m \circ \phi_u)\big),$$
#
# with $\mathcal{D} = 1 - \mathrm{NCC}$, the local normalised cross-correlation in 9x9 windows,
# squared as in VoxelMorph (so a window where one image is *any* linear function of the other, of
# either sign, scores 1), and $R$ the mean squared finite difference of $u$. With a discriminator
# (chapter 3.4's PatchGAN on the two-channel pair, binary cross-entropy, chapter 3.1), it first
# learns at every step to tell *reference pairs*, $(f, m \circ \phi_{u^*})$ aligned by the true field,
# from the network's. Fan et al. had no true fields for their brain scans and built their well-aligned
# references otherwise; the simulator hands us the truth, which makes the reference as good as it can
# be, and which is not available on real data: keep that in mind when reading the results.
#
# Three methods, each on both tasks, for the same time:
#
# - **NCC** (the baseline): $w_{sim} = 1$, no discriminator;
# - **adversarial**: $w_{sim} = 0$, $w_{adv} = 1$: the discriminator is the only similarity;
# - **adversarial + NCC**: both, $w_{adv} = 0.1$.
#
# All use $w_{smooth} = 0.1$. The classic reference points, `iterative_registration`, need no
# training: for each test pair they optimise its own field with Adam on the same smoothness and
# either NCC or the **mutual information** (MI) of the two images' intensities, the classic
# similarity between modalities: a joint histogram of the pair, softened with
# Gaussian (Parzen) windows so that it is differentiable, and $\mathrm{MI} = \sum_{ij} p_{ij}
# \log\big(p_{ij} / (p_i\, p_j)\big)$, which is high when one image's intensity predicts the
# other's through *any* function (`gancourse.metrics.registration.mutual_information`). The field
# lives on a grid twice coarser than the image, interpolated (a free-form deformation in spirit).
#
# The discriminator here is small and local: a PatchGAN with one stride-2 stage
# (`PatchDiscriminator(2, width=32, n_layers=1)`), whose every output judges a patch of about 10x10
# pixels of the pair, so that its verdict is a map, a dense similarity like local NCC's, and not one
# number for the whole image.

# %%
METHODS = {  # (similarity, adversarial weight); a discriminator trains when the weight > 0
    "NCC": dict(similarity="ncc", adversarial_weight=0.0),
    "adversarial": dict(similarity=None, adversarial_weight=1.0),
    "adversarial + NCC": dict(similarity="ncc", adversarial_weight=0.1),
}


def networks(seed, adversarial):
    seed_everything(seed)
    discriminator = (PatchDiscriminator(2, width=32, n_layers=1, norm="none")
                     if adversarial else None)
    return DisplacementUNet(width, levels), discriminator


G, D = networks(0, True)
print(f"registration network: {count_parameters(G):,} parameters; "
      f"discriminator: {count_parameters(D):,}")

# %% [markdown]
# ## Teaching the discriminator what alignment looks like
#
# A discriminator that starts from random weights must learn what "aligned" means from the very
# network it is judging, which at first only leaves the pairs as they were: the two kinds of pairs it
# sees differ little, and what it learns from them is weak and late. Where the true fields are known,
# as in this simulation, a first lesson costs nothing: `pretrain_discriminator` shows it the
# reference pairs against the *same* moving images misaligned by random smooth fields, their longest
# vector drawn uniformly up to twice the chapter's largest displacement, for a few seconds. Every
# misaligned image is interpolated once, as the reference and the network's images are, so
# interpolation blur tells nothing apart. During registration the discriminator then keeps learning,
# as in Fan et al., from the reference pairs against the network's pairs, and against such randomly
# misaligned pairs too, so that it stays a judge of alignment while the network improves.
#
# Does it learn alignment? Its mean verdict (the probability that a pair is a reference one) on the
# test pairs warped by a blend $t\,u^*$ of the true field, from $t = 0$ (unregistered) to $t = 1$
# (aligned), should rise with $t$; the local NCC and the MI of the same pairs are drawn beside it.

# %%
blends = np.linspace(0, 1, 6)


def along_the_way(D, test):
    """Mean verdict, local NCC and MI of the test pairs warped by t x the true field."""
    verdicts, nccs, mis = [], [], []
    D.eval()
    with torch.no_grad():
        for t in blends:
            moved = warp(test.moving, float(t) * test.true)
            pair = torch.cat([test.fixed, moved], 1)
            verdicts.append(torch.sigmoid(D(pair)).mean().item())
            nccs.append(local_ncc(moved, test.fixed).mean().item())
            mis.append(mutual_information(moved, test.fixed).mean().item())
    D.train()
    return np.array(verdicts), np.array(nccs), np.array(mis)


def monotone(values):  # higher at every step towards alignment, by more than rounding in all
    return bool(np.all(np.diff(values) >= 0)) and values[-1] > values[0] + 0.01


pretrained, curves = {}, {}
for task in TASKS:
    train, test = train_pairs[task], test_pairs[task]
    for seed in seeds:
        _, D = networks(seed, True)
        losses = pretrain_discriminator(D, train.fixed, train.moving, train.true,
                                        max_pixels=2 * max_pixels, seconds=pretrain_seconds,
                                        lr=2e-3, seed=seed)
        pretrained[task, seed] = {k: v.clone() for k, v in D.state_dict().items()}
        curves[task, seed] = along_the_way(D, test)
        print(f"{task}, seed {seed}: {len(losses)} steps in {pretrain_seconds} s, "
              f"last loss {np.mean(losses[-10:]):.3f} (log 4 = 1.386 is a coin toss)")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
for ax, task in zip(axes, TASKS):
    for seed in seeds:
        ax.plot(blends, curves[task, seed][0], "o-", label=f"discriminator, seed {seed}")
    ax.plot(blends, curves[task, seeds[0]][1], "s--", color="gray", label="local NCC")
    ax.plot(blends, curves[task, seeds[0]][2] / max(curves[task, seeds[0]][2].max(), 1e-8), "^:",
            color="black", label="MI / its largest value")
    ax.set_xlabel("t: pairs warped by t x the true field (1 = aligned)")
    ax.set_title(f"{task}: pretrained discriminator's mean verdict", fontsize=10)
    ax.legend(fontsize=8)
plt.show()
for task in TASKS:
    v = np.mean([curves[task, s][0] for s in seeds], axis=0)
    say("{task}: the pretrained discriminator's mean verdict goes from {v0:.2f} (unregistered) "
        "to {v1:.2f} (aligned)" + (", higher at every step: it has learned to reward alignment."
                                    if monotone(v) else ", not rising at every step: its "
                                    "first lesson has not taught it alignment."),
        task=task, v0=v[0], v1=v[-1])

# %% [markdown]
# ## Training: two tasks, three methods, the same time each
#
# Both adversarial methods start from their seed's pretrained discriminator; its seconds of
# pretraining are not counted in the networks' training time (the table's steps are the registration
# network's).

# %%
trained, fields, per_run = {}, {}, {}
for task in TASKS:
    train, test = train_pairs[task], test_pairs[task]
    for name, terms in METHODS.items():
        for seed in seeds:
            adversarial = terms["adversarial_weight"] > 0
            G, D = networks(seed, adversarial)
            if adversarial:
                D.load_state_dict(pretrained[task, seed])
            trainer = RegistrationTrainer(G, D, train.fixed, train.moving, true=train.true,
                                          smoothness_weight=smoothness_weight, lr=2e-3,
                                          seed=seed, max_pixels=2 * max_pixels if adversarial
                                          else 0.0, **terms)
            trainer.fit(seconds=run_seconds)
            start = time.perf_counter()
            u = register(G, test.fixed, test.moving)
            seconds = time.perf_counter() - start
            trained[task, name, seed] = trainer
            fields[task, name, seed] = u
            per_run[task, name, seed] = {**scores(u, test, seconds),
                                         "steps": trainer.steps_done}
    for similarity in ("ncc", "mi"):
        start = time.perf_counter()
        u = iterative_registration(test.fixed, test.moving, similarity=similarity,
                                   smoothness_weight=smoothness_weight,
                                   steps=iterative_steps, lr=0.1, grid_step=2)
        fields[task, f"iterative ({similarity.upper()})"] = u
        bounds[task, f"iterative ({similarity.upper()})"] = scores(u, test,
                                                                   time.perf_counter() - start)
for task in TASKS:
    steps = {name: np.mean([trained[task, name, s].steps_done for s in seeds])
             for name in METHODS}
    say("{task}: in {t} s each, the networks took "
        + "; ".join(f"{name} {k:.0f}" for name, k in steps.items())
        + " training steps (mean over seeds).", task=task, t=run_seconds)

# %% [markdown]
# ## What each method did

# %%
def formatted(values):
    values = {c: values.get(c, np.nan) for c in COLUMNS}
    return {c: f"{v:.{DIGITS[c]}f}" if np.isfinite(v) else "-" for c, v in values.items()}


def mean_of(task, name, column):
    return float(np.mean([per_run[task, name, s][column] for s in seeds]))


for task in TASKS:
    rows = {row: formatted(bounds[task, row])
            for row in ("no registration", "true field", "iterative (NCC)", "iterative (MI)")}
    for name in METHODS:
        rows[name] = {c: mean_and_spread([per_run[task, name, s][c] for s in seeds],
                                         DIGITS[c]) for c in COLUMNS}
    display(Markdown(f"**{task}**, test pairs (mean ± standard deviation over seeds "
                     f"{seeds}; steps: training steps in {run_seconds} s; the iterative "
                     f"method: {iterative_steps} Adam steps per pair, no training)\n\n"
                     + markdown_table(rows, columns=COLUMNS, index_name="method")))
    dice = {name: mean_of(task, name, "Dice") for name in METHODS}
    best = max(dice, key=dice.get)
    spread = {name: np.std([per_run[task, name, s]["Dice"] for s in seeds])
              for name in METHODS}
    before = bounds[task, "no registration"]["Dice"]
    gained = [name for name in METHODS if dice[name] > before + 0.01]
    clear = all(dice[best] - spread[best] > dice[n] + spread[n]
                for n in METHODS if n != best)
    say("{task}: the highest Dice among the networks is " + best + "'s, {d:.3f} against "
        "{b:.3f} before registration" + (", ahead of the others by more than the seeds' "
        "spread" if clear and len(seeds) > 1 else ", within the seeds' spread of another "
        "method or from one seed only") + ". Networks that raised the Dice by more than "
        "0.01: " + (", ".join(gained) if gained else "none") + ". The iterative method "
        "reached {it:.3f} with NCC and {mi:.3f} with MI, at {s:.3f} s per pair.",
        task=task, d=dice[best], b=before, it=bounds[task, "iterative (NCC)"]["Dice"],
        mi=bounds[task, "iterative (MI)"]["Dice"],
        s=bounds[task, "iterative (NCC)"]["s per pair"])

# %% [markdown]
# Read each table against its two bounds, no registration and the truth. The network's advantage is
# the last column: a trained network registers a pair in a forward pass, the classic optimisation
# spends a few hundred steps on every new pair (here the pairs are optimised together, which a
# single pair would not enjoy, so its real cost per pair is higher). The accuracy is another matter,
# and the tables say which way it fell here: the iterative method optimises each pair for as long as
# it is told, while a network trained for seconds has learned one answer for all pairs at once.
#
# The T1-to-CT table asks what a similarity is worth when the two images do not share an intensity
# scale. Squared local NCC asks each window for a linear relation, of either sign; between T1 and CT
# that holds in some windows (skull and scalp, brain and fluid) and not in others, so the NCC
# optimum can lie away from the true alignment, and the iterative method, which optimises it hardest,
# shows whether it does. MI asks for a relation of any form over the whole image, and the
# adversarial similarity for none written down: it learns one from the reference pairs.
#
# ## Looking at the fields
#
# One test pair per task, first seed: the moving image warped by each method, the difference from
# the fixed image (T1 to T1), and the Jacobian determinant, red where the field folds.

# %%
i = 0
for task in TASKS:
    test = test_pairs[task]
    candidates = {"true field": test.true, "iterative (NCC)": fields[task, "iterative (NCC)"],
                  "iterative (MI)": fields[task, "iterative (MI)"],
                  **{name: fields[task, name, seeds[0]] for name in METHODS}}
    fig, axes = plt.subplots(2, len(candidates), figsize=(2.6 * len(candidates), 5.4))
    for col, (name, u) in enumerate(candidates.items()):
        moved = warp(test.moving, u)[i, 0]
        if TASKS[task]:
            axes[0, col].imshow(moved, cmap="gray", vmin=0, vmax=1)
            axes[0, col].contour(test.fixed_labels[i] > 0, [0.5], colors="red",
                                 linewidths=0.6)
            axes[0, col].set_title(f"{name}: warped T1", fontsize=8)
        else:
            axes[0, col].imshow(moved - test.fixed[i, 0], cmap="RdBu", vmin=-0.5, vmax=0.5)
            axes[0, col].set_title(f"{name}: warped - fixed", fontsize=8)
        det = jacobian_determinant(u)[i]
        axes[1, col].imshow(det, cmap="viridis", vmin=0, vmax=2)
        axes[1, col].contour(det <= 0, [0.5], colors="red", linewidths=0.8)
        axes[1, col].set_title(f"det(I + grad u): {det.min():.2f} to {det.max():.2f}",
                               fontsize=8)
    for ax in axes.flat:
        ax.axis("off")
    fig.suptitle(f"{task}: warped moving image (top; CT: red outline is the fixed brain) "
                 "and Jacobian determinant (bottom, 0 to 2)")
    plt.show()

# %% [markdown]
# ## What goes wrong: smoothness, and what the discriminator learns
#
# The smoothness weight decides between fitting the image and keeping the field plausible. Without
# it, a similarity can be raised by moving pixels where no anatomy moved, noise matched to noise,
# and the field can fold. The classic optimisation shows it fastest, since it fits each pair to the end; the
# cell runs it on the T1-to-T1 test pairs with the weight at 0, at the chapter's 0.1 and at 1.

# %%
test = test_pairs["T1 to T1"]
sweep = {}
for weight in (0.0, smoothness_weight, 1.0):
    u = iterative_registration(test.fixed, test.moving, similarity="ncc",
                               smoothness_weight=weight, steps=iterative_steps, lr=0.1,
                               grid_step=2)
    sweep[f"{weight:g}"] = formatted(scores(u, test))
display(Markdown("Iterative NCC registration, T1 to T1, by smoothness weight\n\n"
                 + markdown_table(sweep, columns=["Dice", "EPE (px)", "folded (%)"],
                                  index_name="smoothness weight")))
folds = {w: float(row["folded (%)"]) for w, row in sweep.items()}
say("Folded pixels: {f0:.2f} % without smoothness, {f1:.2f} % at 0.1 and {f2:.2f} % at 1; "
    "Dice {d0}, {d1} and {d2}.", f0=folds["0"], f1=folds[f"{smoothness_weight:g}"],
    f2=folds["1"], d0=sweep["0"]["Dice"], d1=sweep[f"{smoothness_weight:g}"]["Dice"],
    d2=sweep["1"]["Dice"])

# %% [markdown]
# The discriminator's verdicts tell a second story. It was taught alignment before the network
# trained, then kept learning against the network's pairs; a discriminator can drift during that game,
# towards whatever tells the network's output apart, and away from alignment. The cell scores again,
# with the first seed's T1-to-CT discriminator after the adversarial training, the test pairs warped
# by $t\,u^*$, against its verdicts before.

# %%
task = "T1 to CT"
test = test_pairs[task]
after, nccs, _ = along_the_way(trained[task, "adversarial", seeds[0]].discriminator, test)
before = curves[task, seeds[0]][0]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(blends, before, "o-", label="discriminator, pretrained")
ax.plot(blends, after, "o-", label="discriminator, after the adversarial training")
ax.plot(blends, nccs, "s--", color="gray", label="local NCC (squared)")
ax.set_xlabel("t: pairs warped by t x the true field (1 = aligned)")
ax.set_title("T1 to CT: what each similarity says along the way to alignment", fontsize=10)
ax.legend(fontsize=8)
plt.show()
peak = float(blends[int(np.argmax(nccs))])
rise = after[-1] - after[0]
if not monotone(after):
    verdict = ((", no longer rising at every step: the game has pulled it away from judging "
                "alignment alone") if monotone(before) else ", not rising at every step")
elif rise >= 0.1:
    verdict = ", still rising at every step: it still rewards alignment"
else:
    verdict = (", rising at every step, but by {r:.2f} only: it rewards alignment, too "
               "faintly to guide the network far")
say("After the adversarial training the discriminator's mean verdict goes from {v0:.2f} "
    "(unregistered) to {v1:.2f} (aligned)" + verdict + " (pretrained: {b0:.2f} to {b1:.2f}); "
    "the local NCC goes from {n0:.3f} to {n1:.3f} and is highest at t = {tp:.2f}"
    + (", before alignment: its optimum is not the true one." if peak < 1 else ", at alignment."),
    v0=after[0], v1=after[-1], r=rise, b0=before[0], b1=before[-1], n0=nccs[0], n1=nccs[-1],
    tp=peak)
print(f"chapter ran in {time.perf_counter() - chapter_start:.0f} s ({P.name} profile)")

# %% [markdown]
# A discriminator can also succeed for the wrong reason: anything that marks the reference pairs
# apart from the network's, other than alignment, is a shortcut. Here the reference images were
# warped once, by a smooth field, with the same interpolation as the network's, and noise was added
# to both images of every pair, so that interpolation blur and identical noise give nothing away; on
# real data the reference pairs come from another source than the network's output, and such
# differences are easy to leave in.
#
# ## The survey's Section 4.6, reproduced in small
#
# | survey (Table 16) | method | loss | here |
# |---|---|---|---|
# | Fan et al. [(Fan et al., 2018)](#survey105) | U-Net registration network, discriminator as the similarity; 3-D brain MRI | adversarial + regularisation | `pretrain_discriminator`, then `RegistrationTrainer(net, D, fixed, moving, true=..., similarity=None)`; reference pairs aligned by the true field |
# | Yan et al. [(Yan et al., 2018)](#survey106) | WGAN; MR to ultrasound of the prostate, the discriminator kept as a certainty evaluator | adversarial | not built; the discriminator's verdicts above are a first look at such an evaluator |
# | Hu et al. [(Hu et al., 2018)](#survey107) | 3-D encoder-decoder; MR to ultrasound of the prostate | adversarial *regularisation* of the field, Dice of labels | not built: there, the discriminator judges the *field*, against plausible deformations, instead of the image pair |
#
# The papers registered 3-D volumes of real patients, with Dice computed on expert labels (Table 16
# lists 54 % to 82 %); here the slices are 2-D, small, simulated, and deformed by fields of a known,
# simple kind. What carries over is the set-up, the measures, and the questions to ask of a learned
# similarity; not the numbers.
#
# ## Exercises
#
# **1. The change of area.** The field $u(x, y) = (-0.3\,x,\; -0.3\,y)$ maps every pixel $p$ to
# $0.7\,p$. What is its Jacobian determinant $\det(I + \nabla u)$?

# %% tags=["answer"]
answer = ...  # a number

# %%
check("4.6.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = (1 - 0.3) ** 2
# ```
#
# $\nabla u = -0.3\,I$, so $\det(I + \nabla u) = 0.7^2 = 0.49$: every area shrinks to about half.
# A uniform shrinking never folds; a factor below $-1$ in $u$'s slope (a map $p \mapsto -c\,p$, a
# mirror) would turn the determinant's factors negative.
#
# </details>

# %% [markdown]
# **2. Build it: the spatial transformer.** Write `my_warp(image, displacement)`: images
# `(N, C, H, W)`, a field `(N, 2, H, W)` in pixels, channel 0 along $x$ (columns), 1 along $y$ (rows),
# returning $\mathrm{image}(p + u(p))$ with `F.grid_sample(..., mode="bilinear",
# padding_mode="border", align_corners=True)`. The check compares it with
# `gancourse.data.warp.warp` on a constant sub-pixel shift, a smooth random field on non-square
# images, and a shift along $x$ alone (which catches $x$ and $y$ swapped).

# %% tags=["answer"]
def my_warp(image, displacement):
    ...  # your code: the warped images, the shape of image


# %%
check("4.6.2", my_warp)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_warp(image, displacement):
#     n, _, h, w = displacement.shape
#     y, x = torch.meshgrid(torch.arange(h, dtype=image.dtype),
#                           torch.arange(w, dtype=image.dtype), indexing="ij")
#     grid_x = 2 * (x + displacement[:, 0]) / (w - 1) - 1
#     grid_y = 2 * (y + displacement[:, 1]) / (h - 1) - 1
#     grid = torch.stack([grid_x, grid_y], dim=-1)
#     return F.grid_sample(image, grid, mode="bilinear", padding_mode="border",
#                          align_corners=True)
# ```
#
# The two usual mistakes are the order of the grid's last axis (`grid_sample` wants $x$ first, while
# the image is indexed row first) and the normalisation: with `align_corners=False` the corners of
# the image, not the centres of its corner pixels, sit at $\pm 1$, and every displacement comes out
# scaled by $(W - 1)/W$.
#
# </details>

# %% [markdown]
# **3. Build it: folded pixels.** Write `my_folded_fraction(u)` for fields `(N, 2, H, W)`: the
# Jacobian determinant $(1 + \partial_x u_x)(1 + \partial_y u_y) - \partial_y u_x\, \partial_x u_y$
# with derivatives from `torch.gradient` (central differences inside, one-sided at the edges; rows are
# $y$, columns $x$), then the fraction of pixels per field where it is 0 or below, shape `(N,)`. The
# check compares it with `folded_fraction` on a mirror, on noisy fields and on smooth ones.

# %% tags=["answer"]
def my_folded_fraction(u):
    ...  # your code: (N,) fractions


# %%
check("4.6.3", my_folded_fraction)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_folded_fraction(u):
#     dux_dy, dux_dx = torch.gradient(u[:, 0], dim=(1, 2))
#     duy_dy, duy_dx = torch.gradient(u[:, 1], dim=(1, 2))
#     det = (1 + dux_dx) * (1 + duy_dy) - dux_dy * duy_dx
#     return (det <= 0).float().mean(dim=(1, 2))
# ```
#
# The determinant is of the map $p \mapsto p + u(p)$, hence the ones on the diagonal; the
# determinant of $\nabla u$ alone would call every pure shift folded. Folding is local: a field can
# be accurate on average (a low EPE) and still fold in a few pixels, which is why papers report both.
#
# </details>

# %% [markdown]
# **4. Mutual information, learned once.** The tables registered T1 to CT with MI only pair by pair.
# Train a `DisplacementUNet` with `similarity="mi"` (no discriminator) for the same time as the other
# networks, on both tasks, and add it to the tables. What does it fix, and what does it cost?
#
# <details><summary>Solution</summary>
#
# ```python
# for task in TASKS:
#     train, test = train_pairs[task], test_pairs[task]
#     G, _ = networks(seeds[0], False)
#     RegistrationTrainer(G, None, train.fixed, train.moving, similarity="mi",
#                         smoothness_weight=smoothness_weight, lr=2e-3,
#                         seed=seeds[0]).fit(seconds=run_seconds)
#     print(task, formatted(scores(register(G, test.fixed, test.moving), test)))
# ```
#
# MI scores the whole image's joint histogram: bone bright in CT and dark in T1 is as good a
# relation as any, so there is no window where the relation must be linear, and its optimum is
# nearer the true alignment between modalities than local NCC's. What it costs: bins and a
# bandwidth to choose, a gradient that is flatter far from alignment and, as a statistic of the
# whole image, less help from local detail; with images this small the histogram is thin, and each
# step is slower than NCC's, so the network takes fewer steps in the same time. Compare Dice, EPE
# and folding with the iterative MI row, and do not read more into one seed than its spread allows.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A registration network predicts a displacement field; a spatial transformer (`grid_sample` at
#   $p + u(p)$) warps the moving image with it, differentiably, so the network can learn from a
#   similarity of the warped image to the fixed one, without true fields.
# - A simulation with known fields scores what real data cannot: the end-point error. Dice of warped
#   tissue maps is what real data allows; the fraction of folded pixels (Jacobian determinant at 0 or
#   below) says whether the field is plausible. The smoothness weight decides how much a field may
#   fold; the sweep measured it, with Dice and EPE beside it.
# - A network registers a pair in one forward pass, the classic optimisation in a few hundred steps
#   per pair: the tables give both times, and whether the network is as accurate after seconds of
#   training.
# - Fan et al.'s adversarial similarity is learned from reference pairs; it asks for no intensity
#   relation, which is its promise between modalities, and it is only as good as the discriminator's
#   idea of alignment, which the chapter checked along the way from unregistered to aligned.
# - A discriminator can be taught alignment before the network trains, for free where true fields are
#   known, from reference pairs against randomly misaligned ones: its verdict then rises towards
#   alignment, the curves showed by how much, and whether that survived the adversarial game.
# - Between modalities, MSE does not apply, local NCC can prefer a wrong alignment, and MI asks only
#   for some relation between intensities; the T1-to-CT table shows what each similarity did here.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="balakrishnan2019voxelmorph"></a>Balakrishnan, Guha, Zhao, Amy, Sabuncu, Mert R., Guttag, John, Dalca, Adrian V. (2019). VoxelMorph: A Learning Framework for Deformable Medical Image Registration. *IEEE Transactions on Medical Imaging*. [doi:10.1109/TMI.2019.2897538](https://doi.org/10.1109/TMI.2019.2897538)
#
# <a id="survey105"></a>Fan, J., Cao, X., Xue, Z., Yap, P.-T., Shen, D. (2018). Adversarial similarity network for evaluating image alignment in deep learning based registration. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2018, pp. 739–746*.
#
# <a id="fan2019adversarial"></a>Fan, Jingfan, Cao, Xiaohuan, Wang, Qian, Yap, Pew-Thian, Shen, Dinggang (2019). Adversarial learning for mono- or multi-modal registration. *Medical Image Analysis*. [doi:10.1016/j.media.2019.101545](https://doi.org/10.1016/j.media.2019.101545)
#
# <a id="jaderberg2015spatial"></a>Jaderberg, Max, Simonyan, Karen, Zisserman, Andrew, Kavukcuoglu, Koray (2015). Spatial Transformer Networks. *Advances in Neural Information Processing Systems (NeurIPS)*.
#
# <a id="survey106"></a>Yan, P., Xu, S., Rastinehad, A. R., Wood, B. J. (2018). Adversarial image registration with application for mr and trus image fusion. *in: MLMI@MICCAI, 2018*.
#
# <a id="survey107"></a>Hu, Y., Gibson, E., Ghavami, N., Bonmati, E., Moore, C. M., Emberton, M., et al. (2018). Adversarial deformation regularization for training image registration neural networks. *in: MICCAI, 2018*.
