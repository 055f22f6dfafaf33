"""Citations of a paper in arXiv's own BibTeX convention.

arXiv's "Export BibTeX citation" gives ``@misc`` with ``eprint``, ``archivePrefix={arXiv}``,
``primaryClass`` and ``url``, keyed by the first author's family name, the year of the latest
version and the first four significant words of the title (``yu2025dapoopensourcellmreinforcement``).
The title is arXiv's, as its export and Google Scholar give it: a digest may shorten a title, or
write it in Markdown, and a citation names the paper as the literature does.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from papersite.model import ArxivRecord
from papersite.titles import normalise_title

# Words arXiv leaves out of citation keys ("Attention Is All You Need" → vaswani2023attentionneed).
_STOP_WORDS = frozenset(
    "a an the and or but nor of for in on at to by with from as into onto via over under "
    "is are was were be been being do does did not no so all you your we our us it its this "
    "that these those what which who why how when where can than then".split()
)


def bibtex(record: ArxivRecord, authors: list[str]) -> str:
    """The BibTeX entry for a paper: arXiv's title, and ``authors`` as the page shows them."""
    year = _year(record)
    fields = [
        ("title", _braced(record.title)),
        ("author", _braced(" and ".join(_bibtex_name(name) for name in authors))),
        ("year", year),
        ("eprint", record.id),
        ("archivePrefix", "arXiv"),
        ("primaryClass", _braced(record.primary_category)),
        ("url", _verbatim(record.abs_url)),
        ("doi", _verbatim(record.doi or "")),
    ]
    lines = [f"@misc{{{citation_key(record, authors)},"]
    lines += [f"  {name}={{{value}}}," for name, value in fields if value]
    lines.append("}")
    return "\n".join(lines)


def citation_key(record: ArxivRecord, authors: list[str]) -> str:
    """``yu2025dapoopensourcellmreinforcement``: family name, year, four words of arXiv's title."""
    family = _key_word(_family_name(authors[0])) if authors else ""
    words = [_key_word(word) for word in record.title.split()]
    significant = [w for w in words if w and w not in _STOP_WORDS][:4]
    return f"{family or 'anonymous'}{_year(record)}{''.join(significant)}"


def _bibtex_name(name: str) -> str:
    """``name`` as BibTeX reads the person it names, who is one of the ``and``-joined list.

    BibTeX reads "Last, First" and "von Last, Jr, First", and splits a list at every word
    "and": so a name holding that word (``Procter and Gamble Research``) is braced, as one
    name; so is a name in Hangul, kana or Han characters written with a space (``김 철수``),
    whose family name comes first, where BibTeX takes the last word; and "Martin Luther King,
    Jr.", which BibTeX reads as a family name "Martin Luther King" and a given name "Jr.", is
    written "King, Jr., Martin Luther"."""
    if _AND_WORD.search(name) or (" " in name.strip() and _FAMILY_FIRST_SCRIPT.search(name)):
        return "{" + name + "}"
    suffixed = _SUFFIXED.fullmatch(name.strip())
    if suffixed is None or len(words := suffixed["name"].split()) < 2:
        return name
    last = len(words) - 1
    while last > 1 and words[last - 1][:1].islower():  # "van der" stays with the family name
        last -= 1
    return f"{' '.join(words[last:])}, {suffixed['suffix']}, {' '.join(words[:last])}"


def _family_name(name: str) -> str:
    """The word of ``name`` a citation key starts with: its last word, or the last before a
    comma ("Smith, John", "Martin Luther King, Jr.")."""
    words = name.split(",", 1)[0].split()
    return words[-1] if words else ""


_AND_WORD = re.compile(r"(?<!\S)and(?!\S)", re.IGNORECASE)
_FAMILY_FIRST_SCRIPT = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u4e00-\u9fff\uac00-\ud7af]"
)
"""Hangul, kana and Han: names written family name first."""
_SUFFIXED = re.compile(r"(?P<name>[^,]*\S)\s*,\s*(?P<suffix>(?:Jr|Sr)\.?|II|III|IV)", re.IGNORECASE)
"""A name with a generational suffix after a comma: "Martin Luther King, Jr."."""


def _year(record: ArxivRecord) -> str:
    """The year of the latest version, as arXiv's keys use; empty when a hand-written record
    knows no date."""
    date = record.updated or record.published
    return str(date.year) if date else ""


def _key_word(word: str) -> str:
    """One word of a title or name as a key writes it: the letters a reader sees, without TeX's
    commands or braces (``\\textsc{Foo}:`` → ``foo``, ``Erd\\H{o}s`` → ``erdos``, as arXiv's keys
    have them), and a hyphenated word kept whole (``Open-Source`` → ``opensource``)."""
    return _ascii_word("".join(normalise_title(word).split()))


def _ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits, as BibTeX tools' keys have them (Zotero, Better
    BibTeX): accents dropped (``Müller-Lyer`` → ``mullerlyer``), Latin letters that have none to
    drop spelled in ASCII (``Sørensen`` → ``sorensen``, ``Łukasz`` → ``lukasz``, ``æ`` → ``ae``),
    and letters of other scripts (Hangul, Han) left out."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        decomposed = "".join(map(_latin_in_ascii, decomposed))
    return re.sub(r"[^a-z0-9]", "", decomposed.lower())


@functools.cache
def _latin_in_ascii(char: str) -> str:
    """``char`` in ASCII, where it is a Latin letter NFKD leaves whole: the letter its Unicode
    name builds on (LATIN SMALL LETTER O WITH STROKE, ``ø`` → ``o``; ``ł``, ``đ``, ``ħ``), or
    its usual spelling (``æ`` → ``ae``, ``þ`` → ``th``, ``ß`` → ``ss``); else "" (an accent
    NFKD took off, a letter of another script)."""
    if char.isascii():
        return char
    latin = _LATIN_LETTER.fullmatch(unicodedata.name(char, ""))
    if latin is None:
        return ""
    letter = latin["letter"]
    return letter.lower() if len(letter) == 1 else _SPELLED_LETTERS.get(letter, "")


_LATIN_LETTER = re.compile(
    r"LATIN (?:SMALL |CAPITAL )?(?:LETTER|LIGATURE) (?P<letter>.+?)(?: WITH .+)?"
)
_SPELLED_LETTERS = {
    "AE": "ae", "OE": "oe", "SHARP S": "ss", "ETH": "d", "THORN": "th", "DOTLESS I": "i",
    "DOTLESS J": "j", "ENG": "ng",
}  # fmt: skip
"""Latin letters named otherwise than as a letter with a mark, as transliteration spells them
(Icelandic ``Þórðarson`` → ``thordarson``, Sámi ``ŋ`` → ``ng``); rarer ones (``ə``, ``ʒ``) are
left out, as before."""


def _braced(value: str) -> str:
    """``value`` safe inside a BibTeX field's braces, and in the LaTeX it becomes.

    BibTeX counts braces without regard to backslashes, so an unbalanced brace, escaped or not,
    ends the field (or the entry) early: such braces are written as LaTeX's named characters.
    Balanced braces stay, as they keep a title's capitals. ``%``, ``&`` and ``#`` are escaped:
    LaTeX reads them as a comment, an alignment tab and a macro parameter."""
    value = _SPECIAL.sub(r"\\\1", value)
    if _balanced(value):
        return value
    return _BRACE.sub(lambda brace: _NAMED_BRACES[brace[0][-1]], value)


def _verbatim(value: str) -> str:
    """A DOI or URL as its field's text: as it is, since biber, biblatex's ``\\url`` and pybtex
    read ``url`` and ``doi`` verbatim (``\\%`` would reach the link as a backslash and a percent
    sign). Only an unbalanced brace, which would end the field early, is written percent-encoded
    (``%7B``, ``%7D``), the form doi.org and every browser read as the same character."""
    if _balanced(value):
        return value
    return value.replace("{", "%7B").replace("}", "%7D")


def _balanced(value: str) -> bool:
    """Whether every brace of ``value`` is closed, and closed after it is opened, as BibTeX
    counts them: backslashes do not escape braces."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


_SPECIAL = re.compile(r"(?<!\\)([%&#])")
"""A character LaTeX gives a meaning to, not already escaped."""
_BRACE = re.compile(r"\\?[{}]")  # with the backslash of one escaped for LaTeX
_NAMED_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
