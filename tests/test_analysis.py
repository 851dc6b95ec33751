"""The analyzer: words, compounds, possessives, accents, stopwords, stems; Whoosh agrees."""
import pickle

import pytest

from indexer.analysis import analyze, analyzer, stopwords, terms


@pytest.mark.parametrize("text, expected", [
    ("omega-3", ["omega3", "omega", "3"]),
    ("B12 and B-12", ["b12", "b12", "b", "12"]),
    ("covid-19", ["covid19", "covid", "19"]),
    ("the doctor’s advice", ["doctor", "advic"]),
    ("the doctor's advice", ["doctor", "advic"]),
    ("Café naïve", ["cafe", "naiv"]),
    ("Twitching muscles", ["twitch", "muscl"]),
    ("How Plant-Based to Lower IGF-1?", ["plantbas", "plant", "base", "lower", "igf1", "igf", "1"]),
    ("1995–2003", ["1995", "2003"]),
])
def test_terms(text, expected):
    assert terms(text) == expected


def test_compound_whole_sits_at_its_first_part():
    found = analyze("omega-3 fatty acids")
    assert [(t.text, t.pos, t.joined) for t in found] == [
        ("omega3", 0, True), ("omega", 0, False), ("3", 1, False), ("fatti", 2, False), ("acid", 3, False)]
    assert all((t.start, t.end) == (0, 7) for t in found[:3])


def test_stopwords_take_no_position():
    assert [(t.text, t.pos) for t in analyze("cancer of the breast")] == [("cancer", 0), ("breast", 1)]


def test_question_words_and_auxiliaries_are_stopwords():
    assert {"how", "why", "what", "does", "the", "s"} <= stopwords()
    assert {"not", "no", "against"}.isdisjoint(stopwords())
    assert terms("How does what why the of") == []


def test_whoosh_tokenizer_gives_the_same_terms_positions_and_spans():
    text = "Doctor’s note: omega-3 (EPA) helps; covid-19 doesn't."
    tokens = list(analyzer()(text, positions=True, chars=True))
    assert [(t.text, t.pos, t.startchar, t.endchar) for t in tokens] == [
        (t.text, t.pos, t.start, t.end) for t in analyze(text)]


def test_analyzer_pickles_by_language():
    restored = pickle.loads(pickle.dumps(analyzer()))
    assert restored == analyzer()
    assert [t.text for t in restored("Running doctors")] == ["run", "doctor"]
