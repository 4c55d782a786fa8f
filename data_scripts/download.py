"""Download a public data set file safely: resumable, checksum-verified, and extracted without escaping
its folder. The book's default path never needs this (everything it trains on ships inside installed
packages); it is for bigger runs on public data sets, whose entries the chapters that use them add.

    python data_scripts/download.py URL SHA256 DESTINATION [--extract FOLDER]

As a library: ``fetch(url, sha256, destination)`` and ``extract(archive, folder)``.

- A partial download is kept as ``DESTINATION.part`` and continued with an HTTP Range request.
- The file only gets its final name after its SHA-256 matches, so a corrupt or truncated download never
  replaces a good file, and an existing good file is not downloaded again.
- Archives (zip, tar, tar.gz) are extracted member by member, refusing absolute paths, ``..`` and links
  that would write outside the target folder.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import tarfile
import urllib.request
import zipfile
from pathlib import Path

from tqdm.auto import tqdm

CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(url: str, sha256: str, destination, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``destination`` unless a file with the right checksum is already there."""
    destination = Path(destination)
    sha256 = sha256.lower()
    if destination.exists() and sha256_of(destination) == sha256:
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    offset = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if offset and response.status != 206:  # the server ignored the range: start again
                offset = 0
            total = response.length + offset if response.length is not None else None
            with open(partial, "ab" if offset else "wb") as out, \
                    tqdm(total=total, initial=offset, unit="B", unit_scale=True, desc=destination.name) as bar:
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
                    bar.update(len(block))
    except OSError as error:
        raise ConnectionError(f"downloading {url} failed ({error}). What arrived is kept in {partial}; run the "
                              "same command again to continue.") from error
    found = sha256_of(partial)
    if found != sha256:
        partial.unlink()
        raise ValueError(f"the download of {url} has SHA-256 {found}, not the expected {sha256}: it was deleted. "
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
            zipped.extractall(folder)
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tarred:
            for member in tarred.getmembers():
                _inside(folder, member.name)
                if member.issym() or member.islnk():
                    _inside(folder, str(Path(member.name).parent / member.linkname))
                if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
                    raise ValueError(f"the archive member {member.name!r} is a device or fifo: refusing to extract.")
            tarred.extractall(folder)
    else:
        raise ValueError(f"{archive} is neither a zip nor a tar archive.")
    return folder


def main():
    parser = argparse.ArgumentParser(description="Download a file with resume and checksum verification.")
    parser.add_argument("url")
    parser.add_argument("sha256")
    parser.add_argument("destination", type=Path)
    parser.add_argument("--extract", type=Path, help="extract the archive into this folder")
    args = parser.parse_args()
    path = fetch(args.url, args.sha256, args.destination)
    print(f"{path}: verified")
    if args.extract:
        print(f"extracted into {extract(path, args.extract)}")


if __name__ == "__main__":
    main()
