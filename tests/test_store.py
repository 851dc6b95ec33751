"""The store and catalog: freshness, ids that never collide, readers during writes, O(article) writes."""
import json
import os
import sys

import pytest

from indexer.corpus import Corpus
from indexer.errors import CorpusError
from indexer.store import Store
from search.query import parse
from search.rank import Options, search


def hits(corpus, query):
    return search(corpus.index_dir, parse(query), Options(per_doc=10, feedback=False, proximity=False))


def ids_for(corpus, query):
    return sorted({hit.article_id for hit in hits(corpus, query)})


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def bulk(path, count, start=0, word="zebra"):
    with path.open("w") as out:
        for n in range(start, start + count):
            out.write(json.dumps({"_id": f"doc-{n}", "title": f"Note {n}",
                                  "text": f"A {word} note, number {n}, about grazing animals. " * 5}) + "\n")
    return path


# -- freshness -------------------------------------------------------------------


def test_hand_added_removed_and_renamed_files_are_noticed(tmp_path):
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(write(tmp_path / "a.txt", "Otters hold hands while sleeping.\n"))])
    assert not corpus.is_stale()
    write(tmp_path / "c" / "hand.md", "# Hand\n\nWombats dig burrows.\n")
    assert corpus.is_stale() and corpus.freshen().state == "updated"
    assert ids_for(corpus, "wombats") == ["hand"]
    (tmp_path / "c" / "hand.md").rename(tmp_path / "c" / "moved.md")
    assert corpus.freshen().state == "updated"
    assert ids_for(corpus, "wombats") == ["moved"]
    (tmp_path / "c" / "moved.md").unlink()
    assert corpus.freshen().state == "updated"
    assert ids_for(corpus, "wombats") == [] and ids_for(corpus, "otters") == ["a"]
    assert corpus.freshen().state == "fresh"


def test_an_id_a_read_gave_is_pinned_by_the_next_write(tmp_path):
    """Two hand-copied files of one slug: a read gives the second a suffixed id without
    writing the folder; the next write records it in .meta, so reindex keeps it."""
    root = tmp_path / "c"
    write(root / "notes.md", "# Notes\n\nWalnuts, in Markdown.\n")
    corpus = Corpus(root)
    assert corpus.freshen().state == "updated"
    write(root / "Notes.txt", "Notes on walnuts, in text.\n")
    assert corpus.freshen().state == "updated"
    given = {e.name: e.id for e in corpus.entries()}
    assert given == {"notes.md": "notes", "Notes.txt": "c-notes"}
    assert not (root / ".meta").exists() and not (root / ".lock").exists()  # a read wrote nothing
    corpus.add([str(write(tmp_path / "x.txt", "Another note.\n"))])
    assert (root / ".meta" / "Notes.txt.json").is_file()
    corpus.sync(rebuild=True)
    assert {e.name: e.id for e in corpus.entries() if e.name != "x.txt"} == given


def test_a_link_planted_in_the_corpus_folder_is_not_an_article(tmp_path):
    secret = write(tmp_path / "outside" / "secret.txt", "Private words about kumquats.\n")
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(write(tmp_path / "a.txt", "Otters hold hands while sleeping.\n"))])
    (tmp_path / "c" / "host.txt").symlink_to(secret)
    corpus.freshen()
    assert ids_for(corpus, "kumquats") == [] and [e.id for e in corpus.entries()] == ["a"]


def test_unchanged_corpus_reads_no_article_to_check_freshness(tmp_path, monkeypatch):
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(bulk(tmp_path / "b.jsonl", 50))])
    opened = []
    hook_paths(opened)
    monkeypatch.setattr(Store, "scan", lambda self: pytest.fail("scanned an unchanged corpus"))
    with recording(opened):
        assert corpus.freshen().state == "fresh"
    assert not [p for p in opened if p.startswith(str(tmp_path / "c"))]


def test_in_place_edit_is_picked_up_by_reindex(tmp_path):
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(write(tmp_path / "a.txt", "Herons wade.\n"))])
    (tmp_path / "c" / "a.txt").write_text("Egrets wade.\n")
    corpus.sync(rebuild=True)
    assert ids_for(corpus, "egrets") == ["a"] and ids_for(corpus, "herons") == []


# -- ids --------------------------------------------------------------------------


def test_two_index_pages_from_different_folders_are_both_kept(tmp_path):
    first = write(tmp_path / "site-a" / "index.html", "<html><body><h1>A</h1><p>Walruses bask on ice floes "
                  "in the arctic summer sun.</p></body></html>")
    second = write(tmp_path / "site-b" / "index.html", "<html><body><h1>B</h1><p>Walruses dive for clams "
                   "on the shallow sea floor.</p></body></html>")
    corpus = Corpus(tmp_path / "c")
    one = corpus.add([str(first)])
    two = corpus.add([str(second)])
    assert [(o.id, o.status) for o in one + two] == [("index", "added"), ("site-b-index", "added")]
    assert "'index' is taken" in two[0].note
    assert ids_for(corpus, "walruses") == ["index", "site-b-index"]
    # The same source again updates its own article, whichever id it has.
    write(second, second.read_text().replace("clams", "mussels"))
    assert [(o.id, o.status) for o in corpus.add([str(second)])] == [("site-b-index", "updated")]
    # In one run too.
    third = write(tmp_path / "site-c" / "index.html", "<html><body><p>Walruses snore.</p></body></html>")
    fourth = write(tmp_path / "x" / "site-c" / "index.html", "<html><body><p>Walruses snort.</p></body></html>")
    outcomes = corpus.add([str(third), str(fourth)])
    assert [(o.id, o.status) for o in outcomes] == [("site-c-index", "added"), ("site-c-index-2", "added")]


def test_many_files_of_one_name_cost_linear_lookups(tmp_path, monkeypatch):
    """300 `dNNN/site/index.html`: each id is found in a few lookups (the numbered ids
    were tried from -2 up for every file: 300 * 300 / 2 lookups)."""
    from indexer.catalog import Claims

    for n in range(300):
        write(tmp_path / "pages" / f"d{n:03d}" / "site" / "index.html",
              f"<html><body><p>Walrus page {n} of many.</p></body></html>")
    lookups = []
    holder = Claims.holder
    monkeypatch.setattr(Claims, "holder", lambda self, article_id: lookups.append(article_id) or holder(self, article_id))
    outcomes = Corpus(tmp_path / "c").add([str(tmp_path / "pages")])
    assert sorted(o.id for o in outcomes) == sorted(["index", "site-index", *[f"site-index-{n}" for n in range(2, 300)]])
    assert len(lookups) < 4 * 300, len(lookups)


def test_same_stem_different_kinds_are_both_kept(tmp_path):
    corpus = Corpus(tmp_path / "c")
    md = write(tmp_path / "note.md", "# Note\n\nPuffins nest in burrows.\n")
    htm = write(tmp_path / "note.htm", "<html><body><p>Puffins eat sand eels.</p></body></html>")
    outcomes = corpus.add([str(md), str(htm)])
    assert [o.status for o in outcomes] == ["added", "added"]
    assert len({o.id for o in outcomes}) == 2
    assert sorted(p.name for p in (tmp_path / "c").iterdir() if not p.name.startswith(".")) == [
        "note.md", "tmp-note.htm"] or len(list((tmp_path / "c").glob("*note*"))) == 2
    assert len(ids_for(corpus, "puffins")) == 2


def test_jsonl_ids_that_slug_alike_keep_two_files(tmp_path):
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"_id": "x y", "text": "Lemurs sunbathe."}) + "\n"
                       + json.dumps({"_id": "x-y-887fcea6", "text": "Lemurs leap."}) + "\n")
    corpus = Corpus(tmp_path / "c")
    assert [o.status for o in corpus.add([str(records)])] == ["added", "added"]
    assert ids_for(corpus, "lemurs") == ["x y", "x-y-887fcea6"]
    assert len(list((tmp_path / "c").glob("*.json"))) == 2
    # The same id again is an update.
    records.write_text(json.dumps({"_id": "x y", "text": "Lemurs nap."}) + "\n")
    assert [(o.id, o.status) for o in corpus.add([str(records)])] == [("x y", "updated")]


def test_title_and_url_are_kept_across_a_readd(tmp_path):
    corpus = Corpus(tmp_path / "c")
    note = write(tmp_path / "n.txt", "Narwhals have tusks.\n")
    corpus.add([str(note)], title="Sea unicorns", url="https://example.org/narwhal")
    write(note, "Narwhals have long tusks.\n")
    assert [o.status for o in corpus.add([str(note)])] == ["updated"]
    [entry] = corpus.entries()
    assert (entry.title, entry.url) == ("Sea unicorns", "https://example.org/narwhal")
    assert hits(corpus, "narwhals")[0].title == "Sea unicorns"
    corpus.add([str(note)], title="Tusked whales")
    assert corpus.entries()[0].title == "Tusked whales"


def test_explicit_id_names_the_article(tmp_path):
    corpus = Corpus(tmp_path / "c")
    note = write(tmp_path / "n.txt", "Ibises probe mud.\n")
    assert [o.id for o in corpus.add([str(note)], article_id="My Ibis")] == ["My Ibis"]
    assert ids_for(corpus, "ibises") == ["My Ibis"]


def test_sources_are_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "n.txt", "Kiwis are flightless.\n")
    corpus = Corpus(tmp_path / "c")
    corpus.add(["n.txt"])
    assert corpus.entries()[0].source == str(tmp_path / "n.txt")


# -- empty and fresh corpora --------------------------------------------------------


@pytest.mark.parametrize("setup", ["empty folder", "failed first add"])
def test_every_command_on_an_empty_corpus_answers(cli, tmp_path, setup):
    root = tmp_path / "c"
    if setup == "empty folder":
        root.mkdir()
    else:
        write(tmp_path / "empty.txt", "")
        assert cli(root, "add", str(tmp_path / "empty.txt")).exit_code == 1
    result = cli(root, "search", "anything")
    assert result.exit_code == 1 and "no articles in the corpus" in result.stderr
    assert cli(root, "search", "anything", "--json").exit_code in (0, 1)
    assert cli(root, "list").exit_code == 0
    stats = cli(root, "stats", "--json")
    assert stats.exit_code == 0 and json.loads(stats.stdout)["articles"] == 0
    shown = cli(root, "show", "nope")
    assert shown.exit_code == 1 and shown.stderr.count("\n") == 1
    assert cli(root, "reindex").stdout.strip().startswith("0 articles")


# -- readers during a write ------------------------------------------------------------


def test_search_during_an_add_sees_only_committed_articles(tmp_path):
    root = tmp_path / "c"
    corpus = Corpus(root)
    corpus.add([str(bulk(tmp_path / "one.jsonl", 20))])
    committed = {f"doc-{n}" for n in range(20)}
    seen = []

    def during(outcome):
        # This runs inside the add, while it holds the lock and its writer is open.
        if seen:
            return
        reader = Corpus(root)
        seen.append(reader.freshen().state)
        found = hits(reader, "zebra")
        positions = [(hit.article_id, hit.position) for hit in found]
        assert len(positions) == len(set(positions)), "a passage came back twice"
        assert {hit.article_id for hit in found} <= committed
        seen.append(len(found))

    corpus.add([str(bulk(tmp_path / "two.jsonl", 30, start=20))], on_outcome=during)
    assert seen[0] == "behind" and seen[1] > 0
    assert len({hit.article_id for hit in search(corpus.index_dir, parse("zebra"),
                                                 Options(limit=100, per_doc=1))}) == 50


# -- writes cost what they touch ---------------------------------------------------------


class recording:
    """Collect the paths opened (by open() and os.open) while active."""

    active = None

    def __init__(self, into):
        self.into = into

    def __enter__(self):
        recording.active = self.into

    def __exit__(self, *exc):
        recording.active = None


def _audit(event, args):
    if recording.active is None or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.fsdecode(args[0])
    if event == "open":
        recording.active.append(path)
    elif event in ("os.scandir", "os.listdir"):  # a folder read whole
        recording.active.append(f"listed:{os.path.abspath(path)}")


_hooked = []


def hook_paths(opened):
    if not _hooked:
        sys.addaudithook(_audit)  # audit hooks cannot be removed: this one is inert when not recording
        _hooked.append(True)


def test_add_and_remove_do_not_open_other_articles(tmp_path):
    root = tmp_path / "c"
    corpus = Corpus(root)
    corpus.add([str(bulk(tmp_path / "b.jsonl", 300))])
    one = write(tmp_path / "one.txt", "Capybaras relax in hot springs.\n")
    opened = []
    hook_paths(opened)
    with recording(opened):
        assert [o.status for o in corpus.add([str(one)])] == ["added"]
        assert corpus.remove(["doc-7"]) == ["doc-7"]
    in_corpus = {p for p in opened if p.startswith(str(root) + "/")}
    # The folders themselves are opened only to sync them.
    allowed = {str(root / name) for name in (".lock", ".corpus", ".meta", "one.txt", ".meta/one.txt.json",
                                             ".meta/one.txt.json.tmp", ".one.txt.tmp")}
    assert in_corpus <= allowed, sorted(in_corpus - allowed)[:5]
    # Nor is the folder listed: that grows with the corpus (freshness is two stats).
    assert not [p for p in opened if p.startswith(f"listed:{root}")]
    # First, not only: in a corpus this size passages close in meaning follow (search.semantic).
    assert hits(corpus, "capybaras")[0].article_id == "one"
    assert "doc-7" not in ids_for(corpus, "zebra")


def test_adding_one_at_a_time_leaves_one_small_segment(tmp_path, monkeypatch):
    from indexer import index as ix
    from indexer.index import open_index

    monkeypatch.setattr(ix, "SMALL_SEGMENT", 100)
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(bulk(tmp_path / "b.jsonl", 150))])  # one segment or two, by the workers
    for n in range(8):  # Whoosh's own policy would leave four tiny segments after eight
        corpus.add([str(write(tmp_path / f"one-{n}.txt", f"Note {n} on capybaras.\n"))])
    corpus.remove(["doc-3"])  # a remove rewrites nothing
    with open_index(corpus.index_dir).reader() as reader:
        sizes = sorted(leaf.doc_count_all() for leaf, _ in reader.leaf_readers())
    # The first add merged whichever worker segment was under 100 passages; each later
    # one merged the small segment the one before it left.
    small = [n for n in sizes if n < 100]
    assert len(small) == 1 and sum(sizes) == 158, sizes
    assert ids_for(corpus, "capybaras") == [f"one-{n}" for n in range(8)]
    zebras = {h.article_id for h in search(corpus.index_dir, parse("zebra"), Options(limit=1000, per_doc=1))}
    assert len(zebras) == 149 and "doc-3" not in zebras


# -- interrupted writes converge -----------------------------------------------------------


def test_remove_interrupted_after_the_index_converges(tmp_path, monkeypatch):
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(write(tmp_path / "a.txt", "Okapis have long tongues.\n")),
                str(write(tmp_path / "b.txt", "Okapis live in forests.\n"))])

    def crash(self, names):
        raise CorpusError("crash")

    monkeypatch.setattr(Store, "delete", crash)
    with pytest.raises(CorpusError):
        corpus.remove(["a"])
    monkeypatch.undo()
    # The file is still there, so the article must be whole and searchable again.
    corpus.sync()
    assert ids_for(corpus, "okapis") == ["a", "b"]
    corpus.remove(["a"])
    assert ids_for(corpus, "okapis") == ["b"] and [e.id for e in corpus.entries()] == ["b"]


def test_kind_change_interrupted_before_the_old_file_goes(tmp_path, monkeypatch):
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(write(tmp_path / "a.txt", "Old words about tapirs.\n"))], article_id="a")
    real = Store._unlink
    monkeypatch.setattr(Store, "_unlink", lambda self, name: (_ for _ in ()).throw(CorpusError("crash")))
    with pytest.raises(CorpusError):
        corpus.add([str(write(tmp_path / "a.md", "# A\n\nNew words about anteaters.\n"))], article_id="a")
    monkeypatch.setattr(Store, "_unlink", real)
    corpus.sync()
    stored = sorted(p.name for p in (tmp_path / "c").iterdir() if not p.name.startswith("."))
    assert stored == ["a.md"]
    assert ids_for(corpus, "anteaters") == ["a"] and ids_for(corpus, "tapirs") == []


def test_damaged_metadata_falls_back_to_the_file(tmp_path):
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(write(tmp_path / "a.txt", "Quokkas smile.\n"))], title="Happy")
    for junk in ("[]", "{}", "null", "{not json"):
        (tmp_path / "c" / ".meta" / "a.txt.json").write_text(junk)
        corpus.sync(rebuild=True)
        assert ids_for(corpus, "quokkas") == ["a"], junk


def test_damaged_catalog_is_rebuilt(tmp_path):
    corpus = Corpus(tmp_path / "c")
    corpus.add([str(write(tmp_path / "a.txt", "Axolotls regrow limbs.\n"))])
    corpus.catalog_path.write_bytes(b"not a database at all" * 100)
    assert corpus.is_stale()
    assert corpus.freshen().state == "updated"
    assert ids_for(corpus, "axolotls") == ["a"] and [e.id for e in corpus.entries()] == ["a"]


@pytest.mark.slow
def test_killed_bulk_add_keeps_every_reported_article_searchable(tmp_path):
    import os
    import signal
    import subprocess

    from tests.conftest import REPO

    data = bulk(tmp_path / "b.jsonl", 1500)
    root = tmp_path / "c"
    child = subprocess.Popen([sys.executable, "-m", "search", "--corpus", str(root), "add", str(data)],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    reported = []
    for line in child.stdout:  # an "added" line means its batch is durable
        if line.startswith("added"):
            reported.append(line.split()[1])
        if len(reported) >= 600:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    child.stdout.close()
    corpus = Corpus(root)
    corpus.sync()
    entries = {e.id for e in corpus.entries()}
    assert set(reported) <= entries
    found = {hit.article_id for hit in search(corpus.index_dir, parse("zebra"),
                                              Options(limit=5000, per_doc=1, feedback=False, proximity=False))}
    assert found == entries  # the index agrees with the catalog: nothing missing, nothing extra


def test_search_while_a_writer_holds_the_lock_does_not_wait(tmp_path):
    """The corpus lock is the writers': a search neither waits for it nor needs it, and
    brings its own index up to date from the folder."""
    import subprocess

    from indexer.lock import corpus_lock
    from tests.conftest import REPO

    root = tmp_path / "c"
    corpus = Corpus(root)
    corpus.add([str(write(tmp_path / "a.txt", "Pangolins roll into balls.\n"))])
    write(root / "hand.txt", "Pangolins eat ants.\n")  # the index is now behind the folder
    with corpus_lock(root):
        done = subprocess.run([sys.executable, "-m", "search", "--corpus", str(root), "search", "pangolins",
                               "--json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "waiting" not in done.stderr
    assert sorted(r["article_id"] for r in json.loads(done.stdout)["results"]) == ["a", "hand"]


def test_search_while_the_index_is_being_updated_reads_the_last_commit(tmp_path):
    import subprocess

    from indexer.lock import state_lock
    from tests.conftest import REPO

    root = tmp_path / "c"
    corpus = Corpus(root)
    corpus.add([str(write(tmp_path / "a.txt", "Pangolins roll into balls.\n"))])
    write(root / "hand.txt", "Pangolins eat ants.\n")
    with state_lock(corpus.state):
        done = subprocess.run([sys.executable, "-m", "search", "--corpus", str(root), "search", "pangolins",
                               "--json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "results may be behind" in done.stderr and "waiting" not in done.stderr
    assert [r["article_id"] for r in json.loads(done.stdout)["results"]] == ["a"]
    assert corpus.freshen().state == "updated" and ids_for(corpus, "pangolins") == ["a", "hand"]
