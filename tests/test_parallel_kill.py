"""Forked workers and Pagefind end with the build: a build killed outright (SIGKILL) leaves none
running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from papersite.parallel import _start_worker

REPO = Path(__file__).resolve().parents[1]
PROC = Path("/proc")
PAPERS = 300
"""Enough for the build's workers to run for seconds (about 1,500 pages and their texts)."""
DEADLINE = 10.0

Process = tuple[int, str]
"""A process's ID and its start time: an ID alone may be taken again by a new process."""


def _stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command's name, or None once it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()


def _alive(process: Process) -> bool:
    """Whether ``process`` still runs: not ended, not a zombie waiting to be reaped."""
    fields = _stat(process[0])
    return fields is not None and fields[0] != "Z" and fields[19] == process[1]


def _forked_children(parent: int) -> set[Process]:
    """The children of ``parent`` (of any of its threads) forked without a new program."""
    command = (PROC / str(parent) / "cmdline").read_bytes()
    found = set()
    for task in (PROC / str(parent) / "task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):  # the thread has ended
            continue
        for child in map(int, children):
            fields = _stat(child)
            try:
                forked = (PROC / str(child) / "cmdline").read_bytes() == command
            except (FileNotFoundError, ProcessLookupError):
                continue
            if fields is not None and forked:
                found.add((child, fields[19]))
    return found


def _wait_for_workers(build: subprocess.Popen[bytes]) -> set[Process]:
    """The build's workers, once it has some; the build stopped (SIGSTOP), so it forks no more."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline and build.poll() is None:
        if _forked_children(build.pid):
            build.send_signal(signal.SIGSTOP)
            return _forked_children(build.pid)
        time.sleep(0.01)
    pytest.fail(f"the build ({build.poll()}) had no worker within {DEADLINE} s")


@pytest.fixture
def large_site(tmp_path: Path) -> Path:
    """A synthetic site (``benchmarks/generate.py``) large enough to fork workers."""
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), str(tmp_path),
         "--papers", str(PAPERS)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return tmp_path


@pytest.fixture
def killed_afterwards() -> Iterator[set[Process]]:
    """A set to put processes in: any still running after the test is killed."""
    processes: set[Process] = set()
    yield processes
    for process in processes:
        if _alive(process):
            os.kill(process[0], signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, PR_SET_PDEATHSIG")
@pytest.mark.parametrize(
    "command", [["build", "--no-search"], ["serve", "--port", "0", "--no-search"]]
)
def test_the_workers_end_when_the_build_is_killed(
    large_site: Path, killed_afterwards: set[Process], command: list[str]
) -> None:
    """A build (or ``papersite serve``) killed with SIGKILL cannot stop its workers; each, then
    a child of init, waited for ever on a pipe it held both ends of."""
    build = subprocess.Popen(
        [sys.executable, "-m", "papersite", *command],
        cwd=large_site,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        workers = _wait_for_workers(build)
        killed_afterwards.update(workers)
    finally:
        build.kill()
        build.wait()

    deadline = time.monotonic() + 5
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers, "workers were seen"
    assert not any(map(_alive, workers)), "every worker ended with the build"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_a_worker_whose_parent_ended_before_it_started_ends_at_once() -> None:
    """The parent may die between the fork and the worker's ``prctl``, too soon for the kernel
    to signal the worker: the worker, handed to another process, sees it and ends."""
    gone_parent = os.getppid()  # not the child's parent: as if the child had been handed on
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's outcome is its exit status
        try:
            _start_worker(gone_parent)
            os._exit(0)
        finally:
            os._exit(2)

    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 1


@pytest.fixture
def slow_pagefind(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in for Pagefind's binary (``PAGEFIND_BINARY_PATH``), and the file where it writes
    its process ID: it becomes ``sleep``, in the same process, so it runs until it is killed."""
    binary, pid_file = tmp_path / "pagefind", tmp_path / "pagefind.pid"
    binary.write_text(
        textwrap.dedent(f"""\
            #!/bin/sh
            echo $$ > {pid_file}.part && mv {pid_file}.part {pid_file}
            exec sleep 60
        """),
        encoding="utf-8",
    )
    binary.chmod(0o755)
    return binary, pid_file


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, PR_SET_PDEATHSIG")
@pytest.mark.parametrize("command", [["build"], ["serve", "--port", "0"]])
def test_pagefind_ends_when_the_build_is_killed(
    minimal_site: Path,
    slow_pagefind: tuple[Path, Path],
    killed_afterwards: set[Process],
    command: list[str],
) -> None:
    """Pagefind, run by the build as a program of its own, went on indexing into a folder no
    one would read once the build was killed outright."""
    binary, pid_file = slow_pagefind
    build = subprocess.Popen(
        [sys.executable, "-m", "papersite", *command],
        cwd=minimal_site,
        env={
            "PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin",
            "PAGEFIND_BINARY_PATH": str(binary),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + DEADLINE
        while not pid_file.exists() and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pid_file.exists(), f"Pagefind did not start (the build: {build.poll()})"
        pid = int(pid_file.read_text())
        fields = _stat(pid)
        assert fields is not None, "Pagefind runs"
        pagefind = (pid, fields[19])
        killed_afterwards.add(pagefind)
    finally:
        build.kill()
        build.wait()

    deadline = time.monotonic() + 5
    while _alive(pagefind) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pagefind), "Pagefind ended with the build"
