"""Files that survive a crash and prove they are whole: atomic writes, and PyTorch files with a checksum.

* :func:`atomic_path` writes to a temporary file beside the target and renames it over the target only when
  the write has succeeded. A rename within one folder is atomic: a reader sees the old file or the new one,
  never half of one, and a failed or killed write leaves an earlier file untouched.
* :func:`save_checked` stores a PyTorch object together with the SHA-256 digest of its bytes and a ``kind``
  tag; :func:`load_checked` recomputes the digest before it trusts anything. PyTorch's own zip format does
  not verify its checksums on load, so without this a single flipped bit in a weight loads silently.
  Everything is read with ``weights_only=True``: loading a file never runs code from it.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import torch


class CorruptFile(ValueError):
    """A file that is truncated, altered, of another kind or missing a part it must have."""


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, but belongs to someone else
        return True
    return True


def _remove_stale_parts(path: Path) -> None:
    """Delete temporary files of ``path`` left behind by writers that were killed (their process is gone)."""
    for part in path.parent.glob(f".{path.name}.*.part*"):
        digits = re.match(r"\d+", part.name[len(path.name) + 2:])
        if digits is None:
            continue
        pid = int(digits.group())
        if pid != os.getpid() and not _process_alive(pid):
            part.unlink(missing_ok=True)


@contextmanager
def atomic_path(path, suffix: str = ""):
    """Give a temporary path beside ``path`` to write to; when the block succeeds, rename it over ``path``.

    If the block fails, the temporary file is removed and an earlier file at ``path`` is left untouched.
    The temporary name is unique to the process, the thread and the call, so two writers never share one;
    temporary files that killed writers left behind are removed after the next successful write.
    ``suffix`` keeps an extension that the writer looks at (``.nii.gz`` for nibabel).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    unique = f"{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(4)}"
    temporary = path.with_name(f".{path.name}.{unique}.part{suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    _remove_stale_parts(path)


def save_atomically(obj, path) -> None:
    """``torch.save`` to ``path`` such that a failure half-way leaves any earlier file at ``path`` intact."""
    with atomic_path(path) as temporary, open(temporary, "wb") as handle:
        torch.save(obj, handle)
        handle.flush()
        os.fsync(handle.fileno())  # on disk before the rename makes it the file


def save_checked(obj, path, kind: str) -> None:
    """Save ``obj`` atomically with its ``kind`` and the SHA-256 digest of its serialised bytes."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    payload = buffer.getvalue()
    save_atomically({"kind": kind, "sha256": hashlib.sha256(payload).hexdigest(),
                     "payload": torch.frombuffer(bytearray(payload), dtype=torch.uint8)}, path)


def load_checked(path, kind: str, *, fix: str = "delete it and run again"):
    """The object that :func:`save_checked` stored at ``path`` as ``kind``, after checking its digest.

    Raises :class:`FileNotFoundError` when there is no file, and :class:`CorruptFile` (naming the file, what is
    wrong and ``fix``) when it is unreadable, truncated, altered since it was written, or of another kind.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no file at {path} (absolute: {path.resolve()}).")
    try:
        outer = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise CorruptFile(f"{path} is not a readable file: it is truncated, corrupt or not a PyTorch file "
                          f"({type(error).__name__}). {fix[0].upper() + fix[1:]}.") from error
    if not isinstance(outer, dict) or "kind" not in outer or "sha256" not in outer or "payload" not in outer:
        raise CorruptFile(f"{path} is a PyTorch file but was not written by gancourse (it has no checksum), so "
                          f"it cannot be trusted as a {kind}. {fix[0].upper() + fix[1:]}.")
    if outer["kind"] != kind:
        raise CorruptFile(f"{path} holds a {outer['kind']}, not a {kind}. Point to a {kind} file, or {fix}.")
    payload = outer["payload"].numpy()  # hashed in place, without a copy
    if hashlib.sha256(payload).hexdigest() != outer["sha256"]:
        raise CorruptFile(f"{path} was altered or damaged after it was written: its checksum does not match its "
                          f"contents. {fix[0].upper() + fix[1:]}.")
    return torch.load(io.BytesIO(payload.data), map_location="cpu", weights_only=True)


_WARNED_FOLDERS: set[str] = set()


def cached(path, kind: str, build: Callable, usable: Callable = lambda obj: True):
    """A result kept in a cache file: loaded and checked when the file is there and whole, else built.

    ``build()`` makes the result; ``usable(obj)`` says whether a loaded one has the right structure. A cache
    file that is damaged, of another kind or not usable is built again and replaced. When the folder cannot
    be written (read-only, full), the result is kept in memory only, with one warning per folder.
    """
    path = Path(path)
    if path.exists():
        try:
            obj = load_checked(path, kind)
            if usable(obj):
                return obj
        except Exception:  # noqa: BLE001 - any fault in a cache file means: build it again
            pass
    obj = build()
    try:
        save_checked(obj, path, kind)
    except (OSError, RuntimeError) as error:  # torch.save reports a failed write as RuntimeError
        if str(path.parent) not in _WARNED_FOLDERS:
            _WARNED_FOLDERS.add(str(path.parent))
            warnings.warn(f"the cache folder {path.parent} cannot be written ({type(error).__name__}: {error}); "
                          f"results are kept in memory and prepared again next time. Set GANCOURSE_CACHE to a "
                          f"writable folder to keep them.", stacklevel=2)
    return obj
