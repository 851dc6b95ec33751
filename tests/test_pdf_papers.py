"""Downloaded PDFs (papers, reports), not browser prints: two columns, running heads, footnotes,
figure captions, references and a title page, on small papers written by each test
(tests/pdfmaker.py: Courier, 0.6 em a character, so a column is wrapped by its characters)."""
from __future__ import annotations

import textwrap

from indexer.pdf import clean_pdf
from indexer.split import render
from tests.pdfmaker import Image, Text, make_pdf

LEFT, RIGHT, COLUMN = 54, 318, 240
SIZE, LEADING = 9, 11
TITLE = "Soil Water on the Slopes of the Northern Basin"
JOURNAL = "Journal of Field Studies 12 (2024) 33-37"

INTRO = ("Soil water governs how a river basin answers rain. Where the soil is dry it takes up a storm "
         "and releases it slowly; where it is wet the same storm runs off at once and the river rises "
         "within hours. Field surveys of soil water are slow and costly, so most basin models guess it "
         "from rainfall alone.")
INTRO2 = ("We find that the models agree with the cores on the valley floor but overestimate the water "
          "held on the slopes by a third, because they ignore the coarse gravel that drains the upper "
          "soil within days of a storm.")
METHODS = ("Teams walked each transect in the first two weeks of April and took a core every two hundred "
           "metres with a hand auger. Each core was sealed, weighed wet within a day, dried at one hundred "
           "and five degrees for two days and weighed again; the difference is the water it held.")
RELATED = ("Earlier surveys of the basin measured the valley floor only. Alder [1] mapped upland soils "
           "further north and found the same gravel beneath the slopes.")
RESULTS = ("The cores held between eleven and forty-one per cent water by weight. The valley floor was "
           "wettest, the upper slopes driest, and the gravel terraces dried fastest after the storm of "
           "the ninth of April.")
DISCUSSION = ("Gravel is not the only reason the slopes drain fast: the slopes face south and dry in the "
              "sun, and their grass is grazed short. A model of the basin needs all three.")
END = ("A basin model that knows where gravel lies beneath the soil would forecast floods better than "
       "one that knows only the rain. The survey will be repeated next spring.")
REFERENCES = ["[1] A. Alder, Soil water in upland basins, J. Hydrol. 41 (2019) 12-30.",
              "[2] R. Roe, A first survey of the northern basin, Basin Rep. 7 (2022) 1-19.",
              "[3] B. Birch and C. Cole, Gravel and drainage, Water Res. 55 (2021) 88-97."]


def _column(x: float, y: float, text: str, size: float = SIZE, leading: float = LEADING,
            width: float = COLUMN) -> tuple[list[Text], float]:
    """A paragraph wrapped to a column's width; its lines and the height under it."""
    lines = textwrap.wrap(text, int(width / (0.6 * size)))
    return [Text(x, y + index * leading, line, size) for index, line in enumerate(lines)], y + len(lines) * leading


def _heading(x: float, y: float, text: str) -> Text:
    return Text(x, y, text, 10, "F3")


def _paper(info: bool = True) -> bytes:
    """Five pages: a title page (title, authors, affiliations, a full-width abstract) over two
    columns, a paragraph hyphenated from the left column into the right one and a footnote at
    the left column's foot (drawn between the columns, as TeX draws it); running heads that
    alternate between even and odd pages (none on the first), page numbers in the bottom
    margin, a figure with its caption, a "Related work" section, a licence line and references."""
    first = [Text(150, 80, "Soil Water on the Slopes of the", 16, "F3"), Text(200, 100, "Northern Basin", 16, "F3"),
             Text(200, 125, "Jane Doe¹ and Rui Roe²", 10, "F2"),
             Text(140, 140, "¹ Department of Geography, University of Northtown", 8, "F2"),
             Text(160, 150, "² Basin Survey Institute, Southport", 8, "F2"),
             Text(LEFT, 175, "Abstract", 9, "F3")]
    abstract, y = _column(LEFT, 188, "We surveyed soil water along forty transects of the northern basin and "
                          "compared it with three basin models. The models are right on the valley floor and a "
                          "third too wet on the slopes, where gravel drains the soil.", width=504)
    first += abstract + [_heading(LEFT, y + 20, "1 Introduction")]
    intro, y_left = _column(LEFT, y + 36, INTRO)
    intro2, y_left = _column(LEFT, y_left + 4, INTRO2)
    first += intro + intro2 + [Text(LEFT, y_left, "The survey repeats the measure-", SIZE),
                               Text(LEFT, 735, "¹ The first survey is described in Roe [2].", 7)]
    first += [Text(RIGHT, y + 36, "ments of the previous year, so that the two", SIZE),
              Text(RIGHT, y + 36 + LEADING, "seasons can be compared site by site.¹", SIZE),
              _heading(RIGHT, y + 36 + 2 * LEADING + 14, "2 Methods")]
    methods, _ = _column(RIGHT, y + 36 + 2 * LEADING + 30, METHODS)
    first += methods + [Text(300, 765, "33", 8, "F2")]

    def head(number: int) -> list[Text]:
        running = JOURNAL if number % 2 == 0 else "Doe and Roe: Soil water on the slopes"
        return [Text(LEFT, 40, running, 8, "F2"), Text(300, 765, str(32 + number), 8, "F2")]

    related, y_left = _column(LEFT, 86, RELATED)
    second = head(2) + [_heading(LEFT, 70, "2.1 Related work")] + related + [Image(LEFT, y_left + 10, 200, 100)]
    caption, y_left = _column(LEFT, y_left + 120, "Figure 1: Soil water by depth on the valley floor and the "
                              "slopes, April 2023.", size=8, leading=10)
    results, _ = _column(RIGHT, 86, RESULTS)
    second += caption + [_heading(RIGHT, 70, "3 Results")] + results
    end, y_left = _column(LEFT, 86, END)
    third = head(3) + [_heading(LEFT, 70, "4 Conclusion")] + end
    third += [Text(LEFT, y_left + 20, "(c) 2024 The Authors. Published under a CC BY 4.0 licence.", 7)]
    discussion, _ = _column(LEFT, 86, DISCUSSION)
    fourth = head(4) + [_heading(LEFT, 70, "5 Discussion")] + discussion
    fifth = head(5) + [_heading(LEFT, 70, "References")]
    y_left = 86
    for reference in REFERENCES:
        lines, y_left = _column(LEFT, y_left, reference, size=8, leading=10)
        fifth += [Text(line.x + (10 if index else 0), line.y, line.text, 8) for index, line in enumerate(lines)]
        y_left += 3
    meta = {"Title": TITLE, "Author": "Jane Doe; Rui Roe", "Producer": "pdfTeX-1.40.25"} if info else {
        "Producer": "pdfTeX-1.40.25"}
    return make_pdf([first, second, third, fourth, fifth], meta)


def test_a_two_column_paper_reads_in_order_with_its_hyphenated_column_break_mended():
    cleaned = clean_pdf(_paper())
    body = "\n\n".join(render(block) for block in cleaned.blocks)
    mended = "The survey repeats the measurements of the previous year, so that the two seasons can be compared"
    order = [INTRO[:40], INTRO2[:40], mended, METHODS[:40], "The first survey is described in Roe",
             RELATED[:40], "Figure 1: Soil water by depth on the valley floor and the slopes, April 2023.",
             RESULTS[:40], END[:40], DISCUSSION[:40], REFERENCES[0]]
    at = [body.find(part) for part in order]
    assert -1 not in at and at == sorted(at), list(zip(order, at))
    for paragraph in (INTRO, INTRO2, METHODS, RELATED, RESULTS, END, DISCUSSION):
        assert paragraph in body  # each column's wrapped lines joined into one paragraph
    # The footnote at the left column's foot comes after the right column's text of its page.
    assert body.find("The first survey is described") > body.find(METHODS[-30:])


def test_a_papers_running_heads_and_page_numbers_go_and_its_headings_stay():
    cleaned = clean_pdf(_paper())
    body = "\n".join(block.text for block in cleaned.blocks)
    for number in range(33, 38):
        assert str(number) not in body.split()
    assert JOURNAL not in body and "Doe and Roe: Soil" not in body
    taken = [(item.text, item.rule) for item in cleaned.dropped]
    assert taken.count((JOURNAL, "running-header")) == 2  # pages 2 and 4
    assert taken.count(("Doe and Roe: Soil water on the slopes", "running-header")) == 2  # pages 3 and 5
    assert {rule for text, rule in taken if text.isdigit()} == {"running-footer"}
    headings = [block.text for block in cleaned.blocks if block.kind == "heading"]
    assert headings == ["Abstract", "1 Introduction", "2 Methods", "2.1 Related work", "3 Results", "4 Conclusion",
                        "5 Discussion", "References"]


def test_a_papers_whole_text_is_kept_references_captions_licence_and_title_page():
    """A downloaded paper has no menus or share bars: none of its text is taken for them."""
    cleaned = clean_pdf(_paper())
    body = "\n".join(block.text for block in cleaned.blocks)
    for kept in ("Jane Doe¹ and Rui Roe²", "Department of Geography, University of Northtown", RELATED,
                 "(c) 2024 The Authors. Published under a CC BY 4.0 licence.", *REFERENCES,
                 "Figure 1: Soil water by depth"):
        assert kept in body
    assert [item.rule for item in cleaned.dropped if not item.rule.startswith("running-")] == ["headline"]


def test_a_papers_title_and_authors_come_from_its_info_or_its_title_page():
    named = clean_pdf(_paper(info=True)).metadata
    assert (named.title, named.author) == (TITLE, "Jane Doe; Rui Roe")
    bare = clean_pdf(_paper(info=False))
    assert (bare.metadata.title, bare.metadata.author) == (TITLE, "Jane Doe, Rui Roe")
    assert not any(block.text == TITLE for block in bare.blocks)  # the title is not the body's first line


def test_a_browser_print_is_still_cleaned_as_a_web_page(tmp_path):
    """What tells a print from a document: the browser's name as its maker, or the address and
    print date it put in the margins; a print's menus go, a document's text stays."""
    menu = [Text(34, 60 + 14 * i, entry, 10, "F2") for i, entry in enumerate(["Home", "World", "Science", "Sign in"])]
    article, _ = _column(34, 160, INTRO + " " + INTRO2, size=10, leading=13, width=540)
    page = menu + article
    printed = clean_pdf(make_pdf([page], {"Title": "Soil water", "Producer": "Skia/PDF m120"}))
    assert "Sign in" not in "\n".join(block.text for block in printed.blocks)
    document = clean_pdf(make_pdf([page], {"Title": "Soil water", "Producer": "LibreOffice 7.6"}))
    assert "Sign in" in "\n".join(block.text for block in document.blocks)


def _word_report() -> bytes:
    """A report a word processor saved as PDF: its info's Title is the file's name, a cover line
    in large type, headings at two sizes, a bulleted list, a table, "Page n of 3" footers."""
    def footer(number: int) -> list[Text]:
        return [Text(260, 770, f"Page {number} of 3", 8, "F2")]

    body, y = _column(72, 150, "The council asked for a short account of the spring survey before it decides "
                      "whether to fund a second season. This report gives the survey's findings and its costs.",
                      size=10, leading=13, width=468)
    first = footer(1) + [Text(72, 90, "Spring Survey of the Northern Basin", 20, "F3"),
                         Text(72, 120, "Prepared for the Basin Council", 11, "F2")] + body
    first += [Text(72, y + 20, "Findings", 14, "F3")]
    findings, y = _column(72, y + 40, "Three findings stand out from the forty transects the teams walked.",
                          size=10, leading=13, width=468)
    first += findings + [Text(72, y + 8 + 14 * index, f"• {item}", 10) for index, item in enumerate([
        "the valley floor holds twice the water of the slopes;",
        "gravel under the slopes drains them within days;",
        "the models overestimate the slopes by a third."])]
    second = footer(2) + [Text(72, 72, "Costs", 14, "F3"), Text(72, 100, "Item", 10), Text(250, 100, "Cost", 10),
                          Text(72, 113, "Field teams", 10), Text(250, 113, "12,400", 10),
                          Text(72, 126, "Laboratory", 10), Text(250, 126, "3,150", 10),
                          Text(72, 150, "Next season", 12, "F3")]
    plan, _ = _column(72, 170, "A second season would add two transects on the eastern slope and repeat the "
                      "forty of this spring.", size=10, leading=13, width=468)
    second += plan
    third = footer(3) + [Text(72, 72, "Contact: survey office, Basin Council, Northtown.", 10)]
    return make_pdf([first, second, third], {"Title": "Microsoft Word - spring-survey-v3.docx",
                                              "Author": "Basin Survey Team",
                                              "Producer": "Microsoft: Print To PDF"})


def test_a_word_processors_report_keeps_its_list_table_and_heading_levels():
    cleaned = clean_pdf(_word_report())
    assert cleaned.metadata.title == "Spring Survey of the Northern Basin"  # not the file's name
    assert cleaned.metadata.author == "Basin Survey Team"
    blocks = [(block.kind, block.level if block.kind == "heading" else 0, block.text) for block in cleaned.blocks]
    # Levels by type size: the title (20 points, the headline) is the first, 14 the second, 12 the third.
    assert ("heading", 2, "Findings") in blocks and ("heading", 2, "Costs") in blocks
    assert ("heading", 3, "Next season") in blocks
    items = [text for kind, _, text in blocks if kind == "item"]
    assert items == ["the valley floor holds twice the water of the slopes;",
                     "gravel under the slopes drains them within days;",
                     "the models overestimate the slopes by a third."]
    assert ("table", 0, "Item | Cost\nField teams | 12,400\nLaboratory | 3,150") in blocks
    assert "Contact: survey office, Basin Council, Northtown." in [text for _, _, text in blocks]
    assert not any("Page " in text for _, _, text in blocks)
