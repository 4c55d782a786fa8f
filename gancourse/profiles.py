"""Run profiles: how big a chapter's run is.

Every size a notebook uses (resolution, training steps, batch size, number of samples) comes from the
active profile, so that the same notebook proves it runs in seconds (``smoke``), shows its result on a
laptop CPU in minutes (``cpu``), or trains at full size on a GPU (``gpu``).

The profile is chosen by the environment variable ``GANCOURSE_PROFILE``; unset, it is ``gpu`` where CUDA
is available and ``cpu`` elsewhere.

>>> P = current_profile()
>>> steps = P.pick(smoke=20, cpu=3000, gpu=20000)
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch

PROFILE_NAMES = ("smoke", "cpu", "gpu")

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

    def __str__(self):
        return f"profile '{self.name}' (budget {self.budget_seconds} s per chapter, device {self.device})"


def default_profile_name() -> str:
    """``gpu`` where CUDA is available, else ``cpu``."""
    return "gpu" if torch.cuda.is_available() else "cpu"


def current_profile() -> Profile:
    """The profile named by ``GANCOURSE_PROFILE`` (or the default when it is unset or empty)."""
    name = os.environ.get("GANCOURSE_PROFILE", "").strip().lower() or default_profile_name()
    return Profile(name)
