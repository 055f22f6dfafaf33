"""``papersite check``: the build's validation without a site written, the editorial lints at their
``file:line:col``, the three output formats, and the exit status; through the CLI and the
library. (``--links`` against a loopback server is in test_linkcheck.py.)"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from conftest import (
    DAPO_RECORD,
    SITE_CONFIG,
    WEEKLY,
    WriteTree,
    arxiv_record,
    lockfile_text,
    validate,
)
from papersite.check import CheckReport, Finding, check_site, format_github
from papersite.cli import main
from papersite.errors import Problem
from papersite.new import new_weekly
from papersite.theme import default_theme

TAGGED_CONFIG = SITE_CONFIG + "tags: [reinforcement-learning, reasoning, llm]\n"

SECOND_WEEK = """\
kind: weekly
period: {start: 2025-03-24, end: 2025-03-30}
title: {ko: "다음 주의 논문", en: "Papers of the next week"}
papers:
  - title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}
    arxiv: "2503.14476"
    summary: {ko: "한국어 소개", en: "English introduction"}
"""

CONFERENCE = """\
kind: conference
conference: {name: NeurIPS, year: 2025}
date: 2025-11-27
title: {ko: "NeurIPS 2025 우수 논문", en: "NeurIPS 2025 awards"}
papers:
  - title: {ko: "인공 집단 지성", en: "Artificial Hivemind"}
    award: best-paper
"""


def findings(report: CheckReport) -> list[tuple[str, str, int, str]]:
    """(rule, path, line, field) of every finding."""
    return [(f.rule, f.problem.path, f.problem.line, f.problem.field) for f in report.findings]


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``needle``."""
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


@pytest.fixture
def clean_site(write_tree: WriteTree) -> Path:
    return write_tree(
        {
            "papersite.yaml": TAGGED_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )


def test_a_clean_site_has_nothing_to_report_and_nothing_is_written(
    clean_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--source", str(clean_site)]) == 0
    out = capsys.readouterr().out
    assert out == "Checked 1 digest: 0 errors, 0 warnings\n"
    assert not (clean_site / "build").exists()
    assert sorted(p.name for p in clean_site.iterdir()) == [
        "arxiv.lock.json", "digests", "papersite.yaml",
    ]  # fmt: skip


def test_an_invalid_digest_is_an_error_at_its_place(
    clean_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = clean_site / "digests/weekly/2025-03-17.yaml"
    digest.write_text(WEEKLY.replace("https://github.com", "javascript:alert(1)//github.com"))
    assert main(["check", "--source", str(clean_site)]) == 1
    out = capsys.readouterr().out
    line = line_of(digest, "javascript:")
    assert re.search(
        rf"^digests/weekly/2025-03-17\.yaml:{line}:\d+: error: papers\[0\]\.links\[0\]\.url: "
        r"only http\(s\) URLs .*\[invalid\]$",
        out,
        re.M,
    )
    assert out.rstrip().endswith("1 error, 0 warnings")


def test_a_missing_translation_is_a_warning_where_the_text_is(write_tree: WriteTree) -> None:
    digest_text = WEEKLY.replace(
        'summary: {ko: "한국어 소개", en: "English introduction"}',
        'summary:\n      ko: "한국어 소개"\n      en: ""',
    ).replace('abstract: {ko: "한국어 초록", en: "English abstract"}', 'abstract: {en: "Only"}')
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": digest_text,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    report = check_site(site)
    digest = site / "digests/weekly/2025-03-17.yaml"
    assert findings(report) == [
        ("missing-translation", "digests/weekly/2025-03-17.yaml",
         line_of(digest, 'en: ""'), "papers[0].summary.en"),
        ("missing-translation", "digests/weekly/2025-03-17.yaml",
         line_of(digest, "abstract:"), "papers[0].abstract"),
    ]  # fmt: skip
    assert "no 'ko' text (there is en)" in report.findings[1].problem.message
    assert report.ok, "a missing translation is a warning: the build shows it as missing"


def test_an_english_abstract_left_to_arxiv_and_a_plain_string_are_not_missing(
    write_tree: WriteTree,
) -> None:
    digest_text = WEEKLY.replace(
        'abstract: {ko: "한국어 초록", en: "English abstract"}', 'abstract: {ko: "한국어 초록"}'
    ).replace('title: {ko: "이번 주의 논문", en: "Papers of the week"}', 'title: "Week 12"')
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": digest_text,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    assert findings(check_site(site)) == []


def test_papers_without_an_id_or_a_record_are_named(write_tree: WriteTree) -> None:
    digest_text = WEEKLY + (
        '  - title: {ko: "아이디 없음", en: "A Paper Nobody Resolved"}\n'
        '    summary: {ko: "소개", en: "Introduction"}\n'
        '  - title: {ko: "해결됨", en: "A Paper Resolved From Its Title"}\n'
        '    summary: {ko: "소개", en: "Introduction"}\n'
        '  - title: {ko: "기록 없음", en: "Attention Is All You Need"}\n'
        '    arxiv: "1706.03762"\n'
        '    summary: {ko: "소개", en: "Introduction"}\n'
    )
    resolved = arxiv_record(
        "2501.00001", "A Paper Resolved From Its Title",
        resolved_from_title="A Paper Resolved From Its Title",
    )  # fmt: skip
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": digest_text,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD, resolved),
        }
    )
    digest = site / "digests/weekly/2025-03-17.yaml"
    report = check_site(site)
    assert findings(report) == [
        ("no-arxiv-id", "digests/weekly/2025-03-17.yaml",
         line_of(digest, "A Paper Nobody Resolved"), "papers[1].title"),
        ("not-in-lockfile", "digests/weekly/2025-03-17.yaml",
         line_of(digest, "1706.03762"), "papers[3].arxiv"),
    ]  # fmt: skip
    assert "papersite enrich" in report.findings[1].problem.message


def _two_weeks(write_tree: WriteTree, later: str) -> Path:
    """A site of ``WEEKLY`` and ``later``, a second week that gives DAPO again."""
    return write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "digests/weekly/2025-03-24.yaml": later,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )


def test_one_paper_with_two_titles_or_versions_across_digests(write_tree: WriteTree) -> None:
    later = SECOND_WEEK.replace('arxiv: "2503.14476"', 'arxiv: "2503.14476v2"').replace(
        "DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
        "DAPO: An Open Source LLM RL System at Scale",
    )
    site = _two_weeks(write_tree, later)
    report = check_site(site)
    conflicts = [f for f in report.findings if f.rule == "conflicting-paper"]
    assert [(f.severity, f.problem.path, f.problem.field) for f in conflicts] == [
        ("warning", "digests/weekly/2025-03-24.yaml", "papers[0].title"),
        ("warning", "digests/weekly/2025-03-24.yaml", "papers[0].arxiv"),
    ]
    first_line = line_of(site / "digests/weekly/2025-03-17.yaml", "DAPO")
    assert f"digests/weekly/2025-03-17.yaml:{first_line}:" in conflicts[0].problem.message
    assert conflicts[1].problem.message.startswith(
        "2503.14476v2 here, but 2503.14476 in digests/weekly/2025-03-17.yaml"
    )


def test_one_paper_with_two_korean_titles_across_digests_is_a_warning(
    write_tree: WriteTree,
) -> None:
    """The paper's one page shows one of the two Korean titles; the other is lost unseen."""
    later = SECOND_WEEK.replace('{ko: "다포",', '{ko: "다포: 대규모 강화 학습 시스템",')
    site = _two_weeks(write_tree, later)
    report = check_site(site)
    conflicts = [f for f in report.findings if f.rule == "conflicting-paper"]
    assert [(f.severity, f.problem.path, f.problem.field) for f in conflicts] == [
        ("warning", "digests/weekly/2025-03-24.yaml", "papers[0].title")
    ]
    first_line = line_of(site / "digests/weekly/2025-03-17.yaml", "다포")
    assert conflicts[0].problem.message == (
        f"2503.14476 has the ko title '다포' in digests/weekly/2025-03-17.yaml:{first_line}:12; "
        "use one title in every digest"
    )
    assert report.ok


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Scaling C++ Compilers with LLMs", "Scaling C Compilers with LLMs"),
        ("Attention: Is All You Need", "Attention Is All You Need"),
    ],
)
def test_two_titles_that_make_one_page_without_an_id_are_told_apart(
    write_tree: WriteTree, first: str, second: str
) -> None:
    """Without an arXiv ID a paper's page is named by a slug of its title, which drops
    punctuation: two titles differing only there share one page, which shows one of them."""

    def untitled(digest: str, title: str) -> str:
        return digest.replace('    arxiv: "2503.14476"\n', "").replace(
            "DAPO: An Open-Source LLM Reinforcement Learning System at Scale", title
        )

    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": untitled(WEEKLY, first),
            "digests/weekly/2025-03-24.yaml": untitled(SECOND_WEEK, second),
        }
    )
    report = check_site(site)
    conflicts = [f for f in report.findings if f.rule == "conflicting-paper"]
    assert [(f.severity, f.problem.path, f.problem.field) for f in conflicts] == [
        ("warning", "digests/weekly/2025-03-24.yaml", "papers[0].title")
    ]
    assert f"is titled {first!r} in digests/weekly/2025-03-17.yaml:" in conflicts[0].problem.message


def test_an_id_given_to_an_unrelated_title_is_an_error(write_tree: WriteTree) -> None:
    later = SECOND_WEEK.replace(
        "DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
        "Gated Attention for Large Language Models",
    )
    site = _two_weeks(write_tree, later)
    report = check_site(site)
    conflicts = [f for f in report.findings if f.rule == "conflicting-paper"]
    assert [(f.severity, f.problem.path) for f in conflicts] == [
        ("error", "digests/weekly/2025-03-24.yaml")
    ]
    assert "mistyped" in conflicts[0].problem.message
    assert not report.ok


def test_the_same_title_under_two_identities_is_an_error(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    later = SECOND_WEEK.replace('    arxiv: "2503.14476"\n', "")
    site = _two_weeks(write_tree, later)
    assert main(["check", "--source", str(site)]) == 1
    out = capsys.readouterr().out
    line = line_of(site / "digests/weekly/2025-03-24.yaml", "DAPO")
    assert re.search(
        rf"^digests/weekly/2025-03-24\.yaml:{line}:\d+: error: papers\[0\]\.title: the same "
        r"paper as 2503\.14476 in digests/weekly/2025-03-17\.yaml.*two pages",
        out,
        re.M,
    )


def test_a_tag_outside_the_vocabulary_is_an_error_with_a_suggestion(
    clean_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = clean_site / "digests/weekly/2025-03-17.yaml"
    digest.write_text(
        WEEKLY.replace("tags: [reinforcement-learning]", "tags: [reinforcment-learning, quantum]")
    )
    assert main(["check", "--source", str(clean_site), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    tags = [f for f in document["findings"] if f["rule"] == "unknown-tag"]
    assert [(f["field"], f["line"], f["severity"]) for f in tags] == [
        ("papers[0].tags[0]", line_of(digest, "reinforcment"), "error"),
        ("papers[0].tags[1]", line_of(digest, "reinforcment"), "error"),
    ]
    assert "did you mean 'reinforcement-learning'?" in tags[0]["message"]
    assert "did you mean" not in tags[1]["message"]


def test_tags_are_free_when_the_site_has_no_vocabulary(write_tree: WriteTree) -> None:
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY.replace("[reinforcement-learning]", "[new]"),
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    assert findings(check_site(site)) == []


def test_the_same_url_twice_in_a_paper(clean_site: Path) -> None:
    digest = clean_site / "digests/weekly/2025-03-17.yaml"
    digest.write_text(
        WEEKLY.replace(
            '      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}\n',
            '      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}\n'
            '      - {kind: paper, url: "https://arxiv.org/abs/2503.14476"}\n'
            '      - {kind: project, url: "HTTPS://GitHub.com/BytedTsinghua-SIA/DAPO/"}\n',
        )
    )
    report = check_site(clean_site)
    assert findings(report) == [
        ("duplicate-link", "digests/weekly/2025-03-17.yaml",
         line_of(digest, "HTTPS://"), "papers[0].links[2].url"),
    ]  # fmt: skip
    assert "links[0]" in report.findings[0].problem.message


def test_a_placeholder_title_given_by_a_markdown_heading_is_an_error_there(
    write_tree: WriteTree,
) -> None:
    """A Markdown paper whose block gives no title is titled by its heading; a title that only
    starts with the placeholder's words is a title."""
    real = "Paper title generation at scale"
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY.replace(
                "DAPO: An Open-Source LLM Reinforcement Learning System at Scale", real
            ),
        }
    )
    path = new_weekly(site, dt.date(2026, 11, 23), "md")
    skeleton = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*Paper title.*\n", "", skeleton), encoding="utf-8")

    found = [f for f in findings(check_site(site)) if f[0] == "placeholder"]

    heading = line_of(path, "## Paper title")
    assert found == [("placeholder", "digests/weekly/2026-11-23.md", heading, "papers[0].title")]


def test_tex_the_build_cannot_render_is_reported(clean_site: Path) -> None:
    digest = clean_site / "digests/weekly/2025-03-17.yaml"
    digest.write_text(WEEKLY.replace('en: "English abstract"', 'en: "Bad $\\\\frac{1}{$ math"'))
    assert [f.rule for f in check_site(clean_site).findings] == ["markup"]


def test_strict_makes_warnings_errors(clean_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (clean_site / "arxiv.lock.json").write_text(lockfile_text())
    assert main(["check", "--source", str(clean_site)]) == 0
    assert "warning: papers[0].arxiv" in capsys.readouterr().out
    assert main(["check", "--source", str(clean_site), "--strict"]) == 1
    assert "error: papers[0].arxiv" in capsys.readouterr().out


def test_paths_choose_which_files_are_reported(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    untranslated = 'summary: {ko: "한국어 소개"}'
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY.replace(
                'summary: {ko: "한국어 소개", en: "English introduction"}', untranslated
            ),
            "digests/weekly/2025-03-24.yaml": SECOND_WEEK.replace(
                'summary: {ko: "한국어 소개", en: "English introduction"}', untranslated
            ),
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    monkeypatch.chdir(site)
    assert {f.problem.path for f in check_site(site).findings} == {
        "digests/weekly/2025-03-17.yaml",
        "digests/weekly/2025-03-24.yaml",
    }
    only = check_site(site, ["digests/weekly/2025-03-24.yaml"])
    assert {f.problem.path for f in only.findings} == {"digests/weekly/2025-03-24.yaml"}
    assert {f.problem.path for f in check_site(site, ["digests"]).findings} == {
        "digests/weekly/2025-03-17.yaml",
        "digests/weekly/2025-03-24.yaml",
    }
    outside = site.parent / "elsewhere.yaml"
    outside.write_text(WEEKLY)
    assert main(["check", str(outside)]) == 1
    assert "is not inside the site folder" in capsys.readouterr().err
    assert main(["check", "digests/weekly/2099-01-01.yaml"]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    "path", ["digests/weekly/_draft.yaml", "digests/weekly/notes.txt", "digests/_drafts"]
)
def test_a_path_that_holds_no_digest_is_refused(
    write_tree: WriteTree,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    path: str,
) -> None:
    """A draft (whose name starts with _) was "checked" with 0 errors and exit status 0: no
    digest was in it, so no finding was reported, and the editor took it for clean."""
    broken = WEEKLY.replace("kind: weekly", "kind: weekly\nauthor: me")
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "digests/weekly/_draft.yaml": broken,
            "digests/weekly/notes.txt": broken,
            "digests/_drafts/2025-03-24.yaml": broken,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    monkeypatch.chdir(site)

    assert main(["check", path]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: {path} holds none of the site's digests, so nothing in it would be checked: "
        "files and folders whose names start with _ or ., and README.md files, are not digests "
        "(nor files not ending in .yaml, .yml, .md); rename a draft to check it\n"
    )
    assert main(["check", "digests/weekly"]) == 0  # a folder that holds a digest is checked


def test_paths_may_be_given_from_the_site_folder(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the repository's root, `check --source site digests/…` said the file did not
    exist, where `export --source site digests/…` reads it from the site folder."""
    root = write_tree(
        {
            "site/papersite.yaml": TAGGED_CONFIG,
            "site/digests/weekly/2025-03-17.yaml": WEEKLY,
            "site/digests/weekly/2025-03-24.yaml": SECOND_WEEK + "    tags: [reasonin]\n",
            "site/arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    monkeypatch.chdir(root)

    assert main(["check", "--source", "site", "digests/weekly/2025-03-24.yaml"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("digests/weekly/2025-03-24.yaml:")
    assert out.splitlines()[-1].startswith("Checked digests/weekly/2025-03-24.yaml (1 of ")
    assert main(["check", "--source", "site", "site/digests/weekly/2025-03-17.yaml"]) == 0
    assert main(["check", "--source", "site", "."]) == 1  # the site folder, from outside it
    assert capsys.readouterr().out.splitlines()[-1] == "Checked 2 digests: 1 error, 0 warnings"
    assert main(["check", "--source", "site", "digests/weekly/2099-01-01.yaml"]) == 1
    assert capsys.readouterr().err == (
        "error: digests/weekly/2099-01-01.yaml does not exist (in the current folder, nor in "
        "site)\n"
    )


def test_the_summary_of_a_check_of_some_files_names_them(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """It said "Checked 2 digests" for one file: the count of the site, which is read whole, as
    if both files had been checked. The status is still that of the files' findings."""
    site = write_tree(
        {
            "papersite.yaml": TAGGED_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "digests/weekly/2025-03-24.yaml": SECOND_WEEK + "    tags: [reasonin]\n",
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    monkeypatch.chdir(site)

    def summary(*paths: str) -> tuple[int, str]:
        status = main(["check", *paths])
        return status, capsys.readouterr().out.splitlines()[-1]

    whole = "the site's 2 digests, checked with the whole site"
    assert summary("digests/weekly/2025-03-17.yaml") == (
        0, f"Checked digests/weekly/2025-03-17.yaml (1 of {whole}): 0 errors, 0 warnings"
    )  # fmt: skip
    assert summary("digests/weekly/2025-03-24.yaml") == (
        1, f"Checked digests/weekly/2025-03-24.yaml (1 of {whole}): 1 error, 0 warnings"
    )  # fmt: skip
    assert summary("digests/weekly/") == (
        1, f"Checked digests/weekly (2 of {whole}): 1 error, 0 warnings"
    )  # fmt: skip
    assert summary() == summary(".") == (1, "Checked 2 digests: 1 error, 0 warnings")


def test_json_names_the_paths_checked(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text summary named the files asked about; the JSON document did not, so a tool could
    not tell a check of one file from a check of the whole site."""
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "digests/weekly/2025-03-24.yaml": SECOND_WEEK,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    monkeypatch.chdir(site)

    def document(*paths: str) -> dict[str, object]:
        main(["check", "--format", "json", *paths])
        parsed: dict[str, object] = json.loads(capsys.readouterr().out)
        return {key: parsed[key] for key in ("digests", "paths", "chosen")}

    assert document("digests/weekly/2025-03-24.yaml") == {
        "digests": 2, "paths": ["digests/weekly/2025-03-24.yaml"], "chosen": 1,
    }  # fmt: skip
    assert document("digests/weekly/") == {"digests": 2, "paths": ["digests/weekly"], "chosen": 2}
    assert document() == document(".") == {"digests": 2, "paths": [], "chosen": 2}


GITHUB_COMMAND = re.compile(r"^::(error|warning) ([^:]*)::(.*)$")


def test_github_annotations_name_the_file_from_the_repository_root(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = write_tree(
        {
            "site/papersite.yaml": TAGGED_CONFIG,
            "site/digests/weekly/2025-03-17.yaml": WEEKLY.replace(
                "[reinforcement-learning]", "[reasonin]"
            ),
            "site/arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    monkeypatch.chdir(site)  # the repository's root; the site is its site/ folder
    assert main(["check", "--source", "site", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    commands = [GITHUB_COMMAND.match(line) for line in lines[:-1]]
    assert all(commands), lines
    (command,) = [c for c in commands if c]
    severity, properties, message = command.groups()
    fields = dict(item.split("=", 1) for item in properties.split(","))
    digest = site / "site/digests/weekly/2025-03-17.yaml"
    assert severity == "error"
    assert fields["file"] == "site/digests/weekly/2025-03-17.yaml"
    assert fields["line"] == str(line_of(digest, "reasonin"))
    assert int(fields["col"]) > 1
    assert fields["title"] == "unknown-tag%3A papers[0].tags[0]"
    assert message.startswith("'reasonin' is not in the site's tags")
    assert "did you mean 'reasoning'?" in message
    assert lines[-1] == "Checked 1 digest: 1 error, 0 warnings"


def test_github_annotations_escape_what_would_end_a_command(minimal_site: Path) -> None:
    from papersite.check import Finding
    from papersite.errors import Problem

    report = CheckReport(
        [Finding(Problem("digests/a,b:c.yaml", 3, 4, "x", "50% done\nnext::line"), "error", "r")]
    )
    first = format_github(report, minimal_site, cwd=minimal_site).splitlines()[0]
    assert first == (
        "::error file=digests/a%2Cb%3Ac.yaml,line=3,col=4,title=r%3A x::50%25 done%0Anext::line"
    )


def test_json_lists_every_finding_for_tools(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY.replace(
                'en: "English introduction"', 'en: ""'
            ),
            "arxiv.lock.json": lockfile_text(),
        }
    )
    assert main(["check", "--source", str(site), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == 1
    assert document["ok"] is True
    assert (document["digests"], document["errors"], document["warnings"]) == (1, 0, 2)
    assert (document["paths"], document["chosen"]) == ([], 1)
    assert {f["rule"] for f in document["findings"]} == {"missing-translation", "not-in-lockfile"}
    assert set(document["findings"][0]) == {
        "severity", "rule", "path", "line", "column", "field", "message",
    }  # fmt: skip


def test_check_of_the_example_site_passes(example_site: Path) -> None:
    report = check_site(example_site)
    assert report.ok, [str(f.problem) for f in report.errors]
    assert report.digests == 2
    # The seeds' Korean leaves out some English texts, and renders a few glossary terms
    # otherwise than the glossary does (the warnings an editor would act on).
    assert {f.rule for f in report.findings} <= {"missing-translation", "glossary"}


def test_a_broken_config_is_reported_whatever_the_paths(write_tree: WriteTree) -> None:
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG.replace("languages: [ko, en]", "languages: []"),
            "digests/weekly/2025-03-17.yaml": WEEKLY,
        }
    )
    report = check_site(site, [site / "digests/weekly/2025-03-17.yaml"])
    assert "papersite.yaml" in {f.problem.path for f in report.errors}


# --- check --links, through the command line, against a loopback web server ---


def test_check_links_reports_dead_slow_and_moved_links_at_their_lines(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    from fake_links import LinkServer

    with LinkServer() as server:
        links = "".join(
            f'      - {{kind: other, url: "{server.url(path)}"}}\n'
            for path in ("/live", "/dead", "/slow", "/moved", "/found")
        )
        digest_text = WEEKLY.replace(
            '      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}\n', links
        )
        site = write_tree(
            {
                "papersite.yaml": SITE_CONFIG
                + "links: {timeout_seconds: 0.5, retries: 1, backoff_seconds: 0}\n",
                "digests/weekly/2025-03-17.yaml": digest_text,
                "arxiv.lock.json": lockfile_text(DAPO_RECORD),
            }
        )
        digest = site / "digests/weekly/2025-03-17.yaml"
        assert main(["check", "--source", str(site), "--links"]) == 1
        out = capsys.readouterr().out
        found = re.findall(r"^digests/weekly/2025-03-17\.yaml:(\d+):\d+: (\w+): (.*)$", out, re.M)
        by_line = {int(line): (severity, text) for line, severity, text in found}
        dead, slow, moved = (line_of(digest, p) for p in ('/dead"', '/slow"', '/moved"'))
        assert set(by_line) == {dead, slow, moved}, out
        assert by_line[dead][0] == "error" and "dead link: HTTP 404" in by_line[dead][1]
        assert by_line[slow][0] == "error" and "[dead-link]" in by_line[slow][1]
        assert by_line[moved][0] == "warning"
        assert f"redirects to {server.url('/live')}" in by_line[moved][1]
        assert "5 links checked (0 from the cache)" in out

        # A second run answers the links that worked from the cache: no request for them.
        before = server.count("/live")
        assert main(["check", "--source", str(site), "--links", "--format", "json"]) == 1
        document = json.loads(capsys.readouterr().out)
        assert server.count("/live") == before
        assert document["links"]["cached"] >= 2
        assert main(["check", "--source", str(site), "--links"]) == 1
        assert f"5 links checked ({document['links']['cached']} from the cache)" in (
            capsys.readouterr().out
        )  # every link, fetched or not
        assert {f["rule"] for f in document["findings"]} == {"dead-link", "redirect"}
        assert (site / ".papersite-cache" / "links.json").is_file()

        # --no-link-cache asks every URL again.
        assert main(["check", "--source", str(site), "--links", "--no-link-cache"]) == 1
        capsys.readouterr()
        assert server.count("/live") == 2 * before  # /live itself, and through /moved and /found


def test_a_template_that_fails_is_an_error_at_its_line_for_check_and_build(
    clean_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clean_site / "templates").mkdir()
    (clean_site / "templates" / "robots.txt").write_text(
        "User-agent: *\n{{ no_such_value }}\n", encoding="utf-8"
    )
    assert main(["check", "--source", str(clean_site)]) == 1
    out = capsys.readouterr().out
    assert "templates/robots.txt:2: error: UndefinedError: 'no_such_value' is undefined" in out
    assert "[template]" in out
    assert main(["build", "--source", str(clean_site)]) == 1
    err = capsys.readouterr().err
    assert "templates/robots.txt:2: UndefinedError: 'no_such_value' is undefined" in err
    assert "Traceback" not in err
    assert not (clean_site / "build").exists()

    (clean_site / "templates" / "robots.txt").write_text("{% if %}\n", encoding="utf-8")
    assert main(["build", "--source", str(clean_site)]) == 1
    assert re.search(r"^templates/robots\.txt:1: .*expression", capsys.readouterr().err, re.M)


def test_a_template_giving_a_python_piece_what_it_cannot_use_is_an_error_at_a_line(
    clean_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The theme's pieces made in Python (``snippets.py``) fail as their Jinja bodies did: as a
    problem at the line of the template that called them, for check and build, never with a
    traceback."""
    (clean_site / "templates").mkdir()
    paper = (default_theme() / "paper.html").read_text(encoding="utf-8")
    assert "{{ m.people(paper) }}" in paper
    broken = paper.replace("{{ m.people(paper) }}", "{{ m.people(paper.title) }}")
    (clean_site / "templates" / "paper.html").write_text(broken, encoding="utf-8")
    macros = (default_theme() / "macros.html").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(macros, 1) if "people_html(" in text)

    assert main(["check", "--source", str(clean_site)]) == 1
    out = capsys.readouterr().out
    assert f"macros.html:{line}: error: AttributeError: 'BiText' object has no attribute" in out
    assert main(["build", "--source", str(clean_site), "--no-search"]) == 1
    err = capsys.readouterr().err
    assert f"macros.html:{line}: AttributeError: 'BiText' object has no attribute 'authors'" in err
    assert "Traceback" not in err
    assert not (clean_site / "build").exists()


def test_a_page_written_as_it_renders_that_fails_is_an_error_at_its_line(
    clean_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sitemap is written as it renders (``render.render_chunks``): its template failing
    half way is reported like any other, and the previous output stays as it was."""
    assert main(["build", "--source", str(clean_site), "--no-search"]) == 0
    out = clean_site / "build"
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    (clean_site / "templates").mkdir()
    (clean_site / "templates" / "sitemap.xml").write_text(
        "<urlset>\n{% for entry in entries %}\n<url>{{ entry.nope }}</url>\n{% endfor %}\n",
        encoding="utf-8",
    )
    capsys.readouterr()

    assert main(["build", "--source", str(clean_site), "--no-search"]) == 1

    err = capsys.readouterr().err
    assert "templates/sitemap.xml:3: UndefinedError: " in err
    assert "Traceback" not in err
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before


def test_check_counts_the_digests_it_read_also_when_one_is_invalid(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "digests/weekly/2025-03-24.yaml": SECOND_WEEK.replace("kind: weekly", "kind: daily"),
        }
    )
    assert main(["check", "--source", str(site)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "Checked 2 digests: 1 error, 0 warnings"


@pytest.mark.parametrize(("end", "days"), [("2052-03-23", 9869), ("2025-04-17", 32)])
def test_a_weekly_period_longer_than_a_month_is_a_warning_of_a_mistyped_date(
    write_tree: WriteTree, end: str, days: int
) -> None:
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY.replace("end: 2025-03-23", f"end: {end}"),
        }
    )

    report = check_site(site)

    found = [f for f in report.findings if f.rule == "long-period"]
    assert [(f.severity, f.problem.field) for f in found] == [("warning", "period.end")]
    assert found[0].problem.message.startswith(
        f"the period from 2025-03-17 to {end} is {days} days long"
    )
    assert report.ok


@pytest.mark.parametrize("end", ["2025-03-17", "2025-03-30", "2025-04-16"])
def test_a_short_or_double_week_is_no_long_period(write_tree: WriteTree, end: str) -> None:
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY.replace("end: 2025-03-23", f"end: {end}"),
        }
    )

    assert not [f for f in check_site(site).findings if f.rule == "long-period"]


@pytest.mark.parametrize(
    ("digests", "errors", "warnings", "summary"),
    [
        (1, 1, 1, "Checked 1 digest: 1 error, 1 warning"),
        (2, 0, 2, "Checked 2 digests: 0 errors, 2 warnings"),
    ],
)
def test_the_summary_counts_in_the_singular_and_the_plural(
    digests: int, errors: int, warnings: int, summary: str
) -> None:
    problem = Problem("digests/weekly/2025-03-17.yaml", 1, 1, "title", "a finding")
    found = [Finding(problem, "error", "invalid")] * errors
    found += [Finding(problem, "warning", "markup")] * warnings

    assert CheckReport(findings=found, digests=digests).summary() == summary


@pytest.mark.parametrize(
    "marked",
    [
        "DAPO: An *Open-Source* LLM Reinforcement Learning System at Scale",
        "DAPO: An Open-Source `LLM` Reinforcement Learning System at **Scale**",
        "[DAPO](https://dapo-sia.github.io/): An Open-Source LLM Reinforcement Learning System at Scale",
    ],
)
@pytest.mark.parametrize("arxiv", ['    arxiv: "2503.14476"\n', ""])
def test_one_title_with_and_without_markdown_marks_is_one_title(
    write_tree: WriteTree, marked: str, arxiv: str
) -> None:
    """Both entries are one paper page (``Paper.identity`` reads a title's words): the same
    words are the same title, whatever marks one digest gives them."""
    plain = "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
    later = SECOND_WEEK.replace(plain, marked)
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY.replace('    arxiv: "2503.14476"\n', arxiv),
            "digests/weekly/2025-03-24.yaml": later.replace('    arxiv: "2503.14476"\n', arxiv),
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )

    report = check_site(site)

    assert [f for f in report.findings if f.rule == "conflicting-paper"] == []
    assert len(validate(site).papers) == 1


def test_an_award_on_a_weekly_digests_paper_is_a_warning_at_it(write_tree: WriteTree) -> None:
    """The digest format gives 'award' to conference digests, without forbidding it elsewhere:
    the build shows it (a badge), and check asks whether it was meant."""
    digest = WEEKLY.replace(
        '    arxiv: "2503.14476"\n', '    arxiv: "2503.14476"\n    award: best-paper\n'
    )
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": digest,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )

    report = check_site(site)

    assert findings(report) == [
        ("weekly-award", "digests/weekly/2025-03-17.yaml", 7, "papers[0].award")
    ]
    [finding] = report.findings
    assert finding.severity == "warning"
    assert (finding.problem.column, finding.problem.message) == (12, WEEKLY_AWARD_MESSAGE)
    assert report.ok


WEEKLY_AWARD_MESSAGE = (
    "'award' is for the papers of a conference digest (best-paper, runner-up, oral, "
    "spotlight, or the award's name); on a weekly digest it shows as a badge beside the "
    "title: remove it, unless the badge is meant"
)


def test_an_award_in_a_conference_digest_is_no_finding(write_tree: WriteTree) -> None:
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/conferences/neurips-2025.yaml": CONFERENCE}
    )

    assert [f for f in check_site(site).findings if f.rule == "weekly-award"] == []


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "date: 2025-11-27",
            "date: 1925-11-27",
            "date",
            "the digest is dated 1925-11-27, 100 years before its conference (2025): is its year "
            "mistyped?",
        ),
        (
            "date: 2025-11-27",
            "date: 2052-11-27",
            "date",
            "the digest is dated 2052-11-27, 27 years after its conference (2025): is its year "
            "mistyped?",
        ),
        (
            "date: 2025-11-27",
            "date: 0001-01-01",
            "date",
            "the digest is dated 0001-01-01, 2024 years before its conference (2025): is its year "
            "mistyped?",
        ),
        (
            "date: 2025-11-27",
            "date: 9999-12-31",
            "date",
            "the digest is dated 9999-12-31, 7974 years after its conference (2025): is its year "
            "mistyped?",
        ),
    ],
)
def test_an_implausible_date_is_a_warning_at_it(
    write_tree: WriteTree, old: str, new: str, field: str, message: str
) -> None:
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/conferences/neurips-2025.yaml": CONFERENCE.replace(old, new),
        }
    )

    report = check_site(site)

    found = [f for f in report.findings if f.rule == "implausible-date"]
    assert [(f.severity, f.problem.line, f.problem.field) for f in found] == [("warning", 3, field)]
    assert found[0].problem.message == message
    assert report.ok


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("0001-01-01", "0001-01-07", "period.start"), ("9999-12-25", "9999-12-31", "period.start")],
)
def test_an_implausible_weekly_period_is_a_warning_at_its_start(
    write_tree: WriteTree, start: str, end: str, field: str
) -> None:
    period = f"period: {{start: {start}, end: {end}}}"
    digest = WEEKLY.replace("period: {start: 2025-03-17, end: 2025-03-23}", period)
    site = write_tree({"papersite.yaml": SITE_CONFIG, f"digests/weekly/{start}.yaml": digest})

    report = check_site(site)

    found = [f for f in report.findings if f.rule == "implausible-date"]
    assert [(f.severity, f.problem.field) for f in found] == [("warning", field)]
    assert found[0].problem.message.startswith(f"{start} is not a date a digest can have")


@pytest.mark.parametrize("date", ["2024-12-20", "2025-11-27", "2026-01-15"])
def test_a_conference_digest_dated_near_its_year_is_no_finding(
    write_tree: WriteTree, date: str
) -> None:
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/conferences/neurips-2025.yaml": CONFERENCE.replace("2025-11-27", date),
        }
    )

    assert [f for f in check_site(site).findings if f.rule == "implausible-date"] == []


def test_a_weekly_digest_dated_years_from_its_period_is_a_warning_at_its_date(
    write_tree: WriteTree,
) -> None:
    digest = WEEKLY.replace("papers:\n", "date: 1925-03-24\npapers:\n")
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    [finding] = [f for f in check_site(site).findings if f.rule == "implausible-date"]

    assert (finding.severity, finding.problem.line, finding.problem.field) == ("warning", 4, "date")
    assert finding.problem.message == (
        "the digest is dated 1925-03-24, 100 years before its period (2025-03-17 to 2025-03-23): "
        "is its year mistyped?"
    )


@pytest.mark.parametrize(
    ("name", "suggested"), [("NeurIPS 2025", "NeurIPS"), ("ICML-2025", "ICML"), ("2025", "")]
)
def test_a_conference_name_holding_its_year_is_a_warning_at_the_name(
    write_tree: WriteTree, name: str, suggested: str
) -> None:
    """The URL is /conferences/<name>-<year>/: the year would be in it twice."""
    digest = CONFERENCE.replace("name: NeurIPS", f"name: {name!r}")
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/conferences/neurips.yaml": digest})

    report = check_site(site)

    [finding] = [f for f in report.findings if f.rule == "year-in-name"]
    assert (finding.severity, finding.problem.line, finding.problem.field) == (
        "warning", 2, "conference.name"
    )  # fmt: skip
    url = f"/conferences/{name.lower().replace(' ', '-')}-2025/"
    advice = f" ({suggested!r})" if suggested else ""
    assert finding.problem.message == (
        f"the name {name!r} holds the year, which the digest's URL adds again ({url}): write "
        f"the name without it{advice}; the year is 'year: 2025'"
    )


@pytest.mark.parametrize("name", ["NeurIPS", "ICLR 20251", "COLT"])
def test_a_conference_name_without_its_year_is_no_finding(write_tree: WriteTree, name: str) -> None:
    digest = CONFERENCE.replace("name: NeurIPS", f"name: {name!r}")
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/conferences/neurips.yaml": digest})

    assert [f for f in check_site(site).findings if f.rule == "year-in-name"] == []


def test_a_weekly_digest_dated_before_its_period_starts_is_a_warning_at_its_date(
    write_tree: WriteTree,
) -> None:
    """Published before the week it covers: within a year, it passed without a word."""
    digest = WEEKLY.replace("papers:\n", "date: 2025-03-10\npapers:\n")
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    [finding] = [f for f in check_site(site).findings if f.rule == "implausible-date"]

    assert (finding.severity, finding.problem.line, finding.problem.field) == ("warning", 4, "date")
    assert finding.problem.message == (
        "the digest is dated 2025-03-10, before its period starts (2025-03-17): write the day it "
        "was published, or leave 'date' out (it is then the period's end, 2025-03-23)"
    )


@pytest.mark.parametrize("date", ["2025-03-17", "2025-03-20", "2025-03-23", "2025-04-02"])
def test_a_weekly_digest_dated_in_or_after_its_period_is_no_finding(
    write_tree: WriteTree, date: str
) -> None:
    digest = WEEKLY.replace("papers:\n", f"date: {date}\npapers:\n")
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})

    assert [f for f in check_site(site).findings if f.rule == "implausible-date"] == []


def test_check_does_not_count_a_digest_that_links_to_nothing(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    """It is an error (the link's target named), and no digest was read from it."""
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": WEEKLY})
    (site / "digests/weekly/2025-03-24.yaml").symlink_to(site / "moved-away.yaml")

    assert main(["check", "--source", str(site)]) == 1

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("digests/weekly/2025-03-24.yaml:"), lines
    assert lines[-1] == "Checked 1 digest: 1 error, 0 warnings"
