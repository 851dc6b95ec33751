"""Clean, split and index documents on every core, in order, in bounded chunks.

Indexing a passage in Whoosh costs more than cleaning it, so both happen in worker
processes: each worker cleans the documents it is sent and adds their passages to a
Whoosh segment of its own, returning only a small summary per article. When the run
ends, the workers finish their segments and the parent's writer commits them together
with its own changes (deletions of replaced articles) in one table of contents, so a
reader sees all of a run's passages at once or none.

Chunks go into one queue that every worker takes from, so a worker that drew cheap
documents takes the next chunk rather than waiting its turn: web pages differ tenfold
in cost. A chunk closes at CHUNK documents or CHUNK_CHARS characters, so pages are
dealt out a few at a time and both cores stay busy to the end of the run. At most two
chunks per worker are in flight, so memory stays flat however long the input, and
results come back in input order. A small job (fewer documents than one chunk) never
starts a worker.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import queue
import signal
import sys
from array import array
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Generic, TypeVar

from .errors import CorpusError
from .formats import for_cleaning, size_to_clean
from .models import Article, Document, Passage

T = TypeVar("T")
CHUNK = 32
#: A chunk also closes once its documents hold this many characters (web pages run to
#: 100-200 kB each, JSONL records to a few kB).
CHUNK_CHARS = 1_000_000
#: Whoosh's posting pool per worker; the parent's writer has its own (index.WRITER_MEMORY_MB).
#: Each worker also holds the embedding model (its vocabulary, ~5 MB, and the 16 MB token
#: table, mapped): a smaller pool spills more runs, which cost no measurable CPU at 3.6k
#: articles (8, 16, 32 MB: 9.9-10.3 s either way); 4 MB would save ~5 MB a worker but, at
#: 50k articles, spill more runs than Whoosh merges at once (128), adding a merge pass.
WORKER_MEMORY_MB = 8
_PR_SET_PDEATHSIG = 1
#: The signals that stop a command; a worker ignores the first and dies of the second.
_STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
#: Postings per pickle in a spilled run of the posting pool. The final merge holds one
#: block of every run at once (up to Whoosh's 128 runs) and runs grow in number with the
#: corpus, so blocks are small: 256 postings a block cost each worker 5-7 MB in the merge
#: at 50k articles, 64 cost a quarter of that and no measurable time.
_RUN_BLOCK = 64


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document cleaned and split, ready to index."""

    article: Article
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class Indexed:
    """What the catalog keeps of an article whose passages went into the index."""

    title: str
    url: str | None
    author: str | None
    published: str | None
    site: str | None
    sections: int
    passages: int
    #: Words the article kept, and words its page held before cleaning (0: not counted).
    words: int = 0
    page_words: int = 0


@dataclass(frozen=True, slots=True)
class Failed:
    """Why a document could not be prepared."""

    reason: str


@dataclass(frozen=True, slots=True)
class Job(Generic[T]):
    """An item travelling through the pipeline, and the document to index for it (if any)."""

    item: T
    document: Document | None


def prepare(document: Document) -> Prepared:
    """Clean and split one document: everything ingestion does short of storing it."""
    from .clean import clean
    from .split import passages as split_passages

    article = clean(document)
    return Prepared(article, tuple(split_passages(article)))


def prepare_safely(document: Document) -> Prepared | Failed:
    """`prepare`, with any failure turned into a reason: a bad article is its own problem only."""
    try:
        return prepare(document)
    except CorpusError as exc:
        return Failed(str(exc))
    except RecursionError:
        return Failed("too deeply nested to read")
    except (ValueError, LookupError, UnicodeError, MemoryError) as exc:
        return Failed(f"cannot be read ({type(exc).__name__})")


def index_one(document: Document, add) -> Indexed | Failed:
    """Prepare a document and hand its passages to `add(article, passages)`."""
    prepared = prepare_safely(document)
    if isinstance(prepared, Failed):
        return prepared
    article, passages = prepared.article, prepared.passages
    add(article, passages)
    return Indexed(title=article.title, url=article.url, author=article.author, published=article.published,
                   site=article.site, sections=len({p.headings for p in passages}), passages=len(passages),
                   words=sum(len(block.text.split()) for block in article.blocks), page_words=article.page_words)


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run(jobs: Iterable[Job[T]], writer, index_dir: Path, processes: int | None = None,
        chunk: int = CHUNK, chunk_chars: int = CHUNK_CHARS) -> Iterator[tuple[T, Indexed | Failed | None]]:
    """Index each job's document and yield its item with the outcome, in order.

    `writer` is the parent's index.Writer: small jobs add to it directly; worker
    segments are handed to it to commit.
    """
    processes = processes or workers()
    source = iter(jobs)
    first = list(islice(source, chunk))
    if processes < 2 or len(first) < chunk:
        for job in first:
            yield job.item, _local(job, writer)
        for job in source:
            yield job.item, _local(job, writer)
        return
    crew = _Crew(index_dir, processes)
    try:
        in_flight: deque = deque()
        turn = 0
        for batch in _chunks(chain(first, source), chunk, chunk_chars):
            while len(in_flight) >= 2 * processes:
                yield from _collect(crew, *in_flight.popleft())
            # The raw bytes stay here; a worker needs only the decoded text (a PDF's bytes go).
            documents = [for_cleaning(job.document) for job in batch if job.document is not None]
            if documents:
                crew.send(turn, documents)
                in_flight.append((batch, turn))
                turn += 1
            else:
                in_flight.append((batch, None))
        # Said now, not once the last results are in: a worker that runs out of chunks
        # writes out its segment while the other is still on its last one.
        crew.close()
        while in_flight:
            yield from _collect(crew, *in_flight.popleft())
        writer.adopt(crew.finish())
    finally:
        crew.stop()


def _chunks(jobs: Iterator[Job[T]], chunk: int, chunk_chars: int) -> Iterator[list[Job[T]]]:
    """Jobs in lists of at most `chunk`, closed early once their text reaches `chunk_chars`."""
    batch: list[Job[T]] = []
    chars = 0
    for job in jobs:
        batch.append(job)
        if job.document is not None:
            chars += size_to_clean(job.document)
        if len(batch) >= chunk or chars >= chunk_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _local(job: Job[T], writer) -> Indexed | Failed | None:
    return index_one(job.document, writer.add) if job.document is not None else None


def _collect(crew: "_Crew", batch, turn: int | None) -> Iterator[tuple]:
    results = iter(crew.receive(turn) if turn is not None else ())
    for job in batch:
        yield job.item, (next(results) if job.document is not None else None)


class _Crew:
    """Worker processes taking chunks from one inbox, each writing its own index segment."""

    def __init__(self, index_dir: Path, processes: int):
        methods = multiprocessing.get_all_start_methods()
        # fork: a worker starts with every module already imported (spawn re-imports bs4, lxml, Whoosh).
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.inbox = context.Queue()
        self.outbox = context.Queue()
        #: Results that arrived before their turn was asked for, by turn.
        self.early: dict[int, list] = {}
        #: Finished segments by worker (None when a worker indexed nothing).
        self.segments: dict[int, object] = {}
        #: Whether every worker handed in its segment (else `stop` stops them mid-run).
        self.finished = False
        self.processes = [context.Process(target=_work, daemon=True,
                                          args=(number, str(index_dir), self.inbox, self.outbox, os.getpid()))
                          for number in range(processes)]
        # A signal that arrived between a fork and the worker setting its own handlers would
        # run the parent's in the worker (a traceback); blocked here, it waits for them.
        blocked = _block(_STOP_SIGNALS)
        try:
            for process in self.processes:
                process.start()
        finally:
            _unblock(blocked)

    def send(self, turn: int, documents: list[Document]) -> None:
        self.inbox.put((turn, documents))

    def receive(self, turn: int) -> list:
        """The results of chunk `turn`."""
        while turn not in self.early:
            self._next()
        return self.early.pop(turn)

    def _next(self) -> None:
        while True:
            try:
                message = self.outbox.get(timeout=1.0)
                break
            except queue.Empty:
                if any(not process.is_alive() and number not in self.segments
                       for number, process in enumerate(self.processes)):
                    raise CorpusError("an indexing process died (out of memory?); nothing after the last "
                                      "reported article was stored") from None
        if isinstance(message, OSError):
            raise message  # a full or read-only disk: the caller says so in one line
        if isinstance(message, BaseException):
            raise CorpusError(f"an indexing process failed: {message}")
        kind, key, value = message
        if kind == "results":
            self.early[key] = value
        else:
            self.segments[key] = value

    def close(self) -> None:
        """No more chunks: each worker finishes its segment once the inbox is empty."""
        for _ in self.processes:
            self.inbox.put(None)

    def finish(self) -> list:
        """Each worker's finished segment (those that indexed anything), after `close`."""
        while len(self.segments) < len(self.processes):
            self._next()
        self.finished = True
        return [segment for segment in self.segments.values() if segment is not None]

    def stop(self) -> None:
        """Stop the workers (at once, if the run was cut short) and let go of the queues."""
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join()
        if not self.finished:
            # Chunks that no worker will now read can fill the inbox's pipe, its feeder
            # thread blocked writing them: waiting for that thread would wait for good (the
            # first Ctrl-C of a bulk add hung so). The thread is a daemon; it ends with us.
            self.inbox.cancel_join_thread()
        for box in (self.inbox, self.outbox):
            box.close()
            box.join_thread()


def _work(number: int, index_dir: str, inbox, outbox, parent: int) -> None:
    """A worker: chunks of documents in, summaries out, passages into this worker's own segment."""
    _die_with(parent)
    from .index import article_documents, open_index

    try:
        writer = _segment_writer(open_index(Path(index_dir)))

        def add(article, passages) -> None:
            for fields in article_documents(article, passages):
                writer.add_document(**fields)

        trim = _heap_trimmer()
        while (message := inbox.get()) is not None:
            turn, documents = message
            outbox.put(("results", turn, [index_one(document, add) for document in documents]))
            trim()
        if writer._added:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        # No writer._finish(): it would delete the temporary folder every writer of this
        # index shares (the parent's writer removes it when it commits or cancels).
        outbox.put(("segment", number, segment))
    except OSError as exc:  # a full or read-only disk: the parent says so
        outbox.put(OSError(exc.errno, exc.strerror, exc.filename))
    except Exception as exc:  # reported to the parent, which stops the run with one line
        outbox.put(RuntimeError(f"{type(exc).__name__}: {exc}"))
    outbox.close()
    outbox.join_thread()


def _segment_writer(index):
    """A Whoosh segment writer for a worker, with two of Whoosh's per-posting costs taken out.

    Between them these were half of a worker's time at 10,000 articles; the segment written
    is the same.
    - The posting pool pickled and unpickled each posting on its own when a run spilled to
      disk (every few hundred articles); it now pickles a block of postings at a time: the
      same runs, in the same order, and reading a block at a time keeps the merge small.
    - Writing the postings out looked up the field length of each posting's document in
      the length column, one read per posting; it now reads each field's lengths once.
    And one of its memory costs: the terms file's hash index, which Whoosh keeps as a
    tuple of two ints per term (~115 bytes) until the segment is closed, is kept in
    arrays (16 bytes a term): at 50k articles a worker's segment holds ~70k terms.
    """
    from whoosh.writing import PostingPool, SegmentWriter

    class BlockPool(PostingPool):
        def add(self, item):
            # PostingPool.add without its type checks: the same size estimate, the same spills.
            self.fieldnames.add(item[0])
            self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or "")
            if self.currentsize > self.limit:
                self.save()
            self.current.append(item)

        def _write_run(self, f, items):
            items = iter(items)
            while block := list(islice(items, _RUN_BLOCK)):
                pickle.dump(block, f, pickle.HIGHEST_PROTOCOL)
            f.close()

        def _read_run(self, path):
            f = self._open_run(path)
            try:
                while True:
                    try:
                        block = pickle.load(f)
                    except EOFError:
                        return
                    yield from block
            finally:
                f.close()
                self._remove_run(path)

    class WorkerWriter(SegmentWriter):
        def __init__(self, index):
            super().__init__(index, _lk=False, limitmb=WORKER_MEMORY_MB)
            self.pool = BlockPool(self._tempstorage, self.newsegment, limitmb=WORKER_MEMORY_MB)
            terms = getattr(self.fieldwriter, "_tindex", None)  # the W3 codec's terms file
            if terms is not None and isinstance(getattr(terms, "buckets", None), list):
                terms.buckets = [_Pairs() for _ in terms.buckets]

        def _flush_segment(self):
            # SegmentWriter._flush_segment, with the lengths read through _Lengths.
            self.perdocwriter.close()
            lengths = self.per_document_reader() if self.codec.length_stats else None
            self.fieldwriter.add_postings(self.schema, lengths and _Lengths(lengths), self.pool.iter_postings())
            self.fieldwriter.close()
            if lengths:
                lengths.close()

    return WorkerWriter(index)


class _Lengths:
    """A segment's per-document field lengths, each field's read into an array on first use
    (what the postings writer asks for once per posting)."""

    def __init__(self, reader):
        self._reader = reader
        self._tables: dict[str, array] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        table = self._tables.get(fieldname)
        if table is None:
            reader = self._reader
            # Whoosh stores a length in one byte: decoded, at most 106,374. A passage
            # without the field (an untitled article) reads as None, which the postings
            # writer treats as it treats 0.
            table = array("I", (reader.doc_field_length(d, fieldname, default) or 0
                                for d in range(reader.doc_count_all())))
            self._tables[fieldname] = table
        return table[docnum]


class _Pairs:
    """One bucket of Whoosh's HashWriter: the (hash, position) pairs it appends and iterates
    over, kept in an array rather than as tuples."""

    __slots__ = ("_items",)

    def __init__(self):
        self._items = array("Q")

    def append(self, pair: tuple[int, int]) -> None:
        self._items.extend(pair)

    def __len__(self) -> int:
        return len(self._items) // 2

    def __iter__(self) -> Iterator[tuple[int, int]]:
        items = self._items
        return zip(items[0::2], items[1::2])


def _heap_trimmer():
    """A function that hands the C heap's free memory back to the system (glibc's
    malloc_trim; a no-op elsewhere), called after each chunk: it takes ~0.2 ms.

    glibc keeps what a process frees for reuse, and the C heap's top stays where its
    highest live block is. A worker's first chunk loads the tokenizer: in a new cache that
    parses its 1.8 MB configuration, whose 9 MB of temporaries then stayed in each
    worker's resident memory to the end of the run."""
    try:
        malloc_trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    malloc_trim.argtypes = [ctypes.c_size_t]
    return lambda: malloc_trim(0)


def _block(signals: frozenset) -> set | None:
    """Block these signals in this thread; the mask before (None where there are no masks)."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, signals)


def _unblock(mask: set | None) -> None:
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _die_with(parent: int) -> None:
    """Die with the parent: a forked worker holds copies of the parent's descriptors,
    the corpus lock among them, and an orphan would keep every later writer waiting."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # The parent turns SIGTERM into an exception so that it can clean up; a worker (which
    # the parent stops with SIGTERM) just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # blocked by the parent around the fork
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(0)
