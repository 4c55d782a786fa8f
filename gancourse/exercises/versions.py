"""The versions of a chapter notebook that a course needs: the student's (no solutions), the solved one (every
answer cell filled in from its solution) and the grading one (each exercise run as written, then solved).

A chapter's exercise is an answer cell (a code cell tagged ``answer``), the check cell right after it, and a
folded solution further on: ``<details><summary>Solution</summary>`` whose first fenced ``python`` block is the
whole answer cell solved (``book/contributing.md``). Works on ``nbformat`` notebooks.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass

OPEN = re.compile(r"^\s*<details>\s*<summary>\s*Solution\s*</summary>\s*$")
CLOSE = re.compile(r"^\s*</details>\s*$")
FENCE = re.compile(r"^```python\s*$")
CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d+(?:\.\d+)?\.\d+)["']""")
ANSWER_TAG = "answer"


@dataclass
class Exercise:
    key: str             # "3.7.2", from the check cell
    answer_cell: int     # index of the answer cell in the notebook
    check_cell: int
    solution: str        # the answer cell solved


def _lines(cell) -> list[str]:
    return cell.source.split("\n")


def solution_spans(markdown: str) -> list[tuple[int, int]]:
    """(first, last) line numbers of each folded Solution in ``markdown``, both ends included."""
    lines, spans, start = markdown.split("\n"), [], None
    for i, line in enumerate(lines):
        if start is None and OPEN.match(line):
            start = i
        elif start is not None and CLOSE.match(line):
            spans.append((start, i))
            start = None
    if start is not None:
        raise ValueError(f"a <details><summary>Solution</summary> opened on line {start + 1} is never closed by "
                         "</details>")
    return spans


def solution_code(markdown: str, span: tuple[int, int]) -> str | None:
    """The first fenced ``python`` block inside one folded solution, or None (an open question's prose)."""
    lines = markdown.split("\n")[span[0]:span[1] + 1]
    for i, line in enumerate(lines):
        if FENCE.match(line.strip()):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), None)
            if end is None:
                raise ValueError("a ```python block inside a solution is never closed")
            indent = len(line) - len(line.lstrip())
            return "\n".join(code[indent:] for code in lines[i + 1:end])
    return None


def exercises(notebook) -> list[Exercise]:
    """Every self-checked exercise of ``notebook``, in order, with its solution; a clear error where the
    structure of ``book/contributing.md`` is broken."""
    found, pending = [], None
    cells = notebook.cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and ANSWER_TAG in cell.metadata.get("tags", []):
            if pending is not None:
                raise ValueError(f"cell {pending.answer_cell} (exercise {pending.key}) has no folded solution with "
                                 "a ```python block before the next answer cell")
            following = cells[index + 1] if index + 1 < len(cells) else None
            match = CHECK_CALL.search(following.source) if following is not None and following.cell_type == "code" \
                else None
            if not match:
                raise ValueError(f"the answer cell {index} must be followed by a code cell calling "
                                 "check(\"<chapter>.<n>\", ...); found none")
            pending = Exercise(match.group(1), index, index + 1, "")
        elif cell.cell_type == "markdown" and pending is not None:
            for span in solution_spans(cell.source):
                code = solution_code(cell.source, span)
                if code is not None:
                    pending.solution = code
                    found.append(pending)
                    pending = None
                    break
    if pending is not None:
        raise ValueError(f"cell {pending.answer_cell} (exercise {pending.key}) has no folded solution with a "
                         "```python block after it")
    return found


def student_version(notebook):
    """``notebook`` without any folded solution (and without outputs): what a learner is given."""
    student = copy.deepcopy(notebook)
    kept = []
    for cell in student.cells:
        if cell.cell_type == "markdown":
            lines = _lines(cell)
            for first, last in reversed(solution_spans(cell.source)):
                del lines[first:last + 1]
            cell.source = "\n".join(lines).strip("\n")
            if not cell.source.strip():
                continue
        elif cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        kept.append(cell)
    student.cells = kept
    return student


def solved_version(notebook):
    """``notebook`` with every answer cell replaced by its solution."""
    solved = copy.deepcopy(notebook)
    for exercise in exercises(notebook):
        solved.cells[exercise.answer_cell].source = exercise.solution
    return solved


def grading_version(notebook):
    """``notebook`` with, after each check cell, the solved answer cell and the check again: run top to bottom,
    every check must first say "not answered" (the stub) and then "correct" (the solution)."""
    graded = copy.deepcopy(notebook)
    for exercise in reversed(exercises(notebook)):
        solved = copy.deepcopy(notebook.cells[exercise.answer_cell])
        solved.source = exercise.solution
        again = copy.deepcopy(notebook.cells[exercise.check_cell])
        for cell, suffix in ((solved, "-solved"), (again, "-again")):
            if "id" in cell:  # notebook cell ids must stay unique
                cell["id"] = cell["id"][:64 - len(suffix)] + suffix
        graded.cells[exercise.check_cell + 1:exercise.check_cell + 1] = [solved, again]
    return graded
