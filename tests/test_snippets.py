"""The theme's pieces made in Python (``snippets.py``) write what their Jinja bodies wrote.

The Jinja bodies below are the macros as ``macros.html`` had them before they moved to Python:
the specification the Python must keep to, byte for byte, for every kind of text."""

from __future__ import annotations

import datetime as dt
import functools
import itertools

import jinja2
import pytest
from markupsafe import Markup

from papersite.context import BiText, Part
from papersite.render import make_environment
from papersite.theme import default_theme

JINJA_BODIES = """
{% macro unreviewed_badge(lang) -%}
<small class="provenance-badge" lang="{{ lang }}">{{ ui(lang).machine_unreviewed }}</small>
{%- endmacro %}

{% macro bi(text, tag="div", class="") -%}
{#- A text a machine wrote and no one reviewed gets a badge; not a title (tag "span"), which
    often sits inside a link, where the badge would become part of the link's name. -#}
{% set badged = tag != "span" %}
{% if text.shared is not none %}
<{{ tag }} class="bi {{ class }}">{% if badged and text.shared_unreviewed %}{{ unreviewed_badge(default_language) }}{% endif %}{{ text.shared }}</{{ tag }}>
{%- else %}
{% for part in text.parts if part.lang in languages %}
<{{ tag }} lang="{{ part.lang }}" class="bi {{ class }}{% if part.html is none %} missing{% endif %}">
{%- if badged and part.unreviewed %}{{ unreviewed_badge(part.lang) }}{% endif %}
{%- if part.html is not none %}{{ part.html }}{% else %}<span class="missing-note">{{ ui(part.lang).translation_missing }}</span>{% endif -%}
</{{ tag }}>
{#- A page in one language shows the text in another rather than nothing, marked as such. -#}
{% if part.html is none and languages | length == 1 %}{% for other in text.parts if other.html is not none %}{% if loop.first %}
<{{ tag }} lang="{{ other.lang }}" class="bi {{ class }} fallback">{% if badged and other.unreviewed %}{{ unreviewed_badge(default_language) }}{% endif %}{{ other.html }}</{{ tag }}>
{% endif %}{% endfor %}{% endif %}
{% endfor %}
{%- endif %}
{%- endmacro %}

{% macro label(key, tag="span") -%}
{% for lang in languages %}<{{ tag }} lang="{{ lang }}" class="bi">{{ ui(lang)[key] }}</{{ tag }}>{% endfor %}
{%- endmacro %}

{% macro date(value) -%}
{% for lang in languages %}<span lang="{{ lang }}" class="bi"><time datetime="{{ value.isoformat() }}">{{ format_date(value, lang) }}</time></span>{% endfor %}
{%- endmacro %}
"""

KO = Markup("<p>한국어 <em>요약</em></p>\n")
EN = Markup("<p>An <em>English</em> summary</p>\n")
PLAIN = "a < b & c"  # a str, not Markup: escaped by both


def part_sets() -> list[tuple[Part, ...]]:
    """Every mix of present, missing and unreviewed parts in two languages, and a third
    language that no page shows."""
    choices = [None, (KO, False), (KO, True)]
    english = [None, (EN, False), (EN, True), (PLAIN, False)]
    sets = []
    for ko, en in itertools.product(choices, english):
        parts = [
            Part("ko", ko[0] if ko else None, ko[1] if ko else False),
            Part("en", en[0] if en else None, en[1] if en else False),
        ]
        sets.append(tuple(parts))
        sets.append((Part("ja", Markup("<p>日本語</p>")), *parts))
    return sets


TEXTS = [BiText(parts, None, {}) for parts in part_sets()] + [
    BiText((), KO, {}),
    BiText((), KO, {}, shared_unreviewed=True),
    BiText((), PLAIN, {}),  # type: ignore[arg-type]  # a template may pass a str
]
LANGUAGES = [["ko", "en"], ["en", "ko"], ["ko"], ["en"]]


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    theme: jinja2.Environment = make_environment([default_theme()])
    return theme


@functools.cache
def templates(env: jinja2.Environment, call: str) -> tuple[jinja2.Template, jinja2.Template]:
    theme = env.from_string('{% import "macros.html" as m with context %}{{ m.' + call + " }}")
    return theme, env.from_string(JINJA_BODIES + "{{ " + call + " }}")


def render_both(env: jinja2.Environment, call: str, **values: object) -> tuple[str, str]:
    """``call`` (a macro call) made by the theme's macros and by the Jinja bodies above."""
    theme, bodies = templates(env, call)
    return theme.render(**values), bodies.render(**values).lstrip("\n")


@pytest.mark.parametrize("languages", LANGUAGES, ids=" ".join)
@pytest.mark.parametrize("tag", ["div", "span"])
@pytest.mark.parametrize("css", ["", "site-description"])
def test_a_text_is_written_as_its_jinja_body_wrote_it(
    env: jinja2.Environment, languages: list[str], tag: str, css: str
) -> None:
    for text in TEXTS:
        python, jinja = render_both(
            env,
            "bi(text, tag, css)",
            text=text,
            tag=tag,
            css=css,
            languages=languages,
            default_language=languages[0],
        )
        assert python == jinja, text


@pytest.mark.parametrize("languages", LANGUAGES, ids=" ".join)
def test_labels_and_dates_are_written_as_their_jinja_bodies_wrote_them(
    env: jinja2.Environment, languages: list[str]
) -> None:
    values = {"languages": languages, "default_language": languages[0]}
    for call in ['label("summary")', 'label("papers", "h2")', "date(day)"]:
        python, jinja = render_both(env, call, day=dt.date(2025, 3, 7), **values)
        assert python == jinja, call
        assert python  # something was written: a page never shows an empty label


def test_an_unknown_label_is_a_template_error(env: jinja2.Environment) -> None:
    template = env.from_string(
        '{% import "macros.html" as m with context %}\n{{ m.label("no-such-word") }}'
    )
    with pytest.raises(jinja2.UndefinedError, match="no-such-word"):
        template.render(languages=["ko"], default_language="ko")
