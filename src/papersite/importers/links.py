"""Links in imported posts: finding URLs in text (mended where a copy broke them), telling what
each points at from its host, and finding a paper's arXiv ID, offline, from the site's lockfile.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from papersite.importers.draft import DraftLink, DraftPaper
from papersite.lockfile import Lockfile
from papersite.model import arxiv_base_id, check_arxiv_id
from papersite.titles import SAME_TITLE, normalise_title, title_similarity

# A post copied as text often breaks "https://" into "https: //"; mend it before looking.
_BROKEN_SCHEME = re.compile(r"\b(https?):\s+//")
_URL = re.compile(r"https?://[^\s<>\"'`]+")
# Punctuation that ends a sentence or closes a bracket around a URL, not part of it.
_TRAILING = ".,;:!?)]}>”’\"'"
_ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/((?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)"
)
# The titles Discourse gives its link previews ("oneboxes") survive a copy as text, the URLs
# behind them do not; the repository or model named in the title gives the URL back.
_GITHUB_ONEBOX = re.compile(r"\bGitHub - ([\w.-]+/[\w.-]+?)(?::|\s|$)")
_HF_ONEBOX = re.compile(r"\b([\w.-]+/[\w.-]+) · (Datasets at )?Hugging Face\b")


def mend_urls(text: str) -> str:
    """``https: //github.com/x`` → ``https://github.com/x``."""
    return _BROKEN_SCHEME.sub(r"\1://", text)


def urls_in(text: str) -> list[str]:
    """Every http(s) URL in ``text`` (after mending), without the punctuation around it."""
    return [_trim(url) for url in _URL.findall(mend_urls(text))]


def _trim(url: str) -> str:
    while url and url[-1] in _TRAILING:
        # A closing bracket belongs to the URL when it closes one opened inside it (Wikipedia).
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def is_url_line(text: str) -> bool:
    """Whether a line is nothing but one URL."""
    found = urls_in(text)
    return len(found) == 1 and mend_urls(text).strip().strip(_TRAILING).startswith(found[0])


def onebox_links(text: str) -> list[DraftLink]:
    """Links named by link-preview titles: ``GitHub - owner/repo: …``, ``owner/model · Hugging
    Face``, ``owner/data · Datasets at Hugging Face``."""
    links = [
        DraftLink("code", f"https://github.com/{name}", name)
        for name in _GITHUB_ONEBOX.findall(text)
    ]
    for name, datasets in _HF_ONEBOX.findall(text):
        if datasets:
            links.append(DraftLink("dataset", f"https://huggingface.co/datasets/{name}", name))
        else:
            links.append(DraftLink("model", f"https://huggingface.co/{name}", name))
    return links


def classify(url: str) -> DraftLink:
    """A link of the kind its host says: X/Twitter → discussion, GitHub → code, arXiv → paper
    (pdf for a PDF), Hugging Face datasets/spaces/models, YouTube → video, else other."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.strip("/")
    segments = path.split("/") if path else []
    if host in ("x.com", "twitter.com", "mobile.twitter.com"):
        return DraftLink("discussion", url, "X thread")
    if host == "github.com" and len(segments) >= 2:
        return DraftLink("code", url, "/".join(segments[:2]))
    if host.endswith("arxiv.org"):
        return DraftLink("pdf" if segments[:1] == ["pdf"] else "paper", url)
    if host == "huggingface.co":
        return _hugging_face(url, segments)
    if host in ("youtube.com", "youtu.be", "m.youtube.com", "vimeo.com"):
        return DraftLink("video", url)
    if host == "openreview.net":
        return DraftLink("paper", url)
    if host.endswith(".github.io"):
        return DraftLink("project", url)
    if path.endswith(".pdf"):
        return DraftLink("pdf", url)
    return DraftLink("other", url)


def _hugging_face(url: str, segments: list[str]) -> DraftLink:
    if segments[:1] == ["datasets"] and len(segments) >= 3:
        return DraftLink("dataset", url, "/".join(segments[1:3]))
    if segments[:1] == ["spaces"]:
        return DraftLink("demo", url)
    if segments[:1] == ["papers"]:
        return DraftLink("paper", url)
    if len(segments) == 2:
        return DraftLink("model", url, "/".join(segments))
    return DraftLink("other", url)


def arxiv_id_in(url: str) -> str | None:
    """The arXiv ID (without version) of an arXiv or Hugging Face papers URL, else None."""
    match = _ARXIV_URL.search(url) or re.search(r"huggingface\.co/papers/(\d{4}\.\d{4,5})", url)
    if match is None:
        return None
    try:
        return arxiv_base_id(check_arxiv_id(match[1].removesuffix(".pdf")))
    except ValueError:
        return None


def add_link(paper: DraftPaper, link: DraftLink) -> None:
    """Add a link unless the paper has it already (the same URL, ignoring a final slash)."""
    key = link.url.rstrip("/")
    if all(existing.url.rstrip("/") != key for existing in paper.links):
        paper.links.append(link)


def arxiv_by_title(lockfile: Lockfile, title: str) -> str | None:
    """The ID of the lockfile's paper with this title: the same title once normalised, nearly
    the same (a typo, punctuation), or the title without arXiv's subtitle."""
    wanted = normalise_title(title)
    if not wanted:
        return None
    for arxiv_id, entry in sorted(lockfile.papers.items()):
        record = entry.arxiv
        if record is None:
            continue
        known = normalise_title(record.title)
        shortened = len(wanted.split()) >= 4 and known.startswith(wanted + " ")
        if known == wanted or shortened or title_similarity(title, record.title) >= SAME_TITLE:
            return arxiv_id
    return None


def finish_links(paper: DraftPaper, lockfile: Lockfile) -> None:
    """Set the paper's arXiv ID (from an arXiv link, else from the lockfile by English title)
    and put its arXiv page first among its links."""
    if paper.arxiv is None:
        paper.arxiv = next(
            (found for link in paper.links if (found := arxiv_id_in(link.url))), None
        )
    if paper.arxiv is None:
        paper.arxiv = arxiv_by_title(lockfile, paper.title.get("en", ""))
    if paper.arxiv is None:
        return
    if not any(arxiv_id_in(link.url) == paper.arxiv for link in paper.links):
        paper.links.insert(0, DraftLink("paper", f"https://arxiv.org/abs/{paper.arxiv}"))
