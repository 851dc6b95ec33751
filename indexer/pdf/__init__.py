"""PDF cleaning: a PDF's bytes in, its article out, each block with the page it starts on.

    read      the PDF library's calls: pages to spans (text, box, size, weight), info, outline
    running   running headers, footers, page numbers, browser print lines, boxes on every sheet
    layout    spans to lines to paragraphs in reading order; hyphenation and page breaks mended
    headings  headings from the outline, or from type size and weight
    metadata  title, author, date and URL from the document info and the printed lines
    clean     the steps in order, then the plain-text cleaner (indexer.text) for a browser's
              print's boilerplate; a document (a paper, a report) is kept whole
"""
from .clean import NoTextLayer, clean_pdf

__all__ = ["NoTextLayer", "clean_pdf"]
