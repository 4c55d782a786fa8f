"""Notebooks are committed clean, each with an in-sync jupytext twin, and a Colab badge, setup cell and Colab
metadata written by book/sync_release.py from the one place the address and the release live."""
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from conftest import load_book_script

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


HEADERS = load_book_script("sync_release")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_badge_setup_cell_and_colab_metadata_come_from_the_one_place(path):
    url, version = HEADERS.repository_url(), HEADERS.release()
    assert url == CONFIG["repository"]["url"].rstrip("/")
    for notebook in (nbformat.read(path, as_version=4), jupytext.read(path.with_suffix(".py"))):
        first = notebook.cells[0]
        owner_repo = url.split("github.com/")[1]
        expected = f"https://colab.research.google.com/github/{owner_repo}/blob/v{version}/notebooks/{path.name}"
        assert first.cell_type == "markdown" and expected in first.source and "colab-badge.svg" in first.source
        code = [c for c in notebook.cells if c.cell_type == "code"][0].source
        assert code == HEADERS.setup_cell(url, version), (
            f"{path.name}: its setup cell is not the one book/sync_release.py writes: run "
            "`make sync-release`")
        assert f'"gancourse @ git+{url}@v{version}"' in code and "except ImportError" in code
        assert notebook.metadata["accelerator"] == "GPU" and notebook.metadata["colab"]["gpuType"] == "T4"


def test_the_header_script_finds_every_notebook_up_to_date():
    assert HEADERS.main(["--check"]) == 0


def test_the_header_script_notices_a_stale_address_or_release(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(HEADERS, "repository_url", lambda: "https://github.com/elsewhere/moved-book")
    assert HEADERS.main(["--check", NOTEBOOKS[0].stem]) == 1
    assert NOTEBOOKS[0].name in capsys.readouterr().err
    assert HEADERS.main(["--check"]) == 1
    assert "CITATION.cff" in capsys.readouterr().err
    texts = HEADERS.citation_texts("https://github.com/elsewhere/moved-book", "9.8.7")
    cff = texts[ROOT / "CITATION.cff"][1]
    assert 'repository-code: "https://github.com/elsewhere/moved-book"' in cff and "\nversion: 9.8.7\n" in cff
    page = texts[ROOT / "book" / "how_to_cite.md"][1]
    assert "version 9.8.7, 2026. <https://github.com/elsewhere/moved-book>" in page
    assert "version      = {9.8.7}" in page and "\\url{https://github.com/elsewhere/moved-book}" in page
    assert "gancourse/gancourse" not in page.split("## The survey")[0]


def test_the_repository_address_is_written_only_where_it_is_generated():
    """_config.yml holds it; notebooks get it from book/sync_release.py; nothing else repeats it."""
    import re
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    address = re.compile(r"github(?:\.com)?/[\w.-]+/gancourse")
    generated = ({f"notebooks/{p.name}" for p in NOTEBOOKS} | {f"notebooks/{p.stem}.py" for p in NOTEBOOKS}
                 | {"CITATION.cff", "book/how_to_cite.md"})
    repeats = []
    for name in tracked:
        path = ROOT / name
        if name in generated or name == "_config.yml" or not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        repeats += [f"{name}: {m.group(0)}" for m in address.finditer(text)]
    assert not repeats, ("the repository's address is written outside _config.yml; refer to it instead "
                         "(book/sync_release.py writes the notebooks' copies): " + "; ".join(repeats))
    for path in NOTEBOOKS:
        text = path.with_suffix(".py").read_text()
        assert len(address.findall(text)) == 2, f"{path.stem}.py: the address belongs only in the badge and setup cell"


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
