"""The Whoosh schema: one document per passage, with its article's metadata."""
from __future__ import annotations

#: Searchable text fields and how much a match in each weighs against the body.
FIELD_WEIGHTS = {"title": 2.0, "section": 1.5, "body": 1.0}
#: How much each field's length tempers its matches (BM25F's b): 0 not at all, 1 fully.
FIELD_B = {"title": 0.75, "section": 0.75, "body": 0.75}
#: A column holding each passage's title and body terms with their counts (index.packed_terms),
#: so feedback reads a top passage's words instead of analysing its text again.
TERMS_FIELD = "terms"


def schema():
    # Whoosh and the analyzer are imported here, not above: the field weights are read by
    # modules (ranking options, presentation) that commands without an index also load.
    from .whoosh_import import import_whoosh

    import_whoosh()
    from whoosh.columns import FixedBytesColumn, VarBytesColumn
    from whoosh.fields import COLUMN, ID, NUMERIC, STORED, Schema

    from .analysis import analyzer
    from .embed import COARSE_FIELD, DIM, FIELD, PREFIX
    from .field import PassageText

    text = analyzer()
    return Schema(
        article_id=ID(stored=True, sortable=True),
        position=NUMERIC(stored=True),
        title=PassageText(analyzer=text, stored=True),
        section=PassageText(analyzer=text),
        body=PassageText(analyzer=text, stored=True),
        headings=STORED(),
        source=STORED(),
        url=STORED(),
        author=STORED(),
        published=STORED(),
        page=STORED(),
        # Each passage's float16 vectors (indexer.embed), in columns: Whoosh keeps them per
        # segment with the passage, so merges, deletions and commits carry them along.
        **{FIELD: COLUMN(FixedBytesColumn(2 * DIM)), COARSE_FIELD: COLUMN(FixedBytesColumn(2 * PREFIX)),
           TERMS_FIELD: COLUMN(VarBytesColumn())},
    )
