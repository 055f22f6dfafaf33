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
    its ``assets/`` cannot be copied into the output (``asset_problems``)."""
    own = source / TEMPLATES_DIR
    # Whatever it is (``os.path.lexists``, as ``load.is_there``, not imported: load brings YAML
    # to a build that may have nothing to do): a file or a broken link in its place was left out
    # without a word, and the site built with the default theme.
    if os.path.lexists(own) and not own.is_dir():
        raise ContentError([Problem(TEMPLATES_DIR, 0, 0, "", _not_a_folder(own))])
    # Here, before the build fingerprints the theme's files, which leaves such files out: a
    # build after one was added would otherwise find nothing to do.
    problems = asset_problems(source)
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


def asset_problems(source: Path) -> list[Problem]:
    """Why files of the site's ``templates/assets/`` cannot be copied into the output, and what
    to do: a broken symbolic link or a named pipe there was left out without a word, and a file
    whose name is not UTF-8 copied under a name no page could link to, as digests would not be
    (``load.unreadable``, ``fingerprint.not_utf8_name``)."""
    assets = source / TEMPLATES_DIR / ASSETS_DIR
    listed = [assets] if os.path.lexists(assets) and not assets.is_dir() else []
    listed += [Path(folder, name) for folder, names in linked_walk(assets) for name in names]
    problems = []
    for path in listed:
        relative = path.relative_to(source).as_posix()
        misnamed = not_utf8_name(relative)
        if misnamed is not None:
            problems.append(misnamed)
            continue
        if path.is_file():
            continue
        try:
            read_file(path)  # no regular file: raises, telling what it is
        except OSError as error:
            from papersite.load import unreadable  # brings YAML: only when needed

            problems.append(Problem(relative, 0, 0, "", unreadable(path, error)))
    return problems
