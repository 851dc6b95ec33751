"""Scored lines to the article's region: the best contiguous run of prose, with its lists.

The article is the run of lines whose scores sum highest (a maximum-sum subarray, found in
one pass), so a menu or a share prompt above the article does not cut it away, and a
short heading or caption inside it is carried by the prose around it. A barrier line (an
author box, the start of comments or of a related-links list) is never crossed. The run
is then widened over a list that follows it, and furniture inside it is dropped line by line.
"""
from __future__ import annotations

from dataclasses import dataclass

from .text_lines import Line

#: Lines that may follow a list's introduction without being bullets ("For example:" then items).
MAX_LIST_TAIL = 30


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


def _last_text(lines: list[Line], region: Region) -> Line | None:
    for index in range(region.end - 1, region.start - 1, -1):
        if lines[index].kind != "blank":
            return lines[index]
    return None


def widen(lines: list[Line], region: Region) -> Region:
    """Take in the list that follows the run: bullet items, or short lines after a "...:" line."""
    last = _last_text(lines, region)
    opens_list = last is not None and last.text.endswith((":", ";"))
    end = region.end
    index = end
    taken = 0
    while index < len(lines) and taken < MAX_LIST_TAIL:
        line = lines[index]
        if line.kind == "blank":
            index += 1
            continue
        if line.kind == "item" or (opens_list and line.kind == "short"):
            taken += 1
            index += 1
            end = index
            continue
        break
    return Region(region.start, end)


def keep(lines: list[Line], region: Region) -> list[bool]:
    """Which lines of the page are article text: the region's lines, less its furniture."""
    kept = [False] * len(lines)
    for index in range(region.start, region.end):
        kept[index] = lines[index].kind not in ("furniture", "barrier", "blank")
    return kept
