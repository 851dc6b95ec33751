"""Metadata extraction: one small page per source, and the precedence between sources."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.html import clean_html, parse
from indexer.html.metadata import (collect_markup, extract_metadata, iso_date, person,
                                   strip_site_suffix)
from indexer.models import Metadata


def meta(head: str = "", body: str = "", url: str | None = None, html_attrs: str = "") -> Metadata:
    html = f"<html {html_attrs}><head>{head}</head><body>{body}</body></html>"
    return extract_metadata(collect_markup(parse(html)), url)


def json_ld(obj) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --- title -------------------------------------------------------------------------------

def test_title_from_og_title_first():
    head = '<meta property="og:title" content="Budget talks stall again"><title>Page | Site</title>'
    assert meta(head, "<h1>Latest news</h1>").title == "Budget talks stall again"


def test_visible_headline_that_retells_og_title_wins():
    # A shortened og:title (or a <title> with a section added) yields to the <h1> the
    # reader sees, when that tells the same title.
    head = '<meta property="og:title" content="Brexit: Nervenkrieg geht in nächste Runde">'
    assert meta(head, "<h1>Der Nervenkrieg um den Brexit geht in die nächste Runde</h1>").title == \
        "Der Nervenkrieg um den Brexit geht in die nächste Runde"


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


# --- JSON-LD graphs, bylines and dates readers see ---------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def test_yoast_graph_author_is_resolved_through_its_id():
    # The first article-like node is the WebPage (no author); the Article node's author
    # is a bare {"@id": ...} pointing at a Person elsewhere in the @graph.
    cleaned = clean_html((FIXTURES / "yoast_graph.html").read_text(encoding="utf-8"))
    assert cleaned.metadata.author == "Rachel Lin"
    assert cleaned.metadata.site == "Example Health"
    # The Article's local date (22:15 in New York), not the WebPage's UTC stamp.
    assert cleaned.metadata.published == "2019-11-19"


@pytest.mark.parametrize("kind", ["NewsArticle", "BlogPosting", "MedicalWebPage", "ReportageNewsArticle",
                                  "http://schema.org/TechArticle"])
def test_author_of_any_article_type(kind):
    assert meta(json_ld({"@type": kind, "author": {"@type": "Person", "name": "Ada"}})).author == "Ada"


def test_author_from_a_later_json_ld_item():
    head = (json_ld({"@type": "WebPage", "name": "Page"})
            + json_ld({"@type": "NewsArticle", "author": "Ada Lovelace"}))
    assert meta(head).author == "Ada Lovelace"


def test_article_nested_in_another_item_ranks_after_top_level_ones():
    ld = json_ld({"@type": "ClaimReview", "author": {"@type": "Organization", "name": "Checkers"},
                  "itemReviewed": {"@type": "CreativeWork",
                                   "author": {"@type": "Person", "name": "Claimant"}}})
    assert meta(ld).author == "Checkers"


@pytest.mark.parametrize("body, expected", [
    ('<p class="byline">By <a href="/staff/ada">Ada Lovelace</a> | Nov 20, 2019</p>', "Ada Lovelace"),
    ('<span itemprop="author">Grace Hopper</span>', "Grace Hopper"),
    ('<a rel="author" href="/a">Alan Turing</a>', "Alan Turing"),
    ('<div class="article-byline"><span class="byline__by">By</span>'
     '<span class="byline__author">Carrie Arnold</span></div>', "Carrie Arnold"),
    ('<div class="author-wrapper">Associated Press November 19, 2019, 9:02 AM</div>',
     "Associated Press"),
])
def test_author_from_visible_byline(body, expected):
    assert meta(body=body).author == expected


def test_byline_only_as_a_line_of_text():
    html = ("<html><body><article><h1>Title</h1><p>By Sherif Saed, Wednesday, 20 November 2019"
            "</p><p>The article's first paragraph is long enough to be prose for the cleaner.</p>"
            "</article></body></html>")
    assert clean_html(html).metadata.author == "Sherif Saed"
    assert clean_html(html).metadata.published == "2019-11-20"


def test_comment_form_label_is_not_a_byline():
    assert meta(body='<p class="comment-form-author"><label>Name *</label></p>').author is None


def test_organisation_author_yields_to_a_visible_person():
    ld = json_ld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Sky"}})
    assert meta(ld, '<p class="byline">By Tom Gillespie</p>').author == "Tom Gillespie"
    assert meta(ld).author == "Sky"


def test_date_only_in_the_url():
    assert meta(url="https://news.example/2019/11/20/story-title/").published == "2019-11-20"
    assert meta(url="https://news.example/story-2019-11-20").published is None


def test_date_in_the_visible_dateline():
    body = '<div class="article-date">Published 11:11 PM EST Nov 19, 2019</div>'
    assert meta(body=body).published == "2019-11-19"


@pytest.mark.parametrize("raw, expected", [
    ("20 Nov 2019 08:02 GMT", "2019-11-20"),
    ("Wed, 20 Nov 2019 08:02:00 +0000", "2019-11-20"),
    ("01:38:07 PM IST Nov 20, 2019", "2019-11-20"),
    ("November 20 15:23 2019", "2019-11-20"),
    ("Monday, November 18th, 2019", "2019-11-18"),
    ("20.11.2019", "2019-11-20"),
    ("20191120", "2019-11-20"),
])
def test_non_iso_dates(raw, expected):
    assert iso_date(raw) == expected
    assert meta(f'<meta property="article:published_time" content="{raw}">').published == expected


def test_local_evening_time_keeps_its_local_date():
    # 22:30 in New York is 03:30 the next day in UTC; the page's own date is the 19th.
    head = json_ld({"@type": "NewsArticle", "datePublished": "2019-11-19T22:30:00-05:00"})
    assert meta(head).published == "2019-11-19"


def test_utc_stamp_yields_to_the_local_dateline_one_day_earlier():
    head = '<meta property="article:published_time" content="2019-11-20T04:26:47Z">'
    body = '<div class="timestamp">Published 11:26 pm EST, Tuesday, November 19, 2019</div>'
    assert meta(head, body).published == "2019-11-19"


def test_utc_stamp_keeps_its_date_against_a_comment_the_next_day():
    # 21:30 UTC is 14:30 in California; a comment at 9:35 the next morning is another
    # moment (its clock is no time zone away from the stamp), not the story's local date.
    head = '<meta property="article:published_time" content="2020-08-14T21:30:04+00:00">'
    body = ('<article><p>By Evan Symon, August 14, 2020 2:30 pm</p></article><ol class="comments">'
            '<li><time datetime="2020-08-15T09:35:53-07:00">August 15, 2020 at 9:35 am</time></li></ol>')
    assert meta(head, body).published == "2020-08-14"
    later = body.replace("2:30 pm", "").replace("August 14, 2020", "")
    assert meta(head, later).published == "2020-08-14"


def test_utc_stamp_keeps_its_date_against_an_undated_masthead():
    # "Wednesday, November 20, 2019" at the top of a page is today's date, not the story's.
    head = '<meta property="article:published_time" content="2019-11-19T00:04:00Z">'
    body = '<div class="date">Wednesday, November 20, 2019</div>'
    assert meta(head, body).published == "2019-11-19"


@pytest.mark.parametrize("raw, expected", [
    ("By Jane Doe | Nov 20, 2019", "Jane Doe"),
    ("by Jane Doe and John Roe, Staff Writers", "Jane Doe and John Roe"),
    ("Written by: Ana Swanson on November 18", "Ana Swanson"),
    ("By Carrie Arnold November 15, 2019", "Carrie Arnold"),
    ("by ライトハウス国際特許事務所 ／ 2016.12.01", "ライトハウス国際特許事務所"),
    ("Author", None),
    ("by the way, this is a sentence and not a name at all in any reading", None),
    ("https://example.com/staff/ada", None),
])
def test_person_from_byline_text(raw, expected):
    assert person(raw) == expected


# --- authors that are not names, and bylines the reader sees ------------------------------

ARTICLE_TEXT = ("<p>The committee met on Tuesday to review the proposal, and after a long discussion "
                "it agreed to publish its findings before the end of the month.</p>")


@pytest.mark.parametrize("head, body", [
    ('<meta name="author" content="Гость">', ""),
    ('<meta name="author" content="Guest">', ""),
    ("", '<p class="author">admin</p>'),
    ("", '<div class="site-byline">Powered by WordPress.com VIP</div>'),
    ('<meta name="author" content="Jane Doe is a writer based in Berlin who covers science '
     'and technology for several magazines.">', ""),
    ("", '<span class="author">Autor:</span>'),
    ("", '<p class="byline">Bild: S. Lafrentz</p>'),
])
def test_no_author_from_labels_footers_guests_or_bios(head, body):
    assert meta(head, body + ARTICLE_TEXT).author is None


def test_visible_byline_wins_over_a_meta_author_it_disagrees_with():
    html = ("<html><head><meta name='author' content='Web Desk'></head><body><article>"
            f"<h1>Budget talks stall</h1><p>By Maria Gonzalez and Tom Baker</p>{ARTICLE_TEXT}"
            "</article></body></html>")
    assert clean_html(html).metadata.author == "Maria Gonzalez and Tom Baker"


def test_meta_author_the_byline_agrees_with_stays():
    html = ("<html><head><meta name='author' content='Maria Gonzalez'></head><body><article>"
            f"<p>By MARIA GONZALEZ, Staff Writer</p>{ARTICLE_TEXT}</article></body></html>")
    assert clean_html(html).metadata.author == "Maria Gonzalez"


def test_the_site_itself_as_author_yields_to_the_byline():
    head = ('<meta property="og:site_name" content="Island News">'
            '<meta name="author" content="Island News">')
    assert meta(head, '<p class="byline">Von Jo Marsh</p>').author == "Jo Marsh"


def test_author_after_the_date_in_a_dateline():
    html = ("<html><body><article><h1>Clinic hours</h1><p>Updated 2 June 2023 by Dr. Sam Patel</p>"
            f"{ARTICLE_TEXT}</article></body></html>")
    cleaned = clean_html(html)
    assert cleaned.metadata.author == "Dr. Sam Patel" and cleaned.metadata.published == "2023-06-02"


@pytest.mark.parametrize("raw, expected", [
    ("Von Cosima Künzel", "Cosima Künzel"),
    ("Post author By Helge Fahrnberger", "Helge Fahrnberger"),
    ("View all posts by Daniel Lemire", "Daniel Lemire"),
    ("von anderen Ländern", None),  # running text, not a byline
])
def test_byline_openers_in_several_languages(raw, expected):
    assert person(raw) == expected


def test_forum_poster_from_the_post_header():
    # A user name in lower case counts from an element marked as the author, cut at "»".
    body = ('<p class="author">Post by <a href="/u/1">crumbwatcher</a> » Mon Jan 08, 2018 9:12 am</p>'
            + ARTICLE_TEXT)
    assert meta(body=body).author == "crumbwatcher"


# --- dates as the page shows them ------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("Samstag, 5. Oktober 2013", "2013-10-05"),
    ("Lübeck, 31. März 2003", "2003-03-31"),
    ("jeudi 13 juin 2019, par Attac", "2019-06-13"),
    ("5 de mayo de 2022", "2022-05-05"),
    ("3 de maio de 2022", "2022-05-03"),
])
def test_dates_with_month_names_in_other_languages(raw, expected):
    assert iso_date(raw) == expected


def test_date_shown_by_the_headline_without_a_time():
    html = ("<html><head><title>Anzahl zugelassener Parteien | Magazin</title></head><body>"
            "<p>Heute ist Mittwoch</p><h1>Anzahl zugelassener Parteien</h1><p>26.10.23</p>"
            f"{ARTICLE_TEXT}</body></html>")
    assert clean_html(html).metadata.published == "2023-10-26"


def test_numeric_dates_are_day_first_outside_us_english():
    body = '<span class="time">02/10/2020</span>'
    assert meta(body=body, html_attrs='lang="en-GB"').published == "2020-10-02"
    assert meta(body=body, html_attrs='lang="en-US"').published == "2020-02-10"


def test_date_opening_a_paragraph_below_the_headline():
    html = ("<html lang='de'><head><title>Arbeitsmarkt 2022</title></head><body><h1>Arbeitsmarkt 2022</h1>"
            "<p>01.02.2022 „Der Arbeitsmarkt ist gut in das Jahr 2022 gestartet“, sagte der Vorstand "
            "am Dienstag in Nürnberg.</p></body></html>")
    assert clean_html(html).metadata.published == "2022-02-01"


def test_a_date_only_a_script_states_is_the_last_guess():
    blob = ('<script>window.__STATE__ = {"product": {"title": "Sidamo", '
            '"published_at": "2019-03-02T06:22:28+01:00", "created_at": "2019-03-01T06:27:24+01:00"}};'
            '</script>')
    assert meta(body=blob + "<p>Coffee from Ethiopia.</p>").published == "2019-03-02"
    escaped = '<script>var s = "{\\"createdAt\\":\\"2022-01-31T15:58:43+01:00\\"}";</script>'
    assert meta(body=escaped).published == "2022-01-31"
    # Any date the page marks up or shows comes first; other keys are no publication.
    assert meta('<meta property="article:published_time" content="2020-05-05">', blob).published \
        == "2020-05-05"
    assert meta(body='<script type="application/json">{"startDate": "2020-06-30"}</script>').published is None


def test_a_comments_time_stamp_is_no_date_of_the_article():
    body = ('<article><h1>Quests and NPCs</h1><p>A long guide to the mountain quests.</p></article>'
            '<ol class="commentlist"><li><div class="comment-meta commentmetadata">'
            '<a href="#c1">26.05.2008, 21:07</a></div><p>Thanks!</p></li></ol>'
            '<footer><div class="footer-date">01.01.2013</div></footer>')
    assert meta(body=body).published is None


@pytest.mark.parametrize("now", ["Aktuelle Zeit: 14.10.2020, 12:18", "It is currently Wed Oct 14, 2020 12:18 pm"])
def test_the_clock_of_the_visit_is_no_date_of_the_page(now):
    body = f'<div class="datetime">{now}</div><div class="post"><p>Was ist freie Software?</p></div>'
    assert meta(body=body).published is None


def test_a_time_stamp_line_dates_the_page_unless_labelled_otherwise():
    post = ('<div class="profile"><p>Registriert: 18.09.2008, 05:56</p></div>'
            '<div class="post"><p>Beitrag von r23 » 21.01.2009, 05:42</p><p>Was ist freie Software?</p></div>')
    assert clean_html(f"<html><body>{post}</body></html>").metadata.published == "2009-01-21"
    news = '<table><tr><td><font>新华网河北频道 ( 2012-06-04 09:20:26 )</font></td></tr></table><p>河北</p>'
    assert clean_html(f"<html><body>{news}</body></html>").metadata.published == "2012-06-04"
    clock = "<p>Samstag, 2016-10-08, 0:26 AM Willkommen Gast | RSS</p><p>Briefe aus dem Archiv.</p>"
    assert clean_html(f"<html><body>{clock}</body></html>").metadata.published is None
