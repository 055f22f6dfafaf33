"""Where templates come from: the site's own ``templates/`` folder, then the default theme.

Light to import (no Jinja), because the build fingerprints the theme's files before it knows
whether it has anything to render.
"""

from __future__ import annotations

import os
from pathlib import Path

import papersite
from papersite.errors import ContentError, Problem
from papersite.names import TEMPLATES_DIR


def default_theme() -> Path:
    """The default theme: inside the installed package, or the repository's ``templates/``."""
    packaged = Path(papersite.__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(papersite.__file__).resolve().parents[2] / "templates"


def theme_dirs(source: Path) -> list[Path]:
    """Template folders in the order they are searched: the site's own first. Raises
    ``ContentError`` when the site's ``templates`` is there but is no folder."""
    own = source / TEMPLATES_DIR
    # Whatever it is (``os.path.lexists``, as ``load.is_there``, not imported: load brings YAML
    # to a build that may have nothing to do): a file or a broken link in its place was left out
    # without a word, and the site built with the default theme.
    if os.path.lexists(own) and not own.is_dir():
        raise ContentError([Problem(TEMPLATES_DIR, 0, 0, "", _not_a_folder(own))])
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
