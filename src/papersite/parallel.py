"""Rendering pages on every core: the pages to render are split between forked workers.

Rendering is pure Python (Jinja), so threads would take turns; processes do not. Workers are
forked, so they start with the site's view and the compiled templates already in memory and
nothing has to be sent to them but a range of page numbers. Each worker renders its pages and
hands them to its copy of the ``OutputWriter``, which writes them into the shared staging folder
(or links them from the previous output when their bytes are unchanged); only the writer's
records come back. A template error comes back as its located problem, since a traceback does
not cross processes.

It pays only for many pages: a few hundred render faster in the process than workers start.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from papersite.errors import ContentError, Problem
from papersite.write import OutputWriter, Page, Written

MINIMUM_PAGES = 400
"""Below this many pages to render, one process is quicker than starting workers."""


@dataclass
class _Work:
    """What the forked workers inherit: set just before forking, read by ``_render_range``."""

    render: Callable[[int], tuple[Page, str | None]]
    writer: OutputWriter


_work: _Work | None = None


def workers_for(count: int) -> int:
    """How many processes to render ``count`` pages with."""
    if count < MINIMUM_PAGES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(os.cpu_count() or 1, 8)


def render_in_parallel(
    count: int,
    render: Callable[[int], tuple[Page, str | None]],
    writer: OutputWriter,
    processes: int,
) -> None:
    """Render pages ``0 … count-1`` (``render(i)`` gives a page and its inputs key) into
    ``writer`` with ``processes`` forked workers; ``ContentError`` if a template failed."""
    global _work
    _work = _Work(render, writer)
    chunks = _chunks(count, processes * 4)
    # The workers share the parent's memory until they write to it, and the garbage collector
    # writes to every object it scans: frozen, the site's objects are not scanned in the
    # workers, so they are not copied into each (Instagram's gc.freeze trick).
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(processes) as pool:
            results = pool.map(_render_range, chunks)
    finally:
        gc.unfreeze()
        _work = None
    problems = [problem for result in results if isinstance(result, list) for problem in result]
    if problems:
        raise ContentError(problems[:1])
    for result in results:
        if not isinstance(result, list):
            writer.merge(*result)


def _chunks(count: int, parts: int) -> list[range]:
    """``range(count)`` cut into about ``parts`` interleaved ranges: neighbouring pages tend to
    cost alike (all the tag pages, all the paper pages), so interleaving evens the work out."""
    parts = max(1, min(parts, count))
    return [range(start, count, parts) for start in range(parts)]


def _render_range(
    numbers: Sequence[int],
) -> tuple[dict[str, Written], list[str]] | list[Problem]:
    assert _work is not None, "set by render_in_parallel before the fork"
    writer = _work.writer
    writer.manifest, writer.written = {}, []
    try:
        for number in numbers:
            page, key = _work.render(number)
            writer.add(page.path, page.content, key)
    except ContentError as error:
        return error.problems
    return writer.manifest, writer.written
