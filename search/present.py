"""Present: what the CLI prints. Hits as terminal text (wrapped, highlighted), JSON, JSON
Lines or TREC runs, the progress line of `add`, and `printable`, the one function every
printed string passes.

File names, ids, titles, URLs and error messages come from outside (a page, a JSONL file,
a corpus someone shared), so none of them may reach the terminal with escape sequences,
control characters or bidi overrides in it. Colour is added after that, and text is
wrapped before it, so the codes never count as width.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rank imports Whoosh; printing an error line should not wait for it
    from .rank import Hit

HEADING_SEPARATOR = " › "
#: Words of context shown around the matches in a terminal listing.
WINDOW_WORDS = 60
#: Lines of a listing are never wider than this, whatever the terminal.
MAX_WIDTH = 100
#: Nor narrower: below it a listing is unreadable anyway.
MIN_WIDTH = 20
INDENT = "    "
BOLD, DIM, MATCH, RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;33m", "\x1b[0m"

# ECMA-48 sequences, removed whole so no parameter bytes are left behind as text. A string
# command (OSC, DCS, SOS, PM, APC) runs to BEL or ST; an unterminated one to the line's end.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_SGR = re.compile(r"\x1b\[[0-9;]*m")
# C0 but tab and newline, DEL, C1, and the bidi embeddings, overrides and isolates that can
# make text read differently from what it is (U+202A-202E, U+2066-2069).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\n]")


def printable(text: object, *, one_line: bool = False, keep_color: bool = False) -> str:
    """`text` safe for a terminal: no escape sequences, controls or bidi overrides.

    `one_line` turns tabs and newlines into spaces too (for a name inside a line: a newline
    in a file name must not forge a line of output). `keep_color` keeps SGR colour codes:
    only for text whose every piece from outside has been through `printable` already.
    """
    text = str(text)
    if keep_color:
        codes = _SGR.findall(text)
        pieces = [printable(piece, one_line=one_line) for piece in _SGR.split(text)]
        return "".join(piece + code for piece, code in zip(pieces, [*codes, ""]))
    text = _CONTROL.sub("", _ESCAPE.sub("", text))
    return _LINE_BREAKS.sub(" ", text) if one_line else text


def clean_record(value):
    """A JSON-able value with every string in it made printable (keys too)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(k): clean_record(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_record(v) for v in value]
    return value


def json_text(value) -> str:
    """One line of JSON; strings made printable before encoding, so `jq -r` prints them safely."""
    return json.dumps(clean_record(value), ensure_ascii=False)


def shown_source(source: str | None, cwd: Path | None = None) -> str:
    """A source as the user reads it: a path under the current folder relative to it."""
    if not source:
        return ""
    if cwd is not None and "://" not in source and os.path.isabs(source):
        try:
            return printable(Path(source).relative_to(cwd).as_posix(), one_line=True)
        except ValueError:
            pass
    return printable(source, one_line=True)


# -- wrapping by display width ---------------------------------------------------------

def cell_width(text: str) -> int:
    """Columns `text` takes on a terminal: wide East Asian characters two, marks none."""
    if text.isascii():  # one column a character, as the loop below counts them
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _chunks(text: str, start: int, end: int, room: int) -> list[tuple[int, int]]:
    """A word too long for a line, cut into pieces that fit."""
    if cell_width(text[start:end]) <= room:
        return [(start, end)]
    pieces, lo, used = [], start, 0
    for i in range(start, end):
        width = cell_width(text[i])
        if used + width > room and i > lo:
            pieces.append((lo, i))
            lo, used = i, 0
        used += width
    pieces.append((lo, end))
    return pieces


def wrap_ranges(text: str, room_first: int, room_rest: int) -> list[tuple[int, int]]:
    """Greedy wrap of one paragraph at spaces: the character ranges of its lines. A word
    wider than a line is cut, so no line is ever wider than its room."""
    lines: list[tuple[int, int]] = []
    start = end = used = None
    for match in re.finditer(r"\S+", text):
        pieces = _chunks(text, match.start(), match.end(), min(room_first, room_rest))
        for number, (lo, hi) in enumerate(pieces):
            room = room_first if not lines else room_rest
            if start is not None and number == 0:
                wider = used + cell_width(text[end:hi])  # the spaces between count as they are
                if wider <= room:
                    end, used = hi, wider
                    continue
            if start is not None:
                lines.append((start, end))
            start, end, used = lo, hi, cell_width(text[lo:hi])
    if start is not None:
        lines.append((start, end))
    return lines


def _paint(text: str, lo: int, hi: int, spans: list[tuple[int, int]], style: str, color: bool) -> str:
    """text[lo:hi] with `spans` marked as matches and the rest in `style`."""
    if not color:
        return text[lo:hi]
    out, cursor = [style] if style else [], lo
    for start, end in spans:
        start, end = max(start, lo), min(end, hi)
        if start >= end or start < cursor:
            continue
        out += [text[cursor:start], MATCH, text[start:end], RESET + style]
        cursor = end
    out += [text[cursor:hi], RESET if style else ""]
    return "".join(out)


def wrapped(text: str, width: int, color: bool, style: str = "", spans: Iterable[tuple[int, int]] = (),
            first: str = INDENT, rest: str = INDENT) -> list[str]:
    """Lines of at most `width` columns, wrapped on the plain text, then coloured."""
    lines: list[str] = []
    for paragraph, para_spans in _split_spans(text, sorted(spans)):
        ranges = wrap_ranges(paragraph, max(width - cell_width(first), 1), max(width - cell_width(rest), 1))
        if not ranges:
            lines.append("")
        for lo, hi in ranges:
            lines.append((rest if lines else first) + _paint(paragraph, lo, hi, para_spans, style, color))
    return lines


def _split_spans(text: str, spans: list[tuple[int, int]]):
    """Each line of `text` with the spans inside it, counted from the line's start."""
    offset = 0
    for paragraph in text.split("\n"):
        yield paragraph, [(s - offset, e - offset) for s, e in spans if s >= offset and e <= offset + len(paragraph)]
        offset += len(paragraph) + 1


# -- hits as text ----------------------------------------------------------------------

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


def marked(hit: Hit, words: int | None = WINDOW_WORDS) -> tuple[str, list[tuple[int, int]]]:
    """The passage (or a window of it around the matches), printable, and its matches' spans."""
    text = hit.text
    start, end = _window(text, hit.spans, words) if words else (0, len(text))
    parts, spans, length, cursor = [], [], 0, start

    def put(piece: str) -> None:
        nonlocal length
        parts.append(piece)
        length += len(piece)

    put("… " if start > 0 else "")
    for lo, hi in sorted(hit.spans):
        if lo < cursor or hi > end:
            continue
        put(printable(text[cursor:lo]).replace("\t", " "))
        word = printable(text[lo:hi], one_line=True)
        spans.append((length, length + len(word)))
        put(word)
        cursor = hi
    put(printable(text[cursor:end]).replace("\t", " "))
    put(" …" if end < len(text) else "")
    return "".join(parts), spans


def headings_line(headings: Iterable[str]) -> str:
    return HEADING_SEPARATOR.join(printable(h, one_line=True) for h in headings)


def listing_width(columns: int) -> int:
    """The width of a listing on a terminal of `columns` columns."""
    return max(MIN_WIDTH, min(columns, MAX_WIDTH))


def text_listing(hits: list[Hit], color: bool, width: int = MAX_WIDTH, full: bool = False,
                 cwd: Path | None = None) -> str:
    """A human-readable listing of hits, no line wider than `width` columns."""
    blocks = []
    for hit in hits:
        head = f"{hit.rank:>2}. {printable(hit.title, one_line=True)}  ({hit.score:.2f})"
        lines = wrapped(head, width, color, BOLD, first="", rest=INDENT)
        if hit.headings:
            lines += wrapped("§ " + headings_line(hit.headings), width, color, DIM)
        lines += _source_lines(hit, width, color, cwd)
        body, spans = marked(hit, None if full else WINDOW_WORDS)
        lines += wrapped(body, width, color, "", spans)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def elided(text: str, room: int, keep_end: bool = True) -> str:
    """`text` cut to `room` columns with an ellipsis, keeping its end (a file's name) or start."""
    if cell_width(text) <= room:
        return text
    chars = list(text) if not keep_end else list(reversed(text))
    kept, used = [], 1
    for char in chars:
        used += cell_width(char)
        if used > room:
            break
        kept.append(char)
    return "…" + "".join(reversed(kept)) if keep_end else "".join(kept) + "…"


def _source_lines(hit: Hit, width: int, color: bool, cwd: Path | None) -> list[str]:
    # A path or URL cut over two lines cannot be copied; one too long loses its middle
    # instead (the whole is in --json).
    room = width - cell_width(INDENT)
    # A PDF's page as a PDF viewer's address takes it (file.pdf#page=3).
    page = f"#page={hit.page}" if hit.page else ""
    source = elided(shown_source(hit.source, cwd) + page, room)
    lines = [source]
    if hit.url and hit.url != hit.source:
        url = f"<{printable(hit.url, one_line=True)}>"
        if cell_width(source) + 2 + cell_width(url) <= room:
            lines = [f"{source}  {url}"]
        else:
            lines.append(elided(url, room, keep_end=False))
    return [INDENT + (f"{DIM}{line}{RESET}" if color else line) for line in lines]


# -- machine-readable ------------------------------------------------------------------

def hit_record(hit: Hit) -> dict:
    record = {"rank": hit.rank, "score": round(hit.score, 4), "article_id": hit.article_id,
              "title": hit.title, "headings": list(hit.headings), "source": hit.source,
              "url": hit.url, "page": hit.page, "text": hit.text}
    if hit.explanation is not None:
        from .explain import explanation_record

        record["explanation"] = explanation_record(hit.explanation)
    return clean_record(record)


def json_result(query: str, hits: list[Hit], suggestion: str | None = None, corrected: str | None = None) -> str:
    result = {"query": query, "results": [hit_record(h) for h in hits]}
    if suggestion:
        result["suggestion"] = suggestion
    if corrected:
        result["searched_for"] = corrected
    return json_text(result)


def jsonl_line(query_id: str, query: str, hits: list[Hit]) -> str:
    return json_text({"_id": query_id, "query": query, "results": [hit_record(h) for h in hits]})


def _trec_field(value: str) -> str:
    # A TREC run is whitespace-separated columns: a space inside an id would shift them.
    return "".join(printable(value, one_line=True).split()) or "-"


def trec_lines(query_id: str, hits: list[Hit], tag: str = "corpus-search") -> str:
    """TREC run lines, `qid Q0 docid rank score tag`: one per article, its best passage's score."""
    qid = _trec_field(query_id)
    seen: set[str] = set()
    lines = []
    for hit in hits:
        if hit.article_id in seen:
            continue
        seen.add(hit.article_id)
        lines.append(f"{qid} Q0 {_trec_field(hit.article_id)} {len(lines) + 1} {hit.score:.4f} {tag}\n")
    return "".join(lines)


# -- progress --------------------------------------------------------------------------

def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def progress_line(done: int, total: int | None, rate: float | None, width: int) -> str:
    """`add`'s status line: a bar, the count, and once the rate (articles a second) is
    known, the rate and, when the total is known, the time left."""
    speed = "" if rate is None else f"  {rate:.0f}/s" if rate >= 1 else f"  {rate:.1f}/s"
    if not total:
        return f"adding  {done} done{speed}"[:width]
    shown = min(done, total)
    eta = f"  ETA {_clock((total - shown) / rate)}" if rate else ""
    tail = f" {100 * shown // total:>3}%  {shown}/{total}{speed}{eta}"
    room = max(width - len("adding  []") - len(tail), 0)
    bar = ("#" * (room * shown // total)).ljust(room, "-") if room >= 5 else ""
    return (f"adding  [{bar}]{tail}" if bar else f"adding {tail}")[:width]


#: `clean --explain`: how wide a block's first words are shown, and how many kept blocks
#: in a row are shown before the rest of the run is counted instead.
EXPLAIN_WIDTH = 72
EXPLAIN_KEPT_RUN = 2


def explained_lines(explanation) -> list[str]:
    """`corpus clean --explain` for one document (an `indexer.clean.Explanation`).

    A summary line, then the blocks in reading order: those left out ("-") with their
    rule, a run of them under one rule on one line, and around them the kept ones
    ("+", first words; long runs of them counted).
    """
    kept, dropped = explanation.blocks, explanation.dropped
    words, page = explanation.words, explanation.page_words
    share = f" ({100 * words / page:.0f}%)" if page else ""
    lines = [f"kept {len(kept)} blocks, {words} of {page} words{share}; left out {len(dropped)} blocks"]
    shown = 0

    def kept_run(end: int) -> None:
        nonlocal shown
        run = kept[shown:end]
        for block in run[:EXPLAIN_KEPT_RUN]:
            lines.append(f"  + {_first_words(block.text, EXPLAIN_WIDTH)}")
        if len(run) > EXPLAIN_KEPT_RUN:
            lines.append(f"  + ... {len(run) - EXPLAIN_KEPT_RUN} more kept")
        shown = max(shown, end)

    runs: list[list] = []
    for block in dropped:
        if runs and runs[-1][0].rule == block.rule and runs[-1][0].after == block.after:
            runs[-1].append(block)
        else:
            runs.append([block])
    for run in runs:
        kept_run(min(run[0].after, len(kept)))
        rule = printable(run[0].rule, one_line=True)
        room = max(EXPLAIN_WIDTH - len(rule) - 3, 20)
        if len(run) == 1:
            lines.append(f"  - [{rule}] {_first_words(run[0].text, room)}")
        else:
            count = f"{len(run)} blocks: "
            joined = " · ".join(" ".join(block.text.split()[:8]) for block in run[:12])
            lines.append(f"  - [{rule}] {count}{_first_words(joined, max(room - len(count), 20))}")
    kept_run(len(kept))
    return lines


def _first_words(text: str, room: int) -> str:
    return elided(" ".join(printable(text, one_line=True).split()), room, keep_end=False)
