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


_SAMPLE = ("The doctor's omega-3 study (COVID-19, covid 19): to-be or not to-be; naïve café résumé "
           "patients’ long-term well-being, 3-4-5 a-the ‘quoted’ don’t.\n\nStatins and breast-cancer risk "
           "in 2,000 women; the risk the risk THE RISK")


def test_positions_agree_with_analyze():
    from indexer.analysis import positions

    expected: dict[str, list[int]] = {}
    for term in analyze(_SAMPLE):
        expected.setdefault(term.text, []).append(term.pos)
    assert positions(_SAMPLE) == expected
    assert positions("") == {} and positions("the of and") == {}


@pytest.mark.parametrize("text", [_SAMPLE, "", "the of to-be", "x" * 300, "a\u00a0b\tc-d’s"])
def test_passage_field_indexes_exactly_as_whoosh_text(text):
    """The fast path's postings are byte for byte those of Whoosh's TEXT with the same analyzer."""
    from whoosh.fields import TEXT

    from indexer.field import PassageText

    assert sorted(PassageText(analyzer=analyzer()).index(text)) == sorted(TEXT(analyzer=analyzer()).index(text))


def test_word_cache_is_bounded(monkeypatch):
    import indexer.analysis as analysis

    monkeypatch.setattr(analysis, "_READ_WORDS", 3)
    read = analysis._word_reader.__wrapped__("english", True)  # a fresh reader, not the process's
    words = [f"word{i}" for i in range(10)]
    assert [read(w) for w in words] == [read(w) for w in words]  # same answers, remembered or not
    assert read.__closure__ is not None
    known = next(c.cell_contents for c in read.__closure__ if isinstance(c.cell_contents, dict))
    assert len(known) == 3
