"""A feature space for comparing sets of brain MRI slices, and the Fréchet distance in it.

The FID of Heusel et al. {cite}`heusel2017gans` compares images through an ImageNet network, which has
never seen an MRI and whose weights cannot be downloaded here. We trained our own small encoder on the
simulator instead (:func:`train_encoder`), and its weights ship with gancourse: the file
``gancourse/metrics/weights/domain_encoder.pt`` (a float32 state dict of 0.25 MB), checked against its SHA-256
digest, :data:`WEIGHTS_SHA256`, before it is loaded. Every installation, every Colab runtime and every
machine therefore computes its distances with the same network, and none spends minutes training it. A
damaged or different file is an error that says how to get the right one back; it is never replaced
silently by a network trained on the spot, whose distances would not be comparable.

To train the encoder again (after a change to the simulator, to :data:`TRAINING` or to
:class:`~gancourse.nets.DomainEncoder`; about 1.5 minutes on a laptop CPU)::

    python -m gancourse.metrics.domain --retrain gancourse/metrics/weights/domain_encoder.pt

It prints the new file's SHA-256 digest to record as :data:`WEIGHTS_SHA256` (and what it was trained with, for
:data:`WEIGHTS_TRAINED_WITH`), and compares the new network's distances with the shipped one's
(:func:`reference_distances`). Training is deterministic for a given seed on the CPU (it runs on one thread,
so the number of cores does not matter): on the same kind of CPU with the same library versions, a retrain
gives the same weights bit for bit. Another order of floating-point sums (another CPU, another torch) grows
into other weights, and distances that move by up to about 13% (in the same order): the reason the weights
ship, rather than each machine training its own. ``tests/test_domain_encoder_shipped.py`` retrains and checks
that the distances agree within 25%.

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

import argparse
import copy
import hashlib
import io
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from ..data.brain import SIMULATOR_VERSION, BrainSimulator
from ..data.intensity import to_gan_range
from ..checks import check_finite, check_not_empty, check_whole_number
from ..nets.encoder import DomainEncoder
from ..storage import CorruptFile, save_atomically
from .distances import frechet_distance

INPUT_SIZE = 64
#: How :func:`train_encoder` trains the encoder. Changing it means training again and shipping new weights.
TRAINING = dict(steps=600, batch_size=32, lr=2e-3, seed=20240101, sizes=(32, 64), skull_stripped=(False, True))

#: The weights that ship with gancourse: the state dict of a :class:`~gancourse.nets.DomainEncoder`.
WEIGHTS = Path(__file__).resolve().parent / "weights" / "domain_encoder.pt"
#: SHA-256 digest of :data:`WEIGHTS`; :func:`load_encoder` refuses a file with any other digest.
WEIGHTS_SHA256 = "6db5d9c4176c847fba3f840fc298dc17dbef4ea37403784046b7d0fe3fcfca52"
#: What the shipped weights were trained with: :data:`TRAINING` and the simulator's version, written out, so that
#: a test fails when either changes without new weights.
WEIGHTS_TRAINED_WITH = dict(steps=600, batch_size=32, lr=2e-3, seed=20240101, sizes=(32, 64),
                            skull_stripped=(False, True), simulator_version=1)


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


@torch.enable_grad()  # training works even when called from inside a no_grad() block
def train_encoder(progress=True) -> DomainEncoder:
    """Train the encoder on fresh simulator slices (segmentation + level regression) and standardise it.

    This is the code that trained the shipped weights (:data:`WEIGHTS`), with :data:`TRAINING`; chapters do
    not call it, they load those weights with :func:`load_encoder`. It runs on the CPU, on one thread (about
    1.5 minutes on a laptop), and is deterministic: the seed fixes the initial weights and every simulated
    batch, and one thread fixes the order of every floating-point sum, whatever the number of cores. (The
    process's other threads should not use torch meanwhile: the thread count is the process's.)
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _train_encoder(progress)
    finally:
        torch.set_num_threads(threads)


def _train_encoder(progress):
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


def save_weights(encoder: DomainEncoder, path) -> str:
    """Write ``encoder``'s state dict (floating-point tensors as float32) to ``path`` atomically; return the
    file's SHA-256 digest, the value to record as :data:`WEIGHTS_SHA256` when ``path`` is :data:`WEIGHTS`."""
    state = {name: (tensor.detach().float() if torch.is_floating_point(tensor) else tensor.detach()).cpu().clone()
             for name, tensor in encoder.state_dict().items()}
    save_atomically(state, path)
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _weights_fix(path) -> str:
    return (f"Reinstall gancourse the way it was installed to get the shipped file back (for example: pip install "
            f"--force-reinstall --no-deps gancourse; in a git checkout: git checkout -- "
            f"gancourse/metrics/weights/{WEIGHTS.name}), or train the encoder again with "
            f"`python -m gancourse.metrics.domain --retrain {path}` and record the SHA-256 digest it prints as "
            "WEIGHTS_SHA256 in gancourse/metrics/domain.py.")


def read_weights(path=None, sha256: str | None = None) -> dict:
    """The state dict stored at ``path`` once its SHA-256 digest is ``sha256`` (by default the shipped weights,
    :data:`WEIGHTS`, and their digest, :data:`WEIGHTS_SHA256`).

    Raises :class:`FileNotFoundError` when the file is missing and :class:`~gancourse.storage.CorruptFile`
    when its digest differs (a damaged, truncated or replaced file) or it cannot be read; both messages name
    the file and say how to get the right one. The file is read with ``weights_only=True``.
    """
    path = Path(WEIGHTS if path is None else path)
    sha256 = WEIGHTS_SHA256 if sha256 is None else sha256
    try:
        payload = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"the domain encoder's weights are missing: there is no file {path}. "
                                f"{_weights_fix(path)}") from None
    digest = hashlib.sha256(payload).hexdigest()
    if digest != sha256:
        raise CorruptFile(f"the domain encoder's weights file {path} is not the file this version of gancourse "
                          f"ships: its SHA-256 digest is {digest}, expected {sha256}. It was damaged, truncated "
                          "or replaced; distances computed with other weights would not be comparable with the "
                          f"book's, so it is not used (and no encoder is trained in its place). {_weights_fix(path)}")
    try:
        return torch.load(io.BytesIO(payload), map_location="cpu", weights_only=True)
    except Exception as error:
        raise CorruptFile(f"the domain encoder's weights file {path} has the expected digest but cannot be read "
                          f"by this version of torch ({type(error).__name__}: {error}). "
                          f"{_weights_fix(path)}") from error


def encoder_from_weights(state: dict, path=None) -> DomainEncoder:
    """A :class:`~gancourse.nets.DomainEncoder` in evaluation mode, fixed, holding ``state``."""
    encoder = DomainEncoder()
    try:
        encoder.load_state_dict(state)
    except (RuntimeError, TypeError, AttributeError) as error:
        path = WEIGHTS if path is None else path
        raise CorruptFile(f"the weights in {path} do not fit gancourse.nets.DomainEncoder ({error}); the network "
                          f"changed since they were trained. {_weights_fix(path)}") from error
    return encoder.eval().requires_grad_(False)


_ENCODER = None


def load_encoder(progress=None) -> DomainEncoder:
    """The book's domain encoder with the weights that ship with gancourse (:data:`WEIGHTS`).

    The file's digest is checked and the network built once per process; nothing is trained or downloaded.
    ``progress`` is accepted for calls written when the encoder was trained on first use, and ignored.
    """
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = encoder_from_weights(read_weights())
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
def domain_features(images: torch.Tensor, batch_size: int = 256, encoder: DomainEncoder | None = None) -> np.ndarray:
    """Features ``(N, 352)`` of single-channel brain slices in [-1, 1] (any size; resized to 64x64).
    Computed on the CPU wherever the images are, so that a score does not depend on the machine.
    ``encoder``: another encoder on the CPU (one trained with :func:`train_encoder`); the shipped one by default."""
    return _domain_features(images, batch_size, "images", encoder)


def _domain_features(images, batch_size, name, encoder=None):
    batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
    images = _whole_slices(images, name)
    encoder = load_encoder() if encoder is None else encoder
    return torch.cat([encoder.features(prepare(chunk, name)) for chunk in images.split(batch_size)]).numpy()


@torch.no_grad()
def predict_level(images: torch.Tensor, batch_size: int = 256) -> np.ndarray:
    """The encoder's estimate of each slice's axial level (0: temporal lobes, 1: upper convexity)."""
    batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
    images = _whole_slices(images)
    encoder = load_encoder()
    return torch.cat([encoder(prepare(chunk))[1] for chunk in images.split(batch_size)]).numpy()


def frechet_domain_distance(real: torch.Tensor, fake: torch.Tensor, encoder: DomainEncoder | None = None) -> float:
    """Fréchet distance between two sets of slices in the domain encoder's feature space (``encoder``: as in
    :func:`domain_features`)."""
    for images, name in ((real, "real"), (fake, "fake")):
        if isinstance(images, torch.Tensor) and images.dim() >= 1 and len(images) < 2:
            raise ValueError(f"{name} holds {len(images)} slice(s); a Fréchet distance fits a Gaussian to each set "
                             "and needs at least 2 slices (a few hundred for a stable value).")
    return frechet_distance(_domain_features(real, 256, "real", encoder),
                            _domain_features(fake, 256, "fake", encoder))


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


#: The fixed pairs of :func:`reference_distances`: a name, and the disturbance and strength applied to the
#: second set of real slices (``None``: none, real against real). Neighbours in the ordering of the distances
#: lie a factor of two or more apart, so that the ordering is a property of the encoder, not of chance.
REFERENCE_PAIRS = (("real vs real", None, 0.0), ("checkerboard 0.05", "checkerboard", 0.05),
                   ("checkerboard 0.2", "checkerboard", 0.2), ("blur 1.0", "blur", 1.0))
#: The renderings of :func:`reference_images`: (size in pixels, skull-stripped).
REFERENCE_RENDERINGS = ((64, False), (32, True))


def reference_images(n: int = 300, seed: int = 11) -> dict:
    """The fixed sets of :func:`reference_distances`: ``{(size, skull_stripped, pair name): (real, other)}``,
    ``n`` simulated slices per set in [-1, 1], for each of :data:`REFERENCE_RENDERINGS` and
    :data:`REFERENCE_PAIRS`."""
    n = check_whole_number(n, "n", minimum=2, hint=" (slices per set; a Fréchet distance needs at least 2)")
    sets = {}
    for size, stripped in REFERENCE_RENDERINGS:
        real = to_gan_range(BrainSimulator(size, seed=seed, skull_stripped=stripped).sample(n).t1)
        other = to_gan_range(BrainSimulator(size, seed=seed + 1, skull_stripped=stripped).sample(n).t1)
        for name, disturbance, strength in REFERENCE_PAIRS:
            sets[(size, stripped, name)] = (real, other if disturbance is None
                                            else DISTURBANCES[disturbance][0](other, strength))
    return sets


def reference_distances(encoder: DomainEncoder | None = None, images: dict | None = None) -> dict:
    """Fréchet distances between fixed pairs of simulated sets (``images``, by default
    :func:`reference_images`), in the feature space of ``encoder`` (the shipped one by default):
    ``{(size, skull_stripped, pair name): distance}``. Computed with two encoders on the same ``images``, they
    say how far apart the two encoders' scores are: a retrained encoder should give the same ordering and
    nearly the same values as the shipped one (``tests/test_domain_encoder_shipped.py``)."""
    images = reference_images() if images is None else images
    features = {}  # each real set once

    def features_of(x):
        if id(x) not in features:
            features[id(x)] = domain_features(x, encoder=encoder)
        return features[id(x)]

    return {key: frechet_distance(features_of(real), domain_features(other, encoder=encoder))
            for key, (real, other) in images.items()}


def main(argv=None) -> None:
    """``python -m gancourse.metrics.domain --retrain OUT``: train the encoder again, write its weights to
    ``OUT``, print the file's digest and compare its distances with the shipped encoder's."""
    parser = argparse.ArgumentParser(prog="python -m gancourse.metrics.domain", description=main.__doc__)
    parser.add_argument("--retrain", metavar="OUT", required=True, type=Path,
                        help=f"where to write the new weights (the shipped file is {WEIGHTS})")
    arguments = parser.parse_args(argv)
    try:  # read before training: OUT may be the shipped file itself
        shipped = encoder_from_weights(read_weights())
    except (OSError, CorruptFile) as error:
        shipped, unreadable = None, error
    start = time.perf_counter()
    encoder = train_encoder(progress=True)
    seconds = time.perf_counter() - start
    digest = save_weights(encoder, arguments.retrain)
    print(f"trained in {seconds:.0f} s; wrote {arguments.retrain} ({arguments.retrain.stat().st_size:,} bytes)")
    print(f'WEIGHTS_SHA256 = "{digest}"')
    print(f"WEIGHTS_TRAINED_WITH = {dict(TRAINING, simulator_version=SIMULATOR_VERSION)}")
    if shipped is None:
        print(f"(no comparison with the shipped encoder: {unreadable})")
        return
    images = reference_images()
    old, new = reference_distances(shipped, images), reference_distances(encoder, images)
    print(f"{'slices':<22} {'pair':<18} {'shipped':>10} {'new':>10} {'relative difference':>20}")
    for key in old:
        size, stripped, name = key
        print(f"{size}px {'skull-stripped' if stripped else 'with the head':<17} {name:<18} {old[key]:>10.4g} "
              f"{new[key]:>10.4g} {abs(new[key] - old[key]) / old[key]:>20.2%}")


if __name__ == "__main__":
    main()
