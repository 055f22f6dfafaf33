"""Checking a site's external links: every http(s) URL in the digests, fetched over the network.

``collect_links`` finds the URLs and where each stands (file, line, column, field);
``check_links`` fetches each distinct URL once and reports on every reference to it.

- ``collect.py``: the URLs of a site's digests and their positions, Markdown texts included
- ``fetch.py``: checking URLs over HTTP: HEAD then GET, retries and ``Retry-After``, redirects
  one hop at a time, the concurrency limits (its docstring has the rules)
- ``cache.py``: the results cache (``.papersite-cache/links.json``): what is kept, how long
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from papersite.errors import Problem
from papersite.linkcheck.cache import (
    CACHE_FILE,
    blocked_cache,
    cacheable,
    is_fresh,
    read_cache,
    write_cache,
)
from papersite.linkcheck.collect import LinkRef, collect_links, urls_in_markdown
from papersite.linkcheck.fetch import (
    MAX_BACKOFF_SECONDS,
    PERMANENT_REDIRECTS,
    USER_AGENT,
    LinkResult,
    Outcome,
    check_all,
    retry_after_seconds,
    without_fragment,
)
from papersite.model import LinkSettings


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
    reuse_hours: float | None = None,
) -> LinkReport:
    """Fetch every distinct URL of ``refs`` once (or take its result from ``cache_file``, when
    fresh) and report on each reference. ``cache_file`` None neither reads nor writes a cache;
    ``now`` is the clock of the cache's times; ``reuse_hours``, how long a working link's
    cached result may stand in for a request this time, instead of ``settings.cache_hours``
    (``--link-cache-hours``; a dead link's result for no longer than that either), which
    still decides what is kept for the next runs."""
    reuse = settings if reuse_hours is None else _reusing(settings, reuse_hours)
    by_url, skipped = _by_url(refs, settings.skip)
    cache_warnings: list[Problem] = []
    stored: dict[str, LinkResult] = {}
    if cache_file is not None and (blocked := blocked_cache(cache_file)):
        cache_warnings, cache_file = [blocked], None
    if cache_file is not None:
        stored, cache_warnings = read_cache(cache_file)
    started = now()
    fresh = {url: r for url, r in stored.items() if is_fresh(r, reuse, started)}
    # What is not reused this time may still be for the next runs (a URL this run does not
    # check, with PATHs; a result older than --link-cache-hours but within cache_hours).
    kept = {url: r for url, r in stored.items() if url in fresh or is_fresh(r, settings, started)}
    results = {url: fresh[url] for url in by_url if url in fresh}
    fetched: dict[str, LinkResult] = {}
    try:
        missing = [url for url in by_url if url not in results]
        if missing:
            asyncio.run(check_all(missing, settings, fetched, now))
    finally:
        # Also after an interruption: what was checked is kept for the next run.
        if cache_file is not None and (fetched or kept.keys() != stored.keys()):
            # A URL fetched again is known by its new result only, even one not worth keeping.
            older = {url: r for url, r in kept.items() if url not in fetched}
            cache_warnings += write_cache(cache_file, {**older, **cacheable(fetched, settings)})
    results.update(fetched)
    report = LinkReport([], [], len(fetched), len(by_url) - len(fetched), len(skipped))
    report.cache_warnings = cache_warnings
    for url, url_refs in by_url.items():
        _report(results[url], url_refs, report)
    return report


def _reusing(settings: LinkSettings, hours: float) -> LinkSettings:
    """``settings`` reusing results for at most ``hours``: working links' for that long, dead
    links' for no longer than either says (``--link-cache-hours 0`` fetches every URL)."""
    failure_hours = min(settings.failure_cache_hours, hours)
    return settings.model_copy(update={"cache_hours": hours, "failure_cache_hours": failure_hours})


def _by_url(
    refs: Sequence[LinkRef], skip: Sequence[str]
) -> tuple[dict[str, list[LinkRef]], set[str]]:
    """The references to each URL to check, and the URLs ``skip`` leaves out."""
    by_url: dict[str, list[LinkRef]] = {}
    skipped: set[str] = set()
    for ref in refs:
        url = without_fragment(ref.url)
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


__all__ = [
    "CACHE_FILE",
    "MAX_BACKOFF_SECONDS",
    "PERMANENT_REDIRECTS",
    "USER_AGENT",
    "LinkRef",
    "LinkReport",
    "LinkResult",
    "Outcome",
    "check_links",
    "collect_links",
    "read_cache",
    "retry_after_seconds",
    "urls_in_markdown",
    "write_cache",
]
