"""The course's pages and lines (book/course_pages.py): reading times by their stated rule, running times as the
benchmarks measured them, the instructor page and the 90-minute workshop, all up to date."""
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book"))
import course_pages  # noqa: E402

CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_everything_is_up_to_date():
    assert course_pages.main(["--check"]) == 0, "run `make notebooks`"


def test_reading_time_counts_prose_at_200_and_code_at_100_words_a_minute():
    notebook = new_notebook(cells=[
        new_markdown_cell("# T\n\n[![Open In Colab](x)](y)\n\n*About 99 minutes to read; whatever.*"),
        new_markdown_cell("word " * 2000),               # 10 minutes
        new_code_cell("# Setup: " + "ignored " * 5000),   # the setup cell is not counted
        new_code_cell("x " * 1100),                       # 11 minutes
        new_markdown_cell("<!-- references: -->\n" + "ref " * 9000),  # nor are the references
    ])
    # prose: the title's 2 words and 2,000 (the badge and the time line are not counted); code: 1,100 words
    assert course_pages.reading_minutes(notebook) == 25   # 10.01 + 11 = 21.01, rounded up to 5 minutes
    notebook.cells[3].source = "x " * 10
    assert course_pages.reading_minutes(notebook) == 15


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_states_its_times_and_fits_one_sitting(path):
    notebook = nbformat.read(path, as_version=4)
    line = course_pages.TIME_LINE.search(notebook.cells[0].source)
    assert line, f"{path.name} does not state its reading time under its badge"
    minutes = int(re.search(r"About (\d+) minutes", line.group(0)).group(1))
    assert minutes == course_pages.reading_minutes(notebook) <= course_pages.MAX_READING_MINUTES
    cpu = json.loads(course_pages.TIMES.read_text()).get(path.stem, {}).get("cpu")
    if cpu:
        assert course_pages.duration(cpu["seconds"]) in line.group(0)


def test_the_workshop_fits_90_minutes_with_measured_running_times():
    plan = yaml.safe_load((ROOT / "book/course/workshop.yml").read_text())
    times = json.loads(course_pages.TIMES.read_text())
    running = sum(times[s["notebook"]]["cpu"]["seconds"] for s in plan["steps"] if "notebook" in s) / 60
    total = running + sum(s["present_minutes"] for s in plan["steps"])
    assert total <= 90
    page = (ROOT / "book/workshop.md").read_text()
    assert f"In all: {total:.0f} minutes, of which {running:.0f} are the chapters running" in page


def test_the_instructor_page_lists_every_chapter_and_exercise():
    page = (ROOT / "book/instructor.md").read_text()
    from gancourse.exercises.versions import exercises
    for path in CHAPTERS:
        notebook = nbformat.read(path, as_version=4)
        title = re.search(r"^# (.+)$", notebook.cells[0].source, re.M).group(1).strip()
        assert f"## {title}" in page
        for exercise in exercises(notebook):
            assert f"| {exercise.key} |" in page
    for course in (ROOT / "book/course").glob("*.yml"):
        entry = yaml.safe_load(course.read_text())
        for assignment in entry.get("assignments") or []:
            assert f"**{assignment['exercise']}**" in page, f"{course.name}: {assignment['exercise']}"


def test_durations():
    assert course_pages.duration(None) == "not measured"
    assert course_pages.duration(17.4) == "17 s"
    assert course_pages.duration(172.0) == "2.9 min"
    assert course_pages.duration(612.0) == "10 min"
