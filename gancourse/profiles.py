"""Run profiles: how big a chapter's run is.

Every size a notebook uses (resolution, training steps, batch size, number of samples) comes from the
active profile, so that the same notebook proves it runs in seconds (``smoke``), shows its result on a
laptop CPU in minutes (``cpu``), or trains at full size on a GPU (``gpu``).

The profile is chosen by the environment variable ``GANCOURSE_PROFILE``; unset, it is ``gpu`` where CUDA
is available and ``cpu`` elsewhere.

>>> P = current_profile()
>>> steps = P.pick(smoke=20, cpu=3000, gpu=20000)
>>> seconds = P.seconds(smoke=3, cpu=90, gpu=300)  # a training time, scaled by GANCOURSE_TIME_SCALE

``GANCOURSE_TIME_SCALE`` (default 1) multiplies every training time a chapter takes from ``seconds``:
0.1 rehearses a chapter at its profile's full sizes in a tenth of the training time, to check a new GPU
machine or to prepare a workshop. The chapter's figures then come from the shorter run, not the book's.
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

import torch

PROFILE_NAMES = ("smoke", "cpu", "gpu")

TIME_SCALE_VARIABLE = "GANCOURSE_TIME_SCALE"

# Budgets per chapter, on 2 CPU cores for smoke and cpu, on a free Colab GPU for gpu (see DESIGN.md).
BUDGET_SECONDS = {"smoke": 30, "cpu": 300, "gpu": 900}


@dataclass(frozen=True)
class Profile:
    """A named run size. ``pick`` chooses the value that belongs to this profile."""

    name: str

    def __post_init__(self):
        if self.name not in PROFILE_NAMES:
            raise ValueError(
                f"unknown profile {self.name!r}: valid profiles are {', '.join(PROFILE_NAMES)}. "
                f"Set GANCOURSE_PROFILE to one of them (or unset it to choose automatically).")

    @property
    def budget_seconds(self) -> int:
        """The time a chapter may take in this profile."""
        return BUDGET_SECONDS[self.name]

    @property
    def device(self) -> torch.device:
        """Where to train: the GPU in the gpu profile when there is one, else the CPU."""
        if self.name == "gpu" and torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("cpu")

    def pick(self, *, smoke, cpu, gpu):
        """The value for this profile: ``P.pick(smoke=32, cpu=32, gpu=64)``."""
        return {"smoke": smoke, "cpu": cpu, "gpu": gpu}[self.name]

    def seconds(self, *, smoke, cpu, gpu):
        """A training time for this profile, in seconds, times ``GANCOURSE_TIME_SCALE`` when that is set."""
        value, scale = self.pick(smoke=smoke, cpu=cpu, gpu=gpu), time_scale()
        return value if scale == 1 else round(value * scale, 2)

    def __str__(self):
        scale = time_scale()
        rehearsal = f", training times x {scale:g} ({TIME_SCALE_VARIABLE})" if scale != 1 else ""
        return f"profile '{self.name}' (budget {self.budget_seconds} s per chapter, device {self.device}{rehearsal})"


def time_scale() -> float:
    """The factor ``GANCOURSE_TIME_SCALE`` puts on training times: 1 when it is unset."""
    raw = os.environ.get(TIME_SCALE_VARIABLE, "").strip()
    if not raw:
        return 1.0
    try:
        scale = float(raw)
    except ValueError:
        scale = math.nan
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"{TIME_SCALE_VARIABLE}={raw!r} is not a positive number: set it to a factor such as 0.1 "
                         "(a tenth of each training time) or unset it to train for the chapter's full time.")
    return scale


def default_profile_name() -> str:
    """``gpu`` where CUDA is available, else ``cpu``."""
    return "gpu" if torch.cuda.is_available() else "cpu"


def current_profile() -> Profile:
    """The profile named by ``GANCOURSE_PROFILE`` (or the default when it is unset or empty)."""
    name = os.environ.get("GANCOURSE_PROFILE", "").strip().lower() or default_profile_name()
    return Profile(name)


def runtime_summary(notebook_release: str | None = None) -> str:
    """What a chapter's setup cell prints: the library's version, the profile and device that will run,
    and how to change them (on Colab: the runtime type). ``notebook_release`` is the release the notebook
    was written for; a different installed version is named, since the chapter may then not run."""
    from . import __version__

    explicit = os.environ.get("GANCOURSE_PROFILE", "").strip()
    profile = current_profile()
    how = f"set by GANCOURSE_PROFILE={explicit!r}" if explicit else (
        "chosen automatically: a CUDA GPU is available" if torch.cuda.is_available()
        else "chosen automatically: no CUDA GPU")
    device = profile.device
    if device.type == "cuda":
        device = f"{device} ({torch.cuda.get_device_name(device)})"
    lines = [f"gancourse {__version__}: profile '{profile.name}' ({how}), training on {device}."]
    if notebook_release and notebook_release != __version__:
        lines.append(f"This notebook was written for gancourse {notebook_release}, and {__version__} is "
                     f"installed: install {notebook_release} (the %pip line above, in a fresh runtime), "
                     f"or open this notebook as release {__version__} has it.")
    on_colab = "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ
    if on_colab and not torch.cuda.is_available():
        lines.append("This Colab runtime has no GPU, so the smaller cpu profile runs. For the gpu profile: "
                     "Runtime > Change runtime type > a GPU (T4 is free), then Runtime > Run all.")
    lines.append("To choose another profile, run os.environ['GANCOURSE_PROFILE'] = 'smoke' (or 'cpu', "
                 "'gpu') in a cell before the chapter's own cells, or set it before starting Jupyter.")
    return "\n".join(lines)
