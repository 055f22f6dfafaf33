"""Titles compared as an editor would: arXiv writes accents in TeX (``G\\"{o}del``), a digest in
Unicode (``Gödel``), and both are the same title."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SITE_CONFIG, WriteTree, arxiv_record, lockfile_text
from papersite import build
from papersite.titles import SAME_TITLE, normalise_title, title_overlap, title_similarity

TEX_AND_UNICODE = [
    (r"G\"{o}del Machines", "Gödel Machines"),
    (r"Erd\H{o}s--R\'enyi Graphs and G\"odel", "Erdős–Rényi Graphs and Gödel"),
    (r"Mart\'{\i}nez and N\'u\~nez", "Martínez and Núñez"),
    (r"S{\o}rensen--Dice and {\L}ojasiewicz", "Sørensen–Dice and Łojasiewicz"),
    (r"Gau\ss{} Sums and \v{C}ech Cohomology", "Gauß Sums and Čech Cohomology"),
]


@pytest.mark.parametrize(("tex", "unicode"), TEX_AND_UNICODE)
def test_a_title_with_tex_accents_is_the_same_title_written_in_unicode(
    tex: str, unicode: str
) -> None:
    """The accent command's letter stays in its word: ``G\\"{o}del`` was ``g o del``, so
    ``--resolve-titles`` found no match for "Gödel Machines" (93 < 95)."""
    assert normalise_title(tex) == normalise_title(unicode)
    assert title_similarity(tex, unicode) == 100 >= SAME_TITLE
    assert title_overlap(tex, unicode) == 100


TEX_AND_GREEK = [
    (r"$\alpha$-Fold: Protein Structure at Scale", "α-Fold: Protein Structure at Scale"),
    (r"$\beta$-VAE and $\mu$P Transfer", "β-VAE and μP Transfer"),
    (r"$\Delta$-Networks with $\varepsilon$-Greedy $\Omega$ Search", "Δ-Networks with ε-Greedy Ω Search"),
    (r"The $\vartheta$, $\varphi$, $\phi$ and $\varsigma$ Bounds", "The θ, φ, ϕ and σ Bounds"),
    (r"$\Sigma\Pi$-Nets for $\lambda$-Calculus", "ΣΠ-Nets for λ-Calculus"),
]  # fmt: skip


@pytest.mark.parametrize(("tex", "unicode"), TEX_AND_GREEK)
def test_a_title_with_tex_greek_letters_is_the_same_title_written_in_unicode(
    tex: str, unicode: str
) -> None:
    """``$\\alpha$-Fold`` lost its letter (``fold``), 93 < 95 against ``α-Fold`` (``α fold``):
    ``--resolve-titles`` found no match for the paper."""
    assert normalise_title(tex) == normalise_title(unicode)
    assert title_similarity(tex, unicode) == 100 >= SAME_TITLE
    assert title_overlap(tex, unicode) == 100


def test_a_command_that_begins_with_a_greek_letters_name_is_not_that_letter() -> None:
    assert normalise_title(r"\alphabetical $\pi$ \pitchfork $\eta$ \etaoin") == "π η"


def test_tex_commands_still_part_words_and_groups_go() -> None:
    """A command is not a letter of the word before it (``$\\mathcal{O}$``); braces only group."""
    assert normalise_title(r"Scaling $x\mathcal{O}(n^2)$: \emph{Cafe} {BERT}") == (
        "scaling x o n 2 cafe bert"
    )


def test_an_arxiv_title_with_tex_accents_is_not_taken_for_a_mistyped_id(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """The build warned "is the ID mistyped?" (overlap 43 < 60) on the right paper."""
    record = arxiv_record("2504.01234", r"Erd\H{o}s--R\'enyi G\"{o}del")
    digest = """\
kind: weekly
period: {start: 2025-03-17, end: 2025-03-23}
title: {ko: "이번 주", en: "This week"}
papers:
  - title: {ko: "그래프", en: "Erdős–Rényi Gödel"}
    arxiv: "2504.01234"
"""
    source = write_tree(
        {
            "papersite.yaml": SITE_CONFIG,
            "digests/weekly/2025-03-17.yaml": digest,
            "arxiv.lock.json": lockfile_text(record),
        }
    )

    report = build(source, tmp_path / "out")

    assert [w.message for w in report.warnings] == []
