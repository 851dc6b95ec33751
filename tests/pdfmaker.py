"""A tiny PDF writer for tests: text in the standard fonts at given places, small images, an info dict.

Written by hand rather than with a PDF library so the tests need nothing more: the standard
14 fonts need no embedding, so a page is a content stream of text and image operators.
Coordinates are points from the sheet's top left, as a reader sees it.
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

WIDTH, HEIGHT = 612, 792
FONTS = {"F1": "Courier", "F2": "Helvetica", "F3": "Helvetica-Bold"}


@dataclass(frozen=True)
class Text:
    x: float
    #: The baseline's distance from the sheet's top.
    y: float
    text: str
    size: float = 10
    font: str = "F1"


@dataclass(frozen=True)
class Image:
    """A gray image drawn at (x, y) (its top left), w by h points."""

    x: float
    y: float
    w: float
    h: float


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(items) -> bytes:
    out = []
    for item in items:
        if isinstance(item, Text):
            out.append(b"BT /%s %g Tf %g %g Td (%s) Tj ET" % (item.font.encode(), item.size, item.x,
                                                             HEIGHT - item.y, _escape(item.text)))
        else:
            out.append(b"q %g 0 0 %g %g %g cm /Im1 Do Q" % (item.w, item.h, item.x, HEIGHT - item.y - item.h))
    return b"\n".join(out)


#: The padding of the PDF standard security handler's passwords.
_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def _rc4(key: bytes, data: bytes) -> bytes:
    box = list(range(256))
    j = 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


def _encryption(password: str, file_id: bytes) -> bytes:
    """An /Encrypt dictionary (standard handler, revision 2) that asks for `password` to open.
    Only opening is refused: the content itself is left as it is, which a test never reaches."""
    user = (password.encode("latin-1") + _PAD)[:32]
    owner_key = hashlib.md5(user).digest()[:5]
    owner = _rc4(owner_key, user)
    permissions = -4
    key = hashlib.md5(user + owner + permissions.to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    check = _rc4(key, _PAD)
    return b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
        owner.hex().encode(), check.hex().encode(), permissions)


def make_pdf(pages: list[list], info: dict[str, str] | None = None,
             outline: list[tuple[str, int]] | None = None, password: str | None = None) -> bytes:
    """A PDF of these pages (each a list of Text and Image), with this document info, an
    outline of top-level bookmarks (title, page index), and a password to open it."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    fonts = {name: add(b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % base.encode())
             for name, base in FONTS.items()}
    pixels = zlib.compress(bytes((x * 37 + y * 11) % 256 for y in range(32) for x in range(32)))
    image = add(b"<< /Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(pixels), pixels))
    font_refs = b" ".join(b"/%s %d 0 R" % (name.encode(), ref) for name, ref in fonts.items())
    kids = []
    for items in pages:
        stream = _content(items)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                        b"/Resources << /Font << %s >> /XObject << /Im1 %d 0 R >> >> >>"
                        % (tree, WIDTH, HEIGHT, content, font_refs, image)))
    outlines = b""
    if outline:
        root = add(b"")
        first = len(objects) + 1
        refs = list(range(first, first + len(outline)))
        for number, (title, page) in enumerate(outline):
            links = b"".join([b" /Prev %d 0 R" % refs[number - 1] if number else b"",
                              b" /Next %d 0 R" % refs[number + 1] if number + 1 < len(refs) else b""])
            add(b"<< /Title (%s) /Parent %d 0 R%s /Dest [%d 0 R /XYZ 0 %d 0] >>"
                % (_escape(title), root, links, kids[page], HEIGHT))
        objects[root - 1] = b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (
            refs[0], refs[-1], len(refs))
        outlines = b" /Outlines %d 0 R" % root
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (tree, outlines)
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
    info_ref = None
    if info:
        entries = b" ".join(b"/%s (%s)" % (key.encode(), _escape(value)) for key, value in info.items())
        info_ref = add(b"<< %s >>" % entries)
    file_id = hashlib.md5(repr(pages).encode()).digest()
    encrypt_ref = add(_encryption(password, file_id)) if password else None
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info_ref:
        trailer += b" /Info %d 0 R" % info_ref
    if encrypt_ref:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (encrypt_ref, file_id.hex().encode(), file_id.hex().encode())
    out += b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def paragraph(x: float, y: float, lines: list[str], size: float = 10, leading: float = 13) -> list[Text]:
    """Lines of one paragraph in Courier, one under another; returns them as Texts."""
    return [Text(x, y + index * leading, line, size) for index, line in enumerate(lines)]
