"""The default theme's most used pieces of HTML, made in Python: a text in every language, an
interface label, a date.

Each is the body of a macro in ``macros.html`` (``bi``, ``label``, ``date``), which calls it, so
a theme that overrides the macro still changes every page that uses it. They are here because a
page shows dozens of them, and a Jinja loop over a text's languages costs several times a Python
one: on a site of 10,000 papers, rendering every page took a third longer with them as Jinja.
Each writes exactly what the Jinja body wrote (``tests/test_render_pages.py`` compares them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2
from markupsafe import Markup, escape

from papersite.i18n import format_date, ui


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
    tag, class_ = escape(tag), escape(class_)
    badged = tag != "span"
    if text.shared is not None:
        badge = _badge(default_language) if badged and text.shared_unreviewed else ""
        return Markup(f'<{tag} class="bi {class_}">{badge}{escape(text.shared)}</{tag}>')
    out = []
    for part in text.parts:
        if part.lang not in languages:
            continue
        lang = escape(part.lang)
        missing = part.html is None
        out.append(f'<{tag} lang="{lang}" class="bi {class_}{" missing" if missing else ""}">')
        if badged and part.unreviewed:
            out.append(_badge(part.lang))
        if missing:
            note = escape(ui(part.lang)["translation_missing"])
            out.append(f'<span class="missing-note">{note}</span>')
        else:
            out.append(escape(part.html))
        out.append(f"</{tag}>")
        if missing and len(languages) == 1:
            other = next((o for o in text.parts if o.html is not None), None)
            if other is not None:
                badge = _badge(default_language) if badged and other.unreviewed else ""
                out.append(
                    f'<{tag} lang="{escape(other.lang)}" class="bi {class_} fallback">'
                    f"{badge}{escape(other.html)}</{tag}>\n"
                )
    return Markup("".join(out))


def _badge(lang: str) -> str:
    """The mark of a text a machine wrote and no one reviewed, in the reader's language."""
    words = escape(ui(lang)["machine_unreviewed"])
    return f'<small class="provenance-badge" lang="{escape(lang)}">{words}</small>'


@jinja2.pass_context
def label_html(context: jinja2.runtime.Context, key: str, tag: str = "span") -> Markup:
    """An interface word in each of the page's languages."""
    tag = escape(tag)
    parts = []
    languages: list[str] = context["languages"]
    for lang in languages:
        words = ui(lang)
        if key not in words:
            raise jinja2.UndefinedError(f"no interface word {key!r}")
        parts.append(f'<{tag} lang="{escape(lang)}" class="bi">{escape(words[key])}</{tag}>')
    return Markup("".join(parts))


@jinja2.pass_context
def date_html(context: jinja2.runtime.Context, value: dt.date) -> Markup:
    """A date in each of the page's languages, with its machine-readable form."""
    iso = escape(value.isoformat())
    languages: list[str] = context["languages"]
    return Markup(
        "".join(
            f'<span lang="{escape(lang)}" class="bi"><time datetime="{iso}">'
            f"{escape(format_date(value, lang))}</time></span>"
            for lang in languages
        )
    )
