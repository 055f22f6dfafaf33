"""papersite: a static site generator for bilingual ML paper digests."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("papersite")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

from papersite.build import BuildReport, build

__all__ = ["BuildReport", "__version__", "build"]
