"""Where a site's links are: every http(s) URL of its digests, and the file, line, column and
field it is written in (Markdown texts included, as the pages will link them)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown_it.token import Token

from papersite.load import Location, format_location
from papersite.markup import MarkdownRenderer
from papersite.model import EVERY_LANGUAGE, Site, SourcedDigest
from papersite.prose import bare_urls, prose_tokens


@dataclass(frozen=True)
class LinkRef:
    """One external URL in the content, and where it is written."""

    url: str
    """As written (after Markdown's own normalisation, for links inside texts)."""
    path: str
    """The digest file, relative to the site root."""
    line: int
    column: int
    """1-based position of the field the URL is in (for a text, the text's own position)."""
    field: str
    """Dotted field path, e.g. ``papers[0].links[1].url`` or ``papers[2].summary.en``."""


def collect_links(site: Site) -> list[LinkRef]:
    """Every http(s) URL of the site's digests, in file order; a URL written twice in one field
    is listed once."""
    refs: list[LinkRef] = []
    for sourced in site.digests:
        refs += sorted(_digest_links(sourced), key=lambda ref: (ref.line, ref.column))
    return list(dict.fromkeys(refs))


def _digest_links(sourced: SourcedDigest) -> Iterator[LinkRef]:
    digest = sourced.digest
    if digest.source:
        yield _ref(sourced, digest.source, ("source",))
    if digest.conference and digest.conference.url:
        yield _ref(sourced, digest.conference.url, ("conference", "url"))
    yield from _text_links(sourced, digest.title, ("title",))
    yield from _text_links(sourced, digest.overview, ("overview",))
    for i, paper in enumerate(digest.papers):
        at: Location = ("papers", i)
        yield from _text_links(sourced, paper.title, (*at, "title"))
        yield from _text_links(sourced, paper.summary, (*at, "summary"))
        yield from _text_links(sourced, paper.abstract, (*at, "abstract"))
        for j, section in enumerate(paper.sections):
            yield from _text_links(sourced, section.title, (*at, "sections", j, "title"))
            yield from _text_links(sourced, section.body, (*at, "sections", j, "body"))
        for k, link in enumerate(paper.links):
            yield _ref(sourced, link.url, (*at, "links", k, "url"))


def _text_links(
    sourced: SourcedDigest, text: dict[str, str] | None, location: Location
) -> Iterator[LinkRef]:
    for language, markdown in (text or {}).items():
        where = location if language == EVERY_LANGUAGE else (*location, language)
        for url in urls_in_markdown(markdown):
            yield _ref(sourced, url, where)


def _ref(sourced: SourcedDigest, url: str, location: Location) -> LinkRef:
    line, column = sourced.positions.nearest(location)
    return LinkRef(url, sourced.path, line, column, format_location(location))


# The renderer's own parser, so that a link here is what the page links: a URL in code or math is
# not one.
_MARKDOWN = MarkdownRenderer().parser


def urls_in_markdown(markdown: str) -> list[str]:
    """The http(s) URLs a Markdown text links to or shows: links, images, autolinks, and bare
    URLs in its text, but not URLs in code or math."""
    urls: list[str] = []
    for token in _MARKDOWN.parse(markdown):
        if token.type == "inline" and token.children:
            urls += _inline_urls(token.children)
    return [url for url in urls if _is_web_url(url)]


def _inline_urls(children: Sequence[Token]) -> Iterator[str]:
    # A link's own text is not searched again: it is often the URL itself.
    for child, prose in prose_tokens(children):
        if child.type == "link_open":
            yield str(child.attrGet("href") or "")
        elif child.type == "image":
            yield str(child.attrGet("src") or "")
        elif prose:
            yield from (child.content[start:end] for start, end in bare_urls(child.content))


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
