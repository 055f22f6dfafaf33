"""arXiv's records on the pages: what the lockfile fills in, the arXiv block, the BibTeX, and the
warnings a build gives about the records."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pybtex.database
import pytest
from bs4 import BeautifulSoup, Tag

from conftest import (
    DAPO_RECORD,
    SITE_CONFIG,
    WEEKLY,
    WriteTree,
    arxiv_record,
    code_scripts,
    lockfile_text,
)
from papersite import BuildReport, build
from papersite.cite import bibtex, citation_key
from papersite.errors import ContentError, Problem, StrictModeError
from papersite.model import ArxivRecord

DIGEST_PATH = "digests/weekly/2025-03-17.yaml"
WEEKLY_PAGE = "weekly/2025-03-17/index.html"
DAPO_PAGE = "papers/2503.14476/index.html"
DAPO_TITLE = "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
DAPO_ENTRY = "#paper-2503\\.14476"

DIGEST_HEAD = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
papers:
"""


@dataclass
class Built:
    """A site built into ``out``, and what ``build()`` reported."""

    out: Path
    report: BuildReport

    def soup(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / page).read_text(encoding="utf-8"), "html5lib")

    def warnings_about(self, field: str) -> list[Problem]:
        return [w for w in self.report.warnings if w.field == field]


BuildSite = Callable[[str, str], Built]


@pytest.fixture
def build_site(write_tree: WriteTree, tmp_path: Path) -> BuildSite:
    """Builds a site of one weekly digest (its text) and a lockfile (its text)."""

    def build_it(digest: str, lockfile: str) -> Built:
        source = write_tree(
            {"papersite.yaml": SITE_CONFIG, DIGEST_PATH: digest, "arxiv.lock.json": lockfile}
        )
        out = tmp_path / "out"
        report = build(source, out)
        return Built(out, report)

    return build_it


def text(element: Tag | None) -> str:
    assert element is not None
    return " ".join(element.get_text(" ", strip=True).split())


def english(element: Tag | None) -> str:
    assert element is not None
    return text(element.select_one("[lang=en]"))


def korean(element: Tag | None) -> str:
    assert element is not None
    return text(element.select_one("[lang=ko]"))


def position_of(source: str, value: str) -> tuple[int, int]:
    """1-based line and column of the first ``value`` in ``source`` (where a warning points)."""
    for number, line in enumerate(source.splitlines(), start=1):
        if value in line:
            return number, line.index(value) + 1
    raise AssertionError(f"{value!r} is not in the digest")


def dapo_digest(*lines: str, arxiv: str = "2503.14476", title: str | None = None) -> str:
    """A digest with DAPO as its only paper; ``lines`` are extra fields of the paper entry."""
    title = title or f'{{ko: "다포", en: "{DAPO_TITLE}"}}'
    entry = f'  - title: {title}\n    arxiv: "{arxiv}"\n'
    return DIGEST_HEAD + entry + "".join(f"    {line}\n" for line in lines)


def body(section: Tag | None, lang: str) -> str:
    """The text of a field's body (not its heading) in ``lang``."""
    assert section is not None
    return text(section.find("div", attrs={"lang": lang}))


def authors_block(soup: BeautifulSoup) -> Tag:
    block = soup.select_one("article.paper-page header .authors")
    assert block is not None
    return block


# --- the digest wins, field by field -------------------------------------------------------------


def test_digest_authors_and_english_title_win_over_the_record(build_site: BuildSite) -> None:
    record = arxiv_record("2503.14476", "Some Other Title", authors=["Record Author"])
    digest = dapo_digest('authors: ["Digest Author", "Second Author"]')
    built = build_site(digest, lockfile_text(record))
    soup = built.soup(DAPO_PAGE)

    assert english(soup.select_one("h1")) == DAPO_TITLE
    assert korean(soup.select_one("h1")) == "다포"
    assert "Digest Author, Second Author" in text(authors_block(soup))
    assert "Record Author" not in soup.select_one("main").get_text()


def test_paper_without_authors_shows_the_records_authors(build_site: BuildSite) -> None:
    built = build_site(dapo_digest(), lockfile_text(DAPO_RECORD))

    for block in (
        authors_block(built.soup(DAPO_PAGE)),
        built.soup(WEEKLY_PAGE).select_one(f"{DAPO_ENTRY} .authors"),
    ):
        assert "Qiying Yu, Zheng Zhang, Ruofei Zhu" in text(block)


def test_a_decomposed_record_reads_and_renders_as_a_composed_one(build_site: BuildSite) -> None:
    """A lockfile saved on macOS may hold its names decomposed (NFD): they show composed, as
    every digest text does, so a search or a reader's copy finds 'Ozsváth' as typed."""
    record = arxiv_record(
        "2503.14476",
        unicodedata.normalize("NFD", f"{DAPO_TITLE} (Ozsváth)"),
        authors=[unicodedata.normalize("NFD", "Peter Ozsváth"), "Zoltán Szabó"],
        abstract=unicodedata.normalize("NFD", "Über 강화 학습."),
    )
    digest = dapo_digest(title=f'{{ko: "다포", en: "{DAPO_TITLE} (Ozsváth)"}}')
    built = build_site(digest, lockfile_text(record))
    page = built.soup(DAPO_PAGE)

    assert "Peter Ozsváth, Zoltán Szabó" in text(authors_block(page))
    assert "Über 강화 학습." in page.select_one("main").get_text()
    [paper] = json.loads((built.out / "data" / "papers.json").read_text("utf-8"))["papers"]
    assert paper["arxiv"]["authors"] == ["Peter Ozsváth", "Zoltán Szabó"]
    assert paper["arxiv"]["abstract"] == "Über 강화 학습."
    assert built.report.warnings == []


def test_korean_only_abstract_gets_arxivs_abstract_as_the_english_one(
    build_site: BuildSite,
) -> None:
    built = build_site(dapo_digest('abstract: {ko: "한국어 초록"}'), lockfile_text(DAPO_RECORD))

    for abstract in (
        built.soup(DAPO_PAGE).select_one("article.paper-page > .field-abstract"),
        built.soup(WEEKLY_PAGE).select_one(f"{DAPO_ENTRY} .field-abstract"),
    ):
        assert body(abstract, "ko") == "한국어 초록"
        assert body(abstract, "en") == DAPO_RECORD["abstract"]


def test_digests_english_abstract_is_kept_over_arxivs(build_site: BuildSite) -> None:
    digest = dapo_digest('abstract: {ko: "한국어 초록", en: "The digest\'s own abstract"}')
    built = build_site(digest, lockfile_text(DAPO_RECORD))

    abstract = built.soup(DAPO_PAGE).select_one("article.paper-page > .field-abstract")
    assert body(abstract, "en") == "The digest's own abstract"
    assert DAPO_RECORD["abstract"] not in built.soup(DAPO_PAGE).get_text()


def test_paper_without_abstract_gets_arxivs_abstract_in_english_only(build_site: BuildSite) -> None:
    built = build_site(dapo_digest(), lockfile_text(DAPO_RECORD))

    abstract = built.soup(DAPO_PAGE).select_one("article.paper-page > .field-abstract")
    assert body(abstract, "en") == DAPO_RECORD["abstract"]
    assert "missing" in abstract.find("div", attrs={"lang": "ko"})["class"]


def test_korean_only_title_gets_arxivs_title_as_the_english_one(build_site: BuildSite) -> None:
    built = build_site(dapo_digest(title='{ko: "다포"}'), lockfile_text(DAPO_RECORD))

    heading = built.soup(DAPO_PAGE).select_one("h1")
    entry_heading = built.soup(WEEKLY_PAGE).select_one(f"{DAPO_ENTRY} .paper-title")
    for title in (heading, entry_heading):
        assert korean(title) == "다포"
        assert english(title) == DAPO_TITLE
    assert built.soup(DAPO_PAGE).title.string.startswith(DAPO_TITLE)


# --- long author lists ---------------------------------------------------------------------------


def _authors(count: int) -> list[str]:
    return [f"Author {n}" for n in range(1, count + 1)]


def test_more_than_six_authors_show_five_and_fold_the_rest(build_site: BuildSite) -> None:
    record = dict(DAPO_RECORD, authors=_authors(8))
    built = build_site(dapo_digest(), lockfile_text(record))

    for block in (
        authors_block(built.soup(DAPO_PAGE)),
        built.soup(WEEKLY_PAGE).select_one(f"{DAPO_ENTRY} .authors"),
    ):
        folded = block.select_one("details.more-authors")
        assert folded is not None
        visible = text(block).split(text(folded))[0]
        assert all(f"Author {n}" in visible for n in range(1, 6))
        assert "Author 6" not in visible
        summary = folded.select_one("summary")
        assert english(summary) == "3 more"
        assert korean(summary) == "외 3명 더 보기"
        hidden = folded.get_text().removeprefix(summary.get_text())
        assert hidden.strip() == "Author 6, Author 7, Author 8"


@pytest.mark.parametrize("count", [1, 6])
def test_six_or_fewer_authors_are_all_shown(build_site: BuildSite, count: int) -> None:
    record = dict(DAPO_RECORD, authors=_authors(count))
    built = build_site(dapo_digest(), lockfile_text(record))

    block = authors_block(built.soup(DAPO_PAGE))
    assert block.select_one("details") is None
    assert text(block).endswith(", ".join(_authors(count)))


# --- the arXiv block -----------------------------------------------------------------------------

BLOCKS = {
    "paper page": (DAPO_PAGE, "article.paper-page > section.arxiv-meta"),
    "digest entry": (WEEKLY_PAGE, f"{DAPO_ENTRY} section.arxiv-meta"),
}


def arxiv_block(built: Built, where: str) -> Tag:
    page, selector = BLOCKS[where]
    blocks = built.soup(page).select(selector)
    assert len(blocks) == 1, where
    return blocks[0]


def english_words(label: Tag | None) -> str:
    """A label's English words: its English element's, or its one element of no language where
    every language has the same words ("arXiv ID")."""
    assert label is not None
    return text(label.select_one("[lang=en]") or label.select_one(".bi:not([lang])"))


def row(block: Tag, english_label: str) -> Tag:
    """The ``<dd>`` of the block's ``<dt>`` labelled ``english_label`` in English."""
    for item in block.select("dl > div"):
        if english_words(item.select_one("dt")) == english_label:
            return item.select_one("dd")
    raise AssertionError(f"no {english_label!r} row")


def labels(block: Tag) -> list[str]:
    return [english_words(dt_) for dt_ in block.select("dl dt")]


@pytest.fixture
def dapo_with_doi(build_site: BuildSite) -> Built:
    record = dict(
        DAPO_RECORD,
        categories=["cs.LG", "cs.CL", "cs.AI"],
        doi="10.48550/arXiv.2503.14476",
        journal_ref="Proceedings of Examples 2025, 1-10",
    )
    return build_site(dapo_digest(), lockfile_text(record))


@pytest.fixture
def dapo_plain(build_site: BuildSite) -> Built:
    return build_site(dapo_digest(), lockfile_text(DAPO_RECORD))


@pytest.mark.parametrize("where", BLOCKS)
def test_arxiv_block_shows_the_primary_category_then_the_others(
    dapo_with_doi: Built, where: str
) -> None:
    block = arxiv_block(dapo_with_doi, where)

    assert text(block.select_one(".primary-category")) == "cs.LG"
    categories = [text(span) for span in row(block, "Categories").select(".category")]
    assert categories == ["cs.LG", "cs.CL", "cs.AI"]


@pytest.mark.parametrize("where", BLOCKS)
def test_arxiv_block_shows_the_first_submission_date(dapo_with_doi: Built, where: str) -> None:
    submitted = row(arxiv_block(dapo_with_doi, where), "First submitted")

    assert {time["datetime"] for time in submitted.find_all("time")} == {"2025-03-18"}
    assert english(submitted) == "18 March 2025"


@pytest.mark.parametrize("where", BLOCKS)
def test_arxiv_block_shows_the_latest_version_and_its_date(
    dapo_with_doi: Built, where: str
) -> None:
    latest = row(arxiv_block(dapo_with_doi, where), "Latest version")

    assert text(latest).startswith("v2 ")
    assert {time["datetime"] for time in latest.find_all("time")} == {"2025-05-20"}


@pytest.mark.parametrize("where", BLOCKS)
def test_arxiv_block_links_to_the_abstract_pdf_and_doi(dapo_with_doi: Built, where: str) -> None:
    block = arxiv_block(dapo_with_doi, where)

    hrefs = [a["href"] for a in block.select("ul.arxiv-links a")]
    assert hrefs == [
        "https://arxiv.org/abs/2503.14476",
        "https://arxiv.org/pdf/2503.14476",
        "https://doi.org/10.48550/arXiv.2503.14476",
    ]
    assert text(row(block, "arXiv ID")) == "arXiv:2503.14476"
    assert row(block, "arXiv ID").a["href"] == "https://arxiv.org/abs/2503.14476"


@pytest.mark.parametrize("where", BLOCKS)
def test_arxiv_block_without_a_doi_has_no_doi_link(dapo_plain: Built, where: str) -> None:
    block = arxiv_block(dapo_plain, where)

    hrefs = [a["href"] for a in block.select("a")]
    assert not [href for href in hrefs if "doi.org" in href]
    assert block.select_one(".link-doi") is None


@pytest.mark.parametrize(
    ("doi", "encoded"),
    [
        ('10.1000/a#b?c%d "e" <f>', "10.1000/a%23b%3Fc%25d%20%22e%22%20%3Cf%3E"),
        ("10.1002/(SICI)1097-4636:4;2-N+x", "10.1002/(SICI)1097-4636:4;2-N%2Bx"),
    ],
)
def test_arxiv_block_links_a_doi_percent_encoded_and_shows_it_as_written(
    build_site: BuildSite, doi: str, encoded: str
) -> None:
    # The DOI Handbook's URL form: a '#' or '?' written as it is began a fragment or a query.
    built = build_site(dapo_digest(), lockfile_text(dict(DAPO_RECORD, doi=doi)))
    for page in [DAPO_PAGE, WEEKLY_PAGE]:
        links = lxml.html.parse(built.out / page).getroot().xpath("//a[@class='link link-doi']")
        assert [link.get("href") for link in links] == [f"https://doi.org/{encoded}"], page
        assert [link.text_content() for link in links] == [f"DOI: {doi}"], page


@pytest.mark.parametrize("where", BLOCKS)
def test_arxiv_block_shows_the_journal_reference(dapo_with_doi: Built, where: str) -> None:
    block = arxiv_block(dapo_with_doi, where)

    assert text(row(block, "Journal reference")) == "Proceedings of Examples 2025, 1-10"


@pytest.mark.parametrize("where", BLOCKS)
def test_arxiv_block_without_journal_reference_or_scholar_data_omits_those_rows(
    dapo_plain: Built, where: str
) -> None:
    assert labels(arxiv_block(dapo_plain, where)) == [
        "arXiv ID",
        "Categories",
        "First submitted",
        "Latest version",
    ]


def test_unpinned_id_shows_no_version_note(dapo_plain: Built) -> None:
    block = arxiv_block(dapo_plain, "paper page")

    assert "Version shown" not in text(block)


# --- a pinned version ----------------------------------------------------------------------------


@pytest.fixture
def dapo_pinned(build_site: BuildSite) -> Built:
    return build_site(dapo_digest(arxiv="2503.14476v1"), lockfile_text(DAPO_RECORD))


@pytest.mark.parametrize("where", BLOCKS)
def test_pinned_version_is_the_id_shown(dapo_pinned: Built, where: str) -> None:
    identifier = row(arxiv_block(dapo_pinned, where), "arXiv ID")

    assert text(identifier.a) == "arXiv:2503.14476v1"


@pytest.mark.parametrize("where", BLOCKS)
def test_pinned_version_is_what_the_abs_and_pdf_links_open(dapo_pinned: Built, where: str) -> None:
    block = arxiv_block(dapo_pinned, where)

    assert row(block, "arXiv ID").a["href"] == "https://arxiv.org/abs/2503.14476v1"
    hrefs = [a["href"] for a in block.select("ul.arxiv-links a")]
    assert hrefs == ["https://arxiv.org/abs/2503.14476v1", "https://arxiv.org/pdf/2503.14476v1"]


@pytest.mark.parametrize("where", BLOCKS)
def test_pinned_version_is_noted_and_the_latest_version_still_shown(
    dapo_pinned: Built, where: str
) -> None:
    block = arxiv_block(dapo_pinned, where)

    note = row(block, "arXiv ID").select_one(".meta")
    assert english(note) == "Version shown"
    assert "v1" in text(note)
    assert text(row(block, "Latest version")).startswith("v2 ")


def test_pinned_version_gives_no_warning(dapo_pinned: Built) -> None:
    assert dapo_pinned.report.warnings == []


# --- BibTeX --------------------------------------------------------------------------------------


def bibtex_of(built: Built, where: str = "paper page") -> str:
    pre = arxiv_block(built, where).select_one("details.cite pre.bibtex")
    assert pre is not None
    # It scrolls sideways (a line of authors is wider than a phone): the keyboard reaches it.
    assert pre["tabindex"] == "0"
    return pre.get_text()


def bibtex_fields(entry: str) -> dict[str, str]:
    """``name={value},`` lines of a BibTeX entry (one field a line, as papersite writes them)."""
    fields = {}
    for line in entry.splitlines()[1:-1]:
        name, _, value = line.strip().partition("=")
        fields[name] = value.removeprefix("{").removesuffix(",").removesuffix("}")
    return fields


@pytest.mark.parametrize("where", BLOCKS)
def test_bibtex_is_arxivs_misc_entry(dapo_plain: Built, where: str) -> None:
    entry = bibtex_of(dapo_plain, where)

    assert entry.startswith("@misc{yu2025dapoopensourcellmreinforcement,\n")
    assert entry.endswith("\n}")
    assert bibtex_fields(entry) == {
        "title": DAPO_TITLE,
        "author": "Qiying Yu and Zheng Zhang and Ruofei Zhu",
        "year": "2025",
        "eprint": "2503.14476",
        "archivePrefix": "arXiv",
        "primaryClass": "cs.LG",
        "url": "https://arxiv.org/abs/2503.14476",
    }


def test_bibtex_of_a_record_with_a_doi_gives_it(dapo_with_doi: Built) -> None:
    assert bibtex_fields(bibtex_of(dapo_with_doi))["doi"] == "10.48550/arXiv.2503.14476"


def test_bibtex_cites_the_authors_the_page_shows_and_arxivs_title(build_site: BuildSite) -> None:
    """A digest may shorten a title, or mark it up: a citation names the paper as arXiv (and
    so Google Scholar) does, key included; the authors are the page's."""
    shortened = '{ko: "다포", en: "**DAPO**: [open-source](https://example.com/a) RL"}'
    digest = dapo_digest('authors: ["Jane Doe", "John Roe"]', title=shortened)
    built = build_site(digest, lockfile_text(DAPO_RECORD))

    entry = bibtex_of(built)
    assert entry.startswith("@misc{doe2025dapoopensourcellmreinforcement,")
    assert bibtex_fields(entry)["author"] == "Jane Doe and John Roe"
    assert bibtex_fields(entry)["title"] == DAPO_TITLE


def test_citation_key_matches_arxivs_for_attention_is_all_you_need() -> None:
    title = "Attention Is All You Need"
    record = ArxivRecord(
        id="1706.03762",
        version=7,
        title=title,
        published=dt.date(2017, 6, 12),
        updated=dt.date(2023, 8, 2),
        fetched=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )

    assert citation_key(record, ["Ashish Vaswani", "Noam Shazeer"]) == "vaswani2023attentionneed"


@pytest.mark.parametrize(
    ("title", "authors", "latex_title"),
    [
        (
            "Deep Learning is Not So Mysterious or Different}",
            ["Bob } Brace {", "Dan {unbalanced"],
            r"Deep Learning is Not So Mysterious or Different\textbraceright{}",
        ),
        ("{BERT} at 99% & #1", ["Ann Author"], r"{BERT} at 99\% \& \#1"),
        (r"Already \% escaped \{", ["Ann Author"], r"Already \% escaped \textbraceleft{}"),
    ],
)
def test_bibtex_parses_as_bibtex_whatever_braces_and_signs_a_title_holds(
    title: str, authors: list[str], latex_title: str
) -> None:
    """BibTeX ignores backslashes when it counts braces: an unbalanced one, escaped, ended the
    field early and lost the fields after it. Read here by pybtex, which counts as BibTeX does."""
    record = ArxivRecord(id="2503.02113", version=1, title=title, published=dt.date(2025, 3, 3),
                         fetched=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # fmt: skip

    entry = bibtex(record, authors)
    parsed = pybtex.database.parse_string(entry, "bibtex").entries

    [fields] = [item.fields for item in parsed.values()]
    assert fields["title"] == latex_title
    assert fields["eprint"] == "2503.02113"
    assert fields["url"] == "https://arxiv.org/abs/2503.02113"
    [people] = [item.persons["author"] for item in parsed.values()]
    assert len(people) == len(authors)


def test_copy_button_is_in_the_page_but_hidden_until_javascript_shows_it(
    dapo_plain: Built,
) -> None:
    block = arxiv_block(dapo_plain, "paper page")
    button = block.select_one("details.cite button.copy-button")

    assert button is not None
    assert button.has_attr("hidden")
    assert button["type"] == "button"
    assert button["data-copy"] == block.select_one("pre.bibtex")["id"]


def test_bibtex_is_inside_a_closed_cite_details(dapo_plain: Built) -> None:
    details = arxiv_block(dapo_plain, "paper page").select_one("details.cite")

    assert details is not None
    assert not details.has_attr("open")
    assert details.select_one("summary") is not None
    assert details.select_one("pre.bibtex") is not None
    assert english(details.select_one("summary")) == "Cite"


def test_bibtex_ids_are_unique_on_a_digest_page(build_site: BuildSite) -> None:
    second = arxiv_record("2501.00002", "A Second Paper")
    digest = dapo_digest() + '  - title: {en: "A Second Paper"}\n    arxiv: "2501.00002"\n'
    built = build_site(digest, lockfile_text(DAPO_RECORD, second))
    soup = built.soup(WEEKLY_PAGE)

    targets = [button["data-copy"] for button in soup.select("button.copy-button")]
    assert len(targets) == 2 == len(set(targets))
    assert all(soup.find(id=target).name == "pre" for target in targets)


def test_copy_button_is_labelled_copy_in_each_language(dapo_plain: Built) -> None:
    button = arxiv_block(dapo_plain, "paper page").select_one("button.copy-button")

    assert english(button) == "Copy"
    assert korean(button) == "복사"
    assert button.select_one("[lang=en]")["data-default"] == "Copy"
    assert button.select_one("[lang=en]")["data-done"] == "Copied"


# --- withdrawn papers ----------------------------------------------------------------------------


@pytest.fixture
def withdrawn(build_site: BuildSite) -> Built:
    record = dict(
        DAPO_RECORD, withdrawn=True, comment="This paper has been withdrawn by the author"
    )
    return build_site(dapo_digest(), lockfile_text(record))


@pytest.mark.parametrize("where", BLOCKS)
def test_withdrawn_record_is_noted_on_the_page(withdrawn: Built, where: str) -> None:
    note = arxiv_block(withdrawn, where).select_one(".withdrawn")

    assert note is not None
    assert english(note) == "This paper has been withdrawn on arXiv"


def test_record_not_withdrawn_has_no_note(dapo_plain: Built) -> None:
    assert dapo_plain.soup(DAPO_PAGE).select_one(".withdrawn") is None


def test_withdrawn_record_is_a_warning_at_the_arxiv_field(withdrawn: Built) -> None:
    line, _ = position_of(dapo_digest(), '"2503.14476"')

    [warning] = withdrawn.warnings_about("papers[0].arxiv")
    message = str(warning)
    assert message.startswith(f"{DIGEST_PATH}:{line}:")
    assert "papers[0].arxiv" in message
    assert "withdrawn" in message
    assert "This paper has been withdrawn by the author" in message


# --- a record missing from the lockfile ----------------------------------------------------------

MISSING_DIGEST = WEEKLY.replace('arxiv: "2503.14476"', 'arxiv: "2501.99999"')


def test_missing_record_still_builds_without_the_arxiv_block(build_site: BuildSite) -> None:
    built = build_site(MISSING_DIGEST, lockfile_text(DAPO_RECORD))

    for page in ("papers/2501.99999/index.html", WEEKLY_PAGE):
        soup = built.soup(page)
        assert soup.select_one("section.arxiv-meta") is None, page
        assert soup.select_one("pre.bibtex") is None, page
    assert "English abstract" in built.soup("papers/2501.99999/index.html").get_text()


def test_missing_record_warns_at_the_arxiv_field_to_run_enrich(build_site: BuildSite) -> None:
    built = build_site(MISSING_DIGEST, lockfile_text(DAPO_RECORD))
    line, column = position_of(MISSING_DIGEST, '"2501.99999"')

    [warning] = built.report.warnings
    assert (warning.path, warning.line, warning.column, warning.field) == (
        DIGEST_PATH,
        line,
        column,
        "papers[0].arxiv",
    )
    assert str(warning).startswith(f"{DIGEST_PATH}:{line}:{column}: papers[0].arxiv: ")
    assert "2501.99999" in warning.message
    assert "papersite enrich" in warning.message


def test_missing_lockfile_warns_like_a_missing_record(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    source = write_tree({"papersite.yaml": SITE_CONFIG, DIGEST_PATH: WEEKLY})

    report = build(source, tmp_path / "out")

    assert [w.field for w in report.warnings] == ["papers[0].arxiv"]
    assert "papersite enrich" in report.warnings[0].message


def test_missing_record_fails_a_strict_build_and_writes_nothing(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    source = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            DIGEST_PATH: MISSING_DIGEST,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    out = tmp_path / "out"

    with pytest.raises(StrictModeError) as caught:
        build(source, out, strict=True)

    assert [p.field for p in caught.value.problems] == ["papers[0].arxiv"]
    assert not out.exists()


def test_strict_build_with_every_record_succeeds(minimal_site: Path, tmp_path: Path) -> None:
    report = build(minimal_site, tmp_path / "out", strict=True)

    assert report.warnings == []
    assert (tmp_path / "out" / DAPO_PAGE).is_file()


# --- a lockfile whose records do not fit their keys ---------------------------------------------

GATED_RECORD = arxiv_record("2505.06708", "Gated Attention for Large Language Models")


def filed(entries: dict[str, dict[str, Any]]) -> str:
    """A lockfile with these arXiv records under these keys, as ``papersite enrich`` writes."""
    papers = {key: {"arxiv": record, "semantic_scholar": None} for key, record in entries.items()}
    return json.dumps({"format": 1, "papers": papers}, indent=2, sort_keys=True) + "\n"


def content_problems(write_tree: WriteTree, tmp_path: Path, lockfile: str) -> list[Problem]:
    """What a build of the DAPO digest with this lockfile stops with; it writes nothing."""
    source = write_tree(
        {"papersite.yaml": SITE_CONFIG, DIGEST_PATH: dapo_digest(), "arxiv.lock.json": lockfile}
    )
    with pytest.raises(ContentError) as caught:
        build(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    return caught.value.problems


def test_a_record_under_another_papers_key_is_an_error_at_the_key(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """A build would link and cite 2505.06708 on the page of 2503.14476."""
    lockfile = filed({"2503.14476": GATED_RECORD})

    [problem] = content_problems(write_tree, tmp_path, lockfile)

    assert (problem.path, problem.field) == ("arxiv.lock.json", 'papers["2503.14476"]')
    assert (problem.line, problem.column) == position_of(lockfile, '"2503.14476": {')
    assert problem.message.startswith(
        "the record under this key is of 2505.06708, another paper, whose links and citation "
        "the page of 2503.14476 would show: change the key to '2505.06708' if the record is the "
        "right one, else remove the record and run papersite enrich to fetch 2503.14476's"
    )


def test_every_misfiled_record_is_reported_at_once_with_the_files_other_problems(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    lockfile = filed(
        {
            "2503.14476v2": DAPO_RECORD,
            "2505.06708": {**GATED_RECORD, "version": "two"},
            "math.GT/0309136": arxiv_record("math/0309136", "Knot Floer homology"),
            "2501.00001": GATED_RECORD,
            "2501.00002": arxiv_record("2501.00002v3", "A third version"),
        }
    )

    problems = content_problems(write_tree, tmp_path, lockfile)

    by_field = {p.field: p for p in problems}
    assert sorted((p.line, p.column, p.field) for p in problems) == sorted(
        [
            (*position_of(lockfile, '"two"'), 'papers["2505.06708"].arxiv.version'),
            (*position_of(lockfile, '"2501.00002v3"'), 'papers["2501.00002"].arxiv.id'),
            (*position_of(lockfile, '"2503.14476v2": {'), 'papers["2503.14476v2"]'),
            (*position_of(lockfile, '"math.GT/0309136": {'), 'papers["math.GT/0309136"]'),
            (*position_of(lockfile, '"2501.00001": {'), 'papers["2501.00001"]'),
        ]
    )
    assert by_field['papers["2503.14476v2"]'].message.startswith(
        "write the key as '2503.14476', its record's id: the paper's arXiv ID, without version, "
        "in arXiv's canonical form"
    )
    assert by_field['papers["math.GT/0309136"]'].message.startswith(
        "write the key as 'math/0309136', its record's id"
    )
    assert "is of 2505.06708, another paper" in by_field['papers["2501.00001"]'].message
    assert by_field['papers["2501.00002"].arxiv.id'].message.startswith(
        "'2501.00002v3' names version 3; write the paper's ID, '2501.00002' (the version is a "
        "field of its own)"
    )
    assert all("git checkout -- arxiv.lock.json" in p.message for p in problems)


SCHOLAR_ONLY = {
    "arxiv": None,
    "semantic_scholar": {"paper_id": "s2", "fetched": "2026-01-01T00:00:00Z"},
}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("2503.14476v2", "write the key as '2503.14476', the paper's arXiv ID, without version"),
        ("math.GT/0309136", "write the key as 'math/0309136', the paper's arXiv ID"),
        ("DAPO", "'DAPO' is not an arXiv ID: "),
        ("2513.00001", "'2513.00001' is not an arXiv ID: there is no month 13"),
    ],
)
def test_an_entry_without_an_arxiv_record_is_checked_against_its_key_too(
    write_tree: WriteTree, tmp_path: Path, key: str, message: str
) -> None:
    """An entry of Semantic Scholar's record alone has no record id to compare: its key must
    still be an arXiv ID in canonical form, else no build ever finds it."""
    papers = {"2503.14476": {"arxiv": DAPO_RECORD, "semantic_scholar": None}, key: SCHOLAR_ONLY}
    lockfile = json.dumps({"format": 1, "papers": papers}, indent=2) + "\n"

    [problem] = content_problems(write_tree, tmp_path, lockfile)

    field = f'papers["{key}"]' if "." in key else f"papers.{key}"  # an ID's dot is no field's
    assert (problem.path, problem.field) == ("arxiv.lock.json", field)
    assert (problem.line, problem.column) == position_of(lockfile, f'"{key}": {{')
    assert problem.message.startswith(message), problem.message
    assert "git checkout -- arxiv.lock.json" in problem.message


def test_an_entry_without_an_arxiv_record_under_its_canonical_id_is_valid(
    build_site: BuildSite,
) -> None:
    papers = {"2503.14476": SCHOLAR_ONLY, "math/0309136": SCHOLAR_ONLY}
    built = build_site(dapo_digest(), json.dumps({"format": 1, "papers": papers}))

    assert (built.out / DAPO_PAGE).is_file()


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2", "format 2 is not one this papersite reads (it reads format 1): a newer papersite "
         "wrote the file; upgrade papersite"),
        ("0", "format 0 is not one this papersite reads (it reads format 1);"),
        ('"1"', 'input should be a valid integer, got "1"; write the number as plain digits'),
    ],
)  # fmt: skip
def test_a_lockfile_of_another_format_says_which_format_is_read(
    write_tree: WriteTree, tmp_path: Path, written: str, message: str
) -> None:
    lockfile = lockfile_text(DAPO_RECORD).replace('"format": 1', f'"format": {written}')

    [problem] = content_problems(write_tree, tmp_path, lockfile)

    assert (problem.field, problem.line, problem.column) == (
        "format",
        *position_of(lockfile, written),
    )
    assert problem.message.startswith(message), problem.message


@pytest.mark.parametrize("fetched", ["2026-01-01T09:30:00", "2026-01-01"])
def test_a_fetched_time_without_time_zone_is_an_error_at_it(
    write_tree: WriteTree, tmp_path: Path, fetched: str
) -> None:
    """data/papers.json publishes it as a JSON Schema date-time, which has its offset."""
    scholar = {"paper_id": "s2", "fetched": fetched}
    lockfile = filed({"2503.14476": {**DAPO_RECORD, "fetched": fetched}}).replace(
        '"semantic_scholar": null', json.dumps({"semantic_scholar": scholar})[1:-1]
    )

    problems = content_problems(write_tree, tmp_path, lockfile)

    assert [(p.line, p.field) for p in problems] == [
        (position_of(lockfile, '"fetched"')[0], 'papers["2503.14476"].arxiv.fetched'),
        (
            position_of(lockfile, '"semantic_scholar"')[0],
            'papers["2503.14476"].semantic_scholar.fetched',
        ),
    ]
    naive = dt.datetime.fromisoformat(fetched).isoformat()
    assert problems[0].message.startswith(
        f'"{naive}" has no time zone; write the time in UTC with a final \'Z\', e.g. "{naive}Z"'
    )


def test_a_fetched_time_with_an_offset_is_published_as_a_date_time_with_it(
    build_site: BuildSite,
) -> None:
    lockfile = lockfile_text({**DAPO_RECORD, "fetched": "2026-01-01T18:30:00+09:00"})

    built = build_site(dapo_digest(), lockfile)

    papers = json.loads((built.out / "data/papers.json").read_text())["papers"]
    fetched = papers[0]["arxiv"]["fetched"]
    assert dt.datetime.fromisoformat(fetched) == dt.datetime(2026, 1, 1, 9, 30, tzinfo=dt.UTC)
    assert fetched.endswith("+09:00")


# --- titles that do not match --------------------------------------------------------------------


def test_record_with_an_unrelated_title_warns_the_id_may_be_mistyped(build_site: BuildSite) -> None:
    record = arxiv_record("2503.14476", "Protein Folding with Diffusion Models in Cryo-EM")
    built = build_site(dapo_digest(), lockfile_text(record))
    line, column = position_of(dapo_digest(), '"2503.14476"')

    [warning] = built.report.warnings
    assert (warning.line, warning.column, warning.field) == (line, column, "papers[0].arxiv")
    assert "is the ID mistyped?" in warning.message
    assert "Protein Folding with Diffusion Models in Cryo-EM" in warning.message


def test_digest_title_without_the_records_subtitle_does_not_warn(build_site: BuildSite) -> None:
    digest = dapo_digest(title='{ko: "다포", en: "DAPO"}')
    built = build_site(digest, lockfile_text(DAPO_RECORD))

    assert built.report.warnings == []
    assert english(built.soup(DAPO_PAGE).select_one("h1")) == "DAPO"


def test_digest_title_differing_in_case_and_punctuation_does_not_warn(
    build_site: BuildSite,
) -> None:
    digest = dapo_digest(title='{en: "dapo - an open source LLM reinforcement learning system"}')
    built = build_site(digest, lockfile_text(DAPO_RECORD))

    assert built.report.warnings == []


# --- papers found by their title -----------------------------------------------------------------

UNNAMED_DIGEST = DIGEST_HEAD + '  - title: {ko: "제목으로 찾은 논문", en: "Found By Its Title"}\n'
UNNAMED_PAGE = "papers/found-by-its-title/index.html"


def test_paper_without_id_gets_the_record_resolved_from_its_title(build_site: BuildSite) -> None:
    record = arxiv_record(
        "2501.00007",
        "Found by Its Title",
        authors=["Resolved Author"],
        resolved_from_title="Found By Its Title",
    )
    built = build_site(UNNAMED_DIGEST, lockfile_text(DAPO_RECORD, record))

    soup = built.soup(UNNAMED_PAGE)
    block = soup.select_one("section.arxiv-meta")
    assert block is not None
    assert text(row(block, "arXiv ID")) == "arXiv:2501.00007"
    assert "Resolved Author" in text(authors_block(soup))
    assert built.soup(WEEKLY_PAGE).select_one("section.arxiv-meta") is not None
    assert built.report.warnings == []
    eyebrow = soup.select_one("article.paper-page .eyebrow a[href^='https://arxiv.org/']")
    assert eyebrow is not None and eyebrow["href"] == "https://arxiv.org/abs/2501.00007"


def test_an_arxiv_abstract_that_looks_like_a_markdown_block_stays_one_paragraph(
    build_site: BuildSite,
) -> None:
    record = {**DAPO_RECORD, "abstract": "# of parameters matters; - not a list; $x_1$ stays math."}
    built = build_site(dapo_digest(), lockfile_text(record))

    section = built.soup(DAPO_PAGE).select_one(".field-abstract div[lang=en]")
    assert section is not None
    assert [child.name for child in section.find_all(recursive=False)] == ["p"]
    assert text(section.p).startswith("# of parameters matters; - not a list;")
    assert section.p.find("math") is not None


def test_an_arxiv_abstract_is_shown_as_the_plain_text_it_is_with_its_math(
    build_site: BuildSite,
) -> None:
    """arXiv's abstracts are plain text with TeX: TeX's quotes are not code, ``__init__`` is not
    bold, ``[1](url)`` is not a link, ``<b>`` is not a tag."""
    words = (
        "We call this ``grokking'' and ``double descent''. We patch the __init__ method of "
        "*every* layer; see [1](https://evil.example/) and <b>this</b> & that ~~struck~~ | ! "
    )
    record = {**DAPO_RECORD, "abstract": words + "with $x_1*y_2$ and $$a_b$$ kept as math."}
    built = build_site(dapo_digest(), lockfile_text(record))

    section = built.soup(DAPO_PAGE).select_one(".field-abstract div[lang=en]")
    assert section is not None
    assert [child.name for child in section.find_all(recursive=False)] == ["p"]
    paragraph = section.p
    outside_math = [tag for tag in paragraph.find_all(True) if not tag.find_parent("span")]
    assert [(tag.name, tag.get("class")) for tag in outside_math] == [
        ("span", ["math", "inline"]),
        ("span", ["math", "block"]),
    ]
    assert paragraph.get_text().startswith(words + "with ")
    assert len(paragraph.find_all("math")) == 2


def test_an_arxiv_abstract_is_the_json_ld_abstract_as_the_plain_text_it_is(
    build_site: BuildSite,
) -> None:
    """The JSON-LD abstract is arXiv's text, not the Markdown that shows it on the page
    (``\\_\\_init\\_\\_``)."""
    words = "We patch the __init__ method of *every* layer; see [1](x) and <b>this</b> with $x_1$."
    built = build_site(dapo_digest(), lockfile_text({**DAPO_RECORD, "abstract": words}))

    page = built.soup(DAPO_PAGE)
    scripts = page.select('script[type="application/ld+json"]')
    assert json.loads(scripts[0].string or "")["abstract"] == words


def english_abstract(page: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The paragraph of a paper page's English abstract."""
    [paragraph] = page.xpath(
        "//article[contains(@class, 'paper-page')]/*[contains(@class, 'field-abstract')]"
        "/div[@lang='en']/p"
    )
    return paragraph


def test_a_formula_after_one_holding_an_escaped_dollar_is_math_too(
    build_site: BuildSite,
) -> None:
    """An escaped ``\\$`` in arXiv's TeX neither ends a formula nor starts one: the next
    formula's TeX was escaped as text (``$\\\\{x\\\\}$``), and showed as its source."""
    abstract = r"The loss $a\$b$ and the set $\{x\}$ are formulas."
    built = build_site(dapo_digest(), lockfile_text({**DAPO_RECORD, "abstract": abstract}))

    paragraph = english_abstract(lxml.html.parse(built.out / DAPO_PAGE).getroot())
    formulas = [element.getparent() for element in paragraph.iter("math")]
    assert [f.get("class") for f in formulas] == ["math inline", "math inline"]
    assert [f.text_content() for f in formulas] == ["a$b", "{x}"]
    assert [[(e.tag, e.text) for e in f.iter("mi", "mo")] for f in formulas] == [
        [("mi", "a"), ("mi", "$"), ("mi", "b")],
        [("mo", "{"), ("mi", "x"), ("mo", "}")],
    ]
    assert paragraph.text_content() == "The loss a$b and the set {x} are formulas."
    assert built.report.warnings == []


def test_an_escaped_dollar_in_an_arxiv_abstract_reads_as_the_page_shows_it(
    build_site: BuildSite,
) -> None:
    """arXiv writes a dollar sign as TeX's ``\\$``: the page shows ``$``, and so must the words
    made for the meta description and the JSON-LD (they kept the backslash)."""
    abstract = r"Training costs \$5 per run, not \$50, on one GPU."
    built = build_site(dapo_digest(), lockfile_text({**DAPO_RECORD, "abstract": abstract}))

    page = lxml.html.parse(built.out / DAPO_PAGE).getroot()
    shown = english_abstract(page).text_content()
    assert shown == "Training costs $5 per run, not $50, on one GPU."
    assert page.xpath("//meta[@name='description']/@content") == [shown]
    [json_ld] = page.xpath("//script[@type='application/ld+json']")
    assert json.loads(json_ld.text)["abstract"] == shown


def test_paper_without_id_ignores_a_record_not_resolved_from_its_title(
    build_site: BuildSite,
) -> None:
    record = arxiv_record("2501.00007", "Found By Its Title")
    built = build_site(UNNAMED_DIGEST, lockfile_text(record))

    assert built.soup(UNNAMED_PAGE).select_one("section.arxiv-meta") is None
    assert built.report.warnings == []


# --- Semantic Scholar ----------------------------------------------------------------------------

SCHOLAR = {
    "paper_id": "x",
    "url": "https://www.semanticscholar.org/paper/x",
    "citation_count": 42,
    "venue": "NeurIPS",
    "year": 2025,
    "open_access_pdf": "https://example.org/a.pdf",
    "fetched": "2026-01-01T00:00:00Z",
}


def lockfile_with_scholar(record: dict[str, Any], scholar: dict[str, Any]) -> str:
    """A lockfile holding one paper's arXiv and Semantic Scholar records."""
    papers = {record["id"]: {"arxiv": record, "semantic_scholar": scholar}}
    return json.dumps({"format": 1, "papers": papers}, indent=2, sort_keys=True) + "\n"


@pytest.fixture
def dapo_scholar(build_site: BuildSite) -> Built:
    return build_site(dapo_digest(), lockfile_with_scholar(DAPO_RECORD, SCHOLAR))


@pytest.mark.parametrize("where", BLOCKS)
def test_semantic_scholar_citation_count_links_to_its_page(dapo_scholar: Built, where: str) -> None:
    citations = row(arxiv_block(dapo_scholar, where), "Citations")

    assert text(citations) == "42"
    assert citations.a["href"] == "https://www.semanticscholar.org/paper/x"


@pytest.mark.parametrize("where", BLOCKS)
def test_semantic_scholar_venue_is_shown(dapo_scholar: Built, where: str) -> None:
    assert text(row(arxiv_block(dapo_scholar, where), "Venue")) == "NeurIPS"


@pytest.mark.parametrize("where", BLOCKS)
def test_semantic_scholar_open_access_pdf_is_linked(dapo_scholar: Built, where: str) -> None:
    links = arxiv_block(dapo_scholar, where).select("ul.arxiv-links a")

    open_access = [a for a in links if a["href"] == "https://example.org/a.pdf"]
    assert len(open_access) == 1
    assert english(open_access[0]) == "Open-access PDF"


def test_zero_citations_are_shown(build_site: BuildSite) -> None:
    scholar = dict(SCHOLAR, citation_count=0, url=None, venue=None, open_access_pdf=None)
    built = build_site(dapo_digest(), lockfile_with_scholar(DAPO_RECORD, scholar))
    block = arxiv_block(built, "paper page")

    assert text(row(block, "Citations")) == "0"
    assert "Venue" not in labels(block)


# --- escaping ------------------------------------------------------------------------------------

MARKED_RECORD_TITLE = "A *very* _fast_ <b>bold</b> Attention_is_all ``Why?'' [1](x) method"
"""An arXiv title (plain text) with what Markdown would read as emphasis, a tag, code, a link."""


def test_a_records_title_is_its_plain_text_everywhere(build_site: BuildSite) -> None:
    record = arxiv_record("2503.14476", MARKED_RECORD_TITLE)
    built = build_site(dapo_digest(title='{ko: "다포"}'), lockfile_text(record))

    paper, weekly = built.soup(DAPO_PAGE), built.soup(WEEKLY_PAGE)
    listed = built.soup("papers/index.html").select_one("ul.paper-list")
    for title in (paper.select_one("h1"), weekly.select_one(f"{DAPO_ENTRY} .paper-title"), listed):
        assert title is not None
        assert MARKED_RECORD_TITLE in english(title)
        assert title.select("[lang=en] :is(em, strong, b, code, a)") == []
    assert paper.title is not None and paper.title.string.startswith(MARKED_RECORD_TITLE + " · ")
    scripts = paper.select('script[type="application/ld+json"]')
    assert json.loads(scripts[0].string or "")["name"] == MARKED_RECORD_TITLE
    labels = str(paper.select_one("h1")["data-pagefind-meta"]).removeprefix("title:")
    assert json.loads(labels) == [[["다포", MARKED_RECORD_TITLE], ""]]
    feed = feedparser.parse((built.out / "feed.xml").read_bytes())
    summary = BeautifulSoup(feed.entries[0].summary, "html5lib")
    assert summary.li is not None and summary.li.get_text() == f"다포 / {MARKED_RECORD_TITLE}"


def test_a_digests_title_beside_a_record_stays_markdown(build_site: BuildSite) -> None:
    record = arxiv_record("2503.14476", MARKED_RECORD_TITLE)
    built = build_site(dapo_digest(title='{ko: "*다포*"}'), lockfile_text(record))

    heading = built.soup(DAPO_PAGE).select_one("h1")
    assert heading is not None and heading.select_one("[lang=ko] em") is not None
    assert heading.select("[lang=en] em") == []


EVIL_TITLE = "Evil <script>alert(1)</script> Attention"
EVIL_AUTHOR = "Mallory <script>steal()</script>"


@pytest.fixture
def evil(build_site: BuildSite) -> Built:
    record = arxiv_record(
        "2503.14476", EVIL_TITLE, authors=[EVIL_AUTHOR], abstract="An <img src=x onerror=y()>"
    )
    return build_site(dapo_digest(title='{ko: "악성"}'), lockfile_text(record))


@pytest.mark.parametrize("page", [DAPO_PAGE, WEEKLY_PAGE])
def test_record_markup_creates_no_elements(evil: Built, page: str) -> None:
    soup = evil.soup(page)

    assert [s.get("src", "").rsplit("/", 1)[-1] for s in code_scripts(soup)] == ["site.js"]
    assert soup.find("img") is None


def test_record_title_and_authors_show_as_text(evil: Built) -> None:
    soup = evil.soup(DAPO_PAGE)

    assert english(soup.select_one("h1")) == EVIL_TITLE
    assert EVIL_AUTHOR in text(authors_block(soup))
    assert soup.title.string.startswith(EVIL_TITLE)


def test_record_title_and_authors_show_as_text_in_the_bibtex(evil: Built) -> None:
    fields = bibtex_fields(bibtex_of(evil))

    assert fields["title"] == EVIL_TITLE
    assert fields["author"] == EVIL_AUTHOR
    raw = (evil.out / DAPO_PAGE).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
