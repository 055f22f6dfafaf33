"""Valid content at the edges of the contract is shown as written: nothing lost, nothing altered."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from conftest import SITE_CONFIG, WriteTree
from papersite import build
from papersite.markup import MarkdownRenderer


def nested_list(depth: int) -> str:
    """A list ``depth`` levels deep, one item per level, each item's words naming its level."""
    return "\n".join("  " * level + f"- level{level}" for level in range(depth))


def words_of(fragment: str) -> str:
    return html.fragment_fromstring(fragment, create_parent="div").text_content()


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
