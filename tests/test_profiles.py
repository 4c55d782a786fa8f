import pytest
import torch

from gancourse.profiles import Profile, current_profile


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("GANCOURSE_PROFILE", "smoke")
    assert current_profile().name == "smoke"
    assert current_profile().pick(smoke=1, cpu=2, gpu=3) == 1
    monkeypatch.setenv("GANCOURSE_PROFILE", "CPU ")
    assert current_profile().name == "cpu"


def test_default_profile_follows_cuda(monkeypatch):
    monkeypatch.delenv("GANCOURSE_PROFILE", raising=False)
    assert current_profile().name == ("gpu" if torch.cuda.is_available() else "cpu")


def test_unknown_profile_lists_valid_ones(monkeypatch):
    monkeypatch.setenv("GANCOURSE_PROFILE", "laptop")
    with pytest.raises(ValueError, match="unknown profile 'laptop'.*smoke, cpu, gpu"):
        current_profile()


def test_budgets_and_device():
    assert [Profile(n).budget_seconds for n in ("smoke", "cpu", "gpu")] == [30, 300, 900]
    assert Profile("cpu").device == torch.device("cpu")
    assert "smoke" in str(Profile("smoke"))
