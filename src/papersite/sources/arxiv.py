"""arXiv's API through the ``arxiv`` package: papers by ID, in batches, and search by title.

``arxiv.Client`` gives the request spacing (``delay_seconds`` between requests, over one kept-alive
connection), the query URLs and the Atom parsing. papersite adds what the client leaves out: a
timeout on every request, retries with back-off instead of immediate ones (as long as a 429 or 503
answer's ``Retry-After`` asks, within ``sources.MAX_BACKOFF_SECONDS``), an answer that is not
a whole Atom feed treated as a failure rather than as "no results" (``_AtomSession``), and an
entry that cannot be read reported by its ID (``Unreadable``) while the rest of its answer is kept.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

import arxiv
import requests
import urllib3
from lxml import etree
from pydantic import ValidationError

from papersite.arxiv_ids import arxiv_version, canonical_arxiv_id
from papersite.model import ArxivRecord, ArxivSettings
from papersite.sources import (
    RETRYABLE_STATUS,
    EmptyAnswer,
    PermanentError,
    TransientError,
    Unreadable,
    carriable,
    fetched_at,
    read_by,
    retry_after,
)

_WITHDRAWN = re.compile(
    r"""
    (?:^|[.:;]\s)\s*(?:paper\s+)?withdrawn\b
        # "Withdrawn.", "Paper withdrawn by the authors", "arXiv admin note: withdrawn …"
    | \b(?:paper|article|submission|manuscript|preprint|work|version|note|letter|draft)
        \s+(?:has\s+been|have\s+been|is\s+being|is|was)\s+withdrawn\b
        # "This paper has been withdrawn by the author due to …", "The article is withdrawn"
    | \b(?:authors?|we)\s+(?:(?:have|has)\s+)?(?:withdrawn?|withdrew)
        \s+(?:this|the|our)\s+(?:paper|article|submission|manuscript|preprint|work)\b
        # "The authors have withdrawn this paper", "We withdraw this submission"
    """,
    re.IGNORECASE | re.VERBOSE,
)
"""How arXiv marks a withdrawn paper: a comment, or an abstract replaced, that says so in one
of the ways authors and arXiv's administrators word it."""


_ARXIV_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[a-z]+)*)?")
"""An arXiv category (``cs.LG``, ``hep-th``, ``astro-ph.CO``, ``physics.comp-ph``): the API also
lists a paper's ACM and MSC classes (``I.2.7``, ``68T50``) as categories, which arXiv's abstract
page shows apart from its categories, as "ACM classes" and "MSC classes"."""


CHUNK_BYTES = 64 * 1024
"""The most of an answer read at a time: a read returns whatever has come, up to this."""

ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_FEED = ATOM + "feed"
TOTAL_RESULTS = "{http://a9.com/-/spec/opensearch/1.1/}totalResults"
ABSTRACT_PAGE = "arxiv.org/abs/"
"""What a paper's entry ID holds before the paper's ID (``http://arxiv.org/abs/2503.14476v2``)."""


class _AtomSession(requests.Session):
    """A session whose requests time out (``arxiv.Client`` sets no timeout of its own), and
    whose answers are whole Atom feeds. The client reads a feed leniently (lxml's ``recover``):
    a feed cut off mid-entry would give a record with half its abstract and no authors, and an
    HTML error page sent with status 200 would read as "no such paper". An entry the client
    cannot read is taken out of the feed and named in ``unreadable`` (``_take_unreadable``)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self.retry_after: float | None = None
        """The last answer's ``Retry-After``, in seconds: the client's ``HTTPError`` has only
        the status."""
        self.unreadable: dict[str, str] = {}
        """The entries taken out of the answers since the last ``clear``: what is wrong with
        each, by its ID as arXiv gave it (``2503.14476v2``)."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        deadline = time.monotonic() + self.timeout
        kwargs.setdefault("timeout", self.timeout)
        kwargs["stream"] = True  # read here, by the deadline (``_body_by``)
        response = super().request(*args, **kwargs)
        response._content = _body_by(response, deadline)
        self.retry_after = retry_after(response.headers)
        if response.status_code == requests.codes.ok:  # the client reports any other status
            feed = _atom_feed(response.content)
            taken = _take_unreadable(feed)
            if taken:
                self.unreadable |= taken
                response._content = etree.tostring(feed)  # what the client reads
        return response


def _body_by(response: requests.Response, deadline: float) -> bytes:
    """The whole body of ``response``, read by ``deadline`` (``sources.read_by``)."""
    chunks = iter(lambda: response.raw.read1(CHUNK_BYTES, decode_content=True), b"")
    try:
        return read_by(chunks, deadline)
    except TimeoutError as error:
        response.close()  # the rest of the answer would come first on this connection
        raise requests.ReadTimeout(error) from None
    # As requests itself words urllib3's errors when it reads a body (``Response.iter_content``).
    except urllib3.exceptions.ReadTimeoutError as error:
        raise requests.ReadTimeout(error) from error
    except urllib3.exceptions.ProtocolError as error:
        raise requests.exceptions.ChunkedEncodingError(error) from error
    except urllib3.exceptions.DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error) from error
    except urllib3.exceptions.SSLError as error:
        raise requests.exceptions.SSLError(error) from error


def _atom_feed(content: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise TransientError(
            f"arXiv sent a response that is not a whole Atom feed ({error})"
        ) from None
    if root.tag != ATOM_FEED:
        raise TransientError(f"arXiv sent a response that is not an Atom feed (<{root.tag}>)")
    return root


def _take_unreadable(feed: Any) -> dict[str, str]:
    """Take out of ``feed`` the entries ``arxiv.Client`` cannot read, and say what is wrong
    with each, by ID: it skips one without a ``<published>`` or ``<updated>`` (which would then
    read as an ID arXiv does not have), and stops at a date it cannot parse, losing the whole
    page. The feed's count goes down with them, so that the client asks for no further page."""
    taken: dict[str, str] = {}
    for entry in feed.findall(ATOM + "entry"):
        entry_id = (entry.findtext(ATOM + "id") or "").strip()
        problem = _date_problem(entry)
        if entry_id and problem is not None:
            taken[entry_id.split(ABSTRACT_PAGE)[-1]] = problem
            feed.remove(entry)
    total = feed.find(TOTAL_RESULTS)
    if taken and total is not None and (total.text or "").strip().isdigit():
        total.text = str(max(0, int(total.text) - len(taken)))
    return taken


def _date_problem(entry: Any) -> str | None:
    """What keeps the client from reading an entry's dates, as it reads them; None if nothing."""
    for name in ("published", "updated"):
        text = (entry.findtext(ATOM + name) or "").strip()
        if not text:
            return f"its <{name}> is missing"
        try:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return f"its <{name}> {text!r} is not a date"
    return None


class ArxivSource:
    """Fetches ``ArxivRecord``s from arXiv's query API (see ``sources.Source``)."""

    key = "arxiv"
    label = "arXiv"

    def __init__(self, settings: ArxivSettings, *, now: dt.datetime | None = None) -> None:
        self.batch_size = settings.page_size
        self.retries = settings.retries
        # A retry waits at least the polite delay, doubling each time.
        self.backoff_seconds = max(settings.delay_seconds, 0.1)
        self.now = now
        # The client's own retries are immediate; papersite's back off (sources.with_retries).
        self._client = arxiv.Client(
            page_size=settings.page_size, delay_seconds=settings.delay_seconds, num_retries=0
        )
        self._client.query_url_format = settings.api_url + "?{}"
        self._session = self._client._session = _AtomSession(settings.timeout_seconds)

    def fetch(self, ids: Sequence[str]) -> Mapping[str, ArxivRecord | Unreadable]:
        """The records arXiv has for ``ids`` (canonical IDs, latest versions); ``Unreadable``
        for an ID whose entry cannot be read."""
        search = arxiv.Search(id_list=list(ids), max_results=len(ids))
        self._session.unreadable = {}
        results = self._run(search, complete_on_short_page=True)
        found: dict[str, ArxivRecord | Unreadable] = {
            canonical_arxiv_id(short_id): Unreadable(problem)
            for short_id, problem in self._session.unreadable.items()
        }
        if not results and not found:
            # arXiv sometimes answers with an empty page; an ID it does not know is left out of
            # a non-empty answer, so an empty answer to a whole batch is worth one more try (and
            # then means arXiv has none of them: see ``fetch.Enricher._fetch``).
            raise EmptyAnswer("arXiv answered with an empty page")
        fetched = fetched_at(self.now)
        for result in results:
            found[canonical_arxiv_id(result.get_short_id())] = _readable_record(result, fetched)
        return {arxiv_id: found[arxiv_id] for arxiv_id in ids if arxiv_id in found}

    def search_titles(self, title: str, limit: int = 5) -> list[ArxivRecord]:
        """The best ``limit`` matches of a title search (``ti:"..."``), arXiv's order."""
        words = " ".join(re.sub(r"[^\w]+", " ", title).split())
        search = arxiv.Search(query=f'ti:"{words}"', max_results=limit)
        fetched = fetched_at(self.now)
        records = [_readable_record(result, fetched) for result in self._run(search)]
        return [record for record in records if isinstance(record, ArxivRecord)]

    def close(self) -> None:
        self._session.close()

    def _run(self, search: arxiv.Search, *, complete_on_short_page: bool = False) -> list[Any]:
        # The client asks for a page of page_size results whatever the search's max_results
        # (which only cuts what it yields): a title search would ask for 100 and weigh 5.
        self._client.page_size = min(search.max_results or self.batch_size, self.batch_size)
        results: list[Any] = []
        try:
            for result in self._client.results(search):
                results.append(result)
        except arxiv.UnexpectedEmptyPageError:
            # An ID list fits one page; arXiv has been seen to count unknown IDs in
            # totalResults, which makes the client ask for a second page that is empty.
            if not (complete_on_short_page and results):
                raise TransientError("arXiv answered with an empty page") from None
        except arxiv.HTTPError as error:
            if error.status in RETRYABLE_STATUS:
                raise TransientError(
                    f"arXiv answered HTTP {error.status}", retry_after=self._session.retry_after
                ) from None
            raise PermanentError(f"arXiv answered HTTP {error.status}") from None
        except requests.Timeout:
            raise TransientError("arXiv did not answer in time") from None
        except requests.ConnectionError as error:
            raise TransientError(f"cannot connect to arXiv ({_reason(error)})") from None
        except requests.RequestException as error:  # a dropped answer, a broken encoding
            raise TransientError(f"arXiv's answer broke off ({_reason(error)})") from None
        except ValueError as error:  # an entry's date the client cannot read
            raise TransientError(f"arXiv sent an entry that cannot be read ({error})") from None
        return results


def _readable_record(result: Any, fetched: dt.datetime) -> ArxivRecord | Unreadable:
    """``to_record``; ``Unreadable`` for a paper's entry that lacks what a record needs (a
    title). An entry that is no paper's (arXiv's error entries) is a ``PermanentError`` that
    names it: it says what is wrong with the request, not with one paper."""
    try:
        return to_record(result, fetched)
    except ValueError as error:  # pydantic's ValidationError too
        if ABSTRACT_PAGE not in result.entry_id:
            raise PermanentError(
                f"arXiv's entry {result.entry_id} cannot be read ({_first_error(error)})"
            ) from None
        return Unreadable(_first_error(error))


def _first_error(error: ValueError) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
    return str(error) or type(error).__name__


def to_record(result: Any, fetched: dt.datetime) -> ArxivRecord:
    """An ``arxiv.Result`` as the lockfile stores it. arXiv wraps its long fields over lines, as
    its metadata files do, and the client keeps the breaks: every text is taken as one line."""
    short_id = result.get_short_id()  # 2503.14476v2, or math/0309136v1
    abstract = _one_line(result.summary)
    comment = _one_line(result.comment) or None
    authors = [name for author in result.authors if (name := _one_line(author.name))]
    return ArxivRecord(
        id=canonical_arxiv_id(short_id),
        version=arxiv_version(short_id) or 1,
        title=_one_line(result.title),
        authors=authors,
        abstract=abstract,
        primary_category=_one_line(result.primary_category),
        categories=list(
            dict.fromkeys(filter(_ARXIV_CATEGORY.fullmatch, map(_one_line, result.categories)))
        ),
        published=result.published.date(),
        updated=result.updated.date(),
        doi=_first_doi(result.doi),
        journal_ref=_one_line(result.journal_ref) or None,
        comment=comment,
        withdrawn=any(_WITHDRAWN.search(text) for text in (comment or "", abstract[:200])),
        fetched=fetched,
    )


def _one_line(text: str | None) -> str:
    """``text`` on one line, as pages carry it (``sources.carriable``)."""
    return " ".join(carriable(text or "").split())


def _first_doi(text: str | None) -> str | None:
    """The article's DOI: arXiv's field holds one or more, separated by spaces, the article's
    first (https://info.arxiv.org/help/bib_feed.html); a page links to one DOI, and a citation's
    ``doi`` names one. Some are listed with a comma or semicolon after each, which a DOI may
    hold inside (``…3.0.CO;2-O``) but does not end with."""
    dois = (doi.rstrip(",;") for doi in _one_line(text).split(" "))
    return next((doi for doi in dois if doi), None)


def _reason(error: Exception) -> str:
    """The innermost cause of a requests error, which names what actually went wrong."""
    while error.__cause__ is not None or (error.args and isinstance(error.args[0], Exception)):
        inner = error.__cause__ or error.args[0]
        if not isinstance(inner, Exception):
            break
        error = inner
    return str(error) or type(error).__name__
