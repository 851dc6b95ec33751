"""Turn a parsed page into a flat list of text blocks, each with the DOM context it came from.

This is the only stage that walks the tree. It skips what is never article text
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

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from ..models import Block
from . import rules

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
    #: The class, id and role words of a node hinted as furniture or caption (to name
    #: the rule that dropped its text) or as the article's text (to find its sections);
    #: empty otherwise.
    names: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    """The normalised page: segments in reading order and the elements around them."""

    segments: tuple[Segment, ...]
    #: Block-level elements in document (pre-)order; nodes[0] is the body.
    nodes: tuple[Node, ...]


def _hidden(tag: Tag) -> bool:
    attrs = tag.attrs
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


def _hidden_page(tag: Tag) -> bool:
    """A hidden element that is a further page of what a visible sibling shows: a
    slideshow's other slides, a recipe's other tabs, each a sibling of the same tag with
    the same classes (less the hiding ones and those that number it), of which a script
    shows one at a time.

    Hidden from assistive technology too (aria-hidden) is a copy, never a page.
    """
    attrs = tag.attrs
    classes = attrs.get("class")
    if not isinstance(classes, str) or attrs.get("aria-hidden") == "true":
        return False
    own = _lasting_classes(classes) - rules.HIDDEN_CLASSES
    parent = tag.parent
    if not own or parent is None or len(parent.contents) > MAX_PAGE_SIBLINGS:
        return False
    for sibling in parent.contents:
        if type(sibling) is Tag and sibling.name == tag.name and sibling is not tag:
            other = sibling.attrs.get("class")
            if isinstance(other, str) and own <= _lasting_classes(other) and not _hidden(sibling):
                return True
    return False


def _lasting_classes(classes: str) -> set[str]:
    """Class tokens but those numbering one of a series ("section-3", "slide_12")."""
    return {token for token in classes.lower().split() if not any(c.isdigit() for c in token)}


#: Siblings looked through for a visible page beside a hidden one (a hidden element
#: among more is no slide, and the look stays linear).
MAX_PAGE_SIBLINGS = 200


def _inline_caption(tag: Tag) -> bool:
    """An inline element named as an image's caption or credit.

    Block-level captions are judged as furniture by the extractor; a caption set in
    a <span> inside the paragraph that holds the image would join that paragraph.
    """
    classes = tag.attrs.get("class") if tag.attrs else None
    return isinstance(classes, str) and _caption_classes(classes)


@lru_cache(maxsize=4096)
def _caption_classes(classes: str) -> bool:
    return any(not rules.CAPTION_WORDS.isdisjoint(_WORD_SPLIT.split(token))
               for token in classes.lower().split())


def _hints(name: str, attrs: dict) -> int:
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


def _names(attrs: dict) -> str:
    """The attribute words that may have named an element furniture: class, id, role."""
    return " ".join(value for value in (attrs.get("class"), attrs.get("id"), attrs.get("role"))
                    if type(value) is str)


def _combine(first: int, second: int) -> int:
    # Article-body words on either attribute outweigh furniture words on the other.
    return STRONG_CONTENT if (first | second) & STRONG_CONTENT else first | second


@lru_cache(maxsize=4096)
def _word_hints(words: str) -> int:
    # Pages repeat the same class strings hundreds of times (every list item, every
    # paragraph), so the regexes run once per distinct string.
    if _POST_CLASSES.search(words) and _TAXONOMY.search(words):
        # Blog engines name a post's own tags and categories in its classes
        # ("tag-sharing", "category-photo"): they describe the post, not furniture.
        words = _TAXONOMY.sub(" ", words)
    return _id_hints(words)


# WordPress's post_class(): "post-123 type-post status-publish ... category-x tag-y".
_POST_CLASSES = re.compile(r"(?:^|\s)(?:post-\d+|type-\w+|hentry)(?=\s|$)")
_TAXONOMY = re.compile(r"(?:^|\s)(?:" + "|".join(rules.TAXONOMY_CLASS_PREFIXES) + r")-\S*", re.IGNORECASE)


def _id_hints(words: str) -> int:
    # Ids are mostly unique, so uncached.
    return _ascii_hints(words) if words.isascii() else regex_hints(words)


def regex_hints(words: str) -> int:
    """The hints of class or id words by the rules' regexes: the definition that the
    token-set path for ASCII words (_ascii_hints) computes faster."""
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
    if lowered != words:  # "RelatedCoverage", "ShareBar": camelCase words are words too
        lowered = _CAMEL.sub(r"\1 \2", words).lower()
    if rules.BOILERPLATE_TOKENS.isdisjoint(_TOKEN_SPLIT.split(lowered)):
        return 0
    return BOILERPLATE


_CONTENT_KEYS = ("body", "content", "text", "entry", "post")
_TOKEN_SPLIT = re.compile(r"[\s_-]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _table_is_layout(table: Tag) -> bool:
    """Whether a table lays out a page rather than holding data.

    Data tables are rendered as one block; layout tables are walked like divs.
    Nested tables, headings, lists, paragraphs or a run of prose (data cells are short)
    inside mean layout. One pass that stops at the first sign, so tables nested thousands
    deep are not rescanned at each level.
    """
    paragraphs = 0
    # An explicit stack over `.contents`, not `table.descendants`: bs4 finds the end of
    # `descendants` by walking to the subtree's last leaf, which costs the nesting depth
    # at every table and made 6,000 nested tables take minutes. A scan stops at the
    # first nested table, so each node is scanned by at most one table: linear overall.
    pending = list(reversed(table.contents))
    while pending:
        node = pending.pop()
        kind = type(node)
        if kind is Tag:
            name = node.name
            if name in _LAYOUT_SIGNS:
                return True
            if name == "p":
                paragraphs += 1
                if paragraphs > 1:
                    return True
            if node.contents:
                pending.extend(reversed(node.contents))
        elif kind is NavigableString and len(node) > 200 and len(node.strip()) > 200:
            return True
    return False


_LAYOUT_SIGNS = frozenset({"table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "article",
                           "section"})


def _render_table(table: Tag) -> tuple[str, int]:
    """Rows one per line, cells joined with " | "; also the count of link characters."""
    rows = []
    link_chars = 0
    for tr in table.find_all("tr"):
        cells = []
        for cell in tr.find_all(("td", "th")):
            text = _collapse(cell.get_text(" "))
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    for a in table.find_all("a"):
        link_chars += len(_collapse(a.get_text(" ")))
    return "\n".join(rows), link_chars


class _Close:
    """Stack marker: the element opened as node `index` ends here."""

    __slots__ = ("index", "name")

    def __init__(self, index: int, name: str):
        self.index = index
        self.name = name


class _InlineClose:
    """Stack marker: an inline element that changes block context (a, br-less) ends."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


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
        #: Nodes that opened a paragraph-like block inside a heading (see open_block).
        self.unheaded: list[int] = []
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
        if self.headings and self.headings[-1]:
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

    def open_block(self, name: str, attrs: dict) -> int:
        if self.parts:
            self.flush()
        else:
            self.breaks = 0  # all flush() does with no text pending
        index = len(self.nodes)
        hints = _hints(name, attrs)
        names = _names(attrs) if hints & (BOILERPLATE | CAPTION | STRONG_CONTENT) and attrs else ""
        self.nodes.append([name, hints, len(self.block_tags),
                           len(self.segments), 0, index, self.open[-1] if self.open else -1, names])
        self.open.append(index)
        self.block_tags.append(name)
        context = _CONTEXTS.get(name)
        if context is not None:
            if context is _HEADING:
                self.headings.append(rules.HEADING_LEVELS[name])
                return index
            elif context is _ITEM:
                self.items += 1
            elif context is _LIST:
                self.lists += 1
            elif context is _QUOTE:
                self.quote += 1
            else:
                self.pre += 1
        # A heading left unclosed swallows the body after it (browsers render its
        # paragraphs as paragraphs, only larger): a paragraph, list or table inside a
        # heading is not heading text. Level 0 marks that until the block closes.
        if self.headings and self.headings[-1] and name in rules.UNHEADING_TAGS:
            self.headings.append(0)
            self.unheaded.append(index)
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
        if self.unheaded and self.unheaded[-1] == index:
            self.unheaded.pop()
            self.headings.pop()
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

    def table(self, table: Tag) -> None:
        index = self.open_block("table", table.attrs)
        text, link_chars = _render_table(table)
        if text:
            self._add(Block("table", text), len(text), link_chars)
        self.close_block(index, "table")


def normalize(soup: BeautifulSoup, noscript: bool = False) -> Page:
    """Walk the page's body once and return its text blocks and block-level elements.

    `noscript` reads what <noscript> holds too: the page a browser without scripts
    shows, which is all the text some pages have.
    """
    root = soup.body or soup.find("html") or soup
    dropped = rules.DROP_TAGS - {"noscript"} if noscript else rules.DROP_TAGS
    builder = _Builder()
    stack: list = [root]
    text_types = (NavigableString, CData)
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in text_types:
            builder.text(item)
            continue
        if kind is _Close:
            builder.close_block(item.index, item.name)
            continue
        if kind is _InlineClose:
            builder.in_link -= 1
            continue
        if kind is not Tag:
            continue  # comments, doctypes, processing instructions, script text
        name = item.name
        if name in dropped or (_hidden(item) and not _hidden_page(item)):
            continue
        if name in rules.INLINE_CAPTION_TAGS and _inline_caption(item):
            continue
        if name == "br":
            builder.line_break()
            continue
        if name == "table" and not _table_is_layout(item):
            builder.table(item)
            continue
        # Custom elements are layout blocks, except inside a paragraph or heading,
        # where they wrap words (a citation marker, a tooltip source).
        if name in rules.BLOCK_TAGS or item is root or (
                "-" in name and builder.current_block() not in rules.PHRASE_CONTAINERS):
            index = builder.open_block(name, item.attrs)
            stack.append(_Close(index, name))
        elif name == "a":
            builder.in_link += 1
            stack.append(_InlineClose(name))
        contents = item.contents
        if contents:
            stack.extend(reversed(contents))
    builder.flush()
    nodes = tuple(Node(*fields) for fields in builder.nodes)
    return Page(tuple(builder.segments), nodes)
