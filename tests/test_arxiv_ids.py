"""arXiv IDs as editors paste them: what the error for one that is not an ID says to write."""

from __future__ import annotations

import pytest

from conftest import SITE_CONFIG, WEEKLY, WriteTree
from papersite.arxiv_ids import check_arxiv_id
from papersite.cli import main


@pytest.mark.parametrize(
    ("pasted", "bare"),
    [
        ("2503.14476.", "2503.14476"),  # the end of a sentence
        ("(arXiv:2503.14476v2).", "2503.14476v2"),
        ("[2503.14476]", "2503.14476"),
        ("hep-th/9901001,", "hep-th/9901001"),  # from a list
        ("“2503.14476”", "2503.14476"),
        ("https://arxiv.org/abs/2503.14476.", "2503.14476"),
        ("2503.14476V2", "2503.14476v2"),
    ],
)
def test_an_id_pasted_with_punctuation_around_it_gets_the_id_to_write(
    pasted: str, bare: str
) -> None:
    with pytest.raises(ValueError, match="is not an arXiv ID") as raised:
        check_arxiv_id(pasted)

    assert str(raised.value).endswith(f"; write just the ID: '{bare}'")


@pytest.mark.parametrize(
    "typed",
    [
        "２５０３.１４４７６",  # full-width digits, as a Korean input method types them
        "２５０３．１４４７６",  # and a full-width full stop
        "2503.14476\u200b",  # a zero-width space, copied from a web page
        "\u2060arXiv\uff1a2503.14476",
    ],
)
def test_an_id_with_full_width_or_invisible_characters_says_so(typed: str) -> None:
    with pytest.raises(ValueError, match="is not an arXiv ID") as raised:
        check_arxiv_id(typed)

    assert str(raised.value).endswith(
        "; write just the ID (it holds full-width or invisible characters): '2503.14476'"
    )


@pytest.mark.parametrize("wrong", ["２５０３.１４４７", "2503.14476v0", "nonsense", "2503..14476"])
def test_no_id_to_write_is_offered_when_there_is_none(wrong: str) -> None:
    with pytest.raises(ValueError, match="is not an arXiv ID") as raised:
        check_arxiv_id(wrong)

    assert "write just the ID" not in str(raised.value)


def test_the_hint_is_given_at_the_digests_arxiv_field(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    weekly = WEEKLY.replace('"2503.14476"', '"２５０３.１４４７６"')
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/weekly/2025-03-17.yaml": weekly})

    status = main(["check", "--source", str(site)])

    out = capsys.readouterr().out
    assert status == 1
    assert (
        "digests/weekly/2025-03-17.yaml:6:12: error: papers[0].arxiv: '２５０３.１４４７６' is not "
        "an arXiv ID: "
    ) in out
    assert "full-width or invisible characters): '2503.14476' [invalid]" in out
