"""The persistent build cache, ``.papersite-cache/build/``: what a build can reuse from the last.

It holds the parsed digest files (by the hash of their bytes), the rendered Markdown texts (by
the hash of their source) and, for the last few output folders, the record of the last build
into each: the hash of its inputs and, for every file, the hash of what it was made from and of
its bytes (``build.LastBuild``). So a rebuild parses and renders only what changed, and takes the
unchanged pages from the previous output. Everything in it is derived: the folder is git-ignored
and safe to delete, and a cache written by another version of papersite or Python is ignored as
a whole.

Each part is a pickle file (the large ones 16, by key; the records of the last builds one for
each), each replaced atomically, holding only what the last build used, so the cache does not
grow with deleted content. A cache that cannot be read is treated as empty: it can only make a
build slower, never different.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import itertools
import os
import pickle
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

from papersite import __version__
from papersite.names import CACHE_ROOT

CACHE_DIR = f"{CACHE_ROOT}/build"
COMPILED_DIR = f"{CACHE_ROOT}/templates"
"""Where a site's compiled templates are kept (``render.CompiledTemplates``)."""
FORMAT = 42


def unusable_folder(folder: Path, within: Path) -> str | None:
    """Why nothing can be cached in ``folder``, said with what to do: it, or a folder above it
    inside ``within`` (the site folder), is something else (a file, a symbolic link to nothing)
    where a folder must be. None when ``folder`` is a folder, or can be made. Never an error: a
    build without a cache is only slower; but worth a warning, since every build, and every link
    check, then starts from scratch."""
    for path in itertools.takewhile(lambda path: path != within, (folder, *folder.parents)):
        if path.is_dir():
            return None
        if os.path.lexists(path):
            return (
                f"{path} is {_what_is(path)}, not a folder, so nothing is cached and each run "
                f"starts from scratch; remove it ({CACHE_ROOT} holds only what papersite makes "
                "again, and is safe to delete)"
            )
    return None


def unusable_caches(source: Path) -> list[str]:
    """Why the site's build cache, or its compiled templates, cannot be kept
    (``unusable_folder``), once for each thing in the way."""
    reasons = (unusable_folder(source / folder, source) for folder in (CACHE_DIR, COMPILED_DIR))
    return list(dict.fromkeys(reason for reason in reasons if reason is not None))


def _what_is(path: Path) -> str:
    """What stands at ``path``, which is not a folder."""
    if path.is_symlink():
        target = os.readlink(path)
        return f"a symbolic link to {target}" + ("" if path.exists() else ", which does not exist")
    return "a file"


def content_hash(*parts: bytes | str) -> str:
    """A short, collision-resistant name for some content (BLAKE2b, 128 bits)."""
    encoded = [p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p for p in parts]
    # Each part's length first, so that ("ab", "c") and ("a", "bc") differ. Joined and hashed
    # at once: a page's key hashes hundreds of short parts, and each update call costs more
    # than its bytes do.
    joined = b"".join(b for data in encoded for b in (len(data).to_bytes(8, "little"), data))
    return hashlib.blake2b(joined, digest_size=16).hexdigest()


@functools.cache
def _salt() -> str:
    """What every entry depends on besides its own key: this papersite, this Python, and the
    libraries that make what is kept (``RENDERING_LIBRARIES``)."""
    return f"papersite {__version__}; cache {FORMAT}; python {sys.version}; {_libraries()}"


RENDERING_LIBRARIES = (
    "yaml", "pydantic", "pydantic_core", "markdown_it", "mdit_py_plugins", "latex2mathml",
    "jinja2", "markupsafe",
)  # fmt: skip
"""The libraries whose upgrade can change a parsed file, a rendering or a page: an upgrade
makes every kept entry stale, as a new papersite does."""


def _libraries() -> str:
    """Each of ``RENDERING_LIBRARIES`` as installed: its package file's size and time, which
    installing another version rewrites. Found without importing it (``find_spec``), and
    without ``importlib.metadata``, whose import alone costs a build with nothing to do 50 ms."""
    installed = []
    for name in RENDERING_LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
            status = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            status = None
        stamp = f"{status.st_size}:{status.st_mtime_ns}" if status is not None else "-"
        installed.append(f"{name} {stamp}")
    return ", ".join(installed)


SHARDS = 16
"""Each large part is kept in this many files, by key, so that a build that adds one entry
rewrites a sixteenth of the part (at 10,000 papers, 5 MB instead of 80)."""
SHARDED = frozenset({"parsed", "markup"})
"""The large parts: one entry per digest file or text. The others are one file, so that their
order is the order of storing (``keep_recent``)."""
FILED = frozenset({"output"})
"""The parts whose every entry is a file of its own (``part-<hash of the key>.pickle``), with the
part's file listing their keys in order: the records of the last build into each output folder
(``build.LastBuild``), 10 MB each at 10,000 papers, of which a build reads one. Each is read
only when asked for, and pickled straight into its file, never whole in memory, where it would
be the build's peak (50 MB more at 50,000 papers)."""


class _OnDisk:
    """An entry of a ``FILED`` part that is in its file and not yet read."""


ON_DISK = _OnDisk()


def _shard(part: str, key: str) -> int:
    if part not in SHARDED:
        return 0
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


class BuildCache:
    """The cache folder of one site; each part is a dict loaded on first use.

    ``used`` parts are written back by ``save``, with only the keys the build looked up or
    stored, so that entries of deleted or edited content are dropped; only the shard files
    whose entries changed are written.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._parts: dict[str, dict[str, Any]] = {}
        self._used: dict[str, dict[str, Any]] = {}
        self._changed: dict[str, set[int]] = {}
        """The shards of each part that this build stored into."""
        self._taken: dict[str, set[str]] = {}
        """The keys of each part that this build took (``take``): used, but not held."""
        self._loaded: dict[str, dict[int, int]] = {}
        """How many entries each shard of a part held when read."""
        self._stored: dict[str, set[str]] = {}
        """The keys of each ``FILED`` part that this build stored into (``put``)."""

    @classmethod
    def for_site(cls, source: Path) -> BuildCache:
        return cls(source / CACHE_DIR)

    def get(self, part: str, key: str) -> Any | None:
        value = self._part(part).get(key)
        if value is ON_DISK:
            value = self._read_entry(part, key)
            if value is None:  # unreadable: no entry
                del self._parts[part][key]
            else:
                self._parts[part][key] = value
        if value is not None:
            self._used.setdefault(part, {})[key] = value
        return value

    def take(self, part: str, key: str) -> Any | None:
        """``get``, for a value used once: the cache lets go of it, so that it is not held in
        memory for the rest of the build (the parsed digest files: 80 MB at 10,000 papers,
        unpickled as soon as they are taken). Kept in the cache all the same."""
        value = self._part(part).pop(key, None)
        if value is not None:
            self._taken.setdefault(part, set()).add(key)
        return value

    def holds(self, part: str, key: str) -> bool:
        """Whether the cache has an entry at ``key``, without using it."""
        return key in self._part(part)

    def put(self, part: str, key: str, value: Any) -> None:
        entries = self._part(part)
        entries.pop(key, None)  # so that the part's order is the order of storing
        entries[key] = value
        self._used.setdefault(part, {})[key] = value
        self._changed.setdefault(part, set()).add(_shard(part, key))
        if part in FILED:
            self._stored.setdefault(part, set()).add(key)

    def keep_recent(self, part: str, count: int) -> None:
        """Keep the ``count`` entries of ``part`` stored last, even those this build did not use
        (the records of other output folders: ``build/`` and ``serve``'s)."""
        self._used[part] = dict(list(self._part(part).items())[-count:])

    def save(self) -> None:
        """Write back every shard whose entries this build changed, or used only some of. A
        cache that cannot be written is left as it was: the build has succeeded, and the next
        one is only slower."""
        for part in dict.fromkeys([*self._used, *self._taken]):
            if not self._save_part(part):
                return

    def flush(self, part: str) -> None:
        """Write back ``part`` now, as ``save`` would, and let go of its entries: for the parsed
        digest files once the site they make is known to be valid (80 MB of pickles at 10,000
        papers, which a first build would otherwise hold to its end). Only for a part the rest
        of the build does not look up."""
        if self._save_part(part):
            for record in (self._parts, self._used, self._taken, self._changed, self._loaded):
                record.pop(part, None)

    def _save_part(self, part: str) -> bool:
        """Write back the part's shards that need it; False if the cache cannot be written."""
        if part in FILED:
            return self._save_filed(part)
        if part in SHARDED:  # the one file it was before it had shards, which no build reads
            with contextlib.suppress(OSError):  # a cache folder that cannot be written (below)
                (self.folder / f"{part}.pickle").unlink(missing_ok=True)
        used, taken = self._used.get(part, {}), self._taken.get(part, set())
        shards: dict[int, list[str]] = {}
        # In the order of use, which the unsharded part keeps (``keep_recent``).
        for key in [*used, *(taken - used.keys())]:
            shards.setdefault(_shard(part, key), []).append(key)
        loaded, changed = self._loaded.get(part, {}), self._changed.get(part, set())
        for shard in range(SHARDS if part in SHARDED else 1):
            keys = shards.get(shard, [])
            if shard not in changed and len(keys) == loaded.get(shard, 0):
                continue  # the same entries as the file has
            entries = {key: used[key] for key in keys if key in used}
            if len(entries) < len(keys):  # taken entries, which only the file still holds
                stored = self._read(part, shard)
                entries.update((key, stored[key]) for key in keys if key in stored)
            try:
                self._write(part, shard, entries)
            except OSError:
                return False
        return True

    def _save_filed(self, part: str) -> bool:
        """``_save_part`` for a ``FILED`` part: the entries stored, each in its file; the list
        of the keys used, in order; and every other entry file of the part deleted (those of
        keys no longer listed, or left by a build that stopped before listing its own)."""
        used = self._used.get(part, {})
        try:
            for key, value in used.items():
                if key in self._stored.get(part, ()):
                    self._write_file(self._entry_path(part, key), (_salt(), key, value))
            self._write(part, 0, dict.fromkeys(used))
        except OSError:
            return False
        kept = {self._entry_path(part, key) for key in used}
        for path in self.folder.glob(f"{part}-*.pickle"):
            # One that cannot be deleted (a folder by that name) is only left: the build, whose
            # output is in place, has succeeded.
            if path not in kept:
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
        return True

    def _entry_path(self, part: str, key: str) -> Path:
        return self.folder / f"{part}-{content_hash(key)}.pickle"

    def _read_entry(self, part: str, key: str) -> Any | None:
        """A ``FILED`` entry, from its file; None if it cannot be read, as a part's file."""
        try:
            with open(self._entry_path(part, key), "rb") as file:
                salt, stored_key, value = pickle.load(file)
        except Exception:
            return None
        return value if salt == _salt() and stored_key == key else None

    def _part(self, part: str) -> dict[str, Any]:
        if part in FILED and part not in self._parts:
            self._parts[part] = dict.fromkeys(self._read(part, 0), ON_DISK)
        if part not in self._parts:
            entries: dict[str, Any] = {}
            loaded = self._loaded.setdefault(part, {})
            for shard in range(SHARDS if part in SHARDED else 1):
                stored = self._read(part, shard)
                loaded[shard] = len(stored)
                entries.update(stored)
            self._parts[part] = entries
        return self._parts[part]

    def _path(self, part: str, shard: int) -> Path:
        return self.folder / (f"{part}-{shard:x}.pickle" if part in SHARDED else f"{part}.pickle")

    def _read(self, part: str, shard: int) -> dict[str, Any]:
        try:
            with open(self._path(part, shard), "rb") as file:
                salt, entries = pickle.load(file)
        # Anything wrong with the file (missing, truncated, from an older papersite whose
        # classes have changed) means starting empty.
        except Exception:
            return {}
        return entries if salt == _salt() and isinstance(entries, dict) else {}

    def _write(self, part: str, shard: int, entries: dict[str, Any]) -> None:
        self._write_file(self._path(part, shard), (_salt(), entries))

    def _write_file(self, path: Path, value: Any) -> None:
        """Pickle ``value`` into ``path``, replacing it at once; streamed, as a file is
        written, not made whole in memory first."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
