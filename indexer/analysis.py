"""The one text analyzer, used to index passages and to read queries alike."""
from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.analysis.analyzers import Analyzer

TOKEN_PATTERN = r"\w+"


class SnowballFilter(Filter):
    """Snowball stemming by PyStemmer (C; far faster than Whoosh's pure-Python Porter).

    Pickles by language name only, because Whoosh stores the schema, analyzer included,
    in the index and a PyStemmer object cannot be pickled.
    """

    def __init__(self, language: str = "english"):
        self.language = language

    def __getstate__(self):
        return {"language": self.language}

    def __setstate__(self, state):
        self.language = state["language"]

    def __eq__(self, other):
        return type(other) is type(self) and other.language == self.language

    def __call__(self, tokens):
        stem = _stemmer(self.language).stemWord
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


@lru_cache(maxsize=None)
def _stemmer(language: str):
    import Stemmer

    return Stemmer.Stemmer(language)


def analyzer() -> Analyzer:
    """The analyzer of every text field and of every query."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(minsize=1) | SnowballFilter()


def terms(text: str) -> list[str]:
    """The index terms of a piece of text, in order."""
    return [token.text for token in shared()(text)]


@lru_cache(maxsize=1)
def shared() -> Analyzer:
    """One analyzer instance for the process (building one is not free)."""
    return analyzer()

