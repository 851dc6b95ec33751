"""Read an article's metadata (title, author, date, URL, site, language) from a parsed page.

Kept apart from main-content extraction, as trafilatura does: metadata comes from
<head> markup and JSON-LD, which say what the page is about in a machine-readable
way, and is settled before the body is looked at. Each field is taken from the
first source in its list that has a usable value.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Iterator

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
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _meta_index(soup: BeautifulSoup) -> dict[tuple[str, str], str]:
    """First content of each (attribute, lowercased name) among the page's <meta> tags."""
    index: dict[tuple[str, str], str] = {}
    for meta in soup.find_all("meta"):
        content = meta.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            name = meta.get(attribute)
            if isinstance(name, str):
                index.setdefault((attribute, name.strip().lower()), _collapse(content))
    return index


def _first_meta(index: dict[tuple[str, str], str], sources) -> str | None:
    for attribute, name in sources:
        value = index.get((attribute, name.lower()))
        if value:
            return value
    return None


def _json_ld_objects(soup: BeautifulSoup) -> Iterator[dict]:
    """Every JSON object in the page's JSON-LD scripts, @graph members included."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.get_text() or "null", strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the other sources still count
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


def extract_metadata(soup: BeautifulSoup, url: str | None = None) -> Metadata:
    """Metadata from <meta>, <link>, JSON-LD, <time>, <h1> and <title>, best source first."""
    meta = _meta_index(soup)
    article: dict = {}
    publisher = None
    for item in _json_ld_objects(soup):
        kinds = _types(item)
        if kinds & ARTICLE_TYPES and not article:
            article = item
        if publisher is None and ("organization" in kinds or "newsmediaorganization" in kinds):
            publisher = _name(item)
        if publisher is None and isinstance(item.get("publisher"), dict):
            publisher = _name(item["publisher"])

    site = _first_meta(meta, SITE_META) or _name(article.get("publisher")) or publisher

    title = _first_meta(meta, TITLE_META) or _name(article.get("headline"))
    if not title:
        h1 = soup.find("h1")
        title = _collapse(h1.get_text(" ")) if h1 else None
    if not title and soup.title and soup.title.string:
        title = _collapse(soup.title.string)
    if title:
        title = strip_site_suffix(title, site) or title

    author = _name(article.get("author")) or _first_meta(meta, AUTHOR_META)
    if author and author.startswith(("http://", "https://")):
        author = None  # article:author is often a profile URL, not a name

    published = iso_date(_first_meta(meta, DATE_META))
    if not published and isinstance(article.get("datePublished"), str):
        published = iso_date(article["datePublished"])
    if not published:
        time = soup.find("time", datetime=True)
        published = iso_date(time["datetime"]) if isinstance(time, Tag) else None

    canonical = None
    for link in soup.find_all("link", href=True):
        rel = link.get("rel")
        rels = rel.split() if isinstance(rel, str) else (rel or [])
        if "canonical" in (r.lower() for r in rels) and link["href"].strip():
            canonical = link["href"].strip()
            break
    canonical = canonical or _first_meta(meta, URL_META) or url

    language = None
    html = soup.find("html")
    if isinstance(html, Tag):
        lang = html.get("lang") or html.get("xml:lang")
        if isinstance(lang, str) and lang.strip():
            language = lang.strip()
    if not language:
        language = meta.get(("property", "og:locale")) or meta.get(("name", "language"))

    return Metadata(title=title or None, author=author, published=published, url=canonical,
                    site=site, language=language)


def json_ld_article_body(soup: BeautifulSoup) -> str | None:
    """The articleBody a page states in its JSON-LD, if any."""
    for item in _json_ld_objects(soup):
        body = item.get("articleBody")
        if isinstance(body, str) and body.strip():
            return body
    return None
