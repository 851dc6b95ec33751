"""Articles whose own lines are short (a recipe, a README, a paper's table) kept whole, on pages written for it."""
from __future__ import annotations

from indexer.text import clean_text, text_blocks

RECIPE = """\
Skip to content
Home
Recipes
Breakfast
Dinner
Desserts
About
Contact
Search

Spiced Honey Pear Jam
December 3, 2017 by Regan

This holiday season I was thinking of flavors that would put me in the holiday spirit, and pears with warm spices came to mind right away. The jam is easy to make and keeps for a year in the pantry.

Ingredients
4 cups peeled, chopped pears
1/2 cup honey
2 tbsp lemon juice
1 tsp ground cinnamon
1/4 tsp ground cloves
1 box powdered pectin

Instructions
Wash and sterilise six half-pint jars.
Combine the pears, lemon juice and pectin in a large pot.
Bring to a full rolling boil over high heat.
Stir in the honey and spices.
Boil hard for one minute, stirring constantly.
Ladle into jars and process for ten minutes.

Once the jars have cooled, check that every lid has sealed before you store them. Any jar that did not seal belongs in the fridge, and should be eaten within three weeks.

Share this:
Facebook
Twitter
Pinterest
Related Posts
Apple Butter in the Slow Cooker
Cranberry Orange Relish
Leave a Reply
© 2017 The Anti-June Cleaver. All rights reserved.
"""

README = """\
Skip to content
Sign up
Product
Features
Security
Pricing
Explore
Sign in
octo / tidyfile  Public
Notifications
Fork 13
Star 31
Code
Issues 4
Pull requests 1

README.md
tidyfile

Tidyfile keeps a folder of downloads in order: it sorts files by type and date, removes duplicates, and writes a short report of what it moved so nothing is lost.

Installation
Tidyfile needs Python 3.9 or newer.
pip install tidyfile
tidyfile --version

Usage
tidyfile sort ~/Downloads
tidyfile sort ~/Downloads --dry-run
tidyfile report --since 2023-01-01

Options
Option	Default	Meaning
--dry-run	off	show what would move
--keep	newest	which duplicate to keep
--report	on	write report.txt

Every run writes its report next to the folder it sorted, so you can undo a move by hand if you need to. Bug reports and pull requests are welcome.

About
Sorts a downloads folder.
Releases 3
Contributors 2
© 2023 GitHub, Inc.
Terms
Privacy
"""

PAPER = """\
Home
Journals
Archive
About
Submit
Login
Search

Results

We trained the three models on the same corpus of two million sentences and measured their accuracy on the held-out test set after each epoch of training.

Table 2: Accuracy on the test set.
Model          Params    Accuracy    F1
Baseline       12M       81.2        79.8
Small          40M       85.6        84.1
Large          340M      88.9        87.7

The large model gains most on long sentences, where the baseline often loses track of the subject. We believe the gain comes from the wider context window rather than the parameter count, since the small model with the same window closes half of the gap.

Training the large model took four days on eight machines, which is twice the cost of the small model for a gain of three points. For most uses the small model is the better trade-off, and we recommend it as the default.

Discussion

The results suggest that context matters more than size for this task. Further work should test whether the same holds for languages with freer word order, where the subject can sit far from its verb.

References
Cite this article
Download PDF
© 2021 Journal of Examples
"""


def texts(text: str) -> list[str]:
    return [block.text for block in clean_text(text).blocks]


def test_a_recipe_keeps_its_ingredients_and_steps():
    cleaned = clean_text(RECIPE)
    body = texts(RECIPE)
    assert cleaned.metadata.title == "Spiced Honey Pear Jam"
    assert body[0].startswith("This holiday season")
    for line in ("Ingredients", "1/2 cup honey", "1 box powdered pectin", "Instructions",
                 "Wash and sterilise six half-pint jars.", "Ladle into jars and process for ten minutes."):
        assert line in body, line  # each its own block, not run into one paragraph
    assert body[-1].startswith("Once the jars have cooled")
    assert not {"Facebook", "Apple Butter in the Slow Cooker", "Recipes"} & set(body)


def test_a_readme_keeps_its_install_steps_code_and_table():
    cleaned = clean_text(README)
    body = texts(README)
    for line in ("Installation", "pip install tidyfile", "tidyfile --version", "Usage",
                 "tidyfile sort ~/Downloads --dry-run", "tidyfile report --since 2023-01-01"):
        assert line in body, line
    table = next(block for block in cleaned.blocks if block.kind == "table")
    assert table.text.splitlines() == ["Option | Default | Meaning", "--dry-run | off | show what would move",
                                       "--keep | newest | which duplicate to keep", "--report | on | write report.txt"]
    assert body[-1].startswith("Every run writes its report")
    assert cleaned.metadata.published is None  # a date in a command is not the page's date
    assert "Pricing" not in body and "Releases 3" not in body


def test_prose_after_a_space_aligned_table_is_kept():
    cleaned = clean_text(PAPER)
    body = texts(PAPER)
    assert body[0].startswith("We trained the three models")
    table = next(block for block in cleaned.blocks if block.kind == "table")
    assert table.text.splitlines()[-1] == "Large | 340M | 88.9 | 87.7"
    assert any(text.startswith("The large model gains most") for text in body)
    assert body[-1].startswith("The results suggest that context matters")
    assert "Cite this article" not in body


def test_a_word_hyphenated_across_a_line_break_is_rejoined():
    text = ("The farm sits on the up-\nland plateau, far from the river, where the soil is thin and stony and the\n"
            "winters are long. Our grandfather bought it in 1921 and never once regretted\nthe decision.\n")
    assert texts(text) == ["The farm sits on the upland plateau, far from the river, where the soil is thin and "
                           "stony and the winters are long. Our grandfather bought it in 1921 and never once "
                           "regretted the decision."]
    # A compound's hyphen before a capital is not a broken word.
    assert [b.text for b in text_blocks(["a long line that is wrapped at the edge of the screen, with East-",
                                         "West trade"])] == [
        "a long line that is wrapped at the edge of the screen, with East- West trade"]


def test_lines_that_were_not_wrapped_stay_lines():
    # The next word would have fitted on each line: these are lines, not a wrapped paragraph.
    assert [b.text for b in text_blocks(["Sources", "Dr. Smith, 2020", "The sleep book"])] == [
        "Sources", "Dr. Smith, 2020", "The sleep book"]


def test_the_article_under_the_first_dateline_wins_over_a_longer_footer():
    # Alone, the footer's one long line outscores the three paragraphs; under its dateline the article wins.
    footer = ("The Daily Example customer service centre can be reached with any questions or requests by telephone "
              "on weekdays between eight and six, by email at any hour, or by letter to our offices, and our staff "
              "will answer every message within two working days, including those about subscriptions, "
              "deliveries, archives, corrections, reprints, advertising and the events we hold for readers, "
              "and we publish a full list of our editors, reporters, photographers and designers, with their "
              "addresses, on the contact page of this website, which is updated every week.")
    page = "\n".join(["Home", "World", "Sport", "Business", "Opinion", "Culture", "",
                       "Storm closes the harbour for a second day", "By Jane Doe", "November 20, 2019 10:43", "",
                       "The harbour stayed closed on Wednesday as the storm pushed waves over the sea wall again, "
                       "and the ferries to the islands were cancelled for the second day running.",
                       "Fishermen said they had not seen the water so high in thirty years of work on the coast, "
                       "and several boats broke loose from their moorings during the night.",
                       "The council said the harbour would open again once the wind dropped below gale force, "
                       "which the forecast expects on Friday morning at the earliest.",
                       "", "About Us", "Contact", "Jobs", "Archive", "Careers", "Advertise", "Privacy Policy", "",
                       footer, ""])
    cleaned = clean_text(page)
    body = [block.text for block in cleaned.blocks]
    assert body[0].startswith("The harbour stayed closed") and len(body) == 3
    assert cleaned.metadata.author == "Jane Doe" and cleaned.metadata.published == "2019-11-20"


def test_what_is_left_out_is_named_with_its_rule_in_reading_order():
    dropped = clean_text(RECIPE).dropped
    reasons = [(d.rule, d.after) for d in dropped]
    assert reasons[:5] == [("nav", 0), ("outside-article", 0), ("nav", 0), ("title", 0), ("byline", 0)]
    kept = len(clean_text(RECIPE).blocks)
    assert ("share", kept) in reasons and ("related", kept) in reasons and ("legal", kept) in reasons
    assert next(d for d in dropped if d.rule == "related").text == "Related Posts"
    assert "Facebook\nTwitter\nPinterest" in [d.text for d in dropped]


CALENDAR = """\
Início
Notícias
Equipes
Classificação
Fórum
Contato

Calendário da Copa Regional 2019
quarta-feira, 9 de janeiro de 2019 às 14:05
Compartilhe no WhatsApp

Calendário da Copa Regional 2019

1ª rodada: 9 de março – Porto Alegre
2ª rodada: 6 de abril – Caxias do Sul
3ª rodada: 4 de maio – Pelotas
4ª rodada: 8 de junho – Santa Maria
5ª rodada: 3 de agosto – Passo Fundo
6ª rodada: 7 de setembro – Porto Alegre

Política de Privacidade
Quem Somos
Nosso site publica notícias do automobilismo regional desde 2005, com fotos, entrevistas, colunas de opinião e a cobertura completa de cada etapa, e você pode nos enviar sugestões de pauta pelo formulário de contato.
"""


def test_a_list_under_the_dateline_is_the_article():
    # No line of the calendar is prose; the footer's one long line would outscore it as a run.
    cleaned = clean_text(CALENDAR)
    body = texts(CALENDAR)
    assert body[0] == "Calendário da Copa Regional 2019" or cleaned.metadata.title == "Calendário da Copa Regional 2019"
    assert "1ª rodada: 9 de março – Porto Alegre" in body and body[-1] == "6ª rodada: 7 de setembro – Porto Alegre"
    assert cleaned.metadata.published == "2019-01-09"
    assert not any(text.startswith("Nosso site") for text in body)


def test_a_short_article_below_a_mega_menu_with_descriptions_is_found():
    # The menu's descriptions score more than the article, and more than the short lines
    # between them cost, so one pass's running sum never falls to zero before the article:
    # the article must still be a candidate of its own, and under its dateline it wins.
    menu = [f"{topic}: our guides, reports and interviews on {topic.lower()} from around the country, updated "
            "every week by the editors, with the full archive of earlier issues and the readers' own letters too."
            for topic in ("Faith", "Family", "Music", "Travel", "Schools")]
    gap = ["Donate", "Calendar", "Press", "Search", "Find a parish"]
    article = ["The synod met on Thursday for its autumn session and agreed a new budget for the coming year, "
               "after a long debate about the cost of the old buildings.",
               "The bishop thanked the parishes for their work during the long winter and asked them to keep going "
               "with the help for families who have lost their homes.",
               "The next session will be held in the spring, when the synod will vote on the merger of the two "
               "districts in the north of the region."]
    text = "\n".join([*menu, "", *gap, "", "Synod agrees budget for the coming year", "12.11.2021", "", *article,
                      "", "Similar news", "Imprint", "Privacy"]) + "\n"
    assert texts(text) == article


def test_an_article_split_by_a_box_of_teasers_keeps_both_blocks():
    # A box of other stories sits between the two halves of the article: too long to carry
    # the article across, but each half alone is article text, and the box is not.
    first = ["The city opened its first cycle path along the river in 1988, and it has grown every year since, "
             "so that today it runs for almost forty kilometres through the old town and out into the fields.",
             "Riding in the pedestrian zone is allowed, but cyclists are asked to keep their speed down and to "
             "give way to people on foot, above all on market days when the squares are full.",
             "From the old bridge the path follows the right bank of the river upstream, past the castle "
             "gardens and the boat houses, to the weir where most families turn back for an ice cream."]
    teasers = ["More ideas for your trip", "Cycling by the lakes", "E-bikes to hire", "Cultural cycle routes",
               "Where to stop for lunch", "Bike repair shops", "The five best routes in the region",
               "Interactive map", "Cycle paths around the city"]
    second = ["The last stage of the tour follows the old canal, which was dug in the twelfth century to bring "
              "water to the mills of the town, and which still runs clear and fast under the trees.",
              "Beyond the canal the path climbs gently to the village on the hill, where a small inn serves "
              "the local cheese and apple juice on a terrace with a view over the whole valley."]
    text = "\n".join(["Home", "Activities", "Cycling", "", "Cycling in the city", "", *first, "", *teasers, "",
                      *second, "", "Contact", "Imprint", "Privacy"]) + "\n"
    body = texts(text)
    assert body == first + second
