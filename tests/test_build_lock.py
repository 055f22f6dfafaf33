"""Two builds of one output folder at once (two terminals; ``serve`` and ``build``): they take
turns (``write.output_lock``), the second saying that it waits."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pagefind.service import get_executable

from conftest import REPO
from papersite import write
from papersite.serve import Server

DEADLINE = 120.0
"""Seconds a build may take here, on a loaded machine."""


class HeldPagefind:
    """A stand-in for Pagefind's binary (``PAGEFIND_BINARY_PATH``) that notes each start in
    ``started`` and runs the real Pagefind only once ``release`` is called: a build that runs
    it is held in the middle of writing its output."""

    def __init__(self, folder: Path) -> None:
        real = get_executable()
        if real is None:
            pytest.skip("Pagefind's binary is not installed")
        self.binary, self.started, self._go = folder / "pagefind", folder / "started", folder / "go"
        self.binary.write_text(
            textwrap.dedent(f"""\
                #!/bin/sh
                echo $$ >> '{self.started}'
                while [ ! -e '{self._go}' ]; do sleep 0.02; done
                exec '{real}' "$@"
            """),
            encoding="utf-8",
        )
        self.binary.chmod(0o755)

    def starts(self) -> int:
        return len(self.started.read_text().split()) if self.started.exists() else 0

    def release(self) -> None:
        self._go.touch()


@pytest.fixture
def held_pagefind(tmp_path: Path) -> Iterator[HeldPagefind]:
    """A ``HeldPagefind``, released at the end of the test whatever happens."""
    held = HeldPagefind(tmp_path)
    yield held
    held.release()


def start_build(site: Path, out: Path, pagefind: Path, stderr: Path) -> subprocess.Popen[bytes]:
    """``papersite build`` of ``site`` into ``out``, search on, as a process of its own."""
    with stderr.open("wb") as errors:
        return subprocess.Popen(
            [sys.executable, "-m", "papersite", "build", "--source", str(site), "--out", str(out)],
            env={
                **os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONDONTWRITEBYTECODE": "1",
                "PAGEFIND_BINARY_PATH": str(pagefind),
            },
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )  # fmt: skip


def wait_until(done: Callable[[], object], deadline: float = DEADLINE) -> None:
    """Polls ``done`` until it is true, or the deadline passes."""
    end = time.monotonic() + deadline
    while not done() and time.monotonic() < end:
        time.sleep(0.02)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_second_build_of_the_same_folder_waits_for_the_first_and_says_so(
    minimal_site: Path, tmp_path: Path, held_pagefind: HeldPagefind
) -> None:
    """Two builds at once deleted each other's files (Pagefind's fragments): one failed, and
    said to free some space. Now the second waits, says so, and finds the first's output."""
    out = tmp_path / "out"
    first = start_build(minimal_site, out, held_pagefind.binary, tmp_path / "first.err")
    wait_until(lambda: held_pagefind.starts() == 1 or first.poll() is not None)
    assert held_pagefind.starts() == 1, (tmp_path / "first.err").read_text()
    second_errors = tmp_path / "second.err"
    second = start_build(minimal_site, out, held_pagefind.binary, second_errors)
    try:
        waiting = f"waiting for another build of {out} to finish\n"
        wait_until(
            lambda: (
                second_errors.read_text() == waiting
                or held_pagefind.starts() > 1
                or second.poll() is not None
            )
        )
        assert second_errors.read_text() == waiting
        assert held_pagefind.starts() == 1, "the second build ran Pagefind while the first did"
        time.sleep(0.3)
        assert second.poll() is None, "the second build waits for the first"
        held_pagefind.release()
        assert first.wait(DEADLINE) == 0, (tmp_path / "first.err").read_text()
        assert second.wait(DEADLINE) == 0, second_errors.read_text()
    finally:
        for process in (first, second):
            process.kill()
            process.wait()
    assert second_errors.read_text() == waiting
    assert held_pagefind.starts() == 1, "nothing changed: the second build had nothing to do"
    cold = tmp_path / "cold"
    cold_build = start_build(minimal_site, cold, held_pagefind.binary, tmp_path / "cold.err")
    assert cold_build.wait(DEADLINE) == 0
    assert snapshot(out) == snapshot(cold)
    assert not [path for path in out.parent.iterdir() if path.name.startswith(".")]


def test_a_serve_rebuild_into_a_folder_a_build_holds_waits_and_says_so(
    minimal_site: Path, tmp_path: Path, held_pagefind: HeldPagefind
) -> None:
    """``serve``'s builds take the same lock as ``build``'s."""
    out = tmp_path / "out"
    build = start_build(minimal_site, out, held_pagefind.binary, tmp_path / "build.err")
    wait_until(lambda: held_pagefind.starts() == 1 or build.poll() is not None)
    assert held_pagefind.starts() == 1, (tmp_path / "build.err").read_text()
    said, served = io.StringIO(), []

    def serve() -> None:
        with Server(minimal_site, port=0, out=out, stdout=io.StringIO(), stderr=said) as server:
            served.append(server.site.out)

    serving = threading.Thread(target=serve, daemon=True)
    try:
        serving.start()
        wait_until(lambda: said.getvalue() or not serving.is_alive())
        assert said.getvalue() == f"waiting for another build of {out} to finish\n"
        assert serving.is_alive() and not served
        held_pagefind.release()
        assert build.wait(DEADLINE) == 0, (tmp_path / "build.err").read_text()
        serving.join(DEADLINE)
    finally:
        build.kill()
        build.wait()
    assert served == [out]
    assert (out / "index.html").is_file()


def test_a_build_that_waited_and_one_that_comes_after_hold_the_lock_in_turn(
    minimal_site: Path, tmp_path: Path
) -> None:
    """The holder deletes the lock file as it lets go; a build that waited on that file must
    not hold it while a later build locks a new file at its path: they too take turns. No lock
    file is left once all are done. (``flock`` excludes two opens in one process too.)"""
    out, inside, most, said = tmp_path / "out", [0], [0], []
    guard = threading.Lock()

    def hold(seconds: float) -> None:
        with write.output_lock(out, minimal_site, said.append):
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(seconds)
            with guard:
                inside[0] -= 1

    # The second waits for the first; the third comes once the first has let go, while the
    # second holds the lock.
    plan = [(0.0, 0.5), (0.1, 0.6), (0.8, 0.1)]  # (when it starts, how long it holds)
    holders = [threading.Thread(target=hold, args=(seconds,)) for _, seconds in plan]
    started = time.monotonic()
    for (start, _), thread in zip(plan, holders, strict=True):
        time.sleep(max(0.0, started + start - time.monotonic()))
        thread.start()
    for thread in holders:
        thread.join(DEADLINE)

    assert most == [1]
    assert said == [out, out]
    assert not (minimal_site / ".papersite-cache").exists()
