"""The library's layout: no import runs upward, so a reader can open any module and find only what lies below it.

Levels, from the bottom: checks, storage, devices, profiles (leaves); nets (torch and checks only); data;
metrics and losses; train; methods; viz and exercises use what they need. Each module's imports are read
from its source with ``ast``, so the test also catches an import inside a function.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gancourse"
MODULES = sorted(PACKAGE.rglob("*.py"))

# what each part of the library may import from gancourse (by top-level part)
ALLOWED = {
    "checks": set(), "storage": set(), "devices": set(), "profiles": set(),
    "nets": {"checks"},
    "data": {"checks", "storage"},
    "metrics": {"checks", "storage", "devices", "nets", "data"},
    "losses": {"checks", "nets", "data", "metrics"},
    "distributed": set(),  # torch.distributed for the loop: below train, beside the leaves
    "train": {"checks", "storage", "devices", "distributed"},
    "methods": {"checks", "storage", "devices", "nets", "data", "losses", "metrics", "train"},
    "viz": {"checks"}, "__init__": set(),
    "literature": set(),  # the survey's tables as data: reads its own file only
    # the answer modules compute expected values with whatever the chapter uses
    "exercises": {"checks", "storage", "devices", "profiles", "nets", "data", "metrics", "losses", "train",
                  "methods", "viz", "literature"},
    "turing_test": {"checks", "metrics"},
}
# nets import only torch (and the standard library's math and typing)
NETS_MAY_IMPORT = {"torch", "math", "typing", "__future__"}


def _part(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _gancourse_imports(path: Path):
    """(target parts, external top-level modules) imported by the module at ``path``."""
    package = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)[:-1]  # e.g. ["gancourse", "nets"]
    return _imports_of(path.read_text(), package)


def _imports_of(source: str, package: list):
    tree = ast.parse(source)
    internal, external = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (internal if alias.name.startswith("gancourse") else external).add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
                internal.add(name)
            elif node.module.startswith("gancourse"):
                internal.add(node.module)
            else:
                external.add(node.module)
    parts = set()
    for name in internal:
        pieces = name.split(".")
        if len(pieces) > 1:
            parts.add(pieces[1])
    return parts, {name.split(".")[0] for name in external}


def test_every_module_belongs_to_a_known_part():
    assert {_part(p) for p in MODULES} <= set(ALLOWED), "a new top-level module: add it to ALLOWED with its level"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_upward(path):
    part = _part(path)
    imported, external = _gancourse_imports(path)
    upward = imported - ALLOWED[part] - {part}
    assert not upward, f"gancourse/{path.relative_to(PACKAGE)} ({part}) imports {sorted(upward)}, above it"
    if part == "nets":
        assert external <= NETS_MAY_IMPORT, f"networks import only torch; {path.name} imports {sorted(external)}"


def test_the_layering_would_catch_the_old_fault():
    # the old nets/markovian.py imported the feature loss, and through it the simulator and the training loop
    imported, _ = _imports_of("from ..losses.feature import domain_encoder_layers\n", ["gancourse", "nets"])
    assert imported - ALLOWED["nets"] - {"nets"} == {"losses"}
    imported, external = _imports_of("import numpy as np\nfrom .norms import norm_layer\n", ["gancourse", "nets"])
    assert imported == {"nets"} and external == {"numpy"}
