"""Synonyms: the file format, matching a query, the shipped list and a corpus's own."""
from dataclasses import replace

from search.synonyms import CORPUS_FILE, Synonyms, load, parse
from tests.rankhelp import PLAIN, build, ranked


def test_parse_groups_of_words_and_phrases():
    groups = parse("# comment\ntwitch, fasciculation, myoclonus\nheart attack, myocardial infarction  # why\nlonely\n")
    assert groups == [(("twitch",), ("fascicul",), ("myoclonus",)), (("heart", "attack"), ("myocardi", "infarct"))]


def test_alternatives_match_runs_of_query_terms():
    synonyms = Synonyms(tuple(parse("heart attack, myocardial infarction\ntwitch, fasciculation")))
    assert synonyms.alternatives(["sudden", "heart", "attack"]) == [("myocardi", "infarct")]
    assert synonyms.alternatives(["heart", "rate"]) == []
    assert synonyms.alternatives(["twitch"]) == [("fascicul",)]


def test_shipped_list_has_the_documented_groups():
    synonyms = load()
    assert ("fascicul",) in synonyms.alternatives(["twitch"])
    assert ("myoclonus",) in synonyms.alternatives(["twitch"])
    assert ("myocardi", "infarct") in synonyms.alternatives(["heart", "attack"])


def test_search_finds_a_synonym_only_when_switched_on(tmp_path):
    corpus = build(tmp_path, {"fasc": "Benign fasciculation\n\nFasciculations are small involuntary contractions.",
                              "other": "Tea\n\nGreen tea is a drink."})
    assert ranked(corpus, "twitching") == []
    assert ranked(corpus, "twitching", replace(PLAIN, synonyms=True)) == ["fasc"]


def test_a_corpus_adds_its_own_synonyms(tmp_path):
    corpus = build(tmp_path, {"zed": "Zebras\n\nZebras graze at dawn.", "other": "Tea\n\nGreen tea."})
    own = corpus.root / CORPUS_FILE
    own.write_text("stripy horse, zebra\n", encoding="utf-8")
    options = replace(PLAIN, synonyms=True, synonym_files=(own,))
    assert ranked(corpus, "stripy horse", options) == ["zed"]
    assert ranked(corpus, "stripy horse", replace(PLAIN, synonyms=True)) == []
    assert not corpus.is_stale()  # the hidden file is not taken for an article
