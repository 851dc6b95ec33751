"""The corpus folder: each article's original bytes and its metadata, written atomically.

Layout of a corpus at PATH (names in layout.py):
    PATH/<name>.<ext>              the article exactly as added (a bulk record as <name>.json)
    PATH/.meta/<name>.<ext>.json   what `add` was told about it: id, source, title, url, hash
    PATH/.lock                     held by the one process that writes (indexer/lock.py)
    PATH/.corpus                   marks the folder as a corpus

A file with no metadata (a folder of articles copied in by hand, like the bundled sample)
is an article too, its id the slug of its name.

Writes come in batches. Every new file goes to a temporary name first; once the whole
batch is on disk and synced, the temporaries are renamed into place (the article's bytes
before its metadata) and the folder is synced again: two syncs per batch, not four
fsyncs per article. A crash leaves at worst an article's new bytes with its metadata
still pending; `recover()` finishes that (the pending metadata names the hash of the
bytes it belongs to) or drops temporaries that never landed. Deleting removes the
article's bytes before its metadata, so a crash in between leaves an orphan metadata
file (ignored, then cleaned up), never an article under a name-derived id.

Only a writer, holding the corpus lock, changes the folder. A reader sees it as
`recover()` would leave it: metadata still pending counts once its bytes have landed.
Files and folders written here take their permissions from the corpus folder, not from
the writer's umask, so every user who may read a shared corpus may read its articles.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .formats import is_article_name
from .layout import MARKER, META_DIR
from .load import text_name
from .models import Metadata

_TMP = ".tmp"
#: A batch this large is written by `_WRITERS` threads.
_THREADED = 16
_WRITERS = 8


@dataclass(frozen=True, slots=True)
class Stored:
    """One article as it sits in the corpus folder."""

    id: str
    #: The article file's name inside the corpus folder.
    name: str
    source: str
    sha256: str
    given: Metadata
    added: float
    #: Whether a readable metadata file says all this (else it comes from the file's name).
    described: bool = True

    @property
    def extension(self) -> str:
        return Path(self.name).suffix.lower()


@dataclass(frozen=True, slots=True)
class Put:
    """One article file (and its metadata) to write."""

    stored: Stored
    data: bytes


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stamp(path: Path) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return "-"
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"


def _write(path: Path, data: bytes, mode: int) -> None:
    with open(path, "wb") as handle:
        os.fchmod(handle.fileno(), mode)  # the folder's, not the umask's (see folder_modes)
        handle.write(data)


def folder_modes(root: Path) -> tuple[int, int]:
    """The permissions for a file and a folder written in the corpus folder: what the
    folder grants its group and others (read, and write for a shared folder), never
    execute for a file, whatever the writer's umask."""
    mode = os.stat(root).st_mode
    return mode & 0o666 | 0o600, mode & 0o7777 | 0o700


def _fsync_path(path: Path) -> None:
    """fsync a file or folder by path; one that is gone (or cannot be opened) is skipped."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)



@functools.cache
def _syncfs():
    """Linux's syncfs(2), looked up on first use (only writers need it), or None."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return None


def _sync(folder: Path, files: Iterable[Path]) -> None:
    """Make everything written under `folder` durable: one syncfs where Linux has it."""
    syncfs = _syncfs()
    if syncfs is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in files:  # elsewhere (or if syncfs failed), each file and then its folder
        _fsync_path(path)
    _fsync_path(folder)
    _fsync_path(folder / META_DIR)


class Store:
    """Reads and writes the article files and their metadata in one corpus folder."""

    def __init__(self, root: Path):
        self.root = root
        self.meta = root / META_DIR
        #: Article names whose metadata a writer left pending (as of the last `scan`).
        self._pending: set[str] = set()
        #: Whether the last `scan` met a writer's temporary files.
        self.temporaries = False

    # -- reading -----------------------------------------------------------------

    def exists(self) -> bool:
        return self.root.is_dir()

    def stamps(self) -> str:
        """The folder's and .meta's stat stamps: any entry added, removed or renamed changes them."""
        return f"{_stamp(self.root)}|{_stamp(self.meta)}"

    def scan(self) -> dict[str, str]:
        """Every article file's name and fingerprint (its own size and mtime, and its metadata's).

        Two folder listings and a stat per file; no file is opened.
        """
        meta: dict[str, str] = {}
        pending: set[str] = set()
        temporaries = False
        if self.meta.is_dir():
            for entry in os.scandir(self.meta):
                if entry.name.endswith(".json") and not entry.name.startswith("."):
                    try:
                        stat = entry.stat()
                    except OSError:
                        continue
                    meta[entry.name[: -len(".json")]] = f"{stat.st_size}:{stat.st_mtime_ns}"
                elif entry.name.endswith(f".json{_TMP}"):
                    pending.add(entry.name[: -len(f".json{_TMP}")])
        found: dict[str, str] = {}
        if self.root.is_dir():
            for entry in os.scandir(self.root):
                if entry.name.startswith(".") and entry.name.endswith(_TMP):
                    temporaries = True
                elif is_article_name(entry.name):
                    try:
                        # A link is not an article: one planted in a shared corpus could
                        # otherwise pull any file of the reader's (/etc/..., ~/.ssh/...) into it.
                        if not entry.is_file(follow_symlinks=False):
                            continue
                        stat = entry.stat()
                    except OSError:
                        continue
                    found[entry.name] = f"{stat.st_size}:{stat.st_mtime_ns}:{meta.get(entry.name, '-')}"
        self._orphans = [name for name in meta if name not in found and is_article_name(name)]
        self._pending = pending
        self.temporaries = temporaries or bool(pending)
        return found

    def has_temporaries(self) -> bool:
        """Whether a writer's temporary files are in the folder (names only, no stat)."""
        if not self.root.is_dir():
            return False
        with os.scandir(self.root) as entries:
            if any(e.name.startswith(".") and e.name.endswith(_TMP) for e in entries):
                return True
        if not self.meta.is_dir():
            return False
        with os.scandir(self.meta) as entries:
            return any(e.name.endswith(f".json{_TMP}") for e in entries)

    def orphan_metadata(self) -> list[str]:
        """Metadata files whose article is gone (as of the last `scan`)."""
        return list(getattr(self, "_orphans", []))

    def fingerprint(self, name: str) -> str:
        stat = (self.root / name).stat()
        try:
            meta = (self.meta / f"{name}.json").stat()
            meta_print = f"{meta.st_size}:{meta.st_mtime_ns}"
        except FileNotFoundError:
            meta_print = "-"
        return f"{stat.st_size}:{stat.st_mtime_ns}:{meta_print}"

    def stored(self, name: str) -> Stored:
        """What the folder says of one article file: its metadata, or, where that is
        missing or damaged, what its name says."""
        record = self._pending_record(name) if name in self._pending else None
        record = record or self._meta_record(name)
        if record is None:
            return Stored(id="", name=name, source=text_name(str(self.root.absolute() / name)), sha256="",
                          given=Metadata(), added=0.0, described=False)
        return Stored(id=record["id"], name=name, source=record["source"], sha256=record["sha256"],
                      given=Metadata(title=record["title"], url=record["url"]), added=record["added"])

    def _pending_record(self, name: str) -> dict | None:
        """The metadata a writer left pending for `name`, if its bytes landed (what
        `recover` would roll forward), for a reader who may not finish the write itself."""
        record = self._meta_record(name, f".json{_TMP}")
        try:
            landed = record is not None and record["sha256"] == digest((self.root / name).read_bytes())
        except OSError:
            landed = False
        return record if landed else None

    def _meta_record(self, name: str, suffix: str = ".json") -> dict | None:
        try:
            record = json.loads((self.meta / f"{name}{suffix}").read_bytes())
        except (OSError, ValueError, RecursionError):
            return None  # missing or damaged: the file still counts, under its own name
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"].strip():
            return None

        def text(key: str) -> str | None:
            value = record.get(key)
            return value if isinstance(value, str) and value else None

        added = record.get("added")
        return {"id": record["id"], "source": text("source") or text_name(str(self.root.absolute() / name)),
                "sha256": text("sha256") or "", "title": text("title"), "url": text("url"),
                "added": float(added) if isinstance(added, (int, float)) else 0.0}

    def articles(self) -> dict[str, Stored]:
        """Every described article in the folder, by id (reads every metadata file: for
        rebuilds and checks, never for a command on one article)."""
        found: dict[str, Stored] = {}
        for name in sorted(self.scan()):
            stored = self.stored(name)
            key = stored.id or name
            if key not in found or stored.added >= found[key].added:
                found[key] = stored
        return found

    def read(self, stored: Stored) -> bytes:
        return (self.root / stored.name).read_bytes()

    # -- writing (callers hold the lock) -----------------------------------------

    def mark(self) -> None:
        """Make the folder a corpus folder (and create it) if it is not one yet."""
        marker = self.root / MARKER
        if not marker.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            _write(marker, "corpus-search corpus folder: articles as added, .meta/ what add was told.\n"
                   .encode("utf-8"), folder_modes(self.root)[0])

    def make_meta(self) -> None:
        """Make the metadata folder, with the corpus folder's permissions, if it is missing."""
        if not self.meta.is_dir():
            self.meta.mkdir(parents=True, exist_ok=True)
            os.chmod(self.meta, folder_modes(self.root)[1])

    def write(self, puts: list[Put], deletes: Iterable[str] = ()) -> None:
        """Store a batch of articles and delete some files, durably, one sync per step."""
        deletes = list(deletes)
        if not puts and not deletes:
            return
        file_mode = folder_modes(self.root)[0]
        self.make_meta()
        pending = [(self.root / f".{put.stored.name}{_TMP}", self.meta / f"{put.stored.name}.json{_TMP}",
                    put.stored.name) for put in puts]

        def write_one(put: Put) -> None:
            stored = put.stored
            record = {"id": stored.id, "source": stored.source, "sha256": stored.sha256, "added": stored.added,
                      "title": stored.given.title, "url": stored.given.url}
            # Metadata first: whenever new bytes are in place, their metadata is pending.
            _write(self.meta / f"{stored.name}.json{_TMP}", json.dumps(record, ensure_ascii=False).encode("utf-8"),
                   file_mode)
            _write(self.root / f".{stored.name}{_TMP}", put.data, file_mode)

        if len(puts) < _THREADED:
            for put in puts:
                write_one(put)
        else:
            # Creating a file waits on the file system far more than it uses the CPU; a few
            # threads overlap those waits.
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(_WRITERS) as threads:
                list(threads.map(write_one, puts))
        if pending:
            _sync(self.root, [p for d, m, _ in pending for p in (d, m)])
        for data_tmp, meta_tmp, name in pending:
            os.replace(data_tmp, self.root / name)
            os.replace(meta_tmp, self.meta / f"{name}.json")
        for name in deletes:
            self._unlink(name)
        _sync(self.root, [self.root / name for *_, name in pending]
              + [self.meta / f"{name}.json" for *_, name in pending])

    def delete(self, names: Iterable[str]) -> None:
        names = list(names)
        for name in names:
            self._unlink(name)
        if names:
            _fsync_path(self.root)
            _fsync_path(self.meta)

    def _unlink(self, name: str) -> None:
        # Bytes first: a crash in between leaves an orphan metadata file, not an
        # undescribed article that would come back under an id made from its name.
        for path in (self.root / name, self.meta / f"{name}.json"):
            try:
                path.unlink()
            except FileNotFoundError:
                pass

    def drop_orphans(self, names: Iterable[str]) -> None:
        for name in names:
            if not (self.root / name).exists():
                (self.meta / f"{name}.json").unlink(missing_ok=True)

    def recover(self) -> bool:
        """Finish or undo a write that a crash interrupted; whether there was one."""
        found = False
        if self.meta.is_dir():
            for pending in self.meta.glob(f"*.json{_TMP}"):
                found = True
                name = pending.name[: -len(f".json{_TMP}")]
                try:
                    record = json.loads(pending.read_bytes())
                    current = digest((self.root / name).read_bytes())
                    landed = isinstance(record, dict) and record.get("sha256") == current
                except (OSError, ValueError, RecursionError):
                    landed = False
                if landed:
                    os.replace(pending, self.meta / f"{name}.json")  # bytes landed: roll forward
                else:
                    pending.unlink(missing_ok=True)  # bytes never landed: roll back
        if self.root.is_dir():
            for stray in self.root.glob(f".*{_TMP}"):
                found = True
                stray.unlink(missing_ok=True)
        return found

