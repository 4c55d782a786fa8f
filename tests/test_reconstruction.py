"""DAGAN-style reconstruction (gancourse.methods.reconstruction) and its measures (gancourse.metrics.reconstruction)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from skimage.metrics import normalized_root_mse

from gancourse.data import BrainSimulator
from gancourse.data.kspace import cartesian_mask, complex_image, fft2c, undersample, zero_filled
from gancourse.methods.reconstruction import (DAGANTrainer, frequency_loss, normalised_error, reconstruct,
                                              reconstruct_images)
from gancourse.metrics.reconstruction import blob_centres, invented_contrast, nmse
from gancourse.nets import PatchDiscriminator, UNetGenerator


def test_nmse_is_scikit_images_normalised_rmse_squared():
    g = torch.Generator().manual_seed(0)
    x, y = torch.rand(3, 1, 16, 16, generator=g), torch.rand(3, 1, 16, 16, generator=g)
    expected = np.mean([normalized_root_mse(y[i, 0].numpy(), x[i, 0].numpy(), normalization="euclidean") ** 2
                        for i in range(3)])
    assert nmse(x, y) == pytest.approx(expected, rel=1e-6)
    assert nmse(torch.zeros(1, 1, 4, 4), torch.ones(1, 1, 4, 4)) == pytest.approx(1.0)
    z = complex_image(y, g)
    assert nmse(z, z) == 0
    assert float(normalised_error(x, y)) == pytest.approx(expected, rel=1e-5)  # the loss is the measure
    with pytest.raises(ValueError, match="all zeros"):
        nmse(x[:1], torch.zeros(1, 1, 16, 16))


def test_invented_contrast_finds_a_planted_blob_of_its_sign_inside_the_eroded_region():
    truth = torch.full((2, 1, 24, 24), 0.5)
    recon = truth.clone()
    rows, cols = torch.meshgrid(torch.arange(24), torch.arange(24), indexing="ij")
    disc = ((rows - 8) ** 2 + (cols - 12) ** 2) <= 4  # radius 2: the measure's own disc
    recon[0, 0][disc] -= 0.2  # a dark blob in image 0
    recon[1, 0, 19:, 19:] += 0.3  # a bright 5x5 corner in image 1, outside its region
    region = torch.ones_like(truth, dtype=torch.bool)
    region[1, 0, 14:, 14:] = False
    darker = invented_contrast(recon, truth, region, radius=2)
    assert darker[0].item() == pytest.approx(0.2, abs=1e-6)  # matched disc: the blob's full contrast
    assert darker[1].item() == 0  # nothing darker than the truth in image 1
    brighter = invented_contrast(recon, truth, region, radius=2, polarity="brighter")
    assert brighter[0].item() == 0  # the dark blob does not count as a bright one
    assert brighter[1].item() == 0  # the corner lies outside the region
    # with the whole image as region (eroded by 2: centres 2..21), the disc centred at (21, 21) fits the corner
    everywhere = torch.ones_like(region)
    assert invented_contrast(recon, truth, everywhere, polarity="brighter")[1].item() == pytest.approx(0.3,
                                                                                                    abs=1e-6)
    assert invented_contrast(truth, truth, region).abs().max() == 0
    with pytest.raises(ValueError, match="real single-channel"):
        invented_contrast(complex_image(truth), complex_image(truth), region)
    with pytest.raises(ValueError, match="polarity"):
        invented_contrast(recon, truth, region, polarity="both")


def test_blob_centres_erode_the_region_and_avoid_the_truths_borders():
    region = torch.zeros(1, 1, 16, 16, dtype=torch.bool)
    region[0, 0, 3:12, 3:12] = True  # a 9x9 square
    centres = blob_centres(torch.zeros(1, 1, 16, 16), region, radius=2)
    assert centres.sum() == 25 and centres[0, 0, 5:10, 5:10].all()  # the 5x5 square 2 pixels inside
    with pytest.raises(ValueError, match="no disc centre"):
        invented_contrast(torch.zeros(1, 1, 16, 16), torch.zeros(1, 1, 16, 16), region, radius=5)
    # a tissue border: columns 0-11 at 0.3, 12-23 at 0.7; the reconstruction blurs it, darkening columns 12-13
    truth = torch.full((1, 1, 24, 24), 0.3)
    truth[..., 12:] = 0.7
    recon = truth.clone()
    recon[..., 12:14] = 0.3
    inside = torch.ones_like(truth, dtype=torch.bool)
    # disc of radius 2 has 13 pixels; centred on column 12 or 13 it covers 8 darkened pixels (5 + 3)
    assert invented_contrast(recon, truth, inside).item() == pytest.approx(8 * 0.4 / 13, abs=1e-6)
    # flat=0.1: a disc with one pixel across the border has sd 0.4 sqrt(12) / 13 = 0.107 > 0.1, so centres
    # 10-13 are left out; centred on column 14 the disc covers 4 darkened pixels (1 + 3)
    flat = blob_centres(truth, inside, radius=2, flat=0.1)
    assert not flat[..., 2:22, 10:14].any() and flat[..., 2:22, 2:10].all() and flat[..., 2:22, 14:22].all()
    assert invented_contrast(recon, truth, inside, flat=0.1).item() == pytest.approx(4 * 0.4 / 13, abs=1e-6)


def test_frequency_loss_compares_magnitudes_of_kspace():
    g = torch.Generator().manual_seed(1)
    y = complex_image(torch.rand(2, 1, 16, 16, generator=g), g)
    # a global phase changes the complex k-space but not its magnitudes: no frequency loss, full image loss
    turned = y * torch.exp(torch.tensor(1j * 0.7))
    assert float(frequency_loss(turned, y)) == pytest.approx(0.0, abs=1e-6)
    assert float(normalised_error(turned, y)) > 0.1
    # by hand: NumPy's FFT, magnitudes, normalised squared error per image, mean
    x = complex_image(torch.rand(2, 1, 16, 16, generator=g), g)
    kx, ky = (np.abs(np.fft.fft2(t[:, 0].numpy(), norm="ortho")) for t in (x, y))
    expected = np.mean(((kx - ky) ** 2).sum((1, 2)) / (ky ** 2).sum((1, 2)))
    assert float(frequency_loss(x, y)) == pytest.approx(expected, rel=1e-4)


def _data(n=8, size=32, rate=0.3):
    g = torch.Generator().manual_seed(2)
    truth = complex_image(torch.rand(n, 1, size, size, generator=g) * 0.9, g)
    return truth, cartesian_mask(size, rate, g)


def test_reconstruction_is_zero_filled_plus_correction_and_keeps_the_measured_lines():
    truth, mask = _data()
    torch.manual_seed(0)
    G = UNetGenerator(2, 2, 32, width=4, dropout=False)
    zf = zero_filled(fft2c(truth), mask)
    with torch.no_grad():
        raw = reconstruct(G, zf, mask, consistency=False)
        out = reconstruct(G, zf, mask)
    assert not torch.allclose(raw, zf)  # the network adds something
    measured = undersample(fft2c(truth), mask)
    assert torch.allclose(fft2c(out)[..., mask], measured[..., mask], atol=1e-5)  # measured lines equal after DC
    assert torch.allclose(fft2c(out)[..., ~mask], fft2c(raw)[..., ~mask], atol=1e-5)
    # a network that outputs zeros leaves the zero-filled image as it is
    zero = lambda x: torch.zeros_like(x)  # noqa: E731
    assert torch.allclose(reconstruct(zero, zf, mask), zf, atol=1e-6)


def test_dagan_trains_with_all_four_losses_and_the_baseline_with_the_image_loss():
    truth, mask = _data()
    torch.manual_seed(0)
    G, D = UNetGenerator(2, 2, 32, width=4, dropout=False), PatchDiscriminator(1, 4, n_layers=1)
    dagan = DAGANTrainer(G, D, truth, mask, batch_size=4, seed=0)
    history = dagan.fit(steps=3, progress=False)
    assert {"loss_g", "loss_d", "image", "frequency", "feature", "adversarial"} <= set(history)
    w = dagan.weights
    total = (w["image_weight"] * history["image"][-1] + w["frequency_weight"] * history["frequency"][-1]
             + w["feature_weight"] * history["feature"][-1] + w["adversarial_weight"] * history["adversarial"][-1])
    assert history["loss_g"][-1] == pytest.approx(total, rel=1e-5)

    torch.manual_seed(0)
    G = UNetGenerator(2, 2, 32, width=4, dropout=False)
    baseline = DAGANTrainer(G, None, truth, mask, frequency_weight=0, feature_weight=0, batch_size=4, seed=0)
    history = baseline.fit(steps=3, progress=False)
    assert set(history) == {"step", "seconds", "loss_g", "image", "frequency"}
    assert history["loss_g"][-1] == pytest.approx(15 * history["image"][-1], rel=1e-5)
    out = reconstruct_images(G, zero_filled(fft2c(truth), mask), mask)
    assert out.shape == truth.shape and out.is_complex() and G.training  # mode restored


def test_the_image_loss_network_learns_to_beat_zero_filling():
    mask = cartesian_mask(32, 0.2, torch.Generator().manual_seed(0))
    slices = BrainSimulator(32, seed=0).sample(16).t1  # images with structure to learn
    truth = complex_image(slices, torch.Generator().manual_seed(3))
    zf = zero_filled(fft2c(truth), mask)
    torch.manual_seed(0)
    G = UNetGenerator(2, 2, 32, width=8, dropout=False)
    DAGANTrainer(G, None, truth, mask, frequency_weight=0, feature_weight=0, batch_size=8,
                 seed=0).fit(steps=80, progress=False)
    assert nmse(reconstruct_images(G, zf, mask), truth) < 0.8 * nmse(zf, truth)


def test_bad_inputs_are_named():
    truth, mask = _data()
    G = UNetGenerator(2, 2, 32, width=4, dropout=False)
    with pytest.raises(ValueError, match="complex images"):
        DAGANTrainer(G, None, truth.abs(), mask)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        DAGANTrainer(G, None, truth * 3, mask)
    with pytest.raises(ValueError, match="boolean"):
        DAGANTrainer(G, None, truth, mask.float())
