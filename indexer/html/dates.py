"""Read a calendar date out of the many ways pages write one.

ISO 8601 ("2019-11-19T22:05:00-05:00"), RFC 822 ("Wed, 20 Nov 2019 08:02:00 +0000"),
written dates ("20 Nov 2019 08:02 GMT", "Monday, November 18, 2019", "Nov 20 15:23 2019"),
numeric dates ("2019/11/20", "20.11.2019") and dates in URL paths ("/2019/11/20/").

The date is the one the page writes, never converted to UTC: a story published at
22:05 in New York is dated the 19th on its page, although it is already the 20th in
UTC. A `PageDate` records whether the text named UTC, so that a caller holding several
statements of one date can prefer a local one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..months import month_numbers
from ..url_date import url_day

# Month names as pages write them: the twenty languages of indexer/months.tsv.
_MONTHS = month_numbers()
_MONTH = (r"(?P<month>" + "|".join(sorted(_MONTHS, key=lambda n: (-len(n), n))) + r")(?![^\W\d_])\.?")
# "5 de mayo de 2022", "3 de maio de 2022": Spanish and Portuguese join with "de".
_JOIN = r"(?:\s+(?:of|de|del)\s+|[\s-]+)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_CLOCK = r"\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?"
# A time of day right after a date ("T08:02:00Z", " 08:02 GMT", ", 10:01 pm PST"), and
# whether it says UTC.
_TIME_AFTER = re.compile(
    r"[\s,•|-]*(?:at\s+|T)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?\s*"
    r"(?P<half>[ap]\.?m\.?)?\s*(?P<utc>Z\b|GMT\b|UTC\b|[+-]00:?00\b)?", re.IGNORECASE)
# A time of day anywhere before the date ("01:38:07 PM IST Nov 20, 2019").
_TIME_BEFORE = re.compile(r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?", re.IGNORECASE)

# Patterns, best first; each has named groups year, month and day.
_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in (
    # 2019-11-20, 2019-11-20T08:02:00Z
    r"(?<!\d)" + _YEAR + r"-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)",
    # 20 Nov 2019, 20th November, 2019, 20-Nov-2019
    r"(?<!\d)" + _DAY + r"\.?" + _JOIN + _MONTH + r",?" + _JOIN + _YEAR + r"(?!\d)",
    # Nov 20, 2019 / November 20 15:23 2019 / Nov. 20th 2019
    r"\b" + _MONTH + r"\s+" + _DAY + r",?\s+(?:(?:at\s+)?" + _CLOCK + r"\s+)?" + _YEAR + r"(?!\d)",
    # 2019/11/20, 2019.11.20
    r"(?<!\d)" + _YEAR + r"[/.](?P<month>\d{1,2})[/.](?P<day>\d{1,2})(?!\d)",
    # 20.11.2019 (day first, as written where dots are used)
    r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?!\d)",
))
# 11/20/2019 or 20/11/2019: month first unless the first number cannot be a month.
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_SHORT_YEAR = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?![\d.])")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\d{6})?\s*$")

#: Years outside this range are placeholders ("0001-01-01") or typos, not publication dates.
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True, slots=True)
class PageDate:
    """A calendar date as a page states it."""

    #: YYYY-MM-DD.
    day: str
    #: The statement carried a time in UTC (Z, GMT, +00:00): its date may be a day off
    #: the date the page shows its readers.
    utc: bool = False
    #: The statement carried a time of day.
    timed: bool = False
    #: The hour (0-23) of that time, when it was in UTC.
    utc_hour: int | None = None
    #: That time as minutes after midnight, when it followed the date (local or UTC).
    clock: int | None = None


def _make(year: int, month: int, day: int) -> str | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month(value: str) -> int:
    if value.isdigit():
        return int(value)
    return _MONTHS[value.lower().rstrip(".")]


def parse_date(text: str | None, short_years: bool = False, day_first: bool = False) -> PageDate | None:
    """The first date written in `text`, or None.

    `short_years` also reads "31.10.23" (day, month, two-digit year), for a line that
    is known to be a dateline: elsewhere such numbers are as often versions or scores.
    `day_first` reads "02/10/2020" as 2 October, as written outside the United States.
    """
    if not text:
        return None
    text = text[:500]  # a date is stated near the start; bound the work on long text
    compact = _COMPACT.match(text)
    if compact:
        day = _make(*(int(g) for g in compact.groups()))
        return PageDate(day) if day else None
    best = None
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best.start()):
            day = _make(int(match["year"]), _month(match["month"]), int(match["day"]))
            if day:
                best, found = match, day
    slashed = _SLASHED.search(text)
    if slashed and (best is None or slashed.start() < best.start()):
        first, second, year = (int(g) for g in slashed.groups())
        day = _make(year, second, first) if first > 12 or (day_first and second <= 12) \
            else _make(year, first, second)
        if day:
            best, found = slashed, day
    if best is None and short_years:
        short = _SHORT_YEAR.search(text)
        if short:
            day, month, year = (int(g) for g in short.groups())
            found = _make(2000 + year, month, day)
            if found:
                best = short
    if best is None:
        return None
    return _with_time(found, text, best)


def _with_time(day: str, text: str, match: re.Match) -> PageDate:
    after = _TIME_AFTER.match(text, match.end())
    if after is None:
        return PageDate(day, timed=_TIME_BEFORE.search(text, 0, match.start()) is not None)
    hour = int(after["hour"]) % 12 if after["half"] else int(after["hour"])
    if after["half"] and after["half"].lower().startswith("p"):
        hour += 12
    minute = int(after["minute"])
    clock = hour * 60 + minute if hour < 24 and minute < 60 else None
    if not after["utc"]:
        return PageDate(day, timed=True, clock=clock)
    return PageDate(day, utc=True, timed=True, utc_hour=hour if hour < 24 else None, clock=clock)


def url_date(url: str | None) -> PageDate | None:
    """A date written as path segments of a URL: /2019/11/20/, /2019-11-20-title."""
    day = url_day(url)
    return PageDate(day) if day else None