"""Ranking on small hand-made corpora: fields, phrases, proximity, feedback, explanations,
suggestions and the switches."""
import math
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
    with_feedback = replace(PLAIN, feedback=True, feedback_min_passages=0)
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


def test_a_handful_of_articles_still_weighs_its_topic_words(sample, tmp_path):
    # In the two sample articles "leg" and "twitch" are in nearly every passage; plain
    # BM25 idf gives them almost nothing, and a note holding only "night" came first.
    note = tmp_path / "note.txt"
    note.write_text("Magnesium at night\n\nA glass of warm milk with magnesium at night may help "
                    "some people sleep.\n", encoding="utf-8")
    sample.add([str(note)])
    hits = search(sample.index_dir, parse("why do my legs twitch at night"), Options())
    assert hits[0].article_id == "leg-twitch-symptom-review"
    assert [h.article_id for h in hits].index("note") >= 3


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
    assert Options().switched({"CORPUS_DID_YOU_MEAN": "off"}).did_you_mean is False
    # Proximity is the one part off unless asked for.
    assert Options().proximity is False and Options().switched({"CORPUS_PROXIMITY": "on"}).proximity is True


# -- the gates and weights of feedback and proximity (issue 11) ---------------------

def test_rm1_weights_follow_query_likelihood():
    from search.feedback import passage_weights

    weights = passage_weights([10.0, 9.0, 7.0], temperature=1.0)
    assert sum(weights) == pytest.approx(1.0)
    assert weights[1] / weights[0] == pytest.approx(math.exp(-1))
    assert weights[2] / weights[0] == pytest.approx(math.exp(-3))
    # Raw scores would give the nine near passages 90% of the vote; RM1 gives the clear best most of it.
    passages = [(12.0, Counter({"right": 5}))] + [(8.0, Counter({"wrong": 5}))] * 9
    chosen = expansion_terms(passages, 2)
    assert chosen["right"] > 0.8 and chosen["right"] > chosen["wrong"]


def _feedback_share(corpus, query: str) -> float:
    """The feedback words' total weight against the typed words' in the ranked query."""
    hits = search(corpus.index_dir, parse(query), replace(PLAIN, feedback=True, feedback_min_passages=0, explain=True, limit=50))
    weights = {(c.term, c.origin): c.weight for h in hits for c in h.explanation.contributions}
    typed = sum(w for (_, origin), w in weights.items() if origin == "query")
    return sum(w for (_, origin), w in weights.items() if origin == "feedback") / typed


def test_confident_one_word_query_gets_no_feedback_drift(tmp_path):
    # 80 passages say "allergy": the first ranking answers it; their other words must not
    # pull in the pollen passages that never say it.
    articles = {f"allergy{n}": f"Note {n}\n\nAn allergy to nuts {n} and pollen season and hay fever, case {n}."
                for n in range(80)}
    articles |= {f"pollen{n}": f"Spring {n}\n\nPollen season and hay fever and pollen counts, day {n}."
                 for n in range(20)}
    articles |= {f"filler{n}": FILLER.format(n=n) for n in range(40)}
    corpus = build(tmp_path, articles)
    found = ranked(corpus, "allergy", replace(PLAIN, feedback=True, feedback_min_passages=0, limit=80))
    assert all(name.startswith("allergy") for name in found)


def test_feedback_weighs_less_for_a_confident_or_long_query(tmp_path):
    articles = {f"few{n}": f"Rare {n}\n\nBerberine and glucose in trial {n}, with insulin." for n in range(3)}
    # Each food is in ten passages: common enough to expand a query from one of them.
    foods = "oats rice beans lentils barley apples pears plums nuts seeds yogurt cheese".split()
    articles |= {f"many{n}": f"Common {n}\n\nGlucose levels in study {n}, with insulin and {foods[n % 12]}."
                 for n in range(120)}
    corpus = build(tmp_path, articles)
    few, many = _feedback_share(corpus, "berberine"), _feedback_share(corpus, "glucose")
    assert few == pytest.approx(1.0, rel=1e-3)  # RM3 at feedback_weight 0.5: as much weight as the query
    strength = 0.5 * 40 / 123  # 123 full matches, 40 enough
    assert many == pytest.approx(strength / (1 - strength), rel=0.01)
    long_query = _feedback_share(corpus, "berberine trial insulin rare study levels")
    assert long_query < 0.35  # three words' worth of feedback spread over six


def test_feedback_too_weak_to_matter_is_skipped(tmp_path):
    articles = {f"few{n}": f"Rare {n}\n\nBerberine and glucose in trial {n}, with insulin." for n in range(3)}
    articles |= {f"many{n}": f"Common {n}\n\nGlucose levels in study {n}, with insulin and oats." for n in range(120)}
    corpus = build(tmp_path, articles)
    options = replace(PLAIN, feedback=True, feedback_min_passages=0, explain=True, limit=50)
    weak = {c.origin for h in search(corpus.index_dir, parse("glucose"), options) for c in h.explanation.contributions}
    assert "feedback" in weak  # its feedback weighs 0.24 of the query (123 full matches, 40 enough)
    for query, origins in (("glucose", {"query"}), ("berberine", {"query", "feedback"})):
        hits = search(corpus.index_dir, parse(query), replace(options, feedback_min_share=0.3))
        assert {c.origin for h in hits for c in h.explanation.contributions} == origins


def test_long_query_gets_no_proximity_blow_up(tmp_path):
    # A long claim whose common words ("used to treat") stand together in a wrong passage:
    # at the old flat weight their pair earned twice the passage's own score and lifted it
    # to second place.
    articles = {
        "right": "Trial\n\nMetformin was given for years; the patients saw their glioblastoma shrink.",
        "wrong": "Notes\n\nHerbs are used to treat colds and are used to treat coughs in winter at home.",
    }
    articles |= {f"common{n}": f"Clinic {n}\n\nDrugs are used in many ways by doctors, who also treat patients {n}."
                 for n in range(30)}
    articles |= {f"filler{n}": FILLER.format(n=n) for n in range(70)}
    corpus = build(tmp_path, articles)
    claim = "metformin is used to treat glioblastoma in patients over years"
    plain = [h.article_id for h in search(corpus.index_dir, parse(claim), replace(PLAIN, limit=50))]
    hits = search(corpus.index_dir, parse(claim), replace(PLAIN, limit=50, proximity=True, explain=True))
    assert [h.article_id for h in hits].index("wrong") >= plain.index("wrong")
    wrong = next(h for h in hits if h.article_id == "wrong")
    assert wrong.explanation.proximity < 0.1 * wrong.score


def test_rare_pairs_earn_proximity_and_common_ones_little():
    near = {"a": [0], "b": [1]}
    rare = proximity(near, {"a": 6.0 / 3, "b": 6.0 / 3})
    common = proximity(near, {"a": 0.5 / 3, "b": 0.5 / 3})
    assert common < 0.05 * rare


def test_a_handful_of_articles_gets_no_feedback(sample):
    # In a corpus of a few articles the top ten passages are most of it: their words
    # would outweigh the query's own, whatever it asked.
    from search.rank import Options

    hits = search(sample.index_dir, parse("why do my legs twitch at night"), Options(explain=True))
    assert hits and all(c.origin != "feedback" for hit in hits for c in hit.explanation.contributions)
    assert hits[0].headings == ()  # the article's lead, which says why legs twitch


# -- the rare exact term keeps its place (issue 19) ----------------------------------

TOPIC = ("Heart attack {n}\n\nPeople with pain in the chest are seen by a cardiologist who checks the heart "
         "for a coronary event, a heart attack, and sends them home when nothing is found; case {n}.")


def test_a_long_claims_rare_term_keeps_its_only_passage_first(tmp_path):
    # Ten passages on the claim's topic without its rare word, one with it among words on
    # other things: closeness in meaning may reorder the ten, never lift them over the one
    # that names what is claimed (semantic.Fusion.leader_margin; test_semantic has the
    # case where meaning alone would have unseated it).
    articles = {f"topic{n}": TOPIC.format(n=n) for n in range(10)}
    articles["rare"] = ("Copeptin\n\nCopeptin was taken with troponin at presentation. The freezer logs, reagent "
                        "lots, calibrators and shipping boxes of the laboratory were kept in the basement; the "
                        "technicians' rota, the courier's timetable and the invoices for the kits were filed by "
                        "the administrator every Friday before the audit of the storage rooms.")
    corpus = build(tmp_path, articles)
    claim = ("Copeptin measured together with troponin at presentation rules out acute myocardial infarction "
             "in patients with chest pain in the emergency department")
    assert ranked(corpus, claim, Options(semantic=False))[0] == "rare"
    assert ranked(corpus, claim, Options())[0] == "rare"


def test_feedback_does_not_follow_the_top_passages_own_rare_word(tmp_path):
    # The best passage for "berberine glucose" also names HOTTIP, a word of its own that
    # none of the other leading passages use; the passages around HOTTIP say nothing of
    # the query and must not be pulled in by feedback.
    articles = {"top": "Berberine trial\n\nBerberine lowered fasting glucose and insulin resistance; "
                       "HOTTIP expression rose in the treated group."}
    articles |= {f"hottip{n}": f"Long noncoding RNA {n}\n\nHOTTIP expression in cell line {n} was measured by "
                               f"qPCR in tumour samples." for n in range(4)}
    articles |= {f"glucose{n}": f"Diabetes {n}\n\nFasting glucose and insulin resistance fell with diet "
                                f"in cohort {n}." for n in range(8)}
    articles |= {f"filler{n}": FILLER.format(n=n) for n in range(120)}
    corpus = build(tmp_path, articles)
    options = Options(feedback_min_passages=0, semantic=False, limit=30, per_doc=1)
    found = ranked(corpus, "berberine glucose", options)
    assert found[0] == "top" and {f"glucose{n}" for n in range(8)} <= set(found)
    assert not any(name.startswith("hottip") for name in found)
    # the feedback still widens the query with the words the leading passages share
    hits = search(corpus.index_dir, parse("berberine glucose"), replace(options, explain=True))
    added = {c.term for h in hits for c in h.explanation.contributions if c.origin == "feedback"}
    assert "insulin" in added and "hottip" not in added
