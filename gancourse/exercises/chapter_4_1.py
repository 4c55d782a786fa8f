"""Expected values and reference cases of chapter 4.1's exercises (synthesis)."""
import torch

from gancourse import exercises
from gancourse.data.mask_edit import grow_mask
from gancourse.exercises import Case
from gancourse.metrics import memorisation_check
from gancourse.metrics.two_sample import binomial_p_value, wilson_interval


def _random_mask(seed, shape, density):
    noise = torch.rand(shape, generator=torch.Generator().manual_seed(seed))
    return (noise < density).float()


@exercises.function("4.1.1", what="your dilation my_grow", forbid=("grow_mask",))
def _grow_cases():
    corner = torch.zeros(1, 1, 7, 9)
    corner[0, 0, 0, 0] = corner[0, 0, 6, 4] = 1.0  # on the edge: nothing may wrap round
    masks = [("two sparse random 12x12 masks", _random_mask(0, (2, 1, 12, 12), 0.1)),
             ("a dense random 10x16 mask", _random_mask(1, (1, 1, 10, 16), 0.4)),
             ("a 7x9 mask with pixels on its edges", corner),
             ("an empty mask", torch.zeros(3, 1, 8, 8))]
    return [Case(label, (mask,), grow_mask(mask, 1)) for label, mask in masks]


@exercises.value("4.1.2", what="the lower end of the interval", tolerance=2e-3)
def _wilson_lower():
    return wilson_interval(14, 20)[0]


@exercises.value("4.1.3", what="the probability of 14 or more right by guessing")
def _guessing():
    return binomial_p_value(14, 20)


@exercises.function("4.1.4", what="your memorisation ratio", forbid=("memorisation_check",))
def _memorisation_cases():
    """Odd set sizes, so that every convention of the median agrees."""
    stream = torch.Generator().manual_seed(4)
    training = torch.rand(9, 2, 8, 8, generator=stream)
    held_out = torch.rand(7, 2, 8, 8, generator=stream)
    fresh = torch.rand(5, 2, 8, 8, generator=stream)
    near_copies = training[:5] + 0.02 * torch.randn(5, 2, 8, 8, generator=stream)
    blurred = 0.5 * training[3:8] + 0.25  # closer to the middle grey than anything real
    cases = [("5 new random images", fresh), ("5 noisy copies of training images", near_copies),
             ("5 training images squeezed towards grey", blurred)]
    return [Case(label, (generated, training, held_out),
                 memorisation_check(generated, training, held_out)["ratio"])
            for label, generated in cases]
