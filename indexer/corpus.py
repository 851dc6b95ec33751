"""The corpus as a library: add, remove, reindex and keep the index in step with the folder.

Every write holds the corpus lock. The folder is the truth and the index is derived from
it: articles are stored before they are indexed, so a crash at worst leaves the index
behind the folder, which the next command notices (by the manifest) and repairs.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import index as ix
from .clean import clean
from .errors import ArticleNotFound, CorpusError, UsageError
from .load import EXTENSIONS, Skipped, document_from_bytes, is_url, load, sniff
from .models import Article, Document, Metadata, Passage
from .split import passages as split_passages
from .store import INDEX_DIR, Lock, Store, Stored, digest

Status = Literal["added", "updated", "unchanged", "skipped"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `add` did with one source (or one record of a bulk file)."""

    source: str
    status: Status
    id: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What bringing the index up to date did."""

    indexed: int
    removed: int
    failed: tuple[Outcome, ...] = ()


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
    article = clean(document)
    return article, list(split_passages(article))


def _entry(article: Article, passages: list[Passage], fingerprint: list) -> ix.Entry:
    return ix.Entry(id=article.id, fingerprint=fingerprint, title=article.title, source=article.source,
                    url=article.url, author=article.author, published=article.published,
                    site=article.site, sections=len({p.headings for p in passages}), passages=len(passages))


class Corpus:
    """One corpus folder and its index."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.store = Store(self.root)
        self.index_dir = self.root / INDEX_DIR

    # -- reading -----------------------------------------------------------------

    def exists(self) -> bool:
        return self.store.exists()

    def require(self) -> None:
        if not self.root.is_dir():
            raise UsageError(f"no corpus at {self.root}; add articles with `corpus add PATH` "
                             "or point --corpus at one")

    def _changed_names(self, manifest: ix.Manifest) -> tuple[dict[str, list[int]], set[str], set[str]]:
        """Fingerprints now, and the file names that differ from the manifest or left it."""
        prints = self.store.fingerprints()
        changed = {name for name, fingerprint in prints.items()
                   if (entry := manifest.entries.get(name)) is None or entry.fingerprint != fingerprint}
        return prints, changed, set(manifest.entries) - set(prints)

    def _plan(self, manifest: ix.Manifest) -> tuple[list[Stored], list[ix.Entry]]:
        """Articles whose files changed since they were indexed, and indexed ones now gone."""
        _, changed_names, gone_names = self._changed_names(manifest)
        if not changed_names and not gone_names:
            return [], []
        stored = self.store.articles()  # reads every metadata file: only when something changed
        by_name = {s.name: s for s in stored.values()}
        changed = {name: by_name[name] for name in changed_names if name in by_name}
        changed.update({s.name: s for s in by_name.values()
                        if s.name in manifest.entries and manifest.entries[s.name].id != s.id})
        gone = []
        for name, entry in manifest.entries.items():
            if name in by_name:
                continue
            if entry.id in stored:  # the article lives on under another file name
                changed.setdefault(stored[entry.id].name, stored[entry.id])
            gone.append(entry)
        return list(changed.values()), gone

    def is_stale(self) -> bool:
        """Whether the index lags the folder; reads no article, only the folder's listing."""
        manifest = ix.Manifest.read(self.index_dir)
        if manifest.version != ix.INDEX_VERSION or not ix.exists(self.index_dir):
            return True
        _, changed, gone = self._changed_names(manifest)
        return bool(changed or gone)

    def entries(self) -> list[ix.Entry]:
        """The indexed articles, sorted by id."""
        manifest = ix.Manifest.read(self.index_dir)
        return sorted((e for e in manifest.entries.values() if e.error is None), key=lambda e: e.id)

    def stored(self, article_id: str) -> Stored:
        found = self.store.articles().get(article_id)
        if found is None:
            raise ArticleNotFound(f"no article with id {article_id!r}; `corpus list` shows the ids")
        return found

    def article(self, article_id: str) -> tuple[Article, list[Passage]]:
        """An article as it is indexed now, cleaned again from the stored file."""
        return prepare(self._document(self.stored(article_id)))

    def stats(self) -> Stats:
        manifest = ix.Manifest.read(self.index_dir)
        good = [e for e in manifest.entries.values() if e.error is None]
        size, newest = 0, None
        for folder in (self.index_dir, self.root, self.store.meta):
            if folder.is_dir():
                for entry in os.scandir(folder):
                    if entry.is_file():
                        stat = entry.stat()
                        if folder == self.index_dir:
                            size += stat.st_size
                        newest = max(newest or 0.0, stat.st_mtime)
        return Stats(articles=len(good), sections=sum(e.sections for e in good),
                     passages=sum(e.passages for e in good), index_bytes=size, last_change=newest,
                     failed=len(manifest.entries) - len(good))

    # -- writing -----------------------------------------------------------------

    def _document(self, stored: Stored) -> Document:
        data = self.store.read(stored)
        kind = sniff(data, _claimed_kind(stored.extension))
        return document_from_bytes(data, stored.source, kind, stored.id, stored.given)

    def _index(self, rebuild: bool):
        if rebuild or not ix.exists(self.index_dir):
            return ix.create_index(self.index_dir), True
        return ix.open_index(self.index_dir), False

    def sync(self, rebuild: bool = False, progress=None) -> SyncReport | None:
        """Bring the index in step with the folder (or rebuild it); None if it already was."""
        with Lock(self.root):
            return self._sync(rebuild, progress)

    def _sync(self, rebuild: bool, progress=None) -> SyncReport | None:
        self.store.recover()
        manifest = ix.Manifest.read(self.index_dir)
        if manifest.version != ix.INDEX_VERSION or not ix.exists(self.index_dir):
            rebuild = True
        if rebuild:
            manifest = ix.Manifest(version=ix.INDEX_VERSION, entries={})
        changed, gone = self._plan(manifest)
        if not rebuild and not changed and not gone:
            return None
        target = self.index_dir.with_name(INDEX_DIR + "-new") if rebuild else self.index_dir
        if rebuild:
            ix.remove_index(target)
            index, fresh = ix.create_index(target), True
        else:
            index, fresh = ix.open_index(target), False
        failed = []
        with ix.Writer(index, fresh=fresh) as writer:
            for entry in gone:
                writer.delete(entry.id)
                manifest.entries = {n: e for n, e in manifest.entries.items() if e is not entry}
            for stored in changed:
                prints = self.store.fingerprints_of(stored.name)
                try:
                    article, passages = prepare(self._document(stored))
                except CorpusError as exc:
                    writer.delete(stored.id)
                    manifest.entries[stored.name] = ix.Entry(id=stored.id, fingerprint=prints, source=stored.source,
                                                             error=str(exc))
                    failed.append(Outcome(stored.source, "skipped", stored.id, str(exc)))
                    continue
                writer.replace(article, passages)
                manifest.entries[stored.name] = _entry(article, passages, prints)
                if progress:
                    progress(stored)
        manifest.write(target)
        if rebuild:
            self._swap_in(target)
        return SyncReport(indexed=len(changed) - len(failed), removed=len(gone), failed=tuple(failed))

    def _swap_in(self, fresh: Path) -> None:
        # A crash between the renames leaves no index, which the next command rebuilds.
        old = self.index_dir.with_name(INDEX_DIR + "-old")
        shutil.rmtree(old, ignore_errors=True)
        if self.index_dir.exists():
            os.replace(self.index_dir, old)
        os.replace(fresh, self.index_dir)
        shutil.rmtree(old, ignore_errors=True)

    def add(self, sources: Iterable[str], title: str | None = None, url: str | None = None,
            article_id: str | None = None,
            on_outcome: Callable[[Outcome], None] | None = None, follow_links: bool = False) -> list[Outcome]:
        """Add or replace articles, streaming them; `on_outcome` hears of each as it is done."""
        self.root.mkdir(parents=True, exist_ok=True)
        outcomes = []
        with Lock(self.root):
            self._sync(rebuild=False)
            manifest = ix.Manifest.read(self.index_dir)
            stored = self.store.articles()
            index, fresh = self._index(rebuild=False)
            seen: dict[str, str] = {}
            with ix.Writer(index, fresh=fresh and not stored) as writer:
                for document in load(sources, title=title, url=url, doc_id=article_id,
                                     follow_links=follow_links):
                    outcome = self._add_one(document, stored, seen, writer, manifest)
                    outcomes.append(outcome)
                    if on_outcome is not None:
                        on_outcome(outcome)
            manifest.version = ix.INDEX_VERSION
            manifest.write(self.index_dir)
        return outcomes

    def _add_one(self, document: Document | Skipped, stored: dict[str, Stored], seen: dict[str, str],
                 writer: ix.Writer, manifest: ix.Manifest) -> Outcome:
        if isinstance(document, Skipped):
            return Outcome(document.source, "skipped", reason=document.reason)
        if document.id in seen:
            return Outcome(document.source, "skipped", document.id,
                           f"id {document.id!r} was already added from {seen[document.id]} in this run")
        seen[document.id] = document.source
        previous = stored.get(document.id)
        extension = ".json" if document.kind == "record" else _store_extension(document)
        given = Metadata() if document.kind == "record" else document.given
        if (previous is not None and previous.sha256 == digest(document.raw)
                and previous.extension == extension and previous.given == given
                and previous.name in manifest.entries):
            return Outcome(document.source, "unchanged", document.id)
        try:
            article, passages = prepare(document)
        except CorpusError as exc:
            return Outcome(document.source, "skipped", document.id, str(exc))
        new = self.store.put(document.id, extension, document.raw, document.source, given, previous)
        writer.replace(article, passages)
        if previous is not None and previous.name != new.name:
            manifest.entries.pop(previous.name, None)
        manifest.entries[new.name] = _entry(article, passages, self.store.fingerprints_of(new.name))
        stored[document.id] = new
        return Outcome(document.source, "updated" if previous else "added", document.id)

    def remove(self, article_ids: Iterable[str]) -> list[str]:
        """Remove articles by id; all must exist, or nothing is removed."""
        article_ids = list(dict.fromkeys(article_ids))
        with Lock(self.root):
            self._sync(rebuild=False)
            stored = self.store.articles()
            unknown = [i for i in article_ids if i not in stored]
            if unknown:
                raise ArticleNotFound(f"no article with id {', '.join(map(repr, unknown))}; nothing removed")
            manifest = ix.Manifest.read(self.index_dir)
            with ix.Writer(ix.open_index(self.index_dir)) as writer:
                for article_id in article_ids:
                    writer.delete(article_id)
            # Index first: were the files deleted first, a crash would leave passages of an
            # article that no longer exists; this way the sync after a crash removes them.
            for article_id in article_ids:
                self.store.delete(stored[article_id])
                manifest.entries.pop(stored[article_id].name, None)
            manifest.write(self.index_dir)
        return article_ids


def _claimed_kind(extension: str):
    return EXTENSIONS.get(extension)


def _store_extension(document: Document) -> str:
    """The extension to store a document under: its own if it has a known one, else by kind."""
    suffix = "" if is_url(document.source) else Path(document.source).suffix.lower()
    if EXTENSIONS.get(suffix) == document.kind:
        return suffix
    return {"html": ".html", "markdown": ".md", "text": ".txt", "record": ".json"}[document.kind]
