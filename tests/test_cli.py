"""Every command end to end, through click's CliRunner and as a subprocess."""
import json
import os
import subprocess
import sys

import pytest

from search.cli import main
from tests.conftest import REPO, REVIEW, TWITCHES


def test_every_command_is_documented(runner):
    for name, command in main.commands.items():
        assert command.help and command.help.strip(), name
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_search_builds_missing_index_and_says_so(cli, sample_corpus):
    result = cli(sample_corpus, "search", "magnesium", "--color", "never")
    assert result.exit_code == 0
    assert "updated the index (2 indexed, 0 removed)" in result.stderr
    assert "Leg Twitch Symptom Review" in result.stdout and "TWITCHES IN YOUR BODY" in result.stdout
    again = cli(sample_corpus, "search", "magnesium")
    assert again.stderr == ""


def test_magnesium_comes_from_both_articles_with_nutritional_deficiencies_in_top_three(cli, sample_corpus):
    result = json.loads(cli(sample_corpus, "search", "magnesium", "--json").stdout)
    assert result["query"] == "magnesium"
    assert {hit["article_id"] for hit in result["results"]} == {"leg-twitch-symptom-review",
                                                                 "twitches-in-your-body"}
    assert ["Nutritional Deficiencies"] in [hit["headings"] for hit in result["results"][:3]]
    first = result["results"][0]
    assert set(first) >= {"rank", "score", "article_id", "title", "headings", "source", "url", "text"}
    assert first["rank"] == 1 and first["score"] > 0


def test_myoclonus_finds_the_opening_of_the_review(cli, sample_corpus):
    hit = json.loads(cli(sample_corpus, "search", "myoclonus", "--json").stdout)["results"][0]
    assert hit["article_id"] == "leg-twitch-symptom-review" and hit["headings"] == []
    assert hit["text"].startswith("Leg twitching, also known as myoclonus")


def test_author_bio_is_not_searchable(cli, sample_corpus):
    for word in ("sudoku", "Tartu", "obsessions"):
        result = cli(sample_corpus, "search", word, "--json")
        assert json.loads(result.stdout)["results"] == [], word


def test_highlighting_only_on_request_and_respects_no_color(cli, sample_corpus):
    plain = cli(sample_corpus, "search", "caffeine")
    assert "\x1b[" not in plain.stdout
    colored = cli(sample_corpus, "search", "caffeine", "--color", "always")
    assert "\x1b[1;33mcaffeine\x1b[0m" in colored.stdout


def test_heading_path_and_source_are_shown(cli, sample_corpus):
    out = cli(sample_corpus, "search", "epsom salts warm bath", "--color", "never").stdout
    assert "§ Home Remedies and Natural Solutions" in out
    assert "leg-twitch-symptom-review.txt" in out


def test_limit_and_per_doc(cli, sample_corpus):
    results = json.loads(cli(sample_corpus, "search", "twitching", "--json", "--per-doc", "1").stdout)["results"]
    assert len({r["article_id"] for r in results}) == len(results) == 2
    results = json.loads(cli(sample_corpus, "search", "twitching", "--json", "--limit", "2").stdout)["results"]
    assert [r["rank"] for r in results] == [1, 2]


@pytest.mark.parametrize("query", ['"', "?", "the of and", "-magnesium"])
def test_unsearchable_query_is_one_line_and_exit_2(cli, sample_corpus, query):
    result = cli(sample_corpus, "search", query)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("corpus: error: ")
    assert result.stdout == ""


@pytest.mark.parametrize("query", ['"magnesium', "magnesium?", "AND OR NOT", "title:", "mag*nesium", "(leg"])
def test_stray_syntax_never_breaks_a_query(cli, sample_corpus, query):
    result = cli(sample_corpus, "search", query, "--json")
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code in (0, 1):  # 1: valid JSON holding no results
        assert json.loads(result.stdout)["results"] or result.exit_code == 1


def test_batch_queries_trec_and_jsonl(cli, sample_corpus, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"_id": "q1", "text": "magnesium"}) + "\n"
                       + json.dumps({"_id": "q2", "text": "the"}) + "\n"
                       + json.dumps({"_id": "q3", "text": "caffeine"}) + "\n")
    result = cli(sample_corpus, "search", "--queries", str(queries), "--format", "trec", "--per-doc", "1")
    assert result.exit_code == 0
    lines = [line.split() for line in result.stdout.splitlines()]
    assert {line[0] for line in lines} == {"q1", "q3"}
    assert all(line[1] == "Q0" and line[5] == "corpus-search" for line in lines)
    assert [line[3] for line in lines if line[0] == "q1"] == ["1", "2"]
    assert "query q2" in result.stderr
    jsonl = cli(sample_corpus, "search", "--queries", str(queries), "--format", "jsonl")
    assert [json.loads(line)["_id"] for line in jsonl.stdout.splitlines()] == ["q1", "q2", "q3"]


def test_query_and_queries_are_exclusive(cli, sample_corpus):
    assert cli(sample_corpus, "search").exit_code == 2


def test_add_summary_and_reasons(cli, tmp_path):
    root = tmp_path / "c"
    (tmp_path / "bad.txt").write_text("")
    result = cli(root, "add", str(REVIEW), str(TWITCHES), str(tmp_path / "bad.txt"), str(tmp_path / "none.md"))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "2 added, 0 updated, 0 unchanged, 2 skipped"
    assert "bad.txt: file is empty" in result.stderr and "none.md: no such file" in result.stderr
    again = cli(root, "add", "-q", str(REVIEW))
    assert again.stdout.strip() == "0 added, 0 updated, 0 unchanged, 1 skipped" or \
        again.stdout.strip() == "0 added, 0 updated, 1 unchanged, 0 skipped"


def test_add_missing_file_only_fails(cli, tmp_path):
    result = cli(tmp_path / "c", "add", str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"corpus: created a new corpus at {tmp_path / 'c'}",
                                          f"corpus: skipped {tmp_path / 'missing.txt'}: no such file or folder"]


def test_add_with_title_and_url(cli, tmp_path):
    note = tmp_path / "n.md"
    note.write_text("Cramps and magnesium.\n")
    cli(tmp_path / "c", "add", str(note), "--title", "My Note", "--url", "https://example.org/n")
    hit = json.loads(cli(tmp_path / "c", "search", "cramps", "--json").stdout)["results"][0]
    assert (hit["title"], hit["url"]) == ("My Note", "https://example.org/n")
    refused = cli(tmp_path / "c", "add", str(note), str(REVIEW), "--title", "x")
    assert refused.exit_code == 2 and "single file" in refused.stderr


def test_readded_article_leaves_no_stale_passage(cli, tmp_path):
    note = tmp_path / "n.txt"
    note.write_text("Zebras graze at dawn.\n")
    cli(tmp_path / "c", "add", str(note))
    note.write_text("Giraffes browse at noon.\n")
    assert "1 updated" in cli(tmp_path / "c", "add", str(note)).stdout
    assert json.loads(cli(tmp_path / "c", "search", "zebras", "--json").stdout)["results"] == []


def test_escape_sequences_in_articles_never_reach_the_screen(cli, tmp_path):
    evil = tmp_path / "evil.html"
    evil.write_text("<html><head><title>Evil\x1b]0;pwned\x07 page</title></head><body><article>"
                    "<p>Cramps &#27;[31mred&#27;[0m and \x1b[2Jmagnesium talk, long enough to be an article.</p>"
                    "</article></body></html>")
    cli(tmp_path / "c", "add", str(evil))
    for args in (("search", "magnesium", "--color", "never"), ("search", "magnesium", "--json"),
                 ("list",), ("show", "evil")):
        out = cli(tmp_path / "c", *args).stdout
        assert "\x1b" not in out and "\x07" not in out, args


def test_clean_json_shape(cli, tmp_path):
    result = cli(tmp_path, "clean", "--json", str(REVIEW))
    record = json.loads(result.stdout)
    assert set(record) >= {"source", "id", "title", "author", "published", "url", "text", "sections"}
    assert record["title"] == "Leg Twitch Symptom Review: Causes & Relief Options"
    assert not record["text"].startswith(record["title"])
    assert "Nutritional Deficiencies" in record["text"]
    assert [s["heading"] for s in record["sections"]][:2] == ["", "Understanding Leg Twitches and Their Impact"]
    assert not (tmp_path / ".index").exists()


def test_clean_readable(cli, tmp_path):
    out = cli(tmp_path, "clean", str(TWITCHES)).stdout
    assert "author: Charlotte Cremers" in out and "§ Is it something to be concerned about?" in out


def test_list_show_remove_stats_reindex(cli, sample_corpus):
    listed = cli(sample_corpus, "list").stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["leg-twitch-symptom-review", "twitches-in-your-body"]
    shown = cli(sample_corpus, "show", "twitches-in-your-body").stdout
    assert "author:    Charlotte Cremers" in shown and "Is it something to be concerned about?" in shown
    sections = json.loads(cli(sample_corpus, "show", "leg-twitch-symptom-review", "--json").stdout)["sections"]
    assert len([s for s in sections if s["heading"]]) == 11
    stats = json.loads(cli(sample_corpus, "stats", "--json").stdout)
    assert stats["articles"] == 2 and stats["passages"] >= 14
    assert cli(sample_corpus, "reindex").stdout.strip() == "2 articles indexed"
    assert cli(sample_corpus, "remove", "twitches-in-your-body").stdout.strip() == "1 removed"
    assert json.loads(cli(sample_corpus, "stats", "--json").stdout)["articles"] == 1


def test_unknown_id_is_one_line(cli, sample_corpus):
    cli(sample_corpus, "list")  # the first read builds the index, and says so
    for args in (("show", "nope"), ("remove", "nope")):
        result = cli(sample_corpus, *args)
        assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "nope" in result.stderr


def test_missing_corpus_is_one_line(cli, tmp_path):
    result = cli(tmp_path / "nothing", "search", "x")
    assert result.exit_code == 2 and "no corpus at" in result.stderr and result.stderr.count("\n") == 1


def test_damaged_index_is_one_line_with_the_fix(cli, sample_corpus):
    from indexer.corpus import Corpus

    cli(sample_corpus, "search", "magnesium")
    for toc in Corpus(sample_corpus).index_dir.glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00garbage")
    result = cli(sample_corpus, "search", "magnesium")
    assert result.exit_code == 1 and "corpus reindex" in result.stderr and result.stderr.count("\n") == 1
    cli(sample_corpus, "reindex")
    assert cli(sample_corpus, "search", "magnesium").exit_code == 0


def run_corpus(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "search", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_subprocess_search_and_errors(sample_corpus):
    done = run_corpus("search", "muscle cramps", cwd=sample_corpus.parent)
    assert done.returncode == 0 and "Leg Twitch Symptom Review" in done.stdout and "\x1b[" not in done.stdout
    missing = run_corpus("add", "nope.txt", cwd=sample_corpus.parent)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    bad = run_corpus("search", "", cwd=sample_corpus.parent)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_corpus_path_from_environment(sample_corpus, tmp_path):
    done = run_corpus("list", cwd=tmp_path, env={"CORPUS_PATH": str(sample_corpus)})
    assert done.returncode == 0 and "twitches-in-your-body" in done.stdout


def test_second_writer_waits_for_the_first(sample_corpus):
    from indexer.lock import corpus_lock

    with corpus_lock(sample_corpus):
        process = subprocess.Popen([sys.executable, "-m", "search", "--corpus", str(sample_corpus), "reindex"],
                                   cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The waiting message is the synchronisation: once it is out, the writer is blocked.
        assert "waiting for another command" in process.stderr.readline()
        assert process.poll() is None
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0 and out.strip() == "2 articles indexed"


def test_excluded_words_need_no_quoting(cli, sample_corpus):
    result = cli(sample_corpus, "search", "magnesium", "-heat", "-nutrients", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["query"] == "magnesium -heat -nutrients"
    unknown = cli(sample_corpus, "search", "magnesium", "--limt", "3")
    assert unknown.exit_code == 2 and "no such option: --limt" in unknown.stderr


def test_killed_writer_leaves_a_consistent_corpus(tmp_path):
    import signal

    from indexer.corpus import Corpus
    from indexer.store import digest

    bulk = tmp_path / "bulk.jsonl"
    with bulk.open("w") as out:
        for n in range(3000):
            out.write(json.dumps({"_id": f"doc-{n}", "title": f"Note {n}",
                                  "text": f"Cramps and magnesium, note number {n}. " * 20}) + "\n")
    root = tmp_path / "c"
    process = subprocess.Popen([sys.executable, "-m", "search", "--corpus", str(root), "add", str(bulk)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    # The first lines of output mean articles are being written; kill it mid-run.
    assert process.stdout.readline().startswith("added")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    process.stdout.close()
    corpus = Corpus(root)
    corpus.sync()
    stored = corpus.store.articles()
    assert stored, "nothing was stored before the kill"
    for article in stored.values():
        assert article.sha256 == digest(corpus.store.read(article)), article.id
    result = run_corpus("--corpus", str(root), "search", "magnesium", "--json", "--limit", "1", cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout)["results"]
    listed = run_corpus("--corpus", str(root), "stats", "--json", cwd=tmp_path)
    assert json.loads(listed.stdout)["articles"] == len(stored)
