"""Execute notebooks in a profile and record each one's wall time.

    python benchmarks/notebook_times.py --profile cpu [notebooks/3_1_gan.ipynb ...]

Executed copies go to benchmarks/_work/<profile>/ (not committed) so their outputs can be inspected; the
times, with the result tables each chapter displayed, are merged into benchmarks/notebook_times.json, and
benchmarks/RESULTS.md is rewritten from them by benchmarks/report.py.

Each notebook also runs with the simulator clock (benchmarks/simulator_clock.py): a cell added before its
first and one after its last record how many slices the chapter drew from the brain MRI simulator and how
long drawing them took, the chapter's share of time spent simulating.
"""
import argparse
import json
import os
import platform
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from simulator_clock import parse

ROOT = Path(__file__).resolve().parents[1]
TIMES = ROOT / "benchmarks" / "notebook_times.json"
CLOCK_START = (f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n"
               "import simulator_clock; simulator_clock.install()")
CLOCK_END = "print(simulator_clock.report())"


def with_simulator_clock(notebook):
    """A copy of the notebook with the clock installed before its first cell and read after its last."""
    clocked = nbformat.from_dict(notebook)
    clocked.cells = ([nbformat.v4.new_code_cell(CLOCK_START)] + list(clocked.cells)
                     + [nbformat.v4.new_code_cell(CLOCK_END)])
    return clocked


def result_tables(notebook) -> list:
    """The Markdown tables a chapter displayed (its results: `display(Markdown(markdown_table(...)))`), in
    order, so that RESULTS.md records what each run measured, not only how long it took."""
    tables = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            if isinstance(text, list):
                text = "".join(text)
            if "|---" in text.replace(" ", ""):
                tables.append(text.strip())
    return tables


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", choices=["smoke", "cpu", "gpu"], required=True)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    os.environ["GANCOURSE_PROFILE"] = args.profile
    out_dir = ROOT / "benchmarks" / "_work" / args.profile
    out_dir.mkdir(parents=True, exist_ok=True)
    times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    for path in notebooks:
        notebook = with_simulator_clock(nbformat.read(path, as_version=4))
        start = time.perf_counter()
        NotebookClient(notebook, timeout=1800, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        seconds = time.perf_counter() - start
        nbformat.write(notebook, out_dir / path.name)
        printed = "".join(o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream")
        times.setdefault(path.stem, {})[args.profile] = {
            "seconds": round(seconds, 1), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "date": time.strftime("%Y-%m-%d"), "simulator": parse(printed), "tables": result_tables(notebook)}
        print(f"{path.name}: {seconds:.1f} s in the {args.profile} profile, simulating "
              f"{times[path.stem][args.profile]['simulator']}", flush=True)
        TIMES.write_text(json.dumps(times, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
