"""``{% cache %}`` (fragments.py): a piece rendered once per build for each value of its keys."""

from __future__ import annotations

from collections.abc import Callable

import jinja2
import pytest

from papersite.context import TextReads
from papersite.fragments import STORE, FragmentCache, Fragments

PIECE = "<p>{% cache root, languages %}{{ made() }} {{ root }}{% endcache %}</p>"


def render(store: Fragments | None, made: Callable[[], str], **values: object) -> str:
    env = jinja2.Environment(autoescape=True, extensions=[FragmentCache])
    context = dict(made=made, **values) | ({STORE: store} if store is not None else {})
    return env.from_string(PIECE).render(context)


def counter() -> tuple[list[int], Callable[[], str]]:
    calls: list[int] = []

    def made() -> str:
        calls.append(1)
        return f"piece {len(calls)}"

    return calls, made


def test_a_piece_is_made_once_for_each_value_of_its_keys() -> None:
    store: Fragments = {}
    calls, made = counter()
    first = render(store, made, root="../", languages=["ko", "en"])
    again = render(store, made, root="../", languages=["ko", "en"])
    assert first == again == "<p>piece 1 ../</p>"
    assert len(calls) == 1
    # Either key differing makes it again.
    assert render(store, made, root="../../", languages=["ko", "en"]) == "<p>piece 2 ../../</p>"
    assert render(store, made, root="../", languages=["en"]) == "<p>piece 3 ../</p>"
    assert len(calls) == 3


def test_without_a_store_the_piece_is_made_every_time() -> None:
    calls, made = counter()
    for _ in range(3):
        render(None, made, root="../", languages=["ko"])
    assert len(calls) == 3


def test_a_reused_piece_that_read_long_texts_marks_the_page_as_reading_them() -> None:
    store: Fragments = {}

    def reads_a_summary() -> str:
        TextReads.read.add("paper:2501.00001")
        return "summary"

    TextReads.start()
    TextReads.read.add("digest:weekly/2025-01-06/")  # read by the page before the piece
    render(store, reads_a_summary, root="", languages=["ko"])
    assert TextReads.read == {"digest:weekly/2025-01-06/", "paper:2501.00001"}
    TextReads.start()  # the next page
    render(store, reads_a_summary, root="", languages=["ko"])
    assert TextReads.read == {"paper:2501.00001"}, "the reused piece holds the summary"

    _, plain = counter()
    TextReads.start()
    render(store, plain, root="x/", languages=["ko"])
    render(store, plain, root="x/", languages=["ko"])
    assert TextReads.read == set()


def test_a_key_that_cannot_be_one_is_a_template_error() -> None:
    _, made = counter()
    with pytest.raises(jinja2.TemplateRuntimeError, match="cache"):
        render({}, made, root={"a": 1}, languages=["ko"])
