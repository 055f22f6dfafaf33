"""The forum's layout, line by line: what a line is (a paper's title, a heading, an author list,
a list item, the forum's own text) and how the post's title gives the digest.

A post comes as the forum shows it (plain text) or as it was written (Markdown, Discourse's raw
view, or ``papersite export --format forum``): a line's Markdown heading marker is kept apart
(``Line.level``) and the same patterns apply to both. Every pattern here is a fact about the
posts, written down once; ``forum.py`` applies them, and export checks its title line with them.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from papersite.i18n import UI
from papersite.importers.draft import LANGUAGES, Block, language_of
from papersite.importers.forum_markdown import split_names
from papersite.importers.forum_words import HEADING_PARTS, names_of
from papersite.importers.links import is_url_line, written_links
from papersite.model import KNOWN_AWARDS, slugify

# YAML reads these as line breaks and they are invisible in an editor: make them plain.
_BREAKS = re.compile(r"[\u2028\u2029\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BULLET = re.compile(r"^[•●◦▪‣·*+\-–]\s+(.*)$")
# A Markdown heading ("## Title", perhaps closed by #s) and a thematic break ("---", "* * *").
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_THEMATIC_BREAK = re.compile(r"^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
# A code fence (```, ~~~) and a table's delimiter row (| --- | :-: |), as CommonMark and GFM.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TABLE_DELIMITER = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_EMPHASIS = re.compile(r"^(\*\*|__)(.+)\1$")
_AWARD = re.compile(r"^\[([^\]\d]{2,40})\]\s*(.+)$")
_WEEK = re.compile(
    r"^\[\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})\s*[~\-–]\s*(?:(\d{4})[/.\-])?(\d{1,2})[/.\-](\d{1,2})\s*\]\s*(.*)$"
)
_CONFERENCE = re.compile(r"\b([A-Za-z][A-Za-z&-]*[A-Za-z])\s*'?((?:19|20)\d{2})\b")
# "[ICML 2026] 수상 논문": what export writes when the title does not name the conference.
_CONFERENCE_PREFIX = re.compile(r"^\[\s*([^\[\]]*?[^\[\]\s\d'])\s*'?((?:19|20)\d{2})\s*\]\s*(.*)$")
# Titles do not end like sentences (a question mark they may have).
_SENTENCE_END = re.compile(r"(?:[.:;,]|[다요죠음])$")
# "한국어(English)": a heading or a title and its translation; the translation may hold one
# level of parentheses ("평가(Review (short))").
_TRANSLATED = re.compile(r"^(?P<ko>[^()]+?)\s*\((?P<en>[^()]*(?:\([^()]*\)[^()]*)*)\)$")
# A title and its translation, where the title too may hold parentheses ("추가 (부록)(Extra)"):
# the translation is the last group. Not for telling a plain line a heading: a sentence may end so.
_TITLE_TRANSLATED = re.compile(
    r"^(?P<ko>(?:[^()]|\([^()]*\))+?)\s*\((?P<en>[^()]*(?:\([^()]*\)[^()]*)*)\)$"
)
WEEKLY_TITLE = {"ko": "이번 주의 주요 ML 논문", "en": "Top ML Papers of the Week"}
"""A weekly post's usual titles, for a language its title line does not give."""

# Headings of a paper's parts (the forum's words, forum_words.py), compared casefolded without
# a final colon; a heading written "한국어(English)" matches on either half.
_PART_HEADINGS = {word: names_of(word) for word in HEADING_PARTS}
_LINE_LABELS = {
    word: re.compile(
        rf"^(?:{'|'.join(map(re.escape, sorted(names_of(word))))})\s*[:：]\s*(.+)$", re.IGNORECASE
    )
    for word in ("authors", "affiliations")
}
_KNOWN_SECTIONS = {"선정 위원회 평가": "Reflections from the Selection Committee"}
_FIRST_PARTS = ("summary", "abstract")
"""The parts whose heading follows a paper's title line."""

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
] + [
    # The notice that ``export`` ends a post with where a machine wrote texts no one reviewed.
    re.compile("^" + ".+".join(map(re.escape, words["machine_notice"].split("{by}"))) + "$")
    for words in UI.values()
]


@dataclass(frozen=True)
class Line:
    number: int
    """1-based line number in the input."""
    text: str
    """The line without surrounding white space (nor a Markdown heading's marker); a fenced
    code block's or a table's lines, as written (``lines_of``)."""
    level: int = 0
    """The level of a Markdown heading (``## …`` is 2); 0 for any other line."""


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
    """The lines that hold text, numbered as in the input: no blank line, no thematic break
    (``---``, which a Markdown post may put between papers), no empty heading. A fenced code
    block and a table are one line each, as written (``verbatim``), numbered by their first."""
    text = _CONTROLS.sub("", _BREAKS.sub("\n", text.replace("\r\n", "\n")))
    raws = text.split("\n")
    lines: list[Line] = []
    index = 0
    while index < len(raws):
        end = _verbatim_end(raws, index)
        if end > index + 1:
            block = textwrap.dedent("\n".join(raw.rstrip() for raw in raws[index:end]))
            lines.append(Line(index + 1, block.strip("\n")))
        else:
            line = _line(index + 1, raws[index].strip())
            if line.text and not _THEMATIC_BREAK.match(line.text):
                lines.append(line)
        index = max(end, index + 1)
    return lines


def _verbatim_end(raws: list[str], index: int) -> int:
    """Where the fenced code block or the table that starts at ``raws[index]`` ends (the index
    after its last line); ``index`` for any other line."""
    fence = _FENCE.match(raws[index])
    if fence:  # a fence never closed runs to the end, as in Markdown
        marker = fence[1]
        closing = (
            end
            for end in range(index + 1, len(raws))
            if raws[end].strip().startswith(marker) and not raws[end].strip().strip(marker[0])
        )
        return next(closing, len(raws) - 1) + 1
    rows = [raw.strip() for raw in raws[index : index + 2]]
    if len(rows) < 2 or not rows[0].startswith("|") or not _TABLE_DELIMITER.match(rows[1]):
        return index
    end = index + 2
    while end < len(raws) and raws[end].strip().startswith("|"):
        end += 1
    return end


def is_verbatim(text: str) -> bool:
    """A fenced code block or a table (``lines_of``): text as written, never a title or a
    heading."""
    return "\n" in text and (bool(_FENCE.match(text)) or text.startswith("|"))


def _line(number: int, text: str) -> Line:
    heading = _MARKDOWN_HEADING.match(text)
    if heading is None:
        return Line(number, text)
    return Line(number, (heading[2] or "").strip(), level=len(heading[1]))


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
    if is_verbatim(text):
        return Block(text, verbatim=True)
    match = _BULLET.match(text)
    return Block(match[1].strip(), bullet=True) if match else Block(text)


def is_forum_chrome(text: str) -> bool:
    content = block_of(text).text
    return any(pattern.search(content) for pattern in _CHROME)


def authors_of(text: str) -> list[str]:
    """``저자: A, B , C`` → ``["A", "B", "C"]``; [] for any other line."""
    return _names(_LINE_LABELS["authors"], text)


def affiliations_of(text: str) -> list[str]:
    """``소속: KAIST; Seoul National University`` → the affiliations; [] for any other line."""
    return _names(_LINE_LABELS["affiliations"], text)


def _names(label: re.Pattern[str], text: str) -> list[str]:
    """The names a labelled line lists: split at semicolons where it has them (an affiliation
    may hold a comma, and export separates affiliations so), else at commas."""
    match = label.match(text)
    if match is None:
        return []
    return split_names(match[1])


def heading_of(text: str) -> Heading | None:
    """The part a heading line starts, or None for a line that is not a heading (nor one that
    holds a link: ``[label](https://…)`` has the form of ``한국어(English)``)."""
    if len(text) > 120 or "\n" in text or _BULLET.match(text) or written_links(text):
        return None
    bare = text.rstrip(":：").strip()
    emphasised = _EMPHASIS.match(bare)  # "**논문 소개**", a heading written in bold
    if emphasised:
        bare = emphasised[2].rstrip(":：").strip()
    match = _TRANSLATED.match(bare)
    halves = [bare] + ([match["ko"].strip(), match["en"].strip()] if match else [])
    for word, names in _PART_HEADINGS.items():
        if any(half.casefold() in names for half in halves):
            return Heading(HEADING_PARTS[word])
    if bare in _KNOWN_SECTIONS:
        return Heading("section", {"ko": bare, "en": _KNOWN_SECTIONS[bare]})
    if (
        match
        and not _has_bilingual_form(bare)  # "한국어 / English (and Beyond)": a paper's title
        and language_of(match["ko"]) == "ko"
        and language_of(match["en"]) == "en"
        and not re.search(r"[.다!?]$", match["ko"].strip())
    ):
        return Heading("section", {"ko": match["ko"].strip(), "en": match["en"].strip()})
    return None


def section_heading(line: Line, languages: Sequence[str] = LANGUAGES) -> Heading | None:
    """A Markdown heading that names no part (``heading_of``) starts a section, titled as
    written (one title, or ``한국어(English)``); None for any other line."""
    if not line.level or written_links(line.text):
        return None
    return Heading("section", titles_of(line.text, {"ko": "", "en": ""}, languages))


def inline_heading(text: str) -> tuple[Heading, str] | None:
    """``논문 링크: https://…`` or ``Abstract: We …``: a heading and its first line in one."""
    match = re.match(r"^([^:：]{1,40}?)\s*[:：]\s*(\S.*)$", text)
    if match is None or match[2].startswith("//"):
        return None
    heading = heading_of(match[1])
    return (heading, match[2]) if heading is not None else None


def is_paper_title(lines: list[Line], index: int) -> bool:
    """Whether ``lines[index]`` starts a paper: its title line is followed (after the author
    and affiliation lines, if any) by a heading of the introduction or the abstract, or it has
    the ``한국어 제목 / English title`` form. A Markdown heading followed by author lines or by
    the heading of any part is a title too, whatever its words."""
    line = lines[index]
    text = line.text
    if is_verbatim(text):
        return False
    # A long plain line is a paragraph; a Markdown heading is a title at any length (export
    # writes one for a paper whose two titles are long).
    if len(text) > 300 and not line.level:
        return False
    if _BULLET.match(text) or is_url_line(text) or _is_labelled(text):
        return False
    if is_forum_chrome(text) or is_post_title(text):
        return False
    after = lines[index + 1 : index + 4]
    heading = _next_heading(lines, index)
    own = heading_of(text)
    if own is not None:
        # "한국어 제목 (English Title)" has the form of a section's heading; followed by the
        # heading of an introduction, it has no text of its own and starts a paper. (Before an
        # abstract's heading it may be a section that lost its text in the copy.)
        return own.kind == "section" and heading is not None and heading.kind == "summary"
    if line.level and after and (heading is not None or _is_labelled(after[0].text)):
        return True
    if _SENTENCE_END.search(text):
        return False  # the last line of a text before a heading, not a title
    if heading is not None and heading.kind in _FIRST_PARTS:
        return True
    return _has_bilingual_form(text)


def paper_starts(lines: list[Line]) -> list[int]:
    """The indexes of the lines that start a paper (``is_paper_title``), less those that the
    post's shape says are text:

    - in a post whose papers are Markdown headings (an exported post), any line that is not
      one: a text's last line before the next part's heading (display math, a code fence, a
      list item) is not a paper;
    - in a plain post, a line before an abstract's heading, in a paper that has its
      introduction and not yet its abstract, unless it has the ``한국어 / English`` form: it is
      the introduction's last line ("자세한 내용은 아래를 참고하세요!")."""
    candidates = [index for index in range(len(lines)) if is_paper_title(lines, index)]
    if any(lines[index].level for index in candidates):
        return [index for index in candidates if lines[index].level]
    titles = set(candidates)
    starts: list[int] = []
    parts: set[str] = set()
    """The parts of the paper read so far."""
    for index, line in enumerate(lines):
        next_heading = _next_heading(lines, index) if index in titles else None
        if index in titles and not (
            "summary" in parts
            and "abstract" not in parts
            and next_heading is not None
            and next_heading.kind == "abstract"
            and not _has_bilingual_form(line.text)
        ):
            starts.append(index)
            parts = set()
            continue
        heading = heading_of(line.text)
        if heading is not None:
            parts.add(heading.kind)
    return starts


def _next_heading(lines: list[Line], index: int) -> Heading | None:
    """The heading of a part that follows ``lines[index]``, after author and affiliation
    lines, if one does."""
    following = [other for other in lines[index + 1 : index + 4] if not _is_labelled(other.text)]
    return heading_of(following[0].text) if following else None


def _has_bilingual_form(text: str) -> bool:
    """A title line of the ``한국어 제목 / English title`` form, an award before it or not."""
    return _is_bilingual_title(_AWARD.sub(r"\2", text))


def is_post_title(text: str) -> bool:
    """A title line that gives a week or, in brackets, a conference (a conference named in the
    text, ``NeurIPS 2025 …``, may as well be in a paper's title)."""
    return bool(_WEEK.match(text) or _CONFERENCE_PREFIX.match(text))


def _is_labelled(text: str) -> bool:
    """An author or affiliation line."""
    return bool(authors_of(text) or affiliations_of(text))


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


def split_paper_title(
    text: str, languages: Sequence[str] = LANGUAGES
) -> tuple[str | None, dict[str, str]]:
    """``[Best Paper] 한국어 / English`` → ``("best-paper", {"ko": "한국어", "en": "English"})``;
    ``한국어 (English)`` gives both titles too, and a title in another of ``languages`` after
    them (``… / 日本語``, ``peel_translations``) its own."""
    award = None
    match = _AWARD.match(text)
    if match:
        award, text = _award(match[1]), match[2]
    text, others = peel_translations(text, languages)
    return award, {**_korean_and_english(text), **others}


def _korean_and_english(text: str) -> dict[str, str]:
    """``한국어 / English`` (or ``English / 한국어``, ``한국어 (English)``, one title) → both."""
    parts = text.split(" / ")
    k = _title_split(parts) if len(parts) >= 2 else None
    if k is not None:
        return {"ko": " / ".join(parts[:k]).strip(), "en": " / ".join(parts[k:]).strip()}
    # English first, as a site whose first language is English exports it.
    k = _title_split(parts[::-1]) if len(parts) >= 2 else None
    if k is not None:
        english, korean = parts[: len(parts) - k], parts[len(parts) - k :]
        return {"ko": " / ".join(korean).strip(), "en": " / ".join(english).strip()}
    return titles_of(text, {"ko": "", "en": ""})  # "한국어 (English)", or one title


def _award(text: str) -> str:
    """``Best Paper`` → ``best-paper``, ``Runner-Ups`` → ``runner-up``; other awards as written."""
    slug = slugify(text)
    for known in KNOWN_AWARDS:
        if slug in (known, known + "s", known + "-award", known + "-awards"):
            return known
    return text.strip()


class NotAWeek(ValueError):
    """A post's title line names a week by dates that are not dates."""


def parse_post_title(text: str, languages: Sequence[str] = LANGUAGES) -> PostTitle | None:
    """The week (``[2025/03/17 ~ 03/23] 이번 주의 … (Top ML …)``) or the conference and year
    (``NeurIPS 2025 우수 논문 소개``, or ``[ICML 2026] 수상 논문 (Award papers)`` for a title that
    does not name them) the post's title line gives, with the digest's title."""
    week = _WEEK.match(text)
    if week:
        year, month, day, end_year, end_month, end_day, rest = week.groups()
        try:
            start = dt.date(int(year), int(month), int(day))
            end_y = int(end_year) if end_year else start.year + (int(end_month) < start.month)
            end = dt.date(end_y, int(end_month), int(end_day))
        except ValueError as error:  # 2025/02/30
            raise NotAWeek(f"the title's week has a date that is not one ({error})") from None
        title = titles_of(rest, WEEKLY_TITLE, languages)
        return PostTitle("weekly", title, period=(start, end))
    prefixed = _CONFERENCE_PREFIX.match(text)
    conference = prefixed or _CONFERENCE.search(text)
    if conference and any(c.isupper() for c in conference[1]):
        name, year = conference[1], int(conference[2])
        usual = {"ko": f"{name} {year} 우수 논문 소개", "en": f"{name} {year} Best Paper Awards"}
        title = titles_of(prefixed[3] if prefixed else text, usual, languages)
        return PostTitle("conference", title, conference=(name, year))
    return None


def titles_of(
    text: str, usual: dict[str, str], languages: Sequence[str] = LANGUAGES
) -> dict[str, str]:
    """``이번 주의 주요 ML 논문 (Top ML Papers of the Week)`` → both titles, in either order; a
    title alone goes to the language of its script, and ``usual`` gives what is missing. A
    title in another of ``languages`` after them (``… (日本語)``) is its own."""
    text, others = peel_translations(text.strip(), languages)
    title = {**usual, **others}
    match = _TITLE_TRANSLATED.match(text)
    halves = [match["ko"].strip(), match["en"].strip()] if match else []
    languages = [language_of(half) for half in halves]
    if len(set(languages)) == 2:
        title.update(zip(languages, halves, strict=True))
    elif text:
        title[language_of(text)] = text
    return title


_LAST_TRANSLATION = re.compile(r"^(?P<rest>.*?\S)\s*\((?P<last>[^()]+)\)$")


def peel_translations(text: str, languages: Sequence[str]) -> tuple[str, dict[str, str]]:
    """``text`` without the translations into ``languages`` other than Korean and English that
    end it, as export writes them after those two (``한국어 / English / 日本語``, ``한국어
    (English) (日本語)``), and those translations by language; told apart by script."""
    others: dict[str, str] = {}
    while True:
        slashed = text.rsplit(" / ", 1)
        bracketed = _LAST_TRANSLATION.match(text)
        ends = [tuple(slashed)] if len(slashed) == 2 else []
        ends += [(bracketed["rest"], bracketed["last"])] if bracketed else []
        for rest, last in ends:
            lang = language_of(last, languages)
            if lang not in LANGUAGES and lang not in others and rest.strip():
                others[lang] = last.strip()
                text = rest.strip()
                break
        else:
            return text, others
