"""Does an output look like a real image, beyond matching its target pixel by pixel?

Pixel metrics (PSNR, SSIM) reward the safest guess; these measures compare an image set's *statistics* with
those of real images instead. Each returns one number for a batch ``(N, 1, H, W)``; divide by the real
images' value, and 1 means "as real":

* :func:`contrast`: the standard deviation of intensities inside a mask (for example the brain);
* :func:`fine_texture`: the mean standard deviation in 3x3 neighbourhoods inside the mask;
* :func:`high_frequency_energy`: the power above ``cutoff`` cycles per pixel (noise and the finest edges).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from skimage.color import rgb2lab
from skimage.filters import gaussian


def _check(images, mask=None):
    if not isinstance(images, torch.Tensor) or images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(f"expected single-channel images (N, 1, H, W); got "
                         f"{tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__}.")
    if mask is not None:
        if mask.shape != images.shape:
            raise ValueError(f"the mask {tuple(mask.shape)} must have the images' shape {tuple(images.shape)}.")
        if not mask.any():
            raise ValueError("the mask selects no pixel.")


def contrast(images, mask) -> float:
    """Standard deviation of the intensities where ``mask`` is true."""
    _check(images, mask)
    return images[mask.bool()].std().item()


def fine_texture(images, mask) -> float:
    """Mean over the mask of the standard deviation in each pixel's 3x3 neighbourhood (zero padding)."""
    _check(images, mask)
    local = F.unfold(images, 3, padding=1).std(dim=1).view_as(images)
    return local[mask.bool()].mean().item()


def high_frequency_energy(images, cutoff: float = 0.25) -> float:
    """Mean spectral power per image at spatial frequencies above ``cutoff`` cycles per pixel."""
    _check(images)
    spectrum = torch.fft.rfft2(images[:, 0]).abs() ** 2
    fy, fx = torch.fft.fftfreq(images.shape[-2])[:, None], torch.fft.rfftfreq(images.shape[-1])[None]
    return spectrum[:, (fx ** 2 + fy ** 2).sqrt() > cutoff].sum(1).mean().item()


def colour_difference(images, reference, sigma: float = 2.0) -> float:
    """Mean CIE76 colour difference (delta E, in CIELAB units) between two RGB batches ``(N, 3, H, W)`` in
    [0, 1], after Gaussian smoothing with ``sigma`` pixels: the colour, not the finest structure. A delta E
    of about 2 is the smallest difference an observer notices side by side."""
    if images.shape != reference.shape or images.dim() != 4 or images.shape[1] != 3:
        raise ValueError(f"colour_difference compares two RGB batches (N, 3, H, W) of the same shape; got "
                         f"{tuple(images.shape)} and {tuple(reference.shape)}.")
    lab = [rgb2lab(gaussian(x.permute(0, 2, 3, 1).double().numpy(), sigma, channel_axis=-1).clip(0, 1))
           for x in (images, reference)]
    return float(((lab[0] - lab[1]) ** 2).sum(-1).__pow__(0.5).mean())
