"""Plain-text lines to scored lines: how much each reads like article prose or like page furniture.

A page's text as a browser copies it has one line per block of the page. Each line gets
features a reader would use (its length, how many function words it holds, whether it ends
a sentence, whether it looks like a menu entry, a dateline, a share prompt, a copyright
line) and from them one score: positive for prose, negative for furniture. The region
chooser (region) sums these scores; nothing here looks at more than one line, so
the cost is linear in the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .dates import without_dates

LineKind = Literal["blank", "prose", "short", "item", "furniture", "barrier"]

_WORD = re.compile(r"\w+")
#: Scripts written without spaces between words: a character is worth about half a word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
BULLET = re.compile(r"^\s*(?:[-*+•●▪◦‣·–]|\d{1,3}[.)])\s+")
_SENTENCE_END = re.compile(r"[.!?…。！？:;](?:\s?['\"”’“»«)\]])*$")

_DIGIT = re.compile(r"\d")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?", re.I)
#: What a menu label lacks: a digit, code or table punctuation, a run of spaces or a tab
#: between columns, a closing stop or colon, a lower-case start (a command, a continuation).
_CONTENT = re.compile(r"\d|[=(){}\[\];<>|$%~#@\\]|\S(?: {2,}|\t)\S|[.!?:…](?:\s?['\"”’“»«)])*$|^[a-z]")
#: A command line's options or an assignment: a date in it is an argument, not a dateline.
_CODE = re.compile(r"(?:^|\s)--?[a-z]|[=(){};<>$]")
_RELATIVE_TIME = re.compile(r"^\d+\s+(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?)\s+ago$", re.I)


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern of page furniture; `barrier` lines end any region (an author box, comments)."""

    name: str
    pattern: re.Pattern[str]
    barrier: bool = False
    #: Longer lines are prose that happens to start like furniture.
    max_chars: int = 240
    #: Lower-case text a matching line must hold: a cheap test that spares the pattern on most lines.
    hints: tuple[str, ...] = ()


def _rule(name: str, pattern: str, barrier: bool = False, max_chars: int = 240, hints: tuple[str, ...] = ()) -> Rule:
    return Rule(name, re.compile(pattern, re.I), barrier, max_chars, hints)


# Rules are data: a new kind of furniture is one line here. Each pattern matches a whole
# stripped line, so a sentence that merely mentions "share" or "comments" is left alone.
RULES = (
    _rule("author-box", r"^latest posts by (?P<author>.+?)\s*(\(see all\))?$", barrier=True),
    _rule("author-box", r"^(about|more from|posts by|articles by) the author\b.{0,40}$", barrier=True),
    # "About Jane Doe", in the languages the dev pages use; a name is 2-4 capitalised words.
    _rule("author-box", r"^(about|sobre|über|à propos de|a propos de|acerca de|tentang|o autorze)\s+"
                        r"(?P<author>(?-i:[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}))$", barrier=True),
    _rule("related", r"^(related( posts| articles| stories| content| coverage| links| reading)?|"
                     r"you (may|might) also (like|enjoy)|read (more|next|also)|more stories|recommended( for you)?|"
                     r"more (from|in|on) .{1,50}|latest (news|stories|articles|videos|from .{1,40})|"
                     r"most (popular|read|viewed|shared).{0,30}|popular (posts|articles|stories)|"
                     r"trending( now| stories)?|top stories|editor'?s? picks?|don'?t miss|must read)[:.]?$"),
    _rule("related", r"^((see|read|watch) (more|also|next)|related|also read|more)\s*:$"),
    # "Read more: <a headline>" is one link, not the label of a box of them.
    _rule("related-link", r"^((see|read|watch) (more|also|next)|related|also read|more)\s*:\s*\S.{0,200}$"),
    _rule("related", r"^(ähnliche (artikel|beiträge|nachrichten|themen)|verwandte (artikel|beiträge|themen)|"
                     r"das könnte (dich|sie) auch interessieren|mehr zum thema|auch interessant|lesen sie auch|"
                     r"weitere (artikel|beiträge|nachrichten|meldungen)|meistgelesen|"
                     r"articles? (similaires|liés|connexes)|(à|a) lire aussi|lire aussi|sur le même sujet|"
                     r"vous aimerez aussi|(artículos|noticias|entradas) relacionad[ao]s|te puede interesar|"
                     r"(lee|leer) también|lo más leído|articoli correlati|leggi anche|(ti )?potrebbe interessarti|"
                     r"(artigos|notícias|posts) relacionad[ao]s|leia também|veja também|mais lidas|"
                     r"gerelateerde artikelen|lees ook|zobacz (również|także|też)|powiązane( artykuły)?|"
                     r"czytaj (także|też|również))[:.]?$"),
    _rule("comments", r"^(leave a (comment|reply)|[{(\[]?\s?\d+\s+(comments?|responses?|replies)\b.{0,80})$", barrier=True),
    _rule("comments", r"^(comments?( \(\d+\))?|show comments|view comments|post a comment|add a comment|"
                      r"join the (discussion|conversation))$"),
    # The same in the languages after English that the pages we know use most (WordPress's own
    # strings where it has them: "One thought on", "Leave a comment").
    _rule("comments", r"^((one|\d+) thoughts? on .{1,160}|(ein|\d+) gedanken? zu .{1,160}|"
                      r"(schreibe|hinterlasse) einen kommentar|kommentar (verfassen|schreiben|hinterlassen)|"
                      r"laisser un commentaire|laisser une réponse|(deja|dejar) (un comentario|una respuesta)|"
                      r"lascia (un commento|una risposta)|deixe (um comentário|uma resposta)|"
                      r"laat een reactie achter|geef een reactie|(dodaj|zostaw) komentarz|"
                      r"\d+\s+(kommentare?|commentaires?|comentarios?|commenti|comentários?|reacties|komentarz[ey]?)\b.{0,80}|"
                      r"\d+\s+(antworten (zu|auf)|réponses à|respuestas a|risposte a|respostas (para|a)|"
                      r"reacties op|odpowiedzi na)\s.{1,160}|"
                      r"(kommentare|commentaires|comentarios|commenti|comentários|reacties|komentarze)\s*\(\d+\))$",
          barrier=True),
    _rule("comments", r"^(kommentare?|commentaires?|comentarios?|commenti|comentários?|reacties|komentarze)$"),
    _rule("teaser", r"^.{0,1500}(\.\.\.|…)\s*\[?(read more|continue reading|read full (story|article)|more)\s*[»›>→]?\]?$"
                    r"|^.{0,1500}\s\[?(read more|continue reading)\s*[»›>→]?\]?$", max_chars=1600,
          hints=("more", "reading", "read full")),
    _rule("caption", r"^.{0,300}[(\[](image|photo|picture|pic|credit|source|getty|file photo)s?\b[^)\]]{0,80}[)\]]$",
          hints=("(", "[")),
    _rule("comment-head", r"^\S+(\s\S+){0,3}\s+(says|wrote|replied|sagt|schrieb|dit|dice|disse|zegt|napisał)\s?:$",
          barrier=True, hints=(":",)),
    _rule("share", r"^(share|tweet|email|print|pin|save|like|follow)( (this|it|us|on|article|story|page|via)\b.{0,60})?"
                   r"(?<![.!?])$"),
    _rule("share", r"^(click to (share|email|print)|share on|share this|follow us|subscribe|sign up|sign in|log ?in|"
                   r"register|newsletter|get (our|the) .{0,40}newsletter)\b.{0,80}$"),
    _rule("legal", r"^(©|\(c\)|copyright\b|all rights reserved).{0,160}$"),
    _rule("legal", r"^.{0,80}\b(all rights reserved|terms of (use|service)|privacy policy|cookie policy)\b.{0,80}(?<![.!?])$",
          hints=("rights reserved", "terms of", "policy")),
    _rule("consent", r"^(?=.*\bcookies?\b)(?=.*\b(website|browser|consent|opt[- ]?out|privacy|settings|"
                     r"webseite|zustimmung|einwilligung|datenschutz|einstellungen|navigateur|consentement|"
                     r"confidentialité|navegador|consentimiento|privacidad|navigazione|consenso|"
                     r"navegação|consentimento|toestemming|przeglądarki|zgod[ęy])\b).*$",
          max_chars=2000, hints=("cookie",)),
    _rule("nav", r"^(skip to( main)? content|skip to article|menu|home|search|close|back to (top|main menu)|"
                 r"advertisement|advertising|sponsored( content)?|ad choices|loading\.{0,3}|"
                 r"next( article| post)?|previous( article| post)?|prev|tags?|tags?:.{0,80}|filed under:?.{0,80}|"
                 r"categories:.{0,80}|topics:.{0,80}|image (credit|source):.{0,80}|photo:.{0,80})$"),
)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a page with what a reader sees in it."""

    text: str
    kind: LineKind
    #: Length in words (a CJK character counts as half a word).
    words: float
    #: Share of the words that are English function words.
    stop_density: float
    sentence_end: bool
    #: The rule that named this line furniture, if any.
    rule: str | None = None
    #: A name a rule pulled out of the line (an author box's author).
    author: str | None = None
    #: Shaped like an article's own short line (a quantity, code, a table row, a sentence, a
    #: lead-in ending in ":") rather than a menu's label.
    content: bool = False


BLANK = Line("", "blank", 0.0, 0.0, False)


@dataclass(frozen=True, slots=True)
class Weights:
    """How line features turn into a score; one object so a tuning run changes one place."""

    #: Words a line needs before it counts in favour of a region (tried lower for lines that
    #: end a sentence: no better on the tuning half).
    threshold: float = 10.0
    #: A bulleted list item: lists in plain text are the article's own far more often than menus.
    item_threshold: float = 5.0
    #: Per word, for a line that reads as prose / for one that does not.
    prose_weight: float = 1.0
    label_weight: float = 0.4
    #: A line a rule names as furniture.
    furniture: float = -12.0
    repeated: float = -1.0
    #: Function-word share below which an English line reads as a label, above which as prose.
    low_stop: float = 0.12
    high_stop: float = 0.25


WEIGHTS = Weights()


def _combined(rules: tuple[Rule, ...]) -> re.Pattern[str]:
    """Rules as one pattern (a line costs one regex call, not one per rule); group ruleN is rule N."""
    parts = [f"(?P<rule{number}>{rule.pattern.pattern.replace('(?P<author>', f'(?P<author{number}>')})"
             for number, rule in enumerate(rules)]
    return re.compile("|".join(parts), re.I)


# Rules anchored on their first words fail fast and go in one pattern; rules that scan the
# whole line are tried only on lines holding one of their hints.
_ANCHORED = tuple(rule for rule in RULES if not rule.hints)
_ANCHORED_PATTERN = _combined(_ANCHORED)
_HINTED = tuple(rule for rule in RULES if rule.hints)
SHORT_LINE = min(rule.max_chars for rule in _ANCHORED)
_ALL_HINTS = tuple(dict.fromkeys(hint for rule in _HINTED for hint in rule.hints))


def _match_rule(text: str, lowered: str) -> tuple[Rule, str | None] | None:
    """The rule the line (and its lower-case form) matches, and the author it names, if any."""
    if len(text) <= SHORT_LINE and (match := _ANCHORED_PATTERN.match(text)):
        number = int(match.lastgroup.removeprefix("rule"))  # the outer group of a branch closes last
        return _ANCHORED[number], match.groupdict().get(f"author{number}")
    for hint in _ALL_HINTS:  # plain substring tests are far cheaper than any pattern
        if hint in lowered:
            break
    else:
        return None
    for rule in _HINTED:
        if len(text) <= rule.max_chars and any(hint in lowered for hint in rule.hints) and (
                match := rule.pattern.match(text)):
            return rule, match.groupdict().get("author")
    return None


def is_dateline(text: str) -> bool:
    """A short line that is mostly a date or a time stamp."""
    if len(text) > 60 or not _DIGIT.search(text):
        return False
    rest = _TIME.sub(" ", without_dates(text))
    found = rest != text or bool(_RELATIVE_TIME.match(text))
    return found and len(_WORD.findall(rest)) <= 5


def read_line(raw: str, stopwords: frozenset[str]) -> Line:
    """Features of one line (raw, with its indent)."""
    text = raw.strip()
    if not text:
        return BLANK
    lowered = text.lower()
    tokens = _WORD.findall(lowered)
    if not tokens:  # nothing to read: a zero-width space, a row of dashes
        return BLANK
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    words = len(tokens) + cjk / 2
    stop = sum(map(stopwords.__contains__, tokens)) / len(tokens)
    sentence_end = bool(_SENTENCE_END.search(text[-8:]))  # the end is all that matters; no scan
    found = _match_rule(text, lowered)
    if found:
        rule, author = found
        return Line(text, "barrier" if rule.barrier else "furniture", words, stop, sentence_end, rule.name,
                    author)
    content = bool(_CONTENT.search(text))
    if is_dateline(text) and not _CODE.search(text):
        return Line(text, "furniture", words, stop, sentence_end, "dateline")
    if BULLET.match(raw):
        return Line(text, "item", words, stop, sentence_end, content=content)
    return Line(text, "prose" if words >= WEIGHTS.threshold else "short", words, stop, sentence_end,
                content=content)


def score(line: Line, english: bool, weights: Weights = WEIGHTS) -> float:
    """A line's vote for being inside the article: words past the threshold, weighted by prose shape."""
    if line.kind == "blank":
        return 0.0
    if line.rule == "repeated":
        return weights.repeated
    if line.kind in ("furniture", "barrier"):
        return weights.furniture
    if line.kind == "item":
        return line.words * weights.prose_weight - weights.item_threshold
    prose = line.sentence_end
    if english:
        if line.stop_density < weights.low_stop:
            prose = False
        elif line.stop_density >= weights.high_stop and line.words >= weights.threshold:
            prose = True
    if prose:
        return line.words * weights.prose_weight - weights.threshold
    return line.words * weights.label_weight - weights.threshold


def is_english(lines: list[Line]) -> bool:
    """Whether function-word density can be trusted: English function words fill the long lines."""
    total = stop = 0.0
    for line in lines:
        if line.words >= 8:
            total += line.words
            stop += line.words * line.stop_density
    return total > 0 and stop / total >= 0.15
