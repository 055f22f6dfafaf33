"""The archive as data: data/*.json against their JSON Schemas, the CSV, the export file, and a
round trip from the JSON back to digest files that loses nothing."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import DAPO_RECORD, SITE_CONFIG, WEEKLY, WriteTree, lockfile_text
from papersite import build, dataset
from papersite.cli import main
from papersite.pipeline import prepare_site

SCHEMAS = ("digests", "papers", "archive")

# Everything a digest can hold: awards, sections, labelled links, aliases, a shared text,
# a missing translation, provenance on the digest and on a paper.
RICH = """\
kind: conference
conference: {name: NeurIPS, year: 2025, url: "https://neurips.cc/"}
date: 2025-11-27
title: {ko: "NeurIPS 2025 우수 논문", en: "NeurIPS 2025 best papers"}
source: "https://discuss.pytorch.kr/t/neurips-2025/1"
overview: "One overview in every language."
tags: [reinforcement-learning]
aliases: [posts/neurips-2025-best/]
provenance:
  default: {ko: machine, en: upstream}
  by: {machine: "GPT-4o", upstream: "NeurIPS"}
papers:
  - title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}
    arxiv: "2503.14476v2"
    authors: ["Qiying Yu", "Zheng Zhang"]
    affiliations: ["ByteDance Seed"]
    award: best-paper
    summary: {ko: "한국어 소개 **굵게**", en: "English introduction"}
    abstract: {ko: "한국어 초록"}
    sections:
      - title: {ko: "선정 위원회 평가", en: "Reflections"}
        body: {ko: "평가", en: "The committee's words"}
    links:
      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO", label: "DAPO code"}
      - {kind: blog, url: "https://example.org/dapo"}
    tags: [reinforcement-learning]
    provenance: {summary: {ko: reviewed}, by: {reviewed: "Kim"}}
  - title: "A paper without an arXiv ID"
    award: "Test of time"
"""


@pytest.fixture
def rich_site(write_tree: WriteTree) -> Path:
    return write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/conferences/neurips-2025.yaml": RICH,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )


def data(out: Path, name: str) -> Any:
    return json.loads((out / "data" / f"{name}.json").read_text(encoding="utf-8"))


def validator(out: Path, name: str) -> Draft202012Validator:
    schema = json.loads((out / "data" / "schema" / "v1" / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft202012Validator, document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


# --- the example site's data --------------------------------------------------------------------


def test_the_example_sites_data_is_valid_against_its_schemas(built_site: Path) -> None:
    for name in ("digests", "papers"):
        document = data(built_site, name)
        assert errors(validator(built_site, name), document) == []
        assert document["$schema"].endswith(f"data/schema/v1/{name}.schema.json")
        assert document["version"] == 1
    assert [d["id"] for d in data(built_site, "digests")["digests"]] == [
        "conferences/neurips-2025",
        "weekly/2025-03-17",
    ]
    papers = data(built_site, "papers")["papers"]
    assert len(papers) == 17
    assert [p["id"] for p in papers] == sorted(p["id"] for p in papers)


def test_a_schema_rejects_what_is_not_the_data(built_site: Path) -> None:
    """The schemas say something: they reject a paper without an ID, a wrong status."""
    papers = data(built_site, "papers")
    check = validator(built_site, "papers")
    del papers["papers"][0]["id"]
    papers["papers"][1]["appearances"][0]["provenance"] = {"summary": {"ko": "robot"}}

    found = errors(check, papers)

    assert any("'id' is a required property" in e for e in found), found
    assert any("'robot' is not one of" in e for e in found), found


def test_papers_carry_both_languages_arxiv_metadata_digests_and_provenance(
    built_site: Path,
) -> None:
    papers = {p["id"]: p for p in data(built_site, "papers")["papers"]}

    dapo = papers["2503.14476"]
    assert dapo["url"].endswith("/papers/2503.14476/")
    assert dapo["title"]["en"].startswith("DAPO") and dapo["title"]["ko"]
    assert dapo["arxiv"]["id"] == "2503.14476" and dapo["arxiv"]["primary_category"]
    [appearance] = dapo["appearances"]
    assert appearance["digest"] == "weekly/2025-03-17"
    assert appearance["summary"].keys() == {"ko", "en"}
    digests = {d["id"]: d for d in data(built_site, "digests")["digests"]}
    assert digests["weekly/2025-03-17"]["papers"][appearance["index"]] == "2503.14476"
    assert appearance["provenance"]["summary"] == {"ko": "machine", "en": "upstream"}


def test_the_csv_has_a_row_per_paper(built_site: Path) -> None:
    raw = (built_site / "data" / "papers.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # spreadsheets need it to read Korean
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    papers = {p["id"]: p for p in data(built_site, "papers")["papers"]}

    assert [row["id"] for row in rows] == list(papers)
    dapo = next(row for row in rows if row["id"] == "2503.14476")
    assert dapo["title_ko"] == papers["2503.14476"]["title"]["ko"]
    assert dapo["digests"] == "weekly/2025-03-17"
    assert dapo["authors"].split("; ") == papers["2503.14476"]["authors"]


def test_a_csv_list_reads_back_whatever_its_items_hold(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Authors were joined with "; " as they were: one author "Doe; Jane" read back as two.
    An item holding ";" or '"', a line break or a space in front is quoted, as in CSV."""
    authors = ["Doe; Jane", 'Ann "Nan" Lee', "Kim, Jr.", "Multi\nLine", " Spaced", "Bo Li"]
    listed = ", ".join(json.dumps(name) for name in authors)
    digest = WEEKLY.replace('    arxiv: "2503.14476"\n', f"    authors: [{listed}]\n")
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    build(site, tmp_path / "out", search=False)

    raw = (tmp_path / "out" / "data" / "papers.csv").read_text(encoding="utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(raw, newline=""))
    (read,) = csv.reader([row["authors"]], delimiter=";", skipinitialspace=True)
    assert read == authors == data(tmp_path / "out", "papers")["papers"][0]["authors"]
    assert row["authors"].endswith("; Bo Li")  # a plain name is as it was
    assert row["tags"] == "reinforcement-learning"


def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_text(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """CSV injection: a title that starts as a formula is written with a leading quote."""
    formula = '=HYPERLINK("https://evil.example","x")'
    digest = WEEKLY.replace(
        'en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"', f"en: '{formula}'"
    ).replace('    arxiv: "2503.14476"\n', "")
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    build(site, tmp_path / "out", search=False)

    raw = (tmp_path / "out" / "data" / "papers.csv").read_text(encoding="utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(raw))
    assert row["title_en"] == "'" + formula
    assert data(tmp_path / "out", "papers")["papers"][0]["title"]["en"] == formula  # JSON: as is


def test_the_csv_gives_the_arxiv_id_of_a_paper_not_yet_in_the_lockfile(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """The column was filled from the lockfile's record only: a paper whose digest gives its
    arXiv ID, before `papersite enrich`, had none, as if it were not on arXiv."""
    digest = WEEKLY.replace('arxiv: "2503.14476"', 'arxiv: "2503.14476v2"')
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    build(site, tmp_path / "out", search=False)

    raw = (tmp_path / "out" / "data" / "papers.csv").read_text(encoding="utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(raw))
    assert (row["id"], row["arxiv_id"]) == ("2503.14476", "2503.14476")


def test_a_paper_titled_only_in_korean_has_arxivs_english_title_as_its_page_does(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """The record's title was its newest digest's alone: a digest giving only the Korean title
    left the paper without an English one in papers.json and papers.csv, while its page shows
    arXiv's."""
    digest = WEEKLY.replace(
        '{ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}',
        '{ko: "다포"}',
    )
    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": digest,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    out = tmp_path / "out"
    build(site, out, search=False)

    english = DAPO_RECORD["title"]
    page = lxml.html.parse(str(out / "papers" / "2503.14476" / "index.html"))
    assert page.xpath("string(//h1//*[@lang='en'])").strip() == english
    (paper,) = data(out, "papers")["papers"]
    assert paper["title"] == {"ko": "다포", "en": english}
    raw = (out / "data" / "papers.csv").read_text(encoding="utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(raw, newline=""))
    assert (row["title_ko"], row["title_en"]) == ("다포", english)
    assert not errors(validator(out, "papers"), data(out, "papers"))


# --- diffs, the export file, round trips --------------------------------------------------------


def test_an_edit_changes_only_its_own_lines_of_the_data(rich_site: Path, tmp_path: Path) -> None:
    build(rich_site, tmp_path / "out", search=False)
    before = (tmp_path / "out" / "data" / "papers.json").read_text().splitlines()
    digest = rich_site / "digests" / "conferences" / "neurips-2025.yaml"
    digest.write_text(digest.read_text().replace("English introduction", "A new introduction"))

    build(rich_site, tmp_path / "out", search=False)

    after = (tmp_path / "out" / "data" / "papers.json").read_text().splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert [new.strip() for _, new in changed] == ['"en": "A new introduction"']


def test_export_json_writes_the_archive(
    rich_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(rich_site, tmp_path / "out", search=False)
    target = tmp_path / "archive.json"

    assert (
        main(["export", "--format", "json", "--source", str(rich_site), "--out", str(target)]) == 0
    )

    archive = json.loads(target.read_text(encoding="utf-8"))
    assert errors(validator(tmp_path / "out", "archive"), archive) == []
    assert archive["digests"] == data(tmp_path / "out", "digests")["digests"]
    assert archive["papers"] == data(tmp_path / "out", "papers")["papers"]
    capsys.readouterr()
    digest = str(rich_site / "digests" / "conferences" / "neurips-2025.yaml")
    for argv, message in [
        ([digest, "--format", "json"], "leave out DIGEST"),
        (["--format", "forum"], "name its file (DIGEST)"),
    ]:
        with pytest.raises(SystemExit) as exited:  # a wrong command line: status 2
            main(["export", *argv, "--source", str(rich_site)])
        assert exited.value.code == 2 and message in capsys.readouterr().err


def as_written(value: Any) -> Any:
    """A value of digests.json as a digest file writes it: ``{"*": x}`` (the same text, or
    status, in every language) is the plain ``x``."""
    if isinstance(value, dict):
        if value.keys() == {"*"}:
            return value["*"]
        return {key: as_written(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_written(item) for item in value]
    return value


def rebuild_from_json(out: Path, original: Path, target: Path) -> Path:
    """A site whose digests are written back from ``out``'s digests.json, as YAML."""
    target.mkdir()
    for name in ("papersite.yaml", "arxiv.lock.json"):
        (target / name).write_bytes((original / name).read_bytes())
    for record in data(out, "digests")["digests"]:
        file = target / Path(record["file"]).with_suffix(".yaml")
        file.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(as_written(record["digest"]), allow_unicode=True, sort_keys=False)
        file.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize("which", ["rich", "example"])
def test_a_round_trip_from_the_json_back_to_digests_loses_nothing(
    which: str, rich_site: Path, example_site: Path, tmp_path: Path
) -> None:
    site = rich_site if which == "rich" else example_site
    out = tmp_path / "out"
    build(site, out, search=False)

    again = rebuild_from_json(out, site, tmp_path / "again")

    original = {d.url: d.digest for d in prepare_site(site).site.digests}
    rebuilt = {d.url: d.digest for d in prepare_site(again).site.digests}
    assert rebuilt == original
    build(again, tmp_path / "out-again", search=False)
    for name in ("digests", "papers"):
        first, second = data(out, name), data(tmp_path / "out-again", name)
        for record in first.get("digests", []) + second.get("digests", []):
            record["file"] = str(Path(record["file"]).with_suffix(".yaml"))
        assert second == first


def test_the_data_is_made_again_only_when_a_content_file_changes(
    example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(example_site, site, ignore=shutil.ignore_patterns("build", ".papersite-cache"))
    build(site, tmp_path / "out", search=False)
    made_log = tmp_path / "made.txt"  # a file: the records are made in forked workers
    made_log.touch()
    digest_record = dataset._digest_record

    def record_digest(sourced: Any, base_url: str) -> Any:
        with made_log.open("a", encoding="utf-8") as log:
            log.write(sourced.path + "\n")
        return digest_record(sourced, base_url)

    monkeypatch.setattr(dataset, "_digest_record", record_digest)
    robots = site / "templates" / "robots.txt"
    robots.write_text(robots.read_text(encoding="utf-8") + "# a template edit\n", encoding="utf-8")

    themed = build(site, tmp_path / "out", search=False)

    assert made_log.read_text() == "", "a template does not change the data"
    assert "robots.txt" in themed.written
    assert not [path for path in themed.written if path.startswith("data/")]
    weekly = site / "digests" / "weekly" / "2025-03-17.yaml"
    weekly.write_text(weekly.read_text(encoding="utf-8").replace("DAPO", "DAPO!", 1))

    edited = build(site, tmp_path / "out", search=False)

    # Only the edited digest's record is made again: the others are copied from the file as
    # the last build wrote it (``dataset.RecordCopier``).
    assert made_log.read_text().splitlines() == [str(weekly.relative_to(site))]
    assert "data/digests.json" in edited.written
    cold = tmp_path / "cold"
    build(site, cold, search=False)
    for name in ("digests.json", "papers.json"):
        assert (tmp_path / "out" / "data" / name).read_bytes() == (
            cold / "data" / name
        ).read_bytes()


def test_the_schemas_are_made_again_only_when_the_base_url_can_change(
    rich_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The schemas show no content, only the base URL (their ``$id``): an edited digest leaves
    them be, and a new base URL makes them again, as a cold build would."""
    out = tmp_path / "out"
    build(rich_site, out, search=False)
    digest = rich_site / "digests" / "conferences" / "neurips-2025.yaml"
    digest.write_text(digest.read_text().replace("English introduction", "A new introduction"))
    made = dataset.json_schema

    def not_made(name: str, base_url: str) -> Any:
        raise AssertionError(f"the {name} schema was made again")

    monkeypatch.setattr(dataset, "json_schema", not_made)
    edited = build(rich_site, out, search=False)

    assert "data/papers.json" in edited.written
    assert not [path for path in edited.written if path.startswith("data/schema/")]
    monkeypatch.setattr(dataset, "json_schema", made)
    config = rich_site / "papersite.yaml"
    config.write_text(
        re.sub(r"base_url: .*", 'base_url: "https://moved.example/x/"', config.read_text())
    )

    moved = build(rich_site, out, search=False)

    assert "data/schema/v1/papers.schema.json" in moved.written
    schema = json.loads((out / "data" / "schema" / "v1" / "papers.schema.json").read_text())
    assert schema["$id"] == "https://moved.example/x/data/schema/v1/papers.schema.json"
    cold = tmp_path / "cold"
    build(rich_site, cold, search=False)
    for name in dataset.SCHEMAS:
        path = Path("data", "schema", "v1", f"{name}.schema.json")
        assert (out / path).read_bytes() == (cold / path).read_bytes()


def test_a_line_separator_in_a_text_stays_inside_its_string(
    rich_site: Path, tmp_path: Path
) -> None:
    """Records are indented line by line; only JSON's own newlines start a line, never a
    Unicode line break inside a text (U+2028, U+2029), which JSON leaves unescaped. (U+0085,
    a third, is a C1 control, which a digest may not hold.)"""
    digest = rich_site / "digests" / "conferences" / "neurips-2025.yaml"
    text = digest.read_text(encoding="utf-8")
    # YAML's escapes for U+2028 and U+2029, in the summary's double-quoted string.
    digest.write_text(text.replace("English introduction", r"one\Ltwo\Pthree"))

    build(rich_site, tmp_path / "out", search=False)

    papers = {paper["id"]: paper for paper in data(tmp_path / "out", "papers")["papers"]}
    summary = papers["2503.14476"]["appearances"][0]["summary"]["en"]
    assert summary == "one\u2028two\u2029three"
