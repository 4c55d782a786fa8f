"""The spatial transformer of chapter 4.6 (gancourse.data.warp) against SciPy and hand-made fields."""
import numpy as np
import pytest
import torch
from scipy import ndimage

from gancourse.data.warp import compose, identity_grid, random_displacement, warp, warp_labels


def _image(size=24, seed=0):
    stream = torch.Generator().manual_seed(seed)
    smooth = torch.nn.functional.avg_pool2d(torch.rand(1, 1, size + 4, size + 4, generator=stream), 5, 1)
    return smooth.double()


def test_a_constant_shift_matches_scipy_in_the_interior():
    image = _image()
    shift = (1.3, -2.6)  # rows, columns: scipy.ndimage.shift's order
    # warped(p) = image(p + u): scipy's shift(image, s) is image(p - s), so u = -s, x first
    u = torch.zeros(1, 2, 24, 24, dtype=torch.float64)
    u[:, 0], u[:, 1] = -shift[1], -shift[0]
    ours = warp(image, u)[0, 0].numpy()
    theirs = ndimage.shift(image[0, 0].numpy(), shift, order=1, mode="nearest")
    inside = (slice(4, -4), slice(4, -4))  # away from the borders, where the two pad differently
    np.testing.assert_allclose(ours[inside], theirs[inside], atol=1e-10)


def test_the_identity_field_returns_the_input_and_labels():
    image = _image().float()
    assert torch.allclose(warp(image, torch.zeros(1, 2, 24, 24)), image, atol=1e-6)
    labels = torch.randint(0, 4, (2, 10, 12), generator=torch.Generator().manual_seed(1))
    zero = torch.zeros(2, 2, 10, 12)
    assert torch.equal(warp_labels(labels, zero, how="nearest"), labels)
    assert torch.equal(warp_labels(labels, zero, 4), labels)


def test_a_whole_pixel_shift_moves_labels_by_that_many_pixels():
    labels = torch.randint(0, 3, (1, 8, 8), generator=torch.Generator().manual_seed(2))
    u = torch.zeros(1, 2, 8, 8)
    u[:, 0] = 2.0  # read two columns to the right
    for how in ("nearest", "one-hot"):
        moved = warp_labels(labels, u, 3, how=how)
        assert torch.equal(moved[..., :6], labels[..., 2:])


def test_composition_of_two_shifts_is_their_sum_and_follows_warping():
    u, v = torch.full((1, 2, 16, 16), 0.5), torch.zeros(1, 2, 16, 16)
    v[:, 1] = -1.25
    assert torch.allclose(compose(u, v), u + v)
    # a smooth field composed with a shift: warping twice equals warping once, inside
    image = _image(16).float()
    w = random_displacement(1, 16, max_pixels=1.5, generator=torch.Generator().manual_seed(3))
    twice, once = warp(warp(image, v), w), warp(image, compose(w, v))
    assert torch.allclose(twice[..., 3:-3, 3:-3], once[..., 3:-3, 3:-3], atol=2e-2)


def test_identity_grid_and_random_fields():
    grid = identity_grid(3, 4)
    assert grid.shape == (2, 3, 4) and grid[0, 2, 3] == 3 and grid[1, 2, 3] == 2
    fields = random_displacement(3, 20, max_pixels=2.5, generator=torch.Generator().manual_seed(0))
    assert fields.shape == (3, 2, 20, 20)
    assert torch.allclose(fields.norm(dim=1).flatten(1).max(1).values, torch.full((3,), 2.5))
    again = random_displacement(3, 20, max_pixels=2.5, generator=torch.Generator().manual_seed(0))
    assert torch.equal(fields, again)


def test_bad_inputs_are_refused():
    image = torch.zeros(2, 1, 8, 8)
    with pytest.raises(ValueError, match="batch, 2, height, width"):
        warp(image, torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match="same batch size"):
        warp(image, torch.zeros(2, 2, 8, 9))
    with pytest.raises(ValueError, match="NaN"):
        warp(image, torch.full((2, 2, 8, 8), float("nan")))
    with pytest.raises(ValueError, match="integer"):
        warp_labels(torch.zeros(2, 8, 8), torch.zeros(2, 2, 8, 8))
    with pytest.raises(ValueError, match="mode"):
        warp(image, torch.zeros(2, 2, 8, 8), mode="bicubic")
    with pytest.raises(ValueError, match="max_pixels"):
        random_displacement(1, 8, max_pixels=-1)
