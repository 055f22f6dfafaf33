"""Site search (Pagefind): what the build indexes, Korean words found with their particles, and the
search page in a real browser (Debian's Chromium over loopback, under a sub-path, as
tests/test_browser.py runs it)."""

from __future__ import annotations

import gzip
import importlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pagefind.service
import pytest
from bs4 import BeautifulSoup, Comment, Doctype
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from conftest import (
    CHROMEDRIVER,
    REPO,
    WEEKLY,
    WriteTree,
    chromium_missing,
    chromium_options,
    require,
)
from loopback import serving
from papersite import build, search
from papersite.cache import BuildCache
from papersite.cli import main
from papersite.search import (
    BODY,
    IGNORE,
    PARTICLES,
    WORD,
    SearchCancelled,
    SearchError,
    prepare_page,
    stems,
)

# ``papersite.build`` is also the name of the function the package exports.
pipeline = importlib.import_module("papersite.pipeline")

PREFIX = "/papersite/"

# --- Korean words without their particles --------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("어텐션은", ["어텐션"]),
        ("모델이", ["모델"]),
        ("모델의", ["모델"]),
        ("모델들에서는", ["모델들", "모델"]),
        ("학습한다", ["학습"]),
        ("LLM을", ["LLM"]),
        ("것으로", []),  # 것 + 으로: a one-syllable stem is not kept, nor is 것으 + 로 tried
        ("정의", []),  # a word, not 정 + 의
        ("서울", []),
        ("attention", []),
    ],
)
def test_stems_drop_particles_one_layer_at_a_time(word: str, expected: list[str]) -> None:
    assert stems(word) == expected


def test_the_search_page_strips_the_same_particles_as_the_index() -> None:
    script = (REPO / "templates" / "assets" / "search.js").read_text(encoding="utf-8")
    listed = re.search(r"var SUFFIXES = (\[.*?\]);", script)
    assert listed, "search.js lists its SUFFIXES on one line"
    assert json.loads(listed[1]) == list(PARTICLES)


def test_a_prepared_page_lists_the_stems_of_its_indexed_text_only() -> None:
    page = (
        '<html lang="ko"><body><nav>아카이브로</nav><main data-pagefind-body><p>어텐션은 '
        "<b>모델의</b> 서울<br>모델이</p><div data-pagefind-ignore>숨긴은</div>"
        "<script>var 스크립트는;</script></main><footer>바닥글은</footer></body></html>"
    )
    prepared = prepare_page(page)

    field = re.search(r'<div hidden data-pagefind-meta="stems:([^"]*)"></div>\n', prepared)
    assert field and field[1].split() == ["모델", "어텐션"]
    assert prepared.replace(field[0], "") == page, "the page itself is left as written"
    plain = "<html><body><p data-pagefind-body>서울</p></body></html>"
    assert prepare_page(plain) == plain, "nothing to add"


def test_a_bilingual_page_is_given_to_pagefind_as_one_part_per_language() -> None:
    """Its languages' words ran together where their elements touch ("Featured in소개된")."""
    page = (
        '<html lang="ko"><body><main data-pagefind-body data-pagefind-meta="title:T"><p>'
        '<span lang="ko">소개된 다이제스트</span><span lang="en">Featured in</span></p>'
        '<dl><dt>arXiv</dt><dd><span lang="ko">연구</span><span lang="en">Zebra<b>fish</b></span>'
        "</dd></dl></main></body></html>"
    )
    soup = BeautifulSoup(prepare_page(page), "html5lib")

    (marked,) = soup.select(f"[{BODY}]")
    parts = {part["id"]: [p.get_text() for p in part.select("p")] for part in marked.select("div")}
    assert parts == {
        "papersite-lang-ko": ["소개된 다이제스트", "arXiv", "연구"],
        "papersite-lang-en": ["Featured in", "arXiv", "Zebrafish"],
    }
    assert soup.select_one("main")["data-pagefind-meta"] == "title:T", "kept for Pagefind"


TRICKY_PAGE = (
    '<!doctype html><html lang="ko"><body><DIV DATA-PAGEFIND-BODY class="a">모델은 &amp; 어텐션의'
    "<!-- <p>주석은</p> --> 서울<script>var s = '<div data-pagefind-ignore>스크립트는</div></DIV>';</script>"
    '<style>p > q { content: "스타일은" }</style><p title="a > b" data-pagefind-ignore>숨긴은</p>'
    '<p class="x"data-pagefind-ignore>붙은은</p><br/>줄바꿈의<img alt="그림은"><template>틀은</template>'
    "&#54620;국어의 &lt;꺾쇠&gt;는</DIV><footer>바닥글은</footer></body></html>"
)


def marked_words(page: str) -> list[str]:
    """The words of ``page`` that Pagefind indexes, as html5lib (a parser that follows the HTML
    standard) reads the page: inside an element marked for search, outside any marked to ignore
    and any script, style or template."""
    words = []
    for text in BeautifulSoup(page, "html5lib").find_all(string=True):
        if isinstance(text, Comment | Doctype):
            continue
        parents = [parent for parent in text.parents if parent.name]
        if any(parent.name in ("script", "style", "template") for parent in parents):
            continue
        if any(parent.has_attr(BODY) for parent in parents) and not any(
            parent.has_attr(IGNORE) for parent in parents
        ):
            words += WORD.findall(text)
    return words


def test_the_indexed_text_has_the_words_a_standard_parser_finds(built_site: Path) -> None:
    pages = [TRICKY_PAGE]
    pages += [page.read_text(encoding="utf-8") for page in sorted(built_site.rglob("*.html"))]
    for page in pages:
        assert WORD.findall(search.indexed_text(page)) == marked_words(page)
    assert marked_words(TRICKY_PAGE) == "모델은 어텐션의 서울 줄바꿈의 한국어의 꺾쇠 는".split()


# --- the build -----------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def indexed_urls(site: Path) -> set[str]:
    """The URL of every page in the built index (Pagefind's fragments: a signature, then JSON)."""
    urls = set()
    for fragment in (site / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        urls.add(json.loads(data[data.index(b"{") :])["url"])
    return urls


def test_every_digest_and_paper_page_is_indexed_once_in_one_index(built_site: Path) -> None:
    bundle = built_site / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"], "one index, whatever the page's language"

    pages = {
        "/" + page.parent.relative_to(built_site).as_posix() + "/"
        for folder in ("weekly", "conferences", "papers")
        for page in (built_site / folder).glob("*/index.html")
        if "data-pagefind-body" in page.read_text(encoding="utf-8")
    }
    assert len(pages) == 2 + 17, "the example site's digests and papers"
    assert indexed_urls(built_site) == pages, "no list page and no per-language copy"


def test_two_builds_write_the_same_search_bundle(example_site: Path, tmp_path: Path) -> None:
    # Pagefind orders filter values as a hash map does, differently on every run; the build
    # sorts them (search.sort_filters).
    build(example_site, tmp_path / "first")
    build(example_site, tmp_path / "second")

    first = snapshot(tmp_path / "first" / "pagefind")
    assert any(name.startswith("filter/") for name in first)
    assert first == snapshot(tmp_path / "second" / "pagefind")


def test_a_rebuild_finds_the_stems_of_only_the_pages_that_changed(
    minimal_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is added to each page for Pagefind is remembered by the page's hash: after an edit,
    only the indexed pages written again are parsed; the bundle is a cold build's."""
    out = tmp_path / "out"
    first = build(minimal_site, out)
    parsed: list[str] = []
    find = pipeline.stems_marker
    monkeypatch.setattr(pipeline, "stems_marker", lambda page: parsed.append(page) or find(page))
    weekly = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    weekly.write_text(WEEKLY.replace("한국어 소개", "한국어 소개를 고쳤다"), encoding="utf-8")

    report = build(minimal_site, out)

    changed = [path for path in report.written if search.is_indexed(path, ["ko", "en"])]
    indexed = [path for path in first.written if search.is_indexed(path, ["ko", "en"])]
    assert 0 < len(changed) < len(indexed)
    assert sorted(parsed) == sorted((out / path).read_text(encoding="utf-8") for path in changed)
    assert any("고쳤다" in page for page in parsed)
    build(minimal_site, tmp_path / "cold")
    assert snapshot(out / "pagefind") == snapshot(tmp_path / "cold" / "pagefind")


def test_a_search_index_left_for_later_is_kept_until_a_build_makes_it(
    minimal_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``defer_search`` (``papersite serve`` on a large site): the pages change at once, the last
    index stays as it was, and the next build without it makes the index a cold build makes."""
    monkeypatch.setattr(pipeline, "SEARCH_LATER_FROM", 1)  # as large as a site gets
    out = tmp_path / "out"
    build(minimal_site, out)
    before = snapshot(out / "pagefind")
    weekly = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    weekly.write_text(WEEKLY.replace("English introduction", "On zymurgy"), encoding="utf-8")

    deferred = build(minimal_site, out, defer_search=True)
    assert deferred.search_pending
    assert "On zymurgy" in (out / "papers" / "2503.14476" / "index.html").read_text("utf-8")
    assert snapshot(out / "pagefind") == before
    again = build(minimal_site, out, defer_search=True)
    assert again.search_pending and again.written == [], "nothing to do: still pending"

    made = build(minimal_site, out)
    assert not made.search_pending
    assert any(path.startswith("pagefind/") for path in made.written)
    build(minimal_site, tmp_path / "cold")
    assert snapshot(out / "pagefind") == snapshot(tmp_path / "cold" / "pagefind")


def test_a_cancelled_search_index_leaves_the_output_as_it_was(
    minimal_site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(minimal_site, out)
    before = snapshot(out)
    weekly = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    weekly.write_text(WEEKLY.replace("English introduction", "On zymurgy"), encoding="utf-8")

    with pytest.raises(SearchCancelled):
        build(minimal_site, out, cancelled=lambda: True)

    assert snapshot(out) == before
    assert not build(minimal_site, out).search_pending


def test_pagefind_is_stopped_when_cancelled_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Asked every 10 ms rather than every 0.2 s: on a fast machine Pagefind indexed these pages
    # within the first 0.2 s, before it was asked at all, and the test failed now and then.
    monkeypatch.setattr(search, "CANCEL_CHECK_SECONDS", 0.01)
    pages = tmp_path / "pages"
    for number in range(1000):  # about two seconds of Pagefind's work here
        page = pages / f"p{number}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<html><body><main {BODY}>page {number}</main></body></html>", "utf-8")
    asked: list[bool] = []

    def cancelled() -> bool:  # not before it starts: once it runs
        asked.append(True)
        return len(asked) > 1

    with pytest.raises(SearchCancelled):
        search.run_pagefind(pages, tmp_path / "bundle", "en", cancelled)

    assert len(asked) == 2
    assert not (tmp_path / "bundle" / "pagefind-entry.json").exists()


def test_the_stems_are_not_read_once_the_search_index_is_cancelled(
    minimal_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "stems_marker", lambda page: pytest.fail("read for stems"))
    weekly = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    weekly.write_text(WEEKLY.replace("English introduction", "On zymurgy"), encoding="utf-8")
    with pytest.raises(SearchCancelled):
        build(minimal_site, tmp_path / "out", cancelled=lambda: True)
    assert not (tmp_path / "out").exists()


def test_the_workers_reading_stems_stop_at_the_first_share_once_cancelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``papersite serve``'s Ctrl-C while a large site's pages are read for their stems: the
    forked workers are ended after the share that was being read, not after the whole block."""
    read = tmp_path / "read"
    read.mkdir()

    def stems_marker(page: str) -> str:  # in a worker: leaves a trace the parent can count
        (read / page).touch()
        time.sleep(0.01)
        return ""

    monkeypatch.setattr(pipeline, "stems_marker", stems_marker)
    monkeypatch.setattr(pipeline, "workers_for", lambda count: 2)  # on a one-core machine too
    pages = [f"page-{number}" for number in range(400)]
    writer = SimpleNamespace(
        manifest={path: SimpleNamespace(content=path) for path in pages},
        read=lambda path: path.encode(),
    )
    asked = []

    def cancelled() -> bool:  # once the first share of the workers is back
        asked.append(True)
        return len(asked) > 1

    with pytest.raises(SearchCancelled):
        list(pipeline._prepared_pages(writer, pages, BuildCache(tmp_path / "cache"), cancelled))

    assert 0 < len(list(read.iterdir())) < len(pages) / 2


def test_the_site_root_carries_nojekyll(built_site: Path) -> None:
    assert (built_site / ".nojekyll").read_bytes() == b""


def test_no_search_writes_no_bundle(minimal_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"

    assert main(["build", "--source", str(minimal_site), "--out", str(out), "--no-search"]) == 0

    assert not (out / "pagefind").exists()
    assert (out / "search" / "index.html").is_file(), "the page says search is unavailable"
    assert (out / ".nojekyll").is_file()


def test_a_failing_search_step_leaves_the_previous_output_untouched(
    minimal_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "output" / "out"
    build(minimal_site, out)
    before = snapshot(out)
    assert "pagefind/pagefind.js" in before

    def fail(pages: Path, bundle: Path, language: str, cancelled: object = None) -> None:
        raise SearchError("Pagefind failed (exit status 1): simulated")

    monkeypatch.setattr(search, "run_pagefind", fail)
    # A page's text changes, so the index must be made again (an unchanged site reuses it).
    digest = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    digest.write_text(WEEKLY.replace("English introduction", "Edited introduction"), "utf-8")
    with pytest.raises(SearchError, match="simulated"):
        build(minimal_site, out)

    assert snapshot(out) == before
    assert [path.name for path in out.parent.iterdir()] == ["out"], "no staging folder is left"


def test_a_missing_pagefind_binary_is_an_error_naming_the_way_out(
    minimal_site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)

    assert main(["build", "--source", str(minimal_site), "--out", str(tmp_path / "out")]) == 1

    error = capsys.readouterr().err
    assert "Pagefind's binary is missing" in error and "--no-search" in error
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("name", "meaning"), [("XFSZ", "File size limit exceeded"), ("KILL", "Killed")]
)
def test_pagefind_stopped_by_a_signal_is_an_error_naming_it_and_the_way_out(
    minimal_site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    meaning: str,
) -> None:
    """As Pagefind is stopped past a file size limit (``ulimit -f``: Python ignores SIGXFSZ, the
    programs it runs do not), or by the out-of-memory killer: it says nothing itself."""
    binary = tmp_path / "pagefind"
    binary.write_text(f"#!/bin/sh\nkill -{name} $$\n", encoding="utf-8")
    binary.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))

    assert main(["build", "--source", str(minimal_site), "--out", str(tmp_path / "out")]) == 1

    assert capsys.readouterr().err == (
        f"error: Pagefind was stopped by SIG{name} ({meaning}): free some disk space and "
        "memory (or raise ulimit -f), then build again, or build with --no-search\n"
    )
    assert not (tmp_path / "out").exists()


def test_search_forms_are_plain_get_forms_that_work_without_javascript(built_site: Path) -> None:
    for page, action in [
        ("papers/2503.14476/index.html", "../../search/"),
        ("search/index.html", "../search/"),
        ("404.html", "/papers/search/"),  # served at any address: from the base path
    ]:
        soup = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html5lib")
        forms = soup.select("form[role=search]")
        assert forms, page
        for form in forms:
            assert (form["action"], form.get("method")) == (action, "get"), page
            field = form.select_one("input[type=search][name=q]")
            assert field and form.select_one(f"label[for={field['id']}]"), page


def test_search_pages_load_nothing_from_another_host(built_site: Path) -> None:
    for page in ("search/index.html", "404.html", "en/search/index.html"):
        if not (built_site / page).is_file():
            continue
        soup = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html5lib")
        sources = [s["src"] for s in soup.select("script[src]")]
        sources += [link["href"] for link in soup.select("link[rel=stylesheet]")]
        assert sources and not [s for s in sources if re.match(r"^([a-z]+:)?//", s)], page


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """The suite's headless Chromium (see conftest.py), in which only loopback resolves: a
    request to any other host fails and is logged."""
    require(chromium_missing())
    options = chromium_options(tmp_path / "profile")
    options.add_argument("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def served(built_site: Path) -> Iterator[str]:
    """The example site over HTTP on 127.0.0.1 under /papersite/; yields its root URL."""
    with serving(built_site, prefix=PREFIX) as origin:
        yield origin.rstrip("/") + PREFIX


@pytest.fixture(scope="module")
def unprepared_site(example_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site indexed without its Korean preparation: no stems in the index."""
    out = tmp_path_factory.mktemp("unprepared") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "korean_stems", lambda text: set())
        build(example_site, out)
    return out


# (query, the page it must find, or a word whose every indexed page it must find). The first
# five are the issue's; the others are how people type Korean: with a particle, which need not be
# the text's, or quoted.
QUERIES: list[tuple[str, str]] = [
    ("어텐션", "어텐션은"),
    ("모델", "모델이"),
    ("모델", "모델의"),
    ("강화 학습", "papers/2503.14476/"),  # DAPO
    ("attention sink", "papers/2505.06708/"),  # Gated Attention
    ("어텐션이", "어텐션은"),
    ("모델은", "모델이"),
    ("모델의", "모델이"),
    ("모델이", "모델의"),
    ('"모델"', "모델의"),
]

SEARCH_ALL = """
const done = arguments[arguments.length - 1];
const [bundle, query, prepare] = arguments;
import(bundle + "pagefind.js").then(async (pagefind) => {
  const text = prepare ? window.papersiteSearch.prepareQuery(query) : query;
  const found = await pagefind.search(text);
  const data = await Promise.all(found.results.map((result) => result.data()));
  done(data.map((page) => page.url));
}).catch((error) => done("error: " + error));
"""


def pages_with(site: Path, word: str) -> set[str]:
    """The indexed pages whose searchable text holds ``word`` as a whole word."""
    if word.endswith("/"):
        return {word}
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
    found = set()
    for folder in ("weekly", "conferences", "papers"):
        for page in (site / folder).glob("*/index.html"):
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
            text = " ".join(part.get_text(" ") for part in soup.select("[data-pagefind-body]"))
            if pattern.search(text):
                found.add(page.parent.relative_to(site).as_posix() + "/")
    return found


def hit_rate(driver: webdriver.Chrome, site: Path, root: str, *, prepared: bool) -> float:
    """Runs every query through the built bundle's pagefind.js on the search page; prints each."""
    driver.get(root + "search/")
    hits = 0
    for query, target in QUERIES:
        expected = pages_with(site, target)
        assert expected, f"no indexed page has {target!r}: the case tests nothing"
        urls = driver.execute_async_script(SEARCH_ALL, root + "pagefind/", query, prepared)
        assert isinstance(urls, list), urls
        found = {url.removeprefix(PREFIX) for url in urls}
        missed = expected - found
        hits += not missed
        print(f"{'prepared' if prepared else 'plain':8} {query!r:18} {target!r:22} "
              f"{len(expected) - len(missed)}/{len(expected)} pages")  # fmt: skip
    rate = hits / len(QUERIES)
    print(f"{'prepared' if prepared else 'plain'}: {hits}/{len(QUERIES)} queries = {rate:.0%}")
    return rate


def test_korean_queries_find_words_with_their_particles(
    browser: webdriver.Chrome, served: str, built_site: Path, unprepared_site: Path
) -> None:
    assert hit_rate(browser, built_site, served, prepared=True) == 1.0

    with serving(unprepared_site, prefix=PREFIX) as origin:
        plain = hit_rate(browser, unprepared_site, origin.rstrip("/") + PREFIX, prepared=False)
    assert plain < 1.0, "without the preparation some of these queries miss"


RESULTS = """
return Array.from(document.querySelectorAll(".pagefind-ui__result")).map((result) => {
  const link = result.querySelector(".pagefind-ui__result-link");
  const tags = Array.from(result.querySelectorAll(".pagefind-ui__result-tag"));
  return link && {title: link.textContent.trim(), href: link.href, tags: tags.map((t) => t.textContent.trim())};
});
"""


def results(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """The results the search page shows, once every one has loaded."""

    def loaded(_: object) -> list[dict[str, Any]] | bool:
        shown = driver.execute_script(RESULTS)
        return bool(shown) and all(shown) and shown

    found: list[dict[str, Any]] = WebDriverWait(driver, 10).until(loaded)
    return found


def test_the_header_box_leads_to_results_with_title_and_digest_filtered_by_kind(
    browser: webdriver.Chrome, served: str
) -> None:
    browser.get(served + "papers/2503.14476/")
    box = browser.find_element(By.CSS_SELECTOR, "header form[role=search] input[name=q]")
    box.send_keys("강화 학습", Keys.ENTER)

    WebDriverWait(browser, 10).until(lambda d: "/papersite/search/?q=" in d.current_url)
    shown = results(browser)
    dapo = next(r for r in shown if r["href"].endswith("/papersite/papers/2503.14476/"))
    assert dapo["title"].startswith("DAPO: 규모에 맞는 오픈소스 LLM 강화 학습 시스템 / DAPO:")
    assert dapo["tags"] == [
        "다이제스트 / Digest: 이번 주의 주요 ML 논문 / Top ML Papers of the Week "
        "(2025-03-17 – 2025-03-23)"
    ]
    assert any("NeurIPS" in tag for r in shown for tag in r["tags"]), "both kinds before filtering"

    # One index serves every language's search page: the filters are named in each language.
    browser.find_element(By.XPATH, "//summary[normalize-space()='종류 / Kind']").click()
    browser.find_element(
        By.XPATH, "//label[starts-with(normalize-space(), '학회 / Conference (')]"
    ).click()

    def only_conferences(_: object) -> list[dict[str, Any]] | bool:
        now = browser.execute_script(RESULTS)
        # A conference's papers name it in their digest; the conference's own page in its title.
        named = all("NeurIPS" in " ".join([r["title"], *r["tags"]]) for r in now if r)
        return bool(now) and all(now) and named and now

    filtered = WebDriverWait(browser, 10).until(only_conferences)
    assert 0 < len(filtered) < len(shown)


LANGUAGES_SHOWN = """
// Each text the search page shows of its results (not their excerpts) and filters, with the
// language a screen reader reads it in (its nearest lang): [where, lang, text], where is the
// result's title or digest ("title 0", "digest 0"…) or "filters". No separators nor numbers.
const results = Array.from(document.querySelectorAll(".pagefind-ui__result"));
const shown = [];
const texts = document.createTreeWalker(document.getElementById("search"), NodeFilter.SHOW_TEXT);
while (texts.nextNode()) {
  const node = texts.currentNode, element = node.parentElement;
  if (!/\\p{L}/u.test(node.data) || !element.getClientRects().length) continue;
  const result = results.indexOf(element.closest(".pagefind-ui__result"));
  const where = element.closest(".pagefind-ui__result-link") ? "title " + result
    : element.closest(".pagefind-ui__result-tag") ? "digest " + result
    : element.closest(".pagefind-ui__filter-block") ? "filters" : null;
  if (where) shown.push([where, element.closest("[lang]").lang, node.data.trim()]);
}
return shown;
"""

DAPO_TITLE = [
    ("ko", "DAPO: 규모에 맞는 오픈소스 LLM 강화 학습 시스템"),
    ("en", "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"),
]


def languages_shown(driver: webdriver.Chrome) -> dict[str, list[tuple[str, str]]]:
    """``LANGUAGES_SHOWN``'s texts, as (lang, text), by where they are."""
    found: dict[str, list[tuple[str, str]]] = {}
    for where, lang, text in driver.execute_script(LANGUAGES_SHOWN):
        found.setdefault(where, []).append((lang, text))
    return found


def test_results_and_filters_are_in_the_language_of_a_language_folder_search_page(
    browser: webdriver.Chrome, served: str
) -> None:
    """One index serves the search page of every edition: the English page shows the results'
    titles and digests, and the filters, in English alone (they were shown in Korean too), and
    the Korean page in Korean; each text stays marked when Pagefind shows other results in the
    same elements."""
    browser.get(served + "en/search/?q=DAPO")
    dapo = [r["href"] for r in results(browser)].index(served + "en/papers/2503.14476/")
    browser.find_element(By.XPATH, "//summary[normalize-space()='Kind']").click()

    shown = languages_shown(browser)
    assert shown[f"title {dapo}"] == DAPO_TITLE[1:]
    assert shown[f"digest {dapo}"] == [("en", "Digest"), ("en", "Top ML Papers of the Week")]
    filters = shown["filters"]
    assert {("en", "Kind"), ("en", "Weekly"), ("en", "Conference")} <= set(filters)
    assert not [text for _, text in filters if re.search("[가-힣]", text)]

    browser.get(served + "ko/search/?q=DAPO")
    results(browser)
    box = browser.find_element(By.CSS_SELECTOR, "#search input")
    box.clear()
    box.send_keys("attention sink")

    def gated_attention_first(_: object) -> dict[str, list[tuple[str, str]]] | bool:
        now = languages_shown(browser)
        first = now.get("title 0", [])
        return len(first) == 1 and first[0][1].startswith("비선형성") and now

    now = WebDriverWait(browser, 10).until(gated_attention_first)
    titles = [texts for where, texts in now.items() if where.startswith("title")]
    assert all([lang for lang, _ in texts] == ["ko"] for texts in titles), titles
    assert DAPO_TITLE[:1] not in titles, "a title left from the results before"
    links = browser.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link")
    assert [texts[0][1] for texts in titles] == [link.text for link in links]


def test_the_bilingual_search_page_shows_the_language_the_reader_chose(
    browser: webdriver.Chrome, served: str
) -> None:
    """Both languages, each marked for screen readers; with English chosen in the switch,
    English alone (the Korean titles stayed), and both again with both chosen, on the results
    shown."""
    browser.get(served + "search/?q=DAPO")
    dapo = [r["href"] for r in results(browser)].index(served + "papers/2503.14476/")
    assert languages_shown(browser)[f"title {dapo}"] == DAPO_TITLE
    assert languages_shown(browser)[f"digest {dapo}"][:2] == [
        ("ko", "다이제스트"),
        ("en", "Digest"),
    ]

    switch = ".lang-switch a[data-show='{}']"
    browser.find_element(By.CSS_SELECTOR, switch.format("en")).click()
    results(browser)
    shown = languages_shown(browser)
    assert shown[f"title {dapo}"] == DAPO_TITLE[1:]
    assert shown[f"digest {dapo}"] == [("en", "Digest"), ("en", "Top ML Papers of the Week")]
    assert (
        browser.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link")[dapo].text
        == (DAPO_TITLE[1][1])
    )

    browser.find_element(By.CSS_SELECTOR, switch.format("all")).click()
    results(browser)
    assert languages_shown(browser)[f"title {dapo}"] == DAPO_TITLE


THREE_LANGUAGES = """\
title: {ko: "테스트 사이트", en: "Test site", ja: "テストサイト"}
base_url: "https://example.org/papers/"
languages: [ko, en, ja]
"""


def test_interface_words_shared_by_two_languages_are_marked_with_the_language_they_are_in(
    browser: webdriver.Chrome, write_tree: WriteTree, tmp_path: Path
) -> None:
    """On a site in [ko, en, ja], Japanese has the English interface words: the index joins
    them once ("다이제스트 / Digest"), which the search page did not recognise, and left unmarked;
    on the Japanese page they are English, and a title with no Japanese shows the others."""
    site = write_tree({"papersite.yaml": THREE_LANGUAGES, "digests/weekly/2025-03-17.yaml": WEEKLY})
    build(site, tmp_path / "out")
    with serving(tmp_path / "out", prefix=PREFIX) as origin:
        root = origin.rstrip("/") + PREFIX
        browser.get(root + "search/?q=DAPO")
        results(browser)
        assert languages_shown(browser)["digest 0"] == [
            ("ko", "다이제스트"), ("en", "Digest"), ("ko", "이번 주의 논문"), ("en", "Papers of the week")
        ]  # fmt: skip

        browser.get(root + "ja/search/?q=DAPO")
        results(browser)
        browser.find_element(By.XPATH, "//summary[normalize-space()='Kind']").click()
        shown = languages_shown(browser)
        assert shown["title 0"] == [("ko", "다포"), ("en", DAPO_TITLE[1][1])]
        assert shown["digest 0"][0] == ("en", "Digest")
        assert ("en", "Kind") in shown["filters"]


def test_a_query_typed_on_the_search_page_is_in_its_address_and_goes_to_another_edition(
    browser: webdriver.Chrome, served: str
) -> None:
    """Back or a reload gave the results of the query the page was opened with (or none), and
    the language switch left the query behind."""
    browser.get(served + "en/search/?q=DAPO")
    results(browser)
    box = browser.find_element(By.CSS_SELECTOR, "#search input")
    box.clear()
    box.send_keys("attention sink")

    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("?q=attention+sink"))
    browser.refresh()
    assert any("Gated Attention" in r["title"] for r in results(browser))

    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='ko']").click()
    WebDriverWait(browser, 10).until(lambda d: "/ko/search/" in d.current_url)
    assert browser.current_url == served + "ko/search/?q=attention+sink"
    assert any("게이트 어텐션" in r["title"] for r in results(browser)), "Gated Attention"


def test_from_disk_the_header_box_opens_the_search_page_which_says_it_needs_a_server(
    browser: webdriver.Chrome, built_site: Path
) -> None:
    """A pull request's preview is opened from disk: the box leads to search/index.html (not
    the folder's listing), where Pagefind cannot load, and the page says why."""
    browser.get((built_site / "papers" / "2503.14476" / "index.html").as_uri())
    box = browser.find_element(By.CSS_SELECTOR, "header form[role=search] input[name=q]")
    box.send_keys("DAPO", Keys.ENTER)

    WebDriverWait(browser, 10).until(lambda d: "/search/index.html?q=DAPO" in d.current_url)
    note = browser.find_element(By.ID, "search-needs-server")
    WebDriverWait(browser, 10).until(lambda _: note.is_displayed())
    assert "open the site through a web server" in note.text
    assert not browser.find_element(By.ID, "search-unavailable").is_displayed()


def test_the_search_page_loads_nothing_from_another_host(
    browser: webdriver.Chrome, served: str
) -> None:
    browser.get(served + "search/?q=attention+sink")
    assert results(browser)[0]["href"].endswith("/papersite/papers/2505.06708/")

    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map((entry) => entry.name)"
    )
    origin = served.removesuffix(PREFIX) + "/"
    assert any(url.endswith("/pagefind/pagefind.js") for url in loaded)
    assert [url for url in loaded if not url.startswith(origin)] == []
    # Pagefind fetches its index from a worker, which the page's entries do not list; a request
    # elsewhere would fail to resolve, and the failure would be logged.
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_a_language_folder_search_page_finds_pages_in_its_own_folder(
    browser: webdriver.Chrome, served: str, built_site: Path
) -> None:
    if not (built_site / "en" / "search" / "index.html").is_file():
        pytest.skip("this build has no per-language pages")
    browser.get(served + "en/search/?q=attention+sink")

    first = results(browser)[0]
    assert first["href"].endswith("/papersite/en/papers/2505.06708/")
    field = browser.find_element(By.CSS_SELECTOR, ".pagefind-ui__search-input")
    assert field.get_attribute("placeholder") == "Search", "in the page's language"


def test_the_404_page_searches(browser: webdriver.Chrome, built_site: Path) -> None:
    # Served at any address, the 404 page links from base_url's path, so serve the site there.
    with serving(built_site, prefix="/papers/") as origin:
        browser.get(origin + "papers/no/such/page/")
        box = browser.find_element(By.CSS_SELECTOR, "main form[role=search] input[name=q]")
        box.send_keys("attention sink", Keys.ENTER)

        WebDriverWait(browser, 10).until(
            lambda d: d.current_url == origin + "papers/search/?q=attention+sink"
        )
        assert results(browser)[0]["href"] == origin + "papers/papers/2505.06708/"


@pytest.mark.parametrize("with_index", [True, False])
def test_the_search_page_refers_only_to_files_the_build_wrote(
    minimal_site: Path, tmp_path: Path, with_index: bool
) -> None:
    out = tmp_path / "out"
    build(minimal_site, out, search=with_index)
    for page in ("search/index.html", "en/search/index.html"):
        soup = BeautifulSoup((out / page).read_text(encoding="utf-8"), "html5lib")
        referred = [
            element.get("src") or element.get("href")
            for element in soup.select("script[src], link[rel=stylesheet]")
        ]
        files = [(out / page).parent.joinpath(str(url)).resolve() for url in referred]

        assert any("pagefind" in str(url) for url in referred) is with_index, referred
        assert [file for file in files if not file.is_file()] == []
        assert soup.find(id="search-unavailable").has_attr("hidden") is with_index


def test_without_the_index_the_search_page_says_search_is_unavailable(
    browser: webdriver.Chrome, minimal_site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(minimal_site, out, search=False)
    with serving(out, prefix=PREFIX) as origin:
        browser.get(origin.rstrip("/") + PREFIX + "search/?q=DAPO")
        note = browser.find_element(By.ID, "search-unavailable")
        WebDriverWait(browser, 10).until(lambda _: note.is_displayed())
        assert "built without its search index" in note.text


EXCERPTS = """
return Array.from(document.querySelectorAll(".pagefind-ui__result-excerpt"))
  .map((excerpt) => excerpt.textContent);
"""


def excerpts(driver: webdriver.Chrome) -> list[str]:
    """The results' excerpts the search page shows, once every result has loaded."""
    results(driver)
    shown: list[str] = WebDriverWait(driver, 10).until(
        lambda d: (found := d.execute_script(EXCERPTS)) and all(found) and found
    )
    return shown


def test_an_excerpt_quotes_one_language_with_spaces_between_blocks(
    browser: webdriver.Chrome, served: str
) -> None:
    """Pagefind cut excerpts across a bilingual page's languages, their words run together
    ("Featured in소개된 다이제스트", "연구Zebrafish"); each is now cut from the part of the page
    in a language the search page shows, with a space where the page breaks lines."""
    browser.get(served + "en/search/?q=DAPO")
    shown = excerpts(browser)
    assert [e for e in shown if re.search("[가-힣]", e)] == []
    assert any(e.startswith("Papers · arXiv:2503.14476. DAPO: An Open-Source") for e in shown)

    browser.get(served + "ko/search/?q=DAPO")
    shown = excerpts(browser)
    assert all(re.search("[가-힣]", e) for e in shown)
    assert [e for e in shown if re.search(r"Featured|Papers|[가-힣][A-Z][a-z]", e)] == []


def test_a_query_of_spaces_is_no_query(browser: webdriver.Chrome, served: str) -> None:
    """search/?q=%20%20 said "No results for" an empty term."""
    browser.get(served + "search/?q=%20%20")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search input"))
    time.sleep(1)  # a search, were one started, says so within this
    messages = browser.find_elements(By.CSS_SELECTOR, ".pagefind-ui__message")
    assert [m.text for m in messages if m.text.strip()] == []
