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
# # 4.7 Classification: few labels
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/4_7_classification.ipynb)
#
# *About 35 minutes to read; in the cpu profile it runs in 3.7 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains three classifiers per number of labels and seed, two of them with a
# > generator beside them, and an AC-GAN reference: its `cpu` profile is sized to fit the book's 5-minute
# > budget on 2 CPU cores, `smoke` for seconds (the last code cell before the exercises prints how long it
# > took). Every comparison is between networks trained for the same number of steps in the same run; the
# > cell that trains them prints how long each kind of step took. What it shows is measured, not promised:
# > in a budget of a few hundred steps the semi-supervised GAN need not beat the same classifier trained on
# > the labels alone, so the chapter computes whether it did, at each number of labels, and measures the
# > ceiling that the labels of the whole pool give, which bounds what the unlabelled patches could add.
#
# Labels are the expensive part of medical data: a radiologist's hour buys a few dozen annotated slices,
# while the archive holds thousands that nobody has labelled. The survey's Section 4.7 reviews GANs that
# learn a classifier from both. Zhang et al. [(Zhang et al., 2017)](#survey108) had one discriminator both
# reject generated cardiac MR images and tell whether a slice showed the basal plane of the left
# ventricle; Ren et al. [(Ren et al., 2018)](#survey109) classified prostate histology into Gleason grades
# with adversarially learned features (the survey's Table 17). The idea behind both is Salimans et al.'s
# semi-supervised GAN [(Salimans et al., 2016)](#survey78): a classifier of $K$ classes that is also a
# discriminator, rejecting generated images as a class $K+1$. To reject fakes it must learn what real
# images look like, and that it can learn from images without labels.
#
# The question here is a clinical one that the simulator answers exactly: does this brain MRI patch hold
# a lesion? With 10, 30, 100 or 300 labelled patches, and a pool of unlabelled ones, we ask whether the
# unlabelled images help, and up to how many labels.
#
# **Learning goals**
# - write the $K+1$-class discriminator's losses: the supervised cross-entropy, the unsupervised GAN loss
#   with $D(x) = Z(x)/(Z(x)+1)$, and the generator's feature matching;
# - train a semi-supervised GAN and the same classifier on the labels alone, for the same number of steps,
#   over seeds, and read accuracy and balanced accuracy against the number of labels;
# - find, from the run, the number of labels beyond which the unlabelled data stops helping;
# - compare feature matching with the plain generator loss twice: for the classifier, and for the samples.

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
import torch.nn.functional as F
from IPython.display import Markdown, display
from sklearn.metrics import balanced_accuracy_score

from gancourse.data import lesion_patches, to_gan_range
from gancourse.data.augment import dihedral
from gancourse.exercises import check
from gancourse.methods.acgan import ACGANTrainer
from gancourse.methods.semi_supervised import (SemiSupervisedTrainer, feature_matching_loss,
                                               k_plus_one_log_probabilities,
                                               real_probability, supervised_loss,
                                               unsupervised_loss)
from gancourse.methods.supervised import predict, train_classifier
from gancourse.metrics.distances import kernel_distance
from gancourse.nets import (ACGANDiscriminator, ACGANGenerator, DCGANGenerator,
                            count_parameters)
from gancourse.nets.semi_supervised import KPlusOneDiscriminator
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table, mean_and_spread, say, show_grid

P = current_profile()
print(P)
chapter_start = time.perf_counter()

CLASSES = ("healthy", "lesion")
patch_size = 32
lesion_fraction = 0.3  # lesions are the rarer class, as in a clinic
label_counts = P.pick(smoke=[10, 30], cpu=[10, 30, 100, 300], gpu=[10, 30, 100, 300, 1000])
n_pool = P.pick(smoke=96, cpu=1500, gpu=8000)  # the patches without labels (the labelled ones among them)
n_test = P.pick(smoke=64, cpu=500, gpu=2000)
n_judge = P.pick(smoke=96, cpu=1000, gpu=3000)
seeds = P.pick(smoke=[0], cpu=[0, 1, 2], gpu=[0, 1, 2, 3, 4])
steps = P.pick(smoke=4, cpu=250, gpu=3000)  # every classifier, every method: the same steps
batch_size = 32
width = P.pick(smoke=8, cpu=16, gpu=32)
z_dim = 100
acgan_counts = P.pick(smoke=[10], cpu=[30], gpu=[10, 30, 100])
print(f"{patch_size}x{patch_size} patches, {lesion_fraction:.0%} with a lesion; labels: "
      f"{label_counts}; {n_pool} unlabelled, {n_test} test patches; {steps} steps per "
      f"classifier; seeds {seeds}")

# %% [markdown]
# ## The task: a lesion or not, with few labels
#
# The patches are chapter 3.6's (`gancourse.data.lesion_patches`): $32 \times 32$ pixels cut from
# simulated skull-stripped T2-weighted slices, around a lesion or around a random point of brain tissue.
# A lesion is bright in T2, but so is the cerebrospinal fluid of sulci and ventricles, so the classifier
# must tell the two apart. Here 30 % of the patches hold a lesion: with the rarer class a minority,
# *accuracy* rewards a classifier that calls everything healthy (70 % for nothing), while *balanced
# accuracy*, the mean of the recall of each class, gives 50 % for that and weighs a missed lesion as much
# as a false alarm. We report both.
#
# Three sets of subjects, disjoint by seed: a **pool** that plays the hospital's archive, of which a few
# patches get labels (as many of each class, as an annotator asked for a balanced set would give) and the
# rest is used without them; a **test** set; and a **judge** set that trains an independent classifier,
# used below to score generated patches.

# %%
start = time.perf_counter()
pool = lesion_patches(n_pool, seed=0, lesion_fraction=lesion_fraction)
test = lesion_patches(n_test, seed=1, lesion_fraction=lesion_fraction)
judge_set = lesion_patches(n_judge, seed=2, lesion_fraction=lesion_fraction)
x_pool, y_pool = to_gan_range(pool.images), pool.has_lesion.long()
x_test, y_test = to_gan_range(test.images), test.has_lesion.long()
print(f"{n_pool + n_test + n_judge} patches simulated in {time.perf_counter() - start:.1f} s; "
      f"lesion patches: pool {y_pool.float().mean():.0%}, test {y_test.float().mean():.0%}")


def labelled_subset(n, seed):
    """Indices of n pool patches, n // 2 of each class, drawn with the seed."""
    stream = torch.Generator().manual_seed(1000 + seed)
    picks = []
    for k in range(len(CLASSES)):
        members = torch.nonzero(y_pool == k)[:, 0]
        picks.append(members[torch.randperm(len(members), generator=stream)[:n // 2]])
    return torch.cat(picks)


fig, axes = plt.subplots(2, 1, figsize=(12, 2.2))
show_grid(x_pool[y_pool == 1][:12], nrow=12, title="lesion", ax=axes[0])
show_grid(x_pool[y_pool == 0][:12], nrow=12, title="healthy", ax=axes[1])
fig.suptitle("Pool patches, T2-weighted: the lesion is bright, and so is fluid", y=1.08)
plt.show()

# %% [markdown]
# ## The idea: $K$ classes, and generated images as class $K+1$
#
# An ordinary classifier ends in $K$ logits $l_1, \dots, l_K$ and a softmax. Salimans et al. add a class
# $K+1$, "generated", and notice that its logit need not be learned: adding the same number to every
# logit leaves a softmax unchanged, so the fake logit can be fixed at 0. With
# $Z(x) = \sum_{k=1}^{K} e^{l_k(x)}$,
#
# $$p(y=k \mid x) = \frac{e^{l_k(x)}}{Z(x)+1}, \qquad p(y=K+1 \mid x) = \frac{1}{Z(x)+1}, \qquad
#   D(x) = 1 - p(y=K+1 \mid x) = \frac{Z(x)}{Z(x)+1} .$$
#
# $D(x)$ is the probability that $x$ is real: an ordinary GAN discriminator with logit
# $\log Z(x) = \operatorname{logsumexp}_k\, l_k(x)$. The discriminator minimises
#
# $$L_D = \underbrace{-\,\mathbb{E}_{(x,y) \sim \text{labelled}} \log p(y \mid x, y \le K)}_{L_{supervised}}
#   \; \underbrace{-\,\mathbb{E}_{x \sim \text{unlabelled}} \log D(x)
#   - \mathbb{E}_{z} \log\big(1 - D(G(z))\big)}_{L_{unsupervised}} .$$
#
# The supervised part, conditioned on the image being real, is the plain cross-entropy over the $K$
# logits. The unsupervised part is chapter 3.1's GAN loss, and it reaches the class logits through $Z$:
# to call an unlabelled patch real, the network must give *some* class a high logit. The generator plays
# either the non-saturating game of chapter 3.1, minimising $-\log D(G(z))$, or, with **feature
# matching**, it minimises
#
# $$L_G^{FM} = \big\lVert \mathbb{E}_{x} f(x) - \mathbb{E}_{z} f(G(z)) \big\rVert_2^2 ,$$
#
# the distance between the mean features of real and generated batches in an intermediate layer $f$ of
# the discriminator. Salimans et al. found feature matching gave the better classifiers and the
# non-saturating loss (with other tricks) the better-looking samples. The losses, on made-up logits for
# $K = 2$, against the formulas written out:

# %%
logits = torch.tensor([[2.0, -1.0], [-3.0, -2.5], [0.0, 0.0]])
Z = logits.exp().sum(1)
print("D(x) = Z / (Z + 1):     ", (Z / (Z + 1)).numpy().round(4))
print("real_probability:       ", real_probability(logits).numpy().round(4))
print("p(fake) from K+1 softmax:", k_plus_one_log_probabilities(logits)[:, -1].exp().numpy().round(4),
      "= 1 / (Z + 1):", (1 / (Z + 1)).numpy().round(4))
labels = torch.tensor([0, 1, 1])
print(f"supervised loss {supervised_loss(logits, labels).item():.4f} = cross-entropy "
      f"{F.cross_entropy(logits, labels).item():.4f}")
fake_logits = torch.tensor([[-2.0, -2.0], [1.0, 0.0]])
by_hand = (-torch.log(Z / (Z + 1)).mean()
           - torch.log(1 / (fake_logits.exp().sum(1) + 1)).mean())
print(f"unsupervised loss {unsupervised_loss(logits, fake_logits).item():.4f}, "
      f"by hand {by_hand.item():.4f}")

# %% [markdown]
# The second image has both logits negative: whichever class it is, the discriminator thinks it was
# probably generated, $D(x) < 1/2$. The third has both at 0, so $Z = 2$ and $D = 2/3$: with $K$ classes
# the "undecided" network already leans to real, $K/(K+1)$.
#
# ## The networks
#
# The discriminator is chapter 3.2's DCGAN discriminator down to its $4 \times 4$ features, then one
# $4 \times 4$ convolution to $K$ logits (`gancourse.nets.semi_supervised.KPlusOneDiscriminator`). Two
# choices differ from chapter 3.2's. Layer normalisation replaces batch normalisation: the
# discriminator sees labelled, unlabelled and generated batches in separate passes, and batch norm's
# running averages, which the classifier uses at test time, would average in the generated ones.
# Dropout before the head keeps a network trained on ten labels from memorising them. Feature matching
# uses those $4 \times 4$ features, flattened. The generator is chapter 3.2's DCGAN generator.
#
# The **baseline** is the same discriminator trained with $L_{supervised}$ alone: the same network, the
# same optimiser, the same labelled batches with the same flips and shifts, the same number of steps.
# `SemiSupervisedTrainer(D, None, x, y)` is that baseline; give it a generator and unlabelled images
# and it adds the rest.

# %%
def networks(seed, with_generator=True):
    seed_everything(seed)
    D = KPlusOneDiscriminator(len(CLASSES), width=width, image_size=patch_size, dropout=0.5)
    G = (DCGANGenerator(z_dim=z_dim, width=width, image_size=patch_size)
         if with_generator else None)
    return D, G


D, G = networks(0)
print(f"discriminator: {count_parameters(D):,} parameters ({D.head.in_channels} x 4 x 4 = "
      f"{D.features(x_pool[:2]).shape[1]} features for feature matching); "
      f"generator: {count_parameters(G):,}")

# %% [markdown]
# ## Training: three methods, every label count, the same steps
#
# For each number of labels and each seed: the baseline, the semi-supervised GAN with feature matching,
# and with the non-saturating generator loss. Each discriminator step of a GAN sees a batch of labelled
# patches, a batch of unlabelled ones (the whole pool, labels ignored) and a batch of generated ones; the
# baseline's sees the labelled batch only. All train for the same number of steps with Adam
# ($10^{-3}$, $\beta_1 = 0.5$), so a GAN step costs more time; the cell prints how much.

# %%
METHODS = {"labels only": None, "SGAN, feature matching": "feature_matching",
           "SGAN, non-saturating": "nonsaturating"}


def scores(model):
    predicted = predict(model, x_test)
    return {"accuracy": (predicted == y_test).float().mean().item(),
            "balanced accuracy": balanced_accuracy_score(y_test.numpy(), predicted.numpy())}


results, trainers, seconds = {}, {}, {name: [] for name in METHODS}
for n in label_counts:
    for seed in seeds:
        index = labelled_subset(n, seed)
        for name, generator_loss in METHODS.items():
            D, G = networks(seed, generator_loss is not None)
            trainer = SemiSupervisedTrainer(
                D, G, x_pool[index], y_pool[index], x_pool if G is not None else None,
                generator_loss=generator_loss or "feature_matching", batch_size=batch_size,
                seed=seed, device=P.device)
            trainer.fit(steps=steps, progress=False)
            seconds[name].append(trainer.seconds)
            results[n, name, seed] = scores(D.eval())
            trainers[n, name, seed] = trainer
per_step = {name: 1000 * np.sum(t) / (len(t) * steps) for name, t in seconds.items()}
print(f"{len(results)} classifiers trained; ms per step: "
      + ", ".join(f"{name} {ms:.0f}" for name, ms in per_step.items()))

# %% [markdown]
# ## Accuracy against the number of labels
#
# Each point is the mean over seeds, each bar the standard deviation; a seed changes both the labelled
# patches drawn and the networks' initial weights.

# %%
METRICS = ("accuracy", "balanced accuracy")


def values(n, name, metric):
    return np.array([results[n, name, s][metric] for s in seeds])


fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, metric in zip(axes, METRICS):
    for offset, name in zip((-0.04, 0.0, 0.04), METHODS):
        means = [values(n, name, metric).mean() for n in label_counts]
        spread = [values(n, name, metric).std() for n in label_counts]
        x = np.array(label_counts) * 10 ** offset  # nudged apart to keep the bars readable
        ax.errorbar(x, means, yerr=spread, marker="o", capsize=3, label=name)
    ax.set_xscale("log")
    ax.set_xlabel("labelled patches")
    ax.set_ylabel(f"{metric} on {n_test} test patches")
    ax.set_title(metric)
    ax.legend(fontsize=8)
axes[1].axhline(0.5, color="gray", lw=0.8, ls=":")
fig.suptitle(f"Lesion or not: mean and spread over {len(seeds)} seed(s), {steps} steps each")
plt.show()

rows = {}
for n in label_counts:
    for name in METHODS:
        rows[f"{n}: {name}"] = {m: mean_and_spread(100 * values(n, name, m), 1)
                                for m in METRICS}
display(Markdown(f"Test patches, in % (labels: method; mean ± spread over seeds {seeds})\n\n"
                 + markdown_table(rows, columns=list(METRICS), index_name="labels: method")))

# %% [markdown]
# ## Where the unlabelled data stops helping
#
# The same seed draws the same labelled patches and starts from the same weights for every method, so
# the fair comparison is per seed: the *gain* of a semi-supervised GAN over the baseline, seed by seed, in
# balanced accuracy. We call the unlabelled data *helpful* at a label count when the better of the two
# GANs' mean gain exceeds its standard error over seeds (with one seed, when it is positive): a loose
# test, chosen so that a few seeds can pass it, and stated here so that the verdict below can be read
# for what it is.

# %%
def gains(n, name, metric="balanced accuracy"):
    return values(n, name, metric) - values(n, "labels only", metric)


def helps(g):
    error = g.std(ddof=1) / math.sqrt(len(g)) if len(g) > 1 else 0.0
    return g.mean() > error


GANS = [name for name in METHODS if name != "labels only"]
best_gan, helped = {}, {}
for n in label_counts:
    best_gan[n] = max(GANS, key=lambda name: gains(n, name).mean())
    helped[n] = helps(gains(n, best_gan[n]))
    print(f"{n:5d} labels: gain in balanced accuracy (points), "
          + "; ".join(f"{name} {mean_and_spread(100 * gains(n, name), 1, signed=True)}"
                      for name in GANS)
          + f" -> {'helps' if helped[n] else 'does not help'}")
stops = next((n for n in label_counts if not helped[n]), None)
if all(helped.values()):
    verdict = (f"the unlabelled patches helped at every label count tried, up to "
               f"{label_counts[-1]}: where they stop helping lies beyond this run")
elif not any(helped.values()):
    verdict = ("the unlabelled patches helped at no label count tried: in this budget, the "
               "GAN's unsupervised loss did not beat the labels alone")
elif all(helped[n] for n in label_counts if n < stops) and not any(
        helped[n] for n in label_counts if n >= stops):
    verdict = (f"the unlabelled patches helped up to {max(n for n in label_counts if n < stops)} "
               f"labels and stopped helping from {stops} labels on")
else:
    verdict = ("the unlabelled patches helped at " + ", ".join(
        str(n) for n in label_counts if helped[n]) + " labels and not at " + ", ".join(
        str(n) for n in label_counts if not helped[n]) + ": no clean threshold in this run")
say("In this run, " + verdict + ".")

# %% [markdown]
# ## How much room the labels leave
#
# Unlabelled images can only add what the labelled ones leave out. To see how much that is, the same
# classifier trains, with the same flips and shifts, on the labels of the *whole* pool, for three times
# the chapter's steps, since it has far more patches to learn from: a ceiling for this network. The baseline's **headroom** at a label count is that ceiling minus its
# balanced accuracy: where it is small, or negative within the spread, there is little for the unlabelled
# patches to add, and a semi-supervised GAN, whose discriminator also spends its steps on the
# real-or-fake game, can lose a little rather than gain.

# %%
ceiling, ceiling_steps = [], 3 * steps
for seed in seeds:
    D, _ = networks(seed, with_generator=False)
    SemiSupervisedTrainer(D, None, x_pool, y_pool, batch_size=batch_size, seed=seed,
                          device=P.device).fit(steps=ceiling_steps, progress=False)
    ceiling.append(scores(D.eval())["balanced accuracy"])
ceiling = np.array(ceiling)
headroom = {n: ceiling.mean() - values(n, "labels only", "balanced accuracy").mean()
            for n in label_counts}
print(f"labels only, all {n_pool} pool labels, {ceiling_steps} steps: balanced accuracy "
      f"{mean_and_spread(100 * ceiling, 1)} %")
for n in label_counts:
    print(f"{n:5d} labels: headroom {100 * headroom[n]:+.1f} points; best SGAN gain "
          f"{mean_and_spread(100 * gains(n, best_gan[n]), 1, signed=True)}")
few = label_counts[0]
say("With {few} labels the labels-only classifier reached {b:.1f} % balanced accuracy, "
    "{h:.1f} points " + ("below" if headroom[few] >= 0 else "above") + " the ceiling of "
    "{c:.1f} % that all {m} pool labels give in {cs} steps; the best semi-supervised GAN gained {g} "
    "points there. "
    + ("The labels alone left little to gain on this task, which is why the unlabelled "
       "patches had little to give; a harder task, or far longer training as in Salimans et "
       "al.'s experiments, is where their gain is reported."
       if headroom[few] < 0.05 else
       "The labels alone left room, so the question is whether the GAN's unsupervised loss "
       "filled it in this budget: the gains above say how much it did."),
    few=few, b=100 * values(few, "labels only", "balanced accuracy").mean(),
    h=abs(100 * headroom[few]), c=100 * ceiling.mean(), m=n_pool, cs=ceiling_steps,
    g=mean_and_spread(100 * gains(few, best_gan[few]), 1, signed=True))

# %% [markdown]
# Read the verdict with the spread in view: with a few seeds, a gain of a few points can come and go
# with the draw of labelled patches. The shape to expect, when the GAN helps, is a gain that shrinks as
# labels are added: the unlabelled images teach the network what brain tissue looks like, which the
# labels teach too once there are enough of them. And both methods saw the same number of steps, not the
# same time: the semi-supervised step's cost is printed above.
#
# ## Feature matching or the plain generator loss?
#
# Two questions, two answers. Which loss gives the better *classifier* is read from the balanced
# accuracy above, averaged over label counts. Which gives the better *samples* needs a measure of how
# far generated patches lie from real ones: the kernel distance (KID, chapter 5.1) between generated
# and real test patches, in the features of an **independent judge**: chapter 3.6's `SliceClassifier`,
# trained on the judge set's labels, which never saw a generator. (The book's domain encoder of chapter
# 3.2 was trained on whole slices, not patches; on patches it would score something it never learned.)
# Real judge-set patches against the test patches give the floor: what two real sets score; an
# untrained generator's patches give the other end of the scale.

# %%
judge_steps = P.pick(smoke=10, cpu=400, gpu=1500)
judge = train_classifier(to_gan_range(judge_set.images), judge_set.has_lesion.long(),
                         len(CLASSES), steps=judge_steps, seed=100, device=P.device).cpu()


@torch.no_grad()
def judge_features(images):
    return torch.cat([judge.features(chunk) for chunk in images.split(256)]).numpy()


n_samples = P.pick(smoke=64, cpu=500, gpu=2000)
test_features = judge_features(x_test)
floor = kernel_distance(judge_features(to_gan_range(judge_set.images)), test_features)
_, untrained = networks(seeds[0])
with torch.no_grad():
    untrained_samples = untrained.eval()(torch.randn(
        n_samples, z_dim, generator=torch.Generator().manual_seed(1234)))
untrained_kid = kernel_distance(judge_features(untrained_samples), test_features)
kid = {(n, name, s): kernel_distance(judge_features(trainers[n, name, s].sample(n_samples)),
                                     test_features)
       for n in label_counts for name in GANS for s in seeds}
mean_balanced = {name: np.mean([values(n, name, "balanced accuracy").mean()
                                for n in label_counts]) for name in GANS}
mean_kid = {name: np.mean([kid[n, name, s] for n in label_counts for s in seeds])
            for name in GANS}
rows = {name: {"balanced accuracy (%, mean over label counts)": f"{100 * mean_balanced[name]:.1f}",
               "KID of samples (x 1000)": mean_and_spread(
                   [1000 * kid[n, name, s] for n in label_counts for s in seeds], 2)}
        for name in GANS}
rows["real judge-set patches"] = {"balanced accuracy (%, mean over label counts)": "-",
                                  "KID of samples (x 1000)": f"{1000 * floor:.2f}"}
rows["untrained generator"] = {"balanced accuracy (%, mean over label counts)": "-",
                               "KID of samples (x 1000)": f"{1000 * untrained_kid:.2f}"}
display(Markdown(markdown_table(rows, index_name="generator loss")))
better_classifier = max(GANS, key=mean_balanced.get)
better_samples = min(GANS, key=mean_kid.get)
say("The better classifier came from **" + better_classifier + "** ({a:.1f} % against "
    "{b:.1f} % balanced accuracy, mean over label counts and seeds); the samples closer to "
    "real patches (lower KID) from **" + better_samples + "** ({k1:.2f} against {k2:.2f}, "
    "x 1000; real against real: {f:.2f}). "
    + ("Here one loss won both, unlike in Salimans et al.'s experiments."
       if better_classifier == better_samples else
       "As in Salimans et al.'s experiments, feature matching gave the better classifier and "
       "the plain loss the better samples."
       if better_classifier == "SGAN, feature matching" else
       "The two verdicts differ, but the other way round from Salimans et al.'s experiments, "
       "where feature matching gave the better classifier."),
    a=100 * mean_balanced[better_classifier],
    b=100 * min(mean_balanced.values()), k1=1000 * mean_kid[better_samples],
    k2=1000 * max(mean_kid.values()), f=1000 * floor)
# How far each generator came, from the untrained one's distance (0 %) to the real floor (100 %)
progress = {name: (untrained_kid - mean_kid[name]) / (untrained_kid - floor) for name in GANS}
say("On the scale from an untrained generator (0 %) to real patches (100 %), the samples "
    "covered " + "; ".join(f"{name} {p:.0%}" for name, p in progress.items()) + " of the way "
    "after {s} steps"
    + (": both remain far from real patches, so the ranking of the samples is a ranking "
       "of early, unconvincing ones." if max(progress.values()) < 0.5 else "."),
    s=steps)

n_show = label_counts[-1]
fig, axes = plt.subplots(3, 1, figsize=(12, 3.4))
show_grid(x_test[:12], nrow=12, title="real test patches", ax=axes[0])
for ax, name in zip(axes[1:], GANS):
    show_grid(trainers[n_show, name, seeds[0]].sample(12), nrow=12, title=name, ax=ax)
fig.suptitle(f"Generated patches after {steps} steps ({n_show} labels, seed {seeds[0]})",
             y=1.04)
plt.show()

# %% [markdown]
# Why should the two differ at all? Feature matching asks the generator only to reproduce the *mean* of
# the discriminator's features over a batch: a batch of samples can match it without any one sample being
# a convincing patch, and the generator has no reason to find every mode. The non-saturating loss asks
# each sample to be called real, which pushes each towards realistic patches. For the classifier, the
# argument runs the other way: what helps it is a generator that covers the space *between* and *around*
# the real patches, so that the discriminator learns to draw its boundary where the data is sparse;
# a perfect generator would add nothing, since its images would be indistinguishable from the
# unlabelled ones, and the unsupervised loss could not tell the network anything new. In a short run
# like this one, neither generator is near that ideal, and the table above says which helped more.
#
# ## A second reference: AC-GAN augmentation
#
# Chapter 3.6 used unlabelled data differently: not at all. Its AC-GAN learns from the *labelled*
# patches to generate more of each class, and a classifier trains on real and generated ones. Training
# an AC-GAN per label count and seed is expensive, so this reference runs at
# the label count(s) printed below: the AC-GAN trains for the same number of steps as the others on the
# labelled patches (with chapter 3.6's eightfold rotations and mirrors), then the same classifier as the
# baseline trains, again for the same steps, on the labelled patches plus as many generated patches per
# class as there are labelled ones, times four. It gets twice the others' steps in all: a generous
# reference.

# %%
acgan = {}
for n in acgan_counts:
    for seed in seeds:
        index = labelled_subset(n, seed)
        x, y = x_pool[index], y_pool[index]
        seed_everything(seed)
        gan = ACGANTrainer(ACGANGenerator(len(CLASSES), z_dim=z_dim, width=width,
                                          image_size=patch_size),
                           ACGANDiscriminator(len(CLASSES), width=width, image_size=patch_size),
                           dihedral(x), y.repeat(8), batch_size=batch_size, seed=seed,
                           device=P.device)
        gan.fit(steps=steps, progress=False)
        fake, fake_labels = gan.sample(4 * n)
        D, _ = networks(seed, with_generator=False)
        SemiSupervisedTrainer(D, None, torch.cat([x, fake]), torch.cat([y, fake_labels]),
                              batch_size=batch_size, seed=seed,
                              device=P.device).fit(steps=steps, progress=False)
        acgan[n, seed] = scores(D.eval())
rows = {}
for n in acgan_counts:
    for name in METHODS:
        rows[f"{n}: {name}"] = {m: mean_and_spread(100 * values(n, name, m), 1) for m in METRICS}
    rows[f"{n}: AC-GAN augmentation"] = {
        m: mean_and_spread([100 * acgan[n, s][m] for s in seeds], 1) for m in METRICS}
display(Markdown(f"AC-GAN augmentation at {acgan_counts} labels, in % (mean ± spread over "
                 f"seeds {seeds})\n\n"
                 + markdown_table(rows, columns=list(METRICS), index_name="labels: method")))
for n in acgan_counts:
    acgan_gain = np.array([acgan[n, s]["balanced accuracy"] for s in seeds]) - values(
        n, "labels only", "balanced accuracy")
    say("At {n} labels, AC-GAN augmentation changed balanced accuracy by {g} points against "
        "the labels alone, the better semi-supervised GAN (" + best_gan[n] + ") by {h}.",
        n=n, g=mean_and_spread(100 * acgan_gain, 1, signed=True),
        h=mean_and_spread(100 * gains(n, best_gan[n]), 1, signed=True))
print(f"chapter ran in {time.perf_counter() - chapter_start:.0f} s ({P.name} profile)")

# %% [markdown]
# The AC-GAN can only recombine what the labelled patches show; the semi-supervised GAN also sees the
# pool. With ten or thirty labelled patches, an AC-GAN trained for a few hundred steps makes images a
# classifier learns little from, which the table says for this run.
#
# ## What goes wrong
#
# - **The discriminator wins.** When the unsupervised loss falls to nearly zero, the discriminator
#   rejects every generated patch with ease and learns nothing about the boundary from them; the history's
#   `d_fake` (mean $D(G(z))$) near 0 for long stretches is the sign. Feature matching keeps the generator
#   in the game longer, one of the reasons Salimans et al. introduced it.
# - **Batch norm and generated batches.** With batch norm, the running mean and variance the classifier
#   uses at test time average real and generated batches: a classifier that is excellent in training mode
#   and poor in evaluation mode. Layer normalisation avoids it.
# - **A test set that flatters.** With 30 % lesions, accuracy counts a classifier that never finds a
#   lesion as 70 % right; balanced accuracy and per-class recall do not.
# - **Few seeds.** With ten labels, the choice of those ten patches moves accuracy more than the method
#   does; the spread in the table is the first thing to read.
#
# ## The survey's Section 4.7, reproduced in small
#
# | survey (Table 17) | method | task | here |
# |---|---|---|---|
# | Zhang et al. [(Zhang et al., 2017)](#survey108) | SCGAN: two generators, one discriminator that also classifies | cardiac MR: basal slice present or missing | one generator, a $K+1$-class discriminator (`SemiSupervisedTrainer`) |
# | Ren et al. [(Ren et al., 2018)](#survey109) | adversarial features, patch-level classification loss | prostate histology, two Gleason grades, across sites | not built |
# | Salimans et al. [(Salimans et al., 2016)](#survey78) | $K+1$ classes, feature matching | natural images (MNIST, CIFAR-10, SVHN) | the chapter's method |
# | Odena et al. [(Odena et al., 2017)](#survey11) | AC-GAN | class-conditional synthesis | the augmentation reference |
#
# The papers trained for hours on real scans; here the patches are simulated and the budget is a few
# hundred steps. What carries over is how to ask the question, on the same labelled subsets and the same
# steps, over seeds, with a threshold computed rather than claimed, not the numbers.
#
# ## Exercises
#
# **1. The probability of real.** A discriminator with $K = 3$ classes gives an image the logits
# $(2.0, -1.0, 0.5)$. What is $D(x)$, the probability it gives the image of being real?

# %% tags=["answer"]
answer = ...  # a number

# %%
check("4.7.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# Z = math.exp(2.0) + math.exp(-1.0) + math.exp(0.5)
# answer = Z / (Z + 1)
# ```
#
# $Z = e^2 + e^{-1} + e^{0.5} \approx 9.41$, so $D(x) \approx 0.904$. Only the sum of the exponentials
# matters: the discriminator could be sure of the class and unsure the image is real, or the other way
# round, with the same $D$.
#
# </details>

# %% [markdown]
# **2. Build it: the unsupervised loss.** Write $-\mathbb{E}\log D(x) - \mathbb{E}\log(1 - D(G(z)))$ from
# the class logits of a real batch `(B, K)` and a generated batch `(B', K)`, with $D = Z/(Z+1)$. Compute
# it from $\log Z$ (`torch.logsumexp`) and `F.softplus`, not from $D$ itself: the check includes logits of
# $\pm 60$, where $1 - D$ rounds to 0.

# %% tags=["answer"]
def my_unsupervised_loss(real_logits, fake_logits):
    ...  # your code: a scalar tensor


# %%
check("4.7.2", my_unsupervised_loss)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_unsupervised_loss(real_logits, fake_logits):
#     lse_real = torch.logsumexp(real_logits, dim=1)
#     lse_fake = torch.logsumexp(fake_logits, dim=1)
#     # -log D = log(1 + Z) - log Z;  -log(1 - D) = log(1 + Z)
#     return (F.softplus(lse_real) - lse_real).mean() + F.softplus(lse_fake).mean()
# ```
#
# $\log(1 + Z) = \operatorname{softplus}(\log Z)$, which PyTorch computes without forming $Z$; that is
# why the library's losses take logits, as chapter 3.1's do.
#
# </details>

# %% [markdown]
# **3. Build it: feature matching.** Write $\lVert \text{mean}(f_{real}) - \text{mean}(f_{fake})
# \rVert_2^2$ for two batches of features (flatten anything after the batch axis; the batches may differ
# in size). The check compares it with `feature_matching_loss`.

# %% tags=["answer"]
def my_feature_matching(real_features, fake_features):
    ...  # your code: a scalar tensor


# %%
check("4.7.3", my_feature_matching)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_feature_matching(real_features, fake_features):
#     real, fake = real_features.flatten(1), fake_features.flatten(1)
#     return ((real.mean(0) - fake.mean(0)) ** 2).sum()
# ```
#
# It compares two averages, one number per feature: a generator can satisfy it with a batch whose
# members are individually unconvincing, which is one reason its samples can look worse.
#
# </details>

# %% [markdown]
# **4. An undecided discriminator.** A discriminator with $K = 4$ classes gives an image four logits of
# 0. What probability does it give the image of being *generated*?

# %% tags=["answer"]
answer = ...  # a number

# %%
check("4.7.4", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 1 / (4 + 1)
# ```
#
# $Z = 4$, and the fake class's probability is $1/(Z+1)$. With the fake logit fixed at 0, an untrained
# network with logits near 0 calls most images real; as $K$ grows, more so.
#
# </details>

# %% [markdown]
# **5. A perfect generator.** Suppose the generator became perfect: its patches indistinguishable from
# the pool's. What would the unsupervised loss then teach the classifier, and why? Test a piece of it:
# train a semi-supervised GAN with `unsupervised_weight` 0.1 and 3 at the smallest label count, and
# compare with the chapter's weight 1.
#
# <details><summary>Solution</summary>
#
# ```python
# n = label_counts[0]
# for weight in (0.1, 3.0):
#     D, G = networks(seeds[0])
#     index = labelled_subset(n, seeds[0])
#     SemiSupervisedTrainer(D, G, x_pool[index], y_pool[index], x_pool,
#                           unsupervised_weight=weight, batch_size=batch_size,
#                           seed=seeds[0]).fit(steps=steps, progress=False)
#     print(weight, scores(D.eval()))
# print(1.0, results[n, "SGAN, feature matching", seeds[0]])
# ```
#
# Nothing: if $G$'s distribution equals the data's, the best discriminator gives $D = 1/2$ everywhere and
# the unsupervised loss is constant in the class logits' *ratios*, so it says nothing about where the
# class boundary should go. The gain comes from an imperfect generator whose samples fall in the gaps
# of the data, around and between the classes, which the discriminator learns to call fake: the class
# boundary is then pushed into those low-density gaps. Too small a weight leaves the labels alone in
# charge; too large a weight lets the real-or-fake game dominate the few labelled examples. One seed
# cannot separate a weight's effect from the draw; the spread of the chapter's runs gives the scale.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A semi-supervised GAN's discriminator is a $K$-class classifier whose "generated" class is implied:
#   $D(x) = Z(x)/(Z(x)+1)$, with $\log Z$ the logsumexp of the class logits. Its loss is the labelled
#   images' cross-entropy plus a GAN loss on unlabelled and generated images.
# - Trained against the same classifier on the labels alone, for the same steps, over seeds, the chapter
#   measured accuracy and balanced accuracy against the number of labels, and computed from the run
#   where the unlabelled data stopped helping; the sentence under the gains says what this run found.
# - Unlabelled images can only fill the gap the labels leave: the same classifier trained on the labels
#   of the whole pool gives the ceiling, and the baseline's headroom below it, computed in the run, says
#   how much there was to gain before asking whether the GAN gained it.
# - Feature matching and the non-saturating loss were compared twice, as a classifier and as a
#   generator; which won each is computed above, and the reason the two can differ is that a good
#   classifier needs a generator that fills the gaps of the data, not one that copies it.
# - AC-GAN augmentation, chapter 3.6's use of GANs for classification, learns from the labelled patches
#   only; its row at the same label count shows what that was worth here.
# - With few labels, the draw of those labels is a large source of variance: report the spread over
#   seeds, and the balanced accuracy when the classes are unequal.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey108"></a>Zhang, L., Gooya, A., Frangi, A. F. (2017). Semi-supervised assessment of incomplete lv coverage in cardiac mri using generative adversarial nets. *in: International Workshop on Simulation and Synthesis in Medical Imaging, Springer, 2017, pp. 61–68*.
#
# <a id="survey109"></a>Ren, J., Hacihaliloglu, I., Singer, E. A., Foran, D. J., Qi, X. (2018). Adversarial domain adaptation for classification of prostate histopathology whole-slide images. *in: MICCAI, 2018*.
#
# <a id="survey78"></a>Salimans, T., Goodfellow, I. J., Zaremba, W., Cheung, V., Radford, A., Chen, X. (2016). Improved techniques for training gans. *in: NIPS, 2016*.
#
# <a id="survey11"></a>Odena, A., Olah, C., Shlens, J. (2017). Conditional image synthesis with auxiliary classifier gans. *in: ICML, 2017*.
