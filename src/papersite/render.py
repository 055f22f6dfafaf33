"""Rendering: the site's view → pages (path and bytes), through Jinja templates. No file output.

Templates come from the site's ``templates/`` folder, falling back file by file to the default
theme shipped with papersite, so a site overrides only what it changes. Jinja runs with
autoescape on for every template and ``StrictUndefined``, so a typo in a template fails the build
instead of printing nothing. Every link in a page is relative to that page (``../../papers/…``),
so one output works at a domain root, under a sub-path and from disk; only ``404.html``, which a
server shows at any path, links from the site's base path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

import papersite
from papersite import i18n, seo
from papersite.context import SiteView
from papersite.feeds import site_feeds

ASSETS_DIR = "assets"


@dataclass(frozen=True)
class Page:
    """One output file: its path under the output folder and its content."""

    path: str
    content: bytes


def default_theme() -> Path:
    """The default theme: inside the installed package, or the repository's ``templates/``."""
    packaged = Path(papersite.__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(papersite.__file__).resolve().parents[2] / "templates"


def theme_dirs(source: Path) -> list[Path]:
    """Template folders in the order they are searched: the site's own first."""
    folders = [source / "templates", default_theme()]
    unique: list[Path] = []
    for folder in folders:
        if folder.is_dir() and folder.resolve() not in {f.resolve() for f in unique}:
            unique.append(folder)
    return unique


def make_environment(folders: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        ui=i18n.ui,
        format_date=i18n.format_date,
        format_month=i18n.format_month,
        og_locale=seo.og_locale,
        paper_data=seo.paper_data,
        digest_data=seo.digest_data,
    )
    return env


def relative_root(page_path: str) -> str:
    """The prefix that leads from ``page_path`` back to the site root."""
    depth = page_path.count("/")
    return "../" * depth if depth else "./"


def render_site(view: SiteView, source: Path) -> list[Page]:
    """Every page and asset of the site."""
    folders = theme_dirs(source)
    env = make_environment(folders)
    common = {"site": view, "languages": view.languages, "default_language": view.languages[0]}

    def page(path: str, template: str, root: str | None = None, **values: Any) -> Page:
        html = env.get_template(template).render(
            **common,
            **values,
            root=root if root is not None else relative_root(path),
            page_path=path,
            canonical=None if path in seo.NOT_INDEXED else seo.canonical_url(view.base_url, path),
        )
        return Page(path, html.encode("utf-8"))

    pages = [
        page("index.html", "index.html"),
        page("weekly/index.html", "digest_list.html", kind="weekly",
             digests=view.digests_of_kind("weekly")),
        page("conferences/index.html", "digest_list.html", kind="conferences",
             digests=view.digests_of_kind("conference")),
        page("papers/index.html", "paper_list.html"),
        page("tags/index.html", "tags.html"),
        page("archive/index.html", "archive.html"),
        page("404.html", "404.html", root=urlsplit(view.base_url).path or "/"),
    ]  # fmt: skip
    pages += [page(d.url + "index.html", "digest.html", digest=d) for d in view.digests]
    pages += [page(p.url + "index.html", "paper.html", paper=p) for p in view.papers]
    pages += [page(t.url + "index.html", "tag.html", tag=t) for t in view.tags]
    pages += [page(feed.path, "feed.xml", feed=feed) for feed in site_feeds(view)]
    urls = seo.sitemap_urls(view.base_url, [p.path for p in pages])
    pages += [page("sitemap.xml", "sitemap.xml", urls=urls), page("robots.txt", "robots.txt")]
    pages += list(_assets(folders))
    return pages


def _assets(folders: list[Path]) -> Iterator[Page]:
    """Static files of the theme; a site's own file wins over the default theme's."""
    seen: set[str] = set()
    for folder in folders:
        assets = folder / ASSETS_DIR
        if not assets.is_dir():
            continue
        for file in sorted(assets.rglob("*")):
            relative = file.relative_to(folder).as_posix()
            if file.is_file() and relative not in seen:
                seen.add(relative)
                yield Page(relative, file.read_bytes())
