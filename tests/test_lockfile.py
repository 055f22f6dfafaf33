"""The lockfile's records checked against each other and themselves: what JSON and the field types
alone accept, but a build would show wrongly or pick from silently."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html

from conftest import DAPO_RECORD, SITE_CONFIG, WriteTree, arxiv_record, lockfile_text
from papersite import build
from papersite.errors import ContentError, Problem
from papersite.lockfile import Lockfile, read_lockfile, write_lockfile

DIGEST_PATH = "digests/weekly/2025-03-17.yaml"
GATED_TITLE = "Gated Attention for Large Language Models"
DIGEST = f"""\
kind: weekly
period: {{start: 2025-03-17, end: 2025-03-23}}
title: {{ko: "이번 주", en: "This week"}}
papers:
  - title: {{ko: "다포", en: "{DAPO_RECORD["title"]}"}}
    arxiv: "2503.14476"
  - title: {{ko: "게이트", en: "{GATED_TITLE}"}}
"""


def build_problems(write_tree: WriteTree, tmp_path: Path, lockfile: str) -> list[Problem]:
    """What a build with this lockfile stops with; it writes nothing."""
    source = write_tree(
        {"papersite.yaml": SITE_CONFIG, DIGEST_PATH: DIGEST, "arxiv.lock.json": lockfile}
    )
    with pytest.raises(ContentError) as caught:
        build(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    return caught.value.problems


def value_position(source: str, field: str, value: str) -> tuple[int, int]:
    """1-based line and column of the JSON string ``value`` of the first ``field`` holding it."""
    pair = f'"{field}": "{value}"'
    for number, line in enumerate(source.splitlines(), start=1):
        if pair in line:
            return number, line.index(pair) + len(f'"{field}": ') + 1
    raise AssertionError(f"{pair!r} is not in the lockfile")


def test_a_latest_version_dated_before_the_first_is_an_error_at_updated(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    lockfile = lockfile_text({**DAPO_RECORD, "published": "2025-03-18", "updated": "2025-03-01"})

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert (problem.path, problem.field) == (
        "arxiv.lock.json",
        'papers["2503.14476"].arxiv.updated',
    )
    assert (problem.line, problem.column) == value_position(lockfile, "updated", "2025-03-01")
    assert problem.message.startswith(
        "the latest version's date (2025-03-01) is before the first version's 'published' "
        "(2025-03-18); 'updated' is the same day or later"
    )
    assert "git checkout -- arxiv.lock.json" in problem.message


SAME_TITLE = "gated attention for large language models!"
"""``GATED_TITLE`` as ``normalise_title`` reads it, written otherwise."""


def resolved(arxiv_id: str, title: str) -> dict[str, object]:
    """A record that ``enrich --resolve-titles`` found from ``title``."""
    return arxiv_record(arxiv_id, GATED_TITLE, resolved_from_title=title)


def test_two_records_resolved_from_the_same_title_are_an_error_naming_both(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """The titles differ only in what ``normalise_title`` removes: a build would look both up as
    one, and use whichever came last."""
    lockfile = lockfile_text(
        DAPO_RECORD,
        resolved("2505.06708", GATED_TITLE),
        resolved("2501.00001", SAME_TITLE),
    )

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    # The file's keys are sorted: 2501.00001 comes first, and keeps the title.
    assert problem.field == 'papers["2505.06708"].arxiv.resolved_from_title'
    assert (problem.line, problem.column) == value_position(
        lockfile, "resolved_from_title", GATED_TITLE
    )
    first = value_position(lockfile, "resolved_from_title", SAME_TITLE)
    assert problem.message.startswith(
        f"the entry 2501.00001 (at {first[0]}:{first[1]}) was resolved from the same title, "
        "and a build would silently use one of the two for the paper of that title: keep "
        "'resolved_from_title' on the record of the right paper and set it to null on the "
        "other, or write the right ID as the paper's 'arxiv' in its digest"
    )


def test_records_resolved_from_different_titles_build(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    lockfile = lockfile_text(
        DAPO_RECORD,
        resolved("2505.06708", GATED_TITLE),
        resolved("2501.00001", "Gated Attention for Small Language Models"),
    )
    source = write_tree(
        {"papersite.yaml": SITE_CONFIG, DIGEST_PATH: DIGEST, "arxiv.lock.json": lockfile}
    )

    build(source, tmp_path / "out")

    page = tmp_path / "out" / "papers/gated-attention-for-large-language-models/index.html"
    links = html.parse(str(page)).xpath("//a/@href")
    assert "https://arxiv.org/abs/2505.06708" in links
    assert "https://arxiv.org/abs/2501.00001" not in links


def test_a_version_below_1_says_what_to_write(write_tree: WriteTree, tmp_path: Path) -> None:
    lockfile = lockfile_text({**DAPO_RECORD, "version": 0})

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert problem.field == 'papers["2503.14476"].arxiv.version'
    assert problem.message.startswith(
        "0 is too small; write a whole number 1 or more; fix the file"
    )


@pytest.mark.parametrize("arxiv_id", ["2503.14476", "hep-th/9901001"])
def test_a_record_is_named_by_its_quoted_key(
    write_tree: WriteTree, tmp_path: Path, arxiv_id: str
) -> None:
    """An old-style ID was named unquoted (``papers.hep-th/9901001.arxiv.version``), unlike a
    new-style one and README's "Messages name a record by its quoted key"."""
    lockfile = lockfile_text(arxiv_record(arxiv_id, "A paper", version=0))

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert problem.field == f'papers["{arxiv_id}"].arxiv.version'


def test_authors_given_as_one_name_say_to_write_a_json_list(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    lockfile = lockfile_text({**DAPO_RECORD, "authors": "Qiying Yu"})

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert problem.field == 'papers["2503.14476"].arxiv.authors'
    assert (problem.line, problem.column) == value_position(lockfile, "authors", "Qiying Yu")
    assert problem.message.startswith(
        'input should be a valid list, got "Qiying Yu"; write a list, even of one item: ["Qiying Yu"]; '
        "fix the file"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "fetched",
            '"yesterday"',
            '"yesterday" is not a time: write it as YYYY-MM-DDTHH:MM:SSZ, in UTC, '
            "e.g. 2026-11-21T09:12:44Z; fix the file",
        ),
        (
            "published",
            "20250318",
            "20250318 is not a date: write it as YYYY-MM-DD, e.g. 2025-03-17; fix the file",
        ),
    ],
)
def test_a_date_or_time_written_otherwise_says_how_to_write_it(
    write_tree: WriteTree, tmp_path: Path, field: str, value: str, message: str
) -> None:
    lockfile = lockfile_text(DAPO_RECORD)
    written = value_position(lockfile, field, str(DAPO_RECORD[field]))
    lockfile = lockfile.replace(f'"{field}": "{DAPO_RECORD[field]}"', f'"{field}": {value}', 1)

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert problem.field == f'papers["2503.14476"].arxiv.{field}'
    assert (problem.line, problem.column) == written
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "version",
            '"2"',
            'input should be a valid integer, got "2"; write the number as plain digits, '
            "without quotes",
        ),
        ("version", "2.0", "input should be a valid integer, got 2.0"),
        ("version", "true", "input should be a valid integer, got true"),
        ("withdrawn", "0", "input should be a valid boolean, got 0; write true or false"),
        ("withdrawn", '"false"', 'input should be a valid boolean, got "false"; write true or'),
        (
            "fetched",
            "1742256000",
            "1742256000 is not a time: write it as YYYY-MM-DDTHH:MM:SSZ, in UTC, "
            "e.g. 2026-11-21T09:12:44Z",
        ),
        ("fetched", '"1742256000"', '"1742256000" is not a time: write it as YYYY-MM-DDTHH'),
        ("fetched", "true", "true is not a time: write it as YYYY-MM-DDTHH"),
        ("fetched", "null", "null is not a time: write it as YYYY-MM-DDTHH"),
        ("published", "false", "false is not a date: write it as YYYY-MM-DD"),
        ("published", "[2025]", "[2025] is not a date: write it as YYYY-MM-DD"),
        ("published", '{"y": 2025}', '{"y": 2025} is not a date: write it as YYYY-MM-DD'),
        ("published", "0", "0 is not a date: write it as YYYY-MM-DD, e.g. 2025-03-17"),
        ("updated", '"2025-05-20T00:00:00"', '"2025-05-20T00:00:00" is not a date: write it'),
    ],
)
def test_a_value_of_another_type_is_refused_not_converted(
    write_tree: WriteTree, tmp_path: Path, field: str, value: str, message: str
) -> None:
    """A hand edit that JSON reads as another type than the field's: pydantic's lax mode would
    take "2" for 2, 0 for false and a number for seconds since 1970."""
    lockfile = lockfile_text(DAPO_RECORD)
    written = json.dumps(DAPO_RECORD[field])
    line = next(n for n, text in enumerate(lockfile.splitlines(), 1) if f'"{field}": ' in text)
    lockfile = lockfile.replace(f'"{field}": {written}', f'"{field}": {value}', 1)

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert (problem.path, problem.field) == (
        "arxiv.lock.json",
        f'papers["2503.14476"].arxiv.{field}',
    )
    text = lockfile.splitlines()[line - 1]
    assert (problem.line, problem.column) == (line, text.index(value) + 1)
    assert problem.message.startswith(message)
    assert problem.message.endswith("git checkout -- arxiv.lock.json) and run papersite enrich")


REFETCH = "remove the entry and run papersite enrich to fetch its record again; fix the file"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("version", str(10**30), f"{10**30} cannot be an arXiv version, a small number (none"),
        ("version", "1001", "1001 cannot be an arXiv version, a small number (none has reached"),
        (
            "published",
            '"0001-01-01"',
            '"0001-01-01" cannot be an arXiv date, before arXiv began (1991-08-14): ' + REFETCH,
        ),
        ("published", '"1991-08-13"', '"1991-08-13" cannot be an arXiv date, before arXiv began'),
        ("updated", '"9999-12-31"', '"9999-12-31" cannot be an arXiv date, after 2999: ' + REFETCH),
        (
            "fetched",
            '"0001-01-01T00:00:00Z"',
            '"0001-01-01T00:00:00Z" cannot be when a record was fetched, before arXiv began '
            "(1991-08-14): " + REFETCH,
        ),
        ("fetched", '"1991-08-13T23:00:00Z"', '"1991-08-13T23:00:00Z" cannot be when a record'),
    ],
)
def test_a_value_no_arxiv_record_can_have_is_an_error_at_it_saying_to_fetch_it_again(
    write_tree: WriteTree, tmp_path: Path, field: str, value: str, message: str
) -> None:
    """JSON and the field's type accepted them: a version of 10**30, a date before arXiv."""
    record = {**DAPO_RECORD, "published": "1991-08-14"}
    lockfile = lockfile_text(record)
    written = f'"{field}": {json.dumps(record[field])}'
    line, column = json_position(lockfile.splitlines(), written)
    lockfile = lockfile.replace(written, f'"{field}": {value}', 1)

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert (problem.path, problem.line, problem.column, problem.field) == (
        "arxiv.lock.json",
        line,
        column,
        f'papers["2503.14476"].arxiv.{field}',
    )
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("field", "value"),
    [("version", 1000), ("published", "1991-08-14"), ("fetched", "1991-08-13T23:00:00-05:00")],
)
def test_the_extreme_values_an_arxiv_record_can_have_build(
    write_tree: WriteTree, tmp_path: Path, field: str, value: object
) -> None:
    record = {**DAPO_RECORD, "published": "1991-08-14", field: value}
    source = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            DIGEST_PATH: DIGEST,
            "arxiv.lock.json": lockfile_text(record),
        }
    )

    build(source, tmp_path / "out")

    assert (tmp_path / "out" / "index.html").is_file()


@pytest.mark.parametrize("entry", ["{}", '{"arxiv": null, "semantic_scholar": null}'])
def test_an_entry_without_any_record_is_an_error_at_it(
    write_tree: WriteTree, tmp_path: Path, entry: str
) -> None:
    lockfile = f'{{\n  "format": 1,\n  "papers": {{\n    "2503.14476": {entry}\n  }}\n}}\n'

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert (problem.line, problem.column, problem.field) == (4, 19, 'papers["2503.14476"]')
    assert problem.message.startswith(
        "the entry holds no record (arxiv, semantic_scholar): every entry papersite enrich writes "
        "has one; " + REFETCH
    )


@pytest.mark.parametrize(("field", "value"), [("citation_count", '"12"'), ("year", "2025.0")])
def test_a_semantic_scholar_number_of_another_type_is_refused(
    write_tree: WriteTree, tmp_path: Path, field: str, value: str
) -> None:
    record = {"paper_id": "abc", "citation_count": 12, "year": 2025, "fetched": FETCHED}
    data = json.loads(lockfile_text(DAPO_RECORD))
    data["papers"]["2503.14476"]["semantic_scholar"] = record
    lockfile = json.dumps(data, indent=2, sort_keys=True)
    lockfile = lockfile.replace(f'"{field}": {record[field]}', f'"{field}": {value}', 1)

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert problem.field == f'papers["2503.14476"].semantic_scholar.{field}'
    assert problem.message.startswith("input should be a valid integer")


FETCHED = "2026-11-21T09:12:44Z"


def test_a_blank_author_is_an_error_at_it(write_tree: WriteTree, tmp_path: Path) -> None:
    """A page would list an empty name (", Qiying Yu"), and the citation an empty author."""
    lockfile = lockfile_text({**DAPO_RECORD, "authors": ["Qiying Yu", " "]})

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert problem.field == 'papers["2503.14476"].arxiv.authors[1]'
    lines = lockfile.splitlines()
    assert lines[problem.line - 1].strip() == '" "' == lines[problem.line - 1][problem.column - 1 :]
    assert problem.message.startswith("this is empty; write it, or remove it; fix the file")


@pytest.mark.parametrize(
    ("text", "got"), [("[]", "a list"), ("null", "null"), ('"x"', '"x"'), ("true", "true")]
)
def test_a_lockfile_that_is_no_json_object_says_what_to_write_in_json(
    write_tree: WriteTree, tmp_path: Path, text: str, got: str
) -> None:
    """Not the advice for YAML files ("one 'name: value' line per field")."""
    [problem] = build_problems(write_tree, tmp_path, text)

    assert (problem.path, problem.line, problem.column, problem.field) == (
        "arxiv.lock.json", 1, 1, ""
    )  # fmt: skip
    assert problem.message.startswith(
        f'expected a JSON object at the top of the file, got {got}: write {{"format": 1, '
        '"papers": {}} (and run papersite enrich to fill it); fix the file by hand'
    )


WITHOUT_FORMAT = lockfile_text(DAPO_RECORD).replace('  "format": 1,\n', "")
"""A lockfile as papersite writes it, its "format" line taken out."""


@pytest.mark.parametrize("text", ["{}", '{"papers": {}}', WITHOUT_FORMAT])
def test_a_lockfile_without_its_format_says_to_write_it(
    write_tree: WriteTree, tmp_path: Path, text: str
) -> None:
    """Every lockfile papersite writes says its format: one without, read as this papersite's
    format, would be misread silently, record by record."""
    [problem] = build_problems(write_tree, tmp_path, text)

    assert (problem.path, problem.line, problem.column, problem.field) == (
        "arxiv.lock.json", 1, 1, "format"
    )  # fmt: skip
    assert problem.message.startswith(
        'the file has no "format" (every lockfile papersite writes has one): add "format": 1 '
        'at its top if its records are as README.md describes ("The lockfile"); fix the file'
    )


def test_a_broken_lockfile_is_reported_with_the_digests_errors(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Both in one run: the lockfile's error was reported only once the digests were fixed."""
    lockfile = lockfile_text({**DAPO_RECORD, "version": "2"})
    source = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            DIGEST_PATH: DIGEST.replace("kind: weekly", "kind: weakly"),
            "arxiv.lock.json": lockfile,
        }
    )

    with pytest.raises(ContentError) as caught:
        build(source, tmp_path / "out")

    assert [(p.path, p.field) for p in caught.value.problems] == [
        ("arxiv.lock.json", 'papers["2503.14476"].arxiv.version'),
        (DIGEST_PATH, "kind"),
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text", ["", " \n\n"])
def test_an_empty_lockfile_says_it_is_empty_and_what_to_write(
    write_tree: WriteTree, tmp_path: Path, text: str
) -> None:
    """JSON's own words were "invalid JSON: Expecting value", at the line after a blank one."""
    [problem] = build_problems(write_tree, tmp_path, text)

    assert (problem.path, problem.line, problem.column, problem.field) == (
        "arxiv.lock.json", 1, 1, ""
    )  # fmt: skip
    assert problem.message.startswith(
        "expected a JSON object at the top of the file, got nothing (the file is empty): write "
        '{"format": 1, "papers": {}} (and run papersite enrich to fill it); fix the file by hand'
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "null", "input should be a valid string, got null; write the text in double"),
        ("title", "true", "input should be a valid string, got true; write the text in double"),
        ("doi", "10", "input should be a valid string, got 10; write the text in double quotes;"),
        ("authors", "null", "input should be a valid list, got null; write a list ([] for none)"),
        ("categories", '{"cs": 1}', 'input should be a valid list, got {"cs": 1}; fix the file'),
        ("withdrawn", "null", "input should be a valid boolean, got null; write true or false"),
    ],
)
def test_a_value_of_another_type_is_named_as_json_writes_it(
    write_tree: WriteTree, tmp_path: Path, field: str, value: str, message: str
) -> None:
    """The editor wrote JSON's true and null: not Python's True and None, nor YAML's advice
    ("an unquoted yes, no, on, off…", "each on a line of its own after '- '")."""
    lockfile = lockfile_text({**DAPO_RECORD, field: json.loads(value)})
    line = next(n for n, text in enumerate(lockfile.splitlines(), 1) if f'"{field}": ' in text)

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert problem.field == f'papers["2503.14476"].arxiv.{field}'
    assert problem.line == line
    assert problem.message.startswith(message)


def test_an_entry_that_is_no_object_is_named_as_json_writes_it(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    lockfile = json.dumps({"format": 1, "papers": {"2503.14476": True}}, indent=2)

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert (problem.line, problem.column, problem.field) == (4, 19, 'papers["2503.14476"]')
    assert problem.message.startswith(
        "expected a mapping of its fields (arxiv, semantic_scholar), got true; fix the file"
    )


def test_a_lockfile_left_with_a_merge_conflict_says_how_to_resolve_it(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Two pull requests that each ran enrich conflict in the committed lockfile. JSON's words
    were "Expecting property name enclosed in double quotes", and the advice to run
    `git checkout -- arxiv.lock.json`, which git refuses for a file not yet merged."""
    ours = lockfile_text(DAPO_RECORD).splitlines(keepends=True)
    at = next(n for n, line in enumerate(ours) if '"fetched"' in line)
    theirs = ours[at].replace("2026-01-01", "2026-02-01")
    conflict = ["<<<<<<< HEAD\n", ours[at], "=======\n", theirs, ">>>>>>> other-branch\n"]
    lockfile = "".join([*ours[:at], *conflict, *ours[at + 1 :]])

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert (problem.path, problem.line, problem.column, problem.field) == (
        "arxiv.lock.json", at + 1, 1, ""
    )  # fmt: skip
    assert problem.message == (
        "git left a merge conflict (<<<<<<<) in the file: take one side whole (git checkout "
        "--theirs arxiv.lock.json, then git add it) and run papersite enrich, which fetches the "
        "records the other side added"
    )


@pytest.mark.parametrize(
    ("field", "word"),
    [("version", "NaN"), ("format", "Infinity"), ("version", "-Infinity")],
)
def test_nan_or_infinity_is_invalid_json_at_it(
    write_tree: WriteTree, tmp_path: Path, field: str, word: str
) -> None:
    """Python's JSON parser reads these words, which JSON has not: they were reported as a
    value of the wrong type ("got NaN"), or taken where a number goes."""
    lockfile = lockfile_text({**DAPO_RECORD, "title": 'Not "NaN" nor -Infinity'})
    line, text = next(
        (n, text) for n, text in enumerate(lockfile.splitlines(), 1) if f'"{field}": ' in text
    )
    column = text.index(f'"{field}": ') + len(f'"{field}": ') + 1
    lockfile = re.sub(rf'("{field}": )[^,\n]+', rf"\g<1>{word}", lockfile, count=1)

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert (problem.path, problem.line, problem.column, problem.field) == (
        "arxiv.lock.json", line, column, ""
    )  # fmt: skip
    assert problem.message.startswith(
        f"invalid JSON: {word} is not a JSON value (JSON has no NaN or infinite number): "
        "write a number, or null; fix the file by hand"
    )


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("title", "DAPO\u0000", "the control character U+0000"),
        ("abstract", "Inference\u000bscaling", "the control character U+000B"),
        ("comment", "10 pages\u0085", "the control character U+0085"),
    ],
)
def test_a_character_pages_cannot_carry_is_an_error_at_it(
    write_tree: WriteTree, tmp_path: Path, field: str, value: str, shown: str
) -> None:
    """Such a character in a digest is an error; from the lockfile it went into the pages
    (an HTML parse error) and the data files, as JSON's escape (\\u0000) or as it is."""
    lockfile = lockfile_text({**DAPO_RECORD, field: value})
    written = json.dumps(value)  # as lockfile_text writes it

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert problem.field == f'papers["2503.14476"].arxiv.{field}'
    line = lockfile.splitlines()[problem.line - 1]
    assert line[problem.column - 1 :].startswith(written)
    assert problem.message.startswith(
        f"has {shown}, which pages and feeds cannot carry (pasted from a PDF?); remove it; "
        "fix the file by hand"
    )


def test_an_author_with_a_control_character_is_an_error_at_the_name(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    lockfile = lockfile_text({**DAPO_RECORD, "authors": ["Qiying Yu", "Zheng\u0001Zhang"]})

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert problem.field == 'papers["2503.14476"].arxiv.authors[1]'
    assert lockfile.splitlines()[problem.line - 1].strip() == '"Zheng\\u0001Zhang"'


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ('{"a": ', "}")])
def test_values_nested_thousands_deep_are_an_error_at_the_first_too_deep(
    write_tree: WriteTree, tmp_path: Path, opening: str, closing: str
) -> None:
    """Python's JSON parser gave up with a RecursionError, shown as a traceback."""
    head = '{"format": 1, "papers": {"2503.14476": '
    lockfile = head + opening * 5000 + "1" + closing * 5000 + "}}\n"

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    # The top object is level 1 and "papers" level 2: level 101 is the 99th opening.
    assert (problem.line, problem.column, problem.field) == (
        1, len(head) + 98 * len(opening) + 1, ""
    )  # fmt: skip
    assert problem.message.startswith(
        "values nested more than 100 deep; a lockfile's go five levels deep; fix the file"
    )


def test_a_number_of_thousands_of_digits_is_an_error_at_it(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """More digits than Python converts to a number: a ValueError, shown as a traceback."""
    lockfile = lockfile_text({**DAPO_RECORD, "title": "9" * 5000, "version": 2})
    line, text = next(
        (n, text) for n, text in enumerate(lockfile.splitlines(), 1) if '"version": ' in text
    )
    lockfile = lockfile.replace('"version": 2', '"version": ' + "9" * 5000)

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    column = text.index("2") + 1
    assert (problem.line, problem.column, problem.field) == (line, column, "")
    assert problem.message.startswith(
        "a number of 5000 digits, more than any number of the file has: write the right one; "
        "fix the file by hand"
    )


def test_a_line_separator_in_a_text_leaves_later_positions_on_their_lines(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """YAML, which locates the file's problems, reads U+2028 (as JSON writes it, unescaped) as
    a line break: every later problem was placed a line too low. And a character YAML does not
    read (U+FFFF) left every problem at 1:1."""
    gated = arxiv_record("2505.06708", GATED_TITLE)
    dapo = {**DAPO_RECORD, "abstract": "One line\u2028another", "comment": "x\uffff"}
    data = json.loads(lockfile_text(dapo, {**gated, "version": "2"}))
    lockfile = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    lines = lockfile.split("\n")  # as JSON counts them (splitlines would end one at U+2028)

    problems = build_problems(write_tree, tmp_path, lockfile)

    assert [(p.line, p.column, p.field) for p in problems] == [
        (*json_position(lines, '"comment": "x\uffff"'), 'papers["2503.14476"].arxiv.comment'),
        (*json_position(lines, '"version": "2"'), 'papers["2505.06708"].arxiv.version'),
    ]


def test_a_line_separator_alone_leaves_later_positions_on_their_lines(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    gated = arxiv_record("2505.06708", GATED_TITLE)
    dapo = {**DAPO_RECORD, "abstract": "One\u2028two\u2029three"}
    data = json.loads(lockfile_text(dapo, {**gated, "version": "2"}))
    lockfile = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    [problem] = build_problems(write_tree, tmp_path, lockfile)

    assert (problem.line, problem.column) == json_position(lockfile.split("\n"), '"version": "2"')


def json_position(lines: list[str], pair: str) -> tuple[int, int]:
    """1-based line and column of the value of the first ``"field": value`` ``pair``."""
    number, text = next((n, text) for n, text in enumerate(lines, 1) if pair in text)
    return number, text.index(pair) + pair.index(": ") + 3


# --- writing the file ---------------------------------------------------------------------------

KILLED_WRITE = """\
import os, signal, sys
from pathlib import Path
from papersite.lockfile import Lockfile, write_lockfile
os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # killed just before the rename
write_lockfile(Path(sys.argv[1]), Lockfile())
"""


def test_the_temporary_file_of_a_killed_write_is_removed_by_the_next(tmp_path: Path) -> None:
    """A kill -9 left a hidden ``.arxiv.lock.json.*.tmp`` that ``git add -A`` would commit."""
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WRITE, str(tmp_path)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert killed.returncode == -9
    assert [p.name.endswith(".tmp") for p in tmp_path.iterdir()] == [True]

    write_lockfile(tmp_path, Lockfile())

    assert [p.name for p in tmp_path.iterdir()] == ["arxiv.lock.json"]
    assert read_lockfile(tmp_path) == Lockfile()


def test_a_temporary_file_a_running_write_holds_is_left_to_it(tmp_path: Path) -> None:
    running = tmp_path / ".arxiv.lock.json.running.tmp"
    with running.open("w") as stream:
        fcntl.flock(stream, fcntl.LOCK_EX)  # as write_lockfile holds its own until the rename

        write_lockfile(tmp_path, Lockfile())

        assert sorted(p.name for p in tmp_path.iterdir()) == [running.name, "arxiv.lock.json"]


def test_a_write_keeps_the_lockfile_s_mode(tmp_path: Path) -> None:
    """Every write set 0644, undoing an editor's chmod."""
    write_lockfile(tmp_path, Lockfile())
    assert (tmp_path / "arxiv.lock.json").stat().st_mode & 0o777 == 0o644
    (tmp_path / "arxiv.lock.json").chmod(0o664)

    write_lockfile(tmp_path, Lockfile())

    assert (tmp_path / "arxiv.lock.json").stat().st_mode & 0o777 == 0o664
