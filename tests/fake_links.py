"""A loopback web server whose pages behave like the links of a real site: live, dead, slow,
moved, looping, unhelpful about HEAD, failing until they work. ``tests/test_linkcheck.py`` checks
links against it with the real httpx client over real sockets.

Unlike ``fake_http.FakeServer`` (one API answering by script), each path here has a fixed
behaviour, HEAD is answered, and the server counts the requests in flight at once (``Gauge``),
so tests can see the checker's concurrency limits from the server's side.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

from fake_http import POLL_INTERVAL, READ_TIMEOUT, status_phrase

SLOW_SECONDS = 5.0
"""How long ``/slow`` waits before answering: far beyond the tests' timeouts."""
WAIT_SECONDS = 0.05
"""How long each ``/wait/...`` page takes, so that concurrent requests overlap at the server."""


@dataclass(frozen=True)
class Answer:
    """What a page answers one request with."""

    status: int
    location: str | None = None
    delay: float = 0.0
    retry_after: str | None = None


# A page: given the method and how many requests for its path came before this one, its answer.
Page = Callable[[str, int], Answer]


def always(status: int, location: str | None = None, delay: float = 0.0) -> Page:
    return lambda method, seen: Answer(status, location, delay)


def head_not_allowed(method: str, seen: int) -> Answer:
    return Answer(405 if method == "HEAD" else 200)


def failing(times: int, status: int = 500) -> Page:
    """Answers ``status`` to the first ``times`` requests, whatever their method, then 200."""
    return lambda method, seen: Answer(status if seen < times else 200)


PAGES: dict[str, Page] = {
    "/live": always(200),
    "/head-405": head_not_allowed,
    "/dead": always(404),
    "/gone": always(410),
    "/flaky": failing(2),
    "/down": always(503),
    "/limited": lambda method, seen: Answer(429, retry_after="0"),
    "/busy": lambda method, seen: Answer(503, retry_after="1") if seen == 0 else Answer(200),
    "/slow": always(200, delay=SLOW_SECONDS),
    "/moved": always(301, "/live"),
    "/moved-308": always(308, "/live"),
    "/found": always(302, "/live"),
    "/moved-then-found": always(301, "/found"),
    "/moved-to-dead": always(301, "/dead"),
    "/loop-a": always(302, "/loop-b"),
    "/loop-b": always(302, "/loop-a"),
    "/to-ftp": always(302, "ftp://example.org/file"),
    "/nowhere": always(302),  # a redirect without a Location header
    "/moved-nowhere": always(301),
    "/found-nowhere": always(302, "/nowhere"),
    "/head-nowhere": lambda method, seen: Answer(302 if method == "HEAD" else 200),
    "/to-bad-ipv6": always(302, "http://["),  # redirects whose Location is no address
    "/to-javascript": always(302, "javascript:alert(1)"),
    "/to-spaced-host": always(301, "http://exa mple.com/"),
    "/found-bad": always(302, "/to-bad-ipv6"),
}


class Gauge:
    """Counts requests in flight, and the most there ever were at once; may be shared by
    several servers to see a limit over all of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0

    def __enter__(self) -> None:
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.current -= 1


class LinkServer:
    """``PAGES`` (and any ``/wait/<name>``, answered 200 after ``WAIT_SECONDS``) on 127.0.0.1,
    as a context manager. ``requests`` lists every ``(method, path)`` received, in order."""

    def __init__(self, gauge: Gauge | None = None) -> None:
        self.requests: list[tuple[str, str]] = []
        self.user_agents: set[str] = set()
        self.gauge = Gauge()
        self.shared_gauge = gauge
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            daemon=True,
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()  # wakes the slow pages
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def count(self, path: str, method: str | None = None) -> int:
        """How many requests for ``path`` (with ``method``, if given) arrived."""
        return sum(1 for m, p in self.requests if p == path and method in (None, m))

    def answer(self, method: str, path: str, user_agent: str) -> Answer | None:
        """The answer to one request, after its page's delay; None when the server stopped
        first. Counted in flight until then."""
        with self._lock:
            self.requests.append((method, path))
            self.user_agents.add(user_agent)
            seen = self._seen[path]
            self._seen[path] += 1
        with self.gauge, self.shared_gauge or Gauge():
            if path.startswith("/wait/"):
                answer = Answer(200, delay=WAIT_SECONDS)
            else:
                answer = PAGES.get(path, always(404))(method, seen)
            if answer.delay and self._stopping.wait(answer.delay):
                return None
        return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        links: LinkServer,
    ) -> None:
        super().__init__(address, handler)
        self.links = links


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: nothing outlives a test
    timeout = READ_TIMEOUT

    def do_HEAD(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        user_agent = self.headers.get("User-Agent", "")
        answer = self.server.links.answer(self.command, self.path, user_agent)
        if answer is None:
            return
        body = f"{answer.status}\n".encode()
        try:
            self.send_response(answer.status, status_phrase(answer.status))
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            if answer.location:
                self.send_header("Location", answer.location)
            if answer.retry_after is not None:
                self.send_header("Retry-After", answer.retry_after)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except ConnectionError:
            pass  # the checker gave up first (a timeout test)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: ``requests`` is the log a test looks at."""
