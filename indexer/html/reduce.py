"""A page of hundreds of thousands of links, made small enough to build a tree of.

A tree and the walk over it cost some 1 KB a node (lxml's tree, and the proxies a walk
keeps): a 15 MB page of 200,000 links took 415 MiB to clean (bs4's tree took 455 MiB to
parse alone). A page with more than HUGE_TAGS tags is first streamed through lxml's
parser (the parser the tree is built with, so the structure is the same) without
building any tree, and written out again with every long run of like siblings that each
hold just one link (list items, table cells, bare links between line breaks) cut to its
first RUN items plus one item holding the rest's text, as a link. The text, and how
much of it is link text, stay the same, so the extractor judges the run as before; only
the node count falls. Pages under HUGE_TAGS (every page of the extraction benchmark has
under 3,000) are never touched.
"""
from __future__ import annotations

import re
from html import escape

#: Pages with more tags than this (counted as "<") are reduced before parsing.
HUGE_TAGS = 50_000
#: Items of a run kept as they are; the rest become one.
RUN = 50
#: A run item holds at most this many elements (a link in a wrapper or two).
_ITEM_ELEMENTS = 3
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_RAW = frozenset({"script", "style"})
_NAME = re.compile(r"[^\s\"'<>/=]+")


class _Frame:
    """An open element: where its output starts, and whether it can still be a run item."""

    __slots__ = ("tag", "start", "item", "links", "elements", "texts", "run_tag", "run_count", "run_texts")

    def __init__(self, tag: str, start: int, links: int):
        self.tag = tag
        self.start = start
        #: Holds one link, no text outside it, and a few elements (so far).
        self.item = True
        self.links = links
        self.elements = 0
        self.texts: list[str] = []
        #: The run of like items among its children: their tag, how many, and the text
        #: of those past RUN (written out as one item when the run ends).
        self.run_tag: str | None = None
        self.run_count = 0
        self.run_texts: list[str] = []


class _Reducer:
    """An lxml parser target that writes the page out again, long runs cut."""

    def __init__(self):
        self.out: list[str] = []
        self.stack: list[_Frame] = []
        self.in_link = 0

    def _items(self):
        """The open elements that may still be run items: the innermost few."""
        for frame in reversed(self.stack):
            if not frame.item:
                return
            yield frame

    def _cutting(self) -> bool:
        """Whether the innermost open element is cutting a run (what lies between its
        items goes too)."""
        return bool(self.stack) and self.stack[-1].run_count > RUN

    def start(self, tag, attrib) -> None:
        tag = str(tag).lower()
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.run_tag not in (None, tag) and tag not in _VOID:
            self._flush(parent)
        for frame in self._items():
            frame.elements += 1
            frame.links += tag == "a"
            if frame.elements > _ITEM_ELEMENTS or frame.links > 1:
                frame.item = False
        attributes = "".join(f' {name}="{escape(str(value))}"' for name, value in attrib.items()
                             if _NAME.fullmatch(str(name)))
        self.stack.append(_Frame(tag, len(self.out), int(tag == "a")))
        self.out.append(f"<{tag}{attributes}>")
        self.in_link += tag == "a"

    def data(self, text) -> None:
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.tag in _RAW:
            self.out.append(text)
            return
        if not text.strip():
            if not self._cutting():
                self.out.append(text)
            return
        if frame is not None:
            self._flush(frame)
        for item in self._items():
            if self.in_link:
                item.texts.append(text)
            else:
                item.item = False
        self.out.append(escape(text, quote=False))

    def end(self, tag) -> None:
        frame = self.stack.pop()
        self._flush(frame)
        self.in_link -= frame.tag == "a"
        parent = self.stack[-1] if self.stack else None
        if frame.tag in _VOID:  # a line break between links neither ends nor joins a run
            if parent is not None and parent.run_count > RUN:
                del self.out[frame.start:]
            return
        self.out.append(f"</{frame.tag}>")
        if parent is None:
            return
        if not (frame.item and frame.links == 1):
            self._flush(parent, before=frame.start)
            return
        if parent.run_tag != frame.tag:
            self._flush(parent, before=frame.start)
            parent.run_tag = frame.tag
        parent.run_count += 1
        if parent.run_count > RUN:
            del self.out[frame.start:]
            parent.run_texts.append(" ".join("".join(frame.texts).split()))

    def comment(self, text) -> None:
        if not self._cutting():
            self.out.append(f"<!--{text}-->")

    def doctype(self, *args) -> None:
        self.out.append("<!DOCTYPE html>")

    def close(self) -> str:
        while self.stack:
            self.end(self.stack[-1].tag)
        return "".join(self.out)

    def _flush(self, frame: _Frame, before: int | None = None) -> None:
        """End `frame`'s run: the items cut from it go in as one (at `before`, if given)."""
        if frame.run_texts:
            link = f"<a>{escape(' '.join(frame.run_texts), quote=False)}</a>"
            merged = link if frame.run_tag == "a" else f"<{frame.run_tag}>{link}</{frame.run_tag}>"
            if before is None:
                self.out.append(merged)
            else:
                self.out.insert(before, merged)
        frame.run_tag, frame.run_count, frame.run_texts = None, 0, []


def is_huge(html: str) -> bool:
    return html.count("<") > HUGE_TAGS


def cut_runs(html: str) -> str:
    """The page with its long runs of one-link items cut (see the module docstring)."""
    from lxml import etree

    reducer = _Reducer()
    # The parser's events, as the tree is built from (tree.py reads bytes, with the depth
    # and size limits lifted; neither changes the structure of a page this shallow).
    parser = etree.HTMLParser(target=reducer, recover=True)
    for at in range(0, len(html), 1 << 16):
        parser.feed(html[at:at + (1 << 16)])
    return parser.close()
