"""``papersite import``: forum posts and dair-ai weeks become digests the real loader accepts.

The forum's two seed posts are the reference: imported, they give the committed digests in
``digests/`` paper by paper, except for what the editor added that the posts cannot give (listed
in ``EDITOR_ADDITIONS``), and no line of a post is lost. A post ``papersite export --format
forum`` writes imports back to the digest it came from, but for what a forum post does not carry
(``NOT_IN_THE_POST``); so does a raw Markdown post. dair-ai weeks are real excerpts of the
upstream README, one per layout it has used (``tests/data/import/``, each naming its source).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from conftest import DAPO_RECORD, SITE_CONFIG, WEEKLY, WriteTree, arxiv_record, lockfile_text
from papersite import build
from papersite.arxiv_ids import arxiv_base_id
from papersite.cli import main
from papersite.importers import import_post, write_import
from papersite.importers.draft import language_of
from papersite.importers.emit import TRANSLATE
from papersite.importers.links import classify
from papersite.load import load_site, parse_source, read_source
from papersite.lockfile import read_lockfile
from papersite.markup import MarkdownRenderer, plain_paragraph
from papersite.model import EVERY_LANGUAGE, ArxivRecord, Digest, Paper
from papersite.snippets import headings_under
from papersite.validate import validate_document, validate_site
from test_regional_english import regional

REPO = Path(__file__).resolve().parents[1]
WEEK = "digests/weekly/2025-03-17.yaml"
REGIONAL = ["ko-KR", "en-US"]
SEEDS = REPO / "tests" / "data" / "seeds"
"""The two forum posts the project was born from, as the forum shows them (copies of
``../shared/seeds/``), so that every clone can check that they import to ``digests/``."""
DATA = Path(__file__).parent / "data" / "import"
WEEKLY_SEED = SEEDS / "000_bb1cdde4a4ab2b42.txt"
CONFERENCE_SEED = SEEDS / "003_18bac819417c3721.txt"
COMMITTED = {
    WEEKLY_SEED: "digests/weekly/2025-03-17.yaml",
    CONFERENCE_SEED: "digests/conferences/neurips-2025.md",
}

# Texts of the committed NeurIPS digest where the editor wrapped the post's TeX in $…$ (the
# post has the bare TeX): (paper, field, language). Nothing else may differ in them.
EDITOR_ADDITIONS = {
    ("2505.06708", "summary", "ko"),
    ("2505.17638", "summary", "ko"),
    ("2504.13837", "abstract", "en"),
    ("2512.12567", "summary", "ko"),
    ("2512.12567", "abstract", "ko"),
    ("2512.12567", "abstract", "en"),
    ("2512.12567", "sections[0]", "ko"),
    ("2512.12567", "sections[0]", "en"),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site folder with the repository's configuration and lockfile, and no digest yet."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "papersite.yaml", root)
    shutil.copy(REPO / "arxiv.lock.json", root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def load(root: Path, relative: str, languages: list[str] | None = None) -> Digest:
    """A digest file read and validated as the build does (for a site in ``languages``)."""
    document, problems = read_source(root, relative)
    assert document is not None and not problems, problems
    context = {"languages": languages or ["ko", "en"]}
    digest = validate_document(Digest, document, problems, context)
    assert digest is not None and not problems, problems
    return digest


def load_text(text: str, path: str = "digests/weekly/imported.yaml") -> Digest:
    document, problems = parse_source(text, path)
    digest = validate_document(Digest, document, problems, {"languages": ["ko", "en"]})
    assert digest is not None and not problems, problems
    return digest


def text(value: dict[str, str] | None) -> dict[str, str]:
    """A text as a reader sees it: a language whose text is empty is a missing translation,
    and the final newline of a YAML block is not part of the text."""
    return {lang: body.strip() for lang, body in (value or {}).items() if body.strip()}


# --- the seeds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "md"])
@pytest.mark.parametrize("seed", [WEEKLY_SEED, CONFERENCE_SEED], ids=["weekly", "conference"])
def test_importing_a_seed_gives_its_committed_digest(
    site: Path, capsys: pytest.CaptureFixture[str], seed: Path, fmt: str
) -> None:
    status, out, err = run(
        capsys, "import", str(seed), "--from", "forum", "--source", str(site), "--format", fmt
    )

    relative = str(Path(COMMITTED[seed]).with_suffix(f".{fmt}"))
    assert status == 0, err
    assert out == f"{site / relative}\n"
    imported, committed = load(site, relative), load(REPO, COMMITTED[seed])
    assert text(imported.title) == text(committed.title)
    assert text(imported.overview) == text(committed.overview)
    assert imported.period == committed.period
    if committed.conference is not None:
        assert imported.conference is not None
        assert imported.conference.name == committed.conference.name
        assert imported.conference.year == committed.conference.year
    assert [p.identity for p in imported.papers] == [p.identity for p in committed.papers]
    for ours, theirs in zip(imported.papers, committed.papers, strict=True):
        compare_papers(ours, theirs)


def compare_papers(ours: Paper, theirs: Paper) -> None:
    assert text(ours.title) == text(theirs.title)
    assert (ours.arxiv, ours.authors, ours.award) == (theirs.arxiv, theirs.authors, theirs.award)
    assert {(link.kind, link.url) for link in ours.links} == {
        (link.kind, link.url) for link in theirs.links
    }
    assert [text(s.title) for s in ours.sections] == [text(s.title) for s in theirs.sections]
    fields: dict[str, tuple[Any, Any]] = {
        "summary": (ours.summary, theirs.summary),
        "abstract": (ours.abstract, theirs.abstract),
    }
    for index, (mine, other) in enumerate(zip(ours.sections, theirs.sections, strict=True)):
        fields[f"sections[{index}]"] = (mine.body, other.body)
    for name, (mine, other) in fields.items():
        mine, other = text(mine), text(other)
        assert mine.keys() == other.keys(), (theirs.identity, name)
        for lang in mine:
            if (theirs.identity, name, lang) in EDITOR_ADDITIONS:
                assert mine[lang] != other[lang], (
                    f"{theirs.identity} {name} {lang}: no longer differs"
                )
                assert mine[lang] == other[lang].replace("$", ""), (theirs.identity, name, lang)
            else:
                assert mine[lang] == other[lang], (theirs.identity, name, lang)


def test_the_seeds_warnings_name_the_lines_to_review(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        capsys, "import", str(CONFERENCE_SEED), "--from", "forum", "--source", str(site)
    )

    assert status == 0
    # The "read more" lines whose links were lost in the copy, each at its line.
    assert (
        f"{CONFERENCE_SEED}:38:1: 'Gated Attention 논문과 GitHub 저장소는 아래 링크에서 "
        "참고해주세요:' is text among the links: it is in the paper's section 'Read more'; add "
        "the link it names if its URL was lost in the copy (warning)\n"
    ) in err
    assert f"{CONFERENCE_SEED}:87:1: TeX outside $…$ (\\sqrt …)" in err
    assert f"{CONFERENCE_SEED}:112:1: set aside as the forum's own text" in err


# The headings a forum post is built of: they become the digest's structure, not text.
STRUCTURE = {"논문 소개", "논문 초록", "논문 초록(Abstract)", "논문 링크", "더 읽어보기"}
_BULLET = re.compile(r"^[•\-*]\s+")


@pytest.mark.parametrize("seed", [WEEKLY_SEED, CONFERENCE_SEED], ids=["weekly", "conference"])
def test_no_line_of_a_seed_is_lost(site: Path, seed: Path) -> None:
    """Every non-blank line is in the digest: as text (without its list marker), as the parts
    it is made of (a title line's titles, an author line's names, a heading's two names, the
    post title's week and titles), as a link (a URL line, mended), as a heading that is the
    structure, or, for the forum's own lines, in the comment at the top."""
    result = import_post(seed, "forum", site=site)
    digest = load_text(result.text, result.path)
    haystack = " ".join(" ".join(strings(digest)).split())
    comments = "\n".join(line for line in result.text.split("\n") if line.startswith("#"))
    urls = {link.url for paper in digest.papers for link in paper.links}
    for number, raw in enumerate(seed.read_text(encoding="utf-8").split("\n"), start=1):
        line = _BULLET.sub("", raw.strip())
        if not line or line in STRUCTURE or line in comments:
            continue
        if re.fullmatch(r"https?:\s*//\S+", line):
            assert line.replace(": //", "://") in urls, (number, line)
            continue
        pieces = parts(line)
        assert all(" ".join(piece.split()) in haystack for piece in pieces), (number, line)


def parts(line: str) -> list[str]:
    """What a line becomes in a digest."""
    week = re.match(r"^\[[\d/ ~]+\]\s*(.+?)\s*\((.+)\)$", line)
    if week:
        return [week[1], week[2]]
    line = re.sub(r"^\[[A-Za-z -]+\]\s*", "", line)  # an award
    if line.startswith("저자:"):
        return [name.strip() for name in line.removeprefix("저자:").split(",")]
    heading = re.match(r"^([^()]+)\(([^()]+)\)$", line)
    if heading and len(line) < 100:
        return [heading[1], heading[2]]
    return line.split(" / ")


def strings(value: Any) -> list[str]:
    """Every string in a model, recursively."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings(item)]
    if hasattr(value, "model_dump"):
        return strings(value.model_dump())
    return [str(value)] if value is not None else []


# --- the forum layout, beyond the seeds -----------------------------------------------------------


VARIANT_POST = """\
PyTorchKR🔥🇰🇷 🤔💭
[2026/01/05 ~ 01/11] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)

이번 주의 흐름을 정리합니다.

This week in brief.

[Oral] 게이트 어텐션 / Gated Attention for Large Language Models
Authors: Ada Lovelace, Alan Turing
Introduction
게이트를 더해 어텐션 싱크를 없앱니다.
* 간단한 수정
* 큰 효과
It adds a gate and the attention sink is gone.
- a simple change
- a large effect
Abstract: Gating mechanisms have been widely utilized.
Code: https: //github.com/qiuzh20/gated_attention.
Read more
https://x.com/someone/status/1
https://huggingface.co/QwQZh/gated_attention
Project page: https://qiuzh20.github.io/gated/
논문 링크: https://arxiv.org/abs/2505.06708v2
Slides from the talk
Unknown Paper Without Korean Title
논문 소개
제목이 영어뿐인 논문입니다.
"""


def test_the_forum_layout_in_its_variants(tmp_path: Path, site: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text(VARIANT_POST, encoding="utf-8")

    result = import_post(post, "forum", site=site)

    digest = load_text(result.text, result.path)
    assert result.path == "digests/weekly/2026-01-05.yaml"
    assert digest.period is not None and digest.period.end == dt.date(2026, 1, 11)
    assert text(digest.overview) == {
        "ko": "이번 주의 흐름을 정리합니다.",
        "en": "This week in brief.",
    }
    gated, unknown = digest.papers
    assert gated.title == {"ko": "게이트 어텐션", "en": "Gated Attention for Large Language Models"}
    assert (gated.award, gated.authors) == ("oral", ["Ada Lovelace", "Alan Turing"])
    assert text(gated.summary) == {
        "ko": "게이트를 더해 어텐션 싱크를 없앱니다.\n\n- 간단한 수정\n- 큰 효과",
        "en": "It adds a gate and the attention sink is gone.\n\n- a simple change\n- a large effect",
    }
    assert text(gated.abstract) == {
        "en": "Gating mechanisms have been widely utilized.\n\n"
        "Code: https: //github.com/qiuzh20/gated_attention."
    }
    assert gated.arxiv == "2505.06708"  # from the arXiv link, without its version
    assert [(link.kind, link.url, link.label) for link in gated.links] == [
        ("code", "https://github.com/qiuzh20/gated_attention", "qiuzh20/gated_attention"),
        ("discussion", "https://x.com/someone/status/1", "X thread"),
        ("model", "https://huggingface.co/QwQZh/gated_attention", "QwQZh/gated_attention"),
        ("project", "https://qiuzh20.github.io/gated/", "Project page"),
        ("paper", "https://arxiv.org/abs/2505.06708v2", None),
    ]
    (marked,) = gated.sections
    assert (text(marked.title), text(marked.body)) == (
        {"ko": "더 읽어보기", "en": "Read more"},  # the words of the heading it was under
        {"en": "Slides from the talk"},
    )
    assert [str(w) for w in result.warnings] == [
        f"{post}:1:1: set aside as the forum's own text, kept as a comment at the top: "
        "'PyTorchKR🔥🇰🇷 🤔💭'",
        f"{post}:24:1: 'Slides from the talk' is text among the links: it is in the paper's "
        "section 'Read more'; add the link it names if its URL was lost in the copy",
    ]
    assert "#   line 1: PyTorchKR🔥🇰🇷 🤔💭\n" in result.text
    assert unknown.title == {"ko": "", "en": "Unknown Paper Without Korean Title"}
    assert unknown.arxiv is None and unknown.links == []


@pytest.mark.parametrize(
    "heading",
    ["선정 위원회 평가(Reflections from the Selection Committee)", "### 추가 메모(Extra notes)"],
    ids=["plain", "markdown"],
)
def test_a_section_heading_with_no_text_is_left_out_with_a_warning(
    tmp_path: Path, site: Path, heading: str
) -> None:
    """A post whose section lost its text in the copy (the seeds lost some): a section must have
    a body, so the import failed, naming a digest file that did not exist."""
    post = tmp_path / "post.txt"
    post.write_text(
        "[2026/01/12 ~ 01/18] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)\n\n"
        "첫 논문 / First paper\n\n논문 소개\n\n소개.\n\nIntro.\n\n"
        f"{heading}\n\n논문 초록(Abstract)\n\nThe abstract.\n",
        encoding="utf-8",
    )

    result = import_post(post, "forum", site=site)

    (paper,) = load_text(result.text, result.path).papers
    assert paper.sections == []
    assert text(paper.abstract) == {"en": "The abstract."}
    title = heading.removeprefix("### ").replace("(", " / ").rstrip(")")
    assert [str(warning) for warning in result.warnings] == [
        f"{post}:11:1: the section '{title}' has no text under it: it is left out"
    ]


@pytest.mark.parametrize(
    ("title_line", "title"),
    [
        (
            "둘째 논문 / Second Paper (and Beyond)",
            {"ko": "둘째 논문", "en": "Second Paper (and Beyond)"},
        ),
        ("둘째 논문 (Second Paper)", {"ko": "둘째 논문", "en": "Second Paper"}),
    ],
    ids=["slash-and-parentheses", "parentheses"],
)
def test_a_title_with_parentheses_starts_a_paper(
    tmp_path: Path, site: Path, title_line: str, title: dict[str, str]
) -> None:
    """A title line ending in parentheses has the form of a section's heading (한국어(English)):
    it was read as an empty section of the paper before, whose title was left out and whose
    introduction was added to that paper's."""
    post = tmp_path / "post.txt"
    post.write_text(
        "[2026/01/12 ~ 01/18] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)\n\n"
        "첫 논문 / First paper\n\n논문 소개\n\n첫 소개.\n\nFirst intro.\n\n"
        f"{title_line}\n\n논문 소개\n\n둘째 소개.\n\nSecond intro.\n",
        encoding="utf-8",
    )

    result = import_post(post, "forum", site=site)

    first, second = load_text(result.text, result.path).papers
    assert text(first.summary) == {"ko": "첫 소개.", "en": "First intro."}
    assert second.title == title
    assert text(second.summary) == {"ko": "둘째 소개.", "en": "Second intro."}
    assert result.warnings == []


HEADING_WORDS_AS_TEXT = """\
[2026/01/05 ~ 01/11] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)

첫 논문 / First paper

논문 소개

요약

Summary

논문 초록(Abstract)

The abstract.

둘째 논문 / Second paper

논문 소개

둘째 소개.

Links

논문 초록(Abstract)

Abstract
"""


def test_a_text_that_is_one_of_the_forums_words_is_kept_as_text(tmp_path: Path, site: Path) -> None:
    """A text that is a single line equal to a heading word (``요약``, ``Summary``) was read as
    a heading with nothing under it, and vanished: it is the text of the part it stands in,
    with a warning; a heading word that does start a new part is reported where it is left."""
    post = tmp_path / "post.txt"
    post.write_text(HEADING_WORDS_AS_TEXT, encoding="utf-8")

    result = import_post(post, "forum", site=site)

    first, second = load_text(result.text, result.path).papers
    assert text(first.summary) == {"ko": "요약", "en": "Summary"}
    assert text(first.abstract) == {"en": "The abstract."}
    assert text(second.summary) == {"ko": "둘째 소개."}
    assert text(second.abstract) == {"en": "Abstract"}
    taken = "is taken for text, not a heading: no text follows it, and it starts no new part; "
    assert [str(warning) for warning in result.warnings] == [
        f"{post}:7:1: '요약' {taken}delete it from the digest if it is a heading",
        f"{post}:9:1: 'Summary' {taken}delete it from the digest if it is a heading",
        f"{post}:21:1: the heading 'Links' has no text under it: it is left out (if it is a "
        "text, put it in the digest)",
        f"{post}:25:1: 'Abstract' {taken}delete it from the digest if it is a heading",
    ]


def test_a_text_that_is_one_of_the_forums_words_survives_export_and_import(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An exported post writes its headings as Markdown headings, its texts as plain lines."""
    digest = WEEKLY.replace('{ko: "한국어 소개", en: "English introduction"}', '{ko: "요약"}')
    digest = digest.replace('en: "English abstract"', 'en: "Abstract"')
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    assert text(imported.papers[0].summary) == text(original.papers[0].summary) == {"ko": "요약"}
    assert text(imported.papers[0].abstract) == {"ko": "한국어 초록", "en": "Abstract"}


def test_a_text_that_is_one_of_the_forums_words_before_its_translation_survives_export_and_import(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``소개`` followed by its English text was read as a heading with text under it: the
    Korean introduction and abstract were lost. An exported post's headings are Markdown
    headings, so a plain line there is text."""
    digest = WEEKLY.replace('ko: "한국어 소개"', 'ko: "소개"').replace(
        'ko: "한국어 초록"', 'ko: "초록"'
    )
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    original, imported, err = export_and_import(
        capsys, site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    assert text(imported.papers[0].summary) == text(original.papers[0].summary) == {
        "ko": "소개", "en": "English introduction"
    }  # fmt: skip
    assert text(imported.papers[0].abstract) == {"ko": "초록", "en": "English abstract"}
    assert "has no text under it" not in err


def test_titles_holding_parentheses_survive_export_and_import(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``한국어 (요약) (English)``: the English title went into the Korean one, and the digest's
    got the usual weekly title instead."""
    digest = WEEKLY.replace(
        'title: {ko: "이번 주의 논문", en: "Papers of the week"}',
        'title: {ko: "이번 주의 논문 (요약)", en: "Papers of the week"}',
    ).replace(
        "    links:\n",
        "    sections:\n"
        '      - title: {ko: "추가 (부록)", en: "Extra (Appendix)"}\n'
        '        body: {ko: "부록", en: "Appendix"}\n'
        "    links:\n",
    )
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    assert text(imported.title) == text(original.title) == {
        "ko": "이번 주의 논문 (요약)", "en": "Papers of the week"
    }  # fmt: skip
    assert [text(s.title) for s in imported.papers[0].sections] == [
        {"ko": "추가 (부록)", "en": "Extra (Appendix)"}
    ]


def test_a_code_block_survives_import_in_the_markdown_form(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Markdown form escaped a code block's fences and its ``# comment`` lines: the code
    became text, with backslashes."""
    code = "```bash\n# install it\npip install papersite\n```"
    digest = WEEKLY.replace(
        'summary: {ko: "한국어 소개", en: "English introduction"}',
        "summary:\n      ko: |\n        한국어 소개\n\n"
        + textwrap.indent(code, " " * 8)
        + '\n      en: "English introduction"',
    )
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2025-03-17.yaml", tmp_path, fmt="md"
    )

    assert text(imported.papers[0].summary) == text(original.papers[0].summary) == {
        "ko": f"한국어 소개\n\n{code}", "en": "English introduction"
    }  # fmt: skip


THREE_LANGUAGES = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week", ja: "今週の論文"}
papers:
  - title: {ko: "다포", en: "DAPO: Reinforcement Learning at Scale", ja: "大規模な強化学習"}
    summary: {ko: "한국어 소개", en: "English introduction", ja: "日本語の紹介です。"}
    abstract: {ko: "한국어 초록", en: "English abstract", ja: "概要"}
    sections:
      - title: {ko: "평가", en: "Reflections", ja: "評価"}
        body: {ko: "한국어 평가", en: "The committee's view", ja: "委員会の評価です。"}
    links:
      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}
"""


@pytest.mark.parametrize("languages", [["ko", "en", "ja"], ["ko-KR", "en-US", "ja-JP"]])
@pytest.mark.parametrize("fmt", ["yaml", "md"])
def test_a_third_languages_texts_survive_export_and_import(
    write_tree: WriteTree,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
    languages: list[str],
) -> None:
    """A site in [ko, en, ja] exports its Japanese too: the import, which read Korean and
    English only, put it in the English texts and titles (kana, or Han alone: 概要, 評価). In
    ``[ko-KR, en-US, ja-JP]`` Japanese is told apart by its primary subtag."""
    codes = dict(zip(("ko", "en", "ja"), languages, strict=True))
    config = SITE_CONFIG.replace("languages: [ko, en]", "languages: [ko, en, ja]")
    site = write_tree(
        {
            "papersite.yaml": re.sub(r"\b(ko|en|ja)\b", lambda m: codes[m[1]], config),
            WEEK: re.sub(
                r"([{,] ?)(ko|en|ja):", lambda m: m[1] + codes[m[2]] + ":", THREE_LANGUAGES
            ),
        }
    )

    original, imported, err = export_and_import(capsys, site, WEEK, tmp_path, languages, fmt)

    assert text(imported.title) == text(original.title)
    [paper], [before] = imported.papers, original.papers
    for field in ("title", "summary", "abstract"):
        assert text(getattr(paper, field)) == text(getattr(before, field)), field
    assert [(text(s.title), text(s.body)) for s in paper.sections] == [
        (text(s.title), text(s.body)) for s in before.sections
    ]
    assert "none of the import's languages" not in err


def test_a_language_the_site_lacks_is_named_where_the_import_puts_it(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Japanese in a post for a site in [ko, en] stays with the English text, with a warning."""
    site = write_tree({"papersite.yaml": SITE_CONFIG})
    post = tmp_path / "post.md"
    post.write_text(
        "[2025/03/17 ~ 03/23] 이번 주의 논문 (Papers of the week)\n\n"
        "## 다포 / DAPO\n\n### 논문 소개\n\n한국어 소개\n\nEnglish introduction\n\n"
        "日本語の紹介です。\n",
        encoding="utf-8",
    )

    status, out, err = run(
        capsys, "import", str(post), "--from", "forum", "--source", str(site), "--out", "-"
    )

    assert status == 0, err
    assert text(load_text(out).papers[0].summary) == {
        "ko": "한국어 소개",
        "en": "English introduction\n\n日本語の紹介です。",
    }
    assert (
        f"{post}:11:1: '日本語の紹介です' is in none of the import's languages (ko, en): it is kept "
        "with the text or title around it; move it to its own language in the digest, or add "
        "its language to 'languages' in papersite.yaml (warning)"
    ) in err.splitlines()


def test_a_korean_paragraph_that_cites_a_long_url_stays_korean(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The URL's Latin letters outnumbered the line's Hangul: it was filed as English."""
    site = write_tree({"papersite.yaml": SITE_CONFIG})
    url = "https://en.wikipedia.org/wiki/Transformer_(deep_learning_architecture)"
    post = tmp_path / "post.txt"
    post.write_text(
        "[2025/03/17 ~ 03/23] 이번 주의 논문 (Papers of the week)\r\n\r\n"
        "다포 / DAPO\r\n\r\n논문 소개\r\n\r\n"
        f"이 논문은 {url} 를 인용합니다 🙂.\r\n\r\nThis paper cites {url}.\r\n",
        encoding="utf-8",
    )

    status, out, err = run(
        capsys, "import", str(post), "--from", "forum", "--source", str(site), "--out", "-"
    )

    assert status == 0, err
    assert text(load_text(out).papers[0].summary) == {
        "ko": f"이 논문은 {url} 를 인용합니다 🙂.",
        "en": f"This paper cites {url}.",
    }


@pytest.mark.parametrize(
    ("line", "languages", "language"),
    [
        ("日本語の紹介です。GPT-4 を使う", ["ko", "en", "ja"], "ja"),
        ("評価", ["ko", "en", "ja"], "ja"),  # Han alone: Japanese on a site without Chinese
        ("評価", ["ko", "en", "zh", "ja"], "zh"),  # and Chinese where the site has it
        ("日本語の紹介です。", ["ko", "en", "zh", "ja"], "ja"),
        ("日本語の紹介です。", ["ko", "en"], "en"),  # no Japanese on the site: with English
        ("한국어 소개 (韓國語)", ["ko", "en", "ja"], "ko"),
        ("A model named 大 here", ["ko", "en", "ja"], "en"),
    ],
)
def test_languages_are_told_apart_by_script_among_the_sites(
    line: str, languages: list[str], language: str
) -> None:
    assert language_of(line, languages) == language


CODE_AND_TABLES = """\
[2026/01/05 ~ 01/11] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)

첫 논문 / First paper

논문 소개

다음 코드로 실행합니다:

```python
def f(x):
    return x  # 들여쓰기

Abstract
```

| 모델 | 점수 |
|---|---|
| A | 1 |

Run it with this code:

~~~
def f(x):
    return x
~~~

| model | score |
| :-- | --: |
| A | 1 |

논문 초록(Abstract)

The abstract.
"""


def test_code_and_tables_in_a_post_keep_their_markdown(tmp_path: Path, site: Path) -> None:
    """Every line of them was a paragraph of its own, by its script: a fence's code lost its
    indentation and went to English, a table's rows were paragraphs, and a line in code that is
    a heading's word ("Abstract") started the abstract."""
    post = tmp_path / "post.txt"
    post.write_text(CODE_AND_TABLES, encoding="utf-8")

    result = import_post(post, "forum", site=site)

    (paper,) = load_text(result.text, result.path).papers
    assert text(paper.summary) == {
        "ko": "다음 코드로 실행합니다:\n\n```python\ndef f(x):\n    return x  # 들여쓰기\n\n"
        "Abstract\n```\n\n| 모델 | 점수 |\n|---|---|\n| A | 1 |",
        "en": "Run it with this code:\n\n~~~\ndef f(x):\n    return x\n~~~\n\n"
        "| model | score |\n| :-- | --: |\n| A | 1 |",
    }
    assert text(paper.abstract) == {"en": "The abstract."}
    assert result.warnings == []


def test_a_conference_post_takes_its_name_and_year_from_the_title(tmp_path: Path) -> None:
    post = tmp_path / "icml.txt"
    post.write_text(
        "ICML 2026 Outstanding Papers\n\nA short note.\n\n"
        "한국어 제목 / An English Title\n논문 초록\nThe abstract.\n",
        encoding="utf-8",
    )

    result = import_post(post, "forum", site=tmp_path, fmt="md")

    digest = load_text(result.text, result.path)
    assert result.path == "digests/conferences/icml-2026.md"
    assert digest.conference is not None
    assert (digest.conference.name, digest.conference.year) == ("ICML", 2026)
    assert digest.title == {"ko": "ICML 2026 우수 논문 소개", "en": "ICML 2026 Outstanding Papers"}
    assert text(digest.papers[0].abstract) == {"en": "The abstract."}


def test_a_post_without_a_paper_is_an_error(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "post.txt"
    post.write_text("[2026/01/05 ~ 01/11] 이번 주\n\n그냥 글입니다.\n", encoding="utf-8")

    status, out, err = run(capsys, "import", str(post), "--from", "forum", "--source", str(site))

    assert (status, out) == (1, "")
    assert err.startswith(f"error: {post}: no paper found;")
    assert not (site / "digests").exists()


@pytest.mark.parametrize(
    "second_title",
    [
        "[2026/01/12 ~ 01/18] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)",
        "[ICML 2026] 수상 논문",
    ],
)
def test_two_posts_in_one_file_are_an_error_at_the_second(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str], second_title: str
) -> None:
    """Their papers made one digest, the second post's title a section of a paper."""
    week = "{title}\n\n{paper} / {paper}\n\n논문 소개\n\n소개입니다.\n\n"
    post = tmp_path / "post.txt"
    first = week.format(title="[2026/01/05 ~ 01/11] 이번 주의 주요 ML 논문", paper="First")
    post.write_text(first + week.format(title=second_title, paper="Second"), encoding="utf-8")

    status, out, err = run(capsys, "import", str(post), "--from", "forum", "--source", str(site))

    assert (status, out) == (1, "")
    assert err.startswith(f"error: {post}:9: a second post starts here"), err
    assert not (site / "digests").exists()


# --- the round trip: export --format forum, then import --from forum -----------------------------

NOT_IN_THE_POST = {
    "tags": "the digest's and the papers' tags",
    "date": "a conference digest's date (the import puts the year's last day, with a warning)",
    "conference.url": "the conference's URL",
    "source, aliases": "where the digest was first published, its old addresses",
    "shared texts": "a plain string (shared by every language) comes back in its script's language",
    "arxiv version": "an arXiv ID's pinned version (2503.14476v2 comes back as 2503.14476)",
    "own labels only": "a link without a label of its own gets its host's (owner/repo, X thread)",
}
"""What an exported post does not carry, so that importing it gives a digest without it (the
README says so too). Everything else survives: the titles, the overview, each paper's titles,
authors, affiliations, award, summary, abstract, sections, links (URL, kind, label) and arXiv
ID; what the site shows from arXiv (authors, English title and abstract) becomes the digest's."""

# A conference digest with what the examples lack: a title that does not name the conference,
# a free-text award, affiliations (one with a comma), missing translations, plain-string
# texts, a section titled in one language, links whose kinds their hosts do not tell, labels
# with brackets, a pinned arXiv version, and a paper known only by arXiv's record.
SYNTHETIC = """\
kind: conference
conference: {name: ICML, year: 2026, url: "https://icml.cc/"}
date: 2026-07-20
title: {ko: "올해의 수상 논문", en: "This year's award-winning papers"}
overview: {ko: "올해 **수상작**을 소개합니다.\\n\\n- 최우수 논문 한 편\\n- 시간의 시험상 한 편"}
tags: [llm]
papers:
  - title: {ko: "게이트 어텐션", en: "Gated Attention (and Beyond) / A Study"}
    arxiv: "2601.00001"
    authors: ["Ada Lovelace", "Alan Turing"]
    affiliations: ["University of California, Berkeley", "KAIST"]
    award: best-paper
    summary:
      ko: |
        게이트를 더해 *어텐션 싱크*를 없앱니다.

        - 간단한 수정
        - 큰 효과
      en: |
        It adds a gate, and the **attention sink** is gone.

        - a simple change
        - a large effect
    abstract: {en: "Gating mechanisms have been widely utilized."}
    sections:
      - title: {ko: "선정 위원회 평가", en: "Reflections from the Selection Committee"}
        body: {ko: "위원회는 이 논문을 높이 평가합니다.", en: "The committee praises it."}
      - title: {ko: "구현 메모", en: "Notes (implementation)"}
        body: {ko: "코드는 몇 줄이면 됩니다."}
      - title: {ko: "더 생각해 볼 점"}
        body: {ko: "게이트는 어디에 둘까요?", en: "Where should the gate go?"}
    links:
      - {kind: paper, url: "https://arxiv.org/abs/2601.00001"}
      - {kind: code, url: "https://github.com/qiuzh20/gated_attention", label: "Official [code]"}
      - {kind: blog, url: "https://example.com/blog/gated-attention"}
      - {kind: project, url: "https://example.org/gated", label: "Project page"}
      - {kind: discussion, url: "https://x.com/someone/status/1", label: "X thread"}
      - {kind: video, url: "https://www.youtube.com/watch?v=abc"}
    tags: [attention]
  - title: "Shared Title Without Translation"
    award: "Test of Time"
    summary: "모든 언어에 같은 소개입니다."
    links:
      - {kind: dataset, url: "https://huggingface.co/datasets/owner/data", label: "The data"}
      - {kind: other, url: "https://example.com/notes."}
  - title: {ko: "DAPO: 대규모 오픈소스 강화 학습 시스템"}
    arxiv: "2503.14476v2"
    award: runner-up
    summary: {ko: "한국어 소개만 있습니다.", en: ""}
    links:
      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}
"""


@pytest.fixture
def synthetic_site(write_tree: WriteTree) -> Path:
    """A site with SYNTHETIC as its only digest, and DAPO's arXiv record in its lockfile."""
    return write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/conferences/icml-2026.yaml": SYNTHETIC,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )


def export_and_import(
    capsys: pytest.CaptureFixture[str],
    site: Path,
    digest: str,
    out: Path,
    languages: list[str] | None = None,
    fmt: str = "yaml",
) -> tuple[Digest, Digest, str]:
    """The digest as the site (in ``languages``) reads it, and as exported to a forum post and
    imported back in the form ``fmt`` (both through the command line), with what the import
    printed to standard error."""
    post, imported = out / "post.md", out / f"imported.{fmt}"
    status, _, err = run(
        capsys, "export", digest, "--format", "forum", "--source", str(site), "--out", str(post)
    )
    assert status == 0, err
    status, _, err = run(
        capsys, "import", str(post), "--from", "forum", "--source", str(site),
        "--out", str(imported), "--format", fmt,
    )  # fmt: skip
    assert status == 0, err
    original = next(d.digest for d in validate_site(load_site(site)).digests if d.path == digest)
    return original, load(out, imported.name, languages), err


def test_an_arxiv_id_without_a_link_or_a_record_survives_export_and_import(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The post gives the arXiv page of a paper whose links do not, so the ID comes back even
    where the lockfile does not know the paper (a paper added since the last enrich)."""
    digest = (
        WEEKLY.replace('"2503.14476"', '"2604.01234"')
        .replace(
            '    links:\n      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}\n',
            "",
        )
        .replace("English introduction", "The paper scales reinforcement learning for LLMs.")
        .replace("English abstract", "We propose an open-source system for RL at scale.")
    )
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    assert original.papers[0].links == [] and original.papers[0].arxiv == "2604.01234"
    assert imported.papers[0].arxiv == "2604.01234"


DEEPSEEK_V3 = arxiv_record("2412.19437", "DeepSeek-V3 Technical Report")
DEEPSEEK_V3_2 = arxiv_record("2512.02556", "DeepSeek-V3.2 Technical Report")
"""Two arXiv papers whose titles are 97% alike once normalised: a number apart."""


@pytest.mark.parametrize(
    ("records", "expected"),
    [([DEEPSEEK_V3], None), ([DEEPSEEK_V3, DEEPSEEK_V3_2], "2512.02556")],
    ids=["only-the-other-paper", "both-papers"],
)
def test_an_imported_title_a_number_apart_from_a_records_is_not_that_paper(
    write_tree: WriteTree,
    tmp_path: Path,
    records: list[dict[str, Any]],
    expected: str | None,
) -> None:
    """The lockfile gives an imported paper its ID by title as ``enrich`` resolves one: a
    title nearly the same but for a number is another paper's (DeepSeek-V3.2 took V3's ID)."""
    site = write_tree({"papersite.yaml": SITE_CONFIG, "arxiv.lock.json": lockfile_text(*records)})
    post = tmp_path / "post.txt"
    post.write_text(
        "[2026/01/12 ~ 01/18] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)\n\n"
        "딥시크 V3.2 / DeepSeek-V3.2 Technical Report\n\n논문 소개\n\n소개.\n\nIntro.\n",
        encoding="utf-8",
    )

    result = import_post(post, "forum", site=site)

    (paper,) = load_text(result.text, result.path).papers
    assert paper.title["en"] == "DeepSeek-V3.2 Technical Report"
    assert paper.arxiv == expected


def test_titles_survive_export_and_import_on_a_site_whose_first_language_is_english(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its post writes each title English first ("DAPO: … / 다포"): the import tells the halves
    apart by their script, not by their order."""
    config = SITE_CONFIG.replace("languages: [ko, en]", "languages: [en, ko]")
    site = write_tree({"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": WEEKLY})

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    assert imported.papers[0].title == original.papers[0].title == {
        "ko": "다포", "en": "DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
    }  # fmt: skip


def test_import_into_a_site_without_korean_says_so_before_reading_the_post(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The importer writes ko and en texts: on an English-only site even a post the site
    exported failed, with errors at a digest file that did not exist."""
    config = 'title: "Papers"\nbase_url: "https://example.org/"\nlanguages: [en]\n'
    site = write_tree({"papersite.yaml": config})
    post = tmp_path / "post.md"
    post.write_text("# [2026/01/12 ~ 01/18] Top ML Papers of the Week\n\n## A paper\n\n"
                    "### Introduction\n\nHello.\n", encoding="utf-8")  # fmt: skip

    status, out, err = run(capsys, "import", str(post), "--from", "forum", "--source", str(site))

    assert (status, out) == (1, "")
    assert err == (
        "error: papersite import writes Korean and English texts (ko, en), and this site's "
        "languages are en: add ko to 'languages' in papersite.yaml, or import into a site that "
        "has both (--source)\n"
    )
    assert not (site / "digests").exists()


@pytest.mark.parametrize("fmt", ["yaml", "md"])
def test_a_post_imported_into_a_regional_site_is_written_in_its_codes_and_builds(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """A site in ``[ko-KR, en-US]`` imports the post it exported: the import wrote ``ko`` and
    ``en``, which the site does not declare, so it refused the site."""
    site = write_tree({"papersite.yaml": regional(SITE_CONFIG), WEEK: regional(WEEKLY)})
    post = tmp_path / "post.md"
    run(capsys, "export", WEEK, "--format", "forum", "--source", str(site), "--out", str(post))
    original = load(site, WEEK, REGIONAL)
    (site / WEEK).unlink()

    status, _, err = run(
        capsys, "import", str(post), "--from", "forum", "--source", str(site), "--format", fmt
    )

    assert status == 0, err
    imported = load(site, WEEK.replace(".yaml", f".{fmt}"), REGIONAL)
    [paper], [before] = imported.papers, original.papers
    assert text(imported.title) == text(original.title)
    for field in ("title", "summary", "abstract"):
        assert text(getattr(paper, field)) == text(getattr(before, field)), field
    summary = built_summary(site, tmp_path / "out")
    assert summary == {"ko-KR": "한국어 소개", "en-US": "English introduction"}


@pytest.mark.parametrize("fmt", ["yaml", "md"])
def test_a_dair_ai_week_imported_into_a_regional_site_is_written_in_its_codes_and_builds(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """The English texts go under ``en-US``, and the Korean ones left to translators under
    ``ko-KR``, with the note for them."""
    site = write_tree({"papersite.yaml": regional(SITE_CONFIG)})

    result = import_post(DATA / "dair-ai-2025-03-17.md", "dair-ai", site=site, fmt=fmt)
    write_import(result, site)

    digest = load(site, result.path, REGIONAL)
    assert digest.papers[0].title == {"ko-KR": "", "en-US": "A Review of DeepSeek Models"}
    assert f'"A Review of DeepSeek Models"}}  # ko-KR: {TRANSLATE}' in result.text
    assert " ko:" not in result.text and " en:" not in result.text
    build(site, tmp_path / "out", search=False)
    page = lxml.html.parse(str(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html"))
    english = page.xpath("//article[@class='paper'][1]//h2//*[@lang='en-US']")
    assert english and english[0].text_content().strip() == "A Review of DeepSeek Models"


def built_summary(site: Path, out: Path) -> dict[str, str]:
    """The first paper's introduction on the built digest page, by the ``lang`` it is in."""
    build(site, out, search=False)
    page = lxml.html.parse(str(out / "weekly" / "2025-03-17" / "index.html"))
    found = page.xpath(
        "//article[@class='paper'][1]//section[contains(@class, 'field-summary')]/div"
    )
    return {node.get("lang"): node.text_content().strip() for node in found}


@pytest.mark.parametrize(
    "digest", ["digests/weekly/2025-03-17.yaml", "digests/conferences/neurips-2025.md"]
)
def test_imported_links_come_paper_links_first_as_the_post_lists_them(
    example_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], digest: str
) -> None:
    """Also where a text names a code link before the post's link sections do."""
    _, imported, _ = export_and_import(capsys, example_site, digest, tmp_path)

    for paper in imported.papers:
        kinds = [link.kind in ("paper", "pdf") for link in paper.links]
        assert kinds == sorted(kinds, reverse=True), (paper.title, paper.links)


def test_an_author_whose_name_holds_a_comma_survives_export_and_import(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    authors = ["A. Author", "B. Author, Jr.", "C. Author"]
    digest = WEEKLY.replace("    summary:", f"    authors: {authors!r}\n    summary:", 1)
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    assert original.papers[0].authors == imported.papers[0].authors == authors


def test_a_paper_with_long_titles_survives_export_and_import(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Export writes the paper's heading as its two titles joined: past 300 characters the
    heading was taken for text, and the paper for a section of the one before it."""
    titles = {"ko": " ".join(["긴 제목의 논문"] * 12), "en": " ".join(["A Long Title"] * 20)}
    second = (
        f"  - title: {json.dumps(titles, ensure_ascii=False)}\n"
        '    summary: {ko: "두 번째 소개", en: "The second introduction"}\n'
    )
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": WEEKLY + second}
    )

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    assert len(" / ".join(original.papers[1].title.values())) > 300
    assert [paper.title for paper in imported.papers] == [paper.title for paper in original.papers]
    assert text(imported.papers[1].summary) == text(original.papers[1].summary)
    assert imported.papers[0].sections == []


@pytest.mark.parametrize(
    "ending",
    [
        "$$L = \\sum_i x_i$$",
        "```\nprint(1)\n```",
        "**Bold end**",
        "> quoted",
        "1. first",
        "See https://example.com/x",
        "| a | b |\n|---|---|\n| 1 | 2 |",
    ],
)
def test_a_text_that_ends_in_a_short_line_survives_export_and_import(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str], ending: str
) -> None:
    """An exported post's papers are its headings: the last line of a text before the next
    part's heading (display math, a code fence, a list item) was taken for a new paper's
    title, which took the abstract, sections, links and arXiv ID with it."""
    summary = "English introduction.\n\n" + ending
    digest = WEEKLY.replace('en: "English introduction"', f"en: {json.dumps(summary)}")
    assert "English abstract" in digest
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    assert len(imported.papers) == len(original.papers)
    paper = imported.papers[0]
    assert text(paper.summary)["en"] == summary  # code and tables as written, not paragraphs
    assert text(paper.abstract)["en"].strip() == "English abstract"
    assert paper.arxiv == original.papers[0].arxiv


def test_a_plain_posts_introduction_keeps_its_last_line_before_the_abstract(
    tmp_path: Path, site: Path
) -> None:
    """In a post without Markdown headings, a short line before the abstract's heading, in a
    paper that has its introduction, is the introduction's end, not a new paper."""
    post = tmp_path / "post.txt"
    post.write_text(
        "[2026/01/05 ~ 01/11] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)\n\n"
        "첫 논문 / First Paper\n\n논문 소개\n\n이 논문은 새로운 방법을 제안합니다.\n\n"
        "자세한 내용은 아래를 참고하세요!\n\n논문 초록(Abstract)\n\n초록입니다.\n\n"
        "This is the abstract.\n\n더 읽어보기\n\nhttps://github.com/a/b\n"
        "둘째 논문 / Second Paper\n\n논문 초록(Abstract)\n\nThe second abstract.\n",
        encoding="utf-8",
    )

    result = import_post(post, "forum", site=site)

    digest = load_text(result.text, result.path)
    assert [text(paper.title).get("en") for paper in digest.papers] == [
        "First Paper", "Second Paper",
    ]  # fmt: skip
    first = digest.papers[0]
    assert text(first.summary)["ko"].rstrip().endswith("자세한 내용은 아래를 참고하세요!")
    assert text(first.abstract)["en"].strip() == "This is the abstract."
    assert [link.url for link in first.links] == ["https://github.com/a/b"]


def arxiv_records(site: Path) -> dict[str, ArxivRecord]:
    """The site's arXiv records (its lockfile), by arXiv ID."""
    papers = read_lockfile(site).papers
    return {arxiv_id: entry.arxiv for arxiv_id, entry in papers.items() if entry.arxiv}


def as_posted(value: dict[str, str] | None, from_arxiv: str | None = None) -> dict[str, str]:
    """A text as a post gives it back: each translation the digest has (arXiv's English where
    it has none, as the site shows), and a text shared by every language in the language of
    its script (the post writes it once)."""
    posted = text(value)
    if EVERY_LANGUAGE in posted:
        shared = posted.pop(EVERY_LANGUAGE)
        posted[language_of(shared)] = shared
    if from_arxiv and "en" not in posted:
        posted["en"] = from_arxiv
    return posted


def assert_survives(original: Digest, imported: Digest, records: dict[str, ArxivRecord]) -> None:
    """Everything a forum post carries came back, paper by paper."""
    assert text(imported.title) == as_posted(original.title)
    assert text(imported.overview) == as_posted(original.overview)
    assert imported.period == original.period
    if original.conference is not None:
        assert imported.conference is not None
        assert (imported.conference.name, imported.conference.year) == (
            original.conference.name,
            original.conference.year,
        )
    assert len(imported.papers) == len(original.papers)
    for ours, theirs in zip(imported.papers, original.papers, strict=True):
        record = records.get(arxiv_base_id(theirs.arxiv)) if theirs.arxiv else None
        where = theirs.identity
        assert text(ours.title) == as_posted(theirs.title, record and record.title), where
        assert ours.arxiv == (arxiv_base_id(theirs.arxiv) if theirs.arxiv else None), where
        assert ours.authors == (theirs.authors or (record.authors if record else [])), where
        assert (ours.affiliations, ours.award) == (theirs.affiliations, theirs.award), where
        assert text(ours.summary) == as_posted(theirs.summary), where
        abstract = plain_paragraph(record.abstract) if record and record.abstract else None
        assert text(ours.abstract) == as_posted(theirs.abstract, abstract), where
        assert [(as_posted(s.title), as_posted(s.body)) for s in ours.sections] == [
            (as_posted(s.title), as_posted(s.body)) for s in theirs.sections
        ], where
        assert_links_survive(ours, theirs)


def assert_links_survive(ours: Paper, theirs: Paper) -> None:
    """The same links (URL and kind), the arXiv page added where the digest has none (as any
    import adds it), and each label the digest gives (else the one the link's host gives)."""
    expected = {(link.kind, str(link.url)) for link in theirs.links}
    arxiv_page = f"https://arxiv.org/abs/{arxiv_base_id(theirs.arxiv)}" if theirs.arxiv else None
    if arxiv_page and not any(str(link.url).startswith(arxiv_page) for link in theirs.links):
        expected.add(("paper", arxiv_page))
    assert sorted((link.kind, str(link.url)) for link in ours.links) == sorted(expected)
    labels = {str(link.url): link.label for link in ours.links}
    for link in theirs.links:
        host = classify(str(link.url))
        given = link.label or (host.label if host.kind == link.kind else None)
        assert labels[str(link.url)] == given, (theirs.identity, str(link.url))


@pytest.mark.parametrize("digest", list(COMMITTED.values()))
def test_an_example_digest_survives_export_and_import(
    capsys: pytest.CaptureFixture[str], example_site: Path, tmp_path: Path, digest: str
) -> None:
    original, imported, _ = export_and_import(capsys, example_site, digest, tmp_path)

    assert_survives(original, imported, arxiv_records(example_site))
    assert original.tags and imported.tags == []  # NOT_IN_THE_POST
    assert all(paper.tags == [] for paper in imported.papers)


def test_a_synthetic_digest_survives_export_and_import(
    capsys: pytest.CaptureFixture[str], synthetic_site: Path, tmp_path: Path
) -> None:
    digest = "digests/conferences/icml-2026.yaml"
    original, imported, err = export_and_import(capsys, synthetic_site, digest, tmp_path)

    assert_survives(original, imported, arxiv_records(synthetic_site))
    gated, shared, dapo = imported.papers
    assert [(link.kind, str(link.url), link.label) for link in gated.links] == [
        ("paper", "https://arxiv.org/abs/2601.00001", None),
        ("code", "https://github.com/qiuzh20/gated_attention", "Official [code]"),
        ("blog", "https://example.com/blog/gated-attention", None),
        ("project", "https://example.org/gated", "Project page"),
        ("discussion", "https://x.com/someone/status/1", "X thread"),
        ("video", "https://www.youtube.com/watch?v=abc", None),
    ]
    assert gated.affiliations == ["University of California, Berkeley", "KAIST"]
    assert [s.title for s in gated.sections][1:] == [
        {"ko": "구현 메모", "en": "Notes (implementation)"},
        {"ko": "더 생각해 볼 점", "en": ""},
    ]
    assert text(gated.abstract) == {"en": "Gating mechanisms have been widely utilized."}
    assert text(imported.overview).keys() == {"ko"}  # a missing translation stays missing
    # What does not survive (NOT_IN_THE_POST), precisely.
    assert (original.tags, imported.tags, gated.tags) == (["llm"], [], [])
    assert (original.date, imported.date) == (dt.date(2026, 7, 20), dt.date(2026, 12, 31))
    assert "the post gives no publication date: set 'date'" in err
    assert imported.conference is not None and imported.conference.url is None
    assert (shared.title, text(shared.summary)) == (
        {"ko": "", "en": "Shared Title Without Translation"},
        {"ko": "모든 언어에 같은 소개입니다."},
    )
    assert shared.award == "Test of Time"
    assert dapo.arxiv == "2503.14476"  # was 2503.14476v2
    assert dapo.authors == DAPO_RECORD["authors"]  # arXiv's, as the site showed them
    assert [(link.kind, link.label) for link in dapo.links] == [
        ("paper", None),  # the arXiv page, added
        ("code", "BytedTsinghua-SIA/DAPO"),  # the host's label
    ]


RAW_MARKDOWN_POST = """\
# [2025/03/17 ~ 03/23] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)

* 이번 주에는 **추론**에 관한 논문이 많았습니다.
* This week was about *reasoning*.

---

## 딥시크 모델 리뷰 / A Review of DeepSeek Models' Key Innovative Techniques

### 논문 소개

딥시크의 *오픈소스* LLM을 [자세히](https://example.com/review) 검토합니다.

**중요**: 강조로 시작하는 문단입니다.

• 멀티 헤드 잠재 어텐션
• 그룹 상대 정책 최적화

This paper reviews DeepSeek's **open-source** LLMs.

### 논문 초록(Abstract)

DeepSeek-V3 and DeepSeek-R1 are leading open-source LLMs.

### 논문 링크

<https://arxiv.org/abs/2503.11486>

### 더 읽어보기

[X 스레드 \\[원문\\]](https://x.com/omarsar0/status/1)

코드: [공식 구현](https://github.com/deepseek-ai/review)

Project page: https://deepseek.github.io/review/

---

## 에이-멤 / A-MEM: Agentic Memory for LLM Agents

**논문 소개**

에이전트를 위한 메모리입니다.

**더 읽어보기**

- [Code](https://github.com/WujiangXu/AgenticMemory "code")
- [A blog post](https://example.com/a-mem "blog")
"""


def test_a_raw_markdown_post_with_markdown_links(tmp_path: Path, site: Path) -> None:
    post = tmp_path / "raw.md"
    post.write_text(RAW_MARKDOWN_POST, encoding="utf-8")

    result = import_post(post, "forum", site=site)

    digest = load_text(result.text, result.path)
    assert result.path == "digests/weekly/2025-03-17.yaml"
    assert text(digest.title) == {"ko": "이번 주의 주요 ML 논문", "en": "Top ML Papers of the Week"}
    assert text(digest.overview) == {
        "ko": "- 이번 주에는 **추론**에 관한 논문이 많았습니다.",
        "en": "- This week was about *reasoning*.",
    }
    review, memory = digest.papers
    assert review.title == {
        "ko": "딥시크 모델 리뷰",
        "en": "A Review of DeepSeek Models' Key Innovative Techniques",
    }
    assert text(review.summary) == {
        "ko": "딥시크의 *오픈소스* LLM을 [자세히](https://example.com/review) 검토합니다.\n\n"
        "**중요**: 강조로 시작하는 문단입니다.\n\n- 멀티 헤드 잠재 어텐션\n- 그룹 상대 정책 최적화",
        "en": "This paper reviews DeepSeek's **open-source** LLMs.",
    }
    assert text(review.abstract) == {
        "en": "DeepSeek-V3 and DeepSeek-R1 are leading open-source LLMs."
    }
    assert review.arxiv == "2503.11486"
    assert [(link.kind, str(link.url), link.label) for link in review.links] == [
        ("other", "https://example.com/review", None),  # from the text, which keeps it
        ("paper", "https://arxiv.org/abs/2503.11486", None),
        ("discussion", "https://x.com/omarsar0/status/1", "X 스레드 [원문]"),
        ("code", "https://github.com/deepseek-ai/review", "공식 구현"),
        ("project", "https://deepseek.github.io/review/", "Project page"),
    ]
    assert review.sections == []  # every line has its place
    assert memory.title == {"ko": "에이-멤", "en": "A-MEM: Agentic Memory for LLM Agents"}
    assert text(memory.summary) == {"ko": "에이전트를 위한 메모리입니다."}
    assert [(link.kind, str(link.url), link.label) for link in memory.links] == [
        ("paper", "https://arxiv.org/abs/2502.12110", None),  # from the lockfile, by title
        ("code", "https://github.com/WujiangXu/AgenticMemory", "Code"),
        ("blog", "https://example.com/a-mem", "A blog post"),
    ]
    assert [str(w) for w in result.warnings] == []


def test_a_raw_post_without_its_title_takes_the_week_from_start(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Discourse's raw view leaves the topic's title out: --start gives the week."""
    post = tmp_path / "raw.md"
    post.write_text(RAW_MARKDOWN_POST.split("\n", 1)[1], encoding="utf-8")
    argv = ["import", str(post), "--from", "forum", "--source", str(site), "--out", "-"]

    status, _, err = run(capsys, *argv)
    assert status == 1 and "give the week with --start" in err

    status, out, _ = run(capsys, *argv, "--start", "2025-03-17")
    assert status == 0
    digest = load_text(out)
    assert digest.period is not None and digest.period.end == dt.date(2025, 3, 23)
    assert text(digest.title) == {"ko": "이번 주의 주요 ML 논문", "en": "Top ML Papers of the Week"}
    assert len(digest.papers) == 2


@pytest.mark.parametrize(
    ("source", "title_line", "replacement"),
    [
        ("forum", "[2025/03/17 ~ 03/23]", "[2025/02/30 ~ 03/05]"),
        ("forum", "[2025/03/17 ~ 03/23]", "[2025/13/01 ~ 13/07]"),
        ("dair-ai", "(March 17 - March 23) - 2025", "(February 30 - March 5) - 2025"),
        ("dair-ai", "(March 17 - March 23) - 2025", "(March 17 - March 10) - 2025"),
    ],
)
def test_a_week_of_dates_that_are_not_dates_is_an_error_at_its_line(
    tmp_path: Path,
    site: Path,
    capsys: pytest.CaptureFixture[str],
    source: str,
    title_line: str,
    replacement: str,
) -> None:
    text = (
        RAW_MARKDOWN_POST
        if source == "forum"
        else (DATA / "dair-ai-2025-03-17.md").read_text(encoding="utf-8")
    )
    assert title_line in text
    post = tmp_path / "post.md"
    post.write_text(text.replace(title_line, replacement), encoding="utf-8")
    line = 1 + text.split(title_line)[0].count("\n")

    status, _, err = run(capsys, "import", str(post), "--from", source, "--source", str(site))

    assert status == 1
    assert err.startswith(f"error: {post}:{line}: "), err
    assert "Traceback" not in err and "--start" in err


# --- dair-ai --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "period", "count", "first_title", "first_links"),
    [
        (
            "dair-ai-2025-03-17.md",
            (dt.date(2025, 3, 17), dt.date(2025, 3, 23)),
            10,
            "A Review of DeepSeek Models",
            [("paper", "https://arxiv.org/abs/2503.11486", None)],
        ),
        (
            "dair-ai-2024-03-26.md",
            (dt.date(2024, 3, 26), dt.date(2024, 3, 31)),
            10,
            "DBRX",
            [
                ("paper", "https://www.databricks.com/blog/introducing-dbrx-new-state-art-open-llm", None),
                ("discussion", "https://x.com/omarsar0/status/1773018193885303266?s=20", "X thread"),
            ],
        ),
        (
            "dair-ai-2023-02-13.md",  # no year in the heading: the tweets' dates give 2023
            (dt.date(2023, 2, 13), dt.date(2023, 2, 19)),
            10,
            "Symbolic Discovery of Optimization Algorithms",
            [
                ("paper", "https://arxiv.org/abs/2302.06675", None),
                ("discussion", "https://twitter.com/dair_ai/status/1627671313874575362?s=20", "X thread"),
            ],
        ),
        (
            "dair-ai-2023-01-01.md",  # the first week: a list without titles
            (dt.date(2023, 1, 1), dt.date(2023, 1, 8)),
            10,
            "GoogleAI introduces Muse, a new text-to-image generation model based on masked generative transform…",
            [("paper", "https://arxiv.org/abs/2301.00704", None)],
        ),
    ],
)  # fmt: skip
@pytest.mark.parametrize("fmt", ["yaml", "md"])
def test_a_dair_ai_week_in_each_upstream_layout(
    site: Path,
    capsys: pytest.CaptureFixture[str],
    fixture: str,
    period: tuple[dt.date, dt.date],
    count: int,
    first_title: str,
    first_links: list[tuple[str, str, str | None]],
    fmt: str,
) -> None:
    status, out, err = run(
        capsys, "import", str(DATA / fixture), "--from", "dair-ai", "--source", str(site),
        "--format", fmt,
    )  # fmt: skip

    assert status == 0, err
    relative = f"digests/weekly/{period[0]}.{fmt}"
    assert out == f"{site / relative}\n"
    digest = load(site, relative)
    assert digest.period is not None and (digest.period.start, digest.period.end) == period
    assert digest.source is not None
    assert digest.source.startswith("https://github.com/dair-ai/ML-Papers-of-the-Week#top-ml-")
    assert len(digest.papers) == count
    first = digest.papers[0]
    assert first.title == {"ko": "", "en": first_title}
    assert [(link.kind, link.url, link.label) for link in first.links] == first_links
    for paper in digest.papers:
        # English from upstream; Korean empty, for translators.
        assert paper.summary is not None and paper.summary["ko"] == ""
        assert text(paper.summary).keys() <= {"en"} and paper.title["ko"] == ""
    if fmt == "yaml":
        assert 'ko: ""  # 번역할 곳 (to translate)' in (site / relative).read_text(encoding="utf-8")


def test_a_dair_ai_row_keeps_its_points_as_a_list(site: Path) -> None:
    result = import_post(DATA / "dair-ai-2025-03-17.md", "dair-ai", site=site)

    review = load_text(result.text).papers[0]
    assert review.summary is not None
    summary = review.summary["en"]
    assert summary.startswith(
        "This paper provides an in-depth review of the cutting-edge techniques behind "
        "DeepSeek's open-source LLMs—DeepSeek-V3 and DeepSeek-R1. These models achieve "
        "state-of-the-art performance with"
    )
    assert "Key highlights include:\n\n- Multi-Head Latent Attention (MLA) – Introduces" in summary
    assert summary.count("\n- ") == 6 and "<br>" not in summary and "  " not in summary


def test_a_dair_ai_row_keeps_every_link_and_escaped_pipe(site: Path, tmp_path: Path) -> None:
    """A URL holding parentheses was cut at its first ")", a bare URL in the links cell was
    dropped, and GFM's escaped "\\|" stayed escaped in the title."""
    week = tmp_path / "week.md"
    week.write_text(
        "## Top ML Papers of the Week (March 24 - March 30) - 2025\r\n"
        "| **Paper**  | **Links** |\r\n| ------------- | ------------- |\r\n"
        "| 1) **Pipes \\| Things** - Uses a \\| b. | [Paper](https://arxiv.org/abs/2503.14476), "
        "[Code](https://github.com/foo/bar_(baz)), https://example.org/blog/post |\r\n",
        encoding="utf-8",
    )

    [paper] = load_text(import_post(week, "dair-ai", site=site).text).papers

    assert paper.title == {"ko": "", "en": "Pipes | Things"}
    assert paper.summary == {"ko": "", "en": "Uses a | b.\n"}
    assert [str(link.url) for link in paper.links] == [
        "https://arxiv.org/abs/2503.14476",
        "https://github.com/foo/bar_(baz)",
        "https://example.org/blog/post",
    ]


def test_the_dair_ai_week_agrees_with_the_forums_digest_of_it(site: Path) -> None:
    """The forum's weekly seed translates the same upstream week: the same papers, arXiv IDs
    and X threads."""
    upstream = load_text(import_post(DATA / "dair-ai-2025-03-17.md", "dair-ai", site=site).text)
    forum = load(REPO, COMMITTED[WEEKLY_SEED])

    assert [p.arxiv for p in upstream.papers] == [p.arxiv for p in forum.papers]
    for ours, theirs in zip(upstream.papers, forum.papers, strict=True):
        threads = {link.url for link in ours.links if link.kind == "discussion"}
        assert threads == {link.url for link in theirs.links if link.kind == "discussion"}


def test_a_file_of_several_weeks_needs_week(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        (DATA / "dair-ai-2025-03-17.md").read_text(encoding="utf-8")
        + "\n"
        + (DATA / "dair-ai-2024-03-26.md").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    argv = ["import", str(readme), "--from", "dair-ai", "--source", str(site), "--out", "-"]

    status, out, err = run(capsys, *argv)
    assert (status, out) == (1, "")
    assert "holds 2 weeks" in err and "--week 'March 17 - March 23'" in err

    status, out, _ = run(capsys, *argv, "--week", "March 26")
    assert status == 0
    assert load_text(out).period.start == dt.date(2024, 3, 26)  # type: ignore[union-attr]


def test_a_dair_ai_file_without_the_week_asked_for_says_which_it_holds(
    tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--week April` said only "no week matching 'April'", and a file with no week's heading
    "no week ('Top ML Papers of the Week (…)')": neither said what the file holds, or what to
    give instead."""
    week = DATA / "dair-ai-2025-03-17.md"
    argv = ["import", "--from", "dair-ai", "--source", str(site), "--out", "-"]

    status, out, err = run(capsys, *argv, str(week), "--week", "April")
    assert (status, out) == (1, "")
    assert err == (
        f"error: {week}: no week matching 'April'; its weeks: line 5: Top ML Papers of the Week "
        "(March 17 - March 23) - 2025; give --week a part of one of them, e.g. --week "
        "'March 17 - March 23'\n"
    )
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nNo week here.\n", encoding="utf-8")
    status, out, err = run(capsys, *argv, str(notes))
    assert (status, out) == (1, "")
    assert err == (
        f"error: {notes}: no week's heading, such as '## Top ML Papers of the Week (March 17 - "
        "March 23) - 2025': give dair-ai's README, or a part of it that holds a week's heading "
        "and its papers\n"
    )


# --- the command line -----------------------------------------------------------------------------


def test_import_never_overwrites_a_digest_in_either_form(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = site / "digests" / "weekly" / "2025-03-17.md"
    existing.parent.mkdir(parents=True)
    existing.write_text("the editor's work\n", encoding="utf-8")
    fixture = str(DATA / "dair-ai-2025-03-17.md")

    status, out, err = run(capsys, "import", fixture, "--from", "dair-ai", "--source", str(site))

    assert (status, out) == (1, "")
    assert f"error: {existing} already exists" in err
    assert existing.read_text(encoding="utf-8") == "the editor's work\n"
    assert sorted(p.name for p in existing.parent.iterdir()) == ["2025-03-17.md"]


def test_import_to_standard_output_with_the_posts_url(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://discuss.pytorch.kr/t/2025-03-17-03-23-ml-top-ml-papers-of-the-week/6200"
    fixture = str(DATA / "dair-ai-2024-03-26.md")

    status, out, _ = run(
        capsys, "import", fixture, "--from", "dair-ai", "--url", url, "--out", "-",
        "--start", "2024-03-25", "--source", str(site),
    )  # fmt: skip

    assert status == 0
    digest = load_text(out)
    assert digest.source == url
    assert digest.period is not None and digest.period.start == dt.date(2024, 3, 25)
    assert not (site / "digests").exists()


def test_import_rejects_a_url_that_is_not_http(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["import", "post.txt", "--from", "forum", "--url", "javascript:alert(1)"])
    assert exited.value.code == 2
    assert "only http(s) URLs are allowed" in capsys.readouterr().err


# Texts the site shows as written (it escapes raw HTML) and names whose separators the forum's
# lines use: a Discourse post must show the same words, and the import must read them back.
HTML_AND_SEPARATORS = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 <주요> 논문", en: "Papers of the <week>"}
overview: {en: "Tags like <details> and a <b> c, <!-- a comment --> and `<code>` stay."}
papers:
  - title: {ko: "태그 <tags> 논문", en: "a <b> c and </tags>"}
    authors: ["B. Author, Jr.; III", "C. <Author>"]
    affiliations: ["Dept. of CS; University of X, Y", "KAIST"]
    summary:
      ko: "<div>블록</div>으로 시작하는 줄이 아닙니다."
      en: |
        <div class="x">

        A paragraph between the tags of an HTML block.

        </div>

        Math $a<b$, an autolink <https://example.com/a>, and code `<br>`.
    abstract: {en: "English abstract"}
    links:
      - {kind: code, url: "https://example.com/code", label: "<Code> [here]"}
  - title: {ko: "하나의 소속", en: "One affiliation"}
    authors: ["Only, Author"]
    affiliations: ["University of California, Berkeley"]
    summary: {ko: "소개", en: "Introduction"}
"""


@pytest.fixture
def html_site(write_tree: WriteTree) -> Path:
    """A site with HTML_AND_SEPARATORS as its only digest."""
    return write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": HTML_AND_SEPARATORS}
    )


def test_html_like_text_is_escaped_in_the_post_and_survives_export_and_import(
    html_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The post holds no raw HTML (Discourse dropped ``<tags>`` and made ``<b>`` bold), and
    the import takes its escapes back; code, math and autolinks keep their ``<``."""
    original, imported, _ = export_and_import(
        capsys, html_site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    post = (tmp_path / "post.md").read_text(encoding="utf-8")
    discourse = MarkdownIt("commonmark", {"html": True}).use(dollarmath_plugin)
    tokens = discourse.parse(post)
    raw = [t.content for t in tokens if t.type == "html_block"]
    raw += [c.content for t in tokens for c in t.children or [] if c.type == "html_inline"]
    assert raw == []
    assert "Math $a<b$, an autolink <https://example.com/a>, and code `<br>`." in post
    assert imported.title == original.title
    assert text(imported.overview) == text(original.overview)
    for mine, theirs in zip(imported.papers, original.papers, strict=True):
        assert mine.title == theirs.title
        assert text(mine.summary) == text(theirs.summary)
        # The import also takes a text's URL for a link of its paper.
        assert [link for link in mine.links if link.url != "https://example.com/a"] == theirs.links


def test_names_holding_a_comma_and_a_semicolon_survive_export_and_import(
    html_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The import splits a names line at semicolons where it has them, else at commas: an
    affiliation holding both was cut in two, and one name alone holding a comma too."""
    original, imported, err = export_and_import(
        capsys, html_site, "digests/weekly/2025-03-17.yaml", tmp_path
    )

    assert "TeX" not in err  # a name's escaped "\;" or "\," is no TeX
    assert [p.authors for p in imported.papers] == [p.authors for p in original.papers] == [
        ["B. Author, Jr.; III", "C. <Author>"], ["Only, Author"]
    ]  # fmt: skip
    assert (
        [p.affiliations for p in imported.papers]
        == [p.affiliations for p in original.papers]
        == [["Dept. of CS; University of X, Y", "KAIST"], ["University of California, Berkeley"]]
    )


SOFT_BREAKS = """\
kind: weekly
period: {start: 2026-01-05, end: 2026-01-11}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
overview: {ko: "한 문단이\\n두 줄입니다.", en: "One paragraph\\non two lines."}
papers:
  - title: {ko: "줄바꿈 논문", en: "A Paper With Soft Breaks"}
    summary:
      ko: "첫 줄이\\n이어지는 문단입니다.\\n\\n- 목록 항목이\\n  이어집니다\\n- 둘째 항목"
      en: "The first line\\ngoes on here.\\n\\n- an item that\\n  goes on\\n- a second item"
    abstract: {en: "An abstract\\nwrapped at\\nseventy columns."}
    sections:
      - title: {ko: "메모", en: "Notes"}
        body: {ko: "메모가\\n이어집니다.", en: "A note\\ngoes on."}
"""


def test_a_paragraph_on_several_lines_survives_export_and_import(
    capsys: pytest.CaptureFixture[str], write_tree: WriteTree, tmp_path: Path
) -> None:
    """In Markdown a single line break goes on the paragraph: each line of it came back as a
    paragraph of its own, and a list item's second line as a paragraph after the list."""
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2026-01-05.yaml": SOFT_BREAKS}
    )

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2026-01-05.yaml", tmp_path
    )

    assert_survives(original, imported, {})
    assert text(imported.papers[0].summary)["en"] == (
        "The first line\ngoes on here.\n\n- an item that\n  goes on\n- a second item"
    )


def test_a_middle_dot_inside_a_name_keeps_the_name_whole(tmp_path: Path, site: Path) -> None:
    """A '·' between letters is part of a name (a transliterated 장·폴, Catalan's l·l): a lone
    name holding one was split into two. Spaced, '·' still separates the names of a list."""
    post = tmp_path / "post.md"
    post.write_text(
        "# [2026/01/05 ~ 01/11] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)\n\n"
        "## 첫 논문 / First Paper\n\n저자: 장·폴 사르트르\n\n소속: Universitat Autònoma\n\n"
        "### 논문 소개\n\nIntro.\n\n"
        "## 둘째 논문 / Second Paper\n\n저자: Gal·la Puig · Kim Lee · Park\n\n"
        "소속: 서울대학교·KAIST\n\n### 논문 소개\n\nIntro.\n",
        encoding="utf-8",
    )

    digest = load_text(import_post(post, "forum", site=site).text)

    first, second = digest.papers
    assert first.authors == ["장·폴 사르트르"]
    assert second.authors == ["Gal·la Puig", "Kim Lee", "Park"]
    assert second.affiliations == ["서울대학교·KAIST"]


def test_a_lone_name_holding_a_middle_dot_survives_export_and_import(
    capsys: pytest.CaptureFixture[str], write_tree: WriteTree, tmp_path: Path
) -> None:
    digest = SOFT_BREAKS.replace(
        '    summary:\n', '    authors: ["Marcel·lí Antúnez"]\n    affiliations: ["A·B Lab"]\n'
        "    summary:\n", 1
    )  # fmt: skip
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2026-01-05.yaml": digest})

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2026-01-05.yaml", tmp_path
    )

    assert imported.papers[0].authors == original.papers[0].authors == ["Marcel·lí Antúnez"]
    assert imported.papers[0].affiliations == ["A·B Lab"]


TEXT_HEADINGS = """\
kind: weekly
period: {start: 2026-01-05, end: 2026-01-11}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
papers:
  - title: {ko: "제목 논문", en: "A Paper With Headings"}
    summary:
      ko: "##### 작은 제목\\n\\n본문입니다."
      en: "# Big heading\\n\\nText under it.\\n\\n## Abstract\\n\\nMore text."
    abstract: {en: "The abstract."}
"""


def shown_headings(markdown: str) -> list[tuple[str, str]]:
    """The headings a paper's summary shows on its page (under the field's h3)."""
    html = headings_under(MarkdownRenderer().render(markdown).html, 3)
    page = lxml.html.fragment_fromstring(str(html), create_parent="div")
    return [(h.tag, h.text_content()) for h in page.xpath("h1|h2|h3|h4|h5|h6")]


def test_a_texts_own_headings_survive_export_and_import(
    capsys: pytest.CaptureFixture[str], write_tree: WriteTree, tmp_path: Path
) -> None:
    """A text's '#' in the post was the post's own structure: it started a section (or, named
    'Abstract', the abstract) and took the text after it out of the summary."""
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2026-01-05.yaml": TEXT_HEADINGS}
    )

    original, imported, _ = export_and_import(
        capsys, site, "digests/weekly/2026-01-05.yaml", tmp_path
    )

    (paper,) = imported.papers
    assert paper.sections == []
    assert text(paper.abstract) == {"en": "The abstract."}
    assert text(paper.summary)["ko"] == "##### 작은 제목\n\n본문입니다."
    for lang in ("ko", "en"):
        assert shown_headings(text(paper.summary)[lang]) == shown_headings(
            text(original.papers[0].summary)[lang]
        )
    assert shown_headings(text(paper.summary)["en"]) == [("h4", "Big heading"), ("h5", "Abstract")]


@pytest.mark.parametrize(
    ("make", "kind"), [(os.mkfifo, "a named pipe (FIFO)"), (os.mkdir, "a folder")]
)
def test_a_site_config_that_is_no_regular_file_stops_the_import_as_it_stops_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, kind: str
) -> None:
    """The import took such a ``papersite.yaml`` for none, and wrote a digest in ko and en for a
    site the build then refused to read."""
    site = tmp_path / "site"
    site.mkdir()
    make(site / "papersite.yaml")
    fixture = str(DATA / "dair-ai-2025-03-17.md")

    status, out, err = run(capsys, "import", fixture, "--from", "dair-ai", "--source", str(site))

    assert (status, out) == (1, "")
    assert err.splitlines()[0] == (
        f"papersite.yaml: cannot read the file: it is {kind}, not a regular file; remove it, or "
        "put a file in its place"
    )
    assert not (site / "digests").exists()
