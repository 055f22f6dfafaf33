"""Rebuilding for ``papersite serve``: the build's pipeline in memory, then only the files that
changed written to the served folder, and the open pages told.

The stages are the build's own (``build.render_pages``, ``build.index_pages``); what differs is
the writing (``write.sync_site``, file by file) and that Pagefind runs only when an HTML page
changed, since the search index is made of nothing else. A rebuild that fails leaves the last good
site in place and publishes its errors instead.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from papersite.build import RenderedSite, index_pages, render_pages
from papersite.errors import ContentError, PapersiteError, StrictModeError
from papersite.render import Page
from papersite.serve.live import Broadcast, State
from papersite.write import Changes, sync_site


@dataclass
class Rebuild:
    """What one rebuild did."""

    seconds: float
    site: RenderedSite | None = None
    """None when the rebuild failed."""
    changes: Changes = field(default_factory=lambda: Changes([], []))
    indexed: bool = False
    """Whether Pagefind ran (an HTML page changed)."""
    problems: tuple[str, ...] = ()
    """Why it failed, one located message a line."""
    cleared: bool = False
    """Whether it succeeded after a failure."""

    @property
    def ok(self) -> bool:
        return self.site is not None

    def summary(self) -> str:
        if self.site is None:
            count = len(self.problems)
            return (
                f"error: {count} problem{'s' if count != 1 else ''}; still serving the last good "
                "site: fix the file and save"
            )
        written, removed = len(self.changes.written), len(self.changes.removed)
        done = (
            f"{written} file{'s' if written != 1 else ''} written, {removed} removed"
            if self.changes
            else "no file changed"
        )
        if self.indexed:
            done += ", search index updated"
        if self.cleared:
            done += "; errors cleared"
        return f"rebuilt in {self.seconds:.2f} s: {done}"


class LiveSite:
    """The site as ``papersite serve`` serves it: its output folder, the base path it is served
    under, and the ``State`` the open pages follow."""

    def __init__(self, source: Path, out: Path, *, search: bool = True) -> None:
        self.source = source
        self.out = out
        self.origin = ""
        """Scheme, host and port the site is rendered for (``http://127.0.0.1:8000``): set once
        the server is bound, before the first rebuild."""
        self.search = search
        self.base_path = "/"
        """The decoded path of the site's base URL, ending in ``/``, once a build succeeded."""
        # A fresh prefix each run, so that a page open from an earlier run reloads.
        self._run = secrets.token_hex(4)
        self._builds = 0
        self.broadcast = Broadcast(State(self._version()))
        self._index: tuple[str, list[Page]] = ("", [])
        """The last search bundle, with the fingerprint of the HTML pages it was made from."""

    def _version(self) -> str:
        return f"{self._run}-{self._builds}"

    def rebuild(self) -> Rebuild:
        """Run the pipeline; on success update the folder and tell the pages, else publish the
        problems and keep what is served."""
        started = time.perf_counter()
        state = self.broadcast.state
        try:
            site = render_pages(self.source, origin=self.origin)
            bundle, indexed = self._search_bundle(site) if self.search else ([], False)
            changes = sync_site([*site.pages, *bundle], self.out)
        # A long-running server reports every failure and keeps serving: the content's errors,
        # a template's, Pagefind's, the disk's, and any other as an internal error.
        except Exception as error:
            problems = problem_lines(error, self.source)
            self.broadcast.publish(State(state.version, problems))
            return Rebuild(time.perf_counter() - started, problems=problems)
        self.base_path = unquote(urlsplit(site.base_url).path) or "/"
        if changes:
            self._builds += 1
        self.broadcast.publish(State(self._version()))
        return Rebuild(
            time.perf_counter() - started,
            site=site,
            changes=changes,
            indexed=indexed,
            cleared=bool(state.problems),
        )

    def _search_bundle(self, site: RenderedSite) -> tuple[list[Page], bool]:
        """The search index's pages, made again only if an HTML page changed; whether it was."""
        fingerprint = _fingerprint(site.pages, site.languages)
        if fingerprint != self._index[0]:
            self._index = (fingerprint, index_pages(site.pages, site.languages))
            return self._index[1], True
        return self._index[1], False


def _fingerprint(pages: Iterable[Page], languages: Sequence[str]) -> str:
    """A digest of everything Pagefind reads: the HTML pages, and the languages."""
    digest = hashlib.sha256("\0".join(languages).encode())
    for page in pages:
        if page.path.endswith(".html"):
            digest.update(page.path.encode() + b"\0" + hashlib.sha256(page.content).digest())
    return digest.hexdigest()


def problem_lines(error: Exception, source: Path) -> tuple[str, ...]:
    """``error`` as lines for the terminal and the overlay, located where possible (a template's
    error is a ``ContentError`` at its line, see ``render.template_problem``)."""
    if isinstance(error, ContentError | StrictModeError):
        return tuple(str(problem) for problem in error.problems)
    if isinstance(error, PapersiteError | OSError):
        return (f"error: {error}",)
    # A bug in papersite: the overlay says so, the terminal gets the traceback.
    traceback.print_exception(error)
    return (f"internal error: {type(error).__name__}: {error}",)
