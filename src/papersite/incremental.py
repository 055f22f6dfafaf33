"""What each page is made from, so that a rebuild renders only the pages whose inputs changed.

Every page depends on what all pages share: papersite itself (the cache is per version), the
theme's files, ``papersite.yaml``, the glossary, the lockfile and the build's options. A page
about one digest, paper, tag or feed depends besides on the digest files it draws from, and on
nothing else, because its template sees only that subject's view and the site's shared values:

- a paper's page shows the digests it appears in, each with its other entries, so it depends on
  the files of those digests and on the files of every paper listed in them;
- a digest's page depends on its own file and on every file that mentions one of its papers
  (a paper's authors or abstract may come from another digest);
- a tag's page, on the files of its digests and papers, as above;
- a feed, on the files of the digests it carries, as above (and the site's title, shared);
- a page about the whole site (home, the lists, the archive), on every digest file;
- the sitemap, on the list of the site's pages, and not on what they show.

A page depends on the long texts of those files (summaries, abstracts, sections, overviews:
``context.TextReads``) only through the texts it read when it was last rendered: it is keyed on
each file's ``listing_hash`` (the file but for its long texts), on the whole files that the
digests' texts it read come from, and for a paper's texts, on what each file the paper appears
in says of it (``paper_hashes``); its key names the texts it read (``reads``). So an edited
summary renders again its paper's and digest's pages, and not the pages of the other papers of
that digest, nor the tag pages and lists that show the paper's title, nor the home page, which
reads the newest digest's overview and no other text. The key is only as good as the record: a
page that reads another text is keyed on it from then on.

A rebuild with no change at all is caught before any of this, by ``fingerprint.py``. The
property test in ``tests/test_incremental.py`` checks that an incremental build is byte for byte
a cold build, under random edits.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.main import IncEx

from papersite.cache import content_hash
from papersite.context import (
    DIGEST_TEXTS,
    PAPER_TEXTS,
    SITE_TEXTS,
    DigestView,
    PaperView,
    SiteView,
    TagView,
)
from papersite.feeds import Feed
from papersite.model import SourcedDigest
from papersite.render import PageJob, PageList

READS_END = "|"
"""Ends the names of the texts a page read, at the start of its key (see ``PageInputs.key``)."""
ALL_TEXTS = "*"
"""Read: every long text of the files the page is made from. For a page that cannot say which
it read (one written as it renders), or that was never rendered."""

_PAPER_TEXTS: dict[str, IncEx | bool] = {"__all__": {"summary", "abstract", "sections"}}
LONG_TEXT_FIELDS: dict[str, IncEx | bool] = {"overview": True, "papers": _PAPER_TEXTS}
"""The digest model's fields that the view's long texts (``context.long_texts``) are made of."""


def listing_hash(sourced: SourcedDigest) -> str:
    """The hash of a digest file but for its long texts: all that a page which reads none of
    them can show of it."""
    listing = model_json(sourced.digest, exclude=LONG_TEXT_FIELDS)
    return content_hash("listing", sourced.path, sourced.url, listing)


def model_json(model: BaseModel, exclude: IncEx | None = None) -> str:
    """``model`` as JSON, to be hashed. Not ``model_dump_json``: pydantic reads each text through
    CPython's UTF-8 form of it, which CPython then keeps inside the text for as long as the text
    lives, a second copy of every text not in ASCII (the Korean ones: 40 MiB at 10,000 papers,
    held to the end of the build, and by every worker forked after). ``json.dumps`` reads the
    texts as they are."""
    dumped = model.model_dump(mode="json", exclude=exclude)
    return json.dumps(dumped, ensure_ascii=False, separators=(",", ":"))


def paper_hashes(sourced: SourcedDigest) -> dict[str, str]:
    """For each paper of a digest file, by its identity: the hash of all that the file says of
    it (its entries, and the digest but for its papers). A page that read the texts of a paper
    (``context.PAPER_TEXTS``) is keyed on these, in every file the paper appears in, rather
    than on the whole files: an edited summary renders again its paper's pages, not those of
    the other papers of its digest."""
    digest = sourced.digest
    around = model_json(digest, exclude={"papers"})
    entries: dict[str, list[str]] = {}
    for paper in digest.papers:
        entries.setdefault(paper.identity, []).append(model_json(paper))
    return {
        identity: content_hash("paper", sourced.path, sourced.url, around, *dumped)
        for identity, dumped in entries.items()
    }


Listing = tuple[str, dict[str, str]]
"""What a build works out of a digest file for the pages' keys (``PageInputs.listings``): its
``listing_hash`` and ``paper_hashes``. Plain tuples: the record of the last build holds them,
and a build with nothing to do unpickles it without importing this module (``build.py``)."""


MemoKey = tuple[str, str, tuple[str, ...]]
"""A page's template, the names of the texts it read, the files it is made from."""
LISTED = "listing:"
"""Names, in what a kept key depends on (``KeptKeys.keys``), a file's listing hash rather than
its whole hash: the files a page is made from are keyed on their listing (``listing_hash``)."""
KeptKey = tuple[frozenset[str], str, int]
"""A page's key, with what it depends on, and the number of its ``MemoKey`` (``KeptKeys.keys``:
the indexes name a key by its number, which hashes at once where a ``MemoKey`` of a page made
from every file is a tuple of a thousand paths to hash)."""
KeptPages = tuple[object, tuple[str, ...], dict[str, int]]
"""A subject, the URLs of the digests its files are those of, and each of its pages' path
with the number of what the page's key is kept by."""


@dataclass
class KeptKeys:
    """The page keys of a build, which a process that builds again and again keeps for the
    next (``resident.py``), with what they were worked out from: the next build takes those
    none of whose inputs changed, rather than hash them again (11,000 at 10,000 papers), and
    carries over the pages of the subjects all of whose keys it takes.

    A rebuild after an edit changes few of them: so the next build takes these over and removes
    what the edit made invalid, found through indexes of what depends on what (``users``,
    ``subjects_of``, ``made_from``), rather than going through all of them."""

    shared: str
    hashes: dict[str, str]
    """Each content file's hash, by path."""
    listings: dict[str, str]
    """Each digest file's ``listing_hash``, by path."""
    papers: dict[str, dict[str, str]]
    """Each digest file's ``paper_hashes``, by path."""
    paper_files: dict[str, frozenset[str]]
    digest_files: dict[str, frozenset[str]]
    every_file: tuple[str, ...]
    keys: dict[MemoKey, KeptKey] = field(default_factory=dict)
    """Each key with what it depends on: the listings of the files it is made from (``LISTED``
    and the path: an edited text leaves the keys of the pages that list its paper valid), the
    files of the digests' texts it read, the names of the texts it read (``paper:…``: a paper's
    texts change with its ``paper_hashes``, and which files they come from may change), and
    ``SITE_TEXTS`` if it read a text of the whole site."""
    pages: dict[int, KeptPages] = field(default_factory=dict)
    """The pages of each digest, paper, tag and feed, by the ``id`` of its view (the very
    object, which a resident process keeps while it is unchanged: ``resident.py``)."""
    page_keys: dict[str, str] = field(default_factory=dict)
    """The key of each page of ``pages``, by its path."""
    page_subjects: dict[str, int] = field(default_factory=dict)
    """The ``id`` of the subject of each page of ``pages``, by its path."""
    numbered: dict[int, MemoKey] = field(default_factory=dict)
    """What each key of ``keys`` is kept by, by its number."""
    users: dict[str, set[int]] = field(default_factory=dict)
    """The keys (by number) that depend on each file or name."""
    subjects_of: dict[int, set[int]] = field(default_factory=dict)
    """The subjects with a page kept by each key (by number)."""
    made_from: dict[str, set[int]] = field(default_factory=dict)
    """The subjects made from the files of each digest, by its URL."""
    used: set[int] = field(default_factory=set)
    """The keys (by number) this build took or added. A key outlives the subjects whose pages
    it was kept with (an edit makes new views of the tags listing the edited paper, whose
    pages have the same keys): one that no subject holds and this build did not use is
    forgotten by the next (``take_over``)."""

    def take_over(self, last: KeptKeys) -> None:
        """Hold what of ``last`` (which is not to be used again) is still valid for this build's
        inputs: the keys none of whose inputs differ, and the pages of the subjects whose keys
        are all still valid and whose files are those of the same digests."""
        if last.shared != self.shared:
            return
        files = _differences(last.hashes, self.hashes)
        changed = files | {LISTED + path for path in _differences(last.listings, self.listings)}
        for path in files:  # a changed file: its papers whose part of it changed
            before, now = last.papers.get(path, {}), self.papers.get(path, {})
            changed |= {PAPER_TEXTS + name for name in _differences(before, now)}
        # A paper's texts may come from one more file now; a digest's, which come from one file,
        # from another only if the file they came from changed (it is in ``changed``).
        changed |= {PAPER_TEXTS + name for name in _differences(last.paper_files, self.paper_files)}
        if self.every_file != last.every_file:
            changed.add(SITE_TEXTS)
        regrouped = _differences(last.digest_files, self.digest_files)
        unused = last.numbered.keys() - last.used - last.subjects_of.keys()
        self.keys, self.numbered, self.pages, self.users = (
            last.keys, last.numbered, last.pages, last.users)  # fmt: skip
        self.page_keys, self.page_subjects = last.page_keys, last.page_subjects
        self.subjects_of, self.made_from = last.subjects_of, last.made_from
        invalid = set().union(*(self.users.get(name, ()) for name in changed))
        dropped = set().union(
            *(self.subjects_of.get(memo, ()) for memo in invalid),
            *(self.made_from.get(url, ()) for url in regrouped),
        )
        self.drop(dropped)
        for number in invalid | unused:
            self._drop_key(number)

    def add_key(self, memo: MemoKey, depends: frozenset[str], key: str) -> None:
        if memo not in self.keys:
            number = next(_numbers)
            self.keys[memo], self.numbered[number] = (depends, key, number), memo
            for name in depends:
                self.users.setdefault(name, set()).add(number)
        self.used.add(self.keys[memo][2])

    def add_page(self, subject: object, path: str, memo: MemoKey) -> None:
        """The page at ``path``, about ``subject``, whose key is kept by ``memo``."""
        ident = id(subject)
        pages = self.pages.get(ident)
        if pages is None:
            urls = subject_digests(subject)  # type: ignore[arg-type]
            pages = self.pages[ident] = (subject, urls, {})
            for url in urls:
                self.made_from.setdefault(url, set()).add(ident)
        _, key, number = self.keys[memo]
        pages[2][path] = number
        self.subjects_of.setdefault(number, set()).add(ident)
        self.page_keys[path] = key
        self.page_subjects[path] = ident

    def drop(self, subjects: Iterable[int]) -> None:
        """Forget the pages of ``subjects`` (by ``id``); their keys are left to ``used``."""
        for ident in subjects:
            kept = self.pages.pop(ident, None)
            if kept is None:
                continue
            for url in kept[1]:
                self.made_from[url].discard(ident)
            for path, number in kept[2].items():
                del self.page_keys[path], self.page_subjects[path]
                using = self.subjects_of.get(number)
                if using is not None:
                    using.discard(ident)
                    if not using:
                        del self.subjects_of[number]

    def _drop_key(self, number: int) -> None:
        memo = self.numbered.pop(number, None)
        if memo is not None:
            for name in self.keys.pop(memo)[0]:
                self.users[name].discard(number)


_numbers = itertools.count()
"""The numbers of ``KeptKeys.keys``: one count for the process, so a number is never reused."""


def _differences(these: dict[str, Any], those: dict[str, Any]) -> set[str]:
    """The names whose values differ, or that only one of the two has."""
    if these == those:  # compared in C, value by value, the same objects at once
        return set()
    return {name for name in these.keys() | those.keys() if these.get(name) != those.get(name)}


class PageInputs:
    """The inputs key of each page of one build: see the module's description."""

    def __init__(
        self,
        view: SiteView,
        digests: list[SourcedDigest],
        hashes: dict[str, str],
        shared: str,
        content: str = "",
        known_listings: dict[str, Listing] | None = None,
        kept: KeptKeys | None = None,
        *,
        keep: bool = False,
    ) -> None:
        self.hashes = hashes
        known_listings = known_listings or {}
        self.listings: dict[str, Listing] = {}
        """Each digest file's ``Listing``, by the file's hash: kept for the next build, which
        works out only those of the files that changed."""
        listed: dict[str, str] = {}
        self._papers: dict[str, dict[str, str]] = {}
        """Each digest file's ``paper_hashes``, by path."""
        for sourced in digests:
            full = hashes.get(sourced.path, "")
            known = known_listings.get(full)
            if known is None:
                known = (listing_hash(sourced), paper_hashes(sourced))
            self.listings[full] = known
            listed[sourced.path], self._papers[sourced.path] = known
        self._hashes = {False: hashes, True: listed}
        self.shared = shared
        self.content = content
        """``fingerprint.content_inputs``: what the data files depend on besides the digests."""
        self.paper_files = {paper.identity: paper.digest_paths for paper in view.papers}
        self.digest_paths = {digest.url: digest.path for digest in view.digests}
        self.digest_files: dict[str, frozenset[str]] = {}
        for digest in view.digests:
            files = {digest.path}
            for entry in digest.entries:
                files |= self.paper_files.get(entry.identity, frozenset())
            self.digest_files[digest.url] = frozenset(files)
        self._every_file = tuple(sorted(listed))
        self.kept = KeptKeys(
            shared,
            hashes,
            listed,
            self._papers,
            self.paper_files,
            self.digest_files,
            self._every_file,
        )
        """The keys of this build, with those of the last one (``kept``) that are still valid:
        with ``keep``, for the next build in the same process. ``kept`` is taken over, and is
        not to be used again."""
        if kept is not None:
            self.kept.take_over(kept)
        self._keep = keep
        self._page_keys: dict[tuple[int, str, str], tuple[str, MemoKey | None]] = {}
        """By the ``id`` of the subject, which the view holds for as long as this object."""
        self._files_of_digests: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._files_keys: dict[tuple[tuple[str, ...], bool], str] = {}
        self._template_keys: dict[str, str] = {}
        self._listed_names = {path: LISTED + path for path in listed}

    def key(self, job: PageJob, reads: Iterable[str] = (ALL_TEXTS,)) -> str:
        """The page's inputs key, having read the long texts ``reads`` (``context.TextReads``),
        whose names it starts with. A feed's entries are made before it is rendered: its key
        covers the texts they were made from (``Feed.texts``) besides.

        The same for a subject's page in every edition: a key is compared with the one
        recorded at the same path, and a path's edition is fixed (so is its template, which is
        in the key all the same)."""
        return self._key(job, ";".join(sorted(set(reads))))

    def key_like(self, job: PageJob, recorded: str | None) -> str:
        """The page's key, had it read the texts that the last build ``recorded`` it read."""
        names, known, _ = (recorded or "").partition(READS_END)
        return self._key(job, names if known else ALL_TEXTS)

    def _key(self, job: PageJob, names: str) -> str:
        subject = job.subject
        if isinstance(subject, Feed) and subject.texts:
            names = ";".join(sorted({*names.split(";"), *subject.texts} - {""}))
        memo = (id(subject), job.template, names)
        found = self._page_keys.get(memo)
        if found is None:
            if isinstance(subject, PageList):
                files = self._subject_files(subject)
                made = content_hash("pages", *subject.paths)
                read = self._read_key(names, self._read_files(names, files))
                found = (f"{names}{READS_END}{self._of(job.template, made, read)}", None)
            else:
                memo_key = (job.template, names, self._subject_files(subject))
                found = (self._files_based_key(memo_key), memo_key)
            self._page_keys[memo] = found
        key, kept_by = found
        if self._keep and kept_by is not None and isinstance(subject, SUBJECTS):
            self.kept.add_page(subject, job.path, kept_by)  # kept with its subject's pages
        return key

    def carried(
        self,
        present: set[int],
        unkept: Callable[[dict[str, str]], Collection[str]],
        keep_all: Callable[[Collection[str]], None],
    ) -> set[int]:
        """The digests, papers, tags and feeds whose views are ``present`` (by ``id``), the very
        views of the last build, and none of whose pages' inputs changed since: by the view's
        ``id``. Their pages need not be planned, nor their keys worked out
        (``pipeline.write_pages``): ``keep_all`` keeps them, but for the subjects with a page
        that ``unkept`` gives (given each page's path and key), which are planned again. Their
        keys are kept for the next build."""
        kept = self.kept
        kept.drop(kept.pages.keys() - present)
        refused = unkept(kept.page_keys)
        if refused:
            kept.drop({kept.page_subjects[path] for path in refused})
        keep_all(kept.page_keys.keys())
        return set(kept.pages)

    def _files_based_key(self, memo: MemoKey) -> str:
        """The key of a page made from the content ``files``: the last build's, when none of
        its inputs changed since (``KeptKeys``)."""
        kept = self.kept.keys.get(memo)
        if kept is not None:
            self.kept.used.add(kept[2])
            return kept[1]
        template, names, files = memo
        read = self._read_files(names, files)
        made_key, read_key = self._files_key(files, True), self._read_key(names, read)
        key = f"{names}{READS_END}{self._of(template, made_key, read_key)}"
        if self._keep:
            listed = map(self._listed_names.__getitem__, files)
            self.kept.add_key(memo, frozenset((*listed, *read, *self._named(names))), key)
        return key

    @staticmethod
    def _named(names: str) -> set[str]:
        """What a page's key depends on through the names of the texts it read, besides their
        files (see ``KeptKeys.keys``)."""
        named = set()
        for name in names.split(";") if names else ():
            if name.startswith(PAPER_TEXTS):
                named.add(name)
            elif name != ALL_TEXTS and not name.startswith(DIGEST_TEXTS):
                named.add(SITE_TEXTS)
        return named

    def _of(self, template: str, made: str, read: str) -> str:
        """``content_hash(shared, template, made, read)``, as good and cheaper: the three
        hashes have a fixed length, so they are hashed joined, after the template's own key
        (11,000 pages at 10,000 papers)."""
        base = self._template_keys.get(template)
        if base is None:
            base = self._template_keys[template] = content_hash(self.shared, template)
        return hashlib.blake2b(f"{base}{made}{read}".encode(), digest_size=16).hexdigest()

    def _subject_files(self, subject: Any) -> tuple[str, ...]:
        """The digest files ``subject`` is made from (see the module's description), sorted:
        worked out once per set of digests (most papers' pages are made from the files of
        their one digest, as its page is)."""
        if isinstance(subject, PageList):
            return ()
        if subject is None:  # a page about the whole site: a few of them
            return self._every_file
        urls = subject_digests(subject)
        files = self._files_of_digests.get(urls)
        if files is None:
            union: set[str] = set()
            for url in urls:
                union |= self.digest_files[url]
            files = self._files_of_digests[urls] = tuple(sorted(union))
        return files

    def _read_files(self, names: str, made_from: tuple[str, ...]) -> tuple[str, ...]:
        """The files that the texts ``names`` come from, sorted, but for papers' texts (see
        ``_read_key``); ``ALL_TEXTS``, those the page is ``made_from``."""
        files: set[str] = set()
        for name in names.split(";") if names else ():
            if name == ALL_TEXTS:
                files.update(made_from)
            elif name.startswith(PAPER_TEXTS):
                continue
            elif name.startswith(DIGEST_TEXTS):
                path = self.digest_paths.get(name.removeprefix(DIGEST_TEXTS))
                files |= {path} if path is not None else set()
            else:  # SITE_TEXTS, or a name this papersite does not know: every file
                files.update(self._every_file)
        return tuple(sorted(files))

    def _read_key(self, names: str, read: tuple[str, ...]) -> str:
        """The key of the texts ``names`` a page read: the whole files ``read``, and each
        paper's ``paper_hashes`` in the files it appears in."""
        parts = [self._files_key(read, False)]
        for name in names.split(";") if names else ():
            if name.startswith(PAPER_TEXTS):
                identity = name.removeprefix(PAPER_TEXTS)
                for path in sorted(self.paper_files.get(identity, ())):
                    paper = self._papers.get(path, {}).get(identity, "")
                    parts.append(f"{identity}@{path}={paper}")
        return parts[0] if len(parts) == 1 else content_hash(*parts)

    def _files_key(self, files: tuple[str, ...], listing: bool) -> str:
        key = self._files_keys.get((files, listing))
        if key is None:
            hashes = self._hashes[listing]
            parts = (f"{path}={hashes.get(path, '')}" for path in files)
            key = self._files_keys[(files, listing)] = content_hash(*parts)
        return key

    def data_key(self, *, texts: bool = True) -> str:
        """The inputs key of the archive's data files (``dataset.py``): every content file
        (without its long texts for a file that has none: ``dataset.WITH_LONG_TEXTS``), and
        not the theme, which they do not show."""
        listed = [f"{path}={key}" for path, key in sorted(self._hashes[not texts].items())]
        return content_hash("data", self.content, *listed)

    def schema_key(self) -> str:
        """The inputs key of the data files' schemas (``dataset.SCHEMA_FILES``), which show no
        content file: the options and the configuration (the base URL), with the lockfile."""
        return content_hash("schema", self.content)


SUBJECTS = (DigestView, PaperView, TagView, Feed)
"""The subjects whose pages a rebuild carries over together (``KeptKeys.pages``)."""


def subject_digests(subject: DigestView | PaperView | TagView | Feed) -> tuple[str, ...]:
    """The URLs of the digests whose files ``subject`` is made from (see the module's
    description), in a stable order."""
    if isinstance(subject, DigestView):
        return (subject.url,)
    if isinstance(subject, PaperView | TagView):
        return subject.digest_urls
    return tuple(sorted(set(subject.digests)))  # a feed
