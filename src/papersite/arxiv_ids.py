"""arXiv identifiers: their one pattern, the check that an ID is one arXiv can have issued, and
the canonical form a paper is known by.

arXiv's scheme (https://info.arxiv.org/help/arxiv_identifier.html):

- old style, August 1991 to March 2007: ``archive/YYMMNNN`` (``hep-th/9901001``), where the
  archive may carry a subject class (``math.GT/0309136``) that is not part of the identifier:
  arXiv knows that paper as ``math/0309136``;
- new style, from April 2007: ``YYMM.NNNN`` (``0704.0001``), with five digits from January 2015
  (``1501.00001``);
- either with a version, ``vN`` from ``v1``; without one, the ID names the paper (its latest
  version).
"""

from __future__ import annotations

import re
import time
import unicodedata
from typing import NamedTuple

from papersite.i18n import format_month

# ASCII digits only (the scoped ``a`` flag, which holds wherever the pattern is embedded):
# Python's \d also takes fullwidth (６) and Arabic-Indic (٦) digits, which a Korean input
# method types easily, and which arXiv does not know.
ARXIV_ID_PATTERN = (
    r"(?a:(?:(?P<archive>[a-z]+(?:-[a-z]+)*)(?:\.[A-Z]{2})?/(?P<old_yymm>\d{4})(?P<old_number>\d{3})"
    r"|(?P<new_yymm>\d{4})\.(?P<new_number>\d{4,5}))(?:v(?P<version>[1-9]\d*))?)"
)
"""One arXiv ID, with or without version, as a pattern to embed (``importers.links``)."""
_ARXIV_ID = re.compile(ARXIV_ID_PATTERN)
_VERSION = re.compile(r"v(?P<version>\d+)$", re.ASCII)
_PASTED = re.compile(
    r"^(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/)"
    r"(?P<id>.+?)(?:\.pdf)?/?$",
    re.IGNORECASE,
)
"""An ID as pasted from arXiv: ``arXiv:`` before it, or in the address of its abstract page, PDF
or HTML version."""

OLD_STYLE_ARCHIVES = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
        "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an",
        "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin",
        "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph",
        "solv-int", "supr-con",
    }
)  # fmt: skip
"""The archives that gave old-style IDs: arXiv's own list (arxiv-base's taxonomy), less those
begun after March 2007 and its test archive."""

OLD_STYLE = ((1991, 8), (2007, 3))
NEW_STYLE_FROM = (2007, 4)
FIVE_DIGITS_FROM = (2015, 1)

ARXIV_ID_FORM = (
    "an arXiv ID is new-style, YYMM.NNNNN since 1501 and YYMM.NNNN from 0704 to 1412 "
    "(2503.14476, 0704.0001), or old-style, archive/YYMMNNN from 9108 to 0703 "
    "(hep-th/9901001), either with an optional version (2503.14476v2)"
)
"""What an ID looks like, for every message about one that is not."""


class ArxivIdParts(NamedTuple):
    """An ID as the pattern reads it, before any check of its date or number."""

    base: str
    """The canonical ID without version: ``math/0309136`` for ``math.GT/0309136v2``."""
    archive: str | None
    """An old-style ID's archive (``math``); None for a new-style ID."""
    year: int
    month: int
    number: str
    version: int | None


def parse_arxiv_id(text: str) -> ArxivIdParts | None:
    """The parts of ``text`` when it has the form of an arXiv ID (nothing around it)."""
    match = _ARXIV_ID.fullmatch(text)
    if match is None:
        return None
    archive, yymm, number, version = match.group("archive", "old_yymm", "old_number", "version")
    if archive is None:
        yymm, number = match.group("new_yymm", "new_number")
        base, century = text[: match.end("new_number")], 2000
    else:
        # Old-style years wrap: 91-99 are the 1990s, 00-07 the 2000s.
        base, century = f"{archive}/{yymm}{number}", 1900 if yymm >= "91" else 2000
    year, month = century + int(yymm[:2]), int(yymm[2:])
    return ArxivIdParts(base, archive, year, month, number, int(version) if version else None)


def check_arxiv_id(value: str) -> str:
    """``value`` as an ID arXiv can have issued, in canonical form with its version kept
    (``math.GT/0309136v1`` → ``math/0309136v1``); ``ValueError`` saying what an ID looks like."""
    parts = _checked(value.strip())
    return parts.base if parts.version is None else f"{parts.base}v{parts.version}"


def check_base_arxiv_id(value: str) -> str:
    """``check_arxiv_id`` for an ID that names a paper, not one of its versions."""
    parts = _checked(value.strip())
    if parts.version is not None:
        raise ValueError(
            f"{value.strip()!r} names version {parts.version}; write the paper's ID, "
            f"{parts.base!r} (the version is a field of its own)"
        )
    return parts.base


def _checked(value: str) -> ArxivIdParts:
    parts = parse_arxiv_id(value)
    if parts is None:
        raise ValueError(f"{value!r} is not an arXiv ID: {ARXIV_ID_FORM}{_hint(value)}")
    wrong = _impossible(parts)
    if wrong is not None:
        raise ValueError(f"{value!r} is not an arXiv ID: {wrong}; {ARXIV_ID_FORM}")
    return parts


_AROUND = "()[]<>\"'.,;:“”‘’「」"
"""What pasting an ID from a sentence or a reference list may bring along at either end."""
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
"""Characters that show as nothing (zero-width spaces, joiners, direction marks): pasted from a
web page, they make an ID that looks right unreadable."""


def _hint(value: str) -> str:
    """What to write instead of ``value`` when an ID is in it as pasted: with ``arXiv:`` or in an
    address, between brackets or before a full stop, typed with full-width digits (as a Korean
    input method does) or with invisible characters; "" when none is."""
    folded = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    bare = re.sub(r"V(?=\d+$)", "v", _PASTED.sub(r"\g<id>", folded.strip().strip(_AROUND)))
    parts = parse_arxiv_id(bare)
    if bare == value or parts is None or _impossible(parts) is not None:
        return ""
    unseen = " (it holds full-width or invisible characters)" if folded != value else ""
    return f"; write just the ID{unseen}: '{bare}'"


def _impossible(parts: ArxivIdParts) -> str | None:
    """Why arXiv cannot have issued an ID of this form, or None."""
    month = (parts.year, parts.month)
    if not 1 <= parts.month <= 12:
        return f"there is no month {parts.month:02d}"
    if parts.archive is not None:
        if parts.archive not in OLD_STYLE_ARCHIVES:
            return f"'{parts.archive}' is not an archive of arXiv's"
        if not OLD_STYLE[0] <= month <= OLD_STYLE[1]:
            return f"{_named(month)} is outside the old style's time (August 1991 to March 2007)"
    elif month < NEW_STYLE_FROM:
        return f"{_named(month)} is before the new style began (April 2007)"
    elif not _has_come(month):
        return f"{_named(month)} has not come yet"
    elif len(parts.number) != (5 if month >= FIVE_DIGITS_FROM else 4):
        return (
            f"{_named(month)} had {'five' if month >= FIVE_DIGITS_FROM else 'four'}-digit numbers"
        )
    if int(parts.number) == 0:
        return f"numbers start at {'1'.zfill(len(parts.number))}"
    return None


_come = [NEW_STYLE_FROM]
"""The latest month known to have come (UTC): each ID of it or before is checked without
asking the clock again, which a lockfile of 10,000 records would ask 10,000 times."""


def _has_come(month: tuple[int, int]) -> bool:
    if month > _come[0]:
        now = time.gmtime()
        _come[0] = (now.tm_year, now.tm_mon)
    return month <= _come[0]


def _named(month: tuple[int, int]) -> str:
    return format_month(*month, "en")


def arxiv_base_id(arxiv_id: str) -> str:
    """``2503.14476v2`` → ``2503.14476``."""
    return _VERSION.sub("", arxiv_id)


def canonical_arxiv_id(arxiv_id: str) -> str:
    """The ID arXiv answers with: no version, and no subject class in old-style IDs
    (``math.GT/0309136v2`` → ``math/0309136``)."""
    parts = parse_arxiv_id(arxiv_id)
    return parts.base if parts is not None else arxiv_base_id(arxiv_id)


def arxiv_version(arxiv_id: str) -> int | None:
    """``2503.14476v2`` → 2; None without a version."""
    match = _VERSION.search(arxiv_id)
    return int(match["version"]) if match else None
