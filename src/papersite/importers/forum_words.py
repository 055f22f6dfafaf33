"""The words of the forum's posts: the headings and line labels that ``papersite export --format
forum`` writes and ``papersite import --from forum`` reads, in one table for both directions.

Export writes ``FORUM_WORDS`` in the site's first language (else English); import reads the
words of every language, and the other names the community's posts have used (``ALSO_READ``).
Export also checks its title line with the importer's ``layout.parse_post_title``, and its links
with ``links.classify``, so that what it writes is what the import reads.
"""

from __future__ import annotations

FORUM_WORDS: dict[str, dict[str, str]] = {
    "ko": {
        "summary": "논문 소개",
        "abstract": "논문 초록(Abstract)",
        "paper_links": "논문 링크",
        "more_links": "더 읽어보기",
        "authors": "저자",
        "affiliations": "소속",
    },
    "en": {
        "summary": "Introduction",
        "abstract": "Abstract",
        "paper_links": "Paper",
        "more_links": "Read more",
        "authors": "Authors",
        "affiliations": "Affiliations",
    },
}
"""The post's headings and line labels, by language: the words of the community's posts."""

ALSO_READ: dict[str, set[str]] = {
    "summary": {"소개", "요약", "paper introduction", "summary", "tl;dr"},
    "abstract": {"논문 초록", "초록"},
    "paper_links": {"링크", "links", "paper link", "paper links", "관련 링크"},
    "more_links": {"더 알아보기", "further reading"},
    "authors": {"author", "by"},
    "affiliations": {"affiliation"},
}
"""Other names that posts written by hand give the same parts and lines (compared casefolded)."""

HEADING_PARTS = {
    "summary": "summary",
    "abstract": "abstract",
    "paper_links": "links",
    "more_links": "links",
}
"""Which part of a paper each heading starts, as import reads it: both link headings give links
(export sorts them by kind, import by host)."""


def names_of(word: str) -> set[str]:
    """Every name the forum gives ``word`` (a key of ``FORUM_WORDS``), casefolded."""
    written = {words[word] for words in FORUM_WORDS.values() if word in words}
    return {name.casefold() for name in written | ALSO_READ.get(word, set())}
