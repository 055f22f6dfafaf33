"""Plumbing shared by the loopback fakes of remote APIs (arXiv, Semantic Scholar).

Tests talk to these fakes with the real client libraries over real sockets, so what is
checked is the code's handling of HTTP itself (status codes, slow or silent servers, garbled
bodies), not a mock's idea of it. Each fake is a ``FakeServer`` subclass that only says how
to answer a request; starting, stopping, recording and misbehaving on cue live here once.
"""

from __future__ import annotations

import threading
import time
import traceback
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Generic, Literal, Self, TypeVar
from urllib.parse import parse_qs, urlsplit

Kind = Literal[
    "ok", "status", "delay", "malformed", "empty", "hang", "cut", "broken", "foreign", "trickle"
]

PROXY_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
)
"""What a proxy in the way sends, with status 200: well-formed XML, and not the service's."""

# How often serve_forever looks for a shutdown request; the default (0.5 s) would add up to
# half a second to every test that uses a fake.
POLL_INTERVAL = 0.02
# How much of a trickled answer is sent at a time.
TRICKLE_BYTES = 16
# A connection that never sends its request must not keep server_close() waiting forever.
READ_TIMEOUT = 5.0


@dataclass(frozen=True)
class Behaviour:
    """How a fake answers one request; built with the class methods, not directly."""

    kind: Kind
    code: int = 200
    seconds: float = 0.0
    then: Behaviour | None = None
    retry_after: int | None = None

    @classmethod
    def ok(cls) -> Behaviour:
        """Answer as the real service would."""
        return cls("ok")

    @classmethod
    def status(cls, code: int, retry_after: int | None = None) -> Behaviour:
        """Answer with HTTP status ``code`` and a short body, and ``Retry-After`` when given."""
        return cls("status", code=code, retry_after=retry_after)

    @classmethod
    def delay(cls, seconds: float, then: Behaviour | None = None) -> Behaviour:
        """Wait ``seconds`` (for client timeouts), then behave as ``then`` (default: ok)."""
        return cls("delay", seconds=seconds, then=then)

    @classmethod
    def malformed(cls) -> Behaviour:
        """Answer 200 with a body that does not parse as the service's format at all."""
        return cls("malformed")

    @classmethod
    def empty(cls) -> Behaviour:
        """Answer 200 with a well-formed body that knows nothing."""
        return cls("empty")

    @classmethod
    def cut(cls) -> Behaviour:
        """Answer 200 with the first half of the real answer, as a whole reply: what a server
        that stopped writing sends, its length saying no more."""
        return cls("cut")

    @classmethod
    def broken(cls) -> Behaviour:
        """Promise the real answer's length, send its first half and close the connection."""
        return cls("broken")

    @classmethod
    def foreign(cls) -> Behaviour:
        """Answer 200 with a proxy's HTML error page instead of the service's format."""
        return cls("foreign")

    @classmethod
    def trickle(cls, seconds: float) -> Behaviour:
        """Send the real answer a few bytes at a time, ``seconds`` apart: each read of a client
        gets something within its timeout, and the whole answer takes minutes."""
        return cls("trickle", seconds=seconds)

    @classmethod
    def hang(cls) -> Behaviour:
        """Never answer; the connection is dropped when the fake stops (interruption tests)."""
        return cls("hang")


@dataclass(frozen=True)
class Incoming:
    """One request as it reached a fake; header names are lower-cased."""

    at: float
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    """What a fake sends back for one request."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None
    """The ``Content-Length`` sent, when it is not the body's (a connection broken off)."""
    pause: float = 0.0
    """Seconds between two pieces of the body (``TRICKLE_BYTES`` each); 0 sends it at once."""


Record = TypeVar("Record")


class FakeServer(ABC, Generic[Record]):
    """A ThreadingHTTPServer on 127.0.0.1 (any free port) in a daemon thread, as a context manager.

    Every request is recorded (``record``) and then answered by the next ``Behaviour`` in
    ``script`` (first in, first out), or by ``default`` once the script is used up.
    """

    def __init__(self) -> None:
        self.requests: list[Record] = []
        self.script: list[Behaviour] = []
        self.default: Behaviour = Behaviour.ok()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Binds a free loopback port and serves from a daemon thread."""
        if self._server is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Releases sleeping and hanging handlers, then closes every socket and joins threads."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()  # also joins the handler threads (block_on_close)
        thread.join()
        self._server = self._thread = None

    @property
    def port(self) -> int:
        """The port the fake listens on; only while it runs."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return int(self._server.server_address[1])

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``, to which each fake appends its API's base path."""
        return f"http://127.0.0.1:{self.port}"

    # What a subclass says

    @abstractmethod
    def record(self, incoming: Incoming) -> Record:
        """The entry appended to ``requests`` for a request, whatever the behaviour."""

    @abstractmethod
    def reply_ok(self, incoming: Incoming) -> Reply:
        """The real service's answer."""

    @abstractmethod
    def reply_empty(self, incoming: Incoming) -> Reply:
        """A well-formed answer that contains nothing."""

    @abstractmethod
    def reply_malformed(self) -> Reply:
        """A 200 answer whose body cannot be parsed."""

    @abstractmethod
    def reply_status(self, code: int) -> Reply:
        """The body the service sends along with an error status."""

    # Serving (called from handler threads)

    def _serve(self, handler: _Handler) -> None:
        incoming = _read(handler)
        with self._lock:
            self.requests.append(self.record(incoming))
            behaviour = self.script.pop(0) if self.script else self.default
        try:
            reply = self._reply(behaviour, incoming)
        except Exception:
            # A bug in the fake must show in the failing test, not as a silent dropped line.
            reply = Reply(500, "text/plain; charset=utf-8", traceback.format_exc().encode())
        if reply is not None:
            _write(handler, reply)

    def _reply(self, behaviour: Behaviour, incoming: Incoming) -> Reply | None:
        """The reply for ``behaviour``, or None when the fake stopped before answering."""
        while behaviour.kind == "delay":
            # Event.wait returns early when stop() is called, so sleeping never delays it.
            if self._stopping.wait(behaviour.seconds):
                return None
            behaviour = behaviour.then or Behaviour.ok()
        if behaviour.kind == "hang":
            self._stopping.wait()
            return None
        if behaviour.kind == "status":
            reply = self.reply_status(behaviour.code)
            if behaviour.retry_after is not None:
                reply.headers["Retry-After"] = str(behaviour.retry_after)
            return reply
        if behaviour.kind == "malformed":
            return self.reply_malformed()
        if behaviour.kind == "empty":
            return self.reply_empty(incoming)
        if behaviour.kind == "foreign":
            return Reply(200, "text/html", PROXY_PAGE)
        reply = self.reply_ok(incoming)
        if behaviour.kind == "trickle":
            return replace(reply, pause=behaviour.seconds)
        if behaviour.kind in ("cut", "broken"):
            half = reply.body[: len(reply.body) // 2]
            length = len(reply.body) if behaviour.kind == "broken" else None
            return Reply(reply.status, reply.content_type, half, reply.headers, length)
        return reply


def status_phrase(code: int) -> str:
    """``"Service Unavailable"`` for 503; a made-up code still gets a phrase."""
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return f"Status {code}"


class _Server(ThreadingHTTPServer):
    """Carries the fake to its handlers; handler threads are joined on server_close."""

    daemon_threads = True
    block_on_close = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        fake: FakeServer[Any],
    ) -> None:
        super().__init__(address, handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    """Hands every GET and POST to the fake; one request per connection (HTTP/1.0).

    Closing after each answer means no idle keep-alive connection outlives a test.
    """

    server: _Server
    protocol_version = "HTTP/1.0"
    timeout = READ_TIMEOUT

    def do_GET(self) -> None:
        self.server.fake._serve(self)

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: ``requests`` is the log a test looks at."""


def _read(handler: _Handler) -> Incoming:
    at = time.monotonic()
    url = urlsplit(handler.path)
    params = {name: values[-1] for name, values in parse_qs(url.query, True).items()}
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    headers = {name.lower(): value for name, value in handler.headers.items()}
    return Incoming(at, handler.command, url.path, params, headers, body)


def _write(handler: _Handler, reply: Reply) -> None:
    try:
        handler.send_response(reply.status, status_phrase(reply.status))
        handler.send_header("Content-Type", reply.content_type)
        length = len(reply.body) if reply.length is None else reply.length
        handler.send_header("Content-Length", str(length))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if not reply.pause:
            handler.wfile.write(reply.body)
        for start in range(0, len(reply.body) if reply.pause else 0, TRICKLE_BYTES):
            handler.wfile.write(reply.body[start : start + TRICKLE_BYTES])
            handler.wfile.flush()
            if handler.server.fake._stopping.wait(reply.pause):
                return
    except ConnectionError:
        pass  # the client gave up first (a timeout test); nobody is left to tell
