"""Read an article's metadata (title, author, date, URL, site, language) from a parsed page.

Kept apart from main-content extraction, as trafilatura does: metadata comes from
<head> markup and JSON-LD, which say what the page is about in a machine-readable
way, and is settled before the body is looked at. Each field is taken from the
first source in its list that has a usable value.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Mapping

from bs4 import BeautifulSoup, Tag

from ..models import Metadata

# Sources for each field, best first. Values are (attribute, name) of <meta> tags.
TITLE_META = (("property", "og:title"), ("name", "twitter:title"), ("name", "title"))
AUTHOR_META = (("name", "author"), ("property", "article:author"), ("name", "byl"),
               ("name", "sailthru.author"), ("name", "parsely-author"), ("name", "dc.creator"))
DATE_META = (("property", "article:published_time"), ("name", "article:published_time"),
             ("itemprop", "datePublished"), ("name", "pubdate"), ("name", "publishdate"),
             ("name", "date"), ("name", "dc.date"), ("name", "dc.date.issued"),
             ("name", "parsely-pub-date"), ("name", "sailthru.date"),
             ("property", "og:published_time"))
URL_META = (("property", "og:url"),)
SITE_META = (("property", "og:site_name"), ("name", "application-name"))

#: JSON-LD @type values that describe an article page.
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "techarticle",
    "scholarlyarticle", "webpage", "socialmediaposting", "liveblogposting", "report",
})

# " | Site", " - Site", " — Site", " :: Site" at the end of a <title>.
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|·|•)\s+")
_BY = re.compile(r"^by\s+", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _collapse(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Markup:
    """The parts of a page that state metadata, gathered in one pass over the tree."""

    #: First content of each (attribute, lowercased name) among the <meta> tags,
    #: attribute being property, name or itemprop.
    meta: Mapping[tuple[str, str], str]
    #: Every JSON-LD object, @graph members included, in page order.
    json_ld: tuple[dict, ...]
    canonical: str | None
    #: Text of <title>, of the first <h1>, and the first <time datetime>.
    title: str | None
    h1: str | None
    time: str | None
    #: The <html lang> attribute.
    lang: str | None

    @property
    def article_body(self) -> str | None:
        """The articleBody the page states in its JSON-LD, if any."""
        for item in self.json_ld:
            body = item.get("articleBody")
            if isinstance(body, str) and body.strip():
                return body
        return None


_MARKUP_TAGS = frozenset({"meta", "link", "script", "title", "h1", "time", "html"})


def collect_markup(soup: BeautifulSoup) -> Markup:
    """Gather the metadata-bearing tags of a page in one walk (head and body alike).

    One walk instead of a find_all per source: bs4's searches each rescan the
    whole tree, and pages put <meta> and JSON-LD in the body too.
    """
    meta: dict[tuple[str, str], str] = {}
    json_ld: list[dict] = []
    canonical = title = h1 = time = lang = None
    for node in soup.descendants:
        if type(node) is not Tag or node.name not in _MARKUP_TAGS:
            continue
        name, attrs = node.name, node.attrs
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
                json_ld.extend(_json_ld_objects(node.get_text()))
        elif name == "title":
            title = title or _collapse(node.get_text(" ")) or None
        elif name == "h1":
            h1 = h1 or _collapse(node.get_text(" ")) or None
        elif name == "time":
            stamp = attrs.get("datetime")
            if time is None and isinstance(stamp, str) and stamp.strip():
                time = stamp.strip()
        elif name == "html" and lang is None:
            value = attrs.get("lang") or attrs.get("xml:lang")
            lang = value.strip() if isinstance(value, str) and value.strip() else None
    return Markup(meta, tuple(json_ld), canonical, title, h1, time, lang)


def _first_meta(index: dict[tuple[str, str], str], sources) -> str | None:
    for attribute, name in sources:
        value = index.get((attribute, name.lower()))
        if value:
            return value
    return None


def _json_ld_objects(text: str) -> Iterator[dict]:
    """Every JSON object in one JSON-LD script, @graph members included."""
    try:
        data = json.loads(text or "null", strict=False)
    except ValueError:
        return  # broken JSON-LD is common; the other sources still count
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(reversed(item))
        elif isinstance(item, dict):
            if isinstance(item.get("@graph"), list):
                pending.extend(reversed(item["@graph"]))
            yield item


def _types(item: dict) -> set[str]:
    kinds = item.get("@type")
    if isinstance(kinds, str):
        kinds = [kinds]
    return {k.lower() for k in kinds if isinstance(k, str)} if isinstance(kinds, list) else set()


def _name(value) -> str | None:
    """A person's or organisation's name from a JSON-LD value (string, object or list)."""
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip():
        return _collapse(value)
    return None


def iso_date(value: str | None) -> str | None:
    """Normalise a date string to YYYY-MM-DD, or None if it does not read as a date."""
    if not value:
        return None
    value = value.strip()
    match = _ISO_DATE.search(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        if year < 1900:
            return None  # "0001-01-01" and the like are CMS placeholders, not dates
        try:
            return datetime(year, month, day).date().isoformat()
        except ValueError:
            return None
    for layout in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%Y%m%d",
                   "%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %Z"):
        try:
            return datetime.strptime(value, layout).date().isoformat()
        except ValueError:
            continue
    return None


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


def _names(part: str, site: str) -> bool:
    part, site = part.strip().lower(), site.strip().lower()
    return bool(part) and (part in site or site in part)


def extract_metadata(markup: Markup, url: str | None = None) -> Metadata:
    """Metadata from <meta>, <link>, JSON-LD, <time>, <h1> and <title>, best source first."""
    meta = markup.meta
    article: dict = {}
    publisher = None
    for item in markup.json_ld:
        kinds = _types(item)
        if kinds & ARTICLE_TYPES and not article:
            article = item
        if publisher is None and ("organization" in kinds or "newsmediaorganization" in kinds):
            publisher = _name(item)
        if publisher is None and isinstance(item.get("publisher"), dict):
            publisher = _name(item["publisher"])

    site = _first_meta(meta, SITE_META) or _name(article.get("publisher")) or publisher

    title = _first_meta(meta, TITLE_META) or _name(article.get("headline")) or markup.h1 \
        or markup.title
    if title:
        title = strip_site_suffix(title, site) or title

    author = _name(article.get("author")) or _first_meta(meta, AUTHOR_META)
    if author and author.startswith(("http://", "https://")):
        author = None  # article:author is often a profile URL, not a name
    elif author:
        author = _BY.sub("", author) or None

    published = iso_date(_first_meta(meta, DATE_META))
    if not published and isinstance(article.get("datePublished"), str):
        published = iso_date(article["datePublished"])
    if not published:
        published = iso_date(markup.time)

    canonical = markup.canonical or _first_meta(meta, URL_META) or url
    language = markup.lang or meta.get(("property", "og:locale")) or meta.get(("name", "language"))
    return Metadata(title=title or None, author=author, published=published, url=canonical,
                    site=site, language=language)
