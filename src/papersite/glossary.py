"""The site's glossary (``glossary.yaml``): consistent Korean for English ML terms.

Four uses:

- ``term_problems``: what ``glossary.yaml`` says that the matching below would contradict
  (validation);
- ``glossary_problems``: where a text's English version uses a term and its Korean version uses
  a known wrong rendering, or none of the accepted ones (``papersite check``'s ``glossary``);
- ``GlossaryMarker``: in rendered texts (not titles, which often stand inside links), each
  term (in English texts) and each accepted rendering (in Korean texts) becomes an ``<abbr>`` whose title is its translation, shown on
  hover, and on focus without JavaScript (the theme's CSS);
- the ``/glossary/`` page (``context.GlossaryView``).

English terms match as words, in any case, with a hyphen, a space or nothing between their
parts (``fine-tuning``, ``fine tuning``, ``finetuning``) and an optional plural ending.
Korean renderings match anywhere in a word (Korean attaches particles: ``환각을``), ignoring
spaces (``미세 조정``, ``미세조정``). Both only in prose (``prose.py``): never in code, math, links
or bare URLs. Texts and terms are NFC (the model composes them), so decomposed Hangul matches.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from papersite.errors import Problem
from papersite.model import Glossary, GlossaryTerm, SourcedDigest
from papersite.prose import prose_spans, prose_tokens
from papersite.provenance import digest_texts

if TYPE_CHECKING:
    from papersite.load import Location, SourceDocument

SOURCE_LANGUAGE = "en"
TARGET_LANGUAGE = "ko"

_SEPARATORS = re.compile(r"[-\s]+")
_SPACES = re.compile(r"\s+")
_GAP = "\0"
"""What ``prose`` puts for a piece it leaves out (code, a link, a URL): no term matches across
it, as none does on the page. Not a space, which Korean matching takes out."""


def english_pattern(term: GlossaryTerm) -> re.Pattern[str]:
    """Every English form of ``term`` as whole words."""
    forms = sorted({term.en, *term.also}, key=len, reverse=True)
    parts = [r"[-\s]?".join(re.escape(word) for word in _SEPARATORS.split(f)) for f in forms]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?:s|es)?(?![\w-])", re.IGNORECASE)


def english_identity(form: str) -> str:
    """An English form as matching tells forms apart: not by case, nor by the hyphens and spaces
    between its words (``Fine-tuning``, ``fine tuning`` and ``finetuning`` are one)."""
    return _SEPARATORS.sub("", form).casefold()


def squeezed(text: str) -> str:
    """Korean as matching compares it: without spaces (``미세조정`` is ``미세 조정``)."""
    return _SPACES.sub("", text)


def term_problems(document: SourceDocument, glossary: Glossary) -> Iterator[Problem]:
    """What ``glossary.yaml`` says that matching contradicts: a wrong rendering found in an
    accepted one, and an English form that matching takes for an earlier term's (at the
    second, naming the first)."""
    first: dict[str, tuple[int, Location, str]] = {}
    for index, term in enumerate(glossary.terms):
        for number, wrong in enumerate(term.wrong):
            message = _wrong_message(term, wrong)
            if message is not None:
                yield document.problem(("terms", index, "wrong", number), message)
        forms: list[tuple[Location, str]] = [(("terms", index, "en"), term.en)]
        forms += [(("terms", index, "also", number), form) for number, form in enumerate(term.also)]
        for where, form in forms:
            term_index, earlier, earlier_form = first.setdefault(
                english_identity(form), (index, where, form)
            )
            if term_index != index:  # a term may repeat its own form: it is still one term
                line, column = document.position(earlier)
                yield document.problem(
                    where,
                    f"{form!r} is already term {term_index + 1} ({earlier_form!r}, at "
                    f"{line}:{column}): terms match in any case, with or without hyphens and "
                    "spaces; give each term once",
                )


def _wrong_message(term: GlossaryTerm, wrong: str) -> str | None:
    """Why ``wrong`` contradicts one of the term's accepted renderings, compared as
    ``mismatches`` compares them; None when it does not."""
    for accepted in term.ko:
        if squeezed(wrong) == squeezed(accepted):
            spacing = "" if wrong == accepted else f": {accepted!r}; texts match without spaces"
            return (
                f"{wrong!r} is also one of the term's Korean renderings (ko{spacing}); keep it "
                "in one of the two"
            )
        if squeezed(wrong) in squeezed(accepted):
            return (
                f"{wrong!r} is part of the accepted rendering {accepted!r}, so check would call "
                f"every {accepted!r} wrong; remove it, or give the whole wrong word"
            )
    return None


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
    korean = squeezed(korean)
    for term, pattern in terms:
        if not pattern.search(english):
            continue
        wrong = next((w for w in term.wrong if squeezed(w) in korean), None)
        if wrong is not None:
            yield Mismatch(term, wrong)
        elif not any(squeezed(rendering) in korean for rendering in term.ko):
            yield Mismatch(term, None)


def glossary_problems(
    glossary: Glossary, digests: Iterable[SourcedDigest], parser: MarkdownIt
) -> Iterator[Problem]:
    """Each text of the digests whose Korean version breaks the glossary, at its Korean line.
    Texts are read with ``parser`` (the pages' own, without the marking) and only in prose: a
    term in code or a URL is not marked on the page, so it is neither asked for nor found."""
    terms = [(term, english_pattern(term)) for term in glossary.terms]
    for sourced in digests:
        for text in digest_texts(sourced.digest):
            value = text.text or {}
            english, korean = value.get(SOURCE_LANGUAGE), value.get(TARGET_LANGUAGE)
            # Prose only takes words out: a text naming no term as written needs no parse.
            if not english or not korean or not any(p.search(english) for _, p in terms):
                continue
            # A rendering that is a link's own words is there for the reader ([환각](…)).
            english, korean = prose(parser, english), prose(parser, korean, link_text=True)
            for mismatch in mismatches(terms, english, korean):
                yield sourced.problem((*text.location, TARGET_LANGUAGE), mismatch.message())


# What can take words out of a text's prose, or put in words it does not show: code, links,
# images and footnotes, raw HTML, entities and escapes, math, URLs, indented code, and `_`
# (which ends a word for a regex but is emphasis in Markdown). A text with none of them reads
# as its own prose (emphasis with `*` only wraps words), and needs no parse: most texts do.
_MAY_HIDE_WORDS = re.compile(r"[`\[<$&\\_]|https?:|^(?: {4}|\t)", re.MULTILINE)


def prose(parser: MarkdownIt, markdown: str, *, link_text: bool = False) -> str:
    """The prose of ``markdown`` (``prose.py``; with ``link_text``, links' own words too), each
    piece left out a ``_GAP``. Line breaks stay, as in the source: a term may wrap."""
    if not _MAY_HIDE_WORDS.search(markdown):
        return markdown
    pieces: list[str] = []
    for block in parser.parse(markdown):
        if block.type != "inline" or not block.children:
            continue
        for token, is_prose in prose_tokens(block.children, link_text=link_text):
            if is_prose:
                text = token.content
                pieces.append(_GAP.join(text[start:end] for start, end in prose_spans(text)))
            elif token.type in ("softbreak", "hardbreak"):
                pieces.append("\n")
            elif token.nesting == 0:  # not the opening or closing of emphasis, which splits no word
                pieces.append(_GAP)
        pieces.append(_GAP)
    return "".join(pieces)


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
        for token, is_prose in prose_tokens(tokens):
            result += _split(token, patterns) if is_prose else [token]
        return result


def _korean_pattern(term: GlossaryTerm) -> re.Pattern[str]:
    forms = sorted(term.ko, key=len, reverse=True)
    parts = [r"\s*".join(re.escape(char) for char in squeezed(form)) for form in forms]
    return re.compile("|".join(parts))


def _split(token: Token, patterns: list[tuple[re.Pattern[str], str]]) -> list[Token]:
    """The text token cut around its terms, each wrapped in ``<abbr>``, outside its bare URLs.
    Of two terms found over the same words, the longer is taken ("reward model" over "model"),
    whatever the glossary's order; of two as long, the first in the text."""
    text = token.content
    found = [
        (match.start(), match.end(), title)
        for start, end in prose_spans(text)
        for pattern, title in patterns
        for match in pattern.finditer(text, start, end)
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
