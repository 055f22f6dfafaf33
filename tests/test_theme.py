"""The theme's own files: a site's ``templates/assets/``, copied into the output."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from papersite.cli import main


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def broken_link(path: Path) -> str:
    path.symlink_to(path.parent / "moved.css")
    return (
        f"the file is a symbolic link to {path.parent / 'moved.css'}, which does not exist: "
        "fix the link, or remove it"
    )


def named_pipe(path: Path) -> str:
    os.mkfifo(path)
    return (
        "cannot read the file: it is a named pipe (FIFO), not a regular file; remove it, or put "
        "a file in its place"
    )


@pytest.mark.parametrize("make", [broken_link, named_pipe])
@pytest.mark.parametrize("where", ["assets/extra.css", "assets", "assets/sub/extra.css"])
def test_an_asset_that_cannot_be_copied_is_an_error_naming_it_and_the_output_is_kept(
    minimal_site: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], str],
    where: str,
) -> None:
    """Left out without a word, the pages' link to it led nowhere; and the build after it was
    added found nothing to do (the fingerprint of the theme leaves it out too)."""
    out = tmp_path / "out"
    (minimal_site / "templates" / "assets" / "sub").mkdir(parents=True)
    (minimal_site / "templates" / "assets" / "sub" / "kept.css").write_text("a {}\n")
    assert main(["build", "--source", str(minimal_site), "--out", str(out)]) == 0
    built = snapshot(out)
    assert built["assets/sub/kept.css"] == b"a {}\n"
    if where == "assets":
        (minimal_site / "templates" / "assets" / "sub" / "kept.css").unlink()
        (minimal_site / "templates" / "assets" / "sub").rmdir()
        (minimal_site / "templates" / "assets").rmdir()
    message = make(minimal_site / "templates" / where)
    capsys.readouterr()

    assert main(["build", "--source", str(minimal_site), "--out", str(out)]) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"templates/{where}: {message}",
        "error: 1 problem; nothing was written",
    ]
    assert snapshot(out) == built


def test_an_asset_whose_name_is_not_utf8_is_an_error_naming_it(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was copied under a name that no page could link to (nor a server be asked for)."""
    (minimal_site / "templates" / "assets").mkdir(parents=True)
    with open(os.fsencode(minimal_site / "templates" / "assets") + b"/caf\xe9.css", "wb"):
        pass
    out = tmp_path / "out"

    assert main(["build", "--source", str(minimal_site), "--out", str(out)]) == 1

    assert capsys.readouterr().err.splitlines() == [
        "templates/assets/caf\\xe9.css: the file's name is not UTF-8 text; rename it",
        "error: 1 problem; nothing was written",
    ]
    assert not out.exists()
