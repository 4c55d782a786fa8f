"""data_scripts/download.py against a small HTTP server on this machine's loopback address."""
import hashlib
import io
import stat
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data_scripts"))
from download import RESUMES, extract, fetch  # noqa: E402
from loopback import LoopbackServer  # noqa: E402

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()
DROP_AFTER = 100_000  # bytes of body a dropped response sends before hanging up


@pytest.fixture
def server():
    with LoopbackServer({"/data.bin": PAYLOAD}, drop_after=DROP_AFTER, missing=b"a different file") as server:
        yield server


def test_download_verifies_and_is_not_repeated(server, tmp_path):
    path = fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert path.read_bytes() == PAYLOAD
    fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert len(server.served) == 1  # the verified file was not downloaded again


def test_interrupted_download_resumes_with_a_range_request(server, tmp_path):
    (tmp_path / "data.bin.part").write_bytes(PAYLOAD[:300_000])
    fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert server.served == [("/data.bin", "bytes=300000-")]
    assert (tmp_path / "data.bin").read_bytes() == PAYLOAD and not (tmp_path / "data.bin.part").exists()


def test_wrong_checksum_never_replaces_a_good_file(server, tmp_path):
    good = tmp_path / "data.bin"
    good.write_bytes(b"an older, good copy")
    with pytest.raises(ValueError, match="SHA-256"):
        fetch(f"{server}/other.bin", SHA, good)  # the server sends something else than expected
    assert good.read_bytes() == b"an older, good copy"
    assert not (tmp_path / "data.bin.part").exists()


def test_unreachable_server_is_explained(tmp_path):
    with pytest.raises(ConnectionError, match="run the same command again"):
        fetch("http://127.0.0.1:9/none.bin", SHA, tmp_path / "none.bin", timeout=2)


def test_dropped_connection_resumes_within_the_same_call(server, tmp_path):
    server.drops = 1  # the first response ends early, without an error
    fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert server.served == [("/data.bin", None), ("/data.bin", f"bytes={DROP_AFTER}-")]
    assert (tmp_path / "data.bin").read_bytes() == PAYLOAD and not (tmp_path / "data.bin.part").exists()


def test_connection_that_keeps_dropping_is_resumed_by_the_next_run(server, tmp_path):
    server.drops = RESUMES + 1  # more drops than one call retries
    with pytest.raises(ConnectionError, match="run the same command again"):
        fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert server.served == [("/data.bin", None)] + [
        ("/data.bin", f"bytes={DROP_AFTER * i}-") for i in range(1, RESUMES + 1)]
    assert (tmp_path / "data.bin.part").read_bytes() == PAYLOAD[:DROP_AFTER * (RESUMES + 1)]
    server.served.clear()
    fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")  # the same command again
    assert server.served == [("/data.bin", f"bytes={DROP_AFTER * (RESUMES + 1)}-")]
    assert (tmp_path / "data.bin").read_bytes() == PAYLOAD


def test_complete_part_file_left_by_a_kill_is_verified_and_kept(server, tmp_path):
    (tmp_path / "data.bin.part").write_bytes(PAYLOAD)  # every byte arrived, but it was never verified
    fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert server.served == [("/data.bin", f"bytes={len(PAYLOAD)}-")]  # answered 416: nothing left
    assert (tmp_path / "data.bin").read_bytes() == PAYLOAD and not (tmp_path / "data.bin.part").exists()


@pytest.mark.parametrize("stale", [b"x" * len(PAYLOAD), b"x" * 300_000], ids=["complete", "shorter"])
def test_corrupt_part_file_is_downloaded_again_from_the_start(server, tmp_path, stale):
    (tmp_path / "data.bin.part").write_bytes(stale)
    fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert server.served == [("/data.bin", f"bytes={len(stale)}-"), ("/data.bin", None)]
    assert (tmp_path / "data.bin").read_bytes() == PAYLOAD and not (tmp_path / "data.bin.part").exists()


def _tar(path, *members):
    """Write a tar of (name, type, linkname or content) members, in order."""
    with tarfile.open(path, "w") as tar:
        for name, kind, value in members:
            info = tarfile.TarInfo(name)
            if kind == tarfile.REGTYPE:
                info.size = len(value)
                tar.addfile(info, io.BytesIO(value))
            else:
                info.type, info.linkname = kind, value
                tar.addfile(info)
    return path


def test_extraction_sees_links_made_by_earlier_members(tmp_path):
    target = tmp_path / "a" / "b" / "out"
    chained = _tar(tmp_path / "chained.tar", ("s", tarfile.SYMTYPE, "."), ("b", tarfile.SYMTYPE, "s/s/../.."),
                   ("b/evil", tarfile.REGTYPE, b"evil"))
    with pytest.raises(ValueError, match="'b'.*outside"):
        extract(chained, target)
    assert not (tmp_path / "a" / "evil").exists()
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    hard = _tar(tmp_path / "hard.tar", ("x/y/z/h", tarfile.LNKTYPE, "../../../victim"),
                ("x/y/z/h", tarfile.REGTYPE, b"evil"))
    with pytest.raises(ValueError, match="'x/y/z/h'.*outside"):
        extract(hard, tmp_path / "a" / "b" / "c")
    assert victim.read_bytes() == b"precious"
    # nothing was written outside the two target folders
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a", "chained.tar", "hard.tar", "victim"]
    assert [path.name for path in (tmp_path / "a").iterdir()] == ["b"]
    assert sorted(path.name for path in (tmp_path / "a" / "b").iterdir()) == ["c", "out"]


def test_extraction_without_the_data_filter_refuses_links(tmp_path, monkeypatch):
    monkeypatch.delattr(tarfile, "data_filter")  # as on Pythons without the extraction filters
    link = _tar(tmp_path / "link.tar", ("s", tarfile.SYMTYPE, "."))
    with pytest.raises(ValueError, match="'s' is a link"):
        extract(link, tmp_path / "out")
    assert not (tmp_path / "out" / "s").exists()


def test_zip_extraction_stays_inside(tmp_path):
    for name in ("../outside.txt", "/absolute.txt"):
        with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
            archive.writestr(name, "evil")
        with pytest.raises(ValueError, match="outside"):
            extract(tmp_path / "evil.zip", tmp_path / "out")
    assert not (tmp_path / "outside.txt").exists() and not list((tmp_path / "out").iterdir())
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as archive:
        info = zipfile.ZipInfo("link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16  # a "symlink" as Unix zip tools store one
        archive.writestr(info, "..")
    link = extract(tmp_path / "link.zip", tmp_path / "zip") / "link"
    assert not link.is_symlink() and link.read_text() == ".."  # written as a plain file, never followed


def test_extraction_refuses_to_escape(tmp_path):
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    with pytest.raises(ValueError, match="outside"):
        extract(evil, tmp_path / "out")
    assert not (tmp_path / "outside.txt").exists()
    link = tmp_path / "link.tar"
    with tarfile.open(link, "w") as tar:
        info = tarfile.TarInfo("escape")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc"
        tar.addfile(info)
    with pytest.raises(ValueError, match="outside"):
        extract(link, tmp_path / "out")


def test_extraction_of_good_archives(tmp_path):
    zipped = tmp_path / "good.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("images/a.txt", "A")
    folder = extract(zipped, tmp_path / "zip")
    assert (folder / "images" / "a.txt").read_text() == "A"
    tarred = tmp_path / "good.tar.gz"
    with tarfile.open(tarred, "w:gz") as archive:
        info = tarfile.TarInfo("b.txt")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"B"))
    assert (extract(tarred, tmp_path / "tar") / "b.txt").read_text() == "B"
    linked = _tar(tmp_path / "linked.tar", ("d/f.txt", tarfile.REGTYPE, b"F"), ("d/s", tarfile.SYMTYPE, "f.txt"),
                  ("h.txt", tarfile.LNKTYPE, "d/f.txt"))
    folder = extract(linked, tmp_path / "linked")  # links that stay inside still extract
    assert (folder / "d" / "s").is_symlink() and (folder / "d" / "s").read_text() == "F"
    assert (folder / "h.txt").read_text() == "F"
    with pytest.raises(ValueError, match="neither a zip nor a tar"):
        extract(tmp_path / "zip" / "images" / "a.txt", tmp_path / "x")


def test_md5_checksums_as_publishers_give_them(server, tmp_path):
    md5 = hashlib.md5(PAYLOAD).hexdigest()
    path = fetch(f"{server}/data.bin", f"md5:{md5}", tmp_path / "data.bin")
    assert path.read_bytes() == PAYLOAD
    with pytest.raises(ValueError, match="has MD5 .*not the expected"):
        fetch(f"{server}/other.bin", f"md5:{md5}", tmp_path / "other.bin")
    assert not (tmp_path / "other.bin").exists() and not (tmp_path / "other.bin.part").exists()
    for wrong in ("md5:1234", "crc:" + md5, "x" * 64):
        with pytest.raises(ValueError, match="is not a SHA-256"):
            fetch(f"{server}/data.bin", wrong, tmp_path / "wrong.bin")


def test_no_published_checksum_still_resumes_and_needs_every_byte(server, tmp_path):
    server.drops = RESUMES + 1
    with pytest.raises(ConnectionError):  # an incomplete file never gets its final name
        fetch(f"{server}/data.bin", None, tmp_path / "data.bin")
    assert not (tmp_path / "data.bin").exists()
    fetch(f"{server}/data.bin", None, tmp_path / "data.bin")
    assert (tmp_path / "data.bin").read_bytes() == PAYLOAD
