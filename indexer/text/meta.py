"""Metadata a page's plain text shows a reader: the byline's author and the dateline's date.

"By Sherif Saed, Wednesday, 20 November 2019 08:05 GMT" gives the author Sherif Saed and
the date 2019-11-20. Dates are the calendar date the page prints, never converted to
another time zone, as ISO yyyy-mm-dd.
"""
from __future__ import annotations

import re
from datetime import date

from .lines import DATE

_BYLINE = re.compile(
    r"^(?:(?:posted|written|words|story|reporting|text)\s+)?(?:by|von|par|por)[:\s]\s*(?P<rest>.+)$"
    r"|^(?:author|written by|posted by|by)\s*:\s*(?P<rest2>.+)$", re.I)
#: How a byline starts: a cheap test before the pattern, as most lines are not bylines.
_BYLINE_STARTS = ("by", "posted", "written", "words", "story", "reporting", "text", "von", "par", "por", "author")
#: Where the name in a byline stops: a comma, a separator, " on <date>", " and " is kept.
_NAME_END = re.compile(r"\s*(?:[,|•·/]|\s[-–—]\s|\bon\s|\bat\s|\bupdated\b|\bpublished\b|\d).*$", re.I)
#: Lower-case words a personal name may hold (van Gogh, da Silva, bin Salman).
_PARTICLES = frozenset("van von de der den da di du la le del della dos das bin al and &".split())
MAX_NAME_WORDS = 6

_MONTH_NUMBER = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})", re.I)
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.])(\d{1,2})[/.](\d{4})")


def byline_author(text: str) -> str | None:
    """The author a byline line names ("By Jane Doe, Reuters" -> "Jane Doe"), or None."""
    text = text.strip()
    if len(text) > 160 or not text[:9].lower().startswith(_BYLINE_STARTS):
        return None
    match = _BYLINE.match(text)
    if not match:
        return None
    rest = match.group("rest") or match.group("rest2")
    name = _NAME_END.sub("", rest).strip(" .")
    words = name.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS:
        return None
    if not words[0][0].isupper():
        return None
    for word in words:
        if not (word[0].isupper() or word.casefold() in _PARTICLES):
            return None
    return name


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first calendar date written in `text`, as yyyy-mm-dd, or None."""
    found = DATE.search(text)
    if not found:
        return None
    value = found.group(0)
    if match := _ISO.fullmatch(value):
        return _valid(int(match[1]), int(match[2]), int(match[3]))
    if match := _DAY_MONTH_YEAR.fullmatch(value):
        month = _MONTH_NUMBER.get(match[2].lower().rstrip("."))
        return month and _valid(int(match[3]), month, int(match[1]))
    if match := _MONTH_DAY_YEAR.fullmatch(value):
        month = _MONTH_NUMBER.get(match[1].lower().rstrip("."))
        return month and _valid(int(match[3]), month, int(match[2]))
    if match := _NUMERIC.fullmatch(value):
        first, second, year = int(match[1]), int(match[3]), int(match[4])
        # 11/20/2019 is American month-first; 20.11.2019 and any first part over 12 are day-first.
        if match[2] == "/" and first <= 12:
            return _valid(year, first, second)
        return _valid(year, second, first)
    return None
