"""Expected values and reference cases of chapter 4.2's exercises (segmentation)."""
import torch

from gancourse import exercises
from gancourse.exercises import Case
from gancourse.losses.segmentation import multiscale_l1
from gancourse.methods.domain_adaptation import reverse_gradient
from gancourse.metrics.surface import hausdorff_95


@exercises.function("4.2.1", what="your multi-scale L1 loss", forbid=("multiscale_l1",))
def _multiscale_l1_cases():
    stream = torch.Generator().manual_seed(0)

    def pyramid(channels, size, scales):
        """Feature maps that halve in size and double in channels, as a critic's do."""
        return [torch.randn(2, channels * 2 ** k, size // 2 ** k, size // 2 ** k,
                            generator=stream) for k in range(scales)]

    one_a, one_b = pyramid(3, 8, 1), pyramid(3, 8, 1)
    four_a, four_b = pyramid(5, 16, 4), pyramid(5, 16, 4)
    # scales of very different sizes and spreads: a single pooled mean, or a sum, gives another value
    uneven_a = [torch.randn(1, 2, 32, 32, generator=stream), 5 * torch.randn(1, 16, 2, 2, generator=stream)]
    uneven_b = [torch.zeros(1, 2, 32, 32), torch.zeros(1, 16, 2, 2)]
    cases = [("one scale", one_a, one_b), ("four scales of a critic's shapes", four_a, four_b),
             ("two scales of very different sizes", uneven_a, uneven_b)]
    return [Case(label, (a, b), multiscale_l1(a, b)) for label, a, b in cases]


def _ellipse(size, centre, radii):
    rows, columns = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    return ((rows - centre[0]) / radii[0]) ** 2 + ((columns - centre[1]) / radii[1]) ** 2 <= 1


@exercises.function("4.2.2", what="your 95th-percentile Hausdorff distance", tolerance=1e-4,
                    forbid=("hausdorff_95",))
def _hausdorff_cases():
    lesion = _ellipse(32, (15, 14), (5, 4))
    blob = lesion.clone()
    blob[1:4, 26:29] = True  # a distant 3x3 blob
    two = _ellipse(32, (8, 8), (3, 3)) | _ellipse(32, (22, 20), (4, 6))
    ragged = lesion & (torch.rand(32, 32, generator=torch.Generator().manual_seed(2)) > 0.2)
    cases = [("an ellipse and the same moved 1 row down and 3 columns right",
              lesion, torch.roll(lesion, (1, 3), (0, 1))),
             ("an ellipse and the same with a distant blob", blob, lesion),
             ("two lesions and a larger ellipse", two, _ellipse(32, (15, 14), (9, 7))),
             ("an ellipse with holes and the whole ellipse", ragged, lesion)]
    return [Case(label, (a, b), hausdorff_95(a, b)) for label, a, b in cases]


@exercises.value("4.2.3", what="x.grad[2] through the reversal", tolerance=1e-6)
def _reversed_gradient():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (reverse_gradient(x, 0.3) ** 2).sum().backward()
    return x.grad[2].item()
