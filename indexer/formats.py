"""Formats: the one place that maps a file to its kind, and a kind to its cleaner.

A kind is claimed by a file's suffix or a server's media type, then settled by the file's
first bytes (`sniff`). Each kind's cleaner lives in its own module or package (`html/`,
`text/`, `markdown.py`); a new format is a new package and one row in `FORMATS`. Cleaners
are imported only when a document of their kind is cleaned: bs4 and lxml are slow to import.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .decode import looks_binary
from .errors import UnsupportedFormat
from .models import Cleaned, Document, DocumentKind


def _clean_html(document: Document) -> Cleaned:
    from .html import clean_html

    return clean_html(document.text, document.given.url)


def _clean_mhtml(document: Document) -> Cleaned:
    from .mhtml import clean_mhtml

    return clean_mhtml(document.raw, document.given.url)


def _clean_text(document: Document) -> Cleaned:
    from .text import clean_text

    return clean_text(document.text)


def _clean_markdown(document: Document) -> Cleaned:
    from .markdown import clean_markdown

    return clean_markdown(document.text)


def _clean_record(document: Document) -> Cleaned:
    from .text import clean_text

    # A bulk record's title comes apart from its text, so the text is not searched for one.
    return clean_text(document.text, title=document.given.title)


def _clean_pdf(document: Document) -> Cleaned:
    from .pdf import clean_pdf

    return clean_pdf(document.raw)


@dataclass(frozen=True, slots=True)
class Format:
    """One kind of article file: how it is known, and what cleans it."""

    kind: DocumentKind
    #: Suffixes that claim this kind; the first is the one a stored copy gets when its own has none.
    suffixes: tuple[str, ...]
    #: Media types a server may declare for it (others are refused before the body is read).
    media_types: tuple[str, ...]
    clean: Callable[[Document], Cleaned]
    #: The cleaner reads the file's bytes (`Document.raw`), not decoded text.
    binary: bool = False
    #: The bytes such a file starts with, which claim it whatever its name.
    magic: bytes = b""


FORMATS: tuple[Format, ...] = (
    Format("html", (".html", ".htm", ".xhtml"), ("text/html", "application/xhtml+xml"), _clean_html),
    Format("text", (".txt", ".text"), ("text/plain",), _clean_text),
    Format("markdown", (".md", ".markdown"), ("text/markdown", "text/x-markdown"), _clean_markdown),
    Format("record", (".json",), ("application/json",), _clean_record),
    # A single-file page snapshot is a MIME message: its cleaner parses the bytes itself.
    Format("mhtml", (".mhtml", ".mht"), ("multipart/related", "application/x-mimearchive", "message/rfc822"),
           _clean_mhtml, binary=True),
    Format("pdf", (".pdf",), ("application/pdf",), _clean_pdf, binary=True, magic=b"%PDF-"),
)
BY_KIND: dict[str, Format] = {spec.kind: spec for spec in FORMATS}
SUFFIXES: dict[str, DocumentKind] = {suffix: spec.kind for spec in FORMATS for suffix in spec.suffixes}
MEDIA_KINDS: dict[str, DocumentKind] = {media: spec.kind for spec in FORMATS for media in spec.media_types}
#: JSON Lines: many articles a file, read record by record rather than as one document.
BULK_SUFFIXES = (".jsonl", ".ndjson")

#: A snapshot's MIME header: header lines, one of them declaring a multipart/related body.
_MHTML_START = re.compile(rb"^(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){0,40}?"
                          rb"content-type:\s*multipart/related", re.I)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)


def kind_of_name(name: str) -> DocumentKind | str | None:
    """The kind a file name's suffix claims ("bulk" for JSON Lines), or None."""
    suffix = Path(name).suffix.lower()
    return "bulk" if suffix in BULK_SUFFIXES else SUFFIXES.get(suffix)


def is_article_name(name: str) -> bool:
    """Whether a file in the corpus folder is an article (hidden files and others are not)."""
    return not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES


def sniff(data: bytes, claimed: str | None) -> DocumentKind:
    """Settle a file's kind from its claimed kind and its first bytes."""
    for spec in FORMATS:
        # A file named for the kind may have a few bytes before its mark (the PDF spec allows
        # it); any other file must start with it, so a note that quotes "%PDF-" stays a note.
        if spec.magic and (data.startswith(spec.magic) or claimed == spec.kind and spec.magic in data[:1024]):
            return spec.kind
    if claimed is not None and BY_KIND[claimed].binary:
        if BY_KIND[claimed].magic:
            raise UnsupportedFormat(f"not a {claimed.upper()} file: it does not start as one")
        return claimed  # type: ignore[return-value]
    if claimed in (None, "text", "html") and _MHTML_START.match(data[:8192]):
        return "mhtml"  # a snapshot saved under another name, or piped in
    if looks_binary(data):
        raise UnsupportedFormat("binary file; corpus-search reads HTML, MHTML, text, Markdown, PDF and JSON Lines")
    if _HTML_START.match(data[:2048]):
        return "html"
    if claimed is None:
        raise UnsupportedFormat("unsupported file type; use .html, .mhtml, .txt, .md, .pdf or .jsonl")
    return claimed  # type: ignore[return-value]


def store_suffix(kind: DocumentKind, source_suffix: str) -> str:
    """The suffix to store an article under: its own if it claims the kind, else the kind's first."""
    if SUFFIXES.get(source_suffix) == kind:
        return source_suffix
    return BY_KIND[kind].suffixes[0]


def for_cleaning(document: Document) -> Document:
    """The document as a cleaner needs it: a text kind's stored bytes left out (what travels to a
    worker process is pickled), a binary kind's kept, as they are what it reads."""
    if BY_KIND[document.kind].binary or not document.raw:
        return document
    return replace(document, raw=b"")


def size_to_clean(document: Document) -> int:
    """How much a document gives its cleaner to read: its text, or a binary kind's bytes."""
    return len(document.raw) if BY_KIND[document.kind].binary else len(document.text)


def clean_document(document: Document) -> Cleaned:
    """The cleaner of the document's kind, applied."""
    return BY_KIND[document.kind].clean(document)
