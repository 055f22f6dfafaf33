"""The Markdown form of a digest: YAML front matter, then papers as Markdown sections.

The layout, documented in README.md ("The Markdown form"):

- front matter between ``---`` lines: the digest's fields, as in the YAML form;
- ``# …``: a title for readers, ignored;
- ``## Overview``: the digest's overview, with ``### <lang>`` headings;
- any other ``## …``: a paper. A ```` ```yaml ```` block right under it holds its fields; the
  heading is its title when the block gives none;
- under a paper, ``### Summary``, ``### Abstract`` and ``### Section[: title]``, each with
  ``#### <lang>`` headings (``#### <lang>: title`` for a section). Text under a field heading
  with no language heading is the same in every language.

The result is the same plain data the YAML form gives, with positions in the ``.md`` file.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline, html_inline
from markdown_it.token import Token

from papersite.errors import Problem, closest
from papersite.load import (
    Location,
    SourceDocument,
    YamlReader,
    format_location,
    unallowed_character,
)

_FENCE_LINE = re.compile(r"^(---|\.\.\.)\s*$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CLOSING_BREAK = re.compile(r"(?:^|\n\n) {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
"""A thematic break closing a text, after a blank line (right under a line, ``---`` underlines
a heading)."""
_STRUCTURE_LEVELS = 4  # headings h1-h4 are structure; h5 and h6 may be used inside texts
_SETEXT = ("=", "-")
"""The markup of a heading made by underlining a line (a setext heading), not by '#'s."""
_TEXT_FIELDS = {"summary": "summary", "abstract": "abstract"}
_PAPER_HEADINGS = ["summary", "abstract", "section"]
_SECTION = re.compile(r"^section\s*(?::\s*(?P<title>.*))?$", re.IGNORECASE)
_LANGUAGE = re.compile(r"^(?P<lang>[A-Za-z][A-Za-z0-9-]*)\s*(?::\s*(?P<title>.*))?$")

BLOCKS = MarkdownIt("commonmark").disable("inline")
"""A parser of a Markdown text's blocks alone (headings, fences), for where only the structure
matters (here, and where the import writes the Markdown form): inline parsing would be wasted."""


def _noting_comments(state: StateInline, silent: bool) -> bool:
    """markdown-it's raw HTML rule, noting where each comment it reads is in ``env["source"]``.

    It only runs where a comment can be: never inside a code span, which the backticks rule
    has taken before it (nor in an image's alt text, parsed from a source of its own)."""
    start = state.pos
    if not html_inline(state, silent):
        return False
    if not silent and state.src == state.env["source"] and state.src.startswith("<!--", start):
        state.env["comments"].append((start, state.pos))
    return True


# A comment in a paragraph is one where GitHub's preview (CommonMark, raw HTML on) reads one.
_comment_parser = MarkdownIt("commonmark")
_comment_parser.inline.ruler.at("html_inline", _noting_comments)


@dataclass
class _Heading:
    level: int
    text: str
    line: int  # 1-based, in the whole file
    body_start: int  # 0-based index into the body's lines, after the heading
    body_end: int = 0  # 0-based index of the next structural heading


@dataclass
class _Builder:
    document: SourceDocument
    body_lines: list[str]
    first_line: int  # 1-based line of body_lines[0] in the file
    problems: list[Problem] = field(default_factory=list)
    overview_heading: bool = False
    """Whether a '## Overview' has been read."""
    blocks: list[Token] = field(default_factory=list)
    """The body's top-level blocks other than headings, from its one Markdown parse."""
    comments: list[tuple[int, int]] = field(default_factory=list)
    """Where the body's HTML comments are, as offsets into its lines joined by newlines."""

    def error(self, line: int, location: Location, message: str) -> None:
        self.problems.append(
            Problem(self.document.path, line, 1, format_location(location), message)
        )

    def given_twice(self, line: int, location: Location, what: str) -> None:
        """The error for a heading that gives ``location`` again, naming the first one's line."""
        first = self.document.key_positions.get(location)
        where = f" (first at line {first[0]})" if first else ""
        self.error(line, location, f"{what} is given twice{where}; keep one")

    def text(self, start: int, end: int) -> str:
        """The body's lines from ``start`` to ``end`` as a text: without HTML comments, which
        GitHub's preview hides (a reviewer never sees them, so they are notes, not text; in code
        it shows them, and they stay), nor a thematic break at its end (``---`` put between
        papers)."""
        starts = self.line_starts
        begin, stop = starts[start], max(starts[start], starts[end] - 1)
        pieces, position = [], begin
        for comment_start, comment_end in self.comments:
            if begin <= comment_start and comment_end <= stop:
                pieces.append(self.body[position:comment_start])
                position = comment_end
        pieces.append(self.body[position:stop])
        text = "".join(pieces).strip("\n")
        return _CLOSING_BREAK.sub("", text).rstrip("\n")

    @functools.cached_property
    def body(self) -> str:
        return "\n".join(self.body_lines)

    @functools.cached_property
    def line_starts(self) -> list[int]:
        """The offset in ``body`` of each line, and one past its end."""
        return list(itertools.accumulate((len(line) + 1 for line in self.body_lines), initial=0))

    def mark(self, location: Location, line: int) -> None:
        self.document.value_positions[location] = (line, 1)
        self.document.key_positions[location] = (line, 1)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """``(front matter, body, 1-based line of the body)``, or None when there is none."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if _FENCE_LINE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None


def _no_front_matter(text: str, path: str) -> Problem:
    """Why ``text`` has no front matter: none at all, one never closed, or one below blank
    lines (it opens on the first line, as GitHub's preview reads it)."""
    lines = text.split("\n")
    blank = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if blank and lines[blank].strip() == "---":
        return Problem(
            path,
            blank + 1,
            1,
            "",
            f"the front matter opens on the first line of the file: remove the {blank} blank "
            f"line{'s' if blank > 1 else ''} above this '---'",
        )
    message = "a Markdown digest starts with YAML front matter between '---' lines"
    if lines[0].strip() == "---":
        message = "the front matter opened at line 1 is not closed: add a '---' line after it"
    return Problem(path, 1, 1, "", message)


def parse_markdown_digest(text: str, path: str) -> tuple[SourceDocument, list[Problem]]:
    """Parse a Markdown digest into the same data and positions as the YAML form."""
    document = SourceDocument(path, None)
    parts = split_front_matter(text)
    if parts is None:
        return document, [_no_front_matter(text, path)]
    front, body, body_line = parts
    reader = YamlReader(document, line_offset=1)
    data = reader.read(front)
    if reader.problems:
        return document, reader.problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return document, [Problem(path, 2, 1, "", "the front matter must be a mapping of fields")]
    builder = _Builder(document, body.split("\n"), body_line)
    _read_body(builder, data)
    document.data = data
    return document, builder.problems


def _comments(builder: _Builder, tokens: list[Token]) -> list[tuple[int, int]]:
    """Where the body's HTML comments are, as offsets into it: in raw HTML blocks, and where
    markdown-it reads one in a block's inline text (so never inside a code span, nor in fenced
    or indented code). A block's inline text is read from its lines as written: their '>' and
    list-marker prefixes cannot open or close a code span or a comment."""
    found: dict[tuple[int, int], None] = {}
    for token in tokens:
        if token.map is None or token.type not in ("inline", "html_block"):
            continue
        begin = builder.line_starts[token.map[0]]
        source = builder.body[begin : builder.line_starts[token.map[1]] - 1]
        if token.type == "html_block":
            spans = [match.span() for match in _HTML_COMMENT.finditer(source)]
        else:
            env: dict[str, Any] = {"source": source, "comments": []}
            _comment_parser.parseInline(source, env)
            spans = env["comments"]
        found.update(dict.fromkeys((begin + start, begin + stop) for start, stop in spans))
    return sorted(found)


def _headings(builder: _Builder) -> list[_Heading]:
    tokens = BLOCKS.parse(builder.body)
    builder.comments = _comments(builder, tokens)
    builder.blocks = [
        token
        for token in tokens
        if token.level == 0 and token.nesting != -1 and token.map and token.type != "heading_open"
    ]
    headings: list[_Heading] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0 or token.map is None:
            continue
        level = int(token.tag[1])
        if level > _STRUCTURE_LEVELS + 1:  # one more: the languages of papers a level too deep
            continue
        text = " ".join(tokens[index + 1].content.split())
        line = builder.first_line + token.map[0]
        written = builder.body_lines[token.map[0]]
        if (
            "\x00" in written and level <= _STRUCTURE_LEVELS
        ):  # markdown-it reads it as U+FFFD: a title would show '�'
            path = builder.document.path
            builder.problems.append(unallowed_character(path, written, "\x00", line - 1))
        if token.markup in _SETEXT:
            builder.error(line, (), _setext_message(level, text, token.markup))
            continue
        headings.append(_Heading(level, text, line, token.map[1]))
    return headings


def _structure(builder: _Builder, headings: list[_Heading]) -> list[_Heading]:
    """The headings of the structure (h1–h4; h5 and h6 belong to the texts), each with the end
    of the text under it."""
    kept = [heading for heading in headings if heading.level <= _STRUCTURE_LEVELS]
    for current, following in itertools.pairwise(kept):
        current.body_end = following.line - builder.first_line
    if kept:
        kept[-1].body_end = len(builder.body_lines)
    return kept


def _setext_message(level: int, text: str, underline: str) -> str:
    # Right under a line of text, '---' (a rule between papers, written without the blank line
    # above it) makes that line a paper's heading, taking it from the text it ends.
    written = (
        f"'{text}' with a line of '{underline}' under it is a heading (GitHub's preview shows one)"
    )
    if underline == "-":
        return (
            f"{written} that would start a paper: put a blank line above a '---' meant as a rule "
            f"between papers, or write a paper's heading as '## {text}'"
        )
    return f"{written} whose text would be left out: write a title as '# {text}'"


def _read_body(builder: _Builder, data: dict[str, Any]) -> None:
    headings = _structure(builder, _raised_papers(builder, _headings(builder)))
    preamble_end = headings[0].line - builder.first_line if headings else len(builder.body_lines)
    if builder.text(0, preamble_end).strip():
        builder.error(
            builder.first_line,
            (),
            "text before the first heading belongs nowhere; put it under '## Overview'",
        )
    papers: list[dict[str, Any]] = []
    for title in (heading for heading in headings if heading.level == 1):
        # The title line for readers; what stands under it before the next heading is not
        # part of any field.
        if builder.text(title.body_start, title.body_end).strip():
            builder.error(
                title.line,
                (),
                "text under the '#' title belongs nowhere; put it under '## Overview'",
            )
    for heading, children in _groups([h for h in headings if h.level > 1]):
        if heading.level != 2:
            builder.error(
                heading.line,
                (),
                f"'{'#' * heading.level} {heading.text}' must stand under a '##' paper or '## Overview'",
            )
        elif heading.text.casefold() == "overview":
            _read_overview(builder, data, heading, children)
        elif (misplaced := _misplaced(heading.text)) is not None:
            builder.error(heading.line, (), misplaced)
        else:
            papers.append(_read_paper(builder, heading, children, len(papers)))
    if papers:
        if "papers" in data:
            line, _ = builder.document.key_positions[("papers",)]
            builder.error(
                line,
                ("papers",),
                "papers are given both in the front matter and as '##' sections; keep one",
            )
        else:
            data["papers"] = papers
            builder.mark(("papers",), headings[0].line)


def _raised_papers(builder: _Builder, headings: list[_Heading]) -> list[_Heading]:
    """``headings``, with papers written a level too deep ('### <title>' over '#### Summary')
    raised to where they belong, and one error at the first: read as written, each of their
    headings was an error of its own (or a language of the overview above them)."""
    first = _first_paper_too_deep(headings)
    if first is None:
        return headings
    builder.error(
        headings[first].line,
        ("papers",),
        f"'### {headings[first].text}' is a paper one level too deep: a paper is a "
        "'## <its title>' section, with '### Summary', '### Abstract', '### Section' and "
        "'#### <lang>' under it; remove one '#' from the headings of each paper and its parts",
    )
    end = _next_at_or_above(headings, first, 2)
    raised = [dataclasses.replace(heading, level=heading.level - 1) for heading in headings]
    return [*headings[:first], *raised[first:end], *headings[end:]]


def _first_paper_too_deep(headings: list[_Heading]) -> int | None:
    """The index of the first '###' heading with a paper's parts ('#### Summary') under it, in
    a body where no '##' heading is a paper; None if there is none, or a '##' paper."""
    if any(h.level == 2 and _misplaced(h.text) is None for h in headings):
        return None
    for index, heading in enumerate(headings):
        children = headings[index + 1 : _next_at_or_above(headings, index, heading.level)]
        if heading.level == 3 and any(
            child.level == 4 and _field_named(child.text) in _PAPER_HEADINGS for child in children
        ):
            return index
    return None


def _misplaced(text: str) -> str | None:
    """The error for a '##' heading that names a part of the structure rather than a paper (the
    overview misspelt or in Korean, '## 개요'; a paper's field, '## Summary', '## 논문 초록'),
    which would be published as a paper of that title; None for a paper's title."""
    named = _field_named(text)
    if named == "overview" or _misspelt_overview(text):
        return f"'## {text}' would start a paper: did you mean '## Overview'?"
    if named is not None:
        return (
            f"'## {text}' would start a paper: a paper's {named} goes under "
            f"'### {named.title()}', below the paper's own '##' heading"
        )
    return None


def _field_named(text: str) -> str | None:
    """The part of the structure a heading's text names, in English or in the Korean of the
    digests (``논문 소개``: 'summary'); None for any other text."""
    words = " ".join(text.casefold().rstrip(":").split())
    return "section" if _SECTION.match(words) else _HEADING_NAMES.get(words)


_HEADING_NAMES = {
    "overview": "overview",
    "개요": "overview",
    "summary": "summary",
    "논문 소개": "summary",
    "소개": "summary",
    "요약": "summary",
    "abstract": "abstract",
    "논문 초록": "abstract",
    "초록": "abstract",
}
"""The headings of the structure, and the Korean words the digests use for them."""


def _misspelt_overview(text: str) -> bool:
    """Whether a '##' heading is 'Overview' misspelt, rather than a paper's title."""
    return difflib.SequenceMatcher(None, text.casefold(), "overview").ratio() >= OVERVIEW_LIKE


OVERVIEW_LIKE = 0.75
"""How alike a heading and 'Overview' are when one is the other misspelt ('Overveiw', 'Overvew',
'Oveview' are; 'Overview of RL' and 'Overfitting' are not)."""


def _groups(headings: list[_Heading]) -> Iterator[tuple[_Heading, list[_Heading]]]:
    """Each heading with the headings nested under it, skipping over those."""
    index = 0
    while index < len(headings):
        end = _next_at_or_above(headings, index, headings[index].level)
        yield headings[index], headings[index + 1 : end]
        index = end


def _next_at_or_above(headings: list[_Heading], index: int, level: int) -> int:
    for following in range(index + 1, len(headings)):
        if headings[following].level <= level:
            return following
    return len(headings)


def _read_overview(
    builder: _Builder, data: dict[str, Any], heading: _Heading, children: list[_Heading]
) -> None:
    if "overview" in data:
        first = builder.document.key_positions.get(("overview",), (0, 0))[0]
        given = (
            f"'## Overview' is given twice (first at line {first})"
            if builder.overview_heading
            else "the overview is given both in the front matter and as '## Overview'"
        )
        builder.error(heading.line, ("overview",), f"{given}; keep one")
        return
    builder.overview_heading = True
    builder.mark(("overview",), heading.line)
    data["overview"] = _read_text(builder, ("overview",), heading, children, section=False)


def _read_text(
    builder: _Builder,
    location: Location,
    heading: _Heading,
    children: list[_Heading],
    *,
    section: bool,
) -> Any:
    """A text: one language heading per language, or one text for every language.

    For a section, returns ``(title, body)`` texts built from ``#### <lang>: title`` headings.
    """
    direct = builder.text(heading.body_start, heading.body_end)
    if not children:
        return direct
    if direct.strip():
        builder.error(
            heading.line,
            location,
            "text stands both directly under this heading and under language headings; move it under one language heading",
        )
    bodies: dict[str, str] = {}
    titles: dict[str, str] = {}
    for child in children:
        match = _LANGUAGE.match(child.text)
        if child.level != heading.level + 1 or match is None:
            builder.error(
                child.line,
                location,
                f"expected a language heading such as '{'#' * (heading.level + 1)} ko' here, got '{child.text}'",
            )
            continue
        lang = match["lang"]
        if lang in bodies:
            builder.given_twice(child.line, (*location, lang), f"language '{lang}'")
            continue
        if match["title"] is not None:
            if not section:
                builder.error(
                    child.line,
                    (*location, lang),
                    f"only a section's language headings take a title; write '{'#' * child.level} {lang}'",
                )
            titles[lang] = match["title"].strip()
            builder.mark(
                (*location[:-1], "title", lang) if section else (*location, lang), child.line
            )
        bodies[lang] = builder.text(child.body_start, child.body_end)
        builder.mark((*location, lang), child.line)
    return (titles, bodies) if section else bodies


def _read_paper(
    builder: _Builder, heading: _Heading, children: list[_Heading], number: int
) -> dict[str, Any]:
    location: Location = ("papers", number)
    builder.mark(location, heading.line)
    paper = _read_fields_block(builder, heading, location)
    if "title" not in paper:
        paper["title"] = heading.text
        builder.mark((*location, "title"), heading.line)
    elif not _names_the_title(heading.text, paper["title"]):
        # The heading is what a reviewer reads (GitHub's preview, the table of contents), the
        # block's title what the site shows: an edited heading over a template's placeholder
        # title ("Paper title") was published under the placeholder, without a word.
        builder.error(
            heading.line,
            (*location, "title"),
            f"the heading '{heading.text}' is not the paper's title in the ```yaml block below "
            "it, in any language; make them agree (or leave title out of the block, and the "
            "heading is the title)",
        )
    sections: list[dict[str, Any]] = []
    for child, grandchildren in _groups(children):
        if child.level != 3:
            builder.error(
                child.line,
                location,
                f"expected '### Summary', '### Abstract' or '### Section' here, got '{child.text}'",
            )
            continue
        field_name = _TEXT_FIELDS.get(child.text.casefold())
        section_match = _SECTION.match(child.text)
        if field_name is not None:
            if field_name in paper:
                builder.given_twice(child.line, (*location, field_name), f"'{field_name}'")
                continue
            builder.mark((*location, field_name), child.line)
            paper[field_name] = _read_text(
                builder, (*location, field_name), child, grandchildren, section=False
            )
        elif section_match is not None:
            sections.append(
                _read_section(builder, location, child, grandchildren, section_match, len(sections))
            )
        else:
            hint = _paper_heading_hint(child.text)
            builder.error(
                child.line,
                location,
                f"unknown paper heading '{child.text}'; {hint}"
                "use '### Summary', '### Abstract' or '### Section: <title>'",
            )
    if sections:
        if "sections" in paper:
            builder.error(
                heading.line,
                (*location, "sections"),
                "sections are given both in the yaml block and as '### Section' headings; keep one",
            )
        else:
            paper["sections"] = sections
    return paper


def _paper_heading_hint(text: str) -> str:
    """The hint for an unknown heading under a paper that is one misspelt or in Korean
    (``### 논문 소개``): "did you mean '### Summary'? "; else nothing."""
    named = _field_named(text)
    meant = named if named in _PAPER_HEADINGS else closest(text, _PAPER_HEADINGS)
    return f"did you mean '### {meant.title()}'? " if meant else ""


def _read_section(
    builder: _Builder,
    paper_location: Location,
    heading: _Heading,
    children: list[_Heading],
    match: re.Match[str],
    number: int,
) -> dict[str, Any]:
    location: Location = (*paper_location, "sections", number)
    builder.mark(location, heading.line)
    builder.mark((*location, "title"), heading.line)
    result = _read_text(builder, (*location, "body"), heading, children, section=True)
    shared_title = (match["title"] or "").strip()
    if isinstance(result, str):
        titles: dict[str, str] | str = shared_title
        body: Any = result
    else:
        language_titles, body = result
        titles = language_titles or shared_title
        if language_titles and shared_title:  # the shared title for the languages that give none
            languages = dict.fromkeys([*body, *language_titles])
            titles = {lang: language_titles.get(lang, shared_title) for lang in languages}
    if not titles:
        builder.error(
            heading.line,
            (*location, "title"),
            "a section needs a title: '### Section: <title>' or '#### <lang>: <title>'",
        )
    return {"title": titles, "body": body}


def _names_the_title(heading: str, title: Any) -> bool:
    """Whether a paper's heading is its ``title`` (a text) in one of its languages, or its
    languages' titles joined by `` / `` as a post writes them (whitespace aside)."""
    if isinstance(title, str):
        titles = [title]
    elif isinstance(title, dict):
        titles = [value for value in title.values() if isinstance(value, str) and value.strip()]
    else:
        return True  # not a text: the model reports it
    if not titles:
        return True  # no title in the block: the model reports it
    words = " ".join(heading.split())
    spaced = [" ".join(value.split()) for value in titles]
    return words in spaced or words in (" / ".join(spaced), " / ".join(reversed(spaced)))


def _read_fields_block(builder: _Builder, heading: _Heading, location: Location) -> dict[str, Any]:
    """The ```yaml block right under a paper heading, if any."""
    blocks = [
        block
        for block in builder.blocks
        if block.map and heading.body_start <= block.map[0] < heading.body_end
    ]
    fences = [block for block in blocks if block.type == "fence"]
    if len(fences) != len(blocks):
        builder.error(
            heading.line,
            location,
            "under a paper heading, only a ```yaml block of its fields may stand before '### Summary'",
        )
    if not fences:
        return {}
    fence = fences[0]
    if fence.info.strip().lower() not in ("yaml", "yml") or len(fences) > 1:
        builder.error(heading.line, location, "a paper takes one ```yaml block of its fields")
        return {}
    assert fence.map is not None  # builder.blocks holds only blocks with a line range
    fence_line = builder.first_line + fence.map[0]
    reader = YamlReader(builder.document, line_offset=fence_line)
    fields = reader.read(fence.content, prefix=location)
    builder.problems.extend(reader.problems)
    if fields is None:
        return {}
    if not isinstance(fields, dict):
        builder.error(
            fence_line, location, "the ```yaml block must be a mapping of the paper's fields"
        )
        return {}
    return fields
