"""Shared fixtures: small sites written to disk from a dict, the example site's build, and the
example site served over loopback to a headless Chromium."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from loopback import serving
from papersite.errors import ContentError, Problem
from papersite.load import load_site
from papersite.model import Site
from papersite.validate import validate_site

REPO = Path(__file__).resolve().parents[1]

SITE_CONFIG = """\
title: {ko: "테스트 사이트", en: "Test site"}
base_url: "https://example.org/papers/"
languages: [ko, en]
"""

WEEKLY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
papers:
  - title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}
    arxiv: "2503.14476"
    summary: {ko: "한국어 소개", en: "English introduction"}
    abstract: {ko: "한국어 초록", en: "English abstract"}
    links:
      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}
    tags: [reinforcement-learning]
"""


def arxiv_record(arxiv_id: str, title: str, **fields: Any) -> dict[str, Any]:
    """One arXiv record as the lockfile stores it; ``fields`` override the plain defaults."""
    record: dict[str, Any] = {
        "id": arxiv_id,
        "version": 1,
        "title": title,
        "authors": ["Ada Lovelace"],
        "abstract": "",
        "primary_category": "cs.LG",
        "categories": ["cs.LG"],
        "published": "2025-03-18",
        "updated": "2025-03-18",
        "doi": None,
        "journal_ref": None,
        "comment": None,
        "withdrawn": False,
        "resolved_from_title": None,
        "fetched": "2026-01-01T00:00:00Z",
    }
    record.update(fields)
    return record


def lockfile_text(*records: dict[str, Any]) -> str:
    """A lockfile holding these arXiv records, written as ``papersite enrich`` writes it."""
    papers = {record["id"]: {"arxiv": record, "semantic_scholar": None} for record in records}
    return json.dumps({"format": 1, "papers": papers}, indent=2, sort_keys=True) + "\n"


DAPO_RECORD = arxiv_record(
    "2503.14476",
    "DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
    version=2,
    authors=["Qiying Yu", "Zheng Zhang", "Ruofei Zhu"],
    abstract="Inference scaling empowers LLMs with unprecedented reasoning ability.",
    categories=["cs.LG", "cs.CL"],
    published="2025-03-18",
    updated="2025-05-20",
)

WriteTree = Callable[[dict[str, str]], Path]


def code_scripts(soup: Any) -> list[Any]:
    """The scripts of a parsed page that a browser runs: every ``<script>`` but JSON-LD blocks,
    each of which must hold nothing but JSON (so a title cannot turn one into code)."""
    code = []
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string or "")
        else:
            code.append(script)
    return code


def files_of_at_most_100_bytes() -> None:
    """For ``preexec_fn``: in the child, a write that would make a file longer than 100 bytes
    fails with EFBIG, as on a full disk, without root or a small disk (SIGXFSZ ignored: it would
    kill the process instead)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))


def run_python(code: str, *args: str, timeout: float | None = None) -> str:
    """Runs ``code`` in a fresh interpreter with ``args`` as its arguments, which must succeed
    (within ``timeout`` seconds, if given); returns its output."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def write_tree(tmp_path: Path) -> WriteTree:
    """Writes ``{relative path: text}`` under a fresh site folder (dedented) and returns it."""

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / "site"
        for relative, text in files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write


@pytest.fixture
def minimal_site(write_tree: WriteTree) -> Path:
    """A valid site: papersite.yaml, one weekly digest with one paper, and its lockfile."""
    return write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's example site (config, glossary, digests, templates)."""
    root = tmp_path_factory.mktemp("example") / "site"
    root.mkdir()
    shutil.copy(REPO / "papersite.yaml", root / "papersite.yaml")
    shutil.copy(REPO / "glossary.yaml", root / "glossary.yaml")
    shutil.copytree(REPO / "digests", root / "digests")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "arxiv.lock.json", root / "arxiv.lock.json")
    return root


@pytest.fixture(scope="session")
def built_site(example_site: Path) -> Path:
    """The example site, built once for the session into its build/ folder."""
    from papersite import build

    out = example_site / "build"
    build(example_site, out)
    return out


# --- tools outside Python: Debian's Chromium and chromedriver, Java -------------------------------

# PAPERSITE_CHROMIUM and PAPERSITE_CHROMEDRIVER name other binaries (a missing path shows what CI
# does without them).
CHROMIUM = os.environ.get("PAPERSITE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = (
    os.environ.get("PAPERSITE_CHROMEDRIVER")
    or shutil.which("chromedriver")
    or "/usr/bin/chromedriver"
)


def tools_required() -> bool:
    """Whether a missing browser or validator fails its tests rather than skipping them: in CI
    (``CI`` set) and wherever ``PAPERSITE_REQUIRE_BROWSER=1``."""
    return bool(os.environ.get("CI")) or os.environ.get("PAPERSITE_REQUIRE_BROWSER") == "1"


def require(missing: str | None) -> None:
    """Skips the test when ``missing`` names a missing tool, or fails it where tools are
    required (see ``tools_required``)."""
    if missing is None:
        return
    if tools_required():
        pytest.fail(f"{missing} (required: CI or PAPERSITE_REQUIRE_BROWSER=1 is set)")
    pytest.skip(missing)


def chromium_missing() -> str | None:
    """What is missing to drive Chromium, or None."""
    absent = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    return f"Chromium or chromedriver is not installed: {', '.join(absent)}" if absent else None


def chromium_options(profile: Path, *, javascript: bool = True) -> Options:
    """Headless Chromium with a fresh profile, no traffic of its own, and the console kept
    (``driver.get_log("browser")``)."""
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
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--window-size=1200,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    return options


def _chromium(profile: Path, *, javascript: bool = True) -> webdriver.Chrome:
    require(chromium_missing())
    return webdriver.Chrome(
        service=Service(CHROMEDRIVER), options=chromium_options(profile, javascript=javascript)
    )


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with JavaScript on and a fresh profile."""
    driver = _chromium(tmp_path / "profile")
    yield driver
    driver.quit()


@pytest.fixture
def browser_without_js(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with JavaScript off."""
    driver = _chromium(tmp_path / "profile", javascript=False)
    yield driver
    driver.quit()


# The example site's four kinds of page, and the same pages with their English copies.
PAGE_TYPES = {
    "home": "",
    "weekly": "weekly/2025-03-17/",
    "conference": "conferences/neurips-2025/",
    "paper": "papers/2503.14476/",
}
PAGES = [*PAGE_TYPES.values(), *("en/" + page for page in PAGE_TYPES.values())]

# The example site's base_url is https://example.github.io/papers/: served under the same path,
# the 404 page's links (absolute, from base_url) lead to the served pages.
SUB_PATH = "/papers/"


@pytest.fixture(scope="module")
def served_requests() -> list[tuple[str, int]]:
    """Every request ``served_site`` answered, as (path, status), in order."""
    return []


@pytest.fixture(scope="module")
def served_site(built_site: Path, served_requests: list[tuple[str, int]]) -> Iterator[str]:
    """The built example site over HTTP on 127.0.0.1 under /papers/; yields its URL."""
    with serving(built_site, prefix=SUB_PATH, served=served_requests) as origin:
        yield origin + SUB_PATH.lstrip("/")


# --- validating a site on disk ------------------------------------------------------------------


def validate(root: Path) -> Site:
    """The site in ``root``, loaded and validated."""
    return validate_site(load_site(root))


def problems_of(root: Path) -> list[Problem]:
    """Every problem validating the site in ``root`` reports (it must report some)."""
    with pytest.raises(ContentError) as caught:
        validate(root)
    return caught.value.problems


def only_problem(root: Path) -> Problem:
    problems = problems_of(root)
    assert len(problems) == 1, problems
    return problems[0]
