"""The date a web address states in its path (/2019/11/20/, /2019-11-20-title).

Sites file articles so, and it is the article's own date where the page states none:
the HTML metadata and a browser-printed PDF (whose print date is only the day it was
printed) both read it. Kept apart from `indexer.html` so reading it imports no parser.
"""
from __future__ import annotations

import re
from datetime import date

_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/_-](\d{1,2})[/_-](\d{1,2})(?=[/_.-]|$)")
#: Years a URL's date may name (the pattern already asks for 19xx or 20xx).
FIRST_YEAR = 1990


def url_day(url: str | None) -> str | None:
    """The day (YYYY-MM-DD) the URL's path states, or None."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    year, month, day = (int(group) for group in match.groups())
    if year < FIRST_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
