"""Semantic ranking on small hand-made corpora: the vectors, the fusion's gates and
weight, vectors kept in step with add and remove, the switch, and the fallback."""
import json
from dataclasses import replace

import numpy as np
import pytest

from indexer import embed
from indexer.corpus import Corpus
from indexer.index import open_index
from search import semantic
from search.query import parse
from search.rank import Options, Ranker, answer, search

LEXICAL = Options(per_doc=10, feedback=False, proximity=False, synonyms=False, did_you_mean=False,
                  semantic=False, explain=True)
FUSED = replace(LEXICAL, semantic=True)
TOPICS = ["tomatoes want sun and water", "basil grows beside the tomatoes", "roses need pruning in march",
          "compost feeds the soil", "snails eat young lettuce", "mulch keeps the beds moist"]


def bulk_corpus(tmp_path, extra: dict[str, str], count: int = 240) -> Corpus:
    """A corpus of `count` gardening notes (one passage each) and the `extra` articles: big
    enough (200+ passages) for passages close in meaning to join a query's matches."""
    path = tmp_path / "bulk.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            text = f"Garden note {n}. " + " ".join(TOPICS[(n + k) % len(TOPICS)] for k in range(3)) + "."
            out.write(json.dumps({"_id": f"note-{n}", "title": f"Garden note {n}", "text": text}) + "\n")
        for article_id, text in extra.items():
            out.write(json.dumps({"_id": article_id, "title": article_id.replace("-", " "), "text": text}) + "\n")
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(path)])
    return corpus


MEDICAL = {
    "physician-visit": "The physician examined the patient and prescribed antibiotics for the infection.",
    "doctor-visit": "A doctor at the clinic saw the sick child and gave medicine for the fever.",
}


def hits_for(corpus, query, options=FUSED):
    return search(corpus.index_dir, parse(query), options)


def test_vectors_are_unit_length_and_closer_for_related_texts():
    model = embed.embedder()
    assert model is not None, "the word vectors are installed with the package (setup.py)"
    doctor, physician, tomato = (model.vector(t) for t in ("a doctor treats patients", "the physician and the sick",
                                                            "tomatoes ripen in the sun"))
    assert np.isclose(np.linalg.norm(doctor), 1.0, atol=1e-3)
    assert doctor @ physician > doctor @ tomato
    assert not model.vector("").any()


def test_query_text_keeps_only_the_words():
    assert semantic.query_text('"magnesium supplements" -tea title:sleep diet~ -"red meat"') == \
        "magnesium supplements sleep diet"


def test_a_passage_close_in_meaning_joins_the_matches_in_a_large_corpus(tmp_path):
    corpus = bulk_corpus(tmp_path, MEDICAL)
    ids = [hit.article_id for hit in hits_for(corpus, "physician")]
    # The word's own article first; the doctor's visit (no word in common) after it.
    assert ids[0] == "physician-visit" and "doctor-visit" in ids
    assert "doctor-visit" not in [h.article_id for h in hits_for(corpus, "physician", LEXICAL)]


def test_a_small_corpus_gets_no_neighbours_only_its_matches_reordered(tmp_path):
    corpus = bulk_corpus(tmp_path, MEDICAL, count=20)
    assert [hit.article_id for hit in hits_for(corpus, "physician")] == ["physician-visit"]


def test_nothing_matched_stays_nothing(tmp_path):
    # No neighbours are invented for a query whose words are nowhere: it still says so
    # (and the did-you-mean fallback still gets its turn).
    corpus = bulk_corpus(tmp_path, MEDICAL)
    assert hits_for(corpus, "xylophone") == []


def test_long_query_weight_is_capped(tmp_path):
    corpus = bulk_corpus(tmp_path, MEDICAL)
    query = " ".join(["physician patient antibiotics infection doctor clinic fever medicine"] * 25)
    hits = hits_for(corpus, query)
    best = max(hit.explanation.total - hit.explanation.semantic for hit in hits)
    # weight * (1 + min(words, 20) / 5) * best lexical: at most five times the base weight.
    cap = 5 * FUSED.semantic_weight * best
    assert all(hit.explanation.semantic <= cap + 1e-9 for hit in hits)
    assert max(hit.explanation.semantic for hit in hits) > 0


def test_switch_off_is_the_lexical_ranking_exactly(tmp_path, monkeypatch):
    corpus = bulk_corpus(tmp_path, MEDICAL)
    off = hits_for(corpus, "physician fever", LEXICAL)
    assert all(hit.explanation.semantic == 0 for hit in off)
    # No vector is read or query embedded with the switch off.
    monkeypatch.setattr(semantic, "query_vector", lambda text: pytest.fail("embedded a query"))
    monkeypatch.setattr(semantic.Vectors, "read", lambda reader: pytest.fail("read vectors"))
    again = hits_for(corpus, "physician fever", LEXICAL)
    assert [(h.article_id, h.position, h.score) for h in again] == [(h.article_id, h.position, h.score) for h in off]
    # Through the environment switch, as the CLI builds its options.
    assert Options().switched({"CORPUS_SEMANTIC": "off"}).semantic is False


def test_removed_articles_never_come_back_and_added_ones_have_vectors(tmp_path):
    corpus = bulk_corpus(tmp_path, MEDICAL)
    note = tmp_path / "nurse.txt"
    note.write_text("A nurse and a doctor cared for the patient on the ward.\n", encoding="utf-8")
    corpus.add([str(note)])
    # Removed last: an add merges a small segment, deleted passages and all, away.
    corpus.remove(["doctor-visit"])
    assert "doctor-visit" not in [hit.article_id for hit in hits_for(corpus, "physician")]
    with open_index(corpus.index_dir).searcher() as searcher:
        vectors = semantic.Vectors.read(searcher.reader())
        assert vectors is not None and len(vectors.rows) == searcher.doc_count()
        # Deleted passages are not among the rows a query is compared with.
        deleted = [d for d in range(searcher.reader().doc_count_all()) if searcher.reader().is_deleted(d)]
        assert deleted and not set(deleted) & set(vectors.rows.tolist())
    found = answer(corpus.index_dir, parse("physician"), FUSED)
    assert found.notice is None and "nurse" in [hit.article_id for hit in found.hits]


def test_an_index_without_vectors_ranks_by_words_and_says_so(tmp_path, monkeypatch, cli):
    with monkeypatch.context() as patched:
        patched.setattr(embed, "embedder", lambda: None)  # as if built without wordllama
        corpus = bulk_corpus(tmp_path, MEDICAL)
    found = answer(corpus.index_dir, parse("physician fever"), FUSED)
    lexical = answer(corpus.index_dir, parse("physician fever"), LEXICAL)
    assert "corpus reindex" in found.notice
    assert [(h.article_id, h.score) for h in found.hits] == [(h.article_id, h.score) for h in lexical.hits]
    result = cli(corpus.root, "search", "physician")
    assert result.exit_code == 0 and result.stderr.count("corpus reindex") == 1
    cli(corpus.root, "reindex")
    assert answer(corpus.index_dir, parse("physician"), FUSED).notice is None


def test_batch_ranker_reads_vectors_once(tmp_path, monkeypatch):
    corpus = bulk_corpus(tmp_path, MEDICAL)
    reads = []
    original = semantic.Vectors.read
    monkeypatch.setattr(semantic.Vectors, "read", lambda reader: reads.append(1) or original(reader))
    with open_index(corpus.index_dir).searcher() as searcher:
        ranker = Ranker(searcher, FUSED)
        for query in ("physician", "doctor fever", "compost soil"):
            ranker.answer(parse(query), hint=False)
    assert reads == [1]


def _tokenizer_config():
    return embed.model_folder() / embed._TOKENIZER


def test_own_tokenizer_agrees_with_the_tokenizers_library():
    tokenizers = pytest.importorskip("tokenizers")  # installed with wordllama
    from pathlib import Path

    config = _tokenizer_config()
    reference = tokenizers.Tokenizer.from_file(str(config))
    ours = embed.Bpe(embed._vocabulary(config))
    samples = Path(__file__).resolve().parents[1] / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted(samples.glob("*.txt"))]
    texts += ["Leg twitching, also known as myoclonus, is an involuntary muscle contraction.",
              "Omega-3 (EPA/DHA) lowers triglycerides by 25–30% in 12 weeks; see ref. [4].",
              "naïve café über straße — 東京 🙂 tab\there\nnew line", "", "   leading spaces",
              "ALL CAPS and MiXeD case, don't won't it's; e-mail@example.org http://x.y/z?q=1",
              "x" * 300, "ﬁ ligature, Ω, ½, ², \u200b zero width, \u00a0no-break"]
    assert len(texts) > 8
    for text in texts:
        text = " ".join(text.split())  # as Embedder.vector passes it
        assert ours.ids(text) == reference.encode(text, add_special_tokens=False).ids, text[:60]


def test_vocabulary_is_kept_as_plain_pieces_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUS_CACHE_DIR", str(tmp_path / "cache"))
    config = _tokenizer_config()
    parsed = embed._vocabulary(config)
    kept = list((tmp_path / "cache" / "models").iterdir())
    assert len(kept) == 1 and kept[0].suffix == ".pieces"
    assert embed._vocabulary(config) == parsed
    kept[0].write_text("damaged", encoding="utf-8")  # too short to be a vocabulary: parsed again
    assert embed._vocabulary(config) == parsed


class _Vectors:
    """Passage vectors for `semantic.fuse` without an index (a corpus too small for
    neighbours: only the lexical head is fused)."""

    def __init__(self, rows: np.ndarray):
        self._full = rows.astype(np.float32)
        self.rows = np.arange(len(rows))

    def full(self, docs: np.ndarray) -> np.ndarray:
        return self._full[docs]


def test_a_clear_lexical_leader_keeps_first_place_on_a_long_claim():
    # The leader holds the claim's rare word and is furthest in meaning; the passages on
    # the same topic are closer and, on a long claim, would gain 0.75 x its score.
    query = np.array([1.0, 0.0], dtype=np.float32)
    vectors = _Vectors(np.array([[0.0, 1.0], [1.0, 0.0], [0.8, 0.6], [0.6, 0.8]]))
    clear = [(10.0, 0), (6.5, 1), (6.0, 2), (5.0, 3)]
    fused, parts = semantic.fuse(clear, query, vectors, 25, None, semantic.Fusion())
    order = [doc for _, doc in sorted(fused, key=lambda item: (-item[0], item[1]))]
    assert order[0] == 0 and order[1:] == [1, 2, 3]  # the others keep the order meaning gives them
    assert parts[1] == pytest.approx(0.75 * 10.0)
    # A near tie at the top is meaning's to settle.
    close = [(10.0, 0), (9.0, 1), (6.0, 2), (5.0, 3)]
    fused, _ = semantic.fuse(close, query, vectors, 25, None, semantic.Fusion())
    assert max(fused)[1] == 1
