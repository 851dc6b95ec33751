"""The corpus folder: each article's original bytes and its metadata, written atomically.

Layout of a corpus at PATH:
    PATH/<name>.<ext>            the article exactly as added (a bulk record as <name>.json)
    PATH/.meta/<name>.<ext>.json what the user said about it (id, source, title, url) and its hash
    PATH/.index/                 the Whoosh index, rebuilt from the above at any time
    PATH/.lock                   held by the one process that writes

A file with no metadata (a folder of articles copied in by hand, like the bundled sample)
is an article too, its id the slug of its name.

Replacing an article writes the new bytes and metadata to temporary files first, then
renames the bytes into place and then the metadata. A crash between the two renames is
rolled forward by `recover()`: the pending metadata names the hash of the bytes it belongs to.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusBusy, CorpusError
from .load import EXTENSIONS, slugify
from .models import Metadata

META_DIR = ".meta"
INDEX_DIR = ".index"
LOCK_FILE = ".lock"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


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

    @property
    def extension(self) -> str:
        return Path(self.name).suffix.lower()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_name(article_id: str, extension: str) -> str:
    """A file name for an id: the id itself where that is safe, else its slug and a short hash."""
    stem = article_id if _SAFE_NAME.match(article_id) and not article_id.startswith(".") else (
        f"{slugify(article_id)}-{digest(article_id.encode())[:8]}")
    return stem + extension


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """Reads and writes the article files and their metadata in one corpus folder."""

    def __init__(self, root: Path):
        self.root = root
        self.meta = root / META_DIR

    # -- reading -----------------------------------------------------------------

    def exists(self) -> bool:
        return self.root.is_dir()

    def _meta_record(self, name: str) -> dict | None:
        try:
            return json.loads((self.meta / f"{name}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None  # damaged metadata: the file still counts, under its own name

    def articles(self) -> dict[str, Stored]:
        """Every article in the folder, by id. Files with unknown extensions are not articles."""
        found: dict[str, Stored] = {}
        if not self.root.is_dir():
            return found
        names = sorted(entry.name for entry in os.scandir(self.root)
                       if entry.is_file() and not entry.name.startswith(".")
                       and Path(entry.name).suffix.lower() in EXTENSIONS)
        for name in names:
            record = self._meta_record(name)
            if record is None:
                stored = Stored(id=slugify(Path(name).stem), name=name, source=str(self.root / name),
                                sha256="", given=Metadata(), added=0.0)
            else:
                stored = Stored(id=record["id"], name=name, source=record.get("source", name),
                                sha256=record.get("sha256", ""),
                                given=Metadata(title=record.get("title"), url=record.get("url")),
                                added=record.get("added", 0.0))
            previous = found.get(stored.id)
            # Two files claiming one id are left by a crash while an article changed its
            # extension; the newer one is the article.
            if previous is None or stored.added >= previous.added:
                found[stored.id] = stored
        return found

    def read(self, stored: Stored) -> bytes:
        return (self.root / stored.name).read_bytes()

    def fingerprints(self) -> dict[str, list[int]]:
        """Size and mtime of each article file and of its metadata: cheap change detection."""
        prints: dict[str, list[int]] = {}
        meta: dict[str, list[int]] = {}
        if self.meta.is_dir():
            for entry in os.scandir(self.meta):
                if entry.name.endswith(".json") and entry.is_file():
                    stat = entry.stat()
                    meta[entry.name[: -len(".json")]] = [stat.st_size, stat.st_mtime_ns]
        if self.root.is_dir():
            for entry in os.scandir(self.root):
                if (not entry.name.startswith(".") and Path(entry.name).suffix.lower() in EXTENSIONS
                        and entry.is_file()):
                    stat = entry.stat()
                    prints[entry.name] = [stat.st_size, stat.st_mtime_ns, *meta.get(entry.name, [0, 0])]
        return prints

    def fingerprints_of(self, name: str) -> list[int]:
        """The fingerprint of one article file, as `fingerprints` gives it."""
        stat = (self.root / name).stat()
        try:
            meta = (self.meta / f"{name}.json").stat()
            meta_print = [meta.st_size, meta.st_mtime_ns]
        except FileNotFoundError:
            meta_print = [0, 0]
        return [stat.st_size, stat.st_mtime_ns, *meta_print]

    # -- writing (callers hold the lock) -----------------------------------------

    def put(self, article_id: str, extension: str, data: bytes, source: str, given: Metadata,
            previous: Stored | None) -> Stored:
        """Store an article's bytes and metadata, replacing `previous` atomically."""
        self.meta.mkdir(parents=True, exist_ok=True)
        name = _file_name(article_id, extension)
        stored = Stored(id=article_id, name=name, source=source, sha256=digest(data), given=given,
                        added=time.time())
        record = {"id": article_id, "source": source, "sha256": stored.sha256, "added": stored.added,
                  "title": given.title, "url": given.url}
        pending_meta = self.meta / f"{name}.json.tmp"
        pending_data = self.root / f".{name}.tmp"
        _fsync_write(pending_data, data)
        _fsync_write(pending_meta, json.dumps(record, ensure_ascii=False).encode("utf-8"))
        os.replace(pending_data, self.root / name)
        _fsync_dir(self.root)
        os.replace(pending_meta, self.meta / f"{name}.json")
        _fsync_dir(self.meta)
        if previous is not None and previous.name != name:
            self._delete_files(previous.name)
        return stored

    def delete(self, stored: Stored) -> None:
        self._delete_files(stored.name)

    def _delete_files(self, name: str) -> None:
        # Metadata first: a crash in between leaves a plain file, still an article.
        for path in (self.meta / f"{name}.json", self.root / name):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
        _fsync_dir(self.root)

    def recover(self) -> None:
        """Finish or undo a write that a crash interrupted."""
        if self.meta.is_dir():
            for pending in self.meta.glob("*.json.tmp"):
                name = pending.name[: -len(".json.tmp")]
                try:
                    record = json.loads(pending.read_text(encoding="utf-8"))
                    current = digest((self.root / name).read_bytes())
                except (OSError, ValueError):
                    record, current = None, None
                if record is not None and record.get("sha256") == current:
                    os.replace(pending, self.meta / f"{name}.json")  # bytes landed: roll forward
                else:
                    pending.unlink(missing_ok=True)  # bytes never landed: roll back
        if self.root.is_dir():
            for stray in self.root.glob(".*.tmp"):
                stray.unlink(missing_ok=True)


class Lock:
    """The corpus's write lock: an OS file lock, so it dies with its holder."""

    def __init__(self, root: Path, wait: bool = True):
        self.path = root / LOCK_FILE
        self.wait = wait
        self._handle = None

    def __enter__(self) -> "Lock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a")
        except OSError as exc:
            raise CorpusError(f"cannot write to the corpus at {self.path.parent}: {exc.strerror}") from None
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not self.wait:
                self._handle.close()
                raise CorpusBusy(f"another corpus command is writing to {self.path.parent}; try again when it ends") from None
            print("corpus: waiting for another command that is writing to this corpus...", file=sys.stderr)
            fcntl.flock(self._handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
