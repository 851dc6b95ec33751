"""The corpus library: add, replace, remove, reindex, recovery and locking, on real files."""
import json
import os

import pytest

from indexer.corpus import Corpus
from indexer.errors import ArticleNotFound, CorpusBusy, IndexDamaged
from indexer.lock import corpus_lock
from indexer.store import digest
from search.query import parse
from search.rank import Options, search
from tests.conftest import REVIEW, TWITCHES


def ids_for(corpus, query):
    return [hit.article_id for hit in search(corpus.index_dir, parse(query), Options(per_doc=10))]


def statuses(outcomes):
    return [(o.id, o.status) for o in outcomes]


def test_add_then_again_is_unchanged(tmp_path):
    corpus = Corpus(tmp_path / "c")
    assert statuses(corpus.add([str(REVIEW), str(TWITCHES)])) == [
        ("leg-twitch-symptom-review", "added"), ("twitches-in-your-body", "added")]
    assert statuses(corpus.add([str(REVIEW)])) == [("leg-twitch-symptom-review", "unchanged")]
    assert (tmp_path / "c" / REVIEW.name).read_bytes() == REVIEW.read_bytes()


def test_new_content_replaces_everywhere(tmp_path):
    corpus = Corpus(tmp_path / "c")
    note = tmp_path / "note.txt"
    note.write_text("Zebras graze at dawn on the open plain.\n")
    corpus.add([str(note)])
    assert ids_for(corpus, "zebras") == ["note"]
    note.write_text("Giraffes browse acacia leaves at noon.\n")
    assert statuses(corpus.add([str(note)])) == [("note", "updated")]
    assert ids_for(corpus, "zebras") == []
    assert ids_for(corpus, "giraffes") == ["note"]
    assert corpus.store.articles()["note"].sha256 == digest(note.read_bytes())


def test_changing_extension_leaves_one_file(tmp_path):
    corpus = Corpus(tmp_path / "c")
    (tmp_path / "a.txt").write_text("Old plain words about otters.\n")
    (tmp_path / "a.md").write_text("# A\n\nNew markdown words about beavers.\n")
    # One article (named by --id) whose file changes kind: the old file goes.
    corpus.add([str(tmp_path / "a.txt")], article_id="a")
    corpus.add([str(tmp_path / "a.md")], article_id="a")
    assert sorted(p.name for p in (tmp_path / "c").iterdir() if not p.name.startswith(".")) == ["a.md"]
    assert ids_for(corpus, "otters") == [] and ids_for(corpus, "beavers") == ["a"]


def test_same_explicit_id_twice_in_one_run_is_skipped(tmp_path):
    bulk = tmp_path / "b.jsonl"
    bulk.write_text(json.dumps({"_id": "d1", "text": "First."}) + "\n" + json.dumps({"_id": "d1", "text": "Second."}) + "\n")
    outcomes = Corpus(tmp_path / "c").add([str(bulk)])
    assert [o.status for o in outcomes] == ["added", "skipped"]
    assert "already added" in outcomes[1].reason


def test_outcomes_streamed_to_a_caller_are_not_also_kept(tmp_path):
    bulk = tmp_path / "b.jsonl"
    bulk.write_text("".join(json.dumps({"_id": f"d{n}", "text": f"Article {n}."}) + "\n" for n in range(40)))
    heard = []
    assert Corpus(tmp_path / "c").add([str(bulk)], on_outcome=heard.append) == []
    assert [o.status for o in heard] == ["added"] * 40


def test_bad_file_is_not_stored_and_others_are(tmp_path):
    corpus = Corpus(tmp_path / "c")
    (tmp_path / "empty.txt").write_text("")
    outcomes = corpus.add([str(tmp_path / "empty.txt"), str(REVIEW)])
    assert [o.status for o in outcomes] == ["skipped", "added"]
    assert not (tmp_path / "c" / "empty.txt").exists()


def test_remove_all_or_nothing(tmp_path):
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(REVIEW), str(TWITCHES)])
    with pytest.raises(ArticleNotFound):
        corpus.remove(["twitches-in-your-body", "nope"])
    assert "twitches-in-your-body" in ids_for(corpus, "caffeine")
    corpus.remove(["twitches-in-your-body"])
    assert ids_for(corpus, "caffeine") == []
    assert not (tmp_path / "c" / TWITCHES.name).exists()


def test_bundled_style_folder_is_indexed_on_demand(sample_corpus):
    corpus = Corpus(sample_corpus)
    assert corpus.is_stale()
    report = corpus.sync()
    assert report.indexed == 2 and not corpus.is_stale()
    assert corpus.sync() is None


def test_hand_edits_are_noticed(sample_corpus):
    corpus = Corpus(sample_corpus)
    corpus.sync()
    (sample_corpus / "extra.md").write_text("# Extra\n\nWombats dig burrows.\n")
    (sample_corpus / TWITCHES.name).unlink()
    assert corpus.is_stale()
    report = corpus.sync()
    assert (report.indexed, report.removed) == (1, 1)
    assert ids_for(corpus, "wombats") == ["extra"] and ids_for(corpus, "caffeine") == []


def test_reindex_rebuilds_a_deleted_or_damaged_index(sample_corpus):
    corpus = Corpus(sample_corpus)
    corpus.sync()
    for path in corpus.index_dir.glob("*.seg"):
        path.write_bytes(b"garbage")
    for path in corpus.index_dir.glob("_MAIN_*.toc"):
        path.write_bytes(b"garbage")
    with pytest.raises(IndexDamaged):
        ids_for(corpus, "magnesium")
    corpus.sync(rebuild=True)
    assert set(ids_for(corpus, "magnesium")) == {"leg-twitch-symptom-review", "twitches-in-your-body"}


def test_crash_after_bytes_before_metadata_rolls_forward(tmp_path):
    corpus = Corpus(tmp_path / "c")
    note = tmp_path / "n.txt"
    note.write_text("Version one about herons.\n", encoding="utf-8")
    corpus.add([str(note)], title="One")
    # What `put` leaves when killed between its two renames: new bytes, pending metadata.
    new = b"Version two about egrets.\n"
    record = json.loads((corpus.store.meta / "n.txt.json").read_text())
    record.update(sha256=digest(new), title="Two")
    (corpus.store.meta / "n.txt.json.tmp").write_text(json.dumps(record))
    (tmp_path / "c" / "n.txt").write_bytes(new)
    assert ids_for_after_sync(corpus, "egrets") == ["n"]
    assert corpus.store.articles()["n"].given.title == "Two"
    assert not list(corpus.store.meta.glob("*.tmp"))


def test_crash_before_bytes_rolls_back(tmp_path):
    corpus = Corpus(tmp_path / "c")
    note = tmp_path / "n.txt"
    note.write_text("Version one about herons.\n", encoding="utf-8")
    corpus.add([str(note)])
    (tmp_path / "c" / ".n.txt.tmp").write_bytes(b"half writ")
    record = {"id": "n", "sha256": digest(b"Version two"), "source": "x"}
    (corpus.store.meta / "n.txt.json.tmp").write_text(json.dumps(record))
    assert ids_for_after_sync(corpus, "herons") == ["n"]
    assert sorted(os.listdir(tmp_path / "c")) == [".corpus", ".lock", ".meta", "n.txt"]


def ids_for_after_sync(corpus, query):
    corpus.sync()
    return ids_for(corpus, query)


def test_second_writer_is_told_the_corpus_is_busy(tmp_path):
    root = tmp_path / "c"
    with corpus_lock(root):
        with pytest.raises(CorpusBusy):
            with corpus_lock(root, wait=False):
                pass


def test_stats_and_entries(sample_corpus):
    corpus = Corpus(sample_corpus)
    corpus.sync()
    numbers = corpus.stats()
    assert numbers.articles == 2 and numbers.passages >= numbers.sections >= 11
    assert numbers.index_bytes > 0 and numbers.last_change
    assert [e.id for e in corpus.entries()] == ["leg-twitch-symptom-review", "twitches-in-your-body"]
    twitches = corpus.entries()[1]
    assert twitches.author == "Charlotte Cremers"
