"""The language switch in a real browser: Debian's Chromium, driven by chromedriver over loopback."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

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
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


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


def _visible_texts(driver: webdriver.Chrome, lang: str) -> list[str]:
    elements = driver.find_elements(By.CSS_SELECTOR, f"main .bi[lang='{lang}']")
    return [element.text for element in elements if element.is_displayed()]


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
