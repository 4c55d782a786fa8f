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
# # 4.2 Segmentation: adversarial losses and a new contrast
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/4_2_segmentation.ipynb)
#
# *About 45 minutes to read; in the cpu profile it runs in 4.1 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains seventeen small segmenters and one CycleGAN, each for a fixed time:
# > its `cpu` profile is sized for about 4 minutes on 2 CPU cores, `smoke` for seconds (the last code
# > cell before the exercises prints how long it took). Every comparison below is between networks
# > trained for the same time in the same run (except (c), which also trains a CycleGAN first), so a
# > slower machine weakens all of them together.
#
# Nearly every segmenter the survey's Section 4.2 reviews is a U-Net [(Ronneberger et al., 2015)](#survey8) trained with a pixel
# loss; the GAN-based ones add a second network that judges the segmentation as a whole. Xue et al.'s SegAN
# [(Xue et al., 2018)](#survey49) gives the idea its clearest form. A *critic* $f_C$ looks at the image masked by the
# predicted segmentation, $x \circ S(x)$, and at the image masked by the true one, $x \circ y$, and
# extracts features at several scales; the segmenter $S$ minimises, and the critic maximises, the mean
# absolute difference of those features (the survey's Eq. 6):
#
# $$\min_{\theta_S} \max_{\theta_C} \; \frac{1}{N} \sum_{n=1}^{N}
#   \ell_{mae}\big(f_C(x_n \circ S(x_n)),\, f_C(x_n \circ y_n)\big).$$
#
# A pixel loss scores each pixel on its own; the critic's coarse features see a lesion's shape, a ragged
# edge, a blob where there should be none. Luc et al. [(Luc et al., 2016)](#luc2016semantic) used a plain conditional
# discriminator instead, on (image, segmentation) pairs, as Moeskops et al. [(Moeskops et al., 2017)](#survey52) did for brain
# MRI. A third use of the adversarial idea is different in kind: Kamnitsas et al. [(Kamnitsas et al., 2017)](#survey53) trained a
# lesion segmenter on one MR contrast and made it work on another, for which they had no labels, with a
# discriminator that tries to tell the two contrasts apart from the segmenter's *features*.
#
# The task here is the one the simulator can score exactly: brain MR slices with one to three synthetic
# lesions, segmented into background, fluid (CSF), grey matter, white matter and lesion. Lesions are the
# hard part: a small share of the pixels (printed below).
#
# **Learning goals**
# - build a U-Net segmenter with the Dice and cross-entropy losses, and score it with Dice, the 95th
#   percentile Hausdorff distance and the average symmetric surface distance;
# - add SegAN's multi-scale L1 critic and Luc et al.'s conditional discriminator, and compare both with
#   the U-Net alone, trained for the same time, over three seeds;
# - adapt a T1-trained segmenter to T2 images without T2 labels, by feature alignment and by image
#   translation, and measure what each recovers of what T2 labels would give;
# - measure, over the same seeds, how SegAN's result changes as its adversarial weight grows, and see
#   what the critic looks at.

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
import math
import textwrap
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown, display
from matplotlib.patches import Patch

from gancourse.data import BrainSimulator, to_gan_range
from gancourse.exercises import check
from gancourse.losses.segmentation import (dice_cross_entropy, dice_loss, mask_images,
                                           multiscale_l1, one_hot)
from gancourse.methods.adversarial_segmentation import (ConditionalSegmentationTrainer,
                                                        SegANTrainer)
from gancourse.methods.cyclegan import CycleGANTrainer
from gancourse.methods.domain_adaptation import (DomainAdversarialTrainer,
                                                 reverse_gradient)
from gancourse.methods.pix2pix import translate
from gancourse.methods.segmentation import SegmentationTrainer, segment
from gancourse.metrics.overlap import dice
from gancourse.metrics.surface import average_surface_distance, boundary, hausdorff_95
from gancourse.nets import (MultiScaleCritic, PatchDiscriminator, ResNetGenerator,
                            SegmentationUNet, count_parameters)
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table, mean_and_spread, say

P = current_profile()
print(P)
chapter_start = time.perf_counter()

image_size = P.pick(smoke=32, cpu=64, gpu=128)
fov_mm = 176.0  # a square around the skull-stripped brain
spacing = fov_mm / image_size  # mm per pixel: every distance below is in mm
width = P.pick(smoke=4, cpu=8, gpu=16)  # the U-Net's first level; doubles at each level
depth = P.pick(smoke=2, cpu=2, gpu=3)  # poolings
n_train = P.pick(smoke=32, cpu=600, gpu=3000)
n_test = P.pick(smoke=8, cpu=100, gpu=300)
run_seconds = P.seconds(smoke=0.4, cpu=12, gpu=40)  # every segmenter trains this long
cyclegan_seconds = P.seconds(smoke=1, cpu=30, gpu=120)
batch_size = P.pick(smoke=4, cpu=8, gpu=16)
lr = 3e-3  # Adam's learning rate for every segmenter
seeds = P.pick(smoke=[0, 1], cpu=[0, 1, 2], gpu=[0, 1, 2])  # smoke: it runs, no more
sweep_factors = P.pick(smoke=[10], cpu=[10, 100], gpu=[10, 100])
print(f"{image_size}x{image_size} slices ({spacing:.2f} mm pixels); U-Net width "
      f"{width}, depth {depth}; {n_train} training and {n_test} test subjects; each "
      f"segmenter trains for {run_seconds} s, the CycleGAN for {cyclegan_seconds} s")

# %% [markdown]
# ## The data
#
# Each simulated subject gives a T1 image, a T2 image of the same anatomy, the tissue label map and the
# lesion masks. The label map the segmenters learn is the tissue map with the lesions painted in as a
# fifth class. Training subjects (simulator seed 1) and test subjects (seed 3) are different people;
# subjects of seed 2 give unlabelled T2 images for the domain adaptation of the second half.

# %%
CLASSES = ["background", "CSF", "grey matter", "white matter", "lesion"]
LESION = CLASSES.index("lesion")


def subjects(seed, n):
    """n skull-stripped subjects: T1, T2, label maps with the lesions as class 4."""
    simulator = BrainSimulator(image_size, seed=seed, contrasts=("t1", "t2"),
                               lesion_prob=1.0, max_lesions=3, skull_stripped=True,
                               fov_mm=fov_mm)
    batch = simulator.sample(n)
    labels = batch.labels.clone()
    labels[batch.lesion_mask[:, 0] > 0.5] = LESION
    return to_gan_range(batch.t1), to_gan_range(batch.t2), labels


start = time.perf_counter()
train_t1, train_t2, train_labels = subjects(1, n_train)
_, target_t2, _ = subjects(2, n_train)  # other subjects: T2 only, never their labels
test_t1, test_t2, test_labels = subjects(3, n_test)
counts = torch.bincount(train_labels.flatten(), minlength=len(CLASSES))
fractions = counts / train_labels.numel()
print(f"{2 * n_train + n_test} subjects in {time.perf_counter() - start:.1f} s; "
      "share of the pixels: "
      + ", ".join(f"{name} {f:.1%}" for name, f in zip(CLASSES, fractions.tolist())))


def class_legend(fig):
    """A key to the label maps' colours (viridis, class 0 to 4), below the figure."""
    handles = [Patch(color=plt.cm.viridis(k / LESION), label=name)
               for k, name in enumerate(CLASSES)]
    fig.legend(handles=handles, loc="lower center", ncol=len(CLASSES), fontsize=9,
               frameon=False)


fig, axes = plt.subplots(3, 6, figsize=(12, 6.6))
for i in range(6):
    axes[0, i].imshow(test_t1[i, 0], cmap="gray", vmin=-1, vmax=1)
    axes[0, i].contour(test_labels[i] == LESION, [0.5], colors="red", linewidths=0.7)
    axes[1, i].imshow(test_labels[i], cmap="viridis", vmin=0, vmax=LESION,
                      interpolation="nearest")
    axes[2, i].imshow(test_t2[i, 0], cmap="gray", vmin=-1, vmax=1)
axes[0, 0].set_title("T1 (lesions outlined in red)", fontsize=9, loc="left")
axes[1, 0].set_title("label map (colours: key below)", fontsize=9, loc="left")
axes[2, 0].set_title("T2 of the same subjects", fontsize=9, loc="left")
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("Test subjects: the images, and what a segmenter must find")
class_legend(fig)
fig.subplots_adjust(bottom=0.07)
plt.show()

# %% [markdown]
# In T1 a lesion is darker than the white matter around it, not as dark as fluid; in T2 it is bright, and
# so is fluid. A segmenter that learned "dark blob in white matter" from T1 looks in T2 for a cue that
# is not there: that is the second half of the chapter.
#
# ## The segmenter and its loss
#
# `gancourse.nets.SegmentationUNet` is Ronneberger et al.'s U-Net, small: two 3x3 convolutions per level,
# max pooling down, bilinear upsampling and the skip connection up, one logit per class and pixel at the
# end. The loss is the sum of two: the *soft Dice loss*, one minus the Dice overlap of the softmax
# probabilities with the true masks, averaged over the classes, so that the lesion counts as much as the
# background however few pixels it has; and the cross-entropy, which gives every pixel a gradient, each
# class weighted by its rarity in the batch. Here is the Dice term by hand, against the library's.

# %%
seed_everything(0)
unet = SegmentationUNet(1, len(CLASSES), width=width, depth=depth)
logits = unet(train_t1[:4])
p, y = logits.softmax(1), one_hot(train_labels[:4], len(CLASSES))  # (B, K, H, W) each
overlap = (p * y).sum((0, 2, 3))  # (K,): summed over the batch and the pixels
sizes = p.sum((0, 2, 3)) + y.sum((0, 2, 3))
by_hand = 1 - ((2 * overlap + 1) / (sizes + 1)).mean()  # smoothing 1
print(f"U-Net with {count_parameters(unet):,} parameters; output {tuple(logits.shape)}")
print(f"soft Dice loss by hand {by_hand.item():.4f}, gancourse: "
      f"{dice_loss(logits, train_labels[:4]).item():.4f}; Dice + cross-entropy "
      f"{dice_cross_entropy(logits, train_labels[:4]).item():.4f}")


def initial_weights(seed):
    """The U-Net's initial weights for a seed: each method of that seed starts there."""
    seed_everything(seed)
    return SegmentationUNet(1, len(CLASSES), width=width, depth=depth).state_dict()


initial = {seed: initial_weights(seed) for seed in seeds}

# %% [markdown]
# ## Scoring an outline: Dice, Hausdorff 95, surface distance
#
# Dice counts pixels. A false positive blob far from the lesion costs it as much as the same number of
# pixels on the lesion's edge, yet it is a far worse error: a second lesion where there is none. Surface
# distances measure where the outlines are (`gancourse.metrics.surface`). Take the *boundary* pixels of
# each mask; for each boundary pixel of one mask, find the distance to the nearest boundary pixel of the
# other, in both directions. The **95th-percentile Hausdorff distance** (HD95) is the 95th percentile of
# all those distances (the plain Hausdorff distance, their maximum, is decided by a single stray pixel);
# the **average symmetric surface distance** (ASD here; often ASSD) is their mean, both directions
# pooled. Two empty masks are at distance 0; when exactly one is empty, a lesion missed or invented,
# there is no outline to measure to, and the library returns infinity rather than a made-up number. We
# count those slices apart and average over the rest.

# %%
sizes = (test_labels == LESION).flatten(1).sum(1)
typical = sizes.argsort()[len(sizes) // 2]  # the test slice with the median lesion size
truth = test_labels[typical] == LESION
shifted = torch.roll(truth, 2, dims=1)  # the same outline, 2 pixels to the right
stray = truth.clone()
stray[3:6, 3:6] = True  # the true lesion plus a 3x3 blob in a corner, far from it
for name, mask in (("shifted by 2 pixels", shifted), ("true + a distant blob", stray)):
    hd95 = hausdorff_95(mask, truth, spacing)
    asd = average_surface_distance(mask, truth, spacing)
    print(f"{name:22s}: Dice {dice(mask, truth):.2f}, HD95 {hd95:5.1f} mm, "
          f"ASD {asd:4.1f} mm")
print(f"nothing found: HD95 {hausdorff_95(torch.zeros_like(truth), truth)}")
blob_share = 8 / (2 * boundary(truth).sum().item() + 8)  # the blob's 8 boundary pixels
print(f"the blob's boundary is {blob_share:.0%} of all the boundary distances pooled")

fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
for ax, (title, image) in zip(axes, (("true lesion mask", truth),
                                     ("its boundary pixels", boundary(truth)),
                                     ("boundary of true + blob", boundary(stray)))):
    ax.imshow(image, cmap="gray")
    ax.set_title(title, fontsize=9)
    ax.axis("off")
fig.suptitle("The boundaries that surface distances are measured between")
plt.show()

# %% [markdown]
# Compare the two rows: which error does Dice punish more, and which HD95? HD95 leaves out the largest
# 5 % of the distances by design: a blob whose boundary is more than 5 % of all the boundary points
# pooled (printed above) sets it, a smaller one escapes it. The ASD, a mean, counts every distance, so a
# blob always moves it, in proportion to its share.

# %%
def scores(predicted, truth=test_labels):
    """Over the test slices with a lesion: lesion Dice (per slice, averaged), HD95 and
    ASD in mm (averaged over the slices with any lesion pixel predicted), the share of
    those slices; and the tissue Dice (CSF, grey, white matter), all slices."""
    lesion_dice, hd95, asd = [], [], []
    for p, t in zip(predicted == LESION, truth == LESION):
        if not t.any():
            continue  # a lesion smaller than half a pixel: nothing to outline
        lesion_dice.append(dice(p, t))
        hd95.append(hausdorff_95(p, t, spacing))
        asd.append(average_surface_distance(p, t, spacing))
    hd95, asd = np.array(hd95), np.array(asd)
    # finite when any lesion pixel is predicted anywhere in the slice, on the lesion or
    # not; infinite when none is (the truth has one)
    predicted_any = np.isfinite(hd95)

    def finite_mean(values):
        return float(values[predicted_any].mean()) if predicted_any.any() else math.nan

    tissue = [dice(predicted, truth, label=k) for k in (1, 2, 3)]
    return {"lesion Dice": float(np.mean(lesion_dice)), "HD95 (mm)": finite_mean(hd95),
            "ASD (mm)": finite_mean(asd),
            "slices with a lesion predicted": float(predicted_any.mean()),
            "tissue Dice": float(np.mean(tissue))}


FORMATS = {"lesion Dice": "{:.3f}", "HD95 (mm)": "{:.1f}", "ASD (mm)": "{:.2f}",
           "slices with a lesion predicted": "{:.0%}", "tissue Dice": "{:.3f}"}

# %% [markdown]
# ## Three segmenters, three seeds
#
# For each seed, the three methods start from the same U-Net weights and train for the same time:
#
# - **U-Net**: Dice + cross-entropy alone (`gancourse.methods.segmentation.SegmentationTrainer`);
# - **SegAN**: the same loss plus the multi-scale L1 term of Eq. 6. The critic
#   (`gancourse.nets.MultiScaleCritic`) takes the image masked by each class's map, five channels, and
#   returns its features at four scales, the masked image itself first; its weights are clipped to
#   $[-0.05, 0.05]$ after each step, as in the paper, or it could make the distance grow without bound
#   (`SegANTrainer`);
# - **conditional GAN** (Luc et al.): the same loss plus a non-saturating adversarial term from a
#   PatchGAN discriminator (chapter 3.4) that judges (image, class maps) pairs, true one-hot maps against
#   the segmenter's softmax (`ConditionalSegmentationTrainer`).
#
# Here is SegAN's loss on a batch, by hand, against the library.

# %%
critic = MultiScaleCritic(len(CLASSES), width=width, n_layers=3)
x, labels = train_t1[:4], train_labels[:4]
features_pred = critic(mask_images(x, logits.softmax(1)))  # x o S(x): 5 channels
features_true = critic(mask_images(x, one_hot(labels, len(CLASSES))))  # x o y
per_scale = [(a - b).abs().mean().item() for a, b in zip(features_pred, features_true)]
print("feature shapes:", [tuple(f.shape[1:]) for f in features_pred])
print(f"mean |difference| per scale {np.round(per_scale, 4).tolist()}, "
      f"their mean {np.mean(per_scale):.4f}")
print(f"gancourse.losses.segmentation.multiscale_l1: "
      f"{multiscale_l1(features_pred, features_true).item():.4f}")

# %%
segan_weight = 1.0
conditional_weight = 0.1


def new_unet(seed):
    unet = SegmentationUNet(1, len(CLASSES), width=width, depth=depth)
    unet.load_state_dict(initial[seed])
    return unet


def train(method, seed, weight=None, images=train_t1, labels=train_labels):
    """A U-Net trained by `method` for run_seconds from the seed's initial weights."""
    unet = new_unet(seed)
    seed_everything(seed)  # the adversary's initial weights
    common = dict(batch_size=batch_size, lr=lr, seed=seed, device=P.device)
    if method == "U-Net":
        trainer = SegmentationTrainer(unet, images, labels, **common)
    elif method == "SegAN":
        critic = MultiScaleCritic(len(CLASSES), width=width, n_layers=3)
        trainer = SegANTrainer(unet, critic, images, labels, adversarial_weight=weight,
                               **common)
    else:
        discriminator = PatchDiscriminator(1 + len(CLASSES), width=width, n_layers=2)
        trainer = ConditionalSegmentationTrainer(unet, discriminator, images, labels,
                                                 adversarial_weight=weight, **common)
    trainer.fit(seconds=run_seconds)
    return unet.eval(), trainer


weights = {"U-Net": None, "SegAN": segan_weight, "conditional GAN": conditional_weight}
results, trained = {}, {}
for seed in seeds:
    for method, weight in weights.items():
        unet, trainer = train(method, seed, weight)
        trained[method, seed] = (unet, trainer)
        results[method, seed] = {**scores(segment(unet, test_t1)),
                                 "steps": trainer.steps_done}

# %%
rows = {f"{method}, seed {seed}": row for (method, seed), row in results.items()}
display(Markdown(
    f"Lesion and tissue segmentation of {n_test} test subjects, each method trained "
    f"for {run_seconds} s per seed ({P.name} profile). Lesion Dice: per slice with a "
    "lesion, then averaged over those slices; HD95 and ASD: averaged over the slices "
    "in which any lesion pixel was predicted, anywhere (their share is the next "
    "column); tissue Dice: pooled over all pixels of each tissue, then averaged over "
    "CSF, grey and white matter\n\n"
    + markdown_table(rows, formats={**FORMATS, "steps": "{:d}"})))


def spread(values, digits):
    """Mean ± standard deviation over the seeds; a seed with no lesion predicted (NaN)
    is left out, and the count of the seeds kept is said."""
    return mean_and_spread(values, digits, all_missing="no lesion predicted")


digits = {"lesion Dice": 3, "HD95 (mm)": 1, "ASD (mm)": 2,
          "slices with a lesion predicted": 2, "tissue Dice": 3}
summary = {method: {column: spread([results[method, s][column] for s in seeds], d)
                    for column, d in digits.items()} for method in weights}
display(Markdown(f"Mean ± standard deviation over the seeds {seeds}\n\n"
                 + markdown_table(summary)))

# %%
def verdict(method, column="lesion Dice", higher_is_better=True, rows=None):
    """A method against the U-Net, seed by seed (same initial weights, same time);
    rows: the method's scores by seed, by default its rows of `results`."""
    rows = rows or {s: results[method, s] for s in seeds}
    differences = np.array([rows[s][column] - results["U-Net", s][column]
                            for s in seeds])
    if np.isnan(differences).any():
        return (f"{method}: {column} undefined in a seed (no lesion predicted): "
                "no verdict")
    sign = 1 if higher_is_better else -1
    better, worse = (sign * differences > 0).sum(), (sign * differences < 0).sum()
    mean = differences.mean()
    if better == len(seeds):
        return f"{method} beat the U-Net on {column} in every seed (mean {mean:+.3g})"
    if worse == len(seeds):
        return f"{method} did worse than the U-Net on {column}, all seeds ({mean:+.3g})"
    return (f"{method} against the U-Net on {column}: better in {better}, worse in "
            f"{worse} of {len(seeds)} seeds (mean {mean:+.3g}): no consistent winner")


for method in ("SegAN", "conditional GAN"):
    print(verdict(method))
    print(verdict(method, "HD95 (mm)", higher_is_better=False))
steps = {method: np.mean([results[method, s]["steps"] for s in seeds]) for method in weights}
say("In the same time, the segmenter took {u:.0f} steps per seed on average alone, {s:.0f} "
    "with SegAN's critic and {c:.0f} with the conditional discriminator.",
    u=steps["U-Net"], s=steps["SegAN"], c=steps["conditional GAN"])

# %% [markdown]
# Read the verdicts with the steps beside them: an adversarial method trains a second network at every
# step, so in the same time its segmenter can take fewer steps (the counts above say how many in this
# run); the verdicts say whether what the second network adds made up for any missing updates. The
# surveyed papers report their results after long training on real scans; the question this table
# answers is the practical one, what the extra network buys *for the same compute*.

# %%
fig, axes = plt.subplots(4, 6, figsize=(12, 8.3))
crop = slice(image_size // 8, 7 * image_size // 8)
shown = {"truth": test_labels}
shown.update({method: segment(trained[method, 0][0], test_t1) for method in weights})
for row, (name, labels) in enumerate(shown.items()):
    for col in range(6):
        axes[row, col].imshow(test_t1[col, 0, crop, crop], cmap="gray", vmin=-1, vmax=1)
        axes[row, col].contour(labels[col, crop, crop] == LESION, [0.5], colors="red",
                               linewidths=0.8)
        axes[row, col].contour(labels[col, crop, crop] == 1, [0.5], colors="cyan",
                               linewidths=0.4)
        axes[row, col].axis("off")
    axes[row, 0].set_title(name + ("" if name == "truth" else ", seed 0"), fontsize=9,
                           loc="left")
fig.suptitle("Lesions (red) and CSF (cyan) on test T1 slices: truth and each method")
plt.show()

# %% [markdown]
# ## Domain adaptation: from T1 to T2 without T2 labels
#
# A hospital has T1 scans with lesion outlines, and wants the segmenter for T2 scans that nobody has
# outlined. We measure four segmenters on the *T2* images of the test subjects:
#
# - **(a) no adaptation**: the U-Net trained on T1 above (seed 0), applied to T2 as it is;
# - **(b) feature alignment** (Kamnitsas et al. [(Kamnitsas et al., 2017)](#survey53), after Ganin et al.
#   [(Ganin et al., 2016)](#ganin2016domain)): trained on labelled T1 *and* unlabelled T2 images of other subjects. A
#   domain discriminator sees the segmenter's features (the bottleneck's and each decoder level's,
#   averaged down to one size) and guesses the contrast; a *gradient reversal* layer, the identity going
#   forward and minus the gradient going back, makes the segmenter learn features from which the
#   discriminator cannot tell the contrast (`gancourse.methods.domain_adaptation.DomainAdversarialTrainer`);
# - **(c) image-level adaptation**: a CycleGAN (chapter 3.5) learns to translate between the unpaired T1
#   and T2 sets, and the T1 segmenter (a) segments the *translations* of the T2 test images to T1;
# - **(d) T2 labels**: a U-Net trained on the training subjects' T2 images with their labels, the upper
#   bound that the unlabelled methods try to approach.

# %%
seed_everything(0)
aligned_unet = new_unet(0)
# it sees the bottleneck's and each decoder level's features, stacked
feature_channels = sum(aligned_unet.feature_channels)
domain_discriminator = PatchDiscriminator(feature_channels, width=2 * width, n_layers=1)
aligner = DomainAdversarialTrainer(aligned_unet, domain_discriminator, train_t1,
                                   train_labels, target_t2, adversarial_weight=0.3,
                                   batch_size=batch_size, lr=lr, seed=0,
                                   device=P.device)
aligner.fit(seconds=run_seconds)
accuracy = np.mean(aligner.history["domain_accuracy"][-50:])
print(f"feature alignment: {aligner.steps_done} steps; the domain discriminator's "
      f"accuracy over the last 50 steps {accuracy:.0%} (50 % means it cannot tell T1 "
      "features from T2 features)")
if abs(accuracy - 0.5) <= 0.1:
    print("so the features were aligned in the time given: the discriminator could "
          "barely tell the contrasts apart")
elif accuracy >= 0.8:
    print("so the features were not aligned in the time given: the discriminator "
          "still told T1 from T2 in most batches")
else:
    print("so the features were partly aligned in the time given: the discriminator "
          "told the contrasts apart more often than chance, but not reliably")

seed_everything(0)
cycle_nets = [ResNetGenerator(1, 1, width=width, n_blocks=2) for _ in range(2)]
cycle_nets += [PatchDiscriminator(1, width=width, n_layers=2, norm="instance")
               for _ in range(2)]
cyclegan = CycleGANTrainer(*cycle_nets, train_t1, target_t2, identity_weight=0.0,
                           batch_size=batch_size // 2, seed=0, device=P.device)
cyclegan.fit(seconds=cyclegan_seconds)
t2_as_t1 = translate(cycle_nets[1], test_t2)  # g_ba: T2 -> T1
error = (t2_as_t1 - test_t1).abs().mean()
print(f"CycleGAN: {cyclegan.steps_done} steps; mean absolute error of the translated "
      f"T2 test images against the subjects' true T1: {error:.3f} (on [-1, 1])")

t2_unet, t2_trainer = train("U-Net", 0, images=train_t2)
print(f"U-Net on T2 with labels: {t2_trainer.steps_done} steps")

# %%
source_unet = trained["U-Net", 0][0]
adaptation = {"(a) no adaptation": segment(source_unet, test_t2),
              "(b) feature alignment": segment(aligned_unet.eval(), test_t2),
              "(c) CycleGAN, T2 to T1 first": segment(source_unet, t2_as_t1),
              "(d) trained with T2 labels": segment(t2_unet, test_t2)}
adaptation_dice = {name: {CLASSES[k]: dice(p, test_labels, label=k)
                          for k in range(1, len(CLASSES))}
                   for name, p in adaptation.items()}
for row in adaptation_dice.values():
    row["mean"] = float(np.mean(list(row.values())))
display(Markdown(f"Dice on the T2 images of {n_test} test subjects (seed 0, {P.name} "
                 "profile), each class pooled over all the test pixels (the lesion "
                 "too, unlike the per-slice lesion Dice of the first table); (a) to "
                 "(c) never saw a T2 label\n\n"
                 + markdown_table(adaptation_dice, formats={c: "{:.3f}" for c in
                                                            CLASSES[1:] + ["mean"]})))

# %%
none = adaptation_dice["(a) no adaptation"]
upper = adaptation_dice["(d) trained with T2 labels"]
gap = upper["mean"] - none["mean"]
print(f"T2 labels against none: mean Dice {gap:+.3f}")
for name in ("(b) feature alignment", "(c) CycleGAN, T2 to T1 first"):
    changes = {c: adaptation_dice[name][c] - none[c] for c in CLASSES[1:]}
    helped = ", ".join(c for c, d in changes.items() if d > 0.05) or "no class"
    hurt = ", ".join(c for c, d in changes.items() if d < -0.05) or "no class"
    gain = adaptation_dice[name]["mean"] - none["mean"]
    share = (f"{gain / gap:.0%} of the gap to T2 labels" if gap > 0.05
             else "no gap to speak of: T2 labels did not help here")
    print(f"{name}: helped (Dice +0.05 or more) for {helped}; hurt for {hurt}; "
          f"mean Dice {gain:+.3f}, {share}")

# %%
fig, axes = plt.subplots(2, 6, figsize=(12, 4.9))
for i in range(2):
    panels = [("T2 test image", test_t2[i, 0]), ("translated to T1", t2_as_t1[i, 0])]
    panels += [(textwrap.fill(name, 18), p[i]) for name, p in adaptation.items()]
    for col, (name, image) in enumerate(panels):
        if col < 2:
            axes[i, col].imshow(image[crop, crop], cmap="gray", vmin=-1, vmax=1)
        else:
            axes[i, col].imshow(image[crop, crop], cmap="viridis", vmin=0, vmax=LESION,
                                interpolation="nearest")
        axes[i, col].axis("off")
        if i == 0:
            axes[i, col].set_title(name, fontsize=9)
fig.suptitle("Two T2 test subjects, their translation, segmentations (a) to (d)")
class_legend(fig)
fig.subplots_adjust(bottom=0.08)
plt.show()

# %% [markdown]
# Where does alignment help, and where not? The printed lines above say it for this run; the domain
# discriminator's accuracy, printed after training, says whether the features were aligned at all in
# the time it had (near 50 %) or still told the contrasts apart. Two reasons
# hold whichever way it fell. Feature alignment makes the *distributions* of features match, not the
# features of each tissue: if the discriminator can be fooled by mapping T2's bright fluid onto T1's
# bright white matter, alignment rewards exactly that swap, and the T1-trained classifier on top then
# labels fluid as white matter. Nothing in the adversarial loss knows which tissue is which; only the
# source labels and the shared anatomy constrain it. Image translation has the same blind spot one level
# down (chapter 3.5: a CycleGAN can swap tissues the discriminator cannot tell apart), but T1 and T2
# brains share their shapes, which the cycle keeps; small structures, the lesions above all, are the
# first to be lost or invented in translation, and a T1 segmenter sees only what the translation kept.
#
# ## What can go wrong: the adversarial weight
#
# The adversarial term was added with weight `segan_weight` (1) for SegAN. We train SegAN again with
# larger weights, in every seed, from the seed's initial weights and for the same time; weight 0 is the
# U-Net. The first table showed how far one seed can fall from another: a difference between weights in
# a single seed that is smaller than that spread is no evidence, so each weight is compared with the
# U-Net seed by seed, as the methods were.

# %%
sweep_weights = [0.0, segan_weight] + [f * segan_weight for f in sweep_factors]
sweep = {}  # (weight, seed) -> scores
for seed in seeds:
    sweep[0.0, seed] = results["U-Net", seed]
    sweep[segan_weight, seed] = results["SegAN", seed]
    for weight in sweep_weights[2:]:
        unet, trainer = train("SegAN", seed, weight)
        sweep[weight, seed] = scores(segment(unet, test_t1))
by_weight = {f"{w:g}": {column: spread([sweep[w, s][column] for s in seeds], d)
                        for column, d in digits.items()} for w in sweep_weights}
display(Markdown(f"SegAN by adversarial weight: mean ± standard deviation over the "
                 f"seeds {seeds}, {run_seconds} s each (weight 0: the U-Net)\n\n"
                 + markdown_table(by_weight, index_name="weight")))

fig, ax = plt.subplots(figsize=(6, 3.4))
positions = np.arange(len(sweep_weights))
for column, marker in (("lesion Dice", "o"), ("tissue Dice", "s")):
    values = np.array([[sweep[w, s][column] for s in seeds] for w in sweep_weights])
    line = ax.errorbar(positions, values.mean(1),
                       yerr=values.std(1, ddof=1) if len(seeds) > 1 else None,
                       marker=marker, capsize=3, label=f"{column}, mean ± sd")
    for k in range(len(seeds)):
        ax.plot(positions, values[:, k], marker=marker, linestyle="none", alpha=0.35,
                color=line[0].get_color(), markersize=4)
ax.set_xticks(positions, [f"{w:g}" for w in sweep_weights])
ax.set_xlabel("adversarial weight (0: the U-Net alone)")
ax.set_ylabel("Dice on the test subjects")
ax.set_title(f"SegAN: Dice against the weight of the multi-scale L1 term\n"
             f"(faint: each of the seeds {seeds})", fontsize=10)
ax.legend(fontsize=8)
plt.show()

mean_lesion = {w: np.mean([sweep[w, s]["lesion Dice"] for s in seeds])
               for w in sweep_weights}
best = max(mean_lesion, key=mean_lesion.get)
print(f"highest mean lesion Dice at weight {best:g} ({mean_lesion[best]:.3f}, the "
      f"U-Net's {mean_lesion[0.0]:.3f})")
for weight in sweep_weights[1:]:
    print(verdict(f"SegAN at weight {weight:g}",
                  rows={s: sweep[weight, s] for s in seeds}))

# %% [markdown]
# Whether a heavier term hurt in this run, the verdicts say. Why it could: the multi-scale L1 term
# compares *masked images*: where the image is near 0 (mid-grey tissue on the $[-1, 1]$ scale),
# $x \circ S(x)$ and $x \circ y$ are near 0 whatever the masks say, and the term carries no gradient
# there. Its scale-0 part is an L1 loss on the probabilities weighted by the image's intensity, and with
# a large weight it can push the segmenter towards what the critic can see, not towards the truth. The
# Dice and cross-entropy terms, which see every pixel alike, are then a small part of the loss.
#
# ## What the critic looks at
#
# We give the trained SegAN critic (seed 0) a test slice (the one with the median lesion) masked by the
# true labels, and by three wrong label maps: SegAN's own prediction; the truth *shifted* by one pixel,
# a small error on every outline; and the truth with its lesion *erased* (painted as white matter), few
# pixels but the one finding that matters. At each scale, how far are the critic's features from those
# of the true mask, and how much is that per pixel that differs?

# %%
segan_unet, segan_trainer = trained["SegAN", 0]
segan_critic = segan_trainer.critic.cpu().eval()  # its training is over
image = test_t1[typical][None]  # (1, 1, S, S)
truth_map = test_labels[typical][None]  # (1, S, S)
erased = truth_map.clone()
erased[erased == LESION] = CLASSES.index("white matter")
wrong_maps = {"SegAN's prediction": segment(segan_unet, image),
              "shifted by 1 pixel": torch.roll(truth_map, 1, dims=2),
              "lesion erased": erased}
with torch.no_grad():
    reference = segan_critic(mask_images(image, one_hot(truth_map, len(CLASSES))))
    table, per_pixel, maps = {}, {}, {}
    for name, labels in wrong_maps.items():
        features = segan_critic(mask_images(image, one_hot(labels, len(CLASSES))))
        wrong = (labels != truth_map).float().mean().item()
        distances = [(a - b).abs().mean().item() for a, b in zip(features, reference)]
        table[name] = {"pixels wrong": wrong,
                       **{f"scale {k}": d for k, d in enumerate(distances)}}
        per_pixel[name] = [d / max(wrong, 1e-12) for d in distances]
        maps[name] = [(a - b).abs().mean(1)[0] for a, b in zip(features, reference)]
scales = [f"scale {k}" for k in range(len(reference))]
display(Markdown("Mean absolute difference from the critic's features of the true "
                 "mask, per scale (scale 0 is the masked image itself)\n\n"
                 + markdown_table(table, formats={"pixels wrong": "{:.2%}",
                                                  **{c: "{:.4g}" for c in scales}})))
deepest = len(reference) - 1
lost = per_pixel["lesion erased"][deepest]
moved = per_pixel["shifted by 1 pixel"][deepest]
ratio = lost / max(moved, 1e-12)
print(f"Per wrong pixel, the critic's deepest features (scale {deepest}) move "
      f"{ratio:.2g} times as much for the erased lesion as for the one-pixel shift.")

fig, axes = plt.subplots(3, len(reference), figsize=(11, 8.2))
for row, name in enumerate(wrong_maps):
    for k, difference in enumerate(maps[name]):
        axes[row, k].imshow(difference, cmap="magma")
        axes[row, k].set_title(f"{name}, scale {k}", fontsize=9)
        axes[row, k].axis("off")
fig.suptitle("Where the critic's features differ from those of the true mask")
plt.show()
print(f"chapter ran in {time.perf_counter() - chapter_start:.0f} s ({P.name} profile)")

# %% [markdown]
# The maps show where each scale of the critic sees a difference (each map on its own colour scale; the
# table compares their sizes): at scale 0, the masked image itself,
# exactly the pixels where the masks disagree, weighted by the image's intensity; deeper, coarser
# patches in which each wrong pixel spreads over its neighbourhood. The printed ratio answers the
# question SegAN was built on, whether the critic weighs a lost lesion above its few pixels: a ratio
# near 1 means it counts wrong pixels alike, as an L1 loss would; well above 1, that its features
# single out the lesion; below 1, that pixel for pixel it notices a moved outline more than a lost
# lesion. Nothing in the critic's training asks it to single out lesions: it maximises the distance
# wherever the segmenter's masks differ most from the truth, and its input multiplies every pixel by
# the image's intensity, which for a lesion in T1 is neither the darkest nor the brightest.
#
# ## The survey's Section 4.2, reproduced in small
#
# | survey | method | what it adds to a U-Net | here |
# |---|---|---|---|
# | Xue et al. [(Xue et al., 2018)](#survey49) (Table 4) | SegAN, brain tumours (BRATS) | critic on masked images, multi-scale L1 (Eq. 6) | `SegANTrainer`, `MultiScaleCritic` |
# | Moeskops et al. [(Moeskops et al., 2017)](#survey52) (Table 4); Luc et al. [(Luc et al., 2016)](#luc2016semantic) | adversarial + cross-entropy, brain MRI | a discriminator on (image, segmentation) pairs | `ConditionalSegmentationTrainer` |
# | Kamnitsas et al. [(Kamnitsas et al., 2017)](#survey53) (Table 4) | unsupervised domain adaptation, brain lesions | a domain discriminator on the segmenter's features | `DomainAdversarialTrainer` |
# | Son et al. [(Son et al., 2017)](#survey56), Shankaranarayana et al. [(Shankaranarayana et al., 2017)](#survey58) (Table 6) | U-Net GANs for retinal vessels, optic disc and cup | a conditional discriminator on the segmentation | the same trainer, other images |
# | Kim et al. [(Kim and Ye, 2018)](#survey62) (Table 7) | CycleGAN between images and masks | cycle consistency | chapter 3.5's `CycleGANTrainer`, here for image-level adaptation |
#
# The papers trained for hours on real scans at full resolution; this chapter trains for seconds on
# simulated slices. What carries over is the method and the way to measure it, not the numbers.
#
# ## Exercises
#
# **1. Build it: the multi-scale L1 loss.** Write SegAN's loss for two lists of feature maps, one map
# per scale (the critic's features of $x \circ S(x)$ and of $x \circ y$): the mean, over the scales, of
# the mean absolute difference at that scale. The check runs it on fixed lists against
# `gancourse.losses.segmentation.multiscale_l1`.

# %% tags=["answer"]
def my_multiscale_l1(features_a, features_b):
    ...  # your code: return a number (or a one-element tensor)


# %%
check("4.2.1", my_multiscale_l1)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_multiscale_l1(features_a, features_b):
#     per_scale = [(a - b).abs().mean() for a, b in zip(features_a, features_b)]
#     return torch.stack(per_scale).mean()
# ```
#
# Each scale weighs alike, whatever its number of values: a mean per scale, then a mean over scales.
# A single mean over all values pooled would let the finest scale, with the most values, dominate.
#
# </details>

# %% [markdown]
# **2. Build it: Hausdorff 95.** Write the 95th-percentile Hausdorff distance of two non-empty 2-D bool
# masks, in pixels, by brute force: the boundary pixels of each (`gancourse.metrics.surface.boundary`),
# each one's distance to the nearest boundary pixel of the other mask (`torch.cdist`), both directions
# pooled, and `torch.quantile(..., 0.95)`. The check compares it with `hausdorff_95` on fixed pairs of
# masks: a shifted lesion, a distant blob, two lesions, a lesion with holes.

# %% tags=["answer"]
def my_hausdorff_95(a, b):
    ...  # your code: a number, in pixels


# %%
check("4.2.2", my_hausdorff_95)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_hausdorff_95(a, b):
#     pa = boundary(a).nonzero().double()  # (n, 2) row and column of each boundary pixel
#     pb = boundary(b).nonzero().double()
#     d = torch.cdist(pa, pb)  # every boundary pixel against every other
#     pooled = torch.cat([d.min(1).values, d.min(0).values])
#     return torch.quantile(pooled, 0.95).item()
# ```
#
# The library does the same, with the pixel size, the empty cases, and `cdist`'s exact mode: its
# default formula can compute a distance of 0 as a small positive number.
#
# </details>

# %% [markdown]
# **3. The reversal.** Take `x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)` and
# `loss = (reverse_gradient(x, 0.3) ** 2).sum()`. What is `x.grad[2]` after `loss.backward()`? Work it
# out by hand.

# %% tags=["answer"]
answer = ...  # a number

# %%
check("4.2.3", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = -0.3 * 2 * 3.0
# ```
#
# Going forward the layer is the identity, so the loss is $\sum x_i^2$ and its gradient $2 x_i$; going
# back the layer multiplies by $-0.3$: $-0.3 \cdot 2 \cdot 3 = -1.8$. In the domain-adversarial
# trainer, the forward pass runs segmenter, reversal, discriminator: the discriminator, after the
# reversal in the forward pass, descends its loss; the segmenter, before it, receives the reversed
# gradient and ascends it, in a single backward pass.
#
# </details>

# %% [markdown]
# **4. What gives the fake away?** Luc et al.'s discriminator compares one-hot maps with softmax
# probabilities. Compute the share of pixels whose largest probability is above 0.99 in the conditional
# GAN's predictions and in the U-Net's (seed 0), and in the true one-hot maps. Could the discriminator
# tell real from fake without looking at the image at all?
#
# <details><summary>Solution</summary>
#
# ```python
# for method in ("U-Net", "conditional GAN"):
#     probabilities = torch.softmax(trained[method, 0][0].cpu()(test_t1), 1)
#     print(method, (probabilities.max(1).values > 0.99).float().mean().item())
# ```
#
# True maps are exactly 0 or 1 everywhere (a share of 1); a softmax never is. A discriminator can tell
# them apart by their values alone, and the segmenter's way to fool it is to become confident
# everywhere, right or wrong. Luc et al. discuss this and try inputs that hide it; Xue et al.'s masked
# images hide it partly, since the critic sees the image, not the probabilities. Compare the two
# printed shares: whether the conditional GAN's is the higher one in your run is what the argument
# predicts, not what it guarantees after a few seconds of training.
#
# </details>

# %% [markdown]
# **5. Lesions in T2.** Row (a) of the adaptation table is the T1 segmenter on T2. Which tissues does it
# confuse? Make a confusion matrix of its T2 predictions against the truth
# (`torch.bincount(5 * truth.flatten() + predicted.flatten(), minlength=25).view(5, 5)`), and compare
# it with the contrast of each tissue in T1 and T2 in the figure at the top.
#
# <details><summary>Solution</summary>
#
# ```python
# predicted = adaptation["(a) no adaptation"]
# confusion = torch.bincount(5 * test_labels.flatten() + predicted.flatten(),
#                            minlength=25).view(5, 5)  # rows: truth, columns: prediction
# display(Markdown(markdown_table(
#     {CLASSES[i]: {CLASSES[j]: int(confusion[i, j]) for j in range(5)} for i in range(5)},
#     index_name="true class")))
# ```
#
# The T1 segmenter reads intensity first: in T2 the order of fluid, grey and white matter is reversed,
# so look for fluid labelled as the tissue that is bright in T1 (white matter) and white matter as the
# one that is dark (fluid). Lesions, bright in T2, would fall into the bright-in-T1 class. The matrix
# says how much of that happened in your run: read each row as where one true tissue went. Feature
# alignment can learn to undo such a swap only when the swapped features would otherwise tell the
# domains apart.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A U-Net trained with the soft Dice loss and a class-weighted cross-entropy is the baseline every
#   adversarial method here is measured against, from the same initial weights and for the same time.
#   Dice counts pixels; surface distances measure where the outlines are. The ASD, a mean, moves with
#   any stray blob; HD95 is set by a blob only when its boundary is more than 5 % of all boundary
#   points.
# - SegAN's critic and Luc et al.'s discriminator each add a network and a loss, and take time from the
#   segmenter's own steps. Whether they pay for it is a seed-by-seed comparison with the U-Net; this
#   run's verdicts are that comparison, and a difference whose sign changes from seed to seed is not a
#   finding.
# - Without T2 labels, a T1 segmenter can be adapted to T2 by aligning its features (a domain
#   discriminator behind a gradient reversal) or by translating the images first (a CycleGAN). Both
#   match distributions, not tissues, so what each recovers is measured class by class, between no
#   adaptation and a segmenter trained with T2 labels.
# - SegAN's adversarial weight is a setting to sweep over seeds like any other: a term weighted too
#   heavily can hand the segmenter to a critic that sees the image only through its intensities.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey8"></a>Ronneberger, O., Fischer, P., Brox, T. (2015). U-net: Convolutional networks for biomedical image segmentation. *in: International Conference on Medical image computing and computer-assisted intervention, Springer, 2015, pp. 234–241*. [doi:10.1007/978-3-319-24574-4_28](https://doi.org/10.1007/978-3-319-24574-4_28)
#
# <a id="survey49"></a>Xue, Y., Xu, T., Zhang, H., Long, L. R., Huang, X. (2018). Segan: Adversarial network with multi-scale l 1 loss for medical image segmentation. *Neuroinformatics (2018) 1–10*. [doi:10.1007/s12021-018-9377-x](https://doi.org/10.1007/s12021-018-9377-x)
#
# <a id="luc2016semantic"></a>Luc, P., Couprie, C., Chintala, S., Verbeek, J. (2016). Semantic segmentation using adversarial networks. *NIPS Workshop on Adversarial Training*.
#
# <a id="survey52"></a>Moeskops, P., Veta, M., Lafarge, M. W., Eppenhof, K. A., Pluim, J. P. (2017). Adversarial training and dilated convolutions for brain mri segmentation. *in: Deep Learning in Medical Image Analysis and Multimodal Learning for Clinical Decision Support, Springer, 2017, pp. 56–64*.
#
# <a id="survey53"></a>Kamnitsas, K., Baumgartner, C., Ledig, C., Newcombe, V., Simpson, J., Kane, A., et al. (2017). Unsupervised domain adaptation in brain lesion segmentation with adversarial networks. *in: International Conference on Information Processing in Medical Imaging, Springer, 2017, pp. 597–609*. [doi:10.1007/978-3-319-59050-9_47](https://doi.org/10.1007/978-3-319-59050-9_47)
#
# <a id="ganin2016domain"></a>Ganin, Y., Ustinova, E., Ajakan, H., Germain, P., Larochelle, H., Laviolette, F., et al. (2016). Domain-adversarial training of neural networks. *Journal of Machine Learning Research*.
#
# <a id="survey56"></a>Son, J., Park, S. J., Jung, K.-H. (2017). Retinal vessel segmentation in fundoscopic images with generative adversarial networks. *CoRR abs/1706.09318*. [arXiv:1706.09318](https://arxiv.org/abs/1706.09318)
#
# <a id="survey58"></a>Shankaranarayana, S. M., Ram, K., Mitra, K., Sivaprakasam, M. (2017). Joint optic disc and cup segmentation using fully convolutional and adversarial networks. *in: Fetal, Infant and Ophthalmic Medical Image Analysis, Springer, 2017, pp. 168–176*.
#
# <a id="survey62"></a>Kim, B., Ye, J. C. (2018). Cycle-consistent adversarial network with polyphase u-nets for liver lesion segmentation. *Medical Imaging with Deep Learning (MIDL)*.
