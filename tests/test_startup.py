"""``papersite --version``, ``--help`` and argument errors answer without loading the library.

Each case runs in a fresh interpreter, since this test session has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from conftest import run_python

HEAVY = (
    "jinja2", "pydantic", "markdown_it", "yaml", "httpx", "arxiv", "rich", "watchfiles",
    "papersite.build", "papersite.render",
)  # fmt: skip
"""Libraries and stages that take most of a build's start-up, and that the parser never needs."""

PROBE = f"""
import json, sys
from papersite.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = {HEAVY!r}
loaded = [m for m in sys.modules if m in heavy or m.split(".")[0] in heavy]
print(json.dumps(sorted(loaded)))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["export", "--help"],
        ["bogus"],
        ["check", "--format", "bogus"],
        ["new", "weekly", "--start", "not-a-date"],
    ],
    ids=" ".join,
)
def test_the_parser_imports_no_heavy_module(args: list[str]) -> None:
    output = run_python(PROBE, *args)

    loaded = json.loads(output.splitlines()[-1])
    assert loaded == []


def test_version_prints_the_installed_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "papersite", "--version"], capture_output=True, text=True
    )

    assert result.returncode == 0
    assert result.stdout == f"papersite {version('papersite')}\n"
    assert result.stderr == ""


def test_build_and_build_report_import_from_the_package() -> None:
    from papersite import BuildReport, build

    assert build.__module__ == "papersite.build"
    assert callable(build)
    assert BuildReport.__module__ == "papersite.build"


def test_papersite_build_stays_the_function_after_the_stage_module_is_imported() -> None:
    # check imports the papersite.build module first, which binds it on the package by default.
    code = """
import importlib
import papersite.check
import papersite
from papersite import build
stage = importlib.import_module("papersite.build")
assert build is papersite.build is stage.build, papersite.build
assert papersite.BuildReport is stage.BuildReport
assert {"build", "BuildReport"} <= set(dir(papersite))
"""
    run_python(code)


def test_the_package_has_no_other_lazy_names() -> None:
    import papersite

    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        papersite.nothing  # type: ignore[attr-defined]  # noqa: B018


def test_the_command_reports_and_exits_with_its_status(minimal_site: Path, tmp_path: Path) -> None:
    """``papersite`` leaves the process at once (``cli.run``): its output, through pipes, is
    all there, and its exit status is the command's, for a build and for a failed one."""
    command = [sys.executable, "-m", "papersite", "build", "--no-search", "--source"]
    # Buffered output, as a user's Python writes to a pipe (this machine sets PYTHONUNBUFFERED).
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    built = subprocess.run(
        [*command, str(minimal_site)], capture_output=True, text=True, env=environment
    )

    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 1 digest, 1 paper, ")
    assert built.stdout.endswith(" s\n")
    assert (minimal_site / "build" / "index.html").is_file()

    (minimal_site / "digests" / "weekly" / "2025-03-17.yaml").write_text("kind: monthly\n")
    failed = subprocess.run(
        [*command, str(minimal_site)], capture_output=True, text=True, env=environment
    )

    assert failed.returncode == 1
    assert failed.stderr.endswith("error: 3 problems; nothing was written\n")
    assert "2025-03-17.yaml" in failed.stderr


STAGES = ("jinja2", "pydantic", "markdown_it", "papersite.pipeline", "papersite.incremental")
"""What a build with work to do imports (half a second), and one with nothing to do need not."""


def test_a_build_with_nothing_to_do_imports_none_of_the_stages(
    minimal_site: Path, tmp_path: Path
) -> None:
    """A build whose inputs and output are as the last build left them stops at their
    fingerprint (``build.py``), before the stages: the record of the last build it reads must
    unpickle without importing them."""
    code = f"""
import json, sys
from papersite import build
report = build({str(minimal_site)!r}, {str(tmp_path / "out")!r}, search=False)
stages = {STAGES!r}
loaded = [m for m in sys.modules if m in stages or m.split(".")[0] in stages]
print(json.dumps([len(report.written), sorted(loaded)]))
"""
    first = json.loads(run_python(code).splitlines()[-1])
    second = json.loads(run_python(code).splitlines()[-1])

    assert first[0] > 0 and set(first[1]) >= set(STAGES), first
    assert second == [0, []]


def test_a_build_without_search_does_not_import_pagefind(
    minimal_site: Path, tmp_path: Path
) -> None:
    """Pagefind's package imports asyncio (20 ms): only a build that runs it pays for that."""
    code = f"""
import sys
from papersite import build
report = build({str(minimal_site)!r}, {str(tmp_path / "out")!r}, search=False)
print(len(report.written), "pagefind" in sys.modules, "asyncio" in sys.modules)
"""
    written, pagefind, asyncio = run_python(code).split()[-3:]

    assert int(written) > 0
    assert (pagefind, asyncio) == ("False", "False")
