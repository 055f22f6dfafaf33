"""Reading content: ``papersite.yaml`` and the digest files, into plain data with source positions.

This is the only module that reads the site's content from disk. It knows the two digest forms
(YAML, and Markdown with YAML front matter, see ``frontmatter.py``) and turns each file into a
``SourceDocument``: the data exactly as ``yaml.safe_load`` would give it, plus the line and column
of every node, so that later stages can point at ``file:line:col``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import re
import unicodedata
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AnyStr

import yaml

from papersite.cache import BuildCache, content_hash
from papersite.errors import Problem
from papersite.fingerprint import NotAFileError, digest_files, not_utf8_name, read_file
from papersite.names import (
    CONFIG_FILE,
    DIGEST_SUFFIXES,
    DIGESTS_DIR,
    GLOSSARY_FILE,
    OTHER_MARKDOWN_SUFFIXES,
)

# Plain YAML scalars under these keys are kept as written: an unquoted arXiv ID such as
# 2503.10610 would otherwise become the float 2503.1061 and lose its last digit.
VERBATIM_KEYS = frozenset({"arxiv"})

# PyYAML's C parser is several times faster and reports the same marks.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # type: ignore[assignment]

_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_YAML_TAGS = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(
    _YAML_TAGS + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
"""What a digest's scalars may be: what ``yaml.safe_load`` makes of plain data (not ``!!binary``,
nor ``!!python/…``, nor tags of its own, which it refuses)."""
_COLLECTION_TAGS: dict[type[yaml.Node], str] = {
    yaml.MappingNode: _YAML_TAGS + "map",
    yaml.SequenceNode: _YAML_TAGS + "seq",
}
MERGES_MAPPINGS = "'<<' merges mappings into this one (<<: *name, or <<: [*a, *b]); this is not one"

Location = tuple[str | int, ...]
"""A path into the data: ``("papers", 3, "links", 0, "url")``."""


class Positions:
    """The 1-based (line, column) of each value and each key of a document.

    Filled as the file is parsed, and read only to place a message. A large site has 400,000 of
    them, 60 MB as dicts of tuples: so they are pickled as one packed string, compressed (the
    build cache holds parsed files pickled), and unpickled stay packed until a message needs
    them: 2.5 MB at 10,000 papers, 6.6 MB uncompressed.
    """

    __slots__ = ("_keys", "_packed", "_values")

    def __init__(self) -> None:
        self._values: dict[Location, tuple[int, int]] = {}
        self._keys: dict[Location, tuple[int, int]] = {}
        self._packed: bytes | None = None

    @property
    def values(self) -> dict[Location, tuple[int, int]]:
        """Of each value node."""
        self._unpack()
        return self._values

    @property
    def keys(self) -> dict[Location, tuple[int, int]]:
        """Of each mapping key, for errors about the key itself."""
        self._unpack()
        return self._keys

    def nearest(self, location: Location) -> tuple[int, int]:
        """The position of the value at ``location``, or of its nearest ancestor's."""
        return nearest_position(self.values, location)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Positions):
            return NotImplemented
        return (self.values, self.keys) == (other.values, other.keys)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dicts it holds

    def _unpack(self) -> None:
        if self._packed is not None:
            self._values, self._keys = pickle.loads(zlib.decompress(self._packed))
            self._packed = None

    def __getstate__(self) -> bytes:
        if self._packed is not None:
            return self._packed
        # Level 1: within 6 % of the default level's size here, in half its time.
        return zlib.compress(pickle.dumps((self._values, self._keys), pickle.HIGHEST_PROTOCOL), 1)

    def __setstate__(self, packed: bytes) -> None:
        self._values, self._keys, self._packed = {}, {}, packed


@dataclass
class SourceDocument:
    """One content file, parsed: its data and where each part of it stands in the file."""

    path: str
    """Path relative to the site root, with forward slashes."""
    data: Any
    """The parsed data, as ``yaml.safe_load`` semantics give it."""
    positions: Positions = field(default_factory=Positions)

    @property
    def value_positions(self) -> dict[Location, tuple[int, int]]:
        """1-based (line, column) of each value node."""
        return self.positions.values

    @property
    def key_positions(self) -> dict[Location, tuple[int, int]]:
        """1-based (line, column) of each mapping key, for errors about the key itself."""
        return self.positions.keys

    def position(self, location: Location, *, key: bool = False) -> tuple[int, int]:
        """The position of ``location`` (its key's, with ``key``), or of its nearest ancestor."""
        if key and tuple(location) in self.key_positions:
            return self.key_positions[tuple(location)]
        return self.positions.nearest(location)

    def problem(self, location: Location, message: str, *, key: bool = False) -> Problem:
        """A ``Problem`` about ``location`` in this document."""
        line, column = self.position(location, key=key)
        return Problem(self.path, line, column, format_location(location), message)


def nearest_position(
    positions: dict[Location, tuple[int, int]], location: Location
) -> tuple[int, int]:
    """The position of ``location``, or of its nearest ancestor that has one, else 1:1."""
    loc = tuple(location)
    while loc not in positions and loc:
        loc = loc[:-1]
    return positions.get(loc, (1, 1))


def format_location(location: Location) -> str:
    """``("papers", 3, "url")`` → ``papers[3].url``; a key that a dot, bracket or slash would
    make ambiguous, quoted: ``("papers", "2503.14476", "arxiv")`` → ``papers["2503.14476"].arxiv``,
    and so an old-style arXiv ID: ``papers["hep-th/9901001"].arxiv``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part or _AMBIGUOUS_IN_PATH.search(part):
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
        else:
            text += f".{part}" if text else part
    return text


_AMBIGUOUS_IN_PATH = re.compile(r"[./\[\]\"'\s]")
"""What a key may not hold to be written after a dot: an arXiv ID's dot would read as two keys,
an old-style ID's slash (``hep-th/9901001``) as a path's."""


def as_read(value: object) -> str:
    """``value``, a scalar given where text was wanted, for a message: what it was read as, and
    that quotes keep it text (YAML reads an unquoted ``On`` as true, ``1.10`` as the number 1.1,
    ``2025-01-01`` as a date)."""
    quote = "put the text in quotes"
    if isinstance(value, bool):
        return (
            f"{str(value).lower()} (an unquoted yes, no, on, off, true or false is read as true "
            f"or false: {quote})"
        )
    if value is None:
        return "nothing (an empty value, or ~ or null unquoted): write the text"
    if isinstance(value, int | float):
        return f"the number {value!r} (an unquoted number is read as a number: {quote})"
    if isinstance(value, dt.date):  # a datetime too
        return f"the date {value.isoformat()} (an unquoted date is read as a date: {quote})"
    return repr(value)


MAX_VALUES = 100_000
"""The most values one YAML document may stand for through its aliases (each value an alias
repeats counts once more). Aliases (``*a``) repeated inside the values they name can make a
small file stand for billions (the "billion laughs"), which would take every byte of memory and
every second of a build; values written out are not limited."""
MAX_DEPTH = 100
"""How deeply values may nest (a digest's go six deep). A file nested thousands deep (a thousand
``[``, 2 KB) exhausts Python's stack, and some tens of thousands LibYAML's: a crash with no
message."""
TOO_DEEP = f"values nested more than {MAX_DEPTH} deep; a digest's go a few levels deep"
SCAN_NESTING_ABOVE = 10_000
"""A file with more marks that may open a nested value than this (``[``, ``{``, ``- ``, ``? ``) is
scanned for its depth before LibYAML composes it; LibYAML does not crash below this many."""
TOO_MANY_VALUES = (
    f"this file stands for more than {MAX_VALUES:,} values, through YAML aliases (*name) "
    "repeated inside what they name: write the values out"
)


def _tag_message(tag: str) -> str:
    shown = "!!" + tag.removeprefix(_YAML_TAGS) if tag.startswith(_YAML_TAGS) else tag
    return (
        f"the tag {shown} is not allowed: this file is plain data (texts, numbers, dates, lists "
        "and mappings); remove it"
    )


def _may_nest_deeply(text: str) -> bool:
    # A nesting needs two characters a level at least ("[" and "]", "- "): most files are
    # too short to hold one.
    if len(text) < 2 * SCAN_NESTING_ABOVE:
        return False
    marks = text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    return marks > SCAN_NESTING_ABOVE


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where (1-based line and column) ``text`` nests values more than ``MAX_DEPTH`` deep, found
    from LibYAML's events, which do not nest; None if it does not (or cannot be parsed:
    composing it says where)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                mark = event.start_mark
                if depth > MAX_DEPTH and mark is not None:
                    return mark.line + 1, mark.column + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


class _Unreadable(Exception):
    """A document too large or too deep to read: reported at ``node``, and read as nothing."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        self.node = node
        self.message = message


def line_and_column(text: AnyStr, position: int) -> tuple[int, int]:
    """The 1-based line and column of the character (or byte) at ``position`` of ``text``."""
    before = text[:position]
    newline = b"\n" if isinstance(before, bytes) else "\n"
    return before.count(newline) + 1, position - (before.rfind(newline) + 1) + 1


def unallowed_character(path: str, text: str, char: str, line_offset: int = 0) -> Problem:
    """The problem of ``char``, which neither YAML nor Markdown takes as it is, at its first
    place in ``text`` (whose first line is the file's ``line_offset + 1``)."""
    line, column = line_and_column(text, text.find(char))
    message = (
        f"the character U+{ord(char):04X} is not allowed in this file, nor can pages "
        "and feeds carry it (pasted from a PDF?); remove it"
    )
    return Problem(path, line + line_offset, column, "", message)


def _syntax_hint(text: str, mark: Any, problem: str, line_offset: int) -> str:
    """What to do about the YAML errors editors meet most, whose own words do not say."""
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        return ": this is a tab; YAML is indented with spaces"
    pasted = _pasted_indent(text, mark.line) if mark is not None else None
    if pasted is not None:
        line, char = pasted
        return (
            f": line {line + line_offset} is indented with U+{ord(char):04X} "
            f"({unicodedata.name(char, 'a space')}), which YAML does not read as a space "
            "(pasted from a web page?); indent with plain spaces"
        )
    if "mapping values are not allowed" in problem:
        return ": a value with ': ' in it must be quoted, as in title: \"DAPO: RL at scale\""
    if "another document" in problem:  # a second '---', as between two digests pasted together
        return (
            ": one YAML document here; remove this '---' (another digest needs a file of its own)"
        )
    return ""


_UNSEEN_BREAK = re.compile("[\x85\u2028\u2029]")
"""The characters YAML reads as line breaks and editors do not (nor do papersite's messages)."""


def _unseen_break(path: str, text: str, found: re.Match[str], line_offset: int) -> Problem:
    # Read as a line break, it moves every later line (an error after it was placed on a line
    # below its own), cuts a text in two (a syntax error), or folds into a space.
    line, column = line_and_column(text, found.start())
    char = found[0]
    message = (
        f"the character U+{ord(char):04X} ({unicodedata.name(char, 'NEXT LINE')}) is a line "
        "break to YAML, though not to most editors (pasted from a web page or a PDF?); "
        "replace it with a line break, or a space"
    )
    return Problem(path, line + line_offset, column, "", message)


def _pasted_indent(text: str, index: int) -> tuple[int, str] | None:
    """The 1-based line, of the error's (0-based ``index``) and the one before it, that is
    indented with another space than U+0020, and that space; None when neither is."""
    lines = text.split("\n")
    for number in (index, index - 1):
        if 0 <= number < len(lines):
            first = lines[number].lstrip(" ")[:1]
            if first and first != "\t" and unicodedata.category(first) == "Zs":
                return number + 1, first
    return None


class YamlReader:
    """Turns YAML text into plain data while recording where every node stands."""

    def __init__(self, document: SourceDocument, line_offset: int = 0) -> None:
        self.document = document
        self.line_offset = line_offset
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")
        self._repeated = 0
        """How many values the aliases of the document being read repeat (``MAX_VALUES``)."""
        self._seen: set[int] = set()
        self._aliased = False
        self._depth = 0

    def read(self, text: str, prefix: Location = ()) -> Any:
        """Parse one YAML document; syntax errors become problems and give ``None``."""
        deep = _too_deep(text) if _may_nest_deeply(text) else None
        if deep is not None:
            line, column = deep
            self.problems.append(
                Problem(self.document.path, line + self.line_offset, column, "", TOO_DEEP)
            )
            return None
        unseen = _UNSEEN_BREAK.search(text)
        if unseen is not None:
            self.problems.append(_unseen_break(self.document.path, text, unseen, self.line_offset))
            return None
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            message = f"YAML syntax error: {error.problem or error}"
            if error.context:
                message += f" ({error.context})"
            message += _syntax_hint(text, mark, str(error.problem), self.line_offset)
            self.problems.append(
                Problem(self.document.path, line + self.line_offset, column, "", message)
            )
            return None
        except yaml.reader.ReaderError as error:  # a character YAML does not allow, typed as it is
            # Found by the character, not by ``error.position``: LibYAML counts UTF-8 bytes, the
            # pure-Python reader characters. The reader stops at the first it meets.
            char = chr(error.character)
            self.problems.append(
                unallowed_character(self.document.path, text, char, self.line_offset)
            )
            return None
        if node is None:
            return None
        self._repeated = 0  # what it sees and how deep it is are left empty by the last read
        self._aliased = "&" in text  # no anchor, no alias: nothing is repeated
        try:
            return self._convert(node, prefix, verbatim=False)
        except _Unreadable as error:
            self._report(error.node, prefix, error.message)
            return None
        finally:
            self._seen = set()

    def _position(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1

    def _report(self, node: yaml.Node, location: Location, message: str) -> None:
        line, column = self._position(node)
        self.problems.append(
            Problem(self.document.path, line, column, format_location(location), message)
        )

    def _convert(self, node: yaml.Node, location: Location, *, verbatim: bool) -> Any:
        if self._aliased:
            if id(node) in self._seen:  # an alias's value, once more
                self._repeated += 1
                if self._repeated > MAX_VALUES:
                    raise _Unreadable(node, TOO_MANY_VALUES)
            else:
                self._seen.add(id(node))
        self.document.value_positions[location] = self._position(node)
        if isinstance(node, yaml.CollectionNode):
            return self._convert_collection(node, location)
        if node.tag not in _SCALAR_TAGS:
            self._report(node, location, _tag_message(node.tag))
            return None
        plain = isinstance(node, yaml.ScalarNode) and not node.style  # unquoted
        if verbatim and plain and node.tag != _NULL_TAG:  # `arxiv: null` is still no ID
            return node.value
        if node.tag == _STR_TAG:  # most scalars: what SafeConstructor would give, for less
            return node.value
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError) as error:
            # An impossible date such as 2025-02-30 matches YAML's timestamp pattern; keep the
            # text so that validation reports it as an invalid date, at its position.
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value
            self._report(node, location, str(error))
            return None

    def _convert_collection(self, node: yaml.CollectionNode, location: Location) -> Any:
        if node.tag != _COLLECTION_TAGS[type(node)]:
            self._report(node, location, _tag_message(node.tag))
            return None
        if self._depth == MAX_DEPTH:
            raise _Unreadable(node, TOO_DEEP)
        self._depth += 1
        try:
            if isinstance(node, yaml.MappingNode):
                return self._convert_mapping(node, location)
            return [
                self._convert(item, (*location, index), verbatim=False)
                for index, item in enumerate(node.value)
            ]
        finally:
            self._depth -= 1

    def _convert_mapping(self, node: yaml.MappingNode, location: Location) -> dict[str, Any]:
        # Merged keys (`<<: *defaults`) come first so that the mapping's own keys override them,
        # wherever the `<<` line stands, as in yaml.safe_load.
        merges = [value for key, value in node.value if key.tag == "tag:yaml.org,2002:merge"]
        result = self._merged(merges, location) if merges else {}
        own: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._report(
                    key_node, location, "a key must be a plain name, not a list or mapping"
                )
                continue
            # Keys are names in this format, so they stay text: `no:` is not the boolean false.
            key = key_node.value
            child = (*location, key)
            if key in own:
                first_line, _ = self.document.key_positions[child]
                message = f"duplicate key '{key}' (first given on line {first_line}); remove one"
                self._report(key_node, child, message)
                continue
            own.add(key)
            self.document.key_positions[child] = self._position(key_node)
            result[key] = self._convert(value_node, child, verbatim=key in VERBATIM_KEYS)
        return result

    def _merged(self, merges: list[yaml.Node], location: Location) -> dict[str, Any]:
        """The mappings named by merge keys; earlier ones win, as in yaml.safe_load."""
        own_position = self.document.value_positions[location]
        result: dict[str, Any] = {}
        for node in merges:
            sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    self._report(source, location, MERGES_MAPPINGS)
                    continue
                merged = self._convert(source, location, verbatim=False)
                if isinstance(merged, dict):
                    for key, value in merged.items():
                        result.setdefault(key, value)
        self.document.value_positions[location] = own_position
        return result


def decode_utf8(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or a problem pointing at the first byte that is not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = line_and_column(raw, error.start)
        message = (
            f"the file is not UTF-8 (byte 0x{raw[error.start]:02x} cannot be decoded); "
            "save it as UTF-8"
        )
        return None, [Problem(path, line, column, "", message)]
    # A carriage return alone ends a line too (in YAML, in CommonMark and in old Mac editors).
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def peek_config(root: Path) -> dict[str, Any]:
    """``papersite.yaml`` as plain data, for a command that only looks at a field of it (``new``
    its languages, ``serve`` its address before a build has succeeded); {} when it is missing,
    unreadable or not a mapping, which a build reports."""
    try:
        data = yaml.safe_load(read_file(root / CONFIG_FILE).decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):  # a named pipe too: never read
        return {}
    return data if isinstance(data, dict) else {}


def is_there(path: Path) -> bool:
    """Whether a site file is there, whatever it is: reading a named pipe, a folder or a link to
    nothing in its place reports what it is (``unreadable``), where ``is_file`` would call it
    missing, or leave it out without a word."""
    return os.path.lexists(path)


def unreadable(path: Path, error: OSError) -> str:
    """Why a content file cannot be read, and what to do."""
    if isinstance(error, NotAFileError):
        return f"cannot read the file: {error.strerror}; remove it, or put a file in its place"
    if path.is_symlink() and not path.exists():
        return (
            f"the file is a symbolic link to {path.readlink()}, which does not exist: "
            "fix the link, or remove it"
        )
    return f"cannot read the file: {error.strerror}; make it readable, or remove it"


def _digests_not_a_folder(root: Path) -> list[Problem]:
    """The error for a ``digests`` that is there but no folder (a file, a named pipe), where a
    build would find no digest and replace the output with a site without any. A link to
    nothing is listed as a digest (``digest_files``) and reported as one."""
    path = root / DIGESTS_DIR
    if not os.path.lexists(path) or path.is_dir() or (path.is_symlink() and not path.exists()):
        return []
    message = (
        "not a folder: remove it, and keep the site's digests in a folder of that name "
        "(papersite new makes it, with a first digest)"
    )
    return [Problem(DIGESTS_DIR, 0, 0, "", message)]


def misnamed_digest(path: str) -> Problem | None:
    """The error for a digest in the Markdown form whose name ends otherwise than ``.md``
    (``x.markdown``), which the build would otherwise leave out without a word."""
    stem, dot, suffix = path.rpartition(".")
    if f"{dot}{suffix}".lower() not in OTHER_MARKDOWN_SUFFIXES:
        return None
    name = stem.rsplit("/", 1)[-1]
    return Problem(
        path,
        0,
        0,
        "",
        f"papersite reads digests from {', '.join(DIGEST_SUFFIXES)} files, not '.{suffix}': "
        f"rename it to '{name}.md', or to '_{name}.{suffix}' to keep it as a note that is no "
        "digest",
    )


def site_relative(source: Path, path: Path, *, existing: bool = False) -> str | None:
    """``path``, as given on the command line, relative to the site folder ``source``: read from
    the current folder (as a shell completes it), else from the site folder (``--source``, from
    the repository's root); with ``existing``, only where it exists. None when it is in
    neither."""
    root = source.resolve()
    for candidate in (path, source / path):  # an absolute path is the same path twice
        if existing and not candidate.exists():
            continue
        resolved = candidate.resolve()
        if resolved.is_relative_to(root):
            return resolved.relative_to(root).as_posix()
    return None


def is_json(path: str) -> bool:
    """Whether a site file is JSON (the lockfile), whose values messages spell as JSON does."""
    return path.lower().endswith(".json")


def is_markdown(path: str) -> bool:
    """Whether a content file is in the Markdown form (``.md``, in any case), by its name."""
    return path.lower().endswith(".md")


def parse_source(text: str, path: str) -> tuple[SourceDocument, list[Problem]]:
    """Parse a content file's text in the form its name says."""
    if is_markdown(path):
        from papersite.frontmatter import parse_markdown_digest

        document, problems = parse_markdown_digest(text, path)
    else:
        document = SourceDocument(path, None)
        reader = YamlReader(document)
        document.data = reader.read(text)
        problems = reader.problems
    return document, problems + control_characters(document)


# C0 controls but tab, line feed and carriage return, DEL and the C1 controls: XML (the feeds)
# cannot carry the C0 ones and HTML may carry none; they come from pasting out of PDFs ("\f",
# U+0085) or from YAML escapes ("\x0b"). Nor may HTML carry the non-characters (U+FDD0–U+FDEF,
# and the last two code points of every plane: YAML's "\uFFFE", "\U0001FFFF"), nor XML some.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]"
)
"""These, and (as a range, which is searched much faster than their list) every code point from
the first plane's last two on: ``forbidden_character`` keeps the non-characters among those."""


def forbidden_character(value: str) -> str | None:
    """The first character of ``value`` that pages and feeds may not carry."""
    found = _CONTROL.search(value)
    while found is not None:  # most values have none; a few a character of the last planes
        char = found[0]
        if char <= "\uffff" or _is_non_character(char):
            return char
        found = _CONTROL.search(value, found.end())
    return None


def _is_non_character(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def control_characters(document: SourceDocument) -> list[Problem]:
    """A problem at each value of the document that holds a control character."""
    problems: list[Problem] = []

    def look(value: Any, location: Location) -> None:
        if isinstance(value, str):
            found = forbidden_character(value) if _CONTROL.search(value) else None
            if found is not None:
                code = f"U+{ord(found):04X}"
                kind = "non-character" if _is_non_character(found) else "control character"
                problems.append(
                    document.problem(
                        location,
                        f"has the {kind} {code}, which pages and feeds cannot "
                        "carry (pasted from a PDF?); remove it",
                    )
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                look(item, (*location, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                look(item, (*location, index))

    look(document.data, ())
    return problems


def read_source(root: Path, relative: str) -> tuple[SourceDocument | None, list[Problem]]:
    """Read and parse one content file under ``root``."""
    document, problems, _ = read_hashed_source(root, relative)
    return document, problems


def read_hashed_source(
    root: Path, relative: str, cache: BuildCache | None = None, known: str = ""
) -> tuple[SourceDocument | None, list[Problem], str]:
    """``read_source``, and the hash of the file's bytes; with a ``cache``, a file whose bytes
    were parsed before is not parsed again. ``known`` is the file's ``file_hash`` when the
    caller has just computed it: a file the cache holds is then not even read again."""
    # Taken, not got: the cache need not hold the bytes once they are unpickled.
    cached = cache.take("parsed", known) if cache is not None and known else None
    raw = b""
    if cached is None:
        try:
            raw = read_file(root / relative)
        except OSError as error:
            return None, [Problem(relative, 0, 0, "", unreadable(root / relative, error))], ""
        known = content_hash(relative, raw)
        cached = cache.take("parsed", known) if cache is not None else None
    if cached is not None:
        # Kept pickled, so that later stages changing the document cannot change the cache.
        document, problems = pickle.loads(cached)
        return document, problems, known
    text, problems = decode_utf8(raw, relative)
    if text is None:
        return None, problems, known
    document, problems = parse_source(text, relative)
    if cache is not None:
        cache.put("parsed", known, pickle.dumps((document, problems), pickle.HIGHEST_PROTOCOL))
    return document, problems, known


EMPTY_DIGEST = (
    "the file holds no digest (it is empty, or only comments): write one (papersite new "
    "makes a start), or remove the file"
)


@dataclass
class LoadedSite:
    """Every content file of a site, parsed, and the problems met while parsing."""

    config: SourceDocument | None
    digests: list[SourceDocument]
    problems: list[Problem]
    hashes: dict[str, str] = field(default_factory=dict)
    """The hash of each file's bytes, by path: what later stages key their caches on."""
    glossary: SourceDocument | None = None
    """``glossary.yaml``, if the site has one."""
    files: list[str] = field(default_factory=list)
    """Every digest file, in a stable order: those in ``digests`` and those left unread."""


def load_site(
    root: Path,
    cache: BuildCache | None = None,
    known: dict[str, str] | None = None,
    unread: Collection[str] = (),
) -> LoadedSite:
    """Read ``papersite.yaml`` and every digest under ``root``; collect all problems.
    ``known`` maps digest paths to their ``file_hash`` (see ``read_hashed_source``); the digest
    files in ``unread`` (the caller has them validated: ``resident.py``) are not read."""
    known = known or {}
    problems: list[Problem] = []
    hashes: dict[str, str] = {}
    if not is_there(root / CONFIG_FILE):
        problems.append(Problem(CONFIG_FILE, 0, 0, "", _no_config(root)))
        config = None
    else:
        config, config_problems, hashes[CONFIG_FILE] = read_hashed_source(root, CONFIG_FILE)
        problems += config_problems
    digests = []
    problems += _digests_not_a_folder(root)
    files = digest_files(root)
    if cache is not None:
        _parse_ahead(root, [path for path in files if path not in unread], cache, known)
    for relative in files:
        if relative in unread:
            hashes[relative] = known[relative]
            continue
        misnamed = misnamed_digest(relative)
        if misnamed is not None:
            problems.append(misnamed)
            continue
        misnamed = not_utf8_name(relative)
        if misnamed is not None:
            problems.append(misnamed)
            continue
        document, file_problems, hashes[relative] = read_hashed_source(
            root, relative, cache, known.get(relative, "")
        )
        problems += file_problems
        # A file with problems is still validated when it parsed, so that one build reports
        # every error (a Markdown heading out of place and a bad URL in the same file).
        if document is not None and document.data is not None:
            digests.append(document)
        elif document is not None and not file_problems:  # empty, or only comments
            problems.append(Problem(relative, 1, 1, "", EMPTY_DIGEST))
    glossary = None
    if is_there(root / GLOSSARY_FILE):
        glossary, glossary_problems, _ = read_hashed_source(root, GLOSSARY_FILE)
        problems += glossary_problems
    return LoadedSite(config, digests, problems, hashes, glossary, files)


def _no_config(root: Path) -> str:
    """Why the site folder ``root`` has no ``papersite.yaml``, and what to do: a folder that does
    not exist (a mistyped ``--source``) is not asked whether it is a site."""
    return (
        missing_site_folder(root)
        or f"no {CONFIG_FILE} here; is {root} a papersite site? (see README.md)"
    )


def missing_site_folder(root: Path) -> str | None:
    """What to say of a site folder ``root`` that does not exist (a mistyped ``--source``), for
    every command that takes one; None if it exists."""
    if root.exists():
        return None
    return (
        f"the site folder {root} does not exist: give the folder that holds {CONFIG_FILE} "
        "(--source; default: the current folder)"
    )


PARALLEL_FILES = 64
"""Below this many files to parse, one process is quicker than starting workers."""


def _parse_ahead(root: Path, files: list[str], cache: BuildCache, known: dict[str, str]) -> None:
    """Parse on every core the ``files`` that the cache does not hold (a cold build: 8 s for a
    thousand digests in one process), and store them in it, where ``read_hashed_source`` finds
    them. Only a speed-up: a file left out is parsed when read."""
    # Imported here: a build with nothing to do imports this module, and not multiprocessing.
    from papersite.parallel import fork_map, workers_for

    missing = [path for path in files if not cache.holds("parsed", known.get(path, ""))]
    processes = workers_for(len(missing), PARALLEL_FILES)
    if processes < 2:
        return

    def parse_share(numbers: range) -> list[tuple[str, bytes]]:
        parsed = []
        for number in numbers:
            document, problems, key = read_hashed_source(root, missing[number])
            if document is not None:
                pickled = pickle.dumps((document, problems), pickle.HIGHEST_PROTOCOL)
                parsed.append((key, pickled))
        return parsed

    for share in fork_map(parse_share, len(missing), processes):
        for key, pickled in share:
            cache.put("parsed", key, pickled)
