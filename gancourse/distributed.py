"""Training on several GPUs or machines: the one loop under ``torchrun`` with DistributedDataParallel.

``torchrun`` starts one process per device and tells each its place through environment variables
(``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``). A trainer built in such a
process joins the group by itself (:func:`init`), so a script or chapter that trains with
:class:`gancourse.train.Trainer` runs unchanged on one process or on many:

    torchrun --standalone --nproc_per_node 4 examples/train_dcgan_ddp.py          # one machine, 4 GPUs
    torchrun --nnodes 2 --nproc_per_node 4 --rdzv_backend c10d \\
             --rdzv_endpoint HOST:29500 --rdzv_id dcgan examples/train_dcgan_ddp.py  # two machines

What changes with more than one process (``world_size() > 1``), and nothing of it happens with one:

* **networks**: every network a method registers is wrapped in :class:`DistributedNetwork`
  (PyTorch's ``DistributedDataParallel``), which copies rank 0's weights to every process at the start
  and averages the gradients over the processes in each ``backward()``. Every process then takes the
  same optimiser step and the weights stay identical. A GAN's generator *and* discriminator are wrapped.
* **data**: each process draws its own batches (``batch_size`` each, so the batch of one update is
  ``world_size * batch_size``): its random streams are seeded by :func:`rank_seed` from the seed and its
  rank. Process 0 draws exactly what a single process with the same seed draws; process ``r > 0``
  draws from independent streams. The book's trainers draw batches at random, with replacement, from
  the training set, so independent streams *are* the shards; :func:`shard` splits a set or a global
  batch by rank for a loop that walks through its data in order.
* **batch normalisation** stays per process: each process normalises with the statistics of its own
  batch, which is the batch the chapter chose, as in a single-process run (DDP copies rank 0's running
  statistics to the others at each forward pass). :class:`torch.nn.SyncBatchNorm` would take them over
  the batches of all processes instead (one extra all-reduce per layer and forward pass, GPUs only);
  convert the networks with ``torch.nn.SyncBatchNorm.convert_sync_batchnorm`` before building the
  trainer to have that.
* **gradient penalty**: WGAN-GP's penalty differentiates the critic's output with respect to its *input*
  (``torch.autograd.grad(..., create_graph=True)``), then ``backward()`` of the whole loss puts the
  gradients in the parameters' ``.grad``, which is what DDP averages. DDP does not support
  ``torch.autograd.grad`` with respect to the *parameters*; the penalty never asks for that, and it may
  be computed through the wrapped critic (as :class:`gancourse.methods.GANTrainer` does).
* **the loop** (:meth:`gancourse.train.Trainer.fit`): the values a step returns are averaged over the
  processes (:func:`average_and_agree`), so every process records the same history, sees a divergence at
  the same step, and, with ``seconds=``, stops at the same step; without that agreement, one process would
  leave the loop while the others wait for it in the next ``backward()`` for ever. Only rank 0 shows a
  progress bar and writes checkpoints; the networks are saved unwrapped, so any number of processes can
  load them.
"""
from __future__ import annotations

import os

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel


def launched() -> bool:
    """Whether this process was started by ``torchrun`` (or another launcher that sets its variables)."""
    return all(name in os.environ for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"))


def init(backend: str | None = None) -> bool:
    """Join the process group that ``torchrun`` describes in the environment (once; later calls do nothing).

    The backend is NCCL where CUDA is available and gloo (CPUs) otherwise; on a GPU machine each process
    takes the GPU of its local rank. Outside ``torchrun`` nothing happens. Returns :func:`is_distributed`."""
    if launched() and dist.is_available() and not dist.is_initialized():
        if backend is None:
            backend = "nccl" if torch.cuda.is_available() else "gloo"
        if backend == "nccl":
            torch.cuda.set_device(local_rank())
        dist.init_process_group(backend)
    return is_distributed()


def is_distributed() -> bool:
    """Whether this process trains together with others (a process group of more than one process)."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    """This process's number among all processes (0 on its own)."""
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def world_size() -> int:
    """The number of processes that train together (1 on its own)."""
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def local_rank() -> int:
    """This process's number on its own machine: the GPU it uses."""
    return int(os.environ.get("LOCAL_RANK", 0))


def is_main() -> bool:
    """Whether this is rank 0, the process that shows progress and writes files."""
    return rank() == 0


def device_for(device) -> torch.device:
    """The device this process trains on: under ``torchrun``, a CUDA device without an index becomes the GPU
    of the process's local rank; anything else is returned unchanged."""
    device = torch.device(device)
    if is_distributed() and device.type == "cuda" and device.index is None:
        return torch.device("cuda", local_rank())
    return device


def rank_seed(seed: int, rank: int, step: int = 0) -> int:
    """The seed of process ``rank``'s copy of the random stream seeded with ``seed``.

    Rank 0 at step 0 keeps ``seed`` itself, so that process 0 of a distributed run draws what a single
    process draws. Every other (rank, step) gets a 32-bit seed derived from ``(seed, rank, step)`` by NumPy's
    ``SeedSequence``, which spreads nearby inputs into unrelated streams. ``step`` is where a resumed run
    starts: the processes ``r > 0`` of a resumed run start fresh streams there (a checkpoint holds rank 0's).
    """
    if rank == 0 and step == 0:
        return seed
    return int(np.random.SeedSequence([seed, rank, step]).generate_state(1)[0])


def shard(items, rank_: int | None = None, world_size_: int | None = None):
    """Process ``rank``'s share of ``items`` (a tensor, list or anything sliceable along its first axis): every
    ``world_size``-th item from the ``rank``-th, so that the shares are disjoint and together hold every item.
    Without ``rank_``/``world_size_``, this process's. For a ``Dataset`` read in epochs, PyTorch's
    ``torch.utils.data.DistributedSampler`` does the same with a shuffle."""
    r = rank() if rank_ is None else rank_
    n = world_size() if world_size_ is None else world_size_
    if not 0 <= r < n:
        raise ValueError(f"rank must lie in [0, world_size); got rank {r} of {n} processes.")
    return items[r::n]


class DistributedNetwork(DistributedDataParallel):
    """``DistributedDataParallel`` that steps aside where it has nothing to do, so that a method's code runs
    unchanged on the wrapped network:

    * without gradients (sampling, evaluation, ``torch.no_grad()``), the call goes straight to the network:
      there is nothing to average, and DDP's forward would wait for the other processes (it broadcasts the
      buffers), so a sample drawn on rank 0 alone would hang;
    * an attribute the wrapper does not have is the network's (``wrapped.z_dim``).
    """

    def forward(self, *inputs, **kwargs):
        if not torch.is_grad_enabled():
            return self.module(*inputs, **kwargs)
        return super().forward(*inputs, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == "module":
                raise
            return getattr(self.module, name)


def wrap(network: torch.nn.Module, device) -> torch.nn.Module:
    """``network`` wrapped for data-parallel training when this process is one of several (and the network
    has weights to train); else ``network`` itself. It must already be on ``device``."""
    if not is_distributed() or not any(p.requires_grad for p in network.parameters()):
        return network
    device = torch.device(device)
    device_ids = [device] if device.type == "cuda" else None
    return DistributedNetwork(network, device_ids=device_ids)


def unwrap(network: torch.nn.Module) -> torch.nn.Module:
    """The network inside a DDP wrapper (the network itself when it is not wrapped): what checkpoints save,
    so that their keys carry no ``module.`` prefix and load into any number of processes."""
    return network.module if isinstance(network, DistributedDataParallel) else network


def _reduction_device():
    return torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else "cpu"


def average_and_agree(values: dict, stop: bool) -> tuple[dict, bool]:
    """``values`` (floats) averaged over the processes, and whether any process says ``stop``: one all-reduce.

    Every process must call it at the same point. With one process, ``(values, stop)`` unchanged."""
    if not is_distributed():
        return values, stop
    packed = torch.tensor([*values.values(), float(stop)], dtype=torch.float64, device=_reduction_device())
    dist.all_reduce(packed)  # a sum over the processes
    n = world_size()
    averaged = {name: float(total) / n for name, total in zip(values, packed[:-1].tolist())}
    return averaged, bool(packed[-1].item() > 0)


def barrier() -> None:
    """Wait until every process has come here (nothing with one process)."""
    if is_distributed():
        dist.barrier()
