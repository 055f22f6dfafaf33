"""The default theme's most used pieces of HTML, made in Python: a text in every language, an
interface label, a date, a paper or a digest in a list, what arXiv says about a paper, and what
the search index reads of a page (``search_meta.html``).

Each stands for a macro of ``macros.html`` (or ``search_meta.html``), under the macro's name, so
a theme that makes its own macro of that name still changes every page that uses it. ``bi``,
``label``, ``date`` and the search index's pieces are these functions themselves (``{% set bi =
bi_html %}``): they are called dozens of times a page, and calling a macro around them cost as
much as making their HTML. ``paper_item``, ``digest_card``, ``arxiv_meta``, ``people`` and
``tag_list`` are macros that call them; and a macro that shows a text gets it made by ``bi``,
so that a theme's own ``bi`` shows there too. They are here because a page shows dozens of them and a list thousands, and
each Jinja expression costs several times its Python. Each writes exactly what its Jinja body
wrote (``tests/test_snippets.py`` keeps those bodies and compares).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from papersite.context import BiText, DigestView, stand_in
from papersite.i18n import (
    direction,
    format_date,
    joined_words,
    marked_words,
    shared_words,
    ui,
)
from papersite.plain import markdown_words, split_math


def _escaped(text: str) -> str:
    """``text`` with what Jinja's autoescape (MarkupSafe) replaces replaced, by the same entities.
    Five scans of the string, each in C: several times quicker than one ``str.translate``, which
    looks every character up in a table."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _html(value: Any) -> str:
    """``value`` as Jinja's autoescape writes it: markup as it is, anything else escaped. (A
    plain ``str`` rather than ``Markup``: MarkupSafe's own ``escape`` wraps every result in a new
    ``Markup``, which was most of the cost of a list of 10,000 papers.)"""
    if type(value) is str:  # the most common, and asked first: asking for ``__html__`` is slow
        return _escaped(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escaped(str(value))


@jinja2.pass_context
def bi_html(
    context: jinja2.runtime.Context, text: Any, tag: str = "div", class_: str = ""
) -> Markup:
    """A ``BiText`` in the page's languages: one element per language, with its ``lang``; a
    missing translation marked, and on a page in one language the text in another shown after
    it; a badge on a text a machine wrote and no one reviewed, except in a title (``span``),
    which often sits inside a link, where the badge would become part of the link's name."""
    languages: list[str] = context["languages"]
    default_language: str = context["default_language"]
    badged = tag != "span"
    tag, class_ = _html(tag), _html(class_)
    if text.shared is not None:
        # One text for every language (a plain string): in no language, so in no direction the
        # page can tell; the reader's browser takes it from its first letters (an Arabic title
        # on a Korean page), its badge left out of that by a direction of its own.
        badge = _badge(default_language, isolated=True) if badged and text.shared_unreviewed else ""
        return Markup(f'<{tag} class="bi {class_}" dir="auto">{badge}{_html(text.shared)}</{tag}>')
    if text.interface and len(languages) > 1:
        # An award's or a link kind's name: each wording once, as a label's.
        words, element = (lambda lang: _html(text.plain[lang])), _element(tag, f"bi {class_}")
        return Markup(_in_each_language(languages, words, element))
    out = []
    fills, filler, notes = "", None, {}
    lacking: list[str] = []
    if len(languages) > 1 and None in [part.html for part in text.parts]:
        # What the page shows, in place, for the languages the text lacks; and a note for each
        # wording of "missing" (English and Japanese have one), not the same note twice.
        shown = [part for part in text.parts if part.lang in languages]
        lacking = [part.lang for part in shown if part.html is None]
        filler = stand_in(shown) if lacking else None
        fills = _fills(lacking)
        notes = _wordings({lang: _unmarked(lang, "translation_missing") for lang in lacking})
    for part in text.parts:
        missing = part.html is None
        if part.lang not in languages or (notes and missing and part.lang not in notes):
            continue
        out.append(f'<{tag}{_lang(part.lang)} class="bi {class_}')
        out.append(' missing"' if missing else '"')
        out.append(f"{fills}>" if part is filler else f"{_fills(notes.get(part.lang, []))}>")
        if badged and part.unreviewed:
            out.append(_badges(part.lang, lacking if part is filler else []))
        if missing:
            note = _words(part.lang, "translation_missing")
            out.append(f'<span class="missing-note">{note}</span>')
        else:
            out.append(_html(part.html))
        out.append(f"</{tag}>")
        if missing and len(languages) == 1:
            other = text.fallback
            if other is not None:
                badge = _badge(default_language) if badged and other.unreviewed else ""
                out.append(
                    f'<{tag}{_lang(other.lang, default_language)} class="bi {class_} fallback">'
                    f"{badge}{_html(other.html)}</{tag}>\n"
                )
    return Markup("".join(out))


@jinja2.pass_context
def title_attributes(context: jinja2.runtime.Context) -> Markup:
    """On a page in several languages, the ``<title>``'s attributes ``data-title-<lang>``: the
    page's title block as the page in ``lang`` alone has it, which ``site.js`` shows when the
    reader chooses that language in place (the title stayed in the first language, and a screen
    reader read it in the voice of the one chosen). None for a language whose title is the
    page's own."""
    languages: list[str] = context["languages"]
    blocks = context.blocks.get("title")
    if len(languages) < 2 or not blocks:
        return Markup("")
    own = _title(blocks[0], context, languages[0])
    attributes = []
    for lang in languages[1:]:
        title = _title(blocks[0], context, lang)
        if title != own:
            attributes.append(f' data-title-{_escaped(lang.lower())}="{_escaped(title)}"')
    return Markup("".join(attributes))


def _title(block: Callable[..., Iterable[str]], context: jinja2.runtime.Context, lang: str) -> str:
    """The title block rendered as on the page in ``lang`` alone, as the text a ``<title>``
    shows (its entities read)."""
    alone = context.derived({"default_language": lang, "languages": [lang]})
    return Markup("".join(block(alone)).strip()).unescape()


@jinja2.pass_context
def aria_label(context: jinja2.runtime.Context, key: str) -> Markup:
    """The ``aria-label`` of an element named by the interface word ``key``, in each of the
    page's languages (``_aria_label``): ``<nav{{ aria_label("home") }}>``."""
    return Markup(_aria_label(context["languages"], lambda lang: ui(lang)[key]))


@jinja2.pass_context
def placeholder(context: jinja2.runtime.Context, key: str) -> Markup:
    """A search box's ``placeholder``: the interface word ``key`` in each of the page's languages
    (``joined_words``); on a page in several, with ``data-placeholder-<lang>`` of each, which
    ``site.js`` shows when the reader chooses that language in place, as it does a landmark's
    name (the box showed "논문 검색 / Search papers" on the page in English)."""
    languages: list[str] = context["languages"]
    own = f' placeholder="{_escaped(joined_words(languages, key))}"'
    if len(languages) < 2:
        return Markup(own)
    return Markup(
        own
        + "".join(
            f' data-placeholder-{_escaped(lang.lower())}="{_escaped(ui(lang)[key])}"'
            for lang in languages
        )
    )


def _aria_label(languages: list[str], words: Callable[[str], str]) -> str:
    """An ``aria-label`` of ``words(lang)`` (unescaped) in the first of ``languages``; on a page
    in several, where some differ, with ``data-label-<lang>`` of each of those and of the first,
    which ``site.js`` makes the label when the reader chooses that language in place, as it
    does the ``<title>`` (``title_attributes``): a landmark stayed named in the first language,
    read in the voice of the one chosen."""
    first = words(languages[0])
    own = f' aria-label="{_escaped(first)}"'
    others = {lang: words(lang) for lang in languages[1:]}
    others = {lang: label for lang, label in others.items() if label != first}
    if not others:
        return own
    labels = {languages[0]: first, **others}
    return own + "".join(
        f' data-label-{_escaped(lang.lower())}="{_escaped(label)}"'
        for lang, label in labels.items()
    )


Element = Callable[[str | None, str], tuple[str, str]]
"""The start and end tags of an element of interface words in a language, or in every language
(None), given its attributes of language (``lang``, ``dir``, ``data-fills``), for
``_in_each_language``."""


def _element(tag: str, class_: str) -> Element:
    """The ``Element`` of a ``tag`` element of ``class_`` (both escaped already)."""
    return lambda lang, attributes: (f'<{tag}{attributes} class="{class_}">', f"</{tag}>")


_bi_span = _element("span", "bi")


def _badge(lang: str, *, isolated: bool = False, class_: str = "") -> str:
    """The mark of a text a machine wrote and no one reviewed, in the reader's language;
    ``isolated``: with a direction of its own even in a language written left to right, so that
    a text of ``dir="auto"`` takes its direction from its own letters, not the badge's;
    ``class_``: classes besides its own (escaped already)."""
    words = _words(lang, "machine_unreviewed")
    own = ' dir="auto"' if isolated and not direction(lang) else ""
    classes = f"provenance-badge {class_}" if class_ else "provenance-badge"
    return f'<small class="{classes}"{_lang(lang)}{own}>{words}</small>'


def _badges(lang: str, lacking: list[str]) -> str:
    """The badge of a text in ``lang``; of one that stands in for the ``lacking`` languages'
    missing ones, on a page in several languages, one in the words of each of them too, as the
    reader who chose that language in place reads the rest of the page in its words (not a
    badge in ``lang``'s words, in ``lang``'s voice). Each is then shown as the text's parts are
    (``base.html``'s style): its own for ``lang`` and for every language shown at once, each
    other for its language alone (``stand-in``)."""
    if not lacking:
        return _badge(lang)
    badges = [_badge(lang, class_="bi")]
    badges += [_badge(other, class_="bi stand-in") for other in lacking]
    return "".join(badges)


def machine_notice(digest: DigestView, lang: str) -> str:
    """The notice of the digest's texts shown in ``lang`` that a machine wrote and no one
    reviewed, in ``lang``'s words: naming each machine behind them once, as written, one that
    ``provenance.by`` does not name as "a machine"; "" when there are none. Plain text: what
    ``macros.html``' notice shows (escaped, as Jinja does) and the exports end with."""
    machines = digest.machines([lang])
    if not machines:
        return ""
    words = ui(lang)
    by = ", ".join(dict.fromkeys(machine or words["a_machine"] for machine in machines))
    return words["machine_notice"].format(by=by)


def _words(lang: str, key: str, **values: Any) -> str:
    """``ui(lang)[key]``, escaped, with ``values`` put in its ``{names}`` (escaped, but markup,
    such as a title marked with its own language), for an element in ``lang``: marked with the
    language the words are in when that is another (``i18n.marked_words``)."""
    return marked_words(lang, _unmarked(lang, key, **values))


def _unmarked(lang: str, key: str, **values: Any) -> str:
    """``_words`` before they are marked with their language."""
    words = _html(ui(lang)[key])
    if values:
        words = words.format(**{name: _html(value) for name, value in values.items()})
    return words


def _in_each_language(languages: list[str], words: Callable[[str], str], element: Element) -> str:
    """Interface words in an element for each of ``languages``: ``words(lang)`` (escaped) between
    the start and end tags ``element(lang, attributes)``, marked with the language
    they are in (``i18n.marked_words``). Where every language has the same words (``Weekly`` on
    a site in ``[en, ja]``, ``arXiv ID`` in ``[ko, en]``), one element of no language
    (``element(None, "")``, shown whichever language the switch shows), as a label of the same
    words in every language is (``context._Texts.labels``): a page in every language would
    show them twice (``Weekly · Weekly``). Where some have the same words as an earlier one
    (English and Japanese in ``[ko, en, ja]``), its element stands for them (``data-fills``,
    which the switch shows for those languages too), not ``주간 논문 · Weekly · Weekly``. A
    language whose words are empty gets no element (the switch shows nothing for it)."""
    each = {lang: text for lang in languages if (text := words(lang))}
    if not each:
        return ""
    languages = list(each)
    first = each[languages[0]]
    if len(languages) > 1 and all(text == first for text in each.values()):
        start, end = element(None, "")
        return start + shared_words(languages, first) + end
    out: list[str] = []
    for lang, others in _wordings(each).items():
        start, end = element(lang, _lang(lang) + _fills(others))
        out += (start, marked_words(lang, each[lang]), end)
    return "".join(out)


def _wordings(each: dict[str, str]) -> dict[str, list[str]]:
    """The languages of ``each`` (words by language) by wording: the first language of each
    wording, with the others that have the same words, for which its element stands."""
    by_words: dict[str, list[str]] = {}
    for lang, words in each.items():
        by_words.setdefault(words, []).append(lang)
    return {group[0]: group[1:] for group in by_words.values()}


def _fills(languages: list[str]) -> str:
    """The ``data-fills`` of an element that the language switch also shows for ``languages``
    (``base.html``'s style), or "" for none."""
    return f' data-fills="{_html(" ".join(languages))}"' if languages else ""


def _lang(lang: str | None, within: str | None = None) -> str:
    """The ``lang`` attribute of an element in ``lang``, with the ``dir`` it needs in a page (or
    an element) in ``within`` (``i18n.direction``); none for one in every language."""
    return "" if lang is None else f' lang="{_html(lang)}"{direction(lang, within)}'


def lang_attributes(lang: str, within: str | None = None) -> Markup:
    """``_lang`` for templates: ``<p{{ lang_attributes(lang) }}>``."""
    return Markup(_lang(lang, within))


@jinja2.pass_context
def in_each_language_html(
    context: jinja2.runtime.Context, tag: str, class_: str, caller: Callable[[str], str]
) -> Markup:
    """``_in_each_language`` for templates, as a call block whose body writes the words of
    ``lang`` (unmarked): ``{% call(lang) m.in_each_language("p", "bi") %}{{ ui(lang).x }}{%
    endcall %}``."""
    tag, class_ = _html(tag), _html(class_)
    return Markup(
        _in_each_language(
            context["languages"],
            lambda lang: str(caller(lang)),
            _element(tag, class_),
        )
    )


def ui_html(lang: str, key: str, **values: Any) -> Markup:
    """``_words`` for templates: ``{{ ui_html(lang, "glossary_intro") }}`` inside an element
    of ``lang``, where ``{{ ui(lang).glossary_intro }}`` would give a language without words of
    its own English words that claim to be in it."""
    return Markup(_words(lang, key, **values))


def marked_html(lang: str, text: str) -> Markup:
    """``text`` in the words of the interface (a month, from ``format_month``), escaped, for an
    element in ``lang``: ``i18n.marked_words``, for templates."""
    return Markup(marked_words(lang, _html(text)))


@jinja2.pass_context
def label_html(context: jinja2.runtime.Context, key: str, tag: str = "span") -> Markup:
    """An interface word in each of the page's languages."""
    return Markup(_label(context["languages"], key, tag))


def _label(languages: list[str], key: str, tag: str = "span") -> str:
    # The interface words never change, and a page shows a dozen labels: each is made once.
    memo_key = (tuple(languages), key, tag)
    html = _LABELS.get(memo_key)
    if html is None:
        html = _LABELS[memo_key] = _make_label(languages, key, tag)
    return html


_LABELS: dict[tuple[tuple[str, ...], str, str], str] = {}
"""Each label's HTML, by the page's languages, the interface word and the tag."""


def _make_label(languages: list[str], key: str, tag: str) -> str:
    tag = _html(tag)
    for lang in languages:
        if key not in ui(lang):
            raise jinja2.UndefinedError(f"no interface word {key!r}")
    return _in_each_language(
        languages,
        lambda lang: _unmarked(lang, key),
        _element(tag, "bi"),
    )


@jinja2.pass_context
def date_html(context: jinja2.runtime.Context, value: dt.date) -> Markup:
    """A date in each of the page's languages, with its machine-readable form."""
    return Markup(_date(context["languages"], value))


def _date(languages: list[str], value: dt.date) -> str:
    iso = _html(value.isoformat())
    return _in_each_language(
        languages,
        lambda lang: _html(format_date(value, lang)),
        lambda lang, attributes: (
            f'<span{attributes} class="bi"><time datetime="{iso}">',
            "</time></span>",
        ),
    )


@jinja2.pass_context
def paper_item_html(context: jinja2.runtime.Context, paper: Any, title: str) -> Markup:
    """A paper in a list (a tag's, the list of every paper): its linked ``title`` and its
    arXiv ID."""
    root = _html(context["root"])
    arxiv = f' <span class="arxiv-id">arXiv:{_html(paper.arxiv)}</span>' if paper.arxiv else ""
    return Markup(f'<li><a href="{root}{_html(paper.url)}">{_html(title)}</a>{arxiv}</li>')


@jinja2.pass_context
def digest_card_html(
    context: jinja2.runtime.Context, digest: Any, level: int, title: str, when: str
) -> Markup:
    """A digest in a list: its linked ``title``, its ``when`` (from the ``digest_when``
    macro), its conference and its number of papers in each language. The count is a group of
    its own, so that the " · " between a text's languages is not also put between a
    conference's date and its count."""
    languages: list[str] = context["languages"]
    root, level_ = _html(context["root"]), _html(level)
    conference = f" · {_any_direction(digest.conference_name)}" if digest.conference_name else ""
    count = len(digest.entries)
    key = "one_paper" if count == 1 else "paper_count"  # not "1 papers"
    counts = _in_each_language(languages, lambda lang: _unmarked(lang, key, count=count), _bi_span)
    return Markup(
        '<article class="card digest-card">\n'
        f'  <h{level_}><a href="{root}{_html(digest.url)}">{_html(title)}</a></h{level_}>\n'
        f'  <p class="meta">{_html(when)}{conference} · '
        f'<span class="paper-count">{counts}</span></p>\n'
        "</article>"
    )


@jinja2.pass_context
def arxiv_meta_html(context: jinja2.runtime.Context, meta: Any, id_prefix: str) -> Markup:
    """What arXiv (and Semantic Scholar) say about a paper (``context.MetaView``): identifiers,
    dates, categories, links, and its BibTeX entry, which ``id_prefix`` names. Its labels and
    dates are written here, not by the ``label`` and ``date`` macros: it shows a dozen of
    them, and it is on every paper page and under every paper of a digest (a sixth of the
    time of rendering a site, as the macro that it was)."""
    if not meta:
        return Markup("")
    languages: list[str] = context["languages"]

    def label(key: str) -> str:
        return _label(languages, key)

    def row(key: str, value: str) -> str:
        return f"<div><dt>{label(key)}</dt><dd>{value}</dd></div>"

    arxiv_id, abs_url, prefix = _html(meta.arxiv_id), _html(meta.abs_url), _html(id_prefix)
    named = _aria_label(
        languages, lambda lang: f"{ui(lang)['arxiv_details']}: arXiv:{meta.arxiv_id}"
    )
    out = [f'<section class="arxiv-meta"{named}>\n']
    if meta.withdrawn:
        out.append(f'<p class="withdrawn" role="note">{label("withdrawn")}</p>')
    version = ""
    if meta.version and meta.latest_version and meta.version != meta.latest_version:
        shown = label("shown_version")
        version = f' <span class="meta">({shown}: v{_html(meta.version)})</span>'
    link = f'<a href="{abs_url}" rel="noopener">arXiv:{arxiv_id}</a>{version}'
    out.append(f"  <dl>\n    {row('arxiv_id', link)}\n")
    if meta.primary_category:
        others = "".join(
            f' <span class="category">{_html(c)}</span>' for c in meta.other_categories
        )
        primary = f'<span class="category primary-category">{_html(meta.primary_category)}</span>'
        out.append(row("categories", primary + others))
    if meta.published:
        out.append(row("submitted", _date(languages, meta.published)))
    if meta.latest_version:
        updated = f" · {_date(languages, meta.updated)}" if meta.updated else ""
        out.append(row("latest_version", f"v{_html(meta.latest_version)}{updated}"))
    if meta.journal_ref:
        out.append(row("journal_ref", _any_direction(meta.journal_ref)))
    if meta.venue:
        out.append(row("venue", _any_direction(meta.venue)))
    if meta.citation_count is not None:
        count = _html(meta.citation_count)
        if meta.semantic_scholar_url:
            count = f'<a href="{_html(meta.semantic_scholar_url)}" rel="noopener">{count}</a>'
        out.append(row("citations", count))
    out.append(
        '  </dl>\n  <ul class="links arxiv-links">\n'
        f'    <li><a class="link link-paper" href="{abs_url}" rel="noopener">'
        f"{label('abstract_page')}</a></li>\n"
        f'    <li><a class="link link-pdf" href="{_html(meta.pdf_url)}" rel="noopener">PDF</a></li>\n'
    )
    if meta.doi:
        out.append(
            f'<li><a class="link link-doi" href="{_html(doi_url(meta.doi))}" rel="noopener">'
            f"DOI: {_html(meta.doi)}</a></li>"
        )
    if meta.open_access_pdf:
        out.append(
            f'<li><a class="link link-pdf" href="{_html(meta.open_access_pdf)}" rel="noopener">'
            f"{label('open_access_pdf')}</a></li>"
        )

    def button(lang: str | None, attributes: str) -> tuple[str, str]:
        # One for every language only where they have the same words: from the same table, so
        # "Copied" is the same in each too.
        words = ui(lang or languages[0])
        copy, copied = _html(words["copy_button"]), _html(words["copied"])
        return (
            f'<span{attributes} class="bi" data-default="{copy}" data-done="{copied}">',
            "</span>",
        )

    buttons = _in_each_language(languages, lambda lang: _unmarked(lang, "copy_button"), button)
    out.append(
        '  </ul>\n  <details class="cite">\n'
        f'    <summary>{label("cite")} <span class="meta">BibTeX</span></summary>\n'
        f'    <pre class="bibtex" id="{prefix}_bibtex" tabindex="0"><code>{_html(meta.bibtex)}</code></pre>\n'
        f'    <button type="button" class="copy-button" data-copy="{prefix}_bibtex" hidden>'
        f"{buttons}</button>\n  </details>\n</section>\n"
    )
    return Markup("".join(out))


def doi_url(doi: str) -> str:
    """The link to ``doi`` at doi.org, percent-encoded as the DOI Handbook asks of a DOI in a
    URL: the characters it must encode (``%``, ``"``, ``#``, a space, ``?``), those it should
    (``<>{}^[]`|\\+``) and any a URL cannot hold (non-ASCII ones, as UTF-8). Written as they
    are, ``#`` and ``?`` began a fragment or a query, and cut the DOI short. ``/``, ``:``,
    ``;``, ``(`` and ``)``, common in DOIs and allowed in a path, stay."""
    return "https://doi.org/" + quote(doi, safe=_DOI_KEPT)


_DOI_KEPT = "/:;()!$&'*,=@"
"""What a DOI keeps as it is in its URL, besides letters, digits and ``-._~``: RFC 3986's
characters of a path but ``+``, which the DOI Handbook asks to encode."""


@jinja2.pass_context
def search_labels(context: jinja2.runtime.Context, subjects: Iterable[Any]) -> str:
    """What the search page shows of a result (``search_meta.html``): the title of a paper
    (a ``BiText``) or of a digest (a ``DigestView``), or the digests a paper appears in, as
    JSON that ``templates/assets/search.js`` reads, to show each text with its ``lang``: a list
    of ``[texts, dates]``, one per subject. ``texts`` is one string per language of the page,
    "" where the text has none of its own, or one string for a text that is the same in every
    language; ``dates``, a weekly digest's period, or "". Pagefind searches the field's words,
    so it holds no other word: no key, no language code. A plain str, which Jinja escapes
    where it is written."""
    languages: list[str] = context["languages"]
    labels = []
    for subject in subjects:
        if isinstance(subject, BiText):
            labels.append([_search_texts(subject, languages), ""])
        else:
            dates = " – ".join(day.isoformat() for day in subject.period or ())
            labels.append([_search_texts(subject.title, languages), dates])
    return json.dumps(labels, ensure_ascii=False)


def _search_texts(text: BiText, languages: list[str]) -> str | list[str]:
    if text.shared is not None:
        return text.words(languages[0])
    return [text.words(lang) if text.written_in(lang) else "" for lang in languages]


@jinja2.pass_context
def search_filters(
    context: jinja2.runtime.Context, kinds: Iterable[str], tags: Iterable[str]
) -> Markup:
    """The search index's filters of a page: the kinds of digest and the tags. One index serves
    the search page of every language, so a filter's name, and a kind, are shown in all of them
    (as the results' digest label is), not in English on the Korean page."""
    languages: list[str] = context["languages"]

    def words(key: str) -> str:
        return _html(joined_words(languages, key))

    kind, tag = words("kind"), words("tags")
    spans = [
        f'<span hidden data-pagefind-filter="{kind}:{words("kind_" + value)}"></span>'
        for value in kinds
    ]
    spans += [f'<span hidden data-pagefind-filter="{tag}:{_html(value)}"></span>' for value in tags]
    return Markup("".join(spans))


SEARCH_WORDS = ("kind", "tags", "kind_weekly", "kind_conference", "digest")
"""The interface words the search index holds (the filters' names, the kinds of digest) and
the search page names (a result's digest)."""


def search_words(languages: list[str]) -> str:
    """``SEARCH_WORDS`` in each of ``languages`` (the site's), as JSON that the search page
    reads (``templates/assets/search.js``), to show each language's word with its ``lang``."""
    return json.dumps(
        [[ui(lang)[key] for lang in languages] for key in SEARCH_WORDS], ensure_ascii=False
    )


@jinja2.pass_context
def people_html(context: jinja2.runtime.Context, entry: Any, shown: int = 5) -> Markup:
    """A paper's authors and affiliations. A long list of authors shows the first ``shown``;
    the rest open with a native ``<details>``, so they can be read without JavaScript."""
    languages: list[str] = context["languages"]
    authors, out = entry.authors, []
    if len(authors) > shown + 1:
        more = _in_each_language(
            languages,
            lambda lang: _unmarked(lang, "more_authors", count=len(authors) - shown),
            _bi_span,
        )
        out.append(
            f'<div class="authors"><span class="visually-hidden">{_label(languages, "authors")}:'
            f" </span>{_any_direction(', '.join(authors[:shown]))},\n"
            f'<details class="more-authors"><summary>{more}</summary>'
            f"{_any_direction(', '.join(authors[shown:]))}</details></div>\n"
        )
    elif authors:
        out.append(
            f'<p class="authors"><span class="visually-hidden">{_label(languages, "authors")}:'
            f" </span>{_any_direction(', '.join(authors))}</p>"
        )
    if entry.affiliations:
        out.append(
            '<p class="affiliations"><span class="visually-hidden">'
            f"{_label(languages, 'affiliations')}: </span>"
            f"{_any_direction(' · '.join(entry.affiliations))}</p>"
        )
    return Markup("".join(out))


def _any_direction(names: str) -> str:
    """Names (authors, affiliations, a conference, a venue), escaped, in whichever direction
    their first letters are written: they are in no language the page knows, and an Arabic name
    laid out left to right, or a Latin one inside a right-to-left page, shows its words out of
    order."""
    return f'<span dir="auto">{_escaped(names)}</span>'


@jinja2.pass_context
def tag_list_html(context: jinja2.runtime.Context, tags: Any) -> Markup:
    """A paper's tags, each a link to its page."""
    if not tags:
        return Markup("")
    root = _html(context["root"])
    named = _aria_label(context["languages"], lambda lang: ui(lang)["tags"])
    items = "".join(
        f'<li><a href="{root}tags/{_html(tag)}/" rel="tag" dir="auto">#{_html(tag)}</a></li>'
        for tag in tags
    )
    return Markup(f'<ul class="tags"{named}>\n{items}</ul>\n')


def plain_text(value: Any) -> str:
    """The ``plain_text`` filter: a text's Markdown (or what a block made of it, escaped) as one
    line of plain text, for a page's description: the marks of lists, headings, emphasis, links
    and footnotes left out, the words kept; the first ``DESCRIBED`` characters of them."""
    text = value.unescape() if isinstance(value, Markup) else str(value)
    return _first_words(text)


DESCRIBED = 320
"""How many characters of a text's words a description is made from: it shows 300, and a
little more tells ``truncate(300)`` that there is more, to say so ("...")."""


def _first_words(markdown: str) -> str:
    """``markdown_words(markdown)[:DESCRIBED]``, made from as little of ``markdown`` as gives
    them: an abstract's whole text took twice the time of its first 600 characters, seconds on a
    large site. A piece cut from the text, four times longer each time, until its words' first
    ``DESCRIBED`` characters hold no opening of a link, emphasis, code span, note, entity or
    formula that the cut may have left without its end (``_OPENINGS``), which showed as
    ``[words](https://exa…``. Words are cut after their marks are left out, never before."""
    size = 600
    while size < len(markdown):
        words = markdown_words(markdown[:size])
        if len(words) > DESCRIBED and not _opening_in(words, DESCRIBED):
            return words[:DESCRIBED]
        size *= 4
    return markdown_words(markdown)[:DESCRIBED]


_OPENINGS = ("[", "*", "__", "~~", "`", "<", "&", "^", "$", "\\")
"""What a Markdown construct cut before its end leaves in its words, at its start: a link's,
an image's or a note's ``[``, emphasis' ``*``, ``__`` or ``~~``, a code span's backtick, an
autolink's ``<``, an entity's ``&``, an inline note's ``^``, a formula's ``$``, an escape's
backslash. (Where the text itself shows one, a longer piece is read: its words are the same.)
Looked for one by one: a regular expression of them took a third of the time of the words."""


def _opening_in(words: str, end: int) -> bool:
    """Whether ``words[:end]`` hold one of ``_OPENINGS`` outside their formulas (kept as their
    TeX, which is full of them): found among all of ``words``, so that a formula ``end`` cuts
    is one."""
    start = 0
    for index, part in enumerate(split_math(words)):
        if start >= end:
            break
        if index % 2 == 0 and any(mark in part[: end - start] for mark in _OPENINGS):
            return True
        start += len(part)
    return False


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")
"""A heading's opening or closing tag in a text's HTML: the renderer writes no other ``<h1``…
``<h6`` (a text's own ``<`` is escaped; MathML has no such element)."""


def headings_under(html: Markup, level: int) -> Markup:
    """The ``headings_under`` filter: a text's HTML (as ``bi`` gives it) with its headings moved
    to stand under the page's heading of ``level``: the highest becomes ``level + 1``, the others
    keep their distance to it, none lower than h6, and none more than one level below the
    heading before it (a text's ``#`` then ``###`` skipped a level: they are ``level + 1`` and
    ``level + 2``). Written as they are, a text's ``#`` was a second h1 on the page and its ``##``
    under a paper's h3 climbed out of the paper. Done here, where a page says where a text
    stands, so a text's rendering (cached once) serves every place it is shown."""
    if "<h" not in html:  # most texts have no heading
        return html
    levels = [int(match[2]) for match in _HEADING_TAG.finditer(html) if not match[1]]
    if not levels:
        return html
    shift = level + 1 - min(levels)
    above = level  # the level of the heading before: the page's, then the text's last one

    def moved(match: re.Match[str]) -> str:
        nonlocal above
        if not match[1]:  # an opening tag; its closing tag, next, keeps its level
            above = min(6, int(match[2]) + shift, above + 1)
        return f"<{match[1]}h{above}"

    return Markup(_HEADING_TAG.sub(moved, html))
