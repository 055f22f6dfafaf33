"""Validation: loaded documents → the typed site, or every located problem at once."""

from __future__ import annotations

import datetime as dt
import pickle
import unicodedata
from pathlib import Path

import pytest

from conftest import SITE_CONFIG, WEEKLY, WriteTree, only_problem, problems_of, validate
from papersite.errors import Problem
from papersite.model import EVERY_LANGUAGE, Paper, Site

WEEKLY_PATH = "digests/weekly/2025-03-17.yaml"

CONFERENCE = """\
kind: conference
conference: {name: NeurIPS, year: 2025, url: "https://neurips.cc/"}
date: 2025-11-27
title: {ko: "NeurIPS 2025 우수 논문", en: "NeurIPS 2025 awards"}
papers:
  - title: {ko: "인공 집단 지성", en: "Artificial Hivemind"}
    authors: ["Liwei Jiang"]
    award: best-paper
"""

PAPER_ENTRY = WEEKLY.split("papers:\n", 1)[1]
"""The paper entry of ``WEEKLY``, ready to be appended to its ``papers`` list."""


def weekly_site(write_tree: WriteTree, digest: str) -> Path:
    return write_tree({"papersite.yaml": SITE_CONFIG, WEEKLY_PATH: digest})


def where(problem: Problem) -> tuple[str, int, int, str]:
    return problem.path, problem.line, problem.column, problem.field


# --- fields --------------------------------------------------------------------------------------


def test_unknown_key_suggests_the_closest_field(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace("    abstract:", "    abstact:"))

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 8, 5, "papers[0].abstact")
    assert problem.message == "unknown field 'abstact'; did you mean 'abstract'?"


def test_unknown_top_level_key_suggests_the_closest_field(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace("kind: weekly\n", "kind: weekly\ntilte: x\n"))

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 2, 1, "tilte")
    assert "did you mean 'title'?" in problem.message


@pytest.mark.parametrize(
    ("written", "column", "hidden"),
    [
        ("    ar\u200bxiv", 5, "U+200B (ZERO WIDTH SPACE)"),
        ("    \u00a0arxiv", 5, "U+00A0 (NO-BREAK SPACE)"),
        ("    arxiv\u3000", 5, "U+3000 (IDEOGRAPHIC SPACE)"),
    ],
)
def test_an_unknown_key_with_a_character_that_looks_like_a_space_names_it(
    write_tree: WriteTree, written: str, column: int, hidden: str
) -> None:
    """Pasted from a web page or a chat: the screen shows a known field, the message said only
    that it was unknown (and 'did you mean' the name it seems to be)."""
    digest = WEEKLY.replace('    arxiv: "2503.14476"', f'{written}: "2503.14476"')
    root = weekly_site(write_tree, digest)

    problems = [p for p in problems_of(root) if "unknown field" in p.message]

    assert [(p.line, p.column) for p in problems] == [(6, column)]
    assert f"unknown field '{written.strip(' ')}', which holds {hidden}, a character that " in (
        problems[0].message
    )
    assert "looks like a space or like nothing: indent with plain spaces, and retype the name" in (
        problems[0].message
    )


def test_unknown_key_with_no_close_match_lists_the_fields(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace("{kind: code, url:", "{kind: code, zzz: 1, url:")
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 10, 22, "papers[0].links[0].zzz")
    assert problem.message == "unknown field 'zzz'; the fields here are: kind, url, label"


def test_authors_given_as_a_string_is_not_a_list(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace("    tags: [reinforcement-learning]", '    authors: "x"')
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 11, 14, "papers[0].authors")
    assert problem.message == (
        "input should be a valid list, got 'x'; write a list, even of one item: [\"x\"]"
    )


@pytest.mark.parametrize(
    ("written", "advice"),
    [
        (
            "{kind: code, url: 'https://x.org/'}",
            '[{"kind": "code", "url": "https://x.org/"}]',
        ),
        (
            "\n      kind: discussion\n      url: 'https://x.com/omarsar0/status/1902364950821257288'"
            "\n      label: X thread",
            "put '- ' before the item's first field",
        ),
    ],
)
def test_one_link_given_where_a_list_goes_says_to_write_a_list(
    write_tree: WriteTree, written: str, advice: str
) -> None:
    """A section or link given as one mapping, not a list of one, had no advice at all."""
    digest = WEEKLY.replace("    tags: [reinforcement-learning]\n", "")
    digest = digest.replace(
        '    links:\n      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}\n',
        f"    links: {written}\n",
    )
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem)[3] == "papers[0].links"
    assert problem.message.startswith("input should be a valid list, got {"), problem.message
    assert problem.message.endswith(f"; write a list, even of one item: {advice}")


def test_a_list_left_empty_after_its_key_says_how_to_write_its_items(
    write_tree: WriteTree,
) -> None:
    digest = WEEKLY.replace("    tags: [reinforcement-learning]", "    authors:")
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 11, 13, "papers[0].authors")
    assert problem.message == (
        "input should be a valid list, got None; write its items under it, each on a line of "
        "its own after '- ', or remove it"
    )


def test_papers_left_empty_after_its_key_needs_a_paper(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.split("papers:\n")[0] + "papers:\n")

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 4, 8, "papers")
    assert problem.message == "a digest needs at least one paper under 'papers'"


@pytest.mark.parametrize(
    ("text", "got"),
    [
        ("- title: x\n", "a list"),
        ("# nothing yet\n", "nothing"),
        ("just words\n", "a single value: 'just words'"),
        # Python's repr was shown: datetime.date(2025, 3, 17), and all of a long line.
        ("2025-03-17\n", "a single value: the date 2025-03-17"),
        ("word " * 30, f"a single value: {repr('word ' * 30)[:80]}…"),
    ],
)
def test_a_config_that_is_no_mapping_lists_its_fields(
    write_tree: WriteTree, text: str, got: str
) -> None:
    root = write_tree({"papersite.yaml": text, WEEKLY_PATH: WEEKLY})

    problem = only_problem(root)

    assert where(problem) == ("papersite.yaml", 1, 1, "")
    assert problem.message == (
        f"expected a mapping of fields at the top of the file, got {got}; write one "
        "'name: value' line per field, not indented (title, description, base_url, languages, "
        "tags, arxiv, semantic_scholar, links, per_page)"
    )


@pytest.mark.parametrize("end", ["2025-03-17", "2025-03-30", "2025-04-16", "2052-03-23"])
def test_a_weekly_period_of_any_length_is_valid(write_tree: WriteTree, end: str) -> None:
    """The contract sets no length (``papersite check`` warns of a long one: ``long-period``)."""
    site = validate(weekly_site(write_tree, WEEKLY.replace("end: 2025-03-23", f"end: {end}")))

    assert str(site.digests[0].digest.date) == end


def test_title_given_as_a_number_is_not_a_text(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace('title: {ko: "이번 주의 논문", en: "Papers of the week"}', "title: 42")
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 3, 8, "title")
    assert "expected a text" in problem.message
    assert problem.message.endswith(
        "got the number 42 (an unquoted number is read as a number: put the text in quotes)"
    )


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("On", "true (an unquoted yes, no, on, off, true or false is read as true or false"),
        ("No", "false (an unquoted yes, no, on, off, true or false is read as true or false"),
        ("Null", "nothing (an empty value, or ~ or null unquoted): write the text"),
        ("1.10", "the number 1.1 (an unquoted number is read as a number"),
        ("2025-01-01", "the date 2025-01-01 (an unquoted date is read as a date"),
    ],
)
def test_an_unquoted_name_that_yaml_reads_as_no_text_says_what_it_was_read_as(
    write_tree: WriteTree, written: str, read_as: str
) -> None:
    """ "got False" for an author written No, or "got datetime.date(2025, 1, 1)", showed neither
    what was written nor what to do."""
    digest = WEEKLY.replace('    arxiv: "2503.14476"\n', f"    authors: [Kim, {written}]\n")
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 6, 20, "papers[0].authors[1]")
    assert problem.message.startswith(f"input should be a valid string, got {read_as}")


EMPTY_TEXT = "this text is empty; write it, in at least one of the site's languages"


@pytest.mark.parametrize("empty", ['""', '"   "', "{}", '{ko: "", en: " "}'])
def test_an_empty_title_of_a_digest_or_paper_is_an_error_at_it(
    write_tree: WriteTree, empty: str
) -> None:
    """They were a traceback when the page was made ("a required text is empty")."""
    digest = WEEKLY.replace(
        'title: {ko: "이번 주의 논문", en: "Papers of the week"}', f"title: {empty}"
    )
    paper_title = (
        '{ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}'
    )
    digest = digest.replace(paper_title, empty)
    root = weekly_site(write_tree, digest)

    problems = [(*where(p), p.message) for p in problems_of(root)]

    assert (WEEKLY_PATH, 3, 8, "title", EMPTY_TEXT) in problems
    assert (WEEKLY_PATH, 5, 12, "papers[0].title", EMPTY_TEXT) in problems


def test_an_empty_section_and_site_title_are_errors_at_them(write_tree: WriteTree) -> None:
    digest = WEEKLY + '    sections:\n      - title: {ko: " ", en: ""}\n        body: {}\n'
    config = SITE_CONFIG.replace('title: {ko: "테스트 사이트", en: "Test site"}', 'title: ""')
    root = write_tree({"papersite.yaml": config, WEEKLY_PATH: digest})

    problems = [(*where(p), p.message) for p in problems_of(root)]

    assert ("papersite.yaml", 1, 8, "title", EMPTY_TEXT) in problems
    assert (WEEKLY_PATH, 13, 16, "papers[0].sections[0].title", EMPTY_TEXT) in problems
    assert (WEEKLY_PATH, 14, 15, "papers[0].sections[0].body", EMPTY_TEXT) in problems


def test_missing_title_is_reported_for_the_file(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace('title: {ko: "이번 주의 논문", en: "Papers of the week"}\n', "")
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 1, 1, "title")
    assert problem.message == "the required field 'title' is missing"


def test_missing_paper_title_points_at_the_paper(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace(
        '  - title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at '
        'Scale"}\n    arxiv',
        "  - arxiv",
    )
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 5, 5, "papers[0].title")
    assert "'title' is missing" in problem.message


def test_unknown_link_kind_lists_the_kinds(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace("{kind: code,", "{kind: source,"))

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 10, 16, "papers[0].links[0].kind")
    assert "'code'" in problem.message
    assert "got 'source'" in problem.message


def test_a_value_where_fields_belong_names_the_fields(write_tree: WriteTree) -> None:
    """A bare URL as a link, or an empty paper: pydantic's own words ("a valid dictionary or
    instance of Link") name a Python class, not what to write."""
    digest = WEEKLY.replace(
        '      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}',
        "      - https://github.com/BytedTsinghua-SIA/DAPO",
    )
    root = weekly_site(write_tree, digest + "  - null\n")

    link, paper = problems_of(root)

    assert where(link) == (WEEKLY_PATH, 10, 9, "papers[0].links[0]")
    assert link.message == (
        "expected a mapping of its fields (kind, url, label), "
        "got 'https://github.com/BytedTsinghua-SIA/DAPO'"
    )
    assert where(paper) == (WEEKLY_PATH, 12, 5, "papers[1]")
    assert paper.message.startswith("expected a mapping of its fields (title, arxiv, authors,")
    assert paper.message.endswith("), got None")


# --- dates ---------------------------------------------------------------------------------------


def test_impossible_date_is_reported_at_the_date(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace("end: 2025-03-23", "end: 2025-02-30"))

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 2, 34, "period.end")
    assert problem.message == (
        "input should be a valid date or datetime, day value is outside expected range, got "
        "'2025-02-30'; write it as YYYY-MM-DD, e.g. 2025-03-17"
    )


@pytest.mark.parametrize(
    ("written", "shown"), [("0", "0"), ("86400", "86400"), ('"86400"', "'86400'")]
)
def test_a_number_is_not_a_date(write_tree: WriteTree, written: str, shown: str) -> None:
    """Pydantic would read a number as seconds since 1970: ``date: 0`` would be 1970-01-01."""
    digest = WEEKLY.replace("title: {ko", f"date: {written}\ntitle: {{ko", 1)
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 3, 7, "date")
    assert problem.message == f"{shown} is not a date: write it as YYYY-MM-DD, e.g. 2025-03-17"


@pytest.mark.parametrize("written", ["2025-03-23 00:00:00", "2025-03-23T10:30:00"])
def test_a_date_with_a_time_is_not_a_date(write_tree: WriteTree, written: str) -> None:
    """YAML reads these unquoted as timestamps: pydantic took the first for its day without a
    word and refused the second in its own terms, where the quoted text is refused plainly."""
    digest = WEEKLY.replace("title: {ko", f"date: {written}\ntitle: {{ko", 1)
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 3, 7, "date")
    assert problem.message.endswith("is not a date: write it as YYYY-MM-DD, e.g. 2025-03-17")
    assert "datetime." not in problem.message


def test_period_that_ends_before_it_starts(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace("end: 2025-03-23", "end: 2025-03-10"))

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 2, 9, "period")
    assert problem.message == "the period ends (2025-03-10) before it starts (2025-03-17)"


def test_weekly_digest_without_period(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace("period: {start: 2025-03-17, end: 2025-03-23}\n", "")
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 1, 1, "period")
    assert "a weekly digest needs 'period" in problem.message


def test_conference_digest_without_date(write_tree: WriteTree) -> None:
    path = "digests/conferences/neurips-2025.yaml"
    digest = CONFERENCE.replace("date: 2025-11-27\n", "")
    root = write_tree({"papersite.yaml": SITE_CONFIG, path: digest})

    problem = only_problem(root)

    assert where(problem) == (path, 1, 1, "date")
    assert "a conference digest needs its publication 'date" in problem.message


def test_period_in_a_conference_digest_points_at_the_period(write_tree: WriteTree) -> None:
    path = "digests/conferences/neurips-2025.yaml"
    digest = CONFERENCE.replace("date:", "period: {start: 2025-12-01, end: 2025-12-07}\ndate:")
    root = write_tree({"papersite.yaml": SITE_CONFIG, path: digest})

    problem = only_problem(root)

    assert where(problem) == (path, 3, 9, "period")
    assert "'period' is for weekly digests" in problem.message


def test_weekly_digest_date_defaults_to_the_end_of_its_period(minimal_site: Path) -> None:
    site = validate(minimal_site)

    assert site.digests[0].digest.date == dt.date(2025, 3, 23)


def test_weekly_digest_keeps_an_explicit_date(write_tree: WriteTree) -> None:
    root = weekly_site(
        write_tree, WEEKLY.replace("kind: weekly\n", "kind: weekly\ndate: 2025-03-25\n")
    )

    site = validate(root)

    assert site.digests[0].digest.date == dt.date(2025, 3, 25)


# --- languages ------------------------------------------------------------------------------------


def test_language_the_site_does_not_declare_in_a_paper_text(write_tree: WriteTree) -> None:
    root = weekly_site(
        write_tree, WEEKLY.replace('en: "English introduction"', 'fr: "Présentation"')
    )

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 7, 29, "papers[0].summary.fr")
    assert "language 'fr' is not one of this site's languages (ko, en)" in problem.message


def test_every_undeclared_language_of_a_text_is_named_in_its_one_error(
    write_tree: WriteTree,
) -> None:
    root = weekly_site(
        write_tree,
        WEEKLY.replace('en: "English introduction"', 'EN: "Intro", ja: "紹介", fr: "Présentation"'),
    )

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 7, 29, "papers[0].summary.EN")
    assert problem.message == (
        "language 'EN' is not one of this site's languages (ko, en) (nor are 'ja', 'fr', in this "
        "text); write 'en', as the site does; fix the others or add them to 'languages' in "
        "papersite.yaml"
    )


def test_an_undeclared_language_and_a_value_that_is_not_text_are_reported_together(
    write_tree: WriteTree,
) -> None:
    root = weekly_site(
        write_tree, WEEKLY.replace('en: "English introduction"', 'fr: "Présentation", en: [a]')
    )

    problems = sorted(problems_of(root), key=lambda p: p.column)

    assert [where(p) for p in problems] == [
        (WEEKLY_PATH, 7, 29, "papers[0].summary.fr"),
        (WEEKLY_PATH, 7, 53, "papers[0].summary.en"),
    ]
    assert problems[1].message == "input should be a valid string, got ['a']"


def test_language_the_site_does_not_declare_in_the_digest_title(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace('en: "Papers of the week"', 'fr: "Articles"'))

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 3, 25, "title.fr")
    assert "'fr'" in problem.message


def test_plain_string_text_is_the_same_in_every_language(write_tree: WriteTree) -> None:
    root = weekly_site(
        write_tree, WEEKLY.replace('{ko: "한국어 초록", en: "English abstract"}', '"Same"')
    )

    paper = validate(root).digests[0].digest.papers[0]

    assert paper.abstract == {EVERY_LANGUAGE: "Same"}


# --- URLs ----------------------------------------------------------------------------------------


def test_javascript_url_in_links_is_refused(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace("https://github.com/BytedTsinghua-SIA/DAPO", "javascript:alert(1)")
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert str(problem) == (
        "digests/weekly/2025-03-17.yaml:10:27: papers[0].links[0].url: "
        "only http(s) URLs are allowed, got 'javascript:alert(1)'"
    )


@pytest.mark.parametrize("label", ['""', '"   "', '"\\t"'])
def test_a_blank_link_label_is_an_error_at_it(write_tree: WriteTree, label: str) -> None:
    """A page would show the link with no text at all: nothing to read or click."""
    digest = WEEKLY.replace('DAPO"}', f'DAPO", label: {label}}}')
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 10, 79, "papers[0].links[0].label")
    assert problem.message == "this is empty; write it, or remove it"


@pytest.mark.parametrize("url", ["ftp://example.org/a", "javascript:alert(1)", "example.org/a"])
def test_non_http_source_url_is_refused(write_tree: WriteTree, url: str) -> None:
    root = weekly_site(
        write_tree, WEEKLY.replace("kind: weekly\n", f'kind: weekly\nsource: "{url}"\n')
    )

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 2, 9, "source")
    assert problem.message == f"only http(s) URLs are allowed, got {url!r}"


def test_a_url_with_a_space_says_so(write_tree: WriteTree) -> None:
    url = "https://example.org/a path"
    root = weekly_site(
        write_tree, WEEKLY.replace("kind: weekly\n", f'kind: weekly\nsource: "{url}"\n')
    )

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 2, 9, "source")
    assert problem.message == f"{url!r} has a space: write it as %20, or remove it"


@pytest.mark.parametrize(
    ("url", "scheme"),
    [("https:///x", "https"), ("https:x", "https"), ("http://:80/x", "http")],
)
def test_a_url_with_no_host_says_the_host_is_missing(
    write_tree: WriteTree, url: str, scheme: str
) -> None:
    """'https:///x' is http(s): the message said only http(s) URLs are allowed."""
    digest = WEEKLY.replace("https://github.com/BytedTsinghua-SIA/DAPO", url)
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 10, 27, "papers[0].links[0].url")
    assert problem.message == (
        f"{url!r} has no host: write the server's name after '{scheme}://', "
        f"e.g. '{scheme}://example.org/x'"
    )


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://[zz]/x", "'zz' does not appear to be an IPv4 or IPv6 address"),
        ("https://[::1/x", "Invalid IPv6 URL"),
    ],
)
def test_a_url_whose_brackets_hold_no_address_names_the_url(
    write_tree: WriteTree, url: str, why: str
) -> None:
    """The message was Python's alone ('zz' does not appear to be …), without the URL."""
    digest = WEEKLY.replace("https://github.com/BytedTsinghua-SIA/DAPO", url)

    problem = only_problem(weekly_site(write_tree, digest))

    assert where(problem) == (WEEKLY_PATH, 10, 27, "papers[0].links[0].url")
    assert problem.message == f"{url!r} is not a URL ({why}): fix its host"


LONG_LABEL = "a" * 64
LONG_HOST = ".".join(["a" * 63] * 4)


@pytest.mark.parametrize(
    ("host", "message"),
    [
        (
            "exa_mple.com",
            "has '_' in its host, which a host name may not hold (only letters, digits, '-' and "
            "'.'): check its spelling",
        ),
        ("exa%41mple.com", "has '%' in its host, which a host name may not hold"),
        (
            "example..com",
            "has an empty name between two dots of its host ('..', or a '.' first): remove one",
        ),
        (".example.com", "has an empty name between two dots of its host"),
        (
            f"{LONG_LABEL}.com",
            "has a name of 64 characters between the dots of its host, where one has at most 63: "
            "check its spelling",
        ),
        (
            "-github.com",
            "has '-github' in its host, which may not start or end with '-': fix its host",
        ),
        ("github-.com", "has 'github-' in its host, which may not start or end with '-'"),
        (
            f"{LONG_HOST}.com",
            "has a host of 259 characters, where one has at most 253: check its spelling",
        ),
        (
            "1.2.3",
            "has a host that ends in a number but is not an IP address: write four numbers from "
            "0 to 255 joined by dots (192.0.2.1), or check its spelling",
        ),
        ("256.0.0.1", "has a host that ends in a number but is not an IP address"),
        ("[v1.x]", "has brackets that hold no IP address: fix its host"),
        ("-예시.한국", "has a host name that is not a valid internationalised domain name ("),
        ("xn--zz.com", "has a host name that is not a valid internationalised domain name ("),
    ],
)
def test_a_url_whose_host_is_no_host_name_says_what_is_wrong(
    write_tree: WriteTree, host: str, message: str
) -> None:
    """A browser refuses such a host, or no name server knows it: the link leads nowhere."""
    url = f"https://{host}/BytedTsinghua-SIA/DAPO"
    digest = WEEKLY.replace("https://github.com/BytedTsinghua-SIA/DAPO", url)

    problem = only_problem(weekly_site(write_tree, digest))

    assert where(problem) == (WEEKLY_PATH, 10, 27, "papers[0].links[0].url")
    assert problem.message.startswith(f"{url!r} {message}"), problem.message


@pytest.mark.parametrize(
    "host",
    [
        "github.com",
        "GitHub.com",
        "github.com.",
        "localhost:8000",
        "192.0.2.1",
        "[2001:db8::1]",
        "한국.kr",
        "xn--3e0b707e.kr",
        "my-lab.example",
        f"{'a' * 63}.com",
    ],
)
def test_a_url_whose_host_is_a_name_or_an_address_is_taken(
    write_tree: WriteTree, host: str
) -> None:
    url = f"https://{host}/x"
    digest = WEEKLY.replace("https://github.com/BytedTsinghua-SIA/DAPO", url)

    [paper] = validate(weekly_site(write_tree, digest)).digests[0].digest.papers

    assert paper.links[0].url == url


def test_a_source_or_conference_url_whose_host_is_no_host_name_is_an_error_at_it(
    write_tree: WriteTree,
) -> None:
    digest = WEEKLY.replace("kind: weekly\n", 'kind: weekly\nsource: "https://a_b.org/"\n')
    conference = CONFERENCE.replace("https://neurips.cc/", "https://neurips..cc/")
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            WEEKLY_PATH: digest,
            "digests/conferences/neurips-2025.yaml": conference,
        }
    )

    problems = problems_of(root)

    assert [where(p) for p in problems] == [
        ("digests/conferences/neurips-2025.yaml", 2, 46, "conference.url"),
        (WEEKLY_PATH, 2, 9, "source"),
    ]
    assert problems[0].message.startswith("'https://neurips..cc/' has an empty name between")
    assert problems[1].message.startswith("'https://a_b.org/' has '_' in its host")


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
        ("\u200d", "U+200D (ZERO WIDTH JOINER)"),
        ("\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ],
)
def test_an_invisible_character_in_a_links_host_is_an_error_at_it(
    write_tree: WriteTree, char: str, name: str
) -> None:
    """Browsers drop or refuse it, so the link does not lead to the host the page shows."""
    escape = f"\\u{ord(char):04x}"  # as YAML writes it in a quoted string
    digest = WEEKLY.replace("https://github.com/", f"https://git{escape}hub.com/")
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 10, 27, "papers[0].links[0].url")
    url = f"https://git{char}hub.com/BytedTsinghua-SIA/DAPO"
    assert problem.message == f"{url!r} has an invisible character in its host, {name}: remove it"


@pytest.mark.parametrize(
    "url", ["https://example.org:99999/a", "https://example.org:8o8o/a", "https://example.org:0/"]
)
def test_a_url_whose_port_is_no_port_says_so(write_tree: WriteTree, url: str) -> None:
    """The link was published as written, and no browser can follow it."""
    digest = WEEKLY.replace("https://github.com/BytedTsinghua-SIA/DAPO", url)
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem)[3] == "papers[0].links[0].url"
    assert problem.message == f"{url!r} has a port that is not one (1-65535): fix it, or remove it"


@pytest.mark.parametrize(
    "url", ["https://user:secret@github.com/a", "https://github.com@evil.example/a"]
)
def test_a_url_with_a_name_or_password_is_an_error(write_tree: WriteTree, url: str) -> None:
    """A password in a link was published on every page showing it, and a name before '@'
    makes a link that seems to lead to one host and leads to another (as base_url refused)."""
    digest = WEEKLY.replace("https://github.com/BytedTsinghua-SIA/DAPO", url)
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 10, 27, "papers[0].links[0].url")
    assert problem.message == (
        f"{url!r} holds a name or password before its host ('…@'), which every page showing "
        "it would publish; remove it, up to and including the '@'"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://example.com/a?x=1&y=<2>",
            "'<', which a URL may not hold as it is: write it as %3C",
        ),
        ("https://x.example/a|b", "'|', which a URL may not hold as it is: write it as %7C"),
        ('https://x.example/a"b', "'\"', which a URL may not hold as it is: write it as %22"),
        ("https://x.example/a^b`c{d}", "'^', which a URL may not hold as it is: write it as %5E"),
        ("https://x.example/100%zz", "a '%' that is not followed by two hexadecimal digits"),
    ],
)
def test_a_url_with_a_character_no_url_may_hold_says_how_to_write_it(
    write_tree: WriteTree, url: str, shown: str
) -> None:
    """Pages carried the link as written: an address the HTML checker rejects."""
    digest = WEEKLY.replace("https://github.com/BytedTsinghua-SIA/DAPO", url.replace('"', '\\"'))
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem)[3] == "papers[0].links[0].url"
    assert problem.message.startswith(f"{url!r} has {shown}"), problem.message


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://example.org/a?x=1", "has a query ('?') or a fragment ('#')"),
        ("https://example.org:0/", "has a port that is not one (1-65535)"),
        ("https://example.org/a/../b/", "has a '.' or '..' folder"),
        ("https://example.org/repo/index.html", "is a page's address; give its folder's: "),
        ("https://example.org/a#top", "has a query ('?') or a fragment ('#')"),
        (
            "https://user:secret@example.org/",
            "holds a name or password before its host ('…@'), which every page",
        ),
        ("https://example.org:99999/", "has a port that is not one (1-65535)"),
        ("https://example.org//", "has an empty folder name ('//')"),
        (
            "https://-예시.한국/",
            "has a host name that is not a valid internationalised domain name (",
        ),
        ("https://example_site.org/", "has '_' in its host, which a host name may not hold"),
        ("https://example..org/", "has an empty name between two dots of its host"),
    ],
)
def test_a_base_url_every_page_url_could_not_be_made_from(
    write_tree: WriteTree, url: str, message: str
) -> None:
    config = SITE_CONFIG.replace("https://example.org/papers/", url)
    root = write_tree({"papersite.yaml": config, WEEKLY_PATH: WEEKLY})

    problem = only_problem(root)

    assert where(problem) == ("papersite.yaml", 2, 11, "base_url")
    assert problem.message.startswith(f"{url!r} {message}"), problem.message


def test_a_language_listed_twice_is_an_error_at_the_repeated_item(write_tree: WriteTree) -> None:
    config = SITE_CONFIG.replace("languages: [ko, en]", "languages: [ko, en, ko]")
    root = write_tree({"papersite.yaml": config, WEEKLY_PATH: WEEKLY})

    problem = only_problem(root)

    assert where(problem) == ("papersite.yaml", 3, 21, "languages[2]")
    assert problem.message == "the language 'ko' is given twice: remove one"


@pytest.mark.parametrize(
    ("digest", "line", "column", "field"),
    [
        (
            WEEKLY.replace("tags: [reinforcement-learning]", "tags: [llm, rl, llm]"),
            11,
            21,
            "papers[0].tags[2]",
        ),
        (WEEKLY.replace("papers:\n", "tags:\n  - llm\n  - llm\npapers:\n"), 6, 5, "tags[1]"),
    ],
)
def test_a_tag_given_twice_is_an_error_at_the_repeated_item(
    write_tree: WriteTree, digest: str, line: int, column: int, field: str
) -> None:
    problem = only_problem(weekly_site(write_tree, digest))

    assert where(problem) == (WEEKLY_PATH, line, column, field)
    assert problem.message == "the tag 'llm' is given twice: remove one"


def test_a_tag_given_twice_in_the_sites_vocabulary_is_an_error_at_it(
    write_tree: WriteTree,
) -> None:
    config = SITE_CONFIG + "tags: [llm, rl, llm]\n"
    root = write_tree({"papersite.yaml": config, WEEKLY_PATH: WEEKLY})

    problem = only_problem(root)

    assert where(problem) == ("papersite.yaml", 4, 17, "tags[2]")
    assert problem.message == "the tag 'llm' is given twice: remove one"


def test_a_tag_and_its_decomposed_spelling_are_one_tag_given_twice(
    write_tree: WriteTree,
) -> None:
    """Hangul pasted from macOS is decomposed (NFD): it looks the same, and is the same tag."""
    tags = f"tags: [강화학습, {unicodedata.normalize('NFD', '강화학습')}]"
    digest = WEEKLY.replace("tags: [reinforcement-learning]", tags)

    problem = only_problem(weekly_site(write_tree, digest))

    assert problem.field == "papers[0].tags[1]"
    assert problem.message == "the tag '강화학습' is given twice: remove one"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "EN",
            "'EN' is not a language code such as 'ko' or 'en': write 'en' (codes are lower case)",
        ),
        ("english", "'english' is not a language code such as 'ko' or 'en'"),
    ],
)
def test_a_declared_language_that_is_no_code_says_what_to_write(
    write_tree: WriteTree, written: str, message: str
) -> None:
    config = SITE_CONFIG.replace("languages: [ko, en]", f"languages: [ko, {written}]")
    root = write_tree({"papersite.yaml": config, WEEKLY_PATH: WEEKLY})

    problem = next(p for p in problems_of(root) if p.field == "languages[1]")

    assert where(problem) == ("papersite.yaml", 3, 17, "languages[1]")
    assert problem.message == message


def test_a_site_title_in_a_language_the_site_does_not_have(write_tree: WriteTree) -> None:
    config = SITE_CONFIG.replace("languages: [ko, en]", "languages: [ko]")
    root = write_tree({"papersite.yaml": config, WEEKLY_PATH: 'title: "x"\n'})

    problems = [p for p in problems_of(root) if p.path == "papersite.yaml"]

    assert [(p.line, p.field) for p in problems] == [(1, "title")]
    assert problems[0].message.startswith("language 'en' is not one of this site's languages (ko)")


def test_bad_base_url_in_site_configuration(write_tree: WriteTree) -> None:
    config = SITE_CONFIG.replace("https://example.org/papers/", "ftp://example.org/")
    root = write_tree({"papersite.yaml": config, WEEKLY_PATH: WEEKLY})

    problem = only_problem(root)

    assert where(problem) == ("papersite.yaml", 2, 11, "base_url")
    assert "only http(s) URLs are allowed" in problem.message


# --- arXiv IDs -----------------------------------------------------------------------------------


NEXT_YEAR = dt.datetime.now(dt.UTC).year % 100 + 1


@pytest.mark.parametrize(
    ("arxiv", "why"),
    [
        *[("2503.1", ""), ("25031.14476", ""), ("2503.14476v0", "")],
        ("2513.14476", "there is no month 13"),
        ("1412.12345", "December 2014 had four-digit numbers"),
        ("1501.1234", "January 2015 had five-digit numbers"),
        ("2503.00000", "numbers start at 00001"),
        # Arabic-Indic digits; fullwidth ones are told the ID to write (test_arxiv_ids.py)
        ("2503.1447٦", ""),
        ("0703.0001", "March 2007 is before the new style began (April 2007)"),
        ("9912.12345", "December 2099 has not come yet"),  # not December 1999
        (f"{NEXT_YEAR:02d}01.00001", f"January 20{NEXT_YEAR:02d} has not come yet"),
        ("math/0313001", "there is no month 13"),
        ("math/0000001", "there is no month 00"),
        ("math/0704001", "April 2007 is outside the old style's time (August 1991 to March 2007)"),
        ("hep-th/9107001", "July 1991 is outside the old style's time"),
        ("hep-th/9901000", "numbers start at 001"),
        ("hep-tx/9901001", "'hep-tx' is not an archive of arXiv's"),
    ],
)
def test_invalid_arxiv_id(write_tree: WriteTree, arxiv: str, why: str) -> None:
    root = weekly_site(write_tree, WEEKLY.replace('"2503.14476"', f'"{arxiv}"'))

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 6, 12, "papers[0].arxiv")
    assert problem.message.startswith(f"'{arxiv}' is not an arXiv ID: {why}")
    assert problem.message.endswith(
        "an arXiv ID is new-style, YYMM.NNNNN since 1501 and YYMM.NNNN from 0704 to 1412 "
        "(2503.14476, 0704.0001), or old-style, archive/YYMMNNN from 9108 to 0703 "
        "(hep-th/9901001), either with an optional version (2503.14476v2)"
    )


@pytest.mark.parametrize(
    ("arxiv", "bare"),
    [
        ("arXiv:2503.14476", "2503.14476"),
        ("https://arxiv.org/abs/2503.14476", "2503.14476"),
        ("arxiv:2503.14476", "2503.14476"),
        # What the address bar and arXiv's own pages give, pasted as they are:
        ("arXiv: 2503.14476v2", "2503.14476v2"),
        ("https://arxiv.org/pdf/2503.14476v2.pdf", "2503.14476v2"),
        ("https://arxiv.org/pdf/2503.14476v2", "2503.14476v2"),
        ("https://arxiv.org/abs/2503.14476/", "2503.14476"),
        ("https://www.arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("http://export.arxiv.org/abs/2503.14476", "2503.14476"),
        ("arxiv.org/abs/2503.14476", "2503.14476"),
        ("https://arxiv.org/html/2503.14476v1", "2503.14476v1"),
    ],
)
def test_arxiv_id_with_a_prefix_gets_a_hint(write_tree: WriteTree, arxiv: str, bare: str) -> None:
    root = weekly_site(write_tree, WEEKLY.replace('"2503.14476"', f'"{arxiv}"'))

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 6, 12, "papers[0].arxiv")
    assert problem.message.endswith(f"; write just the ID: '{bare}'")


@pytest.mark.parametrize(
    ("arxiv", "identity"),
    [
        ("2503.14476", "2503.14476"),
        ("2503.14476v2", "2503.14476"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9108001", "hep-th/9108001"),  # the first month of arXiv
        ("math/0703999", "math/0703999"),  # the last month of the old style
        ("0704.0001", "0704.0001"),
        ("1412.1234", "1412.1234"),
        ("1501.00001", "1501.00001"),
    ],
)
def test_valid_arxiv_ids_are_accepted(write_tree: WriteTree, arxiv: str, identity: str) -> None:
    root = weekly_site(write_tree, WEEKLY.replace('"2503.14476"', f'"{arxiv}"'))

    paper = validate(root).digests[0].digest.papers[0]

    assert paper.arxiv == arxiv
    assert paper.identity == identity


@pytest.mark.parametrize(
    ("arxiv", "written", "identity"),
    [
        ("math.GT/0309136", "math/0309136", "math/0309136"),
        ("math.GT/0309136v1", "math/0309136v1", "math/0309136"),
        ("cs.LG/0101001v2", "cs/0101001v2", "cs/0101001"),
    ],
)
def test_an_old_style_ids_subject_class_is_not_part_of_it(
    write_tree: WriteTree, arxiv: str, written: str, identity: str
) -> None:
    """arXiv's identifier scheme: math.GT/0309136 is math/0309136, a version stays as given."""
    root = weekly_site(write_tree, WEEKLY.replace('"2503.14476"', f'"{arxiv}"'))

    paper = validate(root).digests[0].digest.papers[0]

    assert paper.arxiv == written
    assert paper.identity == identity


def test_unquoted_arxiv_id_keeps_its_trailing_zero(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace('arxiv: "2503.14476"', "arxiv: 2503.10610"))

    site = validate(root)

    assert site.digests[0].digest.papers[0].arxiv == "2503.10610"
    assert list(site.papers) == ["2503.10610"]
    assert site.papers["2503.10610"].url == "papers/2503.10610/"


# --- paper identity ------------------------------------------------------------------------------


def test_paper_identity_is_the_arxiv_id_without_version(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace('"2503.14476"', '"2503.14476v3"'))

    site = validate(root)

    assert list(site.papers) == ["2503.14476"]
    assert site.papers["2503.14476"].url == "papers/2503.14476/"


def test_paper_identity_without_arxiv_is_a_slug_of_the_english_title(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace('    arxiv: "2503.14476"\n', ""))

    site = validate(root)

    identity = "dapo-an-open-source-llm-reinforcement-learning-system-at-scale"
    assert list(site.papers) == [identity]
    assert site.papers[identity].url == f"papers/{identity}/"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
            "dapo-an-open-source-llm-reinforcement-learning-system-at-scale",
        ),
        ("C++ and C: A Study", "c-and-c-a-study"),
        ('GPT-4o\'s "Chain-of-Thought" (2024)', "gpt-4o-s-chain-of-thought-2024"),
        ("snake_case_names", "snake-case-names"),
        ("x_1 and y^2 under $\\mathcal{O}(n \\log n)$", "x-1-and-y-2-under-mathcal-o-n-log-n"),
        ("100% Accurate? Q&A / A-B Tests!", "100-accurate-q-a-a-b-tests"),
        ("Über Ångström — naïve café", "über-ångström-naïve-café"),
        ("ＦＵＬＬ\u3000ＷＩＤＴＨ ①②", "full-width-12"),
        ("한국어 제목: 강화학습의 새로운 방법", "한국어-제목-강화학습의-새로운-방법"),
        ("2 * 3 = 6 and a*b", "2-3-6-and-a-b"),
        ("Don't Stop Pretraining", "don-t-stop-pretraining"),
        ("ẞtraße ﬁnance", "sstrasse-finance"),
    ],
)
def test_a_title_without_marks_keeps_its_slug(title: str, slug: str) -> None:
    """A paper's URL is public: the slugs of titles without Markdown marks stay as they were."""
    assert Paper(title={"en": title}).identity == slug


def test_a_slug_is_made_of_the_words_of_the_title_not_its_markdown(write_tree: WriteTree) -> None:
    """A link's URL, emphasis, code and note marks are not words: they stay out of the URL, so
    the paper titled with and without them in two digests is one page."""
    marked = "[DAPO](https://example.com/a) and **more** `code`[^1]"
    without_arxiv = WEEKLY.replace('    arxiv: "2503.14476"\n', "")
    digest = without_arxiv.replace(
        'en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"', f'en: "{marked}"'
    )
    later = without_arxiv.replace("2025-03-17", "2025-03-24").replace("2025-03-23", "2025-03-30")
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            WEEKLY_PATH: digest,
            "digests/weekly/2025-03-24.yaml": later.replace(
                "DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
                "DAPO and more code",
            ),
        }
    )

    site = validate(root)

    assert list(site.papers) == ["dapo-and-more-code"]
    assert len(site.papers["dapo-and-more-code"].appearances) == 2


@pytest.mark.parametrize(
    ("title", "start"),
    [
        ("Lorem Ipsum Dolor " * 20, "lorem-ipsum-dolor-lorem"),
        ("한국어로 쓴 아주 긴 제목 " * 20, "한국어로-쓴-아주-긴-제목-한국어로"),
        ("x" * 300, "xxxxxxxxxx"),
    ],
)
def test_a_long_title_gives_a_url_short_enough_for_any_disk(
    write_tree: WriteTree, title: str, start: str
) -> None:
    """A folder's name may have 255 bytes on most disks: a slug is cut to 150, at a hyphen."""
    digest = WEEKLY.replace('    arxiv: "2503.14476"\n', "").replace(
        'en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"', f'en: "{title}"'
    )

    (identity,) = validate(weekly_site(write_tree, digest)).papers

    assert identity.startswith(start) and 100 < len(identity.encode()) <= 150, identity
    assert not identity.endswith("-")
    assert title.replace(" ", "-").lower().startswith(identity) or identity == "x" * 150


def test_a_tag_is_one_spelling_of_its_hangul_and_not_longer_than_a_slug(
    write_tree: WriteTree,
) -> None:
    decomposed = unicodedata.normalize("NFD", "한국어")
    digest = WEEKLY.replace("tags: [reinforcement-learning]", f"tags: [{decomposed}]")

    (paper,) = validate(weekly_site(write_tree, digest)).papers.values()
    assert paper.appearances[0].paper.tags == ["한국어"]  # composed (NFC), as typed elsewhere

    long_tag = "-".join(["tag"] * 40)
    root = weekly_site(write_tree, WEEKLY.replace("reinforcement-learning", long_tag))
    problem = only_problem(root)
    assert where(problem)[3] == "papers[0].tags[0]"
    assert problem.message == "a tag has at most 150 bytes: shorten it"


@pytest.mark.parametrize(
    ("written", "meant"), [("ＬＬＭ", "llm"), ("ｌｌｍ", "llm"), ("ｒｌ２", "rl2"), ("ｶﾞ", "ガ")]
)
def test_a_tag_in_full_width_or_half_width_characters_says_what_to_write(
    write_tree: WriteTree, written: str, meant: str
) -> None:
    """'ｌｌｍ' would be a tag page of its own beside 'llm'."""
    digest = WEEKLY.replace("tags: [reinforcement-learning]", f"tags: [llm, {written}]")

    problem = only_problem(weekly_site(write_tree, digest))

    assert where(problem) == (WEEKLY_PATH, 11, 17, "papers[0].tags[1]")
    assert problem.message == (
        f"{written!r} has full-width or half-width characters: write {meant!r}"
    )


def test_a_tag_keeps_hangul_compatibility_jamo(write_tree: WriteTree) -> None:
    """NFKC would make 'ㅋ' a conjoining jamo: only full-width and half-width forms are refused."""
    digest = WEEKLY.replace("tags: [reinforcement-learning]", "tags: [ㅋ]")

    (paper,) = validate(weekly_site(write_tree, digest)).papers.values()

    assert paper.appearances[0].paper.tags == ["ㅋ"]


def test_the_same_paper_twice_in_one_digest(write_tree: WriteTree) -> None:
    digest = WEEKLY + PAPER_ENTRY.replace('"2503.14476"', '"2503.14476v2"')
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 12, 5, "papers[1]")
    assert "the same paper as papers[0] (2503.14476)" in problem.message


def test_the_same_paper_twice_is_reported_with_the_digests_other_problems(
    write_tree: WriteTree,
) -> None:
    digest = WEEKLY + PAPER_ENTRY + PAPER_ENTRY.replace("https://github.com", "ftp://github.com")
    root = weekly_site(write_tree, digest.replace("period: {", "period: {stray: 1, "))

    problems = problems_of(root)

    assert [where(problem)[1:] for problem in problems] == [
        (2, 10, "period.stray"),
        (12, 5, "papers[1]"),
        (24, 27, "papers[2].links[0].url"),
    ]
    assert "the same paper as papers[0] (2503.14476)" in problems[1].message


def test_the_same_untitled_paper_twice_by_english_title(write_tree: WriteTree) -> None:
    without_arxiv = WEEKLY.replace('    arxiv: "2503.14476"\n', "")
    digest = without_arxiv + without_arxiv.split("papers:\n", 1)[1]
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 11, 5, "papers[1]")
    assert "the same paper as papers[0]" in problem.message


def test_the_same_paper_in_two_digests_gets_one_page_listing_both(write_tree: WriteTree) -> None:
    later = WEEKLY.replace("2025-03-17", "2025-03-24").replace("2025-03-23", "2025-03-30")
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-24.yaml": later,
            WEEKLY_PATH: WEEKLY,
        }
    )

    site = validate(root)

    [paper] = site.papers.values()
    assert [appearance.digest.path for appearance in paper.appearances] == [
        WEEKLY_PATH,
        "digests/weekly/2025-03-24.yaml",
    ]


# --- digest URLs ---------------------------------------------------------------------------------


def test_digest_urls_come_from_the_content(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/any-name.yaml": WEEKLY,
            "digests/conferences/whatever.yaml": CONFERENCE,
        }
    )

    site = validate(root)

    # Newest first: the conference (2025-11-27) before the week ending 2025-03-23.
    assert [digest.url for digest in site.digests] == [
        "conferences/neurips-2025/",
        "weekly/2025-03-17/",
    ]


def test_two_weekly_digests_with_the_same_start_collide(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            WEEKLY_PATH: WEEKLY,
            "digests/weekly/2025-03-18.yaml": WEEKLY,
        }
    )

    problem = only_problem(root)

    # At the field the URL is made of, not at the top of the file with no field.
    assert where(problem) == ("digests/weekly/2025-03-18.yaml", 2, 17, "period.start")
    assert WEEKLY_PATH in problem.message
    assert "/weekly/2025-03-17/" in problem.message


def test_conference_names_differing_only_in_case_collide(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/conferences/a.yaml": CONFERENCE,
            "digests/conferences/b.yaml": CONFERENCE.replace("name: NeurIPS", "name: neurips"),
        }
    )

    problem = only_problem(root)

    assert where(problem) == ("digests/conferences/b.yaml", 2, 13, "conference")
    assert "digests/conferences/a.yaml" in problem.message
    assert "/conferences/neurips-2025/" in problem.message


def test_a_conference_name_without_letters_or_digits_is_an_error(write_tree: WriteTree) -> None:
    digest = CONFERENCE.replace("name: NeurIPS", 'name: "../"')
    root = write_tree({"papersite.yaml": SITE_CONFIG, "digests/conferences/a.yaml": digest})

    problem = only_problem(root)

    assert where(problem) == ("digests/conferences/a.yaml", 2, 20, "conference.name")
    assert problem.message == "'../' gives no URL (no letters or digits): name the conference"


# --- papers --------------------------------------------------------------------------------------


def test_empty_papers_list_is_reported_at_papers(write_tree: WriteTree) -> None:
    digest = WEEKLY.split("papers:\n")[0] + "papers: []\n"
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 4, 9, "papers")
    assert "at least one paper" in problem.message


def test_missing_papers_is_reported(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.split("papers:\n")[0])

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 1, 1, "papers")
    assert problem.message == "the required field 'papers' is missing"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_a_digest_file_with_nothing_in_it_is_an_error(write_tree: WriteTree, text: str) -> None:
    root = weekly_site(write_tree, text)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 1, 1, "")
    assert problem.message.startswith("the file holds no digest (it is empty, or only comments)")


def test_a_file_that_is_not_a_mapping(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, "- just\n- a list\n")

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 1, 1, "")
    assert "expected a mapping" in problem.message


# --- all problems at once ------------------------------------------------------------------------


def test_errors_in_two_files_are_reported_together(write_tree: WriteTree) -> None:
    conference_path = "digests/conferences/neurips-2025.yaml"
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            WEEKLY_PATH: WEEKLY.replace("    abstract:", "    abstact:"),
            conference_path: CONFERENCE.replace('url: "https://neurips.cc/"', 'url: "neurips.cc"'),
        }
    )

    problems = problems_of(root)

    assert [where(problem) for problem in problems] == [
        (conference_path, 2, 46, "conference.url"),
        (WEEKLY_PATH, 8, 5, "papers[0].abstact"),
    ]


def test_load_and_validation_errors_are_reported_together(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            WEEKLY_PATH: WEEKLY.replace("kind: weekly\n", "kind: weekly\nkind: weekly\n"),
            "digests/conferences/neurips-2025.yaml": CONFERENCE.replace("year: 2025", "year: soon"),
        }
    )

    problems = problems_of(root)

    assert [problem.field for problem in problems] == ["conference.year", "kind"]


def test_a_configuration_that_does_not_parse_is_reported_once(write_tree: WriteTree) -> None:
    root = write_tree({"papersite.yaml": "title: [\n", WEEKLY_PATH: WEEKLY})

    problem = only_problem(root)

    assert problem.path == "papersite.yaml" and problem.message.startswith("YAML syntax error")


@pytest.mark.parametrize(
    ("digest", "fields"),
    [
        ("kind: weekly\ntitle: x\n", ["papers", "period"]),
        ("kind: conference\ntitle: x\nperiod: {start: 2025-03-17, end: 2025-03-23}\n",
         ["conference", "papers"]),
        ("kind: weekly\ntitle: x\nperiod: {start: 2025-03-17, end: soon}\n",
         ["papers", "period.end"]),  # the period's own problem, not a second one
        ("kind: daily\ntitle: x\n", ["kind", "papers"]),
    ],
)  # fmt: skip
def test_what_a_digests_kind_asks_is_reported_with_the_other_errors(
    write_tree: WriteTree, digest: str, fields: list[str]
) -> None:
    """The kind's checks run on a valid digest; when another field fails they are asked of the
    file's data, so that one run reports them all."""
    root = weekly_site(write_tree, digest)

    assert sorted(problem.field for problem in problems_of(root)) == fields


def test_several_errors_in_one_file_are_all_reported(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace('"2503.14476"', '"2503.1"').replace(
        "https://github.com/BytedTsinghua-SIA/DAPO", "javascript:alert(1)"
    )
    root = weekly_site(write_tree, digest)

    problems = problems_of(root)

    assert [(problem.line, problem.field) for problem in problems] == [
        (6, "papers[0].arxiv"),
        (10, "papers[0].links[0].url"),
    ]


# --- the example site ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example(example_site: Path) -> Site:
    """The repository's example site, validated."""
    return validate(example_site)


def test_example_site_has_one_weekly_and_one_conference_digest(example: Site) -> None:
    assert [(digest.path, digest.url) for digest in example.digests] == [
        ("digests/conferences/neurips-2025.md", "conferences/neurips-2025/"),
        ("digests/weekly/2025-03-17.yaml", "weekly/2025-03-17/"),
    ]
    assert len(example.papers) == 17


def test_example_weekly_papers_are_bilingual(example: Site) -> None:
    weekly = example.digests[1].digest
    assert weekly.kind == "weekly"
    assert len(weekly.papers) == 10
    for paper in weekly.papers:
        for text in (paper.title, paper.summary, paper.abstract):
            assert text is not None, paper.identity
            assert sorted(text) == ["en", "ko"], paper.identity
            assert all(value.strip() for value in text.values()), paper.identity


def test_example_conference_papers_have_awards_and_authors(example: Site) -> None:
    conference = example.digests[0].digest
    assert conference.kind == "conference"
    assert len(conference.papers) == 7
    assert [paper.award for paper in conference.papers].count("best-paper") == 4
    assert [paper.award for paper in conference.papers].count("runner-up") == 3
    assert all(paper.authors for paper in conference.papers)


def test_models_given_the_same_fields_share_one_set_of_them(example: Site) -> None:
    """Memory: each model's set of given fields is the one set of that content (``model.py``);
    pickled and unpickled too, as the build cache does. A copy with a field changed has its own,
    and the originals' are as they were."""
    papers = [paper for sourced in example.digests for paper in sourced.digest.papers]
    by_fields: dict[frozenset[str], set[int]] = {}
    for paper in [*papers, *pickle.loads(pickle.dumps(papers))]:
        by_fields.setdefault(frozenset(paper.model_fields_set), set()).add(
            id(paper.model_fields_set)
        )
    assert len(papers) > len(by_fields) > 1
    assert all(len(ids) == 1 for ids in by_fields.values())

    first = next(paper for paper in papers if "affiliations" not in paper.model_fields_set)
    given = set(first.model_fields_set)
    copy = first.model_copy(update={"affiliations": ["KAIST"]})
    assert "affiliations" in copy.model_fields_set
    assert first.model_fields_set == given
    assert all(frozenset(p.model_fields_set) in by_fields for p in papers)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            '"2025"',
            "got '2025'; write the number as plain digits, without quotes (2025, 1000, 2.5)",
        ),
        ("true", "got True"),
        ("2025.0", "got 2025.0"),
    ],
)
def test_a_year_that_is_not_a_number_as_written_is_refused(
    write_tree: WriteTree, written: str, expected: str
) -> None:
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/conferences/neurips-2025.yaml": CONFERENCE.replace(
                "year: 2025", f"year: {written}"
            ),
        }
    )

    problem = only_problem(root)

    assert where(problem)[1:] == (2, 35, "conference.year")
    assert problem.message.endswith(expected), problem.message


@pytest.mark.parametrize(
    ("setting", "field"),
    [
        ('per_page: "20"', "per_page"),
        ("per_page: true", "per_page"),
        ('arxiv: {timeout_seconds: "30"}', "arxiv.timeout_seconds"),
        ("links: {retries: false}", "links.retries"),
        ("links: {cache_hours: 1e3}", "links.cache_hours"),  # text to YAML 1.1: no dot
    ],
)
def test_a_setting_that_is_not_a_number_as_written_is_refused(
    write_tree: WriteTree, setting: str, field: str
) -> None:
    root = weekly_site(write_tree, WEEKLY)
    config = root / "papersite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + setting + "\n", encoding="utf-8")

    problem = only_problem(root)

    assert (problem.path, problem.field) == ("papersite.yaml", field)
    assert "valid number" in problem.message or "valid integer" in problem.message


def test_settings_written_as_numbers_are_taken(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY)
    config = root / "papersite.yaml"
    settings = "per_page: 20\narxiv: {timeout_seconds: 5, delay_seconds: 3.5}\n"
    config.write_text(config.read_text(encoding="utf-8") + settings, encoding="utf-8")

    site = validate(root)

    assert site.config.per_page == 20
    assert (site.config.arxiv.timeout_seconds, site.config.arxiv.delay_seconds) == (5, 3.5)


@pytest.mark.parametrize(
    ("setting", "field", "shown"),
    [
        ("arxiv: {delay_seconds: .inf}", "arxiv.delay_seconds", "inf"),
        ("arxiv: {timeout_seconds: .inf}", "arxiv.timeout_seconds", "inf"),
        ("semantic_scholar: {delay_seconds: .nan}", "semantic_scholar.delay_seconds", "nan"),
        ("links: {cache_hours: .Inf}", "links.cache_hours", "inf"),
    ],
)
def test_a_setting_of_no_finite_number_says_what_to_write(
    write_tree: WriteTree, setting: str, field: str, shown: str
) -> None:
    """YAML's .inf passed every lower bound, and time.sleep raises OverflowError for it
    (a wait before a request); .nan was "too small"."""
    root = weekly_site(write_tree, WEEKLY)
    config = root / "papersite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + setting + "\n", encoding="utf-8")

    problem = only_problem(root)

    assert (problem.path, problem.line, problem.field) == ("papersite.yaml", 4, field)
    assert problem.message == (
        f"input should be a finite number, got {shown}; write a number such as 3 or 2.5"
    )


@pytest.mark.parametrize(
    ("setting", "field", "message"),
    [
        ("per_page: 0", "per_page", "0 is too small; write a whole number 1 or more"),
        ("arxiv: {retries: 11}", "arxiv.retries", "11 is too large; write a whole number from 0 to 10"),
        ("arxiv: {timeout_seconds: 0}", "arxiv.timeout_seconds", "0 is too small; write a number above 0"),
        ("links: {timeout_seconds: 300.5}", "links.timeout_seconds",
         "300.5 is too large; write a number above 0 and 300 or less"),
        ("semantic_scholar: {batch_size: 501}", "semantic_scholar.batch_size",
         "501 is too large; write a whole number from 1 to 500"),
    ],
)  # fmt: skip
def test_a_setting_out_of_its_bounds_says_what_to_write(
    write_tree: WriteTree, setting: str, field: str, message: str
) -> None:
    """In the contract's words, not pydantic's ("Input should be greater than or equal to 1")."""
    root = weekly_site(write_tree, WEEKLY)
    config = root / "papersite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + setting + "\n", encoding="utf-8")

    problem = only_problem(root)

    assert (problem.path, problem.line, problem.field) == ("papersite.yaml", 4, field)
    assert problem.message == message


@pytest.mark.parametrize(
    ("before", "after", "field", "message"),
    [
        ("year: 2025", "year: 1800", "conference.year",
         "1800 is too small; write a whole number from 1900 to 2999"),
        ("name: NeurIPS", 'name: ""', "conference.name", "is empty; write it"),
    ],
)  # fmt: skip
def test_a_digest_field_out_of_its_bounds_says_what_to_write(
    write_tree: WriteTree, before: str, after: str, field: str, message: str
) -> None:
    digest = CONFERENCE.replace(before, after)
    root = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/conferences/neurips-2025.yaml": digest}
    )

    problem = only_problem(root)

    assert (problem.line, problem.field) == (2, field)
    assert problem.message == message


def test_a_site_without_languages_is_told_to_list_one(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY)
    config = root / "papersite.yaml"
    config.write_text(SITE_CONFIG.replace("[ko, en]", "[]"), encoding="utf-8")

    problem = only_problem(root)

    assert (problem.path, problem.line, problem.field) == ("papersite.yaml", 3, "languages")
    assert problem.message == "is empty; give one or more"


@pytest.mark.parametrize(
    ("before", "after", "field", "line"),
    [
        ("award: best-paper", 'award: ""', "papers[0].award", 8),
        ('authors: ["Liwei Jiang"]', 'authors: ["Liwei Jiang", " "]', "papers[0].authors[1]", 7),
    ],
)
def test_a_blank_award_or_author_is_refused(
    write_tree: WriteTree, before: str, after: str, field: str, line: int
) -> None:
    """A blank award would make a second group of "other papers" on the conference's page."""
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/conferences/neurips-2025.yaml": CONFERENCE.replace(before, after),
        }
    )

    problem = only_problem(root)

    assert (problem.line, problem.field) == (line, field)
    assert "empty" in problem.message


def test_an_award_pasted_decomposed_is_the_same_award(write_tree: WriteTree) -> None:
    composed, decomposed = "최우수 논문", unicodedata.normalize("NFD", "최우수 논문")
    digest = CONFERENCE.replace("award: best-paper", f"award: {decomposed}") + (
        f'  - title: {{ko: "둘째", en: "Second"}}\n    award: {composed}\n'
    )
    root = write_tree({"papersite.yaml": SITE_CONFIG, "digests/conferences/a.yaml": digest})

    papers = validate(root).digests[0].digest.papers

    assert [paper.award for paper in papers] == [composed, composed]


LINK_KINDS_LISTED = (
    "input should be 'paper', 'pdf', 'code', 'project', 'dataset', 'model', 'demo', 'video', "
    "'blog', 'discussion' or 'other', got "
)


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("Code", "; did you mean 'code'?"),  # the right word in the wrong case
        ("DATASET", "; did you mean 'dataset'?"),
        ("codes", "; did you mean 'code'?"),
        ("sticker", ""),  # close to none: the list alone
    ],
)
def test_a_link_kind_close_to_one_suggests_it(write_tree: WriteTree, kind: str, hint: str) -> None:
    """The kinds were listed, and the one meant left for the reader to find."""
    digest = WEEKLY.replace("{kind: code,", f"{{kind: {kind},")
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 10, 16, "papers[0].links[0].kind")
    assert problem.message == f"{LINK_KINDS_LISTED}{kind!r}{hint}"


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("github", "; did you mean 'code'?"),
        ("GitHub", "; did you mean 'code'?"),
        ("arxiv", "; did you mean 'paper' or 'pdf'?"),
        ("huggingface", "; did you mean 'model' or 'dataset'?"),
        ("youtube", "; did you mean 'video'?"),
        ("twitter", "; did you mean 'discussion'?"),
        ("homepage", "; did you mean 'project'?"),
    ],
)
def test_a_link_kind_written_as_a_likely_word_suggests_the_kind_it_means(
    write_tree: WriteTree, kind: str, hint: str
) -> None:
    """'github' is close to no kind in spelling, and got the list alone."""
    digest = WEEKLY.replace("{kind: code,", f"{{kind: {kind},")

    problem = only_problem(weekly_site(write_tree, digest))

    assert where(problem) == (WEEKLY_PATH, 10, 16, "papers[0].links[0].kind")
    assert problem.message == f"{LINK_KINDS_LISTED}{kind!r}{hint}"


def test_a_word_for_a_link_kind_is_no_hint_for_another_field(write_tree: WriteTree) -> None:
    """The digest's kind takes weekly or conference: 'github' there means neither."""
    problem = only_problem(weekly_site(write_tree, WEEKLY.replace("kind: weekly", "kind: github")))

    assert problem.message == "input should be 'weekly' or 'conference', got 'github'"


def test_a_digest_kind_in_capitals_suggests_it(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace("kind: weekly", "kind: Weekly"))

    problem = only_problem(root)

    assert where(problem) == (WEEKLY_PATH, 1, 7, "kind")
    assert problem.message == (
        "input should be 'weekly' or 'conference', got 'Weekly'; did you mean 'weekly'?"
    )


@pytest.mark.parametrize(
    ("field", "written", "line", "column"),
    [
        ("award", "award: {ko: 특별상, en: Special Award}", 9, 12),
        (
            "links[0].label",
            "links: [{kind: code, url: 'https://x.org/', label: {ko: 코드, en: Code}}]",
            9,
            56,
        ),
    ],
)
def test_an_award_or_label_per_language_says_to_write_it_once(
    write_tree: WriteTree, field: str, written: str, line: int, column: int
) -> None:
    """The contract's texts are per language, but an award and a link's label are one string:
    the message was pydantic's 'input should be a valid string, got {...}'."""
    digest = WEEKLY.replace("    tags: [reinforcement-learning]\n", f"    {written}\n")
    digest = digest.replace(
        '    links:\n      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}\n', ""
    )
    root = weekly_site(write_tree, digest)

    problem = only_problem(root)

    joined = "특별상 / Special Award" if field == "award" else "코드 / Code"
    assert where(problem) == (WEEKLY_PATH, line, column, f"papers[0].{field}")
    assert problem.message == (
        "this is one string for every language, not a text per language: write it once, "
        f"e.g. '{joined}'"
    )


def test_a_title_in_either_emphasis_is_one_paper(write_tree: WriteTree) -> None:
    """``_Attention_`` and ``*Attention*`` are one emphasis to a reader: the paper so titled in
    two digests is one page, at the slug of its words (it was ``attention--is-…``, the
    underscores left in and folded to two hyphens, beside ``attention-is-…``)."""
    without_arxiv = WEEKLY.replace('    arxiv: "2503.14476"\n', "")
    title = 'en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"'
    later = without_arxiv.replace("2025-03-17", "2025-03-24").replace("2025-03-23", "2025-03-30")
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            WEEKLY_PATH: without_arxiv.replace(title, 'en: "_Attention_ Is All You Need"'),
            "digests/weekly/2025-03-24.yaml": later.replace(
                title, 'en: "*Attention* Is All You Need"'
            ),
        }
    )

    site = validate(root)

    assert list(site.papers) == ["attention-is-all-you-need"]
    assert len(site.papers["attention-is-all-you-need"].appearances) == 2


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Sparse_ Attention", "sparse-attention"), ("f_(x) and g_", "f-x-and-g")],
)
def test_an_underscore_beside_other_marks_folds_to_one_hyphen(title: str, slug: str) -> None:
    """A slug folds each run of marks to one hyphen, an underscore among them: ``_ `` gave
    ``--``."""
    assert Paper(title={"en": title}).identity == slug


def test_a_date_where_fields_belong_is_shown_as_the_date(write_tree: WriteTree) -> None:
    """``period: 2025-03-17`` (the start alone): the message showed Python's
    ``datetime.date(2025, 3, 17)``, not the date as written."""
    digest = WEEKLY.replace("period: {start: 2025-03-17, end: 2025-03-23}", "period: 2025-03-17")

    problem = only_problem(weekly_site(write_tree, digest))

    assert where(problem) == (WEEKLY_PATH, 2, 9, "period")
    assert problem.message == (
        "expected a mapping of its fields (start, end), got the date 2025-03-17"
    )


def test_a_long_value_given_where_a_list_goes_is_shown_shortened(write_tree: WriteTree) -> None:
    """A paper given as a mapping under ``papers:`` (its ``-`` left out): the message repeated
    the whole paper, its summaries and abstracts, before the advice."""
    digest = WEEKLY.replace("  - title:", "    title:").replace(
        '{ko: "한국어 초록", en: "English abstract"}', '"' + "A long abstract. " * 40 + '"'
    )

    problem = only_problem(weekly_site(write_tree, digest))

    assert where(problem)[3] == "papers"
    assert problem.message.startswith("input should be a valid list, got {'title': {")
    assert "long abstract" not in problem.message and len(problem.message) < 250
    assert problem.message.endswith(
        "; write a list, even of one item: put '- ' before the item's first field"
    )


@pytest.mark.parametrize(
    ("written", "meant"), [("large_language", "large-language"), ("Deep__RL_", "deep-rl")]
)
def test_a_tag_with_underscores_says_to_join_its_words_with_hyphens(
    write_tree: WriteTree, written: str, meant: str
) -> None:
    """'large_language' would be a tag page of its own beside 'large-language'; it passed on a
    site without a vocabulary."""
    digest = WEEKLY.replace("tags: [reinforcement-learning]", f"tags: [llm, {written}]")

    problem = only_problem(weekly_site(write_tree, digest))

    assert where(problem) == (WEEKLY_PATH, 11, 17, "papers[0].tags[1]")
    assert problem.message == (
        f"{written!r}: a tag joins its words with hyphens, not '_': write {meant!r}"
    )
