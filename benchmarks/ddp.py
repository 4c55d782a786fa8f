"""Record the time per step of chapter 3.2's DCGAN on 1 process and on 2 gloo processes (DDP) on this CPU.

    python benchmarks/ddp.py              # measure (a few minutes), write benchmarks/ddp.json and the page's table
    python benchmarks/ddp.py --page-only  # write the table of book/distributed.md from benchmarks/ddp.json

Each setting runs in fresh processes (``torchrun`` for two), on the simulator's slices, with the one loop
(``GANTrainer.fit``); the time of a step is the median over the timed steps, after a warm-up, and each figure
the median over three interleaved rounds (the machine may be shared). On a machine with C cores, 1 process
uses C threads (the whole machine) or C // 2, and each of 2 processes uses C // 2 threads
(``torch.set_num_threads`` in each process, and ``OMP_NUM_THREADS``): more threads than cores would make the
processes fight over them. The settings:

* 1 process, all threads, batch 64: chapter 3.2's run;
* 1 process, C // 2 threads, batch 64: what one of the two processes has to itself;
* 2 processes, batch 32 each: the same 64 slices per update, split (does splitting the work pay?);
* 2 processes, batch 64 each: 128 slices per update (does the throughput grow?).

The communication is timed on its own: an all-reduce over the 2 processes of as many numbers as a step's
gradients (the discriminator's twice, since the generator's update also passes through it, and the
generator's once), the work that DDP adds to each step.
"""
import argparse
import datetime
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
OUT = HERE / "ddp.json"
PAGE = HERE.parent / "book" / "distributed.md"
MODELS = {  # chapter 3.2's DCGAN in its cpu profile, and in its gpu profile (64x64, Radford et al.'s width)
    "cpu profile: 32x32, width 32": dict(image_size=32, width=32, warmup=5, timed=40),
    "gpu profile: 64x64, width 64": dict(image_size=64, width=64, warmup=2, timed=6),
}


# ------------------------------------------------------------------------------------------ in each process
def worker(model: str, batch: int, threads: int, out: str):
    """Time ``GANTrainer`` steps in this process (one of several under torchrun); rank 0 writes the figures."""
    torch.set_num_threads(threads)
    from gancourse import distributed
    from gancourse.data import BrainSimulator, to_gan_range
    from gancourse.methods.gan import GANTrainer
    from gancourse.nets import DCGANDiscriminator, DCGANGenerator
    from gancourse.train import seed_everything

    distributed.init("gloo")
    sizes = MODELS[model]
    slices = to_gan_range(BrainSimulator(sizes["image_size"], seed=0, skull_stripped=True).sample(512).t1)
    seed_everything(0)
    G = DCGANGenerator(z_dim=100, width=sizes["width"], image_size=sizes["image_size"])
    D = DCGANDiscriminator(width=sizes["width"], image_size=sizes["image_size"])
    trainer = GANTrainer(G, D, slices, batch_size=batch, seed=0)
    trainer.fit(steps=sizes["warmup"] + sizes["timed"], progress=False)
    ends = trainer.history["seconds"][sizes["warmup"] - 1:]
    figures = {"ms_per_step": 1000 * statistics.median(b - a for a, b in zip(ends, ends[1:])),
               "parameters": sum(p.numel() for p in [*G.parameters(), *D.parameters()])}
    if distributed.is_distributed():
        gradients = torch.zeros(2 * sum(p.numel() for p in D.parameters()) + sum(p.numel() for p in G.parameters()))
        times = []
        for _ in range(12):
            distributed.barrier()
            start = time.perf_counter()
            torch.distributed.all_reduce(gradients)
            times.append(time.perf_counter() - start)
        figures["allreduce_ms"] = 1000 * statistics.median(times[2:])
    if distributed.is_main():
        Path(out).write_text(json.dumps(figures))


# ------------------------------------------------------------------------------------------ the launcher
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(model: str, processes: int, threads: int, batch: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "figures.json"
        script = [__file__, "--worker", model, str(batch), str(threads), str(out)]
        if processes == 1:
            command = [sys.executable, *script]
        else:
            command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(processes),
                       "--nnodes", "1", "--rdzv_backend", "c10d", "--rdzv_endpoint", f"127.0.0.1:{free_port()}",
                       *script]
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=600)
        figures = json.loads(out.read_text())
    figures.update(processes=processes, threads=threads, batch_per_process=batch,
                   slices_per_second=processes * batch / figures["ms_per_step"] * 1000)
    return figures


def measure(rounds: int = 3) -> dict:
    """Every setting, in ``rounds`` interleaved rounds (so that a disturbance on a shared machine hits one
    round of each, not all of one setting); each figure is the median over the rounds."""
    cores = os.cpu_count()
    settings = [(1, cores, 64), (1, max(cores // 2, 1), 64), (2, max(cores // 2, 1), 32),
                (2, max(cores // 2, 1), 64)]
    results = {"machine": f"{platform.processor() or platform.machine()}, {cores} cores", "torch": torch.__version__,
               "date": datetime.date.today().isoformat(), "backend": "gloo", "rounds": rounds, "models": {}}
    from tqdm.auto import tqdm
    with tqdm(total=rounds * len(MODELS) * len(settings), desc="settings") as bar:
        runs = {model: [[] for _ in settings] for model in MODELS}
        for _ in range(rounds):
            for model in MODELS:
                for kept, setting in zip(runs[model], settings):
                    kept.append(run(model, *setting))
                    bar.update(1)
    for model, per_setting in runs.items():
        rows = []
        for kept in per_setting:
            row = dict(kept[0])
            for key in ("ms_per_step", "slices_per_second", "allreduce_ms"):
                if key in row:
                    row[key] = statistics.median(r[key] for r in kept)
            row["ms_per_step_per_round"] = [round(r["ms_per_step"], 1) for r in kept]
            rows.append(row)
        results["models"][model] = rows
    return results


# ------------------------------------------------------------------------------------------ the page's table
START, END = "<!-- ddp table: written by benchmarks/ddp.py -->", "<!-- end of ddp table -->"


def table(results: dict) -> str:
    lines = [f"Recorded in `benchmarks/ddp.json` by `benchmarks/ddp.py` ({results['machine']}, torch "
             f"{results['torch']}, {results['backend']}, {results['date']}; medians of {results['rounds']} rounds). "
             "The ratios compare each setting with the chapter's run, one process on the whole machine.", "",
             "| model | processes x threads | slices per process | ms per step | slices per second | "
             "time per step (ratio) | slices per second (ratio) |", "|---|---|---|---|---|---|---|"]
    for model, rows in results["models"].items():
        base = rows[0]
        for row in rows:
            lines.append(f"| {model} | {row['processes']} x {row['threads']} | {row['batch_per_process']} | "
                         f"{row['ms_per_step']:.0f} | {row['slices_per_second']:.0f} | "
                         f"{row['ms_per_step'] / base['ms_per_step']:.2f} | "
                         f"{row['slices_per_second'] / base['slices_per_second']:.2f} |")
    lines += ["", "| model | parameters | all-reduce of one step's gradients over 2 processes, ms | "
              "share of the 2 x 64 step |", "|---|---|---|---|"]
    for model, rows in results["models"].items():
        two = next(r for r in rows if r["processes"] == 2 and r["batch_per_process"] == 64)
        lines.append(f"| {model} | {rows[0]['parameters'] / 1e6:.2f} M | {two['allreduce_ms']:.1f} | "
                     f"{two['allreduce_ms'] / two['ms_per_step']:.0%} |")
    lines += [""]
    for model, rows in results["models"].items():
        base = rows[0]
        twos = {r["batch_per_process"]: r for r in rows if r["processes"] == 2}
        split, more = twos[base["batch_per_process"] // 2], twos[base["batch_per_process"]]
        faster = split["ms_per_step"] < base["ms_per_step"]
        lines.append(f"- {model}: the same {base['batch_per_process']} slices per update split over 2 processes took "
                     f"{split['ms_per_step'] / base['ms_per_step']:.2f} times the time per step of one process, so "
                     f"splitting the chapter's step {'paid' if faster else 'did not pay'} here; 2 processes with "
                     f"{more['batch_per_process']} slices each went through "
                     f"{more['slices_per_second'] / base['slices_per_second']:.2f} times as many slices per second.")
        alone = next(r for r in rows if r["processes"] == 1 and r["threads"] == more["threads"])
        beside = more["ms_per_step"] - more["allreduce_ms"]
        lines.append(f"  Where the time went: the all-reduce of the gradients took {more['allreduce_ms']:.1f} ms of "
                     f"its {more['ms_per_step']:.0f} ms step; the rest, {beside:.0f} ms, is each process's step "
                     f"beside the other, against {alone['ms_per_step']:.0f} ms for one process alone on as many "
                     f"threads ({beside / alone['ms_per_step']:.2f} times).")
    return "\n".join(lines)


def write_page(results: dict) -> None:
    text = PAGE.read_text()
    block = f"{START}\n{table(results)}\n{END}"
    new, count = re.subn(re.escape(START) + r".*?" + re.escape(END), lambda m: block, text, flags=re.S)
    if count != 1:
        raise SystemExit(f"{PAGE} has no table block ({START} ... {END}) to write into.")
    PAGE.write_text(new)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        model, batch, threads, out = sys.argv[2:]
        return worker(model, int(batch), int(threads), out)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--page-only", action="store_true", help="write the page's table from ddp.json")
    args = parser.parse_args()
    if not args.page_only:
        OUT.write_text(json.dumps(measure(), indent=1) + "\n")
    write_page(json.loads(OUT.read_text()))
    print(table(json.loads(OUT.read_text())))


if __name__ == "__main__":
    main()
