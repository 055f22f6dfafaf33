"""Every page in each language alone (``/en/…``, ``/ko/…``) beside the bilingual page, tied
together by reciprocal ``hreflang`` alternates in the pages and in the sitemap."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urljoin

import feedparser
from bs4 import BeautifulSoup

from conftest import SITE_CONFIG, WriteTree
from papersite import build

BASE = "https://example.github.io/papers/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EDITIONS = {"ko", "en", "x-default"}
ENGLISH_ONLY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {en: "Papers of the week"}
papers:
  - title: {en: "DAPO"}
    arxiv: "2503.14476"
"""


def soup(out: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((out / page).read_text(encoding="utf-8"), "html5lib")


def indexed_pages(out: Path) -> list[str]:
    """Every HTML page a search engine should see: not 404.html, not a redirect (noindex)."""
    pages = []
    for path in sorted(out.rglob("*.html")):
        page = path.relative_to(out).as_posix()
        document = soup(out, page)
        if page != "404.html" and not document.select('meta[name="robots"][content*="noindex"]'):
            pages.append(page)
    return pages


def page_of(url: str) -> str:
    """The output file behind an absolute URL of the site."""
    path = url.removeprefix(BASE)
    return path + "index.html" if path.endswith("/") or not path else path


def hreflang_links(document: BeautifulSoup) -> dict[str, str]:
    links = document.select('head link[rel="alternate"][hreflang]')
    found = {str(link["hreflang"]): str(link["href"]) for link in links}
    assert len(found) == len(links), "each hreflang once"
    return found


def test_every_page_exists_in_each_language_alone(built_site: Path) -> None:
    bilingual = [p for p in indexed_pages(built_site) if not p.startswith(("ko/", "en/"))]

    assert "weekly/2025-03-17/index.html" in bilingual
    for page in bilingual:
        for lang in ("ko", "en"):
            assert (built_site / lang / page).is_file(), f"{lang}/{page}"


def test_every_hreflang_cluster_is_complete_and_reciprocal(built_site: Path) -> None:
    pages = indexed_pages(built_site)
    clusters = {page: hreflang_links(soup(built_site, page)) for page in pages}

    for page, links in clusters.items():
        assert set(links) == EDITIONS, page
        canonical = soup(built_site, page).select_one('link[rel="canonical"]')
        assert canonical is not None and canonical["href"] in links.values(), "lists itself"
        expected_self = {"ko/": "ko", "en/": "en"}.get(page[:3], "x-default")
        assert page_of(links[expected_self]) == page
        for href in links.values():
            assert clusters.get(page_of(href)) == links, f"{page} → {href} is not reciprocal"
    assert len({tuple(sorted(links.items())) for links in clusters.values()}) * 3 == len(pages)


def test_the_sitemap_carries_the_same_alternates(built_site: Path) -> None:
    root = ElementTree.parse(built_site / "sitemap.xml").getroot()
    urls = root.findall(f"{SITEMAP}url")
    in_sitemap = {}
    for url in urls:
        loc = url.findtext(f"{SITEMAP}loc")
        assert loc is not None
        alternates = {
            link.attrib["hreflang"]: link.attrib["href"] for link in url.iter(f"{XHTML}link")
        }
        in_sitemap[page_of(loc)] = alternates

    pages = indexed_pages(built_site)
    assert sorted(in_sitemap) == sorted(pages)
    for page in pages:
        assert in_sitemap[page] == hreflang_links(soup(built_site, page)), page


def test_a_page_in_one_language_shows_only_that_language(built_site: Path) -> None:
    document = soup(built_site, "en/weekly/2025-03-17/index.html")

    assert document.html is not None and document.html["lang"] == "en"
    assert document.html["data-languages"] == "en"
    # The header and footer too (each made once for all the pages that show it the same:
    # fragments.py); only the language switch names the other edition, in its own language.
    korean = [
        element
        for element in document.select("body [lang='ko']")
        if "fallback" not in element.get("class", [])
        and not element.find_parent(class_="lang-switch")
    ]
    assert korean == []
    footer = document.select_one("footer.site-footer")
    assert footer is not None and footer.select("[lang='en']")
    titles = [t.get_text(" ", strip=True) for t in document.select("main h2.paper-title")]
    assert "DAPO: An Open-Source LLM Reinforcement Learning System at Scale" in titles


def test_a_missing_translation_falls_back_to_the_other_language_marked_as_such(
    built_site: Path,
) -> None:
    # The example weekly's overview is written in Korean only.
    document = soup(built_site, "en/weekly/2025-03-17/index.html")
    overview = document.select_one("main .overview")
    assert overview is not None

    note = overview.select_one("[lang='en'].missing .missing-note")
    fallback = overview.select_one("[lang='ko'].fallback")
    assert note is not None and note.get_text(strip=True) == "Translation missing"
    assert fallback is not None and "이번 주에 선정된 논문들은" in fallback.get_text()


def test_links_on_a_page_in_one_language_stay_in_that_language(built_site: Path) -> None:
    page = "en/weekly/2025-03-17/index.html"
    document = soup(built_site, page)
    site = "http://site.test/"

    internal = [
        urljoin(site + page, str(a["href"])).removeprefix(site)
        for a in document.select("a[href]")
        if not str(a["href"]).startswith(("http:", "https:", "#", "mailto:"))
        and not a.find_parent(class_="lang-switch")
        # The data files hold every language, one set for every edition, like the assets.
        and not a.find_parent(class_="data-links")
    ]
    assert internal, "the page links to other pages"
    assert all(path.startswith("en/") for path in internal), internal
    stylesheet = document.select_one('link[rel="stylesheet"]')
    assert stylesheet is not None
    assert urljoin(site + page, str(stylesheet["href"])) == site + "assets/style.css"


def test_each_language_has_its_own_feed_with_a_localised_title(built_site: Path) -> None:
    english = feedparser.parse((built_site / "en" / "feed.xml").read_bytes())
    korean = feedparser.parse((built_site / "ko" / "feed.xml").read_bytes())

    for feed in (english, korean):
        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == 2
    assert english.feed.title == "ML Papers of the Week"
    assert korean.feed.title == "이번 주의 ML 논문"
    assert english.entries[1].link == BASE + "en/weekly/2025-03-17/"
    assert "DAPO: An Open-Source LLM Reinforcement Learning System at Scale" in (
        english.entries[1].summary
    )
    assert "DAPO" in korean.entries[1].summary
    home = soup(built_site, "en/index.html")
    feed_link = home.select_one('head link[type="application/atom+xml"]')
    assert feed_link is not None
    assert urljoin(BASE + "en/", str(feed_link["href"])) == BASE + "en/feed.xml"
    ids = {entry.id for entry in english.entries} | {entry.id for entry in korean.entries}
    assert len(ids) == 4, "each edition's entries have their own IDs"


def test_a_site_in_one_language_has_no_editions(write_tree: WriteTree, tmp_path: Path) -> None:
    config = SITE_CONFIG.replace("languages: [ko, en]", "languages: [en]").replace(
        'title: {ko: "테스트 사이트", en: "Test site"}', "title: {en: Test site}"
    )
    site = write_tree({"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": ENGLISH_ONLY})
    out = tmp_path / "out"
    build(site, out)

    assert not (out / "en").exists()
    page = soup(out, "weekly/2025-03-17/index.html")
    assert hreflang_links(page) == {}
    assert page.select(".lang-switch") == []


def test_a_language_without_interface_words_is_offered_by_its_own_name(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """papersite has Korean and English interface words; a third language gets the English
    ones, but the language switch names it in itself, not "English" a second time."""
    config = SITE_CONFIG.replace("languages: [ko, en]", "languages: [ja, ko, en]")
    digest = ENGLISH_ONLY.replace('{en: "Papers of the week"}', '{ja: "今週", en: "Week"}')
    site = write_tree({"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": digest})
    out = tmp_path / "out"
    build(site, out)

    page = soup(out, "ja/weekly/2025-03-17/index.html")
    names = {str(a["hreflang"]): a.get_text() for a in page.select(".lang-switch a[hreflang]")}
    assert names == {"ja": "日本語", "ko": "한국어", "en": "English"}
