"""Atom feeds, read the way feed readers read them: parsed by feedparser, which must not complain
(``bozo`` false), with absolute links, stable IDs and both languages in every summary."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html
import pytest
from bs4 import BeautifulSoup

from conftest import SITE_CONFIG, WEEKLY, WriteTree
from papersite import build, feeds

CONFERENCE = """\
kind: conference
conference: {name: NeurIPS, year: 2025}
date: 2025-11-26
title: {ko: "학회 수상 논문", en: "Award papers"}
tags: [awards]
papers:
  - title: {ko: "게이트 어텐션 & <script>alert(1)</script>", en: "Gated Attention"}
    arxiv: "2505.06708"
    tags: [llm]
"""


@pytest.fixture
def feed_site(write_tree: WriteTree) -> Path:
    """A site with one weekly and one conference digest, built into its build/ folder."""
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "digests/conferences/neurips-2025.yaml": CONFERENCE,
        }
    )
    build(site)
    return site / "build"


def parse(out: Path, path: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((out / path).read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def test_every_feed_parses_without_complaint(built_site: Path) -> None:
    feeds = sorted(path.relative_to(built_site).as_posix() for path in built_site.rglob("feed.xml"))

    assert {"feed.xml", "weekly/feed.xml", "conferences/feed.xml"} <= set(feeds)
    assert any(feed.startswith("tags/") for feed in feeds)
    for feed in feeds:
        assert parse(built_site, feed).entries, f"{feed} has no entries"


def test_the_main_feed_lists_every_digest_newest_first_with_absolute_links(
    feed_site: Path,
) -> None:
    feed = parse(feed_site, "feed.xml")

    assert [entry.link for entry in feed.entries] == [
        "https://example.org/papers/conferences/neurips-2025/",
        "https://example.org/papers/weekly/2025-03-17/",
    ]
    assert feed.entries[1].title == "이번 주의 논문 / Papers of the week (2025-03-17 – 2025-03-23)"
    assert feed.entries[1].published == "2025-03-23T00:00:00Z"
    assert feed.feed.link == "https://example.org/papers/"
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == "https://example.org/papers/feed.xml"
    assert feed.feed.updated == "2025-11-26T00:00:00Z"


def test_kind_feeds_hold_only_their_kind(feed_site: Path) -> None:
    weekly = parse(feed_site, "weekly/feed.xml")
    conferences = parse(feed_site, "conferences/feed.xml")

    assert [entry.link for entry in weekly.entries] == [
        "https://example.org/papers/weekly/2025-03-17/"
    ]
    assert [entry.link for entry in conferences.entries] == [
        "https://example.org/papers/conferences/neurips-2025/"
    ]
    assert weekly.feed.title.endswith("· 주간 논문 / Weekly")


def test_a_tag_feed_holds_the_digests_that_or_whose_papers_carry_the_tag(
    feed_site: Path,
) -> None:
    awards = parse(feed_site, "tags/awards/feed.xml")
    learning = parse(feed_site, "tags/reinforcement-learning/feed.xml")

    assert [entry.link for entry in awards.entries] == [
        "https://example.org/papers/conferences/neurips-2025/"
    ]
    assert [entry.link for entry in learning.entries] == [
        "https://example.org/papers/weekly/2025-03-17/"
    ]
    assert awards.feed.title.endswith("· #awards")


def test_every_feed_is_written_by_the_site_not_by_its_kind_or_tag(feed_site: Path) -> None:
    """The author of a kind's or a tag's feed (and so, RFC 4287 says, of its every entry) was
    the feed's own title, "테스트 사이트 / Test site · #awards"."""
    authors = {
        path: [author.name for author in parse(feed_site, path).feed.authors]
        for path in (
            "feed.xml",
            "weekly/feed.xml",
            "tags/awards/feed.xml",
            "en/tags/awards/feed.xml",
        )
    }

    assert authors == {
        "feed.xml": ["테스트 사이트 / Test site"],
        "weekly/feed.xml": ["테스트 사이트 / Test site"],
        "tags/awards/feed.xml": ["테스트 사이트 / Test site"],
        "en/tags/awards/feed.xml": ["Test site"],
    }


def test_a_summary_lists_the_papers_in_both_languages_as_text(feed_site: Path) -> None:
    entry = parse(feed_site, "conferences/feed.xml").entries[0]

    summary = BeautifulSoup(entry.summary, "html5lib")
    assert summary.find("script") is None
    items = [li.get_text() for li in summary.find_all("li")]
    assert items == ["게이트 어텐션 & <script>alert(1)</script> / Gated Attention"]


def test_a_conferences_summary_lists_its_papers_in_the_pages_order_of_awards(
    write_tree: WriteTree,
) -> None:
    """Its page shows the papers grouped by award, best first; the summary listed them in the
    file's order."""
    conference = CONFERENCE + (
        '  - {title: {ko: "구두", en: "An oral"}, award: oral}\n'
        '  - {title: {ko: "최우수", en: "The best"}, award: best-paper}\n'
    )
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/conferences/neurips-2025.yaml": conference}
    )
    build(site)

    entry = parse(site / "build", "en/conferences/feed.xml").entries[0]
    items = [li.get_text() for li in BeautifulSoup(entry.summary, "html5lib").find_all("li")]
    assert items == ["The best", "An oral", "Gated Attention"]


def test_ids_are_the_sites_own_and_the_same_in_every_build(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Atom IDs are permanent and universally unique (RFC 4287): two sites with a digest of the
    same week have none in common, and a build again gives the same ones."""
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": WEEKLY})
    build(site, tmp_path / "a", search=False)
    build(site, tmp_path / "again", search=False)
    build(site, tmp_path / "other", base_url="https://another.example.net/", search=False)

    def ids(out: Path) -> dict[str, list[str]]:
        found = {}
        for path in ("feed.xml", "weekly/feed.xml", "en/feed.xml"):
            feed = parse(out, path)
            found[path] = [feed.feed.id, *(entry.id for entry in feed.entries)]
        return found

    first, other = ids(tmp_path / "a"), ids(tmp_path / "other")
    assert ids(tmp_path / "again") == first
    assert all(i.startswith("urn:uuid:") for found in first.values() for i in found)
    feed_ids = [found[0] for found in first.values()]
    assert len(set(feed_ids)) == len(feed_ids), "each feed its own"
    assert first["feed.xml"][1] == first["weekly/feed.xml"][1], "a digest is one entry"
    assert first["en/feed.xml"][1] != first["feed.xml"][1], "in each edition"
    shared = {i for found in first.values() for i in found}
    assert shared.isdisjoint(i for found in other.values() for i in found)


def test_every_page_links_to_the_site_feed_and_list_pages_to_their_own(
    built_site: Path,
) -> None:
    for page in built_site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
        feeds = [
            link["href"]
            for link in soup.select('head link[rel=alternate][type="application/atom+xml"]')
        ]
        assert feeds, f"{page} links to no feed"
        for href in feeds:
            if page.name == "404.html":
                continue  # links from the site's base path, which a server maps to the root
            assert (page.parent / href).resolve().is_file(), f"{page}: {href}"
    weekly = BeautifulSoup((built_site / "weekly/index.html").read_text(), "html5lib")
    hrefs = [link["href"] for link in weekly.select('head link[type="application/atom+xml"]')]
    targets = [urljoin("https://x.test/weekly/", href) for href in hrefs]
    assert targets == ["https://x.test/feed.xml", "https://x.test/weekly/feed.xml"]


ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_pages_link_to_a_feed_is_titled_as_the_feed_is(built_site: Path) -> None:
    """A feed reader offers the page's feeds by the links' titles, then shows each by its own:
    "#llm · site" in the page was "site · #llm" in the feed, and the bilingual page's links
    were in one language where its feeds are in both."""
    titles: dict[Path, str] = {}
    linked = 0
    for page in sorted(built_site.rglob("*.html")):
        if page.name == "404.html":
            continue  # links from the site's base path, which a server maps to the root
        head = lxml.html.parse(str(page)).getroot().head
        for link in head.xpath('link[@rel="alternate"][@type="application/atom+xml"]'):
            feed = (page.parent / link.get("href")).resolve()
            if feed not in titles:
                titles[feed] = lxml.etree.parse(str(feed)).getroot().findtext(f"{ATOM}title")
            assert link.get("title") == titles[feed], f"{page}: {link.get('href')}"
            linked += 1
    assert {feed.relative_to(built_site).as_posix() for feed in titles} >= {
        "feed.xml", "weekly/feed.xml", "en/feed.xml", "ko/tags/llm/feed.xml"
    }  # fmt: skip
    assert linked > len(titles)


def test_a_feed_carries_only_the_newest_digests(
    write_tree: WriteTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "FEED_LIMIT", 2)
    weeks = {
        f"digests/weekly/2025-03-{day:02d}.yaml": WEEKLY.replace("2025-03-17", f"2025-03-{day:02d}")
        .replace("2025-03-23", f"2025-03-{day + 6:02d}")
        .replace('"2503.14476"', f'"2503.{day:05d}"')
        for day in (3, 10, 17)
    }
    site = write_tree({"papersite.yaml": SITE_CONFIG, **weeks})

    build(site, search=False)

    for path in ("feed.xml", "weekly/feed.xml", "tags/reinforcement-learning/feed.xml"):
        links = [entry.link for entry in parse(site / "build", path).entries]
        assert [link.rsplit("/", 2)[-2] for link in links] == ["2025-03-17", "2025-03-10"], path


def test_a_feed_with_no_entry_yet_is_dated_by_the_sites_newest_digest(
    write_tree: WriteTree,
) -> None:
    """A site with no conference digest yet: its conferences feed was dated 1970-01-01."""
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": WEEKLY})
    build(site)

    for path in ("conferences/feed.xml", "en/conferences/feed.xml"):
        feed = parse(site / "build", path)
        assert feed.entries == []
        assert feed.feed.updated == "2025-03-23T00:00:00Z", path


UNTRANSLATED = """\
kind: conference
conference: {name: NeurIPS, year: 2025}
date: 2025-11-26
title: {ko: "학회 수상 논문"}
papers:
  - title: {en: "Gated Attention"}
  - title: {ko: "다포", en: "DAPO"}
"""


def test_a_one_language_feed_marks_a_title_shown_in_another_language(
    write_tree: WriteTree,
) -> None:
    """The English feed shows a Korean-only title in Korean: it says so (``xml:lang``), and in
    its summary's HTML (``lang``); the Korean feed likewise for an English-only title."""
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG.replace(
                '{ko: "테스트 사이트", en: "Test site"}', "{ko: 사이트}"
            ),
            "digests/conferences/neurips-2025.yaml": UNTRANSLATED,
        }
    )
    build(site)

    def read(path: str) -> lxml.etree._Element:
        return lxml.etree.fromstring((site / "build" / path).read_bytes())

    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    atom = {"a": "http://www.w3.org/2005/Atom"}
    english, korean, both = read("en/feed.xml"), read("ko/feed.xml"), read("feed.xml")
    assert english.get(lang) == "en"
    assert [
        (e.tag.split("}")[1], e.get(lang))
        for e in english.xpath("a:title|a:author", namespaces=atom)
    ] == [
        ("title", "ko"),
        ("author", "ko"),
    ]
    [title] = english.xpath("a:entry/a:title", namespaces=atom)
    assert (title.text, title.get(lang)) == ("학회 수상 논문 (2025-11-26)", "ko")
    [title] = korean.xpath("a:entry/a:title", namespaces=atom)
    assert title.get(lang) is None

    def items(feed: lxml.etree._Element) -> list[tuple[str | None, str]]:
        [summary] = feed.xpath("a:entry/a:summary", namespaces=atom)
        html = lxml.html.fromstring(summary.text)
        return [(li.get("lang"), li.text_content()) for li in html.iter("li")]

    assert items(english) == [(None, "Gated Attention"), (None, "DAPO")]
    assert items(korean) == [("en", "Gated Attention"), (None, "다포")]
    assert items(both) == [(None, "Gated Attention"), (None, "다포 / DAPO")]
    assert both.xpath("//*[@xml:lang]") == [both]  # the bilingual feed: only its own
    parse(site / "build", "en/feed.xml")
