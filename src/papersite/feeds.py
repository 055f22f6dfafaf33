"""Atom feeds: one of every digest, one per kind (weekly, conferences) and one per tag.

Feed readers need absolute URLs, so feeds use the site's ``base_url``. Entry and feed IDs are
``urn:uuid`` names derived from the digest's (or feed's) path, so they stay the same when the
site moves to another address, and a reader never sees an old digest as new. A feed's
``updated`` is its newest digest's date, never the build time: two builds give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import escape

from papersite.context import BiText, DigestView, SiteView
from papersite.i18n import ui

FEED_FILE = "feed.xml"


@dataclass(frozen=True)
class FeedEntry:
    """One digest as a feed entry; every text in every site language."""

    id: str
    title: str
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
    """Under the output folder, e.g. ``weekly/feed.xml``."""
    id: str
    title: str
    subtitle: str | None
    self_url: str
    page_url: str
    """The HTML page the feed follows; absolute."""
    entries: list[FeedEntry]
    """Newest first."""

    @property
    def updated(self) -> dt.date | None:
        return self.entries[0].date if self.entries else None


def stable_id(name: str) -> str:
    """An Atom ID that depends only on ``name`` (a path in the site), not on its address."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'papersite:' + name)}"


def site_feeds(view: SiteView) -> list[Feed]:
    """Every feed of the site: all digests, each kind, each tag."""
    feeds = [
        _feed(view, FEED_FILE, "", None, view.digests),
        _feed(view, f"weekly/{FEED_FILE}", "weekly/", "weekly", view.digests_of_kind("weekly")),
        _feed(view, f"conferences/{FEED_FILE}", "conferences/", "conferences",
              view.digests_of_kind("conference")),
    ]  # fmt: skip
    for tag in view.tags:
        digests = [d for d in view.digests if _mentions(d, tag.tag)]
        feeds.append(_feed(view, tag.url + FEED_FILE, tag.url, None, digests, tag=tag.tag))
    return feeds


def _feed(
    view: SiteView,
    path: str,
    page_url: str,
    label: str | None,
    digests: list[DigestView],
    *,
    tag: str | None = None,
) -> Feed:
    title = in_every_language(view.title, view.languages)
    if label:
        title += " · " + _joined(ui(lang)[label] for lang in view.languages)
    if tag:
        title += f" · #{tag}"
    subtitle = in_every_language(view.description, view.languages) if view.description else None
    return Feed(
        path=path,
        id=stable_id(path),
        title=title,
        subtitle=subtitle,
        self_url=view.base_url + path,
        page_url=view.base_url + page_url,
        entries=[_entry(view, digest) for digest in digests],
    )


def _entry(view: SiteView, digest: DigestView) -> FeedEntry:
    when = (
        f"{digest.period[0].isoformat()} – {digest.period[1].isoformat()}"
        if digest.period
        else digest.date.isoformat()
    )
    items = "".join(
        f"<li>{escape(in_every_language(entry.title, view.languages))}</li>"
        for entry in digest.entries
    )
    return FeedEntry(
        id=stable_id(digest.url),
        title=f"{in_every_language(digest.title, view.languages)} ({when})",
        url=view.base_url + digest.url,
        date=digest.date,
        summary_html=f"<ul>{items}</ul>",
        tags=list(digest.tags),
    )


def in_every_language(text: BiText, languages: list[str]) -> str:
    """``"이번 주의 논문 / Papers of the week"``: each language's plain text once, in site order."""
    return _joined(text.plain.get(lang, "") for lang in languages)


def _joined(parts: Iterable[str]) -> str:
    return " / ".join(dict.fromkeys(part for part in parts if part))


def _mentions(digest: DigestView, tag: str) -> bool:
    """A digest belongs to a tag's feed when it, or one of its papers, carries the tag."""
    return tag in digest.tags or any(tag in entry.tags for entry in digest.entries)
