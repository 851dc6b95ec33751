"""The author a page's byline names: "By Sherif Saed, Wednesday, 20 November 2019" gives Sherif Saed.

The dateline's date is read by dates, as the calendar date the page prints.
"""
from __future__ import annotations

import re

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
