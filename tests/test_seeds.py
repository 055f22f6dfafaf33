"""The site's first content: the two forum posts the project was born from lose nothing on the
built example site.

Each post (``tests/data/seeds/``, copies of ``../shared/seeds/``) is read line by line into
where each line belongs: the post's overview, or a paper's title, authors, introduction,
abstract, committee reflections or links, in Korean or English. Every such line must be on the
digest's page under its paper, part and language, and on the paper's own page in its language;
every URL of a paper must be one of its links. The forum's own lines (its category line, the
note that a model wrote the post, which the site's provenance notice says, and its sign-up and
like buttons) are the only ones left out. Text is compared by its letters and digits: spacing,
punctuation, list markers, Markdown and TeX (which the site shows as MathML) aside.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "data" / "seeds"

HEADINGS = {
    "논문 소개": "summary",
    "논문 초록": "abstract",
    "논문 초록(Abstract)": "abstract",
    "논문 링크": "links",
    "더 읽어보기": "links",
    "선정 위원회 평가(Reflections from the Selection Committee)": "section",
}
"""The headings the posts are built of, and the part of a paper each one starts."""

AWARDS = {"Best Paper": "best-paper", "Runner-Ups": "runner-up"}
"""A title line's award prefix, and the award it is on the site."""

_TITLE = re.compile(r"^(?:\[(?P<award>[^\]]+)\]\s*)?(?P<ko>.+?) / (?P<en>.+)$")
_URL = re.compile(r"^https?:\s*//\S+$")
_TEX_SYMBOL = re.compile(r"\\(?!(?:log|exp|max|min|eg)\b)[A-Za-z]+")
"""A TeX command the site shows as a symbol (MathML), not as its name: all but the named
operators (``\\log``) and the RLVR abstract's ``\\eg``, which is text (it is not in math)."""
_NOT_A_LETTER = re.compile(r"[^0-9A-Za-z\uac00-\ud7a3]+")


@dataclass(frozen=True)
class Seed:
    """A forum post, the page its digest is built into, and where the forum's own lines are."""

    file: str
    page: str
    footer: str
    """The first line of the forum's footer: it and every line after it are the forum's."""
    forum_lines: tuple[str, ...] = ()
    """Other lines of the forum's own, by their start."""


SEEDS_BUILT = [
    Seed(
        "000_bb1cdde4a4ab2b42.txt",
        "weekly/2025-03-17",
        footer="원문",
        forum_lines=("PyTorchKR",),
    ),
    Seed("003_18bac819417c3721.txt", "conferences/neurips-2025", footer="이 글은 GPT 모델로"),
]


@dataclass
class PostPaper:
    """A paper of a post: its title line's parts, and its lines by part and language."""

    line: int
    ko: str
    en: str
    award: str | None
    authors: list[str] = field(default_factory=list)
    texts: list[tuple[int, str, str, str]] = field(default_factory=list)
    """(line number, part, language, text) of every text line."""
    urls: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Post:
    """What a forum post says, line by line."""

    title: str
    overview: list[tuple[int, str, str]] = field(default_factory=list)
    """(line number, language, text) of the post's introduction."""
    papers: list[PostPaper] = field(default_factory=list)


def language(line: str) -> str:
    """The posts write each paragraph in one language: Korean ones hold Hangul."""
    return "ko" if re.search(r"[\uac00-\ud7a3]", line) else "en"


def is_title(lines: list[str], index: int) -> bool:
    """A paper's title line is followed by its authors or its introduction's heading."""
    following = [line.strip() for line in lines[index + 1 :] if line.strip()]
    return (
        bool(_TITLE.match(lines[index].strip()))
        and bool(following)
        and (following[0].startswith("저자:") or HEADINGS.get(following[0]) == "summary")
    )


def read_post(seed: Seed) -> Post:
    """The post, each line placed where it belongs."""
    lines = (SEEDS / seed.file).read_text(encoding="utf-8").split("\n")
    post = Post(title=lines[0].strip())
    part = "overview"
    for index, raw in enumerate(lines[1:], start=1):
        line = raw.strip().removeprefix("•").strip()
        if line.startswith(seed.footer):
            break
        if not line or line == post.title or line.startswith(seed.forum_lines):
            continue
        if is_title(lines, index):
            found = _TITLE.match(line)
            assert found is not None
            post.papers.append(PostPaper(index + 1, found["ko"], found["en"], found["award"]))
            part = "summary"
        elif line in HEADINGS:
            part = HEADINGS[line]
        elif line.startswith("저자:"):
            post.papers[-1].authors = [a.strip() for a in line.removeprefix("저자:").split(",")]
        elif _URL.match(line):
            post.papers[-1].urls.append((index + 1, line.replace(": //", "://")))
        elif part == "overview":
            post.overview.append((index + 1, language(line), line))
        else:
            post.papers[-1].texts.append((index + 1, part, language(line), line))
    return post


def letters(text: str) -> str:
    """A text's letters and digits, in order: what a reader reads, whatever the markup."""
    return _NOT_A_LETTER.sub("", unicodedata.normalize("NFKC", text))


def said(line: str) -> str:
    """A line of a post as letters and digits, without the TeX commands the site renders."""
    return letters(_TEX_SYMBOL.sub("", line))


def text_of(elements: list[Any]) -> str:
    return letters(" ".join(element.text_content() for element in elements))


def page(built: Path, relative: str) -> Any:
    return lxml.html.parse(str(built / relative / "index.html")).getroot()


def paper_article(digest_page: Any, paper: PostPaper) -> Any:
    """The paper's article on the digest's page, found by its English title."""
    found = [
        article
        for article in digest_page.xpath("//article[contains(@class, 'paper')]")
        if letters(paper.en)
        == text_of(article.xpath(".//*[contains(@class, 'paper-title')]//*[@lang='en']"))
    ]
    assert len(found) == 1, f"line {paper.line}: {paper.en!r} is not on the digest's page"
    return found[0]


PART_SECTIONS = {
    "summary": "field-summary",
    "abstract": "field-abstract",
    "section": "field-section",
    "links": "field-section",
}


def part_text(article: Any, part: str, lang: str) -> str:
    sections = article.xpath(f".//section[contains(@class, '{PART_SECTIONS[part]}')]")
    return text_of([div for section in sections for div in section.xpath(f"./div[@lang='{lang}']")])


@pytest.fixture(scope="module")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's example site, built without its search index."""
    from papersite import build

    out = tmp_path_factory.mktemp("seeds") / "build"
    build(REPO, out, search=False)
    return out


@pytest.mark.parametrize("seed", SEEDS_BUILT, ids=["weekly", "conference"])
def test_every_line_of_the_post_is_on_its_digest_page(built_example: Path, seed: Seed) -> None:
    post = read_post(seed)
    digest = page(built_example, seed.page)
    lost: list[str] = []
    for number, lang, line in post.overview:
        overview = text_of(digest.xpath(f"//section[@class='overview']/div[@lang='{lang}']"))
        if said(line) not in overview:
            lost.append(f"line {number} (overview, {lang}): {line[:60]}")
    for paper in post.papers:
        article = paper_article(digest, paper)
        title = text_of(article.xpath(".//*[contains(@class, 'paper-title')]//*[@lang='ko']"))
        if title != letters(paper.ko):
            lost.append(f"line {paper.line} (title, ko): {paper.ko}")
        authors = text_of(article.xpath(".//*[contains(@class, 'authors')]"))
        lost += [
            f"line {paper.line + 1} (authors): {a}" for a in paper.authors if said(a) not in authors
        ]
        for number, part, lang, line in paper.texts:
            if said(line) not in part_text(article, part, lang):
                lost.append(f"line {number} ({paper.en[:30]}, {part}, {lang}): {line[:60]}")
        if paper.award is not None:
            award = f"award-{AWARDS[paper.award]}"
            if not article.xpath(f".//*[contains(@class, '{award}')]"):
                lost.append(f"line {paper.line} (award): {paper.award}")
        lost += lost_links(article, paper)
    assert not lost, "\n".join(lost)


@pytest.mark.parametrize("seed", SEEDS_BUILT, ids=["weekly", "conference"])
def test_the_post_title_is_its_digest_heading(built_example: Path, seed: Seed) -> None:
    """The week's dates and both titles, or the conference's name, year and title."""
    post = read_post(seed)
    digest = page(built_example, seed.page)
    heading = digest.xpath("//h1")[0]
    week = re.match(r"^\[(\d+)/(\d+)/(\d+) ~ (\d+)/(\d+)\]\s*(.+) \((.+)\)$", post.title)
    if week:
        year, month, day, end_month, end_day, ko, en = week.groups()
        times = digest.xpath("//header//time/@datetime")
        assert times[:2] == [f"{year}-{month}-{day}", f"{year}-{end_month}-{end_day}"]
        titles = {"ko": ko, "en": en}
    else:
        titles = {"ko": post.title}
    for lang, title in titles.items():
        assert text_of(heading.xpath(f".//*[@lang='{lang}']")) == letters(title)


@pytest.mark.parametrize("seed", SEEDS_BUILT, ids=["weekly", "conference"])
def test_every_line_of_a_paper_is_on_its_own_page(built_example: Path, seed: Seed) -> None:
    post = read_post(seed)
    digest = page(built_example, seed.page)
    lost: list[str] = []
    for paper in post.papers:
        href = paper_article(digest, paper).xpath(".//*[contains(@class, 'paper-title')]//a/@href")
        own = page(
            built_example,
            (built_example / seed.page / href[0])
            .resolve()
            .relative_to(built_example.resolve())
            .as_posix(),
        )
        main = own.xpath("//main")[0]
        for number, _, lang, line in paper.texts:
            if said(line) not in text_of(main.xpath(f".//div[@lang='{lang}']")):
                lost.append(f"line {number} ({paper.en[:30]}, {lang}): {line[:60]}")
        lost += lost_links(main, paper)
    assert not lost, "\n".join(lost)


def lost_links(element: Any, paper: PostPaper) -> list[str]:
    """The URLs of a paper's lines that are not links in ``element``."""
    hrefs = set(element.xpath(".//a/@href"))
    return [f"line {number}: link {url}" for number, url in paper.urls if url not in hrefs]
