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
# # Getting started: the brain MRI simulator
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/00_getting_started.ipynb)
#
# Every chapter of this book trains on images that cost nothing to get and whose ground truth is known
# exactly: simulated brain MRI (and CT) built on a real template. This chapter is a tour of that simulator
# and of the few things every chapter does the same way.
#
# **Learning goals**
# - run a chapter on Colab or on your laptop, and choose its size with a *profile*;
# - draw simulated subjects: T1- and T2-weighted MR, CT, tissue labels, lesions, 2-D slices and 3-D volumes;
# - know where each image comes from: which parts are real anatomy and which are modelled, and with what
#   physics;
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

from gancourse.data import BrainSimulator, LABELS, TISSUES, ct_to_unit, signal, load_nifti, save_nifti
from gancourse.profiles import current_profile
from gancourse.viz import show_grid, slice_viewer

P = current_profile()
print(P)

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
    axes[3, i].imshow(batch.labels[i], cmap="viridis", vmin=0, vmax=3, interpolation="nearest")
    axes[4, i].imshow(batch.lesion_mask[i, 0], cmap="gray", interpolation="nearest")
for row, name in enumerate(["T1", "T2", "CT (-1000 to 2000 HU)", "tissue labels", "lesion mask"]):
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
# CT is hard (chapter 3.5). The lesion is dark in T1 and bright in T2, like oedema; in CT it is only a few
# Hounsfield units brighter than brain, invisible in a window that spans air to bone.
#
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
    rows.append((name, p["t1"], p["t2"], p["pd"], signal(name, "t1"), signal(name, "t2"), p["hu"]))
print(f"{'tissue':8s} {'T1 ms':>7s} {'T2 ms':>6s} {'PD':>5s} {'S(T1w)':>7s} {'S(T2w)':>7s} {'CT HU':>7s}")
for row in rows:
    print(f"{row[0]:8s} {row[1]:7.0f} {row[2]:6.0f} {row[3]:5.2f} {row[4]:7.3f} {row[5]:7.3f} {row[6]:7.0f}")

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
print("another seed, other subjects: mean absolute difference", float((a - c).abs().mean()))

# %% [markdown]
# How fast is it? Fast enough to generate training sets in seconds:

# %%
fast = BrainSimulator(64, seed=3)
fast.sample(64)  # the first call prepares the template at this resolution
start = time.perf_counter()
n_timed = P.pick(smoke=256, cpu=2048, gpu=2048)
for _ in range(n_timed // 256):
    fast.sample(256)
print(f"{n_timed / (time.perf_counter() - start):.0f} T1 slices of 64x64 per second on this machine")

# %% [markdown]
# ## Narrowing the anatomy
#
# `levels=(low, high)` restricts the slices to a range of levels. A narrow range is a data set with fewer
# anatomical *modes*; chapter 3.2 uses this to check that a metric notices when a generator drops modes.

# %%
show_grid(BrainSimulator(64, seed=4, levels=(0.0, 0.15)).sample(8).t1, nrow=8, value_range=(0, 1),
          title="levels 0 to 0.15: the lowest slices only")
plt.show()
show_grid(BrainSimulator(64, seed=4, levels=(0.85, 1.0)).sample(8).t1, nrow=8, value_range=(0, 1),
          title="levels 0.85 to 1: the highest slices only")
plt.show()

# %% [markdown]
# ## Skull-stripped images
#
# Brain MRI pipelines usually remove everything but the brain before synthesis or segmentation ("skull
# stripping"). `skull_stripped=True` gives such images; labels and tissue maps stay the same.

# %%
stripped = BrainSimulator(64, seed=4, skull_stripped=True, contrasts=("t1", "t2")).sample(8)
show_grid(torch.cat([stripped.t1, stripped.t2]), nrow=8, value_range=(0, 1), title="skull-stripped T1 and T2")
plt.show()

# %% [markdown]
# ## Three dimensions, and NIfTI files
#
# `volumes(n, size)` draws whole heads. Move the slider to go through one from bottom to top (the viewer works
# in this web page too: every slice is already in it).

# %%
volume_size = P.pick(smoke=32, cpu=64, gpu=96)
heads = BrainSimulator(volume_size, seed=5, contrasts=("t1", "ct"), lesion_prob=1.0).volumes(1)
print("T1 volume:", tuple(heads.t1.shape), " CT volume:", tuple(heads.ct.shape), " lesion voxels:",
      int(heads.lesion_mask.sum()))
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
    path = save_nifti(heads.t1[0, 0], Path(folder) / "subject.nii.gz", spacing_mm=(spacing,) * 3)
    loaded, affine = load_nifti(path)
    print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB, shape {tuple(loaded.shape)}")
    print("voxel size from the affine (mm):", np.round(nib.affines.voxel_sizes(affine), 3))
    print("the array's axes point towards (nibabel's axis codes):", nib.aff2axcodes(affine))
    print("identical after the round trip:", torch.equal(loaded, heads.t1[0, 0]))

# %% [markdown]
# ## Exercises
#
# **1. The signal equation by hand.** Compute the T2-weighted signal of grey matter from the equation above
# and the values in the table ($PD$ 0.86, $T_1$ 833 ms, $T_2$ 83 ms, $TR$ 4000 ms, $TE$ 100 ms).

# %%
from gancourse.exercises import check

answer = ...  # your value of S for grey matter in the T2-weighted image
check(answer, signal("gm", "t2"), what="the T2-weighted signal of grey matter")

# %% [markdown]
# <details><summary>Solution</summary>
#
# `answer = 0.86 * (1 - np.exp(-4000 / 833)) * np.exp(-100 / 83)`, about 0.257. The factor
# $1 - e^{-TR/T_1}$ is almost 1 with such a long $TR$: the image is weighted by $T_2$, not $T_1$.
#
# </details>
#
# **2. How often is a lesion there?** With `lesion_prob=0.3`, what share of 400 simulated subjects has a
# lesion? (Use `batch.has_lesion`.) The check accepts anything within 0.1 of the expected share.

# %%
answer = ...  # the share of subjects with a lesion, between 0 and 1
check(answer, 0.3, tolerance=0.1, what="the share of subjects with a lesion")

# %% [markdown]
# <details><summary>Solution</summary>
#
# `answer = float(BrainSimulator(32, seed=0, lesion_prob=0.3).sample(400).has_lesion.float().mean())`.
# Lesions are placed in grey or white matter; a rare very small lesion at the edge of a low slice can end
# up below the mask's threshold, so the share can be a little under the probability.
#
# </details>
#
# **3. Which tissue is brightest in CT?** Name the tissue (a key of `TISSUES`) with the highest Hounsfield
# value, then explain in one sentence why MR-to-CT translation cannot simply map each MR intensity to one CT
# value.

# %%
answer = ...  # a tissue name, e.g. "csf"
check(answer, max(TISSUES, key=lambda t: TISSUES[t]["hu"]), what="the brightest tissue in CT")

# %% [markdown]
# <details><summary>Solution</summary>
#
# `answer = "skull"`. In MR the skull is as dark as air (almost no signal), so a dark MR pixel can be air
# (-1000 HU) or bone (around +1000 HU): the same MR intensity must become two very different CT values, and
# only the surrounding anatomy tells which.
#
# </details>
#
# ## Summary
#
# - Chapters take every size from a profile: `smoke` to test, `cpu` for laptops and this book, `gpu` for Colab.
# - The simulator gives an unlimited, seeded stream of distinct subjects built on a real brain template, in
#   T1, T2 and CT, with tissue labels, lesions and their masks, as 2-D slices or 3-D volumes.
# - MR images are in [0, 1] and CT in Hounsfield units; `to_gan_range` and `ct_to_unit` convert them.
# - Because the simulator knows the truth, the book can score every translation, segmentation and detection
#   exactly.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
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
