"""Bad input gets a clear error: the right exception type, and a message that names the argument.

One table, one test. Each row: an id, a call that passes one bad argument, the exception expected and the
word the message must contain (the argument's name, or the file's name for a bad file). The word must stand
on its own in the message (``k`` does not match inside ``kind``, ``data`` not inside ``gancourse.data``).
``benchmarks/bad_inputs.py`` runs the same table without assertions and counts clear, silent and cryptic
outcomes.

Sizes are small (32-pixel slices, a few samples) so the whole table runs in seconds; the domain encoder's
weights ship with the package, so nothing is trained.
"""
from __future__ import annotations

import functools
import gzip
import re

import numpy as np
import pytest
import torch

from gancourse import metrics
from gancourse.data import BrainSimulator, intensity, lesion_patches, load_nifti, save_nifti
from gancourse.data import augment, stains, toy
from gancourse.metrics import ct, domain, lesions, realism
from gancourse.nets import (ACGANGenerator, DCGANDiscriminator, DCGANGenerator, FeaturePatchDiscriminator,
                            LesionSegmenter, MLPDiscriminator, MLPGenerator, PatchDiscriminator, ResNetGenerator,
                            SliceClassifier, UNetGenerator, count_parameters)

NAN, INF = float("nan"), float("inf")


# ---------------------------------------------------------------------------------------------- inputs
def _with(x, index, value):
    x = x.clone()
    x.view(-1)[index] = value
    return x


IMG = torch.rand(2, 1, 16, 16, generator=torch.Generator().manual_seed(0))  # images in [0, 1]
IMG_NAN, IMG_INF = _with(IMG, 5, NAN), _with(IMG, 7, INF)
GAN_IMG = IMG * 2 - 1  # images in [-1, 1]
GAN_NAN = _with(GAN_IMG, 3, NAN)
MASK = (IMG > 0.5).float()
FEAT = np.random.default_rng(0).random((12, 4))
FEAT_NAN, FEAT_INF = FEAT.copy(), FEAT.copy()
FEAT_NAN[2, 1], FEAT_INF[3, 0] = NAN, INF
HU = torch.linspace(-1000, 1000, 2 * 16 * 16).view(2, 1, 16, 16)  # a CT in Hounsfield units
LABELS = torch.randint(0, 4, (2, 16, 16), generator=torch.Generator().manual_seed(1))


@functools.cache
def sim():
    return BrainSimulator(32, seed=0)


def _gan_parts(image_size=16):
    return DCGANGenerator(z_dim=8, width=4, image_size=image_size), DCGANDiscriminator(width=4, image_size=image_size)


def _gan_trainer(data=None, **kwargs):
    from gancourse.methods import GANTrainer
    generator, discriminator = _gan_parts()
    kwargs.setdefault("batch_size", 2)
    return GANTrainer(generator, discriminator, GAN_IMG if data is None else data, **kwargs)


def _pix2pix_trainer(**kwargs):
    from gancourse.methods import Pix2PixTrainer
    generator = UNetGenerator(image_size=32, width=4)
    return Pix2PixTrainer(generator, None, torch.rand(2, 1, 32, 32) * 2 - 1, torch.rand(2, 1, 32, 32) * 2 - 1,
                          **kwargs)


def _cyclegan_mismatched():
    from gancourse.methods import CycleGANTrainer
    nets = [ResNetGenerator(width=4, n_blocks=1), ResNetGenerator(width=4, n_blocks=1),
            PatchDiscriminator(in_channels=1, width=4), PatchDiscriminator(in_channels=1, width=4)]
    return CycleGANTrainer(*nets, torch.rand(2, 1, 16, 16) * 2 - 1, torch.rand(2, 1, 32, 32) * 2 - 1)


def _one_class():
    from gancourse.methods import train_classifier
    return train_classifier(torch.rand(8, 1, 16, 16) * 2 - 1, torch.zeros(8, dtype=torch.long), 2, steps=1)


def _truncated_nifti(tmp):
    whole = save_nifti(torch.rand(16, 16, 16), tmp / "whole.nii.gz")
    data = whole.read_bytes()
    (tmp / "truncated.nii.gz").write_bytes(data[: len(data) // 2])
    return load_nifti(tmp / "truncated.nii.gz")


def _gzip_of_garbage(tmp):
    (tmp / "garbage.nii.gz").write_bytes(gzip.compress(b"this is not an image" * 30))
    return load_nifti(tmp / "garbage.nii.gz")


def _folder(tmp):
    (tmp / "scans.nii.gz").mkdir()
    return tmp / "scans.nii.gz"


def _existing(tmp):
    return save_nifti(torch.zeros(4, 4, 4), tmp / "kept.nii.gz")


def _text_named_nifti(tmp):
    (tmp / "notes.nii").write_text("not an image")
    return load_nifti(tmp / "notes.nii")


def _empty_file(tmp):
    (tmp / "empty.nii.gz").write_bytes(b"")
    return load_nifti(tmp / "empty.nii.gz")


def _directory(tmp):
    (tmp / "scans.nii").mkdir()
    return load_nifti(tmp / "scans.nii")


# ---------------------------------------------------------------------------------------------- the table
def row(id, call, error, word, xfail=None):
    """One bad input. ``call`` takes no argument, or one: a fresh temporary folder (for files)."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(call, error, word, id=id, marks=marks)


V, T, F = ValueError, TypeError, FileNotFoundError

ROWS = [
    # --- metrics.fidelity: psnr, ssim --------------------------------------------------------------
    row("psnr-x-nan", lambda: metrics.psnr(IMG_NAN, IMG, 1.0), V, "x"),
    row("psnr-y-inf", lambda: metrics.psnr(IMG, IMG_INF, 1.0), V, "y"),
    row("psnr-x-empty", lambda: metrics.psnr(torch.zeros(0, 1, 4, 4), torch.zeros(0, 1, 4, 4), 1.0), V, "x"),
    row("psnr-x-list", lambda: metrics.psnr([[0.0, 1.0]], IMG, 1.0), T, "x"),
    row("psnr-x-5d", lambda: metrics.psnr(torch.zeros(1, 1, 1, 4, 4), torch.zeros(1, 1, 1, 4, 4), 1.0), V, "x"),
    row("psnr-shape-mismatch", lambda: metrics.psnr(torch.zeros(4, 4), torch.zeros(4, 5), 1.0), V, "y"),
    row("psnr-range-nan", lambda: metrics.psnr(IMG, IMG.flip(0), NAN), V, "data_range"),
    row("psnr-range-inf", lambda: metrics.psnr(IMG, IMG.flip(0), INF), V, "data_range"),
    row("psnr-range-negative", lambda: metrics.psnr(IMG, IMG.flip(0), -1.0), V, "data_range"),
    row("psnr-range-string", lambda: metrics.psnr(IMG, IMG.flip(0), "1"), T, "data_range"),
    row("psnr-range-none", lambda: metrics.psnr(IMG, IMG.flip(0), None), T, "data_range"),
    row("ssim-x-nan", lambda: metrics.ssim(IMG_NAN, IMG, 1.0), V, "x"),
    row("ssim-y-inf", lambda: metrics.ssim(IMG, IMG_INF, 1.0), V, "y"),
    row("ssim-x-empty", lambda: metrics.ssim(torch.zeros(0, 1, 16, 16), torch.zeros(0, 1, 16, 16), 1.0), V, "x"),
    row("ssim-too-small", lambda: metrics.ssim(torch.zeros(8, 8), torch.zeros(8, 8), 1.0), V, "x"),
    row("ssim-range-zero", lambda: metrics.ssim(IMG, IMG, 0), V, "data_range"),
    row("ssim-range-nan", lambda: metrics.ssim(IMG, IMG, NAN), V, "data_range"),
    row("ssim-sigma-zero", lambda: metrics.ssim(IMG, IMG, 1.0, sigma=0), V, "sigma"),
    row("ssim-sigma-negative", lambda: metrics.ssim(IMG, IMG, 1.0, sigma=-1.5), V, "sigma"),
    row("ssim-sigma-nan", lambda: metrics.ssim(IMG, IMG, 1.0, sigma=NAN), V, "sigma"),
    row("ssim-sigma-string", lambda: metrics.ssim(IMG, IMG, 1.0, sigma="1.5"), T, "sigma"),
    # --- metrics.overlap: dice -----------------------------------------------------------------------
    row("dice-label-nan", lambda: metrics.dice(LABELS, LABELS, label=NAN), V, "label"),
    row("dice-label-list", lambda: metrics.dice(LABELS, LABELS, label=[1, 2]), T, "label"),
    row("dice-label-string", lambda: metrics.dice(LABELS, LABELS, label="csf"), T, "label"),
    row("dice-prediction-nan", lambda: metrics.dice(torch.tensor([NAN, 1.0]), torch.tensor([1.0, 1.0]), label=1),
        V, "prediction"),
    row("dice-target-nan", lambda: metrics.dice(MASK, _with(MASK, 0, NAN)), V, "target"),
    row("dice-prediction-probabilities", lambda: metrics.dice(IMG, MASK), V, "prediction"),
    row("dice-prediction-string", lambda: metrics.dice("mask", MASK), T, "prediction"),
    row("dice-prediction-none", lambda: metrics.dice(None, MASK), T, "prediction"),
    row("dice-empty", lambda: metrics.dice(torch.zeros(0), torch.zeros(0)), V, "prediction"),
    row("dice-shape-mismatch", lambda: metrics.dice(MASK, MASK[0]), V, "target"),
    # --- metrics.ranking: roc_auc --------------------------------------------------------------------
    row("auc-scores-nan", lambda: metrics.roc_auc([0.1, NAN, 0.3, 0.9], [0, 0, 1, 1]), V, "scores"),
    row("auc-scores-inf", lambda: metrics.roc_auc([0.1, INF, 0.3, 0.9], [0, 0, 1, 1]), V, "scores"),
    row("auc-scores-string", lambda: metrics.roc_auc("high", [0, 1]), T, "scores"),
    row("auc-scores-none", lambda: metrics.roc_auc(None, [0, 1]), T, "scores"),
    row("auc-labels-nan", lambda: metrics.roc_auc([0.1, 0.2, 0.3], [0, NAN, 1]), V, "labels"),
    row("auc-labels-two", lambda: metrics.roc_auc([0.1, 0.2, 0.3], [0, 2, 1]), V, "labels"),
    row("auc-one-class", lambda: metrics.roc_auc([0.1, 0.2], [0, 0]), V, "labels"),
    row("auc-empty", lambda: metrics.roc_auc([], []), V, "scores"),
    row("auc-length-mismatch", lambda: metrics.roc_auc([0.1, 0.2, 0.3], [0, 1]), V, "labels"),
    # --- metrics.distances ---------------------------------------------------------------------------
    row("fd-a-nan", lambda: metrics.frechet_distance(FEAT_NAN, FEAT), V, "features_a"),
    row("fd-b-inf", lambda: metrics.frechet_distance(FEAT, FEAT_INF), V, "features_b"),
    row("fd-a-one-sample", lambda: metrics.frechet_distance(FEAT[:1], FEAT), V, "features_a"),
    row("fd-a-vector", lambda: metrics.frechet_distance(FEAT[0], FEAT), V, "features_a"),
    row("fd-a-empty", lambda: metrics.frechet_distance(np.zeros((0, 4)), FEAT), V, "features_a"),
    row("fd-a-no-features", lambda: metrics.frechet_distance(np.zeros((5, 0)), np.zeros((5, 0))), V, "features_a"),
    row("fd-a-3d", lambda: metrics.frechet_distance(np.zeros((5, 2, 2)), FEAT), V, "features_a"),
    row("fd-a-string", lambda: metrics.frechet_distance("features", FEAT), T, "features_a"),
    row("fd-dimension-mismatch", lambda: metrics.frechet_distance(FEAT, FEAT[:, :3]), V, "features_b"),
    row("pr-k-zero", lambda: metrics.precision_recall(FEAT, FEAT, k=0), V, "k"),
    row("pr-k-negative", lambda: metrics.precision_recall(FEAT, FEAT, k=-1), V, "k"),
    row("pr-k-float", lambda: metrics.precision_recall(FEAT, FEAT, k=2.5), V, "k"),
    row("pr-k-nan", lambda: metrics.precision_recall(FEAT, FEAT, k=NAN), V, "k"),
    row("pr-k-bool", lambda: metrics.precision_recall(FEAT, FEAT, k=True), V, "k"),
    row("pr-k-string", lambda: metrics.precision_recall(FEAT, FEAT, k="3"), T, "k"),
    row("pr-k-too-large", lambda: metrics.precision_recall(FEAT, FEAT, k=12), V, "k"),
    row("pr-real-nan", lambda: metrics.precision_recall(FEAT_NAN, FEAT), V, "real_features"),
    row("pr-fake-inf", lambda: metrics.precision_recall(FEAT, FEAT_INF), V, "fake_features"),
    row("pr-dimension-mismatch", lambda: metrics.precision_recall(FEAT, FEAT[:, :3]), V, "fake_features"),
    row("pr-real-vector", lambda: metrics.precision_recall(FEAT[0], FEAT), V, "real_features"),
    row("nn-queries-nan", lambda: metrics.nearest_neighbour_distances(FEAT_NAN, FEAT), V, "queries"),
    row("nn-references-inf", lambda: metrics.nearest_neighbour_distances(FEAT, FEAT_INF), V, "references"),
    row("nn-references-empty", lambda: metrics.nearest_neighbour_distances(FEAT, np.zeros((0, 4))), V, "references"),
    row("nn-queries-empty", lambda: metrics.nearest_neighbour_distances(np.zeros((0, 4)), FEAT), V, "queries"),
    row("nn-queries-vector", lambda: metrics.nearest_neighbour_distances(FEAT[0], FEAT), V, "queries"),
    row("nn-queries-string", lambda: metrics.nearest_neighbour_distances("abc", FEAT), T, "queries"),
    row("nn-size-mismatch", lambda: metrics.nearest_neighbour_distances(FEAT, FEAT[:, :3]), V, "references"),
    row("mpd-nan", lambda: metrics.mean_pairwise_distance(IMG_NAN), V, "images"),
    row("mpd-one-image", lambda: metrics.mean_pairwise_distance(IMG[:1]), V, "images"),
    row("mpd-empty", lambda: metrics.mean_pairwise_distance([]), V, "images"),
    row("mpd-string", lambda: metrics.mean_pairwise_distance("images"), T, "images"),
    row("mem-generated-nan", lambda: metrics.memorisation_check(IMG_NAN, IMG, IMG.flip(-1)), V, "generated"),
    row("mem-training-inf", lambda: metrics.memorisation_check(IMG, IMG_INF, IMG.flip(-1)), V, "training"),
    row("mem-held-out-nan", lambda: metrics.memorisation_check(IMG, IMG.flip(-1), IMG_NAN), V, "held_out"),
    row("mem-held-out-in-training", lambda: metrics.memorisation_check(IMG.flip(-1), IMG, IMG), V, "held_out"),
    row("mem-generated-empty", lambda: metrics.memorisation_check(IMG[:0], IMG, IMG.flip(-1)), V, "generated"),
    row("mem-held-out-empty", lambda: metrics.memorisation_check(IMG, IMG.flip(-1), IMG[:0]), V, "held_out"),
    row("mem-size-mismatch", lambda: metrics.memorisation_check(IMG[..., :8], IMG, IMG.flip(-1)), V, "generated"),
    # --- metrics.domain ------------------------------------------------------------------------------
    row("df-empty", lambda: domain.domain_features(torch.zeros(0, 1, 32, 32)), V, "images"),
    row("df-nan", lambda: domain.domain_features(GAN_NAN), V, "images"),
    row("df-inf", lambda: domain.domain_features(_with(GAN_IMG, 0, -INF)), V, "images"),
    row("df-unit-range", lambda: domain.domain_features(IMG), V, "images"),
    row("df-0-255", lambda: domain.domain_features(IMG * 255), V, "images"),
    row("df-three-channels", lambda: domain.domain_features(GAN_IMG.repeat(1, 3, 1, 1)), V, "images"),
    row("df-integers", lambda: domain.domain_features(torch.zeros(2, 1, 16, 16, dtype=torch.long)), T, "images"),
    row("df-numpy", lambda: domain.domain_features(GAN_IMG.numpy()), T, "images"),
    row("df-batch-size-zero", lambda: domain.domain_features(GAN_IMG, batch_size=0), V, "batch_size"),
    row("df-batch-size-float", lambda: domain.domain_features(GAN_IMG, batch_size=2.5), V, "batch_size"),
    row("level-empty", lambda: domain.predict_level(torch.zeros(0, 1, 32, 32)), V, "images"),
    row("fdd-real-one-image", lambda: domain.frechet_domain_distance(GAN_IMG[:1], GAN_IMG), V, "real"),
    row("fdd-fake-nan", lambda: domain.frechet_domain_distance(GAN_IMG, GAN_NAN), V, "fake"),
    row("validate-n-one", lambda: domain.validate_frechet(size=32, n=1), V, "n"),
    # --- metrics.realism -----------------------------------------------------------------------------
    row("spread-nan", lambda: realism.intensity_spread(IMG_NAN, MASK), V, "images"),
    row("spread-empty-mask", lambda: realism.intensity_spread(IMG, MASK * 0), V, "mask"),
    row("spread-mask-shape", lambda: realism.intensity_spread(IMG, MASK[:1]), V, "mask"),
    row("spread-mask-nan", lambda: realism.intensity_spread(IMG, _with(MASK, 0, NAN)), V, "mask"),
    row("spread-numpy", lambda: realism.intensity_spread(IMG.numpy(), MASK), T, "images"),
    row("texture-integers", lambda: realism.fine_texture((IMG * 255).long(), MASK), T, "images"),
    row("texture-inf", lambda: realism.fine_texture(IMG_INF, MASK), V, "images"),
    row("hfe-nan", lambda: realism.high_frequency_energy(IMG_NAN), V, "images"),
    row("hfe-cutoff-nan", lambda: realism.high_frequency_energy(IMG, cutoff=NAN), V, "cutoff"),
    row("hfe-cutoff-negative", lambda: realism.high_frequency_energy(IMG, cutoff=-0.1), V, "cutoff"),
    row("hfe-cutoff-beyond-nyquist", lambda: realism.high_frequency_energy(IMG, cutoff=1.0), V, "cutoff"),
    row("hfe-three-channels", lambda: realism.high_frequency_energy(IMG.repeat(1, 3, 1, 1)), V, "images"),
    row("colour-shape-mismatch", lambda: realism.colour_difference(IMG.repeat(1, 3, 1, 1), IMG), V, "reference"),
    row("colour-sigma-negative", lambda: realism.colour_difference(IMG.repeat(1, 3, 1, 1), IMG.repeat(1, 3, 1, 1),
                                                                   sigma=-1), V, "sigma"),
    row("colour-sigma-nan", lambda: realism.colour_difference(IMG.repeat(1, 3, 1, 1), IMG.repeat(1, 3, 1, 1),
                                                              sigma=NAN), V, "sigma"),
    row("colour-gan-range", lambda: realism.colour_difference(GAN_IMG.repeat(1, 3, 1, 1), IMG.repeat(1, 3, 1, 1)),
        V, "images"),
    row("colour-nan", lambda: realism.colour_difference(IMG.repeat(1, 3, 1, 1), IMG_NAN.repeat(1, 3, 1, 1)),
        V, "reference"),
    row("colour-numpy", lambda: realism.colour_difference(IMG.repeat(1, 3, 1, 1).numpy(), IMG.repeat(1, 3, 1, 1)),
        T, "images"),
    # --- metrics.ct ----------------------------------------------------------------------------------
    row("ct-predicted-nan", lambda: ct.mean_absolute_error_by_tissue(_with(HU, 9, NAN), HU, LABELS), V,
        "predicted_hu"),
    row("ct-true-inf", lambda: ct.mean_absolute_error_by_tissue(HU, _with(HU, 9, INF), LABELS), V, "true_hu"),
    row("ct-shape-mismatch", lambda: ct.mean_absolute_error_by_tissue(HU[:1], HU, LABELS), V, "predicted_hu"),
    row("ct-true-3d", lambda: ct.tissue_masks(HU[:, 0], LABELS), V, "true_hu"),
    row("ct-labels-shape", lambda: ct.tissue_masks(HU, LABELS[:1]), V, "labels"),
    row("ct-lesion-mask-shape", lambda: ct.tissue_masks(HU, LABELS, HU[:, :, :8]), V, "lesion_mask"),
    row("ct-predicted-network-units", lambda: ct.mean_absolute_error_by_tissue(HU / 1000, HU, LABELS), V,
        "predicted_hu"),
    row("ct-true-network-units", lambda: ct.tissue_masks(HU / 1000, LABELS), V, "true_hu"),
    row("ct-predicted-numpy", lambda: ct.mean_absolute_error_by_tissue(HU.numpy(), HU, LABELS), T, "predicted_hu"),
    row("ct-masks-true-nan", lambda: ct.tissue_masks(_with(HU, 0, NAN), LABELS), V, "true_hu"),
    # --- metrics.lesions -----------------------------------------------------------------------------
    row("lesion-images-nan", lambda: lesions.lesion_contrast(IMG_NAN, MASK, MASK), V, "images"),
    row("lesion-images-numpy", lambda: lesions.lesion_contrast(IMG.numpy(), MASK, MASK), T, "images"),
    row("lesion-mask-numpy", lambda: lesions.lesion_contrast(IMG, MASK.numpy(), MASK), T, "lesion_mask"),
    row("lesion-mask-shape", lambda: lesions.lesion_contrast(IMG, MASK[:1], MASK), V, "lesion_mask"),
    row("lesion-surround-shape", lambda: lesions.lesion_contrast(IMG, MASK, MASK[..., :8]), V, "surround_mask"),
    row("lesion-ring-zero", lambda: lesions.lesion_contrast(IMG, MASK, MASK, ring=0), V, "ring"),
    row("lesion-ring-float", lambda: lesions.lesion_contrast(IMG, MASK, MASK, ring=1.5), V, "ring"),
    row("lesion-ring-bool", lambda: lesions.lesion_contrast(IMG, MASK, MASK, ring=True), V, "ring"),
    # --- data.intensity ------------------------------------------------------------------------------
    row("hu-to-network-nan", lambda: intensity.hu_to_network(_with(HU, 0, NAN)), V, "hu"),
    row("hu-to-network-inf", lambda: intensity.hu_to_network(_with(HU, 0, INF)), V, "hu"),
    row("hu-to-network-integers", lambda: intensity.hu_to_network(HU.long()), T, "hu"),
    row("network-to-hu-nan", lambda: intensity.network_to_hu(GAN_NAN), V, "values"),
    row("network-to-hu-numpy", lambda: intensity.network_to_hu(GAN_IMG.numpy()), T, "values"),
    row("to-gan-range-nan", lambda: intensity.to_gan_range(IMG_NAN), V, "images"),
    row("to-gan-range-0-255", lambda: intensity.to_gan_range(IMG * 255), V, "images"),
    row("to-gan-range-uint8", lambda: intensity.to_gan_range((IMG * 255).to(torch.uint8)), T, "images"),
    row("from-gan-range-inf", lambda: intensity.from_gan_range(_with(GAN_IMG, 1, INF)), V, "images"),
    row("from-gan-range-0-255", lambda: intensity.from_gan_range(IMG * 255), V, "images"),
    row("ct-to-unit-nan", lambda: intensity.ct_to_unit(_with(HU, 0, NAN)), V, "hu"),
    row("ct-to-unit-low-above-high", lambda: intensity.ct_to_unit(HU, low=500.0, high=-500.0), V, "high"),
    row("ct-to-unit-low-nan", lambda: intensity.ct_to_unit(HU, low=NAN), V, "low"),
    # --- data.augment --------------------------------------------------------------------------------
    row("flip-shift-negative", lambda: augment.flip_and_shift(IMG, torch.Generator(), max_shift=-1), V, "max_shift"),
    row("flip-shift-float", lambda: augment.flip_and_shift(IMG, torch.Generator(), max_shift=1.5), V, "max_shift"),
    row("flip-shift-too-large", lambda: augment.flip_and_shift(IMG, torch.Generator(), max_shift=16), V,
        "max_shift"),
    row("flip-images-3d", lambda: augment.flip_and_shift(IMG[:, 0], torch.Generator()), V, "images"),
    row("flip-images-not-square", lambda: augment.flip_and_shift(IMG[..., :12], torch.Generator()), V, "images"),
    row("flip-images-numpy", lambda: augment.flip_and_shift(IMG.numpy(), torch.Generator()), T, "images"),
    row("flip-generator-seed", lambda: augment.flip_and_shift(IMG, 0), T, "generator"),
    row("dihedral-not-square", lambda: augment.dihedral(IMG[..., :12]), V, "images"),
    row("dihedral-numpy", lambda: augment.dihedral(IMG.numpy()), T, "images"),
    # --- data.toy ------------------------------------------------------------------------------------
    row("ring-n-negative", lambda: toy.ring_of_gaussians(-1), V, "n"),
    row("ring-n-float", lambda: toy.ring_of_gaussians(2.5), V, "n"),
    row("ring-modes-zero", lambda: toy.ring_of_gaussians(10, modes=0), V, "modes"),
    row("ring-std-negative", lambda: toy.ring_of_gaussians(10, std=-0.05), V, "std"),
    row("ring-std-nan", lambda: toy.ring_of_gaussians(10, std=NAN), V, "std"),
    row("ring-radius-inf", lambda: toy.ring_of_gaussians(10, radius=INF), V, "radius"),
    row("centres-modes-negative", lambda: toy.ring_centres(-1), V, "modes"),
    row("assign-samples-nan", lambda: toy.mode_assignment(torch.tensor([[NAN, 0.0], [2.0, 0.0]])), V, "samples"),
    row("covered-samples-empty", lambda: toy.modes_covered(torch.zeros(0, 2)), V, "samples"),
    row("covered-min-share-above-one", lambda: toy.modes_covered(toy.ring_of_gaussians(50), min_share=2.0), V,
        "min_share"),
    row("covered-min-share-negative", lambda: toy.modes_covered(toy.ring_of_gaussians(50), min_share=-0.1), V,
        "min_share"),
    row("quality-samples-empty", lambda: toy.high_quality_share(torch.zeros(0, 2)), V, "samples"),
    row("quality-std-zero", lambda: toy.high_quality_share(toy.ring_of_gaussians(50), std=0), V, "std"),
    # --- data.stains ---------------------------------------------------------------------------------
    row("stains-strength-nan", lambda: stains.stain_labs(strength=NAN), V, "strength"),
    row("stains-strength-negative", lambda: stains.stain_labs(strength=-0.1), V, "strength"),
    row("stains-strength-string", lambda: stains.stain_labs(strength="0.3"), T, "strength"),
    row("stains-smoothness-negative", lambda: stains.stain_labs(smoothness_px=-5.0), V, "smoothness_px"),
    row("stains-smoothness-nan", lambda: stains.stain_labs(smoothness_px=NAN), V, "smoothness_px"),
    row("stains-seed-negative", lambda: stains.stain_labs(seed=-1), V, "seed"),
    row("stains-seed-float", lambda: stains.stain_labs(seed=2.5), V, "seed"),
    # --- data.patches: lesion_patches ----------------------------------------------------------------
    row("patches-n-zero", lambda: lesion_patches(0, slice_size=64, size=16), V, "n"),
    row("patches-n-float", lambda: lesion_patches(2.5, slice_size=64, size=16), V, "n"),
    row("patches-size-large", lambda: lesion_patches(2, size=100), V, "size"),
    row("patches-size-float", lambda: lesion_patches(2, slice_size=64, size=16.0), V, "size"),
    row("patches-fraction-above-one", lambda: lesion_patches(2, slice_size=64, size=16, lesion_fraction=1.5), V,
        "lesion_fraction"),
    row("patches-fraction-nan", lambda: lesion_patches(2, slice_size=64, size=16, lesion_fraction=NAN), V,
        "lesion_fraction"),
    row("patches-contrast-unknown", lambda: lesion_patches(2, slice_size=64, size=16, contrast="pet"), V, "contrast"),
    row("patches-slice-size-small", lambda: lesion_patches(2, slice_size=8, size=4), V, "slice_size"),
    row("patches-jitter-negative", lambda: lesion_patches(2, slice_size=64, size=16, jitter=-1), V, "jitter"),
    row("patches-jitter-float", lambda: lesion_patches(2, slice_size=64, size=16, jitter=1.5), V, "jitter"),
    row("patches-chunk-zero", lambda: lesion_patches(2, slice_size=64, size=16, chunk=0), V, "chunk"),
    row("patches-seed-float", lambda: lesion_patches(2, slice_size=64, size=16, seed=0.5), V, "seed"),
    # --- data.brain: BrainSimulator(...) -------------------------------------------------------------
    row("sim-size-small", lambda: BrainSimulator(8), V, "size"),
    row("sim-size-float", lambda: BrainSimulator(32.0), V, "size"),
    row("sim-size-fraction", lambda: BrainSimulator(2.5), V, "size"),
    row("sim-size-string", lambda: BrainSimulator("32"), T, "size"),
    row("sim-size-bool", lambda: BrainSimulator(True), V, "size"),
    row("sim-seed-float", lambda: BrainSimulator(32, seed=2.5), V, "seed"),
    row("sim-seed-none", lambda: BrainSimulator(32, seed=None), T, "seed"),
    row("sim-seed-huge", lambda: BrainSimulator(32, seed=2 ** 70), V, "seed"),
    row("sim-contrasts-unknown", lambda: BrainSimulator(32, contrasts=("t1", "pet")), V, "contrasts"),
    row("sim-contrasts-string", lambda: BrainSimulator(32, contrasts="t1"), T, "contrasts"),
    row("sim-contrasts-none", lambda: BrainSimulator(32, contrasts=None), T, "contrasts"),
    row("sim-lesion-prob-nan", lambda: BrainSimulator(32, lesion_prob=NAN), V, "lesion_prob"),
    row("sim-lesion-prob-above-one", lambda: BrainSimulator(32, lesion_prob=1.5), V, "lesion_prob"),
    row("sim-lesion-prob-string", lambda: BrainSimulator(32, lesion_prob="0.5"), T, "lesion_prob"),
    row("sim-max-lesions-zero", lambda: BrainSimulator(32, lesion_prob=1.0, max_lesions=0).sample(2), V,
        "max_lesions"),
    row("sim-max-lesions-float", lambda: BrainSimulator(32, lesion_prob=1.0, max_lesions=1.5).sample(2), V,
        "max_lesions"),
    row("sim-levels-reversed", lambda: BrainSimulator(32, levels=(0.8, 0.2)), V, "levels"),
    row("sim-levels-one-number", lambda: BrainSimulator(32, levels=0.5), T, "levels"),
    row("sim-levels-one-value", lambda: BrainSimulator(32, levels=(0.5,)), V, "levels"),
    row("sim-levels-nan", lambda: BrainSimulator(32, levels=(NAN, 1.0)), V, "levels"),
    row("sim-fov-zero", lambda: BrainSimulator(32, fov_mm=0).sample(2), V, "fov_mm"),
    row("sim-fov-negative", lambda: BrainSimulator(32, fov_mm=-232.0).sample(2), V, "fov_mm"),
    row("sim-fov-nan", lambda: BrainSimulator(32, fov_mm=NAN).sample(2), V, "fov_mm"),
    row("sim-fov-inf", lambda: BrainSimulator(32, fov_mm=INF).sample(2), V, "fov_mm"),
    row("sim-fov-huge", lambda: BrainSimulator(32, fov_mm=1e6).sample(2), V, "fov_mm"),
    row("sim-fov-string", lambda: BrainSimulator(32, fov_mm="232").sample(2), T, "fov_mm"),
    row("sim-deformation-nan", lambda: BrainSimulator(32, deformation=NAN).sample(2), V, "deformation"),
    row("sim-deformation-inf", lambda: BrainSimulator(32, deformation=INF).sample(2), V, "deformation"),
    row("sim-deformation-negative", lambda: BrainSimulator(32, deformation=-1.0).sample(2), V, "deformation"),
    row("sim-deformation-huge", lambda: BrainSimulator(32, deformation=50.0).sample(2), V, "deformation"),
    row("sim-deformation-string", lambda: BrainSimulator(32, deformation="1").sample(2), T, "deformation"),
    row("sim-skull-stripped-string", lambda: BrainSimulator(32, skull_stripped="no"), T, "skull_stripped"),
    # --- data.brain: .sample(n), .volumes(n, size) ---------------------------------------------------
    row("sample-n-zero", lambda: sim().sample(0), V, "n"),
    row("sample-n-negative", lambda: sim().sample(-3), V, "n"),
    row("sample-n-float", lambda: sim().sample(2.5), V, "n"),
    row("sample-n-nan", lambda: sim().sample(NAN), V, "n"),
    row("sample-n-string", lambda: sim().sample("2"), T, "n"),
    row("sample-n-bool", lambda: sim().sample(True), V, "n"),
    row("volumes-n-zero", lambda: sim().volumes(0), V, "n"),
    row("volumes-size-zero", lambda: sim().volumes(1, size=0), V, "size"),
    row("volumes-size-negative", lambda: sim().volumes(1, size=-16), V, "size"),
    row("volumes-size-float", lambda: sim().volumes(1, size=16.5), V, "size"),
    row("volumes-size-small", lambda: sim().volumes(1, size=4), V, "size"),
    row("volumes-size-string", lambda: sim().volumes(1, size="16"), T, "size"),
    # --- data.nifti ----------------------------------------------------------------------------------
    row("nifti-load-missing", lambda tmp: load_nifti(tmp / "missing.nii.gz"), F, "missing.nii.gz"),
    row("nifti-load-truncated", _truncated_nifti, V, "truncated.nii.gz"),
    row("nifti-load-gzip-garbage", _gzip_of_garbage, V, "garbage.nii.gz"),
    row("nifti-load-text", _text_named_nifti, V, "notes.nii"),
    row("nifti-load-empty-file", _empty_file, V, "empty.nii.gz"),
    row("nifti-load-directory", _directory, V, "scans.nii"),
    row("nifti-load-none", lambda: load_nifti(None), T, "path"),
    row("nifti-save-extension", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "head.png"), V, "path"),
    row("nifti-save-no-extension", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "head"), V, "path"),
    row("nifti-save-nan", lambda tmp: save_nifti(_with(torch.zeros(4, 4, 4), 0, NAN), tmp / "x.nii"), V, "image"),
    row("nifti-save-inf", lambda tmp: save_nifti(_with(torch.zeros(4, 4, 4), 0, INF), tmp / "x.nii"), V, "image"),
    row("nifti-save-4d", lambda tmp: save_nifti(torch.zeros(2, 3, 4, 5), tmp / "x.nii"), V, "image"),
    row("nifti-save-string", lambda tmp: save_nifti("head", tmp / "x.nii"), T, "image"),
    row("nifti-save-spacing-zero", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "x.nii", (0, 1, 1)), V,
        "spacing_mm"),
    row("nifti-save-spacing-nan", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "x.nii", (1, NAN, 1)), V,
        "spacing_mm"),
    row("nifti-save-spacing-short", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "x.nii", (1.0, 1.0)), V,
        "spacing_mm"),
    row("nifti-save-spacing-number", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "x.nii", 2.0), T,
        "spacing_mm"),
    row("nifti-save-path-none", lambda: save_nifti(torch.zeros(4, 4, 4), None), T, "path"),
    row("nifti-save-path-folder", lambda tmp: save_nifti(torch.zeros(4, 4, 4), _folder(tmp)), IsADirectoryError,
        "path"),
    row("nifti-save-exists-no-overwrite", lambda tmp: save_nifti(torch.zeros(4, 4, 4), _existing(tmp),
                                                                 overwrite=False), FileExistsError, "overwrite"),
    row("nifti-save-overwrite-string", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "x.nii", overwrite="no"),
        T, "overwrite"),
    row("nifti-save-affine-3x3", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "x.nii", affine=np.eye(3)), V,
        "affine"),
    row("nifti-save-affine-singular", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "x.nii",
                                                             affine=np.zeros((4, 4))), V, "affine"),
    row("nifti-save-affine-nan", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "x.nii",
                                                        affine=np.diag([1.0, NAN, 1.0, 1.0])), V, "affine"),
    row("nifti-save-affine-spacing-disagree", lambda tmp: save_nifti(torch.zeros(4, 4, 4), tmp / "x.nii",
                                                                     (2.0, 2.0, 2.0), affine=np.eye(4)), V,
        "spacing_mm"),
    row("nifti-save-huge-integers", lambda tmp: save_nifti(torch.full((4, 4, 4), 2 ** 40), tmp / "x.nii"), V,
        "image"),
    # --- nets: forward() input checks ----------------------------------------------------------------
    row("dcgan-g-z-integers", lambda: DCGANGenerator(z_dim=8, width=4, image_size=16)(torch.zeros(2, 8).long()), T,
        "z"),
    row("dcgan-g-z-shape", lambda: DCGANGenerator(z_dim=8, width=4, image_size=16)(torch.zeros(2, 5)), V, "z"),
    row("dcgan-g-image-size", lambda: DCGANGenerator(image_size=48), V, "image_size"),
    row("dcgan-d-size", lambda: DCGANDiscriminator(width=4, image_size=16)(torch.zeros(2, 1, 32, 32)), V, "images"),
    row("dcgan-d-numpy", lambda: DCGANDiscriminator(width=4, image_size=16)(np.zeros((2, 1, 16, 16))), T, "images"),
    row("unet-channels", lambda: UNetGenerator(image_size=32, width=4)(torch.zeros(1, 3, 32, 32)), V, "images"),
    row("patchgan-channels", lambda: PatchDiscriminator(in_channels=2, width=4)(torch.zeros(1, 1, 32, 32)), V,
        "images"),
    row("resnet-side", lambda: ResNetGenerator(width=4, n_blocks=1)(torch.zeros(1, 1, 30, 30)), V, "images"),
    row("classifier-side", lambda: SliceClassifier(2, width=4)(torch.zeros(1, 1, 12, 12)), V, "images"),
    row("segmenter-3d", lambda: LesionSegmenter(width=4)(torch.zeros(1, 16, 16)), V, "images"),
    row("mlp-g-z-shape", lambda: MLPGenerator(z_dim=2)(torch.zeros(4, 3)), V, "z"),
    row("mlp-g-z-integers", lambda: MLPGenerator(z_dim=2)(torch.zeros(4, 2, dtype=torch.long)), T, "z"),
    row("mlp-g-z-numpy", lambda: MLPGenerator(z_dim=2)(np.zeros((4, 2))), T, "z"),
    row("mlp-d-shape", lambda: MLPDiscriminator(in_shape=(2,))(torch.zeros(4, 3)), V, "x"),
    row("mlp-d-numpy", lambda: MLPDiscriminator(in_shape=(2,))(np.zeros((4, 2))), T, "x"),
    row("acgan-labels-range", lambda: ACGANGenerator(3, z_dim=8, width=4, image_size=16)(
        torch.zeros(2, 8), torch.tensor([0, 5])), V, "labels"),
    row("acgan-labels-float", lambda: ACGANGenerator(3, z_dim=8, width=4, image_size=16)(
        torch.zeros(2, 8), torch.tensor([0.0, 1.0])), T, "labels"),
    row("feature-patch-not-callable", lambda: FeaturePatchDiscriminator(1, features="encoder"), T, "features"),
    row("count-parameters-not-module", lambda: count_parameters("network"), T, "network"),
    # --- trainers (gancourse.methods) ---------------------------
    row("gan-data-0-255", lambda: _gan_trainer(data=(IMG * 255)), V, "data"),
    row("gan-data-nan", lambda: _gan_trainer(data=GAN_NAN), V, "data"),
    row("gan-ema-decay", lambda: _gan_trainer(ema_decay=1.5), V, "ema_decay"),
    row("gan-gp-weight", lambda: _gan_trainer(gp_weight=-1), V, "gp_weight"),
    row("gan-batch-size-float", lambda: _gan_trainer(batch_size=2.5), V, "batch_size"),
    row("gan-lr-nan", lambda: _gan_trainer(lr_g=NAN), V, "lr_g"),
    row("gan-loss-unknown", lambda: _gan_trainer(loss="wasserstien"), V, "loss"),
    row("pix2pix-batch-size-zero", lambda: _pix2pix_trainer(batch_size=0), V, "batch_size"),
    row("fit-no-budget", lambda: _gan_trainer().fit(progress=False), V, "steps"),
    row("fit-steps-negative", lambda: _gan_trainer().fit(steps=-1, progress=False), V, "steps"),
    row("fit-seconds-nan", lambda: _gan_trainer().fit(seconds=NAN, progress=False), V, "seconds"),
    row("cyclegan-size-mismatch", _cyclegan_mismatched, V, "images_b"),
    row("classifier-one-class", _one_class, V, "labels"),
]


def names_the_argument(message: str, word: str) -> bool:
    """``word`` stands on its own in ``message``: not inside a longer name, not after a dot (a module path)."""
    return re.search(rf"(?<![\w.]){re.escape(word)}(?!\w)", message) is not None


def call_row(call, tmp_path_factory):
    """Make the bad call (with a fresh folder if it takes one)."""
    takes_folder = call.__code__.co_argcount == 1
    return call(tmp_path_factory.mktemp("bad")) if takes_folder else call()


@pytest.mark.parametrize("call, error, word", ROWS)
def test_bad_input_gets_a_clear_error(call, error, word, tmp_path_factory):
    with pytest.raises(error) as raised:
        call_row(call, tmp_path_factory)
    message = str(raised.value)
    assert names_the_argument(message, word), f"the message does not name {word!r}: {message}"


def test_numpy_integers_and_boolean_labels_are_accepted():
    """Not bad input: any integer type counts as a whole number, and boolean labels as 0/1."""
    simulator = BrainSimulator(np.int64(32), seed=np.int64(1), max_lesions=np.int32(2))
    assert simulator.sample(np.int64(2)).t1.shape == (2, 1, 32, 32)
    assert simulator.volumes(np.int32(1), size=np.int64(16)).t1.shape == (1, 1, 16, 16, 16)
    assert metrics.precision_recall(FEAT, FEAT, k=np.int64(3)) == (1.0, 1.0)
    assert metrics.roc_auc([0.1, 0.9, 0.2, 0.8], np.array([False, True, False, True])) == 1.0
    assert lesions.lesion_contrast(IMG, MASK, MASK * 0 + 1, ring=np.int64(2)).shape == (2,)
