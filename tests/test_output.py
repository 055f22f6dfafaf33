"""The output folder: replaced atomically, reproducible, free of stale pages, never foreign."""

from __future__ import annotations

import copy
import importlib
import os
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from conftest import SITE_CONFIG, WEEKLY, WriteTree
from papersite import build, write
from papersite.build import survey_ahead
from papersite.errors import ContentError, OutputError
from papersite.resident import Resident
from papersite.write import MARKER, Page

# ``papersite.build`` is also the name of the function the package exports.
pipeline = importlib.import_module("papersite.pipeline")

SECOND_WEEK = WEEKLY.replace("2025-03-17", "2025-03-24").replace("2025-03-23", "2025-03-30")
SECOND_WEEK = SECOND_WEEK.replace('"2503.14476"', '"2503.16419"')


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root``: relative path → content."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def folders(root: Path) -> list[str]:
    """Every folder under ``root``, empty ones included."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_dir())


def leftovers(out: Path) -> list[str]:
    """Temporary folders a build left beside ``out``."""
    return sorted(
        path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}-")
    )


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where the site is built: a folder named build/ that does not exist yet."""
    return tmp_path / "build"


@pytest.fixture
def built(minimal_site: Path, out: Path) -> dict[str, bytes]:
    """The minimal site built once into ``out``; returns the files written."""
    build(minimal_site, out)
    return tree(out)


def test_output_holds_the_marker(built: dict[str, bytes], out: Path) -> None:
    assert MARKER in built
    assert (out / MARKER).is_file()


def test_output_holds_every_page(built: dict[str, bytes]) -> None:
    for page in [
        "index.html",
        "404.html",
        "weekly/2025-03-17/index.html",
        "papers/2503.14476/index.html",
        "tags/reinforcement-learning/index.html",
        "assets/style.css",
    ]:
        assert page in built


def test_invalid_content_leaves_the_previous_output_untouched(
    built: dict[str, bytes], minimal_site: Path, out: Path
) -> None:
    digest = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    digest.write_text(WEEKLY.replace('"2503.14476"', '"not-an-id"'), encoding="utf-8")

    with pytest.raises(ContentError):
        build(minimal_site, out)

    assert tree(out) == built
    assert leftovers(out) == []


def test_failure_while_writing_leaves_the_previous_output_untouched(
    built: dict[str, bytes], minimal_site: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    render_job = pipeline.render_job
    rendered: list[Page] = []

    def render_then_fail(*args: Any, **kwargs: Any) -> Page:
        if len(rendered) == 3:
            raise RuntimeError("rendering failed half-way")
        rendered.append(render_job(*args, **kwargs))
        return rendered[-1]

    monkeypatch.setattr(pipeline, "render_job", render_then_fail)
    (minimal_site / "digests" / "weekly" / "2025-03-24.yaml").write_text(SECOND_WEEK, "utf-8")

    with pytest.raises(RuntimeError, match="half-way"):
        build(minimal_site, out)

    assert tree(out) == built
    assert leftovers(out) == []


def test_failure_while_swapping_restores_the_previous_output(
    built: dict[str, bytes], minimal_site: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rename = Path.rename

    def refuse_to_move_the_new_site(self: Path, target: Path) -> Path:
        if self.name.startswith(f".{out.name}-new-"):
            raise OSError("disk unplugged")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refuse_to_move_the_new_site)
    monkeypatch.setattr(write, "SWAP_FROM", 1)  # the rebuild writes more files than it keeps
    (minimal_site / "digests" / "weekly" / "2025-03-24.yaml").write_text(SECOND_WEEK, "utf-8")

    with pytest.raises(OSError, match="disk unplugged"):
        build(minimal_site, out)

    assert tree(out) == built
    assert leftovers(out) == []


def into_the_output(source: Any, target: Any) -> bool:
    """Whether a rename moves a file of the staging folder into the output (``_Update``)."""
    return ".build-new-" in str(source) and ".build-new-" not in str(target)


def rename_failing_after(moves: int, error: BaseException, moved: list[str]) -> Any:
    """``os.rename``, raising ``error`` once ``moves`` files of the staging folder have been
    moved into the output (each listed in ``moved``)."""
    rename = os.rename

    def renamed(source: Any, target: Any) -> None:
        if into_the_output(source, target):
            if len(moved) == moves:
                raise error
            moved.append(str(target))
        rename(source, target)

    return renamed


def test_failure_while_updating_in_place_restores_the_previous_output(
    minimal_site: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without search, a rebuild replaces the changed files inside the output (no swap).
    build(minimal_site, out, search=False)
    before, before_folders = tree(out), folders(out)
    moved: list[str] = []
    monkeypatch.setattr(os, "rename", rename_failing_after(3, OSError("disk unplugged"), moved))
    (minimal_site / "digests" / "weekly" / "2025-03-24.yaml").write_text(SECOND_WEEK, "utf-8")

    with pytest.raises(OSError, match="disk unplugged"):
        build(minimal_site, out, search=False)

    assert len(moved) == 3, "the failure came after some files had been replaced"
    assert tree(out) == before
    assert folders(out) == before_folders
    assert leftovers(out) == []


def test_an_update_killed_half_way_is_undone_by_the_next_build(
    minimal_site: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(minimal_site, out, search=False)
    before = tree(out)
    moved: list[str] = []
    # A KeyboardInterrupt stands for the kill: what follows is not run.
    monkeypatch.setattr(os, "rename", rename_failing_after(3, KeyboardInterrupt(), moved))
    # What a killed process does not do: undo its update, delete its staging folder.
    monkeypatch.setattr(write, "_rollback", lambda out, undo: None)
    monkeypatch.setattr(write.OutputWriter, "abort", lambda self: None)
    (minimal_site / "digests" / "weekly" / "2025-03-24.yaml").write_text(SECOND_WEEK, "utf-8")
    with pytest.raises(KeyboardInterrupt):
        build(minimal_site, out, search=False)
    assert tree(out) != before, "the killed build left the output half updated"
    monkeypatch.undo()

    write.recover_interrupted(out.resolve())

    assert tree(out) == before
    assert leftovers(out) == []
    build(minimal_site, out, search=False)
    cold = minimal_site.parent / "cold"
    build(minimal_site, cold, search=False)
    assert tree(out) == tree(cold)


@pytest.mark.parametrize(
    ("first", "then"), [("old.html", "old.html/new/"), ("old.html/new/", "old.html")]
)
def test_a_page_whose_path_becomes_a_folder_or_a_file_is_updated_as_a_cold_build_writes_it(
    minimal_site: Path, out: Path, first: str, then: str
) -> None:
    """An alias ``old.html`` became ``old.html/new/`` (or back): the update moved the new page
    in before it removed the stale one in its way, failed, and its rollback failed too."""
    digest = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    written = digest.read_text("utf-8")
    digest.write_text(written.replace("kind: weekly\n", f'kind: weekly\naliases: ["{first}"]\n'))
    build(minimal_site, out, search=False)
    digest.write_text(written.replace("kind: weekly\n", f'kind: weekly\naliases: ["{then}"]\n'))

    build(minimal_site, out, search=False)

    cold = minimal_site.parent / "cold"
    build(minimal_site, cold, search=False)
    assert tree(out) == tree(cold)
    assert folders(out) == folders(cold)
    assert leftovers(out) == []


def test_a_rollback_stopped_half_way_is_finished_by_the_next_build(
    minimal_site: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rollback stopped after putting back some of the old files (a kill, or an error): run
    again, it found them gone from the undo folder, took them for new files, and deleted them."""
    build(minimal_site, out, search=False)
    before = tree(out)
    put_back = write._link_or_copy
    restored: list[Path] = []

    def killed_while_restoring(source: Path, target: Path) -> bool:
        if ".build-undo-" in str(source):
            if len(restored) == 2:
                raise KeyboardInterrupt  # stands for the kill: the rollback stops here
            restored.append(target)
        return put_back(source, target)

    monkeypatch.setattr(os, "rename", rename_failing_after(3, OSError("disk unplugged"), []))
    monkeypatch.setattr(write, "_link_or_copy", killed_while_restoring)
    monkeypatch.setattr(write.OutputWriter, "abort", lambda self: None)
    (minimal_site / "digests" / "weekly" / "2025-03-24.yaml").write_text(SECOND_WEEK, "utf-8")
    with pytest.raises(KeyboardInterrupt):
        build(minimal_site, out, search=False)
    monkeypatch.undo()
    assert len(restored) == 2, "stopped after putting back some of the old files"

    write.recover_interrupted(out.resolve())

    assert tree(out) == before
    assert [name for name in leftovers(out) if "-undo-" in name] == []


@pytest.mark.parametrize("killed", [False, True])
def test_an_update_stopped_while_saving_the_old_files_leaves_the_output_as_it_was(
    minimal_site: Path, out: Path, monkeypatch: pytest.MonkeyPatch, killed: bool
) -> None:
    """Ctrl-C (or a kill, then the next build's recovery) while the old files are linked into
    the undo folder: the output was not changed yet, and none of it may be deleted as if the
    build had made it."""
    build(minimal_site, out, search=False)
    before = tree(out)
    link = write._link_into
    saved: list[Path] = []

    def interrupted(source: Path, target: Path) -> None:
        if len(saved) == 2:
            raise KeyboardInterrupt
        saved.append(target)
        link(source, target)

    monkeypatch.setattr(write, "_link_into", interrupted)
    if killed:  # what a killed process does not do: undo its update, delete its staging folder
        monkeypatch.setattr(write, "_rollback", lambda out, undo: None)
        monkeypatch.setattr(write.OutputWriter, "abort", lambda self: None)
    digest = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    digest.write_text(digest.read_text("utf-8").replace("Papers of the week", "Retitled"), "utf-8")
    with pytest.raises(KeyboardInterrupt):
        build(minimal_site, out, search=False)
    monkeypatch.undo()
    assert len(saved) == 2, "stopped after saving some of the old files"

    write.recover_interrupted(out.resolve())

    assert tree(out) == before
    assert leftovers(out) == []


def test_a_swap_killed_before_it_deleted_the_old_output_is_finished_by_the_next_build(
    minimal_site: Path, out: Path
) -> None:
    """The old output renamed aside by a build killed since (a process id no longer running):
    deleted when the new output is in place, put back when the kill came between the two
    renames and there is no output at all."""
    build(minimal_site, out, search=False)
    before = tree(out)
    gone = 2**22 + 12345  # above Linux's default pid_max: no process has it
    (out.parent / f".{out.name}-old-{gone}-abc").mkdir()
    (out.parent / f".{out.name}-old-{gone}-abc" / "index.html").write_text("old", "utf-8")

    write.recover_interrupted(out.resolve())
    assert leftovers(out) == [] and tree(out) == before

    out.rename(out.parent / f".{out.name}-old-{gone}-def")  # killed between the renames
    write.recover_interrupted(out.resolve())
    assert leftovers(out) == [] and tree(out) == before


def test_a_folder_of_the_output_made_a_link_by_hand_is_never_written_through(
    minimal_site: Path, out: Path, tmp_path: Path
) -> None:
    """A rebuild would write and delete papers/… through the link, outside the output: it
    swaps in a whole new folder instead, and the linked folder's files are left alone."""
    build(minimal_site, out, search=False)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "2503.14476").mkdir(parents=True)
    (elsewhere / "2503.14476" / "index.html").write_text("MINE", "utf-8")
    for path in (out / "papers").iterdir():
        if path.is_dir():
            (elsewhere / path.name).mkdir(exist_ok=True)
    outside = tree(elsewhere)
    for path in sorted((out / "papers").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (out / "papers").rmdir()
    (out / "papers").symlink_to(elsewhere, target_is_directory=True)
    digest = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    digest.write_text(digest.read_text("utf-8").replace("Papers of the week", "Retitled"), "utf-8")

    build(minimal_site, out, search=False)

    assert tree(elsewhere) == outside
    assert sorted(p.name for p in elsewhere.rglob("*") if p.is_file()) == ["index.html"]
    assert not (out / "papers").is_symlink()
    cold = tmp_path / "cold"
    build(minimal_site, cold, search=False)
    assert tree(out) == tree(cold)


def test_a_resident_build_leaves_its_finished_undo_folder_for_later(
    minimal_site: Path, out: Path
) -> None:
    """A process that builds again (``papersite serve``) leaves the undo folder of an update
    that finished, with the files it replaced, to delete while idle (``survey_ahead``); else
    the next build deletes it. The output is the same."""
    resident = Resident()
    build(minimal_site, out, search=False, resident=resident)
    second = minimal_site / "digests" / "weekly" / "2025-03-24.yaml"
    second.write_text(SECOND_WEEK, encoding="utf-8")
    build(minimal_site, out, search=False, resident=resident)
    left = leftovers(out)
    assert len(left) == 1 and "-undo-" in left[0], left
    assert not (out.parent / left[0] / write.JOURNAL).exists(), "finished: no journal"
    assert any(path.is_file() for path in (out.parent / left[0]).rglob("*")), "what it replaced"

    survey_ahead(out, resident)
    assert leftovers(out) == []

    second.write_text(SECOND_WEEK.replace("2025-03-24", "2025-03-25"), encoding="utf-8")
    build(minimal_site, out, search=False, resident=resident)
    assert len(leftovers(out)) == 1
    second.unlink()
    build(minimal_site, out, search=False, resident=resident)  # no survey between the two
    assert len(leftovers(out)) == 1, "the next build deletes the last one's"
    cold = minimal_site.parent / "cold"
    build(minimal_site, cold, search=False)
    assert tree(out) == tree(cold)
    assert leftovers(cold) == []


def test_a_rebuild_in_place_removes_emptied_folders_and_hand_added_files(
    minimal_site: Path, out: Path
) -> None:
    second = minimal_site / "digests" / "weekly" / "2025-03-24.yaml"
    second.write_text(SECOND_WEEK, encoding="utf-8")
    build(minimal_site, out, search=False)
    (out / "weekly" / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "papers" / "2503.14476" / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "drafts" / "old").mkdir(parents=True)
    (out / "drafts" / "old" / "page.html").write_text("mine", encoding="utf-8")
    # Beside a folder that holds only a folder (data/schema/v1/): the files deeper down stay.
    (out / "data" / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "papers" / "stray" / "deeper").mkdir(parents=True)  # empty folders, as no build makes
    (out / "empty").mkdir()

    second.unlink()
    report = build(minimal_site, out, search=False)

    assert 0 < len(report.written) < len(tree(out)), "an update in place, not a whole new folder"
    cold = minimal_site.parent / "cold"
    build(minimal_site, cold, search=False)
    assert tree(out) == tree(cold)
    assert folders(out) == folders(cold)


def test_a_rebuild_with_nothing_else_changed_removes_empty_folders_added_by_hand(
    minimal_site: Path, out: Path
) -> None:
    build(minimal_site, out, search=False)
    before = folders(out)
    (out / "papers" / "stray").mkdir()
    (out / "new" / "deeper").mkdir(parents=True)

    assert build(minimal_site, out, search=False).written == []

    assert folders(out) == before


def test_same_input_gives_byte_identical_output(example_site: Path, tmp_path: Path) -> None:
    build(example_site, tmp_path / "first")
    build(example_site, tmp_path / "second")

    first, second = tree(tmp_path / "first"), tree(tmp_path / "second")
    assert first.keys() == second.keys()
    assert [path for path in first if first[path] != second[path]] == []


def test_rebuild_removes_pages_of_a_removed_digest(minimal_site: Path, out: Path) -> None:
    second = minimal_site / "digests" / "weekly" / "2025-03-24.yaml"
    second.write_text(SECOND_WEEK, encoding="utf-8")
    build(minimal_site, out)
    assert (out / "weekly" / "2025-03-24" / "index.html").is_file()
    assert (out / "papers" / "2503.16419" / "index.html").is_file()

    second.unlink()
    build(minimal_site, out)

    assert not (out / "weekly" / "2025-03-24").exists()
    assert not (out / "papers" / "2503.16419").exists()
    assert (out / "weekly" / "2025-03-17" / "index.html").is_file()
    assert leftovers(out) == []


def test_rebuild_drops_files_papersite_did_not_write(
    built: dict[str, bytes], minimal_site: Path, out: Path
) -> None:
    (out / "stale.html").write_text("old", encoding="utf-8")

    build(minimal_site, out)

    assert tree(out) == built


def test_an_update_restores_the_marker_a_person_emptied(
    built: dict[str, bytes], minimal_site: Path, out: Path, tmp_path: Path
) -> None:
    """``touch build/.papersite-output`` (an empty marker): the next build with work to do
    gives the output a cold build gives, marker included."""
    (out / MARKER).write_bytes(b"")
    digest = minimal_site / "digests" / "weekly" / "2025-03-17.yaml"
    digest.write_text(
        WEEKLY.replace("English introduction", "An English introduction"), encoding="utf-8"
    )

    build(minimal_site, out)
    build(minimal_site, tmp_path / "cold")

    assert tree(out) == tree(tmp_path / "cold")


def test_refuses_a_non_empty_folder_it_did_not_make(minimal_site: Path, out: Path) -> None:
    out.mkdir()
    (out / "thesis.tex").write_text("years of work", encoding="utf-8")

    with pytest.raises(OutputError, match=MARKER):
        build(minimal_site, out)

    assert tree(out) == {"thesis.tex": b"years of work"}
    assert leftovers(out) == []


def test_builds_into_an_existing_empty_folder(minimal_site: Path, out: Path) -> None:
    out.mkdir()

    build(minimal_site, out)

    assert (out / MARKER).is_file()


@pytest.mark.parametrize(
    "where",
    [".", "..", "templates", "templates/site", ".papersite-cache/out", "digests/site"],
    ids=["the-source", "its-parent", "the-theme", "in-the-theme", "in-the-cache", "in-digests"],
)
def test_refuses_to_replace_the_source(minimal_site: Path, where: str) -> None:
    """Nor to write into what builds read: the output would become templates."""
    before = tree(minimal_site.parent)

    with pytest.raises(OutputError):
        build(minimal_site, minimal_site / where)

    assert tree(minimal_site.parent) == before
    assert not (minimal_site / "templates").exists()


@pytest.mark.parametrize("linked", ["templates", "digests"])
def test_refuses_to_write_into_a_folder_the_site_links_in(
    minimal_site: Path, tmp_path: Path, linked: str
) -> None:
    """A site's templates/ or digests/ linked to a shared folder: an output in that folder
    would be read back by the next build, as theme files or as digests."""
    shared = tmp_path / "shared"
    (shared / "weekly").mkdir(parents=True)
    if linked == "digests":
        (minimal_site / "digests" / "weekly" / "2025-03-17.yaml").rename(
            shared / "weekly" / "2025-03-17.yaml"
        )
        (minimal_site / "digests" / "weekly").rmdir()
        (minimal_site / "digests").rmdir()
    (minimal_site / linked).symlink_to(shared, target_is_directory=True)
    before = tree(shared)

    with pytest.raises(OutputError, match="which builds read"):
        build(minimal_site, shared / "site")

    assert tree(shared) == before and not (shared / "site").exists()


@pytest.mark.parametrize("linked", ["templates/assets/shared", "digests/shared"])
def test_refuses_to_write_into_a_folder_linked_in_below_what_builds_read(
    minimal_site: Path, tmp_path: Path, linked: str
) -> None:
    """A sub-folder of templates/ or digests/ linked to a shared folder is read through as
    well: an output there was copied into itself by every build (as theme assets), growing."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "extra.css").write_text("body {}\n", encoding="utf-8")
    (minimal_site / linked).parent.mkdir(parents=True, exist_ok=True)
    (minimal_site / linked).symlink_to(shared, target_is_directory=True)
    before = tree(shared)

    with pytest.raises(OutputError, match=f"refusing to write the site into {shared}, which"):
        build(minimal_site, shared / "site")

    assert tree(shared) == before and not (shared / "site").exists()


@pytest.mark.parametrize("linked", ["templates", "digests/shared"])
def test_refuses_to_replace_an_output_that_holds_a_folder_the_site_links_in(
    minimal_site: Path, tmp_path: Path, linked: str
) -> None:
    """A shared folder of digests (or a theme) kept in a folder papersite made: the rebuild
    replaced that folder, and deleted the only copy of the digests with it."""
    out = tmp_path / "out"
    build(minimal_site, out)
    shared = out / "shared"
    shared.mkdir()
    (shared / "2025-03-24.yaml").write_text(SECOND_WEEK, encoding="utf-8")
    (minimal_site / linked).symlink_to(shared, target_is_directory=True)
    before = tree(out)

    with pytest.raises(
        OutputError, match=f"refusing to write the site to {out}: it holds {shared}"
    ):
        build(minimal_site, out)

    assert tree(out) == before


def test_an_output_name_too_long_is_an_output_error(minimal_site: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="File name too long; choose another --out"):
        build(minimal_site, tmp_path / ("x" * 300))


def test_refuses_a_file_as_output(minimal_site: Path, out: Path) -> None:
    out.write_text("not a folder", encoding="utf-8")

    with pytest.raises(OutputError):
        build(minimal_site, out)

    assert out.read_text(encoding="utf-8") == "not a folder"


def test_a_file_given_in_chunks_is_written_as_it_is_made_and_kept_when_unchanged(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    made: list[int] = []

    def chunks(last: bytes) -> Any:
        for number, chunk in enumerate([b'{"a": [', '"한국어"'.encode(), b"", last]):
            made.append(number)
            yield chunk

    first = write.OutputWriter(out, {})
    first.add("data/a.json", chunks(b"]}"))
    first.commit()
    assert (out / "data" / "a.json").read_bytes() == '{"a": ["한국어"]}'.encode()
    assert made == [0, 1, 2, 3], "every chunk was made, once"
    inode = (out / "data" / "a.json").stat().st_ino

    same = write.OutputWriter(out, first.manifest)
    same.add("data/a.json", chunks(b"]}"))
    same.commit()
    assert same.written == [] and (out / "data" / "a.json").stat().st_ino == inode

    changed = write.OutputWriter(out, same.manifest)
    changed.add("data/a.json", chunks(b', "b"]}'))
    changed.commit()
    assert changed.written == ["data/a.json"]
    assert (out / "data" / "a.json").read_bytes() == '{"a": ["한국어", "b"]}'.encode()
    assert changed.manifest["data/a.json"].content != first.manifest["data/a.json"].content
    assert sorted(p.name for p in (out / "data").iterdir()) == ["a.json"], "no partial file left"


@pytest.mark.parametrize("kernel_copy", [True, False], ids=["copy_file_range", "read and write"])
def test_a_span_copied_from_another_file_is_written_and_hashed_as_its_bytes_would_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_copy: bool
) -> None:
    """A data file's records unchanged since the last build are copied from its file as a
    ``Copied`` span, with their hashes: the file must have the same bytes, and the same hash,
    as when every record is given as bytes; with or without the kernel's copy."""
    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    records = [b'{"id": 1}', "한국어 ".encode() * 5000, b'{"id": 3}']
    source = tmp_path / "last.json"
    source.write_bytes(b"[" + b",".join(records) + b"]")
    pieces = [b"[", records[0], b",", records[1], b",", records[2], b"]"]
    whole = write.OutputWriter(tmp_path / "whole", {})
    whole.add("data/a.json", iter(pieces))

    copying = write.OutputWriter(tmp_path / "copied", {})
    descriptor = os.open(source, os.O_RDONLY)
    try:
        start, length = 1 + len(records[0]) + 1, len(records[1]) + 1 + len(records[2])
        hashes = b"".join(write.piece_hash(piece) for piece in pieces[3:6])
        span = write.Copied(descriptor, start, length, hashes)
        copying.add("data/a.json", iter([*pieces[:3], span, b"]"]))
    finally:
        os.close(descriptor)
    copying.commit()
    whole.commit()

    copied = (tmp_path / "copied" / "data" / "a.json").read_bytes()
    assert copied == b"".join(pieces)
    assert copying.manifest["data/a.json"].content == whole.manifest["data/a.json"].content
    # Recorded as the file is once copied (the copy is made by a thread while the build goes
    # on), so that the next build does not take it for a file changed by hand.
    copied_file = tmp_path / "copied" / "data" / "a.json"
    assert copying.manifest["data/a.json"].stat == write.file_stat(copied_file)
    assert source.read_bytes() == copied, "the source is read, not changed"


SIX_PAGES = {f"p{number}/index.html": f"<p>{number}</p>".encode() for number in range(6)}
"""Six pages, each in a folder of its own."""


def six_pages_written(out: Path, *, keyed: bool = False) -> write.OutputWriter:
    """A first build's writer, having written ``SIX_PAGES`` into ``out`` (each keyed on its
    path, with ``keyed``)."""
    first = write.OutputWriter(out, {})
    for path, content in SIX_PAGES.items():
        first.add(path, content, inputs=path if keyed else None)
    first.commit()
    return first


def test_files_a_worker_kept_are_in_the_whole_staging_copy(tmp_path: Path) -> None:
    """A forked worker's writer keeps pages whose bytes did not change; the parent, merging its
    share, must read them where they are, and link them into a whole copy of the site (for a
    swap), or they would be lost."""
    out = tmp_path / "out"
    first = write.OutputWriter(out, {})
    first.add("a/index.html", b"<p>a</p>")
    first.add("b/index.html", b"<p>b</p>")
    first.commit()
    parent = write.OutputWriter(out, first.manifest, write.folder_times(out, first.manifest))
    worker = copy.copy(parent)  # what fork gives the worker: the same writer, its own copy

    worker.begin_share()
    worker.add("a/index.html", b"<p>a</p>")  # the same bytes: kept
    worker.add("b/index.html", b"<p>B</p>")
    parent.merge(worker.share())
    assert parent.read("a/index.html") == b"<p>a</p>"  # what Pagefind is given
    assert parent.read("b/index.html") == b"<p>B</p>"
    staging = parent.whole_staging()

    assert (staging / "a" / "index.html").read_bytes() == b"<p>a</p>"
    assert parent.written == ["b/index.html"]
    parent.commit()
    assert (out / "a" / "index.html").read_bytes() == b"<p>a</p>"
    assert (out / "b" / "index.html").read_bytes() == b"<p>B</p>"


def written_output(out: Path, count: int) -> tuple[write.OutputStamps, dict[str, int]]:
    """An output of ``count`` pages, one per folder, as a build records it, and its folders'
    times."""
    writer = write.OutputWriter(out, {})
    for number in range(count):
        writer.add(f"p{number}/index.html", f"<p>{number}</p>".encode())
    writer.commit()
    times = write.folder_times(out, writer.manifest)
    return write.OutputStamps.of(writer.manifest, times), times


def append_to(page: Path) -> None:
    with page.open("a") as file:
        file.write("x")


OUTPUT_CHANGES = {
    "edit in place": append_to,
    "same size, new time": lambda page: os.utime(page, ns=(1, 1)),
    "delete": lambda page: page.unlink(),
    "add beside": lambda page: (page.parent / "stray.html").write_text("x"),
}


@pytest.mark.parametrize("change", sorted(OUTPUT_CHANGES))
@pytest.mark.parametrize("forked", [False, True])
def test_the_output_check_sees_any_change_to_any_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, forked: bool
) -> None:
    """The check a build with nothing to do makes, in one process or split with a forked child
    (which checks every other path): a change to the first or the last page is seen."""
    monkeypatch.setattr(write, "FORK_CHECKS", 4 if forked else 10**9)
    out = tmp_path / "out"
    stamps, times = written_output(out, 6)
    assert stamps.match(out)
    assert stamps.folder_record() == times
    for number in (0, 5):
        OUTPUT_CHANGES[change](out / f"p{number}" / "index.html")
        assert not stamps.match(out), f"{change} of page {number}"
        stamps, _ = written_output(out, 6)  # rebuilt: unchanged again
        assert stamps.match(out)


@pytest.mark.parametrize("change", sorted(OUTPUT_CHANGES))
@pytest.mark.parametrize("forked", [False, True])
def test_a_rebuild_keeps_no_page_changed_since_and_removes_a_file_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, forked: bool
) -> None:
    """What a build with work to do asks of the last output, in one process or split with a
    forked child (``OutputWriter._survey``): a page changed or deleted since is not kept, a file
    added beside one is removed, every other page is kept; and the output's new record, whose
    folder times are asked again only where the update touched, is what the output is."""
    monkeypatch.setattr(write, "FORK_CHECKS", 4 if forked else 10**9)
    out = tmp_path / "out"
    pages = SIX_PAGES
    first = six_pages_written(out, keyed=True)
    times = first.folder_times()
    for path in ("p0/index.html", "p5/index.html"):
        OUTPUT_CHANGES[change](out / path)

    writer = write.OutputWriter(out, first.manifest, times)
    kept = [path for path in pages if writer.reuse(path, inputs=path)]
    for path in pages.keys() - set(kept):
        writer.add(path, pages[path], inputs=path)
    writer.commit()

    untouched = [path for path in pages if path not in ("p0/index.html", "p5/index.html")]
    assert kept == (list(pages) if change == "add beside" else untouched)
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == {**pages, write.MARKER: (out / write.MARKER).read_bytes()}
    assert write.OutputStamps.of(writer.manifest, writer.folder_times()).match(out)


@pytest.mark.parametrize("swap_from", [3, 1000])
def test_a_rebuild_that_changes_most_files_swaps_in_a_whole_new_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap_from: int
) -> None:
    """Past ``SWAP_FROM`` files written, and more written than kept, the kept pages are linked
    into the staging folder, which replaces the output; below, the output is updated in place.
    Either way the output is the new one, without the file added by hand, and the kept page is
    the same file."""
    monkeypatch.setattr(write, "SWAP_FROM", swap_from)
    out = tmp_path / "out"
    pages = SIX_PAGES
    first = six_pages_written(out)
    times = first.folder_times()
    (out / "p1" / "mine.txt").write_text("mine", encoding="utf-8")
    # Seen by the folder's time, which may not have moved on within the file system's tick.
    os.utime(out / "p1", ns=(1, 1))
    output_folder, kept_page = out.stat().st_ino, (out / "p0" / "index.html").stat().st_ino

    writer = write.OutputWriter(out, first.manifest, times)
    new_pages = {path: content + b"!" for path, content in pages.items() if path != "p0/index.html"}
    writer.add("p0/index.html", pages["p0/index.html"])
    for path, content in new_pages.items():
        writer.add(path, content)
    writer.commit()

    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == {**pages, **new_pages, write.MARKER: (out / write.MARKER).read_bytes()}
    assert (out / "p0" / "index.html").stat().st_ino == kept_page
    assert (out.stat().st_ino != output_folder) == (swap_from == 3)
    assert leftovers(out) == []
    assert write.OutputStamps.of(writer.manifest, writer.folder_times()).match(out)


def test_files_removed_from_one_folder_have_it_asked_once_whether_it_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind's bundle keeps a file per page in one folder: asked after each removal, that
    folder was read thousands of times over (minutes at 10,000 papers)."""
    out = tmp_path / "out"
    first = write.OutputWriter(out, {})
    first.add("index.html", b"<p>home</p>")
    for number in range(50):
        first.add(f"many/{number}.pf_fragment", f"{number}".encode())
        first.add(f"deep/er/{number}.txt", f"{number}".encode())
    first.commit()
    asked: list[str] = []
    iterdir = Path.iterdir
    monkeypatch.setattr(Path, "iterdir", lambda path: asked.append(path.name) or iterdir(path))

    writer = write.OutputWriter(out, first.manifest, first.folder_times())
    writer.add("index.html", b"<p>home</p>")
    writer.commit()

    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [MARKER, "index.html"]
    assert sorted(asked) == ["deep", "er", "many"], "each emptied folder asked once"


@pytest.mark.parametrize("size", [0, 1, 3])
def test_a_manifest_packed_unpacks_as_it_was(size: int) -> None:
    manifest = {
        f"p{number}/index.html": write.Written(
            None if number % 2 else f"key {number}", f"{number:032x}", (number, 10 + number, -1, 7)
        )
        for number in range(size)
    }
    assert write.unpack_manifest(write.pack_manifest(manifest)) == manifest


def test_a_site_with_no_digest_yet_builds_with_search_and_indexes_its_first(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    """Pagefind cannot index a site with nothing to search: until the first digest, the search
    page says that search is unavailable (as without search) and loads none of its files."""
    site = write_tree({"papersite.yaml": SITE_CONFIG, "digests/README.md": "Digests go here.\n"})
    out = tmp_path / "build"

    build(site, out)

    search = lxml.html.fromstring((out / "search" / "index.html").read_bytes())
    assert search.xpath('//*[@id="search"]') == []
    assert search.get_element_by_id("search-unavailable").get("hidden") is None
    assert not any("pagefind" in page for page in tree(out)), "no bundle, nothing loads one"

    (site / "digests" / "weekly").mkdir()
    (site / "digests" / "weekly" / "2025-03-17.yaml").write_text(WEEKLY, encoding="utf-8")
    build(site, out)
    build(site, tmp_path / "cold")

    assert (out / "pagefind" / "pagefind-entry.json").is_file()
    search = lxml.html.fromstring((out / "search" / "index.html").read_bytes())
    assert search.get_element_by_id("search").get("data-bundle") == "../pagefind/"
    assert tree(out) == tree(tmp_path / "cold")
