"""Score: BM25F over the index's postings, for one open searcher.

BM25F adds a term's frequencies across fields, each weighted and normalised by that
field's length, before saturating them once (Robertson & Zaragoza 2009). Whoosh's own
BM25F scores each field apart and sums the results, so a word found in both title and
body counts twice over; and it cannot say why a passage scored as it did. This module
reads postings straight from the Whoosh reader and remembers each term's scores for the
life of the searcher, so the second pass of feedback and the many queries of a batch
that share words read every posting list once.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

#: Cached postings (summed over terms) beyond which the cache is emptied, so memory stays
#: bounded in a long batch on a large corpus.
CACHE_POSTINGS = 4_000_000


@dataclass(frozen=True, slots=True)
class Bm25Params:
    """BM25F parameters: term-frequency saturation, and per field a weight and a length
    normalisation (0: length ignored, 1: fully normalised)."""

    k1: float
    weights: tuple[tuple[str, float], ...]
    b: tuple[tuple[str, float], ...]


class Scorer:
    """BM25F scores of terms over one searcher's reader; open the searcher, then use this."""

    def __init__(self, searcher, params: Bm25Params):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.params = params
        self.doc_count = max(self.reader.doc_count(), 1)
        self._weights = dict(params.weights)
        self._b = dict(params.b)
        all_docs = max(self.reader.doc_count_all(), 1)
        self._avg = {f: self.reader.field_length(f) / all_docs for f in self._weights}
        self._lengths: dict[str, dict[int, int]] = {f: {} for f in self._weights}
        self._scores: dict[tuple[tuple[str, ...], str], dict[int, float]] = {}
        self._cached = 0

    def fields(self) -> tuple[str, ...]:
        return tuple(self._weights)

    def has(self, field: str, term: str) -> bool:
        return (field, term) in self.reader

    def doc_frequency(self, term: str, fields: Iterable[str] | None = None) -> int:
        """In how many passages the term occurs, in any of the fields."""
        return len(self.term_scores(term, tuple(fields or self._weights)))

    def idf(self, df: int) -> float:
        return math.log(1.0 + (self.doc_count - df + 0.5) / (df + 0.5))

    def _length(self, field: str, doc: int) -> int:
        known = self._lengths[field]
        length = known.get(doc)
        if length is None:
            length = known[doc] = self.reader.doc_field_length(doc, field)
        return length

    def pseudo_frequencies(self, term: str, fields: tuple[str, ...]) -> dict[int, float]:
        """BM25F's combined frequency of a term in each passage that holds it."""
        combined: dict[int, float] = {}
        for field in fields:
            weight, avg = self._weights.get(field, 0.0), self._avg.get(field, 0.0)
            if not weight or not avg or (field, term) not in self.reader:
                continue
            b = self._b.get(field, 0.75)
            length = self._length
            postings = self.reader.postings(field, term)
            while postings.is_active():
                doc = postings.id()
                norm = 1.0 - b + b * length(field, doc) / avg
                combined[doc] = combined.get(doc, 0.0) + weight * postings.weight() / norm
                postings.next()
        return combined

    def term_scores(self, term: str, fields: tuple[str, ...] | None = None) -> dict[int, float]:
        """passage -> BM25F score of the term alone (idf times saturated frequency)."""
        fields = fields or tuple(self._weights)
        key = (fields, term)
        found = self._scores.get(key)
        if found is not None:
            return found
        frequencies = self.pseudo_frequencies(term, fields)
        idf, k1 = self.idf(len(frequencies)), self.params.k1
        found = {doc: idf * tf / (k1 + tf) for doc, tf in frequencies.items()}
        if self._cached + len(found) > CACHE_POSTINGS:
            self._scores.clear()
            self._cached = 0
        self._scores[key] = found
        self._cached += len(found)
        return found

    def field_frequencies(self, term: str, doc: int) -> dict[str, int]:
        """How often the term occurs in each field of one passage (for explanations)."""
        found = {}
        for field in self._weights:
            if (field, term) not in self.reader:
                continue
            postings = self.reader.postings(field, term)
            postings.skip_to(doc)
            if postings.is_active() and postings.id() == doc:
                found[field] = int(postings.weight())
        return found

    def positions(self, field: str, term: str, docs: list[int]) -> dict[int, list[int]]:
        """Where the term occurs in the field of each of `docs` (sorted ascending) holding it."""
        found: dict[int, list[int]] = {}
        if (field, term) not in self.reader:
            return found
        postings = self.reader.postings(field, term)
        for doc in docs:
            if not postings.is_active():
                break
            if postings.id() < doc:
                postings.skip_to(doc)
                if not postings.is_active():
                    break
            if postings.id() == doc:
                found[doc] = list(postings.value_as("positions"))
        return found
