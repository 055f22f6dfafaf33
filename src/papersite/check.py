"""``papersite check``: every validation of the build, plus the lints an editor wants before review.

The build's stages run as they do for ``papersite build`` (``build.prepare_site``, then
rendering), without writing anything, and then the editorial lints look at the whole site:

- ``missing-translation``: a text written in some of the site's languages but not all;
- ``placeholder``: a paper still titled as ``papersite new`` wrote it ("Paper title"), an error:
  several such papers are one paper page, published under the placeholder;
- ``no-arxiv-id``: a paper with no arXiv ID and none resolved from its title;
- ``not-in-lockfile``: an ID whose arXiv record is missing from ``arxiv.lock.json``;
- ``arxiv-record``: the record disagrees with the entry (withdrawn, version, title);
- ``conflicting-paper``: one paper written differently in two digests (titles or IDs), or two
  entries that are the same paper under different identities (which would give two pages);
- ``unknown-tag``: a tag outside ``tags:`` of ``papersite.yaml``, with a did-you-mean;
- ``duplicate-link``: a paper linking to the same URL twice;
- ``long-period``, ``implausible-date``: a weekly period longer than a month, a date no digest
  can have, a conference digest dated years from its conference (a mistyped year?), or a
  weekly digest dated before its period starts;
- ``year-in-name``: a conference's name that holds its year, which its URL adds again;
- ``weekly-award``: an ``award`` on a paper of a weekly digest (it is for conference digests);
- ``markup``: a text the build could not fully render (TeX that is not MathML);
- ``glossary``: a text whose English uses a term of ``glossary.yaml`` and whose Korean uses a
  wrong rendering of it, or none of the accepted ones;
- ``unreviewed``: with ``review=True``, a machine-written text no one has reviewed yet
  (``provenance.py``);
- ``template``: a template of the site that fails on this content (at its file and line);
- ``dead-link``, ``redirect``: with ``links=True``, the external URLs checked over HTTP.

Whole-site lints need every digest, so the site is always checked as a whole; ``paths`` only
chooses which files' findings are reported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from papersite.context import SiteView
from papersite.enrich import missing_records, paper_mismatches
from papersite.errors import ContentError, PapersiteError, Problem, closest, counted
from papersite.fingerprint import digest_files
from papersite.glossary import glossary_problems
from papersite.i18n import ENGLISH, code_of, primary_language
from papersite.load import site_relative
from papersite.markup import MarkdownRenderer
from papersite.model import (
    EVERY_LANGUAGE,
    FIRST_YEAR,
    Appearance,
    Paper,
    Site,
    SitePaper,
    SourcedDigest,
    english_text,
    text_in,
)
from papersite.names import CHECK_FORMATS, DIGESTS_DIR, NOT_DIGESTS
from papersite.new import PLACEHOLDER_TITLE
from papersite.pipeline import prepare_site
from papersite.plain import markdown_words
from papersite.provenance import digest_texts, unreviewed_texts
from papersite.render import render_site
from papersite.titles import RELATED_TITLE, normalise_title, title_overlap

Severity = Literal["error", "warning"]
FORMATS = CHECK_FORMATS
JSON_FORMAT_VERSION = 1


@dataclass(frozen=True, order=True)
class Finding:
    """One thing ``check`` found: where and what (``problem``), how bad, and which lint."""

    problem: Problem
    severity: Severity
    rule: str


@dataclass
class CheckReport:
    """Every finding, sorted by file and line; ``ok`` when none is an error."""

    findings: list[Finding] = field(default_factory=list)
    digests: int = 0
    """The site's digests: every one is read, whatever ``paths`` chose."""
    paths: list[str] = field(default_factory=list)
    """The files and folders asked about (relative to the site); none: the whole site."""
    chosen: int = 0
    """How many of the site's digests ``paths`` hold."""
    links_checked: int = 0
    links_cached: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        links = ""
        if self.links_checked or self.links_cached:
            every = self.links_checked + self.links_cached  # fetched now, or answered before
            links = f", {every} links checked ({self.links_cached} from the cache)"
        checked = counted(self.digests, "digest")
        if self.paths:  # the findings are those of the paths, the count the site's
            checked = (
                f"{', '.join(self.paths)} ({self.chosen} of the site's {checked}, checked with "
                "the whole site)"
            )
        found = f"{counted(len(self.errors), 'error')}, {counted(len(self.warnings), 'warning')}"
        return f"Checked {checked}{links}: {found}"


def check_site(
    source: Path | str = ".",
    paths: Sequence[Path | str] = (),
    *,
    strict: bool = False,
    links: bool = False,
    link_cache: bool = True,
    link_cache_hours: float | None = None,
    review: bool = False,
    strict_review: bool = False,
) -> CheckReport:
    """Check the site in ``source``; report only the findings in ``paths`` (files or folders,
    relative to the current folder, or else to ``source``) when any are given. ``strict`` makes warnings errors;
    ``links`` checks every external URL (network); ``link_cache=False`` neither reads nor writes
    the cache of results, ``link_cache_hours`` overrides how long a working link's result is kept.
    ``review`` lists every machine-written text not yet reviewed (``unreviewed``, a warning);
    ``strict_review`` lists them as errors.
    Raises ``PapersiteError`` for a path outside the site or missing."""
    source = Path(source)
    chosen = [_site_relative(Path(p), source) for p in paths]
    _refuse_paths_without_digests(paths, chosen, digest_files(source))
    report = CheckReport(paths=[] if "." in chosen else chosen)
    try:
        prepared = prepare_site(source)
    except ContentError as error:
        report.findings = _tagged(error.problems, "error", "invalid")
        # Every file was read, valid or not; not a link to nothing, a pipe, a folder.
        read = [path for path in digest_files(source) if (source / path).is_file()]
        _count_digests(report, read)
    else:
        site = prepared.site
        _count_digests(report, [sourced.path for sourced in site.digests])
        report.findings = list(_lints(site, prepared.view, source))
        if review or strict_review:
            severity: Severity = "error" if strict_review else "warning"
            for sourced in site.digests:
                report.findings += _tagged(
                    unreviewed_texts(sourced, site.config.languages), severity, "unreviewed"
                )
        if links:
            report.findings += _link_findings(
                site, source, report, use_cache=link_cache, cache_hours=link_cache_hours
            )
    if strict:
        report.findings = [Finding(f.problem, "error", f.rule) for f in report.findings]
    report.findings = sorted(f for f in report.findings if _chosen(f.problem.path, chosen))
    return report


def _count_digests(report: CheckReport, paths: list[str]) -> None:
    report.digests = len(paths)
    report.chosen = sum(_chosen(path, report.paths) for path in paths)


def _lints(site: Site, view: SiteView, source: Path) -> Iterator[Finding]:
    # The enrich stage's warnings are made again below, one rule for each kind.
    yield from _tagged(view.warnings, "warning", "markup")
    yield from _template_errors(view, source)
    for site_paper in site.papers.values():
        yield from _tagged(missing_records(site_paper), "warning", "not-in-lockfile")
        yield from _tagged(paper_mismatches(site_paper), "warning", "arxiv-record")
        yield from _no_arxiv_id(site_paper)
        yield from _conflicting_entries(site_paper, site.config.languages)
    yield from _same_paper_twice(site)
    if site.glossary is not None:
        # The pages' parser, so that a term counts where the page marks it (not in code, say).
        found = glossary_problems(site.glossary, site.digests, MarkdownRenderer().parser)
        yield from _tagged(found, "warning", "glossary")
    for sourced in site.digests:
        yield from _missing_translations(sourced, site.config.languages)
        yield from _long_period(sourced)
        yield from _implausible_dates(sourced)
        yield from _year_in_name(sourced)
        yield from _unknown_tags(sourced, site.config.tags)
        for index, paper in enumerate(sourced.digest.papers):
            yield from _placeholder_title(sourced, index, paper)
            yield from _duplicate_links(sourced, index, paper)
            yield from _weekly_award(sourced, index, paper)


def _template_errors(view: SiteView, source: Path) -> list[Finding]:
    """Every page rendered, as the build renders it, and dropped: a template that fails on this
    content fails the build too."""
    try:
        render_site(view, source)
    except ContentError as error:
        return _tagged(error.problems, "error", "template")
    return []


def _tagged(problems: Iterable[Problem], severity: Severity, rule: str) -> list[Finding]:
    return [Finding(problem, severity, rule) for problem in problems]


# --- the lints ----------------------------------------------------------------------------------


def _missing_translations(sourced: SourcedDigest, languages: list[str]) -> Iterator[Finding]:
    """A text given in some languages only. A plain string is every language's text, and an
    English abstract may be left to arXiv (``context.filled``), so neither is reported."""
    for location, text in ((t.location, t.text) for t in digest_texts(sourced.digest)):
        if not text or EVERY_LANGUAGE in text or not any(v.strip() for v in text.values()):
            continue
        for lang in languages:
            if text_in(text, lang) is None and not _left_to_arxiv(location, lang, languages):
                present = ", ".join(code for code in languages if text_in(text, code))
                yield Finding(
                    sourced.problem(
                        (*location, lang) if lang in text else location,
                        f"no '{lang}' text (there is {present}): translate it, or write one "
                        "plain string if the text is the same in every language",
                    ),
                    "warning",
                    "missing-translation",
                )


def _left_to_arxiv(location: tuple[str | int, ...], lang: str, languages: list[str]) -> bool:
    """The English abstract (``en``, or ``en-US``: the one ``context.filled`` fills) falls back
    to arXiv's (see the digest format)."""
    return location[-1] == "abstract" and lang == code_of(languages, ENGLISH)


def _no_arxiv_id(paper: SitePaper) -> Iterator[Finding]:
    if paper.arxiv is not None or any(a.paper.arxiv for a in paper.appearances):
        return
    for appearance in paper.appearances:
        yield Finding(
            appearance.problem(
                "no arXiv ID, and none resolved from the title: add `arxiv:` "
                "(`papersite enrich --resolve-titles` searches arXiv by title), or leave it if "
                "the paper is not on arXiv",
                "title",
            ),
            "warning",
            "no-arxiv-id",
        )


def _conflicting_entries(paper: SitePaper, languages: list[str]) -> Iterator[Finding]:
    """Entries of one paper (one identity) that disagree: another title in any language, or
    another version of the ID. Each later entry is compared with the first."""
    first, *later = paper.appearances
    for appearance in later:
        for lang in languages:
            yield from _conflicting_title(paper.identity, first, appearance, lang)
        if first.paper.arxiv and appearance.paper.arxiv != first.paper.arxiv:
            yield Finding(
                appearance.problem(
                    f"{appearance.paper.arxiv or 'no ID'} here, but {first.paper.arxiv} in "
                    f"{first.digest.path}: use one ID (with the same version, or none) in every "
                    "digest",
                    "arxiv",
                ),
                "warning",
                "conflicting-paper",
            )


def _conflicting_title(
    identity: str, first: Appearance, appearance: Appearance, lang: str
) -> Iterator[Finding]:
    """A later entry's title in ``lang`` spelt otherwise than the first entry's: the paper's
    page shows one of the two. In English, a title unrelated to the first is an error (a
    mistyped ID?); a translation may be worded anew without being another paper."""
    first_title = text_in(first.paper.title, lang) or ""
    title = text_in(appearance.paper.title, lang) or ""
    # Compared as written, but for case and spaces: punctuation can make another paper
    # ("C++" and "C" give one slug, so one page, without an ID).
    if not title or not first_title or _spelling(title) == _spelling(first_title):
        return
    where = first.problem("", "title").where
    english = primary_language(lang) == ENGLISH
    unrelated = english and title_overlap(title, first_title) < RELATED_TITLE
    titled = f"is titled {first_title!r}" if english else f"has the {lang} title {first_title!r}"
    yield Finding(
        appearance.problem(
            f"{identity} {titled} in {where}; "
            + (
                "these look like two papers: is one ID mistyped?"
                if unrelated
                else "use one title in every digest"
            ),
            "title",
        ),
        "error" if unrelated else "warning",
        "conflicting-paper",
    )


def _spelling(title: str) -> str:
    """A title's words as a reader sees them (its Markdown marks left out, as
    ``Paper.identity`` leaves them), but for case and spaces."""
    return " ".join(markdown_words(title, inline=True).casefold().split())


def _same_paper_twice(site: Site) -> Iterator[Finding]:
    """Two identities for one paper: the same English title, or the same arXiv record (an ID in
    one digest, resolved from the title in another). They would get two paper pages."""
    by_key: dict[str, list[SitePaper]] = defaultdict(list)
    for paper in site.papers.values():
        keys = {f"arxiv:{paper.arxiv.id}"} if paper.arxiv else set()
        keys |= {
            f"title:{normalise_title(title)}"
            for a in paper.appearances
            if (title := english_text(a.paper.title))
        }
        for key in keys:
            by_key[key].append(paper)
    reported: set[tuple[str, str]] = set()
    for same in by_key.values():
        first, *others = same
        for other in others:
            if (first.identity, other.identity) in reported:
                continue
            reported.add((first.identity, other.identity))
            there = first.appearances[0]
            yield Finding(
                other.appearances[0].problem(
                    f"the same paper as {first.identity} in {there.digest.path}, under another "
                    f"identity ({other.identity}), so it would get two pages: give both entries "
                    "the same arXiv ID",
                    "title",
                ),
                "error",
                "conflicting-paper",
            )


def _unknown_tags(sourced: SourcedDigest, vocabulary: list[str]) -> Iterator[Finding]:
    if not vocabulary:
        return
    places: list[tuple[tuple[str | int, ...], list[str]]] = [(("tags",), sourced.digest.tags)]
    places += [(("papers", i, "tags"), p.tags) for i, p in enumerate(sourced.digest.papers)]
    for location, tags in places:
        for number, tag in enumerate(tags):
            if tag in vocabulary:
                continue
            close = closest(tag, vocabulary)
            hint = f"did you mean '{close}'? " if close else ""
            yield Finding(
                sourced.problem(
                    (*location, number),
                    f"'{tag}' is not in the site's tags (tags: in papersite.yaml); {hint}"
                    "use one of them, or add it there",
                ),
                "error",
                "unknown-tag",
            )


LONGEST_WEEK_DAYS = 31
"""The longest period a weekly digest covers without a warning: a double issue over a holiday
is a week or two longer than a week; a longer one is likely a mistyped year or month
(2025-03-17 to 2026-03-23), which would date the digest, and sort it, months or years away."""


def _long_period(sourced: SourcedDigest) -> Iterator[Finding]:
    """A weekly digest's period too long to be a week's. A warning, not an error: the digest
    contract sets no length, and the build publishes what is written."""
    period = sourced.digest.period
    if period is None or (period.end - period.start).days < LONGEST_WEEK_DAYS:
        return
    days = (period.end - period.start).days + 1
    yield Finding(
        sourced.problem(
            ("period", "end"),
            f"the period from {period.start} to {period.end} is {days} days long, and a weekly "
            f"digest covers a week or two (at most {LONGEST_WEEK_DAYS} days without this "
            "warning): is its year or month mistyped?",
        ),
        "warning",
        "long-period",
    )


DIGEST_YEARS = (FIRST_YEAR, 1)
"""The first year a digest may be dated without a warning, and how many years after today's."""
YEARS_APART = 1
"""How many years a digest's date may be from the year it covers: an award of December is
written up in January."""


def _implausible_dates(sourced: SourcedDigest) -> Iterator[Finding]:
    """A digest dated years from what it covers, or a date no digest can have (0001-01-01,
    9999-12-31): a mistyped year, which would date and sort the digest far away. A warning,
    not an error: the digest contract sets no range, and the build publishes it."""
    found = (
        _far_from_what_it_covers(sourced) or _before_its_period(sourced) or _out_of_range(sourced)
    )
    if found is not None:
        yield found


def _far_from_what_it_covers(sourced: SourcedDigest) -> Finding | None:
    """A conference digest's date, or a weekly digest's own (not its period's end), years
    from its conference's year or its period."""
    digest = sourced.digest
    if digest.conference is not None:
        year, what = digest.conference.year, f"its conference ({digest.conference.year})"
    elif digest.period is not None and "date" in digest.model_fields_set:
        year, what = (
            digest.period.end.year,
            f"its period ({digest.period.start} to {digest.period.end})",
        )
    else:
        return None
    apart = digest.published.year - year
    if abs(apart) <= YEARS_APART:
        return None
    side = "before" if apart < 0 else "after"
    return _date_finding(
        sourced,
        ("date",),
        f"the digest is dated {digest.published}, {abs(apart)} years {side} {what}",
    )


def _before_its_period(sourced: SourcedDigest) -> Finding | None:
    """A weekly digest dated before its period starts: published before the week it picks
    papers from, which puts it before that week in the archive and the feeds."""
    digest = sourced.digest
    if digest.period is None or digest.published >= digest.period.start:
        return None
    return Finding(
        sourced.problem(
            ("date",),
            f"the digest is dated {digest.published}, before its period starts "
            f"({digest.period.start}): write the day it was published, or leave 'date' out "
            f"(it is then the period's end, {digest.period.end})",
        ),
        "warning",
        "implausible-date",
    )


def _out_of_range(sourced: SourcedDigest) -> Finding | None:
    """The first of the digest's dates (its period's, then its own) outside ``DIGEST_YEARS``."""
    digest = sourced.digest
    dates: list[tuple[tuple[str, ...], dt.date]] = []
    if digest.period is not None:
        dates += [
            (("period", "start"), digest.period.start),
            (("period", "end"), digest.period.end),
        ]
    if "date" in digest.model_fields_set:
        dates.append((("date",), digest.published))
    first, ahead = DIGEST_YEARS
    for location, day in dates:
        if not first <= day.year <= dt.date.today().year + ahead:
            what = f"{day} is not a date a digest can have (from {first} to a year from today)"
            return _date_finding(sourced, location, what)
    return None


def _year_in_name(sourced: SourcedDigest) -> Iterator[Finding]:
    """A conference's name that holds its year ('NeurIPS 2025'), which its URL adds again
    (/conferences/neurips-2025-2025/), as its pages' titles do."""
    conference = sourced.digest.conference
    if conference is None:
        return
    year = re.compile(rf"(?<!\d){conference.year}(?!\d)")
    if year.search(conference.name) is None:
        return
    without = year.sub("", conference.name).strip(" -–—_,'’")
    advice = f" ({without!r})" if without else ""
    yield Finding(
        sourced.problem(
            ("conference", "name"),
            f"the name {conference.name!r} holds the year, which the digest's URL adds again "
            f"(/{sourced.url}): write the name without it{advice}; the year is "
            f"'year: {conference.year}'",
        ),
        "warning",
        "year-in-name",
    )


def _date_finding(sourced: SourcedDigest, location: tuple[str, ...], what: str) -> Finding:
    return Finding(
        sourced.problem(location, f"{what}: is its year mistyped?"), "warning", "implausible-date"
    )


def _weekly_award(sourced: SourcedDigest, index: int, paper: Paper) -> Iterator[Finding]:
    """An award in a weekly digest. The digest format gives 'award' to conference digests but
    does not forbid it elsewhere, and the pages show it: a warning, so that a build goes on."""
    if paper.award is not None and sourced.digest.kind == "weekly":
        yield Finding(
            sourced.problem(
                ("papers", index, "award"),
                "'award' is for the papers of a conference digest (best-paper, runner-up, oral, "
                "spotlight, or the award's name); on a weekly digest it shows as a badge beside "
                "the title: remove it, unless the badge is meant",
            ),
            "warning",
            "weekly-award",
        )


def _placeholder_title(sourced: SourcedDigest, index: int, paper: Paper) -> Iterator[Finding]:
    """The skeleton's title, left: an error, as the build would publish it (the build goes on,
    so that a new digest can be previewed while it is written)."""
    for lang, title in paper.title.items():
        if _spelling(title) == _spelling(PLACEHOLDER_TITLE):
            where = ("papers", index, "title") if lang == EVERY_LANGUAGE else None
            yield Finding(
                sourced.problem(
                    where or ("papers", index, "title", lang),
                    f"'{title.strip()}' is the placeholder `papersite new` writes: give the "
                    "paper's own title (papers left with it would be one page)",
                ),
                "error",
                "placeholder",
            )


def _duplicate_links(sourced: SourcedDigest, index: int, paper: Paper) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for number, link in enumerate(paper.links):
        key = _comparable_url(link.url)
        if key in seen:
            yield Finding(
                sourced.problem(
                    ("papers", index, "links", number, "url"),
                    f"the same URL as links[{seen[key]}]: keep one of them",
                ),
                "warning",
                "duplicate-link",
            )
        else:
            seen[key] = number


def _comparable_url(url: str) -> str:
    """Scheme and host are case-insensitive, and a trailing slash names the same page."""
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}".rstrip("/")


# --- links -------------------------------------------------------------------------------------


def _link_findings(
    site: Site, source: Path, report: CheckReport, *, use_cache: bool, cache_hours: float | None
) -> list[Finding]:
    # Imported here: only --links needs httpx's async client and the cache.
    from papersite.linkcheck import CACHE_FILE, check_links, collect_links

    cache = source / CACHE_FILE if use_cache else None
    links = check_links(
        collect_links(site), site.config.links, cache_file=cache, reuse_hours=cache_hours
    )
    report.links_checked, report.links_cached = links.checked, links.cached
    cache_warnings = [replace(p, path=CACHE_FILE.as_posix()) for p in links.cache_warnings]
    return [
        *_tagged(links.errors, "error", "dead-link"),
        *_tagged(links.warnings, "warning", "redirect"),
        *_tagged(links.limited, "warning", "rate-limited"),
        *_tagged(cache_warnings, "warning", "link-cache"),
    ]


# --- which files ---------------------------------------------------------------------------------


def _site_relative(path: Path, source: Path) -> str:
    """``path`` relative to the site, read as ``export`` reads its DIGEST
    (``load.site_relative``), where it exists."""
    if not (path.exists() or (source / path).exists()):
        raise PapersiteError(f"{path} does not exist (in the current folder, nor in {source})")
    relative = site_relative(source, path, existing=True)
    if relative is None:
        raise PapersiteError(
            f"{path} is not inside the site folder {source}; check files of the site, or give "
            "--source"
        )
    return relative


def _refuse_paths_without_digests(
    paths: Sequence[Path | str], chosen: list[str], files: list[str]
) -> None:
    """A PATH in ``digests/`` that holds no digest (a draft, a note) would report nothing, as if
    it had been checked and found clean."""
    for given, relative in zip(paths, chosen, strict=True):
        in_digests = relative == DIGESTS_DIR or relative.startswith(f"{DIGESTS_DIR}/")
        if in_digests and not any(_chosen(path, [relative]) for path in files):
            raise PapersiteError(
                f"{given} holds none of the site's digests, so nothing in it would be checked: "
                f"{NOT_DIGESTS}; rename a draft to check it"
            )


def _chosen(path: str, chosen: list[str]) -> bool:
    """Whether a finding in ``path`` is reported; findings outside the digests (the
    configuration, the link cache) always are."""
    if not chosen or not path.startswith("digests/"):
        return True
    return any(c == "." or path == c or path.startswith(c.rstrip("/") + "/") for c in chosen)


# --- output ------------------------------------------------------------------------------------


def format_text(report: CheckReport) -> str:
    """``path:line:col: error: field: message``, one a line, as compilers print them."""
    lines = []
    for finding in report.findings:
        problem = finding.problem
        lines.append(f"{problem.where}: {finding.severity}: {problem.what} [{finding.rule}]")
    return "\n".join([*lines, report.summary()]) + "\n"


def format_github(report: CheckReport, source: Path, cwd: Path | None = None) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its file and line
    in the pull request's diff. Paths are relative to the working folder, the repository's root
    in a workflow."""
    lines = []
    for finding in report.findings:
        problem = finding.problem
        path = _from_cwd(source / problem.path, cwd or Path.cwd())
        properties = [f"file={_escape_property(path)}"]
        if problem.line:
            properties.append(f"line={problem.line}")
        if problem.column:
            properties.append(f"col={problem.column}")
        title = f"{finding.rule}: {problem.field}" if problem.field else finding.rule
        properties.append(f"title={_escape_property(title)}")
        lines.append(
            f"::{finding.severity} {','.join(properties)}::{_escape_data(problem.message)}"
        )
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def _from_cwd(path: Path, cwd: Path) -> str:
    return Path(os.path.relpath(path.resolve(), cwd.resolve())).as_posix()


def _escape_data(value: str) -> str:
    # The escapes of GitHub's toolkit (@actions/core, command.ts).
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_json(report: CheckReport) -> str:
    """A stable document for tools; see the README for its fields."""
    document = {
        "version": JSON_FORMAT_VERSION,
        "ok": report.ok,
        "digests": report.digests,
        "paths": report.paths,
        "chosen": report.chosen,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "links": {"checked": report.links_checked, "cached": report.links_cached},
        "findings": [
            {
                "severity": finding.severity,
                "rule": finding.rule,
                "path": finding.problem.path,
                "line": finding.problem.line,
                "column": finding.problem.column,
                "field": finding.problem.field,
                "message": finding.problem.message,
            }
            for finding in report.findings
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
