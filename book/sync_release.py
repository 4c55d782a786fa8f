"""Write every copy of the repository's address and of the release from the one place each fact lives.

- the repository's address: ``_config.yml`` (``repository.url``);
- the release: ``gancourse/__init__.py`` (``__version__``); a notebook installs the tag ``v<release>``
  and its badge opens the notebook as that tag has it, so notebook and library always match.

The copies: every notebook's Colab badge, setup cell and Colab metadata (both files of each jupytext pair,
``.ipynb`` and ``.py``), and the citation of the book in ``CITATION.cff`` and ``book/how_to_cite.md``.
Run from the repository root after changing either fact (``make sync-release``); ``--check`` changes
nothing and lists the files that disagree (the tests run it).
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")

# What Colab reads to open a notebook on a GPU runtime (it writes the same keys when one saves from Colab).
COLAB_METADATA = {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []}}

SETUP_MARKER = "# Setup:"


def repository_url() -> str:
    """The repository's address, as ``_config.yml`` gives it (without a trailing slash)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    if not url.startswith("https://github.com/"):
        raise SystemExit(f"_config.yml: repository.url must be a GitHub address (Colab opens notebooks from "
                         f"GitHub), not {url!r}")
    return url


def release() -> str:
    """``__version__`` of gancourse, read from its source without importing it."""
    tree = ast.parse((ROOT / "gancourse" / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit("gancourse/__init__.py has no __version__ = '...' line")


def badge(name: str, url: str, version: str) -> str:
    owner_repo = url.split("github.com/", 1)[1]
    target = f"https://colab.research.google.com/github/{owner_repo}/blob/v{version}/notebooks/{name}.ipynb"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({target})"


def install_requirement(url: str, version: str) -> str:
    """What the setup cell gives pip: the release's tag of the repository."""
    return f"gancourse @ git+{url}@v{version}"


def setup_cell(url: str, version: str) -> str:
    """The first code cell of every chapter, as the notebook holds it (``%pip`` is IPython's pip)."""
    return "\n".join([
        f"{SETUP_MARKER} on Colab this installs gancourse {version}, the release this notebook belongs to;",
        "# where gancourse is installed already, it installs nothing. Then it says what will run where.",
        "try:",
        "    import gancourse",
        "except ImportError:",
        f'    %pip install -q "{install_requirement(url, version)}"',
        "    import gancourse",
        "from gancourse.profiles import runtime_summary",
        "",
        f'print(runtime_summary(notebook_release="{version}"))',
    ])


def _first_code_cell(notebook):
    return next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")


def updated(notebook, name: str, url: str, version: str):
    """``notebook`` with its badge, setup cell and Colab metadata written (in place; also returned)."""
    first = notebook.cells[0]
    if first.cell_type != "markdown" or not BADGE.search(first.source):
        raise SystemExit(f"{name}: the first cell must be markdown holding the Colab badge "
                         "([![Open In Colab](...)](...)), under the title")
    first.source = BADGE.sub(lambda _: badge(name, url, version), first.source, count=1)
    code = notebook.cells[_first_code_cell(notebook)]
    if "import gancourse" not in code.source:
        raise SystemExit(f"{name}: the first code cell must be the setup cell that imports gancourse")
    code.source = setup_cell(url, version)
    notebook.metadata.update(COLAB_METADATA)
    # the jupytext twin keeps these keys in its header too, so that a --sync never drops them
    notebook.metadata.setdefault("jupytext", {})["notebook_metadata_filter"] = ",".join(COLAB_METADATA)
    return notebook


# Where the citation files hold the two facts: (file, pattern, what replaces the pattern).
CITATION_FIELDS = [
    ("CITATION.cff", r"(?m)^version: .*$", lambda url, version: f"version: {version}"),
    ("CITATION.cff", r'(?m)^repository-code: .*$', lambda url, version: f'repository-code: "{url}"'),
    ("book/how_to_cite.md", r"version [0-9][^,]*, (\d{4})\. <[^>]*>",
     lambda url, version: f"version {version}, \\1. <{url}>"),
    ("book/how_to_cite.md", r"(version +)= \{[^}]*\}", lambda url, version: f"\\1= {{{version}}}"),
    ("book/how_to_cite.md", r"\\url\{https://github\.com/[^}]*\}",
     lambda url, version: "\\\\url{" + url + "}"),
]


def citation_texts(url: str, version: str) -> dict:
    """{path: (text now, text with the address and the release written in)} for the citation files."""
    texts = {}
    for name, pattern, replacement in CITATION_FIELDS:
        path = ROOT / name
        before, current = texts.get(path, (path.read_text(),) * 2)
        current, count = re.subn(pattern, replacement(url, version), current)
        if count == 0:
            raise SystemExit(f"{name}: nothing matches {pattern!r}; the release or the address has moved "
                             "within the file: update CITATION_FIELDS in book/sync_release.py")
        texts[path] = (before, current)
    return texts


def pairs(names=()):
    paths = [NOTEBOOKS / f"{Path(name).stem}.ipynb" for name in names] or sorted(NOTEBOOKS.glob("*.ipynb"))
    return [(path, path.with_suffix(".py")) for path in paths]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a notebook disagrees")
    parser.add_argument("notebooks", nargs="*", help="only these notebooks (default: every one)")
    args = parser.parse_args(argv)
    url, version = repository_url(), release()
    stale = []
    for ipynb, twin in pairs(args.notebooks):
        name = ipynb.stem
        for path, reader, writer in [
                (ipynb, lambda p: nbformat.read(p, as_version=4), lambda nb, p: nbformat.write(nb, p)),
                (twin, jupytext.read, lambda nb, p: jupytext.write(nb, p, fmt="py:percent"))]:
            before = path.read_text()
            notebook = updated(reader(path), name, url, version)
            if args.check:
                after = nbformat.writes(notebook) + "\n" if path.suffix == ".ipynb" else \
                    jupytext.writes(notebook, fmt="py:percent")
                if after.strip() != before.strip():
                    stale.append(path.relative_to(ROOT))
            else:
                writer(notebook, path)
                if path.read_text() != before:
                    print(f"updated {path.relative_to(ROOT)}")
    if not args.notebooks:
        for path, (before, after) in citation_texts(url, version).items():
            if after != before:
                if args.check:
                    stale.append(path.relative_to(ROOT))
                else:
                    path.write_text(after)
                    print(f"updated {path.relative_to(ROOT)}")
    if stale:
        print("These files disagree with _config.yml's address or gancourse's release; run "
              "`make sync-release` (python book/sync_release.py):\n  "
              + "\n  ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
