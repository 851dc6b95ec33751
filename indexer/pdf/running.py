"""Running lines: what a PDF prints on every sheet around or over the text, found and taken out.

A running header or footer sits in a sheet's top or bottom margin and repeats from page
to page with only its numbers changed ("Page 3 of 9", "Annual report 2023  |  7"). A
browser's "Print" or "Save as PDF" puts the print date and the page's title at the top
of every sheet and its URL and "n/N" at the bottom, so even a one-sheet print has them;
they are known by shape there. A box the page fixed on the screen (a cookie notice, an
"ADVERTISEMENT" label) is printed at the same place on every sheet with the same text. An
image the browser could not load is printed as a small icon with the image's alt text.
What the browser printed is kept as metadata: the page's title, its URL, the print date.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .read import Page, Span

#: The share of a sheet's height, from its top and from its bottom, where running lines are looked for.
MARGIN = 0.08
#: How far (points) the same running line may move from sheet to sheet.
DRIFT = 4.0
#: A line is running when it is printed on at least this share of the sheets (and on two or more):
#: in a margin (a book's or a paper's running heads alternate between even and odd pages, and
#: the first page has none), or at the same place anywhere on the sheet.
MARGIN_SHARE = 0.25
RUNNING_SHARE = 0.5
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^(?:(?:page|p\.|pg\.?|seite|página|pagina)\s*)?[-–—(\[]?\s*\d{1,4}\s*"
                          r"(?:(?:/|of|von|de|sur|di)\s*\d{1,4})?\s*[-–—)\]]?$", re.I)
_URL = re.compile(r"^(?:https?|file|ftp)://\S+$|^(?:www\.)\S+$", re.I)
#: The print date and time a browser puts in the header (12/6/26, 11:24 PM; 06.12.26 23:24; 2026-12-06 23:24).
_PRINT_DATE = re.compile(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?)?$", re.I)


@dataclass(frozen=True, slots=True)
class Printed:
    """What the browser (or the PDF's maker) printed around the text."""

    title: str | None = None
    url: str | None = None
    #: The print date as printed ("12/6/26, 11:24 PM").
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Running:
    """A span taken out as a running line, and the rule that took it."""

    span: Span
    rule: str
    #: Printed below the text (a footer): it comes after the page's text in reading order.
    below: bool = False


def _signature(span: Span) -> str:
    return _DIGITS.sub("#", span.text.casefold())


def _in_margin(span: Span, page: Page) -> str | None:
    band = MARGIN * page.height
    if span.bottom <= band:
        return "header"
    if span.top >= page.height - band:
        return "footer"
    return None


def _outer_rows(page: Page) -> tuple[float, float]:
    """The top of the sheet's highest span and the bottom of its lowest."""
    if not page.spans:
        return 0.0, 0.0
    return min(span.top for span in page.spans), max(span.bottom for span in page.spans)


def find_running(pages: tuple[Page, ...], doc_title: str | None) -> tuple[list[list[Span]], list[Running], Printed]:
    """Each page's spans less its running lines; those lines with their rules; what they said."""
    # Where each signature is printed: the margin lines at a steady height, and any line
    # printed with the same text at the same place (a fixed box).
    margin_seen: dict[tuple[str, str], list[float]] = defaultdict(list)
    fixed_seen: dict[tuple[str, int, int], set[int]] = defaultdict(set)
    for page in pages:
        for span in page.spans:
            where = _in_margin(span, page)
            if where:
                margin_seen[(where, _signature(span))].append(span.top)
            fixed_seen[(span.text, round(span.x0 / DRIFT), round(span.top / DRIFT))].add(page.number)
    needed = max(2, RUNNING_SHARE * len(pages))
    steady_seen: dict[tuple[str, str], bool] = {}

    def steady(where: str, signature: str) -> bool:
        key = (where, signature)
        if key not in steady_seen:  # once a signature: a line on every page has as many heights
            steady_seen[key] = _steady(margin_seen[key], max(2, MARGIN_SHARE * len(pages)))
        return steady_seen[key]

    title_key = " ".join(doc_title.split()).casefold() if doc_title else None
    kept: list[list[Span]] = []
    dropped: list[Running] = []
    printed = {"title": None, "url": None, "date": None}
    for page in pages:
        top_row, bottom_row = _outer_rows(page)
        page_kept: list[Span] = []
        for span in page.spans:
            rule = None
            where = _in_margin(span, page)
            text = span.text
            outer = where == "header" and span.top - top_row < DRIFT or where == "footer" and bottom_row - span.bottom < DRIFT
            if where and len(pages) > 1 and steady(where, _signature(span)):
                rule = f"running-{where}"
            elif where and _PAGE_NUMBER.match(text):
                rule = "page-number"
            elif outer and _PRINT_DATE.match(text):
                rule = "print-date"
                printed["date"] = printed["date"] or text
            elif outer and _URL.match(text):
                rule = "print-url"
                printed["url"] = printed["url"] or text
            elif outer and where == "header" and title_key and text.casefold() == title_key:
                rule = "print-title"
            elif _after_icon(span, page):
                rule = "image-alt"
            elif len(pages) > 1 and len(fixed_seen[(text, round(span.x0 / DRIFT), round(span.top / DRIFT))]) >= needed:
                rule = "fixed-box"
            if rule is None:
                page_kept.append(span)
                continue
            dropped.append(Running(span, rule, below=span.top > page.height / 2))
            if where == "header" and rule == "running-header" and _PRINT_DATE.match(text):
                printed["date"] = printed["date"] or text
            if where == "footer" and _URL.match(text):
                printed["url"] = printed["url"] or text
            if where == "header" and outer and title_key and text.casefold() == title_key:
                printed["title"] = printed["title"] or text
        kept.append(page_kept)
    return kept, dropped, Printed(**printed)


def _after_icon(span: Span, page: Page) -> bool:
    """Whether the span starts just right of a small image at its height: the alt text a browser
    prints beside the icon of an image it could not show."""
    for x0, top, x1, bottom in page.icons:
        if abs(span.top - top) <= DRIFT and -DRIFT <= span.x0 - x1 <= DRIFT:
            return True
    return False


def _steady(tops: list[float], needed: float) -> bool:
    """Whether a margin line is printed on enough sheets at about the same height."""
    if len(tops) < needed:
        return False
    tops = sorted(tops)
    middle = tops[len(tops) // 2]
    return sum(abs(top - middle) <= DRIFT for top in tops) >= needed
