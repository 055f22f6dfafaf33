"""A built site served over HTTP on 127.0.0.1, the way a static host serves it: under a
prefix (a GitHub Pages project site) and with ``404.html`` for missing pages."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves ``directory`` at ``prefix`` only, and ``404.html`` for anything missing; appends
    each request's ``(path, status)`` to ``served`` when that is a list."""

    prefix = "/"
    served: list[tuple[str, int]] | None = None

    def translate_path(self, path: str) -> str:
        request_path = urlsplit(path).path
        if not request_path.startswith(self.prefix):
            return str(Path(self.directory) / ".not-under-the-prefix")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # send_response calls this once per response, 404 pages and errors included.
        if self.served is not None:
            self.served.append((self.path, int(code)))

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet


@contextmanager
def serving(
    out: Path, prefix: str = "/", served: list[tuple[str, int]] | None = None
) -> Iterator[str]:
    """Serves ``out`` under ``prefix`` on 127.0.0.1; yields the origin (``http://host:port/``).
    Every request's path and status is appended to ``served``, if given."""
    handler = type("Handler", (SiteHandler,), {"prefix": prefix, "served": served})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
