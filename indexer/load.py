"""Load: turn the paths and URLs a user names into decoded `Document`s."""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .decode import declared_charset, decode, sanitize
from .errors import CorpusError, EmptyArticle, SourceNotFound, UnreadableArticle, UnsupportedFormat
from .formats import BY_KIND, MEDIA_KINDS, kind_of_name, sniff
from .models import Document, DocumentKind, Metadata

MAX_BYTES = 50 * 1024 * 1024
_URL = re.compile(r"^https?://", re.I)
#: The source name that means standard input (`corpus add -`).
STDIN = "-"
_CONTENT_ID = re.compile(r"(?:stdin-)?[0-9a-f]{12}")
#: How long one URL may take in all (connect, redirects, headers, body), and one read.
FETCH_DEADLINE = 60.0
FETCH_READ_TIMEOUT = 20.0
_MAX_REDIRECTS = 5
_MARKDOWN_HINT = re.compile(r"^(#{1,6}\s+\S|```|~~~|\S[^\n]*\n(=+|-+)[ \t]*$)|\[[^\]\n]+\]\([^)\s]+\)", re.M)


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


def expand(sources: Iterable[str], follow_links: bool = False) -> Iterator[str | Skipped]:
    """Each source as given, folders expanded (recursively, sorted) to the files they hold.

    A link inside a folder that leads outside it is passed over with a Skipped unless
    `follow_links`: adding a folder must not copy in files from elsewhere (a link to
    ~/.ssh/config in a shared folder). A link named on the command line is followed.
    """
    for source in sources:
        if source == STDIN or is_url(source):
            yield source
            continue
        path = Path(source)
        try:
            is_dir = path.is_dir()
        except (OSError, ValueError) as exc:  # a name too long, a NUL byte in it
            yield Skipped(source, getattr(exc, "strerror", None) or str(exc))
            continue
        if is_dir:
            yield from _walk(path, follow_links)
        elif _exists(path):
            yield source
        elif path.is_symlink():
            yield Skipped(source, "broken link")
        else:
            yield Skipped(source, "no such file or folder")


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a link loop, a name too long: reading it says why
        return path.is_symlink()


def _walk(top: Path, follow_links: bool) -> Iterator[str | Skipped]:
    """The files a folder holds, with the link policy of `expand`."""
    root = top.resolve()
    seen = {root}  # real folders walked: a link back up must not loop forever
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Skipped(str(folder), exc.strerror or str(exc))
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:  # a link loop (a.txt -> a.txt)
                is_dir = False
            if not is_dir and kind_of_name(entry.name) is None:
                continue
            if entry.is_symlink():
                try:
                    target = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):  # missing target, or a loop of links
                    yield Skipped(entry.path, "broken link")
                    continue
                inside = target == root or root in target.parents
                if not inside and not follow_links:
                    yield Skipped(entry.path, f"link to {target}, outside the folder; "
                                              "--follow-links adds it")
                    continue
                if is_dir and (inside or target in seen):
                    continue  # its files are (or will be) added from where they really are
            if is_dir:
                seen.add(Path(entry.path).resolve())
                folders.append(Path(entry.path))
            else:
                yield entry.path
        stack.extend(reversed(folders))


def read_file(path: Path) -> bytes:
    try:
        # A FIFO or device named like an article would block or never end: O_NONBLOCK keeps
        # opening a FIFO from waiting for a writer, and only a regular file is then read.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise UnsupportedFormat("not a regular file")
            return _read_capped(handle, info.st_size)
    except FileNotFoundError:
        raise SourceNotFound("no such file") from None
    except IsADirectoryError:
        raise SourceNotFound("is a folder") from None
    except PermissionError:
        raise SourceNotFound("permission denied") from None
    except OSError as exc:
        raise SourceNotFound(exc.strerror or str(exc)) from None


def _read_capped(handle: BinaryIO, size: int | None = None) -> bytes:
    """All of a stream's bytes, or UnsupportedFormat past MAX_BYTES (checked as it grows too)."""
    limit = f"the limit is {MAX_BYTES // 2**20} MiB"
    if size is not None and size > MAX_BYTES:
        raise UnsupportedFormat(f"file is {size // 2**20} MiB; {limit}")
    data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UnsupportedFormat(f"larger than {MAX_BYTES // 2**20} MiB; {limit}")
    return data


def fetch(url: str, deadline: float = FETCH_DEADLINE,
          read_timeout: float = FETCH_READ_TIMEOUT) -> tuple[bytes, str | None, str]:
    """GET a URL: its bytes, the charset and the media type its server declares.

    Every failure is a SourceNotFound or UnsupportedFormat with a one-line reason; see
    indexer/fetch.py for the limits.
    """
    from .fetch import get  # only URL adds pay for the HTTP stack

    return get(url, deadline=deadline, read_timeout=read_timeout, max_bytes=MAX_BYTES,
               media_types=frozenset(MEDIA_KINDS))


def document_from_bytes(data: bytes, source: str, kind: DocumentKind, doc_id: str,
                        given: Metadata = Metadata(), charset: str | None = None) -> Document:
    """Decode a single article's bytes as the given kind.

    Whatever the bytes, the result is a Document or a CorpusError about this one article:
    a hostile file must cost its own skip, never the batch or the corpus.
    """
    try:
        if kind == "record":
            return record_document(_json_record(decode(data)), source)
        if BY_KIND[kind].binary:  # its cleaner reads the bytes
            return Document(id=doc_id, source=source, kind=kind, text="", given=given, raw=data)
        declared = charset or (declared_charset(data) if kind == "html" else None)
        text = decode(data, declared)
        if not text.strip():
            raise EmptyArticle("file is empty")
        return Document(id=doc_id, source=source, kind=kind, text=text, given=given, raw=data)
    except CorpusError:
        raise
    except Exception as exc:  # a bug the file found: name it, skip the file, go on
        raise UnreadableArticle(f"cannot read this file ({type(exc).__name__}: {str(exc)[:200]})") from exc


def _json_record(line: str) -> dict:
    try:
        record = json.loads(line)
    except RecursionError:
        raise UnsupportedFormat("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, or an integer past Python's digit limit
        raise UnsupportedFormat(f"not valid JSON ({getattr(exc, 'msg', exc)})") from None
    if not isinstance(record, dict):
        raise UnsupportedFormat("a record must be a JSON object")
    return record


def content_id(data: bytes) -> str:
    """An id made from content (12 hex digits of its SHA-256), for an article with no name."""
    return hashlib.sha256(data).hexdigest()[:12]


def is_content_id(article_id: str) -> bool:
    """Whether an id was made by `content_id` (alone, or as stdin-HASH): it names nothing."""
    return _CONTENT_ID.fullmatch(article_id) is not None


def record_document(record: dict, source: str) -> Document:
    """A Document from one bulk-import record ({"_id" or "id", "title", "text", "url"?}).

    A record without an id gets one made from its content (as sqlite-utils' --hash-id
    does), so the same record added again is the same article."""
    raw_id = record.get("_id", record.get("id"))
    if raw_id is None and isinstance(record.get("text"), str):
        raw_id = content_id(json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8", "replace"))
    # Only scalars: str() of a nested value could recurse without bound.
    if not isinstance(raw_id, (str, int, float)) or isinstance(raw_id, bool) or str(raw_id).strip() == "":
        raise UnsupportedFormat('record has no "_id" or "id" (a string or number)')
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise UnsupportedFormat('record has no "text"')
    metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}

    def field(name: str) -> str | None:
        value = record.get(name, metadata.get(name))
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
            return None  # a list or object where a string belongs is not metadata
        return sanitize(str(value)).strip() or None

    given = Metadata(title=field("title"), author=field("author"), published=field("published"),
                     url=field("url"), site=field("site"), language=field("language"))
    raw = json.dumps({"_id": str(raw_id), "title": given.title, "text": text, "url": given.url},
                     ensure_ascii=False).encode("utf-8")
    return Document(id=sanitize(str(raw_id)).strip(), source=source, kind="record",
                    text=sanitize(text), given=given, raw=raw)


def load_bulk(path: Path, name: str | None = None) -> Iterator[Document | Skipped]:
    """Stream a JSON Lines file, one Document per good line, a Skipped per bad one."""
    name = name or str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Skipped(name, exc.strerror or str(exc))
        return
    with handle:
        yield from read_jsonl(bounded_lines(handle), name)


def bounded_lines(stream: BinaryIO) -> Iterator[bytes]:
    """A stream's lines, none read whole past MAX_BYTES: a longer line is passed on as its
    first MAX_BYTES + 1 bytes (too long for any reader), and the rest of it is skipped."""
    while line := stream.readline(MAX_BYTES + 1):
        if len(line) > MAX_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        yield line


def read_jsonl(lines: Iterable[bytes], name: str, first: int = 1) -> Iterator[Document | Skipped]:
    """Records from JSON Lines (`name:N` is each one's source), a Skipped per bad line."""
    for number, raw in enumerate(lines, first):
        if not raw.strip():
            continue
        where = f"{name}:{number}"
        if len(raw) > MAX_BYTES:
            yield Skipped(where, f"line is larger than {MAX_BYTES // 2**20} MiB")
            continue
        try:
            yield document_from_bytes(raw, where, "record", "")
        except CorpusError as exc:
            yield Skipped(where, str(exc))


def load_stdin(stream: BinaryIO, doc_id: str | None = None,
               given: Metadata = Metadata()) -> Iterator[Document | Skipped]:
    """`corpus add -`: JSON Lines if the first line is a JSON object, else one document.

    JSON Lines stream record by record (sources <stdin>:N). A single document is sniffed
    (HTML, Markdown or plain text; a whole JSON object is a record), its source is
    <stdin-HASH> and its id `doc_id` or stdin-HASH (HASH: 12 hex digits of its SHA-256).
    """
    source = "<stdin>"
    first, number = b"", 0
    lines = bounded_lines(stream)
    for number, first in enumerate(lines, 1):
        if first.strip():
            break
    if len(first) > MAX_BYTES:
        yield Skipped(source, f"larger than {MAX_BYTES // 2**20} MiB; the limit is {MAX_BYTES // 2**20} MiB")
        return
    if first.lstrip().startswith(b"{") and first.strip().endswith(b"}") and _is_object(first):
        yield from read_jsonl(_chain(first, lines), source, first=number)
        return
    try:
        data = first + _read_capped(stream)
    except CorpusError as exc:
        yield Skipped(source, str(exc))
        return
    # The source names the content, so two different notes piped in are two articles and
    # the same note piped twice is one, whichever way the store keys articles.
    name = f"stdin-{content_id(data)}"
    source = f"<{name}>"
    try:
        kind = _sniff_stdin(data)
        yield document_from_bytes(data, source, kind, doc_id or name, given)
    except CorpusError as exc:
        yield Skipped(source, str(exc))


def _is_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _chain(first: bytes, rest: Iterable[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _sniff_stdin(data: bytes) -> DocumentKind:
    kind = sniff(data, "text")
    if kind == "html":
        return kind
    head = data[:65536].decode("utf-8", "replace")
    if head.lstrip().startswith("{"):
        return "record"
    return "markdown" if _MARKDOWN_HINT.search(head) else "text"


def load(sources: Iterable[str], title: str | None = None, url: str | None = None,
         doc_id: str | None = None, follow_links: bool = False,
         stdin: BinaryIO | None = None) -> Iterator[Document | Skipped]:
    """Load every source (files, folders, URLs, "-" for stdin) lazily, never stopping at a bad one.

    `title`, `url` and `doc_id` describe a single article and apply to each file given.
    `follow_links` lets folders add what their links lead to outside them.
    """
    given = Metadata(title=title, url=url)
    for source in expand(sources, follow_links=follow_links):
        if isinstance(source, Skipped):
            yield Skipped(text_name(source.source), source.reason)
            continue
        path_name, source = source, text_name(source)
        try:
            if source == STDIN:
                yield from load_stdin(stdin if stdin is not None else sys.stdin.buffer, doc_id, given)
                continue
            if is_url(source):
                data, charset, media = fetch(source)
                kind = sniff(data, MEDIA_KINDS[media])
                name = slugify(re.sub(r"^https?://", "", source.rstrip("/")))
                yield document_from_bytes(data, source, kind, doc_id or name,
                                          Metadata(title=title, url=url or source), charset)
                continue
            path = Path(path_name)
            claimed = kind_of_name(path.name)
            if claimed == "bulk":
                yield from load_bulk(path, source)
                continue
            data = read_file(path)
            kind = sniff(data, claimed)
            yield document_from_bytes(data, source, kind, doc_id or slugify(path.stem), given)
        except CorpusError as exc:
            yield Skipped(source, str(exc))


def text_name(name: str) -> str:
    """A path as text that can be stored and printed: bytes of a file name that are not
    UTF-8 (kept by Python as lone surrogates, which no encoder accepts) become U+FFFD."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
