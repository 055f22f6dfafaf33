"""``papersite import``: an existing post → a digest file for the editor to review.

Two sources: ``forum`` (a post in the forum's layout, as plain text or as Markdown: ``forum.py``
and ``layout.py``, with the words ``papersite export --format forum`` writes, ``forum_words.py``)
and ``dair-ai`` (one week of the upstream "ML Papers of the Week" README,
``dairai.py``). Each builds a draft digest (``draft.py``), links and arXiv IDs come from
``links.py`` (offline: IDs are found in the site's lockfile), and ``emit.py`` writes the file in
the YAML or the Markdown form. Before anything is written the text is read back with the
site's own loader and validator, so an imported digest is always a valid one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from papersite.errors import ContentError, PapersiteError, Problem
from papersite.i18n import code_of
from papersite.importers.dairai import read_dairai_week
from papersite.importers.draft import (
    LANGUAGES,
    DraftDigest,
    ImportReport,
    import_languages,
    in_site_codes,
)
from papersite.importers.emit import to_markdown, to_yaml
from papersite.importers.forum import read_forum_post
from papersite.load import decode_utf8, is_there, parse_source, read_source
from papersite.lockfile import read_lockfile
from papersite.model import Digest, SiteConfig, slugify
from papersite.names import CONFIG_FILE, IMPORT_SOURCES
from papersite.new import FORMATS, SUFFIXES, write_new_digest
from papersite.validate import validate_document

SOURCES = IMPORT_SOURCES
DEFAULT_LANGUAGES = list(LANGUAGES)


@dataclass
class ImportResult:
    """An imported digest: its file's text, where it belongs in a site, and what to review."""

    text: str
    path: str
    """The digest's place under the site root, e.g. ``digests/weekly/2025-03-17.yaml``."""
    warnings: list[Problem]
    """Each located at its line of the imported file (``Problem.path`` is that file)."""
    digest: DraftDigest


def import_post(
    file: Path,
    source: str,
    *,
    site: Path = Path("."),
    url: str | None = None,
    fmt: str = "yaml",
    start: dt.date | None = None,
    week: str | None = None,
) -> ImportResult:
    """Read ``file`` as a post of ``source`` (forum | dair-ai) and return the digest's text.

    ``site`` gives the lockfile (arXiv IDs by title) and the languages; ``url`` is recorded as
    the digest's ``source``; ``start`` sets the week's first day (when the post's own is
    missing or wrong); ``week`` picks one week of a dair-ai file that holds several.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    languages = _languages(site)
    missing = [language for language in LANGUAGES if code_of(languages, language) is None]
    if missing:  # the digest written would name a language the site does not declare
        raise PapersiteError(
            f"papersite import writes Korean and English texts ({', '.join(LANGUAGES)}), and "
            f"this site's languages are {', '.join(languages)}: add {', '.join(missing)} to "
            "'languages' in papersite.yaml, or import into a site that has both (--source)"
        )
    text = _read(file)
    lockfile = read_lockfile(site)
    written = import_languages(languages)
    if source == "forum":
        report = read_forum_post(text, str(file), lockfile, start=start, languages=written)
    else:
        report = read_dairai_week(text, str(file), lockfile, start=start, week=week)
    report.digest.languages = written  # every text has an entry per language, as 'new' writes
    in_site_codes(report.digest, languages)
    _override(report, url, start)
    digest = report.digest
    output = to_yaml(digest) if fmt == "yaml" else to_markdown(digest)
    path = f"{_folder_and_stem(digest)}{SUFFIXES[fmt]}"
    _check(output, path, languages)
    return ImportResult(output, path, report.warnings, digest)


def write_import(result: ImportResult, site: Path, out: Path | None = None) -> Path:
    """Write the digest at ``out``, or at its place in ``site``; never over an existing file
    (nor, in the site, over the same digest in the other form). Returns the path written."""
    if out is None:
        target = site / result.path
        write_new_digest(target, result.text, "compare the import with it (--out -), or remove it")
    else:
        target = out
        write_new_digest(target, result.text, "choose another --out", other_form=False)
    return target


def _read(file: Path) -> str:
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise PapersiteError(f"cannot read {file}: {error.strerror}") from None
    text, problems = decode_utf8(raw, str(file))
    if text is None:
        raise ContentError(problems)
    return text


def _override(report: ImportReport, url: str | None, start: dt.date | None) -> None:
    digest = report.digest
    if url is not None:
        digest.source = url
    if start is not None and digest.kind == "weekly":
        digest.period = (start, start + dt.timedelta(days=6))


def _folder_and_stem(digest: DraftDigest) -> str:
    if digest.period is not None:
        return f"digests/weekly/{digest.period[0].isoformat()}"
    if digest.conference is None:  # pragma: no cover - every importer sets one of the two
        raise PapersiteError("the imported digest has neither a week nor a conference")
    name, year = digest.conference
    return f"digests/conferences/{slugify(name)}-{year}"


def _languages(site: Path) -> list[str]:
    """The site's languages (ko and en where there is no site)."""
    if not is_there(site / CONFIG_FILE):
        return DEFAULT_LANGUAGES
    document, problems = read_source(site, CONFIG_FILE)
    config = None
    if document is not None and document.data is not None:
        config = validate_document(SiteConfig, document, problems, {})
    if problems or config is None:
        raise ContentError(problems)
    return list(config.languages)


def _check(text: str, path: str, languages: list[str]) -> None:
    """Read the text back as the build would; a problem here is a bug of the importer, and
    nothing is written."""
    document, problems = parse_source(text, path)
    if document.data is not None:
        validate_document(Digest, document, problems, {"languages": languages})
    if problems or document.data is None:
        raise ContentError(problems)


__all__ = ["SOURCES", "ImportResult", "import_post", "write_import"]
