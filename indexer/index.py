"""Index: write passages into the Whoosh index and open it for reading.

The index lives in the user's state dir (layout.state_dir), never in the corpus folder:
Whoosh's table of contents and stored fields are pickles, so only an index this user
built is ever opened. Which index folder is current is recorded in the catalog, so a
rebuild is swapped in by one catalog commit.
"""
from __future__ import annotations

import errno
import gc
import os
import shutil
import sys
import warnings
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import IndexDamaged, IndexMissing, UnsafeCache
from .layout import make_private, others_may_write
from .models import Article, Passage
from .schema import TERMS_FIELD

#: Bump when the schema or the analyzer changes: an index of another version is rebuilt.
INDEX_VERSION = 7
WRITER_MEMORY_MB = 32
#: Segments of fewer passages than this are merged into the next write's own segment.
SMALL_SEGMENT = 500
#: The folder Whoosh's writers share inside an index for spilled postings ("<indexname>.tmp").
TEMPORARY = "MAIN.tmp"


def exists(index_dir: Path) -> bool:
    """Whether an index was committed here (whether it is readable, `open_index` finds out)."""
    return index_dir.is_dir() and any(index_dir.glob("_MAIN_*.toc"))


def open_index(index_dir: Path):
    """Open the Whoosh index for reading; IndexMissing or IndexDamaged if it cannot be."""
    from .whoosh_import import import_whoosh

    import_whoosh()
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import EmptyIndexError

    if not index_dir.is_dir():
        raise IndexMissing(f"no index at {index_dir}; run `corpus reindex`")
    _check_private(index_dir)
    # On a damaged index Whoosh leaves the file it choked on open; it is closed when the
    # failed frames go, which must not warn (warnings are errors under test).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            # Read, not memory-mapped: a long batch would otherwise map and touch most of a
            # large index, counted in its resident memory (450 against 120 MiB over 324
            # queries at 50k articles), for about 10% less CPU time.
            return _Checked(FileStorage(str(index_dir), supports_mmap=False).open_index(), index_dir)
        except EmptyIndexError:
            failure = IndexMissing(f"no index at {index_dir}; run `corpus reindex`")
        except Exception as exc:  # Whoosh raises anything from pickle to struct errors on damage
            if _not_damage(exc):
                raise
            failure = _damaged(index_dir, exc)
        gc.collect()
    raise failure


def _check_private(index_dir: Path) -> None:
    """UnsafeCache if someone else could have put files in the index (its pickles run code
    when read): the index folder and the state dir holding it must be this user's alone."""
    for folder in (index_dir, index_dir.parent):
        why = others_may_write(folder)
        if why is not None:
            raise UnsafeCache(f"will not open the index at {index_dir}: {why} (`chmod go-w` it, or set "
                              "CORPUS_CACHE_DIR to a folder of your own)")


def _not_damage(exc: Exception) -> bool:
    """A full or read-only disk or a missing permission: the caller says so, not "damaged"."""
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS,
                                                      errno.EACCES, errno.EPERM)


def _damaged(index_dir: Path, exc: Exception) -> IndexDamaged:
    return IndexDamaged(f"the index at {index_dir} cannot be read ({type(exc).__name__}); "
                        "run `corpus reindex` to rebuild it")


class _Checked:
    """A Whoosh index whose segments' damage is IndexDamaged, not a traceback.

    Opening the index reads only its table of contents; a damaged segment file shows
    when a searcher or a writer opens the segments, so those are checked too.
    """

    def __init__(self, index, index_dir: Path):
        self._index = index
        self._dir = index_dir

    def __getattr__(self, name):
        return getattr(self._index, name)

    def _guarded(self, opener, *args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                return opener(*args, **kwargs)
            except Exception as exc:  # as above: anything from struct to OS errors
                if _not_damage(exc):
                    raise
                failure = _damaged(self._dir, exc)
            gc.collect()
        raise failure

    def searcher(self, **kwargs):
        return self._guarded(self._index.searcher, **kwargs)

    def reader(self, **kwargs):
        return self._guarded(self._index.reader, **kwargs)

    def writer(self, **kwargs):
        return self._guarded(self._index.writer, **kwargs)


def create_index(index_dir: Path):
    from .whoosh_import import import_whoosh

    import_whoosh()
    from whoosh.index import create_in

    from .schema import schema

    make_private(index_dir)
    return create_in(str(index_dir), schema())


def remove_index(index_dir: Path) -> None:
    shutil.rmtree(index_dir, ignore_errors=True)


def passage_fields(article: Article, passage: Passage, vectors: dict[str, bytes] | None = None) -> dict:
    """The Whoosh document for one passage (with its vector columns, indexer.embed, if given)."""
    fields = {
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
    if passage.page:
        fields["page"] = passage.page
    fields[TERMS_FIELD] = packed_terms((article.title or "") + "\n" + passage.text)
    if vectors:
        fields.update(vectors)
    return fields


def packed_terms(text: str) -> bytes:
    """The text's index terms in order, for the terms column: space-separated and deflated
    (~500 bytes for a passage of ~1,600 characters, 0.1 ms to make; read back as counts
    in a fifth of the time that analysing the text again takes)."""
    from .analysis import terms

    return zlib.compress(" ".join(terms(text)).encode("utf-8"))


def unpacked_terms(raw: bytes) -> Counter:
    """How often each term occurs, from a terms column value (packed_terms). The terms are
    interned: a batch keeps thousands of these counts, which would otherwise each hold
    their own copy of every word (10 MiB more over 324 queries at 50k articles)."""
    return Counter(map(sys.intern, zlib.decompress(raw).decode("utf-8").split())) if raw else Counter()


def article_documents(article: Article, passages: Iterable[Passage]) -> Iterator[dict]:
    """The Whoosh documents of an article's passages, vectors included."""
    from .embed import passage_vectors

    passages = list(passages)
    for passage, vectors in zip(passages, passage_vectors(article.title, passages)):
        yield passage_fields(article, passage, vectors)


class Writer:
    """Replaces and deletes articles in the index; commits on success, cancels on error.

    One writer serves a whole command: its passages become visible to readers at once,
    at commit, so a reader never sees half an article or a passage twice.
    """

    def __init__(self, index, fresh: bool = False, merge: bool = True):
        self._index = index
        self.index_dir = Path(index.storage.folder)
        # A writer killed mid-run leaves Whoosh's temporary folder (its spilled postings)
        # behind; the holder of the state lock is the only writer, so it is stale now.
        if (self.index_dir / TEMPORARY).exists():
            remove_index(self.index_dir / TEMPORARY)
        self._writer = index.writer(limitmb=WRITER_MEMORY_MB)
        # In a new index there is nothing to delete.
        self._fresh = fresh
        self._merge = merge
        self._searcher = None
        #: Finished segments written by worker processes, committed with this writer's own.
        self._adopted: list = []

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if exc_type is not None:
            try:
                self._writer.cancel()  # adopted segments' files are unreferenced; the next commit deletes them
            except OSError:
                # Closing the half-written segment can fail too (the disk that ran out
                # holds it): its temporary files must still go, or they keep it full.
                self._writer._finish()
        elif not self._adopted:
            self._writer.commit(mergetype=_merge_small if self._merge else None, merge=self._merge)
        else:
            # SegmentWriter.commit, with the workers' segments added to the table of contents
            # (as Whoosh's own multi-process writer does with its sub-writers' segments).
            writer = self._writer
            segments = writer._merge_segments(_merge_small if self._merge else None, None, self._merge) + self._adopted
            if writer._added:
                segments.append(writer._finalize_segment())
            else:
                writer._close_segment()
            writer._commit_toc(segments)
            writer._finish()

    def adopt(self, segments: list) -> None:
        """Commit these finished segments (written by workers into this index) with this writer."""
        self._adopted.extend(segments)

    def delete(self, article_ids: Iterable[str]) -> None:
        """Delete every passage of these articles (those committed before this writer)."""
        if self._fresh:
            return
        if self._searcher is None:
            # One searcher for the writer's life: Whoosh's delete_by_term opens one per call.
            self._searcher = (self._index._guarded(self._writer.searcher) if isinstance(self._index, _Checked)
                              else self._writer.searcher())
        reader = self._searcher.reader()
        for article_id in article_ids:
            if ("article_id", article_id) in reader:
                for docnum in reader.postings("article_id", article_id).all_ids():
                    self._writer.delete_document(docnum)

    def add(self, article: Article, passages: Iterable[Passage]) -> int:
        """Add an article's passages; returns how many."""
        count = 0
        for fields in article_documents(article, passages):
            self._writer.add_document(**fields)
            count += 1
        return count


def _merge_small(writer, segments: list) -> list:
    """Whoosh merge policy: every segment under SMALL_SEGMENT passages goes into the segment
    being written, then Whoosh's MERGE_SMALL judges the rest (it merges the larger ones
    once they are many). A search looks each word up in every segment, and adding
    articles one at a time left half a dozen tiny ones beside the large (MERGE_SMALL
    waits for five); merged at once, an index is its large segments and one small one, at
    the cost of rewriting under SMALL_SEGMENT passages per write."""
    from whoosh.reading import SegmentReader
    from whoosh.writing import MERGE_SMALL

    kept = []
    for segment in segments:
        if segment.doc_count_all() < SMALL_SEGMENT:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    return MERGE_SMALL(writer, kept)


def size(index_dir: Path) -> int:
    total = 0
    if index_dir.is_dir():
        for entry in os.scandir(index_dir):
            if entry.is_file():
                total += entry.stat().st_size
    return total
