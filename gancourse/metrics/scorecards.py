"""The book's two scorecards, so that every chapter scores its outputs the same way.

* :func:`translation_scores` for an image-to-image translation against its paired targets: pixel accuracy
  (PSNR and SSIM, on [0, 1]) beside realism (the intensity spread, fine texture and high-frequency energy of
  :mod:`~gancourse.metrics.realism`, each relative to the real targets', so that 1 means "as real"; and the
  Fréchet distance on domain features). Chapter 3.3 explains why the two kinds disagree.
* :func:`synthesis_scores` for unconditional samples against held-out real slices: the Fréchet distance
  (comparable only between sets of equal size), the kernel distance (comparable across sizes), improved precision and recall in the domain encoder's feature space, and diversity (mean pairwise
  distance, beside the real slices').
"""
from __future__ import annotations

from ..data.intensity import from_gan_range
from .distances import frechet_distance, kernel_distance, mean_pairwise_distance, precision_recall
from .domain import domain_features, frechet_domain_distance
from .fidelity import psnr, ssim
from .realism import fine_texture, high_frequency_energy, intensity_spread


def translation_scores(outputs, targets, mask) -> dict[str, float]:
    """Scores of ``outputs`` against their paired ``targets`` (both ``(N, 1, H, W)`` in [-1, 1]); ``mask``
    (same shape, boolean) selects the tissue the realism measures look at (the brain, say)."""
    real = from_gan_range(targets)
    return {
        "PSNR (dB)": psnr(from_gan_range(outputs), real, 1.0),
        "SSIM": ssim(from_gan_range(outputs), real, 1.0),
        "intensity spread": intensity_spread(outputs, mask) / intensity_spread(targets, mask),
        "fine texture": fine_texture(outputs, mask) / fine_texture(targets, mask),
        "high-frequency energy": high_frequency_energy(outputs) / high_frequency_energy(targets),
        "Fréchet distance": frechet_domain_distance(targets, outputs),
    }


def synthesis_scores(samples, real_features, *, k: int = 3, diversity_of: int = 200) -> dict[str, float]:
    """Scores of generated ``samples`` (``(N, 1, H, W)`` in [-1, 1]) against the domain features of held-out
    real slices (:func:`~gancourse.metrics.domain.domain_features`, computed once by the caller): Fréchet
    and kernel distances, precision and recall with ``k`` neighbours, and the diversity of the first ``diversity_of``."""
    features = domain_features(samples)
    precision, recall = precision_recall(real_features, features, k=k)
    return {"Fréchet distance": frechet_distance(real_features, features),
            "kernel distance": kernel_distance(real_features, features), "precision": precision,
            "recall": recall, "diversity": mean_pairwise_distance(samples[:diversity_of])}
