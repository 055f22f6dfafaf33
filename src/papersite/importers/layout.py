"""The forum's plain-text layout, line by line: what a line is (a paper's title, a heading, an
author list, a list item, the forum's own text) and how the post's title gives the digest.

Every pattern here is a fact about the posts, written down once; ``forum.py`` applies them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from papersite.importers.draft import Block, language_of
from papersite.importers.links import is_url_line
from papersite.model import KNOWN_AWARDS, slugify

# YAML reads these as line breaks and they are invisible in an editor: make them plain.
_BREAKS = re.compile(r"[\u2028\u2029\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BULLET = re.compile(r"^[•●◦▪‣·*\-–]\s+(.*)$")
_AWARD = re.compile(r"^\[([^\]\d]{2,40})\]\s*(.+)$")
_AUTHORS = re.compile(r"^(?:저자|Authors?|By)\s*[:：]\s*(.+)$", re.IGNORECASE)
_WEEK = re.compile(
    r"^\[\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})\s*[~\-–]\s*(?:(\d{4})[/.\-])?(\d{1,2})[/.\-](\d{1,2})\s*\]\s*(.*)$"
)
_CONFERENCE = re.compile(r"\b([A-Za-z][A-Za-z&-]*[A-Za-z])\s*'?((?:19|20)\d{2})\b")
# Titles do not end like sentences (a question mark they may have).
_SENTENCE_END = re.compile(r"(?:[.:;,]|[다요죠음])$")
_BILINGUAL_HEADING = re.compile(r"^(?P<ko>[^()]+?)\s*\((?P<en>[^()]+)\)$")

# Headings of a paper's parts, compared casefolded without a final colon; a heading written
# "한국어(English)" matches on either half.
_FIELD_HEADINGS = {
    "summary": {"논문 소개", "소개", "요약", "introduction", "paper introduction", "summary", "tl;dr"},
    "abstract": {"논문 초록", "초록", "abstract"},
    "links": {"논문 링크", "링크", "links", "paper link", "paper links", "관련 링크", "더 읽어보기",
              "더 알아보기", "read more", "further reading"},
}  # fmt: skip
_KNOWN_SECTIONS = {"선정 위원회 평가": "Reflections from the Selection Committee"}

# The forum's own text: the category line, the note that a model wrote the summary, the
# sign-up and like buttons, the like count. Checked on the line without its list marker.
_CHROME = [
    re.compile(pattern)
    for pattern in (
        r"^PyTorchKR\b",
        r"^원문$",
        r"이 글은 GPT 모델로 정리한",
        r"^(?::\w+:)*파이토치 한국 사용자 모임",
        r"이 정리한 이 글이 유용하셨나요",
        r"회원으로 가입하시면",
        r"^로 보내드립니다",
        r"^아래$",
        r"^쪽에 좋아요$",
        r"^를 눌러주시면",
        r"^:gift:",
        r"^\d+개의 좋아요$",
        r"^(?:!\[\]\(\)|:\w+:|\s)+$",
    )
]


@dataclass(frozen=True)
class Line:
    number: int
    """1-based line number in the input."""
    text: str
    """The line without surrounding white space."""


@dataclass(frozen=True)
class Heading:
    kind: str  # summary | abstract | links | section
    title: dict[str, str] | None = None


@dataclass(frozen=True)
class PostTitle:
    kind: str
    title: dict[str, str]
    period: tuple[dt.date, dt.date] | None = None
    conference: tuple[str, int] | None = None


def lines_of(text: str) -> list[Line]:
    """The non-blank lines, numbered as in the input."""
    text = _CONTROLS.sub("", _BREAKS.sub("\n", text.replace("\r\n", "\n")))
    return [
        Line(number, line.strip())
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]


def runs(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into runs of neighbours (no other non-blank line between them)."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and line.number - groups[-1][-1].number <= 2:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def block_of(text: str) -> Block:
    match = _BULLET.match(text)
    return Block(match[1].strip(), bullet=True) if match else Block(text)


def is_forum_chrome(text: str) -> bool:
    content = block_of(text).text
    return any(pattern.search(content) for pattern in _CHROME)


def authors_of(text: str) -> list[str]:
    """``저자: A, B , C`` → ``["A", "B", "C"]``; [] for any other line."""
    match = _AUTHORS.match(text)
    if match is None:
        return []
    return [name.strip() for name in re.split(r"[,;·]", match[1]) if name.strip()]


def heading_of(text: str) -> Heading | None:
    """The part a heading line starts, or None for a line that is not a heading."""
    if len(text) > 120 or _BULLET.match(text):
        return None
    bare = text.rstrip(":：").strip()
    match = _BILINGUAL_HEADING.match(bare)
    halves = [bare] + ([match["ko"].strip(), match["en"].strip()] if match else [])
    for kind, names in _FIELD_HEADINGS.items():
        if any(half.casefold() in names for half in halves):
            return Heading(kind)
    if bare in _KNOWN_SECTIONS:
        return Heading("section", {"ko": bare, "en": _KNOWN_SECTIONS[bare]})
    if (
        match
        and language_of(match["ko"]) == "ko"
        and language_of(match["en"]) == "en"
        and not re.search(r"[.다!?]$", match["ko"].strip())
    ):
        return Heading("section", {"ko": match["ko"].strip(), "en": match["en"].strip()})
    return None


def inline_heading(text: str) -> tuple[Heading, str] | None:
    """``논문 링크: https://…`` or ``Abstract: We …``: a heading and its first line in one."""
    match = re.match(r"^([^:：]{1,40}?)\s*[:：]\s*(\S.*)$", text)
    if match is None or match[2].startswith("//"):
        return None
    heading = heading_of(match[1])
    return (heading, match[2]) if heading is not None else None


def is_paper_title(lines: list[Line], index: int) -> bool:
    """Whether ``lines[index]`` starts a paper: its title line is followed (after the author
    line, if any) by a heading of the introduction or the abstract, or it has the
    ``한국어 제목 / English title`` form."""
    text = lines[index].text
    if len(text) > 300 or _BULLET.match(text) or is_url_line(text) or authors_of(text):
        return False
    if heading_of(text) is not None or is_forum_chrome(text) or _WEEK.match(text):
        return False
    if _SENTENCE_END.search(text):
        return False  # the last line of a text before a heading, not a title
    following = [line for line in lines[index + 1 : index + 4] if not authors_of(line.text)]
    if following:
        heading = heading_of(following[0].text)
        if heading is not None and heading.kind in ("summary", "abstract"):
            return True
    return _is_bilingual_title(_AWARD.sub(r"\2", text))


def _is_bilingual_title(text: str) -> bool:
    parts = text.split(" / ")
    return len(parts) >= 2 and _title_split(parts) is not None


def _title_split(parts: list[str]) -> int | None:
    """Where a title's Korean half ends: the first split with Korean before and no Hangul
    after (an English title may itself hold " / ")."""
    for k in range(1, len(parts)):
        korean, english = " / ".join(parts[:k]), " / ".join(parts[k:])
        no_hangul = not re.search(r"[\uac00-\ud7a3]", english)
        if language_of(korean) == "ko" and no_hangul and re.search(r"[A-Za-z]", english):
            return k
    return None


def split_paper_title(text: str) -> tuple[str | None, dict[str, str]]:
    """``[Best Paper] 한국어 / English`` → ``("best-paper", {"ko": "한국어", "en": "English"})``."""
    award = None
    match = _AWARD.match(text)
    if match:
        award, text = _award(match[1]), match[2]
    parts = text.split(" / ")
    k = _title_split(parts) if len(parts) >= 2 else None
    if k is not None:
        return award, {"ko": " / ".join(parts[:k]).strip(), "en": " / ".join(parts[k:]).strip()}
    lang = language_of(text)
    return award, {"ko": text if lang == "ko" else "", "en": text if lang == "en" else ""}


def _award(text: str) -> str:
    """``Best Paper`` → ``best-paper``, ``Runner-Ups`` → ``runner-up``; other awards as written."""
    slug = slugify(text)
    for known in KNOWN_AWARDS:
        if slug in (known, known + "s", known + "-award", known + "-awards"):
            return known
    return text.strip()


def parse_post_title(text: str) -> PostTitle | None:
    """The week (``[2025/03/17 ~ 03/23] 이번 주의 … (Top ML …)``) or the conference and year
    (``NeurIPS 2025 우수 논문 소개``) the post's title line gives, with the digest's title."""
    week = _WEEK.match(text)
    if week:
        year, month, day, end_year, end_month, end_day, rest = week.groups()
        start = dt.date(int(year), int(month), int(day))
        end_y = int(end_year) if end_year else start.year + (int(end_month) < start.month)
        end = dt.date(end_y, int(end_month), int(end_day))
        return PostTitle("weekly", _weekly_title(rest), period=(start, end))
    conference = _CONFERENCE.search(text)
    if conference and any(c.isupper() for c in conference[1]):
        name, year = conference[1], int(conference[2])
        title = {"ko": f"{name} {year} 우수 논문 소개", "en": f"{name} {year} Best Paper Awards"}
        title[language_of(text)] = text
        return PostTitle("conference", title, conference=(name, year))
    return None


def _weekly_title(rest: str) -> dict[str, str]:
    """``이번 주의 주요 ML 논문 (Top ML Papers of the Week)`` → both titles; the usual ones for
    what is missing."""
    title = {"ko": "이번 주의 주요 ML 논문", "en": "Top ML Papers of the Week"}
    match = _BILINGUAL_HEADING.match(rest.strip())
    if match and language_of(match["en"]) == "en":
        title = {"ko": match["ko"].strip(), "en": match["en"].strip()}
    elif rest.strip():
        title[language_of(rest)] = rest.strip()
    return title
