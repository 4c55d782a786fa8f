"""Expected values and reference cases of chapter 4.6's exercises (registration)."""
import torch

from gancourse import exercises
from gancourse.data.warp import random_displacement, warp
from gancourse.exercises import Case
from gancourse.metrics.registration import folded_fraction


@exercises.value("4.6.1", what="the Jacobian determinant of the field u(x, y) = (-0.3 x, -0.3 y)")
def _uniform_shrink():
    return (1 - 0.3) ** 2  # the map p -> 0.7 p shrinks every area by 0.7 squared


def _images(seed):
    stream = torch.Generator().manual_seed(seed)
    return torch.rand(2, 1, 12, 10, generator=stream)


@exercises.function("4.6.2", what="your warp", tolerance=1e-4, forbid=("warp",))
def _warp_cases():
    stream = torch.Generator().manual_seed(7)
    shift = torch.zeros(2, 2, 12, 10)
    shift[:, 0], shift[:, 1] = 1.5, -0.75  # half a pixel and more: bilinear interpolation shows
    smooth = random_displacement(2, 12, max_pixels=2.0, generator=stream)[..., :10]
    one_axis = torch.zeros(2, 2, 12, 10)
    one_axis[:, 0] = 2.0  # x only: swapping the channels (x, y) fails here
    cases = [("a constant shift of (1.5, -0.75) pixels", _images(1), shift),
             ("a smooth random field on 12 x 10 images", _images(2), smooth),
             ("a shift of 2 pixels along x only", _images(3), one_axis)]
    return [Case(label, (image, u), warp(image, u)) for label, image, u in cases]


@exercises.function("4.6.3", what="your fraction of folded pixels", tolerance=1e-6, forbid=("folded_fraction",))
def _folding_cases():
    stream = torch.Generator().manual_seed(3)
    size = 10
    x = torch.arange(size, dtype=torch.float32)
    mirror = torch.zeros(1, 2, size, size)
    mirror[0, 0] = (-2 * x).expand(size, size)  # x -> -x: every pixel folds
    rough = 3 * torch.randn(2, 2, size, size, generator=stream)  # noise: many folds
    smooth = random_displacement(2, size, max_pixels=1.0, generator=stream)  # none
    cases = [("a mirror, x -> -x", mirror), ("two noisy fields", rough), ("two smooth fields", smooth)]
    return [Case(label, (u,), folded_fraction(u)) for label, u in cases]
