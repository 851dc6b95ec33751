"""Parse: a user's query string into a small typed form.

The grammar is forgiving on purpose: words, "quoted phrases", -excluded words, field
prefixes (title:, section:) and word~ for fuzzy matching. Anything else is text, so a
stray quote, a trailing question mark or a lone operator never breaks a query.

What must match: a word restricted to a field (title:word) must. A quoted phrase must
when it is most of what was asked (at least half the query's words, as in
`"magnesium supplements" -tea`); inside a longer, natural-language query (`Minimum
"Recommended Daily Allowance" of Antioxidants`) it only ranks passages holding it higher,
so quoting part of a question never empties the answer. A hyphenated word (plant-based,
IGF-1) is never a required phrase: it is a compound, matched whole or by its parts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from indexer.errors import QueryError

Field = Literal["title", "section", "body"]
FIELDS: tuple[Field, ...] = ("title", "section", "body")
_CLAUSE = re.compile(
    r'(?P<neg>[-−])?(?:(?P<field>title|section|body):)?'
    r'(?:"(?P<phrase>[^"]*)(?:"|$)|(?P<word>[^\s"]+))', re.I)
_FUZZY = re.compile(r"^(?P<word>.+?)~(?P<distance>[12])?$")


@dataclass(frozen=True, slots=True)
class Clause:
    """One part of a query: a word or a phrase, its analysed terms, and how it counts."""

    text: str
    #: The analysed terms, one per word position (a compound's parts, not its joined form).
    terms: tuple[str, ...]
    #: Restricted to one field, or None for every text field.
    field: Field | None = None
    phrase: bool = False
    excluded: bool = False
    #: Edit distance for a fuzzy word (word~), 0 for an exact one.
    fuzzy: int = 0
    #: The joined form of a compound word (plant-based -> plantbas), else "".
    joined: str = ""
    #: Passages must match this clause (see the module docstring for when).
    required: bool = False


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.excluded)

    @property
    def required(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.positive if c.required)

    @property
    def terms(self) -> tuple[str, ...]:
        """Every analysed term the query looks for, without repeats (for highlighting)."""
        return tuple(dict.fromkeys(t for c in self.positive for t in (c.joined, *c.terms) if t))

    def relaxed(self) -> "ParsedQuery":
        """The same query with its phrases optional (what runs when required ones match nothing)."""
        return ParsedQuery(self.text, tuple(replace(c, required=False) if c.phrase else c for c in self.clauses))


def _analysed(text: str) -> tuple[tuple[str, ...], str]:
    """(terms by position, joined form if `text` is one compound word)."""
    from indexer.analysis import analyze_query

    found = analyze_query(text)
    parts = tuple(t.text for t in found if not t.joined)
    joined = [t.text for t in found if t.joined]
    return parts, (joined[0] if len(joined) == 1 and len(found) == len(parts) + 1 else "")


def parse(text: str) -> ParsedQuery:
    """Parse a query; QueryError if nothing searchable is left."""
    clauses = []
    for match in _CLAUSE.finditer(text):
        field = (match.group("field") or "").lower() or None
        excluded = bool(match.group("neg"))
        if match.group("phrase") is not None:
            words = match.group("phrase")
            found, joined = _analysed(words)
            if found:
                phrase = len(found) > 1
                clauses.append(Clause(words, found, field, phrase=phrase, excluded=excluded,
                                      joined="" if phrase else joined))
            continue
        word, fuzzy = match.group("word"), 0
        fuzzy_match = _FUZZY.match(word)
        if fuzzy_match and re.search(r"\w", fuzzy_match.group("word")):
            word = fuzzy_match.group("word")
            fuzzy = int(fuzzy_match.group("distance") or (1 if len(word) <= 5 else 2))
        found, joined = _analysed(word)
        if not found and not joined:
            continue
        clauses.append(Clause(word, found or (joined,), field, excluded=excluded, joined=joined if found else "",
                              fuzzy=fuzzy if len(found) == 1 and not joined else 0))
    clauses = _settle_requirements(clauses)
    parsed = ParsedQuery(text, tuple(clauses))
    if not parsed.positive:
        if parsed.clauses:
            raise QueryError("the query only excludes words; add a word to search for")
        raise QueryError(f"nothing to search for in {text.strip()!r}: it holds only common words "
                         "or punctuation")
    return parsed


def _settle_requirements(clauses: list[Clause]) -> list[Clause]:
    """Field-restricted words are required; phrases are when they hold half the query's words."""
    positive = [c for c in clauses if not c.excluded]
    words = sum(len(c.terms) for c in positive)
    phrase_words = sum(len(c.terms) for c in positive if c.phrase)
    phrases_rule = phrase_words * 2 >= words
    return [replace(c, required=not c.excluded and (bool(c.field) or (c.phrase and phrases_rule)))
            for c in clauses]
