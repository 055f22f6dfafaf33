"""Writing the output folder, atomically, and refusing folders that are not safe to replace.

The new site is made in a temporary folder beside the target (``OutputWriter``: unchanged files
hard-linked from the previous output, the others written) and swapped in only once it is
complete, so a failed build leaves the previous output exactly as it was. The folder that is
replaced must be one papersite made (it holds a marker file) or empty: papersite never deletes a
folder it did not write, nor the source, ``/`` or the home folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import itertools
import json
import operator
import os
import shutil
import tempfile
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import NamedTuple, TypeVar

from papersite.errors import OutputError
from papersite.fingerprint import linked_in
from papersite.names import CACHE_ROOT, DIGESTS_DIR, TEMPLATES_DIR

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One output file: its path under the output folder and its content."""

    path: str
    content: bytes


class Copied(NamedTuple):
    """A span of another file, as a chunk of a ``ChunkedPage``: the kernel copies it into the
    file being written (``os.copy_file_range``), so that its bytes never pass through this
    process. ``hashes`` are the ``piece_hash`` of each piece it holds, in order, which the
    file's hash is made of (``write_chunks``), so that they need not be read to be hashed."""

    source: int
    """An open file's descriptor."""
    offset: int
    length: int
    hashes: bytes


Chunk = bytes | Copied


@dataclass(frozen=True)
class ChunkedPage:
    """An output file given as consecutive chunks, which may be made only as they are written
    (the archive's data files: see ``OutputWriter.add``). Its hash is made of its chunks'
    (``write_chunks``): the same bytes in other chunks would hash otherwise, so a path is
    always made in the same pieces."""

    path: str
    content: Iterable[Chunk]


def file_hash(chunks: Iterable[bytes]) -> str:
    """The hash of the bytes ``chunks`` make together (SHA-256, its first 128 bits), by which
    the writer knows an unchanged file. SHA-256 rather than BLAKE2b: most processors now have
    instructions for it, with which it hashes the 1.1 GB of a 10,000-paper site in 0.9 s of
    CPU where BLAKE2b took 2.1 s."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()[:32]


def piece_hash(piece: bytes) -> bytes:
    """What a ``ChunkedPage``'s hash is made of, for one chunk of bytes (``write_chunks``)."""
    return hashlib.sha256(piece).digest()[:16]


WRITE_BATCH = 1 << 20
"""How many bytes of small chunks are gathered before they are written, in one call."""


def write_chunks(chunks: Iterable[Chunk], file: int, copies: BackgroundCopies) -> str:
    """Write ``chunks`` into the open file ``file`` (from its start); their hash: that of the
    ``piece_hash`` of each, in order. A ``Copied`` span brings its pieces' hashes along, so
    copying a record from the last build's data file costs neither reading nor hashing it; it
    is left to ``copies``, which copies it while the build goes on."""
    digest = hashlib.sha256()
    position, batched = 0, 0
    batch: list[bytes] = []
    for chunk in chunks:
        if isinstance(chunk, Copied):
            position = _write_all(file, b"".join(batch), position)
            batch, batched = [], 0
            copies.copy(chunk, file, position)
            position += chunk.length
            digest.update(chunk.hashes)
            continue
        digest.update(piece_hash(chunk))
        batch.append(chunk)
        batched += len(chunk)
        if batched >= WRITE_BATCH:
            position = _write_all(file, b"".join(batch), position)
            batch, batched = [], 0
    _write_all(file, b"".join(batch), position)
    return digest.hexdigest()[:32]


class BackgroundCopies:
    """Spans of the last build's data files being copied into the new ones by a thread, while
    the build goes on: the kernel copies without holding the interpreter, and at 10,000 papers
    the two large data files are 127 MB to copy (0.1 s), during which a rebuild keys its pages.
    ``wait`` before a file's size or time is asked, and before the process forks."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []

    def copy(self, span: Copied, file: int, position: int) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papersite-copy")
        # Descriptors of its own: the chunks' maker closes its source after its last chunk, and
        # the writer its file once every chunk is made.
        source, target = os.dup(span.source), os.dup(file)
        self._pending.append(self._pool.submit(_copy_closing, span._replace(source=source),
                                               target, position))  # fmt: skip

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self) -> None:
        """Every copy done (its error raised, if one failed), and the thread ended."""
        pending, self._pending = self._pending, []
        pool, self._pool = self._pool, None
        try:
            for copying in pending:
                copying.result()
        finally:
            if pool is not None:
                pool.shutdown()


def _copy_closing(span: Copied, file: int, position: int) -> None:
    try:
        _copy_span(span, file, position)
    finally:
        os.close(span.source)
        os.close(file)


def _write_all(file: int, data: bytes, position: int) -> int:
    """Write ``data`` at ``position`` in ``file``; the position after it."""
    view = memoryview(data)
    while view:
        written = os.pwrite(file, view, position)
        view, position = view[written:], position + written
    return position


def _write_file(target: Path, content: bytes) -> Stat:
    """Write a new file at ``target``; its ``file_stat``. Through the descriptor, which a
    large site's 30,000 pages make worth it: ``Path.write_bytes`` asks the file system three
    more times for each (its buffered file's checks), and a stat after it once more."""
    file = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        _write_all(file, content, 0)
        return file_stat(file)
    finally:
        os.close(file)


def _copy_span(span: Copied, file: int, position: int) -> None:
    """Copy ``span`` into ``file`` at ``position``: by the kernel where it can, else through
    this process (another file system, or a system without ``copy_file_range``)."""
    offset, end = span.offset, span.offset + span.length
    while offset < end:
        copied = _copy_file_range(span.source, file, end - offset, offset, position)
        if copied <= 0:
            data = os.pread(span.source, min(end - offset, WRITE_BATCH), offset)
            if not data:
                raise OutputError(
                    "a data file of the last output got shorter while it was copied from; "
                    "build again"
                )
            copied = _write_all(file, data, position) - position
        offset, position = offset + copied, position + copied


def _copy_file_range(source: int, target: int, count: int, offset: int, position: int) -> int:
    """``os.copy_file_range``; 0 where it cannot copy (then the caller copies itself)."""
    copy = getattr(os, "copy_file_range", None)
    if copy is None:
        return 0
    try:
        copied: int = copy(source, target, count, offset, position)
    except OSError:  # across file systems on an older kernel, or not supported by this one
        return 0
    return copied


REFUSED_ADVICE = "free some space, or make the folder writable"
"""What to do about a write the disk refused: full (ENOSPC, EFBIG, a quota), or read-only."""


def refused_write(error: OSError) -> str:
    """``reason (path)`` of a write the disk refused; the path only where the system names one
    (a write to an open file has none)."""
    where = f" ({error.filename})" if error.filename else ""
    return f"{error.strerror or error}{where}"


def refused_advice(error: OSError) -> str:
    """What to do about ``error``, met while writing the output: ``REFUSED_ADVICE``, unless a
    file or folder of the output went missing meanwhile, which is neither a full disk nor a
    read-only folder."""
    if isinstance(error, FileNotFoundError | NotADirectoryError):
        return (
            "another program changed the output folder while the build ran (two papersite "
            "builds of one folder take turns): leave it alone while building"
        )
    return REFUSED_ADVICE


MARKER = ".papersite-output"
"""A file in every output folder, so that a rebuild knows the folder is papersite's to replace."""


def check_output_folder(out: Path, source: Path) -> None:
    """Raise ``OutputError`` unless ``out`` may be replaced by a build of ``source``."""
    try:
        _check_output_folder(out.resolve(), source.resolve())
    except OSError as error:  # a name too long, a folder that cannot be read
        raise OutputError(
            f"cannot use {out} as the output folder: {error.strerror}; choose another --out"
        ) from None


def _check_output_folder(out: Path, source: Path) -> None:
    home = Path.home().resolve()
    if out == Path(out.anchor):
        raise OutputError(f"refusing to write the site to the root folder {out}; choose --out")
    if out == home:
        raise OutputError(f"refusing to write the site to the home folder {out}; choose --out")
    if out == source or out in source.parents:
        raise OutputError(
            f"refusing to write the site to {out}: it holds the source folder {source}; "
            "choose an --out such as 'build'"
        )
    for inside in _read_by_builds(source):
        if out == inside or inside in out.parents:
            raise OutputError(
                f"refusing to write the site into {inside}, which builds read; "
                "choose an --out such as 'build'"
            )
        if out in inside.parents:  # a folder linked in from the output: replacing it deletes it
            raise OutputError(
                f"refusing to write the site to {out}: it holds {inside}, which builds read; "
                "move that folder out of it, or choose another --out"
            )
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; remove it or choose another --out")
    existing = next(folder for folder in out.parents if folder.exists())
    if not existing.is_dir():
        raise OutputError(
            f"{existing} is not a folder, so {out} cannot be made; choose another --out"
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{out} is not empty and was not made by papersite (it has no {MARKER} file); "
            "papersite will not replace it: remove it yourself or choose another --out"
        )


LOCKS_DIR = f"{CACHE_ROOT}/locks"
"""Where a site keeps the locks of the output folders it is built into (``output_lock``)."""


@contextlib.contextmanager
def output_lock(
    out: Path, source: Path, waiting: Callable[[Path], None] | None = None
) -> Iterator[None]:
    """Held while a build of ``source`` reads the record of ``out`` and writes it, so that two
    builds of one folder (two terminals; ``serve`` and ``build``) take turns rather than delete
    each other's files: the second calls ``waiting`` with ``out``, then waits for the first.

    An exclusive ``flock`` (Linux, macOS) on a file in the site's cache, named after the
    resolved ``out``: never published with the output nor seen by git, beside the record of
    ``out`` it guards, and let go by the system however the process ends. Beside the output
    (``.build.lock``) where the cache folder cannot be made. The file is deleted as the lock is
    let go, with the folders made for it if they are left empty, so that a build that fails
    leaves nothing behind. None taken for a site folder that does not exist: that build fails
    before it writes."""
    if not source.is_dir():
        yield
        return
    resolved = out.resolve()
    said = partial(waiting, out) if waiting is not None else None
    name = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]
    path, made = source / LOCKS_DIR / f"{name}.lock", [source / LOCKS_DIR, source / CACHE_ROOT]
    try:
        lock = _lock(path, said)
    except OSError:  # a read-only site folder, a cache that is a file (``unusable_caches``)
        path, made = resolved.parent / f".{resolved.name}.lock", []
        try:
            lock = _lock(path, said)
        except OSError as error:
            raise OutputError(
                f"cannot make the output folder {out}: {error.strerror}; choose another --out"
            ) from None
    try:
        yield
    finally:
        try:
            path.unlink(missing_ok=True)  # while still held: see ``_lock``
            for folder in made:
                with contextlib.suppress(OSError):  # not empty: kept
                    folder.rmdir()
        finally:
            os.close(lock)  # and with it the lock


def waiting_line(out: Path) -> str:
    """What a build says on standard error while it waits for the lock of ``out``."""
    return f"waiting for another build of {out} to finish"


def _lock(path: Path, waiting: Callable[[], None] | None) -> int:
    """An exclusive ``flock`` on the file at ``path`` (made, with its folder, if need be), once
    no other process holds it; ``waiting`` is called first if one does. The holder deletes the
    file before it lets go (``output_lock``): a file locked once deleted is no longer the lock,
    and the one at ``path`` now is locked instead."""
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC  # not left open in Pagefind
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            lock = os.open(path, flags, 0o644)
        except FileNotFoundError:  # its folder removed by the holder as it let go
            continue
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None:
                    waiting()
                    waiting = None  # said once
                fcntl.flock(lock, fcntl.LOCK_EX)
            if _same_file(lock, path):
                return lock
        except BaseException:
            os.close(lock)
            raise
        os.close(lock)


def _same_file(opened: int, path: Path) -> bool:
    """Whether the open file ``opened`` is the one at ``path``."""
    try:
        there = path.stat()
    except FileNotFoundError:
        return False
    here = os.fstat(opened)
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _read_by_builds(source: Path) -> list[Path]:
    """The folders of the resolved ``source`` that a build reads, themselves resolved (a site
    may link in a shared theme or folder of digests), with the folders linked in below them,
    which builds read through: an output there would be read back by the next build, as theme
    files (copied into every output) or as digests."""
    read = [(source / inside).resolve() for inside in (TEMPLATES_DIR, DIGESTS_DIR, CACHE_ROOT)]
    return read + [linked for folder in read[:2] for linked in linked_in(folder)]


def safe_relative(path: str) -> PurePosixPath:
    """A page path that cannot leave the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise OutputError(f"refusing to write {path!r}: it would leave the output folder")
    return pure


def _swap(staging: Path, out: Path) -> Path | None:
    """Put ``staging`` at ``out``, and return the old output, moved aside, for the caller to
    remove once it has noted that the new one is in place."""
    if not out.exists():
        staging.rename(out)
        return None
    # The process's id in the name, as the staging folder's: see ``recover_interrupted``.
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-{os.getpid()}-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    return retired


MARKER_TEXT = b"This folder is written by papersite build; it is replaced on every build.\n"


def _write_marker(folder: Path) -> None:
    """The marker in ``folder``, unless it holds it already (an update keeps the output's own,
    which a person may have emptied, as ``touch`` makes one)."""
    marker = folder / MARKER
    if not marker.is_file() or marker.read_bytes() != MARKER_TEXT:
        marker.write_bytes(MARKER_TEXT)


SWAP_FROM = 1000
"""A rebuild that writes at least this many files, and more than it keeps, swaps in a whole new
output instead of updating the old one in place (see ``OutputWriter``): at 10,000 papers, a
template changed, 39–46 s of update against 22–28 s of swap on this project's machine, nearly
all of either deleting the old files. Below it, both take little, and the update leaves the
output folder itself in place."""


# --- papersite build, incrementally: only the files whose bytes changed are written ---


Stat = tuple[int, int, int, int]
"""A file's inode, size, mtime_ns and ctime_ns (``file_stat``)."""

UNKNOWN_STAT: Stat = (-1, -1, -1, -1)
"""The ``Written.stat`` of a file still being written: never a file's."""


class Written(NamedTuple):
    """What the output folder holds at one path, as the build that wrote it recorded it."""

    inputs: str | None
    """The hash of what the page was made from (see ``incremental.py``); None if unknown."""
    content: str
    """The hash of its bytes."""
    stat: Stat
    """``file_stat`` once in place: a file changed since by hand is not reused."""
    # A NamedTuple, not a dataclass: the last build's 30,000 of these are unpickled by every
    # build, and tuples unpickle several times faster.


_NOTHING = Written(None, "", UNKNOWN_STAT)
"""What ``unkept`` finds at a path the previous output does not have."""


Manifest = dict[str, Written]
"""Every file of an output folder, by path."""


Columns = tuple[str, "array[int]"]
PackedManifest = tuple[str, str, str, "array[int]"]


def pack_manifest(manifest: Manifest, columns: Columns | None = None) -> PackedManifest:
    """``manifest`` as three strings and an array: at 10,000 papers its 33,000 records pickle
    and unpickle in 0.02 s this way, 0.17 s as they are, and need not be made at all by a build
    that only checks the output (``unpack_manifest`` makes them). ``columns``: its
    ``manifest_columns``, if they were made already."""
    paths, stats = columns or manifest_columns(manifest)
    inputs = "\0".join(written.inputs or "" for written in manifest.values())
    contents = "\0".join(written.content for written in manifest.values())
    return paths, inputs, contents, stats


def manifest_columns(manifest: Manifest) -> Columns:
    """The manifest's paths joined by NUL (which no path holds), and each file's
    ``Written.stat`` in their order, as one array: what its record (``pack_manifest``) and
    its stamps (``OutputStamps``) are made of."""
    stats = array("q", [number for written in manifest.values() for number in written.stat])
    return "\0".join(manifest), stats


def unpack_manifest(packed: PackedManifest) -> Manifest:
    paths, inputs, contents, stats = packed
    if not paths:
        return {}
    numbers = iter(stats)
    columns = paths.split("\0"), inputs.split("\0"), contents.split("\0")
    return {
        path: Written(key or None, content, stat)
        for path, key, content, stat in zip(
            *columns, zip(*[numbers] * len(UNKNOWN_STAT), strict=True), strict=True
        )
    }


class WriterShare(NamedTuple):
    """What a forked worker's copy of an ``OutputWriter`` did (``OutputWriter.share``)."""

    manifest: Manifest
    written: list[str]
    kept: set[str]


JOURNAL = "journal.json"
"""In the undo folder of a build that is updating its output: what it is replacing and removing."""


Survey = tuple[set[str], list[str]]
"""The previous output's files that are gone or changed since it was written, and its folders
whose time changed (a file added or removed by hand)."""


def survey_output(out: Path, previous: Manifest, previous_folders: dict[str, int]) -> Survey:
    """How the output ``out`` is now, against the record of the build that wrote it: its files
    that are gone or changed since, and its folders whose time changed, asked on two cores. A
    file that changes after this is still caught by the build after the next, whose record of
    it no longer matches."""
    folders: list[Check] = [(name, (time,)) for name, time in previous_folders.items()]
    files: list[Check] = [(path, written.stat) for path, written in previous.items()]
    changed = set(_on_two_cores(partial(_changed_paths, str(out)), files + folders))
    return changed & previous.keys(), [name for name, _ in folders if name in changed]


class OutputWriter:
    """Makes the next output of ``out``, keeping the atomic guarantee of the build: until
    ``commit``, ``out`` is exactly as the last build left it.

    Files are written into a staging folder beside ``out``. A file the previous output holds
    with the same bytes (or made from the same inputs) is kept as it is, so that an unchanged
    file keeps its inode and time. How the new output replaces the old one depends on what
    there was before:

    - **No previous output** (or none this build knows): the staging folder is the whole new
      output, and it is swapped in.
    - **A previous output** with its record: the staging folder holds only the changed files.
      ``commit`` moves them into ``out`` and removes the stale ones, after linking every file it
      replaces or removes into an undo folder with a journal. If that fails, the undo folder puts
      the old files back; if the process is killed, the next build's writer does. So a build
      that changes 5 files of 30,000 touches 5 files, where a swap would link 30,000 files into
      a new folder and delete the old one (seconds, on a slow file system).
    - **A previous output, most of it changed** (``SWAP_FROM``): the kept files are linked into
      the staging folder, which is swapped in, as below.

    A tool that reads the whole new site (Pagefind) reads each file through ``read``, from where
    it is.
    """

    def __init__(
        self,
        out: Path,
        previous: Manifest,
        previous_folders: dict[str, int] | None = None,
        surveyed: Survey | None = None,
        *,
        leave_undo: bool = False,
    ) -> None:
        self.out = out.resolve()
        self._leave_undo = leave_undo
        """Leave the undo folder of a finished update for ``delete_finished_updates``: a process
        that builds again deletes it while idle (it holds the replaced data files, 130 MB at
        10,000 papers, whose deletion is a twentieth of a second), else the next build does."""
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            recover_interrupted(self.out)
            # The process's id in the name, so that a later build can tell a killed build's one.
            staging = tempfile.mkdtemp(
                prefix=f".{self.out.name}-new-{os.getpid()}-", dir=self.out.parent
            )
        except OSError as error:  # a folder that cannot be written in, /proc, a full disk
            raise OutputError(
                f"cannot make the output folder {self.out}: {error.strerror}; choose another --out"
            ) from None
        self.staging = Path(staging)
        self.previous = previous if (self.out / MARKER).is_file() else {}
        self.previous_folders = previous_folders or {}
        """``folder_times`` of the previous output: where to look for files added by hand."""
        self.patching = bool(self.previous)
        """True while the staging folder holds only the changed files (see the class)."""
        self.manifest: Manifest = {}
        self._kept: set[str] = set()
        self._folders: set[Path] = set()
        self.written: list[str] = []
        """Paths written (not carried over from the previous output), in order."""
        self._moved, self._changed_folders = (
            surveyed if surveyed is not None and self.previous else self._survey()
        )
        self.in_place = False
        """Whether ``commit`` has put the new output in place: what fails after, fails with
        the new output in ``out``, not the previous one."""
        self._touched: set[str] | None = None
        """After an update (``commit``): the folders it changed, with every folder above them."""
        self._copies = BackgroundCopies()
        self._copied: list[tuple[str, Path]] = []
        self._doubted: set[str] = set()
        """Kept files found changed since the survey when linked into a swapped-in output."""
        """Files written whose size and time are asked once their copies are done (``settle``)."""

    def _survey(self) -> Survey:
        """``survey_output`` of the previous output, unless the writer was given one made
        ahead (``surveyed``): asked once, before any worker is forked."""
        if not self.previous:
            return set(), []
        return survey_output(self.out, self.previous, self.previous_folders)

    def reuse(self, path: str, inputs: str) -> bool:
        """Keep the previous output's file if it was made from ``inputs``."""
        before = self.previous.get(path)
        return before is not None and before.inputs == inputs and self._keep(path, before, inputs)

    def unkept(self, pages: dict[str, str]) -> list[str]:
        """The paths of ``pages`` (path: inputs key) whose previous output's file ``reuse``
        would not keep: made from other inputs, or changed since. All of them but while the
        output is updated in place, where keeping a file cannot fail. (Asked of 33,000 pages
        after an edit at 10,000: so in C, through ``map``.)"""
        if not self.patching:
            return list(pages)
        recorded = map(self.previous.get, pages, itertools.repeat(_NOTHING))
        differ = map(operator.ne, map(operator.itemgetter(0), recorded), pages.values())
        return [
            *itertools.compress(pages, differ),
            *(path for path in self._moved if path in pages),
        ]

    def keep_all(self, paths: Collection[str]) -> None:
        """Keep the previous output's files at ``paths``, none of which ``unkept`` gave."""
        if not self.manifest.keys().isdisjoint(paths):
            raise _two_pages(next(path for path in paths if path in self.manifest))
        self.manifest.update(zip(paths, map(self.previous.__getitem__, paths), strict=True))
        self._kept.update(paths)

    def reuse_like(self, path: str, key_like: Callable[[T, str | None], str], job: T) -> bool:
        """Keep the previous output's file if it was made from the inputs ``key_like(job,
        recorded)`` gives, asked with the inputs key it was ``recorded`` with."""
        before = self.previous.get(path)
        if before is None:
            return False
        inputs = key_like(job, before.inputs)
        return before.inputs == inputs and self._keep(path, before, inputs)

    def carry(self, path: str) -> bool:
        """Keep the previous output's file as it is, if it has not changed since."""
        before = self.previous.get(path)
        return before is not None and self._keep(path, before, before.inputs)

    def drop(self, path: str) -> None:
        """Forget a file kept or added: the new output will not have it from this writer."""
        self.manifest.pop(path, None)
        self._kept.discard(path)

    def add(self, path: str, content: bytes | Iterable[Chunk], inputs: str | None = None) -> None:
        """Put ``content`` at ``path``: kept from the previous output when the bytes are the
        same, written otherwise. ``content`` may be chunks of bytes, made as they are written
        (the archive's data files: 80 MB each at 10,000 papers), so that the whole file is
        never in memory."""
        relative = safe_relative(path)  # checked even for a file kept as it is
        if isinstance(content, bytes):
            digest = file_hash([content])
            if self._unchanged(path, digest, inputs):
                return
            stat = _write_file(self._staged(relative), content)
            self._record(path, Written(inputs, digest, stat))
            self.written.append(path)
            return
        # Into a file of its own first: when the bytes turn out unchanged, the previous output's
        # file is linked at ``target`` instead.
        target = self._staged(relative)
        partial = target.with_name(target.name + ".part")
        file = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            digest = write_chunks(content, file, self._copies)
        finally:
            os.close(file)
        if self._unchanged(path, digest, inputs):
            self._copies.wait()
            partial.unlink()
            return
        partial.rename(target)
        if self._copies.busy:  # its size and time are asked once the copies are done (``settle``)
            self._copied.append((path, target))
            stat = UNKNOWN_STAT
        else:
            stat = file_stat(target)
        self._record(path, Written(inputs, digest, stat))
        self.written.append(path)

    def settle(self) -> None:
        """Wait for the spans of data files still being copied (``BackgroundCopies``), and record
        those files' size and time."""
        self._copies.wait()
        for path, target in self._copied:
            self.manifest[path] = self.manifest[path]._replace(stat=file_stat(target))
        self._copied.clear()

    def _staged(self, relative: PurePosixPath) -> Path:
        """Where ``relative`` is written in the staging folder, whose folders are made only for
        files written: in a rebuild, most pages rendered again are unchanged."""
        target = self.staging / relative
        self._make_folder(target.parent)
        return target

    def _unchanged(self, path: str, digest: str, inputs: str | None) -> bool:
        """Keep the previous output's file at ``path`` if it has the bytes hashed ``digest``."""
        before = self.previous.get(path)
        return before is not None and before.content == digest and self._keep(path, before, inputs)

    def whole_staging(self) -> Path:
        """The staging folder, made a whole copy of the new output so far (kept files linked
        in); the commit then swaps it in."""
        self.settle()
        if self.patching:
            self.patching = False
            for path in sorted(self._kept):
                target = self.staging / safe_relative(path)
                self._make_folder(target.parent)
                if file_stat(self.out / path) != self.manifest[path].stat:
                    # Changed by hand since the survey (``papersite serve`` surveys ahead), its
                    # time put back: linking moves its change time, which recorded after the
                    # swap would vouch for the edit. Recorded as no file is, the next build
                    # makes it again.
                    self._doubted.add(path)
                if _link_or_copy(self.out / path, target):  # a copy has its own inode and time
                    self.manifest[path] = self.manifest[path]._replace(stat=file_stat(target))
        return self.staging

    def read(self, path: str) -> bytes:
        """The bytes of the new output's file at ``path``, written or kept."""
        self.settle()
        kept_in_place = self.patching and path in self._kept
        return ((self.out if kept_in_place else self.staging) / safe_relative(path)).read_bytes()

    def begin_share(self) -> None:
        """In a forked worker, which has a copy of this writer: record afresh, so that
        ``share`` gives only what the worker did, for the parent's ``merge``."""
        self.manifest, self.written, self._kept = {}, [], set()

    def share(self) -> WriterShare:
        self.settle()
        return WriterShare(self.manifest, self.written, self._kept)

    def merge(self, share: WriterShare) -> None:
        """Take in what a copy of this writer did in the same staging folder (a forked worker:
        see ``parallel.py``): its records, the files it wrote and those it kept, which
        ``whole_staging`` has to link in."""
        for path, record in share.manifest.items():
            self._record(path, record)
        self.written += share.written
        self._kept |= share.kept

    def commit(self) -> None:
        """Put the new output in place (see the class for how)."""
        self.settle()
        if self.patching and len(self.written) > max(len(self._kept), SWAP_FROM - 1):
            # Most files changed (a template did): linking the few kept ones into the staging
            # folder and swapping it in touches a file once, where the update would link it
            # into the undo folder, unlink it and rename its new version into place.
            self.whole_staging()
        removed: list[str] = []
        strays: list[str] = []
        if self.patching:
            removed = [path for path in self.previous if path not in self.manifest]
            known = self.previous.keys() | self.manifest.keys()
            unknown, strays = _unknown_files(
                self.out, known, self.previous_folders, self._changed_folders
            )
            removed = [str(safe_relative(path)) for path in removed + unknown]
            if _through_symlink(self.out, [*self.written, *removed]):
                # A folder of the output made a link by hand: an update would write and delete
                # through it, outside the output; a whole new folder swapped in never does.
                self.whole_staging()
        if not self.patching:
            _write_marker(self.staging)
            os.chmod(self.staging, 0o755)  # mkdtemp makes it private; a web server must read it
            retired = _swap(self.staging, self.out)
            self.in_place = True
            if retired is not None:
                shutil.rmtree(retired)
            # Linked into the staging folder, then unlinked with the old output: a change time
            # (``file_stat``) later than recorded.
            self._stat_again(self._kept)
            return
        update = _Update(self.out, self.staging, self.written, removed, self._leave_undo, strays)
        update.apply()
        self.in_place = True
        update.finish()
        self._stat_again(self.written)  # renamed into place: a later change time
        _write_marker(self.out)
        shutil.rmtree(self.staging)
        self._touched = {""} | set(self._changed_folders)
        for path in [*self.written, *removed]:
            while path:
                path = path.rpartition("/")[0]
                self._touched.add(path)

    def _stat_again(self, paths: Iterable[str]) -> None:
        """Record the ``file_stat`` of ``paths`` as they are now in the output; ``UNKNOWN_STAT``
        for those found changed by hand before they were linked (``whole_staging``)."""
        for path in paths:
            if path in self.manifest:  # not one dropped since (``drop``)
                stat = UNKNOWN_STAT if path in self._doubted else file_stat(self.out / path)
                self.manifest[path] = self.manifest[path]._replace(stat=stat)

    def folder_times(self) -> dict[str, int]:
        """``folder_times`` of the output once committed. After an update, only the folders it
        touched or found changed are asked again: the others have the times the last build
        recorded, which the survey checked (at 10,000 papers, 33,000 folders)."""
        if self._touched is None:
            return folder_times(self.out, self.manifest)
        root = str(self.out)
        if self.previous_folders and self.manifest.keys() == self.previous.keys():
            # The same files: the same folders, sorted as they were.
            times = dict(self.previous_folders)
            for folder in self._touched & times.keys():
                times[folder] = os.stat(f"{root}/{folder}").st_mtime_ns
            return times
        times = {}
        for folder in _folders_holding(self.manifest):
            time = self.previous_folders.get(folder)
            if time is None or folder in self._touched:
                time = os.stat(f"{root}/{folder}").st_mtime_ns
            times[folder] = time
        return times

    def forget_previous(self) -> None:
        """Let go of the previous output's record, once committed and ``folder_times`` asked."""
        self.previous, self.previous_folders = {}, {}
        self._moved, self._changed_folders = set(), []

    def abort(self) -> None:
        with contextlib.suppress(OSError, OutputError):  # the build failed already
            self.settle()
        shutil.rmtree(self.staging, ignore_errors=True)

    def _keep(self, path: str, before: Written, inputs: str | None) -> bool:
        """Keep the previous output's file at ``path``; False if it is gone or changed."""
        if path in self._moved:  # see ``_survey``
            return False
        if not self.patching:
            target = self.staging / safe_relative(path)
            self._make_folder(target.parent)
            try:
                os.link(f"{self.out}/{path}", target)
            except OSError:  # gone, or a file system without hard links: write it instead
                return False
        self._record(path, before if inputs == before.inputs else before._replace(inputs=inputs))
        self._kept.add(path)
        return True

    def _make_folder(self, folder: Path) -> None:
        # Each folder once: asking the file system again for each of 30,000 pages costs seconds.
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)

    def _record(self, path: str, written: Written) -> None:
        if path in self.manifest:
            raise _two_pages(path)
        self.manifest[path] = written


def _two_pages(path: str) -> OutputError:
    return OutputError(f"two pages would be written at {path!r}")


@dataclass
class _Update:
    """Moving a build's changed files into ``out`` and removing its stale ones, undoably: every
    file replaced or removed is first linked into an undo folder beside ``out``, with a journal,
    which ``rollback`` (or, after a kill, the next build's ``recover_interrupted``) puts back."""

    out: Path
    staging: Path
    replaced: list[str]
    removed: list[str]
    leave_finished: bool = False
    """Leave the undo folder, once finished (without its journal), to be deleted later."""
    strays: list[str] = field(default_factory=list)
    """Folders put in the output by hand, removed if the removal of ``removed`` leaves them empty
    (a fresh build has no empty folder)."""
    undo: Path | None = None

    def apply(self) -> None:
        self.undo = Path(tempfile.mkdtemp(prefix=f".{self.out.name}-undo-", dir=self.out.parent))
        # The journal names the files to put back only once all of them are saved, and the
        # output is changed only after: stopped while saving, the update has changed nothing
        # and its journal names nothing (it used to name every file, and a rollback deleted
        # those not yet saved as if the build had made them).
        _write_journal(self.undo, [], [])
        try:
            for path in [*self.replaced, *self.removed]:
                _link_into(self.out / path, self.undo / path)
        except BaseException:
            _rollback(self.out, self.undo)
            raise
        _write_journal(self.undo, self.replaced, self.removed)
        try:
            # The stale files go first, and the folders they leave empty: a page's path can
            # become a folder's (an alias ``old.html`` that becomes ``old.html/new/``), or the
            # other way round, and the new file needs the place.
            for path in self.removed:
                (self.out / path).unlink(missing_ok=True)
            _prune_folders(self.out, self.removed, self.strays)
            for path in self.replaced:
                (self.out / path).parent.mkdir(parents=True, exist_ok=True)
                # Unlinked, then renamed: ext4 writes a file renamed over another to disk at
                # once (its ``auto_da_alloc``), 30 ms for an 80 MB data file. The old one is
                # safe in the undo folder.
                (self.out / path).unlink(missing_ok=True)
                os.rename(self.staging / path, self.out / path)
        except BaseException:
            _rollback(self.out, self.undo)
            raise

    def finish(self) -> None:
        """Let go of the undo folder, once ``apply`` has put the new files in place."""
        if self.undo is None:  # not applied
            return
        # The journal goes first: an undo folder without one is only left to delete.
        (self.undo / JOURNAL).unlink()
        if not self.leave_finished:
            shutil.rmtree(self.undo)


def _write_journal(undo: Path, replaced: list[str], removed: list[str]) -> None:
    """The update's journal in ``undo``, replaced whole (a kill never leaves half of one)."""
    journal = {"pid": os.getpid(), "replaced": replaced, "removed": removed}
    written = undo / f"{JOURNAL}.new"
    written.write_text(json.dumps(journal), encoding="utf-8")
    os.replace(written, undo / JOURNAL)


def _through_symlink(out: Path, paths: Iterable[str]) -> bool:
    """Whether a folder of ``out`` on the way to any of ``paths`` is a symbolic link."""
    seen: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder and folder not in seen:
            seen.add(folder)
            if (out / folder).is_symlink():
                return True
            folder = folder.rpartition("/")[0]
    return False


def _link_into(source: Path, target: Path) -> None:
    """Link ``source`` (if it exists) at ``target``, so that it survives being replaced."""
    if not source.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    _link_or_copy(source, target)


def _link_or_copy(source: Path, target: Path) -> bool:
    """Hard-link ``source`` at ``target``, or copy it on a file system without hard links;
    True if it was copied."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
        return True
    return False


def _prune_folders(out: Path, paths: Iterable[str], more: Iterable[str] = ()) -> None:
    """Remove the folders of ``paths`` that their removal left empty, and those of ``more``
    that are empty, as a fresh build has none. Each folder is asked once, the deepest first,
    after every removal: asked after each, a folder that held thousands of the removed files
    (Pagefind's fragments) is read again and again, minutes at 10,000 papers."""
    folders = {PurePosixPath(path).parent for path in paths} | {PurePosixPath(f) for f in more}
    for folder in sorted(folders, key=lambda folder: len(folder.parts), reverse=True):
        while folder.parts:  # up to, not including, the output folder
            target = out / folder
            if not target.is_dir() or any(target.iterdir()):
                break
            target.rmdir()
            folder = folder.parent


def _rollback(out: Path, undo: Path) -> None:
    """Put back what the update journaled in ``undo`` replaced or removed, then delete ``undo``.

    Safe to run again when stopped (a kill, or an error) at any point: the saved files stay in
    ``undo``, linked back rather than moved, until the journal is deleted. (Moved back, a second
    run found them gone and took them for files the update had made, and deleted them.) The
    update's new files go first, and the folders they leave empty, as the old files may need
    their place (see ``_Update.apply``)."""
    journal = json.loads((undo / JOURNAL).read_text(encoding="utf-8"))
    paths = [safe_relative(path) for path in [*journal["replaced"], *journal["removed"]]]
    new_files = [
        str(relative)
        for relative in paths[: len(journal["replaced"])]
        if not (undo / relative).is_file()
    ]
    for path in new_files:
        _unlink_if_there(out / path)
    _prune_folders(out, new_files)
    for relative in paths:
        saved, target = undo / relative, out / relative
        if saved.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            _link_or_copy(saved, target)
    (undo / JOURNAL).unlink()
    shutil.rmtree(undo)


def _unlink_if_there(path: Path) -> None:
    """Delete the file at ``path``, if there is one: a path through a file, or at a folder,
    holds none."""
    with contextlib.suppress(NotADirectoryError, IsADirectoryError):
        path.unlink(missing_ok=True)


def _undo_folders(out: Path) -> list[Path]:
    return list(out.parent.glob(f".{glob.escape(out.name)}-undo-*"))


def delete_finished_updates(out: Path) -> None:
    """Delete the undo folders of the updates of ``out`` that finished (without a journal)."""
    for folder in _undo_folders(out):
        if not (folder / JOURNAL).exists():
            shutil.rmtree(folder, ignore_errors=True)


def recover_interrupted(out: Path) -> None:
    """Undo the update of ``out`` that a killed build left half done, and delete the staging
    folder a killed build left beside it; a build still running (its process alive) is left
    alone."""
    delete_finished_updates(out)
    for folder in _undo_folders(out):
        journal = folder / JOURNAL
        try:
            pid = json.loads(journal.read_text(encoding="utf-8"))["pid"]
        except FileNotFoundError:  # finished since, or deleted
            continue
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not ours to judge
        if not _running(pid):
            _rollback(out, folder)
    for folder in _left_by_stopped_builds(out, "new"):
        shutil.rmtree(folder, ignore_errors=True)
    # A swap killed before it deleted the old output, or between its two renames (no output at
    # all: the old one is put back).
    for folder in _left_by_stopped_builds(out, "old"):
        if out.exists():
            shutil.rmtree(folder, ignore_errors=True)
        else:
            folder.rename(out)


def _left_by_stopped_builds(out: Path, kind: str) -> list[Path]:
    """The ``new`` (staging) or ``old`` (swapped out) folders beside ``out`` of builds whose
    process has ended: their names carry its id."""
    prefix = f".{out.name}-{kind}-"
    left = []
    for folder in out.parent.glob(f"{glob.escape(prefix)}*-*"):
        pid = folder.name.removeprefix(prefix).partition("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            left.append(folder)
    return left


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, but another user's
        return True
    return True


def file_stat(path: Path | str | int) -> Stat:
    """What the writer records of a file (a path, or an open file's descriptor) once in place:
    ``Written.stat``."""
    return _stat_of(os.stat(path))


def _stat_of(status: os.stat_result) -> Stat:
    # The change time as git's ``trustctime`` has it (``fingerprint.Stamps``): an edit by hand
    # that puts the size and modification time back (``touch -r``, ``cp -p``) still moves it.
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def folder_times(out: Path, manifest: Manifest) -> dict[str, int]:
    """The modification time of every folder of ``out`` that holds a file of ``manifest``:
    adding or removing a file changes its folder's time, so these catch files added by hand."""
    root = str(out.resolve())
    return {
        folder: os.stat(f"{root}/{folder}").st_mtime_ns for folder in _folders_holding(manifest)
    }


def _folders_holding(manifest: Manifest) -> list[str]:
    """The folders that hold a file of ``manifest`` (``""`` for the output's own), sorted."""
    return sorted({path.rpartition("/")[0] for path in manifest} | {""})


@dataclass(frozen=True)
class OutputStamps:
    """What every file and folder of an output was like once written, packed: each file's
    ``file_stat`` and each folder's ``folder_times``.

    A build with nothing to do checks these and nothing else; packed as two strings and two
    arrays, they unpickle in milliseconds, without the manifest's keys and hashes and the
    30,000 records they make (``build.LastBuild`` keeps the manifest apart, for a build with
    work to do).
    """

    files: str
    """The manifest's paths, joined by NUL (which no path holds)."""
    file_stats: bytes
    """``array("q")``: the ``file_stat`` of each file, in the order of ``files``."""
    folders: str
    folder_times: bytes
    """``array("q")``: the mtime_ns of each folder, in the order of ``folders``."""

    @classmethod
    def of(
        cls, manifest: Manifest, folders: dict[str, int], columns: Columns | None = None
    ) -> OutputStamps:
        paths, stats = columns or manifest_columns(manifest)
        times = array("q", folders.values())
        return cls(paths, stats.tobytes(), "\0".join(folders), times.tobytes())

    def folder_record(self) -> dict[str, int]:
        """The ``folder_times`` these were made from."""
        times = array("q")
        times.frombytes(self.folder_times)
        return dict(zip(_split(self.folders), times, strict=True))

    def match(self, out: Path) -> bool:
        """Whether ``out`` holds these files and no other, none changed since.

        Checked by time, not by listing: every file by ``file_stat`` and every folder by
        its time, since adding a file changes its folder's time. Walking 30,000 folders would
        cost more than a build with nothing to do.
        """
        stats = array("q")
        stats.frombytes(self.file_stats)
        numbers = iter(stats)
        checks: list[Check] = [(name, (time,)) for name, time in self.folder_record().items()]
        stat_of_each = zip(*[numbers] * len(UNKNOWN_STAT), strict=True)
        checks += zip(_split(self.files), stat_of_each, strict=True)
        check = partial(_changed_paths, str(out.resolve()), first_only=True)
        return not _on_two_cores(check, checks)


Check = tuple[str, tuple[int, ...]]
"""A path under an output folder and what it was like: a folder's (mtime_ns,), a file's
``Written.stat``."""


def _changed_paths(root: str, checks: list[Check], first_only: bool = False) -> list[str]:
    """The paths of ``checks`` under ``root`` that are gone or not as they were; with
    ``first_only``, no more than the first."""
    changed = []
    for path, was in checks:
        try:
            status = os.stat(f"{root}/{path}")  # a string: this runs for every file of the site
        except OSError:
            changed.append(path)
        else:
            if len(was) == 1:
                if status.st_mtime_ns != was[0]:
                    changed.append(path)
            elif _stat_of(status) != was:
                changed.append(path)
        if first_only and changed:
            break
    return changed


FORK_CHECKS = 10_000
"""From this many paths, ``_on_two_cores`` checks half of them in a forked process."""


def _on_two_cores(check: Callable[[list[T]], list[str]], items: list[T]) -> list[str]:
    """``check(items)``, with every other item checked in a forked child when there are many.

    The stat calls are the whole cost of a build with nothing to do (60,000 at 10,000 papers,
    a quarter of a second); a bare ``os.fork`` costs a few milliseconds, where a process pool
    would cost more than it saves. The child sends what it found through a pipe.
    """
    if len(items) < FORK_CHECKS or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return check(items)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's result comes through the pipe
        try:
            os.close(reading)
            with os.fdopen(writing, "wb") as pipe:
                pipe.write("\0".join(check(items[1::2])).encode("utf-8", "surrogateescape"))
            os._exit(0)
        finally:
            os._exit(1)
    os.close(writing)
    mine = check(items[0::2])
    with os.fdopen(reading, "rb") as pipe:
        theirs = pipe.read().decode("utf-8", "surrogateescape")
    _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:  # the child failed: its half is checked here
        return mine + check(items[1::2])
    return mine + _split(theirs)


def _split(joined: str) -> list[str]:
    return joined.split("\0") if joined else []


def _unknown_files(
    out: Path, known: Collection[str], folders: dict[str, int], changed: list[str]
) -> tuple[list[str], list[str]]:
    """The files in ``out`` that are not ``known`` (put there by hand), the marker aside, and
    the folders that the last build did not make (``folders``), which may be left empty.

    Only the ``changed`` folders, those whose time differs from ``folders`` (the last build's
    ``folder_times``), are listed, since adding a file or a folder changes its folder's time,
    and a folder the last build did not make is listed whole; without ``folders``, every folder
    is.
    """
    root = str(out)
    strays: list[str] = []
    if not folders:
        files = _every_file(root, "", strays)
        return [path for path in files if path not in known and path != MARKER], strays
    unknown: list[str] = []
    for folder in changed:
        prefix = f"{folder}/" if folder else ""
        try:
            entries = list(os.scandir(f"{root}/{folder}"))
        except OSError:  # gone: its files are the stale ones
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                # A folder the last build did not record may still hold its files, deeper
                # down (``data/schema/`` holds only ``v1/``): only the files it does not know.
                if prefix + entry.name not in folders:
                    below = _every_file(root, prefix + entry.name, strays)
                    unknown += [path for path in below if path not in known]
            elif prefix + entry.name not in known:
                unknown.append(prefix + entry.name)
    return [path for path in unknown if path != MARKER], strays


def _every_file(root: str, folder: str, folders: list[str]) -> list[str]:
    """Every file under ``root/folder``, relative to ``root``; each folder under it (itself
    included, but not ``root``) is added to ``folders``."""
    found = []
    for parent, _, files in os.walk(f"{root}/{folder}"):
        relative = os.path.relpath(parent, root).replace(os.sep, "/")
        if relative != ".":
            folders.append(relative)
        found += [name if relative == "." else f"{relative}/{name}" for name in files]
    return found
