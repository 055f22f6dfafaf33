"""The pages of a built site: what a reader sees on each page, in both languages."""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from conftest import DAPO_RECORD, SITE_CONFIG, WEEKLY, WriteTree, code_scripts, lockfile_text
from papersite import build
from papersite.context import build_view
from papersite.load import load_site
from papersite.markup import MarkdownRenderer
from papersite.render import make_environment
from papersite.validate import validate_site

SITE = "http://site.test/"
HANGUL = re.compile("[\uac00-\ud7a3]")
WEEKLY_PAGE = "weekly/2025-03-17/index.html"
CONFERENCE_PAGE = "conferences/neurips-2025/index.html"


def soup_of(out: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((out / page).read_text(encoding="utf-8"), "html5lib")


def target(page: str, href: str) -> str:
    """Where ``href`` on ``page`` leads, as a path from the site root (fragment kept)."""
    return urljoin(SITE + page, href).removeprefix(SITE)


def text(element: Tag | None) -> str:
    assert element is not None
    return " ".join(element.get_text(" ", strip=True).split())


def html_pages(out: Path) -> list[str]:
    return sorted(path.relative_to(out).as_posix() for path in out.rglob("*.html"))


@pytest.fixture(scope="module")
def weekly_papers(example_site: Path) -> list[dict]:
    """The papers of the example weekly digest, as its YAML file lists them."""
    source = example_site / "digests" / "weekly" / "2025-03-17.yaml"
    return yaml.safe_load(source.read_text(encoding="utf-8"))["papers"]


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "404.html",
        WEEKLY_PAGE,
        CONFERENCE_PAGE,
        "weekly/index.html",
        "conferences/index.html",
        "papers/index.html",
        "papers/2503.14476/index.html",
        "papers/2510.22954/index.html",
        "tags/index.html",
        "tags/reinforcement-learning/index.html",
        "archive/index.html",
        "assets/style.css",
        "assets/site.js",
    ],
)
def test_expected_page_exists(built_site: Path, page: str) -> None:
    assert (built_site / page).is_file()


def test_every_page_is_in_its_editions_language_korean_first(built_site: Path) -> None:
    for page in html_pages(built_site):
        edition = page.split("/", 1)[0]
        expected = edition if edition in {"ko", "en"} else "ko"
        assert soup_of(built_site, page).html["lang"] == expected, page


def test_weekly_page_shows_both_titles_of_every_paper(
    built_site: Path, weekly_papers: list[dict]
) -> None:
    soup = soup_of(built_site, WEEKLY_PAGE)

    assert len(weekly_papers) == 10
    assert len(soup.select("article.paper")) == 10
    for paper in weekly_papers:
        heading = soup.select_one(f"article[id='paper-{paper['arxiv']}'] .paper-title")
        assert text(heading.select_one("[lang=ko]")) == paper["title"]["ko"]
        assert text(heading.select_one("[lang=en]")) == paper["title"]["en"]


def test_weekly_page_shows_dapo_in_english_and_korean(built_site: Path) -> None:
    heading = soup_of(built_site, WEEKLY_PAGE).select_one("#paper-2503\\.14476_title")

    english = heading.select_one("[lang=en]")
    korean = heading.select_one("[lang=ko]")
    assert text(english) == "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
    assert text(korean) == "DAPO: 규모에 맞는 오픈소스 LLM 강화 학습 시스템"


def test_weekly_table_of_contents_links_to_each_paper(
    built_site: Path, weekly_papers: list[dict]
) -> None:
    soup = soup_of(built_site, WEEKLY_PAGE)

    hrefs = [a["href"] for a in soup.select("nav.toc a")]
    assert hrefs == [f"#paper-{paper['arxiv']}" for paper in weekly_papers]
    for href in hrefs:
        assert soup.find(id=href[1:]) is not None, href


def test_conference_page_groups_papers_by_award_best_first(built_site: Path) -> None:
    groups = soup_of(built_site, CONFERENCE_PAGE).select("section.award-group")

    assert len(groups) == 2
    best, runner_up = groups
    assert "최우수" in text(best.select_one("h2 [lang=ko]"))
    assert text(best.select_one("h2 [lang=en]")) == "Best Paper"
    assert text(runner_up.select_one("h2 [lang=en]")) == "Runner-up"
    assert len(best.select("article.paper")) == 4
    assert len(runner_up.select("article.paper")) == 3


def test_conference_entries_show_their_award_badge(built_site: Path) -> None:
    groups = soup_of(built_site, CONFERENCE_PAGE).select("section.award-group")

    for group, english in zip(groups, ["Best Paper", "Runner-up"], strict=True):
        for article in group.select("article.paper"):
            assert text(article.select_one(".award [lang=en]")) == english


AWARDS_OUT_OF_ORDER = """\
kind: conference
conference: {name: ICLR, year: 2026}
date: 2026-04-25
title: {ko: "ICLR 2026 수상 논문", en: "ICLR 2026 awards"}
papers:
  - {title: {ko: "그 밖의 논문", en: "No award"}}
  - {title: {ko: "구두 발표 논문", en: "An oral"}, award: oral}
  - {title: {ko: "시간의 시험", en: "Test of time"}, award: "Test of Time"}
  - {title: {ko: "최우수 논문", en: "The best"}, award: best-paper}
  - {title: {ko: "차상위 논문", en: "A runner-up"}, award: runner-up}
"""


def test_a_conferences_contents_and_the_home_pages_list_follow_the_pages_order_of_awards(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A conference page shows its papers grouped by award, best first, whatever the file's
    order; its contents (and the home page's list of the latest digest) listed them in the
    file's order, so that "1." led to the last paper on the page."""
    out = build_weekly_and_conference(write_tree, tmp_path / "out", conference=AWARDS_OUT_OF_ORDER)
    page = lxml.html.parse(str(out / "conferences/iclr-2026/index.html")).getroot()
    shown = [article.get("id") for article in page.xpath("//article[contains(@class, 'paper')]")]
    contents = [a.get("href") for a in page.xpath("//nav[contains(@class, 'toc')]//a")]
    home = lxml.html.parse(str(out / "index.html")).getroot()
    latest = [a.get("href") for a in home.xpath("//ol[contains(@class, 'paper-index')]//a")]

    order = ["the-best", "a-runner-up", "an-oral", "test-of-time", "no-award"]
    assert shown == [f"paper-{slug}" for slug in order]
    assert contents == [f"#paper-{slug}" for slug in order]
    assert latest == [f"./conferences/iclr-2026/#paper-{slug}" for slug in order]


def test_conference_entries_show_their_authors(built_site: Path) -> None:
    soup = soup_of(built_site, CONFERENCE_PAGE)

    for article in soup.select("article.paper"):
        assert article.select_one(".authors") is not None, article["id"]
    hivemind = soup.select_one("#paper-2510\\.22954 .authors")
    assert "Liwei Jiang" in text(hivemind)
    assert "Yejin Choi" in text(hivemind)


def test_missing_translation_is_marked_not_replaced(built_site: Path) -> None:
    summary = soup_of(built_site, CONFERENCE_PAGE).select_one("#paper-2510\\.22954 .field-summary")

    korean = summary.find("div", attrs={"lang": "ko"})
    english = summary.find("div", attrs={"lang": "en"})
    assert "Artificial Hivemind" in text(korean)
    assert "Translation missing" in text(english)
    assert not HANGUL.search(text(english))


def test_home_page_shows_the_latest_digest_first(built_site: Path) -> None:
    latest = soup_of(built_site, "index.html").select_one(".latest")

    link = latest.select_one("h2 a")
    assert target("index.html", link["href"]) == "conferences/neurips-2025/"
    assert text(link.select_one("[lang=en]")) == "NeurIPS 2025 Best Paper Awards"
    assert latest.find("time", datetime="2025-11-27") is not None


def test_home_page_lists_the_recent_digests_newest_first(built_site: Path) -> None:
    cards = soup_of(built_site, "index.html").select(
        "[aria-labelledby=recent-heading] .digest-card"
    )

    hrefs = [target("index.html", card.select_one("a")["href"]) for card in cards]
    assert hrefs == ["conferences/neurips-2025/", "weekly/2025-03-17/"]


def test_home_page_links_to_tags(built_site: Path) -> None:
    links = soup_of(built_site, "index.html").select("[aria-labelledby=tags-heading] a")

    hrefs = {target("index.html", a["href"]) for a in links}
    assert {"tags/llm/", "tags/reinforcement-learning/"} <= hrefs
    for href in hrefs:
        assert (built_site / href / "index.html").is_file(), href


def test_archive_lists_months_newest_first(built_site: Path) -> None:
    soup = soup_of(built_site, "archive/index.html")

    years = [text(h2) for h2 in soup.select(".archive-year h2")]
    months = [text(h3.select_one("[lang=en]")) for h3 in soup.select(".archive-year h3")]
    assert years == ["2025"]
    assert months == ["November 2025", "March 2025"]


def test_archive_months_hold_their_digests(built_site: Path) -> None:
    soup = soup_of(built_site, "archive/index.html")

    for month_id, digest in [
        ("month-2025-11", "conferences/neurips-2025/"),
        ("month-2025-03", "weekly/2025-03-17/"),
    ]:
        listing = soup.find(id=month_id).find_next_sibling("ul")
        hrefs = [target("archive/index.html", a["href"]) for a in listing.select("a")]
        assert hrefs == [digest]


def test_paper_page_of_a_conference_paper_links_to_its_digest(built_site: Path) -> None:
    page = "papers/2510.22954/index.html"
    links = soup_of(built_site, page).select(".appearance-list a")

    assert [target(page, a["href"]) for a in links] == [
        "conferences/neurips-2025/#paper-2510.22954"
    ]


CONFERENCE = """\
kind: conference
conference: {name: ICLR, year: 2026}
date: 2026-04-25
title: {ko: "ICLR 2026 수상 논문", en: "ICLR 2026 awards"}
papers:
  - title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}
    arxiv: "2503.14476v2"
    award: oral
    summary: {ko: "학회에서의 소개", en: "Introduced at the conference"}
"""


def build_weekly_and_conference(
    write_tree: WriteTree, out: Path, weekly: str = WEEKLY, conference: str = CONFERENCE
) -> Path:
    """A site of a weekly and a conference digest (their texts), built into ``out``."""
    source = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": weekly,
            "digests/conferences/iclr-2026.yaml": conference,
        }
    )
    build(source, out)
    return out


@pytest.fixture
def paper_in_two_digests(write_tree: WriteTree, tmp_path: Path) -> Path:
    """A site where one arXiv paper is in a weekly and a conference digest, built."""
    return build_weekly_and_conference(write_tree, tmp_path / "out")


def test_paper_page_links_to_every_digest_it_appears_in(paper_in_two_digests: Path) -> None:
    page = "papers/2503.14476/index.html"
    links = soup_of(paper_in_two_digests, page).select(".appearance-list a")

    assert [target(page, a["href"]) for a in links] == [
        "conferences/iclr-2026/#paper-2503.14476",
        "weekly/2025-03-17/#paper-2503.14476",
    ]


def test_paper_page_shows_each_digests_introduction(paper_in_two_digests: Path) -> None:
    soup = soup_of(paper_in_two_digests, "papers/2503.14476/index.html")

    introductions = [text(s.select_one("div[lang=en]")) for s in soup.select("section.appearance")]
    assert introductions == ["Introduced at the conference", "English introduction"]


def test_paper_in_two_digests_has_one_page(paper_in_two_digests: Path) -> None:
    folders = [p.name for p in (paper_in_two_digests / "papers").iterdir() if p.is_dir()]

    assert folders == ["2503.14476"]


def test_an_old_style_id_with_and_without_subject_class_is_one_paper_page(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """math.GT/0309136 is math/0309136 (the subject class is not part of an arXiv ID): a
    weekly digest giving one and a conference digest the other, with a version, make one page
    that lists both."""
    knot = "Knot Floer homology and the four-ball genus"
    weekly = WEEKLY.replace('"2503.14476"', '"math.GT/0309136"').replace(
        "DAPO: An Open-Source LLM Reinforcement Learning System at Scale", knot
    )
    conference = CONFERENCE.replace('"2503.14476v2"', '"math/0309136v1"').replace(
        "DAPO: An Open-Source LLM Reinforcement Learning System at Scale", knot
    )

    out = build_weekly_and_conference(write_tree, tmp_path / "out", weekly, conference)

    pages = sorted(
        p.relative_to(out / "papers").as_posix() for p in (out / "papers").glob("*/**/index.html")
    )
    assert pages == ["math/0309136/index.html"]
    page = "papers/math/0309136/index.html"
    links = soup_of(out, page).select(".appearance-list a")
    assert [target(page, a["href"]) for a in links] == [
        "conferences/iclr-2026/#paper-math-0309136",
        "weekly/2025-03-17/#paper-math-0309136",
    ]
    for digest in ("weekly/2025-03-17/index.html", "conferences/iclr-2026/index.html"):
        entry = soup_of(out, digest).select_one("#paper-math-0309136")
        assert entry is not None, digest


def _is_external(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.scheme or parts.netloc)


def test_pages_load_no_external_resources(built_site: Path) -> None:
    for page in html_pages(built_site):
        soup = soup_of(built_site, page)
        resources = [tag.get("src") for tag in code_scripts(soup)]
        resources += [tag.get("src") for tag in soup.find_all(["img", "iframe"])]
        # Links that make the browser fetch something; canonical and alternate links only name
        # an address (they are absolute by design).
        loads = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"}
        resources += [
            tag.get("href") for tag in soup.find_all("link") if loads & set(tag.get("rel", []))
        ]
        for url in resources:
            assert url is not None and not _is_external(url), (page, url)


def test_only_scripts_are_the_themes_own(built_site: Path) -> None:
    """Every page runs site.js and nothing else; search pages also run Pagefind's interface and
    the theme's search.js, all served from the site itself."""
    for page in html_pages(built_site):
        scripts = code_scripts(soup_of(built_site, page))
        names = [s.get("src", "").rsplit("/", 1)[-1] for s in scripts]
        is_search = page.removeprefix("ko/").removeprefix("en/") == "search/index.html"
        expected = ["site.js", "pagefind-ui.js", "search.js"] if is_search else ["site.js"]
        assert names == expected, page
        assert all(not s.get("src", "").startswith(("http:", "https:", "//")) for s in scripts)


def test_texts_carry_their_language(built_site: Path) -> None:
    soup = soup_of(built_site, WEEKLY_PAGE)

    languages = {element["lang"] for element in soup.select(".bi[lang]")}
    assert languages == {"ko", "en"}
    generator = soup.select_one("footer .generator")
    assert generator.find_parent(lang=True)["lang"] == "ko"  # the page's language
    assert generator["lang"] == "en"  # and the footer's English line is marked as such


def test_language_switch_links_to_this_page_in_each_edition(built_site: Path) -> None:
    switch = soup_of(built_site, WEEKLY_PAGE).select_one("nav.lang-switch")

    assert switch is not None and not switch.has_attr("hidden"), "usable without JavaScript"
    links = {a["data-show"]: target(WEEKLY_PAGE, a["href"]) for a in switch.find_all("a")}
    assert links == {
        "all": "weekly/2025-03-17/",
        "ko": "ko/weekly/2025-03-17/",
        "en": "en/weekly/2025-03-17/",
    }
    for path in links.values():
        assert (built_site / path / "index.html").is_file()
    current = switch.select("a[aria-current]")
    assert [a["data-show"] for a in current] == ["all"]


@pytest.mark.parametrize(
    "rule",
    ["word-break: keep-all", "@media screen and (prefers-color-scheme: dark)", "@media print"],
)
def test_stylesheet_has_rule(built_site: Path, rule: str) -> None:
    css = (built_site / "assets" / "style.css").read_text(encoding="utf-8")

    assert rule in " ".join(css.split())


def test_a_label_written_once_for_every_language_is_shown_once_and_not_as_one_language(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A link's own label and a free-text award are one text: they were shown once per
    language ("X thread · X thread"), the Korean award marked as English."""
    digest = CONFERENCE.replace("award: oral", 'award: "최우수 논문"') + (
        "    links:\n"
        '      - {kind: discussion, url: "https://x.com/a/status/1", label: "X thread"}\n'
        '      - {kind: pdf, url: "https://arxiv.org/pdf/2503.14476"}\n'
        '      - {kind: code, url: "https://github.com/a/b"}\n'
    )
    source = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/conferences/iclr-2026.yaml": digest}
    )
    build(source, tmp_path / "out")

    for page in ["conferences/iclr-2026/index.html", "en/conferences/iclr-2026/index.html"]:
        article = soup_of(tmp_path / "out", page).select_one("article#paper-2503\\.14476")
        assert article is not None
        links = {a["href"]: a for a in article.select(".links a")}
        thread, pdf = links["https://x.com/a/status/1"], links["https://arxiv.org/pdf/2503.14476"]
        for shared, words in [
            (thread, "X thread"),
            (pdf, "PDF"),
            (article.select_one(".award"), "최우수 논문"),
        ]:
            assert shared is not None
            assert text(shared) == words
            assert shared.select("[lang]") == []
        if not page.startswith("en/"):  # words that differ are still given in each language
            code = links["https://github.com/a/b"]
            assert [(s["lang"], text(s)) for s in code.select("[lang]")] == [
                ("ko", "코드"),
                ("en", "Code"),
            ]


def test_the_same_text_with_footnotes_twice_on_a_page_has_its_own_ids_each_time(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Footnote ids were made from the text alone: a paper's introduction reused in a second
    digest, or a summary copied as the abstract, gave one page the same ids twice, and the
    second text's reference led to the first text's note."""
    noted = '{ko: "소개[^1]\\n\\n[^1]: 각주", en: "Intro[^1]\\n\\n[^1]: A note"}'
    paper = f'  - title: {{en: "Paper F"}}\n    summary: {noted}\n    abstract: {noted}\n'
    weekly = 'kind: weekly\nperiod: {start: START, end: END}\ntitle: "Week"\npapers:\n' + paper
    source = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-07-07.yaml": weekly.replace("START", "2025-07-07").replace(
                "END", "2025-07-13"
            ),
            "digests/weekly/2025-07-14.yaml": weekly.replace("START", "2025-07-14").replace(
                "END", "2025-07-20"
            ),
        }
    )
    build(source, tmp_path / "out")

    for page in ["papers/paper-f/index.html", "weekly/2025-07-07/index.html"]:
        for edition in ["", "ko/", "en/"]:
            soup = soup_of(tmp_path / "out", edition + page)
            ids = [element["id"] for element in soup.find_all(id=True)]
            assert len(ids) == len(set(ids)), (edition + page, ids)
            references = soup.select("sup a[href^='#fn']")
            assert len(references) >= 2, edition + page
            for reference in references:  # each leads to the note of its own text
                note = soup.find(id=reference["href"][1:])
                assert note is not None
                text_of_reference = reference.find_parent(attrs={"lang": True})
                assert note.find_parent(attrs={"lang": True}) is text_of_reference


def test_the_texts_a_cold_build_renders_ahead_are_those_the_view_asks_for(
    write_tree: WriteTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``context._text_sources`` lists what ``build_view`` renders, so that a cold build
    renders every text on every core and none again; texts with footnotes by their place."""
    noted = '{ko: "소개[^1]\\n\\n[^1]: 각주", en: "Intro[^1]\\n\\n[^1]: A note"}'
    digest = WEEKLY.replace('{ko: "한국어 소개", en: "English introduction"}', noted)
    assert digest != WEEKLY
    root = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    site = validate_site(load_site(root))
    asked: list[tuple[str, bool, str, str]] = []
    ahead: list[tuple[str, bool, str, str]] = []
    render = MarkdownRenderer.render

    def spied(self: MarkdownRenderer, source: str, **options: Any) -> Any:
        asked.append(
            self.source(
                source, options.get("inline", False), options.get("lang"), options.get("place", "")
            )
        )
        return render(self, source, **options)

    def prefetch(self: MarkdownRenderer, texts: Any) -> None:
        ahead.extend(self.source(*text) for text in texts)

    monkeypatch.setattr(MarkdownRenderer, "render", spied)
    monkeypatch.setattr(MarkdownRenderer, "prefetch", prefetch)
    build_view(site)

    assert set(asked) == set(ahead)
    assert sum(1 for source in ahead if source[3]) == 2, "the two texts with footnotes, placed"


def test_lists_of_papers_show_the_latest_featured_first(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """As the lists of digests do; the list of papers was in the order of their IDs, the newest
    at the bottom of thousands."""
    second = WEEKLY.replace("2025-03-17", "2025-03-24").replace("2025-03-23", "2025-03-30")
    second = second.replace('"2503.14476"', '"2501.00001"').replace("다포", "둘째")
    second = second.replace("DAPO: An Open-Source LLM Reinforcement Learning System at Scale", "B")
    source = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "digests/weekly/2025-03-24.yaml": second,
            "digests/conferences/iclr-2026.yaml": CONFERENCE,
        }
    )
    out = tmp_path / "out"
    build(source, out)

    for page in ["papers/index.html", "tags/reinforcement-learning/index.html"]:
        items = soup_of(out, page).select(".paper-list a[href*='papers/']")
        assert [target(page, a["href"]) for a in items] == [
            "papers/2503.14476/",  # in the ICLR 2026 digest (2026-04-25)
            "papers/2501.00001/",  # in the week of 2025-03-24: an older ID, featured later
        ], page


ARABIC_TITLE = "الانتباه هو كل ما تحتاجه"
RIGHT_TO_LEFT = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
papers:
  - title: "الانتباه هو كل ما تحتاجه"
    authors: ["أحمد علي", "Ada Lovelace"]
    affiliations: ["جامعة القاهرة"]
    summary: {ko: "한국어 소개", en: "English introduction"}
"""


def test_texts_in_no_known_language_take_their_direction_from_their_letters(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A title written once for every language, and names, are in no language the page knows:
    ``dir="auto"``, so that an Arabic title is laid out right to left on a Korean page. A text
    in one of the site's languages (Korean, English) keeps the page's direction."""
    source = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": RIGHT_TO_LEFT}
    )
    out = tmp_path / "out"
    build(source, out)

    weekly = soup_of(out, WEEKLY_PAGE)
    entry = weekly.select_one("article.paper")
    assert entry is not None
    title = entry.select_one(".paper-title .bi")
    assert title is not None and title.get_text() == ARABIC_TITLE and title["dir"] == "auto"
    authors = entry.select_one(".authors span[dir=auto]")
    assert authors is not None and authors.get_text() == "أحمد علي, Ada Lovelace"
    affiliations = entry.select_one(".affiliations span[dir=auto]")
    assert affiliations is not None and affiliations.get_text() == "جامعة القاهرة"
    summaries = entry.select("div.bi[lang]")
    assert [(part["lang"], part.get("dir")) for part in summaries] == [("ko", None), ("en", None)]
    link = entry.select_one(".paper-title a")
    assert link is not None
    heading = soup_of(out, target(WEEKLY_PAGE, str(link["href"])) + "index.html").select_one("h1")
    assert heading is not None
    assert [(part.get_text(), part.get("dir")) for part in heading.select(".bi")] == [
        (ARABIC_TITLE, "auto")
    ]


ARABIC_CONFERENCE = """\
kind: conference
conference: {name: "مؤتمر التعلم", year: 2025, url: "https://example.org/conference"}
date: 2025-07-20
title: {ko: "학회", en: "The conference"}
tags: [تعلم-الآلة]
papers:
  - title: {ko: "다포", en: "DAPO"}
    arxiv: "2503.14476"
    summary: {ko: "한국어 소개", en: "English introduction"}
    tags: [تعلم-الآلة, reinforcement-learning]
"""


def test_names_in_no_known_language_take_their_direction_from_their_letters(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A conference's name, arXiv's journal reference, Semantic Scholar's venue and a tag are
    written as their editors or sources wrote them, in no language the page knows: each is in
    an element of ``dir="auto"``, so that an Arabic name is laid out right to left (with its
    ``#`` on its right) on a Korean or English page."""
    scholar = {"paper_id": "abc", "venue": "مجلة التعلم", "fetched": "2026-01-01T00:00:00Z"}
    record = {**DAPO_RECORD, "journal_ref": "مجلة 12 (2025)"}
    lockfile = json.loads(lockfile_text(record))
    lockfile["papers"]["2503.14476"]["semantic_scholar"] = scholar
    source = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/conferences/icml-2025.yaml": ARABIC_CONFERENCE,
            "arxiv.lock.json": json.dumps(lockfile),
        }
    )
    out = tmp_path / "out"
    build(source, out)

    def directed(page: str, xpath: str) -> list[tuple[str, str | None]]:
        found = lxml.html.parse(out / page).xpath(xpath)
        assert found, (page, xpath)
        return [(" ".join(e.text_content().split()), e.get("dir")) for e in found]

    conference = "//*[normalize-space(text())='مؤتمر التعلم']"
    [digest_page] = [p.relative_to(out).as_posix() for p in out.glob("conferences/*/index.html")]
    for page in ["index.html", "conferences/index.html", digest_page]:
        assert set(directed(page, conference)) == {("مؤتمر التعلم", "auto")}, page
    tag = "//a[@rel='tag'][starts-with(normalize-space(.), '#تعلم')]"
    for page in ["index.html", "tags/index.html", digest_page, "papers/2503.14476/index.html"]:
        assert {direction for _, direction in directed(page, tag)} == {"auto"}, page
    [(_, heading)] = directed("tags/تعلم-الآلة/index.html", "//h1")
    assert heading == "auto"
    paper = "papers/2503.14476/index.html"
    for words in ["مجلة 12 (2025)", "مجلة التعلم"]:
        assert directed(paper, f"//dd//*[text()='{words}']") == [(words, "auto")]


LINKED_TITLE = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주: [포럼](https://example.org/forum)", en: "This week: [the forum](https://example.org/forum)"}
papers:
  - title: {ko: "[다포](https://example.org/dapo)와 $x^2$", en: "[DAPO](https://example.org/dapo) and $x^2$"}
    summary: {ko: "[소개](https://example.org/a)", en: "An [introduction](https://example.org/a)."}
"""


def test_a_title_with_a_link_is_no_link_inside_a_link(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A title is a link's text (the contents, lists, the paper's heading): a link written in it
    keeps its words but is no link, and a formula in it takes no focus, since HTML has no link
    (nor focusable element) inside a link and a browser cuts the outer link short there. Links in
    a text are links."""
    source = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": LINKED_TITLE}
    )
    out = tmp_path / "out"
    build(source, out)

    for page in html_pages(out):
        document = lxml.html.parse(out / page)
        assert document.xpath("//a//a | //a//*[@tabindex]") == [], page
    weekly = lxml.html.parse(out / WEEKLY_PAGE)
    [contents] = weekly.xpath("//nav[contains(@class, 'toc')]//li/a[span[@lang='en']]")
    assert " ".join(contents.xpath("string(span[@lang='en'])").split()) == "DAPO and x2"
    assert weekly.xpath("//h1/span[@lang='en']/text()") == ["This week: the forum"]
    summary = weekly.xpath("//*[contains(@class, 'field-summary')]//a/@href")
    assert summary == ["https://example.org/a", "https://example.org/a"]


def test_a_digest_of_one_paper_counts_it_in_the_singular(
    minimal_site: Path, tmp_path: Path
) -> None:
    """A digest card counts its papers in each language: "1 paper", not "1 papers"."""
    out = tmp_path / "out"
    build(minimal_site, out)
    card = lxml.html.parse(out / "weekly/index.html").xpath("//*[@class='paper-count']")
    assert [(part.get("lang"), part.text_content()) for part in card[0]] == [
        ("ko", "논문 1편"),
        ("en", "1 paper"),
    ]


def heading_levels(out: Path, page: str) -> list[int]:
    """The levels of a page's headings, in the order a screen reader lists them."""
    tree = lxml.html.fromstring((out / page).read_bytes())
    return [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]


def test_headings_inside_texts_stand_under_the_heading_the_text_is_shown_under(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A text's ``#`` was a second h1, and its ``##`` under a paper's h3 climbed out of the
    paper: a text's highest heading is one below the heading it stands under, wherever it is
    shown (a weekly and a conference digest, the paper page), the rest at their distance."""
    headed = '{ko: "# 위\\n\\n본문\\n\\n## 아래", en: "# Top\\n\\nBody\\n\\n## Below"}'
    deep = '"##### Five\\n\\nBody"'
    weekly = (
        WEEKLY.replace('{ko: "한국어 소개", en: "English introduction"}', headed)
        .replace('{ko: "한국어 초록", en: "English abstract"}', deep)
        .replace("papers:\n", f"overview: {headed}\npapers:\n")
    )
    conference = CONFERENCE.replace(
        '{ko: "학회에서의 소개", en: "Introduced at the conference"}', headed
    )
    out = build_weekly_and_conference(write_tree, tmp_path / "out", weekly, conference)

    pages = [WEEKLY_PAGE, "conferences/iclr-2026/index.html", "papers/2503.14476/index.html"]
    for page in [edition + page for edition in ["", "ko/", "en/"] for page in pages]:
        levels = heading_levels(out, page)
        assert levels.count(1) == 1 and levels[0] == 1, (page, levels)
        skipped = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not skipped, (page, levels)
    # h1 digest; h2 overview, its text's h3 and h4; h2 contents; h2 paper, h3 summary, its
    # text's h4 and h5; h3 abstract, whose h5 stands one below it, as h4.
    assert heading_levels(out, "en/" + WEEKLY_PAGE) == [1, 2, 3, 4, 2, 2, 3, 4, 5, 3, 4]
    # h2 contents; h2 award, h3 paper, h4 summary, its text's h5 and h6.
    assert heading_levels(out, "en/conferences/iclr-2026/index.html") == [1, 2, 2, 3, 4, 5, 6]


def test_tag_lists_count_what_the_tags_page_lists_digests_too(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A tag on a digest alone was listed as "#llm 0": its count was of papers only, while its
    page lists the digest."""
    weekly = WEEKLY.replace("papers:\n", "tags: [llm, reinforcement-learning]\npapers:\n")
    out = build_weekly_and_conference(write_tree, tmp_path / "out", weekly)

    for page in ["tags/index.html", "index.html"]:
        tree = lxml.html.parse(out / page)
        counts = {
            a.get("href").rstrip("/").rsplit("/", 1)[-1]: a.findtext("span[@class='count']")
            for a in tree.xpath("//a[@rel='tag'][span[@class='count']]")
        }
        assert counts == {"llm": "1", "reinforcement-learning": "2"}, page


FORMULA_TITLES = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: "Formulas"
papers:
  - title: "$x^2$ scaling"
    summary: "The square."
  - title: "$x_2$ scaling"
    summary: "The second."
  - title: "$a+b$ or $a-b$"
    summary: "The sum."
  - title: "$a-b$ or $a+b$"
    summary: "The difference."
"""


def test_titles_that_differ_in_a_formula_are_two_papers_with_their_own_anchors(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A paper without an arXiv ID is named by a slug of its title, which kept letters and digits
    only: ``$x^2$`` and ``$x_2$`` were one paper (an error in one digest, one page for both in
    two). A formula's marks are spelled out: each paper has its page and its anchor, and the
    digest's contents lead to the paper whose formula it shows."""
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": FORMULA_TITLES}
    )
    out = tmp_path / "out"
    build(site, out, search=False)
    page = lxml.html.parse(out / "weekly/2025-03-17/index.html").getroot()
    toc = [link.get("href") for link in page.xpath('//nav[contains(@class, "toc")]//a')]
    assert len(set(toc)) == 4
    shown = []
    for href in toc:
        (paper,) = page.xpath(f'//article[@id="{href.removeprefix("#")}"]')
        title = paper.xpath('.//*[contains(@class, "paper-title")]')[0]
        shown.append(lxml.html.tostring(title, encoding="unicode").split(">", 1)[1])
        summary = paper.xpath('.//*[contains(@class, "summary")]')[0].text_content().split()[-1]
        paper_page = (out / "weekly/2025-03-17" / title.xpath(".//a/@href")[0]).resolve()
        assert summary in lxml.html.parse(paper_page / "index.html").getroot().text_content()
    assert len(set(shown)) == 4  # each anchor leads to its own formula


def test_a_template_rewritten_within_one_tick_of_the_clock_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that renders again and again (``papersite serve``) keeps one compiled theme
    while its files' size and times are as they were. On a disk whose clock ticks once a second
    (FAT, HFS+, some network disks), a template rewritten within the tick, at the same size,
    kept its times: every page was rendered with the old template."""
    theme = tmp_path / "theme"
    theme.mkdir()
    template = theme / "page.html"
    template.write_text("AAAA", encoding="utf-8")
    first = template.stat()
    real_stat = Path.stat

    def coarse_clock(path: Path, **options: Any) -> os.stat_result:
        """The template's size and times as they were when first written."""
        return first if path == template else real_stat(path, **options)

    monkeypatch.setattr(Path, "stat", coarse_clock)
    assert make_environment([theme]).get_template("page.html").render() == "AAAA"

    template.write_text("BBBB", encoding="utf-8")

    assert make_environment([theme]).get_template("page.html").render() == "BBBB"
