"""The build: load → validate → enrich → render (→ search) → write, in that order.

``build()`` is the library entry point; the CLI is a thin wrapper around it. The stages are in
``pipeline.py`` and run in memory up to the writing, so a build that fails leaves the output as
it was. This module decides how much of them a build needs: none when no input changed since
the last build into the same folder, else only the pages whose inputs changed (see
``incremental.py``); it imports the stages only when there is work to do, so that a build with
nothing to do takes a fraction of a second.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from papersite.cache import BuildCache
from papersite.errors import PapersiteError, Problem, StrictModeError, counted
from papersite.fingerprint import (
    Stamper,
    Stamps,
    content_inputs,
    digest_files,
    input_fingerprint,
    shared_inputs,
)
from papersite.heap import frozen_heap
from papersite.names import CONFIG_FILE, LOCKFILE
from papersite.resident import Resident
from papersite.theme import theme_dirs
from papersite.write import (
    Manifest,
    OutputStamps,
    OutputWriter,
    PackedManifest,
    check_output_folder,
    delete_finished_updates,
    manifest_columns,
    output_lock,
    pack_manifest,
    refused_write,
    survey_output,
    unpack_manifest,
)

if TYPE_CHECKING:
    from papersite.dataset import Spans
    from papersite.incremental import Listing
    from papersite.model import Site, SourcedDigest

OUTPUT_RECORDS = 4
"""How many output folders the cache remembers the last build of (``build/``, ``serve``'s …)."""


@dataclass
class BuildReport:
    """What a build did: counts for the summary line, and its warnings."""

    digests: int
    papers: int
    pages: int
    """Every file of the output, the search index's included."""
    seconds: float
    warnings: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    """The files this build wrote; the others were already there with the same bytes."""
    removed: list[str] = field(default_factory=list)
    """The files of the previous output that this build left out."""
    base_url: str = ""
    """The ``base_url`` the pages were rendered for (after any override)."""
    unreviewed: list[Problem] = field(default_factory=list)
    """The machine-written texts that no one has reviewed (``provenance.py``), at their lines."""
    search_pending: bool = False
    """Whether the search index is still the one made before the last change of a page
    (``defer_search``): a build without ``defer_search`` makes it again."""

    def summary(self) -> str:
        review = f", {counted(len(self.unreviewed), 'text')} to review" if self.unreviewed else ""
        return (
            f"Built {counted(self.digests, 'digest')}, {counted(self.papers, 'paper')}, "
            f"{counted(self.pages, 'page')} ({len(self.written)} written), "
            f"{counted(len(self.warnings), 'warning')}{review} in {self.seconds:.2f} s"
        )


@frozen_heap()  # the stages freeze what they have made (heap.py); thawed when the build ends
def build(
    source: Path | str = ".",
    out: Path | str | None = None,
    *,
    base_url: str | None = None,
    origin: str | None = None,
    strict: bool = False,
    strict_review: bool = False,
    search: bool = True,
    defer_search: bool = False,
    cancelled: Callable[[], bool] | None = None,
    hold: list[object] | None = None,
    resident: Resident | None = None,
    waiting: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Build the site in ``source`` into ``out``.

    ``out`` defaults to ``build/`` inside ``source``; ``search=False`` leaves out the search index;
    ``base_url`` and ``origin`` are as for ``render_pages``; ``strict_review`` fails the build
    while a machine-written text is not reviewed. The build is incremental: with the
    build cache (``cache.py``) and the record of the last build into ``out``, it renders only
    pages whose inputs changed and writes only files whose bytes changed, and does nothing at
    all when no input changed; the result is the same as a cold build's. ``hold``, if given, is
    where the build leaves what it made (the site, its view, the records of the output) rather
    than free it on returning: a process that ends right after (the ``papersite`` command) need
    not free millions of objects one by one (0.4 s at 10,000 papers). ``resident`` is what a
    process that builds again and again keeps from one build to the next (``resident.py``);
    such a build leaves its update's undo folder, with the files it replaced, for
    ``survey_ahead`` (or the next build, or ``write.delete_finished_updates``) to delete.
    ``defer_search``: on a large site, leave the last build's search index in place rather than
    make it again (``BuildReport.search_pending``), for a later build without it to make;
    ``cancelled`` is asked while Pagefind runs, and stops the build with ``SearchCancelled``
    (both for ``papersite serve``, which shows an edit before indexing the site again).
    Two builds into one folder take turns (``write.output_lock``): ``waiting`` is called with
    ``out`` when this one must wait for another to finish.
    Raises ``ContentError`` (bad content), ``OutputError`` (unsafe output folder),
    ``StrictModeError`` (warnings with ``strict``) or ``SearchError`` (Pagefind failed).
    """
    started = time.perf_counter()
    source = Path(source)
    out = source / "build" if out is None else Path(out)
    # Checked first, so that a wrong --source or --out is reported before any work is done.
    if source.exists() and not source.is_dir():
        raise PapersiteError(
            f"--source {source} is a file, not a site folder: "
            f"give the folder that holds {CONFIG_FILE} (default: the current folder)"
        )
    check_output_folder(out, source)
    with output_lock(out, source, waiting):
        return _build(
            source,
            out,
            started,
            base_url=base_url,
            origin=origin,
            strict=strict,
            strict_review=strict_review,
            search=search,
            defer_search=defer_search,
            cancelled=cancelled,
            hold=hold,
            resident=resident,
        )


def _build(
    source: Path,
    out: Path,
    started: float,
    *,
    base_url: str | None,
    origin: str | None,
    strict: bool,
    strict_review: bool,
    search: bool,
    defer_search: bool,
    cancelled: Callable[[], bool] | None,
    hold: list[object] | None,
    resident: Resident | None,
) -> BuildReport:
    """``build``, once it holds the lock of ``out``."""
    cache = BuildCache.for_site(source)
    record_key = str(out.resolve())
    last = resident.last.get(record_key) if resident is not None else None
    if last is None:
        last = LastBuild.recall(cache, record_key)
    folders = theme_dirs(source)
    files = digest_files(source)
    # Pagefind cannot index a site with no page to search: until its first digest, the site is
    # built as without search, its search page saying that search is unavailable. An option,
    # so that every page is keyed on it.
    search = search and bool(files)
    options = [f"base_url={base_url}", f"origin={origin}", f"search={search}"]
    stamper = Stamper(source, last.stamps if last is not None else None)
    content = content_inputs(source, options, stamper)
    shared = shared_inputs(source, folders, content)
    fingerprint, hashes, stamps = input_fingerprint(source, shared, stamper, files)
    search_due = search and not defer_search and last is not None and last.search_pending
    if (
        last is not None
        and last.fingerprint == fingerprint
        and not search_due
        and last.output.match(out)
    ):
        _check_strictness(last.warnings, last.unreviewed, strict, strict_review)
        return last.report(time.perf_counter() - started)
    # The stages import Jinja, pydantic and markdown-it: only a build with work to do pays that.
    from papersite import pipeline
    from papersite.dataset import RecordCopier
    from papersite.incremental import PageInputs

    prepared = pipeline.prepare_site(
        source,
        base_url=base_url,
        origin=origin,
        cache=cache,
        known=hashes,
        resident=resident,
        known_lockfile=stamps[LOCKFILE][1] if LOCKFILE in stamps else "",
        search=search,
    )
    warnings = sorted(prepared.enrich_warnings + prepared.view.warnings)
    unreviewed = _unreviewed_texts(prepared.site, resident)
    _check_strictness(warnings, unreviewed, strict, strict_review)
    surveyed = None
    if resident is not None and resident.survey is not None:
        if resident.survey[0] is last:  # made after the last build, which nothing has replaced
            surveyed = resident.survey[1]
        resident.survey = None
    writer = (
        OutputWriter(out, last.files, last.folders, surveyed, leave_undo=resident is not None)
        if last is not None
        else OutputWriter(out, {})
    )
    kept_keys = resident.keys if resident is not None else None
    if resident is not None:
        resident.keys = None  # taken over by this build's, which replace them once it succeeds
    # Whatever fails once the new output is in place says so, not that the output is as it was.
    with _in_place_told(writer):
        try:
            page_inputs = PageInputs(
                prepared.view,
                prepared.site.digests,
                prepared.hashes,
                shared,
                content,
                last.listings if last is not None else None,
                kept_keys,
                keep=resident is not None,
            )
            spans = last.spans if last is not None and writer.previous else {}
            copier = RecordCopier(spans, writer.out, content, prepared.hashes)
            kept_feeds = resident.feeds if resident is not None else None
            pipeline.write_pages(writer, prepared, page_inputs, folders, copier, kept_feeds)
            pending = search and pipeline.write_search_index(
                writer,
                prepared.view.languages,
                last,
                cache,
                defer=defer_search,
                cancelled=cancelled,
            )
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        spans = copier.keep(writer.manifest)
        # Pickled first: the pickler's memo is let go before the manifest's columns and stamps are
        # made, where a large site's memory peaks (3 MB lower at 50,000 papers).
        packed_spans = pickle.dumps(spans, pickle.HIGHEST_PROTOCOL)
        columns = manifest_columns(writer.manifest)
        output = OutputStamps.of(writer.manifest, writer.folder_times(), columns)
        indexed = _indexed(search, pending, last, writer.manifest, prepared.view.languages)
        removed = sorted(set(last.files) - set(writer.manifest)) if last is not None else []
        if resident is not None:
            # Done with the last build's record (its manifest and spans, the survey: 20 MB at
            # 10,000 papers): let go of it before this build's is made and pickled, where a
            # resident's memory peaks, rather than hold both.
            resident.last, last, surveyed = {}, None, None
            del copier
            writer.forget_previous()
        this = LastBuild(
            fingerprint=fingerprint,
            stamps=stamps,
            output=output,
            packed=pack_manifest(writer.manifest, columns),
            pages=len(writer.manifest),
            search=indexed,
            search_pending=pending,
            digests=len(prepared.site.digests),
            papers=len(prepared.site.papers),
            warnings=warnings,
            base_url=prepared.site.config.base_url,
            unreviewed=unreviewed,
            listings=page_inputs.listings,
            packed_spans=packed_spans,
        )
        this.remember(cache, record_key)
        if resident is not None:
            this.__dict__["files"] = writer.manifest  # as ``files`` would unpickle it
            this.__dict__["spans"] = spans
            resident.last = {record_key: this}
            resident.keys = page_inputs.kept
        else:
            # Made into the record's columns: let go before the cache is saved, where a large
            # site's memory peaked (1,915 -> 1,897 MiB at 50,000 papers, one cold build each).
            writer.manifest, spans = {}, {}
            del copier
        cache.keep_recent("output", OUTPUT_RECORDS)
        cache.save()
    if hold is not None:
        hold += [prepared, page_inputs, writer, last, this, cache]
    return this.report(time.perf_counter() - started, writer.written, removed)


IN_PLACE = (
    "the new output is in place, but the build could not record it, so the next build will "
    "take longer"
)
"""What is true of the output when a build fails after ``OutputWriter.commit`` put it in place."""


class OutputInPlace(PapersiteError):
    """A build failed on an ``OSError`` once its new output was in place (``OutputWriter``'s
    ``in_place``): the output is this build's, but the record of it was not kept, so the next
    build into the folder does more work (and records it)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(f"{refused_write(error)}; {IN_PLACE}")


class InterruptedInPlace(KeyboardInterrupt):
    """Ctrl-C once the build's new output was in place (see ``OutputInPlace``)."""


@contextmanager
def _in_place_told(writer: OutputWriter) -> Iterator[None]:
    """Turns an ``OSError`` or a Ctrl-C into ``OutputInPlace`` or ``InterruptedInPlace`` once
    ``writer`` has put the new output in place: the caller would say the output is as it was."""
    try:
        yield
    except OSError as error:
        if not writer.in_place:
            raise
        raise OutputInPlace(error) from error
    except KeyboardInterrupt:
        if not writer.in_place:
            raise
        raise InterruptedInPlace from None


def survey_ahead(out: Path | str, resident: Resident) -> bool:
    """Ask now how the output of ``resident``'s last build into ``out`` is (the survey of
    ``OutputWriter``), for its next build into ``out`` to take rather than ask: ``papersite
    serve`` asks while no file changes. A file of the output changed after this is still
    caught by the build after the next, whose record of it no longer matches. Deletes first
    the undo folder the last build left (``OutputWriter``'s ``leave_undo``). False if there
    was nothing to ask: no build recorded, or the survey already made."""
    key = str(Path(out).resolve())
    delete_finished_updates(Path(key))  # what the last build left for now (``OutputWriter``)
    last = resident.last.get(key)
    if last is None or (resident.survey is not None and resident.survey[0] is last):
        return False
    resident.survey = (last, survey_output(Path(key), last.files, last.folders))
    return True


def _indexed(
    search: bool, pending: bool, last: LastBuild | None, files: Manifest, languages: list[str]
) -> str:
    """``LastBuild.search``: what the output's search index was made from."""
    from papersite.pipeline import search_fingerprint

    if not search:
        return ""  # no index: a build with search makes one, whatever the pages
    if pending:  # left for later, the index is still the last build's, made from its pages
        return last.search if last is not None else ""
    return search_fingerprint(files, languages)


def _unreviewed_texts(site: Site, resident: Resident | None) -> list[Problem]:
    """The machine-written texts of the site's digests that no one has reviewed, at their
    lines; those of a digest ``resident`` holds them for are not looked for again."""
    from papersite.provenance import unreviewed_texts

    kept = resident.unreviewed if resident is not None else {}
    found: dict[str, tuple[SourcedDigest, list[Problem]]] = {}
    for sourced in site.digests:
        memo = kept.get(sourced.path)
        found[sourced.path] = (
            memo
            if memo is not None and memo[0] is sourced
            else (sourced, list(unreviewed_texts(sourced, site.config.languages)))
        )
    if resident is not None:
        resident.unreviewed = found
    return sorted(problem for _, problems in found.values() for problem in problems)


def _check_strictness(
    warnings: list[Problem], unreviewed: list[Problem], strict: bool, strict_review: bool
) -> None:
    if strict and warnings:
        raise StrictModeError(warnings)
    if strict_review and unreviewed:
        raise StrictModeError(
            unreviewed,
            noun="machine-written text",
            qualifier=" not reviewed",
            option="--strict-review",
        )


@dataclass
class LastBuild:
    """What the build cache remembers of the last build into an output folder."""

    fingerprint: str
    """``input_fingerprint`` of its inputs."""
    stamps: Stamps
    """What the digest files were like when hashed, so that the next build need not read them."""
    output: OutputStamps
    """What the output was like once written: all that a build with nothing to do checks."""
    packed: PackedManifest = field(repr=False)
    """The manifest, made again (``files``) only by a build with work to do."""
    pages: int
    search: str
    """``search_fingerprint`` of the pages its search index was made from."""
    digests: int
    papers: int
    warnings: list[Problem]
    base_url: str
    unreviewed: list[Problem]
    listings: dict[str, Listing] = field(default_factory=dict)
    """``PageInputs.listings``: what the pages' keys take of each digest file, by the file's
    hash."""
    packed_spans: bytes = field(default=b"", repr=False)
    """The pickled ``spans``, unpickled only by a build with work to do."""
    search_pending: bool = False
    """Whether its search index was left for later (``build``'s ``defer_search``)."""

    @cached_property
    def files(self) -> Manifest:
        """Every file of the output, as the build recorded it."""
        return unpack_manifest(self.packed)

    @cached_property
    def spans(self) -> Spans:
        """Where each record of the output's data files lies in them (``RecordCopier``)."""
        spans: Spans = pickle.loads(self.packed_spans) if self.packed_spans else {}
        return spans

    @property
    def folders(self) -> dict[str, int]:
        """``write.folder_times`` of the output once written."""
        return self.output.folder_record()

    @staticmethod
    def recall(cache: BuildCache, out: str) -> LastBuild | None:
        """The record of the last build into ``out`` (a resolved path), if the cache has it."""
        # One that cannot be read (a papersite whose classes have changed wrote it, say) is
        # none: a build without a record.
        record = cache.get("output", out)
        return record if isinstance(record, LastBuild) else None

    def remember(self, cache: BuildCache, out: str) -> None:
        """Stored for the next build into ``out``: pickled into a file of its own when the
        cache is saved (``cache.FILED``), so that a build reads only its own folder's record
        (30,000 files' worth on a large site), not those of the other folders the cache
        remembers. So it is not to change until then (``files`` and ``spans`` may be set: they
        are not pickled)."""
        cache.put("output", out, self)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("files", None)  # the manifest once more, unpacked
        state.pop("spans", None)
        return state

    def report(
        self, seconds: float, written: list[str] | None = None, removed: list[str] | None = None
    ) -> BuildReport:
        return BuildReport(
            digests=self.digests,
            papers=self.papers,
            pages=self.pages,
            seconds=seconds,
            warnings=self.warnings,
            written=sorted(written or []),
            removed=removed or [],
            base_url=self.base_url,
            unreviewed=self.unreviewed,
            search_pending=self.search_pending,
        )
