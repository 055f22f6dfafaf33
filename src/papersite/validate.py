"""Validation: parsed documents → the typed ``Site``, or every problem at once.

Field-level rules are the pydantic models in ``model.py``; this module runs them with the site's
languages as context, turns pydantic's errors into located ``Problem``s, and adds the rules that
need the whole site: one paper once per digest, one page per URL, aliases that take no page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from papersite.errors import ContentError, Problem, closest
from papersite.glossary import term_problems
from papersite.load import (
    LoadedSite,
    Location,
    Positions,
    SourceDocument,
    as_read,
    format_location,
    is_json,
    is_markdown,
)
from papersite.model import (
    DAY_FORM,
    EVERY_LANGUAGE,
    KIND_FIELDS,
    LINK_KIND_WORDS,
    MOMENT_FORM,
    AliasPath,
    Appearance,
    Conference,
    Digest,
    Glossary,
    Paper,
    Period,
    Site,
    SiteConfig,
    SitePaper,
    SourcedDigest,
    kind_fields_problem,
)
from papersite.paging import LATER_PAGE
from papersite.urls import (
    FIXED_PAGES,
    alias_page,
    digest_url,
    page_path,
    paper_url,
    reserved_folders,
    tag_feed_url,
    tag_url,
)

DATE_FORMS = {
    "date_from_datetime_parsing": DAY_FORM,
    "date_from_datetime_inexact": DAY_FORM,
    "date_parsing": DAY_FORM,
    "date_type": DAY_FORM,
    "datetime_from_date_parsing": MOMENT_FORM,
    "datetime_parsing": MOMENT_FORM,
    "datetime_type": MOMENT_FORM,
}
"""Pydantic's kinds of error for a value that is not a day or a moment, and how to write one."""

NO_MARKDOWN_PAPERS = (
    "a digest needs at least one paper: give each a '## <its title>' section after the front "
    "matter (see README.md, 'The Markdown form of a digest')"
)

ModelT = TypeVar("ModelT", bound=BaseModel)
ItemT = TypeVar("ItemT")


def validate_site(
    loaded: LoadedSite,
    unread: Mapping[str, SourcedDigest] | None = None,
    collected: Collected | None = None,
) -> Site:
    """The typed site, or ``ContentError`` listing every problem in every file. ``unread`` are
    the digest files that ``load_site`` left unread, validated before, and ``collected`` how
    the last build grouped its papers, which this build's grouping replaces (``resident.py``)."""
    problems = list(loaded.problems)
    # A value the loader refused (a tag, values nested too deep) is read as nothing, which
    # validation would report again at the same place, in its own words.
    refused = {(problem.path, problem.line, problem.column) for problem in loaded.problems}
    config = _validate_config(loaded.config, problems)
    languages = config.languages if config else None
    documents = {document.path: document for document in loaded.digests}
    digests: list[SourcedDigest] = []
    declared: list[DeclaredAliases] = []  # every digest file's, in file order
    for path in loaded.files:  # the files' order: the first of two digests at one URL is kept
        document = documents.get(path)
        if document is None:
            if unread and path in unread:
                digests.append(unread[path])
                declared.append(DeclaredAliases.of(unread[path]))
            continue
        made = len(problems)
        digest = validate_document(Digest, document, problems, {"languages": languages})
        if refused:
            problems[made:] = [
                p for p in problems[made:] if (p.path, p.line, p.column) not in refused
            ]
        if digest is None:
            problems += _kind_problems(document, problems[made:])
            problems += _repeated_papers(_valid_entries(document, languages), document)
            declared.append(_salvaged_aliases(document))
        if digest is not None:
            sourced = SourcedDigest(digest, document.path, digest_url(digest), document.positions)
            digests.append(sourced)
            declared.append(DeclaredAliases.of(sourced))
            problems += _repeated_papers(enumerate(digest.papers), document)
    problems += _digest_url_collisions(digests)
    regrouped = (
        _collected_again(digests, collected) if collected is not None and not problems else None
    )
    papers, folded = regrouped or (None, None)
    if papers is None:
        papers, paper_problems = _collect_papers(digests)
        problems += paper_problems
    problems += _alias_problems(declared, digests, papers, languages or [])
    glossary = _validate_glossary(loaded.glossary, languages, problems)
    if problems or config is None:
        raise ContentError(problems)
    if collected is not None:
        collected.remember(digests, papers, folded)
    digests.sort(key=lambda d: (d.digest.published, d.url), reverse=True)
    return Site(config, digests, papers, glossary)


@dataclass
class Collected:
    """How a build grouped its digests' entries into papers (``_collect_papers``), which a
    process that builds again keeps for the next build (``resident.py``)."""

    digests: dict[str, SourcedDigest] = field(default_factory=dict)
    """By path, the very objects."""
    papers: dict[str, SitePaper] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)
    """Each paper's identity, by its casefolded form (no two papers share one)."""

    def remember(
        self,
        digests: list[SourcedDigest],
        papers: dict[str, SitePaper],
        folded: dict[str, str] | None = None,
    ) -> None:
        """This build's grouping; ``folded``, if it was made from the last one's."""
        self.digests = {sourced.path: sourced for sourced in digests}
        self.papers = papers
        self.folded = folded or {identity.casefold(): identity for identity in papers}


FEW_CHANGES = 64
"""A rebuild in a resident process that changed more digests than this groups every entry
again."""


def _collected_again(
    digests: list[SourcedDigest], collected: Collected
) -> tuple[dict[str, SitePaper], dict[str, str]] | None:
    """The papers as ``_collect_papers`` groups them, made from how the last build grouped them:
    only the papers of the digests that are not the very same objects are grouped again, as
    new objects; the others are the last build's. With each identity by its casefolded form.
    None where a change needs the whole grouping:
    many digests changed, or a new paper's identity differs only in letter case from another's
    (``_collect_papers`` says which)."""
    before = collected.digests
    now = {sourced.path: sourced for sourced in digests}
    new = [sourced for sourced in digests if before.get(sourced.path) is not sourced]
    gone = [sourced for path, sourced in before.items() if now.get(path) is not sourced]
    if not collected.papers or len(new) + len(gone) > FEW_CHANGES:
        return None
    dropped = {id(sourced) for sourced in gone}
    grouped: dict[str, list[Appearance]] = {}
    for sourced in [*new, *gone]:
        for paper in sourced.digest.papers:
            if paper.identity and paper.identity not in grouped:
                last = collected.papers.get(paper.identity)
                appearances = last.appearances if last is not None else []
                grouped[paper.identity] = [a for a in appearances if id(a.digest) not in dropped]
    for sourced in new:
        for index, paper in enumerate(sourced.digest.papers):
            if paper.identity:
                grouped[paper.identity].append(Appearance(sourced, paper, index))
    papers, folded = dict(collected.papers), dict(collected.folded)
    for identity, appearances in grouped.items():
        if not appearances:
            papers.pop(identity, None)
            folded.pop(identity.casefold(), None)
            continue
        if folded.setdefault(identity.casefold(), identity) != identity:
            return None
        # Oldest digest first, as ``_collect_papers`` goes through them (a URL is one digest's).
        appearances.sort(key=lambda a: (a.digest.digest.published, a.digest.url, a.index))
        papers[identity] = SitePaper(identity, paper_url(identity), appearances)
    if len(papers) != len(collected.papers) or any(i not in collected.papers for i in grouped):
        papers = dict(sorted(papers.items()))
    return papers, folded


def _validate_glossary(
    document: SourceDocument | None, languages: list[str] | None, problems: list[Problem]
) -> Glossary | None:
    """``glossary.yaml`` as a ``Glossary``; what matching would contradict (a term given twice,
    a wrong rendering that is an accepted one) is an error (``glossary.term_problems``)."""
    if document is None:
        return None
    if document.data is None:  # an empty file: no terms
        return Glossary()
    glossary = validate_document(Glossary, document, problems, {"languages": languages})
    if glossary is None:
        return None
    problems += term_problems(document, glossary)
    return glossary


def _kind_problems(document: SourceDocument, found: list[Problem]) -> list[Problem]:
    """What the digest's kind says of its fields, when other fields failed validation (which
    then never asks it): one run reports a weekly digest's missing 'period' with its missing
    'papers'. Nothing when the kind itself, or that field, already has a problem."""
    data = document.data if isinstance(document.data, dict) else {}
    given = {name for name in KIND_FIELDS if data.get(name) is not None}
    disagreement = kind_fields_problem(data.get("kind"), given)
    if disagreement is None:
        return []
    field, message = disagreement
    if any(p.field.split(".")[0].split("[")[0] in ("kind", field) for p in found):
        return []
    return [document.problem((field,), message)]


def _validate_config(document: SourceDocument | None, problems: list[Problem]) -> SiteConfig | None:
    if document is None:
        return None
    if document.data is None and any(p.path == document.path for p in problems):
        return None  # it did not parse, which is reported: "expected a mapping" would be noise
    return validate_document(SiteConfig, document, problems, {})


def validate_document(
    model: type[ModelT], document: SourceDocument, problems: list[Problem], context: dict[str, Any]
) -> ModelT | None:
    """``document.data`` as ``model``, or None with every error appended to ``problems``."""
    if not isinstance(document.data, dict):
        problems.append(Problem(document.path, 1, 1, "", _not_a_mapping(model, document)))
        return None
    try:
        return model.model_validate(document.data, context=context)
    except ValidationError as error:
        problems += [_problem_from_pydantic(model, document, item) for item in error.errors()]
        return None


def _problem_from_pydantic(model: type[BaseModel], document: SourceDocument, error: Any) -> Problem:
    location: Location = tuple(error["loc"])
    # A plain string, stored under "*", and a mapping's key (pydantic's "[key]"): their field.
    at_key = location[-1:] == ("[key]",)
    if at_key or location[-1:] == (EVERY_LANGUAGE,):
        location = location[:-1]
    kind = error["type"]
    if kind == "extra_forbidden":
        return document.problem(location, _unknown_field_message(model, location), key=True)
    if kind == "missing" and location == ("papers",) and is_markdown(document.path):
        # The Markdown form's papers are its '##' sections, not a field of its front matter.
        return document.problem(location, NO_MARKDOWN_PAPERS)
    if kind == "missing":
        return document.problem(location, f"the required field '{location[-1]}' is missing")
    if kind == "field":
        field_location = (*location, error["ctx"]["field"])
        return document.problem(field_location, error["msg"], key=error["ctx"]["at_key"])
    if kind == "value":  # model.value_error: its values as this file spells them
        values = error["ctx"]["values"].items()
        spelt = {name: _given(document, kind, value) for name, value in values}
        return document.problem(location, error["ctx"]["template"].format(**spelt), key=at_key)
    if location and location[-1] == "papers" and _nothing_given(kind, error["input"]):
        return document.problem(location, "a digest needs at least one paper under 'papers'")
    if kind == "model_type":  # pydantic's words name the class: "instance of Paper"
        fields = ", ".join(_fields_at(model, location))
        given = _given(document, kind, error["input"])
        return document.problem(
            location, f"expected a mapping of its fields ({fields}), got {given}"
        )
    bound = _bound_message(model, location, error)
    if bound is not None:
        return document.problem(location, bound)
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    if kind == "date_from_datetime_inexact":  # a number, which pydantic reads as Unix time
        message = "Input should be a date, not a number"
    if kind in {
        "string_type",
        "int_type",
        "float_type",
        "int_parsing",
        "list_type",
        "dict_type",
        *DATE_FORMS,
        "literal_error",
        "bool_type",
        "int_from_float",
        "finite_number",
    }:
        message = f"{message[0].lower()}{message[1:]}, got {_given(document, kind, error['input'])}"
    if kind == "literal_error":
        message += _literal_hint(error["input"], error["ctx"]["expected"])
    if kind in {"int_type", "float_type"} and isinstance(error["input"], str):
        # Quoted ("2025"), or a form YAML reads as text (1e3, 30s).
        message += "; write the number as plain digits, without quotes (2025, 1000, 2.5)"
    if kind == "bool_type":
        message += "; write true or false, without quotes"
    if kind == "finite_number":  # YAML's .inf or .nan
        message += "; write a number such as 3 or 2.5"
    if kind == "list_type":
        message += _list_advice(error["input"], is_json(document.path))
    if kind in DATE_FORMS:
        message += f"; write it as {DATE_FORMS[kind]}"
    return document.problem(location, message, key=at_key)


def _not_a_mapping(model: type[BaseModel], document: SourceDocument) -> str:
    """What to write at the top of a file that holds a list or a lone value, not fields."""
    data = document.data
    got = "a list" if isinstance(data, list) else f"a single value: {_given(document, '', data)}"
    if data is None:  # a papersite.yaml with nothing in it, or only comments
        got = "nothing"
    return (
        f"expected a mapping of fields at the top of the file, got {got}; write one "
        f"'name: value' line per field, not indented ({', '.join(_fields_at(model, ()))})"
    )


def _nothing_given(kind: str, value: Any) -> bool:
    """Whether a list was left empty: ``[]``, or nothing after its key."""
    return kind == "too_short" or (kind == "list_type" and value is None)


def _given(document: SourceDocument, kind: str, value: Any) -> str:
    """``value``, given where another type was wanted, as the file spells it: JSON's ``true``,
    ``null`` and ``"text"`` in the lockfile, not Python's ``True``, ``None`` and ``'text'``; in
    YAML, what an unquoted value was read as (``as_read``)."""
    if is_json(document.path):
        spelt = json.dumps(value, ensure_ascii=False, default=str)
        scalar = not isinstance(value, list | dict)
        return spelt + (
            "; write the text in double quotes" if kind == "string_type" and scalar else ""
        )
    return as_read(value) if kind == "string_type" else _shown(value)


def _shown(value: Any) -> str:
    """``value`` for a message: a date as written (not Python's ``datetime.date(2025, 3,
    17)``), anything longer than ``_SHOWN_ITEM`` cut there (a paper given where a list goes
    repeated all its texts)."""
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    spelt = repr(value)
    return spelt if len(spelt) <= _SHOWN_ITEM else f"{spelt[:_SHOWN_ITEM]}…"


def _list_advice(value: Any, in_json: bool) -> str:
    """How to write as a list what was given as one value (``authors: "A. Author"``)."""
    if value is None and in_json:
        return "; write a list ([] for none), or remove the field"
    if value is None:
        return "; write its items under it, each on a line of its own after '- ', or remove it"
    if isinstance(value, dict) and in_json:
        return ""  # the lockfile's lists hold words: an object is no item of one
    # JSON's form of the item, which YAML reads too: the advice fits the lockfile as well.
    item = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, dict) and len(item) > _SHOWN_ITEM:  # one section, link: as a list
        return "; write a list, even of one item: put '- ' before the item's first field"
    return f"; write a list, even of one item: [{item}]"


_SHOWN_ITEM = 80
"""The longest item that a message about a list shows as it should be written."""


def _unknown_field_message(model: type[BaseModel], location: Location) -> str:
    name = str(location[-1])
    known = _fields_at(model, location[:-1])
    message = f"unknown field '{name}'"
    hidden = next((c for c in name if c != " " and unicodedata.category(c) in _HIDDEN), None)
    if hidden is not None:
        # Pasted from a web page or a chat, a no-break space looks like the space YAML indents
        # with, and a zero-width one like nothing: the name on the screen is a known one.
        message += (
            f", which holds U+{ord(hidden):04X} ({unicodedata.name(hidden, 'unnamed')}), "
            "a character that looks like a space or like nothing: indent with plain spaces, "
            "and retype the name"
        )
    close = closest(name, known)
    if close is not None:
        return f"{message}; did you mean '{close}'?"
    return f"{message}; the fields here are: {', '.join(known)}" if known else message


_HIDDEN = frozenset({"Zs", "Zl", "Zp", "Cf"})
"""The Unicode categories of spaces and invisible format characters."""

_QUOTED = re.compile(r"'([^']*)'")
"""A value that pydantic's ``literal_error`` lists as allowed: ``'paper', 'pdf' or 'code'``."""


def _literal_hint(given: Any, expected: str) -> str:
    """The hint for a value close to one of those allowed (``expected``, as pydantic lists
    them), or a word for them (``github``, ``LINK_KIND_WORDS``): ``; did you mean 'code'?``;
    else nothing, as the message lists them all."""
    if not isinstance(given, str):
        return ""
    allowed = _QUOTED.findall(expected)
    close = closest(given, allowed)
    meant = (close,) if close is not None else LINK_KIND_WORDS.get(given.strip().casefold(), ())
    if not meant or not set(meant) <= set(allowed):
        return ""
    return "; did you mean " + " or ".join(f"'{kind}'" for kind in meant) + "?"


def _fields_at(model: type[BaseModel], location: Location) -> list[str]:
    """The field names the model accepts at ``location`` (through lists, mappings, optionals)."""
    current = _without_none(_field_at(model, location)[0])
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _field_at(model: type[BaseModel], location: Location) -> tuple[Any, FieldInfo | None]:
    """The type the model expects at ``location`` (through lists, mappings, optionals), and the
    field declared there (None for a list's item or a mapping's value); (None, None) when the
    model has nothing there."""
    current: Any = model
    info: FieldInfo | None = None
    for part in location:
        current = _without_none(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return None, None
            current = info.annotation
        elif get_origin(current) in (list, dict):
            current, info = get_args(current)[-1], None  # the item, or the mapping's value
        else:
            return None, None
    return current, info


_NUMBER_BOUNDS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
_LENGTH_BOUNDS = {"too_short", "too_long", "string_too_short", "string_too_long"}


def _bound_message(model: type[BaseModel], location: Location, error: Any) -> str | None:
    """A bound's error in the contract's words (pydantic's say "Input should be greater than or
    equal to 1"): what the value is, and what to write instead; None for other errors."""
    kind, value, ctx = error["type"], error["input"], error.get("ctx", {})
    if kind in _NUMBER_BOUNDS:
        annotation, info = _field_at(model, location)
        bounds = {
            name: getattr(item, name)
            for item in (info.metadata if info is not None else [])
            for name in _BOUND_WORDS
            if hasattr(item, name)
        }
        number = "whole number" if _without_none(annotation) is int else "number"
        size = "small" if kind.startswith("greater") else "large"
        return f"{value!r} is too {size}; write a {number} {_wanted({**bounds, **ctx})}"
    if kind in _LENGTH_BOUNDS:
        return _length_message(kind, value, ctx)
    return None


_BOUND_WORDS = {"ge": "{} or more", "gt": "above {}", "le": "{} or less", "lt": "below {}"}
"""Each of pydantic's bounds on a number, as what to write."""


def _wanted(bounds: dict[str, Any]) -> str:
    """The numbers ``bounds`` (pydantic's ``ge``, ``gt``, ``le``, ``lt``) allow, in words."""
    written = {name: f"{v:g}" if isinstance(v, float) else str(v) for name, v in bounds.items()}
    if "ge" in written and "le" in written:
        return f"from {written['ge']} to {written['le']}"
    return " and ".join(
        words.format(written[name]) for name, words in _BOUND_WORDS.items() if name in written
    )


def _length_message(kind: str, value: Any, ctx: dict[str, Any]) -> str:
    """A text's or a list's length error: how long it is, and how long it must be."""
    text = kind.startswith("string")
    if kind.endswith("short") and ctx["min_length"] == 1:
        return "is empty; write it" if text else "is empty; give one or more"
    length, unit = (len(value), "characters") if text else (ctx["actual_length"], "items")
    if kind.endswith("long"):
        return f"has {length} {unit}; give at most {ctx['max_length']}"
    return f"has {length} {unit}; give at least {ctx['min_length']}"


def _without_none(annotation: Any) -> Any:
    """``Paper | None`` → ``Paper``, and ``WholeNumber | None`` → ``int``."""
    if get_origin(annotation) in (Union, UnionType):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _valid_items(
    document: SourceDocument, name: str, validate: Callable[[Any], ItemT]
) -> Iterator[tuple[int, ItemT]]:
    """The items of the list ``name`` of a digest that failed validation which are valid on
    their own, with their indexes: so that the checks across items (the same paper twice) or
    across the site (aliases) report in the same run as the file's other problems. An item
    that fails is left out: its own problems are reported from the digest's validation."""
    data = document.data if isinstance(document.data, dict) else {}
    items = data.get(name)
    for index, item in enumerate(items if isinstance(items, list) else []):
        try:
            yield index, validate(item)
        except ValidationError:
            continue


def _valid_entries(
    document: SourceDocument, languages: list[str] | None
) -> Iterator[tuple[int, Paper]]:
    """The paper entries of a digest that failed validation which are valid on their own."""
    context = {"languages": languages}
    return _valid_items(document, "papers", lambda e: Paper.model_validate(e, context=context))


def _repeated_papers(
    papers: Iterable[tuple[int, Paper]], document: SourceDocument
) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, paper in papers:
        identity = paper.identity
        if not identity:
            problems.append(
                document.problem(
                    ("papers", index, "title"),
                    "this title gives no URL (no letters or digits); add an 'arxiv' ID or "
                    "letters to the title",
                )
            )
            continue
        if identity in seen:
            problems.append(
                document.problem(
                    ("papers", index),
                    f"the same paper as papers[{seen[identity]}] ({identity}); "
                    "a paper appears once per digest",
                )
            )
        else:
            seen[identity] = index
    return problems


def _digest_url_collisions(digests: list[SourcedDigest]) -> list[Problem]:
    by_url: dict[str, list[SourcedDigest]] = defaultdict(list)
    for sourced in digests:
        by_url[sourced.url.casefold()].append(sourced)
    problems = []
    for same in by_url.values():
        for later in same[1:]:
            first = same[0]
            problems.append(
                later.problem(
                    _url_field(later.digest),
                    f"this digest and {first.path} would both be written to /{later.url}; "
                    "each week or conference edition has one digest",
                )
            )
    return problems


def _url_field(digest: Digest) -> tuple[str, ...]:
    """The field a digest's URL is made of (``urls.digest_url``), where a clash is reported."""
    return ("period", "start") if digest.period is not None else ("conference",)


def _collect_papers(digests: list[SourcedDigest]) -> tuple[dict[str, SitePaper], list[Problem]]:
    """Group every entry by paper identity, oldest digest first."""
    papers: dict[str, SitePaper] = {}
    for sourced in sorted(digests, key=lambda d: (d.digest.published, d.url)):
        for index, paper in enumerate(sourced.digest.papers):
            identity = paper.identity
            if not identity:
                continue
            if identity not in papers:
                papers[identity] = SitePaper(identity, paper_url(identity), [])
            papers[identity].appearances.append(Appearance(sourced, paper, index))
    problems = []
    by_folded: dict[str, list[str]] = defaultdict(list)
    for identity in sorted(papers):
        by_folded[identity.casefold()].append(identity)
    for identities in by_folded.values():
        if len(identities) > 1:
            first = papers[identities[0]].appearances[0]
            for other in identities[1:]:
                problems.append(
                    papers[other]
                    .appearances[0]
                    .problem(
                        f"'{other}' and '{identities[0]}' ({first.digest.path}) differ only in "
                        "letter case and would share one page; use one spelling"
                    )
                )
    return dict(sorted(papers.items())), problems


@dataclass(frozen=True)
class DeclaredAliases:
    """A digest file's aliases, as the checks that need the whole site read them."""

    path: str
    positions: Positions
    url: str | None
    """The digest's URL; None when the fields that give it failed validation."""
    aliases: list[tuple[int, str]]
    """Each alias that passed its own checks, with its index in ``aliases``."""

    @classmethod
    def of(cls, sourced: SourcedDigest) -> DeclaredAliases:
        """A valid digest's aliases."""
        aliases = list(enumerate(sourced.digest.aliases))
        return cls(sourced.path, sourced.positions, sourced.url, aliases)


_ALIAS = TypeAdapter(AliasPath)


def _salvaged_aliases(document: SourceDocument) -> DeclaredAliases:
    """The aliases of a digest that failed validation, each checked on its own, with its URL
    when its kind's field is valid: so that one run reports every alias problem, not those of
    this digest only once its other fields are fixed. (The aliases that fail their own checks
    are reported with the digest's other fields.)"""
    data = document.data if isinstance(document.data, dict) else {}
    aliases = list(_valid_items(document, "aliases", _ALIAS.validate_python))
    return DeclaredAliases(document.path, document.positions, salvaged_url(data), aliases)


def salvaged_url(data: dict[str, Any]) -> str | None:
    """The URL of a digest that failed validation, from its kind's field if that is valid."""
    try:
        if data.get("kind") == "weekly":
            return digest_url(Digest.model_construct(period=Period.model_validate(data["period"])))
        if data.get("kind") == "conference":
            conference = Conference.model_validate(data["conference"])
            return digest_url(Digest.model_construct(conference=conference))
    except (KeyError, ValidationError):
        pass
    return None


def _alias_problems(
    declared: list[DeclaredAliases],
    digests: list[SourcedDigest],
    papers: dict[str, SitePaper],
    languages: list[str],
) -> list[Problem]:
    """Each alias must name a page of its own: not one the site generates, not under a folder
    papersite fills, not another alias's, and not a file where another alias needs a folder (or
    the reverse). The first declaration, in file order, keeps the path; later ones are errors
    that name it. Paths are compared casefolded, as a case-insensitive disk sees them."""
    if not any(digest.aliases for digest in declared):
        return []  # the generated files are a set of every page (30,000 at 10,000 papers)
    generated = _generated_files(declared, digests, papers)
    reserved = reserved_folders(languages)
    pages: dict[str, str] = {}  # alias page → where it is declared
    folders: dict[str, str] = {}  # folder that an alias page needs → where that alias is
    problems = []
    for digest in declared:
        own = page_path(digest.url).casefold() if digest.url is not None else None
        for index, alias in digest.aliases:
            location = ("aliases", index)
            line, column = digest.positions.nearest(location)
            page = alias_page(alias).casefold()
            ancestors = [page[:i] for i, char in enumerate(page) if char == "/"]
            message = _alias_message(alias, page, ancestors, own, reserved, generated)
            message = message or _clash_message(alias, page, ancestors, pages, folders)
            if message is not None:
                problems.append(
                    Problem(digest.path, line, column, format_location(location), message)
                )
                continue
            pages[page] = f"{digest.path}:{line}:{column}"
            for ancestor in ancestors:
                folders.setdefault(ancestor, pages[page])
    return problems


def _alias_message(
    alias: str,
    page: str,
    ancestors: list[str],
    own: str | None,
    reserved: tuple[str, ...],
    generated: dict[str, str],
) -> str | None:
    """What is wrong with an alias whatever the other aliases are, or None."""
    if page == own:
        return f"'{alias}' is this digest's own URL; remove it from 'aliases'"
    folder = next((f for f in reserved if page.startswith(f.casefold())), None)
    if folder is not None:
        return (
            f"'{alias}' is under /{folder}, where papersite writes its own pages; an alias is "
            "an old URL that no page of the site uses, so choose another path or remove it"
        )
    if any(_SITEMAP_PART.fullmatch(path) for path in [page, *ancestors]):
        return (
            f"'{alias}' is the name of a part of the sitemap of a large site; an alias is an old "
            "URL that no page of the site uses, so choose another path or remove it"
        )
    if LATER_PAGE.match(page):
        return (
            f"'{alias}' is where a long list's later pages are (/papers/page/2/…); an alias is "
            "an old URL that no page of the site uses, so choose another path or remove it"
        )
    taken = next((generated[p] for p in [page, *ancestors] if p in generated), None)
    if taken is not None:
        return (
            f"'{alias}' is {taken}, which the site generates; an alias is an old URL that no "
            "page of the site uses, so remove it"
        )
    return None


def _clash_message(
    alias: str, page: str, ancestors: list[str], pages: dict[str, str], folders: dict[str, str]
) -> str | None:
    """What is wrong with an alias given the aliases before it, or None."""
    if page in pages:
        return (
            f"'{alias}' is already an alias at {pages[page]}; an old URL redirects to one "
            "digest only, so keep one of the two"
        )
    if page in folders:
        return (
            f"'{alias}' would be a file where the alias at {folders[page]} needs a folder; "
            "choose another path"
        )
    clash = next((ancestor for ancestor in ancestors if ancestor in pages), None)
    if clash is not None:
        return (
            f"'{alias}' would need a folder where the alias at {pages[clash]} is a file; "
            "choose another path"
        )
    return None


_SITEMAP_PART = re.compile(r"sitemap-\d+\.xml")
"""``seo.sitemap_part_path``, casefolded."""


def _generated_files(
    declared: list[DeclaredAliases], digests: list[SourcedDigest], papers: dict[str, SitePaper]
) -> dict[str, str]:
    """Every file the site's pages take, casefolded (as a case-insensitive disk sees them), with
    what it is, for messages: the digests' URLs are every digest file's that gives one."""
    files = {page.casefold(): f"the site's page /{page}" for page in FIXED_PAGES}
    for digest in declared:
        if digest.url is not None:
            files[page_path(digest.url).casefold()] = (
                f"the URL of the digest {digest.path} (/{digest.url})"
            )
    for paper in papers.values():
        files[page_path(paper.url).casefold()] = f"the paper page /{paper.url}"
    tags = {tag for sourced in digests for tag in sourced.digest.tags}
    tags |= {tag for paper in papers.values() for a in paper.appearances for tag in a.paper.tags}
    for tag in tags:
        files[page_path(tag_url(tag)).casefold()] = f"the tag page /{tag_url(tag)}"
        files[tag_feed_url(tag).casefold()] = f"the tag feed /{tag_feed_url(tag)}"
    return files
