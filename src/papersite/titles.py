"""Comparing paper titles the way an editor would: ignoring case, punctuation, TeX and Unicode forms.

Two uses, two thresholds. Finding an arXiv ID from a title (``enrich --resolve-titles``, and
``import`` from the lockfile) accepts a candidate only when the titles are equal or nearly so
(``SAME_TITLE``) and hold the same numbers (``same_numbers``). Checking an ID the digest
gives warns only when arXiv's title shares little with the digest's (``RELATED_TITLE``), so that a
digest may shorten a title (drop its subtitle) without a warning, but a mistyped ID is caught.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

SAME_TITLE = 95.0
"""Least ``title_similarity`` for a title search match to be accepted (rapidfuzz ratio, 0–100)."""
RELATED_TITLE = 60.0
"""Below this ``title_overlap``, arXiv's title is too different from the digest's: the ID is
probably mistyped."""

_TEX_ACCENT = re.compile(r"\\(?:[`'^\"~=.]|[uvHtcdbrk](?![A-Za-z]))\s*")
"""An accent command (``\\"o``, ``\\'{e}``, ``\\H{o}``, ``\\v{C}``), as arXiv writes accents: it
goes, and the letter it marks stays in its word, as a Unicode accent does (``without_accents``)."""
_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma tau upsilon phi chi psi omega"
).split()
_TEX_LETTERS = {
    "i": "i", "j": "j", "l": "ł", "L": "Ł", "o": "ø", "O": "Ø", "ss": "ß",
    "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    **dict(zip(_GREEK, "αβγδεζηθικλμνξοπρστυφχψω", strict=True)),
    **dict(zip(map(str.capitalize, _GREEK), "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ", strict=True)),
    "varepsilon": "ε", "vartheta": "ϑ", "varkappa": "ϰ", "varpi": "ϖ", "varrho": "ϱ",
    "varsigma": "ς", "varphi": "φ", "digamma": "ϝ",
}  # fmt: skip
"""TeX's commands for letters (``S{\\o}rensen``, ``Mart\\'{\\i}nez``, ``$\\alpha$-Fold``), as
Unicode writes them: a Greek letter is a letter of its word, as a digest writes ``α-Fold``
(NFKC and case folding then make ``\\vartheta``'s ϑ θ, and ``\\Sigma``'s Σ σ)."""
_TEX_LETTER = re.compile(
    r"\\(" + "|".join(sorted(_TEX_LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])\s*"
)
_GREEK_NAMES = {
    letter: name
    for name, letter in reversed(_TEX_LETTERS.items())  # the first name wins: φ is phi
    if unicodedata.name(letter).startswith("GREEK")
}
"""The name of the TeX command arXiv writes each Greek letter with (``α``: ``alpha``)."""
_GREEK_LETTER = re.compile("[" + "".join(_GREEK_NAMES) + "]")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?|\\.")
_TEX_GROUP = re.compile(r"[{}$]")
"""TeX's braces group (``G\\"{o}del``, ``{BERT}``) and its dollars open and close math
(``$\\mu$P``, a digest's ``μP``): they part no words."""
_NOT_WORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+")


def normalise_title(title: str) -> str:
    """Lower-case words without accents, punctuation or TeX markup, separated by single spaces.

    ``"DAPO: An Open-Source $\\mathcal{LLM}$ RL System"`` → ``"dapo an open source llm rl system"``.
    """
    text = _TEX_LETTER.sub(lambda letter: _TEX_LETTERS[letter[1]], _TEX_ACCENT.sub("", title))
    text = _TEX_GROUP.sub("", _TEX_COMMAND.sub(" ", text))
    text = without_accents(text).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def tex_spelled(title: str) -> str | None:
    """``title`` with its Greek letters spelled as the names of the TeX commands arXiv's titles
    write them with, each a word (``α-Fold`` → ``alpha -Fold``, ``μP`` → ``mu P``); None when it
    has none. arXiv's search knows ``$\\alpha$-Fold`` by the words ``alpha`` and ``fold``, so a
    search with ``α`` finds nothing; dropping the letter instead would break the phrase
    (``Learning α-Divergences`` is not ``Learning Divergences``)."""
    text = unicodedata.normalize("NFKC", title)  # the micro sign µ is μ
    if not _GREEK_LETTER.search(text):
        return None
    return _GREEK_LETTER.sub(lambda letter: f" {_GREEK_NAMES[letter[0]]} ", text)


def without_accents(text: str) -> str:
    """``text`` with its accents taken off and compatibility forms folded (``Élan`` → ``Elan``,
    ``ﬁ`` → ``fi``); Hangul comes back composed, syllable by syllable, so it sorts as a
    dictionary does (가, 각, 나)."""
    if text.isascii():  # no accents to take off: most titles, on every build
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", text)


def title_similarity(a: str, b: str) -> float:
    """How equal two titles are, 0–100, after normalisation (rapidfuzz's ratio)."""
    return float(fuzz.ratio(normalise_title(a), normalise_title(b)))


def title_overlap(a: str, b: str) -> float:
    """How much two titles share, 0–100; 100 when one's words are all in the other (a title
    without its subtitle), so only really different titles score low."""
    return float(fuzz.token_set_ratio(normalise_title(a), normalise_title(b)))


def same_numbers(a: str, b: str) -> bool:
    """Whether two titles hold the same numbers in the same order: titles a letter apart are one
    paper's ("Scaling Law" and "Scaling Laws"), a number apart are two ("Gemma 2" and "Gemma 3",
    "DeepSeek-V3" and "DeepSeek-V3.2"), though their ``title_similarity`` passes ``SAME_TITLE``."""
    return _NUMBER.findall(normalise_title(a)) == _NUMBER.findall(normalise_title(b))
