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


def forum_markdown(markdown: str) -> str:
    """``markdown`` as a post must write it to show what the site shows: each ``<`` that would
    open raw HTML escaped, left to right (an attribute may hold another tag)."""
    if "<" not in markdown:
        return markdown
    raw, position = _raw_html(markdown), 0
    while raw and (match := _OPENING.search(markdown, position)):
        trial = markdown[: match.start()] + "\\" + markdown[match.start() :]
        position = match.start() + 1
        if (fewer := _raw_html(trial)) < raw:
            markdown, raw, position = trial, fewer, position + 1
    return markdown


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
