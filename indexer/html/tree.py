"""The parse: a page's text as an lxml element tree, and the text an element shows.

lxml builds the tree in C from libxml2's HTML parser, the parser bs4 drove from Python
before (bs4's tree builder took three fifths of the cleaning time). In lxml's tree an
element's text is `.text` (before its first child) and each child's `.tail` (after it);
comments and processing instructions are elements whose tag is not a string. `strings`
gives an element's text in reading order as bs4's `get_text` did: no comments, and none
of the text of scripts, styles, templates or ruby annotations (<rt>, <rp>).

libxml2 builds trees at most 2048 elements deep (256 without its "huge" option) and drops
the rest of the page past that depth; a page nested deeper (broken markup that never
closes its tags, or a hostile file) is built again from the parser's events, which have
no such limit, into the same kind of tree.
"""
from __future__ import annotations

import re
from typing import Iterator

from lxml import etree

Element = etree._Element

#: Elements whose own text is never part of the text around them: code, styles, inert
#: templates, and the pronunciation a ruby annotation prints over its base text.
STRING_CONTAINERS = frozenset({"script", "style", "template", "rt", "rp"})


def _parser(**options) -> etree.HTMLParser:
    # huge_tree lifts libxml2's limits on depth (to 2048) and on a text's size (10 MB, past
    # which a text was lost whole); ids are not looked up, so not indexed.
    return etree.HTMLParser(huge_tree=True, collect_ids=False, default_doctype=False,
                            encoding="utf-8", **options)


def parse(html: str) -> Element:
    """Parse text as HTML: the <html> element (libxml2 adds it, with <body>, where missing)."""
    # Bytes with the encoding named: libxml2 reads no <meta charset> or XML prolog over it
    # (a str with an XML prolog is refused), and the parser keeps its error log.
    data = html.encode("utf-8", "replace")
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:  # nothing to parse: an empty text, or only comments
        root = None
    if any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in parser.error_log):
        root = _built_from_events(data)
    return root if root is not None else etree.Element("html")


def _built_from_events(data: bytes) -> Element | None:
    """The tree of a page nested deeper than libxml2 builds, from the parser's events."""
    target = _Target()
    return etree.fromstring(data, _parser(target=target))


_NOT_NAME = re.compile(r"[^\w.-]")


class _Target:
    """An lxml parser target that builds the tree itself (the parser's depth limit is
    its tree builder's). Names lxml refuses ("fb:like") keep their letters; attributes
    with such names are left out, as no rule reads them."""

    def __init__(self) -> None:
        self.stack: list[Element] = []
        self.root: Element | None = None

    def start(self, tag: str, attrib) -> None:
        name = _NOT_NAME.sub("_", tag)
        if not name or not (name[0].isalpha() or name[0] == "_"):
            name = "_" + name
        if self.stack:
            element = etree.SubElement(self.stack[-1], name)
        elif self.root is None:
            element = self.root = etree.Element(name)
        else:
            return  # a second top-level element: libxml2 makes none
        for key, value in attrib.items():
            try:
                element.set(key, value)
            except ValueError:
                pass
        self.stack.append(element)

    def end(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def data(self, text: str) -> None:
        if not self.stack:
            return
        parent = self.stack[-1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    def comment(self, text: str) -> None:
        if self.stack:
            try:
                self.stack[-1].append(etree.Comment(text))
            except ValueError:  # "--" inside: its text is never read, only what follows it
                self.stack[-1].append(etree.Comment(""))

    def close(self) -> Element | None:
        return self.root


def strings(element: Element) -> Iterator[str]:
    """The element's text in reading order, piece by piece, as a reader sees it (nothing
    for a script, style, template or annotation; callers ask of none inside one)."""
    # Explicit stack: pages nest thousands of levels deep. Elements walked stay referenced
    # until the walk ends: lxml frees a proxy by looking up its ancestors for a live one,
    # which would cost the depth at every element.
    pending: list = [element]
    walked: list = []
    while pending:
        item = pending.pop()
        if type(item) is str:
            yield item
            continue
        walked.append(item)
        tag = item.tag
        if type(tag) is not str or tag in STRING_CONTAINERS:
            continue  # a comment's or script's text; its tail was pushed by its parent
        for child in reversed(item):
            tail = child.tail
            if tail:
                pending.append(tail)
            pending.append(child)
        text = item.text
        if text:
            pending.append(text)


def text_of(element: Element, separator: str = "") -> str:
    """The element's text, its pieces joined by `separator`."""
    return separator.join(strings(element))


def first(root: Element, tag: str) -> Element | None:
    """The first element named `tag` at or below `root`, in document order."""
    return next(root.iter(tag), None)
