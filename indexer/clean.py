"""Clean: a loaded Document to an Article, whatever its kind; metadata settled."""
from __future__ import annotations

from dataclasses import replace

from .decode import sanitize
from .errors import CorpusError, EmptyArticle, UnreadableArticle
from .formats import clean_document
from .load import is_content_id
from .models import Article, Block, Document, Metadata


#: A title made from an article's first line is cut near this many characters.
TITLE_CHARS = 80


def _merge(given: Metadata, found: Metadata) -> Metadata:
    """What the user said wins over what the page says."""
    return Metadata(**{name: getattr(given, name) or getattr(found, name) for name in Metadata.__slots__})


def _clean_str(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(sanitize(value).split())
    return value or None


def clean(document: Document) -> Article:
    """Clean a document into an Article; raises EmptyArticle when no text is left.

    Any other failure on this document's content is an UnreadableArticle: a hostile file
    costs its own skip, never the batch, a reindex or the corpus.
    """
    try:
        cleaned = clean_document(document)
    except CorpusError:
        raise
    except Exception as exc:  # a bug the file found (deep nesting, a parser's limit): name it
        raise UnreadableArticle(f"cannot clean this file ({type(exc).__name__}: {str(exc)[:200]})") from exc
    metadata = _merge(document.given, cleaned.metadata)
    blocks = tuple(replace(block, text=sanitize(block.text).strip()) for block in cleaned.blocks)
    blocks = tuple(block for block in blocks if block.text)
    if not any(block.kind != "heading" for block in blocks):
        raise EmptyArticle("no article text found after cleaning")
    title = _clean_str(metadata.title) or _first_heading(blocks) or _untitled(document, blocks)
    return Article(id=document.id, source=document.source, kind=document.kind, title=title,
                   blocks=blocks, author=_clean_str(metadata.author),
                   published=_clean_str(metadata.published), url=_clean_str(metadata.url),
                   site=_clean_str(metadata.site), language=_clean_str(metadata.language))


def _first_heading(blocks: tuple[Block, ...]) -> str | None:
    return next((block.text for block in blocks if block.kind == "heading"), None)


def _untitled(document: Document, blocks: tuple[Block, ...]) -> str:
    """The title of an article that gives none: its name (a file's, a URL's, a record's
    id); or, for one known only by a hash of its content (piped in, a record without an
    id), its first line, cut at a word near TITLE_CHARS."""
    if not is_content_id(document.id):
        return document.id
    line = " ".join(blocks[0].text.split("\n", 1)[0].split())
    if len(line) <= TITLE_CHARS:
        return line
    cut = line[:TITLE_CHARS + 1].rsplit(" ", 1)[0] if " " in line[:TITLE_CHARS + 1] else line[:TITLE_CHARS]
    return cut.rstrip(" ,;:.-") + "\u2026"
