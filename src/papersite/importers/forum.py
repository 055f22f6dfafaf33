"""``--from forum``: a forum post, as the forum shows it (plain text) or as Markdown (Discourse's
raw view, ``papersite export --format forum``), → a draft digest.

The layout, as the community's posts have it (README, "papersite import"): a title line that
gives the week (``[2025/03/17 ~ 03/23] …``) or the conference (``NeurIPS 2025 …``), the editor's
notes, then one block per paper: a title line (``한국어 제목 / English title``, perhaps after an
award such as ``[Best Paper]``), perhaps ``저자: …`` and ``소속: …``, then headed parts (논문 소개,
논문 초록, 선정 위원회 평가, 논문 링크, 더 읽어보기), each with Korean paragraphs and then English
ones. Markdown adds ``#`` heading markers and ``[label](url)`` links, and keeps emphasis, which
stays in the texts (they are Markdown in digests too). Posts vary, so every step is lenient,
and nothing is dropped: the forum's own lines (buttons, sign-up notes) are kept as comments, and
text among a paper's links becomes its "더 읽어보기 / Read more" section.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from papersite.errors import PapersiteError, Problem
from papersite.importers import layout
from papersite.importers.draft import (
    LANGUAGES,
    READ_MORE_TITLE,
    Block,
    DraftDigest,
    DraftPaper,
    DraftSection,
    ImportReport,
    other_script,
    split_by_language,
)
from papersite.importers.forum_markdown import TEXT_HEADINGS, from_forum_markdown
from papersite.importers.links import (
    WrittenLink,
    add_link,
    draft_link,
    finish_links,
    onebox_links,
    text_around_links,
    written_links,
)
from papersite.lockfile import Lockfile

_TEX_OUTSIDE_MATH = re.compile(r"\\(?:[A-Za-z]{2,}|[{}_^,;!])")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$")


@dataclass
class _Part:
    """A headed part of a paper while it is read: where its lines go."""

    kind: str  # summary | abstract | section | links (or overview, before the papers)
    title: dict[str, str] | None = None
    blocks: list[Block] = field(default_factory=list)
    heading: layout.Line | None = None
    """The line of its heading (None: the text before any heading, or after an inline one)."""
    lines: int = 0
    """How many lines were read into it (a links part keeps its links, not its lines)."""
    last: layout.Line | None = None
    """The line of its last text block, which a Markdown post's next line may go on."""


@dataclass
class _Reader:
    path: str
    lockfile: Lockfile
    start: dt.date | None = None
    languages: tuple[str, ...] = LANGUAGES
    """The languages texts are filed in (``draft.import_languages``)."""
    markdown: bool = False
    """The post is Markdown (it has '#' headings): a line right under a text's line goes on its
    paragraph or list item, where in the plain text the forum shows every line is a paragraph."""
    warnings: list[Problem] = field(default_factory=list)
    set_aside: list[layout.Line] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem(self.path, line, 1, "", message))


def read_forum_post(
    text: str,
    path: str,
    lockfile: Lockfile,
    *,
    start: dt.date | None = None,
    languages: tuple[str, ...] = LANGUAGES,
) -> ImportReport:
    """The draft digest of a forum post, its texts in ``languages`` (``import_languages``);
    ``PapersiteError`` when it has no title line that gives the week or the conference (and no
    ``start`` of the week: Discourse's raw view leaves the topic's title out), or no paper."""
    reader = _Reader(path, lockfile, start, languages)
    lines = layout.lines_of(from_forum_markdown(text))
    if not lines:
        raise PapersiteError(f"{path} is empty")
    reader.markdown = any(line.level for line in lines)
    if reader.markdown:
        lines = [_as_text(line) if line.level >= TEXT_HEADINGS else line for line in lines]
    starts = layout.paper_starts(lines)
    if not starts:
        raise PapersiteError(
            f"{path}: no paper found; a paper starts with its title line (한국어 제목 / English "
            "title) followed by a heading such as 논문 소개 or 논문 초록"
        )
    second = next((line for line in lines[starts[0] :] if layout.is_post_title(line.text)), None)
    if second is not None:  # two posts pasted in one file: their papers would make one digest
        raise PapersiteError(
            f"{path}:{second.number}: a second post starts here ({second.text!r}); import one "
            "post at a time: put each in a file of its own"
        )
    digest = _digest(reader, lines[: starts[0]])
    for begin, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        digest.papers.append(_paper(reader, lines[begin], lines[begin + 1 : end]))
    _line_warnings(reader, lines)
    digest.notes = _notes(reader, path)
    for run in layout.runs(reader.set_aside):
        reader.warn(
            run[0].number,
            f"set aside as the forum's own text, kept as a comment at the top: {_quote(run)}",
        )
    return ImportReport(digest, sorted(reader.warnings))


def _as_text(line: layout.Line) -> layout.Line:
    """A Markdown heading below the post's structure (``TEXT_HEADINGS``) as a line of its
    text, with its ``#``s."""
    return layout.Line(line.number, f"{'#' * line.level} {line.text}")


def _post_title(reader: _Reader, line: layout.Line) -> layout.PostTitle | None:
    try:
        return layout.parse_post_title(line.text, reader.languages)
    except layout.NotAWeek as error:
        raise PapersiteError(
            f"{reader.path}:{line.number}: {error}; fix the line, or give the week with --start"
        ) from None


def _digest(reader: _Reader, header: list[layout.Line]) -> DraftDigest:
    # The post's title is its first line that names a week or a conference (a saved page may
    # start with the forum's own lines).
    titled = [(line, _post_title(reader, line)) for line in header]
    title_line, heading = next(((line, h) for line, h in titled if h is not None), (None, None))
    if heading is None and reader.start is not None:
        period = (reader.start, reader.start + dt.timedelta(days=6))
        heading = layout.PostTitle("weekly", dict(layout.WEEKLY_TITLE), period=period)
    if heading is None:
        where = f"{reader.path}:{header[0].number}" if header else reader.path
        raise PapersiteError(
            f"{where}: the first line gives neither the week ('[2025/03/17 ~ 03/23] …') nor a "
            "conference and year ('NeurIPS 2025 …'); for a post without its title, give the "
            "week with --start"
        )
    if heading.conference is not None and title_line is not None:
        reader.warn(
            title_line.number,
            f"the post gives no publication date: set 'date' (it is {heading.conference[1]}-12-31 "
            "for now)",
        )
    overview = _Part("overview")
    for line in header:
        if title_line is not None and line.text == title_line.text:
            continue  # the post's title, and the page's title that repeats it
        if layout.is_forum_chrome(line.text):
            reader.set_aside.append(line)
        else:
            _add_text(overview, line, markdown=reader.markdown)
    return DraftDigest(
        kind=heading.kind,
        title=heading.title,
        papers=[],
        period=heading.period,
        conference=heading.conference,
        overview=split_by_language(overview.blocks, reader.languages),
        languages=reader.languages,
    )


def _paper(reader: _Reader, title_line: layout.Line, body: list[layout.Line]) -> DraftPaper:
    award, title = layout.split_paper_title(title_line.text, reader.languages)
    paper = DraftPaper(title=title, award=award)
    parts = [_Part("summary")]  # text before any heading introduces the paper
    among_links: list[layout.Line] = []
    # Where the forum's words head the parts as Markdown headings (an exported post), a plain
    # line is text, even one of those words ("소개" then "Intro" was taken for a heading, lost).
    marked = any(line.level and _part_heading(line.text) for line in body)
    for line in body:
        if layout.is_forum_chrome(line.text):
            reader.set_aside.append(line)
            continue
        if not paper.authors and (authors := layout.authors_of(line.text)):
            paper.authors = authors
            continue
        if not paper.affiliations and (affiliations := layout.affiliations_of(line.text)):
            paper.affiliations = affiliations
            continue
        plain = marked and not line.level
        heading = (None if plain else layout.heading_of(line.text)) or layout.section_heading(
            line, reader.languages
        )
        if heading is not None:
            parts.append(_Part(heading.kind, heading.title, heading=line))
            continue
        inline = layout.inline_heading(line.text)
        if inline is not None:
            parts.append(_Part(inline[0].kind, inline[0].title))
            line = layout.Line(line.number, inline[1])
        if not _place(paper, parts[-1], line, markdown=reader.markdown):
            among_links.append(line)
        parts[-1].lines += 1
    parts = _texts_read_as_headings(reader, paper, parts, among_links)
    _warn_of_empty_headings(reader, parts)
    _fill(paper, parts, among_links, reader.languages)
    for run in layout.runs(among_links):
        reader.warn(
            run[0].number,
            f"{_quote(run)} is text among the links: it is in the paper's section "
            f"'{READ_MORE_TITLE['en']}'; add the link it names if its URL was lost in the copy",
        )
    finish_links(paper, reader.lockfile)
    return paper


def _part_heading(text: str) -> bool:
    """A heading of one of the forum's words (an introduction, an abstract, links)."""
    heading = layout.heading_of(text)
    return heading is not None and heading.kind != "section"


def _place(paper: DraftPaper, part: _Part, line: layout.Line, *, markdown: bool) -> bool:
    """Put a line in its part; False for text among the links (``_fill`` gives it to the
    paper's Read more section). Under a links heading a link keeps the label the line gives it
    (its Markdown text, or the words before its URL); in a text it is named by its host, and the
    text keeps it as written."""
    block = layout.block_of(line.text)
    for link in onebox_links(line.text):
        add_link(paper, link)
    found = written_links(block.text)
    label = _label_of(block.text, found) if part.kind == "links" else None
    listed = part.kind == "links"
    for written in found:
        link = draft_link(written)
        if listed:
            link.label = written.label or label or link.label
        add_link(paper, link, listed=listed)
    if part.kind == "links":
        return bool(found) and (label is not None or not text_around_links(block.text))
    _add_text(part, line, markdown=markdown)
    return True


def _add_text(part: _Part, line: layout.Line, *, markdown: bool) -> None:
    """Add a line to a text: as a block of its own, or, in a Markdown post, on the paragraph or
    list item of the line right above it (a single line break does not end one in Markdown),
    when it starts no list item, code block or table."""
    block = layout.block_of(line.text)
    right_under = markdown and part.last is not None and line.number == part.last.number + 1
    last = part.blocks[-1] if right_under and part.blocks else None
    if last is not None and not (last.verbatim or block.verbatim or block.bullet):
        part.blocks[-1] = Block(f"{last.text}\n{block.text}", bullet=last.bullet)
    else:
        part.blocks.append(block)
    part.last = line


def _texts_read_as_headings(
    reader: _Reader, paper: DraftPaper, parts: list[_Part], among_links: list[layout.Line]
) -> list[_Part]:
    """The parts, less those headed by a plain line that is a text made of one of the forum's
    words (``요약``, ``Summary``): a line that reads as the heading of an introduction or an
    abstract, has no text under it, and starts nothing new (the part before it is of its kind,
    or the heading after it starts a part of its kind that has text). Such a line goes back, as
    text, to the part before it."""
    kept: list[_Part] = []
    for index, part in enumerate(parts):
        line = part.heading
        before = kept[-1] if kept and (kept[-1].heading or kept[-1].lines) else None
        after = parts[index + 1] if index + 1 < len(parts) else None
        kinds = {before.kind if before else None, after.kind if after and after.lines else None}
        if line is None or part.lines or line.level or before is None:
            kept.append(part)
        elif part.kind in kinds & {"summary", "abstract"}:
            reader.warn(
                line.number,
                f"{line.text!r} is taken for text, not a heading: no text follows it, and it "
                "starts no new part; delete it from the digest if it is a heading",
            )
            if not _place(paper, before, line, markdown=reader.markdown):  # under links
                bisect.insort(among_links, line, key=lambda other: other.number)
            before.lines += 1
        else:
            kept.append(part)
    return kept


def _warn_of_empty_headings(reader: _Reader, parts: list[_Part]) -> None:
    """Each heading with no text under it, but for links headings at the paper's end (the seeds
    lost many links in the copy: no text is lost there)."""
    for index, part in enumerate(parts):
        if part.heading is None or part.lines:
            continue
        if all(other.kind == "links" for other in parts[index:]):
            continue
        shown = " / ".join(title for title in (part.title or {}).values() if title)
        if shown:
            message = f"the section '{shown}' has no text under it: it is left out"
        else:
            message = (
                f"the heading {part.heading.text!r} has no text under it: it is left out (if it "
                "is a text, put it in the digest)"
            )
        reader.warn(part.heading.number, message)


def _label_of(text: str, found: list[WrittenLink]) -> str | None:
    """``Project page: https://…`` → ``Project page``: a short label before a line's one link
    (a Markdown link's own text, ``코드: [공식 구현](https://…)``, names it before this)."""
    if len(found) != 1:
        return None
    rest = text_around_links(text)
    return rest if 0 < len(rest) <= 40 else None


def _fill(
    paper: DraftPaper,
    parts: list[_Part],
    among_links: list[layout.Line],
    languages: tuple[str, ...],
) -> None:
    summary = [b for p in parts if p.kind == "summary" for b in p.blocks]
    abstract = [b for p in parts if p.kind == "abstract" for b in p.blocks]
    paper.summary = split_by_language(summary, languages) if summary else None
    paper.abstract = split_by_language(abstract, languages) if abstract else None
    for part in parts:
        if part.kind == "section" and part.title is not None and part.blocks:  # a body is due
            body = split_by_language(part.blocks, languages)
            paper.sections.append(DraftSection(part.title, body))
    if among_links:
        blocks = [layout.block_of(line.text) for line in among_links]
        body = split_by_language(blocks, languages)
        paper.sections.append(DraftSection(dict(READ_MORE_TITLE), body))


def _line_warnings(reader: _Reader, lines: list[layout.Line]) -> None:
    """What the editor must fix in the texts: TeX outside math, and words in a script none of
    the import's languages is written in (Japanese on a site in Korean and English), which stay
    in the text around them."""
    for line in lines:
        if layout.block_of(line.text).code:
            continue  # code is not math, nor a language
        text = _MATH.sub("", line.text)
        names = layout.authors_of(text) or layout.affiliations_of(text)  # "\;" is no TeX there
        if not names and (found := _TEX_OUTSIDE_MATH.search(text)):
            reader.warn(
                line.number,
                f"TeX outside $…$ ({found[0]} …): wrap formulas in $…$ so that they are "
                "shown as math",
            )
        if word := other_script(text, reader.languages):
            reader.warn(
                line.number,
                f"'{word}' is in none of the import's languages ({', '.join(reader.languages)}): "
                "it is kept with the text or title around it; move it to its own language in "
                "the digest, or add its language to 'languages' in papersite.yaml",
            )


def _notes(reader: _Reader, path: str) -> list[str]:
    notes = [
        f"Imported by `papersite import --from forum` from {path.rsplit('/', 1)[-1]}: review it.",
        f"The languages ({', '.join(reader.languages)}) were told apart by script; links come",
        "from the text, arXiv IDs from arxiv.lock.json (run `papersite enrich` for new ones);",
        "tags are left to you.",
    ]
    if reader.set_aside:
        notes += ["", "The forum's own lines, set aside (delete this list once reviewed):"]
        notes += [f"  line {line.number}: {line.text}" for line in reader.set_aside]
    return notes


def _quote(run: list[layout.Line]) -> str:
    first = run[0].text
    shown = first if len(first) <= 60 else first[:57] + "…"
    more = f" (+{len(run) - 1} more lines)" if len(run) > 1 else ""
    return f"'{shown}'{more}"
