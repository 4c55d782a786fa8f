"""Rehearse every chapter in the gpu profile on a GPU machine, with shortened training times.

    python benchmarks/gpu_rehearsal.py --scale 0.1 --parallel 9 --out /tmp/rehearsal

A full gpu-profile run takes up to 15 minutes per chapter; this one runs each chapter at the gpu profile's
sizes (resolutions, widths, data sets, step counts) on the GPU, with every training *time* multiplied by
``--scale`` (``GANCOURSE_TIME_SCALE``). It proves that the gpu profile's code runs end to end on CUDA and
records how long each chapter spends outside its training loops, which is what a full run adds to the
training times the chapters print.

It needs no Jupyter: each notebook's jupytext twin (``notebooks/*.py``) runs as a script, several at once
(``--parallel``), each with its log in ``--out``. A summary goes to ``--out/summary.json``; with
``--record`` it is also written to benchmarks/gpu_rehearsal.json, which benchmarks/report.py reads.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "benchmarks" / "gpu_rehearsal.json"


def warm_caches():
    """Build the template cache and load the domain encoder once, before chapters run in parallel."""
    start = time.perf_counter()
    code = ("from gancourse.data import BrainSimulator; BrainSimulator(32, seed=0).sample(1); "
            "from gancourse.metrics.domain import load_encoder; load_encoder(progress=False)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=chapter_environment(1.0))
    return time.perf_counter() - start


def chapter_environment(scale, threads=None):
    env = dict(os.environ, GANCOURSE_PROFILE="gpu", GANCOURSE_TIME_SCALE=str(scale), MPLBACKEND="Agg",
               PYTHONUNBUFFERED="1", PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    return env


# Runs a chapter's script with IPython's display() printing Markdown as text, so its tables reach the log.
RUN_SCRIPT = """
import runpy, sys
import IPython.display as shown
plain = shown.display
shown.display = lambda *objects, **kw: [print(o.data) if isinstance(o, shown.Markdown) else plain(o, **kw)
                                        for o in objects] and None
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def run_chapter(script, scale, threads, out):
    log = out / f"{script.stem}.log"
    start = time.perf_counter()
    with open(log, "w") as handle:
        code = subprocess.run([sys.executable, "-c", RUN_SCRIPT, script.name], cwd=script.parent, stdout=handle,
                              stderr=subprocess.STDOUT, env=chapter_environment(scale, threads)).returncode
    seconds = time.perf_counter() - start
    print(f"{script.stem}: {'ok' if code == 0 else f'FAILED (exit {code})'} in {seconds:.0f} s", flush=True)
    return script.stem, {"seconds": round(seconds, 1), "exit_code": code,
                         "last_lines": log.read_text().splitlines()[-25:]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="factor on every training time (default 0.1)")
    parser.add_argument("--parallel", type=int, default=3, help="chapters run at once (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads per chapter (default 2, as Colab)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "_work" / "gpu_rehearsal")
    parser.add_argument("--record", action="store_true", help="write the summary to benchmarks/gpu_rehearsal.json")
    parser.add_argument("scripts", nargs="*", type=Path, help="chapters to run (default: all of notebooks/*.py)")
    args = parser.parse_args()

    import torch  # after argparse, so that --help works anywhere
    if not torch.cuda.is_available():
        sys.exit("no CUDA GPU here: the rehearsal checks the gpu profile on a GPU machine.")
    args.out.mkdir(parents=True, exist_ok=True)
    scripts = [path.resolve() for path in args.scripts] or sorted((ROOT / "notebooks").glob("*.py"))
    warm = warm_caches()
    print(f"caches warm in {warm:.0f} s; {len(scripts)} chapters, {args.parallel} at a time, training times "
          f"x {args.scale:g}", flush=True)
    start = time.perf_counter()
    with ThreadPoolExecutor(args.parallel) as pool:
        chapters = dict(pool.map(lambda script: run_chapter(script, args.scale, args.threads, args.out), scripts))
    summary = {
        "date": time.strftime("%Y-%m-%d"), "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores", "scale": args.scale,
        "parallel": args.parallel, "threads_per_chapter": args.threads, "cache_warm_seconds": round(warm, 1),
        "total_seconds": round(time.perf_counter() - start, 1), "chapters": chapters,
    }
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    (args.out / "summary.json").write_text(text)
    if args.record:
        RECORD.write_text(text)
    failed = [name for name, result in chapters.items() if result["exit_code"]]
    print(f"{len(chapters) - len(failed)} of {len(chapters)} chapters ran in {summary['total_seconds']:.0f} s"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
