"""The catalog: what the index holds, per article file, in a SQLite database.

It lives beside the index in the user's state dir (layout.state_dir), is derived from the
corpus folder and can be rebuilt from it at any time. It answers `list`, `show` and
`stats` as queries, and it makes freshness O(1): it records the corpus folder's and
`.meta`'s stat stamps, so a command on an unchanged corpus stats two folders and reads
nothing per article.

The journal table is the crash-safety device. A writer records the file names it is
about to change (and the ids they hold) and commits that before touching the folder or
the index; it clears them only after the index and the catalog both agree with the
folder again. Whatever a crash interrupts, the next command re-examines every journaled
name from the folder, which converges: a name whose file exists is re-indexed, one whose
file is gone is dropped from the index and the catalog.

A file name that is not UTF-8 (unzipped from a Latin-1 archive, say) is kept as its
bytes; every text the catalog is given is made storable first. Any error reading the
catalog is a CorpusError: CatalogDamaged when the file is damaged (it is then rebuilt from
the folder), CannotWrite when the disk or a permission is at fault.
"""
from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import quote

from .errors import CannotWrite, CatalogDamaged, CorpusError
from .layout import make_private

#: Bump when the tables change: a catalog of another version is rebuilt from the folder.
CATALOG_VERSION = 1
FILE_NAME = "catalog.sqlite"

_TABLES = """
CREATE TABLE IF NOT EXISTS articles (
    name TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    sha256 TEXT NOT NULL DEFAULT '',
    given_title TEXT,
    given_url TEXT,
    added REAL NOT NULL DEFAULT 0,
    title TEXT NOT NULL DEFAULT '',
    url TEXT,
    author TEXT,
    published TEXT,
    site TEXT,
    sections INTEGER NOT NULL DEFAULT 0,
    passages INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX IF NOT EXISTS articles_id ON articles(id);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE INDEX IF NOT EXISTS articles_name_nocase ON articles(name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS journal (name TEXT PRIMARY KEY, id TEXT);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """What the catalog knows of one article file."""

    id: str
    #: The article file's name in the corpus folder.
    name: str
    source: str
    #: Size and mtime of the article file and of its metadata when it was indexed.
    fingerprint: str
    sha256: str = ""
    #: What `add` was told (--title, --url); kept across re-adds that say nothing new.
    given_title: str | None = None
    given_url: str | None = None
    added: float = 0.0
    title: str = ""
    url: str | None = None
    author: str | None = None
    published: str | None = None
    site: str | None = None
    sections: int = 0
    passages: int = 0
    #: Why the file could not be indexed, if it could not.
    error: str | None = None


_COLUMNS = tuple(f.name for f in fields(Entry))
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM articles"


@dataclass(frozen=True, slots=True)
class Totals:
    articles: int
    sections: int
    passages: int
    failed: int


def _guarded(method):
    """Any SQLite error in a catalog method becomes the catalog's own one-line error."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise catalog_error(self.path, exc) from None
    return guarded


class Catalog:
    """One corpus's catalog database; a context manager that closes it."""

    def __init__(self, path: Path, create: bool = False):
        """Open the catalog; `create` (for the holder of the state lock) makes it if need be.

        Without `create` it is opened for reading, read-only where the disk or the
        permissions allow nothing else.
        """
        self.path = path
        try:
            exists, is_file = path.exists(), path.is_file()
        except OSError as exc:  # a cache folder this user may not enter
            raise CannotWrite(f"cannot use the catalog at {path}: {exc.strerror}") from None
        if not create and not exists:
            raise FileNotFoundError(path)
        if exists and not is_file:
            raise CatalogDamaged(f"the catalog at {path} is not a file")
        if create:
            make_private(path.parent)
        self._db = None
        try:
            # Autocommit mode: transactions are explicit (`transaction()`), so a reader's
            # SELECTs never hold a write transaction open.
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is durable once it returns; there are a few per batch, not per article.
            self._db.execute("PRAGMA synchronous=FULL")
            if create:
                self._db.executescript(_TABLES)
        except sqlite3.Error as exc:
            self.close()
            failure = catalog_error(path, exc)
            if create or not isinstance(failure, CannotWrite):
                raise failure from None
            self._db = _read_only(path, failure)

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            self._db = None

    def usable(self) -> bool:
        return self.get("catalog_version") == CATALOG_VERSION

    # -- state ---------------------------------------------------------------------

    def get(self, key: str):
        try:
            row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            failure = catalog_error(self.path, exc)
            if isinstance(failure, CatalogDamaged):
                return None  # no tables yet, or no readable ones: not a usable catalog
            raise failure from None
        return row[0] if row else None

    @_guarded
    def set(self, key: str, value) -> None:
        self._db.execute("INSERT OR REPLACE INTO state(key, value) VALUES (?, ?)", (key, value))

    def transaction(self) -> "_Transaction":
        return _Transaction(self._db)

    @_guarded
    def reset(self) -> None:
        """Empty every table (inside a transaction): the start of a rebuild."""
        for table in ("articles", "journal", "state"):
            self._db.execute(f"DELETE FROM {table}")
        self.set("catalog_version", CATALOG_VERSION)

    # -- articles ------------------------------------------------------------------

    @_guarded
    def entries(self) -> list[Entry]:
        return [self._entry(row) for row in self._db.execute(f"{_SELECT} ORDER BY id")]

    @_guarded
    def by_id(self, article_id: str) -> Entry | None:
        row = self._db.execute(f"{_SELECT} WHERE id = ? ORDER BY added DESC LIMIT 1",
                               (_text(article_id),)).fetchone()
        return self._entry(row) if row else None

    @_guarded
    def by_name(self, name: str) -> Entry | None:
        row = self._db.execute(f"{_SELECT} WHERE name = ?", (_stored_name(name),)).fetchone()
        return self._entry(row) if row else None

    @_guarded
    def by_source(self, source: str) -> Entry | None:
        row = self._db.execute(f"{_SELECT} WHERE source = ? ORDER BY added DESC LIMIT 1",
                               (_text(source),)).fetchone()
        return self._entry(row) if row else None

    @_guarded
    def name_taken(self, name: str, by_other_than: str) -> bool:
        """Whether a file name (compared without case, as some file systems do) is another id's."""
        row = self._db.execute("SELECT 1 FROM articles WHERE name = ? COLLATE NOCASE AND id != ? LIMIT 1",
                               (_stored_name(name), _text(by_other_than))).fetchone()
        return row is not None

    @_guarded
    def fingerprints(self) -> dict[str, tuple[str, str]]:
        """Every article file's name: (id, fingerprint)."""
        found = {}
        for name, article_id, fingerprint in self._db.execute("SELECT name, id, fingerprint FROM articles"):
            if type(fingerprint) is not str or type(article_id) is not str:
                raise CatalogDamaged(f"the catalog at {self.path} holds a damaged row")
            found[name if type(name) is str else _name(name)] = (article_id, fingerprint)
        return found

    @_guarded
    def put(self, entry: Entry) -> None:
        values = tuple(getattr(entry, name) for name in _COLUMNS)
        self._db.execute(f"INSERT OR REPLACE INTO articles({', '.join(_COLUMNS)}) "
                         f"VALUES ({', '.join('?' * len(_COLUMNS))})",
                         tuple(_stored_name(v) if column == "name" else _text(v)
                               for column, v in zip(_COLUMNS, values)))

    @_guarded
    def drop(self, names: Iterable[str]) -> None:
        self._db.executemany("DELETE FROM articles WHERE name = ?", ((_stored_name(n),) for n in names))

    def _entry(self, row: tuple) -> Entry:
        """A row as an Entry; a row whose values are not of their columns' types is damage."""
        entry = Entry(*row)
        if type(entry.name) is not str:
            entry = Entry(entry.id, _name(entry.name), *row[2:])
        if not (type(entry.id) is str and type(entry.source) is str and type(entry.fingerprint) is str
                and type(entry.sections) is int and type(entry.passages) is int
                and isinstance(entry.added, (int, float)) and isinstance(entry.title, str)):
            raise CatalogDamaged(f"the catalog at {self.path} holds a damaged row")
        return entry

    @_guarded
    def totals(self) -> Totals:
        articles, sections, passages = self._db.execute(
            "SELECT count(*), coalesce(sum(sections), 0), coalesce(sum(passages), 0) "
            "FROM articles WHERE error IS NULL").fetchone()
        failed = self._db.execute("SELECT count(*) FROM articles WHERE error IS NOT NULL").fetchone()[0]
        return Totals(articles, sections, passages, failed)

    @_guarded
    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles WHERE error IS NULL").fetchone()[0]

    @_guarded
    def has_articles(self) -> bool:
        """Whether any article is indexed: the first one found, not a count of all (16 ms
        of every search at 50k articles)."""
        return self._db.execute("SELECT 1 FROM articles WHERE error IS NULL LIMIT 1").fetchone() is not None

    # -- journal ---------------------------------------------------------------------

    @_guarded
    def journal(self) -> dict[str, str | None]:
        """Names a writer was changing when it stopped (or is changing now): name -> id."""
        return {_name(name): article_id for name, article_id in self._db.execute("SELECT name, id FROM journal")}

    @_guarded
    def journal_empty(self) -> bool:
        return self._db.execute("SELECT 1 FROM journal LIMIT 1").fetchone() is None

    @_guarded
    def log(self, names: Iterable[tuple[str, str | None]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO journal(name, id) VALUES (?, ?)",
                             ((_stored_name(name), _text(article_id)) for name, article_id in names))

    @_guarded
    def clear_journal(self) -> None:
        self._db.execute("DELETE FROM journal")
        self._db.execute("DELETE FROM state WHERE key = 'journal_seen'")

    @_guarded
    def touch(self) -> None:
        self.set("changed_at", time.time())

    # -- one run's claims ------------------------------------------------------------

    def claims(self) -> "Claims":
        """A new, empty record of the ids, sources and names one `add` gives out."""
        return Claims(self._db)


class Claims:
    """The ids, sources and file names one `add` has given out, which the catalog does not
    hold yet (or holds from before the run). Kept in temporary tables of the catalog's
    connection, which SQLite keeps in a temporary file: in dicts they grew by ~15 MB in a
    50k-article add. They go when the connection closes."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db
        # Not journaled: nothing is rolled back here, and a crash loses the tables anyway.
        db.execute("PRAGMA temp.journal_mode = OFF")
        for table, columns in (("run_ids", "id TEXT PRIMARY KEY, source TEXT NOT NULL"),
                               ("run_sources", "source TEXT PRIMARY KEY, id TEXT NOT NULL"),
                               ("run_names", "name TEXT PRIMARY KEY")):
            db.execute(f"DROP TABLE IF EXISTS temp.{table}")
            db.execute(f"CREATE TEMP TABLE {table} ({columns}) WITHOUT ROWID")

    def holder(self, article_id: str) -> str | None:
        """The source that was given this id in this run, if any."""
        row = self._db.execute("SELECT source FROM temp.run_ids WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def id_of(self, source: str) -> str | None:
        """The id this source was given in this run, if any."""
        row = self._db.execute("SELECT id FROM temp.run_sources WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def has_name(self, name: str) -> bool:
        """Whether this file name (compared without case) was given out in this run."""
        return self._db.execute("SELECT 1 FROM temp.run_names WHERE name = ?", (name.lower(),)).fetchone() is not None

    def give(self, article_id: str, source: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO temp.run_ids(id, source) VALUES (?, ?)", (article_id, source))
        self._db.execute("INSERT OR REPLACE INTO temp.run_sources(source, id) VALUES (?, ?)", (source, article_id))

    def give_name(self, name: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO temp.run_names(name) VALUES (?)", (name.lower(),))


#: What SQLite says when the disk, a permission or another process is at fault, not the
#: catalog file. Anything else from our own fixed SQL (a malformed page, a missing table
#: or column, text that is not UTF-8) means the file is damaged.
_NOT_DAMAGE = {"SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_BUSY",
               "SQLITE_LOCKED", "SQLITE_PERM", "SQLITE_NOMEM", "SQLITE_AUTH", "SQLITE_INTERRUPT"}


def catalog_error(path: Path, exc: sqlite3.Error) -> CorpusError:
    """CatalogDamaged if the catalog file is damaged (it is then rebuilt), else CannotWrite."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    if "_".join(name.split("_")[:2]) in _NOT_DAMAGE:
        return CannotWrite(f"cannot use the catalog at {path}: {exc}")
    return CatalogDamaged(f"the catalog at {path} is damaged ({exc})")


def _read_only(path: Path, failure: CorpusError) -> sqlite3.Connection:
    """The catalog opened read-only, for a reader on a read-only or full disk.

    A catalog in WAL mode is read through its shared-memory file, which such a disk
    cannot create; as a last resort it is read as an immutable file (no writer can
    be changing it there).
    """
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    for suffix in ("", "&immutable=1"):
        db = sqlite3.connect(uri + suffix, uri=True, isolation_level=None, timeout=30)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.Error:
            db.close()
    raise failure


def _stored_name(name: str) -> str | bytes:
    """A file name as the catalog keeps it: its text, or its bytes when they are not UTF-8."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name)


def _name(value: str | bytes) -> str:
    return value if isinstance(value, str) else os.fsdecode(value)


def _text(value):
    """A value the catalog can store: a lone surrogate (a JSON escape, a file name's odd
    byte) in a text becomes U+FFFD."""
    if not isinstance(value, str) or value.isascii():
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
