"""Hostile content comes out inert, and no content can write outside the output folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import SITE_CONFIG, WEEKLY, WriteTree, code_scripts
from papersite import build
from papersite.errors import ContentError, OutputError
from papersite.write import safe_relative

HOSTILE_WEEKLY = r"""
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "<script>alert('title')</script>", en: "<img src=x onerror=alert(1)>"}
overview: "<iframe src='javascript:alert(1)'></iframe>"
papers:
  - title: {ko: "<svg onload=alert(1)>", en: "Hostile paper"}
    arxiv: "2503.14476"
    authors: ["<script>alert('author')</script>"]
    affiliations: ['" onmouseover="alert(1)']
    award: '" onmouseover="alert(1)'
    summary:
      ko: "<script>alert(1)</script>"
      en: "[x](javascript:alert(1)) and <a href='javascript:alert(1)'>y</a>"
    abstract:
      ko: "$\\text{<script>alert(1)</script>}$"
      en: "![i](data:image/svg+xml,<svg onload=alert(1)>) [d](data:text/html,hi)"
    sections:
      - title: "<b onclick=alert(1)>section</b>"
        body: "<style>body { display: none }</style>"
    links:
      - kind: other
        url: "https://example.org/x'onmouseover='alert(1)'"
        label: "<script>alert(1)</script>"
"""


def snapshot(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*")}


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def assert_inert(page: Path) -> None:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
    scripts = code_scripts(soup)
    sources = [s.get("src", "") for s in scripts]
    assert sources[0].endswith("assets/site.js"), page
    # Only search pages add scripts, and only the site's own: Pagefind's UI and search.js.
    assert sources[1:] in (
        [],
        ["../pagefind/pagefind-ui.js", "../assets/search.js"],
        ["../../pagefind/pagefind-ui.js", "../../assets/search.js"],
    ), page
    assert soup.body.find_all(["style", "iframe", "svg", "object", "embed"]) == [], page
    for element in soup.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert handlers == [], (page, element.name, handlers)
        for name in ("href", "src", "action", "formaction"):
            url = "".join(str(element.get(name, "")).split()).lower()
            assert not url.startswith(("javascript:", "vbscript:", "data:")), (page, url)


@pytest.fixture
def hostile_build(write_tree: WriteTree, tmp_path: Path) -> Path:
    """A site whose only digest is full of HTML and script injections, built."""
    source = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": HOSTILE_WEEKLY}
    )
    out = tmp_path / "out"
    build(source, out)
    return out


def test_hostile_digest_builds_into_inert_pages(hostile_build: Path) -> None:
    pages = html_pages(hostile_build)

    assert hostile_build / "weekly" / "2025-03-17" / "index.html" in pages
    for page in pages:
        assert_inert(page)


def test_hostile_markup_is_shown_as_text(hostile_build: Path) -> None:
    page = hostile_build / "weekly" / "2025-03-17" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")

    summary = soup.select_one(".field-summary div[lang=ko]")
    assert summary.get_text(strip=True) == "<script>alert(1)</script>"
    assert "<script>alert('author')</script>" in soup.select_one(".authors").get_text()


def test_javascript_link_in_markdown_is_not_a_link(hostile_build: Path) -> None:
    page = hostile_build / "weekly" / "2025-03-17" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")

    summary = soup.select_one(".field-summary div[lang=en]")
    assert summary.find("a") is None
    assert "[x](javascript:alert(1))" in summary.get_text()


def test_javascript_url_in_links_is_a_content_error(write_tree: WriteTree, tmp_path: Path) -> None:
    digest = WEEKLY.replace(
        "https://github.com/BytedTsinghua-SIA/DAPO", "javascript:alert(document.cookie)"
    )
    source = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    before = snapshot(tmp_path)

    with pytest.raises(ContentError) as caught:
        build(source, tmp_path / "out")

    [problem] = caught.value.problems
    assert problem.path == "digests/weekly/2025-03-17.yaml"
    assert problem.field == "papers[0].links[0].url"
    assert problem.line == 10
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("digest", "field", "line"),
    [
        (
            WEEKLY.replace("tags: [reinforcement-learning]", 'tags: ["../evil"]'),
            "papers[0].tags[0]",
            11,
        ),
        (WEEKLY.replace("papers:\n", 'tags: ["../evil"]\npapers:\n'), "tags[0]", 4),
    ],
    ids=["paper-tag", "digest-tag"],
)
def test_path_traversal_tag_is_rejected_where_it_is_written(
    write_tree: WriteTree, tmp_path: Path, digest: str, field: str, line: int
) -> None:
    source = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    before = snapshot(tmp_path)

    with pytest.raises(ContentError) as caught:
        build(source, tmp_path / "out")

    [problem] = caught.value.problems
    assert (problem.path, problem.field, problem.line) == (
        "digests/weekly/2025-03-17.yaml",
        field,
        line,
    )
    assert "../evil" in problem.message
    assert snapshot(tmp_path) == before


TRAVERSING_NAMES = """\
kind: conference
conference: {name: "../../../evil", year: 2025}
date: 2025-12-01
title: "../../../evil"
papers:
  - title: "../../../../evil/paper"
    summary: "A paper without an arXiv ID; its page is named after its title."
"""


def test_titles_and_names_cannot_place_pages_outside_the_output(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    source = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/conferences/evil.yaml": TRAVERSING_NAMES}
    )
    out = tmp_path / "out"
    before = snapshot(tmp_path)

    build(source, out)

    written = snapshot(tmp_path) - before
    assert written
    # Besides the output, a build writes only its cache, in the site's .papersite-cache/.
    outside = {path for path in written if path.split("/")[0] != "out"}
    assert {path for path in outside if not path.startswith("site/.papersite-cache")} == set()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve()), path


@pytest.mark.parametrize(
    "path", ["../x", "/abs", "a/../../b", "a/..", "..", "", "a\\..\\..\\b", "/etc/passwd"]
)
def test_safe_relative_rejects_paths_that_leave_the_folder(path: str) -> None:
    with pytest.raises(OutputError):
        safe_relative(path)


@pytest.mark.parametrize("path", ["index.html", "papers/2503.14476/index.html", "assets/a.css"])
def test_safe_relative_accepts_page_paths(path: str) -> None:
    assert safe_relative(path).as_posix() == path
