"""A loopback fake of the Semantic Scholar Graph API's paper batch endpoint.

``POST {url}/paper/batch?fields=…`` with ``{"ids": ["ARXIV:2503.14476", …]}`` answers like
the real API (https://api.semanticscholar.org/api-docs/graph, "post_graph_get_papers"): one
JSON value per requested ID in request order, null for an unknown paper, otherwise an object
with ``paperId`` and exactly the requested fields. Tests drive it with a real
HTTP client, and can check what was sent (for instance the ``x-api-key`` header).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fake_http import Behaviour, FakeServer, Incoming, Reply, status_phrase

__all__ = ["Behaviour", "FakeS2Paper", "FakeSemanticScholar", "RecordedS2Request"]

BASE_PATH = "/graph/v1"
BATCH_PATH = BASE_PATH + "/paper/batch"
MAX_IDS = 500  # the real endpoint's limit per request
SUPPORTED_FIELDS = (
    "title",
    "citationCount",
    "venue",
    "year",
    "externalIds",
    "openAccessPdf",
    "url",
)
DEFAULT_FIELDS = ("title",)  # what the real API returns (besides paperId) when fields is omitted
CONTENT_TYPE = "application/json"
MALFORMED_BODY = b'[{"paperId": "0f1e2d", "title": <<<not json'
ARXIV_VERSION = re.compile(r"v\d+$")


@dataclass
class FakeS2Paper:
    """One paper as Semantic Scholar knows it; ``open_access_pdf`` is the PDF's URL."""

    arxiv_id: str
    paper_id: str
    title: str
    citation_count: int = 0
    venue: str = ""
    year: int | None = None
    open_access_pdf: str | None = None
    doi: str | None = None

    def as_json(self, fields: list[str]) -> dict[str, Any]:
        """``paperId`` plus the requested fields, as the API spells and shapes them."""
        external_ids: dict[str, str] = {"ArXiv": self.arxiv_id}
        if self.doi is not None:
            external_ids["DOI"] = self.doi
        pdf = (
            None
            if self.open_access_pdf is None
            else {"url": self.open_access_pdf, "status": "GREEN"}
        )
        every: dict[str, Any] = {
            "title": self.title,
            "citationCount": self.citation_count,
            "venue": self.venue,
            "year": self.year,
            "externalIds": external_ids,
            "openAccessPdf": pdf,
            "url": f"https://www.semanticscholar.org/paper/{self.paper_id}",
        }
        return {"paperId": self.paper_id} | {name: every[name] for name in fields}


@dataclass(frozen=True)
class RecordedS2Request:
    """A request as it arrived: ``body`` is the parsed JSON (None if absent or invalid), header
    names are lower-cased, ``at`` is ``time.monotonic()``."""

    at: float
    path: str
    params: dict[str, str]
    body: Any
    headers: dict[str, str]


class FakeSemanticScholar(FakeServer[RecordedS2Request]):
    """The Graph API batch endpoint on loopback; ``url`` is the API base (``…/graph/v1``)."""

    def __init__(self, *papers: FakeS2Paper) -> None:
        super().__init__()
        self._papers: dict[str, FakeS2Paper] = {}
        self.add(*papers)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/graph/v1``."""
        return self.origin + BASE_PATH

    def add(self, *papers: FakeS2Paper) -> None:
        """Makes papers known; adding a paperId again replaces that paper."""
        with self._lock:
            for paper in papers:
                self._papers[paper.paper_id] = paper

    def record(self, incoming: Incoming) -> RecordedS2Request:
        return RecordedS2Request(
            incoming.at,
            incoming.path,
            incoming.params,
            _parse_json(incoming.body),
            incoming.headers,
        )

    def reply_ok(self, incoming: Incoming) -> Reply:
        if incoming.path != BATCH_PATH:
            return _json(404, {"error": f"Not found: {incoming.path}"})
        if incoming.method != "POST":
            return _json(405, {"error": f"Method not allowed: {incoming.method}"})
        fields = _fields(incoming.params)
        unknown = [name for name in fields if name not in SUPPORTED_FIELDS]
        if unknown:
            return _json(400, {"error": f"Unrecognized or unsupported fields: {unknown}"})
        ids = _ids(_parse_json(incoming.body))
        if isinstance(ids, str):
            return _json(400, {"error": ids})
        with self._lock:
            papers = list(self._papers.values())
        found = [_find(papers, requested) for requested in ids]
        return _json(200, [None if paper is None else paper.as_json(fields) for paper in found])

    def reply_empty(self, incoming: Incoming) -> Reply:
        """A null for every requested ID: a well-formed answer that knows no paper."""
        ids = _ids(_parse_json(incoming.body))
        return _json(200, [] if isinstance(ids, str) else [None] * len(ids))

    def reply_malformed(self) -> Reply:
        return Reply(200, CONTENT_TYPE, MALFORMED_BODY)

    def reply_status(self, code: int) -> Reply:
        return _json(code, {"message": status_phrase(code)})


def _fields(params: dict[str, str]) -> list[str]:
    names = [name.strip() for name in params.get("fields", "").split(",") if name.strip()]
    return names or list(DEFAULT_FIELDS)


def _ids(body: Any) -> list[str] | str:
    """The requested IDs, or the error the API gives for a body it cannot take."""
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(one, str) for one in ids):
        return 'Body must be a JSON object with "ids": a list of strings'
    if len(ids) > MAX_IDS:
        return f"Cannot process more than {MAX_IDS} ids in one request, got {len(ids)}"
    return ids


def _find(papers: list[FakeS2Paper], requested: str) -> FakeS2Paper | None:
    """The paper an ID names: ``ARXIV:…`` (any version), ``DOI:…``, or a bare paperId."""
    scheme, colon, value = requested.partition(":")
    if not colon:
        return next((paper for paper in papers if paper.paper_id == requested), None)
    if scheme.upper() == "ARXIV":
        base = ARXIV_VERSION.sub("", value)
        return next((paper for paper in papers if paper.arxiv_id == base), None)
    if scheme.upper() == "DOI":
        doi = value.lower()
        return next((paper for paper in papers if (paper.doi or "").lower() == doi), None)
    return None


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _json(status: int, value: Any) -> Reply:
    return Reply(status, CONTENT_TYPE, json.dumps(value).encode())
