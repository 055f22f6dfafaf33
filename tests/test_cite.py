"""The BibTeX of a paper page read back by pybtex, which reads names as BibTeX does: each author
must come back as the person the digest or arXiv names, in the parts a bibliography style uses."""

from __future__ import annotations

import datetime as dt

import pybtex.database
import pytest

from papersite.cite import bibtex, citation_key
from papersite.model import ArxivRecord

RECORD = ArxivRecord(id="hep-th/9901001", version=1, title="Braces {and} 100% & more",
                     published=dt.date(1999, 1, 1), fetched=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # fmt: skip


def people(authors: list[str]) -> list[tuple[str, str, str, str]]:
    """Each author as pybtex parses the entry: (given names, von, family name, jr)."""
    [entry] = pybtex.database.parse_string(bibtex(RECORD, authors), "bibtex").entries.values()
    return [
        (
            " ".join(p.first_names + p.middle_names),
            " ".join(p.prelast_names),
            " ".join(p.last_names),
            " ".join(p.lineage_names),
        )
        for p in entry.persons["author"]
    ]


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ludwig van der Waals", ("Ludwig", "van der", "Waals", "")),
        ("María de la Cruz", ("María", "de la", "Cruz", "")),
        ("Plato", ("", "", "Plato", "")),
        ("김철수", ("", "", "김철수", "")),
        ("Smith, John", ("John", "", "Smith", "")),
        # Were split in two at "and", or read with the given name last, or "Jr." as a given name.
        ("Procter and Gamble Research", ("", "", "{Procter and Gamble Research}", "")),
        ("김 철수", ("", "", "{김 철수}", "")),
        ("Martin Luther King, Jr.", ("Martin Luther", "", "King", "Jr.")),
        ("Ludwig van der Waals, Jr.", ("Ludwig", "van der", "Waals", "Jr.")),
    ],
)
def test_each_author_reads_back_as_the_person_named(
    name: str, parts: tuple[str, str, str, str]
) -> None:
    assert people([name, "Ada Lovelace"]) == [parts, ("Ada", "", "Lovelace", "")]


@pytest.mark.parametrize(
    ("first_author", "key"),
    [
        ("Ludwig van der Waals", "waals1999braces100more"),
        ("Martin Luther King, Jr.", "king1999braces100more"),  # was "jr1999…"
        ("Smith, John", "smith1999braces100more"),  # was "john1999…"
    ],
)
def test_the_citation_key_starts_with_the_family_name(first_author: str, key: str) -> None:
    assert citation_key(RECORD, [first_author]) == key


@pytest.mark.parametrize(
    ("first_author", "key"),
    [
        # Latin letters NFKD leaves whole were dropped: "srensen", "ukasiewicz", "okovic".
        ("Søren Sørensen", "sorensen1999braces100more"),
        (r"Hans Christian {\O}rsted", "orsted1999braces100more"),  # TeX's \O, as arXiv writes it
        ("Jan Łukasiewicz", "lukasiewicz1999braces100more"),
        ("Novak Đoković", "dokovic1999braces100more"),
        ("Ólafur Þórðarson", "thordarson1999braces100more"),
        ("Ayşe Yıldız", "yildiz1999braces100more"),
        ("Sophie Lœwenthal", "loewenthal1999braces100more"),
        ("Anders Kjærgaard", "kjaergaard1999braces100more"),
        ("Tomas Ŧŋ", "tng1999braces100more"),  # stroke and eng, by their Unicode names
        ("Carl Friedrich Gauß", "gauss1999braces100more"),
        ("Thomas Müller", "muller1999braces100more"),  # NFKD's, as before
        # No Latin letter to spell: "anonymous", as for a record without authors.
        ("김철수", "anonymous1999braces100more"),
        ("李 明", "anonymous1999braces100more"),
    ],
)
def test_the_citation_key_spells_a_latin_family_name_in_ascii(first_author: str, key: str) -> None:
    """As BibTeX tools' keys do (Zotero, Better BibTeX): ``ø`` → ``o``, ``ł`` → ``l``, ``æ`` →
    ``ae``; the key is one BibTeX reads back."""
    assert citation_key(RECORD, [first_author]) == key
    [read_back] = pybtex.database.parse_string(bibtex(RECORD, [first_author]), "bibtex").entries
    assert read_back == key


@pytest.mark.parametrize(
    ("doi", "read_back"),
    [
        # Were written \# and \%, which biber and pybtex keep: the link gained backslashes.
        ("10.1002/(SICI)1097-4636(199706)35:4<443::AID-JBM5>3.0.CO;2-#", None),
        ("10.1000/100%_sure~not\\really", None),
        ("10.1000/{braced}", None),
        # An unbalanced brace cannot be written verbatim: its percent-encoding names the same DOI.
        ("10.1000/a}b{", "10.1000/a%7Db%7B"),
    ],
)
def test_the_doi_reads_back_verbatim(doi: str, read_back: str | None) -> None:
    record = RECORD.model_copy(update={"doi": doi})
    [entry] = pybtex.database.parse_string(bibtex(record, ["Ada"]), "bibtex").entries.values()
    assert entry.fields["doi"] == (read_back or doi)
    assert entry.fields["url"] == "https://arxiv.org/abs/hep-th/9901001"


@pytest.mark.parametrize(
    ("title", "author", "key"),
    [
        # Were "textscfoo…", "erdhos…", "emph…": TeX's command words, which no reader sees.
        (r"\textsc{Foo}: Scaling Sparse Experts", "Ada Lovelace", "lovelace1999fooscalingsparseexperts"),
        (r"G{\"o}del Machines Learn {\em Self-Reference} Quickly", "Ada Lovelace",
         "lovelace1999godelmachineslearnselfreference"),
        (r"On Erd\H{o}s Graphs and \c{C}ay Trees", "Paul Erd\\H{o}s", "erdos1999erdosgraphscaytrees"),
        ("DAPO: An Open-Source LLM Reinforcement Learning System", "Qiying Yu",
         "yu1999dapoopensourcellmreinforcement"),
        # Were "lring", "r", "resund".
        ("Læring på Ærø: Øresund Models", "Ada Lovelace", "lovelace1999laeringpaaerooresund"),
    ],
)  # fmt: skip
def test_the_citation_key_has_the_title_words_a_reader_sees(
    title: str, author: str, key: str
) -> None:
    record = RECORD.model_copy(update={"title": title})
    assert citation_key(record, [author]) == key
    [read_back] = pybtex.database.parse_string(bibtex(record, [author]), "bibtex").entries
    assert read_back == key
