"""Semantic: fuse how close in meaning each passage is to the query with its lexical score.

Each passage carries a static-embedding vector (indexer.embed: wordllama's token vectors
mean-pooled), so a query costs one embedding (a tokenizer call and a table lookup) and
one matrix-vector product. The lexical ranking's leading passages are joined by the
passages nearest to the query in meaning (found on the vectors' first 64 dimensions,
then measured on all 256), and the union is ranked by

    fused = lexical + weight * best lexical * (cosine - lowest) / (highest - lowest)

with the cosine min-max scaled over the union, so the share of meaning is the same
whatever the scale of the lexical scores. The weight grows with the query's length
(`weight * (1 + min(words, 20) / 5)`: 0.18 for one word, 0.51 for twelve, at most
0.75): a claim of fifteen words says what it means in more ways than its words can
match, a one-word query is mostly its word. Chosen on NFCorpus dev and train and half
of SciFact train together, the other half held out (tests/bench/exp_semantic.py).

The coarse vectors are read once per searcher, a segment at a time, straight from
Whoosh's column (7.5 MB at 59k passages), the full ones a passage at a time as a query
needs them; deleted passages are never read. An index whose passages lack vectors (built without
the model, or by another model) is "outdated": ranking stays lexical and the caller says so.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from indexer.embed import COARSE_FIELD, DIM, FIELD, PREFIX, embedder


@dataclass(frozen=True, slots=True)
class Fusion:
    """How the semantic score joins the lexical one."""

    #: The semantic weight before the query's length is counted...
    weight: float = 0.15
    #: ...which adds the weight again for every `per_words` words...
    per_words: float = 5.0
    #: ...up to this many words (five times the weight).
    full_words: int = 20
    #: Passages nearest in meaning added to the lexical candidates...
    candidates: int = 100
    #: ...but no more than this share of the corpus's passages, and none in a corpus of
    #: fewer than `min_passages`: in a handful of articles "the nearest hundred" is all of
    #: them, and a word found in one article would bring back every other.
    candidate_share: float = 0.025
    min_passages: int = 200
    #: How many passages the coarse vectors shortlist before the full ones decide.
    shortlist: int = 300
    #: A lexical leader ahead of every other passage by this share of its score keeps
    #: first place. At 0.3 it changed no score of NFCorpus dev or train or SciFact train
    #: (a third of NFCorpus's leaders and half of SciFact's are that clear: fusion seldom
    #: unseats them), where 0.15 cost SciFact half 0 0.003 nDCG@10 (tests/bench/exp_gate.py).
    leader_margin: float = 0.3


#: Queries whose full vectors are read a passage at a time before a batch reads them all.
BATCH_AFTER = 8


class Vectors:
    """The passages' vectors for one open searcher: every live passage's coarse vector in
    memory (the shortlist is one pass over them), full vectors read from the index only
    for the passages a query needs. Rows are Whoosh's global passage numbers."""

    def __init__(self, coarse: np.ndarray, live: np.ndarray, leaves: list):
        #: Passages that are live and have a vector.
        self.live = live
        #: The live passages' numbers, and their coarse vectors (float32, one row each):
        #: with no deleted row in them, a query needs no mask.
        self.rows = np.flatnonzero(live)
        self.coarse = (coarse if len(self.rows) == len(live) else coarse[self.rows]).astype(np.float32)
        #: (first passage number, the segment's full-vector column) per segment.
        self._leaves = leaves
        self._starts = [start for start, _ in leaves]
        #: Every full vector, read at once when a batch has asked often enough.
        self._matrix: np.ndarray | None = None
        self._asked = 0

    @classmethod
    def read(cls, reader) -> "Vectors | None":
        """The searcher's vectors, or None when some live passage has none (outdated)."""
        parts, alive, leaves = [], [], []
        for leaf, offset in reader.leaf_readers():
            count = leaf.doc_count_all()
            # A segment none of whose passages got a vector has no column at all.
            if not (leaf.has_column(COARSE_FIELD) and leaf.has_column(FIELD)):
                return None
            parts.append(_column_rows(leaf, COARSE_FIELD, PREFIX, count))
            leaves.append((offset, leaf))
            keep = np.ones(count, dtype=bool)
            if leaf.has_deletions():
                keep[np.fromiter(leaf.deleted_docs_set, dtype=np.int64)] = False
            alive.append(keep)
        if not parts:
            return cls(np.zeros((0, PREFIX), np.float16), np.zeros(0, bool), [])
        coarse = np.concatenate(parts) if len(parts) > 1 else parts[0]
        live = np.concatenate(alive)
        # A missing vector is all zero bits; as integers the test is 8x faster than float16's.
        if (live & ~coarse.view(np.uint16).any(axis=1)).any():
            return None
        return cls(coarse, live, leaves)

    def full(self, docs: np.ndarray) -> np.ndarray:
        """The full vectors (float32) of these live passages: read from their segments a
        passage at a time for the first queries (a lone search reads a few hundred rows,
        not the whole column), then all at once for a batch (one read instead of a few
        hundred a query; 30 MB at 59k passages)."""
        if self._matrix is None:
            self._asked += 1
            if self._asked > BATCH_AFTER:
                self._matrix = np.concatenate([_column_rows(leaf, FIELD, DIM, leaf.doc_count_all())
                                               for _, leaf in self._leaves])
        if self._matrix is not None:
            return self._matrix[docs].astype(np.float32)
        out = np.zeros((len(docs), DIM), dtype=np.float32)
        columns = [leaf.column_reader(FIELD, translate=False) for _, leaf in self._leaves]
        for i, doc in enumerate(docs.tolist()):
            which = bisect_right(self._starts, doc) - 1
            out[i] = np.frombuffer(columns[which][doc - self._starts[which]], dtype=np.float16)
        return out


def _column_rows(leaf, name: str, dim: int, count: int) -> np.ndarray:
    """A segment's column of vectors as a (count, dim) float16 array, in one read where
    the codec allows it (Whoosh 3's fixed-bytes column), else a row at a time."""
    width = 2 * dim
    column = leaf.column_reader(name, translate=False)
    try:
        stored = min(column._count, count)
        raw = column._dbfile.get(column._basepos, stored * width) if stored else b""
    except AttributeError:  # another column reader: the public API
        raw = b"".join(column[d] for d in range(count))
        stored = count
    read = np.frombuffer(raw, dtype=np.float16, count=stored * dim).reshape(stored, dim)
    if stored == count:
        return read
    rows = np.zeros((count, dim), dtype=np.float16)  # passages after the last one written: none
    rows[:stored] = read
    return rows


#: What the query grammar adds to words: excluded words and phrases, field prefixes,
#: quotes and fuzzy marks (search.query); meaning is taken from the words alone.
_EXCLUDED = re.compile(r'(?:^|(?<=\s))[-−](?:\w+:)?(?:"[^"]*(?:"|$)|\S+)')
_MARKS = re.compile(r'\b(?:title|section|body):|"|~[12]?(?=\s|$)', re.I)


def query_text(text: str) -> str:
    """The query's own words, as its meaning is taken from (and counted for its weight)."""
    return " ".join(_MARKS.sub(" ", _EXCLUDED.sub(" ", text)).split())


def query_vector(text: str) -> np.ndarray | None:
    """The query's unit vector, or None without a model or without tokens."""
    model = embedder()
    if model is None:
        return None
    vector = model.vector(text)
    return vector if vector.any() else None


def shortlist(query: np.ndarray, vectors: Vectors, allowed: np.ndarray | None, count: int) -> np.ndarray:
    """The `count` live passages (among `allowed`, if given) nearest the query on the
    coarse vectors: a quarter of the work of the full ones, and as good a shortlist."""
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    # einsum, not `@`: numpy hands a matrix-vector product this size to OpenBLAS, whose
    # threads spin on a busy machine (7x the CPU time, 4x the wall time measured at 59k
    # passages, against 0.7 ms here).
    coarse = np.einsum("ij,j->i", vectors.coarse, query[:PREFIX])
    rows = vectors.rows
    if allowed is not None:
        keep = allowed[rows]
        coarse, rows = coarse[keep], rows[keep]
    count = min(count, len(rows))
    if not count:
        return np.zeros(0, dtype=np.int64)
    return rows[np.argpartition(coarse, len(coarse) - count)[len(coarse) - count:]]


def fuse(head: list[tuple[float, int]], query: np.ndarray, vectors: Vectors, words: int,
         allowed: np.ndarray | None, fusion: Fusion) -> tuple[list[tuple[float, int]], dict[int, float]]:
    """The lexical head (score, passage) joined by the passages nearest in meaning among
    `allowed`, rescored (unordered). Also each fused passage's semantic part."""
    best = head[0][0]
    passages = len(vectors.rows)
    count = min(fusion.candidates, int(passages * fusion.candidate_share)) if passages >= fusion.min_passages else 0
    short = shortlist(query, vectors, allowed, max(fusion.shortlist, count) if count else 0)
    lexical = {doc: score for score, doc in head}
    # One read of the full vectors for the head and the shortlist together.
    docs = np.array(sorted(set(lexical) | set(short.tolist())), dtype=np.int64)
    cosine = np.einsum("ij,j->i", vectors.full(docs), query)
    in_short = _members(docs, short)
    near = docs[in_short][np.argsort(-cosine[in_short], kind="stable")[:count]]
    keep = _members(docs, near) | _members(docs, np.fromiter(lexical, dtype=np.int64, count=len(lexical)))
    union, cosine = docs[keep], cosine[keep]
    low, high = float(cosine.min()), float(cosine.max())
    scaled = (cosine - low) / (high - low) if high > low else np.zeros(len(union))
    weight = fusion.weight * (1 + min(words, fusion.full_words) / fusion.per_words) * best
    parts = {doc: weight * float(s) for doc, s in zip(union.tolist(), scaled)}
    if len(head) > 1 and best > 0 and (best - max(s for s, _ in head[1:])) >= fusion.leader_margin * best:
        # A clear lexical leader keeps first place: it holds the query's words (often its
        # rarest one) as no other passage does, and on a long claim the topic's other
        # passages, close in meaning, would otherwise all gain as much as it could.
        leader = head[0][1]
        rival = max((lexical.get(doc, 0.0) + part for doc, part in parts.items() if doc != leader), default=0.0)
        if best + parts[leader] <= rival:
            parts[leader] = float(np.nextafter(rival, np.inf)) - best
    fused = [(lexical.get(doc, 0.0) + part, doc) for doc, part in parts.items()]
    return fused, parts


def _members(docs: np.ndarray, some: np.ndarray) -> np.ndarray:
    """Which of the sorted `docs` are in `some` (all of which are docs). Not np.isin: it
    sorts both, and its first call imports numpy.ma, 7 ms of a cold search."""
    mask = np.zeros(len(docs), dtype=bool)
    mask[np.searchsorted(docs, some)] = True
    return mask
