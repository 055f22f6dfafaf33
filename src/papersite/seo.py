"""What search engines and link previews read: canonical URLs, Open Graph locales, JSON-LD data
and the sitemap. Everything here is absolute, built from the site's ``base_url``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from papersite.context import BiText, DigestView, PaperView
from papersite.editions import Edition, alternates, pretty_path
from papersite.plain import one_line
from papersite.urls import absolute_url

# Open Graph wants a territory with the language; these are the usual ones for each language,
# and for a language written in a script of its own.
_TERRITORIES = {"ko": "KR", "en": "US", "ja": "JP", "zh": "CN", "de": "DE", "fr": "FR", "es": "ES"}
_SCRIPT_TERRITORIES = {("zh", "Hant"): "TW", ("zh", "Hans"): "CN"}


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` of sitemap.xml: a page and every edition of it (``hreflang``, URL)."""

    loc: str
    alternates: list[tuple[str, str]]


def og_locale(lang: str) -> str:
    """Open Graph's ``language_TERRITORY`` of a site language (a BCP 47 tag): its own region
    (``ko-KR``, ``pt-br`` → ``ko_KR``, ``pt_BR``), else the usual territory of its script
    (``zh-Hant`` → ``zh_TW``) or of its language (``ko`` → ``ko_KR``); a language without a
    usual territory is the language alone (``pt``, ``sr-Latn`` → ``sr``)."""
    language, *subtags = lang.split("-")
    language = language.lower()
    region = next((s.upper() for s in subtags if len(s) == 2 or (len(s) == 3 and s.isdigit())), "")
    script = next((s.title() for s in subtags if len(s) == 4 and s.isalpha()), "")
    territory = region or _SCRIPT_TERRITORIES.get((language, script)) or _TERRITORIES.get(language)
    return f"{language}_{territory}" if territory else language


def canonical_url(base_url: str, page_path: str) -> str:
    """The page's address as it should be shared: ``…/weekly/2025-03-17/``, not ``…/index.html``."""
    return absolute_url(base_url, pretty_path(page_path))


SITEMAP_URLS = 50_000
"""The most URLs one sitemap may list (the sitemap protocol's limit; at 50,000 with their
alternates, about 21 MB, under its 50 MB). A site with more has a sitemap index, ``sitemap.xml``,
listing ``sitemap-1.xml``, ``sitemap-2.xml``… of this many each."""


def sitemap_parts(page_paths: list[str], editions: list[Edition]) -> int:
    """How many sitemaps the site's URLs take: 0 for one ``sitemap.xml`` of them all."""
    urls = len(page_paths) * len(editions)
    return 0 if urls <= SITEMAP_URLS else -(-urls // SITEMAP_URLS)


def sitemap_part_path(number: int) -> str:
    """The file of the sitemap number ``number`` (from 1) of a site with an index."""
    return f"sitemap-{number}.xml"


def sitemap_locations(base_url: str, parts: int) -> list[str]:
    """The URLs of a site's ``parts`` sitemaps, as its index lists them."""
    return [absolute_url(base_url, sitemap_part_path(number)) for number in range(1, parts + 1)]


def sitemap_entries(
    base_url: str, page_paths: list[str], editions: list[Edition], part: int = 0
) -> Iterator[SitemapEntry]:
    """Every edition of every page worth indexing, each listing all editions as alternates, as
    Google asks of sitemaps with ``hreflang``; sorted by URL; those of sitemap number ``part``
    only, on a site with an index (``sitemap_parts``). Made one at a time, as the sitemap is
    written: 166,000 of them at 50,000 papers."""
    located = sorted((canonical_url(base_url, e.prefix + path), path) for path in page_paths
                     for e in editions)  # fmt: skip
    if part:
        located = located[(part - 1) * SITEMAP_URLS : part * SITEMAP_URLS]
    for loc, path in located:
        yield SitemapEntry(loc, alternates(base_url, path, editions))


def paper_data(paper: PaperView, base_url: str, default_language: str) -> dict[str, Any]:
    """schema.org ``ScholarlyArticle`` for a paper page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": _english_or(paper.title, default_language),
        "url": absolute_url(base_url, paper.url),
    }
    if paper.authors:  # an empty list, schema.org's validators warn of
        data["author"] = [{"@type": "Person", "name": one_line(name)} for name in paper.authors]
    if paper.meta is not None and paper.meta.published is not None:  # arXiv's first version
        # Not the first digest's date for a paper arXiv does not know: that is not when it was
        # published.
        data["datePublished"] = paper.meta.published.isoformat()
    if paper.arxiv:
        arxiv_id = paper.meta.arxiv_id if paper.meta else paper.arxiv
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "arXiv", "value": arxiv_id}
        data["sameAs"] = f"https://arxiv.org/abs/{arxiv_id}"
    if paper.abstract:
        # As written (``BiText.as_written``), for a field no search engine shows as it is.
        data["abstract"] = paper.abstract.as_written(paper.abstract.english_or(default_language))
    return data


def digest_data(digest: DigestView, base_url: str, languages: list[str]) -> dict[str, Any]:
    """schema.org ``CollectionPage`` for a digest page (in ``languages``): the papers it
    presents."""
    default_language = languages[0]
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": digest.title.words(default_language),
        "url": absolute_url(base_url, digest.url),
        "datePublished": digest.date.isoformat(),
        "inLanguage": languages,
        "hasPart": [
            {
                "@type": "ScholarlyArticle",
                "name": _english_or(entry.title, default_language),
                "url": absolute_url(base_url, entry.url),
            }
            for entry in digest.entries
        ],
    }


def _english_or(text: BiText, default_language: str) -> str:
    """The English words (the name a paper is known by in the literature), else the default
    language's."""
    return text.words(text.english_or(default_language))
