"""Live reload: the state every open page follows, the events that tell it, and the script that
listens to them.

The server adds one ``<script>`` to each HTML page it sends (never to the files it serves from),
carrying the version of the site the page came from and the last rebuild's errors. The script
(``live.js``) listens to Server-Sent Events at ``EVENTS_PATH``: ``reload`` with the version now
served (the page reloads if it differs, and drops the error overlay if not), and ``problems``
with the errors of a rebuild that failed, which it shows over the last good page.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files

RESERVED = "/__papersite/"
"""Paths the server answers itself, at the host's root, outside any site's base path."""
SCRIPT_PATH = RESERVED + "live.js"
EVENTS_PATH = RESERVED + "events"

LIVE_JS = files("papersite.serve").joinpath("live.js").read_bytes()


@dataclass(frozen=True)
class State:
    """What an open page should show."""

    version: str
    """Changes whenever the files served change; a page of another version reloads."""
    problems: tuple[str, ...] = ()
    """The last rebuild's errors as ``file:line:col: field: message``; empty if it succeeded."""


def event(state: State) -> bytes:
    """``state`` as one Server-Sent Event (JSON keeps every message on one ``data:`` line)."""
    if state.problems:
        return f"event: problems\ndata: {json.dumps(list(state.problems))}\n\n".encode()
    return f"event: reload\ndata: {state.version}\n\n".encode()


def inject(page: bytes, state: State) -> bytes:
    """``page`` with the live-reload script before ``</body>``; the errors travel in an escaped
    attribute, and the script shows them as text, so an error message cannot add markup."""
    script = (
        f'<script src="{SCRIPT_PATH}" data-events="{EVENTS_PATH}" '
        f'data-version="{html.escape(state.version)}" '
        f'data-problems="{html.escape(json.dumps(list(state.problems)))}"></script>\n'
    ).encode()
    head, body_end, tail = page.rpartition(b"</body>")
    return head + script + body_end + tail if body_end else page + script


class Broadcast:
    """The current ``State``, and a way for each open page's event stream to wait for the next."""

    def __init__(self, state: State) -> None:
        self._state = state
        self._changed = threading.Condition()
        self._closed = False
        self.listeners = 0
        """How many pages are listening now."""

    @property
    def state(self) -> State:
        with self._changed:
            return self._state

    @property
    def closed(self) -> bool:
        return self._closed

    def publish(self, state: State) -> None:
        with self._changed:
            if state != self._state:
                self._state = state
                self._changed.notify_all()

    def next(self, seen: State | None, timeout: float) -> State | None:
        """The state, as soon as it differs from ``seen``; None after ``timeout`` seconds without
        a change, or once the broadcast is closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._state != seen, timeout)
            return None if self._closed or self._state == seen else self._state

    @contextmanager
    def listening(self) -> Iterator[None]:
        with self._changed:
            self.listeners += 1
        try:
            yield
        finally:
            with self._changed:
                self.listeners -= 1

    def close(self) -> None:
        """Ends every event stream (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
