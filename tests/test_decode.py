import codecs

import pytest

from indexer.decode import declared_charset, decode, looks_binary, sanitize, text_codec


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


def test_utf8_with_a_character_cut_in_half_stays_utf8():
    # A teaser a server cut inside "ó" ("papieros\xc3..."): the page is still UTF-8; one
    # broken sequence must not make the whole page read as another encoding.
    text = "Zażółć gęślą jaźń, Łukasz Brzeziński przyjął uchwałę. " * 3
    data = ('<meta charset="utf-8"><p>' + text + "</p><span>papieros").encode() + b"\xc3...</span>"
    decoded = decode(data, declared_charset(data))
    assert text in decoded and "papieros\ufffd..." in decoded


def test_legacy_text_with_one_utf8_lookalike_is_not_utf8():
    text = "Les muscles se contractent parfois la nuit, c’est très fréquent et généralement bénin. " * 5
    data = text.encode("cp1252") + "é".encode()  # one valid UTF-8 sequence among many broken
    assert decode(data, "windows-1252").startswith(text)


def test_sanitize_removes_escape_sequences_and_bidi_overrides():
    assert sanitize("red\x1b[31m text\x07\u202eevil\r\nnext") == "red[31m textevil\nnext"


def test_sanitize_normalises_to_nfc():
    assert sanitize("cafe\u0301") == "café"


def test_binary_is_recognised():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert not looks_binary(codecs.BOM_UTF16_LE + "hi".encode("utf-16-le"))


@pytest.mark.parametrize("label", ["hex", "hex_codec", "base64", "rot13", "zlib", "bz2", "uu", "quopri",
                                   "undefined", "utf-7", "unicode_escape", "raw_unicode_escape", "idna",
                                   "punycode", "charmap", "no-such-codec", "utf\x008", ""])
def test_a_declared_codec_that_is_not_a_page_encoding_counts_as_undeclared(label):
    text = "Les muscles se contractent parfois la nuit, c’est très fréquent et généralement bénin. " * 5
    assert text_codec(label) is None
    assert decode(text.encode("cp1252"), label) == decode(text.encode("cp1252"))


@pytest.mark.parametrize("label,codec", [("windows-1251", "cp1251"), ("Shift_JIS", "shift_jis"),
                                         ("latin1", "cp1252"), ("UTF-8", "utf-8"), ("koi8-r", "koi8-r")])
def test_text_encodings_are_honoured(label, codec):
    assert text_codec(label) == codec


def test_every_python_codec_as_a_declaration_gives_text_or_a_decode_error():
    import encodings.aliases
    import os

    from indexer.errors import DecodeError

    labels = set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
    samples = [b"\xe9t\xe9 \x80\xff", b"+AGEAYgBj-", b"abc\\u12", os.urandom(64)]
    for label in labels:
        for data in samples:
            try:
                assert isinstance(decode(data, label), str)
            except DecodeError:
                pass
