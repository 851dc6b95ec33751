"""Parse: a user's query string into a small typed form, and that into a Whoosh query.

The grammar is forgiving on purpose: words, "quoted phrases", -excluded words, field
prefixes (title:, section:) and word~ for fuzzy matching. Anything else is text, so a
stray quote, a trailing question mark or a lone operator never breaks a query.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
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
    terms: tuple[str, ...]
    #: Restricted to one field, or None for every text field.
    field: Field | None = None
    phrase: bool = False
    excluded: bool = False
    #: Edit distance for a fuzzy word (word~), 0 for an exact one.
    fuzzy: int = 0


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.excluded)

    @property
    def terms(self) -> tuple[str, ...]:
        """Every analysed term the query looks for, without repeats (for highlighting)."""
        return tuple(dict.fromkeys(t for c in self.positive for t in c.terms))


def parse(text: str) -> ParsedQuery:
    """Parse a query; QueryError if nothing searchable is left."""
    from indexer.analysis import terms as analyse

    clauses = []
    for match in _CLAUSE.finditer(text):
        field = (match.group("field") or "").lower() or None
        excluded = bool(match.group("neg"))
        if match.group("phrase") is not None:
            words = match.group("phrase")
            found = tuple(analyse(words))
            if found:
                clauses.append(Clause(words, found, field, phrase=len(found) > 1, excluded=excluded))
            continue
        word, fuzzy = match.group("word"), 0
        fuzzy_match = _FUZZY.match(word)
        if fuzzy_match and re.search(r"\w", fuzzy_match.group("word")):
            word = fuzzy_match.group("word")
            fuzzy = int(fuzzy_match.group("distance") or (1 if len(word) <= 5 else 2))
        found = tuple(analyse(word))
        if not found:
            continue
        # A word the analyzer splits (covid-19) matches as a phrase of its parts.
        clauses.append(Clause(word, found, field, phrase=len(found) > 1, excluded=excluded,
                              fuzzy=fuzzy if len(found) == 1 else 0))
    parsed = ParsedQuery(text, tuple(clauses))
    if not parsed.positive:
        if parsed.clauses:
            raise QueryError("the query only excludes words; add a word to search for")
        raise QueryError(f"nothing to search for in {text.strip()!r}: it holds only common words "
                         "or punctuation")
    return parsed
