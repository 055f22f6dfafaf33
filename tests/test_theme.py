"""The theme's own files: a site's ``templates/assets/``, copied into the output."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import lxml.html
import pytest

from papersite.cli import main
from papersite.theme import default_theme


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
@pytest.mark.parametrize(
    "where",
    [
        "assets/extra.css",
        "assets",
        "assets/sub/extra.css",
        "assets/.hidden.css",
        "base.html",
        "_partial.html",
        "export/forum.md",
    ],
)
def test_a_theme_file_that_cannot_be_read_is_an_error_naming_it_and_the_output_is_kept(
    minimal_site: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], str],
    where: str,
) -> None:
    """Left out without a word, the pages' link to it led nowhere, and a template named as one
    of the default theme's was replaced by the default's; and the build after it was added found
    nothing to do (the fingerprint of the theme leaves it out too)."""
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
    (minimal_site / "templates" / where).parent.mkdir(parents=True, exist_ok=True)
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


def test_a_hidden_link_to_nothing_beside_the_templates_is_no_error(
    minimal_site: Path, tmp_path: Path
) -> None:
    """An editor's lock file (Emacs keeps ``.#base.html``, a link to nothing, beside a template
    being edited): Jinja would never be asked for it, the default theme having no such name."""
    (minimal_site / "templates" / "export").mkdir(parents=True)
    (minimal_site / "templates" / ".#base.html").symlink_to("root@host.1234:1700000000")
    os.mkfifo(minimal_site / "templates" / "export" / ".pipe")
    (minimal_site / "templates" / "base.html").write_text(
        (default_theme() / "base.html").read_text().replace("<body", "<body data-own")
    )

    assert main(["build", "--source", str(minimal_site), "--out", str(tmp_path / "out")]) == 0

    page = lxml.html.parse(tmp_path / "out" / "index.html").getroot()
    assert page.xpath("//body/@data-own") == [""]


def test_an_assets_that_is_a_file_is_an_error_naming_it(
    minimal_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was ignored without a word, and the pages' links to the site's own assets led to the
    default theme's, or nowhere."""
    (minimal_site / "templates").mkdir()
    (minimal_site / "templates" / "assets").write_text("a {}\n")
    out = tmp_path / "out"

    assert main(["build", "--source", str(minimal_site), "--out", str(out)]) == 1

    assert capsys.readouterr().err.splitlines() == [
        "templates/assets: not a folder: make it a folder of the files to copy to the output's "
        "assets/, or remove it (a site's templates/ folder overrides the default theme: see "
        "README.md, Themes)",
        "error: 1 problem; nothing was written",
    ]
    assert not out.exists()


@pytest.mark.parametrize("where", ["assets/extra.css", "base.html", ".notes.txt"])
def test_a_theme_file_without_read_permission_is_an_error_naming_it(
    minimal_site: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    """It ended in the absolute path and the words of an unexpected ``OSError`` (a raw
    ``PermissionError`` from ``papersite.build``), from the fingerprint of the theme. The tests
    run as root, whom ``chmod 000`` does not stop: opening the file is refused instead."""
    denied = minimal_site / "templates" / where
    denied.parent.mkdir(parents=True, exist_ok=True)
    denied.write_text("a {}\n")
    opened = Path.open

    def refusing(path: Path, *args: Any, **kwargs: Any) -> IO[Any]:
        if path == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return opened(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing)
    out = tmp_path / "out"

    assert main(["build", "--source", str(minimal_site), "--out", str(out)]) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"templates/{where}: cannot read the file: Permission denied; make it readable, or "
        "remove it",
        "error: 1 problem; nothing was written",
    ]
    assert not out.exists()
