"""Metadata: a PDF's title, author, date and URL, from its document info and what was printed.

The document info's Title and Author are the maker's; a browser sets Title to the page's
title (site name and all). What the browser printed in the sheet's margins gives the
page's URL and the print date, the date it was saved. A PDF date is D:YYYYMMDDHHmmSS.
"""
from __future__ import annotations

import re

from ..models import Metadata
from ..url_date import url_day
from .running import Printed

_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
#: A browser's print date: month/day/year (en-US) or day.month.year.
_PRINTED_DATE = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})")
#: Makers whose Title is no document's title (a file name, a template's placeholder).
#: What a browser writes as a PDF's Creator or Producer (Chrome and Edge: Skia/PDF).
_BROWSER = re.compile(r"chrom|mozilla|firefox|safari|webkit|gecko|skia/pdf|wkhtmltopdf", re.I)
MAX_AUTHORS = 30
_BY = re.compile(r"^(?:by|von|par|por|di|door)\s+", re.I)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b)\s*")
#: The marks that tie an author to an affiliation or a note: digits, stars, daggers, superscripts.
_MARKS = re.compile(r"[\d*†‡§¶#¹²³⁰-⁹]+|\([a-z\d]\)")
#: A name: two to four words, each capitalised or an initial, particles (van, de, ...) between.
_NAME = re.compile(r"^(?:[A-Z][\w'’-]*\.?|(?:[A-Z]\.-?)+)(?:\s+(?:(?:van|von|der|den|de|da|di|del|la|le|du|ter|bin|al)\s+)*"
                   r"(?:[A-Z][\w'’-]*\.?|(?:[A-Z]\.-?)+)){1,3}$")
_PLACEHOLDER = re.compile(r"^(untitled|microsoft word - .*|.*\.(docx?|pdf|tex|dvi|indd|pptx?))$", re.I)


def pdf_date(value: str | None) -> str | None:
    """A PDF date string as ISO yyyy-mm-dd (or shorter when it says less)."""
    match = _PDF_DATE.match(value or "")
    if not match or not 1900 <= int(match.group(1)) <= 2100:
        return None
    parts = [part for part in match.groups() if part]
    return "-".join(parts)


def printed_date(value: str | None) -> str | None:
    """A browser's print date ("12/6/26, 11:24 PM", "06.12.26 23:24", "2026-12-06 23:24") as ISO."""
    match = _PRINTED_DATE.match(value or "")
    if not match:
        return None
    first, separator, middle, last = match.group(1), match.group(2), match.group(3), match.group(4)
    if len(first) == 4:
        year, month, day = int(first), int(middle), int(last)
    elif separator == "/":
        month, day, year = int(first), int(middle), int(last)
    else:
        day, month, year = int(first), int(middle), int(last)
    if year < 100:
        year += 2000
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def printed_by_browser(info: dict[str, str], printed: Printed) -> bool:
    """Whether the PDF is a web page a browser printed (its maker says so, or it printed the
    page's address or the print date in the sheet's margin), not a document made as one."""
    maker = f"{info.get('Creator', '')} {info.get('Producer', '')}"
    return bool(_BROWSER.search(maker) or printed.url or printed.date)


def names(text: str) -> str | None:
    """The people a title page's author line names ("Jane Doe¹, Rui Roe*² and A. B. Lee"), as
    "Jane Doe, Rui Roe, A. B. Lee"; None when the line is not a list of names."""
    parts = [_MARKS.sub("", part).strip() for part in _NAME_SEPARATORS.split(_BY.sub("", text))]
    parts = [part for part in parts if part]
    if not parts or len(parts) > MAX_AUTHORS or not all(_NAME.match(part) for part in parts):
        return None
    return ", ".join(parts)


def document_title(info: dict[str, str]) -> str | None:
    """The document info's Title, unless it is a file name or a template's placeholder."""
    title = info.get("Title")
    return None if not title or _PLACEHOLDER.match(title) else title


def pdf_metadata(info: dict[str, str], printed: Printed, headline: str | None, found: Metadata) -> Metadata:
    """The article's metadata: the headline the text shows, else the document's title;
    the author the info names, else the text's byline; the text's date, else the one its
    printed address states (/2019/11/19/), else the print date or the info's creation
    date (a print's is the day it was saved, not the article's)."""
    info_title = document_title(info)
    title = headline or found.title or info_title or printed.title
    url = printed.url if printed.url and not printed.url.endswith(("...", "…")) else None
    published = (found.published or url_day(printed.url) or printed_date(printed.date)
                 or pdf_date(info.get("CreationDate")))
    return Metadata(title=title, author=info.get("Author") or found.author, published=published, url=url,
                    language=found.language, site=found.site)
