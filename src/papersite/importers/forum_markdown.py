"""Raw HTML in a forum post's Markdown, both ways: a digest's ``a <b> c`` or ``<tags>`` is text
on the site (its Markdown escapes raw HTML), where Discourse reads it as HTML (``<b>`` bold,
``<tags>`` dropped). Export escapes each ``<`` that would open raw HTML (``\\<``), the import
takes back exactly those escapes, and names (plain strings) are written so that the import's
split at their separators gives them back.

Which ``<`` opens raw HTML is the parser's answer, not a pattern's: the site's Markdown with
raw HTML on (as Discourse has it), so that code, math, autolinks and ``<…>`` link destinations
keep their ``<`` as written.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt

from papersite.importers.links import unescaped
from papersite.markup import MarkdownRenderer, plain_paragraph

_OPENING = re.compile(r"<(?=[A-Za-z/!?])")
"""Where raw HTML may start: a tag, a closing tag, a comment, a declaration."""
_ESCAPED_OPENING = re.compile(r"\\<(?=[A-Za-z/!?])")
_SEPARATOR = re.compile(r"(?<!\\);")
_FALLBACK_SEPARATOR = re.compile(r"(?<!\\),|\s·\s")
"""A comma, or a '·' with white space on both sides as a list writes it ("A · B"): between
letters a '·' is part of a name (a transliterated 장·폴, Catalan's l·l)."""


@functools.cache
def _discourse() -> MarkdownIt:
    """The site's Markdown rules with raw HTML read as HTML, as Discourse reads a post."""
    parser = MarkdownRenderer().parser
    parser.options["html"] = True
    return parser


def _raw_html(markdown: str) -> int:
    """How many characters of ``markdown`` Discourse would take for raw HTML."""
    total = 0
    for token in _discourse().parse(markdown):
        if token.type == "html_block":
            total += len(token.content)
        total += sum(len(c.content) for c in token.children or [] if c.type == "html_inline")
    return total


TEXT_HEADINGS = 4
"""The highest level of a text's own headings in a post: the post's structure is ``#`` its title,
``##`` a paper, ``###`` a part (논문 소개, a section), so the import reads a ``####`` to
``######`` heading as a text's."""


def forum_markdown(markdown: str) -> str:
    """``markdown`` as a post must write it to show what the site shows: a text's headings
    under the part's (``_headings_under_parts``), each ``<`` that would open raw HTML escaped,
    left to right (an attribute may hold another tag)."""
    markdown = _headings_under_parts(markdown)
    if "<" not in markdown:
        return markdown
    raw, position = _raw_html(markdown), 0
    while raw and (match := _OPENING.search(markdown, position)):
        trial = markdown[: match.start()] + "\\" + markdown[match.start() :]
        position = match.start() + 1
        if (fewer := _raw_html(trial)) < raw:
            markdown, raw, position = trial, fewer, position + 1
    return markdown


def _headings_under_parts(markdown: str) -> str:
    """A text with its headings moved below the post's structure, as a page moves them below
    the heading it shows the text under (``snippets.headings_under``): the highest becomes a
    ``####`` (if it is higher), the others keep their distance to it, none lower than
    ``######``. Written as they were, a summary's ``# …`` started a part of the post, and the
    text after it was imported into that part."""
    if "#" not in markdown and "\n" not in markdown:
        return markdown
    headings = [
        token
        for token in _discourse().parse(markdown)
        if token.type == "heading_open" and token.level == 0 and token.map is not None
    ]
    highest = min((int(token.tag[1]) for token in headings), default=TEXT_HEADINGS)
    if highest >= TEXT_HEADINGS:
        return markdown
    lines = markdown.split("\n")
    for token in reversed(headings):  # a setext heading's lines become one, so from the end
        assert token.map is not None
        start, end = token.map
        level = min(6, int(token.tag[1]) + TEXT_HEADINGS - highest)
        words = " ".join(_heading_words(lines[start:end], token.markup))
        lines[start:end] = ["#" * level + " " + words]
    return "\n".join(lines)


def _heading_words(lines: list[str], markup: str) -> list[str]:
    """A heading's words as its lines write them: without an ATX heading's ``#`` marks, or a
    setext heading's underline."""
    if markup in ("=", "-"):
        return [line.strip() for line in lines[:-1]]
    return [_ATX_MARKS.sub("", lines[0]).strip()]


_ATX_MARKS = re.compile(r"^ {0,3}#{1,6}(?=[ \t]|$)|[ \t]+#+[ \t]*$")
"""An ATX heading's opening ``#``s, and its closing ones."""


def from_forum_markdown(markdown: str) -> str:
    """A post's Markdown with the escapes ``forum_markdown`` adds taken back, right to left
    (its reverse order): each ``\\<`` without which Discourse would read raw HTML."""
    if "\\<" not in markdown:
        return markdown
    raw = _raw_html(markdown)
    for match in reversed(list(_ESCAPED_OPENING.finditer(markdown))):
        trial = markdown[: match.start()] + markdown[match.start() + 1 :]
        if (more := _raw_html(trial)) > raw:
            markdown, raw = trial, more
    return markdown


def names_line(names: list[str], separator: str = ", ") -> str:
    """Names (authors, affiliations) on one line, as ``split_names`` reads them back: at
    ``separator``, or at semicolons where a name holds a comma ("B. Author, Jr."). Each name is
    Markdown that shows it as written, its semicolons escaped, and its commas too when it is
    alone (no semicolon would then tell the import not to split it at them)."""
    if any("," in name or "·" in name for name in names):
        separator = "; "
    written = [plain_paragraph(name).replace(";", "\\;") for name in names]
    if len(written) == 1:
        written = [written[0].replace(",", "\\,")]
    return separator.join(written)


def split_names(line: str) -> list[str]:
    """The names of a line ``names_line`` wrote, or a post's: split at semicolons where it has
    them, else at commas (and at a spaced ``·``); escaped marks are the marks."""
    separator = _SEPARATOR if _SEPARATOR.search(line) else _FALLBACK_SEPARATOR
    names = (unescaped(name).strip() for name in separator.split(line))
    return [name for name in names if name]
