"""Checking a site's external links: every http(s) URL in the digests, fetched over the network.

``collect_links`` finds the URLs and where each stands (file, line, column, field);
``check_links`` fetches each distinct URL once and reports on every reference to it.

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
  retries), redirect loops, too many redirects, a redirect to something other than http(s).
  HTTP 429 after every retry is reported apart (``LinkReport.limited``): the server turned the
  checker away, which says nothing about the link.

Results are cached by URL in a JSON file (``.papersite-cache/links.json`` in the site folder).
A working link's result is reused for ``cache_hours``; a dead one's (HTTP 4xx, a redirect loop)
for ``failure_cache_hours``, 0 by default, so a fixed link or a recovered server shows at once.
Timeouts, failed connections, 5xx and 429 are never cached: they are the failures most likely to
pass.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import httpx
from markdown_it.token import Token
from pydantic import ValidationError

from papersite import __version__
from papersite.errors import Problem
from papersite.load import Location, format_location, nearest_position
from papersite.markup import MarkdownRenderer
from papersite.model import EVERY_LANGUAGE, LinkSettings, Site, SourcedDigest, StrictModel

CACHE_FILE = Path(".papersite-cache") / "links.json"
"""The cache's place, relative to the site folder."""
USER_AGENT = f"papersite/{__version__} (link checker)"
PERMANENT_REDIRECTS = frozenset({301, 308})
MAX_BACKOFF_SECONDS = 60.0

Outcome = Literal["ok", "moved", "dead", "unreachable", "limited"]
"""ok: it answers. moved: a permanent redirect (warning). dead: HTTP 4xx, a redirect loop, a bad
address (error). unreachable: a timeout, a failed connection or 5xx after every retry (error).
limited: HTTP 429 after every retry (warning)."""


# --- where the links are ------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRef:
    """One external URL in the content, and where it is written."""

    url: str
    """As written (after Markdown's own normalisation, for links inside texts)."""
    path: str
    """The digest file, relative to the site root."""
    line: int
    column: int
    """1-based position of the field the URL is in (for a text, the text's own position)."""
    field: str
    """Dotted field path, e.g. ``papers[0].links[1].url`` or ``papers[2].summary.en``."""


def collect_links(site: Site) -> list[LinkRef]:
    """Every http(s) URL of the site's digests, in file order; a URL written twice in one field
    is listed once."""
    refs: list[LinkRef] = []
    for sourced in site.digests:
        refs += sorted(_digest_links(sourced), key=lambda ref: (ref.line, ref.column))
    return list(dict.fromkeys(refs))


def _digest_links(sourced: SourcedDigest) -> Iterator[LinkRef]:
    digest = sourced.digest
    if digest.source:
        yield _ref(sourced, digest.source, ("source",))
    if digest.conference and digest.conference.url:
        yield _ref(sourced, digest.conference.url, ("conference", "url"))
    yield from _text_links(sourced, digest.title, ("title",))
    yield from _text_links(sourced, digest.overview, ("overview",))
    for i, paper in enumerate(digest.papers):
        at: Location = ("papers", i)
        yield from _text_links(sourced, paper.title, (*at, "title"))
        yield from _text_links(sourced, paper.summary, (*at, "summary"))
        yield from _text_links(sourced, paper.abstract, (*at, "abstract"))
        for j, section in enumerate(paper.sections):
            yield from _text_links(sourced, section.title, (*at, "sections", j, "title"))
            yield from _text_links(sourced, section.body, (*at, "sections", j, "body"))
        for k, link in enumerate(paper.links):
            yield _ref(sourced, link.url, (*at, "links", k, "url"))


def _text_links(
    sourced: SourcedDigest, text: dict[str, str] | None, location: Location
) -> Iterator[LinkRef]:
    for language, markdown in (text or {}).items():
        where = location if language == EVERY_LANGUAGE else (*location, language)
        for url in urls_in_markdown(markdown):
            yield _ref(sourced, url, where)


def _ref(sourced: SourcedDigest, url: str, location: Location) -> LinkRef:
    line, column = nearest_position(sourced.positions, location)
    return LinkRef(url, sourced.path, line, column, format_location(location))


# The renderer's own parser, so that a link here is what the page links: a URL in code or math is
# not one. markup.py keeps it private; a public accessor there would be better.
_MARKDOWN = MarkdownRenderer()._md
# A bare URL in text, as GitHub's autolinks find them: up to a space or '<', without trailing
# punctuation or an unbalanced closing bracket ("(see https://example.org/a)").
_BARE_URL = re.compile(r"https?://[^\s<>\"`]+", re.IGNORECASE)
_TRAILING = "?!.,:;*_~'\""
_BRACKETS = {")": "(", "]": "[", "}": "{"}


def urls_in_markdown(markdown: str) -> list[str]:
    """The http(s) URLs a Markdown text links to or shows: links, images, autolinks, and bare
    URLs in its text, but not URLs in code or math."""
    urls: list[str] = []
    for token in _MARKDOWN.parse(markdown):
        if token.type == "inline" and token.children:
            urls += _inline_urls(token.children)
    return [url for url in urls if _is_web_url(url)]


def _inline_urls(children: Sequence[Token]) -> Iterator[str]:
    inside_link = 0  # a link's own text is not searched again: it is often the URL itself
    for child in children:
        if child.type == "link_open":
            inside_link += 1
            yield str(child.attrGet("href") or "")
        elif child.type == "link_close":
            inside_link -= 1
        elif child.type == "image":
            yield str(child.attrGet("src") or "")
        elif child.type == "text" and not inside_link:
            yield from (_trim(match[0]) for match in _BARE_URL.finditer(child.content))


def _trim(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING or (
            last in _BRACKETS and url.count(last) > url.count(_BRACKETS[last])
        ):
            url = url[:-1]
        else:
            break
    return url


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


# --- checking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkResult:
    """What checking one URL found."""

    outcome: Outcome
    message: str = ""
    """What is wrong, for every outcome but ``ok``; the report puts the URL before it."""
    checked: float = 0.0
    """When it was checked (seconds since the epoch)."""


@dataclass
class LinkReport:
    """``check_links``' findings: one problem per reference to a failing URL."""

    errors: list[Problem]
    """Dead links: HTTP 4xx and 5xx, timeouts, failed connections, redirect loops."""
    warnings: list[Problem]
    """Permanent redirects: the message names where the link should point."""
    checked: int
    """Distinct URLs fetched over the network."""
    cached: int
    """Distinct URLs whose result came from the cache, without a request."""
    skipped: int = 0
    """Distinct URLs left out by ``links.skip``."""
    limited: list[Problem] = field(default_factory=list)
    """Links whose server answered HTTP 429 to every try: unknown, worth a look by hand."""
    cache_warnings: list[Problem] = field(default_factory=list)
    """A cache file that could not be read (and was ignored) or written."""


def check_links(
    refs: Sequence[LinkRef],
    settings: LinkSettings,
    *,
    cache_file: Path | None,
    now: Callable[[], float] = time.time,
) -> LinkReport:
    """Fetch every distinct URL of ``refs`` once (or take its result from ``cache_file``, when
    fresh) and report on each reference. ``cache_file`` None neither reads nor writes a cache;
    ``now`` is the clock of the cache's times."""
    by_url, skipped = _by_url(refs, settings.skip)
    cache_warnings: list[Problem] = []
    stored: dict[str, LinkResult] = {}
    if cache_file is not None:
        stored, cache_warnings = read_cache(cache_file)
    started = now()
    fresh = {url: r for url, r in stored.items() if _fresh(r, settings, started)}
    results = {url: fresh[url] for url in by_url if url in fresh}
    fetched: dict[str, LinkResult] = {}
    try:
        missing = [url for url in by_url if url not in results]
        if missing:
            asyncio.run(_check_all(missing, settings, fetched, now))
    finally:
        # Also after an interruption: what was checked is kept for the next run.
        if cache_file is not None and (fetched or fresh.keys() != stored.keys()):
            cache_warnings += write_cache(cache_file, {**fresh, **_cacheable(fetched, settings)})
    results.update(fetched)
    report = LinkReport([], [], len(fetched), len(by_url) - len(fetched), len(skipped))
    report.cache_warnings = cache_warnings
    for url, url_refs in by_url.items():
        _report(results[url], url_refs, report)
    return report


def _by_url(
    refs: Sequence[LinkRef], skip: Sequence[str]
) -> tuple[dict[str, list[LinkRef]], set[str]]:
    """The references to each URL to check, and the URLs ``skip`` leaves out."""
    by_url: dict[str, list[LinkRef]] = {}
    skipped: set[str] = set()
    for ref in refs:
        url = _without_fragment(ref.url)
        if any(url.startswith(prefix) for prefix in skip):
            skipped.add(url)
        else:
            by_url.setdefault(url, []).append(ref)
    return by_url, skipped


def _report(result: LinkResult, refs: list[LinkRef], report: LinkReport) -> None:
    for ref in refs:
        problem = Problem(ref.path, ref.line, ref.column, ref.field, f"{ref.url}: {result.message}")
        if result.outcome in ("dead", "unreachable"):
            report.errors.append(problem)
        elif result.outcome == "moved":
            report.warnings.append(problem)
        elif result.outcome == "limited":
            report.limited.append(problem)


def _without_fragment(url: str) -> str:
    # The fragment never reaches the server: page#a and page#b are one request.
    return url.split("#", 1)[0]


async def _check_all(
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
    async with httpx.AsyncClient(
        headers={"user-agent": USER_AGENT},
        timeout=settings.timeout_seconds,
        limits=limits,
        follow_redirects=False,
    ) as client:
        checker = _Checker(client, settings)

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
                return _verdict(chain, statuses, hop.status)
            if urlsplit(hop.location).scheme.lower() not in ("http", "https"):
                return "dead", f"redirects to {hop.location}, which is not an http(s) address"
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
                if method == "HEAD" and answer.status >= 400:
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
                    response = await self.client.send(request, stream=True)
                    await response.aclose()  # the status is enough; never download a PDF
            except (httpx.TimeoutException, TimeoutError):
                return _Trouble(f"no answer within {self.settings.timeout_seconds:g} s")
            except httpx.TransportError as error:
                return _Trouble(f"cannot connect: {_reason(error)}")
        following = response.next_request
        location = _without_fragment(str(following.url)) if following else None
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        return _Hop(response.status_code, location, retry_after)

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


def _verdict(chain: list[str], statuses: list[int], final: int) -> tuple[Outcome, str]:
    """Judge a followed chain: ``chain[i]`` answered ``statuses[i]``, the last ``final``."""
    if final >= 400:
        if len(chain) == 1:
            return "dead", f"dead link: HTTP {final}"
        return "dead", f"dead link: redirects to {chain[-1]}, which answers HTTP {final}"
    permanent = 0
    while permanent < len(statuses) and statuses[permanent] in PERMANENT_REDIRECTS:
        permanent += 1
    if permanent:
        # Where the permanent hops lead, not the end of the chain: a temporary hop after them
        # may change tomorrow, the permanent ones say what the link should be.
        return "moved", f"redirects to {chain[permanent]}; update the link"
    return "ok", ""


def _worth_retrying(status: int) -> bool:
    # 501 Not Implemented will not pass by waiting; the other 5xx, 408 and 429 may.
    return status in (408, 429) or (status >= 500 and status != 501)


def _status_trouble(hop: _Hop) -> _Trouble:
    return _Trouble(f"HTTP {hop.status}", hop.status, hop.retry_after)


def _reason(error: httpx.TransportError) -> str:
    return str(error) or type(error).__name__


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


# --- the cache ----------------------------------------------------------------------------------


class _CachedLink(StrictModel):
    checked: dt.datetime
    outcome: Literal["ok", "moved", "dead"]
    message: str = ""


class _CacheFile(StrictModel):
    format: Literal[1]
    links: dict[str, _CachedLink]


def _ttl_hours(outcome: Outcome, settings: LinkSettings) -> float:
    if outcome in ("ok", "moved"):
        return settings.cache_hours
    if outcome == "dead":
        return settings.failure_cache_hours
    return 0.0  # unreachable, limited: the failures most likely to pass


def _fresh(result: LinkResult, settings: LinkSettings, now: float) -> bool:
    age = now - result.checked
    return 0 <= age < _ttl_hours(result.outcome, settings) * 3600


def _cacheable(results: dict[str, LinkResult], settings: LinkSettings) -> dict[str, LinkResult]:
    return {url: r for url, r in results.items() if _ttl_hours(r.outcome, settings) > 0}


def read_cache(path: Path) -> tuple[dict[str, LinkResult], list[Problem]]:
    """The cached results, or none and a warning when the file cannot be used (never an error:
    the cache only saves time)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as error:
        return {}, [_cache_warning(path, f"cannot read the link cache ({error}); ignored")]
    try:
        cache = _CacheFile.model_validate(json.loads(text))
    except (ValueError, ValidationError) as error:  # JSONDecodeError is a ValueError
        reason = str(error).splitlines()[0]
        return {}, [_cache_warning(path, f"the link cache is damaged ({reason}); ignored")]
    results = {
        url: LinkResult(entry.outcome, entry.message, entry.checked.timestamp())
        for url, entry in cache.links.items()
    }
    return results, []


def write_cache(path: Path, results: dict[str, LinkResult]) -> list[Problem]:
    """Replace the cache atomically (a reader sees the old file or the new, never a mix); a
    warning, not an error, when that fails."""
    links = {
        url: {
            "checked": dt.datetime.fromtimestamp(result.checked, dt.UTC).isoformat(),
            "outcome": result.outcome,
            "message": result.message,
        }
        for url, result in sorted(results.items())
    }
    text = json.dumps({"format": 1, "links": links}, ensure_ascii=False, indent=1) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        return [_cache_warning(path, f"cannot write the link cache ({error})")]
    return []


def _cache_warning(path: Path, message: str) -> Problem:
    return Problem(path.as_posix(), 0, 0, "", message)
