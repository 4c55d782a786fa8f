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


def test_time_scale_shortens_training_times_only(monkeypatch):
    monkeypatch.delenv("GANCOURSE_TIME_SCALE", raising=False)
    gpu = Profile("gpu")
    assert gpu.seconds(smoke=3, cpu=90, gpu=300) == 300 and "GANCOURSE_TIME_SCALE" not in str(gpu)
    monkeypatch.setenv("GANCOURSE_TIME_SCALE", "0.1")
    assert gpu.seconds(smoke=3, cpu=90, gpu=300) == 30.0
    assert Profile("smoke").seconds(smoke=1.5, cpu=90, gpu=300) == 0.15
    assert gpu.pick(smoke=20, cpu=3000, gpu=20000) == 20000  # sizes and step counts stay as they are
    assert "training times x 0.1 (GANCOURSE_TIME_SCALE)" in str(gpu)


@pytest.mark.parametrize("value", ["fast", "0", "-1", "nan", "inf"])
def test_bad_time_scale_names_the_variable_and_the_fix(monkeypatch, value):
    monkeypatch.setenv("GANCOURSE_TIME_SCALE", value)
    with pytest.raises(ValueError, match=f"GANCOURSE_TIME_SCALE='{value}' is not a positive number.*0.1"):
        Profile("cpu").seconds(smoke=1, cpu=2, gpu=3)


def test_runtime_summary_says_profile_device_and_how_to_choose(monkeypatch):
    import gancourse
    from gancourse.profiles import runtime_summary

    monkeypatch.delenv("GANCOURSE_PROFILE", raising=False)
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    text = runtime_summary(notebook_release=gancourse.__version__)
    assert f"gancourse {gancourse.__version__}: profile 'cpu' (chosen automatically: no CUDA GPU)" in text
    assert "training on cpu" in text and "GANCOURSE_PROFILE" in text
    assert "written for" not in text and "Colab" not in text

    monkeypatch.setenv("GANCOURSE_PROFILE", "smoke")
    assert "profile 'smoke' (set by GANCOURSE_PROFILE='smoke')" in runtime_summary()


def test_runtime_summary_on_a_colab_cpu_runtime_says_how_to_get_a_gpu(monkeypatch):
    from gancourse.profiles import runtime_summary

    monkeypatch.delenv("GANCOURSE_PROFILE", raising=False)
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20261101")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert "Runtime > Change runtime type" in runtime_summary()


def test_runtime_summary_names_a_release_mismatch(monkeypatch):
    import gancourse
    from gancourse.profiles import runtime_summary

    text = runtime_summary(notebook_release="0.0.1")
    assert f"written for gancourse 0.0.1, and {gancourse.__version__} is installed" in text
