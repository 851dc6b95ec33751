import io
import json
import os
import re
from pathlib import Path
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from indexer.load import Skipped, load, slugify


def docs(*sources, **kwargs):
    return list(load([str(s) for s in sources], **kwargs))


def test_kind_by_extension_and_id_from_name(tmp_path):
    (tmp_path / "Night Cramps!.md").write_text("# Night\n\nText.\n")
    (tmp_path / "b.txt").write_text("Plain.\n")
    (tmp_path / "c.htm").write_text("<p>Para</p>")
    found = {d.id: d.kind for d in docs(tmp_path)}
    assert found == {"night-cramps": "markdown", "b": "text", "c": "html"}


def test_html_content_wins_over_txt_extension(tmp_path):
    path = tmp_path / "saved.txt"
    path.write_text("<!DOCTYPE html><html><body><p>Hi</p></body></html>")
    assert docs(path)[0].kind == "html"


def test_unsupported_and_binary_and_missing_are_skipped_with_reasons(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "data.bin").write_bytes(b"abc")
    (tmp_path / "empty.txt").write_text("  \n")
    results = docs(tmp_path / "photo.png", tmp_path / "data.bin", tmp_path / "empty.txt", tmp_path / "nope.txt")
    assert all(isinstance(r, Skipped) for r in results)
    reasons = [r.reason for r in results]
    assert "binary" in reasons[0]
    assert "unsupported" in reasons[1]
    assert "empty" in reasons[2]
    assert "no such file" in reasons[3]


def test_folders_skip_hidden_and_unknown_files(tmp_path):
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("secret")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A.")
    assert [d.id for d in docs(tmp_path)] == ["a"]


def test_jsonl_records_stream_and_bad_lines_are_skipped(tmp_path):
    path = tmp_path / "bulk.jsonl"
    path.write_text("\n".join([
        json.dumps({"_id": "MED-1", "title": "Statins", "text": "Statins lower cholesterol."}),
        "{not json",
        json.dumps({"id": "MED-2", "text": "Fish oil.", "url": "https://example.org/2"}),
        json.dumps({"_id": "MED-3", "title": "No text"}),
    ]) + "\n")
    results = docs(path)
    assert [r.id for r in results if not isinstance(r, Skipped)] == ["MED-1", "MED-2"]
    assert results[0].given.title == "Statins" and results[0].kind == "record"
    assert results[2].given.url == "https://example.org/2"
    skipped = [r for r in results if isinstance(r, Skipped)]
    assert [s.source for s in skipped] == [f"{path}:2", f"{path}:4"]


def test_title_and_url_given_by_the_user(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Body.")
    doc = docs(path, title="Given", url="https://example.org/a")[0]
    assert (doc.given.title, doc.given.url) == ("Given", "https://example.org/a")


def test_slugify():
    assert slugify("Ünïcode Title — 2024") == "unicode-title-2024"
    assert slugify("???") == "article"


@pytest.fixture
def http_root(tmp_path):
    """Serve tmp_path on loopback for the duration of a test."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_is_fetched_and_decoded(http_root):
    root, base = http_root
    (root / "page.html").write_bytes(
        '<html><head><meta charset="iso-8859-1"><title>Crampes</title></head><body><p>Crampes nocturnes très fréquentes.</p></body></html>'.encode("cp1252"))
    doc = docs(f"{base}/page.html")[0]
    assert doc.kind == "html"
    assert doc.source == f"{base}/page.html" and doc.given.url == doc.source
    assert "très fréquentes" in doc.text


def test_url_error_is_a_skip_with_the_status(http_root):
    _, base = http_root
    result = docs(f"{base}/missing.html")[0]
    assert isinstance(result, Skipped) and "404" in result.reason


# -- hostile JSON ---------------------------------------------------------------

def _jsonl(tmp_path, *lines):
    path = tmp_path / "bulk.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_deeply_nested_record_is_one_skip_and_the_rest_go_in(tmp_path):
    deep = '{"_id": "deep", "text": "x", "extra": ' + "[" * 5000 + "]" * 5000 + "}"
    path = _jsonl(tmp_path, json.dumps({"_id": "a", "text": "Alpha."}), deep,
                  json.dumps({"_id": "b", "text": "Beta."}))
    results = docs(path)
    assert [r.id for r in results if not isinstance(r, Skipped)] == ["a", "b"]
    (skipped,) = [r for r in results if isinstance(r, Skipped)]
    assert skipped.source == f"{path}:2" and skipped.reason == "JSON nested too deeply"


def test_a_deeply_nested_json_article_is_skipped(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 5000 + "]" * 5000)
    (result,) = docs(tmp_path / "deep.json")
    assert isinstance(result, Skipped) and result.reason == "JSON nested too deeply"


@pytest.mark.parametrize("line,reason", [
    ('{"_id": ' + "[" * 900 + "]" * 900 + ', "text": "x"}', 'no "_id"'),
    ('{"_id": {"a": 1}, "text": "x"}', 'no "_id"'),
    ('{"_id": true, "text": "x"}', 'no "_id"'),
    ('{"_id": "a", "text": "x", "n": ' + "9" * 5000 + "}", "not valid JSON"),
    ('{"_id": "a", "text": ["x"]}', 'no "text"'),
    ("[1, 2]", "JSON object"),
    ('{"_id": "a", "text": "x"', "not valid JSON"),
])
def test_odd_records_are_skipped_with_a_reason(tmp_path, line, reason):
    (result,) = docs(_jsonl(tmp_path, line))
    assert isinstance(result, Skipped) and reason in result.reason


def test_nested_metadata_is_ignored_not_stringified(tmp_path):
    line = json.dumps({"_id": 7, "text": "Body.", "title": {"deep": [[["x"]]]}, "author": ["A", "B"],
                       "url": "https://example.org/7"})
    (doc,) = docs(_jsonl(tmp_path, line))
    assert doc.id == "7" and doc.given.title is None and doc.given.author is None
    assert doc.given.url == "https://example.org/7"


# -- links out of a folder ------------------------------------------------------

@pytest.fixture
def linked(tmp_path):
    """A folder with a link to a file outside, a link to a folder outside, a link inside,
    a broken link and a link back up to itself."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret outside the folder.")
    (outside / "more").mkdir()
    (outside / "more" / "deep.txt").write_text("Deeper secret.")
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "own.txt").write_text("Own article.")
    (folder / "sub" / "inner.md").write_text("# Inner\n\nText.")
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "more").symlink_to(outside / "more")
    (folder / "alias.txt").symlink_to(folder / "own.txt")
    (folder / "again").symlink_to(folder / "sub")
    (folder / "loop").symlink_to(folder)
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    return folder


def test_links_leading_out_of_a_folder_are_passed_over_with_a_line(linked):
    results = docs(linked)
    loaded = sorted(r.source for r in results if not isinstance(r, Skipped))
    assert loaded == sorted(str(linked / n) for n in ("alias.txt", "own.txt", "sub/inner.md"))
    skipped = {Path(r.source).name: r.reason for r in results if isinstance(r, Skipped)}
    assert set(skipped) == {"secret.txt", "more", "gone.txt"}
    assert "outside the folder" in skipped["secret.txt"] and "--follow-links" in skipped["more"]
    assert skipped["gone.txt"] == "broken link"


def test_follow_links_adds_what_they_lead_to_without_looping(linked):
    results = docs(linked, follow_links=True)
    loaded = sorted(Path(r.source).relative_to(linked).as_posix() for r in results if not isinstance(r, Skipped))
    assert loaded == ["alias.txt", "more/deep.txt", "own.txt", "secret.txt", "sub/inner.md"]


def test_a_link_named_on_the_command_line_is_followed(linked):
    (doc,) = docs(linked / "secret.txt")
    assert doc.text == "Secret outside the folder."


def test_a_fifo_is_refused_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (result,) = docs(fifo)
    assert isinstance(result, Skipped) and result.reason == "not a regular file"


def test_a_file_over_the_size_limit_is_skipped(tmp_path, monkeypatch):
    from indexer import load as load_module

    monkeypatch.setattr(load_module, "MAX_BYTES", 1000)
    (tmp_path / "big.txt").write_text("word " * 1000)
    (result,) = docs(tmp_path / "big.txt")
    assert isinstance(result, Skipped) and "the limit is" in result.reason


@pytest.mark.parametrize("through", ["file", "stdin"])
def test_a_jsonl_line_over_the_limit_is_never_read_whole(tmp_path, monkeypatch, through):
    """The length is checked while the line is read: memory stays at the limit, however
    long the line (a 300 MB line was read whole before the 50 MiB check)."""
    import tracemalloc

    from indexer import load as load_module

    monkeypatch.setattr(load_module, "MAX_BYTES", 64 * 1024)
    good = json.dumps({"_id": "good", "text": "A good record."}).encode()
    data = good + b"\n" + b'{"_id": "huge", "text": "' + b"x" * 20_000_000 + b'"}\n' + good.replace(b"good", b"next") + b"\n"
    path = tmp_path / "huge.jsonl"
    path.write_bytes(data)
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            results = docs(path) if through == "file" else list(load(["-"], stdin=stream))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    name = str(path) if through == "file" else "<stdin>"
    assert [r.id for r in results if not isinstance(r, Skipped)] == ["good", "next"]
    (skipped,) = [r for r in results if isinstance(r, Skipped)]
    assert skipped.source == f"{name}:2" and "larger than" in skipped.reason
    assert peak < 5_000_000, f"{peak} bytes held at once, reading a line of 20 MB"


# -- standard input -------------------------------------------------------------

def from_stdin(data: bytes, **kwargs):
    return list(load(["-"], stdin=io.BytesIO(data), **kwargs))


def test_stdin_json_lines_stream_as_records():
    data = b"\n" + b"\n".join(json.dumps({"_id": f"r{i}", "text": f"Record {i}."}).encode() for i in range(3))
    results = from_stdin(data + b"\nnot json\n")
    assert [r.id for r in results if not isinstance(r, Skipped)] == ["r0", "r1", "r2"]
    (bad,) = [r for r in results if isinstance(r, Skipped)]
    assert bad.source == "<stdin>:5"


@pytest.mark.parametrize("data,kind", [
    (b"<!doctype html><html><body><p>Page.</p></body></html>", "html"),
    (b"# Notes\n\nSome *text*.\n", "markdown"),
    (b"Title\n=====\n\nBody.\n", "markdown"),
    (b"Just a plain note.\nSecond line.\n", "text"),
    (b'{\n  "_id": "pretty",\n  "text": "Pretty JSON."\n}\n', "record"),
])
def test_stdin_single_document_is_sniffed(data, kind):
    (doc,) = from_stdin(data)
    assert doc.kind == kind and re.fullmatch(r"<stdin-[0-9a-f]{12}>", doc.source)


def test_stdin_document_id_is_a_hash_or_given():
    (doc,) = from_stdin(b"A note.\n", title="Given")
    assert re.fullmatch(r"stdin-[0-9a-f]{12}", doc.id) and doc.given.title == "Given"
    (doc,) = from_stdin(b"A note.\n", doc_id="mine")
    assert doc.id == "mine"


@pytest.mark.parametrize("data,reason", [(b"", "empty"), (b"\x00\x01binary\x00", "binary")])
def test_stdin_empty_or_binary_is_one_skip(data, reason):
    (result,) = from_stdin(data)
    assert isinstance(result, Skipped) and reason in result.reason


def test_add_dash_reads_stdin_through_the_cli(tmp_path, cli):
    root = tmp_path / "corpus"
    result = cli(root, "add", "-", "--title", "Pasted", input="Magnesium eases night cramps.\n")
    assert result.exit_code == 0 and re.search(r"added\s+stdin-([0-9a-f]{12})\s+<stdin-\1>", result.stdout)
    lines = "\n".join(json.dumps({"_id": f"r{i}", "text": f"Potassium record {i}."}) for i in range(2))
    result = cli(root, "add", "-", input=lines)
    assert result.exit_code == 0 and "2 added" in result.stdout
    listed = cli(root, "list").stdout
    assert "Pasted" in listed and "r0" in listed and "r1" in listed
    again = cli(root, "add", "-", input="Another note on potassium.\n")
    assert again.exit_code == 0 and "1 added" in again.stdout  # a new note, not a replacement


def test_follow_links_flag_through_the_cli(tmp_path, cli, linked):
    plain = cli(tmp_path / "c1", "add", str(linked))
    assert plain.exit_code == 0 and "--follow-links adds it" in plain.stderr
    assert "secret" not in cli(tmp_path / "c1", "list").stdout
    followed = cli(tmp_path / "c2", "add", "--follow-links", str(linked))
    assert followed.exit_code == 0 and "outside the folder" not in followed.stderr
    assert "secret" in cli(tmp_path / "c2", "list").stdout


def test_link_loops_and_impossible_names_are_one_line_each(tmp_path):
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    (tmp_path / "ping.txt").symlink_to(tmp_path / "pong.txt")
    (tmp_path / "pong.txt").symlink_to(tmp_path / "ping.txt")
    (tmp_path / "ok.txt").write_text("Fine.")
    results = docs(tmp_path, tmp_path / "self.txt", "x" * 300 + ".txt", "nul\x00.txt", tmp_path / "ok.txt" / "x.txt")
    assert [r.id for r in results if not isinstance(r, Skipped)] == ["ok"]
    reasons = [r.reason for r in results if isinstance(r, Skipped)]
    assert reasons[:4] == ["broken link"] * 4
    assert reasons[4] == "File name too long" and len(reasons) == 7


def test_a_record_without_an_id_gets_one_from_its_content(tmp_path, cli):
    # As sqlite-utils' --hash-id: the same record is the same article, another is another.
    path = _jsonl(tmp_path, json.dumps({"title": "Woks", "text": "A carbon steel wok heats fast."}),
                  json.dumps({"text": "Season a cast iron pan in the oven."}),
                  json.dumps({"text": "Season a cast iron pan in the oven.", "title": "Pans"}))
    first, second, third = docs(path)
    assert all(re.fullmatch(r"[0-9a-f]{12}", d.id) for d in (first, second, third))
    assert len({first.id, second.id, third.id}) == 3
    assert [d.id for d in docs(path)] == [first.id, second.id, third.id]  # stable
    root = tmp_path / "kb"
    assert cli(root, "add", str(path)).stdout.endswith("3 added, 0 updated, 0 unchanged, 0 skipped\n")
    assert cli(root, "add", str(path)).stdout.endswith("0 added, 0 updated, 3 unchanged, 0 skipped\n")
    listed = dict(line.split("\t")[0::2] for line in cli(root, "list").stdout.splitlines())
    # Without a title its first line speaks for it, not its hash.
    assert listed == {first.id: "Woks", second.id: "Season a cast iron pan in the oven.", third.id: "Pans"}


def test_a_piped_article_is_titled_by_its_first_heading_or_line(tmp_path, cli):
    root = tmp_path / "kb"
    long_line = "keep the pan dry and oiled after every use so that it never rusts, and scrub it with salt " * 2
    for text in ("# Wok notes\n\nA carbon steel wok heats quickly and evenly.\n",
                 "<html><body><p>A paragraph on woks and pans, with no title at all.</p></body></html>",
                 long_line + "\n\nAnother paragraph.\n"):
        assert cli(root, "add", "-", input=text).exit_code == 0
    titles = sorted(line.split("\t")[2] for line in cli(root, "list").stdout.splitlines())
    assert titles[0] == "A paragraph on woks and pans, with no title at all."
    assert titles[1] == "Wok notes"
    assert titles[2].startswith("keep the pan dry and oiled") and titles[2].endswith("\u2026")
    assert len(titles[2]) <= 81 and not any(t.startswith("stdin-") for t in titles)
