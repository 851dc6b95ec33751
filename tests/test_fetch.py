"""URL fetching within limits, against a server on loopback that misbehaves on purpose."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from indexer import load as load_module
from indexer.errors import SourceNotFound, UnsupportedFormat
from indexer.fetch import normalise
from indexer.load import Skipped, fetch, load

PAGE = b"<html><head><title>Cramps</title></head><body><p>Night cramps are common.</p></body></html>"
FRENCH = "<p>" + "Les crampes nocturnes sont très fréquentes, c’est généralement bénin. " * 5 + "</p>"
DRIP_BYTES = 400  # bounds a drip to 400 x 50 ms, whatever the client does


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    stop: threading.Event  # set by the fixture: drips end when the test does

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, data: bytes) -> None:
        for byte in data[:DRIP_BYTES]:
            if self.stop.wait(0.05):  # the pause between bytes, not a synchronisation
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def do_GET(self):  # noqa: N802 - http.server's name
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def _route(self):
        path = self.path
        if path == "/page.html":
            self._send(200, PAGE, Content_Type="text/html; charset=utf-8")
        elif path == "/notes.md":
            self._send(200, b"# Notes\n\nMagnesium and cramps.\n", Content_Type="text/markdown")
        elif path == "/record.json":
            self._send(200, b'{"_id": "rec-1", "title": "Rec", "text": "Fish oil and cramps."}',
                       Content_Type="application/json")
        elif path == "/hex.html":
            self._send(200, FRENCH.encode("cp1252"), Content_Type="text/html; charset=hex")
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n", Content_Type="image/png")
        elif path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        elif path == "/big-undeclared":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"word " * 100_000)
        elif path == "/drip-body":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.flush()
            self._drip(PAGE * 10)
        elif path == "/drip-head":
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            self._drip(b"X-Slow: " + b"a" * 1000 + b"\r\n\r\n")
        elif path in ("/to-file", "/to-ftp", "/to-page", "/loop", "/to-bad"):
            target = {"/to-file": "file:///etc/hostname", "/to-ftp": "ftp://127.0.0.1/x",
                      "/to-page": "/page.html", "/loop": "/loop", "/to-bad": "http://[::1/"}[path]
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/reset":
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 500\r\n\r\nshort")
        else:
            self._send(404, b"not found", Content_Type="text/plain")


@pytest.fixture
def server():
    stop = threading.Event()
    handler = type("H", (Handler,), {"stop": stop})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_a_page_is_fetched_with_its_media_type(server):
    data, charset, media = fetch(f"{server}/page.html")
    assert (data, charset, media) == (PAGE, "utf-8", "text/html")


@pytest.mark.parametrize("path,kind", [("/page.html", "html"), ("/notes.md", "markdown"), ("/record.json", "record")])
def test_each_accepted_media_type_loads_as_its_kind(server, path, kind):
    (doc,) = load([server + path])
    assert doc.kind == kind


def test_a_non_text_charset_from_the_server_is_ignored(server):
    (doc,) = load([f"{server}/hex.html"])
    assert "fréquentes, c’est généralement" in doc.text  # read as a legacy encoding, not as hex


def test_a_drip_in_the_body_ends_at_the_deadline(server):
    started = time.monotonic()
    with pytest.raises(SourceNotFound, match="took longer than 1 s"):
        fetch(f"{server}/drip-body", deadline=1.0, read_timeout=0.5)
    assert time.monotonic() - started < 10  # a bound on the deadline, not a wait for the server


def test_a_drip_in_the_headers_ends_at_the_deadline(server):
    started = time.monotonic()
    with pytest.raises(SourceNotFound, match="took longer than 1 s"):
        fetch(f"{server}/drip-head", deadline=1.0, read_timeout=0.5)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("path,reason", [
    ("/to-file", "refused a redirect to file:///etc/hostname"),
    ("/to-ftp", "refused a redirect to ftp://"),
    ("/to-bad", "malformed URL"),
    ("/loop", "HTTP 302"),
])
def test_redirects_only_to_http(server, path, reason):
    with pytest.raises(SourceNotFound, match=reason.replace("[", r"\[")):
        fetch(server + path)


def test_a_redirect_to_http_is_followed(server):
    assert fetch(f"{server}/to-page")[0] == PAGE


def test_a_wrong_content_type_is_refused(server):
    with pytest.raises(UnsupportedFormat, match="content type image/png"):
        fetch(f"{server}/image.png")


@pytest.mark.parametrize("path", ["/big-declared", "/big-undeclared"])
def test_an_oversized_body_is_refused(server, path, monkeypatch):
    monkeypatch.setattr(load_module, "MAX_BYTES", 100_000)
    with pytest.raises(UnsupportedFormat, match="larger than"):
        fetch(server + path)


def test_a_short_body_and_a_404_are_one_line(server):
    with pytest.raises(SourceNotFound, match=r"ended early \(5 of 500 bytes\)"):
        fetch(f"{server}/reset")
    with pytest.raises(SourceNotFound, match="HTTP 404"):
        fetch(f"{server}/missing")


@pytest.mark.parametrize("url", ["http://a b/", "http://[::1/", "http://exa\x1bmple.org/", "http://\x00/",
                                 "http://example.org:99999/", "http:///path", "https://user:pw@example.org/",
                                 "http://exa\u202emple.org/"])
def test_malformed_urls_are_one_line_skips_without_a_connection(url):
    (result,) = load([url])
    assert isinstance(result, Skipped)
    assert result.reason.startswith("malformed URL")


def test_non_ascii_paths_and_hosts_are_encoded():
    assert normalise("http://bücher.example/très?q=é") == "http://xn--bcher-kva.example/tr%C3%A8s?q=%C3%A9"
    assert normalise("HTTP://Example.org/a%20b") == "http://example.org/a%20b"
