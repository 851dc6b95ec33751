"""Prepare (clean and split) documents in a process pool, in order, in bounded chunks.

Cleaning an HTML page costs far more than storing it, so ingestion cleans in worker
processes (one per core) while the main process stores and indexes. At most `window`
chunks are in flight, so memory stays flat however long the input; results come back in
input order. A small job (fewer documents than one chunk) never starts a pool.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from itertools import islice
from typing import Generic, TypeVar

from .clean import clean
from .errors import CorpusError
from .models import Article, Document, Passage
from .split import passages as split_passages

T = TypeVar("T")
CHUNK = 32
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document cleaned and split, ready to index."""

    article: Article
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class Failed:
    """Why a document could not be prepared."""

    reason: str


def prepare(document: Document) -> Prepared:
    """Clean and split one document: everything ingestion does short of storing it."""
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


def _prepare_chunk(documents: list[Document]) -> list[Prepared | Failed]:
    return [prepare_safely(document) for document in documents]


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Job(Generic[T]):
    """An item travelling through the pipeline, and the document to prepare for it (if any)."""

    item: T
    document: Document | None


def run(jobs: Iterable[Job[T]], processes: int | None = None, chunk: int = CHUNK,
        window: int | None = None) -> Iterator[tuple[T, Prepared | Failed | None]]:
    """Each job's item with its prepared document (None where there was none), in order."""
    processes = processes or workers()
    window = window or 2 * processes
    source = iter(jobs)
    first = list(islice(source, chunk))
    if processes < 2 or len(first) < chunk:
        for job in first:
            yield job.item, _local(job)
        for job in source:
            yield job.item, _local(job)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_worker_start,
                             initargs=(os.getpid(),)) as pool:
        in_flight: deque = deque()

        def submit(batch: list[Job[T]]) -> None:
            # The raw bytes stay here; a worker needs only the decoded text.
            documents = [replace(job.document, raw=b"") for job in batch if job.document is not None]
            in_flight.append((batch, pool.submit(_prepare_chunk, documents) if documents else None))

        submit(first)
        while True:
            while len(in_flight) >= window:
                yield from _collect(*in_flight.popleft())
            batch = list(islice(source, chunk))
            if not batch:
                break
            submit(batch)
        while in_flight:
            yield from _collect(*in_flight.popleft())


def _worker_start(parent: int) -> None:
    """Die with the parent: a forked worker holds copies of the parent's descriptors,
    the corpus lock among them, and an orphan would keep every later writer waiting."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(0)


def _local(job: Job[T]) -> Prepared | Failed | None:
    return prepare_safely(job.document) if job.document is not None else None


def _collect(batch, future) -> Iterator[tuple[T, Prepared | Failed | None]]:
    try:
        results = iter(future.result() if future is not None else ())
    except BrokenProcessPool:
        raise CorpusError("a cleaning process died (out of memory?); nothing after the last reported "
                          "article was stored") from None
    for job in batch:
        yield job.item, (next(results) if job.document is not None else None)
