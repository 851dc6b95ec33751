"""Calendar dates as pages write them, in the common languages: found in a line, read as yyyy-mm-dd.

"20 November 2019", "Nov. 20, 2019", "22 de janeiro de 2018", "14. Januar 2022",
"5 марта 2020", "2018年1月22日", "2019-11-20", "20.11.2019", "11/20/2019". A month's name
is any of the names of indexer/months.tsv (twenty languages), so one pattern with a word
where the month goes serves them all; the word is then looked up.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..months import month_numbers

_WORD = r"[^\W\d_]{3,}"
_PATTERN = re.compile(
    r"(?:"
    # 20 November 2019, 20th Nov, 2019, 22 de janeiro de 2018, 14. Januar 2022, 1er mars 2020
    rf"(?<!\d)(?P<d1>\d{{1,2}})(?:\.\s*|(?:st|nd|rd|th|er)?\s+)(?:de\s+|of\s+)?(?P<m1>{_WORD})\.?,?\s+"
    rf"(?:de\s+|del\s+)?(?P<y1>\d{{4}})"
    # Nov. 20, 2019, November 20th 2019
    rf"|\b(?P<m2>{_WORD})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    # 2018. január 22.
    rf"|(?<!\d)(?P<y3>\d{{4}})\.\s+(?P<m3>{_WORD})\.?\s+(?P<d3>\d{{1,2}})"
    r"|(?<!\d)(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2})"
    r"|(?<![\d/.])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})[/.](?P<y5>\d{4})"
    r"|(?<!\d)(?P<y6>\d{4})\s*[年년]\s*(?P<m6>\d{1,2})\s*[月월]\s*(?P<d6>\d{1,2})\s*[日일]?"
    r")(?!\d)", re.I)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date written in a text: where it stands, and the day it names (None if none is: 30 February)."""

    start: int
    end: int
    day: str | None


def _valid(year: str, month: int, day: str) -> str | None:
    try:
        return date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def _read(match: re.Match[str]) -> FoundDate | None:
    """The date a candidate match names, or None when its word is not a month."""
    group = match.group
    for number in (1, 2, 3):
        if group(f"m{number}"):
            month = month_numbers().get(group(f"m{number}").lower())
            if month is None:
                return None
            return FoundDate(match.start(), match.end(), _valid(group(f"y{number}"), month, group(f"d{number}")))
    if group("y4"):
        return FoundDate(match.start(), match.end(), _valid(group("y4"), int(group("m4")), group("d4")))
    if group("y6"):
        return FoundDate(match.start(), match.end(), _valid(group("y6"), int(group("m6")), group("d6")))
    first, second = int(group("a")), int(group("b"))
    # 11/20/2019 is American month-first; 20.11.2019 and any first part over 12 are day-first.
    if group("sep") == "/" and first <= 12:
        first, second = second, first
    return FoundDate(match.start(), match.end(), _valid(group("y5"), second, str(first)))


def find_dates(text: str) -> Iterator[FoundDate]:
    """The dates written in `text`, in order."""
    position = 0
    while match := _PATTERN.search(text, position):
        found = _read(match)
        if found is None:  # a word in a month's place that is none: look on from just after its start
            position = match.start() + 1
            continue
        yield found
        position = found.end


def first_date(text: str) -> FoundDate | None:
    return next(find_dates(text), None)


def parse_date(text: str) -> str | None:
    """The first calendar date written in `text`, as yyyy-mm-dd, or None."""
    found = first_date(text)
    return found.day if found else None


def without_dates(text: str) -> str:
    """`text` with each date written in it replaced by a space."""
    parts: list[str] = []
    position = 0
    for found in find_dates(text):
        parts.append(text[position:found.start])
        parts.append(" ")
        position = found.end
    parts.append(text[position:])
    return "".join(parts)
