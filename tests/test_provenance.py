"""Provenance: who wrote each text, shown to readers, listed for editors, enforced for CI."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from bs4 import BeautifulSoup

from conftest import WEEKLY, WriteTree
from papersite import build
from papersite.check import check_site
from papersite.cli import main
from papersite.errors import ContentError, StrictModeError

# Two papers: the first's Korean summary has been reviewed since (a partially reviewed paper),
# the second says nothing of its own, so the digest's default covers it.
REVIEWED_WEEKLY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
provenance:
  default: {ko: machine, en: upstream}
  by: {machine: "GPT-4o", reviewed: "Kim"}
  title: human
papers:
  - title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}
    arxiv: "2503.14476"
    summary:
      ko: "한국어 소개"
      en: "English introduction"
    abstract:
      ko: "한국어 초록"
      en: "English abstract"
    provenance: {summary: {ko: reviewed}}
  - title: {ko: "두 번째 논문", en: "A second paper"}
    summary:
      ko: "두 번째 소개"
      en: "Second introduction"
"""

BADGE_KO = "기계 번역 · 검토 전"
BADGE_EN = "machine translation, not reviewed"


def site_with(write_tree: WriteTree, digest: str, name: str = "2025-03-17.yaml") -> Path:
    config = 'title: {ko: "논문", en: "Papers"}\nbase_url: "https://example.org/"\n'
    config += "languages: [ko, en]\n"
    return write_tree({"papersite.yaml": config, f"digests/weekly/{name}": digest})


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first ``needle`` after the first line holding ``after``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines[start:], start) if needle in line) + 1


# --- the contract -------------------------------------------------------------------------------


def test_a_digest_without_provenance_shows_and_asks_nothing(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    site = site_with(write_tree, WEEKLY)

    report = build(site, tmp_path / "out", search=False)

    pages = [soup(page) for page in (tmp_path / "out").rglob("*.html")]
    assert not [page for page in pages if page.select(".provenance-badge, .provenance-notice")]
    assert report.unreviewed == [] and "to review" not in report.summary()
    assert [f for f in check_site(site, review=True).findings if f.rule == "unreviewed"] == []


@pytest.mark.parametrize(
    ("provenance", "needle", "expected"),
    [
        ("{default: {ko: machne}}", "machne", r"provenance\.default\.ko: .*'human', 'machine'"),
        ("{default: {fr: machine}}", "fr:", r"provenance\.default\.fr: language 'fr' is not"),
        ("{sumary: machine}", "sumary", r"provenance\.sumary: "),
        ("{by: {robot: GPT}}", "robot", r"provenance\.by\.robot: input should be"),
        ("[machine]", "[machine]", r"provenance: "),
    ],
)
def test_bad_provenance_is_an_error_at_its_line(
    write_tree: WriteTree, provenance: str, needle: str, expected: str
) -> None:
    digest = WEEKLY.replace("papers:\n", f"provenance: {provenance}\npapers:\n", 1)
    site = site_with(write_tree, digest)

    with pytest.raises(ContentError) as raised:
        build(site, site / "build", search=False)

    [problem] = raised.value.problems
    assert problem.path == "digests/weekly/2025-03-17.yaml"
    assert problem.line == line_of(digest, needle)
    assert re.search(expected, str(problem)), str(problem)


def test_a_wrong_language_and_a_wrong_status_are_reported_together(
    write_tree: WriteTree,
) -> None:
    """Both at once, not the language first and the status once the language is fixed."""
    provenance = "{default: {fr: machine, ko: machne}}"
    digest = WEEKLY.replace("papers:\n", f"provenance: {provenance}\npapers:\n", 1)
    site = site_with(write_tree, digest)

    with pytest.raises(ContentError) as raised:
        build(site, site / "build", search=False)

    line = line_of(digest, "provenance:")
    found = sorted((p.line, p.column, p.field, p.message) for p in raised.value.problems)
    assert [where[:3] for where in found] == [
        (line, digest.splitlines()[line - 1].index("fr:") + 1, "provenance.default.fr"),
        (line, digest.splitlines()[line - 1].index("machne") + 1, "provenance.default.ko"),
    ]
    assert found[0][3].startswith("language 'fr' is not one of this site's languages")
    assert found[1][3] == (
        "input should be 'human', 'machine', 'upstream' or 'reviewed', got 'machne'; "
        "did you mean 'machine'?"
    )


def test_a_wrong_status_for_every_language_names_the_field_alone(write_tree: WriteTree) -> None:
    """It was 'provenance.default.*': the key papersite stores such a status under."""
    digest = WEEKLY.replace("papers:\n", "provenance: {default: Machine}\npapers:\n", 1)
    site = site_with(write_tree, digest)

    with pytest.raises(ContentError) as raised:
        build(site, site / "build", search=False)

    [problem] = raised.value.problems
    line = line_of(digest, "provenance:")
    column = digest.splitlines()[line - 1].index("Machine") + 1
    assert (problem.line, problem.column, problem.field) == (line, column, "provenance.default")
    assert problem.message == (
        "input should be 'human', 'machine', 'upstream' or 'reviewed', got 'Machine'; "
        "did you mean 'machine'?"
    )


def test_a_paper_cannot_give_the_digests_overview_a_status(write_tree: WriteTree) -> None:
    digest = REVIEWED_WEEKLY.replace(
        "provenance: {summary: {ko: reviewed}}", "provenance: {overview: human}"
    )
    site = site_with(write_tree, digest)

    with pytest.raises(ContentError) as raised:
        build(site, site / "build", search=False)

    [problem] = raised.value.problems
    assert problem.line == line_of(digest, "provenance: {overview")
    assert "papers[0].provenance.overview" in str(problem)


# --- readers ------------------------------------------------------------------------------------


def test_badges_mark_exactly_the_unreviewed_machine_texts(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    build(site_with(write_tree, REVIEWED_WEEKLY), tmp_path / "out", search=False)
    page = soup(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html")

    badged = {
        (badge.find_parent(class_="bi")["lang"], badge.find_parent(class_="bi").get_text(" "))
        for badge in page.select(".provenance-badge")
    }
    # The first paper's Korean summary is reviewed; its Korean abstract and the second paper's
    # Korean summary are not. English texts are upstream; titles are never badged.
    assert {(lang, text.split(BADGE_KO)[-1].strip()) for lang, text in badged} == {
        ("ko", "한국어 초록"),
        ("ko", "두 번째 소개"),
    }
    assert all(badge["lang"] == "ko" for badge in page.select(".provenance-badge"))
    assert [badge.get_text() for badge in page.select(".provenance-badge")] == [BADGE_KO] * 2


def test_the_digest_notice_names_the_machine_in_each_language(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    build(site_with(write_tree, REVIEWED_WEEKLY), tmp_path / "out", search=False)

    notice = soup(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html").select_one(
        ".provenance-notice"
    )

    assert notice is not None and notice["role"] == "note"
    texts = {p["lang"]: p.get_text() for p in notice.select("p")}
    # Only the Korean texts are a machine's: the English reader of the page, as of the English
    # edition, which shows no Korean text, is given no notice.
    assert texts.keys() == {"ko"} and "GPT-4o" in texts["ko"]
    english = soup(tmp_path / "out" / "en" / "weekly" / "2025-03-17" / "index.html")
    assert english.select(".provenance-notice, .provenance-badge") == []
    digest = REVIEWED_WEEKLY.replace("default: {ko: machine, en: upstream}", "default: machine")
    build(site_with(write_tree, digest), tmp_path / "every", search=False)
    notice = soup(tmp_path / "every" / "weekly" / "2025-03-17" / "index.html").select_one(
        ".provenance-notice"
    )
    texts = {p["lang"]: p.get_text() for p in notice.select("p")}
    assert texts.keys() == {"ko", "en"}
    assert "GPT-4o" in texts["ko"] and "GPT-4o" in texts["en"]
    assert "not been reviewed" in texts["en"]


def test_an_english_machine_text_gets_the_english_badge(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    digest = REVIEWED_WEEKLY.replace("default: {ko: machine, en: upstream}", "default: machine")
    build(site_with(write_tree, digest), tmp_path / "out", search=False)

    page = soup(tmp_path / "out" / "en" / "papers" / "a-second-paper" / "index.html")

    assert [badge.get_text() for badge in page.select(".provenance-badge")] == [BADGE_EN]
    assert page.select_one(".provenance-badge")["lang"] == "en"


def test_nothing_is_shown_when_every_text_is_human_or_reviewed(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    digest = REVIEWED_WEEKLY.replace("default: {ko: machine, en: upstream}", "default: reviewed")
    build(site_with(write_tree, digest), tmp_path / "out", search=False)

    pages = [soup(page) for page in (tmp_path / "out").rglob("*.html")]

    assert len(pages) > 10
    assert not [page for page in pages if page.select(".provenance-badge, .provenance-notice")]


# --- editors ------------------------------------------------------------------------------------


def test_check_review_lists_each_unreviewed_text_at_its_line(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_with(write_tree, REVIEWED_WEEKLY)

    code = main(["check", "--source", str(site), "--review"])

    out = capsys.readouterr().out
    listed = [line for line in out.splitlines() if line.endswith("[unreviewed]")]
    first, second = (
        line_of(REVIEWED_WEEKLY, "한국어 초록"),
        line_of(REVIEWED_WEEKLY, "두 번째 소개"),
    )
    assert [line.split(":")[:2] for line in listed] == [
        ["digests/weekly/2025-03-17.yaml", str(first)],
        ["digests/weekly/2025-03-17.yaml", str(second)],
    ]
    assert "papers[0].abstract.ko" in listed[0] and "GPT-4o" in listed[0]
    assert code == 0, "a review list alone does not fail the check"


@pytest.mark.parametrize(
    ("digest_provenance", "paper_provenance"),
    [
        ("{default: human}", "{summary: {ko: machine, en: machine}}"),
        ("{default: {ko: machine, en: upstream}}", None),
        ("{summary: {ko: reviewed, en: machine}}", None),
    ],
)
def test_one_text_for_every_language_is_a_machines_if_a_language_says_so(
    write_tree: WriteTree, tmp_path: Path, digest_provenance: str, paper_provenance: str | None
) -> None:
    """A plain string is the text of every language: statuses given per language still apply
    to it, and a machine's in any language means it waits for a review."""
    digest = WEEKLY.replace("papers:\n", f"provenance: {digest_provenance}\npapers:\n").replace(
        'summary: {ko: "한국어 소개", en: "English introduction"}', 'summary: "One summary"'
    )
    if paper_provenance:
        digest = digest.replace("    tags:", f"    provenance: {paper_provenance}\n    tags:")
    site = site_with(write_tree, digest)

    found = [f for f in check_site(site, review=True).findings if f.rule == "unreviewed"]
    assert "papers[0].summary" in [f.problem.field for f in found], found
    with pytest.raises(StrictModeError):
        build(site, tmp_path / "out", strict_review=True)
    build(site, tmp_path / "out")
    page = soup(tmp_path / "out" / "papers" / "2503.14476" / "index.html")
    assert page.find(string=re.compile(BADGE_EN)) or page.find(string=re.compile(BADGE_KO))


def test_check_strict_review_fails_until_every_text_is_reviewed(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_with(write_tree, REVIEWED_WEEKLY)
    assert main(["check", "--source", str(site), "--strict-review"]) == 1
    assert capsys.readouterr().out.count("error: ") >= 2

    digest = site / "digests" / "weekly" / "2025-03-17.yaml"
    text = digest.read_text(encoding="utf-8")
    digest.write_text(text.replace("{ko: machine, en: upstream}", "{ko: reviewed, en: upstream}"))

    assert main(["check", "--source", str(site), "--strict-review"]) == 0


def test_the_build_counts_texts_to_review_and_strict_review_fails_it(
    write_tree: WriteTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_with(write_tree, REVIEWED_WEEKLY)
    out = tmp_path / "out"

    report = build(site, out, search=False)
    again = build(site, out, search=False)  # nothing to do: the count comes from the record

    assert [problem.field for problem in report.unreviewed] == [
        "papers[0].abstract.ko",
        "papers[1].summary.ko",
    ]
    assert re.search(r", \d+ warnings?, 2 texts to review in \d", report.summary())
    assert again.written == [] and len(again.unreviewed) == 2
    with pytest.raises(StrictModeError):
        build(site, out, search=False, strict_review=True)
    assert main(["build", "--source", str(site), "--out", str(out), "--strict-review"]) == 1
    err = capsys.readouterr().err
    assert "2 machine-written texts not reviewed, and --strict-review is on" in err


def test_provenance_in_the_markdown_form(write_tree: WriteTree, tmp_path: Path) -> None:
    digest = """\
        ---
        kind: weekly
        period: {start: 2025-03-17, end: 2025-03-23}
        title: {ko: "이번 주의 논문", en: "Papers of the week"}
        provenance: {default: {ko: machine}, by: {machine: "GPT-4o"}}
        ---

        ## A paper

        ```yaml
        title: {ko: "논문", en: "A paper"}
        provenance: {summary: reviewed}
        ```

        ### Summary

        #### ko

        검토된 소개

        ### Abstract

        #### ko

        검토 전 초록
        """
    site = site_with(write_tree, digest, "2025-03-17.md")

    report = build(site, tmp_path / "out", search=False)

    locations = [(problem.field, problem.line) for problem in report.unreviewed]
    source = (site / "digests" / "weekly" / "2025-03-17.md").read_text(encoding="utf-8")
    assert ("papers[0].abstract.ko", line_of(source, "#### ko", after="### Abstract")) in locations
    assert "papers[0].summary.ko" not in [location for location, _ in locations]


# --- what each page claims: the bilingual page and both editions ---------------------------------

DIGEST_PAGES = {
    "bilingual": ("weekly", "2025-03-17", "index.html"),
    "ko": ("ko", "weekly", "2025-03-17", "index.html"),
    "en": ("en", "weekly", "2025-03-17", "index.html"),
}


def digest_pages(out: Path) -> dict[str, lxml.html.HtmlElement]:
    """The digest's page in both languages and in each edition, parsed."""
    return {
        name: lxml.html.parse(str(out.joinpath(*path))).getroot()
        for name, path in DIGEST_PAGES.items()
    }


def badges(page: lxml.html.HtmlElement) -> list[str]:
    return [badge.text_content() for badge in page.find_class("provenance-badge")]


def notices(page: lxml.html.HtmlElement) -> dict[str, str]:
    """The digest notice's words per language (one page may hold the notice in several)."""
    return {
        p.get("lang", ""): p.text_content()
        for notice in page.find_class("provenance-notice")
        for p in notice.iter("p")
    }


def test_a_shared_text_is_a_machines_only_if_a_status_that_applies_says_so(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """One summary for every language, its languages' own statuses reviewed and human: neither
    is a machine's, so the digest's ``default: machine`` (which they override) does not apply."""
    digest = WEEKLY.replace(
        "papers:\n",
        "provenance: {default: machine, title: human, by: {machine: GPT-4o}}\npapers:\n",
    ).replace(
        'summary: {ko: "한국어 소개", en: "English introduction"}',
        'summary: "One summary"\n    provenance: {summary: {ko: reviewed, en: human}}',
    )
    digest = digest.replace('    abstract: {ko: "한국어 초록", en: "English abstract"}\n', "")
    site = site_with(write_tree, digest)

    report = build(site, tmp_path / "out", search=False, strict_review=True)

    assert report.unreviewed == []
    assert [f for f in check_site(site, review=True).findings if f.rule == "unreviewed"] == []
    for name, page in digest_pages(tmp_path / "out").items():
        assert "One summary" in page.text_content(), name
        assert (badges(page), notices(page)) == ([], {}), name


@pytest.mark.parametrize("english_summary", [True, False])
def test_an_edition_carries_the_notice_only_for_a_machine_text_it_shows(
    write_tree: WriteTree, tmp_path: Path, english_summary: bool
) -> None:
    """Korean by a machine, English upstream: the English edition shows no machine text, and
    says nothing of one, unless it shows the Korean summary for a missing English one."""
    digest = REVIEWED_WEEKLY.replace('      ko: "한국어 초록"\n', "")
    if not english_summary:
        digest = digest.replace('      en: "Second introduction"\n', "")
    build(site_with(write_tree, digest), tmp_path / "out", search=False)

    pages = digest_pages(tmp_path / "out")

    assert badges(pages["ko"]) == [BADGE_KO] and set(notices(pages["ko"])) == {"ko"}
    # The page in both languages gives each language the notice of its edition, no other.
    assert notices(pages["bilingual"]) == {**notices(pages["ko"]), **notices(pages["en"])}
    if english_summary:
        assert (badges(pages["en"]), notices(pages["en"])) == ([], {})
    else:  # the Korean summary shown in its place, with the English badge
        assert badges(pages["en"]) == [BADGE_EN] and set(notices(pages["en"])) == {"en"}


def test_the_notice_names_each_machine_behind_a_text_the_page_shows(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A paper's ``by`` wins over its digest's: the notice names the paper's machine, and the
    digest's only if a text of the digest's machine is shown."""
    digest = (
        REVIEWED_WEEKLY.replace(
            "provenance: {summary: {ko: reviewed}}", "provenance: {by: {machine: Claude}}"
        )
        .replace("default: {ko: machine, en: upstream}", "default: machine")
        .replace(
            '      en: "Second introduction"\n',
            '      en: "Second introduction"\n    provenance: {default: reviewed}\n',
        )
    )
    site = site_with(write_tree, digest)
    build(site, tmp_path / "out", search=False)

    pages = digest_pages(tmp_path / "out")

    assert "Claude" in notices(pages["ko"])["ko"]
    assert "GPT-4o" not in notices(pages["ko"])["ko"]
    assert "by Claude and" in notices(pages["bilingual"])["en"]

    # With the second paper's Korean summary a machine's again, both machines are named.
    (site / "digests" / "weekly" / "2025-03-17.yaml").write_text(
        digest.replace("provenance: {default: reviewed}", "provenance: {title: reviewed}"),
        encoding="utf-8",
    )
    build(site, tmp_path / "out", search=False)
    english = notices(digest_pages(tmp_path / "out")["bilingual"])["en"]
    assert "by Claude, GPT-4o and have not" in english


@pytest.mark.parametrize(
    ("digest_by", "named"), [("GPT-4o", "GPT-4o"), ('" "', "a machine"), ('""', "a machine")]
)
def test_a_blank_name_in_by_names_no_one(
    write_tree: WriteTree, tmp_path: Path, digest_by: str, named: str
) -> None:
    """A paper's blank ``by.machine`` is no name: the notice and check name its digest's
    machine, or "a machine", never an empty space ("written by   and")."""
    # Every language a machine's, so that the page in both gives the English notice too.
    digest = (
        REVIEWED_WEEKLY.replace(
            'by: {machine: "GPT-4o", reviewed: "Kim"}', f"by: {{machine: {digest_by}}}"
        )
        .replace("provenance: {summary: {ko: reviewed}}", 'provenance: {by: {machine: "  "}}')
        .replace("default: {ko: machine, en: upstream}", "default: machine")
    )
    site = site_with(write_tree, digest)
    build(site, tmp_path / "out", search=False)

    english = notices(digest_pages(tmp_path / "out")["bilingual"])["en"]
    messages = {
        f.problem.message for f in check_site(site, review=True).findings if f.rule == "unreviewed"
    }

    assert f"by {named} and have not" in english
    assert {m.split(" and has not")[0].split("written by ")[1] for m in messages} == {named}


@pytest.mark.parametrize(
    ("by", "message"),
    [
        (
            "{machine: [GPT-4o, Claude]}",
            "expected one text naming who, got a list; write the names in one text, joined with "
            "commas: 'GPT-4o, Claude'",
        ),
        (
            "{machine: {ko: GPT-4o, en: GPT-4o}}",
            "this is one string for every language, not a text per language: write it once, "
            "e.g. 'GPT-4o / GPT-4o'",
        ),
    ],
)
def test_by_given_as_a_list_says_to_write_one_text(
    write_tree: WriteTree, by: str, message: str
) -> None:
    """The notice names by.machine as written; a list said only 'should be a valid string'."""
    digest = WEEKLY.replace("papers:\n", f"provenance: {{by: {by}}}\npapers:\n", 1)
    site = site_with(write_tree, digest)

    with pytest.raises(ContentError) as raised:
        build(site, site / "build", search=False)

    [problem] = raised.value.problems
    line = line_of(digest, "provenance:")
    column = digest.splitlines()[line - 1].index(by[len("{machine: ") :]) + 1
    assert (problem.line, problem.column, problem.field) == (line, column, "provenance.by.machine")
    assert problem.message == message
