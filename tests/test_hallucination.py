"""Lesion erasure and invention rates, against hand-computed values."""
import numpy as np
import pytest
import torch

from gancourse.metrics.hallucination import (added_lesion_contrast, hallucination_rates, lesion_survival,
                                             paired_gap)


def _lesion_image(lesion_value):
    image = torch.zeros(1, 1, 12, 12)
    mask = torch.zeros(1, 1, 12, 12)
    mask[..., 5:7, 5:7] = 1
    image[mask > 0] = lesion_value
    return image, mask


def test_survival_is_the_share_of_true_contrast_kept():
    truth, mask = _lesion_image(1.0)
    half, _ = _lesion_image(0.5)
    brain = torch.ones_like(mask)
    # lesion mean minus ring mean: 0.5 - 0 over 1 - 0
    assert lesion_survival(half, truth, mask, brain).item() == pytest.approx(0.5)
    assert lesion_survival(torch.zeros_like(truth), truth, mask, brain).item() == pytest.approx(0.0)
    with pytest.raises(ValueError, match="same shape"):
        lesion_survival(half[..., :6], truth, mask, brain)


def test_added_contrast_ignores_a_global_offset_but_sees_a_blob():
    truth = torch.zeros(2, 1, 16, 16)
    region = torch.ones(2, 1, 16, 16, dtype=torch.bool)
    translated = truth + 0.3  # brighter everywhere: no lesion
    translated[1, 0, 7:10, 7:10] += 1.0  # a 3x3 blob: a radius-1 disc inside it averages +1.0
    added = added_lesion_contrast(translated, truth, region, radius=1)
    assert added[0].item() == pytest.approx(0.0, abs=1e-6)
    assert added[1].item() == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(TypeError, match="boolean"):
        added_lesion_contrast(translated, truth, region.float())


def test_rates_by_hand():
    rates = hallucination_rates(torch.tensor([0.2, 0.6, 1.0, 0.4]), torch.tensor([0.1, 0.5]), threshold=0.3)
    assert rates == pytest.approx({"contrast kept (of true)": 0.55, "lesions kept (≥ half)": 0.5,
                                   "added blob contrast": 0.3, "slices with an invented lesion": 0.5})
    with pytest.raises(ValueError, match="at least one"):
        hallucination_rates(torch.tensor([]), torch.tensor([0.1]), 0.3)


def test_paired_gap_pools_seeds_and_checks_their_signs():
    better = [torch.tensor([1.0, 2.0]), torch.tensor([3.0, 3.0])]
    worse = [torch.tensor([0.0, 0.0]), torch.tensor([1.0, 2.0])]
    gap, two_se, agree = paired_gap(better, worse)
    diffs = np.array([1.0, 2.0, 2.0, 1.0])
    assert gap == pytest.approx(diffs.mean())
    assert two_se == pytest.approx(2 * diffs.std(ddof=1) / 2)
    assert agree
    _, _, agree = paired_gap([torch.tensor([1.0, 1.0]), torch.tensor([0.0, 0.0])],
                             [torch.tensor([0.0, 0.0]), torch.tensor([0.5, 0.5])])
    assert not agree
    with pytest.raises(ValueError, match="one tensor per seed"):
        paired_gap([torch.tensor([1.0])], [])
