"""Two laboratories' staining of the same tissue: the immunohistochemistry slide that ships with
scikit-image, as it is (lab B) and as another lab would have stained it (lab A).

Colour deconvolution (Ruifrok and Johnston's method, ``skimage.color.rgb2hed``) recovers the amount of each
stain (haematoxylin, eosin, DAB) at every pixel. Lab A recombines the same amounts with other stain colours
(``skimage.color.combine_stains``) and an uneven stain strength (a smooth random field, as from uneven
section thickness or reagent flow). Both images show the same tissue, so every translation from A to B can
be scored against the truth.
"""
from __future__ import annotations

import numpy as np
from skimage import data
from skimage.color import combine_stains, rgb2hed, rgb_from_hed
from skimage.filters import gaussian

from ..checks import check_number, check_whole_number

# Lab A's stain colours (absorbance in R, G, B; rows: haematoxylin, eosin, DAB): a redder DAB, a paler
# haematoxylin than the slide's own.
LAB_A_STAINS = np.array([[0.75, 0.60, 0.28], rgb_from_hed[1], [0.20, 0.55, 0.81]])


def stain_labs(seed: int = 0, strength: float = 0.35, smoothness_px: float = 40.0):
    """``(lab_a, lab_b)``: RGB images (512, 512, 3) in [0, 1] of the same tissue. ``strength`` is the standard
    deviation of lab A's stain-strength field (clipped to 0.4 to 1.6 times), ``smoothness_px`` its scale."""
    seed = check_whole_number(seed, "seed", minimum=0)
    check_number(strength, "strength", low=0, high=1, hint=" (the relative spread of the stain strength)")
    check_number(smoothness_px, "smoothness_px", low=0, hint=" (the scale of the stain-strength field, in pixels)")
    lab_b = data.immunohistochemistry() / 255.0
    stains = rgb2hed(lab_b)
    noise = gaussian(np.random.default_rng(seed).normal(size=lab_b.shape[:2]), smoothness_px)
    field = np.clip(1 + strength * noise / noise.std(), 0.4, 1.6)
    colours = LAB_A_STAINS / np.linalg.norm(LAB_A_STAINS, axis=1, keepdims=True)
    lab_a = np.clip(combine_stains(stains * field[..., None], colours), 0, 1)
    return lab_a.astype(np.float32), lab_b.astype(np.float32)
