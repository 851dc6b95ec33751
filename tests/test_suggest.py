"""The did-you-mean's fast vocabulary reads and distances against Whoosh's own."""
import random

import pytest
from whoosh.support.levenshtein import damerau_levenshtein

from indexer.index import create_index, open_index
from search.suggest import _prefixed, _within

WORDS = "magnesium magnet magnitude maggot sleep slept sleeper café cafe zinc zebra ácido".split()


def test_distances_equal_whooshs_damerau_levenshtein():
    rng = random.Random(3)
    for _ in range(2000):
        term = "".join(rng.choice("abcd") for _ in range(rng.randint(1, 8)))
        words = ["".join(rng.choice("abcd") for _ in range(rng.randint(1, 10))) for _ in range(20)]
        expected = sorted((damerau_levenshtein(term, w), w) for w in words if damerau_levenshtein(term, w) <= 2)
        assert sorted(_within(term, words, 2)) == expected


@pytest.fixture
def index_dir(tmp_path):
    """Two segments, each with part of the vocabulary."""
    index = create_index(tmp_path)
    for half in (WORDS[::2], WORDS[1::2]):
        with index.writer() as writer:
            writer.merge = False
            for number, word in enumerate(half):
                writer.add_document(article_id=f"{word}{number}", position=0, title=word, body=f"{word} and more",
                                    section="", headings=[], source="", url=None, author=None, published=None)
    return tmp_path


@pytest.mark.parametrize("prefix", ["m", "s", "c", "z", "á", "q"])
def test_prefixed_terms_equal_whooshs(index_dir, prefix):
    with open_index(index_dir).searcher() as searcher:
        leaves = [leaf for leaf, _ in searcher.reader().leaf_readers()]
        assert len(leaves) == 2
        for leaf in leaves:
            for field in ("body", "title"):
                expected = {w.decode("utf-8") for w in leaf.expand_prefix(field, prefix)}
                assert _prefixed(leaf, field, prefix) == expected
