"""Chapter 4.5's noise measures: the NPS obeys Parseval and is flat for white noise, the radial average
and the high-frequency power on known spectra, the CNR by hand."""
import numpy as np
import pytest
import torch

from gancourse.metrics.noise import (contrast_to_noise, frequencies, high_frequency_power, high_frequency_ratio,
                                     lesion_background, lesion_cnr, noise_power_spectrum, radial_average)


def test_white_noise_has_a_flat_spectrum_whose_integral_is_its_variance():
    sigma, pixel_mm = 3.0, 0.5
    noise = sigma * torch.randn(400, 1, 32, 32, generator=torch.Generator().manual_seed(0)).double()
    nps = noise_power_spectrum(noise, pixel_mm)
    assert nps.shape == (32, 32)
    cell = 1 / (32 * 32 * pixel_mm ** 2)  # the frequency cell, 1 / mm^2
    variance = noise.var(dim=(-2, -1), correction=0).mean().item()
    assert nps.sum().item() * cell == pytest.approx(variance, rel=1e-9)  # Parseval, exactly
    assert nps.mean().item() == pytest.approx(sigma ** 2 * pixel_mm ** 2, rel=0.02)  # flat at sigma^2 dx dy
    _, radial = radial_average(nps, pixel_mm)
    assert np.allclose(radial[1:], sigma ** 2 * pixel_mm ** 2, rtol=0.1)  # no frequency favoured
    # every frequency but the zero one (the removed mean) lies above 0; for white noise, the share above
    # half the Nyquist frequency is the share of the frequency square outside that circle: 1 - pi / 16
    assert high_frequency_power(nps, pixel_mm, above=0.0) == pytest.approx(variance, rel=1e-9)
    share = high_frequency_power(nps, pixel_mm, above=0.5) / variance
    assert share == pytest.approx(1 - np.pi / 16, abs=0.03)


def test_smoothing_moves_power_to_low_frequencies():
    noise = torch.randn(200, 1, 32, 32, generator=torch.Generator().manual_seed(1))
    smooth = torch.nn.functional.avg_pool2d(noise, 3, stride=1, padding=1, count_include_pad=False)
    assert high_frequency_ratio(smooth, noise) < 0.2
    assert high_frequency_ratio(noise, noise) == pytest.approx(1.0)


def test_a_single_frequency_lands_in_its_ring():
    pixel_mm, size = 1.0, 32
    x = torch.arange(size, dtype=torch.float64)
    wave = torch.cos(2 * np.pi * 8 / size * x)[None, :].repeat(size, 1)  # 0.25 cycles/mm along x
    nps = noise_power_spectrum(wave, pixel_mm)
    f, radial = radial_average(nps, pixel_mm, n_bins=8)
    assert len(f) == 9 and f[-1] == pytest.approx(0.5)  # rings centred at 0, 1/16, ..., Nyquist
    assert f[np.argmax(radial)] == pytest.approx(0.25)  # the ring centred on the wave's frequency
    assert high_frequency_power(nps, pixel_mm, above=0.49) == pytest.approx(0.5)  # cos^2 averages 1/2
    assert high_frequency_power(nps, pixel_mm, above=0.51) == pytest.approx(0, abs=1e-20)
    assert frequencies((4, 4), 0.5)[2, 2] == 0


def test_cnr_by_hand():
    image = torch.tensor([[10.0, 10.0, 2.0],
                          [10.0, 4.0, 6.0],
                          [0.0, 0.0, 0.0]])
    lesion = image == 10
    background = torch.tensor([[0, 0, 1], [0, 1, 1], [0, 0, 0]], dtype=torch.bool)
    # background 2, 4, 6: mean 4, population std sqrt(8 / 3); lesion mean 10
    assert contrast_to_noise(image, lesion, background) == pytest.approx(6 / np.sqrt(8 / 3))
    with pytest.raises(ValueError, match="uniform"):
        contrast_to_noise(image, lesion, image == 0)


def test_lesion_background_is_a_ring_and_lesion_cnr_skips_images_without_a_lesion():
    lesion = torch.zeros(2, 1, 15, 15)
    lesion[0, 0, 6:9, 6:9] = 1
    ring = lesion_background(lesion, torch.ones_like(lesion), gap=1, ring=2)
    assert ring[0, 0, 7, 7].item() is False and ring[0, 0, 7, 8].item() is False  # lesion, and its edge
    assert ring[0, 0, 7, 10].item() is True and ring[0, 0, 7, 12].item() is False
    assert int(ring[0].sum()) == 9 * 9 - 5 * 5
    noise = torch.randn(2, 1, 15, 15, generator=torch.Generator().manual_seed(0))
    images = 5 * lesion + noise
    values = lesion_cnr(images, lesion, torch.ones_like(lesion), gap=1, ring=2)
    assert len(values) == 1
    assert values[0] == pytest.approx(contrast_to_noise(images[0, 0], lesion[0, 0] > 0, ring[0, 0]))


@pytest.mark.parametrize("size", [36, 35, 64])
def test_on_axis_points_land_in_the_same_ring_as_their_mirror_images(size):
    # a spectrum with one nonzero element: the ring it lands in is the one whose average is nonzero; the
    # four points at k grid frequencies along either axis, in either direction, must all land in ring k
    # (with ring edges on grid frequencies, rounding used to send most of them to ring k - 1)
    centre = size // 2
    for k in range(1, (size - 1) // 2 + 1):
        rings = set()
        for dy, dx in ((0, k), (0, -k), (k, 0), (-k, 0)):
            spike = torch.zeros(size, size, dtype=torch.float64)
            spike[centre + dy, centre + dx] = 1.0
            _, radial = radial_average(spike, 1.0)
            rings.add(int(np.flatnonzero(radial)[0]))
        assert rings == {k}, (k, rings)


def test_a_known_radial_profile_is_recovered():
    pixel_mm = 0.5
    r = frequencies((64, 64), pixel_mm)
    for profile in (lambda f: f, lambda f: np.exp(-f / 0.2)):
        f, radial = radial_average(profile(r), pixel_mm)
        assert f[0] == 0 and radial[0] == pytest.approx(profile(torch.tensor(0.0)).item())  # the zero ring
        assert np.allclose(np.diff(f), 1 / (64 * pixel_mm))  # one grid frequency wide
        # a ring's average is its profile near its centre (the ring's own width blurs the first few)
        assert np.allclose(radial[4:], profile(torch.from_numpy(f[4:])).numpy(), rtol=0.03)
