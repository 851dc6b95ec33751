"""Large inputs: every step of the plain-text cleaner is linear, so big pages come out right.

These check behaviour at sizes where a quadratic step (a slice or a scan per line) would
take minutes; they do not time anything.
"""
from __future__ import annotations

import pytest

from indexer.text import clean_text

ARTICLE = [f"Paragraph {n} says that the cramps came back at night, and that the walk in the evening helped a lot."
           for n in range(5)]


@pytest.mark.slow
def test_article_among_100k_short_lines():
    menu = [f"Menu item {n}" for n in range(50_000)]
    text = "\n".join([*menu, "A Night of Cramps", *ARTICLE, *menu])
    cleaned = clean_text(text)
    assert cleaned.metadata.title == "A Night of Cramps"
    assert [block.text for block in cleaned.blocks] == ARTICLE


def test_title_printed_many_times():
    text = "\n".join(["A Night of Cramps"] * 20_000 + ARTICLE)
    cleaned = clean_text(text)
    assert cleaned.metadata.title == "A Night of Cramps"
    assert [block.text for block in cleaned.blocks] == ARTICLE


def test_one_huge_line_is_one_paragraph():
    line = "The cramps came back at night. " * 100_000  # 3 MB without a line break
    cleaned = clean_text(line)
    assert len(cleaned.blocks) == 1 and cleaned.blocks[0].text == line.strip()


def test_many_paragraphs_are_all_kept():
    paragraphs = [f"{sentence} ({n})" for n in range(20_000) for sentence in ARTICLE[:1]]
    cleaned = clean_text("\n\n".join(paragraphs))
    assert len(cleaned.blocks) == len(paragraphs)
