"""Rank: run a parsed query against the index and return the best passages as Hits."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.schema import FIELD_WEIGHTS

from .query import FIELDS, Clause, ParsedQuery


@dataclass(frozen=True, slots=True)
class Options:
    """How to rank; built once at the CLI edge and passed down."""

    limit: int = 10
    #: At most this many passages of one article.
    per_doc: int = 3
    field_weights: dict = field(default_factory=lambda: dict(FIELD_WEIGHTS))
    bm25_b: float = 0.75
    bm25_k1: float = 1.2


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked passage, copied out of the index while the searcher was open."""

    rank: int
    score: float
    article_id: str
    title: str
    headings: tuple[str, ...]
    source: str
    url: str | None
    text: str
    position: int
    #: Character spans of `text` that match the query's terms.
    spans: tuple[tuple[int, int], ...] = ()


def _clause_query(clause: Clause, options: Options):
    from whoosh import query as q

    fields = (clause.field,) if clause.field else FIELDS
    parts = []
    for name in fields:
        boost = options.field_weights.get(name, 1.0)
        if clause.phrase:
            parts.append(q.Phrase(name, list(clause.terms), boost=boost))
        elif clause.fuzzy:
            parts.append(q.FuzzyTerm(name, clause.terms[0], boost=boost, maxdist=clause.fuzzy, prefixlength=1))
        else:
            parts.append(q.Term(name, clause.terms[0], boost=boost))
    return parts[0] if len(parts) == 1 else q.Or(parts)


def whoosh_query(parsed: ParsedQuery, options: Options):
    """Any word may match (OR); phrases and field-restricted words must; excluded words must not."""
    from whoosh import query as q

    required = [_clause_query(c, options) for c in parsed.positive if c.phrase or c.field]
    optional = [_clause_query(c, options) for c in parsed.positive if not (c.phrase or c.field)]
    if required and optional:
        positive = q.AndMaybe(q.And(required), q.Or(optional))
    elif required:
        positive = q.And(required)
    else:
        positive = q.Or(optional)
    excluded = [_clause_query(c, options) for c in parsed.clauses if c.excluded]
    return q.AndNot(positive, q.Or(excluded)) if excluded else positive


def weighting(options: Options):
    from whoosh import scoring

    return scoring.BM25F(B=options.bm25_b, K1=options.bm25_k1)


def match_spans(text: str, terms: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """Where in `text` the given analysed terms occur, as character spans."""
    from indexer.analysis import shared

    wanted = set(terms)
    return tuple((token.startchar, token.endchar) for token in shared()(text, chars=True)
                 if token.text in wanted)


def _hits(searcher, parsed: ParsedQuery, options: Options) -> list[Hit]:
    from whoosh.sorting import FieldFacet

    results = searcher.search(whoosh_query(parsed, options), limit=options.limit,
                              collapse=FieldFacet("article_id"), collapse_limit=options.per_doc)
    hits = []
    for rank, result in enumerate(results, 1):
        stored = result.fields()
        hits.append(Hit(rank=rank, score=result.score, article_id=stored["article_id"], title=stored["title"],
                        headings=tuple(stored.get("headings") or ()), source=stored.get("source") or "",
                        url=stored.get("url"), text=stored.get("body") or "", position=stored.get("position", 0),
                        spans=match_spans(stored.get("body") or "", parsed.terms)))
    return hits


def search(index_dir: Path, parsed: ParsedQuery, options: Options) -> list[Hit]:
    """The best passages for one query, best first."""
    return next(iter(search_many(index_dir, [parsed], options)))


def search_many(index_dir: Path, queries: Iterable[ParsedQuery], options: Options) -> Iterator[list[Hit]]:
    """Run queries in turn on one searcher (opened for this call, never refreshed)."""
    from indexer.index import open_index

    index = open_index(index_dir)
    with index.searcher(weighting=weighting(options)) as searcher:
        for parsed in queries:
            yield _hits(searcher, parsed, options)
