"""Is a lesion still there after translation? Its contrast against the tissue around it.

Cohen et al. {cite}`survey26` warn that a translation network trained to match a target distribution can
remove a lesion the target images never showed, or paint one where there was none. Looking is not enough
to tell a faint lesion from a missing one; :func:`lesion_contrast` measures it: in each image, the mean
intensity inside the lesion minus the mean in a ring of ``ring`` pixels around it (within a mask of the
tissue that surrounds lesions, for example the brain's grey and white matter). The truth's contrast is the
reference: a translation that keeps the lesion has the same contrast; one that erases it has about zero.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..checks import check_finite, check_whole_number


def lesion_contrast(images, lesion_mask, surround_mask, ring: int = 2) -> torch.Tensor:
    """Per image that has a lesion: mean inside ``lesion_mask`` minus mean in the ``ring``-pixel square
    neighbourhood around it that lies in ``surround_mask``. All three ``(N, 1, H, W)``; masks 0/1 or boolean.

    Returns a tensor with one value per image that has at least one lesion pixel and one ring pixel, in
    the images' units (HU for CT); images without a lesion are left out.
    """
    for name, x in (("images", images), ("lesion_mask", lesion_mask), ("surround_mask", surround_mask)):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name} must be a tensor (N, 1, H, W); got {type(x).__name__}. Convert with "
                            "torch.as_tensor.")
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(f"expected single-channel images (N, 1, H, W); got images of shape {tuple(images.shape)}.")
    for name, mask in (("lesion_mask", lesion_mask), ("surround_mask", surround_mask)):
        if mask.shape != images.shape:
            raise ValueError(f"{name} {tuple(mask.shape)} must have the images' shape {tuple(images.shape)}.")
    ring = check_whole_number(ring, "ring", minimum=1, hint=" (a width in pixels)")
    check_finite(images, "images", "a lesion's mean contrast would be NaN. Repair or drop those images")
    lesion = lesion_mask > 0.5
    near = F.max_pool2d(lesion.float(), 2 * ring + 1, stride=1, padding=ring) > 0  # square dilation
    around = near & ~lesion & (surround_mask > 0.5)
    inside_count, around_count = lesion.flatten(1).sum(1), around.flatten(1).sum(1)
    keep = (inside_count > 0) & (around_count > 0)
    flat = images.flatten(1)
    inside_mean = (flat * lesion.flatten(1)).sum(1) / inside_count.clamp(min=1)
    around_mean = (flat * around.flatten(1)).sum(1) / around_count.clamp(min=1)
    return (inside_mean - around_mean)[keep]
