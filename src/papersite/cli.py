"""The ``papersite`` command: parses arguments, calls the library, prints the outcome.

Exit status: 0 success, 1 the content or the output folder is wrong (every problem printed as
``path:line:col: field: message``), 2 the command line is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from papersite import __version__
from papersite.build import build
from papersite.errors import ContentError, PapersiteError, StrictModeError
from papersite.model import normalise_base_url


def _base_url(value: str) -> str:
    try:
        return normalise_base_url(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papersite",
        description="A static site generator for bilingual ML paper digests.",
    )
    parser.add_argument("--version", action="version", version=f"papersite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    build_parser = commands.add_parser(
        "build",
        help="build the site into the output folder",
        description="Validate every digest and write the site, atomically, into the output folder.",
    )
    build_parser.add_argument(
        "--source", type=Path, default=Path("."), metavar="DIR",
        help="the site folder, holding papersite.yaml and digests/ (default: the current folder)",
    )  # fmt: skip
    build_parser.add_argument(
        "--out", type=Path, default=None, metavar="DIR",
        help="the output folder, replaced as a whole (default: build/ in the site folder)",
    )  # fmt: skip
    build_parser.add_argument(
        "--base-url", type=_base_url, metavar="URL",
        help="where the site is served, overriding base_url in papersite.yaml",
    )  # fmt: skip
    build_parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        report = build(args.source, args.out, base_url=args.base_url, strict=args.strict)
    except (ContentError, StrictModeError) as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        if isinstance(error, StrictModeError):
            print(f"error: {len(error.problems)} warning(s), and --strict is on", file=sys.stderr)
        else:
            print(f"error: {len(error.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    except PapersiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(f"{warning} (warning)", file=sys.stderr)
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
