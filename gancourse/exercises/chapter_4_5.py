"""Expected values and reference cases of chapter 4.5's exercises (low-dose CT de-noising)."""
import math

import torch

from gancourse import exercises
from gancourse.data.ct_projection import MU_WATER_PER_MM, low_dose
from gancourse.exercises import Case
from gancourse.metrics.noise import noise_power_spectrum


@exercises.value("4.5.1", what="the expected number of photons that cross 150 mm of water")
def _photons_through_water():
    return 1e4 * math.exp(-MU_WATER_PER_MM * 150)


def _seeded(seed):
    return torch.Generator().manual_seed(seed)


@exercises.function("4.5.2", what="your low-dose simulation", tolerance=1e-4, forbid=("low_dose",))
def _low_dose_cases():
    stream = torch.Generator().manual_seed(0)
    sinogram = 4 * torch.rand(1, 1, 16, 12, generator=stream)  # line integrals of a head: 0 to 4
    flat = torch.full((50,), 2.0)
    # rays through so much bone that no photon is left: without the guard, -log(0) is infinite
    opaque = torch.cat([torch.full((20,), 30.0), torch.linspace(0, 5, 20)])
    cases = [("a 16-bin, 12-view sinogram at 1e5 photons", sinogram, 1e5, 1),
             ("50 rays with line integral 2 at 1e3 photons", flat, 1e3, 2),
             ("opaque rays and others at 100 photons", opaque, 100.0, 3)]
    # exp(+p) instead of exp(-p), or log(counts / N0) without the minus, fail the first two cases
    return [Case(label, (p, n0, _seeded(seed)), low_dose(p, n0, _seeded(seed)))
            for label, p, n0, seed in cases]


@exercises.value("4.5.3", what="the factor by which the noise's standard deviation grows")
def _noise_factor(photons):
    return math.sqrt(max(photons) / min(photons))


@exercises.function("4.5.4", what="your noise power spectrum", tolerance=1e-4,
                    forbid=("noise_power_spectrum",))
def _nps_cases():
    stream = torch.Generator().manual_seed(4)
    white = 3 * torch.randn(6, 1, 16, 16, generator=stream, dtype=torch.float64)
    # an offset and a ramp: the mean of each image must be removed, or the centre swamps the rest
    offset = 50 + torch.randn(3, 1, 16, 16, generator=stream, dtype=torch.float64)
    ramp = torch.linspace(-1, 1, 16, dtype=torch.float64)
    streaks = torch.randn(2, 1, 16, 1, generator=stream, dtype=torch.float64) * ramp + \
        0.1 * torch.randn(2, 1, 16, 16, generator=stream, dtype=torch.float64)  # not symmetric: fftshift shows
    cases = [("six white-noise images, 0.5 mm pixels", white, 0.5),
             ("three images around 50, 2 mm pixels", offset, 2.0),
             ("two images of streaks, 1 mm pixels", streaks, 1.0)]
    return [Case(label, (x, mm), noise_power_spectrum(x, mm)) for label, x, mm in cases]
