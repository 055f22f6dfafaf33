"""Where metadata comes from: the only code that opens network connections.

Each source is a module with a class that follows ``Source``: it fetches one batch of papers
and classifies every failure as worth retrying or not. The retry discipline (exponential back-off,
``Retry-After``, a final error naming the IDs) is here, once, for every source. A new source
(OpenAlex, Hugging Face papers) is a new module in this package and one line in ``SOURCES``.

Exceptions:

- ``TransientError``: a failure that may pass (HTTP 429 or 5xx, a timeout, a dropped connection,
  an empty or malformed response); retried with back-off.
- ``PermanentError``: a failure that will not pass by retrying (HTTP 400, 401, 403, 404).
- ``FetchError``: a batch failed for good (a ``PermanentError``, or a ``TransientError`` after the
  last retry); carries the IDs that could not be fetched.

One entry of an answer that cannot be read is not an exception: ``fetch`` gives ``Unreadable`` for
its ID, and the batch's other records, so that one bad entry costs one paper, not a batch.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from pydantic import BaseModel

from papersite.errors import PapersiteError
from papersite.load import forbidden_character

MAX_BACKOFF_SECONDS = 120.0
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
"""HTTP statuses that mean "not now": timeouts, rate limits and server trouble."""

T = TypeVar("T")


class TransientError(Exception):
    """A failure worth retrying; ``retry_after`` is the server's own wish, in seconds;
    ``retries``, how many times at most this kind of failure is worth retrying (else the
    source's ``retries``)."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, retries: int | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.retries = retries


class EmptyAnswer(TransientError):
    """An answer with no record for any ID asked for: a glitch of the server, worth one more
    try, or IDs it does not have (a mistyped one), which no number of tries will change."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retries=1)


class PermanentError(Exception):
    """A failure that retrying will not fix."""


@dataclass(frozen=True)
class Unreadable:
    """What a source gives for an ID it answered for with an entry that cannot be read."""

    reason: str
    """What is wrong with the entry: "its <title> is empty"."""


class FetchError(PapersiteError):
    """A batch could not be fetched; ``ids`` lists the IDs left without a record."""

    def __init__(self, source: str, ids: Sequence[str], reason: str) -> None:
        self.source = source
        self.ids = list(ids)
        self.reason = reason
        super().__init__(f"{source}: could not fetch {', '.join(self.ids)}: {reason}")


class Source(Protocol):
    """One metadata source, as ``papersite enrich`` drives it."""

    key: str
    """The source's key in the lockfile and the value of ``enrich --with``."""
    label: str
    """Its name for people, e.g. 'arXiv'."""
    batch_size: int
    """Most IDs one ``fetch`` is given."""
    retries: int
    backoff_seconds: float
    """The first retry's wait; each further retry waits twice as long."""

    def fetch(self, ids: Sequence[str]) -> Mapping[str, BaseModel | Unreadable]:
        """Records of the papers the source knows among ``ids`` (canonical arXiv IDs); an ID it
        does not know is left out, one whose entry cannot be read is ``Unreadable``. Raises
        ``TransientError`` or ``PermanentError``."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


def with_retries(
    source: Source,
    ids: Sequence[str],
    call: Callable[[], T],
    *,
    on_retry: Callable[[str, float], None] = lambda reason, wait: None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``call()``, retried on ``TransientError`` with exponential back-off; ``FetchError`` naming
    ``ids`` when it fails for good."""
    for attempt in range(source.retries + 1):
        try:
            return call()
        except PermanentError as error:
            raise FetchError(source.label, ids, str(error)) from error
        except TransientError as error:
            retries = (
                source.retries if error.retries is None else min(error.retries, source.retries)
            )
            if attempt >= retries:
                reason = f"{error} (gave up after {attempt + 1} tries)"
                raise FetchError(source.label, ids, reason) from error
            wait = min(source.backoff_seconds * 2**attempt, MAX_BACKOFF_SECONDS)
            wait = max(wait, min(error.retry_after or 0.0, MAX_BACKOFF_SECONDS))
            on_retry(str(error), wait)
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


class Spacer:
    """Keeps at least ``seconds`` between the ends and starts of consecutive requests."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._last: float | None = None

    def wait(self) -> None:
        if self._last is not None:
            remaining = self.seconds - (self.clock() - self._last)
            if remaining > 0:
                time.sleep(remaining)

    def done(self) -> None:
        self._last = self.clock()


def retry_after(headers: Mapping[str, str], now: dt.datetime | None = None) -> float | None:
    """A ``Retry-After`` header in seconds: it gives seconds or an HTTP date (RFC 9110 10.2.3).
    None when there is none or it cannot be read; 0 for a date gone by."""
    value = (headers.get("retry-after") or "").strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": a time in UTC
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def read_by(chunks: Iterable[bytes], deadline: float) -> bytes:
    """An answer's body from its ``chunks``, as they come; ``TimeoutError`` once it is still
    coming at ``deadline`` (``time.monotonic``). A client's timeout bounds each read, so a server
    sending a few bytes at a time would otherwise hold a run for hours."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if time.monotonic() > deadline:
            raise TimeoutError("the whole answer took longer than the timeout")
    return bytes(body)


def fetched_at(now: dt.datetime | None = None) -> dt.datetime:
    """The time to stamp on a record: ``now`` (tests fix it) or the current UTC second."""
    return (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)


def carriable(text: str) -> str:
    """A source's text as pages, feeds and the lockfile can carry it (``load.forbidden_character``).

    A C1 control in metadata is nearly always Windows-1252 punctuation read as Latin-1 (U+0092
    for ’, U+0096 for –), as ftfy's ``fix_c1_controls`` takes it: it becomes the character
    meant. Any other character pages may not carry (a C0 control, a non-character, a C1 code
    that Windows-1252 leaves undefined) is left out: stored, it would make a lockfile that
    its own reader refuses, and stop every build."""
    if forbidden_character(text) is None:  # nearly every text
        return text
    return "".join(map(_carriable_character, text))


def _carriable_character(char: str) -> str:
    if forbidden_character(char) is None:
        return char
    if "\x80" <= char <= "\x9f":
        return bytes([ord(char)]).decode("cp1252", errors="ignore")
    return ""
