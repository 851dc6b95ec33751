import json
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
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
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
