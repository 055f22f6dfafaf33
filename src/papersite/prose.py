"""The prose of a parsed Markdown text: its text outside links, code, math, raw HTML and bare URLs.

One definition for the three readers of a text's words: the glossary marks its terms only in
prose, ``papersite check`` counts them only there (so it never asks for a term the page does not
show as one), and ``linkcheck`` finds bare URLs in the same text tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from markdown_it.token import Token

# A bare URL in text, as GitHub's autolinks find them: up to a space or '<', without trailing
# punctuation or an unbalanced closing bracket ("(see https://example.org/a)").
_BARE_URL = re.compile(r"https?://[^\s<>\"`]+", re.IGNORECASE)
_TRAILING = "?!.,:;*_~'\""
_BRACKETS = {")": "(", "]": "[", "}": "{"}
_LINK_DEPTH = {"link_open": 1, "link_close": -1}


def prose_tokens(
    children: Sequence[Token], *, link_text: bool = False
) -> Iterator[tuple[Token, bool]]:
    """Each token of an inline block, and whether it is prose: a text token outside links (or
    inside too, with ``link_text``). Code, math, raw HTML and images are not (a link's URL is
    an attribute, never text)."""
    in_link = 0
    for token in children:
        in_link += _LINK_DEPTH.get(token.type, 0)
        yield token, token.type == "text" and (link_text or not in_link)


def bare_urls(text: str) -> Iterator[tuple[int, int]]:
    """The start and end of each bare ``http(s)://`` URL written in ``text``, in order."""
    for match in _BARE_URL.finditer(text):
        url = _trimmed(match[0])
        if url:
            yield match.start(), match.start() + len(url)


def prose_spans(text: str) -> Iterator[tuple[int, int]]:
    """The start and end of each stretch of a prose token's ``text`` between its bare URLs: a
    word inside a URL (``…/wiki/Hallucination``) is part of an address, not prose."""
    position = 0
    for start, end in bare_urls(text):
        yield position, start
        position = end
    yield position, len(text)


def _trimmed(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING or (
            last in _BRACKETS and url.count(last) > url.count(_BRACKETS[last])
        ):
            url = url[:-1]
        else:
            break
    return url
