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

English terms match as words, in any case, with a hyphen, spaces or nothing between their
parts (``fine-tuning``, ``fine tuning``, ``finetuning``) and an optional plural ending.
Korean renderings match anywhere in a word (Korean attaches particles: ``환각을``), ignoring
spaces (``미세 조정``, ``미세조정``); one written in Latin letters (``RL``) not inside a Latin word
(``URL``). Both only in prose (``prose.py``): never in code, math, links
or bare URLs, and within one run of it, where a line break counts as a space (a term may wrap).
Of two terms over the same words, the longer counts (``occurrences``): what the page marks is
what check counts. Texts and terms are NFC (the model composes them), so decomposed Hangul
matches.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from papersite.errors import Problem
from papersite.i18n import ENGLISH, code_of, primary_language
from papersite.model import Glossary, GlossaryTerm, SourcedDigest
from papersite.prose import prose_runs, prose_spans, run_text
from papersite.provenance import digest_texts

if TYPE_CHECKING:
    from papersite.load import Location, SourceDocument

SOURCE_LANGUAGE = ENGLISH
TARGET_LANGUAGE = "ko"


_SEPARATORS = re.compile(r"[-\s]+")
_SPACES = re.compile(r"\s+")
_SPACE = r"[^\S\n]*\n?[^\S\n]*"
"""Spaces as a reader sees them between two words of a paragraph: any, with at most one line
break (the source wraps there; two end the paragraph). Used for the raw text that ``prose``
returns as it is, and for a run's text, whose line breaks are ``LINE_BREAK``s."""
_GAP = "\0"
"""What ``prose`` puts for a piece it leaves out (code, a link, a URL): no term matches across
it, as none does on the page. Not a space, which Korean matching takes out."""


def english_pattern(term: GlossaryTerm) -> re.Pattern[str]:
    """Every English form of ``term`` as whole words."""
    forms = sorted({term.en, *term.also}, key=len, reverse=True)
    separator = f"(?:-+|{_SPACE})"  # as ``english_identity`` reads ``--``: one separator
    parts = [separator.join(re.escape(word) for word in _SEPARATORS.split(f)) for f in forms]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?:s|es)?(?![\w-])", re.IGNORECASE)


def korean_pattern(forms: Iterable[str]) -> re.Pattern[str]:
    """Any of the Korean ``forms`` anywhere in a word, whatever the spaces in and around it."""
    ordered = sorted(forms, key=len, reverse=True)
    return re.compile("|".join(_korean_form(form) for form in ordered))


_LATIN = "A-Za-z0-9\u00c0-\u024f"
"""Latin letters and digits: the script of a rendering such as ``RL`` or ``CoT``."""


def _korean_form(form: str) -> str:
    """One rendering's pattern. Korean attaches particles, so it is found inside a word
    (``환각을``); but a Latin letter or digit at its edge may not touch another, save a plural
    ending, as English words do: ``RL`` is in ``RL을`` and ``RLs``, not in ``URL`` or ``RLHF``."""
    letters = squeezed(form)
    pattern = _SPACE.join(map(re.escape, letters))
    if re.match(f"[{_LATIN}]", letters[0]):
        pattern = f"(?<![{_LATIN}])" + pattern
    if re.match(f"[{_LATIN}]", letters[-1]):
        pattern += f"(?:s|es)?(?![{_LATIN}])"
    return pattern


def occurrences(text: str, patterns: Sequence[re.Pattern[str]]) -> list[tuple[int, int, int]]:
    """Where the terms (each by its pattern) stand in ``text``, prose read as ``prose`` gives it
    or one run of it, outside its bare URLs: (start, end, index of the pattern), in order. Of
    two over the same words, the longer is taken ("reward model" over "model", "C++" over "C"),
    whatever the glossary's order; of two as long, the first in the text. The one definition
    of an occurrence, for the page's marks and check's count."""
    found = [
        (match.start(), match.end(), index)
        for start, end in prose_spans(text)
        for index, pattern in enumerate(patterns)
        for match in pattern.finditer(text, start, end)
        if match.end() > match.start()
    ]
    taken: list[tuple[int, int, int]] = []
    for start, end, index in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
        if not any(start < taken_end and taken_start < end for taken_start, taken_end, _ in taken):
            taken.append((start, end, index))
    return sorted(taken)


def english_identity(form: str) -> str:
    """An English form as matching tells forms apart: not by case, nor by the hyphens and spaces
    between its words (``Fine-tuning``, ``fine tuning`` and ``finetuning`` are one)."""
    return _SEPARATORS.sub("", form).casefold()


def squeezed(text: str) -> str:
    """Korean as matching compares it: without spaces (``미세조정`` is ``미세 조정``)."""
    return _SPACES.sub("", text)


def term_problems(document: SourceDocument, glossary: Glossary) -> Iterator[Problem]:
    """What ``glossary.yaml`` says that matching contradicts: a wrong rendering found in an
    accepted one, an English form with a hyphen at its edge (matching reads it as a space),
    and an English form that matching takes for an earlier term's (at the second, naming the
    first)."""
    first: dict[str, tuple[int, Location, str]] = {}
    for index, term in enumerate(glossary.terms):
        for number, wrong in enumerate(term.wrong):
            message = _wrong_message(term, wrong)
            if message is not None:
                yield document.problem(("terms", index, "wrong", number), message)
        forms: list[tuple[Location, str]] = [(("terms", index, "en"), term.en)]
        forms += [(("terms", index, "also", number), form) for number, form in enumerate(term.also)]
        for where, form in forms:
            if form.startswith("-") or form.endswith("-"):
                yield document.problem(where, _EDGE_HYPHEN.format(form=form))
                continue
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


_EDGE_HYPHEN = (
    "{form!r} starts or ends with a hyphen, which matching reads as a space between words, so it "
    "would match other words (or only lone letters and dashes): terms match as whole words; "
    "write the whole word ('non-linear'), without the hyphen at its edge"
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


@dataclass(frozen=True)
class TermPatterns:
    """The patterns of a glossary's terms, one of each kind per term, in the glossary's order."""

    terms: list[GlossaryTerm]
    english: list[re.Pattern[str]]
    korean: list[re.Pattern[str]]
    """Each term's accepted renderings."""
    wrong: list[tuple[int, re.Pattern[str]]]
    """The wrong renderings of each term that has any, with the term's index."""

    @classmethod
    def of(cls, glossary: Glossary) -> TermPatterns:
        terms = glossary.terms
        return cls(
            terms,
            [english_pattern(t) for t in terms],
            [korean_pattern(t.ko) for t in terms],
            [(index, korean_pattern(t.wrong)) for index, t in enumerate(terms) if t.wrong],
        )


def mismatches(patterns: TermPatterns, english: str, korean: str) -> Iterator[Mismatch]:
    """The terms that occur in ``english`` and that ``korean`` renders wrongly or not at all
    (none of the term's accepted renderings occurs there). A wrong rendering counts only where
    it is not (part of) another term's accepted one: the page marks that other term there
    (``학습`` is "learning", even if it is a wrong rendering of "deep learning")."""
    rendered, wrong = _korean_occurrences(patterns, korean)
    for index in sorted({index for _, _, index in occurrences(english, patterns.english)}):
        term = patterns.terms[index]
        if index in wrong:
            used = squeezed(wrong[index])
            yield Mismatch(term, next(w for w in term.wrong if squeezed(w) == used))
        elif index not in rendered:
            yield Mismatch(term, None)


def _korean_occurrences(patterns: TermPatterns, korean: str) -> tuple[set[int], dict[int, str]]:
    """The terms whose accepted renderings occur in ``korean``, and the first wrong rendering
    that occurs there of each term (by its index), read as one set of ``occurrences``: of an
    accepted and a wrong rendering over the same words, the accepted one counts."""
    found = occurrences(korean, [*patterns.korean, *(pattern for _, pattern in patterns.wrong)])
    accepted = len(patterns.korean)
    wrong: dict[int, str] = {}
    for start, end, index in found:
        if index >= accepted:
            wrong.setdefault(patterns.wrong[index - accepted][0], korean[start:end])
    return {index for _, _, index in found if index < accepted}, wrong


def glossary_problems(
    glossary: Glossary, digests: Iterable[SourcedDigest], parser: MarkdownIt
) -> Iterator[Problem]:
    """Each text of the digests whose Korean version breaks the glossary, at its Korean line.
    Texts are read with ``parser`` (the pages' own, without the marking) and only in prose: a
    term in code or a URL is not marked on the page, so it is neither asked for nor found."""
    patterns = TermPatterns.of(glossary)
    for sourced in digests:
        for text in digest_texts(sourced.digest):
            value = text.text or {}
            english = in_language(value, SOURCE_LANGUAGE)[1]
            korean_code, korean = in_language(value, TARGET_LANGUAGE)
            if not english or not korean or not _may_name_a_term(english, patterns.english):
                continue
            # A rendering that is a link's own words is there for the reader ([환각](…)).
            english, korean = prose(parser, english), prose(parser, korean, link_text=True)
            for mismatch in mismatches(patterns, english, korean):
                yield sourced.problem((*text.location, korean_code), mismatch.message())


def in_language(text: dict[str, str], language: str) -> tuple[str, str | None]:
    """The site language code of ``text`` that is ``language`` (``ko-KR`` for ``ko``: the
    glossary goes by the primary subtag, as the interface words do) and its text; the code
    ``language`` and None where the text has none."""
    code = code_of(text, language)
    return (language, None) if code is None else (code, text[code])


def _may_name_a_term(english: str, patterns: list[re.Pattern[str]]) -> bool:
    """Whether ``english`` may have a term in its prose. Parsing takes words out, and joins
    them only across a line break written with ``\\`` or a quote's ``>``: a text without them
    that names no term as written needs no parse (most texts)."""
    return bool(_MAY_JOIN_WORDS.search(english)) or any(p.search(english) for p in patterns)


_MAY_JOIN_WORDS = re.compile(r"\\\n|^[ \t]*>", re.MULTILINE)

# What can take words out of a text's prose, or put in words it does not show: code, links,
# images and footnotes, raw HTML, entities and escapes, math, URLs, indented code, and `_`
# (which ends a word for a regex but is emphasis in Markdown), and a line that starts a quote
# or a heading (whose words would run on into the next line's, or stop the parse from joining
# the quote's lines). A text with none of them reads as its own prose, and needs no parse: most
# texts do. Emphasis with `*` or `~` ends a run, as `*` and `~` end a term's match.
_MAY_HIDE_WORDS = re.compile(r"[`\[<$&\\_]|https?:|^(?: {4}|\t)|^[ \t]*[>#]", re.MULTILINE)


def prose(parser: MarkdownIt, markdown: str, *, link_text: bool = False) -> str:
    """The prose of ``markdown`` (``prose.py``; with ``link_text``, links' own words too): its
    runs (``prose_runs``, as the page's marking reads them), each piece left out a ``_GAP``."""
    if not _MAY_HIDE_WORDS.search(markdown):
        return markdown
    pieces: list[str] = []
    for block in parser.parse(markdown):
        if block.type != "inline" or not block.children:
            continue
        for run, is_prose in prose_runs(block.children, link_text=link_text):
            if is_prose:
                text = run_text(run)
                pieces.append(_GAP.join(text[start:end] for start, end in prose_spans(text)))
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
    text being rendered is set in ``env["lang"]`` (a regional code, ``ko-KR``, is its language's);
    other languages are left alone."""

    def __init__(self, glossary: Glossary) -> None:
        patterns = TermPatterns.of(glossary)
        by_language: dict[str, tuple[list[re.Pattern[str]], list[str]]] = {
            SOURCE_LANGUAGE: (patterns.english, [" / ".join(t.ko) for t in glossary.terms]),
            TARGET_LANGUAGE: (patterns.korean, [t.en for t in glossary.terms]),
        }
        self.patterns = {lang: p for lang, p in by_language.items() if p[0]}

    def __call__(self, state: StateCore) -> None:
        patterns = self.patterns.get(primary_language(state.env.get("lang", "")))
        if not patterns:
            return
        for block in state.tokens:
            if block.type == "inline" and block.children:
                block.children = self._marked(block.children, patterns)

    def _marked(
        self, tokens: list[Token], patterns: tuple[list[re.Pattern[str]], list[str]]
    ) -> list[Token]:
        result: list[Token] = []
        for run, is_prose in prose_runs(tokens):
            result += _split(run, *patterns) if is_prose else run
        return result


def _split(run: list[Token], patterns: list[re.Pattern[str]], titles: list[str]) -> list[Token]:
    """The run cut around its terms' ``occurrences``, each wrapped in ``<abbr>`` (a term that
    wraps keeps its line break inside)."""
    text = run_text(run)
    found = occurrences(text, patterns)
    if not found:
        return run
    breaks = [(offset, token) for offset, token in _offsets(run) if token.type != "text"]
    pieces: list[Token] = []
    position = 0
    for start, end, index in found:
        pieces += _words(text, position, start, breaks)
        opening = f'<abbr class="term" title="{escape(titles[index])}" tabindex="0">'
        pieces += [_html(opening), *_words(text, start, end, breaks), _html("</abbr>")]
        position = end
    return pieces + _words(text, position, len(text), breaks)


def _offsets(run: list[Token]) -> Iterator[tuple[int, Token]]:
    """Each token of the run with where it starts in its ``run_text``."""
    offset = 0
    for token in run:
        yield offset, token
        offset += len(run_text([token]))


def _words(text: str, start: int, end: int, breaks: list[tuple[int, Token]]) -> list[Token]:
    """``text[start:end]`` as tokens: text, and each line break in it as its own token again."""
    pieces: list[Token] = []
    position = start
    for offset, token in breaks:
        if start <= offset < end:
            pieces += [_text(text[position:offset]), token]
            position = offset + 1
    pieces.append(_text(text[position:end]))
    return [piece for piece in pieces if piece.type != "text" or piece.content]


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
