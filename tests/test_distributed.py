"""The one loop under torchrun: two gloo processes on the CPU train a GAN, a WGAN-GP and pix2pix.

One launch (``python -m torch.distributed.run --standalone --nproc_per_node 2`` on this file, which is then its
own worker) runs every scenario below in both processes and saves what each process saw; the tests compare it
with independent references computed here, in one process:

* the first update of two processes equals one process on the doubled batch (the batch of process 0, then the
  batch of process 1), for WGAN-GP (a critic without batch norm, so the penalty's double backward through
  the wrapped critic is checked) and for the DCGAN with batch norm, whose statistics stay per process: it
  equals one process that normalises each half of the doubled batch on its own, and not one that
  normalises the doubled batch as a whole (that would need SyncBatchNorm, which runs on GPUs only);
* rank 0 alone writes checkpoints, their state dicts carry no ``module.`` prefix, and they resume in one
  process; a checkpoint of one process resumes in two;
* ``fit(seconds=...)`` stops both processes at the same step although their clocks differ (else the run
  would hang: the launch has a time limit), and the progress bar shows on rank 0 only.
"""
import contextlib
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

import gancourse.train as train_module
from gancourse import distributed
from gancourse.methods import gan as gan_module
from gancourse.methods.gan import RECIPES, GANTrainer
from gancourse.methods.pix2pix import Pix2PixTrainer
from gancourse.nets import (DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator,
                            PatchDiscriminator, UNetGenerator)
from gancourse.storage import load_checked
from gancourse.train import CHECKPOINT_KIND, GLOBAL_STREAM_OFFSET, seed_everything

HALF = 4  # each process's batch; the doubled batch of the one-process references is 2 * HALF


# ------------------------------------------------------------------------------------------ the trainers
def points(n=64):
    return torch.randn(n, 2, generator=torch.Generator().manual_seed(5))


def images(n=32, size=16, seed=0):
    return torch.rand(n, 1, size, size, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def wgan_gp_nets():
    seed_everything(1)
    return MLPGenerator(z_dim=2, hidden=(16,)), MLPDiscriminator((2,), hidden=(16,))


def dcgan_nets():
    seed_everything(2)
    return DCGANGenerator(z_dim=4, width=4, image_size=16), DCGANDiscriminator(width=4, image_size=16)


def wgan_gp(batch=HALF, cls=GANTrainer, G=None, D=None, **kwargs):
    nets = wgan_gp_nets()
    return cls(G or nets[0], D or nets[1], points(), batch_size=batch, seed=0, z_dim=2, **RECIPES["wgan_gp"],
               **kwargs)


def dcgan(batch=HALF, cls=GANTrainer, wrap=lambda net: net, checkpoint=None, **kwargs):
    G, D = dcgan_nets()
    return cls(wrap(G), wrap(D), images(), batch_size=batch, seed=0, z_dim=4, checkpoint=checkpoint,
               checkpoint_every=2, **kwargs)


def pix2pix(checkpoint=None):
    seed_everything(3)
    condition = images(16, size=32, seed=1)
    return Pix2PixTrainer(UNetGenerator(1, 1, 32, width=4), PatchDiscriminator(2, width=4, n_layers=1),
                          condition, -condition, batch_size=2, seed=0, checkpoint=checkpoint, checkpoint_every=2)


def flat(tensors):
    return torch.cat([t.detach().flatten() for t in tensors])


def parameters(trainer):
    return [p for net in trainer.networks.values() for p in net.parameters()]


def weights(trainer):
    return flat(parameters(trainer))


def weights_and_grads(trainer):
    """The weights after the step, and the gradients the step left (the generator's from its update; the
    discriminator's from its update plus the generator update's pass through it)."""
    return {"weights": weights(trainer), "grads": flat(p.grad for p in parameters(trainer))}


# ------------------------------------------------------------------------------------------ the worker
def work(out: Path):
    """What each of the two processes does (run under torchrun)."""
    torch.set_num_threads(1)  # two processes on two cores
    saved = {}

    def first_step(name, trainer):
        saved[name] = {"global_rng": torch.get_rng_state(),
                       "wrapped": isinstance(trainer.G, distributed.DistributedNetwork)}
        trainer.fit(steps=1, progress=False)
        saved[name].update(weights_and_grads(trainer))

    first_step("wgan_gp", wgan_gp())
    first_step("dcgan", dcgan())
    saved["data_draw"] = torch.randint(0, 10**6, (4,), generator=dcgan().data_rng)

    writes, rank = [], distributed.rank()
    real_save = train_module.save_checked
    train_module.save_checked = lambda *a, **k: (writes.append(rank), real_save(*a, **k))
    trainer = dcgan(checkpoint=out / "gan.pt")
    with contextlib.redirect_stderr(io.StringIO()) as bar:
        trainer.fit(steps=5)
    saved["gan"] = {"weights": weights(trainer), "steps": trainer.steps_done,
                    "history": trainer.history["loss_d"], "bar": bar.getvalue()}
    again = dcgan()  # the same seed, the same run
    again.fit(steps=5, progress=False)
    saved["gan"]["again"] = weights(again)

    p2p = pix2pix(out / "pix2pix.pt")
    p2p.fit(steps=3, progress=False)
    saved["pix2pix"] = {"steps": p2p.steps_done, "weights": weights(p2p)}
    saved["writes"] = writes

    resumed = dcgan().load(out / "single.pt")  # written by one process
    saved["resumed"] = {"from": resumed.steps_done, "data_rng": resumed.data_rng.get_state()}
    resumed.fit(steps=resumed.steps_done + 2, progress=False)
    saved["resumed"].update(steps=resumed.steps_done, weights=weights(resumed))

    timed = dcgan()
    if rank == 1:
        time.sleep(0.6)  # this process's clock starts later: alone, process 0 would stop first
    timed.fit(seconds=1.0, progress=False)
    saved["timed"] = {"steps": timed.steps_done, "seconds": timed.seconds}
    torch.save(saved, out / f"rank{rank}.pt")


# ------------------------------------------------------------------------------------------ the launch
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    """Launch the worker on two processes once; (the output folder, [what rank 0 saved, what rank 1 saved])."""
    out = tmp_path_factory.mktemp("ddp")
    dcgan(checkpoint=out / "single.pt").fit(steps=3, progress=False)  # a checkpoint of one process
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--nnodes", "1",
               "--rdzv_backend", "c10d", "--rdzv_endpoint", f"127.0.0.1:{free_port()}", __file__, str(out)]
    # A process that never stops (the fault a time budget without agreement causes) hits the time limit.
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return out, [torch.load(out / f"rank{r}.pt", weights_only=False) for r in range(2)]


# ------------------------------------------------------------------------------------------ references
class Halves(torch.nn.Module):
    """A network applied to each half of a batch on its own: batch norm then takes each half's statistics, as
    it does in each of two processes."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return torch.cat([self.net(half) for half in x.chunk(2)])


class DoubledBatch(GANTrainer):
    """One process that draws, at every step, what process 0 and then process 1 draw: their streams are seeded
    as ``gancourse.distributed.rank_seed`` documents, independently of the library's seeding code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_rngs = [torch.Generator().manual_seed(distributed.rank_seed(self.seed, r)) for r in (0, 1)]
        self.latent_rngs = [torch.Generator().manual_seed(distributed.rank_seed(self.seed + 1, r)) for r in (0, 1)]

    def real_batch(self, n):
        parts = []
        for self.data_rng in self.data_rngs:
            parts.append(super().real_batch(n // 2))
        return torch.cat(parts)

    def latent(self, n):
        parts = []
        for self.latent_rng in self.latent_rngs:
            parts.append(super().latent(n // 2))
        return torch.cat(parts)


def one_process_step(build, rank_results, monkeypatch, **kwargs):
    """The step of ``build`` in one process on the doubled batch; the penalty's interpolation factors of each
    half come from the global stream that process had (saved by the worker)."""
    generators = [torch.Generator() for _ in rank_results]
    for generator, saved in zip(generators, rank_results):
        generator.set_state(saved["global_rng"])
    original = gan_module.gradient_norms_at_interpolates

    def per_half(D, real, fake, create_graph=False):
        return torch.cat([original(D, r, f, generator=g, create_graph=create_graph)
                          for r, f, g in zip(real.chunk(2), fake.chunk(2), generators)])

    monkeypatch.setattr(gan_module, "gradient_norms_at_interpolates", per_half)
    trainer = build(batch=2 * HALF, cls=DoubledBatch, **kwargs)
    trainer.fit(steps=1, progress=False)
    return weights_and_grads(trainer)


def assert_close(ddp, reference):
    torch.testing.assert_close(ddp["grads"], reference["grads"], rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(ddp["weights"], reference["weights"], rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------------------ the tests
def test_both_networks_are_wrapped_and_stay_identical_in_both_processes(ranks):
    _, (zero, one) = ranks
    for name in ("wgan_gp", "dcgan"):
        assert zero[name]["wrapped"] and one[name]["wrapped"]
        assert torch.equal(zero[name]["weights"], one[name]["weights"])
    assert torch.equal(zero["gan"]["weights"], one["gan"]["weights"])
    assert torch.equal(zero["pix2pix"]["weights"], one["pix2pix"]["weights"])
    assert zero["gan"]["steps"] == one["gan"]["steps"] == 5 and zero["pix2pix"]["steps"] == 3
    assert zero["gan"]["history"] == one["gan"]["history"]  # the values are averaged over the processes


def test_wgan_gp_update_of_two_processes_equals_one_process_on_the_doubled_batch(ranks, monkeypatch):
    _, results = ranks
    reference = one_process_step(wgan_gp, [r["wgan_gp"] for r in results], monkeypatch)
    assert_close(results[0]["wgan_gp"], reference)


def test_batch_norm_stays_per_process(ranks, monkeypatch):
    _, results = ranks
    per_half = one_process_step(dcgan, [r["dcgan"] for r in results], monkeypatch, wrap=Halves)
    assert_close(results[0]["dcgan"], per_half)
    whole = one_process_step(dcgan, [r["dcgan"] for r in results], monkeypatch)
    assert (results[0]["dcgan"]["grads"] - whole["grads"]).abs().max() > 1e-3  # global statistics differ


def test_each_process_draws_its_own_stream_and_process_0_the_single_process_one(ranks):
    _, (zero, one) = ranks
    assert torch.equal(zero["data_draw"], torch.randint(0, 10**6, (4,), generator=dcgan().data_rng))
    assert not torch.equal(zero["data_draw"], one["data_draw"])
    expected = torch.Generator().manual_seed(distributed.rank_seed(GLOBAL_STREAM_OFFSET, 1)).get_state()
    assert torch.equal(one["dcgan"]["global_rng"], expected)  # process 1's global stream (seed 0)
    assert torch.equal(zero["gan"]["again"], zero["gan"]["weights"])  # the same seed, the same run


def test_rank_0_alone_writes_unwrapped_checkpoints_that_one_process_resumes(ranks):
    out, (zero, one) = ranks
    assert zero["writes"] == [0] * 5 and one["writes"] == []  # gan: steps 2, 4, 5; pix2pix: steps 2, 3
    state = load_checked(out / "gan.pt", CHECKPOINT_KIND)
    keys = [key for net in state["networks"].values() for key in net]
    assert keys and not any(key.startswith("module.") for key in keys)
    single = dcgan().load(out / "gan.pt")
    assert single.steps_done == 5 and torch.equal(weights(single), zero["gan"]["weights"])
    single.fit(steps=6, progress=False)
    assert single.steps_done == 6
    assert torch.equal(weights(pix2pix().load(out / "pix2pix.pt")), zero["pix2pix"]["weights"])


def test_a_checkpoint_of_one_process_resumes_in_two(ranks):
    out, (zero, one) = ranks
    state = load_checked(out / "single.pt", CHECKPOINT_KIND)
    assert zero["resumed"]["from"] == one["resumed"]["from"] == 3
    assert zero["resumed"]["steps"] == one["resumed"]["steps"] == 5
    assert torch.equal(zero["resumed"]["weights"], one["resumed"]["weights"])
    assert torch.equal(zero["resumed"]["data_rng"], state["rng"]["data"])  # process 0 continues the stream
    assert not torch.equal(one["resumed"]["data_rng"], state["rng"]["data"])  # process 1 starts its own


def test_a_time_budget_stops_both_processes_at_the_same_step(ranks):
    _, (zero, one) = ranks
    # process 1 started its clock later, so the processes disagree on the time; they agree on the step
    assert zero["timed"]["steps"] == one["timed"]["steps"] > 0
    assert zero["timed"]["seconds"] >= 1.0 > one["timed"]["seconds"]


def test_the_progress_bar_shows_on_rank_0_only(ranks):
    _, (zero, one) = ranks
    assert "GANTrainer" in zero["gan"]["bar"] and one["gan"]["bar"] == ""


def test_shard_splits_into_disjoint_shares_that_hold_everything():
    items = torch.arange(10)
    shares = [distributed.shard(items, r, 3) for r in range(3)]
    assert shares[1].tolist() == [1, 4, 7]
    assert sorted(torch.cat(shares).tolist()) == list(range(10))
    assert distributed.shard(items).tolist() == list(range(10))  # one process: everything
    with pytest.raises(ValueError, match="rank must lie in"):
        distributed.shard(items, 3, 3)


def test_one_process_is_not_wrapped_and_rank_seeds_keep_the_seed():
    trainer = dcgan()
    assert trainer.G is trainer.networks["generator"] and (trainer.rank, trainer.world_size) == (0, 1)
    assert distributed.rank_seed(7, 0) == 7 and distributed.rank_seed(7, 1) != distributed.rank_seed(7, 2)
    assert distributed.rank_seed(7, 1) != distributed.rank_seed(7, 1, step=10)


if __name__ == "__main__":
    work(Path(sys.argv[1]))
