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
# # 3.5 CycleGAN: from T1 MRI to CT without pairs
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/3_5_cyclegan.ipynb)
#
# *About 30 minutes to read; in the cpu profile it runs in 8.2 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains one pix2pix network and three CycleGANs. In the `cpu` profile it needs up
# > to 10 minutes on 2 CPU cores, the book's allowance for a chapter that cannot show its result in 5: a
# > CycleGAN trains four networks at once, and the comparisons below need three of them. In `smoke` it runs
# > in under 30 seconds.
#
# Radiotherapy plans the dose on CT, whose values (Hounsfield units, HU) tell how strongly each tissue
# absorbs radiation; MR shows soft tissue and tumours better. A CT *synthesised* from the MR would spare a
# scan and a registration. pix2pix (chapter 3.3) learns this from aligned pairs, which are rare and never
# perfectly aligned. CycleGAN [(Zhu et al., 2017)](#survey10) needs no pairs: a set of MR images and a set
# of CT images, from different patients. Wolterink et al. [(Wolterink et al., 2017)](#survey23) trained it
# on brain MR and CT this way, and found it beat their paired training, which suffered from registration
# errors.
#
# Without pairs, what tells the generator $G: A \to B$ which CT belongs to an MR image? An adversarial loss
# alone would accept *any* realistic CT. CycleGAN adds a second generator $F: B \to A$ and asks that
# translating there and back return the input (the survey's Eq. 3-4):
#
# $$\mathcal{L}_{cyc}(G, F) = \mathbb{E}_{a}\,\lVert F(G(a)) - a \rVert_1 + \mathbb{E}_{b}\,\lVert G(F(b)) - b \rVert_1 .$$
#
# The full objective adds two least-squares adversarial losses (LSGAN, chapter 3.8; one discriminator per
# domain), $\lambda = 10$ times the cycle loss, and an *identity* loss, $0.5 \lambda$ times
# $\lVert G(b) - b \rVert_1 + \lVert F(a) - a \rVert_1$: fed an image of its own output domain, a generator
# should leave it alone.
#
# The simulator gives every MR slice its true CT, so we can score an unpaired method against the truth it
# never saw. We also test the survey's warning [(Cohen et al., 2018)](#survey26): a translation that matches
# a target distribution can erase a lesion when the target images had none; Jiang et al.
# [(Jiang et al., 2018)](#survey27) added a *tumour-aware* loss against it, and we measure one in that spirit.
#
# **Learning goals**
# - build CycleGAN's step from its parts and train it on unpaired sets;
# - score a synthetic CT in Hounsfield units, tissue by tissue, against pix2pix trained on pairs;
# - measure what the identity loss does between modalities whose intensities disagree;
# - measure a lesion's contrast before and after translation, and what a lesion-aware loss changes.

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
from gancourse.data.intensity import HU_KNOTS, hu_to_network, network_to_hu
from gancourse.losses import least_squares_discriminator
from gancourse.methods.cyclegan import CycleGANTrainer
from gancourse.methods.history_pool import HistoryPool
from gancourse.methods.pix2pix import Pix2PixTrainer, translate
from gancourse.metrics import psnr, ssim
from gancourse.metrics.ct import mean_absolute_error_by_tissue, tissue_masks
from gancourse.metrics.lesions import lesion_contrast
from gancourse.nets import (LesionSegmenter, PatchDiscriminator, ResNetGenerator,
                            UNetGenerator, count_parameters, receptive_field)
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table

P = current_profile()
print(P)

image_size = P.pick(smoke=32, cpu=64, gpu=128)
width = P.pick(smoke=8, cpu=16, gpu=32)  # CycleGAN's published width is 64
n_blocks = P.pick(smoke=2, cpu=6, gpu=6)  # published: 6 at 128x128 pixels, 9 at 256
n_per_domain = P.pick(smoke=64, cpu=512, gpu=2000)
n_test = P.pick(smoke=32, cpu=256, gpu=500)
cyclegan_seconds = P.seconds(smoke=3, cpu=120, gpu=150)
batch_size = P.pick(smoke=2, cpu=2, gpu=1)  # 1 in the paper; 2 suits a CPU's two cores
pixel_mm = BrainSimulator(image_size).fov_mm / image_size
print(f"{image_size}x{image_size} slices ({pixel_mm:.1f} mm pixels); ResNet generators "
      f"of width {width} with {n_blocks} blocks; {n_per_domain} images per domain; "
      f"each CycleGAN trains for {cyclegan_seconds} s")

# %% [markdown]
# ## Two hospitals, no pairs
#
# Hospital A has T1 MR slices of its patients, each with one or two outlined lesions. Hospital B has CT
# slices of *other* patients, none with a lesion. pix2pix, the baseline, also gets the CT of hospital A's
# patients: the pairs unpaired training does without. Test subjects have both images and a lesion each.
#
# A CT slice spans about 3,000 HU (air -1000, bone up to 1400 here) while the brain's tissues differ by tens
# of HU (fluid 8, white matter 28, grey matter 40, the simulator's lesion 65, like a bleed).
# `gancourse.data.intensity` maps HU to a generator's $[-1, 1]$ through windows, as a radiologist reads CT:
# the soft-tissue range $[-150, 150]$ HU gets half of the output range, air and bone are compressed; errors
# are reported after the exact inverse map. The cell prints what 30 HU becomes, windowed and linearly.
# With `GANCOURSE_DATA=ixi` (files prepared by `data_scripts/fetch.py`) the two sets are IXI's instead: T1
# slices of half the training subjects and T2 slices of the other half, with the test subjects' own T2 as
# the truth, scored by PSNR and SSIM inside the head; the sections on Hounsfield units and lesions need CT
# and lesion masks, which IXI does not have, and run on the simulator only.

# %%
def mr_and_ct(seed, n, lesion_prob, contrasts=("t1", "ct")):
    """n simulated subjects in both modalities (one or two lesions each, if any)."""
    return BrainSimulator(image_size, seed=seed, contrasts=contrasts,
                          lesion_prob=lesion_prob, max_lesions=2).sample(n)


data = chosen_data()  # GANCOURSE_DATA: the simulator unless it names a public set
print(data)
on_simulator = data.simulated
SIMULATOR_ONLY = ("IXI has no CT, no tissue labels and no lesion masks: this section "
                  "runs on the simulator only.")
start = time.perf_counter()
if on_simulator:
    hospital_a = mr_and_ct(1, n_per_domain, lesion_prob=1.0)  # T1 (CT for pix2pix)
    hospital_b = mr_and_ct(2, n_per_domain, lesion_prob=0.0,
                           contrasts=("ct",))  # other subjects
    test = mr_and_ct(3, n_test, lesion_prob=1.0)
    t1_a, ct_b = to_gan_range(hospital_a.t1), hu_to_network(hospital_b.ct)
    ct_a = hu_to_network(hospital_a.ct)  # the pairs; the CycleGANs never see them
else:  # IXI: T1 of the even-numbered training subjects, T2 of the odd (ct_a, ct_b: T2)
    pool = data.slices(image_size, 3 * n_per_domain, "train")
    even = pool.subject % 2 == 0
    in_a = torch.nonzero(even).flatten()[:n_per_domain]
    in_b = torch.nonzero(~even).flatten()[:n_per_domain]
    t1_a, ct_a = to_gan_range(pool.t1[in_a]), to_gan_range(pool.t2[in_a])
    ct_b = to_gan_range(pool.t2[in_b])
    test = data.slices(image_size, n_test, "test")  # other subjects, T1 and T2
test_t1 = to_gan_range(test.t1)
print(f"{len(t1_a) + len(ct_a) + len(ct_b)} training and {n_test} test slices "
      f"in {time.perf_counter() - start:.1f} s")
if on_simulator:
    windowed = (hu_to_network(torch.tensor([65.0]))
                - hu_to_network(torch.tensor([35.0])))
    linear = 30 * 2 / (HU_KNOTS[-1] - HU_KNOTS[0])
    print(f"30 HU on the network's scale: windowed {windowed.item():.3f}, "
          f"linear {linear:.3f}")

fig, axes = plt.subplots(2, 6, figsize=(12, 4.4))
for i in range(6):
    axes[0, i].imshow(t1_a[i, 0], cmap="gray", vmin=-1, vmax=1)
    if on_simulator:
        axes[0, i].contour(hospital_a.lesion_mask[i, 0], [0.5], colors="red",
                           linewidths=.6)
    axes[1, i].imshow(ct_b[i, 0], cmap="gray", vmin=-1, vmax=1)
if on_simulator:
    titles = ("hospital A: T1 MR (lesion outlined)",
              "hospital B: CT of others (windowed)")
else:
    titles = ("IXI: T1 of half the training subjects", "IXI: T2 of the other half")
axes[0, 0].set_title(titles[0], fontsize=9, loc="left")
axes[1, 0].set_title(titles[1], fontsize=9, loc="left")
for ax in axes.flat:
    ax.axis("off")
plt.show()

# %% [markdown]
# Look at the skull: dark in T1, as dark as the air outside the head, and the brightest thing in CT. The
# scalp, bright in T1 (fat), is a thin grey band in CT. A translation cannot read bone off the T1 intensity:
# it has to infer it from where the dark band lies, between the scalp and the brain.
#
# ## The networks
#
# Each generator is CycleGAN's ResNet generator (`gancourse.nets.ResNetGenerator`, smaller here): two
# stride-2 convolutions down, residual blocks, two transposed convolutions up. Each discriminator is a
# 3-layer PatchGAN (chapter 3.4) that judges images of its domain alone: there is no condition to stack.

# %%
seed_everything(0)
G_ab = ResNetGenerator(1, 1, width=width, n_blocks=n_blocks)  # T1 -> CT
G_ba = ResNetGenerator(1, 1, width=width, n_blocks=n_blocks)  # CT -> T1
D_a = PatchDiscriminator(1, width=width, n_layers=3, norm="instance")  # real T1 or not?
D_b = PatchDiscriminator(1, width=width, n_layers=3, norm="instance")  # real CT or not?
print(f"each generator {count_parameters(G_ab):,} parameters, each discriminator "
      f"{count_parameters(D_a):,}; output {tuple(D_b(ct_b[:1]).shape[2:])}, "
      f"each verdict about a {receptive_field(D_b)}x{receptive_field(D_b)} patch")
initial = copy.deepcopy((G_ab, G_ba, D_a, D_b))  # each CycleGAN below starts from these

# %% [markdown]
# ## One CycleGAN step
#
# A batch of T1 images $a$ and an *unrelated* batch of CT images $b$. The generators minimise: fooling each
# discriminator, $(D_B(G(a)) - 1)^2 + (D_A(F(b)) - 1)^2$; 10 times the cycle loss; 5 times the identity
# loss (exercise 3 has you write this). Then the discriminators learn, each on real images of its domain
# against translations drawn from a history pool of the last 50 translations
# (`gancourse.methods.history_pool.HistoryPool`), a device of Shrivastava et al.
# [(Shrivastava et al., 2017)](#shrivastava2017learning): it damps the back and forth of a discriminator
# that only ever sees the generator's latest move. The discriminators' side, by hand:

# %%
a, b = t1_a[:2], ct_b[:2]  # two T1 slices and two CT slices of other subjects
fake_b, fake_a = G_ab(a).detach(), G_ba(b).detach()
pool_a, pool_b = HistoryPool(50), HistoryPool(50)
loss_d = (least_squares_discriminator(D_a(a), D_a(pool_a.query(fake_a)))
          + least_squares_discriminator(D_b(b), D_b(pool_b.query(fake_b))))
print(f"discriminators: {loss_d.item():.3f} "
      "(each 1/2 [(D(real) - 1)^2 + D(translated)^2])")

# %% [markdown]
# `gancourse.methods.cyclegan.CycleGANTrainer` runs the whole step, with one Adam optimiser for both
# generators and one for both discriminators (learning rate $2 \cdot 10^{-4}$, $\beta_1 = 0.5$).
#
# ## The baseline: pix2pix on pairs
#
# A U-Net and a conditional PatchGAN, L1 weight 100 (chapter 3.3), on hospital A's T1 images and their own
# CT, trained for the same time as each CycleGAN, on pairs aligned perfectly, as real ones never are.

# %%
seed_everything(0)
G_pix2pix = UNetGenerator(1, 1, image_size=image_size, width=width)
D_pix2pix = PatchDiscriminator(2, width=width, n_layers=3)
pix2pix_trainer = Pix2PixTrainer(G_pix2pix, D_pix2pix, t1_a, ct_a, batch_size=8,
                                 device=P.device)
pix2pix_trainer.fit(seconds=cyclegan_seconds)
print(f"pix2pix: {pix2pix_trainer.steps_done} steps in {cyclegan_seconds} s")

# %% [markdown]
# ## Three CycleGANs
#
# All three start from the same initial weights and train for the same time:
#
# 1. **as published**: cycle weight 10, identity weight 0.5 of it;
# 2. **without the identity loss**, which teaches the T1-to-CT generator to pass bright input through as
#    bright output. Zhu et al. added it to keep the colours of photographs; between MR and CT it may do
#    harm: the scalp is bright in T1 and grey in CT, the bone dark in T1 and bright in CT;
# 3. **lesion-aware**, without identity loss. Jiang et al. [(Jiang et al., 2018)](#survey27) trained a
#    segmenter on the *translated* images, with the source images' tumour outlines as labels, and penalised
#    the generator when the tumour could not be found. Here `gancourse.nets.LesionSegmenter` learns to find
#    hospital A's lesions in $G(a)$ (a cross-entropy that weighs lesion pixels by their rarity), and $G$ gets
#    that loss with weight 3 (chosen by trying a few; exercise 6).

# %%
lesion_aware = "CycleGAN, no identity, lesion-aware"
variants = {"CycleGAN (as published)": dict(identity_weight=0.5),
            "CycleGAN, no identity loss": dict(identity_weight=0.0)}
if on_simulator:  # the lesion-aware loss needs lesion masks
    variants[lesion_aware] = dict(identity_weight=0.0, lesion_weight=3.0,
                                  lesion_masks_a=hospital_a.lesion_mask)
cyclegans = {}
for name, options in variants.items():
    nets = copy.deepcopy(initial)
    if name == lesion_aware:
        seed_everything(1)
        options["segmenter"] = LesionSegmenter(1, width=16)
    trainer = CycleGANTrainer(*nets, t1_a, ct_b, batch_size=batch_size, device=P.device,
                              **options)
    trainer.fit(seconds=cyclegan_seconds)
    cyclegans[name] = nets
    print(f"{name}: {trainer.steps_done} steps in {trainer.seconds:.0f} s")

# %% [markdown]
# ## Scores in Hounsfield units, tissue by tissue
#
# The mean absolute error against the true CT, per tissue: air, soft tissue (the scalp) and bone outside
# the brain (from the true CT: below -500 HU, in between, above 300 HU), cerebrospinal fluid, grey and
# white matter, and the lesions. Dose planning needs the bone right above all.

# %%
def synthetic_ct(generator):
    return network_to_hu(translate(generator, test_t1))


if on_simulator:
    predictions = {"pix2pix (pairs)": synthetic_ct(G_pix2pix)}
    predictions.update({name: synthetic_ct(nets[0])
                        for name, nets in cyclegans.items()})
    masks = tissue_masks(test.ct, test.labels, test.lesion_mask)
    scalp, bone = masks["soft tissue"], masks["bone"]
    errors = {name: mean_absolute_error_by_tissue(ct, test.ct, test.labels,
                                                  test.lesion_mask)
              for name, ct in predictions.items()}
    table = {name: {**e, "mean HU in the scalp": predictions[name][scalp].mean().item()}
             for name, e in errors.items()}
    table["true CT"] = {**{column: 0.0 for column in errors["pix2pix (pairs)"]},
                        "mean HU in the scalp": test.ct[scalp].mean().item()}
    formats = {column: "{:.0f}" for column in table["true CT"]}
    display(Markdown(f"Mean absolute error (HU) on {n_test} test subjects "
                     f"({P.name} profile)\n\n"
                     + markdown_table(table, formats=formats)))
else:  # IXI: against each test subject's own T2 (on [0, 1], 0 outside the head)
    in_head = test.t1 > 0.1
    predictions = {"pix2pix (pairs)": translate(G_pix2pix, test_t1)}
    predictions.update({name: translate(nets[0], test_t1)
                        for name, nets in cyclegans.items()})
    true_t2 = test.t2 * in_head
    table = {name: {"PSNR (dB)": psnr(from_gan_range(t2) * in_head, true_t2, 1.0),
                    "SSIM": ssim(from_gan_range(t2) * in_head, true_t2, 1.0)}
             for name, t2 in predictions.items()}
    formats = {"PSNR (dB)": "{:.1f}", "SSIM": "{:.3f}"}
    display(Markdown(f"Synthetic T2 against the true T2 of {n_test} test slices, "
                     f"inside the head ({P.name} profile)\n\n"
                     + markdown_table(table, formats=formats)))

# %%
if not on_simulator:
    print(SIMULATOR_ONLY)
else:
    published = errors["CycleGAN (as published)"]
    no_identity = errors["CycleGAN, no identity loss"]
    head = lambda e: (e["soft tissue"] + e["bone"]) / 2  # noqa: E731 - around the brain
    better = "without" if head(no_identity) < head(published) else "with"
    print(f"Scalp and bone (mean of their errors): {head(published):.0f} HU with the "
          f"identity loss, {head(no_identity):.0f} HU without: the CycleGAN "
          f"{better} it is better around the brain.")
    best_cycle = min(cyclegans, key=lambda name: errors[name]["all"])
    ratio = errors[best_cycle]["all"] / errors["pix2pix (pairs)"]["all"]
    print(f"Over all pixels: pix2pix {errors['pix2pix (pairs)']['all']:.0f} HU, best "
          f"CycleGAN ({best_cycle}) {errors[best_cycle]['all']:.0f} HU, "
          f"{ratio:.1f} times the paired error.")
    # An oracle that knows the skull's outline but not its density: hospital B's
    # mean bone value.
    mean_bone = hospital_b.ct[hospital_b.ct >= 300].mean()
    print(f"Bone error of an oracle that knows the skull's outline but not its density "
          f"(it predicts hospital B's mean bone value, {mean_bone:.0f} HU, for every "
          f"bone pixel): {(test.ct[bone] - mean_bone).abs().mean():.0f} HU.")

# %%
names = list(predictions)
screen = hu_to_network if on_simulator else (lambda x: x)  # IXI's are on [-1, 1]
true_target = test.ct if on_simulator else to_gan_range(test.t2)
fig, axes = plt.subplots(4, len(names) + 2, figsize=(2.1 * (len(names) + 2), 8.6))
for row in range(4):
    i = row * 3
    axes[row, 0].imshow(test_t1[i, 0], cmap="gray", vmin=-1, vmax=1)
    if on_simulator:
        axes[row, 0].contour(test.lesion_mask[i, 0], [0.5], colors="red",
                             linewidths=0.6)
    axes[row, 1].imshow(screen(true_target)[i, 0], cmap="gray", vmin=-1, vmax=1)
    for col, name in enumerate(names):
        axes[row, col + 2].imshow(screen(predictions[name])[i, 0], cmap="gray",
                                  vmin=-1, vmax=1)
true_name = "true CT" if on_simulator else "true T2"
for ax, title in zip(axes[0], ["T1 input", true_name] + names):
    ax.set_title(title, fontsize=8)
for ax in axes.flat:
    ax.axis("off")
plt.show()

# %% [markdown]
# Look at the rim of each head: the scalp (grey in the true CT, outside the white ring of bone) is where the
# identity loss shows, and the mean HU in the scalp says which generator turned the bright T1 fat into bone.
# Two errors remain in every method. **Bone** density varies between subjects (700 to 1400 HU in the
# simulator) and T1 carries no trace of it: even a perfect outline of the skull leaves the oracle's error
# printed above. **Thin structures**: at the pixel size printed at the start the skull is a few pixels
# wide, so an outline off by one pixel turns bone into soft tissue or CSF. The printed ratio says what the
# pairs bought in this budget; Wolterink et al.'s pairs were misaligned, ours are not (exercise 4).
#
# ## Lesions: erased in translation?
#
# Hospital B's discriminator never saw a lesion: one that stays visible is a sign of a fake. A lesion's
# *contrast* (`gancourse.metrics.lesions.lesion_contrast`) is the mean inside it minus the mean in a
# 2-pixel ring of brain around it: negative in T1, positive in the true CT (its row says by how much). A
# lesion is *visible* in a CT when its contrast exceeds 10 HU either way. The round trip $F(G(a))$ tells
# whether it survived in the CT in hidden form: CycleGANs can hide what the cycle needs in faint patterns
# [(Chu et al., 2017)](#chu2017cyclegansteganography).

# %%
def lesion_row(ct_hu, cycled_t1=None):
    c = lesion_contrast(ct_hu, test.lesion_mask, parenchyma)
    row = {"mean contrast (HU)": c.mean().item(),
           "visible (beyond ±10 HU)": (c.abs() > 10).float().mean().item(),
           "brighter than the brain (> 10 HU)": (c > 10).float().mean().item()}
    if cycled_t1 is not None:
        cycled = lesion_contrast(cycled_t1, test.lesion_mask, parenchyma)
        row["T1 contrast after the cycle"] = cycled.mean().item()
    return row


if not on_simulator:
    print(SIMULATOR_ONLY)
else:
    parenchyma = (test.labels >= 2).unsqueeze(1)
    lesions = {"true CT": lesion_row(test.ct),
               "pix2pix (pairs)": lesion_row(predictions["pix2pix (pairs)"])}
    for name, nets in cyclegans.items():
        cycled = translate(nets[1], translate(nets[0], test_t1))
        lesions[name] = lesion_row(predictions[name], cycled)
    VISIBLE, BRIGHTER = "visible (beyond ±10 HU)", "brighter than the brain (> 10 HU)"
    formats = {"mean contrast (HU)": "{:.1f}", VISIBLE: "{:.0%}", BRIGHTER: "{:.0%}",
               "T1 contrast after the cycle": "{:+.3f}"}
    before = lesion_contrast(test_t1, test.lesion_mask, parenchyma).mean()
    display(Markdown(
        f"Lesions of {n_test} test subjects, which cover "
        f"{test.lesion_mask.mean():.2%} of a slice. T1 contrast before translation: "
        f"{before:+.3f} (on the [-1, 1] scale the networks see).\n\n"
        + markdown_table(lesions, columns=list(formats), formats=formats)))

# %%
if not on_simulator:
    print(SIMULATOR_ONLY)
else:
    truth, aware = lesions["true CT"], lesions[lesion_aware]
    plain = lesions["CycleGAN, no identity loss"]
    print(f"True CT: lesions {truth['mean contrast (HU)']:.0f} HU brighter than the "
          f"brain, {truth[VISIBLE]:.0%} visible. CycleGAN (no identity loss): mean "
          f"contrast {plain['mean contrast (HU)']:.1f} HU, "
          f"{plain[VISIBLE]:.0%} visible.")
    erased = plain[VISIBLE] < 0.5 * truth[VISIBLE]
    print("The CycleGAN erased most lesions." if erased
          else "The CycleGAN kept most lesions visible.")
    n_lesions = len(lesion_contrast(test.ct, test.lesion_mask, parenchyma))
    # Two standard errors of a difference of two proportions over the same lesions (an
    # upper bound: the runs share the test set, which makes the real spread smaller).
    shares = (plain[VISIBLE], aware[VISIBLE])
    margin = 2 * np.sqrt(sum(p * (1 - p) for p in shares) / n_lesions)
    change = aware[VISIBLE] - plain[VISIBLE]
    verdict = ("more lesions visible" if change > margin
               else "fewer lesions visible" if change < -margin
               else "no difference in visible lesions beyond noise")
    print(f"Lesion-aware against plain CycleGAN: {verdict} ({change:+.0%}; "
          f"2 standard errors {margin:.0%}).")
    print(f"Lesions brighter than the brain, as in the true CT: {aware[BRIGHTER]:.0%} "
          f"with the lesion-aware loss, {plain[BRIGHTER]:.0%} without.")
    cost = {tissue: errors[lesion_aware][tissue] - no_identity[tissue]
            for tissue in ("all", "CSF", "grey matter", "white matter", "bone")}
    print("What it cost elsewhere, change of the mean absolute error: "
          + ", ".join(f"{tissue} {c:+.0f} HU" for tissue, c in cost.items()) + ".")

# %%
if not on_simulator:
    print(SIMULATOR_ONLY)
else:
    brain_window = (-20.0, 100.0)  # HU: fluid, white and grey matter and lesions apart
    low, high = hu_to_network(torch.tensor(brain_window)).tolist()
    fig, axes = plt.subplots(3, 6, figsize=(12, 6.4))
    crop = slice(image_size // 8, 7 * image_size // 8)
    shown = {"true CT": test.ct, "CycleGAN, no identity loss": predictions[
        "CycleGAN, no identity loss"], lesion_aware: predictions[lesion_aware]}
    for row, (key, ct) in enumerate(shown.items()):
        for col in range(6):
            i = col * 5
            axes[row, col].imshow(hu_to_network(ct)[i, 0, crop, crop], cmap="gray",
                                  vmin=low, vmax=high)
            axes[row, col].contour(test.lesion_mask[i, 0, crop, crop], [0.5],
                                   colors="red", linewidths=0.4)
        axes[row, 0].set_title(f"{key}, {brain_window[0]:.0f} to "
                               f"{brain_window[1]:.0f} HU (lesions outlined)",
                               fontsize=9, loc="left")
    for ax in axes.flat:
        ax.axis("off")
    plt.show()

# %% [markdown]
# In the figure, look for the fine checkerboard that transposed convolutions can leave (chapter 3.2), and
# for anything the lesion-aware generator painted away from the lesions, which its errors above count.
# pix2pix's targets had the lesions, so nothing in its loss rewards erasing them; where it misses them,
# the likely reason is the budget: a lesion is a small share of a slice, and in T1 nearly as dark as fluid.
#
# A lesion-aware loss can make the generator keep *something* where the lesion is, because the segmenter
# must find it. Nothing in it asks for the lesion's true density: hospital B never showed one, and a dark
# spot satisfies the segmenter as well as a bright one. The "brighter than the brain" column says which way
# this run went, the mean contrast how far it stays from the true CT's. That is Cohen et al.'s point
# [(Cohen et al., 2018)](#survey26): a loss that matches distributions reproduces the distribution it was
# shown, and a synthetic image is evidence of that distribution, not of the patient.
#
# ## Exercises
#
# **1. The window.** Using the knots of `gancourse.data.intensity` (-1024, -150, 150 and 1600 HU mapped to
# -1, -0.6, 0.4 and 1), what network value does a lesion of 65 HU get? Compute it by hand.

# %%
from gancourse.exercises import check

# %% tags=["answer"]
answer = ...  # a number in [-1, 1]

# %%
check("3.5.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = -0.6 + (65 + 150) / 300  # on the soft-tissue piece, from -150 HU (-0.6) to 150 HU (0.4)
# ```
#
# 65 HU lies on the soft-tissue piece: $-0.6 + (65 + 150) / 300 \approx 0.117$. On that piece 1 HU is
# $1/300$ of the output; on the bone piece it is $0.6 / 1450$, about eight times less.
#
# </details>
#
# **2. A perfect cycle, a useless translation.** Take $G(x) = -x$ and $F(y) = -y$. What is their cycle loss
# on hospital A's T1 images? The check cell then prints the mean absolute error of this $G$ as a T1-to-CT
# translation, in HU, on the test subjects.

# %% tags=["answer"]
answer = ...  # the cycle loss of G(x) = -x, F(y) = -y

# %%
check("3.5.2", answer)
if on_simulator:
    print(f"mean absolute error of G(x) = -x as a synthetic CT: "
          f"{(network_to_hu(-test_t1) - test.ct).abs().mean():.0f} HU")
else:  # IXI: against the true T2, on the networks' [-1, 1] scale
    print(f"mean absolute error of G(x) = -x as a synthetic T2: "
          f"{(-test_t1 - to_gan_range(test.t2)).abs().mean():.3f} on [-1, 1]")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 0.0  # F(G(x)) = -(-x) = x exactly
# ```
#
# Any pair of inverse functions has a perfect cycle, however wrong the translation; only the adversarial
# losses, through the distribution of $G$'s outputs, make it a CT at all. The cycle does not say *which*
# invertible map is right, which is why CycleGANs can swap tissues that the discriminator cannot tell apart.
#
# </details>
#
# **3. Build it: the generators' loss.** Write the CycleGAN generators' objective for one batch $a$ (domain
# A) and one batch $b$ (domain B), with plain tensor operations: the least-squares adversarial terms
# $(D_B(G(a)) - 1)^2 + (D_A(F(b)) - 1)^2$ (means over the discriminators' patch outputs), plus 10 times the
# cycle loss, plus `identity_weight` times 10 times the identity loss (all L1 terms are mean absolute
# differences). The check compares it with the generators' loss of one `CycleGANTrainer` step on the same
# small networks and images, with `identity_weight` 0.5 and 0.

# %% tags=["answer"]
def my_generator_loss(g_ab, g_ba, d_a, d_b, a, b, identity_weight):
    ...  # your code: a number (a tensor with one value)

# %%
check("3.5.3", my_generator_loss)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_generator_loss(g_ab, g_ba, d_a, d_b, a, b, identity_weight):
#     fake_b, fake_a = g_ab(a), g_ba(b)
#     adversarial = ((d_b(fake_b) - 1) ** 2).mean() + ((d_a(fake_a) - 1) ** 2).mean()
#     cycle = (g_ba(fake_b) - a).abs().mean() + (g_ab(fake_a) - b).abs().mean()
#     identity = (g_ab(b) - b).abs().mean() + (g_ba(a) - a).abs().mean()
#     return adversarial + 10 * cycle + identity_weight * 10 * identity
# ```
#
# The cycle runs both ways; the identity terms feed each generator an image of its *output* domain.
#
# </details>
#
# **4. Misaligned pairs.** Shift each of hospital A's CT images by a random one or two pixels
# (`torch.roll`) and train pix2pix again, for the same time. How much of its lead over the CycleGAN
# remains? Wolterink et al. [(Wolterink et al., 2017)](#survey23) found the unpaired network better here.
#
# <details><summary>Solution</summary>
#
# With misaligned targets the L1 loss rewards the average over the shifts: expect the thin skull to blur
# into the scalp and CSF, and the bone error to rise first. A CycleGAN never compares pixels of different
# subjects, so misregistration cannot hurt it. With small shifts pix2pix may still win overall.
#
# </details>
#
# **5. Inventing lesions.** Cohen et al. also showed the opposite: with lesions over-represented in the
# target domain, a translation adds lesions. Give hospital B lesions in every CT (`lesion_prob=1.0`), train
# the CycleGAN without identity loss again, translate T1 slices of subjects *without* lesions
# (`mr_and_ct(4, n_test, lesion_prob=0.0)`) and count brain pixels above 55 HU against the true CT.
#
# <details><summary>Solution</summary>
#
# Healthy brain should have almost no pixel above 55 HU (grey matter is 40 HU): count the true CT's to be
# sure. A generator whose discriminator saw lesions in every CT is rewarded for producing them, so any count
# well above the true CT's is an invented lesion; look where they appear (often where T1 is dark inside the
# brain, as in the fluid around the ventricles).
#
# </details>
#
# **6. How much lesion awareness?** Train the lesion-aware CycleGAN again with `lesion_weight = 1.0` and
# with `lesion_weight = 10.0`, and make the two tables for each. Where do lesions become visible, and what
# happens to the grey and white matter errors?
#
# <details><summary>Solution</summary>
#
# The term competes with the adversarial losses, which want a CT like hospital B's, without lesions. With a
# small weight the generator can leave it high and the lesions stay invisible; with a large one it marks
# every lesion strongly, bright or dark, whichever the segmenter finds easiest, and the rest of the brain
# pays. Neither teaches the right density: expect the "brighter than the brain" column to stay well below
# the true CT's.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A CycleGAN trains a T1-to-CT translation on two unrelated sets of images; scored against the truth it
#   never saw, the table says how far it stays from pix2pix trained on aligned pairs.
# - A perfect cycle does not make a right translation (exercise 2): the adversarial losses decide which
#   invertible map is learned.
# - The identity loss, harmless for photographs, need not be neutral between modalities whose intensities
#   disagree: the printed verdict says which way it went in this run, the mean HU in the scalp where.
# - T1 carries no trace of bone density: even an oracle that knows the skull's outline keeps the bone
#   error printed above.
# - A translation trained on target images without lesions is not rewarded for keeping them: count the
#   visible lesions in the table. A lesion-aware loss can protect a lesion's presence; its appearance in the
#   target modality has to be learned from images that show it.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey10"></a>Zhu, J.-Y., Park, T., Isola, P., Efros, A. A. (2017). Unpaired image-to-image translation using cycle-consistent adversarial networks. *2017 IEEE International Conference on Computer Vision (ICCV) (2017) 2242–2251*. [doi:10.1109/ICCV.2017.244](https://doi.org/10.1109/ICCV.2017.244)
#
# <a id="survey23"></a>Wolterink, J. M., Dinkla, A. M., Savenije, M. H., Seevinck, P. R., Berg, C. A. van den, Išgum, I. (2017). Deep mr to ct synthesis using unpaired data. *in: International Workshop on Simulation and Synthesis in Medical Imaging, Springer, 2017, pp. 14–23*. [doi:10.1007/978-3-319-68127-6_2](https://doi.org/10.1007/978-3-319-68127-6_2)
#
# <a id="survey26"></a>Cohen, J. P., Luck, M., Honari, S. (2018). Distribution matching losses can hallucinate features in medical image translation. *arXiv preprint arXiv:1805.08841*. [arXiv:1805.08841](https://arxiv.org/abs/1805.08841)
#
# <a id="survey27"></a>Jiang, J., Hu, Y.-C., Tyagi, N., Zhang, P., Rimner, A., Mageras, G. S., et al. (2018). Tumor-aware, adversarial domain adaptation from ct to mri for lung cancer segmentation. *in: International Conference on Medical Image Computing and Computer-Assisted Intervention, Springer, 2018, pp. 777–785*.
#
# <a id="shrivastava2017learning"></a>Shrivastava, A., Pfister, T., Tuzel, O., Susskind, J., Wang, W., Webb, R. (2017). Learning from simulated and unsupervised images through adversarial training. *IEEE Conference on Computer Vision and Pattern Recognition (CVPR)*.
#
# <a id="chu2017cyclegansteganography"></a>Chu, Casey, Zhmoginov, Andrey, Sandler, Mark (2017). CycleGAN, a master of steganography. *NIPS 2017 Workshop on Machine Deception*. [arXiv:1712.02950](https://arxiv.org/abs/1712.02950)
