"""``papersite enrich``: fetch what arXiv (and, on request, other sources) know into the lockfile.

The only command that uses the network. It validates the site, collects the arXiv IDs of every
digest, fetches the ones the lockfile lacks in batches, and writes the lockfile after every batch,
so an interruption keeps everything fetched before it. With ``resolve_titles`` it also searches
arXiv by the English title of each paper without an ID and stores unique, near-exact matches,
marked as resolved from the title, for the editor to paste into the digest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from papersite.arxiv_ids import canonical_arxiv_id
from papersite.enrich import (
    english_title,
    given_arxiv_id,
    lockfile_entry,
    missing_record,
    paper_mismatches,
)
from papersite.errors import PapersiteError, Problem, counted
from papersite.load import LoadedSite, load_site
from papersite.lockfile import LOCKFILE, Lockfile, read_lockfile, write_lockfile
from papersite.model import (
    ArxivRecord,
    ArxivSettings,
    SemanticScholarSettings,
    Site,
    SitePaper,
)
from papersite.names import EXTRA_SOURCES as EXTRA_SOURCES
from papersite.progress import QuietReporter, Reporter
from papersite.sources import (
    EmptyAnswer,
    FetchError,
    Source,
    TransientError,
    Unreadable,
    with_retries,
)
from papersite.sources.arxiv import ArxivSource
from papersite.sources.semantic_scholar import API_KEY_VARIABLE, SemanticScholarSource
from papersite.titles import SAME_TITLE, same_numbers, tex_spelled, title_similarity
from papersite.validate import validate_site
from papersite.write import REFUSED_ADVICE

ARXIV_URL_VARIABLE = "PAPERSITE_ARXIV_API_URL"
SEMANTIC_SCHOLAR_URL_VARIABLE = "PAPERSITE_SEMANTIC_SCHOLAR_API_URL"

SettingsT = TypeVar("SettingsT", bound=BaseModel)


@dataclass
class EnrichReport:
    """What ``enrich`` did and found."""

    fetched: dict[str, int] = field(default_factory=dict)
    """Records fetched, by source name."""
    already: int = 0
    """Papers whose arXiv record was in the lockfile already."""
    removed: int = 0
    """Records dropped because no digest uses them any more."""
    resolved: list[str] = field(default_factory=list)
    """One line per ID found from a title, ready to paste: ``file:line: papers[i]: arxiv: "…"``."""
    errors: list[Problem] = field(default_factory=list)
    """IDs arXiv does not know, and IDs whose entry in a source's answer cannot be read."""
    warnings: list[Problem] = field(default_factory=list)
    """Withdrawn papers, mistyped-looking IDs, titles that found no unique match."""
    missing: list[Problem] = field(default_factory=list)
    """With ``offline``: entries whose records the lockfile lacks."""
    failures: list[FetchError] = field(default_factory=list)
    """Batches that could not be fetched, naming their IDs."""

    @property
    def ok(self) -> bool:
        return not (self.errors or self.missing or self.failures)

    def summary(self) -> str:
        fetched = ", ".join(f"{n} from {name}" for name, n in self.fetched.items()) or "nothing"
        parts = [f"fetched {fetched}", f"{self.already} already in {LOCKFILE}"]
        if self.resolved:
            parts.append(f"{counted(len(self.resolved), 'ID')} resolved from titles")
        if self.removed:
            parts.append(f"{counted(self.removed, 'unused record')} removed")
        return "Enrich: " + "; ".join(parts)


class EnrichInterrupted(KeyboardInterrupt):
    """Ctrl-C during ``enrich``, carrying what the run found before it (``report``): the IDs it
    resolved from titles are saved in the lockfile, and later runs do not search those titles
    again, so this run's lines to paste are the only ones the editor gets."""

    def __init__(self, report: EnrichReport) -> None:
        super().__init__()
        self.report = report


def enrich(
    source: Path | str = ".",
    *,
    refresh: Sequence[str] | None = None,
    offline: bool = False,
    resolve_titles: bool = False,
    extra_sources: Iterable[str] = (),
    reporter: Reporter | None = None,
    environ: Mapping[str, str] | None = None,
) -> EnrichReport:
    """Fetch the site's missing metadata into its lockfile.

    ``refresh``: None fetches only what is missing; an empty list refetches everything; IDs
    refetch those. ``offline`` only reports what is missing. Raises ``ContentError`` when the
    site or the lockfile is broken; fetch failures are in the report, after everything that
    could be fetched has been saved. Ctrl-C raises ``EnrichInterrupted``, with the report so far.
    """
    root = Path(source)
    environ = os.environ if environ is None else environ
    site = validate_site(_with_used_endpoint(load_site(root), environ))
    run = _Enrichment(root, site, read_lockfile(root), reporter or QuietReporter())
    arxiv_settings, s2_settings = source_settings(site, environ)
    refresh_ids = None if refresh is None else {canonical_arxiv_id(i) for i in refresh}
    extras: dict[str, Callable[[], Source]] = {
        "semantic-scholar": lambda: SemanticScholarSource(
            s2_settings, api_key=environ.get(API_KEY_VARIABLE)
        ),
    }
    try:
        run.arxiv(lambda: ArxivSource(arxiv_settings), refresh_ids, offline, resolve_titles)
        for name in extra_sources:
            if not offline:
                run.extra(extras[name], refresh_ids)
        if not offline:
            run.prune()
    except KeyboardInterrupt as interrupt:
        raise EnrichInterrupted(run.report) from interrupt
    finally:
        run.reporter.finish()
    run.report.warnings += run.mismatches() + run.stray(refresh_ids or set())
    return run.report


def source_settings(
    site: Site, environ: Mapping[str, str]
) -> tuple[ArxivSettings, SemanticScholarSettings]:
    """The sources' settings from ``papersite.yaml``, with the environment's endpoint overrides."""
    arxiv_settings = _override(site.config.arxiv, ARXIV_URL_VARIABLE, environ)
    s2_settings = _override(site.config.semantic_scholar, SEMANTIC_SCHOLAR_URL_VARIABLE, environ)
    return arxiv_settings, s2_settings


def _with_used_endpoint(loaded: LoadedSite, environ: Mapping[str, str]) -> LoadedSite:
    """``loaded`` with the arXiv endpoint the environment overrides in papersite.yaml's place,
    so that the least delay arXiv's terms ask for is checked against the URL used: a test
    server's may be shorter, arXiv's may not, whatever papersite.yaml names."""
    url = environ.get(ARXIV_URL_VARIABLE)
    config = loaded.config
    if not url or config is None or not isinstance(config.data, dict):
        return loaded
    _override(ArxivSettings(), ARXIV_URL_VARIABLE, environ)  # a URL at all, said in its words
    arxiv = config.data.get("arxiv", {})
    if isinstance(arxiv, dict):  # else not a mapping, which validation reports
        config.data["arxiv"] = {**arxiv, "api_url": url}
    return loaded


def _override(settings: SettingsT, variable: str, environ: Mapping[str, str]) -> SettingsT:
    url = environ.get(variable)
    if not url:
        return settings
    try:
        return type(settings).model_validate({**settings.model_dump(), "api_url": url})
    except ValidationError as error:
        reason = error.errors()[0]["msg"].removeprefix("Value error, ")  # pydantic's words
        raise PapersiteError(f"{variable}={url!r} is not usable: {reason}") from None


class _Enrichment:
    """One run of ``enrich``: the site, the lockfile as it grows, and the report."""

    def __init__(self, root: Path, site: Site, lockfile: Lockfile, reporter: Reporter) -> None:
        self.root = root
        self.site = site
        self.lockfile = lockfile
        self.reporter = reporter
        self.report = EnrichReport()
        self.by_id: dict[str, SitePaper] = {}
        """Papers whose digests give an arXiv ID, by canonical ID."""
        self.fetched: set[str] = set()
        """The IDs whose arXiv records this run fetched."""
        self.asked: set[str] = set()
        """The IDs whose arXiv records this run set out to fetch."""
        for paper in site.papers.values():
            given = given_arxiv_id(paper)
            if given is not None:
                self.by_id.setdefault(canonical_arxiv_id(given), paper)

    def arxiv(
        self,
        make_source: Callable[[], ArxivSource],
        refresh: set[str] | None,
        offline: bool,
        resolve_titles: bool,
    ) -> None:
        """Fetch the arXiv records the lockfile lacks (or ``refresh`` names), then resolve titles.
        A refresh also covers the records found from titles, which only it can fetch again."""
        wanted: dict[str, object] = {**self._used(), **self.by_id}
        todo = self._todo("arxiv", wanted, None if offline else refresh)
        self.report.already = len(self.by_id) - len(set(todo) & self.by_id.keys())
        if offline:
            self.report.missing += [
                missing_record(a)
                for arxiv_id in todo
                for a in self.by_id[arxiv_id].appearances
                if a.paper.arxiv
            ]
            return
        if not todo and not resolve_titles:
            return
        source = make_source()
        self.asked = set(todo)
        try:
            unknown = self._fetch(source, todo)
            self.report.errors += [
                problem
                for arxiv_id in unknown
                for problem in self._at_ids(
                    arxiv_id, f"arXiv has no paper {arxiv_id}; check the ID for a typo"
                )
            ]
            if resolve_titles:
                self._resolve_titles(source, refresh)
        finally:
            source.close()

    def extra(self, make_source: Callable[[], Source], refresh: set[str] | None) -> None:
        """Fetch another source's records for every paper that has an arXiv record."""
        source = make_source()
        try:
            self._fetch(source, self._todo(source.key, self._used(), refresh))
        finally:
            source.close()

    def _todo(self, key: str, wanted: Mapping[str, object], refresh: set[str] | None) -> list[str]:
        """The IDs of ``wanted`` to fetch from the source stored under ``key``: those without a
        record, and those ``refresh`` names (an empty ``refresh``: all of them)."""

        if refresh is not None and not refresh:
            return sorted(wanted)
        return sorted(i for i in wanted if not self._has(key, i) or (refresh and i in refresh))

    def _save(self) -> None:
        """Write the lockfile as it stands; a disk that refuses it stops the run, in words."""
        try:
            write_lockfile(self.root, self.lockfile)
        except OSError as error:  # a full disk, a read-only site folder
            raise PapersiteError(
                f"cannot write {self.root / LOCKFILE}: {error.strerror or error}; it is as it "
                f"was before this batch: {REFUSED_ADVICE}, and run the command again"
            ) from None

    def _has(self, key: str, arxiv_id: str) -> bool:
        """Whether the lockfile holds the record of the source stored under ``key``."""
        entry = self.lockfile.papers.get(arxiv_id)
        return entry is not None and getattr(entry, key) is not None

    def _at_ids(self, arxiv_id: str, message: str) -> list[Problem]:
        """``message`` at the ``arxiv`` field of each entry that gives ``arxiv_id``."""
        paper = self.by_id.get(arxiv_id)
        appearances = paper.appearances if paper is not None else []
        return [a.problem(message, "arxiv") for a in appearances if a.paper.arxiv]

    def _store(self, source: Source, found: Mapping[str, BaseModel | Unreadable]) -> set[str]:
        """Store the records of a batch's answer in the lockfile, and report each ID whose
        entry cannot be read; the IDs stored."""
        stored = set()
        for arxiv_id, record in found.items():
            if isinstance(record, Unreadable):
                self.report.errors += self._at_ids(
                    arxiv_id,
                    f"{source.label}'s answer for {arxiv_id} cannot be read ({record.reason}), "
                    f"so its record was not stored: run `{self._again(source, [arxiv_id])}` "
                    f"again later; if this persists, tell {source.label}",
                )
            else:
                self._put(source.key, arxiv_id, self._still_resolved(arxiv_id, record))
                stored.add(arxiv_id)
        return stored

    def _put(self, key: str, arxiv_id: str, record: BaseModel) -> None:
        """Store ``record`` as the lockfile's record of the source stored under ``key``, unless
        the record there differs from it only in when it was fetched: that one is kept,
        ``fetched`` included, so a refresh that finds nothing new leaves the file as it was
        (as a lockfile of packages is), and a pull request's diff shows only what changed."""
        entry = self.lockfile.papers.get(arxiv_id)
        old = getattr(entry, key) if entry is not None else None
        if old is not None and old == record.model_copy(update={"fetched": old.fetched}):
            return
        self.lockfile = self.lockfile.with_record(arxiv_id, **{key: record})

    def _still_resolved(self, arxiv_id: str, record: BaseModel) -> BaseModel:
        """``record``, fetched again by its ID, still marked with the title the lockfile's
        record was resolved from: the build finds it by that title."""
        entry = self.lockfile.papers.get(arxiv_id)
        old = entry.arxiv if entry is not None else None
        if not isinstance(record, ArxivRecord) or old is None or not old.resolved_from_title:
            return record
        return record.model_copy(update={"resolved_from_title": old.resolved_from_title})

    def _fetch(self, source: Source, ids: Sequence[str]) -> list[str]:
        """Fetch ``ids`` batch by batch, saving after each; the IDs the source does not know.
        One whose entry cannot be read is reported, and the rest of its batch kept."""
        unknown: list[str] = []
        if not ids:
            return unknown
        self.reporter.start(source.label, len(ids))
        for start in range(0, len(ids), source.batch_size):
            batch = ids[start : start + source.batch_size]
            try:
                records = with_retries(
                    source, batch, partial(source.fetch, batch), on_retry=self._tell_retry
                )
            except FetchError as error:
                # Asked twice for IDs none of which it ever gave, arXiv has none of them (a
                # mistyped ID): each is reported as unknown, and the next batches are fetched.
                # One it gave before is a failure of the server, as any other.
                known = any(self._has(source.key, arxiv_id) for arxiv_id in batch)
                if not isinstance(error.__cause__, EmptyAnswer) or known:
                    self.report.failures.append(self._failure(source, ids[start:], error))
                    return unknown
                records = {}
            stored = self._store(source, records)
            if source.key == "arxiv":
                self.fetched |= stored
            unknown += [arxiv_id for arxiv_id in batch if arxiv_id not in records]
            self.report.fetched[source.label] = self.report.fetched.get(source.label, 0) + len(
                stored
            )
            self._save()
            self.reporter.advance(len(batch))
        return unknown

    def _failure(self, source: Source, ids: Sequence[str], error: FetchError) -> FetchError:
        """``error`` for every ID left unfetched, saying how to try again when it may pass."""
        reason = error.reason
        if isinstance(error.__cause__, TransientError):
            reason += f"; run `{self._again(source, ids)}` later to try again"
        return FetchError(error.source, ids, reason)

    def _again(self, source: Source, ids: Sequence[str]) -> str:
        """The command that fetches ``ids`` from ``source`` again: one the lockfile has a record
        of is fetched only when ``--refresh`` names it, so the bare command would skip it."""
        command = "papersite enrich"
        if source.key != "arxiv":
            command += f" --with {source.key.replace('_', '-')}"  # semantic_scholar's option
        known = [arxiv_id for arxiv_id in ids if self._has(source.key, arxiv_id)]
        return command + (f" --refresh {' '.join(known)}" if known else "")

    def _tell_retry(self, reason: str, wait: float) -> None:
        self.reporter.log(f"{reason}; retrying in {wait:.1f} s")

    def _resolve_titles(self, source: ArxivSource, refresh: set[str] | None) -> None:
        unresolved = [
            paper
            for paper in self.site.papers.values()
            if given_arxiv_id(paper) is None
            and (refresh == set() or lockfile_entry(paper, self.lockfile) is None)
        ]
        if not unresolved:
            return
        self.reporter.start("arXiv title search", len(unresolved))
        # In the digests' order, so that the lines to paste go down each file.
        for paper in sorted(unresolved, key=_entry_order):
            self._resolve(source, paper)
            self.reporter.advance(1)

    def _resolve(self, source: ArxivSource, paper: SitePaper) -> None:
        appearance = paper.appearances[-1]
        title = english_title(paper)
        if title is None:
            self.report.warnings.append(
                appearance.problem(
                    "no English title to search arXiv with; add one, or the ID", "title"
                )
            )
            return
        try:
            candidates = self._candidates(source, title)
        except FetchError as error:
            self.report.failures.append(error)
            return
        scored = sorted(
            ((title_similarity(title, c.title), c) for c in candidates),
            key=lambda pair: -pair[0],
        )
        close = [c for score, c in scored if score >= SAME_TITLE]
        accepted = [c for c in close if same_numbers(c.title, title)]
        taken = self._taken(accepted[0].id, paper) if len(accepted) == 1 else None
        if taken is not None:
            self.report.warnings.append(appearance.problem(taken, "title"))
            return
        if len(accepted) == 1:
            record = accepted[0].model_copy(update={"resolved_from_title": title})
            self._unresolve(paper, record.id)
            self._put("arxiv", record.id, record)
            self._save()
            place = _place(appearance.problem("", "arxiv"))
            self.report.resolved.append(
                f'{place}: papers[{appearance.index}]: arxiv: "{record.id}"'
                f"  # {_shorten(record.title)}"
            )
            return
        listed = "; ".join(f"{c.title!r} ({c.id}, {score:.0f}%)" for score, c in scored[:3])
        if accepted:
            message = f"several arXiv papers have this title, not guessing: {listed}"
        elif close:
            message = (
                "arXiv's closest titles differ from this one in a number (another model, version "
                f"or size: another paper), not guessing: {listed}"
            )
        elif scored:
            message = f"no arXiv title matches closely enough (≥ {SAME_TITLE:.0f}%); best: {listed}"
        else:
            message = "arXiv's title search found nothing; add the ID by hand"
        self.report.warnings.append(appearance.problem(message, "title"))

    def _candidates(self, source: ArxivSource, title: str) -> list[ArxivRecord]:
        """arXiv's candidates for ``title``; when none is close and the title holds Greek
        letters, which arXiv's titles write in TeX (``$\\alpha$``), those of one more search with
        the letters spelled as TeX does (``titles.tex_spelled``)."""
        found = self._search(source, title, title)
        spelled = tex_spelled(title)
        if spelled is None or any(title_similarity(title, c.title) >= SAME_TITLE for c in found):
            return found
        known = {c.id for c in found}
        return found + [c for c in self._search(source, title, spelled) if c.id not in known]

    def _search(self, source: ArxivSource, title: str, words: str) -> list[ArxivRecord]:
        """arXiv's title search for ``words``; a failure names the digest's ``title``."""
        return with_retries(
            source, [title], lambda: source.search_titles(words), on_retry=self._tell_retry
        )

    def _unresolve(self, paper: SitePaper, arxiv_id: str) -> None:
        """Unmark the record ``paper``'s title was resolved to before, now that it resolves to
        ``arxiv_id`` (the other paper was retitled, or a new one took the title): two records
        resolved from one title are a lockfile its reader refuses, and the file is saved before
        the end of the run removes records no digest uses."""
        old = lockfile_entry(paper, self.lockfile)
        if old is not None and old.arxiv is not None and old.arxiv.id != arxiv_id:
            unmarked = old.arxiv.model_copy(update={"resolved_from_title": None})
            self._put("arxiv", old.arxiv.id, unmarked)

    def _taken(self, arxiv_id: str, paper: SitePaper) -> str | None:
        """Why ``paper``'s title, resolved to ``arxiv_id``, is not stored: another paper has the
        record, by its ID or by a title resolved before (storing this title over that one would
        take the record from it, and the next run would take it back); None when none has."""
        found = f"arXiv's paper of this title is {arxiv_id}, which"
        write = f'write `arxiv: "{arxiv_id}"`'
        named = self.by_id.get(arxiv_id)
        if named is not None:
            given = next(a for a in named.appearances if a.paper.arxiv)
            return (
                f"{found} {_place(given.problem('', 'arxiv'))} names already: {write} here too, "
                "so that both entries are one paper with one page"
            )
        resolved = self._resolved_by(arxiv_id, paper)
        if resolved is None:
            return None
        return (
            f"{found} the title at {_place(resolved.appearances[-1].problem('', 'title'))} "
            f"resolved to already: {write} in both entries, so that they are one paper with one page"
        )

    def _resolved_by(self, arxiv_id: str, paper: SitePaper) -> SitePaper | None:
        """The paper other than ``paper`` whose title the lockfile resolved to ``arxiv_id``."""
        entry = self.lockfile.papers.get(arxiv_id)
        if entry is None or entry.arxiv is None or not entry.arxiv.resolved_from_title:
            return None
        others = (other for other in self.site.papers.values() if other is not paper)
        return next((o for o in others if lockfile_entry(o, self.lockfile) is entry), None)

    def _used(self) -> dict[str, ArxivRecord]:
        """Every lockfile key some digest uses (by ID or resolved title), with its arXiv record."""
        used: dict[str, ArxivRecord] = {}
        for paper in self.site.papers.values():
            entry = lockfile_entry(paper, self.lockfile)
            if entry is not None and entry.arxiv is not None:
                used[entry.arxiv.id] = entry.arxiv
        return used

    def prune(self) -> None:
        """Drop records no digest uses any more, so the lockfile stays one record per paper."""
        used = self._used()
        keep = {
            key: entry
            for key, entry in self.lockfile.papers.items()
            if key in used or key in self.by_id
        }
        self.report.removed = len(self.lockfile.papers) - len(keep)
        if self.report.removed:
            self.lockfile = self.lockfile.with_papers(keep)
            self._save()

    def stray(self, refresh: set[str]) -> list[Problem]:
        """A warning for each ID ``--refresh`` names that no digest uses (a typo, probably)."""
        used = self.by_id.keys() | self._used().keys()
        return [
            Problem(LOCKFILE, 0, 0, "", f"--refresh {arxiv_id}: no digest names this paper")
            for arxiv_id in sorted(refresh - used)
        ]

    def mismatches(self) -> list[Problem]:
        """Withdrawn papers (found by ID or from their titles), unknown pinned versions and
        mistyped-looking IDs, now that the lockfile is complete."""
        warnings = []
        resolved = [p for p in self.site.papers.values() if given_arxiv_id(p) is None]
        for paper in [*self.by_id.values(), *resolved]:
            entry = lockfile_entry(paper, self.lockfile)
            paper.arxiv = entry.arxiv if entry else None
            arxiv_id = paper.arxiv.id if paper.arxiv else ""
            fetched = arxiv_id in self.fetched
            failed = arxiv_id in self.asked and not fetched
            warnings += paper_mismatches(paper, fetched=fetched, failed=failed)
        return warnings


def _entry_order(paper: SitePaper) -> tuple[str, int]:
    """Where the entry an ID found from the paper's title goes stands: its digest, its place."""
    appearance = paper.appearances[-1]
    return appearance.digest.path, appearance.index


def _place(problem: Problem) -> str:
    """``path:line`` of a problem: where an editor goes to write an ID."""
    return f"{problem.path}:{problem.line}"


def _shorten(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
