"""``papersite new``: a new digest from a template, valid as written, never over another."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
import yaml

from conftest import SITE_CONFIG, WEEKLY, WriteTree, validate
from papersite import build
from papersite.cli import main
from papersite.new import coming_monday

CONFERENCE = WEEKLY.replace(
    "kind: weekly\nperiod: {start: 2025-03-17, end: 2025-03-23}\n",
    "kind: conference\nconference: {name: NeurIPS, year: 2025}\ndate: 2025-12-10\n",
)


@pytest.fixture
def site(write_tree: WriteTree) -> Path:
    return write_tree({"papersite.yaml": SITE_CONFIG})


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (dt.date(2026, 11, 23), dt.date(2026, 11, 23)),  # a Monday: this week
        (dt.date(2026, 11, 24), dt.date(2026, 11, 30)),
        (dt.date(2026, 11, 29), dt.date(2026, 11, 30)),  # a Sunday: tomorrow
    ],
)
def test_the_coming_monday(today: dt.date, monday: dt.date) -> None:
    assert coming_monday(today) == monday


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out.strip(), captured.err


def test_new_weekly_writes_a_valid_digest_with_every_field_and_prints_its_path(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "new", "weekly", "--start", "2026-11-23", "--source", str(site))

    path = site / "digests" / "weekly" / "2026-11-23.yaml"
    assert status == 0 and out == str(path)
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["period"] == {"start": dt.date(2026, 11, 23), "end": dt.date(2026, 11, 29)}
    assert set(data) == {"kind", "period", "title", "overview", "papers"}
    assert set(data["papers"][0]) == {"title", "summary", "abstract", "links", "tags"}
    # The optional fields are there too, commented, so the editor sees each one.
    for field in ("# date:", "# source:", "# tags:", "# aliases:", "# arxiv:", "# authors:",
                  "# affiliations:", "# award:", "# sections:"):  # fmt: skip
        assert field in text, field
    (digest,) = validate(site).digests
    assert digest.digest.period is not None and digest.digest.period.end == dt.date(2026, 11, 29)


def test_new_conference_in_markdown_is_valid_and_named_after_the_conference(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "new", "conference", 'CVPR "Main"', "2026", "--format", "md", "--source", str(site)
    )

    path = site / "digests" / "conferences" / "cvpr-main-2026.md"
    assert status == 0 and out == str(path)
    assert path.read_text(encoding="utf-8").startswith("---\nkind: conference\n")
    (digest,) = validate(site).digests
    assert digest.digest.conference is not None
    assert digest.digest.conference.name == 'CVPR "Main"'
    assert digest.digest.title["en"] == 'CVPR "Main" 2026 Best Paper Awards'
    # As the YAML form's, every optional field is there, commented (a section in a comment).
    text = path.read_text(encoding="utf-8")
    for field in ("# source:", "# tags:", "# aliases:", "# provenance:", "# arxiv:", "# authors:",
                  "# affiliations:", "# award:", "### Section"):  # fmt: skip
        assert field in text, field
    assert digest.digest.papers[0].sections == []


def test_new_weekly_defaults_to_the_coming_monday(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "new", "weekly", "--format", "md", "--source", str(site))

    assert status == 0
    assert out == str(site / "digests" / "weekly" / f"{coming_monday(dt.date.today())}.md")
    validate(site)


@pytest.mark.parametrize("existing", ["2026-11-23.yaml", "2026-11-23.md"])
def test_new_never_overwrites_a_digest_in_either_form(
    site: Path, capsys: pytest.CaptureFixture[str], existing: str
) -> None:
    path = site / "digests" / "weekly" / existing
    path.parent.mkdir(parents=True)
    path.write_text("the editor's work\n", encoding="utf-8")

    status, out, err = run(capsys, "new", "weekly", "--start", "2026-11-23", "--source", str(site))

    assert status == 1 and out == ""
    assert f"{path} already exists" in err
    assert path.read_text(encoding="utf-8") == "the editor's work\n"
    assert sorted(p.name for p in path.parent.iterdir()) == [existing]


@pytest.mark.parametrize(
    ("existing", "content", "argv", "url"),
    [
        ("weekly/week-48.yaml", WEEKLY.replace("2025-03-17, end: 2025-03-23", "2026-11-23, end: 2026-11-29"),
         ["weekly", "--start", "2026-11-23"], "weekly/2026-11-23/"),
        ("conferences/nips.yaml", CONFERENCE, ["conference", "NeurIPS", "2025"],
         "conferences/neurips-2025/"),
        ("conferences/nips.yaml", CONFERENCE, ["conference", "neurips", "2025", "--format", "md"],
         "conferences/neurips-2025/"),
    ],
)  # fmt: skip
def test_new_refuses_a_second_digest_of_a_week_or_conference_under_another_name(
    site: Path,
    capsys: pytest.CaptureFixture[str],
    existing: str,
    content: str,
    argv: list[str],
    url: str,
) -> None:
    """A digest's URL comes from its content: a second file for it made the build fail."""
    path = site / "digests" / existing
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")

    status, out, err = run(capsys, "new", *argv, "--source", str(site))

    assert status == 1 and out == ""
    assert err == (
        f"error: {path} is already the digest at {url} (a digest's URL comes from its period or "
        "conference, not its file name); edit it, or remove it first\n"
    )
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    validate(site)


@pytest.mark.parametrize("fmt", ["yaml", "md"])
def test_a_conference_name_with_markdown_signs_is_shown_as_written(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """The name went into the Markdown title as it was: "A*B*" showed as "A" and an emphasised
    "B", and "<x>" as an HTML tag."""
    name = r"A*B* <x> [C] D&B $1$ a_b_ \o/"
    status, out, _ = run(capsys, "new", "conference", name, "2026", "--format", fmt,
                         "--source", str(site))  # fmt: skip
    assert status == 0
    path = Path(out)
    path.write_text(path.read_text(encoding="utf-8").replace("Paper title", "Real"), "utf-8")
    build(site, tmp_path / "out", search=False)

    page = lxml.html.parse(
        str(next((tmp_path / "out" / "en" / "conferences").glob("*/index.html")))
    )
    assert page.xpath("string(//h1)") == f"{name} 2026 Best Paper Awards"
    text = path.read_text(encoding="utf-8")
    front = text.split("---\n")[1] if fmt == "md" else text
    assert yaml.safe_load(front)["conference"]["name"] == name


@pytest.mark.parametrize("fmt", ["yaml", "md"])
@pytest.mark.parametrize("languages", [["ja", "en"], ["ko"], ["en", "ko", "ja"]])
def test_the_template_has_a_place_for_each_language_of_the_site(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str], languages: list[str], fmt: str
) -> None:
    config = SITE_CONFIG.replace("languages: [ko, en]", f"languages: [{', '.join(languages)}]")
    config = config.replace('{ko: "테스트 사이트", en: "Test site"}', '"Test site"')
    site = write_tree({"papersite.yaml": config})
    status, out, _ = run(
        capsys, "new", "weekly", "--start", "2026-11-23", "--format", fmt, "--source", str(site)
    )
    assert status == 0
    (digest,) = validate(site).digests
    paper = digest.digest.papers[0]
    assert list(digest.digest.title) == languages
    assert list(paper.summary or {}) == languages
    assert list(paper.title) == languages
    if fmt == "md":
        text = Path(out).read_text(encoding="utf-8")
        assert [line for line in text.splitlines() if line.startswith("#### ")] == [
            f"#### {lang}" for lang in languages * 2
        ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["weekly"], "no papersite.yaml in "),
        (["conference", "", "2025"], "'' gives no file name (no letters or digits)"),
        (["conference", "ICML", "99999"], "99999 is not a conference's year (1900-2999)"),
        # The week's end would be past the last date Python has: this was a traceback.
        (["weekly", "--start", "9999-12-31"], "9999-12-31 is not a week's start: give --start a"),
        (["weekly", "--start", "0001-01-01"], "0001-01-01 is not a week's start: give --start a"),
    ],
)
def test_new_refuses_what_could_not_build(
    tmp_path: Path,
    site: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    """Outside a site, or for a week or conference no digest can be of: nothing is written."""
    where = tmp_path / "not-a-site" if argv == ["weekly"] else site
    where.mkdir(exist_ok=True)
    status, out, err = run(capsys, "new", *argv, "--source", str(where))

    assert status == 1 and out == "" and message in err, err
    assert not (where / "digests").exists()


def test_new_in_a_site_folder_that_does_not_exist_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As ``build`` says it: not asked whether a mistyped --source is a papersite site."""
    missing = tmp_path / "no-such-site"
    status, out, err = run(capsys, "new", "weekly", "--source", str(missing))

    assert (status, out) == (1, "")
    assert err == (
        f"error: the site folder {missing} does not exist: give the folder that holds "
        "papersite.yaml (--source; default: the current folder)\n"
    )
    assert not missing.exists()


def test_a_file_where_the_digests_folder_should_be_is_an_error_not_a_traceback(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "digests").write_text("not a folder\n", encoding="utf-8")
    status, out, err = run(capsys, "new", "weekly", "--start", "2026-11-23", "--source", str(site))

    target = site / "digests" / "weekly" / "2026-11-23.yaml"
    assert (status, out) == (1, "")
    assert err == (
        f"error: cannot write {target} ({target.parent}: Not a directory); nothing was written: "
        "move what is in the way, or choose another folder\n"
    )
    assert (site / "digests").read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize("linked", ["digests", "digests/weekly"])
def test_a_folder_of_digests_linked_to_nothing_is_named_with_where_it_leads(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], linked: str
) -> None:
    """It said "File exists" of a folder that is not there."""
    (site / linked).parent.mkdir(parents=True, exist_ok=True)
    (site / linked).symlink_to(tmp_path / "moved", target_is_directory=True)
    status, out, err = run(capsys, "new", "weekly", "--start", "2026-11-23", "--source", str(site))

    target = site / "digests" / "weekly" / "2026-11-23.yaml"
    assert (status, out) == (1, "")
    assert err == (
        f"error: cannot write {target} ({site / linked} is a symbolic link to "
        f"{tmp_path / 'moved'}, which does not exist); nothing was written: fix the link, or "
        "remove it\n"
    )
    assert not (tmp_path / "moved").exists()


@pytest.mark.parametrize("command", [["new", "weekly"], ["import", "post.txt", "--from", "forum"]])
def test_a_start_that_is_not_a_date_says_how_to_write_one(
    site: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """argparse's own words were "invalid fromisoformat value"."""
    with pytest.raises(SystemExit) as exited:
        main([*command, "--start", "2026-02-30", "--source", str(site)])

    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.rstrip().endswith(
        "argument --start: '2026-02-30' is not a date: write it as YYYY-MM-DD, e.g. 2025-03-17"
    )
    assert not (site / "digests").exists()


def test_a_skeleton_left_with_its_placeholder_title_is_an_error_of_check(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two new digests whose papers kept the skeleton's title were one paper page, published
    under the placeholder, and ``check`` passed: it is an error at the title, in either form."""
    for fmt, start in (("yaml", "2026-11-23"), ("md", "2026-11-30")):
        assert (
            run(capsys, "new", "weekly", "--start", start, "--format", fmt, "--source", str(site))[
                0
            ]
            == 0
        )

    status, out, _ = run(capsys, "check", "--source", str(site))

    expected = []
    for name in ("2026-11-23.yaml", "2026-11-30.md"):
        lines = (site / "digests" / "weekly" / name).read_text(encoding="utf-8").splitlines()
        number, line = next((n, x) for n, x in enumerate(lines, 1) if '"Paper title"' in x)
        expected.append(
            f"digests/weekly/{name}:{number}:{line.index('Paper title')}: error: "
            "papers[0].title.en: 'Paper title' is the placeholder `papersite new` writes: give "
            "the paper's own title (papers left with it would be one page) [placeholder]"
        )
    assert status == 1
    assert [line for line in out.splitlines() if "[placeholder]" in line] == expected


def test_a_named_pipe_among_the_digests_is_not_read(site: Path) -> None:
    """``new`` reads the site's digests to find one at the new URL: a named pipe among them
    made it wait for a writer forever. It is passed over (the build reports it)."""
    (site / "digests" / "weekly").mkdir(parents=True)
    os.mkfifo(site / "digests" / "weekly" / "draft.yaml")
    command = [sys.executable, "-m", "papersite", "new", "weekly", "--start", "2025-03-24"]

    made = subprocess.run(
        [*command, "--source", str(site)], capture_output=True, text=True, timeout=60
    )

    assert made.returncode == 0, made.stderr
    assert (site / "digests" / "weekly" / "2025-03-24.yaml").is_file()
