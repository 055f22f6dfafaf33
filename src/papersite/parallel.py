"""Work spread over every core: forked workers, each given a share of a list of items.

Rendering Markdown and pages is pure Python, so threads would take turns; processes do not.
Workers are forked, so they start with the site's view and the compiled templates already in
memory and nothing has to be sent to them but the numbers of their items; only results come
back. Three users:

- ``render_in_parallel``: the pages to render, and the archive's data files. Each worker hands its pages to its copy of the
  ``OutputWriter``, which writes them into the shared staging folder (or keeps them when their
  bytes are unchanged); only the writer's records come back. A template error comes back as its
  located problem, since a traceback does not cross processes.
- ``markup.MarkdownRenderer.prefetch``: the texts a cold build has to render;
- ``load._parse_ahead``: the digest files a cold build has to parse.

It pays only for many items: a few hundred pages render faster in the process than workers start.
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from papersite.errors import ContentError, PapersiteError, Problem
from papersite.heap import collect_in_worker, frozen_heap, settle
from papersite.write import ChunkedPage, OutputWriter, Page, WriterShare

MINIMUM_PAGES = 100
"""Below this many pages to render, one process is quicker than starting workers."""

Result = TypeVar("Result")

_task: Callable[[range], Any] | None = None
"""What the forked workers inherit: set just before forking, called by ``_run``."""


def workers_for(count: int, minimum: int = MINIMUM_PAGES) -> int:
    """How many processes to share ``count`` items between: 1 below ``minimum``."""
    if count < minimum or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(os.cpu_count() or 1, 8)


def fork_map(task: Callable[[range], Result], count: int, processes: int) -> list[Result]:
    """``task`` on shares of the items ``0 … count-1``, in ``processes`` forked workers; the
    results of each share, in no particular order."""
    return list(fork_each(task, count, processes))


def fork_each(
    task: Callable[[range], Result], count: int, processes: int
) -> Generator[Result, None, None]:
    """``fork_map``, giving each share's result as soon as it is there: a caller that takes
    each in and lets it go never holds them all (the records of the pages of 50,000 papers:
    70 MB). The workers end once every result is taken, or when the caller closes it."""
    global _task
    _task = task
    # The workers share the parent's memory until they write to it, and the garbage collector
    # writes to every object it scans: frozen, the site's objects are not scanned in the
    # workers, so they are not copied into each (Instagram's gc.freeze trick).
    with frozen_heap():
        settle()
        others = set(multiprocessing.active_children())
        # An executor rather than multiprocessing's Pool: a worker that dies (the kernel's
        # out-of-memory killer) breaks it, where the Pool waited for the dead worker's share
        # for ever.
        pool = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
        done = False
        try:
            # In the order of the shares, as their results come: the same order every build.
            # Each let go of once taken (as ``Executor.map`` does); and none cancelled here,
            # which the pool's thread, failing them once its workers are stopped, would trip on.
            futures = [pool.submit(_run, share) for share in _shares(count, processes * 16)]
            futures.reverse()
            while futures:
                yield futures.pop().result()
            done = True
        except BrokenProcessPool:
            raise PapersiteError(DEAD_WORKER) from None
        finally:
            _task = None
            _end(pool, others, done)


def _end(pool: ProcessPoolExecutor, others: set[BaseProcess], done: bool) -> None:
    """Shut ``pool`` down, its threads and workers ended; the workers stopped at once unless
    every share is ``done`` (an error, Ctrl-C): one left running writes on into a staging folder
    being deleted. (``others``: the process's children that are not the pool's.)"""
    if not done:
        workers = set(multiprocessing.active_children()) - others
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join()
    pool.shutdown(wait=True)  # stopped, the workers leave the pool broken: no share waits


DEAD_WORKER = (
    "a worker process of the build ended before its work was done (killed, perhaps for lack of "
    "memory); nothing was written: run the build again, with more memory free"
)


def _start_worker(parent: int) -> None:
    """A forked worker's start: it ends with its ``parent`` (``end_with_parent``), its
    collector runs as usual (``collect_in_worker``), and it takes back the default handler of
    SIGTERM, with which the pool ends it once the work is done. It inherits the parent's, and
    ``papersite serve``'s first SIGTERM only asks the server to stop
    (``serve.stop_on_signals``): a worker with it outlived the pool's one SIGTERM, and the build
    waited for it for ever. Ctrl-C, which the terminal sends to every process of the group, is
    the parent's to handle: workers ignore it."""
    end_with_parent(parent)
    collect_in_worker()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


PR_SET_PDEATHSIG = 1
"""Linux's ``prctl`` option: the signal the calling process gets when its parent ends."""


def end_with_parent(parent: int) -> None:
    """On Linux, have the kernel kill this process (a worker, or a program the build runs) when
    ``parent`` ends. A build killed outright (SIGKILL, the out-of-memory killer) cannot stop
    its children: each worker, holding both ends of the pool's pipes itself, waited on them for
    ever, and Pagefind went on indexing into a folder no one would read. The parent may have
    ended before the ``prctl``: then the child has been handed to another process, and ends at
    once. (The kernel sends the signal when the *thread* that forked ends: for the workers, the
    one that takes the results, which outlives the pool; for a program, the one that waits for
    it.) Elsewhere, nothing."""
    if not sys.platform.startswith("linux"):
        return
    # prctl fails only for an invalid signal, which SIGKILL is not.
    _prctl()(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def ending_with_this_process() -> Callable[[], None] | None:
    """For ``subprocess.Popen``'s ``preexec_fn``: a program that ends with this process
    (``end_with_parent``); None where that cannot be had. libc is looked up here, before the
    fork, so that the child, which may share a lock with another thread, only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    _prctl()
    return functools.partial(end_with_parent, os.getpid())


@functools.cache
def _prctl() -> Any:
    """libc's ``prctl``."""
    return ctypes.CDLL(None, use_errno=True).prctl


def _run(share: range) -> Any:
    assert _task is not None, "set by fork_map before the fork"
    return _task(share)


def _shares(count: int, parts: int) -> list[range]:
    """``range(count)`` cut into about ``parts`` interleaved ranges: neighbouring items tend to
    cost alike (all the tag pages, all the paper pages), so interleaving evens the work out; and
    a worker takes the next share when it is done, so one slow page (the sitemap) holds up only
    a sixteenth of a worker's work."""
    parts = max(1, min(parts, count))
    return [range(start, count, parts) for start in range(parts)]


def render_in_parallel(
    count: int,
    render: Callable[[int], tuple[Page | ChunkedPage, str | None]],
    writer: OutputWriter,
    processes: int,
    notes: Callable[[], Result] | None = None,
) -> list[Result]:
    """Render pages ``0 … count-1`` (``render(i)`` gives a page and its inputs key) into
    ``writer`` with ``processes`` forked workers; ``ContentError`` if a template failed.
    ``notes``, if given, is called in the worker after each share, and what it returns comes
    back: the list of them."""

    def render_share(numbers: Sequence[int]) -> tuple[WriterShare, Result | None] | list[Problem]:
        writer.begin_share()  # the worker's own copy of the writer
        try:
            for number in numbers:
                page, key = render(number)
                writer.add(page.path, page.content, key)
        except ContentError as error:
            return error.problems
        return writer.share(), notes() if notes is not None else None

    noted = []
    with closing(fork_each(render_share, count, processes)) as results:
        for result in results:
            if isinstance(result, list):  # the first problem: the build stops, the workers end
                raise ContentError(result[:1])
            writer.merge(result[0])
            if result[1] is not None:
                noted.append(result[1])
    return noted
