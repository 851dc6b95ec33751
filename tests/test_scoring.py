"""The fast scorer against a straightforward BM25F, the fast term counts against the
analyser, and the bounds on what a long batch keeps."""
import math
import random
from collections import Counter

import pytest

from indexer.analysis import analyze, term_counts, terms
from indexer.index import create_index, open_index, packed_terms
from search import scoring
from search.query import parse
import numpy as np

from search.rank import Options, Ranker, _in_order, answer
from search.scoring import Bm25Params, Scorer, Scores, TermPostings
from search.suggest import suggest

WORDS = ("magnesium sleep muscle twitch cramp night leg calcium diet heart omega-3 vitamin "
         "doctor's stress water fever tea sun basil tomato").split()
PARAMS = Bm25Params(k1=1.2, weights=(("title", 2.0), ("section", 1.5), ("body", 1.0)),
                    b=(("title", 0.75), ("section", 0.75), ("body", 0.75)))


def _document(rng: random.Random, number: int, packed: bool = True) -> dict:
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 60)))
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    found = {"article_id": f"a{number // 3}", "position": number % 3, "title": title,
             "section": rng.choice(["", "Night cramps", "Diet and sleep"]), "body": body,
             "headings": [], "source": "", "url": None, "author": None, "published": None}
    if packed:  # the terms column, as indexer.index.passage_fields writes it
        found["terms"] = packed_terms(title + "\n" + body)
    return found


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """An index of three segments (postings longer than one 128-posting block) with
    deleted documents in the first."""
    where = tmp_path_factory.mktemp("index")
    rng = random.Random(7)
    index = create_index(where)
    number = 0
    for size in (400, 250, 90):
        with index.writer() as writer:
            writer.merge = False
            for _ in range(size):
                writer.add_document(**_document(rng, number))
                number += 1
    with index.writer() as writer:
        writer.merge = False
        for article in ("a3", "a40", "a41"):
            writer.delete_by_term("article_id", article)
    return where


def _plain_bm25f(reader, term: str) -> dict[int, float]:
    """BM25F written out with Whoosh's public one-posting-at-a-time API."""
    weights, b = dict(PARAMS.weights), dict(PARAMS.b)
    every = reader.doc_count_all()
    combined: dict[int, float] = {}
    for field, weight in weights.items():
        if (field, term) not in reader:
            continue
        avg = reader.field_length(field) / every
        postings = reader.postings(field, term)
        while postings.is_active():
            doc = postings.id()
            norm = 1 - b[field] + b[field] * reader.doc_field_length(doc, field) / avg
            combined[doc] = combined.get(doc, 0.0) + weight * postings.weight() / norm
            postings.next()
    count = max(reader.doc_count(), scoring.IDF_MIN_PASSAGES)  # idf's floor on the corpus size
    idf = math.log(1 + (count - len(combined) + 0.5) / (len(combined) + 0.5))
    return {doc: idf * tf / (PARAMS.k1 + tf) for doc, tf in combined.items()}


def test_index_has_several_segments_and_deletions(index_dir):
    with open_index(index_dir).searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) >= 2
        assert reader.doc_count() < reader.doc_count_all()
        assert max(reader.doc_frequency("body", t) for t in ("magnesium", "sleep")) > 128


@pytest.mark.parametrize("term", ["magnesium", "sleep", "night", "omega3", "omega", "doctor", "absent"])
def test_fast_scores_equal_plain_bm25f(index_dir, term):
    with open_index(index_dir).searcher() as searcher:
        expected = _plain_bm25f(searcher.reader(), term)
        found = Scorer(searcher, PARAMS).term_scores(term)
    assert found.keys() == expected.keys()
    for doc, score in expected.items():
        assert found[doc] == pytest.approx(score, rel=1e-12)


def test_in_at_most_agrees_with_the_summed_doc_frequency(index_dir):
    with open_index(index_dir).searcher() as searcher:
        reader, scorer = searcher.reader(), Scorer(searcher, PARAMS)
        for field in ("title", "section", "body"):
            for term in ("magnesium", "sleep", "night", "cramp", "absent"):
                df = reader.doc_frequency(field, term)
                for limit in (0, df - 1, df - 0.5, df, df + 1, 90, 250.5, 400, 10_000):
                    assert scorer.in_at_most(field, term, limit) == (df <= limit), (field, term, limit)


def test_positions_equal_the_matchers(index_dir):
    with open_index(index_dir).searcher() as searcher:
        reader, scorer = searcher.reader(), Scorer(searcher, PARAMS)
        docs = sorted(random.Random(1).sample(range(reader.doc_count_all()), 120))
        live = [d for d in docs if not reader.is_deleted(d)]
        found = scorer.positions("body", "sleep", live)
        assert scorer.positions("body", "sleep", live) == found  # again, from decoded blocks
        expected = {}
        for doc in live:
            postings = reader.postings("body", "sleep")
            postings.skip_to(doc)
            if postings.is_active() and postings.id() == doc:
                expected[doc] = list(postings.value_as("positions"))
    assert found == expected and found


def test_positions_after_blocks_were_read_for_passages_without_the_term(index_dir):
    """A block first looked into for passages it does not hold (its positions left
    undecoded) still gives the right positions when asked for those it does hold."""
    with open_index(index_dir).searcher() as searcher:
        reader, scorer = searcher.reader(), Scorer(searcher, PARAMS)
        live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
        holding = {}
        postings = reader.postings("body", "basil")
        while postings.is_active():
            holding[postings.id()] = list(postings.value_as("positions"))
            postings.next()
        assert scorer.positions("body", "basil", [d for d in live if d not in holding]) == {}
        assert any(entry[1] is None for entry in scorer._blocks.values())
        assert scorer.positions("body", "basil", live) == holding and holding


def test_feedback_term_counts_equal_the_analysed_text(index_dir):
    with open_index(index_dir).searcher() as searcher:
        scorer = Scorer(searcher, PARAMS)
        reader = searcher.reader()
        live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
        for doc in live[:50]:
            stored = searcher.stored_fields(doc)
            text = stored["title"] + "\n" + stored["body"]
            assert scorer.term_counts(doc) == Counter(t.text for t in analyze(text)) == Counter(terms(text))


def test_feedback_term_counts_come_from_the_terms_column(index_dir):
    with open_index(index_dir).searcher() as searcher:
        scorer = Scorer(searcher, PARAMS)
        scorer.term_counts(0)
        assert isinstance(scorer._terms, scoring._LazyColumn)


def test_term_counts_without_the_terms_column_are_analysed(tmp_path):
    """An index whose passages lack the column (written without it) still gives the counts."""
    rng = random.Random(3)
    index = create_index(tmp_path)
    with index.writer() as writer:
        for number in range(20):
            writer.add_document(**_document(rng, number, packed=False))
    with open_index(tmp_path).searcher() as searcher:
        scorer = Scorer(searcher, PARAMS)
        for doc in range(20):
            stored = searcher.stored_fields(doc)
            assert scorer.term_counts(doc) == Counter(terms(stored["title"] + "\n" + stored["body"]))


def test_term_counts_of_compounds_and_possessives():
    text = "Omega-3 and the doctor's omega 3; to-be or not"
    assert term_counts(text) == Counter(t.text for t in analyze(text))
    assert terms(text) == [t.text for t in analyze(text)]


def test_term_cache_is_bounded(index_dir, monkeypatch):
    monkeypatch.setattr(scoring, "CACHE_POSTINGS", 300)
    with open_index(index_dir).searcher() as searcher:
        scorer = Scorer(searcher, PARAMS)
        for term in ["magnesium", "sleep", "night", "leg", "tea", "sun", "magnesium"]:
            scorer.term_postings(term)
            assert scorer._cached == sum(len(p) for p in scorer._cache.values())
            assert scorer._cached <= 300 or len(scorer._cache) == 1
        assert list(scorer._cache)[-1][1] == "magnesium"  # the most recently used stays


def test_position_blocks_cache_is_bounded(index_dir, monkeypatch):
    monkeypatch.setattr(scoring, "POSITION_BLOCKS", 2)
    with open_index(index_dir).searcher() as searcher:
        scorer = Scorer(searcher, PARAMS)
        every = list(range(searcher.reader().doc_count_all()))
        live = [d for d in every if not searcher.reader().is_deleted(d)]
        for term in ["magnesium", "sleep", "night", "leg"]:
            assert scorer.positions("body", term, live)
            assert len(scorer._blocks) <= 2 and len(scorer._directories) <= 2


def test_feedback_counts_cache_is_bounded(index_dir, monkeypatch):
    from search import rank

    monkeypatch.setattr(rank, "COUNTS_CACHED", 5)
    with open_index(index_dir).searcher() as searcher:
        ranker = Ranker(searcher, Options(synonyms=False))
        for text in ["magnesium sleep", "tea sun", "leg cramp", "heart fever"]:
            ranker.rank(parse(text))
            assert len(ranker._counts) <= 5


def test_best_passages_come_in_full_sort_order():
    rng = random.Random(3)
    docs = rng.sample(range(10_000), 2_000)
    scores = Scores(10_000)
    weights = [float(rng.randint(1, 40)) for _ in docs]
    for weight in (1.0, 0.5):
        scores.add(TermPostings(np.array(sorted(docs), dtype=np.int32), np.array(weights)), weight)
    expected = sorted(((scores.get(d), d) for d in docs), key=lambda item: (-item[0], item[1]))
    head, rest = scores.ordered(50)
    assert len(head) >= 50 and head == expected[:len(head)]
    assert head + list(rest) == expected
    assert _in_order([item for item in reversed(expected)]) == expected
    mask = scores.allowed(required=set(docs[:300]), left_out={docs[0]})
    assert [d for _, d in scores.best(5000, mask)] == [d for _, d in expected if d in set(docs[1:300])]


def test_answer_uses_one_searcher_and_agrees_with_suggest(index_dir):
    parsed = parse("magnesum sleep")
    found = answer(index_dir, parsed, Options(synonyms=False))
    assert found.suggestion == suggest(index_dir, parsed) == "magnesium sleep"
    assert found.hits


def test_spans_equal_the_analysers():
    from indexer.analysis import spans

    text = "Omega-3 fats: the doctor's omega 3 advice; omega3 and magnesium, not the to-be list."
    for wanted in ({"omega3"}, {"doctor", "magnesium"}, {"omega", "3"}, {"absent"}):
        expected = list(dict.fromkeys((t.start, t.end) for t in analyze(text) if t.text in wanted))
        assert list(dict.fromkeys(spans(text, wanted))) == expected


@pytest.mark.parametrize("cutoff", [1, 2 ** 15])
def test_column_values_equal_whooshs_column_reader(tmp_path, cutoff):
    """Both layouts of a variable-length column: offsets stored (past the cutoff) or not."""
    from whoosh import fields
    from whoosh.columns import VarBytesColumn
    from whoosh.index import create_in

    schema = fields.Schema(article_id=fields.ID(stored=True, sortable=VarBytesColumn(write_offsets_cutoff=cutoff)))
    index = create_in(str(tmp_path), schema)
    for segment in (["a", "bé", "", "ccc"], ["d" * 300, "e", "f"]):
        with index.writer() as writer:
            writer.merge = False
            for value in segment:
                writer.add_document(article_id=value)
    with index.reader() as reader:
        fast, whooshs = scoring.column_values(reader, "article_id"), reader.column_reader("article_id")
        assert isinstance(fast, scoring._Column)
        assert [fast[doc] for doc in range(reader.doc_count_all())] == \
               [whooshs[doc] for doc in range(reader.doc_count_all())] == ["a", "bé", "", "ccc", "d" * 300, "e", "f"]


@pytest.mark.parametrize("cutoff", [1, 2 ** 15])
def test_column_bytes_equal_whooshs_column_reader(tmp_path, cutoff):
    """Both layouts of a bytes column, read a value at a time: offsets stored or not."""
    from whoosh import fields
    from whoosh.columns import VarBytesColumn
    from whoosh.index import create_in

    schema = fields.Schema(name=fields.ID(stored=True),
                           terms=fields.COLUMN(VarBytesColumn(write_offsets_cutoff=cutoff)))
    index = create_in(str(tmp_path), schema)
    values = [[b"a", b"b\xc3\xa9", b"", b"ccc"], [b"d" * 70_000, b"e", None, b"f"]]
    for segment in values:
        with index.writer() as writer:
            writer.merge = False
            for n, value in enumerate(segment):
                writer.add_document(name=str(n), **({} if value is None else {"terms": value}))
    with index.reader() as reader:
        fast, whooshs = scoring.column_bytes(reader, "terms"), reader.column_reader("terms")
        assert isinstance(fast, scoring._LazyColumn)
        every = range(reader.doc_count_all())
        assert [fast[doc] for doc in every] == [whooshs[doc] for doc in every] == \
               [b"a", b"b\xc3\xa9", b"", b"ccc", b"d" * 70_000, b"e", b"", b"f"]


def test_terms_together_score_only_where_all_are_by_the_least_frequent(index_dir):
    with open_index(index_dir).searcher() as searcher:
        scorer = Scorer(searcher, PARAMS)
        night, cramp = _plain_bm25f(searcher.reader(), "night"), _plain_bm25f(searcher.reader(), "cramp")
        found = scorer.together_postings(("night", "cramp")).as_dict()
        assert found.keys() == night.keys() & cramp.keys()
        idf = {t: scorer.idf(len(s)) for t, s in (("night", night), ("cramp", cramp))}
        together = scorer.idf(len(found))
        for doc, score in found.items():
            least = min(night[doc] / idf["night"], cramp[doc] / idf["cramp"])
            assert score == pytest.approx(together * least, rel=1e-9)
        assert not scorer.together_postings(("night", "absent"))
