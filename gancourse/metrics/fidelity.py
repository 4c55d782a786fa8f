"""Image fidelity: how close an output is to its target, pixel by pixel (PSNR) and structure by structure
(SSIM).

Both are tested against scikit-image in ``tests/test_metrics.py``. They take tensors of shape
``(B, C, H, W)`` (or ``(H, W)`` for one image, ``(B, H, W)`` for a batch) and a ``data_range``: the span
of possible values (1 for images in [0, 1], 2 for [-1, 1]).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..checks import check_finite, check_not_empty, check_number


def _as_batch(x, name):
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(x)
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a tensor or an array; got {type(x).__name__}.")
    x = x.double()
    if x.dim() == 2:
        x = x[None, None]
    elif x.dim() == 3:
        x = x[:, None]
    if x.dim() != 4:
        raise ValueError(f"{name} must be an image (H, W), a batch (B, H, W) or (B, C, H, W); got shape {tuple(x.shape)}.")
    check_not_empty(x, name)
    check_finite(x, name, "a metric of images with NaN or infinite pixels would be NaN. Repair or drop those images")
    return x


def _pair(x, y):
    x, y = _as_batch(x, "x"), _as_batch(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y, the images to compare, must have the same shape; got {tuple(x.shape)} and "
                         f"{tuple(y.shape)}.")
    return x, y


def _check_range(data_range):
    check_number(data_range, "data_range", low=0, low_open=True,
                 hint=" (the span of possible pixel values: 1 for [0, 1], 2 for [-1, 1])")


def psnr(x, y, data_range: float) -> float:
    """Peak signal-to-noise ratio in dB, 10 log10(range^2 / MSE), computed per image and averaged (``inf`` when
    an image equals its target exactly, as in scikit-image)."""
    _check_range(data_range)
    x, y = _pair(x, y)
    mse = ((x - y) ** 2).flatten(1).mean(dim=1)
    return float((10 * torch.log10(data_range ** 2 / mse)).mean())


def _gaussian_kernel(sigma):
    """The 1-D Gaussian whose outer product with itself is scikit-image's window (11 x 11 for sigma 1.5)."""
    radius = int(3.5 * sigma + 0.5)
    t = torch.arange(-radius, radius + 1, dtype=torch.float64)
    g = torch.exp(-(t ** 2) / (2 * sigma ** 2))
    return g / g.sum()


def ssim(x, y, data_range: float, sigma: float = 1.5) -> float:
    """Structural similarity {cite}`wang2004image` with a Gaussian window (sigma 1.5, K1 0.01, K2 0.03),
    averaged over the pixels whose window lies inside the image, then over channels and images."""
    _check_range(data_range)
    check_number(sigma, "sigma", low=0, low_open=True, hint=" (the Gaussian window's width in pixels; 1.5 is usual)")
    x, y = _pair(x, y)
    b, c, h, w = x.shape
    g = _gaussian_kernel(sigma)
    if h < len(g) or w < len(g):
        raise ValueError(f"x and y must be at least {len(g)}x{len(g)} pixels for SSIM with sigma {sigma:g}; got "
                         f"{h}x{w}.")
    # The five local (windowed) averages at once; the 2-D Gaussian window is separable, so it is applied
    # as a column filter and then a row filter (22 instead of 121 products per pixel for sigma 1.5).
    maps = torch.cat([x, y, x * x, y * y, x * y], dim=1)
    channels = maps.shape[1]
    maps = F.conv2d(maps, g.view(1, 1, -1, 1).expand(channels, 1, -1, 1), groups=channels)
    maps = F.conv2d(maps, g.view(1, 1, 1, -1).expand(channels, 1, 1, -1), groups=channels)
    mu_x, mu_y, mean_xx, mean_yy, mean_xy = maps.split(c, dim=1)
    var_x, var_y, cov = mean_xx - mu_x ** 2, mean_yy - mu_y ** 2, mean_xy - mu_x * mu_y
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    s = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x ** 2 + mu_y ** 2 + c1) * (var_x + var_y + c2))
    return float(s.mean(dim=(1, 2, 3)).mean())

