"""Editions: the bilingual site at the root, and the same site in each language alone.

Every page exists once with every site language (``weekly/2025-03-17/``) and once per language
under that language's folder (``en/weekly/2025-03-17/``, ``ko/weekly/2025-03-17/``). Readers who
want one language get a page without the other, with or without JavaScript; search engines get
one URL per language, tied together by ``hreflang`` alternates, with the bilingual page as
``x-default``.
"""

from __future__ import annotations

from dataclasses import dataclass

from papersite.urls import absolute_url

X_DEFAULT = "x-default"


@dataclass(frozen=True)
class Edition:
    """One copy of the site: its folder prefix and the languages its pages show."""

    prefix: str
    """``""`` for the bilingual site, ``"en/"`` for English alone."""
    languages: list[str]

    @property
    def hreflang(self) -> str:
        """How ``<link rel="alternate" hreflang>`` names this edition."""
        return X_DEFAULT if not self.prefix else self.languages[0]


def site_editions(languages: list[str]) -> list[Edition]:
    """The bilingual edition first, then one per language in the site's order."""
    bilingual = Edition("", list(languages))
    if len(languages) == 1:  # a one-language site is already "that language alone"
        return [bilingual]
    return [bilingual] + [Edition(f"{lang}/", [lang]) for lang in languages]


def pretty_path(page_path: str) -> str:
    """``weekly/x/index.html`` → ``weekly/x/``: the form a page is linked and shared by."""
    if page_path == "index.html" or page_path.endswith("/index.html"):
        return page_path[: -len("index.html")]
    return page_path


def alternates(base_url: str, page_path: str, editions: list[Edition]) -> list[tuple[str, str]]:
    """``(hreflang, absolute URL)`` of every edition of a page, the languages first; none when
    the site has one edition."""
    if len(editions) < 2:
        return []
    pretty = pretty_path(page_path)
    links = [(e.hreflang, absolute_url(base_url, e.prefix + pretty)) for e in editions]
    return sorted(links, key=lambda link: link[0] == X_DEFAULT)
