"""``papersite enrich --with semantic-scholar`` against loopback fakes of arXiv and Semantic Scholar.

The real client (httpx) talks to ``FakeSemanticScholar`` over real sockets: batching, the API key,
the endpoint overrides, the retry discipline (back-off, ``Retry-After``, timeouts, garbled bodies),
request spacing and the lockfile cache are checked as the servers see them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import SITE_CONFIG, WriteTree
from fake_arxiv import FakeArxiv, FakePaper
from fake_http import Behaviour
from fake_semantic_scholar import BATCH_PATH, FakeS2Paper, FakeSemanticScholar
from papersite import build
from papersite.cli import main
from papersite.fetch import EnrichReport, enrich
from papersite.lockfile import LOCKFILE

IDS = [f"2503.1000{n}" for n in range(1, 6)]
TITLES = {arxiv_id: f"Sparse attention study number {arxiv_id[-1]}" for arxiv_id in IDS}
ARXIV_PAPERS = [
    FakePaper(
        id=arxiv_id,
        title=TITLES[arxiv_id],
        authors=["Ada Lovelace"],
        summary="A study of sparse attention.",
        versions=["2025-03-18"],
        primary_category="cs.LG",
        categories=["cs.LG"],
    )
    for arxiv_id in IDS
]
UNKNOWN_TO_S2 = IDS[2]
"""The one paper Semantic Scholar answers null for."""
S2_PAPERS = {
    arxiv_id: FakeS2Paper(
        arxiv_id=arxiv_id,
        paper_id=f"s2paper{arxiv_id[-1]}",
        title=TITLES[arxiv_id],
        citation_count=10 * int(arxiv_id[-1]),
        venue="NeurIPS" if arxiv_id == IDS[0] else "",
        year=2025,
        open_access_pdf=f"https://arxiv.org/pdf/{arxiv_id}" if arxiv_id == IDS[0] else None,
    )
    for arxiv_id in IDS
    if arxiv_id != UNKNOWN_TO_S2
}
ENV_VARIABLES = (
    "PAPERSITE_ARXIV_API_URL",
    "PAPERSITE_SEMANTIC_SCHOLAR_API_URL",
    "SEMANTIC_SCHOLAR_API_KEY",
)

MakeSite = Callable[..., Path]


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    """A loopback arXiv that knows all five papers."""
    with FakeArxiv(*ARXIV_PAPERS) as fake:
        yield fake


@pytest.fixture
def fake_scholar() -> Iterator[FakeSemanticScholar]:
    """A loopback Semantic Scholar that knows every paper but ``UNKNOWN_TO_S2``."""
    with FakeSemanticScholar(*S2_PAPERS.values()) as fake:
        yield fake


@pytest.fixture
def make_site(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, fake_scholar: FakeSemanticScholar
) -> MakeSite:
    """Writes a site whose sources point at the fakes; ``papers`` and settings are adjustable."""

    def make(
        papers: int = 3,
        arxiv_url: str | None = None,
        scholar_url: str | None = None,
        **scholar: Any,
    ) -> Path:
        arxiv_settings = {
            "api_url": arxiv_url or fake_arxiv.url,
            "delay_seconds": 0.05,
            "retries": 2,
            "timeout_seconds": 1,
        }
        scholar_settings = {
            "api_url": scholar_url or fake_scholar.url,
            "delay_seconds": 0.05,
            "retries": 2,
            "timeout_seconds": 1,
            **scholar,
        }
        config = (
            SITE_CONFIG
            + f"arxiv: {json.dumps(arxiv_settings)}\n"
            + f"semantic_scholar: {json.dumps(scholar_settings)}\n"
        )
        return write_tree(
            {"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": weekly(IDS[:papers])}
        )

    return make


@pytest.fixture
def scholar_site(make_site: MakeSite) -> Path:
    """A site of three papers (one unknown to Semantic Scholar) whose sources are the fakes."""
    return make_site()


def weekly(ids: list[str]) -> str:
    """A weekly digest naming these arXiv papers, with their arXiv titles."""
    entries = "".join(
        f"  - title: {{ko: {json.dumps(TITLES[i])}, en: {json.dumps(TITLES[i])}}}\n"
        f'    arxiv: "{i}"\n'
        '    summary: {ko: "소개", en: "Introduction"}\n'
        for i in ids
    )
    return (
        "kind: weekly\n"
        "period: {start: 2025-03-17, end: 2025-03-23}\n"
        'title: {ko: "이번 주의 논문", en: "Papers of the week"}\n'
        "papers:\n" + entries
    )


def run(site: Path, environ: dict[str, str] | None = None, **options: Any) -> EnrichReport:
    """``enrich --with semantic-scholar`` with a clean environment unless one is given."""
    return enrich(site, extra_sources=["semantic-scholar"], environ=environ or {}, **options)


def locked(site: Path) -> dict[str, Any]:
    """The lockfile's ``papers``, as JSON."""
    papers: dict[str, Any] = json.loads((site / LOCKFILE).read_text(encoding="utf-8"))["papers"]
    return papers


def scholar_records(site: Path) -> dict[str, Any]:
    """Each locked paper's ``semantic_scholar`` record (None where there is none)."""
    return {arxiv_id: entry["semantic_scholar"] for arxiv_id, entry in locked(site).items()}


def requested_ids(fake: FakeSemanticScholar) -> list[list[str]]:
    """The ``ids`` of every batch request the fake received, in order."""
    return [request.body["ids"] for request in fake.requests]


def unused_url(path: str) -> str:
    """A loopback URL on a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def gaps(fake: FakeSemanticScholar) -> list[float]:
    """Seconds between consecutive requests' arrivals at the fake."""
    times = [request.at for request in fake.requests]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


# A normal batch


def test_records_are_stored_with_every_field(scholar_site: Path) -> None:
    run(scholar_site)

    record = dict(scholar_records(scholar_site)[IDS[0]])
    del record["fetched"]
    assert record == {
        "paper_id": "s2paper1",
        "url": "https://www.semanticscholar.org/paper/s2paper1",
        "citation_count": 10,
        "venue": "NeurIPS",
        "year": 2025,
        "open_access_pdf": f"https://arxiv.org/pdf/{IDS[0]}",
    }


def test_empty_venue_and_missing_pdf_are_stored_as_null(scholar_site: Path) -> None:
    run(scholar_site)

    record = scholar_records(scholar_site)[IDS[1]]
    assert record["venue"] is None
    assert record["open_access_pdf"] is None
    assert record["citation_count"] == 20


@pytest.mark.parametrize(
    "pdf", ["https://example.org/a paper.pdf", "javascript:alert(1)", "ftp://example.org/a.pdf"]
)
def test_a_value_the_record_cannot_hold_is_left_out_and_the_rest_kept(
    scholar_site: Path, fake_scholar: FakeSemanticScholar, pdf: str
) -> None:
    paper = S2_PAPERS[IDS[0]]
    fake_scholar.add(dataclasses.replace(paper, open_access_pdf=pdf, citation_count=-3))

    report = run(scholar_site)

    assert report.ok
    record = scholar_records(scholar_site)[IDS[0]]
    assert record["open_access_pdf"] is None and record["citation_count"] is None
    assert (record["paper_id"], record["venue"], record["year"]) == ("s2paper1", "NeurIPS", 2025)
    assert scholar_records(scholar_site)[IDS[1]]["citation_count"] == 20


def test_a_venue_with_characters_pages_cannot_carry_is_stored_as_the_lockfile_reads_it(
    scholar_site: Path, fake_scholar: FakeSemanticScholar, tmp_path: Path
) -> None:
    """JSON carries any character, a venue's Windows-1252 quotes read as Latin-1 (U+0093,
    U+0094) and a NUL too; stored as they come, they made a lockfile its own reader refuses,
    and every build stopped. They are stored as the characters meant, or left out; a link or
    an ID holding one is left out, as any value the record cannot hold."""
    paper = S2_PAPERS[IDS[0]]
    pdf = "https://example.org/paper\u0085.pdf"
    fake_scholar.add(
        dataclasses.replace(paper, venue="\u0093Findings\u0094 of ACL\x00", open_access_pdf=pdf),
        FakeS2Paper(arxiv_id=UNKNOWN_TO_S2, paper_id="s2paper\x003", title="Sparse"),
    )

    assert run(scholar_site).ok
    build(scholar_site, tmp_path / "out")

    records = scholar_records(scholar_site)
    assert records[IDS[0]]["venue"] == "\u201cFindings\u201d of ACL"
    assert (records[IDS[0]]["paper_id"], records[IDS[0]]["open_access_pdf"]) == ("s2paper1", None)
    assert records[UNKNOWN_TO_S2] is None


def test_records_carry_the_time_they_were_fetched(scholar_site: Path) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    run(scholar_site)
    after = dt.datetime.now(dt.UTC)

    for arxiv_id in (IDS[0], IDS[1]):
        fetched = dt.datetime.fromisoformat(scholar_records(scholar_site)[arxiv_id]["fetched"])
        assert before <= fetched <= after


def test_a_refresh_that_finds_nothing_new_keeps_each_record_and_the_file_byte_identical(
    scholar_site: Path,
) -> None:
    """A refresh restamped every record's ``fetched``, so the lockfile's diff touched them all."""
    run(scholar_site)
    data = json.loads((scholar_site / LOCKFILE).read_text(encoding="utf-8"))
    for entry in data["papers"].values():
        for record in (entry["arxiv"], entry["semantic_scholar"]):
            if record is not None:
                record["fetched"] = "2026-01-01T00:00:00Z"
    before = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (scholar_site / LOCKFILE).write_text(before, encoding="utf-8")

    report = run(scholar_site, refresh=[])

    assert report.ok
    assert report.fetched["Semantic Scholar"] == 2
    assert (scholar_site / LOCKFILE).read_text(encoding="utf-8") == before


def test_batch_request_lists_each_paper_as_arxiv_lookup(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    run(scholar_site)

    [request] = fake_scholar.requests
    assert request.path == BATCH_PATH
    assert request.body == {"ids": [f"ARXIV:{i}" for i in IDS[:3]]}


def test_batch_request_asks_for_the_stored_fields(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    run(scholar_site)

    [request] = fake_scholar.requests
    fields = set(request.params["fields"].split(","))
    assert {"url", "citationCount", "venue", "year", "openAccessPdf"} <= fields


def test_arxiv_records_are_stored_beside_semantic_scholar_records(scholar_site: Path) -> None:
    run(scholar_site)

    papers = locked(scholar_site)
    assert sorted(papers) == IDS[:3]
    for arxiv_id in IDS[:3]:
        assert papers[arxiv_id]["arxiv"]["id"] == arxiv_id
        assert papers[arxiv_id]["arxiv"]["title"] == TITLES[arxiv_id]


def test_paper_unknown_to_semantic_scholar_gets_no_record_and_is_no_error(
    scholar_site: Path,
) -> None:
    report = run(scholar_site)

    assert report.ok
    assert report.failures == []
    assert report.fetched == {"arXiv": 3, "Semantic Scholar": 2}
    assert scholar_records(scholar_site)[UNKNOWN_TO_S2] is None
    assert locked(scholar_site)[UNKNOWN_TO_S2]["arxiv"] is not None


# Batching


def test_batch_size_splits_the_papers_into_requests_of_at_most_that_many(
    make_site: MakeSite, fake_scholar: FakeSemanticScholar
) -> None:
    site = make_site(papers=5, batch_size=2)

    report = run(site)

    assert report.ok
    batches = requested_ids(fake_scholar)
    assert len(batches) == 3
    assert all(len(batch) <= 2 for batch in batches)
    assert sorted(one for batch in batches for one in batch) == [f"ARXIV:{i}" for i in IDS]
    assert report.fetched["Semantic Scholar"] == 4


# API key


def test_api_key_from_the_environment_is_sent_as_x_api_key(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    run(scholar_site, environ={"SEMANTIC_SCHOLAR_API_KEY": "k123"})

    [request] = fake_scholar.requests
    assert request.headers["x-api-key"] == "k123"


def test_no_api_key_header_without_the_environment_variable(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    run(scholar_site, environ={})

    [request] = fake_scholar.requests
    assert "x-api-key" not in request.headers


# Endpoint overrides


def test_environment_url_wins_over_the_configured_semantic_scholar_url(
    make_site: MakeSite, fake_scholar: FakeSemanticScholar
) -> None:
    site = make_site(scholar_url=unused_url("/graph/v1"))

    report = run(site, environ={"PAPERSITE_SEMANTIC_SCHOLAR_API_URL": fake_scholar.url})

    assert report.ok
    assert len(fake_scholar.requests) == 1
    assert scholar_records(site)[IDS[0]]["paper_id"] == "s2paper1"


def test_environment_urls_win_over_both_configured_urls(
    make_site: MakeSite, fake_arxiv: FakeArxiv, fake_scholar: FakeSemanticScholar
) -> None:
    site = make_site(arxiv_url=unused_url("/api/query"), scholar_url=unused_url("/graph/v1"))
    environ = {
        "PAPERSITE_ARXIV_API_URL": fake_arxiv.url,
        "PAPERSITE_SEMANTIC_SCHOLAR_API_URL": fake_scholar.url,
    }

    report = run(site, environ=environ)

    assert report.ok
    assert len(fake_arxiv.requests) >= 1
    assert len(fake_scholar.requests) == 1
    assert report.fetched == {"arXiv": 3, "Semantic Scholar": 2}


# Retries


def test_rate_limit_waits_as_long_as_retry_after_asks(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    fake_scholar.script = [Behaviour.status(429, retry_after=1)]

    report = run(scholar_site)

    assert report.ok
    assert len(fake_scholar.requests) == 2
    assert gaps(fake_scholar)[0] >= 1.0
    assert scholar_records(scholar_site)[IDS[0]] is not None


def test_service_unavailable_once_is_retried(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    fake_scholar.script = [Behaviour.status(503)]

    report = run(scholar_site)

    assert report.ok
    assert len(fake_scholar.requests) == 2
    assert requested_ids(fake_scholar)[0] == requested_ids(fake_scholar)[1]
    assert scholar_records(scholar_site)[IDS[1]] is not None


def test_service_unavailable_for_good_is_a_failure_naming_every_id(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    fake_scholar.default = Behaviour.status(503)

    report = run(scholar_site)

    assert not report.ok
    [failure] = report.failures
    assert failure.source == "Semantic Scholar"
    assert failure.ids == IDS[:3]
    assert "503" in failure.reason
    assert len(fake_scholar.requests) == 3  # the first try and two retries


def test_service_unavailable_for_good_makes_the_cli_exit_1_naming_source_and_ids(
    scholar_site: Path,
    fake_scholar: FakeSemanticScholar,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ENV_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    fake_scholar.default = Behaviour.status(503)

    code = main(["enrich", "--source", str(scholar_site), "--with", "semantic-scholar"])

    assert code == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "Semantic Scholar" in line]
    assert len(errors) == 1
    assert errors[0].startswith("error: ")
    for arxiv_id in IDS[:3]:
        assert arxiv_id in errors[0]


def test_service_unavailable_for_good_keeps_the_arxiv_records_written_before(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    fake_scholar.default = Behaviour.status(503)

    run(scholar_site)

    papers = locked(scholar_site)
    assert sorted(papers) == IDS[:3]
    for arxiv_id in IDS[:3]:
        assert papers[arxiv_id]["arxiv"]["title"] == TITLES[arxiv_id]
        assert papers[arxiv_id]["semantic_scholar"] is None


def test_failure_in_a_later_batch_keeps_the_earlier_batches_and_names_the_rest(
    make_site: MakeSite, fake_scholar: FakeSemanticScholar
) -> None:
    site = make_site(papers=5, batch_size=2)
    fake_scholar.script = [Behaviour.ok()]
    fake_scholar.default = Behaviour.status(503)

    report = run(site)

    [failure] = report.failures
    assert failure.ids == IDS[2:]
    records = scholar_records(site)
    assert records[IDS[0]]["paper_id"] == "s2paper1"
    assert records[IDS[1]]["paper_id"] == "s2paper2"
    assert all(records[i] is None for i in IDS[2:])


def test_forbidden_is_a_failure_without_retries(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    fake_scholar.default = Behaviour.status(403)

    report = run(scholar_site, environ={"SEMANTIC_SCHOLAR_API_KEY": "wrong"})

    [failure] = report.failures
    assert failure.ids == IDS[:3]
    assert "403" in failure.reason
    assert len(fake_scholar.requests) == 1


def test_site_still_builds_after_a_semantic_scholar_failure(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    fake_scholar.default = Behaviour.status(503)
    run(scholar_site)

    build(scholar_site)

    assert (scholar_site / "build" / "index.html").is_file()


def test_malformed_json_is_retried(scholar_site: Path, fake_scholar: FakeSemanticScholar) -> None:
    fake_scholar.script = [Behaviour.malformed()]

    report = run(scholar_site)

    assert report.ok
    assert len(fake_scholar.requests) == 2
    assert scholar_records(scholar_site)[IDS[0]]["paper_id"] == "s2paper1"


@pytest.mark.parametrize(
    "slow", [Behaviour.delay(3), Behaviour.trickle(0.2)], ids=["late", "a-few-bytes-at-a-time"]
)
def test_slow_answer_times_out_and_is_retried(
    make_site: MakeSite, fake_scholar: FakeSemanticScholar, slow: Behaviour
) -> None:
    """``timeout_seconds`` bounds the whole answer, also one whose every read gets a few bytes."""
    site = make_site(timeout_seconds=0.5)
    fake_scholar.script = [slow]

    report = run(site)

    assert report.ok
    assert len(fake_scholar.requests) == 2
    assert gaps(fake_scholar)[0] < 2  # the client gave up on the slow answer, not waited it out
    assert scholar_records(site)[IDS[0]]["paper_id"] == "s2paper1"


def test_server_that_never_answers_in_time_is_a_failure(
    make_site: MakeSite, fake_scholar: FakeSemanticScholar
) -> None:
    site = make_site(timeout_seconds=0.5)
    fake_scholar.default = Behaviour.delay(3)

    report = run(site)

    [failure] = report.failures
    assert failure.ids == IDS[:3]
    assert "did not answer in time" in str(failure)
    assert len(fake_scholar.requests) == 3


# Spacing


def test_consecutive_requests_are_at_least_delay_seconds_apart(
    make_site: MakeSite, fake_scholar: FakeSemanticScholar
) -> None:
    site = make_site(papers=3, batch_size=1, delay_seconds=0.3)

    report = run(site)

    assert report.ok
    assert len(fake_scholar.requests) == 3
    assert all(gap >= 0.3 for gap in gaps(fake_scholar))


# The lockfile as a cache


def test_cached_records_are_not_fetched_again(
    make_site: MakeSite, fake_arxiv: FakeArxiv, fake_scholar: FakeSemanticScholar
) -> None:
    site = make_site(papers=2)  # both known to Semantic Scholar
    run(site)
    first = scholar_records(site)
    arxiv_requests = len(fake_arxiv.requests)

    report = run(site)

    assert report.ok
    assert len(fake_scholar.requests) == 1
    assert len(fake_arxiv.requests) == arxiv_requests
    assert scholar_records(site) == first


def test_second_run_asks_for_no_paper_that_has_a_record(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    run(scholar_site)
    cached = {f"ARXIV:{i}" for i, record in scholar_records(scholar_site).items() if record}

    run(scholar_site)

    later = {one for batch in requested_ids(fake_scholar)[1:] for one in batch}
    assert cached == {f"ARXIV:{IDS[0]}", f"ARXIV:{IDS[1]}"}
    assert not cached & later


def test_refresh_everything_refetches_semantic_scholar_records(
    scholar_site: Path, fake_scholar: FakeSemanticScholar
) -> None:
    run(scholar_site)
    fake_scholar.add(
        FakeS2Paper(arxiv_id=IDS[0], paper_id="s2paper1", title=TITLES[IDS[0]], citation_count=999)
    )

    report = run(scholar_site, refresh=[])

    assert report.ok
    assert requested_ids(fake_scholar) == [[f"ARXIV:{i}" for i in IDS[:3]]] * 2
    assert scholar_records(scholar_site)[IDS[0]]["citation_count"] == 999


def test_refresh_of_one_id_refetches_only_that_paper(
    make_site: MakeSite, fake_scholar: FakeSemanticScholar
) -> None:
    site = make_site(papers=2)
    run(site)

    report = run(site, refresh=[IDS[1]])

    assert report.ok
    assert requested_ids(fake_scholar)[1:] == [[f"ARXIV:{IDS[1]}"]]
