"""Valid content at the edges of the contract is shown as written: nothing lost, nothing altered."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from conftest import SITE_CONFIG, WriteTree
from papersite import build
from papersite.markup import MarkdownRenderer
from papersite.plain import markdown_words


def nested_list(depth: int) -> str:
    """A list ``depth`` levels deep, one item per level, each item's words naming its level."""
    return "\n".join("  " * level + f"- level{level}" for level in range(depth))


def words_of(fragment: str) -> str:
    """The words a reader of ``fragment`` (HTML) reads: its text, an image's alt text."""
    root = html.fragment_fromstring(fragment, create_parent="div")
    for image in root.iter("img"):
        image.tail = image.get("alt", "") + (image.tail or "")
    return str(root.text_content())


@pytest.mark.parametrize("depth", [11, 30, 49])
def test_deeply_nested_lists_keep_every_item(depth: int) -> None:
    """CommonMark's preset dropped everything below ten levels of list, without a word."""
    rendering = MarkdownRenderer().render(nested_list(depth) + "\n" + "  " * depth + "> quoted")
    words = words_of(rendering.html)
    assert [f"level{level}" in words for level in range(depth)] == [True] * depth
    assert "quoted" in words
    assert rendering.warnings == []


def test_a_text_nested_deeper_than_the_limit_is_shown_as_its_source_with_a_warning(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Past ``markup.MAX_NESTING`` (100) the parser stops reading: the text is shown whole, as
    written, and the build says where."""
    quotes = ">" * 120 + " the deepest words"
    digest = f"""\
kind: weekly
period: {{start: 2025-03-17, end: 2025-03-23}}
title: "Deep"
papers:
  - title: "Deep paper"
    summary: "{quotes}"
"""
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    report = build(site, tmp_path / "out", search=False)
    [warning] = report.warnings
    assert (warning.path, warning.line, warning.field) == (
        "digests/weekly/2025-03-17.yaml",
        6,
        "papers[0].summary",
    )
    assert "nest them less deeply" in warning.message
    page = html.parse(str(tmp_path / "out/weekly/2025-03-17/index.html")).getroot()
    [source] = page.xpath("//section[contains(@class, 'field-summary')]//pre")
    assert source.text_content() == quotes


def test_the_parser_for_other_readers_reads_a_too_deep_text_without_failing() -> None:
    """The glossary check and the link checker parse texts with ``MarkdownRenderer.parser``:
    a text nested past the limit must not stop them with a traceback."""
    tokens = MarkdownRenderer().parser.parse(">" * 120 + " https://example.org/")
    assert tokens[0].type == "blockquote_open"


SHOWN_AS_WRITTEN = [
    "See [Transformer](https://en.wikipedia.org/wiki/Transformer_(deep_learning_architecture))",
    "[a](<https://example.org/a b>), [b](https://example.org 'a title') and ![c](https://x.org/c)",
    "A [link](javascript:alert(1)) the page shows as text",
    "[vb](vbscript:x) [data](data:text/html,x) [far](//evil.example/x)",
    "Q&amp;A &lt;b&gt; &#x1F600; &copy; but &NotAnEntity; and AT&T",
    "`&amp; stays in code` and &amp; outside",
    "Autolinks <https://example.org/a?b=1&c=2> and <editor@example.org>",
    "Not links: <javascript:alert(1)> <b>bold</b>",
]


@pytest.mark.parametrize("title", SHOWN_AS_WRITTEN)
def test_a_titles_plain_words_are_the_words_its_heading_shows(title: str) -> None:
    """A page's <title>, meta tags, feeds and search show a title's words: those its heading
    shows. A URL's parentheses were left behind ("Transformer)"), a refused link lost its words,
    and entities showed as typed ("Q&amp;A" in the browser's tab)."""
    heading = words_of(MarkdownRenderer().render(title, inline=True).html)
    assert markdown_words(title, inline=True) == " ".join(heading.split())


def test_a_digest_pages_title_is_its_headings_words(write_tree: WriteTree, tmp_path: Path) -> None:
    """The same, read from a built page: its <title> and og:title begin with the h1's words."""
    title = SHOWN_AS_WRITTEN[0] + " &amp; " + SHOWN_AS_WRITTEN[2]
    digest = f"""\
kind: weekly
period: {{start: 2025-03-17, end: 2025-03-23}}
title: {{ko: "제목", en: "{title}"}}
papers:
  - title: "A paper"
"""
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    build(site, tmp_path / "out", search=False)
    page = html.parse(str(tmp_path / "out/en/weekly/2025-03-17/index.html")).getroot()
    [heading] = page.xpath("//h1")
    words = heading.text_content()
    assert words.startswith("See Transformer & A [link](javascript:alert(1))")
    assert page.findtext(".//title").startswith(words + " (2025-03-17)")
    [og_title] = page.xpath("//meta[@property='og:title']/@content")
    assert og_title.startswith(words + " (2025-03-17)")
