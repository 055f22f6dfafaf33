"""The build: load → validate → enrich → render (→ search) → write, in that order.

``build()`` is the library entry point; the CLI is a thin wrapper around it. The stages before
``write`` run in memory (``render_pages``, ``index_pages``), so ``papersite serve`` runs the same
pipeline and only its writing differs. Nothing is written until every stage before ``write`` has
succeeded, the search index included, so a build that fails leaves the output as it was.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from papersite.context import SiteView, build_view
from papersite.enrich import enrich_site
from papersite.errors import Problem, StrictModeError
from papersite.load import load_site
from papersite.lockfile import read_lockfile
from papersite.model import Site, normalise_base_url
from papersite.render import Page, render_site
from papersite.search import BUNDLE, index_site
from papersite.validate import validate_site
from papersite.write import check_output_folder, safe_relative, write_site

NOJEKYLL = Page(".nojekyll", b"")
"""Tells GitHub Pages to serve the files as they are, rather than through Jekyll, which would
leave out every file and folder whose name starts with ``_``."""


@dataclass
class BuildReport:
    """What a build did: counts for the summary line, and its warnings."""

    digests: int
    papers: int
    pages: int
    """Every file written, the search index's included."""
    seconds: float
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Built {self.digests} digests, {self.papers} papers, {self.pages} pages written, "
            f"{len(self.warnings)} warnings in {self.seconds:.2f} s"
        )


@dataclass
class RenderedSite:
    """The site as the stages before ``write`` leave it: every file, in memory."""

    pages: list[Page]
    """Every page, feed and asset, and ``.nojekyll``; not the search index."""
    base_url: str
    """The ``base_url`` the pages were rendered for (after any override)."""
    languages: list[str]
    digests: int
    papers: int
    warnings: list[Problem]
    """Sorted."""


def build(
    source: Path | str = ".",
    out: Path | str | None = None,
    *,
    base_url: str | None = None,
    strict: bool = False,
    search: bool = True,
) -> BuildReport:
    """Build the site in ``source`` into ``out``.

    ``out`` defaults to ``build/`` inside ``source``; ``search=False`` leaves out the search index.
    Raises ``ContentError`` (bad content), ``OutputError`` (unsafe output folder),
    ``StrictModeError`` (warnings with ``strict``) or ``SearchError`` (Pagefind failed).
    """
    started = time.perf_counter()
    source = Path(source)
    out = source / "build" if out is None else Path(out)
    # Checked first, so that a wrong --out is reported before any work is done.
    check_output_folder(out, source)
    site = render_pages(source, base_url=base_url, strict=strict)
    pages = site.pages + (index_pages(site.pages, site.languages) if search else [])
    written = write_site(pages, out)
    return BuildReport(
        digests=site.digests,
        papers=site.papers,
        pages=written,
        seconds=time.perf_counter() - started,
        warnings=site.warnings,
    )


def render_pages(
    source: Path,
    *,
    base_url: str | None = None,
    origin: str | None = None,
    strict: bool = False,
) -> RenderedSite:
    """load → validate → enrich → render: every page of the site in ``source``, nothing written.

    ``base_url`` replaces the configured one; ``origin`` (``http://127.0.0.1:8000``) replaces
    only its scheme and host, keeping its path, so that a local server can serve the site under
    the same path with every absolute URL leading back to it. Raises ``ContentError``, or
    ``StrictModeError`` with ``strict``.
    """
    prepared = prepare_site(source, base_url=base_url, origin=origin)
    site, view = prepared.site, prepared.view
    warnings = prepared.enrich_warnings + view.warnings
    if strict and warnings:
        raise StrictModeError(warnings)
    return RenderedSite(
        pages=[*render_site(view, source), NOJEKYLL],
        base_url=site.config.base_url,
        languages=list(view.languages),
        digests=len(site.digests),
        papers=len(site.papers),
        warnings=sorted(warnings),
    )


@dataclass
class PreparedSite:
    """The site as the stages before rendering leave it: what ``check`` lints, ``export``
    writes out and ``render_pages`` renders."""

    site: Site
    """Validated, with the lockfile's records attached."""
    view: SiteView
    """What templates see; ``view.warnings`` are the texts that did not fully render."""
    enrich_warnings: list[Problem]
    """The enrich stage's warnings (missing or disagreeing arXiv records)."""


def prepare_site(
    source: Path, *, base_url: str | None = None, origin: str | None = None
) -> PreparedSite:
    """load → validate → enrich → the templates' view, for the site in ``source``.

    ``base_url`` and ``origin`` are as for ``render_pages``. Raises ``ContentError``.
    """
    site = validate_site(load_site(source))
    if base_url is None and origin is not None:
        base_url = origin.rstrip("/") + (urlsplit(site.config.base_url).path or "/")
    if base_url is not None:
        site.config = site.config.model_copy(update={"base_url": normalise_base_url(base_url)})
    warnings = enrich_site(site, read_lockfile(source))
    return PreparedSite(site, build_view(site), warnings)


def index_pages(pages: Sequence[Page], languages: Sequence[str]) -> list[Page]:
    """The search stage: Pagefind's bundle for ``pages``, as pages under ``pagefind/``.

    Pagefind reads a folder, so the HTML pages are written to a temporary one first; the output
    folder is written only by ``write``. Raises ``SearchError``.
    """
    with tempfile.TemporaryDirectory(prefix="papersite-index-") as temporary:
        folder = Path(temporary)
        for page in pages:
            if page.path.endswith(".html"):
                target = folder / safe_relative(page.path)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(page.content)
        index_site(folder, languages)
        bundle = sorted(path for path in (folder / BUNDLE).rglob("*") if path.is_file())
        return [Page(path.relative_to(folder).as_posix(), path.read_bytes()) for path in bundle]
