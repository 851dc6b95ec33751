"""The corpus as a library: add, remove, reindex, and keep the index in step with the folder.

The folder is the truth; the Whoosh index and the SQLite catalog (both in the user's
state dir) are derived from it. Every write holds the corpus lock, then the user's state
lock (indexer/lock.py), and follows one order:
  1. journal the file names it will change in the catalog, and commit;
  2. change the folder (a batch of files, synced once);
  3. change the index;
  4. record the result in the catalog and clear the journal.
A crash anywhere leaves journaled names, which the next command re-examines from the
folder (`_reconcile`), so the index and catalog always converge on the folder.

Readers never wait and need no write access to the folder: a command that finds the
index behind the folder brings it up to date in the user's own cache if it can take the
state lock at once and write there; otherwise it reads the last committed index and says
so. A reader takes the corpus lock (never waiting, never creating its file) only to
finish a write it finds crashed. A writer records the folder's stamps after its change
only when nothing else came or went meanwhile (indexer/watch.py), so a file copied in
during an add is seen by the next command.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from . import index as ix

# `pipeline` (multiprocessing, the cleaners) is imported inside the functions that index:
# a search or a list never pays for it.
if TYPE_CHECKING:
    from . import pipeline
from .catalog import FILE_NAME as CATALOG_FILE
from .catalog import Catalog, Entry, catalog_error
from .errors import (ArticleNotFound, CannotWrite, CatalogDamaged, CorpusBusy, CorpusError, IndexDamaged,
                     IndexMissing, UsageError)
from .ids import candidates, file_stem, number_of, numbering_base
from .layout import STATE_ENV, state_dir
from .formats import SUFFIXES, for_cleaning, is_article_name, kind_of_name, sniff, store_suffix
from .load import Skipped, document_from_bytes, expand, is_url, load, text_name
from .lock import corpus_lock, state_lock
from .models import Article, Document, Metadata, Passage
from .store import Put, Store, Stored, digest
from .watch import Watch

T = TypeVar("T")
Status = Literal["added", "updated", "unchanged", "skipped"]
#: The index folders this program names (a catalog naming anything else is not followed).
_INDEX_NAME = re.compile(r"index(-[0-9]{1,9})?")
#: Articles per durable batch: outcomes are reported once a batch is on disk.
BATCH_ARTICLES = 500
BATCH_BYTES = 16 * 2**20


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `add` did with one source (or one record of a bulk file)."""

    source: str
    status: Status
    id: str | None = None
    reason: str | None = None
    #: Something the user should know, e.g. why the id got a suffix.
    note: str | None = None
    #: Words the article kept, and words its page held before cleaning (0: not counted):
    #: the CLI warns when that is little (indexer.clean.keeps_little).
    words: int = 0
    page_words: int = 0


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What bringing the index up to date did."""

    indexed: int
    removed: int
    failed: tuple[Outcome, ...] = ()
    #: Whether this was the rebuild of a damaged catalog (which `Corpus.tell` has said).
    repaired: bool = False


@dataclass(frozen=True, slots=True)
class Freshness:
    """Whether a reader's index is up to date: "fresh", "updated" (by this call, see
    `report`), "behind" (another command is writing; the last committed index is read)
    or "stuck" (it could not be updated, see `reason`; the last committed index is read)."""

    state: Literal["fresh", "updated", "behind", "stuck"]
    report: SyncReport | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Stats:
    articles: int
    sections: int
    passages: int
    index_bytes: int
    #: Seconds since the epoch of the newest change to the corpus or its index.
    last_change: float | None
    failed: int


def prepare(document: Document) -> tuple[Article, list[Passage]]:
    """Clean and split one document: everything ingestion does short of storing it."""
    from . import pipeline

    prepared = pipeline.prepare(document)
    return prepared.article, list(prepared.passages)


def _entry(stored: Stored, fingerprint: str, result: pipeline.Indexed | pipeline.Failed) -> Entry:
    from . import pipeline

    base = Entry(id=stored.id, name=stored.name, source=stored.source, fingerprint=fingerprint,
                 sha256=stored.sha256, given_title=stored.given.title, given_url=stored.given.url,
                 added=stored.added)
    if isinstance(result, pipeline.Failed):
        return replace(base, error=result.reason)
    return replace(base, title=result.title, url=result.url, author=result.author, published=result.published,
                   site=result.site, sections=result.sections, passages=result.passages)


@dataclass(frozen=True, slots=True)
class _Change:
    """One article file the reconciler re-reads, with the id it settled on."""

    stored: Stored
    #: Ids the index may hold for this file (its catalog id before, the journal's).
    old_ids: frozenset[str]
    #: Whether the metadata must be (re)written: an id the file's name does not give.
    describe: bool


@dataclass(frozen=True, slots=True)
class _Pending:
    """One document of an add, waiting for its batch to be durable."""

    outcome: Outcome
    stored: Stored | None = None
    data: bytes = b""
    previous: Entry | None = None
    prepared: pipeline.Indexed | None = None


@dataclass(slots=True)
class _Stamps:
    """The folder's stamps a writer may record after its change (None: it may not)."""

    after: str | None = None


@contextmanager
def _storage_errors(root: Path) -> Iterator[None]:
    """A full disk, a read-only folder or a missing permission while writing: one line.

    What was stored before stays stored (every write is a rename of a complete file or
    a committed transaction); the journal brings the index in step on the next command.
    """
    try:
        yield
    except BrokenPipeError:
        raise  # the reader of our output went away: the CLI's business
    except sqlite3.Error as exc:
        raise catalog_error(root, exc) from None
    except OSError as exc:
        where = exc.filename or root.absolute()
        raise CannotWrite(f"cannot write {where}: {exc.strerror or exc}") from None


class Corpus:
    """One corpus folder, its index and its catalog."""

    def __init__(self, root: Path | str, tell: Callable[[str], None] | None = None):
        self.root = Path(root)
        self.store = Store(self.root)
        self.state = state_dir(self.root)
        #: Hears, one line each, of repairs made on the way (a damaged catalog rebuilt).
        self.tell = tell or (lambda text: None)

    # -- the derived state ---------------------------------------------------------

    @property
    def catalog_path(self) -> Path:
        return self.state / CATALOG_FILE

    def _catalog(self, create: bool = False) -> Catalog:
        """The catalog; `create` is for the holder of the state lock."""
        return Catalog(self.catalog_path, create=create)

    def _discard_catalog(self) -> None:
        """Delete a damaged catalog (whatever is at its path), to be rebuilt from the folder."""
        if self.catalog_path.is_dir() and not self.catalog_path.is_symlink():
            shutil.rmtree(self.catalog_path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.catalog_path}{suffix}").unlink(missing_ok=True)

    def _reader_catalog(self) -> Catalog | None:
        try:
            return self._catalog()
        except FileNotFoundError:
            return None

    def _read(self, read: Callable[[Catalog], T], empty: T) -> T:
        """`read(catalog)`, or `empty` if there is no catalog yet. A damaged catalog is
        rebuilt from the folder first, which is said in one line."""
        try:
            catalog = self._reader_catalog()
            if catalog is None:
                return empty
            with catalog:
                return read(catalog)
        except CatalogDamaged as damage:
            self._repair(damage)
        catalog = self._reader_catalog()
        if catalog is None:
            return empty
        with catalog:
            return read(catalog)

    def _repair(self, damage: CatalogDamaged) -> None:
        """Rebuild a damaged catalog (and the index with it) from the folder, now."""
        try:
            with state_lock(self.state, wait=False), _storage_errors(self.root):
                self._discard_catalog()
                self._sync_once(rebuild=True, progress=None, tidy=False)
        except (CannotWrite, CorpusBusy) as exc:
            raise CatalogDamaged(f"{damage}, and cannot be rebuilt now: {exc}") from None
        self.tell(f"{damage}; rebuilt it from the corpus folder")

    def _index_dir(self, catalog: Catalog | None) -> Path:
        name = catalog.get("index_dir") if catalog is not None else None
        # Only a name this program gives: a catalog is never a way to point elsewhere.
        if not isinstance(name, str) or not _INDEX_NAME.fullmatch(name):
            name = "index"
        return self.state / name

    @property
    def index_dir(self) -> Path:
        """The current index folder (it changes when the index is rebuilt)."""
        return self._read(self._index_dir, self._index_dir(None))

    def _has_index(self) -> bool:
        try:
            return ix.exists(self.index_dir)
        except CorpusError:
            return False

    # -- reading -----------------------------------------------------------------

    def exists(self) -> bool:
        return self.store.exists()

    def require(self) -> None:
        if not self.root.is_dir():
            raise UsageError(f"no corpus at {self.root.absolute()}; add articles with `corpus add PATH` "
                             "or point --corpus at one")

    def _lag(self, catalog: Catalog | None) -> Literal["none", "stamps", "content"]:
        """How far the index may lag the folder.

        "none" costs two stats and a catalog lookup. When the folder's stamps moved (an
        entry was added, removed or renamed, perhaps only a hidden file), the listing is
        compared with the catalog's fingerprints: a stat per file, no file read.
        """
        if catalog is None or not catalog.usable() or catalog.get("index_version") != ix.INDEX_VERSION:
            return "content"
        if not ix.exists(self._index_dir(catalog)):
            return "content"
        stamps = self.store.stamps()
        # Names a crashed writer left in the journal lag until a writer (or a reader that
        # may write the folder) finishes them; a reader that may not has seen them as they
        # will be at these stamps.
        if not catalog.journal_empty() and catalog.get("journal_seen") != stamps:
            return "content"
        if catalog.get("stamps") == stamps:
            return "none"
        known = {name: fingerprint for name, (_, fingerprint) in catalog.fingerprints().items()}
        return "stamps" if known == self.store.scan() and not self.store.temporaries else "content"

    def _lag_now(self, leftovers: list[Path] | None = None) -> str:
        """The index's lag; `leftovers` hears of a killed writer's temporary folders."""
        try:
            catalog = self._reader_catalog()
            if catalog is None:
                return "content"
            with catalog:
                lag = self._lag(catalog)
                if leftovers is not None and lag == "none":
                    leftovers += self._leftovers(self._index_dir(catalog))
                return lag
        except CatalogDamaged:
            return "content"

    def _leftovers(self, current: Path) -> list[Path]:
        """What a killed writer left in the cache: Whoosh's temporary folder in the current
        index, and a rebuild's index that was never swapped in (numbered past the current).
        One stat and a listing of the state dir: a few entries."""
        found = [current / ix.TEMPORARY] if (current / ix.TEMPORARY).exists() else []
        generation = int(current.name.partition("-")[2] or 0)
        for entry in os.scandir(self.state):
            number = entry.name.partition("-")[2]
            if _INDEX_NAME.fullmatch(entry.name) and number and int(number) > generation:
                found.append(Path(entry.path))
        return found

    def _clear_leftovers(self) -> None:
        """Remove a killed writer's leftovers, if no writer of this user is at work now.
        They are found again under the lock: a rebuild may have swapped one in meanwhile."""
        try:
            with state_lock(self.state, wait=False):
                catalog = self._reader_catalog()
                if catalog is None:
                    return
                with catalog:
                    current = self._index_dir(catalog)
                for path in self._leftovers(current):
                    ix.remove_index(path)
        except CorpusError:
            pass  # busy, or a disk that cannot be written: the next command tries again

    def is_stale(self) -> bool:
        """Whether the index lags the folder (reads no article, only the folder's listing)."""
        return self._lag_now() == "content"

    def freshen(self) -> Freshness:
        """Bring this user's index up to date if it lags the folder; never waits.

        It writes only in this user's cache, under the state lock: a reader needs no
        write access to the folder and never takes its lock, except to finish a write
        that crashed there (see `_sync`).
        """
        leftovers: list[Path] = []
        lag = self._lag_now(leftovers)
        if lag == "none":
            if leftovers:
                self._clear_leftovers()
            return Freshness("fresh")
        try:
            with state_lock(self.state, wait=False), _storage_errors(self.root):
                report = self._sync(rebuild=False, tidy=None)
                return Freshness("updated", report) if report is not None else Freshness("fresh")
        except CannotWrite as exc:
            # A reader on a full or read-only disk still reads what was committed.
            if lag == "stamps" and self._has_index():
                return Freshness("fresh")  # only the stamps moved: nothing to index
            if not self._has_index():
                raise CannotWrite(f"{exc}; the index cannot be built there (set {STATE_ENV} to a folder "
                                  "you can write)") from None
            return Freshness("stuck", reason=str(exc))
        except CorpusBusy:
            if not self._has_index():
                raise IndexMissing(f"the index of {self.root.absolute()} is being built by another command; "
                                   "try again when it ends") from None
            return Freshness("behind")

    def is_empty(self) -> bool:
        return self._read(lambda catalog: not catalog.has_articles(), True)

    def entries(self) -> list[Entry]:
        """The indexed articles, sorted by id."""
        return self._read(lambda catalog: [e for e in catalog.entries() if e.error is None], [])

    def _entry_for(self, article_id: str) -> Entry:
        found = self._read(lambda catalog: catalog.by_id(article_id), None)
        if found is None:
            raise ArticleNotFound(f"no article with id {article_id!r}; `corpus list` shows the ids")
        return found

    def stored(self, article_id: str) -> Stored:
        entry = self._entry_for(article_id)
        return replace(self.store.stored(entry.name), id=entry.id)

    def article(self, article_id: str) -> tuple[Article, list[Passage]]:
        """An article as it is indexed now, cleaned again from the stored file."""
        stored = self.stored(article_id)
        try:
            document = self._document(stored, self.store.read(stored))
        except FileNotFoundError:
            raise ArticleNotFound(f"the article {article_id!r} was just removed") from None
        return prepare(document)

    def stats(self) -> Stats:
        def read(catalog: Catalog) -> Stats:
            totals = catalog.totals()
            changed = catalog.get("changed_at")
            return Stats(articles=totals.articles, sections=totals.sections, passages=totals.passages,
                         index_bytes=ix.size(self._index_dir(catalog)),
                         last_change=changed if isinstance(changed, (int, float)) else None,
                         failed=totals.failed)

        return self._read(read, Stats(0, 0, 0, 0, None, 0))

    # -- keeping the index in step ------------------------------------------------

    def _document(self, stored: Stored, data: bytes) -> Document:
        kind = sniff(data, SUFFIXES.get(stored.extension))
        return document_from_bytes(data, stored.source, kind, stored.id, stored.given)

    def sync(self, rebuild: bool = False, progress=None) -> SyncReport | None:
        """Bring the index in step with the folder (or rebuild it); None if it already was.

        A writer: it holds the corpus lock, and tidies the folder (finishes a crashed
        write). On a folder this user may not write it rebuilds this user's index alone.
        """
        with ExitStack() as stack:
            try:
                stack.enter_context(corpus_lock(self.root))
                tidy = True
            except CannotWrite:
                if os.access(self.root, os.W_OK) or not self.root.is_dir():
                    raise
                tidy = False  # a corpus this user may only read: the index is theirs to rebuild
            stack.enter_context(state_lock(self.state))
            stack.enter_context(_storage_errors(self.root))
            return self._sync(rebuild, progress, tidy=tidy)

    def _sync(self, rebuild: bool, progress=None, tidy: bool | None = True) -> SyncReport | None:
        """Bring the index in step (the caller holds the state lock). `tidy`: whether this
        process holds the corpus lock and may change the folder; None for a reader, which
        takes it (without waiting, never creating its file) only to finish a write that
        crashed, when the journal or a writer's temporary files in the folder say one did.
        A damaged catalog is rebuilt from the folder, which is said in one line."""
        with ExitStack() as stack:
            if tidy is None:
                tidy = self._crash_left_work() and self._take_folder(stack)
            try:
                return self._sync_once(rebuild, progress, tidy)
            except CatalogDamaged as damage:
                self._discard_catalog()
                report = self._sync_once(True, progress, tidy)
                self.tell(f"{damage}; rebuilt it from the corpus folder")
                return replace(report, repaired=True)

    def _crash_left_work(self) -> bool:
        """Whether a write crashed here (names in the journal that no reader has seen yet,
        or a writer's temporary files in the folder) and so the folder may want tidying."""
        try:
            catalog = self._reader_catalog()
            if catalog is not None:
                with catalog:
                    if not catalog.journal_empty() and catalog.get("journal_seen") is None:
                        return True
        except CatalogDamaged:
            pass  # the journal is lost with it; the folder may still hold temporary files
        return self.store.has_temporaries()

    def _take_folder(self, stack: ExitStack) -> bool:
        """The corpus lock, if it can be had at once and the folder may be written."""
        if not os.access(self.root, os.W_OK):
            return False
        try:
            stack.enter_context(corpus_lock(self.root, wait=False, create=False))
        except (OSError, CorpusError):
            return False  # no writer ever ran, the folder is not ours, or a writer is at work
        return True

    def _sync_once(self, rebuild: bool, progress, tidy: bool) -> SyncReport | None:
        with self._catalog(create=True) as catalog:
            rebuild = rebuild or self._needs_rebuild(catalog)
            stamps = self.store.stamps()
            # A write that a crash interrupted left its names in the journal, and its
            # temporary files moved the folder's stamps; only then is the folder searched
            # for them (at 50k articles that search was a fifth of `add one.txt`).
            if tidy and (rebuild or not catalog.journal_empty() or catalog.get("stamps") != stamps):
                self.store.recover()
                stamps = self.store.stamps()
            if rebuild:
                return self._rebuild(catalog, progress, tidy)
            if catalog.get("stamps") == stamps and (
                    catalog.journal_empty() or (not tidy and catalog.get("journal_seen") == stamps)):
                return None
            return self._reconcile(catalog, progress, tidy)

    def _needs_rebuild(self, catalog: Catalog) -> bool:
        if not catalog.usable() or catalog.get("index_version") != ix.INDEX_VERSION:
            return True
        try:
            # Opening reads only the table of contents; a reader opens every segment, so a
            # damaged segment is found here and rebuilt rather than failing the writer later.
            with ix.open_index(self._index_dir(catalog)).reader():
                pass
        except (IndexMissing, IndexDamaged):
            return True
        return False

    def _settled(self, catalog: Catalog, stamps: str, tidy: bool, kept: dict[str, str | None]) -> None:
        """Record that the index agrees with the folder as it was at `stamps` (inside a
        transaction). A reader that may not write the folder keeps the journaled names a
        writer must still finish (`kept`), marked as seen at these stamps."""
        catalog.clear_journal()
        catalog.set("stamps", stamps)
        if not tidy and kept:
            catalog.log(kept.items())
            catalog.set("journal_seen", stamps)

    def _reconcile(self, catalog: Catalog, progress=None, tidy: bool = True) -> SyncReport | None:
        """Re-examine what changed in the folder since the catalog last agreed with it."""
        stamps = self.store.stamps()  # before the scan: a change during it shows up next time
        found = self.store.scan()
        known = catalog.fingerprints()
        journal = catalog.journal()
        changed = sorted(name for name, fingerprint in found.items()
                         if name in journal or name not in known or known[name][1] != fingerprint)
        gone = sorted((set(known) | set(journal)) - set(found))
        orphans = self.store.orphan_metadata()
        if not changed and not gone:
            if tidy:
                self.store.drop_orphans(orphans)
            with catalog.transaction():
                self._settled(catalog, stamps, tidy, journal)
            return None
        with catalog.transaction():
            catalog.log([(name, known[name][0] if name in known else journal.get(name))
                         for name in changed + gone])
        gone_ids = {known[n][0] for n in gone if n in known} | {journal[n] for n in gone if journal.get(n)}
        holders = {article_id: name for name, (article_id, _) in known.items()
                   if name not in gone and name not in changed}
        changes, dropped = self._settle(changed, known, journal, holders, tidy)
        with ix.Writer(ix.open_index(self._index_dir(catalog))) as writer:
            writer.delete(gone_ids)
            entries, failed = self._index_changes(changes, writer, progress, tidy)
        kept = {**{n: i for n, i in journal.items() if n in found},
                **{c.stored.name: c.stored.id for c in changes if c.describe}}
        with catalog.transaction():
            catalog.drop(gone + dropped)
            for entry in entries:
                catalog.put(entry)
            self._settled(catalog, stamps, tidy, kept)
            catalog.touch()
        if tidy:
            self.store.drop_orphans(orphans)
        return SyncReport(indexed=len(entries) - len(failed), removed=len(gone) + len(dropped),
                          failed=tuple(failed))

    def _settle(self, names: list[str], known: dict[str, tuple[str, str]], journal: dict[str, str | None],
                holders: dict[str, str], tidy: bool = True) -> tuple[list[_Change], list[str]]:
        """Read each changed file and give it an id no other file holds.

        Described files (with readable metadata) claim their ids newest first; when two
        claim one id, the older one loses. A loser that a crashed write was replacing
        (its name is journaled) is deleted: the write meant it to go (by a reader that
        may not write the folder, only left out). Any other loser, and every undescribed
        file, takes the first free id of the id rule.
        """
        entries = []
        for name in names:
            stored = self.store.stored(name)
            if stored.extension == ".json" and not stored.described:
                # A bulk record names its own id (its metadata, when readable, says the same).
                try:
                    document = document_from_bytes(self.store.read(stored), stored.source, "record", "")
                    stored = replace(stored, id=document.id, described=True)
                except Exception:  # unreadable: indexed (and reported) as a failure below
                    pass
            entries.append(stored)
        entries.sort(key=lambda stored: (not stored.described, -stored.added, stored.name))
        changes, dropped = [], []
        numbers = _Numbers()
        for stored in entries:
            old_ids = frozenset(i for i in (known.get(stored.name, (None,))[0], journal.get(stored.name)) if i)
            describe = False
            if stored.described and stored.id not in holders:
                article_id = stored.id
            elif stored.described and stored.name in journal:
                if tidy:
                    self.store.delete([stored.name])
                dropped.append(stored.name)
                continue
            else:
                source = stored.source if stored.described else text_name(str(self.root.absolute() / stored.name))
                article_id = next(c for c in numbers.candidates(source) if c not in holders)
                numbers.taken(source, article_id)
                describe = stored.described or article_id != next(candidates(source))
                stored = replace(stored, id=article_id, source=source)
            holders[article_id] = stored.name
            changes.append(_Change(stored, old_ids | {article_id}, describe))
        return changes, dropped

    def _index_changes(self, changes: list[_Change], writer: ix.Writer, progress=None,
                       tidy: bool = True) -> tuple[list[Entry], list[Outcome]]:
        from . import pipeline

        entries, failed = [], []

        def jobs() -> Iterator[pipeline.Job]:
            # Files are read as the pipeline asks for them, so memory stays flat.
            for change in changes:
                try:
                    data = self.store.read(change.stored)
                except OSError as exc:
                    yield pipeline.Job((change, b"", pipeline.Failed(exc.strerror or str(exc))), None)
                    continue
                try:
                    document = self._document(change.stored, data)
                except Exception as exc:  # a file that cannot be decoded is that file's problem
                    reason = str(exc) if str(exc) else type(exc).__name__
                    yield pipeline.Job((change, data, pipeline.Failed(reason)), None)
                    continue
                yield pipeline.Job((change, data, None), for_cleaning(document))

        # Ids that may be in the index are deleted before any worker indexes anything new.
        writer.delete({i for change in changes for i in change.old_ids})
        with closing(pipeline.run(jobs(), writer, writer.index_dir)) as results:
            for (change, data, early), result in results:
                result = early or result
                stored = change.stored
                if change.describe and tidy:
                    self.store.write([Put(replace(stored, sha256=digest(data), added=stored.added or time.time()),
                                          data)])
                if isinstance(result, pipeline.Failed):
                    failed.append(Outcome(stored.source, "skipped", stored.id, result.reason))
                sha = stored.sha256 or digest(data)
                entries.append(_entry(replace(stored, sha256=sha), self.store.fingerprint(stored.name), result))
                if progress:
                    progress(stored)
        return entries, failed

    def _rebuild(self, catalog: Catalog, progress=None, tidy: bool = True) -> SyncReport:
        """A new index and catalog from the article files alone, swapped in by one commit."""
        stamps = self.store.stamps()
        generation = catalog.get("generation")
        generation = (generation if isinstance(generation, int) else 0) + 1
        previous = self._index_dir(catalog).name
        target = self.state / f"index-{generation}"
        ix.remove_index(target)
        journal = catalog.journal() if catalog.usable() else {}
        found = self.store.scan()
        orphans = self.store.orphan_metadata()
        changes, dropped = self._settle(sorted(found), {}, journal, {}, tidy)
        with ix.Writer(ix.create_index(target), fresh=True) as writer:
            entries, failed = self._index_changes(changes, writer, progress, tidy)
        kept = {**{n: i for n, i in journal.items() if n in found},
                **{c.stored.name: c.stored.id for c in changes if c.describe}}
        with catalog.transaction():
            catalog.reset()
            for entry in entries:
                catalog.put(entry)
            catalog.set("generation", generation)
            catalog.set("index_dir", target.name)
            catalog.set("index_version", ix.INDEX_VERSION)
            self._settled(catalog, stamps, tidy, kept)
            catalog.touch()
        if tidy:
            self.store.drop_orphans(orphans)
        self._drop_old_indexes(keep={target.name, previous})
        return SyncReport(indexed=len(entries) - len(failed), removed=len(dropped), failed=tuple(failed))

    def _drop_old_indexes(self, keep: set[str]) -> None:
        # The index a rebuild replaced is kept until the next write: a reader that read its
        # name from the catalog just before the swap can still open it.
        for path in self.state.glob("index*"):
            if path.is_dir() and path.name not in keep:
                ix.remove_index(path)

    # -- writing -------------------------------------------------------------------

    @contextmanager
    def _changing_folder(self, catalog: Catalog, names: set[str]) -> Iterator[_Stamps]:
        """Around a writer's change to these article files: the stamps to record after it
        (`after`), or None when something else may have come or gone in the folder since
        the catalog's stamps were taken (then the next command lists the folder)."""
        result = _Stamps()
        with Watch([self.root]) as watch:
            unchanged = catalog.get("stamps") == self.store.stamps()
            # .meta, which a first write makes, is watched from its first entry on.
            self.store.make_meta()
            watch.add(self.store.meta)
            yield result
            after = self.store.stamps()

            def ours(folder: Path, name: str) -> bool:
                if folder != self.root:
                    name = name[: -len(".json")] if name.endswith(".json") else "."
                return name in names or not is_article_name(name)

            if unchanged and not watch.others(ours):
                result.after = after

    def add(self, sources: Iterable[str], title: str | None = None, url: str | None = None,
            article_id: str | None = None, on_outcome: Callable[[Outcome], None] | None = None,
            on_total: Callable[[int | None], None] | None = None,
            follow_links: bool = False) -> list[Outcome]:
        """Add or replace articles, streaming them.

        `on_total` hears how many articles there are to process (or None), once, before
        the first outcome; `on_outcome` hears of each article once it is durable. The
        outcomes are returned only to a caller without `on_outcome`: one that streams them
        keeps memory flat however many articles a bulk file holds.
        """
        # Sources are identified by absolute path, so the same file from another folder
        # is still the same source.
        sources = [s if is_url(s) or s == "-" else os.path.abspath(s) for s in sources]
        # URLs are fetched before the lock is taken: a slow server never holds up other commands.
        fetched = {s: list(load([s], title=title, url=url, doc_id=article_id, follow_links=follow_links)) for s in sources if is_url(s)}
        if on_total is not None:
            on_total(_count(sources, fetched, follow_links))
        outcomes: list[Outcome] = []

        emit = outcomes.append if on_outcome is None else on_outcome

        documents = (document for source in sources
                     for document in (fetched[source] if source in fetched
                                      else load([source], title=title, url=url, doc_id=article_id,
                                                follow_links=follow_links)))
        with corpus_lock(self.root), state_lock(self.state), _storage_errors(self.root):
            self.store.mark()
            self._sync(rebuild=False)
            with self._catalog(create=True) as catalog:
                self._drop_old_indexes(keep={self._index_dir(catalog).name})
                _AddRun(self, catalog, Metadata(title=title, url=url), article_id is not None, emit).run(documents)
        return outcomes

    def remove(self, article_ids: Iterable[str]) -> list[str]:
        """Remove articles by id; all must exist, or nothing is removed."""
        article_ids = list(dict.fromkeys(article_ids))
        with corpus_lock(self.root), state_lock(self.state), _storage_errors(self.root):
            self._sync(rebuild=False)
            with self._catalog(create=True) as catalog:
                self._drop_old_indexes(keep={self._index_dir(catalog).name})
                found = {i: catalog.by_id(i) for i in article_ids}
                unknown = [i for i, entry in found.items() if entry is None]
                if unknown:
                    raise ArticleNotFound(f"no article with id {', '.join(map(repr, unknown))}; nothing removed")
                names = [(entry.name, entry.id) for entry in found.values()]
                with catalog.transaction():
                    catalog.log(names)
                # Index first: a reader never meets a passage whose file is gone.
                with ix.Writer(ix.open_index(self._index_dir(catalog)), merge=False) as writer:
                    writer.delete(article_ids)
                with self._changing_folder(catalog, {name for name, _ in names}) as stamps:
                    self.store.delete(name for name, _ in names)
                with catalog.transaction():
                    catalog.drop(name for name, _ in names)
                    catalog.clear_journal()
                    if stamps.after is not None:
                        catalog.set("stamps", stamps.after)
                    catalog.touch()
        return article_ids


class _AddRun:
    """One `add`: ids settled in order, cleaning in the pool, durable batches, one index writer."""

    def __init__(self, corpus: Corpus, catalog: Catalog, given: Metadata, explicit_id: bool,
                 emit: Callable[[Outcome], None]):
        self.corpus = corpus
        self.store = corpus.store
        self.catalog = catalog
        self.given = given
        self.explicit_id = explicit_id
        self.emit = emit
        #: Ids, sources and file names given out in this run (not all in the catalog yet).
        self.claims = catalog.claims()
        self.numbers = _Numbers()
        self.queue: list[_Pending] = []
        self.queued_bytes = 0

    def run(self, documents: Iterable[Document | Skipped]) -> None:
        from . import pipeline

        index = ix.open_index(self.corpus._index_dir(self.catalog))
        fresh = self.catalog.count() == 0 and self.catalog.journal_empty()
        # The results are closed here, not whenever the generator is collected: an
        # interruption stops the workers before the writer cancels and the lock is let go.
        with ix.Writer(index, fresh=fresh) as writer, \
                closing(pipeline.run(self._jobs(documents), writer, writer.index_dir)) as results:
            for pending, result in results:
                if pending.stored is not None:
                    if isinstance(result, pipeline.Indexed):
                        pending = replace(pending, prepared=result, outcome=replace(
                            pending.outcome, words=result.words, page_words=result.page_words))
                    else:  # nothing is stored of an article that cannot be cleaned
                        pending = _Pending(replace(pending.outcome, status="skipped", reason=result.reason))
                self.queue.append(pending)
                self.queued_bytes += len(pending.data)
                if len(self.queue) >= BATCH_ARTICLES or self.queued_bytes >= BATCH_BYTES:
                    self._flush(writer)
            self._flush(writer)
        # The index is committed: every journaled name now agrees with the folder. The
        # stamps were recorded batch by batch, only when nothing else came or went.
        with self.catalog.transaction():
            self.catalog.clear_journal()

    def _jobs(self, documents: Iterable[Document | Skipped]) -> Iterator[pipeline.Job]:
        from . import pipeline

        for document in documents:
            if isinstance(document, Skipped):
                yield pipeline.Job(_Pending(Outcome(document.source, "skipped", reason=document.reason)), None)
                continue
            pending = self._settle(document)
            if pending.stored is None:
                yield pipeline.Job(pending, None)
            elif document.kind == "record":
                yield pipeline.Job(pending, document)
            else:  # cleaned under the id and metadata it is stored with (an earlier --title kept)
                yield pipeline.Job(pending, replace(document, id=pending.stored.id, given=pending.stored.given))

    def _settle(self, document: Document) -> _Pending:
        """The id, file name and metadata a document is stored under, or why it is not."""
        source = document.source
        explicit = self.explicit_id or document.kind == "record"
        note = None
        if explicit:
            article_id = document.id
            holder = self.claims.holder(article_id)
            if holder is not None:
                return _Pending(Outcome(source, "skipped", article_id,
                                        f"id {article_id!r} was already added from {holder} "
                                        "in this run"))
            previous = self.catalog.by_id(article_id)
        else:
            given_id = self.claims.id_of(source)
            if given_id is not None:
                return _Pending(Outcome(source, "skipped", given_id, "already added in this run"))
            previous = self.catalog.by_source(source)
            if previous is not None and self.claims.holder(previous.id) is None:
                article_id = previous.id
            else:
                previous, first_holder = None, None
                for candidate in self.numbers.candidates(source):
                    holder = self._holder(candidate)
                    if holder is None:
                        article_id = candidate
                        break
                    first_holder = first_holder or (candidate, holder)
                self.numbers.taken(source, article_id)
                if first_holder is not None:
                    note = f"id {first_holder[0]!r} is taken by {first_holder[1]}; stored as {article_id!r}"
        self.claims.give(article_id, source)
        if document.kind == "record":
            given = Metadata()
        else:
            given = Metadata(title=self.given.title or document.given.title
                             or (previous.given_title if previous else None),
                             url=self.given.url or document.given.url or (previous.given_url if previous else None))
        extension = ".json" if document.kind == "record" else _store_extension(document)
        name = file_stem(article_id) + extension
        if self.claims.has_name(name) or self.catalog.name_taken(name, article_id):
            name = file_stem(article_id, hashed=True) + extension
        self.claims.give_name(name)
        sha = digest(document.raw)
        if (previous is not None and previous.sha256 == sha and previous.name == name and previous.error is None
                and (previous.given_title, previous.given_url) == (given.title, given.url)):
            return _Pending(Outcome(source, "unchanged", article_id, note=note))
        stored = Stored(id=article_id, name=name, source=source, sha256=sha, given=given, added=time.time())
        status = "updated" if previous is not None else "added"
        return _Pending(Outcome(source, status, article_id, note=note), stored, document.raw, previous)

    def _holder(self, article_id: str) -> str | None:
        """The source that holds an id, in this run or before it, if any."""
        holder = self.claims.holder(article_id)
        if holder is not None:
            return holder
        entry = self.catalog.by_id(article_id)
        return entry.source if entry is not None else None

    def _flush(self, writer: ix.Writer) -> None:
        """Make the queued articles durable, in the index writer and the catalog; then report them."""
        queue, self.queue, self.queued_bytes = self.queue, [], 0
        storing = [p for p in queue if p.stored is not None]
        if storing:
            replaced = [p.previous for p in storing if p.previous is not None and p.previous.name != p.stored.name]
            with self.catalog.transaction():
                self.catalog.log([(p.stored.name, p.stored.id) for p in storing]
                                 + [(e.name, e.id) for e in replaced])
            names = {p.stored.name for p in storing} | {e.name for e in replaced}
            with self.corpus._changing_folder(self.catalog, names) as stamps:
                self.store.write([Put(p.stored, p.data) for p in storing], [e.name for e in replaced])
            # Only committed segments lose the old versions; the new ones are in this run's own.
            writer.delete({p.previous.id for p in storing if p.previous is not None})
            entries = []
            for p in storing:
                entries.append(_entry(p.stored, self.store.fingerprint(p.stored.name), p.prepared))
            with self.catalog.transaction():
                self.catalog.drop(e.name for e in replaced)
                for entry in entries:
                    self.catalog.put(entry)
                if stamps.after is not None:
                    self.catalog.set("stamps", stamps.after)
                self.catalog.touch()
        for pending in queue:
            self.emit(pending.outcome)


class _Numbers:
    """The numbered ids one run found taken, per base: each base's numbers are tried from
    the first not known taken, so n files of one name cost n lookups, not n * n / 2."""

    def __init__(self):
        self._next: dict[str, int] = {}

    def candidates(self, source: str) -> Iterator[str]:
        return candidates(source, start=self._next.get(numbering_base(source), 2))

    def taken(self, source: str, article_id: str) -> None:
        """Every numbered id of this source's base up to `article_id` is taken now."""
        base = numbering_base(source)
        number = number_of(article_id, base)
        if number is not None:
            self._next[base] = number + 1


def _count(sources: list[str], fetched: dict[str, list], follow_links: bool = False) -> int | None:
    """How many articles `add` will see: files counted, JSON Lines lines counted."""
    total = 0
    for source in sources:
        if source == "-":
            return None
        if source in fetched:
            total += len(fetched[source])
            continue
        for path in expand([source], follow_links):
            if isinstance(path, Skipped):
                total += 1
            elif kind_of_name(path) == "bulk":
                total += _lines(Path(path))
            else:
                total += 1
    return total


def _lines(path: Path) -> int:
    count, last = 0, b"\n"
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                count += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 1
    return count + (last != b"\n")


def _store_extension(document: Document) -> str:
    """The extension to store a document under: its own if it has a known one, else by kind."""
    suffix = "" if is_url(document.source) else Path(document.source).suffix.lower()
    return store_suffix(document.kind, suffix)
