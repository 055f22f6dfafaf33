"""``papersite check --links``' link checker, against a loopback web server (``fake_links.py``)
whose pages are live, dead, slow, moved, looping, or failing until they work."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, SITE_CONFIG, WriteTree, validate
from fake_links import SLOW_SECONDS, Gauge, LinkServer
from papersite.linkcheck import (
    CACHE_FILE,
    USER_AGENT,
    LinkRef,
    LinkReport,
    check_links,
    collect_links,
    retry_after_seconds,
    urls_in_markdown,
)
from papersite.model import LinkSettings

# Short waits, so that the retries of a test take milliseconds; a timeout generous enough for a
# loaded machine to answer a loopback request within it.
FAST = LinkSettings(timeout_seconds=2, retries=2, backoff_seconds=0.01)
HOUR = 3600.0


@pytest.fixture
def server() -> Iterator[LinkServer]:
    """The loopback server of ``fake_links.PAGES``."""
    with LinkServer() as running:
        yield running


def refs(*urls: str) -> list[LinkRef]:
    """A reference to each URL, one per line of a made-up digest."""
    return [
        LinkRef(url, "digests/weekly/2025-03-17.yaml", line, 9, f"papers[{line - 1}].links[0].url")
        for line, url in enumerate(urls, start=1)
    ]


def check(*urls: str, settings: LinkSettings = FAST, **options: Any) -> LinkReport:
    options.setdefault("cache_file", None)
    return check_links(refs(*urls), settings, **options)


def messages(problems: list[Any]) -> list[str]:
    return [problem.message for problem in problems]


# --- what a link's answer means -----------------------------------------------------------------


def test_a_live_link_is_checked_with_one_head_request(server: LinkServer) -> None:
    report = check(server.url("/live"))
    assert (report.errors, report.warnings, report.checked, report.cached) == ([], [], 1, 0)
    assert server.requests == [("HEAD", "/live")]
    assert server.user_agents == {USER_AGENT}
    assert USER_AGENT.startswith("papersite/")


def test_a_server_that_refuses_head_is_asked_with_get(server: LinkServer) -> None:
    report = check(server.url("/head-405"))
    assert (report.errors, report.warnings) == ([], [])
    assert server.requests == [("HEAD", "/head-405"), ("GET", "/head-405")]


@pytest.mark.parametrize(("path", "status"), [("/dead", 404), ("/gone", 410)])
def test_a_missing_page_is_a_dead_link(server: LinkServer, path: str, status: int) -> None:
    url = server.url(path)
    report = check(url)
    assert [str(e) for e in report.errors] == [
        f"digests/weekly/2025-03-17.yaml:1:9: papers[0].links[0].url: {url}: dead link: HTTP {status}"
    ]
    # HEAD's 404 is not believed (some servers mishandle HEAD); GET's is. Neither is retried.
    assert server.requests == [("HEAD", path), ("GET", path)]


def test_a_failing_server_is_retried_until_it_answers(server: LinkServer) -> None:
    report = check(server.url("/flaky"))  # HTTP 500 twice, then 200
    assert (report.errors, report.warnings) == ([], [])
    assert server.requests == [("HEAD", "/flaky"), ("GET", "/flaky"), ("GET", "/flaky")]


@pytest.mark.parametrize("retries", [0, 2])
def test_a_server_that_stays_down_is_dead_after_the_retries(
    server: LinkServer, retries: int
) -> None:
    url = server.url("/down")
    report = check(url, settings=FAST.model_copy(update={"retries": retries}))
    tries = "1 try" if retries == 0 else f"{retries + 1} tries"
    assert messages(report.errors) == [f"{url}: dead link: HTTP 503 ({tries})"]
    assert server.count("/down") == retries + 1


def test_a_slow_server_times_out_without_waiting_for_it(server: LinkServer) -> None:
    url = server.url("/slow")
    settings = FAST.model_copy(update={"timeout_seconds": 0.3})
    started = time.monotonic()
    report = check(url, settings=settings)
    elapsed = time.monotonic() - started
    assert messages(report.errors) == [f"{url}: no answer within 0.3 s (3 tries)"]
    assert server.count("/slow") == 3
    # Three tries of 0.3 s, never the page's own 5 s: the timeout bounds each try.
    assert elapsed < SLOW_SECONDS


def test_a_closed_port_is_an_error_after_the_retries() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    [error] = check(url).errors
    assert error.message.startswith(f"{url}: cannot connect: ")
    assert error.message.endswith("(3 tries)")


def test_a_rate_limited_link_is_neither_dead_nor_moved(server: LinkServer) -> None:
    url = server.url("/limited")
    report = check(url)
    assert (report.errors, report.warnings) == ([], [])
    assert messages(report.limited) == [
        f"{url}: the server turned the checker away (HTTP 429, 3 tries); check the link by hand"
    ]


def test_retry_after_is_honoured_up_to_the_cap(server: LinkServer) -> None:
    settings = FAST.model_copy(update={"max_retry_after_seconds": 0.3})
    started = time.monotonic()
    report = check(server.url("/busy"), settings=settings)  # 503 with Retry-After: 1, then 200
    elapsed = time.monotonic() - started
    assert report.errors == []
    assert server.count("/busy") == 2
    # It waited for the cap (0.3 s), more than the back-off (0.01 s), less than the server's 1 s.
    assert 0.3 <= elapsed < 1.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # long past
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


def test_retry_after_as_a_future_date() -> None:
    future = email.utils.formatdate(time.time() + 60, usegmt=True)
    assert 50 < (retry_after_seconds(future) or 0) <= 60


# --- redirects ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/moved", "/moved-308"])
def test_a_permanent_redirect_is_a_warning_naming_the_new_address(
    server: LinkServer, path: str
) -> None:
    url = server.url(path)
    report = check(url)
    assert report.errors == []
    assert messages(report.warnings) == [
        f"{url}: redirects to {server.url('/live')}; update the link"
    ]


def test_a_temporary_redirect_is_fine(server: LinkServer) -> None:
    report = check(server.url("/found"))
    assert (report.errors, report.warnings) == ([], [])
    assert server.requests == [("HEAD", "/found"), ("HEAD", "/live")]


def test_a_permanent_redirect_names_where_it_leads_not_the_temporary_hop_after_it(
    server: LinkServer,
) -> None:
    url = server.url("/moved-then-found")
    report = check(url)
    assert messages(report.warnings) == [
        f"{url}: redirects to {server.url('/found')}; update the link"
    ]


def test_a_redirect_to_a_missing_page_is_a_dead_link(server: LinkServer) -> None:
    url = server.url("/moved-to-dead")
    report = check(url)
    assert messages(report.errors) == [
        f"{url}: dead link: redirects to {server.url('/dead')}, which answers HTTP 404"
    ]
    assert report.warnings == []


def test_a_redirect_loop_is_an_error(server: LinkServer) -> None:
    a, b = server.url("/loop-a"), server.url("/loop-b")
    report = check(a)
    assert messages(report.errors) == [f"{a}: redirect loop: {a} → {b} → {a}"]
    assert server.requests == [("HEAD", "/loop-a"), ("HEAD", "/loop-b")]


def test_too_many_redirects_is_an_error(server: LinkServer) -> None:
    url = server.url("/moved-then-found")  # → /found → /live
    report = check(url, settings=FAST.model_copy(update={"max_redirects": 1}))
    assert messages(report.errors) == [f"{url}: too many redirects (more than 1)"]


def test_a_redirect_away_from_the_web_is_an_error(server: LinkServer) -> None:
    url = server.url("/to-ftp")
    report = check(url)
    assert messages(report.errors) == [
        f"{url}: dead link: HTTP 302 with a Location header that is not an http(s) address: "
        "'ftp://example.org/file'"
    ]


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        (
            "/to-bad-ipv6",
            "HTTP 302 with a Location header that is not a valid URL: 'http://[' "
            "(Invalid IPv6 URL)",
        ),
        (
            "/to-javascript",
            "HTTP 302 with a Location header that is not an http(s) address: 'javascript:alert(1)'",
        ),
        (
            "/to-spaced-host",
            "HTTP 301 with a Location header that names no valid host: 'http://exa mple.com/'",
        ),
    ],
)
def test_a_redirect_to_no_address_is_a_dead_link_saying_so(
    server: LinkServer, path: str, answer: str
) -> None:
    url = server.url(path)
    report = check(url)
    assert messages(report.errors) == [f"{url}: dead link: {answer}"]
    assert report.warnings == []
    # Asked again with GET, as a redirect without a Location is; never retried as unreachable.
    assert server.requests == [("HEAD", path), ("GET", path)]


def test_a_redirect_to_a_redirect_to_no_address_names_both(server: LinkServer) -> None:
    url = server.url("/found-bad")
    report = check(url)
    assert messages(report.errors) == [
        f"{url}: dead link: redirects to {server.url('/to-bad-ipv6')}, which answers HTTP 302 "
        "with a Location header that is not a valid URL: 'http://[' (Invalid IPv6 URL)"
    ]


@pytest.mark.parametrize(("path", "status"), [("/nowhere", 302), ("/moved-nowhere", 301)])
def test_a_redirect_without_a_location_is_a_dead_link(
    server: LinkServer, path: str, status: int
) -> None:
    url = server.url(path)
    report = check(url)
    assert [str(e) for e in report.errors] == [
        f"digests/weekly/2025-03-17.yaml:1:9: papers[0].links[0].url: {url}: "
        f"dead link: HTTP {status} without a Location header"
    ]
    assert report.warnings == []
    # HEAD's answer is not believed, as for a 404; GET's is.
    assert server.requests == [("HEAD", path), ("GET", path)]


def test_a_redirect_to_a_redirect_without_a_location_is_a_dead_link(server: LinkServer) -> None:
    url = server.url("/found-nowhere")
    report = check(url)
    assert messages(report.errors) == [
        f"{url}: dead link: redirects to {server.url('/nowhere')}, "
        "which answers HTTP 302 without a Location header"
    ]


def test_a_redirect_without_a_location_only_for_head_is_asked_with_get(server: LinkServer) -> None:
    report = check(server.url("/head-nowhere"))
    assert (report.errors, report.warnings) == ([], [])
    assert server.requests == [("HEAD", "/head-nowhere"), ("GET", "/head-nowhere")]


# --- each URL once, and within the limits -------------------------------------------------------


def test_each_url_is_fetched_once_and_reported_at_every_reference(server: LinkServer) -> None:
    dead, live = server.url("/dead"), server.url("/live")
    report = check(dead, live, dead, f"{dead}#section", live)
    assert [(e.line, e.message) for e in report.errors] == [
        (1, f"{dead}: dead link: HTTP 404"),
        (3, f"{dead}: dead link: HTTP 404"),
        (4, f"{dead}#section: dead link: HTTP 404"),
    ]
    assert report.checked == 2
    assert server.requests.count(("GET", "/dead")) == 1
    assert server.requests.count(("HEAD", "/live")) == 1


def test_no_host_gets_more_requests_at_once_than_per_host(server: LinkServer) -> None:
    urls = [server.url(f"/wait/{n}") for n in range(12)]
    report = check(*urls, settings=FAST.model_copy(update={"per_host": 2, "concurrency": 8}))
    assert report.errors == []
    assert server.gauge.peak == 2


def test_no_more_requests_at_once_than_concurrency_over_every_host() -> None:
    everywhere = Gauge()
    with (
        LinkServer(everywhere) as a,
        LinkServer(everywhere) as b,
        LinkServer(everywhere) as c,
        LinkServer(everywhere) as d,
    ):
        servers = (a, b, c, d)
        urls = [s.url(f"/wait/{n}") for s in servers for n in range(4)]
        settings = FAST.model_copy(update={"per_host": 2, "concurrency": 3})
        report = check(*urls, settings=settings)
    assert report.errors == []
    assert everywhere.peak == 3
    assert all(s.gauge.peak <= 2 for s in servers)


def test_skipped_prefixes_are_not_requested(server: LinkServer) -> None:
    settings = FAST.model_copy(update={"skip": [server.url("/dead")]})
    report = check(server.url("/dead"), server.url("/dead?page=2"), settings=settings)
    assert (report.errors, report.checked, report.skipped) == ([], 0, 2)
    assert server.requests == []


# --- the cache ----------------------------------------------------------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_second_run_takes_every_result_from_the_cache(server: LinkServer, tmp_path: Path) -> None:
    cache = tmp_path / CACHE_FILE
    urls = [server.url(path) for path in ("/live", "/head-405", "/moved", "/found")]
    first = check(*urls, cache_file=cache)
    assert (first.checked, first.cached) == (4, 0)
    requests = len(server.requests)

    second = check(*urls, cache_file=cache)
    assert (second.checked, second.cached) == (0, 4)
    assert len(server.requests) == requests
    assert messages(second.warnings) == messages(first.warnings) != []
    saved = json.loads(cache.read_text(encoding="utf-8"))
    assert saved["format"] == 1
    assert sorted(saved["links"]) == sorted(urls)


def test_expired_results_are_checked_again(server: LinkServer, tmp_path: Path) -> None:
    cache, clock, url = tmp_path / CACHE_FILE, Clock(), server.url("/live")
    check(url, cache_file=cache, now=clock)
    clock.now += 23 * HOUR
    assert check(url, cache_file=cache, now=clock).cached == 1
    clock.now += 2 * HOUR  # 25 hours after the check: older than cache_hours (24)
    assert check(url, cache_file=cache, now=clock).checked == 1
    assert server.count("/live") == 2


def test_reusing_results_for_0_hours_fetches_every_url_and_keeps_the_new_results(
    server: LinkServer, tmp_path: Path
) -> None:
    """``--link-cache-hours 0``: every URL is fetched again, and the next run without it takes
    the new results from the cache."""
    cache, urls = tmp_path / CACHE_FILE, [server.url("/live"), server.url("/moved")]
    check(*urls, cache_file=cache)

    requests = len(server.requests)
    again = check(*urls, cache_file=cache, reuse_hours=0)
    assert (again.checked, again.cached) == (2, 0) and len(server.requests) > requests
    saved = json.loads(cache.read_text(encoding="utf-8"))["links"]
    assert sorted(saved) == sorted(urls)

    requests = len(server.requests)
    after = check(*urls, cache_file=cache)
    assert (after.checked, after.cached) == (0, 2) and len(server.requests) == requests


def test_dead_links_are_checked_again_unless_failures_are_cached(
    server: LinkServer, tmp_path: Path
) -> None:
    cache, clock, url = tmp_path / CACHE_FILE, Clock(), server.url("/dead")
    check(url, cache_file=cache, now=clock)
    again = check(url, cache_file=cache, now=clock)
    assert (again.checked, len(again.errors)) == (1, 1)

    settings = FAST.model_copy(update={"failure_cache_hours": 1})
    check(url, settings=settings, cache_file=cache, now=clock)
    cached = check(url, settings=settings, cache_file=cache, now=clock)
    assert (cached.checked, cached.cached) == (0, 1)
    assert messages(cached.errors) == [f"{url}: dead link: HTTP 404"]
    clock.now += 1 * HOUR
    assert check(url, settings=settings, cache_file=cache, now=clock).checked == 1


def test_reusing_results_for_0_hours_fetches_dead_links_too(
    server: LinkServer, tmp_path: Path
) -> None:
    """``--link-cache-hours 0`` fetches every URL again, as the README says: a dead link's
    result, kept for ``failure_cache_hours``, was reused."""
    settings = FAST.model_copy(update={"failure_cache_hours": 1})
    cache, url = tmp_path / CACHE_FILE, server.url("/dead")
    check(url, settings=settings, cache_file=cache)

    again = check(url, settings=settings, cache_file=cache, reuse_hours=0)
    assert (again.checked, again.cached) == (1, 0)
    assert server.count("/dead") == 4  # HEAD, then GET, twice
    assert messages(again.errors) == [f"{url}: dead link: HTTP 404"]


def test_reusing_results_for_fewer_hours_keeps_the_other_results_for_the_next_runs(
    server: LinkServer, tmp_path: Path
) -> None:
    """A run with ``--link-cache-hours`` (here also on one digest's links only) forgot every
    cached result it did not reuse, so the next run fetched them all again."""
    cache, clock = tmp_path / CACHE_FILE, Clock()
    live, moved = server.url("/live"), server.url("/moved")
    check(live, moved, cache_file=cache, now=clock)
    clock.now += 2 * HOUR

    assert check(live, cache_file=cache, now=clock, reuse_hours=1).checked == 1
    saved = json.loads(cache.read_text(encoding="utf-8"))["links"]
    assert sorted(saved) == sorted([live, moved])

    requests = len(server.requests)
    after = check(live, moved, cache_file=cache, now=clock)
    assert (after.checked, after.cached) == (0, 2) and len(server.requests) == requests


def test_a_link_fetched_again_is_not_cached_by_its_old_result(
    server: LinkServer, tmp_path: Path
) -> None:
    """A working link that is down when fetched again (``--link-cache-hours 0``) is not taken
    as working from the cache by the next run."""
    settings = FAST.model_copy(update={"retries": 0})
    cache, url = tmp_path / CACHE_FILE, server.url("/down")
    cache.parent.mkdir()
    checked = dt.datetime.now(dt.UTC).isoformat()
    entry = {"checked": checked, "outcome": "ok", "message": ""}
    cache.write_text(json.dumps({"format": 1, "links": {url: entry}}), encoding="utf-8")
    assert check(url, settings=settings, cache_file=cache).cached == 1

    assert len(check(url, settings=settings, cache_file=cache, reuse_hours=0).errors) == 1
    assert json.loads(cache.read_text(encoding="utf-8"))["links"] == {}
    assert check(url, settings=settings, cache_file=cache).checked == 1


@pytest.mark.parametrize("path", ["/down", "/limited"])
def test_failures_that_may_pass_are_never_cached(
    server: LinkServer, tmp_path: Path, path: str
) -> None:
    settings = FAST.model_copy(update={"failure_cache_hours": 24, "retries": 0})
    cache = tmp_path / CACHE_FILE
    check(server.url(path), settings=settings, cache_file=cache)
    assert check(server.url(path), settings=settings, cache_file=cache).checked == 1


@pytest.mark.parametrize(
    "text",
    ["{not json", "[]", '{"format": 1, "links": {"x": {"checked": "yesterday"}}}', "\udcff"],
)
def test_a_damaged_cache_is_ignored_with_a_warning(
    server: LinkServer, tmp_path: Path, text: str
) -> None:
    cache = tmp_path / CACHE_FILE
    cache.parent.mkdir()
    cache.write_text(text, encoding="utf-8", errors="surrogateescape")
    report = check(server.url("/live"), cache_file=cache)
    assert (report.errors, report.warnings) == ([], [])
    [warning] = report.cache_warnings
    assert warning.path == cache.as_posix()
    assert "link cache" in warning.message
    assert "ignored" in warning.message
    # ... and replaced by a good one.
    assert check(server.url("/live"), cache_file=cache).cached == 1


def test_a_cache_folder_that_is_a_file_is_one_warning_saying_what_to_do(
    server: LinkServer, tmp_path: Path
) -> None:
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    cache = tmp_path / "not-a-folder" / "links.json"
    report = check(server.url("/live"), cache_file=cache)
    assert (report.errors, report.checked) == ([], 1)
    # Not a system error for reading and another for writing: what is wrong, and what to do.
    assert [w.message for w in report.cache_warnings] == [
        f"the link check's results are not kept: {tmp_path / 'not-a-folder'} is a file, not a "
        "folder, so nothing is cached and each run starts from scratch; remove it "
        "(.papersite-cache holds only what papersite makes again, and is safe to delete)"
    ]


def test_a_cache_that_cannot_be_read_or_written_is_a_warning_saying_what_to_do(
    server: LinkServer, tmp_path: Path
) -> None:
    cache = tmp_path / CACHE_FILE
    cache.mkdir(parents=True)  # a folder where the file goes
    report = check(server.url("/live"), cache_file=cache)
    assert report.errors == []
    assert [w.message for w in report.cache_warnings] == [
        "cannot read the link cache (Is a directory); ignored: remove it (it is safe to delete)",
        "cannot write the link cache (Is a directory), so the results are not kept: free some "
        "space, or make the folder writable, or remove it (it is safe to delete)",
    ]


def test_without_a_cache_file_nothing_is_written(server: LinkServer, tmp_path: Path) -> None:
    check(server.url("/live"), cache_file=None)
    assert list(tmp_path.iterdir()) == []


# --- where the links are ------------------------------------------------------------------------


def digest(origin: str) -> str:
    return f"""\
        kind: weekly
        period: {{start: 2025-03-17, end: 2025-03-23}}
        title: {{ko: "이번 주의 논문", en: "Papers of the week"}}
        source: "{origin}/moved"
        papers:
          - title: {{ko: "다포", en: "DAPO"}}
            summary:
              ko: "코드는 [여기]({origin}/dead)에, 예시는 `{origin}/gone`처럼 씁니다."
              en: |
                The code is at <{origin}/live>; see also {origin}/gone.
            links:
              - {{kind: code, url: "{origin}/live"}}
              - {{kind: paper, url: "{origin}/dead"}}
        """


def conference(origin: str) -> str:
    return f"""\
        kind: conference
        conference: {{name: NeurIPS, year: 2025, url: "{origin}/loop-a"}}
        date: 2025-11-27
        title: NeurIPS 2025
        papers:
          - title: Gated Attention
            abstract: "Code at {origin}/live."
        """


def test_collect_links_finds_every_url_with_its_field_and_position(
    write_tree: WriteTree, server: LinkServer
) -> None:
    origin = server.url("")
    root = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": digest(origin),
            "digests/conferences/neurips-2025.yaml": conference(origin),
        }
    )
    weekly, neurips = "digests/weekly/2025-03-17.yaml", "digests/conferences/neurips-2025.yaml"
    found = {(r.path, r.line, r.column, r.field, r.url) for r in collect_links(validate(root))}
    assert found == {
        (weekly, 4, 9, "source", f"{origin}/moved"),
        (weekly, 8, 11, "papers[0].summary.ko", f"{origin}/dead"),
        (weekly, 9, 11, "papers[0].summary.en", f"{origin}/live"),
        (weekly, 9, 11, "papers[0].summary.en", f"{origin}/gone"),
        (weekly, 12, 27, "papers[0].links[0].url", f"{origin}/live"),
        (weekly, 13, 28, "papers[0].links[1].url", f"{origin}/dead"),
        (neurips, 2, 46, "conference.url", f"{origin}/loop-a"),
        (neurips, 7, 15, "papers[0].abstract", f"{origin}/live"),
    }


def test_check_reports_each_dead_link_at_its_file_and_line(
    write_tree: WriteTree, server: LinkServer, tmp_path: Path
) -> None:
    origin = server.url("")
    root = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest(origin)}
    )
    report = check_links(collect_links(validate(root)), FAST, cache_file=root / CACHE_FILE)
    assert sorted(str(e) for e in report.errors) == [
        f"digests/weekly/2025-03-17.yaml:13:28: papers[0].links[1].url: {origin}/dead: "
        "dead link: HTTP 404",
        f"digests/weekly/2025-03-17.yaml:8:11: papers[0].summary.ko: {origin}/dead: "
        "dead link: HTTP 404",
        f"digests/weekly/2025-03-17.yaml:9:11: papers[0].summary.en: {origin}/gone: "
        "dead link: HTTP 410",
    ]
    assert [str(w) for w in report.warnings] == [
        f"digests/weekly/2025-03-17.yaml:4:9: source: {origin}/moved: "
        f"redirects to {origin}/live; update the link"
    ]
    assert (report.checked, report.cached) == (4, 0)
    assert (root / CACHE_FILE).is_file()


@pytest.mark.parametrize(
    ("markdown", "urls"),
    [
        ("[a](https://a.org/x) and ![i](https://a.org/i.png)", ["https://a.org/x", "https://a.org/i.png"]),
        ("<https://a.org/auto> and <mailto:me@a.org>", ["https://a.org/auto"]),
        ("[https://a.org/same](https://a.org/same)", ["https://a.org/same"]),
        ("see https://a.org/bare.", ["https://a.org/bare"]),
        ("(see https://a.org/page)", ["https://a.org/page"]),
        ("https://en.wikipedia.org/wiki/Set_(mathematics)!", ["https://en.wikipedia.org/wiki/Set_(mathematics)"]),
        ("codes (https://github.com/qiuzh20/gated_attention})", ["https://github.com/qiuzh20/gated_attention"]),
        ("`https://a.org/code` and $https://a.org/math$", []),
        ("```\nhttps://a.org/fence\n```", []),
        ("[local](../weekly/) and [top](#top) and https: //a.org/spaced", []),
        ("| a |\n|---|\n| https://a.org/cell |\n\nnote[^1]\n\n[^1]: https://a.org/foot", ["https://a.org/cell", "https://a.org/foot"]),
    ],
)  # fmt: skip
def test_urls_in_markdown(markdown: str, urls: list[str]) -> None:
    assert urls_in_markdown(markdown) == urls


def test_the_readme_lists_every_setting_with_its_default() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\nlinks:\n", 1)[1].split("```", 1)[0]
    documented = yaml.safe_load("links:\n" + block)["links"]
    assert documented == LinkSettings().model_dump()
