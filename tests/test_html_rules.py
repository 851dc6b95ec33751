"""The generalising extraction rules, each on a small page written for it.

Teaser lists by shape, hidden text, calls to action closing an article, the article
chosen over a nested box, and prose kept beside an inline link box.
"""
from __future__ import annotations

import pytest

from indexer.html import clean_html

PROSE = ("The committee met on Tuesday to review the proposal, and after a long discussion "
         "it agreed to publish its findings before the end of the month.")
MORE = ("Members said the delay had cost the town a season of repairs, and the chair promised "
        "a timetable for the work once the budget for next year is settled.")


def page(body: str) -> str:
    return f"<html><head><title>T</title></head><body>{body}</body></html>"


def text(html: str) -> str:
    return "\n".join(block.text for block in clean_html(html).blocks)


def article(extra: str = "", after: str = "") -> str:
    return page(f"<div><p>{PROSE}</p><p>{MORE}</p>{extra}<p>{PROSE} Again.</p></div>{after}")


# --- teaser lists, recognised by shape ------------------------------------------------------

CARDS = "".join(
    f"<div><h3><a href='/s{i}'>Headline number {i} about the town budget</a></h3>"
    f"<p>A one-line blurb for story {i}.</p><span>Nov {i}, 2019</span></div>" for i in range(1, 5))


def test_story_feed_with_unnamed_classes_is_dropped():
    # No class says "related": the repeated unit (linked headline, blurb, date) does.
    html = article(after=f"<div class='x9'>{CARDS}</div>")
    out = text(html)
    assert PROSE in out and "Headline number" not in out and "blurb" not in out


def test_list_of_partly_linked_story_titles_is_dropped():
    items = "".join(f"<li>The strange life and <a href='/s{i}'>mysterious death number {i}</a></li>"
                    for i in range(5))
    out = text(article(after=f"<div class='c1'><ul>{items}</ul></div>"))
    assert "mysterious death" not in out and MORE in out


def test_article_list_with_a_few_links_is_kept():
    items = "".join(f"<li>Step {i}: check the valve and note the reading on the gauge before "
                    f"you turn it, as <a href='/guide'>the guide</a> says.</li>" for i in range(4))
    out = text(page(f"<article><p>{PROSE}</p><ul>{items}</ul><p>{MORE}</p></article>"))
    assert "Step 3: check the valve" in out


def test_inline_related_box_does_not_drop_neighbouring_prose():
    box = ("<div><h4>Related</h4><ul>" + "".join(f"<li><a href='/r{i}'>Related story {i}</a></li>"
                                                for i in range(4)) + "</ul></div>")
    out = text(article(extra=box))
    assert PROSE in out and MORE in out and f"{PROSE} Again." in out
    assert "Related story" not in out


# --- text readers never see ---------------------------------------------------------------

@pytest.mark.parametrize("hidden", [
    "<span class='sr-only'>Screen reader note</span>",
    "<span class='visually-hidden'>Visually hidden</span>",
    "<div class='hidden'>Hidden by class</div>",
    "<span class='tooltip'><a href='/p'>Profile card</a> More stories</span>",
    "<span class='rollover-people-block'><a href='/p'>Profile card</a> More stories</span>",
    "<span aria-hidden='true'>Icon text</span>",
    "<span hidden>Hidden span</span>",
    "<span style='visibility:hidden'>Invisible</span>",
])
def test_hidden_text_is_dropped(hidden):
    out = text(page(f"<article><p>{PROSE} {hidden}</p><p>{MORE}</p></article>"))
    assert PROSE in out and MORE in out
    assert not any(word in out for word in ("reader", "Visually", "Hidden", "Profile",
                                             "Icon", "Invisible"))


def test_utility_classes_that_do_not_hide_keep_text():
    html = page(f"<article><p class='overflow-hidden hidden-xs'>{PROSE}</p><p>{MORE}</p></article>")
    assert PROSE in text(html)
    # A hover word and a box word in different class names do not make a hover box.
    html = page(f"<div class='dropdown-hover content-box'><p>{PROSE}</p><p>{MORE}</p></div>")
    assert PROSE in text(html)


# --- labels and calls to action ------------------------------------------------------------

@pytest.mark.parametrize("label", ["Advert", "DON'T MISS", "More:", "See also", "Read next"])
def test_promo_labels_are_dropped(label):
    out = text(article(extra=f"<p>{label}</p>"))
    assert label not in out and MORE in out


@pytest.mark.parametrize("promo", [
    "Get the latest updates right in your inbox. Subscribe to our newsletters.",
    "Have a tip? Jane Doe may be reached at jdoe@example.com.",
    "Follow the Opinion section on Facebook and Twitter.",
    "Subscribe to the Review and stay smart with more of your favourite writers.",
])
def test_closing_call_to_action_is_dropped(promo):
    out = text(page(f"<article><p>{PROSE}</p><p>{MORE}</p><p>{promo}</p></article>"))
    assert MORE in out and promo not in out


def test_newsletter_word_inside_the_article_is_kept():
    sentence = ("The paper's newsletter, sent to every inbox in town on Fridays, carried the "
                "committee's findings the week after the meeting.")
    out = text(page(f"<article><p>{PROSE}</p><p>{sentence}</p><p>{MORE}</p></article>"))
    assert sentence in out


# --- container choice ------------------------------------------------------------------------

def test_article_chosen_over_a_nested_box_that_names_itself_content():
    # The box's "rich-text" class earns it a bonus, and the link lists between the
    # article's paragraphs weigh against the article: the box alone would win.
    links = "<ul>" + "".join(f"<li><a href='/t{i}'>Another story about topic number {i}</a></li>"
                             for i in range(12)) + "</ul>"
    box = "<div class='rich-text'>" + "".join(
        f"<p>Fact {i}: a levy is a tax raised for one purpose, set each year by the council "
        f"and collected with the rates of every household.</p>" for i in range(5)) + "</div>"
    paras = [f"<p>{PROSE} Part {i}.</p>" for i in range(6)]
    html = page(f"<div class='x'>{paras[0]}{paras[1]}{links}{paras[2]}{box}{links}"
                f"{paras[3]}{paras[4]}{links}{paras[5]}</div>")
    out = text(html)
    assert all(f"Part {i}." in out for i in range(6)) and "Fact 4:" in out
    assert "Another story" not in out


def test_inline_box_of_linked_headlines_is_dropped():
    more = "<h4>More:</h4>" + "".join(
        f"<ul><li><h4><a href='/s{i}'>Other story headline number {i}</a></h4></li></ul>"
        for i in range(3))
    out = text(page(f"<article><p>{PROSE}</p>{more}<p>{MORE}</p></article>"))
    assert PROSE in out and MORE in out and "Other story" not in out


def test_linked_heading_with_its_own_paragraph_is_kept():
    body = "".join(f"<h3><a href='/p{i}'>Product number {i}</a></h3><p>{PROSE} Item {i}.</p>"
                   for i in range(3))
    out = text(page(f"<article><p>{MORE}</p>{body}</article>"))
    assert all(f"Product number {i}" in out for i in range(3))


def test_custom_element_inside_a_paragraph_is_inline():
    html = page(f"<article><p>{PROSE} (<source-ref kind='journal'><a href='/r'>2</a></source-ref>)."
                f"</p><custom-box><p>{MORE}</p></custom-box></article>")
    assert text(html).splitlines() == [f"{PROSE} (2).", MORE]


def test_inline_image_caption_and_credit_are_dropped():
    image = ("<span class='image-container'><img src='x.jpg' alt=''><span class='caption-source'>"
             "<span class='caption'>The logo outside an office.</span>"
             "<span class='photo-credit'>Reuters</span></span></span>")
    out = text(page(f"<article><p>{image}</p><p>{PROSE}</p><p>{MORE}</p></article>"))
    assert "logo" not in out and "Reuters" not in out and PROSE in out


def test_round_up_item_with_linked_lead_and_a_short_sentence_is_kept():
    lead = ("<li><strong><a href='/s{0}'>Teens love their wireless earbuds and put them on wish "
            "lists more than ever before, number {0}</a>.</strong> {1}</li>")
    items = "".join(lead.format(i, f"{PROSE} {MORE}") for i in range(3))
    items += lead.format(3, "That is according to a new survey from an investment bank.")
    out = text(page(f"<article><p>{PROSE}</p><ol>{items}</ol><p>{MORE}</p></article>"))
    assert "That is according to a new survey from an investment bank." in out


def test_round_up_of_short_linked_cards_is_a_teaser_list():
    # The other side of the same shape: every item a linked headline and one short line.
    items = "".join(f"<li><a href='/s{i}'>Teens love their wireless earbuds, number {i}</a>. "
                    f"A new survey says so.</li>" for i in range(4))
    out = text(page(f"<article><p>{PROSE}</p><p>{MORE}</p><ol>{items}</ol></article>"))
    assert "earbuds" not in out and PROSE in out and MORE in out


# --- class and id words: the token-set path agrees with the word lists' regex ----------------


@pytest.mark.parametrize("words", [
    "ad-slot", "header", "c-nav__item", "NAV", "site_footer wide", "post-content", "article__body",
    "sidebar article-body", "entry-content share", "text-block", "blogpost", "navigation-main",
    "shareable", "comment-4567", "main  content", "richtext", "x-more-y", "", "body", "postbody",
])
def test_ascii_class_words_are_judged_as_the_regex_judges_them(words):
    from indexer.html.normalize import _id_hints, regex_hints

    assert _id_hints(words) == regex_hints(words)
