"""The HTTP side of ``papersite serve``: files of the output folder under the site's base path,
the live-reload script and its event stream, and nothing else.

A request path is decoded once and then judged: a ``..`` or ``.`` segment, an empty one, a
backslash or a NUL is refused, and the file found must really be inside the output folder once
symbolic links are resolved. Everything refused or missing gets the site's 404 page, status 404.
"""

from __future__ import annotations

import mimetypes
import select
import socket
import sys
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit

from papersite.render import NOT_FOUND
from papersite.serve.live import EVENTS_PATH, LIVE_JS, SCRIPT_PATH, Broadcast, event, inject

KEEPALIVE_SECONDS = 15.0
"""How often an idle event stream sends a comment, as proxies drop connections silent too long."""
CHECK_SECONDS = 1.0
"""How often an idle event stream checks that its page is still open, so that a stream ends (and
stops counting as an open page) soon after its page is closed or reloaded."""

TEXT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript",
              ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain",
              ".svg": "image/svg+xml"}  # fmt: skip
"""Types sent with ``charset=utf-8``; anything else is guessed from its name."""

PLACEHOLDER = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>papersite serve</title></head>
<body><p>No page yet: the site has not been built. Fix the errors and save.</p></body></html>
"""
"""Sent for every page until a first build succeeds, with the errors over it."""


@dataclass(frozen=True)
class Redirect:
    """The same resource at another path (a folder without its ``/``, or the site's root)."""

    location: str


def resolve(out: Path, base_path: str, raw_path: str) -> Path | Redirect | None:
    """What a request for ``raw_path`` (as sent, percent-encoded, without its query) gets: a
    file inside ``out``, a redirect, or None for a 404. ``base_path`` is decoded and ends in ``/``.
    """
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if path != base_path and path in {"/", base_path.rstrip("/")}:
        return Redirect(quote(base_path))
    if not path.startswith(base_path) or "\\" in path or "\x00" in path:
        return None
    parts = path[len(base_path) :].split("/")
    # Only the last segment may be empty: "weekly/" is a folder, "weekly//x" and "/etc" are not.
    if any(part in {"", ".", ".."} for part in parts[:-1]) or parts[-1] in {".", ".."}:
        return None
    found = _inside(out, out.joinpath(*parts))
    if found is None or found.is_file():
        return found if parts[-1] else None  # "index.html/" is not a folder
    if parts[-1]:
        return Redirect(quote(path + "/"))
    return _inside(out, found / "index.html")


def _inside(out: Path, candidate: Path) -> Path | None:
    """``candidate`` with its links resolved, if it exists and really is inside ``out``."""
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a loop of links, a name too long
        return None
    return real if real.is_relative_to(out.resolve()) else None


def content_type(path: Path) -> str:
    if path.suffix in TEXT_TYPES:
        return TEXT_TYPES[path.suffix] + "; charset=utf-8"
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


class Site(Protocol):
    """What the server needs from the site being served (``rebuild.LiveSite``)."""

    out: Path
    base_path: str
    broadcast: Broadcast


class SiteServer(ThreadingHTTPServer):
    """A threading HTTP server (one thread per request, so that event streams can wait) bound to
    ``host``, over IPv4 or IPv6 as the address asks."""

    daemon_threads = True

    def __init__(self, host: str, port: int, site: Site) -> None:
        self.address_family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        self.site = site
        super().__init__((host, port), SiteHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A page closed while its response was being sent is not an error of the server.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "papersite"

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is for rebuilds and their errors

    def _answer(self) -> None:
        site = self.server.site
        path = urlsplit(self.path).path
        if path == EVENTS_PATH and self.command == "GET":
            self._events(site.broadcast)
            return
        if path == SCRIPT_PATH:
            self._send(200, "text/javascript; charset=utf-8", LIVE_JS)
            return
        found = resolve(site.out, site.base_path, path)
        if isinstance(found, Redirect):
            self.send_response(302)
            self.send_header("Location", found.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif found is None:
            self._not_found(site)
        else:
            self._send_file(site, 200, found)

    def _not_found(self, site: Site) -> None:
        page = site.out / NOT_FOUND
        if page.is_file():
            self._send_file(site, 404, page)
        else:
            self._send(404, "text/html; charset=utf-8", inject(PLACEHOLDER, site.broadcast.state))

    def _send_file(self, site: Site, status: int, path: Path) -> None:
        try:
            body = path.read_bytes()
        except OSError:  # removed by a rebuild since it was found
            body, status, path = PLACEHOLDER, 404, Path(NOT_FOUND)
        if path.suffix == ".html":
            body = inject(body, site.broadcast.state)
        self._send(status, content_type(path), body)

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload must fetch what was rebuilt
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _events(self, broadcast: Broadcast) -> None:
        """An event stream: the current state at once, then each new one, until either side
        stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")  # reconnect quickly when the server comes back
        seen = None
        idle = 0.0
        with broadcast.listening():
            while not broadcast.closed and not self._page_closed():
                state = broadcast.next(seen, CHECK_SECONDS)
                idle = 0.0 if state else idle + CHECK_SECONDS
                if state is not None:
                    self.wfile.write(event(state))
                    seen = state
                elif idle >= KEEPALIVE_SECONDS:
                    self.wfile.write(b": keep-alive\n\n")
                    idle = 0.0

    def _page_closed(self) -> bool:
        """Whether the page has closed its event stream: a page sends nothing on it, so anything
        readable is the end of the connection."""
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return not self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return True
