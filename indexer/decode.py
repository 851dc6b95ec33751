"""Bytes to clean text: pick the encoding, normalise Unicode, drop control characters."""
from __future__ import annotations

import codecs
import re
import unicodedata

from .errors import DecodeError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""")
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard), and so do pages.
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252",
                   "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
# Codecs Python calls text encodings but no page can honestly be written in: they fail on
# every byte (undefined), read backslash escapes or host names (unicode-escape, idna,
# punycode), or smuggle markup past filters (utf-7, which browsers refuse for that reason).
# A page or server declaring one is treated as declaring nothing. Byte-to-byte codecs
# (hex, base64, rot13, zlib...) are refused by their `_is_text_encoding` flag.
_NOT_PAGE_ENCODINGS = frozenset({"undefined", "unicode-escape", "raw-unicode-escape", "idna",
                                 "punycode", "utf-7", "charmap"})

# Control characters could carry terminal escape sequences from an article to the screen;
# bidi overrides can disguise text. Tab and newline are the only ones with a meaning in text.
_DROP_CHARS = ("\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u2060\ufeff"
               "\u202a-\u202e\u2066-\u2069")
# Line breaks other than \n and \r (\r and \r\n go by str.replace, much faster than a regex).
_BREAK_CHARS = "\u2028\u2029\x0b\x0c\x85"
_DROP = re.compile(f"[{_DROP_CHARS}]")
_BREAKS = re.compile(f"[{_BREAK_CHARS}]")
# Both in one class, to scan ordinary text (which holds neither) once. Character classes
# only: an alternation such as \r\n? takes the regex engine off its fast path (three
# times the time on a 180 kB page).
_ODD = re.compile(f"[{_DROP_CHARS}{_BREAK_CHARS}]")


def sanitize(text: str) -> str:
    """Return text in NFC with line breaks as \\n and no control or bidi-override characters."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ODD.search(text) is not None:
        text = _DROP.sub("", _BREAKS.sub("\n", text))
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (XML prolog or <meta>), if any."""
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def text_codec(label: str | None) -> str | None:
    """The Python codec for a declared charset label, or None if it names no text encoding."""
    if not label:
        return None
    label = _WHATWG_ALIASES.get(label.lower(), label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a label with a NUL byte
        return None
    # _is_text_encoding is how str.encode/bytes.decode themselves refuse hex or rot13.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_ENCODINGS:
        return None
    return info.name


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode bytes: BOM first, then the declared charset, then detection.

    Bytes that are valid UTF-8 are read as UTF-8 whatever a page declares: legacy text
    almost never validates as UTF-8 by chance, while pages that declare ISO-8859-1 and
    hold UTF-8 are common. UTF-8 with a few broken sequences (a string a server cut in the
    middle of a character) is UTF-8 too, each broken one read as U+FFFD as browsers read it,
    not a reason to guess another encoding for the whole page. Never drops undecodable
    bytes silently: U+FFFD marks them, or DecodeError.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return sanitize(data[len(bom):].decode(codec, errors="replace"))
    try:
        return sanitize(data.decode("utf-8"))
    except UnicodeError:
        pass
    text = _mostly_utf8(data)
    if text is not None:
        return sanitize(text)
    codec = text_codec(declared)
    if codec is not None and codec != "utf-8":
        try:
            return sanitize(data.decode(codec))
        except UnicodeError:  # any codec's failure, not only UnicodeDecodeError
            pass
    from charset_normalizer import from_bytes  # only pays its import cost for odd files

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("cannot tell the text encoding (is it a binary file?)")
    return sanitize(str(best))


#: Valid non-ASCII characters per broken sequence above which bytes are UTF-8 with damage:
#: legacy text read as UTF-8 breaks at almost every non-ASCII byte.
UTF8_PER_BROKEN = 20


def _mostly_utf8(data: bytes) -> str | None:
    """The bytes read as UTF-8 with U+FFFD for broken sequences, if those are rare."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    return text if valid >= UTF8_PER_BROKEN * max(broken, 1) else None


def looks_binary(data: bytes) -> bool:
    """True for bytes no text file would hold (NUL bytes without a UTF-16/32 BOM)."""
    head = data[:8192]
    return b"\x00" in head and not any(head.startswith(bom) for bom, _ in _BOMS)
