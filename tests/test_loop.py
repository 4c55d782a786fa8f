"""The one training loop (gancourse.train.Trainer) as every method uses it: exact resume, the budget, one history
format, checkpoints that refuse what they must, and files and caches that survive faults.

The reference of each resume test is the same training run done straight through; of each refusal, the trainer
as it was before the refused load; of each storage fault, the file as it was before."""
import os
import re
import subprocess
import sys
import threading
import warnings

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

from gancourse import storage, viz  # noqa: E402
from gancourse.devices import outputs_on_cpu  # noqa: E402
from gancourse.methods import (RECIPES, ACGANTrainer, ClassifierTrainer, CycleGANTrainer, GANTrainer,  # noqa: E402
                               Pix2PixTrainer, translate)
from gancourse.nets import (ACGANDiscriminator, ACGANGenerator, DCGANDiscriminator, DCGANGenerator,  # noqa: E402
                            LesionSegmenter, MLPDiscriminator, MLPGenerator, PatchDiscriminator, ResNetGenerator,
                            SliceClassifier, UNetGenerator)
from gancourse.storage import CorruptFile, atomic_path, cached, load_checked, save_atomically, save_checked  # noqa
from gancourse.train import CHECKPOINT_KIND, TrainingDiverged, seed_everything  # noqa: E402

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
N = 6  # steps of a straight run; the interrupted one stops after N // 2


# ---------------------------------------------------------------------------------------------- tiny methods
def images(n, size=16, channels=1, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, channels, size, size, generator=g) * 2 - 1


def smooth_images(n, seed, size=16):
    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(n, 1, 4, 4, generator=g) * 2 - 1
    return torch.nn.functional.interpolate(coarse, size=size, mode="bilinear", align_corners=True)


def gan(init=0, **kwargs):
    """A DCGAN on 16x16 noise images; ``init`` seeds the networks' initial weights."""
    seed_everything(init)
    return GANTrainer(DCGANGenerator(z_dim=4, width=4, image_size=16), DCGANDiscriminator(width=4, image_size=16),
                      images(32), batch_size=4, seed=0, **kwargs)


def acgan(init=0, **kwargs):
    seed_everything(init)
    G, D = ACGANGenerator(3, z_dim=4, width=4, image_size=16), ACGANDiscriminator(3, width=4, image_size=16)
    return ACGANTrainer(G, D, images(24), torch.arange(24) % 3, batch_size=4, seed=0, ema_decay=0.9, **kwargs)


def pix2pix(init=0, discriminator=True, **kwargs):
    seed_everything(init)
    condition = images(16, size=32, seed=1)
    D = PatchDiscriminator(2, width=4, n_layers=1) if discriminator else None
    # The U-Net's dropout draws from PyTorch's global random stream: the checkpoint must restore it.
    return Pix2PixTrainer(UNetGenerator(1, 1, 32, width=4), D, condition, -condition, batch_size=4, seed=0, **kwargs)


def cyclegan(init=0, **kwargs):
    seed_everything(init)
    nets = (ResNetGenerator(1, 1, width=4, n_blocks=1), ResNetGenerator(1, 1, width=4, n_blocks=1),
            PatchDiscriminator(1, width=4, n_layers=1, norm="instance"),
            PatchDiscriminator(1, width=4, n_layers=1, norm="instance"))
    a, b = smooth_images(8, 1), -smooth_images(10, 2)
    # Pools of 2 with batches of 2: full after the first step, swapping old and new images after that.
    return CycleGANTrainer(*nets, a, b, batch_size=2, pool_size=2, lesion_masks_a=(a > 0.5).float(),
                           segmenter=LesionSegmenter(1, width=4), seed=0, **kwargs)


def classifier(init=0, **kwargs):
    seed_everything(init)
    x = images(32, seed=3)
    labels = (x[:, 0, 4:12, 4:12].mean((1, 2)) > 0).long()
    # SliceClassifier's dropout and the augmentation draw random numbers too.
    return ClassifierTrainer(SliceClassifier(2, width=4), x, labels, steps=N, batch_size=8, augment=True, seed=0,
                             **kwargs)


def gan_outputs(trainer):
    return trainer.sample(4)


FAMILIES = {
    "gan with a weight average": (lambda init=0, **kw: gan(init, ema_decay=0.9, **kw), gan_outputs),
    "wgan-gp": (lambda init=0, **kw: gan(init, loss="wasserstein", gp_weight=10, d_steps=2, betas=(0.0, 0.9), **kw),
                gan_outputs),
    "wgan (rmsprop, clipping)": (lambda init=0, **kw: gan(init, **RECIPES["wgan"], **kw), gan_outputs),
    "acgan": (acgan, lambda t: t.sample(6)[0]),
    "pix2pix": (pix2pix, lambda t: translate(t.generator, t.condition)),
    "pix2pix without discriminator": (lambda init=0, **kw: pix2pix(init, discriminator=False, **kw),
                                      lambda t: translate(t.generator, t.condition)),
    "cyclegan with segmenter and full pools": (
        cyclegan, lambda t: torch.cat([translate(t.g_ab, t.images_a), translate(t.g_ba, t.images_b),
                                       outputs_on_cpu(t.segmenter, t.images_a)])),
    "classifier": (classifier, lambda t: outputs_on_cpu(t.model, t.images)),
}

# What each trainer's documentation says it records (besides 'step' and 'seconds'), written out by hand.
RECORDED = {
    "gan with a weight average": {"loss_g", "loss_d", "d_real", "d_fake"},
    "wgan-gp": {"loss_g", "loss_d", "d_real", "d_fake", "penalty", "grad_norm"},
    "wgan (rmsprop, clipping)": {"loss_g", "loss_d", "d_real", "d_fake"},
    "acgan": {"loss_g", "loss_d", "d_real", "d_fake", "loss_class", "class_acc_real", "class_acc_fake"},
    "pix2pix": {"loss_g", "loss_d"},
    "pix2pix without discriminator": {"loss_g"},
    "cyclegan with segmenter and full pools": {"loss_g", "loss_d", "loss_cycle", "loss_identity", "loss_lesion"},
    "classifier": {"loss"},
}


# ---------------------------------------------------------------------------------------------- comparisons
def snapshot(trainer):
    """Everything that decides how training continues, copied: weights, buffers, weight averages, optimiser
    states, random streams (the trainer's, PyTorch's global one, CUDA's), the method's own state, history."""
    state = {
        "networks": {name: net.state_dict() for name, net in trainer.networks.items()},
        "averages": {name: net.state_dict() for name, net in trainer.averages.items()},
        "optimizers": {name: opt.state_dict() for name, opt in trainer.optimizers.items()},
        "rngs": {name: g.get_state() for name, g in trainer.rngs.items()},
        "global rng": torch.get_rng_state(),
        "extra": trainer.extra_state(),
        "history": {k: v for k, v in trainer.history.items() if k != "seconds"},
        "steps_done": trainer.steps_done,
    }
    if trainer.device.type == "cuda":
        state["cuda rng"] = torch.cuda.get_rng_state(trainer.device)
    return _copy(state)


def _copy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    return value


def assert_same(a, b, where="state"):
    """Bit-identical: tensors with torch.equal (and the same dtype), everything else with ==."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape, where
        assert torch.equal(a, b), f"{where} differs"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{where}: keys {sorted(a)} != {sorted(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), f"{where}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


# ---------------------------------------------------------------------------------------------- exact resume
@pytest.mark.parametrize("family", FAMILIES)
def test_resume_is_bit_identical_to_training_straight_through(family, tmp_path):
    build, outputs = FAMILIES[family]
    straight = build()
    initial = snapshot(straight)
    straight.fit(steps=N, progress=False)
    reference = snapshot(straight)
    reference_outputs = outputs(straight)

    first = build()
    first.fit(steps=N // 2, progress=False)
    first.save(tmp_path / "half.pt")
    del first
    # A fresh trainer built the same way, in a "new session": other initial weights, another global stream.
    resumed = build(init=1)
    torch.manual_seed(12345)
    resumed.load(tmp_path / "half.pt")
    assert resumed.steps_done == N // 2 and resumed.history["step"] == list(range(1, N // 2 + 1))
    resumed.fit(steps=N, progress=False)

    assert_same(snapshot(resumed), reference)
    assert torch.equal(outputs(resumed), reference_outputs)
    # not vacuous: training changed the weights, and the history counts the steps 1 .. N
    assert reference["history"]["step"] == list(range(1, N + 1))
    assert any(not torch.equal(initial["networks"][name][k], v)
               for name, net in reference["networks"].items() for k, v in net.items() if v.is_floating_point())


def test_cyclegan_resume_crosses_full_swapping_pools(tmp_path):
    trainer = cyclegan()
    trainer.fit(steps=N // 2, progress=False)
    for pool, seed in ((trainer.pool_a, 1), (trainer.pool_b, 2)):
        assert len(pool.images) == 2  # full
        # the pool has drawn from its own stream, i.e. it decided between old and new images
        assert not torch.equal(pool.rng.get_state(), torch.Generator().manual_seed(seed).get_state())
    trainer.save(tmp_path / "run.pt")
    state = load_checked(tmp_path / "run.pt", CHECKPOINT_KIND)
    assert len(state["extra"]["pool_a"]["images"]) == 2
    assert torch.equal(state["extra"]["pool_a"]["images"][0], trainer.pool_a.images[0])


# ---------------------------------------------------------------------------------------------- the budget
def points_gan(**kwargs):
    seed_everything(0)
    return GANTrainer(MLPGenerator(z_dim=2, hidden=(8,)), MLPDiscriminator((2,), hidden=(8,)),
                      torch.randn(32, 2) * 0.5, batch_size=4, seed=0, **kwargs)


def adam_steps(optimizer):
    return {int(state["step"]) for state in optimizer.state.values()}


def test_steps_are_totals():
    trainer = points_gan()
    trainer.fit(steps=5, progress=False)
    trainer.fit(steps=5, progress=False)  # already there: nothing more
    assert trainer.steps_done == 5 and trainer.history["step"] == [1, 2, 3, 4, 5]
    assert adam_steps(trainer.opt_g) == {5} and adam_steps(trainer.opt_d) == {5}  # Adam's own count
    trainer.fit(steps=8, progress=False)
    assert trainer.steps_done == 8 and trainer.history["step"] == list(range(1, 9))
    assert adam_steps(trainer.opt_g) == {8}
    trainer.fit(steps=3, progress=False)  # a target already passed trains nothing
    assert trainer.steps_done == 8 and adam_steps(trainer.opt_g) == {8}


def test_seconds_stop_training_and_are_totals_too():
    trainer = points_gan()
    trainer.fit(steps=10**9, seconds=0.2, progress=False)
    done = trainer.steps_done
    assert 1 <= done < 10**9 and trainer.seconds >= 0.2
    seconds = trainer.history["seconds"]
    assert len(seconds) == done and seconds == sorted(seconds) and seconds[-1] >= 0.2
    assert all(s <= 0.2 for s in seconds[:-1])  # it stopped at the first step that reached the budget
    trainer.fit(seconds=0.2, progress=False)  # the time is spent: nothing more
    trainer.fit(steps=done + 3, seconds=0.2, progress=False)  # whichever comes first: the seconds
    assert trainer.steps_done == done and adam_steps(trainer.opt_g) == {done}
    trainer.fit(steps=done + 3, progress=False)
    assert trainer.steps_done == done + 3
    # the clock went on from where it stopped: the time recorded never goes back
    assert trainer.history["seconds"] == sorted(trainer.history["seconds"]) and trainer.seconds >= 0.2


def test_a_resumed_trainer_continues_to_the_same_target(tmp_path):
    path = tmp_path / "run.pt"
    first = points_gan(checkpoint=path, checkpoint_every=100)
    first.fit(steps=4, progress=False)  # the checkpoint is written at the end of fit
    resumed = points_gan().load(path)
    assert resumed.steps_done == 4 and resumed.seconds == first.seconds
    resumed.fit(steps=10, progress=False)
    assert resumed.steps_done == 10 and resumed.history["step"] == list(range(1, 11))
    assert resumed.history["seconds"] == sorted(resumed.history["seconds"])  # its clock went on
    assert resumed.history["seconds"][4] >= first.seconds
    assert adam_steps(resumed.opt_g) == {10}
    # the training time already spent counts towards a budget in seconds
    again = points_gan().load(path)
    again.fit(seconds=first.seconds, progress=False)
    assert again.steps_done == 4


def test_fit_without_a_budget_is_a_clear_error():
    trainer = points_gan()
    with pytest.raises(ValueError, match="give steps=.*or seconds="):
        trainer.fit()
    with pytest.raises(ValueError, match="steps must be a whole number >= 0"):
        trainer.fit(steps=-1)
    with pytest.raises(ValueError, match="seconds must be a finite number >= 0"):
        trainer.fit(seconds=float("nan"))
    assert trainer.steps_done == 0 and trainer.history == {"step": [], "seconds": []}


# ---------------------------------------------------------------------------------------------- history
@pytest.mark.parametrize("family", FAMILIES)
def test_every_trainer_has_one_history_format_that_plot_losses_draws(family):
    trainer = FAMILIES[family][0]()
    history = trainer.fit(steps=3, progress=False)
    assert set(history) == {"step", "seconds"} | RECORDED[family]
    assert all(len(values) == 3 for values in history.values())
    assert history["step"] == [1, 2, 3]
    assert all(isinstance(s, float) and s >= 0 for s in history["seconds"]) and history["seconds"] == sorted(
        history["seconds"])
    losses = {key for key in RECORDED[family] if key.startswith("loss")}

    ax = viz.plot_losses(history)
    try:
        assert {text.get_text() for text in ax.get_legend().get_texts()} == losses
        assert len(ax.get_lines()) == 2 * len(losses)  # the raw values and their running mean
        for key in losses:
            drawn = [line for line in ax.get_lines() if line.get_label() == key]
            assert len(drawn) == 1
            assert list(drawn[0].get_xdata()) == [1, 2, 3]
            assert list(drawn[0].get_ydata()) == pytest.approx(history[key])  # fewer steps than the window
    finally:
        import matplotlib.pyplot as plt
        plt.close(ax.figure)


# ---------------------------------------------------------------------------------------------- checkpoint faults
def saved_gan(path, **kwargs):
    trainer = gan(**kwargs)
    trainer.fit(steps=2, progress=False)
    trainer.save(path)
    return trainer


def test_one_flipped_bit_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "run.pt"
    saved_gan(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x08  # one bit, in the middle of the file: inside the stored weights
    path.write_bytes(bytes(data))
    fresh = gan(init=1)
    before = snapshot(fresh)
    with pytest.raises(CorruptFile, match=re.escape(str(path)) + ".*(checksum|not a readable file)"):
        fresh.load(path)
    assert_same(snapshot(fresh), before)


def test_a_checkpoint_missing_a_part_is_refused(tmp_path):
    path = tmp_path / "run.pt"
    state = saved_gan(tmp_path / "whole.pt").state()
    del state["optimizers"]
    save_checked(state, path, CHECKPOINT_KIND)  # the right kind and checksum, but no optimisers
    fresh = gan(init=1)
    before = snapshot(fresh)
    with pytest.raises(CorruptFile, match=re.escape(str(path)) + " is a checkpoint without optimizers"):
        fresh.load(path)
    assert_same(snapshot(fresh), before)


def test_an_adam_checkpoint_is_refused_by_an_rmsprop_trainer_before_any_step(tmp_path):
    path = tmp_path / "adam.pt"
    saved_gan(path)
    rmsprop = gan(init=1, optimizer="rmsprop")
    before = snapshot(rmsprop)
    with pytest.raises(ValueError, match="trained with Adam for the (generator|discriminator), this trainer uses "
                                         "RMSprop"):
        rmsprop.load(path)
    assert_same(snapshot(rmsprop), before)
    assert isinstance(rmsprop.opt_g, torch.optim.RMSprop) and adam_steps(rmsprop.opt_g) == set()


def test_a_checkpoint_of_another_method_or_setup_is_refused(tmp_path):
    saved_gan(tmp_path / "gan.pt")
    translator = pix2pix(init=1)
    before = snapshot(translator)
    with pytest.raises(ValueError, match="checkpoint of a GANTrainer, not of a Pix2PixTrainer"):
        translator.load(tmp_path / "gan.pt")
    assert_same(snapshot(translator), before)

    baseline = pix2pix(discriminator=False)
    baseline.fit(steps=1, progress=False)
    baseline.save(tmp_path / "l1.pt")
    before = snapshot(translator)
    with pytest.raises(ValueError, match="has no networks discriminator"):
        translator.load(tmp_path / "l1.pt")
    assert_same(snapshot(translator), before)

    conditional = acgan()
    conditional.save(tmp_path / "acgan.pt")
    plain = gan(init=1)
    plain_before = snapshot(plain)
    with pytest.raises(ValueError, match="checkpoint of a ACGANTrainer, not of a GANTrainer"):
        plain.load(tmp_path / "acgan.pt")
    assert_same(snapshot(plain), plain_before)


def test_a_loaded_trainer_uses_its_own_learning_rates(tmp_path):
    path = tmp_path / "run.pt"
    original = saved_gan(path, lr_g=1e-3, lr_d=2e-3)
    lower = gan(init=1, lr_g=1e-5, lr_d=3e-5).load(path)
    assert [g["lr"] for g in lower.opt_g.param_groups] == [1e-5]
    assert [g["lr"] for g in lower.opt_d.param_groups] == [3e-5]
    assert_same(lower.opt_g.state_dict()["state"], original.opt_g.state_dict()["state"])  # Adam's moments kept
    # Reference: the original trainer with its rates set to the lower ones by hand takes the same step.
    for group in original.opt_g.param_groups:
        group["lr"] = 1e-5
    for group in original.opt_d.param_groups:
        group["lr"] = 3e-5
    lower.fit(steps=3, progress=False)
    original.fit(steps=3, progress=False)
    assert_same(snapshot(lower)["networks"], snapshot(original)["networks"])


def test_nan_weights_stop_save_and_keep_the_previous_checkpoint(tmp_path):
    path = tmp_path / "run.pt"
    trainer = gan(checkpoint=path, checkpoint_every=1)
    trainer.fit(steps=2, progress=False)
    before = path.read_bytes()
    with torch.no_grad():
        weight = next(trainer.G.parameters())
        weight[(0,) * weight.dim()] = float("nan")
    with pytest.raises(TrainingDiverged, match=r"the generator's \S+ is no longer finite at step 2"):
        trainer.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.pt"]
    assert load_checked(path, CHECKPOINT_KIND)["steps_done"] == 2


def test_a_loss_that_becomes_nan_stops_fit_and_the_last_good_checkpoint_stays(tmp_path):
    def data(go_bad_after):
        draws = []

        def draw(n, generator):
            draws.append(n)
            batch = torch.rand(n, 1, 16, 16, generator=generator) * 2 - 1
            return batch.fill_(float("nan")) if len(draws) > go_bad_after else batch
        return draw

    def trainer(draw, **kwargs):
        seed_everything(0)
        return GANTrainer(DCGANGenerator(z_dim=4, width=4, image_size=16), DCGANDiscriminator(width=4, image_size=16),
                          draw, batch_size=4, seed=0, **kwargs)

    path = tmp_path / "run.pt"
    failing = trainer(data(go_bad_after=4), checkpoint=path, checkpoint_every=2)  # the 5th batch is NaN
    with pytest.raises(TrainingDiverged, match=r"loss_[gd] became nan at step 5\. The last checkpoint"):
        failing.fit(steps=10, progress=False)
    # the last good checkpoint: the one of step 4, equal to a run of 4 steps on good data
    good = trainer(data(go_bad_after=10**9))
    good.fit(steps=4, progress=False)
    state = load_checked(path, CHECKPOINT_KIND)
    assert state["steps_done"] == 4 and state["history"]["step"] == [1, 2, 3, 4]
    assert_same(state["networks"], snapshot(good)["networks"])
    assert [p.name for p in tmp_path.iterdir()] == ["run.pt"]


# ---------------------------------------------------------------------------------------------- storage
def test_two_threads_writing_one_path_at_once_both_succeed(tmp_path, monkeypatch):
    path = tmp_path / "shared.pt"
    payloads = [torch.full((20_000,), 1.0), torch.full((20_000,), 2.0)]
    together = threading.Barrier(2, timeout=20)
    real_fsync = os.fsync

    def fsync_then_wait(fd):  # both writers have written their file, and neither has renamed it yet
        real_fsync(fd)
        together.wait()

    monkeypatch.setattr(storage.os, "fsync", fsync_then_wait)
    errors = []

    def write(payload):
        try:
            save_checked(payload, path, "test payload")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    loaded = load_checked(path, "test payload")
    assert any(torch.equal(loaded, payload) for payload in payloads)
    assert [p.name for p in tmp_path.iterdir()] == ["shared.pt"]


def test_a_stale_temporary_file_of_a_dead_writer_is_removed_after_the_next_save(tmp_path):
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # its pid now belongs to no process
    stale = tmp_path / f".data.pt.{finished.pid}-1-0a1b.part"
    stale.write_bytes(b"half of a file")
    other_file = tmp_path / f".other.pt.{finished.pid}-1-0a1b.part"  # another file's: not ours to judge
    other_file.write_bytes(b"half of another file")
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        in_progress = tmp_path / f".data.pt.{running.pid}-1-2c3d.part"  # a writer that is still alive
        in_progress.write_bytes(b"being written")
        save_atomically(torch.ones(3), tmp_path / "data.pt")
        assert not stale.exists()
        assert in_progress.exists() and other_file.exists()
        assert torch.equal(torch.load(tmp_path / "data.pt", weights_only=True), torch.ones(3))
    finally:
        running.kill()
        running.wait()


def test_a_failing_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "data.pt"
    save_atomically(torch.arange(3), path)
    before = path.read_bytes()

    def broken_save(obj, handle, *args, **kwargs):
        handle.write(b"half a file")
        raise OSError("No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(torch, "save", broken_save)
        with pytest.raises(OSError, match="No space left"):
            save_atomically(torch.arange(5), path)
    assert path.read_bytes() == before
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(path) as temporary:
            temporary.write_bytes(b"half")
            raise KeyboardInterrupt  # killed half-way, by the user
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["data.pt"]


# ---------------------------------------------------------------------------------------------- cache faults
def counting_build(value):
    calls = []

    def build():
        calls.append(1)
        return value.clone()
    return build, calls


def cache_warnings(caught, folder):
    return [w for w in caught if "cannot be written" in str(w.message) and str(folder) in str(w.message)]


def test_a_cache_file_is_written_once_and_then_read(tmp_path):
    build, calls = counting_build(torch.arange(4.0))
    assert torch.equal(cached(tmp_path / "c.pt", "test cache", build), torch.arange(4.0))
    assert torch.equal(cached(tmp_path / "c.pt", "test cache", build), torch.arange(4.0))
    assert len(calls) == 1 and torch.equal(load_checked(tmp_path / "c.pt", "test cache"), torch.arange(4.0))


@pytest.mark.parametrize("error", [OSError(30, "Read-only file system"),
                                   RuntimeError("PytorchStreamWriter failed writing file data/0")])
def test_a_cache_folder_that_cannot_be_written_keeps_results_in_memory(tmp_path, monkeypatch, error):
    def refuse(obj, path):
        raise error

    monkeypatch.setattr(storage, "save_atomically", refuse)
    build, calls = counting_build(torch.arange(4.0))
    other = tmp_path / "other"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [cached(tmp_path / "a.pt", "test cache", build), cached(tmp_path / "b.pt", "test cache", build),
                   cached(tmp_path / "a.pt", "test cache", build), cached(other / "c.pt", "test cache", build)]
    assert all(torch.equal(r, torch.arange(4.0)) for r in results)
    assert len(calls) == 4  # nothing was kept on disk, so each call builds
    assert len(cache_warnings(caught, tmp_path)) == 2  # once for this folder, once for the other one
    assert len(cache_warnings(caught, other)) == 1
    assert not (tmp_path / "a.pt").exists()


def test_a_cache_path_under_a_regular_file_keeps_results_in_memory(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    build, calls = counting_build(torch.ones(2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = cached(blocker / "cache" / "c.pt", "test cache", build)
        second = cached(blocker / "cache" / "d.pt", "test cache", build)
    assert torch.equal(first, torch.ones(2)) and torch.equal(second, torch.ones(2)) and len(calls) == 2
    assert len(cache_warnings(caught, blocker / "cache")) == 1
    assert blocker.read_text() == "not a folder"


def test_a_cache_file_of_the_wrong_structure_is_built_again(tmp_path):
    path = tmp_path / "c.pt"
    save_checked({"something": "else"}, path, "test cache")  # whole, of the right kind, but not a tensor
    build, calls = counting_build(torch.arange(3.0))
    result = cached(path, "test cache", build, usable=lambda obj: isinstance(obj, torch.Tensor))
    assert torch.equal(result, torch.arange(3.0)) and len(calls) == 1
    assert torch.equal(load_checked(path, "test cache"), torch.arange(3.0))  # replaced


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped bit", "another kind"])
def test_a_damaged_cache_file_is_built_again(tmp_path, damage):
    path = tmp_path / "c.pt"
    save_checked(torch.zeros(1000), path, "test cache")
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x00\x01 not a cache file")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped bit":
        path.write_bytes(data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1:])
    else:
        save_checked(torch.zeros(1000), path, "another cache")
    build, calls = counting_build(torch.arange(3.0))
    assert torch.equal(cached(path, "test cache", build), torch.arange(3.0)) and len(calls) == 1
    assert torch.equal(load_checked(path, "test cache"), torch.arange(3.0))


@pytest.mark.parametrize("unwritable", ["under a regular file", "writes refused"])
def test_the_brain_template_loads_with_an_unwritable_cache(tmp_path, monkeypatch, unwritable):
    from gancourse.data import template

    template.load_template.cache_clear()
    reference = template.load_template()
    if unwritable == "under a regular file":
        (tmp_path / "a_file").write_text("")
        folder = tmp_path / "a_file" / "cache"
    else:  # a read-only or full folder (tests run as root, where chmod does not stop writes)
        folder = tmp_path

        def refuse(obj, path):
            raise OSError(30, "Read-only file system")
        monkeypatch.setattr(storage, "save_atomically", refuse)
    monkeypatch.setenv("GANCOURSE_CACHE", str(folder))
    template.load_template.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            prepared = template.load_template()
        assert torch.equal(prepared["stack"], reference["stack"])
        assert prepared["brain_z"] == reference["brain_z"] and prepared["center_xy"] == reference["center_xy"]
        assert len(cache_warnings(caught, folder)) == 1
        assert not (folder / template.CACHE_NAME).exists()
    finally:
        template.load_template.cache_clear()


# ---------------------------------------------------------------------------------------------- CUDA
def test_without_cuda_a_checkpoint_holds_no_cuda_random_state(tmp_path, monkeypatch):
    def no_cuda(*args, **kwargs):
        raise AssertionError("CUDA was touched on a machine without it")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "get_rng_state_all", no_cuda)
    monkeypatch.setattr(torch.cuda, "set_rng_state_all", no_cuda)
    trainer = saved_gan(tmp_path / "run.pt")
    state = load_checked(tmp_path / "run.pt", CHECKPOINT_KIND)
    assert set(state["rng"]) == {"torch", "data", "latent"}  # PyTorch's global stream and GANTrainer's two
    # A checkpoint written on a GPU (with CUDA's stream) resumes here, without touching CUDA.
    state["rng"]["cuda"] = [torch.zeros(16, dtype=torch.uint8)]
    save_checked(state, tmp_path / "from_gpu.pt", CHECKPOINT_KIND)
    resumed = gan(init=1).load(tmp_path / "from_gpu.pt")
    torch.set_rng_state(state["rng"]["torch"])
    trainer.fit(steps=4, progress=False)
    resumed.fit(steps=4, progress=False)
    assert_same(snapshot(resumed)["networks"], snapshot(trainer)["networks"])


@cuda
def test_wgan_gp_on_the_gpu_resumes_bit_identical(tmp_path, monkeypatch):
    # The gradient penalty draws its interpolation weights from CUDA's random stream: the checkpoint must hold it.
    monkeypatch.setattr(torch.backends.cudnn, "deterministic", True)
    monkeypatch.setattr(torch.backends.cudnn, "benchmark", False)

    def build(init=0):
        seed_everything(init)
        return GANTrainer(MLPGenerator(z_dim=2, hidden=(16,)), MLPDiscriminator((2,), hidden=(16,)),
                          torch.randn(64, 2) * 0.5, loss="wasserstein", gp_weight=10, d_steps=2, betas=(0.0, 0.9),
                          ema_decay=0.9, batch_size=8, seed=0, device="cuda")

    torch.cuda.manual_seed_all(0)
    straight = build()
    straight.fit(steps=N, progress=False)
    reference, reference_samples = snapshot(straight), straight.sample(8)

    torch.cuda.manual_seed_all(0)
    first = build()
    first.fit(steps=N // 2, progress=False)
    first.save(tmp_path / "half.pt")
    assert "cuda" in load_checked(tmp_path / "half.pt", CHECKPOINT_KIND)["rng"]
    torch.cuda.manual_seed_all(999)
    resumed = build(init=1).load(tmp_path / "half.pt")
    resumed.fit(steps=N, progress=False)
    assert_same(snapshot(resumed), reference)
    assert torch.equal(resumed.sample(8), reference_samples)


# --------------------------------------------------------------------------- memory format
def _tiny_dcgan_trainer(**options):
    seed_everything(0)
    images = torch.rand(32, 1, 16, 16) * 2 - 1
    return GANTrainer(DCGANGenerator(8, 8, 1, 16), DCGANDiscriminator(8, 1, 16), images, batch_size=8, seed=0,
                      **options)


def test_channels_last_is_the_gan_default_on_a_cpu_and_only_there_by_default():
    trainer = _tiny_dcgan_trainer()
    assert trainer.channels_last
    conv = next(m for m in trainer.D.modules() if isinstance(m, torch.nn.Conv2d) and m.in_channels > 1)
    assert conv.weight.is_contiguous(memory_format=torch.channels_last) and not conv.weight.is_contiguous()
    assert trainer.pool.is_contiguous(memory_format=torch.channels_last)
    assert trainer.sample(4).is_contiguous()  # samples leave in the usual layout
    assert not _tiny_dcgan_trainer(channels_last=False).channels_last
    with pytest.raises(ValueError, match="channels_last"):
        _tiny_dcgan_trainer(channels_last="yes")


def test_channels_last_changes_the_layout_not_the_arithmetic():
    # the same steps in both layouts: equal up to the rounding of a different summation order
    a, b = _tiny_dcgan_trainer(channels_last=True), _tiny_dcgan_trainer(channels_last=False)
    a.fit(steps=3, progress=False)
    b.fit(steps=3, progress=False)
    for (name, x), (_, y) in zip(a.G.state_dict().items(), b.G.state_dict().items()):
        assert torch.allclose(x, y, atol=1e-5), name
    assert torch.allclose(torch.tensor(a.history["loss_d"]), torch.tensor(b.history["loss_d"]), atol=1e-5)
