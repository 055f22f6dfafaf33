"""Writing the output folder, atomically, and refusing folders that are not safe to replace.

The new site is made in a temporary folder beside the target (``OutputWriter``: unchanged files
hard-linked from the previous output, the others written) and swapped in only once it is
complete, so a failed build leaves the previous output exactly as it was. The folder that is
replaced must be one papersite made (it holds a marker file) or empty: papersite never deletes a
folder it did not write, nor the source, ``/`` or the home folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from papersite.cache import content_hash
from papersite.errors import OutputError


@dataclass(frozen=True)
class Page:
    """One output file: its path under the output folder and its content."""

    path: str
    content: bytes


MARKER = ".papersite-output"
"""A file in every output folder, so that a rebuild knows the folder is papersite's to replace."""


def check_output_folder(out: Path, source: Path) -> None:
    """Raise ``OutputError`` unless ``out`` may be replaced by a build of ``source``."""
    out, source = out.resolve(), source.resolve()
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
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; remove it or choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{out} is not empty and was not made by papersite (it has no {MARKER} file); "
            "papersite will not replace it: remove it yourself or choose another --out"
        )


def safe_relative(path: str) -> PurePosixPath:
    """A page path that cannot leave the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise OutputError(f"refusing to write {path!r}: it would leave the output folder")
    return pure


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` at ``out``; the old output is removed only after the new one is in place."""
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    shutil.rmtree(retired)


def _write_marker(folder: Path) -> None:
    (folder / MARKER).write_text(
        "This folder is written by papersite build; it is replaced on every build.\n",
        encoding="utf-8",
    )


# --- papersite build, incrementally: a new folder made mostly of links to the previous one ---


@dataclass(frozen=True)
class Written:
    """What the output folder holds at one path, as the build that wrote it recorded it."""

    inputs: str | None
    """The hash of what the page was made from (see ``incremental.py``); None if unknown."""
    content: str
    """The hash of its bytes."""
    stat: tuple[int, int, int]
    """(inode, size, mtime_ns) once written: a file changed since by hand is not reused."""


Manifest = dict[str, Written]
"""Every file of an output folder, by path."""


class OutputWriter:
    """Makes the next output folder beside ``out`` and swaps it in, keeping the atomic guarantee
    of the build: until ``commit``, ``out`` is exactly as the last build left it.

    A file the previous output already holds with the same bytes (or made from the same inputs)
    is hard-linked into the new folder instead of written, so an unchanged file keeps its inode
    and time and is not written again; stale files are simply not carried over.
    """

    def __init__(self, out: Path, previous: Manifest) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.previous = previous if self.out.is_dir() else {}
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.out.name}-new-", dir=self.out.parent))
        self.manifest: Manifest = {}
        self._folders: set[Path] = set()
        self.written: list[str] = []
        """Paths written (not carried over from the previous output), in order."""

    def reuse(self, path: str, inputs: str) -> bool:
        """Carry the previous output's file over if it was made from ``inputs``."""
        before = self.previous.get(path)
        return before is not None and before.inputs == inputs and self._link(path, before, inputs)

    def carry(self, path: str) -> bool:
        """Carry the previous output's file over as it is, if it has not changed since."""
        before = self.previous.get(path)
        return before is not None and self._link(path, before, before.inputs)

    def add(self, path: str, content: bytes, inputs: str | None = None) -> None:
        """Put ``content`` at ``path``: linked from the previous output when the bytes are the
        same, written otherwise."""
        digest = content_hash(content)
        before = self.previous.get(path)
        if before is not None and before.content == digest and self._link(path, before, inputs):
            return
        target = self.staging / safe_relative(path)
        self._make_folder(target.parent)
        target.write_bytes(content)
        self._record(path, Written(inputs, digest, _stat(target)))
        self.written.append(path)

    def adopt(self, path: str) -> None:
        """Record a file another tool wrote into ``staging`` (Pagefind's bundle)."""
        target = self.staging / safe_relative(path)
        before = self.previous.get(path)
        digest = content_hash(target.read_bytes())
        if before is not None and before.content == digest and self._replace_by_link(path, before):
            return
        self._record(path, Written(None, digest, _stat(target)))
        self.written.append(path)

    def merge(self, manifest: Manifest, written: list[str]) -> None:
        """Take in the records of a copy of this writer that wrote into the same staging folder
        (a forked worker: see ``parallel.py``)."""
        for path, record in manifest.items():
            self._record(path, record)
        self.written += written

    def commit(self) -> None:
        """Swap the new folder in; the old one is removed once the new one is in place."""
        _write_marker(self.staging)
        os.chmod(self.staging, 0o755)  # mkdtemp makes it private; a web server must read it
        _swap(self.staging, self.out)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _link(self, path: str, before: Written, inputs: str | None) -> bool:
        """Hard-link the previous output's file at ``path``; False if it is gone or changed."""
        source = self.out / path
        try:
            if _stat(source) != before.stat:
                return False
            target = self.staging / safe_relative(path)
            self._make_folder(target.parent)
            os.link(source, target)
        except OSError:  # gone, or a file system without hard links: write it instead
            return False
        self._record(path, Written(inputs, before.content, before.stat))
        return True

    def _replace_by_link(self, path: str, before: Written) -> bool:
        """Put the previous output's identical file in place of a freshly written one."""
        target = self.staging / safe_relative(path)
        fresh = target.with_name(target.name + ".fresh")
        target.rename(fresh)
        if self._link(path, before, None):
            fresh.unlink()
            return True
        fresh.rename(target)
        return False

    def _make_folder(self, folder: Path) -> None:
        # Each folder once: asking the file system again for each of 30,000 pages costs seconds.
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)

    def _record(self, path: str, written: Written) -> None:
        if path in self.manifest:
            raise OutputError(f"two pages would be written at {path!r}")
        self.manifest[path] = written


def _stat(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return status.st_ino, status.st_size, status.st_mtime_ns


def output_matches(out: Path, manifest: Manifest) -> bool:
    """Whether ``out`` holds exactly the files of ``manifest``, none changed since."""
    out = out.resolve()
    count = 0
    for _, _, files in os.walk(out):
        count += sum(1 for name in files if name != MARKER)
    if count != len(manifest):
        return False
    try:
        return all(_stat(out / path) == written.stat for path, written in manifest.items())
    except OSError:
        return False
