"""The ``papersite`` command: exit statuses, what it prints, and what it refuses to touch."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import papersite
from conftest import WEEKLY, files_of_at_most_100_bytes
from papersite.cli import main

REPO = Path(__file__).resolve().parents[1]

WEEKLY_PATH = "digests/weekly/2025-03-17.yaml"
SUMMARY = re.compile(
    r"^Built 1 digest, 1 paper, (?P<pages>\d+) pages \((?P<written>\d+) written\), 0 warnings in \d+\.\d+ s$"
)
BAD_URL = WEEKLY.replace("https://github.com/BytedTsinghua-SIA/DAPO", "javascript:alert(1)")
UNCONVERTIBLE_TEX = WEEKLY.replace('en: "English abstract"', r'en: "Uses $\\notacommand{x}$."')


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run_build(*args: str) -> int:
    return main(["build", *args])


@pytest.fixture
def guard_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails the test instead of writing, for tests whose --out must never be written."""

    def refuse(*args: object, **kwargs: object) -> int:
        raise AssertionError("papersite tried to write the output")

    # ``papersite.build`` is also the name of the function, so look the module up by name.
    monkeypatch.setattr(importlib.import_module("papersite.build"), "OutputWriter", refuse)


# --- a good build --------------------------------------------------------------------------------


def test_build_prints_one_summary_line_and_exits_0(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"

    status = run_build("--source", str(minimal_site), "--out", str(out))

    captured = capsys.readouterr()
    assert status == 0
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert len(lines) == 1
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    pages = [path for path in out.rglob("*") if path.is_file() and path.name != ".papersite-output"]
    assert int(match["pages"]) == int(match["written"]) == len(pages)  # a first build writes all
    assert (out / "weekly" / "2025-03-17" / "index.html").is_file()


def test_build_defaults_to_the_current_folder_and_build(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(minimal_site)

    assert run_build() == 0

    assert (minimal_site / "build" / "index.html").is_file()
    assert SUMMARY.match(capsys.readouterr().out.strip())


def test_build_output_defaults_to_build_in_the_source_folder(
    minimal_site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    assert run_build("--source", str(minimal_site)) == 0

    assert (minimal_site / "build" / "index.html").is_file()
    assert list(elsewhere.iterdir()) == []


def test_build_replaces_its_own_previous_output(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run_build("--source", str(minimal_site), "--out", str(out)) == 0
    (out / "stale.html").write_text("old", encoding="utf-8")

    assert run_build("--source", str(minimal_site), "--out", str(out)) == 0

    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()


def test_build_accepts_an_existing_empty_folder(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()

    assert run_build("--source", str(minimal_site), "--out", str(out)) == 0
    assert (out / "index.html").is_file()


def test_base_url_option_is_accepted(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"

    status = run_build(
        "--source", str(minimal_site), "--out", str(out), "--base-url", "https://x.org/sub"
    )

    assert status == 0
    assert SUMMARY.match(capsys.readouterr().out.strip())


def test_library_build_returns_the_report(minimal_site: Path, tmp_path: Path) -> None:
    report = papersite.build(minimal_site, tmp_path / "out")

    assert (report.digests, report.papers, report.warnings) == (1, 1, [])
    assert SUMMARY.match(report.summary())


# --- bad content ---------------------------------------------------------------------------------


def test_bad_content_prints_located_problems_exits_1_and_writes_nothing(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal_site / WEEKLY_PATH).write_text(BAD_URL, encoding="utf-8")
    out = tmp_path / "out"

    status = run_build("--source", str(minimal_site), "--out", str(out))

    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "digests/weekly/2025-03-17.yaml:10:27: papers[0].links[0].url: "
        "only http(s) URLs are allowed, got 'javascript:alert(1)'",
        "error: 1 problem; nothing was written",
    ]
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left behind


def test_bad_content_reports_every_file(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal_site / WEEKLY_PATH).write_text(BAD_URL, encoding="utf-8")
    later = WEEKLY.replace(
        "start: 2025-03-17, end: 2025-03-23", "start: 2025-03-24, end: 2025-03-30"
    )
    later = later.replace('"2503.14476"', '"2503.1"')
    (minimal_site / "digests/weekly/2025-03-24.yaml").write_text(later, encoding="utf-8")

    status = run_build("--source", str(minimal_site), "--out", str(tmp_path / "out"))

    lines = capsys.readouterr().err.splitlines()
    assert status == 1
    assert [line.split(": ")[0] for line in lines[:2]] == [
        "digests/weekly/2025-03-17.yaml:10:27",
        "digests/weekly/2025-03-24.yaml:6:12",
    ]
    assert lines[2] == "error: 2 problems; nothing was written"


def test_bad_content_leaves_the_previous_build_byte_for_byte(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run_build("--source", str(minimal_site), "--out", str(out)) == 0
    before = snapshot(out)
    (minimal_site / WEEKLY_PATH).write_text(BAD_URL, encoding="utf-8")

    assert run_build("--source", str(minimal_site), "--out", str(out)) == 1

    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_missing_site_configuration_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run_build("--source", str(tmp_path), "--out", str(tmp_path / "out"))

    assert status == 1
    assert capsys.readouterr().err.startswith("papersite.yaml: no papersite.yaml here")


def test_a_site_folder_that_does_not_exist_is_said_not_to_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not asked whether it is a papersite site: a mistyped --source. ``check`` says the same
    (in its own form: ``path: error: message [rule]``)."""
    missing = tmp_path / "no" / "such" / "folder"
    message = (
        f"the site folder {missing} does not exist: give the folder that holds papersite.yaml "
        "(--source; default: the current folder)"
    )

    assert run_build("--source", str(missing)) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"papersite.yaml: {message}",
        "error: 1 problem; nothing was written",
    ]
    assert main(["check", "--source", str(missing)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == f"papersite.yaml: error: {message} [invalid]"
    assert not (tmp_path / "no").exists()


OVERRIDES = " (a site's templates/ folder overrides the default theme: see README.md, Themes)"


@pytest.mark.parametrize("kind", ["file", "broken link"])
def test_a_templates_folder_that_is_a_file_or_a_broken_link_is_an_error_naming_it(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """It overrides the default theme: left out without a word, the site was built with the
    default theme's templates, not the site's own."""
    templates = minimal_site / "templates"
    if kind == "file":
        templates.write_text("base.html\n", encoding="utf-8")
        message = (
            "not a folder: make it a folder of the templates that override the default "
            "theme's, or remove it"
        )
    else:
        templates.symlink_to(tmp_path / "gone")
        message = (
            f"a symbolic link to {tmp_path / 'gone'}, which does not exist, where the site's "
            "templates folder belongs: fix the link, or remove it"
        )
    out = tmp_path / "out"

    assert run_build("--source", str(minimal_site), "--out", str(out)) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"templates: {message}{OVERRIDES}",
        "error: 1 problem; nothing was written",
    ]
    assert not out.exists()


@pytest.mark.parametrize("linked", ["digests", "digests/shared"])
def test_a_folder_of_digests_linked_to_nothing_is_an_error_and_the_output_is_kept(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], linked: str
) -> None:
    """A shared folder moved away, or a submodule not checked out: left out without a word, the
    site was built without its digests, and their published pages were deleted."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (minimal_site / WEEKLY_PATH).rename(shared / "2025-03-17.yaml")
    if linked == "digests":
        (minimal_site / "digests" / "weekly").rmdir()
        (minimal_site / "digests").rmdir()
    (minimal_site / linked).symlink_to(shared, target_is_directory=True)
    out = tmp_path / "out"
    assert run_build("--source", str(minimal_site), "--out", str(out)) == 0
    built = snapshot(out)
    shared.rename(tmp_path / "moved")
    capsys.readouterr()

    assert run_build("--source", str(minimal_site), "--out", str(out)) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"{linked}: the file is a symbolic link to {shared}, which does not exist: "
        "fix the link, or remove it",
        "error: 1 problem; nothing was written",
    ]
    assert snapshot(out) == built


@pytest.mark.parametrize("kind", ["file", "named pipe"])
def test_a_digests_that_is_not_a_folder_is_an_error_and_the_output_is_kept(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """A file or a pipe named ``digests`` held no digest to walk: the site was built with none,
    and every published page of a digest or paper was deleted."""
    out = tmp_path / "out"
    assert run_build("--source", str(minimal_site), "--out", str(out)) == 0
    built = snapshot(out)
    shutil.rmtree(minimal_site / "digests")
    if kind == "file":
        (minimal_site / "digests").write_text("weekly/2025-03-17.yaml\n", encoding="utf-8")
    else:
        os.mkfifo(minimal_site / "digests")
    capsys.readouterr()

    assert run_build("--source", str(minimal_site), "--out", str(out)) == 1

    assert capsys.readouterr().err.splitlines() == [
        "digests: not a folder: remove it, and keep the site's digests in a folder of that name "
        "(papersite new makes it, with a first digest)",
        "error: 1 problem; nothing was written",
    ]
    assert snapshot(out) == built


def test_a_template_that_is_not_utf8_is_an_error_at_its_byte_not_a_traceback(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A site's template saved in Latin-1: Jinja's loader raised UnicodeDecodeError, which the
    build let through as a traceback naming no file."""
    _latin1_template(minimal_site)
    out = tmp_path / "out"

    assert run_build("--source", str(minimal_site), "--out", str(out)) == 1

    assert capsys.readouterr().err.splitlines() == [
        "templates/tags.html:2:20: the file is not UTF-8 (byte 0xe9 cannot be decoded); "
        "save it as UTF-8",
        "error: 1 problem; nothing was written",
    ]
    assert not out.exists()


def test_check_names_a_template_that_is_not_utf8_at_its_byte_not_a_traceback(
    minimal_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``check`` renders every page as the build does, and let the same error through."""
    _latin1_template(minimal_site)

    assert main(["check", "--source", str(minimal_site)]) == 1

    errors = [line for line in capsys.readouterr().out.splitlines() if ": error: " in line]
    assert errors == [
        "templates/tags.html:2:20: error: the file is not UTF-8 (byte 0xe9 cannot be decoded); "
        "save it as UTF-8 [template]"
    ]


def _latin1_template(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates" / "tags.html").write_bytes(
        b'{% extends "base.html" %}\n{% block main %}caf\xe9{% endblock %}\n'
    )


# --- warnings and --strict -----------------------------------------------------------------------


def test_warning_is_printed_and_counted(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal_site / WEEKLY_PATH).write_text(UNCONVERTIBLE_TEX, encoding="utf-8")

    status = run_build("--source", str(minimal_site), "--out", str(tmp_path / "out"))

    captured = capsys.readouterr()
    assert status == 0
    assert re.match(
        r"^digests/weekly/2025-03-17\.yaml:8:\d+: papers\[0\]\.abstract\.en: "
        r"could not convert TeX .*\\\\notacommand.* \(warning\)$",
        captured.err.strip(),
    ), captured.err
    assert re.match(
        r"^Built 1 digest, 1 paper, \d+ pages \(\d+ written\), 1 warning in ", captured.out
    )


def test_strict_turns_a_warning_into_exit_1_and_writes_nothing(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal_site / WEEKLY_PATH).write_text(UNCONVERTIBLE_TEX, encoding="utf-8")
    out = tmp_path / "out"

    status = run_build("--source", str(minimal_site), "--out", str(out), "--strict")

    lines = capsys.readouterr().err.splitlines()
    assert status == 1
    assert lines[0].startswith("digests/weekly/2025-03-17.yaml:8:")
    assert "papers[0].abstract.en: could not convert TeX" in lines[0]
    assert lines[-1] == "error: 1 warning, and --strict is on"
    assert not out.exists()


def test_strict_without_warnings_builds(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_build("--source", str(minimal_site), "--out", str(tmp_path / "out"), "--strict") == 0


# --- usage ---------------------------------------------------------------------------------------


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run_build("--no-such-option")

    assert caught.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([])

    assert caught.value.code == 2
    assert "usage: papersite" in capsys.readouterr().err


def test_bad_base_url_is_a_usage_error(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"

    with pytest.raises(SystemExit) as caught:
        run_build("--source", str(minimal_site), "--out", str(out), "--base-url", "ftp://x")

    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "--base-url" in err
    assert "only http(s) URLs are allowed, got 'ftp://x'" in err
    assert not out.exists()


def test_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])

    assert caught.value.code == 0
    assert capsys.readouterr().out == f"papersite {papersite.__version__}\n"


def test_help_lists_the_build_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])

    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: papersite")
    assert "build" in out
    assert "--version" in out


def test_build_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["build", "--help"])

    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: papersite build")
    for option in ("--source", "--out", "--base-url", "--strict"):
        assert option in out


# --- output folders it refuses -------------------------------------------------------------------


@pytest.mark.usefixtures("guard_writes")
def test_refuses_the_source_folder_as_output(
    minimal_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(minimal_site)

    status = run_build("--source", str(minimal_site), "--out", str(minimal_site))

    assert status == 1
    assert "refusing to write the site to" in capsys.readouterr().err
    assert snapshot(minimal_site) == before


@pytest.mark.usefixtures("guard_writes")
def test_refuses_a_parent_of_the_source_folder(
    minimal_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run_build("--source", str(minimal_site), "--out", str(minimal_site.parent))

    assert status == 1
    assert "it holds the source folder" in capsys.readouterr().err
    assert (minimal_site / WEEKLY_PATH).is_file()


@pytest.mark.usefixtures("guard_writes")
@pytest.mark.parametrize("option", ["--out", "--source"])
def test_an_empty_folder_option_is_said_to_be_empty_not_taken_for_the_current_folder(
    minimal_site: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    option: str,
) -> None:
    """``--out ""`` (an unset variable in a script) was the current folder, refused as the one
    that "holds the source folder"; ``--source ""`` built the current folder."""
    monkeypatch.chdir(minimal_site)

    with pytest.raises(SystemExit) as exit_:
        run_build(option, "")

    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"papersite build: error: argument {option}: it is empty: name a folder "
        "('.' for the current one)"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["export", WEEKLY_PATH, "--format", "forum"],
        ["import", "post.txt", "--from", "forum"],
    ],
    ids=["export", "import"],
)
def test_an_empty_out_file_is_said_to_be_empty_not_taken_for_the_current_folder(
    minimal_site: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    """Export's ``--out ""`` was ``Path("")``, the current folder (a write refused as "a
    folder's"); import's wrote the digest into digests/ as if --out were not given."""
    monkeypatch.chdir(minimal_site)
    before = snapshot(minimal_site)

    with pytest.raises(SystemExit) as exit_:
        main([*command, "--out", ""])

    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"papersite {command[0]}: error: argument --out: it is empty: name a file "
        "('-' for standard output)"
    )
    assert snapshot(minimal_site) == before


@pytest.mark.usefixtures("guard_writes")
def test_refuses_a_relative_path_that_resolves_to_the_source(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(minimal_site / "digests")

    assert run_build("--source", "..", "--out", "../digests/..") == 1
    assert "refusing" in capsys.readouterr().err


@pytest.mark.usefixtures("guard_writes")
def test_refuses_the_root_folder(minimal_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run_build("--source", str(minimal_site), "--out", "/")

    assert status == 1
    assert "refusing to write the site to the root folder" in capsys.readouterr().err


@pytest.mark.usefixtures("guard_writes")
def test_refuses_the_home_folder(
    minimal_site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# mine\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))

    status = run_build("--source", str(minimal_site), "--out", str(home))

    assert status == 1
    assert "refusing to write the site to the home folder" in capsys.readouterr().err
    assert snapshot(home) == {".bashrc": b"# mine\n"}


def test_refuses_a_non_empty_folder_papersite_did_not_make(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")

    status = run_build("--source", str(minimal_site), "--out", str(out))

    assert status == 1
    err = capsys.readouterr().err
    assert "is not empty and was not made by papersite" in err
    assert snapshot(out) == {"thesis.tex": b"precious"}


def test_refuses_an_output_path_that_is_a_file(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.html"
    out.write_text("mine", encoding="utf-8")

    assert run_build("--source", str(minimal_site), "--out", str(out)) == 1
    assert "is not a folder" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("under", ["file", "proc"])
def test_refuses_an_output_path_that_cannot_be_made(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], under: str
) -> None:
    """A file where a folder of the path should be, or a folder the system will not write in:
    a clear error and status 1, not a traceback."""
    if under == "file":
        (tmp_path / "a.json").write_text("{}", encoding="utf-8")
        out, message = tmp_path / "a.json" / "site", "a.json is not a folder, so "
    else:
        out, message = Path("/proc/papersite-out"), "cannot make the output folder /proc/"

    assert run_build("--source", str(minimal_site), "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert message in err and "choose another --out" in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("raised", "status", "message"),
    [
        (KeyboardInterrupt(), 130, "interrupted: the output is as it was before this build"),
        (OSError(28, "No space left on device", "x.html"), 1, "error: No space left on device"),
        # Not a full disk, nor a read-only folder: a file gone (another program's doing).
        (
            FileNotFoundError(2, "No such file or directory", "x.html"),
            1,
            "error: No such file or directory (x.html); the output is as it was before this "
            "build: another program changed the output folder while the build ran (two "
            "papersite builds of one folder take turns): leave it alone while building, and "
            "build again\n",
        ),
    ],
)
def test_a_build_stopped_by_ctrl_c_or_a_full_disk_says_so_without_a_traceback(
    minimal_site: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    raised: BaseException,
    status: int,
    message: str,
) -> None:
    out = tmp_path / "out"
    assert run_build("--source", str(minimal_site), "--out", str(out), "--no-search") == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    digest = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    digest.write_text(digest.read_text("utf-8").replace("Papers of the week", "Renamed"), "utf-8")

    def stopped(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(importlib.import_module("papersite.write"), "_write_file", stopped)

    assert run_build("--source", str(minimal_site), "--out", str(out), "--no-search") == status
    err = capsys.readouterr().err
    assert err.startswith(message) and "Traceback" not in err, err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("failing", "update", "raised", "status", "message"),
    [
        # After the swap of a whole new output, while the build records it.
        ("papersite.build.manifest_columns", False, OSError(2, "No such file or directory", "x"),
         1, "error: No such file or directory (x); "),
        # After an update put the changed files in place, in ``commit`` itself.
        ("papersite.write._write_marker", True, OSError(13, "Permission denied", "y"),
         1, "error: Permission denied (y); "),
        ("papersite.build.manifest_columns", True, KeyboardInterrupt(), 130, "interrupted: "),
    ],
)  # fmt: skip
def test_a_build_that_fails_once_its_output_is_in_place_does_not_claim_the_old_one_is_back(
    minimal_site: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
    update: bool,
    raised: BaseException,
    status: int,
    message: str,
) -> None:
    """Once ``commit`` has put the new output in place, an error (or Ctrl-C) said "the output
    is as it was before this build", which was then false: the output is the new one."""
    out = tmp_path / "out"
    if update:
        assert run_build("--source", str(minimal_site), "--out", str(out), "--no-search") == 0
    digest = minimal_site / WEEKLY_PATH
    digest.write_text(digest.read_text("utf-8").replace("Papers of the week", "Renamed"), "utf-8")
    module, _, name = failing.rpartition(".")

    def fails(*args: object, **kwargs: object) -> None:
        raise raised

    capsys.readouterr()
    monkeypatch.setattr(importlib.import_module(module), name, fails)

    assert run_build("--source", str(minimal_site), "--out", str(out), "--no-search") == status
    [line] = capsys.readouterr().err.splitlines()
    assert line == (
        f"{message}the new output is in place, but the build could not record it, so the next "
        "build will take longer"
    )
    assert "Renamed" in (out / "index.html").read_text("utf-8")
    monkeypatch.undo()
    assert run_build("--source", str(minimal_site), "--out", str(out), "--no-search") == 0
    assert "Renamed" in (out / "index.html").read_text("utf-8")


def test_a_build_the_disk_refuses_says_what_to_do(minimal_site: Path, tmp_path: Path) -> None:
    """A real refused write (EFBIG, as a full disk's ENOSPC): the reason, that the output is
    as it was, and what to do, in one line."""
    out = tmp_path / "out"
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONDONTWRITEBYTECODE": "1"}

    result = subprocess.run(
        [sys.executable, "-m", "papersite", "build", "--source", str(minimal_site),
         "--out", str(out), "--no-search"],
        env=environment, capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=files_of_at_most_100_bytes,
    )  # fmt: skip

    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: File too large"), line
    assert line.endswith(
        "; the output is as it was before this build: free some space, or make the folder "
        "writable, and build again"
    )
    assert not out.exists()


def test_ctrl_c_before_a_command_has_begun_is_a_plain_interrupted_not_a_traceback() -> None:
    """Ctrl-C while a command still imports its libraries (its first few tenths of a second):
    the command ``papersite`` ends with status 130 and one line, as after a build's Ctrl-C."""
    import subprocess
    import sys

    # ``main`` as it is while it imports: the interrupt comes from inside it, before any
    # command's own handler (build's, enrich's) is reached.
    script = (
        "import papersite.cli as cli\n"
        "def importing():\n"
        "    raise KeyboardInterrupt\n"
        "cli.main = importing\n"
        "cli.run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 130
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == "interrupted"


def run_on_an_ascii_terminal(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``python -m papersite ARGS`` whose standard output's encoding is ASCII, as on a terminal
    with a non-UTF-8 locale (``PYTHONIOENCODING`` sets it the same way)."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONIOENCODING": "ascii"}
    return subprocess.run(
        [sys.executable, "-m", "papersite", *args],
        cwd=cwd, env=env, capture_output=True, timeout=120, check=False,
    )  # fmt: skip


def test_messages_with_korean_on_an_ascii_terminal_are_escaped_not_a_traceback(
    minimal_site: Path,
) -> None:
    """``new`` printed its path with the system's encoding, which cannot write Korean: a
    traceback after the digest was written."""
    done = run_on_an_ascii_terminal("new", "conference", "학회", "2027", cwd=minimal_site)

    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == b"digests/conferences/\\ud559\\ud68c-2027.yaml\n"
    assert (minimal_site / "digests" / "conferences" / "학회-2027.yaml").is_file()


SEED = str(REPO / "tests" / "data" / "seeds" / "000_bb1cdde4a4ab2b42.txt")


@pytest.mark.parametrize(
    "command",
    [["check", "--format", "json"], ["import", SEED, "--from", "forum", "--out", "-"]],
    ids=["check-json", "import-to-stdout"],
)
def test_data_written_to_standard_output_is_utf8_whatever_the_terminal(
    minimal_site: Path, command: list[str]
) -> None:
    """A JSON report or a digest piped into a file is UTF-8, as its format says, not the
    terminal's encoding (which failed with a traceback on Korean)."""
    (minimal_site / WEEKLY_PATH).unlink()
    (minimal_site / "digests" / "weekly" / "주간.yaml").write_text(BAD_URL, encoding="utf-8")

    done = run_on_an_ascii_terminal(*command, cwd=minimal_site)

    assert b"Traceback" not in done.stderr, done.stderr
    text = done.stdout.decode("utf-8")
    if command[0] == "check":
        assert json.loads(text)["findings"][0]["path"] == "digests/weekly/주간.yaml"
    else:
        assert any("\uac00" <= char <= "\ud7a3" for char in text)  # the post's Korean


# --- standard output that cannot be written ------------------------------------------------------

FULL_DISK = Path("/dev/full")  # Linux's device on which every write fails with ENOSPC


def run_command(
    *args: str, stdout: int, buffered: bool = False
) -> subprocess.CompletedProcess[str]:
    """``python -m papersite ARGS`` with its standard output on the file descriptor given
    (buffered as when it is a file, or unbuffered as with ``PYTHONUNBUFFERED``)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "papersite", *args],
        stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, timeout=120,
    )  # fmt: skip


@pytest.mark.skipif(not FULL_DISK.exists(), reason="needs /dev/full")
@pytest.mark.parametrize("buffered", [False, True], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize(
    "command",
    [["check"], ["check", "--format", "json"], ["export", "--format", "json"]],
    ids=" ".join,
)
def test_a_report_lost_on_a_full_disk_is_an_error_in_one_line_not_a_success(
    minimal_site: Path, command: list[str], buffered: bool
) -> None:
    """``papersite check --format json > findings.json`` on a full disk: the findings are lost,
    so the status is 1, not 0 (buffered, the failure came at the exit and was dropped), and
    the error says so in one line instead of a traceback."""
    with FULL_DISK.open("w") as full:
        done = run_command(
            *command, "--source", str(minimal_site), stdout=full.fileno(), buffered=buffered
        )

    assert done.returncode == 1
    assert done.stderr.splitlines()[-1:] == [
        "error: cannot write to standard output: No space left on device; "
        "free some space, or send the output elsewhere"
    ], done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not FULL_DISK.exists(), reason="needs /dev/full")
def test_a_build_whose_summary_cannot_be_printed_does_not_claim_its_output_was_kept(
    minimal_site: Path, tmp_path: Path
) -> None:
    """The build is done and written when its summary line fails: the error is the summary's,
    never "the output is as it was before this build"."""
    out = tmp_path / "out"
    with FULL_DISK.open("w") as full:
        done = run_command(
            "build", "--source", str(minimal_site), "--out", str(out), "--no-search",
            stdout=full.fileno(),
        )  # fmt: skip

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: cannot write to standard output: No space left on device; "
        "free some space, or send the output elsewhere"
    ]
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("buffered", [False, True], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize(
    "command",
    [["check"], ["build", "--no-search"], ["new", "weekly", "--start", "2025-03-24"]],
    ids=" ".join,
)
def test_a_reader_that_left_ends_the_command_quietly_with_status_1(
    minimal_site: Path, command: list[str], buffered: bool
) -> None:
    """``papersite check | head -1``: once the reader has gone, the rest of the output has
    nowhere to go; the command ends with status 1 and no traceback, as after SIGPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = run_command(
            *command, "--source", str(minimal_site), stdout=write_end, buffered=buffered
        )
    finally:
        os.close(write_end)

    assert done.returncode == 1
    assert done.stderr == ""


@pytest.mark.parametrize(
    "command",
    [["check"], ["enrich", "--offline"], ["export", "--format", "json"]],
    ids=" ".join,
)
def test_a_file_of_the_site_that_cannot_be_read_is_one_line_naming_it_not_a_traceback(
    minimal_site: Path, command: list[str]
) -> None:
    """``arxiv.lock.json`` made a folder (a bad merge, an unpacked archive): every command that
    reads it names it in one line and exits 1."""
    lockfile = minimal_site / "arxiv.lock.json"
    lockfile.unlink(missing_ok=True)
    lockfile.mkdir()

    done = subprocess.run(
        [sys.executable, "-m", "papersite", *command, "--source", str(minimal_site)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    said = [line for line in (done.stdout + done.stderr).splitlines() if "arxiv.lock.json" in line]
    assert len(said) == 1, done.stdout + done.stderr
    assert "cannot read the file: it is a folder, not a regular file" in said[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "'-1': the hours cannot be negative"),
        ("nan", "'nan' is not a number of hours"),
        ("soon", "'soon' is not a number of hours"),
    ],
)
def test_link_cache_hours_that_are_no_number_of_hours_say_which_mistake_it_is(
    minimal_site: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--source", str(minimal_site), "--link-cache-hours", value])

    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"papersite check: error: argument --link-cache-hours: {message}"
    )


def test_a_file_given_as_the_site_folder_is_named_as_the_mistake_not_the_output_folder(
    minimal_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``papersite build --source papersite.yaml``: the mistake is --source, not --out (whose
    default, build/ in the site folder, could not be made inside a file)."""
    config = minimal_site / "papersite.yaml"
    before = snapshot(minimal_site)

    assert run_build("--source", str(config)) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"error: --source {config} is a file, not a site folder: "
        "give the folder that holds papersite.yaml (default: the current folder)"
    ]
    assert snapshot(minimal_site) == before
