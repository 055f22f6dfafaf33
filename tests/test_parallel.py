"""Forked workers: a worker that dies (killed, out of memory) stops the work with an error."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from papersite.parallel import fork_map

REPO = Path(__file__).resolve().parents[1]

KILLED_WORKER = textwrap.dedent(
    """
    import multiprocessing, os, signal, sys
    from papersite.errors import PapersiteError
    from papersite.parallel import fork_map

    def task(share):
        if 0 in share:
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer does
        return list(share)

    try:
        fork_map(task, 200, 2)
    except PapersiteError as error:
        print(error)
        print(multiprocessing.active_children() == [])
        sys.exit(3)
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
def test_a_killed_worker_stops_the_work_with_an_error_instead_of_hanging() -> None:
    """A worker killed mid-share (the kernel's out-of-memory killer, a crash in a C library)
    left its share unanswered, and the build waited for it for ever."""
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WORKER],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )

    assert done.returncode == 3, done.stderr
    message, no_worker_left = done.stdout.splitlines()
    assert message.startswith("a worker process of the build ended before its work was done")
    assert message.endswith("nothing was written: run the build again, with more memory free")
    assert no_worker_left == "True", "the other worker was stopped too"


def _fail_on_the_first(share: range) -> list[int]:
    if 0 in share:
        raise ValueError("a share failed")
    return list(share)


def test_an_error_in_a_share_is_raised_and_the_other_workers_stopped() -> None:
    """The first error ends the work: the other workers are stopped, not waited for, and the
    pool's thread ends without an error of its own (pytest fails on one, as on a warning)."""
    with pytest.raises(ValueError, match="a share failed"):
        fork_map(_fail_on_the_first, 200, 2)

    assert multiprocessing.active_children() == []
    assert fork_map(len, 200, 2) == [7] * 8 + [6] * 24, "a new pool works as before"
