"""Watching a site's inputs for ``papersite serve``: ``digests/``, ``templates/``,
``papersite.yaml`` and ``arxiv.lock.json``.

Two watchfiles watchers feed one queue. The site folder is watched alone, not recursively:
editors and ``papersite enrich`` save ``papersite.yaml`` and the lockfile by renaming a new file
over the old one, which a watch on the file itself stops following, and the whole site folder may
hold a virtualenv or ``node_modules``, far too many folders to watch. ``digests/`` and
``templates/`` are watched recursively by a second watcher, started again whenever one of them
appears or disappears. watchfiles groups the events of one save (it waits for 50 ms of quiet) and
leaves out editors' swap and backup files.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles
from watchfiles._rust_notify import WatchfilesRustInternalError

from papersite.lockfile import LOCKFILE
from papersite.names import CONFIG_FILE, DIGESTS_DIR, GLOSSARY_FILE

Change = tuple[watchfiles.Change, str]

TEMPLATES_DIR = "templates"
WATCHED_FOLDERS = (DIGESTS_DIR, TEMPLATES_DIR)
WATCHED_NAMES = frozenset({CONFIG_FILE, LOCKFILE, GLOSSARY_FILE, *WATCHED_FOLDERS})
"""What matters in the site folder itself."""

TICK_MS = 200
"""How long a watcher waits for events before checking back: it bounds how long starting (the
first tick proves the watch is in place) and stopping take."""


class _Watch:
    """One watchfiles watcher in a thread, calling ``on_change`` with each group of paths."""

    def __init__(
        self,
        paths: list[Path],
        on_change: Callable[[set[Change]], None],
        *,
        recursive: bool,
        keep: Callable[[watchfiles.Change, str], bool],
    ) -> None:
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._paths = paths
        self._on_change = on_change
        self._recursive = recursive
        self._keep = keep
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while True:
                try:
                    return self._watch()
                except WatchfilesRustInternalError:
                    # A file named with bytes that are not UTF-8, which watchfiles cannot report
                    # (the build names it): watch again, and report every watched path, as what
                    # changed while no watch was in place is not known.
                    self._on_change(
                        {(watchfiles.Change.modified, str(path)) for path in self._paths}
                    )
        finally:
            self.ready.set()  # also if watching failed (a folder removed meanwhile): never hang

    def _watch(self) -> None:
        for changes in watchfiles.watch(
            *self._paths,
            watch_filter=self._keep,
            recursive=self._recursive,
            stop_event=self._stop,
            rust_timeout=TICK_MS,
            yield_on_timeout=True,  # an empty group: the watch is in place
        ):
            self.ready.set()
            if changes:
                self._on_change(changes)

    def stop(self) -> None:
        self.ask_to_stop()
        self._thread.join()

    def ask_to_stop(self) -> None:
        """Stops at its next tick, without waiting for it (``stop`` waits)."""
        self._stop.set()


class SiteWatcher:
    """Changes to a site's inputs, as paths relative to the site folder."""

    def __init__(self, source: Path) -> None:
        self.source = source.resolve()
        self._changes: queue.Queue[set[str]] = queue.Queue()
        self._lock = threading.Lock()
        self._site: _Watch | None = None
        self._folders: _Watch | None = None

    def start(self) -> None:
        """Starts watching, and returns once every watch is in place."""
        self._restart_folders()
        self._site = _Watch(
            [self.source],
            self._site_changed,
            recursive=False,
            keep=lambda _, path: Path(path).name in WATCHED_NAMES,
        )
        self._site.ready.wait()

    def changes(self, timeout: float) -> set[str]:
        """Every path changed since the last call; empty after ``timeout`` seconds without one."""
        try:
            changed = self._changes.get(timeout=timeout)
        except queue.Empty:
            return set()
        while not self._changes.empty():
            changed |= self._changes.get_nowait()
        return changed

    def pending(self) -> bool:
        """Whether a change waits to be taken by ``changes``."""
        return not self._changes.empty()

    def wake(self) -> None:
        """Ends a wait in ``changes`` now, with no change."""
        self._changes.put(set())

    def close(self) -> None:
        # Both watchers are asked first, so that they stop in the same tick, not one after the
        # other. The site's watcher is waited for first, and outside the lock: it may be
        # waiting for the lock to restart the folders' watcher (which it then stops at once).
        for watch in (self._site, self._folders):
            if watch is not None:
                watch.ask_to_stop()
        if self._site is not None:
            self._site.stop()
            self._site = None
        with self._lock:
            if self._folders is not None:
                self._folders.stop()
                self._folders = None

    def _site_changed(self, changes: set[Change]) -> None:
        if any(Path(path).name in WATCHED_FOLDERS for _, path in changes):
            # Watching again before the change is reported, so nothing saved after the rebuild
            # has read the new folder can be missed.
            self._restart_folders()
        self._report(changes)

    def _restart_folders(self) -> None:
        with self._lock:
            if self._folders is not None:
                self._folders.stop()
                self._folders = None
            folders = [self.source / name for name in WATCHED_FOLDERS]
            existing = [folder for folder in folders if folder.is_dir()]
            if existing:
                self._folders = _Watch(
                    existing, self._report, recursive=True, keep=watchfiles.DefaultFilter()
                )
                self._folders.ready.wait()

    def _report(self, changes: set[Change]) -> None:
        # A file added and gone again is an editor's or a tool's temporary file: no news.
        added = {path for change, path in changes if change == watchfiles.Change.added}
        paths = {path for _, path in changes if path not in added or Path(path).exists()}
        if paths:
            self._changes.put({self._relative(path) for path in paths})

    def _relative(self, path: str) -> str:
        try:
            return Path(path).relative_to(self.source).as_posix()
        except ValueError:
            return path
