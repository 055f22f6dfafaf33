"""The site's glossary (``glossary.yaml``): consistent Korean for English ML terms.

Three uses:

- ``glossary_problems``: where a text's English version uses a term and its Korean version uses
  a known wrong rendering, or none of the accepted ones (``papersite check``'s ``glossary``);
- ``GlossaryMarker``: in rendered texts (not titles, which often stand inside links), each
  term (in English texts) and each accepted rendering (in Korean texts) becomes an ``<abbr>`` whose title is its translation, shown on
  hover, and on focus without JavaScript (the theme's CSS);
- the ``/glossary/`` page (``context.GlossaryView``).

English terms match as words, in any case, with a hyphen, a space or nothing between their
parts (``fine-tuning``, ``fine tuning``, ``finetuning``) and an optional plural ending.
Korean renderings match anywhere in a word (Korean attaches particles: ``환각을``), ignoring
spaces (``미세 조정``, ``미세조정``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from papersite.errors import Problem
from papersite.model import Glossary, GlossaryTerm, SourcedDigest
from papersite.provenance import digest_texts

SOURCE_LANGUAGE = "en"
TARGET_LANGUAGE = "ko"


def english_pattern(term: GlossaryTerm) -> re.Pattern[str]:
    """Every English form of ``term`` as whole words."""
    forms = sorted({term.en, *term.also}, key=len, reverse=True)
    parts = [r"[-\s]?".join(re.escape(word) for word in re.split(r"[-\s]+", f)) for f in forms]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?:s|es)?(?![\w-])", re.IGNORECASE)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Mismatch:
    term: GlossaryTerm
    wrong: str | None
    """The wrong rendering used; None when the Korean text has none of the accepted ones."""

    def message(self) -> str:
        accepted = ", ".join(repr(k) for k in self.term.ko)
        if self.wrong is not None:
            return (
                f"{self.wrong!r} is a wrong rendering of {self.term.en!r} (glossary.yaml): "
                f"write {accepted}"
            )
        return (
            f"the English text says {self.term.en!r}, the Korean text has none of {accepted} "
            "(glossary.yaml): use one, or add this rendering to the glossary"
        )


def mismatches(
    terms: list[tuple[GlossaryTerm, re.Pattern[str]]], english: str, korean: str
) -> Iterator[Mismatch]:
    """The terms (each with its ``english_pattern``) that ``english`` uses and ``korean``
    renders wrongly or not at all. Korean is compared with its spaces taken out."""
    squeezed = _squeezed(korean)
    for term, pattern in terms:
        if not pattern.search(english):
            continue
        wrong = next((w for w in term.wrong if _squeezed(w) in squeezed), None)
        if wrong is not None:
            yield Mismatch(term, wrong)
        elif not any(_squeezed(rendering) in squeezed for rendering in term.ko):
            yield Mismatch(term, None)


def glossary_problems(glossary: Glossary, digests: Iterable[SourcedDigest]) -> Iterator[Problem]:
    """Each text of the digests whose Korean version breaks the glossary, at its Korean line."""
    terms = [(term, english_pattern(term)) for term in glossary.terms]
    for sourced in digests:
        for text in digest_texts(sourced.digest):
            value = text.text or {}
            english, korean = value.get(SOURCE_LANGUAGE), value.get(TARGET_LANGUAGE)
            if not english or not korean:
                continue
            for mismatch in mismatches(terms, english, korean):
                yield sourced.problem((*text.location, TARGET_LANGUAGE), mismatch.message())


def glossary_key(glossary: Glossary | None) -> str:
    """Part of a rendering's cache key: the terms it was marked with."""
    if glossary is None or not glossary.terms:
        return ""
    return hashlib.blake2b(glossary.model_dump_json().encode(), digest_size=8).hexdigest()


class GlossaryMarker:
    """A markdown-it core rule that wraps glossary terms in a text's plain words (not in
    links, code or math) in ``<abbr title="translation" tabindex="0">``. The language of the
    text being rendered is set in ``env["lang"]``; other languages are left alone."""

    def __init__(self, glossary: Glossary) -> None:
        by_language: dict[str, list[tuple[re.Pattern[str], str]]] = {
            SOURCE_LANGUAGE: [(english_pattern(t), " / ".join(t.ko)) for t in glossary.terms],
            TARGET_LANGUAGE: [(_korean_pattern(t), t.en) for t in glossary.terms],
        }
        self.patterns = {lang: p for lang, p in by_language.items() if p}

    def __call__(self, state: StateCore) -> None:
        patterns = self.patterns.get(state.env.get("lang", ""))
        if not patterns:
            return
        for block in state.tokens:
            if block.type == "inline" and block.children:
                block.children = self._marked(block.children, patterns)

    def _marked(
        self, tokens: list[Token], patterns: list[tuple[re.Pattern[str], str]]
    ) -> list[Token]:
        result: list[Token] = []
        in_link = 0
        for token in tokens:
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or in_link:
                result.append(token)
                continue
            result += _split(token, patterns)
        return result


def _korean_pattern(term: GlossaryTerm) -> re.Pattern[str]:
    forms = sorted(term.ko, key=len, reverse=True)
    parts = [r"\s*".join(re.escape(char) for char in _squeezed(form)) for form in forms]
    return re.compile("|".join(parts))


def _split(token: Token, patterns: list[tuple[re.Pattern[str], str]]) -> list[Token]:
    """The text token cut around its terms, each wrapped in ``<abbr>``. Of two terms found over
    the same words, the longer is taken ("reward model" over "model"), whatever the glossary's
    order; of two as long, the first in the text."""
    text = token.content
    found = [
        (match.start(), match.end(), title)
        for pattern, title in patterns
        for match in pattern.finditer(text)
        if match.end() > match.start()
    ]
    if not found:
        return [token]
    matches: list[tuple[int, int, str]] = []
    for start, end, title in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
        if not any(
            start < taken_end and taken_start < end for taken_start, taken_end, _ in matches
        ):
            matches.append((start, end, title))
    pieces: list[Token] = []
    position = 0
    for start, end, title in sorted(matches):
        pieces.append(_text(text[position:start]))
        opening = f'<abbr class="term" title="{escape(title)}" tabindex="0">'
        pieces += [_html(opening), _text(text[start:end]), _html("</abbr>")]
        position = end
    pieces.append(_text(text[position:]))
    return [piece for piece in pieces if piece.content]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _html(content: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = content
    return token


def use_glossary(md: MarkdownIt, glossary: Glossary) -> None:
    """Add the glossary's marking to ``md``, after inline parsing."""
    md.core.ruler.push("glossary", GlossaryMarker(glossary))
