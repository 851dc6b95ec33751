"""Present: Hits as terminal text (highlighted, windowed), JSON, JSON Lines or TREC runs.

Everything printed from the index passes `sanitize` again: an index written by an older
version, or by hand, must not be able to put escape sequences on the screen.
"""
from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable

from indexer.decode import sanitize

from .rank import Hit

HEADING_SEPARATOR = " › "
#: Words of context shown around the matches in a terminal listing.
WINDOW_WORDS = 60
BOLD, DIM, MATCH, RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;33m", "\x1b[0m"


def _window(text: str, spans: tuple[tuple[int, int], ...], words: int) -> tuple[int, int]:
    """The character range of about `words` words holding the most matches."""
    bounds = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if len(bounds) <= words:
        return 0, len(text)
    starts = [s for s, _ in spans]
    best, best_count = 0, -1
    for first in range(0, len(bounds) - words + 1, max(1, words // 6)):
        lo, hi = bounds[first][0], bounds[first + words - 1][1]
        count = sum(lo <= s < hi for s in starts)
        if count > best_count:
            best, best_count = first, count
    return bounds[best][0], bounds[min(best + words, len(bounds)) - 1][1]


def snippet(hit: Hit, color: bool, words: int | None = WINDOW_WORDS) -> str:
    """The passage (or a window of it around the matches) with matches marked."""
    text = hit.text
    start, end = _window(text, hit.spans, words) if words else (0, len(text))
    out, cursor = [], start
    for lo, hi in hit.spans:
        if lo < start or hi > end:
            continue
        out.append(sanitize(text[cursor:lo]))
        word = sanitize(text[lo:hi])
        out.append(f"{MATCH}{word}{RESET}" if color else word)
        cursor = hi
    out.append(sanitize(text[cursor:end]))
    body = "".join(out)
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


def headings_line(headings: Iterable[str]) -> str:
    return HEADING_SEPARATOR.join(sanitize(h) for h in headings)


def text_listing(hits: list[Hit], color: bool, width: int = 100, full: bool = False) -> str:
    """A human-readable listing of hits."""
    blocks = []
    for hit in hits:
        title = sanitize(hit.title)
        head = f"{hit.rank:>2}. {title}  ({hit.score:.2f})"
        lines = [f"{BOLD}{head}{RESET}" if color else head]
        if hit.headings:
            section = "    § " + headings_line(hit.headings)
            lines.append(f"{DIM}{section}{RESET}" if color else section)
        source = sanitize(hit.source) + (f"  <{sanitize(hit.url)}>" if hit.url and hit.url != hit.source else "")
        lines.append(f"{DIM}    {source}{RESET}" if color else f"    {source}")
        for paragraph in snippet(hit, color, None if full else WINDOW_WORDS).split("\n"):
            # Colour codes take no room on screen, so wrap ignores them by wrapping plain width
            # generously rather than splitting an escape sequence.
            lines.extend(textwrap.wrap(paragraph, width=width + (len(paragraph) - len(_plain(paragraph))),
                                       initial_indent="    ", subsequent_indent="    ",
                                       break_long_words=False, break_on_hyphens=False) or [""])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _plain(text: str) -> str:
    for code in (MATCH, RESET):
        text = text.replace(code, "")
    return text


def hit_record(hit: Hit) -> dict:
    record = {"rank": hit.rank, "score": round(hit.score, 4), "article_id": hit.article_id,
              "title": sanitize(hit.title), "headings": [sanitize(h) for h in hit.headings],
              "source": sanitize(hit.source), "url": hit.url and sanitize(hit.url), "text": sanitize(hit.text)}
    if hit.explanation is not None:
        from .explain import explanation_record

        record["explanation"] = explanation_record(hit.explanation)
    return record


def json_result(query: str, hits: list[Hit], suggestion: str | None = None, corrected: str | None = None) -> str:
    result = {"query": query, "results": [hit_record(h) for h in hits]}
    if suggestion:
        result["suggestion"] = suggestion
    if corrected:
        result["searched_for"] = corrected
    return json.dumps(result, ensure_ascii=False)


def jsonl_line(query_id: str, query: str, hits: list[Hit]) -> str:
    return json.dumps({"_id": query_id, "query": query, "results": [hit_record(h) for h in hits]},
                      ensure_ascii=False)


def trec_lines(query_id: str, hits: list[Hit], tag: str = "corpus-search") -> str:
    """TREC run lines: `qid Q0 docid rank score tag`."""
    qid = "".join(query_id.split()) or "-"
    return "".join(f"{qid} Q0 {hit.article_id} {hit.rank} {hit.score:.4f} {tag}\n" for hit in hits)
