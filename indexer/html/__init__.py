"""HTML cleaning: a saved page in, its article's metadata and body blocks out.

The stages, in order, each a pure function:

    parse      text -> lxml tree           (the only parse; tree.py)
    metadata   tree -> Markup -> Metadata  (meta tags, JSON-LD, bylines, dates; metadata.py)
    normalize  tree -> Page                (text blocks with DOM context; normalize.py)
    extract    Page -> blocks              (main content by scored evidence; extract.py)
    untitle    blocks -> blocks            (the article's own title is metadata, not body)
"""
from __future__ import annotations

import gc
import re
from contextlib import contextmanager

from ..models import Block, Cleaned
from .extract import extract_blocks
from .metadata import collect_markup, extract_metadata
from .normalize import normalize
from .tree import parse

__all__ = ["clean_html", "parse"]

_WORDS = re.compile(r"\w+")


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
    with _collector_paused():
        root = parse(html)
        markup = collect_markup(root)
        page = normalize(root)
        del root
        # Visible bylines and datelines are short blocks near the top; the first few
        # hundred blocks hold them on any page.
        lines = [s.block.text for s in page.segments[:400] if s.chars < 200]
        metadata = extract_metadata(markup, url, lines)
        blocks = extract_blocks(page, markup.article_body)
        return Cleaned(metadata=metadata, blocks=tuple(untitle(blocks, metadata.title)))


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while a page is cleaned.

    Cleaning allocates tens of thousands of small objects (segments, blocks, node
    records) that stay alive until it ends, and each allocation burst made the collector
    rescan them for nothing (5% of the cleaning time). None of them forms a cycle (the
    tree is lxml's, in C memory). The collector resumes, if it was on, when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
