"""Metrics of the book, one module per kind of question.

* :mod:`~gancourse.metrics.fidelity`: is the output close to its target? (PSNR, SSIM)
* :mod:`~gancourse.metrics.overlap`: do two masks agree? (Dice)
* :mod:`~gancourse.metrics.surface`: how far apart are their outlines? (Hausdorff 95, average surface
  distance)
* :mod:`~gancourse.metrics.ranking`: does a score separate two classes? (ROC-AUC)
* :mod:`~gancourse.metrics.distances`: are two *sets* of images alike? (Fréchet distance, precision and
  recall, diversity, the memorisation check)
* :mod:`~gancourse.metrics.two_sample`: can a classifier tell two sets apart? (with the Wilson interval and
  the binomial p-value of a score)
* :mod:`~gancourse.metrics.domain`: the brain-MRI feature space those set distances are computed in
* :mod:`~gancourse.metrics.realism`: image statistics compared with real images' (spread, texture, spectrum,
  colour)
* :mod:`~gancourse.metrics.ct`: a synthetic CT's errors in Hounsfield units, tissue by tissue
* :mod:`~gancourse.metrics.lesions`: is a lesion still visible after translation?
* :mod:`~gancourse.metrics.reconstruction`: how far is a reconstruction from the fully sampled image, and
  does it invent a lesion where there is none? (normalised error, invented contrast; chapter 4.3)
* :mod:`~gancourse.metrics.noise`: how much noise, at which spatial frequencies (noise power spectrum), and
  a lesion's contrast-to-noise ratio (chapter 4.5)
* :mod:`~gancourse.metrics.detection`: does an anomaly map find lesions it was never shown? (pixel AUROC, AUPRC,
  best achievable Dice, image AUROC; chapter 4.4)
* :mod:`~gancourse.metrics.registration`: how well does a displacement field align two images? (end-point
  error, Jacobian determinant and folding, Dice of warped tissue maps, local NCC, mutual information; chapter 4.6)
* :mod:`~gancourse.metrics.support`: how many distinct images can a generator make? (the birthday-paradox
  support size; chapter 5.1)
* :mod:`~gancourse.metrics.scorecards`: the book's scorecards for translations and for synthesis

The first four are available here: ``from gancourse.metrics import psnr, dice``.
"""
from .distances import (frechet_distance, kernel_distance, mean_pairwise_distance, memorisation_check, nearest_neighbour_distances,
                        precision_recall)
from .fidelity import psnr, ssim
from .overlap import dice
from .ranking import roc_auc

__all__ = ["psnr", "ssim", "dice", "roc_auc", "frechet_distance", "kernel_distance", "precision_recall", "mean_pairwise_distance",
           "nearest_neighbour_distances", "memorisation_check"]

# chapter 4.3: reconstruction against the fully sampled truth
from .reconstruction import invented_contrast, nmse  # noqa: E402

__all__ += ["nmse", "invented_contrast"]

# chapter 4.6: registration against the known displacement
from .registration import endpoint_error, folded_fraction, jacobian_determinant, local_ncc, mutual_information, tissue_dice  # noqa: E402,E501

__all__ += ["endpoint_error", "folded_fraction", "jacobian_determinant", "local_ncc", "mutual_information", "tissue_dice"]
