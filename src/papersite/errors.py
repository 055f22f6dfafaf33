"""The exceptions papersite raises, and the located messages they carry.

- ``PapersiteError``: base class; the CLI turns any of these into a message and exit status 1.
- ``ContentError``: one or more digests or the site configuration break the digest contract.
  Carries every ``Problem`` found, so a build reports all of them at once.
- ``OutputError``: the output folder cannot be used (it is the source, contains it, is ``/``
  or the home folder, or is a folder papersite did not make).
- ``StrictModeError``: warnings were raised and ``--strict`` turns them into errors.
- ``build.OutputInPlace``: a build failed after its new output was put in place (and
  ``build.InterruptedInPlace``, a ``KeyboardInterrupt``, for Ctrl-C then): the message says the
  output is the new one.
- ``fetch.EnrichInterrupted``: a ``KeyboardInterrupt`` during ``enrich``, carrying its report so far
  (the IDs found from titles, for the command line to print).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One located message about the content: an error or a warning."""

    path: str
    """The file, relative to the site root, with forward slashes."""
    line: int
    """1-based line of the offending node (0 when the problem is about the whole file)."""
    column: int
    """1-based column of the offending node (0 when unknown)."""
    field: str
    """Dotted field path such as ``papers[3].links[0].url``; empty for the whole file."""
    message: str
    """What is wrong and, where possible, what to do about it."""

    @property
    def where(self) -> str:
        """``path:line:column``, ``path:line`` or ``path``: as much as is known."""
        if not self.line:
            return self.path
        return (
            f"{self.path}:{self.line}:{self.column}" if self.column else f"{self.path}:{self.line}"
        )

    @property
    def what(self) -> str:
        """``field: message``, or the message alone for the whole file."""
        return f"{self.field}: {self.message}" if self.field else self.message

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


class PapersiteError(Exception):
    """Base class of every error papersite reports to a user."""


class ContentError(PapersiteError):
    """The content breaks the digest contract; ``problems`` lists every error found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class OutputError(PapersiteError):
    """The output folder is unsafe or unusable."""


class StrictModeError(PapersiteError):
    """``--strict`` was given and the build raised warnings (or ``--strict-review``, and
    machine-written texts are not reviewed)."""

    def __init__(
        self,
        warnings: Iterable[Problem],
        *,
        noun: str = "warning",
        qualifier: str = "",
        option: str = "--strict",
    ) -> None:
        self.problems = sorted(warnings)
        self.what = counted(len(self.problems), noun) + qualifier
        """How many there are, and of what: ``1 warning``, ``2 machine-written texts not
        reviewed``."""
        self.option = option
        lines = [str(problem) for problem in self.problems]
        lines.append(f"{self.what}, which {option} treats as errors")
        super().__init__("\n".join(lines))


def counted(number: int, noun: str) -> str:
    """``1 digest``, ``2 digests``: a count in a command's summary (``noun`` takes an "s")."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def closest(name: str, known: Sequence[str]) -> str | None:
    """The one of ``known`` that ``name`` was most likely meant to be (in any case: ``Code`` is
    ``code``), if one is close enough: the "did you mean" of a message."""
    close = difflib.get_close_matches(name.casefold(), known, n=1, cutoff=0.6)
    return close[0] if close else None
