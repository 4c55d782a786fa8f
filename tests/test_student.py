"""Student versions and grading: the contract a teacher relies on.

For every chapter: its exercises follow the book's structure (an answer cell, its check, a folded solution);
the student version keeps every line of code and loses every solution; and one run of the chapter in the smoke
profile, with each exercise run as written and then solved, shows every check saying "not answered" for the stub
and "correct" for the solution. That run is also the student notebook running top to bottom.
"""
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from gancourse.exercises import exercises_of
from gancourse.exercises import versions
from gancourse.exercises.grade import chapter_of_notebook, run_checks

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _toy_notebook():
    answer = new_code_cell("answer = ...  # a number", metadata={"tags": ["answer"]})
    return new_notebook(cells=[
        new_markdown_cell("# Toy\n\n**1.** What is 6 x 7?"),
        answer,
        new_code_cell('check("99.1", answer)'),
        new_markdown_cell("<details><summary>Solution</summary>\n\n```python\nanswer = 6 * 7\n```\n\n"
                          "Multiply.\n\n</details>\n\n**2.** An open question.\n\n"
                          "<details><summary>Solution</summary>\n\nAny reasoned answer.\n\n</details>"),
        new_markdown_cell("<details><summary>Solution</summary>\n\nonly a solution\n\n</details>"),
    ])


def test_the_versions_of_a_small_notebook():
    notebook = _toy_notebook()
    (exercise,) = versions.exercises(notebook)
    assert (exercise.key, exercise.answer_cell, exercise.check_cell, exercise.solution) == \
        ("99.1", 1, 2, "answer = 6 * 7")

    student = versions.student_version(notebook)
    text = "\n".join(cell.source for cell in student.cells)
    assert "Solution" not in text and "6 * 7" not in text and "Any reasoned" not in text
    assert "**2.** An open question." in text
    assert len(student.cells) == 4                      # the cell that held only a solution is gone
    assert [c.source for c in student.cells if c.cell_type == "code"] == \
        [c.source for c in notebook.cells if c.cell_type == "code"]

    assert versions.solved_version(notebook).cells[1].source == "answer = 6 * 7"
    graded = versions.grading_version(notebook)
    assert [c.source for c in graded.cells[1:5]] == \
        ["answer = ...  # a number", 'check("99.1", answer)', "answer = 6 * 7", 'check("99.1", answer)']
    assert len({c.id for c in graded.cells}) == len(graded.cells)
    nbformat.validate(graded)


def test_broken_structures_are_named():
    notebook = _toy_notebook()
    notebook.cells[2].source = "print(answer)"
    with pytest.raises(ValueError, match="must be followed by a code cell calling"):
        versions.exercises(notebook)
    notebook = _toy_notebook()
    notebook.cells[3].source = "no solution here"
    notebook.cells[4].source = "<details><summary>Solution</summary>\n\nprose only\n\n</details>"
    with pytest.raises(ValueError, match="no folded solution"):
        versions.exercises(notebook)
    with pytest.raises(ValueError, match="never closed"):
        versions.solution_spans("<details><summary>Solution</summary>\n\nx")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_meets_the_exercise_standard(path):
    notebook = nbformat.read(path, as_version=4)
    found = versions.exercises(notebook)
    keys = [e.key for e in found]
    chapter = chapter_of_notebook(notebook)
    assert chapter is not None, f"{path.name} has no self-checked exercise"
    registered = exercises_of(chapter)
    assert keys == registered, f"{path.name}: the notebook checks {keys}, its answer module registers {registered}"
    assert len(found) >= 3, f"{path.name}: at least three self-checked exercises"
    from gancourse.exercises import exercise
    assert any(exercise(k).kind == "function" for k in keys), f"{path.name}: at least one build-it exercise"
    assert notebook.cells[-2].cell_type == "markdown" and "## Summary" in "\n".join(
        c.source for c in notebook.cells[-3:] if c.cell_type == "markdown"), f"{path.name} ends without a Summary"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not re.search(r"\bcheck\(\s*[^\"'\s]", cell.source), \
                f"{path.name}: check() takes the exercise's key first; the expected value lives in the library"
    student = versions.student_version(notebook)
    text = "\n".join(c.source for c in student.cells)
    assert "<summary>Solution" not in text
    for e in found:
        assert e.solution.strip() not in text, f"{path.name}: the solution of {e.key} survives in the student version"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_each_check_fails_on_the_stub_and_passes_on_the_solution(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    keys = [e.key for e in versions.exercises(notebook)]
    entries, errors = run_checks(versions.grading_version(notebook), tmp_path, profile="smoke",
                                 stop_on_error=True)
    assert not errors
    assert [e["exercise"] for e in entries] == [k for k in keys for _ in range(2)]
    for key, (stub, solved) in zip(keys, zip(entries[::2], entries[1::2])):
        assert stub["result"] is None, f"{path.name}: the stub of {key} does not say 'not answered'"
        assert solved["result"] is True, f"{path.name}: the solution of {key} is not judged correct"


def test_make_student_writes_every_chapter(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "book" / "student.py"), "--dest", str(tmp_path)],
                         capture_output=True, text=True, check=True).stdout
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in CHAPTERS]
    assert out.count("solutions removed") == len(CHAPTERS)


def test_the_grader_reports_each_exercise(tmp_path):
    # a learner who solved the first exercise, got one value wrong and left the rest
    notebook = nbformat.read(ROOT / "notebooks" / "00_getting_started.ipynb", as_version=4)
    found = versions.exercises(notebook)
    from gancourse.exercises import exercise
    wrong = next(e for e in found[1:] if exercise(e.key).kind == "value")
    notebook.cells[found[0].answer_cell].source = found[0].solution
    notebook.cells[wrong.answer_cell].source = notebook.cells[wrong.answer_cell].source.replace("...", "-12345.0", 1)
    learner = tmp_path / "alice.ipynb"
    nbformat.write(versions.student_version(notebook), learner)
    result = subprocess.run([sys.executable, "-m", "gancourse.exercises.grade", str(learner)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{learner}: 1 of {len(found)} exercises correct"
    words = dict(line.strip().split(": ", 1) for line in lines[1:])
    assert words == {e.key: ("correct" if e is found[0] else "not quite" if e is wrong else "not answered")
                     for e in found}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice.ipynb"]   # nothing written beside it
