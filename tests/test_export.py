"""``papersite export``: a digest as a forum post (the community's layout, Korean then English)
and as an e-mail newsletter (MIME, inline styles, table layout, absolute links)."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import lxml.html
import pytest
from bs4 import BeautifulSoup

from conftest import DAPO_RECORD, SITE_CONFIG, WEEKLY, WriteTree, lockfile_text
from papersite import build
from papersite.cli import main, make_parser
from papersite.export import ExportError, export_digest
from papersite.i18n import award_label, ui
from papersite.importers import import_post
from papersite.load import load_site
from papersite.model import Digest, text_in
from papersite.validate import validate_site

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLE_DIGESTS = ["digests/weekly/2025-03-17.yaml", "digests/conferences/neurips-2025.md"]
BASE_URL = "https://example.github.io/papers/"
# Elements a reader sees as blocks (and links), each of which must carry its own style=.
STYLED = {"body", "table", "td", "th", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul",
          "ol", "li", "blockquote", "pre", "hr", "a", "code"}  # fmt: skip

# A weekly digest with what the examples lack: missing translations, a plain-string title,
# nothing but the arXiv ID to find the authors and English abstract, a link with a label.
PARTIAL = """\
kind: weekly
period: {start: 2025-12-29, end: 2026-01-04}
title: {ko: "연말 논문", en: "Papers of the year's end"}
overview: {en: "Only in English."}
papers:
  - title: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
    arxiv: "2503.14476"
    summary: {ko: "한국어 소개만 있습니다."}
    links:
      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}
      - {kind: discussion, url: "https://x.com/omarsar0/status/1902364950821257288", label: "X [thread]"}
"""

# A conference digest whose title does not name the conference, with affiliations and links
# whose hosts do not tell their kinds (and two whose labels are what their hosts give).
CONFERENCE = """\
kind: conference
conference: {name: ICML, year: 2026}
date: 2026-07-20
title: {ko: "올해의 수상 논문", en: "Award papers"}
papers:
  - title: {ko: "게이트 어텐션", en: "Gated Attention"}
    award: oral
    affiliations: ["University of California, Berkeley", "KAIST"]
    summary: {ko: "게이트를 더합니다."}
    links:
      - {kind: blog, url: "https://example.com/post"}
      - {kind: project, url: "https://example.org/gated", label: "Project page"}
      - {kind: discussion, url: "https://x.com/someone/status/1", label: "X thread"}
      - {kind: code, url: "https://github.com/a/b", label: "a/b"}
      - {kind: other, url: "https://example.com/notes."}
"""

# A digest whose texts hold HTML, math, a relative link and an aligned table.
TRICKY = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "<b>굵게</b>", en: "<script>alert(1)</script> week"}
papers:
  - title: {ko: "<i>제목</i>", en: "A <em>title</em>"}
    summary:
      ko: |
        <img src=x onerror="alert(1)"> [같은 논문](../../papers/a-title/) 수식 $\\tau_{gen}$.
      en: |
        | left | right |
        |:--|--:|
        | 1 | 2 |
"""


def export_text(site: Path, digest: str, fmt: str = "forum", **options: str) -> str:
    return export_digest(site, digest, fmt, **options).content.decode("utf-8")


def message_of(site: Path, digest: str, **options: str) -> EmailMessage:
    content = export_digest(site, digest, "newsletter", **options).content
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def parts_of(message: EmailMessage) -> tuple[str, str]:
    """The message's (plain text, HTML) parts, decoded."""
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def digest_model(site: Path, path: str) -> Digest:
    """The digest as validated, read independently of the export."""
    return next(d.digest for d in validate_site(load_site(site)).digests if d.path == path)


def in_order(text: str, snippets: list[str]) -> None:
    """Each snippet occurs in ``text`` after the one before it."""
    position = 0
    for snippet in snippets:
        found = text.find(snippet, position)
        assert found >= 0, f"not found after position {position}: {snippet[:80]!r}"
        position = found + len(snippet)


def texts(text: dict[str, str] | None) -> list[str]:
    """A text's translations, Korean first, stripped; missing ones left out."""
    return [value.strip() for lang in ("ko", "en") if (value := text_in(text, lang))]


@pytest.fixture
def partial_site(write_tree: WriteTree) -> Path:
    """A site with PARTIAL as its only digest, and DAPO's arXiv record in its lockfile."""
    return write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-12-29.yaml": PARTIAL,
            "arxiv.lock.json": lockfile_text(DAPO_RECORD),
        }
    )


@pytest.fixture
def tricky_site(write_tree: WriteTree) -> Path:
    """A site with TRICKY as its only digest."""
    return write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": TRICKY})


# --- the forum post ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_DIGESTS)
def test_forum_post_has_every_paper_in_the_seeds_layout_and_order(
    example_site: Path, path: str
) -> None:
    post = export_text(example_site, path)
    digest = digest_model(example_site, path)

    expected = texts(digest.overview)
    for paper in digest.papers:
        award = f"[{award_label(paper.award, ['en'])['en']}] " if paper.award else ""
        heading = "\n## " + award
        expected += [heading, " / ".join(texts(paper.title)) + "\n"]
        if paper.authors:
            expected.append("\n저자: " + ", ".join(paper.authors) + "\n")
        expected += ["\n### 논문 소개\n", *texts(paper.summary)]
        expected += ["\n### 논문 초록(Abstract)\n", *texts(paper.abstract)]
        for section in paper.sections:
            ko, en = texts(section.title)
            expected += [f"\n### {ko}({en})\n", *texts(section.body)]
        expected += [link.url for link in paper.links]
    in_order(post, expected)
    assert post.count("\n## ") == len(digest.papers)
    assert ui("en")["translation_missing"] not in post


def test_forum_post_starts_with_the_seeds_title_line(example_site: Path) -> None:
    post = export_text(example_site, "digests/weekly/2025-03-17.yaml")

    assert post.splitlines()[0] == (
        "# [2025/03/17 ~ 03/23] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)"
    )
    assert post.endswith("\n") and not post.endswith("\n\n")


def test_forum_post_puts_paper_links_and_other_links_under_their_headings(
    example_site: Path,
) -> None:
    post = export_text(example_site, "digests/conferences/neurips-2025.md")

    in_order(
        post,
        [
            "### 논문 링크\n\nhttps://arxiv.org/abs/2510.22954\n",
            "### 더 읽어보기\n\n[Infinity-Chat](https://huggingface.co/datasets/liweijiang/Infinity-Chat)\n",
            "## [Best Paper] ",
        ],
    )


def test_forum_post_leaves_out_missing_translations_and_fills_in_arxiv(partial_site: Path) -> None:
    post = export_text(partial_site, "digests/weekly/2025-12-29.yaml")

    # The title is one plain string: written once, not "X / X".
    in_order(
        post,
        [
            "# [2025/12/29 ~ 2026/01/04] 연말 논문 (Papers of the year's end)\n\nOnly in English.\n",
            "\n## DAPO: An Open-Source LLM Reinforcement Learning System at Scale\n",
            "\n저자: Qiying Yu, Zheng Zhang, Ruofei Zhu\n",
            "\n### 논문 소개\n\n한국어 소개만 있습니다.\n\n### 논문 초록(Abstract)\n\n",
            DAPO_RECORD["abstract"],
            "\n### 더 읽어보기\n\nhttps://github.com/BytedTsinghua-SIA/DAPO\n\n"
            "[X \\[thread\\]](https://x.com/omarsar0/status/1902364950821257288)\n",
        ],
    )
    assert "/ DAPO" not in post
    # No paper link given: the arXiv page, where the import takes the ID back from.
    assert "\n### 논문 링크\n\nhttps://arxiv.org/abs/2503.14476\n\n### 더 읽어보기\n" in post
    for lang in ("ko", "en"):
        assert ui(lang)["translation_missing"] not in post


def test_forum_post_writes_what_the_import_reads_back(write_tree: WriteTree) -> None:
    """The title line names the conference in brackets when its title does not; affiliations
    are separated by semicolons (one may hold a comma); a link is a bare URL where its URL alone
    gives it back, else a Markdown link with its kind as title where its host does not tell it."""
    site = write_tree(
        {"papersite.yaml": SITE_CONFIG, "digests/conferences/icml-2026.yaml": CONFERENCE}
    )

    post = export_text(site, "digests/conferences/icml-2026.yaml")

    in_order(
        post,
        [
            "# [ICML 2026] 올해의 수상 논문 (Award papers)\n",
            "\n## [Oral] 게이트 어텐션 / Gated Attention\n",
            "\n소속: University of California, Berkeley; KAIST\n",
            "\n### 더 읽어보기\n\n"
            '[https://example.com/post](https://example.com/post "blog")\n\n'
            '[Project page](https://example.org/gated "project")\n\n'
            "https://x.com/someone/status/1\n\n"
            "https://github.com/a/b\n\n"
            "[https://example.com/notes.](https://example.com/notes.)\n",
        ],
    )


def test_a_site_template_replaces_the_forum_layout(minimal_site: Path) -> None:
    custom = minimal_site / "templates" / "export" / "forum.md"
    custom.parent.mkdir(parents=True)
    custom.write_text("Custom: {{ title }}\n", encoding="utf-8")

    post = export_text(minimal_site, "digests/weekly/2025-03-17.yaml")

    assert post == "Custom: [2025/03/17 ~ 03/23] 이번 주의 논문 (Papers of the week)\n"


@pytest.mark.parametrize("line_break", ["\\n", "\\r\\n", "\\u2028", "\\u2029"])
def test_a_title_holding_a_line_break_is_one_line_in_the_subject_and_the_posts_title(
    write_tree: WriteTree, line_break: str
) -> None:
    """A page shows a line break in a title as a space; an e-mail subject may not hold one (the
    export raised), and a post's title line broke in two."""
    digest = WEEKLY.replace('ko: "이번 주의 논문"', f'ko: "이번 주의{line_break}논문"')
    assert digest != WEEKLY
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": digest})
    title = "[2025/03/17 ~ 03/23] 이번 주의 논문 (Papers of the week)"

    assert message_of(site, "digests/weekly/2025-03-17.yaml")["Subject"] == title
    assert export_text(site, "digests/weekly/2025-03-17.yaml").splitlines()[0] == "# " + title


# --- the newsletter ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_DIGESTS)
def test_newsletter_is_a_utf8_multipart_alternative_message(example_site: Path, path: str) -> None:
    message = message_of(example_site, path)
    forum_title = export_text(example_site, path).splitlines()[0].removeprefix("# ")

    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in message.iter_parts())
    assert message["Subject"] == forum_title


@pytest.mark.parametrize("path", EXAMPLE_DIGESTS)
def test_newsletter_html_has_only_inline_styles_tables_and_absolute_links(
    example_site: Path, path: str
) -> None:
    _, html = parts_of(message_of(example_site, path))
    soup = BeautifulSoup(html, "html5lib")
    digest_source = (example_site / path).read_text(encoding="utf-8")

    assert soup.find_all(["style", "script", "link", "math", "img", "iframe"]) == []
    unstyled = [e.name for e in soup.find_all(STYLED) if not e.get("style", "").strip()]
    assert unstyled == []
    assert not soup.find_all(class_=True) and not soup.find_all(tabindex=True)
    tables = soup.find_all("table")
    assert tables and all(t.get("role") == "presentation" for t in tables)
    widths = [t["width"] for t in tables]
    assert "600" in widths and all(w == "100%" or int(w) <= 600 for w in widths)
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert all(h.startswith(BASE_URL) or h in digest_source for h in hrefs)


@pytest.mark.parametrize("path", EXAMPLE_DIGESTS)
def test_newsletter_links_to_the_digest_and_every_paper_page_in_both_parts(
    example_site: Path, path: str
) -> None:
    plain, html = parts_of(message_of(example_site, path))
    soup = BeautifulSoup(html, "html5lib")
    hrefs = {a["href"] for a in soup.find_all("a")}
    site = validate_site(load_site(example_site))
    sourced = next(d for d in site.digests if d.path == path)

    pages = [BASE_URL + sourced.url] + [
        f"{BASE_URL}papers/{paper.identity}/" for paper in sourced.digest.papers
    ]
    links = [link.url for paper in sourced.digest.papers for link in paper.links]
    assert set(pages + links) <= hrefs
    for url in pages + links:
        assert url in plain
    for paper in sourced.digest.papers:
        for title in texts(paper.title):
            assert title in plain
            assert soup.find(string=lambda s, t=title: s is not None and t in s) is not None


def test_newsletter_text_part_names_each_wording_once_on_a_three_language_site(
    write_tree: WriteTree,
) -> None:
    """Japanese has English words: the text part said "논문 페이지 · Paper page · Paper page" where
    the HTML part says "논문 페이지 · Paper page"."""
    config = SITE_CONFIG.replace("languages: [ko, en]", "languages: [ko, en, ja]")
    site = write_tree({"papersite.yaml": config, "digests/weekly/2025-03-17.yaml": WEEKLY})

    plain, html = parts_of(message_of(site, "digests/weekly/2025-03-17.yaml"))

    page = "https://example.org/papers/papers/2503.14476/"
    assert [line for line in plain.splitlines() if page in line] == [
        f"논문 페이지 · Paper page: {page}"
    ]
    soup = BeautifulSoup(html, "html5lib")
    shown = [a.get_text() for a in soup.find_all("a", href=page) if "Paper page" in a.get_text()]
    assert shown == ["논문 페이지 · Paper page"]


def test_newsletter_marks_each_text_with_its_language_korean_first(example_site: Path) -> None:
    _, html = parts_of(message_of(example_site, "digests/weekly/2025-03-17.yaml"))
    soup = BeautifulSoup(html, "html5lib")
    digest = digest_model(example_site, "digests/weekly/2025-03-17.yaml")

    assert soup.html is not None and soup.html["lang"] == "ko"
    cells = [heading.parent for heading in soup.find_all("h2")]  # one table cell per paper
    assert len(cells) == len(digest.papers)
    for paper, cell in zip(digest.papers, cells, strict=True):
        marked = cell.find_all(lang=True)  # in document order
        for field in (paper.title, paper.summary, paper.abstract):
            # The first words, which Markdown leaves as they are written.
            ko, en = (text.splitlines()[0][:40] for text in texts(field))
            korean = [i for i, e in enumerate(marked) if e["lang"] == "ko" and ko in e.get_text()]
            english = [i for i, e in enumerate(marked) if e["lang"] == "en" and en in e.get_text()]
            assert korean and english and korean[0] < english[0]


def test_newsletter_keeps_tex_as_source_text(example_site: Path) -> None:
    plain, html = parts_of(message_of(example_site, "digests/conferences/neurips-2025.md"))
    soup = BeautifulSoup(html, "html5lib")

    codes = [code.get_text() for code in soup.find_all("code")]
    assert "$\\tau_{gen}$" in codes
    assert "$\\tau_{gen}$" in plain


def test_newsletter_marks_missing_translations_and_uses_arxiv(partial_site: Path) -> None:
    plain, html = parts_of(message_of(partial_site, "digests/weekly/2025-12-29.yaml"))
    soup = BeautifulSoup(html, "html5lib")

    missing = soup.find_all(lang="en", string=ui("en")["translation_missing"])
    missing += soup.find_all(lang="ko", string=ui("ko")["translation_missing"])
    # The Korean overview and the English summary; the abstract's Korean part.
    assert len(missing) == 3
    assert all("italic" in element["style"] for element in missing)
    korean = soup.find(string=lambda s: s is not None and "한국어 소개만" in s)
    assert korean is not None and korean.find_parent(lang="ko") is not None
    assert DAPO_RECORD["abstract"] in soup.get_text() and DAPO_RECORD["abstract"] in plain
    assert "Qiying Yu, Zheng Zhang, Ruofei Zhu" in plain
    assert plain.count(f"({ui('en')['translation_missing']})") == 1


def test_newsletter_escapes_html_written_in_a_digest(tricky_site: Path) -> None:
    message = message_of(tricky_site, "digests/weekly/2025-03-17.yaml")
    _, html = parts_of(message)
    soup = BeautifulSoup(html, "html5lib")

    assert soup.find_all(["script", "img", "b", "i"]) == []
    assert not soup.find_all(onerror=True)
    shown = soup.get_text()
    for written in ("<b>굵게</b>", "<script>alert(1)</script> week", "<i>제목</i>", "onerror"):
        assert written in shown
    assert message["Subject"] == "[2025/03/17 ~ 03/23] <b>굵게</b> (<script>alert(1)</script> week)"


def test_newsletter_makes_relative_links_absolute_and_keeps_table_alignment(
    tricky_site: Path,
) -> None:
    _, html = parts_of(message_of(tricky_site, "digests/weekly/2025-03-17.yaml"))
    soup = BeautifulSoup(html, "html5lib")

    link = soup.find("a", string="같은 논문")
    assert link is not None and link["href"] == "https://example.org/papers/papers/a-title/"
    right = soup.find("td", string="2")
    assert right is not None
    assert "border:" in right["style"] and "text-align:right" in right["style"]
    assert soup.find("table", role="presentation") is not None  # the layout, beside the data table


def test_base_url_option_changes_every_site_link(example_site: Path) -> None:
    base = "https://papers.example.org/sub/"
    plain, html = parts_of(
        message_of(example_site, "digests/weekly/2025-03-17.yaml", base_url=base.rstrip("/"))
    )
    hrefs = [a["href"] for a in BeautifulSoup(html, "html5lib").find_all("a")]

    assert base + "weekly/2025-03-17/" in hrefs and base + "papers/2503.14476/" in hrefs
    assert not any(h.startswith(BASE_URL) for h in hrefs) and BASE_URL not in plain


def test_the_same_digest_gives_the_same_bytes(example_site: Path) -> None:
    first = export_digest(example_site, "digests/weekly/2025-03-17.yaml", "newsletter").content
    second = export_digest(example_site, "digests/weekly/2025-03-17.yaml", "newsletter").content

    assert first == second


# --- which digest --------------------------------------------------------------------------------


def test_a_digest_is_found_from_the_current_folder_or_the_site_folder(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal_site.parent)
    from_here = export_text(Path("site"), "site/digests/weekly/2025-03-17.yaml")
    from_site = export_text(Path("site"), "digests/weekly/2025-03-17.yaml")
    absolute = export_text(minimal_site, str(minimal_site / "digests/weekly/2025-03-17.yaml"))

    assert from_here == from_site == absolute


@pytest.mark.parametrize(
    ("digest", "message"),
    [
        ("digests/weekly/2025-03-18.yaml", "is not one of the site's digests"),
        ("papersite.yaml", "is not one of the site's digests"),
        ("../elsewhere.yaml", "is not in the site folder"),
    ],
)
def test_a_file_that_is_not_a_digest_of_the_site_is_refused(
    minimal_site: Path, digest: str, message: str
) -> None:
    with pytest.raises(ExportError, match=message):
        export_digest(minimal_site, digest, "forum")


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("out", [[], ["--out", "-"]])
def test_cli_writes_the_forum_post_to_standard_output(
    minimal_site: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
    out: list[str],
) -> None:
    monkeypatch.chdir(minimal_site)
    path = "digests/weekly/2025-03-17.yaml"
    status = main(["export", path, "--format", "forum", "--source", str(minimal_site), *out])

    captured = capsysbinary.readouterr()
    assert status == 0
    assert captured.out == export_digest(minimal_site, path, "forum").content
    assert captured.err == b""
    assert not (minimal_site / "-").exists()


def test_cli_writes_the_newsletter_to_a_file_and_prints_its_path(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "digest.eml"
    status = main(
        ["export", "digests/weekly/2025-03-17.yaml", "--format", "newsletter",
         "--source", str(minimal_site), "--out", str(out)]
    )  # fmt: skip

    assert status == 0
    assert capsys.readouterr().out == f"{out}\n"
    message = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"


def test_cli_refuses_an_unknown_digest_with_exit_1(
    minimal_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["export", "digests/weekly/1999-01-01.yaml", "--format", "forum",
         "--source", str(minimal_site)]
    )  # fmt: skip

    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    assert captured.err == (
        "error: digests/weekly/1999-01-01.yaml is not one of the site's digests "
        "(digests/weekly/2025-03-17.yaml); files and folders whose names start with _ or ., "
        "and README.md files, are not digests (nor files not ending in .yaml, .yml, .md)\n"
    )


@pytest.mark.parametrize(
    ("fmt", "out", "message"),
    [
        ("forum", "digests/weekly/post.md", "inside"),
        ("newsletter", "newsletter.html", "the newsletter is a MIME message"),
        ("forum", "missing-folder/post.md", "cannot write"),
    ],
)
def test_cli_refuses_an_output_it_must_not_write(
    minimal_site: Path, capsys: pytest.CaptureFixture[str], fmt: str, out: str, message: str
) -> None:
    target = minimal_site / out
    status = main(
        ["export", "digests/weekly/2025-03-17.yaml", "--format", fmt,
         "--source", str(minimal_site), "--out", str(target)]
    )  # fmt: skip

    assert status == 1
    assert message in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.parametrize(
    ("out", "advice"),
    [
        (
            "missing-folder/post.md",
            "make the folder {parent}, or give --out a file in a folder that exists",
        ),
        ("a-folder/", "give --out a file's name, not a folder's"),
    ],
)
def test_an_output_that_cannot_be_written_says_what_to_do(
    minimal_site: Path, capsys: pytest.CaptureFixture[str], out: str, advice: str
) -> None:
    """It said only the system's reason ("No such file or directory")."""
    target = minimal_site / out
    if out.endswith("/"):
        target.mkdir()
    status = main(
        ["export", "--format", "json", "--source", str(minimal_site), "--out", str(target)]
    )

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith(f"error: cannot write {target}: "), err
    assert err.rstrip().endswith(advice.format(parent=target.parent)), err


def test_cli_reports_broken_content_and_warnings(
    minimal_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal_site / "arxiv.lock.json").unlink()
    status = main(
        ["export", "digests/weekly/2025-03-17.yaml", "--format", "forum",
         "--source", str(minimal_site), "--out", str(minimal_site / "post.md")]
    )  # fmt: skip
    warned = capsys.readouterr().err

    digest = minimal_site / "digests/weekly/2025-03-17.yaml"
    digest.write_text(digest.read_text().replace("https://github.com", "javascript:x"))
    broken = main(["export", str(digest), "--format", "forum", "--source", str(minimal_site)])

    assert status == 0
    assert warned.startswith("digests/weekly/2025-03-17.yaml:") and "(warning)" in warned
    assert broken == 1
    assert "only http(s) URLs are allowed" in capsys.readouterr().err


def test_cli_needs_a_format(minimal_site: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "digests/weekly/2025-03-17.yaml", "--source", str(minimal_site)])

    assert exit_info.value.code == 2


def test_every_export_option_is_documented_in_the_readme() -> None:
    commands = next(a for a in make_parser()._actions if a.dest == "command")
    export = commands.choices["export"]  # type: ignore[index]
    options = {option for action in export._actions for option in action.option_strings}
    section = README.split("### papersite export\n", 1)[1].split("\n### ", 1)[0]

    assert options - {"-h", "--help"} == {"--format", "--source", "--out", "--base-url"}
    for option in options - {"-h", "--help"}:
        assert f"`{option}" in section, f"export {option} is not documented"
    assert "papersite export DIGEST --format forum|newsletter" in README


# --- the provenance notice ----------------------------------------------------------------------

MACHINE_WRITTEN = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
provenance:
  default: {ko: machine, en: human}
  by: {machine: "GPT-4o <mini>"}
  title: human
papers:
  - title: {ko: "다포", en: "DAPO"}
    summary: {ko: "기계가 번역한 소개.", en: "An editor's introduction."}
"""


def notice(lang: str, by: str) -> str:
    return ui(lang)["machine_notice"].format(by=by)


SECOND_MACHINE = """\
  - title: {ko: "둘", en: "Two"}
    summary: {ko: "편집자의 소개.", en: "An introduction DeepL wrote."}
    provenance: {default: {ko: human, en: machine}, by: {machine: DeepL}}
"""


@pytest.mark.parametrize(
    ("more", "expected"),
    [
        ("", [("ko", "GPT-4o <mini>")]),  # the English texts are an editor's
        ("    provenance: {summary: {ko: reviewed}}\n", []),
        (
            "    provenance: {summary: machine}\n",
            [("ko", "GPT-4o <mini>"), ("en", "GPT-4o <mini>")],
        ),
        (SECOND_MACHINE, [("ko", "GPT-4o <mini>"), ("en", "DeepL")]),
        # Named as written: the page's notice named only the first (Jinja's ``unique`` ignores
        # case), and the exports both.
        (
            SECOND_MACHINE.replace("{default: {ko: human, en: machine}", "{default: machine")
            .replace("DeepL}", '"gpt-4o <MINI>"}')
            .replace("An introduction DeepL wrote.", "Another machine's."),
            [("ko", "GPT-4o <mini>, gpt-4o <MINI>"), ("en", "gpt-4o <MINI>")],
        ),
    ],
    ids=["korean-only", "reviewed", "both", "a-machine-each", "names-differing-in-case"],
)
def test_exports_of_machine_written_texts_carry_the_pages_notice_in_its_languages(
    write_tree: WriteTree, tmp_path: Path, more: str, expected: list[tuple[str, str]]
) -> None:
    """A forum post or newsletter of machine-translated texts carries the notice of the
    digest's page, by the page's rule: in each language whose texts a machine wrote and no one
    reviewed, naming that language's machines. It gave the notice in every language when any
    language's texts were a machine's, naming every machine; a reviewed digest gets none."""
    path = "digests/weekly/2025-03-17.yaml"
    site = write_tree({"papersite.yaml": SITE_CONFIG, path: MACHINE_WRITTEN + more})
    notices = [(lang, notice(lang, by)) for lang, by in expected]

    post = export_text(site, path)
    plain, html = parts_of(message_of(site, path))

    assert page_notices(site, tmp_path / "out", "weekly/2025-03-17/") == notices
    texts = [words for _, words in notices]
    forum_notices = [words.replace("<", "\\<") for words in texts]  # escaped, as every text
    assert post.endswith("\n\n".join(["", *forum_notices]) + "\n")
    assert plain.endswith("\n\n".join(["", *texts]) + "\n")
    for lang in ("ko", "en"):  # and nowhere else: not in a language the page gives none in
        opening = notice(lang, "{by}").split("{by}")[0]
        given = sum(lang == language for language, _ in notices)
        assert (post.count(opening), plain.count(opening)) == (given, given), lang
    notes = BeautifulSoup(html, "lxml").select('body > div[role="note"] > p')
    assert [(p["lang"], p.get_text()) for p in notes] == notices


def page_notices(site: Path, out: Path, page: str) -> list[tuple[str, str]]:
    """The built page's provenance notice: ``(lang, words)`` of each language that has one."""
    build(site, out, search=False)
    tree = lxml.html.parse(str(out / page / "index.html"))
    found = tree.xpath("//div[@class='provenance-notice']/p")
    return [(p.get("lang"), p.text_content()) for p in found if p.text_content().strip()]


def test_the_notice_is_in_the_sites_languages_only(write_tree: WriteTree) -> None:
    """A site in Korean only gets the Korean notice, naming "a machine" where no machine is named."""
    path = "digests/weekly/2025-03-17.yaml"
    config = 'title: "사이트"\nbase_url: "https://example.org/"\nlanguages: [ko]\n'
    digest = (
        "kind: weekly\nperiod: {start: 2025-03-17, end: 2025-03-23}\ntitle: 이번 주\n"
        "provenance: {default: {ko: machine}}\npapers:\n  - {title: 다포, summary: 소개}\n"
    )
    site = write_tree({"papersite.yaml": config, path: digest})

    post = export_text(site, path)

    assert post.endswith(f"\n\n소개\n\n{notice('ko', ui('ko')['a_machine'])}\n")


@pytest.mark.parametrize("more", ["", SECOND_MACHINE], ids=["korean", "a-machine-each"])
def test_the_forum_posts_notice_is_not_read_back_as_a_text(
    write_tree: WriteTree, more: str
) -> None:
    """Nor are the notices in each language naming each its own machines: the round trip gives
    back the texts, and the post's last paper takes in no notice."""
    path = "digests/weekly/2025-03-17.yaml"
    site = write_tree({"papersite.yaml": SITE_CONFIG, path: MACHINE_WRITTEN + more})
    post = site / "post.md"
    post.write_text(export_text(site, path), encoding="utf-8")

    imported = import_post(post, "forum", site=site)

    original = digest_model(site, path).papers
    assert [(p.title, p.summary, p.sections) for p in imported.digest.papers] == [
        (paper.title, paper.summary, []) for paper in original
    ]
    assert len(original) == (2 if more else 1)
