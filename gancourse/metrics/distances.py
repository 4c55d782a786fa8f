"""Distances between sets of images: the Fréchet and kernel distances, improved precision and recall, diversity, and
the nearest-neighbour memorisation check.

Each is tested against an independent reference (SciPy, a hand-computed value) in ``tests/test_metrics.py``.
The set distances take feature vectors ``(samples, features)``; the memorisation check takes images.
"""
from __future__ import annotations

import numpy as np
import torch

from ..checks import as_tensor, check_finite, check_not_empty, check_whole_number

NAN_FIX = "features of images with NaN pixels, or of a diverged generator? Check the images first"


def _as_array(x, name, what):
    """``x`` as a float64 array (tensors from any device), or a TypeError naming ``name``."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu()
    elif isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be {what}; got {type(x).__name__}.")
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be {what}; got {type(x).__name__} ({error}).") from None


def _features(f, name):
    f = _as_array(f, name, "a (samples, features) matrix of numbers (a tensor or an array)")
    if f.ndim != 2 or f.shape[0] < 2:
        raise ValueError(f"{name} must be a (samples, features) matrix with at least 2 samples; got shape {f.shape}.")
    if f.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {f.shape}); give at least one feature per sample.")
    check_finite(torch.from_numpy(f), name, NAN_FIX)
    return f


def _samples(x, name) -> torch.Tensor:
    """Samples ``(N, ...)`` (vectors or images) as float64 rows ``(N, D)``, checked: not empty, finite."""
    what = "samples (N, features) or images (N, ...) of numbers: a tensor or an array"
    t = x if isinstance(x, torch.Tensor) else torch.from_numpy(_as_array(x, name, what))
    if t.dim() < 2:
        raise ValueError(f"{name} must hold one sample per row, (N, features) or images (N, ...); got shape "
                         f"{tuple(t.shape)}. A single sample x is x[None].")
    check_not_empty(t, name)
    t = t.detach().cpu().to(torch.float64).flatten(1)
    check_finite(t, name, "distances to NaN or infinite values mean nothing. Repair or drop those samples")
    return t


def frechet_distance(features_a, features_b) -> float:
    r"""Fréchet distance between Gaussians fitted to two sets of feature vectors {cite}`dowson1982frechet`:
    :math:`\|\mu_a - \mu_b\|^2 + \mathrm{Tr}(\Sigma_a + \Sigma_b - 2(\Sigma_a\Sigma_b)^{1/2})`. On Inception
    features this is the FID of Heusel et al. {cite}`heusel2017gans`."""
    a, b = _features(features_a, "features_a"), _features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"features_a and features_b have different dimensions: {a.shape[1]} and {b.shape[1]}. "
                         "Compute both with the same feature extractor.")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b)
                 - 2 * _trace_of_sqrt_product(cov_a, cov_b))


def kernel_distance(features_a, features_b) -> float:
    r"""Kernel distance (KID) of Bińkowski et al. {cite}`binkowski2018demystifying`: the unbiased estimate of the
    squared maximum mean discrepancy with the cubic polynomial kernel :math:`k(x, y) = (x^\top y / d + 1)^3`.

    Unlike the Fréchet distance, whose estimate grows as the sample shrinks, its expected value does not depend on
    how many samples are drawn: two sets from the same distribution score about 0 (sometimes slightly below)
    whether they hold 50 or 5,000. So kernel distances computed from different numbers of samples can be compared;
    Fréchet distances only at equal sample sizes."""
    a, b = _features(features_a, "features_a"), _features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"features_a and features_b have different dimensions: {a.shape[1]} and {b.shape[1]}. "
                         "Compute both with the same feature extractor.")
    d = a.shape[1]
    k_aa, k_bb, k_ab = ((x @ y.T / d + 1) ** 3 for x, y in ((a, a), (b, b), (a, b)))
    m, n = len(a), len(b)
    within_a = (k_aa.sum() - np.trace(k_aa)) / (m * (m - 1))   # i != j only: that is what removes the bias
    within_b = (k_bb.sum() - np.trace(k_bb)) / (n * (n - 1))
    return float(within_a + within_b - 2 * k_ab.mean())


def _trace_of_sqrt_product(cov_a, cov_b):
    """Tr((A B)^(1/2)) for covariance matrices A and B. A B is similar to A^(1/2) B A^(1/2), which is
    symmetric and positive semi-definite, so the trace is the sum of the square roots of its eigenvalues:
    two symmetric eigen-decompositions instead of a general matrix square root (faster, and no complex
    round-off when the covariances are singular)."""
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    return np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()


def nearest_neighbour_distances(queries, references, exclude_self=False):
    """Euclidean distance from each query vector to its nearest reference vector, and that neighbour's index."""
    return _nearest(queries, references, exclude_self, "queries", "references")


def _nearest(queries, references, exclude_self, q_name, r_name):
    q, r = _samples(queries, q_name), _samples(references, r_name)
    if q.shape[1] != r.shape[1]:
        raise ValueError(f"{q_name} and {r_name} have different sizes per sample: {q.shape[1]} and {r.shape[1]}.")
    best_d, best_i = [], []
    for chunk in q.split(1024):
        d = torch.cdist(chunk, r)
        if exclude_self:
            d[d == 0] = float("inf")
        values, index = d.min(dim=1)
        best_d.append(values)
        best_i.append(index)
    return torch.cat(best_d).numpy(), torch.cat(best_i).numpy()


def mean_pairwise_distance(images) -> float:
    """Diversity of a set: the mean Euclidean distance between two different members (in pixels).
    A collapsed generator, whose samples all look alike, scores far below its real data."""
    x = _samples(images, "images")
    if len(x) < 2:
        raise ValueError("mean_pairwise_distance needs at least two images.")
    return float(torch.cdist(x, x).sum() / (len(x) * (len(x) - 1)))


def precision_recall(real_features, fake_features, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall {cite}`kynkaanniemi2019improved`.

    Around each real feature vector, a ball reaching its k-th nearest real neighbour; their union
    estimates the real manifold. Precision: the share of fakes inside it (are fakes realistic?). Recall:
    the same with the roles swapped (is all of the real variety produced?)."""
    k = check_whole_number(k, "k", minimum=1,
                           hint=" (the neighbour whose distance sets each ball's radius; 3 is usual)")
    real, fake = _features(real_features, "real_features"), _features(fake_features, "fake_features")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real_features and fake_features have different dimensions: {real.shape[1]} and "
                         f"{fake.shape[1]}. Compute both with the same feature extractor.")
    if min(len(real), len(fake)) <= k:
        raise ValueError(f"precision/recall with k={k} needs more than {k} samples in each set.")

    def coverage(support, queries):
        s, q = torch.from_numpy(support), torch.from_numpy(queries)
        radii = torch.cdist(s, s).kthvalue(k + 1, dim=1).values  # k+1: the nearest is the point itself
        inside = [(torch.cdist(chunk, s) <= radii[None, :]).any(dim=1) for chunk in q.split(1024)]
        return float(torch.cat(inside).double().mean())

    return coverage(real, fake), coverage(fake, real)


def memorisation_check(generated, training, held_out) -> dict:
    """Does the generator copy its training images?

    For every generated image, the distance (in pixels, L2) to its nearest training image; for every
    held-out real image the same. A generator that memorises produces images much closer to the training
    set than new real images are: ``ratio`` (median generated distance / median held-out distance) far
    below 1, and a large ``copies`` share (generated images closer to a training image than the closest
    held-out image ever gets)."""
    what = "images (N, ...): a tensor or an array"
    generated, training = as_tensor(generated, "generated", what), as_tensor(training, "training", what)
    held_out = as_tensor(held_out, "held_out", what)
    d_generated, index = _nearest(generated, training, False, "generated", "training")
    d_held_out, _ = _nearest(held_out, training, False, "held_out", "training")
    if np.median(d_held_out) == 0:
        raise ValueError("held_out images are copies of training images (at least half of them lie at distance 0 "
                         "from one): the check needs real images the generator never saw. Hold them out of training.")
    return {"median_generated": float(np.median(d_generated)), "median_held_out": float(np.median(d_held_out)),
            "ratio": float(np.median(d_generated) / np.median(d_held_out)),
            "copies": float((d_generated < d_held_out.min()).mean()),
            "distances": d_generated, "nearest_index": index}
