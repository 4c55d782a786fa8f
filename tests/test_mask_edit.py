"""Lesion-mask edits (gancourse.data.mask_edit) against SciPy's morphology and masks drawn by hand."""
import math

import numpy as np
import pytest
import torch
from scipy import ndimage

from gancourse.data.mask_edit import add_lesion, grow_mask, move_mask, random_edits


def _mask(points, size=9):
    m = torch.zeros(1, 1, size, size)
    for r, c in points:
        m[0, 0, r, c] = 1
    return m


def test_move_mask_shifts_by_whole_pixels_and_loses_what_leaves():
    m = _mask([(2, 3), (8, 8)])
    moved = move_mask(m, (1, -2))
    assert moved[0, 0, 3, 1] == 1 and moved.sum() == 1  # (8, 8) left the image down: lost, not wrapped
    back = move_mask(move_mask(m, (0, 4)), (0, -4))
    assert back[0, 0, 2, 3] == 1 and back[0, 0, 8, 8] == 0  # (8, 12) was outside the image


def test_move_mask_takes_one_shift_per_case_and_respects_allowed():
    m = torch.cat([_mask([(4, 4)]), _mask([(4, 4)])])
    moved = move_mask(m, [(1, 0), (0, 1)])
    assert moved[0, 0, 5, 4] == 1 and moved[1, 0, 4, 5] == 1
    allowed = torch.zeros_like(m)
    assert move_mask(m, (1, 0), allowed).sum() == 0


@pytest.mark.parametrize("pixels", [1, 2, 3])
def test_grow_mask_is_scipy_dilation_with_a_3x3_square(pixels):
    rng = np.random.default_rng(0)
    m = (rng.random((12, 12)) > 0.93).astype(np.float32)
    expected = ndimage.binary_dilation(m, structure=np.ones((3, 3)), iterations=pixels)
    assert np.array_equal(grow_mask(torch.from_numpy(m)[None, None], pixels)[0, 0].numpy(), expected)


@pytest.mark.parametrize("pixels", [1, 2])
def test_shrinking_is_scipy_erosion_with_the_outside_counted_as_mask(pixels):
    rng = np.random.default_rng(1)
    m = ndimage.binary_dilation(rng.random((12, 12)) > 0.8, iterations=1).astype(np.float32)
    expected = ndimage.binary_erosion(m, structure=np.ones((3, 3)), iterations=pixels, border_value=1)
    assert np.array_equal(grow_mask(torch.from_numpy(m)[None, None], -pixels)[0, 0].numpy(), expected)


def test_add_lesion_draws_the_pixels_whose_centres_lie_inside_the_ellipse():
    centre, (a, b), angle = (5.0, 6.0), (3.0, 1.5), math.pi / 6
    drawn = add_lesion(torch.zeros(1, 1, 11, 13), centre, (a, b), angle)[0, 0]
    by_hand = torch.zeros(11, 13)
    for r in range(11):
        for c in range(13):
            dr, dc = r - centre[0], c - centre[1]
            u = dr * math.cos(angle) + dc * math.sin(angle)
            v = -dr * math.sin(angle) + dc * math.cos(angle)
            by_hand[r, c] = float((u / a) ** 2 + (v / b) ** 2 <= 1)
    assert torch.equal(drawn, by_hand)
    assert drawn.sum() > 0 and drawn[5, 6] == 1
    assert add_lesion(_mask([(0, 0)], 11), centre, (1, 1))[0, 0, 0, 0] == 1  # what was there stays


def test_random_edits_repeat_with_the_seed_and_every_case_keeps_a_lesion_inside_allowed():
    masks = torch.cat([_mask([(4, 4), (4, 5)], 16), torch.zeros(1, 1, 16, 16), _mask([(10, 10)], 16)])
    allowed = torch.zeros_like(masks)
    allowed[..., 2:14, 2:14] = 1
    one = random_edits(masks, allowed, torch.Generator().manual_seed(3))
    two = random_edits(masks, allowed, torch.Generator().manual_seed(3))
    assert torch.equal(one[0], two[0]) and one[1] == two[1]
    edited, names = one
    assert names[1] == "add"  # a case without a lesion always gets one
    assert bool((edited.flatten(1).sum(1) > 0).all())
    assert bool((edited <= allowed).all())
    kinds = set()
    for seed in range(20):
        kinds |= set(random_edits(masks, allowed, torch.Generator().manual_seed(seed))[1])
    assert kinds == {"move", "grow", "add"}


def test_bad_masks_get_clear_errors():
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        grow_mask(torch.zeros(5, 5), 1)
    with pytest.raises(ValueError, match="only 0s and 1s"):
        grow_mask(torch.full((1, 1, 4, 4), 0.5), 1)
    with pytest.raises(TypeError, match="tensor"):
        move_mask(np.zeros((1, 1, 4, 4)), (1, 1))
    with pytest.raises(ValueError, match="shift"):
        move_mask(torch.zeros(2, 1, 4, 4), [(1, 1), (1, 1), (0, 0)])
    with pytest.raises(ValueError, match="radii"):
        add_lesion(torch.zeros(1, 1, 4, 4), (1, 1), (0, 2))
    with pytest.raises(ValueError, match="nowhere"):
        random_edits(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 4, 4), torch.Generator())
