"""Writing the output folder, atomically, and refusing folders that are not safe to replace.

The new site is written into a temporary folder beside the target and swapped in only once it is
complete, so a failed build leaves the previous output exactly as it was. The folder that is
replaced must be one papersite made (it holds a marker file) or empty: papersite never deletes a
folder it did not write, nor the source, ``/`` or the home folder.

``sync_site`` is the other way to write, for ``papersite serve``: it updates a private folder in
place, file by file, touching only what changed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from papersite.errors import OutputError
from papersite.render import Page

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


def write_site(pages: Iterable[Page], out: Path) -> int:
    """Write every page into ``out``, replacing it atomically; returns the number of files."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        count = 0
        for page in pages:
            target = staging / safe_relative(page.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.content)
            count += 1
        _write_marker(staging)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read it
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


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


# --- papersite serve: updating a private output folder in place ---------------------------------


@dataclass(frozen=True)
class Changes:
    """What ``sync_site`` did, as paths relative to the output folder, sorted."""

    written: list[str]
    removed: list[str]

    def __bool__(self) -> bool:
        return bool(self.written or self.removed)


def sync_site(pages: Iterable[Page], out: Path) -> Changes:
    """Make ``out`` hold exactly ``pages``, writing only the files whose bytes differ and
    removing every other file (and every symbolic link: the folder is papersite's alone).

    Each file is replaced atomically, so a server reading ``out`` meanwhile sends the old file or
    the new one, never half of one; the folder as a whole is not, which is why ``papersite build``
    uses ``write_site`` instead. Like it, this only touches a folder that papersite made or an
    empty one.
    """
    out = out.resolve()
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{out} is not empty and was not made by papersite; refusing to update it"
        )
    wanted = {safe_relative(page.path).as_posix(): page.content for page in pages}
    out.mkdir(parents=True, exist_ok=True)
    # Stale files go first, so that a file that becomes a folder (or the other way) has room.
    removed = _remove_all_but(out, {*wanted, MARKER})
    written = [path for path, content in wanted.items() if _update(out, path, content)]
    if not (out / MARKER).is_file():
        _write_marker(out)
    return Changes(sorted(written), removed)


def _remove_all_but(out: Path, keep: set[str]) -> list[str]:
    """Remove every file under ``out`` not named in ``keep``, every link, and emptied folders."""
    removed: list[str] = []
    for folder, folders, files in os.walk(out, topdown=False):
        base = Path(folder)
        # os.walk lists a link to a folder among the folders, and does not follow it.
        for path in [base / name for name in files] + [base / name for name in folders]:
            relative = path.relative_to(out).as_posix()
            if path.is_symlink() or (path.is_file() and relative not in keep):
                path.unlink()
                removed.append(relative)
        if base != out and not any(base.iterdir()):
            base.rmdir()
    return sorted(removed)


def _update(out: Path, relative: str, content: bytes) -> bool:
    """Write ``content`` at ``out/relative`` unless it is there already; whether it wrote."""
    target = out / relative
    if target.is_file() and target.read_bytes() == content:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
