"""The loopback fakes speak the real protocols: the real ``arxiv`` client and httpx understand them.

Other tests let these fakes stand in for arxiv.org and api.semanticscholar.org, so what the
fakes answer is pinned here against the real clients rather than assumed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import arxiv
import httpx
import pytest
import requests
from lxml import etree

from fake_arxiv import ATOM, FakeArxiv, FakePaper
from fake_http import Behaviour
from fake_semantic_scholar import FakeS2Paper, FakeSemanticScholar

DAPO = FakePaper(
    id="2503.14476",
    title="DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
    authors=["Qiying Yu", "Zheng Zhang"],
    summary="Inference scaling <empowers> LLMs & more.",
    versions=["2025-03-18", "2025-05-20"],
    primary_category="cs.LG",
    categories=["cs.LG", "cs.CL"],
    doi="10.48550/arXiv.2503.14476",
    journal_ref="NeurIPS 2025",
    comment="Project page: https://dapo-sia.github.io/",
)
TOPOLOGY = FakePaper(
    id="math.GT/0309136",
    title="Heegaard splittings of sufficiently complicated 3-manifolds",
    authors=["David Bachman"],
    summary="An old-style ID with a subject class.",
    versions=["2003-09-08"],
    primary_category="math.GT",
    categories=["math.GT"],
)
STRINGS = FakePaper(
    id="hep-th/9901001",
    title="Strings on curved backgrounds",
    authors=["A. Author"],
    summary="An old-style ID without a subject class.",
    versions=["1999-01-01", "1999-02-15"],
    primary_category="hep-th",
    categories=["hep-th", "gr-qc"],
)
FILLERS = [
    FakePaper(
        id=f"2501.0000{n}",
        title=f"Filler paper number {n}",
        authors=["B. Author"],
        summary="Fills a page.",
        versions=["2025-01-02"],
        primary_category="cs.AI",
        categories=["cs.AI"],
    )
    for n in range(1, 4)
]
DAPO_S2 = FakeS2Paper(
    arxiv_id="2503.14476",
    paper_id="9f0c8a3e5e0a6c4f1a1b2c3d4e5f60718293a4b5",
    title=DAPO.title,
    citation_count=412,
    venue="arXiv.org",
    year=2025,
    open_access_pdf="https://arxiv.org/pdf/2503.14476",
    doi="10.48550/arXiv.2503.14476",
)


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    with FakeArxiv(DAPO, TOPOLOGY, STRINGS, *FILLERS) as fake:
        yield fake


@pytest.fixture
def fake_s2() -> Iterator[FakeSemanticScholar]:
    with FakeSemanticScholar(DAPO_S2) as fake:
        yield fake


def fetch(fake: FakeArxiv, search: arxiv.Search, page_size: int = 100) -> list[arxiv.Result]:
    """Runs a search with the real client, without its politeness delay or retries."""
    client = arxiv.Client(page_size=page_size, delay_seconds=0.0, num_retries=0)
    client.query_url_format = fake.url + "?{}"
    return list(client.results(search))


def fetch_ids(fake: FakeArxiv, *ids: str, page_size: int = 100) -> list[arxiv.Result]:
    return fetch(fake, arxiv.Search(id_list=list(ids)), page_size)


def short_ids(results: list[arxiv.Result]) -> list[str]:
    return [result.get_short_id() for result in results]


def day(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


# arXiv


def test_base_id_gives_the_latest_version_with_every_field(fake_arxiv: FakeArxiv) -> None:
    [result] = fetch_ids(fake_arxiv, "2503.14476")
    assert result.entry_id == "http://arxiv.org/abs/2503.14476v2"
    assert result.title == DAPO.title
    assert [author.name for author in result.authors] == DAPO.authors
    assert result.summary == DAPO.summary
    assert (result.published, result.updated) == (day("2025-03-18"), day("2025-05-20"))
    assert (result.primary_category, result.categories) == ("cs.LG", ["cs.LG", "cs.CL"])
    assert (result.doi, result.journal_ref, result.comment) == (
        DAPO.doi,
        DAPO.journal_ref,
        DAPO.comment,
    )
    assert result.pdf_url == "http://arxiv.org/pdf/2503.14476v2"


def test_versioned_id_gives_that_version(fake_arxiv: FakeArxiv) -> None:
    [result] = fetch_ids(fake_arxiv, "2503.14476v1")
    assert result.entry_id == "http://arxiv.org/abs/2503.14476v1"
    assert result.updated == result.published == day("2025-03-18")
    assert result.pdf_url == "http://arxiv.org/pdf/2503.14476v1"


def test_old_style_ids_with_and_without_subject_class(fake_arxiv: FakeArxiv) -> None:
    results = fetch_ids(fake_arxiv, "math.GT/0309136", "math/0309136v1", "hep-th/9901001v1")
    assert short_ids(results) == ["math.GT/0309136v1", "math.GT/0309136v1", "hep-th/9901001v1"]
    assert results[2].categories == ["hep-th", "gr-qc"]
    assert (results[1].doi, results[1].journal_ref, results[1].comment) == (None, None, None)


def test_unknown_ids_and_versions_are_left_out(fake_arxiv: FakeArxiv) -> None:
    results = fetch_ids(fake_arxiv, "9999.99999", "2503.14476v3", "hep-th/9901001")
    assert short_ids(results) == ["hep-th/9901001v2"]


def test_a_malformed_id_is_answered_with_400_and_an_error_entry(fake_arxiv: FakeArxiv) -> None:
    with pytest.raises(arxiv.HTTPError) as raised:
        fetch_ids(fake_arxiv, "2503.14476", "not-an-id")
    assert raised.value.status == 400
    response = httpx.get(fake_arxiv.url, params={"id_list": "not-an-id"})
    entry_id = etree.fromstring(response.content).findtext(f"{{{ATOM}}}entry/{{{ATOM}}}id")
    assert entry_id == "http://arxiv.org/api/errors#incorrect_id_format_for_not-an-id"


def test_paging_walks_the_id_list(fake_arxiv: FakeArxiv) -> None:
    ids = ["2501.00001", "2503.14476", "2501.00002", "hep-th/9901001", "2501.00003"]
    results = fetch_ids(fake_arxiv, *ids, page_size=2)
    assert [short_id.rsplit("v", 1)[0] for short_id in short_ids(results)] == ids
    assert [request.params["start"] for request in fake_arxiv.requests] == ["0", "2", "4"]
    assert all(request.id_list == ids for request in fake_arxiv.requests)


def test_title_search_by_phrase_and_by_words(fake_arxiv: FakeArxiv) -> None:
    phrase = fetch(fake_arxiv, arxiv.Search(query='ti:"open-source LLM"'))
    words = fetch(fake_arxiv, arxiv.Search(query="ti:filler AND ti:PAPER"))
    assert short_ids(phrase) == ["2503.14476v2"]
    assert short_ids(words) == ["2501.00001v1", "2501.00002v1", "2501.00003v1"]


def test_a_scripted_status_is_used_once(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.script.append(Behaviour.status(503))
    with pytest.raises(arxiv.HTTPError) as raised:
        fetch_ids(fake_arxiv, "2503.14476")
    assert raised.value.status == 503
    assert short_ids(fetch_ids(fake_arxiv, "2503.14476")) == ["2503.14476v2"]


def test_garbage_and_empty_bodies_both_look_like_no_results(fake_arxiv: FakeArxiv) -> None:
    """The client only logs a warning for a body that is not XML; callers see an empty list."""
    fake_arxiv.script += [Behaviour.malformed(), Behaviour.empty()]
    assert fetch_ids(fake_arxiv, "2503.14476") == []
    assert fetch_ids(fake_arxiv, "2503.14476") == []


def test_a_slow_answer_times_out_and_does_not_hold_up_stopping() -> None:
    with FakeArxiv(DAPO) as fake:
        fake.default = Behaviour.delay(30)
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(fake.url, params={"id_list": "2503.14476"}, timeout=0.1)
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 1


def test_a_hanging_request_ends_only_when_the_fake_stops() -> None:
    """arxiv.Client sets no timeout: against a silent server it waits until the server goes."""
    outcome: list[BaseException] = []

    def search(fake: FakeArxiv) -> None:
        try:
            fetch_ids(fake, "2503.14476")
        except requests.ConnectionError as error:
            outcome.append(error)

    with FakeArxiv(DAPO) as fake:
        fake.default = Behaviour.hang()
        client = threading.Thread(target=search, args=(fake,))
        client.start()
        wait_until(lambda: bool(fake.requests))
        time.sleep(0.2)
        assert client.is_alive()
    client.join(timeout=2)
    assert len(outcome) == 1


def wait_until(condition: Callable[[], bool], seconds: float = 2) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


# Semantic Scholar


def test_batch_answers_in_order_with_only_the_requested_fields(
    fake_s2: FakeSemanticScholar,
) -> None:
    response = httpx.post(
        fake_s2.url + "/paper/batch",
        params={"fields": "title,citationCount,externalIds,openAccessPdf"},
        json={"ids": ["ARXIV:0000.00000", "ARXIV:2503.14476"]},
        headers={"x-api-key": "secret"},
    )
    assert response.status_code == 200
    assert response.json() == [
        None,
        {
            "paperId": DAPO_S2.paper_id,
            "title": DAPO.title,
            "citationCount": 412,
            "externalIds": {"ArXiv": "2503.14476", "DOI": "10.48550/arXiv.2503.14476"},
            "openAccessPdf": {"url": "https://arxiv.org/pdf/2503.14476", "status": "GREEN"},
        },
    ]
    [request] = fake_s2.requests
    assert request.headers["x-api-key"] == "secret"
    assert request.body == {"ids": ["ARXIV:0000.00000", "ARXIV:2503.14476"]}


def test_batch_refuses_more_than_500_ids(fake_s2: FakeSemanticScholar) -> None:
    ids = [f"ARXIV:2501.{n:05d}" for n in range(501)]
    response = httpx.post(fake_s2.url + "/paper/batch", json={"ids": ids})
    assert response.status_code == 400
    assert "error" in response.json()


def test_rate_limit_and_garbage_behaviours(fake_s2: FakeSemanticScholar) -> None:
    fake_s2.script += [Behaviour.status(429, retry_after=2), Behaviour.malformed()]
    batch = fake_s2.url + "/paper/batch"
    limited = httpx.post(batch, json={"ids": ["ARXIV:2503.14476"]})
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert limited.json() == {"message": "Too Many Requests"}
    garbled = httpx.post(batch, json={"ids": ["ARXIV:2503.14476"]})
    with pytest.raises(ValueError):
        garbled.json()
