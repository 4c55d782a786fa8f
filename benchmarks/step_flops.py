"""How close the chapters' training steps come to this machine's limit.

    python benchmarks/step_flops.py

For each Part I network's training step (DCGAN as in 3.2, U-Net + PatchGAN as in 3.3, CycleGAN's ResNet
generators as in 3.5), in one run: the floating-point operations of one step, counted by PyTorch's
``FlopCounterMode`` (a multiply-add counts as two), the measured time per step, and so the achieved FLOP/s,
against the machine's peak measured the same way on a large matrix product and a large convolution.
Then the options that might raise it on a CPU: ``channels_last`` memory format, the number of threads,
and ``torch.inference_mode`` for evaluation. Writes benchmarks/step_flops.json; benchmarks/report.py turns
it into a section of RESULTS.md.
"""
from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from gancourse.data import BrainSimulator, to_gan_range
from gancourse.methods.cyclegan import CycleGANTrainer
from gancourse.methods.gan import GANTrainer
from gancourse.methods.pix2pix import Pix2PixTrainer
from gancourse.nets import DCGANDiscriminator, DCGANGenerator, PatchDiscriminator, ResNetGenerator, UNetGenerator
from gancourse.train import seed_everything

OUT = Path(__file__).resolve().parent / "step_flops.json"


def median_seconds(work, repeats=7, warmup=2):
    for _ in range(warmup):
        work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def peak_flops():
    """FLOP/s of a 2048 x 2048 matrix product and of a 3x3 convolution with 256 channels, float32."""
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    matmul = 2 * 2048 ** 3 / median_seconds(lambda: a @ b)
    x, w = torch.randn(16, 256, 32, 32), torch.randn(256, 256, 3, 3)
    conv = 2 * 16 * 256 * 32 * 32 * 256 * 9 / median_seconds(lambda: torch.nn.functional.conv2d(x, w, padding=1))
    return {"matmul 2048": matmul, "conv 3x3, 256 channels": conv}


def trainers(channels_last=False):
    """The three chapters' trainers at their cpu-profile sizes, in one memory format."""
    made = {}
    pool = to_gan_range(BrainSimulator(32, seed=0, skull_stripped=True).sample(1024).t1)
    seed_everything(0)
    made["DCGAN 32x32, width 32, batch 64 (3.2)"] = GANTrainer(
        DCGANGenerator(100, 32, 1, 32), DCGANDiscriminator(32, 1, 32), pool, batch_size=64, seed=0,
        channels_last=channels_last)
    pairs = BrainSimulator(64, seed=0, skull_stripped=True).sample(512)
    condition, target = to_gan_range(pairs.tissue), to_gan_range(pairs.t1)
    seed_everything(0)
    made["U-Net + PatchGAN 64x64, width 32, batch 16 (3.3)"] = Pix2PixTrainer(
        UNetGenerator(4, 1, image_size=64, width=32), PatchDiscriminator(5, width=32, n_layers=3),
        condition, target, batch_size=16, seed=0, channels_last=channels_last)
    t1, t2 = to_gan_range(pairs.t1[:256]), to_gan_range(BrainSimulator(64, seed=1, contrasts=("t2",)).sample(256).t2)
    seed_everything(0)
    made["CycleGAN ResNet-6 64x64, width 32, batch 4 (3.5)"] = CycleGANTrainer(
        ResNetGenerator(1, 1, width=32, n_blocks=6), ResNetGenerator(1, 1, width=32, n_blocks=6),
        PatchDiscriminator(1, width=32, n_layers=3), PatchDiscriminator(1, width=32, n_layers=3), t1, t2,
        batch_size=4, seed=0, channels_last=channels_last)
    return made


def step_flops(trainer):
    with FlopCounterMode(display=False) as counter:
        trainer.step()
    return counter.get_total_flops()


def measure(channels_last=False, steps=6):
    results = {}
    for name, trainer in trainers(channels_last).items():
        flops = step_flops(trainer)
        seconds = median_seconds(lambda: [trainer.step() for _ in range(steps)], repeats=3, warmup=1) / steps
        results[name] = {"gflop_per_step": flops / 1e9, "ms_per_step": 1000 * seconds,
                         "gflops_achieved": flops / seconds / 1e9}
    return results


def evaluation_speedup():
    """Generating 1,024 samples with the DCGAN generator: under no_grad against inference_mode."""
    seed_everything(0)
    G = DCGANGenerator(100, 32, 1, 32).eval()
    z = torch.randn(1024, 100)

    def with_no_grad():
        with torch.no_grad():
            G(z)

    def with_inference_mode():
        with torch.inference_mode():
            G(z)
    return {"no_grad_ms": 1000 * median_seconds(with_no_grad), "inference_mode_ms": 1000 * median_seconds(with_inference_mode)}


def main():
    threads = min(2, os.cpu_count() or 1)
    torch.set_num_threads(threads)
    result = {"machine": f"{platform.processor() or platform.machine()}, {threads} threads",
              "torch": torch.__version__, "date": time.strftime("%Y-%m-%d")}
    result["peak_gflops"] = {k: v / 1e9 for k, v in peak_flops().items()}
    result["steps"] = measure()
    result["steps_channels_last"] = measure(channels_last=True)
    torch.set_num_threads(1)
    result["steps_one_thread"] = measure()
    torch.set_num_threads(threads)
    result["evaluation"] = evaluation_speedup()
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
