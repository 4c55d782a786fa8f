"""How the library answers bad input: the table of tests/test_bad_inputs.py, run without assertions.

Each row passes one bad argument. Its outcome is

* clear: the expected exception type, with a message that names the argument (or the bad file);
* silent: no exception at all (a result computed from bad input);
* cryptic: any other exception, or a message that does not name the argument.

Prints "tried / clear / silent / cryptic" and every row that is not clear. Run from the repository root:
``python benchmarks/bad_inputs.py``.
"""
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import test_bad_inputs as table  # noqa: E402  (the table lives with its test: one copy)


class Folders:
    """Stands in for pytest's tmp_path_factory: a fresh folder for each call that writes files."""

    def __init__(self, root):
        self.root, self.count = Path(root), 0

    def mktemp(self, name):
        self.count += 1
        folder = self.root / f"{name}{self.count}"
        folder.mkdir()
        return folder


def classify(call, error, word, folders) -> tuple[str, str]:
    """``(outcome, detail)`` for one row: outcome is "clear", "silent" or "cryptic"."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = table.call_row(call, folders)
    except Exception as raised:  # noqa: BLE001 - every exception is an outcome to classify
        message = f"{type(raised).__name__}: {raised}"
        if isinstance(raised, error) and table.names_the_argument(str(raised), word):
            return "clear", message
        return "cryptic", message
    shown = f" {result!r}"[:80] if isinstance(result, (int, float, tuple)) else ""
    return "silent", f"returned {type(result).__name__}{shown}"


def main() -> dict:
    counts = {"tried": 0, "clear": 0, "silent": 0, "cryptic": 0}
    not_clear = []
    with tempfile.TemporaryDirectory() as root:
        folders = Folders(root)
        for param in table.ROWS:
            call, error, word = param.values
            outcome, detail = classify(call, error, word, folders)
            counts["tried"] += 1
            counts[outcome] += 1
            if outcome != "clear":
                expected = f"expected {error.__name__} naming {word!r}"
                not_clear.append(f"  {outcome:8s} {param.id}: {expected}; {detail[:220]}")
    print("tried / clear / silent / cryptic: {tried} / {clear} / {silent} / {cryptic}".format(**counts))
    if not_clear:
        print("not clear:")
        print("\n".join(not_clear))
    return counts


if __name__ == "__main__":
    main()
