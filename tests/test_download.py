"""data_scripts/download.py against a small HTTP server on this machine's loopback address."""
import hashlib
import http.server
import io
import sys
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data_scripts"))
from download import extract, fetch  # noqa: E402

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class RangeHandler(http.server.BaseHTTPRequestHandler):
    served = []  # (path, Range header) of every request

    def do_GET(self):
        self.served.append((self.path, self.headers.get("Range")))
        data = PAYLOAD if self.path == "/data.bin" else b"a different file"
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].rstrip("-"))
            self.send_response(206)
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        self.wfile.write(data[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    RangeHandler.served.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_download_verifies_and_is_not_repeated(server, tmp_path):
    path = fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert path.read_bytes() == PAYLOAD
    fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert len(RangeHandler.served) == 1  # the verified file was not downloaded again


def test_interrupted_download_resumes_with_a_range_request(server, tmp_path):
    (tmp_path / "data.bin.part").write_bytes(PAYLOAD[:300_000])
    fetch(f"{server}/data.bin", SHA, tmp_path / "data.bin")
    assert RangeHandler.served == [("/data.bin", "bytes=300000-")]
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
    with pytest.raises(ValueError, match="neither a zip nor a tar"):
        extract(tmp_path / "zip" / "images" / "a.txt", tmp_path / "x")
