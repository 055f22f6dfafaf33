"""Checking URLs over HTTP: each URL fetched and followed to where it leads, concurrently within
the global and per-host limits, with retries; what it finds is a ``LinkResult``.

How a URL is checked (``LinkSettings``, ``links:`` in ``papersite.yaml``, sets the numbers):

- HEAD first. Many servers mishandle HEAD, so any HEAD failure switches the URL to GET: an error
  status (405, 501, 403, even 404) asks again with GET at once; a timeout, a failed connection,
  408, 429 or 5xx counts as a failed try and the retry uses GET.
- A failed try is retried ``retries`` times, waiting ``backoff_seconds`` and then twice as long
  each time, or as long as the server's ``Retry-After`` (up to ``max_retry_after_seconds``).
- Redirects are followed one hop at a time (each hop keeps to its own host's limit), at most
  ``max_redirects``. A link whose first hops are permanent (301, 308) gets a warning naming
  where they lead; temporary redirects (302, 303, 307) are how many sites work, and are fine.
- Errors: HTTP 4xx and 5xx (after the retries), timeouts and failed connections (after the
  retries), a 3xx without a ``Location`` header or with one that names no http(s) address (not
  a URL, ``http://[``, ``javascript:``; asked again with GET, as an error status is), redirect
  loops, too many redirects.
  HTTP 429 after every retry is reported apart (``LinkReport.limited``): the server turned the
  checker away, which says nothing about the link.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import time
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

import httpx

from papersite import __version__
from papersite.model import LinkSettings

USER_AGENT = f"papersite/{__version__} (link checker)"
PERMANENT_REDIRECTS = frozenset({301, 308})
MAX_BACKOFF_SECONDS = 60.0

Outcome = Literal["ok", "moved", "dead", "unreachable", "limited"]
"""ok: it answers. moved: a permanent redirect (warning). dead: HTTP 4xx, a 3xx without a
usable Location, a redirect loop, a bad address (error). unreachable: a timeout, a failed connection or 5xx after every retry (error).
limited: HTTP 429 after every retry (warning)."""


@dataclass(frozen=True)
class LinkResult:
    """What checking one URL found."""

    outcome: Outcome
    message: str = ""
    """What is wrong, for every outcome but ``ok``; the report puts the URL before it."""
    checked: float = 0.0
    """When it was checked (seconds since the epoch)."""


async def check_all(
    urls: Sequence[str],
    settings: LinkSettings,
    results: dict[str, LinkResult],
    now: Callable[[], float],
) -> None:
    """Check ``urls`` concurrently, putting each result into ``results`` as soon as it is known.

    asyncio rather than a thread pool: the work is waiting (on servers, on back-off), and a
    waiting coroutine costs nothing, while a thread sleeping through a back-off holds a worker;
    the per-host limits are plain semaphores on one event loop.
    """
    limits = httpx.Limits(
        max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
    )
    transport = httpx.AsyncHTTPTransport(limits=limits)
    async with httpx.AsyncClient(
        headers={"user-agent": USER_AGENT},
        timeout=settings.timeout_seconds,
        transport=transport,
        follow_redirects=False,
    ) as client:
        checker = _Checker(client, transport, settings)

        async def check(url: str) -> None:
            outcome, message = await checker.check(url)
            results[url] = LinkResult(outcome, message, now())

        await asyncio.gather(*(check(url) for url in urls))


@dataclass(frozen=True)
class _Hop:
    """A server's answer to one request."""

    status: int
    location: str | None = None
    """Where a redirect leads, absolute, without fragment."""
    retry_after: float | None = None
    refused: str = ""
    """Why a redirect's ``Location`` leads nowhere the checker can go, when it does not."""

    def answer(self) -> str:
        """The answer, as a report says it: ``HTTP 404``, ``HTTP 302 without a Location header``."""
        if self.status >= 400:
            return f"HTTP {self.status}"
        return f"HTTP {self.status} {self.refused or 'without a Location header'}"


@dataclass(frozen=True)
class _Trouble:
    """A try that failed in a way worth retrying."""

    reason: str
    """What went wrong, e.g. 'HTTP 503' or 'no answer within 10 s'."""
    status: int | None = None
    retry_after: float | None = None

    def give_up(self, tries: int) -> tuple[Outcome, str]:
        counted = f"{tries} tries" if tries > 1 else "1 try"
        if self.status == 429:
            return "limited", (
                f"the server turned the checker away (HTTP 429, {counted}); check the link by hand"
            )
        prefix = "dead link: " if self.status else ""
        return "unreachable", f"{prefix}{self.reason} ({counted})"


@dataclass
class _Checker:
    """Checks URLs through one client, within the global and per-host limits."""

    client: httpx.AsyncClient
    """Builds each request (headers, timeouts)."""
    transport: httpx.AsyncHTTPTransport
    """Sends it: the client would also make the redirect's next request, and raises (or, for
    ``javascript:``, crashes) on a ``Location`` it cannot read, which a link check reports."""
    settings: LinkSettings
    _everywhere: asyncio.Semaphore = field(init=False)
    _hosts: dict[tuple[str, int | None], asyncio.Semaphore] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._everywhere = asyncio.Semaphore(self.settings.concurrency)

    async def check(self, url: str) -> tuple[Outcome, str]:
        """Follow ``url``'s redirects one hop at a time, then judge where they led."""
        try:
            httpx.URL(url)
        except httpx.InvalidURL as error:
            return "dead", f"not a valid URL ({error})"
        chain: list[str] = [url]
        statuses: list[int] = []
        while True:
            hop = await self._fetch(chain[-1])
            if isinstance(hop, _Trouble):
                return hop.give_up(self.settings.retries + 1)
            if hop.location is None:
                return _verdict(chain, statuses, hop)
            if hop.location in chain:
                loop = [*chain[chain.index(hop.location) :], hop.location]
                return "dead", f"redirect loop: {' → '.join(loop)}"
            if len(statuses) == self.settings.max_redirects:
                return "dead", f"too many redirects (more than {self.settings.max_redirects})"
            chain.append(hop.location)
            statuses.append(hop.status)

    async def _fetch(self, url: str) -> _Hop | _Trouble:
        """One URL's answer, with the HEAD-then-GET rule and the retries (module docstring)."""
        method, failures = "HEAD", 0
        while True:
            answer = await self._send(method, url)
            if isinstance(answer, _Hop) and not _worth_retrying(answer.status):
                if method == "HEAD" and _broken(answer):
                    method = "GET"
                    continue
                return answer
            trouble = answer if isinstance(answer, _Trouble) else _status_trouble(answer)
            failures += 1
            method = "GET"
            if failures > self.settings.retries:
                return trouble
            await asyncio.sleep(self._wait(failures, trouble.retry_after))

    async def _send(self, method: str, url: str) -> _Hop | _Trouble:
        # The host's slot first: a request waiting for a busy host holds no global slot.
        async with AsyncExitStack() as slots:
            await slots.enter_async_context(self._host(url))
            await slots.enter_async_context(self._everywhere)
            try:
                # httpx's timeout is per phase (connect, each read); this bounds the whole try.
                async with asyncio.timeout(self.settings.timeout_seconds):
                    request = self.client.build_request(method, url)
                    response = await self.transport.handle_async_request(request)
                    await response.aclose()  # the status is enough; never download a PDF
            except (httpx.TimeoutException, TimeoutError):
                return _Trouble(f"no answer within {self.settings.timeout_seconds:g} s")
            except httpx.TransportError as error:
                return _Trouble(f"cannot connect: {_reason(error)}")
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        written = response.headers.get("location")
        if not 300 <= response.status_code < 400 or written is None:
            return _Hop(response.status_code, retry_after=retry_after)
        location, refused = _redirect_target(request.url, written)
        return _Hop(response.status_code, location, retry_after, refused)

    def _host(self, url: str) -> asyncio.Semaphore:
        parts = urlsplit(url)
        key = (parts.hostname or "", parts.port)
        if key not in self._hosts:
            self._hosts[key] = asyncio.Semaphore(self.settings.per_host)
        return self._hosts[key]

    def _wait(self, failures: int, retry_after: float | None) -> float:
        backoff = min(self.settings.backoff_seconds * 2 ** (failures - 1), MAX_BACKOFF_SECONDS)
        asked = min(retry_after or 0.0, self.settings.max_retry_after_seconds)
        return float(max(backoff, asked))


def _redirect_target(url: httpx.URL, written: str) -> tuple[str | None, str]:
    """Where a redirect from ``url`` whose ``Location`` header says ``written`` leads (absolute,
    without fragment), or None and why it leads nowhere a link can go."""
    shown = repr(written.strip())
    try:
        urlsplit(written)  # httpx reads "http://[" as a host named "%5b"
        target = url.join(written.strip())
    except (ValueError, httpx.InvalidURL) as error:
        return None, f"with a Location header that is not a valid URL: {shown} ({error})"
    if target.scheme not in ("http", "https"):
        return None, f"with a Location header that is not an http(s) address: {shown}"
    if not target.host or "%" in target.host:
        return None, f"with a Location header that names no valid host: {shown}"
    return without_fragment(str(target)), ""


def _verdict(chain: list[str], statuses: list[int], hop: _Hop) -> tuple[Outcome, str]:
    """Judge a followed chain: ``chain[i]`` answered ``statuses[i]``, the last ``hop``."""
    if hop.status >= 300:  # a 3xx here led nowhere: no Location, or none a link can follow
        answer = hop.answer()
        if len(chain) == 1:
            return "dead", f"dead link: {answer}"
        return "dead", f"dead link: redirects to {chain[-1]}, which answers {answer}"
    permanent = 0
    while permanent < len(statuses) and statuses[permanent] in PERMANENT_REDIRECTS:
        permanent += 1
    if permanent:
        # Where the permanent hops lead, not the end of the chain: a temporary hop after them
        # may change tomorrow, the permanent ones say what the link should be.
        return "moved", f"redirects to {chain[permanent]}; update the link"
    return "ok", ""


def _broken(hop: _Hop) -> bool:
    """An error status, or a redirect that names no place to go (or none it can)."""
    return hop.status >= 300 and hop.location is None


def _worth_retrying(status: int) -> bool:
    # 501 Not Implemented will not pass by waiting; the other 5xx, 408 and 429 may.
    return status in (408, 429) or (status >= 500 and status != 501)


def _status_trouble(hop: _Hop) -> _Trouble:
    return _Trouble(f"HTTP {hop.status}", hop.status, hop.retry_after)


def _reason(error: httpx.TransportError) -> str:
    return str(error) or type(error).__name__


def without_fragment(url: str) -> str:
    """``url`` without its ``#fragment``."""
    # The fragment never reaches the server: page#a and page#b are one request.
    return url.split("#", 1)[0]


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` in seconds: a number of seconds, or an HTTP date."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - time.time())
