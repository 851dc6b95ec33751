"""Author, date and title from a plain-text page: bylines, datelines, the headline above the article."""
from __future__ import annotations

import pytest

from indexer.text import clean_text
from indexer.text.dates import parse_date
from indexer.text.meta import byline_author

ARTICLE = [
    "CAIRO - The ministry said on Wednesday that the new rules for the old market will come into force next "
    "month, after two years of talks with the traders who have kept their stalls there for generations.",
    "Traders said they were glad that the talks were over, but some of them worried that the rents in the new "
    "halls would be too high for the small family firms that sell spices, cloth and brass.",
    "The market, one of the oldest in the city, draws thousands of visitors a day, and the ministry hopes that "
    "the new halls will bring even more of them in the years to come.",
]
MENU = ["Home", "Egypt", "World", "Business", "Sport", "Opinion"]


def page(*head: str) -> str:
    return "\n".join([*MENU, *head, *ARTICLE, "Share this", "© 2019 Example News"]) + "\n"


@pytest.mark.parametrize("line, author", [
    ("By Sherif Saed, Wednesday, 20 November 2019 08:05 GMT", "Sherif Saed"),
    ("Posted by Michael David Smith on November 19, 2019, 6:21 AM EST", "Michael David Smith"),
    ("By Troy L. Smith, Cleveland.com", "Troy L. Smith"),
    ("By Justine Coleman - 11/18/19 11:04 PM EST", "Justine Coleman"),
    ("Written by Ana de la Cruz", "Ana de la Cruz"),
    ("Author: Jane Doe", "Jane Doe"),
    ("Posted on November 19, 2019 by Jane Doe", "Jane Doe"),
    ("Veröffentlicht am 13. März 2019 von Anna Berger", "Anna Berger"),
    ("Publié le 3 mars 2020 à 10:15 par Jean Dupont", "Jean Dupont"),
    ("March 3, 2020 by the way", None),
    ("By combining these changes you can manage it", None),
    ("by the way, nothing here", None),
])
def test_byline_author(line, author):
    assert byline_author(line) == author


@pytest.mark.parametrize("text, date", [
    ("Wednesday, 20 November 2019 08:05 GMT", "2019-11-20"),
    ("19 NOV 2019", "2019-11-19"),
    ("Nov. 18, 2019 7:04 pm ET", "2019-11-18"),
    ("PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019", "2019-11-19"),
    ("2019-11-20T08:05:00+02:00", "2019-11-20"),
    ("11/20/2019 01:14 PM", "2019-11-20"),
    ("20.11.2019", "2019-11-20"),
    ("31/12/2019", "2019-12-31"),
    ("February 30, 2019", None),
    ("Updated Nov 19, 6:55 AM", None),
])
def test_parse_date(text, date):
    assert parse_date(text) == date


def test_byline_gives_author_and_date_and_is_not_text():
    cleaned = clean_text(page("Traders welcome new market rules",
                              "By Sherif Saed, Wednesday, 20 November 2019 08:05 GMT"))
    assert cleaned.metadata.author == "Sherif Saed"
    assert cleaned.metadata.published == "2019-11-20"
    assert cleaned.metadata.title == "Traders welcome new market rules"
    assert [block.text for block in cleaned.blocks] == ARTICLE


def test_a_blogs_date_then_author_line_gives_both_and_is_not_text():
    cleaned = clean_text(page("Traders welcome new market rules", "Veröffentlicht am 20. November 2019 von Anna Berger"))
    assert (cleaned.metadata.author, cleaned.metadata.published) == ("Anna Berger", "2019-11-20")
    assert [block.text for block in cleaned.blocks] == ARTICLE


def test_dateline_is_the_pages_own_calendar_date():
    # A late-evening local time stays on its own day: no conversion to UTC.
    cleaned = clean_text(page("Traders welcome new market rules", "By Jane Doe", "November 19, 2019 11:40 PM EST"))
    assert (cleaned.metadata.author, cleaned.metadata.published) == ("Jane Doe", "2019-11-19")
    assert [block.text for block in cleaned.blocks] == ARTICLE


def test_headline_is_not_a_photo_credit_or_a_section_label():
    cleaned = clean_text(page("Traders welcome new market rules for the old market", "Photo: Getty Images",
                              "BUSINESS"))
    assert cleaned.metadata.title == "Traders welcome new market rules for the old market"


def test_dates_in_a_headline_list_above_are_not_the_pages():
    teasers = ["Older story about something else", "By Someone Else", "March 3, 2018"]
    cleaned = clean_text(page(*teasers, "Traders welcome new market rules", "November 20, 2019"))
    assert cleaned.metadata.published == "2019-11-20"
    assert cleaned.metadata.author is None or cleaned.metadata.author == "Someone Else"


WIKI = """\
Jump to content
Main menu
Search
Log in

Lake Orrin (Vermont)

Article
Talk
Read
Edit
From Wikipedia, the free encyclopedia

Lake Orrin
The lake from the north shore
Location\tOrleans County, Vermont
Type\tGlacial lake
Primary inflows\tOrrin Brook
Basin countries\tUnited States
Surface area\t3.1 km2 (1.2 sq mi)
Max. depth\t41 m (135 ft)
Settlements\tWestmore, Barton
Designated\tMay 5, 1976

Lake Orrin is a glacial lake in Orleans County, Vermont, in the United States. It lies between the towns of Westmore and Barton and drains north through Orrin Brook.

The lake is known for its clear water and its cold depths, which hold lake trout and landlocked salmon, and for the steep cliffs that rise from its eastern shore.

See also
List of lakes of Vermont
This page was last edited on 2 May 2023, at 09:41 (UTC).
Privacy policy
"""


def test_a_wiki_pages_title_is_its_headline_not_an_infobox_row():
    # The infobox between the title and the lead is a table: it counts as one line of the
    # window the headline is looked for in, and none of its rows is a headline.
    cleaned = clean_text(WIKI)
    assert cleaned.metadata.title == "Lake Orrin (Vermont)"
    assert cleaned.blocks[0].text.startswith("Lake Orrin is a glacial lake")


def test_by_lines_one_under_another_are_a_menu_not_bylines():
    cleaned = clean_text(page("Recipes", "By Course", "By Cuisine", "By Occasion", "Traders welcome new market rules"))
    assert cleaned.metadata.author is None
    assert [block.text for block in cleaned.blocks] == ARTICLE
