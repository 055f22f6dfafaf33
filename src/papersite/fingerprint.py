"""Fingerprints of a build's inputs: what every page shares, and everything at once.

Kept apart from the stages, and light to import, because a build with nothing to do stops here:
it hashes the inputs (reading only the digest files whose size or time changed since the last
build), finds the same fingerprint as the last build into the same folder, and leaves the output
as it is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from papersite.cache import content_hash
from papersite.names import (
    ASSETS_DIR,
    CONFIG_FILE,
    DIGEST_SUFFIXES,
    DIGESTS_DIR,
    GLOSSARY_FILE,
    LOCKFILE,
)


def file_hash(root: Path, relative: str) -> str:
    """The hash ``read_hashed_source`` gives the file (its path and bytes); "" if unreadable."""
    try:
        return bytes_hash(relative, (root / relative).read_bytes())
    except OSError:
        return ""


def bytes_hash(relative: str, data: bytes) -> str:
    """The ``file_hash`` of the file at ``relative`` when it holds ``data``."""
    return content_hash(relative, data)


def digest_files(root: Path) -> list[str]:
    """Relative paths of the digest files under ``digests/``, in a stable order.

    Files and folders whose names start with ``_`` or ``.``, and ``README.md`` files, are
    not digests: they leave room for notes and drafts beside the digests.
    """
    found: list[str] = []
    # Folders linked in (a shared folder of digests) are read as folders of the site; each real
    # folder once, so that a link to a folder around it does not loop.
    entered = {os.path.realpath(root / DIGESTS_DIR)}
    # os.walk and strings rather than Path.rglob: a build with nothing to do lists a thousand
    # files, and Path objects would be a tenth of its time.
    for folder, folders, files in os.walk(root / DIGESTS_DIR, followlinks=True):
        # Real folders before links, so that a link to a folder of the site is the one left out.
        folders.sort(key=lambda name: (os.path.islink(f"{folder}/{name}"), name))
        folders[:] = [
            name
            for name in folders
            if not name.startswith(("_", ".")) and _first_visit(f"{folder}/{name}", entered)
        ]
        relative = Path(folder).relative_to(root).as_posix()
        found += [
            f"{relative}/{name}"
            for name in files
            if name.lower().endswith(DIGEST_SUFFIXES)  # "NeurIPS.YAML" too
            and not name.startswith(("_", "."))
            and name != "README.md"
        ]
    return sorted(found, key=lambda path: path.split("/"))  # the order of sorted Paths


def _first_visit(folder: str, entered: set[str]) -> bool:
    """Whether ``folder`` (maybe a link) leads to a real folder not ``entered`` yet; now it is."""
    real = os.path.realpath(folder)
    if real in entered:
        return False
    entered.add(real)
    return True


def theme_files(folders: Sequence[Path]) -> list[tuple[str, bytes]]:
    """Every file of the theme's folders, as (folder-relative name, bytes), in search order:
    those of an ``assets`` folder that is a link too, which the build copies
    (``render.theme_assets``) and ``rglob`` would not enter."""
    files: list[tuple[str, bytes]] = []
    for index, folder in enumerate(folders):
        paths = set(folder.rglob("*"))
        if (folder / ASSETS_DIR).is_symlink():
            paths.update((folder / ASSETS_DIR).rglob("*"))
        for path in sorted(paths):
            if path.is_file():
                files.append((f"{index}/{path.relative_to(folder).as_posix()}", path.read_bytes()))
    return files


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


Stamps = dict[str, tuple[tuple[int, int, int], str, int]]
"""For each digest file, and the lockfile: its (inode, size, mtime_ns) when hashed, its
``file_hash``, and when it was hashed (ns)."""

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
        stat = (status.st_ino, status.st_size, status.st_mtime_ns)
        before = self.stamps.get(relative)
        if before is not None and before[0] == stat and stat[2] < before[2] - RACY_NS:
            self.fresh[relative] = before
        else:
            self.fresh[relative] = (stat, file_hash(self.source, relative), self.now)
        return self.fresh[relative][1]


def input_fingerprint(
    source: Path, shared: str, stamper: Stamper
) -> tuple[str, dict[str, str], Stamps]:
    """The hash of every input of a build (the shared inputs and each digest file); each digest
    file's ``file_hash``, which the load stage then need not compute again; and the
    ``Stamper``'s stamps of the files it hashed (these, and any it hashed before)."""
    hashes = {relative: stamper.hash(relative) for relative in digest_files(source)}
    parts = (f"{path}={key}" for path, key in hashes.items())
    return content_hash(shared, *parts), hashes, stamper.fresh
