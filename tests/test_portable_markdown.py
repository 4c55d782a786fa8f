"""The chapters' Markdown reads as Markdown on Colab and in Jupyter, and as MyST in the book
(book/_ext/portable_markdown.py)."""
import json
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import portable_markdown as pm  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_labels_are_author_and_year_from_the_bibliography():
    assert pm.label("survey4") == "Isola et al., 2017"  # pix2pix: Isola, Zhu, Zhou, Efros
    assert pm.label("survey7") == "Mirza and Osindero, 2014"
    assert pm.label("survey2") == "Goodfellow et al., 2014"


def test_a_reference_carries_its_doi_link():
    text = pm.reference("survey3")
    assert text.startswith('<a id="survey3"></a>Creswell, A., White, T.')
    assert "(2018). Generative adversarial networks: An overview." in text
    assert "[doi:10.1109/MSP.2017.2765202](https://doi.org/10.1109/MSP.2017.2765202)" in text


MYST = """Mirza and Osindero {cite}`survey7` and pix2pix {cite}`survey4,survey2`.

```{note}
Two minutes on a CPU.
```

```{admonition} A notice
:class: note

First line.
> a quoted line
```

```{admonition} Solution
:class: dropdown

The median, $0.2$.
```"""

PORTABLE = """Mirza and Osindero [(Mirza and Osindero, 2014)](#survey7) and pix2pix [(Isola et al., 2017)](#survey4) \
[(Goodfellow et al., 2014)](#survey2).

> **Note.** Two minutes on a CPU.

> **A notice.** First line.
> > a quoted line

<details><summary>Solution</summary>

The median, $0.2$.

</details>"""


def test_myst_becomes_plain_markdown():
    assert pm.to_portable(MYST) == PORTABLE


def test_plain_markdown_becomes_myst_in_the_book():
    book = pm.to_myst(PORTABLE)
    assert "{cite}`survey7` and pix2pix {cite}`survey4` {cite}`survey2`." in book
    assert ":::{note}\nTwo minutes on a CPU.\n:::" in book
    assert ":::{admonition} A notice\n:class: note\n\nFirst line.\n> a quoted line\n:::" in book
    assert ":::{admonition} Solution\n:class: dropdown\n\nThe median, $0.2$.\n:::" in book
    assert pm.to_portable(book) == PORTABLE  # and back


def test_a_link_to_a_heading_is_not_taken_for_a_citation():
    text = "See [(the next section)](#training) and [(Isola et al., 2017)](#survey4)."
    assert pm.to_myst(text) == "See [(the next section)](#training) and {cite}`survey4`."


def test_an_unknown_citation_key_is_named():
    with pytest.raises(SystemExit, match="nosuchpaper2020"):
        pm.to_portable("as shown {cite}`survey4,nosuchpaper2020`")


def test_the_book_reads_the_notebook_without_its_references_cell():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(PORTABLE),
                                               nbformat.v4.new_code_cell("x = 1")])
    pm.portable(notebook)
    assert pm.REFERENCES_MARK in notebook.cells[-1].source
    assert [line.split("</a>")[0] for line in notebook.cells[-1].source.split("\n\n")[2:]] == [
        '<a id="survey7">', '<a id="survey4">', '<a id="survey2">']
    book = json.loads(pm.notebook_for_book(nbformat.writes(notebook)))
    assert [c["cell_type"] for c in book["cells"]] == ["markdown", "code"]
    assert "{cite}`survey4`" in book["cells"][0]["source"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_chapter_is_plain_markdown_with_its_references(path):
    for notebook in (nbformat.read(path, as_version=4), jupytext.read(path.with_suffix(".py"))):
        assert not pm.myst_left(notebook), (
            f"{path.name} holds MyST that Colab shows as raw text: {pm.myst_left(notebook)[:3]}; "
            "run `make notebooks`")
        keys = pm.cited_keys(notebook)
        if keys:
            assert notebook.cells[-1].source == pm.references_cell_source(keys), (
                f"{path.name}: its References cell is stale; run `make notebooks`")


def test_the_script_finds_every_chapter_up_to_date():
    assert pm.main(["--check"]) == 0
