"""Record the simulator's throughput and the training loop's overhead against hand-written loops.

    python benchmarks/speed.py

Writes benchmarks/speed.json; benchmarks/report.py turns it into benchmarks/RESULTS.md.
"""
import json
import os
import platform
import time
from pathlib import Path

import torch

from gancourse.data import BrainSimulator, to_gan_range
from gancourse.losses import minimax_discriminator, nonsaturating_generator
from gancourse.methods.cyclegan import CycleGANTrainer
from gancourse.methods.gan import GANTrainer
from gancourse.methods.history_pool import HistoryPool
from gancourse.methods.pix2pix import Pix2PixTrainer
from gancourse.nets import (DCGANDiscriminator, DCGANGenerator, PatchDiscriminator, ResNetGenerator, UNetGenerator,
                            mlp_image_gan)
from gancourse.train import seed_everything

OUT = Path(__file__).resolve().parent / "speed.json"


def slices_per_second(size, contrasts=("t1",), batch=256, seconds=4.0):
    simulator = BrainSimulator(size, seed=0, contrasts=contrasts)
    simulator.sample(batch)  # prepares the template at this resolution
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        simulator.sample(batch)
        count += batch
    return count / (time.perf_counter() - start)


def hand_written_gan(G, D, pool, batch, seed):
    """The minimal PyTorch loop of the DCGAN example, on the same networks and data: a function that runs
    ``steps`` steps and returns the seconds per step."""
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    data_rng, latent_rng = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed + 1)

    def run(steps):
        start = time.perf_counter()
        for _ in range(steps):
            real = pool[torch.randint(0, len(pool), (batch,), generator=data_rng)]
            fake = G(torch.randn(batch, G.z_dim, generator=latent_rng))
            loss_d = minimax_discriminator(D(real), D(fake.detach()))
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
            loss_g = nonsaturating_generator(D(fake))
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
            loss_d.item(), loss_g.item()
        return (time.perf_counter() - start) / steps
    return run


def hand_written_pix2pix(G, D, condition, target, batch, seed):
    """pix2pix's step written out in a bare loop (L1 weight 100, non-saturating), on the same networks."""
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    rng = torch.Generator().manual_seed(seed)

    def run(steps):
        start = time.perf_counter()
        for _ in range(steps):
            index = torch.randint(0, len(condition), (batch,), generator=rng)
            c, real = condition[index], target[index]
            fake = G(c)
            loss_d = minimax_discriminator(D(torch.cat([c, real], 1)), D(torch.cat([c, fake.detach()], 1)))
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
            loss_g = nonsaturating_generator(D(torch.cat([c, fake], 1))) + 100 * (fake - real).abs().mean()
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
            loss_d.item(), loss_g.item()
        return (time.perf_counter() - start) / steps
    return run


def hand_written_cyclegan(g_ab, g_ba, d_a, d_b, images_a, images_b, batch, seed):
    """CycleGAN's step written out in a bare loop (least squares, cycle 10, identity 5, history pools)."""
    opt_g = torch.optim.Adam(list(g_ab.parameters()) + list(g_ba.parameters()), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(list(d_a.parameters()) + list(d_b.parameters()), lr=2e-4, betas=(0.5, 0.999))
    rng = torch.Generator().manual_seed(seed)
    pool_a, pool_b = HistoryPool(50, seed=seed + 1), HistoryPool(50, seed=seed + 2)
    mse = lambda x, value: ((x - value) ** 2).mean()  # noqa: E731

    def run(steps):
        start = time.perf_counter()
        for _ in range(steps):
            a = images_a[torch.randint(0, len(images_a), (batch,), generator=rng)]
            b = images_b[torch.randint(0, len(images_b), (batch,), generator=rng)]
            fake_b, fake_a = g_ab(a), g_ba(b)
            cycle = (g_ba(fake_b) - a).abs().mean() + (g_ab(fake_a) - b).abs().mean()
            identity = (g_ab(b) - b).abs().mean() + (g_ba(a) - a).abs().mean()
            loss_g = mse(d_b(fake_b), 1) + mse(d_a(fake_a), 1) + 10 * cycle + 5 * identity
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
            loss_d = (0.5 * (mse(d_a(a), 1) + mse(d_a(pool_a.query(fake_a)), 0))
                      + 0.5 * (mse(d_b(b), 1) + mse(d_b(pool_b.query(fake_b)), 0)))
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
            loss_g.item(), loss_d.item(), cycle.item(), identity.item()
        return (time.perf_counter() - start) / steps
    return run


def overhead(make_trainer, make_hand_written, rounds=10, steps=8):
    """The one loop's seconds per step against the hand-written loop's, on twin networks, in interleaved
    rounds (alternating which goes first, so both see the same machine load)."""
    trainer, hand = make_trainer(), make_hand_written()
    trainer.fit(steps=3, progress=False)  # warm-up
    hand(3)
    ours, theirs = [], []

    def run_ours():
        start = time.perf_counter()
        trainer.fit(steps=trainer.steps_done + steps, progress=False)
        ours.append((time.perf_counter() - start) / steps)

    for i in range(rounds):
        for run in ((run_ours, lambda: theirs.append(hand(steps))) if i % 2 == 0
                    else (lambda: theirs.append(hand(steps)), run_ours)):
            run()
    median = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
    per_round = sorted(a / b for a, b in zip(ours, theirs))
    return {"gancourse_ms": 1000 * median(ours), "hand_written_ms": 1000 * median(theirs),
            "ratio": median(ours) / median(theirs), "ratio_per_round_range": [per_round[0], per_round[-1]]}


def loop_overheads():
    """The loop's overhead for the three families whose steps cost the most differently: DCGAN (a few ms),
    pix2pix (a U-Net and a PatchGAN) and CycleGAN (four networks, pools)."""
    results = {}
    size, width, batch = 32, 32, 64
    pool = to_gan_range(BrainSimulator(size, seed=0).sample(2048).t1)

    def gan_nets():
        seed_everything(0)
        return DCGANGenerator(100, width, 1, size), DCGANDiscriminator(width, 1, size)
    results["DCGAN 32x32, width 32, batch 64"] = overhead(
        lambda: GANTrainer(*gan_nets(), pool, batch_size=batch, seed=0, channels_last=False),  # as the bare loop
        lambda: hand_written_gan(*gan_nets(), pool, batch, 0))

    batch_64 = BrainSimulator(64, seed=0, skull_stripped=True).sample(512)
    condition, target = to_gan_range(batch_64.tissue), to_gan_range(batch_64.t1)

    def pix2pix_nets():
        seed_everything(0)
        return UNetGenerator(4, 1, image_size=64, width=16), PatchDiscriminator(5, width=16, n_layers=3)
    results["pix2pix 64x64, U-Net and PatchGAN width 16, batch 16"] = overhead(
        lambda: Pix2PixTrainer(*pix2pix_nets(), condition, target, batch_size=16, seed=0),
        lambda: hand_written_pix2pix(*pix2pix_nets(), condition, target, 16, 0))

    t1 = to_gan_range(batch_64.t1[:256])
    t2 = to_gan_range(BrainSimulator(64, seed=1, contrasts=("t2",)).sample(256).t2)

    def cyclegan_nets():
        seed_everything(0)
        return (ResNetGenerator(1, 1, width=16, n_blocks=3), ResNetGenerator(1, 1, width=16, n_blocks=3),
                PatchDiscriminator(1, width=16, n_layers=3), PatchDiscriminator(1, width=16, n_layers=3))
    results["CycleGAN 64x64, ResNet-3 width 16, batch 4"] = overhead(
        lambda: CycleGANTrainer(*cyclegan_nets(), t1, t2, batch_size=4, seed=0),
        lambda: hand_written_cyclegan(*cyclegan_nets(), t1, t2, 4, 0), rounds=8, steps=5)
    return results


def consumption(make_nets, size=32, batch=64, steps=60):
    """Real slices per second a chapter's training consumes (GANTrainer, batch 64, after a warm-up)."""
    pool = to_gan_range(BrainSimulator(size, seed=0).sample(1024).t1)
    seed_everything(0)
    trainer = GANTrainer(*make_nets(), pool, batch_size=batch, seed=0)
    trainer.fit(steps=10, progress=False)
    start = time.perf_counter()
    trainer.fit(steps=10 + steps, progress=False)
    return batch * steps / (time.perf_counter() - start)


def main():
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    result = {"machine": f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads",
              "torch": torch.__version__, "date": time.strftime("%Y-%m-%d")}
    result["simulator_slices_per_second"] = {
        "32 (T1)": slices_per_second(32), "64 (T1)": slices_per_second(64), "128 (T1)": slices_per_second(128),
        "64 (T1, T2, CT, lesions)": slices_per_second(64, contrasts=("t1", "t2", "ct"))}
    result["training_loop"] = loop_overheads()
    result["consumption_slices_per_second"] = {
        "DCGAN 32x32 width 32 (3.2)": consumption(lambda: (DCGANGenerator(100, 32, 1, 32), DCGANDiscriminator(32, 1, 32))),
        "MLP GAN 32x32 (3.1, 3.2's baseline)": consumption(lambda: mlp_image_gan(32))}
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
