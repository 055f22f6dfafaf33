"""Shared fixtures: small sites written to disk from a dict, and the example site's build."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

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

WriteTree = Callable[[dict[str, str]], Path]


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
    """A valid site: papersite.yaml and one weekly digest with one paper."""
    return write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": WEEKLY})


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's example site (config, digests, templates)."""
    root = tmp_path_factory.mktemp("example") / "site"
    root.mkdir()
    shutil.copy(REPO / "papersite.yaml", root / "papersite.yaml")
    shutil.copytree(REPO / "digests", root / "digests")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture(scope="session")
def built_site(example_site: Path) -> Path:
    """The example site, built once for the session into its build/ folder."""
    from papersite import build

    out = example_site / "build"
    build(example_site, out)
    return out
