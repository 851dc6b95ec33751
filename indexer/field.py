"""The searchable text field of the schema: Whoosh's TEXT, indexing through `analysis.positions`.

Whoosh indexes a TEXT value by running the analyzer, wrapping each term in a Token object
and gathering the tokens' positions in its Positions format: for a passage of a few hundred
words that bookkeeping costs more than working out the terms. This field gathers the same
term -> positions table straight from the analyzer's function and encodes it exactly as
Positions does, so the index holds the same bytes. Anything other than the plain case (a
list value, another analyzer or format) goes Whoosh's own way.
"""
from __future__ import annotations

from whoosh.compat import dumps
from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.system import pack_uint

from .analysis import CorpusTokenizer, positions


class PassageText(TEXT):
    """TEXT with the analyzer's fast path for indexing (the stored schema names this class:
    changing it means a new INDEX_VERSION)."""

    def index(self, value, **kwargs):
        analyzer, fmt = self.analyzer, self.format
        if (not isinstance(value, str) or type(analyzer) is not CorpusTokenizer or type(fmt) is not Positions
                or kwargs.get("mode", "index") != "index"):
            yield from super().index(value, **kwargs)
            return
        boost = fmt.field_boost
        for term, found in positions(value, analyzer.language).items():
            # Positions.encode: the count, then the gaps between positions, pickled.
            gaps, last = [], 0
            for pos in found:
                gaps.append(pos - last)
                last = pos
            # Positions.word_values sums a boost of 1.0 per token, times the field's boost.
            yield term.encode("utf-8"), len(found), float(len(found)) * boost, pack_uint(len(gaps)) + dumps(gaps, 2)
