"""Headings: which paragraphs of a PDF are headings, and their levels.

The document's outline (its bookmarks) names its headings when it has one. Otherwise a
heading is a short paragraph printed larger than the body text, or in bold at the body's
size when what follows is not bold; larger type is a higher level.
"""
from __future__ import annotations

import re
from collections import Counter

from .layout import Paragraph
from .read import OutlineEntry

#: Larger than the body text by this share reads as a heading.
LARGER = 1.15
MAX_HEADING_WORDS = 20
MAX_HEADING_LINES = 3
_SENTENCE_END = re.compile(r"[.!;:,…][\"'”’»)\]]*$")


def body_size(paragraphs: list[Paragraph]) -> float:
    """The size most of the text is printed in."""
    sizes: Counter = Counter()
    for paragraph in paragraphs:
        sizes[round(paragraph.size)] += len(paragraph.text)
    return float(sizes.most_common(1)[0][0]) if sizes else 0.0


def _shaped(paragraph: Paragraph) -> bool:
    return (len(paragraph.text.split()) <= MAX_HEADING_WORDS and paragraph.lines <= MAX_HEADING_LINES
            and paragraph.cells == 1 and not _SENTENCE_END.search(paragraph.text))


def heading_levels(paragraphs: list[Paragraph], outline: tuple[OutlineEntry, ...]) -> list[int]:
    """Each paragraph's heading level (1-6), or 0 for body text."""
    if outline:
        titles = {_key(entry.title): min(entry.level, 6) for entry in outline}
        levels = [titles.get(_key(p.text), 0) for p in paragraphs]
        if any(levels):
            return levels
    body = body_size(paragraphs)
    if not body:
        return [0] * len(paragraphs)
    larger = sorted({round(p.size) for p in paragraphs if _shaped(p) and p.size >= LARGER * body}, reverse=True)
    rank = {size: index + 1 for index, size in enumerate(larger)}
    levels = []
    for index, paragraph in enumerate(paragraphs):
        level = 0
        if _shaped(paragraph):
            if paragraph.size >= LARGER * body:
                level = rank[round(paragraph.size)]
            elif paragraph.bold and round(paragraph.size) >= body - 0.5:
                following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
                if following is not None and not following.bold and not _shaped(following):
                    level = len(larger) + 1
        levels.append(min(level, 6))
    return levels


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))
