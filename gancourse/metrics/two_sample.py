"""Can anything tell two sets of images apart? The classifier two-sample test, and the statistics of a score.

A visual Turing test asks a human to label images real or generated; a score near 50 % means the observer
cannot tell. Lopez-Paz and Oquab {cite}`lopezpaz2017revisiting` made the same test automatic: train a
classifier to tell set A from set B on half of each, and count how often it is right on the other half.

* If A and B come from the same distribution, no classifier can beat chance on new images: the number it
  gets right out of ``n`` is Binomial(``n``, 1/2), and its accuracy is near 0.5.
* The further the accuracy lies above 0.5, the more the sets differ in something the classifier can see.

Two statistics of "``k`` right out of ``n``", with no library beyond Python's own:

* :func:`wilson_interval`, Wilson's score interval {cite}`wilson1927probable` for the true proportion (it
  stays inside [0, 1] and behaves well for small ``n``, unlike the textbook p +- z sqrt(p(1-p)/n));
* :func:`binomial_p_value`, the exact one-sided p-value of guessing: the chance of ``k`` or more right out of
  ``n`` for an observer who cannot tell, P(X >= k) for X ~ Binomial(n, p0).
"""
from __future__ import annotations

import math
from statistics import NormalDist

import torch
import torch.nn.functional as F

from ..checks import check_finite, check_number, check_whole_number
from ..nets.classifier import SliceClassifier


def _check_counts(correct, n):
    n = check_whole_number(n, "n", minimum=1, hint=" (the number of answers)")
    correct = check_whole_number(correct, "correct", minimum=0, maximum=n, hint=" (answers that were right)")
    return correct, n


def wilson_interval(correct: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval for a proportion seen as ``correct`` (k) out of ``n``: with p = k / n and
    ``z`` the standard normal quantile of (1 + confidence) / 2 (1.96 for 95 %),

        centre = (p + z^2 / (2 n)) / (1 + z^2 / n)
        half-width = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))

    and the interval is centre - half-width to centre + half-width."""
    correct, n = _check_counts(correct, n)
    confidence = check_number(confidence, "confidence", low=0, high=1, low_open=True, high_open=True,
                              hint=" (0.95 for a 95 % interval)")
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def binomial_p_value(correct: int, n: int, chance: float = 0.5) -> float:
    """P(X >= ``correct``) for X ~ Binomial(``n``, ``chance``): how often an observer who only guesses
    (right with probability ``chance``) would do at least this well. Summed exactly, term by term, in logs
    (``lgamma``) so that large ``n`` does not overflow."""
    correct, n = _check_counts(correct, n)
    chance = check_number(chance, "chance", low=0, high=1, low_open=True, high_open=True)
    log_p, log_q = math.log(chance), math.log1p(-chance)
    terms = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q
             for i in range(correct, n + 1)]
    return min(1.0, math.fsum(math.exp(t) for t in terms))


def _check_sets(a, b):
    for x, name in ((a, "a"), (b, "b")):
        if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x) or x.dim() != 4:
            raise ValueError(f"set {name} must be a floating-point batch of images (N, C, S, S); got "
                             f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}.")
        if len(x) < 4:
            raise ValueError(f"set {name} holds {len(x)} images; the test trains on half of each set and scores "
                             "the other half, so it needs at least 4 (a few hundred for a sharp answer).")
        check_finite(x, f"set {name}")
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(f"the two sets must hold images of the same shape; got {tuple(a.shape[1:])} and "
                         f"{tuple(b.shape[1:])}. Resize one of them.")
    if a.shape[-1] != a.shape[-2] or a.shape[-1] % 8:
        raise ValueError(f"the test's classifier takes square images with a side divisible by 8; got "
                         f"{tuple(a.shape[-2:])}.")


def classifier_two_sample_test(a, b, *, steps: int = 300, batch_size: int = 64, width: int = 16,
                               lr: float = 1e-3, seed: int = 0, confidence: float = 0.95) -> dict:
    """Train a :class:`~gancourse.nets.classifier.SliceClassifier` to tell images of ``a`` (class 0) from
    images of ``b`` (class 1) on half of each, and score it on the other half.

    Both sets are cut to the same size, so that guessing scores 0.5. Returns ``accuracy``, its Wilson
    interval ``low`` and ``high``, ``p_value`` (:func:`binomial_p_value` against 0.5), ``correct`` and ``n``
    (held-out images), and the trained ``model`` (in evaluation mode, on the CPU): an observer that can
    play a Turing test. Seeded, and the global random state is left as it was."""
    _check_sets(a, b)
    steps = check_whole_number(steps, "steps", minimum=1)
    batch_size = check_whole_number(batch_size, "batch_size", minimum=2)
    seed = check_whole_number(seed, "seed", minimum=0)
    half = min(len(a), len(b)) // 2
    generator = torch.Generator().manual_seed(seed)
    a = a.detach().cpu()[torch.randperm(len(a), generator=generator)][: 2 * half].float()
    b = b.detach().cpu()[torch.randperm(len(b), generator=generator)][: 2 * half].float()
    train_x, test_x = torch.cat([a[:half], b[:half]]), torch.cat([a[half:], b[half:]])
    labels = torch.cat([torch.zeros(half, dtype=torch.long), torch.ones(half, dtype=torch.long)])
    with torch.random.fork_rng(devices=[]):  # initial weights and dropout from the seed, globally unchanged
        torch.manual_seed(seed)
        model = SliceClassifier(2, channels=a.shape[1], width=width)
        optimiser = torch.optim.Adam(model.parameters(), lr=lr)
        model.train()
        for _ in range(steps):
            index = torch.randint(0, len(train_x), (min(batch_size, len(train_x)),), generator=generator)
            loss = F.cross_entropy(model(train_x[index]), labels[index])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
    model.eval()
    with torch.no_grad():
        right = torch.cat([model(chunk).argmax(1) for chunk in test_x.split(256)]) == labels
    correct, n = int(right.sum()), len(right)
    low, high = wilson_interval(correct, n, confidence)
    return {"accuracy": correct / n, "low": low, "high": high, "p_value": binomial_p_value(correct, n),
            "correct": correct, "n": n, "model": model}
