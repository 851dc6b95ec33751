"""Feedback: expand a query with the words of the passages it ranks first (RM3).

Pseudo-relevance feedback bridges the vocabulary gap: a query about "heart attacks"
whose best passages also say "myocardial infarction" brings in passages that only say
the latter. This is the relevance model RM1 of Lavrenko and Croft, interpolated with the
original query as in RM3: each feedback passage votes for its words in proportion to its
query likelihood and the word's share of its length.

RM1 weighs a passage by P(query | passage), which is exponential in a log-likelihood
score; a BM25 score plays that part here, so a passage's vote is exp((score - best) /
temperature). Raw scores would make the votes nearly flat: on a query with one right
passage, the nine wrong ones below it outvote it and feedback drags it down.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import islice
from operator import itemgetter


def passage_weights(scores: Sequence[float], temperature: float) -> list[float]:
    """RM1's passage weights, summing to 1: exp((score - best) / temperature)."""
    if not scores:
        return []
    best = max(scores)
    raw = [math.exp((score - best) / temperature) for score in scores]
    total = sum(raw)
    return [w / total for w in raw]


def expansion_terms(passages: Sequence[tuple[float, Counter]], count: int,
                    keep: Callable[[str], bool] = lambda term: True,
                    temperature: float = 1.0, min_passages: int = 1,
                    common: Callable[[str], bool] = lambda term: True) -> dict[str, float]:
    """The `count` likeliest words of the relevance model, weights summing to 1.

    `passages` are (retrieval score, term counts) of the feedback passages; `keep` says
    which words may expand a query at all. A word found in fewer than `min_passages` of
    them must also be `common` (in more than a handful of passages of the corpus): RM1
    gives the best passage most of the vote, so alone it would expand the query with
    that passage's own rare words (a gene's name, an author's coinage), which pull in the
    few passages around them rather than the query's topic.
    """
    if not passages:
        return {}
    model: dict[str, float] = {}
    seen: Counter = Counter()
    for share, (_, counts) in zip(passage_weights([s for s, _ in passages], temperature), passages):
        length = sum(counts.values())
        if not length:
            continue
        seen.update(counts.keys())
        weigh = model.get  # a plain dict: Counter's += goes through __missing__ for every new word
        for term, n in counts.items():
            model[term] = weigh(term, 0.0) + share * n / length
    ordered = sorted(model.items(), key=itemgetter(1), reverse=True)  # as Counter.most_common orders
    chosen = list(islice(((term, weight) for term, weight in ordered
                          if keep(term) and (seen[term] >= min_passages or common(term))), count))
    norm = sum(weight for _, weight in chosen)
    return {term: weight / norm for term, weight in chosen} if norm else {}
