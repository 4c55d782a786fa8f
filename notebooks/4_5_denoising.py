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
# # 4.5 De-noising: low-dose CT
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/4_5_denoising.ipynb)
#
# *About 40 minutes to read; in the cpu profile it runs in 2.8 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter simulates CT scans at three doses and trains a small denoiser per dose,
# > method, seed and adversarial weight, each for a fixed time: its `cpu` profile is sized to fit
# > the book's 5-minute budget on 2 CPU cores, `smoke` for seconds (the last code cell before the exercises prints
# > how long it took). Every comparison below is between networks trained for the same time in
# > the same run, so a slower machine weakens all of them together.
#
# A CT scan's dose is a trade: fewer photons, less radiation for the patient, and a noisier image. The
# survey's Section 4.5 reviews networks that take a low-dose scan and return what the full dose would
# have shown. Trained with a pixel loss, the mean squared error (MSE), such a network learns the *mean*
# of the full-dose images that fit its input: noise goes, and with it the fine texture radiologists
# read, an over-smoothed, "plastic" look. Wolterink et al. [(Wolterink et al., 2017)](#survey101) added
# an adversarial loss to the MSE, so that a discriminator, shown real full-dose images, rejects the
# smooth ones. Yang et al. [(Yang et al., 2018)](#survey103) dropped the pixel loss altogether for a
# Wasserstein critic (chapter 3.7) and a *perceptual* loss [(Johnson et al., 2016)](#johnson2016perceptual),
# a distance between the images' features in a pretrained network (VGG in their paper, hence
# WGAN-VGG):
#
# $$\min_G \max_{\lVert C \rVert_L \le 1} \;
#   \mathbb{E}_y[C(y)] - \mathbb{E}_x[C(G(x))]
#   + \lambda_1\, \mathbb{E}_{x,y} \tfrac{1}{whd} \lVert \phi(G(x)) - \phi(y) \rVert_2^2 ,$$
#
# with $x$ a low-dose image, $y$ the full-dose image of the same slice and $\phi$ the feature network.
# Yi and Babyn [(Yi and Babyn, 2018)](#survey104) added a loss on a sharpness map. The survey ends the
# section with a warning that is this chapter's subject: PSNR and SSIM, the usual scores, are "not
# sensitive enough to recognize texture details". We measure texture with the medical physicist's
# tool, the *noise power spectrum*, and ask the clinical question directly: does a faint lesion stay
# visible?
#
# **Learning goals**
# - simulate a CT scan from Hounsfield units to photon counts and back: attenuation, the Radon
#   transform, Poisson noise at a chosen dose, filtered back-projection; and check that the noise
#   variance falls as one over the dose;
# - train the same denoiser with MSE, with MSE plus an adversarial loss, and with Yang et al.'s
#   Wasserstein and perceptual losses, for the same time, over seeds;
# - score them with PSNR and SSIM, the noise power spectrum, HU errors per tissue and a lesion's
#   contrast-to-noise ratio, at two low doses;
# - sweep the adversarial weight and see where added texture stops being the image's.

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
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown, display

from gancourse.data import BrainSimulator, hu_to_network, network_to_hu
from gancourse.data.ct_projection import (MU_WATER_PER_MM, attenuation_to_hu,
                                          filtered_back_projection, forward_project,
                                          hu_to_attenuation, low_dose, low_dose_scans,
                                          scan_circle)
from gancourse.exercises import check
from gancourse.methods.denoising import DenoisingTrainer, denoise
from gancourse.metrics import psnr, ssim
from gancourse.metrics.ct import mean_absolute_error_by_tissue
from gancourse.metrics.noise import (high_frequency_ratio, lesion_background,
                                     lesion_cnr, noise_power_spectrum, radial_average)
from gancourse.nets import PatchDiscriminator, ResidualDenoiser, count_parameters
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table, mean_and_spread, say

P = current_profile()
print(P)
chapter_start = time.perf_counter()

image_size = P.pick(smoke=32, cpu=64, gpu=96)
n_train = P.pick(smoke=24, cpu=300, gpu=1000)
n_test = P.pick(smoke=12, cpu=60, gpu=200)
full_dose = 4e5  # photons per detector bin and view
photons = (full_dose, full_dose / 4, full_dose / 16)  # full, quarter and 1/16 dose
run_seconds = P.seconds(smoke=0.3, cpu=10, gpu=20)  # every denoiser trains this long
seeds = P.pick(smoke=[0], cpu=[0, 1], gpu=[0, 1, 2])
width, depth = 16, 5  # the denoiser's channels and convolutions
sweep_weights = P.pick(smoke=[0.3, 3.0], cpu=[0.03, 0.3, 1.0, 3.0],
                       gpu=[0.03, 0.3, 1.0, 3.0])
simulator = BrainSimulator(image_size, seed=1, contrasts=("ct",), lesion_prob=1.0)
pixel_mm = simulator.fov_mm / image_size
print(f"{image_size}x{image_size} slices of {pixel_mm:.2f} mm pixels; "
      f"{n_train} training and {n_test} test slices; photons per bin and view: "
      + ", ".join(f"{n:.3g}" for n in photons)
      + f"; each denoiser trains for {run_seconds} s, seeds {seeds}")

# %% [markdown]
# ## From Hounsfield units to photons
#
# A CT image in Hounsfield units is a map of how strongly each point absorbs X-rays, relative to water:
# $\mathrm{HU} = 1000\,(\mu - \mu_w)/\mu_w$, so the linear attenuation is
# $\mu = \mu_w (1 + \mathrm{HU}/1000)$ (air, $-1000$ HU, absorbs nothing; bone at $+1000$ HU absorbs
# twice what water does). A ray that crosses the head keeps a fraction $e^{-p}$ of its photons, where
# $p = \int \mu \, ds$ is the line integral of the attenuation along it (Beer and Lambert). The
# scanner sends $N_0$ photons along each ray and counts those that arrive, a Poisson number; the
# randomness of that count is the scan's *quantum noise*:
#
# $$n \sim \mathrm{Poisson}\big(N_0\, e^{-p}\big), \qquad \hat p = -\log\frac{n}{N_0} .$$
#
# A Poisson count's variance equals its mean, so $\hat p$ has variance about $1/(N_0 e^{-p})$: the noise
# of every line integral, and of the reconstruction, which is linear in them, grows as the dose falls,
# most behind bone, where few photons are left. The set of line integrals over all rays, a row per
# detector bin and a column per view angle, is the *sinogram* (the Radon transform of $\mu$); filtered
# back-projection (FBP) inverts it: each view is filtered with a ramp filter, which boosts high
# frequencies, then smeared back across the image. That ramp is why CT noise is not white: it has
# little power at low frequencies and a lot at high ones, fine grain and streaks.
#
# The simulation is the simplest that shows this chain: monochromatic X-rays (one energy, so one $\mu$
# per tissue), no beam hardening, no scatter, no electronic noise of the detector; quantum noise is
# the only noise.
#
# `gancourse.data.ct_projection` does each step, with scikit-image's Radon transform and FBP on the
# simulator's CT slices (Buzug's textbook [(Buzug, 2008)](#buzug2008computed) derives each of
# them). One slice, from HU to photons and back:

# %%
slice_hu = simulator.sample(1).ct  # (1, 1, S, S), Hounsfield units
disc = scan_circle(image_size)  # the scanner's field of view
slice_hu = torch.where(disc, slice_hu, torch.full_like(slice_hu, -1000.0))
mu = hu_to_attenuation(slice_hu) * disc  # per mm
sinogram = forward_project(mu, pixel_mm, n_views=math.ceil(math.pi / 2 * image_size))
stream = torch.Generator().manual_seed(0)
noisy = {n0: low_dose(sinogram, n0, stream) for n0 in photons}
fbp_one = {n0: attenuation_to_hu(filtered_back_projection(p, pixel_mm))
           for n0, p in noisy.items()}
longest = sinogram.max().item()
bins, views = sinogram.shape[-2:]
print(f"water: mu = {MU_WATER_PER_MM} per mm; the sinogram has {bins} bins x {views} "
      f"views; the longest ray's line integral is {longest:.2f}: "
      f"{math.exp(-longest):.2%} of its photons arrive, "
      f"{full_dose * math.exp(-longest):.0f} of {full_dose:.3g} at full dose")

fig, axes = plt.subplots(1, 5, figsize=(14, 3.2))
axes[0].imshow(slice_hu[0, 0], cmap="gray", vmin=-100, vmax=150)
axes[0].set_title("the slice (HU, window -100 to 150)", fontsize=9)
axes[1].imshow(sinogram[0, 0], cmap="magma", aspect="auto")
axes[1].set_title("its sinogram: bins x views", fontsize=9)
for ax, n0 in zip(axes[2:], photons):
    ax.imshow(fbp_one[n0][0, 0], cmap="gray", vmin=-100, vmax=150)
    ax.set_title(f"FBP at {n0:.3g} photons", fontsize=9)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("A CT slice, its sinogram, and its reconstruction at three doses", y=1.04)
plt.show()

# %% [markdown]
# ## The data: the same slices at three doses
#
# `low_dose_scans` does this for a batch: it projects each slice once, draws the Poisson counts at every
# dose (seeded), and reconstructs each by FBP. It also reconstructs the noise-free sinogram: the
# **reference** every image below is scored against, the full reconstruction without any quantum
# noise. The FBP blurs the slice's sharpest edges, the skull above all; the reference shares that
# blur, so scores measure the noise and what the denoisers do, not the reconstruction's own limits.
# (The simulator's CT has a fine grain of its own, a few HU per pixel, drawn once per slice: the
# reference keeps it, as part of the slice.)
#
# The variance of $\hat p$ is $1/(N_0 e^{-p})$: four times fewer photons, four times the variance.
# FBP is linear, so the image's noise variance should follow. The cell measures it in a square in the
# middle of the brain, on the test slices.

# %%
start = time.perf_counter()
train_batch = simulator.sample(n_train)
test_batch = BrainSimulator(image_size, seed=2, contrasts=("ct",),
                            lesion_prob=1.0).sample(n_test)
train = low_dose_scans(train_batch.ct, pixel_mm, photons, seed=0)
test = low_dose_scans(test_batch.ct, pixel_mm, photons, seed=1,
                      labels=test_batch.labels, lesion_mask=test_batch.lesion_mask)
# the same test slices scanned again, with independent noise: to measure noise, not bias
test_repeat = low_dose_scans(test_batch.ct, pixel_mm, photons, seed=3)
print(f"{n_train + 2 * n_test} slices scanned at {len(photons)} doses "
      f"({test.n_views} views) in {time.perf_counter() - start:.1f} s")

side = image_size * 3 // 8  # a square in the middle of the brain, to measure noise in
middle = slice((image_size - side) // 2, (image_size + side) // 2)
roi = (Ellipsis, middle, middle)
noise_variance = {n0: (test.fbp[n0] - test.reference)[roi].var().item()
                  for n0 in photons}
for n0 in photons:
    ratio = noise_variance[n0] / noise_variance[full_dose]
    print(f"N0 = {n0:8.3g}: noise standard deviation {noise_variance[n0] ** 0.5:5.1f} "
          f"HU, variance ratio to full dose {ratio:5.2f} "
          f"(1/N0 predicts {full_dose / n0:.0f})")

# %% [markdown]
# The lesions of the simulator are the faint targets here, slightly brighter than the brain tissue
# around them. How much brighter, in the noise-free reference, against the noise at each dose:

# %%
parenchyma = ((test.labels == 2) | (test.labels == 3)).unsqueeze(1).float()
around = lesion_background(test.lesion_mask, parenchyma)
lesion = test.lesion_mask > 0.5
contrast = np.mean([(r[l].mean() - r[b].mean()).item()
                    for r, l, b in zip(test.reference, lesion, around) if l.any()])
say("The lesions are {c:.0f} HU brighter than the brain around them, on average over "
    "the test slices; the noise's standard deviation is "
    + ", ".join(f"{noise_variance[n0] ** 0.5:.0f} HU at {n0:.3g}" for n0 in photons)
    + " photons: at the lowest dose, each pixel's noise is {r:.1f} times the contrast.",
    c=contrast, r=noise_variance[photons[-1]] ** 0.5 / contrast)

# %% [markdown]
# The figure zooms into the middle of three test slices, lesion outlined.

# %%
zoom = (slice(image_size // 4, 3 * image_size // 4),) * 2
lesion_size = test.lesion_mask.sum((1, 2, 3))
shown = [int(i) for i in torch.argsort(lesion_size, descending=True)[:3]]  # largest
fig, axes = plt.subplots(3, 4, figsize=(9, 7))
for row, i in enumerate(shown):
    images = [test.reference[i, 0]] + [test.fbp[n0][i, 0] for n0 in photons]
    titles = ["reference (no noise)"] + [f"{n0:.3g} photons" for n0 in photons]
    for ax, image, title in zip(axes[row], images, titles):
        ax.imshow(image[zoom], cmap="gray", vmin=-20, vmax=100)
        ax.contour(test.lesion_mask[i, 0][zoom], [0.5], colors="red", linewidths=0.6)
        ax.set_title(title, fontsize=9)
        ax.axis("off")
fig.suptitle("Brain window (-20 to 100 HU), lesion outlined: "
             "the noise grows as the dose falls")
plt.show()

# %% [markdown]
# ## The denoiser and its three losses
#
# The network is a small plain CNN of 3x3 convolutions, in the spirit of the two papers' generators,
# that learns a *correction*: its output is added to its input, so it starts as the identity and only
# has to learn the noise (`gancourse.nets.denoiser.ResidualDenoiser`). It works on the windowed
# scale of chapter 3.5 (`hu_to_network`: the soft-tissue range gets half of $[-1, 1]$). The critic is a
# PatchGAN (chapter 3.4) with layer normalisation, which, unlike batch normalisation, keeps the
# samples of a batch apart, as the gradient penalty needs (chapter 3.7).
#
# `DenoisingTrainer` weighs three terms for the denoiser $G$, with the critic $C$ trained first at every
# step with the Wasserstein loss and the gradient penalty, on full-dose images against denoised ones:
#
# $$w_{mse}\, \lVert G(x) - y \rVert^2 + w_{perc}\, \lVert \phi(G(x)) - \phi(y) \rVert^2
#   - w_{adv}\, C(G(x)) .$$
#
# The perceptual features $\phi$ are the book's domain encoder (chapter 3.2's, used by the feature
# losses of chapter 3.4), trained on simulated brain MRI; Yang et al.'s VGG was trained on photographs.
# Neither network has seen a CT: both supply features of edges and textures learned elsewhere. The
# three methods, with the weights chosen for this chapter's few seconds of training (Yang et al.
# weighted their Wasserstein term 1 and the perceptual one 0.1; here the critic's term is scaled
# down further, because a critic trained for seconds gives gradients of no reliable size):

# %%
METHODS = {  # the weight of each term (0: absent); a critic trains when adversarial > 0
    "MSE": dict(mse_weight=1.0, adversarial_weight=0.0),
    "MSE + adversarial": dict(mse_weight=1.0, adversarial_weight=0.3),
    "WGAN + perceptual": dict(mse_weight=0.0, perceptual_weight=0.1,
                              adversarial_weight=0.01),
}


def networks(seed, adversarial):
    seed_everything(seed)
    critic = (PatchDiscriminator(1, width=16, n_layers=2, norm="layer")
              if adversarial else None)
    return ResidualDenoiser(width, depth), critic


G, C = networks(0, True)
print(f"denoiser: {count_parameters(G):,} parameters; critic: {count_parameters(C):,}")
terms = ["mse_weight", "perceptual_weight", "adversarial_weight"]
table = {name: {t: weights.get(t, 0.0) for t in terms}
         for name, weights in METHODS.items()}
display(Markdown(markdown_table(table, index_name="method")))

# %% [markdown]
# ## Training: two low doses, three methods, the same time each
#
# Each denoiser learns from pairs (low-dose FBP, full-dose FBP) of the training slices: the full-dose
# image is the target, as in both papers, though it is itself noisy. Its noise was drawn independently
# of the low-dose scan's, so nothing in the input can predict it: the MSE's best answer is the mean of
# the targets that fit the input, the clean image, as if the target had no noise (the argument of
# Noise2Noise, which trains on pairs of noisy images alone). Scoring is another matter: against the
# full-dose image, every method's error would include that image's own noise, the same floor for
# all, hiding their differences. So the scores below are against the noise-free reference.
#
# Each denoiser also denoises the second scan of the test slices, whose noise is independent of the
# first's: the two outputs differ only by what the denoiser does with noise, which measures it apart
# from any bias.

# %%
full_train = hu_to_network(train.fbp[full_dose])
low_doses = photons[1:]
trained, outputs, repeats = {}, {}, {}
for n0 in low_doses:
    low_train = hu_to_network(train.fbp[n0])
    for name, terms in METHODS.items():
        for seed in seeds:
            G, C = networks(seed, terms["adversarial_weight"] > 0)
            trainer = DenoisingTrainer(G, C, low_train, full_train, seed=seed, lr=2e-3,
                                       **terms)
            trainer.fit(seconds=run_seconds)
            trained[n0, name, seed] = trainer
            outputs[n0, name, seed] = network_to_hu(
                denoise(G, hu_to_network(test.fbp[n0])))
            repeats[n0, name, seed] = network_to_hu(
                denoise(G, hu_to_network(test_repeat.fbp[n0])))
for n0 in low_doses:
    steps = {name: np.mean([trained[n0, name, s].steps_done for s in seeds])
             for name in METHODS}
    say("At {n0:.3g} photons, in {t} s each, the denoisers took "
        + "; ".join(f"{name} {k:.0f}" for name, k in steps.items())
        + " steps (mean over seeds): MSE took {r:.1f} times as many as the slowest.",
        n0=n0, t=run_seconds, r=steps["MSE"] / min(steps.values()))

# %% [markdown]
# ## What each method did
#
# Four measures, each on the test slices, against the noise-free reference:
#
# - **PSNR** on the network's scale ($[-1, 1]$) inside the head (the scalp, skull and brain: the
#   air around it is zero everywhere and would flatter every method alike), and **SSIM** over the
#   whole image;
# - **noise HF** and **texture HF**, from the noise power spectrum (NPS; Dobbins
#   [(Dobbins III, 2000)](#dobbins2000image) defines it for medical images) in the square in the middle of
#   the brain, each the power above half the *Nyquist frequency* (defined below the next cell). Noise HF
#   is the NPS of the denoiser's noise, $(G(x_1) - G(x_2))/\sqrt 2$ for two independent scans
#   $x_1, x_2$ of the same slices, which cancels anything the two outputs share, the anatomy and the
#   denoiser's bias; it is divided by the same for the full-dose FBP. Texture HF is the power spectrum
#   of the *image* itself (minus its mean), divided by the noise-free reference's: 1 is the anatomy's
#   own fine detail; below 1, the image has less, over-smoothed; above 1, more, noise the network left
#   or texture it invented. (Texture HF alone cannot tell those two apart, nor a smoothed image with
#   noise left in it from a good one; noise HF can.)
# - **HU error** in grey matter and in the lesions, the mean absolute error of chapter 3.5's helper;
# - the lesion's **CNR**, $|\bar x_{lesion} - \bar x_{around}| / \sigma_{around}$, with a ring of brain
#   tissue around each lesion as the background: a first, pixel-level sign of whether the lesion stands
#   out of what surrounds it.
#
# The CNR has two known weaknesses. Its background's spread is not only noise: the ring holds grey
# and white matter, their edges and the simulator's grain, so even the noise-free reference has a
# finite CNR, and a denoiser that flattens the anatomy around a lesion raises its CNR without making
# it easier to see. And a per-pixel CNR ignores the noise's texture and the lesion's size, on which
# detection depends (contrast times the square root of the area, against the noise: the Rose
# criterion [(Rose, 1948)](#rose1948sensitivity)). The physicist's standard is a model observer,
# non-prewhitening (NPW) or channelized Hotelling (CHO), scored on a detection task
# [(Barrett and Myers, 2004)](#barrett2004foundations); the chapter keeps the CNR, with those limits.

# %%
reference_net = hu_to_network(test.reference)
head = test.phantom > -500  # scalp, skull and brain; air is -1000 HU
full_noise = ((test.fbp[full_dose] - test_repeat.fbp[full_dose]) / math.sqrt(2))[roi]
nyquist = 1 / (2 * pixel_mm)


def psnr_inside(x, y, mask, data_range=2.0):
    """PSNR per image over the pixels of mask only, averaged over the images."""
    mse = ((x - y) ** 2 * mask).flatten(1).sum(1) / mask.flatten(1).sum(1)
    return float((10 * torch.log10(data_range ** 2 / mse)).mean())


def scores(hu, repeat):
    """The chapter's measures of images in HU (N, 1, S, S) against the reference;
    repeat: the same method's output for the second scan of the test slices."""
    x = hu_to_network(hu)
    errors = mean_absolute_error_by_tissue(hu, test.reference, test.labels,
                                           test.lesion_mask)
    noise = ((hu - repeat) / math.sqrt(2))[roi]
    return {"PSNR (dB)": psnr_inside(x, reference_net, head),
            "SSIM": ssim(x, reference_net, 2.0),
            "noise HF": high_frequency_ratio(noise, full_noise, pixel_mm),
            "texture HF": high_frequency_ratio(hu[roi], test.reference[roi], pixel_mm),
            "HU error GM": errors["grey matter"], "HU error lesion": errors["lesion"],
            "lesion CNR": float(np.mean(lesion_cnr(hu, test.lesion_mask, parenchyma)))}


COLUMNS = ["PSNR (dB)", "SSIM", "noise HF", "texture HF", "HU error GM",
           "HU error lesion", "lesion CNR", "steps"]
DIGITS = {"PSNR (dB)": 2, "SSIM": 3, "noise HF": 2, "texture HF": 2, "HU error GM": 1,
          "HU error lesion": 1, "lesion CNR": 2, "steps": 0}
per_run = {key: {**scores(hu, repeats[key]), "steps": trained[key].steps_done}
           for key, hu in outputs.items()}


def formatted(values):
    values = {c: values.get(c, math.nan) for c in COLUMNS}  # no steps for FBP: "-"
    return {c: f"{v:.{DIGITS[c]}f}" if np.isfinite(v) else "-"
            for c, v in values.items()}


fbp_scores = {n0: scores(test.fbp[n0], test_repeat.fbp[n0]) for n0 in photons}
rows = {"reference (no noise)": formatted(scores(test.reference, test.reference)),
        "full-dose FBP": formatted(fbp_scores[full_dose])}
for n0 in low_doses:
    rows[f"{n0:.3g}: FBP"] = formatted(fbp_scores[n0])
    for name in METHODS:
        rows[f"{n0:.3g}: {name}"] = {
            c: mean_and_spread([per_run[n0, name, s][c] for s in seeds], DIGITS[c])
            for c in COLUMNS}
display(Markdown("Test slices against the noise-free reference (photons per bin: "
                 f"method; mean ± spread over seeds {seeds}; steps: training steps "
                 f"in {run_seconds} s)\n\n"
                 + markdown_table(rows, columns=COLUMNS, index_name="dose: method")))


def mean_of(n0, name, column):
    return np.mean([per_run[n0, name, s][column] for s in seeds])


say("The pixels are {p:.2f} mm, so the *Nyquist frequency*, the finest pattern the "
    "pixel grid can hold (one cycle per two pixels, $1/(2\\,\\mathrm{{pixel}})$), is "
    "{n:.3f} cycles per mm; *half Nyquist*, {h:.3f} cycles per mm, is where the HF "
    "columns start.",
    p=pixel_mm, n=nyquist, h=nyquist / 2)
for n0 in low_doses:
    best = {c: max(METHODS, key=lambda m: mean_of(n0, m, c))
            for c in ("PSNR (dB)", "SSIM")}
    closest = min(METHODS, key=lambda m: abs(math.log(mean_of(n0, m, "texture HF"))))
    fbp_noise = fbp_scores[n0]["noise HF"]
    kept = "; ".join(f"{m} {mean_of(n0, m, 'noise HF') / fbp_noise:.0%}"
                     for m in METHODS)
    say("At {n0:.3g} photons the highest PSNR is " + best["PSNR (dB)"] + "'s and the "
        "highest SSIM is " + best["SSIM"] + "'s; the texture closest to the anatomy's "
        "own (texture HF nearest 1) is " + closest + "'s ({t:.2f}, noise HF {nh:.2f}). "
        "Of the FBP's high-frequency noise power, each method kept: " + kept + ".",
        n0=n0, t=mean_of(n0, closest, "texture HF"),
        nh=mean_of(n0, closest, "noise HF"))
reference_cnr = scores(test.reference, test.reference)["lesion CNR"]
n0 = low_doses[0]
mse_cnr = mean_of(n0, "MSE", "lesion CNR")
full_cnr = fbp_scores[full_dose]["lesion CNR"]
mse_error = mean_of(n0, "MSE", "HU error GM")
full_error = fbp_scores[full_dose]["HU error GM"]
flattened = mse_cnr > full_cnr and mse_error > full_error
say("The noise-free reference's lesion CNR is {r:.2f}, not infinite: its ring's spread "
    "is anatomy and grain. At {n0:.3g} photons the MSE network's CNR is {m:.2f} "
    "against the full-dose FBP's {f:.2f}, and its grey-matter HU error {em:.1f} "
    "against {ef:.1f}"
    + (": a higher CNR with a larger error, the mark of a flattened background, not of "
       "a better image." if flattened else "."),
    r=reference_cnr, n0=n0, m=mse_cnr, f=full_cnr, em=mse_error, ef=full_error)

# %% [markdown]
# Read the table by rows of one dose. PSNR and SSIM reward closeness to the reference on average,
# what MSE trains for; the sentence under the table says whether MSE led them in this run. Texture HF
# shows the price: below the reference's 1, fine detail of the anatomy was smoothed away; above it,
# the image holds more fine power than the slice, and noise HF says how much of that is the input's
# noise. An adversarial term can make the denoiser *keep* noise: the critic's only real examples are
# full-dose images, grainy themselves, and the cheapest grain at hand is the input's own. One weight
# can also behave differently at another dose, where the noise that fools the critic differs.
#
# Equal time is not equal training: an adversarial step also trains the critic, whose gradient
# penalty needs a second backward pass, and a perceptual step runs the feature network. The
# comparison is at equal compute; a method that lags after fewer steps may be slower to train rather
# than worse at the end, which only a longer run could tell.
#
# ## The spectra
#
# The radially averaged spectra, at the lowest dose, first seed: the NPS of each method's noise,
# $(G(x_1) - G(x_2))/\sqrt 2$ (what is left of the noise, per spatial frequency), and the image's
# own power spectrum (its texture), with the noise-free reference's dashed. On a log scale, an image
# curve below the reference's at high frequencies is an image smoother than the anatomy.

# %%
lowest = low_doses[-1]
curves = {"full-dose FBP": (test.fbp[full_dose], test_repeat.fbp[full_dose]),
          f"FBP at {lowest:.3g}": (test.fbp[lowest], test_repeat.fbp[lowest]),
          **{name: (outputs[lowest, name, seeds[0]], repeats[lowest, name, seeds[0]])
             for name in METHODS}}


def radial_spectrum(images):
    return radial_average(noise_power_spectrum(images, pixel_mm), pixel_mm)


fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for name, (hu, repeat) in curves.items():
    f, noise_nps = radial_spectrum(((hu - repeat) / math.sqrt(2))[roi])
    _, image_nps = radial_spectrum(hu[roi])
    axes[0].semilogy(f[1:], noise_nps[1:], label=name)
    axes[1].semilogy(f[1:], image_nps[1:], label=name)
_, reference_nps = radial_spectrum(test.reference[roi])
axes[1].semilogy(f[1:], reference_nps[1:], "k--", label="reference (no noise)")
for ax, title in zip(axes, ["NPS of the noise, (G(x1) - G(x2)) / sqrt 2",
                            "power spectrum of the image (its texture)"]):
    ax.axvline(nyquist / 2, color="gray", lw=0.8, ls=":")
    ax.set_xlabel("spatial frequency (cycles per mm); dotted: half Nyquist")
    ax.set_ylabel("HU² mm²")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
fig.suptitle("Radially averaged spectra in the middle of the brain, "
             f"{lowest:.3g} photons")
plt.show()
first = {"full-dose FBP": fbp_scores[full_dose],
         f"FBP at {lowest:.3g}": fbp_scores[lowest],
         **{name: per_run[lowest, name, seeds[0]] for name in METHODS}}
print("above half Nyquist (first seed): " + "; ".join(
    f"{name}: noise HF {v['noise HF']:.2f}, texture HF {v['texture HF']:.2f}"
    for name, v in first.items()))

fig, axes = plt.subplots(len(shown), 2 + len(METHODS), figsize=(12, 7))
for row, i in enumerate(shown):
    panels = {"reference": test.reference[i, 0],
              f"FBP {lowest:.3g}": test.fbp[lowest][i, 0],
              **{name: outputs[lowest, name, seeds[0]][i, 0] for name in METHODS}}
    for ax, (title, image) in zip(axes[row], panels.items()):
        ax.imshow(image[zoom], cmap="gray", vmin=-20, vmax=100)
        ax.contour(test.lesion_mask[i, 0][zoom], [0.5], colors="red", linewidths=0.5)
        ax.set_title(title, fontsize=9)
        ax.axis("off")
fig.suptitle(f"Denoised at {lowest:.3g} photons (brain window; lesion outlined)")
plt.show()

# %% [markdown]
# ## What goes wrong: the adversarial weight
#
# The adversarial term has no natural scale: the critic's output is a number of no fixed size, and
# its weight against the MSE decides what the denoiser does. The sweep trains MSE + adversarial at the
# lowest dose with weights from nearly nothing to more than the MSE can hold (first seed, the same
# time each). Look for three regimes: too little, and the result is the MSE network's, smooth;
# enough, and texture returns; too much, and the critic's preference for grainy images wins over the
# evidence: texture that is not in the slice, and a lesion lost in it. The table says which weights
# fell where in this run.

# %%
sweep = {0.0: per_run[lowest, "MSE", seeds[0]]}
sweep_outputs = {0.0: outputs[lowest, "MSE", seeds[0]]}
low_train = hu_to_network(train.fbp[lowest])
for weight in sweep_weights:
    if weight == METHODS["MSE + adversarial"]["adversarial_weight"]:  # trained above
        sweep[weight] = per_run[lowest, "MSE + adversarial", seeds[0]]
        sweep_outputs[weight] = outputs[lowest, "MSE + adversarial", seeds[0]]
        continue
    G, C = networks(seeds[0], True)
    trainer = DenoisingTrainer(G, C, low_train, full_train, seed=seeds[0], lr=2e-3,
                               mse_weight=1.0, adversarial_weight=weight)
    trainer.fit(seconds=run_seconds)
    hu = network_to_hu(denoise(G, hu_to_network(test.fbp[lowest])))
    repeat = network_to_hu(denoise(G, hu_to_network(test_repeat.fbp[lowest])))
    sweep[weight] = {**scores(hu, repeat), "steps": trainer.steps_done}
    sweep_outputs[weight] = hu
display(Markdown(f"MSE + adversarial at {lowest:.3g} photons, by adversarial weight "
                 f"(seed {seeds[0]}; weight 0 is the MSE network)\n\n"
                 + markdown_table({f"{w:g}": formatted(row)
                                   for w, row in sweep.items()},
                                  columns=COLUMNS, index_name="weight")))
texture = {w: row["texture HF"] for w, row in sweep.items()}
nearest = min(texture, key=lambda w: abs(math.log(texture[w])))
above = [w for w in sweep_weights if texture[w] > 1]
say("Texture HF is nearest the anatomy's own (1) at weight {w:g}: {t:.2f}, with noise "
    "HF {nh:.2f} (the MSE network's: {nm:.2f}) and lesion CNR {c:.2f} (MSE: {cm:.2f}). "
    + (f"Adversarial weights {', '.join(f'{w:g}' for w in above)} put it above 1, up "
       "to {tl:.2f}: more fine power than the slice has; their noise HF, up to "
       "{nl:.2f} (the FBP's: {nf:.2f}), says how much of it follows the scan's noise, "
       "left in or amplified." if above
       else "No adversarial weight put it above 1 ({tl:.2f} at most)."),
    w=nearest, t=texture[nearest], nh=sweep[nearest]["noise HF"],
    nm=sweep[0.0]["noise HF"], c=sweep[nearest]["lesion CNR"],
    cm=sweep[0.0]["lesion CNR"], tl=max(texture[w] for w in sweep_weights),
    nl=max([sweep[w]["noise HF"] for w in above] or [0.0]),
    nf=fbp_scores[lowest]["noise HF"])

fig, axes = plt.subplots(1, len(sweep), figsize=(2.4 * len(sweep), 2.8))
i = shown[0]
for ax, (weight, hu) in zip(axes, sweep_outputs.items()):
    ax.imshow(hu[i, 0][zoom], cmap="gray", vmin=-20, vmax=100)
    ax.contour(test.lesion_mask[i, 0][zoom], [0.5], colors="red", linewidths=0.5)
    ax.set_title(f"weight {weight:g}", fontsize=9)
    ax.axis("off")
fig.suptitle("One slice denoised with growing adversarial weight")
plt.show()
print(f"chapter ran in {time.perf_counter() - chapter_start:.0f} s ({P.name} profile)")

# %% [markdown]
# Which weight is right cannot be read from PSNR, which any adversarial weight can only lower when MSE
# is the best average; it is read from the spectrum and the lesion together, and in practice from
# radiologists' ratings, which is how Yang et al. scored their methods (the survey's Table 15: noise
# suppression, artefact reduction, overall quality, rated by readers). After seconds of training on a
# CPU (the steps are printed above) the critic is far from the optimum the Wasserstein theory assumes,
# and a weight that works here is not a recommendation for a longer run: the sweep shows how to find
# one, not which one.
#
# ## The survey's Section 4.5, reproduced in small
#
# | survey (Table 15) | method | loss | here |
# |---|---|---|---|
# | Wolterink et al. [(Wolterink et al., 2017)](#survey101) | CNN generator, GAN, low-dose cardiac CT | voxel-wise MSE + adversarial | `DenoisingTrainer(G, C, x, y, adversarial_weight=...)` (a WGAN-GP critic) |
# | Yang et al. [(Yang et al., 2018)](#survey103) | WGAN-VGG | Wasserstein + perceptual (VGG) | `mse_weight=0, perceptual_weight=...`, the domain encoder for VGG |
# | Yi and Babyn [(Yi and Babyn, 2018)](#survey104) | SAGAN, at $N_0 = 10^4$ and $10^5$ on a phantom | pixel + adversarial + sharpness | not built; exercise 5 asks what a sharpness term would add |
# | Wang et al. [(Wang et al., 2018)](#survey102) | cGAN, metal artefacts in CT of the ear | adversarial | not built |
#
# The papers denoised clinical or phantom scans at full resolution, with real detectors' noise; here
# the slices are simulated, small, with pixels of several mm, scanned by a parallel beam, and photon
# counts are per coarse detector bin. What carries over is the chain from dose to noise and the way
# to measure what a denoiser does with it, not the numbers.
#
# ## Exercises
#
# **1. Photons through water.** A ray crosses 150 mm of water ($\mu_w$ = `MU_WATER_PER_MM` per mm)
# and nothing else, and the scanner sends $N_0 = 10^4$ photons along it. How many are expected to
# arrive?

# %% tags=["answer"]
answer = ...  # a number

# %%
check("4.5.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 1e4 * math.exp(-MU_WATER_PER_MM * 150)
# ```
#
# Beer-Lambert: $N_0 e^{-\mu L}$, with $\mu L = 0.0192 \times 150 = 2.88$: about one photon in
# eighteen. A head is about 150 to 200 mm across, plus bone: the central rays keep a percent or a
# few of their photons, and their counts set the noise of the middle of the image.
#
# </details>

# %% [markdown]
# **2. Build it: the low-dose scan.** Write the noise model in the line-integral domain: for line
# integrals `p` (any shape), draw counts from $\mathrm{Poisson}(N_0 e^{-p})$ with
# `torch.poisson(..., generator=generator)`, read a zero count as one photon (`clamp(min=1)`), and
# return $-\log(n / N_0)$. The check compares it with `gancourse.data.ct_projection.low_dose` given
# the same seeded generator, including rays so opaque that no photon arrives.

# %% tags=["answer"]
def my_low_dose(p, photons, generator):
    ...  # your code: noisy line integrals, the shape of p


# %%
check("4.5.2", my_low_dose)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_low_dose(p, photons, generator):
#     counts = torch.poisson(photons * torch.exp(-p.double()), generator=generator)
#     return -torch.log(counts.clamp(min=1) / photons)
# ```
#
# Without the guard, a ray with no photon left gives $-\log 0 = \infty$, and FBP spreads that
# infinity along a whole line of the image: the bright streaks of "photon starvation" that real
# low-dose scanners fight with smarter guards and by raising the dose along the thickest paths.
#
# </details>

# %% [markdown]
# **3. How much noise?** By what factor does the noise's *standard deviation* in an FBP image grow from
# the chapter's full dose to its lowest dose? Answer from the physics, not from the printed
# measurement (which should agree, within its sampling error).

# %% tags=["answer"]
answer = ...  # a number

# %%
check("4.5.3", answer, photons=photons)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = math.sqrt(max(photons) / min(photons))
# ```
#
# The variance of each line integral is $1/(N_0 e^{-p})$; FBP is linear, so the image's variance is
# proportional to $1/N_0$ too, and its standard deviation to $1/\sqrt{N_0}$. Sixteen times fewer
# photons, four times the noise: dose buys noise reduction only at the square root.
#
# </details>

# %% [markdown]
# **4. Build it: the noise power spectrum.** Write the 2-D NPS of noise images `(N, 1, H, W)` with
# pixels of `pixel_mm`: remove each image's mean, take `torch.fft.fft2`, its squared magnitude times
# $\Delta x \Delta y / (N_x N_y)$ (here `pixel_mm ** 2 / (H * W)`), average over the images, and
# centre the zero frequency with `torch.fft.fftshift` over the last two axes. Return `(H, W)`. The
# check compares it with `noise_power_spectrum` on white noise, noise around an offset and streaks
# (its inputs are float64: compute in float64, as the library does; in float32 the rounding left
# after removing a mean of 50 alone exceeds the check's tolerance).

# %% tags=["answer"]
def my_nps(noise, pixel_mm):
    ...  # your code: the centred (H, W) spectrum


# %%
check("4.5.4", my_nps)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_nps(noise, pixel_mm):
#     x = noise[:, 0] - noise[:, 0].mean(dim=(-2, -1), keepdim=True)
#     h, w = x.shape[-2:]
#     power = torch.fft.fft2(x).abs() ** 2 * pixel_mm ** 2 / (h * w)
#     return torch.fft.fftshift(power.mean(dim=0), dim=(-2, -1))
# ```
#
# With this normalisation the spectrum's sum over the frequency plane, times the frequency cell
# $1/(N_x N_y \Delta x \Delta y)$, is the noise's variance (Parseval): the NPS says how the variance
# is spread over spatial frequencies. White noise spreads it evenly; FBP's ramp filter pushes it to
# high frequencies; a denoiser trained with MSE takes it away there first.
#
# </details>

# %% [markdown]
# **5. A sharpness term.** Yi and Babyn's SAGAN adds a loss that compares a *sharpness map* of the
# denoised image with that of the full-dose one. Which column of this chapter's table would you expect
# such a term to move, and which could it move in the wrong direction? Try it: add the mean squared
# difference of the images' gradient magnitudes (finite differences) to a `DenoisingTrainer`
# subclass's MSE, train it for the same time at the lowest dose, and compare.
#
# <details><summary>Solution</summary>
#
# ```python
# class SharpnessTrainer(DenoisingTrainer):
#     def step(self):
#         index = torch.randint(0, self.low.shape[0], (self.batch_size,),
#                               generator=self.batches)
#         x, y = self.low[index], self.full[index]
#         fake = self.denoiser(x)
#         grad = lambda im: (im.diff(dim=-1)[..., :-1, :] ** 2
#                            + im.diff(dim=-2)[..., :, :-1] ** 2 + 1e-8).sqrt()
#         mse = torch.mean((fake - y) ** 2)
#         loss = mse + 0.5 * torch.mean((grad(fake) - grad(y)) ** 2)
#         self.opt_g.zero_grad(set_to_none=True)
#         loss.backward()
#         self.opt_g.step()
#         return {"loss_g": loss.item(), "mse": mse.item()}
#
#
# G, _ = networks(seeds[0], False)
# trainer = SharpnessTrainer(G, None, low_train, full_train, seed=seeds[0], lr=2e-3)
# trainer.fit(seconds=run_seconds)
# hu = network_to_hu(denoise(G, hu_to_network(test.fbp[lowest])))
# repeat = network_to_hu(denoise(G, hu_to_network(test_repeat.fbp[lowest])))
# print({**scores(hu, repeat), "steps": trainer.steps_done})
# ```
#
# A sharpness term asks for edges as strong as the full-dose image's: it should raise the MSE
# network's texture HF towards 1, the anatomy's own detail, and keep the lesion's edge. But the
# full-dose target's gradient magnitude includes its own noise, so the term also rewards grain: it
# can push texture HF above 1 and raise noise HF, the input's noise kept, as the adversarial term
# does at large weights, and lower the CNR. Whether it does depends on its weight; compare your
# run's row (texture HF and noise HF together) with the MSE row and the sweep's, at the same dose
# and time, and mind the step counts.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A CT scan's noise follows from counting photons: Poisson counts at $N_0 e^{-p}$, read back as
#   $-\log(n/N_0)$, reconstructed by FBP. The image's noise variance is proportional to $1/N_0$, which
#   the chapter measured on its own slices, and FBP's ramp filter gives the noise its fine-grained
#   spectrum.
# - A denoiser trained with MSE is trained for PSNR; the table says how it ranked on PSNR and SSIM in
#   this run, and the power spectra say what those scores do not: how much fine texture its images
#   keep compared with the anatomy's own, and, from two independent scans, how much noise is left.
# - An adversarial or perceptual term changes the texture, not the information: the denoiser still sees
#   only the low-dose image. Whether its added grain helps a lesion stand out is asked of the lesion's
#   CNR, not assumed; the CNR is a first, per-pixel answer, which a flattened background can flatter,
#   and model observers are the physicist's fuller one.
# - Equal training time is not equal training steps: the chapter prints both, and its comparisons
#   hold for equal compute.
# - The adversarial weight is a setting to sweep, and its right value cannot be read from PSNR; the
#   sweep shows the measures that can judge it, here the texture ratio and the lesion's CNR together.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey101"></a>Wolterink, J. M., Leiner, T., Viergever, M. A., Išgum, I. (2017). Generative adversarial networks for noise reduction in low-dose ct. *IEEE transactions on medical imaging 36 (12) (2017) 2536–2545*.
#
# <a id="survey103"></a>Yang, Q., Yan, P., Zhang, Y., Yu, H., Shi, Y., Mou, X., et al. (2018). Low dose ct image denoising using a generative adversarial network with wasserstein distance and perceptual loss. *IEEE Transactions on Medical Imaging*. [doi:10.1109/TMI.2018.2827462](https://doi.org/10.1109/TMI.2018.2827462)
#
# <a id="johnson2016perceptual"></a>Johnson, Justin, Alahi, Alexandre, Fei-Fei, Li (2016). Perceptual losses for real-time style transfer and super-resolution. *European Conference on Computer Vision (ECCV)*. [doi:10.1007/978-3-319-46475-6_43](https://doi.org/10.1007/978-3-319-46475-6_43)
#
# <a id="survey104"></a>Yi, X., Babyn, P. (2018). Sharpness-aware low-dose ct denoising using conditional generative adversarial network. *Journal of Digital Imaging (2018) 1–15*. [doi:10.1007/s10278-018-0056-0](https://doi.org/10.1007/s10278-018-0056-0)
#
# <a id="buzug2008computed"></a>Buzug, Thorsten M. (2008). Computed Tomography: From Photon Statistics to Modern Cone-Beam CT. [doi:10.1007/978-3-540-39408-2](https://doi.org/10.1007/978-3-540-39408-2)
#
# <a id="dobbins2000image"></a>Dobbins III, James T. (2000). Image quality metrics for digital systems. *Handbook of Medical Imaging, Volume 1: Physics and Psychophysics*. [doi:10.1117/3.832716.ch3](https://doi.org/10.1117/3.832716.ch3)
#
# <a id="rose1948sensitivity"></a>Rose, Albert (1948). The sensitivity performance of the human eye on an absolute scale. *Journal of the Optical Society of America*. [doi:10.1364/JOSA.38.000196](https://doi.org/10.1364/JOSA.38.000196)
#
# <a id="barrett2004foundations"></a>Barrett, Harrison H., Myers, Kyle J. (2004). Foundations of Image Science.
#
# <a id="survey102"></a>Wang, J., Zhao, Y., Noble, J. H., Dawant, B. M. (2018). Conditional generative adversarial networks for metal artifact reduction in ct images of the ear. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2018, pp. 3–11*.
