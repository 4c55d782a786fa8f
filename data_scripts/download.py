"""Download a public data set file safely: resumable, checksum-verified, and extracted without escaping
its folder. The book's default path never needs this (everything it trains on ships inside installed
packages); it is for bigger runs on public data sets (``fetch.py`` holds their entries).

    python data_scripts/download.py URL CHECKSUM DESTINATION [--extract FOLDER]

As a library: ``fetch(url, checksum, destination)`` and ``extract(archive, folder)``. ``checksum`` is a
SHA-256 in hex, or ``"md5:<hex>"`` / ``"sha256:<hex>"`` for what a publisher gives (MedMNIST publishes MD5s).

- A partial download is kept as ``DESTINATION.part`` and continued with an HTTP Range request. A connection
  that drops before the announced length is resumed a few times within the same call; after that, running
  the same command again resumes it.
- The file only gets its final name after its SHA-256 matches, so a corrupt or truncated download never
  replaces a good file, and an existing good file is not downloaded again. A ``.part`` left by an earlier
  run that turns out complete is verified and kept; one that does not match is downloaded once more from
  the start.
- Archives (zip, tar, tar.gz) are extracted refusing absolute paths, ``..`` and links that would write
  outside the target folder. Tar links are checked as each member is extracted (the standard library's
  ``data`` filter), so a link made by an earlier member cannot carry a later one outside; on a Python
  without that filter, tar archives holding links are refused.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from tqdm.auto import tqdm

CHUNK = 1 << 20
RESUMES = 3  # times one call resumes a dropped connection before asking the user to run it again


def digest_of(path: Path, algorithm: str = "sha256") -> str:
    digest = hashlib.new(algorithm, usedforsecurity=False)  # a checksum, not a security measure
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    return digest_of(path, "sha256")


def parse_checksum(checksum: str) -> tuple[str, str]:
    """``(algorithm, hex)`` from ``"md5:<hex>"``, ``"sha256:<hex>"`` or a bare SHA-256."""
    algorithm, _, value = checksum.rpartition(":")
    algorithm, value = (algorithm or "sha256").lower(), value.lower()
    lengths = {"md5": 32, "sha256": 64}
    if algorithm not in lengths or len(value) != lengths[algorithm] or \
            any(c not in "0123456789abcdef" for c in value):
        raise ValueError(f"checksum {checksum!r} is not a SHA-256 (64 hex digits) or 'md5:' followed by 32 "
                         "hex digits; copy it from the data set's entry in data_scripts/fetch.py.")
    return algorithm, value


def _transfer(url: str, partial: Path, name: str, timeout: float) -> bool:
    """Append the rest of ``url`` to ``partial``; False when the connection dropped before the end."""
    offset = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if offset and error.code == 416:  # nothing after `offset`: the .part is complete (or too long), check it
            error.close()
            return True
        raise
    with response:
        if offset and response.status != 206:  # the server ignored the range: start again
            offset = 0
        # Content-Length of this response; None when not announced, and then only the checksum can tell.
        expected, received = response.length, 0
        with open(partial, "ab" if offset else "wb") as out, \
                tqdm(total=None if expected is None else expected + offset, initial=offset, unit="B",
                     unit_scale=True, desc=name) as bar:
            while True:
                try:
                    block = response.read(CHUNK)
                except (OSError, http.client.HTTPException):  # broke off mid-body: keep what arrived, resume
                    return False
                if not block:
                    break
                out.write(block)
                received += len(block)
                bar.update(len(block))
    # http.client ends a body that stops short of its Content-Length quietly, so count the bytes.
    return expected is None or received >= expected


def fetch(url: str, checksum: str | None, destination, timeout: float = 60.0, resumes: int = RESUMES) -> Path:
    """Download ``url`` to ``destination`` unless a file with the right checksum is already there.

    ``checksum=None`` is for files whose publisher gives none: the file is kept once every announced byte
    has arrived, and the caller must check what it can (size, archive integrity, headers)."""
    destination = Path(destination)
    if checksum is None:  # nothing published to check against: the caller checks what it can (see fetch.py)
        algorithm = expected = None
        if destination.exists():
            return destination
    else:
        algorithm, expected = parse_checksum(checksum)
        name = algorithm.upper().replace("SHA256", "SHA-256")
        if destination.exists() and digest_of(destination, algorithm) == expected:
            return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    leftover = partial.exists()  # bytes from an earlier run, which may be stale or corrupt
    for _ in range(resumes + 1):
        try:
            if _transfer(url, partial, destination.name, timeout):
                break
        except (OSError, http.client.HTTPException) as error:
            raise ConnectionError(f"downloading {url} failed ({error}). What arrived is kept in {partial}; run "
                                  "the same command again to continue.") from error
    else:
        raise ConnectionError(f"the connection to {url} dropped {resumes + 1} times before the end of the file. "
                              f"What arrived is kept in {partial}; run the same command again to continue.")
    found = expected if checksum is None else digest_of(partial, algorithm)
    if found != expected:
        partial.unlink()
        if leftover:  # the earlier run's bytes may be what is wrong: download once more, from the start
            return fetch(url, checksum, destination, timeout, resumes)
        raise ValueError(f"the download of {url} has {name} {found}, not the expected {expected}: it was deleted. "
                         "The file on the server changed or the transfer was corrupted; try again, and if it "
                         "persists, check the data set's page for a new checksum.")
    os.replace(partial, destination)
    return destination


def _inside(folder: Path, name: str) -> Path:
    target = (folder / name).resolve()
    if name.startswith(("/", "\\")) or (target != folder and folder not in target.parents):
        raise ValueError(f"the archive member {name!r} would be written outside {folder}: refusing to extract.")
    return target


def extract(archive, folder) -> Path:
    """Extract a zip or tar archive into ``folder``, refusing members that would land outside it."""
    archive, folder = Path(archive), Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.infolist():
                _inside(folder, member.filename)
            zipped.extractall(folder)  # zipfile makes no links: a stored "symlink" becomes a plain file
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tarred:
            filtered = hasattr(tarfile, "data_filter")  # Python 3.11.4+, and security releases of older ones
            for member in tarred.getmembers():  # names alone can be judged before anything is written
                _inside(folder, member.name)
                if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
                    raise ValueError(f"the archive member {member.name!r} is a device or fifo: refusing to extract.")
                if not filtered and (member.issym() or member.islnk()):
                    raise ValueError(f"the archive member {member.name!r} is a link, and this Python's tarfile "
                                     "cannot check links safely: refusing to extract. Use Python 3.11.4 or newer "
                                     "(or a security release of an older one), or extract it by hand.")
            if filtered:
                # Links must be judged on disk as each member is extracted: a link made by an earlier member can
                # carry a later member's harmless-looking path outside, which no check of names beforehand sees.
                try:
                    tarred.extractall(folder, filter="data")
                except tarfile.FilterError as error:
                    raise ValueError(f"the archive member {error.tarinfo.name!r} would reach outside {folder} "
                                     f"({error}): refusing to extract it and the members after it.") from error
            else:
                tarred.extractall(folder)
    else:
        raise ValueError(f"{archive} is neither a zip nor a tar archive.")
    return folder


def main():
    parser = argparse.ArgumentParser(description="Download a file with resume and checksum verification.")
    parser.add_argument("url")
    parser.add_argument("checksum", help="a SHA-256, or md5:<hex>")
    parser.add_argument("destination", type=Path)
    parser.add_argument("--extract", type=Path, help="extract the archive into this folder")
    args = parser.parse_args()
    path = fetch(args.url, args.checksum, args.destination)
    print(f"{path}: verified")
    if args.extract:
        print(f"extracted into {extract(path, args.extract)}")


if __name__ == "__main__":
    main()
