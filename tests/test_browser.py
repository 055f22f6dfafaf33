"""The site in a real browser (Debian's Chromium, driven by chromedriver, served over loopback
under a sub-path as on GitHub Pages): pages load cleanly, the language switch, phone widths, dark
mode, screenshots, and the BibTeX and author-list widgets.

Without Chromium these tests are skipped, unless CI or PAPERSITE_REQUIRE_BROWSER=1 is set: then
they fail (see ``require`` in conftest.py)."""

from __future__ import annotations

import base64
import os
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from conftest import (
    DAPO_RECORD,
    PAGE_TYPES,
    PAGES,
    REPO,
    SITE_CONFIG,
    SUB_PATH,
    WEEKLY,
    lockfile_text,
)
from loopback import serving
from papersite import build

# One round trip for the whole page: asking WebDriver element by element costs two round trips
# per text, and a digest page has hundreds of them.
VISIBLE_TEXTS = """
return Array.from(document.querySelectorAll(arguments[0]))
  .filter((element) => element.checkVisibility({visibilityProperty: true}))
  .map((element) => element.innerText.trim());
"""


def _visible_texts(driver: webdriver.Chrome, lang: str) -> list[str]:
    """Texts of the page in ``lang``, leaving out a text an English page shows in Korean (as a
    marked fallback) because it has no English translation."""
    selector = f"main .bi[lang='{lang}']:not(.fallback):not([data-fills])"
    texts: list[str] = driver.execute_script(VISIBLE_TEXTS, selector)
    return texts


def test_choosing_english_hides_korean_and_is_remembered_on_the_next_page(
    browser: webdriver.Chrome, served_site: str
) -> None:
    browser.get(served_site + "weekly/2025-03-17/")
    assert _visible_texts(browser, "ko"), "both languages show before a choice"
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()

    assert browser.current_url == served_site + "weekly/2025-03-17/", "switched in place"
    assert _visible_texts(browser, "ko") == []
    assert "DAPO: An Open-Source LLM Reinforcement Learning System at Scale" in _visible_texts(
        browser, "en"
    )
    current = browser.find_element(By.CSS_SELECTOR, ".lang-switch a[aria-current='true']")
    assert current.get_attribute("data-show") == "en"

    browser.find_element(By.CSS_SELECTOR, "a[href$='papers/2503.14476/']").click()
    assert "/papers/2503.14476/" in browser.current_url
    assert _visible_texts(browser, "ko") == []
    assert _visible_texts(browser, "en")


def test_choosing_both_shows_every_language_again(
    browser: webdriver.Chrome, served_site: str
) -> None:
    browser.get(served_site)
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='ko']").click()
    assert _visible_texts(browser, "en") == []
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='all']").click()
    browser.get(served_site + "conferences/neurips-2025/")
    assert _visible_texts(browser, "ko") and _visible_texts(browser, "en")


def test_a_missing_translation_stays_visible_as_a_note_in_that_language(
    browser: webdriver.Chrome, served_site: str
) -> None:
    browser.get(served_site + "conferences/neurips-2025/")
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()
    notes = [n for n in browser.find_elements(By.CSS_SELECTOR, ".missing-note") if n.is_displayed()]
    assert notes and all(note.text == "Translation missing" for note in notes)
    # With the text in the language it has, as the English edition shows it (only the note
    # showed: the Korean text was hidden with the rest of the Korean).
    standing_in = browser.execute_script(VISIBLE_TEXTS, "main .bi[lang='ko'][data-fills~='en']")
    assert len(standing_in) == len(notes) and all(standing_in)
    english_edition = served_site + "en/conferences/neurips-2025/"
    browser.get(english_edition)
    assert len(browser.execute_script(VISIBLE_TEXTS, "main .bi.fallback[lang='ko']")) == len(notes)


SEPARATORS = """
return Array.from(document.querySelectorAll('.bi'))
  .filter((element) => element.checkVisibility({visibilityProperty: true}))
  .map((element) => getComputedStyle(element, '::before').content)
  .filter((content) => content.includes('·'));
"""


def test_a_language_chosen_in_place_is_the_pages_language_with_no_separators_left(
    browser: webdriver.Chrome, served_site: str
) -> None:
    """The separator between a label's languages showed before the one left ("· Weekly"), and
    the page stayed lang="ko" for screen readers and Pagefind's interface."""
    browser.get(served_site + "weekly/2025-03-17/")
    assert browser.execute_script(SEPARATORS), "both languages are separated before a choice"
    assert browser.execute_script("return document.documentElement.lang") == "ko"

    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()

    assert browser.execute_script(SEPARATORS) == []
    assert browser.execute_script("return document.documentElement.lang") == "en"
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='all']").click()
    assert browser.execute_script("return document.documentElement.lang") == "ko"


def test_the_pages_title_is_in_the_language_chosen_in_place(
    browser: webdriver.Chrome, served_site: str
) -> None:
    """The ``<title>`` stayed Korean with English chosen: the tab read "이번 주의 주요 ML 논문",
    and a screen reader read it in the English voice of the page's ``lang``."""
    titles = {}
    for edition in ("", "en/"):
        for page in ("weekly/2025-03-17/", "papers/2503.14476/"):
            browser.get(served_site + edition + page)
            titles[edition + page] = browser.title
    assert titles["weekly/2025-03-17/"] != titles["en/weekly/2025-03-17/"]

    browser.get(served_site + "weekly/2025-03-17/")
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()
    assert browser.title == titles["en/weekly/2025-03-17/"]
    browser.get(served_site + "papers/2503.14476/")  # remembered on the next page
    assert browser.title == titles["en/papers/2503.14476/"]
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='all']").click()
    assert browser.title == titles["papers/2503.14476/"]


# Each badge of a machine's text the page shows: its words, and the language it is read in.
VISIBLE_BADGES = """
return Array.from(document.querySelectorAll('main .provenance-badge'))
  .filter((badge) => badge.checkVisibility())
  .map((badge) => [badge.textContent, badge.closest('[lang]').lang]);
"""


@pytest.mark.parametrize("page", ["weekly/2025-03-17/", "conferences/neurips-2025/"])
def test_the_badge_of_a_text_standing_in_for_a_translation_follows_the_language_chosen(
    browser: webdriver.Chrome, served_site: str, page: str
) -> None:
    """English chosen in place showed the Korean text standing in for a missing English one
    with its Korean badge, "기계 번역 · 검토 전", read in Korean, where the English edition
    says "machine translation, not reviewed"."""
    browser.get(served_site + "en/" + page)
    english = browser.execute_script(VISIBLE_BADGES)
    assert english and all(
        badge == ["machine translation, not reviewed", "en"] for badge in english
    )
    browser.get(served_site + page)
    every_language = browser.execute_script(VISIBLE_BADGES)

    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()
    assert browser.execute_script(VISIBLE_BADGES) == english
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='ko']").click()
    assert all(lang == "ko" for _, lang in browser.execute_script(VISIBLE_BADGES))
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='all']").click()
    assert browser.execute_script(VISIBLE_BADGES) == every_language


# The landmarks and named regions of a page, each with the name Chromium gives it.
LANDMARKS = "nav, form[role=search], section[aria-label], section[aria-labelledby], ul[aria-label]"


def _landmark_names(driver: webdriver.Chrome) -> list[str]:
    return [element.accessible_name for element in driver.find_elements(By.CSS_SELECTOR, LANDMARKS)]


@pytest.mark.parametrize("page", ["conferences/neurips-2025/", "papers/2503.14476/"])
def test_the_names_of_landmarks_follow_the_language_chosen_in_place(
    browser: webdriver.Chrome, served_site: str, page: str
) -> None:
    """The header's navigation, search and language switch, each paper's arXiv details and
    tags, and a conference's award groups kept their Korean names (홈, 검색, 표시 언어, arXiv
    정보, 태그, 최우수 논문상) with English chosen in place: a screen reader read them out in
    its English voice."""
    browser.get(served_site + "en/" + page)
    english = _landmark_names(browser)
    browser.get(served_site + page)
    every_language = _landmark_names(browser)
    assert "Language" in english and "표시 언어" in every_language

    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()
    assert _landmark_names(browser) == english
    browser.get(served_site + page)  # remembered on the next page
    assert _landmark_names(browser) == english
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='all']").click()
    assert _landmark_names(browser) == every_language


PLACEHOLDERS = (
    "return Array.from(document.querySelectorAll('input[type=search]'), (box) => box.placeholder);"
)


def test_the_search_boxes_hint_is_in_the_language_chosen_in_place(
    browser: webdriver.Chrome, served_site: str
) -> None:
    """The header's search box (and the 404 page's) kept showing "논문 검색 / Search papers"
    with English chosen in place: Korean words on the page in English, read out as its hint."""
    browser.get(served_site + "weekly/2025-03-17/")
    assert browser.execute_script(PLACEHOLDERS) == ["논문 검색 / Search papers"]

    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()
    assert browser.execute_script(PLACEHOLDERS) == ["Search papers"]
    browser.get(served_site + "no/such/page/")  # remembered on the next page, the 404 page too
    assert browser.execute_script(PLACEHOLDERS) == ["Search papers", "Search papers"]
    browser.get(served_site + "papers/2503.14476/")
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='ko']").click()
    assert browser.execute_script(PLACEHOLDERS) == ["논문 검색"]
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='all']").click()
    assert browser.execute_script(PLACEHOLDERS) == ["논문 검색 / Search papers"]


# How each title (of the site, the page, a paper, a digest in a list) is shown in English.
TITLE_STYLES = """
const titles = '.site-title .bi, h1 .bi, .paper-title .bi, .card h2 .bi, .card h3 .bi, .toc li .bi, .paper-list .bi';
return Array.from(document.querySelectorAll(titles))
  .filter((title) => title.lang === 'en' && title.checkVisibility())
  .map((title) => { const style = getComputedStyle(title);
    return [title.textContent.trim(), style.fontSize, style.fontWeight, style.color]; });
"""


@pytest.mark.parametrize("page", ["", "weekly/2025-03-17/", "papers/2503.14476/", "papers/"])
def test_english_chosen_in_place_shows_its_titles_as_the_english_edition_does(
    browser: webdriver.Chrome, served_site: str, page: str
) -> None:
    """English chosen in place showed every title as the small grey line under a Korean one
    (0.72 of the size, weight 500): the rule that made it the page's own title lost, by its
    selectors' weight, to the rule that makes it the second."""
    browser.get(served_site + "en/" + page)
    english = browser.execute_script(TITLE_STYLES)
    browser.get(served_site + page)
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()
    assert english and browser.execute_script(TITLE_STYLES) == english


QUOTED_WEEKLY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "“인용” & 꺾쇠 <b>", en: 'Say "hi" & <b>', ja: "「引用」&amp; です"}
papers:
  - title: {ko: "다포", en: "DAPO", ja: "ダポ"}
"""


def test_each_of_three_languages_gives_the_title_its_own_page_has(
    browser: webdriver.Chrome, write_tree: Any, tmp_path: Path
) -> None:
    """Quotes, ampersands and angle brackets reach the title as the page in that language
    shows them."""
    config = SITE_CONFIG.replace("[ko, en]", "[ko, en, ja]").replace(
        '"Test site"}', '"Test site", ja: "テスト"}'
    )
    site = write_tree({"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": QUOTED_WEEKLY})
    build(site, tmp_path / "out", search=False)
    with serving(tmp_path / "out") as root:
        own = {}
        for edition in ("en/", "ja/"):
            browser.get(root + edition + "weekly/2025-03-17/")
            own[edition] = browser.title
        assert own["en/"].startswith('Say "hi" & <b> (2025-03-17)')
        browser.get(root + "weekly/2025-03-17/")
        for edition in ("en/", "ja/"):
            browser.find_element(
                By.CSS_SELECTOR, f".lang-switch a[data-show='{edition[:2]}']"
            ).click()
            assert browser.title == own[edition]


def test_the_language_chosen_is_shown_before_the_page_is_read_to_its_end(
    browser: webdriver.Chrome, served_site: str
) -> None:
    """site.js ran deferred, once the whole page was read: a slow page showed both languages
    first. On a bilingual page it runs in the head, before anything is shown."""
    browser.get(served_site)
    browser.execute_script("localStorage.setItem('papersite.lang', 'en')")
    # What the page is like when its first element of content is read.
    browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {"source": "new MutationObserver((_, observer) => { if (document.body) {"
         " window.shownAtFirst = document.documentElement.getAttribute('data-show');"
         " observer.disconnect(); } }).observe(document, {childList: true, subtree: true});"},
    )  # fmt: skip
    browser.get(served_site + "weekly/2025-03-17/")

    assert browser.execute_script("return window.shownAtFirst") == "en"


# Two languages of a text side by side on one line, with nothing between them: no separator
# (" · "), no margin, no space. Words only screen readers hear are left out.
RUN_TOGETHER = """
return Array.from(document.querySelectorAll('.bi + .bi')).filter((part) => {
  const before = part.previousSibling;
  if (!(before instanceof Element && before.classList.contains('bi'))) return false;
  if (!part.checkVisibility() || !before.checkVisibility() || part.closest('.visually-hidden')) return false;
  const style = getComputedStyle(part), separator = getComputedStyle(part, '::before').content;
  return style.display.startsWith('inline') && ['none', 'normal'].includes(separator)
    && parseFloat(style.marginInlineStart) === 0 && !/\\s$/.test(before.textContent);
}).map((part) => part.previousSibling.textContent + part.textContent);
"""


def test_a_texts_languages_side_by_side_are_never_run_together(
    browser: webdriver.Chrome, served_site: str
) -> None:
    """The footer read "데이터Data: papers.json", the 404 page's link home "이번 주의 ML
    논문ML Papers of the Week", the glossary "(쓰지 않는 번역not: …)"."""
    run_together = {}
    for page in [*PAGE_TYPES.values(), "papers/", "tags/", "archive/", "glossary/", "no/such/"]:
        browser.get(served_site + page)
        if found := browser.execute_script(RUN_TOGETHER):
            run_together[page] = found
    assert run_together == {}


def test_without_javascript_the_switch_links_to_the_page_in_one_language(
    browser_without_js: webdriver.Chrome, served_site: str
) -> None:
    driver = browser_without_js
    driver.get(served_site + "weekly/2025-03-17/")
    assert _visible_texts(driver, "ko") and _visible_texts(driver, "en")

    driver.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()
    assert driver.current_url == served_site + "en/weekly/2025-03-17/"
    assert _visible_texts(driver, "ko") == []
    assert "DAPO: An Open-Source LLM Reinforcement Learning System at Scale" in _visible_texts(
        driver, "en"
    )

    # Links on an English page stay in the English edition.
    driver.find_element(By.CSS_SELECTOR, "main a[href$='papers/2503.14476/']").click()
    assert driver.current_url == served_site + "en/papers/2503.14476/"
    assert _visible_texts(driver, "ko") == []

    driver.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='all']").click()
    assert driver.current_url == served_site + "papers/2503.14476/"
    assert _visible_texts(driver, "ko") and _visible_texts(driver, "en")


# --- every kind of page: loads cleanly, fits a phone, follows the colour scheme ------------------

PHONE = {"width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": True}
DESKTOP = {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False}

# The page itself and everything it loaded, each with the HTTP status Chromium received.
LOADED = """
return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
  .map((entry) => [entry.name, entry.responseStatus]);
"""


def _loaded(driver: webdriver.Chrome) -> list[tuple[str, int]]:
    """The page and what it loaded, as (URL, status)."""
    loaded: list[list[str | int]] = driver.execute_script(LOADED)
    return [(str(url), int(status)) for url, status in loaded]


def test_every_kind_of_page_loads_with_no_console_error_and_no_failed_request(
    browser: webdriver.Chrome, served_site: str, served_requests: list[tuple[str, int]]
) -> None:
    already_served = len(served_requests)
    problems: dict[str, list[str]] = {}
    for page in PAGES:
        browser.get(served_site + page)
        found = [
            f"console: {entry['message']}"
            for entry in browser.get_log("browser")
            if entry["level"] == "SEVERE"
        ]
        for url, status in _loaded(browser):
            if urlsplit(url).hostname != "127.0.0.1":
                found.append(f"loaded from another host: {url}")
            elif status != 200:
                found.append(f"{status}: {url}")
        if found:
            problems[page] = found
    assert problems == {}

    # The server's side, which also sees requests the page does not list.
    served = served_requests[already_served:]
    assert {SUB_PATH + page for page in PAGES} <= {path for path, _ in served}
    failed = [(path, status) for path, status in served if status not in (200, 304)]
    assert failed == [], "the site's icon included: the browser asks for /favicon.ico without one"


def test_the_404_page_at_any_missing_address_loads_its_styles_and_leads_home(
    browser: webdriver.Chrome, served_site: str
) -> None:
    """Its links are absolute (from base_url's path), so they work at any depth."""
    browser.get(served_site + "no/such/page/")
    page, *resources = [(urlsplit(url).path, status) for url, status in _loaded(browser)]
    assert page == (SUB_PATH + "no/such/page/", 404)
    # The icon may load after the page has (Chromium fetches it late), so it is not required.
    assert {(SUB_PATH + "assets/site.js", 200), (SUB_PATH + "assets/style.css", 200)} <= set(
        resources
    )
    assert [r for r in resources if r[1] != 200] == []
    browser.find_element(By.CSS_SELECTOR, f"main a[href='{SUB_PATH}']").click()
    assert browser.current_url == served_site


# Chromium on a phone widens the viewport to show a page that is too wide, and then innerWidth
# grows with it; a page that fits keeps both at the phone's width.
WIDTHS = "return [document.documentElement.scrollWidth, window.innerWidth];"


def test_every_kind_of_page_fits_a_375_pixel_phone_without_scrolling_sideways(
    browser: webdriver.Chrome, served_site: str
) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    widths = {}
    for page in PAGES:
        browser.get(served_site + page)
        widths[page] = browser.execute_script(WIDTHS)
    assert {page: found for page, found in widths.items() if found != [375, 375]} == {}

    # The measure does see a page that is too wide.
    browser.execute_script(
        "const wide = document.createElement('div'); wide.style.cssText = 'width: 600px; height: 1px';"
        "document.querySelector('main').append(wide);"
    )
    assert browser.execute_script(WIDTHS)[0] > 375


KOREAN_TABLE = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "표가 있는 주", en: "A week with a table"}
overview:
  ko: |
    | 모델 | 파라미터 | 점수 | 비고 | 평가에 쓴 데이터 세트 |
    |---|---|---|---|---|
    | 모델A | 7B | 81.2 | 오픈소스 | https://example.com/a/long/address/of/the/data/set |
papers:
  - title: {ko: "논문", en: "A paper"}
"""

# The number of lines each cell's words take.
CELL_LINES = """
return Array.from(document.querySelectorAll('main table :is(th, td)')).map((cell) => {
  const range = document.createRange(); range.selectNodeContents(cell);
  return [cell.textContent, new Set(Array.from(range.getClientRects()).map((r) => r.top)).size];
});
"""


def test_a_korean_table_keeps_its_words_whole_on_a_phone(
    browser: webdriver.Chrome, write_tree: Any, tmp_path: Path
) -> None:
    """Korean breaks anywhere in a long word (overflow-wrap), which let a table's columns
    shrink to one syllable a line: 파/라/미/터. The table scrolls by itself instead."""
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": KOREAN_TABLE}
    )
    build(site, tmp_path / "out", search=False)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    with serving(tmp_path / "out") as root:
        browser.get(root + "weekly/2025-03-17/")
        lines = browser.execute_script(CELL_LINES)
        assert "파라미터" in [text for text, _ in lines]
        assert [cell for cell in lines if cell[1] != 1] == []
        assert browser.execute_script(WIDTHS) == [375, 375]


def _emulate_colour_scheme(driver: webdriver.Chrome, scheme: str) -> None:
    feature = {"name": "prefers-color-scheme", "value": scheme}
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [feature]})


def _luminance(css_colour: str) -> float:
    """WCAG's relative luminance of an ``rgb(r, g, b)`` colour, from 0 (black) to 1 (white)."""
    channels = [int(value) / 255 for value in re.findall(r"\d+", css_colour)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


BODY_COLOURS = (
    "const style = getComputedStyle(document.body); return [style.backgroundColor, style.color];"
)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_colours_follow_the_systems_light_or_dark_mode(
    browser: webdriver.Chrome, served_site: str, scheme: str
) -> None:
    _emulate_colour_scheme(browser, scheme)
    for page in (PAGE_TYPES["home"], PAGE_TYPES["paper"]):
        browser.get(served_site + page)
        background, text = map(_luminance, browser.execute_script(BODY_COLOURS))
        if scheme == "dark":
            assert background < 0.05 and text > 0.6, page
        else:
            assert background > 0.85 and text < 0.05, page
        lighter, darker = max(background, text), min(background, text)
        assert (lighter + 0.05) / (darker + 0.05) >= 7, f"{page}: body text contrast"


# The colour of every visible text of the page's main part, with the text's start.
TEXT_COLOURS = """
const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
const found = [];
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (node.data.trim() && node.parentElement.checkVisibility())
    found.push([node.data.trim().slice(0, 30), getComputedStyle(node.parentElement).color]);
}
return found;
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_page_printed_from_either_mode_is_dark_text_on_white_paper(
    browser: webdriver.Chrome, served_site: str, scheme: str
) -> None:
    """Printed from a system in dark mode, awards came out in light gold and the missing
    translation notes in pale pink on the white paper (browsers leave backgrounds out)."""
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"media": "print", "features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    faint, checked = {}, set()
    for page in (PAGE_TYPES["conference"], PAGE_TYPES["paper"]):
        browser.get(served_site + page)
        texts = browser.execute_script(TEXT_COLOURS)
        checked |= {text for text, _ in texts}
        found = {
            text: colour for text, colour in texts if _contrast(colour, "rgb(255, 255, 255)") < 4.5
        }
        if found:
            faint[page] = found
    assert {"Best Paper", "Translation missing"} <= checked, "awards and notes are checked"
    assert faint == {}


# The focused element's ring: its style, width and colour, and the first opaque background
# behind it (the element's own for a ring drawn inside it, a negative offset; else its parent's).
FOCUS_RING = """
const element = document.activeElement, style = getComputedStyle(element);
let behind = parseFloat(style.outlineOffset) < 0 ? element : element.parentElement;
while (behind && getComputedStyle(behind).backgroundColor.match(/^rgba\\(.*, 0\\)$/)) behind = behind.parentElement;
return [element.closest('.site-header, .skip-link') !== null, element.textContent.trim(),
        style.outlineStyle, parseFloat(style.outlineWidth), style.outlineColor,
        getComputedStyle(behind || document.documentElement).backgroundColor];
"""


def _contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two ``rgb(…)`` colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_control_of_the_header_shows_a_visible_ring_when_tabbed_to(
    browser: webdriver.Chrome, served_site: str, scheme: str
) -> None:
    """The language switch's current link (모두 / Both) has the accent as its background, and
    its ring, drawn inside it in the accent too, could not be seen."""
    _emulate_colour_scheme(browser, scheme)
    browser.get(served_site + PAGE_TYPES["weekly"])
    rings = []
    for _ in range(30):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        in_header, text, style, width, colour, behind = browser.execute_script(FOCUS_RING)
        if not in_header:
            break
        rings.append((text, style, width, round(_contrast(colour, behind), 1)))
    assert any(text == "모두 / Both" for text, *_ in rings), "the Tab key reaches the switch"
    faint = [ring for ring in rings if ring[1] == "none" or ring[2] < 2 or ring[3] < 3]
    assert faint == [], "WCAG 2.4.13: a ring of 2 pixels at least 3:1 against what is behind it"


# --- screenshots, for people to look at -----------------------------------------------------------

SCREENSHOTS = Path(os.environ.get("PAPERSITE_SCREENSHOTS") or REPO / "screenshots")


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels, from a PNG's header (its first chunk, IHDR)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_home_and_a_paper_at_phone_and_desktop_widths(
    browser: webdriver.Chrome, served_site: str, scheme: str
) -> None:
    """Whole pages, saved as ``<page>-<width>-<scheme>.png`` in PAPERSITE_SCREENSHOTS (default:
    screenshots/ in the repository)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _emulate_colour_scheme(browser, scheme)
    for metrics in (PHONE, DESKTOP):
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        for name in ("home", "paper"):
            browser.get(served_site + PAGE_TYPES[name])
            height = browser.execute_script("return document.documentElement.scrollHeight")
            whole_page = {"x": 0, "y": 0, "width": metrics["width"], "height": height, "scale": 1}
            shot = browser.execute_cdp_cmd(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True, "clip": whole_page},
            )
            path = SCREENSHOTS / f"{name}-{metrics['width']}-{scheme}.png"
            path.write_bytes(base64.b64decode(shot["data"]))

            data = path.read_bytes()
            scale = metrics["deviceScaleFactor"]
            assert _png_size(data) == (metrics["width"] * scale, height * scale), path
            assert len(data) > 20_000, f"{path} is nearly empty"


# --- the BibTeX block and long author lists ------------------------------------------------------

ARXIV_PAPER_PAGE = "papers/2503.14476/"
ARXIV_AUTHORS = [
    "Qiying Yu",
    "Zheng Zhang",
    "Ruofei Zhu",
    "Yufeng Yuan",
    "Xiaochen Zuo",
    "Yu Yue",
    "Tiantian Fan",
    "Gaohong Liu",
]


@pytest.fixture(scope="module")
def served_arxiv_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small site whose one paper has an arXiv record with 8 authors, built and served over
    HTTP on 127.0.0.1 (a secure context, so the Clipboard API is available); yields its root."""
    source = tmp_path_factory.mktemp("arxiv") / "site"
    (source / "digests" / "weekly").mkdir(parents=True)
    (source / "papersite.yaml").write_text(SITE_CONFIG, encoding="utf-8")
    (source / "digests" / "weekly" / "2025-03-17.yaml").write_text(WEEKLY, encoding="utf-8")
    record = dict(DAPO_RECORD, authors=ARXIV_AUTHORS)
    (source / "arxiv.lock.json").write_text(lockfile_text(record), encoding="utf-8")
    out = source / "build"
    build(source, out)
    with serving(out) as root:
        yield root


def _grant_clipboard(driver: webdriver.Chrome, site: str) -> None:
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {
            "origin": site.rstrip("/"),
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
        },
    )


def _read_clipboard(driver: webdriver.Chrome) -> str:
    return driver.execute_async_script(
        "navigator.clipboard.readText().then(arguments[arguments.length - 1])"
    )


def _text_content(element: WebElement) -> str:
    return element.get_property("textContent")


def _rendered_text(element: WebElement) -> str:
    return element.get_property("innerText")


def test_copy_button_shows_with_javascript_and_copies_the_bibtex(
    browser: webdriver.Chrome, served_arxiv_site: str
) -> None:
    _grant_clipboard(browser, served_arxiv_site)
    browser.get(served_arxiv_site + ARXIV_PAPER_PAGE)
    cite = browser.find_element(By.CSS_SELECTOR, ".arxiv-meta details.cite")
    button = cite.find_element(By.CSS_SELECTOR, "button.copy-button")
    bibtex = cite.find_element(By.CSS_SELECTOR, "pre.bibtex")
    assert not button.is_displayed(), "closed details hide the button"

    cite.find_element(By.CSS_SELECTOR, "summary").click()
    assert button.is_displayed()
    expected = _text_content(bibtex)
    assert expected.startswith("@misc{yu2025dapoopensourcellmreinforcement,\n")
    assert _read_clipboard(browser) != expected
    button.click()

    # The label changes once the clipboard write has succeeded.
    WebDriverWait(browser, 2).until(
        lambda _: _text_content(button.find_element(By.CSS_SELECTOR, "[lang='en']")) == "Copied"
    )
    assert _text_content(button.find_element(By.CSS_SELECTOR, "[lang='ko']")) == "복사했습니다"
    assert _read_clipboard(browser) == expected


def test_the_copy_buttons_english_words_stay_marked_english_once_copied(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    """On the page of a language without interface words of its own (``ja``), the button's
    English words sit in a ``<span lang="en">`` (``i18n.marked_words``): "Copied" replaces
    "Copy" inside it, not the mark itself."""
    source = tmp_path / "site"
    (source / "digests" / "weekly").mkdir(parents=True)
    config = SITE_CONFIG.replace("languages: [ko, en]", "languages: [ja, en]").replace(
        "{ko: ", "{ja: "
    )
    (source / "papersite.yaml").write_text(config, encoding="utf-8")
    digest = WEEKLY.replace("{ko: ", "{ja: ")
    (source / "digests" / "weekly" / "2025-03-17.yaml").write_text(digest, encoding="utf-8")
    (source / "arxiv.lock.json").write_text(lockfile_text(DAPO_RECORD), encoding="utf-8")
    build(source, source / "build")
    with serving(source / "build") as root:
        _grant_clipboard(browser, root)
        browser.get(root + "ja/" + ARXIV_PAPER_PAGE)
        cite = browser.find_element(By.CSS_SELECTOR, ".arxiv-meta details.cite")
        cite.find_element(By.CSS_SELECTOR, "summary").click()
        button = cite.find_element(By.CSS_SELECTOR, "button.copy-button")
        button.click()
        WebDriverWait(browser, 2).until(lambda _: _text_content(button) == "Copied")
        words = button.find_element(By.CSS_SELECTOR, "[lang='ja'] > [lang='en']")
        assert _text_content(words) == "Copied"


def test_without_javascript_the_copy_button_is_hidden_but_details_still_open(
    browser_without_js: webdriver.Chrome, served_arxiv_site: str
) -> None:
    driver = browser_without_js
    driver.get(served_arxiv_site + ARXIV_PAPER_PAGE)
    cite = driver.find_element(By.CSS_SELECTOR, ".arxiv-meta details.cite")
    bibtex = cite.find_element(By.CSS_SELECTOR, "pre.bibtex")
    assert not bibtex.is_displayed()

    cite.find_element(By.CSS_SELECTOR, "summary").click()

    assert bibtex.is_displayed()
    assert bibtex.text.startswith("@misc{yu2025dapoopensourcellmreinforcement,")
    assert "eprint={2503.14476}" in bibtex.text
    assert not cite.find_element(By.CSS_SELECTOR, "button.copy-button").is_displayed()


def test_without_javascript_the_more_authors_summary_reveals_the_rest(
    browser_without_js: webdriver.Chrome, served_arxiv_site: str
) -> None:
    driver = browser_without_js
    driver.get(served_arxiv_site + ARXIV_PAPER_PAGE)
    authors = driver.find_element(By.CSS_SELECTOR, ".paper-page header .authors")
    # innerText leaves out what is not rendered (WebElement.text keeps a closed details' text).
    shown = _rendered_text(authors)
    assert "Xiaochen Zuo" in shown
    assert "Yu Yue" not in shown

    summary = authors.find_element(By.CSS_SELECTOR, "details.more-authors summary")
    assert "3 more" in summary.text
    summary.click()

    assert "Yu Yue, Tiantian Fan, Gaohong Liu" in _rendered_text(authors)


def test_a_printed_paper_page_lists_every_author_without_the_more_summary(
    browser: webdriver.Chrome, served_arxiv_site: str
) -> None:
    """Paper cannot open a <details>: the authors after the fifth were left out of a printed
    page, which said "3 more" instead."""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    browser.get(served_arxiv_site + ARXIV_PAPER_PAGE)
    authors = browser.find_element(By.CSS_SELECTOR, ".paper-page header .authors")
    shown = _rendered_text(authors)
    assert "Qiying Yu" in shown and "Yu Yue, Tiantian Fan, Gaohong Liu" in shown
    assert "more" not in shown

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
    assert "Gaohong Liu" not in _rendered_text(authors), "on screen the rest stays folded"


# --- old addresses (aliases) ------------------------------------------------------------------------


@pytest.mark.parametrize("over", ["http", "disk"])
def test_an_old_address_leads_to_its_digest_with_the_place_on_the_page(
    browser: webdriver.Chrome, write_tree: Any, tmp_path: Path, over: str
) -> None:
    """The redirect page's meta refresh dropped the #fragment, and opened from disk (a pull
    request's preview) it led to the digest folder's listing."""
    digest = WEEKLY.replace("kind: weekly\n", 'kind: weekly\naliases: ["posts/old-week.html"]\n')
    out = tmp_path / "out"
    build(
        write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest}), out
    )
    fragment = "#paper-2503.14476"

    if over == "disk":
        browser.get((out / "posts" / "old-week.html").as_uri() + fragment)
        expected = (out / "weekly" / "2025-03-17" / "index.html").as_uri() + fragment
        WebDriverWait(browser, 10).until(lambda d: d.current_url == expected)
    else:
        with serving(out, prefix=SUB_PATH) as origin:
            site = origin + SUB_PATH.lstrip("/")
            browser.get(site + "posts/old-week.html" + fragment)
            expected = site + "weekly/2025-03-17/" + fragment
            WebDriverWait(browser, 10).until(lambda d: d.current_url == expected)
    assert browser.find_element(By.CSS_SELECTOR, "article#paper-2503\\.14476").is_displayed()


RTL_WEEKLY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주", en: "This week", ar: "هذا الأسبوع"}
overview: {en: "An overview in English alone."}
papers:
  - title: {ko: "다포", en: "DAPO", ar: "دابو"}
    summary: {ko: "한국어 소개", en: "English introduction", ar: "مقدمة"}
"""


@pytest.fixture(scope="module")
def served_rtl_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site in ``[ko, en, ar]`` with one weekly digest, built and served; yields its root."""
    source = tmp_path_factory.mktemp("rtl") / "site"
    (source / "digests" / "weekly").mkdir(parents=True)
    config = SITE_CONFIG.replace("languages: [ko, en]", "languages: [ko, en, ar]")
    (source / "papersite.yaml").write_text(config, encoding="utf-8")
    (source / "digests" / "weekly" / "2025-03-17.yaml").write_text(RTL_WEEKLY, encoding="utf-8")
    out = source / "build"
    build(source, out, search=False)
    with serving(out) as root:
        yield root


DIRECTIONS = """
const overview = document.querySelector("main .bi[lang='en'][data-fills~='ar']");
return [document.documentElement.dir, getComputedStyle(document.body).direction,
        overview && overview.checkVisibility() ? getComputedStyle(overview).direction : null];
"""


def test_a_language_written_right_to_left_chosen_in_place_turns_the_page(
    browser: webdriver.Chrome, served_rtl_site: str
) -> None:
    """Arabic chosen on the page in every language turned its ``lang`` but left it left to
    right; the English text standing in for a missing Arabic one stays left to right."""
    browser.get(served_rtl_site + "weekly/2025-03-17/")
    assert browser.execute_script(DIRECTIONS)[:2] == ["", "ltr"]

    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='ar']").click()
    assert browser.execute_script("return document.documentElement.lang") == "ar"
    assert browser.execute_script(DIRECTIONS) == ["rtl", "rtl", "ltr"]

    browser.get(served_rtl_site + "weekly/")  # remembered on the next page
    assert browser.execute_script(DIRECTIONS)[:2] == ["rtl", "rtl"]
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()
    assert browser.execute_script(DIRECTIONS)[:2] == ["", "ltr"]


# Where the skip link is once focused, and how wide the page is.
SKIP_LINK = """
const link = document.querySelector('.skip-link'); link.focus(); const box = link.getBoundingClientRect();
return [box.left >= 0 && box.right <= innerWidth && box.width > 50, document.activeElement === link];
"""


@pytest.mark.parametrize("page", ["ar/weekly/2025-03-17/", "ar/", "weekly/2025-03-17/"])
def test_a_page_right_to_left_fits_a_phone_and_shows_its_skip_link_when_focused(
    browser: webdriver.Chrome, served_rtl_site: str, page: str
) -> None:
    """The skip link waited 999 pixels to the left of the page: on a page right to left that
    widened it (1,374 pixels on a 375-pixel phone, which showed the page zoomed out)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    if not page.startswith("ar/"):  # the page in every language, turned to Arabic in place
        browser.get(served_rtl_site + page)
        browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='ar']").click()
    browser.get(served_rtl_site + page)
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    assert browser.execute_script(WIDTHS) == [375, 375]
    assert browser.execute_script(SKIP_LINK) == [True, True]
    assert browser.execute_script(WIDTHS) == [375, 375]


# The sides of an element's borders and padding: [left border, right border, left padding,
# right padding].
SIDES = """
const style = getComputedStyle(document.querySelector(arguments[0]));
return [style.borderLeftWidth, style.borderRightWidth, style.paddingLeft, style.paddingRight];
"""


@pytest.mark.parametrize(
    ("page", "selector", "ltr", "rtl"),
    [
        (
            "papers/dapo/",
            ".appearance",
            ["3px", "0px", "16px", "0px"],
            ["0px", "3px", "0px", "16px"],
        ),
        ("papers/dapo/", ".lang-switch li + li", ["1px", "0px"], ["0px", "1px"]),
    ],
)
def test_a_page_right_to_left_mirrors_its_borders_and_indents(
    browser: webdriver.Chrome,
    served_rtl_site: str,
    page: str,
    selector: str,
    ltr: list[str],
    rtl: list[str],
) -> None:
    """The theme drew a paper's appearances' rule and the language switch's separators on the
    left whatever the page's direction: on a page right to left they stood at the end of each
    line, not its start, and the footer read ":Data papers.json"."""
    browser.get(served_rtl_site + page)
    assert browser.execute_script(SIDES, selector)[: len(ltr)] == ltr
    browser.get(served_rtl_site + "ar/" + page)
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    assert browser.execute_script(SIDES, selector)[: len(rtl)] == rtl


# Words no line can break between: in the site's title, a digest's and a paper's, a conference's
# name, an award, an author's name, an affiliation and a link's label.
LONG = "Averyverylongunbrokenword" * 5
LONG_WORDS = f"""\
kind: conference
conference: {{name: "Conf{LONG}", year: 2025}}
date: 2025-12-01
title: {{ko: "학회 {LONG}", en: "Title{LONG}"}}
papers:
  - title: {{ko: "논문 {LONG}", en: "Paper{LONG}"}}
    authors: ["Author{LONG}"]
    affiliations: ["Lab{LONG}"]
    award: "Award{LONG}"
    links:
      - {{kind: other, url: "https://example.com/", label: "Label{LONG}"}}
"""


@pytest.fixture(scope="module")
def served_long_words_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site in ``[ko, en]`` whose one conference digest is written in words too long for a
    phone's line, built and served; yields its root."""
    source = tmp_path_factory.mktemp("long") / "site"
    (source / "digests" / "conferences").mkdir(parents=True)
    config = SITE_CONFIG.replace('en: "Test site"', f'en: "Site{LONG}"')
    (source / "papersite.yaml").write_text(config, encoding="utf-8")
    digest = source / "digests" / "conferences" / "conf-2025.yaml"
    digest.write_text(LONG_WORDS, encoding="utf-8")
    out = source / "build"
    build(source, out, search=False)
    with serving(out) as root:
        yield root


@pytest.mark.parametrize("edition", ["", "en/", "ko/"])
def test_words_too_long_for_a_line_break_rather_than_widen_a_phones_page(
    browser: webdriver.Chrome, served_long_words_site: str, edition: str
) -> None:
    """In the English edition, a card (the home page's, a list's, a tag's), an award's badge,
    a link's and the header's site title grew as wide as their longest word (1,477 pixels on a 320-pixel phone): a grid's
    items and an inline block do not shrink below it, which Korean's overflow-wrap: anywhere
    allowed on the other pages."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**PHONE, "width": 320})
    pages = ["", "conferences/", "conferences/conf" + LONG.lower() + "-2025/", "archive/"]
    pages += ["papers/", "papers/paper" + LONG.lower() + "/"]
    widths = {}
    for page in pages:
        browser.get(served_long_words_site + edition + page)
        assert not browser.execute_script("return document.title").startswith("404"), page
        widths[page] = browser.execute_script(WIDTHS)
    assert {page: found for page, found in widths.items() if found != [320, 320]} == {}


# A digest whose Korean parts each end with a direction left open: an override (U+202E) in the
# site's and the digest's titles, an isolate (U+2067) in the paper's.
OPEN_DIRECTION_CONFIG = SITE_CONFIG.replace('"테스트 사이트"', '"테스트 사이트\\u202e"')
OPEN_DIRECTION_WEEKLY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문\\u202e", en: "Papers of the week"}
papers:
  - title: {ko: "다포\\u2067", en: "DAPO scales RL"}
    summary: {ko: "한국어 소개", en: "English introduction"}
"""


@pytest.fixture(scope="module")
def served_open_direction_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site whose Korean titles end with an unclosed override or isolate, built and served;
    yields its root."""
    source = tmp_path_factory.mktemp("open-direction") / "site"
    (source / "digests" / "weekly").mkdir(parents=True)
    (source / "papersite.yaml").write_text(OPEN_DIRECTION_CONFIG, encoding="utf-8")
    weekly = source / "digests" / "weekly" / "2025-03-17.yaml"
    weekly.write_text(OPEN_DIRECTION_WEEKLY, encoding="utf-8")
    out = source / "build"
    build(source, out, search=False)
    with serving(out) as root:
        yield root


# Each visible English part after a Korean part that leaves a direction open: where it sits, and
# whether its first letter is laid out left of its last (its words in their own order).
ENGLISH_AFTER_OPEN_DIRECTION = """
const left = (text, i) => {
  const range = document.createRange(); range.setStart(text, i); range.setEnd(text, i + 1);
  return range.getBoundingClientRect().left;
};
return Array.from(document.querySelectorAll(".bi[lang='en']"))
  .filter((en) => en.checkVisibility() && /[\\u202e\\u2067]$/.test(
    en.previousElementSibling ? en.previousElementSibling.textContent : ""))
  .map((en) => [en.closest(".site-header") ? "site header" : "main",
                en.textContent.trim(),
                left(en.firstChild, 0) < left(en.firstChild, en.firstChild.length - 1)]);
"""


@pytest.mark.parametrize("page", ["weekly/2025-03-17/", "papers/dapo-scales-rl/"])
def test_a_direction_left_open_in_one_language_does_not_reorder_the_next(
    browser: webdriver.Chrome, served_open_direction_site: str, page: str
) -> None:
    """A Korean title ending with U+202E laid the English title beside it (the site's title in
    the header, a paper's digest on its page) out right to left: "lR selacs OPAD"."""
    browser.get(served_open_direction_site + page)
    parts = browser.execute_script(ENGLISH_AFTER_OPEN_DIRECTION)
    assert ["site header", "Test site", True] in parts  # side by side on one line
    assert parts and all(in_order for _, _, in_order in parts), parts


# --- the search page ------------------------------------------------------------------------------

# The text of every live region of the page (role=status or aria-live), which screen readers
# announce as it changes; Pagefind's own message ("3 results for …").
LIVE_REGIONS = """
return [Array.from(document.querySelectorAll('[role=status], [role=alert], [aria-live]'))
          .filter((region) => region.getAttribute('aria-live') !== 'off')
          .map((region) => region.textContent.trim()),
        (document.querySelector('.pagefind-ui__message') || {textContent: ''}).textContent.trim()];
"""


def test_the_number_of_results_is_announced_to_screen_readers(
    browser: webdriver.Chrome, served_site: str
) -> None:
    """Pagefind says "3 results for attention sink" in a paragraph no screen reader announces:
    a reader who cannot see the page heard nothing after typing a query."""
    browser.get(served_site + "en/search/?q=attention+sink")
    WebDriverWait(browser, 10).until(
        lambda d: re.search(r"\d+ results? for", d.execute_script(LIVE_REGIONS)[1])
    )
    regions, message = browser.execute_script(LIVE_REGIONS)
    assert message in regions

    box = browser.find_element(By.CSS_SELECTOR, "#search input")
    box.clear()
    box.send_keys("zzzqqqxxx")
    WebDriverWait(browser, 10).until(lambda d: "No results" in d.execute_script(LIVE_REGIONS)[1])
    regions, message = browser.execute_script(LIVE_REGIONS)
    assert message in regions


def test_escape_empties_the_search_and_its_address(
    browser: webdriver.Chrome, served_site: str
) -> None:
    """Escape emptied the box and the results but left ``?q=`` in the address: a reload or Back
    brought back the results the reader had cleared."""
    browser.get(served_site + "en/search/?q=attention+sink")
    WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link")
    )
    box = browser.find_element(By.CSS_SELECTOR, "#search input")
    box.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 10).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result")
    )
    assert box.get_attribute("value") == ""
    WebDriverWait(browser, 2).until(lambda d: d.current_url == served_site + "en/search/")


def test_the_search_box_of_the_search_page_is_named_in_the_language_chosen_in_place(
    browser: webdriver.Chrome, served_site: str
) -> None:
    """It was named "검색 / Search" whatever the language chosen, the Korean read out in the
    English voice."""
    browser.get(served_site + "search/")
    box = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#search input")
    )
    assert "검색" in box.accessible_name and "Search" in box.accessible_name
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='en']").click()
    box = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#search input")
    )
    assert box.accessible_name == "Search"
    browser.find_element(By.CSS_SELECTOR, ".lang-switch a[data-show='ko']").click()
    box = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#search input")
    )
    assert box.accessible_name == "검색"
