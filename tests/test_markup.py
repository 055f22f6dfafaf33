"""Markdown and math in digest texts: safe HTML, MathML without JavaScript, inert hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from papersite.cache import BuildCache
from papersite.markup import MarkdownRenderer, Rendering, plain_paragraph
from papersite.plain import markdown_words


def render(text: str, *, inline: bool = False) -> Rendering:
    return MarkdownRenderer().render(text, inline=inline)


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html5lib")


def test_raw_html_is_escaped_not_passed_through() -> None:
    rendering = render('<script>alert(1)</script> and <img src="x" onerror="alert(1)">')

    soup = parse(rendering.html)
    assert soup.find("script") is None
    assert soup.find("img") is None
    assert "<script>alert(1)</script>" in soup.get_text()


@pytest.mark.parametrize(
    "url",
    ["https://example.org/a", "http://example.org/", "mailto:editor@example.org", "../papers/x/"],
)
def test_safe_links_are_rendered(url: str) -> None:
    soup = parse(render(f"[read]({url})").html)

    assert soup.find("a", href=url) is not None


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
        "![x](javascript:alert(1))",
        "[x](file:///etc/passwd)",
        "[x](//evil.example/x)",  # another host, over file: when opened from disk
        "<//evil.example/x>",
        "![x](//evil.example/pixel.gif)",
    ],
)
def test_unsafe_links_produce_no_link_or_image(text: str) -> None:
    soup = parse(render(text).html)

    urls = [tag.get("href") for tag in soup.find_all("a")]
    urls += [tag.get("src") for tag in soup.find_all("img")]
    assert urls == []


def test_footnotes_of_texts_shown_on_one_page_have_their_own_ids() -> None:
    """Every text numbers its footnotes from 1; a page shows many texts (an overview, each
    paper's summary, in each language), and each reference must lead to its own note."""
    renderer = MarkdownRenderer()
    texts = ["Overview.[^1]\n\n[^1]: First note.", "Summary.[^n]\n\n[^n]: Second note."]
    page = parse("".join(renderer.render(text).html for text in [*texts, "Inline^[Third note.]"]))

    ids = [element["id"] for element in page.find_all(id=True)]
    assert len(ids) == len(set(ids)) == 6, ids  # a reference and a note for each text
    references = page.select("sup a[href^='#']")
    notes = [page.find(id=ref["href"][1:]).get_text() for ref in references]
    assert "First note." in notes[0] and "Second note." in notes[1], notes
    assert "Third note." in notes[2], notes
    for back in page.select("a.footnote-backref"):
        assert page.find(id=back["href"][1:]) is not None, back


def test_tables_render() -> None:
    soup = parse(render("| model | score |\n|---|---|\n| DAPO | 50 |").html)

    table = soup.find("table")
    assert table is not None
    assert [th.get_text() for th in table.find_all("th")] == ["model", "score"]
    assert [td.get_text() for td in table.find_all("td")] == ["DAPO", "50"]


def test_footnotes_render_with_working_anchors() -> None:
    soup = parse(render("A claim.[^1]\n\n[^1]: The source.").html)

    reference = soup.select_one("sup a[href^='#']")
    assert reference is not None
    target = soup.find(id=reference["href"][1:])
    assert target is not None
    assert "The source." in target.get_text()


def test_inline_math_becomes_mathml() -> None:
    rendering = render(r"The bound is $\Omega(\sqrt{d})$ here.")

    soup = parse(rendering.html)
    math = soup.find("math")
    assert math is not None
    assert math.find("msqrt") is not None
    assert math.get("display") != "block"
    assert soup.find("script") is None
    assert rendering.warnings == []


def test_display_math_becomes_block_mathml() -> None:
    rendering = render("Before.\n\n$$\nO = \\sigma(w) \\odot A\n$$\n\nAfter.")

    soup = parse(rendering.html)
    math = soup.find("math")
    assert math is not None
    assert math["display"] == "block"
    assert math.parent is not None and math.parent.get("tabindex") == "0", "scrolls by keyboard"
    assert math.find_parent("p") is None
    assert soup.find("script") is None
    assert rendering.warnings == []


def test_display_math_inside_a_sentence_keeps_the_paragraph_whole() -> None:
    soup = parse(render("Before $$x^2$$ after.").html)

    paragraph = soup.find("p")
    assert paragraph is not None
    assert paragraph.find("math") is not None
    assert "Before" in paragraph.get_text()
    assert "after." in paragraph.get_text()


def test_dollar_amounts_stay_text() -> None:
    rendering = render("It costs $5 and $10.")

    soup = parse(rendering.html)
    assert soup.find("math") is None
    assert soup.get_text().strip() == "It costs $5 and $10."
    assert rendering.warnings == []


def test_inline_rendering_has_no_paragraph() -> None:
    soup = parse(render("A *title*", inline=True).html)

    assert soup.find("p") is None
    assert soup.find("em").get_text() == "title"


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (r"See $\notacommand{x}$.", r"$\notacommand{x}$"),
        ("$$\\frac{1}{$$", "$$\\frac{1}{$$"),
        ("$$\n\\frac{1}{\n$$", "\\frac{1}{"),
        # Environments latex2mathml does not know: it would drop them and keep their bodies.
        ("$$\\begin{bogus}x\\end{bogus}$$", "\\begin{bogus}x\\end{bogus}"),
        ("$$\\begin{aligned}a&=b\\end{aligned}$$", "\\begin{aligned}a&=b\\end{aligned}"),
    ],
)
def test_unconvertible_tex_is_shown_as_source_with_a_warning(text: str, source: str) -> None:
    rendering = render(text)

    soup = parse(rendering.html)
    assert soup.find("math") is None
    assert source in soup.get_text()
    assert len(rendering.warnings) == 1
    assert "could not convert TeX" in rendering.warnings[0]


def test_html_inside_tex_text_is_inert() -> None:
    rendering = render(r"$\text{<script>alert(1)</script>}$")

    soup = parse(rendering.html)
    assert soup.find("script") is None
    assert "<script>" not in rendering.html


@pytest.mark.parametrize(
    "tex",
    [
        r"\href{javascript:alert(1)}{click}",
        r"\href{data:text/html,x}{d}",
        r"\style{position:fixed;top:0;width:100vw;height:100vh}{x}",
        r"\class{visually-hidden}{x}",
        r'\style{a" onmouseover="x}{y}',
    ],
)
def test_tex_cannot_give_the_page_links_styles_or_classes(tex: str) -> None:
    """latex2mathml turns these commands into attributes as written: the formula is shown as
    its source instead, with a warning, and no element of the page gets such an attribute."""
    rendering = render(f"A ${tex}$ B")

    soup = parse(rendering.html)
    assert soup.find("math") is None
    for element in soup.find_all(True):
        assert not {"href", "style", "onmouseover"} & set(element.attrs), element
        assert set(element.get("class", [])) <= {"math", "inline", "tex"}, element
    assert tex in soup.get_text()
    assert len(rendering.warnings) == 1 and "unexpected markup" in rendering.warnings[0]


@pytest.mark.parametrize(
    ("tex", "attribute"),
    [
        (r"\hat{x}", "accent"),
        (r"\binom{n}{k}", "linethickness"),
        (r"\begin{array}{|c|l|} a & b \\ \hline c & d \end{array}", "columnalign"),
        (r"\boxed{x}", "notation"),
        (r"\color{red}{x}", "mathcolor"),
        (r"\xrightarrow{a}", "voffset"),
    ],
)
def test_formulas_with_presentational_attributes_are_converted(tex: str, attribute: str) -> None:
    rendering = render(f"${tex}$")

    math = parse(rendering.html).find("math")
    assert math is not None and rendering.warnings == []
    assert math.find(attrs={attribute: True}) is not None


def test_comparison_signs_in_tex_are_not_markup() -> None:
    rendering = render("$a<b>c$")

    soup = parse(rendering.html)
    math = soup.find("math")
    assert math is not None
    assert soup.find("b") is None
    assert [mo.get_text() for mo in math.find_all("mo")] == ["<", ">"]


def test_every_text_is_rendered_the_same_way_each_time() -> None:
    renderer = MarkdownRenderer()

    first = renderer.render(r"$\notacommand{x}$")
    second = renderer.render(r"$\notacommand{x}$")

    assert first.html == second.html
    assert first.warnings == second.warnings


def test_prefetch_renders_on_every_core_what_one_process_would(tmp_path: Path) -> None:
    texts = [
        (f"Paper {n}: **bold** text with $x_{n}^2$ and a [link](https://arxiv.org/abs/{n})", False)
        for n in range(300)
    ] + [(f"Title {n} with $\\notacommand{n}$", True) for n in range(30)]
    store = BuildCache(tmp_path / "cache")
    prefetched = MarkdownRenderer(store)

    prefetched.prefetch([(source, inline, None, "") for source, inline in texts])

    def must_not_render(source: tuple[str, bool, str, str]) -> Rendering:
        raise AssertionError(f"rendered again in the process: {source!r}")

    prefetched._render = must_not_render  # type: ignore[method-assign]
    one_process = MarkdownRenderer()
    for source, inline in texts:
        assert prefetched.render(source, inline=inline) == one_process.render(source, inline=inline)
    assert one_process.render(texts[-1][0], inline=True).warnings, "bad TeX warns, prefetched too"
    store.save()
    from_cache = MarkdownRenderer(BuildCache(tmp_path / "cache"))
    from_cache._render = must_not_render  # type: ignore[method-assign]
    assert from_cache.render(texts[0][0]) == one_process.render(texts[0][0])


@pytest.mark.parametrize(
    "plain",
    [
        "See [1](https://example.org) and ``Why?'' and __init__",
        "A *very* fast `method` <b>bold</b> & \\alpha",
        "# not a heading, 1. not a list, > not a quote",
        "Attention_is_all \\[sic\\] ~~kept~~ | pipe | !bang",
    ],
)
@pytest.mark.parametrize("inline", [True, False])
def test_plain_text_made_markdown_reads_back_as_its_words(plain: str, inline: bool) -> None:
    """arXiv's texts are shown through Markdown that escapes their marks (``plain_paragraph``);
    their words for a page's description, ``<title>``, feeds and search (``markdown_words``)
    are the text itself, not its escapes (a '[1](x)' once read back as '\\1\\')."""
    assert markdown_words(plain_paragraph(plain), inline=inline) == plain


def test_markdown_words_leaves_out_marks_but_keeps_escaped_ones() -> None:
    text = "**bold** and [a link](https://example.org) and \\*stars\\* and `code` and \\`tick\\`"
    assert markdown_words(text, inline=True) == "bold and a link and *stars* and code and `tick`"


@pytest.mark.parametrize(
    "text",
    [
        r"$k$-means finds 5",  # the paragraph ends with a digit
        "$x$ is a line ending in a backslash \\",
        r"$\alpha$ grows as $n^2$, up to 2",
    ],
    ids=["ends-with-a-digit", "ends-with-a-backslash", "two-formulas"],
)
def test_a_formula_opening_a_paragraph_is_math_whatever_the_paragraph_ends_with(text: str) -> None:
    """mdit-py-plugins' dollar rule takes the character before a paragraph's first ``$`` to be
    the paragraph's last one (``src[-1]``): a digit or a backslash there left the formula as
    text with its dollars. Inline and block texts alike."""
    for inline in (False, True):
        soup = parse(render(text, inline=inline).html)
        formulas = soup.find_all("math")
        assert len(formulas) == text.count("$") // 2, (inline, str(soup))
        assert "$" not in soup.get_text()
