"""``papersite enrich`` against a fake arXiv on loopback, spoken to by the real ``arxiv`` client.

Covers arXiv's etiquette (batches of at most ``page_size`` IDs, spacing between requests, retries
with back-off), every failure the API is known for (503s, empty pages, malformed XML, timeouts),
IDs arXiv does not know, versioned and old-style IDs, title search, and the lockfile's promises:
stable text, atomic writes, nothing lost on interruption.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import lxml.html
import pytest
from requests.structures import CaseInsensitiveDict

from conftest import SITE_CONFIG, WriteTree, files_of_at_most_100_bytes
from fake_arxiv import Behaviour, FakeArxiv, FakePaper
from papersite import build
from papersite.cli import main
from papersite.errors import ContentError, PapersiteError
from papersite.fetch import EnrichReport, enrich
from papersite.model import ArxivSettings
from papersite.progress import QuietReporter
from papersite.sources import MAX_BACKOFF_SECONDS, FetchError, retry_after, with_retries
from papersite.sources.arxiv import ArxivSource

REPO = Path(__file__).resolve().parents[1]

DAPO = FakePaper(
    "2503.14476",
    "DAPO: An Open-Source LLM Reinforcement Learning System at Scale",
    ["Qiying Yu", "Zheng Zhang", "Ruofei Zhu"],
    "Inference scaling empowers LLMs with unprecedented reasoning ability,\n  with RL.",
    ["2025-03-18", "2025-05-20"],
    "cs.LG",
    ["cs.LG", "cs.CL"],
    doi="10.48550/arXiv.2503.14476",
    comment="Project page: https://dapo-sia.github.io/",
)
GATED = FakePaper(
    "2505.06708",
    "Gated Attention for Large Language Models: Non-linearity, Sparsity, and Attention-Sink-Free",
    ["Zihan Qiu", "Zekun Wang"],
    "Gating mechanisms have been widely utilized.",
    ["2025-05-10"],
    "cs.CL",
    ["cs.CL"],
)
KNOT = FakePaper(
    "math.GT/0309136",
    "Knot Floer homology and the four-ball genus",
    ["Peter Ozsváth", "Zoltán Szabó"],
    "We use the knot filtration on the Heegaard Floer complex.",
    ["2003-09-08"],
    "math.GT",
    ["math.GT"],
)
STRINGS = FakePaper(
    "hep-th/9901001",
    "A note on strings",
    ["Some Author"],
    "Strings.",
    ["1999-01-01", "1999-02-01"],
    "hep-th",
    ["hep-th"],
)


def digest(*papers: tuple[str, str | None]) -> str:
    """A weekly digest of (English title, arXiv ID or None) papers."""
    lines = [
        "kind: weekly",
        "period: {start: 2025-03-17, end: 2025-03-23}",
        "title: {ko: 이번 주, en: This week}",
        "papers:",
    ]
    for title, arxiv_id in papers:
        lines.append(f"  - title: {json.dumps(title)}")
        if arxiv_id:
            lines.append(f'    arxiv: "{arxiv_id}"')
    return "\n".join(lines) + "\n"


def site_config(fake: FakeArxiv, **settings: object) -> str:
    """papersite.yaml pointing arXiv at the fake, with fast but spaced requests."""
    arxiv = {"api_url": fake.url, "delay_seconds": 0.05, "retries": 2, "timeout_seconds": 1.0}
    arxiv.update(settings)
    return SITE_CONFIG + f"arxiv: {json.dumps(arxiv)}\n"


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    """A fake arXiv API on loopback that knows DAPO, Gated Attention and two old-style papers."""
    with FakeArxiv(DAPO, GATED, KNOT, STRINGS) as fake:
        yield fake


def make_site(write_tree: WriteTree, fake: FakeArxiv, text: str, **settings: object) -> Path:
    return write_tree(
        {"papersite.yaml": site_config(fake, **settings), "digests/weekly/2025-03-17.yaml": text}
    )


def lock(site: Path) -> dict[str, object]:
    return json.loads((site / "arxiv.lock.json").read_text(encoding="utf-8"))


def arxiv_records(site: Path) -> dict[str, dict[str, object]]:
    """The arXiv records in the site's lockfile, by key; none when there is no lockfile."""
    if not (site / "arxiv.lock.json").exists():
        return {}
    return {key: entry["arxiv"] for key, entry in lock(site)["papers"].items()}  # type: ignore[attr-defined]


def arrival_gaps(fake: FakeArxiv) -> list[float]:
    times = [request.at for request in fake.requests]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


# --- a normal run ---------------------------------------------------------------------------------


def test_a_batch_of_ids_becomes_one_record_per_paper(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), (GATED.title, GATED.id)))

    report = enrich(site, environ={})

    assert report.ok
    assert len(fake_arxiv.requests) == 1
    assert sorted(fake_arxiv.requests[0].id_list) == ["2503.14476", "2505.06708"]
    record = arxiv_records(site)["2503.14476"]
    assert record["title"] == DAPO.title
    assert record["authors"] == DAPO.authors
    assert record["abstract"] == (
        "Inference scaling empowers LLMs with unprecedented reasoning ability, with RL."
    )
    assert record["primary_category"] == "cs.LG"
    assert record["categories"] == ["cs.LG", "cs.CL"]
    assert (record["published"], record["updated"], record["version"]) == (
        "2025-03-18",
        "2025-05-20",
        2,
    )
    assert record["doi"] == "10.48550/arXiv.2503.14476"
    assert record["comment"] == DAPO.comment
    assert record["withdrawn"] is False
    assert record["resolved_from_title"] is None
    assert str(record["fetched"]).endswith("Z")


def test_fields_arxiv_wraps_or_lists_become_one_line_and_the_articles_doi(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    """arXiv's DOI field lists the article's DOI first and then others (an erratum's), separated
    by spaces; its long fields come wrapped over lines, as in its metadata files. The lockfile
    keeps the article's DOI and one-line texts, and the page links to that DOI."""
    wrapped = dataclasses.replace(
        DAPO,
        authors=["Qiying\n      Yu", "  ", "Zheng Zhang"],
        doi="10.1103/PhysRevD.76.013009,  10.1103/PhysRevD.77.019901",
        journal_ref="Phys. Rev. D 76,\n  013009 (2007)",
        primary_category="\n cs.LG ",
        categories=["\n cs.LG ", "cs.CL"],
    )
    fake_arxiv.add(wrapped)
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))

    assert enrich(site, environ={}).ok
    build(site, tmp_path / "out")

    record = arxiv_records(site)["2503.14476"]
    assert record["doi"] == "10.1103/PhysRevD.76.013009"
    assert record["authors"] == ["Qiying Yu", "Zheng Zhang"]
    assert record["journal_ref"] == "Phys. Rev. D 76, 013009 (2007)"
    assert (record["primary_category"], record["categories"]) == ("cs.LG", ["cs.LG", "cs.CL"])
    page = lxml.html.parse(tmp_path / "out/papers/2503.14476/index.html").getroot()
    assert page.xpath("//a[contains(@class, 'link-doi')]/@href") == [
        "https://doi.org/10.1103/PhysRevD.76.013009"
    ]
    cite = page.xpath("string(//pre[@class='bibtex'])")
    assert "  doi={10.1103/PhysRevD.76.013009},\n" in cite
    assert "  author={Qiying Yu and Zheng Zhang},\n" in cite


def test_acm_and_msc_classes_arxiv_lists_as_categories_are_not_shown_as_arxiv_categories(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    """arXiv's API lists a paper's ACM and MSC classes (``I.2.7``, ``68T50``) as ``<category>``
    elements beside its arXiv categories; its abstract page shows them apart, as "ACM classes"
    and "MSC classes". The record's categories, and the page's, are arXiv's only."""
    classified = dataclasses.replace(
        DAPO, categories=["cs.LG", "I.2.7; I.2.6", "cs.CL", "68T50", "physics.comp-ph"]
    )
    fake_arxiv.add(classified)
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))

    assert enrich(site, environ={}).ok
    build(site, tmp_path / "out")

    assert arxiv_records(site)["2503.14476"]["categories"] == ["cs.LG", "cs.CL", "physics.comp-ph"]
    page = lxml.html.parse(tmp_path / "out/papers/2503.14476/index.html").getroot()
    assert page.xpath("//*[contains(@class, 'category')]/text()") == [
        "cs.LG",
        "cs.CL",
        "physics.comp-ph",
    ]


def test_more_than_page_size_ids_are_split_into_requests_of_at_most_page_size(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    papers = [
        FakePaper(
            f"2501.{n:05d}", f"Paper number {n}", ["A"], "S.", ["2025-01-02"], "cs.LG", ["cs.LG"]
        )
        for n in range(1, 206)
    ]
    fake_arxiv.add(*papers)
    site = make_site(write_tree, fake_arxiv, digest(*((p.title, p.id) for p in papers)))

    report = enrich(site, environ={})

    assert report.ok
    sizes = [len(request.id_list) for request in fake_arxiv.requests]
    assert sizes == [100, 100, 5]
    assert len(arxiv_records(site)) == 205


def test_requests_are_spaced_by_delay_seconds_at_the_server(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    ids = [(DAPO.title, DAPO.id), (GATED.title, GATED.id), (KNOT.title, KNOT.id)]
    site = make_site(write_tree, fake_arxiv, digest(*ids), delay_seconds=0.4, page_size=1)

    enrich(site, environ={})

    assert len(fake_arxiv.requests) == 3
    assert min(arrival_gaps(fake_arxiv)) >= 0.4


def test_a_second_run_fetches_nothing_and_leaves_the_file_byte_identical(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))
    enrich(site, environ={})
    before = (site / "arxiv.lock.json").read_bytes()

    report = enrich(site, environ={})

    assert len(fake_arxiv.requests) == 1
    assert report.already == 1
    assert (site / "arxiv.lock.json").read_bytes() == before


def test_the_lockfile_is_sorted_indented_json_with_a_final_newline(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((GATED.title, GATED.id), (DAPO.title, DAPO.id)))

    enrich(site, environ={})

    text = (site / "arxiv.lock.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert list(data["papers"]) == ["2503.14476", "2505.06708"]


def test_refresh_refetches_everything_or_only_the_ids_given(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), (GATED.title, GATED.id)))
    enrich(site, environ={})

    enrich(site, refresh=[], environ={})
    enrich(site, refresh=["2505.06708v1"], environ={})

    assert [sorted(request.id_list) for request in fake_arxiv.requests] == [
        ["2503.14476", "2505.06708"],
        ["2503.14476", "2505.06708"],
        ["2505.06708"],
    ]


def stamp_fetched(site: Path, when: str) -> bytes:
    """Set every record's ``fetched`` to ``when``, as enrich writes the file; its new bytes."""
    data = lock(site)
    for entry in data["papers"].values():  # type: ignore[attr-defined]
        entry["arxiv"]["fetched"] = when
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (site / "arxiv.lock.json").write_text(text, encoding="utf-8")
    return text.encode()


@pytest.mark.parametrize("gated_id", [GATED.id, None], ids=["by-id", "resolved-from-title"])
def test_a_refresh_that_finds_nothing_new_leaves_the_file_byte_identical(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, gated_id: str | None
) -> None:
    """A lockfile's diff shows what changed: a refresh restamped every record's ``fetched``."""
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), (GATED.title, gated_id)))
    enrich(site, resolve_titles=True, environ={})
    before = stamp_fetched(site, "2026-01-01T00:00:00Z")
    asked = len(fake_arxiv.requests)

    report = enrich(site, refresh=[], resolve_titles=True, environ={})

    assert report.ok
    assert len(fake_arxiv.requests) > asked
    assert sorted(arxiv_records(site)) == [DAPO.id, GATED.id]
    assert (site / "arxiv.lock.json").read_bytes() == before


def test_a_refresh_restamps_only_the_records_that_changed(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), (GATED.title, GATED.id)))
    enrich(site, environ={})
    stamp_fetched(site, "2026-01-01T00:00:00Z")
    fake_arxiv.add(dataclasses.replace(GATED, versions=[*GATED.versions, "2025-06-01"]))

    enrich(site, refresh=[], environ={})

    records = arxiv_records(site)
    assert records[DAPO.id]["fetched"] == "2026-01-01T00:00:00Z"
    assert records[GATED.id]["version"] == 2
    fetched = dt.datetime.fromisoformat(str(records[GATED.id]["fetched"]))
    assert dt.datetime.now(dt.UTC) - fetched < dt.timedelta(minutes=5)


def test_refreshing_an_id_no_digest_names_warns_and_fetches_nothing(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))
    enrich(site, environ={})

    report = enrich(site, refresh=["2505.06708"], environ={})

    assert [str(w) for w in report.warnings] == [
        "arxiv.lock.json: --refresh 2505.06708: no digest names this paper"
    ]
    assert len(fake_arxiv.requests) == 1


def test_records_no_digest_uses_any_more_are_removed(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), (GATED.title, GATED.id)))
    enrich(site, environ={})
    (site / "digests/weekly/2025-03-17.yaml").write_text(digest((DAPO.title, DAPO.id)))

    report = enrich(site, environ={})

    assert report.removed == 1
    assert list(arxiv_records(site)) == ["2503.14476"]


def test_a_batch_of_ids_arxiv_does_not_know_is_an_error_at_each_and_the_next_are_fetched(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    """arXiv answers a batch of only unknown IDs with an empty page, as it does when it falters:
    asked once more, the IDs are unknown (not a failure of the network, after every retry),
    and the papers of the next batches are fetched."""
    papers = [("Lost", "2503.99999"), (DAPO.title, DAPO.id), (GATED.title, GATED.id)]
    site = make_site(write_tree, fake_arxiv, digest(*papers), page_size=1)

    status = main(["enrich", "--source", str(site)])

    err = capsys.readouterr().err
    assert status == 1
    assert (
        "digests/weekly/2025-03-17.yaml:6:12: papers[0].arxiv: arXiv has no paper 2503.99999" in err
    )
    assert "could not fetch" not in err
    assert sorted(arxiv_records(site)) == sorted([DAPO.id, GATED.id])
    assert len(fake_arxiv.requests) == 4  # the unknown ID twice, then one each


# --- IDs: versions, old style, unknown --------------------------------------------------------------


def test_versioned_and_old_style_ids_are_fetched_under_their_canonical_id(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    text = digest(
        (DAPO.title, "2503.14476v1"),
        (KNOT.title, "math.GT/0309136"),
        (STRINGS.title, "hep-th/9901001v1"),
    )
    site = make_site(write_tree, fake_arxiv, text)

    report = enrich(site, environ={})

    assert report.ok
    assert sorted(fake_arxiv.requests[0].id_list) == [
        "2503.14476",
        "hep-th/9901001",
        "math/0309136",
    ]
    records = arxiv_records(site)
    assert sorted(records) == ["2503.14476", "hep-th/9901001", "math/0309136"]
    assert records["math/0309136"]["title"] == KNOT.title
    assert records["hep-th/9901001"]["version"] == 2


def test_an_id_arxiv_does_not_know_is_an_error_at_its_arxiv_field(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), ("Lost", "2503.99999")))

    status = main(["enrich", "--source", str(site)])

    err = capsys.readouterr().err
    assert status == 1
    assert (
        "digests/weekly/2025-03-17.yaml:8:12: papers[1].arxiv: arXiv has no paper 2503.99999" in err
    )
    assert list(arxiv_records(site)) == ["2503.14476"]


def test_a_pinned_version_newer_than_arxiv_knows_is_a_warning(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((GATED.title, "2505.06708v3")))

    report = enrich(site, environ={})
    again = enrich(site, environ={})

    assert [p.field for p in report.warnings] == ["papers[0].arxiv"]
    # Just fetched, arXiv's latest version is known: refreshing (as a build says) cannot help.
    assert report.warnings[0].message == (
        "arXiv has no v3 of 2505.06708: its latest version is v1; check the version"
    )
    assert [p.field for p in again.warnings] == ["papers[0].arxiv"]
    assert again.warnings[0].message == (
        "v3 is newer than the latest version arxiv.lock.json knows (v1); "
        "run `papersite enrich --refresh 2505.06708`"
    )


def test_a_refresh_that_fails_never_advises_the_refresh_that_was_just_run(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pinned version the lockfile does not know says to refresh the paper; when that very
    refresh fails, the warning points at the failure, and the failure says how to try again
    (with ``--refresh``: the bare command skips a paper the lockfile has)."""
    site = make_site(write_tree, fake_arxiv, digest((GATED.title, "2505.06708v3")))
    enrich(site, environ={})
    fake_arxiv.default = Behaviour.status(503)
    capsys.readouterr()

    status = main(["enrich", "--source", str(site), "--refresh", GATED.id])

    err = capsys.readouterr().err
    assert status == 1
    assert (
        "digests/weekly/2025-03-17.yaml:6:12: papers[0].arxiv: v3 is newer than the latest "
        "version arxiv.lock.json knows (v1), and fetching 2505.06708 again failed: see the error "
        "that names it (warning)\n" in err
    )
    assert "run `papersite enrich --refresh 2505.06708` later to try again" in err
    assert err.count("papersite enrich --refresh") == 1


def test_an_unreadable_answer_to_a_refresh_says_to_refresh_again(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    """The paper keeps its old record, which the bare ``papersite enrich`` never fetches
    again: the advice names the ID to refresh."""
    fake_arxiv.add(broken_paper("2501.00001"))
    site = make_site(write_tree, fake_arxiv, digest(("A paper", "2501.00001")))
    enrich(site, environ={})
    fake_arxiv.add(broken_paper("2501.00001", published=None))
    capsys.readouterr()

    status = main(["enrich", "--source", str(site), "--refresh"])

    err = capsys.readouterr().err
    assert status == 1
    assert "cannot be read (its <published> is missing)" in err
    assert "run `papersite enrich --refresh 2501.00001` again later" in err


def test_an_id_whose_arxiv_title_is_another_paper_is_reported_as_a_likely_typo(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest(("Attention Is All You Need", DAPO.id)))

    report = enrich(site, environ={})

    assert len(report.warnings) == 1
    warning = report.warnings[0]
    assert (warning.path, warning.line, warning.field) == (
        "digests/weekly/2025-03-17.yaml",
        6,
        "papers[0].arxiv",
    )
    assert "is the ID mistyped?" in warning.message


def test_a_withdrawn_paper_is_reported_at_its_arxiv_field(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    fake_arxiv.add(
        FakePaper(
            "2401.00001", "A withdrawn result", ["A"], "This paper has been withdrawn.",
            ["2024-01-01", "2024-02-01"], "cs.LG", ["cs.LG"],
            comment="This paper has been withdrawn by the author due to an error in Lemma 2",
        )
    )  # fmt: skip
    site = make_site(write_tree, fake_arxiv, digest(("A withdrawn result", "2401.00001")))

    report = enrich(site, environ={})

    assert [(p.line, p.field) for p in report.warnings] == [(6, "papers[0].arxiv")]
    assert "withdrawn" in report.warnings[0].message
    assert arxiv_records(site)["2401.00001"]["withdrawn"] is True


WITHDRAWN_PAPER = FakePaper(
    "2401.00002", "Sparse attention is all you need for long contexts", ["A"], "We show it.",
    ["2024-01-01", "2024-02-01"], "cs.LG", ["cs.LG"], comment="Paper withdrawn by the authors",
)  # fmt: skip


def test_a_withdrawn_paper_found_from_its_title_is_reported_at_its_title(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    """Only a record found by ID was checked: the one found from a title was stored silently."""
    fake_arxiv.add(WITHDRAWN_PAPER)
    site = make_site(write_tree, fake_arxiv, digest((WITHDRAWN_PAPER.title, None)))

    report = enrich(site, resolve_titles=True, environ={})

    expected = [
        (
            5,
            "papers[0].title",
            "arXiv marks 2401.00002 as withdrawn (Paper withdrawn by the authors); check that "
            "2401.00002 is this paper, or say so in the digest",
        )
    ]
    assert [(w.line, w.field, w.message) for w in report.warnings] == expected
    built = build(site, tmp_path / "out")
    assert [(w.line, w.field, w.message) for w in built.warnings] == expected


@pytest.mark.parametrize(
    ("comment", "abstract", "withdrawn"),
    [
        ("Paper withdrawn by the authors", "We show it.", True),
        ("This paper has been withdrawn by the author due to an error in Lemma 2", "", True),
        ("This submission has been withdrawn by arXiv administrators for overlap", "", True),
        (None, "This paper has been withdrawn.", True),
        (None, "Withdrawn.", True),
        ("12 pages. Withdrawn due to a crucial sign error in equation 3", "", True),
        ("This preprint has been withdrawn; see the journal version", "", True),
        ("The authors have withdrawn this paper because of a flaw", "", True),
        ("12 pages. Extends a withdrawn paper of ours", "We show it.", False),
        (None, "The withdrawn state of migrants is studied here.", False),
        (None, "We study papers withdrawn from journals and why they are cited.", False),
    ],
)
def test_arxivs_wordings_of_a_withdrawal_mark_the_record_withdrawn(
    write_tree: WriteTree,
    fake_arxiv: FakeArxiv,
    comment: str | None,
    abstract: str,
    withdrawn: bool,
) -> None:
    paper = dataclasses.replace(WITHDRAWN_PAPER, comment=comment, summary=abstract or "x")
    fake_arxiv.add(paper)
    site = make_site(write_tree, fake_arxiv, digest((paper.title, paper.id)))

    report = enrich(site, environ={})

    assert arxiv_records(site)[paper.id]["withdrawn"] is withdrawn
    assert ["withdrawn" in w.message for w in report.warnings] == ([True] if withdrawn else [])


# --- failures and retries ---------------------------------------------------------------------------


def test_a_503_is_retried_after_a_back_off_and_then_succeeds(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    fake_arxiv.script = [Behaviour.status(503)]
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)), delay_seconds=0.2)

    report = enrich(site, environ={})

    assert report.ok
    assert len(fake_arxiv.requests) == 2
    assert arrival_gaps(fake_arxiv)[0] >= 0.2
    assert "2503.14476" in arxiv_records(site)


def arxiv_source(fake: FakeArxiv) -> ArxivSource:
    """The arXiv source of ``enrich``, pointed at the fake as ``site_config`` points it."""
    settings = ArxivSettings(api_url=fake.url, delay_seconds=0.05, retries=2, timeout_seconds=1)
    return ArxivSource(settings)


@pytest.mark.parametrize(
    ("status", "asked", "waited"),
    [(429, 7, 7.0), (503, 30, 30.0), (503, 100_000, MAX_BACKOFF_SECONDS)],
)
def test_a_retry_waits_as_long_as_arxivs_retry_after_asks_within_the_longest_back_off(
    fake_arxiv: FakeArxiv, status: int, asked: int, waited: float
) -> None:
    fake_arxiv.script = [Behaviour.status(status, retry_after=asked)]
    source, waits = arxiv_source(fake_arxiv), list[float]()

    with closing(source):
        records = with_retries(
            source, [DAPO.id], lambda: source.fetch([DAPO.id]), sleep=waits.append
        )

    assert waits == [waited]
    assert list(records) == [DAPO.id]
    assert len(fake_arxiv.requests) == 2


def test_retry_after_adds_no_retries(fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.default = Behaviour.status(429, retry_after=5)
    source, waits = arxiv_source(fake_arxiv), list[float]()

    with closing(source), pytest.raises(FetchError, match="HTTP 429 \\(gave up after 3 tries\\)"):
        with_retries(source, [DAPO.id], lambda: source.fetch([DAPO.id]), sleep=waits.append)

    assert waits == [5.0, 5.0]
    assert len(fake_arxiv.requests) == 3


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("Sun, 22 Nov 2026 12:00:30 GMT", 30.0),
        ("Sun, 22 Nov 2026 11:59:00 GMT", 0.0),  # gone by
        *[("1.5", None), ("-5", None), ("nan", None), ("soon", None), ("", None)],
    ],
)
def test_retry_after_is_seconds_or_an_http_date(value: str, seconds: float | None) -> None:
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    headers = CaseInsensitiveDict({"Retry-After": value})

    assert retry_after(headers, now) == seconds


def test_503_forever_is_a_clear_error_the_lockfile_is_unchanged_and_build_still_works(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))
    enrich(site, environ={})
    before = (site / "arxiv.lock.json").read_bytes()
    (site / "digests/weekly/2025-03-17.yaml").write_text(
        digest((DAPO.title, DAPO.id), (GATED.title, GATED.id), (KNOT.title, KNOT.id))
    )
    fake_arxiv.default = Behaviour.status(503)
    capsys.readouterr()

    status = main(["enrich", "--source", str(site)])

    err = capsys.readouterr().err
    assert status == 1
    assert "error: arXiv: could not fetch 2505.06708, math/0309136" in err
    assert "HTTP 503 (gave up after 3 tries)" in err
    assert len(fake_arxiv.requests) == 1 + 3
    assert (site / "arxiv.lock.json").read_bytes() == before
    report = build(site)
    assert report.pages > 0
    missing = sorted(w.field for w in report.warnings if "papersite enrich" in w.message)
    assert missing == ["papers[1].arxiv", "papers[2].arxiv"]


def test_a_client_error_is_not_retried(write_tree: WriteTree, fake_arxiv: FakeArxiv) -> None:
    fake_arxiv.default = Behaviour.status(403)
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))

    report = enrich(site, environ={})

    assert len(fake_arxiv.requests) == 1
    assert [f.ids for f in report.failures] == [["2503.14476"]]
    assert "HTTP 403" in report.failures[0].reason


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (Behaviour.empty(), "empty page"),
        (Behaviour.malformed(), "not a whole Atom feed"),
        (Behaviour.delay(3.0), "did not answer in time"),
        (Behaviour.cut(), "not a whole Atom feed"),
        (Behaviour.broken(), "arXiv's answer broke off"),
        (Behaviour.foreign(), "not an Atom feed (<html>)"),
        (Behaviour.trickle(0.2), "did not answer in time"),
    ],
    ids=[
        "empty-page",
        "malformed-xml",
        "slow-server",
        "cut-feed",
        "broken-off",
        "html-page",
        "trickling-server",
    ],
)
def test_a_bad_answer_is_retried_then_succeeds_and_if_it_persists_is_named(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, behaviour: Behaviour, reason: str
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)), timeout_seconds=0.5)
    fake_arxiv.script = [behaviour]

    report = enrich(site, environ={})

    assert report.ok
    assert len(fake_arxiv.requests) == 2
    assert "2503.14476" in arxiv_records(site)

    fake_arxiv.default = behaviour
    report = enrich(site, refresh=[], environ={})

    assert [f.ids for f in report.failures] == [["2503.14476"]]
    assert reason in report.failures[0].reason


def broken_paper(arxiv_id: str, title: str = "A paper", **served: str | None) -> FakePaper:
    """A paper whose entry arXiv serves with ``served``'s elements changed (None: left out)."""
    return FakePaper(
        arxiv_id, title, ["A"], "An abstract.", ["2025-01-02"], "cs.LG", ["cs.LG"], served=served
    )


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        (broken_paper("2501.00001", ""), "(title: String should have at least 1 character)"),
        (broken_paper("2501.00001", published=None), "(its <published> is missing)"),
        (broken_paper("2501.00001", updated="last Tuesday"), "(its <updated> 'last Tuesday' is"),
    ],
    ids=["empty-title", "no-published", "unparseable-date"],
)
def test_an_entry_that_cannot_be_read_costs_its_paper_not_its_batch_or_the_next(
    write_tree: WriteTree,
    fake_arxiv: FakeArxiv,
    capsys: pytest.CaptureFixture[str],
    broken: FakePaper,
    reason: str,
) -> None:
    """arXiv's answer is a whole feed, but one entry lacks what a record needs: the batch's
    other records and the next batches are stored, the entry is named at its paper's ID, as
    unreadable (not as an ID arXiv does not have), and not asked for again."""
    fake_arxiv.add(broken)
    papers = [(DAPO.title, DAPO.id), ("A paper", broken.id), (GATED.title, GATED.id)]
    site = make_site(write_tree, fake_arxiv, digest(*papers), page_size=2)

    status = main(["enrich", "--source", str(site)])

    err = capsys.readouterr().err
    assert status == 1
    assert sorted(arxiv_records(site)) == [DAPO.id, GATED.id]
    assert [sorted(r.id_list) for r in fake_arxiv.requests] == [[broken.id, DAPO.id], [GATED.id]]
    assert (
        "digests/weekly/2025-03-17.yaml:8:12: papers[1].arxiv: arXiv's answer for 2501.00001 "
        f"cannot be read {reason}" in err
    )
    assert "run `papersite enrich` again later" in err
    assert "has no paper" not in err and "could not fetch" not in err


def test_a_refused_connection_is_retried_and_then_named(write_tree: WriteTree) -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = SITE_CONFIG + (
        f'arxiv: {{api_url: "http://127.0.0.1:{port}/api/query", delay_seconds: 0.05, '
        "retries: 2}\n"
    )
    site = write_tree(
        {"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": digest((DAPO.title, DAPO.id))}
    )

    report = enrich(site, environ={})

    assert [f.ids for f in report.failures] == [["2503.14476"]]
    assert "cannot connect to arXiv" in report.failures[0].reason
    assert "gave up after 3 tries" in report.failures[0].reason
    assert not (site / "arxiv.lock.json").exists()


def test_a_failure_half_way_keeps_the_batches_fetched_before(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    ids = [(DAPO.title, DAPO.id), (GATED.title, GATED.id), (KNOT.title, KNOT.id)]
    site = make_site(write_tree, fake_arxiv, digest(*ids), page_size=1, retries=0)
    fake_arxiv.script = [Behaviour.ok()]
    fake_arxiv.default = Behaviour.status(502)

    report = enrich(site, environ={})

    assert list(arxiv_records(site)) == ["2503.14476"]
    assert [f.ids for f in report.failures] == [["2505.06708", "math/0309136"]]


def test_a_lockfile_the_disk_refuses_is_named_with_what_to_do(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONDONTWRITEBYTECODE": "1"}

    result = subprocess.run(
        [sys.executable, "-m", "papersite", "enrich", "--source", str(site)],
        env=environment, capture_output=True, text=True, timeout=60, check=False,
        preexec_fn=files_of_at_most_100_bytes,
    )  # fmt: skip

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: cannot write {site / 'arxiv.lock.json'}: File too large; it is as it was before "
        "this batch: free some space, or make the folder writable, and run the command again"
    )
    assert "Traceback" not in result.stderr
    assert not list(site.glob("*arxiv.lock.json*"))


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_an_interrupted_run_leaves_a_valid_lockfile_with_everything_fetched_before(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, how: signal.Signals
) -> None:
    ids = [(DAPO.title, DAPO.id), (GATED.title, GATED.id), (KNOT.title, KNOT.id)]
    site = make_site(write_tree, fake_arxiv, digest(*ids), page_size=1, timeout_seconds=30)
    fake_arxiv.script = [Behaviour.ok()]
    fake_arxiv.default = Behaviour.hang()
    process = _enrich_until_its_second_request(site, fake_arxiv)

    process.send_signal(how)
    _, err = process.communicate(timeout=20)

    assert list(arxiv_records(site)) == ["2503.14476"]
    assert not list(site.glob(".arxiv.lock.json.*"))
    if how == signal.SIGINT:
        assert process.returncode == 130
        assert "interrupted: arxiv.lock.json keeps every record fetched before" in err


def _enrich_until_its_second_request(
    site: Path, fake_arxiv: FakeArxiv, *options: str
) -> subprocess.Popen[str]:
    """``papersite enrich`` in a process of its own, once the fake arXiv has its second request
    (which the test's script leaves hanging), for the test to interrupt."""
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "papersite", "enrich", "--source", str(site), *options],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while len(fake_arxiv.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(fake_arxiv.requests) == 2, "the second request never arrived"
    return process


def test_a_run_interrupted_in_title_search_prints_the_ids_it_found_before_the_interruption(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    """The IDs found are saved in the lockfile, and later runs do not search their titles again:
    the lines to paste them are printed by the run that found them, Ctrl-C or not."""
    site = make_site(
        write_tree, fake_arxiv, digest((GATED.title, None), (DAPO.title, None)), timeout_seconds=30
    )
    fake_arxiv.script = [Behaviour.ok()]
    fake_arxiv.default = Behaviour.hang()
    process = _enrich_until_its_second_request(site, fake_arxiv, "--resolve-titles")

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)

    assert process.returncode == 130
    assert [line for line in out.splitlines() if "  # " in line] == [
        'digests/weekly/2025-03-17.yaml:5: papers[0]: arxiv: "2505.06708"'
        "  # Gated Attention for Large Language Models: Non-linearity, S…"
    ]
    assert "interrupted: arxiv.lock.json keeps every record fetched before" in err
    assert list(arxiv_records(site)) == ["2505.06708"]


# --- title search -----------------------------------------------------------------------------------


def test_a_unique_close_title_match_is_stored_as_resolved_and_printed_for_pasting(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    title = (
        "Gated attention for large language models: non-linearity, sparsity and attention-sink-free"
    )
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), (title, None)))

    status = main(["enrich", "--source", str(site), "--resolve-titles"])

    out = capsys.readouterr().out
    assert status == 0
    assert (
        'digests/weekly/2025-03-17.yaml:7: papers[1]: arxiv: "2505.06708"'
        "  # Gated Attention for Large Language Models: Non-linearity, S…"
    ) in out.splitlines()
    record = arxiv_records(site)["2505.06708"]
    assert record["resolved_from_title"] == title
    assert fake_arxiv.requests[-1].params["search_query"].startswith('ti:"Gated attention')
    page = build(site)
    assert not page.warnings


class InterruptAfterTitleSearch(QuietReporter):
    """Ctrl-C as soon as one title has been searched (and what it found saved)."""

    def advance(self, done: int) -> None:
        if self.label == "arXiv title search":
            raise KeyboardInterrupt

    def start(self, label: str, total: int) -> None:
        self.label = label


def test_a_title_found_again_as_another_paper_leaves_a_lockfile_that_reads_at_every_step(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    """A refresh searches the titles again: when the title now finds another paper (the first
    was retitled, a new one took the title), the old record, saved as resolved from the same
    title, made two such records, which the lockfile's reader refuses, until the end of the run
    removed one: a Ctrl-C in between left a lockfile that stopped every build and ``enrich``."""
    title = "Sparse Mixtures Are Enough"
    first = dataclasses.replace(STRINGS, title=title)
    fake_arxiv.add(first)
    site = make_site(write_tree, fake_arxiv, digest((title, None), (KNOT.title, None)))
    enrich(site, resolve_titles=True, environ={})
    fake_arxiv.add(
        dataclasses.replace(first, title="Sparse Mixtures Are Not Enough"),
        dataclasses.replace(GATED, title=title),
    )

    with pytest.raises(KeyboardInterrupt):
        enrich(
            site,
            refresh=[],
            resolve_titles=True,
            reporter=InterruptAfterTitleSearch(),
            environ={},
        )

    assert not build(site).warnings
    resolved = {k: r["resolved_from_title"] for k, r in arxiv_records(site).items()}
    assert resolved["2505.06708"] == title
    assert resolved["hep-th/9901001"] is None
    assert enrich(site, environ={}).ok
    assert list(arxiv_records(site)) == ["2505.06708", "math/0309136"]


def test_ids_found_from_titles_are_printed_in_the_digests_order(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lines to paste go down each digest, whatever the papers' pages are called."""
    site = make_site(write_tree, fake_arxiv, digest((STRINGS.title, None), (GATED.title, None)))
    (site / "digests/weekly/2025-03-10.yaml").write_text(
        digest((KNOT.title, None)).replace(
            "2025-03-17, end: 2025-03-23", "2025-03-10, end: 2025-03-16"
        )
    )

    status = main(["enrich", "--source", str(site), "--resolve-titles"])

    pasted = [
        line.split("  # ")[0] for line in capsys.readouterr().out.splitlines() if "  # " in line
    ]
    assert status == 0
    assert pasted == [
        'digests/weekly/2025-03-10.yaml:5: papers[0]: arxiv: "math/0309136"',
        'digests/weekly/2025-03-17.yaml:5: papers[0]: arxiv: "hep-th/9901001"',
        'digests/weekly/2025-03-17.yaml:6: papers[1]: arxiv: "2505.06708"',
    ]


def test_arxiv_is_asked_for_as_many_results_as_are_used(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    """A title search weighs 5 candidates; a batch of IDs has one result per ID."""
    fake_arxiv.add(
        *(
            FakePaper(
                f"2402.{n:05d}", f"Twins {n}", ["A"], "S.", ["2024-02-01"], "cs.LG", ["cs.LG"]
            )
            for n in range(1, 8)
        )
    )
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), ("Twins", None)))

    report = enrich(site, resolve_titles=True, environ={})

    ids, search = fake_arxiv.requests
    assert ids.params["id_list"] == DAPO.id
    assert ids.params["max_results"] == "1"
    assert search.params["search_query"] == 'ti:"Twins"'
    assert search.params["max_results"] == "5"
    assert "no arXiv title matches closely enough" in report.warnings[0].message


def test_no_close_title_match_is_reported_with_the_best_candidates_and_not_stored(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest(("Gated Attention for Language Models", None)))

    report = enrich(site, resolve_titles=True, environ={})

    assert [(w.line, w.field) for w in report.warnings] == [(5, "papers[0].title")]
    assert "no arXiv title matches closely enough" in report.warnings[0].message
    assert "2505.06708" in report.warnings[0].message
    assert not report.resolved
    assert arxiv_records(site) == {}


def test_several_equal_titles_are_reported_and_never_guessed(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    twins = [
        FakePaper(
            f"2402.0000{n}", "On the Twin Problem", ["A"], "S.", ["2024-02-01"], "cs.LG", ["cs.LG"]
        )
        for n in (1, 2)
    ]
    fake_arxiv.add(*twins)
    site = make_site(write_tree, fake_arxiv, digest(("On the twin problem", None)))

    report = enrich(site, resolve_titles=True, environ={})

    assert "several arXiv papers have this title" in report.warnings[0].message
    assert "2402.00001" in report.warnings[0].message
    assert "2402.00002" in report.warnings[0].message
    assert arxiv_records(site) == {}


def test_a_title_of_a_paper_another_entry_names_by_id_is_not_stored_and_says_to_write_the_id(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    """The record stays the named paper's (not marked as resolved from another title)."""
    shorter = "DAPO: An Open-Source LLM Reinforcement Learning System Scale"
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), (shorter, None)))

    report = enrich(site, resolve_titles=True, environ={})

    assert not report.resolved
    assert [(w.line, w.field) for w in report.warnings] == [(7, "papers[1].title")]
    assert report.warnings[0].message == (
        "arXiv's paper of this title is 2503.14476, which "
        'digests/weekly/2025-03-17.yaml:6 names already: write `arxiv: "2503.14476"` here '
        "too, so that both entries are one paper with one page"
    )
    assert arxiv_records(site)["2503.14476"]["resolved_from_title"] is None


def test_two_titles_resolving_to_one_paper_keep_the_first_and_enrich_again_changes_nothing(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    """Storing the second title over the first would take the record from the first paper,
    which the next run would search for and take back: a lockfile that never settles."""
    shorter = "DAPO: An Open-Source LLM Reinforcement Learning System Scale"
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, None), (shorter, None)))

    first = enrich(site, resolve_titles=True, environ={})
    before = (site / "arxiv.lock.json").read_bytes()
    second = enrich(site, resolve_titles=True, environ={})
    again = (site / "arxiv.lock.json").read_bytes()
    refreshed = enrich(site, refresh=[], resolve_titles=True, environ={})

    assert [line.split(":")[1] for line in first.resolved] == ["5"]
    assert [line.split(":")[1] for line in refreshed.resolved] == ["5"]
    assert again == before
    assert arxiv_records(site)["2503.14476"]["resolved_from_title"] == DAPO.title
    # A refresh stamps the time it fetched again, which may be another second: all else stays.
    unstamped = {**json.loads(before)["papers"]["2503.14476"]["arxiv"], "fetched": None}
    assert {**arxiv_records(site)["2503.14476"], "fetched": None} == unstamped
    assert not second.resolved
    for report in (first, second, refreshed):
        assert [(w.line, w.field) for w in report.warnings] == [(6, "papers[1].title")]
        assert report.warnings[0].message == (
            "arXiv's paper of this title is 2503.14476, which the title at "
            "digests/weekly/2025-03-17.yaml:5 resolved to already: write "
            '`arxiv: "2503.14476"` in both entries, so that they are one paper with one page'
        )


NEAR_GATED = (
    "Gated attention for large language models: non-linearity, sparsity and attention-sink-free"
)
"""Gated Attention's title as a digest might write it: close enough to be resolved."""


@pytest.mark.parametrize("refresh", [[], [GATED.id], [GATED.id + "v2"]])
def test_refresh_refetches_a_record_found_from_a_title_and_keeps_it_resolved(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, refresh: list[str]
) -> None:
    """``--refresh`` (all, or the ID) also covers papers the digest names by title only: the
    record is fetched again by its ID, and stays the one the title finds."""
    site = make_site(write_tree, fake_arxiv, digest((NEAR_GATED, None)))
    enrich(site, resolve_titles=True, environ={})
    fake_arxiv.add(_new_version(GATED, "2025-06-01"))

    report = enrich(site, refresh=refresh, environ={})

    assert fake_arxiv.requests[-1].id_list == [GATED.id]
    assert report.fetched == {"arXiv": 1}
    assert not report.warnings
    record = arxiv_records(site)[GATED.id]
    assert (record["version"], record["updated"]) == (2, "2025-06-01")
    assert record["resolved_from_title"] == NEAR_GATED
    assert not build(site).warnings


def _new_version(paper: FakePaper, day: str) -> FakePaper:
    """``paper`` as arXiv serves it once a new version came out on ``day``."""
    return dataclasses.replace(paper, versions=[*paper.versions, day])


def test_offline_with_refresh_reports_only_what_the_lockfile_lacks(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--refresh`` asks for a fetch, which ``--offline`` does not make: a record the lockfile
    has is not "missing"."""
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))
    enrich(site, environ={})
    (site / "digests/weekly/2025-03-17.yaml").write_text(
        digest((DAPO.title, DAPO.id), (GATED.title, GATED.id)), encoding="utf-8"
    )

    status = main(["enrich", "--source", str(site), "--offline", "--refresh"])

    err = capsys.readouterr().err
    assert status == 1
    assert "2505.06708 is not in arxiv.lock.json" in err
    assert "2503.14476 is not in" not in err
    assert len(fake_arxiv.requests) == 1


V3 = FakePaper(
    "2412.19437",
    "DeepSeek-V3 Technical Report",
    ["DeepSeek-AI"],
    "S.",
    ["2024-12-27"],
    "cs.CL",
    ["cs.CL"],
)
V3_2 = FakePaper(
    "2512.02556",
    "DeepSeek-V3.2 Technical Report",
    ["DeepSeek-AI"],
    "S.",
    ["2025-12-02"],
    "cs.CL",
    ["cs.CL"],
)
"""Two papers whose titles are 97% alike once normalised: a number apart."""


def test_a_title_that_differs_in_a_number_is_another_paper_and_not_resolved(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    """arXiv's search finds only V3.2 for V3's title (its words are all there): close in
    letters, another paper."""
    fake_arxiv.add(V3_2)
    site = make_site(write_tree, fake_arxiv, digest((V3.title, None)))

    report = enrich(site, resolve_titles=True, environ={})

    assert not report.resolved
    assert arxiv_records(site) == {}
    assert [(w.line, w.field) for w in report.warnings] == [(5, "papers[0].title")]
    assert report.warnings[0].message == (
        "arXiv's closest titles differ from this one in a number (another model, version or "
        "size: another paper), not guessing: 'DeepSeek-V3.2 Technical Report' (2512.02556, 97%)"
    )


def test_of_two_titles_a_number_apart_the_one_with_the_same_numbers_is_resolved(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    fake_arxiv.add(V3_2, V3)
    site = make_site(write_tree, fake_arxiv, digest(("DeepSeek-V3 technical report", None)))

    report = enrich(site, resolve_titles=True, environ={})

    assert [line.split("arxiv: ")[1] for line in report.resolved] == [
        '"2412.19437"  # DeepSeek-V3 Technical Report'
    ]
    assert not report.warnings


def test_a_title_search_that_finds_nothing_says_so(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest(("Completely unheard of", None)))

    report = enrich(site, resolve_titles=True, environ={})

    assert "arXiv's title search found nothing" in report.warnings[0].message


GREEK_TITLES = [
    (r"$\alpha$-Fold: Protein Structure at Scale", "α-Fold: Protein Structure at Scale",
     'ti:"alpha Fold Protein Structure at Scale"'),
    (r"Learning $\alpha$-Divergences with $\mu$P", "Learning α-Divergences with μP",
     'ti:"Learning alpha Divergences with mu P"'),
    (r"$\mu$P Transfer for Sparse Models", "\u00b5P Transfer for Sparse Models",  # MICRO SIGN
     'ti:"mu P Transfer for Sparse Models"'),
]  # fmt: skip
"""arXiv's TeX title, the digest's Unicode one, and the second search (the first finds none)."""


@pytest.mark.parametrize(("tex", "unicode", "query"), GREEK_TITLES)
def test_a_title_with_greek_letters_arxiv_writes_in_tex_is_searched_again_spelled_as_tex(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, tex: str, unicode: str, query: str
) -> None:
    """arXiv indexes ``$\\alpha$-Fold`` by the words ``alpha`` and ``fold``: the digest's ``α`` is
    no word of it, so the search by the digest's title found nothing."""
    fake_arxiv.add(FakePaper("2501.00042", tex, ["A"], "S.", ["2025-01-02"], "cs.LG", ["cs.LG"]))
    site = make_site(write_tree, fake_arxiv, digest((unicode, None)))

    report = enrich(site, resolve_titles=True, environ={})

    assert [r.params["search_query"] for r in fake_arxiv.requests][1:] == [query]
    assert [line.split("arxiv: ")[1].split("  # ")[0] for line in report.resolved] == [
        '"2501.00042"'
    ]
    assert not report.warnings
    assert arxiv_records(site)["2501.00042"]["resolved_from_title"] == unicode


def test_a_title_without_greek_letters_that_finds_nothing_is_searched_once(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest(("Completely unheard of", None)))

    enrich(site, resolve_titles=True, environ={})

    assert len(fake_arxiv.requests) == 1


# --- offline, configuration, broken lockfiles -------------------------------------------------------


def test_offline_only_reports_what_is_missing_and_makes_no_request(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))

    status = main(["enrich", "--source", str(site), "--offline"])

    err = capsys.readouterr().err
    assert status == 1
    assert fake_arxiv.requests == []
    assert (
        "digests/weekly/2025-03-17.yaml:6:12: papers[0].arxiv: arXiv's data for 2503.14476" in err
    )
    assert not (site / "arxiv.lock.json").exists()


def test_the_environment_overrides_the_configured_endpoint(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    config = (
        SITE_CONFIG
        + 'arxiv: {api_url: "http://127.0.0.1:9/nowhere", delay_seconds: 0, retries: 0}\n'
    )
    site = write_tree(
        {"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": digest((DAPO.title, DAPO.id))}
    )

    report = enrich(site, environ={"PAPERSITE_ARXIV_API_URL": fake_arxiv.url})

    assert report.ok
    assert len(fake_arxiv.requests) == 1


def test_an_environment_endpoint_that_is_no_url_says_so_in_papersites_words(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))

    with pytest.raises(PapersiteError) as caught:
        enrich(site, environ={"PAPERSITE_ARXIV_API_URL": "export.arxiv.org/api/query"})

    assert str(caught.value) == (
        "PAPERSITE_ARXIV_API_URL='export.arxiv.org/api/query' is not usable: only http(s) URLs "
        "are allowed, got 'export.arxiv.org/api/query'"
    )
    assert fake_arxiv.requests == []


def test_a_delay_below_arxivs_three_seconds_is_refused_for_arxiv_itself(
    write_tree: WriteTree,
) -> None:
    config = SITE_CONFIG + "arxiv: {delay_seconds: 1}\n"
    site = write_tree(
        {"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": digest(("T", None))}
    )

    with pytest.raises(ContentError) as caught:
        enrich(site, environ={})

    assert "papersite.yaml:4:" in str(caught.value)
    assert "arxiv.delay_seconds: arXiv's API terms ask for at least 3 seconds" in str(caught.value)


def test_a_short_delay_is_allowed_when_the_environment_points_at_a_test_server(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    """papersite.yaml names no endpoint (so arXiv's), but the URL used is the environment's."""
    config = SITE_CONFIG + "arxiv: {delay_seconds: 0.05, retries: 0}\n"
    site = write_tree(
        {"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": digest((DAPO.title, DAPO.id))}
    )

    report = enrich(site, environ={"PAPERSITE_ARXIV_API_URL": fake_arxiv.url})

    assert report.ok
    assert list(arxiv_records(site)) == [DAPO.id]


def test_a_short_delay_is_refused_at_its_line_when_the_environment_points_at_arxiv(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))

    with pytest.raises(ContentError) as caught:
        enrich(site, environ={"PAPERSITE_ARXIV_API_URL": "https://export.arxiv.org/api/query"})

    [problem] = caught.value.problems
    assert (problem.path, problem.line, problem.field) == (
        "papersite.yaml",
        4,
        "arxiv.delay_seconds",
    )
    assert problem.message.startswith("arXiv's API terms ask for at least 3 seconds")
    assert fake_arxiv.requests == []


def test_invalid_json_in_the_lockfile_is_an_error_with_its_line_and_nothing_is_overwritten(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))
    broken = '{\n  "format": 1,\n  "papers": {\n    "2503.14476": {,\n  }\n}\n'
    (site / "arxiv.lock.json").write_text(broken)

    status = main(["enrich", "--source", str(site)])

    err = capsys.readouterr().err
    assert status == 1
    assert "arxiv.lock.json:4:20: invalid JSON: Expecting property name" in err
    assert (site / "arxiv.lock.json").read_text() == broken
    assert fake_arxiv.requests == []
    with pytest.raises(ContentError, match=r"arxiv\.lock\.json:4:20"):
        build(site)


def test_a_hand_broken_record_is_an_error_at_its_field(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))
    enrich(site, environ={})
    text = (site / "arxiv.lock.json").read_text()
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if '"version": 2' in line)
    lines[at] = lines[at].replace('"version": 2', '"version": "two"')
    lines.insert(at, '        "verison": 2,')
    (site / "arxiv.lock.json").write_text("\n".join(lines) + "\n")

    with pytest.raises(ContentError) as caught:
        build(site)

    problems = caught.value.problems
    assert [(p.line, p.field) for p in problems] == [
        (at + 1, 'papers["2503.14476"].arxiv.verison'),
        (at + 2, 'papers["2503.14476"].arxiv.version'),
    ]
    assert "did you mean 'version'?" in problems[0].message
    assert all("git checkout -- arxiv.lock.json" in p.message for p in problems)


# --- progress -----------------------------------------------------------------------------------


def test_progress_is_plain_lines_when_stdout_is_not_a_terminal(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), (GATED.title, GATED.id)))

    main(["enrich", "--source", str(site)])

    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["arXiv: 2 to fetch", "arXiv: 2/2"]
    assert lines[-1] == "Enrich: fetched 2 from arXiv; 0 already in arxiv.lock.json"


def test_progress_is_a_bar_with_count_and_time_left_on_a_terminal(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id), (GATED.title, GATED.id)))
    leader, follower = os.openpty()
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "TERM": "xterm", "COLUMNS": "100"}
    process = subprocess.Popen(
        [sys.executable, "-m", "papersite", "enrich", "--source", str(site)],
        env=environment,
        stdout=follower,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal is closed once the process has exited
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=20)
    os.close(leader)
    process.stderr.close()  # type: ignore[union-attr]

    text = output.decode("utf-8", "replace")
    assert process.returncode == 0
    assert "\x1b[" in text  # drawn with terminal control sequences, not printed as lines
    assert "2/2" in text
    assert "0:00:00" in text  # the time-left column
    assert "arXiv: 2 to fetch" not in text


def test_an_error_entry_in_a_whole_answer_fails_its_batch_naming_it(
    write_tree: WriteTree, fake_arxiv: FakeArxiv
) -> None:
    """arXiv's error entries say what is wrong with the request, not with one paper."""
    error_id = "http://arxiv.org/api/errors#incorrect_id_format_for_2501.00001"
    fake_arxiv.add(broken_paper("2501.00001", "Error", id=error_id))
    site = make_site(write_tree, fake_arxiv, digest(("A paper", "2501.00001")))

    report = enrich(site, environ={})

    assert [f.ids for f in report.failures] == [["2501.00001"]]
    assert f"arXiv's entry {error_id} cannot be read (" in report.failures[0].reason
    assert len(fake_arxiv.requests) == 1


@pytest.mark.parametrize(
    ("count", "words"), [(1, "1 ID resolved from titles; 1 unused record removed"),
                         (2, "2 IDs resolved from titles; 2 unused records removed")],
)  # fmt: skip
def test_the_summary_counts_in_words_that_agree_with_the_number(count: int, words: str) -> None:
    """It said "1 IDs resolved from titles" and "1 unused records removed"."""
    report = EnrichReport(fetched={"arXiv": count}, resolved=["…"] * count, removed=count)

    assert report.summary() == (
        f"Enrich: fetched {count} from arXiv; 0 already in arxiv.lock.json; {words}"
    )


def test_texts_with_characters_pages_cannot_carry_are_stored_as_the_lockfile_reads_them(
    write_tree: WriteTree, fake_arxiv: FakeArxiv, tmp_path: Path
) -> None:
    """arXiv's metadata holds Windows-1252 punctuation read as Latin-1 (U+0092 for ’, U+0096 for
    –): C1 controls, which XML carries and pages may not, as may they no non-character
    (U+FDD0). A lockfile holding them is one its own reader refuses, stopping every build and
    ``enrich`` itself: they are stored as the characters meant, or left out."""
    garbled = dataclasses.replace(
        DAPO,
        title="DAPO: An Open\ufdd0-Source LLM RL System Don\u0092t Stop",
        authors=["Qiying Yu \u0096 ByteDance", "Zheng\u0081 Zhang"],
        summary="We don\u0092t stop.\u0085",
        comment="12 pages\u009d",
        journal_ref="Proc.\u0093 X\u0094",
    )
    fake_arxiv.add(garbled)
    site = make_site(write_tree, fake_arxiv, digest((DAPO.title, DAPO.id)))

    assert enrich(site, environ={}).ok
    report = build(site, tmp_path / "out")

    assert not report.warnings
    record = arxiv_records(site)["2503.14476"]
    assert record["title"] == "DAPO: An Open-Source LLM RL System Don\u2019t Stop"
    assert record["authors"] == ["Qiying Yu \u2013 ByteDance", "Zheng Zhang"]
    assert record["abstract"] == "We don\u2019t stop.\u2026"
    assert (record["comment"], record["journal_ref"]) == ("12 pages", "Proc.\u201c X\u201d")
    page = lxml.html.parse(tmp_path / "out/papers/2503.14476/index.html").getroot()
    assert "Qiying Yu \u2013 ByteDance" in page.xpath("string(//main)")
