"""Fingerprints of a build's inputs: what every page shares, and everything at once.

Kept apart from the stages, and light to import, because a build with nothing to do stops here:
it hashes the inputs (reading only the digest files whose size or time changed since the last
build), finds the same fingerprint as the last build into the same folder, and leaves the output
as it is.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from papersite.cache import content_hash
from papersite.errors import Problem
from papersite.names import (
    CONFIG_FILE,
    DIGEST_SUFFIXES,
    DIGESTS_DIR,
    GLOSSARY_FILE,
    LOCKFILE,
    OTHER_MARKDOWN_SUFFIXES,
)


def file_hash(root: Path, relative: str) -> str:
    """The hash ``read_hashed_source`` gives the file (its path and bytes); "" if unreadable."""
    try:
        return bytes_hash(relative, read_file(root / relative))
    except OSError:
        return ""


class NotAFileError(OSError):
    """A content path that names a named pipe, a socket or a device: never read."""


def read_file(path: Path) -> bytes:
    """The bytes of the regular file at ``path`` (or a link to one). A named pipe, a socket or a
    device is ``NotAFileError``, not read: reading one waits for a writer, or never ends."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a folder" if stat.S_ISDIR(mode)
            else "not a file"
        )  # fmt: skip
        raise NotAFileError(errno.EINVAL, f"it is {kind}, not a regular file")
    return path.read_bytes()


def bytes_hash(relative: str, data: bytes) -> str:
    """The ``file_hash`` of the file at ``relative`` when it holds ``data``."""
    return content_hash(relative, data)


def digest_files(root: Path) -> list[str]:
    """Relative paths of the digest files under ``digests/``, in a stable order.

    Files and folders whose names start with ``_`` or ``.``, and ``README.md`` files, are
    not digests: they leave room for notes and drafts beside the digests. Markdown files named
    otherwise than ``.md`` are listed, as digests misnamed (``load.misnamed_digest``), and so
    are links to nothing (``digests/`` itself too), which ``load`` reports: a folder of digests
    linked in and moved away would leave its digests out without a word.
    """
    if links_nowhere(root / DIGESTS_DIR):
        return [DIGESTS_DIR]
    found: list[str] = []
    # os.walk and strings rather than Path.rglob: a build with nothing to do lists a thousand
    # files, and Path objects would be a tenth of its time.
    for folder, files in linked_walk(root / DIGESTS_DIR, _not_a_draft):
        relative = Path(folder).relative_to(root).as_posix()
        found += [
            f"{relative}/{name}"
            for name in files
            # "NeurIPS.YAML" too; and "x.markdown", for load_site to say to rename it
            if (
                name.lower().endswith((*DIGEST_SUFFIXES, *OTHER_MARKDOWN_SUFFIXES))
                or links_nowhere(f"{folder}/{name}")
            )
            and _not_a_draft(name)
            and name.lower() != "readme.md"  # README.MD, Readme.md: a note, whatever its case
        ]
    return sorted(found, key=lambda path: path.split("/"))  # the order of sorted Paths


def _not_a_draft(name: str) -> bool:
    return not name.startswith(("_", "."))


def links_nowhere(path: Path | str) -> bool:
    """Whether ``path`` is a symbolic link to nothing (``os.walk`` lists one with the files, as
    it cannot tell whether it led to a folder)."""
    return os.path.islink(path) and not os.path.exists(path)


def linked_walk(
    root: Path | str, enter: Callable[[str], bool] = lambda name: True
) -> Iterator[tuple[str, list[str]]]:
    """Each folder under ``root`` (itself first) that ``enter`` lets in by name, with the names
    of its files. Folders linked in (a shared folder of digests or templates) are walked as
    folders of their own: the build reads through them, so an edit there must be seen. Each
    real folder once, so that a link to a folder around it does not loop; real folders before
    links, so that a link to a folder of the same tree is the one left out."""
    entered = {os.path.realpath(root)}
    for folder, folders, files in os.walk(root, followlinks=True):
        folders.sort(key=lambda name: (os.path.islink(f"{folder}/{name}"), name))
        folders[:] = [
            name for name in folders if enter(name) and _first_visit(f"{folder}/{name}", entered)
        ]
        yield folder, files


def linked_in(root: Path) -> list[Path]:
    """The real folders that ``linked_walk`` enters under ``root`` through symbolic links, as
    a build reads them (a folder of digests or theme assets shared with another site)."""
    return [
        Path(os.path.realpath(folder))
        for folder, _ in linked_walk(root)
        if folder != str(root) and os.path.islink(folder)
    ]


def files_under(root: Path) -> list[Path]:
    """Every file under ``root``, through folders linked in too, in the order of sorted paths
    (``Path.rglob`` does not enter links)."""
    return sorted(
        Path(folder, name)
        for folder, files in linked_walk(root)
        for name in files
        if os.path.isfile(os.path.join(folder, name))
    )


def _first_visit(folder: str, entered: set[str]) -> bool:
    """Whether ``folder`` (maybe a link) leads to a real folder not ``entered`` yet; now it is."""
    real = os.path.realpath(folder)
    if real in entered:
        return False
    entered.add(real)
    return True


def theme_files(folders: Sequence[Path]) -> list[tuple[str, bytes]]:
    """Every file of the theme's folders, as (folder-relative name, bytes), in search order,
    those of folders linked in too (``files_under``), which Jinja reads and the build copies."""
    return [
        (f"{index}/{path.relative_to(folder).as_posix()}", path.read_bytes())
        for index, folder in enumerate(folders)
        for path in files_under(folder)
    ]


def shared_inputs(source: Path, folders: Sequence[Path], content: str) -> str:
    """The hash of what every page depends on: theme, glossary, and ``content`` (the site's
    ``content_inputs``)."""
    parts: list[bytes | str] = [content]
    for name, theme_file in theme_files(folders):
        parts += [name, theme_file]
    parts += _named_file(source, GLOSSARY_FILE)
    return content_hash(*parts)


def content_inputs(source: Path, options: Iterable[str], stamper: Stamper) -> str:
    """The hash of what the site's content means besides the digest files: the configuration,
    the lockfile and the options. The archive's data depends on these and the digest files.
    The lockfile (7 MB at 10,000 papers) is read only if its stamp changed (``Stamper``)."""
    lockfile = [LOCKFILE, stamper.hash(LOCKFILE)]
    return content_hash(*options, *_named_file(source, CONFIG_FILE), *lockfile)


def settings_inputs(source: Path) -> str:
    """The hash of what the view of a digest depends on besides the digest and its papers'
    records: the configuration and the glossary."""
    return content_hash(*_named_file(source, CONFIG_FILE), *_named_file(source, GLOSSARY_FILE))


def _named_file(source: Path, name: str) -> list[bytes | str]:
    path = source / name
    return [name, path.read_bytes() if path.is_file() else b"\0missing"]


Stamps = dict[str, tuple[tuple[int, int, int, int], str, int]]
"""For each digest file, and the lockfile: its (inode, size, mtime_ns, ctime_ns) when hashed,
its ``file_hash``, and when it was hashed (ns). The change time as git's ``trustctime`` has it:
an edit that puts the modification time back (``touch -r``, some editors and sync tools) still
changes it."""

RACY_NS = 2_000_000_000
"""A file changed within this long of being hashed is hashed again, whatever its time says: file
systems keep times in ticks, so an edit right after hashing can leave size and time as they
were (git's "racy" files)."""


class Stamper:
    """Hashes files of ``source`` (``file_hash``), reading only those whose stamp is not as in
    ``stamps`` (the last build's), as git does not read a file its index says is unchanged;
    ``fresh`` holds the stamps of the files it hashed, for the next build."""

    def __init__(self, source: Path, stamps: Stamps | None = None) -> None:
        self.source, self.stamps = source, stamps or {}
        self.fresh: Stamps = {}
        self.now = time.time_ns()

    def hash(self, relative: str) -> str:
        """The file's ``file_hash``; "" if it is missing or unreadable (the load stage says so)."""
        try:
            status = os.stat(self.source / relative)
        except OSError:
            return ""
        stat = (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
        before = self.stamps.get(relative)
        if before is not None and before[0] == stat and stat[2] < before[2] - RACY_NS:
            self.fresh[relative] = before
        else:
            self.fresh[relative] = (stat, file_hash(self.source, relative), self.now)
        return self.fresh[relative][1]


def input_fingerprint(
    source: Path, shared: str, stamper: Stamper, files: list[str]
) -> tuple[str, dict[str, str], Stamps]:
    """The hash of every input of a build (the shared inputs and each of the digest ``files``,
    as ``digest_files`` lists them); each digest file's ``file_hash``, which the load stage then
    need not compute again; and the ``Stamper``'s stamps of the files it hashed (these, and any
    it hashed before)."""
    hashes = {relative: stamper.hash(relative) for relative in files}
    parts = (f"{path}={key}" for path, key in hashes.items())
    return content_hash(shared, *parts), hashes, stamper.fresh


NOT_UTF8_NAME = "the file's name is not UTF-8 text; rename it"


def not_utf8_name(relative: str) -> Problem | None:
    """The error for a file of the site whose name is not UTF-8 text (bytes the file system gave
    that are not UTF-8 come as surrogates), shown with those bytes escaped: its path could be in
    no page, feed or data file."""
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        shown = relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return Problem(shown, 0, 0, "", NOT_UTF8_NAME)
    return None
