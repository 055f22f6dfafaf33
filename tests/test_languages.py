"""Sites in other languages than Korean and English: one language, three, Japanese, Arabic
(written right to left). What their editors write, and what the commands give them back."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from lxml import html

from conftest import WriteTree
from papersite.export import export_digest

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
