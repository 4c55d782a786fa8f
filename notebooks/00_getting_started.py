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
# # Getting started: what GANs offer medical imaging, and the brain MRI simulator
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/00_getting_started.ipynb)
#
# *About 25 minutes to read; in the cpu profile it runs in 6 s on 2 CPU cores (the book's benchmarks measure it).*
#
# This book follows the survey "GANs for Medical Image Analysis" [(Kazeminia et al., 2020)](#kazeminia2020gans).
# This chapter starts where the survey starts, with what generative adversarial networks (GANs) can do for
# medical images and the two ways they are used, then tours what every later chapter trains on: simulated
# brain MRI (and CT) built on a real template, images that cost nothing to get and whose ground truth is known
# exactly.
#
# **Learning goals**
# - say why medical image analysis needs generative models, and tell the survey's two uses of GANs apart:
#   *latent to image* (synthesis from noise) and *image to image* (translation);
# - run a chapter on Colab or on your laptop, and choose its size with a *profile*;
# - draw simulated subjects: T1- and T2-weighted MR, CT, tissue labels, lesions, 2-D slices and 3-D volumes;
# - know where each image comes from: which parts are real anatomy and which are modelled, with what
#   physics, and what the simulated lesion stands for in each contrast;
# - save a volume as NIfTI, the file format of research neuroimaging, and read it back.

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

from gancourse.data import (BrainSimulator, LABELS, TISSUES, ct_to_unit, load_nifti,
                            save_nifti, signal, to_gan_range)
from gancourse.data.brain import SEQUENCES
from gancourse.nets import DCGANGenerator, UNetGenerator
from gancourse.profiles import current_profile
from gancourse.viz import say, show_grid, slice_viewer

P = current_profile()
print(P)

# %% [markdown]
# ## What GANs offer medical imaging
#
# Medical image analysis has mostly been *discriminative*: a network learns to draw a boundary (lesion or
# not, this organ or that) from examples that experts have labelled. That needs many labelled images, and
# medical images are slow and expensive to label, because only trained readers can label them. Rare
# diseases make it worse: they leave the labelled sets unbalanced, with few examples of exactly the cases
# that matter. A model that can *generate* realistic images can relieve both shortages; that is the survey's
# case for GANs in its Sections 1 and 2 [(Kazeminia et al., 2020)](#kazeminia2020gans). Since Goodfellow et al.
# introduced them [(Goodfellow et al., 2014)](#survey2), GANs have synthesised images more realistic than
# earlier generative models could, and the survey reviews their use in synthesis, segmentation,
# reconstruction, detection, denoising, registration and classification.
#
# The survey sorts these applications into two families by what goes into the generator and what comes out:
#
# - **Latent to image.** The generator turns a random vector $z$ into an image: synthesis from noise. Its
#   samples can enlarge a small data set or a rare class (data augmentation), or help to study how the
#   images are distributed. Chapters 3.1, 3.2, 3.6, 3.7 and 3.8 build such generators.
# - **Image to image.** The generator receives an image and returns another: a CT from an MR, a clean scan
#   from a noisy one, a segmentation from a scan. Here the adversarial loss is valued for a second reason.
#   A hand-written pixel-wise loss such as the $\ell_1$ or $\ell_2$ distance compares each pixel on its own,
#   ignores context, and rewards blurry outputs; a discriminator instead *learns* what makes an output look
#   like a real one. The same idea serves segmentation, registration, denoising and the domain shift between
#   scanners, and semi-supervised classification where similarity is hard to define by hand. Chapters 3.3,
#   3.4, 3.5, 4.1 (new labelled cases, each drawn from an edited lesion mask) and 4.2 are of this kind.
#
# In code, the two families differ in their generator's input. Two of the book's generators, untrained:

# %%
noise_to_image = DCGANGenerator(z_dim=100, image_size=64)
image_to_image = UNetGenerator(in_channels=1, out_channels=1, image_size=64)
z = torch.randn(4, 100)
mr = to_gan_range(BrainSimulator(64, seed=0).sample(4).t1)  # in [-1, 1], as G's output
with torch.no_grad():
    print("latent to image:", tuple(z.shape), "->", tuple(noise_to_image(z).shape))
    print("image to image: ", tuple(mr.shape), "->", tuple(image_to_image(mr).shape))

# %% [markdown]
# Why does a pixel-wise loss blur? When several outputs are plausible for one input, the single image that
# minimises the mean squared ($\ell_2$) error to all of them is their pixel-wise *mean*, and a mean of
# different anatomies is a blur. Take slices of different heads at one level of the brain, as if each were
# an equally plausible answer:

# %%
answers = BrainSimulator(64, seed=6, levels=(0.45, 0.55)).sample(17).t1
candidates, another = answers[:16], answers[16:]
mean_image = candidates.mean(dim=0, keepdim=True)
l2_mean = float(((candidates - mean_image) ** 2).mean())
l2_real = float(((candidates - another) ** 2).mean())
show_grid(torch.cat([candidates[:7], mean_image]), nrow=8, value_range=(0, 1),
          title="seven of the sixteen plausible answers, and their mean (right)")
plt.show()
say("Mean squared error to the sixteen answers: {mean:.4f} for their blurry mean, "
    "{real:.4f} for another sharp, real slice of the same level. An $\\ell_2$ loss "
    "prefers the blur (the mean always wins this comparison); a discriminator, trained "
    "on real slices, can learn that no real slice looks like it.",
    mean=l2_mean, real=l2_real)

# %% [markdown]
# ## Profiles: one notebook, three sizes
#
# A GAN that is trained properly takes hours; a chapter that only proves its code runs takes seconds. Every
# chapter reads the profile named by the environment variable `GANCOURSE_PROFILE` and takes every size it
# uses (resolution, training steps, batch size) from it, with `P.pick(smoke=..., cpu=..., gpu=...)`:
#
# | profile | for | budget per chapter |
# |---|---|---|
# | `smoke` | the tests: proves the code runs, not that it learns | 30 s on 2 CPU cores |
# | `cpu` | the book's outputs, a laptop | 5 minutes on 2 CPU cores |
# | `gpu` | Colab, a workstation: the default where CUDA is available | 15 minutes on a free Colab GPU |
#
# Training *times* come from `P.seconds(...)`, which also reads `GANCOURSE_TIME_SCALE`: with
# `GANCOURSE_TIME_SCALE=0.1` a chapter runs at its profile's full sizes with a tenth of the training time.
# That rehearses a chapter quickly (before a workshop, on a new GPU machine); its figures are then those of
# the shorter run, and the chapter says so when it prints its profile.
#
# To run a chapter in another profile, set the variable before starting Jupyter
# (`GANCOURSE_PROFILE=smoke jupyter lab`), or in the notebook's first cell with
# `os.environ["GANCOURSE_PROFILE"] = "cpu"`. An unknown name is an error that lists the valid ones:

# %%
from gancourse.profiles import Profile

try:
    Profile("laptop")
except ValueError as error:
    print(error)

size = P.pick(smoke=64, cpu=128, gpu=128)  # the resolution of this chapter's pictures
print("this chapter draws slices of", size, "x", size, "pixels")

# %% [markdown]
# ## Where the images come from
#
# The anatomy is real. The MNI152 2009a template [(Fonov et al., 2009)](#fonov2009unbiased) [(Fonov et al., 2011)](#fonov2011unbiased) is the average of
# many T1-weighted brain scans after careful alignment, with maps of the probability of grey and white matter at
# every voxel; it ships inside the `nilearn` package, so nothing is downloaded. The template is
# *skull-stripped*: only the brain was kept. The simulator adds a head around it: a band of cerebrospinal
# fluid (CSF), the skull and the scalp, each of a random thickness.
#
# > **The template's copyright notice.** The MNI ICBM152 template is not part of this book; it comes with its own notice, which its authors ask to
# > appear in all copies:
# >
# > > Copyright (C) 1993–2004 Louis Collins, McConnell Brain Imaging Centre, Montreal Neurological Institute,
# > > McGill University. Permission to use, copy, modify, and distribute this software and its documentation
# > > for any purpose and without fee is hereby granted, provided that the above copyright notice appear in all
# > > copies. The authors and McGill University make no representations about the suitability of this software
# > > for any purpose. It is provided “as is” without express or implied warranty. The authors are not
# > > responsible for any data loss, equipment damage, property loss, or injury to subjects or patients
# > > resulting from the use or misuse of this software package.
# >
# > Work that uses the template, or images simulated from it, should cite the two papers that describe it
# > [(Fonov et al., 2009)](#fonov2009unbiased) [(Fonov et al., 2011)](#fonov2011unbiased).
#
# Each simulated **subject** is that head after a smooth random deformation (a random rotation, scaling and
# shift, plus a coarse random displacement field), so that no two heads have the same shape. Then it is
# imaged:
#
# - **T1-weighted MR**: inside the brain, the template's own intensities; outside, the modelled tissues;
# - **T2-weighted MR** and **CT**: computed from the tissue maps, as below;
# - every MR image gets a random gain and gamma, a smooth *bias field* (the uneven sensitivity of the receive
#   coil [(Sled et al., 1998)](#sled1998nonparametric)) and *Rician* noise, the distribution of noise in magnitude images
#   [(Gudbjartsson and Patz, 1995)](#gudbjartsson1995rician); CT gets Gaussian noise in Hounsfield units.
#
# Let us draw a few subjects with lesions.

# %%
simulator = BrainSimulator(size, seed=0, contrasts=("t1", "t2", "ct"), lesion_prob=1.0)
batch = simulator.sample(6)

fig, axes = plt.subplots(5, 6, figsize=(12, 10.5))
for i in range(6):
    axes[0, i].imshow(batch.t1[i, 0], cmap="gray", vmin=0, vmax=1)
    axes[0, i].set_title(f"level {batch.level[i]:.2f}")
    axes[1, i].imshow(batch.t2[i, 0], cmap="gray", vmin=0, vmax=1)
    axes[2, i].imshow(ct_to_unit(batch.ct[i, 0]), cmap="gray")
    axes[3, i].imshow(batch.labels[i], cmap="viridis", vmin=0, vmax=3,
                      interpolation="nearest")
    axes[4, i].imshow(batch.lesion_mask[i, 0], cmap="gray", interpolation="nearest")
row_names = ["T1", "T2", "CT (-1000 to 2000 HU)", "tissue labels", "lesion mask"]
for row, name in enumerate(row_names):
    axes[row, 0].set_ylabel(name)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
plt.tight_layout()
plt.show()
print("labels:", LABELS)

# %% [markdown]
# Six subjects, six shapes. The *level* is how high in the head the axial slice lies, from 0 (the temporal
# lobes and the cerebellum) to 1 (the upper convexity). Look at the skull: dark in both MR images, the
# brightest thing in CT. Nothing in an MR image says how dense the bone is, which is why translating MR into
# CT is hard (chapter 3.5).
#
# ## What the simulated lesion is
#
# The lesion is one extra "tissue" with its own parameters, painted into grey or white matter as a soft
# ellipse. How much does it stand out from the brain around it in each contrast? The model's values, and what
# the images above actually show (mean inside the lesion mask against the mean of grey and white matter
# outside it):

# %%
grey, white = LABELS["grey_matter"], LABELS["white_matter"]
parenchyma = ((batch.labels == grey) | (batch.labels == white)).unsqueeze(1)
parenchyma = parenchyma & (batch.lesion_mask == 0)  # brain outside the lesion
inside = batch.lesion_mask > 0
print(f"{'contrast':9s} {'lesion':>7s} {'GM':>7s} {'WM':>7s}   "
      f"{'in the images: lesion':>22s} {'brain':>7s}")
lesion_contrast = {}
for contrast in ["t1", "t2", "ct"]:
    image = getattr(batch, contrast)
    in_lesion, in_brain = float(image[inside].mean()), float(image[parenchyma].mean())
    lesion_contrast[contrast] = in_lesion - in_brain
    model = [signal(tissue, contrast) for tissue in ["lesion", "gm", "wm"]]
    print(f"{contrast:9s} {model[0]:7.3f} {model[1]:7.3f} {model[2]:7.3f}   "
          f"{in_lesion:22.3f} {in_brain:7.3f}")
print("(MR: signal, images in [0, 1]; CT: Hounsfield units)")

# %% [markdown]
# In MR the lesion's long $T_1$ and $T_2$ (it holds more water than brain does) make it darker than brain
# in T1 and brighter in T2: that is how *vasogenic oedema*, the swelling around a tumour or an infarct, looks.
# In CT its value is set above grey and white matter: it is *hyperdense*, as fresh blood (an acute
# haemorrhage) or some dense tumours are. Real oedema is the opposite in CT: water-rich tissue is slightly
# darker than brain there. So the simulator's lesion is not one disease imaged three ways. It is a marker
# made to show in every contrast, so that a chapter can detect, segment or synthesise it in T1, T2 or CT, and
# a translation from one contrast to another has a lesion on both sides that it must carry across. Read the
# lesions of this book as "an abnormality", not as a particular diagnosis.
#
# The CT window matters. The window above spans 3,000 HU (air to bone); a screen shows about 256 grey levels,
# so the lesion sits only a few grey levels above the brain. A *brain window* (level 40 HU, width 80 HU, as
# radiologists read head CT) spends all the grey levels on soft tissue:

# %%
fig, axes = plt.subplots(2, 6, figsize=(12, 4.2))
for i in range(6):
    axes[0, i].imshow(batch.ct[i, 0], cmap="gray", vmin=-1000, vmax=2000)
    axes[1, i].imshow(batch.ct[i, 0], cmap="gray", vmin=0, vmax=80)
axes[0, 0].set_ylabel("-1000 to 2000 HU")
axes[1, 0].set_ylabel("brain window\n0 to 80 HU")
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
plt.tight_layout()
plt.show()
hu = lesion_contrast["ct"]
say("In these images the lesion is {hu:.0f} HU brighter than the brain around it: "
    "{wide:.0f} of 256 grey levels in the wide window, {narrow:.0f} in the brain "
    "window.",
    hu=hu, wide=hu / 3000 * 256, narrow=min(hu, 80) / 80 * 256)

# %% [markdown]
# ## From tissue to intensity
#
# The T2 and CT images (and the head in the T1 image) are computed, voxel by voxel, as the sum over tissues of
# *fraction of the tissue in the voxel* times *the tissue's value*. Mixed voxels at tissue borders get mixed
# values, like the partial-volume effect of real scanners. An MR tissue's value follows the spin-echo signal
# equation [(Bernstein et al., 2004)](#bernstein2004handbook)
#
# $$S = PD \,\bigl(1 - e^{-TR/T_1}\bigr)\, e^{-TE/T_2},$$
#
# with its proton density $PD$ and relaxation times $T_1$, $T_2$ (representative 1.5 T values of the kind
# used by the BrainWeb simulator [(Kwan et al., 1999)](#kwan1999mri)), for a T1-weighted sequence (short repetition time
# $TR$ = 500 ms, echo time $TE$ = 15 ms) and a T2-weighted one ($TR$ = 4000 ms, $TE$ = 100 ms). A CT value is
# the tissue's typical attenuation in Hounsfield units [(Buzug, 2008)](#buzug2008computed): water 0, air -1000.
# The table below is computed by the library, not typed:

# %%
rows = []
for name, p in TISSUES.items():
    rows.append((name, p["t1"], p["t2"], p["pd"], signal(name, "t1"),
                 signal(name, "t2"), p["hu"]))
print(f"{'tissue':8s} {'T1 ms':>7s} {'T2 ms':>6s} {'PD':>5s} {'S(T1w)':>7s} "
      f"{'S(T2w)':>7s} {'CT HU':>7s}")
for row in rows:
    print(f"{row[0]:8s} {row[1]:7.0f} {row[2]:6.0f} {row[3]:5.2f} {row[4]:7.3f} "
          f"{row[5]:7.3f} {row[6]:7.0f}")

# %% [markdown]
# In the T1-weighted column white matter is brighter than grey matter and CSF is dark; in the T2-weighted
# column the order reverses: that is what the two contrasts are for. The scalp's fat is the brightest tissue
# in T1. Each subject also varies each tissue's value by a few percent, so that contrast differs from scan to
# scan as it does between real scanners.
#
# ## The tissue maps behind a slice
#
# Labels are the tissue with the largest fraction in each pixel; the fractions themselves come too:

# %%
fig, axes = plt.subplots(1, 4, figsize=(12, 3.2))
for ax, (name, index) in zip(axes, LABELS.items()):
    ax.imshow(batch.tissue[0, index], cmap="magma", vmin=0, vmax=1)
    ax.set_title(f"{name} fraction")
    ax.set_axis_off()
plt.show()

# %% [markdown]
# ## A stream of subjects, reproducible
#
# A simulator is a *stream*: each call draws new subjects. The same seed and the same calls give the same
# subjects, so a held-out test set is simply another seed:

# %%
a = BrainSimulator(64, seed=1).sample(4).t1
b = BrainSimulator(64, seed=1).sample(4).t1
c = BrainSimulator(64, seed=2).sample(4).t1
print("same seed, same images:", torch.equal(a, b))
print("another seed, other subjects: mean absolute difference",
      float((a - c).abs().mean()))

# %% [markdown]
# How fast is it?

# %%
fast = BrainSimulator(64, seed=3)
fast.sample(64)  # the first call prepares the template at this resolution
start = time.perf_counter()
n_timed = P.pick(smoke=256, cpu=2048, gpu=2048)
for _ in range(n_timed // 256):
    fast.sample(256)
rate = n_timed / (time.perf_counter() - start)
say("This machine draws {rate:.0f} T1 slices of 64x64 per second: a training set of "
    "4,096 slices takes {seconds:.1f} s.", rate=rate, seconds=4096 / rate)

# %% [markdown]
# ## Narrowing the anatomy
#
# `levels=(low, high)` restricts the slices to a range of levels. A narrow range is a data set with fewer
# anatomical *modes*; chapter 3.2 uses this to check that a metric notices when a generator drops modes.

# %%
show_grid(BrainSimulator(64, seed=4, levels=(0.0, 0.15)).sample(8).t1, nrow=8,
          value_range=(0, 1), title="levels 0 to 0.15: the lowest slices only")
plt.show()
show_grid(BrainSimulator(64, seed=4, levels=(0.85, 1.0)).sample(8).t1, nrow=8,
          value_range=(0, 1), title="levels 0.85 to 1: the highest slices only")
plt.show()

# %% [markdown]
# ## Skull-stripped images
#
# Brain MRI pipelines usually remove everything but the brain before synthesis or segmentation ("skull
# stripping"). `skull_stripped=True` gives such images; labels and tissue maps stay the same.

# %%
stripped = BrainSimulator(64, seed=4, skull_stripped=True,
                          contrasts=("t1", "t2")).sample(8)
show_grid(torch.cat([stripped.t1, stripped.t2]), nrow=8, value_range=(0, 1),
          title="skull-stripped T1 and T2")
plt.show()

# %% [markdown]
# ## Three dimensions, and NIfTI files
#
# `volumes(n, size)` draws whole heads. Move the slider to go through one from bottom to top (the viewer works
# in this web page too: every slice is already in it).

# %%
volume_size = P.pick(smoke=32, cpu=64, gpu=96)
heads = BrainSimulator(volume_size, seed=5, contrasts=("t1", "ct"),
                       lesion_prob=1.0).volumes(1)
print("T1 volume:", tuple(heads.t1.shape), " CT volume:", tuple(heads.ct.shape),
      " lesion voxels:", int(heads.lesion_mask.sum()))
slice_viewer(heads.t1[0, 0], vmin=0, vmax=1)

# %% [markdown]
# Research MRI and CT are exchanged as NIfTI files: an array plus an *affine*, the matrix that maps voxel
# indices to millimetres in a space whose axes point to the subject's right, front and top (RAS+). The
# simulator's arrays are ordered (z, row, col): from the feet up, from the nose back, from the subject's left
# to right. `save_nifti` writes the affine that says so, in the MNI152 coordinates of the template under the
# simulator, so ITK-SNAP, FSLeyes or nilearn show a saved head upright and on top of the template; it writes
# atomically (an interrupted save never leaves a broken file). `load_nifti` reads any NIfTI file back into the
# same array order, whatever order its axes were stored in. Let us check that the round trip is exact:

# %%
import tempfile
from pathlib import Path

import nibabel as nib

spacing = simulator.fov_mm / volume_size
with tempfile.TemporaryDirectory() as folder:
    path = save_nifti(heads.t1[0, 0], Path(folder) / "subject.nii.gz",
                      spacing_mm=(spacing,) * 3)
    loaded, affine = load_nifti(path)
    print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB, "
          f"shape {tuple(loaded.shape)}")
    print("voxel size from the affine (mm):",
          np.round(nib.affines.voxel_sizes(affine), 3))
    print("the array's axes point towards (nibabel's axis codes):",
          nib.aff2axcodes(affine))
    print("identical after the round trip:", torch.equal(loaded, heads.t1[0, 0]))

# %% [markdown]
# ## Exercises
#
# **1. Latent to image, or image to image?** For each of these four tasks, in this order, say which of the
# survey's two families it belongs to: (a) a CT slice computed from the same patient's MR slice; (b) new
# lesion patches drawn from random vectors to enlarge a rare class; (c) a low-dose CT made to look like a
# normal-dose one; (d) a generator that makes brain slices from noise. Answer with a list of four strings,
# each `"latent to image"` or `"image to image"`.

# %% tags=["answer"]
answer = ...  # a list of four strings

# %%
from gancourse.exercises import check

check("0.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = ["image to image", "latent to image", "image to image", "latent to image"]
# ```
#
# Ask what the generator receives. In (a) and (c) it receives an image of the patient and must return
# another image of the same anatomy: translation. In (b) and (d) it receives only noise: synthesis. Both of
# the image-to-image tasks could be trained with a pixel-wise loss alone when paired images exist; the
# adversarial loss is added to keep the output sharp and realistic.
#
# </details>
#
# **2. The signal equation by hand.** Compute the T2-weighted signal of grey matter from the equation and
# the values in the table above (its $PD$, $T_1$ and $T_2$; $TR$ = 4000 ms, $TE$ = 100 ms), with `np.exp`.

# %% tags=["answer"]
answer = ...  # your value of S for grey matter in the T2-weighted image

# %%
check("0.2", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 0.86 * (1 - np.exp(-4000 / 833)) * np.exp(-100 / 83)
# ```
#
# The factor $1 - e^{-TR/T_1}$ is almost 1 with such a long $TR$: nearly all the magnetisation has
# recovered, so the image is weighted by $T_2$ (through $e^{-TE/T_2}$) and by $PD$, not by $T_1$.
#
# </details>
#
# **3. Build it: the simulator's signal model.** Write `my_signal(tissue, contrast)`: for `"t1"` or
# `"t2"` the spin-echo signal of the tissue, for `"ct"` its Hounsfield value. The tissue parameters are in
# `TISSUES[tissue]` (keys `"t1"`, `"t2"`, `"pd"`, `"hu"`) and the sequences' $TR$ and $TE$ in
# `SEQUENCES[contrast]` (keys `"tr"`, `"te"`). The check compares it with the library's `signal` for every
# tissue in every contrast.

# %% tags=["answer"]
def my_signal(tissue, contrast):
    ...  # your code


# %%
check("0.3", my_signal)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_signal(tissue, contrast):
#     p = TISSUES[tissue]
#     if contrast == "ct":
#         return p["hu"]
#     tr, te = SEQUENCES[contrast]["tr"], SEQUENCES[contrast]["te"]
#     return p["pd"] * (1 - np.exp(-tr / p["t1"])) * np.exp(-te / p["t2"])
# ```
#
# This one function is the whole of the simulator's contrast: each pixel of a T2 or CT image (and of the
# head around the brain in T1) is the sum of these values weighted by the tissue fractions in the pixel.
#
# </details>
#
# **4. How often is a lesion there?** With `lesion_prob=0.3`, what share of 400 simulated subjects has a
# lesion? (Draw them with `BrainSimulator(32, seed=0, lesion_prob=0.3).sample(400)` and use
# `has_lesion`.) The check accepts anything within 0.1 of the expected share.

# %% tags=["answer"]
answer = ...  # the share of subjects with a lesion, between 0 and 1

# %%
check("0.4", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = float(BrainSimulator(32, seed=0, lesion_prob=0.3).sample(400).has_lesion.float().mean())
# ```
#
# Each subject gets a lesion with probability 0.3, so the share scatters around 0.3 by sampling noise.
# A very small lesion at the edge of a low slice can also end up below the mask's threshold, so the share
# can come out a little under the probability.
#
# </details>
#
# **5. Which tissue is brightest in CT?** Name the tissue (a key of `TISSUES`) with the highest Hounsfield
# value, then explain in one sentence why MR-to-CT translation cannot simply map each MR intensity to one CT
# value.

# %% tags=["answer"]
answer = ...  # a tissue name, e.g. "csf"

# %%
check("0.5", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = "skull"
# ```
#
# In MR the skull is as dark as air (almost no signal), so a dark MR pixel can be air (-1000 HU) or bone
# (about +1000 HU): the same MR intensity must become two very different CT values, and only the
# surrounding anatomy tells which.
#
# </details>
#
# ## Summary
#
# - GANs answer a shortage of labelled, balanced medical data; the survey sorts their uses into *latent to
#   image* (synthesis from noise) and *image to image* (translation), where the adversarial loss also
#   replaces hand-written pixel-wise losses that blur.
# - Chapters take every size from a profile: `smoke` to test, `cpu` for laptops and this book, `gpu` for Colab.
# - The simulator gives an unlimited, seeded stream of distinct subjects built on a real brain template, in
#   T1, T2 and CT, with tissue labels, lesions and their masks, as 2-D slices or 3-D volumes.
# - Its contrasts come from one signal model: the spin-echo equation for MR, typical Hounsfield values for
#   CT, mixed by tissue fraction.
# - The simulated lesion looks like oedema in MR (dark in T1, bright in T2) and like a hyperdense lesion
#   (such as fresh blood) in CT: a marker visible in every contrast, not one real disease.
# - MR images are in [0, 1] and CT in Hounsfield units; `to_gan_range` and `ct_to_unit` convert them.
# - Because the simulator knows the truth, the book can score every translation, segmentation and detection
#   exactly.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="kazeminia2020gans"></a>Kazeminia, Salome, Baur, Christoph, Kuijper, Arjan, van Ginneken, Bram, Navab, Nassir, Albarqouni, Shadi, et al. (2020). GANs for medical image analysis. *Artificial Intelligence in Medicine*. [doi:10.1016/j.artmed.2020.101938](https://doi.org/10.1016/j.artmed.2020.101938)
#
# <a id="survey2"></a>Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., et al. (2014). Generative adversarial nets. *in: Advances in neural information processing systems, 2014, pp. 2672–2680*.
#
# <a id="fonov2009unbiased"></a>Fonov, Vladimir S., Evans, Alan C., McKinstry, Robert C., Almli, C. Robert, Collins, D. Louis (2009). Unbiased nonlinear average age-appropriate brain templates from birth to adulthood. *NeuroImage*. [doi:10.1016/S1053-8119(09)70884-5](https://doi.org/10.1016/S1053-8119(09)70884-5)
#
# <a id="fonov2011unbiased"></a>Fonov, Vladimir, Evans, Alan C., Botteron, Kelly, Almli, C. Robert, McKinstry, Robert C., Collins, D. Louis (2011). Unbiased average age-appropriate atlases for pediatric studies. *NeuroImage*. [doi:10.1016/j.neuroimage.2010.07.033](https://doi.org/10.1016/j.neuroimage.2010.07.033)
#
# <a id="sled1998nonparametric"></a>Sled, John G., Zijdenbos, Alex P., Evans, Alan C. (1998). A nonparametric method for automatic correction of intensity nonuniformity in MRI data. *IEEE Transactions on Medical Imaging*. [doi:10.1109/42.668698](https://doi.org/10.1109/42.668698)
#
# <a id="gudbjartsson1995rician"></a>Gudbjartsson, H\'akon, Patz, Samuel (1995). The Rician distribution of noisy MRI data. *Magnetic Resonance in Medicine*. [doi:10.1002/mrm.1910340618](https://doi.org/10.1002/mrm.1910340618)
#
# <a id="bernstein2004handbook"></a>Bernstein, Matt A., King, Kevin F., Zhou, Xiaohong Joe (2004). Handbook of MRI Pulse Sequences.
#
# <a id="kwan1999mri"></a>Kwan, Remi K.-S., Evans, Alan C., Pike, G. Bruce (1999). MRI simulation-based evaluation of image-processing and classification methods. *IEEE Transactions on Medical Imaging*.
#
# <a id="buzug2008computed"></a>Buzug, Thorsten M. (2008). Computed Tomography: From Photon Statistics to Modern Cone-Beam CT. [doi:10.1007/978-3-540-39408-2](https://doi.org/10.1007/978-3-540-39408-2)
