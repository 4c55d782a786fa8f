"""Notebooks are committed clean, each with an in-sync jupytext twin, a Colab badge and an install cell."""
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def test_there_are_notebooks_and_each_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        assert f"notebooks/{path.stem}" in toc, f"{path.name} is not in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} has outputs: clear them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_text_twin_is_in_sync(path):
    twin = path.with_suffix(".py")
    assert twin.exists(), f"{path.name} has no jupytext twin {twin.name}: run `jupytext --set-formats ipynb,py:percent`"
    a, b = jupytext.read(path), jupytext.read(twin)
    cells = lambda nb: [(c.cell_type, c.source.strip()) for c in nb.cells]  # noqa: E731
    assert cells(a) == cells(b), f"{path.name} and {twin.name} differ: run `jupytext --sync notebooks/*.ipynb`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_badge_points_to_the_configured_repository(path):
    url = CONFIG["repository"]["url"].rstrip("/")
    owner_repo = url.split("github.com/")[1]
    branch = CONFIG["repository"]["branch"]
    expected = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/notebooks/{path.name}"
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown" and expected in first.source and "colab-badge.svg" in first.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_gancourse_only_when_missing(path):
    url = CONFIG["repository"]["url"].rstrip("/")
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"][0].source
    assert "import gancourse" in code and "except ImportError" in code
    assert f"gancourse @ git+{url}" in code


def _control_characters(text):
    """(position, code point) of each control character (Unicode category Cc) other than newline and tab."""
    import unicodedata

    return [(i, f"U+{ord(ch):04X}") for i, ch in enumerate(text)
            if unicodedata.category(ch) == "Cc" and ch not in "\n\t"]


def _json_strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _json_strings(key)
            yield from _json_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _json_strings(value)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS + [p.with_suffix(".py") for p in NOTEBOOKS
                                                     if p.with_suffix(".py").exists()]), ids=lambda p: p.name)
def test_no_control_characters(path):
    """A stray control byte renders as nothing: a BEL (\\x07) from a non-raw "\\a" turned "\\approx" into "pprox".
    In a .ipynb it hides behind a JSON escape (\\u0007), so the notebook's decoded strings are checked too."""
    import json

    text = path.read_bytes().decode("utf-8")
    texts = [text] + (list(_json_strings(json.loads(text))) if path.suffix == ".ipynb" else [])
    found = [(t[max(0, i - 30):i + 10], code) for t in texts for i, code in _control_characters(t)]
    assert not found, (f"{path.name} contains control characters (other than newline and tab): "
                       + "; ".join(f"{code} in {context!r}" for context, code in found[:5])
                       + ". Remove them; in Python source, write LaTeX in raw strings (r\"...\").")
