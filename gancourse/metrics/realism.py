"""Does an output look like a real image, beyond matching its target pixel by pixel?

Pixel metrics (PSNR, SSIM) reward the safest guess; these measures compare an image set's *statistics* with
those of real images instead. Each returns one number for a batch ``(N, 1, H, W)``; divide by the real
images' value, and 1 means "as real":

* :func:`intensity_spread`: the standard deviation of intensities inside a mask (for example the brain):
  how far apart the tissues' brightnesses lie;
* :func:`fine_texture`: the mean standard deviation in 3x3 neighbourhoods inside the mask;
* :func:`high_frequency_energy`: the power above ``cutoff`` cycles per pixel (noise and the finest edges).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from skimage.color import rgb2lab
from skimage.filters import gaussian

from ..checks import check_finite, check_not_empty, check_number


def _check_tensor(x, name, shape_text):
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        raise TypeError(f"{name} must be a floating-point tensor of images {shape_text}; got {type(x).__name__}"
                        f"{' of dtype ' + str(x.dtype) if isinstance(x, torch.Tensor) else ''}. Convert with "
                        "torch.as_tensor(x).float().")


def _check(images, mask=None):
    _check_tensor(images, "images", "(N, 1, H, W)")
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(f"expected single-channel images (N, 1, H, W); got images of shape {tuple(images.shape)}.")
    check_not_empty(images, "images")
    check_finite(images, "images", "a statistic over them would be NaN. Repair or drop those images")
    if mask is not None:
        if not isinstance(mask, torch.Tensor):
            raise TypeError(f"the mask must be a tensor (boolean or 0/1) of the images' shape; got "
                            f"{type(mask).__name__}.")
        if mask.shape != images.shape:
            raise ValueError(f"the mask {tuple(mask.shape)} must have the images' shape {tuple(images.shape)}.")
        check_finite(mask, "the mask", "a mask holds 0/1 or booleans")
        if not mask.any():
            raise ValueError("the mask selects no pixel.")


def intensity_spread(images, mask) -> float:
    """Standard deviation of the intensities where ``mask`` is true."""
    _check(images, mask)
    return images[mask.bool()].std().item()


def fine_texture(images, mask) -> float:
    """Mean over the mask of the standard deviation in each pixel's 3x3 neighbourhood (zero padding)."""
    _check(images, mask)
    local = F.unfold(images, 3, padding=1).std(dim=1).view_as(images)
    return local[mask.bool()].mean().item()


def high_frequency_energy(images, cutoff: float = 0.25) -> float:
    """Mean spectral power per image at spatial frequencies above ``cutoff`` cycles per pixel (0.5 is the
    highest frequency along an axis, about 0.71 along a diagonal)."""
    check_number(cutoff, "cutoff", low=0, high=math.sqrt(0.5), high_open=True,
                 hint=" (cycles per pixel; 0.25 by default, 0.5 is the highest along an axis)")
    _check(images)
    spectrum = torch.fft.rfft2(images[:, 0]).abs() ** 2
    fy, fx = torch.fft.fftfreq(images.shape[-2])[:, None], torch.fft.rfftfreq(images.shape[-1])[None]
    return spectrum[:, (fx ** 2 + fy ** 2).sqrt() > cutoff].sum(1).mean().item()


def colour_difference(images, reference, sigma: float = 2.0) -> float:
    """Mean CIE76 colour difference (delta E, in CIELAB units) between two RGB batches ``(N, 3, H, W)`` in
    [0, 1], after Gaussian smoothing with ``sigma`` pixels: the colour, not the finest structure. A delta E
    of about 2 is the smallest difference an observer notices side by side."""
    _check_tensor(images, "images", "(N, 3, H, W)")
    _check_tensor(reference, "reference", "(N, 3, H, W)")
    if images.shape != reference.shape or images.dim() != 4 or images.shape[1] != 3:
        raise ValueError(f"colour_difference compares two RGB batches (N, 3, H, W) of the same shape; got images "
                         f"{tuple(images.shape)} and reference {tuple(reference.shape)}.")
    check_number(sigma, "sigma", low=0, hint=" (the smoothing in pixels; 0 for none)")
    for x, name in ((images, "images"), (reference, "reference")):
        check_not_empty(x, name)
        check_finite(x, name, "repair or drop those images")
        low, high = float(x.min()), float(x.max())
        if low < -0.05 or high > 1.05:
            raise ValueError(f"{name} must be RGB values in [0, 1]; got values in [{low:.3g}, {high:.3g}]. Map a "
                             "generator's output with gancourse.data.from_gan_range; divide 8-bit images by 255.")
    lab = [rgb2lab(gaussian(x.permute(0, 2, 3, 1).double().numpy(), sigma, channel_axis=-1).clip(0, 1))
           for x in (images, reference)]
    return float(((lab[0] - lab[1]) ** 2).sum(-1).__pow__(0.5).mean())
