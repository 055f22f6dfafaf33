"""Writing the output folder, atomically, and refusing folders that are not safe to replace.

The new site is written into a temporary folder beside the target and swapped in only once it is
complete, so a failed build leaves the previous output exactly as it was. The folder that is
replaced must be one papersite made (it holds a marker file) or empty: papersite never deletes a
folder it did not write, nor the source, ``/`` or the home folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
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


def write_site(
    pages: Iterable[Page], out: Path, *, finish: Callable[[Path], int] | None = None
) -> int:
    """Write every page into ``out``, replacing it atomically; returns the number of files.

    ``finish`` is called with the complete staging folder before it is swapped in, and returns
    how many files it added there (the search index is built this way). If it raises, the
    previous output is left exactly as it was, like any other failure.
    """
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
        if finish is not None:
            count += finish(staging)
        (staging / MARKER).write_text(
            "This folder is written by papersite build; it is replaced on every build.\n",
            encoding="utf-8",
        )
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
