"""What a build holds: no second copy of the site's texts left behind by serialising them.

CPython keeps a text's UTF-8 form inside the text once a C extension asks for it (pydantic's
serialiser does), for as long as the text lives: a text not in ASCII then takes 2.5 times its
room. These tests look at the texts themselves (``sys.getsizeof`` counts that form), not at
the process's memory, which the benchmark measures (``benchmarks/run.py``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

from conftest import DAPO_RECORD, SITE_CONFIG, WriteTree, lockfile_text
from papersite.dataset import dataset_pages
from papersite.incremental import PageInputs
from papersite.model import Site
from papersite.pipeline import PreparedSite, prepare_site
from papersite.write import Copied

KOREAN_WEEKLY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
overview: {ko: "이번 주의 개요입니다.", en: "This week's overview."}
papers:
  - title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}
    arxiv: "2503.14476"
    summary: {ko: "강화 학습으로 **추론** 능력을 높인 연구입니다.", en: "Reasoning through RL."}
    abstract: {ko: "한국어 초록입니다.", en: "An abstract."}
    sections:
      - title: {ko: "평가", en: "Reflections"}
        body: {ko: "위원회의 평가입니다.", en: "The committee's words."}
    tags: [reinforcement-learning]
"""


def korean_site(write_tree: WriteTree) -> PreparedSite:
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": KOREAN_WEEKLY,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    return prepare_site(root, search=False)


def texts_of(site: Site) -> Iterator[str]:
    """Every text of the site's digests not in ASCII, as the model holds it."""

    def walk(value: object) -> Iterator[str]:
        if isinstance(value, str):
            if not value.isascii():
                yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                yield from walk(item)
        elif hasattr(value, "__pydantic_fields__"):
            for name in type(value).__pydantic_fields__:
                yield from walk(getattr(value, name))

    for sourced in site.digests:
        yield from walk(sourced.digest)


def with_utf8_copy(texts: Iterator[str]) -> list[str]:
    """The texts holding their UTF-8 form besides: larger than a new text of the same words."""
    return [
        text
        for text in texts
        if sys.getsizeof(text) > sys.getsizeof(text.encode().decode())  # a new object
    ]


def test_a_texts_utf8_form_is_seen_by_these_tests(write_tree: WriteTree) -> None:
    """What the tests below look for, made on purpose: pydantic's JSON of a digest."""
    prepared = korean_site(write_tree)
    assert list(texts_of(prepared.site)) and not with_utf8_copy(texts_of(prepared.site))

    prepared.site.digests[0].digest.model_dump_json()

    assert "강화 학습으로 **추론** 능력을 높인 연구입니다." in with_utf8_copy(
        texts_of(prepared.site)
    )


def test_page_keys_leave_the_sites_texts_as_they_were(write_tree: WriteTree) -> None:
    """Hashing what each file says of each paper (``paper_hashes``) for the pages' keys."""
    prepared = korean_site(write_tree)

    PageInputs(prepared.view, prepared.site.digests, prepared.hashes, "shared")

    assert with_utf8_copy(texts_of(prepared.site)) == []


def test_the_data_files_leave_the_sites_texts_as_they_were(write_tree: WriteTree) -> None:
    prepared = korean_site(write_tree)

    written = {
        page.path: b"".join(chunk_bytes(page.content)) for page in dataset_pages(prepared.site)
    }

    assert "강화 학습으로 **추론** 능력을 높인 연구입니다." in written["data/papers.json"].decode()
    assert with_utf8_copy(texts_of(prepared.site)) == []


def chunk_bytes(chunks: Iterator[bytes | Copied]) -> Iterator[bytes]:
    for chunk in chunks:
        assert isinstance(chunk, bytes)  # nothing to copy from without a last build
        yield chunk


def test_data_files_made_without_a_last_build_hold_each_lists_own_records(
    write_tree: WriteTree,
) -> None:
    """``dataset_pages`` without a ``RecordCopier``: each list made with its own maker (a
    generator looked its maker up when written, and made the digests as papers)."""
    prepared = korean_site(write_tree)

    written = {
        page.path: b"".join(chunk_bytes(page.content)) for page in dataset_pages(prepared.site)
    }

    digests = json.loads(written["data/digests.json"])["digests"]
    papers = json.loads(written["data/papers.json"])["papers"]
    assert [digest["id"] for digest in digests] == ["weekly/2025-03-17"]
    assert digests[0]["digest"]["title"]["ko"] == "이번 주의 논문"
    assert [paper["id"] for paper in papers] == ["2503.14476"]
