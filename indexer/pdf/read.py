"""Read: a PDF's bytes to its pages' text as spans (text, box, font size and weight), with
its document info and outline. The only module that calls the PDF library (pypdfium2).

A span is a run of characters on one line that the library gives in its content order (the
order the page was drawn: a browser draws a page in the order of its document), cut where a
wide gap opens between two characters (table cells, side-by-side columns).
"""
from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

from ..errors import UnreadableArticle, UnsupportedFormat

#: A gap wider than this many line heights between two characters of a line starts a new span.
SPAN_GAP = 1.2
#: Bookmarks read at most (a damaged outline may go on and on).
MAX_OUTLINE = 2000
#: A PDF with more pages than this, or more characters of text, is refused with one line
#: (50 MiB of PDF can hold millions of empty pages or a page of millions of characters).
MAX_PAGES = 10_000
MAX_CHARS = 20_000_000
#: The largest image (points a side) taken for an icon.
ICON_SIZE = 20
#: Font names that say bold (the weight a font reports is often unset or wrong in embedded subsets).
_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text on one line of one page; coordinates in points, y growing downwards."""

    text: str
    #: Page number, from 1.
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    #: Font size in points, as drawn (the font's size scaled by the text's matrix).
    size: float
    bold: bool


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    width: float
    height: float
    #: In the library's content order.
    spans: tuple[Span, ...]
    #: Small square images (x0, top, x1, bottom): a browser draws one before the alt text of
    #: an image it could not show.
    icons: tuple[tuple[float, float, float, float], ...] = ()
    #: The library could not load this page (a damaged page of an otherwise readable file).
    unreadable: bool = False


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """One bookmark of the document outline."""

    title: str
    #: Nesting depth, from 1.
    level: int
    #: The page it points at, from 1 (0 when it points nowhere).
    page: int


@dataclass(frozen=True, slots=True)
class Pdf:
    pages: tuple[Page, ...]
    #: The document information dictionary (Title, Author, CreationDate, ...), empty values left out.
    info: dict[str, str]
    outline: tuple[OutlineEntry, ...]


def load_library() -> None:
    """Import PDFium into this process (~30 ms) once, so the children that read each file
    (isolate.py) start with it."""
    import pypdfium2  # noqa: F401


def read_pdf(data: bytes) -> Pdf:
    """Every page's spans, the document info and the outline.

    A file the library cannot open (damaged, encrypted with a password) is one
    UnsupportedFormat or UnreadableArticle with a one-line reason, never a traceback.
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _open_error(exc, data) from None
    try:
        count = len(document)
        if count == 0:
            raise UnreadableArticle("empty PDF: it has no pages")
        if count > MAX_PAGES:
            raise UnsupportedFormat(f"PDF has {count:,} pages; corpus-search reads at most {MAX_PAGES:,}")
        info = _info(document)
        pages = []
        chars = 0
        for index in range(count):
            try:
                page = _read_page(document, index, MAX_CHARS - chars)
            except pdfium.PdfiumError:  # one damaged page: the others are still worth reading
                page = Page(number=index + 1, width=0.0, height=0.0, spans=(), unreadable=True)
            chars += sum(len(span.text) for span in page.spans)
            pages.append(page)
        if all(page.unreadable for page in pages):
            raise UnreadableArticle("damaged PDF: none of its pages can be read")
        return Pdf(pages=tuple(pages), info=info, outline=tuple(_outline(document)))
    except pdfium.PdfiumError as exc:
        raise UnreadableArticle(f"cannot read this PDF ({exc})") from None
    finally:
        document.close()


def _info(document) -> dict[str, str]:
    """The document information dictionary; a damaged one reads as empty."""
    import pypdfium2 as pdfium

    try:
        return {key: " ".join(value.split()) for key, value in document.get_metadata_dict().items()
                if value and value.strip()}
    except (pdfium.PdfiumError, UnicodeError, ValueError):
        return {}


def _open_error(error, data: bytes) -> Exception:
    """One line for a PDF pdfium cannot open, from its error code (pdfium's fpdfview.h)."""
    code = getattr(error, "err_code", None)
    if code == 4:
        return UnsupportedFormat("encrypted PDF (it needs a password); corpus-search reads only open PDFs")
    if code == 5:
        return UnsupportedFormat("encrypted PDF (by a security handler pdfium does not know)")
    if b"%%EOF" not in data[-1024:]:
        return UnreadableArticle("damaged PDF: it ends early (an unfinished download?) and cannot be opened")
    return UnreadableArticle("damaged PDF: it cannot be opened")


def _outline(document) -> list[OutlineEntry]:
    """The bookmarks, depth first (through pdfium's C API, the same in every pypdfium2 version)."""
    import pypdfium2.raw as raw

    entries: list[OutlineEntry] = []
    seen: set[int] = set()

    def walk(parent, level: int) -> None:
        node = raw.FPDFBookmark_GetFirstChild(document.raw, parent)
        while node and len(entries) < MAX_OUTLINE:
            address = ctypes.addressof(node.contents)
            if address in seen:  # a loop of bookmarks in a damaged file
                return
            seen.add(address)
            size = raw.FPDFBookmark_GetTitle(node, None, 0)
            buffer = ctypes.create_string_buffer(size)
            raw.FPDFBookmark_GetTitle(node, buffer, size)
            title = " ".join(buffer.raw[:max(size - 2, 0)].decode("utf-16-le", "replace").split())
            destination = raw.FPDFBookmark_GetDest(document.raw, node)
            page = raw.FPDFDest_GetDestPageIndex(document.raw, destination) + 1 if destination else 0
            if title:
                entries.append(OutlineEntry(title=title, level=level, page=max(page, 0)))
            if level < 6:
                walk(node, level + 1)
            node = raw.FPDFBookmark_GetNextSibling(document.raw, node)

    walk(None, 1)
    return entries


def _read_page(document, index: int, room: int) -> Page:
    """One page; UnsupportedFormat when it holds more than `room` characters."""
    import pypdfium2.raw as raw

    page = document[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            if raw.FPDFText_CountChars(textpage.raw) > room:
                raise UnsupportedFormat(f"PDF has more than {MAX_CHARS:,} characters of text; "
                                        "corpus-search reads at most that")
            spans = _spans(raw, textpage.raw, index + 1, height)
        finally:
            textpage.close()
        icons = _icons(raw, page.raw, height)
    finally:
        page.close()
    return Page(number=index + 1, width=width, height=height, spans=tuple(spans), icons=tuple(icons))


def _icons(raw, page, height: float) -> list[tuple[float, float, float, float]]:
    """The page's small square images (top-level objects only: a browser draws its icons there)."""
    icons = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, index)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_IMAGE:
            continue
        if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        width, tall = right.value - left.value, top.value - bottom.value
        if 4 <= width <= ICON_SIZE and 4 <= tall <= ICON_SIZE and abs(width - tall) <= 2:
            icons.append((left.value, height - top.value, right.value, height - bottom.value))
    return icons


def _spans(raw, textpage, number: int, height: float) -> list[Span]:
    count = raw.FPDFText_CountChars(textpage)
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    written = raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[:max(written - 1, 0) * 2].decode("utf-16-le", "replace")
    if len(text) != count:  # characters beyond the BMP take two units: ask one at a time
        text = _by_index(raw, textpage, count)
    box = raw.FS_RECTF()
    spans: list[Span] = []
    chars: list[str] = []
    start = -1  # index of the span's first character that has a box
    last = -1  # ...and of its last
    x0 = top = x1 = bottom = 0.0

    def flush() -> None:
        nonlocal chars, start
        if start >= 0:
            words = "".join(chars).split()
            if words:
                size, bold = _font(raw, textpage, start)
                if bold and last != start:  # bold only when it ends bold too ("Note: ..." is not)
                    bold = _font(raw, textpage, last)[1]
                spans.append(Span(" ".join(words), number, x0, height - top, x1, height - bottom, size, bold))
        chars, start = [], -1

    for i in range(count):
        char = text[i]
        if not char:
            continue
        if char in "\r\n":
            flush()
            continue
        if char.isspace() or not raw.FPDFText_GetLooseCharBox(textpage, i, box):
            if start >= 0:
                chars.append(" ")
            continue
        if start >= 0:
            line = top - bottom
            middle = (box.top + box.bottom) / 2
            if not bottom <= middle <= top or box.left - x1 > SPAN_GAP * line or box.right < x0:
                flush()
        if start < 0:
            start, x0, top, x1, bottom = i, box.left, box.top, box.right, box.bottom
        else:
            x1 = max(x1, box.right)
            top, bottom = max(top, box.top), min(bottom, box.bottom)
        last = i
        chars.append(char)
    flush()
    return spans


def _by_index(raw, textpage, count: int) -> list[str]:
    """Each character index's text: a pair of surrogates is one character at the first index
    (the second gives ""), a lone surrogate is U+FFFD."""
    codes = [raw.FPDFText_GetUnicode(textpage, i) for i in range(count)]
    chars = []
    for i, code in enumerate(codes):
        if 0xD800 <= code < 0xDC00 and i + 1 < count and 0xDC00 <= codes[i + 1] < 0xE000:
            chars.append(chr(0x10000 + ((code - 0xD800) << 10) + codes[i + 1] - 0xDC00))
        elif 0xD800 <= code < 0xE000:
            chars.append("" if i and 0xD800 <= codes[i - 1] < 0xDC00 else "\ufffd")
        else:
            chars.append(chr(code) if code else "\ufffd")
    return chars


def _font(raw, textpage, index: int) -> tuple[float, bool]:
    """The size as drawn and the boldness of the character at `index`."""
    matrix = raw.FS_MATRIX()
    scale = 1.0
    if raw.FPDFText_GetMatrix(textpage, index, matrix):
        scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c)) or 1.0
    size = raw.FPDFText_GetFontSize(textpage, index) * scale
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    raw.FPDFText_GetFontInfo(textpage, index, name, len(name), flags)
    lowered = name.value.decode("latin-1").lower()
    bold = any(word in lowered for word in _BOLD_NAMES) or raw.FPDFText_GetFontWeight(textpage, index) >= 700
    return round(size, 1), bold
