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
# # 4.3 Reconstruction: undersampled k-space and super-resolution
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/4_3_reconstruction.ipynb)
#
# *About 45 minutes to read; in the cpu profile it runs in 3.9 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains dozens of small networks, each for a fixed time: its `cpu` profile
# > is sized for the book's 5-minute budget on 2 CPU cores, `smoke` for seconds (the last code cell before the
# > exercises prints how long it took). Every comparison is between networks trained for the same time
# > in the same run, so a slower machine weakens all of them together.
#
# An MR scanner measures the Fourier transform of the image, *k-space*, one line at a time, and the scan
# lasts as long as it takes to measure the lines. Measure fewer and the scan is faster, at a price: the
# image computed from the lines that were measured is aliased: ghosts of the anatomy, or streaks, over it.
# Compressed sensing [(Lustig et al., 2007)](#lustig2007sparse) recovers an image from such data by
# assuming it is simple in some transform; the survey's Section 4.3 reviews networks that learn the
# recovery instead, and GANs that make it look real. Its Section 4.3.1 centres on DAGAN, the De-Aliasing
# GAN [(Yang et al., 2018)](#survey76): a U-Net that corrects the zero-filled image, trained with an image
# loss, a frequency loss, a perceptual loss and an adversarial one (the survey's Eq. 7),
#
# $$L_G = \alpha L_{\text{image}} + \beta L_{\text{freq}} + \gamma L_{\text{perceptual}} + L_{\text{adv}}.$$
#
# Realistic-looking is not the same as right. An adversarial loss rewards images that look like the
# training images; where the data leave the answer open, the network may erase a lesion or fill in
# structure that was never there. The survey warns of it
# [(Cohen et al., 2018)](#survey26); the simulator's lesions let us measure it. The second half does the
# same for super-resolution (the survey's Section 4.3.2): images with bigger pixels, and volumes with
# thicker slices, brought back to full resolution with the L1 loss or with the recipe of SRGAN, the
# super-resolution GAN [(Ledig et al., 2017)](#survey80).
#
# **Learning goals**
# - simulate an MR acquisition from a slice (complex image, k-space, Cartesian undersampling masks), and
#   say where it differs from a scanner's;
# - build DAGAN's generator with residual learning and a data-consistency step, and its four losses;
# - compare it, at four rates and over seeds, with zero-filling and with the image loss alone, for the
#   same time: fidelity against realism;
# - measure whether a reconstruction keeps a small lesion, weakens it, or invents structure;
# - super-resolve slices 2x and 4x (bicubic, L1, SRGAN-style), and a volume through its slices, saved as
#   NIfTI with the right voxel size.

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
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import nibabel as nib
import numpy as np
import torch
from IPython.display import Markdown, display
from tqdm.auto import tqdm

from gancourse.data import (BrainSimulator, chosen_data, load_nifti, save_nifti,
                            to_gan_range)
from gancourse.data.kspace import (cartesian_mask, complex_image, data_consistency,
                                   fft2c, ifft2c, undersample, zero_filled)
from gancourse.exercises import check
from gancourse.methods.reconstruction import (DAGANTrainer, frequency_loss,
                                              normalised_error, reconstruct_images)
from gancourse.methods.super_resolution import (SuperResolutionTrainer, bicubic,
                                                coronal_planes, downsample,
                                                super_resolve, thick_slices,
                                                through_plane)
from gancourse.metrics import kernel_distance, psnr, ssim
from gancourse.metrics.domain import domain_features
from gancourse.metrics.lesions import lesion_contrast
from gancourse.metrics.realism import fine_texture, high_frequency_energy
from gancourse.metrics.reconstruction import blob_centres, invented_contrast, nmse
from gancourse.nets import PatchDiscriminator, UNetGenerator, count_parameters
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table, mean_and_spread, say

P = current_profile()
print(P)
chapter_start = time.perf_counter()

image_size = P.pick(smoke=32, cpu=64, gpu=128)
fov_mm = 232.0  # the whole head: k-space covers everything in the field of view
spacing = fov_mm / image_size
width = P.pick(smoke=4, cpu=16, gpu=32)  # the U-Net's first level
n_train = P.pick(smoke=32, cpu=600, gpu=3000)
n_test = P.pick(smoke=16, cpu=100, gpu=300)
rates = [0.1, 0.2, 0.3, 0.5]  # the share of k-space lines measured
seeds = P.pick(smoke=[0], cpu=[0, 1, 2], gpu=[0, 1, 2])
first_seconds = P.seconds(smoke=0.3, cpu=4, gpu=30)  # the image loss alone, shared
then_seconds = P.seconds(smoke=0.3, cpu=4, gpu=30)  # then each variant trains this long
factors = [2, 4]  # super-resolution
sr_seeds = P.pick(smoke=[0], cpu=[0, 1], gpu=[0, 1, 2])
print(f"{image_size}x{image_size} slices ({spacing:.2f} mm pixels), {n_train} training "
      f"and {n_test} test subjects; seeds {seeds}; every network trains "
      f"{first_seconds} s with the image loss, then {then_seconds} s as itself")

# %% [markdown]
# ## From a slice to k-space
#
# The simulator's T1 slices are magnitude images. A scanner's image is complex: field inhomogeneity and
# the receive coil give it a phase that varies smoothly across the field of view. We give each slice
# such a phase (random on a coarse grid, interpolated), then take the centred, orthonormal 2-D Fourier
# transform (`gancourse.data.kspace.fft2c`): the middle of k-space holds the low frequencies, the
# contrast; the edges hold the fine detail and the edges of structures. Half the subjects carry a lesion.
# With `GANCOURSE_DATA=ixi` (files prepared by `data_scripts/fetch.py`) the reconstruction and
# super-resolution sections run on IXI's T1 slices instead (training and test subjects apart), scored
# inside the head; IXI has no lesion masks and its prepared files no volumes, so the hallucination section
# is skipped and the through-plane section keeps the simulator's volumes.

# %%
phases = torch.Generator().manual_seed(0)


def subjects(seed, n, lesion_prob=0.5):
    """n T1 slices (magnitudes in [0, 1]), their complex images, lesions and brain."""
    batch = BrainSimulator(image_size, seed=seed, lesion_prob=lesion_prob,
                           fov_mm=fov_mm).sample(n)
    brain = (batch.labels >= 2).unsqueeze(1)  # grey and white matter
    return batch.t1, complex_image(batch.t1, phases), batch.lesion_mask, brain


def ixi_slices(split, n):
    """IXI's T1 slices, as subjects() returns them (no lesions; the head as brain)."""
    t1 = data.slices(image_size, n, split).t1
    no_lesion = torch.zeros_like(t1, dtype=torch.bool)
    return t1, complex_image(t1, phases), no_lesion, t1 > 0.1


data = chosen_data()  # GANCOURSE_DATA: the simulator unless it names a public set
print(data)
on_simulator = data.simulated
SIMULATOR_ONLY = ("IXI has no lesion masks: this section runs on the simulator "
                  "only.")
start = time.perf_counter()
if on_simulator:
    train_mag, train_complex, _, _ = subjects(1, n_train)
    test_mag, test_complex, test_lesion, test_brain = subjects(3, n_test)
else:  # IXI: training and test slices from different subjects
    train_mag, train_complex, _, _ = ixi_slices("train", n_train)
    test_mag, test_complex, test_lesion, test_brain = ixi_slices("test", n_test)
has_lesion = test_lesion.flatten(1).any(1)
test_kspace = fft2c(test_complex)
print(f"{n_train + n_test} {'subjects' if on_simulator else 'slices'} in "
      f"{time.perf_counter() - start:.1f} s; "
      f"{int(has_lesion.sum())} of the {n_test} test slices have a lesion")

reference = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(test_complex[0, 0].numpy()),
                                        norm="ortho"))
print(f"fft2c against NumPy: largest difference "
      f"{np.abs(test_kspace[0, 0].numpy() - reference).max():.1e}; energy in the image "
      f"{(test_complex[0].abs() ** 2).sum():.2f}, in k-space "
      f"{(test_kspace[0].abs() ** 2).sum():.2f}")

shown = int(torch.nonzero(has_lesion)[0]) if on_simulator else 0
fig, axes = plt.subplots(1, 4, figsize=(12, 3.2))
axes[0].imshow(test_mag[shown, 0], cmap="gray", vmin=0, vmax=1)
if on_simulator:
    axes[0].contour(test_lesion[shown, 0], [0.5], colors="red", linewidths=0.7)
axes[0].set_title("magnitude (lesion in red)" if on_simulator else "magnitude",
                  fontsize=9)
axes[1].imshow(torch.angle(test_complex[shown, 0]), cmap="twilight", vmin=-np.pi,
               vmax=np.pi)
axes[1].set_title("phase (radians, -pi to pi)", fontsize=9)
axes[2].imshow(test_complex[shown, 0].real, cmap="gray")
axes[2].set_title("real part", fontsize=9)
axes[3].imshow(torch.log10(test_kspace[shown, 0].abs() + 1e-4), cmap="magma")
axes[3].set_title("k-space, log10 of the magnitude", fontsize=9)
for ax in axes:
    ax.axis("off")
fig.suptitle(f"One {'simulated' if on_simulator else 'IXI'} acquisition: the complex "
             "image and its k-space")
plt.show()

# %% [markdown]
# The scanner encodes position with magnetic field gradients: along one axis during the **readout**
# (a whole line of k-space, $k_x$, in a few milliseconds), along the other by **phase encoding** (each
# line, $k_y$, needs its own excitation and a wait for the tissue's **relaxation** towards
# equilibrium). Scan time is proportional to the number of phase-encoding lines, so it is lines that
# we leave out; lines on such a grid are **Cartesian** sampling. The simulation is simpler than a
# scanner in ways that matter:
#
# - **one coil.** Scanners receive with several coils, each with its own sensitivity map, and parallel
#   imaging uses their differences to fill in lines;
# - **the noise** is the simulator's, already in the magnitude image (**Rician**: the noise of the
#   magnitude of complex data with Gaussian noise in both parts), under a smooth phase. A scanner's
#   thermal noise is white and complex in k-space, with a random phase in every pixel, so dropping
#   lines also drops noise. Here the fully sampled image, noise included, is the truth, which makes the
#   hard data consistency below exactly right; with real noise in the measured lines it should be soft;
# - **the inverse crime**: the k-space is computed, with the very transform the reconstruction
#   inverts, from an image already reconstructed on the same grid (with a made-up phase), so the model
#   fits the data perfectly, as it never does on a scanner; a real head has finer detail than the grid;
# - **one phase-encoding axis**: a 2-D slice; a 3-D scan phase-encodes two axes and can leave out lines
#   along both; no radial or spiral trajectories; nothing happens during the readout (no relaxation,
#   motion or off-resonance).
#
# ## Undersampling masks and the zero-filled image
#
# A mask chooses the phase-encoding lines to measure. A rate of 10 % is an acceleration of about
# $R = 1/\text{rate} = 10$ (the cell prints each mask's count of lines). Half the lines form a band in
# the centre; the others are drawn at random, densely near the centre and sparsely at the edges
# (variable density). DAGAN used one fixed mask per rate, as a scan protocol would; so do we, for every
# seed. Setting the missing lines to zero gives the **zero-filled** image: blurred, because high
# frequencies are missing, and aliased. Keeping every $R$-th line folds $R$ shifted copies of the image
# on top of each other along the phase-encoding direction; leaving lines out at random spreads the
# missing energy as incoherent, noise-like streaks along it, which a method that knows what images look
# like can tell from the image and remove: the premise of compressed sensing
# [(Lustig et al., 2007)](#lustig2007sparse). The first figure shows both at the same rate.

# %%
masks = {rate: cartesian_mask(image_size, rate, torch.Generator().manual_seed(5))
         for rate in rates}
zero_filled_test = {rate: zero_filled(test_kspace, masks[rate]) for rate in rates}
for rate in rates:
    print(f"{rate:.0%} of the lines: {int(masks[rate][:, 0].sum())} of {image_size}, "
          f"acceleration R = {image_size / masks[rate][:, 0].sum():.1f}")

regular = torch.zeros(image_size, image_size, dtype=torch.bool)
regular[::4] = True  # every 4th line
draws = torch.Generator().manual_seed(5)
demo = {"every 4th line (regular)": regular,
        "random lines": cartesian_mask(image_size, 0.25, draws, centre_share=0.0,
                                       power=0.0),
        "random, variable density": cartesian_mask(image_size, 0.25, draws)}
fig, axes = plt.subplots(1, 4, figsize=(12, 3.2))
axes[0].imshow(test_mag[shown, 0], cmap="gray", vmin=0, vmax=1)
axes[0].set_title("truth", fontsize=9)
for ax, (name, mask) in zip(axes[1:], demo.items()):
    image = zero_filled(test_kspace[shown:shown + 1], mask).abs().clamp(0, 1)
    ax.imshow(image[0, 0], cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"{name}: {int(mask[:, 0].sum())} lines", fontsize=9)
for ax in axes:
    ax.axis("off")
fig.suptitle("The same number of lines, left out regularly (folded copies) or at "
             "random (noise-like streaks); phase encoding runs top to bottom")
plt.show()

fig, axes = plt.subplots(2, len(rates), figsize=(2.6 * len(rates), 5.4))
for j, rate in enumerate(rates):
    axes[0, j].imshow(masks[rate], cmap="gray", interpolation="nearest")
    lines = int(masks[rate][:, 0].sum())
    axes[0, j].set_title(f"{rate:.0%}: {lines} of {image_size} lines", fontsize=9)
    image = zero_filled_test[rate][shown].abs().clamp(0, 1)  # as the tables score it
    axes[1, j].imshow(image[0], cmap="gray", vmin=0, vmax=1)
    axes[1, j].set_title(f"zero-filled, PSNR {psnr(image, test_mag[shown], 1):.1f} dB",
                         fontsize=9)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("rows: $k_y$ (phase encoding)\ncolumns: $k_x$ (readout)",
                      fontsize=8)
fig.suptitle("Masks (white: measured lines) and the zero-filled images they give")
plt.show()

# %% [markdown]
# ## DAGAN: residual learning, data consistency and four losses
#
# The generator is pix2pix's U-Net (`gancourse.nets.UNetGenerator`, chapter 3.3), which DAGAN uses too,
# with two channels in and out: the real and imaginary parts. That is this chapter's choice: DAGAN
# worked on one-channel magnitude images. A real image's k-space is conjugate-symmetric (each line
# determines its mirror line), so a magnitude-only simulation would measure half the missing lines for
# free; with a phase, as on a scanner, every line carries its own information. It does not produce the image; it produces
# a **correction** that is added to the zero-filled image (residual learning: where the zero-filled image
# is right, the network has nothing to do). Then a **data-consistency** step puts the measured lines back
# into the output's k-space: whatever the network proposes, it cannot contradict what was measured; it
# only fills in the lines that were not. (DAGAN refined its output with the residual alone, and Seitzer
# et al. [(Seitzer et al., 2018)](#survey77) with a second, adversarially trained stage; the hard
# data-consistency step of cascaded networks [(Schlemper et al., 2018)](#schlemper2018deep) is the
# simplest guarantee; the survey's Section 4.3.3 and its Table 13, from GANCS
# [(Mardani et al., 2017)](#survey85) on, include a network that adds a data-consistency *loss*
# instead.) Here is the step at work, on a random guess:

# %%
guess = torch.randn_like(test_complex[:4])
measured = undersample(test_kspace[:4], masks[0.3])
consistent = data_consistency(guess, measured, masks[0.3])
line = masks[0.3][:, 0]
print(f"measured lines, largest difference after data consistency: "
      f"{(fft2c(consistent) - test_kspace[:4])[..., line, :].abs().max():.1e}; "
      f"unmeasured lines still the guess's: "
      f"{(fft2c(consistent) - fft2c(guess))[..., ~line, :].abs().max():.1e}")

# %% [markdown]
# The losses, each normalised by the truth's energy so that their weights mean something
# (`gancourse.methods.reconstruction`):
#
# - $L_{\text{image}}$, the **normalised squared error** of the complex image, $\|x - y\|^2 / \|y\|^2$
#   (NMSE, the measure DAGAN reports);
# - $L_{\text{freq}}$, the same error between the **magnitudes** of the two k-spaces. Between the complex
#   k-spaces it would add nothing: the orthonormal Fourier transform keeps distances (Parseval's theorem),
#   so it would be the image loss again, as the cell below shows;
# - $L_{\text{perceptual}}$, the content distance of chapter 3.4 on the book's domain encoder (in place
#   of VGG, which has never seen an MRI);
# - $L_{\text{adv}}$, the non-saturating loss of a PatchGAN discriminator that judges magnitude images.
#
# The weights, 15, 15, 1 and 1, are this chapter's own: DAGAN's paper weighted *unnormalised* squared
# errors and VGG features, whose scales differ from these normalised terms. We keep its 15 to 1 between
# the image and adversarial terms, give the frequency term the image term's weight (both are normalised
# errors of similar size, as the cell below shows) and the perceptual term the adversarial one's.
# As SRGAN's authors and Seitzer et al. did, we start from a network trained with the pixel loss: each
# seed trains the U-Net with the image loss alone for a while (the **start**); then one copy continues
# with the image loss (the **image-loss** network), another with all four losses (**DAGAN**), for the
# same time and each with a fresh optimiser, so that only the losses differ.
#
# On the zero-filled image the image and frequency losses agree: every k-space sample there is exact
# or zero, and the error of a zero is its whole magnitude either way. After data consistency on a
# random guess, the unmeasured samples are wrong in phase as well as size, and the two differ.

# %%
for name, x in (("zero-filled", zero_filled_test[0.3][:4]),
                ("random guess + data consistency", consistent)):
    y = test_complex[:4]
    complex_k_error = ((fft2c(x) - fft2c(y)).abs() ** 2).flatten(1).sum(1)
    k_nmse = (complex_k_error / (fft2c(y).abs() ** 2).flatten(1).sum(1)).mean()
    print(f"{name}: NMSE of the images {normalised_error(x, y):.4f}; of their complex "
          f"k-spaces {k_nmse:.4f}; of the k-space magnitudes (the frequency loss) "
          f"{frequency_loss(x, y):.4f}")
seed_everything(0)
unet = UNetGenerator(2, 2, image_size, width, dropout=False)
print(f"U-Net: {count_parameters(unet):,} parameters; discriminator: "
      f"{count_parameters(PatchDiscriminator(1, width, n_layers=2)):,}")

# %% [markdown]
# ## Training, and scoring every rate
#
# For every rate and seed: zero-filled, the shared start, the image-loss network and DAGAN, on held-out
# subjects. Fidelity is PSNR, SSIM and NMSE, all three on the magnitudes clamped to [0, 1] (the image
# loss in training is on the complex images); realism is chapter 3.3's fine texture (inside the brain)
# and high-frequency energy, each relative to the truth's, and the kernel distance (chapter 3.2) on the
# domain encoder's features (0 for a set like the truths; it is unbiased, so sets of any size compare).
# A texture or high-frequency ratio of 1 is as much as the truth has, not "as right as the truth": below
# 1, detail was lost (blur); above 1, something was added that the truth does not have, aliasing ripples
# or invented texture. The loop also computes the hallucination measures, explained further down.

# %%
truth_features = domain_features(2 * test_mag - 1)
truth_energy = high_frequency_energy(test_mag)
truth_texture = fine_texture(test_mag, test_brain)
if on_simulator:  # IXI has no lesions: no hallucination measures
    lesion_truth = lesion_contrast(test_mag[has_lesion], test_lesion[has_lesion],
                                   test_brain[has_lesion])
    typical_lesion = lesion_truth.abs().median()
    flat = float(typical_lesion) / 2  # no disc over a tissue border of this contrast
    centres = blob_centres(test_mag, test_brain, radius=2, flat=flat)
    clean = ~has_lesion & centres.flatten(1).any(1)  # lesion-free, with a flat place
    print(f"simulated lesions: {int((lesion_truth < 0).sum())} of {len(lesion_truth)} "
          f"darker than the tissue around them in T1; typical contrast "
          f"{typical_lesion:.3f}")


def hallucination_of(m):
    """Lesions kept or weakened; the strongest lesion-like (dark) error elsewhere."""
    lesion = has_lesion
    kept = lesion_contrast(m[lesion], test_lesion[lesion], test_brain[lesion])
    ratio = kept / lesion_truth
    dark = invented_contrast(m[clean], test_mag[clean], test_brain[clean], flat=flat)
    bright = invented_contrast(m[clean], test_mag[clean], test_brain[clean], flat=flat,
                               polarity="brighter")
    return {"contrast kept": float(kept.mean() / lesion_truth.mean()),
            "lesions below half (%)": float((ratio < 0.5).float().mean() * 100),
            "dark blob / lesion": float(dark.median() / typical_lesion),
            "dark blob >= a lesion (%)":
                float((dark >= typical_lesion).float().mean() * 100),
            "bright blob / lesion": float(bright.median() / typical_lesion)}


def scores_of(images):
    """The scorecard of complex reconstructions of the test slices."""
    m = images.abs().clamp(0, 1)
    return {"PSNR (dB)": psnr(m, test_mag, 1.0), "SSIM": ssim(m, test_mag, 1.0),
            "NMSE": nmse(m, test_mag),
            "texture": fine_texture(m, test_brain) / truth_texture,
            "HF energy": high_frequency_energy(m) / truth_energy,
            "kernel distance": kernel_distance(truth_features,
                                               domain_features(2 * m - 1)),
            **(hallucination_of(m) if on_simulator else {})}


METHODS = ["zero-filled", "start", "image loss", "DAGAN"]
scores = {rate: {method: [] for method in METHODS} for rate in rates}
outputs = {rate: {} for rate in rates}  # the first seed's, for the figures
steps = {"start": [], "image loss": [], "DAGAN": []}
runs = tqdm(total=len(rates) * len(seeds), desc="rates x seeds")
for rate in rates:
    zf = zero_filled_test[rate]
    for seed in seeds:
        seed_everything(seed)
        G = UNetGenerator(2, 2, image_size, width, dropout=False)
        pretrain = DAGANTrainer(G, None, train_complex, masks[rate], frequency_weight=0,
                                feature_weight=0, seed=seed)
        pretrain.fit(seconds=first_seconds, progress=False)
        steps["start"].append(pretrain.steps_done)
        G_image, G_dagan = copy.deepcopy(G), copy.deepcopy(G)
        # both continue from the start with fresh optimisers: only the losses differ
        image_only = DAGANTrainer(G_image, None, train_complex, masks[rate],
                                  frequency_weight=0, feature_weight=0, seed=seed)
        image_only.fit(seconds=then_seconds, progress=False)
        seed_everything(seed)
        D = PatchDiscriminator(1, width, n_layers=2)
        dagan = DAGANTrainer(G_dagan, D, train_complex, masks[rate], seed=seed)
        dagan.fit(seconds=then_seconds, progress=False)
        steps["image loss"].append(image_only.steps_done)
        steps["DAGAN"].append(dagan.steps_done)
        results = {"zero-filled": zf, "start": reconstruct_images(G, zf, masks[rate]),
                   "image loss": reconstruct_images(G_image, zf, masks[rate]),
                   "DAGAN": reconstruct_images(G_dagan, zf, masks[rate])}
        for method, images in results.items():
            scores[rate][method].append(scores_of(images))
        if seed == seeds[0]:
            outputs[rate] = results
        runs.update(1)
runs.close()
mean_steps = {name: np.mean(taken) for name, taken in steps.items()}
dearer = mean_steps["DAGAN"] < mean_steps["image loss"]
say("On average over rates and seeds, DAGAN shared the first {s:.0f} image-loss steps "
    "(the start), then took {a:.0f} with all four losses, where the image-loss network "
    "took {b:.0f} more in the same time"
    + (": the perceptual loss and the discriminator make each step dearer."
       if dearer else "."),
    s=mean_steps["start"], a=mean_steps["DAGAN"], b=mean_steps["image loss"])

# %%
COLUMNS = ["PSNR (dB)", "SSIM", "NMSE", "texture", "HF energy", "kernel distance"]
DIGITS = {"PSNR (dB)": 1, "SSIM": 3, "NMSE": 3, "texture": 2, "HF energy": 2,
          "kernel distance": 2}


def table_row(runs_of_method):
    return {c: mean_and_spread([r[c] for r in runs_of_method], DIGITS[c])
            for c in COLUMNS}


rows = {f"{rate:.0%}, {method}": table_row(scores[rate][method])
        for rate in rates for method in METHODS}
display(Markdown(f"Held-out slices ({n_test}); mean ± standard deviation over "
                 f"{len(seeds)} seed(s) ({P.name} profile), one mask per rate "
                 "shared by all seeds (zero-filled has no spread). *Start*: the "
                 "image-loss network both continuations start from. Texture and HF "
                 "energy relative to the fully sampled truth's (below 1: detail lost; "
                 "above 1: added).\n\n"
                 + markdown_table(rows, index_name="rate, method")))

# %%
for rate in rates:
    mean = {method: {c: np.mean([r[c] for r in scores[rate][method]]) for c in COLUMNS}
            for method in METHODS}
    best = max(METHODS, key=lambda method: mean[method]["PSNR (dB)"])
    sharper = min(METHODS, key=lambda method: abs(np.log(mean[method]["HF energy"])))
    closest = min(METHODS, key=lambda method: mean[method]["kernel distance"])
    print(f"{rate:.0%} of the lines: highest PSNR {best}; high-frequency energy "
          f"closest to the truth's: {sharper}; smallest kernel distance: {closest}")

# %% [markdown]
# Read the table by rows of the same rate. The zero-filled image has no training; the networks correct
# it and, with data consistency, keep every measured line, so what they change is only what was not
# measured. The start row is where both continuations began: the image-loss and DAGAN rows show what the
# same time with each set of losses changed from there. The seeds' spread says which differences to
# trust. In the texture and high-frequency columns, look both ways: a ratio below 1 is detail lost to
# blur; above 1 is not extra sharpness but something the truth lacks, aliasing ripples or invented
# texture.

# %%
fig, axes = plt.subplots(len(rates), 6, figsize=(14, 2.5 * len(rates)))
for i, rate in enumerate(rates):
    images = [test_mag[shown, 0]] + [outputs[rate][m][shown, 0].abs().clamp(0, 1)
                                     for m in METHODS]
    dagan_image = outputs[rate]["DAGAN"][shown, 0].abs().clamp(0, 1)
    error = (dagan_image - test_mag[shown, 0]).abs()
    for j, image in enumerate(images):
        axes[i, j].imshow(image, cmap="gray", vmin=0, vmax=1)
        if on_simulator:
            axes[i, j].contour(test_lesion[shown, 0], [0.5], colors="red",
                               linewidths=0.5)
    axes[i, 5].imshow(error, cmap="magma", vmin=0, vmax=0.3)
    axes[i, 0].set_ylabel(f"{rate:.0%}", fontsize=10)
for j, name in enumerate(["truth"] + METHODS + ["|DAGAN - truth| (0 to 0.3)"]):
    axes[0, j].set_title(name, fontsize=9)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("One held-out slice at every rate (first seed"
             + ("; lesion outlined in red)" if on_simulator else ")"))
plt.show()

# %% [markdown]
# ## Hallucination, measured
#
# Two questions, answered by numbers:
#
# 1. **Is a lesion kept?** In each test slice with a lesion, the lesion's contrast is the mean intensity
#    inside it minus the mean in a 2-pixel ring of brain tissue around it
#    (`gancourse.metrics.lesions.lesion_contrast`, chapter 3.5). *Contrast kept* is the reconstructions'
#    mean contrast over the truth's (1: kept, 0: erased); *lesions below half* counts the lesions whose
#    contrast fell below half their true value.
# 2. **Is something invented?** In lesion-free test slices, any lesion-like blob is wrong. The
#    simulated lesions are dark in T1 (a cell above counts them), so a lesion-like error is a *darker*
#    one. `gancourse.metrics.reconstruction.invented_contrast` finds the most negative mean error over
#    a disc of radius 2 pixels (noise averages out over a disc; a blob does not), with the disc wholly in
#    the brain and over flat truth (its spread under the disc at most half a lesion's contrast): blur
#    alone darkens the bright side of every tissue border, and is not invention. *Dark blob / lesion* is
#    its median over the slices relative to a typical lesion's contrast; the next column counts the
#    slices where it reaches a whole lesion; *bright blob / lesion* is the same for brighter errors.

# %%
if not on_simulator:
    print(SIMULATOR_ONLY)
else:
    HALLUCINATION = ["contrast kept", "lesions below half (%)", "dark blob / lesion",
                     "dark blob >= a lesion (%)", "bright blob / lesion"]
    DIGITS.update({"contrast kept": 2, "lesions below half (%)": 0,
                   "dark blob / lesion": 2, "dark blob >= a lesion (%)": 0,
                   "bright blob / lesion": 2})
    rows = {f"{rate:.0%}, {method}": {
                c: mean_and_spread([r[c] for r in scores[rate][method]], DIGITS[c])
                for c in HALLUCINATION}
            for rate in rates for method in METHODS}
    display(Markdown(f"{len(lesion_truth)} test slices with a lesion (typical true "
                     f"contrast {typical_lesion:.3f}), {int(clean.sum())} without "
                     "(and with a flat place for the disc); mean ± standard deviation "
                     f"over {len(seeds)} seed(s).\n\n"
                     + markdown_table(rows, index_name="rate, method")))

# %% [markdown]
# Two things to look for: whether the networks keep more of a lesion's contrast than the zero-filled
# image (the first two columns), and whether DAGAN's losses, which reward texture, also put stronger
# lesion-like blobs where there are none (the dark-blob columns, DAGAN against the image loss). Where
# every method, zero-filled included, leaves blobs as strong as a lesion, the measure sees mostly blur
# and aliasing rather than anything a network added. The lines below say what this run found;
# "stronger" is printed only where the difference exceeds the seeds' spread.

# %%
def mean_of(rate, method, c):
    return np.mean([r[c] for r in scores[rate][method]])


if not on_simulator:
    print(SIMULATOR_ONLY)
else:
    for rate in rates:
        kept = {m: mean_of(rate, m, "contrast kept") for m in METHODS}
        blob = {m: mean_of(rate, m, "dark blob / lesion") for m in METHODS}
        spread = max(np.std([r["dark blob / lesion"] for r in scores[rate][m]], ddof=1)
                     for m in ("image loss", "DAGAN"))
        gap = blob["DAGAN"] - blob["image loss"]
        verdict = ("stronger than" if gap > spread else "weaker than" if -gap > spread
                   else "within the seeds' spread of")
        print(f"{rate:.0%}: contrast kept by zero-filled {kept['zero-filled']:.2f}, "
              f"image loss {kept['image loss']:.2f}, DAGAN {kept['DAGAN']:.2f}; "
              f"DAGAN's dark blobs are {verdict} the image-loss network's "
              f"({blob['DAGAN']:.2f} against {blob['image loss']:.2f} of a lesion; "
              f"difference {gap:+.2f}, seeds' spread up to {spread:.2f})")
    saturated = [f"{rate:.0%}" for rate in rates
                 if min(mean_of(rate, m, "dark blob >= a lesion (%)")
                        for m in METHODS) >= 90]
    if saturated:
        print(f"at {', '.join(saturated)} every method, zero-filled included, leaves a "
              "blob as dark as a lesion in at least 90 % of the slices: there the "
              "measure is dominated by blur and aliasing.")

# %% [markdown]
# Where does the worst one lie? Below, the lesion-free test slice on which DAGAN's reconstruction at the
# lowest rate has its strongest dark blob, with the place marked.

# %%
if not on_simulator:
    print(SIMULATOR_ONLY)
else:
    rate = rates[0]
    picked = torch.nonzero(clean).flatten()
    recon = outputs[rate]["DAGAN"][picked].abs().clamp(0, 1)
    blobs = invented_contrast(recon, test_mag[picked], test_brain[picked], flat=flat)
    worst = int(blobs.argmax())
    difference = (recon[worst, 0] - test_mag[picked][worst, 0]).double()
    t = torch.arange(-2, 3)
    disc = ((t[:, None] ** 2 + t[None, :] ** 2) <= 4).double()  # the measure's disc
    disc = (disc / disc.sum())[None, None]
    local = torch.nn.functional.conv2d(difference[None, None], disc, padding=2)[0, 0]
    local[~centres[picked][worst, 0]] = 0  # where the measure may centre its disc
    row, col = divmod(int(local.argmin()), image_size)  # the darkest
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.2))
    panels = [test_mag[picked][worst, 0],
              outputs[rate]["image loss"][picked][worst, 0].abs().clamp(0, 1),
              recon[worst, 0]]
    for ax, image, name in zip(axes, panels,
                               ["truth (no lesion)", "image loss", "DAGAN"]):
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
        ax.add_patch(plt.Circle((col, row), 4, fill=False, color="yellow"))
        ax.set_title(name, fontsize=9)
    axes[3].imshow(difference, cmap="RdBu_r", vmin=-0.3, vmax=0.3)
    axes[3].set_title("DAGAN - truth (-0.3 blue to 0.3 red)", fontsize=9)
    for ax in axes:
        ax.axis("off")
    fig.suptitle(f"The strongest dark blob at {rate:.0%}: "
                 f"{float(blobs[worst] / typical_lesion):.2f} of a typical lesion's "
                 "contrast")
    plt.show()

# %% [markdown]
# ## Super-resolution, 2x and 4x
#
# Now the measured data are a low-resolution image: each pixel the mean of a $2 \times 2$ or
# $4 \times 4$ block of the truth (`gancourse.methods.super_resolution.downsample`), as a bigger voxel
# averages the tissue it covers. The baseline is **bicubic** interpolation. Both networks are the same
# U-Net with one channel, and both start from the bicubic image and learn a correction. A network is
# first trained with the L1 loss alone; then, as for DAGAN, two copies continue from it with fresh
# optimisers: the **L1** network with the L1 loss, the **SRGAN-style** network (as Ledig et al. started
# SRGAN from their pixel-loss network) with L1 plus the content loss on the domain encoder plus an
# adversarial loss (weights 1, 1 and 0.01), for as long as the L1 network continues. The
# survey's Section 4.3.2 reviews such networks in 3-D [(Sánchez and Vilaplana, 2018)](#survey79)
# [(Chen et al., 2018)](#survey82).

# %%
train_high, test_high = to_gan_range(train_mag), to_gan_range(test_mag)  # [-1, 1]


def sr_scores(images):
    m = (images.clamp(-1, 1) + 1) / 2
    return {"PSNR (dB)": psnr(m, test_mag, 1.0), "SSIM": ssim(m, test_mag, 1.0),
            "texture": fine_texture(m, test_brain) / truth_texture,
            "HF energy": high_frequency_energy(m) / truth_energy,
            "kernel distance": kernel_distance(truth_features,
                                               domain_features(images.clamp(-1, 1)))}


SR_METHODS = ["bicubic", "start", "L1", "SRGAN-style"]
sr = {factor: {method: [] for method in SR_METHODS} for factor in factors}
sr_outputs = {}
sr_steps = {"start": [], "L1": [], "SRGAN-style": []}
for factor in tqdm(factors, desc="factors"):
    low = downsample(test_high, factor)
    for seed in sr_seeds:
        seed_everything(seed)
        G = UNetGenerator(1, 1, image_size, width, dropout=False)
        pretrain = SuperResolutionTrainer(G, None, train_high, factor, seed=seed)
        pretrain.fit(seconds=first_seconds, progress=False)
        G_l1, G_gan = copy.deepcopy(G), copy.deepcopy(G)
        l1 = SuperResolutionTrainer(G_l1, None, train_high, factor, seed=seed)
        l1.fit(seconds=then_seconds, progress=False)  # fresh optimiser, as the GAN's
        seed_everything(seed)
        D = PatchDiscriminator(1, width, n_layers=2)
        gan = SuperResolutionTrainer(G_gan, D, train_high, factor, feature_weight=1.0,
                                     adversarial_weight=0.01, seed=seed)
        gan.fit(seconds=then_seconds, progress=False)
        for name, trainer in (("start", pretrain), ("L1", l1), ("SRGAN-style", gan)):
            sr_steps[name].append(trainer.steps_done)
        results = {"bicubic": bicubic(low, factor),
                   "start": super_resolve(G, low, factor),
                   "L1": super_resolve(G_l1, low, factor),
                   "SRGAN-style": super_resolve(G_gan, low, factor)}
        for method, images in results.items():
            sr[factor][method].append(sr_scores(images))
        if seed == sr_seeds[0]:
            sr_outputs[factor] = results

SR_COLUMNS = ["PSNR (dB)", "SSIM", "texture", "HF energy", "kernel distance"]
rows = {f"{factor}x, {method}": {c: mean_and_spread([r[c] for r in sr[factor][method]],
                                                    DIGITS[c]) for c in SR_COLUMNS}
        for factor in factors for method in SR_METHODS}
display(Markdown(f"Super-resolution of {n_test} held-out slices, {len(sr_seeds)} "
                 f"seed(s) ({P.name} profile); *start*: the L1 network both "
                 "continuations start from; texture and HF energy relative to the "
                 "truth's (below 1: detail lost; above 1: added).\n\n"
                 + markdown_table(rows, index_name="factor, method")))
say("On average, both networks shared the first {s:.0f} L1 steps (the start); then the "
    "SRGAN-style network took {g:.0f} with its three losses, where the L1 network took "
    "{l:.0f} more in the same time.", s=np.mean(sr_steps["start"]),
    g=np.mean(sr_steps["SRGAN-style"]), l=np.mean(sr_steps["L1"]))

# %%
def sr_compare(factor, column):
    """SRGAN-style minus L1 on a column, and whether it exceeds the seeds' spread."""
    values = {m: [r[column] for r in sr[factor][m]] for m in ("SRGAN-style", "L1")}
    gap = np.mean(values["SRGAN-style"]) - np.mean(values["L1"])
    return gap, abs(gap) > max(np.std(v, ddof=1) for v in values.values())


for factor in factors:
    words = []
    for column in ("PSNR (dB)", "HF energy", "kernel distance"):
        gap, clear = sr_compare(factor, column)
        words.append(f"{column} {'higher' if gap > 0 else 'lower'} by {abs(gap):.2f}"
                     f"{'' if clear else ' (within the spread of the seeds)'}")
    print(f"{factor}x, SRGAN-style against L1: " + ", ".join(words))

# %%
factor = factors[-1]
fig, axes = plt.subplots(1, 6, figsize=(15, 2.9))
panels = [test_high[shown, 0], downsample(test_high, factor)[shown, 0]] + [
    sr_outputs[factor][m][shown, 0] for m in SR_METHODS]
for ax, image, name in zip(axes, panels, ["truth", f"low ({factor}x larger pixels)"]
                           + SR_METHODS):
    ax.imshow(image.clamp(-1, 1), cmap="gray", vmin=-1, vmax=1)
    ax.set_title(name, fontsize=9)
    ax.axis("off")
fig.suptitle(f"{factor}x super-resolution of one held-out slice (first seed)")
plt.show()

# %% [markdown]
# ## Through the slices of a volume
#
# Clinical MR volumes are often acquired as thick slices: fine in-plane, coarse across. The simulator
# makes whole heads; we average each pair of slices into one twice as thick, and bring the volume back
# to its thin slices in two ways: **cubic** interpolation along the slice axis, and cubic plus a small
# network trained with L1 on planes through the slices (coronal planes, whose rows run across the
# slices), applied plane by plane, as Li et al. reconstruct thin slices from thick ones in 3-D
# [(Li et al., 2017)](#survey84). Each volume is written as NIfTI with its voxel size in the header and
# read back: a viewer places the thick slices where the thin ones they average lie.

# %%
if not on_simulator:
    print("IXI's prepared files hold slices, not volumes: this section uses the "
          "simulator's volumes.")
z_factor = 2
n_volumes = P.pick(smoke=2, cpu=6, gpu=20)
volume_sim = BrainSimulator(image_size, seed=5, fov_mm=fov_mm)
train_volumes = to_gan_range(volume_sim.volumes(n_volumes).t1)
test_sim = BrainSimulator(image_size, seed=6, fov_mm=fov_mm)
test_volumes = to_gan_range(test_sim.volumes(2).t1)
planes = coronal_planes(train_volumes)  # (N * Y, 1, Z, X): rows run across the slices
seed_everything(0)
G3 = UNetGenerator(1, 1, image_size, width, dropout=False)
SuperResolutionTrainer(G3, None, planes, z_factor, along="rows", seed=0).fit(
    seconds=first_seconds + then_seconds, progress=False)

thick = thick_slices(test_volumes, z_factor)
volumes = {"cubic": through_plane(thick, z_factor).clamp(-1, 1),
           "cubic + network": through_plane(thick, z_factor, G3).clamp(-1, 1)}
truth01 = (test_volumes[:, 0] + 1) / 2  # (N, Z, Y, X): scored as stacks of slices
for name, volume in volumes.items():
    print(f"{name:16s}: PSNR {psnr((volume[:, 0] + 1) / 2, truth01, 1.0):.2f} dB, "
          f"SSIM {ssim((volume[:, 0] + 1) / 2, truth01, 1.0):.3f}")

folder = Path(tempfile.mkdtemp())
save_nifti(thick[0, 0], folder / "thick.nii.gz",
           spacing_mm=(z_factor * spacing, spacing, spacing))
save_nifti(volumes["cubic + network"][0, 0], folder / "thin.nii.gz",
           spacing_mm=(spacing,) * 3)
first_z = {}
for name in ("thick", "thin"):
    array, affine = load_nifti(folder / f"{name}.nii.gz")
    first_z[name] = nib.affines.apply_affine(affine, [[0, 0, 0], [1, 0, 0]])[:, 2]
    zooms = nib.load(folder / f"{name}.nii.gz").header.get_zooms()
    print(f"{name}.nii.gz: shape {tuple(array.shape)}, voxel size in the header "
          f"{tuple(round(float(z), 3) for z in zooms)} mm; first slice at z = "
          f"{first_z[name][0]:.2f} mm")
print("the first thick slice lies halfway between the first two thin ones:",
      bool(np.isclose(first_z["thick"][0], first_z["thin"].mean())))

column = image_size // 2
fig, axes = plt.subplots(1, 4, figsize=(12, 3.2))
panels = [test_volumes[0, 0, :, column],
          thick[0, 0, :, column].repeat_interleave(z_factor, 0),
          volumes["cubic"][0, 0, :, column],
          volumes["cubic + network"][0, 0, :, column]]
names = ["truth", f"thick slices ({z_factor}x)", "cubic", "cubic + network"]
for ax, image, name in zip(axes, panels, names):
    ax.imshow(image.flip(0), cmap="gray", vmin=-1, vmax=1)
    ax.set_title(name, fontsize=9)
    ax.axis("off")
fig.suptitle("A coronal plane through a held-out head (superior at the top)")
plt.show()
print(f"chapter ran in {time.perf_counter() - chapter_start:.0f} s ({P.name} profile)")

# %% [markdown]
# ## The survey's Section 4.3, in small
#
# The survey's Table 11 reports DAGAN at 30 % of the lines with an NMSE of 0.08 and a PSNR of 40 dB on
# real brain MRI (IXI and MICCAI 2013 brain data); its Table 12, 3-D super-resolution at PSNRs of 24 to
# 39 dB. Those numbers do not compare with ours (other images and sizes, hours on a GPU, other masks,
# losses and PSNR ranges). What carries over is the shape of the results: how fidelity and realism move
# with the sampling rate, and that the measures can disagree, which is why the tables show both, and
# why lesion contrast is measured and not judged by eye.
#
# ## Exercises
#
# **Exercise 1 (build it).** Write the data-consistency step: given a complex image `(N, 1, H, W)`, the
# measured k-space (zeros where nothing was measured) and the boolean mask `(H, W)`, return the image
# whose k-space equals the measured one on the mask and the image's own elsewhere. Use `fft2c` and
# `ifft2c`. *Hint:* `torch.where(mask, a, b)` broadcasts the mask over the batch.

# %% tags=["answer"]
def my_data_consistency(image, measured, mask):
    ...  # your code


# %%
check("4.3.1", my_data_consistency)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_data_consistency(image, measured, mask):
#     return ifft2c(torch.where(mask, measured, fft2c(image)))
# ```
#
# Replacing the lines, rather than averaging them with the network's, trusts the measurements
# completely; with noisy measurements, a weighted mix (a "soft" data consistency) is the usual choice.
# Keeping the image's lines where nothing was measured is the point: a version that zero-fills them
# throws away everything the network added, and returns the zero-filled image.
#
# </details>

# %% [markdown]
# **Exercise 2 (build it).** Write DAGAN's frequency loss for two batches of complex images `x` and `y`
# `(N, 1, H, W)`: per image, the squared difference between the *magnitudes* of their k-spaces, summed,
# divided by the sum of the squared k-space magnitudes of `y`; then the mean over the images. *Hint:*
# `fft2c(x).abs()`.

# %% tags=["answer"]
def my_frequency_loss(x, y):
    ...  # your code


# %%
check("4.3.2", my_frequency_loss)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_frequency_loss(x, y):
#     kx, ky = fft2c(x).abs(), fft2c(y).abs()
#     error = ((kx - ky) ** 2).flatten(1).sum(1)
#     return (error / (ky ** 2).flatten(1).sum(1)).mean()
# ```
#
# With the complex k-spaces instead of their magnitudes, this would equal the image loss (the cell
# that compared the three in the chapter shows it); the magnitudes ignore the phase, so the loss asks
# for the right amount of each frequency wherever the image puts it.
#
# </details>

# %% [markdown]
# **Exercise 3.** A T1-weighted spin-echo sequence measures one k-space line per repetition, every
# TR = 500 ms. An image of 96 phase-encoding lines takes 48 s fully sampled. How long, in seconds, does
# the scan take with `cartesian_mask(96, 0.25)`, and what is its acceleration? Give the time; compute
# it from the mask.

# %% tags=["answer"]
answer = ...  # a number of seconds

# %%
check("4.3.3", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = int(cartesian_mask(96, 0.25)[:, 0].sum()) * 0.5
# ```
#
# The mask measures `round(0.25 * 96)` lines whatever its random draws, each taking one TR: an
# acceleration of 96 / 24 = 4. The saving is the whole point of undersampling: less time in the
# scanner, fewer motion artefacts.
#
# </details>

# %% [markdown]
# **Exercise 4.** From `scores` (for each rate and method, one dict of scores per seed), compute the
# image-loss network's PSNR gain over the zero-filled image at 10 % of the lines, in dB, averaged over
# the seeds.

# %% tags=["answer"]
answer = ...  # a number in dB

# %%
check("4.3.4", answer, scores=scores)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = np.mean([image["PSNR (dB)"] - zero["PSNR (dB)"]
#                   for image, zero in zip(scores[0.1]["image loss"],
#                                          scores[0.1]["zero-filled"])])
# ```
#
# Compare it with the same gain at 50 %: where more lines are measured there is less to recover, and
# the zero-filled image is already closer to the truth.
#
# </details>

# %% [markdown]
# **Exercise 5 (open).** A radiologist asks whether the DAGAN reconstruction at 20 % can replace the
# full scan for finding small lesions. Using this chapter's measurements, what would you answer, and
# what would you measure next before answering with confidence?
#
# <details><summary>Solution</summary>
#
# A good answer uses the hallucination table, not the PSNR column: what share of the lesions kept at
# least half their contrast at 20 %, and how strong the strongest dark blobs in lesion-free slices were
# relative to a real lesion. It notes that both networks are compared with the zero-filled image at the
# same rate, which erases lesions too, and that data consistency guarantees only the measured lines.
# Next steps: more seeds and test subjects (the spread here is from a few), lesions of the sizes that
# matter clinically, a reader study or a lesion detector run on the reconstructions, real multi-coil
# data with real noise, and the same measures at the rate the protocol would use.
#
# </details>

# %% [markdown]
# ## Summary
#
# - An MR scan measures k-space line by line; measuring fewer lines is faster and gives a blurred,
#   aliased zero-filled image: folded copies when lines are left out regularly, incoherent streaks when
#   they are left out at random, the case compressed sensing relies on. The simulation is simpler than
#   a scanner in ways the chapter lists.
# - DAGAN's generator learns a correction to the zero-filled image; a data-consistency step keeps every
#   measured line, so the network decides only what was not measured. Its frequency loss compares
#   k-space magnitudes: between complex k-spaces, the error equals the image's (Parseval's theorem).
# - From the same start, for the same time and with fresh optimisers, the tables compare zero-filled,
#   the start, the image-loss network and DAGAN at four rates on fidelity and realism; the printed
#   verdicts say which won where in this run, and the seeds' spread which differences to trust.
# - Whether a reconstruction keeps a lesion, weakens it or shows one that is not there is measured:
#   lesion contrast, and the strongest lesion-like (here: darker) error in lesion-free slices, away from
#   tissue borders where blur alone would count.
# - Super-resolution is scored on the same two axes; the printed comparison says where the SRGAN-style
#   losses moved the L1 network, and whether by more than the seeds' spread. A volume of thick slices
#   is brought back plane by plane and saved as NIfTI with the voxel size that puts each slice in place.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="lustig2007sparse"></a>Lustig, Michael, Donoho, David, Pauly, John M. (2007). Sparse MRI: The application of compressed sensing for rapid MR imaging. *Magnetic Resonance in Medicine*. [doi:10.1002/mrm.21391](https://doi.org/10.1002/mrm.21391)
#
# <a id="survey76"></a>Yang, G., Yu, S., Dong, H., Slabaugh, G., Dragotti, P. L., Ye, X., et al. (2018). Dagan: Deep de-aliasing generative adversarial networks for fast compressed sensing mri reconstruction. *IEEE Transactions on Medical Imaging*. [doi:10.1109/TMI.2017.2785879](https://doi.org/10.1109/TMI.2017.2785879)
#
# <a id="survey26"></a>Cohen, J. P., Luck, M., Honari, S. (2018). Distribution matching losses can hallucinate features in medical image translation. *arXiv preprint arXiv:1805.08841*. [arXiv:1805.08841](https://arxiv.org/abs/1805.08841)
#
# <a id="survey80"></a>Ledig, C., Theis, L., Huszar, F., Caballero, J., Cunningham, A., Acosta, A., et al. (2017). Photo-realistic single image super-resolution using a generative adversarial network. *2017 IEEE Conference on Computer Vision and Pattern Recognition (CVPR) (2017) 105–114*. [doi:10.1109/CVPR.2017.19](https://doi.org/10.1109/CVPR.2017.19)
#
# <a id="survey77"></a>Seitzer, M., Yang, G., Schlemper, J., Oktay, O., Würfl, T., Christlein, V., et al. (2018). Adversarial and perceptual refinement for compressed sensing mri reconstruction. *CoRR abs/1806.11216*. [arXiv:1806.11216](https://arxiv.org/abs/1806.11216)
#
# <a id="schlemper2018deep"></a>Schlemper, Jo, Caballero, Jose, Hajnal, Joseph V., Price, Anthony N., Rueckert, Daniel (2018). A deep cascade of convolutional neural networks for dynamic MR image reconstruction. *IEEE Transactions on Medical Imaging*. [doi:10.1109/TMI.2017.2760978](https://doi.org/10.1109/TMI.2017.2760978)
#
# <a id="survey85"></a>Mardani, M., Gong, E., Cheng, J. Y., Vasanawala, S. S., Zaharchuk, G., Alley, M. T., et al. (2017). Deep generative adversarial networks for compressed sensing automates mri. *CoRR abs/1706.00051*. [arXiv:1706.00051](https://arxiv.org/abs/1706.00051)
#
# <a id="survey79"></a>Sánchez, I., Vilaplana, V. (2018). Brain mri super-resolution using 3d generative adversarial networks. *2018*.
#
# <a id="survey82"></a>Chen, Y., Shi, F., Christodoulou, A. G., Zhou, Z., Xie, Y., Li, D. (2018). Efficient and accurate mri super-resolution using a generative adversarial network and 3d multi-level densely connected network. *CoRR abs/1803.01417*. [arXiv:1803.01417](https://arxiv.org/abs/1803.01417)
#
# <a id="survey84"></a>Li, Z., Wang, Y., Yu, J. (2017). Reconstruction of thin-slice medical images using generative adversarial network. *in: International Workshop on Machine Learning in Medical Imaging, Springer, 2017, pp. 325–333*.
