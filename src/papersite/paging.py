"""Long lists split into pages, as Hugo's paginator splits them: the papers, the weekly and the
conference digests, and a tag's papers.

A list's first page is the list's own URL (``papers/``); the next ones are ``page/2/``,
``page/3/``… under it (``papers/page/2/``), Hugo's scheme. How many items a page shows is the
configuration's ``per_page``. Without paging, ``/papers/`` of a 10,000-paper site was a 2.8 MB
page, and the home page listed every digest (500 KB).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PAGE_FOLDER = "page/"
"""Where a list's later pages are, under its URL."""

LATER_PAGE = re.compile(r"(?:papers|weekly|conferences|tags/[^/]+)/page/\d+(?:/|$)")
"""The path of a later page of a list (``urls.page_path`` of it, or a folder under it), from
the site root: what an alias may not take."""

AROUND_CURRENT = 2
"""How many page numbers the pager shows each side of the current page, besides the first
and the last (``1 … 4 5 [6] 7 8 … 200``)."""


@dataclass(frozen=True)
class Pager:
    """One page of a list: its items, and where the list's other pages are."""

    number: int
    """1-based."""
    count: int
    """How many pages the list has (at least one, if empty)."""
    items: Sequence[Any]
    list_url: str
    """The list's own URL, which is its first page's: ``papers/``."""

    @property
    def url(self) -> str:
        return self.url_of(self.number)

    @property
    def path(self) -> str:
        """The page's file under the edition: ``papers/page/2/index.html``."""
        return self.url + "index.html"

    def url_of(self, number: int) -> str:
        """The URL of the list's page ``number``, from the root."""
        return self.list_url if number == 1 else f"{self.list_url}{PAGE_FOLDER}{number}/"

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def numbers(self) -> list[int | None]:
        """The page numbers the pager links, None where a run of them is left out."""
        shown = {1, self.count}
        shown.update(range(self.number - AROUND_CURRENT, self.number + AROUND_CURRENT + 1))
        numbers: list[int | None] = []
        for number in sorted(n for n in shown if 1 <= n <= self.count):
            if numbers and numbers[-1] is not None and number > numbers[-1] + 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def paginate(items: Sequence[Any], per_page: int, list_url: str) -> list[Pager]:
    """``items`` in pages of ``per_page``; an empty list has one empty page."""
    count = max(1, -(-len(items) // per_page))
    return [
        Pager(number, count, items[(number - 1) * per_page : number * per_page], list_url)
        for number in range(1, count + 1)
    ]
