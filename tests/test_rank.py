"""Ranking on small hand-made corpora: fields, phrases, proximity, feedback, explanations,
suggestions and the switches."""
import shutil
from collections import Counter
from dataclasses import replace

import pytest

from indexer.corpus import Corpus
from search.feedback import expansion_terms
from search.proximity import phrase_count, proximity
from search.query import parse
from search.rank import Options, search
from search.suggest import suggest
from tests.conftest import REVIEW, TWITCHES
from tests.rankhelp import PLAIN, build, ranked

FILLER = "Notes on gardening\n\nTomatoes want sun, water and patience; basil grows beside them {n} times."


def test_title_match_outranks_body_match(tmp_path):
    corpus = build(tmp_path, {
        "intitle": "Magnesium and sleep\n\nWhat a mineral does for rest at night and for waking.",
        "inbody": "Minerals and sleep\n\nWhat magnesium does for rest at night and for waking.",
    })
    assert ranked(corpus, "magnesium") == ["intitle", "inbody"]


def test_quoted_phrase_ranks_passages_holding_it_first(tmp_path):
    corpus = build(tmp_path, {
        "apart": "Notes\n\nA heart scan came back clean; the attack of hay fever came in spring, said the doctor.",
        "phrase": "Notes\n\nA heart attack came in spring; the scan came back, said the doctor to the nurse.",
    })
    long_query = 'what happens in a "heart attack" to the body in spring'
    assert not parse(long_query).required
    options = replace(PLAIN, proximity=True)
    assert ranked(corpus, long_query, options) == ["phrase", "apart"]
    assert ranked(corpus, '"heart attack"', PLAIN) == ["phrase"]


def test_proximity_ranks_words_close_together_higher(tmp_path):
    corpus = build(tmp_path, {
        "far": "Report\n\nA muscle cramp at night is common. Many things matter here, among them sleep, "
               "hydration, stress and posture. Some people also notice a leg twitch.",
        "near": "Report\n\nA muscle twitch at night is common. Many things matter here, among them sleep, "
                "hydration, stress and posture. Some people also notice a leg cramp.",
    })
    with_proximity = replace(PLAIN, proximity=True)
    assert ranked(corpus, "muscle twitch", with_proximity) == ["near", "far"]
    hits = search(corpus.index_dir, parse("muscle twitch"), replace(with_proximity, explain=True))
    assert hits[0].explanation.proximity > hits[1].explanation.proximity


def test_proximity_measure():
    idf = {"muscle": 2.0, "twitch": 2.0}
    assert proximity({"muscle": [0], "twitch": [1]}, idf) > proximity({"muscle": [0], "twitch": [9]}, idf) > 0
    assert proximity({"muscle": [0, 5]}, idf) == 0.0
    assert phrase_count([[0, 4, 9], [1, 7, 10]]) == 2


def test_excluded_word_leaves_passages_out(tmp_path):
    corpus = build(tmp_path, {"tea": "Drinks\n\nMagnesium in green tea.", "pill": "Pills\n\nMagnesium tablets."})
    assert ranked(corpus, "magnesium -tea") == ["pill"]


def test_expansion_terms_follow_the_feedback_passages():
    passages = [(3.0, Counter({"infarct": 3, "heart": 1})), (1.0, Counter({"infarct": 1, "tomato": 3}))]
    chosen = expansion_terms(passages, 2, keep=lambda term: term != "heart")
    assert list(chosen) == ["infarct", "tomato"]
    assert sum(chosen.values()) == pytest.approx(1.0)


def test_feedback_finds_passages_without_the_query_words(tmp_path):
    articles = {f"filler{n}": FILLER.format(n=n) for n in range(30)}
    articles |= {
        "a": "Cardiac events\n\nA heart attack, or myocardial infarction, damages cardiac muscle.",
        "b": "Heart attack care\n\nAfter a heart attack, myocardial infarction survivors need rehabilitation.",
        "c": "Infarction outcomes\n\nMyocardial infarction survivors benefit from cardiac rehabilitation.",
    }
    corpus = build(tmp_path, articles)
    assert "c" not in ranked(corpus, "heart attack")
    with_feedback = replace(PLAIN, feedback=True)
    assert set(ranked(corpus, "heart attack", with_feedback)[:3]) == {"a", "b", "c"}
    explained = search(corpus.index_dir, parse("heart attack"), replace(with_feedback, explain=True))
    last = next(h for h in explained if h.article_id == "c").explanation
    assert {c.origin for c in last.contributions} == {"feedback"}


def test_explanation_adds_up(tmp_path):
    corpus = build(tmp_path, {"x": "Magnesium and cramps\n\nMagnesium eases leg cramps at night for some people."})
    hit = search(corpus.index_dir, parse("magnesium leg cramps"), Options(explain=True))[0]
    parts = hit.explanation
    assert sum(c.score for c in parts.contributions) + parts.proximity == pytest.approx(hit.score)
    magnesium = next(c for c in parts.contributions if c.term == "magnesium")
    assert dict(magnesium.frequencies) == {"title": 1, "body": 1}


def test_one_passage_per_article_when_asked(tmp_path):
    long_text = "Cramps\n\n" + "\n\n".join(f"Paragraph {n} says cramps come at night for reasons {n} words long "
                                           + "filler " * 60 for n in range(6))
    corpus = build(tmp_path, {"long": long_text, "short": "Night\n\nCramps at night."})
    hits = search(corpus.index_dir, parse("cramps night"), replace(PLAIN, per_doc=1))
    assert sorted(h.article_id for h in hits) == ["long", "short"]


@pytest.fixture
def sample(tmp_path):
    target = tmp_path / "sample"
    target.mkdir()
    for path in (REVIEW, TWITCHES):
        shutil.copy(path, target / path.name)
    corpus = Corpus(target)
    corpus.sync()
    return corpus


def test_suggestion_for_a_misspelled_word(sample):
    assert suggest(sample.index_dir, parse("magnesim")) == "magnesium"
    assert suggest(sample.index_dir, parse("leg magnesim deficiency")) == "leg magnesium deficiency"
    assert suggest(sample.index_dir, parse("magnesium")) is None


def test_suggestion_in_json_and_on_stderr(sample, cli):
    import json

    result = cli(sample.root, "search", "magnesim", "cramps", "--json")
    assert json.loads(result.stdout)["suggestion"] == "magnesium cramps"
    assert "did you mean: magnesium cramps" in result.stderr


def test_one_unknown_word_falls_back_to_its_did_you_mean(sample, cli):
    import json

    result = cli(sample.root, "search", "magnesim", "--json")
    record = json.loads(result.stdout)
    assert record["searched_for"] == record["suggestion"] == "magnesium"
    assert record["results"] and all("magnesium" in r["text"].lower() for r in record["results"])
    assert "showing results for 'magnesium'" in result.stderr
    plain = cli(sample.root, "search", "magnesim", "--color", "never")
    assert plain.exit_code == 0 and "Magnesium" in plain.stdout


def test_fallback_only_for_a_lone_unknown_word(sample):
    options = replace(Options(), feedback=False)
    assert search(sample.index_dir, parse("magnesim"), replace(options, did_you_mean=False)) == []
    assert search(sample.index_dir, parse("magnesim"), options)  # falls back
    assert search(sample.index_dir, parse("zzqx"), options) == []  # nothing near it
    assert search(sample.index_dir, parse("title:magnesim"), options) == []  # a field word is taken as typed


def test_explain_on_the_command_line(sample, cli):
    result = cli(sample.root, "search", "magnesium cramps", "--explain", "--color", "never")
    assert result.exit_code == 0
    assert "Why they rank so" in result.stdout and "magnesium" in result.stdout


def test_switches_from_the_environment():
    options = Options().switched({"CORPUS_FEEDBACK": "off", "CORPUS_PROXIMITY": "0", "CORPUS_SYNONYMS": "on"})
    assert (options.feedback, options.proximity, options.synonyms) == (False, False, True)
    assert Options().switched({}) == Options()
