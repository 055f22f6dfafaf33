"""``{% cache key, … %}…{% endcache %}``: a piece of a template rendered once per build for each
value of its keys, and reused on every other page where the keys are equal.

The layout was over 40 % of a paper page's render time (0.9 of 2.1 ms), and its header and
footer (ten interface labels, the site's title and description, the search box) are the same
on every page of an edition at the same depth. A template marks such a piece and names what it depends on, beyond what is
the same on every page of the build (the site, the interface words): ``{% cache root, languages
%}``. The pieces live in the page context's ``fragment_cache`` (one per build: ``SitePlan``), so
nothing of one build reaches the next; with no such value (a template rendered outside a build)
the piece is simply rendered. A piece that read a digest's long texts marks the pages that reuse
it as reading them too (``context.TextReads``), so incremental builds key them as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import TemplateRuntimeError, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup

from papersite.context import TextReads

STORE = "fragment_cache"
"""The context value that holds a build's pieces: ``{(template:line, *keys): (html, read)}``,
``read`` being the long texts the piece read (``TextReads.read``)."""

Fragments = dict[tuple[Any, ...], tuple[Markup, frozenset[str]]]


class FragmentCache(Extension):
    tags = {"cache"}  # noqa: RUF012 (declared so by Jinja's Extension)

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        keys = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}")
        call = self.call_method("_cached", [where, nodes.List(keys), nodes.ContextReference()])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _cached(
        self, where: str, keys: list[Any], context: Context, caller: Callable[[], str]
    ) -> Markup:
        store: Fragments | None = context.get(STORE)
        if store is None:
            return Markup(caller())
        key = (where, *(tuple(k) if isinstance(k, list) else k for k in keys))
        try:
            hit = store.get(key)
        except TypeError as error:  # a key that cannot be one: a dict, say
            raise TemplateRuntimeError(f"{{% cache %}} at {where}: {error}") from error
        if hit is None:
            before, TextReads.read = TextReads.read, set()
            hit = store[key] = (Markup(caller()), frozenset(TextReads.read))
            TextReads.read = before | TextReads.read
        else:
            TextReads.read |= hit[1]
        return hit[0]
