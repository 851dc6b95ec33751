"""Month names in twenty languages, for every cleaner that reads a written date.

months.tsv holds the CLDR names (full and abbreviated, as written in a date and standing
alone) and the spellings pages type beside them (without accents, Austrian "Jänner");
`month_numbers` maps each, lower-case, to its month's number. The HTML metadata and the
plain-text cleaner both read dates with it, so a month known to one is known to the other.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def month_numbers() -> dict[str, int]:
    """Every month name of months.tsv, lower-case, to its month's number."""
    numbers: dict[str, int] = {}
    text = Path(__file__).with_name("months.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        for number, names in enumerate(line.split("\t")[1:], start=1):
            for name in names.split(","):
                if name:
                    numbers.setdefault(name, number)
    return numbers
