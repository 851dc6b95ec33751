"""Metadata extraction: one small page per source, and the precedence between sources."""
from __future__ import annotations

import json

import pytest

from indexer.html import clean_html, parse
from indexer.html.metadata import collect_markup, extract_metadata, iso_date, strip_site_suffix
from indexer.models import Metadata


def meta(head: str = "", body: str = "", url: str | None = None, html_attrs: str = "") -> Metadata:
    html = f"<html {html_attrs}><head>{head}</head><body>{body}</body></html>"
    return extract_metadata(collect_markup(parse(html)), url)


def json_ld(obj) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --- title -------------------------------------------------------------------------------

def test_title_from_og_title_first():
    head = '<meta property="og:title" content="OG Title"><title>Page Title | Site</title>'
    assert meta(head, "<h1>H1 Title</h1>").title == "OG Title"


def test_title_from_h1_before_title_tag():
    assert meta("<title>Page Title | Site</title>", "<h1>H1 <em>Title</em></h1>").title == "H1 Title"


def test_title_from_title_tag_without_site_suffix():
    assert meta("<title>Budget talks stall again | The Daily Example</title>").title == \
        "Budget talks stall again"


@pytest.mark.parametrize("raw, site, expected", [
    ("Budget talks stall | Example News", "Example News", "Budget talks stall"),
    ("Budget talks stall - Example News", None, "Budget talks stall"),
    ("Budget talks stall — Example", None, "Budget talks stall"),
    ("Example News: Budget talks stall", None, "Example News: Budget talks stall"),
    ("Example News | Budget talks stall", "Example News", "Budget talks stall"),
    ("Spider-Man - a review of the new film", None, "Spider-Man - a review of the new film"),
    ("Budget talks stall", "Example", "Budget talks stall"),
])
def test_strip_site_suffix(raw, site, expected):
    assert strip_site_suffix(raw, site) == expected


def test_title_from_json_ld_headline():
    assert meta(json_ld({"@type": "NewsArticle", "headline": "LD Headline"})).title == "LD Headline"


# --- author --------------------------------------------------------------------------------

def test_author_from_meta():
    assert meta('<meta name="author" content="Ada Lovelace">').author == "Ada Lovelace"


def test_author_from_json_ld_wins_and_joins_several():
    ld = json_ld({"@type": "NewsArticle",
                  "author": [{"@type": "Person", "name": "Ada"}, {"@type": "Person", "name": "Bo"}]})
    assert meta(ld + '<meta name="author" content="Desk">').author == "Ada, Bo"


def test_author_loses_by_prefix():
    assert meta('<meta name="byl" content="By Ada Lovelace">').author == "Ada Lovelace"


def test_author_profile_url_is_not_a_name():
    assert meta('<meta property="article:author" content="https://x.example/ada">').author is None


# --- published date -------------------------------------------------------------------------

def test_published_from_meta_is_iso_date():
    head = '<meta property="article:published_time" content="2019-11-18T23:30:00+00:00">'
    assert meta(head).published == "2019-11-18"


def test_published_from_json_ld():
    assert meta(json_ld({"@type": "BlogPosting", "datePublished": "2020-02-29"})).published == \
        "2020-02-29"


def test_published_from_time_element():
    assert meta(body='<p>Posted <time datetime="2018-07-04T10:00">July 4</time></p>').published == \
        "2018-07-04"


@pytest.mark.parametrize("raw, expected", [
    ("2019-11-18T23:30:00Z", "2019-11-18"),
    ("November 18, 2019", "2019-11-18"),
    ("18 Nov 2019", "2019-11-18"),
    ("2019/11/18", "2019-11-18"),
    ("2019-02-30", None),
    ("0001-01-01T00:00:00Z", None),
    ("yesterday", None),
    ("", None),
])
def test_iso_date(raw, expected):
    assert iso_date(raw) == expected


# --- url, site, language --------------------------------------------------------------------

def test_url_from_canonical_link():
    head = ('<link rel="canonical" href="https://a.example/story">'
            '<meta property="og:url" content="https://a.example/og">')
    assert meta(head, url="file:///saved.html").url == "https://a.example/story"


def test_url_from_og_url():
    assert meta('<meta property="og:url" content="https://a.example/og">').url == \
        "https://a.example/og"


def test_url_falls_back_to_given():
    assert meta(url="https://given.example/").url == "https://given.example/"


def test_site_from_og_site_name():
    assert meta('<meta property="og:site_name" content="Example News">').site == "Example News"


def test_site_from_json_ld_publisher():
    ld = json_ld({"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "H", "publisher": {"@type": "Organization",
                                                                 "name": "Graph Times"}}]})
    assert meta(ld).site == "Graph Times"


def test_language_from_html_lang():
    assert meta(html_attrs='lang="pt-BR"').language == "pt-BR"


def test_language_from_og_locale():
    assert meta('<meta property="og:locale" content="en_GB">').language == "en_GB"


# --- robustness --------------------------------------------------------------------------------

def test_broken_json_ld_is_ignored():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
            '<meta property="og:title" content="Still Here">')
    assert meta(head).title == "Still Here"


def test_empty_page_has_empty_metadata():
    assert meta() == Metadata()


def test_clean_html_carries_metadata():
    html = ('<html lang="en"><head><meta property="og:title" content="T">'
            '<meta property="og:site_name" content="S"></head><body><p>Body text.</p></body></html>')
    cleaned = clean_html(html, "https://s.example/t")
    assert cleaned.metadata == Metadata(title="T", url="https://s.example/t", site="S",
                                        language="en")
