"""Loading: files on disk → plain data with source positions, and the problems met on the way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SITE_CONFIG, WEEKLY, WriteTree
from papersite import build, load
from papersite.cache import BuildCache
from papersite.errors import ContentError, Problem
from papersite.load import format_location, load_site
from papersite.validate import validate_site

WEEKLY_PATH = "digests/weekly/2025-03-17.yaml"


def load_problems(root: Path) -> list[Problem]:
    """The problems ``load_site`` met, which validation must report unchanged."""
    loaded = load_site(root)
    with pytest.raises(ContentError) as caught:
        validate_site(loaded)
    assert caught.value.problems == sorted(loaded.problems)
    return loaded.problems


def weekly_site(write_tree: WriteTree, digest: str) -> Path:
    return write_tree({"papersite.yaml": SITE_CONFIG, WEEKLY_PATH: digest})


# --- YAML syntax --------------------------------------------------------------------------------


def test_yaml_syntax_error_is_reported_at_the_parsers_position(write_tree: WriteTree) -> None:
    root = weekly_site(
        write_tree, WEEKLY.replace('title: {ko: "이번 주의 논문"', 'title: Bad: {ko: "x"')
    )

    [problem] = load_problems(root)

    # PyYAML stops at the second ':' of line 3 (column 11).
    assert (problem.path, problem.line, problem.column, problem.field) == (WEEKLY_PATH, 3, 11, "")
    assert problem.message.startswith("YAML syntax error: ")
    assert "mapping values are not allowed" in problem.message
    assert problem.message.endswith(
        ": a value with ': ' in it must be quoted, as in title: \"DAPO: RL at scale\""
    )


@pytest.mark.parametrize(
    ("space", "name"), [("\u00a0", "NO-BREAK SPACE"), ("\u3000", "IDEOGRAPHIC SPACE")]
)
def test_an_indentation_pasted_with_another_space_is_named(
    write_tree: WriteTree, space: str, name: str
) -> None:
    """A line pasted from a web page or a chat: YAML's own words did not say why a line that
    looks well indented is not."""
    digest = WEEKLY.replace('    arxiv: "2503.14476"', f'  {space * 2}arxiv: "2503.14476"')
    root = weekly_site(write_tree, digest)

    [problem] = load_problems(root)

    assert (problem.line, problem.field) == (6, "")
    assert problem.message.endswith(
        f": line 6 is indented with U+{ord(space):04X} ({name}), which YAML does not read as a "
        "space (pasted from a web page?); indent with plain spaces"
    )


def test_an_indentation_pasted_with_another_space_is_named_in_front_matter(
    write_tree: WriteTree,
) -> None:
    front = WEEKLY.split("papers:")[0].replace("title: {ko", "title:\n\u00a0\u00a0ko: x\n  en", 1)
    root = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/a.md": f"---\n{front}---\n"})

    [problem] = load_problems(root)

    assert problem.message.endswith(
        ": line 5 is indented with U+00A0 (NO-BREAK SPACE), which YAML does not read as a "
        "space (pasted from a web page?); indent with plain spaces"
    )


def test_a_tab_in_the_indentation_is_named(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace("  - title:", "\t- title:"))

    [problem] = load_problems(root)

    assert (problem.line, problem.column) == (5, 1)
    assert problem.message.endswith(": this is a tab; YAML is indented with spaces")


def test_a_second_yaml_document_says_what_to_do(write_tree: WriteTree) -> None:
    """Two digests pasted into one file: PyYAML's own words ("but found another document")
    do not say that a file holds one."""
    lines = len(WEEKLY.splitlines())
    root = weekly_site(write_tree, f"---\n{WEEKLY}---\n{WEEKLY}")

    [problem] = load_problems(root)

    assert (problem.path, problem.line, problem.column) == (WEEKLY_PATH, lines + 2, 1)
    assert problem.message.startswith("YAML syntax error: ")
    assert problem.message.endswith(
        ": one YAML document here; remove this '---' (another digest needs a file of its own)"
    )


def test_aliases_that_stand_for_billions_of_values_are_an_error_at_once(
    write_tree: WriteTree,
) -> None:
    """The "billion laughs": each alias names a list of ten of the one before; read value by
    value, this small file is a million strings (nine levels would be a billion, and take the
    machine's memory: kept to six here, so that a papersite without the limit fails quickly)."""
    laughs = ['l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    laughs += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, 6)]
    digest = WEEKLY.replace("title: {ko", "\n".join(laughs) + "\ntitle: {ko", 1)
    root = weekly_site(
        write_tree, digest.replace("  - title: {ko", "  - authors: *l5\n    title: {ko")
    )

    [problem] = load_problems(root)

    assert problem.path == WEEKLY_PATH and 3 <= problem.line <= 12
    assert problem.message.startswith("this file stands for more than 100,000 values")


def test_many_values_written_out_are_not_limited(write_tree: WriteTree) -> None:
    """The limit is on what aliases repeat: a long list, written out, is read."""
    authors = ", ".join(f"a{n}" for n in range(100_050))
    root = weekly_site(
        write_tree, WEEKLY.replace("    arxiv:", f"    authors: [{authors}]\n    arxiv:")
    )

    site = validate_site(load_site(root))

    assert len(site.digests[0].digest.papers[0].authors) == 100_050


@pytest.mark.parametrize("levels", [150, 1_200, 60_000])
def test_values_nested_too_deep_are_an_error_not_a_crash(
    write_tree: WriteTree, levels: int
) -> None:
    """1,200 levels exhausted Python's stack (a traceback); 60,000 LibYAML's (the process died
    with no message). Both are a few kilobytes."""
    nested = "[" * levels + "]" * levels
    root = weekly_site(
        write_tree,
        WEEKLY.replace(
            '    arxiv: "2503.14476"', f'    authors: {nested}\n    arxiv: "2503.14476"'
        ),
    )

    problems = load_problems(root)

    assert [p.message for p in problems] == [load.TOO_DEEP]
    # At the first list too deep: the digest, its papers, the paper and then authors' lists.
    assert (problems[0].path, problems[0].line) == (WEEKLY_PATH, 6)
    assert problems[0].column == len("    authors: [") + load.MAX_DEPTH - 3


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!foo {ko: 주간, en: Weekly}", "!foo"),
        ('!!python/tuple ["A", "B"]', "!!python/tuple"),
        ('!!python/object/apply:os.system ["echo hi"]', "!!python/object/apply:os.system"),
        ("!!set {a, b}", "!!set"),
        ("!!binary aGk=", "!!binary"),
        ('!!python/name:os.system ""', "!!python/name:os.system"),
    ],
)
def test_a_tag_on_a_value_is_an_error_at_it_as_yaml_safe_load_refuses_it(
    write_tree: WriteTree, value: str, shown: str
) -> None:
    root = weekly_site(
        write_tree,
        WEEKLY.replace('    arxiv: "2503.14476"', f'    authors: {value}\n    arxiv: "2503.14476"'),
    )

    problems = load_problems(root)

    assert [(p.line, p.column, p.field) for p in problems] == [(6, 14, "papers[0].authors")]
    assert problems[0].message.startswith(
        f"the tag {shown} is not allowed: this file is plain data"
    )


def test_a_merge_key_that_names_no_mapping_is_an_error_at_it(write_tree: WriteTree) -> None:
    root = weekly_site(
        write_tree, WEEKLY.replace('    arxiv: "2503.14476"', '    <<: 5\n    arxiv: "2503.14476"')
    )

    [problem] = load_problems(root)

    assert (problem.line, problem.column, problem.field) == (6, 9, "papers[0]")
    assert problem.message == load.MERGES_MAPPINGS


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ('"Papers\\x0bof the week"', "U+000B"),
        ('"Papers\\fweek"', "U+000C"),
        ('"Papers \\uFFFE week"', "U+FFFE"),
        ('"Papers\\x85of the week"', "U+0085"),
        ('"Papers \\uFDD0 week"', "U+FDD0"),
        ('"Papers \\U0001FFFF week"', "U+1FFFF"),
    ],
)
def test_a_control_character_in_a_value_is_an_error_at_the_value(
    write_tree: WriteTree, written: str, code: str
) -> None:
    """XML cannot carry them: one in a title made every feed unreadable."""
    root = weekly_site(write_tree, WEEKLY.replace('en: "Papers of the week"', f"en: {written}"))

    [problem] = load_problems(root)

    assert (problem.path, problem.line, problem.field) == (WEEKLY_PATH, 3, "title.en")
    kind = "non-character" if code[2:4] in ("FF", "FD", "1F") else "control character"
    assert problem.message.startswith(f"has the {kind} {code}, which pages and feeds")


@pytest.mark.parametrize("character", ["\uffff", "\x0c", "\x9b"])
@pytest.mark.parametrize("form", ["yaml", "md"])
def test_a_character_yaml_does_not_allow_typed_as_it_is_is_an_error_at_it(
    write_tree: WriteTree, character: str, form: str
) -> None:
    """The YAML reader refuses them before parsing (it raised, and the build crashed)."""
    if form == "yaml":
        path, digest = (
            WEEKLY_PATH,
            WEEKLY.replace('en: "Papers of the week"', "en: 주간" + character),
        )
        line, column = 3, 31  # at the character itself
    else:
        path = "digests/weekly/2025-03-31.md"
        digest = "---\nkind: weekly\nperiod: {start: 2025-03-31, end: 2025-04-06}\n"
        digest += f"title: 주간{character}\n---\n\n## A paper\n"
        line, column = 4, 10
    root = write_tree({"papersite.yaml": SITE_CONFIG, path: digest})

    [problem] = load_problems(root)

    assert (problem.path, problem.line, problem.column) == (path, line, column)
    assert problem.message.startswith(f"the character U+{ord(character):04X} is not allowed")


@pytest.mark.parametrize(
    ("character", "name"),
    [("\u2028", "LINE SEPARATOR"), ("\u2029", "PARAGRAPH SEPARATOR"), ("\x85", "NEXT LINE")],
)
@pytest.mark.parametrize("quoted", [True, False])
def test_a_line_break_editors_do_not_show_typed_as_it_is_is_an_error_at_it(
    write_tree: WriteTree, character: str, name: str, quoted: bool
) -> None:
    """YAML reads it as a line break: unquoted, the text broke in two (a syntax error placed a
    line below); quoted, every later problem was placed a line below its own."""
    summary = f"English{character}introduction"
    summary = f'"{summary}"' if quoted else summary
    digest = WEEKLY.replace('en: "English introduction"}', f"en: {summary}}}")
    digest = digest.replace('arxiv: "2503.14476"', 'arxiv: "2503.1447x"')
    root = weekly_site(write_tree, digest)

    [problem] = load_problems(root)

    line = digest.split("\n")[6]  # as editors count lines
    assert (problem.line, problem.column) == (7, line.index(character) + 1)
    assert problem.message == (
        f"the character U+{ord(character):04X} ({name}) is a line break to YAML, though not to "
        "most editors (pasted from a web page or a PDF?); replace it with a line break, or a space"
    )


def test_a_digest_file_with_its_extension_in_capitals_is_read(write_tree: WriteTree) -> None:
    markdown = "---\nkind: weekly\nperiod: {start: 2025-03-31, end: 2025-04-06}\n"
    markdown += "title: Week\n---\n\n## A paper\n"
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.YAML": WEEKLY,
            "digests/weekly/2025-03-24.Yml": WEEKLY.replace("2025-03-17", "2025-03-24"),
            "digests/weekly/2025-03-31.MD": markdown,
        }
    )

    loaded = load_site(root)

    assert loaded.problems == []
    assert [d.path for d in loaded.digests] == [
        "digests/weekly/2025-03-17.YAML", "digests/weekly/2025-03-24.Yml",
        "digests/weekly/2025-03-31.MD",
    ]  # fmt: skip
    assert loaded.digests[2].data["papers"][0]["title"] == "A paper"  # read as Markdown


def test_a_digest_whose_file_name_is_not_utf8_is_an_error(write_tree: WriteTree) -> None:
    """Its path would be in the data files and pages, which are UTF-8: the build crashed."""
    root = weekly_site(write_tree, WEEKLY)
    folder = os.fsencode(root / "digests" / "weekly")
    with open(os.path.join(folder, b"\xff.yaml"), "wb") as file:
        file.write(WEEKLY.replace("2025-03-17", "2025-03-24").encode())

    [problem] = load_problems(root)

    assert problem.path == "digests/weekly/\\xff.yaml"
    assert problem.message == "the file's name is not UTF-8 text; rename it"


def test_unclosed_flow_sequence_is_reported_where_the_parser_gives_up(
    write_tree: WriteTree,
) -> None:
    root = weekly_site(write_tree, "kind: weekly\ntitle: [unclosed\npapers:\n")

    [problem] = load_problems(root)

    assert (problem.line, problem.column) == (3, 7)
    assert "YAML syntax error" in problem.message
    assert "while parsing a flow sequence" in problem.message


def test_a_file_with_a_syntax_error_is_not_passed_on_as_a_digest(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, "kind: weekly\ntitle: [unclosed\n")

    assert load_site(root).digests == []


# --- duplicate keys ------------------------------------------------------------------------------


def test_duplicate_key_points_at_the_second_key_and_names_the_first_line(
    write_tree: WriteTree,
) -> None:
    root = weekly_site(
        write_tree, WEEKLY.replace("kind: weekly\n", "kind: weekly\nkind: conference\n")
    )

    [problem] = load_problems(root)

    assert (problem.path, problem.line, problem.column, problem.field) == (
        WEEKLY_PATH,
        2,
        1,
        "kind",
    )
    assert "duplicate key 'kind'" in problem.message
    assert "first given on line 1" in problem.message


def test_duplicate_key_inside_a_paper_gets_its_dotted_field(write_tree: WriteTree) -> None:
    digest = WEEKLY.replace(
        '    arxiv: "2503.14476"\n', '    arxiv: "2503.14476"\n    arxiv: "2503.11486"\n'
    )
    root = weekly_site(write_tree, digest)

    [problem] = load_problems(root)

    assert (problem.line, problem.column, problem.field) == (7, 5, "papers[0].arxiv")
    assert "first given on line 6" in problem.message


def test_duplicate_key_in_a_flow_mapping_is_reported(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace('en: "Papers of the week"', 'ko: "again"'))

    [problem] = load_problems(root)

    assert (problem.line, problem.field) == (3, "title.ko")
    assert "duplicate key 'ko'" in problem.message
    assert "first given on line 3" in problem.message


# --- encoding ------------------------------------------------------------------------------------


def test_a_file_that_is_not_utf8_is_reported_at_its_first_bad_byte(write_tree: WriteTree) -> None:
    root = write_tree({"papersite.yaml": SITE_CONFIG})
    target = root / WEEKLY_PATH
    target.parent.mkdir(parents=True)
    target.write_bytes(b"kind: weekly\ntitle: \xff\xfe broken\n")

    [problem] = load_problems(root)

    assert (problem.path, problem.line, problem.column, problem.field) == (WEEKLY_PATH, 2, 8, "")
    assert "not UTF-8" in problem.message
    assert "0xff" in problem.message


def test_a_utf16_file_is_not_utf8(write_tree: WriteTree) -> None:
    root = write_tree({"papersite.yaml": SITE_CONFIG})
    target = root / WEEKLY_PATH
    target.parent.mkdir(parents=True)
    target.write_bytes(WEEKLY.encode("utf-16"))  # starts with the byte order mark ff fe

    [problem] = load_problems(root)

    assert (problem.path, problem.line, problem.column) == (WEEKLY_PATH, 1, 1)
    assert "not UTF-8" in problem.message


def test_a_utf8_byte_order_mark_and_windows_line_ends_are_accepted(write_tree: WriteTree) -> None:
    root = write_tree({"papersite.yaml": SITE_CONFIG})
    target = root / WEEKLY_PATH
    target.parent.mkdir(parents=True)
    target.write_bytes(b"\xef\xbb\xbf" + WEEKLY.replace("\n", "\r\n").encode("utf-8"))

    loaded = load_site(root)

    assert loaded.problems == []
    assert loaded.digests[0].data["title"] == {"ko": "이번 주의 논문", "en": "Papers of the week"}


# --- data as written ----------------------------------------------------------------------------


def test_unquoted_arxiv_id_keeps_its_trailing_zero(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace('arxiv: "2503.14476"', "arxiv: 2503.10610"))

    [document] = load_site(root).digests

    assert document.data["papers"][0]["arxiv"] == "2503.10610"


def test_other_plain_scalars_keep_their_yaml_types(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY)

    [document] = load_site(root).digests

    assert str(document.data["period"]["start"]) == "2025-03-17"
    assert type(document.data["period"]["start"]).__name__ == "date"


def test_keys_stay_text_even_when_yaml_would_read_a_boolean(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY.replace("kind: weekly\n", "kind: weekly\nno: 1\n"))

    [document] = load_site(root).digests

    assert "no" in document.data
    assert False not in document.data


def test_merge_keys_give_what_yaml_safe_load_gives(write_tree: WriteTree) -> None:
    # The later explicit key overrides the merged one, as in YAML's merge-key spec.
    digest = WEEKLY.replace("papers:\n  - title:", "papers:\n  - &dapo\n    title:") + (
        '  - <<: *dapo\n    arxiv: "2503.11486"\n'
    )
    root = weekly_site(write_tree, digest)

    loaded = load_site(root)

    assert loaded.problems == []
    assert loaded.digests[0].data == yaml.safe_load(digest)
    assert loaded.digests[0].data["papers"][1]["arxiv"] == "2503.11486"


def test_positions_of_values_and_keys_are_recorded_one_based(write_tree: WriteTree) -> None:
    root = weekly_site(write_tree, WEEKLY)

    [document] = load_site(root).digests

    url = ("papers", 0, "links", 0, "url")
    assert document.value_positions[url] == (10, 27)
    assert document.key_positions[url] == (10, 22)
    assert document.value_positions[("papers", 0)] == (5, 5)
    assert document.key_positions[("papers",)] == (4, 1)


def test_positions_read_back_from_the_cache_are_those_parsed(
    write_tree: WriteTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache keeps a parsed file's positions packed, and a later build unpacks them only to
    place a message: the places are those of a fresh parse, for values, keys and ancestors."""
    root = weekly_site(write_tree, WEEKLY)
    [fresh] = load_site(root).digests
    first = BuildCache(tmp_path / "cache")
    load_site(root, first)
    first.save()

    parse = load.parse_source

    def digests_not_parsed(text: str, path: str) -> Any:
        assert not path.startswith("digests/"), f"{path} was parsed again, not read from the cache"
        return parse(text, path)

    monkeypatch.setattr(load, "parse_source", digests_not_parsed)
    [cached] = load_site(root, BuildCache(tmp_path / "cache")).digests

    url = ("papers", 0, "links", 0, "url")
    assert cached.position(url) == fresh.position(url) == (10, 27)
    assert cached.position(url, key=True) == (10, 22)
    assert cached.problem(("papers", 0, "nowhere", 3), "m") == fresh.problem(
        ("papers", 0, "nowhere", 3), "m"
    )
    assert cached.positions == fresh.positions
    assert cached.data == fresh.data


def test_problem_for_a_missing_location_falls_back_to_its_nearest_ancestor(
    write_tree: WriteTree,
) -> None:
    root = weekly_site(write_tree, WEEKLY)
    [document] = load_site(root).digests

    problem = document.problem(("papers", 0, "authors"), "msg")

    assert (problem.line, problem.column, problem.field) == (5, 5, "papers[0].authors")


def test_format_location_writes_dotted_fields_with_indexes() -> None:
    assert format_location(("papers", 3, "links", 0, "url")) == "papers[3].links[0].url"
    assert format_location(()) == ""


def test_problem_prints_as_path_line_column_field_message() -> None:
    problem = Problem("digests/a.yaml", 42, 5, "papers[3].links[0].url", "bad")

    assert str(problem) == "digests/a.yaml:42:5: papers[3].links[0].url: bad"
    assert str(Problem("papersite.yaml", 0, 0, "", "missing")) == "papersite.yaml: missing"


# --- which files are read -----------------------------------------------------------------------


def test_missing_site_configuration_is_a_problem(write_tree: WriteTree) -> None:
    root = write_tree({WEEKLY_PATH: WEEKLY})

    [problem] = load_problems(root)

    assert (problem.path, problem.line, problem.column) == ("papersite.yaml", 0, 0)
    assert "no papersite.yaml here" in problem.message


def test_digest_files_are_found_by_suffix_and_drafts_and_readmes_are_skipped(
    write_tree: WriteTree,
) -> None:
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            "digests/weekly/2025-03-24.yml": WEEKLY,
            "digests/conferences/neurips-2025.md": "---\nkind: conference\n---\n",
            "digests/README.md": "# Notes, not a digest\n",
            "digests/weekly/README.MD": "# Notes, whatever the case of the name\n",
            "digests/conferences/Readme.md": "# Notes\n",
            "digests/_drafts/2025-03-31.yaml": "not: [valid",
            "digests/weekly/.hidden.yaml": "not: [valid",
            "digests/weekly/notes.txt": "not a digest",
        }
    )

    loaded = load_site(root)

    assert loaded.problems == []
    assert [document.path for document in loaded.digests] == [
        "digests/conferences/neurips-2025.md",
        "digests/weekly/2025-03-17.yaml",
        "digests/weekly/2025-03-24.yml",
    ]


@pytest.mark.parametrize("name", ["2025-03-24.markdown", "2025-03-24.MKD", "2025-03-24.mdown"])
def test_a_markdown_digest_named_otherwise_than_md_says_to_rename_it(
    write_tree: WriteTree, name: str
) -> None:
    stem, suffix = name.split(".")
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": WEEKLY,
            f"digests/weekly/{name}": "---\nkind: weekly\n---\n",
            f"digests/weekly/_{name}": "a note, kept as one",
        }
    )

    loaded = load_site(root)

    assert [str(problem) for problem in loaded.problems] == [
        f"digests/weekly/{name}: papersite reads digests from .yaml, .yml, .md files, not "
        f"'.{suffix}': rename it to '{stem}.md', or to '_{name}' to keep it as a note that is "
        "no digest"
    ]
    assert [document.path for document in loaded.digests] == ["digests/weekly/2025-03-17.yaml"]


def test_a_misnamed_digest_added_after_a_build_stops_the_next_one(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    root = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": WEEKLY})
    build(root, tmp_path / "out", search=False)
    (root / "digests" / "weekly" / "2025-03-24.markdown").write_text("---\nkind: weekly\n---\n")

    with pytest.raises(ContentError) as caught:
        build(root, tmp_path / "out", search=False)

    assert [problem.path for problem in caught.value.problems] == [
        "digests/weekly/2025-03-24.markdown"
    ]


def test_a_digest_linked_to_no_file_says_where_the_link_leads(write_tree: WriteTree) -> None:
    root = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": WEEKLY})
    (root / "digests" / "weekly" / "2025-03-24.yaml").symlink_to("../moved/2025-03-24.yaml")

    loaded = load_site(root)

    assert [str(problem) for problem in loaded.problems] == [
        "digests/weekly/2025-03-24.yaml: the file is a symbolic link to "
        "../moved/2025-03-24.yaml, which does not exist: fix the link, or remove it"
    ]


def test_a_linked_folder_of_digests_is_read_once_and_a_link_around_it_does_not_loop(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    root = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": WEEKLY})
    shared = tmp_path / "shared"  # a folder of digests kept outside the site
    shared.mkdir()
    (shared / "2025-03-24.yaml").write_text(WEEKLY.replace("2025-03-17", "2025-03-24"))
    (root / "digests" / "archive").symlink_to(shared, target_is_directory=True)
    (root / "digests" / "weekly" / "again").symlink_to("..", target_is_directory=True)
    (root / "digests" / "a-copy").symlink_to("weekly", target_is_directory=True)

    loaded = load_site(root)

    assert loaded.problems == []
    assert [document.path for document in loaded.digests] == [
        "digests/archive/2025-03-24.yaml",
        "digests/weekly/2025-03-17.yaml",
    ]


def test_a_site_without_digests_folder_loads_no_digests(write_tree: WriteTree) -> None:
    root = write_tree({"papersite.yaml": SITE_CONFIG})

    loaded = load_site(root)

    assert (loaded.digests, loaded.problems) == ([], [])
    assert loaded.config is not None


# --- a cold build parses on every core ----------------------------------------------------------


def test_a_cold_load_parses_on_every_core_what_one_process_would(
    write_tree: WriteTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``load_site`` with a cache parses the files it lacks in forked workers; the documents,
    positions and problems are those of a load in one process, bad files included."""
    files = {"papersite.yaml": SITE_CONFIG}
    for number in range(load.PARALLEL_FILES + 6):
        files[f"digests/weekly/2025-{number:04d}.yaml"] = WEEKLY.replace(
            "2025-03-17", f"2025-03-{number % 28 + 1:02d}"
        )
    files["digests/weekly/broken.yaml"] = "papers: [unclosed\n"
    files["digests/weekly/duplicate.yaml"] = "date: 2025-01-01\ndate: 2025-01-02\n"
    files["digests/conferences/a.md"] = "---\nkind: conference\n---\n\n# Not a paper heading\n"
    root = write_tree(files)
    (root / "digests" / "weekly" / "latin1.yaml").write_bytes("title: caf\xe9\n".encode("latin-1"))
    one_process = load_site(root)
    parsed_here: list[str] = []
    parse = load.parse_source

    def counted(text: str, path: str) -> Any:
        parsed_here.append(path)  # in the parent only: a worker counts in its own memory
        return parse(text, path)

    monkeypatch.setattr(load, "parse_source", counted)
    cache = BuildCache(tmp_path / "cache")

    parallel = load_site(root, cache)

    assert parsed_here == ["papersite.yaml"], "every digest was parsed by a worker, none again"
    assert parallel.digests == one_process.digests
    assert parallel.problems == one_process.problems
    assert len(parallel.problems) >= 3, "the broken, duplicate and Latin-1 files are reported"
    assert parallel.hashes == one_process.hashes


@pytest.mark.parametrize(
    ("path", "make", "kind"),
    [
        ("digests/weekly/2025-03-24.yaml", os.mkfifo, "a named pipe (FIFO)"),
        ("arxiv.lock.json", os.mkfifo, "a named pipe (FIFO)"),
        ("arxiv.lock.json", os.mkdir, "a folder"),
        # It was "no papersite.yaml here", and a glossary left out without a word.
        ("papersite.yaml", os.mkfifo, "a named pipe (FIFO)"),
        ("glossary.yaml", os.mkfifo, "a named pipe (FIFO)"),
        ("glossary.yaml", os.mkdir, "a folder"),
    ],
)
def test_a_content_path_that_is_no_regular_file_is_an_error_naming_it_not_read(
    minimal_site: Path, path: str, make: Any, kind: str
) -> None:
    """Reading a named pipe waits for a writer: the build waited forever. The lockfile as a
    folder stopped it with a traceback."""
    (minimal_site / path).unlink(missing_ok=True)
    make(minimal_site / path)
    command = [sys.executable, "-m", "papersite", "build", "--no-search", "--source"]

    failed = subprocess.run(
        [*command, str(minimal_site)], capture_output=True, text=True, timeout=60
    )

    assert failed.returncode == 1
    assert failed.stderr == (
        f"{path}: cannot read the file: it is {kind}, not a regular file; remove it, or put a "
        "file in its place\nerror: 1 problem; nothing was written\n"
    )
    assert not (minimal_site / "build").exists()


def test_peek_config_does_not_read_a_named_pipe(minimal_site: Path) -> None:
    """``new`` and ``serve`` peek at ``papersite.yaml``: a named pipe there made them wait for a
    writer forever. It is read as no configuration, which the build reports."""
    (minimal_site / "papersite.yaml").unlink()
    os.mkfifo(minimal_site / "papersite.yaml")
    code = "import sys; from pathlib import Path; from papersite.load import peek_config; "
    code += "print(peek_config(Path(sys.argv[1])))"

    peeked = subprocess.run(
        [sys.executable, "-c", code, str(minimal_site)], capture_output=True, text=True, timeout=30
    )

    assert (peeked.returncode, peeked.stdout) == (0, "{}\n")
