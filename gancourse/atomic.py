"""Writing files so that a failure half-way never destroys an earlier file of the same name."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path, suffix: str = ""):
    """Give a temporary path beside ``path`` to write to; when the block succeeds, rename it over ``path``.

    A rename within one folder is atomic: readers see the old file or the new one, never half of one. If
    the block fails, the temporary file is removed and an earlier file at ``path`` is left untouched.
    ``suffix`` keeps an extension that the writer looks at (``.nii.gz`` for nibabel).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part{suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
