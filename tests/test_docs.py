"""The README documents what the command line does, and CI runs what the README says."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from papersite.cli import make_parser

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, argparse.ArgumentParser]:
    """Every command of the CLI by its name (``new weekly`` for a command with subcommands)."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(prefix: str, parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(f"{prefix} {name}".strip(), child)
                return
        found[prefix] = parser

    walk("", make_parser())
    return found


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings} - {
        "-h",
        "--help",
    }


def _section(command: str) -> str:
    """The README section of a command: ``### papersite build`` for ``build`` and for
    ``new weekly``'s first word."""
    heading = f"### papersite {command.split()[0]}\n"
    assert heading in README, f"the README has no section {heading.strip()!r}"
    return README.split(heading, 1)[1].split("\n### ", 1)[0]


def test_every_command_is_in_the_synopsis() -> None:
    synopsis = README.split("## The command line\n", 1)[1].split("\n### ", 1)[0]
    for command in _commands():
        assert f"papersite {command}" in synopsis, command


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_option_is_documented_in_the_readme(command: str) -> None:
    section = _section(command)
    for option in _options(_commands()[command]):
        assert f"`{option}" in section, f"{command} {option} is not documented"


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    test_command = next(command for command in commands if "pytest" in command)
    ci_script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci_script


def test_the_quick_start_builds_with_the_papersite_command() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    assert commands[0].endswith("papersite build")
