"""Record the simulator's throughput and the training loop's overhead against a hand-written loop.

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
from gancourse.nets import DCGANDiscriminator, DCGANGenerator, mlp_image_gan
from gancourse.train import GANTrainer, seed_everything

OUT = Path(__file__).resolve().parent / "speed.json"


def slices_per_second(size, contrasts=("t1",), batch=256, seconds=4.0):
    simulator = BrainSimulator(size, seed=0, contrasts=contrasts)
    simulator.sample(batch)  # prepares the template at this resolution
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        simulator.sample(batch)
        count += batch
    return count / (time.perf_counter() - start)


def hand_written_steps(G, D, pool, steps, batch, data_rng, latent_rng):
    """The minimal PyTorch loop of the DCGAN example, on the same networks and data."""
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
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


def loop_overhead(rounds=12, steps=15, size=32, width=32, batch=64):
    pool = to_gan_range(BrainSimulator(size, seed=0).sample(2048).t1)
    seed_everything(0)
    trainer = GANTrainer(DCGANGenerator(100, width, 1, size), DCGANDiscriminator(width, 1, size), pool,
                         batch_size=batch, seed=0)
    seed_everything(0)
    G, D = DCGANGenerator(100, width, 1, size), DCGANDiscriminator(width, 1, size)
    rngs = torch.Generator().manual_seed(0), torch.Generator().manual_seed(1)
    trainer.fit(5, progress=False)
    hand_written_steps(G, D, pool, 5, batch, *rngs)
    ours, hand = [], []
    def run_ours():
        start = time.perf_counter()
        trainer.fit(trainer.steps_done + steps, progress=False)
        ours.append((time.perf_counter() - start) / steps)

    def run_hand():
        hand.append(hand_written_steps(G, D, pool, steps, batch, *rngs))

    for i in range(rounds):  # interleaved, in alternating order, so that both see the same machine load
        for run in ((run_ours, run_hand) if i % 2 == 0 else (run_hand, run_ours)):
            run()
    median = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
    per_round = sorted(a / b for a, b in zip(ours, hand))
    return {"gancourse_ms": 1000 * median(ours), "hand_written_ms": 1000 * median(hand),
            "ratio": median(ours) / median(hand), "ratio_per_round_range": [per_round[0], per_round[-1]],
            "model": f"DCGAN {size}x{size}, width {width}, batch {batch}"}


def consumption(make_nets, size=32, batch=64, steps=60):
    """Real slices per second a chapter's training consumes (GANTrainer, batch 64, after a warm-up)."""
    pool = to_gan_range(BrainSimulator(size, seed=0).sample(1024).t1)
    seed_everything(0)
    trainer = GANTrainer(*make_nets(), pool, batch_size=batch, seed=0)
    trainer.fit(10, progress=False)
    start = time.perf_counter()
    trainer.fit(10 + steps, progress=False)
    return batch * steps / (time.perf_counter() - start)


def main():
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    result = {"machine": f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads",
              "torch": torch.__version__, "date": time.strftime("%Y-%m-%d")}
    result["simulator_slices_per_second"] = {
        "32 (T1)": slices_per_second(32), "64 (T1)": slices_per_second(64), "128 (T1)": slices_per_second(128),
        "64 (T1, T2, CT, lesions)": slices_per_second(64, contrasts=("t1", "t2", "ct"))}
    result["training_loop"] = loop_overhead()
    result["consumption_slices_per_second"] = {
        "DCGAN 32x32 width 32 (3.2)": consumption(lambda: (DCGANGenerator(100, 32, 1, 32), DCGANDiscriminator(32, 1, 32))),
        "MLP GAN 32x32 (3.1, 3.2's baseline)": consumption(lambda: mlp_image_gan(32))}
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
