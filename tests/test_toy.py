"""The toy ring of Gaussians of chapter 3.1 and its mode counts, against centres and answers worked out by hand."""
import math

import numpy as np
import pytest
import torch

from gancourse.data.toy import high_quality_share, mode_assignment, modes_covered, ring_centres, ring_of_gaussians

SQRT2 = math.sqrt(2)


def test_ring_centres_of_eight_modes_by_hand():
    centres = ring_centres()  # 8 modes, radius 2: one every 45 degrees, starting on the x axis
    expected = np.array([[2, 0], [SQRT2, SQRT2], [0, 2], [-SQRT2, SQRT2],
                         [-2, 0], [-SQRT2, -SQRT2], [0, -2], [SQRT2, -SQRT2]])
    assert centres.shape == (8, 2) and centres.dtype == torch.float32
    np.testing.assert_allclose(centres.numpy(), expected, atol=1e-6)


def test_ring_centres_of_three_modes_on_another_radius():
    centres = ring_centres(modes=3, radius=1.5).numpy()
    half_root3 = math.sqrt(3) / 2  # sin 120 degrees
    expected = np.array([[1.5, 0], [-0.75, 1.5 * half_root3], [-0.75, -1.5 * half_root3]])
    np.testing.assert_allclose(centres, expected, atol=1e-6)
    np.testing.assert_allclose(np.hypot(centres[:, 0], centres[:, 1]), 1.5, rtol=1e-6)


def _nearest_centre(points, centres):
    """Independent of the library's own mode_assignment: plain NumPy distances."""
    distances = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=-1)
    return distances.argmin(axis=1)


def test_ring_of_gaussians_has_one_blob_per_centre_with_the_asked_std():
    n, std = 40_000, 0.05
    samples = ring_of_gaussians(n, std=std, generator=torch.Generator().manual_seed(0))
    assert samples.shape == (n, 2) and samples.dtype == torch.float32
    points = samples.numpy().astype(np.float64)
    centres = ring_centres().numpy().astype(np.float64)
    nearest = _nearest_centre(points, centres)
    counts = np.bincount(nearest, minlength=8)
    # an equal mixture: every mode gets about n/8 = 5000 samples (binomial sd ~ 66)
    assert np.all(np.abs(counts - n / 8) < 400), counts
    for k in range(8):
        blob = points[nearest == k]
        # the blob's mean is its centre (standard error 0.05 / sqrt(5000) ~ 0.0007) ...
        np.testing.assert_allclose(blob.mean(axis=0), centres[k], atol=0.004)
        # ... and its spread is std in each coordinate
        np.testing.assert_allclose(blob.std(axis=0, ddof=1), std, rtol=0.05)
    # with std 0.05 on a radius-2 ring the blobs are far apart: no point strays more than 6 std from its centre
    assert np.linalg.norm(points - centres[nearest], axis=1).max() < 6 * std


def test_ring_of_gaussians_other_modes_radius_and_std():
    samples = ring_of_gaussians(30_000, modes=4, radius=3.0, std=0.2, generator=torch.Generator().manual_seed(1))
    points = samples.numpy().astype(np.float64)
    centres = np.array([[3, 0], [0, 3], [-3, 0], [0, -3]], dtype=np.float64)
    nearest = _nearest_centre(points, centres)
    for k in range(4):
        blob = points[nearest == k]
        np.testing.assert_allclose(blob.mean(axis=0), centres[k], atol=0.02)
        np.testing.assert_allclose(blob.std(axis=0, ddof=1), 0.2, rtol=0.05)


def test_ring_of_gaussians_with_zero_std_lies_exactly_on_the_centres():
    samples = ring_of_gaussians(200, std=0.0, generator=torch.Generator().manual_seed(0)).numpy()
    centres = ring_centres().numpy()
    on_a_centre = (np.abs(samples[:, None, :] - centres[None]).max(axis=-1) < 1e-7).any(axis=1)
    assert on_a_centre.all()
    assert len(np.unique(samples.round(5), axis=0)) == 8  # 200 draws of 8 modes hit all of them


def test_ring_of_gaussians_repeats_with_the_same_seed_only():
    a = ring_of_gaussians(500, generator=torch.Generator().manual_seed(7))
    b = ring_of_gaussians(500, generator=torch.Generator().manual_seed(7))
    c = ring_of_gaussians(500, generator=torch.Generator().manual_seed(8))
    assert torch.equal(a, b)
    assert not torch.allclose(a, c)


# --------------------------------------------------------------------------- modes_covered, high_quality_share
def at_centres(which, per_mode=10):
    """``per_mode`` points exactly on each centre listed in ``which`` (hand-written coordinates)."""
    exact = {0: (2.0, 0.0), 1: (SQRT2, SQRT2), 2: (0.0, 2.0), 3: (-SQRT2, SQRT2),
             4: (-2.0, 0.0), 5: (-SQRT2, -SQRT2), 6: (0.0, -2.0), 7: (SQRT2, -SQRT2)}
    return torch.tensor([exact[k] for k in which for _ in range(per_mode)], dtype=torch.float32)


def test_samples_on_three_of_eight_centres_cover_three_modes():
    samples = at_centres([0, 3, 6])
    assert modes_covered(samples) == 3
    assert high_quality_share(samples) == 1.0
    assert mode_assignment(samples).tolist() == [0] * 10 + [3] * 10 + [6] * 10


def test_samples_far_from_every_centre_cover_nothing():
    far = torch.tensor([[0.0, 0.0], [5.0, 5.0], [-1.0, 0.3]] * 10)
    assert modes_covered(far) == 0
    assert high_quality_share(far) == 0.0
    # between two neighbouring centres, on the ring itself: 2 * 2 * sin(pi/16) = 0.78 from both, far beyond 3 std
    between = torch.tensor([[2 * math.cos(math.pi / 8), 2 * math.sin(math.pi / 8)]] * 5)
    assert modes_covered(between) == 0 and high_quality_share(between) == 0.0


def test_high_quality_share_counts_realistic_samples_among_all():
    samples = torch.cat([at_centres([1], per_mode=3), torch.zeros(9, 2)])  # 3 good out of 12
    assert high_quality_share(samples) == pytest.approx(0.25)
    assert modes_covered(samples) == 1


def test_three_std_is_the_limit_of_a_mode():
    # std 0.05: within 0.15 of a centre counts, beyond it does not
    inside = torch.tensor([[2.0 + 0.14, 0.0], [0.0, 2.0 - 0.14]])
    outside = torch.tensor([[2.0 + 0.16, 0.0], [0.0, 2.0 - 0.16]])
    assert high_quality_share(inside) == 1.0 and modes_covered(inside) == 2
    assert high_quality_share(outside) == 0.0 and modes_covered(outside) == 0
    # a wider std takes the same points in
    assert high_quality_share(outside, std=0.06) == 1.0


def test_min_share_boundary():
    # 1 sample at centre 0 and 99 at centre 1: mode 0 holds exactly 1 % of the samples
    samples = torch.cat([at_centres([0], per_mode=1), at_centres([1], per_mode=99)])
    assert modes_covered(samples, min_share=0.01) == 2  # 1 >= 0.01 * 100: covered
    assert modes_covered(samples, min_share=0.02) == 1  # 1 < 2: not
    # the share is of *all* samples, the unrealistic ones included: 10 on a centre, 90 far away
    samples = torch.cat([at_centres([5], per_mode=10), torch.zeros(90, 2)])
    assert modes_covered(samples, min_share=0.10) == 1
    assert modes_covered(samples, min_share=0.11) == 0


def test_other_rings_are_counted_with_their_own_geometry():
    centres = torch.tensor([[5.0, 0.0], [0.0, 5.0], [-5.0, 0.0], [0.0, -5.0]])  # modes=4, radius=5 by hand
    samples = centres.repeat_interleave(5, dim=0) + torch.tensor([0.3, -0.4])  # 0.5 from each centre
    assert modes_covered(samples, modes=4, radius=5.0, std=0.2) == 4  # 0.5 < 3 * 0.2
    assert modes_covered(samples, modes=4, radius=5.0, std=0.1) == 0  # 0.5 > 3 * 0.1
    assert modes_covered(samples) == 0  # the default ring (radius 2) is nowhere near


def test_mode_coverage_refuses_points_that_are_not_2d():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        modes_covered(torch.zeros(10, 3))
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        high_quality_share(torch.zeros(10))
