"""A loopback fake of arXiv's query API, for tests that drive the real ``arxiv`` client.

It answers ``GET /api/query`` with Atom feeds in the format arXiv documents
(https://info.arxiv.org/help/api/user-manual.html#_details_of_atom_results_returned), so the
client's own parser, paging and error handling run exactly as against arxiv.org. Point a
client at it with ``client.query_url_format = fake.url + "?{}"``.

Supported: ``id_list`` (base, versioned, old-style and malformed IDs), ``search_query`` in the
forms ``ti:"a phrase"`` and ``ti:word AND ti:word``, and paging with ``start``/``max_results``.
Sorting parameters are recorded but ignored: results keep ``id_list`` or insertion order.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from lxml import etree

from fake_http import Behaviour, FakeServer, Incoming, Reply

__all__ = ["Behaviour", "FakeArxiv", "FakePaper", "RecordedRequest"]

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ARXIV = "http://arxiv.org/schemas/atom"
NSMAP: dict[str | None, str] = {None: ATOM, "opensearch": OPENSEARCH, "arxiv": ARXIV}
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
QUERY_PATH = "/api/query"
DEFAULT_MAX_RESULTS = 10  # arXiv's own default when a request gives none

NEW_STYLE = re.compile(r"(?P<base>\d{4}\.\d{4,5})(?:v(?P<version>\d+))?")
OLD_STYLE = re.compile(
    r"(?P<base>(?P<archive>[a-z]+(?:-[a-z]+)*)(?:\.[A-Z]{2})?/(?P<number>\d{7}))"
    r"(?:v(?P<version>\d+))?"
)
TITLE_TERM = r'ti:(?:"[^"]*"|[^\s"]+)'
SUPPORTED_QUERY = re.compile(rf"{TITLE_TERM}(?:\s+AND\s+{TITLE_TERM})*")
QUERY_TERM = re.compile(r'ti:(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))')

# Bodies for the misbehaviours: not XML at all, so lxml (even with recover=True) finds no root.
MALFORMED_BODY = b"<<<not xml>>> && upstream proxy error"


@dataclass
class FakePaper:
    """One arXiv paper as the fake serves it; ``versions`` holds the ISO date of v1, v2, …"""

    id: str
    title: str
    authors: list[str]
    summary: str
    versions: list[str]
    primary_category: str
    categories: list[str]
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    served: dict[str, str | None] = field(default_factory=dict)
    """Elements of the Atom entry served otherwise than the fields say, by name (``published``):
    their text, or None to leave them out. For entries arXiv's answers were seen to break."""

    def __post_init__(self) -> None:
        """Rejects papers arXiv could not have, so a typo in a test fails where it is made."""
        parsed = parse_id(self.id)
        if parsed is None or parsed[1] is not None:
            raise ValueError(f"not a base arXiv ID (no version): {self.id!r}")
        if not self.versions:
            raise ValueError(f"{self.id}: a paper has at least one version")
        for day in self.versions:
            date.fromisoformat(day)
        if self.primary_category not in self.categories:
            raise ValueError(f"{self.id}: categories must include {self.primary_category!r}")


@dataclass(frozen=True)
class RecordedRequest:
    """A request as it arrived: ``at`` is ``time.monotonic()``, ``id_list`` already split."""

    at: float
    path: str
    params: dict[str, str]
    id_list: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Hit:
    paper: FakePaper
    version: int


class _UnsupportedQuery(Exception):
    """A search_query this fake cannot evaluate; answered loudly rather than guessed at."""


class FakeArxiv(FakeServer[RecordedRequest]):
    """The arXiv query API on loopback; ``url`` is the query endpoint."""

    def __init__(self, *papers: FakePaper) -> None:
        super().__init__()
        self._papers: dict[str, FakePaper] = {}
        self.add(*papers)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/api/query``."""
        return self.origin + QUERY_PATH

    def add(self, *papers: FakePaper) -> None:
        """Makes papers known; adding an ID again replaces the paper in its original place."""
        with self._lock:
            for paper in papers:
                self._papers[_key(paper.id)] = paper

    def record(self, incoming: Incoming) -> RecordedRequest:
        ids = _split_ids(incoming.params.get("id_list", ""))
        return RecordedRequest(incoming.at, incoming.path, incoming.params, ids)

    def reply_ok(self, incoming: Incoming) -> Reply:
        if incoming.path != QUERY_PATH:
            return Reply(404, "text/plain; charset=utf-8", b"Not Found\n")
        params = incoming.params
        paging = _paging(params)
        if isinstance(paging, str):
            return _error(params, paging)
        ids = _split_ids(params.get("id_list", ""))
        malformed = next((one for one in ids if parse_id(one) is None), None)
        if malformed is not None:
            return _error(params, f"incorrect id format for {malformed}")
        try:
            hits = self._select(ids, params.get("search_query", "").strip())
        except _UnsupportedQuery as unsupported:
            return Reply(500, "text/plain; charset=utf-8", str(unsupported).encode())
        start, max_results = paging
        body = _feed(params, len(hits), start, max_results, hits[start : start + max_results])
        return Reply(200, CONTENT_TYPE, body)

    def reply_empty(self, incoming: Incoming) -> Reply:
        paging = _paging(incoming.params)
        start, max_results = (0, DEFAULT_MAX_RESULTS) if isinstance(paging, str) else paging
        return Reply(200, CONTENT_TYPE, _feed(incoming.params, 0, start, max_results, []))

    def reply_malformed(self) -> Reply:
        return Reply(200, CONTENT_TYPE, MALFORMED_BODY)

    def reply_status(self, code: int) -> Reply:
        return Reply(code, "text/plain; charset=utf-8", f"Error {code}\n".encode())

    def _select(self, ids: list[str], query: str) -> list[_Hit]:
        """The matching entries: id_list order, narrowed by the query when both are given."""
        words = _query_words(query) if query else None
        with self._lock:
            papers = dict(self._papers)
        if ids:
            hits = [hit for one in ids if (hit := _find(papers, one)) is not None]
        elif words is not None:
            hits = [_Hit(paper, len(paper.versions)) for paper in papers.values()]
        else:
            hits = []
        if words is not None:
            hits = [hit for hit in hits if _title_has(hit.paper.title, words)]
        return hits


# Identifiers


def parse_id(text: str) -> tuple[str, int | None] | None:
    """``(base, version)`` for a new- or old-style arXiv ID, None when it is neither."""
    match = NEW_STYLE.fullmatch(text) or OLD_STYLE.fullmatch(text)
    if match is None:
        return None
    version = match["version"]
    return match["base"], int(version) if version else None


def _key(base: str) -> str:
    """Old-style IDs name the same paper with or without the subject class (math.GT/0309136
    is math/0309136), so lookups ignore it."""
    match = OLD_STYLE.fullmatch(base)
    return f"{match['archive']}/{match['number']}" if match else base


def _find(papers: dict[str, FakePaper], requested: str) -> _Hit | None:
    parsed = parse_id(requested)
    if parsed is None:
        return None
    base, version = parsed
    paper = papers.get(_key(base))
    if paper is None:
        return None
    if version is None:
        return _Hit(paper, len(paper.versions))
    return _Hit(paper, version) if 1 <= version <= len(paper.versions) else None


def _split_ids(id_list: str) -> list[str]:
    return [one.strip() for one in id_list.split(",") if one.strip()]


# Queries and paging


def _query_words(query: str) -> list[str]:
    if not SUPPORTED_QUERY.fullmatch(query):
        raise _UnsupportedQuery(
            f'FakeArxiv understands only ti:"phrase" and ti:word AND ti:word, not {query!r}'
        )
    words: list[str] = []
    for term in QUERY_TERM.finditer(query):
        words += _words(term["phrase"] or term["word"] or "")
    return words


def _words(text: str) -> list[str]:
    return re.sub(r"[\W_]+", " ", text.lower()).split()


def _title_has(title: str, words: list[str]) -> bool:
    present = set(_words(title))
    return all(word in present for word in words)


def _paging(params: dict[str, str]) -> tuple[int, int] | str:
    """``(start, max_results)``, or arXiv's error message for a bad value."""
    values = []
    for name, default in (("start", 0), ("max_results", DEFAULT_MAX_RESULTS)):
        text = params.get(name, "").strip()
        if not text:
            values.append(default)
            continue
        if not re.fullmatch(r"-?\d+", text):
            return f"{name} must be an integer"
        if int(text) < 0:
            return f"{name} must be >= 0"
        values.append(int(text))
    return values[0], values[1]


# Atom


def _feed(params: dict[str, str], total: int, start: int, per_page: int, hits: list[_Hit]) -> bytes:
    feed = _feed_head(params, total, start, per_page)
    for hit in hits:
        _add_entry(feed, hit.paper, hit.version)
    return _serialize(feed)


def _error(params: dict[str, str], message: str) -> Reply:
    """arXiv's answer to a bad request: HTTP 400 and a feed with one ``Error`` entry."""
    feed = _feed_head(params, 1, 0, 1)
    error_id = "http://arxiv.org/api/errors#" + message.replace(" ", "_")
    entry = _sub(feed, _atom("entry"))
    _sub(entry, _atom("id"), error_id)
    _sub(entry, _atom("title"), "Error")
    _sub(entry, _atom("summary"), message)
    _sub(entry, _atom("updated"), _feed_updated())
    _sub(entry, _atom("link"), href=error_id, rel="alternate", type="text/html")
    _sub(_sub(entry, _atom("author")), _atom("name"), "arXiv api core")
    return Reply(400, CONTENT_TYPE, _serialize(feed))


def _feed_head(params: dict[str, str], total: int, start: int, per_page: int) -> Any:
    query = {
        "search_query": params.get("search_query", ""),
        "id_list": params.get("id_list", ""),
        "start": params.get("start", "0"),
        "max_results": params.get("max_results", str(DEFAULT_MAX_RESULTS)),
    }
    title = "ArXiv Query: " + "&".join(f"{name}={value}" for name, value in query.items())
    digest = hashlib.sha1(title.encode()).digest()
    feed = etree.Element(_atom("feed"), nsmap=NSMAP)
    _sub(
        feed,
        _atom("link"),
        href="http://arxiv.org/api/query?" + urlencode(query),
        rel="self",
        type="application/atom+xml",
    )
    _sub(feed, _atom("title"), title, type="html")
    _sub(
        feed,
        _atom("id"),
        "http://arxiv.org/api/" + base64.urlsafe_b64encode(digest).decode().rstrip("="),
    )
    _sub(feed, _atom("updated"), _feed_updated())
    _sub(feed, f"{{{OPENSEARCH}}}totalResults", str(total))
    _sub(feed, f"{{{OPENSEARCH}}}startIndex", str(start))
    _sub(feed, f"{{{OPENSEARCH}}}itemsPerPage", str(per_page))
    return feed


def _add_entry(feed: Any, paper: FakePaper, version: int) -> None:
    """One ``<entry>`` for a version: ``updated`` is that version's date, ``published`` v1's."""
    versioned = f"{paper.id}v{version}"
    entry = _sub(feed, _atom("entry"))
    _sub(entry, _atom("id"), f"http://arxiv.org/abs/{versioned}")
    _sub(entry, _atom("updated"), f"{paper.versions[version - 1]}T00:00:00Z")
    _sub(entry, _atom("published"), f"{paper.versions[0]}T00:00:00Z")
    _sub(entry, _atom("title"), paper.title)
    _sub(entry, _atom("summary"), paper.summary)
    for name in paper.authors:
        _sub(_sub(entry, _atom("author")), _atom("name"), name)
    if paper.doi is not None:
        _sub(entry, _arxiv("doi"), paper.doi)
        _sub(entry, _atom("link"), title="doi", href=f"https://doi.org/{paper.doi}", rel="related")
    if paper.comment is not None:
        _sub(entry, _arxiv("comment"), paper.comment)
    if paper.journal_ref is not None:
        _sub(entry, _arxiv("journal_ref"), paper.journal_ref)
    _sub(
        entry,
        _atom("link"),
        href=f"http://arxiv.org/abs/{versioned}",
        rel="alternate",
        type="text/html",
    )
    _sub(
        entry,
        _atom("link"),
        title="pdf",
        href=f"http://arxiv.org/pdf/{versioned}",
        rel="related",
        type="application/pdf",
    )
    _sub(entry, _arxiv("primary_category"), term=paper.primary_category, scheme=ARXIV)
    for category in paper.categories:
        _sub(entry, _atom("category"), term=category, scheme=ARXIV)
    for name, text in paper.served.items():
        element = entry.find(_atom(name))
        if text is None:
            entry.remove(element)
        else:
            element.text = text


def _serialize(feed: Any) -> bytes:
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True))


def _sub(parent: Any, tag: str, text: str | None = None, **attributes: str) -> Any:
    """A child element; lxml escapes the text and attribute values."""
    element = etree.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _atom(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _arxiv(name: str) -> str:
    return f"{{{ARXIV}}}{name}"


def _feed_updated() -> str:
    """Midnight of today in arXiv's time zone, as arXiv stamps its feeds."""
    return f"{date.today().isoformat()}T00:00:00-04:00"
