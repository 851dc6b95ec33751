"""MHTML: a single-file page snapshot read, its page cleaned, added, found and reindexed."""
import json
import quopri
from base64 import encodebytes

import pytest

from indexer.errors import UnsupportedFormat
from indexer.formats import sniff
from indexer.mhtml import clean_mhtml, read_snapshot

ADDRESS = "https://example.org/2019/11/kalinka.html"
PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head><body>
<nav><a href="/">Главная</a> <a href="/news">Новости</a> <a href="/about">О нас</a></nav>
<article><h1>{title}</h1>
<p>Калинка растёт в саду у самой реки, и каждую осень её ягоды собирают всей деревней.</p>
<p>Старики говорят, что варенье из калинки помогает от простуды лучше любых лекарств.</p>
<p>В этом году урожай выдался богатым: корзины стояли у каждого крыльца до самых морозов.</p>
</article><footer>© 2019 Деревенская газета</footer></body></html>"""
TITLE = "Калинка в саду"


def snapshot(charset: str = "koi8-r", encoding: str = "quoted-printable", declare: bool = False) -> bytes:
    """A snapshot as Chrome writes one: a MIME header, the page part, a style sheet part."""
    html = PAGE.format(charset=charset, title=TITLE).encode(charset)
    body = quopri.encodestring(html) if encoding == "quoted-printable" else encodebytes(html)
    page_type = f"text/html; charset={charset}" if declare else "text/html"
    return b"\r\n".join([
        b"From: <Saved by Blink>",
        f"Snapshot-Content-Location: {ADDRESS}".encode(),
        b"Subject: =?utf-8?Q?=D0=9A=D0=B0=D0=BB=D0=B8=D0=BD=D0=BA=D0=B0?=",
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="----MultipartBoundary--x1"',
        b"",
        b"------MultipartBoundary--x1",
        f"Content-Type: {page_type}".encode(),
        f"Content-Transfer-Encoding: {encoding}".encode(),
        f"Content-Location: {ADDRESS}".encode(),
        b"",
        body,
        b"------MultipartBoundary--x1",
        b"Content-Type: text/css",
        b"Content-Transfer-Encoding: quoted-printable",
        b"Content-Location: https://example.org/style.css",
        b"",
        b"body { color: black; }",
        b"------MultipartBoundary--x1--",
        b""])


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
@pytest.mark.parametrize("charset,declare", [("koi8-r", False), ("windows-1251", True), ("utf-8", False)])
def test_the_page_part_is_decoded_in_its_charset(encoding, charset, declare):
    page = read_snapshot(snapshot(charset, encoding, declare))
    assert "Калинка растёт в саду у самой реки" in page.html
    assert page.location == ADDRESS and page.subject == "Калинка"


def test_the_article_is_cleaned_and_its_address_is_the_url():
    cleaned = clean_mhtml(snapshot())
    text = " ".join(block.text for block in cleaned.blocks)
    assert "варенье из калинки помогает от простуды" in text
    assert "Новости" not in text and "Деревенская газета" not in text
    assert cleaned.metadata.url == ADDRESS and cleaned.metadata.title == TITLE
    assert clean_mhtml(snapshot(), url="https://mine.example/k").metadata.url == "https://mine.example/k"


def test_a_snapshot_is_known_by_its_header_whatever_its_name():
    data = snapshot()
    assert sniff(data, "mhtml") == sniff(data, None) == sniff(data, "text") == sniff(data, "html") == "mhtml"
    assert sniff(b"Content-Type: text/plain\n\nhello", "text") == "text"


@pytest.mark.parametrize("data,reason", [
    (b"just some words, no MIME here", "not a web page snapshot"),
    (b'Content-Type: multipart/related; boundary="b"\n\n--b\nContent-Type: text/css\n\nbody{}\n--b--\n',
     "holds no HTML page part"),
    (b'Content-Type: multipart/related; boundary="b"\n\n--b\nContent-Type: text/html\n\n  \n--b--\n',
     "page part is empty"),
])
def test_a_malformed_snapshot_is_refused_with_its_reason(data, reason):
    with pytest.raises(UnsupportedFormat, match=reason):
        read_snapshot(data)


def test_a_malformed_snapshot_is_one_line_and_a_skip(cli, tmp_path):
    bad = tmp_path / "broken.mhtml"
    bad.write_bytes(b"From: <Saved by Blink>\nContent-Type: multipart/related; boundary=\"b\"\n\n--b\n"
                    b"Content-Type: image/png\nContent-Transfer-Encoding: base64\n\n!!!!\n")
    good = tmp_path / "kalinka.mhtml"
    good.write_bytes(snapshot())
    root = tmp_path / "corpus"
    assert cli(root, "add", str(good)).exit_code == 0
    for command in ("add", "clean"):
        result = cli(root, command, str(bad))
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [f"corpus: skipped {bad}: MHTML holds no HTML page part"]


def test_a_snapshot_is_added_found_by_search_and_survives_a_reindex(cli, tmp_path):
    page = tmp_path / "kalinka.mht"
    page.write_bytes(snapshot("koi8-r"))
    root = tmp_path / "corpus"
    added = cli(root, "add", str(page))
    assert added.exit_code == 0, added.output
    stored = [path.name for path in root.iterdir() if not path.name.startswith(".")]
    assert stored == ["kalinka.mht"] and (root / "kalinka.mht").read_bytes() == page.read_bytes()
    for _ in range(2):
        hits = json.loads(cli(root, "search", "варенье", "--json").stdout)["results"]
        assert [hit["article_id"] for hit in hits] == ["kalinka"]
        assert hits[0]["url"] == ADDRESS and hits[0]["title"] == TITLE
        assert cli(root, "reindex").exit_code == 0
