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
