"""Scored lines to the article's region: the best contiguous run of prose, with its lists.

The article is the run of lines whose scores sum highest (a maximum-sum subarray, found in
one pass), so a menu or a share prompt above the article does not cut it away, and a
short heading or caption inside it is carried by the prose around it. A barrier line (an
author box, the start of comments or of a related-links list) is never crossed. The run
is then widened over a list that follows it, and furniture inside it is dropped line by line.
"""
from __future__ import annotations

from dataclasses import dataclass

from .lines import Line

#: Lines that may follow a list's introduction without being bullets ("For example:" then items).
MAX_LIST_TAIL = 60
#: Short lines (a heading, an introduction) that may lead a list after the run.
LIST_LEAD = 3
#: Rules whose line labels a box of links.
BOX_LABELS = frozenset({"related"})
#: Words above which a line without a sentence end is prose, not a list entry.
MAX_ENTRY_WORDS = 20


@dataclass(frozen=True, slots=True)
class Region:
    """Lines [start, end) of the page hold the article."""

    start: int
    end: int


def best_run(lines: list[Line], scores: list[float]) -> Region | None:
    """The contiguous run of lines with the highest positive score sum, never across a barrier."""
    best_sum = 0.0
    best: Region | None = None
    running = 0.0
    start = 0
    for index, (line, value) in enumerate(zip(lines, scores)):
        if line.kind == "barrier":
            running, start = 0.0, index + 1
            continue
        running += value
        if running > best_sum:
            best_sum, best = running, Region(start, index + 1)
        if running <= 0:
            running, start = 0.0, index + 1
    return best


def _next_text(lines: list[Line], index: int) -> int:
    while index < len(lines) and lines[index].kind == "blank":
        index += 1
    return index


def _list_entry(line: Line) -> bool:
    """A line that can be an entry of a list written without bullets: short, or no sentence."""
    return line.kind == "short" or (line.kind == "prose" and not line.sentence_end and line.words < MAX_ENTRY_WORDS)


def _list_open_at_end(lines: list[Line], region: Region) -> bool:
    """Whether the run ends inside a list: its last lines are entries after a line ending in ":"."""
    index = region.end - 1
    entries = 0
    while index >= region.start and entries <= MAX_LIST_TAIL:
        line = lines[index]
        index -= 1
        if line.kind == "blank":
            continue
        if line.text.endswith((":", ";")):
            return True
        if not (line.kind == "item" or _list_entry(line)):
            return False
        entries += 1
    return False


def widen(lines: list[Line], region: Region) -> Region:
    """Take in the lists that follow the run.

    A list is bullet items, or short lines after a line ending in ":" or ";" ("For example;"),
    and may be led by up to LIST_LEAD short lines (a question heading, its one-line answer).
    """
    end = region.end
    opens_list = _list_open_at_end(lines, region)
    while True:
        index = _next_text(lines, end)
        lead = 0
        # Short lines leading a list: only kept if items follow.
        while (index < len(lines) and lead < LIST_LEAD and lines[index].kind == "short"
               and not opens_list):
            lead += 1
            opens_list = lines[index].text.endswith((":", ";"))
            index = _next_text(lines, index + 1)
        taken = 0
        while index < len(lines) and taken < MAX_LIST_TAIL and (
                lines[index].kind == "item" or (opens_list and _list_entry(lines[index]))):
            taken += 1
            index += 1
            end = index
            index = _next_text(lines, index)
        if not taken:
            return Region(region.start, end)
        opens_list = False


def keep(lines: list[Line], region: Region) -> list[bool]:
    """Which lines of the page are article text: the region's lines, less its furniture.

    A links box inside the article ("Related articles" and its headlines) goes whole: the
    lines after its label that do not end a sentence are its links.
    """
    kept = [False] * len(lines)
    in_box = False
    for index in range(region.start, region.end):
        line = lines[index]
        if line.kind == "blank":
            continue
        if line.rule in BOX_LABELS:
            in_box = True
            continue
        if in_box and line.kind in ("short", "prose", "item") and not line.sentence_end:
            continue
        in_box = False
        kept[index] = line.kind not in ("furniture", "barrier")
    return kept
