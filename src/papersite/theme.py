"""Where templates come from: the site's own ``templates/`` folder, then the default theme.

Light to import (no Jinja), because the build fingerprints the theme's files before it knows
whether it has anything to render.
"""

from __future__ import annotations

from pathlib import Path

import papersite


def default_theme() -> Path:
    """The default theme: inside the installed package, or the repository's ``templates/``."""
    packaged = Path(papersite.__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(papersite.__file__).resolve().parents[2] / "templates"


def theme_dirs(source: Path) -> list[Path]:
    """Template folders in the order they are searched: the site's own first."""
    folders = [source / "templates", default_theme()]
    unique: list[Path] = []
    for folder in folders:
        if folder.is_dir() and folder.resolve() not in {f.resolve() for f in unique}:
            unique.append(folder)
    return unique
