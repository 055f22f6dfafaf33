"""The site's URL scheme: where each digest, paper and tag page lives, and which paths are taken.

Every URL here is relative to the site root and ends with ``/`` (a folder holding
``index.html``), so the same output works at a domain root and under a sub-path. A *page path*
is the file under the output folder: ``weekly/2025-03-17/index.html``.
"""

from __future__ import annotations

from papersite.model import Digest, slugify

FIXED_PAGES = (
    "index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt",
    "weekly/index.html", "weekly/feed.xml", "conferences/index.html", "conferences/feed.xml",
    "papers/index.html", "tags/index.html", "archive/index.html", "search/index.html",
    "glossary/index.html",
)  # fmt: skip
"""The pages every site has, whatever its content. Keep in step with the page list of
``render.render_site`` and the feeds of ``feeds.site_feeds``: an alias may not take these."""

RESERVED_FOLDERS = ("assets/", "pagefind/", "search/", "data/")
"""Folders whose whole content papersite writes (the theme's assets, the search index and
page, the archive as data); besides these, each site language's folder (``ko/``, ``en/``) holds that language's
copy of every page. See ``reserved_folders``."""


def digest_url(digest: Digest) -> str:
    """``weekly/<period start>/`` or ``conferences/<name>-<year>/``."""
    if digest.period is not None:
        return f"weekly/{digest.period.start.isoformat()}/"
    if digest.conference is None:  # pragma: no cover - the model requires one of the two
        raise ValueError("a digest has either a period or a conference")
    return f"conferences/{slugify(digest.conference.name)}-{digest.conference.year}/"


def paper_url(identity: str) -> str:
    """``papers/<identity>/``; an old-style arXiv ID keeps its slash, as on arXiv."""
    return f"papers/{identity}/"


def tag_url(tag: str) -> str:
    """``tags/<tag>/``."""
    return f"tags/{tag}/"


def tag_feed_url(tag: str) -> str:
    """``tags/<tag>/feed.xml``."""
    return tag_url(tag) + "feed.xml"


def page_path(url: str) -> str:
    """The file that serves ``url``: ``weekly/2025-03-17/`` → ``weekly/2025-03-17/index.html``."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def alias_page(alias: str) -> str:
    """The page written for an alias: ``posts/old.html`` is that file; any other path is a
    folder, ``posts/old`` and ``posts/old/`` both give ``posts/old/index.html``."""
    if alias.endswith(".html"):
        return alias
    return alias.removesuffix("/") + "/index.html"


def reserved_folders(languages: list[str]) -> tuple[str, ...]:
    """Every folder whose content papersite alone writes, for a site in ``languages``."""
    return RESERVED_FOLDERS + tuple(f"{lang}/" for lang in languages)


def relative_root(page_path: str) -> str:
    """The prefix that leads from ``page_path`` back to the root it is relative to:
    ``weekly/x/index.html`` → ``../../``."""
    depth = page_path.count("/")
    return "../" * depth if depth else "./"
