"""A PDF's bytes to an article: the steps in order, each its own module.

1. `read_pdf` (read): every page's text as spans, with the document info and outline;
2. `find_running` (running): running headers and footers, page numbers, what a browser
   printed around each sheet (date, title, URL, "n/N") and boxes repeated on every sheet,
   taken out and recorded;
3. `lines`, `paragraphs` (layout): spans to lines to paragraphs in reading order, wrapped
   lines and hyphenated words rejoined, paragraphs cut by a page or column break joined;
4. `heading_levels` (headings): headings from the outline, or from type size and weight;
5. a web page a browser printed: `clean_text` (indexer.text), the paragraphs, one a line,
   cleaned as plain text is (menus, share bars, related links and footers dropped, the
   article's region kept); a document (a paper, a report): all of it, cut into blocks by
   `text_blocks`, its title and authors from its info or its title page;
6. the kept text back to blocks, each with the page it starts on, and metadata settled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import UnreadableArticle, UnsupportedFormat
from ..isolate import isolated
from ..models import Block, Cleaned, Dropped, Metadata
from .headings import heading_levels
from .layout import Paragraph, lines, paragraphs, reading_order
from .metadata import document_title, names, pdf_metadata, printed_by_browser
from .read import load_library, read_pdf
from .running import find_running

_WORD = re.compile(r"\w+")
#: How many paragraphs into a document its title is looked for.
TITLE_WINDOW = 12


class NoTextLayer(UnsupportedFormat):
    """A PDF whose pages hold no text (a scan): there is nothing to index without OCR."""


@dataclass(frozen=True, slots=True)
class _Placed:
    """A paragraph's place in the text handed to the plain-text cleaner."""

    paragraph: Paragraph
    level: int
    start: int


def clean_pdf(data: bytes) -> Cleaned:
    """Clean a PDF; NoTextLayer when no page has text, other CorpusErrors when it cannot be read."""
    from ..text import clean_text, text_blocks

    load_library()
    # PDFium is C++: a file that crashes or hangs it costs that file alone (isolate.py).
    pdf = isolated(read_pdf, data, "the PDF library (PDFium)")
    damaged = [page.number for page in pdf.pages if page.unreadable]
    if not any(page.spans for page in pdf.pages):
        if damaged:
            raise UnreadableArticle(f"damaged PDF: {len(damaged)} of its {len(pdf.pages)} pages cannot be read "
                                    "and the others hold no text")
        raise NoTextLayer("no text layer (a scan?); corpus-search does no OCR")
    kept, running, printed = find_running(pdf.pages, pdf.info.get("Title"))
    found = paragraphs(reading_order(lines([span for page in kept for span in page])))
    if not found:
        raise NoTextLayer("no text besides running headers and footers")
    levels = heading_levels(found, pdf.outline)
    web = printed_by_browser(pdf.info, printed)
    headline = _headline(found, levels, pdf.info.get("Title"))
    if headline is None and not web and not document_title(pdf.info):
        headline = _first_page_title(found, levels)
    title_page = 0
    byline = None
    if headline:  # the title, not the body's: its first printing leaves the text
        at = next(index for index, paragraph in enumerate(found) if paragraph.text == headline)
        title_page = found[at].page
        byline = None if web else _authors_below(found, levels, at)
        found, levels = found[:at] + found[at + 1:], levels[:at] + levels[at + 1:]
    placed, text = _compose(found, levels)
    if web:  # a web page as a browser printed it: its menus, share bars and footers go
        given = headline or document_title(pdf.info)
        cleaned = clean_text(text, title=given) if given else clean_text(text)
    else:
        # A downloaded document (a paper, a report) has no menus to drop: all its text is
        # kept, cut into paragraphs, headings, list items and tables as plain text is.
        cleaned = Cleaned(Metadata(author=byline), tuple(text_blocks(text.split("\n"))), ())
    blocks, dropped = _place(cleaned, placed, text)
    taken = [(item.span.page + item.below, item.span.text, item.rule) for item in running]
    taken += [(number, f"page {number}", "unreadable-page") for number in damaged]
    if headline:
        taken.append((title_page, headline, "headline"))
    dropped = _with_taken(dropped, taken, blocks)
    metadata = pdf_metadata(pdf.info, printed, headline, cleaned.metadata)
    return Cleaned(metadata, tuple(blocks), tuple(dropped))


def _compose(found: list[Paragraph], levels: list[int]) -> tuple[list[_Placed], str]:
    """The paragraphs as plain text, one a line; a blank line where the page left a gap."""
    parts: list[str] = []
    placed: list[_Placed] = []
    offset = 0
    for paragraph, level in zip(found, levels):
        if parts and (paragraph.spaced or level):
            parts.append("\n")
            offset += 1
        placed.append(_Placed(paragraph, level, offset))
        parts.append(paragraph.text + "\n")
        offset += len(paragraph.text) + 1
    return placed, "".join(parts)


def _headline(found: list[Paragraph], levels: list[int], doc_title: str | None) -> str | None:
    """The article's headline: the top-level heading of the first pages that shares most words
    with the document's title (a browser's Title is the page's, site name and all)."""
    if not doc_title:
        return None
    title_words = {word for word in _WORD.findall(doc_title.casefold())}
    best: tuple[float, str] | None = None
    for paragraph, level in zip(found, levels):
        if paragraph.page > 2:
            break
        if not level:
            continue
        words = set(_WORD.findall(paragraph.text.casefold()))
        if not words:
            continue
        share = len(words & title_words) / len(words)
        if share >= 0.6 and (best is None or share > best[0]):
            best = (share, paragraph.text)
    return best[1] if best else None


def _first_page_title(found: list[Paragraph], levels: list[int]) -> str | None:
    """A document's title when its info names none: the first page's heading in the largest
    type, among its first paragraphs (a paper's title above its authors and abstract)."""
    first = [(paragraph, level) for paragraph, level in zip(found[:TITLE_WINDOW], levels) if paragraph.page == 1]
    headings = [paragraph for paragraph, level in first if level]
    if not headings:
        return None
    return max(headings, key=lambda paragraph: paragraph.size).text


def _authors_below(found: list[Paragraph], levels: list[int], at: int) -> str | None:
    """The authors a document's title page names in the lines just below its title, before its
    text or next heading ("Jane Doe¹, Rui Roe² and Ann Lee")."""
    for paragraph, level in zip(found[at + 1:at + 4], levels[at + 1:at + 4]):
        if level or paragraph.page != found[at].page:
            return None
        found_names = names(paragraph.text)
        if found_names:
            return found_names
    return None


def _place(cleaned: Cleaned, placed: list[_Placed], text: str) -> tuple[list[Block], list[Dropped]]:
    """The cleaner's blocks with the page each starts on and the heading level the type gave;
    the paragraphs it left out as Dropped, in reading order, with the rule it names (or
    "outside-article": not in the part of the text it took for the article)."""
    kept = cleaned.blocks
    rules = {item.text.strip(): item.rule for item in cleaned.dropped}
    starts = [item.start for item in placed]
    # The cleaner joins a paragraph's lines with a space where the text has a line break:
    # searched with the breaks as spaces, its blocks are found where they start.
    flat = text.replace("\n", " ")
    blocks: list[Block] = []
    #: For each paragraph, how many blocks are kept up to the one that holds it (0: none holds it).
    kept_as = [0] * len(placed)
    #: Rows (cells joined by " | ") of the blocks made of table rows, by their count of blocks up to them.
    rows_of: dict[int, str] = {}
    cursor = 0
    for block in kept:
        probe = block.text[:60]
        found = flat.find(probe, cursor)
        if found < 0:
            found = flat.find(probe[:20], cursor)
        index = _paragraph_at(starts, found) if found >= 0 else None
        if index is None:
            blocks.append(block)
            continue
        cursor = found + len(probe)
        end = max(_paragraph_at(starts, found + max(len(block.text) - 1, 0)) or index, index)
        covered = placed[index:end + 1]
        item = placed[index]
        page = item.paragraph.page
        if item.level and block.text == item.paragraph.text:
            block = Block("heading", block.text, item.level, page=page)
        elif all(part.paragraph.row for part in covered):
            rows = "\n".join(part.paragraph.row for part in covered)
            if len(blocks) in rows_of and index and kept_as[index - 1] == len(blocks):
                # The cleaner gives a row a line; rows that follow one another are one table.
                rows = f"{rows_of[len(blocks)]}\n{rows}"
                blocks[-1] = Block("table", rows, page=blocks[-1].page)
                rows_of[len(blocks)] = rows
                for number in range(index, end + 1):
                    kept_as[number] = len(blocks)
                continue
            # One row alone is a line like any other; two or more are a table.
            block = Block("table", rows, page=page) if len(covered) > 1 else Block(block.kind, block.text, page=page)
            rows_of[len(blocks) + 1] = rows
        elif block.kind == "heading" and not item.level:
            block = Block("paragraph", block.text, page=page)
        else:
            block = Block(block.kind, block.text, block.level, page=page)
        blocks.append(block)
        for number in range(index, end + 1):
            kept_as[number] = len(blocks)
    dropped = []
    after = 0
    for index, item in enumerate(placed):
        if kept_as[index]:
            after = kept_as[index]
            continue
        dropped.append(Dropped(item.paragraph.text, rules.get(item.paragraph.text, "outside-article"), after))
    return blocks, dropped


def _paragraph_at(starts: list[int], offset: int) -> int | None:
    from bisect import bisect_right

    index = bisect_right(starts, offset) - 1
    return index if index >= 0 else None


def _with_taken(dropped: list[Dropped], taken: list[tuple[int, str, str]], blocks: list[Block]) -> list[Dropped]:
    """The lines taken out before the text was cleaned (running lines, the headline) among the
    dropped blocks, each after the kept blocks of the pages before `page` (a footer's page is
    given as the next, so it follows its own page's text)."""
    from bisect import bisect_left

    pages = sorted(block.page for block in blocks)
    result = list(dropped)
    for page, text, rule in taken:
        result.append(Dropped(text, rule, bisect_left(pages, page)))
    result.sort(key=lambda item: item.after)  # stable: each page's own order is kept
    return result
