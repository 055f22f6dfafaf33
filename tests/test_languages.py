"""Sites in other languages than Korean and English: one language, three, Japanese, Arabic
(written right to left). What their editors write, and what the commands give them back."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from pathlib import Path

import pytest
from lxml import html

from conftest import WriteTree, validate
from papersite import build
from papersite.export import export_digest
from papersite.new import new_conference, new_weekly

# A digest as the editor of a site in `languages` writes it: texts in those languages only, a
# plain string, a translation missing.
ARABIC_WEEKLY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ar: "أوراق الأسبوع", en: "Papers of the week"}
overview: {ar: "تتناول هذه الورقة آلية الانتباه."}
papers:
  - title: {ar: "الانتباه المبوب", en: "Gated Attention"}
    authors: ["محمد علي", "Jane Doe"]
    summary: {ar: "ملخص الورقة.", en: "The paper's summary."}
  - title: "Attention Sinks"
    summary: "A plain string, the same in every language."
"""


def site_in(write_tree: WriteTree, languages: list[str], digest: str) -> Path:
    """A site in ``languages`` with one weekly digest."""
    titles = ", ".join(f'{lang}: "Site {lang}"' for lang in languages)
    return write_tree(
        {
            "papersite.yaml": f"""\
                title: {{{titles}}}
                base_url: "https://example.org/papers/"
                languages: [{", ".join(languages)}]
                """,
            "digests/weekly/2025-03-17.yaml": digest,
        }
    )


def newsletter_html(site: Path) -> html.HtmlElement:
    """The HTML part of the weekly digest's newsletter, parsed."""
    exported = export_digest(site, "digests/weekly/2025-03-17.yaml", "newsletter")
    message = email.message_from_bytes(exported.content, policy=email.policy.default)
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return html.document_fromstring(part.get_content())  # type: ignore[attr-defined]


def test_newsletter_of_a_right_to_left_language_marks_its_direction(
    write_tree: WriteTree,
) -> None:
    """In a message in Arabic and English, every Arabic element is right to left (the message
    is laid out left to right, as a page in several languages is), and a plain string or a
    name takes its direction from its own letters."""
    document = newsletter_html(site_in(write_tree, ["ar", "en"], ARABIC_WEEKLY))
    assert document.get("dir") is None
    arabic = document.xpath("//body//*[@lang='ar']")
    assert len(arabic) >= 6  # site and digest titles, overview, paper title and summary
    assert [element.get("dir") for element in arabic] == ["rtl"] * len(arabic)
    shared = document.xpath("//*[contains(., 'Attention Sinks') and not(*)]")
    assert [element.get("dir") for element in shared] == ["auto"]
    authors = document.xpath("//p[contains(., 'محمد علي')]")
    assert [element.get("dir") for element in authors] == ["auto"]


def test_newsletter_of_a_one_language_right_to_left_site_is_right_to_left(
    write_tree: WriteTree,
) -> None:
    """A message all in Arabic is right to left as a whole; the English interface words it
    shows (Arabic has none of its own here) say they are English, left to right."""
    digest = ARABIC_WEEKLY.replace(', en: "Papers of the week"', "").replace(
        ', en: "Gated Attention"', ""
    )
    digest = digest.replace(', en: "The paper\'s summary."', "")
    document = newsletter_html(site_in(write_tree, ["ar"], digest))
    assert (document.get("lang"), document.get("dir")) == ("ar", "rtl")
    english = document.xpath("//body//*[@lang='en']")
    assert english, "the interface words are English, and marked so"
    assert {element.get("dir") for element in english} == {"ltr"}


@pytest.mark.parametrize("languages", [["ko", "en"], ["ja", "en"]])
def test_newsletter_of_left_to_right_languages_has_no_direction(
    write_tree: WriteTree, languages: list[str]
) -> None:
    """Nothing changes for languages written left to right: no ``dir`` but on plain strings
    and names."""
    first = languages[0]
    digest = ARABIC_WEEKLY.replace("ar:", f"{first}:")
    document = newsletter_html(site_in(write_tree, languages, digest))
    directions = {element.get("dir") for element in document.xpath("//*[@dir]")}
    assert directions == {"auto"}


def site_config(write_tree: WriteTree, languages: list[str]) -> Path:
    """A site in ``languages`` with no digest yet, its title a plain string."""
    return write_tree(
        {
            "papersite.yaml": f"""\
                title: "Site"
                base_url: "https://example.org/papers/"
                languages: [{", ".join(languages)}]
                """
        }
    )


def h1_languages(page: Path) -> list[tuple[str | None, str | None, str]]:
    """Each element of a page's main heading holding text: its lang, dir and text."""
    heading = html.parse(str(page)).find(".//main//h1")
    return [
        (element.get("lang"), element.get("dir"), element.text.strip())
        for element in heading.iter()
        if element.text and element.text.strip()
    ]


@pytest.mark.parametrize("fmt", ["yaml", "md"])
def test_new_leaves_a_language_without_words_of_its_own_to_translate(
    write_tree: WriteTree, tmp_path: Path, fmt: str
) -> None:
    """On a site in Japanese and English, the new digest's title is English, and the Japanese
    one is left to write (the page says it is missing), not English words that claim to be
    Japanese."""
    site = site_config(write_tree, ["ja", "en"])
    new_weekly(site, dt.date(2025, 3, 24), fmt)
    new_conference(site, "ICML", 2026, fmt)
    weekly, conference = sorted(validate(site).digests, key=lambda d: d.path, reverse=True)
    for loaded, english in [
        (weekly, "Top ML Papers of the Week"),
        (conference, "ICML 2026 Best Paper Awards"),
    ]:
        assert dict(loaded.digest.title) in ({"en": english}, {"ja": "", "en": english})
    build(site, tmp_path / "out", search=False)
    shown = h1_languages(tmp_path / "out/ja/weekly/2025-03-24/index.html")
    assert ("ja", None, "Top ML Papers of the Week") not in shown
    assert ("en", None, "Top ML Papers of the Week") in shown  # in the language it is in


def test_new_on_a_site_whose_one_language_has_no_words_writes_a_plain_title(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """On a site in Arabic alone, a title may not be empty: the usual English one is a plain
    string, in no language, laid out by its own letters, not an Arabic text."""
    site = site_config(write_tree, ["ar"])
    new_weekly(site, dt.date(2025, 3, 24))
    build(site, tmp_path / "out", search=False)
    shown = h1_languages(tmp_path / "out/weekly/2025-03-24/index.html")
    assert shown == [(None, "auto", "Top ML Papers of the Week")]


_COMMENTED_OPTIONS = re.compile(r"^( *)# ( *(?:provenance|sections|default|- title|body)\b)", re.M)
"""The commented lines of the provenance and of an extra section, in ``new``'s template."""


@pytest.mark.parametrize("languages", [["en"], ["ja", "en"], ["ar"], ["ko", "en", "ja"]])
def test_new_digests_commented_examples_are_in_the_sites_languages(
    write_tree: WriteTree, languages: list[str]
) -> None:
    """The commented provenance and extra section, uncommented (and the section given a body),
    are valid in the site: no language the site lacks."""
    site = site_config(write_tree, languages)
    path = new_weekly(site, dt.date(2025, 3, 24))
    text = _COMMENTED_OPTIONS.sub(r"\1\2", path.read_text(encoding="utf-8"))
    text = re.sub(r"body: \{[^}]*\}", 'body: "Body."', text)
    path.write_text(text, encoding="utf-8")
    (loaded,) = validate(site).digests
    paper = loaded.digest.papers[0]
    assert loaded.digest.provenance is not None and paper.provenance is not None
    assert len(paper.sections) == 1
