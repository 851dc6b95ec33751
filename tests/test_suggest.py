"""The did-you-mean: fast vocabulary reads and distances against Whoosh's own; only where it helps."""
import json
import random
from pathlib import Path

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


# -- only where it helps (issue 17) ----------------------------------------------------

PANS = Path(__file__).parent / "fixtures" / "pans"


@pytest.fixture
def pans(tmp_path, cli):
    """Three notes on cast iron pans, seasoning and woks: a small corpus of one's own."""
    root = tmp_path / "pans"
    assert cli(root, "add", str(PANS)).exit_code == 0
    return root


@pytest.mark.parametrize("question", ["how do I look after a cast iron pan", "how to fix a rusty pan",
                                      "does soap ruin seasoning", "omega 3"])
def test_an_ordinary_question_that_matched_gets_no_did_you_mean(pans, cli, question):
    result = cli(pans, "search", *question.split(), "--json")
    assert "did you mean" not in result.stderr and "showing results for" not in result.stderr, result.stderr
    record = json.loads(result.stdout)
    assert record.get("suggestion") is None and record.get("searched_for") is None
    if question != "omega 3":  # whether synonyms may match it is ranking's business; a number is never corrected
        assert record["results"]


def test_a_misspelled_word_still_gets_one(pans, cli):
    result = cli(pans, "search", "how", "do", "I", "season", "a", "skilet")
    assert "corpus: did you mean: how do I season a skillet\n" in result.stderr


def test_did_you_mean_off_silences_the_line_too(pans, cli, monkeypatch):
    monkeypatch.setenv("CORPUS_DID_YOU_MEAN", "off")
    result = cli(pans, "search", "season", "skilet", "--json")
    assert "did you mean" not in result.stderr
    assert json.loads(result.stdout).get("suggestion") is None


def test_an_ordinary_word_nothing_holds_is_never_searched_as_another(pans, cli):
    from search.words import is_word

    assert is_word("properly") and is_word("Rusty") and not is_word("skilet")
    # The wok note's "factory" is one letter from "factor": offered, not searched instead.
    result = cli(pans, "search", "factor", "--json")
    record = json.loads(result.stdout)
    assert record["suggestion"] == "factory" and record.get("searched_for") is None and not record["results"]
    assert result.exit_code == 1 and "did you mean: factory" in result.stderr
    typo = json.loads(cli(pans, "search", "skilet", "--json").stdout)
    assert typo["searched_for"] == "skillet" and typo["results"]
