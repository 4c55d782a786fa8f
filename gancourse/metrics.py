"""Metrics: image fidelity (PSNR, SSIM), overlap (Dice), ranking (ROC-AUC), and distances between sets
of images (Fréchet distance, precision and recall, nearest-neighbour memorisation check).

Each is tested against an independent reference (scikit-image, scikit-learn, SciPy or a hand-computed
value) in ``tests/test_metrics.py``. Image metrics take tensors of shape ``(B, C, H, W)`` (or ``(H, W)``
for one image) and a ``data_range``: the span of possible values (1 for images in [0, 1], 2 for [-1, 1]).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy import stats


def _as_batch(x, name):
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(x)
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a tensor or an array; got {type(x).__name__}.")
    x = x.double()
    if x.dim() == 2:
        x = x[None, None]
    elif x.dim() == 3:
        x = x[:, None]
    if x.dim() != 4:
        raise ValueError(f"{name} must be an image (H, W), a batch (B, H, W) or (B, C, H, W); got shape {tuple(x.shape)}.")
    return x


def _pair(x, y):
    x, y = _as_batch(x, "x"), _as_batch(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"the images to compare must have the same shape; got {tuple(x.shape)} and {tuple(y.shape)}.")
    return x, y


def _check_range(data_range):
    if not data_range or data_range <= 0:
        raise ValueError(f"data_range is the span of possible pixel values (1 for [0, 1], 2 for [-1, 1]); "
                         f"got {data_range}.")


def psnr(x, y, data_range: float) -> float:
    """Peak signal-to-noise ratio in dB, 10 log10(range^2 / MSE), computed per image and averaged."""
    _check_range(data_range)
    x, y = _pair(x, y)
    mse = ((x - y) ** 2).flatten(1).mean(dim=1)
    return float((10 * torch.log10(data_range ** 2 / mse)).mean())


def _gaussian_kernel(sigma):
    """The 1-D Gaussian whose outer product with itself is scikit-image's window (11 x 11 for sigma 1.5)."""
    radius = int(3.5 * sigma + 0.5)
    t = torch.arange(-radius, radius + 1, dtype=torch.float64)
    g = torch.exp(-(t ** 2) / (2 * sigma ** 2))
    return g / g.sum()


def ssim(x, y, data_range: float, sigma: float = 1.5) -> float:
    """Structural similarity {cite}`wang2004image` with a Gaussian window (sigma 1.5, K1 0.01, K2 0.03),
    averaged over the pixels whose window lies inside the image, then over channels and images."""
    _check_range(data_range)
    x, y = _pair(x, y)
    b, c, h, w = x.shape
    g = _gaussian_kernel(sigma)
    if h < len(g) or w < len(g):
        raise ValueError(f"SSIM needs images of at least {len(g)}x{len(g)} pixels; got {h}x{w}.")
    # The five local (windowed) averages at once; the 2-D Gaussian window is separable, so it is applied
    # as a column filter and then a row filter (22 instead of 121 products per pixel for sigma 1.5).
    maps = torch.cat([x, y, x * x, y * y, x * y], dim=1)
    channels = maps.shape[1]
    maps = F.conv2d(maps, g.view(1, 1, -1, 1).expand(channels, 1, -1, 1), groups=channels)
    maps = F.conv2d(maps, g.view(1, 1, 1, -1).expand(channels, 1, 1, -1), groups=channels)
    mu_x, mu_y, mean_xx, mean_yy, mean_xy = maps.split(c, dim=1)
    var_x, var_y, cov = mean_xx - mu_x ** 2, mean_yy - mu_y ** 2, mean_xy - mu_x * mu_y
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    s = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x ** 2 + mu_y ** 2 + c1) * (var_x + var_y + c2))
    return float(s.mean(dim=(1, 2, 3)).mean())


def dice(prediction, target, label=None) -> float:
    """Dice overlap 2|A n B| / (|A| + |B|) {cite}`dice1945measures` of two masks (0/1 or bool), or of the
    regions with value ``label`` in two label maps. Two empty masks score 1."""
    prediction, target = torch.as_tensor(prediction), torch.as_tensor(target)
    if prediction.shape != target.shape:
        raise ValueError(f"prediction and target must have the same shape; got {tuple(prediction.shape)} and "
                         f"{tuple(target.shape)}.")
    if label is not None:
        a, b = prediction == label, target == label
    else:
        for t, name in ((prediction, "prediction"), (target, "target")):
            values = torch.unique(t)
            if not bool(((values == 0) | (values == 1)).all()):
                raise ValueError(f"{name} is not a binary mask (values {values[:6].tolist()}); threshold it, or "
                                 "pass label= to compare one label of two label maps.")
        a, b = prediction.bool(), target.bool()
    total = a.sum() + b.sum()
    return 1.0 if total == 0 else float(2 * (a & b).sum() / total)


def roc_auc(scores, labels) -> float:
    """Area under the ROC curve: the probability that a random positive scores higher than a random
    negative (ties count half), computed from ranks (the Mann-Whitney U statistic)."""
    scores = np.asarray(torch.as_tensor(scores).detach().cpu(), dtype=np.float64).ravel()
    labels = np.asarray(torch.as_tensor(labels).detach().cpu()).ravel()
    if scores.shape != labels.shape:
        raise ValueError(f"scores and labels must have the same length; got {scores.size} and {labels.size}.")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0 (negative) or 1 (positive).")
    positives, negatives = int(labels.sum()), int((1 - labels).sum())
    if positives == 0 or negatives == 0:
        raise ValueError("ROC-AUC needs at least one positive and one negative example.")
    ranks = stats.rankdata(scores)
    u = ranks[labels == 1].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


# --------------------------------------------------------------------- distances between sets
def _features(f, name):
    f = np.asarray(f.detach().cpu() if isinstance(f, torch.Tensor) else f, dtype=np.float64)
    if f.ndim != 2 or f.shape[0] < 2:
        raise ValueError(f"{name} must be a (samples, features) matrix with at least 2 samples; got shape {f.shape}.")
    return f


def frechet_distance(features_a, features_b) -> float:
    r"""Fréchet distance between Gaussians fitted to two sets of feature vectors {cite}`dowson1982frechet`:
    :math:`\|\mu_a - \mu_b\|^2 + \mathrm{Tr}(\Sigma_a + \Sigma_b - 2(\Sigma_a\Sigma_b)^{1/2})`. On Inception
    features this is the FID of Heusel et al. {cite}`heusel2017gans`."""
    a, b = _features(features_a, "features_a"), _features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"the two feature sets have different dimensions: {a.shape[1]} and {b.shape[1]}.")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b)
                 - 2 * _trace_of_sqrt_product(cov_a, cov_b))


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
    q = torch.as_tensor(np.asarray(queries), dtype=torch.float64).flatten(1)
    r = torch.as_tensor(np.asarray(references), dtype=torch.float64).flatten(1)
    if q.shape[1] != r.shape[1]:
        raise ValueError(f"queries and references have different sizes per sample: {q.shape[1]} and {r.shape[1]}.")
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
    x = torch.as_tensor(images, dtype=torch.float64).flatten(1)
    if len(x) < 2:
        raise ValueError("mean_pairwise_distance needs at least two images.")
    return float(torch.cdist(x, x).sum() / (len(x) * (len(x) - 1)))


def precision_recall(real_features, fake_features, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall {cite}`kynkaanniemi2019improved`.

    Around each real feature vector, a ball reaching its k-th nearest real neighbour; their union
    estimates the real manifold. Precision: the share of fakes inside it (are fakes realistic?). Recall:
    the same with the roles swapped (is all of the real variety produced?)."""
    real, fake = _features(real_features, "real_features"), _features(fake_features, "fake_features")
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
    g = torch.as_tensor(generated).flatten(1)
    t = torch.as_tensor(training).flatten(1)
    h = torch.as_tensor(held_out).flatten(1)
    d_generated, index = nearest_neighbour_distances(g, t)
    d_held_out, _ = nearest_neighbour_distances(h, t)
    return {"median_generated": float(np.median(d_generated)), "median_held_out": float(np.median(d_held_out)),
            "ratio": float(np.median(d_generated) / np.median(d_held_out)),
            "copies": float((d_generated < d_held_out.min()).mean()),
            "distances": d_generated, "nearest_index": index}
