"""Keeping Python's cyclic garbage collector off the site's long-lived objects during a build.

A build makes millions of objects that live until it ends (the parsed files, the validated
model, the view, the plan of pages). The collector, left to itself, scans every tracked object
again and again as their number grows: on a site of 10,000 papers those scans took a fifth of a
rebuild. Within ``frozen_heap`` it does not run at all, and what each stage has made is frozen
when the stage is done (``settle``), so that the workers forked to render pages, whose collector
runs, skip it. Objects are still freed by reference counting as soon as they are dropped; only
garbage in cycles waits for the end of the build, and the stages leave little: the one large
cycle, the Markdown renderer with its memo of every text, is broken by hand
(``MarkdownRenderer.forget``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_depth = 0
"""How many ``frozen_heap`` blocks are open: the outermost one restores the collector."""


@contextmanager
def frozen_heap() -> Iterator[None]:
    """A block in which the collector runs only at ``settle``; at its end it is as it was, and
    scans everything again, so that a long-running process (``papersite serve``) collects what
    builds left."""
    global _depth
    outermost, enabled = _depth == 0, gc.isenabled()
    if outermost:
        gc.disable()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if outermost:
            gc.unfreeze()
            if enabled:
                gc.enable()


def settle() -> None:
    """Within ``frozen_heap``: leave every object made so far out of later scans."""
    if _depth:
        gc.freeze()


def collect_in_worker() -> None:
    """A forked worker's collector runs as usual: it makes and drops thousands of pages."""
    gc.enable()
