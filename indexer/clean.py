"""Clean: a loaded Document to an Article, whatever its kind; metadata settled.

`explain` is the same cleaning, told block by block: what was kept, what was left out
and by which rule, so that a page that keeps little can be looked into.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .decode import sanitize
from .errors import CorpusError, EmptyArticle, UnreadableArticle
from .formats import clean_document
from .load import is_content_id
from .models import Article, Block, Cleaned, Document, Dropped, Metadata

#: A page "keeps little" when its article holds under this share of the page's words ...
LITTLE_SHARE = 0.15
#: ... or fewer words than this, out of a page that held at least twice as many.
LITTLE_WORDS = 50


def keeps_little(words: int, page_words: int) -> bool:
    """Whether an article of `words` words is a small part of a page of `page_words`.

    A short note kept whole is not: only a page that had much more to give counts.
    """
    if page_words <= 0:
        return False
    return words < LITTLE_SHARE * page_words or (words < LITTLE_WORDS and page_words >= 2 * LITTLE_WORDS)


@dataclass(frozen=True, slots=True)
class Explanation:
    """What cleaning kept of a document and what it left out, in reading order."""

    title: str | None
    #: The kept blocks, as they are indexed.
    blocks: tuple[Block, ...]
    #: The blocks left out; `after` counts the kept blocks before each.
    dropped: tuple[Dropped, ...]
    #: Words of text the page held before cleaning.
    page_words: int

    @property
    def words(self) -> int:
        """Words kept."""
        return sum(_words(block.text) for block in self.blocks)


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


def _words(text: str) -> int:
    return len(text.split())


def _cleaned(document: Document) -> Cleaned:
    """The document's cleaner, applied; any failure but ours becomes UnreadableArticle.

    A hostile file costs its own skip, never the batch, a reindex or the corpus.
    """
    try:
        return clean_document(document)
    except CorpusError:
        raise
    except Exception as exc:  # a bug the file found (deep nesting, a parser's limit): name it
        raise UnreadableArticle(f"cannot clean this file ({type(exc).__name__}: {str(exc)[:200]})") from exc


def _settled(cleaned: Cleaned, explained: bool = False) -> tuple[tuple[Block, ...], tuple[Dropped, ...], int]:
    """Blocks sanitised (those left empty go), the page's words, and when `explained`,
    the dropped blocks sanitised too, their places kept in step (ingestion skips that work)."""
    blocks: list[Block] = []
    # kept[i]: how many of the first i blocks survive sanitising.
    kept = [0]
    for block in cleaned.blocks:
        block = replace(block, text=sanitize(block.text).strip())
        if block.text:
            blocks.append(block)
        kept.append(len(blocks))
    last = len(cleaned.blocks)
    dropped = tuple(replace(d, text=sanitize(d.text).strip(), after=kept[min(max(d.after, 0), last)])
                    for d in cleaned.dropped) if explained else ()
    page_words = cleaned.page_words
    if page_words is None:
        page_words = sum(_words(b.text) for b in blocks) + sum(_words(d.text) for d in cleaned.dropped)
    return tuple(blocks), dropped, page_words


def explain(document: Document) -> Explanation:
    """Clean a document and say what was kept and what was left out (never raises EmptyArticle)."""
    cleaned = _cleaned(document)
    blocks, dropped, page_words = _settled(cleaned, explained=True)
    title = _clean_str(_merge(document.given, cleaned.metadata).title) or _first_heading(blocks)
    return Explanation(title=title, blocks=blocks, dropped=dropped, page_words=page_words)


def clean(document: Document) -> Article:
    """Clean a document into an Article; raises EmptyArticle when no text is left."""
    cleaned = _cleaned(document)
    metadata = _merge(document.given, cleaned.metadata)
    blocks, _, page_words = _settled(cleaned)
    if not any(block.kind != "heading" for block in blocks):
        raise EmptyArticle("no article text found after cleaning")
    title = _clean_str(metadata.title) or _first_heading(blocks) or _untitled(document, blocks)
    return Article(id=document.id, source=document.source, kind=document.kind, title=title,
                   blocks=blocks, author=_clean_str(metadata.author),
                   published=_clean_str(metadata.published), url=_clean_str(metadata.url),
                   site=_clean_str(metadata.site), language=_clean_str(metadata.language),
                   page_words=page_words)


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
