"""Turn a parsed page into a flat list of text blocks, each with the DOM context it came from.

This is the only stage that reads the tree's text (metadata only looks at markup and a
few short elements). It skips what is never article text
(scripts, styles, hidden elements, form controls), cuts the rest into blocks of the
few kinds in `indexer.models.Block`, and records every block-level element as a
`Node` covering a range of segments, so that the extractor can score containers
without going back to the tree. The walk uses an explicit stack: pages nested
thousands of levels deep must not hit Python's recursion limit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml.etree import _Element, iterwalk

from ..models import Block
from . import rules
from .tree import INERT_TAGS, strings

# Hint bits a block-level element can carry (several may be set).
BOILERPLATE = 1
CONTENT = 2
STRONG_CONTENT = 4
CAPTION = 8
HEADER = 16


@dataclass(frozen=True, slots=True)
class Segment:
    """One block of text plus what the extractor needs to judge it."""

    block: Block
    #: Characters of text, and how many of them sit inside links.
    chars: int
    link_chars: int
    #: The block-level tag the text was collected under (p, li, div, td, h2, ...).
    tag: str


@dataclass(frozen=True, slots=True)
class Node:
    """A block-level element: its hints and the segments it contains."""

    tag: str
    hints: int
    depth: int
    #: Segments [first, end) lie inside this element.
    first: int
    end: int
    #: Index (in `Page.nodes`) of this element's last descendant node; its
    #: descendants are exactly the nodes after it up to and including this one.
    last: int
    #: Index of the enclosing node, -1 for the root.
    parent: int


@dataclass(frozen=True, slots=True)
class Page:
    """The normalised page: segments in reading order and the elements around them."""

    segments: tuple[Segment, ...]
    #: Block-level elements in document (pre-)order; nodes[0] is the body.
    nodes: tuple[Node, ...]


def _hidden(attrs) -> bool:
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style and rules.HIDDEN_STYLE.search(style) is not None:
        return True
    classes = attrs.get("class")
    return isinstance(classes, str) and _hidden_classes(classes)


@lru_cache(maxsize=4096)
def _hidden_classes(classes: str) -> bool:
    tokens = classes.lower().split()
    if not rules.HIDDEN_CLASSES.isdisjoint(tokens):
        return True
    for token in tokens:
        words = set(_WORD_SPLIT.split(token))
        if len(words) > 1 and words & rules.HOVER_WORDS and words & rules.BOX_WORDS:
            return True
    return False


_WORD_SPLIT = re.compile(r"[-_]+")


def _inline_caption(attrs) -> bool:
    """An inline element named as an image's caption or credit.

    Block-level captions are judged as furniture by the extractor; a caption set in
    a <span> inside the paragraph that holds the image would join that paragraph.
    """
    classes = attrs.get("class")
    return isinstance(classes, str) and _caption_classes(classes)


@lru_cache(maxsize=4096)
def _caption_classes(classes: str) -> bool:
    return any(not rules.CAPTION_WORDS.isdisjoint(_WORD_SPLIT.split(token))
               for token in classes.lower().split())


def _hints(name: str, attrs) -> int:
    hints = 0
    if name in rules.BOILERPLATE_TAGS:
        hints |= BOILERPLATE
    elif name in rules.CAPTION_TAGS:
        hints |= CAPTION
    elif name in rules.CONTENT_TAGS:
        hints |= CONTENT
    elif name == "header":
        hints |= HEADER
    if not attrs:
        return hints
    if attrs.get("itemprop") == "articleBody":
        return hints | STRONG_CONTENT
    role = attrs.get("role")
    if role in rules.BOILERPLATE_ROLES:
        hints |= BOILERPLATE
    elif role == "main":
        hints |= CONTENT
    classes, ident = attrs.get("class"), attrs.get("id")
    words = _word_hints(classes) if type(classes) is str else 0
    if type(ident) is str:
        words = _combine(words, _id_hints(ident))
    return hints | words


def _combine(first: int, second: int) -> int:
    # Article-body words on either attribute outweigh furniture words on the other.
    return STRONG_CONTENT if (first | second) & STRONG_CONTENT else first | second


@lru_cache(maxsize=4096)
def _word_hints(words: str) -> int:
    # Pages repeat the same class strings hundreds of times (every list item, every
    # paragraph), so the regexes run once per distinct string.
    return _id_hints(words)


def _id_hints(words: str) -> int:
    # Ids are mostly unique, so uncached.
    if words.isascii():
        return _ascii_hints(words)
    match = rules.HINT_WORDS.search(words)
    if match is None:
        return 0
    if match.lastgroup == "content" or rules.CONTENT_WORDS.search(words, match.end()):
        return STRONG_CONTENT
    return BOILERPLATE


def _ascii_hints(words: str) -> int:
    """`_id_hints` for ASCII words, without running the word lists' regex at every position.

    Every article-body name holds one of `_CONTENT_KEYS`, so the content regex runs only
    on the few strings that hold one; a furniture word is a whole token. (No furniture
    word overlaps an article-body name, so finding either anywhere is what the leftmost
    match of the combined regex decides. On ASCII, lower() is the regex's IGNORECASE.)
    """
    lowered = words.lower()
    if any(key in lowered for key in _CONTENT_KEYS) and rules.CONTENT_WORDS.search(words):
        return STRONG_CONTENT
    if rules.BOILERPLATE_TOKENS.isdisjoint(_TOKEN_SPLIT.split(lowered)):
        return 0
    return BOILERPLATE


_CONTENT_KEYS = ("body", "content", "text", "entry", "post")
_TOKEN_SPLIT = re.compile(r"[\s_-]+")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _table_is_layout(table: _Element) -> bool:
    """Whether a table lays out a page rather than holding data.

    Data tables are rendered as one block; layout tables are walked like divs.
    Nested tables, headings, lists, paragraphs or a run of prose (data cells are short)
    inside mean layout. One pass that stops at the first sign, so tables nested thousands
    deep are not rescanned at each level: a scan stops at the first nested table, so
    each node is scanned by at most one table, linear overall.
    """
    paragraphs = 0
    # (node, inert): the text of script, style, template and ruby annotations is no prose.
    pending: list = [(table, False)]
    while pending:
        node, inert = pending.pop()
        if type(node) is str:
            if not inert and len(node) > 200 and len(node.strip()) > 200:
                return True
            continue
        name = node.tag
        if type(name) is not str:
            continue  # comments, processing instructions (their tails are queued)
        if node is not table:
            if name in _LAYOUT_SIGNS:
                return True
            if name == "p":
                paragraphs += 1
                if paragraphs > 1:
                    return True
        inner = inert or name in INERT_TAGS
        for child in reversed(node):
            if child.tail:
                pending.append((child.tail, inert))
            pending.append((child, inner))
        if node.text:
            pending.append((node.text, inner))
    return False


_LAYOUT_SIGNS = frozenset({"table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "article",
                           "section"})


def _render_table(table: _Element) -> tuple[str, int]:
    """Rows one per line, cells joined with " | "; also the count of link characters."""
    rows = []
    link_chars = 0
    for tr in table.iterdescendants("tr"):
        cells = []
        for cell in tr.iterdescendants("td", "th"):
            text = _collapse(" ".join(strings(cell)))
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    for a in table.iterdescendants("a"):
        link_chars += len(_collapse(" ".join(strings(a))))
    return "\n".join(rows), link_chars


# What a block element changes about the blocks inside it, in one lookup per element.
_HEADING, _ITEM, _LIST, _QUOTE, _PRE = "heading", "item", "list", "quote", "pre"
_CONTEXTS = {**dict.fromkeys(rules.HEADING_LEVELS, _HEADING), **dict.fromkeys(rules.ITEM_TAGS, _ITEM),
             **dict.fromkeys(rules.LIST_TAGS, _LIST), **dict.fromkeys(rules.QUOTE_TAGS, _QUOTE),
             **dict.fromkeys(rules.PRE_TAGS, _PRE)}


class _Builder:
    """Mutable state of one walk; `normalize` is the pure entry point."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        # Node fields while open: [tag, hints, depth, first, end, last, parent]
        self.nodes: list[list] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.in_link = 0
        self.pre = 0
        self.quote = 0
        self.lists = 0
        self.items = 0
        self.headings: list[int] = []
        self.block_tags: list[str] = []
        self.open: list[int] = []
        self.breaks = 0

    def current_block(self) -> str:
        return self.block_tags[-1] if self.block_tags else "body"

    def text(self, value: str) -> None:
        if not value:
            return
        if self.pre:
            self.parts.append(value)
            return
        if not value.isspace():
            self.breaks = 0
        self.parts.append(value)
        if self.in_link:
            self.link_chars += len(_collapse(value))

    def line_break(self) -> None:
        # Two <br> in a row are how many pages separate paragraphs.
        self.breaks += 1
        if self.pre:
            self.parts.append("\n")
        elif self.breaks >= 2:
            self.flush()
        else:
            self.parts.append(" ")

    def flush(self) -> None:
        parts, self.parts = self.parts, []
        link_chars, self.link_chars = self.link_chars, 0
        self.breaks = 0
        if not parts:
            return
        if self.pre:
            text = "".join(parts).strip("\n")
            if not text.strip():
                return
            self._add(Block("pre", text), len(text), 0)
            return
        text = _collapse("".join(parts))
        if not text:
            return
        if self.headings:
            block = Block("heading", text, self.headings[-1])
        elif self.items:
            block = Block("item", text, max(self.lists, 1))
        elif self.quote:
            block = Block("quote", text)
        else:
            block = Block("paragraph", text)
        self._add(block, len(text), min(link_chars, len(text)))

    def _add(self, block: Block, chars: int, link_chars: int) -> None:
        tag = self.block_tags[-1] if self.block_tags else "body"
        self.segments.append(Segment(block, chars, link_chars, tag))

    def open_block(self, name: str, attrs) -> int:
        if self.parts:
            self.flush()
        else:
            self.breaks = 0  # all flush() does with no text pending
        index = len(self.nodes)
        self.nodes.append([name, _hints(name, attrs), len(self.block_tags),
                           len(self.segments), 0, index, self.open[-1] if self.open else -1])
        self.open.append(index)
        self.block_tags.append(name)
        context = _CONTEXTS.get(name)
        if context is not None:
            if context is _HEADING:
                self.headings.append(rules.HEADING_LEVELS[name])
            elif context is _ITEM:
                self.items += 1
            elif context is _LIST:
                self.lists += 1
            elif context is _QUOTE:
                self.quote += 1
            else:
                self.pre += 1
        return index

    def close_block(self, index: int, name: str) -> None:
        if self.parts:
            self.flush()
        else:
            self.breaks = 0
        node = self.nodes[index]
        node[4] = len(self.segments)
        node[5] = len(self.nodes) - 1
        self.block_tags.pop()
        self.open.pop()
        context = _CONTEXTS.get(name)
        if context is not None:
            if context is _HEADING:
                self.headings.pop()
            elif context is _ITEM:
                self.items -= 1
            elif context is _LIST:
                self.lists -= 1
            elif context is _QUOTE:
                self.quote -= 1
            else:
                self.pre -= 1

    def table(self, table: _Element) -> None:
        index = self.open_block("table", table.attrib)
        text, link_chars = _render_table(table)
        if text:
            self._add(Block("table", text), len(text), link_chars)
        self.close_block(index, "table")


# What the end of an element undoes (the element's entry on the walk's stack of open ones).
_NOTHING, _LINK, _ANNOTATION = -1, -2, -3


def normalize(root: _Element | None) -> Page:
    """Walk the page's body once and return its text blocks and block-level elements.

    `root` is the parsed page (tree.parse); None, for a page without elements, is a
    page without text. lxml's iterwalk drives the walk (in C, at any depth): an
    element's text comes at its start, its tail after its end.
    """
    builder = _Builder()
    if root is None:
        builder.nodes.append(["body", 0, 0, 0, 0, 0, -1])
        return Page((), (Node(*builder.nodes[0]),))
    # libxml2 makes <body> a child of <html>; the search is for trees built otherwise.
    body = root.find("body")
    if body is None:  # not `or`: an lxml element without children is false
        body = next(root.iter("body"), None)
    root = root if body is None else body
    walk = iterwalk(root, events=("start", "end", "comment", "pi"))
    ends: list[int] = []  # per open element: a node index to close, or one of the codes above
    inert = 0  # inside rt/rp: strings there are annotations, not text
    for event, item in walk:
        if event == "start":
            name = item.tag
            attrs = item.attrib
            if name in rules.DROP_TAGS or (attrs and _hidden(attrs)) or (
                    name in rules.INLINE_CAPTION_TAGS and attrs and _inline_caption(attrs)):
                walk.skip_subtree()
                ends.append(_NOTHING)
                continue
            if name == "br":
                builder.line_break()
                walk.skip_subtree()
                ends.append(_NOTHING)
                continue
            if name == "table" and not _table_is_layout(item):
                builder.table(item)
                walk.skip_subtree()
                ends.append(_NOTHING)
                continue
            # Custom elements are layout blocks, except inside a paragraph or heading,
            # where they wrap words (a citation marker, a tooltip source).
            if name in rules.BLOCK_TAGS or item is root or (
                    "-" in name and builder.current_block() not in rules.PHRASE_CONTAINERS):
                ends.append(builder.open_block(name, attrs))
            elif name == "a":
                builder.in_link += 1
                ends.append(_LINK)
            elif name in _ANNOTATIONS:
                inert += 1
                ends.append(_ANNOTATION)
            else:
                ends.append(_NOTHING)
            text = item.text
            if text and not inert:
                builder.text(text)
            continue
        if event == "end":
            code = ends.pop()
            if code >= 0:
                builder.close_block(code, item.tag)
            elif code == _LINK:
                builder.in_link -= 1
            elif code == _ANNOTATION:
                inert -= 1
            if item is root:
                break
        # After an element's end, or a comment or processing instruction: its tail.
        tail = item.tail
        if tail and not inert:
            builder.text(tail)
    builder.flush()
    nodes = tuple(Node(*fields) for fields in builder.nodes)
    return Page(tuple(builder.segments), nodes)


_ANNOTATIONS = INERT_TAGS - rules.DROP_TAGS
