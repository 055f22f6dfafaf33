"""The language switch in a real browser: Debian's Chromium, driven by chromedriver over loopback."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from conftest import DAPO_RECORD, SITE_CONFIG, WEEKLY, lockfile_text
from loopback import serving
from papersite import build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _browser_missing() -> bool:
    return not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER))


if _browser_missing() and not os.environ.get("CI"):
    # On a developer machine without Chromium these tests are skipped; in CI they must run.
    pytest.skip("Chromium and chromedriver are not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def served_site(built_site: Path) -> Iterator[str]:
    """The built example site over HTTP on 127.0.0.1; yields its root URL."""
    with serving(built_site) as root:
        yield root


def _options(tmp_path: Path, *, javascript: bool = True) -> Options:
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1200,900",
    ):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    return options


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with JavaScript on and a fresh profile."""
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=_options(tmp_path))
    yield driver
    driver.quit()


@pytest.fixture
def browser_without_js(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with JavaScript off."""
    options = _options(tmp_path, javascript=False)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


# One round trip for the whole page: asking WebDriver element by element costs two round trips
# per text, and a digest page has hundreds of them.
VISIBLE_TEXTS = """
return Array.from(document.querySelectorAll(arguments[0]))
  .filter((element) => element.checkVisibility({visibilityProperty: true}))
  .map((element) => element.innerText.trim());
"""


def _visible_texts(driver: webdriver.Chrome, lang: str) -> list[str]:
    texts: list[str] = driver.execute_script(VISIBLE_TEXTS, f"main .bi[lang='{lang}']")
    return texts


def test_choosing_english_hides_korean_and_is_remembered_on_the_next_page(
    browser: webdriver.Chrome, served_site: str
) -> None:
    browser.get(served_site + "weekly/2025-03-17/")
    assert _visible_texts(browser, "ko"), "both languages show before a choice"
    browser.find_element(By.CSS_SELECTOR, ".lang-switch button[data-show='en']").click()

    assert _visible_texts(browser, "ko") == []
    assert "DAPO: An Open-Source LLM Reinforcement Learning System at Scale" in _visible_texts(
        browser, "en"
    )
    pressed = browser.find_element(By.CSS_SELECTOR, ".lang-switch button[aria-pressed='true']")
    assert pressed.get_attribute("data-show") == "en"

    browser.find_element(By.CSS_SELECTOR, "a[href$='papers/2503.14476/']").click()
    assert "/papers/2503.14476/" in browser.current_url
    assert _visible_texts(browser, "ko") == []
    assert _visible_texts(browser, "en")


def test_choosing_both_shows_every_language_again(
    browser: webdriver.Chrome, served_site: str
) -> None:
    browser.get(served_site)
    browser.find_element(By.CSS_SELECTOR, ".lang-switch button[data-show='ko']").click()
    assert _visible_texts(browser, "en") == []
    browser.find_element(By.CSS_SELECTOR, ".lang-switch button[data-show='all']").click()
    browser.get(served_site + "conferences/neurips-2025/")
    assert _visible_texts(browser, "ko") and _visible_texts(browser, "en")


def test_a_missing_translation_stays_visible_as_a_note_in_that_language(
    browser: webdriver.Chrome, served_site: str
) -> None:
    browser.get(served_site + "conferences/neurips-2025/")
    browser.find_element(By.CSS_SELECTOR, ".lang-switch button[data-show='en']").click()
    notes = [n for n in browser.find_elements(By.CSS_SELECTOR, ".missing-note") if n.is_displayed()]
    assert notes and all(note.text == "Translation missing" for note in notes)


def test_without_javascript_the_switch_is_hidden_and_both_languages_show(
    browser_without_js: webdriver.Chrome, served_site: str
) -> None:
    browser_without_js.get(served_site + "weekly/2025-03-17/")
    switch = browser_without_js.find_element(By.CSS_SELECTOR, ".lang-switch")
    assert not switch.is_displayed()
    assert _visible_texts(browser_without_js, "ko")
    assert _visible_texts(browser_without_js, "en")


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
