"""The glossary: consistent Korean for English terms, checked, marked in the texts, listed."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import lxml.html
import pytest
from bs4 import BeautifulSoup
from selenium import webdriver
from selenium.webdriver.common.by import By

from conftest import SITE_CONFIG, WriteTree
from papersite import build
from papersite.check import check_site
from papersite.errors import ContentError

GLOSSARY = """\
terms:
  - en: hallucination
    ko: [환각]
    wrong: [쇄도]
    note: {ko: "그럴듯한 거짓", en: "Plausible falsehood"}
  - en: fine-tuning
    also: [fine-tune]
    ko: [미세 조정, 파인튜닝]
"""

# Each paper's texts pair an English and a Korean version; the comments say what check makes
# of each pair.
DIGEST = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
papers:
  - title: {ko: "환각 줄이기", en: "Fewer hallucinations"}
    summary:
      ko: "이 모델은 쇄도를 줄입니다."
      en: "The model reduces hallucination."
    abstract:
      ko: "미세조정 방법을 쓰고, 환각에 대한 글을 봅니다."
      en: "It uses fine tuning, see [hallucination](https://example.org/h) and `fine-tuning`."
  - title: {ko: "두 번째", en: "Second"}
    summary:
      ko: "모델을 다시 학습합니다."
      en: "We fine-tune the model."
    abstract:
      ko: "환각이 없습니다."
      en: "Nothing about the terms."
"""


@pytest.fixture
def site(write_tree: WriteTree) -> Path:
    return write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "glossary.yaml": GLOSSARY,
            "digests/weekly/2025-03-17.yaml": DIGEST,
        }
    )


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# --- check ----------------------------------------------------------------------------------------


def test_check_warns_of_a_wrong_rendering_and_a_missing_one_at_the_korean_line(
    site: Path,
) -> None:
    findings = [f for f in check_site(site).findings if f.rule == "glossary"]

    where = [(f.problem.line, f.problem.field) for f in findings]
    assert where == [
        (line_of(DIGEST, "쇄도를"), "papers[0].summary.ko"),
        (line_of(DIGEST, "다시 학습"), "papers[1].summary.ko"),
    ]
    wrong, missing = (f.problem.message for f in findings)
    assert "'쇄도' is a wrong rendering of 'hallucination'" in wrong and "'환각'" in wrong
    assert "says 'fine-tuning'" in missing and "'미세 조정', '파인튜닝'" in missing
    assert {f.severity for f in findings} == {"warning"}


def note_in(korean: str, english: str) -> str:
    """``GLOSSARY`` with its note in the site's codes of Korean and English."""
    return GLOSSARY.replace('{ko: "그럴듯한 거짓", en:', f'{{{korean}: "그럴듯한 거짓", {english}:')


@pytest.mark.parametrize(
    ("korean", "english", "third"),
    [("ko-KR", "en-US", None), ("ko", "en-GB", None), ("ko-KR", "en", "ja")],
)
def test_check_compares_regional_korean_and_english_texts(
    write_tree: WriteTree, korean: str, english: str, third: str | None
) -> None:
    """A site in ``ko-KR`` and ``en-US`` writes Korean and English: check reads its texts as
    the glossary's two languages (a third language is left alone), not as no language at all."""
    languages = [korean, english, *([third] if third else [])]
    digest = DIGEST.replace("ko:", f"{korean}:").replace("en:", f"{english}:")
    site = write_tree(
        {
            "papersite.yaml": f"title: Test\nbase_url: https://example.org/\nlanguages: {languages}\n",
            "glossary.yaml": note_in(korean, english),
            "digests/weekly/2025-03-17.yaml": digest,
        }
    )

    findings = [f for f in check_site(site).findings if f.rule in ("glossary", "invalid")]

    assert [(f.problem.line, f.problem.field) for f in findings] == [
        (line_of(digest, "쇄도를"), f"papers[0].summary.{korean}"),
        (line_of(digest, "다시 학습"), f"papers[1].summary.{korean}"),
    ]


def test_spacing_case_hyphens_and_plurals_do_not_matter(site: Path) -> None:
    """ "Fewer hallucinations" / "환각 줄이기" and "fine tuning" / "미세조정" pass: the English
    forms match whatever their case, hyphen or plural, the Korean ones whatever their spaces."""
    fields = {f.problem.field for f in check_site(site).findings if f.rule == "glossary"}

    assert "papers[0].title.ko" not in fields
    assert "papers[0].abstract.ko" not in fields


def test_a_site_without_a_glossary_gets_no_glossary_page_link_or_marks(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    bare = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": DIGEST})

    build(bare, tmp_path / "out", search=False)

    assert not (tmp_path / "out" / "glossary").exists()
    page = soup(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html")
    assert page.select("abbr, a[href$='glossary/']") == []
    assert [f for f in check_site(bare).findings if f.rule == "glossary"] == []


@pytest.mark.parametrize(
    ("glossary", "needle", "message"),
    [
        (
            "terms:\n  - en: hallucination\n",
            "- en: hallucination",
            "terms[0].ko: the required field 'ko' is missing",
        ),
        (GLOSSARY + "    colour: red\n", "colour", "terms[1].colour: "),
        (GLOSSARY + "  - en: Hallucination\n    ko: [환각]\n", "en: Hallucination", "already"),
        ("terms:\n  - en: x\n    ko: [y]\n    note: {fr: z}\n", "fr:", "language 'fr'"),
        (
            "terms:\n  - en: summary\n    ko: [요약]\n    wrong:\n      - 요약\n",
            "- 요약",
            "terms[0].wrong[0]: '요약' is also one of the term's Korean renderings",
        ),
        (  # check matches without spaces: this wrong rendering is the accepted one
            "terms:\n  - en: fine-tuning\n    ko: [미세 조정]\n    wrong: [미세조정]\n",
            "wrong:",
            "terms[0].wrong[0]: '미세조정' is also one of the term's Korean renderings (ko: '미세 조정'",
        ),
        (  # check would find it inside every accepted '파인튜닝', and call each wrong
            "terms:\n  - en: fine-tuning\n    ko: [파인튜닝]\n    wrong: [튜닝]\n",
            "wrong:",
            "terms[0].wrong[0]: '튜닝' is part of the accepted rendering '파인튜닝'",
        ),
        ('terms:\n  - en: " "\n    ko: [x]\n', 'en: " "', "terms[0].en: is empty; write"),
        ('terms:\n  - en: x\n    ko:\n      - ""\n', '- ""', "terms[0].ko[0]: is empty; write"),
        ("terms:\n  - en: x\n    ko: []\n", "ko: []", "terms[0].ko: no Korean rendering: give"),
        (  # matched as the word "non", or every lone "s" and "-" for "-"
            "terms:\n  - en: non-\n    ko: [비]\n",
            "en: non-",
            "terms[0].en: 'non-' starts or ends with a hyphen",
        ),
        ('terms:\n  - en: x\n    also: ["-"]\n    ko: [y]\n', '["-"]', "terms[0].also[0]: '-' "),
    ],
)
def test_a_broken_glossary_is_an_error_at_its_line(
    site: Path, glossary: str, needle: str, message: str
) -> None:
    (site / "glossary.yaml").write_text(glossary, encoding="utf-8")

    with pytest.raises(ContentError) as raised:
        build(site, site.parent / "out", search=False)

    [problem] = raised.value.problems
    assert (problem.path, problem.line) == ("glossary.yaml", line_of(glossary, needle))
    assert message in str(problem), str(problem)


@pytest.mark.parametrize(
    ("second", "needle", "field", "first"),
    [
        ("  - en: fine tuning\n    ko: [파인 튜닝]\n", "fine tuning", "terms[2].en", "'fine-tuning', at 6:9"),
        ("  - en: Fine-Tuning\n    ko: [파인 튜닝]\n", "Fine-Tuning", "terms[2].en", "'fine-tuning', at 6:9"),
        ("  - en: tuning\n    also: [FineTune]\n    ko: [조정]\n", "FineTune", "terms[2].also[0]", "'fine-tune', at 7:12"),
    ],
)  # fmt: skip
def test_two_terms_that_match_as_one_are_an_error_at_the_second_naming_the_first(
    site: Path, second: str, needle: str, field: str, first: str
) -> None:
    """The matcher reads 'fine-tuning', 'fine tuning' and 'FineTuning' as one term: a second
    entry would never be told apart from the first."""
    glossary = GLOSSARY + second
    (site / "glossary.yaml").write_text(glossary, encoding="utf-8")

    with pytest.raises(ContentError) as raised:
        build(site, site.parent / "out", search=False)

    [problem] = raised.value.problems
    assert (problem.line, problem.field) == (line_of(glossary, needle), field)
    assert f"is already term 2 ({first})" in problem.message, problem.message
    assert line_of(GLOSSARY, "en: fine-tuning") == 6 and line_of(GLOSSARY, "also:") == 7


@pytest.mark.parametrize("decomposed", ["digest", "glossary"])
def test_decomposed_hangul_is_matched_by_check_and_on_the_page(
    site: Path, tmp_path: Path, decomposed: str
) -> None:
    """Hangul written as its jamo (NFD, as macOS gives it) reads the same: the term is found,
    and the page shows it composed."""
    composed = [f.problem for f in check_site(site).findings if f.rule == "glossary"]
    path = site / ("digests/weekly/2025-03-17.yaml" if decomposed == "digest" else "glossary.yaml")
    path.write_text(unicodedata.normalize("NFD", path.read_text("utf-8")), encoding="utf-8")

    found = [f.problem for f in check_site(site).findings if f.rule == "glossary"]
    build(site, tmp_path / "out", search=False)

    assert found == composed  # the wrong '쇄도' and the missing 'fine-tune', nothing more
    assert [p.field for p in found] == ["papers[0].summary.ko", "papers[1].summary.ko"]
    page = soup(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html")
    korean = {a.get_text() for a in page.select("article.paper [lang=ko] abbr.term")}
    assert korean == {"환각", "미세조정"}


def test_check_ignores_terms_in_code_and_urls_as_the_page_does(site: Path, tmp_path: Path) -> None:
    """A term only in code or a bare URL is not marked on the page, so check neither asks for
    its rendering nor calls a wrong one in code wrong."""
    digest = (site / "digests/weekly/2025-03-17.yaml").read_text("utf-8")
    digest = digest.replace(
        "We fine-tune the model.", "Run `fine-tune` from https://example.org/hallucination."
    )
    digest = digest.replace(
        "이 모델은 쇄도를 줄입니다.", "이 모델은 환각을 줄입니다. `쇄도`는 코드입니다."
    )
    (site / "digests/weekly/2025-03-17.yaml").write_text(digest, encoding="utf-8")

    findings = [f.problem.field for f in check_site(site).findings if f.rule == "glossary"]
    build(site, tmp_path / "out", search=False)

    assert findings == []
    page = soup(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html")
    summary = page.select("article.paper .field-summary")[1].select_one("div[lang=en]")
    assert "https://example.org/hallucination" in summary.get_text()
    assert summary.select("abbr") == []


def test_check_finds_a_rendering_that_is_a_links_own_words(site: Path) -> None:
    """A Korean editor often links the term itself: the reader sees it, so it is there."""
    path = site / "digests/weekly/2025-03-17.yaml"
    digest = path.read_text("utf-8").replace(
        "이 모델은 쇄도를 줄입니다.",
        "이 모델은 [환각](https://ko.wikipedia.org/wiki/환각)을 줄입니다.",
    )
    path.write_text(digest, encoding="utf-8")

    findings = [f.problem.message for f in check_site(site).findings if f.rule == "glossary"]

    assert not any("hallucination" in message for message in findings), findings


# --- check and the page agree ----------------------------------------------------------------------


def one_paper_site(write_tree: WriteTree, glossary: str, english: str, korean: str) -> Path:
    """A site whose one paper's summary is ``english`` and ``korean`` (JSON strings are YAML)."""
    digest = (
        "kind: weekly\nperiod: {start: 2025-03-17, end: 2025-03-23}\n"
        'title: {ko: "이번 주", en: "This week"}\npapers:\n'
        '  - title: {ko: "논문", en: "A paper"}\n'
        f"    summary: {{ko: {json.dumps(korean)}, en: {json.dumps(english)}}}\n"
    )
    return write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "glossary.yaml": glossary,
            "digests/weekly/2025-03-17.yaml": digest,
        }
    )


def summary_marks(site: Path, out: Path, lang: str) -> list[str]:
    """The words marked as terms in the paper's summary in ``lang``, read by html5lib."""
    build(site, out, search=False)
    html = (out / "weekly" / "2025-03-17" / "index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html5lib")
    summary = page.select_one(f"article.paper .field-summary div[lang={lang}]")
    return [" ".join(a.get_text().split()) for a in summary.select("abbr.term")]


RL_GLOSSARY = "terms:\n  - en: reinforcement learning\n    ko: [강화 학습]\n"


def test_spaces_around_a_glossarys_forms_are_no_part_of_them(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """As YAML keeps them in quotes: a term is its words, for check, the marks and their
    titles."""
    glossary = (
        'terms:\n  - en: " transformer "\n    also: ["attention model "]\n'
        '    ko: ["트랜스포머 ", " 변환기"]\n    wrong: [" 변압기"]\n'
    )
    site = one_paper_site(
        write_tree,
        glossary,
        "Transformers and an attention model, a transformer.",
        "트랜스포머와 변압기.",
    )

    warned = [f.problem for f in check_site(site).findings if f.rule == "glossary"]
    english = summary_marks(site, tmp_path / "out", "en")
    page = soup(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html")
    titles = {a.get_text(): a["title"] for a in page.select("article.paper .field-summary abbr")}

    assert [p.message for p in warned] == [
        "'변압기' is a wrong rendering of 'transformer' (glossary.yaml): write '트랜스포머', '변환기'"
    ]
    assert english == ["Transformers", "attention model", "transformer"]
    assert titles == {
        "Transformers": "트랜스포머 / 변환기",
        "attention model": "트랜스포머 / 변환기",
        "transformer": "트랜스포머 / 변환기",
        "트랜스포머": "transformer",
    }


@pytest.mark.parametrize(
    ("english", "term"),
    [
        ("We use reinforcement\nlearning.", True),  # a wrapped paragraph: the reader sees it
        ("We use reinforcement \n   learning.", True),  # spaces around the break
        ("We use reinforcement  \nlearning.", True),  # a hard break
        ("We use reinforcement\\\nlearning.", True),  # a hard break by backslash
        ("We use reinforcement  learning.", True),  # two spaces show as one
        ("> We use reinforcement\n> learning.", True),  # a quote's lines are one paragraph
        ("We use **reinforcement learning**.", True),
        ("We use reinforcement\n\nlearning.", False),  # two paragraphs
        ("# We use reinforcement\nlearning.", False),  # a heading, then a paragraph
        ("We use *reinforcement* learning.", False),  # emphasis ends the words' run
        ("We use *reinforcement* learning, see [this](https://example.org/).", False),
        ("We use `reinforcement`\nlearning.", False),
    ],
)
def test_check_counts_a_term_exactly_where_the_page_marks_it(
    write_tree: WriteTree, tmp_path: Path, english: str, term: bool
) -> None:
    """One definition of an occurrence: check asks for the Korean rendering of the terms the
    page marks in the English text, and of no other."""
    site = one_paper_site(write_tree, RL_GLOSSARY, english, "다른 방법을 씁니다.")

    warned = [f.problem.field for f in check_site(site).findings if f.rule == "glossary"]
    marks = summary_marks(site, tmp_path / "out", "en")

    assert marks == (["reinforcement learning"] if term else [])
    assert warned == (["papers[0].summary.ko"] if term else [])


@pytest.mark.parametrize("english", ["We use state--of--the--art models.", "A SOTA model."])
def test_a_form_with_doubled_hyphens_matches_as_written(
    write_tree: WriteTree, tmp_path: Path, english: str
) -> None:
    """A form matches itself: ``state--of--the--art`` (hyphens doubled, as some write a dash)
    is the term, as ``english_identity`` already takes it for ``state-of-the-art``."""
    glossary = "terms:\n  - en: state--of--the--art\n    also: [SOTA]\n    ko: [최신]\n"
    site = one_paper_site(write_tree, glossary, english, "다른 방법을 씁니다.")

    warned = [f.problem.field for f in check_site(site).findings if f.rule == "glossary"]
    marks = summary_marks(site, tmp_path / "out", "en")

    assert warned == ["papers[0].summary.ko"]
    assert marks == [english.split()[-2] if "SOTA" in english else "state--of--the--art"]


def test_a_wrapped_korean_rendering_is_found_by_check_and_marked_on_the_page(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    site = one_paper_site(
        write_tree, RL_GLOSSARY, "We use reinforcement learning.", "강화\n학습을 씁니다."
    )

    warned = [f for f in check_site(site).findings if f.rule == "glossary"]

    assert warned == []
    assert summary_marks(site, tmp_path / "out", "ko") == ["강화 학습"]


PUNCTUATED_GLOSSARY = """\
terms:
  - en: C
    ko: [C 언어]
  - en: C++
    ko: [C++]
  - en: GPT-4
    ko: [GPT-4]
  - en: GPT-4o
    ko: [GPT-4o]
"""


@pytest.mark.parametrize(
    ("english", "korean", "marked"),
    [
        ("Written in C++.", "C++로 작성했습니다.", ["C++"]),
        ("Compared with GPT-4o.", "GPT-4o와 비교합니다.", ["GPT-4o"]),
        ("Compared with GPT 4o and C.", "GPT-4o와 C 언어로 비교합니다.", ["GPT 4o", "C"]),
    ],
)
def test_a_term_inside_a_longer_one_is_neither_marked_nor_asked_for(
    write_tree: WriteTree, tmp_path: Path, english: str, korean: str, marked: list[str]
) -> None:
    """ "C++" is not also "C": the page marks the longer term only, and check does not ask for
    the Korean of the shorter one (nor is "GPT-4o" taken for "GPT-4")."""
    site = one_paper_site(write_tree, PUNCTUATED_GLOSSARY, english, korean)

    warned = [f.problem.message for f in check_site(site).findings if f.rule == "glossary"]

    assert warned == []
    assert summary_marks(site, tmp_path / "out", "en") == marked


LATIN_RENDERING_GLOSSARY = "terms:\n  - en: reinforcement learning\n    ko: [강화 학습, RL]\n"


@pytest.mark.parametrize(
    ("korean", "marked", "warned"),
    [
        # "RL" was found inside "URL" and "RLHF": marked there, and taken for the rendering.
        ("URL과 RLHF를 비교합니다.", [], True),
        ("RL과 RLs를 비교합니다.", ["RL", "RLs"], False),  # a particle, a plural: still the term
        ("딥RL 기법", ["RL"], False),  # Hangul before it is no word of its script
    ],
)
def test_a_latin_rendering_is_not_found_inside_a_latin_word(
    write_tree: WriteTree, tmp_path: Path, korean: str, marked: list[str], warned: bool
) -> None:
    site = one_paper_site(
        write_tree, LATIN_RENDERING_GLOSSARY, "We compare reinforcement learning.", korean
    )

    found = [f.problem.field for f in check_site(site).findings if f.rule == "glossary"]

    assert found == (["papers[0].summary.ko"] if warned else [])
    build(site, tmp_path / "out", search=False)
    page = lxml.html.parse(str(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html"))
    marks = page.xpath("//article//*[contains(@class, 'field-summary')]/div[@lang='ko']//abbr")
    assert [mark.text_content() for mark in marks] == marked


@pytest.mark.parametrize(
    ("korean", "warned"),
    [
        ("딥 러닝과 학습을 씁니다.", []),  # '학습' is "learning"'s, marked as it on the page
        # Still a warning, and the one the page shows: '학습' is marked as "learning".
        (
            "학습을 씁니다.",
            ["the English text says 'deep learning', the Korean text has none of '딥 러닝'"],
        ),
    ],
)
def test_a_wrong_rendering_that_is_another_terms_rendering_counts_only_alone(
    write_tree: WriteTree, tmp_path: Path, korean: str, warned: list[str]
) -> None:
    glossary = (
        "terms:\n  - en: learning\n    ko: [학습]\n"
        "  - en: deep learning\n    ko: [딥 러닝]\n    wrong: [학습]\n"
    )
    site = one_paper_site(write_tree, glossary, "We use deep learning and learning.", korean)

    found = [f.problem.message for f in check_site(site).findings if f.rule == "glossary"]

    assert [m.split(" (")[0] for m in found] == warned
    assert "학습" in summary_marks(site, tmp_path / "out", "ko")


# --- pages ----------------------------------------------------------------------------------------


def test_terms_in_texts_are_marked_with_their_translation(site: Path, tmp_path: Path) -> None:
    build(site, tmp_path / "out", search=False)
    page = soup(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html")

    marks = [(a.get_text(), a["title"], a.find_parent(attrs={"lang": True})["lang"])
             for a in page.select("article.paper abbr.term")]  # fmt: skip

    assert ("hallucination", "환각", "en") in marks
    assert ("fine tuning", "미세 조정 / 파인튜닝", "en") in marks
    assert ("미세조정", "fine-tuning", "ko") in marks
    assert ("환각", "hallucination", "ko") in marks
    # Not inside a link or code: those stay as written.
    assert page.select("a abbr, code abbr") == []
    assert all(a["tabindex"] == "0" for a in page.select("abbr.term"))


def test_a_site_in_regional_codes_is_checked_and_marked_by_their_language(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """``[ko-KR, en-US]``: the glossary goes by the primary subtag, as the interface words do;
    it marked nothing and check said nothing, silently."""
    regional = {"ko:": "ko-KR:", "en:": "en-US:"}
    site = write_tree(
        {
            "papersite.yaml": _replaced(SITE_CONFIG, regional).replace(
                "[ko, en]", "[ko-KR, en-US]"
            ),
            # the terms' own ``ko`` is the glossary's key, not a language code of the site
            "glossary.yaml": GLOSSARY.replace(
                '{ko: "그럴듯한 거짓", en:', '{ko-KR: "그럴듯한 거짓", en-US:'
            ),
            "digests/weekly/2025-03-17.yaml": _replaced(DIGEST, regional),
        }
    )

    findings = [f for f in check_site(site).findings if f.rule == "glossary"]
    build(site, tmp_path / "out", search=False)

    assert [(f.problem.line, f.problem.field) for f in findings] == [
        (line_of(DIGEST, "쇄도를"), "papers[0].summary.ko-KR"),
        (line_of(DIGEST, "다시 학습"), "papers[1].summary.ko-KR"),
    ]
    page = soup(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html")
    marks = [(a.get_text(), a["title"], a.find_parent(attrs={"lang": True})["lang"])
             for a in page.select("article.paper abbr.term")]  # fmt: skip
    assert ("hallucination", "환각", "en-US") in marks
    assert ("환각", "hallucination", "ko-KR") in marks


def _replaced(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        text = text.replace(f"  {old}", f"  {new}").replace(f"{{{old}", f"{{{new}")
        text = text.replace(f", {old}", f", {new}")
    return text


@pytest.mark.parametrize("order", ["model first", "reward model first"])
def test_of_two_terms_over_the_same_words_the_longer_is_marked(
    write_tree: WriteTree, tmp_path: Path, order: str
) -> None:
    """Whatever the glossary's order: "model" listed first took "reward model"'s words."""
    terms = ["  - en: model\n    ko: [모델]\n", "  - en: reward model\n    ko: [보상 모델]\n"]
    if order != "model first":
        terms.reverse()
    digest = DIGEST.replace("The model reduces hallucination.", "We propose a reward model.")
    digest = digest.replace("이 모델은 쇄도를 줄입니다.", "보상 모델을 제안합니다.")
    source = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "glossary.yaml": "terms:\n" + "".join(terms),
            "digests/weekly/2025-03-17.yaml": digest,
        }
    )
    build(source, tmp_path / "out", search=False)
    page = soup(tmp_path / "out" / "weekly" / "2025-03-17" / "index.html")

    summary = page.select_one("article.paper .field-summary")
    marks = [(a.get_text(), a["title"]) for a in summary.select("abbr.term")]
    assert marks == [("보상 모델", "reward model"), ("reward model", "보상 모델")]


def test_the_glossary_page_lists_every_term_in_each_edition(site: Path, tmp_path: Path) -> None:
    build(site, tmp_path / "out", search=False)

    for edition, languages in [("", ["ko", "en"]), ("ko/", ["ko"]), ("en/", ["en"])]:
        page = soup(tmp_path / "out" / edition / "glossary" / "index.html")
        terms = {
            term.select_one("dfn").get_text(): term.select_one("dd span[lang=ko]").get_text()
            for term in page.select(".glossary-term")
        }
        assert terms == {"fine-tuning": "미세 조정, 파인튜닝", "hallucination": "환각"}
        assert page.select_one("#term-hallucination s").get_text() == "쇄도"
        assert [p["lang"] for p in page.select("main > p.bi")] == languages
        assert page.select_one("nav a[href$='glossary/']") is not None
    sitemap = (tmp_path / "out" / "sitemap.xml").read_text(encoding="utf-8")
    assert "/glossary/</loc>" in sitemap


def test_terms_whose_slugs_are_the_same_have_anchors_of_their_own(
    site: Path, tmp_path: Path
) -> None:
    terms = "".join(f"  - en: {name!r}\n    ko: [{name!r}]\n" for name in ["C", "C++", "C#", "++"])
    (site / "glossary.yaml").write_text(GLOSSARY + terms, encoding="utf-8")
    build(site, tmp_path / "out", search=False)

    page = soup(tmp_path / "out" / "glossary" / "index.html")
    ids = [element["id"] for element in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), ids
    anchors = {t.select_one("dfn").get_text(): t["id"] for t in page.select(".glossary-term")}
    assert [anchors[name] for name in ["++", "C", "C#", "C++"]] == [
        "term-symbol", "term-c", "term-c-2", "term-c-3",
    ]  # fmt: skip


def test_the_glossary_page_sorts_whatever_the_case_accents_and_file_order(
    site: Path, tmp_path: Path
) -> None:
    names = ["Zeta", "élan", "Elan", "alpha", "각", "가나"]
    listed = []
    for order in (names, names[::-1]):
        terms = "".join(f"  - en: {name}\n    ko: [{name}]\n" for name in order)
        (site / "glossary.yaml").write_text(f"terms:\n{terms}", encoding="utf-8")
        build(site, tmp_path / "out", search=False)
        listed.append((tmp_path / "out" / "glossary" / "index.html").read_bytes())

    page = BeautifulSoup(listed[0], "html.parser")
    assert [dfn.get_text() for dfn in page.select(".glossary-term dfn")] == [
        "alpha", "Elan", "élan", "Zeta", "가나", "각",
    ]  # fmt: skip
    assert listed[0] == listed[1]


def test_a_glossary_edit_rebuilds_like_a_cold_build(site: Path, tmp_path: Path) -> None:
    build(site, tmp_path / "out", search=False)
    glossary = site / "glossary.yaml"
    glossary.write_text(GLOSSARY.replace("[미세 조정, 파인튜닝]", "[파인튜닝]"), encoding="utf-8")

    report = build(site, tmp_path / "out", search=False)
    build(site, tmp_path / "cold", search=False)

    files = {
        p.relative_to(tmp_path / "out"): p.read_bytes()
        for p in (tmp_path / "out").rglob("*")
        if p.is_file()
    }
    cold = {
        p.relative_to(tmp_path / "cold"): p.read_bytes()
        for p in (tmp_path / "cold").rglob("*")
        if p.is_file()
    }
    assert files == cold
    assert "weekly/2025-03-17/index.html" in report.written


def test_focusing_a_term_shows_its_translation(browser: webdriver.Chrome, served_site: str) -> None:
    """In Chromium: the example site's terms show their translation on focus, by CSS alone."""
    browser.get(served_site + "weekly/2025-03-17/")
    term = browser.find_element(By.CSS_SELECTOR, "article.paper [lang=en] abbr.term")
    before = browser.execute_script(
        "return getComputedStyle(arguments[0], '::after').content", term
    )

    browser.execute_script("arguments[0].focus()", term)

    after = browser.execute_script("return getComputedStyle(arguments[0], '::after').content", term)
    assert before in ("none", "normal")
    assert after == '" (" attr(title) ")"' or term.get_attribute("title") in after
