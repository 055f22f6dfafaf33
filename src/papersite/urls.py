"""The site's URL scheme: where each digest, paper and tag page lives, and which paths are taken.

Every URL here is relative to the site root and ends with ``/`` (a folder holding
``index.html``), so the same output works at a domain root and under a sub-path. A *page path*
is the file under the output folder: ``weekly/2025-03-17/index.html``.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlsplit

from papersite.model import Digest, idna_host, slugify

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


def absolute_url(base_url: str, path: str) -> str:
    """``path`` (from the site root, as pages link it: ``tags/강화학습/``) on the site at
    ``base_url``, as a URI (RFC 3986): the host in IDNA (``xn--…``), any other non-ASCII
    character percent-encoded as UTF-8. Every absolute URL the site publishes is made here:
    sitemaps and robots.txt take nothing else, and feed readers and crawlers are surest of it;
    browsers show the readable form."""
    return _base_uri(base_url) + _percent_encoded(path)


@lru_cache(maxsize=64)
def _base_uri(base_url: str) -> str:
    """``base_url`` (checked by ``model.normalise_base_url``) as a URI."""
    if base_url.isascii():
        return base_url
    parts = urlsplit(base_url)
    port = "" if parts.port is None else f":{parts.port}"
    return f"{parts.scheme}://{idna_host(parts.hostname or '')}{port}{_percent_encoded(parts.path)}"


def _percent_encoded(path: str) -> str:
    # Only non-ASCII characters need it: the site's paths and base_url hold no other character
    # that a URI may not (model.py refuses them), and '%' stays, as an escape written already.
    return path if path.isascii() else quote(path, safe=_URI_CHARACTERS)


_URI_CHARACTERS = ":/?#[]@!$&'()*+,;=%-._~"
"""What RFC 3986 allows in a URI as it is, besides letters and digits."""


def reserved_folders(languages: list[str]) -> tuple[str, ...]:
    """Every folder whose content papersite alone writes, for a site in ``languages``."""
    return RESERVED_FOLDERS + tuple(f"{lang}/" for lang in languages)


def relative_root(page_path: str) -> str:
    """The prefix that leads from ``page_path`` back to the root it is relative to:
    ``weekly/x/index.html`` → ``../../``."""
    depth = page_path.count("/")
    return "../" * depth if depth else "./"
