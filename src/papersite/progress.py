"""Progress of long commands: a rich progress bar on a terminal, plain log lines otherwise.

A bar with a count and an estimated time left helps a person watching ``papersite enrich`` wait
out arXiv's three seconds between requests; a CI log wants one line per step instead.
"""

from __future__ import annotations

from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)


class Reporter(Protocol):
    """Told about each step of a long command."""

    def start(self, label: str, total: int) -> None:
        """A task of ``total`` items begins."""
        ...

    def advance(self, done: int) -> None:
        """``done`` more items of the current task are finished."""
        ...

    def log(self, message: str) -> None:
        """Something worth telling now (a retry, a wait)."""
        ...

    def finish(self) -> None:
        """The command is over; release the terminal."""
        ...


class QuietReporter:
    """Tells nothing: the library's default."""

    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        pass

    def log(self, message: str) -> None:
        pass

    def finish(self) -> None:
        pass


class LineReporter:
    """One plain line per step, for logs and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.label = ""
        self.total = 0
        self.done = 0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self._line(f"{label}: {total} to fetch")

    def advance(self, done: int) -> None:
        self.done += done
        self._line(f"{self.label}: {self.done}/{self.total}")

    def log(self, message: str) -> None:
        self._line(f"{self.label}: {message}" if self.label else message)

    def finish(self) -> None:
        pass

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


class BarReporter:
    """A rich progress bar with count and time left, for a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.console = Console(file=stream)
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.task: TaskID | None = None
        self.bar.start()

    def start(self, label: str, total: int) -> None:
        self.task = self.bar.add_task(label, total=total)

    def advance(self, done: int) -> None:
        if self.task is not None:
            self.bar.advance(self.task, done)

    def log(self, message: str) -> None:
        self.bar.console.print(message, markup=False, highlight=False)

    def finish(self) -> None:
        self.bar.stop()


def reporter_for(stream: TextIO) -> Reporter:
    """A bar on a terminal, lines otherwise."""
    return BarReporter(stream) if stream.isatty() else LineReporter(stream)
