"""Scored lines to the article's region: the best contiguous run of prose, with its lists.

The article is the run of lines whose scores sum highest (of the page's maximal-scoring
runs, found in one pass), so a menu or a share prompt above the article does not cut it
away, and a short heading or caption inside it is carried by the prose around it; a run
under the page's first dateline or byline counts three times, and a list right under it (a
calendar, a table) is a candidate as the paragraph its entries would make. A barrier line
(an author box, the start of comments or of a related-links list) is never crossed. The
run is then widened over a list that follows it and the short sentences against it, and
furniture inside it is dropped line by line.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .lines import WEIGHTS, Line

#: Lines that may follow a list's introduction without being bullets ("For example:" then items).
MAX_LIST_TAIL = 60
#: Short lines (a heading, an introduction) that may lead a list after the run.
LIST_LEAD = 3
#: Rules whose line labels a box of links.
BOX_LABELS = frozenset({"related"})
#: Rules whose line opens a page's comments.
COMMENT_RULES = frozenset({"comments", "comment-head"})
#: Rules whose line dates or signs an article: the first on a page heads the article.
HEAD_RULES = frozenset({"dateline", "byline"})
#: How many non-blank lines (a headline, a photo credit) may sit between that line and the article.
HEAD_LINES = 6
#: How much more a run under the page's first dateline or byline counts (tried 3, 5, 9: 3 is
#: best on both halves of text-dev and of snippets-dev read as text; at 9 a recipe loses to
#: its comments).
HEAD_BONUS = 3.0
#: Short lines a bridge may cross, the share of them shaped like content, and the prose
#: score the run after them needs (about one paragraph).
MAX_BRIDGE = 60
BRIDGE_SHARE = 0.5
MIN_BRIDGED = 10.0
#: Words above which a line without a sentence end is prose, not a list entry.
MAX_ENTRY_WORDS = 20
#: Short sentences next to the run taken into it at most, on either side.
MAX_FRINGE = 5
#: A run scoring this share of the article's run, no more than MAX_SIBLING_GAP non-blank
#: lines from it and no barrier between, is another block of the same article.
SIBLING_SHARE = 0.5
MAX_SIBLING_GAP = 80
#: Entries a list under the page's first dateline needs to be taken for the article.
MIN_LIST = 4


@dataclass(frozen=True, slots=True)
class Region:
    """Lines [start, end) of the page hold the article."""

    start: int
    end: int


def runs(lines: list[Line], scores: list[float]) -> list[tuple[float, Region]]:
    """The maximal runs of the page (no barrier crossed), with their score sums, in page order:
    the candidates for the article.

    A run is maximal when no longer run holding it scores more (Ruzzo and Tompa's
    all-maximal-scoring-subsequences, linear time): a short article below a mega-menu whose
    sum never falls to zero before it is a candidate of its own.
    """
    found: list[tuple[float, Region]] = []
    # Each open run: [start, end, cumulative sum before it, cumulative sum at its end].
    open_runs: list[list[float]] = []
    total = 0.0
    for index, (line, value) in enumerate(zip(lines, scores)):
        if line.kind == "barrier":
            found.extend((right - left, Region(int(start), int(end))) for start, end, left, right in open_runs)
            open_runs, total = [], 0.0
            continue
        before, total = total, total + value
        if value <= 0:
            continue
        current = [index, index + 1, before, total]
        while True:
            j = len(open_runs) - 1
            while j >= 0 and open_runs[j][2] >= current[2]:
                j -= 1
            if j < 0 or open_runs[j][3] >= current[3]:
                open_runs.append(current)
                break
            current = [open_runs[j][0], current[1], open_runs[j][2], current[3]]
            del open_runs[j:]
    found.extend((right - left, Region(int(start), int(end))) for start, end, left, right in open_runs)
    return found


def _headed_by(lines: list[Line], region: Region, head: int) -> bool:
    """Whether line `head` sits within HEAD_LINES non-blank lines above the region."""
    if head >= region.start:
        return False
    above = sum(1 for index in range(head + 1, region.start) if lines[index].kind != "blank")
    return above < HEAD_LINES


def article_runs(lines: list[Line], scores: list[float]) -> list[Region]:
    """The article's runs, its best first: the candidate with the highest score sum, the one
    the page's first dateline or byline heads counted HEAD_BONUS times more, and its siblings.

    A reader finds the article under its dateline; a longer run elsewhere (a mega-menu with
    descriptions, a block of teasers, a footer) must carry far more text to win over it.
    Only the first dateline counts, unless comments after the page's first paragraph come
    before it: comments and teasers further down carry their own, and
    what follows the start of the comments below the article under it (or below the page's
    first paragraph, on a page without a dateline) is no candidate. A list right under the
    dateline is a candidate too (`list_under`), at its words' worth.

    A teaser box or a gallery may split the article into blocks: a candidate worth at least
    SIBLING_SHARE of the best, no more than MAX_SIBLING_GAP lines from it with no barrier
    between (and not above the dateline of a best run under one), is a block of it too.
    """
    head = next((index for index, line in enumerate(lines) if line.rule in HEAD_RULES), None)
    candidates = runs(lines, scores)
    if head is not None:
        # A dateline below the comments that follow a paragraph is a comment's time stamp.
        first = next((region for total, region in candidates if total >= MIN_BRIDGED), None)
        if first and first.end <= head and any(lines[index].rule in COMMENT_RULES
                                               for index in range(first.end, head)):
            head = None
    headed = [(total, region) for total, region in candidates
              if head is not None and _headed_by(lines, region, head)]
    found = [(total * HEAD_BONUS if (total, region) in headed else total, region) for total, region in candidates]
    # The article the comments follow: the best run under the dateline, or on a page without
    # one, its first paragraph or more.
    article = max(headed, key=lambda candidate: candidate[0], default=None) or next(
        (candidate for candidate in candidates if candidate[0] >= MIN_BRIDGED), None)
    if article and article[0] >= MIN_BRIDGED:
        # The comments below it are not the article, however long (a "12 comments" link next
        # to the dateline, above a paragraph, opens nothing).
        comments = next((index for index in range(article[1].end, len(lines))
                         if lines[index].rule in COMMENT_RULES), len(lines))
        found = [(total, region) for total, region in found if region.start < comments]
    listed = list_under(lines, head) if head is not None else None
    if listed:
        found.append(listed)
    if not found:
        return []
    value, best = max(found, key=lambda candidate: candidate[0])
    if listed and best == listed[1]:
        return [best]
    top = head if any(region == best for _, region in headed) else -1
    return [best] + [region for worth, region in found
                     if region != best and worth >= SIBLING_SHARE * value and region.start > top
                     and not (listed and region == listed[1]) and _near(lines, best, region)]


def _near(lines: list[Line], one: Region, other: Region) -> bool:
    """Whether two runs are no more than MAX_SIBLING_GAP lines apart, with no barrier between."""
    low, high = (other.end, one.start) if other.end <= one.start else (one.end, other.start)
    between = [lines[index] for index in range(low, high) if lines[index].kind != "blank"]
    return len(between) <= MAX_SIBLING_GAP and all(line.kind != "barrier" for line in between)


def list_under(lines: list[Line], head: int) -> tuple[float, Region] | None:
    """A list that opens the article under its dateline, scored as the paragraph its entries make.

    A race calendar, a standings table or a list of steps posted under a dateline is the
    article although no line of it is prose: its entries, most of them shaped like content
    (`Line.content`), count as one paragraph of all their words. The list may start a few
    lines (a share bar, a section label, the post's categories) below the dateline and ends
    at furniture or prose.
    """
    index, above = head + 1, 0
    while index < len(lines) and above < HEAD_LINES:
        line = lines[index]
        if line.kind == "prose":
            return None
        if line.kind in ("short", "item") and line.content and (found := _list_from(lines, index)):
            return found
        above += line.kind != "blank"
        index += 1
    return None


def _list_from(lines: list[Line], start: int) -> tuple[float, Region] | None:
    """The list of short lines from `start` on, with its score, if it has MIN_LIST entries mostly
    shaped like content."""
    index = end = start
    entries = shaped = 0
    words = 0.0
    while index < len(lines) and lines[index].kind in ("short", "item", "blank"):
        line = lines[index]
        index += 1
        if line.kind == "blank":
            continue
        entries += 1
        shaped += line.content or line.kind == "item"
        words += line.words
        if line.content or line.kind == "item":
            end = index  # a list ends on its last content-shaped entry, not on a label after it
    if entries < MIN_LIST or shaped < BRIDGE_SHARE * entries:
        return None
    return words * WEIGHTS.prose_weight - WEIGHTS.threshold, Region(start, end)


def _run_from(lines: list[Line], scores: list[float], start: int, step: int) -> tuple[float, int]:
    """The best sum of a run from `start` on (step 1) or back (step -1), and its far end."""
    best, end, running = 0.0, start, 0.0
    index = start
    while 0 <= index < len(lines) and lines[index].kind != "barrier":
        running += scores[index]
        if running > best:
            best, end = running, index
        if running <= 0:
            break
        index += step
    return best, end


def _bridge_to(lines: list[Line], scores: list[float], edge: int, step: int) -> int | None:
    """The far end of the prose across the short lines from `edge` on (or back), or None."""
    shaped = seen = 0
    index = edge
    while 0 <= index < len(lines) and seen < MAX_BRIDGE:
        line = lines[index]
        if line.kind in ("furniture", "barrier"):
            return None
        if scores[index] > 0 and seen and shaped >= BRIDGE_SHARE * seen:
            gain, far = _run_from(lines, scores, index, step)
            if gain >= MIN_BRIDGED:
                return far
        if line.kind != "blank":
            seen += 1
            shaped += line.content
        index += step
    return None


def bridge(lines: list[Line], scores: list[float], region: Region) -> Region:
    """Carry the run over the article's own short lines to the prose on their other side.

    Ingredients and steps, a command and its output, a table's rows: a stretch of short lines
    between two runs of prose, most of them shaped like content (`Line.content`) rather than
    like menu labels, is the article's, and so is the prose beyond it. A barrier or a rule's
    furniture line in the stretch ends the article there.
    """
    start, end = region.start, region.end
    while (far := _bridge_to(lines, scores, end, 1)) is not None:
        end = far + 1
    while (far := _bridge_to(lines, scores, start - 1, -1)) is not None:
        start = far
    return Region(start, end)


def _sections(lines: list[Line]) -> list[tuple[float, Region]]:
    """The stretches between furniture lines (a line printed twice is no border), with their words."""
    found: list[tuple[float, Region]] = []
    start, words = 0, 0.0
    for index, line in enumerate(lines):
        if line.kind in ("furniture", "barrier") and line.rule != "repeated":
            found.append((words, Region(start, index)))
            start, words = index + 1, 0.0
        else:
            words += line.words
    found.append((words, Region(start, len(lines))))
    return found


def through_box(lines: list[Line], scores: list[float], region: Region) -> Region:
    """Carry the run on past a links-box label when what the label heads is the page's main text.

    "Don't miss:" over a deals list: when the label right after the run heads the page's
    largest stretch between furniture lines, and that stretch holds prose of its own, it is
    the article's, to its last line of prose.
    """
    label = _next_text(lines, region.end)
    if label >= len(lines) or lines[label].rule not in BOX_LABELS:
        return region
    sections = _sections(lines)
    words, section = next(item for item in sections if item[1].start == label + 1)
    if words < max(item[0] for item in sections):
        return region
    inside = runs(lines[section.start:section.end], scores[section.start:section.end])
    if not inside or max(total for total, _ in inside) < MIN_BRIDGED:
        return region
    return Region(region.start, section.start + inside[-1][1].end)


def _next_text(lines: list[Line], index: int) -> int:
    while index < len(lines) and lines[index].kind == "blank":
        index += 1
    return index


def _list_entry(line: Line) -> bool:
    """A line that can be an entry of a list written without bullets: short, or no sentence."""
    return line.kind == "short" or (line.kind == "prose" and not line.sentence_end and line.words < MAX_ENTRY_WORDS)


def _list_open_at_end(lines: list[Line], region: Region) -> bool:
    """Whether the run ends inside a list: its last lines are entries after a line ending in ":"."""
    index = region.end - 1
    entries = 0
    while index >= region.start and entries <= MAX_LIST_TAIL:
        line = lines[index]
        index -= 1
        if line.kind == "blank":
            continue
        if line.text.endswith((":", ";")):
            return True
        if not (line.kind == "item" or _list_entry(line)):
            return False
        entries += 1
    return False


def widen(lines: list[Line], region: Region) -> Region:
    """Take in the lists that follow the run.

    A list is bullet items, or short lines after a line ending in ":" or ";" ("For example;"),
    and may be led by up to LIST_LEAD short lines (a question heading, its one-line answer).
    """
    end = region.end
    opens_list = _list_open_at_end(lines, region)
    while True:
        index = _next_text(lines, end)
        lead = 0
        # Short lines leading a list: only kept if items follow.
        while (index < len(lines) and lead < LIST_LEAD and lines[index].kind == "short"
               and not opens_list):
            lead += 1
            opens_list = lines[index].text.endswith((":", ";"))
            index = _next_text(lines, index + 1)
        taken = 0
        while index < len(lines) and taken < MAX_LIST_TAIL and (
                lines[index].kind == "item" or (opens_list and _list_entry(lines[index]))):
            taken += 1
            index += 1
            end = index
            index = _next_text(lines, index)
        if not taken:
            return Region(region.start, end)
        opens_list = False


def fringe(lines: list[Line], region: Region) -> Region:
    """Take in the short sentences right against either end of the run (a poem's or a
    dialogue's lines, a closing "Thanks for reading."): too short to count as prose, they are
    the article's when they are shaped like content and end a sentence; MAX_FRINGE at most."""
    start, end = region.start, region.end
    taken, index = 0, end
    while taken < MAX_FRINGE:
        index = _next_text(lines, index)
        if index >= len(lines) or not _sentence_line(lines[index]):
            break
        taken += 1
        index += 1
        end = index
    taken, index = 0, start - 1
    while taken < MAX_FRINGE and index >= 0:
        if lines[index].kind == "blank":
            index -= 1
            continue
        if not _sentence_line(lines[index]):
            break
        taken += 1
        start = index
        index -= 1
    return Region(start, end)


def _sentence_line(line: Line) -> bool:
    return line.kind in ("short", "prose") and line.sentence_end and line.content


def keep(lines: list[Line], region: Region) -> list[bool]:
    """Which lines of the page are article text: the region's lines, less its furniture.

    A links box inside the article ("Related articles" and its headlines) goes whole: the
    lines after its label that do not end a sentence are its links. A line printed twice
    whose other copy lies outside the run is kept.
    """
    kept = [False] * len(lines)
    in_box = False
    # A line printed twice, once here and once elsewhere on the page, is the article's own here.
    copies = Counter(lines[index].text for index in range(region.start, region.end)
                     if lines[index].rule == "repeated")
    for index in range(region.start, region.end):
        line = lines[index]
        if line.kind == "blank":
            continue
        if line.rule in BOX_LABELS:
            in_box = True
            continue
        if in_box and line.kind in ("short", "prose", "item") and not line.sentence_end:
            continue
        in_box = False
        kept[index] = (line.kind not in ("furniture", "barrier")
                       or (line.rule == "repeated" and copies[line.text] == 1))
    return kept
