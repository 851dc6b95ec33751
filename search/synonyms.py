"""Synonyms: words and phrases that mean the same, applied to queries at search time.

A synonyms file holds one group a line, its entries separated by commas; `#` starts a
comment. Entries may be phrases:

    twitch, fasciculation, myoclonus
    heart attack, myocardial infarction

When a query holds an entry (after analysis, so "twitching" matches "twitch"), the
other entries of its group are searched for as well, at a lower weight than the words
the user typed; an entry of several words counts only as a phrase, its words in a row
after analysis (`fish oil` never matches through `oil` alone, nor through "fish at dawn,
olive oil at noon"). The package ships search/synonyms.txt; a corpus can add its own in
`.synonyms.txt` in the corpus folder (hidden, so it is not taken for an article).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The name of a corpus's own synonyms file, in the corpus folder.
CORPUS_FILE = ".synonyms.txt"


@dataclass(frozen=True, slots=True)
class Synonyms:
    """Groups of entries, each entry the analysed terms of one word or phrase."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()

    def alternatives(self, terms: Sequence[str]) -> list[tuple[str, ...]]:
        """Entries synonymous with a run of `terms` (the query's terms in order), new ones only."""
        return list(self.sources(terms))

    def sources(self, terms: Sequence[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Each entry synonymous with a run of `terms` (new ones only) -> the entry of the
        query that brought it (the first of its group the query holds)."""
        found: dict[tuple[str, ...], tuple[str, ...]] = {}
        present = set(terms)  # an entry whose first term the query lacks is not in it
        for group in self.groups:
            typed = next((entry for entry in group if entry[0] in present and _holds(terms, entry)), None)
            if typed is None:
                continue
            for entry in group:
                if not (entry[0] in present and _holds(terms, entry)):
                    found.setdefault(entry, typed)
        return found


def _holds(terms: Sequence[str], entry: tuple[str, ...]) -> bool:
    size = len(entry)
    return any(tuple(terms[i:i + size]) == entry for i in range(len(terms) - size + 1))


def parse(text: str) -> list[tuple[tuple[str, ...], ...]]:
    """The groups of a synonyms file's text, analysed like queries."""
    from indexer.analysis import analyze_query

    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        entries = []
        for raw in line.split(","):
            entry = tuple(t.text for t in analyze_query(raw.strip()) if not t.joined)
            if entry and entry not in entries:
                entries.append(entry)
        if len(entries) > 1:
            groups.append(tuple(entries))
    return groups


def load(paths: Iterable[Path] = (), builtin: bool = True) -> Synonyms:
    """The shipped synonyms (unless `builtin` is False) and those of the given files that exist."""
    texts = [Path(__file__).with_name("synonyms.txt").read_text(encoding="utf-8")] if builtin else []
    for path in paths:
        try:
            texts.append(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            from indexer.errors import UsageError

            raise UsageError(f"cannot read synonyms from {path}: {exc}") from None
    groups = [group for text in texts for group in parse(text)]
    return Synonyms(tuple(groups))
