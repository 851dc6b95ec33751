"""Choose a page's main content from its normalised segments.

The evidence, in the order it is applied:

1. Each segment gets a weight: prose (long, few links) counts for its length;
   link lists, interface labels, bylines, datelines and teaser blurbs (short text
   between two links) count against; text inside furniture (elements whose tag or
   class says nav, share, related, comments, caption...) counts against. A
   furniture-named element is let off as a wrapper when it holds most of the page's
   prose or wraps an element named as the article body.
2. Text the page repeats in its JSON-LD articleBody counts double; when that
   articleBody is long and found, prose it leaves out counts against.
3. The block-level element with the highest total weight is the main content;
   elements that say they are the article body get a bonus. Summing weights over
   an element rewards paragraph continuity: a container wins by holding a long
   run of prose without much furniture between.
4. Prose directly before or after that element continues it (a lead paragraph in
   a sibling container), and the article starts just below its headline (the
   heading that says the page's title) when that sits a little above it; inside,
   furniture, labels and link lists are pruned, except the lead under the headline
   in one box a content system names "teaser".
5. Recall first: when the kept text does not start below the headline, or is a
   scrap of the page, the page is judged again by tag and role alone (class words
   name a post's own wrapper "teaser" or "print" often enough to lose whole
   articles), and that judgement wins unless it is a scrap beside the first.

If that leaves nothing, `fallback` keeps every segment that is not furniture, so a
non-empty page never comes out empty. Every segment gets a verdict: kept, or the
rule that dropped it (`corpus clean --explain` shows them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

from ..models import Block
from . import rules
from .normalize import BOILERPLATE, CAPTION, CONTENT, STRONG_CONTENT, Node, Page, Segment


@dataclass(frozen=True, slots=True)
class Options:
    """Thresholds of the extractor; the defaults are tuned on the dev benchmark."""

    #: Segments shorter than this (non-link characters) are labels, not prose.
    min_prose_chars: int = 30
    #: Weight of a label-like segment.
    label_weight: float = -10.0
    #: Link characters over total above which a segment is a link list.
    max_link_density: float = 0.5
    #: ... unless it is at least this long and has a sentence of unlinked text:
    #: inside the chosen container, such a block is a summary with a linked lead.
    min_linked_prose: int = 120
    #: ... and this many characters of unlinked text (a sentence after a linked lead).
    min_unlinked_sentence: int = 45
    #: Prose between two link lists shorter than this is a teaser's summary.
    max_teaser_chars: int = 200
    #: Share of a heading's text in a link above which it is another story's headline.
    linked_headline: float = 0.9
    #: Neutral segments (headings, short lines) prose may skip to continue the article.
    max_gap: int = 0
    #: A furniture element is let off as a page wrapper when it holds more than
    #: this share of the page's prose.
    wrapper_share: float = 0.6
    #: A teaser list is an element with at least `min_cards` child elements, most of
    #: them cards: at most `max_card_chars` of text with at least `min_card_links` of
    #: it linked (a linked headline, perhaps a blurb, a date or a byline).
    teaser_lists: bool = True
    min_cards: int = 3
    max_card_chars: int = 300
    min_card_links: float = 0.3
    card_share: float = 0.75
    #: The chosen element gives way to an ancestor with this many times its prose,
    #: if the ancestor's score is at least this share of its own.
    widen_prose: float = 2.0
    widen_score: float = 0.25
    #: An element naming itself the article's text gives way to the element holding all
    #: the elements named the same way that hold prose, when they are this many (it among
    #: them): the article's sections.
    min_sections: int = 3
    #: Score multipliers for elements that name themselves the article body.
    strong_bonus: float = 1.3
    content_bonus: float = 1.1
    #: The article starts at its headline when that is at most this many blocks above
    #: the chosen element: a standfirst, a lead or a subtitle between them is the article's.
    max_lead_gap: int = 12
    #: The article below the headline replaces a chosen element that is not there unless
    #: it holds under this share of that element's words (a longer box elsewhere must
    #: not beat a short article under its headline), or that element names itself the
    #: article body and kept at least `scrap_words`.
    rescue_ratio: float = 0.25
    scrap_words: int = 50
    scrap_share: float = 0.15
    #: ... and in it, the class words prune only when they leave at least this share.
    named_share: float = 0.5


DEFAULT = Options()

_PUNCT = re.compile(r"[^\w\s]+")
_DIGIT = re.compile(r"\d")


def _is_label(text: str) -> bool:
    """An interface label, byline or dateline rather than a sentence of the article."""
    if _PUNCT.sub("", text).strip().lower() in rules.BOILERPLATE_TEXTS:
        return True
    if len(text) < rules.BYLINE_MAX_CHARS * 2 and rules.SHARE_LINE.match(text):
        return True
    if len(text) >= rules.BYLINE_MAX_CHARS:
        return False
    if rules.BYLINE.match(text) or rules.DATELINE.match(text):
        return True
    # A time or a date holds a digit; most labels hold none, and the month names of
    # twenty languages make the two patterns below slow to try.
    if _DIGIT.search(text) is None:
        return False
    if rules.BARE_TIME.match(text):
        return True
    # A dateline opens with its date (after a weekday at most); a date at the end
    # of a line is a signature, such as an embedded tweet's, which readers keep. One
    # that starts in time ends within 60 characters: the rest need not be read.
    date = rules.WRITTEN_DATE.search(text, 0, rules.DATELINE_MAX_LEAD + 48)
    if date is None or date.start() > rules.DATELINE_MAX_LEAD:
        return False
    rest = text[:date.start()] + text[date.end():]
    return len(rest.split()) <= rules.DATELINE_MAX_OTHER_WORDS


def _is_link_list(segment: Segment, options: Options) -> bool:
    """Mostly link text and short: a menu entry or "related" teaser, not a linked sentence.

    Long link-heavy blocks inside the article are usually summaries whose first
    sentence links to the story ("10 things" round-ups), which readers keep.
    """
    if segment.link_chars <= options.max_link_density * segment.chars:
        return False
    prose = segment.chars - segment.link_chars
    return segment.chars < options.min_linked_prose or prose < options.min_unlinked_sentence


def _linked_headline(segment: Segment, options: Options) -> bool:
    """A heading that is all link: another story's headline, not a section of this one."""
    return segment.link_chars >= options.linked_headline * segment.chars > 0


def _headline_teaser(page: Page, evidence: Evidence, span: range, position: int,
                     options: Options) -> bool:
    """A linked headline with no prose of its own under it, or in a run of such headlines.

    "More:" boxes inside articles list other stories as linked headings. A linked
    heading followed by its own paragraphs (a gift guide's product names) stays.
    """
    segments = page.segments
    if segments[position].block.kind != "heading" or \
            not _linked_headline(segments[position], options):
        return False
    after = position + 1
    if after >= span.stop or segments[after].block.kind == "heading" or \
            evidence.weights[after] <= 0:
        return True
    before = position - 1
    return before >= span.start and segments[before].block.kind == "heading" and \
        _linked_headline(segments[before], options)


def _base_weight(segment: Segment, options: Options) -> float:
    if segment.block.kind == "heading":
        return 0.0
    chars = segment.chars
    prose = chars - segment.link_chars
    if segment.link_chars > options.max_link_density * chars:
        return -0.5 * chars
    if _is_label(segment.block.text):
        return options.label_weight
    if prose < options.min_prose_chars:
        return options.label_weight if prose < 10 else 0.0
    return float(prose)


def _teasers(page: Page, base: list[float], options: Options) -> list[bool]:
    """Per segment: a short blurb between two link lists (a teaser card's summary)?

    "Most popular" and "related" boxes alternate a linked headline with a one-line
    summary; the summaries are prose by length but are furniture by context.
    """
    segments = page.segments
    linked = [_is_link_list(s, options) and s.block.kind != "heading" for s in segments]
    flags = [False] * len(segments)
    for i in range(1, len(segments)):
        if not (linked[i - 1] and 0 < base[i] and segments[i].chars < options.max_teaser_chars):
            continue
        # Between two links, or closing a run of cards that is already established.
        if (i + 1 < len(segments) and linked[i + 1]) or (i >= 2 and flags[i - 2]):
            flags[i] = True
    return flags


def _furniture(page: Page, positive: list[float], options: Options) -> list[bool]:
    """Per node: is it furniture (its text to be held against any container around it)?

    A furniture-named node is let off as a wrapper when it holds most of the page's
    prose, or when most of its own prose sits in a descendant that names itself the
    article body ("rail-wrapper" around "article-body").
    """
    prefix = [0.0, *accumulate(positive)]
    total = prefix[-1]
    prose = [prefix[n.end] - prefix[n.first] for n in page.nodes]
    # Prose of the largest article-body-named node at or below each node; children
    # come after parents in pre-order, so a reverse sweep sees children first.
    body_prose = [p if n.hints & STRONG_CONTENT else 0.0 for n, p in zip(page.nodes, prose)]
    for index in range(len(page.nodes) - 1, 0, -1):
        parent = page.nodes[index].parent
        if body_prose[index] > body_prose[parent]:
            body_prose[parent] = body_prose[index]
    teaser_lists = _teaser_lists(page, options) if options.teaser_lists else [False] * len(page.nodes)
    flags = []
    for node, inside, body, listed in zip(page.nodes, prose, body_prose, teaser_lists):
        if node.hints & STRONG_CONTENT:
            flags.append(False)
        elif not listed and not node.hints & (BOILERPLATE | CAPTION):
            flags.append(False)
        elif inside > 0 and (inside > options.wrapper_share * total or body > 0.5 * inside):
            flags.append(False)
        else:
            flags.append(True)
    return flags


def _teaser_lists(page: Page, options: Options) -> list[bool]:
    """Per node: is it a list of teaser cards, recognised by shape rather than by name?

    "More from", "You may also like" and story feeds repeat one small unit: a linked
    headline with perhaps a one-line blurb, a date or a byline. An element whose
    children are mostly such units is a teaser list, whatever its class says.
    Article lists differ: their items are mostly unlinked text or long.
    """
    segments = page.segments
    chars = [0, *accumulate(s.chars for s in segments)]
    links = [0, *accumulate(s.link_chars for s in segments)]
    children: list[list[int]] = [[] for _ in page.nodes]
    for index, node in enumerate(page.nodes):
        if node.parent >= 0 and node.end > node.first:
            children[node.parent].append(index)
    flags = []
    for kids in children:
        if len(kids) < options.min_cards:
            flags.append(False)
            continue
        cards = 0
        for kid in kids:
            node = page.nodes[kid]
            text, linked = chars[node.end] - chars[node.first], links[node.end] - links[node.first]
            if 0 < linked and text <= options.max_card_chars and \
                    linked >= options.min_card_links * text:
                cards += 1
        flags.append(cards >= options.min_cards and cards >= options.card_share * len(kids))
    return flags


def _mark(page: Page, nodes, flags: list[bool]) -> list[bool]:
    """Per segment: does it lie inside one of the flagged nodes (among `nodes`)?"""
    depth = [0] * (len(page.segments) + 1)
    for index in nodes:
        if flags[index]:
            node = page.nodes[index]
            depth[node.first] += 1
            depth[node.end] -= 1
    inside = list(accumulate(depth))
    return [d > 0 for d in inside[:-1]]


_GRAM = 4


def _inside(text: str, grams: set[int]) -> bool:
    """Whether every word 4-gram of `text` is among `grams` (text of 4 words or more)."""
    words = text.split()
    if len(words) < _GRAM:
        return False
    return all(hash(tuple(words[i:i + _GRAM])) in grams for i in range(len(words) - _GRAM + 1))


def _article_body_weights(page: Page, base: list[float], article_body: str | None) -> list[float]:
    """Reweigh segments by the page's own statement of its body text (JSON-LD articleBody).

    Prose the articleBody repeats counts double. When the articleBody is long and
    the page's prose covers most of it, it is the whole body, and prose it leaves
    out (teasers, promos in unnamed containers) counts against.
    """
    if not article_body or len(article_body) < 200:
        return base
    words = article_body.split()
    body_chars = len(" ".join(words))
    # "Is this segment's text in the articleBody?" by word 4-grams rather than a substring
    # search per segment, which costs segments x body and is quadratic on huge pages.
    grams = {hash(tuple(words[i:i + _GRAM])) for i in range(len(words) - _GRAM + 1)}
    found = [s.chars >= 40 and _inside(s.block.text, grams) for s in page.segments]
    matched = sum(s.chars for s, f in zip(page.segments, found) if f)
    # Summaries posing as articleBody are short; a long one we mostly find is the body.
    complete = body_chars >= 1000 and matched >= 0.6 * body_chars
    weights = []
    for segment, weight, f in zip(page.segments, base, found):
        if f and weight > 0:
            weight *= 2
        elif complete and weight > 0 and segment.chars >= 40:
            weight = -0.5 * weight
        weights.append(weight)
    return weights


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the extractor concluded about each segment and node of a page."""

    #: Per segment: its weight for choosing the container.
    weights: tuple[float, ...]
    #: Per segment: its weight before article-body and furniture evidence; < 0 means
    #: a link list or label.
    base: tuple[float, ...]
    #: Per node: is it furniture?
    furniture: tuple[bool, ...]
    #: Per segment: is it a teaser's summary?
    teasers: tuple[bool, ...]


def weigh(page: Page, article_body: str | None = None, options: Options = DEFAULT) -> Evidence:
    """Weigh every segment and judge every node, once per page."""
    base = [_base_weight(s, options) for s in page.segments]
    teasers = _teasers(page, base, options)
    base = [-0.5 * s.chars if t else w for w, t, s in zip(base, teasers, page.segments)]
    furniture = _furniture(page, [max(w, 0.0) for w in base], options)
    junk = _mark(page, range(len(page.nodes)), furniture)
    weights = _article_body_weights(page, base, article_body)
    weights = [-abs(w) - s.chars * 0.5 if j else w
               for w, j, s in zip(weights, junk, page.segments)]
    return Evidence(tuple(weights), tuple(base), tuple(furniture), tuple(teasers))


def choose(page: Page, evidence: Evidence, options: Options = DEFAULT) -> int | None:
    """Index of the node holding the main content, or None if no node holds prose."""
    prefix = [0.0, *accumulate(evidence.weights)]
    best, best_score = None, 0.0
    for index, node in enumerate(page.nodes):
        score = prefix[node.end] - prefix[node.first]
        if score <= 0:
            continue
        if node.hints & STRONG_CONTENT:
            score *= options.strong_bonus
        elif node.hints & CONTENT:
            score *= options.content_bonus
        # ">=" prefers the innermost of nested elements that score the same.
        if score >= best_score:
            best, best_score = index, score
    if best is None:
        return None
    return _widen(page, evidence, _sections(page, evidence, best, options), options)


def _sections(page: Page, evidence: Evidence, index: int, options: Options) -> int:
    """The chosen element, or the element holding all its sections: an article body cut
    into content elements that each name themselves the article's text the same way
    (a content system's "ce-bodytext" under each section's heading).

    One section, however long, is no article when sections like it hold prose beside it
    (`min_sections` in all); the smallest element holding them all is, unless that is the
    whole page.
    Furniture between them (a gallery's captions) is pruned as inside any article.
    """
    node = page.nodes[index]
    if not node.hints & STRONG_CONTENT or not node.names:
        return index
    prefix = [0.0, *accumulate(max(w, 0.0) for w in evidence.weights)]
    first, end, count = node.first, node.end, 0
    for other in page.nodes:
        if other.names == node.names and other.hints & STRONG_CONTENT and \
                prefix[other.end] > prefix[other.first]:
            first, end, count = min(first, other.first), max(end, other.end), count + 1
    if count < options.min_sections:
        return index
    ancestor = index
    while ancestor > 0 and not (page.nodes[ancestor].first <= first and end <= page.nodes[ancestor].end):
        ancestor = page.nodes[ancestor].parent
    return ancestor if ancestor > 0 else index


def _widen(page: Page, evidence: Evidence, index: int, options: Options) -> int:
    """The chosen element, or an ancestor holding much more of the article's prose.

    A box that names itself content (a fact box, a "rich-text" block) can outscore
    the article around it by its bonus, or because the article also holds a link box
    or share bar that weighs against it. An ancestor whose prose is several times the
    chosen element's, and that does not score much lower, is the article.
    """
    prefix = [0.0, *accumulate(max(w, 0.0) for w in evidence.weights)]
    total = [0.0, *accumulate(evidence.weights)]
    node = page.nodes[index]
    prose = prefix[node.end] - prefix[node.first]
    score = total[node.end] - total[node.first]
    while node.parent >= 0:
        parent = page.nodes[node.parent]
        parent_prose = prefix[parent.end] - prefix[parent.first]
        parent_score = total[parent.end] - total[parent.first]
        if parent_prose < options.widen_prose * prose or \
                parent_score < options.widen_score * score:
            break
        index, node = node.parent, parent
    return index


def headline(page: Page, titles: tuple[str, ...]) -> int | None:
    """The segment that is the article's headline: a heading that says the title.

    `titles` are the title as the page states it (og:title, JSON-LD headline, <title>
    and its parts). A heading equal to one of them wins, then one that holds one or is
    held by one (a site name added or taken away).
    """
    keys = [key for key in dict.fromkeys(_key(title) for title in titles) if len(key) >= 4]
    if not keys:
        return None
    near = None
    for position, segment in enumerate(page.segments):
        if segment.block.kind != "heading" or segment.link_chars * 2 > segment.chars:
            continue
        key = _key(segment.block.text)
        if not key:
            continue
        if key in keys:
            return position
        if near is None and len(key) >= 15 and any(key in k or k in key for k in keys):
            near = position
    return near


_WORDS = re.compile(r"\w+")


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def extend(page: Page, evidence: Evidence, index: int, options: Options = DEFAULT) -> range:
    """The chosen node's segments, plus runs of prose that continue it on either side.

    Article paragraphs are not always in one element: the lead may sit in the
    header's container, or the body may share a parent with a "popular" box that
    outweighs a paragraph. Prose directly before or after the chosen element (past
    at most `max_gap` neutral segments such as headings) continues the article.
    """
    node = page.nodes[index]
    weights = evidence.weights
    first, end = node.first, node.end
    position, gap = first - 1, 0
    while position >= 0 and weights[position] > 0 and gap <= options.max_gap:
        if weights[position] > 0:
            first, gap = position, 0
        else:
            gap += 1
        position -= 1
    position, gap = end, 0
    while position < len(weights) and weights[position] > 0 and gap <= options.max_gap:
        if weights[position] > 0:
            end, gap = position + 1, 0
        else:
            gap += 1
        position += 1
    return range(first, end)


#: Rule names, as `corpus clean --explain` shows them beside each dropped block.
LINK_LIST = "link list"
LABEL = "label, byline or dateline"
TEASER = "teaser blurb between links"
LINKED_HEADLINE = "another story's headline"
PROMO = "call to action closing the article"
EMPTY_HEADING = "heading with nothing under it"
OUTSIDE = "outside the article"
FURNITURE = "furniture"


@dataclass(frozen=True, slots=True)
class Extraction:
    """Which segments of a page are the article, and why each other one is not."""

    #: Per segment: "" when kept, else the rule that dropped it.
    verdicts: tuple[str, ...]

    def kept(self) -> list[int]:
        return [position for position, verdict in enumerate(self.verdicts) if not verdict]


def _owners(page: Page, nodes, flags: list[bool]) -> dict[int, int]:
    """Per segment inside a flagged node (among `nodes`): the outermost such node."""
    owner: dict[int, int] = {}
    reach = -1
    for index in nodes:
        if flags[index]:
            node = page.nodes[index]
            # Pre-order: a node starting before `reach` lies inside the last one taken.
            if node.first >= reach and node.end > node.first:
                owner.update(dict.fromkeys(range(node.first, node.end), index))
                reach = node.end
    return owner


def furniture_rule(node: Node) -> str:
    """The rule that names a furniture node: by its tag, or by the word in its class or id."""
    return _furniture_rule(node.tag, node.names)


@lru_cache(maxsize=1024)
def _furniture_rule(tag: str, names: str) -> str:
    if tag in rules.BOILERPLATE_TAGS or tag in rules.CAPTION_TAGS:
        return f"{FURNITURE}: <{tag}>"
    names = _CAMEL.sub(r"\1 \2", names)
    match = rules.BOILERPLATE_WORDS.search(names) if names else None
    if match is not None:
        return f"{FURNITURE}: {match.group(1).lower()}"
    words = set(_NAME_WORDS.split(names.lower()))
    found = sorted(words & rules.CAPTION_WORDS) or sorted(words & rules.BOILERPLATE_ROLES)
    if found:
        return f"{FURNITURE}: {found[0]}"
    return f"{FURNITURE}: list of teasers"


_NAME_WORDS = re.compile(r"[\s_-]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")


def _own_rule(segment: Segment, base: float, teaser: bool, options: Options) -> str:
    """Why a segment is not article text by itself, if it is not: label, links, teaser."""
    if _is_label(segment.block.text):
        return LABEL
    if segment.block.kind != "heading":
        if _is_link_list(segment, options):
            return LINK_LIST
        if teaser:
            return TEASER
    return ""


def prune(page: Page, evidence: Evidence, index: int, span: range,
          options: Options = DEFAULT) -> list[str]:
    """Verdicts for every segment: kept if in `span` around node `index` and not furniture,
    labels or links; the rule that dropped it otherwise."""
    node = page.nodes[index]
    segments = page.segments
    # Only furniture below the chosen node counts: a furniture-named ancestor has
    # already lost to it. Segments outside the node joined it by having positive
    # weight, which furniture never has.
    inside = _owners(page, range(index + 1, node.last + 1), evidence.furniture)
    if span.start < node.first or span.stop > node.end:
        around = _owners(page, range(len(page.nodes)), evidence.furniture)
        inside.update((position, owner) for position, owner in around.items()
                      if position in span and not node.first <= position < node.end)
    verdicts = [""] * len(segments)
    kept: list[int] = []
    for position in span:
        owner = inside.get(position)
        if owner is not None:
            verdicts[position] = furniture_rule(page.nodes[owner])
            continue
        rule = _own_rule(segments[position], evidence.base[position],
                         evidence.teasers[position], options)
        if not rule and _headline_teaser(page, evidence, span, position, options):
            rule = LINKED_HEADLINE
        verdicts[position] = rule
        if not rule:
            kept.append(position)
    _trim(segments, kept, verdicts)
    _posters(segments, span, verdicts)
    _outside(page, evidence, span, verdicts, options)
    return verdicts


_BYLINE_RULES = frozenset(f"{FURNITURE}: {word}" for word in ("author", "authors", "byline", "bylines"))


def _posters(segments, span: range, verdicts: list[str]) -> None:
    """Keep who wrote each post of a thread: byline lines dropped between kept posts.

    One byline above an article is metadata; two or more, each followed by the text
    it signs, are a forum thread or a comment chain, where the names say who said what.
    """
    # Posts: runs of byline lines (a name, a date) each followed by the text it signs.
    posts: list[list[int]] = []
    run: list[int] = []
    for position in span:
        verdict = verdicts[position]
        if verdict in _BYLINE_RULES or (verdict == LABEL and len(segments[position].block.text) < 100
                                        and rules.BYLINE.match(segments[position].block.text)):
            run.append(position)
        elif not verdict and run:
            if segments[position].block.kind != "heading":
                posts.append(run)
            run = []
    if len(posts) >= 2:
        for run in posts:
            for position in run:
                verdicts[position] = ""


def _trim(segments, kept: list[int], verdicts: list[str]) -> None:
    """Drop headings left with nothing under them at the end (a pruned "Related" list),
    and calls to action (subscribe, follow, "have a tip?") that close the article."""
    _empty_sections(segments, kept, verdicts)
    while kept and segments[kept[-1]].block.kind == "heading":
        verdicts[kept.pop()] = EMPTY_HEADING
    for _ in range(rules.PROMO_MAX_TRAILING):
        if not kept or segments[kept[-1]].block.kind != "paragraph":
            break
        text = segments[kept[-1]].block.text
        if len(text) > rules.PROMO_MAX_CHARS or not rules.PROMO.search(text):
            break
        verdicts[kept.pop()] = PROMO
    while kept and segments[kept[-1]].block.kind == "heading":
        verdicts[kept.pop()] = EMPTY_HEADING


def _empty_sections(segments, kept: list[int], verdicts: list[str]) -> None:
    """Drop a heading whose section lost everything to pruning ("More on this" above a
    pruned link box): the next kept block is a heading of its level or above, and
    something between them was dropped."""
    emptied = set()
    for at, (position, following) in enumerate(zip(kept, kept[1:])):
        heading, after = segments[position].block, segments[following].block
        if heading.kind == "heading" and after.kind == "heading" and after.level <= heading.level \
                and following > position + 1:
            emptied.add(at)
    if emptied:
        for at in sorted(emptied, reverse=True):
            verdicts[kept.pop(at)] = EMPTY_HEADING


def _outside(page: Page, evidence: Evidence, span: range, verdicts: list[str],
             options: Options) -> None:
    """Name the rule for every segment outside `span`: what it is, or just outside."""
    owners = _owners(page, range(len(page.nodes)), evidence.furniture)
    for position in (*range(span.start), *range(span.stop, len(page.segments))):
        owner = owners.get(position)
        verdicts[position] = furniture_rule(page.nodes[owner]) if owner is not None else \
            _weighed_rule(page.segments[position], evidence, position)


def _weighed_rule(segment: Segment, evidence: Evidence, position: int) -> str:
    """What a segment outside the article is, read off its weight (no text rules rerun)."""
    if evidence.teasers[position]:
        return TEASER
    if evidence.base[position] < 0:
        return LINK_LIST if segment.link_chars * 2 > segment.chars else LABEL
    return OUTSIDE


def fallback(page: Page, evidence: Evidence, options: Options = DEFAULT) -> list[str]:
    """Everything that is not furniture or a link list; everything, if that is nothing."""
    owners = _owners(page, range(len(page.nodes)), evidence.furniture)
    verdicts = []
    for position, (segment, base) in enumerate(zip(page.segments, evidence.base)):
        owner = owners.get(position)
        if owner is not None:
            verdicts.append(furniture_rule(page.nodes[owner]))
        elif base < 0:
            verdicts.append(_weighed_rule(segment, evidence, position))
        else:
            verdicts.append("")
    if all(verdicts):
        return [""] * len(verdicts)
    return verdicts


def _from_headline(span: range, top: int | None, options: Options) -> range:
    """The span, begun just below the headline when that sits a little above it."""
    if top is not None and top < span.start <= top + 1 + options.max_lead_gap:
        return range(top + 1, span.stop)
    return span


def judge(page: Page, article_body: str | None = None, top: int | None = None,
          options: Options = DEFAULT) -> Extraction:
    """The main content, as a verdict per segment; the whole page minus furniture if none.

    `top` is the headline's segment (`headline`), if the page has one. When the chosen
    element is not the one below the headline, the article below the headline is judged
    again without the class and id words (which name a post's own wrapper "teaser",
    "print" or "widget" often enough to lose whole articles), and wins unless it is a
    scrap beside the chosen one: a short article under its headline must not lose to a
    longer box elsewhere. A chosen element that kept a scrap of the page (`_scrap`) is
    judged again that way too.
    """
    evidence = weigh(page, article_body, options)
    index = choose(page, evidence, options)
    verdicts = None
    if index is not None:
        span = _from_headline(extend(page, evidence, index, options), top, options)
        verdicts = prune(page, evidence, index, span, options)
        if all(verdicts):
            verdicts = None
    if verdicts is None or (top is not None and not _anchored(verdicts, top, options)) or \
            _scrap(page, verdicts, options):
        rescued = _rejudged(page, evidence, article_body, top, options)
        if rescued is not None and _outweighs(page, rescued, verdicts, index, options):
            return Extraction(tuple(rescued))
    if verdicts is None:
        verdicts = fallback(page, evidence, options)
    elif top is not None:
        _standfirst(page, evidence, verdicts, top, options)
    return Extraction(tuple(verdicts))


def _standfirst(page: Page, evidence: Evidence, verdicts: list[str], top: int,
                options: Options) -> None:
    """Keep the article's lead: unlinked prose just below the headline, before more of the
    kept article, that was dropped only for a box named as a teaser (`rules.LEAD_TOKENS`).

    A teaser card links to its story; the standfirst under a headline links nowhere, and
    is one box: several teaser boxes under a headline are cards.
    """
    stop = min(len(verdicts), top + 2 + options.max_lead_gap)
    last = max((position for position, verdict in enumerate(verdicts) if not verdict), default=-1)
    window = [position for position in range(top + 1, min(stop, last))
              if verdicts[position].startswith(FURNITURE)]
    if not window:
        return
    owners = _owners(page, range(len(page.nodes)), evidence.furniture)
    boxes = {owners[position] for position in window
             if position in owners and _names_lead(page.nodes[owners[position]].names)}
    if len(boxes) != 1:
        return
    for position in window:
        segment = page.segments[position]
        if owners.get(position) in boxes and segment.chars >= options.min_prose_chars and \
                segment.link_chars * 2 <= segment.chars and not _is_label(segment.block.text):
            verdicts[position] = ""


@lru_cache(maxsize=1024)
def _names_lead(names: str) -> bool:
    """Whether a furniture node's class and id words are a lead's and no other furniture's."""
    words = set(_NAME_WORDS.split(_CAMEL.sub(r"\1 \2", names).lower()))
    found = words & rules.BOILERPLATE_TOKENS
    return bool(found) and found <= rules.LEAD_TOKENS


def _anchored(verdicts: list[str], top: int, options: Options) -> bool:
    """Whether the kept text starts at the headline: it keeps something just below it."""
    stop = min(len(verdicts), top + 2 + options.max_lead_gap)
    return any(not verdict for verdict in verdicts[top + 1:stop])


def _scrap(page: Page, verdicts: list[str], options: Options) -> bool:
    """Whether what is kept is a scrap: under `scrap_words` words, and a small share of
    the page's prose (a short page kept whole is no scrap)."""
    words = _words_kept(page, verdicts)
    if words >= options.scrap_words:
        return False
    prose = sum(len(segment.block.text.split()) for segment in page.segments
                if segment.link_chars * 2 <= segment.chars)
    return words < options.scrap_share * prose


def _words_kept(page: Page, verdicts: list[str]) -> int:
    return sum(len(segment.block.text.split())
               for segment, verdict in zip(page.segments, verdicts) if not verdict)


def _outweighs(page: Page, rescued: list[str], verdicts: list[str] | None, index: int | None,
               options: Options) -> bool:
    """Whether the article below the headline should replace the chosen one.

    It wins unless it is a small fraction of the chosen one; an element that names
    itself the article body keeps its place unless what it kept is a scrap.
    """
    if verdicts is None:
        return True
    words = _words_kept(page, verdicts)
    if _words_kept(page, rescued) < options.rescue_ratio * words:
        return False
    return not page.nodes[index].hints & STRONG_CONTENT or words < options.scrap_words


def _named_by_markup(node: Node) -> int:
    """A node's furniture and caption hints from its tag and ARIA role alone."""
    hints = node.hints & ~(BOILERPLATE | CAPTION)
    if node.tag in rules.BOILERPLATE_TAGS and node.tag != "form":
        hints |= BOILERPLATE
    elif node.tag in rules.CAPTION_TAGS:
        hints |= CAPTION
    elif node.names and not rules.BOILERPLATE_ROLES.isdisjoint(node.names.split()):
        hints |= BOILERPLATE
    return hints


def _rejudged(page: Page, named: Evidence, article_body: str | None, top: int | None,
              options: Options) -> list[str] | None:
    """Verdicts judged again without class words: for the article the headline heads
    (the best element holding the headline or starting just below it), or without a
    headline for the best element anywhere."""
    nodes = tuple(replace(node, hints=_named_by_markup(node)) if node.hints & (BOILERPLATE | CAPTION)
                  else node for node in page.nodes)
    plain = Page(page.segments, nodes)
    options = replace(options, teaser_lists=False)
    evidence = weigh(plain, article_body, options)
    prefix = [0.0, *accumulate(evidence.weights)]
    best, best_score = None, 0.0
    for index, node in enumerate(nodes):
        if top is not None and not (node.first <= top < node.end or
                                    top < node.first <= top + 1 + options.max_lead_gap):
            continue
        score = prefix[node.end] - prefix[node.first]
        if node.hints & STRONG_CONTENT:
            score *= options.strong_bonus
        elif node.hints & CONTENT:
            score *= options.content_bonus
        if score > 0 and score >= best_score:
            best, best_score = index, score
    if best is None:
        return None
    span = _from_headline(extend(plain, evidence, best, options), top, options)
    verdicts = prune(plain, evidence, best, span, options)
    if all(verdicts):
        return None
    # The class words, heard again inside the element found without them: they drop
    # a bio or a share bar, unless they would drop most of the article again.
    pruned = prune(page, named, best, span, options)
    if _words_kept(page, pruned) >= options.named_share * _words_kept(page, verdicts):
        return pruned
    return verdicts


def extract_blocks(page: Page, article_body: str | None = None,
                   options: Options = DEFAULT) -> list[Block]:
    """The main content's blocks, falling back to the whole page minus furniture."""
    found = judge(page, article_body, options=options).verdicts
    return [segment.block for segment, verdict in zip(page.segments, found) if not verdict]
