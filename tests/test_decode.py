import codecs

import pytest

from indexer.decode import declared_charset, decode, looks_binary, sanitize


def test_utf8_plain():
    assert decode("café – naïve".encode()) == "café – naïve"


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                       (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_bom_wins_and_is_dropped(bom, codec):
    assert decode(bom + "Grüße".encode(codec)) == "Grüße"


def test_declared_charset_is_used():
    page = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'
    data = page.encode("cp1251")
    assert declared_charset(data) == "windows-1251"
    assert "Привет" in decode(data, declared_charset(data))


def test_latin1_label_reads_as_windows_1252():
    # Browsers do the same: the curly quote only exists in windows-1252.
    data = "“quoted” café".encode("cp1252")
    assert decode(data, "iso-8859-1") == "“quoted” café"


def test_undeclared_legacy_encoding_is_detected():
    text = "Les muscles se contractent parfois la nuit, c’est très fréquent et généralement bénin. " * 5
    assert decode(text.encode("cp1252")) == text


def test_wrong_declaration_falls_back_to_utf8():
    assert decode("naïve".encode(), "ascii") == "naïve"


def test_sanitize_removes_escape_sequences_and_bidi_overrides():
    assert sanitize("red\x1b[31m text\x07\u202eevil\r\nnext") == "red[31m textevil\nnext"


def test_sanitize_normalises_to_nfc():
    assert sanitize("cafe\u0301") == "café"


def test_binary_is_recognised():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert not looks_binary(codecs.BOM_UTF16_LE + "hi".encode("utf-16-le"))
