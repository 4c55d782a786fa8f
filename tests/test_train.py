"""The training loop: exact resumption, atomic checkpoints, clear errors, divergence detection."""
import pytest
import torch

from gancourse.nets import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from gancourse.methods.gan import RECIPES, GANTrainer
from gancourse.storage import CorruptFile, load_checked
from gancourse.train import CHECKPOINT_KIND, TrainingDiverged, seed_everything


def make_trainer(checkpoint=None, seed=0, **kwargs):
    seed_everything(seed)
    pool = torch.rand(64, 1, 16, 16) * 2 - 1
    G = DCGANGenerator(z_dim=8, width=8, image_size=16)
    D = DCGANDiscriminator(width=8, image_size=16)
    return GANTrainer(G, D, pool, batch_size=8, seed=seed, checkpoint=checkpoint, checkpoint_every=5, **kwargs)


def parameters(trainer):
    return torch.cat([p.detach().flatten() for p in [*trainer.G.parameters(), *trainer.D.parameters()]])


def test_interrupted_training_resumes_bit_identical(tmp_path):
    uninterrupted = make_trainer(ema_decay=0.9)
    uninterrupted.fit(steps=12, progress=False)

    first = make_trainer(tmp_path / "run.pt", ema_decay=0.9)
    first.fit(steps=7, progress=False)  # "interrupted" after 7 steps; the checkpoint holds step 7
    torch.manual_seed(999)  # the interruption disturbs the global random state
    resumed = make_trainer(seed=0, ema_decay=0.9).load(tmp_path / "run.pt")
    assert resumed.steps_done == 7
    resumed.fit(steps=12, progress=False)

    assert torch.equal(parameters(resumed), parameters(uninterrupted))
    assert resumed.history["loss_d"] == uninterrupted.history["loss_d"]
    assert torch.equal(resumed.sample(4), uninterrupted.sample(4))


def test_checkpoint_round_trip_loads_with_weights_only(tmp_path):
    trainer = make_trainer(tmp_path / "ckpt.pt")
    trainer.fit(steps=5, progress=False)
    torch.load(tmp_path / "ckpt.pt", weights_only=True)  # the file itself loads without running code
    state = load_checked(tmp_path / "ckpt.pt", CHECKPOINT_KIND)
    assert state["steps_done"] == 5 and len(state["history"]["loss_g"]) == 5
    other = make_trainer(seed=3).load(tmp_path / "ckpt.pt")
    assert torch.equal(parameters(other), parameters(trainer))


def test_failed_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    trainer = make_trainer(path)
    trainer.fit(steps=5, progress=False)
    before = path.read_bytes()

    def broken_save(obj, handle, *args, **kwargs):
        handle.write(b"half a checkpoint")
        raise OSError("No space left on device")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="No space left"):
        trainer.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]  # no temporary file left behind


def test_corrupt_and_foreign_checkpoints_are_refused(tmp_path):
    trainer = make_trainer()
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"\x00\x01 not a checkpoint")
    with pytest.raises(CorruptFile, match="corrupt.pt is not a readable file"):
        trainer.load(corrupt)
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, foreign)
    with pytest.raises(CorruptFile, match="foreign.pt is a PyTorch file but was not written by gancourse"):
        trainer.load(foreign)
    with pytest.raises(FileNotFoundError, match="no file at"):
        trainer.load(tmp_path / "missing.pt")


def test_checkpoint_of_another_model_is_refused(tmp_path):
    trainer = make_trainer(tmp_path / "small.pt")
    trainer.fit(steps=5, progress=False)
    seed_everything(0)
    wider = GANTrainer(DCGANGenerator(z_dim=8, width=16, image_size=16), DCGANDiscriminator(width=8, image_size=16),
                       torch.rand(8, 1, 16, 16))
    with pytest.raises(ValueError, match="different generator"):
        wider.load(tmp_path / "small.pt")


def test_divergence_is_reported_with_a_hint():
    trainer = make_trainer(lr_g=1e30, lr_d=1e30)
    with pytest.raises(TrainingDiverged, match=r"loss_\w became \S+ at step \d+\..*Lower the learning rates"):
        trainer.fit(steps=50, progress=False)


def test_critic_steps_and_max_seconds():
    seed_everything(0)
    pool = torch.randn(32, 2)
    D = MLPDiscriminator((2,), hidden=(8,))
    calls = []
    D.register_forward_hook(lambda *args: calls.append(1))
    trainer = GANTrainer(MLPGenerator(z_dim=2, hidden=(8,)), D, pool, loss="wasserstein", d_steps=5, batch_size=4)
    trainer.step()
    assert len(calls) == 5 * 2 + 1  # five critic updates (real and fake each), one generator update
    trainer.fit(steps=10_000, seconds=0.2, progress=False)
    assert trainer.steps_done < 10_000


def test_bad_inputs_are_explained():
    with pytest.raises(TypeError, match="tensor of real samples or a function"):
        GANTrainer(MLPGenerator(), MLPDiscriminator(), [1, 2, 3])
    with pytest.raises(ValueError, match="z_dim"):
        GANTrainer(torch.nn.Linear(2, 2), MLPDiscriminator(), torch.randn(4, 2))
    G = DCGANGenerator(z_dim=8, width=8, image_size=16)
    with pytest.raises(ValueError, match=r"latent vectors of shape \(batch, 8\)"):
        G(torch.randn(2, 9))
    D = DCGANDiscriminator(width=8, image_size=16)
    with pytest.raises(ValueError, match=r"\(batch, 1, 16, 16\); got \(2, 1, 32, 32\)"):
        D(torch.randn(2, 1, 32, 32))
    with pytest.raises(TypeError, match="x.float"):
        D(torch.zeros(2, 1, 16, 16, dtype=torch.uint8))


def test_weight_clipping_clamps_every_critic_parameter():
    trainer = make_trainer(loss="wasserstein", optimizer="rmsprop", lr_g=5e-5, lr_d=5e-3, d_steps=2, clip_value=0.01)
    parameters_d = list(trainer.D.parameters())
    # already clipped before the first update (the batch-norm scales start near 1)
    assert all(p.abs().max() <= 0.01 for p in parameters_d)
    trainer.fit(steps=3, progress=False)
    assert all(p.abs().max() <= 0.01 for p in parameters_d)
    at_the_bound = torch.cat([p.detach().flatten() for p in parameters_d]).abs().eq(0.01).float().mean()
    assert at_the_bound > 0.1  # clipping really acted (these learning rates push weights out)
    assert isinstance(trainer.opt_d, torch.optim.RMSprop) and isinstance(trainer.opt_g, torch.optim.RMSprop)
    assert any(p.abs().max() > 0.01 for p in trainer.G.parameters())  # the generator is never clipped


@pytest.mark.parametrize("d_steps", [1, 5])
def test_critic_takes_the_configured_number_of_updates_per_generator_update(d_steps):
    trainer = make_trainer(loss="wasserstein", d_steps=d_steps)
    trainer.fit(steps=3, progress=False)
    # Adam counts its own updates per parameter
    assert {int(trainer.opt_d.state[p]["step"]) for p in trainer.D.parameters()} == {3 * d_steps}
    assert {int(trainer.opt_g.state[p]["step"]) for p in trainer.G.parameters()} == {3}


class LinearCritic(torch.nn.Module):
    def __init__(self, weight):
        super().__init__()
        self.weight = torch.nn.Parameter(weight.clone())

    def forward(self, x):
        return x.flatten(1) @ self.weight


@pytest.mark.parametrize("scale", [0.5, 1.0, 3.0])
def test_gradient_penalty_in_the_critic_loss_is_weight_times_norm_minus_one_squared(scale):
    seed_everything(0)
    weight = torch.randn(4)
    weight = scale * weight / weight.norm()  # a linear critic with weight norm `scale`
    trainer = GANTrainer(MLPGenerator(z_dim=2, out_shape=(4,), hidden=(8,)), LinearCritic(weight),
                         torch.randn(32, 4), loss="wasserstein", gp_weight=10, lr_d=1e-12, batch_size=8)
    record = trainer.step()
    assert record["grad_norm"] == pytest.approx(scale, rel=1e-5)
    assert record["penalty"] == pytest.approx((scale - 1) ** 2, abs=1e-6)
    wasserstein = record["d_fake"] - record["d_real"]
    assert record["loss_d"] == pytest.approx(wasserstein + 10 * (scale - 1) ** 2, abs=1e-5)
    assert "penalty" not in trainer.history  # step() alone records nothing: the loop does
    assert trainer.fit(steps=2, progress=False)["grad_norm"][-1] == pytest.approx(scale)


def test_bad_critic_settings_are_explained():
    with pytest.raises(ValueError, match=r"d_steps must be a whole number >= 1 .*; got 0"):
        make_trainer(d_steps=0)
    with pytest.raises(ValueError, match="clip_value must be a finite number > 0"):
        make_trainer(clip_value=-0.01)
    with pytest.raises(ValueError, match="unknown optimizer 'sgd': choose from adam, rmsprop"):
        make_trainer(optimizer="sgd")


def test_no_discriminator_won_warning_for_a_wasserstein_critic(recwarn):
    # A critic's loss is negative whenever it separates real from fake: that is not "winning".
    critic = make_trainer(loss="wasserstein")
    for _ in range(250):
        critic._record({"loss_d": -5.0, "loss_g": 1.0, "d_real": 3.0, "d_fake": -2.0})
    assert not [w for w in recwarn if "stayed below 0.001" in str(w.message)]
    judge = make_trainer(loss="nonsaturating")
    with pytest.warns(UserWarning, match="stayed below 0.001 for 200 steps"):
        for _ in range(200):
            judge._record({"loss_d": 1e-4, "loss_g": 9.0, "d_real": 9.0, "d_fake": -9.0})


@pytest.mark.parametrize("name,optimizer,lr,d_steps", [("dcgan", torch.optim.Adam, 2e-4, 1),
                                                      ("wgan", torch.optim.RMSprop, 5e-5, 5),
                                                      ("wgan_gp", torch.optim.Adam, 1e-4, 5)])
def test_published_recipes_configure_the_trainer(name, optimizer, lr, d_steps):
    trainer = make_trainer(**RECIPES[name])
    assert isinstance(trainer.opt_d, optimizer) and trainer.opt_d.param_groups[0]["lr"] == lr
    assert trainer.d_steps == d_steps
    assert trainer.clip_value == (0.01 if name == "wgan" else None)
    assert trainer.gp_weight == (10 if name == "wgan_gp" else 0)
    if name == "wgan_gp":
        assert trainer.opt_d.param_groups[0]["betas"] == (0.0, 0.9)  # Gulrajani et al.: no momentum


def test_cosine_rate_by_hand():
    from gancourse.train import cosine_rate

    assert cosine_rate(0.1, 0, 100) == pytest.approx(0.1)
    assert cosine_rate(0.1, 50, 100) == pytest.approx(0.05)  # cos(pi / 2) = 0
    assert cosine_rate(0.1, 25, 100) == pytest.approx(0.1 * (1 + 2 ** -0.5) / 2)
    assert cosine_rate(0.1, 100, 100) == pytest.approx(0.0) and cosine_rate(0.1, 150, 100) == pytest.approx(0.0)
