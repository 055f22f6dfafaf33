"""The build's enrich stage: every paper gets its records from the lockfile, never the network.

A paper is found in the lockfile by its arXiv ID, or, without one, by the title an earlier
``enrich --resolve-titles`` resolved. What the digest says always wins over the records; that merge
happens where pages are prepared (``context.py``). This stage only attaches the records and warns
where the editor should act: a record missing from the lockfile, a withdrawn paper, a pinned version
newer than the lockfile knows, or an arXiv title that shows the ID is probably mistyped.
"""

from __future__ import annotations

from papersite.arxiv_ids import arxiv_version, canonical_arxiv_id
from papersite.errors import Problem
from papersite.lockfile import LOCKFILE, LockEntry, Lockfile
from papersite.model import Appearance, ArxivRecord, Site, SitePaper, english_text
from papersite.resident import same_objects
from papersite.titles import RELATED_TITLE, normalise_title, title_overlap

Enriched = tuple[SitePaper, tuple[object, ...], tuple[int, ...], LockEntry | None, list[Problem]]
"""What a paper was enriched from (the paper, the lockfile and each of its entries' digests, the
very objects, and the entries' places in them), the lockfile entry found for it, and its
warnings."""


def enrich_site(
    site: Site, lockfile: Lockfile, kept: dict[str, Enriched] | None = None
) -> list[Problem]:
    """Attach each paper's lockfile records; the warnings an editor should act on. ``kept`` (a
    process that builds again: ``resident.py``) holds what the last build found for each paper,
    by identity, which is used again for a paper enriched from the same objects; it is then
    replaced by what this build found."""
    warnings: list[Problem] = []
    found: dict[str, Enriched] = {}
    for paper in site.papers.values():
        memo = kept.get(paper.identity) if kept is not None else None
        if memo is None or memo[0] is not paper or memo[1][0] is not lockfile:
            memo = _enriched(paper, lockfile, memo)
        # Else the very paper the last build grouped, of the same entries (``validate.Collected``).
        found[paper.identity] = memo
        _attach(paper, memo[3])
        warnings += memo[4]
    if kept is not None:
        kept.clear()
        kept.update(found)
    return warnings


def _enriched(paper: SitePaper, lockfile: Lockfile, memo: Enriched | None) -> Enriched:
    """What enriching ``paper`` finds; ``memo``'s, if made from the same lockfile and digests."""
    sources = (lockfile, *(a.digest for a in paper.appearances))
    indexes = tuple(a.index for a in paper.appearances)
    if memo is not None and same_objects(memo[1], sources) and memo[2] == indexes:
        return (paper, *memo[1:])
    entry = lockfile_entry(paper, lockfile)
    _attach(paper, entry)  # the warnings read the records
    return (paper, sources, indexes, entry, record_warnings(paper))


def _attach(paper: SitePaper, entry: LockEntry | None) -> None:
    # Even none: a paper the last build grouped is the same object (``validate.Collected``).
    paper.arxiv = entry.arxiv if entry is not None else None
    paper.semantic_scholar = entry.semantic_scholar if entry is not None else None


def given_arxiv_id(paper: SitePaper) -> str | None:
    """The arXiv ID the digests give for a paper (the latest digest's), if any."""
    return next((a.paper.arxiv for a in reversed(paper.appearances) if a.paper.arxiv), None)


def english_title(paper: SitePaper) -> str | None:
    """The paper's English title as the latest digest writes it; the name arXiv knows it by."""
    return next(
        (title for a in reversed(paper.appearances) if (title := english_text(a.paper.title))),
        None,
    )


def lockfile_entry(paper: SitePaper, lockfile: Lockfile) -> LockEntry | None:
    """The paper's lockfile entry: by its arXiv ID, else by its resolved English title."""
    arxiv_id = given_arxiv_id(paper)
    if arxiv_id is not None:
        return lockfile.entry(arxiv_id)
    title = english_title(paper)
    return lockfile.resolved(normalise_title(title)) if title else None


def record_warnings(paper: SitePaper) -> list[Problem]:
    """What is wrong between each digest entry's ``arxiv:`` and the paper's arXiv record."""
    return missing_records(paper) + paper_mismatches(paper)


def missing_records(paper: SitePaper) -> list[Problem]:
    """One warning per entry that gives an arXiv ID, when the lockfile has no record for it."""
    if paper.arxiv is not None:
        return []
    return [missing_record(a) for a in paper.appearances if a.paper.arxiv is not None]


def paper_mismatches(
    paper: SitePaper, *, fetched: bool = False, failed: bool = False
) -> list[Problem]:
    """``record_mismatches`` of every entry of the paper."""
    return [
        problem
        for a in paper.appearances
        for problem in record_mismatches(a, paper, fetched=fetched, failed=failed)
    ]


def missing_record(appearance: Appearance) -> Problem:
    arxiv_id = canonical_arxiv_id(appearance.paper.arxiv or "")
    return appearance.problem(
        f"arXiv's data for {arxiv_id} is not in {LOCKFILE}, so the page shows only what the "
        "digest says; run `papersite enrich` and commit the lockfile",
        "arxiv",
    )


def record_mismatches(
    appearance: Appearance, paper: SitePaper, *, fetched: bool = False, failed: bool = False
) -> list[Problem]:
    """Warnings about an entry whose ID has a record: withdrawn, a pinned version the record does
    not know, or a title that is not this paper's. ``fetched``: the record was fetched just now,
    so arXiv has no later version than it knows; ``failed``: fetching it again just failed, so
    the advice is that failure's, not the command that was just run."""
    record = paper.arxiv
    given = appearance.paper.arxiv
    if record is None:
        return []
    if given is None:
        # A record found from the paper's title (``enrich --resolve-titles``), when no entry of
        # the paper gives the ID: there is no ID to check, but the paper may be withdrawn.
        return [] if given_arxiv_id(paper) else _withdrawn(appearance, record, "title")
    warnings = _withdrawn(appearance, record, "arxiv")
    pinned = arxiv_version(given)
    if pinned is not None and record.version is not None and pinned > record.version:
        newer = f"v{pinned} is newer than the latest version {LOCKFILE} knows (v{record.version})"
        message = (
            f"arXiv has no v{pinned} of {record.id}: its latest version is v{record.version}; "
            "check the version"
            if fetched
            else f"{newer}, and fetching {record.id} again failed: see the error that names it"
            if failed
            else f"{newer}; run `papersite enrich --refresh {record.id}`"
        )
        warnings.append(appearance.problem(message, "arxiv"))
    title = english_text(appearance.paper.title)
    if title and title_overlap(title, record.title) < RELATED_TITLE:
        warnings.append(
            appearance.problem(
                f"arXiv's title for {record.id} is {record.title!r}, not this paper's; "
                "is the ID mistyped?",
                "arxiv",
            )
        )
    return warnings


def _withdrawn(appearance: Appearance, record: ArxivRecord, field: str) -> list[Problem]:
    """A warning at ``field`` when arXiv marks the record's paper as withdrawn."""
    if not record.withdrawn:
        return []
    why = f" ({record.comment})" if record.comment else ""
    check = "check the ID" if field == "arxiv" else f"check that {record.id} is this paper"
    return [
        appearance.problem(
            f"arXiv marks {record.id} as withdrawn{why}; {check}, or say so in the digest", field
        )
    ]
