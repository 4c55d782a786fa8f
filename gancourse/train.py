"""The one training loop of the book.

Every method the book trains (a GAN, AC-GAN, pix2pix, CycleGAN, a classifier) is a subclass of
:class:`Trainer` that writes two things: its ``__init__``, which registers its networks, optimisers and
random streams, and its ``step()``, the code its chapter teaches, which returns the step's losses as
floats. The loop does the rest, the same way for every method:

* **budget**: ``fit(steps=..., seconds=...)`` trains until the trainer has done ``steps`` steps *in all*, or
  spent ``seconds`` of training time *in all*, whichever comes first. A trainer loaded from a checkpoint
  continues towards the same target, so re-running the cell that was interrupted finishes the planned run;
* **seed and device**: every random stream the method draws from is a seeded ``torch.Generator``; the
  networks and the data go to ``device`` once (the CPU unless told otherwise), in the ``channels_last``
  memory format where that was measured to pay (``benchmarks/RESULTS.md``: DCGAN steps on a CPU);
* **progress bar** (``tqdm``), and **one history format**: ``history["step"]``, ``history["seconds"]`` and
  one list per value ``step()`` returns, all of the same length, which :func:`gancourse.viz.plot_losses`
  plots for every method;
* **divergence check**: a loss that becomes NaN, infinite or beyond 1e6 stops training with
  :class:`TrainingDiverged`, naming the loss, the step and what to try;
* **weight average**: with ``ema_decay``, an exponential moving average of the networks registered with
  ``average=True`` (a generator), updated after every step;
* **checkpoints**: written atomically every ``checkpoint_every`` steps and at the end, with a checksum, and
  restored *exactly*: networks, optimisers, weight averages, every random stream (CUDA's too, where a GPU
  is used), the history and the method's own state (CycleGAN's image pools). N steps in one go and N/2 + N/2
  with a save and a load between give bit-identical weights.
* **several processes**: under ``torchrun`` the same loop trains with DistributedDataParallel, one process
  per device (:mod:`gancourse.distributed`): the registered networks are wrapped, each process draws its own
  batches from streams seeded by the seed and its rank, the values a step returns are averaged over the
  processes, every process stops at the same step, and rank 0 alone shows progress and writes checkpoints.
  With one process nothing of this happens.

The pattern is junyanz's ``BaseModel.optimize_parameters`` and d2l's ``Trainer.fit`` with ``training_step``.
"""
from __future__ import annotations

import copy
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from . import distributed
from .checks import check_number, check_whole_number
from .storage import CorruptFile, load_checked, save_checked

CHECKPOINT_KIND = "gancourse training checkpoint v2"
# A value beyond this is a loss that has exploded, even if it is still a finite number.
LOSS_LIMIT = 1e6
# Under torchrun, process r > 0 reseeds PyTorch's global stream (dropout, the penalty's interpolation) as if it
# were a stream registered with this offset; process 0 keeps the global stream as the caller left it.
GLOBAL_STREAM_OFFSET = 1_000_000


class TrainingDiverged(RuntimeError):
    """Raised when a loss becomes NaN or infinite, or explodes, or a network's weights stop being finite."""


def cosine_rate(lr: float, step: int, total: int) -> float:
    """The learning rate at ``step`` of ``total`` under cosine decay from ``lr`` to 0:
    ``lr (1 + cos(pi t / T)) / 2``, held at 0 after ``total``."""
    return lr * (1 + math.cos(math.pi * min(step, total) / total)) / 2


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch, so that network initialisation and sampling repeat exactly."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _fingerprint(module):
    return {name: list(t.shape) for name, t in module.state_dict().items()}


def _cuda_in_use(device: torch.device) -> bool:
    return device.type == "cuda" and torch.cuda.is_available()


class Trainer:
    """The loop; a method subclasses it (see the module's description).

    In ``__init__``, after ``super().__init__(seed=..., device=..., ...)``, a method registers what the loop
    must move, average and save: :meth:`add_network`, :meth:`add_optimizer`, :meth:`add_rng` and
    :meth:`to_device` for its data. ``step()`` returns a dict of floats; the keys that start with ``loss``
    are checked for divergence. A method with state of its own overrides :meth:`extra_state` and
    :meth:`load_extra_state`.

    Under ``torchrun`` (see :mod:`gancourse.distributed`) the trainer joins the process group when it is
    built, ``rank`` and ``world_size`` say where it stands, and ``networks[name]`` is the network itself
    while the one :meth:`add_network` returns (which ``step()`` trains) is its DDP wrapper.
    """

    hint = "Lower the learning rates, and check that the images lie in [-1, 1]."
    # Whether the method's networks and images use the channels_last memory format on a CPU when the caller
    # does not say (True only where benchmarks/step_flops.py measured it to pay).
    channels_last_on_cpu = False

    def __init__(self, *, seed: int = 0, device=None, ema_decay: float | None = None,
                 checkpoint=None, checkpoint_every: int = 500, channels_last: bool | None = None):
        self.seed = check_whole_number(seed, "seed", minimum=0)
        distributed.init()  # joins the process group when torchrun started this process; else nothing
        self.rank, self.world_size = distributed.rank(), distributed.world_size()
        self.device = distributed.device_for(device if device is not None else "cpu")
        if channels_last not in (None, True, False):
            raise ValueError(f"channels_last is True, False or None (the method's default); got {channels_last!r}.")
        self.channels_last = (channels_last if channels_last is not None
                              else self.channels_last_on_cpu and self.device.type == "cpu")
        if ema_decay is not None and not (isinstance(ema_decay, (int, float)) and 0 <= ema_decay < 1):
            raise ValueError(f"ema_decay is the weight average's decay, a number in [0, 1) (0.999 is usual), or None "
                             f"for no average; got {ema_decay!r}.")
        self.ema_decay = ema_decay
        self.checkpoint = Path(checkpoint) if checkpoint is not None else None
        self.checkpoint_every = check_whole_number(checkpoint_every, "checkpoint_every", minimum=1)
        self.networks: dict[str, torch.nn.Module] = {}
        self.averages: dict[str, torch.nn.Module] = {}
        self.optimizers: dict[str, torch.optim.Optimizer] = {}
        self.rngs: dict[str, torch.Generator] = {}
        self._rng_offsets: dict[str, int] = {}
        self._rates: dict[str, list[float]] = {}
        self.steps_done = 0
        self.seconds = 0.0
        self.history: dict[str, list] = {"step": [], "seconds": []}
        if self.rank > 0:  # dropout and the like must differ between processes too
            torch.manual_seed(distributed.rank_seed(self.seed + GLOBAL_STREAM_OFFSET, self.rank))

    # ------------------------------------------------------------------ what a method registers
    def add_network(self, name: str, network: torch.nn.Module, *, average: bool = False) -> torch.nn.Module:
        """Move ``network`` to the trainer's device and save it in checkpoints; with ``average=True`` and an
        ``ema_decay``, also keep its weight average (``self.averages[name]``). Returns the network, which
        under ``torchrun`` is wrapped for data-parallel training (:func:`gancourse.distributed.wrap`)."""
        if not isinstance(network, torch.nn.Module):
            raise TypeError(f"the {name} must be a torch.nn.Module; got {type(network).__name__}.")
        self.networks[name] = network.to(self.device)
        if self.channels_last:  # only 4-D weights change their layout; the values stay the same
            network.to(memory_format=torch.channels_last)
        if average and self.ema_decay is not None:
            self.averages[name] = copy.deepcopy(network).eval().requires_grad_(False)
        return distributed.wrap(network, self.device)

    def add_optimizer(self, name: str, optimizer: torch.optim.Optimizer) -> torch.optim.Optimizer:
        """Save ``optimizer`` in checkpoints; its learning rates are the trainer's (a loaded run keeps them)."""
        self.optimizers[name] = optimizer
        self._rates[name] = [group["lr"] for group in optimizer.param_groups]
        return optimizer

    def add_rng(self, name: str, offset: int = 0) -> torch.Generator:
        """A random stream seeded with ``seed + offset``, saved in checkpoints. Under ``torchrun``, process
        ``r`` seeds it with ``rank_seed(seed + offset, r)`` (:func:`gancourse.distributed.rank_seed`):
        process 0 draws what a single process draws, the others draw their own batches."""
        self._rng_offsets[name] = offset
        self.rngs[name] = torch.Generator().manual_seed(distributed.rank_seed(self.seed + offset, self.rank))
        return self.rngs[name]

    def to_device(self, tensor):
        """``tensor`` on the trainer's device, images in the trainer's memory format (``None`` stays ``None``)."""
        if tensor is None:
            return None
        tensor = tensor.to(self.device)
        if self.channels_last and tensor.dim() == 4:
            tensor = tensor.contiguous(memory_format=torch.channels_last)
        return tensor

    def step(self) -> dict:
        """One training step: the method's own code. Returns its losses (and other values) as floats."""
        raise NotImplementedError("a training method writes its own step(); see gancourse.methods.")

    def extra_state(self) -> dict:
        """State of the method's own that a checkpoint must hold (tensors, numbers, lists, dicts)."""
        return {}

    def load_extra_state(self, state: dict) -> None:
        """Restore what :meth:`extra_state` returned."""

    # ------------------------------------------------------------------ the loop
    def fit(self, *, steps: int | None = None, seconds: float | None = None, progress: bool = True) -> dict:
        """Train until ``steps`` steps are done in all, or ``seconds`` of training have passed in all (whichever
        comes first; at least one must be given). Returns the history.

        Under ``torchrun`` every process must call it with the same budget: the values a step returns are
        averaged over the processes before they are recorded and checked, and the processes agree at every
        step whether the time is up (one all-reduce), so that all stop at the same step."""
        if steps is None and seconds is None:
            raise ValueError("give steps= (the number of steps to reach) or seconds= (the training time to reach), "
                             "or both: training stops at whichever comes first.")
        if steps is not None:
            steps = check_whole_number(steps, "steps", minimum=0)
        if seconds is not None:
            seconds = check_number(seconds, "seconds", low=0)
        out_of_time = lambda: seconds is not None and self.seconds >= seconds  # noqa: E731
        steps_reached = lambda: steps is not None and self.steps_done >= steps  # noqa: E731
        bar = tqdm(total=steps, initial=self.steps_done if steps is not None else 0,
                   disable=not progress or not distributed.is_main(),
                   desc=type(self).__name__, unit="step", mininterval=1.0)
        started = time.perf_counter() - self.seconds
        stop = steps_reached() or out_of_time()
        try:
            while not stop:
                record = self.step()
                self.seconds = time.perf_counter() - started
                self.steps_done += 1
                # One process's clock may run out before another's: all stop when any has (with one process,
                # this returns its own values and its own verdict).
                record, time_up = distributed.average_and_agree(record, out_of_time())
                stop = steps_reached() or time_up
                self._record(record)
                self._update_averages()
                bar.update(1)
                if self.steps_done % 25 == 0:
                    bar.set_postfix({k: f"{v:.3g}" for k, v in record.items() if k.startswith("loss")},
                                    refresh=False)
                if self.checkpoint is not None and self.steps_done % self.checkpoint_every == 0:
                    self.save(self.checkpoint)
        finally:
            bar.close()
        if self.checkpoint is not None and self.steps_done % self.checkpoint_every != 0:
            self.save(self.checkpoint)
        distributed.barrier()  # the last checkpoint is on disk when fit returns on any process
        return self.history

    def _record(self, record: dict) -> None:
        """Append the step's values to the history; then stop with :class:`TrainingDiverged` if a loss is
        NaN, infinite or beyond 1e6 (the history, the step count and the weights then agree)."""
        if len(self.history["step"]) and set(record) != set(self.history) - {"step", "seconds"}:
            raise ValueError(f"{type(self).__name__}.step() must return the same values at every step; it returned "
                             f"{sorted(record)} after {sorted(set(self.history) - {'step', 'seconds'})}.")
        self.history["step"].append(self.steps_done)
        self.history["seconds"].append(round(self.seconds, 4))
        for name, value in record.items():
            self.history.setdefault(name, []).append(value)
        for name, value in record.items():
            if name.startswith("loss") and (not math.isfinite(value) or abs(value) > LOSS_LIMIT):
                rates = ", ".join(f"{k} {v[0]:g}" for k, v in self._rates.items())
                raise TrainingDiverged(
                    f"{name} became {value} at step {self.steps_done}. The last checkpoint (if any) is untouched. "
                    f"{self.hint} (learning rates now: {rates}; a trainer built with lower ones can load the "
                    f"checkpoint and continue with them).")

    @torch.no_grad()
    def _update_averages(self) -> None:
        """Move each weight average a step towards its network's current weights (buffers are copied)."""
        for name, average in self.averages.items():
            network = self.networks[name]
            for averaged, current in zip(average.parameters(), network.parameters()):
                averaged.lerp_(current, 1 - self.ema_decay)
            for averaged, current in zip(average.buffers(), network.buffers()):
                averaged.copy_(current)

    # ------------------------------------------------------------------ checkpoints
    def state(self) -> dict:
        """Everything a checkpoint holds (see the module's description)."""
        for name, network in {**self.networks, **self.averages}.items():
            for key, tensor in network.state_dict().items():
                if torch.is_floating_point(tensor) and not torch.isfinite(tensor).all():
                    raise TrainingDiverged(f"the {name}'s {key} is no longer finite at step {self.steps_done}, so no "
                                           f"checkpoint is written (the last one is untouched). {self.hint}")
        rng = {"torch": torch.get_rng_state(), **{name: g.get_state() for name, g in self.rngs.items()}}
        if _cuda_in_use(self.device):
            rng["cuda"] = torch.cuda.get_rng_state_all()
        return {"method": type(self).__name__,
                "networks": {name: net.state_dict() for name, net in self.networks.items()},
                "fingerprints": {name: _fingerprint(net) for name, net in self.networks.items()},
                "averages": {name: net.state_dict() for name, net in self.averages.items()},
                "optimizers": {name: {"type": type(opt).__name__, "state": opt.state_dict()}
                               for name, opt in self.optimizers.items()},
                "rng": rng, "steps_done": self.steps_done, "seconds": self.seconds, "history": self.history,
                "extra": self.extra_state()}

    def save(self, path) -> None:
        """Write a checkpoint atomically (a failure leaves the previous one intact), with a checksum.
        Raises :class:`TrainingDiverged`, writing nothing, when a weight is NaN or infinite.
        Under ``torchrun`` only rank 0 writes (every process checks the weights, so all raise together)."""
        state = self.state()
        if distributed.is_main():
            save_checked(state, path, CHECKPOINT_KIND)

    def load(self, path):
        """Restore everything :meth:`save` wrote, so that training continues exactly where it stopped.

        The learning rates are this trainer's, not the checkpoint's: to continue a run that diverged with a
        lower rate, build the trainer with that rate and load the last checkpoint. Raises a clear error, and
        changes nothing, when the file is damaged or belongs to another method or other networks.

        Any number of processes can load a checkpoint, whatever number wrote it: it holds the networks
        unwrapped and rank 0's random streams. Process 0 continues those streams; a process ``r > 0`` starts
        fresh ones, seeded by ``rank_seed(seed + offset, r, step)`` at the checkpoint's step. A resumed
        distributed run is therefore reproducible, and a single process resumes bit-identically as before."""
        state = load_checked(path, CHECKPOINT_KIND, fix="point to another checkpoint, or delete it and train anew")
        self._check_compatible(state, path)
        for name, network in self.networks.items():
            network.load_state_dict(state["networks"][name])
        for name, average in self.averages.items():
            average.load_state_dict(state["averages"].get(name, state["networks"][name]))
        for name, optimizer in self.optimizers.items():
            optimizer.load_state_dict(state["optimizers"][name]["state"])
            for group, rate in zip(optimizer.param_groups, self._rates[name]):
                group["lr"] = rate
        for name, generator in self.rngs.items():
            generator.set_state(state["rng"][name])
        torch.set_rng_state(state["rng"]["torch"])
        if "cuda" in state["rng"] and _cuda_in_use(self.device):
            torch.cuda.set_rng_state_all(state["rng"]["cuda"])
        self.steps_done, self.seconds, self.history = state["steps_done"], state["seconds"], state["history"]
        if self.rank > 0:
            for name, generator in self.rngs.items():
                generator.manual_seed(distributed.rank_seed(self.seed + self._rng_offsets[name], self.rank,
                                                            self.steps_done))
            torch.manual_seed(distributed.rank_seed(self.seed + GLOBAL_STREAM_OFFSET, self.rank, self.steps_done))
        self.load_extra_state(state["extra"])
        return self

    def _check_compatible(self, state, path) -> None:
        expected = {"method", "networks", "fingerprints", "averages", "optimizers", "rng", "steps_done", "seconds",
                    "history", "extra"}
        if not isinstance(state, dict) or not expected <= set(state):
            missing = sorted(expected - set(state)) if isinstance(state, dict) else ["everything"]
            raise CorruptFile(f"{path} is a checkpoint without {', '.join(missing)}: it was not written by this "
                              f"version of gancourse. Train anew, or load it with the version that wrote it.")
        mine = type(self).__name__
        if state["method"] != mine:
            raise ValueError(f"{path} is a checkpoint of a {state['method']}, not of a {mine}: build a "
                             f"{state['method']} to load it, or point to a {mine} checkpoint.")
        for kind, names in (("networks", self.networks), ("optimizers", self.optimizers), ("rng", self.rngs)):
            missing = sorted(set(names) - set(state[kind]))
            if missing:
                raise ValueError(f"{path} has no {kind} {', '.join(missing)}: it was written by a {mine} set up "
                                 f"differently (for example without a discriminator). Build it the same way.")
        for name, network in self.networks.items():
            expected_shapes, found = _fingerprint(network), state["fingerprints"][name]
            if expected_shapes != found:
                different = sorted(k for k in set(expected_shapes) | set(found)
                                   if expected_shapes.get(k) != found.get(k))
                raise ValueError(f"the checkpoint {path} holds a different {name} (layers that differ: "
                                 f"{', '.join(different[:5])}{' ...' if len(different) > 5 else ''}). Build the "
                                 f"same networks (sizes, widths) that wrote it, or start a new checkpoint file.")
        for name, optimizer in self.optimizers.items():
            saved = state["optimizers"][name]["type"]
            if saved != type(optimizer).__name__:
                raise ValueError(f"{path} was trained with {saved} for the {name}, this trainer uses "
                                 f"{type(optimizer).__name__}: build it with the same optimizer to resume.")
