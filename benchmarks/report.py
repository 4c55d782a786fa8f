"""Write benchmarks/RESULTS.md from the recorded figures (speed.json, notebook_times.json)."""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


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
        consumption = speed["fastest_chapter_consumption_slices_per_second"]
        at64 = speed["simulator_slices_per_second"]["64 (T1)"]
        lines += ["", f"The fastest training in the book (the 32x32 DCGAN of chapter 3.2, batch 64) consumes "
                  f"{consumption:,.0f} slices per second; the simulator makes {at64 / consumption:.1f} times that "
                  f"at 64x64 and {speed['simulator_slices_per_second']['32 (T1)'] / consumption:.1f} times that at "
                  f"32x32. Chapters draw their training set once, before training, as a real study has a fixed "
                  f"set of scans.", ""]
        loop = speed["training_loop"]
        lines += ["## Training loop overhead", "",
                  f"{loop['model']}: `GANTrainer` {loop['gancourse_ms']:.1f} ms per step, the minimal "
                  f"hand-written loop {loop['hand_written_ms']:.1f} ms: ratio **{loop['ratio']:.3f}** "
                  f"(target: at most 1.05).", ""]
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
    (HERE / "RESULTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
