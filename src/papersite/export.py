"""Exporting one digest: as a forum post (Markdown in the layout of the community's posts) or as
an e-mail newsletter (a MIME message with a plain-text and an HTML part).

The digest goes through the build's own stages (load → validate → enrich → the templates' view
in ``context.py``), so an export shows what the site shows: arXiv's authors and abstract where
the digest has none, a missing translation marked or left out, never silently replaced. Both
formats are theme templates (``templates/export/``), which a site can override like any other.

- **forum**: Markdown for Discourse, Korean (the site's first language) then English under the
  same headings as the forum's posts (``FORUM_WORDS``, shared with the importer), which
  ``papersite import --from forum`` reads back: the title line, the titles, the links (a bare
  URL where its host tells its kind) are written as the importer reads them. A missing
  translation is left out, as in the forum's own posts.
- Both end (the newsletter's HTML part: starts) with the notice a digest's page shows where a
  machine wrote or translated texts that no one has reviewed (``machine_notices``), in each of
  the site's languages whose texts those are, as the page: a reader of the post or the mail is
  told what a reader of the page is.
- **newsletter**: e-mail clients drop ``<style>``, scripts and external CSS, and many show no
  MathML (Gmail, Outlook). So every element carries its own ``style=``, the layout is tables at
  most 600 px wide, every link is absolute (from ``base_url``), and math stays as its TeX source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import partial
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup

from papersite.arxiv_ids import arxiv_base_id
from papersite.context import BiText, DigestView, EntryView, LinkView, SiteView
from papersite.dataset import archive_json
from papersite.errors import PapersiteError, Problem
from papersite.i18n import english_or_first, link_label, table_language, words_language
from papersite.importers.forum_markdown import forum_markdown, names_line
from papersite.importers.forum_words import FORUM_WORDS
from papersite.importers.layout import NotAWeek, parse_post_title
from papersite.importers.links import WrittenLink, classify, written_links
from papersite.load import site_relative
from papersite.markup import MarkdownRenderer
from papersite.names import DIGESTS_DIR, EXPORT_FORMATS, NOT_DIGESTS
from papersite.pipeline import prepare_site
from papersite.render import make_environment
from papersite.snippets import lang_attributes, machine_notice
from papersite.theme import theme_dirs
from papersite.urls import absolute_url
from papersite.write import REFUSED_ADVICE

FORMATS = EXPORT_FORMATS
FORUM_TEMPLATE = "export/forum.md"
NEWSLETTER_HTML = "export/newsletter.html"
NEWSLETTER_TEXT = "export/newsletter.txt"
PAPER_LINK_KINDS = ("paper", "pdf")
"""Links listed under the forum's "논문 링크"; every other link goes under "더 읽어보기"."""
# Names a browser or editor would open as something else than a MIME message.
_NOT_MIME_SUFFIXES = (".html", ".htm", ".txt", ".md")

NEWSLETTER_WORDS: dict[str, dict[str, str]] = {
    "ko": {"read_online": "웹에서 읽기", "paper_page": "논문 페이지", "first_published": "원문"},
    "en": {
        "read_online": "Read on the web",
        "paper_page": "Paper page",
        "first_published": "Originally published",
    },
}
"""Words of the newsletter beyond the site's interface words (``i18n.ui``)."""

_FONT = (
    "font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Apple SD Gothic Neo,Malgun Gothic,"
    "Noto Sans KR,Helvetica,Arial,sans-serif;"
)
_MONO = "font-family:Menlo,Consolas,Liberation Mono,monospace;"
_TEXT = "color:#1f2937;font-size:16px;line-height:1.7;"
STYLES: dict[str, str] = {
    # The newsletter's frame (templates/export/newsletter.html).
    "body": "margin:0;padding:0;background-color:#f3f4f6;" + _FONT,
    "page": "width:100%;background-color:#f3f4f6;",
    "page_cell": "padding:24px 8px;",
    "card": "width:100%;max-width:600px;background-color:#ffffff;border:1px solid #e5e7eb;",
    "header": "padding:24px 24px 16px 24px;border-bottom:3px solid #1d4ed8;" + _FONT,
    "cell": "padding:16px 24px;" + _FONT,
    "entry": "padding:20px 24px;border-top:1px solid #e5e7eb;" + _FONT,
    "footer": "padding:16px 24px 24px 24px;border-top:1px solid #e5e7eb;" + _FONT,
    "site": "margin:0 0 8px 0;font-size:14px;font-weight:bold;color:#4b5563;",
    "title": "margin:0 0 8px 0;font-size:24px;line-height:1.35;color:#111827;",
    "paper_title": "margin:0 0 8px 0;font-size:20px;line-height:1.4;color:#111827;",
    "label": "margin:16px 0 8px 0;font-size:15px;line-height:1.4;color:#374151;",
    "line": "display:block;",
    "meta": "margin:0 0 8px 0;font-size:14px;line-height:1.6;color:#4b5563;",
    "award": "margin:0 0 8px 0;font-size:14px;font-weight:bold;color:#92400e;",
    "part": "margin:0 0 12px 0;word-break:keep-all;overflow-wrap:break-word;",
    "missing": "margin:0 0 12px 0;font-size:14px;font-style:italic;color:#6b7280;",
    "title_link": "color:#111827;text-decoration:none;",
    # The elements of Markdown texts (email_html); the keys are tag names.
    "p": "margin:0 0 12px 0;" + _TEXT,
    "ul": "margin:0 0 12px 0;padding:0 0 0 24px;" + _TEXT,
    "ol": "margin:0 0 12px 0;padding:0 0 0 24px;" + _TEXT,
    "li": "margin:0 0 6px 0;" + _TEXT,
    "blockquote": "margin:0 0 12px 0;padding:0 0 0 12px;border-left:3px solid #d1d5db;",
    "pre": "margin:0 0 12px 0;padding:12px;background-color:#f3f4f6;font-size:13px;"
    "line-height:1.5;white-space:pre-wrap;overflow-wrap:break-word;" + _MONO,
    "code": "font-size:14px;background-color:#f3f4f6;" + _MONO,
    "a": "color:#1d4ed8;text-decoration:underline;",
    "h1": "margin:16px 0 8px 0;font-size:20px;line-height:1.4;color:#111827;",
    "h2": "margin:16px 0 8px 0;font-size:18px;line-height:1.4;color:#111827;",
    "h3": "margin:16px 0 8px 0;font-size:16px;line-height:1.4;color:#111827;",
    "h4": "margin:12px 0 8px 0;font-size:16px;line-height:1.4;color:#111827;",
    "h5": "margin:12px 0 8px 0;font-size:15px;line-height:1.4;color:#111827;",
    "h6": "margin:12px 0 8px 0;font-size:14px;line-height:1.4;color:#111827;",
    "table": "margin:0 0 12px 0;border-collapse:collapse;",
    "th": "padding:4px 8px;border:1px solid #d1d5db;text-align:left;" + _TEXT,
    "td": "padding:4px 8px;border:1px solid #d1d5db;" + _TEXT,
    "hr": "margin:16px 0;border:0;border-top:1px solid #e5e7eb;",
    "img": "max-width:100%;height:auto;border:0;",
    "div": "margin:0 0 12px 0;",
    "section": "margin:0;",
    # The provenance notice (machine_notices), put before the newsletter's card.
    "notice": "max-width:600px;margin:16px auto 0 auto;padding:0 8px;font-size:14px;"
    "line-height:1.6;color:#92400e;" + _FONT,
}
"""Every style of the newsletter, in one place: e-mail clients read only ``style=``."""


class ExportError(PapersiteError):
    """The digest to export is not one of the site's, or the output cannot be written there."""


@dataclass(frozen=True)
class Exported:
    """One digest in one format, ready to write."""

    fmt: str
    """``forum``, ``newsletter`` or ``json``."""
    content: bytes
    """The forum post (UTF-8 Markdown), the newsletter (a MIME message) or the archive (JSON)."""
    digest_path: str
    """The digest file, relative to the site root; "" for the archive of the whole site."""
    warnings: list[Problem] = field(default_factory=list)
    """What arXiv's data lacks for this digest (from the lockfile), as a build reports it."""


@dataclass(frozen=True)
class TextPart:
    """A text in one language, as its Markdown source."""

    lang: str | None
    """None for a text shared by every language (a plain string in the digest)."""
    markdown: str | None
    """None when the translation is missing."""


def export_digest(
    source: Path | str, digest: Path | str, fmt: str, *, base_url: str | None = None
) -> Exported:
    """``digest`` (a digest file of the site in ``source``) as a forum post or a newsletter.

    Raises ``ExportError`` when ``digest`` is not one of the site's digests, and
    ``ContentError`` when the site's content is broken (as ``papersite build`` would).
    """
    if fmt not in FORMATS or fmt == "json":
        raise ValueError(f"unknown digest export format {fmt!r}; expected forum or newsletter")
    source = Path(source)
    loaded = load_digest(source, digest, base_url=base_url)
    view, digest_view = loaded.site, loaded.digest
    env = template_environment(view, source)
    title = title_line(digest_view, loaded.conference)
    if fmt == "forum":
        content = forum_post(env, view, digest_view, title).encode("utf-8")
    else:
        content = newsletter(env, view, digest_view, title).as_bytes()
    return Exported(fmt, content, digest_view.path, loaded.warnings)


def export_archive(source: Path | str, *, base_url: str | None = None) -> Exported:
    """Every digest and paper of the site in ``source`` as one JSON document, as the build's
    ``data/digests.json`` and ``data/papers.json`` hold them (``dataset.py``)."""
    prepared = prepare_site(Path(source), base_url=base_url)
    return Exported("json", archive_json(prepared.site), "", prepared.enrich_warnings)


@dataclass(frozen=True)
class LoadedDigest:
    """A digest as the build shows it."""

    site: SiteView
    digest: DigestView
    conference: tuple[str, int] | None
    """The conference's name and year, for the title line (the view has the name only)."""
    warnings: list[Problem]
    """The enrich stage's warnings about this digest."""


def load_digest(source: Path, digest: Path | str, *, base_url: str | None = None) -> LoadedDigest:
    """The site's view (as the build makes it) and the digest's, with the enrich stage's
    warnings about that digest."""
    path = _site_path(source, Path(digest))
    prepared = prepare_site(source, base_url=base_url)
    site, view, warnings = prepared.site, prepared.view, prepared.enrich_warnings
    found = next((d for d in view.digests if d.path == path), None)
    if found is None:
        known = ", ".join(sorted(d.path for d in view.digests))
        raise ExportError(f"{digest} is not one of the site's digests ({known}); {NOT_DIGESTS}")
    model = next(d.digest for d in site.digests if d.path == path)
    conference = (model.conference.name, model.conference.year) if model.conference else None
    return LoadedDigest(view, found, conference, [w for w in warnings if w.path == found.path])


def _site_path(source: Path, digest: Path) -> str:
    """``digest`` relative to the site root, as digests are named (``load.site_relative``)."""
    relative = site_relative(source, digest)
    if relative is None:
        raise ExportError(f"{digest} is not in the site folder {source.resolve()}")
    return relative


def write_export(exported: Exported, out: Path, source: Path | str) -> None:
    """Write ``exported`` to ``out``; never into ``digests/``, where it would be read as a
    digest (or replace one), and a newsletter only under a name that says it is a message."""
    digests = (Path(source) / DIGESTS_DIR).resolve()
    if out.resolve().is_relative_to(digests):
        raise ExportError(f"refusing to write {out} inside {digests}: it holds the digests")
    if exported.fmt == "newsletter" and out.suffix.lower() in _NOT_MIME_SUFFIXES:
        raise ExportError(
            f"the newsletter is a MIME message (a plain-text and an HTML part), not "
            f"{out.suffix}: write it to a .eml file, which a mail client opens as the e-mail"
        )
    try:
        out.write_bytes(exported.content)
    except OSError as error:
        advice = _write_advice(out, error)
        raise ExportError(f"cannot write {out}: {error.strerror}; {advice}") from None


def _write_advice(out: Path, error: OSError) -> str:
    """What to do about ``out`` that could not be written."""
    if isinstance(error, FileNotFoundError):
        return f"make the folder {out.parent}, or give --out a file in a folder that exists"
    if isinstance(error, IsADirectoryError):
        return "give --out a file's name, not a folder's"
    return REFUSED_ADVICE


# --- what the templates get ---------------------------------------------------------------------


def title_line(digest: DigestView, conference: tuple[str, int] | None) -> str:
    """The post's title and the e-mail's subject, as the forum's posts have it, and as
    ``papersite import --from forum`` reads it: a week's period, then its title
    (``[2025/03/17 ~ 03/23] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)``); a conference's
    title (``NeurIPS 2025 우수 논문 소개 (NeurIPS 2025 Best Paper Awards)``), after its name and
    year in brackets when the title does not name them (``[ICML 2026] 수상 논문 (Award papers)``)."""
    # One line: a title may hold a line break (YAML's "\n", a pasted U+2028), which a page shows
    # as a space, and which a subject may not hold nor a post's title line keep.
    title = " ".join(with_translations(digest.title, " ").split())
    if digest.period is not None:
        start, end = digest.period
        end_format = "%m/%d" if end.year == start.year else "%Y/%m/%d"
        return f"[{start:%Y/%m/%d} ~ {end:{end_format}}] {title}"
    try:
        read = parse_post_title(title)
    except NotAWeek:  # a title that looks like a week, with a date that is not one
        read = None
    if conference is None or (read is not None and read.conference == conference):
        return title
    name, year = conference
    return f"[{name} {year}] {title}"


def text_parts(text: BiText | None) -> list[TextPart]:
    """A text's Markdown source in each site language, in the site's order; none when the
    digest has no such text."""
    if text is None:
        return []
    if text.shared is not None:
        return [TextPart(None, next(iter(text.plain.values())).strip())]
    return [
        TextPart(part.lang, text.plain[part.lang].strip() if part.html is not None else None)
        for part in text.parts
    ]


def _wordings(text: BiText) -> list[str]:
    """The text's Markdown in each language it has, each wording once."""
    return list(dict.fromkeys(part.markdown for part in text_parts(text) if part.markdown))


def joined(text: BiText, separator: str = " / ") -> str:
    """A title in every language it has: ``한국어 제목 / English title``."""
    return separator.join(_wordings(text))


def with_translations(text: BiText, space: str = "") -> str:
    """A heading in the first language, its translations in parentheses, as the forum writes
    them: ``선정 위원회 평가(Reflections from the Selection Committee)``."""
    first, *others = _wordings(text)
    return first + "".join(f"{space}({other})" for other in others)


def label_text(label: BiText, separator: str = " · ") -> str:
    """A label (an award, a link's kind) in every language, each wording once."""
    return separator.join(dict.fromkeys(label.plain.values()))


def award_name(entry: EntryView, languages: list[str]) -> str | None:
    """The award as the forum's titles prefix it (``[Best Paper]``): in English when the site
    has English, as in the community's posts, else in the site's first language."""
    if entry.award_label is None:
        return None
    return entry.award_label.plain[english_or_first(languages)]


def forum_link(link: LinkView, languages: list[str]) -> str:
    """A link on a line of its own: a bare URL, which Discourse turns into a preview card (as in
    the forum's posts), where the import gives the link back from its URL alone (the host tells
    its kind, and its label is the digest's, if any); else ``[label](url)``, with the kind as the
    link's title (``[…](url "blog")``) where the host does not tell it."""
    default = link.label.plain == link_label(link.kind, languages)
    label = None if default else label_text(link.label)
    alone = classify(link.url)  # what the import makes of the URL on its own
    exact = written_links(link.url) == [WrittenLink(link.url)]  # no final "." cut off
    if exact and alone.kind == link.kind and label in (None, alone.label):
        return link.url
    text = re.sub(r"([\[\]\\<])", r"\\\1", label or link.url)
    title = f' "{link.kind}"' if alone.kind != link.kind else ""
    return f"[{text}]({link.url}{title})"


def unlisted_arxiv_link(entry: EntryView) -> str | None:
    """The arXiv page of an entry whose ID its links do not give: the post carries the ID there,
    as the forum's posts do, and the import takes it back from it."""
    if entry.arxiv is None:
        return None
    identity = arxiv_base_id(entry.arxiv)
    if any(identity in link.url for link in entry.links):
        return None
    return f"https://arxiv.org/abs/{identity}"


def _words(table: dict[str, dict[str, str]], lang: str) -> dict[str, str]:
    return table[table_language(lang)]


def template_environment(view: SiteView, source: Path) -> jinja2.Environment:
    """The site's template environment (its own ``templates/`` first, then the default theme),
    with what every export template uses."""
    env = make_environment(theme_dirs(source))
    languages = view.languages
    env.globals.update(
        site=view,
        languages=languages,
        default_language=languages[0],
        parts=text_parts,
        joined=joined,
        with_translations=with_translations,
        label_text=label_text,
        award_name=partial(award_name, languages=languages),
        absolute=partial(absolute_url, view.base_url),
        paper_link_kinds=PAPER_LINK_KINDS,
    )
    return env


# --- the forum post -----------------------------------------------------------------------------


def forum_post(env: jinja2.Environment, view: SiteView, digest: DigestView, title: str) -> str:
    """The digest as Markdown for the forum (``templates/export/forum.md``)."""
    post = env.get_template(FORUM_TEMPLATE).render(
        digest=digest,
        title=title,
        words=_words(FORUM_WORDS, view.languages[0]),
        forum_link=partial(forum_link, languages=view.languages),
        unlisted_arxiv_link=unlisted_arxiv_link,
        names_line=names_line,
        forum_markdown=forum_markdown,
    )
    notices = [forum_markdown(text) for _, text in machine_notices(view, digest)]
    # The template leaves a blank line after each block; a post ends with one line break.
    return "\n\n".join([post.rstrip("\n"), *notices]) + "\n"


def machine_notices(view: SiteView, digest: DigestView) -> list[tuple[str, str]]:
    """The notice of the digest's page (``macros.html``' provenance notice), in its words
    (``snippets.machine_notice``): in each of the site's languages whose texts (or those
    standing in for its missing ones) a machine wrote and no one reviewed, naming the machines
    behind that language's texts only. ``(lang, words)``, each wording once (a language without
    words of its own has English ones); none when there are no such texts."""
    notices: dict[str, str] = {}
    for lang in view.languages:
        if notice := machine_notice(digest, lang):
            notices.setdefault(notice, lang)
    return [(lang, text) for text, lang in notices.items()]


# --- the newsletter -----------------------------------------------------------------------------


def newsletter(
    env: jinja2.Environment, view: SiteView, digest: DigestView, subject: str
) -> EmailMessage:
    """The digest as an e-mail: ``multipart/alternative`` with a ``text/plain`` and a
    ``text/html`` part, UTF-8, its subject the digest's title line. No From, To or Date: the
    mailing list's software sets them."""
    digest_url = absolute_url(view.base_url, digest.url)
    values: dict[str, Any] = {
        "digest": digest,
        "subject": subject,
        "digest_url": digest_url,
        # Also in the languages the words are in: both parts show each wording once, in its
        # own language (``i18n.words_language``: a language without words of its own has
        # English ones), in the site's order.
        "words": {
            lang: _words(NEWSLETTER_WORDS, lang)
            for lang in [*view.languages, *map(words_language, view.languages)]
        },
        "wording_languages": list(dict.fromkeys(map(words_language, view.languages))),
        # A message in one language is laid out in its direction (right to left for Arabic),
        # as a one-language page is; one in several is left to right, each element of a
        # language written right to left marked so (``i18n.direction``).
        "within": view.languages[0] if len(view.languages) == 1 else None,
        "styles": STYLES,
        "email_html": partial(email_html, _EmailMarkdown(), page_url=digest_url),
    }
    message = EmailMessage()
    message["Subject"] = subject
    notices = machine_notices(view, digest)
    text = env.get_template(NEWSLETTER_TEXT).render(values)
    text = "\n\n".join([text.rstrip("\n"), *(words for _, words in notices)]) + "\n"
    html = _with_notices(env.get_template(NEWSLETTER_HTML).render(values), notices, values)
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    # A boundary made from the content, not a random one, so the same digest gives the same
    # bytes (as builds do); a hash of the parts cannot occur in them.
    digest_of_parts = hashlib.sha256((text + html).encode("utf-8")).hexdigest()
    message.set_boundary(f"=_papersite_{digest_of_parts[:32]}")
    return message


def _with_notices(html: str, notices: list[tuple[str, str]], values: dict[str, Any]) -> str:
    """The newsletter's HTML with the ``notices`` first in its body, where a reader sees them
    before the texts they are about, as on the page."""
    if not notices:
        return html
    paragraphs = "".join(
        f'<p{lang_attributes(lang, values["within"])} style="margin:0 0 8px 0;">{escape(words)}</p>'
        for lang, words in notices
    )
    block = f'<div role="note" style="{STYLES["notice"]}">{paragraphs}</div>'
    body = _BODY.search(html)
    where = body.end() if body else 0
    return html[:where] + block + html[where:]


_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


class _EmailMarkdown(MarkdownRenderer):
    """The site's Markdown rules, with math left as its TeX source: Gmail and Outlook drop
    MathML, and the readers of an ML digest read TeX."""

    def _math(self, tex: str, options: dict[str, Any]) -> str:
        delimiter = "$$" if options.get("display_mode") else "$"
        return f"<code>{escape(delimiter + tex + delimiter)}</code>"


def email_html(
    renderer: MarkdownRenderer, markdown: str, *, page_url: str, inline: bool = False
) -> Markup:
    """A Markdown text as HTML for e-mail: every element styled inline (``STYLES``), every link
    and image absolute (relative ones are read from the digest's page, ``page_url``)."""
    styler = _InlineStyles(page_url)
    styler.feed(renderer.render(markdown, inline=inline).html)
    styler.close()
    return Markup("".join(styler.out))


class _InlineStyles(HTMLParser):
    """Copies the renderer's (safe) HTML, adding ``style=`` to each element and making URLs
    absolute; classes and tabindex are dropped, as e-mail has no style sheet and no script."""

    _URL_ATTRIBUTES = frozenset({"href", "src"})
    _DROPPED = frozenset({"class", "tabindex"})

    def __init__(self, page_url: str) -> None:
        # Character references are copied as written: the renderer has escaped the text already.
        super().__init__(convert_charrefs=False)
        self.page_url = page_url
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._start(tag, attrs, ">"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._start(tag, attrs, " />"))

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], end: str) -> str:
        style = STYLES.get(tag, "")
        kept: list[str] = []
        for name, value in attrs:
            value = value or ""
            if name == "style":  # a table column's alignment: kept, after the base style
                style += value if value.endswith(";") else value + ";"
            elif name in self._URL_ATTRIBUTES:
                kept.append(f'{name}="{escape(urljoin(self.page_url, value))}"')
            elif name not in self._DROPPED:
                kept.append(f'{name}="{escape(value)}"')
        if style:
            kept.insert(0, f'style="{escape(style)}"')
        return "<" + " ".join([tag, *kept]) + end
