"""A small HTTP server on this machine's loopback address, for the download tests (no test reaches the network).

It serves the files it is given, answers Range requests as real servers do (206 with the rest, 416 when nothing
is left), records every request, and can hang up early to imitate a dropped connection: ``drops`` responses
announce the whole rest but send only ``drop_after`` bytes of it."""
import http.server
import threading


class LoopbackServer:
    """``with LoopbackServer({"/data.bin": payload}) as server:`` then fetch ``f"{server}/data.bin"``."""

    def __init__(self, files=None, *, drop_after: int = 100_000, missing: bytes | None = None):
        self.files = dict(files or {})  # path -> bytes
        self.missing = missing  # what any other path serves (None: 404)
        self.drop_after = drop_after
        self.served = []  # (path, Range header) of every request
        self.drops = 0  # how many of the next responses hang up after drop_after bytes

    def __enter__(self):
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()

    def __str__(self):
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __format__(self, spec):
        return format(str(self), spec)

    def _handler(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                server.served.append((path, self.headers.get("Range")))
                data = server.files.get(path, server.missing)
                if data is None:
                    self.send_error(404)
                    return
                start = int(self.headers["Range"].split("=")[1].rstrip("-")) if self.headers.get("Range") else 0
                if start >= len(data):  # nothing is left after `start`
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                if server.drops:
                    server.drops -= 1
                    self.wfile.write(data[start:start + server.drop_after])
                    self.close_connection = True
                    return
                self.wfile.write(data[start:])

            def log_message(self, *args):
                pass

        return Handler
