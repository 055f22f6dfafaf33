"""A draft digest as the text of a digest file, in the YAML or the Markdown form.

The file reads like one ``papersite new`` writes (the same header lines and comments, from
``new.py``), with the imported content in place of the template's empty texts. Multi-line
texts are YAML literal blocks, so the file diffs and reviews line by line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from papersite.frontmatter import BLOCKS
from papersite.i18n import code_of, primary_language
from papersite.importers.draft import DraftDigest, DraftLink, DraftPaper
from papersite.model import KNOWN_AWARDS
from papersite.new import (
    COMMON_FIELDS,
    CONFERENCE_HEADER,
    WEEKLY_HEADER,
    for_languages,
    yaml_quoted,
)

TRANSLATE = "번역할 곳 (to translate)"
"""The comment beside a Korean text left empty for translators."""

# A line of text that Markdown would read as a heading or a rule would break the Markdown
# form's structure; a backslash keeps it text (CommonMark escapes any ASCII punctuation).
_STRUCTURAL_LINE = re.compile(r"^(\s{0,3})([#=]|-{3,}\s*$|\*{3,}\s*$|_{3,}\s*$|```|~~~)")
_CLOSING_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*$")


def to_yaml(draft: DraftDigest) -> str:
    """The YAML form."""
    lines = _header(draft)
    lines += _text_field("overview", draft.overview, 0, draft.languages, translate=False)
    lines.append("papers:")
    for paper in draft.papers:
        paper_lines = _paper_fields(paper, draft.languages, with_texts=True)
        lines.append("  - " + paper_lines[0])
        lines += ["    " + line if line else line for line in paper_lines[1:]]
    return "\n".join(lines) + "\n"


def to_markdown(draft: DraftDigest) -> str:
    """The Markdown form: front matter, the overview and each paper as sections."""
    front = "\n".join(_header(draft))
    title = _first_given(draft.title, draft.languages, ("ko", "en"))
    parts = [f"---\n{front}\n---\n\n# {title}\n"]
    languages = draft.languages
    if draft.overview is not None:
        parts.append("## Overview\n" + _language_sections("###", draft.overview, languages))
    for paper in draft.papers:
        heading = _first_given(paper.title, languages, ("en", "ko"))
        fields = "\n".join(_paper_fields(paper, languages, with_texts=False))
        parts.append(f"## {heading}\n\n```yaml\n{fields}\n```\n")
        for name, text in (("Summary", paper.summary), ("Abstract", paper.abstract)):
            if text is not None:
                parts.append(f"### {name}\n" + _language_sections("####", text, languages))
        for section in paper.sections:
            sections = _language_sections("####", section.body, languages, section.title)
            parts.append("### Section\n" + sections)
    return "\n".join(parts)


def _header(draft: DraftDigest) -> list[str]:
    lines = [f"# {note}" if note else "#" for note in draft.notes]
    if draft.period is not None:
        start, end = draft.period
        lines += WEEKLY_HEADER.format(start=start, end=end).splitlines()
    elif draft.conference is not None:
        name, year = draft.conference
        lines += CONFERENCE_HEADER.format(name=yaml_quoted(name), year=year).splitlines()
    lines.append(f"title: {_inline(draft.title, draft.languages)}")
    common = for_languages(COMMON_FIELDS, list(draft.languages)).splitlines()
    if draft.source is not None:
        lines.append(f"source: {yaml_quoted(draft.source)}")
        common = [line for line in common if not line.startswith("# source:")]
    return lines + common


def _paper_fields(paper: DraftPaper, languages: Sequence[str], *, with_texts: bool) -> list[str]:
    """The paper's fields, unindented; the texts only for the YAML form (the Markdown form
    writes them as sections)."""
    note = f"  # {code_of(languages, 'ko')}: {TRANSLATE}" if paper.for_translators else ""
    lines = [f"title: {_inline(paper.title, languages)}{note}"]
    if paper.arxiv:
        lines.append(f"arxiv: {yaml_quoted(paper.arxiv)}")
    for name, names in (("authors", paper.authors), ("affiliations", paper.affiliations)):
        if names:
            lines.append(f"{name}: [{', '.join(yaml_quoted(value) for value in names)}]")
    if paper.award:
        known = paper.award in KNOWN_AWARDS
        lines.append(f"award: {paper.award if known else yaml_quoted(paper.award)}")
    if with_texts:
        translate = paper.for_translators
        lines += _text_field("summary", paper.summary, 0, languages, translate=translate)
        lines += _text_field("abstract", paper.abstract, 0, languages, translate=translate)
        if paper.sections:
            lines.append("sections:")
            for section in paper.sections:
                lines.append(f"  - title: {_inline(section.title, languages)}")
                lines += _text_field("body", section.body, 4, languages, translate=translate)
    lines += _links(paper.links)
    lines.append("tags: []")
    return lines


def _first_given(text: dict[str, str], languages: Sequence[str], order: Sequence[str]) -> str:
    """The text in the first of ``order`` (primary subtags) that ``text`` gives, under the
    site's code for it (``languages``); "" when it gives none."""
    codes = (code_of(languages, language) for language in order)
    return next((text[code] for code in codes if code and text.get(code)), "")


def _links(links: list[DraftLink]) -> list[str]:
    if not links:
        return ["links: []"]
    lines = ["links:"]
    for link in links:
        label = f", label: {yaml_quoted(link.label)}" if link.label else ""
        lines.append(f"  - {{kind: {link.kind}, url: {yaml_quoted(link.url)}{label}}}")
    return lines


def _inline(text: dict[str, str], languages: Sequence[str]) -> str:
    """``{ko: "…", en: "…"}`` for a text of single lines (titles)."""
    entries = (f"{lang}: {yaml_quoted(text.get(lang, ''))}" for lang in languages)
    return "{" + ", ".join(entries) + "}"


def _text_field(
    name: str,
    text: dict[str, str] | None,
    indent: int,
    languages: Sequence[str],
    *,
    translate: bool,
) -> list[str]:
    """``name:`` and one entry per language, multi-line texts as literal blocks."""
    if text is None:
        return []
    pad = " " * indent
    lines = [f"{pad}{name}:"]
    for lang in languages:
        value = text.get(lang, "").strip("\n")
        if not value:
            note = f"  # {TRANSLATE}" if translate and primary_language(lang) == "ko" else ""
            lines.append(f'{pad}  {lang}: ""{note}')
        elif _literal_safe(value):
            lines.append(f"{pad}  {lang}: |")
            lines += [f"{pad}    {line}" if line else "" for line in value.split("\n")]
        else:
            lines.append(f"{pad}  {lang}: {yaml_quoted(value)}")
    return lines


def _literal_safe(value: str) -> bool:
    """Whether a literal block gives back exactly ``value`` (plus its final newline)."""
    lines = value.split("\n")
    return not lines[0][:1].isspace() and all(line == line.rstrip() for line in lines)


def _language_sections(
    level: str,
    text: dict[str, str],
    languages: Sequence[str],
    title: dict[str, str] | None = None,
) -> str:
    out = []
    for lang in languages:
        heading = f"{level} {lang}" + (f": {title.get(lang, '')}" if title is not None else "")
        body = _markdown_safe(text.get(lang, "").strip("\n"))
        out.append(f"\n{heading}\n" + (f"\n{body}\n" if body else ""))
    return "".join(out)


def _markdown_safe(text: str) -> str:
    """``text`` with its structural lines escaped, but for the lines of a closed code block,
    which stay as written: escaped, its fences would show as text, and its ``# comment`` lines
    would gain a backslash. An unclosed fence is escaped, as it would take in the headings
    after the text."""
    lines = text.split("\n")
    code = _code_block_lines(text, lines)
    return "\n".join(
        line if index in code else _STRUCTURAL_LINE.sub(r"\1\\\2", line)
        for index, line in enumerate(lines)
    )


def _code_block_lines(text: str, lines: list[str]) -> set[int]:
    """The indexes of the lines of ``text``'s fenced code blocks that are closed."""
    found: set[int] = set()
    for token in BLOCKS.parse(text):
        if token.type != "fence" or token.map is None:
            continue
        start, end = token.map
        closing = _CLOSING_FENCE.match(lines[end - 1]) if end - 1 > start else None
        if closing and closing[1][0] == token.markup[0] and len(closing[1]) >= len(token.markup):
            found.update(range(start, end))
    return found
