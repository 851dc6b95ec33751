"""Load: turn the paths and URLs a user names into decoded `Document`s."""
from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .decode import declared_charset, decode, looks_binary, sanitize
from .errors import CorpusError, EmptyArticle, SourceNotFound, UnsupportedFormat
from .models import Document, DocumentKind, Metadata

EXTENSIONS: dict[str, DocumentKind] = {
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".json": "record",
}
BULK_EXTENSIONS = (".jsonl", ".ndjson")
MAX_BYTES = 50 * 1024 * 1024
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_URL = re.compile(r"^https?://", re.I)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A source, or one record of a bulk file, that could not be loaded, and why."""

    source: str
    reason: str


def slugify(name: str) -> str:
    """An id made from a name: lower-case ASCII letters, digits and single hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:120].rstrip("-") or "article"


def is_url(source: str) -> bool:
    return bool(_URL.match(source))


def expand(sources: Iterable[str]) -> Iterator[str | Skipped]:
    """Each source as given, folders expanded (recursively, sorted) to the files they hold."""
    for source in sources:
        if is_url(source):
            yield source
            continue
        path = Path(source)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and kind_of_name(name) is not None:
                        yield str(Path(root, name))
        elif path.exists():
            yield source
        else:
            yield Skipped(source, "no such file or folder")


def kind_of_name(name: str) -> DocumentKind | str | None:
    """The kind a file name's extension claims ("bulk" for JSON Lines), or None."""
    suffix = Path(name).suffix.lower()
    return "bulk" if suffix in BULK_EXTENSIONS else EXTENSIONS.get(suffix)


def sniff(data: bytes, claimed: str | None) -> DocumentKind:
    """Settle a file's kind from its extension and its first bytes."""
    if looks_binary(data):
        raise UnsupportedFormat("binary file; corpus-search reads HTML, text, Markdown and JSON Lines")
    if _HTML_START.match(data[:2048]):
        return "html"
    if claimed is None:
        raise UnsupportedFormat("unsupported file type; use .html, .txt, .md or .jsonl")
    return claimed  # type: ignore[return-value]


def read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnsupportedFormat(f"file is {size // 2**20} MiB; the limit is {MAX_BYTES // 2**20} MiB")
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceNotFound("no such file") from None
    except IsADirectoryError:
        raise SourceNotFound("is a folder") from None
    except PermissionError:
        raise SourceNotFound("permission denied") from None
    except OSError as exc:
        raise SourceNotFound(exc.strerror or str(exc)) from None


def fetch(url: str, timeout: float = 30.0) -> tuple[bytes, str | None, str | None]:
    """GET a URL: its bytes, the charset and the media type its server declares."""
    import urllib.error  # only URL adds pay for the HTTP stack
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "corpus-search/0.1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise UnsupportedFormat(f"page is larger than {MAX_BYTES // 2**20} MiB")
            return data, response.headers.get_content_charset(), response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise SourceNotFound(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise SourceNotFound(f"cannot fetch: {reason}") from None


def document_from_bytes(data: bytes, source: str, kind: DocumentKind, doc_id: str,
                        given: Metadata = Metadata(), charset: str | None = None) -> Document:
    """Decode a single article's bytes as the given kind."""
    if kind == "record":
        return record_document(_json_record(decode(data)), source)
    declared = charset or (declared_charset(data) if kind == "html" else None)
    text = decode(data, declared)
    if not text.strip():
        raise EmptyArticle("file is empty")
    return Document(id=doc_id, source=source, kind=kind, text=text, given=given, raw=data)


def _json_record(line: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UnsupportedFormat(f"not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise UnsupportedFormat("a record must be a JSON object")
    return record


def record_document(record: dict, source: str) -> Document:
    """A Document from one bulk-import record ({"_id" or "id", "title", "text", "url"?})."""
    raw_id = record.get("_id", record.get("id"))
    if raw_id is None or str(raw_id).strip() == "":
        raise UnsupportedFormat('record has no "_id" or "id"')
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise UnsupportedFormat('record has no "text"')
    metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}

    def field(name: str) -> str | None:
        value = record.get(name, metadata.get(name))
        return sanitize(str(value)).strip() or None if value not in (None, "") else None

    given = Metadata(title=field("title"), author=field("author"), published=field("published"),
                     url=field("url"), site=field("site"), language=field("language"))
    raw = json.dumps({"_id": str(raw_id), "title": given.title, "text": text, "url": given.url},
                     ensure_ascii=False).encode("utf-8")
    return Document(id=sanitize(str(raw_id)).strip(), source=source, kind="record",
                    text=sanitize(text), given=given, raw=raw)


def load_bulk(path: Path) -> Iterator[Document | Skipped]:
    """Stream a JSON Lines file, one Document per good line, a Skipped per bad one."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Skipped(str(path), exc.strerror or str(exc))
        return
    with handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            where = f"{path}:{number}"
            try:
                yield record_document(_json_record(decode(raw)), where)
            except CorpusError as exc:
                yield Skipped(where, str(exc))


def load(sources: Iterable[str], title: str | None = None, url: str | None = None,
         doc_id: str | None = None) -> Iterator[Document | Skipped]:
    """Load every source (files, folders, URLs) lazily, never stopping at a bad one.

    `title`, `url` and `doc_id` describe a single article and apply to each file given.
    """
    given = Metadata(title=title, url=url)
    for source in expand(sources):
        if isinstance(source, Skipped):
            yield source
            continue
        try:
            if is_url(source):
                data, charset, media = fetch(source)
                claimed = "html" if media in (None, "text/html", "application/xhtml+xml") else (
                    "markdown" if media == "text/markdown" else "text")
                kind = sniff(data, claimed)
                name = slugify(re.sub(r"^https?://", "", source.rstrip("/")))
                yield document_from_bytes(data, source, kind, doc_id or name,
                                          Metadata(title=title, url=url or source), charset)
                continue
            path = Path(source)
            claimed = kind_of_name(path.name)
            if claimed == "bulk":
                yield from load_bulk(path)
                continue
            data = read_file(path)
            kind = sniff(data, claimed)
            yield document_from_bytes(data, source, kind, doc_id or slugify(path.stem), given)
        except (CorpusError, UnicodeDecodeError) as exc:
            yield Skipped(source, str(exc) if isinstance(exc, CorpusError) else "cannot decode text")
