"""Hostile files: one bad file costs its own line, never the batch or the corpus.

Each file is given to `add` with good ones (the good ones go in, the bad one is one line)
and copied into a corpus by hand (list, search, stats, reindex and remove still work and
the bad file is reported once by the command that meets it).
"""
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FRENCH = "Les muscles se contractent parfois la nuit, c’est très fréquent et généralement bénin. " * 5
_WORDS = "magnesium cramps night muscle twitch calcium sleep potassium".split()


def _huge_line() -> bytes:
    rng = random.Random(1)
    return " ".join(rng.choice(_WORDS) for _ in range(300_000)).encode()  # 2 MB, no newline


def _page(head: str, body: str, encoding: str = "utf-8") -> bytes:
    return f"<html><head>{head}</head><body><p>{body}</p></body></html>".encode(encoding)


#: name -> (bytes, what `add` must do with it). Bytes that are not UTF-8 make the
#: declared charset count (valid UTF-8 is read as UTF-8 whatever a page declares).
HOSTILE = {
    "hex.html": (lambda: _page('<meta charset="hex"><title>Hex page</title>', FRENCH, "cp1252"), "added"),
    "undefined.html": (lambda: _page('<meta charset="undefined"><title>Undefined</title>', FRENCH, "cp1252"),
                       "added"),
    "rot13.html": (lambda: _page('<meta http-equiv="Content-Type" content="text/html; charset=rot13">', FRENCH,
                                 "cp1252"), "added"),
    "deep.json": (lambda: ('{"_id": "deep", "text": "Deep.", "x": ' + "[" * 5000 + "]" * 5000 + "}").encode(),
                  "skipped"),
    "deep-ld.html": (lambda: _page('<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>",
                                   "Deep JSON-LD page about magnesium."), "either"),
    "binary.txt": (lambda: bytes(range(256)) * 40, "skipped"),
    "empty.txt": (lambda: b"", "skipped"),
    "huge-line.txt": (_huge_line, "added"),
}
GOOD = {"good-one.txt": "Magnesium eases night cramps.\n", "good-two.md": "# Potassium\n\nBananas hold potassium.\n"}


def _write_good(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (folder / name).write_text(text)


def _mentions(stderr: str, name: str) -> list[str]:
    return [line for line in stderr.splitlines() if name in line]


def _check(result, code: int = 0) -> None:
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output


@pytest.mark.parametrize("name", HOSTILE)
def test_add_skips_a_hostile_file_in_one_line_and_adds_the_rest(tmp_path, cli, name):
    make, expected = HOSTILE[name]
    batch = tmp_path / "batch"
    _write_good(batch)
    (batch / name).write_bytes(make())
    result = cli(tmp_path / "corpus", "add", str(batch))
    _check(result)
    for good in ("good-one", "good-two"):
        assert f"added     {good}" in result.stdout
    lines = _mentions(result.stderr, name)
    added = any(line.startswith("added") and name in line for line in result.stdout.splitlines())
    if expected == "either":
        expected = "added" if added else "skipped"
    if expected == "added":
        assert added and lines == [], result.output
    else:
        assert len(lines) == 1 and lines[0].startswith(f"corpus: skipped {batch / name}: "), result.output
    listed = cli(tmp_path / "corpus", "list")
    _check(listed)
    assert "good-one" in listed.stdout and "good-two" in listed.stdout


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_copied_in_by_hand_leaves_the_corpus_working(tmp_path, cli, name):
    make, expected = HOSTILE[name]
    root = tmp_path / "corpus"
    source = tmp_path / "src"
    _write_good(source)
    _check(cli(root, "add", str(source)))
    (root / name).write_bytes(make())

    first = cli(root, "list")
    _check(first)
    assert "good-one" in first.stdout and "good-two" in first.stdout
    reported = len(_mentions(first.stderr, name))
    assert reported <= 1
    if expected == "skipped":
        assert reported == 1
    searched = cli(root, "search", "magnesium")
    _check(searched)
    assert "good-one" in searched.stdout
    assert _mentions(searched.stderr, name) == []  # reported once, not by every command
    _check(cli(root, "stats"))
    rebuilt = cli(root, "reindex")
    _check(rebuilt)
    assert len(_mentions(rebuilt.stderr, name)) == reported
    _check(cli(root, "remove", "good-two"))
    after = cli(root, "list")
    _check(after)
    assert "good-one" in after.stdout and "good-two" not in after.stdout


def test_a_deep_json_ld_block_does_not_cost_the_page(tmp_path, cli):
    page = tmp_path / "deep-ld.html"
    page.write_bytes(HOSTILE["deep-ld.html"][0]())
    result = cli(tmp_path / "corpus", "add", str(page))
    _check(result)
    assert "added     deep-ld" in result.stdout


@pytest.mark.slow
def test_every_hostile_file_at_once_through_the_real_command(tmp_path):
    """The installed entry point, in a subprocess: no traceback reaches stderr."""
    batch = tmp_path / "batch"
    _write_good(batch)
    for name, (make, _) in HOSTILE.items():
        (batch / name).write_bytes(make())
    os.mkfifo(batch / "pipe.txt")
    (batch / os.fsdecode(b"bad-\xff-name.txt")).write_text("A file name that is not UTF-8, about magnesium.")
    (batch / "link.txt").symlink_to(shutil.which("python3") or sys.executable)
    corpus = [sys.executable, "-m", "search", "--corpus", str(tmp_path / "corpus")]
    added = subprocess.run([*corpus, "add", str(batch)], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in added.stderr and added.returncode == 0, added.stderr
    said = [line for line in added.stderr.splitlines() if not line.startswith("corpus: created a new corpus")]
    skipped = [line for line in said if line.startswith("corpus: skipped")]
    assert len(skipped) == len(said)  # nothing but one line per skip
    for name in ("deep.json", "binary.txt", "empty.txt", "pipe.txt", "link.txt"):
        assert len([line for line in skipped if name in line]) == 1, added.stderr
    assert "bad-\ufffd-name" in added.stdout
    for command in (["list"], ["search", "magnesium"], ["stats"], ["reindex"]):
        run = subprocess.run([*corpus, *command], capture_output=True, text=True, timeout=300)
        assert run.returncode == 0 and "Traceback" not in run.stderr, (command, run.stderr)


def test_a_file_name_that_is_not_utf8_is_kept_and_shown_safely(tmp_path):
    """A Latin-1 name unzipped into the corpus: every command works, the article is found,
    and its name is shown with U+FFFD for the odd byte."""
    root = tmp_path / "corpus"
    source = tmp_path / "src"
    _write_good(source)
    corpus = [sys.executable, "-m", "search", "--corpus", str(root)]
    assert subprocess.run([*corpus, "add", str(source)], capture_output=True, timeout=300).returncode == 0
    with open(os.path.join(os.fsencode(root), b"caf\xe9 notes.txt"), "wb") as odd:  # a Latin-1 name
        odd.write("Café notes on walnuts and magnesium.\n".encode("latin-1"))
    (source / "later.md").write_text("# Later\n\nA later note on walnuts.\n")
    for command in (["list", "--json"], ["search", "walnuts", "--json"], ["stats"], ["show", "caf-notes"],
                    ["reindex"], ["add", str(source / "later.md")], ["remove", "good-two"], ["list", "--json"],
                    ["search", "walnuts", "--json"]):
        run = subprocess.run([*corpus, *command], capture_output=True, text=True, timeout=300)
        assert run.returncode == 0 and "Traceback" not in run.stderr, (command, run.stderr)
        if command[0] == "list":
            listed = {record["id"]: record for record in map(json.loads, run.stdout.splitlines())}
            assert "caf-notes" in listed and listed["caf-notes"]["source"].endswith("caf\ufffd notes.txt")
        if command[0] == "search":
            assert "caf-notes" in {hit["article_id"] for hit in json.loads(run.stdout)["results"]}


def test_a_deeply_nested_queries_file_is_one_line(tmp_path, cli):
    root = tmp_path / "corpus"
    source = tmp_path / "src"
    _write_good(source)
    _check(cli(root, "add", str(source)))
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"_id": "q1", "text": "magnesium"}\n'
                       '{"_id": "q2", "text": ' + "[" * 5000 + "]" * 5000 + "}\n")
    run = subprocess.run([sys.executable, "-m", "search", "--corpus", str(root), "search", "--queries",
                          str(queries)], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in run.stderr
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert f"{queries}:2: JSON nested too deeply" in run.stderr
