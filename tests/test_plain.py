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
