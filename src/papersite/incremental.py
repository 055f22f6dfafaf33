"""What each page is made from, so that a rebuild renders only the pages whose inputs changed.

Every page depends on what all pages share: papersite itself (the cache is per version), the
theme's files, ``papersite.yaml``, the lockfile and the build's options. A page about one digest,
paper, tag or feed depends besides on the digest files it draws from, and on nothing else,
because its template sees only that subject's view and the site's shared values:

- a paper's page shows the digests it appears in, each with its other entries, so it depends on
  the files of those digests and on the files of every paper listed in them;
- a digest's page depends on its own file and on every file that mentions one of its papers
  (a paper's authors or abstract may come from another digest);
- a tag's page, on the files of its digests and papers, as above;
- a feed, on the files of the digests it carries, as above (and the site's title, shared);
- the sitemap, on the list of the site's pages, and not on what they show.

Pages about the whole site (home, lists, archive) are rendered every time; a
rebuild with no change at all is caught before any of this, by ``fingerprint.py``. The
property test in ``tests/test_incremental.py`` checks that an incremental build is byte for byte
a cold build, under random edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from papersite.cache import content_hash
from papersite.context import DigestView, PaperView, SiteView, TagView
from papersite.feeds import Feed
from papersite.render import PageJob, PageList


class PageInputs:
    """The inputs key of each page of one build: see the module's description."""

    def __init__(
        self, view: SiteView, hashes: dict[str, str], shared: str, content: str = ""
    ) -> None:
        self.hashes = hashes
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
        self._subject_keys: dict[int, str] = {}
        """By the ``id`` of the subject, which the view holds for as long as this object."""

    def key(self, job: PageJob) -> str | None:
        """The page's inputs key; None for a page about the whole site."""
        if job.subject is None:
            return None
        return content_hash(self.shared, job.path, self._subject_key(job.subject))

    def _subject_key(self, subject: Any) -> str:
        """The hash of what ``subject`` is made from: once per subject, not once for each of
        its pages (one per edition)."""
        key = self._subject_keys.get(id(subject))
        if key is None:
            if isinstance(subject, PageList):
                key = content_hash("pages", *subject.paths)
            else:
                files = self._files(subject)
                listed = [f"{path}={self.hashes.get(path, '')}" for path in sorted(files)]
                key = content_hash(*listed)
            self._subject_keys[id(subject)] = key
        return key

    def data_key(self) -> str:
        """The inputs key of the archive's data files (``dataset.py``): every content file, and
        not the theme, which they do not show."""
        listed = [f"{path}={key}" for path, key in sorted(self.hashes.items())]
        return content_hash("data", self.content, *listed)

    def _files(self, subject: DigestView | PaperView | TagView | Feed) -> set[str]:
        if isinstance(subject, DigestView):
            return set(self.digest_files[subject.url])
        if isinstance(subject, PaperView):
            return self._of_digests(digest.url for digest, _ in subject.appearances)
        if isinstance(subject, Feed):
            return self._of_digests(subject.digests)
        digests = [*subject.digests, *(d for p in subject.papers for d, _ in p.appearances)]
        return self._of_digests(digest.url for digest in digests)

    def _of_digests(self, urls: Iterable[str]) -> set[str]:
        files: set[str] = set()
        for url in urls:
            files |= self.digest_files[url]
        return files
