"""Feedback: expand a query with the words of the passages it ranks first (RM3).

Pseudo-relevance feedback bridges the vocabulary gap: a query about "heart attacks"
whose best passages also say "myocardial infarction" brings in passages that only say
the latter. This is the relevance model RM1 of Lavrenko and Croft, interpolated with the
original query as in RM3: each feedback passage votes for its words in proportion to its
share of the passages' scores and the word's share of its length.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import islice


def expansion_terms(passages: Sequence[tuple[float, Counter]], count: int,
                    keep: Callable[[str], bool] = lambda term: True) -> dict[str, float]:
    """The `count` likeliest words of the relevance model, weights summing to 1.

    `passages` are (retrieval score, term counts) of the feedback passages; `keep` says
    which words may expand a query at all.
    """
    total = sum(max(score, 0.0) for score, _ in passages)
    if not passages or total <= 0:
        return {}
    model: Counter = Counter()
    for score, counts in passages:
        length = sum(counts.values())
        if not length or score <= 0:
            continue
        share = score / total
        for term, n in counts.items():
            model[term] += share * n / length
    chosen = list(islice(((term, weight) for term, weight in model.most_common() if keep(term)), count))
    norm = sum(weight for _, weight in chosen)
    return {term: weight / norm for term, weight in chosen} if norm else {}
