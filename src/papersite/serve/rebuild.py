"""Rebuilding for ``papersite serve``: ``papersite build``'s own incremental build into the served
folder, and the open pages told.

The build is ``build.build`` itself, with the local origin and what the last rebuild kept in
memory (``resident.py``): pages whose inputs did not change are
not rendered again, files whose bytes did not change are not written, Pagefind runs only when an
HTML page changed, and the new folder is swapped in whole, so the server sends the old site or the
new one, never a mix. A rebuild that fails leaves the last good site in place and publishes its
errors instead.
"""

from __future__ import annotations

import secrets
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from papersite.build import BuildReport, build, survey_ahead
from papersite.errors import ContentError, PapersiteError, StrictModeError
from papersite.load import peek_config
from papersite.model import normalise_base_url
from papersite.resident import Resident
from papersite.search import BUNDLE, SearchCancelled
from papersite.serve.live import Broadcast, State
from papersite.write import refused_advice, refused_write


@dataclass
class Rebuild:
    """What one rebuild did."""

    seconds: float
    report: BuildReport | None = None
    """None when the rebuild failed."""
    problems: tuple[str, ...] = ()
    """Why it failed, one located message a line."""
    cleared: bool = False
    """Whether it succeeded after a failure."""
    cancelled: bool = False
    """Whether it stopped making the search index because a file changed meanwhile."""

    @property
    def ok(self) -> bool:
        return self.report is not None

    @property
    def changed(self) -> bool:
        """Whether a served file changed."""
        return self.report is not None and bool(self.report.written or self.report.removed)

    @property
    def reloads(self) -> bool:
        """Whether a served file changed that open pages show: any but the search index's, which
        a search page loads only as it starts (and an index made later must not reload the page
        being read)."""
        report = self.report
        return report is not None and any(
            not path.startswith(BUNDLE + "/") for path in [*report.written, *report.removed]
        )

    @property
    def indexed(self) -> bool:
        """Whether Pagefind ran (an HTML page changed)."""
        return self.report is not None and any(
            path.startswith(BUNDLE + "/") for path in self.report.written
        )

    def summary(self) -> str:
        if self.cancelled:
            return "stopped for the edit saved meanwhile"
        if self.report is None:
            count = len(self.problems)
            return (
                f"error: {count} problem{'s' if count != 1 else ''}; still serving the last good "
                "site: fix the file and save"
            )
        written, removed = len(self.report.written), len(self.report.removed)
        done = (
            f"{written} file{'s' if written != 1 else ''} written, {removed} removed"
            if self.changed
            else "no file changed"
        )
        if self.indexed:
            done += ", search index updated"
        elif self.report.search_pending:
            done += "; the search index follows once edits pause"
        if self.cleared:
            done += "; errors cleared"
        return f"rebuilt in {self.seconds:.2f} s: {done}"


def _base_path(base_url: str) -> str:
    """The decoded path of a base URL, ending in ``/``: where the site is served."""
    return unquote(urlsplit(base_url).path) or "/"


def _configured_base_path(source: Path) -> str:
    """The path of ``base_url`` in ``papersite.yaml``, for the address ``serve`` prints before
    a first build succeeds (a digest may be broken); "/" when it cannot be read, which the
    build reports."""
    base_url = peek_config(source).get("base_url")
    try:
        return _base_path(normalise_base_url(base_url)) if isinstance(base_url, str) else "/"
    except ValueError:  # not an http(s) URL
        return "/"


class LiveSite:
    """The site as ``papersite serve`` serves it: its output folder, the base path it is served
    under, and the ``State`` the open pages follow."""

    def __init__(
        self,
        source: Path,
        out: Path,
        *,
        search: bool = True,
        waiting: Callable[[Path], None] | None = None,
    ) -> None:
        self.source = source
        self.out = out
        self.waiting = waiting
        """Called when a rebuild waits for another build of ``out`` (``build``'s ``waiting``)."""
        self.origin = ""
        """Scheme, host and port the site is rendered for (``http://127.0.0.1:8000``): set once
        the server is bound, before the first rebuild."""
        self.search = search
        self.base_path = _configured_base_path(source)
        """The decoded path of the site's base URL, ending in ``/``: as the last successful
        build made it, or as ``papersite.yaml`` gives it before one has."""
        # A fresh prefix each run, so that a page open from an earlier run reloads.
        self._run = secrets.token_hex(4)
        self._builds = 0
        self.search_pending = False
        """Whether the last build left the search index for later (``Server.run`` makes it);
        False after a failed build, which a change must fix first."""
        self._resident = Resident()
        """What one rebuild keeps for the next (``resident.py``): an edit is viewed again alone."""
        self.broadcast = Broadcast(State(self._version()))

    def _version(self) -> str:
        return f"{self._run}-{self._builds}"

    def rebuild(
        self, *, search_now: bool = False, cancelled: Callable[[], bool] | None = None
    ) -> Rebuild:
        """Run the build; on success tell the pages, else publish the problems and keep what is
        served. On a large site the search index is left for later (``build``'s
        ``defer_search``), unless ``search_now``, and then ``cancelled`` may stop it."""
        started = time.perf_counter()
        state = self.broadcast.state
        try:
            report = build(
                self.source,
                self.out,
                origin=self.origin,
                search=self.search,
                defer_search=not search_now,
                cancelled=cancelled,
                resident=self._resident,
                waiting=self.waiting,
            )
        except SearchCancelled:  # nothing changed: the edit is built next
            return Rebuild(time.perf_counter() - started, cancelled=True)
        # A long-running server reports every failure and keeps serving: the content's errors,
        # a template's, Pagefind's, the disk's, and any other as an internal error.
        except Exception as error:
            problems = problem_lines(error, self.source)
            self.broadcast.publish(State(state.version, problems))
            # Not tried again until a file changes: the same build would fail the same way.
            self.search_pending = False
            return Rebuild(time.perf_counter() - started, problems=problems)
        self.base_path = _base_path(report.base_url)
        rebuild = Rebuild(time.perf_counter() - started, report, cleared=bool(state.problems))
        self.search_pending = report.search_pending
        if rebuild.reloads:
            self._builds += 1
        self.broadcast.publish(State(self._version()))
        return rebuild

    def survey_ahead(self) -> bool:
        """Ask now how the last build's output is, for the next rebuild to take rather than
        ask (``build.survey_ahead``): what the watching loop does while no file changes.
        False if there was nothing to ask."""
        return survey_ahead(self.out, self._resident)


def problem_lines(error: Exception, source: Path) -> tuple[str, ...]:
    """``error`` as lines for the terminal and the overlay, located where possible (a template's
    error is a ``ContentError`` at its line, see ``render.template_problem``)."""
    if isinstance(error, ContentError | StrictModeError):
        return tuple(str(problem) for problem in error.problems)
    if isinstance(error, OSError):  # a full disk, a folder that became read-only
        advice = refused_advice(error)
        return (f"error: {refused_write(error)}; {advice}, and save a file to build again",)
    if isinstance(error, PapersiteError):
        return (f"error: {error}",)
    # A bug in papersite: the overlay says so, the terminal gets the traceback.
    traceback.print_exception(error)
    return (f"internal error: {type(error).__name__}: {error}",)
