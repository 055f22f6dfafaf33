"""Who wrote each text of a digest, and which machine-written texts still wait for a review.

A digest's ``provenance`` (``model.Provenance``) and each paper's (``model.PaperProvenance``)
give a status per field and language: ``human``, ``machine``, ``upstream`` or ``reviewed``. A
text's status is the first that applies of: the paper's own for the field, the paper's
default, the digest's for the field, the digest's default. Without any, the status is unknown
and nothing is assumed: no badge, nothing to review.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from papersite.errors import Problem
from papersite.model import (
    EVERY_LANGUAGE,
    Digest,
    Paper,
    ProvenanceStatus,
    SourcedDigest,
    is_blank,
)

Location = tuple[str | int, ...]

UNREVIEWED: ProvenanceStatus = "machine"
"""The one status readers are warned of and editors asked to review."""


@dataclass(frozen=True)
class DigestText:
    """One text of a digest: where it is, which provenance field covers it, and the text."""

    location: Location
    """``("papers", 0, "summary")``: as ``SourcedDigest.problem`` takes it."""
    field: str
    """The provenance field: ``title``, ``overview``, ``summary``, ``abstract``, ``sections``."""
    paper: int | None
    """The paper's index in the digest; None for the digest's own texts."""
    text: dict[str, str] | None


def digest_texts(digest: Digest) -> Iterator[DigestText]:
    """Every text of the digest, its own first, then each paper's in order."""
    yield DigestText(("title",), "title", None, digest.title)
    yield DigestText(("overview",), "overview", None, digest.overview)
    for index, paper in enumerate(digest.papers):
        yield from paper_texts(paper, index)


def paper_texts(paper: Paper, index: int) -> Iterator[DigestText]:
    """Every text of the digest's paper number ``index``, in order."""
    at = ("papers", index)
    yield DigestText((*at, "title"), "title", index, paper.title)
    yield DigestText((*at, "summary"), "summary", index, paper.summary)
    yield DigestText((*at, "abstract"), "abstract", index, paper.abstract)
    for number, section in enumerate(paper.sections):
        yield DigestText((*at, "sections", number, "title"), "sections", index, section.title)
        yield DigestText((*at, "sections", number, "body"), "sections", index, section.body)


def status(digest: Digest, paper: int | None, field: str, lang: str) -> ProvenanceStatus | None:
    """The status of ``field`` in ``lang`` of the digest (``paper`` None) or of one paper: the
    first that applies, from the paper's own to the digest's default."""
    own = digest.papers[paper].provenance if paper is not None else None
    for provenance in (own, digest.provenance):
        found = provenance.status(field, lang) if provenance is not None else None
        if found is not None:
            return found
    return None


def author(digest: Digest, paper: int | None, status: ProvenanceStatus) -> str | None:
    """Who the provenance names for ``status`` (``by:``), the paper's over the digest's. A
    blank name names no one (the notice would read "written by   and")."""
    own = digest.papers[paper].provenance if paper is not None else None
    for provenance in (own, digest.provenance):
        name = provenance.by.get(status, "") if provenance is not None else ""
        if not is_blank(name):
            return name.strip()
    return None


def text_statuses(
    digest: Digest, text: DigestText, languages: Sequence[str]
) -> dict[str, ProvenanceStatus]:
    """The status of each language of ``text`` that the provenance gives one: the codes as
    they are in the text. One string for every language (``EVERY_LANGUAGE``) is what the
    reader of each of the site's ``languages`` reads, so it takes its status from theirs
    (``shared_status``)."""
    if text.text is not None and EVERY_LANGUAGE in text.text:
        each = (status(digest, text.paper, text.field, lang) for lang in languages)
        found = {EVERY_LANGUAGE: shared_status(each)}
    else:
        found = {lang: status(digest, text.paper, text.field, lang) for lang in text.text or {}}
    return {lang: known for lang, known in found.items() if known is not None}


def shared_status(statuses: Iterable[ProvenanceStatus | None]) -> ProvenanceStatus | None:
    """The status of one text that every language shares, from each language's: a machine's if
    any language's is (each reads that one text), else the one the others agree on; None if
    they disagree or none is known."""
    given = {known for known in statuses if known is not None}
    if UNREVIEWED in given:
        return UNREVIEWED
    return given.pop() if len(given) == 1 else None


def unreviewed_languages(digest: Digest, text: DigestText, languages: Sequence[str]) -> list[str]:
    """The languages of ``text`` written by a machine and not reviewed (not empty ones), of a
    site in ``languages``."""
    return [
        lang
        for lang, known in text_statuses(digest, text, languages).items()
        if known == UNREVIEWED and text.text and not is_blank(text.text[lang])
    ]


def unreviewed_texts(sourced: SourcedDigest, languages: Sequence[str]) -> Iterator[Problem]:
    """Each machine-written text of the digest that no one has reviewed, at its language, of a
    site in ``languages``."""
    digest = sourced.digest
    for text in digest_texts(digest):
        for lang in unreviewed_languages(digest, text, languages):
            shared = lang == EVERY_LANGUAGE
            machine = author(digest, text.paper, UNREVIEWED)
            yield sourced.problem(
                text.location if shared else (*text.location, lang),
                f"{'the' if shared else f'the {lang!r}'} text was written by "
                f"{machine or 'a machine'} and has not been reviewed: review it, then mark "
                f"it 'reviewed' in provenance",
            )
