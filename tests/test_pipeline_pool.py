"""The ingest pool: chunks dealt from one queue, results in input order, a dead worker is one error."""
from __future__ import annotations

import os

import pytest

from indexer import pipeline
from indexer.corpus import Corpus
from indexer.errors import CorpusError
from search.query import parse
from search.rank import Options, search

WORDS = "otter beaver heron salmon willow alder marsh delta estuary reed".split()


def _pages(folder, count):
    folder.mkdir()
    for i in range(count):
        # Sizes differ tenfold, as web pages do, so workers finish chunks out of turn.
        body = " ".join(f"{WORDS[i % len(WORDS)]}{i} river bank number {i}." for _ in range(1 + (i % 10) * 20))
        (folder / f"page{i:03}.html").write_text(f"<html><body><h1>Page {i}</h1><p>{body}</p></body></html>")
    return sorted(str(p) for p in folder.iterdir())


@pytest.mark.skipif(pipeline.workers() < 2, reason="needs two cores for a pool")
def test_pool_reports_in_input_order_and_indexes_every_page(tmp_path, monkeypatch):
    # Small chunks, so there are many more chunks than workers.
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 2_000)
    paths = _pages(tmp_path / "pages", 70)
    corpus = Corpus(tmp_path / "c")
    outcomes = corpus.add([str(tmp_path / "pages")])
    assert [o.source for o in outcomes] == paths
    assert {o.status for o in outcomes} == {"added"}
    for i in (0, 37, 69):
        hits = search(corpus.index_dir, parse(f"{WORDS[i % len(WORDS)]}{i}"), Options(per_doc=1))
        assert [h.article_id for h in hits] == [f"page{i:03}"]


def test_chunks_close_at_a_count_or_a_size():
    def job(size):
        return pipeline.Job(size, None if size is None else _document(size))

    jobs = [job(10), job(None), job(600), job(10), job(10), job(10), job(10)]
    chunks = list(pipeline._chunks(iter(jobs), chunk=3, chunk_chars=500))
    assert [[j.item for j in c] for c in chunks] == [[10, None, 600], [10, 10, 10], [10]]


def _document(size):
    from indexer.models import Document, Metadata

    return Document(id="d", source="s", kind="text", text="x" * size, given=Metadata(), raw=b"")


@pytest.mark.skipif(pipeline.workers() < 2, reason="needs two cores for a pool")
def test_a_worker_that_dies_is_one_error_not_a_hang(tmp_path, monkeypatch):
    parent = os.getpid()
    real = pipeline.index_one

    def dying(document, add):
        if os.getpid() != parent and document.source.endswith("page040.html"):
            os._exit(1)
        return real(document, add)

    monkeypatch.setattr(pipeline, "index_one", dying)
    _pages(tmp_path / "pages", 50)
    with pytest.raises(CorpusError, match="died"):
        Corpus(tmp_path / "c").add([str(tmp_path / "pages")])
