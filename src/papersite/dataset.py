"""The archive as open data: every digest and paper as JSON (with a JSON Schema) and CSV.

Every build publishes, under ``data/``:

- ``digests.json``: each digest exactly as written (``Digest``, texts in every language, ``"*"``
  for a text that is the same in every language), with its ID, URL, file and papers' IDs. A
  digest file can be written back from it without losing anything (tested).
- ``papers.json``: each paper once: its ID (the arXiv ID without version, else a slug of its
  title), URL, title, authors, tags, arXiv's and Semantic Scholar's records, and every digest
  it appears in, with the digest's introduction of it (``summary``), its award, and who wrote
  each of its texts
  (``provenance.py``: the status of each field in each language, where known).
- ``papers.csv``: one row per paper, for spreadsheets.
- ``schema/v1/*.schema.json``: JSON Schemas (draft 2020-12) of the two JSON files and of the
  file ``papersite export --format json`` writes (both in one).

Keys are in a fixed order, digests newest first and papers by ID, so that the diff between two
builds' data shows only what changed. ``DATASET_VERSION`` changes when a change to the form
would break a reader.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache, partial
from pathlib import Path
from typing import Any, Literal, TypeVar

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field

from papersite.arxiv_ids import canonical_arxiv_id
from papersite.context import filled
from papersite.enrich import given_arxiv_id
from papersite.model import (
    ArxivRecord,
    Digest,
    ProvenanceStatus,
    SemanticScholarRecord,
    Site,
    SitePaper,
    SourcedDigest,
    text_in,
)
from papersite.provenance import paper_texts, text_statuses
from papersite.urls import absolute_url
from papersite.write import Chunk, ChunkedPage, Copied, Manifest, Stat, file_stat, piece_hash

DATASET_VERSION = 1
DATA_DIR = "data"
SCHEMA_DIR = f"{DATA_DIR}/schema/v{DATASET_VERSION}"
WITH_LONG_TEXTS = frozenset({f"{DATA_DIR}/digests.json", f"{DATA_DIR}/papers.json"})
"""The data files that hold the digests' long texts (summaries, abstracts, sections, overviews):
the others are made again only when the rest of a digest file changed (``incremental.py``)."""
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Record(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class SiteRecord(_Record):
    title: dict[str, str]
    base_url: str
    languages: list[str]
    """The first is the site's default language."""


class DigestRecord(_Record):
    id: str
    """The digest's path on the site, without slashes at the ends: ``weekly/2025-03-17``."""
    url: str
    file: str
    """Its file in the site's repository: ``digests/weekly/2025-03-17.yaml``."""
    papers: list[str]
    """The IDs of its papers, in its order."""
    digest: Digest
    """The digest as written."""


Provenances = dict[str, dict[str, ProvenanceStatus]]
"""Field (``title``, ``summary``, ``abstract``, ``sections``) → language → status."""


class AppearanceRecord(_Record):
    digest: str
    """The digest's ID."""
    index: int
    """The entry's place in the digest, from 0."""
    award: str | None
    summary: dict[str, str] | None
    """The digest's introduction of the paper, per language (the entry's other texts are in
    ``digests.json``, at ``papers[index]`` of the digest)."""
    provenance: Provenances
    """Who wrote each of the entry's texts, per language, where the digest says."""


class PaperRecord(_Record):
    id: str
    url: str
    title: dict[str, str]
    """As the paper's newest digest gives it; in English, arXiv's where it gives none."""
    authors: list[str]
    tags: list[str]
    arxiv: ArxivRecord | None
    semantic_scholar: SemanticScholarRecord | None
    appearances: list[AppearanceRecord]
    """Oldest digest first."""


class _File(_Record):
    schema_url: str = Field(alias="$schema")
    version: Literal[1]
    site: SiteRecord


class DigestsFile(_File):
    digests: list[DigestRecord]


class PapersFile(_File):
    papers: list[PaperRecord]


class ArchiveFile(_File):
    """What ``papersite export --format json`` writes: both files' contents in one."""

    digests: list[DigestRecord]
    papers: list[PaperRecord]


SCHEMAS: dict[str, type[_File]] = {
    "digests": DigestsFile,
    "papers": PapersFile,
    "archive": ArchiveFile,
}
SCHEMA_FILES = frozenset(f"{SCHEMA_DIR}/{name}.schema.json" for name in SCHEMAS)
"""The data files made from no content: papersite's schemas, with the base URL in their ``$id``."""


def schema_url(base_url: str, name: str) -> str:
    return absolute_url(base_url, f"{SCHEMA_DIR}/{name}.schema.json")


def json_schema(name: str, base_url: str) -> dict[str, Any]:
    """The JSON Schema of ``data/<name>.json`` (or of the export file, ``archive``)."""
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": schema_url(base_url, name), **_schema(name)}


@cache
def _schema(name: str) -> dict[str, Any]:
    """The model's own schema: the same for every build of a process, and a tenth of a
    second to make for the four files (a resident rebuild makes them each time)."""
    return SCHEMAS[name].model_json_schema(by_alias=True, mode="serialization")


def _site_record(site: Site) -> SiteRecord:
    config = site.config
    return SiteRecord(
        title=config.title,
        base_url=absolute_url(config.base_url, ""),  # as the records' URLs begin
        languages=list(config.languages),
    )


def _ordered(site: Site) -> tuple[list[SourcedDigest], list[SitePaper]]:
    """Digests newest first, papers by ID: the files' stable order."""
    digests = sorted(site.digests, key=lambda d: (-d.digest.published.toordinal(), d.url))
    return digests, sorted(site.papers.values(), key=lambda paper: paper.identity)


def _digest_id(sourced: SourcedDigest) -> str:
    return sourced.url.strip("/")


def _digest_record(sourced: SourcedDigest, base_url: str) -> DigestRecord:
    return DigestRecord.model_construct(
        id=_digest_id(sourced),
        url=absolute_url(base_url, sourced.url),
        file=sourced.path,
        papers=[paper.identity for paper in sourced.digest.papers],
        digest=sourced.digest,
    )


def _paper_record(paper: SitePaper, base_url: str, languages: Sequence[str]) -> PaperRecord:
    return PaperRecord.model_construct(
        id=paper.identity,
        url=absolute_url(base_url, paper.url),
        title=_title(paper, languages),
        authors=_authors(paper),
        tags=_tags(paper),
        arxiv=paper.arxiv,
        semantic_scholar=paper.semantic_scholar,
        appearances=[
            AppearanceRecord.model_construct(
                digest=_digest_id(a.digest),
                index=a.index,
                award=a.paper.award,
                summary=a.paper.summary,
                provenance=_entry_provenance(a.digest.digest, a.index, languages),
            )
            for a in paper.appearances
        ],
    )


def _title(paper: SitePaper, languages: Sequence[str]) -> dict[str, str]:
    """As the paper's newest digest gives it, with arXiv's English title (as arXiv writes it)
    where that digest has no English one: the title the paper's page shows."""
    title = paper.appearances[-1].paper.title
    return filled(title, paper.arxiv.title if paper.arxiv else None, languages) or title


def _authors(paper: SitePaper) -> list[str]:
    """As the newest digest that names them gives them, else as arXiv does."""
    authors = next(
        (list(a.paper.authors) for a in reversed(paper.appearances) if a.paper.authors), []
    )
    if not authors and paper.arxiv is not None:
        authors = list(paper.arxiv.authors)
    return authors


def _tags(paper: SitePaper) -> list[str]:
    return sorted({tag for a in paper.appearances for tag in a.paper.tags})


def _entry_provenance(digest: Digest, index: int, languages: Sequence[str]) -> Provenances:
    found: Provenances = {}
    for text in paper_texts(digest.papers[index], index):
        for lang, known in text_statuses(digest, text, languages).items():
            found.setdefault(text.field, {})[lang] = known
    return found


def _digest_item(sourced: SourcedDigest, base_url: str) -> bytes:
    return _item(_digest_record(sourced, base_url))


def _paper_item(paper: SitePaper, base_url: str, languages: Sequence[str]) -> bytes:
    return _item(_paper_record(paper, base_url, languages))


def _item(record: BaseModel) -> bytes:
    """A record as an item of a top-level list: indented JSON, two spaces in, UTF-8."""
    values = record.__pydantic_serializer__.to_python(record, by_alias=True, mode="json")
    dumped = pydantic_core.to_json(_unshared(values), indent=1)
    # Indented by replacing the newlines of the bytes pydantic writes: JSON escapes every line
    # break inside a string, so each newline is one between lines of the record.
    return b"  " + dumped.replace(b"\n", b"\n  ")


def _unshared(value: Any) -> Any:
    """``value`` (JSON's types) with a copy of each text not in ASCII, for pydantic to write.
    It reads a text through CPython's UTF-8 form of it, which CPython then keeps inside the text
    for as long as the text lives: written from the site's own texts, the records would leave a
    second copy of every Korean text in the worker that writes the file (at 50,000 papers, some
    200 MiB over the largest process's peak). A copy takes its UTF-8 form away with it."""
    kind = type(value)
    if kind is str:
        return (
            value
            if value.isascii()
            else value.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
        )
    if kind is dict:
        return {key: _unshared(item) for key, item in value.items()}
    if kind is list:
        return [_unshared(item) for item in value]
    return value


C = TypeVar("C", bytes, Chunk)

SEPARATOR = b",\n"
"""Between two records of a list."""


def _document(
    schema: str,
    site: SiteRecord,
    lists: Mapping[str, Iterable[C]],
    placed: Callable[[int], None] | None = None,
) -> Iterator[bytes | C]:
    """A data file: ``$schema``, ``version``, ``site``, then each list of records, as
    ``model_dump_json(indent=1)`` would write it, but one record at a time: at 10,000 papers a
    file is 80 MB, which is never held in memory whole. A list's items are records, or spans of
    an earlier file (``Copied``) that hold consecutive records with their separators: the file
    is in the same chunks either way. ``placed`` is told where each item starts, in order."""
    site_json = site.model_dump_json(indent=1).replace("\n", "\n ")
    head = f'{{\n "$schema": {json.dumps(schema, ensure_ascii=False)},\n'
    head += f' "version": {DATASET_VERSION},\n "site": {site_json}'
    position = len(chunk := head.encode("utf-8"))
    yield chunk
    for name, items in lists.items():
        opening = f',\n "{name}": [\n'.encode()
        for item in items:
            yield opening
            position += len(opening)
            if placed is not None:
                placed(position)
            yield item
            position += len(item) if isinstance(item, bytes) else item.length
            opening = SEPARATOR
        chunk = b"\n ]" if opening == SEPARATOR else f',\n "{name}": []'.encode()
        position += len(chunk)
        yield chunk
    yield b"\n}\n"


RecordKey = tuple[str | int, ...]
"""What a record of a data file is made from, by hash (``RecordCopier``)."""

Span = tuple[int, int, bytes]
"""Where a record lies in a data file, offset and length in bytes, and its ``piece_hash``."""

Spans = dict[str, tuple[Stat, dict[RecordKey, Span]]]
"""Where each record of the data files lies in them as written: by the file's path, its stat
then (``write.Written.stat``), and each record's span by its key."""

Noted = list[tuple[str, RecordKey, Span]]
"""Where records landed (path, key, span): what a forked worker sends back."""

_SEPARATOR_HASH = piece_hash(SEPARATOR)


class RecordCopier:
    """A record of a data file made from the same inputs as a record of the file as the last
    build wrote it is copied from that file: at 10,000 papers, making ``papers.json`` and
    ``digests.json`` whole takes over two seconds. Records that lay one after the other are
    copied together, by the kernel, with the hashes they had (``write.Copied``): the two files,
    127 MB, are then made in a few hundredths of a second. A record is keyed by hashes: the
    site's content besides the digests (``fingerprint.content_inputs``: the configuration, the
    lockfile, the options) and the file of each digest it is made from, with the entry's place
    in it; a paper's also by its ID and URL, which other papers may decide. Where each record
    lands is noted as it is written, perhaps in a forked worker (``notes``, ``adopt``), and kept
    with the record of the build (``keep``) for the next one."""

    def __init__(self, spans: Spans, out: Path, content: str, hashes: Mapping[str, str]) -> None:
        self.spans, self.out, self.content, self.hashes = spans, out, content, hashes
        self.placed: dict[str, dict[RecordKey, Span]] = {}
        """Where each record made in this process landed, by file and key."""

    def digest_key(self, sourced: SourcedDigest) -> RecordKey:
        return ("digest", self.content, sourced.path, self.hashes.get(sourced.path, ""))

    def paper_key(self, paper: SitePaper) -> RecordKey:
        key: list[str | int] = ["paper", self.content, paper.identity, paper.url]
        for a in paper.appearances:
            key += (a.digest.path, self.hashes.get(a.digest.path, ""), a.index)
        return tuple(key)

    def knows(self, path: str) -> bool:
        """Whether the last build noted where the records of the data file at ``path`` lie,
        made from the same content inputs (with another lockfile or configuration, no record
        has the same key)."""
        spans = self.spans.get(path, (None, {}))[1]
        return any(key[1] == self.content for key in itertools.islice(spans, 1))

    def document(
        self,
        path: str,
        schema: str,
        site: SiteRecord,
        records: Sequence[tuple[Callable[[], RecordKey], Callable[[], bytes]]],
    ) -> Iterator[Chunk]:
        """The data file at ``path`` holding ``records`` (for each, what gives its key and what
        makes it), made as the writer reads it: a file the writer keeps costs no keys."""
        known = self._known(path)
        placed = self.placed[path] = {}
        items: list[list[tuple[RecordKey, Span]]] = []
        """What each item yielded holds, until ``_document`` says where it starts."""

        def note(start: int) -> None:
            held = items.pop()
            first = held[0][1][0]
            for key, (offset, length, digest) in held:
                placed[key] = (start + offset - first, length, digest)

        name = path.rsplit("/", 1)[-1].removesuffix(".json")
        try:
            parts = self._items(records, known, items)
            yield from _document(schema, site, {name: parts}, note)
        finally:
            if known is not None:
                os.close(known[0])

    @staticmethod
    def _items(
        records: Sequence[tuple[Callable[[], RecordKey], Callable[[], bytes]]],
        known: tuple[int, dict[RecordKey, Span]] | None,
        items: list[list[tuple[RecordKey, Span]]],
    ) -> Iterator[Chunk]:
        """The items of a data file's list: each record made, or the records found in the
        ``known`` file copied, those that lay one after the other in one span. What each item
        holds is put on ``items`` as it is yielded."""
        source, spans = known if known is not None else (-1, {})
        run: list[tuple[RecordKey, Span]] = []

        def copied() -> Copied:
            start, (end, length, _) = run[0][1][0], run[-1][1]
            hashes = _SEPARATOR_HASH.join(digest for _, (_, _, digest) in run)
            return Copied(source, start, end + length - start, hashes)

        for key_of, make in records:
            key = key_of()
            span = spans.get(key)
            if span is not None:
                if run and span[0] != run[-1][1][0] + run[-1][1][1] + len(SEPARATOR):
                    items.append(run)
                    yield copied()
                    run = []
                run.append((key, span))
                continue
            if run:
                items.append(run)
                yield copied()
                run = []
            record = make()
            items.append([(key, (0, len(record), piece_hash(record)))])
            yield record
        if run:
            items.append(run)
            yield copied()

    def _known(self, path: str) -> tuple[int, dict[RecordKey, Span]] | None:
        """The file at ``path`` as last written (an open descriptor), and its records' spans;
        None if it changed since, by its stat (or is not there)."""
        stat, spans = self.spans.get(path, (None, {}))
        try:
            file = os.open(self.out / path, os.O_RDONLY)
        except OSError:
            return None
        if stat is None or file_stat(file) != stat:
            os.close(file)
            return None
        return file, spans

    def notes(self) -> Noted:
        """Where the records made in this process since the last call landed."""
        noted = [
            (path, key, span) for path, spans in self.placed.items() for key, span in spans.items()
        ]
        self.placed.clear()
        return noted

    def adopt(self, noted: Noted) -> None:
        """Take in a worker's ``notes``."""
        for path, key, span in noted:
            self.placed.setdefault(path, {})[key] = span

    def keep(self, manifest: Manifest) -> Spans:
        """Once the output is committed (its files as ``manifest`` records them): the spans of
        its data files, for the next build."""
        kept: Spans = {}
        for path, (stat, spans) in self.spans.items():  # files kept from the last output
            written = manifest.get(path)
            # The same file but for its change time, which linking it (a swapped-in output:
            # ``OutputWriter.commit``) moves: recorded as it is now.
            if written is not None and written.stat[:3] == stat[:3] and path not in self.placed:
                kept[path] = (written.stat, spans)
        for path, placed in self.placed.items():
            if (written := manifest.get(path)) is not None:
                kept[path] = (written.stat, placed)
        return kept


def dataset_pages(site: Site, copier: RecordCopier | None = None) -> list[ChunkedPage]:
    """The files of ``data/`` for the site (see the module's description). Their chunks are
    made as the writer reads them, one record at a time; with a ``copier``, the records made
    from the same inputs as the last time are copied from the files as then written."""
    base_url, record = site.config.base_url, _site_record(site)
    digests, papers = _ordered(site)
    languages = list(site.config.languages)
    lists: dict[str, tuple[list[Any], Callable[[Any, str], bytes]]] = {
        "digests": (digests, _digest_item),
        "papers": (papers, partial(_paper_item, languages=languages)),
    }
    pages = []
    for name, (items, make) in lists.items():
        path, schema = f"{DATA_DIR}/{name}.json", schema_url(base_url, name)
        content: Iterator[Chunk]
        if copier is None:
            # ``map`` takes this ``make`` now: a generator would look it up when the file is
            # written, after the loop, and make every list's records with the last list's.
            content = _document(
                schema, record, {name: map(make, items, itertools.repeat(base_url))}
            )
        else:
            key = copier.digest_key if name == "digests" else copier.paper_key
            records = [(partial(key, item), partial(make, item, base_url)) for item in items]
            content = copier.document(path, schema, record, records)
        pages.append(ChunkedPage(path, content))
    rows = (_csv_row(paper, base_url, languages) for paper in papers)
    pages.append(ChunkedPage(f"{DATA_DIR}/papers.csv", _csv(record.languages, rows)))
    for name in SCHEMAS:
        pages.append(ChunkedPage(f"{SCHEMA_DIR}/{name}.schema.json", _schema_file(name, base_url)))
    return pages


def _schema_file(name: str, base_url: str) -> Iterator[Chunk]:
    """The bytes of ``data/schema/…/<name>.schema.json``, made as the writer reads them: a
    rebuild that keeps the file (``SCHEMA_FILES``) never makes the schema (pydantic takes
    40 ms for the three, a tenth of a small site's rebuild in a new process)."""
    schema = json.dumps(json_schema(name, base_url), ensure_ascii=False, indent=1)
    yield schema.encode() + b"\n"


def archive_json(site: Site) -> bytes:
    """What ``papersite export --format json`` writes: every digest and paper, in one file."""
    base_url, languages = site.config.base_url, site.config.languages
    digests, papers = _ordered(site)
    lists = {
        "digests": (_digest_item(sourced, base_url) for sourced in digests),
        "papers": (_paper_item(paper, base_url, languages) for paper in papers),
    }
    return b"".join(_document(schema_url(base_url, "archive"), _site_record(site), lists))


CSV_SEPARATOR = "; "
"""Between the items of a list in one cell (authors, tags, digests)."""


def _list_cell(items: Iterable[str]) -> str:
    """``items`` in one cell, joined with ``CSV_SEPARATOR``. An item that the separator could
    split or a reader could trim (an author "Doe; Jane", a ``"``, a line break, a space in
    front) is in double quotes, its own doubled, as a field of a CSV line: every cell reads
    back with a CSV reader splitting at ``;`` and skipping the space after it."""
    return CSV_SEPARATOR.join(_csv_field(item) for item in items)


def _csv_field(item: str) -> str:
    if any(char in item for char in ';"\n\r') or item[:1].isspace():
        return '"' + item.replace('"', '""') + '"'
    return item


CSV_HEADER = ["id", "url", "arxiv_id", "authors", "published", "updated", "primary_category",
              "tags", "digests"]  # fmt: skip
"""The columns, with ``title_<lang>`` for each site language after ``arxiv_id``."""


def _csv_row(paper: SitePaper, base_url: str, languages: list[str]) -> list[str]:
    """The paper's row: the fields of its record (``_paper_record``) that fit in a cell."""
    record, title = paper.arxiv, _title(paper, languages)
    return [
        paper.identity, absolute_url(base_url, paper.url), _arxiv_id(paper),
        *(text_in(title, lang) or "" for lang in languages),
        _list_cell(_authors(paper)),
        record.published.isoformat() if record and record.published else "",
        record.updated.isoformat() if record and record.updated else "",
        record.primary_category if record else "",
        _list_cell(_tags(paper)),
        _list_cell(_digest_id(a.digest) for a in paper.appearances),
    ]  # fmt: skip


def _arxiv_id(paper: SitePaper) -> str:
    """The paper's arXiv ID without version: its record's, else the one its digests give (a
    paper not yet in the lockfile is on arXiv all the same); "" for a paper not known there."""
    if paper.arxiv is not None:
        return paper.arxiv.id
    given = given_arxiv_id(paper)
    return canonical_arxiv_id(given) if given else ""


def _inert(cell: str) -> str:
    """A cell a spreadsheet shows as text: one that starts as a formula would (``=HYPERLINK(…)``
    in a title, ``+``, ``-``, ``@``) gets a leading ``'``, as OWASP advises against CSV
    injection."""
    return "'" + cell if cell[:1] in _FORMULA_STARTS else cell


_FORMULA_STARTS = frozenset("=+-@\t\r")


def _csv(languages: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """One row per paper (``CSV_HEADER``), a chunk per row. UTF-8 with a byte-order mark, which
    spreadsheet programs need to read Korean correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    titles = [f"title_{lang}" for lang in languages]
    buffer.write("\ufeff")
    writer.writerow([*CSV_HEADER[:3], *titles, *CSV_HEADER[3:]])
    for row in rows:
        writer.writerow([_inert(cell) for cell in row])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
