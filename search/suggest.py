"""Suggest: "did you mean" for query words the index does not hold.

A word is corrected only when none of its terms occur anywhere in the index and a term
within two edits does (nearest first, then the most frequent, by Whoosh's corrector over
the index vocabulary). Index terms are stems, so the suggestion shows a word of a passage
that holds the term (magnesim -> magnesium, diabetis -> diabetes, not "diabet").
"""
from __future__ import annotations

import re
from pathlib import Path

from .query import ParsedQuery

#: Fields whose vocabulary corrections come from, most telling first.
VOCABULARY = ("body", "title")
#: A lone unknown word is searched as its correction only if it has this many letters and
#: the correction is this alike (difflib's ratio) as written.
FALLBACK_MIN_LENGTH = 5
FALLBACK_MIN_LIKENESS = 0.8


def _known(reader, term: str) -> bool:
    return any((name, term) in reader for name in VOCABULARY + ("section",) if name in reader.schema)


def _nearest(reader, term: str) -> str | None:
    """The closest index term within two edits: nearest first, then the body's vocabulary
    before the title's, then the most frequent. One scan of each field's terms sharing the
    first letter (Whoosh's corrector would scan once per distance)."""
    from whoosh.support.levenshtein import damerau_levenshtein

    ranked = []
    for order, name in enumerate(VOCABULARY):
        if name not in reader.schema:
            continue
        for candidate in reader.terms_within(name, term, 2, prefix=1):
            if candidate != term:
                ranked.append((damerau_levenshtein(term, candidate), order,
                               -reader.frequency(name, candidate), candidate))
    return min(ranked)[3] if ranked else None


def _surface(searcher, term: str, typed: str) -> str:
    """The word as written in a passage holding `term` closest to what was typed (the term
    itself if no passage says it plainly)."""
    from difflib import SequenceMatcher

    from indexer.analysis import analyze

    for name in VOCABULARY:
        if (name, term) not in searcher.reader():
            continue
        doc = searcher.reader().postings(name, term).id()
        text = searcher.stored_fields(doc).get(name) or ""
        words = {text[t.start:t.end].lower() for t in analyze(text) if t.text == term and not t.joined}
        if words:
            return max(sorted(words), key=lambda w: SequenceMatcher(None, typed.lower(), w).ratio())
    return term


def suggestion(searcher, parsed: ParsedQuery) -> str | None:
    """The query with its unknown words corrected, or None if there is nothing to correct."""
    reader = searcher.reader()
    text = parsed.text
    changed = False
    for clause in parsed.positive:
        if clause.phrase or clause.fuzzy or len(clause.terms) != 1 or clause.joined:
            continue
        term = clause.terms[0]
        if _known(reader, term):
            continue
        nearest = _nearest(reader, term)
        if nearest is None:
            continue
        word = _surface(searcher, nearest, clause.text)
        text, count = re.subn(rf"(?<!\w){re.escape(clause.text)}(?!\w)", word, text, count=1)
        changed = changed or bool(count)
    return text if changed else None


def fallback(parsed: ParsedQuery, corrected: str | None) -> str | None:
    """The corrected query (`suggestion`'s answer) to search instead, when the query is one
    plain word that no passage holds and the correction is close to it as written
    (quercitin -> quercetin); else None. A short word or a looser guess is too often
    another word (Prozac -> produced, clams -> claimed), so that stays a suggestion, as do
    longer queries, which keep their other words' matches."""
    from difflib import SequenceMatcher

    clauses = parsed.positive
    if corrected is None or len(clauses) != 1 or len(parsed.clauses) != 1:
        return None
    clause = clauses[0]
    if clause.field or clause.phrase or clause.fuzzy or clause.joined or len(clause.terms) != 1:
        return None
    typed = clause.text.strip().lower()
    if len(typed) < FALLBACK_MIN_LENGTH:
        return None
    if SequenceMatcher(None, typed, corrected.strip().lower()).ratio() < FALLBACK_MIN_LIKENESS:
        return None
    return corrected


def suggest(index_dir: Path, parsed: ParsedQuery) -> str | None:
    """`suggestion` on a searcher of its own."""
    from indexer.index import open_index

    with open_index(index_dir).searcher() as searcher:
        return suggestion(searcher, parsed)
