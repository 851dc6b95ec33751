"""Plain text to blocks: paragraphs, list items, headings; author boxes and other boilerplate out."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .models import Block, Cleaned, Metadata

_BULLET = re.compile(r"^\s*(?:[-*+•●▪◦‣·–]|\d{1,3}[.)])\s+")
_CLOSING = re.compile(r"[.,;:!…\"'”’)\]]$")
_SENTENCE_END = re.compile(r"[.!?…]$")
_PROSE_END = re.compile(r"[.;:!…]$")
MAX_HEADING_WORDS = 14
MAX_HEADING_CHARS = 120


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """A line that starts an author box or page furniture; everything from it on is dropped."""

    pattern: re.Pattern[str]
    #: Only counts in the last part of the text, where such boxes live.
    tail_only: bool = True


# Kept as data so a new pattern is one line; group "author" names the author where it can.
BOILERPLATE = (
    Boilerplate(re.compile(r"^latest posts by (?P<author>.+?)\s*(\(see all\))?$", re.I)),
    Boilerplate(re.compile(r"^(about|more from|posts by|articles by) the author\b.*$", re.I)),
    Boilerplate(re.compile(r"^about (?P<author>[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,3})$")),
    Boilerplate(re.compile(r"^(latest|more) (from|in) .{1,60}$", re.I)),
    Boilerplate(re.compile(r"^(related (posts|articles|stories)|you (may|might) also like|read (more|next))\b.{0,40}$", re.I)),
    Boilerplate(re.compile(r"^(share (this|on)|follow us|subscribe to|sign up for our)\b.{0,60}$", re.I)),
    Boilerplate(re.compile(r"^(leave a (comment|reply)|\d+ comments?|comments)$", re.I)),
    Boilerplate(re.compile(r"^(©|copyright\b|all rights reserved).{0,100}$", re.I)),
)
_BYLINE = re.compile(r"^(?:by|written by|author:)\s+(?P<author>[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3})$", re.I)
TAIL_FRACTION = 0.5


def _is_heading_shape(line: str) -> bool:
    words = line.split()
    return (0 < len(words) <= MAX_HEADING_WORDS and len(line) <= MAX_HEADING_CHARS
            and not _BULLET.match(line) and (not _CLOSING.search(line) or line.endswith("?"))
            and line[0].isupper() | line[0].isdigit())


def _is_prose(line: str) -> bool:
    """A line that reads as running text rather than a label."""
    return not _is_heading_shape(line) or bool(_PROSE_END.search(line))


def _cut_boilerplate(lines: list[str]) -> tuple[list[str], str | None]:
    """Drop the tail from the first boilerplate line on; return the rest and any author named."""
    start_tail = int(len(lines) * (1 - TAIL_FRACTION))
    for index, line in enumerate(lines):
        stripped = line.strip()
        for rule in BOILERPLATE:
            if rule.tail_only and index < start_tail:
                continue
            match = rule.pattern.match(stripped)
            if match:
                author = match.groupdict().get("author")
                cut = index
                # An author box often opens with the author's name on a line of its own.
                previous = cut - 1
                while previous >= 0 and not lines[previous].strip():
                    previous -= 1
                if author and previous >= 0 and lines[previous].strip() == author:
                    cut = previous
                return lines[:cut], author
    return lines, None


def _title(lines: list[str]) -> tuple[str | None, list[str]]:
    """Take a title from the first line when it reads as one, dropping its repeats."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None, lines
    title = lines[first].strip()
    if not _is_heading_shape(title):
        return None, lines
    rest = lines[first + 1:]
    key = title.casefold()
    while True:
        nxt = next((i for i, line in enumerate(rest) if line.strip()), None)
        if nxt is None or rest[nxt].strip().casefold() != key:
            return title, rest
        rest = rest[nxt + 1:]


def text_blocks(lines: list[str]) -> list[Block]:
    """Classify lines into blocks; a heading is a short label line that leads prose or a list."""
    stripped = [line.strip() for line in lines]
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for index, line in enumerate(stripped):
        if not line:
            flush()
            continue
        bullet = _BULLET.match(lines[index])
        if bullet:
            flush()
            indent = len(lines[index]) - len(lines[index].lstrip())
            blocks.append(Block("item", line[bullet.end() - indent:].strip(), 1 + indent // 4 if indent >= 4 else 1))
            continue
        following = next((s for s in stripped[index + 1:] if s), None)
        # A next line in lower case continues a hard-wrapped sentence; it leads nothing.
        if not paragraph and _is_heading_shape(line) and following is not None and (
                _is_prose(following) or _BULLET.match(following)) and not following[0].islower():
            blocks.append(Block("heading", line, 2))
            continue
        # A hard-wrapped paragraph continues on the next line; a file with a paragraph per
        # line (no blank lines between) ends one at each line that closes a sentence.
        paragraph.append(line)
        if _SENTENCE_END.search(line) or line.endswith(":"):
            nxt = stripped[index + 1] if index + 1 < len(stripped) else ""
            if not nxt or not nxt[0].islower():
                flush()
    flush()
    return blocks


def _byline(lines: list[str]) -> tuple[str | None, list[str]]:
    """A "By Name" line near the top is metadata, not text."""
    for index, line in enumerate(lines[:5]):
        match = _BYLINE.match(line.strip())
        if match:
            return match.group("author"), lines[:index] + lines[index + 1:]
    return None, lines


def clean_text(text: str, title: str | None = None) -> Cleaned:
    """Clean a plain-text article; `title`, when known, is not looked for in the text."""
    lines = text.split("\n")
    lines, author = _cut_boilerplate(lines)
    if title is None:
        title, lines = _title(lines)
    byline, lines = _byline(lines)
    blocks = text_blocks(lines)
    if not blocks and title:
        blocks = [Block("paragraph", title)]  # a one-line note is its own body
    return Cleaned(Metadata(title=title, author=author or byline), tuple(blocks))
