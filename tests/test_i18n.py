"""A site language without interface words of its own (``ja``) gets the English ones, marked as
English wherever they are shown (WCAG 3.1.2, language of parts), while the elements the language
switch shows and hides keep the language of their page."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

from conftest import DAPO_RECORD, SITE_CONFIG, WriteTree, lockfile_text
from papersite import build
from papersite.export import export_digest
from papersite.i18n import AWARDS, LINK_KINDS, UI, format_date, format_month, right_to_left, ui


def weekly(text: Callable[..., dict[str, str]]) -> dict[str, Any]:
    """A weekly digest whose texts ``text`` makes from their words in each language."""
    return {
        "kind": "weekly",
        "period": {"start": "2025-03-17", "end": "2025-03-23"},
        "title": text(ko="이번 주", en="This week", ja="今週"),
        "overview": text(en="Trends.", ja="傾向。"),
        "aliases": ["posts/old-week"],
        "papers": [
            {
                "title": text(en="DAPO: An Open-Source LLM RL System at Scale", ja="DAPO"),
                "arxiv": "2503.14476",
                "authors": ["A One", "B Two", "C Three", "D Four", "E Five", "F Six", "G Seven"],
                "summary": text(ko="한국어 소개", en="English introduction"),
                "links": [{"kind": "code", "url": "https://github.com/BytedTsinghua-SIA/DAPO"}],
            }
        ],
    }


def conference(text: Callable[..., dict[str, str]]) -> dict[str, Any]:
    """A conference digest with two known awards."""
    return {
        "kind": "conference",
        "conference": {"name": "NeurIPS", "year": 2025},
        "date": "2025-12-02",
        "title": text(ko="학회", en="The conference", ja="学会"),
        "papers": [
            {
                "title": text(en="A best paper", ja="最優秀論文"),
                "award": "best-paper",
                "links": [{"kind": "project", "url": "https://example.org/project"}],
            },
            {"title": text(en="An oral", ko="구두"), "award": "oral"},
        ],
    }


def english_words() -> set[str]:
    """Every English interface word, award and link kind that is not also the Korean one, and
    the dates the sites below show, as English writes them."""
    words = {word for key, word in UI["en"].items() if word != UI["ko"][key] and "{" not in word}
    for table in (AWARDS, LINK_KINDS):
        words |= {names["en"] for names in table.values() if names["en"] != names["ko"]}
    days = [dt.date(2025, 3, 18), dt.date(2025, 12, 2)]
    words |= {format_date(day, "en") for day in days}
    words |= {format_month(day.year, day.month, "en") for day in days}
    words |= {ui("en")["more_authors"].format(count=3), ui("en")["paper_count"].format(count=2)}
    return words


ENGLISH = english_words()


def language_of(node: Tag | NavigableString) -> str | None:
    """The language a text or element is in: its own ``lang``, or its nearest ancestor's."""
    element = node if isinstance(node, Tag) else node.parent
    while element is not None:
        if element.has_attr("lang"):
            return str(element["lang"])
        element = element.parent
    return None


def english_not_marked_english(page: BeautifulSoup) -> list[tuple[str, str | None]]:
    """The English interface words of a page whose language is not English."""
    found = []
    for string in page.find_all(string=True):
        if string.parent.name in ("script", "style", "title"):
            continue
        text = " ".join(string.split())
        if text in ENGLISH and language_of(string) != "en":
            found.append((text, language_of(string)))
    return found


def built(write_tree: WriteTree, tmp_path: Path, languages: list[str]) -> Path:
    """A site in ``languages`` with a weekly and a conference digest, written in them alone (a
    text in none of them in the site's first), built; its output."""

    def text(**words: str) -> dict[str, str]:
        written = {lang: words[lang] for lang in languages if lang in words}
        return written or {languages[0]: next(iter(words.values()))}

    site = write_tree(
        {
            "papersite.yaml": SITE_CONFIG.replace(
                "languages: [ko, en]", f"languages: {json.dumps(languages)}"
            ).replace('{ko: "테스트 사이트", en: "Test site"}', '"Test site"'),
            "digests/weekly/2025-03-17.yaml": json.dumps(weekly(text), ensure_ascii=False),
            "digests/conferences/neurips-2025.yaml": json.dumps(
                conference(text), ensure_ascii=False
            ),
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    out = tmp_path / "out"
    build(site, out)
    return out


def pages(out: Path) -> dict[str, BeautifulSoup]:
    return {
        path.relative_to(out).as_posix(): BeautifulSoup(path.read_bytes(), "html5lib")
        for path in sorted(out.rglob("*.html"))
    }


SITES = [["ko", "en", "ja"], ["en", "ja"], ["ja"]]


@pytest.mark.parametrize("languages", SITES)
def test_english_words_on_a_japanese_page_are_marked_english(
    write_tree: WriteTree, tmp_path: Path, languages: list[str]
) -> None:
    """Labels, awards, link kinds, dates, counts, the missing-translation note, the archive's
    months and the search page's notes: none is called Japanese, on any page."""
    out = built(write_tree, tmp_path, languages)
    wrong = {
        page: found
        for page, document in pages(out).items()
        if (found := english_not_marked_english(document))
    }
    assert wrong == {}
    japanese = BeautifulSoup((out / "weekly/2025-03-17/index.html").read_bytes(), "html5lib")
    assert japanese.find(string="今週") and language_of(japanese.find(string="今週")) == "ja"


def shown_for(element: Tag, lang: str) -> list[str]:
    """The texts of the ``.bi`` elements in ``element`` that the language switch shows when
    ``lang`` is chosen (``base.html``'s style): those in ``lang``, and those that fill in for it."""
    return [
        part.get_text()
        for part in element.select(".bi[lang]")
        if part["lang"] == lang or lang in part.get("data-fills", "").split()
    ]


def test_the_switch_still_finds_each_languages_label(write_tree: WriteTree, tmp_path: Path) -> None:
    """The words are marked inside the element the language switch shows for Japanese, which
    keeps its ``lang="ja"``: a page shown in Japanese has its labels, in English. Where they are
    the English element's words, that element is the one shown for Japanese too."""
    out = built(write_tree, tmp_path, ["ko", "en", "ja"])
    page = BeautifulSoup((out / "conferences/neurips-2025/index.html").read_bytes(), "html5lib")
    nav = page.select('.site-nav .bi:is([lang="ja"], [data-fills~="ja"])')
    assert [element.get_text() for element in nav][:2] == ["Weekly", "Conferences"]
    assert all(language_of(element.find(string=True)) == "en" for element in nav)
    award = page.select_one(".award-best-paper")
    assert {lang: shown_for(award, lang) for lang in ["ko", "en", "ja"]} == {
        "ko": ["최우수 논문상"],
        "en": ["Best Paper"],
        "ja": ["Best Paper"],
    }
    weekly = BeautifulSoup((out / "weekly/2025-03-17/index.html").read_bytes(), "html5lib")
    copy = weekly.select_one('.copy-button .bi[data-fills~="ja"]')
    assert copy is not None and copy["data-done"] == "Copied"
    assert language_of(copy.find(string="Copy")) == "en"


def test_a_label_the_same_in_every_language_is_marked_with_the_one_it_is_in(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """On a site in ``[en, ja]`` an award's name is English in both: shown once, marked English
    (the Japanese page would otherwise call it Japanese); a link's own label is the editor's,
    and stays unmarked."""
    out = built(write_tree, tmp_path, ["en", "ja"])
    page = BeautifulSoup((out / "ja/conferences/neurips-2025/index.html").read_bytes(), "html5lib")
    award = page.select_one(".award-best-paper")
    assert award.get_text() == "Best Paper"
    assert language_of(award.find(string="Best Paper")) == "en"


def test_words_shown_for_several_languages_at_once_are_each_shown_once(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Where the languages' words stand side by side with no element of their own (a search
    box's placeholder, the switch's "all languages"), English words serve English and Japanese
    once: not "Search papers / Search papers". The switch's page in every language is "All" of
    three languages, not "Both"."""
    out = built(write_tree, tmp_path, ["ko", "en", "ja"])
    page = BeautifulSoup((out / "index.html").read_bytes(), "html5lib")
    assert page.select_one("#search-box-q")["placeholder"] == "논문 검색 / Search papers"
    every = page.select_one('.lang-switch a[data-show="all"]')
    assert [(str(s["lang"]), s.get_text()) for s in every.select("span")] == [
        ("ko", "모두"),
        ("en", "All"),
    ]


def test_the_switch_calls_the_page_in_two_languages_both(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Of two languages, the page showing every language is "Both", in each one's words."""
    out = built(write_tree, tmp_path, ["ko", "en"])
    page = lxml.html.fromstring((out / "en/index.html").read_bytes())
    [every] = page.xpath('//nav[@class="lang-switch"]//a[@data-show="all"]')
    assert [(s.get("lang"), s.text_content()) for s in every.xpath("span")] == [
        ("ko", "모두"),
        ("en", "Both"),
    ]


def shown_twice(page: BeautifulSoup) -> list[str]:
    """The texts of a page shown for one language and, the same, for the next beside it."""
    twice = []
    for element in page.select(".bi[lang]"):
        after = element.find_next_sibling()
        if (
            after is not None
            and "bi" in after.get("class", [])
            and after.get("lang") not in (None, element["lang"])
            and after.get_text() == element.get_text()
        ):
            twice.append(element.get_text())
    return twice


def test_interface_words_the_same_in_every_language_are_shown_once(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """On a site in ``[en, ja]`` the interface words (labels, dates, counts, months, notes) are
    English in both: a page in both languages shows them once, not "Weekly · Weekly", in an
    element of no language of its own (the switch shows it for either), marked English."""
    out = built(write_tree, tmp_path, ["en", "ja"])

    twice = {
        page: found for page, document in pages(out).items() if (found := shown_twice(document))
    }
    assert twice == {}
    page = BeautifulSoup((out / "weekly/2025-03-17/index.html").read_bytes(), "html5lib")
    weekly = page.select_one('.site-nav a[href$="weekly/"]')
    assert weekly is not None and weekly.get_text() == "Weekly"
    assert [element.get("lang") for element in weekly.select(".bi")] == [None]
    assert language_of(weekly.find(string="Weekly")) == "en"
    copy = page.select(".copy-button .bi")
    assert [(c.get("lang"), c["data-done"], c.get_text()) for c in copy] == [
        (None, "Copied", "Copy")
    ]
    missing = BeautifulSoup((out / "404.html").read_bytes(), "html5lib").select("main p.bi")
    assert len(missing) == 1 and language_of(missing[0].find(string=True)) == "en"


def test_words_english_and_japanese_share_are_shown_once_for_both(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """On a site in ``[ko, en, ja]`` the Japanese interface words are the English ones: the page
    in every language shows them once (``주간 논문 · Weekly``, not ``… · Weekly · Weekly``), in
    the English element, which the switch also shows for Japanese; so are award and link names
    and the note of a translation missing in both."""
    out = built(write_tree, tmp_path, ["ko", "en", "ja"])
    korean_only = {**weekly(lambda **words: {"ko": words.get("ko", "한국어만")}), "aliases": []}
    korean_only["period"] = {"start": "2025-03-24", "end": "2025-03-30"}
    week = out.parent / "site/digests/weekly/2025-03-24.yaml"
    week.write_text(json.dumps(korean_only, ensure_ascii=False), encoding="utf-8")
    build(out.parent / "site", out)
    twice = {
        page: found for page, document in pages(out).items() if (found := shown_twice(document))
    }
    assert twice == {}
    overview = BeautifulSoup((out / "weekly/2025-03-24/index.html").read_bytes(), "html5lib")
    missing = overview.select(".overview .missing")
    assert [(part["lang"], part.get("data-fills")) for part in missing] == [("en", "ja")]
    page = BeautifulSoup((out / "conferences/neurips-2025/index.html").read_bytes(), "html5lib")
    nav = page.select_one('.site-nav a[href$="weekly/"]')
    assert {lang: shown_for(nav, lang) for lang in ["ko", "en", "ja"]} == {
        "ko": ["주간 논문"],
        "en": ["Weekly"],
        "ja": ["Weekly"],
    }
    project = page.select_one(".link-project")
    assert shown_for(project, "ja") == shown_for(project, "en") == ["Project"]


def test_a_redirects_title_keeps_its_language_in_english_words(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    out = built(write_tree, tmp_path, ["ko", "en", "ja"])
    page = BeautifulSoup((out / "posts/old-week/index.html").read_bytes(), "html5lib")
    title = page.find(string="今週")
    assert language_of(title) == "ja"
    assert language_of(title.parent.parent) == "en"  # "This page has moved: …"


def test_the_newsletter_marks_english_words_english(write_tree: WriteTree, tmp_path: Path) -> None:
    """In a newsletter of a site in ``[ko, ja]``: each wording once, in its language."""
    site = built(write_tree, tmp_path, ["ko", "ja"]).parent / "site"
    exported = export_digest(site, "digests/weekly/2025-03-17.yaml", "newsletter")
    message = email.message_from_bytes(exported.content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    html = message.get_body(("html",))
    assert html is not None
    page = BeautifulSoup(html.get_content(), "html5lib")
    assert english_not_marked_english(page) == []
    link = page.find(string="Paper page")
    assert link is not None and language_of(link) == "en"


def test_a_regional_code_has_the_words_of_its_language() -> None:
    """``ko-KR`` is Korean: its words are the Korean ones, and they need no other mark."""
    assert ui("ko-KR")["home"] == "홈"
    assert format_date(dt.date(2025, 3, 17), "ko-KR") == "2025년 3월 17일"


RIGHT_TO_LEFT_SITE = """\
title: {LANG: "أوراق الأسبوع", en: "Papers of the week"}
base_url: "https://example.org/papers/"
languages: [LANG, en]
"""

RIGHT_TO_LEFT_WEEKLY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {LANG: "أوراق هذا الأسبوع", en: "This week"}
overview: {LANG: "نظرة عامة."}
papers:
  - title: {LANG: "دابو", en: "DAPO"}
    arxiv: "2503.14476"
    summary: {en: "An English introduction."}
    abstract: {LANG: "ملخص عربي."}
"""


def right_to_left_site(write_tree: WriteTree, tmp_path: Path, language: str) -> Path:
    """A site in ``[language, en]`` (``language`` written right to left), built; its output."""
    site = write_tree(
        {
            "papersite.yaml": RIGHT_TO_LEFT_SITE.replace("LANG", language),
            "digests/weekly/2025-03-17.yaml": RIGHT_TO_LEFT_WEEKLY.replace("LANG", language),
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )
    out = tmp_path / "out"
    build(site, out)
    return out


def directions(page: lxml.html.HtmlElement, lang: str) -> set[str | None]:
    """The ``dir`` of every element of ``page`` in ``lang`` (its ``<html>`` left out)."""
    return {element.get("dir") for element in page.xpath(f"//body//*[@lang='{lang}']")}


@pytest.mark.parametrize("language", ["ar", "he"])
def test_a_right_to_left_language_is_written_right_to_left(
    write_tree: WriteTree, tmp_path: Path, language: str
) -> None:
    """Every element in Arabic or Hebrew says ``dir="rtl"``; the page in that language alone is
    right to left as a whole, and what it shows in English (interface words, a text with no
    translation) says ``dir="ltr"``. A page in several languages keeps its layout left to right,
    as does the English one, where an untranslated Arabic text is right to left."""
    out = right_to_left_site(write_tree, tmp_path, language)
    for page in ["weekly/2025-03-17/index.html", "papers/2503.14476/index.html", "index.html"]:
        both = lxml.html.parse(out / page).getroot()
        assert both.get("dir") is None, page
        assert directions(both, language) == {"rtl"}, page
        assert directions(both, "en") <= {None, "ltr"}, page

        alone = lxml.html.parse(out / language / page).getroot()
        assert (alone.get("lang"), alone.get("dir")) == (language, "rtl"), page
        assert directions(alone, language) == {"rtl"}, page
        assert directions(alone, "en") == {"ltr"}, page

        english = lxml.html.parse(out / "en" / page).getroot()
        assert english.get("dir") is None, page
        assert directions(english, language) <= {"rtl"}, page

    alone = lxml.html.parse(out / language / "weekly/2025-03-17/index.html").getroot()
    [fallback] = alone.xpath("//*[contains(@class, 'fallback')]")
    assert (fallback.get("lang"), fallback.get("dir")) == ("en", "ltr")
    assert fallback.text_content().strip() == "An English introduction."
    english = lxml.html.parse(out / "en/weekly/2025-03-17/index.html").getroot()
    [fallback] = english.xpath("//*[contains(@class, 'fallback')]")
    assert (fallback.get("lang"), fallback.get("dir")) == (language, "rtl")
    switch = alone.xpath(f"//nav//a[@data-show='{language}']")
    assert [link.get("dir") for link in switch] == ["rtl"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ar", True), ("he", True), ("fa-IR", True), ("ur", True), ("pa-Arab", True),
     ("ar-Latn", False), ("ks-Deva", False), ("ko", False), ("en", False), ("ja", False)],
)  # fmt: skip
def test_a_language_is_right_to_left_by_its_script(code: str, expected: bool) -> None:
    assert right_to_left(code) is expected


def test_a_text_missing_in_a_third_language_is_shown_in_english_before_the_default(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """On a site in ``[ko, en, ja]``, a text written in Korean and English but not Japanese
    stands in English for Japanese (the language an ML reader reads after their own), on the
    Japanese page, on the page in every language and in the Japanese feed: it stood in Korean,
    the site's first language, which a Japanese reader is the least likely to read."""
    out = built(write_tree, tmp_path, ["ko", "en", "ja"])

    alone = BeautifulSoup((out / "ja/weekly/2025-03-17/index.html").read_bytes(), "html5lib")
    stand_in = alone.select_one(".field-summary .fallback")
    assert (stand_in["lang"], stand_in.get_text().strip()) == ("en", "English introduction")
    every = BeautifulSoup((out / "weekly/2025-03-17/index.html").read_bytes(), "html5lib")
    shown = shown_for(every.select_one(".field-summary"), "ja")
    assert [text.strip() for text in shown] == [
        "Introduction",
        "English introduction",
        "Translation missing",
    ]
    feed = lxml.etree.parse(str(out / "ja/conferences/feed.xml"))
    items = lxml.html.fragment_fromstring(feed.findtext(".//{*}entry/{*}summary"))
    oral = next(item for item in items.iter("li") if item.get("lang"))
    assert (oral.get("lang"), oral.text) == ("en", "An oral")
