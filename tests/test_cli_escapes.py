"""No terminal control sequence from a file name, id, title, URL, queries file or error
message reaches the output of any command, in any output format."""
import json
import os
import re
import subprocess
import sys

import pytest

from search.cli import main

#: C0 but tab and newline, DEL, C1, and the bidi embeddings, overrides and isolates.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: ESC/CSI, OSC (to BEL and to ST), 8-bit CSI and OSC, bidi override and isolate, BEL, CR.
NASTY = "\x1b[31m\x1b]0;pwned\x07\x1b]8;;x\x1b\\\x9b2J\x9d0;t\x9c\u202e\u2066\x07\r"


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """A folder of files whose names, titles, ids and URLs carry escape sequences."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("CORPUS_PATH", raising=False)
    (work / f"note{NASTY}.txt").write_text(f"Title{NASTY} here\n\nCramps{NASTY} and magnesium at night.\n")
    (work / f"page{NASTY}.html").write_text(
        f"<html><head><title>Page{NASTY}title</title></head><body><article><h1>Page{NASTY}</h1>"
        f"<h2>Section{NASTY}</h2><p>Magnesium &#27;[31mand&#27;[0m cramps, a page long enough "
        "to count as an article for the cleaner.</p></article></body></html>")
    (work / "records.jsonl").write_text(json.dumps({"_id": f"rec{NASTY}", "title": f"Record{NASTY}",
                                                    "text": f"Magnesium{NASTY} record.",
                                                    "url": f"https://example.org/{NASTY}"}) + "\n")
    (work / "queries.jsonl").write_text(json.dumps({"_id": f"q{NASTY}1", "text": "magnesium"}) + "\n"
                                        + json.dumps({"_id": f"q{NASTY}2", "text": '"'}) + "\n")
    return work


def commands(work):
    note, page = f"note{NASTY}.txt", f"page{NASTY}.html"
    return [
        ("add", note, page, "records.jsonl", f"missing{NASTY}.txt"),
        ("add", note, "--url", f"https://example.org/{NASTY}", "--title", f"Given{NASTY}"),
        ("search", "magnesium", "--color", "never"),
        ("search", "magnesium", "--color", "always"),
        ("search", "magnesium", "--json"),
        ("search", "magnesium", "--explain", "--color", "never"),
        ("search", f"zzz{NASTY}"),
        ("search", f"--bad{NASTY}"),
        ("search", "--queries", "queries.jsonl", "--format", "trec"),
        ("search", "--queries", "queries.jsonl", "--format", "jsonl"),
        ("search", "--queries", f"missing{NASTY}.jsonl"),
        ("list",), ("list", "--json"),
        ("show", f"rec{NASTY}"), ("show", f"rec{NASTY}", "--json"), ("show", "note"),
        ("show", f"none{NASTY}"),
        ("clean", note, page, "records.jsonl", f"missing{NASTY}.txt"),
        ("clean", "--json", note, page),
        ("stats",), ("reindex",),
        ("remove", f"none{NASTY}"),
        ("--corpus", f"nope{NASTY}", "list"),
        ("remove", f"rec{NASTY}"),
    ]


def test_no_escape_reaches_the_output_of_any_command(runner, hostile):
    seen_ids = set()
    for args in commands(hostile):
        result = runner.invoke(main, list(args), prog_name="corpus")
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        shown = result.stdout + result.stderr
        if "--color" in args and "always" in args:
            shown = re.sub(r"\x1b\[(?:1|2|1;33|0)m", "", shown)  # the listing's own colours only
        assert not FORBIDDEN.search(shown), (args, shown)
        if args[0] == "list" and len(args) == 1:
            seen_ids = {line.split("\t")[0] for line in result.stdout.splitlines()}
    # `show` by the ids `list` printed, whatever the loader made of the hostile ones.
    assert len(seen_ids) == 3
    for article_id in seen_ids:
        for extra in ((), ("--json",)):
            result = runner.invoke(main, ["show", article_id, *extra], prog_name="corpus")
            assert result.exit_code in (0, 1) and not FORBIDDEN.search(result.stdout + result.stderr)


def test_no_escape_reaches_a_subprocess_terminal_either(hostile):
    environment = {k: v for k, v in os.environ.items() if k != "CORPUS_PATH"}
    for args in commands(hostile)[:3] + [("show", f"rec{NASTY}"), ("clean", f"note{NASTY}.txt")]:
        done = subprocess.run([sys.executable, "-m", "search", *args], cwd=hostile, capture_output=True,
                              env=environment, timeout=120)
        shown = (done.stdout + done.stderr).decode()
        assert "Traceback" not in shown and not FORBIDDEN.search(shown), (args, shown)
