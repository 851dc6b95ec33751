"""Proximity: how close together a passage holds the query's words.

A passage where the query's words stand side by side (or as the query's phrase) answers
it better than one that mentions them paragraphs apart. The measure is Büttcher, Clarke
and Lushman's (SIGIR 2006): each occurrence of a query word gains the idf of its nearest
different query word divided by the squared distance between them; a word's gains are
saturated like a BM25 frequency and weighted by its own idf (capped at 1). The ranker
passes idf scaled down (Options.proximity_idf_ref), so that only pairs of rare words earn
a full bonus, and weighs the total less the longer the query.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence


def proximity(positions: Mapping[str, Sequence[int]], idf: Mapping[str, float], k1: float = 1.2) -> float:
    """The proximity score of one field of one passage, from each query term's positions."""
    if len(positions) < 2:
        return 0.0
    merged = sorted((pos, term) for term, found in positions.items() for pos in found)
    gains: dict[str, float] = {}
    for (pos_a, term_a), (pos_b, term_b) in zip(merged, merged[1:]):
        distance = pos_b - pos_a
        if term_a == term_b or distance <= 0:
            continue
        closeness = 1.0 / (distance * distance)
        gains[term_a] = gains.get(term_a, 0.0) + idf[term_b] * closeness
        gains[term_b] = gains.get(term_b, 0.0) + idf[term_a] * closeness
    return sum(min(1.0, idf[term]) * gain / (k1 + gain) for term, gain in gains.items())


def phrase_count(positions: Sequence[Sequence[int]]) -> int:
    """How many times terms with these positions (in phrase order) stand in a row."""
    if not positions or any(not found for found in positions):
        return 0
    rest = [set(found) for found in positions[1:]]
    return sum(all(start + i + 1 in found for i, found in enumerate(rest)) for start in positions[0])
