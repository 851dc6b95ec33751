"""Whoosh imported without urllib.request and asyncio, and still whole; a plain search
without Whoosh's Searcher and query modules, the tokenizers library or numpy.ma."""
import json
import subprocess
import sys

from indexer.index import create_index, open_index

SEARCH = """
import sys
from search.cli import main
try:
    main(["--corpus", sys.argv[1], "search", "magnesium"], standalone_mode=False)
finally:
    print(sorted(m for m in ("urllib.request", "asyncio", "cached_property", "whoosh.searching", "whoosh.query",
                             "tokenizers", "numpy.ma") if m in sys.modules), file=sys.stderr)
"""


def test_a_search_imports_only_what_it_uses(tmp_path):
    from indexer.corpus import Corpus

    # 200+ passages: enough for the semantic part to join in and embed the query.
    source = tmp_path / "notes.jsonl"
    with source.open("w", encoding="utf-8") as lines:
        for n in range(220):
            text = f"Note {n}. Magnesium helps muscles relax at night." if n % 7 == 0 else f"Note {n} on tomatoes."
            lines.write(json.dumps({"_id": f"n{n}", "title": f"Note {n}", "text": text}) + "\n")
    Corpus(tmp_path / "corpus").add([str(source)])
    done = subprocess.run([sys.executable, "-c", SEARCH, str(tmp_path / "corpus")],
                          capture_output=True, text=True, check=True)
    assert "Magnesium" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_the_stand_ins_are_gone_and_whoosh_still_works(tmp_path):
    import whoosh.compat
    import whoosh.reading

    assert "urllib.request" not in sys.modules or sys.modules["urllib.request"].__file__
    assert "cached_property" not in sys.modules or sys.modules["cached_property"].__file__
    assert callable(whoosh.compat.urlretrieve)
    index = create_index(tmp_path)
    with index.writer() as writer:
        for word in ("one", "two", "three"):
            writer.add_document(article_id=word, position=0, title=word, body=word, section="",
                                headings=[], source="", url=None, author=None, published=None)
    with index.writer() as writer:
        writer.delete_by_term("article_id", "two")
    with open_index(tmp_path).searcher() as searcher:
        leaf = next(iter(searcher.reader().leaf_readers()))[0]
        assert leaf.deleted_docs_set == frozenset({1})  # the cached property Whoosh reads deletions by
        assert leaf.deleted_docs_set is leaf.deleted_docs_set
