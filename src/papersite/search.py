"""The search stage: a Pagefind index of the built site, written into the output before it is swapped in.

What is indexed: the bilingual digest and paper pages, and only the parts their templates mark with
``data-pagefind-body``. The copies of those pages under a language folder (``/ko/…``, ``/en/…``) say
the same things, so they are left out; one index of every language serves the search page of every
language (Pagefind picks an index by ``<html lang>``, and with a single index it takes that one).

Korean attaches particles to words (``어텐션은``, ``모델의``). Pagefind matches a query word as a
prefix, but only within the part of its index that it loads for the query, and never a query word
that carries another particle (``모델의`` does not reach ``모델이``), nor a quoted one. So each
indexed page also lists its words without their particles (a ``stems`` metadata field, which
Pagefind searches but the search page does not show), and the search page strips particles from
the query's words the same way (``templates/assets/search.js``, ``SUFFIXES``: the same list as
``PARTICLES`` here, which a test checks).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import cbor2

from papersite.errors import PapersiteError
from papersite.i18n import english_or_first
from papersite.parallel import ending_with_this_process

BUNDLE = "pagefind"
"""The folder of the search bundle (script, UI, index) inside the output."""

BODY = "data-pagefind-body"
IGNORE = "data-pagefind-ignore"

# Particles (josa), the copula and a few endings of 하다/되다 verbs, longest first so that
# ``에서는`` is removed whole rather than as ``는``. Stripping goes at most three layers deep
# (``모델들에서는`` → ``모델들`` → ``모델``).
PARTICLES: tuple[str, ...] = tuple(
    sorted(
        set(
            "은 는 이 가 을 를 의 에 로 와 과 도 만 들 "
            "에서 으로 에게 께서 한테 까지 부터 보다 처럼 마다 조차 밖에 "
            "에는 에도 에의 에서는 에서도 에서의 에게는 에게서 으로는 으로도 으로서 으로써 "
            "으로의 로는 로도 로서 로써 로의 와는 과는 와의 과의 와도 과도 까지는 까지도 "
            "부터는 이다 입니다 이며 이고 이라는 라는 이라고 라고 이란 "
            "한다 하는 하고 하여 해서 했다 하며 하기 하면 합니다 하지 할 한 "
            "된다 되는 되어 됩니다 된 적인 적으로".split()
        ),
        key=lambda suffix: (-len(suffix), suffix),
    )
)

MIN_STEM = 2
"""A stem keeps at least two characters: ``정의`` is a word, not ``정`` with ``의``."""

WORD = re.compile(r"\w+")
HANGUL_SYLLABLES = ("\uac00", "\ud7a3")
"""The first and last of Unicode's Hangul syllables (가 … 힣)."""
MAX_LAYERS = 3


class SearchError(PapersiteError):
    """Pagefind is missing, or could not index the site."""


class SearchCancelled(PapersiteError):
    """The index was not made: the caller asked to stop (``run_pagefind``'s ``cancelled``)."""


def stems(word: str) -> list[str]:
    """``word`` without its particles, one layer at a time: ``모델들이`` → ``모델들``, ``모델``."""
    found: list[str] = []
    current = word
    for _ in range(MAX_LAYERS):
        # Only the longest ending counts: ``것으로`` is ``것`` with ``으로``, not ``것으`` with ``로``.
        suffix = next((s for s in PARTICLES if current.endswith(s)), None)
        if suffix is None or len(current) - len(suffix) < MIN_STEM:
            break
        current = current[: -len(suffix)]
        found.append(current)
    return found


def korean_stems(text: str) -> set[str]:
    """Every stem of the words of ``text`` that differs from the word as written."""
    return {stem for word in set(WORD.findall(text)) for stem in _lower_stems(word)}


@lru_cache(maxsize=1 << 16)
def _lower_stems(word: str) -> tuple[str, ...]:
    """``stems(word)`` in lower case, remembered: a page of a large site has a thousand words,
    mostly ones other pages have too, and each tries every particle (10 ms a page, before)."""
    if not HANGUL_SYLLABLES[0] <= word[-1] <= HANGUL_SYLLABLES[1]:  # every particle ends in one
        return ()
    return tuple(stem.lower() for stem in stems(word))


# A page is read as a sequence of tags and the text between them, by regular expressions rather
# than html.parser, which took 7 ms a page (80 s for the 11,000 pages of 10,000 papers): a tag,
# whose quoted attribute values may hold ">"; a comment; a doctype or processing instruction.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(/?)([a-zA-Z][^\t\n\f\r />]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
    r"|<![^>]*>|<\?[^>]*>",
    re.S,
)
_ATTRIBUTE_NAME = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]*))?")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
"""Elements without an end tag."""
_RAW_TEXT = {tag: re.compile(rf"</{tag}[\t\n\f\r ]*>", re.I) for tag in ("script", "style")}
"""Elements whose content is text up to their end tag, never tags; the end tag of each."""
_SKIPPED = frozenset({*_RAW_TEXT, "template"})


_BLOCK = frozenset(
    "address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul".split()
)
"""Elements that break a line: the text on either side of one is not one run of words."""
_LANG = re.compile(r"""\blang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""", re.I)


def indexed_text(page: str) -> str:
    """The text of ``page`` that Pagefind will index: inside ``data-pagefind-body``, outside
    ``data-pagefind-ignore``, scripts, styles and templates; the runs of text between tags,
    their character references decoded, joined by spaces."""
    return " ".join(text for text, _, _ in indexed_runs(page))


def indexed_runs(page: str) -> Iterator[tuple[str, str, bool]]:
    """The runs of text of ``indexed_text``, each with the language of its nearest element with a
    ``lang`` inside the indexed part ("" if none: names, numbers, the same in every language),
    and whether an element that breaks a line (``_BLOCK``) opened or closed before it."""
    stack: list[tuple[str, bool, bool, str]] = []  # (tag, inside body, ignored, language)
    position = 0
    broken = False
    while position < len(page):
        match = _TOKEN.search(page, position)
        end = match.start() if match else len(page)
        if end > position and stack and stack[-1][1] and not stack[-1][2]:
            yield html.unescape(page[position:end]), stack[-1][3], broken
            broken = False
        if match is None:
            break
        position = match.end()
        name, attributes = match[2], match[3]
        if name is None:  # a comment, a doctype
            continue
        tag = name.lower()
        broken = broken or tag in _BLOCK
        if match[1]:  # an end tag closes up to its element, so that one left out leaks nothing
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == tag:
                    del stack[depth:]
                    break
        elif tag in _RAW_TEXT:
            close = _RAW_TEXT[tag].search(page, position)
            position = close.end() if close else len(page)
        elif tag not in _VOID and not attributes.rstrip().endswith("/"):
            names = set(_ATTRIBUTE_NAME.findall(attributes.lower()))
            inside, ignored, language = stack[-1][1:] if stack else (False, False, "")
            in_body = inside or BODY in names
            if in_body and (lang := _LANG.search(attributes)):
                language = next(value for value in lang.groups() if value is not None)
            stack.append((tag, in_body, ignored or IGNORE in names or tag in _SKIPPED, language))


LANGUAGE_ID = "papersite-lang-"
"""The ``id`` of each language's part of a prepared page: ``papersite-lang-en``."""


def language_parts(page: str) -> str:
    """The indexed text of a page in several languages, as one part for each language (its own
    words and those in no language), each part's runs of words as paragraphs: so that a result's
    excerpt, cut from one part (``templates/assets/search.js``), quotes one language with spaces
    where the page breaks lines. "" for a page in one language."""
    runs = list(indexed_runs(page))
    languages = list(dict.fromkeys(language for _, language, _ in runs if language))
    if len(languages) < 2:
        return ""
    parts = []
    for language in languages:
        paragraphs = [""]
        pending = False  # a line break before another language's words, which are left out
        for text, written_in, broken in runs:
            if written_in not in ("", language):
                paragraphs[-1] += " "  # another language's words stood between: not one word
                pending = pending or broken
                continue
            if (broken or pending) and paragraphs[-1].strip():
                paragraphs.append("")
            pending = False
            paragraphs[-1] += text
        body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in paragraphs if p.strip())
        parts.append(f'<div id="{LANGUAGE_ID}{html.escape(language)}">{body}</div>')
    return f"{PARTS}{''.join(parts)}</div>\n"


PARTS = f"<div {BODY}>"
"""How ``language_parts`` begins: the page's own content is then left out of the index."""
_BODY_ATTRIBUTE = re.compile(rf"(\s){BODY}(?=[\s/>=])", re.I)


def prepare_page(page: str) -> str:
    """``page`` as it is given to Pagefind: with the stems of its Korean words as metadata, and
    its indexed text in one part for each language (``language_parts``) in place of its own.

    Metadata rather than text, so that result excerpts quote the page as it is written.
    """
    return with_marker(page, stems_marker(page))


def stems_marker(page: str) -> str:
    """What ``prepare_page`` adds to ``page``: a hidden element with the stems of its indexed
    text as metadata, and its ``language_parts``; "" if there are neither."""
    found = korean_stems(indexed_text(page))
    parts = language_parts(page)
    if not found:
        return parts
    field = html.escape("stems:" + " ".join(sorted(found)))
    return f'<div hidden data-pagefind-meta="{field}"></div>\n' + parts


def with_marker(page: str, marker: str) -> str:
    """``page`` with ``marker`` (``stems_marker``) at the end of its body; where the marker holds
    the page's language parts, the page's own content is no longer marked for search (its
    metadata and filters, which Pagefind reads anywhere in the page, stay)."""
    if not marker:
        return page
    if PARTS in marker:
        page = _BODY_ATTRIBUTE.sub(r"\1data-papersite-body", page)
    head, body_end, tail = page.rpartition("</body>")
    return head + marker + body_end + tail if body_end else page + marker


def is_indexed(path: str, languages: Sequence[str]) -> bool:
    """Whether Pagefind reads the output's file at ``path`` if its content is marked for search:
    an HTML page, but not one of the per-language copies nor a file of the bundle itself."""
    return path.endswith(".html") and path.partition("/")[0] not in {*languages, BUNDLE}


def index_language(languages: Sequence[str]) -> str:
    """The language of the one index: English where the site has it, as Pagefind stems English
    words (``sinks`` finds ``sink``) and has no stemmer for Korean; else the default language."""
    return english_or_first(languages)


def make_bundle(
    pages: Iterable[tuple[str, str]],
    languages: Sequence[str],
    bundle: Path,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Pagefind's bundle for ``pages`` (path in the output, text as ``prepare_page`` gives it),
    written into the folder ``bundle``. A page whose content is not marked for search is left
    out. Pagefind reads the prepared copies from a temporary folder, so the pages served stay
    exactly as rendered. ``cancelled``: see ``run_pagefind``."""
    with tempfile.TemporaryDirectory(prefix="papersite-search-") as temporary:
        copies = Path(temporary)
        count = 0
        for path, page in pages:
            if BODY not in page:
                continue
            target = copies / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page, encoding="utf-8")
            count += 1
        if not count:
            raise SearchError(
                f"no page is marked with {BODY}, so there is nothing to search; mark the main "
                "content of the digest and paper templates, or build with --no-search"
            )
        run_pagefind(copies, bundle, index_language(languages), cancelled)
    sort_filters(bundle)


def run_pagefind(
    pages: Path, bundle: Path, language: str, cancelled: Callable[[], bool] | None = None
) -> None:
    """Run Pagefind's binary on the folder ``pages``, writing its bundle to ``bundle``. While it
    runs, ``cancelled`` is asked a few times a second; once it says so, Pagefind is stopped and
    ``SearchCancelled`` raised (``papersite serve``: an edit came in meanwhile)."""
    # Imported here: pagefind's package imports asyncio, 20 ms that a build without search, and
    # every rebuild whose index is left for later, need not pay.
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None or not shutil.which(str(binary)):
        raise SearchError(
            "Pagefind's binary is missing: install papersite with its dependencies "
            "(pip install 'pagefind[bin]'), or build with --no-search"
        )
    command = [
        str(binary), "--site", str(pages), "--output-path", str(bundle),
        "--force-language", language, "--silent",
    ]  # fmt: skip
    stop_if(cancelled)
    # Run from the copies' folder, so that a pagefind.yml in the current folder is not read; and
    # ended with the build, were it killed outright (``parallel.end_with_parent``).
    with subprocess.Popen(
        command,
        cwd=pages,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ending_with_this_process(),
    ) as process:
        while True:
            try:
                output, errors = process.communicate(timeout=CANCEL_CHECK_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if cancelled is not None and cancelled():
                    process.kill()
                    process.communicate()
                    raise SearchCancelled(STOPPED) from None
    if process.returncode != 0:
        raise SearchError(_failure(process.returncode, errors or output))


def _failure(status: int, said: str) -> str:
    """Why Pagefind failed: the first line it said, or the signal that stopped it (past a file
    size limit, which Python ignores and the programs it runs do not; the out-of-memory killer),
    which leaves it no word to say."""
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return (
            f"Pagefind was stopped by {name} ({signal.strsignal(-status) or 'unknown'}): free "
            "some disk space and memory (or raise ulimit -f), then build again, or build with "
            "--no-search"
        )
    lines = said.strip().splitlines()
    return f"Pagefind failed (exit status {status}): " + (lines[0] if lines else "no message")


CANCEL_CHECK_SECONDS = 0.2


STOPPED = "the search index was not made: stopped"


def stop_if(cancelled: Callable[[], bool] | None) -> None:
    """Raise ``SearchCancelled`` if ``cancelled`` says so."""
    if cancelled is not None and cancelled():
        raise SearchCancelled(STOPPED)


# --- two builds of the same site give the same bundle ---------------------------------------------
#
# Pagefind writes each filter's values, and the list of filters, in the order of a Rust hash map,
# which changes from run to run, and names the files after their content. The rest of its bundle
# is stable. So the filter files and the index's metadata that lists them are rewritten with
# their values sorted. They are gzipped CBOR (read and written with cbor2) after a signature; a
# file that cbor2 does not write back byte for byte is left as Pagefind wrote it (the search
# works; only the byte-for-byte repeatability is lost).

SIGNATURE = b"pagefind_dcd"


def sort_filters(bundle: Path) -> None:
    """Rewrite the filter indexes of ``bundle`` in a stable order, renaming them to match."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, index in entry["languages"].items():
        meta_path = bundle / f"pagefind.{index['hash']}.pf_meta"
        meta = _read_packed(meta_path)
        if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
            return
        filters = []
        for name, old in meta[3]:
            old_path = bundle / "filter" / f"{old}.pf_filter"
            content = _read_packed(old_path)
            if not (isinstance(content, list) and len(content) == 2):
                return
            packed = _packed([content[0], sorted(content[1])])
            new = f"{language}_{hashlib.sha256(packed).hexdigest()[:7]}"
            old_path.unlink()
            (bundle / "filter" / f"{new}.pf_filter").write_bytes(packed)
            filters.append([name, new])
        meta[3] = sorted(filters)
        packed = _packed(meta)
        index["hash"] = f"{language}_{hashlib.sha256(packed).hexdigest()[:10]}"
        meta_path.unlink()
        (bundle / f"pagefind.{index['hash']}.pf_meta").write_bytes(packed)
    entry_path.write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def _read_packed(path: Path) -> Any:
    """A Pagefind file's content, or None if it is not what this module can write back exactly."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        return None
    try:
        value = cbor2.loads(data[len(SIGNATURE) :])
    except cbor2.CBORDecodeError:
        return None
    return value if SIGNATURE + cbor2.dumps(value) == data else None


def _packed(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)
