"""The metadata lockfile, ``arxiv.lock.json``: the only place builds read arXiv's data from.

``papersite enrich`` fetches records into it; ``papersite build`` reads it and never the network,
so a build is reproducible and works offline. The file is committed: it is JSON with sorted keys,
two-space indentation and one record per paper under its canonical arXiv ID, so a pull request's
diff shows exactly which records changed. It is always replaced atomically (a temporary file
beside it, then a rename), so an interrupted ``enrich`` leaves the previous complete file or the
new complete file, never half of one. A file that does not parse or does not match the record
models is an error with its line and column: it is never silently ignored or overwritten.
"""

from __future__ import annotations

import fcntl
import functools
import glob
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationError, model_validator

from papersite.arxiv_ids import canonical_arxiv_id, check_arxiv_id
from papersite.errors import ContentError, Problem
from papersite.fingerprint import bytes_hash, read_file
from papersite.load import (
    MAX_DEPTH,
    SourceDocument,
    YamlReader,
    control_characters,
    decode_utf8,
    forbidden_character,
    line_and_column,
    unreadable,
)
from papersite.model import (
    REFETCH,
    ArxivRecord,
    SemanticScholarRecord,
    StrictModel,
    WholeNumber,
)
from papersite.names import LOCKFILE as LOCKFILE
from papersite.titles import normalise_title
from papersite.validate import validate_document

FORMAT = 1


def _known_format(value: int) -> int:
    if value != FORMAT:
        raise ValueError(
            f"format {value} is not one this papersite reads (it reads format {FORMAT})"
            + (": a newer papersite wrote the file; upgrade papersite" if value > FORMAT else "")
        )
    return value


class LockEntry(StrictModel):
    """Everything the lockfile knows about one paper, one record per source."""

    arxiv: ArxivRecord | None = None
    semantic_scholar: SemanticScholarRecord | None = None

    @model_validator(mode="after")
    def _some_record(self) -> LockEntry:
        # ``enrich`` stores an entry with its first record: one without any is no paper's.
        if self.arxiv is None and self.semantic_scholar is None:
            raise ValueError(
                "the entry holds no record (arxiv, semantic_scholar): every entry papersite "
                f"enrich writes has one; {REFETCH}"
            )
        return self


class Lockfile(StrictModel):
    """The whole file. ``papers`` is keyed by canonical arXiv ID (``canonical_arxiv_id``)."""

    format: Annotated[WholeNumber, AfterValidator(_known_format)] = FORMAT
    papers: dict[str, LockEntry] = Field(default_factory=dict)

    def entry(self, arxiv_id: str) -> LockEntry | None:
        """The entry for an ID as a digest writes it (with a version, or a subject class)."""
        return self.papers.get(canonical_arxiv_id(arxiv_id))

    def resolved(self, normalised_title: str) -> LockEntry | None:
        """The entry found for a paper without an ID by ``enrich --resolve-titles``."""
        return self._by_resolved_title.get(normalised_title)

    @cached_property
    def _by_resolved_title(self) -> dict[str, LockEntry]:
        # Built once per lockfile (the model is frozen), so a build looks titles up in O(1).
        return {title: entry for entry in self.papers.values() if (title := _resolved(entry))}

    def with_record(self, arxiv_id: str, **records: object) -> Lockfile:
        """A copy with the given source records (``arxiv=...``) stored for ``arxiv_id``."""
        key = canonical_arxiv_id(arxiv_id)
        # Constructed, not validated: the empty entry gets its record at once.
        entry = self.papers.get(key, LockEntry.model_construct())
        papers = dict(self.papers)
        papers[key] = entry.model_copy(update=records)
        return self.with_papers(papers)

    def with_papers(self, papers: dict[str, LockEntry]) -> Lockfile:
        """A lockfile of these entries. (Not ``model_copy``, which would carry over the cached
        title index of the old entries.)"""
        return Lockfile.model_construct(format=self.format, papers=papers)


def read_lockfile(root: Path) -> Lockfile:
    """The site's lockfile, or an empty one when there is none; ``ContentError`` when broken."""
    return reread_lockfile(root)[1]


def lockfile_problems(root: Path) -> list[Problem]:
    """What is wrong with the site's lockfile ([] when nothing is): a build that stops at its
    digests' errors reports these with them, rather than one run after they are fixed."""
    try:
        read_lockfile(root)
    except ContentError as error:
        return error.problems
    return []


def reread_lockfile(
    root: Path, kept: tuple[str, Lockfile] | None = None, known: str = ""
) -> tuple[str, Lockfile]:
    """``read_lockfile``, with the file's ``file_hash`` ("" when there is none). ``kept`` is
    what an earlier call returned: its lockfile is returned again, neither read nor parsed,
    while ``known``, the hash the build found the file to have (``fingerprint.Stamper``), is
    the same, or while there is none (``resident.py``). Kept by hash, not by bytes: 7 MB at
    10,000 papers."""
    path = root / LOCKFILE
    missing = not path.exists()
    if kept is not None and kept[0] == known and (known or missing):
        return kept
    if missing:
        return "", Lockfile()
    try:
        raw = read_file(path)
    except OSError as error:
        raise ContentError([Problem(LOCKFILE, 0, 0, "", unreadable(path, error))]) from None
    text, problems = decode_utf8(raw, LOCKFILE)
    if text is None:
        raise ContentError(problems)
    return bytes_hash(LOCKFILE, raw), parse_lockfile(text)


def parse_lockfile(text: str) -> Lockfile:
    """Parse the lockfile's text; every problem is located at its line and column."""
    if not text.strip():  # JSON's own words would be "Expecting value"
        raise ContentError([_broken(1, 1, _not_an_object("nothing (the file is empty)"))])
    duplicates: list[str] = []
    try:
        data = json.loads(
            text,
            object_pairs_hook=functools.partial(_no_duplicates, duplicates),
            parse_constant=_not_json,
            parse_int=_whole_number,
        )
    except _NotJson as error:
        line, column = _token_position(text, error.token)
        raise ContentError([_broken(line, column, str(error))]) from None
    except RecursionError:  # JSON's parser recurses once per level: some thousand of them
        line, column = _token_position(text, lambda token, depth: depth > MAX_DEPTH)
        raise ContentError([_broken(line, column, _TOO_DEEP)]) from None
    except json.JSONDecodeError as error:
        conflict = _MERGE_CONFLICT.search(text)
        if conflict is not None:
            line = text.count("\n", 0, conflict.start()) + 1
            raise ContentError([Problem(LOCKFILE, line, 1, "", _MERGED)]) from None
        raise ContentError(
            [_broken(error.lineno, error.colno, f"invalid JSON: {error.msg}")]
        ) from None
    if not duplicates and isinstance(data, dict) and "format" in data and _plain(text):
        # The common case, a file papersite wrote: the models alone decide, with no need for
        # positions, which cost more than the parse itself on a large site.
        try:
            lockfile = Lockfile.model_validate(data, context={})
        except ValidationError:
            pass
        else:
            if not _misfiled(lockfile.papers) and not _same_resolved_titles(lockfile.papers):
                return lockfile
    return _located_lockfile(text, data)


_MERGE_CONFLICT = re.compile(r"^<{7}(?: |$)", re.MULTILINE)
"""The line where git's conflict begins, which only a file JSON cannot read holds."""
_MERGED = (
    "git left a merge conflict (<<<<<<<) in the file: take one side whole (git checkout "
    f"--theirs {LOCKFILE}, then git add it) and run papersite enrich, which fetches the "
    "records the other side added"
)  # not _with_advice's `git checkout -- arxiv.lock.json`, which git refuses while unmerged


class _NotJson(ValueError):
    """A value Python's JSON parser reads that JSON has not (``NaN``), or that Python cannot
    hold; ``token`` tells it from the other tokens of the file (``_token_position``)."""

    def __init__(self, message: str, token: Callable[[str, int], bool]) -> None:
        super().__init__(message)
        self.token = token


def _not_json(word: str) -> Any:
    raise _NotJson(
        f"invalid JSON: {word} is not a JSON value (JSON has no NaN or infinite number): "
        "write a number, or null",
        lambda token, depth: token == word,
    )


def _whole_number(digits: str) -> int:
    try:
        return int(digits)
    except ValueError:  # more digits than Python converts (4300): no field's number has them
        raise _NotJson(
            f"a number of {len(digits.lstrip('-'))} digits, more than any number of the file "
            "has: write the right one",
            lambda token, depth: token == digits,
        ) from None


def _token_position(text: str, wanted: Callable[[str, int], bool]) -> tuple[int, int]:
    """The line and column of the first token outside JSON's strings that is ``wanted``,
    given its text and how deeply it is nested (1 for the top object's own brace)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match[0]
        depth += token in ("[", "{")
        if wanted(token, depth):
            return line_and_column(text, match.start())
        depth -= token in ("]", "}")
    return 1, 1  # pragma: no cover - only called for a token the parser met


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[][{}]')
"""A JSON string, skipped whole (it may hold anything), or a token outside one that
``_token_position`` may look for: a word, a number, a bracket."""
_TOO_DEEP = f"values nested more than {MAX_DEPTH} deep; a lockfile's go five levels deep"


def _plain(text: str) -> bool:
    """Whether the file holds no character that pages and feeds cannot carry, as it is or
    escaped (JSON writes a control character as ``\\u0001``): nearly every file is so."""
    return "\\u" not in text and forbidden_character(text) is None


def _no_duplicates(found: list[str], pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, noting keys given twice (the JSON parser keeps the last)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        found.append("duplicate")
    return result


def _located_lockfile(text: str, data: Any) -> Lockfile:
    """Validate ``data`` again, now knowing where each node stands, to locate every problem."""
    if not isinstance(data, dict):  # validate_document's advice is for YAML files
        got = "a list" if isinstance(data, list) else json.dumps(data, ensure_ascii=False)
        raise ContentError([_broken(1, 1, _not_an_object(got))])
    document = SourceDocument(LOCKFILE, None)
    # JSON is YAML, and the YAML reader knows where each node stands; the data itself comes
    # from the JSON parser, the authority on what the file means.
    reader = YamlReader(document)
    reader.read(_YAML_UNLIKE_JSON.sub("?", text))
    duplicates = [p for p in reader.problems if "duplicate key" in p.message]
    document.data = data
    problems: list[Problem] = []
    if "format" not in data:
        # Read as this papersite's format, a file from another (or half of one) would be
        # misread record by record, with errors far from the cause, or none at all.
        problems.append(document.problem(("format",), _NO_FORMAT))
    lockfile = validate_document(Lockfile, document, problems, {})
    problems += control_characters(document)  # as in a digest: the pages show these texts
    entries = _valid_entries(data)
    problems += [
        document.problem(("papers", key), message, key=True) for key, message in _misfiled(entries)
    ]
    for key, first in _same_resolved_titles(entries):
        line, column = document.position(_resolved_field(first))
        problems.append(
            document.problem(
                _resolved_field(key),
                f"the entry {first} (at {line}:{column}) was resolved from the same title, and "
                "a build would silently use one of the two for the paper of that title: keep "
                "'resolved_from_title' on the record of the right paper and set it to null on "
                "the other, or write the right ID as the paper's 'arxiv' in its digest",
            )
        )
    problems = [_with_advice(p) for p in duplicates + problems]
    if problems or lockfile is None:
        raise ContentError(problems)
    return lockfile


_YAML_UNLIKE_JSON = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""A character that YAML reads otherwise than JSON: as a line break (U+0085, U+2028, U+2029,
which would put every later position on the wrong line), or not at all (U+FFFF, most
controls: no position at all). Read for positions only, each is replaced by '?'."""

_NO_FORMAT = (
    'the file has no "format" (every lockfile papersite writes has one): add '
    f'"format": {FORMAT} at its top if its records are as README.md describes ("The lockfile")'
)


def _not_an_object(got: str) -> str:
    return (
        f"expected a JSON object at the top of the file, got {got}: write "
        f'{{"format": {FORMAT}, "papers": {{}}}} (and run papersite enrich to fill it)'
    )


def _misfiled(papers: Mapping[str, LockEntry]) -> list[tuple[str, str]]:
    """The keys that are not their entry's paper's ID (in its canonical form, as a record's is),
    each with what to do. A build looks entries up by key, and its pages link and cite the
    arXiv record's ID: a record under another paper's key would give that paper another paper's
    links and citation, and an entry under a key no ID has is never found."""
    found = []
    for key, entry in papers.items():
        if entry.arxiv is not None and entry.arxiv.id == key:  # nearly every entry: no parse
            continue
        message = _arxiv_key_problem(key, entry.arxiv.id) if entry.arxiv else _key_problem(key)
        if message is not None:
            found.append((key, message))
    return found


def _resolved(entry: LockEntry) -> str:
    """The title ``enrich --resolve-titles`` found the entry's paper from, normalised as a build
    looks it up; "" when the digest gives the ID itself."""
    record = entry.arxiv
    return (
        normalise_title(record.resolved_from_title) if record and record.resolved_from_title else ""
    )


def _same_resolved_titles(papers: Mapping[str, LockEntry]) -> list[tuple[str, str]]:
    """Each key whose record was resolved from the same title as an earlier entry's, with that
    entry's key. A build finds the record of a paper without an ID by that title: of two, it
    would use one and never say which."""
    first: dict[str, str] = {}
    found = []
    for key, entry in papers.items():
        title = _resolved(entry)
        if title and first.setdefault(title, key) != key:
            found.append((key, first[title]))
    return found


def _resolved_field(key: str) -> tuple[str, ...]:
    """Where the title an entry was resolved from stands in the file."""
    return ("papers", key, "arxiv", "resolved_from_title")


def _arxiv_key_problem(key: str, record_id: str) -> str:
    """What to do with ``key``, which holds the arXiv record of ``record_id``, another ID."""
    if canonical_arxiv_id(key) == record_id:
        return _write_the_key(record_id, "its record's id: ")
    return (
        f"the record under this key is of {record_id}, another paper, whose links and "
        f"citation the page of {key} would show: change the key to {record_id!r} if "
        f"the record is the right one, else remove the record and run papersite enrich "
        f"to fetch {key}'s"
    )


def _key_problem(key: str) -> str | None:
    """What to do with ``key``, whose entry has no arXiv record to name its ID (only another
    source's, as ``enrich --with semantic-scholar`` stores them); None when it is an ID."""
    try:
        canonical = canonical_arxiv_id(check_arxiv_id(key))
    except ValueError as error:
        return (
            f"{error}; an entry is keyed by its paper's arXiv ID, and a build finds none under "
            "this key: write the ID, or remove the entry and run papersite enrich"
        )
    return None if canonical == key else _write_the_key(canonical, "")


def _write_the_key(canonical: str, what: str) -> str:
    return (
        f"write the key as {canonical!r}, {what}the paper's arXiv ID, without version, in "
        "arXiv's canonical form"
    )


def _valid_entries(data: Any) -> dict[str, LockEntry]:
    """The entries of the file's data that are valid on their own (the others' problems are
    reported by the whole file's validation)."""
    papers = data.get("papers") if isinstance(data, dict) else None
    entries: dict[str, LockEntry] = {}
    for key, raw in papers.items() if isinstance(papers, dict) else ():
        try:
            entries[key] = LockEntry.model_validate(raw, context={})
        except ValidationError:
            continue
    return entries


def _broken(line: int, column: int, message: str) -> Problem:
    return _with_advice(Problem(LOCKFILE, line, column, "", message))


def _with_advice(problem: Problem) -> Problem:
    advice = (
        "; fix the file by hand, or take it back from git (git checkout -- arxiv.lock.json) "
        "and run papersite enrich"
    )
    return Problem(
        problem.path, problem.line, problem.column, problem.field, problem.message + advice
    )


def dump_lockfile(lockfile: Lockfile) -> str:
    """The file's text: sorted keys, two-space indent, non-ASCII as is, a final newline."""
    data = lockfile.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_lockfile(root: Path, lockfile: Lockfile) -> None:
    """Replace the lockfile atomically: a reader sees the old file or the new, never a mix. The
    file keeps its mode (0644 for a new one); temporary files a killed write left are removed."""
    target = root / LOCKFILE
    mode = _mode(target)
    fd, temporary = tempfile.mkstemp(prefix=_TEMPORARY_PREFIX, suffix=".tmp", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            # Held until the rename: a later write removes only the temporary files no live
            # write holds (a kill releases it), so two runs never remove each other's.
            fcntl.flock(stream, fcntl.LOCK_EX)
            stream.write(dump_lockfile(lockfile))
            stream.flush()
            os.fsync(stream.fileno())
            os.chmod(temporary, mode)  # mkstemp makes it private; the file is committed, shared
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _remove_leftovers(root)


_TEMPORARY_PREFIX = f".{LOCKFILE}."


def _mode(target: Path) -> int:
    """The lockfile's permission bits, kept as an editor keeps them; 0644 for a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o644


def _remove_leftovers(root: Path) -> None:
    """Remove the temporary files of writes that were killed (``git add -A`` would commit
    them); one a running write holds is left to it."""
    for leftover in root.glob(f"{glob.escape(_TEMPORARY_PREFIX)}*.tmp"):
        try:
            with leftover.open("rb") as stream:
                fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
                leftover.unlink()
        except OSError:  # held by a running write, or gone already: not a leftover
            continue
