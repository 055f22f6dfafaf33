"""The prose of a parsed Markdown text: its text outside links, code, math, raw HTML and bare URLs.

One definition for the three readers of a text's words: the glossary marks its terms only in
prose, ``papersite check`` counts them only there (so it never asks for a term the page does not
show as one), and ``linkcheck`` finds bare URLs in the same text tokens. Both glossary readers
read prose as runs (``prose_runs``), so a term wrapped across a line break counts for both.
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
_BREAKS = frozenset({"softbreak", "hardbreak"})
LINE_BREAK = "\n"
"""What a line break inside a run stands for in its ``run_text``."""


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


def prose_runs(
    children: Sequence[Token], *, link_text: bool = False
) -> Iterator[tuple[list[Token], bool]]:
    """The tokens of an inline block in order, grouped: each run of prose (``prose_tokens``'
    text with the line breaks between them) as one group, with True; every other token as a
    group of its own, with False. A line break inside a paragraph reads as a space (or a new
    line), so the words on both sides read as one stretch: "reinforcement⏎learning" is the
    term. Anything else ends a run: code, math, a link's edge, and emphasis too, whose edges
    cannot stand inside one ``<abbr>``."""
    run: list[Token] = []
    breaks: list[Token] = []  # after the run so far: in it only if more prose follows
    for token, is_prose in prose_tokens(children, link_text=link_text):
        if is_prose:
            run += [*breaks, token]
            breaks = []
        elif run and token.type in _BREAKS:
            breaks.append(token)
        else:
            if run:
                yield run, True
            yield from (([b], False) for b in [*breaks, token])
            run, breaks = [], []
    if run:
        yield run, True
    yield from (([b], False) for b in breaks)


def run_text(run: Sequence[Token]) -> str:
    """A run's words as one string, each line break a ``LINE_BREAK``."""
    return "".join(LINE_BREAK if token.type in _BREAKS else token.content for token in run)


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
