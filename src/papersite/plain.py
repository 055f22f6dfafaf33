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
from html.entities import html5

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


def _autolink_words(match: re.Match[str]) -> str:
    """An autolink's words (``_link_words``), its URL, with its marks hidden
    (``_hidden_mark``): no later rule reads the ``_`` of ``<https://x.org/_a_>`` as
    emphasis."""
    return _MARK.sub(_hidden_mark, _link_words(match))


def _entity(match: re.Match[str]) -> str:
    """The character an HTML entity stands for (the page shows ``&amp;`` as ``&``); a code
    span, where the page shows an entity as written, unchanged, and so is a name HTML does not
    know (``html.unescape`` read ``&notanentity;`` as ``&not`` and letters: "¬anentity;")."""
    known = match[0][1] == "#" or match[0][1:] in html5
    return html.unescape(match[0]) if known and not match["code"] else match[0]


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
    (_AUTOLINK, _autolink_words, ("<",), INLINE),  # <https://…>
    (_EMAIL, r"\1", ("<",), INLINE),  # <name@host>
    (_ENTITY, _entity, ("&",), INLINE),  # &amp;, &#x1F600;: the character (not in code)
    (r"^ {0,3}(?:[-*+]|\d{1,9}[.)]|#{1,6}|>)[ \t]+", "", (), BLOCK),  # list items, headings, quotes
    (r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1", r"\2", ("**", "__", "~~"), INLINE),  # strong, struck out
    (r"(?<![\w*\\])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", ("*",), INLINE),  # emphasis
    (r"(?<![\w\\])_(?=\S)(.+?)(?<=\S)_(?!\w)", r"\1", ("_",), INLINE),  # _emphasis_, not in_words
    (r"`+([^`]+?)`+", r"\1", ("`",), INLINE),  # code
]  # fmt: skip
"""Each rule: a pattern, what its match gives way to, the marks a text must hold for it to be
tried (none: always), as most texts have few of them and each pattern scans the whole text, and
whether it is tried in block texts only (a title is inline: a leading "1. " is its words)."""
_PLAIN_PATTERNS = [
    (re.compile(p, re.MULTILINE), r, marks, where) for p, r, marks, where in _PLAIN_RULES
]


_DEFINITION = re.compile(
    r"[ ]{0,3}\[(?P<label>(?!\^)(?:[^\[\]\\]|\\.){1,999})\]:[ \t]*\n?[ \t]*"
    r"(?P<url><[^<>\n]*>|\S+)"
    r"""(?:(?:[ \t]+|[ \t]*\n[ \t]*)(?:"[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*(?:\n|$)"""
)
"""A link reference definition (``[label]: https://… "title"``) at the start of a paragraph,
where CommonMark reads one (it cannot interrupt a paragraph); a note's ``[^label]:`` is not."""
_PARAGRAPH_START = re.compile(r"\A|\n[ \t]*\n")
_REFERENCE = re.compile(r"!?\[(?P<words>[^\[\]]*)\](?:\[(?P<label>[^\[\]]*)\])?(?![(\[:])")
"""A link or image by reference: ``[words][label]``, ``[words][]``, or ``[words]``."""


def _label(label: str) -> str:
    """A reference's label as CommonMark matches it: case and runs of spaces ignored."""
    return " ".join(label.split()).casefold()


def _references(markdown: str) -> str:
    """``markdown`` with its link reference definitions left out and each link by reference
    given as its words, where the page makes them a link (a definition ``is_safe_link``
    refuses is shown as written, and so are the links that name it): the description showed
    ``See [the paper][ref] … [ref]: https://…``."""
    labels: set[str] = set()
    kept, start = [], 0
    for paragraph in _PARAGRAPH_START.finditer(markdown):
        position = paragraph.end()
        while (found := _DEFINITION.match(markdown, position)) and is_safe_link(
            found["url"].strip("<>")
        ):
            labels.add(_label(found["label"]))
            kept.append(markdown[start:position])
            start = position = found.end()
    kept.append(markdown[start:])

    def words(match: re.Match[str]) -> str:
        label = _label(match["label"] or match["words"])
        return match["words"] if label in labels else match[0]

    return _REFERENCE.sub(words, "".join(kept)) if labels else markdown


_ESCAPE_OR_CODE = re.compile(
    r"\\(?P<mark>[!-/:-@\[-`{-~])"
    r"|(?<!`)(?P<ticks>`+)(?!`)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)",
    re.DOTALL,
)
"""An escaped mark (``\\*``, ``\\[``, ``\\```): the mark itself, as plain text; or a code span,
as CommonMark reads one (opened and closed by runs of as many backticks, after the escapes
before it), whose marks are its text: ``__init__`` was read as emphasis."""
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


def _hidden_escape_or_code(match: re.Match[str]) -> str:
    """An escaped mark, hidden (``_hidden_mark``); a code span's text, without its backticks,
    with every mark hidden and one space dropped at each end where both have one, as the page
    shows it."""
    if match["mark"] is not None:
        return chr(_HIDDEN + ord(match["mark"]))
    code = match["code"].replace("\n", " ")
    if code.startswith(" ") and code.endswith(" ") and code.strip(" "):
        code = code[1:-1]
    return _MARK.sub(_hidden_mark, code)


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


_DIRECTION_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""The embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder
what follows them until closed; not the marks (U+200E LRM, U+200F RLM), which reorder
nothing."""


def one_line(words: str) -> str:
    """``words`` as one line of plain text, without direction controls: a page fences a
    control its text leaves open in the element of its language (``unicode-bidi: isolate``),
    but a line of plain text (a ``<title>``, a feed's title, a description cut anywhere) has no
    such end, and an override left open reversed the words after it ("Week \u202e… · Site"
    showed the site's name backwards in a feed reader)."""
    return " ".join(words.translate(_DIRECTION_CONTROLS).split())


def markdown_words(markdown: str, *, inline: bool = False) -> str:
    """A text's Markdown as one line of plain text, the words a reader sees: the marks of
    emphasis, code, links and footnotes left out (and in a block text, of lists, headings and
    quotes), the words kept, and direction controls (``one_line``); for a page's title and
    description, feeds, JSON-LD, search."""
    if inline and _INLINE_MARKS.search(markdown) is None:  # a large site's feeds ask 30,000 times
        return one_line(markdown)
    return _markdown_words(markdown, inline)


_HIDING_MARKS = ("\\", "$", "`", "<")
"""The marks of what hides its own marks from the rules: an escape, math, a code span, an
autolink; a text without them keeps its own Private Use Area characters as they are."""


@functools.lru_cache(maxsize=4096)  # a text is shown on each of its editions' pages
def _markdown_words(markdown: str, inline: bool) -> str:
    hides = any(mark in markdown for mark in _HIDING_MARKS)
    if hides:
        markdown = around_math(
            markdown, lambda part: _ESCAPE_OR_CODE.sub(_hidden_escape_or_code, part), _hidden_math
        )
    if not inline and "]:" in markdown:  # a title has no room for a definition
        markdown = _references(markdown)
    for pattern, replacement, marks, where in _PLAIN_PATTERNS:
        if (where == INLINE or not inline) and (not marks or any(m in markdown for m in marks)):
            markdown = pattern.sub(replacement, markdown)
    return one_line(markdown.translate(_SHOWN) if hides else markdown)


_SPOKEN_MARKS = str.maketrans(
    {"^": " sup ", "_": " sub ", "+": " plus ", "-": " minus ", "=": " eq ", "<": " lt ",
     ">": " gt ", "'": " prime ", "*": " ast ", "/": " over ", "|": " mid ", "!": " factorial "}
)  # fmt: skip
"""The marks of TeX that tell one formula from another, as words: a slug keeps only letters
and digits, and ``$x^2$`` and ``$x_2$`` were both ``x-2``."""


def slug_words(title: str) -> str:
    """A title's words (``markdown_words``) for its slug: its formulas' marks spelled out
    (``_SPOKEN_MARKS``), so that two papers whose titles differ in a formula get two pages, not
    one page for both (``model.Paper.identity``)."""
    return markdown_words(
        around_math(title, str, lambda tex: tex.translate(_SPOKEN_MARKS)), inline=True
    )
