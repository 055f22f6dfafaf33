"""The Markdown form of a digest: same model as the YAML form, errors at lines of the .md file."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import SITE_CONFIG, WriteTree
from papersite import build
from papersite.errors import ContentError, Problem
from papersite.load import load_site
from papersite.model import EVERY_LANGUAGE, Site
from papersite.validate import validate_site

MD_PATH = "digests/weekly/2025-03-17.md"

AS_YAML = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
overview: {ko: "한국어 개요", en: "English overview"}
papers:
  - title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}
    arxiv: "2503.14476"
    links:
      - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}
    summary: {ko: "한국어 소개", en: "English introduction"}
    abstract: {ko: "한국어 초록", en: "English abstract"}
    sections:
      - title: {ko: "제목", en: "Title"}
        body: {ko: "한국어 본문", en: "English body"}
"""

AS_MARKDOWN = """\
---
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주의 논문", en: "Papers of the week"}
---

# 이번 주의 논문

## Overview

### ko

한국어 개요

### en

English overview

## DAPO: An Open-Source LLM Reinforcement Learning System at Scale

```yaml
title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}
arxiv: "2503.14476"
links:
  - {kind: code, url: "https://github.com/BytedTsinghua-SIA/DAPO"}
```

### Summary

#### ko

한국어 소개

#### en

English introduction

### Abstract

#### ko

한국어 초록

#### en

English abstract

### Section

#### ko: 제목

한국어 본문

#### en: Title

English body
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of ``text`` that contains ``needle``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def markdown_site(write_tree: WriteTree, text: str) -> Path:
    return write_tree({"papersite.yaml": SITE_CONFIG, MD_PATH: text})


def validate(root: Path) -> Site:
    return validate_site(load_site(root))


def only_problem(root: Path) -> Problem:
    with pytest.raises(ContentError) as caught:
        validate(root)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    return problems[0]


def where(problem: Problem) -> tuple[str, int, int, str]:
    return problem.path, problem.line, problem.column, problem.field


# --- same model ----------------------------------------------------------------------------------


def test_markdown_and_yaml_forms_give_the_same_digest(tmp_path: Path) -> None:
    sites = {}
    for name, relative, text in [
        ("yaml", "digests/weekly/2025-03-17.yaml", AS_YAML),
        ("markdown", MD_PATH, AS_MARKDOWN),
    ]:
        root = tmp_path / name
        (root / relative).parent.mkdir(parents=True)
        (root / "papersite.yaml").write_text(SITE_CONFIG, encoding="utf-8")
        (root / relative).write_text(text, encoding="utf-8")
        sites[name] = validate(root)

    from_yaml, from_markdown = sites["yaml"].digests[0], sites["markdown"].digests[0]
    assert from_markdown.digest == from_yaml.digest
    assert from_markdown.url == from_yaml.url == "weekly/2025-03-17/"
    assert from_markdown.digest.papers[0].sections[0].title == {"ko": "제목", "en": "Title"}


@pytest.mark.parametrize("relative", [MD_PATH, "digests/weekly/2025-03-17.yaml"])
def test_a_digest_with_old_mac_line_ends_reads_as_with_unix_ones(
    write_tree: WriteTree, relative: str
) -> None:
    """A carriage return alone ends a line in YAML and in CommonMark: the Markdown form said
    it had no front matter, and YAML's errors were placed on line 1."""
    text = AS_MARKDOWN if relative == MD_PATH else AS_YAML
    root = write_tree({"papersite.yaml": SITE_CONFIG, relative: text})
    [expected] = validate(root).digests
    (root / relative).write_bytes(text.replace("\n", "\r").encode())

    assert validate(root).digests[0].digest == expected.digest

    broken = text.replace('"2503.14476"', '"2503.1447x"').replace("\n", "\r")
    (root / relative).write_bytes(broken.encode())
    problem = only_problem(root)
    assert (problem.line, problem.field) == (line_of(text, "2503.14476"), "papers[0].arxiv")


@pytest.mark.parametrize(
    ("heading", "column"), [("## DAPO", 5), ("#### en: Title", 10), ("### Summary", 6)]
)
def test_a_nul_in_a_heading_is_an_error_at_it(
    write_tree: WriteTree, heading: str, column: int
) -> None:
    """markdown-it reads it as U+FFFD, so a title showed '�' where the YAML form refuses it
    (and the Markdown form too, in a text)."""
    text = AS_MARKDOWN.replace(heading, heading[: column - 1] + "\x00" + heading[column - 1 :])

    with pytest.raises(ContentError) as caught:
        validate(markdown_site(write_tree, text))

    # Others may follow from the heading as markdown-it read it (not the block's title).
    [problem] = [p for p in caught.value.problems if "U+0000" in p.message]
    assert where(problem) == (MD_PATH, line_of(text, "\x00"), column, "")
    assert problem.message == (
        "the character U+0000 is not allowed in this file, nor can pages and feeds carry it "
        "(pasted from a PDF?); remove it"
    )


def test_the_same_digest_in_either_form_gives_the_same_footnote_links(tmp_path: Path) -> None:
    note = "English introduction[^1]\n\n[^1]: A note."
    forms = [
        (
            "yaml",
            "digests/weekly/2025-03-17.yaml",
            AS_YAML.replace(
                'en: "English introduction"', 'en: "English introduction[^1]\\n\\n[^1]: A note."'
            ),
        ),
        ("markdown", MD_PATH, AS_MARKDOWN.replace("English introduction", note)),
    ]
    anchors = {}
    for name, relative, text in forms:
        root = tmp_path / name
        (root / relative).parent.mkdir(parents=True)
        (root / "papersite.yaml").write_text(SITE_CONFIG, encoding="utf-8")
        (root / relative).write_text(text, encoding="utf-8")
        build(root, root / "out", search=False)
        page = (root / "out/weekly/2025-03-17/index.html").read_text(encoding="utf-8")
        main = BeautifulSoup(page, "html5lib").select_one("main")
        assert main is not None
        links = [a["href"] for a in main.select("a[href^='#fn']")]
        targets = [element["id"] for element in main.select("[id^=fn]")]
        assert links and targets, name  # the note was read as a footnote
        anchors[name] = (links, targets)

    assert anchors["markdown"] == anchors["yaml"]


def test_paper_heading_is_the_title_when_the_block_gives_none(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace(
        'title: {ko: "다포", en: "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"}\n'
        'arxiv: "2503.14476"\n',
        "",
    )

    paper = validate(markdown_site(write_tree, text)).digests[0].digest.papers[0]

    title = "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
    assert paper.title == {EVERY_LANGUAGE: title}
    assert paper.identity == "dapo-an-open-source-llm-reinforcement-learning-system-at-scale"


@pytest.mark.parametrize(
    ("heading", "agrees"),
    [
        ("다포", True),
        ("다포 / DAPO: An Open-Source LLM Reinforcement Learning System at Scale", True),
        ("DAPO:  An Open-Source LLM  Reinforcement Learning System at Scale", True),
        ("DAPO", False),  # edited over the block's title, which the site would show
    ],
)
def test_a_paper_heading_that_is_not_the_blocks_title_is_an_error_at_the_heading(
    write_tree: WriteTree, heading: str, agrees: bool
) -> None:
    title = "DAPO: An Open-Source LLM Reinforcement Learning System at Scale"
    text = AS_MARKDOWN.replace(f"## {title}\n", f"## {heading}\n")
    assert text != AS_MARKDOWN
    root = markdown_site(write_tree, text)

    if agrees:
        assert validate(root).digests[0].digest.papers[0].title == {"ko": "다포", "en": title}
        return
    problem = only_problem(root)
    assert where(problem) == (MD_PATH, line_of(text, f"## {heading}"), 1, "papers[0].title")
    assert problem.message.startswith(f"the heading '{heading}' is not the paper's title")


def test_text_without_language_headings_is_the_same_in_every_language(
    write_tree: WriteTree,
) -> None:
    front, _ = AS_MARKDOWN.split("## DAPO", 1)
    text = front + "## A paper without a block\n\n### Summary\n\nOne text for all.\n"

    paper = validate(markdown_site(write_tree, text)).digests[0].digest.papers[0]

    assert paper.title == {EVERY_LANGUAGE: "A paper without a block"}
    assert paper.summary == {EVERY_LANGUAGE: "One text for all."}
    assert paper.abstract is None


def test_section_with_a_shared_title(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.split("### Section", 1)[0] + "### Section: Notes\n\nSame notes.\n"

    paper = validate(markdown_site(write_tree, text)).digests[0].digest.papers[0]

    assert [(section.title, section.body) for section in paper.sections] == [
        ({EVERY_LANGUAGE: "Notes"}, {EVERY_LANGUAGE: "Same notes."})
    ]


def test_a_sections_shared_title_stands_for_the_languages_that_give_none(
    write_tree: WriteTree,
) -> None:
    """The shared title was dropped when one language heading gave its own."""
    section = "### Section: Reflections\n\n#### ko: 평가\n\n본문\n\n#### en\n\nbody\n"
    text = AS_MARKDOWN.split("### Section", 1)[0] + section

    paper = validate(markdown_site(write_tree, text)).digests[0].digest.papers[0]

    assert [(section.title, section.body) for section in paper.sections] == [
        ({"ko": "평가", "en": "Reflections"}, {"ko": "본문", "en": "body"})
    ]


def test_unquoted_arxiv_id_in_a_paper_block_keeps_its_trailing_zero(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace('arxiv: "2503.14476"', "arxiv: 2503.10610")

    paper = validate(markdown_site(write_tree, text)).digests[0].digest.papers[0]

    assert paper.arxiv == "2503.10610"


def test_example_markdown_digest_reads_its_sections(example_site: Path) -> None:
    site = validate(example_site)

    [conference] = [d for d in site.digests if d.path == "digests/conferences/neurips-2025.md"]
    first = conference.digest.papers[0]
    assert first.arxiv == "2510.22954"
    assert first.award == "best-paper"
    assert first.sections[0].title == {
        "ko": "선정 위원회 평가",
        "en": "Reflections from the Selection Committee",
    }
    assert conference.digest.overview is not None
    assert conference.digest.overview["ko"].startswith("NeurIPS(Neural Information")


# --- errors point at lines of the .md file --------------------------------------------------------


def test_bad_url_in_a_paper_block_points_at_its_line_in_the_file(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("https://github.com/BytedTsinghua-SIA/DAPO", "javascript:alert(1)")

    problem = only_problem(markdown_site(write_tree, text))

    assert line_of(text, "javascript:") == 25
    assert where(problem) == (MD_PATH, 25, 23, "papers[0].links[0].url")
    assert "only http(s) URLs are allowed, got 'javascript:alert(1)'" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('arxiv: "2503.14476"', 'arxiv: "2503.14476"\ntags: [llm, llm]', "papers[0].tags[1]"),
        ("kind: weekly", "kind: weekly\ntags: [llm, llm]", "tags[1]"),
    ],
)
def test_a_tag_given_twice_points_at_the_repeated_tag_in_the_file(
    write_tree: WriteTree, old: str, new: str, field: str
) -> None:
    text = AS_MARKDOWN.replace(old, new)

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, "tags: [llm, llm]"), 13, field)
    assert problem.message == "the tag 'llm' is given twice: remove one"


def test_yaml_syntax_error_in_a_paper_block_points_into_the_file(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace('arxiv: "2503.14476"', "arxiv: [2503.14476")

    problem = only_problem(markdown_site(write_tree, text))

    # The parser notices the unclosed '[' at the ':' of the next line, 'links:'.
    assert (problem.path, problem.line, problem.column) == (MD_PATH, line_of(text, "links:"), 6)
    assert "YAML syntax error" in problem.message


def test_unknown_paper_field_in_a_block_suggests_the_closest(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace('arxiv: "2503.14476"', 'arxiv: "2503.14476"\nauthor: ["A. B."]')

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, "author:"), 1, "papers[0].author")
    assert "did you mean 'authors'?" in problem.message


def test_unknown_front_matter_field_points_at_its_line(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("kind: weekly\n", 'kind: weekly\nsorce: "https://x.org/"\n')

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, 3, 1, "sorce")
    assert "did you mean 'source'?" in problem.message


@pytest.mark.parametrize("body", ["", "\n# 이번 주\n\n## Overview\n\n개요\n"])
def test_a_markdown_digest_without_papers_says_to_add_paper_sections(
    write_tree: WriteTree, body: str
) -> None:
    front = AS_MARKDOWN.split("\n---\n", 1)[0] + "\n---\n"

    problem = only_problem(markdown_site(write_tree, front + body))

    assert where(problem) == (MD_PATH, 2, 1, "papers")
    assert problem.message == (
        "a digest needs at least one paper: give each a '## <its title>' section after the "
        "front matter (see README.md, 'The Markdown form of a digest')"
    )


def test_yaml_syntax_error_in_front_matter_points_into_the_file(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("title: {ko:", "title: Bad: {ko:", 1)

    problem = only_problem(markdown_site(write_tree, text))

    assert (problem.path, problem.line, problem.column) == (MD_PATH, 4, 11)
    assert "YAML syntax error" in problem.message


def test_unknown_paper_heading(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("### Abstract", "### Foo")

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, "### Foo"), 1, "papers[0]")
    assert "unknown paper heading 'Foo'" in problem.message
    assert "'### Summary', '### Abstract' or '### Section: <title>'" in problem.message


def test_language_heading_with_an_undeclared_code(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("#### en\n\nEnglish abstract", "#### fr\n\nEnglish abstract")

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, "#### fr"), 1, "papers[0].abstract.fr")
    assert "language 'fr' is not one of this site's languages (ko, en)" in problem.message


def test_section_language_heading_with_an_undeclared_code(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("#### en: Title", "#### fr: Title")

    with pytest.raises(ContentError) as caught:
        validate(markdown_site(write_tree, text))

    line = line_of(text, "#### fr: Title")
    assert [where(problem) for problem in caught.value.problems] == [
        (MD_PATH, line, 1, "papers[0].sections[0].body.fr"),
        (MD_PATH, line, 1, "papers[0].sections[0].title.fr"),
    ]


def test_overview_language_heading_with_an_undeclared_code(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("### en\n\nEnglish overview", "### fr\n\nEnglish overview")

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, "### fr"), 1, "overview.fr")


def test_language_given_twice(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("#### en\n\nEnglish introduction", "#### ko\n\nEnglish introduction")

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, 34, 1, "papers[0].summary.ko")
    assert problem.message == "language 'ko' is given twice (first at line 30); keep one"


def test_a_paper_heading_given_twice_names_the_first_and_says_to_keep_one(
    write_tree: WriteTree,
) -> None:
    text = AS_MARKDOWN.replace("### Abstract", "### Summary\n\nagain\n\n### Abstract")

    problem = only_problem(markdown_site(write_tree, text))

    first = line_of(text, "### Summary")
    assert where(problem) == (MD_PATH, line_of(text, "again") - 2, 1, "papers[0].summary")
    assert problem.message == f"'summary' is given twice (first at line {first}); keep one"


def test_markdown_digest_without_front_matter(write_tree: WriteTree) -> None:
    problem = only_problem(markdown_site(write_tree, "# Just a title\n"))

    assert where(problem) == (MD_PATH, 1, 1, "")
    assert "starts with YAML front matter" in problem.message


def test_front_matter_that_is_never_closed_says_so(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("---\n\n# 이번 주의 논문", "\n# 이번 주의 논문", 1)
    assert text.count("---") == 1

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, 1, 1, "")
    assert "the front matter opened at line 1 is not closed" in problem.message


def test_html_comments_are_notes_and_a_closing_rule_is_no_part_of_a_text(
    write_tree: WriteTree,
) -> None:
    """GitHub's preview hides comments, so a reviewer never reads them: they were published as
    text. A '---' put between papers became a rule at the end of the text before it."""
    text = AS_MARKDOWN.replace("# 이번 주의 논문\n", "# 이번 주의 논문\n\n<!-- 편집 메모 -->\n", 1)
    text = text.replace("한국어 소개\n", "한국어 <!-- 번역 확인 --> 소개\n\n<!--\n여러 줄\n-->\n")
    text = text.replace("English body\n", "English body\n\n---\n")

    paper = validate(markdown_site(write_tree, text)).digests[0].digest.papers[0]

    assert paper.summary == {"ko": "한국어  소개", "en": "English introduction"}
    assert paper.sections[0].body == {"ko": "한국어 본문", "en": "English body"}


def test_html_comments_inside_code_are_the_code_s_text_and_kept(write_tree: WriteTree) -> None:
    """A comment is a note only where GitHub's preview hides it: inside a code span or a code
    block it is shown as written, and it was cut out of the code, so the site lost part of it."""
    summary = (
        "Write `<!-- note -->` in HTML. <!-- hidden -->\n\n"
        "```html\n<p>a</p>\n<!-- in a fence -->\n```\n\n"
        "    <!-- indented code -->\n\n"
        "- item\n\n  ```\n  <!-- in a list's fence -->\n  ```\n\n"
        "> quoted <!-- hidden in a quote -->\n\n"
        "``a`` <!-- after a span --> ``<!-- in a double span -->``\n\n"
        "\\`<!-- escaped backtick: no span -->`"
    )
    text = AS_MARKDOWN.replace("한국어 소개\n", summary + "\n", 1)

    paper = validate(markdown_site(write_tree, text)).digests[0].digest.papers[0]

    assert paper.summary["ko"] == (
        "Write `<!-- note -->` in HTML. \n\n"
        "```html\n<p>a</p>\n<!-- in a fence -->\n```\n\n"
        "    <!-- indented code -->\n\n"
        "- item\n\n  ```\n  <!-- in a list's fence -->\n  ```\n\n"
        "> quoted \n\n"
        "``a``  ``<!-- in a double span -->``\n\n"
        "\\``"
    )


def test_a_rule_right_under_a_line_of_text_is_an_error_not_a_new_paper(
    write_tree: WriteTree,
) -> None:
    """Right under a line, '---' underlines it: the line became a paper of its own, and the
    text above it was lost from the paper it was written in."""
    text = AS_MARKDOWN.replace("English body\n", "English body\n---\n")

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, "English body"), 1, "")
    assert problem.message == (
        "'English body' with a line of '-' under it is a heading (GitHub's preview shows one) "
        "that would start a paper: put a blank line above a '---' meant as a rule between "
        "papers, or write a paper's heading as '## English body'"
    )


def test_a_line_of_equals_signs_under_text_is_an_error_not_a_title_that_drops_the_text(
    write_tree: WriteTree,
) -> None:
    text = AS_MARKDOWN.replace("English introduction\n", "English\nintroduction\n===\n")

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, text.split("\n").index("English") + 1, 1, "")
    assert problem.message == (
        "'English introduction' with a line of '=' under it is a heading (GitHub's preview shows "
        "one) whose text would be left out: write a title as '# English introduction'"
    )


def test_overview_given_twice_as_headings_says_so(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN + "\n## Overview\n\nAgain.\n"

    problem = only_problem(markdown_site(write_tree, text))

    first = line_of(AS_MARKDOWN, "## Overview")
    assert where(problem) == (MD_PATH, line_of(text, "Again.") - 2, 1, "overview")
    assert problem.message == f"'## Overview' is given twice (first at line {first}); keep one"


def test_a_misspelt_overview_heading_is_not_read_as_a_paper(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("## Overview\n", "## Overveiw\n", 1)

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, "## Overveiw"), 1, "")
    assert problem.message == "'## Overveiw' would start a paper: did you mean '## Overview'?"


@pytest.mark.parametrize("heading", ["## 개요", "## Overview:"])
def test_an_overview_heading_in_korean_is_not_read_as_a_paper(
    write_tree: WriteTree, heading: str
) -> None:
    """'## 개요' was published as a paper titled 개요 (with its '### ko' and '### en' reported
    as unknown paper headings, or with nothing under it, without a word)."""
    text = AS_MARKDOWN.replace("## Overview\n", f"{heading}\n", 1)

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, heading), 1, "")
    assert problem.message == f"'{heading}' would start a paper: did you mean '## Overview'?"


@pytest.mark.parametrize(
    ("heading", "field", "meant"),
    [
        ("## Summary", "summary", "### Summary"),
        ("## 논문 초록", "abstract", "### Abstract"),
        ("## Section: 선정 위원회 평가", "section", "### Section"),
    ],
)
def test_a_papers_field_heading_at_a_papers_level_is_not_read_as_a_paper(
    write_tree: WriteTree, heading: str, field: str, meant: str
) -> None:
    """A summary's heading written '##' was published as a second paper titled 'Summary'."""
    text = AS_MARKDOWN + f"\n{heading}\n"

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, text.split("\n").index(heading) + 1, 1, "")
    assert problem.message == (
        f"'{heading}' would start a paper: a paper's {field} goes under '{meant}', below the "
        "paper's own '##' heading"
    )


@pytest.mark.parametrize(
    ("heading", "meant"),
    [("### 논문 소개", "### Summary"), ("### 요약", "### Summary"), ("### 초록", "### Abstract")],
)
def test_a_papers_heading_in_korean_suggests_the_english_one(
    write_tree: WriteTree, heading: str, meant: str
) -> None:
    text = AS_MARKDOWN.replace("### Abstract", heading)

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, heading), 1, "papers[0]")
    assert problem.message == (
        f"unknown paper heading '{heading[4:]}'; did you mean '{meant}'? use '### Summary', "
        "'### Abstract' or '### Section: <title>'"
    )


def test_text_before_the_first_heading_belongs_nowhere(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("---\n\n# 이번 주의 논문", "---\n\nStray text.\n\n# 이번 주의 논문")

    problem = only_problem(markdown_site(write_tree, text))

    assert (problem.path, problem.line) == (MD_PATH, 6)
    assert "'## Overview'" in problem.message


def test_papers_in_front_matter_and_as_headings(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("kind: weekly\n", 'kind: weekly\npapers: [{title: "x"}]\n')

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, 3, 1, "papers")
    assert "keep one" in problem.message


def test_misspelt_paper_heading_suggests_the_closest(write_tree: WriteTree) -> None:
    text = AS_MARKDOWN.replace("### Abstract", "### Abstrct")

    problem = only_problem(markdown_site(write_tree, text))

    assert "did you mean '### Abstract'?" in problem.message


def test_heading_errors_and_field_errors_of_one_file_are_reported_together(
    write_tree: WriteTree,
) -> None:
    text = AS_MARKDOWN.replace("### Abstract", "### Foo").replace("https://", "javascript://", 1)
    assert "javascript://" in text

    with pytest.raises(ContentError) as caught:
        validate(markdown_site(write_tree, text))

    messages = [problem.message for problem in caught.value.problems]
    assert any("unknown paper heading 'Foo'" in message for message in messages)
    assert any("only http(s) URLs are allowed" in message for message in messages)


def test_front_matter_below_blank_lines_is_found_and_the_lines_named(write_tree: WriteTree) -> None:
    """A blank line pasted above the front matter: the message said the digest has none, at
    line 1, while the reader sees it on line 3; it opens on the first line (GitHub's preview,
    too, reads a later '---' as a rule)."""
    problem = only_problem(markdown_site(write_tree, "\n  \n" + AS_MARKDOWN))

    assert where(problem) == (MD_PATH, 3, 1, "")
    assert problem.message == (
        "the front matter opens on the first line of the file: remove the 2 blank lines "
        "above this '---'"
    )


def _papers_one_level_down(text: str) -> str:
    """``text`` with its papers written a level too deep: '### <title>', '#### Summary',
    '##### ko'."""
    head, papers = text.split("\n## DAPO", 1)
    lines = ("#" + line if line.startswith("#") else line for line in papers.split("\n"))
    return head + "\n### DAPO" + "\n".join(lines)


@pytest.mark.parametrize("overview", [True, False])
def test_papers_written_a_level_too_deep_are_one_error_at_the_first(
    write_tree: WriteTree, overview: bool
) -> None:
    """Read as written, each '###' paper and its parts gave an error of its own (or a language
    of the overview above them), after 'a digest needs at least one paper'."""
    text = AS_MARKDOWN
    if not overview:
        text = text.replace(
            "## Overview\n\n### ko\n\n한국어 개요\n\n### en\n\nEnglish overview\n", ""
        )
    second = "\n## DAPO" + AS_MARKDOWN.split("\n## DAPO", 1)[1].replace("2503.14476", "2503.14477")
    second = second.replace("DAPO: An Open-Source", "DAPO 2: An Open-Source")
    text = _papers_one_level_down(text + second)

    problem = only_problem(markdown_site(write_tree, text))

    assert where(problem) == (MD_PATH, line_of(text, "### DAPO"), 1, "papers")
    assert problem.message == (
        "'### DAPO: An Open-Source LLM Reinforcement Learning System at Scale' is a paper one "
        "level too deep: a paper is a '## <its title>' section, with '### Summary', "
        "'### Abstract', '### Section' and '#### <lang>' under it; remove one '#' from the "
        "headings of each paper and its parts"
    )
