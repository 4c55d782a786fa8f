"""The windowed CT scale, the per-tissue error in HU and the lesion contrast, against NumPy and SciPy."""
import numpy as np
import pytest
import torch
from scipy import ndimage

from gancourse.data.brain import BrainSimulator
from gancourse.data.intensity import HU_KNOTS, NETWORK_KNOTS, hu_to_network, network_to_hu
from gancourse.metrics.ct import mean_absolute_error_by_tissue, tissue_masks
from gancourse.metrics.lesions import lesion_contrast


def test_windowed_scale_matches_numpy_interp_and_inverts():
    hu = torch.linspace(-1200, 3000, 5001, dtype=torch.float64)
    expected = np.interp(hu.numpy(), HU_KNOTS, NETWORK_KNOTS)  # numpy clips to the end values too
    assert np.allclose(hu_to_network(hu).numpy(), expected, atol=1e-12)
    inside = hu[(hu >= HU_KNOTS[0]) & (hu <= HU_KNOTS[-1])]
    assert torch.allclose(network_to_hu(hu_to_network(inside)), inside, atol=1e-9)
    # By hand: 0 HU lies 150/300 of the way from -150 (-0.6) to 150 (0.4); 1000 HU on the bone piece.
    assert hu_to_network(torch.tensor([0.0, 1000.0])).tolist() == pytest.approx([-0.1, 0.4 + 850 / 1450 * 0.6])


def test_brain_tissues_are_spread_more_than_by_a_linear_scale():
    grey, white = hu_to_network(torch.tensor([40.0])), hu_to_network(torch.tensor([28.0]))
    linear = (40.0 - 28.0) * 2 / (HU_KNOTS[-1] - HU_KNOTS[0])
    assert (grey - white).item() == pytest.approx(12 / 300)
    assert (grey - white).item() > 4 * linear  # a linear scale over the knots: 4.4 times less


def test_error_by_tissue_by_hand():
    true = torch.tensor([[-1000.0, 900.0], [30.0, 60.0]]).view(1, 1, 2, 2)
    labels = torch.tensor([[0, 0], [3, 2]]).view(1, 2, 2)
    lesion = torch.tensor([[0.0, 0.0], [0.0, 1.0]]).view(1, 1, 2, 2)
    predicted = true + torch.tensor([[10.0, -200.0], [5.0, -20.0]]).view(1, 1, 2, 2)
    errors = mean_absolute_error_by_tissue(predicted, true, labels, lesion)
    assert errors["air"] == 10 and errors["bone"] == 200 and errors["white matter"] == 5
    assert errors["lesion"] == 20
    assert np.isnan(errors["grey matter"])  # its only pixel is the lesion
    assert np.isnan(errors["soft tissue"])
    assert errors["all"] == pytest.approx((10 + 200 + 5 + 20) / 4)


def test_tissue_classes_cover_every_simulated_pixel_once():
    batch = BrainSimulator(32, seed=3, contrasts=("ct",), lesion_prob=1.0).sample(4)
    masks = tissue_masks(batch.ct, batch.labels, batch.lesion_mask)
    count = sum(m.long() for m in masks.values())
    assert count.eq(1).all()
    assert batch.ct[masks["bone"]].min() >= 300 and masks["bone"].any() and masks["soft tissue"].any()


def test_mismatched_shapes_are_refused():
    with pytest.raises(ValueError, match="same shape"):
        mean_absolute_error_by_tissue(torch.zeros(2, 1, 8, 8), torch.zeros(3, 1, 8, 8), torch.zeros(3, 8, 8))
    with pytest.raises(ValueError, match="labels"):
        tissue_masks(torch.zeros(2, 1, 8, 8), torch.zeros(2, 1, 8, 8))


def test_lesion_contrast_against_scipy_dilation():
    rng = np.random.default_rng(0)
    images = rng.normal(30, 5, (3, 1, 16, 16))
    lesion = np.zeros_like(images, dtype=bool)
    lesion[0, 0, 5:8, 6:9] = True
    lesion[2, 0, 0:2, 0:3] = True  # at the border
    images[lesion] += 35
    surround = np.ones_like(lesion)
    surround[2, 0, :, 4:] = False
    expected = []
    for i in (0, 2):
        ring = ndimage.binary_dilation(lesion[i, 0], np.ones((5, 5))) & ~lesion[i, 0] & surround[i, 0]
        expected.append(images[i, 0][lesion[i, 0]].mean() - images[i, 0][ring].mean())
    measured = lesion_contrast(torch.from_numpy(images), torch.from_numpy(lesion), torch.from_numpy(surround), ring=2)
    assert measured.shape == (2,)  # the image without a lesion is left out
    assert np.allclose(measured.numpy(), expected)
    assert measured[0].item() == pytest.approx(35, abs=5)


def test_simulated_lesions_are_brighter_in_ct_and_darker_in_t1():
    batch = BrainSimulator(64, seed=5, contrasts=("t1", "ct"), lesion_prob=1.0).sample(16)
    parenchyma = (batch.labels >= 2).unsqueeze(1)
    assert lesion_contrast(batch.ct, batch.lesion_mask, parenchyma).mean() > 15  # HU: 65 against 28 to 40
    assert lesion_contrast(batch.t1, batch.lesion_mask, parenchyma).mean() < -0.05


def test_lesion_contrast_refuses_bad_input():
    with pytest.raises(ValueError, match="lesion_mask"):
        lesion_contrast(torch.zeros(2, 1, 8, 8), torch.zeros(2, 1, 4, 4), torch.zeros(2, 1, 8, 8))
    with pytest.raises(ValueError, match="ring"):
        lesion_contrast(torch.zeros(2, 1, 8, 8), torch.zeros(2, 1, 8, 8), torch.zeros(2, 1, 8, 8), ring=0)
