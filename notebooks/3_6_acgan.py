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
# # 3.6 AC-GAN: lesion patches on demand, and do they help a classifier?
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/3_6_acgan.ipynb)
#
# *About 25 minutes to read; in the cpu profile it runs in 3.3 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains a GAN, an independent judge and a dozen classifiers: in the `cpu` profile it
# > needs up to 5 minutes on 2 CPU cores (the GAN trains for 150 seconds of them), in `smoke` under 30 seconds.
#
# A conditional GAN (chapter 3.3) gives the class to *both* networks. Odena et al. [(Odena et al., 2017)](#survey11) proposed
# another way, which the survey presents in its Section 3.6: the generator still receives the class, but the
# discriminator does not; instead it must *recover* it. After its shared layers the discriminator splits in
# two: one head says real or fake, an auxiliary classifier says which class. The generator is rewarded when
# its images are both judged real and classified as the class it was asked for.
#
# Class-conditional synthesis invites an obvious use in medicine, where labelled examples are scarce: make more
# of them. Frid-Adar et al. [(Frid-Adar et al., 2018)](#survey14) trained GANs on a small set of CT liver-lesion patches and showed
# that adding their synthetic patches to classic augmentation improved a lesion classifier. We repeat that
# experiment in small, on brain MRI patches with and without a lesion, where the simulator lets us check
# every claim against real held-out data.
#
# **Learning goals**
# - build the AC-GAN's two-headed discriminator and write its two losses;
# - train it on a small labelled set and watch both heads learn;
# - judge whether samples have the requested class with an *independent* classifier, and check that the
#   generator did not simply copy its few training images;
# - measure, with several seeds, whether synthetic samples help a classifier, against the gain from real data.

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

from gancourse.data import BrainSimulator, chosen_data, lesion_patches, to_gan_range
from gancourse.data.augment import dihedral
from gancourse.methods.acgan import ACGANTrainer
from gancourse.methods.supervised import accuracy, predict, train_classifier
from gancourse.metrics import memorisation_check
from gancourse.nets import ACGANDiscriminator, ACGANGenerator, count_parameters
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table, mean_and_spread, say, show_grid, smooth

P = current_profile()
print(P)

CLASSES = ("healthy", "lesion")
patch_size = 32
n_labelled = P.pick(smoke=32, cpu=80, gpu=80)  # the small labelled set: the point of the chapter
n_held_out = P.pick(smoke=64, cpu=1000, gpu=2000)
n_judge = P.pick(smoke=128, cpu=1500, gpu=4000)
print(f"{patch_size}x{patch_size} patches; {n_labelled} labelled for training, {n_held_out} held out")

# %% [markdown]
# ## The task: is there a lesion in this patch?
#
# `gancourse.data.lesion_patches` cuts $32 \times 32$ patches at full resolution from simulated,
# skull-stripped T2-weighted slices: around a lesion (moved off-centre by up to 4 pixels) or around a random
# point of grey or white matter in a subject without lesions. In T2 the lesion is bright, like oedema, but so
# is cerebrospinal fluid, so a classifier has to tell a lesion from sulci and ventricles. Three disjoint sets
# of subjects (different seeds): a **small labelled training set** (a few dozen patches per class, the scale
# at which labels are expensive), a held-out test set, and a larger set that trains an independent judge.
# The cell prints how wide a patch is and how many of each class the small set holds. With
# `GANCOURSE_DATA=medmnist:<subset>` (a two-class set prepared by `data_scripts/fetch.py`, such as
# `pneumoniamnist`) the cell reads that set instead, and prints which class plays which part.

# %%
data = chosen_data()  # GANCOURSE_DATA: the simulator unless it names a public set
print(data)
start = time.perf_counter()
if data.simulated:
    labelled = lesion_patches(n_labelled, seed=0)
    held_out = lesion_patches(n_held_out, seed=1)
    judge_set = lesion_patches(n_judge, seed=2)
else:  # MedMNIST at the patch size; the judge's images come after the labelled ones
    labelled = data.labelled(patch_size, n_labelled, "train", n_classes=len(CLASSES))
    held_out = data.labelled(patch_size, n_held_out, "test")
    judge_set = data.labelled(patch_size, n_judge, "train", offset=2 * n_labelled)
    print(f"class 0 {data.classes[0]!r} plays {CLASSES[0]!r}, "
          f"class 1 {data.classes[1]!r} plays {CLASSES[1]!r} in what follows")
x_train, y_train = to_gan_range(labelled.images), labelled.has_lesion
x_test, y_test = to_gan_range(held_out.images), held_out.has_lesion
if data.simulated:
    patch_mm = patch_size * BrainSimulator(128).fov_mm / 128  # from 128-px slices
    print(f"patches simulated in {time.perf_counter() - start:.1f} s; "
          f"{patch_mm:.0f} mm wide; lesion patches in the labelled set: "
          f"{int(y_train.sum())} of {len(y_train)}")
else:
    print(f"images read in {time.perf_counter() - start:.1f} s; "
          f"class 1 in the labelled set: {int(y_train.sum())} of {len(y_train)}")

fig, axes = plt.subplots(2, 1, figsize=(12, 2.2))
show_grid(x_train[y_train == 1][:12], nrow=12, title="lesion", ax=axes[0])
show_grid(x_train[y_train == 0][:12], nrow=12, title="healthy", ax=axes[1])
plt.show()

# %% [markdown]
# ## The networks
#
# The generator is chapter 3.2's DCGAN generator with the class appended to the latent vector as a one-hot
# code, as in the paper. The discriminator is DCGAN's trunk down to $4 \times 4$ features, followed by two
# heads, each a $4 \times 4$ convolution: one logit for *source* (real or fake) and one logit per *class*.

# %%
z_dim = 100
width = P.pick(smoke=8, cpu=16, gpu=32)
seed_everything(0)  # the networks' initial weights, so that the chapter repeats
G = ACGANGenerator(len(CLASSES), z_dim=z_dim, width=width, image_size=patch_size)
D = ACGANDiscriminator(len(CLASSES), width=width, image_size=patch_size)
print(f"generator: {count_parameters(G):,} parameters; its first layer takes {G.dcgan.main[0].in_channels} channels "
      f"= {z_dim} noise + {len(CLASSES)} class")
print(f"discriminator: {count_parameters(D):,} parameters, of which the trunk {count_parameters(D.trunk):,}, "
      f"the source head {count_parameters(D.source):,}, the class head {count_parameters(D.classifier):,}")
source_logits, class_logits = D(x_train[:4])
print("one batch of 4 in, out:", tuple(source_logits.shape), "source logits and", tuple(class_logits.shape),
      "class logits")

# %% [markdown]
# ## Two losses
#
# Write $S$ for the source and $C$ for the class. Odena et al. define the log-likelihood of the right source
# and of the right class,
#
# $$L_S = \mathbb{E}[\log P(S=\text{real} \mid x_\text{real})] + \mathbb{E}[\log P(S=\text{fake} \mid
# x_\text{fake})], \qquad L_C = \mathbb{E}[\log P(C=c \mid x_\text{real})] + \mathbb{E}[\log P(C=c \mid
# x_\text{fake})].$$
#
# The discriminator maximises $L_S + L_C$; the generator maximises $L_C - L_S$. Both want *every* image
# classified correctly, so the generator is pushed to make the class visible. $-L_C$ is a sum of
# cross-entropies, one on real and one on generated images. By hand, with the log-softmax, on the four
# patches above:

# %%
log_p = class_logits.log_softmax(dim=1)
by_hand = -log_p[torch.arange(4), y_train[:4]].mean()
print(f"cross-entropy by hand {by_hand.item():.5f}, F.cross_entropy {F.cross_entropy(class_logits, y_train[:4]).item():.5f}")

# %% [markdown]
# `gancourse.methods.acgan.ACGANTrainer` is chapter 3.1's `GANTrainer` with labels: for the source part it uses the
# non-saturating loss (the generator minimises $-\log D(G(z, c))$ rather than maximising $-L_S$ directly, for
# the reason of chapter 3.1), and it adds the class cross-entropies with weight `aux_weight` (1 in the paper).
# Generated images get classes drawn uniformly. Open `gancourse/methods/acgan.py`: the discriminator's update and the generator's are each a dozen lines.
#
# ## Training on the small labelled set
#
# As Frid-Adar et al. did, we enlarge the small set with classic augmentation *before* training the GAN:
# a patch has no "up", so each gives 8 by rotations of 90 degrees and mirroring (`gancourse.data.augment.dihedral`).
# The GAN never sees any other real image.

# %%
gan_pool, gan_labels = dihedral(x_train), y_train.repeat(8)
trainer = ACGANTrainer(G, D, gan_pool, gan_labels, batch_size=64, seed=0, device=P.device)
gan_seconds = P.seconds(smoke=4, cpu=150, gpu=450)
history = trainer.fit(seconds=gan_seconds)
print(f"{trainer.steps_done} steps in {history['seconds'][-1]:.0f} s "
      f"({1000 * history['seconds'][-1] / trainer.steps_done:.0f} ms per step) on {len(gan_pool)} augmented patches")

def curve(ax, key, label):
    """A running mean of one history entry, against the step it ends at."""
    trend = smooth(history[key])
    ax.plot(history["step"][len(history["step"]) - len(trend):], trend, label=label)


fig, axes = plt.subplots(1, 2, figsize=(11, 3))
curve(axes[0], "loss_d", "discriminator (source + class)")
curve(axes[0], "loss_g", "generator (source + class)")
curve(axes[0], "loss_class", "class part of the discriminator's loss")
axes[0].set_xlabel("step"); axes[0].legend(fontsize=8); axes[0].set_title("losses")
curve(axes[1], "class_acc_real", "on real patches")
curve(axes[1], "class_acc_fake", "on generated patches (requested class)")
axes[1].set_ylim(0, 1.02); axes[1].set_xlabel("step"); axes[1].legend(fontsize=8)
axes[1].set_title("the auxiliary classifier's accuracy")
plt.tight_layout(); plt.show()
last = max(1, len(history["step"]) // 5)
aux_real = np.mean(history["class_acc_real"][-last:])
aux_fake = np.mean(history["class_acc_fake"][-last:])
easier = ("easier to classify than" if aux_fake > aux_real + 0.02
          else "harder to classify than" if aux_fake < aux_real - 0.02
          else "about as easy to classify as")
say("Over the last fifth of training the auxiliary classifier is right on {real:.0f} % of the "
    "real training patches and {fake:.0f} % of the generated ones (chance: 50 %): to it, "
    "generated patches are " + easier + " real ones.",
    real=100 * aux_real, fake=100 * aux_fake)

# %% [markdown]
# The generator is rewarded for making the class obvious to this classifier, so it is pushed to exaggerate
# whatever the classifier looks for. That is the AC-GAN's known weakness: its generator favours samples that
# are easy to classify, far from the boundary between the classes, and under-represents the hard cases near
# it [(Shu et al., 2017)](#shu2017acganbiased) [(Gong et al., 2019)](#gong2019twinacgan). And the accuracy on
# real patches is on the *training* patches, which the discriminator sees again and again; it says little
# about new subjects. The independent judge below does.
#
# ## Samples on demand
#
# Each column below uses the same noise vector $z$; the top row asks for a lesion, the bottom row for healthy
# tissue. What changes between the rows is what the generator learned the class to mean.

# %%
lesion, _ = trainer.sample(labels=torch.ones(10, dtype=torch.long), seed=3)  # the same 10 noise vectors (seed 3)
healthy, _ = trainer.sample(labels=torch.zeros(10, dtype=torch.long), seed=3)  # for both rows
same_z = torch.cat([lesion, healthy])
show_grid(same_z, nrow=10, title="same z; top: asked for a lesion, bottom: asked for healthy")
plt.show()

n_fake = P.pick(smoke=64, cpu=1000, gpu=2000)
fake, fake_labels = trainer.sample(n_fake)
fig, axes = plt.subplots(2, 1, figsize=(12, 2.2))
show_grid(fake[fake_labels == 1][:12], nrow=12, title="generated: lesion", ax=axes[0])
show_grid(fake[fake_labels == 0][:12], nrow=12, title="generated: healthy", ax=axes[1])
plt.show()

# %% [markdown]
# ## An independent judge
#
# The auxiliary classifier cannot grade its own generator: the two were trained together, and the generator
# learned exactly what this classifier responds to. We train an independent classifier
# (`gancourse.nets.SliceClassifier`, three convolution blocks) on a separate, larger set of real labelled patches,
# and ask it whether each generated patch has the class it was generated for. Its accuracy on real held-out
# patches is the reference: generated patches whose class is as clear as real ones' score the same.

# %%
start = time.perf_counter()
judge_steps = P.pick(smoke=20, cpu=600, gpu=1500)
judge = train_classifier(to_gan_range(judge_set.images), judge_set.has_lesion, len(CLASSES), steps=judge_steps,
                         seed=100, device=P.device)
judge_real = {c: accuracy(judge, x_test[y_test == k], y_test[y_test == k]) for k, c in enumerate(CLASSES)}
judge_fake = {c: (predict(judge, fake[fake_labels == k]) == k).float().mean().item() for k, c in enumerate(CLASSES)}
print(f"judge trained on {n_judge} real patches in {time.perf_counter() - start:.0f} s")
for c in CLASSES:
    print(f"  {c:8s} real held-out patches recognised: {100 * judge_real[c]:5.1f} %   "
          f"generated '{c}' patches recognised: {100 * judge_fake[c]:5.1f} %")
print(f"  overall: real {100 * accuracy(judge, x_test, y_test):.1f} %, "
      f"generated {100 * (predict(judge, fake) == fake_labels).float().mean().item():.1f} % (chance: 50 %)")

# %% [markdown]
# ## Copies of the training set?
#
# With so few training patches, a generator could learn to reproduce them. As in chapter 3.2,
# we compare how close generated patches come to their nearest training patch with how close new real patches
# come (the ratio is far below 1 for a copying generator):

# %%
memo = memorisation_check(fake, gan_pool, x_test)
print(f"median distance to the nearest training patch (of all {len(gan_pool)} augmented ones): "
      f"generated {memo['median_generated']:.2f}, held-out real {memo['median_held_out']:.2f} "
      f"(ratio {memo['ratio']:.2f}); generated closer than any held-out patch gets: {100 * memo['copies']:.1f} %")

# %% [markdown]
# ## Frid-Adar et al. in small: does synthetic data help a classifier?
#
# The question a clinician would ask. We train the same small classifier on
#
# 1. the labelled patches only, with classic augmentation (flips and shifts, drawn afresh every batch): the
#    baseline;
# 2. the labelled patches plus generated ones (half as many, then as many), with the same augmentation;
# 3. the labelled patches plus as many *new real* labelled patches: what the same number of perfect samples
#    would be worth, the ceiling for the gain of item 2.
#
# and score each on the held-out real patches, for several seeds of the classifier. Everything else is equal:
# the same number of classifier steps, the same batch size.

# %%
seeds = P.pick(smoke=[0, 1], cpu=[0, 1, 2], gpu=[0, 1, 2, 3, 4])
classifier_steps = P.pick(smoke=20, cpu=300, gpu=600)
if data.simulated:
    extra_real = lesion_patches(n_labelled, seed=3)
else:  # rows of the train split after the labelled ones
    extra_real = data.labelled(patch_size, n_labelled, "train", offset=n_labelled)
training_sets = {
    "real only (baseline)": (x_train, y_train),
    f"real + {n_labelled // 2} AC-GAN": (torch.cat([x_train, fake[:n_labelled // 2]]),
                                        torch.cat([y_train, fake_labels[:n_labelled // 2]])),
    f"real + {n_labelled} AC-GAN": (torch.cat([x_train, fake[:n_labelled]]),
                                   torch.cat([y_train, fake_labels[:n_labelled]])),
    f"real + {n_labelled} more real (ceiling)": (torch.cat([x_train, to_gan_range(extra_real.images)]),
                                                 torch.cat([y_train, extra_real.has_lesion])),
}
start = time.perf_counter()
results = {}  # per training set and seed: accuracy overall and on each class of the held-out patches
for name, (x, y) in training_sets.items():
    results[name] = []
    for seed in seeds:
        model = train_classifier(x, y, len(CLASSES), steps=classifier_steps, batch_size=32, seed=seed,
                                 device=P.device)
        right = predict(model, x_test) == y_test
        results[name].append([right.float().mean().item()] + [right[y_test == k].float().mean().item()
                                                               for k in range(len(CLASSES))])
results = {name: 100 * np.array(values) for name, values in results.items()}  # (seeds, 1 + classes), in %
print(f"{len(results) * len(seeds)} classifiers trained in {time.perf_counter() - start:.0f} s")

baseline = results["real only (baseline)"]
table = {}
for name, values in results.items():
    gain = values[:, 0] - baseline[:, 0]  # paired: the same classifier seed
    table[name] = {"patches": len(training_sets[name][1]),
                   **{column: mean_and_spread(values[:, j], 1)
                      for j, column in enumerate(["all", "healthy recognised", "lesion recognised"])},
                   "gain (points, paired)": "" if name.startswith("real only") else mean_and_spread(gain, 1, signed=True)}
display(Markdown(f"Accuracy (%) on {n_held_out} held-out real patches, mean ± standard deviation over "
                 f"{len(seeds)} classifier seeds ({P.name} profile)\n\n"
                 + markdown_table(table, index_name="training set")))


# %%
def verdict(name, column=0, what="accuracy"):
    gain = results[name][:, column] - baseline[:, column]
    error = gain.std(ddof=1) / np.sqrt(len(gain))  # standard error of the mean paired gain
    if gain.mean() > 2 * error:
        return f"{name}: {what} better than the baseline by {gain.mean():.1f} points (standard error {error:.1f})"
    if gain.mean() < -2 * error:
        return f"{name}: {what} worse than the baseline by {-gain.mean():.1f} points (standard error {error:.1f})"
    return (f"{name}: {what}: no difference this experiment can resolve ({gain.mean():+.1f} points, "
            f"standard error {error:.1f})")


for name in list(results)[1:]:
    print(verdict(name))
    for k, c in enumerate(CLASSES):
        print("    " + verdict(name, 1 + k, f"{c} patches recognised"))

# %% [markdown]
# The per-class columns say *where* a change comes from. Generated patches can mislead a classifier in two
# ways. They can carry the wrong class: a patch generated as "lesion" in which no lesion is visible is, to the
# classifier, a mislabelled example. The judge measured that above; here it is as the share of wrong labels
# that each training set brings. Or they can leave out what makes the task hard: in T2 both a lesion and
# cerebrospinal fluid are bright, and a healthy patch with a bright sulcus or ventricle is the hard case. If
# generated healthy patches had less bright fluid than real ones, a classifier trained on them would learn
# that bright means lesion. We count the pixels brighter than midway between grey matter and fluid.

# %%
from gancourse.data import from_gan_range, signal

for k, c in enumerate(CLASSES):
    print(f"generated '{c}' patches the judge puts in the other class: {100 * (1 - judge_fake[c]):.1f} % "
          f"(real held-out '{c}' patches: {100 * (1 - judge_real[c]):.1f} %)")
t2_scale = 0.9 / signal("csf", "t2")  # the simulator scales T2 images so that CSF sits near 0.9
bright = t2_scale * (signal("gm", "t2") + signal("csf", "t2")) / 2  # midway between grey matter and CSF
print(f"bright: above {bright:.2f} (grey matter {t2_scale * signal('gm', 't2'):.2f}, "
      f"CSF {t2_scale * signal('csf', 't2'):.2f}, lesion {t2_scale * signal('lesion', 't2'):.2f})")
bright_share = lambda images: 100 * (from_gan_range(images) > bright).float().mean().item()  # noqa: E731
for k, c in enumerate(CLASSES):
    print(f"{c:8s} patches, share of bright pixels: real {bright_share(x_test[y_test == k]):4.1f} %, "
          f"generated {bright_share(fake[fake_labels == k]):4.1f} %")

# %% [markdown]
# Read the table, the per-class verdicts and these figures together. Synthetic patches can only help a
# classifier as far as their class is right *and* they carry what real patches carry; the "more real" row
# shows how much room there was at all, with this classifier and this number of steps: the same number of
# perfect samples would add no more than that. Frid-Adar et al. reported a clear gain with GANs trained much
# longer, one per class, at $64 \times 64$ [(Frid-Adar et al., 2018)](#survey14); the `gpu` profile trains
# longer, with wider networks. The lesson holds at any size: GAN augmentation is a claim to be measured against classic
# augmentation, on real held-out data, with more than one seed and per class, as this table does.
#
# ## Exercises
#
# **1. The generator's loss by hand.** For one generated patch, asked to show a lesion (class 1), the
# discriminator outputs source logit $0$ and class logits $(2, 0)$. What is the AC-GAN generator's loss (the
# non-saturating source part plus the class cross-entropy, `aux_weight = 1`)?

# %%
from gancourse.exercises import check

# %% tags=["answer"]
answer = ...  # a number

# %%
check("3.6.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# import math
#
# answer = math.log(2) + math.log(1 + math.exp(2))  # source -log sigmoid(0), class -log softmax
# ```
#
# Source: $-\log \sigma(0) = \log 2 \approx 0.693$. Class: $-\log \frac{e^0}{e^2 + e^0} = \log(1 + e^2)
# \approx 2.127$. Total $\approx 2.820$. The discriminator finds this fake as plausible as a real patch, but
# is sure it shows healthy tissue: most of the generator's loss comes from the class it failed to show.
#
# </details>
#
# **2. The eight symmetries.** Write `my_dihedral(images)` that returns the 8 rotations and mirror images of
# every image `(N, C, S, S)` as one tensor `(8 N, C, S, S)`, in any order. The check compares it with
# `gancourse.data.augment.dihedral` on random images. Hint: `torch.rot90` and `Tensor.flip`.

# %% tags=["answer"]
def my_dihedral(images):
    ...  # your code: a tensor (8 N, C, S, S)

# %%
check("3.6.2", my_dihedral)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_dihedral(images):
#     out = []
#     for k in range(4):
#         rotated = torch.rot90(images, k, dims=(2, 3))
#         out += [rotated, rotated.flip(-1)]
#     return torch.cat(out)
# ```
#
# Four rotations, each with and without a mirror: the 8 symmetries of the square. Mirroring up-down is the
# same as a half turn followed by a left-right mirror, so it is already among them.
#
# </details>
#
# **3. Build it: the discriminator's loss.** Write the AC-GAN discriminator's loss for one batch, as
# `ACGANTrainer` minimises it: the non-saturating source part (binary cross-entropy of the source logits,
# real images against 1, generated ones against 0) plus the class cross-entropy on the real images *and* on
# the generated ones (`aux_weight = 1`). `D(x)` returns `(source_logits, class_logits)`. Pass the real and the
# generated batch through `D` separately, as the library does. The check runs your function on small
# AC-GANs and compares it with the loss of the library's own discriminator step on the same batches.

# %% tags=["answer"]
def my_discriminator_loss(D, real, real_labels, fake, fake_labels):
    ...  # your code: a number (a tensor with one value)

# %%
check("3.6.3", my_discriminator_loss)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_discriminator_loss(D, real, real_labels, fake, fake_labels):
#     real_source, real_class = D(real)
#     fake_source, fake_class = D(fake)
#     source = (F.binary_cross_entropy_with_logits(real_source, torch.ones_like(real_source))
#               + F.binary_cross_entropy_with_logits(fake_source, torch.zeros_like(fake_source)))
#     classes = F.cross_entropy(real_class, real_labels) + F.cross_entropy(fake_class, fake_labels)
#     return source + classes
# ```
#
# This is $-(L_S + L_C)$ with the expectations as batch means. Leave out the class term on the generated
# batch and the check fails: Odena et al. classify the generated images too, which is what lets the
# generator's class term and the discriminator's pull the same way.
#
# </details>
#
# **4. Build it: the generator's loss.** Now the generator's side: given the discriminator and a batch of
# generated images with the classes they were asked for, return the non-saturating source loss (generated
# images against 1) plus the class cross-entropy.

# %% tags=["answer"]
def my_generator_loss(D, fake, fake_labels):
    ...  # your code: a number (a tensor with one value)

# %%
check("3.6.4", my_generator_loss)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_generator_loss(D, fake, fake_labels):
#     source, classes = D(fake)
#     return (F.binary_cross_entropy_with_logits(source, torch.ones_like(source))
#             + F.cross_entropy(classes, fake_labels))
# ```
#
# The generator minimises $-\log D(G(z, c))$ instead of maximising $-L_S$ (chapter 3.1), and shares the
# discriminator's class term: both want every generated image to show its class. Exercise 1 is this loss on
# one image.
#
# </details>
#
# **5. When does synthesis pay?** Rerun the chapter with `n_labelled = 100` and with `n_labelled = 400`. Does
# the baseline move? Does the gain from AC-GAN patches grow or shrink as real labels become scarcer? And with
# `aux_weight=0` in `ACGANTrainer`, how often does the judge find the requested class in the samples?
#
# <details><summary>Solution</summary>
#
# Read the answers off your own tables, with their standard errors: a change smaller than two standard
# errors is not one. With more real labels the baseline should rise and leave less room; the "more real"
# row bounds what any synthetic patch could add, so the gain from AC-GAN patches can only be resolved where
# that room is large. With `aux_weight=0` nothing rewards the generator for showing the requested class: the
# class input is then a code the generator may ignore, and the judge's score on generated patches is the
# measure of how far it does (near 50 % if it ignores it entirely).
#
# </details>

# %% [markdown]
# ## Summary
#
# - An AC-GAN's discriminator has two heads, source and class; the generator is rewarded when its images are
#   judged real *and* show the class it was asked for (exercises 3 and 4 write both losses).
# - The auxiliary classifier cannot grade its own generator: an independent judge, trained on other real
#   data, measured above how often generated patches carry their requested class.
# - A small training set invites copying: the memorisation check compares generated patches' distance to
#   the training set with that of new real patches.
# - Whether synthetic patches help a classifier is a measurement, not a given: against classic augmentation
#   and against the same number of new real patches, over several seeds, per class, as the table and its
#   verdicts above report for this run.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey11"></a>Odena, A., Olah, C., Shlens, J. (2017). Conditional image synthesis with auxiliary classifier gans. *in: ICML, 2017*.
#
# <a id="survey14"></a>Frid-Adar, M., Klang, E., Amitai, M., Goldberger, J., Greenspan, H. (2018). Synthetic data augmentation using gan for improved liver lesion classification. *2018 IEEE 15th International Symposium on Biomedical Imaging (ISBI 2018) (2018) 289–293*. [doi:10.1109/ISBI.2018.8363576](https://doi.org/10.1109/ISBI.2018.8363576)
#
# <a id="shu2017acganbiased"></a>Shu, Rui, Bui, Hung, Ermon, Stefano (2017). AC-GAN learns a biased distribution. *NIPS 2017 Workshop on Bayesian Deep Learning*.
#
# <a id="gong2019twinacgan"></a>Gong, Mingming, Xu, Yanwu, Li, Chunyuan, Zhang, Kun, Batmanghelich, Kayhan (2019). Twin auxiliary classifiers GAN. *Advances in Neural Information Processing Systems 32 (NeurIPS 2019)*. [arXiv:1907.02690](https://arxiv.org/abs/1907.02690)
