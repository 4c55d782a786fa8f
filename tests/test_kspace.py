"""k-space simulation (gancourse.data.kspace) against NumPy's FFT and hand-built masks."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gancourse.data.kspace import (cartesian_mask, complex_image, data_consistency, fft2c, from_channels,
                                   ifft2c, to_channels, undersample, zero_filled)


def _random_complex(shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.complex(torch.randn(shape, generator=g), torch.randn(shape, generator=g))


def test_fft2c_is_numpys_centred_orthonormal_fft():
    x = _random_complex((2, 1, 12, 10))
    expected = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(x.numpy(), axes=(-2, -1)), norm="ortho"),
                               axes=(-2, -1))
    assert np.allclose(fft2c(x).numpy(), expected, atol=1e-5)
    assert np.allclose(ifft2c(fft2c(x)).numpy(), x.numpy(), atol=1e-5)


def test_the_centre_of_kspace_holds_the_mean_and_energy_is_kept():
    image = torch.rand(1, 1, 16, 16).to(torch.complex64)
    k = fft2c(image)
    assert torch.isclose(k[0, 0, 8, 8].real, image.real.sum() / 16, atol=1e-4)  # DC / sqrt(N) with ortho
    assert torch.isclose((k.abs() ** 2).sum(), (image.abs() ** 2).sum(), rtol=1e-5)  # Parseval


def test_complex_image_keeps_the_magnitude_and_its_phase_is_smooth():
    magnitude = torch.rand(3, 1, 32, 32)
    image = complex_image(magnitude, torch.Generator().manual_seed(1), max_phase=2.0)
    assert image.dtype == torch.complex64
    assert torch.allclose(image.abs(), magnitude, atol=1e-6)
    phase = torch.angle(image)
    assert phase.abs().max() <= 2.0 + 1e-5 and phase.abs().amax((1, 2, 3)).min() > 1.9
    # smooth: neighbouring pixels' phases differ by far less than the span
    assert (phase[..., 1:] - phase[..., :-1]).abs().max() < 0.5
    again = complex_image(magnitude, torch.Generator().manual_seed(1), max_phase=2.0)
    assert torch.equal(image, again)


@pytest.mark.parametrize("rate", [0.1, 0.2, 0.3, 0.5])
def test_the_mask_measures_the_rate_whole_lines_and_the_centre(rate):
    size = 64
    mask = cartesian_mask(size, rate, torch.Generator().manual_seed(0))
    assert mask.dtype == torch.bool and mask.shape == (size, size)
    assert torch.equal(mask, mask[:, :1].expand(size, size))  # whole lines along kx
    lines = mask[:, 0]
    assert int(lines.sum()) == round(rate * size)
    centre = round(0.5 * round(rate * size))
    start = size // 2 - centre // 2
    assert lines[start: start + centre].all()
    assert lines[size // 2]  # the zero frequency is always measured


def test_variable_density_favours_the_centre():
    counts = torch.zeros(64)
    for seed in range(200):
        counts += cartesian_mask(64, 0.2, torch.Generator().manual_seed(seed), centre_share=0.0)[:, 0]
    distance = (torch.arange(64) - 32).abs()
    assert counts[(distance >= 4) & (distance < 10)].mean() > 3 * counts[distance >= 24].mean()


def test_undersampling_and_zero_filling_by_hand():
    x = _random_complex((1, 1, 8, 8), seed=3)
    mask = torch.zeros(8, 8, dtype=torch.bool)
    mask[[2, 4, 5]] = True  # three hand-picked lines
    k = fft2c(x)
    measured = undersample(k, mask)
    assert torch.equal(measured[0, 0, 4], k[0, 0, 4]) and (measured[0, 0, [0, 1, 3, 6, 7]] == 0).all()
    expected = np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(measured.numpy(), axes=(-2, -1)), norm="ortho"),
                               axes=(-2, -1))
    assert np.allclose(zero_filled(k, mask).numpy(), expected, atol=1e-6)
    # all lines measured: the zero-filled image is the image
    assert torch.allclose(zero_filled(k, torch.ones(8, 8, dtype=torch.bool)), x, atol=1e-5)


def test_data_consistency_puts_the_measured_lines_back_and_keeps_the_rest():
    truth = _random_complex((2, 1, 16, 16), seed=4)
    guess = _random_complex((2, 1, 16, 16), seed=5)
    mask = cartesian_mask(16, 0.3, torch.Generator().manual_seed(2))
    measured = undersample(fft2c(truth), mask)
    consistent = data_consistency(guess, measured, mask)
    k = fft2c(consistent)
    assert torch.allclose(k[..., mask], fft2c(truth)[..., mask], atol=1e-5)  # measured lines equal after DC
    assert torch.allclose(k[..., ~mask], fft2c(guess)[..., ~mask], atol=1e-5)  # the others untouched
    # applied twice, nothing more changes; the truth itself is already consistent
    assert torch.allclose(data_consistency(consistent, measured, mask), consistent, atol=1e-5)
    assert torch.allclose(data_consistency(truth, measured, mask), truth, atol=1e-5)


def test_undersampling_aliases_and_more_lines_mean_less_error():
    image = torch.zeros(1, 1, 32, 32)
    image[..., 8:24, 12:20] = 1
    x = image.to(torch.complex64)
    errors = [float((zero_filled(fft2c(x), cartesian_mask(32, rate, torch.Generator().manual_seed(0))) - x)
                    .abs().pow(2).sum()) for rate in (0.1, 0.3, 0.5, 1.0)]
    assert errors[0] > errors[1] > errors[2] > errors[3] and errors[3] < 1e-8


def test_channels_round_trip_and_bad_inputs():
    x = _random_complex((2, 1, 8, 8))
    assert to_channels(x).shape == (2, 2, 8, 8)
    assert torch.equal(from_channels(to_channels(x)), x)
    with pytest.raises(TypeError, match="complex"):
        fft2c(torch.rand(1, 1, 8, 8))
    with pytest.raises(ValueError, match="boolean"):
        zero_filled(fft2c(x), torch.ones(8, 8))
    with pytest.raises(ValueError, match="rate"):
        cartesian_mask(64, 0.0)
    with pytest.raises(ValueError, match="max_phase"):
        complex_image(torch.rand(1, 1, 8, 8), max_phase=2 * math.pi)
