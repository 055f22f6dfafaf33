"""The typed model of a site: configuration, digests, papers, bilingual texts, links.

These pydantic models are the digest contract (``shared/digest-format.md``) in code: every field
is checked for its type and form here. Rules that need the whole site (declared languages, URL
collisions, the same paper twice) live in ``validate.py``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from papersite.arxiv_ids import arxiv_base_id, check_arxiv_id, check_base_arxiv_id
from papersite.errors import Problem
from papersite.i18n import ENGLISH, code_of
from papersite.load import Positions, as_read, format_location
from papersite.plain import slug_words

EVERY_LANGUAGE = "*"
"""The key under which a plain-string text is stored: the same text in every language."""

LINK_KINDS = (
    "paper", "pdf", "code", "project", "dataset", "model", "demo", "video", "blog",
    "discussion", "other",
)  # fmt: skip
LINK_KIND_WORDS = {
    "github": ("code",), "gitlab": ("code",), "repo": ("code",), "repository": ("code",),
    "source": ("code",), "arxiv": ("paper", "pdf"), "article": ("paper",),
    "openreview": ("paper",), "homepage": ("project",), "website": ("project",),
    "site": ("project",), "page": ("project",), "huggingface": ("model", "dataset"),
    "hf": ("model", "dataset"), "weights": ("model",), "checkpoint": ("model",),
    "data": ("dataset",), "youtube": ("video",), "talk": ("video",), "post": ("blog",),
    "twitter": ("discussion",), "x": ("discussion",), "tweet": ("discussion",),
    "thread": ("discussion",), "reddit": ("discussion",), "forum": ("discussion",),
    "hn": ("discussion",), "colab": ("demo",), "space": ("demo",), "playground": ("demo",),
}  # fmt: skip
"""Words an editor may write as a link's ``kind`` that are none of ``LINK_KINDS`` nor close to
one in spelling, with the kinds they mean: ``github`` is a ``code`` link."""
KNOWN_AWARDS = ("best-paper", "runner-up", "oral", "spotlight")

_TAG = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
_UNDERSCORES = re.compile(r"_+")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_SPACE = re.compile(r"\s")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_ISO_DATE_START = re.compile(r"^\d{4}-\d{2}-\d{2}", re.ASCII)

FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a conference digest may be of."""
MAX_SEGMENT_BYTES = 255
"""The longest name of a file or folder on most disks (ext4, APFS, NTFS), in bytes of UTF-8."""
MAX_SLUG_BYTES = 150
"""The longest a slug or tag may be, in bytes of UTF-8: a folder's name may have 255 on most
disks, and a URL that long is already past reading (50 Korean syllables, 150 Latin letters)."""


# --- field types -------------------------------------------------------------------------------


def _check_http_url(value: str) -> str:
    try:
        parts = urlsplit(value)
    except ValueError as error:  # brackets around no IP address: 'https://[zz]/', 'https://[::1'
        raise ValueError(f"{value!r} is not a URL ({error}): fix its host") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"only http(s) URLs are allowed, got {value!r}")
    if not parts.hostname:
        raise ValueError(
            f"{value!r} has no host: write the server's name after '{parts.scheme}://', "
            f"e.g. '{parts.scheme}://example.org/{parts.path.lstrip('/')}'"
        )
    if parts.username is not None or parts.password is not None:
        # 'https://github.com@evil.example/' leads to evil.example: browsers warn of such a link.
        raise ValueError(
            f"{value!r} holds a name or password before its host ('…@'), which every page "
            "showing it would publish; remove it, up to and including the '@'"
        )
    invisible = next((c for c in parts.netloc if unicodedata.category(c) == "Cf"), None)
    if invisible is not None:
        # Browsers drop some (U+200B) and refuse others (U+200D): either way the host is not
        # the one the page shows. Pasted with the URL, from a chat or a PDF.
        raise ValueError(
            f"{value!r} has an invisible character in its host, U+{ord(invisible):04X} "
            f"({unicodedata.name(invisible, 'a format character')}): remove it"
        )
    if _SPACE.search(value):
        raise ValueError(f"{value!r} has a space: write it as %20, or remove it")
    wrong = _host_problem(parts.hostname, bracketed=parts.netloc.startswith("["))
    if wrong is not None:
        raise ValueError(f"{value!r} {wrong}")
    try:
        port = parts.port  # raises for a port above 65535, or one that is not a number
    except ValueError:
        port = 0
    if port == 0:
        # Published as written, a link no browser can follow.
        raise ValueError(f"{value!r} has a port that is not one (1-65535): fix it, or remove it")
    unsafe = _UNSAFE_IN_URL.search(value)
    if unsafe is not None:
        raise ValueError(
            f"{value!r} has {unsafe[0]!r}, which a URL may not hold as it is: write it as "
            f"%{ord(unsafe[0]):02X}"
        )
    if _BAD_ESCAPE.search(value):
        raise ValueError(
            f"{value!r} has a '%' that is not followed by two hexadecimal digits: write it as %25"
        )
    return value


def _host_problem(host: str, *, bracketed: bool) -> str | None:
    """What is wrong with a URL's host (in lower case, as ``urlsplit`` gives it), to follow the
    URL in a message; None when it is a DNS name (an internationalised one too) or an IP
    address, which is all a browser can reach: it refuses, or cannot resolve, any other."""
    if bracketed:  # urlsplit has refused brackets around anything but an IPv6 or IPvFuture one
        return None if ":" in host else "has brackets that hold no IP address: fix its host"
    try:
        host = idna_host(host)  # an 'xn--' name too: IDNA decodes it to check it
    except ValueError as error:
        return (
            f"has a host name that is not a valid internationalised domain name ({error}); "
            "check its spelling"
        )
    name = host.removesuffix(".")  # 'example.org.' is the same, fully qualified
    last = name.rpartition(".")[2]
    if last.isdigit() or last.startswith("0x"):  # a browser reads the host as an IPv4 address
        return None if _is_ipv4(name) else _NOT_IPV4
    if len(name) > _MOST_HOST_CHARACTERS:
        return (
            f"has a host of {len(name)} characters, where one has at most "
            f"{_MOST_HOST_CHARACTERS}: check its spelling"
        )
    return next(filter(None, map(_label_problem, name.split("."))), None)


def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)  # four numbers of 0-255, without leading zeros
    except ValueError:
        return False
    return True


def _label_problem(label: str) -> str | None:
    """What is wrong with one name between a host's dots; None when nothing is."""
    if not label:
        return "has an empty name between two dots of its host ('..', or a '.' first): remove one"
    wrong = _NOT_IN_HOST.search(label)
    if wrong is not None:
        return (
            f"has {wrong[0]!r} in its host, which a host name may not hold (only letters, "
            "digits, '-' and '.'): check its spelling"
        )
    if len(label) > _MOST_LABEL_CHARACTERS:
        return (
            f"has a name of {len(label)} characters between the dots of its host, where one "
            f"has at most {_MOST_LABEL_CHARACTERS}: check its spelling"
        )
    if label.startswith("-") or label.endswith("-"):
        return f"has {label!r} in its host, which may not start or end with '-': fix its host"
    return None


_NOT_IN_HOST = re.compile(r"[^a-z0-9-]")
_MOST_HOST_CHARACTERS, _MOST_LABEL_CHARACTERS = 253, 63
"""The longest a DNS name may be (RFC 1035, without its final '.'), and one name between its
dots."""
_NOT_IPV4 = (
    "has a host that ends in a number but is not an IP address: write four numbers from 0 to "
    "255 joined by dots (192.0.2.1), or check its spelling"
)


_UNSAFE_IN_URL = re.compile(r'["<>\\^`{|}]')
"""Characters that no part of a URL may hold as they are (RFC 3986): pages would carry an
invalid address."""
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _date_input(value: Any) -> Any:
    """A date as YAML reads ``2025-03-17``, or that text quoted; not a number, which pydantic
    would take for seconds since 1970 (``date: 0`` is 1970-01-01). Nor a date with a time, which
    YAML reads from ``2025-03-17 10:00:00`` unquoted: pydantic would keep the day of one at
    midnight and refuse any other, where the quoted text is refused either way."""
    if isinstance(value, dt.datetime):
        value = value.isoformat(" ")  # shown as written, not as datetime.datetime(…)
    elif isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        return value
    raise value_error("{value} is not a date: write it as " + DAY_FORM, value=value)


def _moment_input(value: Any) -> Any:
    """A moment as the lockfile writes one, ``2026-11-21T09:12:44Z``; not a number, nor the
    text of one, which pydantic would take for seconds since 1970."""
    if isinstance(value, dt.datetime) or (isinstance(value, str) and _ISO_DATE_START.match(value)):
        return value
    raise value_error("{value} is not a time: write it as " + MOMENT_FORM, value=value)


DAY_FORM = "YYYY-MM-DD, e.g. 2025-03-17"
MOMENT_FORM = "YYYY-MM-DDTHH:MM:SSZ, in UTC, e.g. 2026-11-21T09:12:44Z"
"""How a day and a moment are written, for messages that say so."""


def _check_time_zone(value: dt.datetime) -> dt.datetime:
    # Published as a JSON Schema date-time (data/papers.json), which must have its offset.
    if value.utcoffset() is None:
        raise value_error(
            "{value} has no time zone; write the time in UTC with a final 'Z', e.g. {fixed}",
            value=value.isoformat(),
            fixed=f"{value.isoformat()}Z",
        )
    return value


def field_error(field: str | int, message: str, *, at_key: bool = False) -> PydanticCustomError:
    """An error that belongs to the named field (or mapping key, with ``at_key``; or the
    item of a list, by its index) below the one being validated; ``validate.py`` points at
    that field's position."""
    # The message is passed as context, not as the template, so braces in it stay as written.
    return PydanticCustomError(
        "field", "{message}", {"field": field, "at_key": at_key, "message": message}
    )


def value_error(template: str, **values: object) -> PydanticCustomError:
    """An error whose message names the given values (``"{value} is not a date"``), each spelt
    as the file being validated writes it: ``validate.py`` writes JSON's ``"text"`` and ``true``
    in the lockfile, and Python's form (``'text'``, as YAML may write it) elsewhere, which is
    also the message's own form."""
    shown = {name: repr(value) for name, value in values.items()}
    return PydanticCustomError(
        "value", template.format(**shown), {"template": template, "values": values}
    )


def idna_host(host: str) -> str:
    """A host name as DNS and URIs spell it: in IDNA, as browsers write it (UTS #46,
    non-transitional: ``예시.한국`` → ``xn--vv4b11d.xn--3e0b707e``); an ASCII name as it is.
    Raises ``ValueError`` for a name that IDNA cannot write, or an ``xn--`` name that is not
    one IDNA writes."""
    if host.isascii() and "xn--" not in host.lower():
        return host
    import idna  # only for such a name: its tables cost every start 2 ms

    return idna.encode(host, uts46=True).decode("ascii")


def normalise_base_url(value: str) -> str:
    """An http(s) base URL that ends with '/', its scheme and host in lower case (as browsers
    and crawlers compare them: ``https://Example.ORG/Site/`` is ``https://example.org/Site/``);
    raises ``ValueError`` otherwise. Every page's absolute URL is this and a path: it can have
    no query or fragment to come after them, and no empty folder name (nor, as no URL of the
    site may, a name and password)."""
    parts = urlsplit(_check_http_url(value))
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise ValueError(
            f"{value!r} has a query ('?') or a fragment ('#'): give the site's address alone"
        )
    if "//" in parts.path:
        raise ValueError(f"{value!r} has an empty folder name ('//'); remove the extra '/'")
    if any(segment in (".", "..") for segment in parts.path.split("/")):
        raise ValueError(f"{value!r} has a '.' or '..' folder; write the folder's own path")
    if not value.endswith("/") and parts.path.rsplit("/", 1)[-1].endswith((".html", ".htm")):
        folder = value.rsplit("/", 1)[0] + "/"
        raise ValueError(f"{value!r} is a page's address; give its folder's: {folder!r}")
    # urlsplit gives the scheme in lower case; the path keeps its case, which servers heed.
    normal = f"{parts.scheme}://{parts.netloc.lower()}{parts.path}"
    return normal if normal.endswith("/") else normal + "/"


def composed(value: str) -> str:
    """``value`` in its composed form (NFC): one spelling of each Hangul syllable. Text pasted
    from macOS is often decomposed (NFD: each syllable as its jamo), which looks the same but
    would make a second page of a tag, and is neither the glossary's term nor what a reader
    types into search. Already composed text (nearly all) is returned as it is, not copied."""
    return unicodedata.normalize("NFC", value)


def _check_tag(value: str) -> str:
    value = composed(value)
    if len(value.encode()) > MAX_SLUG_BYTES:
        raise ValueError(f"a tag has at most {MAX_SLUG_BYTES} bytes: shorten it")
    hyphened = _UNDERSCORES.sub("-", value).strip("-")
    if hyphened != value and _TAG.match(hyphened):
        # _TAG's \w takes '_': 'large_language' would be a tag beside 'large-language'.
        raise ValueError(
            f"{value!r}: a tag joins its words with hyphens, not '_': write {hyphened.lower()!r}"
        )
    if not _TAG.match(value):
        raise ValueError(
            f"{value!r} is not a tag: use lower-case words joined by hyphens, "
            "e.g. 'reinforcement-learning'"
        )
    plain = composed("".join(map(_narrowed, value)))
    if plain != value:
        # Another spelling of the same word ('ＬＬＭ' for 'LLM') would make a tag page of its own.
        raise ValueError(
            f"{value!r} has full-width or half-width characters: write {plain.lower()!r}"
        )
    if value != value.lower():
        raise ValueError(f"tags are lower case: write {value.lower()!r}")
    return value


def _narrowed(char: str) -> str:
    """A full-width or half-width form (U+FF00–U+FFEF: 'Ｌ', 'ｶ') as the character it is a form
    of; any other character as it is (NFKC would also change Hangul's compatibility jamo)."""
    if unicodedata.decomposition(char).startswith(("<wide>", "<narrow>")):
        return unicodedata.normalize("NFKC", char)
    return char


def _each_once(values: list[str], what: str) -> list[str]:
    """``values``, when none is given twice; else an error at the first repeated item."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise field_error(index, f"the {what} {value!r} is given twice: remove one")
        seen.add(value)
    return values


def _check_language_code(value: str) -> str:
    if not _LANGUAGE_CODE.match(value):
        lower = value.lower() if _LANGUAGE_CODE.match(value.lower()) else None
        hint = f": write {lower!r} (codes are lower case)" if lower else ""
        raise ValueError(f"{value!r} is not a language code such as 'ko' or 'en'{hint}")
    return value


def _text_input(value: Any, info: ValidationInfo) -> Any:
    """A text is a string (every language) or a mapping from language code to string.

    When validation is given the site's languages (``context={"languages": [...]}``), a code
    the site does not declare is an error; the error names the code so it can be located.
    Each string is composed (NFC), as ``composed`` says why.
    """
    if isinstance(value, str):
        return {EVERY_LANGUAGE: composed(value)}
    if isinstance(value, dict):
        languages = (info.context or {}).get("languages")
        for code in value:
            if code == EVERY_LANGUAGE or (languages is not None and code not in languages):
                # One error per text (a validator raises one), at the first code, naming all.
                declared = languages if languages is not None else list(value)
                unknown = [str(c) for c in value if c == EVERY_LANGUAGE or c not in declared]
                message = _undeclared(unknown, languages or [], "'languages' in papersite.yaml")
                raise field_error(unknown[0], message, at_key=True)
        return {
            code: composed(text) if isinstance(text, str) else text for code, text in value.items()
        }
    raise ValueError(
        "expected a text: a string, or a mapping from language code to string, "
        f"got {as_read(value)}"
    )


def _per_language(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    """A text (``_text_input``) or any mapping from language code, validated by ``handler``.
    A code the site does not declare is reported with the errors of the values, not before
    them (a wrong code, fixed, then showing a wrong value)."""
    try:
        mapping = _text_input(value, info)
    except PydanticCustomError as language:
        raise _with_errors_of(language, handler, value) from None
    return handler(mapping)


def _with_errors_of(
    error: PydanticCustomError, handler: ValidatorFunctionWrapHandler, value: Any
) -> ValidationError:
    """``error`` and every error ``handler`` finds in ``value``, as one; pydantic places each
    as if raised where it was found."""
    found: list[InitErrorDetails] = [{"type": error, "loc": (), "input": value}]
    try:
        handler(value)
    except ValidationError as more:
        for item in more.errors():
            found.append({"type": item["type"], "loc": item["loc"], "input": item["input"]})
            if "ctx" in item:
                found[-1]["ctx"] = item["ctx"]
    return ValidationError.from_exception_data("per language", found)


def _undeclared(unknown: list[str], declared: list[str], where: str) -> str:
    """The message for a text given in the ``unknown`` languages, the first of which it is at."""
    others = ", ".join(f"'{code}'" for code in unknown[1:])
    also = f" (nor are {others}, in this text)" if others else ""
    meant = next((code for code in declared if code.casefold() == unknown[0].casefold()), None)
    advice = f"fix the code or add it to {where}"
    if meant is not None:
        advice = f"write '{meant}', as the site does"
        advice += f"; fix the others or add them to {where}" if others else ""
    return (
        f"language '{unknown[0]}' is not one of this site's languages ({', '.join(declared)})"
        f"{also}; {advice}"
    )


def _check_alias(value: str) -> str:
    """An old URL of a digest, as a path from the site root: ``posts/old-title/`` (a folder) or
    ``posts/old.html`` (a file). A leading ``/`` is dropped; the result is NFC-normalised, so
    that a Hangul path typed on any system names one file."""
    example = "such as 'posts/top-ml-papers-11/'"
    if _URL_SCHEME.match(value) or value.startswith("//"):
        raise ValueError(
            f"{value!r} is a full URL; an alias is a path on this site, {example}: "
            "write only the part after the site's address"
        )
    if "?" in value or "#" in value:
        raise ValueError(
            f"{value!r} has a query ('?') or a fragment ('#'); a static site has one page per "
            "path, so write the path alone"
        )
    if "\\" in value:
        raise ValueError(f"{value!r} has a backslash; separate folders with '/'")
    if "%" in value:
        decoded = unquote(value)
        hint = f": {decoded!r}" if _PERCENT_ESCAPE.search(value) and decoded != value else ""
        raise ValueError(f"{value!r} is percent-encoded; write the path as it reads{hint}")
    path = composed(value.removeprefix("/"))
    if not path:
        raise ValueError(f"{value!r} is the site's home page; an alias is an old path, {example}")
    for segment in path.removesuffix("/").split("/"):
        if not segment:
            raise ValueError(f"{value!r} has an empty folder name ('//'); remove the extra '/'")
        if segment in (".", ".."):
            raise ValueError(
                f"{value!r} has a '{segment}' segment; write the whole path from the site root, "
                f"{example}"
            )
        if segment.startswith("."):
            raise ValueError(
                f"{value!r} has a name starting with '.', which many hosts hide; rename it"
            )
        bad = next((c for c in segment if not _alias_character(c)), None)
        if bad is not None:
            raise ValueError(
                f"{value!r} has {bad!r}; an alias may have letters, digits, '-', '_', '.' and '/'"
            )
        if len(segment.encode()) > MAX_SEGMENT_BYTES:
            raise ValueError(
                f"{value!r} has a name of more than {MAX_SEGMENT_BYTES} bytes, longer than "
                "disks allow; shorten it"
            )
    return path


def _alias_character(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char in "-_."
    return unicodedata.category(char)[0] in "LMN"  # letters (with their marks) and digits


HttpUrl = Annotated[str, AfterValidator(_check_http_url)]
BaseUrl = Annotated[str, AfterValidator(normalise_base_url)]
"""Where a site is served: an http(s) URL ending with '/', that a page's path can follow."""
ArxivId = Annotated[str, AfterValidator(check_arxiv_id)]
"""An arXiv ID, with or without a version, in canonical form (no old-style subject class)."""
PaperArxivId = Annotated[str, AfterValidator(check_base_arxiv_id)]
"""An arXiv ID without version, in canonical form: a paper's, as the lockfile keys it."""
Tag = Annotated[str, AfterValidator(_check_tag)]
Tags = Annotated[list[Tag], AfterValidator(lambda tags: _each_once(tags, "tag"))]
"""Tags, each given once: a repeated one is a slip, which the pages would show twice."""
ComposedText = Annotated[str, AfterValidator(composed)]
"""Text from an outside source, as the lockfile keeps it (a title, a name, an abstract): composed
(NFC) as a digest's texts are, so that a decomposed one (as macOS writes them, in a lockfile
edited by hand) matches and renders as the composed one does."""
AwareTime = Annotated[dt.datetime, BeforeValidator(_moment_input), AfterValidator(_check_time_zone)]
"""A moment with its time zone, such as when a record was fetched."""
Day = Annotated[dt.date, BeforeValidator(_date_input)]
"""A date, in a digest or the lockfile: ``YYYY-MM-DD``."""
LanguageCode = Annotated[str, AfterValidator(_check_language_code)]
WholeNumber = Annotated[int, Field(strict=True)]
"""A number as YAML writes one: a quoted ``"2025"`` is text and ``true`` a boolean, so both are
refused rather than quietly converted (pydantic's lax mode would take them as 2025 and 1)."""
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""Like ``WholeNumber``, for a quantity that may have a fraction (``3`` and ``2.5`` both do);
not YAML's ``.inf`` or ``.nan``, which no wait or time limit can be (``time.sleep`` raises)."""
Flag = Annotated[bool, Field(strict=True)]
"""``true`` or ``false``; not ``0`` or ``"false"``, which pydantic's lax mode would convert."""
AliasPath = Annotated[str, AfterValidator(_check_alias)]
"""An old path of a digest, relative to the site root (see ``urls.alias_page``)."""
Text = Annotated[dict[str, str], WrapValidator(_per_language)]
"""One string per language; ``{"*": s}`` for a plain string that is the same in every language.
Use ``text_in`` to read it."""


def text_in(text: dict[str, str] | None, lang: str) -> str | None:
    """The text in ``lang``: its own translation, the shared text, or None when missing."""
    if not text:
        return None
    value = text.get(lang, text.get(EVERY_LANGUAGE))
    return None if value is None or is_blank(value) else value


def english_text(text: dict[str, str] | None) -> str | None:
    """The text in English, ``en`` or a regional ``en-US`` (``i18n.code_of``), as ``text_in``
    reads it: the name a paper is known by, and searched for, on arXiv."""
    return text_in(text, code_of(text or {}, ENGLISH) or ENGLISH)


def is_blank(value: str) -> bool:
    """Empty or only whitespace (without making a stripped copy, as ``strip`` would)."""
    return not value or value.isspace()


def _not_blank(value: dict[str, str]) -> dict[str, str]:
    if all(is_blank(text) for text in value.values()):
        raise ValueError("this text is empty; write it, in at least one of the site's languages")
    return value


RequiredText = Annotated[dict[str, str], WrapValidator(_per_language), AfterValidator(_not_blank)]
"""A ``Text`` that may not be empty in every language: a title, a section's body."""


def _not_blank_name(value: str) -> str:
    if is_blank(value):
        raise ValueError("this is empty; write it, or remove it")
    return composed(value)


def _name_input(value: Any) -> Any:
    """A name as given; one per language (``{ko: 특별상, en: Special Award}``) says to write it
    once, where pydantic's words would only say that it is no string."""
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        joined = " / ".join(value.values())
        raise ValueError(
            f"this is one string for every language, not a text per language: write it once, "
            f"e.g. {joined!r}"
        )
    return value


def _who_input(value: Any) -> Any:
    """Who wrote a status's texts (``by.machine``), as given; a list of names says to write them
    as the one text the notice shows, where pydantic's words would only say it is no string."""
    if isinstance(value, list) and value and all(isinstance(name, str) for name in value):
        raise ValueError(
            "expected one text naming who, got a list; write the names in one text, joined "
            f"with commas: {', '.join(value)!r}"
        )
    return _name_input(value)


Name = Annotated[str, BeforeValidator(_name_input), AfterValidator(_not_blank_name)]
"""A name that is the same in every language (an author, an award): never blank, since a blank
award would be a group of its own, and a blank author an empty place in the list; composed
(NFC), as texts are, so that one award pasted from macOS is not a second group."""


def slugify(value: str) -> str:
    """A URL-safe slug: Unicode letters and digits kept, each run of anything else (an
    underscore among it) folded to one hyphen; a long one cut to ``MAX_SLUG_BYTES``, at a
    hyphen where one falls in its second half."""
    normal = unicodedata.normalize("NFKC", value).casefold()
    slug = re.sub(r"[\W_]+", "-", normal).strip("-")
    if len(slug.encode()) <= MAX_SLUG_BYTES:
        return slug
    cut = slug.encode()[:MAX_SLUG_BYTES].decode("utf-8", "ignore")
    hyphen = cut.rfind("-")
    return (cut[:hyphen] if hyphen > len(cut) // 2 else cut).strip("-")


class StrictModel(BaseModel):
    """A model that rejects unknown fields (so typos are reported) and cannot be changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def model_post_init(self, context: Any, /) -> None:
        _share_fields_set(self)

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        _share_fields_set(self)


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
"""One set of each content, shared by every model whose ``model_fields_set`` it is."""


def _share_fields_set(model: BaseModel) -> None:
    """Make the set of the fields a model was given (pydantic's own, one per model) the one
    shared set of that content. A site of 10,000 papers holds 50,000 models, whose sets took
    21 MB with ten contents between them. Safe because the models are frozen: pydantic changes
    this set only when a field is assigned, and ``model_copy`` gives the copy a set of its own."""
    given = model.__pydantic_fields_set__
    shared = _FIELDS_SETS.setdefault(frozenset(given), given)
    if shared is not given:
        object.__setattr__(model, "__pydantic_fields_set__", shared)


# --- content -----------------------------------------------------------------------------------


class Link(StrictModel):
    """A link from a paper to something about it."""

    kind: Literal[
        "paper", "pdf", "code", "project", "dataset", "model", "demo", "video", "blog",
        "discussion", "other",
    ]  # fmt: skip
    """What the link points at; decides its icon and label."""
    url: HttpUrl
    """Where it points; http(s) only."""
    label: Name | None = None
    """Shown instead of the kind's name, e.g. 'X thread'; never blank, which would show a link
    with no text."""


ProvenanceStatus = Literal["human", "machine", "upstream", "reviewed"]
"""Who wrote a text: a person (``human``), a machine, not yet reviewed (``machine``), the source
the digest takes it from (``upstream``: the original list, the authors), or a machine with a
person's review since (``reviewed``)."""


def _statuses_input(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    """A status for every language (a string), or a mapping from language code to status,
    whose codes are checked as a text's are."""
    if isinstance(value, str):
        return handler({EVERY_LANGUAGE: value})
    if isinstance(value, dict):
        return _per_language(value, handler, info)
    raise ValueError(
        "expected a status (human, machine, upstream or reviewed), or a mapping from language "
        f"code to status, got {value!r}"
    )


Statuses = Annotated[dict[str, ProvenanceStatus], WrapValidator(_statuses_input)]
"""A ``ProvenanceStatus`` per language; ``{"*": status}`` for every language."""


class PaperProvenance(StrictModel):
    """Who wrote a paper's texts, per field and language (see the README): over its digest's
    ``provenance``, field by field."""

    default: Statuses | None = None
    """Every text of the paper that is not named below."""
    by: dict[ProvenanceStatus, Annotated[str, BeforeValidator(_who_input)]] = Field(
        default_factory=dict
    )
    """Who, per status: ``machine: GPT-4o``, ``reviewed: <reviewer>``."""
    title: Statuses | None = None
    summary: Statuses | None = None
    abstract: Statuses | None = None
    sections: Statuses | None = None
    """Every section, titles and bodies."""

    def status(self, field: str, lang: str) -> ProvenanceStatus | None:
        """The status this gives ``field`` in ``lang`` (a site language: a text shared by every
        language takes its status from theirs, ``provenance.text_statuses``): the field's own,
        else the default; None if it says nothing."""
        for statuses in (getattr(self, field, None), self.default):
            if statuses is not None:
                found = statuses.get(lang, statuses.get(EVERY_LANGUAGE))
                if found is not None:
                    return found
        return None


class Provenance(PaperProvenance):
    """Who wrote a digest's texts: its own (``title``, ``overview``), and its papers' (the
    paper fields here, and ``default``, cover every paper that does not say otherwise)."""

    overview: Statuses | None = None


class Section(StrictModel):
    """An extra bilingual section of a paper, such as a committee's reflections."""

    title: RequiredText
    body: RequiredText


class Paper(StrictModel):
    """One paper entry of a digest, as the editor wrote it."""

    title: RequiredText
    """The paper's title; the English one is the paper's name in the literature."""
    arxiv: ArxivId | None = None
    """arXiv ID, new or old style, optionally with a version."""
    authors: list[Name] = Field(default_factory=list)
    affiliations: list[Name] = Field(default_factory=list)
    award: Name | None = None
    """best-paper | runner-up | oral | spotlight, or free text."""
    summary: Text | None = None
    """The digest's own introduction of the paper (논문 소개)."""
    abstract: Text | None = None
    """The abstract (논문 초록)."""
    sections: list[Section] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    tags: Tags = Field(default_factory=list)
    provenance: PaperProvenance | None = None
    """Who wrote this paper's texts, over the digest's ``provenance``."""

    @cached_property
    def identity(self) -> str:
        """The arXiv ID without version, else a slug of the words of the English (or first)
        title, so that a link's URL or a code span's backticks do not reach the paper's URL (a
        title without marks gives the slug of its text). Worked out once an entry (the model
        is frozen): each build asks it of every entry several times, and a resident process's
        entries live on (``resident.py``)."""
        if self.arxiv:
            return arxiv_base_id(self.arxiv)
        title = english_text(self.title) or next(iter(self.title.values()), "")
        return slugify(slug_words(title))


class Period(StrictModel):
    """The week a weekly digest covers."""

    start: Day
    end: Day

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self


class Conference(StrictModel):
    """The conference edition a conference digest covers."""

    name: str = Field(min_length=1)
    year: WholeNumber = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    url: HttpUrl | None = None

    @field_validator("name")
    @classmethod
    def _named_in_the_url(cls, name: str) -> str:
        if not slugify(name):  # the digest's URL is /conferences/<slug>-<year>/
            raise ValueError(f"{name!r} gives no URL (no letters or digits): name the conference")
        return name


KIND_FIELDS = ("period", "conference", "date")
"""The fields a digest must have or must not, by its kind."""


def kind_fields_problem(kind: object, given: Collection[str]) -> tuple[str, str] | None:
    """The field a digest of ``kind`` lacks or must not have (of ``KIND_FIELDS``; ``given``
    are those it has), and what to do; None when they agree with its kind. Asked of the
    validated digest, and of its data when other fields failed (``validate.py``), so that one
    run reports every problem."""
    if kind == "weekly":
        if "period" not in given:
            return "period", "a weekly digest needs 'period: {start: YYYY-MM-DD, end: ...}'"
        if "conference" in given:
            return "conference", "'conference' is for conference digests; remove it or set kind"
    elif kind == "conference":
        if "conference" not in given:
            return "conference", "a conference digest needs 'conference: {name: ..., year: ...}'"
        if "period" in given:
            return "period", "'period' is for weekly digests; remove it or set kind"
        if "date" not in given:
            return "date", "a conference digest needs its publication 'date: YYYY-MM-DD'"
    return None


class Digest(StrictModel):
    """One digest file: a week's picks or a conference's awards."""

    kind: Literal["weekly", "conference"]
    period: Period | None = None
    """Weekly digests only."""
    conference: Conference | None = None
    """Conference digests only."""
    date: Day | None = None
    """Publication date; a weekly digest defaults to the end of its period."""
    title: RequiredText
    source: HttpUrl | None = None
    """Where the digest was first published."""
    overview: Text | None = None
    tags: Tags = Field(default_factory=list)
    aliases: list[AliasPath] = Field(default_factory=list)
    """Old paths of this digest (it was renamed or moved); each gets a page that redirects here.
    ``validate.py`` checks that no page of the site and no other alias uses them."""
    provenance: Provenance | None = None
    """Who wrote the digest's texts; nothing is assumed without it."""
    papers: list[Paper] = Field(min_length=1)

    @model_validator(mode="after")
    def _kind_fields(self) -> Digest:
        given = {name for name in KIND_FIELDS if getattr(self, name) is not None}
        disagreement = kind_fields_problem(self.kind, given)
        if disagreement is not None:
            raise field_error(*disagreement)
        if self.date is None and self.period is not None:  # weekly: the end of its week
            object.__setattr__(self, "date", self.period.end)
        return self

    @property
    def published(self) -> dt.date:
        """The publication date (always set once validated)."""
        if self.date is None:  # pragma: no cover - _kind_fields sets it
            raise RuntimeError("digest not validated")
        return self.date


# --- metadata from outside sources (the lockfile; filled in by the enrichment stage) ------------

ARXIV_BEGAN = dt.date(1991, 8, 14)
"""The day arXiv's first paper (hep-th/9108001) was submitted: no record's date is earlier."""
MAX_ARXIV_VERSION = 1000
"""More versions than any arXiv paper has: a paper's versions count up from 1, a few each."""
REFETCH = "remove the entry and run papersite enrich to fetch its record again"
"""What to do about a lockfile value that no arXiv record can have (a record edited by hand)."""


def _before_or_after_arxiv(moment: dt.date) -> str | None:
    """Why a day cannot be in an arXiv record; None when it can."""
    if moment < ARXIV_BEGAN:
        return f"before arXiv began ({ARXIV_BEGAN})"
    return f"after {LAST_YEAR}" if moment.year > LAST_YEAR else None


def _arxiv_day(value: dt.date) -> dt.date:
    why = _before_or_after_arxiv(value)
    if why is not None:
        raise value_error(f"{{value}} cannot be an arXiv date, {why}: {REFETCH}", value=str(value))
    return value


def _fetch_time(value: dt.datetime) -> dt.datetime:
    why = _before_or_after_arxiv(value.astimezone(dt.UTC).date())
    if why is not None:
        written = value.isoformat().replace("+00:00", "Z")
        raise value_error(
            f"{{value}} cannot be when a record was fetched, {why}: {REFETCH}", value=written
        )
    return value


def _arxiv_version(value: int) -> int:
    if value > MAX_ARXIV_VERSION:
        raise value_error(
            f"{{value}} cannot be an arXiv version, a small number (none has reached "
            f"{MAX_ARXIV_VERSION}): {REFETCH}",
            value=value,
        )
    return value


ArxivDay = Annotated[Day, AfterValidator(_arxiv_day)]
"""A date of an arXiv record: arXiv's own time, from its first paper on."""
FetchTime = Annotated[AwareTime, AfterValidator(_fetch_time)]
"""When a source's record was fetched: after arXiv began, with its time zone."""
ArxivVersion = Annotated[WholeNumber, Field(ge=1), AfterValidator(_arxiv_version)]
"""A version number of an arXiv paper: 1, 2, …, never thousands."""


class ArxivRecord(StrictModel):
    """What arXiv says about a paper, as ``papersite enrich`` stored it in the lockfile.

    One record per paper, for its latest version; a version pinned in a digest is shown as that
    version, with this record's dates and metadata.
    """

    id: PaperArxivId
    """The ID without version, in arXiv's canonical form (``math/0309136``, not
    ``math.GT/0309136``)."""
    version: ArxivVersion | None = None
    """The latest version; None only in a record written by hand without it."""
    title: ComposedText = Field(min_length=1)
    authors: list[Name] = Field(default_factory=list)
    abstract: ComposedText = ""
    primary_category: str = ""
    categories: list[str] = Field(default_factory=list)
    """Every category, the primary one included."""
    published: ArxivDay | None = None
    """When version 1 was submitted; None only in a record written by hand without it."""
    updated: ArxivDay | None = None
    """When the latest version was submitted; None only in a record written by hand."""
    doi: str | None = None
    journal_ref: ComposedText | None = None
    comment: ComposedText | None = None
    withdrawn: Flag = False
    """arXiv marks the paper as withdrawn (in its comment or abstract)."""
    resolved_from_title: ComposedText | None = None
    """The digest title this ID was found from by ``enrich --resolve-titles``; None when the
    digest gives the ID itself."""
    fetched: FetchTime
    """When the record was fetched (UTC) as it is: a refetch that finds it unchanged keeps it,
    this time included, so that a refresh that finds nothing new changes nothing."""

    @model_validator(mode="after")
    def _updated_not_before_published(self) -> ArxivRecord:
        # The pages would show a latest version older than the first one.
        if self.published and self.updated and self.updated < self.published:
            raise field_error(
                "updated",
                f"the latest version's date ({self.updated}) is before the first version's "
                f"'published' ({self.published}); 'updated' is the same day or later",
            )
        return self

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.id}"


class SemanticScholarRecord(StrictModel):
    """What Semantic Scholar's Graph API says about a paper (``enrich --with semantic-scholar``)."""

    paper_id: str
    """Semantic Scholar's own ID of the paper."""
    url: HttpUrl | None = None
    """The paper's page on Semantic Scholar."""
    citation_count: WholeNumber | None = Field(default=None, ge=0)
    venue: ComposedText | None = None
    year: WholeNumber | None = None
    open_access_pdf: HttpUrl | None = None
    """The publication's open-access PDF, where Semantic Scholar knows one."""
    fetched: FetchTime
    """When the record was fetched (UTC) as it is, as ``ArxivRecord.fetched``."""


class _SourceSettings(StrictModel):
    """What every metadata source's settings have: patience with a slow or failing server."""

    timeout_seconds: Number = Field(default=30.0, gt=0)
    retries: WholeNumber = Field(default=4, ge=0, le=10)
    """Retries of a failed request, with doubling back-off starting at ``delay_seconds``."""


class ArxivSettings(_SourceSettings):
    """``arxiv:`` in ``papersite.yaml``: how ``papersite enrich`` talks to arXiv's API."""

    api_url: HttpUrl = "https://export.arxiv.org/api/query"
    """The query endpoint; ``PAPERSITE_ARXIV_API_URL`` overrides it (mirrors, tests)."""
    delay_seconds: Number = Field(default=3.0, ge=0)
    """The least time between two requests; arXiv's terms ask for 3 seconds."""
    page_size: WholeNumber = Field(default=100, ge=1, le=100)
    """IDs per request (arXiv's etiquette: at most 100)."""

    @model_validator(mode="after")
    def _polite_to_arxiv(self) -> ArxivSettings:
        if urlsplit(self.api_url).hostname in _ARXIV_API_HOSTS and self.delay_seconds < 3:
            raise field_error(
                "delay_seconds",
                "arXiv's API terms ask for at least 3 seconds between requests; "
                "use a smaller delay only with a mirror or a test server",
            )
        return self


class SemanticScholarSettings(_SourceSettings):
    """``semantic_scholar:`` in ``papersite.yaml`` (used by ``enrich --with semantic-scholar``)."""

    api_url: HttpUrl = "https://api.semanticscholar.org/graph/v1"
    """The Graph API root; ``PAPERSITE_SEMANTIC_SCHOLAR_API_URL`` overrides it."""
    delay_seconds: Number = Field(default=1.0, ge=0)
    """The least time between two requests (1 request a second is the keyed rate limit)."""
    batch_size: WholeNumber = Field(default=500, ge=1, le=500)
    """IDs per batch request (the API accepts at most 500)."""


_ARXIV_API_HOSTS = frozenset({"export.arxiv.org", "arxiv.org", "www.arxiv.org"})


class LinkSettings(StrictModel):
    """``links:`` in ``papersite.yaml``: how ``papersite check --links`` checks external links."""

    concurrency: WholeNumber = Field(default=8, ge=1, le=64)
    """Requests in flight at once, over every host."""
    per_host: WholeNumber = Field(default=2, ge=1, le=16)
    """Requests in flight at once to one host (and port), so no server sees a burst."""
    timeout_seconds: Number = Field(default=10.0, gt=0, le=300)
    """The longest one request may take, from connecting to the response's headers."""
    retries: WholeNumber = Field(default=2, ge=0, le=10)
    """Retries after a timeout, a failed connection, HTTP 408, 429 or 5xx."""
    backoff_seconds: Number = Field(default=1.0, ge=0, le=60)
    """The first retry's wait; each further retry waits twice as long."""
    max_retry_after_seconds: Number = Field(default=30.0, ge=0, le=600)
    """The longest a server's ``Retry-After`` is honoured."""
    max_redirects: WholeNumber = Field(default=10, ge=0, le=30)
    cache_hours: Number = Field(default=24.0, ge=0)
    """How long a working link's result is reused; 0 rechecks every link."""
    failure_cache_hours: Number = Field(default=0.0, ge=0)
    """How long a dead link's result (HTTP 4xx, a redirect loop) is reused; 0, the default,
    rechecks dead links on every run. Timeouts, failed connections and 5xx are never reused."""
    skip: list[HttpUrl] = Field(default_factory=list)
    """URL prefixes not checked, e.g. hosts that turn away every program."""


def _a_word(value: str) -> str:
    if is_blank(value):
        raise ValueError("is empty; write the term's words, or remove it")
    # Spaces around a form (" transformer ", as YAML keeps them in quotes) are no part of it:
    # kept, they would ask the texts for them, and show in the page's marks and messages.
    return composed(value.strip())


GlossaryWord = Annotated[str, AfterValidator(_a_word)]
"""A form of a glossary term: words, never blank (a blank one is found everywhere), without
the spaces around them."""


def _some_rendering(value: list[str]) -> list[str]:
    # Said in the glossary's words: pydantic's "List should have at least 1 item after
    # validation" says neither what is missing nor what to write.
    if not value:
        raise ValueError("no Korean rendering: give at least one, the preferred first")
    return value


class GlossaryTerm(StrictModel):
    """One English term of the glossary and how it is written in Korean."""

    en: GlossaryWord
    """The term as English texts write it: ``hallucination``, ``fine-tuning``."""
    ko: Annotated[list[GlossaryWord], AfterValidator(_some_rendering)]
    """The accepted Korean renderings, the preferred first: ``[미세 조정, 파인튜닝]``."""
    wrong: list[GlossaryWord] = Field(default_factory=list)
    """Known wrong renderings: ``[쇄도]``."""
    also: list[GlossaryWord] = Field(default_factory=list)
    """Other English forms of the term: ``[fine tuning, finetuning]``."""
    note: Text | None = None
    """What it means, for the glossary page."""


class Glossary(StrictModel):
    """``glossary.yaml`` at the site root."""

    terms: list[GlossaryTerm] = Field(default_factory=list)
    """Each term once (``validate.py`` checks that no English form is given twice)."""


class SiteConfig(StrictModel):
    """``papersite.yaml``."""

    title: RequiredText
    description: Text | None = None
    base_url: BaseUrl
    """Where the site is served, possibly with a sub-path; always ends with '/'."""
    languages: Annotated[
        list[LanguageCode], AfterValidator(lambda codes: _each_once(codes, "language"))
    ] = Field(min_length=1)
    """The site's languages; the first is the default."""
    tags: Tags = Field(default_factory=list)
    """The site's tag vocabulary (optional)."""
    arxiv: ArxivSettings = Field(default_factory=ArxivSettings)
    semantic_scholar: SemanticScholarSettings = Field(default_factory=SemanticScholarSettings)
    links: LinkSettings = Field(default_factory=LinkSettings)
    per_page: WholeNumber = Field(default=50, ge=1)
    """How many papers or digests one page of a long list shows (``paging.py``)."""

    @model_validator(mode="after")
    def _languages_agree(self) -> SiteConfig:
        for name in ("title", "description"):
            text: dict[str, str] = getattr(self, name) or {}
            unknown = [c for c in text if c != EVERY_LANGUAGE and c not in self.languages]
            if unknown:  # as in a digest's texts; here the languages are only known now
                raise field_error(name, _undeclared(unknown, self.languages, "'languages'"))
        return self


# --- the whole site, as the later stages see it -------------------------------------------------


@dataclass
class SourcedDigest:
    """A validated digest and where it came from."""

    digest: Digest
    path: str
    """The digest file, relative to the site root."""
    url: str
    """Its page, relative to the site root, e.g. ``weekly/2025-03-17/``."""
    positions: Positions = field(default_factory=Positions)
    """1-based (line, column) of each field, for messages from later stages."""

    def problem(self, location: tuple[str | int, ...], message: str) -> Problem:
        """A ``Problem`` at a field of this digest (or the nearest enclosing one it has a
        position for), for messages from the stages after validation."""
        line, column = self.positions.nearest(location)
        return Problem(self.path, line, column, format_location(location), message)


@dataclass
class Appearance:
    """One paper entry in one digest."""

    digest: SourcedDigest
    paper: Paper
    index: int
    """The entry's position in ``digest.papers``."""

    def problem(self, message: str, *fields: str | int) -> Problem:
        """A ``Problem`` about this entry, or one of its fields, at its place in the digest."""
        return self.digest.problem(("papers", self.index, *fields), message)


@dataclass
class SitePaper:
    """A paper of the site: every digest entry about it, and arXiv's record of it."""

    identity: str
    url: str
    appearances: list[Appearance]
    """Oldest digest first."""
    arxiv: ArxivRecord | None = None
    """Filled by the enrichment stage from the lockfile."""
    semantic_scholar: SemanticScholarRecord | None = None
    """Filled by the enrichment stage from the lockfile, when it holds Semantic Scholar's data."""


@dataclass
class Site:
    """A validated site: configuration, digests (newest first) and papers by identity."""

    config: SiteConfig
    digests: list[SourcedDigest]
    papers: dict[str, SitePaper]
    glossary: Glossary | None = None
    """``glossary.yaml``, when the site has one."""
