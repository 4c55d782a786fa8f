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
# # 4.1 Synthesis: new labelled cases from edited lesion masks, and can anyone tell?
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/4_1_synthesis.ipynb)
#
# *About 45 minutes to read; in the cpu profile it runs in 2.6 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains a label-to-image generator, a dozen small lesion segmenters, five
# > classifiers that play a Turing test and a 3-D generator. Its `cpu` profile is sized for
# > under 5 minutes on 2 CPU cores, `smoke` for seconds; the cell before the exercises
# > prints how long it took.
#
# The survey's Section 4.1 reviews GANs that *synthesise* medical images, from noise
# (Section 4.1.1, Table 1) or from a condition such as a label map or another image
# (Section 4.1.2, Tables 2 and 3). Part I built the tools; this chapter asks what synthetic
# images are *for*, and how to check them. Its conditional generator is chapter 3.3's
# pix2pix [(Isola et al., 2017)](#survey4), trained on the survey's Eq. 2,
#
# $$\min_G \max_D \; \mathbb{E}_{x}[\log D(x \mid c)]
#   + \mathbb{E}_{z}[\log(1 - D(G(z \mid c) \mid c))],$$
#
# with $c$ a label map: where grey matter, white matter and fluid are, and where a lesion
# is. Shin et al. [(Shin et al., 2018)](#shin2018medical) trained such a generator on brain MRI with tumour
# labels and then *edited the labels*, moving, growing and adding tumours, to render new
# labelled cases, for two purposes: more training data for a tumour segmenter
# (augmentation), and images that belong to no real patient (anonymisation). Guibas et al.
# [(Guibas et al., 2017)](#survey30) and Costa et al. [(Costa et al., 2017)](#survey28) did the same from vessel maps to
# retinal images, Mahapatra et al. [(Mahapatra et al., 2018)](#survey38) from perturbed segmentation maps to
# chest X-rays. We repeat the idea in small, where the simulator knows the truth.
#
# The survey ends its Section 4.1 with a warning: in many visual Turing tests real and
# generated images were *easy* to tell apart, because of artefacts such as the
# checkerboard pattern of transposed convolutions
# [(Frid-Adar et al., 2018)](#survey14) [(Chuquicusma et al., 2018)](#survey15) [(Hu et al., 2017)](#survey35), and some authors blurred both sets before showing
# them to raters, which hides the artefact but also the detail the task may need. We
# measure both.
#
# **Learning goals**
# - train a generator from a tissue map and a lesion mask to two MR contrasts, on a few
#   labelled subjects, and render new cases from edited masks;
# - measure, over seeds and against real-only and classic augmentation, whether the new
#   cases help a lesion segmenter on held-out real subjects;
# - run a visual Turing test, yourself (a widget) and with an automated observer (a
#   classifier two-sample test), and read its score with a confidence interval;
# - test whether a checkerboard gives fakes away, and whether smoothing hides it;
# - check whether a synthetic case copies a training subject (anonymisation);
# - synthesise a whole 3-D volume, look through it and save it as NIfTI.

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
import os
import tempfile
import time

import matplotlib.pyplot as plt
import numpy as np
import scipy.stats
import torch
from IPython.display import Markdown, display

from gancourse.data import BrainSimulator, load_nifti, save_nifti, to_gan_range
from gancourse.data.mask_edit import add_lesion, grow_mask, move_mask, random_edits
from gancourse.exercises import check
from gancourse.methods.lesion_segmentation import (segment_lesions,
                                                   train_lesion_segmenter)
from gancourse.methods.label_to_image import LesionWeightedPix2PixTrainer
from gancourse.methods.pix2pix import translate
from gancourse.methods.volume_translation import (VolumeTranslationTrainer,
                                                  translate_volumes)
from gancourse.metrics import dice, memorisation_check, psnr
from gancourse.metrics.domain import checkerboard, gaussian_blur
from gancourse.metrics.lesions import lesion_contrast
from gancourse.metrics.two_sample import classifier_two_sample_test
from gancourse.nets import PatchDiscriminator, UNet3D, UNetGenerator, count_parameters
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.turing_test import TuringTest, score_text, turing_test_widget
from gancourse.viz import markdown_table, mean_and_spread, show_grid, slice_viewer

P = current_profile()
print(P)
chapter_start = time.perf_counter()

image_size = P.pick(smoke=32, cpu=64, gpu=128)
n_labelled = P.pick(smoke=8, cpu=16, gpu=16)  # few labelled subjects: the point
n_test = P.pick(smoke=32, cpu=300, gpu=600)  # held-out real subjects, for every score
width = P.pick(smoke=8, cpu=16, gpu=32)  # the U-Net generator's width
print(f"{image_size}x{image_size} slices; {n_labelled} labelled subjects for training, "
      f"{n_test} held out; generator width {width}")

# %% [markdown]
# ## Data: tissue maps, lesion masks, and two contrasts
#
# Each simulated subject (one axial slice) comes with its tissue fractions (background,
# CSF, grey matter, white matter), a lesion mask (most subjects have one or two lesions,
# some none), and two skull-stripped MR images: T1-weighted, where a lesion is darker than
# grey matter, and T2-weighted, where it is bright like fluid. The tissue maps do not show
# the lesions; the mask does. A **small labelled set** trains everything in this chapter;
# the scores come from **held-out subjects** (another seed).

# %%
def simulate(seed, n, size=image_size):
    """n subjects with tissue maps, lesion masks, and T1 and T2 images."""
    simulator = BrainSimulator(size, seed=seed, contrasts=("t1", "t2"), lesion_prob=0.7,
                               max_lesions=2, levels=(0.2, 1.0), skull_stripped=True)
    return simulator.sample(n)


def condition_of(tissue, lesion_mask):
    """The generator's input: 4 tissue channels and the lesion mask, in [-1, 1]."""
    return to_gan_range(torch.cat([tissue, lesion_mask], dim=1))


def images_of(batch):
    """The generator's target: T1 and T2 as two channels, in [-1, 1]."""
    return to_gan_range(torch.cat([batch.t1, batch.t2], dim=1))


def parenchyma(tissue):
    """Where lesions may lie: mostly grey or white matter; a 0/1 mask (N, 1, S, S)."""
    return ((tissue[:, 2:3] + tissue[:, 3:4]) > 0.5).float()


start = time.perf_counter()
labelled, held_out = simulate(0, n_labelled), simulate(1, n_test)
x_real, y_real = images_of(labelled), labelled.lesion_mask
x_test, y_test = images_of(held_out), held_out.lesion_mask
print(f"simulated in {time.perf_counter() - start:.1f} s; "
      f"{int(labelled.has_lesion.sum())} of the {n_labelled} labelled subjects have "
      f"lesions; lesions cover {100 * y_test.mean():.2f} % of the held-out pixels")

fig, axes = plt.subplots(1, 5, figsize=(12, 2.6))
k = int(labelled.has_lesion.float().argmax())  # the first subject with a lesion
panels = [(labelled.tissue[k, 2], "grey matter (condition)", "magma"),
          (labelled.tissue[k, 3], "white matter (condition)", "magma"),
          (y_real[k, 0], "lesion mask (condition)", "magma"),
          (labelled.t1[k, 0], "T1 (target)", "gray"),
          (labelled.t2[k, 0], "T2 (target)", "gray")]
for ax, (picture, title, cmap) in zip(axes, panels):
    ax.imshow(picture, cmap=cmap, vmin=0, vmax=1)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
fig.suptitle("One labelled subject: the condition and the two images it should produce")
plt.show()

# %% [markdown]
# ## A generator from labels to images
#
# Chapter 3.3's pix2pix, with five condition channels (4 tissue fractions and the lesion
# mask) and two output channels (T1 and T2): a U-Net generator, a PatchGAN discriminator
# that judges (condition, images) pairs, and the L1 loss with weight 100. It learns from
# the labelled subjects only, the same few that the segmenter will have.
#
# One change. A lesion covers a tiny share of the pixels (printed below), and pix2pix's
# L1 term is a mean over all of them: whether the generator paints the lesion or not
# hardly moves it (exercise 5 measures how faint the lesions come out without the change
# below). The segmenter, though, learns from nothing *but* the lesion. So the L1 distance
# of every lesion pixel counts `lesion_weight` times: a simple lesion-aware weighting, in
# the spirit of Jiang et al.'s tumour-aware loss [(Jiang et al., 2018)](#survey27), which
# instead keeps tumours through CycleGAN translation with a tumour segmentation loss
# (`gancourse.methods.label_to_image.LesionWeightedPix2PixTrainer`; with
# `lesion_weight=1` it is pix2pix).

# %%
seed_everything(0)
G = UNetGenerator(in_channels=5, out_channels=2, image_size=image_size, width=width)
D = PatchDiscriminator(in_channels=5 + 2, width=width, n_layers=3)
print(f"generator {count_parameters(G):,} parameters, "
      f"discriminator {count_parameters(D):,}")
lesion_weight = 20.0
share = y_real.mean().item()  # the lesion pixels' share of all training pixels
weighted_share = lesion_weight * share / (lesion_weight * share + 1 - share)
print(f"lesion pixels: {100 * share:.2f} % of the training pixels; weighted "
      f"{lesion_weight:g} times, they carry {100 * weighted_share:.0f} % of the L1 "
      "term's weight")
gan_seconds = P.seconds(smoke=3, cpu=60, gpu=240)
trainer = LesionWeightedPix2PixTrainer(G, D, condition_of(labelled.tissue, y_real),
                                       x_real, lesion_weight=lesion_weight,
                                       device=P.device)
history = trainer.fit(seconds=gan_seconds)
print(f"{trainer.steps_done} steps in {history['seconds'][-1]:.0f} s on "
      f"{n_labelled} pairs")
G = G.cpu()
reconstructed = translate(G, condition_of(held_out.tissue, y_test))
print(f"on held-out subjects, from their own labels: mean absolute error "
      f"{(reconstructed - x_test).abs().mean():.3f} (images in [-1, 1]); PSNR T1 "
      f"{psnr((reconstructed[:, :1] + 1) / 2, (x_test[:, :1] + 1) / 2, 1.0):.1f} dB")

# %% [markdown]
# ## Editing the masks
#
# `gancourse.data.mask_edit` holds Shin et al.'s edits: `move_mask` shifts a lesion,
# `grow_mask` grows or shrinks it one $3 \times 3$ step at a time, `add_lesion` draws a
# new elliptical one, and `random_edits` picks one edit per case from a seeded generator.
# Each edit is cut to an `allowed` region, here the brain's grey and white matter: a lesion
# that moves out of the brain is not a lesion. A subject with no lesion always gets one.

# %%
allowed = parenchyma(labelled.tissue)
one = y_real[k:k + 1]
edits = {"original": one, "moved (3, -4)": move_mask(one, (3, -4), allowed[k:k + 1]),
         "grown by 1": grow_mask(one, 1, allowed[k:k + 1]),
         "shrunk by 1": grow_mask(one, -1, allowed[k:k + 1]),
         "lesion added": add_lesion(one, (image_size // 3, image_size // 2), (2.5, 1.5),
                                    0.5, allowed[k:k + 1])}
fig, axes = plt.subplots(2, len(edits), figsize=(12, 5))
for j, (name, mask) in enumerate(edits.items()):
    rendered = translate(G, condition_of(labelled.tissue[k:k + 1], mask))
    axes[0, j].imshow(mask[0, 0], cmap="magma", vmin=0, vmax=1)
    axes[0, j].set_title(f"mask: {name} ({int(mask.sum())} px)", fontsize=8)
    axes[1, j].imshow(rendered[0, 1], cmap="gray", vmin=-1, vmax=1)
    axes[1, j].set_title("generated T2", fontsize=8)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("Edited lesion masks of one subject, and the T2 images rendered from them")
plt.show()

# %% [markdown]
# Now the new labelled cases: every labelled subject's tissue map with several randomly
# edited masks, each rendered by the generator. The mask *is* the label of the new case.

# %%
edits_per_subject = P.pick(smoke=2, cpu=8, gpu=16)
edit_stream = torch.Generator().manual_seed(0)
new_masks, kinds = [], []
for _ in range(edits_per_subject):
    masks, names = random_edits(y_real, allowed, edit_stream,
                                max_shift=image_size // 10)
    new_masks.append(masks)
    kinds += names
new_masks = torch.cat(new_masks)
source = torch.arange(n_labelled).repeat(edits_per_subject)  # whose anatomy each has
x_synthetic = translate(G, condition_of(labelled.tissue[source], new_masks))
y_synthetic = new_masks
print(f"{len(x_synthetic)} synthetic cases: "
      + ", ".join(f"{kinds.count(kind)} {kind}" for kind in ("move", "grow", "add")))
show_grid(torch.cat([x_synthetic[:8, 1:2], 2 * y_synthetic[:8] - 1]), nrow=8,
          figsize=(12, 3.4), title="synthetic cases: generated T2 (top), mask (bottom)")
plt.show()

# %% [markdown]
# ## Do synthetic cases help a lesion segmenter?
#
# The same small segmenter (`gancourse.nets.LesionSegmenter`, four convolutions; trained
# with cross-entropy plus soft Dice by `gancourse.methods.lesion_segmentation`) on T1 and
# T2, trained on
#
# 1. the real labelled subjects only;
# 2. the same with classic augmentation (random flips and shifts, drawn for every batch);
# 3. the real subjects plus the synthetic cases, with the same augmentation;
# 4. the synthetic cases only, with the same augmentation (as Guibas et al. and Chartsias
#    et al. [(Chartsias et al., 2017)](#survey25) tried);
#
# each for the same number of steps, with several seeds, scored by Dice on the held-out
# real subjects (all their pixels pooled).

# %%
seeds = P.pick(smoke=[0, 1], cpu=[0, 1, 2], gpu=[0, 1, 2, 3, 4])
segmenter_steps = P.pick(smoke=5, cpu=300, gpu=600)
regimes = {
    "real only": (x_real, y_real, False),
    "real + classic augmentation": (x_real, y_real, True),
    "real + synthetic": (torch.cat([x_real, x_synthetic]),
                         torch.cat([y_real, y_synthetic]), True),
    "synthetic only": (x_synthetic, y_synthetic, True),
}
start = time.perf_counter()
scores = {}  # regime -> Dice per seed
for name, (x, y, augment) in regimes.items():
    models = [train_lesion_segmenter(x, y, steps=segmenter_steps, batch_size=8, width=8,
                                     augment=augment, seed=seed) for seed in seeds]
    scores[name] = np.array([dice(segment_lesions(model, x_test), y_test)
                             for model in models])
print(f"{len(regimes) * len(seeds)} segmenters trained in "
      f"{time.perf_counter() - start:.0f} s")

baseline = scores["real + classic augmentation"]
table = {}
for name, values in scores.items():
    row = {"cases": len(regimes[name][1])}
    row.update({f"seed {s}": f"{v:.3f}" for s, v in zip(seeds, values)})
    row["mean ± sd"] = mean_and_spread(values, 3)
    gain = mean_and_spread(values - baseline, 3, signed=True)
    row["gain over classic (paired)"] = "" if values is baseline else gain
    table[name] = row
display(Markdown(f"Dice on {n_test} held-out real subjects, per segmenter seed "
                 f"({P.name} profile)\n\n"
                 + markdown_table(table, index_name="training set")))


# %%
def verdict(name, reference="real + classic augmentation"):
    """Whether a regime beats the reference, from the paired gains over seeds."""
    gain = scores[name] - scores[reference]
    error = gain.std(ddof=1) / np.sqrt(len(gain))  # standard error of the mean gain
    # half-width of the mean gain's 95 % t-interval, len(gain) - 1 degrees of freedom
    limit = scipy.stats.t.ppf(0.975, len(gain) - 1) * error
    if gain.mean() > limit:
        return f"{name}: better than {reference} by {gain.mean():.3f} Dice"
    if gain.mean() < -limit:
        return f"{name}: worse than {reference} by {-gain.mean():.3f} Dice"
    return (f"{name}: no difference from {reference} that {len(gain)} seeds can "
            f"resolve ({gain.mean():+.3f} Dice, 95 % interval ± {limit:.3f})")


print(verdict("real + classic augmentation", "real only"))
print(verdict("real + synthetic"))
print(verdict("synthetic only"))
helps = (scores["real + synthetic"] - baseline).mean() > 0
print(f"verdict: in this run, synthetic cases {'raised' if helps else 'did not raise'} "
      f"the mean Dice over classic augmentation alone")

# %% [markdown]
# What a segmenter learns from a synthetic case is what the generator painted where the
# mask says "lesion". We measure it the way chapter 3.5 measured lesions that vanish in
# translation: `gancourse.metrics.lesions.lesion_contrast`, the mean intensity inside a
# lesion minus the mean in a 2-pixel ring of brain tissue around it, per image, in real
# held-out images, in images generated from the same subjects' true masks, and in the
# synthetic cases with edited masks.

# %%
contrast_rows = {}
for name, images, masks, tissue in (
        ("real held-out subjects", x_test, y_test, held_out.tissue),
        ("generated from their true masks", reconstructed, y_test, held_out.tissue),
        ("synthetic cases (edited masks)", x_synthetic, y_synthetic,
         labelled.tissue[source])):
    contrast_rows[name] = {
        f"{contrast} lesion contrast": mean_and_spread(
            lesion_contrast(images[:, j:j + 1], masks, parenchyma(tissue)).numpy(), 2)
        for j, contrast in enumerate(("T1", "T2"))}
display(Markdown("Lesion minus surrounding tissue, mean ± sd over images with a lesion "
                 "(intensities in [-1, 1])\n\n"
                 + markdown_table(contrast_rows, index_name="images")))
t2_real = lesion_contrast(x_test[:, 1:], y_test, parenchyma(held_out.tissue)).mean()
t2_fake = lesion_contrast(x_synthetic[:, 1:], y_synthetic,
                          parenchyma(labelled.tissue[source])).mean()
print(f"the synthetic cases' lesions have {100 * t2_fake / t2_real:.0f} % of the real "
      f"lesions' T2 contrast")

# %% [markdown]
# Read the verdicts, not just the means: a gain whose 95 % t-interval over the seeds
# contains zero is one these seeds cannot tell from noise (with three seeds the interval
# reaches 4.3 standard errors either side of the mean, the t quantile for 2 degrees of
# freedom). What can synthetic cases add? New lesion
# *positions and shapes* on known anatomy: that is what the mask edits vary. What can they
# not add? Anything the generator did not learn from the few real subjects: if it paints
# lesions fainter than real ones (the contrast table measures by how much), or too
# cleanly (no noise, no bias field), the segmenter learns a cue that held-out images do
# not have, and a segmenter trained on synthetic cases alone has no real case to correct
# it. Shin et al. reported better
# tumour segmentation with synthetic cases added to the real ones, and comparable results
# from synthetic cases alone [(Shin et al., 2018)](#shin2018medical), with a generator trained far longer
# on far more subjects; Chartsias et al. found synthetic data alone a few percent behind
# real data [(Chartsias et al., 2017)](#survey25). The table above says what happened with a briefly trained
# generator and a handful of subjects.
#
# ## Can anyone tell? A visual Turing test
#
# Chuquicusma et al. [(Chuquicusma et al., 2018)](#survey15) showed radiologists real and generated nodule
# patches and asked which were which. Try it: the widget below shows 20 T1 slices, half
# real (held-out subjects) and half generated (from the labels, with edited masks, of
# *other* held-out subjects, so that no anatomy appears twice), in random order. At the
# end it gives your score with a 95 % Wilson interval
# [(Wilson, 1927)](#wilson1927probable), and the chance that someone who only guesses would do as
# well. (It needs a running Python kernel: on the static web page the buttons do
# nothing.)

# %%
edited, _ = random_edits(y_test, parenchyma(held_out.tissue),
                         torch.Generator().manual_seed(1))
fake_pool = translate(G, condition_of(held_out.tissue, edited))
real_t1, fake_t1 = x_test[:, :1], fake_pool[:, :1]  # the T1 channel
half = len(real_t1) // 2  # real from one half of the subjects, generated from the other
reader_test = TuringTest(real_t1[:half], fake_t1[half:],
                         n=P.pick(smoke=4, cpu=20, gpu=20), seed=0)
turing_test_widget(reader_test)

# %% [markdown]
# ### An automated observer: the classifier two-sample test
#
# A web page cannot play, so an observer that can plays for it. Lopez-Paz and Oquab
# [(Lopez-Paz and Oquab, 2017)](#lopezpaz2017revisiting) turned the Turing test into a statistical test: train a
# classifier to tell set A from set B on half of each, count how often it is right on the
# other half. If the sets come from the same distribution, no classifier beats chance: its
# count of right answers is Binomial($n$, 1/2). `gancourse.metrics.two_sample` does it
# with a small slice classifier. We run it five times:
#
# - real against other real slices: the control, which should sit near 50 %;
# - real against real slices with a faint checkerboard added (`checkerboard`, amplitude
#   0.03 in [-1, 1]: the period-2 pattern that stride-2 transposed convolutions leave
#   [(Odena et al., 2016)](#odena2016deconvolution)), raw and with both sets smoothed
#   (Gaussian, $\sigma = 1.5$ pixels, as Hu et al. did [(Hu et al., 2017)](#survey35));
# - real against our generator's slices, raw and with both sets smoothed.

# %%
real_a, real_b = real_t1[:half], real_t1[half:]
other_real = images_of(simulate(2, half))[:, :1]
c2st_steps = P.pick(smoke=5, cpu=200, gpu=400)
sigma = 1.5
smooth = lambda images: gaussian_blur(images, sigma)  # noqa: E731
comparisons = {
    "real vs real (control)": (real_a, other_real),
    "real vs real + checkerboard": (real_a, checkerboard(other_real, 0.03)),
    "the same, both smoothed": (smooth(real_a), smooth(checkerboard(other_real, 0.03))),
    "real vs generated": (real_a, fake_t1[half:]),
    "real vs generated, both smoothed": (smooth(real_a), smooth(fake_t1[half:])),
}
start = time.perf_counter()
tests = {name: classifier_two_sample_test(a, b, steps=c2st_steps, batch_size=32,
                                          width=8, seed=0)
         for name, (a, b) in comparisons.items()}
print(f"{len(tests)} two-sample tests in {time.perf_counter() - start:.0f} s")
c2st_table = {name: {"images tested": t["n"],
                     "accuracy (%)": f"{100 * t['accuracy']:.1f}",
                     "95 % interval (%)": f"{100 * t['low']:.0f}-{100 * t['high']:.0f}",
                     "p-value (guessing)": f"{t['p_value']:.2g}"}
              for name, t in tests.items()}
display(Markdown(f"Accuracy of the classifier on held-out halves ({P.name} profile); "
                 "50 % is chance\n\n"
                 + markdown_table(c2st_table, index_name="sets compared")))

# %%
def tells(name):
    """Whether the test's interval lies above chance."""
    return tests[name]["low"] > 0.5


for name in tests:
    print(f"{name:34s}: the classifier {'CAN' if tells(name) else 'cannot'} tell "
          f"the sets apart (interval {'above' if tells(name) else 'includes'} 50 %)")
drop = (tests["real vs real + checkerboard"]["accuracy"]
        - tests["the same, both smoothed"]["accuracy"])
print(f"smoothing both sets changed the checkerboard test's accuracy by "
      f"{-100 * drop:+.1f} points")
pattern = checkerboard(torch.zeros(1, 1, 32, 32), 0.5)  # the pattern alone
left = smooth(pattern)[..., 8:-8, 8:-8].abs().max() / pattern.abs().max()
print(f"a Gaussian of sigma {sigma} leaves {left:.1e} of the checkerboard's amplitude")

# %% [markdown]
# A period-2 checkerboard lives at the highest frequency an image can hold, where a
# Gaussian of $\sigma = 1.5$ pixels leaves almost nothing (printed above): compare the two
# checkerboard rows to see what that does to the test. The same smoothing
# removes every other fine detail too, the noise texture and the edges of small lesions
# among them, which is the survey's caveat: a blurred Turing test can only vouch for what
# survives the blur. Compare the two "generated" rows the same way. A pix2pix generator
# fed only a label map cannot reproduce the scanner's noise (chapter 3.3); those rows say
# whether the classifier noticed, and whether smoothing hid what it noticed.
#
# The classifier that learned the raw comparison can play the reader's game: a
# `TuringTest` of images it never saw, scored with the same interval as a human's would
# be.

# %%
observer = tests["real vs generated"]["model"]
n_turing = P.pick(smoke=4, cpu=40, gpu=40)
game = TuringTest(other_real, fake_t1[:half], n=n_turing, seed=1)
result = game.play(lambda image: bool(observer(image[None]).argmax(1).item() == 1))
print("automated observer: " + score_text(result))

# %% [markdown]
# ## Anonymisation: does a synthetic case copy a training subject?
#
# Shin et al. proposed synthetic cases as anonymised data: images of no real patient. The
# memorisation check of chapter 3.2 asks, for each synthetic case, how far it lies from
# its nearest training image, and compares that with how far new real images lie
# (`gancourse.metrics.memorisation_check`; a ratio far below 1 means copies). We run it on
# the augmentation cases above (rendered from the training subjects' own tissue maps) and,
# for contrast, on cases rendered from the tissue maps of subjects the generator never saw,
# with the same edited masks cut to each new subject's grey and white matter (a lesion
# outside the brain is not a lesion).

# %%
unseen = simulate(3, len(x_synthetic))  # subjects the generator never saw
unseen_masks = y_synthetic * parenchyma(unseen.tissue)  # cut to each new brain
new_anatomy = translate(G, condition_of(unseen.tissue, unseen_masks))
print(f"cut to the unseen subjects' brains, the edited masks keep "
      f"{100 * unseen_masks.sum() / y_synthetic.sum():.0f} % of their lesion pixels")
memo = {"edited masks on training anatomy":
        memorisation_check(x_synthetic, x_real, x_test),
        "the same masks, cut to unseen anatomy":
        memorisation_check(new_anatomy, x_real, x_test)}
on_training = memo["edited masks on training anatomy"]
own = (on_training["nearest_index"] == source.numpy()).mean()
display(Markdown(markdown_table({
    name: {"median distance to nearest training image": f"{m['median_generated']:.2f}",
           "held-out real": f"{m['median_held_out']:.2f}", "ratio": f"{m['ratio']:.2f}",
           "closer than any held-out image (%)": f"{100 * m['copies']:.0f}"}
    for name, m in memo.items()}, index_name="synthetic cases")))
print(f"the nearest training image of a synthetic case is the subject whose tissue "
      f"map it was rendered from in {100 * own:.0f} % of cases")

case = np.argsort(on_training["distances"])[:4]
nearest = on_training["nearest_index"][case]
show_grid(torch.cat([x_synthetic[case, :1], x_real[nearest, :1]]), nrow=4,
          figsize=(8, 4.3), title="the four synthetic cases closest to a training "
                                  "subject (top, T1) and that subject (bottom)")
plt.show()

# %% [markdown]
# Compare the two rows of the table. A label-to-image generator draws the anatomy it is
# given: a case rendered from a training subject's own tissue map is that subject's
# anatomy with an edited lesion (the printed share says how often its nearest training
# image is that very subject); whatever the ratio, such a case is no more anonymous than
# a defaced scan. Cases rendered from anatomy the generator never
# saw are judged by the second row. Anonymisation by synthesis therefore needs *new label
# maps* too. Costa et al. first translated real vessel trees into retinal images
# [(Costa et al., 2017)](#survey28); in their follow-up [(Costa et al., 2018)](#survey29) an adversarial
# autoencoder generates the vessel trees as well, and Guibas et al.
# [(Guibas et al., 2017)](#survey30) generate them with a second GAN, before translating them.
#
# ## In 3-D: a tissue volume to a T1 volume
#
# Jin et al. [(Jin et al., 2018)](#survey46) and Wei et al. [(Wei et al., 2018)](#survey34) synthesise whole volumes
# with 3-D U-Nets. `gancourse.nets.UNet3D` is a small one (3-D convolutions, trilinear
# upsampling); `gancourse.methods.volume_translation` trains it with the L1 loss alone,
# chapter 3.3's baseline, because a 3-D discriminator would add its own cost to every
# step.
# With two volumes per step the weights jitter, so we keep their moving average (the
# loop's `ema_decay`) and use that.
# The condition is the 4-channel tissue volume, the target the T1 volume. The baseline
# needs no training: each voxel's T1 as a least-squares combination of its tissue
# fractions, the same weights everywhere.

# %%
size_3d = P.pick(smoke=16, cpu=32, gpu=64)
n_volumes = P.pick(smoke=2, cpu=12, gpu=40)
start = time.perf_counter()
simulator_3d = BrainSimulator(size_3d, seed=10, skull_stripped=True)
train_3d = simulator_3d.volumes(n_volumes)
test_3d = BrainSimulator(size_3d, seed=11, skull_stripped=True).volumes(2)
condition_3d, target_3d = to_gan_range(train_3d.tissue), to_gan_range(train_3d.t1)
spacing_3d = simulator_3d.fov_mm / size_3d  # the field of view over the voxels, in mm
print(f"{n_volumes} training volumes of {size_3d}^3 voxels "
      f"({spacing_3d:.2f} mm each) simulated in {time.perf_counter() - start:.1f} s")

seed_everything(0)
width_3d = P.pick(smoke=4, cpu=8, gpu=16)
G3 = UNet3D(in_channels=4, out_channels=1, width=width_3d, levels=2)
trainer_3d = VolumeTranslationTrainer(G3, condition_3d, target_3d, batch_size=2,
                                      lr=3e-3, ema_decay=0.98, device=P.device)
trainer_3d.fit(seconds=P.seconds(smoke=2, cpu=40, gpu=180))
G3_average = trainer_3d.averages["generator"].cpu()  # steadier than the last weights
predicted_3d = translate_volumes(G3_average, to_gan_range(test_3d.tissue))
predicted_3d = (predicted_3d + 1) / 2  # back to [0, 1], like the simulator's T1

# the baseline: T1 = sum_k w_k (fraction of tissue k), least squares over the voxels
fractions = train_3d.tissue.movedim(1, -1).reshape(-1, 4)
weights = torch.linalg.lstsq(fractions, train_3d.t1.reshape(-1, 1)).solution
baseline_3d = (test_3d.tissue.movedim(1, -1) @ weights).movedim(-1, 1)

brain_3d = test_3d.labels.unsqueeze(1) >= 1  # CSF, grey and white matter
errors = {}
for name, volume in (("tissue-fraction regression", baseline_3d.clamp(0, 1)),
                     (f"3-D U-Net, {trainer_3d.steps_done} steps", predicted_3d)):
    difference = (volume - test_3d.t1)[brain_3d].abs().mean()
    volume_psnr = 10 * torch.log10(1 / ((volume - test_3d.t1) ** 2).mean())  # range 1
    errors[name] = {"mean absolute error in the brain": f"{difference:.4f}",
                    "PSNR, whole volumes (dB)": f"{volume_psnr:.1f}"}
display(Markdown(f"Error against the known T1 volumes of {len(test_3d.t1)} held-out "
                 f"subjects ({P.name} profile; intensities in [0, 1])\n\n"
                 + markdown_table(errors, index_name="T1 from the tissue volume")))
better = min(errors, key=lambda n: float(errors[n]["mean absolute error in the brain"]))
print(f"lower error in the brain: {better}")
ms_3d = 1000 * trainer_3d.seconds / trainer_3d.steps_done
ms_2d = 1000 * trainer.seconds / trainer.steps_done
print(f"time per step: 3-D U-Net {ms_3d:.0f} ms ({trainer_3d.batch_size} volumes); "
      f"2-D pix2pix {ms_2d:.0f} ms ({trainer.batch_size} slices, generator and "
      "discriminator)")

# %% [markdown]
# The regression starts with an advantage here: inside the brain the simulator's T1 is
# close to a weighted sum of the tissue fractions (the template's own intensities, a bias
# field and noise on top), so a network has to learn that sum before its view of the
# neighbourhood can add anything, in the few steps it gets here (the table's row name
# says how many). The printed line says which was ahead in this run; the `gpu` profile
# trains longer, at $64^3$. Compare also the time per step printed above with the 2-D
# generator's: memory and time grow with the cube of the side, which is why the 3-D GANs
# of the survey's Table 2 train on GPUs, often on patches of a volume.

# %%
middle = size_3d // 2
views = [("true T1", test_3d.t1), ("3-D U-Net", predicted_3d),
         ("regression", baseline_3d.clamp(0, 1))]
fig, axes = plt.subplots(2, 3, figsize=(9, 6))
for j, (name, volume) in enumerate(views):
    axes[0, j].imshow(volume[0, 0, middle], cmap="gray", vmin=0, vmax=1)
    axes[0, j].set_title(f"{name}: axial", fontsize=9)
    axes[1, j].imshow(volume[0, 0, :, middle].flip(0), cmap="gray", vmin=0, vmax=1)
    axes[1, j].set_title(f"{name}: coronal", fontsize=9)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle(f"A held-out subject at {size_3d}^3 voxels: the middle slices")
plt.show()

# %% [markdown]
# Slide through the synthetic volume (the book's slice viewer), and save it as NIfTI, the
# file format every MRI tool reads (open it in ITK-SNAP, 3D Slicer or nibabel):

# %%
folder = tempfile.mkdtemp(prefix="gancourse_")
path = save_nifti(predicted_3d[0, 0], os.path.join(folder, "synthetic_t1.nii.gz"),
                  spacing_mm=(spacing_3d,) * 3)
reloaded, affine = load_nifti(path)
voxel_mm = np.linalg.norm(affine[:3, :3], axis=0)  # the length of each voxel axis
print(f"saved {path.name} ({os.path.getsize(path) / 1024:.0f} KB), voxels of "
      f"{voxel_mm[0]:.2f} mm, shape {tuple(reloaded.shape)}; largest difference after "
      f"reloading {(reloaded - predicted_3d[0, 0]).abs().max():.1e}")
slice_viewer(predicted_3d[0, 0], axis=0, vmin=0, vmax=1)

# %% [markdown]
# ## What of the survey's Tables 1 to 3 this chapter reproduces, in small

# %%
verb = lambda name: "found" if tells(name) else "missed"  # noqa: E731
rows = {
    "Shin et al., 2018 (not in the survey's tables)": {
        "their setting": "label maps + tumour masks to brain MRI; edited masks",
        "here": f"{n_labelled} subjects, tissue + lesion mask to T1 and T2 at "
                f"{image_size} px; {len(x_synthetic)} edited cases",
        "what it needed": f"paired labels and images; {trainer.steps_done} "
                          "pix2pix steps"},
    "[14] Frid-Adar et al., DCGAN": {
        "their setting": "liver lesion patches, augmentation for a classifier",
        "here": "augmentation measured against classic augmentation over seeds "
                "(and chapter 3.6)",
        "what it needed": f"{len(regimes) * len(seeds)} segmenters, held-out data"},
    "[15] Chuquicusma et al., DCGAN": {
        "their setting": "visual Turing test with two radiologists",
        "here": "Turing test widget; a classifier as automated observer",
        "what it needed": f"{n_turing} images; a score with its interval"},
    "[35] Hu et al., spatially conditioned GAN": {
        "their setting": "raters spotted checkerboards; blurring hid them",
        "here": f"checkerboard {verb('real vs real + checkerboard')} raw, "
                f"{verb('the same, both smoothed')} after smoothing (sigma {sigma})",
        "what it needed": f"{len(tests)} two-sample tests of "
                          f"{tests['real vs real (control)']['n']} images each"},
    "[30] Guibas et al., GAN + pix2pix": {
        "their setting": "vessel maps to retinal images; a U-Net trained on synthetic "
                         "pairs only, slightly worse than on real",
        "here": "the 'synthetic only' row of the Dice table",
        "what it needed": "a label-to-image generator"},
    "[28, 29] Costa et al., pix2pix (+ adversarial autoencoder)": {
        "their setting": "real vessel trees to retinal images; then generated trees",
        "here": "masks rendered on unseen anatomy (the memorisation table)",
        "what it needed": "a label map for every new case"},
    "[25] Chartsias et al., CycleGAN": {
        "their setting": "synthetic data only: a few % worse than real",
        "here": "the 'synthetic only' row (chapter 3.5 for CycleGAN)",
        "what it needed": "the same"},
    "[38] Mahapatra et al., conditional GAN": {
        "their setting": "perturbed segmentation maps to X-rays",
        "here": "edited lesion masks (gancourse.data.mask_edit)",
        "what it needed": "masks kept inside the brain"},
    "[46] Jin et al., [24] Zhao et al., [34] Wei et al., 3-D conditional GANs": {
        "their setting": "3-D U-Net generators, volumes to volumes",
        "here": f"tissue to T1 at {size_3d}^3 with L1 only (no discriminator)",
        "what it needed": f"{trainer_3d.steps_done} steps of a "
                          f"{count_parameters(G3):,}-parameter 3-D U-Net"},
}
display(Markdown(markdown_table(rows, index_name="survey reference")))
print(f"chapter ran in {time.perf_counter() - chapter_start:.0f} s ({P.name} profile; "
      f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")

# %% [markdown]
# Unconditional synthesis (Table 1: Bermudez et al.'s brain slices [(Bermudez et al., 2018)](#survey18)) is
# chapter 3.2's DCGAN; class-conditional lesion patches, chapter 3.6's AC-GAN.
#
# ## Exercises
#
# **1. Build it: grow a mask by hand.** Write `my_grow(mask)` for a batch of 0/1 masks
# `(N, 1, H, W)`: a pixel belongs to the grown mask when any pixel of its $3 \times 3$
# neighbourhood is in the mask (a dilation), and nothing wraps round the image's edges.
# The check compares it with `grow_mask(mask, 1)` on fixed masks. Hint: the largest value
# in each $3 \times 3$ window.

# %% tags=["answer"]
def my_grow(mask):
    ...  # your code: a (N, 1, H, W) tensor of 0s and 1s


# %%
check("4.1.1", my_grow)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_grow(mask):
#     return torch.nn.functional.max_pool2d(mask, 3, stride=1, padding=1)
# ```
#
# The maximum over a $3 \times 3$ window is 1 exactly when one of its pixels is; padding
# by one keeps the size (`max_pool2d` pads with $-\infty$, so the border adds nothing).
# Shrinking is the same on the background: `1 - max_pool2d(1 - mask, ...)`.
#
# </details>

# %% [markdown]
# **2. The Wilson interval.** An observer labels 20 images and gets 14 right. Compute the
# lower end of the 95 % Wilson interval by hand ($z = 1.96$; the formula is in the
# docstring of `gancourse.metrics.two_sample.wilson_interval`).

# %% tags=["answer"]
answer = ...  # a number between 0 and 1

# %%
check("4.1.2", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 0.481
# ```
#
# $\hat p = 0.7$, $z^2 = 3.8416$. Centre $(0.7 + 3.8416/40)/(1 + 3.8416/20) = 0.7960/1.1921
# = 0.6678$; half-width $1.96/1.1921 \cdot \sqrt{0.21/20 + 3.8416/1600} = 1.6442 \cdot
# 0.1136 = 0.1868$. The interval is about $0.481$ to $0.855$: it contains 0.5, so 14 of 20
# does not show, at this confidence, that the observer can tell.
#
# </details>

# %% [markdown]
# **3. Chance alone.** For the same observer, what is the probability that someone who
# only guesses gets 14 or more of 20 right?

# %% tags=["answer"]
answer = ...  # a probability

# %%
check("4.1.3", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 60460 / 2 ** 20
# ```
#
# $\sum_{i=14}^{20} \binom{20}{i} / 2^{20} = (38760 + 15504 + 4845 + 1140 + 190 + 20 + 1)
# / 1048576 = 60460 / 1048576 \approx 0.058$. Just above the usual 0.05, consistent with
# the interval of exercise 2 containing one half.
#
# </details>

# %% [markdown]
# **4. Build it: the memorisation ratio.** Write `my_memorisation_ratio(generated,
# training, held_out)`, three batches of images `(N, C, H, W)`: for each generated image,
# the Euclidean distance (over all its pixels and channels) to its nearest training image;
# the same for each held-out image; and the median of the first over the median of the
# second. It is the `ratio` that `memorisation_check` returned in the anonymisation
# table. Hint: `torch.cdist` on `images.flatten(1)`, then `.min(1)` and `.median()`.

# %% tags=["answer"]
def my_memorisation_ratio(generated, training, held_out):
    ...  # your code: a number


# %%
check("4.1.4", my_memorisation_ratio)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_memorisation_ratio(generated, training, held_out):
#     def nearest(images):  # each image's distance to its nearest training image
#         return torch.cdist(images.flatten(1), training.flatten(1)).min(1).values
#
#     return (nearest(generated).median() / nearest(held_out).median()).item()
# ```
#
# The held-out images say how far a *new* real image usually lies from the training set;
# a generator that copies puts its images much closer than that, and the ratio falls far
# below 1. Medians, not means, so that a few odd images do not decide. A ratio near 1 does
# not prove anonymity: a case can keep a subject's anatomy and still be far from that
# subject's image, if its lesion or its texture differs (the anonymisation section).
#
# </details>

# %% [markdown]
# **5. Without the lesion weight.** Set `lesion_weight = 1` (plain pix2pix) and rerun.
# How faint are the generated lesions now (the contrast table), and what happens to the
# "real + synthetic" and "synthetic only" rows?
#
# <details><summary>Solution</summary>
#
# Change `lesion_weight = 20.0` to `1.0` in the generator's cell and run the chapter again
# from there. The printed weight share is now just the lesion pixels' own share of the
# training pixels (the first number on that line). What to look for: whether the two
# generated rows of the contrast table move towards zero and the printed percentage of
# the real T2 contrast falls. A segmenter trained on faint lesions is told "lesion" where
# the image shows little, so the "synthetic only" row is the one to watch first, then
# "real + synthetic" against classic augmentation. Read the change against this run's
# tables: the difference between the two runs' "synthetic only" rows is what the weight
# bought. If, with the weight, the synthetic rows still trail classic augmentation (the
# verdicts above say whether they do in your run), the weight alone does not close the
# gap, and the contrast table says how far the lesions still fall short of real ones.
# Judge each row by its verdict (the t-interval), not by its mean.
#
# </details>

# %% [markdown]
# **6. Anonymous anatomy.** Render the synthetic cases from the tissue maps of *new*
# subjects (`simulate(4, ...)`) with the edited masks cut to each new subject's grey and
# white matter (`y_synthetic * parenchyma(...)`, as the anonymisation cell does), and
# train the "real + synthetic" segmenter on those. Does new anatomy change the Dice? And
# the memorisation ratio (your function of exercise 4, or `memorisation_check`)?
#
# <details><summary>Solution</summary>
#
# ```python
# fresh = simulate(4, len(y_synthetic))
# fresh_masks = y_synthetic * parenchyma(fresh.tissue)  # no lesion outside the brain
# x_fresh = translate(G, condition_of(fresh.tissue, fresh_masks))
# models = [train_lesion_segmenter(torch.cat([x_real, x_fresh]),
#                                  torch.cat([y_real, fresh_masks]),
#                                  steps=segmenter_steps, batch_size=8, width=8,
#                                  augment=True, seed=seed) for seed in seeds]
# scores["real + synthetic, new anatomy"] = np.array(
#     [dice(segment_lesions(model, x_test), y_test) for model in models])
# print(verdict("real + synthetic, new anatomy"))
# print(verdict("real + synthetic, new anatomy", "real + synthetic"))
# print(memorisation_check(x_fresh, x_real, x_test)["ratio"])
# ```
#
# Compare the ratio with the two rows of this run's memorisation table: the generator
# draws the anatomy it is given, so the ratio should follow the tissue maps (the second
# row, unseen anatomy) rather than the masks. The Dice can go either way. New anatomy
# adds variety that the training subjects' own maps cannot, but the generator learned
# from only a few subjects and may render unseen anatomy less faithfully (compare the
# held-out error printed after training), and the cut masks lose lesion pixels (the
# anonymisation cell prints the share that survives the cut).
# The second verdict says whether these seeds can tell the two kinds of synthetic case
# apart at all.
#
# </details>

# %% [markdown]
# **7. Fewer or more real subjects.** Set `n_labelled` to 8 and to 64 and rerun. Does the
# gain from synthetic cases over classic augmentation grow as real labels become scarcer,
# as Shin et al. and Frid-Adar et al. suggest?
#
# <details><summary>Solution</summary>
#
# Change `n_labelled` in the setup cell and run the whole chapter, once for each value;
# the held-out subjects stay the same, so the Dice tables are comparable. Put the "gain
# over classic (paired)" column and the verdicts of the three runs (8, this run's
# value, 64) side by side. Two effects pull against each other. Fewer real subjects
# leave the segmenter more to gain from new lesion positions, but the generator learns
# from the same few subjects, so its lesions and textures get worse too; more subjects
# help the real-only segmenters directly and leave less for synthetic cases to add.
# Shin et al.'s and Frid-Adar et al.'s generators learned from more cases than this
# chapter's, so a gain that does not grow here does not contradict them. Note also
# that the generator's time and the segmenters' steps stay fixed: with 64 subjects each
# one is seen less often. A trend counts only where the gains differ by more than their
# intervals; with three seeds the intervals are wide.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A label-to-image generator turns edited masks into new labelled cases; whether they
#   help a segmenter is a measurement against classic augmentation, over seeds, on
#   held-out real data, and this chapter's table is that measurement.
# - A Turing test's score needs its interval: 20 images cannot show a small difference.
#   A classifier two-sample test is a tireless observer; the table shows what it made of
#   a faint checkerboard, and of the same sets smoothed, which hides fine artefacts along
#   with every other fine detail.
# - Rendering from a real subject's anatomy does not anonymise it; the nearest-neighbour
#   check measures how close each case stays to the subject it came from.
# - A 3-D U-Net trained with L1 alone (pix2pix's baseline, no discriminator) runs on
#   whole volumes, at a cost per step that grows with the cube of the side (its time per
#   step is printed beside the 2-D generator's); the table says whether its short training
#   (the steps are in the table) beat a per-voxel regression on the tissue fractions. The
#   volume goes out as NIfTI like any scan.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey4"></a>Isola, P., Zhu, J.-Y., Zhou, T., Efros, A. A. (2017). Image-to-image translation with conditional adversarial networks. *2017 IEEE Conference on Computer Vision and Pattern Recognition (CVPR) (2017) 5967–5976*. [doi:10.1109/CVPR.2017.632](https://doi.org/10.1109/CVPR.2017.632)
#
# <a id="shin2018medical"></a>Shin, Hoo-Chang, Tenenholtz, Neil A., Rogers, Jameson K., Schwarz, Christopher G., Senjem, Matthew L., Gunter, Jeffrey L., et al. (2018). Medical image synthesis for data augmentation and anonymization using generative adversarial networks. *Simulation and Synthesis in Medical Imaging (SASHIMI 2018)*.
#
# <a id="survey30"></a>Guibas, J. T., Virdi, T. S., Li, P. S. (2017). Synthetic medical images from dual generative adversarial networks. *CoRR abs/1709.01872*. [arXiv:1709.01872](https://arxiv.org/abs/1709.01872)
#
# <a id="survey28"></a>Costa, P., Galdran, A., Meyer, M. I., Abràmoff, M. D., Niemeijer, M., Mendona, A. M., et al. (2017). Towards adversarial retinal image synthesis. *CoRR abs/1701.08974*. [arXiv:1701.08974](https://arxiv.org/abs/1701.08974)
#
# <a id="survey38"></a>Mahapatra, D., Bozorgtabar, B., Thiran, J.-P., Reyes, M. (2018). Efficient active learning for image classification and segmentation using a sample selection and conditional generative adversarial network. *arXiv preprint arXiv:1806.05473*. [arXiv:1806.05473](https://arxiv.org/abs/1806.05473)
#
# <a id="survey14"></a>Frid-Adar, M., Klang, E., Amitai, M., Goldberger, J., Greenspan, H. (2018). Synthetic data augmentation using gan for improved liver lesion classification. *2018 IEEE 15th International Symposium on Biomedical Imaging (ISBI 2018) (2018) 289–293*. [doi:10.1109/ISBI.2018.8363576](https://doi.org/10.1109/ISBI.2018.8363576)
#
# <a id="survey15"></a>Chuquicusma, M. J. M., Hussein, S., Burt, J. R., Bagci, U. (2018). How to fool radiologists with generative adversarial networks? a visual turing test for lung cancer diagnosis. *2018 IEEE 15th International Symposium on Biomedical Imaging (ISBI 2018) (2018) 240–244*.
#
# <a id="survey35"></a>Hu, Y., Gibson, E., Lee, L.-L., Xie, W., Barratt, D. C., Vercauteren, T., et al. (2017). Freehand ultrasound image simulation with spatially-conditioned generative adversarial networks. *in: Molecular Imaging, Reconstruction and Analysis of Moving Body Organs, and Stroke Imaging and Treatment, Springer, 2017, pp. 105–115*.
#
# <a id="survey27"></a>Jiang, J., Hu, Y.-C., Tyagi, N., Zhang, P., Rimner, A., Mageras, G. S., et al. (2018). Tumor-aware, adversarial domain adaptation from ct to mri for lung cancer segmentation. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2018, pp. 777–785*.
#
# <a id="survey25"></a>Chartsias, A., Joyce, T., Dharmakumar, R., Tsaftaris, S. A. (2017). Adversarial image synthesis for unpaired multi-modal cardiac data. *in: International Workshop on Simulation and Synthesis in Medical Imaging, Springer, 2017, pp. 3–13*.
#
# <a id="wilson1927probable"></a>Wilson, Edwin B. (1927). Probable inference, the law of succession, and statistical inference. *Journal of the American Statistical Association*.
#
# <a id="lopezpaz2017revisiting"></a>Lopez-Paz, David, Oquab, Maxime (2017). Revisiting classifier two-sample tests. *International Conference on Learning Representations*.
#
# <a id="odena2016deconvolution"></a>Odena, Augustus, Dumoulin, Vincent, Olah, Chris (2016). Deconvolution and checkerboard artifacts. *Distill*. [doi:10.23915/distill.00003](https://doi.org/10.23915/distill.00003)
#
# <a id="survey29"></a>Costa, P., Galdran, A., Meyer, M. I., Niemeijer, M., Abràmoff, M., Mendonça, A. M., et al. (2018). End-to-end adversarial retinal image synthesis. *IEEE transactions on medical imaging 37 (3) (2018) 781–791*. [doi:10.1109/TMI.2017.2759102](https://doi.org/10.1109/TMI.2017.2759102)
#
# <a id="survey46"></a>Jin, D., Xu, Z., Tang, Y., Harrison, A. P., Mollura, D. J. (2018). Ct-realistic lung nodule simulation from 3d conditional generative adversarial networks for robust lung segmentation. *arXiv preprint arXiv:1806.04051*. [arXiv:1806.04051](https://arxiv.org/abs/1806.04051)
#
# <a id="survey34"></a>Wei, W., Poirion, E., Bodini, B., Durrleman, S., Ayache, N., Stankoff, B., et al. (2018). Learning myelin content in multiple sclerosis from multimodal mri through adversarial training. *CoRR abs/1804.08039*. [arXiv:1804.08039](https://arxiv.org/abs/1804.08039)
#
# <a id="survey18"></a>Bermudez, C., Plassard, A. J., Davis, L. T., Newton, A. T., Resnick, S. M., Landman, B. A. (2018). Learning implicit brain mri manifolds with deep learning. *arXiv preprint arXiv:1801.01847*. [arXiv:1801.01847](https://arxiv.org/abs/1801.01847)
