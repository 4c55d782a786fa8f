"""Write what a course needs to know about each chapter, from the chapters and the benchmarks' figures.

- every chapter's reading and running time, on the line under its Colab badge;
- ``book/instructor.md``: per chapter its learning goals, prerequisites, times, exercises and assignments;
- ``book/workshop.md``: the 90-minute workshop path, its running minutes measured by the benchmarks.

Sources: the notebooks; ``book/course/<chapter>.yml`` (prerequisites, assignments, rubrics);
``book/course/workshop.yml`` (the workshop's steps); ``benchmarks/notebook_times.json`` (the measured times, the
figures ``benchmarks/RESULTS.md`` is written from); the answer modules (what each exercise asks).
Run from the repository root (``make notebooks``); ``--check`` changes nothing and lists what is stale.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from gancourse.exercises import exercise  # noqa: E402
from gancourse.exercises.versions import exercises, solution_spans  # noqa: E402
from sync_release import BADGE  # noqa: E402  (the Colab badge, as the release script writes it)

NOTEBOOKS = ROOT / "notebooks"
COURSE = ROOT / "book" / "course"
TIMES = ROOT / "benchmarks" / "notebook_times.json"
TIME_LINE = re.compile(r"^\*About \d+ minutes to read[;.].*\*$", re.M)
PROSE_WORDS_PER_MINUTE, CODE_WORDS_PER_MINUTE = 200, 100
REFERENCES_MARKER = "<!-- references:"
MAX_READING_MINUTES = 45
WORKSHOP_MINUTES = 90


def _words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def reading_minutes(notebook) -> int:
    """Minutes to read a chapter: its prose at 200 words a minute and its code at 100 (code is read more
    slowly), without the setup cell, the references and this line itself; rounded up to 5 minutes."""
    prose = code = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown" and REFERENCES_MARKER not in cell.source:
            prose += _words(TIME_LINE.sub("", BADGE.sub("", cell.source)))
        elif cell.cell_type == "code" and not cell.source.lstrip().startswith("# Setup:"):
            code += _words(cell.source)
    minutes = prose / PROSE_WORDS_PER_MINUTE + code / CODE_WORDS_PER_MINUTE
    return max(5, 5 * math.ceil(minutes / 5))


def measured(name: str) -> dict:
    """Seconds per profile that the benchmarks recorded for a chapter ({} when none)."""
    times = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    return {profile: entry["seconds"] for profile, entry in times.get(name, {}).items()}


def duration(seconds) -> str:
    if seconds is None:
        return "not measured"
    if seconds < 60:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds >= 600 else f"{seconds / 60:.1f} min"


def time_line(name: str, notebook) -> str:
    seconds = measured(name)
    cpu = seconds.get("cpu")
    run = (f"in the cpu profile it runs in {duration(cpu)} on 2 CPU cores" if cpu is not None
           else "its running time in the cpu profile is not measured yet")
    return (f"*About {reading_minutes(notebook)} minutes to read; {run} "
            "(the book's benchmarks measure it).*")


def with_time_line(notebook, name: str):
    first = notebook.cells[0]
    line = time_line(name, notebook)
    if TIME_LINE.search(first.source):
        first.source = TIME_LINE.sub(line, first.source, count=1)
    else:
        badge = BADGE.search(first.source)
        if not badge:
            raise SystemExit(f"{name}: the first cell has no Colab badge to put the reading time under")
        first.source = first.source[:badge.end()] + "\n\n" + line + first.source[badge.end():]
    return notebook


def title_and_goals(notebook) -> tuple[str, list[str]]:
    first = notebook.cells[0].source
    title = re.search(r"^# (.+)$", first, re.M).group(1).strip()
    goals, inside = [], False
    for cell in notebook.cells[:3]:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.split("\n"):
            if line.strip().startswith("**Learning goals**"):
                inside = True
            elif inside and line.startswith("- "):
                goals.append(line[2:].strip())
            elif inside and line.startswith("  ") and goals:
                goals[-1] += " " + line.strip()
            elif inside and goals and not line.strip():
                inside = False
    return title, goals


def open_questions(notebook) -> int:
    """Folded solutions without code: the exercises with no single right value."""
    folded = sum(len(solution_spans(c.source)) for c in notebook.cells if c.cell_type == "markdown")
    return folded - len(exercises(notebook))


def course_entry(name: str) -> dict:
    path = COURSE / f"{name}.yml"
    return yaml.safe_load(path.read_text()) if path.exists() else {}


def chapter_facts(name: str) -> dict:
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    title, goals = title_and_goals(notebook)
    checked = [exercise(e.key) for e in exercises(notebook)]
    return {"name": name, "title": title, "goals": goals, "reading": reading_minutes(notebook),
            "seconds": measured(name), "checked": checked, "open": open_questions(notebook),
            "course": course_entry(name)}


def instructor_page(facts: list[dict]) -> str:
    lines = [
        "# For instructors", "",
        "Everything a course needs from this book, chapter by chapter: what each teaches, what it assumes, how "
        "long it takes to read and to run, and which of its exercises make good graded assignments. The "
        "running times are the ones the book's benchmarks measured (`benchmarks/RESULTS.md`), on 2 CPU "
        "cores for the smoke and cpu profiles; this page is written from them, from the chapters and from "
        "`book/course/`, by `book/course_pages.py`.", "",
        "## Student versions and grading", "",
        "- `make student` writes every chapter to `student/` without its folded solutions. The answer cells "
        "keep their stubs and the self-checks stay, so each check says *Not answered yet* until the exercise "
        "is solved.",
        "- `python -m gancourse.exercises.grade alice/3_7_wgan.ipynb ...` runs each returned notebook top to "
        "bottom in a fresh kernel (smoke profile by default: seconds per chapter) and prints, per exercise, "
        "*correct*, *not quite* or *not answered*. A cell that raises does not stop the grading.",
        "- The expected values live in the library (`gancourse/exercises/`), not in the notebooks, and a "
        "wrong answer is never followed by the right one. The book's tests run every chapter's exercises "
        "twice, as written (each check must say *not answered*) and solved (each must say *correct*).",
        "- A build-it exercise runs the learner's function on fixed inputs against the library's own "
        "implementation; the open questions have no check, and a rubric below.", "",
        "## At a glance", "",
        "| chapter | reading | cpu run | smoke run | self-checked | build-it | open |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in facts:
        build = sum(e.kind == "function" for e in f["checked"])
        lines.append(f"| [{f['title']}](../notebooks/{f['name']}.ipynb) | {f['reading']} min | "
                     f"{duration(f['seconds'].get('cpu'))} | {duration(f['seconds'].get('smoke'))} | "
                     f"{len(f['checked'])} | {build} | {f['open']} |")
    lines += ["", "The gpu profile's times (on a free Colab GPU) are not yet measured.", ""]
    for f in facts:
        course = f["course"]
        lines += [f"## {f['title']}", ""]
        if f["goals"]:
            lines += ["Learning goals:", ""] + [f"- {goal}" for goal in f["goals"]] + [""]
        prerequisites = course.get("prerequisites") or []
        lines += [f"Prerequisites: {', '.join(_chapter_name(p, facts) for p in prerequisites) or 'none'}. "
                  f"Reading: about {f['reading']} minutes. Running: {duration(f['seconds'].get('cpu'))} "
                  f"(cpu profile), {duration(f['seconds'].get('smoke'))} (smoke).", "",
                  "| exercise | kind | asks for |", "|---|---|---|"]
        for e in f["checked"]:
            lines.append(f"| {e.key} | {'build-it' if e.kind == 'function' else 'value'} | {e.what} |")
        lines.append("")
        if course.get("assignments"):
            lines += ["Good graded assignments:", ""]
            lines += [f"- **{a['exercise']}**: {a['why']}" for a in course["assignments"]] + [""]
        for question in course.get("open_questions") or []:
            lines += [f"Rubric for {question['exercise']}:", ""]
            lines += [f"- {point}" for point in question["rubric"]] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _chapter_name(number: str, facts) -> str:
    number = str(number)
    for f in facts:
        if f["title"].split(" ")[0] == number or (number == "0" and f["name"].startswith("00")):
            return f["title"]
    return number


def workshop_page(facts: list[dict]) -> str:
    plan = yaml.safe_load((COURSE / "workshop.yml").read_text())
    by_name = {f["name"]: f for f in facts}
    lines = ["# A 90-minute workshop", "", plan["introduction"].strip(), "",
             "| step | what to show | presenting (planned) | running (measured, cpu profile) | ends at |",
             "|---|---|---|---|---|"]
    clock, unmeasured = 0.0, []
    for step in plan["steps"]:
        name = step.get("notebook")
        seconds = by_name[name]["seconds"].get("cpu") if name else 0.0
        if name and seconds is None:
            unmeasured.append(name)
            seconds = 0.0
        clock += step["present_minutes"] + seconds / 60
        title = f"[{by_name[name]['title']}](../notebooks/{name}.ipynb)" if name else step["title"]
        lines.append(f"| {title} | {step['show'].strip()} | {step['present_minutes']} min | "
                     f"{duration(seconds) if name else '-'} | {clock:.0f} min |")
    if clock > WORKSHOP_MINUTES:
        raise SystemExit(f"book/course/workshop.yml: the path takes {clock:.0f} minutes, more than "
                         f"{WORKSHOP_MINUTES}; shorten a step")
    running = sum(by_name[s["notebook"]]["seconds"].get("cpu") or 0 for s in plan["steps"] if s.get("notebook"))
    lines += ["", f"In all: {clock:.0f} minutes, of which {running / 60:.0f} are the chapters running in the cpu "
              "profile on 2 CPU cores (the book's benchmarks measured them); the presenting minutes are a plan. "
              + ("Not measured yet: " + ", ".join(unmeasured) + ". " if unmeasured else ""), "",
              plan["notes"].strip()]
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if anything is stale")
    args = parser.parse_args(argv)
    stale = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        name = path.stem
        for file, reader, writes in [
                (path, lambda p: nbformat.read(p, as_version=4), lambda nb: nbformat.writes(nb) + "\n"),
                (path.with_suffix(".py"), jupytext.read, lambda nb: jupytext.writes(nb, fmt="py:percent"))]:
            notebook = reader(file)
            minutes = reading_minutes(notebook)
            if minutes > MAX_READING_MINUTES:
                print(f"{name}: about {minutes} minutes to read, more than {MAX_READING_MINUTES}; trim or split it",
                      file=sys.stderr)
                stale.append(f"{file.relative_to(ROOT)} (too long)")
            before, after = file.read_text(), writes(with_time_line(notebook, name))
            if before.strip() != after.strip():
                if args.check:
                    stale.append(str(file.relative_to(ROOT)))
                else:
                    file.write_text(after if after.endswith("\n") else after + "\n")
                    print(f"updated {file.relative_to(ROOT)}")
    facts = [chapter_facts(p.stem) for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    for page, text in [(ROOT / "book" / "instructor.md", instructor_page(facts)),
                       (ROOT / "book" / "workshop.md", workshop_page(facts))]:
        if not page.exists() or page.read_text() != text:
            if args.check:
                stale.append(str(page.relative_to(ROOT)))
            else:
                page.write_text(text)
                print(f"updated {page.relative_to(ROOT)}")
    if stale:
        print("Stale (run `make notebooks`):\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
