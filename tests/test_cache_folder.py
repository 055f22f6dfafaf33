"""A site whose cache folder, ``.papersite-cache``, is not a folder (a file, a symbolic link to
nothing): every command that keeps a cache there works without it, and says so once, naming the
path and what to do, rather than a system error or nothing at all."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
import pytest

from conftest import WEEKLY
from papersite.cli import main
from test_serve import ServeProcess

Block = Callable[[Path], str]
"""Puts something that is not a folder where the cache folder goes; returns what it is."""


def a_file(folder: Path) -> str:
    folder.write_bytes(b"not a folder")
    return "a file"


def a_dangling_link(folder: Path) -> str:
    gone = folder.parent / "gone"
    folder.symlink_to(gone)
    return f"a symbolic link to {gone}, which does not exist"


@pytest.fixture(params=[a_file, a_dangling_link])
def blocked_site(minimal_site: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    """The minimal site, its cache folder blocked; and the warning that says so."""
    folder = minimal_site / ".papersite-cache"
    kind = request.param(folder)
    yield (
        minimal_site,
        (
            f"{folder} is {kind}, not a folder, so nothing is cached and each run starts from "
            "scratch; remove it (.papersite-cache holds only what papersite makes again, and is "
            "safe to delete)"
        ),
    )


def test_build_says_the_cache_cannot_be_kept(
    blocked_site: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, warning = blocked_site
    out = tmp_path / "out"
    assert main(["build", "--source", str(site), "--out", str(out), "--no-search"]) == 0
    assert capsys.readouterr().err == f"warning: {warning}\n"
    assert (out / "weekly" / "2025-03-17" / "index.html").is_file()


@pytest.mark.parametrize("inside", ["build", "templates"])
def test_build_says_a_part_of_the_cache_cannot_be_kept(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], inside: str
) -> None:
    """The parsed digests and rendered texts (``build/``), or the compiled templates."""
    (minimal_site / ".papersite-cache").mkdir()
    blocked = minimal_site / ".papersite-cache" / inside
    blocked.write_bytes(b"not a folder")
    out = tmp_path / "out"
    assert main(["build", "--source", str(minimal_site), "--out", str(out), "--no-search"]) == 0
    assert capsys.readouterr().err == (
        f"warning: {blocked} is a file, not a folder, so nothing is cached and each run starts "
        "from scratch; remove it (.papersite-cache holds only what papersite makes again, and "
        "is safe to delete)\n"
    )


def test_the_link_check_says_its_results_cannot_be_kept(
    blocked_site: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    site, warning = blocked_site
    config = site / "papersite.yaml"
    # Every link skipped: no request, and still the cache's folder is looked at.
    config.write_text(
        config.read_text() + 'links: {skip: ["https://github.com/"]}\n', encoding="utf-8"
    )
    assert main(["check", "--source", str(site), "--links", "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["path"], f["message"]) for f in findings] == [
        (
            "link-cache",
            ".papersite-cache/links.json",
            f"the link check's results are not kept: {warning}",
        )
    ]


def test_serve_says_the_cache_cannot_be_kept(blocked_site: tuple[Path, str]) -> None:
    site, warning = blocked_site
    served = ServeProcess(site, "--no-search")
    try:
        served.ready()
        served.wait_for(re.compile(f"^warning: {re.escape(warning)}$"), "err")
    finally:
        assert served.stop() == 0
    assert served.lines["err"] == [f"warning: {warning}"]


def test_a_cache_entry_that_cannot_be_deleted_does_not_fail_a_build_that_succeeded(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cache is saved after the output is swapped in: an error there made the build exit 1
    saying that the output was as before, when it held the new pages."""
    out = tmp_path / "out"
    assert main(["build", "--source", str(minimal_site), "--out", str(out), "--no-search"]) == 0
    # Where a record of a build into another folder goes, which a build deletes as stale.
    (minimal_site / ".papersite-cache" / "build" / "output-stale.pickle").mkdir()
    digest = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    digest.write_text(WEEKLY.replace("English introduction", "On zymurgy"), encoding="utf-8")
    capsys.readouterr()

    assert main(["build", "--source", str(minimal_site), "--out", str(out), "--no-search"]) == 0

    assert capsys.readouterr().err == ""
    page = lxml.html.parse(out / "en" / "weekly" / "2025-03-17" / "index.html").getroot()
    assert "On zymurgy" in page.text_content()
