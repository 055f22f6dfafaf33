"""The build: load → validate → enrich → render → write (→ search), in that order.

``build()`` is the library entry point; the CLI is a thin wrapper around it. Nothing is written
until every stage before ``write`` has succeeded, and the search index is built inside the new
output before it replaces the old one, so a build that fails leaves the output as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from papersite.context import build_view
from papersite.enrich import enrich_site
from papersite.errors import Problem, StrictModeError
from papersite.load import load_site
from papersite.lockfile import read_lockfile
from papersite.model import normalise_base_url
from papersite.render import Page, render_site
from papersite.search import index_site
from papersite.validate import validate_site
from papersite.write import check_output_folder, write_site

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
    check_output_folder(out, source)
    site = validate_site(load_site(source))
    if base_url is not None:
        site.config = site.config.model_copy(update={"base_url": normalise_base_url(base_url)})
    warnings = enrich_site(site, read_lockfile(source))
    view = build_view(site)
    warnings += view.warnings
    if strict and warnings:
        raise StrictModeError(warnings)
    pages = [*render_site(view, source), NOJEKYLL]
    # The search index is built from the pages as written, in the staging folder, before the swap.
    index = partial(index_site, languages=view.languages) if search else None
    written = write_site(pages, out, finish=index)
    return BuildReport(
        digests=len(site.digests),
        papers=len(site.papers),
        pages=written,
        seconds=time.perf_counter() - started,
        warnings=sorted(warnings),
    )
