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
# # 4.4 Detection: unsupervised anomaly detection
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/4_4_detection.ipynb)
#
# *About 40 minutes to read; in the cpu profile it runs in 4.2 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains a small GAN, an encoder and an autoencoder per seed, each for a fixed
# > time: its `cpu` profile is sized to fit the book's 5-minute budget on 2 CPU cores, `smoke` for seconds
# > (the last code cell before the exercises prints how long it took). Every comparison below is between
# > networks trained for the same time in the same run, so a slower machine weakens all of them together.
#
# A supervised lesion detector needs lesions outlined by experts, many of them, of every kind it should
# find. The survey's Section 4.4 reviews another route: learn what *healthy* anatomy looks like, from
# healthy scans alone, and call anomalous whatever the model cannot reproduce. Schlegl et al.'s AnoGAN
# [(Schlegl et al., 2017)](#survey17) trains a GAN on healthy images; for a test image it searches the
# generator's latent space for the healthy image closest to it, and the difference between the two, the
# *residual*, marks the anomaly. The search minimises, over the latent vector $z$,
#
# $$\mathcal L(z) = (1 - \lambda)\, \underbrace{\textstyle\sum |x - G(z)|}_{R(z)}
#   + \lambda\, \underbrace{\textstyle\sum |f(x) - f(G(z))|}_{D(z)} ,$$
#
# a residual loss $R$ on the pixels and a *discrimination* loss $D$ on the features $f$ of an inner layer
# of the discriminator, with $\lambda = 0.1$; the final $\mathcal L$ scores the whole image, and
# $|x - G(z)|$ is the anomaly map. Chen and Konukoglu [(Chen and Konukoglu, 2018)](#survey94) and Baur et
# al. [(Baur et al., 2018)](#survey95) carried the idea to brain MRI, Baur et al. with autoencoders, whose
# reconstruction plays the role of the search. The search is slow, hundreds of gradient steps per image;
# f-AnoGAN [(Schlegl et al., 2019)](#schlegl2019fanogan) replaces it with an encoder $E$ trained, after
# the GAN, to invert the generator, with the "izi$_f$" loss (image, latent, image, plus features):
#
# $$\mathcal L_{izi_f}(x) = \tfrac{1}{n}\,\lVert x - G(E(x)) \rVert^2
#   + \tfrac{\kappa}{n_d}\,\lVert f(x) - f(G(E(x))) \rVert^2 ,$$
#
# over $n$ pixels and $n_d$ features, $\kappa = 1$; the search becomes one forward pass.
#
# Everything here is trained on healthy simulated brain slices and tested on slices with the
# simulator's lesions, whose masks are known: every pixel's verdict can be scored.
#
# **Learning goals**
# - train a DCGAN on healthy anatomy only, and find the closest healthy image to a test image by a search
#   in its latent space (AnoGAN), then by an encoder (f-AnoGAN);
# - compare both with an autoencoder's reconstruction residual, trained for the same time;
# - score anomaly maps with pixel-level AUROC and AUPRC, the best achievable Dice, and image-level AUROC,
#   and know what each hides;
# - see where residual-based detection fails: lesions as bright as healthy tissue, and healthy anatomy
#   the model never learned, which it flags as disease.

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
from IPython.display import Markdown, display

from gancourse.data import BrainSimulator, to_gan_range
from gancourse.exercises import check
from gancourse.methods.anomaly import (AutoencoderTrainer, EncoderTrainer,
                                       discriminator_features, encoder_search,
                                       latent_search, reconstruct, residual_map)
from gancourse.methods.gan import RECIPES, GANTrainer
from gancourse.metrics.detection import (average_precision, best_dice, image_auroc,
                                         pixel_auroc)
from gancourse.metrics.noise import lesion_background
from gancourse.nets import DCGANDiscriminator, DCGANGenerator, count_parameters
from gancourse.nets.autoencoder import ConvAutoencoder, DCGANEncoder
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table, mean_and_spread, say, show_grid

P = current_profile()
print(P)
chapter_start = time.perf_counter()

image_size = P.pick(smoke=32, cpu=32, gpu=64)
width, z_dim = P.pick(smoke=8, cpu=32, gpu=32), P.pick(smoke=16, cpu=64, gpu=128)
n_train = P.pick(smoke=128, cpu=2000, gpu=6000)
n_test = P.pick(smoke=24, cpu=96, gpu=256)
gan_seconds = P.seconds(smoke=2, cpu=25, gpu=240)  # the GAN of AnoGAN and f-AnoGAN
encoder_seconds = P.seconds(smoke=0.7, cpu=8, gpu=60)  # f-AnoGAN's encoder, next
autoencoder_seconds = gan_seconds + encoder_seconds  # the baseline: the same total time
search_steps = P.pick(smoke=10, cpu=100, gpu=500)  # AnoGAN's, per image (paper: 500)
seeds = P.pick(smoke=[0], cpu=[0, 1, 2], gpu=[0, 1, 2])
contrasts = P.pick(smoke=[1.0, 0.0], cpu=[1.0, 0.5, 0.25, 0.0],
                   gpu=[1.0, 0.5, 0.25, 0.0])
trained_levels = (0.3, 0.8)  # the axial levels of every training and test slice...
unseen_levels = (0.0, 0.15)  # ...but these: healthy anatomy never seen in training
anatomy = dict(contrasts=("t2",), skull_stripped=True, fov_mm=180.0)
print(f"{image_size}x{image_size} T2 slices; {n_train} healthy training slices, "
      f"{n_test} test slices; GAN {gan_seconds} s + encoder {encoder_seconds} s "
      f"against autoencoder {autoencoder_seconds} s; seeds {seeds}")

# %% [markdown]
# ## The data: healthy slices to learn from, lesions to find
#
# The slices are T2-weighted, skull-stripped (the brain alone, as brain MRI pipelines prepare them before
# anomaly detection), from a band of axial levels, mapped to $[-1, 1]$, the generator's range. In T2 the
# simulator's lesions are bright, as oedema and many tumours are; so is the cerebrospinal fluid (CSF),
# which makes brightness alone an imperfect detector. The training set has no lesion at all; half of the
# test subjects have from one to three.
#
# The simulator's `lesion_contrast` blends the lesion's tissue parameters towards white matter's without
# changing any random draw: the cell below draws the *same* test subjects at several values, so that the
# lesions keep their place and shape and lose their contrast, from `contrast = 1` (the simulator's lesion)
# to `contrast = 0` (a lesion with the T2 parameters of white matter, anomalous only by where it is).

# %%
def test_slices(contrast, seed=11, levels=trained_levels, lesion_prob=0.5, n=n_test):
    return BrainSimulator(image_size, seed=seed, lesion_prob=lesion_prob, max_lesions=3,
                          levels=levels, lesion_contrast=contrast, **anatomy).sample(n)


start = time.perf_counter()
train_batch = BrainSimulator(image_size, seed=10, levels=trained_levels,
                             **anatomy).sample(n_train)
train = to_gan_range(train_batch.t2)
tests = {c: test_slices(c) for c in contrasts}
test = tests[1.0]
same = all(torch.equal(tests[c].lesion_mask, test.lesion_mask) for c in contrasts)
unseen = BrainSimulator(image_size, seed=12, levels=unseen_levels,
                        **anatomy).sample(n_test // 2)
brain = (test.labels > 0).unsqueeze(1)  # the pixels that count: inside the brain
parenchyma = (test.labels >= 2).unsqueeze(1).float()
around = lesion_background(test.lesion_mask, parenchyma)
lesion = test.lesion_mask > 0.5


def lesion_contrast(batch):
    """Mean of (lesion - surrounding tissue) over the slices with a lesion."""
    x = to_gan_range(batch.t2)
    return float(np.mean([(x[i][lesion[i]].mean() - x[i][around[i]].mean()).item()
                          for i in range(len(x))
                          if lesion[i].any() and around[i].any()]))


measured_contrast = {c: lesion_contrast(tests[c]) for c in contrasts}
sick = test.has_lesion
print(f"slices drawn in {time.perf_counter() - start:.1f} s; the test masks are the "
      f"same at every contrast: {same}; {int(sick.sum())} of {n_test} test slices have "
      f"a lesion; lesion pixels are {lesion[brain].float().mean().item():.2%} of the brain "
      f"pixels of all {n_test} slices, {lesion[sick][brain[sick]].float().mean().item():.2%} "
      f"of those of the {int(sick.sum())} slices with a lesion")
darkest = min(contrasts)
say("Measured lesion contrast, the lesion's mean minus the tissue around it on the "
    "$[-1, 1]$ scale: "
    + "; ".join(f"{measured_contrast[c]:.2f} at contrast {c:g}" for c in contrasts)
    + ". "
    + ("At contrast {c:g} the sign turns: with white matter's T2, the darkest tissue of "
       "the brain in T2, a lesion that sits in or beside grey matter is darker than the "
       "tissue around it." if measured_contrast[darkest] < 0 else
       "Even at contrast {c:g} the lesion is no darker than the tissue around it."),
    c=darkest)

with_lesion = [int(i) for i in torch.argsort(test.lesion_mask.sum((1, 2, 3)),
                                             descending=True)[:4]]
fig, axes = plt.subplots(2, 6, figsize=(12, 4.4))
for ax, image in zip(axes[0], train[:6]):
    ax.imshow(image[0], cmap="gray", vmin=-1, vmax=1)
    ax.set_title("healthy (training)", fontsize=8)
for ax, i in zip(axes[1, :4], with_lesion):
    ax.imshow(to_gan_range(test.t2[i, 0]), cmap="gray", vmin=-1, vmax=1)
    ax.contour(test.lesion_mask[i, 0], [0.5], colors="red", linewidths=0.7)
    ax.set_title("test, lesion outlined", fontsize=8)
for ax, image in zip(axes[1, 4:], unseen.t2[:2]):
    ax.imshow(to_gan_range(image[0]), cmap="gray", vmin=-1, vmax=1)
    ax.set_title("healthy, unseen level", fontsize=8)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("Training slices (healthy only), test slices with lesions, and healthy "
             "slices from levels outside the training band")
plt.show()

# %% [markdown]
# ## Three detectors, the same architecture
#
# The GAN is chapter 3.2's DCGAN, trained with its recipe on the healthy slices. f-AnoGAN's encoder has
# the discriminator's shape with a latent vector for output (`gancourse.nets.autoencoder.DCGANEncoder`).
# The autoencoder is that encoder in front of a DCGAN generator of the same size
# (`ConvAutoencoder`): the autoencoder and the GAN with its encoder have the same encoder and the same
# decoder, and differ only in how they learn. The GAN's generator only ever sees its discriminator's
# verdicts; the autoencoder sees every healthy slice and is asked to reproduce it. One difference from
# f-AnoGAN: its features came from a WGAN-GP critic without batch norm, while here they come from the
# DCGAN discriminator, which has batch norm; the searches run it in evaluation mode (running statistics),
# so that each image's features depend on that image alone.

# %%
G = DCGANGenerator(z_dim, width, 1, image_size)
D = DCGANDiscriminator(width, 1, image_size)
E = DCGANEncoder(z_dim, width, 1, image_size)
A = ConvAutoencoder(z_dim, width, 1, image_size)
display(Markdown(markdown_table(
    {"GAN generator": {"parameters": f"{count_parameters(G):,}"},
     "GAN discriminator": {"parameters": f"{count_parameters(D):,}"},
     "f-AnoGAN encoder": {"parameters": f"{count_parameters(E):,}"},
     "autoencoder": {"parameters": f"{count_parameters(A):,}"}}, index_name="network")))

# %% [markdown]
# ## Training, on healthy slices only
#
# Per seed: the GAN for `gan_seconds`, then the encoder for `encoder_seconds` with the GAN fixed
# (`EncoderTrainer`, the izi$_f$ loss), and the autoencoder for the sum of the two
# (`AutoencoderTrainer`, the L1 loss of Baur et al.).

# %%
runs = {}
for seed in seeds:
    seed_everything(seed)
    G = DCGANGenerator(z_dim, width, 1, image_size)
    D = DCGANDiscriminator(width, 1, image_size)
    gan = GANTrainer(G, D, train, batch_size=64, seed=seed, device=P.device,
                     **RECIPES["dcgan"])
    gan.fit(seconds=gan_seconds)
    features = discriminator_features(D)
    seed_everything(seed)
    E = DCGANEncoder(z_dim, width, 1, image_size)
    encoder = EncoderTrainer(E, G, features, train, seed=seed, device=P.device)
    encoder.fit(seconds=encoder_seconds)
    seed_everything(seed)
    A = ConvAutoencoder(z_dim, width, 1, image_size)
    autoencoder = AutoencoderTrainer(A, train, seed=seed, device=P.device)
    autoencoder.fit(seconds=autoencoder_seconds)
    runs[seed] = dict(G=G, D=D, features=features, E=E, A=A, gan=gan, encoder=encoder,
                      autoencoder=autoencoder)

steps = {name: np.mean([runs[s][name].steps_done for s in seeds])
         for name in ("gan", "encoder", "autoencoder")}
izi = [runs[s]["encoder"].history["loss"] for s in seeds]
say("In the same {t:.0f} s, the GAN took {g:.0f} steps and its encoder {e:.0f}; the "
    "autoencoder took {a:.0f} (means over seeds; per seed, GAN "
    + ", ".join(str(runs[s]["gan"].steps_done) for s in seeds) + " and autoencoder "
    + ", ".join(str(runs[s]["autoencoder"].steps_done) for s in seeds)
    + "). The encoder's izi_f loss fell from {i0:.3f} to {i1:.3f} (first seed, first "
    "and last step).",
    t=autoencoder_seconds, g=steps["gan"], e=steps["encoder"], a=steps["autoencoder"],
    i0=izi[0][0], i1=izi[0][-1])

first = runs[seeds[0]]
fig, axes = plt.subplots(1, 2, figsize=(10, 5))
show_grid(first["gan"].sample(32, use_ema=False), nrow=8, ax=axes[0],
          title="GAN samples (first seed)")
show_grid(reconstruct(first["A"], train[:32]), nrow=8, ax=axes[1],
          title="autoencoder reconstructions of training slices")
plt.show()

# %% [markdown]
# ## Searching for the closest healthy image
#
# For each test image, AnoGAN's search (`latent_search`) starts from a random $z$ and takes
# `search_steps` Adam steps on it, all test images at once; f-AnoGAN's encoder and the autoencoder each
# take one forward pass. Each detector's anomaly map is $|x - \hat x|$ inside the brain. The image score
# of AnoGAN and f-AnoGAN is their paper's, $\mathcal L(z)$ and $\mathcal L_{izi_f}$; Baur et al. score
# pixels only and define none for images, so the autoencoder's is this chapter's choice: the mean absolute
# residual inside the brain, the L1 it was trained to make small. The cell also times each, per image.
#
# A fourth row needs no training at all: the image's own brightness as the anomaly map (the maximum
# inside the brain as the image score). T2 lesions are bright, so brightness is a strong detector of
# bright lesions and a useless one of lesions as dark as healthy tissue; it says how hard each task is.

# %%
METHODS = ["AnoGAN", "f-AnoGAN", "autoencoder"]


def detect(run, x, mask):
    """Each method's anomaly map, image score and seconds per image on images x."""
    out = {}
    start = time.perf_counter()
    search = latent_search(run["G"], x, run["features"], weight=0.1, steps=search_steps,
                           seed=0)
    out["AnoGAN"] = (residual_map(x, search.reconstruction, mask), search.score,
                     (time.perf_counter() - start) / len(x), search)
    start = time.perf_counter()
    fast = encoder_search(run["E"], run["G"], x, run["features"])
    out["f-AnoGAN"] = (residual_map(x, fast.reconstruction, mask), fast.score,
                       (time.perf_counter() - start) / len(x), fast)
    start = time.perf_counter()
    rebuilt = reconstruct(run["A"], x)
    ae_map = residual_map(x, rebuilt, mask)
    out["autoencoder"] = (ae_map,  # image score: the mean L1 residual inside the brain
                          ae_map.flatten(1).sum(1) / mask.flatten(1).sum(1).clamp(min=1),
                          (time.perf_counter() - start) / len(x), rebuilt)
    return out


def brightness(x, mask):
    inside = torch.where(mask, x, torch.full_like(x, -1.0))
    return inside, inside.flatten(1).max(1).values


def measures(anomaly_map, image_score, batch, mask):
    return {"pixel AUROC": pixel_auroc(anomaly_map, batch.lesion_mask, mask),
            "AUPRC": average_precision(anomaly_map, batch.lesion_mask, mask),
            "best Dice": best_dice(anomaly_map, batch.lesion_mask, mask)[0],
            "image AUROC": image_auroc(image_score, batch.has_lesion)}


results, detections = {}, {}
for c in contrasts:
    x = to_gan_range(tests[c].t2)
    for seed in seeds:
        detections[c, seed] = detect(runs[seed], x, brain)
        for name in METHODS:
            anomaly_map, score, seconds, _ = detections[c, seed][name]
            results[c, name, seed] = {**measures(anomaly_map, score, tests[c], brain),
                                      "ms per image": 1000 * seconds}
    results[c, "brightness", None] = measures(*brightness(x, brain), tests[c], brain)

COLUMNS = ["pixel AUROC", "AUPRC", "best Dice", "image AUROC", "ms per image"]
DIGITS = {"pixel AUROC": 3, "AUPRC": 3, "best Dice": 3, "image AUROC": 3,
          "ms per image": 2}


def mean_of(c, name, column):
    return float(np.mean([results[c, name, s][column] for s in seeds]))


def listed(names):
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


rows = {name: {col: mean_and_spread([results[1.0, name, s][col] for s in seeds],
                                    DIGITS[col])
               for col in COLUMNS} for name in METHODS}
untrained = results[1.0, "brightness", None]
rows["brightness (no training)"] = {
    **{col: f"{untrained[col]:.3f}" for col in COLUMNS[:4]}, "ms per image": "-"}
prevalence = lesion[brain].float().mean().item()
display(Markdown(f"Test slices at the simulator's lesion contrast, {n_test} slices; "
                 f"mean ± spread over seeds {seeds}; a random anomaly map scores 0.5 "
                 f"pixel AUROC and {prevalence:.3f} AUPRC (the fraction of lesion "
                 "pixels)\n\n"
                 + markdown_table(rows, columns=COLUMNS, index_name="method")))
def spread_of(c, name, column):
    values = [results[c, name, s][column] for s in seeds]
    return float(np.std(values, ddof=1)) if len(values) > 1 else float("nan")


def verdict(column, c=1.0):
    """Who is highest on ``column``: per-seed wins, and whether the gap beats the spread."""
    first, second = sorted(METHODS, key=lambda m: -mean_of(c, m, column))[:2]
    wins = sum(max(METHODS, key=lambda m: results[c, m, s][column]) == first
               for s in seeds)
    gap = mean_of(c, first, column) - mean_of(c, second, column)
    if len(seeds) == 1:
        return f"{first} (one seed: no spread to judge the gap of {gap:.3f} by)"
    spread = max(spread_of(c, first, column), spread_of(c, second, column))
    if gap < spread and wins == len(seeds):  # a paired win in every seed, small on the mean
        return (f"{first} in every seed, though its lead on the mean ({gap:.3f}) is less "
                f"than the spread over seeds ({spread:.3f})")
    if gap < spread:
        return (f"not separable: {first} leads on the mean by {gap:.3f}, less than the "
                f"spread over seeds ({spread:.3f}), and is highest in {wins} of "
                f"{len(seeds)} seeds")
    return f"{first}, highest in {wins} of {len(seeds)} seeds"


say("Which learned detector scores highest, column by column: pixel AUROC, "
    + verdict("pixel AUROC") + "; AUPRC, " + verdict("AUPRC") + "; best Dice, "
    + verdict("best Dice") + "; image AUROC, " + verdict("image AUROC") + ".")
if len(seeds) > 1:
    shaky = max(METHODS, key=lambda m: spread_of(1.0, m, "AUPRC"))
    trainer = "autoencoder" if shaky == "autoencoder" else "gan"
    by_seed = {s: results[1.0, shaky, s]["AUPRC"] for s in seeds}
    lo, hi = min(by_seed, key=by_seed.get), max(by_seed, key=by_seed.get)
    n_steps = {s: runs[s][trainer].steps_done for s in seeds}
    fewest = min(n_steps, key=n_steps.get)
    say("The least stable is " + shaky + ": its AUPRC went from {a_lo:.3f} (seed {lo}, "
        "{n_lo} training steps in the fixed time) to {a_hi:.3f} (seed {hi}, {n_hi} steps). "
        + ("The weakest seed is also the one that took the fewest steps, so part of the "
           "spread is the step count the fixed time allowed on this machine."
           if fewest == lo and n_steps[lo] < n_steps[hi] else
           "The weakest seed did not take the fewest steps, so the spread comes from the "
           "seed itself: the initial weights and the order of the batches."),
        a_lo=by_seed[lo], lo=lo, n_lo=n_steps[lo], a_hi=by_seed[hi], hi=hi,
        n_hi=n_steps[hi])

slow = mean_of(1.0, "AnoGAN", "ms per image")
fast = mean_of(1.0, "f-AnoGAN", "ms per image")
history = detections[1.0, seeds[0]]["AnoGAN"][3].history
last = min(10, len(history) - 1)
late_change = (history[-1] - history[-1 - last]) / history[-1 - last]
say("AnoGAN's search took {a:.1f} ms per image, {r:.0f} times f-AnoGAN's one pass "
    "({f:.2f} ms), with {n} steps per image where the paper took 500. Its mean loss "
    "(first seed) went from {h0:.1f} at the first step to {h1:.1f} at the last, and by "
    "{d:+.1%} over the last {k} steps: "
    + ("still falling, so a longer search would fit the images more closely and could "
       "change AnoGAN's place against f-AnoGAN." if late_change < -0.01 else
       "nearly flat, so a longer search would change little."),
    a=slow, f=fast, r=slow / fast, n=search_steps, h0=history[0], h1=history[-1],
    d=late_change, k=last)
light = results[1.0, "brightness", None]
outranked = [m for m in METHODS if mean_of(1.0, m, "pixel AUROC") < light["pixel AUROC"]]
say("Brightness alone, with no training, has a pixel AUROC of {b:.3f}"
    + (f", above that of {listed(outranked)}, " if outranked else ", ")
    + "yet an AUPRC of {bp:.3f} against {lo:.3f} to {hi:.3f} for the learned detectors: "
    "with lesions {p:.1%} of the brain, the bright CSF, many more pixels than the "
    "lesions, crowds the top of the ranking, which the AUROC, a ranking of pairs, "
    "barely registers. Under "
    "this class imbalance the AUROC flatters; the AUPRC does not.",
    b=light["pixel AUROC"], bp=light["AUPRC"], p=prevalence,
    lo=min(mean_of(1.0, m, "AUPRC") for m in METHODS),
    hi=max(mean_of(1.0, m, "AUPRC") for m in METHODS))

# %% [markdown]
# Read the pixel AUROC with care: the lesions are a small fraction of the brain (the table's caption
# gives it), so a map can rank
# almost every lesion pixel above most healthy ones, an AUROC near 1, and still bury the lesion under the
# false positives of the rest; AUPRC and the best Dice count those false positives. The best Dice
# chooses its threshold with the masks it is scored on, so it is an upper bound, what a threshold set in
# advance (on healthy slices, say) could reach at most. The seconds per image are for this machine and
# these sizes; what carries over is the ratio: AnoGAN pays `search_steps` forward and backward passes
# per image where the others pay one forward pass.
#
# ## The anomaly maps beside the true masks
#
# The four test slices with the largest lesions, first seed: the slice, each detector's healthy
# version (its reconstruction) and the residual, with the true lesion outlined in red.

# %%
x = to_gan_range(test.t2)
shown = detections[1.0, seeds[0]]
versions = {"AnoGAN": shown["AnoGAN"][3].reconstruction,
            "f-AnoGAN": shown["f-AnoGAN"][3].reconstruction,
            "autoencoder": shown["autoencoder"][3]}
fig, axes = plt.subplots(len(with_lesion), 7, figsize=(13, 2 * len(with_lesion) + 0.6))
for row, i in enumerate(with_lesion):
    panels = [("test slice", x[i, 0], "gray", (-1, 1))]
    for name in METHODS:
        panels += [(f"{name}: healthy version", versions[name][i, 0], "gray", (-1, 1)),
                   (f"{name}: residual", shown[name][0][i, 0], "magma", (0, 1))]
    for ax, (title, image, cmap, (lo, hi)) in zip(axes[row], panels):
        ax.imshow(image, cmap=cmap, vmin=lo, vmax=hi)
        ax.contour(test.lesion_mask[i, 0], [0.5], colors="red", linewidths=0.6)
        ax.set_title(title, fontsize=7)
        ax.axis("off")
fig.suptitle("Residual maps |x - healthy version| beside the true lesions (red)")
plt.show()

# %% [markdown]
# A residual is bright wherever the healthy version differs from the slice: at the lesion when the
# model could not draw it, and elsewhere wherever it could not draw the slice's own anatomy, at the edge
# of the ventricles, in the folds of the cortex. Those are the false positives, and they are what limits
# the AUPRC and the Dice.
#
# ## What goes wrong (1): lesions as bright as healthy tissue
#
# The residual finds what differs in *intensity*. The sweep below repeats the measures on the same test
# subjects with the lesion's contrast lowered (the same networks; the search is run again, because the
# images changed).

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
for ax, column in zip(axes, ["pixel AUROC", "AUPRC", "image AUROC"]):
    for name in METHODS:
        values = np.array([[results[c, name, s][column] for s in seeds]
                           for c in contrasts])
        ax.errorbar([measured_contrast[c] for c in contrasts], values.mean(1),
                    yerr=values.std(1, ddof=1) if len(seeds) > 1 else None,
                    marker="o", capsize=3, label=name)
    ax.plot([measured_contrast[c] for c in contrasts],
            [results[c, "brightness", None][column] for c in contrasts], "k--",
            marker=".", label="brightness")
    ax.set_xlabel("measured lesion contrast ([-1, 1] scale)")
    ax.set_title(column, fontsize=10)
axes[1].axhline(prevalence, color="gray", lw=0.8, ls=":")
axes[0].legend(fontsize=8)
fig.suptitle("Detection against the lesion's contrast (mean and spread over seeds); "
             "dotted: a random map's AUPRC")
plt.show()
sweep = {f"{c:g} ({measured_contrast[c]:.2f})": {
    name: f"{mean_of(c, name, 'pixel AUROC'):.3f} / {mean_of(c, name, 'AUPRC'):.3f}"
    for name in METHODS} for c in contrasts}
display(Markdown("Pixel AUROC / AUPRC, mean over seeds, by contrast "
                 "(measured contrast)\n\n"
                 + markdown_table(sweep, columns=METHODS, index_name="contrast")))
low = min(contrasts)
near_chance = [m for m in METHODS if mean_of(low, m, "AUPRC") < 2 * prevalence]
say("At contrast {c:g} (measured {mc:.2f}) the best AUPRC of the three is {b:.3f}, "
    "against {p:.3f} for a random map and {h:.3f} at the full contrast. "
    + (f"{listed(near_chance)} stayed below twice the random map's." if near_chance
       else "None fell below twice the random map's: a lesion of white matter's "
       "intensity in the wrong place still leaves some residual."),
    c=low, mc=measured_contrast[low], b=max(mean_of(low, m, "AUPRC") for m in METHODS),
    p=prevalence, h=max(mean_of(1.0, m, "AUPRC") for m in METHODS))
inverted = [m for m in METHODS if mean_of(low, m, "pixel AUROC") < 0.5]
if inverted:
    say("The pixel AUROC of " + listed(inverted) + " fell below 0.5 at contrast {c:g}: "
        + ("their residuals were" if len(inverted) > 1 else "its residual was")
        + " *lower* at the lesion than at healthy brain pixels. A blob "
        "of white matter's intensity is smooth and easy to reproduce, while the healthy "
        "residuals sit at edges and folds; a residual measures how hard a pixel is to "
        "draw, and this lesion (measured contrast {mc:+.2f}) is easy to draw.",
        c=low, mc=measured_contrast[low])

# %% [markdown]
# A lesion with the intensity of healthy tissue is abnormal only in where it is and what shape it has:
# a small blob of white-matter signal where grey matter or a sulcus should be. A model that reproduces
# intensities pixel by pixel has little to say about that, and at this resolution the lesion is a few
# pixels wide. Real lesions of low contrast exist (small infarcts, some multiple sclerosis plaques in
# T1, tumours that infiltrate without oedema), and Baumgartner et al.'s VA-GAN
# [(Baumgartner et al., 2017)](#survey96), which the survey reviews beside AnoGAN, was built for such
# subtle changes.
#
# ## What goes wrong (2): anatomy the model never learned
#
# A residual detector calls anomalous whatever it cannot reproduce, and it cannot reproduce anatomy it
# has not seen. The healthy slices below come from the lowest axial levels (temporal lobes, cerebellum),
# outside the band every model was trained on; none has a lesion. Two questions: does a detector's
# image score tell them from the healthy test slices of the trained band (an image AUROC of 0.5 means
# it does not; near 1, it would call every one of them abnormal), and what fraction of their brain
# pixels exceeds the threshold of the detector's best Dice on the test set (its false-positive rate
# there)? The reference for both is a fresh set of healthy slices from the trained band, drawn apart from
# the test set: the test set's healthy slices helped choose the threshold, so their rate would be
# flattered.

# %%
unseen_x = to_gan_range(unseen.t2)
unseen_brain = (unseen.labels > 0).unsqueeze(1)
fresh = BrainSimulator(image_size, seed=14, levels=trained_levels,
                       **anatomy).sample(n_test // 2)  # healthy, trained band, unseen by the threshold
fresh_x, fresh_brain = to_gan_range(fresh.t2), (fresh.labels > 0).unsqueeze(1)
is_unseen = torch.cat([torch.zeros(len(fresh_x)), torch.ones(len(unseen_x))])
false_alarms, unseen_found = {}, {}
for seed in seeds:
    found = unseen_found[seed] = detect(runs[seed], unseen_x, unseen_brain)
    known = detect(runs[seed], fresh_x, fresh_brain)
    for name in METHODS:
        threshold = best_dice(detections[1.0, seed][name][0], test.lesion_mask, brain)[1]
        false_alarms[name, seed] = {
            "image AUROC, unseen vs trained levels": image_auroc(
                torch.cat([known[name][1], found[name][1]]), is_unseen),
            "false positives, trained levels": (known[name][0] >= threshold)[
                fresh_brain].float().mean().item(),
            "false positives, unseen levels": (found[name][0] >= threshold)[
                unseen_brain].float().mean().item()}
FA_COLUMNS = list(false_alarms[METHODS[0], seeds[0]])
display(Markdown(
    f"Healthy slices only: {len(fresh_x)} fresh slices of the trained levels against "
    f"{len(unseen_x)} of unseen levels; "
    "false positives: the fraction of brain pixels at or above the best-Dice threshold "
    f"chosen on the test set (mean ± spread over seeds {seeds})\n\n"
    + markdown_table({name: {col: mean_and_spread([false_alarms[name, s][col]
                                                   for s in seeds], 3)
                             for col in FA_COLUMNS} for name in METHODS},
                     columns=FA_COLUMNS, index_name="method")))


def mean_rate(name, column):
    return float(np.mean([false_alarms[name, s][column] for s in seeds]))


# the ratio of the mean rates, the table's columns (a mean of per-seed ratios would let a
# seed with a near-zero rate on the trained levels dominate)
ratio = {name: mean_rate(name, "false positives, unseen levels")
         / max(mean_rate(name, "false positives, trained levels"), 1e-9)
         for name in METHODS}
flagged = [n for n in METHODS
           if np.mean([false_alarms[n, s]["image AUROC, unseen vs trained levels"]
                       for s in seeds]) > 0.75]
say("On healthy slices from the unseen levels, the false-positive rate at each "
    "detector's threshold was "
    + "; ".join(f"{n} {ratio[n]:.1f} times" for n in METHODS)
    + " its rate on fresh healthy slices of the trained levels (ratios of the table's "
    "means). "
    + (f"The image scores of {listed(flagged)} told unseen healthy anatomy from seen "
       "healthy anatomy with an AUROC above 0.75: they would flag healthy subjects as "
       "abnormal because their anatomy was missing from training." if flagged
       else "No detector's image score separated them with an AUROC above 0.75."))

fig, axes = plt.subplots(2, 4, figsize=(9, 4.8))
found = unseen_found[seeds[0]]
for row in range(2):
    axes[row, 0].imshow(unseen_x[row, 0], cmap="gray", vmin=-1, vmax=1)
    axes[row, 0].set_title("healthy, unseen level", fontsize=8)
    for ax, name in zip(axes[row, 1:], METHODS):
        ax.imshow(found[name][0][row, 0], cmap="magma", vmin=0, vmax=1)
        ax.set_title(f"{name}: residual", fontsize=8)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("No lesion here: every bright residual is a false positive")
plt.show()
print(f"chapter ran in {time.perf_counter() - chapter_start:.0f} s ({P.name} profile)")

# %% [markdown]
# This is the method's deepest limit: "anomalous" means "unlike the training set", not "diseased". A healthy variant missing from training (another scanner, another age group,
# another level of the head, a different field of view) is flagged as readily as a lesion, and a lesion
# the model can draw is missed. The training set *is* the definition of normal.
#
# ## The survey's Section 4.4, reproduced in small
#
# | survey (Table 14) | method | here |
# |---|---|---|
# | Schlegl et al. [(Schlegl et al., 2017)](#survey17) | AnoGAN: DCGAN, latent search with residual and discrimination losses; retinal OCT | `latent_search(G, x, discriminator_features(D), weight=0.1)` |
# | Schlegl et al. [(Schlegl et al., 2019)](#schlegl2019fanogan) (after the survey) | f-AnoGAN: an encoder trained with izi$_f$ | `EncoderTrainer`, `encoder_search` |
# | Chen and Konukoglu [(Chen and Konukoglu, 2018)](#survey94) | constrained adversarial autoencoders, brain MRI (BraTS) | not built; the autoencoder baseline is its unconstrained cousin |
# | Baur et al. [(Baur et al., 2018)](#survey95) | autoencoders (and their adversarial variants) for brain MRI | `ConvAutoencoder`, `AutoencoderTrainer` (L1) |
# | Baumgartner et al. [(Baumgartner et al., 2017)](#survey96) | VA-GAN: a map generator that turns a diseased image into a healthy one | not built |
#
# The papers worked on real scans at 64 to 128 pixels and more, with GANs trained for hours; here the
# slices are simulated, 32 pixels wide in the cpu profile, and every network trains for seconds. The
# ranking of the methods in this run is a fact about this budget, not a verdict on the papers; what
# carries over is how to measure an anomaly map, and where any residual-based detector must fail.
#
# ## Exercises
#
# **1. Build it: the best achievable Dice.** Write `my_best_dice(scores, labels)` for flat arrays (NumPy or
# torch) of anomaly scores and 0/1 lesion labels: the highest Dice, $2\,TP / (TP + FP + P)$, of
# `scores >= t` against `labels` over every threshold `t` that occurs in `scores`. Return the Dice (a
# float). The check compares it with `gancourse.metrics.detection.best_dice`, ties included.

# %% tags=["answer"]
def my_best_dice(scores, labels):
    ...  # your code: the best Dice over thresholds


# %%
check("4.4.1", my_best_dice)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_best_dice(scores, labels):
#     scores = np.asarray(scores, dtype=float).ravel()
#     labels = np.asarray(labels).ravel().astype(bool)
#     best = 0.0
#     for t in np.unique(scores):
#         predicted = scores >= t
#         best = max(best, 2 * np.sum(predicted & labels) / (predicted.sum() + labels.sum()))
#     return best
# ```
#
# One pass per distinct score: quadratic, fine for a check. The library sorts the scores once and takes
# cumulative sums of the labels, which gives TP and FP at every threshold in one pass, the same sweep
# that draws the ROC and precision-recall curves.
#
# </details>

# %% [markdown]
# **2. Build it: AnoGAN's loss.** Write the loss AnoGAN's search minimises, per image: given images `x`
# and generated images `fake` (both `(B, 1, H, W)`), their discriminator features `fx` and `ffake`
# (`(B, n_d)`), and the weight $\lambda$, return the `(B,)` tensor
# $(1 - \lambda)\sum|x - G(z)| + \lambda \sum|f(x) - f(G(z))|$, the sums over each image's pixels and
# features. The check compares it with what `latent_search` scores.

# %% tags=["answer"]
def my_anogan_loss(x, fake, fx, ffake, weight):
    ...  # your code: one loss per image


# %%
check("4.4.2", my_anogan_loss)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_anogan_loss(x, fake, fx, ffake, weight):
#     residual = (x - fake).abs().flatten(1).sum(1)
#     discrimination = (fx - ffake).abs().sum(1)
#     return (1 - weight) * residual + weight * discrimination
# ```
#
# The sums, not means, are the paper's: with $\lambda = 0.1$ the feature term's share then depends on
# how many features the layer has against how many pixels the image has, which is one reason the weight
# does not carry over between architectures unchanged.
#
# </details>

# %% [markdown]
# **3. The random detector's best Dice.** An anomaly map of random numbers gets, as its AUPRC, the
# fraction of lesion pixels (the first table's caption). What *best Dice* does it get, on this chapter's
# test slices (pixels inside the brain)? Reason with its precision and recall at a threshold, then
# compute the number from `test.lesion_mask` and `brain`. You can test your reasoning with
# `best_dice(torch.rand(test.lesion_mask.shape), test.lesion_mask, brain)`, which should come close.

# %% tags=["answer"]
answer = ...  # a number

# %%
check("4.4.3", answer, lesion_mask=test.lesion_mask, brain=brain)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# p = test.lesion_mask[brain].mean().item()  # the lesion fraction
# answer = 2 * p / (1 + p)
# ```
#
# A random map ranks lesion and healthy pixels alike, so at every threshold its precision is the lesion
# fraction $p$, whatever its recall $r$. The Dice is the harmonic mean of the two, $2pr / (p + r)$, which
# grows with $r$: the best threshold calls every pixel a lesion ($r = 1$), for a Dice of $2p/(1 + p)$,
# about twice the fraction when it is small. That is the baseline the best Dice column must be read
# against, as the fraction is the AUPRC's and 0.5 the AUROC's. A random map's measured best Dice can
# land a little above it: at a threshold below the top, chance can put a few more lesion pixels above it
# than the fraction predicts.
#
# </details>

# %% [markdown]
# **4. A threshold set in advance.** The best Dice picks its threshold with the lesion masks. Choose one
# without them, as a clinic would have to: the 99th percentile of the residual inside the brain on
# healthy slices (draw 64 new healthy slices of the trained levels with `BrainSimulator(..., seed=13)`),
# per detector, first seed. Compute the Dice at that threshold on the test slices and compare it with
# the best Dice. Which detectors lose most, and why?
#
# <details><summary>Solution</summary>
#
# ```python
# from gancourse.metrics.overlap import dice
#
# validation = BrainSimulator(image_size, seed=13, levels=trained_levels, **anatomy).sample(64)
# v_x, v_brain = to_gan_range(validation.t2), (validation.labels > 0).unsqueeze(1)
# v_found = detect(first, v_x, v_brain)
# for name in METHODS:
#     threshold = torch.quantile(v_found[name][0][v_brain], 0.99)
#     test_map = detections[1.0, seeds[0]][name][0]
#     predicted = ((test_map >= threshold) & brain).float()
#     print(name, "Dice at the healthy 99th percentile:",
#           round(dice(predicted, test.lesion_mask), 3),
#           "best Dice:", round(results[1.0, name, seeds[0]]["best Dice"], 3))
# ```
#
# A fixed percentile sets the false-positive rate on healthy tissue to about 1 %; set that against the
# lesion fraction in the first table's caption: when the two are of the same order, the false pixels
# alone are about as many as the lesion pixels, and the Dice
# at any fixed threshold can only equal or fall below the best Dice. It falls most for a detector whose lesion residuals are not
# far above its healthy residuals (its best threshold sat well above the 99th percentile, or below it),
# which the gap between its AUPRC and the random map's predicts. A detector whose healthy residuals vary
# from slice to slice (a GAN that reproduces some slices well and others badly) suffers more from one
# global threshold than one that reconstructs every healthy slice about equally well.
#
# </details>

# %% [markdown]
# ## Summary
#
# - Unsupervised anomaly detection learns healthy anatomy only and marks what the model cannot reproduce;
#   the residual $|x - \hat x|$ is the anomaly map, and each method is a way to get $\hat x$: AnoGAN's
#   latent search, f-AnoGAN's encoder, an autoencoder's reconstruction.
# - AnoGAN's search costs hundreds of forward and backward passes per image; f-AnoGAN's encoder makes it
#   one pass, as the timing column showed. The table says how the three ranked in this run, at equal
#   training time and the same architecture.
# - Pixel AUROC flatters rare lesions; AUPRC, whose random baseline is the lesion fraction, and the best
#   Dice, an upper bound for any threshold set without masks, count the false positives.
# - A residual measures intensity: lesions as bright as healthy tissue escape it, as the contrast sweep
#   measured.
# - "Anomalous" means "unlike the training set": healthy anatomy that training missed is flagged as
#   readily as disease, which the unseen axial levels measured.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey17"></a>Schlegl, T., Seeböck, P., Waldstein, S. M., Schmidt-Erfurth, U., Langs, G. (2017). Unsupervised anomaly detection with generative adversarial networks to guide marker discovery. *in: International Conference on Information Processing in Medical Imaging, Springer, 2017, pp. 146–157*. [doi:10.1007/978-3-319-59050-9_12](https://doi.org/10.1007/978-3-319-59050-9_12)
#
# <a id="survey94"></a>Chen, X., Konukoglu, E. (2018). Unsupervised detection of lesions in brain mri using constrained adversarial auto-encoders. *CoRR abs/1806.04972*. [arXiv:1806.04972](https://arxiv.org/abs/1806.04972)
#
# <a id="survey95"></a>Baur, C., Wiestler, B., Albarqouni, S., Navab, N. (2018). Deep autoencoding models for unsupervised anomaly segmentation in brain mr images. *arXiv preprint arXiv:1804.04488*. [arXiv:1804.04488](https://arxiv.org/abs/1804.04488)
#
# <a id="schlegl2019fanogan"></a>Schlegl, Thomas, Seeb\"ock, Philipp, Waldstein, Sebastian M., Langs, Georg, Schmidt-Erfurth, Ursula (2019). f-AnoGAN: Fast unsupervised anomaly detection with generative adversarial networks. *Medical Image Analysis*. [doi:10.1016/j.media.2019.01.010](https://doi.org/10.1016/j.media.2019.01.010)
#
# <a id="survey96"></a>Baumgartner, C. F., Koch, L. M., Tezcan, K. C., Ang, J. X., Konukoglu, E. (2017). Visual feature attribution using wasserstein gans. *CoRR abs/1711.08998*. [arXiv:1711.08998](https://arxiv.org/abs/1711.08998)
