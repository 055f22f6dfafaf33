"""``plain.markdown_words``: the words a reader sees in a text, math kept as its TeX."""

from __future__ import annotations

import re

import lxml.html
import pytest

from papersite.markup import MarkdownRenderer, plain_paragraph
from papersite.plain import markdown_words

WITH_MATH = [
    r"Pricing with $a\$b$ costs \$5",
    r"Sets $\{x \mid x > 0\}$ and $\\alpha_{[1]}$ and $$\sum_{i} x\_i$$",
    r"A \*star\* outside, $a\*b$ inside",
    r"Two formulas $a$$b+*c*$ side by side, and *emphasis*",
]


@pytest.mark.parametrize("text", WITH_MATH)
def test_math_keeps_its_tex_and_the_words_around_it_are_the_pages(text: str) -> None:
    """Inside math a backslash is TeX's, not a Markdown escape, and the page shows the formula
    it writes: the words gave '$a$b$' for the page's $a\\$b$ (and '{x}' for '\\{x\\}')."""
    html = MarkdownRenderer().render(text, inline=True).html
    page = lxml.html.fragment_fromstring(str(html), create_parent="p")
    formulas = page.xpath('.//span[contains(@class, "math")]')
    tex = re.findall(r"\$\$.+?\$\$|(?<!\\)\$.+?(?<!\\)\$", text)
    assert len(formulas) == len(tex)
    for formula in formulas:
        formula.drop_tree()  # the words after it stay

    outside = markdown_words(text, inline=True)
    for written in tex:
        assert written in outside
        outside = outside.replace(written, " ", 1)
    assert " ".join(outside.split()) == " ".join(page.text_content().split())


@pytest.mark.parametrize(
    "plain",
    [
        r"Pricing $a\$b$ costs",
        r"$\{x\}$ and $\\alpha$ \[sic\] $x\_i$",
        r"The loss $a\$b$ and the set $\{x\}$ are formulas",
    ],
)
def test_plain_text_with_math_made_markdown_reads_back_as_itself(plain: str) -> None:
    """arXiv's title as the page shows it (its Markdown, ``plain_paragraph``) and as written
    (``BiText.verbatim``) give the same words."""
    assert markdown_words(plain_paragraph(plain)) == plain


BY_REFERENCE = [
    'See [the paper][ref], [Ref] and [ref][] here.\n\n[REF]: https://example.com/p "Title"',
    "![a figure][img] and [code].\n\n[img]: <https://example.com/i.png>\n"
    "[code]:\n  https://e.com\n  'its title'",
    "Refused: [bad][js].\n\n[js]: javascript:alert(1)",
    "Not a definition: it cannot interrupt a paragraph\n[ref]: https://example.com\n\n[ref]",
    "A note[^1] and [undefined][nowhere].\n\n[^1]: the note's words",
]


@pytest.mark.parametrize("text", BY_REFERENCE)
def test_links_by_reference_give_the_words_the_page_shows(text: str) -> None:
    """A link by reference (``[words][ref]`` with ``[ref]: https://…`` below) is its words, and
    its definition is no word, where the page makes them a link; a definition the page refuses
    (``javascript:``) or cannot read shows as written. The description showed
    ``See [the paper][ref] … [ref]: https://example.com/p``."""
    html = str(MarkdownRenderer().render(text).html)
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    for note in page.xpath('.//*[contains(@class, "footnote")]'):
        note.drop_tree()  # a note's words are left out of the plain words, where they follow
    for link in page.xpath(".//a[@href]"):
        assert link.get("href").startswith("https://"), html
    for image in page.xpath(".//img"):
        image.tail = image.get("alt", "") + (image.tail or "")
    assert markdown_words(text) == " ".join(page.text_content().split())


CONTROLS = ["\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"]


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("inline", [True, False])
def test_plain_words_carry_no_direction_control(control: str, inline: bool) -> None:
    """A line of plain text has no element to fence a control left open, which reversed the
    words after it (a feed's title, a description cut anywhere): the words keep no embedding,
    override or isolate, only the marks (LRM, RLM), which reorder nothing."""
    title = f"Week {control}open and *closed*\u2069\u202c \u200fmark"
    assert markdown_words(title, inline=inline) == "Week open and closed \u200fmark"


AS_THE_PAGE_SHOWS = [
    "_Attention_ Is All You Need",
    "**Bold**, *emphasis*, _emphasis_ and __strong__",
    "_under_score_ and snake_case_names stay",
    "Rethinking `__init__` and `**kwargs`",
    "A code span ``with `a` backtick`` and `x*y*z`",
    "`[a](https://example.com)` is code, not a link",
    "An entity in code `&amp;` and out of it &amp;",
    "&notanentity; stays as written, &not; is a sign",
    "<https://example.com/_a_> and _b_ and <https://example.com/*c*>",
]


@pytest.mark.parametrize("text", AS_THE_PAGE_SHOWS)
@pytest.mark.parametrize("inline", [True, False])
def test_the_plain_words_are_the_words_the_page_shows(text: str, inline: bool) -> None:
    """A page's ``<title>``, description, feeds and search read a text's words as its page
    shows them: ``_emphasis_`` lost its marks on the page but kept them in the ``<title>``, the
    marks inside a code span (``__init__``) were taken for emphasis and left out, and an
    unknown entity (``&notanentity;``) was read as ``&not`` followed by letters."""
    html = str(MarkdownRenderer().render(text, inline=inline).html)
    page = lxml.html.fragment_fromstring(html, create_parent="div")

    assert markdown_words(text, inline=inline) == " ".join(page.text_content().split())
