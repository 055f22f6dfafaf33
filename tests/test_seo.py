"""What search engines and link previews read: canonical URLs, Open Graph and Twitter tags,
JSON-LD, the sitemap and robots.txt, all absolute from ``base_url``."""

from __future__ import annotations

import csv
import email
import email.policy
import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import lxml.etree
import lxml.html
import pytest
from bs4 import BeautifulSoup

from conftest import DAPO_RECORD, SITE_CONFIG, WEEKLY, WriteTree, lockfile_text
from papersite import build, seo
from papersite.dataset import SCHEMA_DIR
from papersite.editions import pretty_path
from papersite.export import export_digest

BASE = "https://example.github.io/papers/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def html_pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))


def canonical_of(page: str) -> str:
    return BASE + page.removesuffix("index.html")


def soup(out: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((out / page).read_text(encoding="utf-8"), "html5lib")


def meta(document: BeautifulSoup, key: str) -> list[str]:
    tags = document.select(f'head meta[property="{key}"]') or document.select(
        f'head meta[name="{key}"]'
    )
    return [str(tag["content"]) for tag in tags]


def json_ld(document: BeautifulSoup) -> dict[str, object]:
    scripts = document.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    data: dict[str, object] = json.loads(scripts[0].string or "")
    return data


def test_every_page_but_404_has_its_canonical_url_and_sharing_tags(built_site: Path) -> None:
    for page in html_pages(built_site):
        document = soup(built_site, page)
        canonicals = [link["href"] for link in document.select('head link[rel="canonical"]')]
        if page == "404.html":
            assert canonicals == []
            continue
        assert canonicals == [canonical_of(page)], page
        assert meta(document, "og:url") == [canonical_of(page)]
        # The English edition is en_US with ko_KR as its alternate; the others the reverse.
        locales = ["en_US", "ko_KR"] if page.startswith("en/") else ["ko_KR", "en_US"]
        assert meta(document, "og:locale") + meta(document, "og:locale:alternate") == locales
        site_name = "ML Papers of the Week" if page.startswith("en/") else "이번 주의 ML 논문"
        assert meta(document, "og:site_name") == [site_name]
        assert meta(document, "twitter:card") == ["summary"]
        title = document.title.string if document.title else ""
        assert meta(document, "og:title") == [title] == meta(document, "twitter:title")
        description = meta(document, "og:description")
        assert description and description[0].strip(), page
        assert meta(document, "description") == description == meta(document, "twitter:description")


@pytest.mark.parametrize(
    ("lang", "locale"),
    [
        ("ko", "ko_KR"), ("en", "en_US"), ("ja", "ja_JP"), ("pt", "pt"),
        ("ko-KR", "ko_KR"), ("pt-BR", "pt_BR"), ("en-gb", "en_GB"), ("es-419", "es_419"),
        ("zh-Hant", "zh_TW"), ("zh-Hans", "zh_CN"), ("zh-Hant-HK", "zh_HK"), ("sr-Latn", "sr"),
    ],
)  # fmt: skip
def test_og_locale_is_a_language_and_territory(lang: str, locale: str) -> None:
    """Open Graph's ``ll_CC``: a tag's own region, else its script's or language's usual one."""
    assert seo.og_locale(lang) == locale


def test_a_paper_page_is_an_article_described_by_its_abstract(built_site: Path) -> None:
    document = soup(built_site, "papers/2503.14476/index.html")

    assert meta(document, "og:type") == ["article"]
    assert meta(document, "description")[0].startswith("Inference scaling empowers LLMs")


def test_the_sitemap_lists_every_page_but_404_and_robots_points_at_it(built_site: Path) -> None:
    root = ElementTree.parse(built_site / "sitemap.xml").getroot()
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]

    expected = sorted(canonical_of(page) for page in html_pages(built_site) if page != "404.html")
    assert locations == expected
    robots = (built_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_a_site_with_more_urls_than_a_sitemap_may_list_has_a_sitemap_index(
    built_site: Path, example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sitemap protocol allows 50,000 URLs a sitemap (a site of 16,000 papers has more):
    here 100 a sitemap, the same URLs as the one sitemap of the example site, in parts."""
    monkeypatch.setattr(seo, "SITEMAP_URLS", 100)
    out = tmp_path / "out"
    build(example_site, out)

    index = ElementTree.parse(out / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text or "" for loc in index.iter(f"{SITEMAP}loc")]
    assert len(parts) > 1
    assert parts == [f"{BASE}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    listed: list[str | None] = []
    for part in parts:
        urls = ElementTree.parse(out / part.removeprefix(BASE)).getroot()
        assert urls.tag == f"{SITEMAP}urlset"
        located = [loc.text for loc in urls.iter(f"{SITEMAP}loc")]
        assert 0 < len(located) <= 100
        listed += located
    whole = ElementTree.parse(built_site / "sitemap.xml").getroot()
    assert listed == [loc.text for loc in whole.iter(f"{SITEMAP}loc")]
    robots = (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_a_paper_page_carries_a_scholarly_article(built_site: Path) -> None:
    data = json_ld(soup(built_site, "papers/2503.14476/index.html"))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ScholarlyArticle"
    assert data["name"] == "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
    assert data["url"] == BASE + "papers/2503.14476/"
    assert data["datePublished"] == "2025-03-18"
    assert data["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "arXiv",
        "value": "2503.14476",
    }
    assert data["sameAs"] == "https://arxiv.org/abs/2503.14476"
    authors = data["author"]
    assert isinstance(authors, list) and authors[0] == {"@type": "Person", "name": "Qiying Yu"}


def test_a_paper_arxiv_does_not_know_claims_no_publication_date_and_no_authors(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """The date of the digest that featured it is not when it was published; and a paper of no
    known authors names none, rather than an empty list, which schema.org's validators warn of."""
    digest = WEEKLY.replace('    arxiv: "2503.14476"\n', "")
    source = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    out = tmp_path / "out"
    build(source, out, search=False)

    [page] = (out / "papers").glob("*/index.html")
    data = json_ld(soup(out, page.relative_to(out).as_posix()))
    assert data["@type"] == "ScholarlyArticle" and "identifier" not in data
    assert "datePublished" not in data
    assert "author" not in data


def test_an_edition_describes_a_digest_in_its_own_language(built_site: Path) -> None:
    """The example's weekly overview is in Korean only: the English edition describes the page
    by its English title rather than by the Korean overview standing in for it."""
    page = "weekly/2025-03-17/index.html"
    english = meta(soup(built_site, "en/" + page), "description")
    korean = meta(soup(built_site, "ko/" + page), "description")

    assert english == ["Top ML Papers of the Week"], english
    # The overview's words, without its Markdown (it is a list: "- 이번 주에…").
    assert korean[0].startswith("이번 주에 선정된 논문들은"), korean
    assert not re.search(r"\*\*|\]\(|(^|\s)- ", korean[0]), korean
    assert meta(soup(built_site, page), "description") == korean  # Korean: the site's first


def test_a_digest_page_is_a_collection_of_its_papers(built_site: Path) -> None:
    data = json_ld(soup(built_site, "weekly/2025-03-17/index.html"))

    assert data["@type"] == "CollectionPage"
    assert data["url"] == BASE + "weekly/2025-03-17/"
    assert data["datePublished"] == "2025-03-23"
    parts = data["hasPart"]
    assert isinstance(parts, list) and len(parts) == 10
    assert {"@type": "ScholarlyArticle", "name": "DAPO: An Open-Source LLM Reinforcement "
            "Learning System at Scale", "url": BASE + "papers/2503.14476/"} in parts  # fmt: skip
    for part in parts:
        assert (built_site / part["url"].removeprefix(BASE) / "index.html").is_file()


def test_markup_in_a_title_cannot_leave_the_json_ld_script(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    hostile = WEEKLY.replace(
        'en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"',
        'en: "</script><script>alert(1)</script>"',
    )
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": hostile,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    build(site, tmp_path / "out")

    document = soup(tmp_path / "out", "papers/2503.14476/index.html")
    assert len(document.find_all("script")) == 2  # the JSON-LD and site.js, nothing injected
    assert json_ld(document)["name"] == "</script><script>alert(1)</script>"


def test_the_sitemap_gives_urls_with_hangul_percent_encoded(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """The sitemap protocol asks for RFC 3986 URIs: a Hangul tag's page is listed encoded."""
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY.replace(
                "[reinforcement-learning]", "[강화학습]"
            ),
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    out = tmp_path / "out"
    build(site, out)

    root = ElementTree.parse(out / "sitemap.xml").getroot()
    urls = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
    urls += [link.get("href", "") for link in root.iter("{http://www.w3.org/1999/xhtml}link")]
    assert all(url.isascii() for url in urls), [url for url in urls if not url.isascii()]
    base = "https://example.org/papers/"  # SITE_CONFIG's
    tag_page = base + "en/tags/강화학습/"
    assert base + "en/tags/%EA%B0%95%ED%99%94%ED%95%99%EC%8A%B5/" in urls
    assert tag_page in {unquote(url) for url in urls}
    assert (out / "en/tags/강화학습/index.html").is_file()


IDN_BASE = "https://예시.한국/논문/"
IDN_HOST = "xn--vv4b11d.xn--3e0b707e"  # 예시.한국 in IDNA, as browsers and DNS write it
IDN_PATH = "/%EB%85%BC%EB%AC%B8/"  # /논문/, percent-encoded as UTF-8


@pytest.fixture(scope="module")
def idn_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site at a Korean domain and folder, with a Hangul tag and an alias, built."""
    root = tmp_path_factory.mktemp("idn")
    digest = WEEKLY.replace("[reinforcement-learning]", "[강화학습]")
    (root / "digests" / "weekly").mkdir(parents=True)
    (root / "papersite.yaml").write_text(
        SITE_CONFIG.replace("https://example.org/papers/", IDN_BASE), encoding="utf-8"
    )
    (root / "digests/weekly/2025-03-17.yaml").write_text(
        digest.replace("papers:\n", "aliases: [옛글/]\npapers:\n", 1), encoding="utf-8"
    )
    (root / "arxiv.lock.json").write_text(lockfile_text(DAPO_RECORD), encoding="utf-8")
    build(root, root / "out", search=False)
    return root / "out"


def assert_uri(url: str) -> str:
    """``url`` is a URI of the IDN site (host in IDNA, path percent-encoded); returns its path,
    decoded."""
    assert url.isascii(), url
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname) == ("https", IDN_HOST), url
    assert parts.path.startswith(IDN_PATH), url
    assert quote(unquote(parts.path), safe="/%") == parts.path, f"not percent-encoded: {url}"
    return unquote(parts.path).removeprefix("/논문/")


def test_robots_and_the_sitemap_name_a_korean_domain_by_uri(idn_site: Path) -> None:
    lines = (idn_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    robots = RobotFileParser()
    robots.parse(lines)  # which decodes what it reads: the URI is checked as written, below
    assert robots.site_maps() == ["https://xn--vv4b11d.xn--3e0b707e/논문/sitemap.xml"]
    fields = [line.partition(":") for line in lines]
    sitemaps = [value.strip() for key, _, value in fields if key.lower() == "sitemap"]
    assert [assert_uri(url) for url in sitemaps] == ["sitemap.xml"]

    root = ElementTree.parse(idn_site / "sitemap.xml").getroot()
    paths = [assert_uri(loc.text or "") for loc in root.iter(f"{SITEMAP}loc")]
    paths += [assert_uri(link.get("href", "")) for link in root.iter(f"{XHTML}link")]
    assert "en/tags/강화학습/" in paths and "weekly/2025-03-17/" in paths


def test_pages_name_their_canonical_url_and_editions_by_uri(idn_site: Path) -> None:
    for page in ("tags/강화학습/index.html", "papers/2503.14476/index.html", "옛글/index.html"):
        document = soup(idn_site, page)
        urls = [link["href"] for link in document.select('head link[rel="canonical"]')]
        urls += [link["href"] for link in document.select("head link[hreflang]")]
        urls += meta(document, "og:url")
        assert urls, page
        paths = [assert_uri(str(url)) for url in urls]
        expected = "weekly/2025-03-17/" if page == "옛글/index.html" else pretty_path(page)
        assert paths[0] == expected
    data = json_ld(soup(idn_site, "weekly/2025-03-17/index.html"))
    assert assert_uri(str(data["url"])) == "weekly/2025-03-17/"


def test_feeds_link_a_korean_domain_by_uri(idn_site: Path) -> None:
    feed = feedparser.parse((idn_site / "en/tags/강화학습/feed.xml").read_bytes())

    assert not feed.bozo, feed.get("bozo_exception")
    links = [feed.feed.link, *(link.href for link in feed.feed.links)]
    links += [entry.link for entry in feed.entries]
    paths = [assert_uri(link) for link in links]
    assert paths == ["en/tags/강화학습/", "en/tags/강화학습/feed.xml", "en/tags/강화학습/",
                     "en/weekly/2025-03-17/"]  # fmt: skip


def test_the_data_files_name_a_korean_domain_by_uri(idn_site: Path) -> None:
    """``data/``'s ``url`` and ``base_url`` fields, its CSV's url column and its schemas' ``$id``
    come from ``urls.absolute_url`` too, as the pages' do."""
    papers = json.loads((idn_site / "data/papers.json").read_text(encoding="utf-8"))
    digests = json.loads((idn_site / "data/digests.json").read_text(encoding="utf-8"))
    urls = [paper["url"] for paper in papers["papers"]]
    urls += [digest["url"] for digest in digests["digests"]]
    urls += [papers["$schema"], digests["$schema"]]
    urls += [papers["site"]["base_url"], digests["site"]["base_url"]]
    with (idn_site / "data/papers.csv").open(encoding="utf-8", newline="") as rows:
        urls += [row["url"] for row in csv.DictReader(rows)]
    schema = json.loads((idn_site / SCHEMA_DIR / "papers.schema.json").read_text(encoding="utf-8"))
    urls.append(schema["$id"])
    assert sorted(assert_uri(url) for url in urls) == [
        "",
        "",
        f"{SCHEMA_DIR}/digests.schema.json",
        f"{SCHEMA_DIR}/papers.schema.json",
        f"{SCHEMA_DIR}/papers.schema.json",
        "papers/2503.14476/",
        "papers/2503.14476/",
        "weekly/2025-03-17/",
    ]


def test_the_newsletter_links_a_korean_domain_by_uri(idn_site: Path) -> None:
    """The newsletter's links to the site, its digest and its papers are URIs, in both parts."""
    exported = export_digest(idn_site.parent, "digests/weekly/2025-03-17.yaml", "newsletter")
    message = email.message_from_bytes(exported.content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    html, text = message.get_body(("html",)), message.get_body(("plain",))
    assert html is not None and text is not None
    links = [str(a["href"]) for a in BeautifulSoup(html.get_content(), "html5lib").select("a")]
    links += re.findall(r"https?://\S+", text.get_content())
    ours = [assert_uri(link) for link in links if IDN_HOST in link or "예시" in link]
    assert {"", "weekly/2025-03-17/", "papers/2503.14476/"} <= set(ours)


MARKED_TITLES = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 **주요** 논문", en: "The `torch.compile` *week*"}
papers:
  - title: {ko: "[다포](https://example.org/dapo): 강화 학습", en: "DAPO at **scale**, 1. \\\\*not* emphasis"}
    arxiv: "2503.14476"
    summary: {ko: "한국어 소개", en: "English introduction"}
"""


def test_titles_are_shown_as_their_words_without_markdowns_marks(write_tree: WriteTree) -> None:
    """A title's Markdown is rendered in the page's heading; where it is plain text (the
    ``<title>``, sharing tags, JSON-LD, feeds, search labels) its marks would show as written."""
    config = SITE_CONFIG.replace(
        'title: {ko: "테스트 사이트", en: "Test site"}', 'title: "A *site*"'
    )
    site = write_tree(
        {
            "papersite.yaml": config,
            "digests/weekly/2025-03-17.yaml": MARKED_TITLES,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    out = site / "build"
    build(site, out, search=False)

    digest, paper = (
        soup(out, "weekly/2025-03-17/index.html"),
        soup(out, "papers/2503.14476/index.html"),
    )
    assert digest.title is not None and paper.title is not None
    assert digest.title.string == "이번 주의 주요 논문 (2025-03-17) · A site"
    assert meta(digest, "og:title") == ["이번 주의 주요 논문 (2025-03-17) · A site"]
    assert meta(digest, "og:site_name") == ["A site"]
    assert paper.title.string == "DAPO at scale, 1. *not* emphasis · A site"
    assert meta(paper, "twitter:title") == [paper.title.string]
    assert json_ld(paper)["name"] == "DAPO at scale, 1. *not* emphasis"
    assert json_ld(digest)["name"] == "이번 주의 주요 논문"
    heading = paper.select_one("h1[data-pagefind-meta]")
    assert heading is not None
    labels = json.loads(str(heading["data-pagefind-meta"]).removeprefix("title:"))
    assert labels == [[["다포: 강화 학습", "DAPO at scale, 1. *not* emphasis"], ""]]
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.feed.title == "A site"
    assert feed.entries[0].title.startswith(
        "이번 주의 주요 논문 / The torch.compile week (2025-03-17"
    )
    assert "다포: 강화 학습 / DAPO at scale" in feed.entries[0].summary
    # The pages themselves render the Markdown.
    h1 = digest.select_one("h1")
    assert h1 is not None and h1.select_one("strong") is not None and h1.select_one("code")


UPPER_BASE = "https://Example.ORG/Site/"
LOWER_BASE = "https://example.org/Site/"  # the host lowered, the path as written


def upper_case_host_site(write_tree: WriteTree, base_url: str = UPPER_BASE) -> Path:
    """The minimal site with a lockfile, at ``base_url``."""
    return write_tree(
        {
            "papersite.yaml": SITE_CONFIG.replace("https://example.org/papers/", base_url),
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )


def test_an_upper_case_host_is_published_in_lower_case(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Hosts are compared without case: one site has one spelling of its URLs. The path is the
    server's, and keeps its case."""
    out = tmp_path / "out"
    build(upper_case_host_site(write_tree), out, search=False)

    page = lxml.html.parse(str(out / "weekly/2025-03-17/index.html"))
    assert page.xpath('//head/link[@rel="canonical"]/@href') == [LOWER_BASE + "weekly/2025-03-17/"]
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.link == LOWER_BASE
    assert [entry.link for entry in feed.entries] == [LOWER_BASE + "weekly/2025-03-17/"]
    sitemap = ElementTree.parse(out / "sitemap.xml").getroot()
    locs = [loc.text or "" for loc in sitemap.iter(f"{SITEMAP}loc")]
    assert locs and all(loc.startswith(LOWER_BASE) for loc in locs), locs
    papers = json.loads((out / "data/papers.json").read_text(encoding="utf-8"))
    assert papers["site"]["base_url"] == LOWER_BASE
    assert [paper["url"] for paper in papers["papers"]] == [LOWER_BASE + "papers/2503.14476/"]


def test_changing_only_the_hosts_case_rebuilds_nothing_and_matches_a_cold_build(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    source = upper_case_host_site(write_tree, LOWER_BASE)
    out = tmp_path / "out"
    build(source, out, search=False)
    before = output_files(out)
    config = source / "papersite.yaml"
    config.write_text(config.read_text("utf-8").replace(LOWER_BASE, UPPER_BASE), "utf-8")

    build(source, out, search=False)  # with the build cache of the first
    cold = tmp_path / "cold"
    shutil.copytree(source, cold, ignore=shutil.ignore_patterns(".papersite-cache", "out"))
    build(cold, tmp_path / "cold-out", search=False)

    assert output_files(out) == before
    assert output_files(tmp_path / "cold-out") == before


def output_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root``: relative path → content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


LINK_WORDS = [f"the {n} reading list of the week" for n in ("first", "second", "third", "fourth")]
LINKS_FIRST = " ".join(
    f"[{words}](https://example.org/{'long-path/' * 12}{n}/)" for n, words in enumerate(LINK_WORDS)
)
KOREAN_WORDS, ENGLISH_WORDS = "이번 주의 개요. " * 40, "An abstract. " * 40
"""What follows the links: more than a description shows."""
LINKS_FIRST_WEEKLY = f"""\
kind: weekly
period: {{start: 2025-03-17, end: 2025-03-23}}
title: {{ko: "이번 주의 논문", en: "Papers of the week"}}
overview: {{ko: "{LINKS_FIRST} {KOREAN_WORDS}", en: "{LINKS_FIRST} The overview."}}
papers:
  - title: {{ko: "다포", en: "DAPO"}}
    arxiv: "2503.14476"
    summary: {{ko: "한국어 소개", en: "English introduction"}}
    abstract: {{ko: "{LINKS_FIRST} 한국어 초록.", en: "{LINKS_FIRST} {ENGLISH_WORDS}"}}
"""


@pytest.mark.parametrize(
    ("page", "text"),
    [
        ("weekly/2025-03-17/index.html", "//section[@class='overview']/div[@lang='ko']"),
        ("papers/2503.14476/index.html", "//section[contains(@class, 'abstract')]/div[@lang='en']"),
    ],
)
def test_a_description_of_a_text_opening_with_long_links_is_their_words(
    write_tree: WriteTree, page: str, text: str
) -> None:
    """The description was cut from the first 600 characters of Markdown before its marks were
    left out: a cut inside the fourth link left "[the fourth reading list](https://exa…"."""
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": LINKS_FIRST_WEEKLY}
    )
    build(site, site / "build", search=False)

    document = lxml.html.parse(site / "build" / page).getroot()
    descriptions = {
        str(content)
        for content in document.xpath(
            "//head/meta[@name='description' or @property='og:description'"
            " or @name='twitter:description']/@content"
        )
    }
    [description] = descriptions
    assert "[" not in description and "](" not in description, description
    assert description.startswith(" ".join(LINK_WORDS)), description
    [shown] = document.xpath(text)
    visible = " ".join(shown.text_content().split())
    assert description.endswith("...") and visible.startswith(description.removesuffix("...")), (
        description,
        visible,
    )


DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def test_plain_places_carry_no_direction_control_a_title_leaves_open(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """An override (U+202E) or isolate (U+2067) left open in a title, an arXiv title or an
    author's name reversed the words after it wherever the page cannot fence it in an element
    of its language: ``<title>`` ("… · 사이트" after it), meta tags, JSON-LD, feeds (read as a
    feed reader reads them) and the search page's result labels. The page's own text keeps it,
    fenced (``unicode-bidi: isolate`` on its language's element)."""
    weekly = (
        WEEKLY.replace('"이번 주의 논문"', '"주간 \u202e역방향"')
        .replace('"Papers of the week"', '"Week \u2067open"')
        .replace('en: "DAPO:', 'en: "DAPO \u202egnp.exe:')
    )
    record = DAPO_RECORD | {"authors": ["Ada \u2066Lovelace"]}
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": weekly,
            "arxiv.lock.json": lockfile_text(record),
        }
    )
    out = tmp_path / "out"
    build(site, out, search=False)
    plain: list[str] = []
    for page in html_pages(out):
        document = lxml.html.parse(out / page).getroot()
        plain += document.xpath("//title/text() | //meta/@content | //*/@data-pagefind-meta")
        plain += document.xpath('//script[@type="application/ld+json"]/text()')
    for feed in out.rglob("feed.xml"):
        plain += lxml.etree.parse(feed).xpath("//*[local-name() = 'title']/text()")
    for words in ("역방향", "gnp.exe", "Lovelace"):
        assert any(words in place for place in plain), words
    assert [words for words in plain if DIRECTION_CONTROLS.search(words)] == []
    heading = lxml.html.parse(out / "weekly/2025-03-17/index.html").xpath("//h1")[0]
    assert "\u202e역방향" in heading.text_content()
