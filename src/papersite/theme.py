"""Where templates come from: the site's own ``templates/`` folder, then the default theme.

Light to import (no Jinja), because the build fingerprints the theme's files before it knows
whether it has anything to render.
"""

from __future__ import annotations

import os
from pathlib import Path

import papersite
from papersite.errors import ContentError, Problem
from papersite.fingerprint import linked_walk, not_utf8_name, read_file
from papersite.names import ASSETS_DIR, TEMPLATES_DIR


def default_theme() -> Path:
    """The default theme: inside the installed package, or the repository's ``templates/``."""
    packaged = Path(papersite.__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(papersite.__file__).resolve().parents[2] / "templates"


def theme_dirs(source: Path) -> list[Path]:
    """Template folders in the order they are searched: the site's own first. Raises
    ``ContentError`` when the site's ``templates`` is there but is no folder, or when a file of
    it cannot be used (``file_problems``)."""
    own = source / TEMPLATES_DIR
    # Whatever it is (``os.path.lexists``, as ``load.is_there``, not imported: load brings YAML
    # to a build that may have nothing to do): a file or a broken link in its place was left out
    # without a word, and the site built with the default theme.
    if os.path.lexists(own) and not own.is_dir():
        raise ContentError([Problem(TEMPLATES_DIR, 0, 0, "", _not_a_folder(own))])
    # Here, before the build fingerprints the theme's files, which leaves such files out: a
    # build after one was added would otherwise find nothing to do.
    problems = file_problems(source)
    if problems:
        raise ContentError(problems)
    folders = [own, default_theme()]
    unique: list[Path] = []
    for folder in folders:
        if folder.is_dir() and folder.resolve() not in {f.resolve() for f in unique}:
            unique.append(folder)
    return unique


def _not_a_folder(path: Path) -> str:
    """Why the site's ``templates`` at ``path``, there but no folder, cannot be used, and what to
    do."""
    if path.is_symlink() and not path.exists():
        return (
            f"a symbolic link to {path.readlink()}, which does not exist, where the site's "
            f"templates folder belongs: fix the link, or remove it{_OVERRIDES}"
        )
    return (
        "not a folder: make it a folder of the templates that override the default theme's, "
        f"or remove it{_OVERRIDES}"
    )


_OVERRIDES = " (a site's templates/ folder overrides the default theme: see README.md, Themes)"


def file_problems(source: Path) -> list[Problem]:
    """Why files of the site's ``templates/`` cannot be used, and what to do. Jinja skips a
    template that is a broken symbolic link or a named pipe, and uses the default theme's of
    that name without a word; the build left such an asset out, and copied one whose name is
    not UTF-8 under a name no page could link to, as digests would not be (``load.unreadable``,
    ``fingerprint.not_utf8_name``). A file that cannot be opened is named here rather than by
    the fingerprint of the theme, which reads every file."""
    own = source / TEMPLATES_DIR
    problems = []
    for path in (Path(folder, name) for folder, names in linked_walk(own) for name in names):
        relative = path.relative_to(source).as_posix()
        problem = _file_problem(path, relative, relative.startswith(_ASSETS_UNDER))
        if problem is not None:
            problems.append(problem)
    return problems


_ASSETS_UNDER = f"{TEMPLATES_DIR}/{ASSETS_DIR}/"


def _file_problem(path: Path, relative: str, asset: bool) -> Problem | None:
    """Why the file at ``path`` (``relative`` to the site; ``asset``: under ``assets/``) cannot
    be used, if it cannot. Outside ``assets/``, a name starting with ``.`` that is no file is
    left alone: editors keep lock files so (Emacs's ``.#base.html``, a link to nothing), and
    the default theme has no such template for Jinja to fall back on."""
    misnamed = not_utf8_name(relative) if asset else None
    if misnamed is not None:
        return misnamed
    if relative == f"{TEMPLATES_DIR}/{ASSETS_DIR}" and path.is_file():
        return Problem(relative, 0, 0, "", _ASSETS_NOT_A_FOLDER)
    hidden = any(part.startswith(".") for part in relative.split("/"))
    if not asset and hidden and not path.is_file():
        return None
    try:
        _open(path)
    except OSError as error:
        from papersite.load import unreadable  # brings YAML: only when needed

        return Problem(relative, 0, 0, "", unreadable(path, error))
    return None


_ASSETS_NOT_A_FOLDER = (
    f"not a folder: make it a folder of the files to copy to the output's {ASSETS_DIR}/, or "
    f"remove it{_OVERRIDES}"
)


def _open(path: Path) -> None:
    """Opens the regular file at ``path``, and closes it unread. Anything else is not opened
    (a named pipe would wait for a writer): ``read_file`` raises, telling what it is."""
    if not path.is_file():
        read_file(path)
    with path.open("rb"):
        pass
