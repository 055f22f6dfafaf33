"""Incremental builds: after any sequence of edits, the output is byte for byte a cold build's.

The property test applies random sequences of edits to a small bilingual site (change a text, add
a paper, pick a paper again in another digest, move a paper between digests, add or delete a
digest, write a digest in the other form, rename a tag, give a digest an old URL, change a
template, the configuration or the lockfile, and an edit that changes nothing) and after each
compares the incremental output with a cold build of a copy of the site (without its build
cache), stale pages included. The other tests check that the output folder and the cache are not
trusted blindly, and that ``papersite serve`` gives the same files. Each edit is logged, so a
failure names the sequence that led to it; ``random.Random(seed)`` replays it.
"""

from __future__ import annotations

import collections
import copy
import dataclasses
import datetime as dt
import difflib
import functools
import importlib
import itertools
import json
import os
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jinja2
import pytest
import yaml

from papersite import (
    build,
    cache,
    context,
    dataset,
    enrich,
    feeds,
    fingerprint,
    incremental,
    lockfile,
    markup,
    render,
)
from papersite.build import OUTPUT_RECORDS, BuildReport, LastBuild, survey_ahead
from papersite.cache import CACHE_DIR, COMPILED_DIR, SHARDS, BuildCache, content_hash
from papersite.errors import ContentError
from papersite.fingerprint import digest_files, file_hash
from papersite.resident import Resident
from papersite.serve.rebuild import LiveSite
from papersite.theme import default_theme
from papersite.write import MARKER

pipeline = importlib.import_module("papersite.pipeline")  # not the function ``build``

REPO = Path(__file__).resolve().parents[1]
LOCKFILE = json.loads((REPO / "arxiv.lock.json").read_text(encoding="utf-8"))
LOCKED_IDS = sorted(LOCKFILE["papers"])
ORIGIN = "http://127.0.0.1:8000"

EN_WORDS = (
    "model reasoning reward policy attention memory agent scaling benchmark diffusion".split()
)
KO_WORDS = "모델 추론 보상 정책 어텐션 메모리 에이전트 확장 벤치마크 확산".split()
TAGS = ["llm", "reasoning", "agents", "memory", "diffusion-models", "evaluation", "theory"]
CONFERENCES = ["ICML", "ICLR", "NeurIPS", "COLT"]
FIRST_MONDAY = dt.date(2025, 1, 6)
LINK_KINDS = ["code", "project", "dataset", "blog", "discussion"]


# --- the site, as the test holds it: plain data written to disk -----------------------------------


@dataclass
class SiteState:
    """The site's inputs as plain data; ``save`` writes the files whose bytes changed."""

    root: Path
    config: dict[str, Any]
    digests: dict[str, dict[str, Any]]
    """Digest data by path relative to the site; a ``.md`` path is written in the Markdown form."""
    lock: dict[str, Any]
    templates: dict[str, str] = field(default_factory=dict)
    """The site's own theme files (``templates/<name>``), overriding the default theme's."""
    glossary: dict[str, Any] | None = None
    """``glossary.yaml``, if the site has one."""
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    def fresh(self) -> int:
        """A number no paper, tag or edit has used yet."""
        return next(self.counter)

    def files(self) -> dict[str, bytes]:
        files = {
            "papersite.yaml": dump_yaml(self.config).encode(),
            "arxiv.lock.json": (json.dumps(self.lock, indent=2, sort_keys=True) + "\n").encode(),
        }
        for path, data in self.digests.items():
            text = markdown_digest(data) if path.endswith(".md") else dump_yaml(data)
            files[path] = text.encode()
        for name, text in self.templates.items():
            files[f"templates/{name}"] = text.encode()
        if self.glossary is not None:
            files["glossary.yaml"] = dump_yaml(self.glossary).encode()
        return files

    def save(self) -> None:
        wanted = self.files()
        for folder in ("digests", "templates"):
            for path in sorted((self.root / folder).rglob("*")):
                if path.is_file() and path.relative_to(self.root).as_posix() not in wanted:
                    path.unlink()
        if self.glossary is None:
            (self.root / "glossary.yaml").unlink(missing_ok=True)
        for relative, content in wanted.items():
            target = self.root / relative
            if not target.is_file() or target.read_bytes() != content:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)

    def papers(self) -> list[tuple[str, dict[str, Any]]]:
        """Every paper entry, with the path of its digest."""
        return [(path, p) for path, data in self.digests.items() for p in data["papers"]]


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def markdown_digest(data: dict[str, Any]) -> str:
    """``data`` in the Markdown form: front matter, then an overview and one section a paper."""
    front = {key: value for key, value in data.items() if key not in ("overview", "papers")}
    lines = ["---", dump_yaml(front).rstrip("\n"), "---", "", f"# {english(data['title'])}", ""]
    if "overview" in data:
        lines += ["## Overview", "", *text_lines(data["overview"], "###")]
    for paper in data["papers"]:
        fields = {key: value for key, value in paper.items() if key not in ("summary", "abstract")}
        lines += [f"## {english(paper['title'])}", "", "```yaml", dump_yaml(fields).rstrip("\n")]
        lines += ["```", ""]
        for name in ("summary", "abstract"):
            if name in paper:
                lines += [f"### {name.capitalize()}", "", *text_lines(paper[name], "####")]
    return "\n".join(lines)


def text_lines(text: str | dict[str, str], heading: str) -> list[str]:
    if isinstance(text, str):
        return [text.strip(), ""]
    lines: list[str] = []
    for lang, value in text.items():
        lines += [f"{heading} {lang}", "", value.strip(), ""]
    return lines


def english(text: str | dict[str, str]) -> str:
    return text if isinstance(text, str) else text.get("en") or next(iter(text.values()))


def identity(paper: dict[str, Any]) -> str:
    """What makes two entries the same paper (see the digest contract); titles here are unique
    up to their slug."""
    return paper.get("arxiv") or english(paper["title"])


def identities(digest: dict[str, Any]) -> set[str]:
    return {identity(paper) for paper in digest["papers"]}


# --- random content ------------------------------------------------------------------------------


def sentence(rng: random.Random, korean: bool) -> str:
    words = rng.choices(KO_WORDS if korean else EN_WORDS, k=rng.randint(4, 9))
    if rng.random() < 0.3:
        index = rng.randrange(len(words))
        words[index] = f"**{words[index]}**"
    roll = rng.random()
    if roll < 0.1:
        words.append(rf"$\alpha_{rng.randint(1, 9)}$")
    elif roll < 0.15:  # not TeX that converts: a warning located at the text
        words.append(rf"$\unknowncommand{{{rng.randint(1, 9)}}}$")
    elif roll < 0.25:
        words.append(f"[{rng.choice(EN_WORDS)}](https://example.com/{rng.randint(1, 9)})")
    return " ".join(words) + ("입니다." if korean else ".")


def markdown_text(rng: random.Random, korean: bool) -> str:
    text = sentence(rng, korean)
    if rng.random() < 0.3:
        text += "\n\n" + "\n".join(f"- {sentence(rng, korean)}" for _ in range(2))
    return text + "\n"


def bilingual(rng: random.Random) -> str | dict[str, str]:
    """A text: usually in both languages, sometimes one text for all, sometimes missing the
    English translation."""
    roll = rng.random()
    if roll < 0.1:
        return markdown_text(rng, False)
    if roll < 0.2:
        return {"ko": markdown_text(rng, True)}
    return {"ko": markdown_text(rng, True), "en": markdown_text(rng, False)}


def new_paper(
    state: SiteState, rng: random.Random, *, conference: bool, siblings: list[dict[str, Any]]
) -> dict[str, Any]:
    """A paper no digest has yet, for a digest already holding ``siblings``."""
    number = state.fresh()
    words = " ".join(rng.choices(EN_WORDS, k=3))
    paper: dict[str, Any] = {"title": {"ko": f"논문 {number}", "en": f"Paper {number}: {words}"}}
    used = {other.get("arxiv") for _, other in state.papers()}
    used |= {other.get("arxiv") for other in siblings}
    roll = rng.random()
    if roll < 0.4 and set(LOCKED_IDS) - used:
        paper["arxiv"] = rng.choice(sorted(set(LOCKED_IDS) - used))
    elif roll < 0.5:
        paper["arxiv"] = f"2501.{number:05d}"  # not in the lockfile: a warning
    if rng.random() < 0.5:
        paper["authors"] = [f"Author {number}", "Ada Lovelace"]
    if conference and rng.random() < 0.7:
        paper["award"] = rng.choice(["best-paper", "runner-up", "oral", "honourable mention"])
    paper["summary"] = bilingual(rng)
    if "arxiv" not in paper or rng.random() < 0.5:
        paper["abstract"] = bilingual(rng)
    paper["links"] = [
        {"kind": rng.choice(LINK_KINDS), "url": f"https://example.com/{number}/{index}"}
        for index in range(rng.randint(0, 2))
    ]
    paper["tags"] = rng.sample(state.config["tags"], k=rng.randint(0, 2))
    return paper


def new_digest(state: SiteState, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """A digest at a URL no digest of the site has, with a new paper or two."""
    conference = rng.random() < 0.3
    suffix = rng.choice([".yaml", ".yaml", ".md"])
    if conference:
        conferences = [d["conference"] for d in state.digests.values() if "conference" in d]
        taken = {(c["name"], c["year"]) for c in conferences}
        name, year = rng.choice(
            [(n, y) for n in CONFERENCES for y in (2024, 2025) if (n, y) not in taken]
        )
        path = f"digests/conferences/{name.lower()}-{year}{suffix}"
        digest: dict[str, Any] = {
            "kind": "conference",
            "conference": {"name": name, "year": year, "url": f"https://{name.lower()}.cc/"},
            "date": dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        }
    else:
        taken_weeks = {d["period"]["start"] for d in state.digests.values() if "period" in d}
        weeks = [FIRST_MONDAY + dt.timedelta(weeks=k) for k in range(40)]
        start = rng.choice([week for week in weeks if week not in taken_weeks])
        path = f"digests/weekly/{start.isoformat()}{suffix}"
        digest = {"kind": "weekly", "period": {"start": start, "end": start + dt.timedelta(6)}}
    digest["title"] = {"ko": f"다이제스트 {state.fresh()}", "en": f"Digest {state.fresh()}"}
    if rng.random() < 0.6:
        digest["overview"] = bilingual(rng)
    digest["tags"] = rng.sample(state.config["tags"], k=rng.randint(0, 2))
    digest["papers"] = []
    for _ in range(rng.randint(1, 3)):
        paper = new_paper(state, rng, conference=conference, siblings=digest["papers"])
        digest["papers"].append(paper)
    return path, digest


def initial_site(root: Path, rng: random.Random) -> SiteState:
    """Four digests (one in the Markdown form) of two to four papers, some picked twice."""
    state = SiteState(
        root=root,
        config={
            "title": {"ko": "테스트 사이트", "en": "Test site"},
            "description": {"ko": "설명", "en": "A description"},
            "base_url": "https://example.org/papers/",
            "languages": ["ko", "en"],
            "tags": list(TAGS),
            "per_page": 3,  # lists of a few pages: pages of lists come and go with the edits
        },
        digests={},
        lock=copy.deepcopy(LOCKFILE),
    )
    while len(state.digests) < 4:
        path, digest = new_digest(state, rng)
        state.digests[path] = digest
    if not any(path.endswith(".md") for path in state.digests):
        first = sorted(state.digests)[0]
        state.digests[first.rsplit(".", 1)[0] + ".md"] = state.digests.pop(first)
    for _ in range(2):
        repick_paper(state, rng)
    state.save()
    return state


# --- edits: each changes the state and says what it did -------------------------------------------

Edit = Callable[[SiteState, random.Random], str]


def change_text(state: SiteState, rng: random.Random) -> str:
    path = rng.choice(sorted(state.digests))
    digest = state.digests[path]
    paper = rng.choice(digest["papers"])
    targets = ["summary", "abstract", "title", "overview", "digest title", "sections", "authors"]
    target = rng.choice(
        [*targets, "link label", "award" if digest["kind"] == "conference" else "date"]
    )
    if target in PAPER_FIELD_EDITS:
        PAPER_FIELD_EDITS[target](state, rng, digest, paper)
    elif target == "overview":
        digest["overview"] = bilingual(rng)
    elif target == "digest title":
        digest["title"] = {"ko": f"다이제스트 {state.fresh()}", "en": f"Digest {state.fresh()}"}
    elif target == "title":
        # A paper without an arXiv ID becomes another paper: its page moves.
        number = state.fresh()
        paper["title"] = {"ko": f"논문 {number}", "en": f"Paper {number}: retitled"}
    else:
        text = paper.get(target)
        if isinstance(text, dict) and rng.random() < 0.7:
            lang = rng.choice(sorted(text))
            text[lang] = markdown_text(rng, lang == "ko")
        else:
            paper[target] = bilingual(rng)
    return f"change the {target} in {path} (paper {identity(paper)})"


def _sections(state: SiteState, rng: random.Random, digest: Any, paper: Any) -> None:
    number = state.fresh()
    title = {"ko": f"평가 {number}", "en": f"Reflections {number}"}
    paper["sections"] = [{"title": title, "body": bilingual(rng)}][: rng.randint(0, 1)]


def _authors(state: SiteState, rng: random.Random, digest: Any, paper: Any) -> None:
    paper["authors"] = [f"Writer {state.fresh()}", "Ada Lovelace"][: rng.randint(0, 2)]


def _link_label(state: SiteState, rng: random.Random, digest: Any, paper: Any) -> None:
    number = state.fresh()
    link = {"kind": rng.choice(LINK_KINDS), "url": f"https://example.com/l/{number}"}
    paper["links"] = [*paper.get("links", [])[:1], {**link, "label": f"Label {number}"}]


def _award(state: SiteState, rng: random.Random, digest: Any, paper: Any) -> None:
    paper["award"] = rng.choice(["best-paper", "runner-up", "spotlight", f"prize {state.fresh()}"])


def _date(state: SiteState, rng: random.Random, digest: Any, paper: Any) -> None:
    """A weekly digest's publication date, past or later than its week (the home page and the
    feeds show the newest)."""
    digest["date"] = digest["period"]["end"] + dt.timedelta(days=rng.choice([-3, 1, 400]))


PAPER_FIELD_EDITS: dict[str, Callable[[SiteState, random.Random, Any, Any], None]] = {
    "sections": _sections,
    "authors": _authors,
    "link label": _link_label,
    "award": _award,
    "date": _date,
}
"""``change_text``'s edits of a field other than a text."""


def add_paper(state: SiteState, rng: random.Random) -> str:
    path = rng.choice(sorted(state.digests))
    digest = state.digests[path]
    conference = digest["kind"] == "conference"
    paper = new_paper(state, rng, conference=conference, siblings=digest["papers"])
    digest["papers"].insert(rng.randint(0, len(digest["papers"])), paper)
    return f"add paper {identity(paper)} to {path}"


def repick_paper(state: SiteState, rng: random.Random) -> str:
    """Copy a paper into a digest that lacks it, with its own summary: one paper, two digests."""
    pairs = [
        (path, paper, target)
        for path, paper in state.papers()
        for target, data in state.digests.items()
        if identity(paper) not in identities(data)
    ]
    if not pairs:
        return add_paper(state, rng)
    path, paper, target = rng.choice(pairs)
    picked = copy.deepcopy(paper)
    picked["summary"] = bilingual(rng)
    picked.pop("award", None)
    if state.digests[target]["kind"] == "conference" and rng.random() < 0.5:
        picked["award"] = "best-paper"
    papers = state.digests[target]["papers"]
    papers.insert(rng.randint(0, len(papers)), picked)
    return f"pick paper {identity(paper)} of {path} again in {target}"


def move_paper(state: SiteState, rng: random.Random) -> str:
    moves = [
        (source, paper, target)
        for source, paper in state.papers()
        if len(state.digests[source]["papers"]) > 1
        for target, data in state.digests.items()
        if target != source and identity(paper) not in identities(data)
    ]
    if not moves:
        return add_paper(state, rng)
    source, paper, target = rng.choice(moves)
    state.digests[source]["papers"].remove(paper)
    if state.digests[target]["kind"] == "weekly":
        paper.pop("award", None)
    papers = state.digests[target]["papers"]
    papers.insert(rng.randint(0, len(papers)), paper)
    return f"move paper {identity(paper)} from {source} to {target}"


def delete_digest(state: SiteState, rng: random.Random) -> str:
    if len(state.digests) < 2:
        return add_digest(state, rng)
    path = rng.choice(sorted(state.digests))
    del state.digests[path]
    return f"delete {path}"


def add_digest(state: SiteState, rng: random.Random) -> str:
    path, digest = new_digest(state, rng)
    state.digests[path] = digest
    if rng.random() < 0.5:
        repick_paper(state, rng)
    return f"add {path} ({len(digest['papers'])} papers)"


def convert_digest(state: SiteState, rng: random.Random) -> str:
    """Write a digest in the other form: same content, another file."""
    path = rng.choice(sorted(state.digests))
    stem, suffix = path.rsplit(".", 1)
    other = f"{stem}.{'yaml' if suffix == 'md' else 'md'}"
    state.digests[other] = state.digests.pop(path)
    return f"rewrite {path} as {other}"


def rename_tag(state: SiteState, rng: random.Random) -> str:
    items = [*state.digests.values(), *(paper for _, paper in state.papers())]
    used = sorted({tag for item in items for tag in item.get("tags", [])})
    old = rng.choice(used or state.config["tags"])
    new = f"{old}-{state.fresh()}"
    for item in items:
        item["tags"] = [new if tag == old else tag for tag in item.get("tags", [])]
    state.config["tags"] = [new if tag == old else tag for tag in state.config["tags"]]
    return f"rename tag {old} to {new}"


def change_alias(state: SiteState, rng: random.Random) -> str:
    """Give a digest an old URL (a redirect page), or take one away."""
    path = rng.choice(sorted(state.digests))
    digest = state.digests[path]
    if digest.get("aliases") and rng.random() < 0.5:
        alias = digest["aliases"].pop()
        return f"remove the alias {alias} of {path}"
    alias = rng.choice(["posts/old-{n}/", "old/{n}.html"]).replace("{n}", str(state.fresh()))
    digest.setdefault("aliases", []).append(alias)
    return f"add the alias {alias} to {path}"


TEMPLATE_EDITS = {
    "paper.html": ("{% block main %}", "{% block main %}\n<p class=edited>edit {n}</p>"),
    "digest.html": ("{% block main %}", "{% block main %}\n<p class=edited>edit {n}</p>"),
    "tag.html": ("{% block main %}", "{% block main %}\n<p class=edited>edit {n}</p>"),
    "base.html": ("</body>", "<p class=edited>edit {n}</p>\n</body>"),
    "macros.html": ("  </footer>", "  <p class=edited>edit {n}</p>\n  </footer>"),
    "assets/style.css": ("", "\n.edited-{n} { color: red; }\n"),
}


def change_template(state: SiteState, rng: random.Random) -> str:
    if state.templates and rng.random() < 0.4:
        name = rng.choice(sorted(state.templates))
        del state.templates[name]
        return f"remove the site's templates/{name}"
    return override_template(state, rng.choice(sorted(TEMPLATE_EDITS)))


def override_template(state: SiteState, name: str) -> str:
    """Put the default theme's ``name`` in the site's templates/, with a visible change."""
    old, new = TEMPLATE_EDITS[name]
    text = (default_theme() / name).read_text(encoding="utf-8")
    new = new.replace("{n}", str(state.fresh()))
    if old:
        assert old in text, f"the default theme's {name} changed: update TEMPLATE_EDITS"
        text = text.replace(old, new, 1)
    else:
        text += new
    state.templates[name] = text
    return f"override templates/{name}"


def change_config(state: SiteState, rng: random.Random) -> str:
    config = state.config
    what = rng.choice(["title", "description", "base_url", "languages", "per_page"])
    if what == "title":
        config["title"] = {"ko": f"사이트 {state.fresh()}", "en": f"Site {state.fresh()}"}
    elif what == "description":
        if "description" in config and rng.random() < 0.3:
            del config["description"]
        else:
            config["description"] = bilingual(rng)
    elif what == "base_url":
        urls = ["https://example.org/papers/", "https://example.org/", "https://x.test/a/b/"]
        config["base_url"] = rng.choice([url for url in urls if url != config["base_url"]])
    elif what == "per_page":
        config["per_page"] = rng.choice([size for size in (2, 3, 5) if size != config["per_page"]])
    else:
        config["languages"] = list(reversed(config["languages"]))
    return f"change the config's {what}"


def extend_vocabulary(state: SiteState, rng: random.Random) -> str:
    """A new tag in papersite.yaml that no digest uses: an input changes, no page does, so the
    search index is carried over."""
    tag = f"unused-{state.fresh()}"
    state.config["tags"].insert(rng.randint(0, len(state.config["tags"])), tag)
    return f"add the tag {tag} to the vocabulary"


def change_glossary(state: SiteState, rng: random.Random) -> str:
    """Write, edit or delete ``glossary.yaml``: the terms marked in every text, and a page."""
    if state.glossary is not None and rng.random() < 0.3:
        state.glossary = None
        return "delete glossary.yaml"
    number = state.fresh()
    terms: list[dict[str, Any]] = [{"en": "model", "ko": ["모델"]}]
    terms.append({"en": "reward", "ko": [rng.choice(["보상", "리워드"])], "wrong": ["보수"]})
    if rng.random() < 0.5:
        terms.append({"en": "memory", "ko": ["메모리"], "note": {"ko": f"노트 {number}", "en": f"A note {number}"}})  # fmt: skip
    state.glossary = {"terms": terms}
    return f"write glossary.yaml ({len(terms)} terms)"


def change_provenance(state: SiteState, rng: random.Random) -> str:
    """Say who wrote a digest's texts, or a paper's summary: badges, texts to review."""
    path = rng.choice(sorted(state.digests))
    digest = state.digests[path]
    statuses = ["human", "machine", "upstream", "reviewed"]
    if rng.random() < 0.5:
        default = {"ko": rng.choice(statuses), "en": rng.choice(statuses)}
        digest["provenance"] = {"default": default, "by": {"machine": f"GPT-{state.fresh()}"}}
        return f"the provenance of {path}: {default}"
    paper = rng.choice(digest["papers"])
    paper["provenance"] = {"summary": {"ko": rng.choice(statuses)}}
    return f"the provenance of {identity(paper)}'s summary in {path}"


def change_lockfile(state: SiteState, rng: random.Random) -> str:
    locked = set(state.lock["papers"])
    used = sorted({paper.get("arxiv") for _, paper in state.papers()} & locked)
    arxiv_id = rng.choice(used or sorted(locked))
    record = state.lock["papers"][arxiv_id]["arxiv"]
    what = rng.choice(["abstract", "authors", "title", "record", "withdrawn"])
    if what == "withdrawn":
        record["withdrawn"] = not record.get("withdrawn", False)
    elif what == "record" and len(locked) > 1:  # the paper's pages lose what arXiv said
        del state.lock["papers"][arxiv_id]
        return f"remove {arxiv_id} from the lockfile"
    elif what == "abstract":
        record["abstract"] = sentence(rng, False)
    elif what == "authors":
        record["authors"] = [f"Author {state.fresh()}"]
    else:
        record["title"] = f"Locked title {state.fresh()}"
    return f"change the {what} of {arxiv_id} in the lockfile"


def touch(state: SiteState, rng: random.Random) -> str:
    """Rewrite an input with the same bytes and a later time: nothing changed."""
    path = state.root / rng.choice(sorted(state.files()))
    path.write_bytes(path.read_bytes())
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))
    return f"touch {path.relative_to(state.root).as_posix()}"


# ``change_template`` is listed twice: the site's overrides accumulate from one step to the next,
# and a template that becomes overridden once the site has a templates/ folder is a case of its
# own.
EDITS: list[Edit] = [
    change_text,
    add_paper,
    repick_paper,
    move_paper,
    delete_digest,
    add_digest,
    convert_digest,
    rename_tag,
    change_alias,
    change_template,
    change_template,
    change_config,
    extend_vocabulary,
    change_glossary,
    change_provenance,
    change_lockfile,
    touch,
]


# --- comparing outputs ----------------------------------------------------------------------------


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file under ``out``: relative path → bytes."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def stats(out: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of every file under ``out``."""
    if not out.is_dir():
        return {}
    return {
        path.relative_to(out).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def differences(actual: dict[str, bytes], expected: dict[str, bytes]) -> str:
    """What differs between two output trees, for a failure message; empty when they are the
    same."""
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(p for p in set(actual) & set(expected) if actual[p] != expected[p])
    if not (missing or extra or changed):
        return ""
    lines = [
        f"missing (in the cold build only): {missing[:10]}{' …' if len(missing) > 10 else ''}",
        f"stale (in the incremental build only): {extra[:10]}{' …' if len(extra) > 10 else ''}",
        f"different bytes ({len(changed)}): {changed[:10]}{' …' if len(changed) > 10 else ''}",
    ]
    for path in changed:
        try:
            old = expected[path].decode("utf-8").splitlines()
            new = actual[path].decode("utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        diff = difflib.unified_diff(old, new, f"cold/{path}", f"incremental/{path}", lineterm="")
        lines += ["", *itertools.islice(diff, 40)]
        break
    return "\n".join(lines)


@dataclass
class ColdBuilds:
    """Cold builds of copies of a site, each in a fresh folder without the build cache."""

    folder: Path
    count: itertools.count[int] = field(default_factory=itertools.count)

    def build(self, site: Path, **options: Any) -> tuple[BuildReport, dict[str, bytes]]:
        number = next(self.count)
        copy_root = self.folder / f"site-{number}"
        shutil.copytree(site, copy_root, ignore=shutil.ignore_patterns(".papersite-cache"))
        out = self.folder / f"out-{number}"
        report = build(copy_root, out, **options)
        files = snapshot(out)
        shutil.rmtree(copy_root)
        shutil.rmtree(out)
        return report, files


def assert_like_cold(
    report: BuildReport,
    files: dict[str, bytes],
    cold: tuple[BuildReport, dict[str, bytes]],
    log: list[str],
) -> None:
    cold_report, cold_files = cold
    history = "\n".join(f"  {index}. {entry}" for index, entry in enumerate(log))
    diff = differences(files, cold_files)
    assert not diff, f"after the edits\n{history}\nthe output is not a cold build's:\n{diff}"
    assert [str(w) for w in report.warnings] == [str(w) for w in cold_report.warnings], history
    assert [str(u) for u in report.unreviewed] == [str(u) for u in cold_report.unreviewed], history
    assert (report.digests, report.papers, report.pages) == (
        cold_report.digests,
        cold_report.papers,
        cold_report.pages,
    ), history


def assert_writes_only_changes(
    report: BuildReport,
    before: tuple[dict[str, bytes], dict[str, tuple[int, int]]],
    out: Path,
    log: list[str],
) -> None:
    """The report lists the files written and removed and counts the output's files; only files
    whose bytes changed were written: every other one is the previous output's (same inode and
    time)."""
    old_files, old_stats = before
    files, now = snapshot(out), stats(out)
    pages = [path for path in files if path != MARKER]
    assert report.pages == len(pages), log
    changed = {path for path in pages if old_files.get(path) != files[path]}
    rewritten = {path for path in pages if old_stats.get(path) != now[path]}
    assert rewritten == changed, (
        f"after {log[-1]}: rewritten with the same bytes: {sorted(rewritten - changed)[:10]}; "
        f"changed but not rewritten: {sorted(changed - rewritten)[:10]}"
    )
    assert report.written == sorted(changed), log
    assert report.removed == sorted(set(old_files) - set(files)), log


# --- the property ---------------------------------------------------------------------------------


def edit_sequence(rng: random.Random, search: bool) -> list[Edit]:
    """Without search, every kind of edit once (``change_template`` twice), in a random order.
    With search (Pagefind takes ~0.5 s a run), three at random and the two that change no page:
    ``touch`` (nothing to do) and ``extend_vocabulary`` (the search index is carried over)."""
    if not search:
        return rng.sample(EDITS, k=len(EDITS))
    others = [edit for edit in dict.fromkeys(EDITS) if edit not in (touch, extend_vocabulary)]
    edits = [*rng.sample(others, k=3), touch, extend_vocabulary]
    rng.shuffle(edits)
    return edits


@pytest.mark.parametrize(
    ("seed", "search", "resident"),
    [
        (1, False, False),
        (2, False, False),
        (3, False, False),
        (4, True, False),
        (6, False, True),
        (7, False, True),
    ],
)
def test_incremental_build_is_a_cold_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, search: bool, resident: bool
) -> None:
    """The property; with ``resident``, every build in one process keeping what the last one
    made (``resident.py``), as ``papersite serve`` builds, and each edit followed by a text
    edit, so that a kept view is put next to a new one after every kind of edit; and each
    page key that a resident build took from the last one is the key worked out afresh."""
    kept_keys = check_kept_keys(monkeypatch) if resident else None
    rng = random.Random(seed)
    state = initial_site(tmp_path / "site", rng)
    edits = edit_sequence(rng, search)
    if resident:
        edits = [e for edit in edits for e in (edit, change_text)]
    kept = Resident() if resident else None
    name = f"seed {seed}" + (", resident" if resident else "")
    check_edits(state, tmp_path, rng, edits, search, name, kept)
    if kept_keys is not None:
        assert kept_keys["carried"] > 0 and kept_keys["files"] > 0, kept_keys


def check_kept_keys(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """Makes every page key that a build takes from the last build's (``KeptKeys``) be checked
    against the key a ``PageInputs`` without them works out; counts those it took: by its files
    (``files``), or with every page of its subject, which is then not planned (``carried``)."""
    made = collections.Counter[str]()
    new_inputs, key_of = incremental.PageInputs.__init__, incremental.PageInputs._key
    taken = incremental.PageInputs._files_based_key

    # By the inputs with kept keys themselves, not their ids: held, none of them is freed, so
    # no inputs worked out afresh can take the id of one (and be checked against its own).
    afresh: dict[incremental.PageInputs, incremental.PageInputs] = {}
    views: dict[incremental.PageInputs, Any] = {}
    from_last: dict[incremental.PageInputs, set[Any]] = {}  # the keys each took over
    carry = incremental.PageInputs.carried

    def init(self: incremental.PageInputs, *args: Any, kept: Any = None, **kwargs: Any) -> None:
        new_inputs(self, *args[:6], kept=args[6] if len(args) > 6 else kept, **kwargs)
        afresh[self] = incremental.PageInputs.__new__(incremental.PageInputs)
        new_inputs(afresh[self], *args[:6], kept=None, **kwargs)
        views[self] = args[0]
        from_last[self] = set(self.kept.keys)

    held: list[Any] = []  # the pages planned here, whose subjects' ids the inputs key by

    def carried(self: incremental.PageInputs, *args: Any) -> set[int]:
        found: set[int] = carry(self, *args)
        jobs = {job.path: job for job in render.plan_site(views[self])}
        held.append(jobs)
        for path, key in self.kept.page_keys.items():
            if self.kept.page_subjects[path] in found:
                made["carried"] += 1
                assert key == afresh[self].key_like(jobs[path], key), path
        return found

    def key(self: incremental.PageInputs, job: Any, names: str) -> str:
        if self not in afresh:  # the inputs worked out afresh themselves
            fresh: str = key_of(self, job, names)
            return fresh
        found: str = key_of(self, job, names)
        assert found == key_of(afresh[self], job, names), (job.path, names)
        return found

    def files_based(self: incremental.PageInputs, memo: incremental.MemoKey) -> str:
        made["files"] += memo in from_last.get(self, ())
        key: str = taken(self, memo)
        return key

    monkeypatch.setattr(incremental.PageInputs, "__init__", init)
    monkeypatch.setattr(incremental.PageInputs, "_key", key)
    monkeypatch.setattr(incremental.PageInputs, "_files_based_key", files_based)
    monkeypatch.setattr(incremental.PageInputs, "carried", carried)
    return made


@pytest.mark.parametrize("resident", [False, True])
def test_incremental_build_is_a_cold_build_when_lists_show_long_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resident: bool
) -> None:
    """The property, with a theme whose tag pages show summaries and the first paper's
    abstract, and whose list of papers shows abstracts (pages keyed on the long texts only
    because they read them: see ``context.TextReads``), and a text edited after every other
    edit; with ``resident``, in
    one process, whose page keys are kept with the texts they read (``KeptKeys``)."""
    rng = random.Random(5)
    state = initial_site(tmp_path / "site", rng)
    old, new = SUMMARIES_IN_TAG_PAGES
    tag_page = (default_theme() / "tag.html").read_text().replace(old, new)
    state.templates["tag.html"] = tag_page.replace(*AN_ABSTRACT_OF_ANOTHER_PAPER)
    item, with_abstract = ABSTRACTS_IN_THE_LIST_OF_PAPERS
    paper_list = (default_theme() / "paper_list.html").read_text(encoding="utf-8")
    assert item in paper_list, "the default list of papers changed: update the test"
    state.templates["paper_list.html"] = paper_list.replace(item, with_abstract)
    state.save()
    # Not the template edits, which would take the two pages back to the default theme's.
    others = [edit for edit in edit_sequence(rng, False) if edit is not change_template]
    edits = [e for edit in others for e in (edit, change_text)]
    name = "seed 5, lists that show long texts" + (", resident" if resident else "")
    kept_keys = check_kept_keys(monkeypatch) if resident else None
    log = check_edits(state, tmp_path, rng, edits, False, name, Resident() if resident else None)
    assert kept_keys is None or kept_keys["files"] > 0, kept_keys
    assert any(entry.startswith("change the abstract") for entry in log), log
    assert any(entry.startswith("change the summary") for entry in log), log


ABSTRACTS_IN_THE_LIST_OF_PAPERS = (
    "{{ m.paper_item(paper) }}",
    "{{ m.paper_item(paper) }}{% if paper.abstract %}{{ m.bi(paper.abstract) }}{% endif %}",
)


def check_edits(
    state: SiteState,
    tmp_path: Path,
    rng: random.Random,
    edits: list[Edit],
    search: bool,
    name: str,
    resident: Resident | None = None,
) -> list[str]:
    """Build ``state``, then after each of ``edits``: the output is a cold build's, and only
    files whose bytes changed were written. Returns the log of the edits."""
    out = tmp_path / "out"
    cold = ColdBuilds(tmp_path / "cold")
    log = [f"{name}: the initial site: {sorted(state.digests)}"]
    report = build(state.root, out, search=search, resident=resident)
    assert_like_cold(report, snapshot(out), cold.build(state.root, search=search), log)
    for edit in edits:
        log.append(edit(state, rng))
        state.save()
        before = snapshot(out), stats(out)
        out_inode = out.stat().st_ino
        report = build(state.root, out, search=search, resident=resident)
        assert_writes_only_changes(report, before, out, log)
        assert recorded_output_matches(state.root, out), f"{log}: a build now would not know it"
        if edit is touch:
            assert report.written == [], log
            assert stats(out) == before[1], "a build with nothing to do touched the output"
            assert out.stat().st_ino == out_inode, "a build with nothing to do replaced the output"
        assert_like_cold(report, snapshot(out), cold.build(state.root, search=search), log)
    return log


def recorded_output_matches(source: Path, out: Path) -> bool:
    """Whether the last build's record of ``out`` (its files' and folders' stats) is what
    ``out`` now is: if not, the next build, even with no input changed, would do the work of
    one that has (``build.LastBuild``)."""
    last = LastBuild.recall(BuildCache.for_site(source), str(out.resolve()))
    return last is not None and last.output.match(out)


def test_every_edit_changes_an_input_but_touch(tmp_path: Path) -> None:
    """The property test's edits do what they say: each but ``touch`` changes a file."""
    rng = random.Random(0)
    state = initial_site(tmp_path / "site", rng)
    for edit in dict.fromkeys(EDITS):
        before = {path: path.read_bytes() for path in state.root.rglob("*") if path.is_file()}
        edit(state, rng)
        state.save()
        after = {path: path.read_bytes() for path in state.root.rglob("*") if path.is_file()}
        assert (after == before) == (edit is touch), edit.__name__


# --- the output folder and the cache are not trusted blindly --------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> SiteState:
    """A random site of four digests, written under tmp_path/site."""
    return initial_site(tmp_path / "site", random.Random(7))


def some_paper_page(out: Path) -> Path:
    return sorted(out.glob("papers/*/index.html"))[0]


def append_to_a_paper_page(out: Path) -> None:
    with some_paper_page(out).open("a", encoding="utf-8") as page:
        page.write("<!-- edited by hand -->")


def edit_a_paper_page_and_put_back_its_time(out: Path) -> None:
    """An edit in place that keeps the page's size, inode and time (``touch -r``, ``cp -p``
    over it, some editors and sync tools): only its change time (ctime) moves."""
    page = some_paper_page(out)
    status = page.stat()
    page.write_bytes(page.read_bytes().replace(b"<body", b"<BODY", 1))
    os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (page.stat().st_ino, page.stat().st_size) == (status.st_ino, status.st_size)


TAMPERINGS: dict[str, Callable[[Path], None]] = {
    "edit the home page": lambda out: (out / "index.html").write_text("hacked", encoding="utf-8"),
    "append to a paper page": append_to_a_paper_page,
    "edit a paper page, its size and time put back": edit_a_paper_page_and_put_back_its_time,
    "delete a paper page": lambda out: some_paper_page(out).unlink(),
    "add a stray file": lambda out: (out / "papers" / "stray.html").write_text("x"),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_a_changed_output_is_repaired(site: SiteState, tmp_path: Path, tampering: str) -> None:
    out = tmp_path / "out"
    build(site.root, out, search=False)
    cold = snapshot(out)  # the first build into out is a cold one
    TAMPERINGS[tampering](out)

    report = build(site.root, out, search=False)

    assert not differences(snapshot(out), cold), differences(snapshot(out), cold)
    assert report.pages == len(cold) - 1


def test_a_changed_output_is_repaired_when_other_inputs_change(
    site: SiteState, tmp_path: Path
) -> None:
    """A page whose inputs did not change is still not carried over once changed by hand."""
    out = tmp_path / "out"
    build(site.root, out, search=False)
    page = some_paper_page(out)
    page.write_bytes(page.read_bytes().replace(b"<body", b"<body data-hacked"))
    site.config["tags"].append("unused-tag")  # changes no page: only the incremental path runs
    path = sorted(site.digests)[-1]
    site.digests[path]["title"] = {"ko": "새 제목", "en": "A new title"}
    site.save()

    report = build(site.root, out, search=False)

    cold = ColdBuilds(tmp_path / "cold").build(site.root, search=False)
    assert_like_cold(report, snapshot(out), cold, [f"hand-edit {page}", f"retitle {path}"])


@pytest.mark.parametrize("resident", [False, True])
def test_a_page_edited_by_hand_with_its_time_put_back_is_made_again_by_a_build_with_work(
    site: SiteState, tmp_path: Path, resident: bool
) -> None:
    """The survey of a build with work to do (``write.survey_output``) knows a page edited in
    place with its size and time put back, by its change time, as the check of a build with
    nothing to do does; and the files a build writes or keeps (linked, swapped in) are
    recorded as they are once in place, so that the next build with nothing to do does
    nothing."""
    kept = Resident() if resident else None
    out = tmp_path / "out"
    build(site.root, out, search=False, resident=kept)
    edit_a_paper_page_and_put_back_its_time(out)
    if kept is not None:
        survey_ahead(out, kept)  # as ``papersite serve`` does while nothing changes
    site.config["tags"].append("unused-tag")  # changes no page: only the incremental path runs
    site.save()

    report = build(site.root, out, search=False, resident=kept)

    cold = ColdBuilds(tmp_path / "cold").build(site.root, search=False)
    assert_like_cold(report, snapshot(out), cold, ["hand-edit a page, time put back", "a tag"])
    override_template(site, "base.html")  # every page written: the output swapped in
    site.save()
    build(site.root, out, search=False, resident=kept)
    assert recorded_output_matches(site.root, out)
    assert build(site.root, out, search=False, resident=kept).written == []


def corrupt_cache(root: Path) -> None:
    pickles = sorted((root / ".papersite-cache" / "build").glob("*.pickle"))
    assert pickles, "the build wrote no cache"
    for path in pickles:
        path.write_bytes(b"not a pickle \x00\xff")


def delete_cache(root: Path) -> None:
    shutil.rmtree(root / ".papersite-cache")


def block_cache(root: Path) -> None:
    """A file where the cache's folder goes: a cache that can be neither read nor written, as
    one on a read-only disk."""
    cache = root / ".papersite-cache"
    if cache.is_dir():
        shutil.rmtree(cache)
    cache.write_bytes(b"not a folder")


def record_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages the builds render from now on, in this process."""
    rendered: list[str] = []

    def recorded(render: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def recording(env: Any, job: Any) -> Any:
            rendered.append(job.path)
            return render(env, job)

        return recording

    # A page rendered whole, or streamed as it is written (the sitemap).
    monkeypatch.setattr(pipeline, "render_job", recorded(pipeline.render_job))
    monkeypatch.setattr(pipeline, "render_chunks", recorded(pipeline.render_chunks))
    monkeypatch.setattr(pipeline, "workers_for", lambda count: 1)  # seen in this process
    return rendered


@pytest.mark.parametrize("resident", [False, True])
def test_feeds_and_the_sitemap_are_rendered_only_when_what_they_show_changed(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resident: bool
) -> None:
    """A feed shows its digests' titles and their papers' titles: it is rendered again when a
    title in a digest it carries changed (or in one sharing a paper with it, whose file may give
    that paper's title), not for another digest, and not for an edited summary, which it does
    not show. The sitemap is rendered when the list of pages changed, not for an edited text.
    With ``resident``, in one process: a feed made from the same digest views is the very feed
    of the last build, whose pages are carried over without being planned unless the listing of
    a file it is made from changed (not for an edited summary, which it does not show)."""
    rendered = record_renders(monkeypatch)
    planned = record_planned(monkeypatch)
    kept = Resident() if resident else None
    digests = [site.digests[path] for path in sorted(site.digests)]
    for number, digest in enumerate(digests):
        digest["title"] = {"ko": f"다이제스트 {number}번", "en": f"Digest number {number}."}
    site.save()
    out = tmp_path / "out"
    build(site.root, out, search=False, resident=kept)
    every_feed = {page for page in rendered if page.endswith("feed.xml")}
    edited = digests[0]
    touched = [number for number, digest in enumerate(digests)
               if digest is edited or identities(digest) & identities(edited)]  # fmt: skip
    titles = {feed: " ".join(entry_titles(out / feed)) for feed in every_feed}
    expected = {feed for feed in every_feed for n in touched  # a feed in Korean, or in English
                if f"다이제스트 {n}번" in titles[feed] or f"Digest number {n}." in titles[feed]}  # fmt: skip
    assert expected and expected != every_feed, "the test needs a feed of each kind"
    showing_edited = {feed for feed in every_feed if "다이제스트 0번" in titles[feed]
                      or "Digest number 0." in titles[feed]}  # fmt: skip
    assert showing_edited != expected, "the test needs a digest sharing a paper with another"
    rendered.clear()

    edited["papers"][0]["summary"] = {"ko": "바뀐 요약입니다.\n", "en": "An edited summary.\n"}
    site.save()
    planned.clear()
    build(site.root, out, search=False, resident=kept)

    assert {page for page in rendered if page.endswith("feed.xml")} == set()
    assert "sitemap.xml" not in rendered
    # Resident: a feed showing the edited digest is made again, with its view; one showing a
    # digest that shares the paper is kept, as it shows no summary (its key is on listings).
    assert {page for page in planned if page.endswith("feed.xml")} == (
        showing_edited if resident else every_feed
    )
    rendered.clear()

    edited["papers"][0]["title"]["ko"] = "바뀐 제목"  # the English title names the paper: kept
    site.save()
    planned.clear()
    report = build(site.root, out, search=False, resident=kept)

    assert {page for page in rendered if page.endswith("feed.xml")} == expected
    assert "sitemap.xml" not in rendered
    assert {page for page in planned if page.endswith("feed.xml")} == (
        expected if resident else every_feed
    )
    cold = ColdBuilds(tmp_path / "cold")
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), ["a title"])
    rendered.clear()

    site.config["title"] = {"ko": "새 사이트", "en": "A renamed site"}  # shared by every page
    site.save()
    planned.clear()
    report = build(site.root, out, search=False, resident=kept)
    assert "sitemap.xml" in rendered
    assert {page for page in rendered if page.endswith("feed.xml")} == every_feed
    assert {page for page in planned if page.endswith("feed.xml")} == every_feed
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), ["site title"])


def record_planned(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The paths of the pages the builds plan from now on (``render.plan_site``): not those
    carried over without being planned."""
    planned: set[str] = set()

    def recording(*args: Any, **kwargs: Any) -> list[render.PageJob]:
        jobs: list[render.PageJob] = plan(*args, **kwargs)
        planned.update(job.path for job in jobs)
        return jobs

    plan = pipeline.plan_site
    monkeypatch.setattr(pipeline, "plan_site", recording)
    return planned


def pages_rendered_by(
    site: SiteState,
    out: Path,
    cold: ColdBuilds,
    rendered: list[str],
    log: str,
    change: Callable[[], None],
) -> set[str]:
    """Make ``change`` to ``site`` and build it into ``out``: the pages this build rendered
    (``record_renders``), its output checked against a cold build's."""
    change()
    site.save()
    rendered.clear()
    report = build(site.root, out, search=False)
    pages = set(rendered)  # not the cold build's
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), [log])
    return pages


AN_ABSTRACT_OF_ANOTHER_PAPER = (
    "{% block main %}",
    "{% block main %}{% set first = site.papers[0] %}"
    "{% if first.abstract %}{{ m.bi(first.abstract) }}{% endif %}",
)
"""The abstract of the site's first paper on every tag page: a text read from outside the
page's subject, whose files can change without the page's own (``KeptKeys``)."""

SUMMARIES_IN_TAG_PAGES = (
    "{{ m.paper_item(paper) }}",
    "{{ m.paper_item(paper) }}{% for digest, entry in paper.appearances %}"
    "{% if entry.summary %}{{ m.bi(entry.summary) }}{% endif %}{% endfor %}",
)


PAPER_PAGE = re.compile(r"(?:[a-z]{2}/)?papers/[^/]+/index\.html")
"""The path of a paper's page, in any edition."""


def test_a_page_is_rendered_for_an_edited_summary_only_if_it_shows_summaries(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default theme's tag pages and lists show a paper's title, not its summary: an edited
    summary renders its paper's and digest's pages again, and not them, nor the pages of the
    other papers of its digest (a page that read a paper's texts is keyed on what the files
    say of that paper: ``incremental.paper_hashes``). A theme whose tag page
    shows summaries has that page rendered again, as the page records that it read one; and an
    edited title renders the default tag pages again. Every output is a cold build's."""
    rendered = record_renders(monkeypatch)
    out = tmp_path / "out"
    cold = ColdBuilds(tmp_path / "cold")
    paper = next(p for _, p in site.papers() if p["tags"] and "arxiv" in p)
    editions = ("", "en/", "ko/")
    tag_pages = {f"{edition}tags/{tag}/index.html" for tag in paper["tags"] for edition in editions}
    lists = {f"{edition}{page}" for page in ("papers/index.html", "archive/index.html")
             for edition in editions}  # fmt: skip
    build(site.root, out, search=False)

    edit = functools.partial(pages_rendered_by, site, out, cold, rendered)

    def summary(words: str) -> None:
        paper["summary"] = {"ko": f"{words} 요약.\n", "en": f"A {words} summary.\n"}

    pages = edit("edit a summary", lambda: summary("first"))
    paper_pages = {page for page in pages if PAPER_PAGE.fullmatch(page)}
    assert paper_pages == {f"{edition}papers/{paper['arxiv']}/index.html" for edition in editions}
    assert not pages & (tag_pages | lists)

    old, new = SUMMARIES_IN_TAG_PAGES
    theme_tag_page = (default_theme() / "tag.html").read_text(encoding="utf-8")
    assert old in theme_tag_page, "the default tag page changed: update SUMMARIES_IN_TAG_PAGES"
    edit(
        "tag pages show summaries",
        lambda: site.templates.update({"tag.html": theme_tag_page.replace(old, new)}),
    )
    pages = edit("edit the summary again", lambda: summary("second"))
    assert tag_pages <= pages
    assert not pages & lists

    edit("the default tag pages", lambda: site.templates.pop("tag.html"))
    pages = edit("edit the title", lambda: paper["title"].update(en="A retitled paper"))
    assert tag_pages | lists <= pages


def test_the_home_page_is_rendered_again_only_for_the_texts_it_shows(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home page lists every digest, and of their long texts shows only the newest
    digest's overview: an older digest's overview or summary edited does not render it again,
    the newest digest's overview does (so does anything else in that digest's file: texts
    are keyed by the files they come from). Every output is a cold build's."""
    rendered = record_renders(monkeypatch)
    out, cold = tmp_path / "out", ColdBuilds(tmp_path / "cold")
    homes = {"index.html", "en/index.html", "ko/index.html"}
    build(site.root, out, search=False)
    newest_first = json.loads((out / "data" / "digests.json").read_bytes())["digests"]
    newest, oldest = site.digests[newest_first[0]["file"]], site.digests[newest_first[-1]["file"]]
    oldest_page = newest_first[-1]["id"] + "/index.html"

    edit = functools.partial(pages_rendered_by, site, out, cold, rendered)

    pages = edit("the oldest overview", lambda: oldest.update(overview=bilingual(random.Random(1))))
    assert oldest_page in pages and not pages & homes
    summary = bilingual(random.Random(2))
    pages = edit("an old summary", lambda: oldest["papers"][0].update(summary=summary))
    assert oldest_page in pages and not pages & homes
    pages = edit("the newest overview", lambda: newest.update(overview=bilingual(random.Random(3))))
    assert homes <= pages


def test_feeds_made_from_summaries_are_rendered_for_an_edited_summary(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feed entries are made before any page renders; were they made from summaries, feeds
    would be keyed on them (``Feed.texts``), and an edited summary would show."""
    make_entry = feeds._entry

    def with_summaries(view: Any, edition: Any, digest: Any) -> Any:
        entry = make_entry(view, edition, digest)
        summaries = " ".join(str(e.summary.plain) for e in digest.entries if e.summary)
        return dataclasses.replace(entry, summary_html=entry.summary_html + summaries)

    monkeypatch.setattr(feeds, "_entry", with_summaries)
    out, cold = tmp_path / "out", ColdBuilds(tmp_path / "cold")
    build(site.root, out, search=False)
    paper = site.digests[sorted(site.digests)[0]]["papers"][0]
    paper["summary"] = {"ko": "피드에 보이는 요약.\n", "en": "A summary the feeds show.\n"}
    site.save()

    report = build(site.root, out, search=False)

    assert any("A summary the feeds show." in (out / p).read_text() for p in report.written
               if p.endswith("feed.xml"))  # fmt: skip
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), ["summary"])


ATOM = "{http://www.w3.org/2005/Atom}"


def entry_titles(feed: Path) -> list[str]:
    root = ElementTree.fromstring(feed.read_bytes())
    return [entry.findtext(f"{ATOM}title") or "" for entry in root.iter(f"{ATOM}entry")]


@pytest.mark.parametrize("spoil", [delete_cache, corrupt_cache, block_cache])
def test_the_cache_is_safe_to_lose(
    site: SiteState, tmp_path: Path, spoil: Callable[[Path], None]
) -> None:
    out = tmp_path / "out"
    cold = ColdBuilds(tmp_path / "cold")
    build(site.root, out, search=False)
    first = snapshot(out)
    spoil(site.root)

    report = build(site.root, out, search=False)  # no input changed, but nothing to go by
    assert not differences(snapshot(out), first), differences(snapshot(out), first)
    assert report.pages == len(first) - 1

    rng = random.Random(8)
    log = [change_text(site, rng), add_paper(site, rng)]
    site.save()
    spoil(site.root)
    report = build(site.root, out, search=False)
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), log)


@pytest.mark.parametrize("name", ["paper.html", "macros.html"])
def test_a_new_override_in_the_templates_folder_is_used(
    site: SiteState, tmp_path: Path, name: str
) -> None:
    """A template the site starts overriding is used from then on, also when the site already
    had a templates/ folder (here with its own style.css)."""
    out = tmp_path / "out"
    override_template(site, "assets/style.css")
    site.save()
    build(site.root, out, search=False)
    override_template(site, name)
    site.save()

    report = build(site.root, out, search=False)

    cold = ColdBuilds(tmp_path / "cold").build(site.root, search=False)
    assert_like_cold(report, snapshot(out), cold, [f"override templates/{name}"])


def test_a_template_edited_in_place_is_used_by_the_next_build_in_the_same_process(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Templates are compiled once per process (``papersite serve`` builds many times) and
    not looked at again during a build: an edit, even one that keeps the file's size, is
    seen by the next build."""
    monkeypatch.setattr(pipeline, "workers_for", lambda count: 1)  # compiled in this process
    out = tmp_path / "out"
    template = site.root / "templates" / "robots.txt"
    template.parent.mkdir()
    template.write_text("User-agent: *\nAllow: /\n# AAAA\n", encoding="utf-8")
    build(site.root, out, search=False)
    assert (out / "robots.txt").read_text(encoding="utf-8").endswith("# AAAA\n")

    template.write_text("User-agent: *\nAllow: /\n# BBBB\n", encoding="utf-8")  # same size
    build(site.root, out, search=False)

    assert (out / "robots.txt").read_text(encoding="utf-8").endswith("# BBBB\n")


def test_a_new_process_compiles_only_the_templates_it_has_not_compiled_before(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiled theme is kept in the site's cache folder: a build in a new process loads it
    rather than compile it again, compiles again a template whose source changed and one whose
    compiled file is spoiled or cannot be kept, and makes a cold build's pages every time."""
    monkeypatch.setattr(pipeline, "workers_for", lambda count: 1)  # compiled in this process
    loaded: set[str] = set()
    compiled: set[str] = set()
    load, compile_template = jinja2.loaders.BaseLoader.load, jinja2.Environment.compile

    def loading(loader: jinja2.BaseLoader, env: jinja2.Environment, name: str, *args: Any) -> Any:
        loaded.add(name)
        return load(loader, env, name, *args)

    def compiling(env: jinja2.Environment, source: Any, name: str, *args: Any) -> Any:
        compiled.add(name)
        return compile_template(env, source, name, *args)

    monkeypatch.setattr(jinja2.loaders.BaseLoader, "load", loading)
    monkeypatch.setattr(jinja2.Environment, "compile", compiling)
    out = tmp_path / "out"
    cold = ColdBuilds(tmp_path / "cold")
    rng = random.Random(11)
    folder = site.root / COMPILED_DIR

    def build_in_a_new_process(log: list[str]) -> tuple[set[str], set[str]]:
        """The templates the build loaded, and those of them it compiled."""
        site.save()
        render._environment.cache_clear()  # what a new process starts without
        loaded.clear()
        compiled.clear()
        report = build(site.root, out, search=False)
        used = (set(loaded), set(compiled))  # before the cold build compiles its own
        assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), log)
        assert used[0], "the build loaded no template"
        return used

    used, first = build_in_a_new_process([override_template(site, "paper.html")])
    assert first == used and {"paper.html", "base.html"} <= first, first
    assert len(list(folder.iterdir())) == len(first)

    assert build_in_a_new_process([change_text(site, rng)])[1] == set()
    assert build_in_a_new_process([override_template(site, "paper.html")])[1] == {"paper.html"}

    spoiled = b"j2 spoiled \x00\xff"
    for path in folder.iterdir():
        path.write_bytes(spoiled)
    used, again = build_in_a_new_process([change_text(site, rng)])
    assert again == used
    # Each compiled again is kept again, in place of its spoiled file.
    left = [path for path in folder.iterdir() if path.read_bytes() == spoiled]
    assert len(left) == len(first) - len(used), len(left)

    shutil.rmtree(folder)
    folder.write_text("not a folder", encoding="utf-8")  # nothing can be kept: only slower
    for _ in range(2):
        used, again = build_in_a_new_process([change_text(site, rng)])
        assert again == used


def test_an_edit_in_a_linked_assets_folder_is_seen_by_the_next_build(
    site: SiteState, tmp_path: Path
) -> None:
    """``templates/assets`` may be a link to a folder elsewhere: its files are copied, so an
    edit of one is an input as any theme file's."""
    shared = tmp_path / "shared-assets"
    shared.mkdir()
    (shared / "extra.css").write_text(".a { color: red; }\n", encoding="utf-8")
    (site.root / "templates").mkdir(exist_ok=True)
    (site.root / "templates" / "assets").symlink_to(shared, target_is_directory=True)
    out = tmp_path / "out"
    build(site.root, out, search=False)
    assert (out / "assets" / "extra.css").read_text(encoding="utf-8") == ".a { color: red; }\n"

    (shared / "extra.css").write_text(".a { color: blue; }\n", encoding="utf-8")
    report = build(site.root, out, search=False)

    assert (out / "assets" / "extra.css").read_text(encoding="utf-8") == ".a { color: blue; }\n"
    assert_like_cold(
        report,
        snapshot(out),
        ColdBuilds(tmp_path / "cold").build(site.root, search=False),
        ["edit templates/assets/extra.css through the link"],
    )


def test_an_edit_of_a_template_in_a_linked_folder_of_templates_is_seen_by_the_next_build(
    site: SiteState, tmp_path: Path
) -> None:
    """A sub-folder of ``templates/`` may be a link to a folder elsewhere (shared partials):
    Jinja reads through it, so its templates are inputs as any theme file is."""
    shared = tmp_path / "shared-partials"
    shared.mkdir()
    (shared / "note.html").write_text("<p>note one</p>\n", encoding="utf-8")
    templates = site.root / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "partials").symlink_to(shared, target_is_directory=True)
    theme_tag = (Path(__file__).parent.parent / "templates" / "tag.html").read_text("utf-8")
    include = '{% block main %}{% include "partials/note.html" %}'
    (templates / "tag.html").write_text(theme_tag.replace("{% block main %}", include), "utf-8")
    out = tmp_path / "out"
    build(site.root, out, search=False)
    tag_pages = sorted(out.glob("tags/*/index.html"))
    assert tag_pages and all("note one" in page.read_text("utf-8") for page in tag_pages)

    (shared / "note.html").write_text("<p>note two</p>\n", encoding="utf-8")
    report = build(site.root, out, search=False)

    assert all("note two" in page.read_text("utf-8") for page in tag_pages)
    assert_like_cold(
        report,
        snapshot(out),
        ColdBuilds(tmp_path / "cold").build(site.root, search=False),
        ["edit templates/partials/note.html through the link"],
    )


def test_changing_the_build_options_rebuilds(site: SiteState, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cold = ColdBuilds(tmp_path / "cold")
    runs: list[dict[str, Any]] = [
        {"search": False},
        {"search": False, "base_url": "https://other.test/sub/"},
        {"search": False, "origin": ORIGIN},
        {"search": False},
    ]
    for options in runs:
        report = build(site.root, out, **options)
        assert_like_cold(report, snapshot(out), cold.build(site.root, **options), [str(options)])


def test_each_output_folder_keeps_its_own_record(site: SiteState, tmp_path: Path) -> None:
    """Building into a second folder does not make the next build into the first start over."""
    first, second = tmp_path / "first", tmp_path / "second"
    build(site.root, first, search=False)
    build(site.root, second, search=False)

    assert build(site.root, first, search=False).written == []
    assert build(site.root, second, search=False).written == []


# --- papersite serve ------------------------------------------------------------------------------


def test_serve_rebuilds_give_the_build_output(site: SiteState, tmp_path: Path) -> None:
    """``LiveSite.rebuild`` (``papersite serve``) writes what a cold build with the same origin
    writes, search index and marker included, after each edit: a server runs for long, so this
    is the incremental build in one process, as ``papersite serve`` runs it."""
    live = LiveSite(site.root, tmp_path / "served")
    live.origin = ORIGIN
    cold = ColdBuilds(tmp_path / "cold")
    rng = random.Random(9)
    log = ["serve the initial site"]
    edits: list[Edit | None] = [
        None,
        move_paper,
        lambda state, _: override_template(state, "assets/style.css"),
        lambda state, _: override_template(state, "paper.html"),
        change_config,
    ]
    for edit in edits:
        if edit is not None:
            log.append(edit(site, rng))
            site.save()
        result = live.rebuild()
        assert result.ok, result.problems
        _, expected = cold.build(site.root, origin=ORIGIN)
        diff = differences(snapshot(live.out), expected)
        assert not diff, f"after {log}, the served folder is not a build's output:\n{diff}"


def record_views(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The digest files the builds view (``context._digest_view``) from now on."""
    viewed: list[str] = []
    view = context._digest_view

    def recording(texts: Any, sourced: Any, papers: Any) -> Any:
        viewed.append(sourced.path)
        return view(texts, sourced, papers)

    monkeypatch.setattr(context, "_digest_view", recording)
    return viewed


def test_a_resident_build_views_again_only_the_edited_digest(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Builds in one process with a ``Resident`` view again only the digests whose file
    changed, and their output (and list of texts to review) is a cold build's; a digest file
    that fails validation is not kept, and the file fixed is viewed again."""
    for data in site.digests.values():  # every text machine-written, to be reviewed
        data["provenance"] = {"default": {"ko": "machine", "en": "machine"}}
    site.save()
    resident, out, cold = Resident(), tmp_path / "out", ColdBuilds(tmp_path / "cold")
    viewed = record_views(monkeypatch)
    build(site.root, out, search=False, resident=resident)
    assert sorted(viewed) == sorted(site.digests)
    viewed.clear()
    before = site.files()
    log = [add_paper(site, random.Random(1))]
    [edited] = [path for path, content in site.files().items() if before.get(path) != content]
    site.save()
    report = build(site.root, out, search=False, resident=resident)
    assert viewed == [edited], log
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), log)
    viewed.clear()
    site.digests[edited]["papers"][0]["links"] = [{"kind": "code", "url": "javascript:alert(1)"}]
    site.save()
    with pytest.raises(ContentError):
        build(site.root, out, search=False, resident=resident)
    del site.digests[edited]["papers"][0]["links"]
    site.save()
    report = build(site.root, out, search=False, resident=resident)
    assert viewed == [edited]
    log.append("a bad link in the same digest, then none")
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), log)


def test_a_resident_build_keys_again_a_page_whose_read_text_comes_from_a_new_file(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paper pages that show the first paper's abstract (``AN_ABSTRACT_OF_ANOTHER_PAPER``), a
    text from outside their subject: when that paper is picked again in a new, newer digest
    with another abstract, the kept key of a page whose own files did not change is not taken
    (``KeptKeys``), and the page shows the new abstract, as a cold build does."""
    kept_keys = check_kept_keys(monkeypatch)
    paper_page = (default_theme() / "paper.html").read_text(encoding="utf-8")
    site.templates["paper.html"] = paper_page.replace(*AN_ABSTRACT_OF_ANOTHER_PAPER)
    site.save()
    resident, out, cold = Resident(), tmp_path / "out", ColdBuilds(tmp_path / "cold")
    build(site.root, out, search=False, resident=resident)
    extend_vocabulary(site, random.Random(1))  # every key worked out by this process, kept
    site.save()
    build(site.root, out, search=False, resident=resident)
    first = next(iter(resident.papers.values()))
    digest, place = first.view.appearances[0][0].path, first.places[0]
    picked = copy.deepcopy(site.digests[digest]["papers"][place])
    picked.update(abstract={"ko": "다른 초록", "en": "Another abstract"}, tags=[])
    picked.pop("award", None)
    start = FIRST_MONDAY + dt.timedelta(weeks=60)  # newer than every digest: its abstract shows
    site.digests[f"digests/weekly/{start.isoformat()}.yaml"] = {
        "kind": "weekly",
        "period": {"start": start, "end": start + dt.timedelta(6)},
        "title": {"ko": "새 다이제스트", "en": "A new digest"},
        "papers": [picked],
    }
    site.save()
    # A paper whose page is made from files that do not change: none of its digests holds a
    # paper of the first paper's digests.
    first_digests = {d.url for d in first.digests}
    related = {
        d.url
        for kept in resident.papers.values()
        if {d.url for d in kept.digests} & first_digests
        for d in kept.digests
    }
    apart = [
        kept.view
        for kept in resident.papers.values()
        if not {d.url for d in kept.digests} & related
    ]
    assert apart, "the site has no paper apart from the first paper's digests: pick another seed"
    build(site.root, out, search=False, resident=resident)
    for paper in apart:
        assert b"Another abstract" in (out / paper.url / "index.html").read_bytes(), paper.url
    assert not differences(snapshot(out), cold.build(site.root, search=False)[1])
    assert kept_keys["files"] + kept_keys["carried"] > 0, kept_keys


def test_a_resident_build_takes_the_survey_made_ahead_and_repairs_hand_edits(
    site: SiteState, tmp_path: Path
) -> None:
    """``survey_ahead`` asks once how the last build's output is; the next build takes that:
    a page changed by hand before it is written again then, one changed after it by the build
    after (as when a build asks itself, for a page changed once it has asked)."""
    resident, out, cold = Resident(), tmp_path / "out", ColdBuilds(tmp_path / "cold")
    rng = random.Random(3)
    build(site.root, out, search=False, resident=resident)
    pages = sorted(out.glob("papers/*/index.html"))
    first, last = pages[0], pages[-1]
    first.write_bytes(first.read_bytes() + b"<!-- edited by hand -->")
    assert survey_ahead(out, resident) and not survey_ahead(out, resident), "asked once"
    last.write_bytes(last.read_bytes() + b"<!-- edited by hand -->")
    change_text(site, rng)
    site.save()
    build(site.root, out, search=False, resident=resident)
    assert b"edited by hand" not in first.read_bytes()
    change_text(site, rng)
    site.save()
    build(site.root, out, search=False, resident=resident)
    assert not differences(snapshot(out), cold.build(site.root, search=False)[1])


def test_a_resident_build_writes_again_a_page_changed_by_hand_that_it_would_carry_over(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page whose subject's pages a resident rebuild carries over, none of their inputs having
    changed, is written again all the same if it was changed by hand since the last build (the
    subject is then planned as any other)."""
    check_kept_keys(monkeypatch)
    resident, out, cold = Resident(), tmp_path / "out", ColdBuilds(tmp_path / "cold")
    build(site.root, out, search=False, resident=resident)
    change_text(site, random.Random(3))
    site.save()
    build(site.root, out, search=False, resident=resident)  # every key worked out here, kept
    edited = max(site.digests)  # the newest weekly digest
    planned = record_planned(monkeypatch)
    site.digests[edited]["overview"] = {"ko": "바뀐 개요입니다.\n", "en": "An edited overview.\n"}
    site.save()
    build(site.root, out, search=False, resident=resident)
    # Carried over by the last build, and by the next one, whose edit is of the same file.
    carried = sorted(
        path for path in snapshot(out) if path.endswith(".html") and path not in planned
    )
    assert carried, "the rebuild carried no page over"
    page = out / carried[0]
    page.write_bytes(page.read_bytes() + b"<!-- edited by hand -->")
    site.digests[edited]["overview"] = {"ko": "또 바뀐 개요.\n", "en": "Edited again.\n"}
    site.save()
    planned.clear()
    build(site.root, out, search=False, resident=resident)
    assert carried[0] in planned
    assert b"edited by hand" not in page.read_bytes()
    assert not differences(snapshot(out), cold.build(site.root, search=False)[1])


def test_a_resident_build_views_again_a_digest_whose_records_changed(
    site: SiteState, tmp_path: Path
) -> None:
    """A digest entry that names no authors shows arXiv's, from the lockfile: when they
    change, the digest's view kept by a ``Resident`` is not used."""
    arxiv_id = next(p["arxiv"] for _, p in site.papers() if p.get("arxiv") in LOCKED_IDS)
    for _, paper in site.papers():
        if paper.get("arxiv") == arxiv_id:
            paper.pop("authors", None)
    site.save()
    resident, out = Resident(), tmp_path / "out"
    build(site.root, out, search=False, resident=resident)
    site.lock["papers"][arxiv_id]["arxiv"]["authors"] = ["Ada Resident"]
    site.save()
    report = build(site.root, out, search=False, resident=resident)
    paper_page = out / "papers" / arxiv_id / "index.html"
    assert "Ada Resident" in paper_page.read_text(encoding="utf-8")
    log = [f"new authors for {arxiv_id} in the lockfile"]
    cold = ColdBuilds(tmp_path / "cold").build(site.root, search=False)
    assert_like_cold(report, snapshot(out), cold, log)


def papers_of(out: Path, digest_file: str) -> list[str]:
    """The IDs of a digest's papers, as the site knows them (its ``data/digests.json``)."""
    listed = json.loads((out / "data" / "digests.json").read_text(encoding="utf-8"))
    [digest] = [d for d in listed["digests"] if d["file"] == digest_file]
    return list(digest["papers"])


def mistyped(report: BuildReport, digest_file: str) -> list[str]:
    """The warnings of a digest file's entries whose arXiv ID seems to be mistyped."""
    return [
        w.message for w in report.warnings if w.path == digest_file and "ID mistyped" in w.message
    ]


def test_a_resident_build_warns_again_for_an_edited_entry_and_not_for_the_others(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the enrich stage found for a paper (its lockfile entry, its warnings) is kept by a
    ``Resident`` only while the paper's digests and the lockfile are the same objects: a title
    edited to another paper's warns, the title put back does not, and no other paper is looked
    up again."""
    path, paper = next((p, e) for p, e in site.papers() if e.get("arxiv") in LOCKED_IDS)
    arxiv_title = site.lock["papers"][paper["arxiv"]]["arxiv"]["title"]
    paper["title"] = {"ko": "제목", "en": arxiv_title}  # arXiv's own: no warning
    site.save()
    resident, out, cold = Resident(), tmp_path / "out", ColdBuilds(tmp_path / "cold")
    warned = mistyped(build(site.root, out, search=False, resident=resident), path)
    looked_up: list[str] = []
    lockfile_entry = enrich.lockfile_entry

    def recording(site_paper: Any, lockfile: Any) -> Any:
        looked_up.append(site_paper.identity)
        return lockfile_entry(site_paper, lockfile)

    monkeypatch.setattr(enrich, "lockfile_entry", recording)
    title = paper["title"]
    paper["title"] = {"ko": "전혀 다른 논문", "en": "An Entirely Unrelated Survey of Knitting"}
    site.save()
    report = build(site.root, out, search=False, resident=resident)
    assert paper["arxiv"] in looked_up
    assert set(looked_up) <= set(papers_of(out, path)), "only the edited digest's papers"
    log = [f"the title of {paper['arxiv']} in {path} is another paper's"]
    assert len(mistyped(report, path)) == len(warned) + 1, report.warnings
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), log)
    paper["title"] = title
    site.save()
    report = build(site.root, out, search=False, resident=resident)
    log.append("the title put back")
    assert mistyped(report, path) == warned, report.warnings
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), log)


def record_data_records(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The digest files and paper IDs whose records of the data files (``dataset.py``) the
    builds make from now on."""
    made: list[str] = []
    digest_record, paper_record = dataset._digest_record, dataset._paper_record

    def digest(sourced: Any, base_url: str) -> Any:
        made.append(sourced.path)
        return digest_record(sourced, base_url)

    def paper(site_paper: Any, *rest: Any) -> Any:
        made.append(site_paper.identity)
        return paper_record(site_paper, *rest)

    monkeypatch.setattr(dataset, "_digest_record", digest)
    monkeypatch.setattr(dataset, "_paper_record", paper)
    return made


@pytest.mark.parametrize("resident", [None, Resident()], ids=["new process", "resident"])
def test_a_build_copies_the_data_records_of_what_did_not_change(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resident: Resident | None
) -> None:
    """A build makes again only the records of the data files whose digest or paper changed,
    and copies the others from the files as the last build wrote them; but not from a data
    file changed by hand since, which it makes whole again. The output is a cold build's."""
    out, cold = tmp_path / "out", ColdBuilds(tmp_path / "cold")
    build(site.root, out, search=False, resident=resident)
    made = record_data_records(monkeypatch)
    edited = sorted(site.digests)[1]
    site.digests[edited]["papers"][0]["summary"] = bilingual(random.Random(2))
    site.save()
    report = build(site.root, out, search=False, resident=resident)
    log = [f"a new summary in {edited}"]
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), log)
    assert sorted(made) == sorted([edited, *papers_of(out, edited)])
    every_paper = len(json.loads((out / "data" / "papers.json").read_bytes())["papers"])
    assert len(papers_of(out, edited)) < every_paper

    # By hand, one record of papers.json changed in place, its size unchanged.
    papers_json = out / "data" / "papers.json"
    text = papers_json.read_text(encoding="utf-8")
    first_id = text.index('"id": "', text.index('"papers": [')) + len('"id": "')
    papers_json.write_text(text[:first_id] + "X" + text[first_id + 1 :], encoding="utf-8")
    made.clear()
    site.digests[edited]["papers"][0]["summary"] = bilingual(random.Random(3))
    site.save()
    report = build(site.root, out, search=False, resident=resident)
    log += ["papers.json changed by hand", f"another summary in {edited}"]
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), log)
    assert len([m for m in made if m not in site.digests]) == every_paper


def test_a_data_file_copied_with_the_same_bytes_as_before_is_not_written_again(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A comment added to a digest file changes its hash but none of the site's bytes. The
    data files are then made again, their records copied from the last build's files but for
    that digest's: the hash of a copied span must be the hash those bytes had when written, or
    the unchanged files would be written again."""
    out = tmp_path / "out"
    build(site.root, out, search=False)
    made = record_data_records(monkeypatch)
    commented = next(path for path in sorted(site.digests) if path.endswith(".yaml"))
    with open(site.root / commented, "a", encoding="utf-8") as file:
        file.write("# a comment, which no page shows\n")
    report = build(site.root, out, search=False)
    assert sorted(made) == sorted([commented, *papers_of(out, commented)]), "the rest copied"
    assert report.written == []


def shard_files(folder: Path) -> dict[str, int]:
    """Each cache file's inode: a file replaced (rewritten) gets a new one."""
    return {path.name: path.stat().st_ino for path in sorted(folder.glob("*.pickle"))}


def test_a_new_cache_entry_rewrites_only_its_shard(tmp_path: Path) -> None:
    first = BuildCache(tmp_path)
    for number in range(200):
        first.put("markup", f"key {number}", number)
    first.save()
    before = shard_files(tmp_path)
    assert len(before) == SHARDS

    second = BuildCache(tmp_path)
    assert [second.get("markup", f"key {number}") for number in range(200)] == list(range(200))
    second.put("markup", "new key", "new")
    second.save()
    after = shard_files(tmp_path)

    rewritten = [name for name in after if after[name] != before[name]]
    assert len(rewritten) == 1, rewritten
    third = BuildCache(tmp_path)
    assert third.get("markup", "new key") == "new" and third.get("markup", "key 7") == 7


def test_cache_entries_a_build_did_not_use_are_dropped(tmp_path: Path) -> None:
    first = BuildCache(tmp_path)
    for number in range(200):
        first.put("markup", f"key {number}", number)
    first.save()

    second = BuildCache(tmp_path)
    kept = [second.get("markup", f"key {number}") for number in range(100)]
    second.save()

    third = BuildCache(tmp_path)
    assert [third.get("markup", f"key {number}") for number in range(200)] == kept + [None] * 100


def test_a_taken_entry_is_let_go_of_and_kept_in_the_cache(tmp_path: Path) -> None:
    first = BuildCache(tmp_path)
    for number in range(200):
        first.put("parsed", f"key {number}", f"value {number}")
    first.save()

    second = BuildCache(tmp_path)
    taken = [second.take("parsed", f"key {number}") for number in range(150)]
    assert taken == [f"value {number}" for number in range(150)]
    assert not second.holds("parsed", "key 7"), "no longer held in memory"
    second.put("parsed", "new key", "new")  # a shard to write, with taken entries in it
    second.save()

    third = BuildCache(tmp_path)
    stored = [third.get("parsed", f"key {number}") for number in range(200)]
    assert stored == taken + [None] * 50, "taken entries stay, unused ones are dropped"
    assert third.get("parsed", "new key") == "new"


def test_a_flushed_part_is_written_at_once_let_go_of_and_left_alone_by_save(
    tmp_path: Path,
) -> None:
    first = BuildCache(tmp_path)
    for number in range(100):
        first.put("parsed", f"key {number}", f"value {number}")
    first.put("markup", "text", "html")

    first.flush("parsed")
    written = shard_files(tmp_path)
    assert any(name.startswith("parsed-") for name in written), "written before save"
    assert not any(name.startswith("markup-") for name in written), "only the part flushed"
    first.save()

    assert {name: inode for name, inode in shard_files(tmp_path).items()
            if name.startswith("parsed-")} == written, "save did not write it again"  # fmt: skip
    second = BuildCache(tmp_path)
    assert [second.get("parsed", f"key {n}") for n in range(100)] == [
        f"value {n}" for n in range(100)
    ]
    assert second.get("markup", "text") == "html"


def test_each_record_of_the_output_part_is_a_file_read_only_when_asked_for(
    tmp_path: Path,
) -> None:
    """``cache.FILED``: each entry of the output part is pickled into a file of its own, read
    when asked for: a broken one is no entry and leaves the others readable; an entry the build
    did not store is not written again, and one no longer kept is deleted, as is one no build
    listed (a build that stopped before it saved its list)."""
    first = BuildCache(tmp_path)
    first.put("output", "a", {"record": "a"})
    first.put("output", "b", {"record": "b"})
    first.save()
    entries = {path: path.stat().st_ino for path in tmp_path.glob("output-*.pickle")}
    assert len(entries) == 2

    second = BuildCache(tmp_path)
    assert second.get("output", "a") == {"record": "a"}
    a_file, b_file = (tmp_path / f"output-{content_hash(key)}.pickle" for key in "ab")
    b_file.write_bytes(b"\x80\x05no pickle")
    assert second.get("output", "b") is None
    second.put("output", "c", {"record": "c"})
    second.keep_recent("output", 2)
    stray = tmp_path / f"output-{content_hash('z')}.pickle"
    stray.write_bytes(b"")
    second.save()

    kept = {path: path.stat().st_ino for path in tmp_path.glob("output-*.pickle")}
    assert len(kept) == 2 and b_file not in kept, "b's file deleted"
    assert not stray.exists()
    assert kept[a_file] == entries[a_file], "a's file not written again"
    third = BuildCache(tmp_path)
    assert [third.get("output", key) for key in "abc"] == [{"record": "a"}, None, {"record": "c"}]


def test_a_valid_site_whose_template_fails_keeps_its_parsed_files_cached(
    site: SiteState, tmp_path: Path
) -> None:
    """The parsed files are stored once the content is known to be valid (a content error
    stores nothing: ``test_safety``), so that the next build need not parse them again."""
    templates = site.root / "templates"
    templates.mkdir()
    (templates / "index.html").write_text("{{ no_such_value }}", encoding="utf-8")
    with pytest.raises(ContentError):
        build(site.root, tmp_path / "out", search=False)
    assert not (tmp_path / "out").exists()

    cache = BuildCache.for_site(site.root)
    hashes = [file_hash(site.root, path) for path in digest_files(site.root)]
    assert hashes and all(cache.holds("parsed", key) for key in hashes)


def test_a_rebuild_hashes_only_the_inputs_whose_stamps_changed(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As git reads only the files its index says changed, a build hashes a digest file or the
    lockfile (7 MB at 10,000 papers) only if its inode, size or time is not as the last build
    found it (or was too recent then to tell: ``fingerprint.RACY_NS``); an edit of the lockfile
    that keeps its size is seen by its time."""
    long_ago = 1_000_000_000_000_000_000  # 2001: no stamp is too recent to trust
    for path in [site.root / "arxiv.lock.json", *(site.root / p for p in digest_files(site.root))]:
        os.utime(path, ns=(long_ago, long_ago))
    out = tmp_path / "out"
    build(site.root, out, search=False)
    hashed: list[str] = []
    real_hash = fingerprint.file_hash

    def recording(root: Path, relative: str) -> str:
        hashed.append(relative)
        return real_hash(root, relative)

    monkeypatch.setattr(fingerprint, "file_hash", recording)
    assert build(site.root, out, search=False).written == []
    assert hashed == []

    arxiv_id = sorted(
        {paper.get("arxiv") for _, paper in site.papers()} & set(site.lock["papers"])
    )[0]
    record = site.lock["papers"][arxiv_id]["arxiv"]
    title = record["title"]
    record["title"] = title[:-1] + ("y" if title.endswith("x") else "x")
    size = (site.root / "arxiv.lock.json").stat().st_size
    site.save()
    assert (site.root / "arxiv.lock.json").stat().st_size == size
    report = build(site.root, out, search=False)

    assert hashed == ["arxiv.lock.json"]
    assert report.written, "the edited lockfile was not seen"


def test_an_edit_that_puts_back_the_files_size_and_time_is_seen(
    site: SiteState, tmp_path: Path
) -> None:
    """Some editors and sync tools keep a file's time (``touch -r``); its change time (ctime)
    still moves, as git's ``trustctime`` counts on."""
    long_ago = 1_000_000_000_000_000_000  # 2001: no stamp is too recent to trust
    digest = site.root / digest_files(site.root)[0]
    os.utime(digest, ns=(long_ago, long_ago))
    out = tmp_path / "out"
    build(site.root, out, search=False)
    text = digest.read_text("utf-8")
    last = text.rindex("e")  # in the last paper's texts, which end the file
    edited = text[:last] + "o" + text[last + 1 :]
    assert len(edited.encode()) == len(text.encode())
    digest.write_text(edited, "utf-8")
    os.utime(digest, ns=(long_ago, long_ago))

    report = build(site.root, out, search=False)

    assert report.written, "the edit was not seen"
    assert_like_cold(
        report,
        snapshot(out),
        ColdBuilds(tmp_path / "cold").build(site.root, search=False),
        ["edit a digest, then put its time back"],
    )


def test_an_upgraded_rendering_library_makes_what_the_cache_kept_stale(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``pip install -U markdown-it-py`` (or latex2mathml...), a rebuild with nothing else
    changed must not serve the old library's renderings and pages."""
    out = tmp_path / "out"
    build(site.root, out, search=False)
    render = markup.MarkdownRenderer._render

    def upgraded(self: markup.MarkdownRenderer, source: Any) -> markup.Rendering:
        rendering = render(self, source)
        return markup.Rendering(rendering.html + markup.Markup("<!-- v2 -->"), rendering.warnings)

    monkeypatch.setattr(markup.MarkdownRenderer, "_render", upgraded)
    stamp = cache._libraries()
    monkeypatch.setattr(cache, "_libraries", lambda: stamp.replace("markdown_it", "markdown_it v2"))
    cache._salt.cache_clear()
    try:
        report = build(site.root, out, search=False)
        cold = ColdBuilds(tmp_path / "cold").build(site.root, search=False)
    finally:
        monkeypatch.undo()
        cache._salt.cache_clear()

    assert report.written
    assert_like_cold(report, snapshot(out), cold, ["upgrade markdown-it-py"])


def test_a_resident_parses_the_lockfile_again_only_when_its_hash_changed(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``Resident`` keeps the parsed lockfile by its hash, as the build found it, not by
    its bytes (7 MB at 10,000 papers): an edited digest leaves it the same object, unread; an
    edit of the lockfile that keeps its size is parsed and shown."""
    resident, out = Resident(), tmp_path / "out"
    build(site.root, out, search=False, resident=resident)
    assert resident.lockfile is not None
    kept = resident.lockfile
    assert kept[0] == file_hash(site.root, "arxiv.lock.json")
    parsed: list[str] = []
    real_parse = lockfile.parse_lockfile

    def recording(text: str) -> Any:
        parsed.append(text)
        return real_parse(text)

    monkeypatch.setattr(lockfile, "parse_lockfile", recording)
    path, paper = site.papers()[0]
    paper["title"] = {"ko": "고친 제목", "en": "An Edited Title"}
    site.save()
    build(site.root, out, search=False, resident=resident)
    assert parsed == []
    assert resident.lockfile is kept

    arxiv_id = sorted(
        {paper.get("arxiv") for _, paper in site.papers()} & set(site.lock["papers"])
    )[0]
    record = site.lock["papers"][arxiv_id]["arxiv"]
    record["title"] = record["title"][:-1] + ("y" if record["title"].endswith("x") else "x")
    size = (site.root / "arxiv.lock.json").stat().st_size
    site.save()
    assert (site.root / "arxiv.lock.json").stat().st_size == size
    report = build(site.root, out, search=False, resident=resident)
    assert len(parsed) == 1
    assert resident.lockfile[0] == file_hash(site.root, "arxiv.lock.json") != kept[0]
    log = [f"{path}: a title edited", f"the arXiv title of {arxiv_id} edited in the lockfile"]
    cold = ColdBuilds(tmp_path / "cold").build(site.root, search=False)
    assert_like_cold(report, snapshot(out), cold, log)


def test_a_record_of_the_last_build_that_cannot_be_read_is_no_record(
    site: SiteState, tmp_path: Path
) -> None:
    """The record of the last build into a folder is pickled into a file of its own: one
    written by a papersite whose classes have changed (here, bytes that are no pickle) makes
    the next build start without a record, and its output is a cold build's."""
    out = tmp_path / "out"
    build(site.root, out, search=False)
    [record] = (site.root / CACHE_DIR).glob("output-*.pickle")
    record.write_bytes(b"\x80\x05no pickle")

    report = build(site.root, out, search=False)

    assert report.written, "built again, without the record"
    cold = ColdBuilds(tmp_path / "cold")
    assert_like_cold(report, snapshot(out), cold.build(site.root, search=False), ["no record"])


def test_the_cache_remembers_the_most_recent_output_folders(
    site: SiteState, tmp_path: Path
) -> None:
    folders = [tmp_path / f"out{number}" for number in range(OUTPUT_RECORDS + 1)]
    for folder in folders:
        build(site.root, folder, search=False)
    cache = BuildCache.for_site(site.root)

    remembered = [LastBuild.recall(cache, str(folder.resolve())) is not None for folder in folders]

    assert remembered == [False] + [True] * OUTPUT_RECORDS
    records = list((site.root / CACHE_DIR).glob("output-*.pickle"))
    assert len(records) == OUTPUT_RECORDS, "the forgotten folder's record is deleted"
    # The forgotten one is built again (every file written), the others have nothing to do.
    assert len(build(site.root, folders[-1], search=False).written) == 0
    assert len(build(site.root, folders[0], search=False).written) > 0


def test_a_resident_keeps_the_empty_lockfile_of_a_site_without_one(tmp_path: Path) -> None:
    """A site before its first ``papersite enrich`` has no lockfile: a resident keeps the same
    empty one from build to build (what it enriched is kept while the lockfile is the same
    object), until the file appears."""
    kept = lockfile.reread_lockfile(tmp_path)
    assert kept[0] == "" and not kept[1].papers
    assert lockfile.reread_lockfile(tmp_path, kept) is kept
    lockfile.write_lockfile(tmp_path, kept[1])
    written = lockfile.reread_lockfile(tmp_path, kept)
    assert written is not kept and written[0] == file_hash(tmp_path, "arxiv.lock.json")
    assert lockfile.reread_lockfile(tmp_path, written, written[0]) is written
    assert lockfile.reread_lockfile(tmp_path, written) is not written, "no hash known: read"
