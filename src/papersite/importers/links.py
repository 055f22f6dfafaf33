"""Links in imported posts: finding URLs in text (bare, mended where a copy broke them, or
written as Markdown links), telling what each points at from its host, and finding a paper's
arXiv ID, offline, from the site's lockfile. Export asks ``classify`` too, to know which links
a bare URL gives back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from papersite.arxiv_ids import ARXIV_ID_PATTERN, arxiv_base_id, check_arxiv_id
from papersite.i18n import LINK_KINDS
from papersite.importers.draft import URL, DraftLink, DraftPaper
from papersite.lockfile import Lockfile
from papersite.titles import SAME_TITLE, normalise_title, same_numbers, title_similarity

# A post copied as text often breaks "https://" into "https: //"; mend it before looking.
_BROKEN_SCHEME = re.compile(r"\b(https?):\s+//")
_URL = URL
# A Markdown link, [text](url "title") (the text escapes brackets, the URL may hold one level
# of parentheses), or an autolink, <url>.
_MARKDOWN_LINK = re.compile(
    r"\[(?P<label>(?:\\.|[^\[\]\\])*)\]"
    r"\(\s*<?(?P<url>https?://[^\s<>()]*(?:\([^\s<>()]*\)[^\s<>()]*)*)>?"
    r"(?:\s+\"(?P<title>[^\"]*)\")?\s*\)"
    r"|<(?P<auto>https?://[^\s<>]+)>"
)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# Punctuation that ends a sentence or closes a bracket around a URL, not part of it.
_TRAILING = ".,;:!?)]}>”’\"'"
_ARXIV_URL = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html)|huggingface\.co/papers)/(?P<id>{ARXIV_ID_PATTERN})"
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


@dataclass(frozen=True)
class WrittenLink:
    """A link as a line of a post writes it."""

    url: str
    label: str | None = None
    """A Markdown link's text, unescaped; None for a URL alone (or a text that is the URL)."""
    kind: str | None = None
    """The link kind a Markdown link's title names (``[…](url "blog")``): export writes one
    where the host does not tell the kind."""


def written_links(text: str) -> list[WrittenLink]:
    """Every link of a line, in order: Markdown links, autolinks and bare URLs (mended)."""
    text = mend_urls(text)
    found: list[tuple[int, WrittenLink]] = []
    for match in _MARKDOWN_LINK.finditer(text):
        found.append((match.start(), _markdown_link(match)))
    rest = _MARKDOWN_LINK.sub(lambda match: " " * len(match[0]), text)
    found += [(match.start(), WrittenLink(_trim(match[0]))) for match in _URL.finditer(rest)]
    return [link for _, link in sorted(found, key=lambda item: item[0])]


def _markdown_link(match: re.Match[str]) -> WrittenLink:
    if match["auto"]:
        return WrittenLink(match["auto"])
    label = unescaped(match["label"]).strip()
    kind = match["title"] if match["title"] in LINK_KINDS else None
    return WrittenLink(match["url"], label if label and label != match["url"] else None, kind)


def unescaped(text: str) -> str:
    """Markdown's escaped marks (``\\[``, ``\\;``) as the marks, as a post shows them."""
    return _ESCAPED.sub(r"\1", text)


def text_around_links(text: str) -> str:
    """A line without its links (nor the punctuation that separates them)."""
    text = _URL.sub(" ", _MARKDOWN_LINK.sub(" ", mend_urls(text)))
    return " ".join(text.split()).strip(" :-–|·,")


def is_url_line(text: str) -> bool:
    """Whether a line is nothing but one link (a URL, an autolink or a Markdown link)."""
    return len(written_links(text)) == 1 and not text_around_links(text)


def draft_link(written: WrittenLink) -> DraftLink:
    """The link a post writes: of the kind its title names, else of the kind its host says."""
    if written.kind is not None:
        return DraftLink(written.kind, written.url)
    return classify(written.url)


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
    match = _ARXIV_URL.search(url)
    if match is None:
        return None
    try:
        return arxiv_base_id(check_arxiv_id(match["id"]))
    except ValueError:
        return None


def add_link(paper: DraftPaper, link: DraftLink, *, listed: bool = False) -> None:
    """Add a link unless the paper has it already (the same URL, ignoring a final slash). A
    link ``listed`` under a links heading, with the label and kind given there, replaces what
    a mention of its URL in a text gave, and takes its place in the list: the links come in
    the order the post lists them, not in the order its texts first name them."""
    key = link.url.rstrip("/")
    existing = next((known for known in paper.links if known.url.rstrip("/") == key), None)
    link.listed = listed
    if existing is None:
        paper.links.append(link)
    elif listed and existing.listed:  # listed twice: the later listing's words
        existing.kind, existing.label = link.kind, link.label
    elif listed:
        paper.links.remove(existing)
        paper.links.append(link)


def arxiv_by_title(lockfile: Lockfile, title: str) -> str | None:
    """The ID of the lockfile's paper with this title: the same title once normalised, nearly
    the same (a typo, punctuation, but not a number: "Llama 3" is not "Llama 2"'s paper), or
    the title without arXiv's subtitle."""
    wanted = normalise_title(title)
    if not wanted:
        return None
    for arxiv_id, entry in sorted(lockfile.papers.items()):
        record = entry.arxiv
        if record is None:
            continue
        known = normalise_title(record.title)
        shortened = len(wanted.split()) >= 4 and known.startswith(wanted + " ")
        if known == wanted or shortened or _nearly(title, record.title):
            return arxiv_id
    return None


def _nearly(title: str, known: str) -> bool:
    """Whether ``title`` is ``known`` but for a typo or punctuation (as ``enrich`` resolves it)."""
    return title_similarity(title, known) >= SAME_TITLE and same_numbers(title, known)


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
