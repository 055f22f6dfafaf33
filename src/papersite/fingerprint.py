"""Fingerprints of a build's inputs: what every page shares, and everything at once.

Kept apart from the stages, and light to import, because a build with nothing to do stops here:
it reads and hashes the inputs, finds the same fingerprint as the last build into the same
folder, and leaves the output as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from papersite.cache import content_hash
from papersite.load import CONFIG_FILE, digest_files, file_hash
from papersite.names import LOCKFILE


def theme_files(folders: Sequence[Path]) -> list[tuple[str, bytes]]:
    """Every file of the theme's folders, as (folder-relative name, bytes), in search order."""
    files: list[tuple[str, bytes]] = []
    for index, folder in enumerate(folders):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files.append((f"{index}/{path.relative_to(folder).as_posix()}", path.read_bytes()))
    return files


def shared_inputs(source: Path, folders: Sequence[Path], options: Iterable[str]) -> str:
    """The hash of what every page depends on: theme, configuration, lockfile, options."""
    parts: list[bytes | str] = [*options]
    for name, content in theme_files(folders):
        parts += [name, content]
    for name in (CONFIG_FILE, LOCKFILE):
        path = source / name
        parts += [name, path.read_bytes() if path.is_file() else b"\0missing"]
    return content_hash(*parts)


def input_fingerprint(source: Path, shared: str) -> tuple[str, dict[str, str]]:
    """The hash of every input of a build (the shared inputs and each digest file), and each
    digest file's ``file_hash``, which the load stage then need not compute again."""
    hashes = {relative: file_hash(source, relative) for relative in digest_files(source)}
    return content_hash(shared, *(f"{path}={key}" for path, key in hashes.items())), hashes
