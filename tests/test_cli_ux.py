"""A new user's first hour, from a folder other than the checkout: finding the corpus,
one-line errors, output that fits the terminal and stays clean in a pipe, completion."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import BashComplete

from indexer.layout import MARKER
from indexer.locate import mark
from search.cli import main
from search.present import cell_width
from tests.conftest import REVIEW, TWITCHES

SGR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """A working folder outside the checkout, with no CORPUS_PATH set."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("CORPUS_PATH", raising=False)
    return work


@pytest.fixture
def marked_corpus(here) -> Path:
    """The sample articles in ./corpus, marked, as `corpus add` would leave them."""
    root = here / "corpus"
    root.mkdir()
    for path in (REVIEW, TWITCHES):
        shutil.copy(path, root / path.name)
    mark(root)
    return root


def invoke(runner, *args, env=None):
    return runner.invoke(main, list(args), env=env, prog_name="corpus")


def run(*args, cwd, env=None, **kwargs):
    environment = {k: v for k, v in os.environ.items() if k != "CORPUS_PATH"}
    return subprocess.run([sys.executable, "-m", "search", *args], cwd=cwd, capture_output=True, text=True,
                          env={**environment, **(env or {})}, timeout=120, **kwargs)


# -- where the corpus is --------------------------------------------------------------

def test_corpus_is_found_from_a_subfolder(runner, marked_corpus, here):
    deep = here / "notes" / "2026"
    deep.mkdir(parents=True)
    os.chdir(deep)
    result = invoke(runner, "search", "magnesium", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]
    done = run("list", cwd=deep)
    assert done.returncode == 0 and "twitches-in-your-body" in done.stdout


def test_sources_are_shown_relative_to_the_current_folder(runner, marked_corpus, here):
    note = here / "notes" / "n.txt"
    note.parent.mkdir()
    note.write_text("Cramps at night and magnesium.\n")
    invoke(runner, "add", str(note))
    out = invoke(runner, "search", "cramps", "--color", "never").stdout
    assert "\n    notes/n.txt\n" in out


def test_add_with_no_corpus_creates_one_here_and_says_where(runner, here):
    note = here / "n.md"
    note.write_text("# Note\n\nCramps and magnesium.\n")
    result = invoke(runner, "add", "n.md")
    assert result.exit_code == 0
    assert result.stderr == f"corpus: created a new corpus at {here / 'corpus'}\n"
    assert (here / "corpus" / MARKER).is_file()
    again = invoke(runner, "add", "n.md")
    assert again.stdout.endswith("1 unchanged, 0 skipped\n") and again.stderr == ""


def test_no_corpus_names_the_absolute_folder_it_looked_in(runner, here):
    result = invoke(runner, "search", "x")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert str(here) in result.stderr and MARKER in result.stderr


def test_corpus_option_after_the_command_and_from_the_environment(runner, sample_corpus, here):
    for args in (("list", "--corpus", str(sample_corpus)), ("--corpus", str(sample_corpus), "list")):
        result = invoke(runner, *args)
        assert result.exit_code == 0 and "twitches-in-your-body" in result.stdout, args
    assert "twitches-in-your-body" in invoke(runner, "list", env={"CORPUS_PATH": str(sample_corpus)}).stdout


def test_empty_corpus_path_variable_is_unset(runner, marked_corpus):
    assert invoke(runner, "list", env={"CORPUS_PATH": ""}).exit_code == 0


def test_init_makes_a_corpus_says_where_and_how_to_reach_it(runner, here):
    result = invoke(runner, "init", "kb")
    assert result.exit_code == 0, result.output
    root = here / "kb"
    assert (root / MARKER).is_file()
    assert result.stdout.splitlines() == [
        f"created a new corpus at {root}",
        f"commands run in {root} or below use it; from elsewhere, give --corpus {root} or set CORPUS_PATH={root}"]
    again = invoke(runner, "init", str(root))
    assert again.exit_code == 0 and again.stdout.startswith(f"a corpus is already at {root} (0 articles)\n")
    # Without a folder: ./corpus, as `add` would make, even with a corpus above.
    os.chdir(root)
    (root / "inner").mkdir()
    os.chdir(root / "inner")
    inner = invoke(runner, "init")
    assert inner.stdout.startswith(f"created a new corpus at {root / 'inner' / 'corpus'}\n")
    assert invoke(runner, "init", "a", "--corpus", "b").exit_code == 2


def test_corpus_option_naming_the_folder_add_ran_in_finds_the_corpus_add_made(runner, here):
    # The story: add in ~/kb made ~/kb/corpus; `--corpus ~/kb` then looked empty,
    # and a later add quietly made ~/kb itself a second corpus.
    kb = here / "kb"
    kb.mkdir()
    os.chdir(kb)
    assert invoke(runner, "add", str(REVIEW)).stderr == f"corpus: created a new corpus at {kb / 'corpus'}\n"
    os.chdir(here)
    found = invoke(runner, "--corpus", str(kb), "list")
    assert found.exit_code == 0 and found.stdout.startswith("leg-twitch-symptom-review\t"), found.output
    added = invoke(runner, "--corpus", str(kb), "add", str(TWITCHES))
    assert added.exit_code == 0 and added.stderr == ""
    assert not (kb / MARKER).exists()
    os.chdir(kb)
    assert [line.split("\t")[0] for line in invoke(runner, "list").stdout.splitlines()] == \
        ["leg-twitch-symptom-review", "twitches-in-your-body"]


def test_every_command_that_makes_a_corpus_says_so(runner, here):
    plain = here / "plain"  # a folder that exists but is no corpus yet
    plain.mkdir()
    result = invoke(runner, "--corpus", str(plain), "add", str(REVIEW))
    assert result.exit_code == 0 and result.stderr == f"corpus: created a new corpus at {plain}\n"
    assert invoke(runner, "--corpus", str(plain), "add", str(TWITCHES)).stderr == ""


EMPTY = [  # command, exit code, what stdout holds for no articles
    (("search", "cramps"), 1, ""),
    (("search", "cramps", "--json"), 1, {"query": "cramps", "results": []}),
    (("list",), 0, ""),
    (("list", "--json"), 0, ""),
    (("stats",), 0, "articles     0\n"),
    (("stats", "--json"), 0, {"articles": 0, "sections": 0, "passages": 0, "unreadable": 0}),
]


@pytest.mark.parametrize("args, code, expected", EMPTY, ids=[" ".join(e[0]) for e in EMPTY])
def test_an_empty_corpus_is_one_line_on_stderr_and_the_output_for_none(runner, here, args, code, expected):
    invoke(runner, "init", "kb")
    root = here / "kb"
    result = invoke(runner, "--corpus", str(root), *args)
    assert result.exit_code == code, result.output
    assert result.stderr == f"corpus: no articles in the corpus at {root} yet; add some with `corpus add PATH`\n"
    if isinstance(expected, dict):
        record = json.loads(result.stdout)
        assert {key: record[key] for key in expected} == expected
    else:
        assert result.stdout.startswith(expected) and (expected or result.stdout == "")


def test_adding_to_the_bundled_sample_says_how_to_start_your_own(tmp_path, runner):
    # Run from the checkout, a new user's first add lands in the sample corpus; it says so.
    from search.cli import main
    from tests.conftest import SAMPLES

    sample = tmp_path / "corpus"
    shutil.copytree(SAMPLES, sample)
    note = tmp_path / "note.md"
    note.write_text("# Cramps\n\nStretch the calf before bed.\n", encoding="utf-8")
    added = runner.invoke(main, ["--corpus", str(sample), "add", str(note)])
    assert added.exit_code == 0
    assert f"corpus: note: {sample} is the sample corpus shipped with corpus-search; " \
           "`corpus init DIR` starts your own\n" in added.stderr
    removed = runner.invoke(main, ["--corpus", str(sample), "remove", "note"])
    assert removed.exit_code == 0 and "is the sample corpus" in removed.stderr
    searched = runner.invoke(main, ["--corpus", str(sample), "search", "cramps"])
    assert "sample corpus" not in searched.stderr
    # A corpus of one's own says nothing of the kind.
    own = tmp_path / "kb"
    assert runner.invoke(main, ["init", str(own)]).exit_code == 0
    assert "sample corpus" not in runner.invoke(main, ["--corpus", str(own), "add", str(note)]).stderr


# -- one line per error -----------------------------------------------------------------

USAGE_ERRORS = [
    ("search", "--limit", "0", "x"),
    ("search", "--per-doc", "many", "x"),
    ("search", "--color", "rainbow", "x"),
    ("search", "x", "--format", "trec"),
    ("search",),
    ("search", "x", "--limt", "3"),
    ("add",),
    ("show",),
    ("nosuch",),
    ("completion", "tcsh"),
    ("list", "--corpus", "{file}"),
    ("--corpus", "{file}", "list"),
    ("--no-such-flag", "list"),
]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_every_usage_error_is_one_line_and_exit_2(runner, marked_corpus, here, args):
    (here / "a-file").write_text("x")
    args = [a.replace("{file}", str(here / "a-file")) for a in args]
    result = invoke(runner, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("corpus: error: "), result.stderr
    assert "Usage:" not in result.stderr and result.stdout == ""


def test_usage_error_as_a_subprocess(marked_corpus, here):
    done = run("search", "--limit", "0", "x", cwd=here)
    assert done.returncode == 2
    assert done.stderr == ("corpus: error: invalid value for '--limit': 0 is not in the range 1<=x<=10000 "
                           "(see `corpus search -h`)\n")


def test_a_corpus_path_that_is_a_file_is_named_absolutely(runner, here):
    (here / "f").write_text("x")
    result = invoke(runner, "--corpus", "f", "list")
    assert result.stderr == f"corpus: error: --corpus {here / 'f'} is a file, not a corpus folder\n"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_dash_h_is_help_on_every_command(runner, name):
    result = invoke(runner, name, "-h")
    assert result.exit_code == 0 and result.stdout.startswith(f"Usage: corpus {name}"), result.output


def test_search_help_describes_exclusion_and_dash_words_still_exclude(runner, marked_corpus):
    helped = " ".join(invoke(runner, "search", "-h").stdout.split())
    assert "-word leaves out passages with the word" in helped and "only excludes" not in helped
    result = invoke(runner, "search", "magnesium", "-heat", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["query"] == "magnesium -heat"


def test_json_with_no_results_exits_1_like_text(runner, marked_corpus):
    text = invoke(runner, "search", "zeppelin")
    as_json = invoke(runner, "search", "zeppelin", "--json")
    assert text.exit_code == as_json.exit_code == 1
    assert json.loads(as_json.stdout)["results"] == []


def test_json_and_queries_together_is_a_usage_error(runner, marked_corpus, here):
    (here / "q.jsonl").write_text('{"_id": "1", "text": "magnesium"}\n')
    result = invoke(runner, "search", "--queries", "q.jsonl", "--json")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_reindex_counts_in_good_grammar(runner, here):
    (here / "n.txt").write_text("Cramps and magnesium.\n")
    invoke(runner, "add", "n.txt")
    assert invoke(runner, "reindex").stdout == "1 article indexed\n"


# -- empty corpus, nothing to add ---------------------------------------------------------

@pytest.mark.parametrize("args", [("search", "magnesium"), ("search", "magnesium", "--json"), ("list",),
                                  ("show", "x"), ("stats",)], ids=" ".join)
def test_an_empty_corpus_answers_in_one_line(runner, here, args):
    mark(here / "corpus")
    result = invoke(runner, *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.count("\n") == 1, result.output
    assert "Traceback" not in result.output
    done = run(*args, cwd=here)
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_search_after_a_first_add_that_failed(runner, here):
    (here / "empty.txt").write_text("")
    assert invoke(runner, "add", "empty.txt").exit_code == 1
    result = invoke(runner, "search", "magnesium")
    assert result.exit_code == 1 and result.stderr.endswith("yet; add some with `corpus add PATH`\n")


@pytest.mark.parametrize("kind", ["folder", "jsonl"])
def test_adding_nothing_fails_and_says_why(runner, here, kind):
    if kind == "folder":
        (here / "empty").mkdir()
        target = "empty"
    else:
        (here / "empty.jsonl").write_text("")
        target = "empty.jsonl"
    result = invoke(runner, "add", target)
    assert result.exit_code == 1
    assert result.stdout == "0 added, 0 updated, 0 unchanged, 0 skipped\n"
    assert f"corpus: nothing to add: no articles in {target}" in result.stderr


# -- output that fits ---------------------------------------------------------------------

@pytest.mark.parametrize("columns", [30, 52, 80, 120])
@pytest.mark.parametrize("color", ["always", "never"])
def test_highlighted_output_never_exceeds_columns(runner, marked_corpus, columns, color):
    result = invoke(runner, "search", "why do my legs twitch at night magnesium", "--color", color,
                    "--full", env={"COLUMNS": str(columns)})
    assert result.exit_code == 0
    assert ("\x1b[1;33m" in result.stdout) == (color == "always")
    lines = SGR.sub("", result.stdout).splitlines()
    assert max(cell_width(line) for line in lines) <= columns
    # No word split: every word of the output is a word of the articles or of the layout.
    words = set(re.findall(r"[A-Za-z]+", (REVIEW.read_text() + TWITCHES.read_text())))
    assert set(re.findall(r"[A-Za-z]+", "\n".join(lines[2:]))) - words <= {"txt", "corpus"}


def test_subprocess_output_fits_columns(marked_corpus, here):
    done = run("search", "leg twitch magnesium", "--color", "always", cwd=here, env={"COLUMNS": "60"})
    assert done.returncode == 0
    assert max(cell_width(SGR.sub("", line)) for line in done.stdout.splitlines()) <= 60


def test_piped_output_stays_clean_and_a_closed_pipe_is_quiet(marked_corpus, here):
    for args in (("search", "magnesium"), ("list",), ("show", "twitches-in-your-body"), ("stats",),
                 ("add", str(REVIEW))):
        done = run(*args, cwd=here)
        assert done.returncode == 0, done.stderr
        assert not re.search("[\x1b\r]", done.stdout + done.stderr), args
    # `corpus search ... | head -1`: the reader goes away after one line.
    process = subprocess.Popen([sys.executable, "-m", "search", "search", "twitch", "--full", "--limit", "50"],
                               cwd=here, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.readline()
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert b"Traceback" not in stderr and b"Exception" not in stderr


def test_no_color_counts_only_when_set_to_something(monkeypatch):
    from search import cli

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "")
    assert cli._color_wanted("auto")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli._color_wanted("auto") and cli._color_wanted("always")


def test_per_article_lines_and_a_progress_bar_on_a_terminal(here):
    """Run `add` on a pseudo-terminal: per-article lines, a bar that is erased, the summary."""
    pty = pytest.importorskip("pty")
    (here / "notes").mkdir()
    for n in range(3):
        (here / "notes" / f"note-{n}.txt").write_text(f"Note {n} about cramps and magnesium.\n")
    primary, secondary = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "CORPUS_PATH"}
    process = subprocess.Popen([sys.executable, "-m", "search", "add", "notes"], cwd=here, stdin=secondary,
                               stdout=secondary, stderr=secondary, env={**environment, "COLUMNS": "80"})
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.wait(timeout=60) == 0
    screen = b"".join(chunks).decode()
    assert screen.count("added     note-") == 3
    assert "3 added, 0 updated, 0 unchanged, 0 skipped" in screen
    assert "adding" in screen and "3/3" in screen  # the bar was drawn, and erased: its last act
    assert screen.rstrip().endswith("0 skipped")
    quiet = subprocess.run([sys.executable, "-m", "search", "add", "-q", "notes"], cwd=here, capture_output=True,
                           text=True, env=environment, timeout=60)
    assert quiet.stdout == "0 added, 0 updated, 3 unchanged, 0 skipped\n"


# -- TREC and batches ---------------------------------------------------------------------

def test_trec_lists_each_article_once_per_query(runner, marked_corpus, here):
    (here / "q.jsonl").write_text("".join(json.dumps({"_id": q, "text": t}) + "\n" for q, t in
                                          (("q1", "leg twitching"), ("q2", "magnesium muscles"))))
    result = invoke(runner, "search", "--queries", "q.jsonl", "--format", "trec", "--per-doc", "3")
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()]
    for query in ("q1", "q2"):
        docs = [row[2] for row in rows if row[0] == query]
        assert docs and len(docs) == len(set(docs)) == 2, rows
        assert [row[3] for row in rows if row[0] == query] == ["1", "2"]
    done = run("search", "--queries", "q.jsonl", "--format", "trec", cwd=here)
    assert done.returncode == 0 and done.stdout == result.stdout


# -- completion ---------------------------------------------------------------------------

@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_prints(runner, shell):
    result = invoke(runner, "completion", shell)
    assert result.exit_code == 0 and "_CORPUS_COMPLETE" in result.stdout


def test_ids_complete_for_show_and_remove(marked_corpus, here):
    complete = BashComplete(main, {}, "corpus", "_CORPUS_COMPLETE")
    assert complete.get_completions(["remove"], "") == []  # no index yet: nothing to offer, no error
    run("list", cwd=here)  # builds the index
    assert [c.value for c in complete.get_completions(["show"], "tw")] == ["twitches-in-your-body"]
    assert [c.value for c in complete.get_completions(["remove", "leg-twitch-symptom-review"], "")] == [
        "leg-twitch-symptom-review", "twitches-in-your-body"]
    done = run(cwd=here / "..", env={"_CORPUS_COMPLETE": "bash_complete", "COMP_WORDS": "corpus show ",
                                     "COMP_CWORD": "2", "CORPUS_PATH": str(marked_corpus)})
    assert done.returncode == 0 and "plain,twitches-in-your-body" in done.stdout


def test_the_bar_counts_to_its_total_and_gives_rate_and_eta_once_known(monkeypatch):
    import io

    from search import cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    clock = [1000.0]
    monkeypatch.setattr(cli.time, "monotonic", lambda: clock[0])
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("COLUMNS", "70")
    bar = cli._Progress(enabled=True)
    bar.set_total(300)
    # Articles come a durable batch at a time: 100 after 45 s, 100 more 45 s later, the rest.
    for second in (45, 90, 135):
        clock[0] = 1000.0 + second
        for _ in range(100):
            bar.step()
            clock[0] += 0.001
    bar.clear()
    frames = [frame for frame in terminal.getvalue().split("\r\x1b[K") if frame]
    assert frames[0].startswith("adding  [") and "0/300" in frames[0]
    first = next(frame for frame in frames if "1/300" in frame)
    assert "ETA" not in first and "/s" not in first  # one article in 45 s is no rate (it read 8:58:25)
    second = next(frame for frame in frames if "101/300" in frame)
    assert "  2/s" in second and "ETA 1:29" in second  # 100 in 45 s; 199 to go
    assert "100%  300/300" in frames[-1] and "ETA 0:00" in frames[-1]
    assert all(len(frame) < 70 for frame in frames)
    assert terminal.getvalue().endswith("\r\x1b[K")  # erased at the end


def test_add_gives_the_bar_a_total_when_the_store_counts(runner, here, monkeypatch):
    from search import cli

    totals = []
    original = cli._Progress.set_total
    monkeypatch.setattr(cli._Progress, "set_total", lambda self, n: (totals.append(n), original(self, n)))
    (here / "n.txt").write_text("Cramps and magnesium.\n")
    (here / "m.txt").write_text("Cramps and potassium.\n")
    assert invoke(runner, "add", "n.txt", "m.txt").exit_code == 0
    assert totals == [2]
