"""Each plain-text cleaning rule on a small page written for it."""
from __future__ import annotations

from indexer.text import clean_text
from indexer.stopwords import stopwords
from indexer.text.lines import read_line

PROSE = [
    "Night cramps wake many people in the small hours, and most of them never find out why it happens to them.",
    "A cramp is a muscle that tightens on its own and will not let go, which is why it hurts so much at night.",
    "Doctors say that most cramps are harmless, but they can be a sign that the body is short of water or salt.",
    "Stretching the calf before going to bed is the simplest thing to try, and it costs nothing at all to do.",
]
MORE_PROSE = [
    "Older people get cramps more often, because their muscles and nerves change as the years go by for them.",
    "Some drugs for blood pressure make cramps more likely, so it is worth asking a doctor about the ones you take.",
    "When a cramp comes, standing up and putting weight on the leg often stops it sooner than lying still does.",
]
MENU = ["Home", "News", "Health", "Sport", "Travel", "Follow Us", "Subscribe to our newsletter!",
        "Trending", "Five foods for better sleep", "Why we dream"]


def page(*parts: list[str]) -> str:
    return "\n".join(line for part in parts for line in part) + "\n"


def body(text: str) -> list[str]:
    return [block.text for block in clean_text(text).blocks]


def kind(line: str) -> str | None:
    found = read_line(line, stopwords())
    return found.rule or found.kind


def test_menus_above_are_dropped_but_do_not_cut_the_article():
    # "Follow Us" above the article is furniture; the article below it is still found whole.
    assert body(page(MENU, ["Night Cramps Explained"], PROSE)) == PROSE


def test_tags_and_share_lines_below_are_dropped():
    tail = ["Tags: cramps, sleep, health", "Share this article", "Share on Facebook", "Tweet", "Email",
            "© 2024 Example Media. All rights reserved.", "Privacy Policy", "Terms of Use"]
    assert body(page(["Night Cramps Explained"], PROSE, tail)) == PROSE


def test_popular_posts_with_dates_are_dropped():
    popular = ["Popular Posts", "Five foods for better sleep", "March 3, 2024",
               "Why we dream and what it means for you", "February 28, 2024",
               "The best stretches for runners", "12 Feb 2024"]
    assert body(page(["Night Cramps Explained"], PROSE, popular)) == PROSE


def test_comments_are_not_part_of_the_article():
    comments = ["3 Comments", "sleepyhead says:", "March 4, 2024 at 6:34 am",
                "This happens to me every single night and I have tried everything that they say to do about it.",
                "nightowl says:", "March 4, 2024 at 7:02 am",
                "Magnesium worked for me after a few weeks, but you should ask your doctor before you take it."]
    assert body(page(["Night Cramps Explained"], PROSE, comments)) == PROSE


def test_title_printed_twice_is_title_once():
    cleaned = clean_text(page(MENU, ["Night Cramps Explained", "", "Night Cramps Explained"], PROSE))
    assert cleaned.metadata.title == "Night Cramps Explained"
    assert [block.text for block in cleaned.blocks] == PROSE


def test_author_box_gives_the_author_and_its_bio_is_dropped():
    box = ["Jane Doe", "Latest posts by Jane Doe (see all)", "MD, University of Somewhere",
           "Jane is a sleep doctor who has written about cramps, dreams and snoring for many years, and she "
           "likes to walk her dog on the beach when she is not at the clinic or writing."]
    cleaned = clean_text(page(["Night Cramps Explained"], PROSE, box))
    assert cleaned.metadata.author == "Jane Doe"
    assert [block.text for block in cleaned.blocks] == PROSE


def test_about_author_box_in_another_language():
    box = ["Sobre Joana Silva",
           "Joana é médica do sono e escreve sobre cãibras, sonhos e ronco há muitos anos, e gosta de "
           "caminhar com o seu cão na praia quando não está na clínica a atender os seus doentes."]
    cleaned = clean_text(page(["Night Cramps Explained"], PROSE, box))
    assert cleaned.metadata.author == "Joana Silva"
    assert [block.text for block in cleaned.blocks] == PROSE


def test_article_headings_lists_and_short_lines_are_kept():
    long = [f"{first} {second}" for first, second in zip(PROSE, MORE_PROSE)]  # paragraphs of 40-odd words
    article = [long[0], "What helps?", long[1], "Try these at home:", "- Stretch your calves", "- Drink water",
               "- Warm bath", "Does it go away?", "Yes, mostly.", long[2], PROSE[3], "For example;",
               "• Walk a little", "• Sleep on your back"]
    cleaned = clean_text(page(MENU, ["Night Cramps Explained"], article, ["Share this article", "Home"]))
    kinds = [(block.kind, block.text) for block in cleaned.blocks]
    assert ("heading", "What helps?") in kinds
    assert [text for k, text in kinds if k == "item"] == ["Stretch your calves", "Drink water", "Warm bath",
                                                          "Walk a little", "Sleep on your back"]
    assert ("heading", "Does it go away?") in kinds
    assert ("paragraph", "Yes, mostly.") in kinds
    assert kinds[0] == ("paragraph", long[0])
    assert kinds[-1] == ("item", "Sleep on your back")


def test_a_list_after_a_colon_line_is_taken_whole():
    dates = [f"June {day} -- Some Arena, Some City, ST" for day in range(1, 25)]
    text = page(["Night Cramps Explained"], PROSE, ["The tour dates:"], dates, ["Share this article"])
    assert body(text)[-1].endswith("June 24 -- Some Arena, Some City, ST")


def test_related_links_inside_the_article_do_not_cut_it():
    inline = ["Related articles", "Five foods for better sleep", "Why we dream"]
    assert body(page(["Night Cramps Explained"], PROSE, inline, MORE_PROSE)) == PROSE + MORE_PROSE


def test_cookie_notice_and_repeated_ticker_are_dropped():
    cookie = ["This website uses cookies to improve your experience while you navigate through the website, and "
              "you can opt out of them in the settings at any time if you wish to do so, or read our policy."] * 3
    ticker = ["Breaking: storm closes schools across the county as the river rises and roads flood in the north "
              "of the state, officials said on Tuesday; more rain is on the way later this week."]
    text = page(ticker, ["Night Cramps Explained"], PROSE, ticker, cookie)
    assert body(text) == PROSE


def test_rules_name_lines_they_recognise():
    assert kind("Share on Facebook") == "share"
    assert kind("© 2024 Example Media") == "legal"
    assert kind("Latest posts by Jane Doe (see all)") == "author-box"
    assert kind("sleepyhead says:") == "comment-head"
    assert kind("Read more: Why we dream") == "related-link"
    assert kind("March 4, 2024 at 6:34 am") == "dateline"
    assert kind("The first map of Titan. (Photo: NASA)") == "caption"
    assert kind("Registered nurses say that cramps are common in older patients.") == "prose"
    assert kind("Like it or not, stretching helps.") == "short"


def test_a_short_note_is_kept_whole():
    assert body("Shopping\n\neggs\nmilk\nbread\n") == ["eggs milk bread"]


def test_a_note_without_page_furniture_keeps_its_short_lines():
    note = page(["Magnesium notes", ""], PROSE[:1], ["", "Sources", "Dr. Smith, 2020", "The sleep book"])
    # Short lines that were not wrapped (the next word would have fitted) stay lines.
    assert body(note) == [PROSE[0], "Sources", "Dr. Smith, 2020", "The sleep book"]


def test_a_box_label_over_the_pages_main_list_does_not_cut_the_article():
    # "Don't Miss:" is a links-box label, but what it heads is the page's main text: a deals
    # list whose lines are mostly not prose, with a line of prose here and there.
    deals = []
    for name, price in (("Acme Kettle", "$39.99"), ("Acme Toaster", "$24.50"), ("Acme Blender", "$59.00"),
                        ("Acme Mixer", "$89.95"), ("Acme Grill", "$119.00")):
        deals += [name, "Boils or heats fast with one button", "Stainless steel body",
                  f"{name} works with every kitchen outlet in the house and carries a full two year warranty "
                  "from its maker, with free repairs.",
                  price, "Available from ShopCo", "We may earn a commission", "Buy Now", ""]
    text = page(MENU, ["The best early deals on kitchen gadgets", "March 3, 2021 at 9:15 AM", ""], PROSE, [""],
                ["Don't Miss:", ""], deals,
                ["Prices and stock may change at any time, so please check the shop before you buy anything "
                 "from this list of deals."],
                ["Tags: Deals", "Trending", "Five foods for better sleep", "Why we dream", "© 2021 Example Media"])
    kept = body(text)
    assert kept[:len(PROSE)] == PROSE
    assert "Acme Grill" in kept and "Stainless steel body" in kept and "Buy Now" in kept
    assert kept[-1].startswith("Prices and stock may change")
    assert "Why we dream" not in kept


def test_a_links_box_after_the_article_is_still_dropped():
    box = ["Related articles", "Five foods for better sleep", "Why we dream", "Ten tips for a calm mind"]
    assert body(page(MENU, ["Night Cramps Explained"], PROSE, box, ["© 2021 Example Media"])) == PROSE


GERMAN = [
    "Nächtliche Wadenkrämpfe wecken viele Menschen in den frühen Morgenstunden, und die meisten von ihnen "
    "erfahren nie, warum es gerade ihnen passiert.",
    "Ein Krampf ist ein Muskel, der sich von selbst zusammenzieht und nicht mehr loslässt, und deshalb tut er "
    "in der Nacht so weh.",
]


def test_comments_in_another_language_are_not_part_of_the_article():
    comments = ["2 Gedanken zu „Wadenkrämpfe in der Nacht“", "Peter sagt:",
                "Das passiert mir jede Nacht, und ich habe schon alles ausprobiert, was man so darüber liest und "
                "hört, von Magnesium bis zu warmen Bädern, aber nichts davon hat mir auf Dauer geholfen.",
                "Antworten", "Schreibe einen Kommentar",
                "Deine E-Mail-Adresse wird nicht veröffentlicht, und die Pflichtfelder sind mit einem Stern markiert."]
    assert body(page(["Wadenkrämpfe in der Nacht"], GERMAN, comments)) == GERMAN
    assert kind("142 Antworten zu „Würde des Lebens“") == kind("12 réponses à « La nuit »") == "comments"
    assert kind("{ 38 comments… read them below or add one }") == "comments"


def test_a_long_comment_thread_below_the_article_under_its_dateline_is_not_the_article():
    # The thread outscores the article three times over; under its dateline, with the comments'
    # label between them, the article is still the article.
    thread = ["12 Comments"]
    for name, tried in (("sleepyhead", "bananas"), ("nightowl", "tonic water"), ("runner42", "a warm bath"),
                        ("grandma_jo", "magnesium")):
        thread += [name, "March 4, 2024",
                   f"This happens to me every single night and I have tried everything they say to do about it, "
                   f"{tried} most of all, and stretching before bed, and nothing really helps for long, so I am "
                   "glad to read here that it is usually harmless and not a sign of something serious at all."]
    text = page(MENU, ["Night Cramps Explained", "By Jane Doe", "March 3, 2024"], PROSE[:2], thread)
    assert body(text) == PROSE[:2]


def test_a_comments_link_next_to_the_dateline_does_not_cut_the_article():
    text = page(MENU, ["Night Cramps Explained", "March 3, 2024", "61 comments", "Facebook", "Twitter", "Pinterest",
                       "Email", "Print this page", "Advertisement"], PROSE, ["Share this article"])
    assert body(text) == PROSE


def test_a_links_box_in_another_language_is_dropped():
    box = ["Das könnte Sie auch interessieren", "Fünf Lebensmittel für besseren Schlaf", "Warum wir träumen",
           "Zehn Tipps für mehr Ruhe"]
    assert body(page(MENU, ["Wadenkrämpfe in der Nacht"], GERMAN, box, ["Impressum", "Datenschutz"])) == GERMAN
    assert kind("Artículos relacionados") == kind("Zobacz również") == kind("À lire aussi") == "related"


def test_a_cookie_notice_in_another_language_is_dropped():
    notice = ["Wir verwenden Cookies, um Inhalte zu personalisieren und die Zugriffe auf unsere Webseite zu "
              "analysieren; mit einem Klick auf Zustimmen willigen Sie in die Verarbeitung ein, die Sie jederzeit "
              "in den Einstellungen widerrufen können, wie in unserer Datenschutzerklärung beschrieben."]
    assert body(page(MENU, ["Wadenkrämpfe in der Nacht"], GERMAN, ["Impressum"], notice * 2)) == GERMAN
    assert kind(notice[0]) == "consent"


def test_the_articles_own_copy_of_a_line_printed_twice_is_kept():
    # A paragraph is printed twice: in the article, and as a quote in a box in the header.
    quote = PROSE[2]
    text = page(["Quote of the day", quote, ""], MENU, ["Night Cramps Explained", "March 3, 2024"], PROSE,
                MORE_PROSE, ["Share this article"])
    kept = body(text)
    assert kept == PROSE + MORE_PROSE


def test_comments_below_an_article_without_a_dateline_are_not_the_article():
    thread = ["Comments", "Name", "Email", "Website", "Post Comment", "Sort by", "Newest", "Oldest", "Best"]
    for name, tried in (("sleepyhead", "bananas"), ("nightowl", "tonic water"), ("runner42", "a warm bath")):
        thread += [name,
                   f"This happens to me every single night and I have tried everything they say to do about it, "
                   f"{tried} most of all, and stretching before bed, and nothing really helps for long, so I am "
                   "glad to read here that it is usually harmless and not a sign of something serious at all, "
                   "and I will ask my doctor about the drugs I take for my blood pressure when I see her next."]
    text = page(MENU, ["Night Cramps Explained"], PROSE[:2], thread)
    assert body(text) == PROSE[:2]


def test_a_sentence_closing_in_german_or_french_quotes_ends_a_sentence():
    for line in ("Er sagte: „Wir kommen wieder.“", "Das Motto lautet »Haltet die Seen sauber!«",
                 "Il a dit : « Nous reviendrons. »"):
        found = read_line(line, stopwords())
        assert found.sentence_end and found.content, line


def test_short_sentences_next_to_the_article_are_its_own():
    # A poem's or a dialogue's lines are too short to count as prose, but they are sentences
    # shaped like content, right against the article's run: they are the article's.
    lines = ["Can you walk through walls?", "When were you last in love?", "And so many more questions."]
    text = page(MENU, ["Letters", "Posted at 3:59 PM", ""], [PROSE[0]], lines, ["", "Views: 1120", "Rating: 0.0/5"],
                ["Comments: 0", "Name *", "Email *"])
    assert body(text) == [PROSE[0], *lines]


def test_a_comments_time_stamp_is_not_the_articles_dateline():
    # The article prints no date; the first dateline on the page is a comment's, and the run
    # under it must not get the dateline's weight.
    thread = ["Comments (2)", "sleepyhead", "March 4, 2024 08:31",
              "This happens to me every single night, and I have tried bananas, tonic water and stretching before "
              "bed, and nothing helps.", "nightowl", "March 4, 2024 09:12",
              "Magnesium worked for me after a few weeks, but ask your doctor first."]
    text = page(MENU, ["Night Cramps Explained"], PROSE[:2], thread, ["© 2024 Example Media"])
    assert body(text) == PROSE[:2]


def test_a_read_more_link_is_one_link_and_the_heading_after_it_is_kept():
    text = page(["Night Cramps Explained"], PROSE, ["Read more: Five foods for better sleep", "What doctors say"],
                MORE_PROSE)
    assert body(text) == PROSE + ["What doctors say"] + MORE_PROSE
    assert kind("Read more: Five foods for better sleep") == "related-link" and kind("Read more:") == "related"
