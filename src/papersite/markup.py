"""Markdown and math: the text of a digest → safe HTML.

markdown-it-py (CommonMark, with tables, strikethrough and footnotes) renders every text, with
these safety rules: raw HTML is escaped, not passed through, and links and images may only point
at http(s), mailto or relative URLs. ``$…$`` and ``$$…$$`` are converted to MathML at build time
(latex2mathml), so formulas need no JavaScript; TeX that cannot be converted is shown as its
escaped source and reported as a warning.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar
from mdit_py_plugins.footnote import footnote_plugin

from papersite.cache import BuildCache
from papersite.glossary import SOURCE_LANGUAGE, TARGET_LANGUAGE, glossary_key, use_glossary
from papersite.i18n import primary_language
from papersite.model import Glossary
from papersite.parallel import fork_map, workers_for
from papersite.plain import around_math, is_safe_link

# What makes a line a Markdown block (heading, quote, list, fence, table, rule) rather than a
# paragraph; plain text from arXiv starting this way is escaped so it stays a paragraph.
_BLOCK_START = re.compile(r"^(\s*)([#>+*|=`~-]|\d+[.)])")
# latex2mathml passes commands it does not know through as text (<mi>\eg</mi>): a backslash left
# in its output means the formula was not understood.
_UNCONVERTED = re.compile(r">[^<]*\\[A-Za-z]")
_ENVIRONMENT = re.compile(r"\\begin\s*\{([^}]*)\}")
# Defence in depth: latex2mathml copies \text{...} verbatim, and turns \href, \style and
# \class into attributes as given (href="javascript:…", a style that covers the page), so its
# output may only hold MathML elements with presentational attributes; anything else is treated
# as TeX it could not convert.
_MATHML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_MATHML_ATTRIBUTE = re.compile(r'\s+([A-Za-z][A-Za-z-]*)="[^"<>]*"')
_MATHML_ELEMENTS = frozenset(
    (
        "math mrow mi mn mo mtext mspace ms mfrac msqrt mroot mstyle merror mpadded mphantom "
        "menclose msub msup msubsup munder mover munderover mmultiscripts mprescripts none "
        "mtable mtr mtd mlabeledtr semantics annotation"
    ).split()
)
_MATHML_ATTRIBUTES = frozenset(
    (
        "xmlns display mathvariant mathcolor mathbackground mathsize stretchy fence form "
        "separator lspace rspace movablelimits accent accentunder largeop symmetric minsize "
        "maxsize linethickness bevelled numalign denomalign columnalign columnlines "
        "columnspacing columnspan rowalign rowlines rowspacing rowspan frame framespacing "
        "equalrows equalcolumns displaystyle scriptlevel width height depth voffset notation "
        "align side encoding"
    ).split()
)


@dataclass
class Rendering:
    """HTML made from one text, and what went wrong along the way."""

    html: Markup
    warnings: list[str] = field(default_factory=list)


Source = tuple[str, bool, str, str]
"""What a rendering is made from: the text, whether inline, its language where the glossary
marks terms in it ("" otherwise), and where it stands when it may have footnotes ("" otherwise;
see ``MarkdownRenderer.source``)."""

MINIMUM_TEXTS = 200
"""Below this many texts to render, one process is quicker than starting workers."""

MAX_NESTING = 100
"""How deep lists, quotes, emphasis and links may nest (a list item is two levels: the list and
the item). markdown-it's CommonMark preset allows 20, ten levels of list, and silently drops
whatever is deeper; a text nested deeper than this is shown as its source (``_TooDeep``)."""


class _TooDeep(Exception):
    """The block parser reached ``MAX_NESTING`` with text still to read, which it would drop."""


_WHOLE = "papersite_whole"
"""The env key that asks the block parser to raise ``_TooDeep`` rather than drop text."""


class MarkdownRenderer:
    """Renders digest texts; each distinct text is rendered once and remembered."""

    def __init__(self, store: BuildCache | None = None, glossary: Glossary | None = None) -> None:
        self._warnings: list[str] = []
        self._md = self._make_parser()
        self._cache: dict[Source, Rendering] = {}
        self._store = store
        """The build cache, which remembers renderings from one build to the next."""
        self._marked: frozenset[str] = frozenset()
        """The languages whose texts the glossary marks (their renderings differ by language)."""
        self._glossary_key = glossary_key(glossary)
        if glossary is not None and glossary.terms:
            use_glossary(self._md, glossary)
            self._marked = frozenset({SOURCE_LANGUAGE, TARGET_LANGUAGE})

    @property
    def parser(self) -> MarkdownIt:
        """The configured parser, for code that must read texts as the pages do (which URLs a
        text links to, say) without rendering them."""
        return self._md

    def _make_parser(self) -> MarkdownIt:
        md = MarkdownIt(
            "commonmark", {"html": False, "typographer": False, "maxNesting": MAX_NESTING}
        )
        md.enable(["table", "strikethrough"])
        _refuse_to_drop_deep_text(md)
        md.validateLink = is_safe_link  # type: ignore[method-assign]
        md.use(footnote_plugin)
        # Pandoc's rule: `$` opens math only before a non-space and closes only after one,
        # and not before a digit, so "$5 and $10" stays text.
        md.use(
            dollarmath_plugin,
            allow_labels=False,
            double_inline=True,
            renderer=self._math,
            **DOLLAR_RULES,
        )
        opening = math_inline_dollar(allow_double=True, **DOLLAR_RULES)
        md.inline.ruler.at("math_inline", _nothing_before_the_start(opening))

        # A formula wider than a phone scrolls inside its wrapper; tabindex lets keyboard users
        # reach and scroll it. `$$…$$` inside a sentence gets a <span>, not the plugin's <div>,
        # which cannot stand in a <p>: browsers would split the paragraph around it.
        def wrapped(tag: str, display: str) -> Any:
            def rule(
                renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
            ) -> str:
                mathml = self._math(
                    tokens[idx].content.strip(), {"display_mode": display == "block"}
                )
                return f'<{tag} class="math {display}" tabindex="0">{mathml}</{tag}>'

            return rule

        md.add_render_rule("math_inline", wrapped("span", "inline"))
        md.add_render_rule("math_inline_double", wrapped("span", "block"))
        md.add_render_rule("math_block", wrapped("div", "block"))
        return md

    def _math(self, tex: str, options: dict[str, Any]) -> str:
        display = "block" if options.get("display_mode") else "inline"
        # `<` and `>` are relations in TeX; as commands they can never reach the output as markup.
        safe_tex = tex.replace("<", r"\lt ").replace(">", r"\gt ")
        # Imported by the first formula: 20-40 ms (it parses its table of symbols) that a
        # rebuild whose edited texts have none need not pay.
        from latex2mathml.commands import MATRICES
        from latex2mathml.converter import convert as tex_to_mathml

        # An environment latex2mathml does not know is dropped, its body kept as if plain
        # (`aligned` shows its `&`): not what the author wrote.
        if any("\\" + name not in MATRICES for name in _ENVIRONMENT.findall(tex)):
            return self._unconverted(tex, display, "unknown environment")
        try:
            mathml = tex_to_mathml(safe_tex, display=display)
        except Exception as error:  # latex2mathml raises many kinds for malformed TeX
            return self._unconverted(tex, display, type(error).__name__)
        if _UNCONVERTED.search(mathml):
            return self._unconverted(tex, display, "unknown command")
        if not _only_mathml(mathml):
            return self._unconverted(tex, display, "unexpected markup")
        return mathml

    def _unconverted(self, tex: str, display: str, reason: str) -> str:
        self._warnings.append(
            f"could not convert TeX to MathML ({reason}), shown as source: {tex!r}"
        )
        delimiter = "$$" if display == "block" else "$"
        tag = "pre" if display == "block" else "code"
        return f'<{tag} class="tex">{escape(delimiter + tex + delimiter)}</{tag}>'

    def render(
        self, source: str, *, inline: bool = False, lang: str | None = None, place: str = ""
    ) -> Rendering:
        """HTML for ``source``, without its surrounding whitespace; ``inline`` renders a single
        line without a paragraph; ``lang`` is the text's language, for the glossary's terms
        (None: a text in every language); ``place`` names where the text stands (its file,
        field and language), which its footnotes' ids are made from."""
        key = self.source(source, inline, lang, place)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._stored(key)
        return cached

    def forget(self) -> None:
        """Drop the memo of renderings, and the build cache: the renderer is in a reference
        cycle with its parser, so without this the memo and the cache's renderings (tens of
        thousands of objects each on a large site) would be freed only by the cyclic garbage
        collector, which a build holds off (``heap.py``), and at the latest when Python exits
        (a third of a second at 10,000 papers). The renderer renders on, without the cache."""
        self._cache.clear()
        self._store = None

    def source(self, text: str, inline: bool, lang: str | None, place: str = "") -> Source:
        """What a rendering depends on: the language only where the glossary marks it, which
        is in block texts. Titles (inline) are not marked: they often stand inside a link,
        where a focusable ``<abbr>`` may not. The text is kept as given (the model's own
        string), and stripped only where it is rendered or hashed: a stripped copy of every text
        of a large site would be 50 MB more, and each copy hashed again on every look-up.

        The place only where the text may have footnotes: their ids are made from it, as the same
        text can stand twice on a page (a paper's introduction in two digests, on its page; a
        summary copied as the abstract), and each reference must lead to its own note."""
        marked = lang if lang and primary_language(lang) in self._marked and not inline else ""
        return (text, inline, marked, place if "^" in text else "")

    def prefetch(self, texts: Iterable[tuple[str, bool, str | None, str]]) -> None:
        """Render now, on every core, those of ``texts`` (text, inline, language, place) that neither
        this renderer nor the build cache has rendered, so that ``render`` finds them ready.
        Only a speed-up: a text left out is rendered when asked for, in this process."""
        missing, keys = [], []  # each key made once: 60,000 texts hashed on a large site
        for source in dict.fromkeys(self.source(*text) for text in texts):
            if source in self._cache:
                continue
            key = None if self._store is None else self._store_key(source)
            if self._stored_only(source, key) is None:
                missing.append(source)
                keys.append(key)
        processes = workers_for(len(missing), MINIMUM_TEXTS)
        if processes < 2:
            return

        def render_share(numbers: range) -> list[tuple[int, Rendering]]:
            return [(number, self._render(missing[number])) for number in numbers]

        for share in fork_map(render_share, len(missing), processes):
            for number, rendering in share:
                self._remember(missing[number], rendering, keys[number])

    def _remember(self, source: Source, rendering: Rendering, key: str | None = None) -> None:
        """``rendering`` of ``source``, kept here and in the build cache (under ``key``, made
        from ``source`` when not given)."""
        self._cache[source] = rendering
        if self._store is not None:
            value = (rendering.html, tuple(rendering.warnings))
            self._store.put("markup", key or self._store_key(source), value)

    def _stored(self, source: Source) -> Rendering:
        """The rendering the build cache holds for ``source``, made and stored if it has none."""
        rendering = self._stored_only(source)
        if rendering is None:
            rendering = self._render(source)
            self._remember(source, rendering)
        return rendering

    def _stored_only(self, source: Source, key: str | None = None) -> Rendering | None:
        """The rendering the build cache holds for ``source`` (under ``key``, made from
        ``source`` when not given), now remembered here too."""
        if self._store is None:
            return None
        stored = self._store.get("markup", key or self._store_key(source))
        if stored is None:
            return None
        html, warnings = stored
        # Markup as stored, not a copy: the cache's strings are the pages' (a tenth of the memory
        # of a large site); older entries hold plain strings.
        html = html if isinstance(html, Markup) else Markup(html)
        self._cache[source] = Rendering(html, list(warnings))
        return self._cache[source]

    def _render(self, source: Source) -> Rendering:
        text, inline, lang, place = source
        self._warnings = []
        env: dict[str, Any] = {"lang": lang, _WHOLE: True}
        text = text.strip()
        if "^" in text:  # may have footnotes (`[^1]`, `^[…]`)
            # Their ids are named after the text and its place, not numbered from 1 in each: a
            # page shows many texts (both languages, every paper of a digest), and each text's
            # "[1]" must lead to its own note.
            named = f"{lang}\0{text}" + (f"\0{place}" if place else "")
            env["docId"] = hashlib.blake2b(named.encode(), digest_size=4).hexdigest()
        try:
            html = self._md.renderInline(text, env) if inline else self._md.render(text, env)
        except _TooDeep:
            self._warnings = [
                f"lists and quotes nested more than {MAX_NESTING} levels deep (a list and its "
                "item are two), shown as source: nest them less deeply"
            ]
            html = f'<pre class="source">{escape(text)}</pre>\n'
        return Rendering(Markup(html), self._warnings)

    def _store_key(self, source: Source) -> str:
        """The build cache's key for a rendering (BLAKE2b, as ``content_hash``, called
        directly: a large site looks up 60,000 texts on every build)."""
        text, inline, lang, place = source
        digest = hashlib.blake2b(
            text.strip().encode("utf-8", "surrogatepass"),
            digest_size=16,
            person=b"inline" if inline else b"block",
        )
        if lang:  # marked with the glossary's terms: the terms and the language count too
            digest.update(f"\0{lang}\0{self._glossary_key}".encode())
        if place:  # with footnotes, named after their place
            digest.update(f"\0place\0{place}".encode())
        return digest.hexdigest()


DOLLAR_RULES = {"allow_space": False, "allow_digits": False}
"""The dollar-math plugin's options for Pandoc's rule (``_make_parser``), given to the plugin and
to the inline rule made again for ``_nothing_before_the_start``."""

InlineRule = Callable[[StateInline, bool], bool]


def _refuse_to_drop_deep_text(md: MarkdownIt) -> None:
    """Make ``md``'s block parser raise ``_TooDeep`` where, nested ``maxNesting`` levels deep,
    it would skip the rest of a list or quote without a word (markdown-it's guard against
    unbounded recursion), so that no text goes missing from a page unnoticed. Only while it
    renders a page's text (``_WHOLE`` in its env): the readers of ``MarkdownRenderer.parser``
    (the glossary check, the link checker) read what the page shows as Markdown, and the source
    shown instead has no terms or links."""
    tokenize = md.block.tokenize

    def tokenize_or_refuse(state: StateBlock, start: int, end: int) -> None:
        deep = state.level >= md.options.maxNesting
        if deep and state.env.get(_WHOLE) and state.skipEmptyLines(start) < end:
            raise _TooDeep
        tokenize(state, start, end)

    md.block.tokenize = tokenize_or_refuse  # type: ignore[method-assign,assignment]


def _nothing_before_the_start(rule: InlineRule) -> InlineRule:
    """mdit-py-plugins' inline dollar ``rule``, with nothing before the start of its text.

    At a text's first character the plugin reads the one before it as ``src[-1]``, the text's
    last: a paragraph opening with ``$x$`` and ending with a digit (not allowed before an
    opening ``$``) or a backslash (which escapes it) was left as text, dollars and all. Given a
    text that ends with a line break, as a paragraph's may, it reads what is there."""

    def rule_at_the_start(state: StateInline, silent: bool) -> bool:
        if state.pos or not state.src.endswith(("\\", *"0123456789")):
            return rule(state, silent)
        text = state.src
        state.src = text + "\n"  # the plugin looks for the closing "$" up to the text's end
        try:
            return rule(state, silent)
        finally:
            state.src = text

    return rule_at_the_start


def _only_mathml(mathml: str) -> bool:
    """Whether ``mathml`` is MathML elements alone, each with presentational attributes only
    (no ``href``, ``style``, ``class``, ``id`` or event handlers)."""
    tags = _MATHML_TAG.findall(mathml)
    if len(tags) != mathml.count("<"):  # a "<" that opens no tag of the expected form
        return False
    for _, name, attributes in tags:
        rest = _MATHML_ATTRIBUTE.sub("", attributes).strip()
        if name not in _MATHML_ELEMENTS or rest not in ("", "/"):
            return False
        if any(a not in _MATHML_ATTRIBUTES for a in _MATHML_ATTRIBUTE.findall(attributes)):
            return False
    return True


def plain_paragraph(text: str) -> str:
    """Plain text (arXiv's abstracts, one line each) as Markdown that renders as that text, in
    one paragraph: every mark Markdown would read (``__init__``, TeX's quotes ````like''``, a
    ``[1](url)``, ``<b>``) and a leading ``#``, ``>``, ``-``, ``1.`` … is escaped; TeX math
    (``$…$``, ``$$…$$``) is left as it is, for the math renderer."""
    escaped = around_math(text, lambda part: _INLINE_MARK.sub(_escaped_mark, part))
    return _BLOCK_START.sub(_escape_marker, escaped, count=1)


def plain_words(text: str) -> str:
    """The words ``plain_paragraph(text)`` shows, as plain text (for a page's meta tags, feeds,
    JSON-LD, search): ``text`` but for TeX's ``\\$`` outside math, which shows as ``$``; math
    stays as its TeX, as in ``plain.markdown_words``."""
    if "\\$" not in text:  # most titles and abstracts
        return text
    return around_math(text, lambda part: part.replace("\\$", "$"))


_INLINE_MARK = re.compile(r"\\\$|[\\`*_\[\]<>!|~&]")
"""A mark of Markdown's inline syntax, or TeX's ``\\$`` (a dollar sign, as in Markdown)."""


def _escaped_mark(match: re.Match[str]) -> str:
    mark = match[0]
    return mark if mark == "\\$" else "\\" + mark


def _escape_marker(match: re.Match[str]) -> str:
    indent, marker = match[1], match[2]
    if marker[0].isdigit():  # an ordered list item: "12." → "12\."
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"
