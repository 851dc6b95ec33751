"""Layout: a PDF's spans, in reading order, to paragraphs, each with the page it starts on.

Spans come in the order the page was drawn, which for a browser's print and for most
typeset documents is the reading order; a side-by-side column is drawn whole before the
next. Where the drawing order disagrees with the page (a menu drawn after the text it is
printed above), what is printed above is read first; a sidebar is read after the main
text, a footnote after its page. Spans side by side on one row, one straight after the
other (a table's cells), are one line. A line continues the paragraph above it when it
follows at the paragraph's line spacing, in the same font size, and the line above ran to
its column's right edge (it was wrapped, not ended: a menu's entries are short lines that
end early). A paragraph cut by a page or column break, the running lines between taken
out, is joined again; a word hyphenated at a line's end is rejoined.
"""
from __future__ import annotations

import bisect
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .read import Span

#: A gap between two lines wider than this many line heights ends a paragraph.
PARAGRAPH_GAP = 0.6
#: A gap this many line heights wider than a size's usual gap between lines ends a paragraph.
WIDER = 0.4
#: Font sizes this close (a share) are the same size.
SIZE_TOLERANCE = 0.12
#: A line ends early (its paragraph ends there) when it stops short of the column's right
#: edge by more than the next line's first word and this many font sizes.
EARLY_END = 1.5
#: Lines starting within this many font sizes of a line share its column's right edge.
EDGE_NEIGHBOURS = 2
#: ...but no further than this many points (a damaged file's type may be miles high).
MAX_REACH = 60
#: Text beside a line, at least this many font sizes right of its end, bounds its column.
GUTTER = 1.5
#: A left edge at least this many lines (and this share of all) start at, beside other text, is a column's.
COLUMN_LINES = 10
COLUMN_SHARE = 0.05
#: A column beside the main one is a sidebar when it holds at most this share of the main one's text.
SIDE_SHARE = 0.5
#: ...and is narrower than this share of the main column's width (a paper's columns are alike).
COLUMN_LIKE = 0.75
#: Type at least this share larger than the body text is a heading's (lines set centred join).
HEADING_SIZE = 1.15
#: ...when no wider a gap than this many line heights parts them (a centred menu's entries are spaced).
CENTRED_GAP = 0.5
#: Type at most this share of a page's text size, under its text, is a footnote.
FOOTNOTE_SIZE = 0.9
#: A page with more lines than this is read in drawing order (reordering compares each pair).
MAX_REORDERED = 300
_SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")
#: How a footnote opens: its number or mark.
_NOTE_MARK = re.compile(r"^(?:\d{1,3}|[*†‡§¶¹²³⁰-⁹]+|\[\d{1,3}\]|\(\d{1,3}\))(?:\s|[A-Z]|$)")
#: How a line may end in a hyphen: pdfium writes U+FFFE for a hyphen it saw at a line's end.
_HYPHENS = ("-", "\ufffe", "\u00ad", "\u2010")
#: Scripts written without spaces between words (and their full-width punctuation).
_UNSPACED = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
#: Hangul syllables: Korean puts spaces between words, but a browser wraps it between any two syllables.
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: Particles that end a Korean word (topic, subject, object, possessive, direction, "and").
_PARTICLES = tuple("은는을를의에로와과")
_WORD_END = re.compile(r"(\w+)$")
_WORD_START = re.compile(r"^(\w+)")


@dataclass(frozen=True, slots=True)
class Line:
    """Spans side by side on one row of a page."""

    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    #: How many spans (cells) the row holds.
    cells: int = 1
    #: The cells' text apart, " | " between (a table's row as the other cleaners write it).
    row: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    #: The page it starts on, from 1.
    page: int
    size: float
    bold: bool
    #: How many lines it was printed on.
    lines: int
    #: Whether a wider gap than the line spacing (or a page's start) comes before it.
    spaced: bool
    #: The widest row's number of cells (a table row has more than one).
    cells: int = 1
    #: A row of cells (never joined with others): its cells " | " apart.
    row: str = ""


def lines(spans: list[Span]) -> list[Line]:
    """Spans joined into lines: a span that continues the row of the one before it joins it."""
    rows: list[list[Span]] = []
    for span in spans:
        if rows:
            last = rows[-1][-1]
            height = min(last.bottom - last.top, span.bottom - span.top)
            overlap = min(last.bottom, span.bottom) - max(last.top, span.top)
            if span.page == last.page and overlap > 0.5 * height and span.x0 >= last.x1 - 1:
                rows[-1].append(span)
                continue
        rows.append([span])
    return [_line(row) for row in rows]


def _line(row: list[Span]) -> Line:
    first = row[0]
    sizes = Counter()
    for span in row:
        sizes[span.size] += len(span.text)
    return Line(text=" ".join(span.text for span in row), page=first.page, x0=first.x0,
                top=min(span.top for span in row), x1=row[-1].x1, bottom=max(span.bottom for span in row),
                size=sizes.most_common(1)[0][0], bold=all(span.bold for span in row), cells=len(row),
                row=" | ".join(span.text for span in row) if len(row) > 1 else "")


def reading_order(lines: list[Line]) -> list[Line]:
    """Lines in reading order: each page's main column as drawn, and a narrower column beside it
    (a sidebar) after the whole document's main text, as a reader reads around it.

    A browser prints a sidebar's share of each sheet after the article's, so a paragraph cut
    by the page break would otherwise have the sidebar inside it. Two columns of like
    weight (a paper's) are read as drawn, one after the other on each page. A line drawn
    after others but printed above them, across their width (a page's menu and headline
    drawn after the article's opening), is read before them.
    """
    pages: dict[int, list[Line]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    main: list[Line] = []
    beside: list[Line] = []
    for number in sorted(pages):
        page = pages[number]
        side = _side_lines(page)
        main.extend(_notes_last(_top_down([line for line in page if id(line) not in side])))
        beside.extend(_top_down([line for line in page if id(line) in side]))
    return main + beside


def _notes_last(lines: list[Line]) -> list[Line]:
    """A page's lines with its footnotes last: lines in smaller type than the page's text, under
    its text with none of it below them across their width, the first of them opening with a
    note's mark (a digit, a star, a dagger). A note at a column's foot is read after the page's
    other column, not inside a paragraph that goes on there; a figure's caption stays."""
    if len(lines) > MAX_REORDERED:
        return lines
    sizes: Counter = Counter()
    for line in lines:
        sizes[round(line.size)] += len(line.text)
    if not sizes:
        return lines
    body = sizes.most_common(1)[0][0]
    text = [line for line in lines if abs(line.size - body) < 1]

    def under(line: Line) -> bool:
        if line.size > FOOTNOTE_SIZE * body:
            return False
        across = [other for other in text if min(line.x1, other.x1) > max(line.x0, other.x0)]
        return bool(across) and all(other.bottom <= line.top for other in across)

    notes: set[int] = set()
    opened = False  # within a stretch of such lines that opened with a mark
    for index, line in enumerate(lines):
        if not under(line):
            opened = False
            continue
        if _NOTE_MARK.match(line.text) or opened and index and id(lines[index - 1]) in notes:
            notes.add(id(line))
            opened = True
    if not notes:
        return lines
    return [line for line in lines if id(line) not in notes] + [line for line in lines if id(line) in notes]


def _top_down(lines: list[Line]) -> list[Line]:
    """The lines in drawing order, except that a run of lines drawn later, printed above lines
    drawn earlier and overlapping them across, is read before them (side-by-side columns,
    which do not overlap across, keep their order).

    A run is a stretch of lines drawn one below another; it is read in its own order. Text
    printed over other text (a menu drawer open over the article) is a layer: its runs and
    the runs beneath keep their drawing order, not interleaved by height.
    """
    if len(lines) > MAX_REORDERED:
        return lines
    runs = _runs(lines)
    # Runs printed over each other, or a run printed beside an earlier one at the same height
    # for the most part (a box the text flows around), are read as drawn.
    layered: set[tuple[int, int]] = set()
    beside: dict[tuple[int, int], set[int]] = {}
    for i, line in enumerate(lines):
        for j in range(i + 1, len(lines)):
            if runs[i] == runs[j] or lines[j].top >= line.bottom or lines[j].bottom <= line.top:
                continue  # one run, or not at the same height: neither printed over nor beside
            if _overprint(line, lines[j]):
                layered.add((runs[i], runs[j]))
            elif _beside(line, lines[j]):
                beside.setdefault((runs[i], runs[j]), set()).add(j)
    sizes = Counter(runs)
    layered |= {pair for pair, found in beside.items() if len(found) >= 0.5 * sizes[pair[1]]}
    # after[u]: the lines that must come after line u.
    after: list[list[int]] = [[] for _ in lines]
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and runs[i + 1] == runs[i]:
            after[i].append(i + 1)
        for j in range(i + 1, len(lines)):
            other = lines[j]
            if (runs[j] != runs[i] and other.bottom <= line.top + 1
                    and min(line.x1, other.x1) - max(line.x0, other.x0) > 1 and (runs[i], runs[j]) not in layered):
                after[j].append(i)
    # A line drawn later is pulled up to just before the first line it must precede (its
    # rank), rather than the lines below it held back until it is drawn.
    rank = list(range(len(lines)))
    for u in reversed(_ordered(after, [0] * len(lines))):
        for v in after[u]:
            rank[u] = min(rank[u], rank[v])
    return [lines[u] for u in _ordered(after, rank)]


def _ordered(after: list[list[int]], rank: list[int]) -> list[int]:
    """The lines in an order that keeps every `after` constraint, the lowest (rank, index) first
    among those free to come next."""
    before = [0] * len(after)
    for targets in after:
        for v in targets:
            before[v] += 1
    ready = [(rank[u], u) for u, count in enumerate(before) if not count]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, u = heapq.heappop(ready)
        order.append(u)
        for v in after[u]:
            before[v] -= 1
            if not before[v]:
                heapq.heappush(ready, (rank[v], v))
    return order


def _runs(lines: list[Line]) -> list[int]:
    """Each line's run: lines drawn one below another; a line drawn higher up than the one
    before it starts a new run."""
    runs = []
    number = 0
    for index, line in enumerate(lines):
        if index and line.top < lines[index - 1].top - 0.5 * (line.bottom - line.top):
            number += 1
        runs.append(number)
    return runs


def _beside(a: Line, b: Line) -> bool:
    """Whether two lines are printed side by side: at the same height, apart across."""
    return (min(a.bottom, b.bottom) - max(a.top, b.top) > 0.5 * min(a.bottom - a.top, b.bottom - b.top)
            and (b.x0 >= a.x1 or a.x0 >= b.x1))


def _overprint(a: Line, b: Line) -> bool:
    """Whether two lines are printed over each other (by more than a quarter of the smaller)."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return False
    smaller = min((a.x1 - a.x0) * (a.bottom - a.top), (b.x1 - b.x0) * (b.bottom - b.top))
    return width * height > 0.25 * smaller


def _side_lines(page: list[Line]) -> set[int]:
    """The ids of a page's lines wholly beside its main column, when they weigh far less than it."""
    weight: Counter = Counter()
    for line in page:
        weight[round(line.x0 / 4)] += len(line.text)
    if not weight:
        return set()
    left = weight.most_common(1)[0][0] * 4
    column = sorted(line.x1 for line in page if abs(line.x0 - left) <= 3 * line.size)
    right = column[int(0.9 * (len(column) - 1))]
    side = [line for line in page if line.x0 >= right - 2 or line.x1 <= left + 2]
    side_chars = sum(len(line.text) for line in side)
    main_chars = sum(len(line.text) for line in page) - side_chars
    if not side or side_chars > SIDE_SHARE * main_chars:
        return set()
    for part in ([line for line in side if line.x0 >= right - 2], [line for line in side if line.x1 <= left + 2]):
        if part and max(line.x1 for line in part) - min(line.x0 for line in part) >= COLUMN_LIKE * (right - left):
            return set()  # a column as wide as the main one: a paper's second column, read as drawn
    return {id(line) for line in side}


def _same_size(a: float, b: float) -> bool:
    return abs(a - b) <= SIZE_TOLERANCE * max(a, b)


def _right_edges(lines: list[Line]) -> Callable[[Line], float]:
    """How far right a line's column reaches: the furthest any line starting near it reaches
    (a list's marker hangs left of its text, a first line may be indented), in the whole
    document (a page of short lines has the same column as the others), short of any text
    printed beside the line (a paper's second column, a sidebar: a full-width abstract above
    the columns, or a wide footer, is not the column's width)."""
    ends: dict[int, list[float]] = {}
    for line in lines:
        if line.cells > 1:  # a menu bar's or a table's row is no column's width
            continue
        ends.setdefault(round(line.x0), []).append(line.x1)
    for values in ends.values():
        values.sort()
    walls = _walls(lines)
    found: dict[tuple[int, int, int], float] = {}

    def edge(line: Line) -> float:
        reach = min(round(EDGE_NEIGHBOURS * line.size), MAX_REACH)
        x = round(line.x0)
        wall = walls.get(id(line), math.inf)
        key = (x, reach, round(wall) if wall != math.inf else -1)
        if key not in found:
            found[key] = max((values[at - 1] for d in range(-reach, reach + 1) for values in [ends.get(x + d, ())]
                              for at in [bisect.bisect_left(values, wall)] if at), default=0.0)
        return max(found[key], line.x1)

    return edge


def _walls(lines: list[Line]) -> dict[int, float]:
    """For each line with a column beside it on its right, across a gutter, where that column
    starts (by id): text printed beside the line, or a left edge that many lines of the
    document start at beside other text (a paper's second column, a sidebar), though none is
    beside this line (the column ends higher up, or on this page it is a figure's). Pages with
    more lines than MAX_REORDERED are not looked at."""
    pages: dict[int, list[Line]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    beside_of: dict[int, float] = {}
    besides: dict[int, Line] = {}  # the lines printed beside another, right of it
    for page in pages.values():
        if len(page) > MAX_REORDERED:
            continue
        page = sorted(page, key=lambda item: item.top)
        tops = [item.top for item in page]
        for line in page:
            height = line.bottom - line.top
            low, high = line.top - 0.5 * height, line.bottom + 0.5 * height
            gutter = line.x1 + GUTTER * line.size
            # Lines whose top lies above `high` and whose bottom lies below `low`, right of the gutter.
            beside = [other for other in page[:bisect.bisect_left(tops, high)]
                      if other.bottom > low and other.x0 >= gutter]
            if beside:
                beside_of[id(line)] = min(other.x0 for other in beside)
                besides.update((id(other), other) for other in beside if other.cells == 1)
    columns = Counter(round(line.x0 / 2) for line in besides.values())  # by left edge, to 2 points
    needed = max(COLUMN_LINES, COLUMN_SHARE * len(lines))
    starts = sorted(key * 2.0 for key, count in columns.items() if count >= needed)
    walls: dict[int, float] = {}
    for line in lines:
        at = bisect.bisect_left(starts, line.x1 + GUTTER * line.size)
        wall = min(starts[at] if at < len(starts) else math.inf, beside_of.get(id(line), math.inf))
        if wall != math.inf:
            walls[id(line)] = wall
    # A column's lines below the end of the text beside it (a paper's second column ending
    # higher up) are still that column's: a stretch of lines at one left edge and size shares
    # the furthest wall found beside any of them.
    stretch: list[Line] = []
    for line in lines + [None]:
        if stretch and (line is None or not _same_stretch(stretch[-1], line)):
            found = [walls[id(item)] for item in stretch if id(item) in walls]
            if found:
                for item in stretch:
                    walls.setdefault(id(item), max(found))
            stretch = []
        if line is not None:
            stretch.append(line)
    return walls


def _same_stretch(line: Line, following: Line) -> bool:
    """Whether two lines in reading order stand one under the other in one column of one size."""
    height = line.bottom - line.top
    return (following.page == line.page and _same_size(line.size, following.size)
            and abs(following.x0 - line.x0) <= EDGE_NEIGHBOURS * line.size
            and 0 <= following.top - line.bottom <= 2 * height)


def _wrapped(line: Line, following: Line, edge: float) -> bool:
    """Whether `line` was wrapped (the text goes on) rather than ended before `following`."""
    first_word = following.text.split(" ", 1)[0]
    room = edge - line.x1
    # A character is about half the font size wide.
    return room <= (len(first_word) * 0.55 + EARLY_END) * line.size


def line_gaps(lines: list[Line]) -> dict[int, float]:
    """The usual gap between two lines of one paragraph, for each font size: the commonest gap
    between consecutive lines of that size (a page set with wide line spacing has wide gaps
    inside its paragraphs too)."""
    seen: dict[int, Counter] = {}
    for line, following in zip(lines, lines[1:]):
        height = line.bottom - line.top
        gap = following.top - line.bottom
        if following.page == line.page and _same_size(line.size, following.size) and 0 <= gap < 2 * height:
            seen.setdefault(round(line.size), Counter())[round(gap)] += 1
    return {size: float(gaps.most_common(1)[0][0]) for size, gaps in seen.items()}


def _gap_limit(line: Line, usual: dict[int, float]) -> float:
    """The widest gap below `line` that keeps the next line in its paragraph."""
    height = line.bottom - line.top
    return max(PARAGRAPH_GAP * height, usual.get(round(line.size), 0.0) + WIDER * height)


def _continues(line: Line, following: Line, edge: float, usual: dict[int, float], body: float) -> bool:
    if following.page != line.page or not _same_size(line.size, following.size):
        return False
    if line.bold != following.bold or line.cells > 1 or following.cells > 1:
        return False
    height = line.bottom - line.top
    gap = following.top - line.bottom
    if gap > _gap_limit(line, usual) or gap < -0.5 * height:
        return False
    if (line.size >= HEADING_SIZE * body and gap <= CENTRED_GAP * height
            and abs((line.x0 + line.x1) - (following.x0 + following.x1)) <= 2 * line.size):
        return not _SENTENCE_END.search(line.text)  # a title set centred over lines close together
    if abs(following.x0 - line.x0) > 3 * line.size and following.x0 > line.x0:
        return False  # an indented line below: a new item or paragraph
    if following.x0 < line.x0 - 3 * line.size:
        return False
    return _wrapped(line, following, edge)


def join_lines(left: str, right: str, vocabulary: Counter) -> str:
    """Two wrapped lines' text as one; a word hyphenated across them is rejoined.

    A hyphen at a line's end is dropped when the word without it is what the document
    writes elsewhere, or when it is not a word the document hyphenates elsewhere and the
    word goes on in lower case ("infor-" + "mation"); otherwise ("re-" + "election"
    where the document writes re-election) it stays and the word is closed up.
    """
    if _UNSPACED.match(left[-1:]) and _UNSPACED.match(right[:1]):
        return left + right  # Chinese, Japanese: no space between words, so none where a line wrapped
    if _HANGUL.match(left[-1:]) and _HANGUL.match(right[:1]):
        head, tail = _WORD_END.search(left).group(1), _WORD_START.match(right).group(1)
        return left + right if _inside_word(head.casefold(), tail.casefold(), vocabulary) else f"{left} {right}"
    if not left.endswith(_HYPHENS) or not right[:1].islower():
        return f"{left} {right}"
    stem = left[:-1]
    head = _WORD_END.search(stem)
    tail = _WORD_START.match(right)
    if head is None or tail is None:
        return f"{stem}-{right}" if left.endswith("\ufffe") else f"{left}{right}"
    joined = (head.group(1) + tail.group(1)).casefold()
    hyphened = f"{head.group(1)}-{tail.group(1)}".casefold()
    if vocabulary[hyphened] > vocabulary[joined]:
        return f"{stem}-{right}"
    return f"{stem}{right}"


def _inside_word(head: str, tail: str, vocabulary: Counter) -> bool:
    """Whether Korean wrapped between `head` and `tail` was wrapped inside a word: the document
    writes the two as one word elsewhere; or it does not write either as a word of its own
    elsewhere (the line counts each once) and `head` does not end in a particle."""
    if vocabulary[head + tail]:
        return True
    if len(head) > 1 and vocabulary[head] > 1 or len(tail) > 1 and vocabulary[tail] > 1:
        return False
    return not head.endswith(_PARTICLES)


def vocabulary(lines: list[Line]) -> Counter:
    """How often each word (and hyphenated compound) is printed, in lower case."""
    words: Counter = Counter()
    for line in lines:
        words.update(re.findall(r"\w+(?:-\w+)*", line.text.casefold()))
    return words


def paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Lines joined into paragraphs, in reading order; one cut by a page break joined again."""
    edge = _right_edges(lines)
    words = vocabulary(lines)
    usual = line_gaps(lines)
    sizes: Counter = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    # Each paragraph's text as pieces, a line's each (joining mends only where two lines
    # meet, so a paragraph of many lines is not copied again at every line).
    groups: list[tuple[list[Line], list[str], bool]] = []  # lines, pieces of text, spaced
    for index, line in enumerate(lines):
        if groups:
            current, pieces, _ = groups[-1]
            last = current[-1]
            if _continues(last, line, edge(last), usual, body) or _across_pages(last, line, edge):
                current.append(line)
                joined = join_lines(pieces[-1], line.text, words)
                kept = len(pieces[-1]) if joined.startswith(pieces[-1]) else len(pieces[-1]) - 1  # a hyphen dropped
                pieces[-1:] = [pieces[-1][:kept], joined[kept:]]
                continue
        previous = lines[index - 1] if index else None
        groups.append(([line], [line.text], _gap_before(previous, line, usual)))
    # A hyphen pdfium saw at a line's end that no joining took is a hyphen.
    return [Paragraph(text="".join(pieces).replace("\ufffe", "-"), page=group[0].page, size=group[0].size,
                      bold=all(line.bold for line in group), lines=len(group), spaced=spaced,
                      cells=max(line.cells for line in group), row=group[0].row if len(group) == 1 else "")
            for group, pieces, spaced in groups]


def _gap_before(previous: Line | None, line: Line, usual: dict[int, float]) -> bool:
    if previous is None or previous.page != line.page:
        return True
    return line.top - previous.bottom > _gap_limit(previous, usual)


def _across_pages(last: Line, first: Line, edge: Callable[[Line], float]) -> bool:
    """Whether a paragraph ending a page or a column goes on at the first line of the next page
    (at its left edge) or of the next column (up the page, right of it)."""
    next_page = first.page == last.page + 1 and abs(first.x0 - last.x0) <= 3 * last.size
    next_column = first.page == last.page and first.bottom < last.top and first.x0 >= last.x1
    if not (next_page or next_column) or not _same_size(last.size, first.size) or last.bold != first.bold:
        return False
    if last.cells > 1 or first.cells > 1 or _SENTENCE_END.search(last.text):
        return False
    return _wrapped(last, first, edge(last))
