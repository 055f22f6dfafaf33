"""What a long-running process keeps in memory from one build to the next (``papersite serve``).

A build in a new process loads, validates and views every digest file, from the build cache at
best (``cache.py``): at 10,000 papers that is four seconds of every rebuild, whatever the edit. A
process that builds again and again keeps instead, from its last build:

- each digest file validated, by its path, with the hashes it was validated from (the file's
  bytes, ``papersite.yaml``'s): the load and validate stages read, parse and validate again only
  the files whose bytes changed;
- the lockfile parsed, with its hash: its records are the same objects while it is unchanged;
- how the digests' entries were grouped into papers: only the papers of the digests that changed
  are grouped again, and the others are the same objects;
- what the enrich stage found for each paper, kept while the lockfile and the paper's digests
  are the same objects;
- each digest's view (``context.DigestView``), with what it was made from (the validated digest,
  the records of its papers, the configuration and glossary files): the view stage renders again
  only the digests that changed or whose papers' records did;
- each paper's view (``context.PaperView``), with the digest views it was made from: made again
  only for a paper of a digest viewed again; each tag's view, while its papers' and
  digests' views are the same; and each feed, while the views of its digests are;
- the key of each page of its last build, with the files and texts it depends on
  (``incremental.KeptKeys``): a page's key is worked out again only if one of them changed,
  found through indexes of what depends on each file, and the pages of a subject none of whose
  keys changed are carried over without being planned;
- how the output of its last build is, asked while it had nothing to do (``build.survey_ahead``:
  60,000 stat calls at 10,000 papers, which a build would otherwise make first);
- the record of its last build into each output folder (``build.LastBuild``), which a new
  process unpickles from the cache (with where each record of the data files lies in them:
  ``dataset.RecordCopier``).

Everything is matched by identity or by hash, and kept only if the last build used it, as the
build cache is: a rebuild's output is the same as a new process's (the incremental property test
builds through a ``Resident`` too). Nothing here is written to disk. The record of the last build
is trusted as the build cache's would be: no other process is to build into the same output
folder meanwhile (``serve``'s is its own).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from papersite.build import LastBuild
    from papersite.context import DigestView, PaperView, TagView
    from papersite.enrich import Enriched
    from papersite.errors import Problem
    from papersite.feeds import KeptFeed
    from papersite.incremental import KeptKeys
    from papersite.lockfile import Lockfile
    from papersite.model import SitePaper, SourcedDigest
    from papersite.validate import Collected
    from papersite.write import Survey


def same_objects(these: Sequence[Any], those: Sequence[Any]) -> bool:
    """The very same objects, one for one: how what is kept is matched to what a build has."""
    return len(these) == len(those) and all(map(operator.is_, these, those))


@dataclass
class KeptView:
    """A digest's view, and what it was made from."""

    sourced: SourcedDigest
    """The validated digest, the very object (``Resident.digests``)."""
    records: tuple[Any, ...]
    """Each of its papers' arXiv and Semantic Scholar records, the very objects (or None)."""
    settings: str
    """The hash of the configuration and glossary files."""
    view: DigestView
    warnings: list[Problem]
    """The texts of the digest that did not fully render (``SiteView.warnings``), in order."""


@dataclass
class KeptPaper:
    """A paper's view, and what it was made from."""

    digests: tuple[DigestView, ...]
    """The views of the digests it appears in, oldest first, the very objects."""
    places: tuple[int, ...]
    """Its entry's place in each."""
    view: PaperView
    paper: SitePaper
    """The paper it was last found to be made from (``validate.Collected``), the very object."""


@dataclass
class Resident:
    """See the module's description. Each build replaces each memo with what it used."""

    digests: dict[str, tuple[tuple[str, str], SourcedDigest]] = field(default_factory=dict)
    """Each valid digest file's validated digest, by path, with the hashes it was validated from
    (``fingerprint.settings_inputs``, the file's ``file_hash``)."""
    lockfile: tuple[str, Lockfile] | None = None
    """The lockfile parsed, by its ``file_hash`` (``lockfile.reread_lockfile``)."""
    collected: Collected | None = None
    """How the last build grouped the digests' entries into papers (``validate.Collected``): a
    rebuild groups again only the papers of the digests that changed."""
    enriched: dict[str, Enriched] = field(default_factory=dict)
    """What the enrich stage found for each paper, by identity (``enrich.enrich_site``)."""
    views: dict[str, KeptView] = field(default_factory=dict)
    """By the digest file's path."""
    papers: dict[str, KeptPaper] = field(default_factory=dict)
    """By the paper's identity."""
    tags: dict[str, TagView] = field(default_factory=dict)
    """Each tag's view (``context.TagView``), made again only when its papers' or digests'
    views are not the very same ones."""
    feeds: dict[tuple[Any, ...], KeptFeed] = field(default_factory=dict)
    """Each feed, by its place, made again only when the views of the digests it carries are
    not the very same ones, or the site's settings changed (``feeds.site_feeds``)."""
    unreviewed: dict[str, tuple[SourcedDigest, list[Problem]]] = field(default_factory=dict)
    """Each validated digest's machine-written texts that no one has reviewed, by path."""
    last: dict[str, LastBuild] = field(default_factory=dict)
    """By the resolved output folder."""
    keys: KeptKeys | None = None
    """The page keys of its last build (``incremental.PageInputs``)."""
    survey: tuple[LastBuild, Survey] | None = None
    """How the output of the build recorded is, asked ahead of the next build while the
    process had nothing to do (``build.survey_ahead``)."""
