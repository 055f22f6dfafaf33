"""The link checker's results cache: which results are kept, for how long, and the file that
keeps them.

Results are cached by URL in a JSON file (``.papersite-cache/links.json`` in the site folder).
A working link's result is reused for ``cache_hours``; a dead one's (HTTP 4xx, a redirect loop)
for ``failure_cache_hours``, 0 by default, so a fixed link or a recovered server shows at once.
Timeouts, failed connections, 5xx and 429 are never cached: they are the failures most likely to
pass.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from papersite.cache import unusable_folder
from papersite.errors import Problem
from papersite.linkcheck.fetch import LinkResult, Outcome
from papersite.model import LinkSettings, StrictModel
from papersite.write import REFUSED_ADVICE

CACHE_FILE = Path(".papersite-cache") / "links.json"
"""The cache's place, relative to the site folder."""

REMOVE = "remove it (it is safe to delete)"


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


def is_fresh(result: LinkResult, settings: LinkSettings, now: float) -> bool:
    """Whether a cached result may still stand in for a request at ``now``."""
    age = now - result.checked
    return 0 <= age < _ttl_hours(result.outcome, settings) * 3600


def cacheable(results: dict[str, LinkResult], settings: LinkSettings) -> dict[str, LinkResult]:
    """The results worth keeping: those ``settings`` lets live longer than 0 hours."""
    return {url: r for url, r in results.items() if _ttl_hours(r.outcome, settings) > 0}


def read_cache(path: Path) -> tuple[dict[str, LinkResult], list[Problem]]:
    """The cached results, or none and a warning when the file cannot be used (never an error:
    the cache only saves time)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except OSError as error:
        reason = error.strerror or str(error)
        return {}, [
            _cache_warning(path, f"cannot read the link cache ({reason}); ignored: {REMOVE}")
        ]
    except UnicodeDecodeError as error:
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
        reason = error.strerror or str(error)
        return [
            _cache_warning(
                path,
                f"cannot write the link cache ({reason}), so the results are not kept: "
                f"{REFUSED_ADVICE}, or {REMOVE}",
            )
        ]
    return []


def blocked_cache(path: Path) -> Problem | None:
    """A warning when no result can be kept in the cache file ``path``, in the site's cache
    folder: that folder is not one (``cache.unusable_folder``); None when it can be."""
    reason = unusable_folder(path.parent, within=path.parent.parent)
    if reason is None:
        return None
    return _cache_warning(path, f"the link check's results are not kept: {reason}")


def _cache_warning(path: Path, message: str) -> Problem:
    return Problem(path.as_posix(), 0, 0, "", message)
