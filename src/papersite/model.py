"""The typed model of a site: configuration, digests, papers, bilingual texts, links.

These pydantic models are the digest contract (``shared/digest-format.md``) in code: every field
is checked for its type and form here. Rules that need the whole site (declared languages, URL
collisions, the same paper twice) live in ``validate.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

EVERY_LANGUAGE = "*"
"""The key under which a plain-string text is stored: the same text in every language."""

LINK_KINDS = (
    "paper", "pdf", "code", "project", "dataset", "model", "demo", "video", "blog",
    "discussion", "other",
)  # fmt: skip
KNOWN_AWARDS = ("best-paper", "runner-up", "oral", "spotlight")

_NEW_STYLE_ARXIV = re.compile(r"^(?P<yymm>\d{4})\.(?P<number>\d{4,5})(?:v(?P<version>[1-9]\d*))?$")
_OLD_STYLE_ARXIV = re.compile(
    r"^(?P<archive>[a-z]+(?:-[a-z]+)*)(?:\.[A-Z]{2})?/(?P<yymm>\d{4})\d{3}(?:v(?P<version>[1-9]\d*))?$"
)
_TAG = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


# --- field types -------------------------------------------------------------------------------


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(f"only http(s) URLs are allowed, got {value!r}")
    return value


def field_error(field: str, message: str, *, at_key: bool = False) -> PydanticCustomError:
    """An error that belongs to the named field (or mapping key, with ``at_key``) below the
    one being validated; ``validate.py`` points at that field's position."""
    # The message is passed as context, not as the template, so braces in it stay as written.
    return PydanticCustomError(
        "field", "{message}", {"field": field, "at_key": at_key, "message": message}
    )


def normalise_base_url(value: str) -> str:
    """An http(s) base URL that ends with '/'; raises ``ValueError`` otherwise."""
    value = _check_http_url(value)
    return value if value.endswith("/") else value + "/"


def _check_arxiv_id(value: str) -> str:
    value = value.strip()
    new = _NEW_STYLE_ARXIV.match(value)
    if new and 1 <= int(new["yymm"][2:]) <= 12 and (len(new["number"]) == 5) == (value >= "1501"):
        return value
    if _OLD_STYLE_ARXIV.match(value):
        return value
    hint = ""
    bare = re.sub(r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", "", value, flags=re.IGNORECASE)
    if bare != value and (_NEW_STYLE_ARXIV.match(bare) or _OLD_STYLE_ARXIV.match(bare)):
        hint = f"; write just the ID: '{bare}'"
    raise ValueError(
        f"{value!r} is not an arXiv ID: expected the new style (2503.14476, 2503.14476v2) "
        f"or the old style (hep-th/9901001){hint}"
    )


def _check_tag(value: str) -> str:
    if not _TAG.match(value):
        raise ValueError(
            f"{value!r} is not a tag: use lower-case words joined by hyphens, "
            "e.g. 'reinforcement-learning'"
        )
    if value != value.lower():
        raise ValueError(f"tags are lower case: write {value.lower()!r}")
    return value


def _check_language_code(value: str) -> str:
    if not _LANGUAGE_CODE.match(value):
        raise ValueError(f"{value!r} is not a language code such as 'ko' or 'en'")
    return value


def _text_input(value: Any, info: ValidationInfo) -> Any:
    """A text is a string (every language) or a mapping from language code to string.

    When validation is given the site's languages (``context={"languages": [...]}``), a code
    the site does not declare is an error; the error names the code so it can be located.
    """
    if isinstance(value, str):
        return {EVERY_LANGUAGE: value}
    if isinstance(value, dict):
        languages = (info.context or {}).get("languages")
        for code in value:
            if code == EVERY_LANGUAGE or (languages is not None and code not in languages):
                declared = ", ".join(languages or [])
                raise field_error(
                    str(code),
                    f"language '{code}' is not one of this site's languages ({declared}); "
                    "fix the code or add it to 'languages' in papersite.yaml",
                    at_key=True,
                )
        return value
    raise ValueError(
        f"expected a text: a string, or a mapping from language code to string, got {value!r}"
    )


HttpUrl = Annotated[str, AfterValidator(_check_http_url)]
ArxivId = Annotated[str, AfterValidator(_check_arxiv_id)]
Tag = Annotated[str, AfterValidator(_check_tag)]
LanguageCode = Annotated[str, AfterValidator(_check_language_code)]
Text = Annotated[dict[str, str], BeforeValidator(_text_input)]
"""One string per language; ``{"*": s}`` for a plain string that is the same in every language.
Use ``text_in`` to read it."""


def text_in(text: dict[str, str] | None, lang: str) -> str | None:
    """The text in ``lang``: its own translation, the shared text, or None when missing."""
    if not text:
        return None
    value = text.get(lang, text.get(EVERY_LANGUAGE))
    return value if value and value.strip() else None


def arxiv_base_id(arxiv_id: str) -> str:
    """``2503.14476v2`` → ``2503.14476``."""
    return re.sub(r"v\d+$", "", arxiv_id)


def slugify(value: str) -> str:
    """A URL-safe slug: Unicode letters and digits kept, everything else folded to hyphens."""
    normal = unicodedata.normalize("NFKC", value).casefold()
    return re.sub(r"[^\w]+|_+", "-", normal).strip("-")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- content -----------------------------------------------------------------------------------


class Link(_Strict):
    """A link from a paper to something about it."""

    kind: Literal[
        "paper", "pdf", "code", "project", "dataset", "model", "demo", "video", "blog",
        "discussion", "other",
    ]  # fmt: skip
    """What the link points at; decides its icon and label."""
    url: HttpUrl
    """Where it points; http(s) only."""
    label: str | None = None
    """Shown instead of the kind's name, e.g. 'X thread'."""


class Section(_Strict):
    """An extra bilingual section of a paper, such as a committee's reflections."""

    title: Text
    body: Text


class Paper(_Strict):
    """One paper entry of a digest, as the editor wrote it."""

    title: Text
    """The paper's title; the English one is the paper's name in the literature."""
    arxiv: ArxivId | None = None
    """arXiv ID, new or old style, optionally with a version."""
    authors: list[str] = Field(default_factory=list)
    affiliations: list[str] = Field(default_factory=list)
    award: str | None = None
    """best-paper | runner-up | oral | spotlight, or free text."""
    summary: Text | None = None
    """The digest's own introduction of the paper (논문 소개)."""
    abstract: Text | None = None
    """The abstract (논문 초록)."""
    sections: list[Section] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)

    @property
    def identity(self) -> str:
        """The arXiv ID without version, else a slug of the English (or first) title."""
        if self.arxiv:
            return arxiv_base_id(self.arxiv)
        title = text_in(self.title, "en") or next(iter(self.title.values()), "")
        return slugify(title)


class Period(_Strict):
    """The week a weekly digest covers."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self


class Conference(_Strict):
    """The conference edition a conference digest covers."""

    name: str = Field(min_length=1)
    year: int = Field(ge=1900, le=2999)
    url: HttpUrl | None = None


class Digest(_Strict):
    """One digest file: a week's picks or a conference's awards."""

    kind: Literal["weekly", "conference"]
    period: Period | None = None
    """Weekly digests only."""
    conference: Conference | None = None
    """Conference digests only."""
    date: dt.date | None = None
    """Publication date; a weekly digest defaults to the end of its period."""
    title: Text
    source: HttpUrl | None = None
    """Where the digest was first published."""
    overview: Text | None = None
    tags: list[Tag] = Field(default_factory=list)
    papers: list[Paper] = Field(min_length=1)

    @model_validator(mode="after")
    def _kind_fields(self) -> Digest:
        if self.kind == "weekly":
            if self.period is None:
                raise field_error(
                    "period", "a weekly digest needs 'period: {start: YYYY-MM-DD, end: ...}'"
                )
            if self.conference is not None:
                raise field_error(
                    "conference", "'conference' is for conference digests; remove it or set kind"
                )
            if self.date is None:
                object.__setattr__(self, "date", self.period.end)
        else:
            if self.conference is None:
                raise field_error(
                    "conference", "a conference digest needs 'conference: {name: ..., year: ...}'"
                )
            if self.period is not None:
                raise field_error("period", "'period' is for weekly digests; remove it or set kind")
            if self.date is None:
                raise field_error(
                    "date", "a conference digest needs its publication 'date: YYYY-MM-DD'"
                )
        return self

    @property
    def published(self) -> dt.date:
        """The publication date (always set once validated)."""
        if self.date is None:  # pragma: no cover - _kind_fields sets it
            raise RuntimeError("digest not validated")
        return self.date


class SiteConfig(_Strict):
    """``papersite.yaml``."""

    title: Text
    description: Text | None = None
    base_url: HttpUrl
    """Where the site is served, possibly with a sub-path; always ends with '/'."""
    languages: list[LanguageCode] = Field(min_length=1)
    """The site's languages; the first is the default."""
    tags: list[Tag] = Field(default_factory=list)
    """The site's tag vocabulary (optional)."""

    @model_validator(mode="after")
    def _normalise(self) -> SiteConfig:
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("'languages' lists a language twice")
        object.__setattr__(self, "base_url", normalise_base_url(self.base_url))
        return self


# --- arXiv metadata (filled by the enrichment stage) ---------------------------------------------


class ArxivRecord(_Strict):
    """What arXiv says about a paper; stored in the lockfile and merged under the digest's data."""

    id: ArxivId
    title: str
    authors: list[str] = Field(default_factory=list)
    abstract: str | None = None
    categories: list[str] = Field(default_factory=list)
    primary_category: str | None = None
    published: dt.date | None = None
    updated: dt.date | None = None
    version: int | None = None
    pdf_url: HttpUrl | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None


# --- the whole site, as the later stages see it -------------------------------------------------


@dataclass
class SourcedDigest:
    """A validated digest and where it came from."""

    digest: Digest
    path: str
    """The digest file, relative to the site root."""
    url: str
    """Its page, relative to the site root, e.g. ``weekly/2025-03-17/``."""
    positions: dict[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)
    """1-based (line, column) of each field, for messages from later stages."""


@dataclass
class Appearance:
    """One paper entry in one digest."""

    digest: SourcedDigest
    paper: Paper
    index: int
    """The entry's position in ``digest.papers``."""


@dataclass
class SitePaper:
    """A paper of the site: every digest entry about it, and arXiv's record of it."""

    identity: str
    url: str
    appearances: list[Appearance]
    """Oldest digest first."""
    arxiv: ArxivRecord | None = None
    """Filled by the enrichment stage from the lockfile."""


@dataclass
class Site:
    """A validated site: configuration, digests (newest first) and papers by identity."""

    config: SiteConfig
    digests: list[SourcedDigest]
    papers: dict[str, SitePaper]
