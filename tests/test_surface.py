"""Surface distances (gancourse.metrics.surface) against SciPy's Euclidean distance transform and against
cases computed by hand."""
import math

import numpy as np
import pytest
import torch
from scipy import ndimage

from gancourse.metrics.surface import average_surface_distance, boundary, hausdorff_95, surface_distances


def scipy_surface_distances(a, b, spacing):
    """An independent reference: boundaries by SciPy's erosion, distances read off the Euclidean distance
    transform of the other boundary's complement."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    cross = ndimage.generate_binary_structure(a.ndim, 1)
    edge_a = a & ~ndimage.binary_erosion(a, cross, border_value=0)
    edge_b = b & ~ndimage.binary_erosion(b, cross, border_value=0)
    to_b = ndimage.distance_transform_edt(~edge_b, sampling=spacing)
    to_a = ndimage.distance_transform_edt(~edge_a, sampling=spacing)
    return np.sort(to_b[edge_a]), np.sort(to_a[edge_b])


def random_blobs(seed, shape):
    rng = np.random.default_rng(seed)
    smooth = ndimage.gaussian_filter(rng.normal(size=shape), 2.0)
    return smooth > 0.05, smooth > 0.15 + 0.05 * rng.normal()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape, spacing", [((40, 48), (1.0, 1.0)), ((30, 30), (0.7, 1.3)),
                                            ((14, 16, 12), (1.0, 2.0, 1.5))])
def test_distances_match_scipy_distance_transform(seed, shape, spacing):
    a, b = random_blobs(seed, shape)
    assert a.any() and b.any()
    mine = surface_distances(torch.from_numpy(a), torch.from_numpy(b), spacing=list(spacing))
    reference = scipy_surface_distances(a, b, spacing)
    for got, expected in zip(mine, reference):
        np.testing.assert_allclose(np.sort(got.numpy()), expected, atol=1e-9)
    pooled = np.concatenate(reference)
    assert hausdorff_95(a, b, list(spacing)) == pytest.approx(np.percentile(pooled, 95))
    assert average_surface_distance(a, b, list(spacing)) == pytest.approx(pooled.mean())


def test_boundary_matches_scipy_erosion_with_the_edge_outside():
    a, _ = random_blobs(7, (20, 20))
    a[0, :] = True  # touches the image's edge, which counts as outside
    expected = a & ~ndimage.binary_erosion(a, ndimage.generate_binary_structure(2, 1), border_value=0)
    assert np.array_equal(boundary(torch.from_numpy(a)).numpy(), expected)


def test_hand_computed_square_and_point():
    # a 3x3 square at rows and columns 2-4: 8 boundary pixels; a single pixel at (2, 7)
    square = torch.zeros(10, 10)
    square[2:5, 2:5] = 1
    point = torch.zeros(10, 10)
    point[2, 7] = 1
    # the point's nearest boundary pixel is (2, 4): 3 away. The square's pixels: distances to (2, 7)
    # (2,2) (2,3) (2,4) (3,2) (3,4) (4,2) (4,3) (4,4): row and column offsets to (2, 7)
    distances = sorted([5, 4, 3, math.sqrt(1 + 25), math.sqrt(1 + 9), math.sqrt(4 + 25), math.sqrt(4 + 16),
                        math.sqrt(4 + 9)])
    to_point, to_square = surface_distances(square, point)
    assert sorted(to_point.tolist()) == pytest.approx(distances)
    assert to_square.tolist() == pytest.approx([3.0])
    pooled = distances + [3.0]
    assert average_surface_distance(square, point) == pytest.approx(sum(pooled) / 9)
    assert hausdorff_95(square, point) == pytest.approx(np.percentile(pooled, 95))


def test_shifted_square_and_spacing():
    a = torch.zeros(12, 12, dtype=torch.bool)
    a[3:7, 3:7] = True
    b = torch.roll(a, 2, dims=1)  # the same square, two columns to the right
    # every boundary pixel of one lies at most 2 columns from the other's boundary
    assert hausdorff_95(a, b) <= 2.0 + 1e-12
    assert hausdorff_95(a, b, spacing=0.5) == pytest.approx(hausdorff_95(a, b) * 0.5)
    assert average_surface_distance(a, b, spacing=(1.0, 3.0)) > average_surface_distance(a, b)


def test_identical_masks_are_at_distance_zero():
    a, _ = random_blobs(3, (24, 24))
    assert hausdorff_95(a, a) == 0.0
    assert average_surface_distance(a, a) == 0.0


def test_empty_masks_have_a_documented_answer():
    empty, full = torch.zeros(8, 8), torch.zeros(8, 8)
    full[3, 3] = 1
    assert hausdorff_95(empty, empty) == 0.0 and average_surface_distance(empty, empty) == 0.0
    assert hausdorff_95(empty, full) == math.inf and hausdorff_95(full, empty) == math.inf
    assert average_surface_distance(full, empty) == math.inf
    assert surface_distances(empty, full) is None


def test_symmetric():
    a, b = random_blobs(11, (32, 32))
    assert hausdorff_95(a, b) == pytest.approx(hausdorff_95(b, a))
    assert average_surface_distance(a, b) == pytest.approx(average_surface_distance(b, a))


@pytest.mark.parametrize("bad, message", [
    (lambda: hausdorff_95(torch.zeros(4, 4), torch.zeros(5, 5)), "same shape"),
    (lambda: hausdorff_95(torch.full((4, 4), 0.5), torch.zeros(4, 4)), "not a binary mask"),
    (lambda: hausdorff_95(torch.zeros(2, 1, 4, 4), torch.zeros(2, 1, 4, 4)), "once per image"),
    (lambda: hausdorff_95(torch.zeros(4, 4), torch.zeros(4, 4), spacing=(1.0,)), "one per axis"),
    (lambda: hausdorff_95(torch.zeros(4, 4), torch.zeros(4, 4), spacing=-1), "pixel size"),
])
def test_bad_inputs_say_what_to_fix(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        bad()
