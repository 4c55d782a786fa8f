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
# > **Note.** This chapter trains one pix2pix network and three CycleGANs. In the `cpu` profile it takes about 9 minutes
# > on 2 CPU cores: it uses the 10-minute allowance of the book's design, because a CycleGAN trains four
# > networks at once and the comparisons below need three of them. In `smoke` it takes about 30 seconds.
#
# Radiotherapy plans the dose on a CT image, because CT values (Hounsfield units, HU) tell how strongly each
# tissue absorbs radiation; MR shows soft tissue and tumours better. A CT *synthesised* from the MR image
# would spare the patient a scan and the registration of one to the other. pix2pix (chapter 3.3) would
# learn this from pairs: the MR and the CT of the same patient, aligned pixel by pixel. Such pairs are rare
# and never perfectly aligned. Zhu et al.'s CycleGAN [(Zhu et al., 2017)](#survey10) needs no pairs at all: a set of MR
# images and a set of CT images, from different patients. Wolterink et al. [(Wolterink et al., 2017)](#survey23) trained it to
# turn brain MR into CT this way, and found it even beat their paired training, which suffered from
# registration errors.
#
# Without pairs, what tells the generator $G: A \to B$ which CT belongs to an MR image? An adversarial loss
# alone would accept *any* realistic CT. CycleGAN adds a second generator $F: B \to A$ and asks that
# translating there and back return the input (the survey's Eq. 3-4):
#
# $$\mathcal{L}_{cyc}(G, F) = \mathbb{E}_{a}\,\lVert F(G(a)) - a \rVert_1 + \mathbb{E}_{b}\,\lVert G(F(b)) - b \rVert_1 .$$
#
# The full objective adds two adversarial losses (one discriminator per domain), $\lambda = 10$ times the cycle
# loss, and an *identity* loss, $0.5 \lambda$ times $\lVert G(b) - b \rVert_1 + \lVert F(a) - a \rVert_1$: fed
# an image of its own output domain, a generator should leave it alone. The adversarial loss is the least
# squares one (LSGAN, chapter 3.8), as in the authors' code.
#
# The simulator gives every MR slice its true CT, so, unlike in a hospital, we can score an unpaired method
# against the truth it never saw. We also test the survey's warning (Cohen et al. [(Cohen et al., 2018)](#survey26)): a
# translation trained to match a target distribution can erase a lesion when the target images it learned
# from had none. Jiang et al. [(Jiang et al., 2018)](#survey27) added a *tumour-aware* loss against it; we add one in that
# spirit and measure what it changes.
#
# **Learning goals**
# - build CycleGAN's step from its parts (two ResNet generators, two PatchGAN discriminators, history pools,
#   cycle and identity losses) and train it on unpaired sets;
# - score a synthetic CT in Hounsfield units, tissue by tissue, against pix2pix trained on pairs;
# - measure what the identity loss does to a translation between modalities whose intensities disagree;
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

from gancourse.data import BrainSimulator, to_gan_range
from gancourse.data.intensity import HU_KNOTS, hu_to_network, network_to_hu
from gancourse.losses import cycle_loss, identity_loss, least_squares_discriminator
from gancourse.methods.cyclegan import CycleGANTrainer, generator_adversarial
from gancourse.methods.history_pool import HistoryPool
from gancourse.methods.pix2pix import Pix2PixTrainer, translate
from gancourse.metrics.ct import mean_absolute_error_by_tissue, tissue_masks
from gancourse.metrics.lesions import lesion_contrast
from gancourse.nets import (LesionSegmenter, PatchDiscriminator, ResNetGenerator, UNetGenerator, count_parameters,
                            receptive_field)
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table

P = current_profile()
print(P)

image_size = P.pick(smoke=32, cpu=64, gpu=128)
width = P.pick(smoke=8, cpu=16, gpu=32)  # CycleGAN's published width is 64
n_blocks = P.pick(smoke=2, cpu=6, gpu=6)  # 6 residual blocks for 128x128 images, 9 for 256x256 (published)
n_per_domain = P.pick(smoke=64, cpu=512, gpu=2000)
n_test = P.pick(smoke=32, cpu=256, gpu=500)
cyclegan_seconds = P.seconds(smoke=3, cpu=120, gpu=150)
batch_size = P.pick(smoke=2, cpu=2, gpu=1)  # 1 in the paper; 2 uses a CPU's two cores better
print(f"{image_size}x{image_size} slices; ResNet generators of width {width} with {n_blocks} blocks; "
      f"{n_per_domain} images per domain; each CycleGAN trains for {cyclegan_seconds} s")

# %% [markdown]
# ## Two hospitals, no pairs
#
# Hospital A has T1 MR slices of its patients, each with one or two lesions whose outlines a radiologist
# drew. Hospital B has CT slices of *other* patients, none with a lesion. The simulator draws them from
# different subjects (seeds 1 and 2): nothing pairs them. For pix2pix, the baseline, we also take the CT of
# hospital A's own patients: the pairs that unpaired training does without. Test subjects (seed 3) come
# with both images, each with a lesion, so that every translation can be scored against its true CT.
#
# A CT slice spans about 3,000 HU (air -1000, bone up to 1400 here) while the brain's tissues differ by tens
# of HU (fluid 8, white matter 28, grey matter 40, the simulator's lesion 65, like a bleed). Scaled linearly
# to a generator's $[-1, 1]$, a 30 HU difference would be 0.02. `gancourse.data.intensity` maps HU to $[-1, 1]$
# the way a radiologist reads CT, through windows: the soft-tissue range $[-150, 150]$ HU gets half of the
# output range, air and bone are compressed, and the map is exactly inverted for every error we report.

# %%
def mr_and_ct(seed, n, lesion_prob, contrasts=("t1", "ct")):
    """n simulated subjects with their images in both modalities (one or two lesions each if they have any)."""
    return BrainSimulator(image_size, seed=seed, contrasts=contrasts, lesion_prob=lesion_prob, max_lesions=2).sample(n)


start = time.perf_counter()
hospital_a = mr_and_ct(1, n_per_domain, lesion_prob=1.0)  # T1 (and, for pix2pix only, the CT) of its patients
hospital_b = mr_and_ct(2, n_per_domain, lesion_prob=0.0, contrasts=("ct",))  # CT of other patients
test = mr_and_ct(3, n_test, lesion_prob=1.0)
t1_a, ct_b = to_gan_range(hospital_a.t1), hu_to_network(hospital_b.ct)
ct_a = hu_to_network(hospital_a.ct)  # the pairs; the CycleGANs never see them
test_t1 = to_gan_range(test.t1)
print(f"{3 * n_per_domain} training and {n_test} test slices in {time.perf_counter() - start:.1f} s")
for hu in (-1000, -50, 8, 28, 40, 65, 1000):
    print(f"{hu:6d} HU -> {hu_to_network(torch.tensor([float(hu)])).item():+.3f}", end="   ")
print(f"\nwindowed: 30 HU = {(hu_to_network(torch.tensor([65.0])) - hu_to_network(torch.tensor([35.0]))).item():.3f}; "
      f"linear over [{HU_KNOTS[0]:.0f}, {HU_KNOTS[-1]:.0f}] HU: {30 * 2 / (HU_KNOTS[-1] - HU_KNOTS[0]):.3f}")

fig, axes = plt.subplots(2, 6, figsize=(12, 4.4))
for i in range(6):
    axes[0, i].imshow(t1_a[i, 0], cmap="gray", vmin=-1, vmax=1)
    axes[0, i].contour(hospital_a.lesion_mask[i, 0], [0.5], colors="red", linewidths=0.6)
    axes[1, i].imshow(ct_b[i, 0], cmap="gray", vmin=-1, vmax=1)
axes[0, 0].set_title("hospital A: T1 MR (lesion outlined)", fontsize=9, loc="left")
axes[1, 0].set_title("hospital B: CT of other patients (windowed)", fontsize=9, loc="left")
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
# Each generator is CycleGAN's ResNet generator (`gancourse.nets.ResNetGenerator`, layer for layer the
# authors' network at width 64 and 9 blocks, smaller here): two stride-2 convolutions down, residual blocks
# that each *add* a correction to the image's features, two transposed convolutions up; instance norm and
# reflection padding throughout. Each discriminator is a 3-layer PatchGAN with instance norm (chapter 3.4),
# judging images of its domain alone: without pairs there is no condition to stack.

# %%
seed_everything(0)
G_ab = ResNetGenerator(1, 1, width=width, n_blocks=n_blocks)  # T1 -> CT
G_ba = ResNetGenerator(1, 1, width=width, n_blocks=n_blocks)  # CT -> T1
D_a = PatchDiscriminator(1, width=width, n_layers=3, norm="instance")  # real T1 or not?
D_b = PatchDiscriminator(1, width=width, n_layers=3, norm="instance")  # real CT or not?
print(f"each generator {count_parameters(G_ab):,} parameters, each discriminator {count_parameters(D_a):,}; "
      f"discriminator output {tuple(D_b(ct_b[:1]).shape[2:])}, each verdict about a "
      f"{receptive_field(D_b)}x{receptive_field(D_b)} patch")
initial = copy.deepcopy((G_ab, G_ba, D_a, D_b))  # every CycleGAN below starts from these weights

# %% [markdown]
# ## One CycleGAN step, by hand
#
# A batch of T1 images $a$ and an *unrelated* batch of CT images $b$. The generators minimise: fooling each
# discriminator, $(D_B(G(a)) - 1)^2 + (D_A(F(b)) - 1)^2$; 10 times the cycle loss; 5 times the identity loss.
# Then the discriminators learn, each on real images of its domain against translations drawn from a
# history pool of 50 past translations (`gancourse.methods.history_pool.HistoryPool`: it damps the back and forth of
# a discriminator that only ever sees the generator's latest move).

# %%
a, b = t1_a[:2], ct_b[:2]  # two T1 slices and two CT slices of other subjects
fake_b, fake_a = G_ab(a), G_ba(b)
adversarial = generator_adversarial(D_b, fake_b) + generator_adversarial(D_a, fake_a)
cycle = cycle_loss(a, G_ba(fake_b)) + cycle_loss(b, G_ab(fake_a))
identity = identity_loss(b, G_ab(b)) + identity_loss(a, G_ba(a))
loss_g = adversarial + 10 * cycle + 0.5 * 10 * identity
print(f"generators: {loss_g.item():.3f} = adversarial {adversarial.item():.3f} + 10 x cycle {cycle.item():.3f} "
      f"+ 5 x identity {identity.item():.3f}")
pool_a, pool_b = HistoryPool(50), HistoryPool(50)
loss_d = (least_squares_discriminator(D_a(a), D_a(pool_a.query(fake_a)))
          + least_squares_discriminator(D_b(b), D_b(pool_b.query(fake_b))))
print(f"discriminators: {loss_d.item():.3f} (each 1/2 [(D(real) - 1)^2 + D(translated)^2])")

# %% [markdown]
# `gancourse.methods.cyclegan.CycleGANTrainer` is exactly this step on the book's one training loop, with
# one Adam optimiser for both
# generators and one for both discriminators (learning rate $2 \cdot 10^{-4}$, $\beta_1 = 0.5$, as published).
#
# ## The baseline: pix2pix on pairs
#
# The same task with what CycleGAN does without: hospital A's T1 images with their own CT. A U-Net and a
# conditional PatchGAN, L1 weight 100 (chapter 3.3), trained for the same time as each CycleGAN. It is the
# best one can hope for with pairs, and these pairs are perfectly aligned, which real ones never are.

# %%
seed_everything(0)
G_pix2pix = UNetGenerator(1, 1, image_size=image_size, width=width)
D_pix2pix = PatchDiscriminator(2, width=width, n_layers=3)
pix2pix_trainer = Pix2PixTrainer(G_pix2pix, D_pix2pix, t1_a, ct_a, batch_size=8, device=P.device)
pix2pix_trainer.fit(seconds=cyclegan_seconds)
print(f"pix2pix: {pix2pix_trainer.steps_done} steps in {cyclegan_seconds} s")

# %% [markdown]
# ## CycleGAN, as published, and without the identity loss
#
# First the published recipe: cycle weight 10, identity weight 0.5 of it. Then the same networks, from the
# same initial weights, without the identity loss. Why try that? The identity loss asks the T1-to-CT
# generator to leave a CT image unchanged, so it learns to pass bright input through as bright output.
# Zhu et al. added it to keep the colours of photographs; between MR and CT it may do harm, because the
# scalp is bright in T1 and soft (grey) in CT, while the bone is dark in T1 and bright in CT. We measure it.

# %%
cyclegans, histories = {}, {}
for name, identity_weight in (("CycleGAN (as published)", 0.5), ("CycleGAN, no identity loss", 0.0)):
    nets = copy.deepcopy(initial)
    trainer = CycleGANTrainer(*nets, t1_a, ct_b, batch_size=batch_size, identity_weight=identity_weight,
                              device=P.device)
    histories[name] = trainer.fit(seconds=cyclegan_seconds)
    cyclegans[name] = nets
    print(f"{name}: {trainer.steps_done} steps in {trainer.seconds:.0f} s")

# %% [markdown]
# ## Scores in Hounsfield units, tissue by tissue
#
# The mean absolute error between each synthetic CT and the test subject's true CT, per tissue class: air,
# soft tissue (the scalp) and bone outside the brain (from the true CT: below -500 HU, above 300 HU, in
# between), cerebrospinal fluid, grey and white matter, and the lesions. Dose planning needs the bone right
# above all.

# %%
def synthetic_ct(generator):
    return network_to_hu(translate(generator, test_t1))


predictions = {"pix2pix (pairs)": synthetic_ct(G_pix2pix)}
predictions.update({name: synthetic_ct(nets[0]) for name, nets in cyclegans.items()})
scalp = tissue_masks(test.ct, test.labels, test.lesion_mask)["soft tissue"]


def error_table(predictions):
    errors = {name: mean_absolute_error_by_tissue(ct, test.ct, test.labels, test.lesion_mask)
              for name, ct in predictions.items()}
    table = {name: {**e, "mean HU in the scalp": predictions[name][scalp].mean().item()} for name, e in errors.items()}
    table["true CT"] = {**{column: 0.0 for column in next(iter(errors.values()))},
                        "mean HU in the scalp": test.ct[scalp].mean().item()}
    formats = {column: "{:.0f}" for column in next(iter(table.values()))}
    display(Markdown(f"Mean absolute error (HU) on {n_test} test subjects ({P.name} profile)\n\n"
                     + markdown_table(table, formats=formats)))
    return errors


errors = error_table(predictions)

# %%
published, no_identity = errors["CycleGAN (as published)"], errors["CycleGAN, no identity loss"]
head = lambda e: (e["soft tissue"] + e["bone"]) / 2  # noqa: E731 - the head around the brain
better = "without" if head(no_identity) < head(published) else "with"
print(f"Scalp and bone (mean of their errors): {head(published):.0f} HU with the identity loss, "
      f"{head(no_identity):.0f} HU without: the CycleGAN {better} it is better around the brain.")
best_cycle = min(cyclegans, key=lambda name: errors[name]["all"])
ratio = errors[best_cycle]["all"] / errors["pix2pix (pairs)"]["all"]
print(f"Over all pixels: pix2pix {errors['pix2pix (pairs)']['all']:.0f} HU, best CycleGAN ({best_cycle}) "
      f"{errors[best_cycle]['all']:.0f} HU, {ratio:.1f} times the paired error.")
# An oracle that knows the skull's outline exactly but not its density: it predicts hospital B's mean bone value.
bone = tissue_masks(test.ct, test.labels, test.lesion_mask)["bone"]
mean_bone = hospital_b.ct[hospital_b.ct >= 300].mean()
print(f"Bone error of an oracle that knows the skull's outline but not its density (it predicts hospital B's "
      f"mean bone value, {mean_bone:.0f} HU, for every bone pixel): {(test.ct[bone] - mean_bone).abs().mean():.0f} HU.")

# %%
names = list(predictions)
fig, axes = plt.subplots(4, len(names) + 2, figsize=(2.1 * (len(names) + 2), 8.6))
for row in range(4):
    i = row * 3
    axes[row, 0].imshow(test_t1[i, 0], cmap="gray", vmin=-1, vmax=1)
    axes[row, 0].contour(test.lesion_mask[i, 0], [0.5], colors="red", linewidths=0.6)
    axes[row, 1].imshow(hu_to_network(test.ct)[i, 0], cmap="gray", vmin=-1, vmax=1)
    for col, name in enumerate(names):
        axes[row, col + 2].imshow(hu_to_network(predictions[name])[i, 0], cmap="gray", vmin=-1, vmax=1)
for ax, title in zip(axes[0], ["T1 input", "true CT"] + names):
    ax.set_title(title, fontsize=8)
for ax in axes.flat:
    ax.axis("off")
plt.show()

# %% [markdown]
# Look at the rim of each head. The scalp (grey in the true CT, outside the white ring of bone) is where the
# identity loss shows; the printed mean HU in the scalp says which generator turned the bright T1 fat into
# bone. Errors that remain in every method:
#
# - **bone**: its density varies between subjects (700 to 1400 HU in the simulator) and T1 carries no trace
#   of it: even a perfect outline of the skull leaves the oracle's error printed above, which no network can
#   remove from T1 alone;
# - **thin structures at 3.6 mm pixels**: the skull is one or two pixels wide, so an outline off by one pixel
#   turns bone into soft tissue, which is what the large CSF and soft-tissue errors next to it are.
#
# pix2pix had the pairs; the CycleGANs matched two distributions and the cycle. The printed ratio says how
# much the pairs bought in this budget. (Wolterink et al.'s finding that unpaired training can win came from
# pairs that were misaligned; ours are aligned perfectly. Exercise 3 misaligns them.)
#
# ## Lesions: erased in translation?
#
# Hospital B's CT images had no lesions, so its discriminator never saw one. Its generator is rewarded for
# CT images like hospital B's: a lesion that stays visible is a sign of a fake. The lesion's *contrast*
# (`gancourse.metrics.lesions.lesion_contrast`) measures it: the mean inside the lesion minus the mean in a 2-pixel
# ring of brain tissue around it. Before translation, in the T1 input, the lesion is darker than its
# surroundings; in the true CT it is brighter, by about 20 to 30 HU. We call a lesion *visible* in a CT when
# its contrast is more than 10 HU either way (the CT noise is 1.5 to 5 HU at 64 pixels).
# Going there and back ($F(G(a))$) tells whether the lesion survived in the CT in some hidden form: CycleGANs
# are known to hide information they need for the cycle in faint patterns.

# %%
parenchyma = (test.labels >= 2).unsqueeze(1)


def lesion_row(name, ct_hu, cycled_t1=None):
    c = lesion_contrast(ct_hu, test.lesion_mask, parenchyma)
    row = {"mean contrast (HU)": c.mean().item(), "visible (beyond ±10 HU)": (c.abs() > 10).float().mean().item(),
           "brighter than the brain (> 10 HU)": (c > 10).float().mean().item()}
    if cycled_t1 is not None:
        row["T1 contrast after the cycle"] = lesion_contrast(cycled_t1, test.lesion_mask, parenchyma).mean().item()
    return name, row


def lesion_table(rows):
    formats = {"mean contrast (HU)": "{:.1f}", "visible (beyond ±10 HU)": "{:.0%}",
               "brighter than the brain (> 10 HU)": "{:.0%}", "T1 contrast after the cycle": "{:+.3f}"}
    display(Markdown(f"Lesions of {n_test} test subjects. T1 contrast before translation: "
                     f"{lesion_contrast(test_t1, test.lesion_mask, parenchyma).mean():+.3f} "
                     "(on the [-1, 1] scale the networks see).\n\n"
                     + markdown_table(rows, columns=list(formats), formats=formats)))


lesion_rows = dict([lesion_row("true CT", test.ct), lesion_row("pix2pix (pairs)", predictions["pix2pix (pairs)"])])
for name, nets in cyclegans.items():
    cycled = translate(nets[1], translate(nets[0], test_t1))
    lesion_rows.update([lesion_row(name, predictions[name], cycled)])
lesion_table(lesion_rows)

# %%
plain = lesion_rows["CycleGAN, no identity loss"]
truth = lesion_rows["true CT"]
print(f"True CT: lesions {truth['mean contrast (HU)']:.0f} HU brighter than the brain, "
      f"{truth['visible (beyond ±10 HU)']:.0%} visible. CycleGAN (no identity loss): mean contrast "
      f"{plain['mean contrast (HU)']:.1f} HU, {plain['visible (beyond ±10 HU)']:.0%} visible, "
      f"{plain['brighter than the brain (> 10 HU)']:.0%} brighter than the brain.")
erased = plain["visible (beyond ±10 HU)"] < 0.5 * truth["visible (beyond ±10 HU)"]
print("The CycleGAN erased most lesions." if erased else "The CycleGAN kept most lesions visible.")

# %% [markdown]
# Read the pix2pix row too. Its CT targets had the lesions, so nothing in its loss rewards erasing them; if
# it still misses most of them, the likely reason is the budget, not the loss: a lesion covers about 0.3 %
# of a slice, a small part of the L1 loss, and in T1 it is nearly as dark as fluid, which in CT is *darker*
# than the brain. Only its round shape inside white matter tells it from a sulcus.
#
# ## A lesion-aware loss
#
# Jiang et al. [(Jiang et al., 2018)](#survey27) kept tumours in CT-to-MR translation with a segmentation network trained on
# the *translated* images, with the tumour outlines of the source images as labels; its loss also flows into
# the generator, which is thereby penalised for translations in which the tumour cannot be found. We do the
# same with hospital A's lesion outlines: `gancourse.nets.LesionSegmenter` (three 3x3 convolutions) learns
# to find the lesions in $G(a)$, with a cross-entropy that weighs lesion pixels by their rarity, and $G$ gets
# that loss with weight 3. The rest is the CycleGAN without identity loss, from the same initial weights, for
# the same time. The weight was chosen by trying a few: too small and the generator can ignore the term, too
# large and it paints lesions at the expense of the rest of the image (exercise 5 lets you see both).

# %%
lesion_weight = 3.0
seed_everything(1)
segmenter = LesionSegmenter(1, width=16)
nets = copy.deepcopy(initial)
name = "CycleGAN, no identity, lesion-aware"
trainer = CycleGANTrainer(*nets, t1_a, ct_b, batch_size=batch_size, identity_weight=0.0,
                          lesion_masks_a=hospital_a.lesion_mask, segmenter=segmenter, lesion_weight=lesion_weight,
                          device=P.device)
histories[name] = trainer.fit(seconds=cyclegan_seconds)
cyclegans[name] = nets
predictions[name] = synthetic_ct(nets[0])
print(f"{name}: {trainer.steps_done} steps in {trainer.seconds:.0f} s")
lesion_rows.update([lesion_row(name, predictions[name], translate(nets[1], translate(nets[0], test_t1)))])
lesion_table(lesion_rows)
errors = error_table(predictions)

# %%
aware = lesion_rows[name]
n_lesions = len(lesion_contrast(test.ct, test.lesion_mask, parenchyma))
visible = {k: lesion_rows[k]["visible (beyond ±10 HU)"] for k in ("CycleGAN, no identity loss", name)}
# Two standard errors of a difference of two proportions over the same lesions (an upper bound: the runs
# share the test set, which makes the real spread smaller).
margin = 2 * np.sqrt(sum(p * (1 - p) for p in visible.values()) / n_lesions)
change = visible[name] - visible["CycleGAN, no identity loss"]
if change > margin:
    verdict = f"the lesion-aware loss made more lesions visible ({change:+.0%}, beyond 2 standard errors, {margin:.0%})"
elif change < -margin:
    verdict = f"the lesion-aware loss made fewer lesions visible ({change:+.0%})"
else:
    verdict = f"no difference in visible lesions beyond noise ({change:+.0%}, 2 standard errors {margin:.0%})"
print(f"Lesion-aware against plain CycleGAN: {verdict}.")
right_sign = aware["brighter than the brain (> 10 HU)"]
print(f"Lesions brighter than the brain, as in the true CT: {right_sign:.0%} with the lesion-aware loss, "
      f"{plain['brighter than the brain (> 10 HU)']:.0%} without; mean contrast {aware['mean contrast (HU)']:.1f} HU "
      f"against the true {truth['mean contrast (HU)']:.1f} HU.")
changes = {tissue: errors[name][tissue] - errors["CycleGAN, no identity loss"][tissue]
           for tissue in ("all", "CSF", "grey matter", "white matter", "bone")}
print("What it cost elsewhere, change of the mean absolute error: "
      + ", ".join(f"{tissue} {change:+.0f} HU" for tissue, change in changes.items()) + ".")

# %%
fig, axes = plt.subplots(3, 6, figsize=(12, 6.4))
crop = slice(image_size // 8, 7 * image_size // 8)
for col in range(6):
    i = col * 5
    axes[0, col].imshow(hu_to_network(test.ct)[i, 0, crop, crop], cmap="gray", vmin=-0.3, vmax=0.3)
    axes[0, col].contour(test.lesion_mask[i, 0, crop, crop], [0.5], colors="red", linewidths=0.5)
    for row, key in ((1, "CycleGAN, no identity loss"), (2, name)):
        axes[row, col].imshow(hu_to_network(predictions[key])[i, 0, crop, crop], cmap="gray", vmin=-0.3, vmax=0.3)
        axes[row, col].contour(test.lesion_mask[i, 0, crop, crop], [0.5], colors="red", linewidths=0.3)
axes[0, 0].set_title("true CT, brain window (lesion outlined)", fontsize=9, loc="left")
axes[1, 0].set_title("CycleGAN, no identity loss", fontsize=9, loc="left")
axes[2, 0].set_title("the same with the lesion-aware loss", fontsize=9, loc="left")
for ax in axes.flat:
    ax.axis("off")
plt.show()

# %% [markdown]
# The brain window above (about -90 to 90 HU) shows what the tables count, and is unforgiving: look also
# for a fine checkerboard, the mark transposed convolutions can leave (chapter 3.2), and for anything the
# lesion-aware generator painted away from the lesions, which its CSF and grey-matter errors count.
# Compare the printed verdicts with what a lesion-aware loss can and cannot do. It can make the generator keep *something* where the lesion
# is, because the segmenter must find it. It cannot teach the generator what a lesion looks like in CT:
# hospital B's images never showed one, and the segmenter is satisfied by a dark spot as much as by a bright
# one. The sign of the contrast, the lesion's true density, only comes from target images that contain
# lesions, or from pairs. That is Cohen et al.'s point [(Cohen et al., 2018)](#survey26): a loss that matches distributions
# reproduces the distribution it was shown, and a synthetic image is evidence of that distribution, not of
# the patient. Jiang et al. needed the tumour *kept* for training a segmenter, which is what their loss
# protects.
#
# ## Training curves
#
# The cycle loss of each CycleGAN (moving average of 25 steps): how well a T1 image survives the round trip.

# %%
fig, ax = plt.subplots(figsize=(7, 3))
for key, history in histories.items():
    values = np.convolve(history["loss_cycle"], np.ones(25) / 25, mode="valid")
    ax.plot(values, label=f"{key} ({len(history['step'])} steps)")
ax.set_xlabel("step")
ax.set_ylabel("cycle loss (sum of both directions)")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## What we saw
#
# - A CycleGAN learns a T1-to-CT translation from two unrelated sets of images; scored against the truth it
#   never saw, the table says how far it stays from pix2pix trained on aligned pairs.
# - The identity loss, harmless for photographs, is not neutral between modalities whose intensities
#   disagree: the printed verdict above says which way it went here, and the mean HU in the scalp shows
#   where.
# - A translation trained on target images without lesions is not rewarded for keeping them: count the
#   visible lesions above. A lesion-aware loss can protect a lesion's presence; its appearance in the target
#   modality has to be learned from images that show it.
#
# ## Exercises
#
# **1. The window.** Using the knots of `gancourse.data.intensity` (-1024, -150, 150 and 1600 HU mapped to -1,
# -0.6, 0.4 and 1), what network value does a lesion of 65 HU get? Compute it by hand.

# %%
from gancourse.exercises import check

answer = ...  # a number in [-1, 1]
check(answer, hu_to_network(torch.tensor([65.0])).item(), tolerance=1e-3, what="the value of 65 HU")

# %% [markdown]
# <details><summary>Solution</summary>
#
# 65 HU lies on the soft-tissue piece, from -150 HU (-0.6) to 150 HU (0.4): $-0.6 + (65 + 150) / 300 = 0.117$.
# On that piece 1 HU is $1/300$ of the output; on the bone piece it is $0.6 / 1450$, eight times less.
#
# </details>
#
# **2. A perfect cycle, a useless translation.** Take $G(x) = -x$ and $F(y) = -y$. What is their cycle loss
# on hospital A's T1 images? Then compute the mean absolute error of $G$ as a T1-to-CT translation, in HU,
# with the test subjects.

# %%
answer = ...  # the cycle loss of G(x) = -x, F(y) = -y
check(answer, cycle_loss(t1_a, -(-t1_a)).item(), tolerance=1e-6, what="the cycle loss")
print(f"mean absolute error of G(x) = -x as a synthetic CT: {(network_to_hu(-test_t1) - test.ct).abs().mean():.0f} HU")

# %% [markdown]
# <details><summary>Solution</summary>
#
# Zero: $F(G(x)) = x$ exactly. Any pair of inverse functions has a perfect cycle, however wrong the
# translation; only the adversarial losses, through the distribution of $G$'s outputs, make it a CT at all.
# The cycle does not say *which* invertible map is right, which is why CycleGANs can swap tissues that the
# discriminator cannot tell apart, and why the identity loss above could pull the scalp to bone.
#
# </details>
#
# **3. Misaligned pairs.** Real pairs are registered with errors of a few millimetres. Shift each of hospital
# A's CT images by a random one or two pixels (`torch.roll` with a random shift per image) and train pix2pix
# again, for the same time. How much of its lead over the CycleGAN remains? This is the situation in which
# Wolterink et al. found the unpaired network better [(Wolterink et al., 2017)](#survey23).
#
# <details><summary>Solution</summary>
#
# With misaligned targets, the L1 loss rewards the average over the possible shifts: expect the skull, one
# or two pixels wide, to be blurred into the scalp and the CSF, and the bone error to rise first. A CycleGAN never
# compares pixels across images of different subjects, so misregistration cannot hurt it. Compare your
# bone column with the table above; with small shifts pix2pix may still win overall, with larger ones it
# loses its lead first at the skull.
#
# </details>
#
# **4. Inventing lesions.** Cohen et al. also showed the opposite: with lesions over-represented in the target
# domain, a translation adds lesions that were not there. Give hospital B lesions in every CT
# (`lesion_prob=1.0`), train the CycleGAN without identity loss again, and translate T1 slices of subjects
# *without* lesions (`mr_and_ct(4, n_test, lesion_prob=0.0)`). Count the bright spots inside the brain
# (pixels above 55 HU, which healthy brain never reaches) against the true CT.
#
# <details><summary>Solution</summary>
#
# The true CT of healthy subjects has almost no brain pixel above 55 HU (grey matter is 40 HU, the noise a
# few HU). A generator whose discriminator saw lesions in every CT is rewarded for producing them: any count
# well above the true CT's is an invented lesion. A short training may produce few; look at where they
# appear (often where T1 is dark inside the brain, such as the fluid around the ventricles) and compare
# with the lesion-free training above.
#
# </details>
#
# **5. How much lesion awareness?** Train the lesion-aware CycleGAN again with `lesion_weight = 1.0` and with
# `lesion_weight = 10.0`, and make the two tables for each. Where do lesions become visible, and what happens
# to the grey and white matter errors?
#
# <details><summary>Solution</summary>
#
# The term competes with the others: the adversarial losses want a CT like hospital B's, without lesions,
# and the cycle wants the T1 back. With a small weight the generator can leave the lesion term high and
# the lesions stay invisible; with a large one it marks every lesion strongly, in whatever way the segmenter
# finds easiest (bright or dark), and the rest of the brain pays for it. Neither weight teaches the right
# density: the sign column stays far from the true CT's 100 %.
#
# </details>

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
