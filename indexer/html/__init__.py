"""HTML cleaning: a saved page in, its article's metadata and body blocks out.

The stages, in order, each a pure function:

    reduce     text -> text                (a huge page's long runs of links cut; reduce.py)
    parse      text -> BeautifulSoup tree (lxml), the only parse
    normalize  tree -> Page                (text blocks with DOM context; normalize.py)
    metadata   tree, Page -> Metadata      (meta tags, JSON-LD, bylines, dates; metadata.py)
    extract    Page -> blocks              (main content by scored evidence; extract.py)
    untitle    blocks -> blocks            (the article's own title is metadata, not body)
"""
from __future__ import annotations

import gc
import re
import warnings
from contextlib import contextmanager

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

try:  # bs4 4.13+; before it, attributes were plain dicts already
    from bs4.element import AttributeDict
    _PLAIN_ATTRIBUTES = {"attribute_dict_class": AttributeDict}
except ImportError:
    _PLAIN_ATTRIBUTES = {}

from ..models import Block, Cleaned
from .extract import extract_blocks
from .metadata import collect_markup, extract_metadata
from .normalize import normalize
from .reduce import cut_runs, is_huge

__all__ = ["clean_html"]

_WORDS = re.compile(r"\w+")


def parse(html: str) -> BeautifulSoup:
    """Parse text as HTML with lxml.

    bs4 warns when the text looks like a file name or URL, or like XML (XHTML pages
    with an <?xml?> prolog). Here the text is always a page's markup and HTML parsing
    is what we want for XHTML too, so those two warnings are noise; others still show.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        # Class lists stay plain strings: the hints are matched against the whole
        # attribute, and splitting every class attribute costs parse time. Attributes
        # go into a plain dict: bs4's lxml builder otherwise uses one whose __setitem__
        # converts None, bool and number values, which lxml never gives, twice per
        # attribute (a tenth of the parse).
        return BeautifulSoup(html, "lxml", multi_valued_attributes=None, **_PLAIN_ATTRIBUTES)


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def untitle(blocks: list[Block], title: str | None) -> list[Block]:
    """Drop the heading that repeats the title, and whatever the container put before it.

    In-body headings stay. Text above the article's own title (kickers, tickers,
    breadcrumbs) belongs to the page around the article, not to the article.
    """
    if not title:
        return blocks
    key = _key(title)
    for position, block in enumerate(blocks):
        if block.kind == "heading" and key and _key(block.text) == key:
            return blocks[position + 1:]
    return blocks


def clean_html(html: str, url: str | None = None) -> Cleaned:
    """Clean a page: metadata from its markup, body as blocks without the title."""
    if is_huge(html):  # hundreds of thousands of links: their long runs cut first (reduce.py)
        html = cut_runs(html)
    with _tree_work():
        soup = parse(html)
        try:
            markup = collect_markup(soup)
            page = normalize(soup)
        finally:
            # A bs4 tree is a web of cycles (parent <-> child); taken apart here it is
            # freed at once by reference counting instead of by the cyclic collector.
            soup.decompose()
    # Visible bylines and datelines are short blocks near the top; the first few
    # hundred blocks hold them on any page.
    lines = [s.block.text for s in page.segments[:400] if s.chars < 200]
    metadata = extract_metadata(markup, url, lines)
    blocks = extract_blocks(page, markup.article_body)
    return Cleaned(metadata=metadata, blocks=tuple(untitle(blocks, metadata.title)))


@contextmanager
def _tree_work():
    """Pause the cyclic garbage collector while a tree is built, read and taken apart.

    Building a tree allocates tens of thousands of objects that all stay alive, and
    every allocation burst made the collector rescan them for nothing (about 15% of
    the cleaning time). Nothing cyclic outlives the block: the tree is decomposed.
    The collector resumes, if it was on, when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
