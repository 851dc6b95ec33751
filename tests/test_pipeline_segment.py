"""A worker's segment writer writes the same postings as Whoosh's own, spills included."""
from __future__ import annotations

import pytest

from indexer import index as ix
from indexer import pipeline
from indexer.models import Article, Block, Passage


def _passages(n: int):
    words = "statin breast cancer omega-3 diet fiber covid-19 doctor's trial risk cohort the of".split()
    for i in range(n):
        text = " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(40 + i % 30))
        # Some untitled articles and passages without headings: fields of no length.
        title = "" if i % 50 == 7 else f"Title {i} {words[i % len(words)]}"
        headings = () if i % 40 == 3 else ("Intro", words[i % 5])
        article = Article(id=f"a{i}", source=f"a{i}", kind="record", title=title, blocks=(Block("paragraph", text),))
        yield article, Passage(article_id=article.id, position=0, headings=headings, text=text)


def _postings(index_dir):
    index = ix.open_index(index_dir)
    with index.searcher() as searcher:
        reader = searcher.reader()
        found = {}
        for field in ("title", "section", "body", "article_id"):
            for term in reader.lexicon(field):
                found[field, term] = list(_walk(reader.postings(field, term)))
        lengths = {f: [reader.doc_field_length(d, f) for d in range(reader.doc_count_all())]
                   for f in ("title", "section", "body")}
        return found, lengths


def _walk(matcher):
    while matcher.is_active():
        yield matcher.id(), matcher.value(), matcher.weight()
        matcher.next()


@pytest.mark.parametrize("limit_mb", [pytest.param(1, marks=pytest.mark.slow), 64])
def test_worker_writer_writes_what_whoosh_writes(tmp_path, monkeypatch, limit_mb):
    from whoosh.writing import SegmentWriter

    monkeypatch.setattr(pipeline, "WORKER_MEMORY_MB", limit_mb)  # 1 MB: the pool spills runs
    items = list(_passages(3000 if limit_mb == 1 else 300))
    results = []
    for make in (lambda index: SegmentWriter(index, _lk=False, limitmb=limit_mb), pipeline._segment_writer):
        index_dir = tmp_path / str(len(results))
        writer = make(ix.create_index(index_dir))
        for article, passage in items:
            writer.add_document(**ix.passage_fields(article, passage))
        if limit_mb == 1:
            assert writer.pool.runs  # the spill path was taken
        writer.commit()
        results.append(_postings(index_dir))
    assert results[0] == results[1]
