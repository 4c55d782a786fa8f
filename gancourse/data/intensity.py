"""Every mapping between value ranges in one place: images for a network and back, CT in Hounsfield units.

* A generator that ends in tanh makes values in [-1, 1]; the simulator's MR images are in [0, 1]:
  :func:`to_gan_range` and :func:`from_gan_range`.
* CT is measured in Hounsfield units (HU). :func:`ct_to_unit` maps them linearly to [0, 1] for display.
* For a network, a linear map would lose the brain: a head CT spans about 3,000 HU, from air (-1000) to
  dense bone (+1000 and more), but the brain's tissues differ by tens of HU (fluid 8, white matter 28,
  grey matter 40, a haemorrhage 65). Scaled linearly to [-1, 1], 30 HU would be 0.02: nothing the network
  or its losses would notice. Radiologists look at CT through *windows* (a brain window of about 80 HU
  wide, a bone window of 2,000); :func:`hu_to_network` does the same in one go, with a piecewise-linear
  scale that gives the soft-tissue range [-150, 150] HU half of the output range and compresses air and
  bone (knots in :data:`HU_KNOTS`). It is exactly invertible, :func:`network_to_hu`, so every error can be
  reported in HU (:mod:`gancourse.metrics.ct`).
"""
from __future__ import annotations

import torch

from ..checks import as_tensor, check_finite, check_number

#: Hounsfield units and the network values (:data:`NETWORK_KNOTS`) they map to; straight lines in between.
HU_KNOTS = (-1024.0, -150.0, 150.0, 1600.0)
#: The network values of the knots, in [-1, 1].
NETWORK_KNOTS = (-1.0, -0.6, 0.4, 1.0)


def _piecewise_linear(x, xs, ys, name):
    """The polyline through the points ``(xs[i], ys[i])`` (``xs`` increasing), evaluated at ``x`` clipped to
    its ends (what ``numpy.interp`` does)."""
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        raise TypeError(f"{name} must be a floating-point tensor; got {type(x).__name__}"
                        f"{' of dtype ' + str(x.dtype) if isinstance(x, torch.Tensor) else ''}. Convert with "
                        "torch.as_tensor(x).float().")
    check_finite(x, name, "repair or drop those images first")
    xs, ys = torch.tensor(xs, dtype=x.dtype), torch.tensor(ys, dtype=x.dtype)
    x = x.clamp(xs[0], xs[-1])
    segment = torch.bucketize(x, xs[1:-1], right=True)  # which straight piece each value lies on
    slope = (ys[1:] - ys[:-1]) / (xs[1:] - xs[:-1])
    return ys[segment] + (x - xs[segment]) * slope[segment]


def hu_to_network(hu: torch.Tensor) -> torch.Tensor:
    """Hounsfield units to [-1, 1] through the windowed scale (values beyond the end knots are clipped)."""
    return _piecewise_linear(hu, HU_KNOTS, NETWORK_KNOTS, "hu")


def network_to_hu(values: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`hu_to_network`: a generator's output in [-1, 1] to Hounsfield units."""
    return _piecewise_linear(values, NETWORK_KNOTS, HU_KNOTS, "values")


def _check_range(images, low, high, fix):
    """Floating-point values, finite, within ``[low, high]`` give or take 5 % of the span."""
    x = as_tensor(images, "images", "a floating-point tensor (or array) of images")
    if not (torch.is_floating_point(x) or x.is_complex()):
        raise TypeError(f"images must be floating-point values in [{low:g}, {high:g}]; got dtype {x.dtype}. "
                        "Convert with .float() (and divide 8-bit images by 255).")
    check_finite(x, "images", "repair or drop those images first")
    if x.numel():
        lo, hi = float(x.min()), float(x.max())
        slack = 0.05 * (high - low)
        if lo < low - slack or hi > high + slack:
            raise ValueError(f"images must lie in [{low:g}, {high:g}]; got values in [{lo:.4g}, {hi:.4g}]. {fix}")


def to_gan_range(images: torch.Tensor) -> torch.Tensor:
    """Map images in [0, 1] to [-1, 1], the range of a generator that ends in tanh."""
    _check_range(images, 0.0, 1.0, "Divide 8-bit images (0-255) by 255 first; CT in Hounsfield units goes "
                                   "through hu_to_network; images already in [-1, 1] need no mapping.")
    return images * 2 - 1


def from_gan_range(images: torch.Tensor) -> torch.Tensor:
    """Map generator output in [-1, 1] back to [0, 1]."""
    _check_range(images, -1.0, 1.0, "from_gan_range undoes to_gan_range: it takes a generator's output.")
    return (images + 1) / 2


def ct_to_unit(hu: torch.Tensor, low: float = -1000.0, high: float = 2000.0) -> torch.Tensor:
    """Map Hounsfield units linearly to [0, 1] (air at 0, dense bone at 1), clipping outside [low, high]."""
    if not isinstance(hu, torch.Tensor):
        raise TypeError(f"hu must be a tensor of Hounsfield units; got {type(hu).__name__}. Convert with "
                        "torch.as_tensor.")
    check_finite(hu, "hu", "repair or drop those images first")
    check_number(low, "low", hint=" (the HU shown as 0)")
    check_number(high, "high", low=low, low_open=True, hint=" (the HU shown as 1, above low)")
    return ((hu - low) / (high - low)).clamp(0, 1)


