"""Write benchmarks/RESULTS.md from the recorded figures (speed.json, notebook_times.json, gpu_rehearsal.json)."""
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
        loop = speed["training_loop"]
        lines += ["## Training loop overhead", "",
                  f"{loop['model']}: `GANTrainer` {loop['gancourse_ms']:.1f} ms per step, the minimal "
                  f"hand-written loop {loop['hand_written_ms']:.1f} ms: ratio **{loop['ratio']:.3f}** "
                  f"(target: at most 1.05). Paired rounds of {15} steps ranged from "
                  f"{loop['ratio_per_round_range'][0]:.3f} to {loop['ratio_per_round_range'][1]:.3f}: the "
                  f"difference is within this machine's run-to-run noise.", ""]
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
    rehearsal_file = HERE / "gpu_rehearsal.json"
    if rehearsal_file.exists():
        lines += gpu_rehearsal(json.loads(rehearsal_file.read_text()))
    (HERE / "RESULTS.md").write_text("\n".join(lines))


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


if __name__ == "__main__":
    main()
