"""``papersite new``: a new digest file from a template, with every field present and commented.

The file is a valid digest as written (its titles are the usual ones, its one paper a skeleton
with empty texts), so ``papersite build`` keeps working while the editor fills it in, and
``papersite build --strict`` or review catches what is left empty.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from papersite.errors import PapersiteError
from papersite.fingerprint import digest_files, links_nowhere, read_file
from papersite.i18n import english_or_first, table_language, words_language
from papersite.load import is_there, missing_site_folder, peek_config, read_source
from papersite.model import FIRST_YEAR, LAST_YEAR, slugify
from papersite.names import CONFIG_FILE, DIGEST_FORMATS
from papersite.validate import salvaged_url as digest_url_of

DEFAULT_LANGUAGES = ["ko", "en"]

FORMATS = DIGEST_FORMATS
PLACEHOLDER_TITLE = "Paper title"
"""The title of the skeleton's paper, until the editor writes the real one: ``check`` reports
it as an error (left in several digests, it would make their papers one page)."""
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
    if not FIRST_YEAR <= start.year <= LAST_YEAR:  # a mistyped year: 9999-12-31 has no week
        raise PapersiteError(
            f"{start} is not a week's start: give --start a date in {FIRST_YEAR}-{LAST_YEAR}"
        )
    end = start + dt.timedelta(days=6)
    header = WEEKLY_HEADER.format(start=start, end=end)
    title = {"ko": "이번 주의 주요 ML 논문", "en": "Top ML Papers of the Week"}
    return _write(source, "weekly", start.isoformat(), fmt, header, title)


def new_conference(source: Path, name: str, year: int, fmt: str = "yaml") -> Path:
    """Write ``digests/conferences/<name>-<year>.<fmt>``; returns its path."""
    if not slugify(name):
        raise PapersiteError(
            f"{name!r} gives no file name (no letters or digits): name the conference"
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:  # as the digest's conference.year may be
        raise PapersiteError(f"{year} is not a conference's year ({FIRST_YEAR}-{LAST_YEAR})")
    header = CONFERENCE_HEADER.format(name=yaml_quoted(name), year=year)
    shown = _MARKDOWN_SIGN.sub(r"\\\g<0>", name)  # the title is Markdown; the name is not
    title = {"ko": f"{shown} {year} 우수 논문 소개", "en": f"{shown} {year} Best Paper Awards"}
    return _write(source, "conferences", f"{slugify(name)}-{year}", fmt, header, title)


_MARKDOWN_SIGN = re.compile(r"[\\`*_\[\]<>~$|#!&]")
"""The characters of a name that Markdown could read as marks (emphasis, a link, HTML, math)."""


def site_languages(source: Path) -> list[str]:
    """The languages of ``papersite.yaml``, so the template has a place for each; Korean and
    English when the file is missing or unreadable (``build`` reports that, not ``new``)."""
    languages = peek_config(source).get("languages")
    if isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages):
        return languages
    return DEFAULT_LANGUAGES


def _write(
    source: Path, kind_folder: str, stem: str, fmt: str, header: str, title: dict[str, str]
) -> Path:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not is_there(source / CONFIG_FILE):  # a digest outside a site is no use to anyone
        raise PapersiteError(
            missing_site_folder(source)
            or f"no {CONFIG_FILE} in {source}; is it a papersite site? (see README.md); give the "
            "site's folder with --source"
        )
    languages = site_languages(source)
    target = source / "digests" / kind_folder / (stem + SUFFIXES[fmt])
    _refuse_a_second_digest_at(source, kind_folder, stem)
    title_line = f"title: {_usual(languages, title)}\n"
    body = YAML_BODY if fmt == "yaml" else COMMON_FIELDS
    text = header + title_line + for_languages(body, languages)
    if fmt == "md":
        text = f"---\n{text}---\n\n{for_languages(MARKDOWN_BODY, languages)}"
    write_new_digest(target, text, "edit it, or remove it first to start again")
    return target


def _refuse_a_second_digest_at(source: Path, kind_folder: str, stem: str) -> None:
    """Stop if a digest of the site under another name already has the new one's URL (the
    build would refuse the two): new never makes a second digest of one week or conference."""
    # What such a digest holds for sure: its week's start date, or its conference's year.
    needle = stem if kind_folder == "weekly" else stem.rsplit("-", 1)[-1]
    same = _digest_at(source, f"{kind_folder}/{stem}/", needle)
    if same is not None and Path(same).with_suffix("") != Path("digests", kind_folder, stem):
        raise DigestExistsError(
            f"{source / same} is already the digest at {kind_folder}/{stem}/ (a digest's URL "
            "comes from its period or conference, not its file name); edit it, or remove it first"
        )


def _digest_at(source: Path, url: str, needle: str) -> str | None:
    """The digest file of the site whose URL is ``url``, if any, whatever its name. Only the
    files whose text holds ``needle`` (the week's start, the conference's year) are parsed."""
    for relative in digest_files(source):
        try:
            if needle not in read_file(source / relative).decode("utf-8", errors="replace"):
                continue
        except OSError:  # a named pipe too, which reading would wait on forever
            continue  # the build says what is wrong with it
        document, _ = read_source(source, relative)
        data = document.data if document is not None else None
        if isinstance(data, dict) and digest_url_of(data) == url:
            return relative
    return None


def write_new_digest(target: Path, text: str, hint: str, *, other_form: bool = True) -> None:
    """Write ``text`` as a new file at ``target``, never over an existing one; with
    ``other_form``, not beside the same digest in the other form either, which would give the
    same URL. ``hint`` says what to do instead, after "<path> already exists; "."""
    forms = [target.with_suffix(suffix) for suffix in SUFFIXES.values()] if other_form else []
    for path in forms:
        if path.exists():
            raise DigestExistsError(f"{path} already exists; {hint}")
    created = False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as file:  # "x": never overwrite, even in a race
            created = True
            file.write(text)
    except FileExistsError as error:
        if target.is_file() or target.is_symlink():
            raise DigestExistsError(f"{target} already exists; {hint}") from None
        raise _unwritable(target, error) from None  # a folder of that name, or in the path
    except OSError as error:  # a file where a folder should be, a read-only folder, a full disk
        if created:
            target.unlink(missing_ok=True)
        raise _unwritable(target, error) from None


def _unwritable(target: Path, error: OSError) -> PapersiteError:
    if error.filename and links_nowhere(error.filename):  # a shared folder moved away
        leads = os.readlink(error.filename)
        return PapersiteError(
            f"cannot write {target} ({error.filename} is a symbolic link to {leads}, which does "
            "not exist); nothing was written: fix the link, or remove it"
        )
    where = f"{error.filename}: " if error.filename and error.filename != str(target) else ""
    return PapersiteError(
        f"cannot write {target} ({where}{error.strerror or error}); nothing was written: move "
        "what is in the way, or choose another folder"
    )


def _text_map(languages: list[str], values: dict[str, str] | None = None) -> str:
    """A text as a YAML flow mapping, one entry per site language: its value in ``values``,
    else empty (a translation to write, which ``check`` names)."""
    values = values or {}
    entries = (f"{lang}: {yaml_quoted(values.get(lang, ''))}" for lang in languages)
    return "{" + ", ".join(entries) + "}"


def _in_own_words(languages: list[str], words: dict[str, str]) -> dict[str, str]:
    """``words`` (by ``i18n`` table language) for each of ``languages`` that has words of its
    own (``ko-KR`` those of ``ko``); none for a language without (``ja``): English words there
    would be a Japanese text that is not one, and ``check`` would not ask for it."""
    return {lang: words[table_language(lang)] for lang in languages if words_language(lang) == lang}


def _usual(languages: list[str], words: dict[str, str]) -> str:
    """A title of the template (the digest's, an extra section's): the usual one in each site
    language that has it; one plain string (in no language) on a site where none has, as a
    title may not be empty."""
    own = _in_own_words(languages, words)
    return _text_map(languages, own) if own else yaml_quoted(words["en"])


def _provenance_example(languages: list[str]) -> str:
    """The commented provenance default, in the site's languages: the first machine-written,
    the others from upstream, as in the example site."""
    first, *others = languages
    return "{" + ", ".join([f"{first}: machine", *(f"{lang}: upstream" for lang in others)]) + "}"


SECTION_TITLE = {"ko": "선정 위원회 평가", "en": "Reflections from the Selection Committee"}
"""The commented example of an extra section's title."""


def for_languages(template: str, languages: list[str]) -> str:
    """Fill the body's language placeholders: ``{EMPTY}`` (an empty text), ``{TITLE}`` (the
    paper title skeleton; ``{PLACEHOLDER}`` its one title), ``{BLOCKS:###}`` (one empty heading
    per language at that depth), and the commented examples' texts (``{SECTION}``,
    ``{MACHINE}``, ``{FIRST}``), so that each is valid in the site once uncommented."""
    text = template.replace("{EMPTY}", _text_map(languages))
    text = text.replace("{SECTION}", _usual(languages, SECTION_TITLE))
    text = text.replace("{MACHINE}", _provenance_example(languages))
    text = text.replace("{FIRST}", languages[0])
    text = text.replace("{PLACEHOLDER}", PLACEHOLDER_TITLE)
    named = english_or_first(languages)  # the paper needs a title for its URL
    skeleton = {lang: PLACEHOLDER_TITLE if lang == named else "" for lang in languages}
    text = text.replace("{TITLE}", _text_map(languages, skeleton))
    for depth in ("###", "####"):
        blocks = "".join(f"{depth} {lang}\n\n" for lang in languages)
        text = text.replace(f"{{BLOCKS:{depth}}}\n", blocks)
    return text.replace("\n\n\n", "\n\n")


def yaml_quoted(text: str) -> str:
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
# provenance:                                   # optional: who wrote the texts (README: Provenance)
#   default: {MACHINE}        # human | machine | upstream | reviewed
#   by: {machine: "GPT-4o"}
"""

YAML_BODY = (
    COMMON_FIELDS
    + """\
overview: {EMPTY}  # optional: the editor's trend notes
papers:                                         # at least one; copy the block for each paper
  - title: {TITLE}  # the English title as on arXiv
    # arxiv: "2503.14476"                       # its arXiv ID, quoted (then: papersite enrich)
    # authors: ["…"]                            # optional: arXiv's authors are used otherwise
    # affiliations: ["…"]                       # optional
    # award: best-paper                         # conference digests: best-paper | runner-up | oral | spotlight | other text
    summary: {EMPTY}  # the digest's introduction (논문 소개)
    abstract: {EMPTY}  # the abstract (논문 초록); arXiv's English is used if empty
    # sections:                                 # optional extra sections, in order
    #   - title: {SECTION}
    #     body: {EMPTY}
    links: []                                   # e.g. - {kind: code, url: "https://github.com/…"}
    tags: []                                    # e.g. [reinforcement-learning]
    # provenance: {summary: {{FIRST}: reviewed}}     # optional: over the digest's provenance
"""
)

MARKDOWN_BODY = """\
## Overview

{BLOCKS:###}

## {PLACEHOLDER}

```yaml
title: {TITLE}  # the English title as on arXiv
# arxiv: "2503.14476"                 # its arXiv ID, quoted (then: papersite enrich)
# authors: ["…"]                      # optional: arXiv's authors are used otherwise
# affiliations: ["…"]                 # optional
# award: best-paper                   # conference digests: best-paper | runner-up | oral | spotlight | other text
links: []                             # e.g. - {kind: code, url: "https://github.com/…"}
tags: []                              # e.g. [reinforcement-learning]
# provenance: {summary: {{FIRST}: reviewed}}   # optional: over the digest's provenance
```

### Summary

{BLOCKS:####}

### Abstract

{BLOCKS:####}

<!-- Optional extra sections, in order (an HTML comment is a note: it is not published):

### Section: Reflections from the Selection Committee

(one title in every language; or a '#### <lang>: <title>' heading for each language)

-->
"""
