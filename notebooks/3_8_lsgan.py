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
# # 3.8 LSGAN, and every loss of Part I side by side
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gancourse/gancourse/blob/v0.2.0/notebooks/3_8_lsgan.ipynb)
#
# *About 25 minutes to read; in the cpu profile it runs in 7.4 min on 2 CPU cores (the book's benchmarks measure it).*
#
# > **Note.** This chapter trains twenty-one GANs (seven losses, three seeds) for the table at its end, so in
# > the `cpu` profile it needs up to 10 minutes on 2 CPU cores, more than the usual 5: the book allows 10 for
# > chapters that cannot show their result in 5. To fit, each run is short (its length is printed below) and
# > uses chapter 3.7's half-width networks; the table therefore compares how fast each loss gets going, not
# > where it ends up. The `gpu` profile trains each run on a GPU at $64 \times 64$ with the canonical width.
#
# Least-squares GANs, Mao et al. [(Mao et al., 2017)](#survey13), are the survey's second answer (Section 3.8)
# to the vanishing gradients of Section 3.1. The discriminator's output is no longer read as a probability
# through a sigmoid; it is regressed onto target values, and the generator is penalised by the squared
# distance of its samples' scores from the target it wants them to have. A fake that the discriminator
# already calls real but that lies far from the real data still receives a gradient, and the gradient
# vanishes only when the fakes are where the real data are. Joyce et al. [(Joyce et al., 2018)](#survey70)
# used this loss for unsupervised cardiac segmentation (survey, Section 4.2).
#
# **Learning goals**
# - write the least-squares objective with its two published choices of targets;
# - read, for each loss of Part I, where it stops giving the generator a gradient, each on its own scale;
# - compare all losses of Part I on brain slices in one controlled experiment over three seeds, and
#   read a results table with its spread.
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
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown, display

from gancourse.data import BrainSimulator, to_gan_range
from gancourse.exercises import check
from gancourse.losses import LOSSES
from gancourse.methods.gan import RECIPES, GANTrainer
from gancourse.metrics import mean_pairwise_distance
from gancourse.metrics.domain import domain_features, predict_level
from gancourse.metrics.scorecards import synthesis_scores
from gancourse.nets import DCGANDiscriminator, DCGANGenerator
from gancourse.profiles import current_profile
from gancourse.train import TrainingDiverged, seed_everything
from gancourse.viz import markdown_table, mean_and_spread, say, show_grid

P = current_profile()
print(P)

# %% [markdown]
# ## The least-squares objective
#
# The discriminator is trained to give real images the value $b$ and generated ones the value $a$; the
# generator to make the discriminator give its images the value $c$ (the survey's Eq. 5, written as Mao et
# al. write each player's part):
#
# $$\min_D \; \tfrac12 \mathbb{E}_{x}\bigl[(D(x) - b)^2\bigr] + \tfrac12 \mathbb{E}_{z}\bigl[(D(G(z)) - a)^2\bigr],
# \qquad \min_G \; \tfrac12 \mathbb{E}_{z}\bigl[(D(G(z)) - c)^2\bigr].$$
#
# Mao et al. give two choices of targets:
#
# - $a = 0$, $b = 1$, $c = 1$: the natural one; the generator wants its fakes scored as real;
# - $a = -1$, $b = 1$, $c = 0$: chosen so that $b - c = 1$ and $b - a = 2$. With these, minimising the
#   objective minimises the Pearson $\chi^2$ divergence between $p_\text{data} + p_g$ and $2 p_g$, a true
#   divergence, as the original GAN minimises the Jensen-Shannon divergence.
#
# `gancourse.losses` has both as `"least_squares"` and `"least_squares_pm1"`, and `least_squares(a, b, c)`
# for any other choice (you will write it yourself in Exercise 3).
#
# ## Where each loss stops pushing
#
# The generator learns only through the gradient of its loss with respect to the discriminator's score $d$
# of its samples. We let autograd compute $\lvert\partial L_G / \partial d\rvert$ for each loss. The scores
# do not mean the same thing for every loss, so each gets its own panel and its own axis:
#
# - with a sigmoid (minimax, non-saturating) $d$ is a logit; what it means is the probability
#   $D(G(z)) = \sigma(d)$ that the discriminator gives the fake of being real;
# - with least squares, $d$ means something only relative to the targets $a$ (fake), $b$ (real) and $c$
#   (the generator's aim), marked in each panel;
# - a Wasserstein critic's score has no fixed scale at all (it is set by the critic's Lipschitz constant,
#   chapter 3.7); hinge shares its generator loss.

# %%
def generator_gradient(loss, scores):
    """|dL_G/dd| for each score in ``scores``, one generated sample each."""
    d = scores.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(loss.generator(d) * len(d), d)  # undo the mean
    return gradient.abs().detach()


logits = torch.linspace(-7, 7, 281)
fig, axes = plt.subplots(1, 4, figsize=(17, 3.4))
for name, key in [("minimax", "minimax"), ("non-saturating", "nonsaturating")]:
    gradient = generator_gradient(LOSSES[key], logits)
    axes[0].plot(torch.sigmoid(logits), gradient, label=name)
axes[0].set_yscale("log")
axes[0].set_xscale("logit")  # stretches both ends: confident rejection and acceptance
axes[0].axvspan(torch.sigmoid(logits[0]), 0.05, color="0.9")
axes[0].set_xlabel("D(G(z)): probability the fake is called real")
axes[0].set_title("sigmoid losses (shaded: D < 0.05)")
axes[0].legend(fontsize=8)
for ax, (key, (a, b, c)) in zip(axes[1:3], [("least_squares", (0, 1, 1)),
                                             ("least_squares_pm1", (-1, 1, 0))]):
    scores = torch.linspace(a - 2 * (b - a), b + 2 * (b - a), 241)
    ax.plot(scores, generator_gradient(LOSSES[key], scores), color="C2")
    for value, label in [(a, "a (fake)"), (b, "b (real)"), (c, "c (aim)")]:
        ax.axvline(value, color="0.6", linestyle="--")
        height = ax.get_ylim()[1] * (0.7 if label.startswith("c") else 0.9)
        ax.text(value, height, label, fontsize=8)
    ax.axvspan(scores[0], a, color="0.9")
    ax.set_xlabel("score d")
    ax.set_title(f"least squares ({a}, {b}, {c}) (shaded: d <= a)")
scores = torch.linspace(-5, 5, 201)
axes[3].plot(scores, generator_gradient(LOSSES["wasserstein"], scores), color="C3")
axes[3].set_ylim(0, 2)
axes[3].set_xlabel("critic score d (no fixed scale)")
axes[3].set_title("Wasserstein and hinge")
axes[0].set_ylabel(r"$|\partial L_G / \partial d|$")
plt.tight_layout()
plt.show()

# The same gradients, each loss at the scores that mean "rejected" and "accepted" on its own scale
logit = lambda p: float(np.log(p / (1 - p)))  # noqa: E731
sigmoid_points = ("D = 0.02", logit(0.02), "D = 0.98", logit(0.98))
points = {"minimax": ("minimax", *sigmoid_points),
          "non-saturating": ("nonsaturating", *sigmoid_points),
          "least squares (0, 1, 1)": ("least_squares", "a = 0", 0, "b = 1", 1),
          "least squares (-1, 1, 0)": ("least_squares_pm1", "a = -1", -1, "b = 1", 1),
          "Wasserstein and hinge": ("wasserstein", "any d", 0.0, "any d", 0.0)}
print(f"{'':26s} {'rejected fake':>22s} {'fake called real':>22s}")
for name, (key, low_label, low, high_label, high) in points.items():
    g = generator_gradient(LOSSES[key], torch.tensor([low, high], dtype=torch.float32))
    print(f"{name:26s} {low_label:>12s}: {g[0]:7.3f}  {high_label:>12s}: {g[1]:7.3f}")

# %% [markdown]
# What the panels say (compare curves within a panel; across panels the scores mean different things):
#
# - **Minimax** saturates exactly where it matters: a generated image the discriminator confidently rejects
#   ($D(G(z))$ near 0, the usual situation early in training) gets a gradient of $\sigma(d) = D(G(z))$,
#   almost zero.
# - **Non-saturating** fixes that side (gradient $1 - D(G(z))$, near 1 for rejected fakes) but saturates on
#   the other: a fake the discriminator already calls real gets no push, however far it lies from the real
#   images.
# - **Least squares** never saturates. The gradient is $\lvert d - c\rvert$: it grows the further a sample's
#   score is from the generator's aim $c$, on either side, and vanishes only there. With $(0, 1, 1)$ that is
#   the real target; with $(-1, 1, 0)$ it is halfway, so a fake scored as real is pulled back towards 0.
# - **Wasserstein** and **hinge** give every sample the same gradient, whatever its score; how strongly the
#   image itself moves then depends on the critic's slope, which the Lipschitz constraint controls.
#
# ## All the losses of Part I on brain slices
#
# One controlled experiment: the same DCGAN generator and discriminator (half width, as in 3.7; layer norm
# instead of batch norm for the gradient-penalty critic), the same skull-stripped 32x32 training slices, the
# same wall-clock time per run, three seeds per loss, and each loss with its own published optimiser settings:
#
# - minimax, non-saturating, both least-squares variants and hinge: Radford et al.'s Adam settings and one
#   discriminator update per generator update;
# - WGAN with clipping and WGAN-GP: their papers' settings from chapter 3.7 (five critic updates).
#
# For each run, in chapter 3.2's validated feature space: the Fréchet distance to held-out slices (every run
# is scored on the same number of samples, so the Fréchet distances in the table are comparable with each
# other, though not with ones computed from other numbers of samples), precision and recall; how many of
# five anatomical levels the samples cover; and whether the run collapsed (sample diversity below half the
# real slices') or diverged (a loss became infinite, which `GANTrainer` reports).

# %%
image_size = P.pick(smoke=32, cpu=32, gpu=64)
width = P.pick(smoke=8, cpu=16, gpu=64)
budget = P.seconds(smoke=0.8, cpu=20, gpu=40)  # seconds of training per run
seeds = P.pick(smoke=[0, 1], cpu=[0, 1, 2], gpu=[0, 1, 2])
n_train = P.pick(smoke=256, cpu=6000, gpu=12000)
n_eval = P.pick(smoke=64, cpu=500, gpu=1000)

# Each paper's settings from GANTrainer's RECIPES: the DCGAN settings for the losses without a
# critic, with only the loss changed, and WGAN's and WGAN-GP's own (layer-norm critic for the penalty).
dcgan = {key: value for key, value in RECIPES["dcgan"].items() if key != "loss"}
recipes = {
    "minimax": ("batch", dict(dcgan, loss="minimax")),
    "non-saturating": ("batch", dict(dcgan, loss="nonsaturating")),
    "least squares (0, 1, 1)": ("batch", dict(dcgan, loss="least_squares")),
    "least squares (-1, 1, 0)": ("batch", dict(dcgan, loss="least_squares_pm1")),
    "hinge": ("batch", dict(dcgan, loss="hinge")),
    "WGAN (clipping)": ("batch", RECIPES["wgan"]),
    "WGAN-GP": ("layer", RECIPES["wgan_gp"]),
}
print(f"{len(recipes)} losses x {len(seeds)} seeds, {budget} s each, "
      f"{image_size}x{image_size}, width {width}, {n_eval} samples scored per run")


def brain_slices(seed, n):
    simulator = BrainSimulator(image_size, seed=seed, skull_stripped=True)
    return to_gan_range(simulator.sample(n).t1)


train_images, held_out = brain_slices(0, n_train), brain_slices(1, n_eval)
held_out_features = domain_features(held_out)
real_diversity = mean_pairwise_distance(held_out[:200])
level_bins = np.linspace(0, 1, 6)
real_levels = np.clip(predict_level(held_out), 0, 1)
real_level_share = np.histogram(real_levels, bins=level_bins)[0] / n_eval
print("share of held-out real slices in each fifth of the levels:",
      np.round(real_level_share, 2))


def evaluate(samples):
    """Distances, precision, recall, levels covered, collapse of one run's samples."""
    scores = synthesis_scores(samples, held_out_features)  # the book's scorecard
    levels = np.clip(predict_level(samples), 0, 1)
    share = np.histogram(levels, bins=level_bins)[0] / len(samples)
    return {"fd": scores["Fréchet distance"],
            "precision": scores["precision"], "recall": scores["recall"],
            # fifths of the anatomy that hold at least 5 % of the samples
            "levels": int(np.sum(share >= 0.05)),
            "collapsed": scores["diversity"] < 0.5 * real_diversity}


FAILED = {"fd": np.nan, "precision": np.nan, "recall": np.nan, "levels": 0,
          "collapsed": False}
results, examples = {}, {}
for name, (norm, recipe) in recipes.items():
    for seed in seeds:
        seed_everything(seed)
        G = DCGANGenerator(z_dim=100, width=width, image_size=image_size)
        D = DCGANDiscriminator(width=width, image_size=image_size, norm=norm)
        trainer = GANTrainer(G, D, train_images, batch_size=64, seed=seed,
                             device=P.device, **recipe)
        try:
            trainer.fit(seconds=budget, progress=False)
            samples = trainer.sample(n_eval)
            outcome = {**evaluate(samples), "diverged": False}
        except TrainingDiverged:
            samples, outcome = None, {**FAILED, "diverged": True}
        outcome["steps"] = trainer.steps_done
        results[name, seed] = outcome
        if seed == seeds[0] and samples is not None:
            examples[name] = samples[:16]
    fds = ", ".join(f"{results[name, s]['fd']:.0f}" for s in seeds)
    print(f"{name:26s} Fréchet distance per seed: {fds}")

# %% [markdown]
# ## The table

# %%
table = {}
for name in recipes:
    runs = [results[name, s] for s in seeds]

    def spread(key, digits=0):
        return mean_and_spread([r[key] for r in runs], digits)

    failed = sum(r["collapsed"] or r["diverged"] for r in runs)
    table[name] = {"generator steps": spread("steps"), "Fréchet distance": spread("fd"),
                   "precision": spread("precision", 2), "recall": spread("recall", 2),
                   "levels covered (of 5)": spread("levels", 1),
                   "collapsed or diverged": f"{failed} of {len(runs)}"}
display(Markdown(markdown_table(table, index_name="loss")))
print(f"Mean ± standard deviation over {len(seeds)} seeds; {budget} s of training per "
      "run, "
      f"{image_size}x{image_size}, width {width}, profile {P.name}.")

# Which differences does the spread support? A loss is ahead of another only where their
# mean ± standard deviation intervals of the Fréchet distance do not overlap.
fd = {name: np.array([results[name, s]["fd"] for s in seeds]) for name in recipes}
interval = {}
for name, v in fd.items():
    if np.sum(~np.isnan(v)) >= 2:
        mean, sd = np.nanmean(v), np.nanstd(v, ddof=1)
        interval[name] = (mean - sd, mean + sd)
ranked = sorted(interval, key=lambda name: np.nanmean(fd[name]))
best = ranked[0]
ahead = [n for n in ranked[1:] if interval[best][1] < interval[n][0]]
tied = [n for n in ranked[1:] if n not in ahead]
say("Lowest mean Fréchet distance: **{best}**. It is ahead beyond the spread of: "
    "{ahead}. Within the spread of it, so not separated by this run: {tied}.",
    best=best,
    ahead=", ".join(ahead) or "none", tied=", ".join(tied) or "none")
missing = [name for name in recipes if name not in interval]
if missing:
    print("left out of the comparison (fewer than two seeds scored):",
          ", ".join(missing))

seed_everything(0)
with torch.no_grad():
    untrained_generator = DCGANGenerator(z_dim=100, width=width, image_size=image_size)
    untrained = evaluate(untrained_generator.eval()(torch.randn(n_eval, 100)))["fd"]
say("For scale, an untrained generator scores {u:.0f}. Minimax ends at {mm}, the "
    "non-saturating loss, which shares its discriminator and differs only in the "
    "generator's gradient, at {ns}.", u=untrained,
    mm=table["minimax"]["Fréchet distance"],
    ns=table["non-saturating"]["Fréchet distance"])
if np.nanmax([r["precision"] for r in results.values()]) == 0:
    print("precision and recall are 0 for every loss: at this budget no generated "
          "slice is yet inside the neighbourhood of a real one (longer runs, as in "
          "chapter 3.2, get there)")

# %%
show_grid(torch.cat([examples[name] for name in recipes if name in examples]), nrow=16,
          title="16 samples per loss, first seed, in the order of the table")
plt.show()

# %% [markdown]
# ## Reading the table
#
# Every number above was produced by this run, so read the table you got rather than this text; what follows
# is what to look for.
#
# - **Spread first.** A difference between two losses smaller than their spreads over seeds is not a
#   difference; the sentence under the table says which differences this run supports. Three seeds are the
#   least that gives a spread at all, so treat even a separated pair as a hint to test with more seeds.
# - **Minimax.** Its generator gets almost no gradient while its samples are obviously fake (the first
#   panel), and early in training they all are. Compare its Fréchet distance with the untrained generator's
#   and with the non-saturating loss's, printed above.
# - **Steps.** All runs had the same time, but the WGANs make five critic updates per generator step (and
#   WGAN-GP a second backward pass), so they take a fraction of the generator steps: chapter 3.7's "slow
#   optimization" again. Check whether their row is the one of a model that has barely started.
# - **Non-saturating, hinge and the two least-squares variants.** Which is ahead after a short run, and
#   whether the lead is larger than the spread, is what the table says; Mao et al. report least squares'
#   advantage mainly as stability across architectures and over long runs, which a short run cannot show.
# - **Levels, recall and collapse** are the mode-dropping columns. A run counts as collapsed when its
#   samples differ from each other less than half as much as real slices do; early in training, a generator
#   that has not learned yet (all its samples the same grey blob) counts too.
#
# ## Exercises
#
# **1. Two sigmoid losses, one scale.** The discriminator gives a generated slice the probability
# $D(G(z)) = 0.02$ of being real. How many times larger is the non-saturating generator's gradient
# $\lvert\partial L_G / \partial d\rvert$ than the minimax one's? (Both losses read the same logit $d$, so the
# comparison is fair; read the first panel, or work it out from $\sigma$.)

# %% tags=["answer"]
answer = ...  # a number

# %%
check("3.8.1", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = (1 - 0.02) / 0.02
# ```
#
# The minimax generator's gradient is $\sigma(d) = D(G(z)) = 0.02$, the non-saturating one's
# $1 - \sigma(d) = 0.98$: 49 times larger, for the same discriminator and the same sample. Comparing either
# with a least-squares gradient at "$d = -4$" would mean nothing: a least-squares score is read against its
# targets, not as a logit.
#
# </details>
#
# **2. A custom least-squares loss.** For the targets $a = -1$, $b = 1$, $c = 0$, what is the generator's
# loss when the discriminator scores three fakes $-1$, $0$ and $2$? Compute it by hand, then check.

# %% tags=["answer"]
answer = ...  # a number

# %%
check("3.8.2", answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = 0.5 * ((-1 - 0) ** 2 + (0 - 0) ** 2 + (2 - 0) ** 2) / 3
# ```
#
# $\tfrac12 \cdot \tfrac13 \bigl((-1 - 0)^2 + (0 - 0)^2 + (2 - 0)^2\bigr) = \tfrac{5}{6} \approx 0.833$.
# The fake scored 2, beyond the "real" target $b = 1$, is pulled back towards $c = 0$: least squares
# penalises over-shooting too.
#
# </details>
#
# **3. The least-squares losses (build-it).** Write both players' losses for any targets: given the
# discriminator's scores of a batch of real images and of a batch of generated ones (1-D tensors, possibly of
# different lengths), return the tuple `(d_loss, g_loss)` of the objective above. The check compares them on
# fixed scores and three choices of targets with `least_squares(a, b, c)` from `gancourse.losses`.

# %% tags=["answer"]
def my_least_squares(real_scores, fake_scores, a, b, c):
    """Least squares: (discriminator loss, generator loss) for targets a, b, c."""
    ...  # your code


# %%
check("3.8.3", my_least_squares)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def my_least_squares(real_scores, fake_scores, a, b, c):
#     """The least-squares GAN's (discriminator loss, generator loss), targets a, b, c."""
#     d_loss = (0.5 * ((real_scores - b) ** 2).mean()
#               + 0.5 * ((fake_scores - a) ** 2).mean())
#     g_loss = 0.5 * ((fake_scores - c) ** 2).mean()
#     return d_loss, g_loss
# ```
#
# Each expectation is its own mean: averaging the real and fake terms together would weight them by batch
# size. The generator's loss depends only on the fakes' scores, as the generator cannot change the real ones.
#
# </details>
#
# **4. More seeds (open question).** Rerun the table with `seeds = [0, 1, 2, 3, 4]` (and, if you have the
# time, a longer `budget`). Which differences between losses survive? Which rankings change?
#
# <details><summary>Solution</summary>
#
# No single answer: it depends on the runs. A good answer reads the sentence under the table before and after:
# differences that were within the spread should not be reported as rankings, a pair separated with three
# seeds may merge with five, and longer runs let the WGANs, which make fewer generator steps per second, catch
# up or not.
#
# </details>

# %% [markdown]
# ## Summary
#
# - The least-squares GAN regresses the discriminator's score onto targets $a$ (fake) and $b$ (real) and
#   pulls the generator's scores towards $c$; Mao et al.'s $(-1, 1, 0)$ makes the game minimise a Pearson
#   $\chi^2$ divergence.
# - Each loss's gradient must be read on its own scale: the sigmoid losses against the probability the
#   discriminator gives, least squares against its targets, the Wasserstein critic's score against nothing
#   fixed. On those scales minimax saturates for rejected fakes, non-saturating for accepted ones, least
#   squares only at its aim $c$, and the Wasserstein and hinge generators never.
# - A comparison of losses is trained for the same time, over several seeds, and claims only the
#   differences larger than the spread; the table above says which those were in this run.

# %% [markdown]
# ## References
#
# <!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->
#
# <a id="survey13"></a>Mao, X., Li, Q., Xie, H., Lau, R. Y. K., Wang, Z., Smolley, S. P. (2017). Least squares generative adversarial networks. *2017 IEEE International Conference on Computer Vision (ICCV) (2017) 2813–2821*. [doi:10.1109/ICCV.2017.304](https://doi.org/10.1109/ICCV.2017.304)
#
# <a id="survey70"></a>Joyce, T., Chartsias, A., Tsaftaris, S. A. (2018). Deep multi-class segmentation without ground-truth labels. *2018*.
