"""Semantic Scholar's Graph API through httpx: citation counts, venues and open-access PDFs.

One batch request (``POST /paper/batch`` with ``ARXIV:<id>`` lookups) answers up to 500 papers.
An API key, when the environment gives one (``SEMANTIC_SCHOLAR_API_KEY``), raises the rate limit;
without one, requests share a public pool that answers HTTP 429 when busy, which is retried with
the server's ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from pydantic import ValidationError

from papersite import __version__
from papersite.arxiv_ids import canonical_arxiv_id
from papersite.load import forbidden_character
from papersite.model import SemanticScholarRecord, SemanticScholarSettings
from papersite.sources import (
    RETRYABLE_STATUS,
    PermanentError,
    Spacer,
    TransientError,
    carriable,
    fetched_at,
    read_by,
    retry_after,
)

API_KEY_VARIABLE = "SEMANTIC_SCHOLAR_API_KEY"
FIELDS = "externalIds,url,citationCount,venue,year,openAccessPdf"


class SemanticScholarSource:
    """Fetches ``SemanticScholarRecord``s from the Graph API (see ``sources.Source``)."""

    key = "semantic_scholar"
    label = "Semantic Scholar"

    def __init__(
        self,
        settings: SemanticScholarSettings,
        *,
        api_key: str | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        self.batch_size = settings.batch_size
        self.retries = settings.retries
        self.backoff_seconds = max(settings.delay_seconds, 0.1)
        self.now = now
        self._spacer = Spacer(settings.delay_seconds)
        headers = {"user-agent": f"papersite/{__version__}"}
        if api_key:
            headers["x-api-key"] = api_key
        self._timeout = settings.timeout_seconds
        self._client = httpx.Client(
            base_url=settings.api_url.rstrip("/"),
            headers=headers,
            timeout=settings.timeout_seconds,
            limits=httpx.Limits(max_connections=1),
        )

    def fetch(self, ids: Sequence[str]) -> Mapping[str, SemanticScholarRecord]:
        """The records Semantic Scholar has for ``ids``; it answers null for a paper it lacks."""
        body = {"ids": [f"ARXIV:{arxiv_id}" for arxiv_id in ids]}
        answer = self._post("/paper/batch", params={"fields": FIELDS}, json=body)
        if not isinstance(answer, list) or len(answer) != len(ids):
            raise TransientError("Semantic Scholar's answer does not list one result per ID")
        fetched = fetched_at(self.now)
        records = {}
        for arxiv_id, paper in zip(ids, answer, strict=True):
            if isinstance(paper, dict) and paper.get("paperId"):
                record = to_record(paper, fetched)
                if record is not None:
                    records[canonical_arxiv_id(arxiv_id)] = record
        return records

    def close(self) -> None:
        self._client.close()

    def _post(self, path: str, **kwargs: Any) -> Any:
        self._spacer.wait()
        deadline = time.monotonic() + self._timeout
        try:
            with self._client.stream("POST", path, **kwargs) as response:
                body = read_by(response.iter_bytes(), deadline)
        except (httpx.TimeoutException, TimeoutError):
            raise TransientError("Semantic Scholar did not answer in time") from None
        except httpx.TransportError as error:
            raise TransientError(f"cannot connect to Semantic Scholar ({error})") from None
        finally:
            self._spacer.done()
        if response.status_code in RETRYABLE_STATUS:
            raise TransientError(
                f"Semantic Scholar answered HTTP {response.status_code}",
                retry_after=retry_after(response.headers),
            )
        if response.status_code != 200:
            raise PermanentError(
                f"Semantic Scholar answered HTTP {response.status_code}: "
                f"{body[:200].decode(errors='replace')}"
            )
        try:
            return json.loads(body)
        except ValueError:
            raise TransientError("Semantic Scholar sent a response that is not JSON") from None


def to_record(paper: dict[str, Any], fetched: dt.datetime) -> SemanticScholarRecord | None:
    """One paper of the batch answer as the lockfile stores it. A value the record cannot hold
    (a PDF link with a space or of another scheme, a negative count, a control character in a
    link: ``sources.carriable``) is left out, as one
    Semantic Scholar does not know: its other values are still worth having. None when not even
    its ID can be kept."""
    pdf = paper.get("openAccessPdf")
    fields = {
        "paper_id": paper["paperId"],
        "url": paper.get("url") or None,
        "citation_count": paper.get("citationCount"),
        "venue": _text(paper.get("venue")),
        "year": paper.get("year"),
        "open_access_pdf": (pdf.get("url") if isinstance(pdf, dict) else None) or None,
        "fetched": fetched,
    }
    # An ID or a link with a character pages cannot carry is not one to repair, as a venue is.
    unusable = {n for n, v in fields.items() if isinstance(v, str) and forbidden_character(v)}
    try:
        record = SemanticScholarRecord.model_validate(fields)
    except ValidationError as error:
        unusable |= {str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}
    else:
        if not unusable:
            return record
    if unusable & {"paper_id", "fetched"}:
        return None
    usable = {name: None if name in unusable else value for name, value in fields.items()}
    return SemanticScholarRecord.model_validate(usable)


def _text(value: object) -> object:
    """A text of the answer as the lockfile can keep it (``sources.carriable``); None for an
    empty one; any other value as it is, for the record to refuse."""
    return (carriable(value) or None) if isinstance(value, str) else value or None
