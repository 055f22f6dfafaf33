"""papersite: a static site generator for bilingual ML paper digests.

``build`` and ``BuildReport`` are imported on first use (PEP 562), so that ``papersite
--version`` and ``--help`` do not pay for Jinja, pydantic and Markdown.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

__version__ = "0.1.0"
"""The one place the version is written: ``pyproject.toml`` reads it from here (hatch)."""

if TYPE_CHECKING:
    from papersite.build import BuildReport, build

__all__ = ["BuildReport", "__version__", "build"]

_LAZY = frozenset({"BuildReport", "build"})


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # By name: ``from papersite import build`` would come back here. _Package keeps the
    # submodule out of this module's namespace.
    value = getattr(import_module("papersite.build"), name)
    globals()[name] = value  # the next lookup skips __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


class _Package(ModuleType):
    """The package module, keeping ``papersite.build`` the function, not the submodule.

    Importing a submodule sets it as an attribute of its package. ``papersite.build`` names both
    the stage module and the function exported here; without this, whichever module first
    imported ``papersite.build`` (``check``, ``export``) would leave ``papersite.build`` the
    module.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "build" and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
