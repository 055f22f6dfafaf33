"""A rebuild that swaps in a whole new output (``write.SWAP_FROM``) and a file of the old one
changed by hand after the build surveyed it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from papersite import write
from test_output import SIX_PAGES, six_pages_written


def edit_in_place_keeping_size_and_time(page: Path) -> None:
    """An edit by hand that leaves the file's inode, size and modification time as they were
    (``touch -r``, ``cp -p`` over it, some sync tools): only its change time moves."""
    status = page.stat()
    page.write_bytes(page.read_bytes().replace(b"<p>", b"<P>", 1))
    os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))


def test_a_kept_file_edited_by_hand_after_the_survey_is_not_vouched_for_by_a_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``papersite serve`` surveys the output while idle; a page edited by hand after that,
    its size and time put back, is kept by the next build, which cannot know. When that build
    swaps in a whole new output, linking the kept page moves its change time: the record must
    not take the edited page's new change time as the build's, or no later build would ever
    make the page again. The build after the next finds it changed and makes it again."""
    monkeypatch.setattr(write, "SWAP_FROM", 3)  # the rebuild writes more files than it keeps
    out = tmp_path / "out"
    pages = SIX_PAGES
    first = six_pages_written(out)
    folders = first.folder_times()

    swapping = write.OutputWriter(out, first.manifest, folders)  # surveyed here
    edit_in_place_keeping_size_and_time(out / "p0" / "index.html")
    swapping.add("p0/index.html", pages["p0/index.html"])  # kept: the survey saw no change
    for path, content in pages.items():
        if path != "p0/index.html":
            swapping.add(path, content + b"!")
    swapping.commit()
    assert swapping.written == sorted(set(pages) - {"p0/index.html"})

    changed, _ = write.survey_output(out, swapping.manifest, swapping.folder_times())
    assert changed == {"p0/index.html"}
    assert not write.OutputStamps.of(swapping.manifest, swapping.folder_times()).match(out)
    repairing = write.OutputWriter(out, swapping.manifest, swapping.folder_times())
    repairing.add("p0/index.html", pages["p0/index.html"])
    repairing.commit()
    assert repairing.written == ["p0/index.html"]
    assert (out / "p0" / "index.html").read_bytes() == pages["p0/index.html"]
