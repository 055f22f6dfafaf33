"""Redirect pages: one at each old URL a digest declares (``aliases:``), sending readers and
links shared in the past to the digest's page.

A static host cannot answer with an HTTP redirect, so each alias is a small HTML page with
``<meta http-equiv="refresh">`` (as Hugo writes for its ``aliases``): the refresh and the link
are relative, so they work under a sub-path and from disk; the canonical link is absolute, and
the page asks not to be indexed (it is left out of the sitemap too).
"""

from __future__ import annotations

from dataclasses import dataclass

from papersite.context import DigestView, SiteView
from papersite.urls import absolute_url, relative_root


@dataclass(frozen=True)
class Redirect:
    """One redirect page."""

    path: str
    """The page written at the old URL, e.g. ``posts/old/index.html``."""
    target: str
    """The digest's URL, relative to the site root, e.g. ``weekly/2025-03-17/``."""
    href: str
    """The digest's URL relative to the redirect page, e.g. ``../../weekly/2025-03-17/``."""
    canonical: str
    """The digest's absolute URL, from the site's ``base_url``."""
    digest: DigestView


def redirects(view: SiteView) -> list[Redirect]:
    """Every redirect page of the site, ordered by path."""
    return sorted(
        (
            Redirect(
                path=path,
                target=digest.url,
                href=relative_root(path) + digest.url,
                canonical=absolute_url(view.base_url, digest.url),
                digest=digest,
            )
            for digest in view.digests
            for path in digest.aliases
        ),
        key=lambda redirect: redirect.path,
    )
