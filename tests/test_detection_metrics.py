"""Chapter 4.4's detection measures against scikit-learn and a brute-force threshold sweep."""
import numpy as np
import pytest
import torch
from sklearn.metrics import average_precision_score, roc_auc_score

from gancourse.metrics.detection import average_precision, best_dice, image_auroc, pixel_auroc


def _maps(seed=0, n=5, size=12, levels=None):
    """Anomaly maps that are higher, on average, on a few blob-like lesions; ``levels`` rounds them to make ties."""
    stream = torch.Generator().manual_seed(seed)
    lesion = (torch.rand(n, 1, size, size, generator=stream) < 0.08).float()
    brain = torch.rand(n, 1, size, size, generator=stream) < 0.8
    brain |= lesion.bool()
    scores = torch.rand(n, 1, size, size, generator=stream) + 0.6 * lesion
    if levels:
        scores = torch.round(scores * levels) / levels
    return scores, lesion, brain


@pytest.mark.parametrize("levels", [None, 4])  # 4 levels: most pixels tie with others
def test_pixel_auroc_and_auprc_match_scikit_learn(levels):
    scores, lesion, brain = _maps(levels=levels)
    x, y = scores[brain].numpy(), lesion[brain].numpy()
    assert pixel_auroc(scores, lesion, brain) == pytest.approx(roc_auc_score(y, x), abs=1e-12)
    assert average_precision(scores, lesion, brain) == pytest.approx(average_precision_score(y, x), abs=1e-12)
    # without a mask, every pixel counts
    assert average_precision(scores, lesion) == pytest.approx(
        average_precision_score(lesion.flatten().numpy(), scores.flatten().numpy()), abs=1e-12)


def test_a_random_score_gets_the_prevalence_as_auprc():
    stream = torch.Generator().manual_seed(3)
    lesion = (torch.rand(200_000, generator=stream) < 0.05).float()
    scores = torch.rand(200_000, generator=stream)
    assert average_precision(scores, lesion) == pytest.approx(float(lesion.mean()), abs=0.005)
    assert pixel_auroc(scores, lesion) == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize("levels", [None, 5])
def test_best_dice_matches_a_brute_force_sweep(levels):
    scores, lesion, brain = _maps(seed=1, levels=levels)
    x, y = scores[brain].numpy(), lesion[brain].numpy().astype(bool)
    brute = max(2 * np.sum((x >= t) & y) / (np.sum(x >= t) + y.sum()) for t in np.unique(x))
    dice, threshold = best_dice(scores, lesion, brain)
    assert dice == pytest.approx(brute, abs=1e-12)
    assert 2 * np.sum((x >= threshold) & y) / (np.sum(x >= threshold) + y.sum()) == pytest.approx(dice)


def test_a_perfect_map_scores_one():
    _, lesion, brain = _maps(seed=2)
    assert pixel_auroc(lesion * 3, lesion, brain) == 1.0
    assert average_precision(lesion * 3, lesion, brain) == 1.0
    assert best_dice(lesion * 3, lesion, brain)[0] == 1.0


def test_image_auroc_matches_scikit_learn():
    stream = torch.Generator().manual_seed(4)
    has = torch.rand(40, generator=stream) < 0.5
    scores = torch.rand(40, generator=stream) + 0.3 * has
    assert image_auroc(scores, has) == pytest.approx(roc_auc_score(has.numpy(), scores.numpy()))


def test_bad_inputs_say_what_is_wrong():
    scores, lesion, brain = _maps()
    with pytest.raises(ValueError, match="same shape"):
        pixel_auroc(scores[:, :, :5], lesion, brain)
    with pytest.raises(ValueError, match="brain_mask"):
        average_precision(scores, lesion, brain[:2])
    with pytest.raises(ValueError, match="0 .healthy. and 1"):
        best_dice(scores, lesion * 0.7, brain)
    with pytest.raises(ValueError, match="brain_mask must hold 0"):  # 0.3 would count as inside
        pixel_auroc(scores, lesion, brain * 0.3)
    assert pixel_auroc(scores, lesion, brain.float()) == pixel_auroc(scores, lesion, brain)  # 0/1 is fine
    with pytest.raises(ValueError, match="all healthy"):
        pixel_auroc(scores, torch.zeros_like(lesion), brain)
    with pytest.raises(ValueError, match="NaN"):
        average_precision(scores.masked_fill(lesion.bool(), float("nan")), lesion, brain)
    with pytest.raises(TypeError, match="scores"):
        pixel_auroc("map", lesion, brain)
    with pytest.raises(ValueError, match="positive and one negative"):
        image_auroc([0.1, 0.2], [True, True])
