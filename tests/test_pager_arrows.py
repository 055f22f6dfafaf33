"""The pager's arrows in the browser: they point the way the list runs, right to left too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from conftest import WEEKLY
from loopback import serving
from papersite import build

CONFIG = """\
title: {ar: "موقع", en: "Test site"}
base_url: "https://example.org/papers/"
languages: [ar, en]
per_page: 1
"""


@pytest.fixture(scope="module")
def served_pages_rtl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site in ``[ar, en]`` with three weekly digests, one a page, built and served."""
    source = tmp_path_factory.mktemp("pager") / "site"
    (source / "digests" / "weekly").mkdir(parents=True)
    (source / "papersite.yaml").write_text(CONFIG, encoding="utf-8")
    for day in (3, 10, 17):
        digest = (
            WEEKLY.replace("ko:", "ar:")
            .replace("2025-03-17", f"2025-03-{day:02d}")
            .replace("2025-03-23", f"2025-03-{day + 6:02d}")
        )
        (source / "digests" / "weekly" / f"2025-03-{day:02d}.yaml").write_text(digest)
    build(source, source / "build", search=False)
    with serving(source / "build") as root:
        yield root


# For the pager's previous and next links: [rel, the way its arrow points (-1 left, 1 right, as
# drawn: the glyph, turned by any transform of the elements around it), the side of the link
# it stands on (-1 left, 1 right)].
ARROWS = """
return Array.from(document.querySelectorAll('.pager a[rel]')).map((link) => {
  const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
  let node = walker.nextNode();
  while (node && !/[←→]/.test(node.data)) node = walker.nextNode();
  const at = node.data.search(/[←→]/);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + 1);
  let way = node.data[at] === '←' ? -1 : 1;
  for (let element = node.parentElement; element !== link.parentElement;
       element = element.parentElement) {
    const transform = getComputedStyle(element).transform;
    if (transform !== 'none' && new DOMMatrix(transform).a < 0) way = -way;
  }
  const arrow = range.getBoundingClientRect(), box = link.getBoundingClientRect();
  const side = arrow.left + arrow.width / 2 < box.left + box.width / 2 ? -1 : 1;
  return [link.rel, way, side];
});
"""


@pytest.mark.parametrize(
    ("page", "chosen", "previous"),
    [
        ("ar/weekly/page/2/", None, 1),
        ("weekly/page/2/", "ar", 1),
        ("en/weekly/page/2/", None, -1),
        ("weekly/page/2/", None, -1),
    ],
    ids=["arabic-edition", "arabic-chosen-in-place", "english-edition", "every-language"],
)
def test_the_pagers_arrows_point_the_way_the_list_runs(
    browser: webdriver.Chrome,
    served_pages_rtl: str,
    page: str,
    chosen: str | None,
    previous: int,
) -> None:
    """On a page right to left the previous page's link is on the right, but its arrow pointed
    left, into its own words, and the next page's right: neither arrow was mirrored."""
    browser.get(served_pages_rtl + page)
    if chosen:
        browser.find_element(By.CSS_SELECTOR, f".lang-switch a[data-show='{chosen}']").click()
    direction = browser.execute_script("return getComputedStyle(document.body).direction")
    assert direction == ("rtl" if previous == 1 else "ltr")

    arrows = browser.execute_script(ARROWS)

    # Each outward, from its words towards the pages it leads to: the previous ones at the
    # start of the line, the next ones at its end.
    assert arrows == [["prev", previous, previous], ["next", -previous, -previous]]
