"""The small typed records that flow between the ingestion and search stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "quote", "pre", "table"]
DocumentKind = Literal["html", "text", "markdown", "record", "mhtml", "pdf"]


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of article text as a cleaner produces it."""

    kind: BlockKind
    text: str
    #: Heading level (1-6) for headings; nesting depth (1 = top) for list items.
    level: int = 0
    #: The page it starts on, from 1, in a paged document (PDF); 0 elsewhere.
    page: int = 0


@dataclass(frozen=True, slots=True)
class Metadata:
    """What is known about an article besides its text; every field may be unknown."""

    title: str | None = None
    author: str | None = None
    #: ISO 8601 date (or date-time) as found in the page.
    published: str | None = None
    url: str | None = None
    site: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Dropped:
    """A block a cleaner left out of the article, and the rule that dropped it."""

    text: str
    #: The rule's name, as `corpus clean --explain` shows it.
    rule: str
    #: How many kept blocks precede it: its place in reading order.
    after: int = 0


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A cleaner's output: the article's metadata, its body as blocks, and what it left out."""

    metadata: Metadata
    blocks: tuple[Block, ...]
    #: The blocks left out, in reading order (cleaners that record them; empty otherwise).
    dropped: tuple[Dropped, ...] = ()
    #: Words of prose the page held before cleaning, furniture's included (menus and link
    #: lists may be left out), for cleaners that count them; None: the kept and dropped
    #: blocks' words stand in. `corpus add` warns when the article keeps a small share of
    #: them (indexer.clean.keeps_little).
    page_words: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """An article as loaded: decoded text and what the user said about it."""

    id: str
    #: Where it came from: a file path or URL, as the user gave it.
    source: str
    kind: DocumentKind
    text: str
    #: Metadata given by the user (`--title`, `--url`, JSONL fields); wins over the page's own.
    given: Metadata = field(default_factory=Metadata)
    #: The bytes to keep in the corpus: the file as read, or a bulk record re-encoded alone.
    raw: bytes = field(default=b"", repr=False)


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: metadata settled, body as blocks."""

    id: str
    source: str
    kind: DocumentKind
    title: str
    blocks: tuple[Block, ...]
    author: str | None = None
    published: str | None = None
    url: str | None = None
    site: str | None = None
    language: str | None = None
    #: Words of text the source held before cleaning (0: not counted).
    page_words: int = 0


@dataclass(frozen=True, slots=True)
class Section:
    """A run of blocks under one heading."""

    heading: str
    level: int
    #: Headings from the outermost down to this section's own.
    path: tuple[str, ...]
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Passage:
    """The unit that is indexed and returned: part of one section."""

    article_id: str
    #: Order of the passage within its article, from 0.
    position: int
    headings: tuple[str, ...]
    text: str
    #: The page it starts on, from 1, in a paged document (PDF); 0 elsewhere.
    page: int = 0
