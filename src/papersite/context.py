"""What templates see: the site turned into view objects with every text already rendered.

Templates never receive raw YAML or model objects with Markdown in them: each text is rendered
here once per language (``markup.py``), missing translations are marked, and every page's data is
a declared dataclass. Warnings (TeX that could not be converted) are collected with their
``file:line``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import attrgetter
from typing import Any, ClassVar, NamedTuple, TypeVar

from markupsafe import Markup

from papersite.arxiv_ids import arxiv_version
from papersite.cache import BuildCache
from papersite.cite import bibtex
from papersite.errors import Problem
from papersite.i18n import (
    ENGLISH,
    award_label,
    code_of,
    link_label,
    marked_words,
    shared_words,
    stand_in_order,
)
from papersite.markup import MarkdownRenderer, plain_paragraph, plain_words
from papersite.model import (
    EVERY_LANGUAGE,
    KNOWN_AWARDS,
    Appearance,
    ArxivRecord,
    Digest,
    Glossary,
    GlossaryTerm,
    Paper,
    Site,
    SitePaper,
    SourcedDigest,
    is_blank,
    slugify,
    text_in,
)
from papersite.plain import markdown_words, one_line
from papersite.provenance import (
    UNREVIEWED,
    DigestText,
    author,
    digest_texts,
    unreviewed_languages,
)
from papersite.resident import KeptPaper, KeptView, Resident, same_objects
from papersite.titles import without_accents
from papersite.urls import alias_page, paper_url, tag_url

ARXIV_LANGUAGE = ENGLISH
"""The language of arXiv's titles and abstracts: a primary subtag, which a site may write with a
region (``en-US``: ``i18n.code_of``)."""

View = TypeVar("View", bound=type)


PAPER_TEXTS = "paper:"
"""``paper:<ID>`` in ``TextReads.read``: the long texts of a paper, in any digest."""
DIGEST_TEXTS = "digest:"
"""``digest:<URL>``: a digest's overview."""
SITE_TEXTS = "site"
"""What was found in every text: the build's warnings."""


class TextReads:
    """Which long texts the page being rendered has read: the summaries, abstracts and sections
    of papers, and digests' overviews (see ``long_texts``), by whose they are (``PAPER_TEXTS``,
    ``DIGEST_TEXTS``, ``SITE_TEXTS``).

    Most pages that list papers (a tag's, the list of all papers, the archive) show their
    titles and not these texts, which are most of what an editor changes; the home page shows
    the newest digest's overview and no other. A page is keyed on the rest of its digests'
    files, and on the files of the texts it read (``incremental.py``), so that an edited
    summary does not render again the tag pages of its paper, nor the home page. Recorded as
    the page renders rather than declared, so that a theme whose tag page shows summaries is
    keyed on them."""

    read: ClassVar[set[str]] = set()

    @classmethod
    def start(cls) -> None:
        """Before a page is rendered (its context made included)."""
        cls.read = set()


class _LongText:
    """A view attribute that holds long texts: reading it marks ``TextReads``. A data
    descriptor, so it is asked even though the value sits in the object's ``__dict__`` under
    the same name (and pickles, compares and prints as a plain field)."""

    def __init__(self, name: str, whose: Callable[[Any], str]) -> None:
        self.name, self.whose = name, whose

    def __get__(self, view: object, owner: type | None = None) -> Any:
        if view is None:
            return self
        TextReads.read.add(self.whose(view))
        return view.__dict__[self.name]

    def __set__(self, view: object, value: Any) -> None:
        view.__dict__[self.name] = value


def long_texts(whose: Callable[[Any], str], *names: str) -> Callable[[View], View]:
    """Marks the dataclass fields ``names`` as long texts (see ``TextReads``), which a view
    holds of ``whose(view)``. Everything a page can reach that is made from these texts must
    come through such a field: anything else of a view is keyed as if it did not depend on
    them."""

    def mark(view: View) -> View:
        for name in names:
            setattr(view, name, _LongText(name, whose))
        return view

    return mark


def _of_paper(view: Any) -> str:
    return PAPER_TEXTS + str(view.identity)


def _of_digest(view: Any) -> str:
    return DIGEST_TEXTS + str(view.url)


def _of_site(view: Any) -> str:
    return SITE_TEXTS


@dataclass(frozen=True)
class Part:
    """A text in one language; ``html`` is None when the translation is missing."""

    lang: str
    html: Markup | None
    unreviewed: bool = False
    """Written by a machine, and no one has reviewed it (``provenance.py``)."""


@dataclass(frozen=True)
class BiText:
    """A text in every site language, or one text shared by all (``shared``)."""

    parts: tuple[Part, ...]
    shared: Markup | None = None
    plain: dict[str, str] = field(default_factory=dict)
    """The text per language as written (Markdown: for export; ``words`` for <title> and meta
    tags); falls back across languages."""
    shared_unreviewed: bool = False
    """The shared text was written by a machine, and no one has reviewed it."""
    machine: str | None = None
    """Which machine wrote the languages of it that no one has reviewed, as ``provenance.by``
    names it (a paper's over its digest's); None if it names none."""
    verbatim: dict[str, str] = field(default_factory=dict)
    """The words of the languages whose text is plain text, not Markdown (arXiv's title, which
    ``plain`` holds as the Markdown that shows it, ``markup.plain_paragraph``), as the page shows
    them (``markup.plain_words``: TeX's ``\\$`` as ``$``): ``words`` gives these, as that
    Markdown's marks cannot be told from an editor's."""
    interface: bool = False
    """Words of the interface (an award's or a link kind's name), which ``plain`` holds: a
    page shows them as it shows its labels, each wording once (``snippets._in_each_language``)."""

    @property
    def unreviewed(self) -> bool:
        """Some language of it was written by a machine and not reviewed."""
        return self.shared_unreviewed or any(part.unreviewed for part in self.parts)

    @property
    def fallback(self) -> Part | None:
        """What a page in one language shows where the text lacks its language: the first
        language the text is written in, English first (``i18n.stand_in_order``)."""
        return stand_in(self.parts)

    def shows_unreviewed(self, languages: Sequence[str]) -> bool:
        """A page in ``languages`` shows a language of it that a machine wrote and no one has
        reviewed: the shared text, one of the page's languages, or, on a page in one language
        that the text lacks, the ``fallback`` shown in its place (``snippets.bi_html``)."""
        if self.shared is not None:
            return self.shared_unreviewed
        shown = [part for part in self.parts if part.lang in languages and part.html is not None]
        if len(languages) == 1 and not shown and self.fallback is not None:
            shown = [self.fallback]
        return any(part.unreviewed for part in shown)

    def words(self, lang: str, *, inline: bool = True) -> str:
        """The text in ``lang`` (falling back as ``plain``) as one line of the words a reader
        sees, read as a title (inline Markdown) or, with ``inline=False``, as a block text: for
        a page's ``<title>``, its meta tags, feeds, JSON-LD and search results, where ``**``, a
        code span's backticks or a link's URL would show as written. Math stays as TeX."""
        as_is = self.verbatim.get(lang)
        if as_is is not None:
            return one_line(as_is)
        return markdown_words(self.plain[lang], inline=inline)

    def as_written(self, lang: str) -> str:
        """The text in ``lang`` (falling back as ``plain``) as it was written: arXiv's plain text
        as the page shows it (``verbatim``), else the editor's Markdown. For a paper's JSON-LD
        abstract, where an abstract's words made from its Markdown (``words``) would cost a
        large site's cold build seconds, and the Markdown made of arXiv's text would show its
        escapes."""
        return self.verbatim.get(lang, self.plain[lang])

    def english_or(self, default_language: str) -> str:
        """English where the site has it (the language a paper is known by in the literature,
        for its page's title, its description and JSON-LD; ``en``, or ``en-US``:
        ``i18n.code_of``), else ``default_language``."""
        return code_of(self.plain, ENGLISH) or default_language

    def language_of(self, lang: str) -> str | None:
        """The language ``plain[lang]`` is in: ``lang``, or the one whose text stands in for its
        missing translation (``fallback``, as ``plain`` falls back);
        None for one text shared by every language."""
        if self.shared is not None:
            return None
        if self.written_in(lang):
            return lang
        fallback = self.fallback
        return lang if fallback is None else fallback.lang

    def written_in(self, lang: str) -> bool:
        """Whether it has a text of its own in ``lang`` (or one for every language), rather than
        another language's standing in (``plain`` falls back)."""
        return self.shared is not None or any(p.lang == lang and p.html for p in self.parts)


def stand_in(parts: Sequence[Part]) -> Part | None:
    """Of ``parts``, the one shown where a text lacks a language: the first written, in
    ``i18n.stand_in_order``."""
    written = {part.lang: part for part in parts if part.html is not None}
    return next((written[lang] for lang in stand_in_order(list(written))), None)


@dataclass
class LinkView:
    kind: str
    url: str
    label: BiText


@dataclass
class SectionView:
    title: BiText
    body: BiText


@dataclass
class MetaView:
    """What arXiv (and Semantic Scholar) say about a paper, as its pages show it."""

    arxiv_id: str
    """The ID as shown: with the version the digest pins, else without one."""
    abs_url: str
    pdf_url: str
    version: int | None
    """The version shown: the pinned one, else the latest."""
    latest_version: int | None
    updated: dt.date | None
    """When the latest version was submitted."""
    published: dt.date | None
    """When version 1 was submitted."""
    primary_category: str
    other_categories: list[str]
    doi: str | None
    journal_ref: str | None
    withdrawn: bool
    cite: tuple[ArxivRecord, list[str]] = field(repr=False, compare=False)
    """What the BibTeX entry is made from: the record (its title is the citation's), and the
    authors shown."""
    citation_count: int | None = None
    venue: str | None = None
    open_access_pdf: str | None = None
    semantic_scholar_url: str | None = None

    @cached_property
    def bibtex(self) -> str:
        """Made when a page shows it: a rebuild renders few of the pages that do."""
        return bibtex(*self.cite)


@long_texts(_of_paper, "summary", "abstract", "sections")
@dataclass
class EntryView:
    """A paper as one digest presents it."""

    identity: str
    anchor: str
    url: str
    title: BiText
    authors: list[str]
    affiliations: list[str]
    award: str | None
    award_label: BiText | None
    summary: BiText | None
    abstract: BiText | None
    sections: list[SectionView]
    links: list[LinkView]
    tags: list[str]
    arxiv: str | None
    meta: MetaView | None


@dataclass
class AwardGroup:
    award: str | None
    label: BiText | None
    entries: list[EntryView]


@long_texts(_of_digest, "overview")
@dataclass
class DigestView:
    url: str
    path: str
    kind: str
    title: BiText
    date: dt.date
    period: tuple[dt.date, dt.date] | None
    conference_name: str | None
    conference_url: str | None
    source: str | None
    overview: BiText | None
    tags: list[str]
    entries: list[EntryView]
    groups: list[AwardGroup]
    aliases: list[str] = field(default_factory=list)
    """Page paths of the digest's old URLs (``posts/old/index.html``), each a redirect here."""

    @cached_property
    def feed_entries(self) -> dict[tuple[str, ...], Any]:
        """Its entries in feeds (``feeds.FeedEntry``), by the ``base_url``, prefix and languages
        of the edition: made once for as long as the view is kept (``resident.py``)."""
        return {}

    @property
    def shown_entries(self) -> list[EntryView]:
        """Its entries in the order its page shows them: a conference's grouped by award (the
        order its contents and the home page list them in), a weekly's as written."""
        if self.kind != "conference":
            return self.entries
        return [entry for group in self.groups for entry in group.entries]

    @cached_property
    def every_tag(self) -> frozenset[str]:
        """Its tags and its papers' (``feeds.py``: every rebuild asks it of every digest)."""
        return frozenset({*self.tags, *(tag for entry in self.entries for tag in entry.tags)})

    def machines(self, languages: Sequence[str]) -> list[str | None]:
        """Who wrote the texts that a page of it in ``languages`` shows, where a machine wrote
        them and no one has reviewed them (None for a machine ``provenance.by`` does not name):
        each once, in the page's order; none for a page with no such text."""
        texts = [self.title, self.overview]
        for entry in self.entries:
            texts += [entry.title, entry.summary, entry.abstract]
            texts += [text for section in entry.sections for text in (section.title, section.body)]
        shown = [text.machine for text in texts if text and text.shows_unreviewed(languages)]
        return list(dict.fromkeys(shown))


@long_texts(_of_paper, "abstract")
@dataclass
class PaperView:
    """A paper's own page: the paper, then each digest that features it."""

    identity: str
    url: str
    title: BiText
    authors: list[str]
    affiliations: list[str]
    arxiv: str | None
    abstract: BiText | None
    links: list[LinkView]
    tags: list[str]
    appearances: list[tuple[DigestView, EntryView]]
    meta: MetaView | None

    @cached_property
    def digest_urls(self) -> tuple[str, ...]:
        """The URLs of the digests it appears in, sorted."""
        return tuple(sorted({digest.url for digest, _ in self.appearances}))

    @cached_property
    def digest_paths(self) -> frozenset[str]:
        """The files of the digests it appears in."""
        return frozenset(digest.path for digest, _ in self.appearances)

    @property
    def last_featured(self) -> dt.date:
        """The date of the latest digest it appears in: lists of papers show the latest first,
        as the lists of digests do."""
        return max(digest.date for digest, _ in self.appearances)


def latest_featured_first(papers: list[PaperView]) -> list[PaperView]:
    """``papers`` by ``last_featured``, newest first; papers of the same day keep their order."""
    return sorted(papers, key=attrgetter("last_featured"), reverse=True)


@dataclass
class TagView:
    tag: str
    url: str
    papers: list[PaperView]
    digests: list[DigestView]

    @property
    def listed(self) -> int:
        """How many digests and papers its page lists: the count the tag lists show, which
        counted papers only, and gave a tag of digests alone "0"."""
        return len(self.digests) + len(self.papers)

    @cached_property
    def digest_urls(self) -> tuple[str, ...]:
        """The URLs of its digests and of those its papers appear in, sorted."""
        urls = {digest.url for digest in self.digests}
        return tuple(sorted(urls.union(*(paper.digest_urls for paper in self.papers))))

    @cached_property
    def papers_by_recency(self) -> list[PaperView]:
        """Its papers, the most recently featured first."""
        return latest_featured_first(self.papers)


@dataclass
class GlossaryEntryView:
    """A term of ``glossary.yaml``, as the glossary page shows it."""

    en: str
    ko: list[str]
    wrong: list[str]
    also: list[str]
    note: BiText | None
    anchor: str


@long_texts(_of_site, "warnings")  # found in the texts
@dataclass
class SiteView:
    """Everything the templates of one build see."""

    languages: list[str]
    title: BiText
    description: BiText | None
    base_url: str
    digests: list[DigestView]
    """Newest first."""
    papers: list[PaperView]
    tags: list[TagView]
    archive: list[tuple[int, list[tuple[int, list[DigestView]]]]]
    """(year, [(month, digests)]) newest first."""
    warnings: list[Problem]
    glossary: list[GlossaryEntryView] = field(default_factory=list)
    """The terms of ``glossary.yaml`` in English alphabetical order; empty without one."""
    per_page: int = 50
    """How many papers or digests a page of a list shows (``paging.py``)."""
    search: bool = True
    """Whether the output has a search index: without one (``--no-search``) the search page
    says that search is unavailable and loads nothing of Pagefind's."""

    @cached_property
    def papers_by_recency(self) -> list[PaperView]:
        """The papers, the most recently featured first (then by identity, as ``papers``)."""
        return latest_featured_first(self.papers)

    def digests_of_kind(self, kind: str) -> list[DigestView]:
        """The ``weekly`` or ``conference`` digests, newest first."""
        return [digest for digest in self.digests if digest.kind == kind]


class Unreviewed(NamedTuple):
    """The languages of a text that a machine wrote and no one has reviewed
    (``EVERY_LANGUAGE`` for the shared text), and which machine (``provenance.author``)."""

    languages: Collection[str]
    machine: str | None


NO_REVIEW = Unreviewed((), None)


class _Texts:
    """Renders model texts to ``BiText``, remembering warnings with their source position."""

    def __init__(
        self, languages: list[str], cache: BuildCache | None, glossary: Glossary | None = None
    ) -> None:
        self.languages = languages
        self._stand_in_order = stand_in_order(languages)
        self.renderer = MarkdownRenderer(cache, glossary)
        self.warnings: list[Problem] = []
        self._labels: dict[tuple[bool, tuple[tuple[str, str], ...]], BiText] = {}

    def text(
        self,
        value: dict[str, str] | None,
        where: tuple[SourcedDigest, tuple[str | int, ...]] | None = None,
        *,
        inline: bool = False,
        unreviewed: Unreviewed = NO_REVIEW,
        verbatim: dict[str, str] | None = None,
    ) -> BiText | None:
        """``value`` rendered; ``unreviewed`` says which languages of it a machine wrote and no
        one has reviewed; ``verbatim`` gives the plain text of a language's Markdown that was
        made from one (``BiText.verbatim``)."""
        if not value or all(is_blank(v) for v in value.values()):
            return None
        plain = {lang: text_in(value, lang) or "" for lang in self.languages}
        fallback = next((plain[lang] for lang in self._stand_in_order if plain[lang]), "")
        plain = {lang: v or fallback for lang, v in plain.items()}
        if verbatim:
            verbatim = {lang: verbatim[v] for lang, v in plain.items() if v in verbatim}
        if EVERY_LANGUAGE in value:
            shared = self._render(value[EVERY_LANGUAGE], where, (), inline)
            shared_unreviewed = EVERY_LANGUAGE in unreviewed.languages
            return BiText((), shared, plain, shared_unreviewed, machine=unreviewed.machine)
        parts = []
        for lang in self.languages:
            source = text_in(value, lang)
            html = None if source is None else self._render(source, where, (lang,), inline)
            parts.append(Part(lang, html, html is not None and lang in unreviewed.languages))
        return BiText(
            tuple(parts), None, plain, machine=unreviewed.machine, verbatim=verbatim or {}
        )

    def _render(
        self,
        source: str,
        where: tuple[SourcedDigest, tuple[str | int, ...]] | None,
        suffix: tuple[str, ...],
        inline: bool,
    ) -> Markup:
        lang = suffix[0] if suffix else None
        # Its place only where it may have footnotes (``MarkdownRenderer.source``): made for
        # every text, it cost a large site's views a tenth of a second.
        place = ""
        if where is not None and "^" in source:
            place = text_place(where[0], (*where[1], *suffix))
        rendering = self.renderer.render(source, inline=inline, lang=lang, place=place)
        if rendering.warnings and where is not None:
            digest, location = where
            self.warnings += [digest.problem((*location, *suffix), m) for m in rendering.warnings]
        return _unlinked(rendering.html) if inline else rendering.html

    def labels(self, labels: dict[str, str], *, interface: bool) -> BiText:
        """A label given per language (not Markdown): the interface's words (``interface``: an
        award's or a link kind's name, from ``i18n``, marked with the language they are in
        where it is not the part's), or the editor's (a link's own label, a free-text award).
        One object per distinct label, as a site's 20,000 links have a few dozen (a ``BiText``
        is never changed)."""
        key = (interface, tuple(labels.items()))
        text = self._labels.get(key)
        if text is None:
            words = {labels[lang] for lang in self.languages}
            if len(words) == 1:  # "PDF", a link's own label, a free-text award: one text for all,
                # shown once and not marked as any one language (as a plain-string title is)
                html = Markup.escape(words.pop())
                if interface:
                    html = Markup(shared_words(self.languages, html))
                text = BiText((), html, dict(labels))
            else:
                parts = tuple(
                    Part(lang, self._label(lang, labels[lang], interface))
                    for lang in self.languages
                )
                text = BiText(parts, None, dict(labels), interface=interface)
            self._labels[key] = text
        return text

    @staticmethod
    def _label(lang: str, words: str, interface: bool) -> Markup:
        html = Markup.escape(words)
        return Markup(marked_words(lang, html)) if interface else html


def build_view(
    site: Site,
    cache: BuildCache | None = None,
    resident: Resident | None = None,
    settings: str = "",
) -> SiteView:
    """The whole site as templates see it; with a ``cache``, only texts that are new since the
    last build are rendered; with a ``resident``, only digests whose view it does not hold,
    made from the same inputs (``settings``: ``fingerprint.settings_inputs``), are viewed."""
    languages = site.config.languages
    kept = _kept_views(site, resident, settings)
    missed = [sourced for sourced in site.digests if sourced.path not in kept]
    if kept and len(missed) < FEW_VIEWS:
        cache = None  # its renderings would cost more to load than the few texts do to render
    texts = _Texts(languages, cache, site.glossary)
    texts.renderer.prefetch(_text_sources(site, missed))
    digests = []
    viewed: set[str] = set()
    """The identities of the papers of the digests viewed again."""
    for sourced in site.digests:
        memo = kept.get(sourced.path)
        if memo is None:
            viewed.update(paper.identity for paper in sourced.digest.papers)
            made = len(texts.warnings)
            digest = _digest_view(texts, sourced, site.papers)
            warnings = texts.warnings[made:]
            records = _records(sourced, site.papers)
            memo = kept[sourced.path] = KeptView(sourced, records, settings, digest, warnings)
        else:  # as the view's texts warned when they were rendered, in the same order
            texts.warnings += memo.warnings
        digests.append(memo.view)
    if resident is not None:
        resident.views = kept
    by_url = {view.url: view for view in digests}
    papers = _paper_views(site, by_url, resident, viewed)
    tags = _tag_views(papers, digests, resident)
    view = SiteView(
        languages=languages,
        title=_required(texts.text(site.config.title, inline=True)),
        description=texts.text(site.config.description),
        base_url=site.config.base_url,
        digests=digests,
        papers=papers,
        tags=tags,
        archive=_archive(digests),
        warnings=texts.warnings,
        glossary=_glossary_view(texts, site.glossary),
        per_page=site.config.per_page,
    )
    texts.renderer.forget()
    return view


FEW_VIEWS = 64
"""A rebuild in a resident process that views fewer digests than this renders their texts without
the build cache."""


def _kept_views(site: Site, resident: Resident | None, settings: str) -> dict[str, KeptView]:
    """The views that ``resident`` holds of this site's digests, made from the same inputs: the
    same validated digest, the same records of its papers, the same settings."""
    if resident is None:
        return {}
    kept = {}
    for sourced in site.digests:
        memo = resident.views.get(sourced.path)
        if (
            memo is not None
            and memo.sourced is sourced
            and memo.settings == settings
            and same_objects(memo.records, _records(sourced, site.papers))
        ):
            kept[sourced.path] = memo
    return kept


def _records(sourced: SourcedDigest, papers: dict[str, SitePaper]) -> tuple[Any, ...]:
    """Each of the digest's papers' records, all that its view shows of the rest of the site."""
    records: list[Any] = []
    for paper in sourced.digest.papers:
        site_paper = papers.get(paper.identity)
        records += (site_paper.arxiv, site_paper.semantic_scholar) if site_paper else (None, None)
    return tuple(records)


def _glossary_view(texts: _Texts, glossary: Glossary | None) -> list[GlossaryEntryView]:
    if glossary is None:
        return []
    terms = sorted(glossary.terms, key=_alphabetical)
    return [
        GlossaryEntryView(
            en=term.en,
            ko=list(term.ko),
            wrong=list(term.wrong),
            also=list(term.also),
            note=texts.text(term.note),
            anchor=anchor,
        )
        for term, anchor in zip(terms, _unique_anchors(terms), strict=True)
    ]


def _alphabetical(term: GlossaryTerm) -> tuple[str, str]:
    """Where ``term`` stands in the glossary's order: by its letters, whatever their case and
    accents (``élan`` before ``Zeta``), Korean in Hangul order; two that differ only there in
    code point order, so that the page is the same on every build whatever the file's order."""
    return without_accents(term.en).casefold(), term.en


def _unique_anchors(terms: list[GlossaryTerm]) -> list[str]:
    """``term-<slug>`` of each term, in order; a second term with the same slug ("C", "C++" and
    "C#" are all ``c``) gets ``-2``, a third ``-3``, so that every link leads to its own term."""
    anchors: list[str] = []
    taken: set[str] = set()
    for term in terms:
        base = "term-" + (slugify(term.en) or "symbol")
        anchor, number = base, 1
        while anchor in taken:
            number += 1
            anchor = f"{base}-{number}"
        taken.add(anchor)
        anchors.append(anchor)
    return anchors


def _required(text: BiText | None) -> BiText:
    if text is None:
        raise ValueError("a required text is empty")
    return text


def _digest_view(texts: _Texts, sourced: SourcedDigest, papers: dict[str, SitePaper]) -> DigestView:
    digest = sourced.digest
    entries = [
        _entry_view(texts, Appearance(sourced, paper, index), papers.get(paper.identity))
        for index, paper in enumerate(digest.papers)
    ]
    return DigestView(
        url=sourced.url,
        path=sourced.path,
        kind=digest.kind,
        title=_required(
            texts.text(
                digest.title,
                (sourced, ("title",)),
                inline=True,
                unreviewed=_unreviewed(texts, digest, None, "title", digest.title),
            )
        ),
        date=digest.published,
        period=(digest.period.start, digest.period.end) if digest.period else None,
        conference_name=digest.conference.name if digest.conference else None,
        conference_url=digest.conference.url if digest.conference else None,
        source=digest.source,
        overview=texts.text(
            digest.overview,
            (sourced, ("overview",)),
            unreviewed=_unreviewed(texts, digest, None, "overview", digest.overview),
        ),
        tags=list(digest.tags),
        entries=entries,
        groups=_award_groups(entries),
        aliases=[alias_page(alias) for alias in digest.aliases],
    )


def _unreviewed(
    texts: _Texts, digest: Digest, paper: int | None, field: str, text: dict[str, str] | None
) -> Unreviewed:
    """Which languages of a text of the digest (or of its paper number ``paper``) a machine
    wrote and no one has reviewed, and which machine."""
    found = unreviewed_languages(digest, DigestText((), field, paper, text), texts.languages)
    return Unreviewed(found, author(digest, paper, UNREVIEWED) if found else None)


def _entry_view(texts: _Texts, appearance: Appearance, site_paper: SitePaper | None) -> EntryView:
    """One digest entry; arXiv's record fills what the entry leaves out, field by field."""
    paper, sourced = appearance.paper, appearance.digest
    base = ("papers", appearance.index)
    record = site_paper.arxiv if site_paper else None
    languages = texts.languages

    def where(*location: str | int) -> tuple[SourcedDigest, tuple[str | int, ...]]:
        return (sourced, (*base, *location))

    def review(field: str, text: dict[str, str] | None) -> Unreviewed:
        return _unreviewed(texts, sourced.digest, appearance.index, field, text)

    title, abstract, verbatim = _titled(paper, record, languages)
    authors = list(paper.authors) or (list(record.authors) if record else [])
    meta = None
    if record is not None and site_paper is not None:
        meta = _meta_view(site_paper, record, paper.arxiv, cite_authors=authors)
    return EntryView(
        identity=paper.identity,
        anchor="paper-" + paper.identity.replace("/", "-"),
        url=paper_url(paper.identity),
        title=_required(
            texts.text(
                title,
                where("title"),
                inline=True,
                unreviewed=review("title", paper.title),
                verbatim=verbatim,
            )
        ),
        authors=authors,
        affiliations=list(paper.affiliations),
        award=paper.award,
        award_label=texts.labels(
            award_label(paper.award, texts.languages), interface=paper.award in KNOWN_AWARDS
        )
        if paper.award
        else None,
        summary=texts.text(
            paper.summary, where("summary"), unreviewed=review("summary", paper.summary)
        ),
        abstract=texts.text(
            abstract,
            where("abstract"),
            unreviewed=review("abstract", paper.abstract),
            verbatim=verbatim,
        ),
        sections=[
            SectionView(
                _required(
                    texts.text(
                        section.title,
                        where("sections", i, "title"),
                        inline=True,
                        unreviewed=review("sections", section.title),
                    )
                ),
                _required(
                    texts.text(
                        section.body,
                        where("sections", i, "body"),
                        unreviewed=review("sections", section.body),
                    )
                ),
            )
            for i, section in enumerate(paper.sections)
        ],
        links=[_link_view(texts, link.kind, link.url, link.label) for link in paper.links],
        tags=list(paper.tags),
        arxiv=paper.arxiv or (record.id if record else None),
        meta=meta,
    )


def _titled(
    paper: Paper, record: ArxivRecord | None, languages: list[str]
) -> tuple[dict[str, str], dict[str, str] | None, dict[str, str]]:
    """A paper's title and abstract: the digest's, with arXiv's where it has no English one;
    and arXiv's texts by their Markdown (``_Texts.text``'s ``verbatim``). arXiv's texts are plain
    text, shown as such (``markup.plain_paragraph``): a title's ``*`` or ``_`` is no emphasis."""
    if record is None:
        return paper.title, paper.abstract, {}
    arxiv_title, arxiv_abstract = plain_paragraph(record.title), plain_paragraph(record.abstract)
    title = filled(paper.title, arxiv_title, languages) or paper.title
    abstract = filled(paper.abstract, arxiv_abstract, languages)
    verbatim = {
        arxiv_title: plain_words(record.title),
        arxiv_abstract: plain_words(record.abstract),
    }
    return title, abstract, verbatim


_LINK_TAG = re.compile(r"</?a\b[^>]*>")
_FOCUSABLE = ' tabindex="0"'


def _unlinked(html: Markup) -> Markup:
    """A title's HTML without its links (their words kept) nor anything that takes the focus (a
    formula, which can scroll in a text): a title is a link's text (in the contents, lists, the
    header), and a link inside a link is no HTML; a browser cuts the outer link short there.
    The renderer writes no other ``<a`` (text's ``<`` is escaped)."""
    if "<a" not in html and _FOCUSABLE not in html:
        return html
    return Markup(_LINK_TAG.sub("", html).replace(_FOCUSABLE, ""))


def text_place(sourced: SourcedDigest, location: tuple[str | int, ...]) -> str:
    """Where a text of a digest stands (its digest's URL, field and language), for its
    footnotes' ids (``MarkdownRenderer.source``). The URL rather than the file: a digest moved
    to the other form (``.yaml`` to ``.md``) or renamed keeps its footnotes' links."""
    return "\0".join([sourced.url, *map(str, location)])


def _text_sources(
    site: Site, digests: list[SourcedDigest]
) -> Iterator[tuple[str, bool, str | None, str]]:
    """Every (text, inline, language, place) of the site and ``digests`` that ``build_view`` will
    render, so that a cold build can render them on every core first
    (``MarkdownRenderer.prefetch``). The texts are the
    digests' (``provenance.digest_texts``, titles inline), a paper's title and abstract filled
    from arXiv as ``_entry_view`` fills them; a text missed here is not lost, only rendered
    later in one process."""
    languages = site.config.languages

    def each(
        value: dict[str, str] | None,
        inline: bool,
        where: SourcedDigest | None = None,
        at: tuple[str | int, ...] = (),
    ) -> Iterator[tuple[str, bool, str | None, str]]:
        for lang, text in (value or {}).items():
            if not is_blank(text):
                suffix = () if lang == EVERY_LANGUAGE else (lang,)
                place = ""
                if where is not None and "^" in text:  # as ``_Texts._render``
                    place = text_place(where, (*at, *suffix))
                yield text, inline, suffix[0] if suffix else None, place

    yield from each(site.config.title, True)
    yield from each(site.config.description, False)
    for sourced in digests:
        for text in digest_texts(sourced.digest):
            value = text.text
            if text.paper is not None and text.field in ("title", "abstract"):
                paper = sourced.digest.papers[text.paper]
                site_paper = site.papers.get(paper.identity)
                record = site_paper.arxiv if site_paper else None
                value = _titled(paper, record, languages)[text.field == "abstract"]
            yield from each(value, text.location[-1] == "title", sourced, text.location)


def filled(
    text: dict[str, str] | None, arxiv_text: str | None, languages: Sequence[str]
) -> dict[str, str] | None:
    """The digest's text, with arXiv's English text where the digest has no English one (in the
    site's code for English: ``en-US`` on a site in ``[ko-KR, en-US]``)."""
    english = code_of(languages, ARXIV_LANGUAGE)
    if not arxiv_text or english is None or text_in(text, english):
        return text
    return {**(text or {}), english: arxiv_text}


def _meta_view(
    paper: SitePaper,
    record: ArxivRecord,
    given_id: str | None,
    *,
    cite_authors: list[str],
) -> MetaView:
    pinned = arxiv_version(given_id) if given_id else None
    shown_id = f"{record.id}v{pinned}" if pinned else record.id
    scholar = paper.semantic_scholar
    return MetaView(
        arxiv_id=shown_id,
        abs_url=f"https://arxiv.org/abs/{shown_id}",
        pdf_url=f"https://arxiv.org/pdf/{shown_id}",
        version=pinned or record.version,
        latest_version=record.version,
        updated=record.updated,
        published=record.published,
        primary_category=record.primary_category,
        other_categories=[c for c in record.categories if c != record.primary_category],
        doi=record.doi,
        journal_ref=record.journal_ref,
        withdrawn=record.withdrawn,
        cite=(record, cite_authors),
        citation_count=scholar.citation_count if scholar else None,
        venue=scholar.venue if scholar else None,
        open_access_pdf=scholar.open_access_pdf if scholar else None,
        semantic_scholar_url=scholar.url if scholar else None,
    )


def _link_view(texts: _Texts, kind: str, url: str, label: str | None) -> LinkView:
    labels = (
        {lang: label for lang in texts.languages} if label else link_label(kind, texts.languages)
    )
    return LinkView(kind, url, texts.labels(labels, interface=not label))


def _award_groups(entries: list[EntryView]) -> list[AwardGroup]:
    """Known awards in their order of rank, then free-text awards as they come, then the rest."""
    order: dict[str | None, int] = {award: rank for rank, award in enumerate(KNOWN_AWARDS)}
    groups: dict[str | None, AwardGroup] = {}
    for entry in entries:
        if entry.award not in groups:
            groups[entry.award] = AwardGroup(entry.award, entry.award_label, [])
        groups[entry.award].entries.append(entry)
    first_seen = {award: index for index, award in enumerate(groups)}

    def rank(award: str | None) -> tuple[int, int]:
        if award is None:
            return (2, 0)
        return (0, order[award]) if award in order else (1, first_seen[award])

    return [groups[award] for award in sorted(groups, key=rank)]


def _paper_views(
    site: Site,
    digests: dict[str, DigestView],
    resident: Resident | None,
    viewed: Collection[str] = (),
) -> list[PaperView]:
    """Each paper's view; with a ``resident``, the one it holds of a paper whose appearances
    are in the very same digest views, at the same places (a paper's view is made of them).
    That is so of the very paper the last build had (``validate.Collected``: the same entries)
    when none of its digests were ``viewed`` again (by the identities of their papers)."""
    if resident is None:
        return [_paper_view(paper, _digest_views(paper, digests)) for paper in site.papers.values()]
    made: dict[str, KeptPaper] = {}
    for paper in site.papers.values():
        memo = resident.papers.get(paper.identity)
        if memo is not None and memo.paper is paper and paper.identity not in viewed:
            made[paper.identity] = memo
            continue
        views = _digest_views(paper, digests)
        places = tuple(appearance.index for appearance in paper.appearances)
        if (
            memo is None
            or memo.view.url != paper.url
            or memo.places != places
            or not same_objects(memo.digests, views)
        ):
            memo = KeptPaper(views, places, _paper_view(paper, views), paper)
        else:
            memo = replace(memo, paper=paper)
        made[paper.identity] = memo
    resident.papers = made
    return [memo.view for memo in made.values()]


def _digest_views(paper: SitePaper, digests: dict[str, DigestView]) -> tuple[DigestView, ...]:
    """The views of the digests ``paper`` appears in, oldest first."""
    return tuple(digests[appearance.digest.url] for appearance in paper.appearances)


def _paper_view(paper: SitePaper, digests: tuple[DigestView, ...]) -> PaperView:
    appearances = []
    for appearance, digest_view in zip(paper.appearances, digests, strict=True):
        appearances.append((digest_view, digest_view.entries[appearance.index]))
    entries = [entry for _, entry in appearances]
    latest = entries[-1]
    links: list[LinkView] = []
    seen_urls: set[str] = set()
    for entry in entries:
        for link in entry.links:
            if link.url not in seen_urls:
                seen_urls.add(link.url)
                links.append(link)
    return PaperView(
        identity=paper.identity,
        url=paper.url,
        title=latest.title,
        authors=next((e.authors for e in reversed(entries) if e.authors), []),
        affiliations=next((e.affiliations for e in reversed(entries) if e.affiliations), []),
        arxiv=next((e.arxiv for e in reversed(entries) if e.arxiv), None),
        abstract=next((e.abstract for e in reversed(entries) if e.abstract), None),
        links=links,
        tags=sorted({tag for entry in entries for tag in entry.tags}),
        appearances=list(reversed(appearances)),
        meta=latest.meta,
    )


def _tag_views(
    papers: list[PaperView], digests: list[DigestView], resident: Resident | None = None
) -> list[TagView]:
    """Each tag's view; with a ``resident``, the one it holds of a tag whose papers and digests
    are the very same views, in the same order."""
    papers_by_tag: dict[str, list[PaperView]] = defaultdict(list)
    digests_by_tag: dict[str, list[DigestView]] = defaultdict(list)
    for paper in papers:
        for tag in paper.tags:
            papers_by_tag[tag].append(paper)
    for digest in digests:
        for tag in digest.tags:
            digests_by_tag[tag].append(digest)
    kept = resident.tags if resident is not None else {}
    views = []
    for tag in sorted(papers_by_tag.keys() | digests_by_tag.keys()):
        view = kept.get(tag)
        tagged, listed = papers_by_tag[tag], digests_by_tag[tag]
        if (
            view is None
            or not same_objects(view.papers, tagged)
            or not same_objects(view.digests, listed)
        ):
            view = TagView(tag, tag_url(tag), tagged, listed)
        views.append(view)
    if resident is not None:
        resident.tags = {view.tag: view for view in views}
    return views


def _archive(digests: list[DigestView]) -> list[tuple[int, list[tuple[int, list[DigestView]]]]]:
    years: dict[int, dict[int, list[DigestView]]] = defaultdict(lambda: defaultdict(list))
    for digest in digests:  # already newest first
        years[digest.date.year][digest.date.month].append(digest)
    return [
        (year, [(month, years[year][month]) for month in sorted(years[year], reverse=True)])
        for year in sorted(years, reverse=True)
    ]
