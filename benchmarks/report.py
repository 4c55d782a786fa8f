"""Write benchmarks/RESULTS.md from the recorded figures (speed.json, notebook_times.json, step_flops.json,
gpu_rehearsal.json)."""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRAINS_NOTHING = {"00_getting_started"}  # chapters without a training loop


def main():
    lines = ["# Benchmark results", "",
             "Recorded by `make benchmarks` (`benchmarks/speed.py`, `benchmarks/notebook_times.py`); "
             "this file is written by `benchmarks/report.py`.", ""]
    speed_file = HERE / "speed.json"
    if speed_file.exists():
        speed = json.loads(speed_file.read_text())
        lines += [f"Machine: {speed['machine']}, torch {speed['torch']}, {speed['date']}.", "",
                  "## Brain MRI simulator", "", "| slices | per second |", "|---|---|"]
        lines += [f"| {k} | {v:,.0f} |" for k, v in speed["simulator_slices_per_second"].items()]
        rates = speed["consumption_slices_per_second"]
        fastest = max(rates, key=rates.get)
        at64 = speed["simulator_slices_per_second"]["64 (T1)"]
        lines += ["", "| training (GANTrainer, batch 64) | real slices consumed per second |", "|---|---|"]
        lines += [f"| {k} | {v:,.0f} |" for k, v in rates.items()]
        ratio = at64 / rates[fastest]
        lines += ["", f"The fastest consumer is the {fastest}: the simulator makes {ratio:.1f} times what it consumes "
                  f"at 64x64 ({speed['simulator_slices_per_second']['32 (T1)'] / rates[fastest]:.1f} times at "
                  f"32x32). That is {'above' if ratio >= 10 else 'below'} the target of ten times, so the "
                  f"simulator would {'not ' if ratio >= 10 else ''}slow a chapter that streamed fresh slices into "
                  f"training. The chapters do not: they draw fixed sets before training, as a real study has a "
                  f"fixed set of scans, and training then reads from memory. What each chapter draws, and its "
                  f"time spent drawing, is in the next table.", ""]
        lines += ["## Training loop overhead", "",
                  "Each family's step on the book's one loop (`gancourse.train.Trainer`) against the same step "
                  "written out in a bare loop, on twin networks and the same data, in interleaved rounds "
                  "(target: at most 1.05).", "",
                  "| model | one loop, ms per step | hand-written, ms per step | ratio | range over rounds |",
                  "|---|---|---|---|---|"]
        for model, loop in speed["training_loop"].items():
            low, high = loop["ratio_per_round_range"]
            lines.append(f"| {model} | {loop['gancourse_ms']:.1f} | {loop['hand_written_ms']:.1f} | "
                         f"**{loop['ratio']:.3f}** | {low:.3f} to {high:.3f} |")
        lines.append("")
    times_file = HERE / "notebook_times.json"
    if times_file.exists():
        times = json.loads(times_file.read_text())
        lines += ["## Notebook wall time", "", "| notebook | smoke | cpu | gpu |", "|---|---|---|---|"]
        for name, by_profile in sorted(times.items()):
            cells = [f"{by_profile[p]['seconds']:.0f} s" if p in by_profile else "not recorded"
                     for p in ("smoke", "cpu", "gpu")]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        machines = sorted({v["machine"] for t in times.values() for v in t.values()})
        lines += ["", f"Measured on: {'; '.join(machines)}. Budgets: smoke 30 s, cpu 300 s (600 s for a "
                  f"chapter that says so), gpu 900 s on a free Colab GPU.", ""]
        lines += simulator_share(times)
        lines += chapter_results(times)
    flops_file = HERE / "step_flops.json"
    if flops_file.exists():
        lines += step_flops(json.loads(flops_file.read_text()))
    rehearsal_file = HERE / "gpu_rehearsal.json"
    if rehearsal_file.exists():
        lines += gpu_rehearsal(json.loads(rehearsal_file.read_text()))
    (HERE / "RESULTS.md").write_text("\n".join(lines))


def chapter_results(times, profile="cpu"):
    """Every result table each chapter displayed in its last recorded run of ``profile``."""
    lines = ["## Chapter results (cpu profile)", "",
             "The tables each chapter displayed in its last recorded cpu run, as the book shows them; a chapter "
             "recorded before its tables were collected says so.", ""]
    for name, by_profile in sorted(times.items()):
        run = by_profile.get(profile)
        if run is None:
            continue
        lines += [f"### {name} ({run['date']}, {run['seconds']:.0f} s)", ""]
        tables = run.get("tables")
        if tables is None:
            lines += ["Tables not recorded in this run.", ""]
        elif not tables:
            lines += ["This chapter displays no table.", ""]
        for table in tables or []:
            lines += [table, ""]
    return lines


def simulator_share(times, profile="cpu"):
    """The section on how much each chapter draws from the simulator (benchmarks/simulator_clock.py)."""
    clocked = {name: t[profile] for name, t in sorted(times.items())
               if t.get(profile, {}).get("simulator") and t[profile]["simulator"]["seconds"] > 0}
    if not clocked:
        return []
    lines = [f"## Simulation's share of each chapter ({profile} profile)", "",
             "Every call of the simulator in a chapter, timed while the chapter ran (`benchmarks/simulator_clock.py`). "
             "The last column is the simulator's speed over the chapter's use of it: the slices a chapter draws "
             "divided by the time it spends simulating, against the same slices divided by the time it spends on "
             "everything else (training and evaluation).", "",
             "| notebook | slices drawn | volumes drawn | simulating | rest of the chapter | share of the chapter | "
             "simulator speed / chapter's use |", "|---|---|---|---|---|---|---|"]
    ratios = {}
    for name, t in clocked.items():
        simulating, rest = t["simulator"]["seconds"], t["seconds"] - t["simulator"]["seconds"]
        ratios[name] = rest / simulating
        lines.append(f"| {name} | {t['simulator']['slices']:,} | {t['simulator']['volumes']:,} | {simulating:.1f} s | "
                     f"{rest:.0f} s | {100 * simulating / t['seconds']:.1f} % | {ratios[name]:.0f}x |")
    training = {name: ratio for name, ratio in ratios.items() if name not in TRAINS_NOTHING}
    if training:
        lowest = min(training, key=training.get)
        met = [name for name, ratio in training.items() if ratio >= 10]
        lines += ["", f"In {len(met)} of the {len(training)} chapters that train a network, the simulator makes slices "
                  f"at least ten times as fast as the chapter uses them; the lowest ratio is {training[lowest]:.0f}x "
                  f"({lowest})."]
    for name in sorted(TRAINS_NOTHING & set(ratios)):
        lines += ["", f"{name} trains nothing: it is the tour of the simulator and times the simulator itself, so its "
                  "ratio says nothing about training."]
    return lines + [""]


def gpu_rehearsal(r):
    """The section on the last run of benchmarks/gpu_rehearsal.py."""
    ran = [name for name, chapter in r["chapters"].items() if chapter["exit_code"] == 0]
    lines = ["## gpu profile: rehearsal on a GPU", "",
             f"`benchmarks/gpu_rehearsal.py` on {r['gpu']} ({r['machine']}, torch {r['torch']}), {r['date']}: every "
             f"chapter in the gpu profile, at its full sizes and step counts, with every training *time* multiplied "
             f"by {r['scale']:g}, {r['parallel']} chapters at once sharing the GPU, {r['threads_per_chapter']} CPU "
             f"threads each. {len(ran)} of {len(r['chapters'])} chapters ran to the end on CUDA.", "",
             "| notebook | result | wall time (sharing the GPU) |", "|---|---|---|"]
    lines += [f"| {name} | {'ran' if c['exit_code'] == 0 else 'failed (exit ' + str(c['exit_code']) + ')'} | "
              f"{c['seconds']:.0f} s |" for name, c in sorted(r["chapters"].items())]
    lines += ["", "It shows that the gpu profile's code runs on a GPU; it does not give the gpu profile's results or "
              "its time on a free Colab GPU (the training is shortened and the chapters competed for one GPU and "
              "its host), so the table above leaves the gpu column unrecorded.", ""]
    return lines



def step_flops(figures):
    """The section on how close each chapter's training step comes to the machine's measured peak."""
    peak = max(figures["peak_gflops"].values())
    lines = ["## How close to the machine's limit", "",
             f"{figures['machine']}, torch {figures['torch']}, {figures['date']} (`benchmarks/step_flops.py`). Peak "
             "measured in the same run: " + ", ".join(f"{k} {v:.0f} GFLOP/s" for k, v in figures["peak_gflops"].items())
             + ". A step's operations are counted by PyTorch's FlopCounterMode (a multiply-add is two).", "",
             "| training step | GFLOP per step | ms per step | GFLOP/s | share of peak | channels_last, ms | "
             "one thread, ms |", "|---|---|---|---|---|---|---|"]
    for name, step in figures["steps"].items():
        lines.append(f"| {name} | {step['gflop_per_step']:.2f} | {step['ms_per_step']:.0f} | "
                     f"{step['gflops_achieved']:.0f} | {100 * step['gflops_achieved'] / peak:.0f} % | "
                     f"{figures['steps_channels_last'][name]['ms_per_step']:.0f} | "
                     f"{figures['steps_one_thread'][name]['ms_per_step']:.0f} |")
    evaluation = figures["evaluation"]
    change = {name: figures["steps_channels_last"][name]["ms_per_step"] / step["ms_per_step"] - 1
              for name, step in figures["steps"].items()}
    faster = [f"{name} ({-100 * c:.0f} % less time)" for name, c in change.items() if c < -0.05]
    slower = [f"{name} ({100 * c:+.0f} %)" for name, c in change.items() if c >= -0.05]
    threads = [figures["steps_one_thread"][name]["ms_per_step"] / step["ms_per_step"]
               for name, step in figures["steps"].items()]
    lines += ["", f"`channels_last` pays (more than 5 %) for: {', '.join(faster) or 'none'}; it does not for: "
              f"{', '.join(slower) or 'none'}. One thread takes {min(threads):.1f} to {max(threads):.1f} times as "
              f"long as two, so the second core is used. Generating 1,024 DCGAN samples: "
              f"{evaluation['no_grad_ms']:.0f} ms under `no_grad`, {evaluation['inference_mode_ms']:.0f} ms under "
              "`inference_mode`.", ""]
    return lines


if __name__ == "__main__":
    main()
