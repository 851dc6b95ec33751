"""Markdown to blocks, by markdown-it-py's token stream; front matter to metadata."""
from __future__ import annotations

import re

from .models import Block, Cleaned, Metadata

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_KEYS = {"title": "title", "author": "author", "date": "published", "published": "published",
               "url": "url", "canonical_url": "url", "site": "site", "lang": "language", "language": "language"}


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple `key: value` front matter (the common subset of YAML) and the text after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    found: dict[str, str] = {}
    for line in match.group(1).split("\n"):
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if sep and key in _FRONT_KEYS:
            found[_FRONT_KEYS[key]] = value.strip().strip("\"'")
    return found, text[match.end():]


def _inline_text(token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content if child.type != "html_inline" else "")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def markdown_blocks(text: str) -> list[Block]:
    """Blocks from Markdown: headings keep their level, list items their depth."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[Block] = []
    depth = 0
    quote = 0
    heading_level = 0
    rows: list[str] | None = None
    cells: list[str] = []
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "heading_open":
            heading_level = int(token.tag[1])
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "table_open":
            rows = []
        elif kind == "tr_close" and rows is not None:
            rows.append(" | ".join(cells))
            cells = []
        elif kind == "table_close" and rows is not None:
            blocks.append(Block("table", "\n".join(rows)))
            rows = None
        elif kind in ("fence", "code_block") and token.content.strip():
            blocks.append(Block("pre", token.content.rstrip("\n")))
        elif kind == "inline":
            content = _inline_text(token)
            if rows is not None:
                cells.append(content)
            elif content and heading_level:
                blocks.append(Block("heading", content, heading_level))
            elif content and depth:
                blocks.append(Block("item", content, depth))
            elif content:
                blocks.append(Block("quote" if quote else "paragraph", content))
    return blocks


def clean_markdown(text: str) -> Cleaned:
    """Clean a Markdown article: a leading h1 (or front matter title) is the title."""
    found, body = front_matter(text)
    blocks = markdown_blocks(body)
    title = found.get("title")
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        if title is None or blocks[0].text.casefold() == title.casefold():
            title = blocks[0].text
            blocks = blocks[1:]
    metadata = Metadata(title=title, author=found.get("author"), published=found.get("published"),
                        url=found.get("url"), site=found.get("site"), language=found.get("language"))
    return Cleaned(metadata, tuple(blocks))
