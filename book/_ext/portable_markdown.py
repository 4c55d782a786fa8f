"""The chapters' Markdown reads the same on Colab, in Jupyter and in the book.

Colab and plain Jupyter show MyST's roles and directives as raw text, so the notebooks hold plain Markdown
that reads well everywhere, and the book turns it into MyST when it reads a chapter:

==========================================  =========================================================
in the notebook (plain Markdown)            in the book (MyST)
==========================================  =========================================================
``[(Isola et al., 2017)](#survey4)``        ``{cite}`survey4```: a citation linked to the bibliography
``> **Note.** text``                        a note
``> **A title.** text``                     an admonition with that title
``<details><summary>Solution</summary>``    a folded ``Solution`` admonition (a dropdown)
the chapter's last cell, "References"       dropped: the book has its bibliography
==========================================  =========================================================

Outside the book, a citation links to the chapter's own "References" cell, written from the book's
BibTeX files. Run as a script (``python book/_ext/portable_markdown.py``, or ``make notebooks``), it writes
notebooks the other way round: MyST citations and admonitions become plain Markdown (so a chapter may be
drafted in MyST), citation labels are rewritten from the BibTeX entries, and each chapter's References cell
is written again. ``--check`` changes nothing and fails while a notebook holds MyST or a stale label.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIBLIOGRAPHIES = [ROOT / "book" / "references.bib", ROOT / "book" / "extra.bib"]

CITATION = re.compile(r"\[\(([^\]\n]+)\)\]\(#([A-Za-z][\w-]*)\)")
MYST_CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
MYST_ROLE = re.compile(r"\{[a-z][\w:-]*\}`")
FENCE_OPEN = re.compile(r"^(`{3,}|:{3,})\{([\w-]+)\}\s*(.*)$")
QUOTE_TITLE = re.compile(r"^> \*\*(.+?)\.\*\*\s?(.*)$")
DETAILS_OPEN = re.compile(r"^<details>\s*<summary>(.+?)</summary>\s*$")
REFERENCES_MARK = "<!-- references: written by book/_ext/portable_markdown.py from the book's BibTeX files -->"


# --------------------------------------------------------------------------- the bibliography
@lru_cache(maxsize=None)
def bibliography() -> dict:
    """{key: pybtex entry} from the book's BibTeX files."""
    from pybtex.database import parse_file

    entries = {}
    for path in BIBLIOGRAPHIES:
        entries.update(parse_file(str(path)).entries)
    return entries


def _plain(text: str) -> str:
    return re.sub(r"[{}]", "", text).replace("\\&", "&").replace("--", "–").strip()


def _surname(person) -> str:
    return _plain(" ".join(person.prelast_names + person.last_names))


def label(key: str) -> str:
    """How a citation reads outside the book: "Isola et al., 2017", "Mirza and Osindero, 2014"."""
    entry = bibliography()[key]
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    who = (names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2
           else f"{names[0]} et al." if names else _plain(entry.fields.get("title", key)))
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


def reference(key: str) -> str:
    """One entry of a chapter's References cell, with its DOI or arXiv link where the entry has one."""
    entry = bibliography()[key]
    people = entry.persons.get("author") or []
    names = [f"{_surname(p)}, {_plain(' '.join(p.first_names + p.middle_names))}".rstrip(", ")
             for p in people]
    authors = ", ".join(names[:6]) + (", et al." if len(names) > 6 else "")
    fields = entry.fields
    venue = fields.get("journal") or fields.get("booktitle") or fields.get("howpublished") or ""
    parts = [f"{authors} ({fields.get('year', 'n.d.')}).", f"{_plain(fields.get('title', ''))}."]
    if venue:
        parts.append(f"*{_plain(venue)}*.")
    if "doi" in fields:
        parts.append(f"[doi:{fields['doi']}](https://doi.org/{fields['doi']})")
    elif fields.get("archiveprefix", "").lower() == "arxiv" and "eprint" in fields:
        parts.append(f"[arXiv:{fields['eprint']}](https://arxiv.org/abs/{fields['eprint']})")
    return f'<a id="{key}"></a>' + " ".join(parts)


# --------------------------------------------------------------------------- plain Markdown -> MyST (the book)
def to_myst(source: str) -> str:
    """A markdown cell as the book reads it."""
    source = CITATION.sub(lambda m: f"{{cite}}`{m.group(2)}`" if m.group(2) in bibliography() else m.group(0),
                          source)
    lines, out, i = source.split("\n"), [], 0
    while i < len(lines):
        quote, details = QUOTE_TITLE.match(lines[i]), DETAILS_OPEN.match(lines[i].strip())
        if quote:
            body = [quote.group(2)]
            i += 1
            while i < len(lines) and lines[i].startswith(">"):
                body.append(lines[i][2:] if lines[i].startswith("> ") else lines[i][1:])
                i += 1
            title = quote.group(1)
            head = [":::{note}"] if title == "Note" else [f":::{{admonition}} {title}", ":class: note", ""]
            out += [*head, *_strip_blank(body), ":::"]
        elif details:
            body = []
            i += 1
            while i < len(lines) and lines[i].strip() != "</details>":
                body.append(lines[i])
                i += 1
            i += 1  # the closing </details>
            out += [f":::{{admonition}} {details.group(1)}", ":class: dropdown", "", *_strip_blank(body), ":::"]
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def _strip_blank(lines):
    lines = list(lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def is_references_cell(cell) -> bool:
    return cell["cell_type"] == "markdown" and REFERENCES_MARK in "".join(cell["source"])


def notebook_for_book(text: str) -> str:
    """A chapter's .ipynb JSON as the book reads it: its markdown in MyST, its References cell dropped."""
    notebook = json.loads(text)
    cells = []
    for cell in notebook["cells"]:
        if is_references_cell(cell):
            continue
        if cell["cell_type"] == "markdown":
            cell["source"] = to_myst("".join(cell["source"]))
        cells.append(cell)
    notebook["cells"] = cells
    return json.dumps(notebook)


def _on_source_read(app, docname, source):
    if docname.startswith("notebooks/") and source[0].lstrip().startswith("{"):
        source[0] = notebook_for_book(source[0])


def setup(app):
    app.connect("source-read", _on_source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------- MyST -> plain Markdown (the notebooks)
def to_portable(source: str) -> str:
    """A markdown cell as the notebooks hold it: MyST citations and admonitions in plain Markdown, and every
    citation label rewritten from the bibliography."""
    def cite(match):
        keys = [k.strip() for k in match.group(1).split(",")]
        missing = [k for k in keys if k not in bibliography()]
        if missing:
            raise SystemExit(f"citation key(s) {', '.join(missing)} are in no BibTeX file of book/")
        return " ".join(f"[({label(k)})](#{k})" for k in keys)

    source = MYST_CITE.sub(cite, source)
    source = CITATION.sub(lambda m: f"[({label(m.group(2))})](#{m.group(2)})"
                          if m.group(2) in bibliography() else m.group(0), source)
    lines, out, i = source.split("\n"), [], 0
    while i < len(lines):
        fence = FENCE_OPEN.match(lines[i])
        if not fence:
            out.append(lines[i])
            i += 1
            continue
        marker, name, title = fence.groups()
        options, body = {}, []
        i += 1
        while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
            key, _, value = lines[i][1:].partition(":")
            options[key] = value.strip()
            i += 1
        while i < len(lines) and lines[i].strip() != marker:
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        body = _strip_blank(body)
        title = title or name.capitalize()
        if options.get("class") == "dropdown":
            out += [f"<details><summary>{title}</summary>", "", *body, "", "</details>"]
        else:
            first, rest = (body[0] if body else ""), body[1:]
            out += [f"> **{title}.** {first}".rstrip(), *[f"> {line}".rstrip() for line in rest]]
    return "\n".join(out)


def cited_keys(notebook) -> list:
    keys = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and REFERENCES_MARK not in cell.source:
            keys += [m.group(2) for m in CITATION.finditer(cell.source) if m.group(2) in bibliography()]
    return list(dict.fromkeys(keys))


def references_cell_source(keys) -> str:
    return "\n\n".join(["## References", REFERENCES_MARK, *[reference(k) for k in keys]])


def portable(notebook):
    """The notebook (nbformat) rewritten in plain Markdown with its References cell; in place, and returned."""
    import nbformat

    old = [c for c in notebook.cells if c.cell_type == "markdown" and REFERENCES_MARK in c.source]
    notebook.cells = [c for c in notebook.cells if not any(c is o for o in old)]
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = to_portable(cell.source)
    keys = cited_keys(notebook)
    if keys:  # the last cell; an existing References cell is kept (its id too), its text written again
        cell = old[0] if old else nbformat.v4.new_markdown_cell()
        cell.source = references_cell_source(keys)
        notebook.cells.append(cell)
    return notebook


def myst_left(notebook) -> list:
    """MyST-only syntax still in the notebook's markdown, as (cell number, text) pairs."""
    found = []
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.split("\n"):
            if MYST_ROLE.search(line) or FENCE_OPEN.match(line):
                found.append((number, line.strip()))
    return found


def main(argv=None) -> int:
    import jupytext
    import nbformat

    parser = argparse.ArgumentParser(description="Write the chapters' markdown in plain Markdown (see the module).")
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a notebook needs writing")
    parser.add_argument("notebooks", nargs="*", help="only these notebooks (default: every one)")
    args = parser.parse_args(argv)
    folder = ROOT / "notebooks"
    names = [Path(n).stem for n in args.notebooks] or [p.stem for p in sorted(folder.glob("*.ipynb"))]
    stale = []
    for name in names:
        for path, reader, writes in [
                (folder / f"{name}.ipynb", lambda p: nbformat.read(p, as_version=4), nbformat.writes),
                (folder / f"{name}.py", jupytext.read, lambda nb: jupytext.writes(nb, fmt="py:percent"))]:
            before = path.read_text()
            after = writes(portable(reader(path)))
            if after.strip() == before.strip():
                continue
            if args.check:
                stale.append(str(path.relative_to(ROOT)))
            else:
                path.write_text(after if after.endswith("\n") else after + "\n")
                print(f"updated {path.relative_to(ROOT)}")
    if stale:
        print("These notebooks hold MyST that Colab shows as raw text, or citations that disagree with the "
              "bibliography; run `make notebooks` (python book/_ext/portable_markdown.py):\n  "
              + "\n  ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
