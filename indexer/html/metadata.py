"""Read an article's metadata (title, author, date, URL, site, language) from a parsed page.

Kept apart from main-content extraction, as trafilatura does: metadata comes from
<head> markup and JSON-LD, which say what the page is about in a machine-readable
way, then from what readers see (a byline, a dateline, the URL). Each field is taken
from the first source in its list that has a usable value.

JSON-LD is read as a graph: objects that only point at another (`{"@id": ...}`, as
Yoast-style `@graph`s do for authors) are resolved, and the article is the node whose
@type says article or posting, before any WebPage; fields it lacks come from the next
such node.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from typing import Iterator, Mapping, Sequence

from bs4 import BeautifulSoup, Tag

from ..models import Metadata
from . import rules
from .dates import _MONTHS, PageDate, parse_date, url_date

# Sources for each field, best first. Values are (attribute, name) of <meta> tags.
TITLE_META = (("property", "og:title"), ("name", "twitter:title"), ("name", "title"))
AUTHOR_META = (("name", "author"), ("property", "article:author"), ("name", "byl"),
               ("name", "sailthru.author"), ("name", "parsely-author"), ("name", "dc.creator"),
               ("itemprop", "author"), ("property", "author"))
DATE_META = (("property", "article:published_time"), ("name", "article:published_time"),
             ("itemprop", "datePublished"), ("name", "pubdate"), ("name", "publishdate"),
             ("name", "date"), ("name", "dc.date"), ("name", "dc.date.issued"),
             ("name", "parsely-pub-date"), ("name", "sailthru.date"),
             ("property", "og:published_time"), ("name", "publish-date"),
             ("property", "article:published"), ("itemprop", "dateCreated"))
URL_META = (("property", "og:url"),)
SITE_META = (("property", "og:site_name"), ("name", "application-name"))

#: JSON-LD @type endings of an article, best first: an article or posting node states
#: the story's author and date; a WebPage node (MedicalWebPage, ItemPage...) often
#: wraps it in Yoast-style graphs and is read only for what the article node lacks.
ARTICLE_TYPE_ENDINGS = (("article", "posting", "report"), ("webpage", "page"),
                        ("creativework", "review", "recipe", "howto"))
ORGANIZATION_TYPES = frozenset({"organization", "newsmediaorganization", "corporation"})

#: JSON-LD deeper than this is not metadata but a hostile or broken file; the block is
#: skipped rather than handed to a recursive parser (real JSON-LD nests under 10 deep).
MAX_JSON_LD_DEPTH = 100
#: At most this many byline and dateline elements are read per page.
MAX_VISIBLE = 24
#: At most this many scripts are kept to look for a date in, and this much of each.
MAX_SCRIPTS, MAX_SCRIPT_CHARS = 64, 200_000

# " | Site", " - Site", " — Site", " :: Site" at the end of a <title>.
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|·|•)\s+")
# What opens a byline before the name: "By", "Written by", "Von", "Post author",
# "View all posts by", "Autor:" and their kin in the languages of saved pages.
_BY = re.compile(
    r"^\s*(?:post\s+author\s+)?(?:(?:written|posted|post|words|story|reported|text|interview|"
    r"eingestellt|geschrieben|verfasst|publié|écrit|escrito|publicado|scritto|pubblicato|"
    r"(?:ein\s+)?(?:artikel|beitrag|gastbeitrag))\s+)?"
    r"(?:by|von|vom|por|par|di|door|av|af)\b[:\s]*|"
    r"^\s*(?:(?:view|see|show|more)\s+)?(?:all\s+)?(?:posts|articles|stories|entries)\s+(?:by|from)\s+|"
    r"^\s*(?:zeige\s+)?alle\s+(?:beiträge|artikel)\s+von\s+|"
    r"^\s*(?:authors?|autor(?:in|en)?|auteur|autore|autora|written by)\s*:\s*", re.IGNORECASE)
# Where a byline's name ends: a separator, a date or time, or a "Published ..." part.
_NAME_END = re.compile(
    r"\s*(?:[|•·/\n／｜»«›‹→←]|\s[-–—]\s|,|\d|"
    r"\s(?:on|at|in|for|from|published|updated|posted|last|first|am|um|le|el|il|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b)", re.IGNORECASE)
_MONTH_START = re.compile(r"\s(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d",
                          re.IGNORECASE)
#: What bylines show where no person is named: labels, and the names a site gives a
#: guest, an anonymous poster or its own account.
_NOT_NAMES = frozenset({
    "by", "author", "authors", "about the author", "written by", "posted by", "admin", "share",
    "follow", "more", "contributor", "contributors", "administrator", "webmaster", "guest",
    "gast", "гость", "anonymous", "anonym", "anonyme", "anónimo", "anonimo", "unknown",
    "unbekannt", "unbenannt", "inconnu", "super user", "user", "redaktion", "rédaction",
    "redaction", "redacción", "redazione", "staff", "editor", "editors", "autor", "auteur",
    "autore", "posted", "post", "published", "datum", "date",
})
# A line that is not a name, whatever else it holds: a site's footer, a weekday.
_WEEKDAY = (r"^\W*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|montag|dienstag|mittwoch|donnerstag|"
            r"freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|"
            r"miércoles|jueves|viernes|sábado|domingo)\b")
_NOT_A_NAME = re.compile(r"\bpowered by\b|©|\bcopyright\b|\ball rights reserved\b|" + _WEEKDAY,
                         re.IGNORECASE)
_OPENS_WITH_WEEKDAY = re.compile(_WEEKDAY, re.IGNORECASE)
# A picture's credit: "Bild: S. Lafrentz", "Photo: AP".
_CREDIT = re.compile(r"^\W*(?:bild|bilder|foto|fotos|photo|photos|image|images|credit|quelle|source)\b",
                     re.IGNORECASE)
# The clock of the visit, not a date of the page: a forum's "It is currently ...", a
# masthead's "Today is ...".
_NOW = re.compile(r"^\W*(?:it\s+is\s+(?:currently|now)|current\s+(?:time|date)|today\s+is|"
                  r"aktuelle\s+(?:zeit|uhrzeit)|heute\s+ist|es\s+ist\s+jetzt|nous\s+sommes\s+le|"
                  r"date\s+et\s+heure\s+actuelles|hora\s+actual|fecha\s+actual|hoy\s+es)\b", re.IGNORECASE)
# A numeric date with its time of day in a short line ("( 2012-06-04 09:20:26 )",
# "r23 » 21.01.2009, 05:42"): a time stamp, whatever words stand around it.
_STAMP = re.compile(r"(?<![\d.])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})(?:,?\s+|T)\d{1,2}:\d{2}(?!\d)")


def _stamp(text: str) -> bool:
    """A line holding a time stamp not labelled as something else than publication: a
    labelled one ("Registriert: 18.09.2008, 05:56") dates a member, a visit, an edit;
    the labels of publication open a dateline (rules.DATELINE). One opened by a weekday
    ("Samstag, 2016-10-08, 0:26 AM Willkommen Gast") is a masthead's clock."""
    match = _STAMP.search(text)
    return match is not None and ":" not in text[:match.start()] and not _OPENS_WITH_WEEKDAY.match(text)


# In a dateline, the name after its date: "Updated 2 June 2023 by Dr. Sam Patel".
_DATED_BY = re.compile(r"\b(?:by|von|por|par)\s+(?=\S)", re.IGNORECASE)
# class/id/rel/itemprop words of visible bylines and datelines.
_BYLINE_CLASS = re.compile(r"byline|author|writer|(?:^|[\s_-])by(?:$|[\s_-])", re.IGNORECASE)
_DATE_CLASS = re.compile(r"date|time|published|dateline|posted", re.IGNORECASE)
# ... except those of comments and forms: a commenter is not the article's author.
_NOT_BYLINE_CLASS = re.compile(r"comment|reply|respond|form|related|footer", re.IGNORECASE)
# Any of the words above, to dismiss most strings with one search.
_EVIDENCE_WORDS = re.compile(r"byline|author|writer|by|date|time|publish|posted", re.IGNORECASE)


def _collapse(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Markup:
    """The parts of a page that state metadata, gathered in one pass over the tree."""

    #: First content of each (attribute, lowercased name) among the <meta> tags,
    #: attribute being property, name or itemprop.
    meta: Mapping[tuple[str, str], str]
    #: Every top-level JSON-LD object, @graph members included, in page order.
    json_ld: tuple[dict, ...]
    canonical: str | None
    #: Text of <title>, of the first <h1>, and the first <time datetime>.
    title: str | None
    h1: str | None
    time: str | None
    #: The <html lang> attribute.
    lang: str | None
    #: Text of elements marked as the author (itemprop=author, rel=author), then of
    #: elements whose class or id says byline or author, innermost first, page order.
    authors: tuple[str, ...] = ()
    bylines: tuple[str, ...] = ()
    #: Text (or datetime/content) of elements whose class or id says date or time.
    datelines: tuple[str, ...] = ()
    #: JSON-LD objects nested inside the items of `json_ld` (authors, mainEntity...).
    json_ld_nested: tuple[dict, ...] = ()
    #: Text of the other scripts (data blobs and code), in page order, for a last guess
    #: at the date a page states nowhere else.
    scripts: tuple[str, ...] = ()

    @property
    def article_body(self) -> str | None:
        """The articleBody the page states in its JSON-LD, if any."""
        for item in self.json_ld:
            body = item.get("articleBody")
            if isinstance(body, str) and body.strip():
                return body
        return None


_MARKUP_TAGS = frozenset({"meta", "link", "script", "title", "h1", "time", "html"})


def _short_text(tag: Tag, limit: int = 300) -> str:
    """The element's text, read only up to `limit` characters (bylines are short)."""
    parts, size = [], 0
    for string in tag.strings:
        parts.append(string)
        size += len(string)
        if size > limit:
            break
    return _collapse(" ".join(parts))


def _innermost(found: list[tuple[Tag, str]]) -> tuple[str, ...]:
    """Texts of `found`, each element after any of its descendants that were also found."""
    chosen: list[str] = []
    for position, (tag, text) in enumerate(found):
        # Identity, not `in`: bs4 compares tags by their whole content.
        inner = [t for other, t in found[position + 1:]
                 if any(parent is tag for parent in other.parents)]
        chosen.extend(inner)
        chosen.append(text)
    return tuple(dict.fromkeys(chosen))


def collect_markup(soup: BeautifulSoup) -> Markup:
    """Gather the metadata-bearing tags of a page in one walk (head and body alike).

    One walk instead of a find_all per source: bs4's searches each rescan the
    whole tree, and pages put <meta> and JSON-LD in the body too.
    """
    meta: dict[tuple[str, str], str] = {}
    json_ld: list[dict] = []
    nested: list[dict] = []
    scripts: list[str] = []
    canonical = title = h1 = time = lang = None
    authors: list[tuple[Tag, str]] = []
    bylines: list[tuple[Tag, str]] = []
    datelines: list[str] = []
    for node in soup.descendants:
        if type(node) is not Tag:
            continue
        name, attrs = node.name, node.attrs
        if name not in _MARKUP_TAGS:
            if not attrs:
                continue
            # The hot path of the walk: class strings repeat and are classified once.
            # Ids are left out: they are mostly unique, and bylines carry a class.
            classes = attrs.get("class")
            kind = _class_kind(classes) if type(classes) is str else 0
            if attrs.get("itemprop") == "author" or attrs.get("rel") == "author":
                kind = _AUTHOR
            elif not kind and type(attrs.get("itemprop")) is str:
                kind = _class_kind(attrs["itemprop"])
            if kind and name not in rules.DROP_TAGS:
                _visible_evidence(node, attrs, kind, authors, bylines, datelines)
            continue
        if name == "meta":
            content = attrs.get("content")
            if isinstance(content, str) and content.strip():
                for attribute in ("property", "name", "itemprop"):
                    key = attrs.get(attribute)
                    if isinstance(key, str):
                        meta.setdefault((attribute, key.strip().lower()), _collapse(content))
        elif name == "link":
            rel, href = attrs.get("rel"), attrs.get("href")
            if canonical is None and isinstance(rel, str) and isinstance(href, str) \
                    and "canonical" in rel.lower().split() and href.strip():
                canonical = href.strip()
        elif name == "script":
            if str(attrs.get("type", "")).strip().lower() == "application/ld+json":
                for item, top in _json_ld_objects(node.get_text()):
                    (json_ld if top else nested).append(item)
            elif len(scripts) < MAX_SCRIPTS and isinstance(node.string, str):
                scripts.append(node.string)
        elif name == "title":
            title = title or _collapse(node.get_text(" ")) or None
        elif name == "h1":
            h1 = h1 or _collapse(node.get_text(" ")) or None
        elif name == "time":
            stamp = attrs.get("datetime")
            if time is None and isinstance(stamp, str) and stamp.strip():
                time = stamp.strip()
            elif len(datelines) < MAX_VISIBLE:
                datelines.append(_short_text(node))
        elif name == "html" and lang is None:
            value = attrs.get("lang") or attrs.get("xml:lang")
            lang = value.strip() if isinstance(value, str) and value.strip() else None
    return Markup(meta, tuple(json_ld), canonical, title, h1, time, lang,
                  _innermost(authors), _innermost(bylines), tuple(datelines), tuple(nested),
                  tuple(scripts))


def _visible_evidence(node: Tag, attrs: dict, kind: int, authors: list, bylines: list,
                      datelines: list) -> None:
    """Note an element that shows the author or the date to readers."""
    if kind == _AUTHOR:
        if len(authors) < MAX_VISIBLE:
            authors.append((node, _short_text(node)))
    elif kind == _BYLINE:
        if len(bylines) < MAX_VISIBLE:
            bylines.append((node, _short_text(node)))
    elif len(datelines) < MAX_VISIBLE:
        for key in ("datetime", "content"):
            if isinstance(attrs.get(key), str):
                datelines.append(attrs[key])
        datelines.append(_short_text(node))


_AUTHOR, _BYLINE, _DATELINE = 1, 2, 3


@lru_cache(maxsize=8192)
def _class_kind(words: str) -> int:
    """Whether class (or id, itemprop) words mark a byline or a dateline."""
    if not _EVIDENCE_WORDS.search(words):
        return 0
    if _NOT_BYLINE_CLASS.search(words):
        return 0
    if _BYLINE_CLASS.search(words):
        return _BYLINE
    return _DATELINE if _DATE_CLASS.search(words) else 0


def _first_meta(index: Mapping[tuple[str, str], str], sources) -> str | None:
    for attribute, name in sources:
        value = index.get((attribute, name.lower()))
        if value:
            return value
    return None


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str, limit: int = MAX_JSON_LD_DEPTH) -> bool:
    """Whether JSON text nests deeper than `limit`, counted without parsing it.

    Python's json parser recurses once per level and raises RecursionError on a few
    thousand; the check is one linear scan with strings taken out.
    """
    if text.count("{") + text.count("[") <= limit:
        return False
    depth = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _json_ld_objects(text: str) -> Iterator[tuple[dict, bool]]:
    """Every JSON object in one JSON-LD script, and whether it is a top-level item.

    Top-level items are the script's objects and their @graph members; the rest are
    nested inside those (an author, an itemReviewed, a mainEntity).
    """
    if not text or _too_deep(text):
        return
    try:
        data = json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return  # broken JSON-LD is common; the other sources still count
    pending = [(data, True)]
    while pending:
        item, top = pending.pop()
        if isinstance(item, list):
            pending.extend((v, top) for v in reversed(item))
        elif isinstance(item, dict):
            yield item, top
            graph = item.get("@graph")
            pending.extend((v, v is graph) for v in reversed(item.values())
                           if isinstance(v, (dict, list)))


def json_ld_types(item: dict) -> list[str]:
    """An object's @type names, lowercased, without their vocabulary prefix."""
    kinds = item.get("@type") or item.get("type")
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, list):
        return []
    # "http://schema.org/NewsArticle" and "schema:NewsArticle" name the same type.
    return [re.split(r"[/:#]", k)[-1].lower() for k in kinds if isinstance(k, str)]


def _article_rank(item: dict) -> int | None:
    for rank, endings in enumerate(ARTICLE_TYPE_ENDINGS):
        if any(kind.endswith(endings) for kind in json_ld_types(item)):
            return rank
    return None


@dataclass(frozen=True, slots=True)
class _Graph:
    """JSON-LD objects by @id, and the article-like nodes best first."""

    ids: Mapping[str, dict]
    articles: tuple[dict, ...]

    def resolve(self, value):
        """An object that only points at another (`{"@id": ...}`) replaced by that one."""
        if isinstance(value, dict) and "name" not in value:
            target = self.ids.get(value.get("@id")) if isinstance(value.get("@id"), str) else None
            if target is not None:
                return target
        return value

    def field(self, key: str):
        """The first article node's value for `key`, references resolved."""
        for item in self.articles:
            value = item.get(key)
            if value:
                return value
        return None

    def name(self, value, hops: int = 0) -> str | None:
        """A person's or organisation's name from a JSON-LD value (string, object, list)."""
        if hops > 3:
            return None  # references that loop
        if isinstance(value, list):
            names = [n for n in (self.name(v, hops + 1) for v in value[:20]) if n]
            return ", ".join(dict.fromkeys(names)) or None
        value = self.resolve(value)
        if isinstance(value, dict):
            name = value.get("name")
            if isinstance(name, (list, dict)):
                return self.name(name, hops + 1)
            if not name and isinstance(value.get("familyName"), str):
                name = f"{value.get('givenName') or ''} {value['familyName']}"
            value = name
        if isinstance(value, str) and value.strip() and not _is_url(value):
            return _collapse(value)
        return None


def _graph(items: Sequence[dict], nested: Sequence[dict] = ()) -> _Graph:
    """Index the objects by @id and rank the article-like ones.

    Nested objects rank after every top-level one: an article nested as a
    ClaimReview's itemReviewed is another page's article.
    """
    ids: dict[str, dict] = {}
    ranked: list[tuple[int, int, dict]] = []
    tiers = len(ARTICLE_TYPE_ENDINGS)
    for position, (item, top) in enumerate([*((i, True) for i in items),
                                             *((i, False) for i in nested)]):
        key = item.get("@id")
        # A definition, not a bare reference: it says more than its id.
        if isinstance(key, str) and len(item) > 1 and key not in ids:
            ids[key] = item
        rank = _article_rank(item)
        if rank is not None:
            ranked.append((rank if top else rank + tiers, position, item))
    return _Graph(ids, tuple(item for _, _, item in sorted(ranked, key=lambda r: r[:2])))


def _is_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://", "www.", "/"))


def person(text: str | None, handles: bool = False) -> str | None:
    """The name in a byline ("By Jane Doe | Nov 20, 2019" -> "Jane Doe"), or None.

    A name is a few words that do not read as a sentence, a date or a label. With
    `handles`, a user name in lower case ("crumbwatcher", "r23") counts too: for an
    element marked as the author, not for any line that opens with "von".
    """
    if not text:
        return None
    text = _collapse(text)
    if _NOT_A_NAME.search(text) or text.endswith(":") or _CREDIT.match(text):
        return None
    text = _BY.sub("", text)
    month = _MONTH_START.search(text)
    if month:
        text = text[:month.start()]
    end = _NAME_END.search(text)
    if end:
        text = text[:end.start()]
    text = text.strip(" .:;-–—")
    words = text.split()
    if not 1 <= len(words) <= 8 or len(text) > 60 or text.lower() in _NOT_NAMES:
        return None
    if "@" in text or _is_url(text) or "." in text.replace(". ", " ")[-2:]:
        return None
    if text[0].islower() and not (handles and len(words) == 1 and len(text) >= 2):
        return None
    if rules.DATELINE.match(text) or words[0].lower().rstrip(".") in _MONTHS:
        return None
    return text


def stated_name(text: str | None) -> str | None:
    """An author as markup states it (meta tag, JSON-LD), or None if it is no name: a
    label, a site's footer line, a guest label or a sentence (an author's bio)."""
    if not text:
        return None
    text = _collapse(_BY.sub("", _collapse(text)))
    if not text or _NOT_A_NAME.search(text) or text.lower() in _NOT_NAMES or _is_url(text):
        return None
    words = text.split()
    if len(words) > 12 or (len(words) > 5 and text.endswith(".")):
        return None
    return text


def _date_candidates(markup: Markup, graph: _Graph, url: str | None,
                     lines: Sequence[str]) -> Iterator[tuple[PageDate, bool]]:
    """Statements of the publication date, most trusted first.

    Each comes with whether it states the page's local calendar date on purpose:
    markup and the URL always do (unless they give a UTC time); visible text only
    with a time of day, since an undated "Wednesday, November 20, 2019" at the top
    of a page is usually today's date in the masthead.
    """
    structured = [_first_meta(markup.meta, DATE_META)]
    for item in graph.articles:
        structured.extend(item[key] for key in ("datePublished", "dateCreated", "uploadDate")
                          if isinstance(item.get(key), str))
    structured.append(markup.time)
    for text in structured:
        found = parse_date(text)
        if found:
            yield found, not found.utc
    found = url_date(url)
    if found:
        yield found, True
    visible = list(markup.datelines)
    visible.extend(text for text in lines if len(text) < rules.BYLINE_MAX_CHARS and (
        rules.DATELINE.match(text) or rules.BYLINE.match(text) or rules.WRITTEN_DATE.match(text)
        or _stamp(text)))
    day_first = _day_first(markup.lang)
    for text in visible:
        if _NOW.match(text):
            continue
        found = parse_date(text, day_first=day_first)
        if found:
            yield found, found.timed and not found.utc
    found = script_date(markup.scripts)
    if found:
        yield found, not found.utc


# A date in a script's data, under a key that says publication, then one that says
# creation ({"published_at": "2019-03-02T06:22:28+01:00"}, \"createdAt\":\"...\" in a string).
_DATA_VALUE = r"""\\?["']?\s*:\s*\\?["']([^"'\\]{8,40})"""
_PUBLISHED_KEY = re.compile(
    r"""["'](?:date[_-]?published|published[_-]?(?:date|at|on|time)|publish[_-]?(?:date|time|at)|"""
    r"""publication[_-]?date|first[_-]?published(?:[_-]?(?:at|date))?|pub[_-]?date)""" + _DATA_VALUE,
    re.IGNORECASE)
_CREATED_KEY = re.compile(
    r"""["'](?:date[_-]?created|created[_-]?(?:at|date|on)|creation[_-]?date)""" + _DATA_VALUE,
    re.IGNORECASE)


def script_date(scripts: Sequence[str]) -> PageDate | None:
    """The first date a script's data states under a publication key, else under a
    creation key: a page drawn by scripts may state its date nowhere else. A last guess,
    after every date the page shows or marks up."""
    for key in (_PUBLISHED_KEY, _CREATED_KEY):
        for text in scripts:
            for match in key.finditer(text, 0, MAX_SCRIPT_CHARS):
                found = parse_date(match.group(1))
                if found:
                    return found
    return None


def _day_first(lang: str | None) -> bool:
    """Whether a page's numeric dates put the day first: all but (US) English ones."""
    if not lang:
        return False
    parts = re.split(r"[-_]", lang.strip().lower())
    return parts[0] != "en" or (len(parts) > 1 and parts[1] not in ("us", ""))


def shown_date(lines: Sequence[str], lang: str | None = None) -> str | None:
    """The first date among lines shown by the headline: a dateline, a byline with its
    date, a date alone ("Published 5 May 2022", "By Jo | 5 May 2022"), or a date that
    opens a paragraph ("01.02.2022 – The agency said...")."""
    day_first = _day_first(lang)
    for text in lines:
        found = parse_date(text[:SHOWN_DATE_LEAD] if len(text) >= rules.BYLINE_MAX_CHARS else text,
                           short_years=True, day_first=day_first)
        if found is not None:
            return found.day
    return None


#: How far into a long paragraph a date may start and still be its dateline.
SHOWN_DATE_LEAD = 40


def published(markup: Markup, graph: _Graph, url: str | None,
              lines: Sequence[str] = ()) -> str | None:
    """The page's own calendar date of publication.

    The first statement wins, except that a UTC time yields to the first local
    statement when that is one day apart in the direction the time allows: a 23:30
    story in New York is stamped 04:30 the next day in UTC, and its page shows the
    local date. A local statement with a time of day counts only when it tells the
    same moment (its clock a whole time zone from the UTC one): another time is
    another event's, a comment's or an update's.
    """
    candidates = _date_candidates(markup, graph, url, lines)
    first = next(candidates, None)
    if first is None:
        return None
    stated = first[0]
    if not stated.utc or stated.utc_hour is None:
        return stated.day
    for other, local in candidates:
        if not local:
            continue
        shift = (date.fromisoformat(other.day) - date.fromisoformat(stated.day)).days
        if other.clock is not None and stated.clock is not None:
            if _same_moment(shift * 1440 + other.clock - stated.clock):
                return other.day
            continue
        # UTC-12 to UTC+14 are the offsets in use.
        if (shift == -1 and stated.utc_hour < 12) or (shift == 1 and stated.utc_hour >= 10):
            return other.day
        return stated.day
    return stated.day


def _same_moment(offset: int) -> bool:
    """Whether a local clock `offset` minutes from a UTC one can tell the same moment:
    UTC-12 to UTC+14, in whole quarter hours (two minutes either way for rounding)."""
    return -12 * 60 - 2 <= offset <= 14 * 60 + 2 and min(offset % 15, -offset % 15) <= 2


def iso_date(value: str | None) -> str | None:
    """Normalise a date string to YYYY-MM-DD, or None if it does not read as a date."""
    found = parse_date(value)
    return found.day if found else None


def _author(markup: Markup, graph: _Graph, lines: Sequence[str], site: str | None = None) -> str | None:
    """The article's author: JSON-LD, <meta>, or the visible byline.

    A visible byline that names someone else wins over what the markup states (a
    site's CMS account, a default author, the publisher). An organisation named as
    author, or the site's own name, yields to a person named in a visible byline.
    """
    stated = graph.field("author")
    author = stated_name(graph.name(stated))
    fallback = None
    if author and (_organisation(graph, stated) or _is_site(author, site)):
        fallback, author = author, None
    if not author:
        author = stated_name(_first_meta(markup.meta, AUTHOR_META))
        if author and _is_site(author, site):
            fallback, author = fallback or author, None
    marked, written = _visible_authors(markup, lines)
    if author:
        # A byline the reader sees ("By Jane Doe") names the writer better than a
        # CMS account or a default the markup states.
        if written and _full_name(written) and not _same_person(author, written):
            return written
        return author
    return marked or written or fallback


def _visible_authors(markup: Markup, lines: Sequence[str]) -> tuple[str | None, str | None]:
    """The names visible bylines show: in an element marked as the author or classed as
    a byline, and in a short line that opens with "By" (or states a date "by" someone)."""
    marked = next((name for name in (person(text, handles=True)
                                     for text in (*markup.authors, *markup.bylines)) if name), None)
    written = None
    for text in lines:
        if len(text) >= rules.BYLINE_MAX_CHARS:
            continue
        if rules.BYLINE.match(text):
            written = person(text)
        elif rules.DATELINE.match(text) and _DATED_BY.search(text):
            written = person(text[_DATED_BY.search(text).end():])
        if written:
            break
    return marked, written


_PARTICLES = frozenset({"von", "van", "de", "der", "den", "du", "da", "di", "del", "la", "le", "y",
                        "und", "and", "&", "of", "bin", "al", "ten", "zu"})


def _full_name(name: str) -> bool:
    """A first name and a surname or more, each capitalised (particles aside)."""
    words = name.split()
    return 2 <= len(words) <= 5 and all(word[0].isupper() or word.lower() in _PARTICLES
                                        for word in words)


_NAME_WORD = re.compile(r"\w{2,}")


def _same_person(first: str, second: str) -> bool:
    """Whether two statements of an author share a name ("Jane Doe" and "JANE DOE, CNN")."""
    return not set(_NAME_WORD.findall(first.lower())).isdisjoint(_NAME_WORD.findall(second.lower()))


def _is_site(name: str, site: str | None) -> bool:
    """Whether an author is the site itself: its name, or a bare domain."""
    if re.fullmatch(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", name.strip().lower()):
        return True
    return bool(site) and _names(name, site)


def _organisation(graph: _Graph, value) -> bool:
    """Whether a JSON-LD author value names only organisations."""
    values = value if isinstance(value, list) else [value]
    resolved = [graph.resolve(v) for v in values]
    return bool(resolved) and all(isinstance(v, dict) and ORGANIZATION_TYPES & set(json_ld_types(v))
                                  for v in resolved)


def titles(markup: Markup, metadata: Metadata) -> tuple[str, ...]:
    """The article's title as the page states it (settled, og:title, <title>, and the
    parts of each between separators), to find its headline among the blocks."""
    stated = [metadata.title, markup.meta.get(("property", "og:title")), markup.title]
    parts = [part for title in stated if title for part in _TITLE_SEPARATORS.split(title)
             if len(part) >= 15]
    return tuple(title for title in dict.fromkeys([*stated, *parts]) if title)


def strip_site_suffix(title: str, site: str | None) -> str:
    """Drop a site name joined to a <title> by " | ", " - ", " — " and the like.

    With a known site name, any end part naming it goes. Without one, a short last
    part goes (titles end with the site far more often than with a dash clause).
    """
    while True:
        cuts = list(_TITLE_SEPARATORS.finditer(title))
        if not cuts:
            return title
        head, tail = title[:cuts[-1].start()], title[cuts[-1].end():]
        first, rest = title[:cuts[0].start()], title[cuts[0].end():]
        if site and _names(tail, site):
            title = head
        elif site and _names(first, site):
            title = rest
        elif not site and len(tail.split()) <= 4 and len(tail) < len(head):
            return head
        else:
            return title


_TITLE_WORD = re.compile(r"\w+")


def _retells(h1: str, stated: str) -> bool:
    """Whether a page's <h1> tells the title it states elsewhere: most of its words are there."""
    words = _TITLE_WORD.findall(h1.lower())
    told = set(_TITLE_WORD.findall(stated.lower()))
    return bool(words) and sum(word in told for word in words) >= 0.5 * len(words)


def _names(part: str, site: str) -> bool:
    part, site = part.strip().lower(), site.strip().lower()
    return bool(part) and (part in site or site in part)


def extract_metadata(markup: Markup, url: str | None = None,
                     lines: Sequence[str] = ()) -> Metadata:
    """Metadata from <meta>, <link>, JSON-LD, <time>, <h1>, <title> and what readers see.

    `lines` are the page's text blocks in reading order; short ones may be the visible
    byline ("By Jane Doe") or dateline ("Published 20 Nov 2019").
    """
    meta = markup.meta
    graph = _graph(markup.json_ld, markup.json_ld_nested)
    publisher = None
    for item in markup.json_ld:
        if publisher is None and ORGANIZATION_TYPES & set(json_ld_types(item)):
            publisher = graph.name(item)
        if publisher is None and isinstance(item.get("publisher"), dict):
            publisher = graph.name(item["publisher"])

    site = _first_meta(meta, SITE_META) or graph.name(graph.field("publisher")) or publisher

    headline = graph.field("headline")
    stated = _first_meta(meta, TITLE_META) or (_collapse(headline) if isinstance(headline, str)
                                               else None) or markup.title
    title = stated
    if markup.h1 and (not stated or _retells(markup.h1, stated)):
        # The headline the reader sees, when it tells the title the markup states: a
        # shortened og:title or a <title> with a section or a date added yields to it.
        title = markup.h1
    if title:
        title = strip_site_suffix(title, site) or title

    canonical = markup.canonical or _first_meta(meta, URL_META) or url
    language = markup.lang or meta.get(("property", "og:locale")) or meta.get(("name", "language"))
    return Metadata(title=title or None, author=_author(markup, graph, lines, site),
                    published=published(markup, graph, canonical or url, lines),
                    url=canonical, site=site, language=language)
