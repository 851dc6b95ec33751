"""Plain text to an article: the page's article region found, cut into blocks, metadata read.

A plain-text page is often a whole web page as a browser copies it: menus, section lists
and trending links above the article; tags, share prompts, related posts, comments and
footers below. The steps, each its own function:

1. `read_line` (lines): each line's features and kind (prose, short, list item,
   furniture a rule names, barrier such as an author box or the start of comments);
2. `_mark_bylines`, `_mark_repeats`: bylines become metadata (and end a region: teaser
   lists repeat them), an author box's name line joins the box, prose printed twice on a
   page (a ticker, a teaser) is furniture;
3. `article_runs`, `_grown` and `keep` (region): the article is the best-scoring run of
   lines (and its sibling blocks), carried over its own short lines and the list that
   follows it, less the furniture inside it;
4. `_find_title`: the headline just above the run (or the first line), repeats dropped;
   author and date from the byline and dateline around the run's start (meta);
5. `text_blocks`: the kept lines become paragraphs, list items and headings.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ..models import Block, Cleaned, Dropped, Metadata
from ..stopwords import stopwords
from .dates import first_date, parse_date
from .lines import BULLET, Line, is_english, read_line, score
from .meta import byline_author
from .region import Region, article_runs, bridge, fringe, keep, through_box, widen

_CLOSING = re.compile(r"[.,;:!…\"'”’)\]]$")
_SENTENCE_END = re.compile(r"[.!?…]$")
_PROSE_END = re.compile(r"[.;:!…]$")
#: A word broken at a line's end by a hyphen ("up-"), not a dash standing alone (" -").
_HYPHENATED = re.compile(r"[^\W\d_]-$")
#: A line that goes on on the next one, however short: it ends in a comma, a hyphen, "and".
_CONTINUES = re.compile(r"[,\-–—&]$|\s(?:and|or|the|a|of|to)$", re.I)
#: The widest hard wrap (longer lines are paragraphs a line), and how far short of the width a
#: wrapping tool may break a line.
MAX_WRAP = 160
WRAP_SLACK = 3
#: A gap between two columns of a row laid out with spaces (not two spaces after a full stop).
_COLUMN_GAP = re.compile(r"[^\s.!?](?: {2,}|\t)(?=\S)")
_CELLS = re.compile(r" {2,}|\t")
#: A parenthesised qualifier closing a heading.
_QUALIFIER = re.compile(r"\s\([^()]{1,40}\)$")
MAX_HEADING_WORDS = 14
MAX_HEADING_CHARS = 120
#: How far above the article (non-blank lines) its headline, byline and dateline are looked for.
HEAD_WINDOW = 12
#: How far into the article a byline or dateline may still sit.
LEAD_WINDOW = 4
MAX_BYLINE_WORDS = 16
#: Consecutive short lines that read as a menu rather than a note's own lines.
MENU_RUN = 6
#: Content words of the article's opening that a headline is compared with.
LEAD_WORDS = 60
_WORD = re.compile(r"\w+")
#: Lines near a headline that are not one: photo credits, share bars, time stamps.
_NOT_TITLE = re.compile(r"getty|photograph|\bphoto\b|\bimage\b|courtesy|associated press|\breuters\b|\bafp\b|"
                        r"©|copyright|\bshare\b|\btweet\b|\d{1,2}:\d{2}|\s[|/]\s|@\w", re.I)


def _is_heading_shape(line: str) -> bool:
    line = _QUALIFIER.sub("", line)  # "Python (programming language)" is a heading
    words = line.split()
    return (0 < len(words) <= MAX_HEADING_WORDS and len(line) <= MAX_HEADING_CHARS and not _HYPHENATED.search(line)
            and not BULLET.match(line) and (not _CLOSING.search(line) or line.endswith("?"))
            and line[0].isupper() | line[0].isdigit())


def _is_prose(line: str) -> bool:
    """A line that reads as running text rather than a label."""
    return not _is_heading_shape(line) or bool(_PROSE_END.search(line))


def _wrap_width(lines: list[str]) -> int:
    """The width the text is hard-wrapped at, or 0 if it is not.

    The width is the longest line a screen or editor could have wrapped (longer lines are
    paragraphs a line). The text is wrapped if more of its lines that a line follows were
    broken mid-sentence because the next word did not fit than were not: in a
    note with a block a line (headings, commands, ingredients) the next word mostly fits,
    and paragraphs a line end their sentences. A line the next one does not visibly go on
    from (it starts with a capital or a digit) is no evidence either way: a list's entries
    of about one length would otherwise read as a wrapped paragraph.
    """
    width = max((len(line) for line in lines if len(line) <= MAX_WRAP), default=0)
    broken = kept = 0
    for line, after in zip(lines, lines[1:]):
        if line and after and len(line) <= MAX_WRAP and not _SENTENCE_END.search(line):
            if not _fits_not(line, after, width):
                kept += 1
            elif after[0].islower() or _CONTINUES.search(line):
                broken += 1
    return width if broken > kept else 0


def _fits_not(line: str, after: str, width: int) -> bool:
    return len(line) + 1 + len(after.split(None, 1)[0]) > width - WRAP_SLACK


def _runs_on(line: str, after: str, width: int) -> bool:
    """Whether a line goes on in the next: it breaks a word or a list ("up-", "pears,"), or it
    was wrapped, the next line's first word not fitting after it within the width."""
    if not after:
        return False
    if _CONTINUES.search(line):
        return True
    return bool(width) and len(line) <= MAX_WRAP and _fits_not(line, after, width)


def _is_row(line: str) -> bool:
    """A table row laid out with spaces or tabs: two or more column gaps, or a tab."""
    return "\t" in line or len(_COLUMN_GAP.findall(line)) >= 2


def text_blocks(lines: list[str]) -> list[Block]:
    """Classify lines into blocks; a heading is a short label line that leads prose or a list.

    A paragraph hard-wrapped over lines is joined (a word hyphenated across a line break is
    rejoined); a line the next word would have fitted after ends its block, so ingredients,
    commands and a list's lines stay lines; consecutive rows laid out in columns are one table.
    """
    return [block for _, block in _placed_blocks(lines)]


def _placed_blocks(lines: list[str]) -> list[tuple[int, Block]]:
    """The blocks of `text_blocks`, each with the index of the line it starts on.

    """
    stripped = [line.strip() for line in lines]
    # The next non-blank line after each line, found in one backward pass (not a scan per line).
    following: list[str | None] = [None] * len(stripped)
    upcoming: str | None = None
    for index in range(len(stripped) - 1, -1, -1):
        following[index] = upcoming
        if stripped[index]:
            upcoming = stripped[index]
    width = _wrap_width(stripped)
    blocks: list[tuple[int, Block]] = []
    paragraph: list[str] = []
    rows: list[str] = []
    first = 0  # the line the open paragraph or table starts on

    def flush() -> None:
        if paragraph:
            blocks.append((first, Block("paragraph", " ".join(paragraph))))
            paragraph.clear()
        if rows:
            # One row alone is a line like any other; two or more are a table.
            blocks.append((first, Block("table", "\n".join(rows)) if len(rows) > 1 else Block("paragraph", rows[0])))
            rows.clear()

    for index, line in enumerate(stripped):
        if not line:
            flush()
            continue
        nxt = following[index]
        after = stripped[index + 1] if index + 1 < len(stripped) else ""
        if _is_row(line) and (rows or (after and _is_row(after))):
            if paragraph:
                flush()
            if not rows:
                first = index
            rows.append(" | ".join(cell.strip() for cell in _CELLS.split(line)))
            continue
        if rows:
            flush()
        bullet = BULLET.match(lines[index])
        if bullet:
            flush()
            indent = len(lines[index]) - len(lines[index].lstrip())
            blocks.append((index, Block("item", line[bullet.end() - indent:].strip(),
                                        1 + indent // 4 if indent >= 4 else 1)))
            continue
        # A line the next one continues (a wrapped sentence) leads nothing.
        if not paragraph and _is_heading_shape(line) and nxt is not None and (
                _is_prose(nxt) or BULLET.match(nxt)) and not (nxt[0].islower() and _runs_on(line, after, width)):
            blocks.append((index, Block("heading", line, 2)))
            continue
        if paragraph and _HYPHENATED.search(paragraph[-1]) and line[0].islower():
            paragraph[-1] = paragraph[-1][:-1] + line  # "up-" + "land": one word, broken by the wrap
        else:
            if not paragraph:
                first = index
            paragraph.append(line)
        # A hard-wrapped paragraph goes on over its lines; any other line is a block of its own
        # (a paragraph a line, an ingredient, a command, a list's entry).
        if not _runs_on(line, after, width):
            flush()
    flush()
    return blocks


def _mark_repeats(lines: list[Line]) -> list[Line]:
    """A line of prose printed twice on a page is a ticker or a teaser, not the article's."""
    counts = Counter(line.text for line in lines if line.kind == "prose")
    return [replace(line, kind="furniture", rule="repeated") if line.kind == "prose" and counts[line.text] > 1
            else line for line in lines]


def _mark_bylines(lines: list[Line]) -> list[Line]:
    """Bylines are metadata, not text; the name line opening an author box belongs to the box.
    Byline-shaped lines one under another ("By Course", "By Cuisine") are a menu's."""
    marked = list(lines)
    previous = -1  # the last non-blank line seen
    authors: dict[int, str] = {}
    for index, line in enumerate(lines):
        if line.kind == "blank":
            continue
        # A byline may carry its date ("By Jane Doe, 20 November 2019"), but never ends a sentence.
        if ((line.kind in ("short", "prose") or line.rule == "dateline") and line.words <= MAX_BYLINE_WORDS
                and not line.text.endswith((".", "!", "?"))):
            author = byline_author(line.text)
            if author:
                authors[index] = author
        if line.kind == "barrier" and line.author and previous >= 0 and lines[previous].text == line.author:
            marked[previous] = replace(lines[previous], kind="barrier", rule=line.rule)
        previous = index
    texts = [index for index, line in enumerate(lines) if line.kind != "blank"]
    for place, index in enumerate(texts):
        if index not in authors:
            continue
        # "By Method", "By Cuisine" one under another are a menu's entries, not bylines.
        if (place and texts[place - 1] in authors) or (place + 1 < len(texts) and texts[place + 1] in authors):
            continue
        line = lines[index]
        marked[index] = replace(line, kind="furniture" if line.rule == "dateline" else "barrier", rule="byline",
                                author=authors[index])
    return marked


def _is_page(lines: list[Line]) -> bool:
    """Whether the text shows any page furniture (a rule's line, a run of menu-like short lines).

    A note typed by hand shows none, and is kept whole as before: its short lines are its own.
    """
    run = 0
    for line in lines:
        if line.kind in ("furniture", "barrier"):
            return True
        if line.kind == "short":
            run += 1
            if run >= MENU_RUN:
                return True
        elif line.kind != "blank":
            run = 0
    return False


def _head(lines: list[Line], region: Region) -> list[int]:
    """Indices of the non-blank lines just above the region, nearest first, then its first lines."""
    above: list[int] = []
    index = region.start - 1
    while index >= 0 and len(above) < HEAD_WINDOW:
        if lines[index].kind != "blank":
            above.append(index)
        index -= 1
    inside: list[int] = []
    index = region.start
    while index < region.end and len(inside) < LEAD_WINDOW:
        if lines[index].kind != "blank":
            inside.append(index)
        index += 1
    return inside + above


def _title_words(text: str, stopwords: frozenset[str]) -> set[str]:
    return {word for word in _WORD.findall(text.casefold()) if word not in stopwords and not word.isdigit()}


def _above(lines: list[Line], region: Region) -> list[int]:
    """Indices of the non-blank lines above the region that could be its headline, nearest
    first, as far as HEAD_WINDOW of them; a table there (an infobox: consecutive lines, rows
    among them) counts as one line, and none of its lines is a headline."""
    found: list[int] = []
    counted = 0
    index = region.start - 1
    while index >= 0 and counted < HEAD_WINDOW:
        if lines[index].kind == "blank":
            index -= 1
            continue
        top = index
        while top > 0 and lines[top - 1].kind != "blank":
            top -= 1
        block = range(index, top - 1, -1)
        if sum(_is_row(lines[at].text) for at in block) >= 2:
            counted += 1
            index = top - 1
            continue
        found.append(index)
        counted += 1
        index -= 1
    return found


def _find_title(lines: list[Line], region: Region, stopwords: frozenset[str]) -> str | None:
    """The headline: of the heading-shaped lines just above the article, the one sharing most
    words with the article's opening (photo credits, names, section labels and a table's rows
    share few, or are no headline)."""
    lead_words: set[str] = set()
    index = region.start
    read = 0.0
    while index < region.end and read < LEAD_WORDS:
        lead_words |= _title_words(lines[index].text, stopwords)
        read += lines[index].words
        index += 1
    above = [lines[index] for index in _above(lines, region)]  # nearest first
    printed = Counter(line.text for line in above)
    best: tuple[float, str] | None = None
    for line in above:
        text = line.text
        if (line.kind in ("furniture", "barrier") or line.words < 3 or not _is_heading_shape(text)
                or _NOT_TITLE.search(text) or first_date(text)):
            continue
        words = _title_words(text, stopwords)
        share = len(words & lead_words) / len(words) if words else 0.0
        if printed[text] > 1 and share:  # a headline printed twice (page title, then article heading)
            share += 1.0
        if best is None or share > best[0]:
            best = (share, text)
    return best[1] if best else None


def _first_line_title(lines: list[Line], region: Region) -> tuple[str | None, Region]:
    """A region that opens with a heading-shaped line opens with its title (a note's first line)."""
    index = region.start
    while index < region.end and lines[index].kind == "blank":
        index += 1
    if index >= region.end or not _is_heading_shape(lines[index].text):
        return None, region
    return lines[index].text, Region(index + 1, region.end)


def clean_text(text: str, title: str | None = None) -> Cleaned:
    """Clean a plain-text article; `title`, when known, is not looked for in the text."""
    raw = text.split("\n")
    function_words = stopwords()
    lines = _mark_repeats(_mark_bylines([read_line(line, function_words) for line in raw]))
    english = is_english(lines)
    scores = [score(line, english) for line in lines]
    found = article_runs(lines, scores) if _is_page(lines) else []
    region = _grown(lines, scores, found[0]) if found else Region(0, len(lines))
    looked_for = title is None
    if looked_for:
        title = _find_title(lines, region, function_words) if found else None
        if title is None:
            title, region = _first_line_title(lines, region)
    parts = [region] + [_grown(lines, scores, run) for run in found[1:]]
    kept = [any(flags) for flags in zip(*(keep(lines, part) for part in parts))]
    span = Region(min(part.start for part in parts), max(part.end for part in parts))
    if looked_for and title:
        key = title.casefold()  # the headline printed twice (page title and article heading)
        for index in range(span.start, span.end):
            if kept[index] and lines[index].text.casefold() == key:
                kept[index] = False
    head = _head(lines, region)
    author = next((lines[i].author for i in head if lines[i].rule == "byline"), None)
    if author is None:
        # An author box below the article ("Latest posts by Jane Doe").
        author = next((lines[i].author for i in range(region.end, len(lines))
                       if lines[i].rule == "author-box" and lines[i].author), None)
    published = next((date for i in head if lines[i].rule in ("byline", "dateline")
                      for date in [parse_date(lines[i].text)] if date), None)
    body = [raw[index] if kept[index] else "" for index in range(span.start, span.end)]
    placed = _placed_blocks(body)
    blocks = [block for _, block in placed]
    if not blocks and title:
        blocks = [Block("paragraph", title)]  # a one-line note is its own body
    starts = [span.start + at for at, _ in placed]
    dropped = _dropped(lines, kept, parts, starts, title if looked_for else None)
    return Cleaned(Metadata(title=title, author=author, published=published), tuple(blocks), dropped)


def _grown(lines: list[Line], scores: list[float], run: Region) -> Region:
    """A run of the article carried over its short lines, a box label heading its list, the
    list after it and the short sentences against it."""
    return fringe(lines, widen(lines, through_box(lines, scores, bridge(lines, scores, run))))


def _drop_reason(line: Line, index: int, parts: list[Region], title: str | None) -> str:
    """Why a line is not in the article: its rule, else where it stands."""
    if line.rule:
        return line.rule
    if title and line.text.casefold() == title.casefold():
        return "title"  # metadata, not body
    if not any(part.start <= index < part.end for part in parts):
        return "outside-article"
    return "links-box"  # the only other line `keep` leaves out: a link under a "Related" label


def _dropped(lines: list[Line], kept: list[bool], parts: list[Region], starts: list[int],
             title: str | None) -> tuple[Dropped, ...]:
    """The lines left out, runs of one reason as one block, each after the kept blocks before it."""
    dropped: list[Dropped] = []
    run: list[str] = []
    reason, after, block = "", 0, 0
    for index, line in enumerate(lines):
        if line.kind == "blank":
            continue
        while block < len(starts) and starts[block] <= index:
            block += 1
        if kept[index]:
            if run:
                dropped.append(Dropped("\n".join(run), reason, after))
                run = []
            continue
        why = _drop_reason(line, index, parts, title)
        if run and (why != reason or block != after):
            dropped.append(Dropped("\n".join(run), reason, after))
            run = []
        if not run:
            reason, after = why, block
        run.append(line.text)
    if run:
        dropped.append(Dropped("\n".join(run), reason, after))
    return tuple(dropped)
