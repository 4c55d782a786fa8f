"""The CT scanner model of chapter 4.5 against scikit-image, the analytic projection of a disc, and the
known noise level: an FBP image's noise variance falls as 1 / N0."""
import numpy as np
import pytest
import torch
from skimage.data import shepp_logan_phantom
from skimage.transform import iradon, radon, rescale

from gancourse.data.ct_projection import (MU_WATER_PER_MM, attenuation_to_hu, filtered_back_projection,
                                          forward_project, hu_to_attenuation, low_dose, low_dose_scans,
                                          projection_angles, scan_circle)


def _phantom(size=64):
    image = rescale(shepp_logan_phantom(), size / 400, anti_aliasing=True)
    return torch.from_numpy(image * scan_circle(size).numpy()).float()


def test_hounsfield_and_attenuation():
    hu = torch.tensor([-1000.0, 0.0, 40.0, 1000.0])
    mu = hu_to_attenuation(hu)
    assert torch.allclose(mu, torch.tensor([0.0, 1.0, 1.04, 2.0]) * MU_WATER_PER_MM)
    assert torch.allclose(attenuation_to_hu(mu), hu, atol=1e-3)
    assert hu_to_attenuation(torch.tensor([-1024.0])).item() == 0  # nothing absorbs less than air


def test_projection_and_fbp_are_scikit_images_with_the_pixel_size():
    image, pixel_mm, views = _phantom(), 2.0, 90
    angles = np.linspace(0, 180, views, endpoint=False)
    sinogram = forward_project(image, pixel_mm, views)
    expected = radon(image.double().numpy(), angles, circle=True) * pixel_mm
    assert sinogram.shape == (1, 1, 64, views)
    assert np.allclose(sinogram[0, 0].numpy(), expected, atol=1e-4)
    back = filtered_back_projection(sinogram, pixel_mm)
    assert np.allclose(back[0, 0].numpy(), iradon(expected / pixel_mm, angles, circle=True), atol=1e-5)
    # and the reconstruction is the phantom, up to the blur of FBP at its edges
    inner = torch.from_numpy(np.argwhere(scan_circle(64).numpy())).T
    error = (back[0, 0] - image)[inner[0], inner[1]].abs().mean().item()
    assert error < 0.05 * image.max().item()


def test_a_uniform_disc_projects_to_its_chord_lengths():
    size, pixel_mm, radius_px, mu = 96, 1.5, 30, 0.02
    rows, columns = np.mgrid[:size, :size] - size // 2
    disc = torch.from_numpy(((rows ** 2 + columns ** 2) <= radius_px ** 2) * mu).float()
    sinogram = forward_project(disc, pixel_mm, 12)[0, 0]
    offsets = (np.arange(size) - size // 2) * pixel_mm  # detector position of each bin, mm
    chord = 2 * np.sqrt(np.clip((radius_px * pixel_mm) ** 2 - offsets ** 2, 0, None)) * mu
    centre = np.abs(offsets) < 0.8 * radius_px * pixel_mm  # away from the edge, where pixels are jagged
    assert np.allclose(sinogram.numpy()[centre], chord[centre, None], rtol=0.03)


def test_poisson_counts_and_the_zero_count_guard():
    p = torch.full((2000,), 2.0)
    noisy = low_dose(p, 1e4, torch.Generator().manual_seed(0))
    # -log(counts / N0): mean p, variance 1 / (N0 exp(-p)) (the delta method)
    assert abs(noisy.mean().item() - 2.0) < 0.01
    assert noisy.var().item() == pytest.approx(1 / (1e4 * np.exp(-2.0)), rel=0.1)
    opaque = low_dose(torch.full((100,), 40.0), 100.0, torch.Generator().manual_seed(0))
    assert torch.allclose(opaque, torch.full((100,), np.log(100.0)))  # zero counts read as one photon


def test_fbp_noise_variance_falls_as_one_over_the_photon_count():
    size, pixel_mm = 64, 3.0
    rows, columns = np.mgrid[:size, :size] - size // 2
    water = torch.from_numpy(np.where(rows ** 2 + columns ** 2 <= 28 ** 2, 0.0, -1000.0)).float()
    scans = low_dose_scans(water[None, None].repeat(6, 1, 1, 1), pixel_mm, (1e4, 1e5), seed=3)
    region = (slice(None), 0, slice(24, 40), slice(24, 40))  # uniform water in the middle
    variance = {n0: (scans.fbp[n0] - scans.reference)[region].var().item() for n0 in scans.photons}
    assert variance[1e4] / variance[1e5] == pytest.approx(10, rel=0.15)
    assert abs(scans.reference[region].mean().item()) < 5  # water reconstructs to 0 HU


def test_low_dose_scans_shapes_air_outside_and_errors():
    hu = torch.full((2, 1, 32, 32), 30.0)
    scans = low_dose_scans(hu, 4.0, (1e5,), n_views=40)
    assert scans.reference.shape == scans.fbp[1e5].shape == hu.shape and scans.n_views == 40
    assert (scans.phantom[:, 0][:, ~scan_circle(32)] == -1000).all()
    assert len(projection_angles(40)) == 40 and projection_angles(4).tolist() == [0, 45, 90, 135]
    with pytest.raises(ValueError, match="network"):
        low_dose_scans(torch.zeros(1, 1, 32, 32), 4.0)
    with pytest.raises(ValueError, match="outside the scanned disc"):
        forward_project(torch.ones(1, 1, 16, 16), 1.0, 10)
    with pytest.raises(ValueError, match="negative"):
        forward_project(-torch.ones(1, 1, 16, 16), 1.0, 10)
