"""What an importer builds before it is written out: a draft digest, plain mutable data.

The importers fill these dataclasses from a post; ``emit.py`` turns one into the text of a digest
file. Texts are kept as Markdown per language (``{"ko": …, "en": …}``, by primary subtag until
``in_site_codes`` writes them as the site does: ``ko-KR``); a language the post did not give is
an empty string, so that the file shows translators where their text goes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from papersite.errors import Problem
from papersite.i18n import code_of, primary_language
from papersite.importers.forum_words import FORUM_WORDS

LANGUAGES = ("ko", "en")
READ_MORE_TITLE = {lang: FORUM_WORDS[lang]["more_links"] for lang in LANGUAGES}
"""The title of the section that holds a paper's text among its links: what a post says under
its "더 읽어보기" heading besides the URLs (the seeds' lines introducing links the copy lost)."""

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
URL = re.compile(r"https?://[^\s<>\"'`]+")
"""A URL in a post's text (``links.py`` finds links with it)."""
SCRIPT_LANGUAGES = ("ko", "en", "ja", "zh")
"""The languages an import tells apart by script; a site's other languages get no text from it
(French is written in Latin letters, as English is)."""


@dataclass
class DraftLink:
    kind: str
    url: str
    label: str | None = None
    listed: bool = False
    """Given under a links heading, not only named in a text."""


@dataclass
class DraftSection:
    title: dict[str, str]
    body: dict[str, str]


@dataclass
class DraftPaper:
    title: dict[str, str]
    arxiv: str | None = None
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    award: str | None = None
    summary: dict[str, str] | None = None
    abstract: dict[str, str] | None = None
    sections: list[DraftSection] = field(default_factory=list)
    links: list[DraftLink] = field(default_factory=list)
    for_translators: bool = False
    """The Korean texts are left empty on purpose (an English-only source): say so in the file."""


@dataclass
class DraftDigest:
    kind: str
    title: dict[str, str]
    papers: list[DraftPaper]
    period: tuple[dt.date, dt.date] | None = None
    conference: tuple[str, int] | None = None
    source: str | None = None
    overview: dict[str, str] | None = None
    notes: list[str] = field(default_factory=list)
    """Comment lines for the top of the file: where it came from, lines set aside."""
    languages: tuple[str, ...] = LANGUAGES
    """The languages its texts are written in (``import_languages``), by the site's codes for
    them once ``in_site_codes`` has keyed its texts so."""


@dataclass
class ImportReport:
    """What an importer gives back: the draft, and a warning for each thing the editor must
    look at (text it could not place, a date it had to guess), each at its line of the input."""

    digest: DraftDigest
    warnings: list[Problem]


def hangul_ratio(text: str) -> float:
    """The share of Hangul among the letters of ``text`` (0 when it has no letters)."""
    hangul = len(_HANGUL.findall(text))
    letters = hangul + len(_LATIN.findall(text))
    return hangul / letters if letters else 0.0


_OTHER_SCRIPT = re.compile(
    r"[^\W\d_A-Za-z\u00c0-\u024f\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]{2,}"
)
"""Two letters or more of a script that is neither Latin nor Hangul (Japanese, Chinese, Greek…)."""


def other_script(text: str, languages: Sequence[str] = LANGUAGES) -> str | None:
    """The first word of ``text`` in none of ``languages``, as scripts tell (``language_of``);
    None when it has none."""
    for found in _OTHER_SCRIPT.finditer(text):
        if _cjk_language(found[0], languages) is None:
            return found[0]
    return None


def language_of(text: str, languages: Sequence[str] = LANGUAGES) -> str:
    """Which of ``languages`` (Korean, English and perhaps Japanese or Chinese) a line is
    written in, by its script: ``en`` when it is none of the others.

    Korean lines name many English terms (models, methods) but always carry a good share of
    Hangul; English lines carry almost none. A fifth of the letters tells them apart, and the
    same share of kana and Han tells a Japanese or Chinese line (``_cjk_language``). URLs are
    not counted: their Latin letters made a Korean line that cites one English.
    """
    text = URL.sub(" ", text)
    if "ko" in languages and hangul_ratio(text) >= 0.2:
        return "ko"
    cjk = len(_KANA.findall(text)) + len(_HAN.findall(text))
    letters = cjk + len(_HANGUL.findall(text)) + len(_LATIN.findall(text))
    if cjk and cjk >= 0.2 * letters:
        return _cjk_language(text, languages) or "en"
    return "en"


def _cjk_language(text: str, languages: Sequence[str]) -> str | None:
    """The site's language of a text in kana or Han: Japanese where it has kana; Han alone is
    Chinese on a site that has Chinese, else Japanese (a short Japanese title, ``論文``, may be
    written in Han alone; Chinese prose never has kana). None when the site has neither."""
    kana = _KANA.search(text) is not None
    han = _HAN.search(text) is not None
    if kana and "ja" in languages:
        return "ja"
    if han and not kana:
        return next((lang for lang in ("zh", "ja") if lang in languages), None)
    return None


@dataclass
class Block:
    """One paragraph or list item of a text, as it will be written in Markdown."""

    text: str
    bullet: bool = False
    verbatim: bool = False
    """A fenced code block or a table, kept as written (several lines)."""

    @property
    def code(self) -> bool:
        """A fenced code block: text in no language."""
        return self.verbatim and not self.text.startswith("|")


def blocks_to_markdown(blocks: list[Block]) -> str:
    """Paragraphs separated by a blank line; consecutive list items as one tight list."""
    out: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            previous = blocks[index - 1]
            out.append("\n" if block.bullet and previous.bullet else "\n\n")
        # A list item's further lines are indented under it.
        out.append("- " + block.text.replace("\n", "\n  ") if block.bullet else block.text)
    return "".join(out)


def split_by_language(blocks: list[Block], languages: Sequence[str] = LANGUAGES) -> dict[str, str]:
    """A text from blocks in any of ``languages`` (``import_languages``): each block goes to
    its own language, in order (posts give the Korean paragraphs, then the English ones)."""
    by_language: dict[str, list[Block]] = {lang: [] for lang in languages}
    previous: str | None = None
    for block in blocks:
        # Code goes with the paragraph before it (a table goes by its words).
        if block.code and previous is not None:
            lang = previous
        else:
            lang = language_of(block.text, languages)
        by_language[lang].append(block)
        previous = lang
    return {lang: blocks_to_markdown(by_language[lang]) for lang in languages}


def import_languages(site_languages: Sequence[str]) -> tuple[str, ...]:
    """The languages an import files texts in, by primary subtag (``in_site_codes`` writes
    them as the site does): Korean and English, then those of the site's other languages that
    a script tells apart (``SCRIPT_LANGUAGES``: ``ja`` for ``ja-JP``), in the site's order."""
    primaries = dict.fromkeys(primary_language(lang) for lang in site_languages)
    extra = [lang for lang in primaries if lang in SCRIPT_LANGUAGES and lang not in LANGUAGES]
    return (*LANGUAGES, *extra)


def in_site_codes(draft: DraftDigest, site_languages: Sequence[str]) -> None:
    """Key the draft's texts by the site's code for each of their languages (``ko-KR`` for
    ``ko`` on a site in ``[ko-KR, en-US]``, ``code_of``), as the site's digests are written:
    the importers file texts by primary subtag. A site in ``[ko, en]`` keeps every key."""
    codes = {lang: code_of(site_languages, lang) or lang for lang in draft.languages}

    def coded(text: dict[str, str]) -> dict[str, str]:
        return {codes.get(lang, lang): body for lang, body in text.items()}

    draft.title = coded(draft.title)
    draft.overview = None if draft.overview is None else coded(draft.overview)
    for paper in draft.papers:
        paper.title = coded(paper.title)
        paper.summary = None if paper.summary is None else coded(paper.summary)
        paper.abstract = None if paper.abstract is None else coded(paper.abstract)
        paper.sections = [DraftSection(coded(s.title), coded(s.body)) for s in paper.sections]
    draft.languages = tuple(codes[lang] for lang in draft.languages)
