"""Score: BM25F over the index's postings, for one open searcher.

BM25F adds a term's frequencies across fields, each weighted and normalised by that
field's length, before saturating them once (Robertson & Zaragoza 2009). Whoosh's own
BM25F scores each field apart and sums the results, so a word found in both title and
body counts twice over; and it cannot say why a passage scored as it did.

Speed comes from reading in bulk what Whoosh hands out one item at a time: a posting
list is read from the file in one call and its blocks (128 postings each) walked in
memory, and only the front of each block (ids and counts, not positions) is inflated and
unpickled, straight into typed arrays; each field's length normalisation is
one numpy array over all passages (from the one-byte length column, in one read); a
term's scores are two numpy arrays, remembered for the life of the searcher up to a
bounded number of postings, so the second pass of feedback and the queries of a batch
that share words read each posting list once; and a query's scores are one dense array,
its best passages found by a partial sort. numpy earns its import (~45 ms of a cold
start) at scale: at 50k articles the same batch took three times the CPU with dicts.
The bulk readers use the Whoosh 3 codec's block layout and fall back to the public
one-at-a-time Matcher API for anything else.
"""
from __future__ import annotations

import io
import math
import pickle
import struct
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, repeat

import numpy as np

from indexer.schema import TERMS_FIELD
from indexer.whoosh_import import import_whoosh

import_whoosh()

from whoosh.matching.wrappers import FilterMatcher  # noqa: E402

#: Postings (summed over the remembered terms) kept for reuse; the least recently used
#: terms go first beyond this, so a long batch on a large corpus stays within a few tens
#: of MB (12 bytes a posting).
CACHE_POSTINGS = 6_000_000
#: Decoded posting blocks (with positions, ~13 KB each) kept for proximity, and posting
#: lists whose block directory is kept.
POSITION_BLOCKS = 3_000
#: Per-field document frequencies remembered before the memo is emptied.
DF_CACHED = 200_000
#: Term entries kept between feedback's frequency test and its postings (a query's
#: candidate words, a few dozen, need them; a TermInfo takes most of a KB).
INFOS_CACHED = 2_000
#: Below this many passages, idf counts the rest as passages without the word (Scorer.idf).
IDF_MIN_PASSAGES = 1000


@dataclass(frozen=True, slots=True)
class Bm25Params:
    """BM25F parameters: term-frequency saturation, and per field a weight and a length
    normalisation (0: length ignored, 1: fully normalised)."""

    k1: float
    weights: tuple[tuple[str, float], ...]
    b: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class TermPostings:
    """One term's BM25F score in each passage holding it: passage numbers (ascending) and
    scores as parallel arrays."""

    docs: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)

    def as_dict(self) -> dict[int, float]:
        return dict(zip(self.docs.tolist(), self.scores.tolist()))


class Scores:
    """A query's score in every passage of the index (dense, as the index is numbered),
    and which passages any of its terms matched; adding a term's postings is one vector
    operation, and the best passages come out of a partial sort."""

    def __init__(self, size: int):
        self.values = np.zeros(size)
        self.matched = np.zeros(size, dtype=bool)

    def add(self, postings: TermPostings, weight: float) -> None:
        # A term's passages are distinct, so fancy-indexed += adds once to each.
        self.values[postings.docs] += weight * postings.scores
        self.matched[postings.docs] = True

    def __bool__(self) -> bool:
        return bool(self.matched.any())

    def __len__(self) -> int:
        return int(np.count_nonzero(self.matched))

    def get(self, doc: int, default: float = 0.0) -> float:
        return float(self.values[doc]) if self.matched[doc] else default

    def allowed(self, required: set[int] | None = None, left_out: set[int] | frozenset = frozenset()) -> np.ndarray:
        """The matched passages that hold every required clause and none left out."""
        mask = self.matched.copy()
        if required is not None:
            keep = np.zeros(len(mask), dtype=bool)
            keep[list(required)] = True
            mask &= keep
        if left_out:
            mask[list(left_out)] = False
        return mask

    def best(self, count: int, mask: np.ndarray | None = None) -> list[tuple[float, int]]:
        """At least the `count` best (score, passage) pairs among `mask` (all matched if
        None), best score first, then the lower passage number; ties with the last one
        are all included."""
        docs = np.flatnonzero(self.matched if mask is None else mask)
        values = self.values[docs]
        if len(docs) > count:
            cut = len(docs) - count
            threshold = np.partition(values, cut)[cut]
            keep = values >= threshold
            docs, values = docs[keep], values[keep]
        order = np.lexsort((docs, -values))
        return list(zip(values[order].tolist(), docs[order].tolist()))

    def ordered(self, count: int, mask: np.ndarray | None = None) -> tuple[list[tuple[float, int]], Iterator]:
        """(the `best` head, an iterator over the rest in the same order, sorted a growing
        slice at a time as far as it is read)."""
        head = self.best(count, mask)
        remaining = (self.matched if mask is None else mask).copy()

        def rest(done: list[tuple[float, int]], count: int) -> Iterator[tuple[float, int]]:
            while True:
                remaining[[doc for _, doc in done]] = False
                if not remaining.any():
                    return
                count *= 4
                done = self.best(count, remaining)
                yield from done

        return head, rest(head, count)


class ReaderView:
    """An open index reader with the few Searcher methods ranking uses, for `with`.

    Whoosh's Searcher is made only when a required or excluded clause asks which
    passages match it: importing it brings Whoosh's query, highlighting and scoring
    modules (~10 ms of a cold start) that the ranking itself never uses.
    """

    def __init__(self, reader):
        self._reader = reader
        self._searcher = None
        self.schema = reader.schema

    def reader(self):
        return self._reader

    def stored_fields(self, doc: int) -> dict:
        return self._reader.stored_fields(doc)

    def docs_for_query(self, query) -> Iterator[int]:
        if self._searcher is None:
            from whoosh.searching import Searcher

            self._searcher = Searcher(self._reader, closereader=False)
        return self._searcher.docs_for_query(query)

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._reader.close()

    def __enter__(self) -> "ReaderView":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
        self._leaves = [(leaf, offset) for leaf, offset in self.reader.leaf_readers()]
        #: (segment, its passages) largest first, deleted ones counted (in_at_most).
        self._by_size = sorted(((number, leaf, leaf.doc_count_all()) for number, (leaf, _) in enumerate(self._leaves)),
                               key=lambda p: -p[2])
        #: Term entries looked up for a document frequency and not yet for postings.
        self._infos: dict[tuple[int, str, str], object] = {}
        self._size = self.reader.doc_count_all()
        self._norms: dict[str, np.ndarray] = {}
        self._cache: dict[tuple[tuple[str, ...], str], TermPostings] = {}
        self._cached = 0
        self._df: dict[tuple[str, str, float], bool] = {}
        self._directories: dict[tuple, list] = {}
        self._blocks: dict[tuple, tuple[list[int], tuple]] = {}
        #: The terms column, opened on first use (False: the index has none).
        self._terms = None

    def fields(self) -> tuple[str, ...]:
        return tuple(self._weights)

    def field_length(self, field: str) -> float:
        """The field's mean length in terms over all passages (0 for a field none has)."""
        return self._avg.get(field, 0.0)

    def has(self, field: str, term: str) -> bool:
        return (field, term) in self.reader

    def doc_frequency(self, term: str, fields: Iterable[str] | None = None) -> int:
        """In how many passages the term occurs, in any of the fields."""
        return len(self.term_postings(term, tuple(fields or self._weights)))

    def idf(self, df: int) -> float:
        # Counted as if the corpus had at least IDF_MIN_PASSAGES passages, the extra ones
        # holding none of the words: in a handful of articles on one topic its own words
        # are in nearly every passage, and plain BM25 gives them almost no weight, so a
        # note matching only "night" outranked every passage on twitching legs at night.
        passages = max(self.doc_count, IDF_MIN_PASSAGES)
        return math.log(1.0 + (passages - df + 0.5) / (df + 0.5))

    # -- bulk readers --------------------------------------------------------------

    def new_scores(self) -> Scores:
        return Scores(self._size)

    def _norm(self, field: str) -> np.ndarray:
        """Per passage (global number): the field's weight over its length normalisation,
        so a posting's pseudo-frequency is its count times this."""
        found = self._norms.get(field)
        if found is None:
            from whoosh.util.numeric import byte_to_length

            weight, avg, b = self._weights.get(field, 0.0), self._avg.get(field, 0.0), self._b.get(field, 0.75)
            # Whoosh keeps each length as one byte; a table over the 256 bytes turns a
            # whole column into normalisations at once.
            table = np.array([weight / (1.0 - b + b * byte_to_length(n) / avg) if avg else 0.0 for n in range(256)])
            raw = b"".join(_length_bytes(leaf, field) for leaf, _ in self._leaves)
            found = self._norms[field] = table[np.frombuffer(raw, dtype=np.uint8)]
        return found

    def _field_postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The term's postings in the field: (passage numbers, counts), live passages only."""
        docs, counts = [], []
        for number, (leaf, offset) in enumerate(self._leaves):
            found = _leaf_postings(leaf, field, term, self._infos.pop((number, field, term), _UNASKED))
            if found is None:
                continue
            ids, weights = found
            if leaf.has_deletions():
                deleted = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
                # By lookup table: the default sorts, and imports numpy.ma on first use.
                live = ~np.isin(ids, deleted, kind="table")
                ids, weights = ids[live], weights[live]
            docs.append(ids + offset)
            counts.append(weights)
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return (docs[0], counts[0]) if len(docs) == 1 else (np.concatenate(docs), np.concatenate(counts))

    def term_postings(self, term: str, fields: tuple[str, ...] | None = None) -> TermPostings:
        """The term's BM25F score (idf times saturated pseudo-frequency) in each passage."""
        fields = fields or tuple(self._weights)
        key = (fields, term)
        found = self._cache.pop(key, None)
        if found is None:
            found = self._compute(term, fields)
            self._cached += len(found)
            while self._cache and self._cached > CACHE_POSTINGS:
                oldest = next(iter(self._cache))
                self._cached -= len(self._cache.pop(oldest))
        self._cache[key] = found  # (re)inserted last: the most recently used
        return found

    def _compute(self, term: str, fields: tuple[str, ...]) -> TermPostings:
        parts = []
        for field in (f for f in fields if self._weights.get(f) and self._avg.get(f)):
            docs, counts = self._field_postings(field, term)
            if len(docs):  # a term whose every passage was deleted still has a (dead) entry
                parts.append((docs, counts * self._norm(field)[docs]))
        if not parts:
            docs, frequencies = np.zeros(0, dtype=np.int64), np.zeros(0)
        elif len(parts) == 1:
            docs, frequencies = parts[0]
        else:  # BM25F: a passage's pseudo-frequencies add up over the fields
            docs = np.concatenate([d for d, _ in parts])
            order = np.argsort(docs, kind="stable")  # a merge of the fields' sorted runs
            docs, frequencies = docs[order], np.concatenate([f for _, f in parts])[order]
            starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
            docs, frequencies = docs[starts], np.add.reduceat(frequencies, starts)
        idf, k1 = self.idf(len(docs)), self.params.k1
        return TermPostings(docs.astype(np.int32), idf * frequencies / (k1 + frequencies))

    def together_postings(self, parts: tuple[str, ...], fields: tuple[str, ...] | None = None) -> TermPostings:
        """The BM25F score of a group of terms that counts only where every one of them is:
        in each passage holding them all, the group's idf times the least saturated
        frequency among them (a term's score over its idf), so a passage holding one of
        them alone is not among them. Worked out from the terms' own postings, no positions:
        reading where common words stand (breast cancer, heart disease) took 20-120 ms a
        group at 50k articles; the ranker reads them only for the leading passages, to
        take the score back where the terms stand apart (Ranker._settle_phrases)."""
        fields = fields or tuple(self._weights)
        key = (fields, parts)
        found = self._cache.pop(key, None)
        if found is None:
            found = self._compute_together(parts, fields)
            self._cached += len(found)
        self._cache[key] = found
        return found

    def _compute_together(self, parts: tuple[str, ...], fields: tuple[str, ...]) -> TermPostings:
        postings = [self.term_postings(part, fields) for part in parts]
        docs = postings[0].docs
        for other in postings[1:]:
            docs = np.intersect1d(docs, other.docs, assume_unique=True)
        if not len(docs):
            return TermPostings(np.zeros(0, dtype=np.int32), np.zeros(0))
        saturated = np.ones(len(docs))
        for part, found in zip(parts, postings):
            idf = self.idf(len(found))
            if idf > 0:
                np.minimum(saturated, found.scores[np.searchsorted(found.docs, docs)] / idf, out=saturated)
        return TermPostings(docs.astype(np.int32), self.idf(len(docs)) * saturated)

    def term_scores(self, term: str, fields: tuple[str, ...] | None = None) -> dict[int, float]:
        """passage -> BM25F score of the term alone (idf times saturated frequency)."""
        return self.term_postings(term, fields).as_dict()

    # -- one passage ---------------------------------------------------------------

    def term_counts(self, doc: int) -> Counter:
        """How often each term occurs in the passage's title and body, from the terms
        column written at indexing (0.04 ms a passage at 50k articles, where analysing
        the stored text again took 0.2 ms; Whoosh's term vectors were slower still, and made
        indexing 40-70% slower); analysed from the stored text where a segment lacks it."""
        from indexer.index import unpacked_terms

        if self._terms is None:
            self._terms = column_bytes(self.reader, TERMS_FIELD)
        raw = self._terms[doc] if self._terms is not False else b""
        if raw:
            return unpacked_terms(raw)
        from indexer.analysis import term_counts

        stored = self.searcher.stored_fields(doc)
        return term_counts((stored.get("title") or "") + "\n" + (stored.get("body") or ""))

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

    def in_a_row(self, parts: tuple[str, ...], docs: list[int], fields: tuple[str, ...] | None = None) -> set[int]:
        """Which of `docs` (sorted ascending) hold the terms side by side and in order in
        one field (a phrase, after analysis: stopwords take no place). Only the posting
        blocks that can hold one of `docs` are decoded (`positions`)."""
        found: set[int] = set()
        # The longest field first (where a phrase mostly is), and each next term asked only
        # about the passages whose field holds the terms before it: decoding positions is
        # most of the cost.
        for field in sorted(fields or tuple(self._weights), key=self.field_length, reverse=True):
            wanted = [doc for doc in docs if doc not in found]
            if not wanted or self._avg.get(field) == 0:
                continue
            where = []
            for part in parts:
                where.append(self.positions(field, part, wanted))
                wanted = [doc for doc in wanted if doc in where[-1]]
                if not wanted:
                    break
            for doc in wanted:
                rest = [set(places[doc]) for places in where[1:]]
                if any(all(start + i in later for i, later in enumerate(rest, 1)) for start in where[0][doc]):
                    found.add(doc)
        return found

    def positions(self, field: str, term: str, docs: list[int]) -> dict[int, list[int]]:
        """Where the term occurs in the field of each of `docs` (sorted ascending) holding it.
        Only the posting blocks that can hold one of `docs` are decoded, and decoded blocks
        are remembered (up to POSITION_BLOCKS): the common words of a batch's queries
        come back with overlapping leading passages."""
        found: dict[int, list[int]] = {}
        for number, (leaf, offset) in enumerate(self._leaves):
            end = offset + leaf.doc_count_all()
            wanted = [doc - offset for doc in docs if offset <= doc < end]
            if not wanted:
                continue
            directory = self._directory((number, field, term), leaf, field, term)
            if directory is _OTHER:
                if (field, term) in leaf:
                    matcher = leaf.postings(field, term)
                    if isinstance(matcher, FilterMatcher):
                        matcher = matcher.child  # the wanted documents are live ones
                    found.update((local + offset, where) for local, where in _matcher_positions(matcher, wanted))
                continue
            if not directory:
                continue
            postfile = leaf._terms._postfile
            decode = leaf.schema[field].format.decoder("positions")
            lasts = [block.last for block in directory]
            i = 0
            while i < len(wanted):
                at = bisect_left(lasts, wanted[i])
                if at == len(lasts):
                    break
                stop = bisect_right(wanted, lasts[at], i)  # wanted[i:stop] can be in this block
                ids, values = self._block((number, field, term, at), postfile, directory[at], wanted[i:stop])
                if values is not None:
                    for doc in wanted[i:stop]:
                        k = bisect_left(ids, doc)
                        if k < len(ids) and ids[k] == doc:
                            found[doc + offset] = list(decode(values[k]))
                i = stop
        return found

    def _directory(self, key, leaf, field: str, term: str):
        """The blocks of a posting list in one segment (their places in the postings file),
        read once; () if the segment lacks the term, _OTHER if it is not in blocks."""
        found = self._directories.get(key)
        if found is None:
            listing = _read_listing(leaf, field, term)
            if listing is None:
                found = ()
            elif listing is _OTHER or listing.inlined is not None:
                found = _OTHER
            else:
                found = tuple(_Block(b.last, listing.base + b.start, listing.base + b.stop, b.compressed, b.count)
                              for b in listing.blocks)
            if len(self._directories) >= POSITION_BLOCKS:
                self._directories.clear()
            self._directories[key] = found
        return found

    def _block(self, key, postfile, block: "_Block", wanted: list[int]) -> tuple[list[int], tuple | None]:
        """(ids, encoded values) of one posting block; the values (positions, most of the
        cost of decoding a block) only once the block holds one of the `wanted` ids, else
        None. The block is inflated once and its ids read from the front of its pickle.
        Blocks are remembered, the least recently used forgotten first."""
        found = self._blocks.pop(key, None)
        if found is None or (found[1] is None and _holds(found[0], wanted)):
            raw = postfile.get(block.start, block.stop - block.start)
            data = zlib.decompress(raw) if block.compressed else raw
            whole = None
            if found is not None:
                ids = found[0]
            else:
                front = _front(data, block.count)
                if front is None:  # a small block, or no marker: unpickled whole
                    front = whole = pickle.loads(data)
                ids = list(accumulate(front[0]))
            if _holds(ids, wanted):
                found = (ids, (whole or pickle.loads(data))[2])
            else:
                found = (ids, None)
            if len(self._blocks) >= POSITION_BLOCKS:
                del self._blocks[next(iter(self._blocks))]
        self._blocks[key] = found
        return found

    def in_at_most(self, field: str, term: str, limit: float) -> bool:
        """Whether the term occurs in at most `limit` passages of the field (deleted ones
        counted, as Whoosh's doc_frequency does). Segments are asked largest first and
        only until the answer is sure, so the small ones that adding articles one at a
        time leaves are seldom read. Remembered: feedback asks about the same candidate
        words query after query."""
        if self._avg.get(field) == 0:
            return True  # a field no passage has text in (no headings anywhere) holds no term
        key = (field, term, limit)
        found = self._df.get(key)
        if found is None:
            if len(self._df) >= DF_CACHED:
                self._df.clear()
            found = self._df[key] = self._in_at_most(field, term, limit)
        return found

    def _in_at_most(self, field: str, term: str, limit: float) -> bool:
        unasked = self._size
        seen = 0
        for number, leaf, count in self._by_size:
            if seen > limit or seen + unasked <= limit:
                break
            key = (number, field, term)
            info = self._infos.get(key, _UNASKED)
            if info is _UNASKED:
                info = _term_info(leaf, field, term)
                if len(self._infos) >= INFOS_CACHED:
                    self._infos.clear()
                # Kept for the term's postings: feedback reads those of the words it keeps.
                self._infos[key] = info
            seen += leaf.doc_frequency(field, term) if info is _OTHER else info.doc_frequency() if info else 0
            unasked -= count
        return seen <= limit


#: Stands for "read this through Whoosh's public Matcher API": a posting list in another
#: codec than Whoosh 3's, or one stored inside its term's entry.
_OTHER = object()
#: A term entry not looked up yet.
_UNASKED = object()
#: A Whoosh 3 posting list starts with this tag; then each block is its length (4 bytes,
#: negated for the last block), a pickled tuple about it, and its data.
_MAGIC = b"W3Bl"
_LENGTH = struct.Struct("!i")


@dataclass(frozen=True, slots=True)
class _Block:
    """Where one posting block's data lies (start and stop offsets) and what it holds."""

    last: int
    start: int
    stop: int
    compressed: bool
    count: int


@dataclass(frozen=True, slots=True)
class _Listing:
    """A term's posting list in one segment: the postings kept in the term's own entry
    (`inlined`: ids, weights, values), or the list's bytes, read in one piece from
    offset `base` of the postings file, and its blocks (offsets within `raw`)."""

    inlined: tuple | None
    blocks: tuple[_Block, ...] = ()
    raw: bytes = b""
    base: int = 0


def _term_info(leaf, field: str, term: str):
    """The term's entry in a segment's terms table (Whoosh 3's TermInfo, which holds its
    document frequency and where its postings are), None if the segment lacks the term,
    or _OTHER if the segment is not in Whoosh 3's layout."""
    from whoosh.reading import TermNotFound

    terms = getattr(leaf, "_terms", None)
    if not (hasattr(terms, "term_info") and hasattr(terms, "_postfile")):
        return _OTHER
    try:
        info = terms.term_info(field, leaf.schema[field].to_bytes(term))
    except (KeyError, TermNotFound):
        return None
    if not all(hasattr(info, name) for name in ("is_inlined", "inlined_postings", "extent", "doc_frequency")):
        return _OTHER
    return info


def _read_listing(leaf, field: str, term: str, info=_UNASKED):
    """The term's posting list in a segment (a _Listing), None if the segment lacks the
    term, or _OTHER if the segment is not in Whoosh 3's layout.

    Whoosh reads a block's header through four layers of Python file objects, a few
    bytes at a time (a third of a batch's CPU time went there); reading the whole list
    in one call and walking its headers in memory costs a small part of that. One term
    lookup replaces the membership test, lookup and matcher set-up of `leaf.postings`
    (none when the caller has the term's entry already: `info`).
    """
    if info is _UNASKED:
        info = _term_info(leaf, field, term)
    if info is None or info is _OTHER:
        return info
    terms = leaf._terms
    if info.is_inlined():
        return _Listing(info.inlined_postings())
    base, length = info.extent()
    if isinstance(length, tuple):  # whoosh-reloaded 2.7.5 leaves it as struct.unpack's 1-tuple
        length = length[0]
    raw = terms._postfile.get(base, length)
    if raw[:len(_MAGIC)] != _MAGIC:
        return _OTHER
    stream = io.BytesIO(raw)
    blocks = []
    at = len(_MAGIC)
    while at < len(raw):
        (size,) = _LENGTH.unpack_from(raw, at)
        stream.seek(at + _LENGTH.size)
        count, last, _, compression, _, _ = pickle.load(stream)
        stop = at + _LENGTH.size + abs(size)
        blocks.append(_Block(last, stream.tell(), stop, bool(compression), count))
        if size < 0:
            break
        at = stop
    return _Listing(None, tuple(blocks), raw, base)


def _matcher_positions(matcher, wanted: list[int]) -> Iterator[tuple[int, list[int]]]:
    """(document, positions) of the sorted `wanted` documents a matcher holds, through the
    public Matcher API (for matchers other than Whoosh 3's block reader)."""
    for doc in wanted:
        if not matcher.is_active():
            return
        if matcher.id() < doc:
            matcher.skip_to(doc)
            if not matcher.is_active():
                return
        if matcher.id() == doc:
            yield doc, list(matcher.value_as("positions"))


class _Column:
    """A text column's value of each passage (global number), sliced on demand out of each
    segment's column, read in one piece: Whoosh's column reader works out every
    passage's offset in a Python loop when it opens (~10 ms of a cold start at 50k
    articles), where only the few passages a query shows are ever looked up."""

    def __init__(self, parts: list[tuple[int, bytes, np.ndarray, np.ndarray]]):
        #: (first passage, column bytes, value offsets, value lengths) of each segment
        self._parts = parts
        self._starts = [start for start, _, _, _ in parts]

    def __getitem__(self, doc: int) -> str:
        start, raw, offsets, lengths = self._parts[bisect_right(self._starts, doc) - 1]
        at = int(offsets[doc - start])
        return raw[at:at + int(lengths[doc - start])].decode("utf-8")


def column_values(reader, field: str):
    """The text column's value of each passage by number (Whoosh's own column reader for
    any layout but Whoosh 3's variable-length bytes column)."""
    from whoosh.columns import VarBytesColumn

    parts = []
    for leaf, offset in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        column = reader.schema[field].column_type
        if type(column) is not VarBytesColumn or not hasattr(perdoc, "_get_column_file") \
                or not perdoc.has_column(field):
            return reader.column_reader(field)
        count = leaf.doc_count_all()
        colfile, base, length = perdoc._get_column_file(field)
        raw = colfile.get(base, length)
        # The column's end: the lengths' type code, or with stored offsets the lengths'
        # and offsets' codes and "X" (VarBytesColumn.Writer.finish).
        end = len(raw) - 1
        codes = (chr(raw[end - 2]), chr(raw[end - 1])) if raw[end:] == b"X" else (chr(raw[end]), None)
        if raw[end:] == b"X":
            end -= 2
        arrays = []
        for code in reversed([c for c in codes if c]):  # the offsets come last, before the codes
            kind = np.dtype(code).newbyteorder(">")  # written native-sized, big-endian
            if kind.itemsize != struct.calcsize(code):
                return reader.column_reader(field)
            end -= kind.itemsize * count
            arrays.append(np.frombuffer(raw, dtype=kind, count=count, offset=end).astype(np.int64))
        lengths = arrays[-1]
        offsets = arrays[0] if len(arrays) == 2 else np.cumsum(lengths) - lengths
        parts.append((offset, raw, offsets, lengths))
    return _Column(parts)


class _LazyColumn:
    """A bytes column's value of each passage (global number), read from its segment's file
    only when asked for: a value is one read at its offset, found from the lengths (and
    stored offsets) at the column's end, which are read in one piece per segment."""

    def __init__(self, parts: list[tuple[int, object, int, np.ndarray, np.ndarray]]):
        #: (first passage, column file, base position, value offsets, value lengths) per segment
        self._parts = parts
        self._starts = [start for start, *_ in parts]

    def __getitem__(self, doc: int) -> bytes:
        start, colfile, base, offsets, lengths = self._parts[bisect_right(self._starts, doc) - 1]
        at = doc - start
        if at >= len(lengths) or not lengths[at]:
            return b""
        return colfile.get(base + int(offsets[at]), int(lengths[at]))


def column_bytes(reader, field: str):
    """The bytes column's value of each passage by number, read on demand (_LazyColumn);
    False if some segment lacks the column or is not in Whoosh 3's layout."""
    from whoosh.columns import VarBytesColumn

    parts = []
    for leaf, offset in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if type(reader.schema[field].column_type) is not VarBytesColumn \
                or not hasattr(perdoc, "_get_column_file") or not perdoc.has_column(field):
            return False
        count = leaf.doc_count_all()
        if field not in perdoc._colfiles:  # Whoosh's own cache of open column files, closed with the reader
            perdoc._colfiles[field] = perdoc._get_column_file(field)
        colfile, base, length = perdoc._colfiles[field]
        # The column's end: the lengths' type code, or with stored offsets the lengths'
        # and offsets' codes and "X" (VarBytesColumn.Writer.finish).
        tail = colfile.get(base + length - 3, 3) if length >= 3 else colfile.get(base, length)
        stored = tail[-1:] == b"X"
        codes = (chr(tail[0]), chr(tail[1])) if stored else (chr(tail[-1]), None)
        end = base + length - (3 if stored else 1)
        arrays = []
        for code in reversed([c for c in codes if c]):  # the offsets come last, before the codes
            kind = np.dtype(code).newbyteorder(">")  # written native-sized, big-endian
            if kind.itemsize != struct.calcsize(code):
                return False
            end -= kind.itemsize * count
            arrays.append(np.frombuffer(colfile.get(end, kind.itemsize * count), dtype=kind).astype(np.int64))
        lengths = arrays[-1]
        offsets = arrays[0] if len(arrays) == 2 else np.cumsum(lengths) - lengths
        parts.append((offset, colfile, base, offsets, lengths))
    return _LazyColumn(parts)


def _length_bytes(leaf, field: str) -> bytes:
    """The field's one-byte length codes of every document in a segment, in one read."""
    count = leaf.doc_count_all()
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN

        column = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if column is None:
            return bytes(count)
        raw = bytes(column._dbfile.get(column._basepos, min(column._count, count)))
        return raw + bytes(count - len(raw))
    except (AttributeError, ImportError):  # another codec: the public API, a passage at a time
        from whoosh.util.numeric import length_to_byte

        return bytes(length_to_byte(leaf.doc_field_length(doc, field) or 0) for doc in range(count))


def _leaf_postings(leaf, field: str, term: str, info=_UNASKED) -> tuple[np.ndarray, np.ndarray] | None:
    """A segment's postings of the term, deleted documents included: (ids, weights) as
    arrays, or None if the segment lacks the term.

    Each block's ids and weights come out of its pickle as tuples, which go into typed
    arrays at C speed (numpy.array on Python lists cost a fifth of the reading). A block's
    ids are gaps from the block's start, so its first gap becomes the gap from the
    previous block's last id and one cumulative sum makes the ids of the whole list.
    """
    listing = _read_listing(leaf, field, term, info)
    if listing is None:
        return None
    if listing is _OTHER:  # another codec: the public API, a posting at a time
        if (field, term) not in leaf:
            return None
        matcher = leaf.postings(field, term)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child  # deletions are left to the caller
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    if listing.inlined is not None:
        ids, weights, _ = listing.inlined
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    raw, gaps, weights, previous = listing.raw, array("q"), array("d"), 0
    for block in listing.blocks:
        block_gaps, block_weights = _ids_and_weights(raw[block.start:block.stop], block.compressed, block.count)
        start = len(gaps)
        gaps += array("q", block_gaps)  # (extend() converts a tuple at half this speed)
        gaps[start] -= previous
        previous = block.last
        if block_weights is None or isinstance(block_weights, float):  # one weight for all
            weights.extend(repeat(1.0 if block_weights is None else block_weights, len(block_gaps)))
        else:
            weights += array("d", block_weights)
    return np.cumsum(np.frombuffer(gaps, dtype=np.int64)), np.frombuffer(weights, dtype=np.float64)


#: Where a block's values (the postings' encoded positions) start in its pickle: the first
#: value is a bytes object, which pickle protocol 2 writes as a call of this global.
_VALUES = b"c_codecs\nencode\n"
#: Inflate a block this many bytes at a time until its values begin (the ids and weights
#: of 128 postings take about 1.5 KB of a block's 6 or so).
_CHUNK = 1536


def _holds(ids: list[int], wanted: list[int]) -> bool:
    """Whether the sorted `ids` hold any of `wanted`."""
    for doc in wanted:
        k = bisect_left(ids, doc)
        if k < len(ids) and ids[k] == doc:
            return True
    return False


def _ids_and_weights(raw: bytes, compressed: bool, count: int) -> tuple[tuple, object]:
    """(delta-coded ids, weights) of one Whoosh 3 posting block.

    A block is the zlib-compressed pickle (protocol 2) of (ids, weights, values), and
    unpickling the values, a bytes object per posting, is most of the cost of reading it
    (~190 of ~260 us for 128 postings) though scoring never looks at them. So only the
    front of the block is inflated, up to where the values begin, and that front is
    unpickled as a pair. The values start with the marker above after a MARK opcode
    (they are a tuple of more than three items); the marker's bytes cannot occur in the
    ids (every fifth byte at most is data, not an opcode) or the weights (a float opcode
    every ninth byte). Blocks of three or fewer postings are unpickled whole.
    """
    if count > 3:
        if compressed:
            inflater = zlib.decompressobj()
            front = inflater.decompress(raw, _CHUNK)
            while _VALUES not in front and inflater.unconsumed_tail:
                front += inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        else:
            front = raw
        found = _front(front, count)
        if found is not None:
            return found
    data = pickle.loads(zlib.decompress(raw) if compressed else raw)
    return data[0], data[1]


def _front(data: bytes, count: int) -> tuple[tuple, object] | None:
    """(delta-coded ids, weights) from the front of a block's inflated pickle (all of it or
    up to where the values begin), or None where the values' marker is not found (see
    `_ids_and_weights`)."""
    at = data.find(_VALUES)
    if count > 3 and at > 0 and data[at - 1] == 0x28:  # "(": MARK
        ids, weights = pickle.loads(data[:at - 1] + b"\x86.")  # TUPLE2, STOP
        if len(ids) == count:
            return ids, weights
    return None
