"""Expected values and reference cases of chapter 4.3's exercises (reconstruction and super-resolution)."""
import torch

from gancourse import exercises
from gancourse.data.kspace import cartesian_mask, complex_image, data_consistency, fft2c, undersample
from gancourse.exercises import Case
from gancourse.methods.reconstruction import frequency_loss


def _complex(shape, stream):
    return torch.complex(torch.randn(shape, generator=stream), torch.randn(shape, generator=stream))


@exercises.function("4.3.1", what="your data-consistency step", forbid=("data_consistency",))
def _consistency_cases():
    stream = torch.Generator().manual_seed(0)
    cases = []
    for label, size, rate in (("one 16x16 image, 30 % of the lines", 16, 0.3),
                              ("two 32x32 images, 10 % of the lines", 32, 0.1),
                              ("a 12x12 image, every line measured", 12, 1.0)):
        n = 1 if size != 32 else 2
        truth, guess = _complex((n, 1, size, size), stream), _complex((n, 1, size, size), stream)
        mask = cartesian_mask(size, rate, stream)
        measured = undersample(fft2c(truth), mask)
        # An answer that returns the k-space instead of the image, that keeps the guess's lines where they
        # were measured (mask inverted), or that zero-fills the unmeasured lines, fails the first two cases.
        expected = torch.view_as_real(data_consistency(guess, measured, mask))
        cases.append(Case(label, (guess, measured, mask), expected, extract=_real_and_imaginary))
    return cases


def _real_and_imaginary(result, args):
    """Complex images as (..., 2) real numbers, so that the imaginary parts are compared too."""
    return torch.view_as_real(result) if isinstance(result, torch.Tensor) and result.is_complex() else result


@exercises.function("4.3.2", what="your frequency loss", tolerance=1e-4, forbid=("frequency_loss",))
def _frequency_cases():
    stream = torch.Generator().manual_seed(1)
    cases = []
    for label, n, size in (("one 8x8 pair", 1, 8), ("four 16x16 pairs", 4, 16)):
        magnitudes = torch.rand(2 * n, 1, size, size, generator=stream)
        x, y = complex_image(magnitudes, stream).split(n)
        # The mean of the images' errors, not the error of the batch's sums; magnitudes of the k-spaces, not
        # the complex k-spaces (that is the image loss again): each gives another value.
        cases.append(Case(label, (x, y), frequency_loss(x, y)))
    return cases


@exercises.value("4.3.3", what="the scan time in seconds at 25 % of 96 lines")
def _scan_time():
    lines = int(cartesian_mask(96, 0.25)[:, 0].sum())  # the mask's count does not depend on its random draws
    return lines * 0.5  # one line per repetition, TR 500 ms


@exercises.value("4.3.4", what="the image-loss network's mean PSNR gain over zero-filled at 10 % (dB)",
                 tolerance=1e-3)
def _psnr_gain(scores):
    gains = [image["PSNR (dB)"] - zero["PSNR (dB)"]
             for image, zero in zip(scores[0.1]["image loss"], scores[0.1]["zero-filled"])]
    return sum(gains) / len(gains)
