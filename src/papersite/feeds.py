"""Atom feeds: one of every digest, one per kind (weekly, conferences) and one per tag, in each
edition (both languages at the root, one language under ``en/``, ``ko/``).

Feed readers need absolute URLs, so feeds use the site's ``base_url``. Entry and feed IDs are
``urn:uuid`` names derived from the digest's (or feed's) absolute URL: the same in every build,
so a reader never sees an old digest as new, and no other site's, as Atom asks (RFC 4287: an ID
is permanent and universally unique; from the path alone, every papersite site's feed had one
ID). A feed's ``updated`` is its newest digest's date, never the build time: two builds give the
same bytes. A feed with no entry yet (no conference digest) takes the site's newest digest's.

A feed in one language marks what it shows in another (a title with no translation, shown in
the language that has one) with that language (``xml:lang``, ``lang`` in a summary's HTML).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import escape

from papersite.context import BiText, DigestView, SiteView, TextReads
from papersite.editions import Edition
from papersite.i18n import joined_words, words_language
from papersite.resident import same_objects
from papersite.urls import absolute_url

FEED_FILE = "feed.xml"


@dataclass(frozen=True)
class FeedEntry:
    """One digest as a feed entry; every text in every site language."""

    id: str
    title: str
    title_lang: str | None
    """The language of ``title`` where it is not the feed's (``_stand_in``), else None."""
    url: str
    """Absolute."""
    date: dt.date
    summary_html: str
    """The digest's papers as an HTML list (the template escapes it once more for XML)."""
    tags: list[str]


@dataclass(frozen=True)
class Feed:
    """One Atom feed."""

    path: str
    """Within its edition, e.g. ``weekly/feed.xml`` (written at ``en/weekly/feed.xml`` in the
    English edition)."""
    edition: Edition
    id: str
    title: str
    title_lang: str | None
    """The language of ``title`` where it is not the feed's (``_stand_in``), else None."""
    author: str
    """The site's title, in the edition's languages: who writes every feed of the site (not the
    feed's title, which names its kind or tag: "… · #llm" was each entry's author)."""
    author_lang: str | None
    subtitle: str | None
    subtitle_lang: str | None
    self_url: str
    page_url: str
    """The HTML page the feed follows; absolute."""
    entries: list[FeedEntry]
    """Newest first."""
    updated: dt.date | None
    """Its newest entry's date; with no entry, the site's newest digest's (Atom asks for a date,
    and the build time would make two builds differ); None on a site with no digest."""
    digests: tuple[str, ...]
    """The URLs of the digests its entries are, newest first (or, of a feed with no entry, the
    site's newest digest, its date): what the feed is made from, besides the site's title and
    description (``incremental.py``)."""
    texts: frozenset[str] = frozenset()
    """The long texts its entries were made from (``context.TextReads``): its pages are keyed on
    them besides what they read as they render."""


def stable_id(url: str) -> str:
    """The Atom ID of what is at ``url`` (absolute): the name-based UUID of that URL."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"


FEED_LIMIT = 50
"""The newest digests a feed carries. Readers poll feeds often, so a feed holds the recent
entries, not the archive (Hugo and the MkDocs RSS plugin do the same)."""


KeptFeed = tuple[tuple[Any, ...], tuple[DigestView | None, ...], Feed]
"""A feed, with what it was made from besides its place: the site's address, title and
description, and the views of the digests it carries (or that dates it), the very objects."""


def site_feeds(
    view: SiteView, editions: list[Edition], kept: dict[tuple[Any, ...], KeptFeed] | None = None
) -> list[Feed]:
    """Every feed of every edition: all digests, each kind, each tag, the newest
    ``FEED_LIMIT`` of each. An edition's feeds sit in its folder (``en/feed.xml``) and speak
    only its languages.

    ``kept`` (a process that builds again: ``resident.py``) holds the last build's feeds: a feed
    made from the very same digest views, with the same settings, is that same object, whose
    pages a rebuild can carry over (``incremental.PageInputs.carried``). It is then replaced by
    this build's feeds, unless their entries read a long text."""
    # The entries are made here, before any page renders: whether they read a long text is
    # recorded here too (they show titles, so they do not, unless this module changes).
    TextReads.start()
    tagged = _digests_by_tag(view)
    made: dict[tuple[Any, ...], KeptFeed] = {}
    feeds = [
        feed
        for edition in editions
        for feed in _edition_feeds(view, edition, tagged, kept or {}, made)
    ]
    if TextReads.read:  # on every feed, kept ones included: none is kept for the next build
        texts = frozenset(TextReads.read)
        feeds, made = [replace(feed, texts=texts) for feed in feeds], {}
    if kept is not None:
        kept.clear()
        kept.update(made)
    return feeds


def _edition_feeds(
    view: SiteView,
    edition: Edition,
    tagged: dict[str, list[DigestView]],
    kept: dict[tuple[Any, ...], KeptFeed],
    made: dict[tuple[Any, ...], KeptFeed],
) -> list[Feed]:
    # A digest is an entry of several feeds (all, its kind, each of its tags): made once.
    entries: dict[str, FeedEntry] = {}

    def entry(digest: DigestView) -> FeedEntry:
        if digest.url not in entries:
            entries[digest.url] = _kept_entry(view, edition, digest)
        return entries[digest.url]

    settings = (view.base_url, view.title, view.description)

    def feed(
        folder: str, label: str | None, digests: list[DigestView], tag: str | None = None
    ) -> Feed:
        shown = digests[:FEED_LIMIT]
        # A feed with no entry is dated by the site's newest digest, so is made from it (None:
        # not the same as a feed whose entry that digest is).
        dated = shown or view.digests[:1]
        basis: tuple[DigestView | None, ...] = tuple(shown) if shown else (None, *dated)
        place = (edition.prefix, *edition.languages, folder, label, tag)
        last = kept.get(place)
        if last is not None and last[0] == settings and same_objects(last[1], basis):
            made[place] = last
            return last[2]
        made_feed = _feed(view, edition, folder, label, [entry(d) for d in shown], tag=tag,
                          dated=dated)  # fmt: skip
        made[place] = (settings, basis, made_feed)
        return made_feed

    feeds = [
        feed("", None, view.digests),
        feed("weekly/", "weekly", view.digests_of_kind("weekly")),
        feed("conferences/", "conferences", view.digests_of_kind("conference")),
    ]
    for tag in view.tags:
        feeds.append(feed(tag.url, None, tagged.get(tag.tag, []), tag=tag.tag))
    return feeds


def _digests_by_tag(view: SiteView) -> dict[str, list[DigestView]]:
    """The newest ``FEED_LIMIT`` digests of each tag, newest first. A digest belongs to a tag's
    feed when it, or one of its papers, carries the tag. (Found in one pass over the digests:
    one pass a tag took a tenth of a second at 10,000 papers, in every rebuild.)"""
    tagged: dict[str, list[DigestView]] = {}
    for digest in view.digests:
        for tag in digest.every_tag:
            listed = tagged.setdefault(tag, [])
            if len(listed) < FEED_LIMIT:
                listed.append(digest)
    return tagged


def _feed(
    view: SiteView,
    edition: Edition,
    folder: str,
    label: str | None,
    entries: list[FeedEntry],
    *,
    tag: str | None = None,
    dated: list[DigestView],
) -> Feed:
    """The feed of the page at ``folder`` (``weekly/``) in ``edition``, holding ``entries``,
    made from the digests ``dated`` (its entries', or the one that dates an empty feed)."""
    languages = edition.languages
    author = title = in_every_language(view.title, languages)
    author_lang = title_lang = _stand_in(view.title, languages)
    if label:
        title += " · " + joined_words(languages, label)
        if title_lang != words_language(languages[0]):  # a title in two languages
            title_lang = None
    if tag:
        title += f" · #{tag}"
    description = view.description
    subtitle = in_every_language(description, languages, inline=False) if description else None
    path = folder + FEED_FILE
    self_url = absolute_url(view.base_url, edition.prefix + path)
    return Feed(
        path=path,
        edition=edition,
        id=stable_id(self_url),
        title=title,
        title_lang=title_lang,
        author=author,
        author_lang=author_lang,
        subtitle=subtitle,
        subtitle_lang=_stand_in(description, languages) if description else None,
        self_url=self_url,
        page_url=absolute_url(view.base_url, edition.prefix + folder),
        entries=entries,
        updated=dated[0].date if dated else None,
        digests=tuple(digest.url for digest in dated),
    )


def _kept_entry(view: SiteView, edition: Edition, digest: DigestView) -> FeedEntry:
    """``_entry``, as the digest's view holds it: made once for as long as the view is kept.
    Kept only if it read no long text, so that every feed made of it still records that."""
    memo = (view.base_url, edition.prefix, *edition.languages)
    made: FeedEntry | None = digest.feed_entries.get(memo)
    if made is None:
        reads, TextReads.read = TextReads.read, set()
        made = _entry(view, edition, digest)
        if not TextReads.read:
            digest.feed_entries[memo] = made
        TextReads.read |= reads
    return made


def _entry(view: SiteView, edition: Edition, digest: DigestView) -> FeedEntry:
    when = (
        f"{digest.period[0].isoformat()} – {digest.period[1].isoformat()}"
        if digest.period
        else digest.date.isoformat()
    )
    items = "".join(_item(entry.title, edition.languages) for entry in digest.shown_entries)
    url = absolute_url(view.base_url, edition.prefix + digest.url)
    return FeedEntry(
        id=stable_id(url),
        title=f"{in_every_language(digest.title, edition.languages)} ({when})",
        title_lang=_stand_in(digest.title, edition.languages),
        url=url,
        date=digest.date,
        summary_html=f"<ul>{items}</ul>",
        tags=list(digest.tags),
    )


def _item(title: BiText, languages: list[str]) -> str:
    """A paper's title in a summary's list, marked with its language where not the feed's."""
    lang = _stand_in(title, languages)
    marked = f' lang="{lang}"' if lang else ""
    return f"<li{marked}>{escape(in_every_language(title, languages))}</li>"


def _stand_in(text: BiText, languages: list[str]) -> str | None:
    """The language a feed in ``languages`` shows ``text`` in when that feed is in one language
    and the text has no translation in it, so shows another's (``BiText.language_of``); else
    None: the feed's own ``xml:lang`` says it."""
    if len(languages) != 1:
        return None
    shown = text.language_of(languages[0])
    return None if shown in (None, languages[0]) else shown


def in_every_language(text: BiText, languages: list[str], *, inline: bool = True) -> str:
    """``"이번 주의 논문 / Papers of the week"``: each language's words once (``BiText.words``: of a
    title, or with ``inline=False`` of a block text), in site order."""
    return _joined(text.words(lang, inline=inline) for lang in languages if lang in text.plain)


def _joined(parts: Iterable[str]) -> str:
    return " / ".join(dict.fromkeys(part for part in parts if part))
