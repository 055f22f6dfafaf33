"""``papersite import``: forum posts and dair-ai weeks become digests the real loader accepts.

The forum's two seed posts are the reference: imported, they give the committed digests in
``digests/`` paper by paper, except for what the editor added that the posts cannot give (listed
in ``EDITOR_ADDITIONS``), and no line of a post is lost. dair-ai weeks are real excerpts of the
upstream README, one per layout it has used (``tests/data/import/``, each naming its source).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from papersite.cli import main
from papersite.importers import import_post
from papersite.importers.draft import UNCLASSIFIED_TITLE
from papersite.load import parse_source, read_source
from papersite.model import Digest, Paper
from papersite.validate import validate_document

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
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

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seeds are not here")


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


def load(root: Path, relative: str) -> Digest:
    """A digest file read and validated as the build does."""
    document, problems = read_source(root, relative)
    assert document is not None and not problems, problems
    digest = validate_document(Digest, document, problems, {"languages": ["ko", "en"]})
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


@needs_seeds
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
    marked = [s for s in ours.sections if text(s.title) == UNCLASSIFIED_TITLE]
    sections = [s for s in ours.sections if s not in marked]
    assert [text(s.title) for s in sections] == [text(s.title) for s in theirs.sections]
    fields: dict[str, tuple[Any, Any]] = {
        "summary": (ours.summary, theirs.summary),
        "abstract": (ours.abstract, theirs.abstract),
    }
    for index, (mine, other) in enumerate(zip(sections, theirs.sections, strict=True)):
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


@needs_seeds
def test_the_seeds_warnings_name_the_lines_to_review(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        capsys, "import", str(CONFERENCE_SEED), "--from", "forum", "--source", str(site)
    )

    assert status == 0
    # The "read more" lines whose links were lost in the copy, each at its line.
    assert (
        f"{CONFERENCE_SEED}:38:1: could not place 'Gated Attention 논문과 GitHub 저장소는 아래 "
        "링크에서 참고해주세요:'; it is in the paper's section 'Import: unclassified text' for "
        "the editor to move or delete (warning)\n"
    ) in err
    assert f"{CONFERENCE_SEED}:87:1: TeX outside $…$ (\\sqrt …)" in err
    assert f"{CONFERENCE_SEED}:112:1: set aside as the forum's own text" in err


# The headings a forum post is built of: they become the digest's structure, not text.
STRUCTURE = {"논문 소개", "논문 초록", "논문 초록(Abstract)", "논문 링크", "더 읽어보기"}
_BULLET = re.compile(r"^[•\-*]\s+")


@needs_seeds
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
        UNCLASSIFIED_TITLE,
        {"en": "Slides from the talk"},
    )
    assert [str(w) for w in result.warnings] == [
        f"{post}:1:1: set aside as the forum's own text, kept as a comment at the top: "
        "'PyTorchKR🔥🇰🇷 🤔💭'",
        f"{post}:24:1: could not place 'Slides from the talk'; it is in the paper's section "
        "'Import: unclassified text' for the editor to move or delete",
    ]
    assert "#   line 1: PyTorchKR🔥🇰🇷 🤔💭\n" in result.text
    assert unknown.title == {"ko": "", "en": "Unknown Paper Without Korean Title"}
    assert unknown.arxiv is None and unknown.links == []


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


@needs_seeds
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
