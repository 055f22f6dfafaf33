"""Shared fixtures: small sites written to disk from a dict, and the example site's build."""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
    """A copy of the repository's example site (config, digests, templates)."""
    root = tmp_path_factory.mktemp("example") / "site"
    root.mkdir()
    shutil.copy(REPO / "papersite.yaml", root / "papersite.yaml")
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
