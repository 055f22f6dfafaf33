"""A site that writes its languages with regions (``[ko-KR, en-US]``): English is English by its
primary subtag wherever the site picks it (arXiv's texts, a paper's name, title search, check's
rules, the search index), as on a site in ``[ko, en]``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from conftest import SITE_CONFIG, WEEKLY, WriteTree, arxiv_record, lockfile_text, validate
from fake_arxiv import FakeArxiv
from papersite import build
from papersite.check import check_site
from papersite.cli import main
from papersite.export import export_digest
from papersite.fetch import enrich
from papersite.model import text_in
from papersite.new import PLACEHOLDER_TITLE
from test_check import CONFERENCE, SECOND_WEEK
from test_enrich import DAPO, GATED, site_config

DAPO_TITLE = "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
ARXIV_ABSTRACT = "Inference scaling empowers LLMs with unprecedented reasoning ability."


def regional(text: str) -> str:
    """``text`` (a config or digest of a ``[ko, en]`` site) for a site in ``[ko-KR, en-US]``."""
    text = text.replace("[ko, en]", "[ko-KR, en-US]")
    return re.sub(
        r"([{,] ?)(ko|en):", lambda m: m[1] + {"ko": "ko-KR", "en": "en-US"}[m[2]] + ":", text
    )


def korean_only(digest: str) -> str:
    """``digest`` with DAPO's title and abstract in Korean only: arXiv's English fills them."""
    return digest.replace(f'{{ko: "다포", en: "{DAPO_TITLE}"}}', '{ko: "다포"}').replace(
        'abstract: {ko: "한국어 초록", en: "English abstract"}', 'abstract: {ko: "한국어 초록"}'
    )


@pytest.fixture
def regional_site(write_tree: WriteTree) -> Path:
    """A ``[ko-KR, en-US]`` site whose one paper, DAPO, has a Korean title and abstract only."""
    record = arxiv_record("2503.14476", DAPO_TITLE, abstract=ARXIV_ABSTRACT)
    return write_tree(
        {
            "papersite.yaml": regional(SITE_CONFIG),
            "digests/weekly/2025-03-17.yaml": regional(korean_only(WEEKLY)),
            "arxiv.lock.json": lockfile_text(record),
        }
    )


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    """A fake arXiv API on loopback that knows DAPO and Gated Attention."""
    with FakeArxiv(DAPO, GATED) as fake:
        yield fake


def test_arxivs_english_title_and_abstract_fill_a_korean_only_paper(
    regional_site: Path, tmp_path: Path
) -> None:
    """The paper's page is named by its English title, in the page's ``<title>``, its English
    heading and its description, as on a site in ``[ko, en]``."""
    out = tmp_path / "out"
    build(regional_site, out, search=False)

    page = lxml.html.parse(str(out / "papers/2503.14476/index.html")).getroot()
    assert page.findtext("head/title").startswith(DAPO_TITLE + " · ")
    description = page.xpath("//meta[@name='description']/@content")
    assert description == [ARXIV_ABSTRACT]
    (heading,) = page.xpath("//h1//*[@lang='en-US']")
    assert heading.text_content().strip() == DAPO_TITLE
    data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["name"] == DAPO_TITLE
    assert data["abstract"] == ARXIV_ABSTRACT


def test_the_search_index_is_english_on_a_regional_site(
    regional_site: Path, tmp_path: Path
) -> None:
    """Pagefind stems English words, and has no stemmer for Korean."""
    out = tmp_path / "out"
    build(regional_site, out)

    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert [language.split("-")[0].lower() for language in entry["languages"]] == ["en"]


def test_check_leaves_the_english_abstract_to_arxiv(regional_site: Path) -> None:
    """No en-US abstract is asked for: arXiv's fills it (see the digest format)."""
    fields = [f.problem.field for f in check_site(regional_site).findings]
    assert not [field for field in fields if field.endswith("abstract")]


def test_an_unrelated_english_title_under_one_id_is_an_error(write_tree: WriteTree) -> None:
    """Another paper's en-US title under the same ID is a mistyped ID, not a translation
    worded anew."""
    later = SECOND_WEEK.replace(DAPO_TITLE, "Gated Attention for Large Language Models")
    site = write_tree(
        {
            "papersite.yaml": regional(SITE_CONFIG),
            "digests/weekly/2025-03-17.yaml": regional(WEEKLY),
            "digests/weekly/2025-03-24.yaml": regional(later),
            "arxiv.lock.json": lockfile_text(arxiv_record("2503.14476", DAPO_TITLE)),
        }
    )
    report = check_site(site)
    conflicts = [f for f in report.findings if f.rule == "conflicting-paper"]
    assert [(f.severity, f.problem.field) for f in conflicts] == [("error", "papers[0].title")]
    assert f"2503.14476 is titled {DAPO_TITLE!r} in " in conflicts[0].problem.message
    assert "is one ID mistyped?" in conflicts[0].problem.message
    assert not report.ok


def test_a_paper_without_an_id_is_named_by_its_english_title(write_tree: WriteTree) -> None:
    """Its page's URL is made from the English title, which the same title in another digest
    shares, as on a site in ``[ko, en]``."""
    site = write_tree(
        {
            "papersite.yaml": regional(SITE_CONFIG),
            "digests/weekly/2025-03-17.yaml": regional(
                WEEKLY.replace('    arxiv: "2503.14476"\n', "")
            ),
        }
    )
    out = site / "out"
    build(site, out, search=False)
    assert (out / "papers/dapo-an-open-source-llm-reinforcement-learning-system-at-scale").is_dir()


def weekly_of(*fields: str) -> str:
    """A ``[ko-KR, en-US]`` weekly digest of one paper with these fields (``title: …``)."""
    head = "kind: weekly\nperiod: {start: 2025-03-17, end: 2025-03-23}\ntitle: This week\n"
    return regional(head + "papers:\n  - " + "\n    ".join(fields) + "\n")


def test_enrich_resolves_a_title_by_the_english_one(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--resolve-titles`` searches arXiv by the en-US title."""
    digest = weekly_of(f"title: {{ko: 게이트 어텐션, en: {json.dumps(GATED.title)}}}")
    site = write_tree(
        {
            "papersite.yaml": regional(site_config(fake_arxiv)),
            "digests/weekly/2025-03-17.yaml": digest,
        }
    )

    status = main(["enrich", "--source", str(site), "--resolve-titles"])

    assert status == 0
    assert 'digests/weekly/2025-03-17.yaml:5: papers[0]: arxiv: "2505.06708"' in (
        capsys.readouterr().out
    )
    searches = [r.params.get("search_query", "") for r in fake_arxiv.requests]
    assert any(query.startswith('ti:"Gated Attention') for query in searches)


def test_enrich_warns_of_an_id_whose_arxiv_title_is_another_papers(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    digest = weekly_of("title: {ko: 다포, en: Knot Floer homology}", f'arxiv: "{DAPO.id}"')
    site = write_tree(
        {
            "papersite.yaml": regional(site_config(fake_arxiv)),
            "digests/weekly/2025-03-17.yaml": digest,
        }
    )

    report = enrich(site, environ={})

    assert [(w.line, w.field) for w in report.warnings] == [(6, "papers[0].arxiv")]
    assert f"arXiv's title for {DAPO.id} is {DAPO.title!r}" in report.warnings[0].message


def test_new_gives_the_placeholder_title_in_english(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    """The new paper's one title, from which its URL is made, is its English one."""
    site = write_tree({"papersite.yaml": regional(SITE_CONFIG)})

    assert main(["new", "weekly", "--start", "2026-11-23", "--source", str(site)]) == 0

    capsys.readouterr()
    (digest,) = validate(site).digests
    title = digest.digest.papers[0].title
    assert text_in(title, "en-US") == PLACEHOLDER_TITLE
    assert text_in(title, "ko-KR") is None


def test_a_forum_posts_award_is_named_in_english(write_tree: WriteTree) -> None:
    """As in the community's posts: ``[Best Paper]``."""
    site = write_tree(
        {
            "papersite.yaml": regional(SITE_CONFIG),
            "digests/conferences/neurips-2025.yaml": regional(CONFERENCE),
        }
    )

    post = export_digest(site, "digests/conferences/neurips-2025.yaml", "forum")

    assert "\n## [Best Paper] " in post.content.decode("utf-8")
