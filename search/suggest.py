"""Suggest: "did you mean" for query words the index does not hold.

A word is corrected only when none of its terms occur anywhere in the index and a term
within two edits does (nearest first, then the most frequent, by Whoosh's corrector over
the index vocabulary). Index terms are stems, so the suggestion shows a word of a passage
that holds the term (magnesim -> magnesium, diabetis -> diabetes, not "diabet").

Only where it helps: a number is never corrected ("omega 3" is not "omega 30"), and in a
query that matched, an ordinary English word the corpus lacks is left as typed (a small
corpus lacks "look" and "ruin": "long" and "run" answer nobody); only a word that is no
word (search.words) gets a suggestion there.
"""
from __future__ import annotations

import re
import struct
from pathlib import Path

from .query import ParsedQuery

#: Fields whose vocabulary corrections come from, most telling first.
VOCABULARY = ("body", "title")
#: A lone unknown word is searched as its correction only if it has this many letters and
#: the correction is this alike (difflib's ratio) as written.
FALLBACK_MIN_LENGTH = 5
FALLBACK_MIN_LIKENESS = 0.8
#: A Whoosh 3 term record starts with its key's and its data's lengths.
_LENGTHS = struct.Struct("!ii")


def _known(reader, term: str) -> bool:
    return any((name, term) in reader for name in VOCABULARY + ("section",) if name in reader.schema)


def _nearest(reader, term: str) -> str | None:
    """The closest index term within two edits: nearest first, then the body's vocabulary
    before the title's, then the most frequent. Only the terms sharing the first letter
    are compared, all at once (Whoosh's terms_within reads them a few bytes at a time
    and measures one word at a time in Python: ~30 ms a field at 50k articles)."""
    ranked = []
    for order, name in enumerate(VOCABULARY):
        if name not in reader.schema:
            continue
        words = sorted(set().union(*(_prefixed(leaf, name, term[:1]) for leaf, _ in reader.leaf_readers())))
        for distance, candidate in _within(term, words, 2):
            if candidate != term:
                ranked.append((distance, order, -reader.frequency(name, candidate), candidate))
    return min(ranked)[3] if ranked else None


def _prefixed(leaf, field: str, prefix: str) -> set[str]:
    """A segment's terms of the field that start with `prefix`. Whoosh 3 keeps a segment's
    terms in key order, so they are one run of (lengths, key, data) records, read here in
    one piece; any other layout is read through the public API."""
    terms = getattr(leaf, "_terms", None)
    table = getattr(terms, "_tindex", None)
    if not all(hasattr(table, name) for name in ("closest_key_pos", "endofdata", "dbfile")) \
            or not hasattr(terms, "_keycoder"):
        return {word.decode("utf-8") for word in leaf.expand_prefix(field, prefix)}
    first = leaf.schema[field].to_bytes(prefix)
    start = table.closest_key_pos(terms._keycoder(field, first))
    if start is None or not first or first[-1] == 0xFF:
        return {word.decode("utf-8") for word in leaf.expand_prefix(field, prefix)} if first else set()
    stop = table.closest_key_pos(terms._keycoder(field, first[:-1] + bytes([first[-1] + 1])))
    raw = table.dbfile.get(start, (table.endofdata if stop is None else stop) - start)
    key = terms._keycoder(field, b"")
    found, at, head = set(), 0, _LENGTHS.size
    while at < len(raw):
        key_length, data_length = _LENGTHS.unpack_from(raw, at)
        word = raw[at + head:at + head + key_length]
        if word.startswith(key + first):
            found.add(word[len(key):].decode("utf-8"))
        at += head + key_length + data_length
    return found


def _within(term: str, words: list[str], limit: int) -> list[tuple[int, str]]:
    """(distance, word) of the words within `limit` edits of `term`, by the restricted
    Damerau-Levenshtein distance (Whoosh's `damerau_levenshtein`), worked out for all
    the words at once: one row of the dynamic programme per letter of `term`, each a few
    array operations over every word."""
    import numpy as np

    words = [w for w in words if abs(len(w) - len(term)) <= limit]
    if not words:
        return []
    width = max(map(len, words))
    # Letters as code points; the padding (-1) matches no letter and is never read back.
    letters = np.full((len(words), width), -1, dtype=np.int64)
    for row, word in enumerate(words):
        letters[row, :len(word)] = [ord(c) for c in word]
    a = [ord(c) for c in term]
    columns = np.arange(width + 1)
    before, previous = None, np.broadcast_to(columns, (len(words), width + 1)).copy()
    for i, letter in enumerate(a, 1):
        current = np.empty_like(previous)
        current[:, 0] = i
        differs = letters != letter
        # deletion and substitution, for every column at once
        current[:, 1:] = np.minimum(previous[:, 1:] + 1, previous[:, :-1] + differs)
        if before is not None and width > 1:  # transposition of two adjacent letters
            swapped = (letters[:, :-1] == letter) & (letters[:, 1:] == a[i - 2]) & differs[:, 1:]
            current[:, 2:] = np.where(swapped, np.minimum(current[:, 2:], before[:, :-2] + 1), current[:, 2:])
        for j in range(1, width + 1):  # insertion runs along the row
            np.minimum(current[:, j], current[:, j - 1] + 1, out=current[:, j])
        before, previous = previous, current
    lengths = np.array([len(w) for w in words])
    distances = previous[np.arange(len(words)), lengths]
    return [(int(d), words[k]) for k in np.flatnonzero(distances <= limit).tolist() for d in (distances[k],)]


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


def suggestion(searcher, parsed: ParsedQuery, matched: bool = False) -> str | None:
    """The query with its unknown words corrected, or None if there is nothing to correct.
    `matched`: the query found passages, so only words that are no English word are corrected."""
    from .words import is_word

    reader = searcher.reader()
    text = parsed.text
    changed = False
    for clause in parsed.positive:
        if clause.phrase or clause.fuzzy or len(clause.terms) != 1 or clause.joined:
            continue
        term = clause.terms[0]
        if _known(reader, term) or any(c.isdigit() for c in clause.text):
            continue
        if matched and is_word(clause.text):
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
    longer queries, which keep their other words' matches, and an ordinary English word
    (the corpus lacks "properly": that is no reason to search "property")."""
    from difflib import SequenceMatcher

    from .words import is_word

    clauses = parsed.positive
    if corrected is None or len(clauses) != 1 or len(parsed.clauses) != 1:
        return None
    clause = clauses[0]
    if clause.field or clause.phrase or clause.fuzzy or clause.joined or len(clause.terms) != 1:
        return None
    typed = clause.text.strip().lower()
    if len(typed) < FALLBACK_MIN_LENGTH or is_word(typed):
        return None
    if SequenceMatcher(None, typed, corrected.strip().lower()).ratio() < FALLBACK_MIN_LIKENESS:
        return None
    return corrected


def suggest(index_dir: Path, parsed: ParsedQuery, matched: bool = False) -> str | None:
    """`suggestion` on a searcher of its own."""
    from indexer.index import open_index

    from .scoring import ReaderView

    with ReaderView(open_index(index_dir).reader()) as searcher:
        return suggestion(searcher, parsed, matched)
