"""The built site served over real HTTP on loopback: every internal link and anchor resolves.

The site is crawled from its home page (and from a missing page, which the server answers with
``404.html`` as GitHub Pages does), once at a domain root and once under the sub-path
``/papers/``, following every ``href``, ``src`` and form ``action`` on the same origin.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from loopback import serving
from papersite import build

MAX_FETCHES = 2000
MISSING = "no/such/page/index.html"
# Never through a proxy from the environment: the crawl stays on loopback.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Crawl:
    """What a crawl found: each page's status and ids, and every link with a fragment."""

    status: dict[str, int] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    fragments: list[tuple[str, str, str]] = field(default_factory=list)
    """(page the link is on, page it points at, fragment)."""
    links: dict[str, set[str]] = field(default_factory=dict)
    """Each page's same-origin links, as the files they point at."""

    def referrers(self, url: str) -> list[str]:
        return sorted(page for page, targets in self.links.items() if url in targets)


def normalise(url: str) -> str:
    """The file a server answers for ``url``: no fragment, ``…/`` read as ``…/index.html``."""
    url = urldefrag(url).url
    return url + "index.html" if urlsplit(url).path.endswith("/") else url


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with OPENER.open(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get_content_type(), error.read()


def crawl(origin: str, seeds: list[str]) -> Crawl:
    found = Crawl()
    queue = deque(seeds)
    queued = set(seeds)
    while queue:
        assert len(found.status) < MAX_FETCHES, "the crawl does not end"
        url = queue.popleft()
        status, content_type, body = fetch(url)
        found.status[url] = status
        # A missing page answers with 404.html; following its links from every broken URL
        # would never end, so only the seeds' and working pages' links are followed.
        if content_type != "text/html" or (status != 200 and url not in seeds):
            continue
        soup = BeautifulSoup(body.decode("utf-8"), "html5lib")
        found.ids[url] = {element["id"] for element in soup.find_all(id=True)}
        found.links[url] = set()
        references = soup.find_all(href=True) + soup.find_all(src=True)
        references += soup.find_all("form", action=True)  # the search box leads to /search/
        for element in references:
            reference = element.get("href") or element.get("src") or element.get("action")
            absolute = urljoin(url, reference)
            if not absolute.startswith(origin):
                continue
            page = normalise(absolute)
            fragment = urldefrag(absolute).fragment
            found.links[url].add(page)
            if fragment:
                found.fragments.append((url, page, fragment))
            if page not in queued:
                queued.add(page)
                queue.append(page)
    return found


@dataclass
class Served:
    """A build folder being served: the server's origin and the site's base URL."""

    origin: str
    base: str
    out: Path


@pytest.fixture(scope="module", params=["/", "/papers/"], ids=["domain-root", "sub-path"])
def crawled(
    request: pytest.FixtureRequest,
    example_site: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Served, Crawl]]:
    """The example site built for a prefix, served there, crawled from home and a missing page."""
    out = tmp_path_factory.mktemp("crawl") / "build"
    prefix = request.param
    with serving(out, prefix) as origin:
        base = origin + prefix.lstrip("/")
        build(example_site, out, base_url=base)
        yield Served(origin, base, out), crawl(origin, [base + "index.html", base + MISSING])


def test_no_internal_link_is_broken(crawled: tuple[Served, Crawl]) -> None:
    served, found = crawled

    broken = {
        url: (status, found.referrers(url))
        for url, status in found.status.items()
        if status != 200 and url != served.base + MISSING
    }
    assert broken == {}


def test_missing_page_is_answered_with_the_404_page(crawled: tuple[Served, Crawl]) -> None:
    served, found = crawled

    assert found.status[served.base + MISSING] == 404
    assert "main" in found.ids[served.base + MISSING]


def test_404_page_links_work_at_any_depth(crawled: tuple[Served, Crawl]) -> None:
    served, found = crawled

    missing = served.base + MISSING
    targets = found.links[missing] - {missing}  # its own "#main" skip link
    assert served.base + "assets/style.css" in targets
    assert served.base + "index.html" in targets
    assert {url for url in targets if found.status[url] != 200} == set()


def test_every_fragment_points_at_an_existing_id(crawled: tuple[Served, Crawl]) -> None:
    _, found = crawled

    dangling = [
        (source, page, fragment)
        for source, page, fragment in found.fragments
        if fragment not in found.ids.get(page, set())
    ]
    assert found.fragments
    assert dangling == []


def test_every_built_page_is_reachable(crawled: tuple[Served, Crawl]) -> None:
    served, found = crawled

    built = {
        served.base + path.relative_to(served.out).as_posix()
        for path in served.out.rglob("*")
        # 404.html is shown for missing pages; robots.txt and the sitemap it names are found by
        # crawlers at known places, not through links; Pagefind's script loads its index files;
        # the data's JSON Schemas are named by the data files' "$schema", not linked.
        if path.is_file()
        and path.name not in {".papersite-output", ".nojekyll", "404.html", "robots.txt"}
        and path.name != "sitemap.xml"
        and "pagefind" not in path.relative_to(served.out).parts
        and "schema" not in path.relative_to(served.out).parts
    }
    assert built - set(found.status) == set()


def test_crawl_stays_on_loopback(crawled: tuple[Served, Crawl]) -> None:
    _, found = crawled

    assert {urlsplit(url).hostname for url in found.status} == {"127.0.0.1"}
