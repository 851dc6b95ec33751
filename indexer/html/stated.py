"""The article's body as the page states it in JSON-LD, for pages that show little of it.

Some pages build their text with scripts, and the saved file holds it only in the JSON-LD
the site wrote for search engines: a story's articleBody (or an article's or post's text),
a how-to's description and steps, a recipe's description, ingredients and instructions.
`stated_body` reads that body as blocks when the page's visible article keeps under half
of its words; the words are counted before any markup in it is parsed, so pages whose
visible article holds their stated body pay one scan of its strings.
"""
from __future__ import annotations

import html as html_entities
import re
from typing import Iterator, Sequence

from ..models import Block
from .metadata import json_ld_types
from .normalize import normalize

#: A stated body shorter than this many words is a summary, never the article.
MIN_WORDS = 50
#: The stated body replaces the visible article when that keeps under this share of its words.
SHOWN_SHARE = 0.5
#: schema.org nests section > step > direction; deeper is no how-to.
MAX_STEP_DEPTH = 4

# Tags that say a JSON-LD string holds markup, not plain text.
_MARKUP = re.compile(r"<(?:p|br|div|h[1-6]|ul|ol|li|strong|b|em|i|a|span|blockquote)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")

# A part of the stated body: (block kind, text that may hold markup, heading level).
_Part = tuple[str, str, int]


def stated_body(json_ld: Sequence[dict], kept_words: int) -> tuple[Block, ...]:
    """The body the page's JSON-LD states, as blocks, when the visible article's
    `kept_words` are under half of its words (and it is no summary); () otherwise."""
    parts = _parts(json_ld)
    stated_words = sum(len(_TAG.sub(" ", text).split()) for _, text, _ in parts)
    if stated_words < MIN_WORDS or kept_words >= SHOWN_SHARE * stated_words:
        return ()
    blocks: list[Block] = []
    for kind, text, level in parts:
        if kind == "text":
            blocks.extend(_text_blocks(text))
        else:
            blocks.append(Block(kind, " ".join(html_entities.unescape(text).split()), level))
    return tuple(blocks)


def _parts(json_ld: Sequence[dict]) -> list[_Part]:
    """The first article's articleBody or text, else the first how-to's or recipe's
    description, ingredients and steps."""
    for item in json_ld:
        body = item.get("articleBody")
        if not isinstance(body, str) and _is_article(json_ld_types(item)):
            body = item.get("text")
        if isinstance(body, str) and body.strip():
            return [("text", body, 0)]
    for item in json_ld:
        kinds = json_ld_types(item)
        if "howto" in kinds or "recipe" in kinds:
            parts = [*_texts(item.get("description")),
                     *(("item", text, 1) for _, text, _ in _texts(item.get("recipeIngredient"))),
                     *_steps(item.get("step") or item.get("recipeInstructions"), 0)]
            if parts:
                return parts
    return []


def _is_article(kinds: list[str]) -> bool:
    return any(kind.endswith(("article", "posting", "report")) for kind in kinds)


def _texts(value) -> Iterator[_Part]:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip():
            yield "text", item, 0


def _steps(value, depth: int) -> Iterator[_Part]:
    """A how-to's or recipe's steps: a step's or section's name as a heading (unless its
    text repeats it), then its text; sections hold steps, steps directions and tips."""
    if depth > MAX_STEP_DEPTH:
        return
    for step in value if isinstance(value, list) else [value]:
        if isinstance(step, str) and step.strip():
            yield "text", step, 0
        elif isinstance(step, dict):
            name, text = step.get("name"), step.get("text")
            if isinstance(name, str) and name.strip() and not (isinstance(text, str) and name.strip() in text):
                yield "heading", name, 3
            yield from _texts(text)
            yield from _steps(step.get("itemListElement"), depth + 1)


def _text_blocks(value: str) -> tuple[Block, ...]:
    """A JSON-LD string as blocks: its markup's blocks, or its lines as paragraphs."""
    if _MARKUP.search(value):
        from . import parse, take_apart  # the page's own parser; the package imports this module

        soup = parse(value)
        try:
            return tuple(segment.block for segment in normalize(soup).segments)
        finally:
            take_apart(soup)
    lines = (" ".join(html_entities.unescape(line).split()) for line in value.splitlines())
    return tuple(Block("paragraph", line) for line in lines if line)
