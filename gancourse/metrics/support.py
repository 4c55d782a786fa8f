r"""How many distinct things can a generator make? The birthday-paradox test of Arora and Zhang
{cite}`arora2017gans`.

Among 23 people, two share a birthday more often than not, although a year has 365 days: a sample of
:math:`s` draws from :math:`N` equally likely values holds a repeated value with probability

.. math:: P(\text{collision}) = 1 - \prod_{i<s}\Bigl(1 - \frac{i}{N}\Bigr) \approx 1 - e^{-s^2 / 2N}.

Turned around, the rate at which batches of :math:`s` generated samples contain a near-duplicate pair
estimates the size of the generator's support: :math:`\hat N = s^2 / (2 \ln(1 / (1 - p)))`. A generator whose
batches of a few hundred already repeat themselves makes only a few tens of thousands of distinct images,
whatever its loss curve says. For continuous outputs "duplicate" means "closer than a threshold"; the
estimate is then the number of distinct outputs *at that resolution*, so it is only comparable between
generators measured with the same threshold on the same features.

The approximation assumes equally likely values; a non-uniform distribution collides more often, so
:math:`\hat N` is a lower bound on the support of a skewed generator (Arora and Zhang make the same remark).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..checks import check_number, check_whole_number
from .distances import _samples


def collision_probability(batch_size: int, support_size: float, exact: bool = False) -> float:
    """Probability that ``batch_size`` draws from ``support_size`` equally likely values hold a repeat:
    ``1 - exp(-s^2 / 2N)``, or with ``exact=True`` the product ``1 - prod_{i<s} (1 - i/N)`` (N whole)."""
    s = check_whole_number(batch_size, "batch_size", minimum=1, hint=" (samples per batch)")
    n = check_number(support_size, "support_size", low=0, low_open=True, hint=" (the number of distinct values)")
    if not exact:
        return float(-math.expm1(-s * s / (2.0 * n)))
    if s > n:
        return 1.0
    return float(1.0 - np.prod(1.0 - np.arange(s) / n))


def support_from_collision_rate(batch_size: int, collision_rate: float) -> float:
    """The support size ``N`` at which batches of ``batch_size`` collide with probability ``collision_rate``:
    ``s^2 / (2 ln(1 / (1 - p)))``. A rate of 0 gives ``inf`` (no repeat seen: the support is larger than any
    batch can reveal); a rate of 1 gives 0 (every batch repeats: smaller than any batch can resolve)."""
    s = check_whole_number(batch_size, "batch_size", minimum=2, hint=" (samples per batch)")
    p = check_number(collision_rate, "collision_rate", low=0, high=1, hint=" (a share of batches)")
    if p == 0:
        return math.inf
    if p == 1:
        return 0.0
    return float(s * s / (2.0 * -math.log1p(-p)))


def has_duplicate(batch, threshold: float = 0.0) -> bool:
    """Whether two different members of ``batch`` (samples or images, one per row) lie within ``threshold``
    of each other (Euclidean distance; 0 means identical)."""
    x = _samples(batch, "batch")
    check_number(threshold, "threshold", low=0, hint=" (a distance)")
    # the direct form, not the faster |a|^2 + |b|^2 - 2ab, whose round-off leaves identical rows apart
    d = torch.cdist(x, x, compute_mode="donot_use_mm_for_euclid_dist")
    d.fill_diagonal_(math.inf)
    return bool((d <= threshold).any())


def birthday_test(samples, batch_size: int, threshold: float = 0.0, n_batches: int = 20,
                  seed: int = 0) -> dict:
    """Arora and Zhang's test on a pool of generated ``samples`` (feature vectors or images, one per row).

    Draws ``n_batches`` batches of ``batch_size`` from the pool without replacement within a batch, counts the
    batches that hold a pair closer than ``threshold``, and turns that rate into a support estimate with
    :func:`support_from_collision_rate`. The pool should hold many more samples than a batch, drawn
    independently from the generator: batches from a small pool of distinct samples cannot show the repeats
    that a fresh stream would.

    Returns ``collision_rate``, ``support``, ``batch_size`` and two 95 % bounds for the edge cases:
    ``support_at_least`` when no batch collided (``support`` is then ``inf``): with no hit in :math:`b`
    batches the collision rate is at most :math:`1 - 0.05^{1/b} \\approx 3/b` with 95 % confidence (the rule of
    three), so :math:`N \\ge s^2 b / (2 \\ln 20)`; and ``support_at_most`` when every batch collided
    (``support`` is then 0): the rate is at least :math:`0.05^{1/b}`, so
    :math:`N \\le s^2 / (2 \\ln(1 / (1 - 0.05^{1/b})))`. Otherwise both equal ``support``."""
    x = _samples(samples, "samples")
    s = check_whole_number(batch_size, "batch_size", minimum=2, hint=" (samples per batch)")
    b = check_whole_number(n_batches, "n_batches", minimum=1, hint=" (batches to draw)")
    if s > len(x):
        raise ValueError(f"batch_size {s} is larger than the pool of {len(x)} samples; generate more samples "
                         "or use smaller batches.")
    rng = np.random.default_rng(seed)
    hits = sum(has_duplicate(x[rng.choice(len(x), s, replace=False)], threshold) for _ in range(b))
    rate = hits / b
    support = support_from_collision_rate(s, rate)
    # one-sided 95 % bounds on a rate seen as 0 or 1 in b trials: (1 - p)^b = 0.05, resp. p^b = 0.05
    at_least = support if hits else s * s * b / (2.0 * math.log(20.0))
    at_most = support if hits < b else support_from_collision_rate(s, 0.05 ** (1.0 / b))
    return {"collision_rate": rate, "support": support, "support_at_least": at_least,
            "support_at_most": at_most, "batch_size": s}


def support_text(result: dict) -> str:
    """A :func:`birthday_test` result as a table entry: the estimate, or its 95 % bound where no batch
    (``≥``) or every batch (``≤``) collided, with thousands separators."""
    missing = {"collision_rate", "support", "support_at_least", "support_at_most"} - set(result)
    if missing:
        raise ValueError(f"support_text takes a birthday_test result; it lacks {sorted(missing)}.")
    if result["collision_rate"] == 0:
        return f"≥ {result['support_at_least']:,.0f} (95 %)"
    if result["collision_rate"] == 1:
        return f"≤ {result['support_at_most']:,.0f} (95 %)"
    return f"{result['support']:,.0f}"
