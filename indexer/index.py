"""Index: write passages into the Whoosh index, and keep the manifest of what it holds.

The manifest (`.index/manifest.json`) records, per article file, the fingerprint of the
file and its metadata when they were indexed, and a summary of the article. Comparing it
with the folder tells which articles changed since, without reading any of them.
"""
from __future__ import annotations

import gc
import json
import os
import warnings
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import IndexDamaged, IndexMissing
from .models import Article, Passage

#: Bump when the schema or the analyzer changes: an index of another version is rebuilt.
INDEX_VERSION = 2
MANIFEST = "manifest.json"
WRITER_MEMORY_MB = 128


@dataclass(frozen=True, slots=True)
class Entry:
    """What the manifest knows of one indexed article file."""

    id: str
    fingerprint: list
    title: str = ""
    source: str = ""
    url: str | None = None
    author: str | None = None
    published: str | None = None
    site: str | None = None
    sections: int = 0
    passages: int = 0
    #: Why the file could not be indexed, if it could not.
    error: str | None = None


@dataclass(slots=True)
class Manifest:
    version: int
    entries: dict[str, Entry]

    @classmethod
    def read(cls, index_dir: Path) -> "Manifest":
        try:
            raw = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
            entries = {name: Entry(**entry) for name, entry in raw["entries"].items()}
            return cls(version=raw["version"], entries=entries)
        except (OSError, ValueError, KeyError, TypeError):
            return cls(version=0, entries={})

    def write(self, index_dir: Path) -> None:
        data = {"version": self.version, "entries": {n: asdict(e) for n, e in self.entries.items()}}
        pending = index_dir / (MANIFEST + ".tmp")
        pending.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(pending, index_dir / MANIFEST)


def exists(index_dir: Path) -> bool:
    """Whether an index was committed here (whether it is readable, `open_index` finds out)."""
    return index_dir.is_dir() and any(index_dir.glob("_MAIN_*.toc"))


def open_index(index_dir: Path):
    """Open the Whoosh index for reading; IndexMissing or IndexDamaged if it cannot be."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import EmptyIndexError

    if not index_dir.is_dir():
        raise IndexMissing(f"no index at {index_dir}; run `corpus reindex`")
    # On a damaged index Whoosh leaves the file it choked on open; it is closed when the
    # failed frames go, which must not warn (warnings are errors under test).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            # Read, not memory-mapped: a long batch would otherwise map and touch most of a
            # large index, counted in its resident memory (450 against 120 MiB over 324
            # queries at 50k articles), for about 10% less CPU time.
            return FileStorage(str(index_dir), supports_mmap=False).open_index()
        except EmptyIndexError:
            failure = IndexMissing(f"no index at {index_dir}; run `corpus reindex`")
        except Exception as exc:  # Whoosh raises anything from pickle to struct errors on damage
            failure = IndexDamaged(f"the index at {index_dir} cannot be read ({type(exc).__name__}); "
                                   "run `corpus reindex` to rebuild it")
        gc.collect()
    raise failure


def create_index(index_dir: Path):
    from whoosh.index import create_in

    from .schema import schema

    index_dir.mkdir(parents=True, exist_ok=True)
    return create_in(str(index_dir), schema())


def remove_index(index_dir: Path) -> None:
    shutil.rmtree(index_dir, ignore_errors=True)


def passage_fields(article: Article, passage: Passage) -> dict:
    """The Whoosh document for one passage."""
    return {
        "article_id": article.id,
        "position": passage.position,
        "title": article.title,
        "section": " \n".join(passage.headings),
        "body": passage.text,
        "headings": list(passage.headings),
        "source": article.source,
        "url": article.url,
        "author": article.author,
        "published": article.published,
    }


class Writer:
    """Replaces and deletes articles in the index; commits on success, cancels on error."""

    def __init__(self, index, fresh: bool = False):
        self._writer = index.writer(limitmb=WRITER_MEMORY_MB)
        # In a new index there is nothing to delete, and looking costs a search per article.
        self._fresh = fresh

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._writer.commit()
        else:
            self._writer.cancel()

    def delete(self, article_id: str) -> None:
        if not self._fresh:
            self._writer.delete_by_term("article_id", article_id)

    def replace(self, article: Article, passages: Iterable[Passage]) -> int:
        """Put an article's passages in place of any it had; returns how many."""
        self.delete(article.id)
        count = 0
        for passage in passages:
            self._writer.add_document(**passage_fields(article, passage))
            count += 1
        return count


def check_writable(index_dir: Path) -> None:
    if index_dir.exists() and not os.access(index_dir, os.W_OK):
        raise IndexDamaged(f"the index at {index_dir} is not writable")
