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
import os
import sys
import time
import traceback
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import jinja2.bccache

import papersite
from papersite import fragments, i18n, seo, snippets
from papersite.cache import content_hash
from papersite.context import DigestView, PaperView, SiteView
from papersite.editions import Edition, alternates, pretty_path, site_editions
from papersite.errors import ContentError, Problem
from papersite.feeds import Feed, site_feeds
from papersite.fingerprint import RACY_NS, files_under, read_file
from papersite.fragments import STORE, FragmentCache, Fragments
from papersite.load import decode_utf8
from papersite.names import ASSETS_DIR
from papersite.paging import paginate
from papersite.redirects import redirects
from papersite.theme import theme_dirs
from papersite.urls import relative_root
from papersite.write import Page

NOT_FOUND = "404.html"
NO_VALUES: dict[str, Any] = {}
"""The template values of a page that has none of its own (shared: never changed)."""
ENVIRONMENT_OPTIONS: dict[str, Any] = {
    "auto_reload": False,
    "autoescape": True,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    "extensions": [FragmentCache],
}
"""How every template is read and compiled (besides where from)."""


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates, kept in a folder between processes, so that a build in a
    new process (``papersite build`` after an edit) does not compile the theme
    again: 0.1-0.2 s for the default theme's 26 templates, against 5 ms to load them. Jinja
    keys each by the template's path and checks the hash of its source; the files' names also
    carry ``_compiler_tag``, so that another papersite, Jinja or Python, or a changed ``{% cache
    %}`` tag, never uses them. Only a speed-up, as the build cache is: a file that cannot be read
    is compiled again, a folder that cannot be written is left alone."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), f"{_compiler_tag()}-%s.cache")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # truncated or foreign: marshal raises several kinds
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


@functools.cache
def _compiler_tag() -> str:
    """What compiled templates depend on besides their source: the versions, how templates are
    read (``ENVIRONMENT_OPTIONS``) and the code of the ``{% cache %}`` tag, which papersite's
    version alone would not catch while it is being worked on."""
    return content_hash(
        papersite.__version__,
        jinja2.__version__,
        sys.version,
        repr(sorted((name, repr(value)) for name, value in ENVIRONMENT_OPTIONS.items())),
        Path(fragments.__file__).read_bytes(),
    )[:16]


def make_environment(folders: list[Path], compiled: Path | None = None) -> jinja2.Environment:
    """The Jinja environment of a theme; one per set of folders and the files in them as they
    are now (name, size and times, and the bytes of a file changed within ``RACY_NS``: see
    ``_racy``), reused, so each template is compiled once per process
    (``papersite serve`` builds many times). A changed or new file makes a new environment, so
    the environment itself never looks at the files again: Jinja would check a template's time
    each time a page asks for it (five times a page: the page, ``base.html``, the macros...).
    ``compiled``: a folder that keeps the compiled templates from one process to the next
    (``CompiledTemplates``; a site's ``.papersite-cache/templates/``)."""
    now = time.time_ns()
    files = tuple(
        (
            str(path),
            status.st_size,
            status.st_mtime_ns,
            status.st_ctime_ns,
            _racy(path, status, now),
        )
        for folder in folders
        for path in files_under(folder)
        if (status := path.stat())
    )
    return _environment(tuple(folders), files, compiled)


def _racy(path: Path, status: os.stat_result, now: int) -> str:
    """The hash of a file changed within ``RACY_NS`` of ``now`` (else ""): on a disk whose clock
    ticks once a second, a template rewritten within the tick keeps its size and times, and
    only its bytes tell the environment made from the first version from the one to make now
    (as ``fingerprint.Stamper`` does for the inputs' fingerprint)."""
    if now - max(status.st_mtime_ns, status.st_ctime_ns) >= RACY_NS:
        return ""
    return content_hash(path.read_bytes())


@functools.lru_cache(maxsize=8)
def _environment(
    folders: tuple[Path, ...],
    files: tuple[tuple[str, int, int, int, str], ...],
    compiled: Path | None,
) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([str(folder) for folder in folders])
    env = jinja2.Environment(**ENVIRONMENT_OPTIONS, loader=loader)
    if compiled is not None:
        env.bytecode_cache = CompiledTemplates(compiled)
    env.globals.update(
        ui=i18n.ui,
        format_date=i18n.format_date,
        format_month=i18n.format_month,
        og_locale=seo.og_locale,
        paper_data=seo.paper_data,
        digest_data=seo.digest_data,
        ui_html=snippets.ui_html,
        in_each_language_html=snippets.in_each_language_html,
        marked_html=snippets.marked_html,
        lang_attributes=snippets.lang_attributes,
        title_attributes=snippets.title_attributes,
        aria_label=snippets.aria_label,
        placeholder=snippets.placeholder,
        joined_words=i18n.joined_words,
        bi_html=snippets.bi_html,
        label_html=snippets.label_html,
        date_html=snippets.date_html,
        paper_item_html=snippets.paper_item_html,
        digest_card_html=snippets.digest_card_html,
        arxiv_meta_html=snippets.arxiv_meta_html,
        people_html=snippets.people_html,
        tag_list_html=snippets.tag_list_html,
        machine_notice=snippets.machine_notice,
        search_labels=snippets.search_labels,
        search_filters=snippets.search_filters,
        search_words=snippets.search_words,
    )
    env.filters["plain_text"] = snippets.plain_text
    env.filters["headings_under"] = snippets.headings_under
    env.filters["words_language"] = i18n.words_language
    env.tests["right_to_left"] = i18n.right_to_left
    return env


def render_site(view: SiteView, source: Path) -> list[Page]:
    """Every page and asset of the site, in every edition (see ``editions.py``). A template
    that fails is a ``ContentError`` at the template's file and line."""
    with located_in_templates(source):
        return _render_site(view, source)


@contextmanager
def located_in_templates(source: Path) -> Iterator[None]:
    """A template's failure as a ``ContentError`` at its file and line, which crosses processes:
    Jinja's own, any error raised while a template ran, and a template of the site that is not
    UTF-8 (at its first byte that is not)."""
    try:
        yield
    except Exception as error:
        undecodable = isinstance(error, UnicodeDecodeError)
        problems = _undecodable_template(error, source) if undecodable else []
        if problems:
            raise ContentError(problems) from error
        if not raised_in_template(error):
            raise
        raise ContentError([template_problem(error, source)]) from error


TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".md")


def raised_in_template(error: BaseException) -> bool:
    """Whether ``error`` is a template's failure: Jinja's, or any error raised while a template
    ran (by a function it called with what it should not have: ``m.people(paper.title)``)."""
    if isinstance(error, jinja2.TemplateError):
        return True
    frames = traceback.extract_tb(error.__traceback__)
    return any(frame.filename.endswith(TEMPLATE_SUFFIXES) for frame in frames)


def template_problem(error: Exception, source: Path) -> Problem:
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


def _undecodable_template(error: BaseException, source: Path) -> list[Problem]:
    """The problem at the first byte that is not UTF-8 of the template Jinja's loader was
    reading when ``error`` was raised (``filename`` in its ``get_source``); none if it was not
    reading one."""
    traceback = error.__traceback__
    filename = None
    while traceback is not None:
        frame = traceback.tb_frame
        if frame.f_code.co_name == "get_source":
            filename = frame.f_locals.get("filename", filename)
        traceback = traceback.tb_next
    if not isinstance(filename, str):
        return []
    return decode_utf8(read_file(Path(filename)), _template_path(filename, source))[1]


def _template_path(filename: str, source: Path) -> str:
    """A template's file, relative to the site when it is the site's own."""
    try:
        return Path(filename).resolve().relative_to(source.resolve()).as_posix()
    except ValueError:
        return filename


@dataclass(slots=True)
class PageJob:
    """A page to render: where it goes, with which template, and what it shows.

    Plain data rather than a prepared context: a rebuild renders few of the site's pages, and a
    large site plans 30,000 (working out every page's links would cost seconds, and a closure
    per page tens of megabytes). Not frozen, though nothing changes one: a frozen dataclass is
    made two and a half times slower, and every build makes them all."""

    path: str
    """Under the output folder, with the edition's prefix."""
    template: str
    subject: Any
    """What the page is about, on which incremental builds key it: a digest, paper or tag (a
    redirect's digest), a feed, or the sitemap's ``PageList``; None for pages about the whole
    site (home, lists, archive)."""
    plan: SitePlan
    page_path: str
    """Within the edition."""
    edition: Edition
    values: dict[str, Any] | Callable[[], dict[str, Any]]
    """The page's own template values, or what makes them when it is rendered."""
    streamed: bool = False
    """Written as it is rendered (``render_chunks``), never whole in memory: the sitemap,
    70 MB at 50,000 papers."""

    def context(self) -> dict[str, Any]:
        """The template's whole context."""
        return self.plan.context(self)


@dataclass(frozen=True)
class PageList:
    """The HTML pages of each edition (their paths within it): what the sitemap lists."""

    paths: tuple[str, ...]


@dataclass(frozen=True)
class SitePlan:
    """What every page's context shares: the site's view and its editions."""

    view: SiteView
    editions: list[Edition]
    fragments: Fragments = field(default_factory=dict)
    """The pieces of templates rendered once for many pages (``fragments.py``)."""
    feeds: dict[str, dict[str, Feed]] = field(default_factory=dict)
    """Each edition's feeds (by the edition's prefix) by path (``weekly/feed.xml``): a page's
    link to one is titled as the feed itself is (``macros.html``' ``feed_link``)."""

    def context(self, job: PageJob) -> dict[str, Any]:
        view, edition, path = self.view, job.edition, job.page_path
        values = job.values() if callable(job.values) else job.values
        return dict(
            site=view,
            languages=edition.languages,
            default_language=edition.languages[0],
            edition=edition,
            page_base=view.base_url + edition.prefix,
            page_path=path,
            edition_feeds=self.feeds.get(edition.prefix, {}),
            **{STORE: self.fragments},
            **(_served_anywhere(view) if path == NOT_FOUND else {
                "root": relative_root(path),
                "site_root": relative_root(job.path),
                "canonical": seo.canonical_url(view.base_url, job.path),
                "alternates": alternates(view.base_url, path, self.editions),
                "language_links": _language_links(job.path, path, self.editions),
            }),
            **values,
        )  # fmt: skip


def _render_site(view: SiteView, source: Path) -> list[Page]:
    folders = theme_dirs(source)
    env = make_environment(folders)
    pages = [render_job(env, job) for job in plan_site(view)]
    return pages + list(theme_assets(folders))


def render_job(env: jinja2.Environment, job: PageJob) -> Page:
    """Render one page (``TemplateError`` on failure: see ``render_site``)."""
    html = env.get_template(job.template).render(**job.context())
    return Page(job.path, html.encode("utf-8"))


STREAM_PIECES = 10_000
"""How many pieces of a streamed page's text are encoded and written at a time."""


def render_chunks(env: jinja2.Environment, job: PageJob) -> Iterator[bytes]:
    """A page as consecutive chunks of bytes, rendered as they are asked for
    (``TemplateError`` on failure, as they are)."""
    pieces: list[str] = []
    for piece in env.get_template(job.template).generate(**job.context()):
        pieces.append(piece)
        if len(pieces) == STREAM_PIECES:
            yield "".join(pieces).encode("utf-8")
            pieces.clear()
    yield "".join(pieces).encode("utf-8")


def plan_site(
    view: SiteView, skip: Collection[int] = (), feeds: list[Feed] | None = None
) -> list[PageJob]:
    """Every page of the site in every edition (see ``editions.py``), not yet rendered; but
    those about the digests, papers, tags and ``feeds`` (``feeds.site_feeds``, made here if not
    given) whose ``id`` is in ``skip``."""
    editions = site_editions(view.languages)
    html_pages: list[tuple[str, str, dict[str, Any]]] = [("index.html", "index.html", NO_VALUES)]
    lists: list[tuple[str, Sequence[Any], str, dict[str, Any]]] = [
        ("weekly/", view.digests_of_kind("weekly"), "digest_list.html", {"kind": "weekly"}),
        ("conferences/", view.digests_of_kind("conference"), "digest_list.html",
         {"kind": "conferences"}),
        ("papers/", view.papers_by_recency, "paper_list.html", NO_VALUES),
    ]  # fmt: skip
    for url, items, template, values in lists:
        html_pages += [(pager.path, template, {**values, "pager": pager})
                       for pager in paginate(items, view.per_page, url)]  # fmt: skip
    html_pages += [
        ("tags/index.html", "tags.html", NO_VALUES),
        ("archive/index.html", "archive.html", NO_VALUES),
        ("search/index.html", "search.html", NO_VALUES),
    ]  # fmt: skip
    if view.glossary:
        html_pages.append(("glossary/index.html", "glossary.html", NO_VALUES))
    subjects: dict[str, Any] = {}
    about: list[tuple[str, Sequence[DigestView | PaperView]]] = [
        ("digest", view.digests), ("paper", view.papers)]  # fmt: skip
    for name, items in about:
        for subject in items:
            html_pages.append((subject.url + "index.html", f"{name}.html", {name: subject}))
            subjects[subject.url + "index.html"] = subject
    for tag in view.tags:  # its papers in pages; its digests on the first
        for pager in paginate(tag.papers_by_recency, view.per_page, tag.url):
            html_pages.append((pager.path, "tag.html", {"tag": tag, "pager": pager}))
            subjects[pager.path] = tag

    feeds = site_feeds(view, editions) if feeds is None else feeds
    by_edition: dict[str, dict[str, Feed]] = {}
    for feed in feeds:
        by_edition.setdefault(feed.edition.prefix, {})[feed.path] = feed
    plan = SitePlan(view, editions, feeds=by_edition)

    def page(path: str, template: str, edition: Edition, subject: Any = None,
             values: dict[str, Any] | Callable[[], dict[str, Any]] = NO_VALUES,
             streamed: bool = False) -> PageJob:  # fmt: skip
        """``path`` within the edition; the page is written at the edition's prefix + path."""
        return PageJob(edition.prefix + path, template, subject, plan, path, edition, values,
                       streamed)  # fmt: skip

    planned = [entry for entry in html_pages if id(subjects.get(entry[0])) not in skip]
    jobs = [
        page(path, template, edition, subjects.get(path), values)
        for edition in editions
        for path, template, values in planned
    ]
    jobs.append(page(NOT_FOUND, "404.html", editions[0]))
    # Old URLs exist only in the bilingual edition: nobody linked to /en/… before it existed.
    jobs += [page(r.path, "redirect.html", editions[0], r.digest, {"redirect": r})
             for r in redirects(view) if id(r.digest) not in skip]  # fmt: skip
    jobs += [page(feed.path, "feed.xml", feed.edition, feed, {"feed": feed})
             for feed in feeds if id(feed) not in skip]  # fmt: skip
    listed = PageList(tuple(path for path, _, _ in html_pages))
    parts = seo.sitemap_parts(list(listed.paths), editions)

    def sitemap(part: int = 0) -> Callable[[], dict[str, Any]]:
        def values() -> dict[str, Any]:  # made as rendered: 30,000 entries on a large site
            paths = list(listed.paths)
            return {"entries": seo.sitemap_entries(view.base_url, paths, editions, part)}

        return values

    if not parts:
        jobs.append(page("sitemap.xml", "sitemap.xml", editions[0], listed, sitemap(), True))
    else:  # more URLs than one sitemap may list: an index of sitemaps
        locations = seo.sitemap_locations(view.base_url, parts)
        jobs.append(page("sitemap.xml", "sitemap_index.xml", editions[0], listed,
                         {"sitemaps": locations}))  # fmt: skip
        jobs += [page(seo.sitemap_part_path(n), "sitemap.xml", editions[0], listed, sitemap(n),
                      True) for n in range(1, parts + 1)]  # fmt: skip
    jobs.append(page("robots.txt", "robots.txt", editions[0],
                     values={"sitemap": seo.canonical_url(view.base_url, "sitemap.xml")}))  # fmt: skip
    return jobs


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
    back, pretty = relative_root(out_path), pretty_path(path)
    return [(e.hreflang, back + e.prefix + pretty) for e in editions]


def theme_assets(folders: list[Path]) -> Iterator[Page]:
    """Static files of the theme; a site's own file wins over the default theme's (those that
    cannot be copied are errors of ``theme.theme_dirs``)."""
    seen: set[str] = set()
    for folder in folders:
        assets = folder / ASSETS_DIR
        if not assets.is_dir():
            continue
        for file in files_under(assets):
            relative = file.relative_to(folder).as_posix()
            if relative not in seen:
                seen.add(relative)
                yield Page(relative, file.read_bytes())
