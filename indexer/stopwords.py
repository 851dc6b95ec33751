"""The project's English function words, shipped as indexer/stopwords.txt: what the
analyzer drops from passages and queries, and what tells the plain-text cleaner that a
line is English prose. Its own module so that the cleaner reads it without Whoosh."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The words of indexer/stopwords.txt (one a line; # starts a comment line)."""
    text = Path(__file__).with_name("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
