"""HTML cleaning: a saved page in, its article's metadata and body blocks out.

The stages, in order, each a pure function:

    reduce     text -> text                (a huge page's long runs of links cut; reduce.py)
    parse      text -> BeautifulSoup tree (lxml), the only parse
    normalize  tree -> Page                (text blocks with DOM context; normalize.py)
    metadata   tree, Page -> Metadata      (meta tags, JSON-LD, bylines, dates; metadata.py)
    headline   Page, titles -> segment     (the heading that says the title; dates near it)
    judge      Page -> verdicts            (main content by scored evidence; extract.py)
    untitle    verdicts -> blocks, dropped (the article's own title is metadata, not body)
    stated     JSON-LD -> blocks           (the body the page states, when its visible
                                            article keeps little of it; stated.py)
"""
from __future__ import annotations

import gc
import re
import warnings
from contextlib import contextmanager
from dataclasses import replace

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

try:  # bs4 4.13+; before it, attributes were plain dicts already
    from bs4.element import AttributeDict
    _PLAIN_ATTRIBUTES = {"attribute_dict_class": AttributeDict}
except ImportError:
    _PLAIN_ATTRIBUTES = {}

from ..models import Block, Cleaned, Dropped
from .extract import headline, judge
from .metadata import collect_markup, extract_metadata, shown_date, titles
from .normalize import Page, normalize
from .reduce import cut_runs, is_huge
from .stated import stated_body

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


def take_apart(soup: BeautifulSoup) -> None:
    """Take a parsed tree apart, so that reference counting frees it at once.

    A bs4 tree is a web of cycles (parent <-> child), which otherwise waits for the cyclic
    collector, whose runs then scan every node of every page. `decompose` walks the
    `next_element` chain, which bs4 4.15's lxml builder leaves unlinked at the root (the
    soup's own `next_element` is None, so `soup.decompose()` alone freed nothing): each
    top-level node is taken apart from itself.
    """
    for child in list(soup.contents):
        child.decompose()
    soup.decompose()


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


#: Blocks above and below the headline where a date is the article's own.
DATE_ABOVE, DATE_BELOW = 3, 25
#: A page with fewer words of prose than this is read again with its <noscript> text.
NOSCRIPT_BELOW = 50

TITLE = "the article's title (kept as its title)"
ABOVE_TITLE = "above the article's title"
STATED = "in place of the body the page states in its JSON-LD"


def untitle(blocks: list[Block], title: str | None) -> list[Block]:
    """Drop the heading that repeats the title, and whatever the container put before it.

    In-body headings stay. Text above the article's own title (kickers, tickers,
    breadcrumbs) belongs to the page around the article, not to the article.
    """
    return blocks[_title_at(blocks, title) + 1:]


def _title_at(blocks: list[Block], title: str | None) -> int:
    """Where the heading that repeats the title is among `blocks`, or -1."""
    key = _key(title) if title else ""
    if key:
        for position, block in enumerate(blocks):
            if block.kind == "heading" and _key(block.text) == key:
                return position
    return -1


def _explained(page: Page, verdicts: tuple[str, ...], title: str | None
               ) -> tuple[tuple[Block, ...], tuple[Dropped, ...]]:
    """The kept blocks without the title, and every other block with its rule, in order."""
    segments = page.segments
    kept = [position for position, verdict in enumerate(verdicts) if not verdict]
    at = _title_at([segments[position].block for position in kept], title)
    titled = dict.fromkeys(kept[:at + 1], ABOVE_TITLE)
    if at >= 0:
        titled[kept[at]] = TITLE
    blocks: list[Block] = []
    dropped: list[Dropped] = []
    for segment, verdict, position in zip(segments, verdicts, range(len(segments))):
        rule = verdict or titled.get(position)
        if rule:
            dropped.append(Dropped(segment.block.text, rule, len(blocks)))
        else:
            blocks.append(segment.block)
    return tuple(blocks), tuple(dropped)


def clean_html(html: str, url: str | None = None) -> Cleaned:
    """Clean a page: metadata from its markup, body as blocks without the title, and
    every block left out with the rule that left it out."""
    if is_huge(html):  # hundreds of thousands of links: their long runs cut first (reduce.py)
        html = cut_runs(html)
    with _tree_work():
        soup = parse(html)
        try:
            markup = collect_markup(soup)
            page = normalize(soup)
            if prose_words(page) < NOSCRIPT_BELOW:
                # A page built by scripts may hold its text only for browsers without them.
                shown = normalize(soup, noscript=True)
                if prose_words(shown) > prose_words(page):
                    page = shown
        finally:
            take_apart(soup)
    # Visible bylines and datelines are short blocks near the top; the first few
    # hundred blocks hold them on any page.
    lines = [s.block.text for s in page.segments[:400] if s.chars < 200]
    metadata = extract_metadata(markup, url, lines)
    top = headline(page, titles(markup, metadata))
    if metadata.published is None and top is not None:
        # A date the page shows by the headline, though without a time of day.
        near = page.segments[max(0, top - DATE_ABOVE):top + DATE_BELOW]
        metadata = replace(metadata, published=shown_date([s.block.text for s in near], metadata.language))
    extraction = judge(page, markup.article_body, top)
    blocks, dropped = _explained(page, extraction.verdicts, metadata.title)
    page_words = prose_words(page, extraction.verdicts)
    stated = stated_body(markup.json_ld, sum(len(block.text.split()) for block in blocks)) \
        if markup.json_ld else ()
    if stated:
        # The page's own statement of its body holds the article its visible text lacks.
        dropped = tuple(Dropped(segment.block.text, STATED, 0) for segment in page.segments)
        blocks = tuple(untitle(list(stated), metadata.title))
        page_words = max(page_words, sum(len(block.text.split()) for block in blocks))
    return Cleaned(metadata=metadata, blocks=blocks, dropped=dropped, page_words=page_words)


def prose_words(page: Page, verdicts: tuple[str, ...] = ()) -> int:
    """Words of the page's prose: its text blocks but menus and link lists (those kept
    by `verdicts` count whatever their links)."""
    kept = [not verdict for verdict in verdicts] or [False] * len(page.segments)
    return sum(len(s.block.text.split()) for s, keep in zip(page.segments, kept)
               if keep or s.link_chars * 2 <= s.chars)


@contextmanager
def _tree_work():
    """Pause the cyclic garbage collector while a tree is built, read and taken apart.

    Building a tree allocates tens of thousands of objects that all stay alive, and
    every allocation burst made the collector rescan them for nothing (about 15% of
    the cleaning time). Nothing cyclic outlives the block: the tree is taken apart.
    The collector resumes, if it was on, when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
