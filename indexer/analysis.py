"""The one text analyzer, used to index passages and to read queries alike.

Text becomes index terms in one pass: words (compounds like omega-3 and covid-19 kept
whole as well as in parts), possessives dropped (doctor's, doctor’s -> doctor), accents
folded, stopwords removed, Snowball English stems by PyStemmer. `analyze` does it as a
plain function returning `Term` records; `CorpusTokenizer` wraps that same function for
Whoosh. A chain of Whoosh filters would do the same steps but costs an order of magnitude
more per token, and ranking re-reads passages (feedback, highlighting) at query time.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from .stopwords import stopwords
from .whoosh_import import import_whoosh

import_whoosh()  # before whoosh.analysis, which imports whoosh.compat

from whoosh.analysis import Token, Tokenizer  # noqa: E402
from whoosh.support.charset import accent_map  # noqa: E402

#: A word, or a compound of words joined by hyphens or apostrophes (omega-3, doctor’s).
_WORD = re.compile(r"\w+(?:[-‐‑'’ʼ]\w+)*")
_HYPHENS = re.compile(r"[-‐‑]")
_APOSTROPHES = re.compile(r"['’ʼ]")
_POSSESSIVE = re.compile(r"['’ʼ]s$")
#: How many distinct words to remember the terms of (a few tens of MB at most).
_KNOWN_WORDS = 500_000
#: How many distinct words `_word_reader` remembers. Indexing reads every word through it,
#: so its memo is what an indexing worker keeps (~280 bytes a word): capped low, a bulk
#: add's memory stays flat on a corpus of many words. The first 20,000 words seen make 95%
#: of NFCorpus's words; the rest cost one stemming each (~1% of a worker's time).
_READ_WORDS = 20_000


@dataclass(frozen=True, slots=True)
class Term:
    """One index term of a text."""

    text: str
    #: Position among the text's kept terms (stopwords take none), for phrases and proximity.
    pos: int
    start: int
    end: int
    #: The joined form of a compound (omega-3 -> omega3), at the position of its first part,
    #: so that "omega-3", "omega 3" and "omega3" all find each other.
    joined: bool = False


@lru_cache(maxsize=None)
def _stemmer(language: str):
    import Stemmer

    return Stemmer.Stemmer(language)


def _fold(word: str) -> str:
    """Lowercase without accents (café -> cafe), so either spelling finds the other."""
    return word.lower().translate(accent_map)


def analyze(text: str, language: str = "english", drop_stopwords: bool = True) -> list[Term]:
    """The index terms of a text, in order, with positions and character spans."""
    return [Term(*found) for found in _walk(text, language, drop_stopwords)]


def _walk(text: str, language: str, drop_stopwords: bool):
    """(term, pos, start, end, joined) for each term of the text: `analyze` before the records."""
    read = _word_reader(language, drop_stopwords)
    pos = 0
    for match in _WORD.finditer(text):
        joined, parts = read(match.group())
        start, end = match.span()
        if joined:
            yield joined, pos, start, end, True
        for part in parts:
            yield part, pos, start, end, False
            pos += 1
        if joined and not parts:
            pos += 1  # a compound of stopwords only (to-be) still takes its joined form's place


def terms(text: str, language: str = "english") -> list[str]:
    """The index terms of a text, in order (joined compounds included): `analyze` without
    the records, for counting terms fast."""
    return list(chain.from_iterable(map(_word_terms(language).__getitem__, _WORD.findall(text))))


def positions(text: str, language: str = "english") -> dict[str, list[int]]:
    """Each index term of a text with its positions, in order of first sight: what Whoosh's
    Positions format gathers from the tokenizer's `Token`s, built without them (indexing a
    passage spends most of its analysis time making and reading those objects)."""
    read = _word_reader(language, True)
    found: dict[str, list[int]] = {}
    pos = 0
    for word in _WORD.findall(text):
        joined, parts = read(word)
        if joined:
            if joined in found:
                found[joined].append(pos)
            else:
                found[joined] = [pos]
        for part in parts:
            if part in found:
                found[part].append(pos)
            else:
                found[part] = [pos]
            pos += 1
        if joined and not parts:
            pos += 1  # as in _walk: a compound of stopwords only still takes its place
    return found


def spans(text: str, wanted: set[str], language: str = "english") -> list[tuple[int, int]]:
    """The character spans of the words of `text` that make any of the `wanted` terms
    (the spans of `analyze`'s terms in `wanted`, without building the records)."""
    table = _word_terms(language)
    return [match.span() for match in _WORD.finditer(text) if not wanted.isdisjoint(table[match.group()])]


def term_counts(text: str, language: str = "english") -> Counter:
    """How often each index term occurs in a text (Counter(terms(text)) without the list)."""
    return Counter(chain.from_iterable(map(_word_terms(language).__getitem__, _WORD.findall(text))))


class _WordTerms(dict):
    """word -> all its index terms (the joined compound first), worked out on first sight
    and remembered up to _KNOWN_WORDS words: looking words up through `map` keeps the
    per-word loop in C, which is most of the cost of counting a passage's terms."""

    def __init__(self, read):
        super().__init__()
        self._read = read

    def __missing__(self, word: str) -> tuple[str, ...]:
        joined, parts = self._read(word)
        found = (joined, *parts) if joined else parts
        if len(self) < _KNOWN_WORDS:
            self[word] = found
        return found


@lru_cache(maxsize=8)
def _word_terms(language: str) -> _WordTerms:
    return _WordTerms(_word_reader(language, True))


@lru_cache(maxsize=8)
def _word_reader(language: str, drop_stopwords: bool):
    """word -> (stem of the joined compound or "", stems of its kept parts), remembered per
    word: text repeats its words, so most are worked out once per process."""
    stem = _stemmer(language).stemWord
    stop = stopwords() if drop_stopwords else frozenset()
    known: dict[str, tuple[str, tuple[str, ...]]] = {}

    def work_out(word: str) -> tuple[str, tuple[str, ...]]:
        folded = _APOSTROPHES.sub("", _POSSESSIVE.sub("", _fold(word)))
        parts = [p for p in _HYPHENS.split(folded) if p]
        joined = "".join(parts)
        joined = stem(joined) if len(parts) > 1 and joined not in stop else ""
        if len(known) < _READ_WORDS:
            known[word] = (joined, tuple(stem(p) for p in parts if p not in stop))
            return known[word]
        return joined, tuple(stem(p) for p in parts if p not in stop)

    def read(word: str) -> tuple[str, tuple[str, ...]]:
        found = known.get(word)
        return found if found is not None else work_out(word)

    return read


@lru_cache(maxsize=8192)
def analyze_query(text: str) -> tuple[Term, ...]:
    """`analyze` for the short strings of queries, cached: a batch repeats many words."""
    return tuple(analyze(text))


class CorpusTokenizer(Tokenizer):
    """`analyze` as a Whoosh tokenizer: the analyzer of every text field.

    Pickles by language name only (Whoosh stores the schema, analyzer included, in the
    index, and a PyStemmer object cannot be pickled).
    """

    is_morph = True

    def __init__(self, language: str = "english"):
        self.language = language

    def __getstate__(self):
        return {"language": self.language}

    def __setstate__(self, state):
        self.language = state["language"]

    def __eq__(self, other):
        return type(other) is type(self) and other.language == self.language

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if not tokenize:
            found = list(_walk(value, self.language, False))[:1]
        else:
            found = _walk(value, self.language, removestops)
        for text, pos, start, end, _joined in found:
            token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
            token.text = text
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def analyzer() -> CorpusTokenizer:
    """The analyzer of every text field and of every query."""
    return CorpusTokenizer()


@lru_cache(maxsize=1)
def shared() -> CorpusTokenizer:
    """One analyzer instance for the process."""
    return analyzer()
