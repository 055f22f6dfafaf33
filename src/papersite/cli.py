"""The ``papersite`` command: parses arguments, calls the library, prints the outcome.

Exit status: 0 success, 1 the content or the output folder is wrong (every problem printed as
``path:line:col: field: message``), 2 the command line is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import io
import math
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from papersite import __version__
from papersite.errors import ContentError, PapersiteError, Problem, StrictModeError, counted
from papersite.heap import frozen_heap
from papersite.names import (
    CHECK_FORMATS,
    DIGEST_FORMATS,
    EXPORT_FORMATS,
    EXTRA_SOURCES,
    IMPORT_SOURCES,
    LOCKFILE,
    LOOPBACK,
)

# Each command imports the library modules it calls, and each argument converter the ones it
# needs, inside the function: building the parser imports only the light modules above, so that
# --version, --help and a mistyped command answer at once instead of loading Jinja, pydantic,
# httpx and rich first. tests/test_startup.py holds this.


def _base_url(value: str) -> str:
    from papersite.model import normalise_base_url

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
    _add_source(build_parser)
    build_parser.add_argument(
        "--out", type=_folder, default=None, metavar="DIR",
        help="the output folder, replaced as a whole (default: build/ in the site folder)",
    )  # fmt: skip
    build_parser.add_argument(
        "--base-url", type=_base_url, metavar="URL",
        help="where the site is served, overriding base_url in papersite.yaml",
    )  # fmt: skip
    build_parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_parser.add_argument(
        "--strict-review", action="store_true",
        help="fail while any machine-written text is not reviewed (see provenance)",
    )  # fmt: skip
    build_parser.add_argument(
        "--no-search", dest="search", action="store_false",
        help="leave out the search index (Pagefind): a quicker build, with no search",
    )  # fmt: skip
    _add_enrich_parser(commands)
    _add_new_parser(commands)
    _add_check_parser(commands)
    _add_serve_parser(commands)
    _add_import_parser(commands)
    _add_export_parser(commands)
    return parser


def _add_source(parser: argparse.ArgumentParser) -> None:
    """``--source DIR``, which every command takes."""
    parser.add_argument(
        "--source", type=_folder, default=Path("."), metavar="DIR",
        help="the site folder, holding papersite.yaml and digests/ (default: the current folder)",
    )  # fmt: skip


def _folder(value: str) -> Path:
    """A folder option: an empty one (``--out ""``, an unset shell variable) is a mistake, not
    the current folder, which ``Path("")`` would make it."""
    return _named(value, "a folder ('.' for the current one)")


def _out_file(value: str) -> Path:
    """A file option (export's and import's ``--out``): empty, it is a mistake, as ``_folder``'s."""
    return _named(value, "a file ('-' for standard output)")


def _named(value: str, what: str) -> Path:
    if not value:
        raise argparse.ArgumentTypeError(f"it is empty: name {what}")
    return Path(value)


def _add_new_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "new",
        help="start a new digest from a template",
        description="Write a new digest file with every field present and commented, and print "
        "its path. An existing digest is never overwritten.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    weekly = kinds.add_parser("weekly", help="a weekly digest")
    weekly.add_argument(
        "--start", type=_day, metavar="YYYY-MM-DD",
        help="the week's first day (default: the coming Monday, today if it is one)",
    )  # fmt: skip
    conference = kinds.add_parser("conference", help="a conference digest")
    conference.add_argument("name", help="the conference's name, e.g. NeurIPS")
    conference.add_argument("year", type=int, help="its year, e.g. 2025")
    for kind in (weekly, conference):
        _add_source(kind)
        kind.add_argument(
            "--format", dest="fmt", choices=DIGEST_FORMATS, default="yaml",
            help="yaml (default) or md, the Markdown form",
        )  # fmt: skip


def _add_enrich_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "enrich",
        help=f"fetch arXiv metadata of the digests' papers into {LOCKFILE}",
        description=(
            f"Fetch what arXiv knows about every paper the digests name into {LOCKFILE}, which "
            "builds read instead of the network. Only papers missing from the lockfile are "
            "fetched, unless --refresh says otherwise."
        ),
    )
    _add_source(parser)
    parser.add_argument(
        "--refresh", nargs="*", type=_arxiv_id, metavar="ID",
        help="fetch again: every paper, or only the IDs given",
    )  # fmt: skip
    parser.add_argument(
        "--offline", action="store_true",
        help="use no network: only report the papers the lockfile lacks (exit 1 if any)",
    )  # fmt: skip
    parser.add_argument(
        "--resolve-titles", action="store_true",
        help="search arXiv by title for papers without an ID, and print the IDs found",
    )  # fmt: skip
    parser.add_argument(
        "--with", dest="extra_sources", action="append", default=[], choices=EXTRA_SOURCES,
        help="also fetch from this source (citation counts, venue, open-access PDF)",
    )  # fmt: skip


def _arxiv_id(value: str) -> str:
    from papersite.arxiv_ids import check_arxiv_id

    try:
        return check_arxiv_id(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command == "export":
        _check_export_arguments(parser, args)
    try:
        if args.command == "enrich":
            return _enrich(args)
        if args.command == "new":
            return _new(args)
        if args.command == "check":
            return _check(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "import":
            return _import(args)
        if args.command == "export":
            return _export(args)
        return _build(args)
    except (ContentError, StrictModeError) as error:
        _print_problems(error.problems)
        if isinstance(error, StrictModeError):
            print(
                f"error: {error.what}, and {error.option} is on",
                file=sys.stderr,
            )
        else:
            print(
                f"error: {counted(len(error.problems), 'problem')}; nothing was written",
                file=sys.stderr,
            )
        return 1
    except PapersiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a file of the site that a command could not read or write
        print(f"error: {_os_error(error)}", file=sys.stderr)
        return 1


def _os_error(error: OSError) -> str:
    """``path: reason; what to do``, for an ``OSError`` no command turned into its own words
    (``arxiv.lock.json`` made a folder, a file without read permission)."""
    if error.filename is None:
        return str(error.strerror or error)
    return (
        f"{error.filename}: {error.strerror or error}; "
        "make it a file that you can read and write, or remove it"
    )


_HELD: list[object] = []
"""What the last build of this process made (see ``_build``)."""


def _build(args: argparse.Namespace) -> int:
    from papersite.build import IN_PLACE, InterruptedInPlace, build
    from papersite.write import refused_advice, refused_write

    # What the build made is held (``_HELD``) and the collector stays off until the report is out
    # (``heap.py``): the process ends right after (``run``), and freeing or scanning the build's
    # millions of objects first would take half a second at 10,000 papers.
    _HELD.clear()
    with frozen_heap():
        try:
            report = build(
                args.source,
                args.out,
                base_url=args.base_url,
                strict=args.strict,
                strict_review=args.strict_review,
                search=args.search,
                hold=_HELD,
                waiting=_say_waiting,
            )
        # The build has put the previous output back (its own guarantee): say so, without a
        # traceback, for the two ways a user's machine stops one. The report is printed after,
        # outside: once it is written, the output is this build's, whatever becomes of stdout.
        except InterruptedInPlace:
            print(f"interrupted: {IN_PLACE}", file=sys.stderr)
            return INTERRUPTED
        except KeyboardInterrupt:
            print("interrupted: the output is as it was before this build", file=sys.stderr)
            return INTERRUPTED
        except OSError as error:  # a full disk, a folder that became read-only
            print(
                f"error: {refused_write(error)}; the output is as it was before this build: "
                f"{refused_advice(error)}, and build again",
                file=sys.stderr,
            )
            return 1
        _print_problems(report.warnings, " (warning)")
        _warn_if_uncached(args.source)
        print(report.summary())
    return 0


def _say_waiting(out: Path) -> None:
    """What a build says while another build of the same folder holds it (``output_lock``)."""
    from papersite.write import waiting_line

    print(waiting_line(out), file=sys.stderr, flush=True)


def _warn_if_uncached(source: Path) -> None:
    """Say so when the build cache cannot be kept (``cache.unusable_caches``)."""
    from papersite.cache import unusable_caches

    for reason in unusable_caches(source):
        print(f"warning: {reason}", file=sys.stderr)


def _new(args: argparse.Namespace) -> int:
    from papersite.new import new_conference, new_weekly

    if args.kind == "weekly":
        path = new_weekly(args.source, args.start, args.fmt)
    else:
        path = new_conference(args.source, args.name, args.year, args.fmt)
    print(path)
    return 0


def _enrich(args: argparse.Namespace) -> int:
    from papersite.fetch import EnrichInterrupted, enrich
    from papersite.progress import reporter_for

    reporter = reporter_for(sys.stdout)
    try:
        report = enrich(
            args.source,
            refresh=args.refresh,
            offline=args.offline,
            resolve_titles=args.resolve_titles,
            extra_sources=args.extra_sources,
            reporter=reporter,
        )
    except KeyboardInterrupt as interrupt:
        reporter.finish()
        if isinstance(interrupt, EnrichInterrupted):  # else before the run began
            _print_resolved(interrupt.report.resolved)
        print(
            f"interrupted: {LOCKFILE} keeps every record fetched before the interruption",
            file=sys.stderr,
        )
        return INTERRUPTED
    _print_problems(report.errors)
    _print_problems(report.warnings, " (warning)")
    _print_problems(report.missing)
    _print_resolved(report.resolved)
    for failure in report.failures:
        print(f"error: {failure}; {LOCKFILE} keeps everything fetched before", file=sys.stderr)
    if report.missing:
        print(
            f"error: {len(report.missing)} entries lack metadata in {LOCKFILE}; "
            "run papersite enrich where arXiv can be reached",
            file=sys.stderr,
        )
    print(report.summary())
    return 0 if report.ok else 1


def _print_resolved(lines: Iterable[str]) -> None:
    """The lines to paste, one per ID found from a title (``EnrichReport.resolved``)."""
    for line in lines:
        print(line)


def _print_problems(problems: Iterable[Problem], suffix: str = "") -> None:
    for problem in problems:
        print(f"{problem}{suffix}", file=sys.stderr)


# --- papersite check ------------------------------------------------------------------------


def _add_check_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check",
        help="validate the digests and lint them, without building",
        description="Run every validation of the build, without writing a site, and the "
        "editorial lints: missing translations, papers without an arXiv ID or lockfile record, "
        "one paper written differently in two digests, unknown tags, links given twice; with "
        "--links, every external URL is fetched. Exit status 1 when anything is an error.",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH",
        help="report only on these digest files or folders (default: the whole site)",
    )  # fmt: skip
    _add_source(parser)
    parser.add_argument(
        "--links", action="store_true",
        help="also check every external URL over HTTP (uses the network)",
    )  # fmt: skip
    parser.add_argument(
        "--no-link-cache", dest="link_cache", action="store_false",
        help="with --links, check every URL again and keep no results",
    )  # fmt: skip
    parser.add_argument(
        "--link-cache-hours", type=_hours, metavar="HOURS",
        help="with --links, reuse a working link's result for this long "
        "(default: links.cache_hours in papersite.yaml, 24)",
    )  # fmt: skip
    parser.add_argument(
        "--format", dest="fmt", choices=CHECK_FORMATS, default="text",
        help="text (default), github (annotations for GitHub Actions) or json",
    )  # fmt: skip
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--review", action="store_true",
        help="list every machine-written text that no one has reviewed yet (see provenance)",
    )  # fmt: skip
    parser.add_argument(
        "--strict-review", action="store_true",
        help="as --review, and fail while any remain (for CI)",
    )  # fmt: skip


def _day(value: str) -> dt.date:
    """A ``--start`` date; argparse would say only "invalid fromisoformat value"."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-03-17"
        ) from None


def _hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        hours = math.nan
    if math.isnan(hours):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of hours")
    if hours < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: the hours cannot be negative")
    return hours


def _check(args: argparse.Namespace) -> int:
    from papersite.check import check_site, format_github, format_json, format_text

    report = check_site(
        args.source,
        args.paths,
        strict=args.strict,
        links=args.links,
        link_cache=args.link_cache,
        link_cache_hours=args.link_cache_hours,
        review=args.review,
        strict_review=args.strict_review,
    )
    if args.fmt == "json":
        _write_utf8(format_json(report).encode("utf-8"))
    elif args.fmt == "github":
        sys.stdout.write(format_github(report, args.source))
    else:
        sys.stdout.write(format_text(report))
    return 0 if report.ok else 1


# --- papersite serve ------------------------------------------------------------------------


def _add_serve_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "serve",
        help="build, serve and rebuild on every change",
        description="Build the site, serve it under its base path, rebuild what changed whenever "
        "a digest, a template, papersite.yaml or the lockfile is saved, and reload the open "
        "pages. A failed rebuild's errors show in the terminal and over the page. Ctrl-C stops.",
    )
    _add_source(parser)
    parser.add_argument(
        "--port", type=_port, default=8000,
        help="the port to listen on (default: 8000; 0 picks a free one)",
    )  # fmt: skip
    parser.add_argument(
        "--host", default=LOOPBACK,
        help=f"the address to listen on (default: {LOOPBACK}, this machine only)",
    )  # fmt: skip
    parser.add_argument(
        "--no-search", dest="search", action="store_false",
        help="leave out the search index: quicker rebuilds, with no search",
    )  # fmt: skip


def _port(value: str) -> int:
    from papersite.serve import port_number

    return port_number(value)


def _serve(args: argparse.Namespace) -> int:
    from papersite.serve import serve, stop_on_signals

    if args.source.is_dir():  # else serve says what is wrong with it
        _warn_if_uncached(args.source)
    # Ctrl-C is how a server is stopped: a clean stop, exit status 0.
    with stop_on_signals() as stop:
        serve(args.source, host=args.host, port=args.port, search=args.search, stop=stop)
    return 0


# --- papersite import -----------------------------------------------------------------------


def _add_import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def http_url(value: str) -> str:
        if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
            raise argparse.ArgumentTypeError(f"only http(s) URLs are allowed, got {value!r}")
        return value

    parser = commands.add_parser(
        "import",
        help="turn an existing post into a digest file",
        description="Read a forum post or a week of dair-ai's ML Papers of the Week and write "
        "it as a digest for the editor to review; print its path, then a warning for each thing "
        "to check (text it could not place, at its line of FILE). Never overwrites a digest.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the post, as text or Markdown")
    parser.add_argument(
        "--from", dest="source_format", required=True, choices=IMPORT_SOURCES,
        help="forum: the forum's plain-text layout; dair-ai: a week of the upstream README",
    )  # fmt: skip
    _add_source(parser)
    parser.add_argument(
        "--url", type=http_url, metavar="URL",
        help="where the post was published, recorded as the digest's source",
    )  # fmt: skip
    parser.add_argument(
        "--format", dest="fmt", choices=DIGEST_FORMATS, default="yaml",
        help="yaml (default) or md, the Markdown form",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=_out_file, metavar="PATH",
        help="write here instead of digests/ in the site folder; - prints the digest",
    )  # fmt: skip
    parser.add_argument(
        "--start", type=_day, metavar="YYYY-MM-DD",
        help="the week's first day, when the post's own is missing or wrong",
    )  # fmt: skip
    parser.add_argument(
        "--week", metavar="TEXT",
        help="dair-ai: the week whose heading contains TEXT, e.g. 'March 17 - March 23'",
    )  # fmt: skip


def _import(args: argparse.Namespace) -> int:
    from papersite.importers import import_post, write_import

    result = import_post(
        args.file,
        args.source_format,
        site=args.source,
        url=args.url,
        fmt=args.fmt,
        start=args.start,
        week=args.week,
    )
    if str(args.out) == "-":
        _write_utf8(result.text.encode("utf-8"))
    else:
        print(write_import(result, args.source, args.out))
    _print_problems(result.warnings, " (warning)")
    return 0


# --- papersite export -----------------------------------------------------------------------


def _add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "export",
        help="a digest as a forum post or a newsletter, or the whole archive as JSON",
        description="Write one digest as a forum post (Markdown, Korean then English under the "
        "forum's headings) or as a newsletter (a MIME e-mail with a plain-text and an HTML "
        "part), or every digest and paper as JSON (as data/ of the site holds them), to --out "
        "FILE or to standard output.",
    )
    parser.add_argument(
        "digest", type=Path, metavar="DIGEST", nargs="?",
        help="the digest file, e.g. digests/weekly/2025-03-17.yaml (not with --format json)",
    )  # fmt: skip
    parser.add_argument(
        "--format", dest="fmt", choices=EXPORT_FORMATS, required=True,
        help="forum: Markdown for the forum; newsletter: a MIME message (.eml); json: every "
        "digest and paper",
    )  # fmt: skip
    _add_source(parser)
    parser.add_argument(
        "--out", type=_out_file, default=None, metavar="FILE",
        help="write to this file instead of standard output ('-': standard output)",
    )  # fmt: skip
    parser.add_argument(
        "--base-url", type=_base_url, metavar="URL",
        help="the site's address for the newsletter's links, overriding base_url in papersite.yaml",
    )  # fmt: skip


def _check_export_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A DIGEST with json, or none with another format, is a wrong command line (status 2)."""
    if args.fmt == "json" and args.digest is not None:
        parser.error("--format json exports every digest and paper of the site: leave out DIGEST")
    if args.fmt != "json" and args.digest is None:
        parser.error(f"--format {args.fmt} exports one digest: name its file (DIGEST)")


def _export(args: argparse.Namespace) -> int:
    from papersite.export import export_archive, export_digest, write_export

    if args.fmt == "json":
        exported = export_archive(args.source, base_url=args.base_url)
    else:
        exported = export_digest(args.source, args.digest, args.fmt, base_url=args.base_url)
    _print_problems(exported.warnings, " (warning)")
    if args.out is None or str(args.out) == "-":  # "-" as for import's --out
        _write_utf8(exported.content)
    else:
        write_export(exported, args.out, args.source)
        print(args.out)
    return 0


INTERRUPTED = 130
"""The exit status after Ctrl-C, as shells give a process ended by SIGINT (128 + 2)."""


def run() -> NoReturn:
    """The ``papersite`` command: ``main``, then out of the process at once, as Instagram's
    servers leave (``os._exit``). A build leaves millions of objects, which Python's own exit
    would collect and free one by one (a fifth of a second at 10,000 papers, more at 50,000)
    just before the process ends anyway. Nothing is lost: the output is flushed first, every
    file is closed and every worker joined by then, and no command leaves work to ``atexit``.
    An error that escapes ``main`` ends the process the usual way, with its traceback; but not
    Ctrl-C: a command that must say what it leaves (build, enrich) says it itself, and anywhere
    else (while a command imports its libraries, its first few tenths of a second) it is a
    plain "interrupted", not a traceback."""
    if isinstance(sys.stdout, io.TextIOWrapper):  # Korean paths on a terminal that is not UTF-8
        sys.stdout.reconfigure(errors="backslashreplace")  # as Python writes standard error
    sys.stdout = _StandardOutput(sys.stdout)
    try:
        code = main()
        sys.stdout.flush()  # here, not in ``finally``: a failure to write is this command's
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = INTERRUPTED
    except OutputLost as lost:
        code = 1
        if lost.errno != errno.EPIPE:  # a reader that left (``| head``) knows why
            print(f"error: {lost}", file=sys.stderr)
    try:
        sys.stderr.flush()
    finally:
        os._exit(code)


def _write_utf8(data: bytes) -> None:
    """Writes a file's bytes (UTF-8, as its format says) to standard output, whatever the
    terminal's encoding, after what was printed before it."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


class OutputLost(Exception):
    """Standard output could not be written (a full disk; a reader that left, ``| head``).

    Not an ``OSError``, so that no command takes it for one of its own files (build's "the
    output is as it was"), and not a ``PapersiteError``, so that it reaches ``run`` whatever the
    command was doing."""

    def __init__(self, error: OSError) -> None:
        self.errno = error.errno
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        advice = "free some space, or send the output elsewhere" if full else "send it elsewhere"
        super().__init__(f"cannot write to standard output: {error.strerror or error}; {advice}")


class _StandardOutput:
    """A text or binary stream whose failed writes and flushes raise ``OutputLost``."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: Any) -> int:
        try:
            return int(self._stream.write(data))
        except OSError as error:
            raise OutputLost(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise OutputLost(error) from None

    @property
    def buffer(self) -> _StandardOutput:
        return _StandardOutput(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


if __name__ == "__main__":
    run()
