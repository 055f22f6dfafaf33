"""The words a reader sees in a text's Markdown, as one line of plain text.

For a page's ``<title>`` and meta tags, feeds, JSON-LD, search, and the slug of a paper without
an arXiv ID (``model.Paper.identity``), where a link's URL, ``**`` or a code span's backticks
would show as written. Only ``re`` and ``html``: the model, below every other stage, uses it.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(url: str) -> bool:
    """Only http(s), mailto and relative links may appear in rendered text. ``//host/…`` is
    not relative: it leads to another host (over ``file:`` when the site is opened from disk,
    where Windows reads it as a network share), and must say ``https:``, as ``links`` must."""
    if url.startswith("//"):
        return False
    match = _SCHEME.match(url)
    return match is None or match.group(1).lower() in _SAFE_SCHEMES


def _link_words(match: re.Match[str]) -> str:
    """A link's words, where the page makes it a link; the whole of it, as written, where the
    page shows it as text (a ``javascript:`` URL, which ``is_safe_link`` refuses)."""
    return match["words"] if is_safe_link(match["url"].strip("<>")) else match[0]


def _entity(match: re.Match[str]) -> str:
    """The character an HTML entity stands for (the page shows ``&amp;`` as ``&``); a code
    span, where the page shows an entity as written, unchanged."""
    return match[0] if match["code"] else html.unescape(match[0])


_LINK = (
    r"!?\[(?P<words>[^\]]*)\]\(\s*"
    r"(?P<url><[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)"  # <…>, or with balanced parentheses
    r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?\s*\)"""  # a title
)
"""An inline link or image, as CommonMark reads it: a Wikipedia URL has parentheses."""
_AUTOLINK = r"<(?P<words>(?P<url>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\x00-\x20]*))>"
_EMAIL = r"<([^\s<>@:\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)>"
_ENTITY = r"(?P<code>`+[^`]+?`+)|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"

# What a line of plain text made from a text (a page's title and description, its meta tags, a
# link's preview) leaves out of its Markdown: each rule's match gives way to its replacement.
# Math stays as TeX: read as plain text, "x^2" says more than MathML's "x2". Not a parser: such
# a line is a few hundred characters, and a parse per page would cost a large site seconds.
BLOCK, INLINE = "block", "inline"
_PLAIN_RULES: list[tuple[str, str | Callable[[re.Match[str]], str], tuple[str, ...], str]] = [
    (r"^ {0,3}\[\^[^\]\s]+\]:.*(?:\n(?: {4}|\t).*)*", "", ("[^",), BLOCK),  # notes, what follows
    (r"\[\^[^\]\s]+\]|\^\[[^\]]*\]", "", ("^",), INLINE),  # references to notes, inline notes
    (_LINK, _link_words, ("](",), INLINE),  # links: their words
    (_AUTOLINK, _link_words, ("<",), INLINE),  # <https://…>
    (_EMAIL, r"\1", ("<",), INLINE),  # <name@host>
    (_ENTITY, _entity, ("&",), INLINE),  # &amp;, &#x1F600;: the character (not in code)
    (r"^ {0,3}(?:[-*+]|\d{1,9}[.)]|#{1,6}|>)[ \t]+", "", (), BLOCK),  # list items, headings, quotes
    (r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1", r"\2", ("**", "__", "~~"), INLINE),  # strong, struck out
    (r"(?<![\w*\\])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", ("*",), INLINE),  # emphasis
    (r"`+([^`]+?)`+", r"\1", ("`",), INLINE),  # code
]  # fmt: skip
"""Each rule: a pattern, what its match gives way to, the marks a text must hold for it to be
tried (none: always), as most texts have few of them and each pattern scans the whole text, and
whether it is tried in block texts only (a title is inline: a leading "1. " is its words)."""
_PLAIN_PATTERNS = [
    (re.compile(p, re.MULTILINE), r, marks, where) for p, r, marks, where in _PLAIN_RULES
]


_ESCAPED_MARK = re.compile(r"\\([!-/:-@\[-`{-~])")
"""An escaped mark (``\\*``, ``\\[``, ``\\```): the mark itself, as plain text."""
_HIDDEN = 0xE000
"""Where an escaped mark hides while the rules run (the Private Use Area, ``_HIDDEN`` + its
code), so that no rule reads it as a mark: arXiv's titles and abstracts are Markdown-escaped
(``plain_paragraph``), and ``\\[1\\](x)`` was read as a link."""
_SHOWN = {_HIDDEN + code: chr(code) for code in range(0x21, 0x7F)}
MATH = re.compile(
    r"\\[\s\S]"  # an escaped character: a `$` after an odd number of backslashes is text
    r"|(?<!\d)(?P<math>\$\$(?:[^$\\]|\\[\s\S]|\$(?!\$))+?\$\$(?!\d)"
    r"|\$(?=[^\s$])(?:[^$\\]|\\[\s\S])*?(?<=\S)\$(?!\d))"
)
"""TeX math as the page's Markdown reads it (``markup``, mdit-py-plugins' dollarmath): the
``math`` group of a match, ``$$…$$``, or ``$…$`` opened before a non-space and closed after
one; neither opened after a digit nor closed before one. An escaped ``\\$`` neither opens nor
closes a formula (matched, without the group, so that ``\\\\$x$`` is math and ``\\$x$``
is not). Read it through ``split_math``."""
_MARK = re.compile(r"([!-/:-@\[-`{-~])")


def _hidden_mark(match: re.Match[str]) -> str:
    return chr(_HIDDEN + ord(match[1]))


def split_math(text: str) -> list[str]:
    """``text`` cut around its formulas (``MATH``), as ``re.split`` with a group cuts it: the
    text outside math at even indices, each formula (with its dollars) at the odd ones."""
    if "$" not in text:  # most texts: no need to find their escapes
        return [text]
    parts, start = [], 0
    for match in MATH.finditer(text):
        if match["math"] is not None:
            parts += [text[start : match.start()], match[0]]
            start = match.end()
    parts.append(text[start:])
    return parts


def around_math(
    text: str, outside: Callable[[str], str], math: Callable[[str], str] | None = None
) -> str:
    """``text`` with ``outside`` made to each of its stretches outside TeX math
    (``split_math``: where the page reads math), and ``math``, if given, to each formula."""
    parts = split_math(text)
    parts[::2] = [outside(part) for part in parts[::2]]
    if math is not None:
        parts[1::2] = [math(formula) for formula in parts[1::2]]
    return "".join(parts)


def _hidden_math(formula: str) -> str:
    """A formula with every mark hidden: its backslashes are TeX's, and no rule may read its
    ``*`` or ``[…]`` as Markdown (math stays as its TeX)."""
    return _MARK.sub(_hidden_mark, formula)


_INLINE_MARKS = re.compile(
    "|".join(
        re.escape(mark)
        for mark in (
            "\\",  # an escaped mark
            *(mark for _, _, marks, where in _PLAIN_RULES if where == INLINE for mark in marks),
        )
    )
)
"""Any mark that an inline rule looks for: a title with none (most) has nothing to leave out."""


def markdown_words(markdown: str, *, inline: bool = False) -> str:
    """A text's Markdown as one line of plain text, the words a reader sees: the marks of
    emphasis, code, links and footnotes left out (and in a block text, of lists, headings and
    quotes), the words kept; for a page's title and description, feeds, JSON-LD, search."""
    if inline and _INLINE_MARKS.search(markdown) is None:  # a large site's feeds ask 30,000 times
        return " ".join(markdown.split())
    return _markdown_words(markdown, inline)


@functools.lru_cache(maxsize=4096)  # a text is shown on each of its editions' pages
def _markdown_words(markdown: str, inline: bool) -> str:
    escaped = "\\" in markdown or "$" in markdown
    if escaped:
        markdown = around_math(
            markdown, lambda part: _ESCAPED_MARK.sub(_hidden_mark, part), _hidden_math
        )
    for pattern, replacement, marks, where in _PLAIN_PATTERNS:
        if (where == INLINE or not inline) and (not marks or any(m in markdown for m in marks)):
            markdown = pattern.sub(replacement, markdown)
    if escaped:
        markdown = markdown.translate(_SHOWN)
    return " ".join(markdown.split())
