"""Long lists in pages (``paging.py``): the papers, the digests of each kind and a tag's papers,
as Hugo's paginator splits them, and the home page's recent digests."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from conftest import WriteTree
from papersite import build

SITE = "http://site.test/"
MONDAY = dt.date(2025, 1, 6)


def config(per_page: int) -> str:
    return (
        'title: {ko: "테스트 사이트", en: "Test site"}\n'
        'base_url: "https://example.org/papers/"\n'
        f"languages: [ko, en]\nper_page: {per_page}\n"
    )


def weekly(
    week: int, papers: list[str], tags: tuple[str, ...] = (), *, tagged: bool = False
) -> tuple[str, str]:
    """A weekly digest of ``week`` weeks after ``MONDAY``, its papers titled ``papers`` (no arXiv
    IDs: each paper's page is its title's slug), each tagged ``tags`` (and the digest too, if
    ``tagged``)."""
    start = MONDAY + dt.timedelta(weeks=week)
    digest = {
        "kind": "weekly",
        "period": {"start": start.isoformat(), "end": (start + dt.timedelta(days=6)).isoformat()},
        "title": {"ko": f"{week}주차 논문", "en": f"Papers of week {week}"},
        "papers": [
            {"title": {"ko": f"논문 {title}", "en": title}, "tags": list(tags)} for title in papers
        ],
    }
    if tagged:  # the digest itself, besides its papers
        digest["tags"] = list(tags)
    return f"digests/weekly/{start.isoformat()}.yaml", yaml.safe_dump(digest, allow_unicode=True)


def site(write_tree: WriteTree, per_page: int, digests: list[tuple[str, str]]) -> Path:
    return write_tree({"papersite.yaml": config(per_page), **dict(digests)})


def built(write_tree: WriteTree, out: Path, per_page: int, digests: list[tuple[str, str]]) -> Path:
    """The site of ``digests`` built into ``out`` (without search)."""
    build(site(write_tree, per_page, digests), out, search=False)
    return out


def recent_digests(out: Path) -> Tag:
    home = soup_of(out, "index.html").select_one("[aria-labelledby=recent-heading]")
    assert home is not None
    return home


def soup_of(out: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((out / page).read_text(encoding="utf-8"), "html5lib")


def target(page: str, href: str) -> str:
    """Where ``href`` on ``page`` leads, from the site root."""
    return urljoin(SITE + page, href).removeprefix(SITE)


def papers_listed(out: Path, page: str) -> list[str]:
    return [
        target(page, a["href"]) for a in soup_of(out, page).select(".paper-list a[href*='papers/']")
    ]


def list_pages(out: Path, url: str) -> list[str]:
    """The pages of the list at ``url`` in the output, in page order."""
    later = sorted((out / url / "page").glob("*/index.html"), key=lambda p: int(p.parent.name))
    return [url + "index.html", *(p.relative_to(out).as_posix() for p in later)]


def test_every_paper_is_on_one_page_of_the_list_the_latest_featured_first(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    # Week 0 has A B C, week 1 D E, week 2 F G: newest week first, each week in its order.
    out = built(
        write_tree,
        tmp_path / "out",
        3,
        [weekly(0, ["A", "B", "C"]), weekly(1, ["D", "E"]), weekly(2, ["F", "G"])],
    )

    pages = list_pages(out, "papers/")
    assert pages == ["papers/index.html", "papers/page/2/index.html", "papers/page/3/index.html"]
    listed = [papers_listed(out, page) for page in pages]
    assert [len(items) for items in listed] == [3, 3, 1]
    expected = ["f", "g", "d", "e", "a", "b", "c"]
    assert [url for items in listed for url in items] == [f"papers/{s}/" for s in expected]


@pytest.mark.parametrize("edition", ["", "en/"])
def test_the_pager_links_each_page_marks_the_current_one_and_leads_on(
    write_tree: WriteTree, tmp_path: Path, edition: str
) -> None:
    out = built(
        write_tree,
        tmp_path / "out",
        2,
        [weekly(week, [f"P{week}a", f"P{week}b"]) for week in range(5)],
    )

    pages = list_pages(out / edition if edition else out, "weekly/")
    assert len(pages) == 3  # 5 digests, 2 a page
    for number, page in enumerate(pages, start=1):
        path = edition + page
        soup = soup_of(out, path)
        nav = soup.select_one("nav.pager")
        links = {a.get_text(" ", strip=True): target(path, a["href"]) for a in nav.select("a")}
        numbered = {int(label): href for label, href in links.items() if label.isdigit()}
        assert numbered == {n: edition + pages[n - 1].removesuffix("index.html") for n in (1, 2, 3)}
        current = nav.select("a[aria-current=page]")
        assert [a.get_text(strip=True) for a in current] == [str(number)]
        previous, following = nav.select_one("a[rel=prev]"), nav.select_one("a[rel=next]")
        assert (previous is None) == (number == 1) and (following is None) == (number == 3)
        if previous is not None:
            assert target(path, previous["href"]) == numbered[number - 1]
        if following is not None:
            assert target(path, following["href"]) == numbered[number + 1]
        title = soup.title.get_text()
        assert f"({number}/3)" in title, title
        for href in numbered.values():
            assert (out / href / "index.html").is_file(), href
        cards = soup.select(".digest-card")
        assert len(cards) == (1 if number == 3 else 2)


def test_a_list_that_fits_one_page_has_no_pager_and_no_later_pages(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    out = built(write_tree, tmp_path / "out", 3, [weekly(0, ["A", "B", "C"])])

    assert soup_of(out, "papers/index.html").select("nav.pager") == []
    assert "(1/1)" not in soup_of(out, "papers/index.html").title.get_text()
    assert not list(out.rglob("page"))


def test_a_long_list_links_the_first_the_last_and_the_pages_around_the_current_one(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    out = built(write_tree, tmp_path / "out", 1, [weekly(0, [f"Paper {n:02}" for n in range(12)])])

    page = "papers/page/6/index.html"
    items = soup_of(out, page).select("nav.pager li")
    shown = [li.get_text(" ", strip=True) for li in items if not li.select("a[rel]")]
    assert shown == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]
    gaps = [li for li in items if li.get_text(strip=True) == "…"]
    assert all(li.get("aria-hidden") == "true" and not li.select("a") for li in gaps)


def test_a_tags_papers_are_in_pages_and_its_digests_on_the_first(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    out = built(
        write_tree,
        tmp_path / "out",
        2,
        [weekly(0, ["A", "B"], ("llm",)), weekly(1, ["C", "D", "E"], ("llm",), tagged=True)],
    )

    pages = list_pages(out, "tags/llm/")
    assert len(pages) == 3
    listed = [url for page in pages for url in papers_listed(out, page)]
    assert listed == [f"papers/{s}/" for s in ["c", "d", "e", "a", "b"]]
    with_digests = [bool(soup_of(out, page).select(".digest-card")) for page in pages]
    assert with_digests == [True, False, False]
    feed = soup_of(out, pages[1]).select_one("link[type='application/atom+xml'][title$='#llm']")
    assert target(pages[1], feed["href"]) == "tags/llm/feed.xml"


def test_the_home_page_shows_the_recent_digests_and_leads_to_the_archive(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    out = built(write_tree, tmp_path / "out", 2, [weekly(week, [f"W{week}"]) for week in range(3)])

    home = recent_digests(out)
    cards = [target("index.html", c.select_one("a")["href"]) for c in home.select(".digest-card")]
    assert cards == ["weekly/2025-01-20/", "weekly/2025-01-13/"]
    more = home.select_one("p.more a")
    assert target("index.html", more["href"]) == "archive/"
    archived = soup_of(out, "archive/index.html").select(".archive-list a")
    assert len(archived) == 3


def test_the_home_page_has_no_archive_link_when_it_shows_every_digest(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    out = built(write_tree, tmp_path / "out", 2, [weekly(week, [f"W{week}"]) for week in range(2)])

    home = recent_digests(out)
    assert len(home.select(".digest-card")) == 2
    assert home.select("p.more") == []


def test_the_sitemap_lists_every_page_of_every_list_in_every_edition(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    papers = [f"Paper {n}" for n in range(7)]
    out = built(write_tree, tmp_path / "out", 3, [weekly(0, papers)])

    sitemap = (out / "sitemap.xml").read_text("utf-8")
    listed = set(re.findall(r"<loc>https://example\.org/papers/([^<]*)</loc>", sitemap))
    count = math.ceil(len(papers) / 3)
    for edition in ["", "ko/", "en/"]:
        for number in range(2, count + 1):
            assert f"{edition}papers/page/{number}/" in listed
            assert (out / edition / f"papers/page/{number}/index.html").is_file()
    assert f"papers/page/{count + 1}/" not in listed


def test_per_page_must_be_a_positive_number(write_tree: WriteTree, tmp_path: Path) -> None:
    from papersite.errors import ContentError

    source = site(write_tree, 0, [weekly(0, ["A"])])
    with pytest.raises(ContentError) as raised:
        build(source, tmp_path / "out", search=False)
    problem = raised.value.problems[0]
    assert (problem.path, problem.line, problem.field) == ("papersite.yaml", 4, "per_page")


def test_a_list_with_no_digests_says_so(write_tree: WriteTree, tmp_path: Path) -> None:
    out = built(write_tree, tmp_path / "out", 3, [weekly(0, ["Only paper"])])

    for page, expected in (("conferences/", "No digests here yet."), ("ko/conferences/", "")):
        main = soup_of(out, page + "index.html").select_one("main")
        assert main is not None
        assert main.select(".cards, .pager") == []
        note = main.select_one("p.empty")
        assert note is not None
        if expected:
            assert note.select_one("[lang=en]").get_text() == expected
        else:
            assert note.get_text() == "아직 다이제스트가 없습니다."
    assert soup_of(out, "weekly/index.html").select("main p.empty") == []


def test_a_site_with_no_digests_yet_says_so_on_every_list(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    out = built(write_tree, tmp_path / "out", 3, [])

    for edition in ("", "en/"):
        for page in ("", "papers/", "tags/", "archive/", "weekly/", "conferences/"):
            main = soup_of(out, f"{edition}{page}index.html").select_one("main")
            assert main is not None
            assert len(main.select("h1")) == 1, page  # the home page's was the latest digest's
            assert main.select("ul:empty, .cards, .paper-list, .tag-cloud") == [], page
            note = main.select_one("p.empty")
            assert note is not None and "yet" in note.get_text(), page
