"""Split: an Article's blocks into Sections by heading, and Sections into Passages."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .models import Article, Block, Passage, Section

#: A passage is cut at a block boundary once it holds this many words...
TARGET_WORDS = 150
#: ...and never grows past this many when a boundary allows.
MAX_WORDS = 250
#: A shorter tail joins the passage before it.
MIN_TAIL_WORDS = 60
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def render(block: Block) -> str:
    """A block as plain text, the way it is indexed and shown."""
    if block.kind == "item":
        return "  " * max(block.level - 1, 0) + "- " + block.text
    return block.text


def body_text(article: Article) -> str:
    """The whole body as indexed: in-body headings included, the title not."""
    return "\n\n".join(render(block) for block in article.blocks)


def sections(article: Article) -> Iterator[Section]:
    """Group blocks under their headings; text before the first heading is a section with none."""
    path: list[Block] = []
    heading: Block | None = None
    body: list[Block] = []

    def emit() -> Section | None:
        if heading is None and not body:
            return None
        return Section(heading=heading.text if heading else "", level=heading.level if heading else 0,
                       path=tuple(h.text for h in path), blocks=tuple(body))

    for block in article.blocks:
        if block.kind != "heading":
            body.append(block)
            continue
        section = emit()
        if section is not None:
            yield section
        while path and path[-1].level >= block.level:
            path.pop()
        path.append(block)
        heading, body = block, []
    section = emit()
    if section is not None:
        yield section


def _words(text: str) -> int:
    return len(text.split())


def _pieces(block: Block) -> Iterator[str]:
    """A block's text, cut at sentence ends when it alone is longer than a passage."""
    text = render(block)
    if _words(text) <= MAX_WORDS:
        yield text
        return
    chunk: list[str] = []
    count = 0
    for sentence in _SENTENCE.split(text):
        size = _words(sentence)
        if size > MAX_WORDS:
            # No sentence end for a passage's length (a one-line file, a wall of words): cut
            # at words, so no passage, and nothing later done per passage, grows with the file.
            if chunk:
                yield " ".join(chunk)
                chunk, count = [], 0
            words = sentence.split()
            for start in range(0, len(words), MAX_WORDS):
                yield " ".join(words[start:start + MAX_WORDS])
            continue
        if chunk and count + size > MAX_WORDS:
            yield " ".join(chunk)
            chunk, count = [], 0
        chunk.append(sentence)
        count += size
    if chunk:
        yield " ".join(chunk)


def chunks(section: Section) -> Iterator[str]:
    """Cut a section's text into passages of about TARGET_WORDS to MAX_WORDS words."""
    for text, _page in paged_chunks(section):
        yield text


def paged_chunks(section: Section) -> Iterator[tuple[str, int]]:
    """`chunks`, each with the page its first block starts on (0 when the article has none)."""
    current: list[str] = []
    count = 0
    page = 0
    pending: list[tuple[str, int]] = []
    for block in section.blocks:
        for piece in _pieces(block):
            size = _words(piece)
            if current and count >= TARGET_WORDS and count + size > MAX_WORDS:
                pending.append(("\n".join(current), page))
                current, count = [], 0
            if not current:
                page = block.page
            current.append(piece)
            count += size
    if current:
        if pending and count < MIN_TAIL_WORDS and _words(pending[-1][0]) + count <= MAX_WORDS + MIN_TAIL_WORDS:
            pending[-1] = (pending[-1][0] + "\n" + "\n".join(current), pending[-1][1])
        else:
            pending.append(("\n".join(current), page))
    yield from pending


def passages(article: Article) -> Iterator[Passage]:
    """Every passage of an article, in order, each with its heading path (and page, in a PDF)."""
    position = 0
    for section in sections(article):
        for text, page in paged_chunks(section):
            yield Passage(article_id=article.id, position=position, headings=section.path, text=text, page=page)
            position += 1
