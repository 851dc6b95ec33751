"""Words: whether a word the corpus lacks is an ordinary English word or a likely typo.

"Did you mean" corrects words that no passage holds. In a small corpus most ordinary
words are missing ("look", "fix", "ruin"), and correcting them to the nearest word the
corpus has ("long", "five", "run") helps nobody. A word list tells the two apart: the
words of SCOWL's american-english list written in lower-case letters (64k words,
inflections included; english_words.copyright.txt says where it comes from and its
permission notice). It is read only when a query holds a word the index lacks.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LIST = Path(__file__).with_name("english_words.txt")


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    try:
        return frozenset(LIST.read_text(encoding="utf-8").split())
    except OSError:  # a damaged install: every word counts as a possible typo, as before
        return frozenset()


def is_word(text: str) -> bool:
    """Whether `text` (as typed) is an ordinary English word."""
    return text.lower() in _words()
