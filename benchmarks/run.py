"""The build benchmark: cold, no-change and one-edit builds of a synthetic site, as a user runs them.

    python benchmarks/run.py [--papers 10000] [--seed 1] [--site DIR] [--keep] [--search]
                             [--edits K] [--resident] [--verify] [--profile] [--json FILE]

Every build is a fresh ``python -m papersite build`` process, so the figures include start-up and
imports; but with ``--resident``, K more one-edit builds run in one process that keeps what each
build made for the next, as ``papersite serve`` rebuilds (``papersite.resident``); with
``--search`` too, each of those leaves a large site's search index for later, as ``serve`` does,
and the build that then makes it is timed on its own. "Written"
counts the output files a build created or replaced (new inode, size or mtime); a build that swaps in a whole new folder writes every file, one that skips unchanged
pages writes few. ``--profile`` needs pyinstrument: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from generate import generate

RECORD = "benchmark.json"
CACHE = ".papersite-cache"
PROFILE_LINES = 80
# pyinstrument hides library frames; the time spent in templates, Markdown and YAML is the point.
PROFILE_SHOW = r".*/(papersite|jinja2|markdown_it|mdit_py_plugins|yaml|pydantic|latex2mathml)/.*"
# Where the English summary of a digest's first paper starts, in each digest form.
SUMMARY_EN = {".yaml": ("    summary:\n", "      en: |\n"), ".md": ("### Summary\n", "#### en\n")}
WORD = re.compile(r"\b[a-z]{4,}\b")

Snapshot = dict[str, tuple[int, int, int]]

# As a user's Python runs: caching compiled modules, which some sandboxes and CI images turn off
# (compiling papersite's own modules at every start is a tenth of a second).
USER_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


class BenchmarkError(Exception):
    """A build failed, or the site folder cannot be used; the message says which."""


@dataclass
class Result:
    name: str
    wall: float
    cpu: float
    peak_mb: float
    """In MiB (2**20 bytes), as ``ru_maxrss`` counts: 500 MiB is 524 MB."""
    written: int
    total: int
    summary: str

    @property
    def pages_per_second(self) -> float:
        return self.written / self.wall if self.wall else 0.0


def prepare_site(site: Path, papers: int, seed: int) -> bool:
    """Generate the site into ``site`` unless it already holds this one; True when generated."""
    record = site / RECORD
    # The generator's own hash too: a site made by an older generate.py is not the same site.
    generator = hashlib.sha256(Path(__file__).with_name("generate.py").read_bytes()).hexdigest()
    wanted = {"papers": papers, "seed": seed, "generator": generator[:16]}
    if record.is_file() and json.loads(record.read_text(encoding="utf-8")) == wanted:
        return False
    if site.is_dir() and any(site.iterdir()) and not record.is_file():
        raise BenchmarkError(f"{site} is not empty and has no {RECORD}: not generating there")
    record.unlink(missing_ok=True)  # an interrupted generation must not pass for a finished one
    generate(site, papers, seed)
    record.write_text(json.dumps(wanted) + "\n", encoding="utf-8")
    return True


def snapshot(folder: Path) -> Snapshot:
    """``path → (inode, size, mtime_ns)`` of every file under ``folder``; empty if it is missing."""
    files: Snapshot = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            stat = os.stat(path, follow_symlinks=False)
            files[os.path.relpath(path, folder)] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return files


def build_command(site: Path, search: bool, out: Path | None = None) -> list[str]:
    command = [sys.executable, "-m", "papersite", "build", "--source", str(site)]
    return command + (["--out", str(out)] if out else []) + ([] if search else ["--no-search"])


def run_build(name: str, command: list[str], out: Path) -> Result:
    """Run one build and measure it; raise ``BenchmarkError`` with its stderr if it fails."""
    before = snapshot(out)
    # Files rather than pipes: nothing has to drain them while os.wait4 blocks.
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=USER_ENVIRONMENT)
        # wait4, not Popen.wait: its rusage is the child's plus its reaped children's (Pagefind).
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        output, errors = (f.read().decode(errors="replace") for f in (stdout, stderr))
    if process.returncode != 0:
        tail = "\n".join(errors.splitlines()[-40:])
        raise BenchmarkError(
            f"{name} build failed (exit {process.returncode}): {shlex.join(command)}\n{tail}"
        )
    after = snapshot(out)
    written = sum(1 for path, key in after.items() if before.get(path) != key)
    summary = next((line for line in output.splitlines() if line.startswith("Built ")), "")
    peak_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)  # KB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{name}: {wall:.2f} s; {summary or 'no summary line in its output'}", flush=True)
    return Result(name, wall, cpu, peak_mb, written, len(after), summary)


def remove(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)


def edit_digest(site: Path, number: int) -> tuple[Path, str]:
    """Change one word of the first paper's English summary in a weekly digest past the middle;
    returns the file and its text before the edit."""
    weekly = sorted((site / "digests" / "weekly").iterdir())
    path = weekly[(len(weekly) // 2 + number) % len(weekly)]
    text = path.read_text(encoding="utf-8")
    section, language = SUMMARY_EN[path.suffix]
    match = WORD.search(text, text.index(language, text.index(section)))
    if match is None:
        raise BenchmarkError(f"{path}: found no word to edit in the first English summary")
    new = "benchmark" if match.group() != "benchmark" else "baseline"
    path.write_text(text[: match.start()] + new + text[match.end() :], encoding="utf-8")
    return path, text


def differences(left: Path, right: Path) -> list[str]:
    """Paths, relative to both folders, that one of them lacks or whose bytes differ."""
    left_files, right_files = set(snapshot(left)), set(snapshot(right))
    differ = left_files ^ right_files
    for path in left_files & right_files:
        if (left / path).read_bytes() != (right / path).read_bytes():
            differ.add(path)
    return sorted(differ)


def verify(site: Path, search: bool) -> tuple[Result, list[str]]:
    """Compare the output in ``site/build`` with a cold build of the same input elsewhere."""
    with tempfile.TemporaryDirectory(prefix="papersite-verify-") as aside:
        incremental, fresh = Path(aside) / "incremental", Path(aside) / "cold"
        shutil.copytree(site / "build", incremental, symlinks=True)
        remove(site / CACHE)
        result = run_build("verify cold", build_command(site, search, fresh), fresh)
        return result, differences(incremental, fresh)


def cold_build(site: Path, args: argparse.Namespace) -> Result:
    remove(site / "build")
    remove(site / CACHE)
    command = build_command(site, args.search)
    if not args.profile:
        return run_build("cold", command, site / "build")
    with tempfile.TemporaryDirectory(prefix="papersite-profile-") as folder:
        report = Path(folder) / "profile.txt"
        profiler = ["-m", "pyinstrument", "-r", "text", "--no-color", "-o", str(report)]
        profiler += ["--show-regex", PROFILE_SHOW]
        # Profiling slows the build down: the row's name says so, lest it be pasted as a figure.
        result = run_build("cold (profiled)", [command[0], *profiler, *command[1:]], site / "build")
        lines = report.read_text(encoding="utf-8").splitlines()
    print("\n".join(lines[:PROFILE_LINES]) + "\n")
    return result


def measure(site: Path, args: argparse.Namespace, originals: dict[Path, str]) -> list[Result]:
    """The cold, no-change and one-edit builds; ``originals`` gets each edited file's text."""
    results = [cold_build(site, args)]
    results.append(run_build("no change", build_command(site, args.search), site / "build"))
    for number in range(args.edits):
        path, text = edit_digest(site, number)
        originals.setdefault(path, text)
        name = "one edit" if args.edits == 1 else f"one edit {number + 1}"
        results.append(run_build(name, build_command(site, args.search), site / "build"))
    if args.resident:
        results += resident_builds(site, args, originals)
    return results


def resident_builds(
    site: Path, args: argparse.Namespace, originals: dict[Path, str]
) -> list[Result]:
    """One-edit builds in one process that keeps what each build made for the next, as
    ``papersite serve`` does (``papersite.resident``): a first edit's build makes what it keeps,
    and is not counted; then ``args.edits`` edits, each timed. Run in a child process, which
    prints a JSON line per build."""
    command = [sys.executable, __file__, "--site", str(site), "--edits", str(args.edits)]
    command += ["--search" if args.search else "--no-search", "--resident-child"]
    done = subprocess.run(command, capture_output=True, text=True, env=USER_ENVIRONMENT)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    for line in lines:
        for path, text in line.pop("originals", {}).items():
            originals.setdefault(Path(path), text)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.splitlines()[-40:])
        raise BenchmarkError(f"the resident builds failed (exit {done.returncode}):\n{tail}")
    results = [Result(**line) for line in lines if line]  # the first has only its edit
    for result in results:
        print(f"{result.name}: {result.wall:.2f} s; {result.summary}", flush=True)
    return results


def resident_child(site: Path, args: argparse.Namespace) -> int:
    """``resident_builds``' child: the builds, in this process; the edited files' texts go to
    the parent with the figures, which puts them back. With search, each edit is built as
    ``papersite serve`` builds it, leaving the search index of a large site for later, and the
    build that then makes the index is timed on its own. After each, the output is surveyed
    ahead of the next edit, as ``papersite serve`` does while no file changes (timed on its own,
    as "resident survey")."""
    import resource

    from papersite import build
    from papersite.build import survey_ahead
    from papersite.resident import Resident

    resident = Resident()

    def timed(name: str, defer_search: bool) -> dict[str, object]:
        before = snapshot(site / "build")
        start, used = time.perf_counter(), _cpu_seconds()
        report = build(site, search=args.search, defer_search=defer_search, resident=resident)
        wall, cpu = time.perf_counter() - start, _cpu_seconds() - used
        after = snapshot(site / "build")
        written = sum(1 for key, value in after.items() if before.get(key) != value)
        return asdict(Result(name, wall, cpu, peak_mb(), written, len(after), report.summary()))

    def peak_mb() -> float:
        who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        return max(resource.getrusage(one).ru_maxrss for one in who) / 1024

    for number in range(args.edits + 1):
        path, text = edit_digest(site, args.edits + number)
        suffix = "" if args.edits == 1 else f" {number}"
        edited = timed(f"resident edit{suffix}", defer_search=args.search)
        indexed = timed(f"resident search index{suffix}", False) if args.search else {}
        start, used = time.perf_counter(), _cpu_seconds()
        survey_ahead(site / "build", resident)
        wall, cpu = time.perf_counter() - start, _cpu_seconds() - used
        files = int(str(edited["total"]))
        what = f"the output's {files} files asked about ahead of the next edit"
        surveyed = asdict(Result(f"resident survey{suffix}", wall, cpu, peak_mb(), 0, files, what))
        print(json.dumps({"originals": {str(path): text}}), flush=True)
        if number > 0:  # the first makes what the resident keeps
            for line in (edited, indexed, surveyed):
                if line:
                    print(json.dumps(line), flush=True)
    return 0


def _cpu_seconds() -> float:
    """This process's CPU time and its reaped children's (the render workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def machine() -> dict[str, object]:
    cpuinfo = Path("/proc/cpuinfo")  # Linux only; elsewhere the platform string is all there is
    lines = cpuinfo.read_text(encoding="utf-8").splitlines() if cpuinfo.is_file() else []
    cpu = next(
        (line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), None
    )
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def table(results: list[Result]) -> str:
    """One row per build, the name left-aligned and the figures right-aligned."""
    rows = [("build", "wall s", "CPU s", "peak MiB", "written", "total files", "pages/s")]
    rows += [
        (r.name, f"{r.wall:.2f}", f"{r.cpu:.2f}", f"{r.peak_mb:.0f}", str(r.written),
         str(r.total), f"{r.pages_per_second:.0f}")
        for r in results
    ]  # fmt: skip
    widths = [max(map(len, column)) for column in zip(*rows, strict=True)]
    template = "  ".join([f"{{:<{widths[0]}}}"] + [f"{{:>{w}}}" for w in widths[1:]])
    return "\n".join(template.format(*row) for row in rows)


def report(args: argparse.Namespace, results: list[Result], differ: list[str] | None) -> None:
    info = machine()
    print(f"\n{args.papers} papers, seed {args.seed}, search {'on' if args.search else 'off'}")
    print(f"{info['date']}; {info['cpus']} CPUs, {info['cpu'] or 'CPU model unknown'}")
    print(f"{info['platform']}, Python {info['python']}\n")
    print(table(results) + "\n")
    for result in results:
        print(f"{result.name}: {result.summary}")
    if differ is not None:
        print("\nverify: " + ("identical" if not differ else f"{len(differ)} paths differ:"))
        print("\n".join(f"  {path}" for path in differ[:20]))
    if args.json:
        figures = [asdict(r) | {"pages_per_second": r.pages_per_second} for r in results]
        data = {"machine": info, "papers": args.papers, "seed": args.seed, "search": args.search}
        data |= {"builds": figures, "verify_differences": differ}
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--site", type=Path, help="site folder, kept and reused (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site folder")
    parser.add_argument("--search", action=argparse.BooleanOptionalAction, default=False)
    parser.add_argument("--edits", type=int, default=1, help="one-edit builds, each a new digest")
    parser.add_argument("--verify", action="store_true", help="compare the last edit's output "
                        "with a cold build's; exit 1 if they differ")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="profile the cold build")
    parser.add_argument("--resident", action="store_true", help="also time --edits one-edit "
                        "builds in one process, as papersite serve rebuilds")  # fmt: skip
    parser.add_argument("--resident-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.resident_child:
        return resident_child(args.site, args)
    site = (args.site or Path(tempfile.mkdtemp(prefix="papersite-bench-"))).resolve()
    originals: dict[Path, str] = {}
    try:
        generated = prepare_site(site, args.papers, args.seed)
        print(f"{site}: {'generated' if generated else 'reused'} ({args.papers} papers)")
        results = measure(site, args, originals)
        differ = None
        if args.verify:
            cold, differ = verify(site, args.search)
            results.append(cold)
        report(args, results, differ)
        return 1 if differ else 0
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        # Undo the edits, so that a kept site is still the generated one and can be reused.
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        if args.site is None and not args.keep:
            shutil.rmtree(site)
        elif args.site is None:
            print(f"kept {site}")


if __name__ == "__main__":
    sys.exit(main())
