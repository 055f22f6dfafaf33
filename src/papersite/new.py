"""``papersite new``: a new digest file from a template, with every field present and commented.

The file is a valid digest as written (its titles are the usual ones, its one paper a skeleton
with empty texts), so ``papersite build`` keeps working while the editor fills it in, and
``papersite build --strict`` or review catches what is left empty.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from papersite.errors import PapersiteError
from papersite.model import slugify

FORMATS = ("yaml", "md")
SUFFIXES = {"yaml": ".yaml", "md": ".md"}


class DigestExistsError(PapersiteError):
    """A digest for that week or conference is already there; ``new`` never overwrites one."""


def coming_monday(today: dt.date) -> dt.date:
    """The Monday a weekly digest usually starts on: today if it is Monday, else the next one."""
    return today + dt.timedelta(days=(7 - today.weekday()) % 7)


def new_weekly(source: Path, start: dt.date | None = None, fmt: str = "yaml") -> Path:
    """Write ``digests/weekly/<start>.<fmt>`` for the week from ``start`` (default: the coming
    Monday); returns its path."""
    start = start or coming_monday(dt.date.today())
    end = start + dt.timedelta(days=6)
    header = WEEKLY_HEADER.format(start=start, end=end)
    title = _title_line("이번 주의 주요 ML 논문", "Top ML Papers of the Week")
    return _write(source / "digests" / "weekly", start.isoformat(), fmt, header, title)


def new_conference(source: Path, name: str, year: int, fmt: str = "yaml") -> Path:
    """Write ``digests/conferences/<name>-<year>.<fmt>``; returns its path."""
    header = CONFERENCE_HEADER.format(name=_quoted(name), year=year)
    title = _title_line(f"{name} {year} 우수 논문 소개", f"{name} {year} Best Paper Awards")
    return _write(source / "digests" / "conferences", f"{slugify(name)}-{year}", fmt, header, title)


def _write(folder: Path, stem: str, fmt: str, header: str, title_line: str) -> Path:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    # The other form of the same digest would give the same URL: refuse it too.
    existing = [folder / (stem + suffix) for suffix in SUFFIXES.values()]
    for path in existing:
        if path.exists():
            raise DigestExistsError(
                f"{path} already exists; edit it, or remove it first to start again"
            )
    target = folder / (stem + SUFFIXES[fmt])
    text = header + title_line + (YAML_BODY if fmt == "yaml" else COMMON_FIELDS)
    if fmt == "md":
        text = f"---\n{text}---\n\n{MARKDOWN_BODY}"
    folder.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as file:  # "x": never overwrite, even in a race
        file.write(text)
    return target


def _title_line(korean: str, english: str) -> str:
    return f"title: {{ko: {_quoted(korean)}, en: {_quoted(english)}}}\n"


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON's escapes are valid there)."""
    return json.dumps(text, ensure_ascii=False)


WEEKLY_HEADER = """\
kind: weekly                                    # weekly | conference
period: {{start: {start}, end: {end}}}    # the week, Monday to Sunday
# date: {end}                                # optional: defaults to period.end
"""


CONFERENCE_HEADER = """\
kind: conference
conference: {{name: {name}, year: {year}}}    # add url: "https://…" for the conference's site
date: {year}-12-31                              # when the digest is published: fix it
"""

COMMON_FIELDS = """\
# source: "https://discuss.pytorch.kr/"         # optional: where it was first published
# tags: [llm]                                   # optional: tags of the whole digest
# aliases: ["old/url/"]                         # optional: old URLs that should lead here
"""

YAML_BODY = (
    COMMON_FIELDS
    + """\
overview:                                       # optional: the editor's trend notes
  ko: ""
  en: ""
papers:                                         # at least one; copy the block for each paper
  - title: {ko: "", en: "Paper title"}          # the English title as on arXiv
    # arxiv: "2503.14476"                       # its arXiv ID, quoted (then: papersite enrich)
    # authors: ["…"]                            # optional: arXiv's authors are used otherwise
    # affiliations: ["…"]                       # optional
    # award: best-paper                         # conference digests: best-paper | runner-up | oral | spotlight | other text
    summary: {ko: "", en: ""}                   # the digest's introduction (논문 소개)
    abstract: {ko: "", en: ""}                  # the abstract (논문 초록); arXiv's English is used if empty
    # sections:                                 # optional extra sections, in order
    #   - title: {ko: "선정 위원회 평가", en: "Reflections from the Selection Committee"}
    #     body: {ko: "", en: ""}
    links: []                                   # e.g. - {kind: code, url: "https://github.com/…"}
    tags: []                                    # e.g. [reinforcement-learning]
"""
)

MARKDOWN_BODY = """\
## Overview

### ko

### en

## Paper title

```yaml
title: {ko: "", en: "Paper title"}    # the English title as on arXiv
# arxiv: "2503.14476"                 # its arXiv ID, quoted (then: papersite enrich)
# authors: ["…"]
# award: best-paper
links: []                             # e.g. - {kind: code, url: "https://github.com/…"}
tags: []
```

### Summary

#### ko

#### en

### Abstract

#### ko

#### en
"""
