"""Expected values and reference cases of chapter 4.7's exercises (classification with few labels)."""
import math

import torch

from gancourse import exercises
from gancourse.exercises import Case
from gancourse.methods.semi_supervised import feature_matching_loss, unsupervised_loss


@exercises.value("4.7.1", what="D(x) for the class logits (2.0, -1.0, 0.5)")
def _real_probability():
    z = math.exp(2.0) + math.exp(-1.0) + math.exp(0.5)
    return z / (z + 1)


def _logits(seed, batch, k, scale=2.0, shift=0.0):
    stream = torch.Generator().manual_seed(seed)
    return scale * torch.randn(batch, k, generator=stream, dtype=torch.float64) + shift


@exercises.function("4.7.2", what="your unsupervised loss", tolerance=1e-6,
                    forbid=("unsupervised_loss", "real_logit", "real_probability"))
def _unsupervised_cases():
    cases = [("8 real and 8 fake images, K = 2", _logits(0, 8, 2), _logits(1, 8, 2)),
             ("5 real and 7 fake images, K = 4", _logits(2, 5, 4), _logits(3, 7, 4)),
             # logits of +-60: exp(60) is 1e26, fine, but log(1 - D) computed from D rounds to log(0) = -inf
             ("confident logits (about +-60), K = 3", _logits(4, 6, 3, 1.0, 60.0), _logits(5, 6, 3, 1.0, -60.0))]
    return [Case(label, (real, fake), unsupervised_loss(real, fake)) for label, real, fake in cases]


@exercises.function("4.7.3", what="your feature matching loss", tolerance=1e-6,
                    forbid=("feature_matching_loss",))
def _feature_matching_cases():
    stream = torch.Generator().manual_seed(7)
    real = torch.randn(16, 10, generator=stream, dtype=torch.float64)
    fake = torch.randn(16, 10, generator=stream, dtype=torch.float64) + 0.5
    other = torch.randn(9, 10, generator=stream, dtype=torch.float64)  # a batch of another size
    maps = torch.randn(4, 3, 2, 2, generator=stream, dtype=torch.float64)  # feature maps: flatten them
    cases = [("16 real and 16 fake feature vectors of 10", real, fake),
             ("16 real and 9 fake feature vectors", real, other),
             ("feature maps (4, 3, 2, 2) against a shifted copy", maps, maps.flip(0) + 1.0)]
    return [Case(label, (a, b), feature_matching_loss(a, b)) for label, a, b in cases]


@exercises.value("4.7.4", what="the probability of 'generated' when all four class logits are 0")
def _fake_probability():
    return 1 / (4 + 1)
