"""Parse a page with lxml, and read the text of a parsed element the way readers see it.

lxml builds the tree in C; the stages that follow walk it in Python. bs4 over lxml
built the same tree from the same parser events, but as Python objects, which cost
most of the cleaning time. The text rules here are the ones the cleaner was tuned
with: comments, processing instructions and the text of script, style, template and
ruby annotations (rt, rp) are not text.
"""
from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

#: Elements whose strings are never reader-visible text, nor are those of their
#: descendants (bs4's "string containers").
INERT_TAGS = frozenset({"script", "style", "template", "rt", "rp"})


#: libxml2 stops building a tree (silently, in recovery mode) at this nesting depth and
#: drops the rest of the page; a tree that reaches it is rebuilt by `_DeepTree`.
MAX_PARSER_DEPTH = 2048
_REACHES_LIMIT = etree.XPath("boolean(/*" + "/*" * (MAX_PARSER_DEPTH - 1) + ")")


def parse(html: str) -> etree._Element | None:
    """The page's root element (<html>), or None when the text holds no element.

    libxml2 recovers from any markup. The page is fed as text, as bs4 did, so the
    charset it declares is not applied a second time; an XML prolog is allowed.
    huge_tree lifts libxml2's caps on text size; its depth cap stays, hence the check.
    """
    parser = etree.HTMLParser(recover=True, no_network=True, huge_tree=True)
    try:
        parser.feed(html)
        root = parser.close()
    except etree.XMLSyntaxError:  # nothing to build a document from ("", a lone comment)
        return None
    if root is not None and _REACHES_LIMIT(root):
        # Hostile nesting (thousands of levels): the parser's events go on past the
        # cap, so the tree is built from them in Python, slowly but whole.
        parser = etree.HTMLParser(recover=True, no_network=True, huge_tree=True, target=_DeepTree())
        parser.feed(html)
        root = parser.close()
    return root


class _DeepTree:
    """A parser target building the tree from parse events, at any depth.

    Names lxml's API refuses are left out: an attribute "xmlns:og" is kept by its
    local name ("og") when the element has none such; a tag "fb:like" becomes a
    span, whose text still counts.
    """

    def __init__(self) -> None:
        self.root: etree._Element | None = None
        self.open: list[etree._Element] = []
        self.last: etree._Element | None = None  # the element whose tail text goes to
        self.pending: list[str] = []

    def _flush(self) -> None:
        if not self.pending:
            return
        data, self.pending = "".join(self.pending), []
        if self.last is not None:
            self.last.tail = (self.last.tail or "") + data
        elif self.open:
            self.open[-1].text = (self.open[-1].text or "") + data

    def _attach(self, element: etree._Element) -> None:
        if self.open:
            self.open[-1].append(element)
        elif self.root is None:
            self.root = element

    def start(self, tag, attrib) -> None:
        self._flush()
        try:
            element = etree.Element(tag)
        except ValueError:
            element = etree.Element("span")
        for name, value in attrib.items():
            try:
                element.set(name, value)
            except ValueError:
                # "xml:lang" is read as lang where the element states no lang of its own.
                local = name.rpartition(":")[2]
                if local and local != name and element.get(local) is None:
                    try:
                        element.set(local, value)
                    except ValueError:
                        pass
        self._attach(element)
        self.open.append(element)
        self.last = None

    def end(self, tag) -> None:
        self._flush()
        if self.open:
            self.last = self.open.pop()

    def data(self, data: str) -> None:
        self.pending.append(data)

    def comment(self, text: str) -> None:
        self._flush()
        if self.open:
            comment = etree.Comment()  # its text is never read; only its tail
            self.open[-1].append(comment)
            self.last = comment

    def close(self) -> etree._Element | None:
        self._flush()
        return self.root


def strings(element: etree._Element, limit: int | None = None) -> Iterator[str]:
    """The element's text strings in document order, tails of its children included.

    An explicit stack rather than recursion: pages nest thousands of levels deep.
    With `limit`, stops once that many characters have been yielded.
    """
    size = 0
    pending: list = [element]
    while pending:
        item = pending.pop()
        if type(item) is str:
            yield item
            if limit is not None:
                size += len(item)
                if size > limit:
                    return
            continue
        tag = item.tag
        if type(tag) is not str or tag in INERT_TAGS:
            continue  # a comment's or script's own text; its tail was queued by its parent
        for child in reversed(item):
            tail = child.tail
            if tail:
                pending.append(tail)
            pending.append(child)
        if item.text:
            pending.append(item.text)


def text(element: etree._Element, separator: str = "") -> str:
    """All of the element's strings joined with `separator` (bs4's get_text)."""
    return separator.join(strings(element))


def inert_descendants(root: etree._Element) -> set:
    """Elements inside a template or ruby annotation: their text is never shown as such."""
    inert: set = set()
    for outer in root.iter("template", "rt", "rp"):
        if outer not in inert:  # nested ones are already in: each element is added once
            inert.update(outer.iterdescendants())
    return inert
