"""What search engines and link previews read: canonical URLs, Open Graph locales, JSON-LD data
and the sitemap. Everything here is absolute, built from the site's ``base_url``."""

from __future__ import annotations

from typing import Any

from papersite.context import BiText, DigestView, PaperView

# Open Graph wants a territory with the language; these are the usual ones for each language.
_TERRITORIES = {"ko": "KR", "en": "US", "ja": "JP", "zh": "CN", "de": "DE", "fr": "FR", "es": "ES"}
NOT_INDEXED = frozenset({"404.html"})
"""Pages that have no canonical URL and are not in the sitemap."""


def og_locale(lang: str) -> str:
    """``ko`` → ``ko_KR``; a language without a usual territory stays as it is."""
    territory = _TERRITORIES.get(lang)
    return f"{lang}_{territory}" if territory else lang


def canonical_url(base_url: str, page_path: str) -> str:
    """The page's address as it should be shared: ``…/weekly/2025-03-17/``, not ``…/index.html``."""
    if page_path == "index.html" or page_path.endswith("/index.html"):
        page_path = page_path[: -len("index.html")]
    return base_url + page_path


def sitemap_urls(base_url: str, page_paths: list[str]) -> list[str]:
    """The canonical URL of every HTML page worth indexing, sorted."""
    return sorted(
        canonical_url(base_url, path)
        for path in page_paths
        if path.endswith(".html") and path not in NOT_INDEXED
    )


def paper_data(paper: PaperView, base_url: str, default_language: str) -> dict[str, Any]:
    """schema.org ``ScholarlyArticle`` for a paper page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": _english_or(paper.title, default_language),
        "url": base_url + paper.url,
        "author": [{"@type": "Person", "name": name} for name in paper.authors],
    }
    published = paper.meta.published if paper.meta else None
    if published is None and paper.appearances:
        published = paper.appearances[-1][0].date  # the first digest that featured it
    if published is not None:
        data["datePublished"] = published.isoformat()
    if paper.arxiv:
        arxiv_id = paper.meta.arxiv_id if paper.meta else paper.arxiv
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "arXiv", "value": arxiv_id}
        data["sameAs"] = f"https://arxiv.org/abs/{arxiv_id}"
    if paper.abstract:
        data["abstract"] = _english_or(paper.abstract, default_language)
    return data


def digest_data(digest: DigestView, base_url: str, default_language: str) -> dict[str, Any]:
    """schema.org ``CollectionPage`` for a digest page: the papers it presents."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": digest.title.plain[default_language],
        "url": base_url + digest.url,
        "datePublished": digest.date.isoformat(),
        "inLanguage": list(dict.fromkeys(digest.title.plain)),
        "hasPart": [
            {
                "@type": "ScholarlyArticle",
                "name": _english_or(entry.title, default_language),
                "url": base_url + entry.url,
            }
            for entry in digest.entries
        ],
    }


def _english_or(text: BiText, default_language: str) -> str:
    """The English text (the name a paper is known by in the literature), else the default
    language's."""
    return text.plain.get("en") or text.plain[default_language]
