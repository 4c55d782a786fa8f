"""Train chapter 3.2's DCGAN on simulated brain MRI slices, on one process or on many with torchrun.

    python examples/train_dcgan_ddp.py --steps 200                           # one process
    torchrun --standalone --nproc_per_node 4 examples/train_dcgan_ddp.py     # one machine, 4 GPUs (or processes)
    torchrun --nnodes 2 --nproc_per_node 4 --rdzv_backend c10d \\
             --rdzv_endpoint HOST:29500 --rdzv_id dcgan examples/train_dcgan_ddp.py   # on each of two machines

The sizes are chapter 3.2's in the profile that ``GANCOURSE_PROFILE`` names (see ``gancourse.profiles``).
Each process draws batches of ``--batch-size`` slices, so one update sees ``processes x batch-size`` slices.
Rank 0 prints the progress and writes the checkpoint, which any number of processes can resume:
run the same command again to continue towards ``--steps``.
"""
import argparse
import time
from pathlib import Path

import torch

from gancourse import distributed
from gancourse.data import BrainSimulator, to_gan_range
from gancourse.methods.gan import GANTrainer
from gancourse.nets import DCGANDiscriminator, DCGANGenerator
from gancourse.profiles import current_profile
from gancourse.train import seed_everything


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=None, help="updates to reach in all (default: the profile's)")
    parser.add_argument("--seconds", type=float, default=None, help="or a training time to reach in all")
    parser.add_argument("--batch-size", type=int, default=64, help="slices per process and update (64)")
    parser.add_argument("--checkpoint", default=None, help="a checkpoint file to write and resume from")
    parser.add_argument("--backend", default=None, help="gloo or nccl (default: nccl with CUDA, else gloo)")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads per process (default: PyTorch's; torchrun sets 1 per process)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    distributed.init(args.backend)  # joins the group under torchrun; alone, nothing happens
    P = current_profile()
    image_size, width = P.pick(smoke=32, cpu=32, gpu=64), P.pick(smoke=8, cpu=32, gpu=64)
    steps = args.steps if args.steps is not None else P.pick(smoke=20, cpu=1500, gpu=6000)
    say = print if distributed.is_main() else (lambda *a, **k: None)
    say(f"{P}; {distributed.world_size()} process(es) x batch {args.batch_size}, "
        f"{torch.get_num_threads()} CPU thread(s) each")

    start = time.perf_counter()  # every process draws the same training set: a fixed set of scans
    n_train = P.pick(smoke=256, cpu=6000, gpu=12000)
    slices = to_gan_range(BrainSimulator(image_size, seed=0, skull_stripped=True).sample(n_train).t1)
    say(f"{n_train} training slices of {image_size}x{image_size} simulated in {time.perf_counter() - start:.1f} s")

    seed_everything(0)
    G = DCGANGenerator(z_dim=100, width=width, image_size=image_size)
    D = DCGANDiscriminator(width=width, image_size=image_size)
    trainer = GANTrainer(G, D, slices, loss="nonsaturating", batch_size=args.batch_size, lr_g=2e-4, lr_d=2e-4,
                         betas=(0.5, 0.999), seed=0, device=P.device, checkpoint=args.checkpoint)
    if args.checkpoint and Path(args.checkpoint).exists():
        trainer.load(args.checkpoint)
        say(f"resumed from {args.checkpoint} at step {trainer.steps_done}")
    history = trainer.fit(steps=steps, seconds=args.seconds)
    if not history["step"]:
        return say(f"the checkpoint is already at step {trainer.steps_done}: nothing to train.")
    per_step = trainer.seconds / max(len(history["step"]), 1)
    say(f"{trainer.steps_done} steps; last loss_d {history['loss_d'][-1]:.3f}, loss_g {history['loss_g'][-1]:.3f} "
        f"(averaged over the processes); {per_step * 1000:.0f} ms per step, "
        f"{distributed.world_size() * args.batch_size / per_step:.0f} slices per second in all")


if __name__ == "__main__":
    main()
