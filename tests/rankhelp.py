"""Helpers for the ranking tests: small hand-made corpora built through the library."""
from __future__ import annotations

from pathlib import Path

from indexer.corpus import Corpus
from search.query import parse
from search.rank import Options, search

#: Options that rank by the words alone, so a test sees one part of ranking at a time.
PLAIN = Options(per_doc=10, feedback=False, proximity=False, synonyms=False, did_you_mean=False, semantic=False)


def build(tmp_path: Path, articles: dict[str, str]) -> Corpus:
    """A corpus of one .txt file per article, named by id."""
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    for name, text in articles.items():
        (sources / f"{name}.txt").write_text(text, encoding="utf-8")
    corpus = Corpus(tmp_path / "corpus")
    corpus.add([str(sources / f"{name}.txt") for name in articles])
    return corpus


def ranked(corpus: Corpus, query: str, options: Options = PLAIN) -> list[str]:
    return [hit.article_id for hit in search(corpus.index_dir, parse(query), options)]
