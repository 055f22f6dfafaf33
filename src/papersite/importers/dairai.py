"""``--from dair-ai``: one week of dair-ai's "ML Papers of the Week" README → a draft digest.

The upstream list has changed its layout over the years; each form seen there is read:

- a table, one paper a row: ``| 1) **Title** - summary | [Paper](url), [Tweet](url) |``
  (2023–2024; 2023's cells padded with spaces, links at times without commas);
- the same without bold, the title ending at the first double space, the summary's points
  as ``● …`` (inline, or each after ``<br>``) (2025);
- the first week's numbered list, ``1. summary`` with its links on ``  - Paper: url`` lines.

The English texts are upstream's; the Korean ones are left empty, marked for translators.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from papersite.arxiv_ids import parse_arxiv_id
from papersite.errors import PapersiteError, Problem
from papersite.importers.draft import (
    Block,
    DraftDigest,
    DraftLink,
    DraftPaper,
    ImportReport,
    blocks_to_markdown,
)
from papersite.importers.links import arxiv_id_in, classify, finish_links, urls_in, written_links
from papersite.lockfile import Lockfile

UPSTREAM = "https://github.com/dair-ai/ML-Papers-of-the-Week"
_HEADING = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?(?P<text>Top (?:ML|AI) Papers of the Week\s*\((?P<dates>[^)]*)\)"
    r"(?:\s*[-–]\s*(?P<year>\d{4}))?)(?:\*\*)?:?(?:\*\*)?\s*$",
    re.IGNORECASE,
)
_DATES = re.compile(
    r"^(?P<m1>[A-Za-z]+)\.?\s*(?P<d1>\d{1,2})\s*[-–]\s*(?:(?P<m2>[A-Za-z]+)\.?\s*)?(?P<d2>\d{1,2})$"
)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_SEPARATOR_ROW = re.compile(r"^\|[\s:|-]+\|?\s*$")
_LIST_ITEM = re.compile(r"^(\d+)\.\s+(.*)$")
_TWEET = re.compile(r"(?:x|twitter)\.com/[^/]+/status/(\d+)")
_LABEL_KINDS = {
    "paper": "paper", "tweet": "discussion", "thread": "discussion", "code": "code",
    "github": "code", "blog": "blog", "project": "project", "models": "model", "model": "model",
    "dataset": "dataset", "data": "dataset", "demo": "demo", "video": "video",
}  # fmt: skip


@dataclass
class _Week:
    line: int
    heading: str
    dates: str
    year: int | None
    lines: list[tuple[int, str]]


def read_dairai_week(
    text: str, path: str, lockfile: Lockfile, *, start: dt.date | None, week: str | None
) -> ImportReport:
    """The draft digest of the one week in ``text`` (or the one whose dates contain ``week``)."""
    chosen = _choose(_weeks(text), path, week)
    warnings: list[Problem] = []
    papers = _table_papers(chosen, path, warnings) or _list_papers(chosen, path, lockfile, warnings)
    if not papers:
        raise PapersiteError(f"{path}:{chosen.line}: no paper rows under '{chosen.heading}'")
    for paper in papers:
        finish_links(paper, lockfile)
    period = _period(chosen, start, papers, path, warnings)
    anchor = re.sub(r"[^\w\- ]", "", chosen.heading.lower()).replace(" ", "-")
    digest = DraftDigest(
        kind="weekly",
        title={"ko": "이번 주의 주요 ML 논문", "en": "Top ML Papers of the Week"},
        papers=papers,
        period=period,
        source=f"{UPSTREAM}#{anchor}",
        overview={"ko": "", "en": ""},
        notes=[
            f"Imported by `papersite import --from dair-ai` from {path.rsplit('/', 1)[-1]},",
            f"'{chosen.heading}'.",
            "The English texts are upstream's; every empty Korean text is for translators.",
            "Review the titles (upstream often shortens them), and add tags.",
        ],
    )
    return ImportReport(digest, sorted(warnings))


def _weeks(text: str) -> list[_Week]:
    weeks: list[_Week] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.rstrip()
        match = _HEADING.match(line.strip())
        if match:
            year = int(match["year"]) if match["year"] else None
            weeks.append(_Week(number, match["text"].strip(), match["dates"].strip(), year, []))
        elif weeks and line.startswith("#") and not line.startswith("###"):
            # Another section: the week has ended; what follows belongs to no week.
            weeks.append(_Week(number, "", "", None, []))
        elif weeks:
            weeks[-1].lines.append((number, line))
    return [week for week in weeks if week.heading]


def _choose(weeks: list[_Week], path: str, wanted: str | None) -> _Week:
    every = weeks
    if wanted is not None:
        weeks = [week for week in weeks if wanted.casefold() in week.heading.casefold()]
    if len(weeks) == 1:
        return weeks[0]
    if not every:
        raise PapersiteError(
            f"{path}: no week's heading, such as '## Top ML Papers of the Week (March 17 - "
            "March 23) - 2025': give dair-ai's README, or a part of it that holds a week's "
            "heading and its papers"
        )
    if not weeks:
        raise PapersiteError(
            f"{path}: no week matching '{wanted}'; its weeks: {_listed(every)}; give --week a "
            f"part of one of them, e.g. --week '{every[0].dates}'"
        )
    raise PapersiteError(
        f"{path} holds {len(weeks)} weeks ({_listed(weeks)}); pick one with --week, e.g. "
        f"--week '{weeks[0].dates}'"
    )


def _listed(weeks: list[_Week]) -> str:
    shown = "; ".join(f"line {week.line}: {week.heading}" for week in weeks[:5])
    return shown + (f" and {len(weeks) - 5} more" if len(weeks) > 5 else "")


def _table_papers(week: _Week, path: str, warnings: list[Problem]) -> list[DraftPaper]:
    papers = []
    for number, line in week.lines:
        row = line.strip()
        if not row.startswith("|") or _SEPARATOR_ROW.match(row) or "**Paper**" in row:
            continue
        # GFM: "\|" is a "|" of the cell's text, not a column's end.
        cells = [
            cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row.strip("|"))
        ]
        entry, links = (" | ".join(cells[:-1]), cells[-1]) if len(cells) > 1 else (cells[0], "")
        paper = _paper(entry, number, path, warnings)
        for written in written_links(links):  # a URL may hold parentheses, or stand alone
            _add(paper, _link(written.label or "", written.url))
        papers.append(paper)
    return papers


def _paper(entry: str, line: int, path: str, warnings: list[Problem]) -> DraftPaper:
    text = re.sub(r"<br\s*/?>", "\n", entry)
    text = re.sub(r"^\d+\)\s*", "", text.strip())
    bold = re.match(r"^\*\*(.+?)\*\*\s*(?:[-–—:]\s*)?(.*)$", text, re.DOTALL)
    plain = re.match(r"^([^●\n]{1,200}?)(?:\s{2,}|\n)(.*)$", text, re.DOTALL)
    if bold:
        title, body = bold[1], bold[2]
    elif plain:
        title, body = plain[1], plain[2]
    else:
        title, body = text, ""
        warnings.append(
            Problem(
                path,
                line,
                1,
                "",
                "no title found in this row; the whole entry is the title: shorten it",
            )
        )
    summary = blocks_to_markdown(_blocks(body))
    return DraftPaper(
        title={"ko": "", "en": " ".join(title.split())},
        summary={"ko": "", "en": summary},
        abstract={"ko": "", "en": ""},
        for_translators=True,
    )


def _blocks(body: str) -> list[Block]:
    """Paragraphs and ``●`` points, white space collapsed (upstream's cells are padded)."""
    blocks = []
    for piece in body.replace("●", "\n●").split("\n"):
        text = " ".join(piece.split())
        if text.startswith(("●", "• ", "- ")):
            blocks.append(Block(text[1:].strip(), bullet=True))
        elif text:
            blocks.append(Block(text))
    return blocks


def _link(label: str, url: str) -> DraftLink:
    link = classify(url)
    word = re.sub(r"[^a-z]", "", label.split()[0].lower()) if label.split() else ""
    kind = _LABEL_KINDS.get(word)
    if kind is not None and link.kind != "discussion":
        link.kind = kind
    if link.label is None and word not in _LABEL_KINDS:
        link.label = label or None
    elif link.label is None and label.strip().lower() != word:
        link.label = label  # "Paper 1", "Paper 2"
    return link


def _add(paper: DraftPaper, link: DraftLink) -> None:
    if all(existing.url != link.url for existing in paper.links):
        paper.links.append(link)


def _list_papers(
    week: _Week, path: str, lockfile: Lockfile, warnings: list[Problem]
) -> list[DraftPaper]:
    """The first week's form: ``1. summary`` and its links on indented ``- …`` lines."""
    items: list[tuple[DraftPaper, int, str]] = []
    for number, line in week.lines:
        item = _LIST_ITEM.match(line.strip())
        if item and not line.startswith((" ", "\t")):
            summary = " ".join(item[2].split())
            paper = DraftPaper(
                title={"ko": "", "en": ""},
                summary={"ko": "", "en": summary},
                abstract={"ko": "", "en": ""},
                for_translators=True,
            )
            items.append((paper, number, summary))
        elif items and line.strip().startswith("-"):
            for url in urls_in(line):
                _add(items[-1][0], classify(url))
    for paper, number, summary in items:
        _title_from_summary(paper, number, summary, path, lockfile, warnings)
    return [paper for paper, _, _ in items]


def _title_from_summary(
    paper: DraftPaper,
    line: int,
    summary: str,
    path: str,
    lockfile: Lockfile,
    warnings: list[Problem],
) -> None:
    """The list form gives no titles: arXiv's, from the lockfile, or the summary's start."""
    arxiv = next((found for link in paper.links if (found := arxiv_id_in(link.url))), None)
    entry = lockfile.entry(arxiv) if arxiv else None
    if entry is not None and entry.arxiv is not None:
        paper.title["en"] = entry.arxiv.title
        return
    first = re.split(r"(?<=[.;:])\s", summary, maxsplit=1)[0].rstrip(".;:")
    paper.title["en"] = first if len(first) <= 100 else first[:99] + "…"
    warnings.append(
        Problem(
            path,
            line,
            1,
            "",
            "this week's list gives no titles; the summary's first words stand in for it: write the paper's title",
        )
    )


def _period(
    week: _Week, start: dt.date | None, papers: list[DraftPaper], path: str, warnings: list[Problem]
) -> tuple[dt.date, dt.date]:
    if start is not None:
        return start, start + dt.timedelta(days=6)
    match = _DATES.match(week.dates)
    if match is None:
        raise PapersiteError(
            f"{path}:{week.line}: cannot read the dates '{week.dates}'; give --start YYYY-MM-DD"
        )
    m1 = _month(match["m1"], week, path)
    m2 = _month(match["m2"], week, path) if match["m2"] else m1
    d1, d2 = int(match["d1"]), int(match["d2"])
    crosses = (m2, d2) < (m1, d1)
    year = week.year
    if year is None:
        year = _year_from_links(m1, d1, papers)
        if year is None:
            raise PapersiteError(
                f"{path}:{week.line}: '{week.heading}' gives no year; give --start YYYY-MM-DD"
            )
        warnings.append(
            Problem(
                path,
                week.line,
                1,
                "",
                f"the heading gives no year; {year} is the year of the week's tweets and arXiv IDs: check the period",
            )
        )
        end_year = year + crosses
    else:
        end_year, year = year, year - crosses  # upstream names a week by the year it ends in
    try:
        start, end = dt.date(year, m1, d1), dt.date(end_year, m2, d2)
    except ValueError as error:  # February 30
        raise PapersiteError(
            f"{path}:{week.line}: '{week.dates}' is not a week ({error}); fix the heading or "
            "give --start YYYY-MM-DD"
        ) from None
    if (end - start).days > MAX_WEEK_DAYS:  # "March 17 - March 10": not December into January
        raise PapersiteError(
            f"{path}:{week.line}: '{week.dates}' is not a week ({start} to {end}); fix the "
            "heading or give --start YYYY-MM-DD"
        )
    return start, end


MAX_WEEK_DAYS = 13
"""The longest a heading's week may run, first day to last: upstream's weeks run 7 or 8 days."""


def _month(name: str, week: _Week, path: str) -> int:
    key = name[:3].lower()
    if key not in _MONTHS:
        raise PapersiteError(
            f"{path}:{week.line}: '{name}' is not a month; give --start YYYY-MM-DD"
        )
    return _MONTHS.index(key) + 1


def _year_from_links(month: int, day: int, papers: list[DraftPaper]) -> int | None:
    """The year that puts the week nearest its papers: the tweets' dates (a tweet's ID holds
    its time) or, without tweets, the arXiv IDs' months."""
    dates = []
    for paper in papers:
        for link in paper.links:
            tweet = _TWEET.search(link.url)
            if tweet and int(tweet[1]) > 10**17:
                ms = (int(tweet[1]) >> 22) + 1288834974657
                dates.append(dt.date.fromtimestamp(ms / 1000))
            arxiv = parse_arxiv_id(arxiv_id_in(link.url) or "")
            if arxiv and not tweet:
                dates.append(dt.date(arxiv.year, arxiv.month, 15))
    if not dates:
        return None
    hint = sorted(dates)[len(dates) // 2]
    return min(
        (hint.year - 1, hint.year, hint.year + 1),
        key=lambda y: abs((dt.date(y, month, day) - hint).days),
    )
