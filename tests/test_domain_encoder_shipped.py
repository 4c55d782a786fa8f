"""The domain encoder ships with gancourse: its weights are checked and loaded without any training, a damaged
file is a clear error, and training it again from scratch gives a network whose distances agree with the
shipped one's (the slow test; ``python -m gancourse.metrics.domain --retrain OUT`` prints the same comparison).
"""
import hashlib
import shutil

import pytest
import torch

from gancourse.data.brain import SIMULATOR_VERSION
from gancourse.metrics import domain
from gancourse.storage import CorruptFile

# How far a retrained encoder's distances may move from the shipped one's, relative to the distance. Measured
# on the 8 reference pairs (torch 2.13, x86-64 CPU): a retrain gives the shipped weights bit for bit, difference
# 0. Another order of floating-point sums (the same training on 2 threads, as another CPU or torch would sum)
# grows into other weights and moves the distances by up to 13%, their order unchanged; training with another
# seed moves them by up to 54%. The tolerance, about twice the first figure, is meant to hold on other
# hardware, and still tells the shipped recipe from another seed.
RELATIVE_TOLERANCE = 0.25


def test_the_shipped_file_has_the_recorded_checksum():
    assert domain.WEIGHTS.is_file(), f"{domain.WEIGHTS} is missing: it must ship with the package"
    assert hashlib.sha256(domain.WEIGHTS.read_bytes()).hexdigest() == domain.WEIGHTS_SHA256
    assert domain.WEIGHTS.stat().st_size < 300_000  # a float32 state dict, nothing else


def test_the_shipped_weights_were_trained_with_todays_settings():
    assert dict(domain.TRAINING, simulator_version=SIMULATOR_VERSION) == domain.WEIGHTS_TRAINED_WITH, (
        "TRAINING or the simulator changed since the shipped domain encoder was trained: train it again with "
        "`python -m gancourse.metrics.domain --retrain gancourse/metrics/weights/domain_encoder.pt` and record "
        "the WEIGHTS_SHA256 and WEIGHTS_TRAINED_WITH it prints")


def test_the_encoder_loads_without_training_or_cache(monkeypatch, tmp_path):
    def no_training(*args, **kwargs):
        raise AssertionError("load_encoder must not train")

    monkeypatch.setattr(domain, "train_encoder", no_training)
    monkeypatch.setattr(domain, "_ENCODER", None)
    monkeypatch.setenv("GANCOURSE_CACHE", str(tmp_path))
    encoder = domain.load_encoder()
    assert encoder is domain.load_encoder()  # built once per process
    assert not encoder.training and not any(p.requires_grad for p in encoder.parameters())
    state = domain.read_weights()
    assert all(t.dtype == torch.float32 for t in state.values() if torch.is_floating_point(t))
    assert all(torch.equal(state[name], value) for name, value in encoder.state_dict().items())
    assert list(tmp_path.iterdir()) == []  # nothing cached


def test_a_damaged_or_missing_file_is_a_clear_error_not_a_retrain(monkeypatch, tmp_path):
    monkeypatch.setattr(domain, "train_encoder", lambda *a, **k: pytest.fail("a bad file must not trigger training"))
    damaged = tmp_path / "domain_encoder.pt"
    shutil.copyfile(domain.WEIGHTS, damaged)
    payload = bytearray(damaged.read_bytes())
    payload[len(payload) // 2] ^= 0x01  # one flipped bit in a weight
    damaged.write_bytes(bytes(payload))
    expected = r"(?s)domain_encoder\.pt.*SHA-256.*Reinstall gancourse.*--retrain"
    with pytest.raises(CorruptFile, match=expected) as raised:
        domain.read_weights(damaged)
    assert str(damaged) in str(raised.value)

    damaged.write_bytes(domain.WEIGHTS.read_bytes()[:1000])  # truncated
    with pytest.raises(CorruptFile, match=expected):
        domain.read_weights(damaged)

    # load_encoder reads the shipped path: a damaged file there stops it with the same error
    monkeypatch.setattr(domain, "WEIGHTS", damaged)
    monkeypatch.setattr(domain, "_ENCODER", None)
    with pytest.raises(CorruptFile, match=expected):
        domain.load_encoder()
    with pytest.raises(FileNotFoundError, match=r"(?s)no file .*missing\.pt.*Reinstall gancourse.*--retrain"):
        domain.read_weights(tmp_path / "missing.pt")


def test_weights_of_another_network_are_refused():
    with pytest.raises(CorruptFile, match="do not fit gancourse.nets.DomainEncoder"):
        domain.encoder_from_weights({"blocks.0.0.weight": torch.zeros(3)})


def test_saved_weights_round_trip_with_their_digest(tmp_path):
    encoder = domain.load_encoder()
    digest = domain.save_weights(encoder, tmp_path / "copy.pt")
    state = domain.read_weights(tmp_path / "copy.pt", digest)
    assert all(torch.equal(state[name], value) for name, value in encoder.state_dict().items())


@pytest.mark.slow
def test_a_retrain_from_scratch_agrees_with_the_shipped_encoder():
    # The full training of the shipped encoder (one thread), then 16 distances: 122 s on a busy 2-core
    # machine (load 4), about 90 s of it training.
    fresh = domain.train_encoder(progress=False)
    shipped = domain.load_encoder()
    images = domain.reference_images()
    old, new = domain.reference_distances(shipped, images), domain.reference_distances(fresh, images)
    identical = all(torch.equal(value, shipped.state_dict()[name]) for name, value in fresh.state_dict().items())
    for rendering in domain.REFERENCE_RENDERINGS:
        keys = [key for key in old if key[:2] == rendering]
        assert sorted(keys, key=old.get) == sorted(keys, key=new.get), (old, new)  # the same ordering
        for key in keys:
            assert new[key] == pytest.approx(old[key], rel=RELATIVE_TOLERANCE), (key, old[key], new[key], identical)
            if identical:
                assert new[key] == old[key]
