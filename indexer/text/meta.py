"""The author a page's byline names: "By Sherif Saed, Wednesday, 20 November 2019" gives Sherif Saed,
and so does "Posted on 20 November 2019 by Sherif Saed".

The dateline's date is read by dates, as the calendar date the page prints.
"""
from __future__ import annotations

import re

from .dates import first_date

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
#: A byline after its date, as blogs print it ("Posted on <date> by", "Veröffentlicht am <date> von",
#: "Publié le <date> par"), a time of day between them allowed.
_BY_AFTER_DATE = re.compile(
    r"\s*,?\s*(?:(?:at|um|à|a las|alle)\s+)?(?:\d{1,2}[:.]\d{2}\s*(?:uhr|h|[ap]\.?m\.?)?\s*,?\s*)?"
    r"(?:by|von|par|por|da|door|przez)\s+(?P<rest>.+)$", re.I)
#: How far into the line that date may start ("Veröffentlicht am ").
MAX_BEFORE_DATE = 40


def byline_author(text: str) -> str | None:
    """The author a byline line names ("By Jane Doe, Reuters" -> "Jane Doe"), or None."""
    text = text.strip()
    if len(text) > 160:
        return None
    if text[:9].lower().startswith(_BYLINE_STARTS) and (match := _BYLINE.match(text)):
        rest = match.group("rest") or match.group("rest2")
    else:
        found = first_date(text) if any(map(str.isdigit, text[:MAX_BEFORE_DATE + 12])) else None
        if found is None or found.start > MAX_BEFORE_DATE or not (match := _BY_AFTER_DATE.match(text, found.end)):
            return None
        rest = match.group("rest")
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
