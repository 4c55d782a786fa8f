"""What Colab and a laptop do with the package: build the wheel and the sdist, install the wheel into a fresh
virtual environment (as Colab's pip does: torch is already there), and run every chapter's imports from
another directory, so that nothing comes from this checkout by accident."""
import ast
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)


def _run(args, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' staging folder: a stale module would ship
    # --no-isolation: setuptools comes from this environment (an isolated build would fetch it from an index)
    _run([PYTHON, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", out, ROOT])
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return wheels[0], sdists[0]


def test_wheel_and_sdist_carry_the_library_its_data_and_the_release(dist):
    import gancourse

    wheel, sdist = dist
    assert wheel.name == f"gancourse-{gancourse.__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "gancourse").rglob("*.py")}
    assert modules <= set(names), sorted(modules - set(names))
    shipped = {str(p.relative_to(ROOT)) for p in (ROOT / "gancourse").rglob("*")
               if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts}
    assert shipped <= set(names), f"package data missing from the wheel: {sorted(shipped - set(names))}"
    assert not [n for n in names if n.startswith(("tests/", "notebooks/", "book/"))]
    metadata = zipfile.ZipFile(wheel).read(f"gancourse-{gancourse.__version__}.dist-info/METADATA").decode()
    assert "Requires-Python: >=3.10" in metadata
    with tarfile.open(sdist) as archive:
        members = {m.split("/", 1)[1] for m in archive.getnames() if "/" in m}
    assert modules | shipped <= members, sorted((modules | shipped) - members)


def _chapter_imports():
    """Every import statement of every chapter's text twin, as source lines."""
    lines = set()
    for twin in sorted((ROOT / "notebooks").glob("*.py")):
        for node in ast.walk(ast.parse(twin.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and node.col_offset == 0:
                lines.add(ast.unparse(node))
    return sorted(lines)


def test_the_wheel_installs_into_a_fresh_venv_and_runs_every_chapters_imports(dist, tmp_path):
    wheel, _ = dist
    venv = tmp_path / "venv"
    _run([PYTHON, "-m", "venv", venv])
    python = venv / "bin" / "python"
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    # Colab has torch already; here the same pinned build as `make venv` stands in for it
    _run(pip + ["-c", ROOT / "constraints-cpu.txt", "torch"])
    _run(pip + ["-c", ROOT / "constraints-cpu.txt", wheel])
    script = "\n".join(_chapter_imports() + [
        "import gancourse, pathlib",
        "assert 'site-packages' in gancourse.__file__, gancourse.__file__",
        "from gancourse.profiles import runtime_summary",
        "print(runtime_summary(notebook_release=gancourse.__version__))",
    ])
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    output = _run([python, "-c", script], cwd=tmp_path, env=env)
    import gancourse

    assert f"gancourse {gancourse.__version__}: profile" in output
    assert "written for" not in output


def test_the_code_runs_on_the_lowest_python_it_declares():
    """requires-python says 3.10 (torch 2.13's lowest); no 3.10 interpreter is at hand, so vermin checks
    statically that no syntax or standard-library name newer than 3.10 is used."""
    vermin = PYTHON.parent / "vermin"
    result = subprocess.run([str(vermin), "--no-tips", "--eval-annotations", "-t=3.10-", "--violations",
                             "gancourse"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"code that needs a Python newer than 3.10:\n{result.stdout}{result.stderr}"


def test_jupyterlab_accepts_every_extension_the_book_installs():
    """jupyterlab-myst renders the chapters' MyST (citations, notes, folded solutions) in JupyterLab, but only
    in the JupyterLab versions it was built for: `jupyter labextension list` reports any that it rejects."""
    result = subprocess.run([str(PYTHON.parent / "jupyter"), "labextension", "list"], capture_output=True,
                            text=True)
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # without colour codes
    assert "jupyterlab-myst" in log, log
    assert "is not compatible" not in log and not re.search(r"enabled\s+X", log), log
