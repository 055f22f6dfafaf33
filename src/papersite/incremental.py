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

A page that, when it was last rendered, read none of its digests' long texts (summaries,
abstracts, sections, overviews: ``context.TextReads``) depends only on the rest of those files:
each file's ``listing_hash`` stands for it in the page's key, which says which kind it is. So
an edited summary renders again its paper's and digest's pages, and not the tag pages and lists
that show the paper's title. The key is only as good as the record: the page is keyed on the
texts again as soon as it reads one.

A rebuild with no change at all is caught before any of this, by ``fingerprint.py``. The
property test in ``tests/test_incremental.py`` checks that an incremental build is byte for byte
a cold build, under random edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic.main import IncEx

from papersite.cache import content_hash
from papersite.context import DigestView, PaperView, SiteView, TagView
from papersite.feeds import Feed
from papersite.model import SourcedDigest
from papersite.render import PageJob, PageList

LISTING = "listing:"
"""The start of the key of a page that read no long text (see the module's description)."""

_PAPER_TEXTS: dict[str, IncEx | bool] = {"__all__": {"summary", "abstract", "sections"}}
LONG_TEXT_FIELDS: dict[str, IncEx | bool] = {"overview": True, "papers": _PAPER_TEXTS}
"""The digest model's fields that the view's long texts (``context.long_texts``) are made of."""


def listing_hash(sourced: SourcedDigest) -> str:
    """The hash of a digest file but for its long texts: all that a page which reads none of
    them can show of it."""
    listing = sourced.digest.model_dump_json(exclude=LONG_TEXT_FIELDS)
    return content_hash("listing", sourced.path, sourced.url, listing)


class PageInputs:
    """The inputs key of each page of one build: see the module's description."""

    def __init__(
        self,
        view: SiteView,
        digests: list[SourcedDigest],
        hashes: dict[str, str],
        shared: str,
        content: str = "",
        known_listings: dict[str, str] | None = None,
    ) -> None:
        self.hashes = hashes
        known_listings = known_listings or {}
        self.listings: dict[str, str] = {}
        """Each digest file's ``listing_hash``, by the file's hash: kept for the next build,
        which works out only those of the files that changed."""
        listed: dict[str, str] = {}
        for sourced in digests:
            full = hashes.get(sourced.path, "")
            listing = known_listings.get(full) or listing_hash(sourced)
            self.listings[full] = listed[sourced.path] = listing
        self._hashes = {False: hashes, True: listed}
        self.shared = shared
        self.content = content
        """``fingerprint.content_inputs``: what the data files depend on besides the digests."""
        paper_files = {
            paper.identity: {digest.path for digest, _ in paper.appearances}
            for paper in view.papers
        }
        self.digest_files: dict[str, frozenset[str]] = {}
        for digest in view.digests:
            files = {digest.path}
            for entry in digest.entries:
                files |= paper_files.get(entry.identity, set())
            self.digest_files[digest.url] = frozenset(files)
        self._page_keys: dict[tuple[int, bool, str], str] = {}
        """By the ``id`` of the subject, which the view holds for as long as this object."""
        self._digest_set_keys: dict[tuple[tuple[str, ...], bool], str] = {}

    def key(self, job: PageJob, *, texts: bool = True) -> str:
        """The page's inputs key; with ``texts`` False, that of a page that read no long text,
        which says so (``LISTING``). A feed's entries are made before it is rendered: its key
        covers the texts if they were made from them (``Feed.made_from_texts``).

        The same for a subject's page in every edition: a key is compared with the one
        recorded at the same path, and a path's edition is fixed (so is its template, which is
        in the key all the same)."""
        listing = not texts and not (isinstance(job.subject, Feed) and job.subject.made_from_texts)
        memo = (id(job.subject), listing, job.template)
        key = self._page_keys.get(memo)
        if key is None:
            key = content_hash(self.shared, job.template, self._subject_key(job.subject, listing))
            key = self._page_keys[memo] = LISTING + key if listing else key
        return key

    def key_like(self, job: PageJob, recorded: str | None) -> str:
        """The page's key, of the kind the last build ``recorded`` for it."""
        return self.key(job, texts=recorded is None or not recorded.startswith(LISTING))

    def _subject_key(self, subject: Any, listing: bool) -> str:
        """The hash of what ``subject`` is made from: once per set of digests (most papers'
        pages are made from the files of their one digest, as its page is)."""
        if isinstance(subject, PageList):
            return content_hash("pages", *subject.paths)
        if subject is None:  # a page about the whole site: a few of them
            return self._files_key(self._hashes[listing].keys(), listing)
        return self._digests_key(self._digests(subject), listing)

    def _digests_key(self, urls: tuple[str, ...], listing: bool) -> str:
        key = self._digest_set_keys.get((urls, listing))
        if key is None:
            files: set[str] = set()
            for url in urls:
                files |= self.digest_files[url]
            key = self._digest_set_keys[(urls, listing)] = self._files_key(files, listing)
        return key

    def _files_key(self, files: Iterable[str], listing: bool) -> str:
        hashes = self._hashes[listing]
        return content_hash(*(f"{path}={hashes.get(path, '')}" for path in sorted(files)))

    def data_key(self, *, texts: bool = True) -> str:
        """The inputs key of the archive's data files (``dataset.py``): every content file
        (without its long texts for a file that has none: ``dataset.WITH_LONG_TEXTS``), and
        not the theme, which they do not show."""
        listed = [f"{path}={key}" for path, key in sorted(self._hashes[not texts].items())]
        return content_hash("data", self.content, *listed)

    @staticmethod
    def _digests(subject: DigestView | PaperView | TagView | Feed) -> tuple[str, ...]:
        """The URLs of the digests whose files ``subject`` is made from (see the module's
        description), in a stable order."""
        if isinstance(subject, DigestView):
            return (subject.url,)
        if isinstance(subject, PaperView):
            return tuple(sorted({digest.url for digest, _ in subject.appearances}))
        if isinstance(subject, Feed):
            return tuple(sorted(set(subject.digests)))
        digests = [*subject.digests, *(d for p in subject.papers for d, _ in p.appearances)]
        return tuple(sorted({digest.url for digest in digests}))
