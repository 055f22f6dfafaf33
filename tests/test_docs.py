"""The README documents what the command line does, and CI runs what the README says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from papersite.cli import make_parser

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _options(command: str) -> set[str]:
    parser = make_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    subcommand = subparsers.choices[command]  # type: ignore[attr-defined]
    return {option for action in subcommand._actions for option in action.option_strings} - {
        "-h",
        "--help",
    }


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("build", {"--source", "--out", "--base-url", "--strict", "--no-search"}),
        ("enrich", {"--source", "--refresh", "--offline", "--resolve-titles", "--with"}),
    ],
)
def test_every_option_is_documented_in_the_readme(command: str, expected: set[str]) -> None:
    options = _options(command)
    assert options == expected
    section = README.split(f"### papersite {command}\n", 1)[1].split("\n### ", 1)[0]
    for option in options:
        assert f"`{option}" in section, f"{command} {option} is not documented"


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    test_command = next(command for command in commands if "pytest" in command)
    ci_script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci_script


def test_the_quick_start_builds_with_the_papersite_command() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    assert commands[0].endswith("papersite build")
