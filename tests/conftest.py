"""Shared by the tests: loading the scripts kept in book/ (they are not part of the package)."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_book_script(name: str):
    """The module ``book/<name>.py`` (for example ``sync_release``), loaded from its file."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "book" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
