"""The build's stages: load → validate → enrich → view (``prepare_site``), render
(``render_pages``, ``write_pages``), search (``write_search_index``).

``build.build`` runs them into an output folder; ``papersite serve``, ``check`` and ``export``
run the ones they need. Nothing here writes the output folder itself: ``write_pages`` hands each
page to an ``OutputWriter``, which stages the new output beside the old one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from papersite.cache import COMPILED_DIR, BuildCache, content_hash
from papersite.context import SiteView, TextReads, build_view
from papersite.dataset import SCHEMA_FILES, WITH_LONG_TEXTS, RecordCopier, dataset_pages
from papersite.editions import site_editions
from papersite.enrich import enrich_site
from papersite.errors import ContentError, Problem, StrictModeError
from papersite.feeds import KeptFeed, site_feeds
from papersite.fingerprint import settings_inputs
from papersite.heap import settle
from papersite.incremental import PageInputs
from papersite.load import load_site
from papersite.lockfile import lockfile_problems, read_lockfile, reread_lockfile
from papersite.model import Site, SourcedDigest, normalise_base_url
from papersite.parallel import fork_each, render_in_parallel, workers_for
from papersite.render import (
    PageJob,
    located_in_templates,
    make_environment,
    plan_site,
    render_chunks,
    render_job,
    render_site,
    theme_assets,
)
from papersite.resident import Resident
from papersite.search import (
    BUNDLE,
    is_indexed,
    make_bundle,
    stems_marker,
    stop_if,
    with_marker,
)
from papersite.validate import Collected, validate_site
from papersite.write import ChunkedPage, Manifest, OutputWriter, Page

if TYPE_CHECKING:
    from papersite.build import LastBuild

NOJEKYLL = Page(".nojekyll", b"")
"""Tells GitHub Pages to serve the files as they are, rather than through Jekyll, which would
leave out every file and folder whose name starts with ``_``."""


DATA_RECORDS_PER_PAGE = 30
"""A data file's record of a paper takes about a thirtieth of the time of a page: how much
work the data files are, when it comes to sharing it between processes (``workers_for``)."""


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

    source: Path
    site: Site
    """Validated, with the lockfile's records attached."""
    view: SiteView
    """What templates see; ``view.warnings`` are the texts that did not fully render."""
    enrich_warnings: list[Problem]
    """The enrich stage's warnings (missing or disagreeing arXiv records)."""
    hashes: dict[str, str] = field(default_factory=dict)
    """The hash of each content file's bytes, by path."""


def prepare_site(
    source: Path,
    *,
    base_url: str | None = None,
    origin: str | None = None,
    cache: BuildCache | None = None,
    known: dict[str, str] | None = None,
    resident: Resident | None = None,
    known_lockfile: str = "",
    search: bool = True,
) -> PreparedSite:
    """load → validate → enrich → the templates' view, for the site in ``source``.

    ``base_url`` and ``origin`` are as for ``render_pages``; with a ``cache``, only files and
    texts new since the last build are parsed and rendered (``known``: see ``load_site``); with
    a ``resident`` (and ``known``), only the digest files and views that changed since the last
    build in this process are made again, and the lockfile is parsed again only if its hash is
    not ``known_lockfile``. ``search``: whether the output will have a search index, for the
    search page to load. Raises ``ContentError``.
    """
    settings = settings_inputs(source) if resident is not None else ""
    unread = _unchanged_digests(resident, known or {}, settings)
    # The cache's parsed files would cost more to load than a few files do to parse.
    few = bool(unread) and len(known or {}) - len(unread) < FEW_FILES
    parsed = None if few else cache
    loaded = load_site(source, parsed, known, unread.keys())
    if resident is not None and resident.collected is None:
        resident.collected = Collected()
    collected = resident.collected if resident is not None else None
    try:
        site, hashes = validate_site(loaded, unread, collected), loaded.hashes
    except ContentError as error:
        raise ContentError(error.problems + lockfile_problems(source)) from None
    del loaded  # the parsed files: the validated site is all that the later stages need
    if parsed is not None:
        # Stored only once the content is known to be valid: a build that stops at a content error
        # changes nothing at all, its cache included.
        parsed.flush("parsed")
    settle()
    if base_url is None and origin is not None:
        base_url = origin.rstrip("/") + (urlsplit(site.config.base_url).path or "/")
    if base_url is not None:
        site.config = site.config.model_copy(update={"base_url": normalise_base_url(base_url)})
    if resident is not None:
        resident.digests = {s.path: ((settings, hashes[s.path]), s) for s in site.digests}
        resident.lockfile = reread_lockfile(source, resident.lockfile, known_lockfile)
        lockfile = resident.lockfile[1]
    else:
        lockfile = read_lockfile(source)
    warnings = enrich_site(site, lockfile, resident.enriched if resident is not None else None)
    view = build_view(site, cache, resident, settings)
    view.search = search
    if cache is not None:
        # The renderings are in the view now, which renders on without the cache: written now,
        # the cache's two records of them (keys, tuples) are not held through the render stage.
        cache.flush("markup")
    settle()
    return PreparedSite(source, site, view, warnings, hashes)


FEW_FILES = 64
"""A rebuild in a resident process that reads fewer digest files than this reads them without
the build cache."""


def _unchanged_digests(
    resident: Resident | None, known: dict[str, str], settings: str
) -> dict[str, SourcedDigest]:
    """The digests that ``resident`` holds validated from the files' bytes as they are now, and
    the configuration as it is now, by path."""
    if resident is None:
        return {}
    return {
        path: sourced
        for path, (key, sourced) in resident.digests.items()
        if known.get(path) and key == (settings, known[path])
    }


def write_pages(
    writer: OutputWriter,
    prepared: PreparedSite,
    inputs: PageInputs,
    folders: list[Path],
    copier: RecordCopier | None = None,
    kept_feeds: dict[tuple[Any, ...], KeptFeed] | None = None,
) -> None:
    """Render every page whose inputs changed, on every core when there are many; carry the
    others over from the last output. The archive's data files (``dataset.py``) are made with
    the pages, by the same workers; with a ``copier``, the records of those files unchanged
    since the last build are copied from its files, and where each record lands is noted.
    ``kept_feeds``: the last build's feeds, in a process that builds again (``resident.py``)."""
    env = make_environment(folders, prepared.source / COMPILED_DIR)
    todo: list[PageJob | tuple[ChunkedPage, str]] = []
    # Made again (half a second each at 10,000 papers) only if a content file changed; first,
    # so that the workers start with the longest items (each a share of its own: see fork_map).
    for data_file in dataset_pages(prepared.site, copier):
        if data_file.path in SCHEMA_FILES:
            data_key = inputs.schema_key()
        else:
            data_key = inputs.data_key(texts=data_file.path in WITH_LONG_TEXTS)
        if writer.reuse(data_file.path, data_key):
            continue
        if copier is not None and copier.knows(data_file.path):
            # Mostly copied: quicker here than in a worker, and too few records made to leave
            # this long-lived process holding their garbage (all of them: 40 MB at 10,000).
            writer.add(data_file.path, data_file.content, data_key)
        else:
            todo.append((data_file, data_key))
    work = len(todo) * len(prepared.site.papers) // DATA_RECORDS_PER_PAGE  # the data files'
    # The digests, papers, tags and feeds whose pages' keys are all the last build's: not
    # planned.
    view = prepared.view
    feeds = site_feeds(view, site_editions(view.languages), kept_feeds)
    present = {id(subject) for subject in [*view.digests, *view.papers, *view.tags, *feeds]}
    carried = inputs.carried(present, writer.unkept, writer.keep_all)
    jobs = plan_site(view, skip=carried, feeds=feeds)
    settle()
    for job in jobs:
        # Keyed as the last build recorded the page: on the long texts it read then.
        if not writer.reuse_like(job.path, inputs.key_like, job):
            todo.append(job)
    work += len(todo)

    def streamed(job: PageJob) -> Iterator[bytes]:
        with located_in_templates(prepared.source):
            yield from render_chunks(env, job)

    def render(number: int) -> tuple[Page | ChunkedPage, str]:
        job = todo[number]
        if not isinstance(job, PageJob):  # its chunks are made as the writer writes them
            return job
        if job.streamed:  # rendered as it is written: keyed on every text it could read
            return ChunkedPage(job.path, streamed(job)), inputs.key(job)
        TextReads.start()
        with located_in_templates(prepared.source):
            page = render_job(env, job)
        return page, inputs.key(job, TextReads.read)

    processes = workers_for(work)
    if processes > 1:
        writer.settle()  # the data files' copies are made by a thread, which a fork would drop
        notes = copier.notes if copier is not None else None
        for noted in render_in_parallel(len(todo), render, writer, processes, notes):
            if copier is not None:
                copier.adopt(noted)
    else:
        for number in range(len(todo)):
            page, key = render(number)
            writer.add(page.path, page.content, key)
    for asset in [*theme_assets(folders), NOJEKYLL]:
        writer.add(asset.path, asset.content)
    writer.settle()  # before the search index, which may fork


def search_fingerprint(files: Manifest, languages: Sequence[str]) -> str:
    """The hash of everything Pagefind reads: the HTML pages, and the languages."""
    parts = [*languages, *(f"{p}={w.content}" for p, w in files.items() if p.endswith(".html"))]
    return content_hash(*sorted(parts))


def write_search_index(
    writer: OutputWriter,
    languages: Sequence[str],
    last: LastBuild | None,
    cache: BuildCache,
    *,
    defer: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> bool:
    """Pagefind's bundle, made again only if an HTML page changed since the last build; True if
    it was left for later instead (``defer``, on a large site: see ``SEARCH_LATER_FROM``), the
    last build's bundle kept as it was. ``cancelled``: see ``search.run_pagefind``.

    Pagefind reads the pages from a folder of its own (``search.make_bundle``) and writes its
    bundle into another, whose files are then added to the output as any page is: the output
    is never copied whole for it, and a bundle file whose bytes did not change is not written.
    """
    bundle = [path for path in last.files if path.startswith(BUNDLE + "/")] if last else []
    if last is not None and last.search == search_fingerprint(writer.manifest, languages):
        if bundle and all(writer.carry(path) for path in bundle):
            return False
        for path in bundle:
            writer.drop(path)
    pages = sorted(path for path in writer.manifest if is_indexed(path, languages))
    if defer and len(pages) >= SEARCH_LATER_FROM:
        if not all(writer.carry(path) for path in bundle):
            for path in bundle:  # a bundle changed by hand: none until it is made
                writer.drop(path)
        return True
    with tempfile.TemporaryDirectory(prefix="papersite-bundle-") as temporary:
        folder = Path(temporary)
        prepared = _prepared_pages(writer, pages, cache, cancelled)
        make_bundle(prepared, languages, folder, cancelled)
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                writer.add(f"{BUNDLE}/{file.relative_to(folder).as_posix()}", file.read_bytes())
    return False


SEARCH_LATER_FROM = 1000
"""The pages to index from which a build asked to ``defer`` the search index does: Pagefind
takes about 4 ms a page, every page, whatever changed (4 s here, 48 s at 10,000 papers)."""


def _prepared_pages(
    writer: OutputWriter,
    paths: list[str],
    cache: BuildCache,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[tuple[str, str]]:
    """Each page of ``paths`` as Pagefind is given it (``search.prepare_page``). What is added
    to a page is remembered in the build cache by the page's hash, since finding it reads the
    page's text (1.5–3 ms): a rebuild reads only the pages that changed, a cold build on every
    core. ``cancelled`` is asked every ``STEMS_BLOCK`` pages, and between the workers' shares:
    once it says so, the workers are ended (``papersite serve``'s Ctrl-C does not wait for them)."""
    hashes = [writer.manifest[path].content for path in paths]
    markers = {key: marker for key in hashes if (marker := cache.get(SEARCH, key)) is not None}
    missing = [number for number, key in enumerate(hashes) if key not in markers]
    processes = workers_for(len(missing))
    if processes > 1:
        # Found by the workers first, a block at a time; each page is read again below, which
        # costs less than sending it back would.
        for start in range(0, len(missing), STEMS_BLOCK):
            stop_if(cancelled)
            block = missing[start : start + STEMS_BLOCK]

            def find(share: range, block: list[int] = block) -> list[tuple[int, str]]:
                return [(n, stems_marker(writer.read(paths[block[n]]).decode())) for n in share]

            with closing(fork_each(find, len(block), processes)) as shares:
                for share in shares:
                    stop_if(cancelled)
                    for number, marker in share:
                        markers[hashes[block[number]]] = marker
    for number, (path, key) in enumerate(zip(paths, hashes, strict=True)):
        if number % STEMS_BLOCK == 0:
            stop_if(cancelled)
        page = writer.read(path).decode()
        marker = markers.get(key)
        if marker is None:
            marker = markers[key] = stems_marker(page)
        yield path, with_marker(page, marker)
    for number in missing:
        cache.put(SEARCH, hashes[number], markers[hashes[number]])


STEMS_BLOCK = 2000
"""Pages read for their stems between two questions to ``cancelled`` (a few seconds' work)."""


SEARCH = "search"
"""The build cache's part for what ``search.prepare_page`` adds to each page, by its hash."""
