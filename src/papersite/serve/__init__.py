"""``papersite serve``: builds the site, serves it on loopback under its base path, rebuilds what
changed whenever a digest, a template, the configuration or the lockfile is saved, and reloads the
open pages; a rebuild's errors show in the terminal and over the page, and the last good site
stays served.

- ``rebuild.py``: ``papersite build``'s incremental build into the served folder
- ``server.py``: HTTP, paths that cannot leave the output folder, the 404 page
- ``live.py``, ``live.js``: the state open pages follow, its event stream, the overlay
- ``watch.py``: what is watched, and how

The served files live in a private temporary folder (removed on exit), never in ``build/``, and
are rendered for the server's own address (``http://127.0.0.1:8000/<base path>/``), so every
absolute URL leads back to it.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, TracebackType
from typing import TextIO
from urllib.parse import quote

from papersite.errors import PapersiteError, Problem, counted
from papersite.load import is_there, missing_site_folder
from papersite.names import CONFIG_FILE, LOOPBACK
from papersite.serve.rebuild import LiveSite, Rebuild
from papersite.serve.server import SiteServer
from papersite.serve.watch import SiteWatcher
from papersite.write import delete_finished_updates, waiting_line

__all__ = ["LOOPBACK", "ServeError", "Server", "port_number", "serve", "stop_on_signals"]

POLL_SECONDS = 0.25
"""How often the watching loop looks for work while no file changes (a stop ends its wait)."""
HTTP_POLL_SECONDS = 0.05
"""How often the HTTP server checks whether it should stop: it bounds how long stopping waits."""
_REMOVE = 'rm -rf -- "$1" &'
"""A shell that starts ``rm`` on the folder ``$1`` and ends at once, leaving ``rm`` to run."""


class ServeError(PapersiteError):
    """The server cannot start: the folder is not a site, or the address cannot be used."""


class Server:
    """A running ``papersite serve``, as a context manager: entering binds the address, builds
    the site, starts watching and serving; leaving stops all of it and removes the served files.

    ``rebuild()`` rebuilds at once; ``run(stop)`` rebuilds on every change until ``stop`` is set.
    ``out`` names the folder to serve from (default: a new temporary folder).
    """

    def __init__(
        self,
        source: Path | str = ".",
        *,
        host: str = LOOPBACK,
        port: int = 8000,
        search: bool = True,
        out: Path | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        self.source = Path(source)
        self.host = host
        self.port = port
        self.search = search
        self._given_out = out
        self._stdout = stdout or sys.stdout
        self._stderr = stderr or sys.stderr
        self._warned: list[Problem] = []

    # --- starting and stopping -----------------------------------------------------------------

    def __enter__(self) -> Server:
        # Build's rule: a papersite.yaml that cannot be read (a folder, a named pipe) is there,
        # and the first build says what it is, where the server shows it until it is fixed.
        if not is_there(self.source / CONFIG_FILE):
            raise ServeError(
                missing_site_folder(self.source)
                or f"no {CONFIG_FILE} in {self.source.resolve()}: is it a papersite site? "
                "Name the site folder with --source DIR"
            )
        out = self._given_out or Path(tempfile.mkdtemp(prefix="papersite-serve-"))
        self.site = LiveSite(self.source, out, search=self.search, waiting=self._say_waiting)
        try:
            self.http = SiteServer(self.host, self.port, self.site)
        except OSError as error:
            self._remove_output()
            raise ServeError(bind_failure(self.host, self.port, error)) from None
        self.site.origin = _origin(self.host, self.http.server_address[1])
        self.watcher = SiteWatcher(self.source)
        self._thread = threading.Thread(
            target=self.http.serve_forever, args=(HTTP_POLL_SECONDS,), daemon=True
        )
        try:
            # Watching first, so that a file saved during the first build is built again.
            self.watcher.start()
            self._say_first(self.site.rebuild())
            self._thread.start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        self.watcher.close()
        self.site.broadcast.close()  # ends the event streams, so their threads finish
        if self._thread.is_alive():
            self.http.shutdown()
        self.http.server_close()
        # What the last rebuild left to delete while idle, beside the output: the files it
        # replaced.
        delete_finished_updates(self.site.out.resolve())
        self._remove_output()

    def _remove_output(self) -> None:
        if self._given_out is None:
            remove_in_background(self.site.out)

    # --- what it does --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Where the site is: the server's origin and the site's base path."""
        return self.site.origin + quote(self.site.base_path)

    def rebuild(self, changed: set[str] | None = None) -> Rebuild:
        """Rebuilds now and reports it; ``changed`` names the files that prompted it."""
        rebuild = self.site.rebuild()
        self._say(rebuild, changed or set())
        return rebuild

    def run(self, stop: threading.Event) -> None:
        """Rebuilds whenever a watched file changes, until ``stop`` is set (and sets it if it
        ends otherwise, by an error). Once no file changed for a poll, makes the search index a
        rebuild left for later, and then asks how the output is, which the next rebuild would
        ask first (``LiveSite.survey_ahead``)."""
        # Setting ``stop`` ends the wait for changes at once, not at the end of the poll.
        threading.Thread(target=self._wake_when_set, args=(stop,), daemon=True).start()
        try:
            while not stop.is_set():
                changed = self.watcher.changes(POLL_SECONDS)
                if stop.is_set():
                    break
                if changed:
                    self.rebuild(changed)
                elif self.site.search_pending:
                    self.make_search_index(stop)
                else:
                    self.site.survey_ahead()
        finally:
            stop.set()  # so that the waking thread ends

    def _wake_when_set(self, stop: threading.Event) -> None:
        stop.wait()
        self.watcher.wake()

    def make_search_index(self, stop: threading.Event | None = None) -> Rebuild:
        """Makes the search index that a rebuild left for later; stops if a file changes (or
        ``stop`` is set) meanwhile, leaving it for later again."""

        def cancelled() -> bool:
            return self.watcher.pending() or (stop is not None and stop.is_set())

        rebuild = self.site.rebuild(search_now=True, cancelled=cancelled)
        if not (rebuild.cancelled and stop is not None and stop.is_set()):
            self._say(rebuild, set(), what="search index")  # not "stopped for the edit" on Ctrl-C
        return rebuild

    # --- the terminal ----------------------------------------------------------------------------

    def _print(self, line: str, *, error: bool = False) -> None:
        print(line, file=self._stderr if error else self._stdout, flush=True)

    def _say_waiting(self, out: Path) -> None:
        self._print(waiting_line(out), error=True)

    def _say_first(self, rebuild: Rebuild) -> None:
        self._print_problems(rebuild)
        if rebuild.report is not None:
            report = rebuild.report
            self._print(
                f"Built {counted(report.digests, 'digest')}, {counted(report.papers, 'paper')}: "
                f"{counted(report.pages, 'file')} in {rebuild.seconds:.2f} s"
                + ("; the search index follows" if report.search_pending else "")
            )
        else:
            count = len(rebuild.problems)
            self._print(
                f"error: {count} problem{'s' if count != 1 else ''}; the pages say so until the "
                "site builds: fix the file and save",
                error=True,
            )
        warning = exposure_warning(self.host)
        if warning:
            self._print(warning, error=True)
        self._print(f"Serving {self.url} from {self.site.out} (Ctrl-C to stop)")

    def _say(self, rebuild: Rebuild, changed: set[str], what: str = "rebuild") -> None:
        self._print_problems(rebuild)
        names = sorted(changed)
        if names:
            what = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        line = f"{what}: {rebuild.summary()}"
        if rebuild.reloads:
            pages = self.site.broadcast.listeners
            line += f"; reloading {pages} open page{'s' if pages != 1 else ''}"
        self._print(line, error=bool(rebuild.problems))

    def _print_problems(self, rebuild: Rebuild) -> None:
        for problem in rebuild.problems:
            self._print(problem, error=True)
        # Warnings once, and again only when they change, rather than after every save.
        if rebuild.report is not None and rebuild.report.warnings != self._warned:
            self._warned = rebuild.report.warnings
            for warning in self._warned:
                self._print(f"{warning} (warning)", error=True)


def serve(
    source: Path | str = ".",
    *,
    host: str = LOOPBACK,
    port: int = 8000,
    search: bool = True,
    stop: threading.Event | None = None,
) -> None:
    """Serves the site in ``source`` until ``stop`` is set (the CLI sets it on Ctrl-C).

    Raises ``ServeError`` if the folder is not a site or the address cannot be used.
    """
    with Server(source, host=host, port=port, search=search) as server:
        server.run(stop or threading.Event())


_HANGUP = (signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()
"""SIGHUP where the system has it (not Windows)."""


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event that the first Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal closed) sets,
    so that the server stops cleanly, removing its folder; a second one acts as it normally
    would. Main thread only."""
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM, *_HANGUP)
    previous = {number: signal.getsignal(number) for number in signals}
    server = os.getpid()

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    def stopping(number: int, frame: FrameType | None) -> None:
        if os.getpid() != server:
            # A worker forked by a rebuild (``parallel.fork_map``), signalled before it took
            # back the defaults: it ends as by default, or its pool would wait for it for ever.
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
            return
        stop.set()
        restore()

    for number in signals:
        signal.signal(number, stopping)
    try:
        yield stop
    finally:
        restore()


def remove_in_background(folder: Path) -> None:
    """Removes ``folder`` without waiting for it: it is renamed at once (its path is free when
    this returns), and its files are deleted by a process of its own, which outlives this one.
    A served site of 2,000 papers is 15,000 files, seconds of deleting that Ctrl-C waited for.
    Deleted here, and waited for, where no such process can start."""
    trash = folder.with_name(folder.name + "-stopped")
    try:
        folder.rename(trash)
    except FileNotFoundError:
        return
    try:
        # A session of its own: closing the terminal (SIGHUP) does not stop the deleting.
        subprocess.run(
            ["sh", "-c", _REMOVE, "sh", str(trash)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            start_new_session=True,
        )
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(trash, ignore_errors=True)


def _origin(host: str, port: int) -> str:
    """The server's origin for URLs: a host that listens everywhere is reached on loopback."""
    if host in {"0.0.0.0", ""}:
        host = LOOPBACK
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def exposure_warning(host: str) -> str | None:
    """A warning when ``host`` lets other machines in; None for loopback."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        return None  # binding has failed already, with its own message
    if all(ipaddress.ip_address(str(address).split("%")[0]).is_loopback for address in addresses):
        return None
    return (
        f"warning: serving on {host}, which other machines can reach: anyone on the network can "
        f"read the site, drafts included. The default, {LOOPBACK}, serves this machine only"
    )


def bind_failure(host: str, port: int, error: OSError) -> str:
    """Why the server cannot listen on ``host`` and ``port``, naming the option to change: the
    host alone when it is not an address of this machine, or not an address at all."""
    reason = error.strerror or str(error)
    if isinstance(error, socket.gaierror):
        return (
            f"cannot serve on {host}: it is not an IP address, nor a name this machine can look "
            f"up ({reason}); choose another --host, e.g. {LOOPBACK}"
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return (
            f"cannot serve on {host}: it is not an address this machine has ({reason}); "
            f"choose another --host: {LOOPBACK} (this machine only) or 0.0.0.0 (every address)"
        )
    return (
        f"cannot serve on {host} port {port}: {reason}; "
        "choose another --port (--port 0 picks a free one) or --host"
    )


def port_number(value: str) -> int:
    """``--port``: a TCP port, 0 for any free one."""
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, got {value!r}")
    return int(value)
