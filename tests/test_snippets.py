"""The theme's pieces made in Python (``snippets.py``) write what their Jinja bodies wrote.

The Jinja bodies below are the macros as ``macros.html`` had them before they moved to Python:
the specification the Python must keep to, byte for byte, for every kind of text."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from types import SimpleNamespace

import jinja2
import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from papersite import plain, snippets
from papersite.context import BiText, Part
from papersite.render import make_environment
from papersite.theme import default_theme

JINJA_BODIES = """
{% macro unreviewed_badge(lang, attributes="", class="") -%}
<small class="provenance-badge{% if class %} {{ class }}{% endif %}"{{ lang_attributes(lang) }}{{ attributes if lang is not right_to_left }}>{{ ui(lang).machine_unreviewed }}</small>
{%- endmacro %}

{% macro aria_label(key, after="") -%}
{% set first = ui(languages[0])[key] ~ after %} aria-label="{{ first }}"{% for lang in languages[1:] if ui(lang)[key] ~ after != first %}{% if loop.first %} data-label-{{ languages[0] | lower }}="{{ first }}"{% endif %} data-label-{{ lang | lower }}="{{ ui(lang)[key] ~ after }}"{% endfor %}
{%- endmacro %}

{% macro bi(text, tag="div", class="") -%}
{#- A text a machine wrote and no one reviewed gets a badge; not a title (tag "span"), which
    often sits inside a link, where the badge would become part of the link's name. -#}
{% set badged = tag != "span" %}
{% if text.shared is not none %}
{#- In no language: its direction is its first letters', the badge's not counted. -#}
<{{ tag }} class="bi {{ class }}" dir="auto">{% if badged and text.shared_unreviewed %}{{ unreviewed_badge(default_language, ' dir="auto"' | safe) }}{% endif %}{{ text.shared }}</{{ tag }}>
{%- else %}
{#- On a page in several languages, the first text there is stands in for those missing, an
    English one first. -#}
{% set shown = text.parts | selectattr("lang", "in", languages) | list %}
{% set lacking = shown | selectattr("html", "none") | map(attribute="lang") | list %}
{% set written = shown | rejectattr("html", "none") | list %}
{% set filler = ((written | selectattr("lang", "equalto", "en") | list) + written) | first if languages | length > 1 and lacking else none %}
{% for part in text.parts if part.lang in languages %}
<{{ tag }}{{ lang_attributes(part.lang) }} class="bi {{ class }}{% if part.html is none %} missing{% endif %}"{% if filler is not none and part is sameas filler %} data-fills="{{ lacking | join(' ') }}"{% endif %}>
{%- if badged and part.unreviewed and filler is not none and part is sameas filler %}{{ unreviewed_badge(part.lang, class="bi") }}{% for other in lacking %}{{ unreviewed_badge(other, class="bi stand-in") }}{% endfor %}
{%- elif badged and part.unreviewed %}{{ unreviewed_badge(part.lang) }}{% endif %}
{%- if part.html is not none %}{{ part.html }}{% else %}<span class="missing-note">{{ ui(part.lang).translation_missing }}</span>{% endif -%}
</{{ tag }}>
{#- A page in one language shows the text in another rather than nothing, marked as such. -#}
{% if part.html is none and languages | length == 1 %}{% set written = text.parts | rejectattr("html", "none") | list %}{% for other in (written | selectattr("lang", "equalto", "en") | list) + written %}{% if loop.first %}
<{{ tag }}{{ lang_attributes(other.lang, default_language) }} class="bi {{ class }} fallback">{% if badged and other.unreviewed %}{{ unreviewed_badge(default_language) }}{% endif %}{{ other.html }}</{{ tag }}>
{% endif %}{% endfor %}{% endif %}
{% endfor %}
{%- endif %}
{%- endmacro %}

{% macro label(key, tag="span") -%}
{#- Once, in an element of no language, where every language has the same words ("arXiv ID"). -#}
{% set ns = namespace(words=[]) %}{% for lang in languages %}{% set ns.words = ns.words + [ui(lang)[key]] %}{% endfor %}
{% if languages | length > 1 and ns.words | unique | list | length == 1 %}<{{ tag }} class="bi">{{ ns.words[0] }}</{{ tag }}>
{%- else %}{% for lang in languages %}<{{ tag }}{{ lang_attributes(lang) }} class="bi">{{ ui(lang)[key] }}</{{ tag }}>{% endfor %}{% endif %}
{%- endmacro %}

{% macro date(value) -%}
{% for lang in languages %}<span{{ lang_attributes(lang) }} class="bi"><time datetime="{{ value.isoformat() }}">{{ format_date(value, lang) }}</time></span>{% endfor %}
{%- endmacro %}

{% macro digest_when(digest) -%}
{% if digest.period %}<time datetime="{{ digest.period[0].isoformat() }}">{{ digest.period[0].isoformat() }}</time> – <time datetime="{{ digest.period[1].isoformat() }}">{{ digest.period[1].isoformat() }}</time>{% else %}{{ date(digest.date) }}{% endif %}
{%- endmacro %}

{% macro digest_card(digest, level=3) -%}
<article class="card digest-card">
  <h{{ level }}><a href="{{ root }}{{ digest.url }}">{{ bi(digest.title, "span") }}</a></h{{ level }}>
  <p class="meta">{{ digest_when(digest) }}{% if digest.conference_name %} · <span dir="auto">{{ digest.conference_name }}</span>{% endif %} · <span class="paper-count">{% for lang in languages %}<span{{ lang_attributes(lang) }} class="bi">{{ ui(lang).one_paper if digest.entries | length == 1 else ui(lang).paper_count.format(count=digest.entries | length) }}</span>{% endfor %}</span></p>
</article>
{%- endmacro %}

{% macro tag_list(tags) -%}
{% if tags %}
<ul class="tags"{{ aria_label("tags") }}>
{% for tag in tags %}<li><a href="{{ root }}tags/{{ tag }}/" rel="tag" dir="auto">#{{ tag }}</a></li>{% endfor %}
</ul>
{% endif %}
{%- endmacro %}


{% macro people(entry, shown=5) -%}
{#- Names are in no language the page knows: each list in the direction of its first letters. -#}
{% if entry.authors | length > shown + 1 %}
<div class="authors"><span class="visually-hidden">{{ label("authors") }}: </span><span dir="auto">{{ entry.authors[:shown] | join(", ") }}</span>,
<details class="more-authors"><summary>{% for lang in languages %}<span{{ lang_attributes(lang) }} class="bi">{{ ui(lang).more_authors.format(count=entry.authors | length - shown) }}</span>{% endfor %}</summary><span dir="auto">{{ entry.authors[shown:] | join(", ") }}</span></details></div>
{% elif entry.authors %}<p class="authors"><span class="visually-hidden">{{ label("authors") }}: </span><span dir="auto">{{ entry.authors | join(", ") }}</span></p>{% endif %}
{% if entry.affiliations %}<p class="affiliations"><span class="visually-hidden">{{ label("affiliations") }}: </span><span dir="auto">{{ entry.affiliations | join(" · ") }}</span></p>{% endif %}
{%- endmacro %}

{% macro paper_item(paper) -%}
<li><a href="{{ root }}{{ paper.url }}">{{ bi(paper.title, "span") }}</a>{% if paper.arxiv %} <span class="arxiv-id">arXiv:{{ paper.arxiv }}</span>{% endif %}</li>
{%- endmacro %}

{% macro arxiv_meta(meta, id_prefix) -%}
{% if meta %}
{#- Named after the paper: a digest page has one such region per paper, and each needs its own name. #}
<section class="arxiv-meta"{{ aria_label("arxiv_details", ": arXiv:" ~ meta.arxiv_id) }}>
  {% if meta.withdrawn %}<p class="withdrawn" role="note">{{ label("withdrawn") }}</p>{% endif %}
  <dl>
    <div><dt>{{ label("arxiv_id") }}</dt><dd><a href="{{ meta.abs_url }}" rel="noopener">arXiv:{{ meta.arxiv_id }}</a>{% if meta.version and meta.latest_version and meta.version != meta.latest_version %} <span class="meta">({{ label("shown_version") }}: v{{ meta.version }})</span>{% endif %}</dd></div>
    {% if meta.primary_category %}<div><dt>{{ label("categories") }}</dt><dd><span class="category primary-category">{{ meta.primary_category }}</span>{% for category in meta.other_categories %} <span class="category">{{ category }}</span>{% endfor %}</dd></div>{% endif %}
    {% if meta.published %}<div><dt>{{ label("submitted") }}</dt><dd>{{ date(meta.published) }}</dd></div>{% endif %}
    {% if meta.latest_version %}<div><dt>{{ label("latest_version") }}</dt><dd>v{{ meta.latest_version }}{% if meta.updated %} · {{ date(meta.updated) }}{% endif %}</dd></div>{% endif %}
    {% if meta.journal_ref %}<div><dt>{{ label("journal_ref") }}</dt><dd><span dir="auto">{{ meta.journal_ref }}</span></dd></div>{% endif %}
    {% if meta.venue %}<div><dt>{{ label("venue") }}</dt><dd><span dir="auto">{{ meta.venue }}</span></dd></div>{% endif %}
    {% if meta.citation_count is not none %}<div><dt>{{ label("citations") }}</dt><dd>{% if meta.semantic_scholar_url %}<a href="{{ meta.semantic_scholar_url }}" rel="noopener">{{ meta.citation_count }}</a>{% else %}{{ meta.citation_count }}{% endif %}</dd></div>{% endif %}
  </dl>
  <ul class="links arxiv-links">
    <li><a class="link link-paper" href="{{ meta.abs_url }}" rel="noopener">{{ label("abstract_page") }}</a></li>
    <li><a class="link link-pdf" href="{{ meta.pdf_url }}" rel="noopener">PDF</a></li>
    {% if meta.doi %}<li><a class="link link-doi" href="{{ doi_url(meta.doi) }}" rel="noopener">DOI: {{ meta.doi }}</a></li>{% endif %}
    {% if meta.open_access_pdf %}<li><a class="link link-pdf" href="{{ meta.open_access_pdf }}" rel="noopener">{{ label("open_access_pdf") }}</a></li>{% endif %}
  </ul>
  <details class="cite">
    <summary>{{ label("cite") }} <span class="meta">BibTeX</span></summary>
    <pre class="bibtex" id="{{ id_prefix }}_bibtex" tabindex="0"><code>{{ meta.bibtex }}</code></pre>
    <button type="button" class="copy-button" data-copy="{{ id_prefix }}_bibtex" hidden>{% for lang in languages %}<span{{ lang_attributes(lang) }} class="bi" data-default="{{ ui(lang).copy_button }}" data-done="{{ ui(lang).copied }}">{{ ui(lang).copy_button }}</span>{% endfor %}</button>
  </details>
</section>
{% endif %}
{%- endmacro %}
"""


def digest(**fields: object) -> SimpleNamespace:
    """A digest as the list macros read it."""
    values = {"url": "weekly/2025-03-17/", "title": TEXTS[2], "period": None,
              "date": dt.date(2025, 3, 17), "conference_name": None, "entries": [1, 2, 3]}  # fmt: skip
    return SimpleNamespace(**{**values, **fields})


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
    for call in ['label("summary")', 'label("papers", "h2")', 'label("arxiv_id")', "date(day)"]:
        python, jinja = render_both(env, call, day=dt.date(2025, 3, 7), **values)
        assert python == jinja, call
        assert python  # something was written: a page never shows an empty label


def test_an_unknown_label_is_a_template_error(env: jinja2.Environment) -> None:
    template = env.from_string(
        '{% import "macros.html" as m with context %}\n{{ m.label("no-such-word") }}'
    )
    with pytest.raises(jinja2.UndefinedError, match="no-such-word"):
        template.render(languages=["ko"], default_language="ko")


DIGESTS = [
    lambda: digest(),
    lambda: digest(period=(dt.date(2025, 3, 17), dt.date(2025, 3, 23)), entries=[]),
    lambda: digest(conference_name="NeurIPS <2025> & co", entries=[1], title=TEXTS[-1]),
    lambda: digest(url='odd/"quoted"/', title=TEXTS[7]),
]
PAPERS = [
    SimpleNamespace(url="papers/2503.14476/", title=TEXTS[2], arxiv="2503.14476"),
    SimpleNamespace(url="papers/a-title/", title=TEXTS[-2], arxiv=None),
    SimpleNamespace(url="papers/<x>/", title=TEXTS[5], arxiv="2503.1&"),
]


def entry(authors: list[str], affiliations: list[str]) -> SimpleNamespace:
    """A paper as ``people`` reads it."""
    return SimpleNamespace(authors=authors, affiliations=affiliations)


NAMES = ["Ada <Lovelace>", "Alan & Turing", "Grace 'Hopper'", 'Edsger "W" Dijkstra', "김철수"]
ENTRIES = [
    entry([], []),
    entry(NAMES[:1], ["KAIST & <Lab>"]),
    entry(NAMES[:5], []),
    entry([*NAMES[:5], "Sixth"], ["A", "B · C"]),  # one more than shown: all are shown
    entry(NAMES * 3, []),  # the rest open with <details>
]


@pytest.mark.parametrize("languages", LANGUAGES, ids=" ".join)
@pytest.mark.parametrize("root", ["../../", ""])
def test_list_items_authors_and_tags_are_written_as_their_jinja_bodies_wrote_them(
    env: jinja2.Environment, languages: list[str], root: str
) -> None:
    values = {"languages": languages, "default_language": languages[0], "root": root}
    calls = [
        (call, make()) for make in DIGESTS for call in ["digest_card(item)", "digest_card(item, 2)"]
    ]
    calls += [("paper_item(item)", paper) for paper in PAPERS]
    calls += [(call, item) for item in ENTRIES for call in ["people(item)", "people(item, 2)"]]
    calls += [("tag_list(item)", tags) for tags in [[], ["rl"], ["<x>", "a&b", 'q"uote']]]
    for call, item in calls:
        python, jinja = render_both(env, call, item=item, **values)
        assert python == jinja, (call, item)


def meta(**fields: object) -> SimpleNamespace:
    """What arXiv says about a paper, as ``arxiv_meta`` reads it: every row shown."""
    values = {
        "arxiv_id": "2503.14476v2", "abs_url": "https://arxiv.org/abs/2503.14476v2",
        "pdf_url": "https://arxiv.org/pdf/2503.14476v2", "version": 2, "latest_version": 3,
        "updated": dt.date(2025, 4, 1), "published": dt.date(2025, 3, 18),
        "primary_category": "cs.LG", "other_categories": ["cs.AI", "stat.ML"],
        "doi": "10.48550/arXiv.2503.14476", "journal_ref": "NeurIPS <2025> & \"co\"",
        "withdrawn": False, "citation_count": 12, "venue": "NeurIPS & <Datasets>",
        "open_access_pdf": "https://example.org/a.pdf?x=1&y=2",
        "semantic_scholar_url": "https://www.semanticscholar.org/arxiv/2503.14476",
        "bibtex": "@article{yu2025dapo,\n  title = {DAPO: {A} <b> & 'c'},\n}",
    }  # fmt: skip
    return SimpleNamespace(**{**values, **fields})


METAS = [
    meta(),
    meta(withdrawn=True, version=3, other_categories=["<cs.X>"], doi='10.1/<&> #?%"'),
    meta(version=None, updated=None, other_categories=[], citation_count=0),
    meta(semantic_scholar_url=None, doi=None, open_access_pdf=None, venue=None),
    meta(primary_category="", published=None, latest_version=None, journal_ref=None),
    meta(citation_count=None, arxiv_id='<x>&"', abs_url='https://x/?a=1&b="2"'),
]


@pytest.mark.parametrize("languages", LANGUAGES, ids=" ".join)
def test_arxiv_details_are_written_as_their_jinja_body_wrote_them(
    env: jinja2.Environment, languages: list[str]
) -> None:
    # The DOI's link is percent-encoded (``snippets.doi_url``), which Jinja cannot do alone.
    values = {"languages": languages, "default_language": languages[0], "doi_url": snippets.doi_url}
    for details in METAS:
        for prefix in ["paper", 'a-"b"<c>']:
            python, jinja = render_both(
                env, "arxiv_meta(item, prefix)", item=details, prefix=prefix, **values
            )
            assert python == jinja, (details, prefix)
            assert f'id="{prefix}_bibtex"' in python or '"' in prefix
    assert render_both(env, "arxiv_meta(item, 'paper')", item=None, **values) == ("", "")


SEARCH_BODIES = """
{% macro filters(kinds, tags) -%}
{% macro words(key) %}{% for lang in languages %}{{ ui(lang)[key] }}{% if not loop.last %} / {% endif %}{% endfor %}{% endmacro -%}
{% for kind in kinds %}<span hidden data-pagefind-filter="{{ words('kind') }}:{{ words('kind_' ~ kind) }}"></span>{% endfor %}{% for tag in tags %}<span hidden data-pagefind-filter="{{ words('tags') }}:{{ tag }}"></span>{% endfor %}
{%- endmacro %}
"""


@pytest.mark.parametrize("languages", LANGUAGES, ids=" ".join)
def test_what_the_search_index_reads_is_written_as_its_jinja_bodies_wrote_it(
    env: jinja2.Environment, languages: list[str]
) -> None:
    theme_import = '{% import "search_meta.html" as search with context %}'
    values: dict[str, object] = {"languages": languages, "default_language": languages[0]}
    calls = [
        ("filters(item, ['<tag>', 'rl'])", ["weekly", "conference"]),
        ("filters(item | unique, [])", ["weekly", "weekly"]),  # a generator, as paper.html's
        ("filters(item, [])", []),
    ]
    for call, item in calls:
        python = env.from_string(theme_import + "{{ search." + call + " }}")
        jinja = env.from_string(SEARCH_BODIES + "{{ " + call + " }}")
        expected = jinja.render(item=item, **values).lstrip("\n")
        assert python.render(item=item, **values) == expected, call


def test_the_search_index_holds_each_titles_text_per_language_as_json(
    env: jinja2.Environment,
) -> None:
    """What the search page shows of a result, for ``templates/assets/search.js`` to mark each
    language's text: one string per site language ("" where the text has none of its own),
    one string for a text that is the same in every language, and a weekly digest's dates."""
    both = BiText((Part("ko", KO), Part("en", EN)), None, {"ko": '강화 "학습"', "en": "RL"})
    korean = BiText((Part("ko", KO), Part("en", None)), None, {"ko": "다포", "en": "다포"})
    shared = BiText((), Markup("DAPO"), {"ko": "DAPO", "en": "DAPO"})
    period = (dt.date(2025, 12, 2), dt.date(2025, 12, 7))
    subjects = [both, korean, shared, digest(title=both, period=period), digest(title=shared)]
    page = env.from_string(
        '{% import "search_meta.html" as search with context %}'
        '<h1 data-pagefind-meta="title:{{ search.labels(item) }}"></h1>'
    ).render(item=subjects, languages=["ko", "en"], default_language="ko")

    meta = BeautifulSoup(page, "html5lib").h1["data-pagefind-meta"]
    assert meta.startswith("title:")
    assert json.loads(meta.removeprefix("title:")) == [
        [['강화 "학습"', "RL"], ""],
        [["다포", ""], ""],
        ["DAPO", ""],
        [['강화 "학습"', "RL"], "2025-12-02 – 2025-12-07"],
        ["DAPO", ""],
    ]


def test_the_search_page_has_the_words_of_the_index_in_each_language() -> None:
    assert json.loads(snippets.search_words(["ko", "en"])) == [
        ["종류", "Kind"], ["태그", "Tags"], ["주간", "Weekly"], ["학회", "Conference"],
        ["다이제스트", "Digest"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("- 이번 주에 **선정된** 논문은\n- 둘째", "이번 주에 선정된 논문은 둘째"),
        ('[링크](https://a.b "t")와 ![그림](https://a.b/c.png) `code`', "링크와 그림 code"),
        ("1. one\n2) two\n## Head\n> quote", "one two Head quote"),
        ("Note[^1] and^[inline]\n\n[^1]: the note\n    more of it\n\nafter", "Note and after"),
        ("*em*, ~~gone~~, snake_case, 2*3*4, $x_i^2$", "em, gone, snake_case, 2*3*4, $x_i^2$"),
        (Markup("R&amp;D &lt;b&gt;"), "R&D <b>"),  # a block's output, escaped
    ],
)
def test_a_description_is_a_texts_words_without_its_markdown(markdown: str, plain: str) -> None:
    assert snippets.plain_text(markdown) == plain


LONG = "x" * 700
"""Longer than the piece of Markdown a description is first made from."""
AFTER = " and the words after it." * 30


@pytest.mark.parametrize(
    "markdown",
    [
        f"Read [the list](https://example.org/{LONG}) first{AFTER}",  # a link
        f"![a figure](https://example.org/{LONG}.png){AFTER}",  # an image
        f"Read <https://example.org/{LONG}> first{AFTER}",  # an autolink
        f"**{'bold words ' * 70}bold**{AFTER}",  # strong emphasis
        f"*{'emphasised words ' * 50}words*{AFTER}",  # emphasis
        f"`{'code ' * 150}`{AFTER}",  # a code span
        "A set $" + r"\{x\} + " * 100 + r"\{x\}$ of" + AFTER,  # a formula: its \{ is TeX's
        f"[1] is cited, then [a link](https://example.org/{LONG}){AFTER}",  # a [ of the text's
    ],
)
def test_a_description_is_cut_after_its_marks_are_left_out(markdown: str) -> None:
    """It was cut from the first 600 characters of Markdown: a link, emphasis, code span or
    formula cut in two showed its marks ("[the list](https://example.org/xxx")."""
    whole = plain.markdown_words(markdown)

    assert snippets.plain_text(markdown) == whole[: snippets.DESCRIBED]


def test_a_long_texts_description_reads_only_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 50 KB text of words (and marks, closed) gives its description from its first 600
    characters, as a 1 KB one does: reading all of it took 3 ms."""
    read: list[int] = []

    def words(markdown: str) -> str:
        read.append(len(markdown))
        return plain.markdown_words(markdown)

    monkeypatch.setattr(snippets, "markdown_words", words)
    sentence = (
        "We tune a model with **RL** on [data](https://example.org/) for `pass@1` and $x^2$. "
    )
    text = sentence * 600

    assert snippets.plain_text(text) == plain.markdown_words(text)[: snippets.DESCRIBED]
    assert read == [600]


@pytest.mark.parametrize(
    ("html", "level", "expected"),
    [
        ("<h1>a</h1><h2>b</h2><h3>c</h3>", 3, "<h4>a</h4><h5>b</h5><h6>c</h6>"),
        ("<h1>a</h1><h3>b</h3><h4>c</h4>", 4, "<h5>a</h5><h6>b</h6><h6>c</h6>"),  # none below h6
        ("<h5>a</h5><hr /><h6>b</h6>", 1, "<h2>a</h2><hr /><h3>b</h3>"),
        ("<p>&lt;h1&gt; is text</p>", 2, "<p>&lt;h1&gt; is text</p>"),
        # A gap within a text is closed: each heading at most one below the one before it.
        ("<h1>a</h1><h3>b</h3>", 2, "<h3>a</h3><h4>b</h4>"),
        ("<h2>a</h2><h4>b</h4><h2>c</h2>", 2, "<h3>a</h3><h4>b</h4><h3>c</h3>"),
        (
            '<div lang="ko"><h1>a</h1><h3>b</h3></div><div lang="en"><h1>c</h1></div>',
            1,
            '<div lang="ko"><h2>a</h2><h3>b</h3></div><div lang="en"><h2>c</h2></div>',
        ),
    ],
)
def test_headings_under_moves_a_texts_headings_below_the_pages(
    html: str, level: int, expected: str
) -> None:
    assert snippets.headings_under(Markup(html), level) == Markup(expected)
