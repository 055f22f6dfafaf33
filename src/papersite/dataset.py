"""The archive as open data: every digest and paper as JSON (with a JSON Schema) and CSV.

Every build publishes, under ``data/``:

- ``digests.json``: each digest exactly as written (``Digest``, texts in every language, ``"*"``
  for a text that is the same in every language), with its ID, URL, file and papers' IDs. A
  digest file can be written back from it without losing anything (tested).
- ``papers.json``: each paper once: its ID (the arXiv ID without version, else a slug of its
  title), URL, title, authors, tags, arXiv's and Semantic Scholar's records, and every digest
  it appears in, with the entry as written there and who wrote each of its texts
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
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from papersite.model import (
    ArxivRecord,
    Digest,
    Paper,
    ProvenanceStatus,
    SemanticScholarRecord,
    Site,
    SitePaper,
    SourcedDigest,
    text_in,
)
from papersite.provenance import digest_texts, status
from papersite.write import Page

DATASET_VERSION = 1
DATA_DIR = "data"
SCHEMA_DIR = f"{DATA_DIR}/schema/v{DATASET_VERSION}"
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
    entry: Paper
    """The entry as written in that digest."""
    provenance: Provenances
    """Who wrote each of the entry's texts, per language, where the digest says."""


class PaperRecord(_Record):
    id: str
    url: str
    title: dict[str, str]
    """As the paper's newest digest gives it."""
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


def schema_url(base_url: str, name: str) -> str:
    return f"{base_url}{SCHEMA_DIR}/{name}.schema.json"


def json_schema(name: str, base_url: str) -> dict[str, Any]:
    """The JSON Schema of ``data/<name>.json`` (or of the export file, ``archive``)."""
    schema = SCHEMAS[name].model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": schema_url(base_url, name), **schema}


def archive(site: Site) -> ArchiveFile:
    """The whole site as data."""
    config = site.config
    site_record = SiteRecord(
        title=config.title, base_url=config.base_url, languages=list(config.languages)
    )
    digests = sorted(site.digests, key=lambda d: (-d.digest.published.toordinal(), d.url))
    papers = sorted(site.papers.values(), key=lambda paper: paper.identity)
    return ArchiveFile.model_construct(
        schema_url=schema_url(config.base_url, "archive"),
        version=DATASET_VERSION,
        site=site_record,
        digests=[_digest_record(sourced, config.base_url) for sourced in digests],
        papers=[_paper_record(paper, config.base_url) for paper in papers],
    )


def _digest_id(sourced: SourcedDigest) -> str:
    return sourced.url.strip("/")


def _digest_record(sourced: SourcedDigest, base_url: str) -> DigestRecord:
    return DigestRecord.model_construct(
        id=_digest_id(sourced),
        url=base_url + sourced.url,
        file=sourced.path,
        papers=[paper.identity for paper in sourced.digest.papers],
        digest=sourced.digest,
    )


def _paper_record(paper: SitePaper, base_url: str) -> PaperRecord:
    newest = paper.appearances[-1].paper
    authors = next(
        (list(a.paper.authors) for a in reversed(paper.appearances) if a.paper.authors), []
    )
    if not authors and paper.arxiv is not None:
        authors = list(paper.arxiv.authors)
    return PaperRecord.model_construct(
        id=paper.identity,
        url=base_url + paper.url,
        title=newest.title,
        authors=authors,
        tags=sorted({tag for a in paper.appearances for tag in a.paper.tags}),
        arxiv=paper.arxiv,
        semantic_scholar=paper.semantic_scholar,
        appearances=[
            AppearanceRecord.model_construct(
                digest=_digest_id(a.digest),
                index=a.index,
                entry=a.paper,
                provenance=_entry_provenance(a.digest.digest, a.index),
            )
            for a in paper.appearances
        ],
    )


def _entry_provenance(digest: Digest, index: int) -> Provenances:
    found: Provenances = {}
    for text in digest_texts(digest):
        if text.paper != index or not text.text:
            continue
        for lang in text.text:
            known = status(digest, index, text.field, lang)
            if known is not None:
                found.setdefault(text.field, {})[lang] = known
    return found


def _json(model: BaseModel) -> bytes:
    return model.model_dump_json(by_alias=True, indent=1).encode("utf-8") + b"\n"


def dataset_pages(site: Site) -> list[Page]:
    """The files of ``data/`` for the site (see the module's description)."""
    whole = archive(site)
    base_url = site.config.base_url
    digests = DigestsFile.model_construct(
        schema_url=schema_url(base_url, "digests"),
        version=whole.version,
        site=whole.site,
        digests=whole.digests,
    )
    papers = PapersFile.model_construct(
        schema_url=schema_url(base_url, "papers"),
        version=whole.version,
        site=whole.site,
        papers=whole.papers,
    )
    pages = [
        Page(f"{DATA_DIR}/digests.json", _json(digests)),
        Page(f"{DATA_DIR}/papers.json", _json(papers)),
        Page(f"{DATA_DIR}/papers.csv", papers_csv(whole)),
    ]
    for name in SCHEMAS:
        schema = json.dumps(json_schema(name, base_url), ensure_ascii=False, indent=1)
        pages.append(Page(f"{SCHEMA_DIR}/{name}.schema.json", schema.encode("utf-8") + b"\n"))
    return pages


def archive_json(site: Site) -> bytes:
    """What ``papersite export --format json`` writes: every digest and paper, in one file."""
    return _json(archive(site))


CSV_SEPARATOR = "; "
"""Between the items of a list in one cell (authors, tags, digests)."""


def papers_csv(whole: ArchiveFile) -> bytes:
    """One row per paper: ID, URL, arXiv ID, the title in each language, authors, dates,
    categories, tags, and the IDs of its digests. UTF-8 with a byte-order mark, which
    spreadsheet programs need to read Korean correctly."""
    languages = whole.site.languages
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["id", "url", "arxiv_id", *(f"title_{lang}" for lang in languages), "authors",
         "published", "updated", "primary_category", "tags", "digests"]
    )  # fmt: skip
    for paper in whole.papers:
        record = paper.arxiv
        writer.writerow(
            [paper.id, paper.url, record.id if record else "",
             *(text_in(paper.title, lang) or "" for lang in languages),
             CSV_SEPARATOR.join(paper.authors),
             record.published.isoformat() if record and record.published else "",
             record.updated.isoformat() if record and record.updated else "",
             record.primary_category if record else "",
             CSV_SEPARATOR.join(paper.tags),
             CSV_SEPARATOR.join(a.digest for a in paper.appearances)]
        )  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
