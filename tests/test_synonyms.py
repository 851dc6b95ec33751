"""Synonyms: the file format, matching a query, the shipped list and a corpus's own."""
from dataclasses import replace

import pytest

from search.synonyms import CORPUS_FILE, Synonyms, load, parse
from search.query import parse as parse_query
from search.rank import search
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


def test_a_synonym_of_several_words_needs_them_all_not_one(tmp_path):
    # "omega 3" has the shipped synonyms "fish oil" and "n-3 fatty acid": a page on woks
    # that says "oil" and "acid" apart must not be found through them.
    corpus = build(tmp_path, {
        "wok": "Seasoning a wok\n\nRub a thin film of oil into the wok and heat it. An acid sauce strips the film.",
        "pan": "Cast iron care\n\nOil the pan after washing; fatty residue and acid foods wear it down.",
        "fish": "Fish oil capsules\n\nFish oil taken daily lowered triglycerides in the trial.",
        "acids": "Fats\n\nThe n-3 fatty acids of walnuts differ from those of fish.",
    })
    options = replace(PLAIN, synonyms=True)
    found = ranked(corpus, "omega 3", options)
    assert sorted(found) == ["acids", "fish"]


def test_a_multi_word_synonym_does_not_lift_a_passage_holding_one_of_its_words(tmp_path):
    corpus = build(tmp_path, {
        "mi": "Cardiology\n\nA myocardial infarction follows a blocked coronary artery, said the heart surgeon.",
        "spleen": "Spleen\n\nAn infarction of the spleen follows a blocked splenic artery, said the heart surgeon.",
    })
    options = replace(PLAIN, synonyms=True)
    scores = {hit.article_id: hit.score for hit in
              search(corpus.index_dir, parse_query("heart attack"), options)}
    plain = {hit.article_id: hit.score for hit in search(corpus.index_dir, parse_query("heart attack"), PLAIN)}
    assert scores["mi"] > scores["spleen"]
    assert scores["spleen"] == pytest.approx(plain["spleen"])  # "infarction" alone earns nothing
    assert scores["mi"] > plain["mi"]


def test_a_synonym_phrase_counts_only_where_its_words_stand_in_a_row(tmp_path):
    # "omega 3" brings the shipped synonym "fish oil": a market page that sells fish at
    # dawn and olive oil at noon holds both words, apart, and is not lifted by it.
    corpus = build(tmp_path, {
        "capsules": "Supplements\n\nFish oil taken daily lowered triglycerides in the trial.",
        "market": "Harbour market\n\nFresh fish sold at dawn; olive oil and bread sold at noon.",
        "omega": "Omega 3 and the harbour\n\nFresh fish sold at dawn; olive oil and bread sold at noon.",
    })
    options = replace(PLAIN, synonyms=True, explain=True)
    assert ranked(corpus, "omega 3", options) == ["omega", "capsules"]
    hits = {hit.article_id: hit for hit in search(corpus.index_dir, parse_query("omega 3"), options)}
    plain = {hit.article_id: hit for hit in search(corpus.index_dir, parse_query("omega 3"), replace(PLAIN, explain=True))}
    assert hits["omega"].score == pytest.approx(plain["omega"].score)  # its fish and oil stand apart
    assert all(c.origin != "synonym" for c in hits["omega"].explanation.contributions)
    assert [c.term for c in hits["capsules"].explanation.contributions] == ["fish oil"]
