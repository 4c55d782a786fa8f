"""Write the student versions of every chapter: the same notebooks without their folded solutions.

    python book/student.py [--dest student]        (make student)

The answer cells keep their stubs and the check cells stay, so a learner sees "Not answered yet" until they
solve an exercise; a teacher grades the returned notebooks with ``python -m gancourse.exercises.grade``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from gancourse.exercises.versions import exercises, student_version  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=ROOT / "student", help="folder to write (default: student/)")
    args = parser.parse_args(argv)
    args.dest.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        count = len(exercises(notebook))  # also checks that every exercise has its solution
        nbformat.write(student_version(notebook), args.dest / path.name)
        print(f"{args.dest / path.name}: {count} self-checked exercises, solutions removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
