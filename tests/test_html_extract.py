"""Main-content extraction: one small page per heuristic, robustness, and the dev benchmark."""
from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest

from indexer.html import clean_html
from indexer.models import Block

FIXTURES = Path(__file__).parent / "fixtures" / "html"
DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "extract" / "dev"

PROSE = ("The committee met on Tuesday to review the proposal, and after a long discussion "
         "it agreed to publish its findings before the end of the month.")


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def texts(html: str) -> list[str]:
    return [block.text for block in clean_html(html).blocks]


def body_text(html: str) -> str:
    return "\n".join(texts(html))


# --- the fixture article, end to end -------------------------------------------------

def test_fixture_article_blocks():
    cleaned = clean_html((FIXTURES / "article.html").read_text(encoding="utf-8"))
    kinds = [(b.kind, b.level) for b in cleaned.blocks]
    text = "\n".join(b.text for b in cleaned.blocks)
    assert cleaned.blocks[0].text.startswith("The Severn Estuary has the second highest")
    assert Block("heading", "Why the range is so large", 2) in cleaned.blocks
    assert ("item", 1) in kinds and ("item", 2) in kinds
    assert Block("quote", "It is like pushing a child on a swing at exactly the right moment.") \
        in cleaned.blocks
    assert Block("pre", "high water  14.5 m\nlow water    0.3 m") in cleaned.blocks
    assert Block("table", "Place | Range\nAvonmouth | 14.5 m") in cleaned.blocks
    assert "mudflats feed tens of thousands" in text
    for furniture in ("Home", "Share on Facebook", "Advertisement", "Related stories",
                      "Barrage plans shelved", "sidebar teaser", "Copyright", "Minsterworth",
                      "By Mara Quill", "window.tracking", "display: none"):
        assert furniture not in text, furniture


def test_title_heading_is_metadata_not_body():
    cleaned = clean_html((FIXTURES / "article.html").read_text(encoding="utf-8"))
    assert cleaned.metadata.title == "Tides of the Severn Estuary"
    assert all(b.text != "Tides of the Severn Estuary" for b in cleaned.blocks)


# --- choosing the container ------------------------------------------------------------

def test_prose_container_beats_navigation():
    nav = "".join(f"<li><a href='/{i}'>Section number {i}</a></li>" for i in range(40))
    html = page(f"<div><ul>{nav}</ul></div><div><p>{PROSE}</p><p>{PROSE}</p></div>")
    assert texts(html) == [PROSE, PROSE]


def test_paragraph_continuity_joins_split_body():
    # Two runs of prose separated by an ad: their common parent wins over either half.
    html = page(f"<div><div><p>{PROSE} One.</p><p>{PROSE} Two.</p></div>"
                f"<div class='ad-container'>Buy now</div>"
                f"<div><p>{PROSE} Three.</p></div></div>")
    text = body_text(html)
    assert "One." in text and "Three." in text and "Buy now" not in text


def test_article_body_class_is_preferred():
    html = page(f"<div><p>{PROSE} Teaser.</p>"
                f"<div class='article-body'><p>{PROSE} Body.</p><p>{PROSE} More.</p></div></div>")
    assert "Body." in body_text(html)


def test_furniture_named_wrapper_is_let_off():
    # "sidebar" in a wrapper's class must not sink the article it wraps.
    html = page(f"<div class='content-with-sidebar'><p>{PROSE}</p><p>{PROSE}</p></div>"
                f"<footer><p>Contact us at the office.</p></footer>")
    assert texts(html) == [PROSE, PROSE]


def test_json_ld_article_body_is_evidence():
    # A long articleBody that the page's prose covers is the body: unrelated prose
    # outside it counts against its container.
    other = "A different story entirely, about the weather, with enough words to look like prose."
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "articleBody": '
            + json.dumps(" ".join([PROSE] * 7)) + "}</script>")
    paragraphs = f"<p>{PROSE}</p>" * 7
    html = page(f"<div><p>{other}</p><p>{other}</p><p>{other}</p></div><div>{paragraphs}</div>",
                head)
    assert texts(html) == [PROSE] * 7


def test_short_json_ld_article_body_is_only_a_hint():
    # A summary in articleBody must not sink the paragraphs it leaves out.
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "articleBody": '
            + json.dumps(PROSE + " First.") + "}</script>")
    html = page(f"<article><p>{PROSE} First.</p><p>{PROSE} Second.</p></article>", head)
    assert texts(html) == [f"{PROSE} First.", f"{PROSE} Second."]


# --- pruning inside the container -------------------------------------------------------

@pytest.mark.parametrize("furniture", [
    "<div class='share-buttons'><a href='#'>Facebook</a><a href='#'>Twitter</a></div>",
    "<div class='related-posts'><p>Another story worth reading about the council.</p></div>",
    "<nav><a href='/'>Home</a> <a href='/x'>News</a></nav>",
    "<aside><p>Pull-out box with a long sentence that is not part of the article body.</p></aside>",
    "<div class='byline'>By Jane Doe, Staff Writer</div>",
    "<figure><img src='x.jpg'><figcaption>A long caption describing the photo above.</figcaption></figure>",
    "<div class='newsletter-signup'><p>Sign up for our newsletter to get daily news.</p></div>",
    "<p>Advertisement</p>",
    "<p>By Jane Doe and John Roe</p>",
    "<p>Updated 10:01 pm PST, Tuesday, November 19, 2019</p>",
    "<div>November 19, 2019 at 8:38 AM</div>",
    "<p>Read more: <a href='/other'>The other story that we also published today</a></p>",
])
def test_furniture_inside_article_is_pruned(furniture):
    html = page(f"<article><p>{PROSE} Start.</p>{furniture}<p>{PROSE} End.</p></article>")
    assert texts(html) == [f"{PROSE} Start.", f"{PROSE} End."]


def test_teaser_summaries_between_links_are_pruned():
    cards = "".join(f"<div><a href='/{i}'>Headline number {i}</a></div>"
                    f"<div>A one-line summary of story {i}, enough words to look like prose.</div>"
                    for i in range(4))
    html = page(f"<div><p>{PROSE} One.</p><p>{PROSE} Two.</p><h2>Popular</h2>{cards}</div>")
    assert texts(html) == [f"{PROSE} One.", f"{PROSE} Two."]


def test_long_summary_with_linked_lead_is_kept():
    item = ("<li><a href='/s'>The council published its findings today</a> after a long wait, "
            "and the report runs to four hundred pages of evidence and recommendations.</li>")
    html = page(f"<article><p>{PROSE}</p><ul>{item}{item}</ul></article>")
    assert len(texts(html)) == 3


def test_signature_with_date_at_the_end_is_kept():
    # An embedded tweet's attribution ends with a date; it is not a dateline.
    line = "— Jane Doe (@janedoe) November 18, 2019"
    html = page(f"<article><p>{PROSE}</p><blockquote><p>Words.</p>{line}</blockquote></article>")
    assert line in texts(html)


def test_prose_just_outside_the_chosen_container_continues_it():
    html = page(f"<div><p>{PROSE} Lead.</p><div><p>{PROSE} One.</p><p>{PROSE} Two.</p></div>"
                f"<div class='x'><a href='/a'>Link one here</a></div></div>")
    assert texts(html)[0] == f"{PROSE} Lead."


def test_trailing_heading_without_content_is_dropped():
    html = page(f"<article><p>{PROSE}</p><h3>Related</h3>"
                f"<div class='related'><a href='/a'>A related story headline</a></div></article>")
    assert texts(html) == [PROSE]


def test_text_above_title_in_container_is_dropped():
    head = '<meta property="og:title" content="The Real Headline">'
    html = page(f"<article><div>Breaking News</div><h1>The Real Headline</h1><p>{PROSE}</p></article>",
                head)
    assert texts(html) == [PROSE]


def test_h1_that_is_not_the_title_is_kept():
    head = '<meta property="og:title" content="The Real Headline">'
    html = page(f"<article><p>{PROSE}</p><h1>Part two</h1><p>{PROSE}</p></article>", head)
    assert Block("heading", "Part two", 1) in clean_html(html).blocks


# --- normalisation ----------------------------------------------------------------------

@pytest.mark.parametrize("hidden", [
    "<script>var x = 'not text';</script>",
    "<style>p { color: red }</style>",
    "<noscript>Please enable JavaScript to read this.</noscript>",
    "<template><p>Template text</p></template>",
    "<div hidden>Hidden by attribute</div>",
    "<div style='display: none'>Hidden by style</div>",
    "<div aria-hidden='true'>Hidden from readers</div>",
    "<!-- a comment -->",
    "<iframe src='x'>Frame text</iframe>",
    "<form><input value='typed'><button>Submit</button></form>",
    "<svg><text>Chart label</text></svg>",
])
def test_non_text_elements_are_dropped(hidden):
    html = page(f"<article><p>{PROSE}</p>{hidden}<p>{PROSE}</p></article>")
    assert texts(html) == [PROSE, PROSE]


def test_double_br_splits_paragraphs():
    html = page(f"<div>{PROSE} One.<br><br>{PROSE} Two.<br>Same paragraph.</div>")
    assert texts(html) == [f"{PROSE} One.", f"{PROSE} Two. Same paragraph."]


def test_layout_table_is_walked_like_divs():
    html = page(f"<table><tr><td><a href='/'>Home</a></td>"
                f"<td><p>{PROSE}</p><p>{PROSE}</p></td></tr></table>")
    assert texts(html) == [PROSE, PROSE]


def test_whitespace_and_entities_are_normalised():
    html = page(f"<article><p>  Fish&nbsp;&amp;\n\n chips,   {PROSE}  </p></article>")
    assert texts(html) == [f"Fish & chips, {PROSE}"]


# --- robustness --------------------------------------------------------------------------

def test_deeply_nested_divs_do_not_recurse():
    html = page("<div>" * 5000 + f"<p>{PROSE}</p>" + "</div>" * 5000)
    assert texts(html) == [PROSE]


def test_deeply_nested_unclosed_tags():
    html = "<ul>" + "<li><ul>" * 3000 + "<li>innermost item"
    blocks = clean_html(html).blocks
    assert blocks and blocks[-1].text == "innermost item" and blocks[-1].kind == "item"


def test_deeply_nested_tables():
    html = page("<table><tr><td>" * 1500 + PROSE + "</td></tr></table>" * 1500)
    assert body_text(html) == PROSE


@pytest.mark.parametrize("html", [
    "<p>Unclosed <b>bold <i>italic</p> text</div></span>",
    "<html><body><p>One<p>Two<li>Three</table></body>",
    "<<<>>> &bogus; <p",
    "\x00<p>null byte</p>",
])
def test_malformed_html_does_not_crash(html):
    cleaned = clean_html(html)
    assert isinstance(cleaned.blocks, tuple)


def test_empty_and_blank_input():
    assert clean_html("").blocks == ()
    assert clean_html("   \n").blocks == ()


def test_markup_that_looks_like_a_url_or_xml_does_not_warn():
    # pytest runs with filterwarnings=error, so a bs4 warning would fail these.
    assert texts("https://example.com/page.html") == ["https://example.com/page.html"]
    xhtml = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
             f"<body><p>{PROSE}</p></body></html>")
    assert texts(xhtml) == [PROSE]


def test_fallback_keeps_a_page_without_prose():
    # Nothing looks like an article; the output must still not be empty.
    html = page("<div><a href='/a'>Alpha</a> <a href='/b'>Beta</a></div><div>Short note</div>")
    assert texts(html)


def test_plain_text_without_markup():
    assert texts(PROSE) == [PROSE]


# --- the dev benchmark ----------------------------------------------------------------

WORD = re.compile(r"\w+")


def _shingles(text: str) -> Counter:
    words = WORD.findall(text)
    if len(words) < 4:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + 4]) for i in range(len(words) - 3))


def _benchmark_f1(pairs) -> float:
    """The benchmark's metric: mean per-page precision and recall of word 4-grams."""
    precisions, recalls = [], []
    for truth, predicted in pairs:
        t, p = _shingles(truth), _shingles(predicted)
        tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
        if fp == fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    return 2 * p * r / (p + r)


def test_dev_benchmark_f1():
    truth_file = DEV / "ground-truth.json"
    if not truth_file.exists():
        pytest.skip(f"benchmark pages not found at {DEV} (they live outside the repository)")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pairs = []
    for item, expected in truth.items():
        html = gzip.decompress((DEV / f"{item}.html.gz").read_bytes()).decode("utf-8", "replace")
        blocks = clean_html(html, expected.get("url")).blocks
        pairs.append((expected["articleBody"], "\n\n".join(b.text for b in blocks)))
    assert _benchmark_f1(pairs) >= 0.955


# --- never lose the article ----------------------------------------------------------------

FERRY_HEAD = ("<title>Ferry timetable changes for winter | Island News</title>"
              "<meta property='og:title' content='Ferry timetable changes for winter'>")
FERRY = ("<div class='wrap'><h1>Ferry timetable changes for winter</h1>"
         "<div class='intro'><p>The island ferry moves to its winter timetable on 3 November, "
         "the operator said.</p></div><div class='txt'><p>Sailings leave the harbour at 7:10, "
         "12:40 and 17:15 on weekdays, and twice on Sundays.</p></div></div>")
MENU = "<ul class='top'>" + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(15)) + "</ul>"
LONGER_BOXES = {
    "sidebar": "Our town has a long history of boat building, fishing and trade with the mainland, "
               "and the museum by the quay tells it in photographs, models and the voices of the "
               "people who lived it. ",
    "bio": "Jo Marsh has reported on island life for twenty years, after a first career as a "
           "deckhand and a lighthouse keeper; she lives by the harbour with two dogs and many books. ",
    "cookie banner": "We use cookies and similar technologies to recognise your repeat visits and "
                     "preferences, to measure the effectiveness of campaigns and to improve our websites. ",
}


@pytest.mark.parametrize("box", LONGER_BOXES.values(), ids=LONGER_BOXES.keys())
def test_short_article_under_its_headline_beats_a_longer_box(box):
    # Bare <div>s, no article markup, a box of twice the article's prose elsewhere on the
    # page: the headline above the short article is what says where the article is.
    html = page(MENU + FERRY + MENU + f"<div class='col'><p>{box * 2}</p></div>" + MENU, FERRY_HEAD)
    text = body_text(html)
    assert "winter timetable on 3 November" in text and "7:10, 12:40 and 17:15" in text


@pytest.mark.parametrize("name, box", [("sidebar", LONGER_BOXES["sidebar"]),
                                       ("author-bio", LONGER_BOXES["bio"]),
                                       ("cookie-banner", LONGER_BOXES["cookie banner"])])
def test_short_article_beside_a_named_longer_box(name, box):
    # Longer than the article, though not most of the page (a box holding most of the
    # page's prose is let off as a wrapper, and kept with the article).
    box = box + " ".join(box.split()[:8])
    html = page(MENU + FERRY + f"<div class='{name}'><p>{box}</p></div>" + MENU, FERRY_HEAD)
    assert texts(html) == ["The island ferry moves to its winter timetable on 3 November, the operator said.",
                           "Sailings leave the harbour at 7:10, 12:40 and 17:15 on weekdays, and twice on Sundays."]


def test_article_whose_wrapper_is_named_like_furniture_is_kept():
    # A product description inside a <form>, a post in a box classed "teaser": class and
    # tag words that would drop the whole article yield to the headline above it.
    html = page(MENU + "<main><article><h1>Wool blanket with embroidered name</h1>"
                f"<form class='product-form'><p>{PROSE}</p><p>{PROSE} Washable at 30C.</p></form>"
                f"</article></main><aside><p>{PROSE} Elsewhere.</p></aside>" + MENU,
                "<title>Wool blanket with embroidered name | Shop</title>")
    assert "Washable at 30C." in body_text(html)


def test_blog_post_taxonomy_classes_are_not_furniture():
    # WordPress labels a post with its own tags and categories: "tag-sharing" is not a
    # share bar, "category-comment" not a comment.
    html = page(f"<div class='post-12 type-post hentry category-comment tag-sharing'>"
                f"<p>{PROSE}</p><p>{PROSE}</p></div>")
    assert texts(html) == [PROSE, PROSE]


def test_page_with_its_text_only_in_noscript_is_read():
    html = page(f"<noscript><div><h2>Park news</h2><p>{PROSE}</p><p>{PROSE} More.</p></div></noscript>")
    assert f"{PROSE} More." in texts(html)


def test_recipe_keeps_ingredients_steps_and_table():
    cleaned = clean_html((FIXTURES / "recipe.html").read_text(encoding="utf-8"))
    text = "\n".join(b.text for b in cleaned.blocks)
    for kept in ("225 g butter, softened", "2 lemons, zested and juiced", "Heat the oven to 180C.",
                 "Pour the lemon syrup over while warm.", "Fan | 160C", "Gas | Mark 4"):
        assert kept in text, kept
    assert Block("heading", "Ingredients", 2) in cleaned.blocks
    assert [b.kind for b in cleaned.blocks].count("item") == 11
    for furniture in ("Pin Facebook", "I have been baking since", "newsletter", "All rights reserved"):
        assert furniture not in text, furniture


def test_readme_keeps_code_and_table():
    cleaned = clean_html((FIXTURES / "readme.html").read_text(encoding="utf-8"))
    assert Block("pre", "pip install tidewatch\ntidewatch --port avonmouth") in cleaned.blocks
    assert Block("table", "Option | Meaning\n--port | Harbour to show\n--days | How many days ahead") \
        in cleaned.blocks
    assert "Pricing" not in "\n".join(b.text for b in cleaned.blocks)


def test_forum_thread_keeps_who_said_what():
    cleaned = clean_html((FIXTURES / "forum.html").read_text(encoding="utf-8"))
    text = [b.text for b in cleaned.blocks]
    assert text[0] == "Post by crumbwatcher » Mon Jan 08, 2018 9:12 am"
    assert text[1].startswith("My starter is five days old")
    assert "Post by ryeandshine » Mon Jan 08, 2018 10:40 am" in text
    assert text[-1].startswith("Thank you, two feeds a day did it")
    assert cleaned.metadata.author == "crumbwatcher"


def test_one_byline_above_an_article_stays_out():
    html = page(f"<article><p class='byline'>By Jane Doe</p><p>{PROSE}</p><p>{PROSE}</p></article>")
    assert texts(html) == [PROSE, PROSE]


def test_unclosed_heading_does_not_swallow_the_body():
    html = page(f"<article><h2>Summary of the findings<p>{PROSE} One.</p><p>{PROSE} Two.</p>"
                f"<ul><li>{PROSE} Three.</li></ul></article>")
    blocks = clean_html(html).blocks
    assert Block("heading", "Summary of the findings", 2) in blocks
    assert Block("paragraph", f"{PROSE} One.") in blocks
    assert Block("item", f"{PROSE} Three.", 1) in blocks


def test_heading_over_a_pruned_box_goes_wherever_it_stands():
    html = page(f"<article><p>{PROSE} One.</p><h3>More on this</h3>"
                f"<div class='related'><a href='/a'>A related story headline</a></div>"
                f"<h3>What happens next</h3><p>{PROSE} Two.</p></article>")
    assert texts(html) == [f"{PROSE} One.", "What happens next", f"{PROSE} Two."]


def test_every_dropped_block_says_why_in_reading_order():
    html = page(f"<nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
                f"<article><h1>The Real Headline</h1><p>{PROSE}</p>"
                f"<div class='share-bar'><a href='#'>Facebook</a> <a href='#'>Twitter</a></div>"
                f"<p>{PROSE} End.</p></article><footer><p>Contact us at the office.</p></footer>",
                '<meta property="og:title" content="The Real Headline">')
    cleaned = clean_html(html)
    assert [b.text for b in cleaned.blocks] == [PROSE, f"{PROSE} End."]
    assert [(d.text, d.rule, d.after) for d in cleaned.dropped] == [
        ("Home News", "furniture: <nav>", 0),
        ("The Real Headline", "the article's title (kept as its title)", 0),
        ("Facebook Twitter", "furniture: share", 1),
        ("Contact us at the office.", "furniture: <footer>", 2),
    ]
    assert cleaned.page_words == len(f"{PROSE} {PROSE} End. The Real Headline Contact us at the office.".split())


@pytest.mark.parametrize("share", [
    "<p>Share this: Facebook Twitter LinkedIn Email</p>",
    "<div>Share this:<br>Facebook<br>Twitter<br>More</div>",
    "<div class='sharedaddy'><h3>Share this:</h3><ul><li><a href='#'>Facebook</a></li>"
    "<li><a href='#'>Twitter</a></li></ul></div>",
])
def test_share_line_after_the_article_stays_out(share):
    html = page(f"<article><h1>Title</h1><p>{PROSE}</p><p>{PROSE} End.</p></article>{share}"
                "<footer>Contact</footer>")
    assert texts(html) == [PROSE, f"{PROSE} End."]


def test_definition_list_is_kept():
    html = page(f"<article><p>{PROSE}</p><dl><dt>Ebb</dt><dd>The tide going out.</dd>"
                f"<dt>Flood</dt><dd>The tide coming in.</dd></dl><p>{PROSE}</p></article>")
    assert texts(html) == [PROSE, "Ebb", "The tide going out.", "Flood", "The tide coming in.", PROSE]


# --- the lead a content system names a teaser ------------------------------------------------

LEAD = "Der Stadtrat hat am Dienstag den neuen Fahrplan für die Fähre beschlossen, der im November gilt."
BODY = ("<div class='article-body'>" + f"<p>{PROSE}</p>" * 3 + "</div>")
LEAD_HEAD = "<meta property='og:title' content='Neuer Fahrplan für die Fähre'>"


@pytest.mark.parametrize("box", ["<p class='article-teaser'>{}</p>",
                                 "<div class='teaser-text'><p>{}</p></div>",
                                 "<h2 class='ArticleHero__teaser--light'>{}</h2>"])
def test_standfirst_named_teaser_under_the_headline_is_kept(box):
    html = page(MENU + "<main><h1>Neuer Fahrplan für die Fähre</h1>"
                "<div class='byline'>Von Anna Berg</div>" + box.format(LEAD) + BODY
                + "</main>" + MENU, LEAD_HEAD)
    found = texts(html)
    assert found[0] == LEAD and found[1:] == [PROSE] * 3


def test_teaser_cards_under_the_headline_stay_out():
    # Several boxes named teaser under a headline are cards of other pages, not a lead;
    # a teaser box whose text is a link is a card too.
    cards = "".join(f"<div class='teaser'><p>Mehr über die Geschichte der Fähre, Teil {i} "
                    f"der Serie über die Insel.</p></div>" for i in range(3))
    linked = f"<div class='teaser'><p><a href='/x'>{LEAD}</a></p></div>"
    for boxes in (cards, linked):
        html = page(MENU + "<main><h1>Neuer Fahrplan für die Fähre</h1>" + boxes + BODY
                    + "</main>" + MENU, LEAD_HEAD)
        assert texts(html) == [PROSE] * 3


def test_byline_in_a_teaser_box_stays_out():
    html = page(MENU + "<main><h1>Neuer Fahrplan für die Fähre</h1><div class='teaser'>"
                "<p>Ein Artikel von Pamela Sladky | 27.01.2022 - 12:45</p>"
                f"<p>{LEAD}</p></div>" + BODY + "</main>" + MENU, LEAD_HEAD)
    cleaned = clean_html(html)
    assert [b.text for b in cleaned.blocks] == [LEAD] + [PROSE] * 3
    assert cleaned.metadata.author == "Pamela Sladky"


# --- the body the page states in its JSON-LD -------------------------------------------------

def _json_ld(item: dict) -> str:
    return f"<script type='application/ld+json'>{json.dumps(item)}</script>"


STEPS = ["Measure the table top across its middle, from edge to edge, and note the diameter.",
         "Cut a square of cloth as wide as the diameter plus twice the drop and a hem.",
         "Fold the square in four, mark the radius from the folded corner, and cut the arc."]


def test_how_to_drawn_by_scripts_is_read_from_its_json_ld():
    howto = {"@context": "https://schema.org", "@type": "HowTo", "name": "A round tablecloth",
             "description": "<p>A round table softens any room, and a cloth that fits it is "
                            "easy to sew in an afternoon with a tape measure and scissors.</p>",
             "step": [{"@type": "HowToStep", "name": f"Step {n}: part {n}",
                       "itemListElement": {"@type": "HowToDirection", "text": f"<p>{text}</p>"}}
                      for n, text in enumerate(STEPS, 1)]}
    html = page(MENU + "<div id='app'><p>Please update your browser.</p></div>" + MENU,
                _json_ld(howto) + "<title>A round tablecloth</title>")
    cleaned = clean_html(html)
    found = [(b.kind, b.text) for b in cleaned.blocks]
    assert found[0] == ("paragraph", "A round table softens any room, and a cloth that fits it "
                                     "is easy to sew in an afternoon with a tape measure and scissors.")
    assert ("heading", "Step 2: part 2") in found and ("paragraph", STEPS[2]) in found
    assert "Please update your browser." not in [text for _, text in found]
    assert any(d.text == "Please update your browser." for d in cleaned.dropped)


def test_recipe_drawn_by_scripts_keeps_its_ingredients_and_steps():
    recipe = {"@type": "Recipe", "name": "Mole cake", "recipeIngredient": ["200 g flour", "3 eggs"],
              "recipeInstructions": [{"@type": "HowToSection", "name": "Dough",
                                      "itemListElement": [{"@type": "HowToStep", "text": s}
                                                          for s in STEPS]}]}
    found = [(b.kind, b.text) for b in clean_html(page("<div id='app'></div>", _json_ld(recipe))).blocks]
    assert ("item", "200 g flour") in found and ("heading", "Dough") in found
    assert [text for kind, text in found if kind == "paragraph"] == STEPS


def test_article_body_stands_in_for_an_article_the_page_shows_a_scrap_of():
    story = " ".join([PROSE] * 8)
    news = {"@type": "NewsArticle", "headline": "Council votes", "articleBody": story}
    html = page(MENU + f"<div class='teaser'><p>{PROSE}</p></div>" + MENU, _json_ld(news))
    assert texts(html) == [story]


@pytest.mark.parametrize("stated", ["A short summary of the story, as search engines show it.",
                                    " ".join([PROSE] * 3)])
def test_visible_article_stays_when_it_holds_the_stated_body(stated):
    # A summary (under fifty words), or a body the visible article holds, changes nothing.
    body = "".join(f"<p>{PROSE} Part {n}.</p>" for n in range(4))
    html = page(MENU + f"<article>{body}</article>" + MENU,
                _json_ld({"@type": "NewsArticle", "articleBody": stated}))
    assert texts(html) == [f"{PROSE} Part {n}." for n in range(4)]


# --- an article cut into sections that each name themselves its text ----------------------

def test_article_of_named_sections_is_kept_whole_past_a_gallery():
    # A content system's page: each section its own element with a heading and a
    # "ce-bodytext"; a gallery of long captions at the top outweighs any one of them.
    caption = ("The north face below the pass on Saturday morning, with fresh tracks of four skiers "
               "who came up from the valley before sunrise and found good snow. ")
    gallery = "".join(f"<figure><img src='{n}.jpg'><figcaption>{caption}Picture {n}.</figcaption></figure>"
                      for n in range(8))
    sections = "".join(f"<article class='contentElement'><header><h4>Part {n}</h4></header>"
                       f"<div class='ce-bodytext'><p>{PROSE} Section {n}.</p>"
                       + ("<p>" + PROSE * 2 + "</p>" if n == 2 else "") + "</div></article>"
                       for n in range(5))
    html = page(MENU + f"<div class='mainContent'><h1>Weekly report</h1>{gallery}{sections}</div>" + MENU,
                "<title>Weekly report</title>")
    text = body_text(html)
    assert all(f"Section {n}." in text for n in range(5)) and "Part 0" in text
    assert "fresh tracks" not in text


# --- a slideshow's other slides ----------------------------------------------------------

def _slides(hide: str) -> str:
    return "".join(f"<div class='gallery-section section-{n}'{'' if n == 0 else hide}>"
                   f"<h2>{n + 1}. Item {n + 1}</h2><p>{PROSE} Slide {n + 1}.</p></div>"
                   for n in range(3))


@pytest.mark.parametrize("hide", [" style='display: none'", " hidden"])
def test_hidden_slides_beside_a_shown_one_are_read(hide):
    # A script shows one slide at a time; the saved page holds them all, the others hidden.
    html = page(MENU + "<article><h1>Items we never knew we wanted</h1>" + _slides(hide)
                + "</article>" + MENU)
    html = html.replace("section-1'", "section-1 hidden'")
    text = body_text(html)
    assert all(f"Slide {n}." in text for n in (1, 2, 3))


def test_hidden_box_without_a_shown_sibling_like_it_stays_out():
    html = page(f"<article><p>{PROSE}</p><div class='panel hidden'><p>Hidden panel text "
                f"that no reader sees on this page.</p></div><div class='panel-other'>"
                f"<p>{PROSE}</p></div><div class='copy' aria-hidden='true'>{PROSE} Copy.</div>"
                f"<div class='copy'>{PROSE} Shown.</div></article>")
    assert texts(html) == [PROSE, PROSE, f"{PROSE} Shown."]


def test_text_past_the_parsers_depth_limit_is_read():
    # libxml2 builds trees 2048 elements deep and drops the rest of the page past that.
    html = page("<div>" * 3000 + f"<p>{PROSE}</p>" + "</div>" * 3000 + f"<p>{PROSE} After.</p>"
                + "<span>" * 3000 + "Deep words." + "</span>" * 3000)
    assert texts(html) == [PROSE, f"{PROSE} After.", "Deep words."]
