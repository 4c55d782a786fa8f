"""A feature space for comparing sets of brain MRI slices, and the Fréchet distance in it.

The FID of Heusel et al. {cite}`heusel2017gans` compares images through an ImageNet network, which has
never seen an MRI and whose weights cannot be downloaded here. We train our own small encoder on the
simulator instead, once, and cache it (about half a minute on a laptop CPU).

What it learns: to segment tissue (a local, fine-scale task) and to tell the axial level of the slice (a
global task). What we take as features: the mean and the standard deviation of every channel of every
layer, pooled over the image. Early layers respond to edges, texture and noise; late layers to anatomy.
Each feature is standardised with its mean and spread over real slices, so no layer dominates.

A distance on such features only means something if it behaves like a distance between image sets should,
the way Heusel et al. checked FID: near zero for two sets of real images, and growing steadily as the
images are disturbed more (noise, blur, a checkerboard pattern) or as modes are dropped.
:func:`validate_frechet` runs those checks; the tests and the chapter that introduces the metric run it.
"""
from __future__ import annotations

import copy
import hashlib

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from ..data.brain import SIMULATOR_VERSION, BrainSimulator
from ..data.intensity import to_gan_range
from ..checks import check_finite, check_not_empty, check_whole_number
from ..data.template import cache_dir
from ..nets.encoder import DomainEncoder
from ..storage import cached
from .distances import frechet_distance

INPUT_SIZE = 64
# Part of the cache key: a change here trains a new encoder.
TRAINING = dict(steps=600, batch_size=32, lr=2e-3, seed=20240101, sizes=(32, 64), skull_stripped=(False, True))


def _whole_slices(images, name="images") -> torch.Tensor:
    """Whole slices in [-1, 1] have a background of -1. A set with no value below 0 is almost certainly in
    [0, 1], which the encoder would read as a washed-out brain: a silently wrong distance. Refuse it."""
    prepare(images[:1] if isinstance(images, torch.Tensor) else images, name)  # type and shape checks
    images = images.detach().cpu()
    check_finite(images, name, "the features of such a slice are NaN. Repair or drop those slices")
    if float(images.min()) >= 0:
        raise ValueError(f"{name} have no value below 0 (they span [{float(images.min()):.3g}, "
                         f"{float(images.max()):.3g}]): they look like images in [0, 1], but domain features take "
                         "whole slices in [-1, 1], whose background is -1. Map them with "
                         "gancourse.data.to_gan_range first.")
    return images


def prepare(images: torch.Tensor, name: str = "images") -> torch.Tensor:
    """Check images and bring them to the encoder's input: one channel, 64x64, values in [-1, 1]."""
    if not isinstance(images, torch.Tensor) or not torch.is_floating_point(images):
        raise TypeError(f"domain features take a floating-point tensor of images (B, 1, H, W) in [-1, 1] as {name}; "
                        f"got {type(images).__name__}"
                        f"{' of dtype ' + str(images.dtype) if isinstance(images, torch.Tensor) else ''}.")
    if images.dim() == 3:
        images = images[:, None]
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(f"domain features take single-channel images (B, 1, H, W); got {name} of shape "
                         f"{tuple(images.shape)}.")
    check_not_empty(images, name)
    # (No NaN check here: in training, a generator's NaN output must reach the loss, where the loop reports
    # the divergence; the metrics check their whole sets in _whole_slices.)
    low, high = float(images.detach().min()), float(images.detach().max())
    if low < -1.05 or high > 1.05:
        raise ValueError(f"{name} must be in [-1, 1] (the generator's range) for domain features; got values in "
                         f"[{low:.3g}, {high:.3g}]. Map [0, 1] images with gancourse.data.to_gan_range.")
    if images.shape[-1] != INPUT_SIZE or images.shape[-2] != INPUT_SIZE:
        images = F.interpolate(images, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False,
                               antialias=images.shape[-1] > INPUT_SIZE)
    return images.float()


def _cache_path():
    key = hashlib.sha1(repr((sorted(TRAINING.items()), SIMULATOR_VERSION)).encode()).hexdigest()[:10]
    return cache_dir() / f"domain_encoder_{key}.checked.pt"


@torch.enable_grad()  # it may be called from inside a no_grad() evaluation, on first use
def train_encoder(progress=True) -> DomainEncoder:
    """Train the encoder on fresh simulator slices (segmentation + level regression) and standardise it."""
    generator_state = torch.get_rng_state()
    torch.manual_seed(TRAINING["seed"])
    encoder = DomainEncoder()
    torch.set_rng_state(generator_state)
    # Slices rendered at every resolution the chapters use, all brought to 64x64 (the encoder must know
    # what an upsampled 32x32 slice looks like as well as a native 64x64 one), with and without the head.
    simulators = [BrainSimulator(size, seed=TRAINING["seed"] + size + 1000 * stripped, lesion_prob=0.2,
                                 skull_stripped=stripped)
                  for size in TRAINING["sizes"] for stripped in TRAINING["skull_stripped"]]
    optimiser = torch.optim.Adam(encoder.parameters(), lr=TRAINING["lr"])
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, TRAINING["steps"])
    share = TRAINING["batch_size"] // len(simulators)
    for _ in tqdm(range(TRAINING["steps"]), desc="training the domain encoder", disable=not progress):
        # every batch mixes all renderings, so that batch normalisation sees what evaluation will see
        batches = [simulator.sample(share) for simulator in simulators]
        images = torch.cat([prepare(to_gan_range(b.t1)) for b in batches])
        level = torch.cat([b.level for b in batches])
        labels = torch.cat([F.interpolate(b.labels[:, None].float(), size=(INPUT_SIZE, INPUT_SIZE), mode="nearest")
                            for b in batches])
        logits, predicted_level = encoder(images)
        labels = F.interpolate(labels, size=logits.shape[-2:], mode="nearest")[:, 0].long()
        loss = F.cross_entropy(logits, labels) + 10 * F.mse_loss(predicted_level, level)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
    encoder.eval()
    with torch.no_grad():
        reference = torch.cat([encoder.raw_features(prepare(to_gan_range(simulator.sample(250).t1)))
                               for simulator in simulators])
        encoder.feature_mean.copy_(reference.mean(0))
        encoder.feature_std.copy_(reference.std(0).clamp(min=1e-6))
    return encoder


_ENCODER = None


def load_encoder(progress=True) -> DomainEncoder:
    """The cached encoder (trained and cached on first use)."""
    global _ENCODER
    if _ENCODER is None:
        def usable(state):
            try:
                DomainEncoder().load_state_dict(state)
                return True
            except Exception:  # noqa: BLE001 - a state of another shape: train again
                return False

        state = cached(_cache_path(), "gancourse domain encoder",
                       lambda: train_encoder(progress=progress).state_dict(), usable)
        encoder = DomainEncoder()
        encoder.load_state_dict(state)
        _ENCODER = encoder.eval().requires_grad_(False)
    return _ENCODER


_ENCODER_COPIES = {}


def encoder_on(device) -> DomainEncoder:
    """The cached encoder on ``device`` (a copy per device, so that the CPU one stays where it is)."""
    device = torch.device(device)
    if device.type == "cpu":
        return load_encoder()
    if device not in _ENCODER_COPIES:
        _ENCODER_COPIES[device] = copy.deepcopy(load_encoder()).to(device)
    return _ENCODER_COPIES[device]


@torch.no_grad()
def domain_features(images: torch.Tensor, batch_size: int = 256) -> np.ndarray:
    """Features ``(N, 352)`` of single-channel brain slices in [-1, 1] (any size; resized to 64x64).
    Computed on the CPU wherever the images are, so that a score does not depend on the machine."""
    return _domain_features(images, batch_size, "images")


def _domain_features(images, batch_size, name):
    batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
    images = _whole_slices(images, name)
    encoder = load_encoder()
    return torch.cat([encoder.features(prepare(chunk, name)) for chunk in images.split(batch_size)]).numpy()


@torch.no_grad()
def predict_level(images: torch.Tensor, batch_size: int = 256) -> np.ndarray:
    """The encoder's estimate of each slice's axial level (0: temporal lobes, 1: upper convexity)."""
    batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
    images = _whole_slices(images)
    encoder = load_encoder()
    return torch.cat([encoder(prepare(chunk))[1] for chunk in images.split(batch_size)]).numpy()


def frechet_domain_distance(real: torch.Tensor, fake: torch.Tensor) -> float:
    """Fréchet distance between two sets of slices in the domain encoder's feature space."""
    for images, name in ((real, "real"), (fake, "fake")):
        if isinstance(images, torch.Tensor) and images.dim() >= 1 and len(images) < 2:
            raise ValueError(f"{name} holds {len(images)} slice(s); a Fréchet distance fits a Gaussian to each set "
                             "and needs at least 2 slices (a few hundred for a stable value).")
    return frechet_distance(_domain_features(real, 256, "real"), _domain_features(fake, 256, "fake"))


def gaussian_blur(images, sigma):
    radius = max(1, int(3 * sigma + 0.5))
    t = torch.arange(-radius, radius + 1, dtype=images.dtype)
    kernel = torch.exp(-(t ** 2) / (2 * sigma ** 2))
    kernel = kernel / kernel.sum()
    padded = F.pad(images, (radius, radius, radius, radius), mode="replicate")
    out = F.conv2d(padded, kernel.view(1, 1, 1, -1))
    return F.conv2d(out, kernel.view(1, 1, -1, 1))


def checkerboard(images, amplitude):
    """Add the period-2 pattern that uneven overlap of stride-2 transposed convolutions leaves
    {cite}`odena2016deconvolution`."""
    h, w = images.shape[-2:]
    rows = (-1.0) ** torch.arange(h, dtype=images.dtype)
    cols = (-1.0) ** torch.arange(w, dtype=images.dtype)
    pattern = (rows[:, None] + cols[None, :]) / 2  # 1, 0, 0, -1 in each 2x2 cell
    return (images + amplitude * pattern).clamp(-1, 1)


DISTURBANCES = {
    "noise": (lambda x, s: (x + s * torch.randn(x.shape, generator=torch.Generator().manual_seed(0))).clamp(-1, 1),
              (0.0, 0.02, 0.05, 0.1, 0.2)),
    "blur": (lambda x, s: x if s == 0 else gaussian_blur(x, s), (0.0, 0.5, 1.0, 1.5, 2.5)),
    "checkerboard": (lambda x, s: checkerboard(x, s), (0.0, 0.02, 0.05, 0.1, 0.2)),
}
LEVEL_RANGES = ((0.0, 1.0), (0.0, 0.6), (0.0, 0.3), (0.0, 0.1))


def validate_frechet(size: int = 64, n: int = 1000, seed: int = 7, skull_stripped: bool = False,
                     progress=False) -> dict:
    """Heusel et al.'s checks of a feature distance, on simulator slices of ``size`` pixels.

    Returns ``{"real_vs_real": d, "noise": [...], "blur": [...], "checkerboard": [...], "levels": [...],
    "strengths": {...}}``: the distance between two disjoint real sets, and the distance to a real set for
    each strength of each disturbance (strength 0 first) and for slices drawn from ever fewer axial levels.
    """
    n = check_whole_number(n, "n", minimum=2, hint=" (slices per set; a Fréchet distance needs at least 2)")
    reference = to_gan_range(BrainSimulator(size, seed=seed, skull_stripped=skull_stripped).sample(n).t1)
    other = to_gan_range(BrainSimulator(size, seed=seed + 1, skull_stripped=skull_stripped).sample(n).t1)
    reference_features = domain_features(reference)
    result = {"real_vs_real": frechet_distance(reference_features, domain_features(other)),
              "strengths": {name: list(levels) for name, (_, levels) in DISTURBANCES.items()}}
    for name, (disturb, strengths) in tqdm(DISTURBANCES.items(), disable=not progress, desc="disturbances"):
        result[name] = [frechet_distance(reference_features, domain_features(disturb(other, s))) for s in strengths]
    result["strengths"]["levels"] = [f"{low:g}-{high:g}" for low, high in LEVEL_RANGES]
    result["levels"] = []
    for low, high in LEVEL_RANGES:
        narrow = BrainSimulator(size, seed=seed + 2, levels=(low, high), skull_stripped=skull_stripped).sample(n)
        narrow = to_gan_range(narrow.t1)
        result["levels"].append(frechet_distance(reference_features, domain_features(narrow)))
    return result
