"""Rendering: the site's view → pages (path and bytes), through Jinja templates. No file output.

Templates come from the site's ``templates/`` folder, falling back file by file to the default
theme shipped with papersite, so a site overrides only what it changes. Jinja runs with
autoescape on for every template and ``StrictUndefined``, so a typo in a template fails the build
instead of printing nothing. Every link in a page is relative to that page (``../../papers/…``),
so one output works at a domain root, under a sub-path and from disk; only ``404.html``, which a
server shows at any path, links from the site's base path. Templates get two prefixes: ``root``
leads to the root of the page's edition (``en/`` for the English pages), for links to pages;
``site_root`` leads to the output folder's root, for what all editions share (assets, search).
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

import papersite
from papersite import i18n, seo
from papersite.context import SiteView
from papersite.editions import Edition, alternates, pretty_path, site_editions
from papersite.errors import ContentError, Problem
from papersite.feeds import site_feeds
from papersite.redirects import redirects
from papersite.urls import relative_root

ASSETS_DIR = "assets"
NOT_FOUND = "404.html"


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
    """The Jinja environment of a theme; one per set of folders, reused, so each template is
    compiled once per process (Jinja reloads a template whose file has changed since)."""
    return _environment(tuple(folders))


@functools.lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
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


def render_site(view: SiteView, source: Path) -> list[Page]:
    """Every page and asset of the site, in every edition (see ``editions.py``). A template
    that fails is a ``ContentError`` at the template's file and line."""
    try:
        return _render_site(view, source)
    except jinja2.TemplateError as error:
        raise ContentError([template_problem(error, source)]) from error


TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".md")


def template_problem(error: jinja2.TemplateError, source: Path) -> Problem:
    """Where a template failed: the line of a syntax error, or the template line of the frame
    that raised at render time (Jinja maps its frames back to the template's lines)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = error.filename or error.name or "template"
        return Problem(_template_path(where, source), error.lineno, 0, "", error.message or "")
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(TEMPLATE_SUFFIXES) and frame.lineno:
            message = f"{type(error).__name__}: {error}"
            return Problem(_template_path(frame.filename, source), frame.lineno, 0, "", message)
    return Problem("templates", 0, 0, "", f"{type(error).__name__} in a template: {error}")


def _template_path(filename: str, source: Path) -> str:
    """A template's file, relative to the site when it is the site's own."""
    try:
        return Path(filename).resolve().relative_to(source.resolve()).as_posix()
    except ValueError:
        return filename


def _render_site(view: SiteView, source: Path) -> list[Page]:
    folders = theme_dirs(source)
    env = make_environment(folders)
    editions = site_editions(view.languages)
    html_pages: list[tuple[str, str, dict[str, Any]]] = [
        ("index.html", "index.html", {}),
        ("weekly/index.html", "digest_list.html",
         {"kind": "weekly", "digests": view.digests_of_kind("weekly")}),
        ("conferences/index.html", "digest_list.html",
         {"kind": "conferences", "digests": view.digests_of_kind("conference")}),
        ("papers/index.html", "paper_list.html", {}),
        ("tags/index.html", "tags.html", {}),
        ("archive/index.html", "archive.html", {}),
        ("search/index.html", "search.html", {}),
    ]  # fmt: skip
    html_pages += [(d.url + "index.html", "digest.html", {"digest": d}) for d in view.digests]
    html_pages += [(p.url + "index.html", "paper.html", {"paper": p}) for p in view.papers]
    html_pages += [(t.url + "index.html", "tag.html", {"tag": t}) for t in view.tags]

    def page(path: str, template: str, edition: Edition, **values: Any) -> Page:
        """``path`` within the edition; the page is written at the edition's prefix + path."""
        out_path = edition.prefix + path
        html = env.get_template(template).render(
            site=view,
            languages=edition.languages,
            default_language=edition.languages[0],
            edition=edition,
            page_base=view.base_url + edition.prefix,
            page_path=path,
            **(_served_anywhere(view) if path == NOT_FOUND else {
                "root": relative_root(path),
                "site_root": relative_root(out_path),
                "canonical": seo.canonical_url(view.base_url, out_path),
                "alternates": alternates(view.base_url, path, editions),
                "language_links": _language_links(out_path, path, editions),
            }),
            **values,
        )  # fmt: skip
        return Page(out_path, html.encode("utf-8"))

    pages = [
        page(path, template, edition, **values)
        for edition in editions
        for path, template, values in html_pages
    ]
    pages.append(page(NOT_FOUND, "404.html", editions[0]))
    # Old URLs exist only in the bilingual edition: nobody linked to /en/… before it existed.
    pages += [page(r.path, "redirect.html", editions[0], redirect=r) for r in redirects(view)]
    pages += [page(feed.path, "feed.xml", feed.edition, feed=feed)
              for feed in site_feeds(view, editions)]  # fmt: skip
    entries = seo.sitemap_entries(view.base_url, [path for path, _, _ in html_pages], editions)
    pages.append(page("sitemap.xml", "sitemap.xml", editions[0], entries=entries))
    pages.append(page("robots.txt", "robots.txt", editions[0]))
    pages += list(_assets(folders))
    return pages


def _served_anywhere(view: SiteView) -> dict[str, Any]:
    """Where ``404.html`` stands: a server shows it at any missing URL, so its links start from
    the site's base path; it has no canonical URL and no other editions."""
    base_path = urlsplit(view.base_url).path or "/"
    return {"root": base_path, "site_root": base_path, "canonical": None, "alternates": [],
            "language_links": []}  # fmt: skip


def _language_links(out_path: str, path: str, editions: list[Edition]) -> list[tuple[str, str]]:
    """``(edition's hreflang, relative href)`` for the language switch: the same page in each
    edition, so the switch works as plain links without JavaScript."""
    if len(editions) < 2:
        return []
    back = relative_root(out_path)
    return [(e.hreflang, back + e.prefix + pretty_path(path)) for e in editions]


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
