"""Grade learners' notebooks: run each one top to bottom and report every exercise's check.

    python -m gancourse.exercises.grade alice/3_7_wgan.ipynb bob/3_7_wgan.ipynb --profile smoke

Each notebook runs in a fresh kernel, in a scratch folder, with ``GANCOURSE_CHECK_LOG`` set, so every
``check(...)`` it calls is recorded. A cell that raises does not stop the run (the exercises after it are still
graded); the error is reported. An exercise whose check never ran counts as not answered. Nothing is written
next to the notebooks.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from . import exercises_of
from .versions import CHECK_CALL


def run_checks(notebook, folder, *, profile: str = "smoke", timeout: int = 600,
               stop_on_error: bool = False) -> tuple[list[dict], list[str]]:
    """Execute ``notebook`` (an nbformat notebook) in ``folder`` and return (the check log, the errors seen).

    The log holds one ``{"exercise": key, "result": True | False | None}`` per check called, in order."""
    import nbclient

    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "checks.jsonl"
        saved = {k: os.environ.get(k) for k in ("GANCOURSE_CHECK_LOG", "GANCOURSE_PROFILE")}
        os.environ.update(GANCOURSE_CHECK_LOG=str(log), GANCOURSE_PROFILE=profile)
        try:
            client = nbclient.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                             allow_errors=not stop_on_error,
                                             resources={"metadata": {"path": str(folder)}})
            client.execute()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        entries = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    errors = [f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
              for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    return entries, errors


def chapter_of_notebook(notebook) -> str | None:
    """The chapter whose exercises the notebook checks ("3.7"), from its check calls."""
    for cell in notebook.cells:
        match = CHECK_CALL.search(cell.source) if cell.cell_type == "code" else None
        if match:
            return match.group(1).rsplit(".", 1)[0]
    return None


def grade(path: Path, *, profile: str = "smoke", timeout: int = 600) -> dict[str, bool | None]:
    """Every exercise of the notebook at ``path``: True (correct), False (wrong) or None (not answered)."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    chapter = chapter_of_notebook(notebook)
    if chapter is None:
        raise SystemExit(f"{path}: no check(\"<chapter>.<n>\", ...) call found; is this a gancourse chapter?")
    with tempfile.TemporaryDirectory() as folder:  # whatever the chapter writes goes here, not beside the notebook
        entries, errors = run_checks(notebook, folder, profile=profile, timeout=timeout)
    results = {key: None for key in exercises_of(chapter)}
    for entry in entries:            # the last check of an exercise counts (a learner may rerun it)
        results[entry["exercise"]] = entry["result"]
    for error in errors:
        print(f"{path}: {error}", file=sys.stderr)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run learners' chapter notebooks and report their exercises.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--profile", default="smoke", choices=["smoke", "cpu", "gpu"],
                        help="run size (default smoke: fast, enough for the checks)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    words = {True: "correct", False: "not quite", None: "not answered"}
    for path in args.notebooks:
        if not path.is_file():
            raise SystemExit(f"{path}: no such notebook")
        results = grade(path, profile=args.profile, timeout=args.timeout)
        score = sum(result is True for result in results.values())
        print(f"{path}: {score} of {len(results)} exercises correct")
        for key, result in results.items():
            print(f"  {key}: {words[result]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
