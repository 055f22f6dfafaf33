"""The site's URL scheme: where each digest, paper and tag page lives.

Every URL here is relative to the site root and ends with ``/`` (a folder holding
``index.html``), so the same output works at a domain root and under a sub-path.
"""

from __future__ import annotations

from papersite.model import Digest, slugify


def digest_url(digest: Digest) -> str:
    """``weekly/<period start>/`` or ``conferences/<name>-<year>/``."""
    if digest.period is not None:
        return f"weekly/{digest.period.start.isoformat()}/"
    if digest.conference is None:  # pragma: no cover - the model requires one of the two
        raise ValueError("a digest has either a period or a conference")
    return f"conferences/{slugify(digest.conference.name)}-{digest.conference.year}/"


def paper_url(identity: str) -> str:
    """``papers/<identity>/``; an old-style arXiv ID keeps its slash, as on arXiv."""
    return f"papers/{identity}/"


def tag_url(tag: str) -> str:
    """``tags/<tag>/``."""
    return f"tags/{tag}/"
