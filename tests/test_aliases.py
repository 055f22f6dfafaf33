"""Aliases: a digest's old URLs, each checked where it is written and given a redirect page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
from bs4 import BeautifulSoup

from conftest import (
    DAPO_RECORD,
    SITE_CONFIG,
    WEEKLY,
    WriteTree,
    lockfile_text,
    only_problem,
    problems_of,
    validate,
)
from loopback import serving
from papersite import build
from papersite.context import build_view
from papersite.errors import Problem
from papersite.redirects import redirects
from papersite.render import make_environment, theme_dirs
from papersite.urls import FIXED_PAGES, alias_page

WEEKLY_PATH = "digests/weekly/2025-03-17.yaml"
LATER_PATH = "digests/weekly/2025-03-24.yaml"
LATER = WEEKLY.replace("2025-03-17, end: 2025-03-23", "2025-03-24, end: 2025-03-30")
BASE = "https://example.org/papersite/"


def with_aliases(digest: str, *aliases: str) -> str:
    """``digest`` with an ``aliases:`` list (one item per line, from line 5) before its papers."""
    items = "".join(f"  - '{alias}'\n" for alias in aliases)
    return digest.replace("papers:\n", f"aliases:\n{items}papers:\n", 1)


def site_of(write_tree: WriteTree, digests: dict[str, str], config: str = SITE_CONFIG) -> Path:
    return write_tree({"papersite.yaml": config, **digests})


def where(problem: Problem) -> tuple[str, int, int, str]:
    return problem.path, problem.line, problem.column, problem.field


# --- the contract: errors at the alias, saying what to do ----------------------------------------


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        (
            "../escape/",
            "'../escape/' has a '..' segment; write the whole path from the site root, "
            "such as 'posts/top-ml-papers-11/'",
        ),
        (
            "https://evil.example/",
            "'https://evil.example/' is a full URL; an alias is a path on this site, such as "
            "'posts/top-ml-papers-11/': write only the part after the site's address",
        ),
        ("//evil.example/x/", "'//evil.example/x/' is a full URL; "),
        ("a//b/", "'a//b/' has an empty folder name ('//'); remove the extra '/'"),
        ("x?y", "'x?y' has a query ('?') or a fragment ('#'); "),
        ("old/#top", "'old/#top' has a query ('?') or a fragment ('#'); "),
        ("posts/./old/", "'posts/./old/' has a '.' segment; "),
        ("posts\\old\\", "has a backslash; separate folders with '/'"),
        (
            "old/" + "제" * 90 + "/",
            "has a name of more than 255 bytes, longer than disks allow; shorten it",
        ),
        ("%ED%95%9C%EA%B8%80/", "is percent-encoded; write the path as it reads: '한글/'"),
        (
            "old page/",
            "'old page/' has ' '; an alias may have letters, digits, '-', '_', '.' and '/'",
        ),
        (".well-known/x/", "'.well-known/x/' has a name starting with '.', which many hosts hide"),
        (".papersite-output/", "has a name starting with '.', which many hosts hide; rename it"),
        ("/", "'/' is the site's home page; an alias is an old path"),
        (
            "tags/reinforcement-learning/",
            "'tags/reinforcement-learning/' is the tag page /tags/reinforcement-learning/, "
            "which the site generates; an alias is an old URL that no page of the site uses, "
            "so remove it",
        ),
        ("papers/2503.14476/", "'papers/2503.14476/' is the paper page /papers/2503.14476/, "),
        ("Papers/2503.14476", "'Papers/2503.14476' is the paper page /papers/2503.14476/, "),
        (
            "en/weekly/2025-03-17/",
            "'en/weekly/2025-03-17/' is under /en/, where papersite writes its own pages; an "
            "alias is an old URL that no page of the site uses, so choose another path or "
            "remove it",
        ),
        ("/ko/", "'ko/' is under /ko/, "),
        ("assets/old/", "'assets/old/' is under /assets/, "),
        ("pagefind/index.html", "'pagefind/index.html' is under /pagefind/, "),
        ("feed.xml", "'feed.xml' is the site's page /feed.xml, which the site generates"),
        ("weekly/", "'weekly/' is the site's page /weekly/index.html, "),
        ("archive/index.html", "'archive/index.html' is the site's page /archive/index.html, "),
        ("404.html", "'404.html' is the site's page /404.html, "),
        ("Sitemap-12.xml", "'Sitemap-12.xml' is the name of a part of the sitemap of a large site"),
        ("papers/page/2/", "'papers/page/2/' is where a long list's later pages are"),
        ("Tags/LLM/page/12/old.html", "is where a long list's later pages are"),
        ("weekly/page/3", "'weekly/page/3' is where a long list's later pages are"),
        ("tags/reinforcement-learning/feed.xml/", "is the tag feed /tags/reinforcement-learning/"),
        (
            "weekly/2025-03-17/",
            "'weekly/2025-03-17/' is this digest's own URL; remove it from 'aliases'",
        ),
        ("/weekly/2025-03-17/index.html", "is this digest's own URL; remove it from 'aliases'"),
    ],
)
def test_a_bad_alias_is_an_error_at_its_item(
    write_tree: WriteTree, alias: str, message: str
) -> None:
    root = site_of(write_tree, {WEEKLY_PATH: with_aliases(WEEKLY, "posts/fine/", alias)})

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 6, 5, "aliases[1]")
    assert problem.message.startswith(message) or message in problem.message, problem.message


def test_an_alias_that_is_not_a_string_is_an_error(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace("papers:\n", "aliases: posts/old/\npapers:\n")
    root = site_of(write_tree, {WEEKLY_PATH: digest})

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 4, 10, "aliases")
    assert problem.message == (
        "input should be a valid list, got 'posts/old/'; write a list, even of one item: "
        '["posts/old/"]'
    )


def test_an_alias_declared_in_two_digests_names_the_first(write_tree: WriteTree) -> None:
    root = site_of(
        write_tree,
        {
            WEEKLY_PATH: with_aliases(WEEKLY, "posts/old/"),
            LATER_PATH: with_aliases(LATER, "other/", "Posts/Old"),
        },
    )

    problem = only_problem(root)

    assert where(problem) == (LATER_PATH, 6, 5, "aliases[1]")
    assert problem.message == (
        f"'Posts/Old' is already an alias at {WEEKLY_PATH}:5:5; an old URL redirects to one "
        "digest only, so keep one of the two"
    )


def test_an_alias_declared_twice_in_one_digest_names_the_first(write_tree: WriteTree) -> None:
    root = site_of(write_tree, {WEEKLY_PATH: with_aliases(WEEKLY, "posts/old/", "/posts/old")})

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 6, 5, "aliases[1]")
    assert problem.message.startswith(f"'posts/old' is already an alias at {WEEKLY_PATH}:5:5;")


def test_an_alias_that_is_another_digests_url_is_an_error(write_tree: WriteTree) -> None:
    root = site_of(
        write_tree,
        {WEEKLY_PATH: WEEKLY, LATER_PATH: with_aliases(LATER, "weekly/2025-03-17/")},
    )

    problem = only_problem(root)

    assert where(problem) == (LATER_PATH, 5, 5, "aliases[0]")
    assert problem.message.startswith(
        f"'weekly/2025-03-17/' is the URL of the digest {WEEKLY_PATH} (/weekly/2025-03-17/), "
        "which the site generates;"
    )


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("old.html", "old.html/x/", "'old.html/x/' would need a folder where the alias at"),
        ("old.html/x/", "old.html", "'old.html' would be a file where the alias at"),
    ],
)
def test_an_alias_cannot_be_a_file_where_another_needs_a_folder(
    write_tree: WriteTree, first: str, second: str, message: str
) -> None:
    root = site_of(write_tree, {WEEKLY_PATH: with_aliases(WEEKLY, first, second)})

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 6, 5, "aliases[1]")
    assert problem.message.startswith(message)
    assert f"{WEEKLY_PATH}:5:5" in problem.message


def test_every_error_is_reported_at_once(write_tree: WriteTree) -> None:
    root = site_of(
        write_tree,
        {
            WEEKLY_PATH: with_aliases(WEEKLY, "feed.xml", "ok/", "weekly/"),
            LATER_PATH: with_aliases(LATER, "../a/"),
        },
    )

    assert [where(p) for p in problems_of(root)] == [
        (WEEKLY_PATH, 5, 5, "aliases[0]"),
        (WEEKLY_PATH, 7, 5, "aliases[2]"),
        (LATER_PATH, 5, 5, "aliases[0]"),
    ]


def test_an_alias_of_the_home_page_is_reported_with_the_others(write_tree: WriteTree) -> None:
    """An alias that fails its own checks ('/') made the digest invalid, and the site-wide
    checks of its other aliases waited for the next run."""
    aliases = ["/", "feed.xml", "weekly/", "../a/", "assets/old/", "ok/", "OK"]
    root = site_of(write_tree, {WEEKLY_PATH: with_aliases(WEEKLY, *aliases)})

    found = {where(p): p.message for p in problems_of(root)}

    assert sorted(found) == [
        (WEEKLY_PATH, 5 + index, 5, f"aliases[{index}]") for index in (0, 1, 2, 3, 4, 6)
    ]
    assert found[(WEEKLY_PATH, 11, 5, "aliases[6]")].startswith(
        f"'OK' is already an alias at {WEEKLY_PATH}:10:5;"
    )


def test_the_aliases_of_a_digest_with_another_error_are_checked_in_the_same_run(
    write_tree: WriteTree,
) -> None:
    digest = with_aliases(WEEKLY, "weekly/2025-03-17/", "posts/old/").replace(
        'title: {ko: "이번 주의 논문", en: "Papers of the week"}', "title: {}"
    )
    root = site_of(
        write_tree,
        {WEEKLY_PATH: digest, LATER_PATH: with_aliases(LATER, "Posts/Old/", "archive/")},
    )

    found = {where(p): p.message for p in problems_of(root)}

    assert sorted(found) == [
        (WEEKLY_PATH, 3, 8, "title"),
        (WEEKLY_PATH, 5, 5, "aliases[0]"),
        (LATER_PATH, 5, 5, "aliases[0]"),
        (LATER_PATH, 6, 5, "aliases[1]"),
    ]
    assert found[(WEEKLY_PATH, 5, 5, "aliases[0]")].startswith(
        "'weekly/2025-03-17/' is this digest's own URL;"
    )
    assert found[(LATER_PATH, 5, 5, "aliases[0]")].startswith(
        f"'Posts/Old/' is already an alias at {WEEKLY_PATH}:6:5;"
    )


def test_no_file_the_build_writes_can_be_an_alias(write_tree: WriteTree, tmp_path: Path) -> None:
    """The reserved paths (``urls.FIXED_PAGES``, the reserved folders, the site's own pages)
    cover every file a build writes: a page added to render.py without being reserved fails
    here."""
    root = site_of(write_tree, {WEEKLY_PATH: WEEKLY})
    out = tmp_path / "out"
    build(root, out)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    written.remove(".papersite-output")  # the marker and .nojekyll: no alias starts with '.'
    written.remove(".nojekyll")
    aliases = [path if path.endswith(".html") else path + "/" for path in written]
    (root / WEEKLY_PATH).write_text(with_aliases(WEEKLY, *aliases), encoding="utf-8")

    problems = problems_of(root)

    assert sorted(p.field for p in problems) == sorted(f"aliases[{i}]" for i in range(len(written)))
    # The glossary page is written only for a site with a glossary.yaml; this one has none.
    assert set(FIXED_PAGES) <= set(written) | {"search/index.html", "glossary/index.html"}


# --- both forms ---------------------------------------------------------------------------------

MARKDOWN = """\
---
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
aliases:
  - posts/top-ml-papers-11/
  - {bad}
---

## DAPO

```yaml
arxiv: "2503.14476"
```
"""
MD_PATH = "digests/weekly/2025-03-17.md"


def test_aliases_in_markdown_front_matter(write_tree: WriteTree) -> None:
    root = site_of(write_tree, {MD_PATH: MARKDOWN.replace("{bad}", "소식/옛-글.html")})

    digest = validate(root).digests[0].digest

    assert digest.aliases == ["posts/top-ml-papers-11/", "소식/옛-글.html"]


def test_a_bad_alias_in_markdown_front_matter_is_located_in_the_md_file(
    write_tree: WriteTree,
) -> None:
    root = site_of(write_tree, {MD_PATH: MARKDOWN.replace("{bad}", "../up/")})

    problem = only_problem(root)

    assert where(problem) == (MD_PATH, 7, 5, "aliases[1]")
    assert problem.message.startswith("'../up/' has a '..' segment;")


@pytest.mark.parametrize(
    ("alias", "page"),
    [
        ("weekly/2025-03-16/", "weekly/2025-03-16/index.html"),
        ("/posts/top-ml-papers-11", "posts/top-ml-papers-11/index.html"),
        ("old/digest.html", "old/digest.html"),
        ("old.html", "old.html"),
        ("weekly/2025-03-17/old.html", "weekly/2025-03-17/old.html"),
        ("소식/옛글/", "소식/옛글/index.html"),
    ],
)
def test_folder_and_html_aliases_give_their_pages(
    write_tree: WriteTree, alias: str, page: str
) -> None:
    root = site_of(write_tree, {WEEKLY_PATH: with_aliases(WEEKLY, alias)})
    view = build_view(validate(root))

    assert view.digests[0].aliases == [page]
    (redirect,) = redirects(view)
    assert (redirect.path, redirect.target) == (page, "weekly/2025-03-17/")
    assert urljoin("https://h/sub/" + page, redirect.href) == "https://h/sub/weekly/2025-03-17/"
    assert redirect.canonical == "https://example.org/papers/weekly/2025-03-17/"


@pytest.mark.parametrize(
    ("alias", "page"),
    [("posts/old/", "posts/old/index.html"), ("posts/old", "posts/old/index.html"),
     ("posts/old.html", "posts/old.html"), ("index.html", "index.html")],
)  # fmt: skip
def test_alias_page(alias: str, page: str) -> None:
    assert alias_page(alias) == page


# --- the redirect page --------------------------------------------------------------------------


def test_the_redirect_template_is_a_small_valid_page(write_tree: WriteTree) -> None:
    root = site_of(write_tree, {WEEKLY_PATH: with_aliases(WEEKLY, "posts/old/")})
    view = build_view(validate(root))
    (redirect,) = redirects(view)
    env = make_environment(theme_dirs(root))

    html = env.get_template("redirect.html").render(
        site=view,
        languages=view.languages,
        default_language="ko",
        redirect=redirect,
        site_root="../../",
    )
    soup = BeautifulSoup(html, "html5lib")

    assert html.startswith("<!doctype html>")
    assert soup.html["lang"] == "ko"
    assert soup.title.string == "이 페이지는 옮겨졌습니다: 이번 주의 논문"
    assert soup.find("link", rel="canonical")["href"] == (
        "https://example.org/papers/weekly/2025-03-17/"
    )
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # Fits a phone for the moment it shows, as every other page does.
    viewport = soup.find("meta", attrs={"name": "viewport"})["content"]
    assert viewport == "width=device-width, initial-scale=1"
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert refresh == "0; url=../../weekly/2025-03-17/"
    links = [(p["lang"], p.a["href"], p.get_text()) for p in soup.body.find_all("p")]
    assert links == [
        ("ko", "../../weekly/2025-03-17/", "이 페이지는 옮겨졌습니다: 이번 주의 논문"),
        ("en", "../../weekly/2025-03-17/", "This page has moved: Papers of the week"),
    ]
    assert not soup.find_all("style")
    [script] = soup.find_all("script")  # inline: the page still loads nothing
    assert not script.get("src")
    assert script.string == (
        'location.replace("../../weekly/2025-03-17/" + (location.protocol === "file:" ? '
        '"index.html" : "") + location.hash);'
    )


def test_an_alias_redirects_to_its_digest_under_a_sub_path(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """End to end, as a reader following an old link: needs the redirect pages in render.py."""
    config = SITE_CONFIG.replace("https://example.org/papers/", BASE)
    digest = with_aliases(WEEKLY, "/posts/top-ml-papers-11/", "old/digest.html", "소식/옛글/")
    root = site_of(write_tree, {WEEKLY_PATH: digest}, config)
    root.joinpath("arxiv.lock.json").write_text(lockfile_text(DAPO_RECORD), encoding="utf-8")
    out = tmp_path / "out"
    build(root, out)

    with serving(out, "/papersite/") as origin, httpx.Client(trust_env=False) as client:
        digest_url = origin + "papersite/weekly/2025-03-17/"
        for alias in ("posts/top-ml-papers-11/", "old/digest.html", "소식/옛글/"):
            alias_url = origin + "papersite/" + alias
            response = client.get(alias_url)
            assert response.status_code == 200, alias_url
            soup = BeautifulSoup(response.text, "html5lib")
            refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
            delay, _, target = refresh.partition(";")
            assert delay == "0"
            assert urljoin(alias_url, target.strip().removeprefix("url=")) == digest_url
            assert urljoin(alias_url, soup.body.a["href"]) == digest_url
            assert soup.find("link", rel="canonical")["href"] == BASE + "weekly/2025-03-17/"
            assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"

        landed = client.get(digest_url)
        assert landed.status_code == 200
        page = BeautifulSoup(landed.text, "html5lib")
        assert "이번 주의 논문" in page.title.string
        assert "Papers of the week" in page.h1.get_text()

        sitemap = client.get(origin + "papersite/sitemap.xml").text
        assert "weekly/2025-03-17/" in sitemap
        for alias in ("top-ml-papers-11", "digest.html", "소식", "%EC%86%8C%EC%8B%9D"):
            assert alias not in sitemap

    # ...and from disk: the relative refresh leads to the digest's file.
    target = (
        out / "posts/top-ml-papers-11" / redirects_href(out / "posts/top-ml-papers-11/index.html")
    )
    assert (target / "index.html").resolve() == (out / "weekly/2025-03-17/index.html").resolve()


def redirects_href(page: Path) -> str:
    """The refresh URL of a built redirect page."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
    content: str = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    return content.partition("url=")[2]
