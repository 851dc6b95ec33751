"""PDF cleaning (indexer/pdf) end to end, on small PDFs written by each test (tests/pdfmaker.py)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from indexer import pipeline
from indexer.clean import clean
from indexer.load import document_from_bytes
from indexer.pdf import NoTextLayer, clean_pdf
from indexer.split import body_text, passages
from tests.pdfmaker import Image, Text, make_pdf, paragraph

HEADER = "Quarterly Field Report"


def _report() -> bytes:
    """Two pages: running header and footer with page numbers, headings, a word hyphenated at
    a line's end, a table, and a paragraph that a page break cuts."""
    def frame(number: int) -> list[Text]:
        return [Text(72, 40, HEADER, 9, "F2"), Text(260, 770, f"Page {number} of 2", 9, "F2")]

    first = frame(1) + [Text(72, 100, "Soil moisture survey", 16, "F3")] + paragraph(72, 130, [
        "Field teams walked forty transects across the northern basin in early spring",
        "and took soil cores every two hundred metres. Each core was weighed wet and",
        "dry, and the difference gives the water it held. The survey repeats the measure-",
        "ments of last year so that the two seasons can be compared site by site.",
    ]) + [Text(72, 210, "Site", 10), Text(200, 210, "Depth", 10), Text(320, 210, "Moisture", 10),
          Text(72, 223, "North", 10), Text(200, 223, "10 cm", 10), Text(320, 223, "23%", 10),
          Text(72, 236, "South", 10), Text(200, 236, "10 cm", 10), Text(320, 236, "31%", 10)] + paragraph(72, 700, [
        "The wettest cores came from the southern edge, where the river floods each",
        "winter and leaves fine silt behind. Drainage there is slow, and the teams",
    ])
    second = frame(2) + paragraph(72, 100, [
        "found standing water in six of the eleven pits they dug along the riverbank.",
        "Next year the survey will add two transects on the eastern slope of the hill.",
    ]) + [Text(72, 160, "Next steps", 14, "F3")] + paragraph(72, 185, [
        "The basin council will fund a second season if the spring results hold, and",
        "the teams will share their cores with the university laboratory in autumn.",
    ])
    return make_pdf([first, second], {"Title": HEADER, "Author": "Basin Survey Team"})


def test_headings_come_from_the_outline_when_the_document_has_one():
    body = [Text(72, 40, "Method", 10)] + paragraph(72, 60, [
        "Each site was visited twice, once after the thaw and once in the dry weeks of",
        "midsummer, and the same three cores were taken at every visit.",
    ]) + [Text(72, 110, "Results", 10)] + paragraph(72, 130, [
        "The thaw cores held twice the water of the summer cores at every site.",
    ])
    data = make_pdf([body], {"Title": "Two visits"}, outline=[("Method", 0), ("Results", 0)])
    blocks = clean_pdf(data).blocks
    assert [(block.text, block.level) for block in blocks if block.kind == "heading"] == [("Method", 1), ("Results", 1)]


def _article(data: bytes, name: str = "report.pdf"):
    return clean(document_from_bytes(data, name, "pdf", "report"))


def test_two_page_report_loses_its_running_lines_and_keeps_its_text():
    article = _article(_report())
    body = body_text(article)
    assert HEADER not in body and "Page 1 of 2" not in body and "Page 2 of 2" not in body
    # The hyphenated word is whole again, and the paragraph the page break cut is one.
    assert "repeats the measurements of last year" in body
    assert "Drainage there is slow, and the teams found standing water in six" in body
    # The table is kept as one, a row a line, its cells in order.
    tables = [block.text for block in article.blocks if block.kind == "table"]
    assert tables == ["Site | Depth | Moisture\nNorth | 10 cm | 23%\nSouth | 10 cm | 31%"]
    headings = [(block.text, block.page) for block in article.blocks if block.kind == "heading"]
    assert headings == [("Soil moisture survey", 1), ("Next steps", 2)]
    assert article.title == HEADER and article.author == "Basin Survey Team"
    pages = {passage.headings[-1]: passage.page for passage in passages(article)}
    assert pages == {"Soil moisture survey": 1, "Next steps": 2}


def test_the_running_lines_are_recorded_as_dropped_in_reading_order():
    cleaned = clean_pdf(_report())
    taken = [(item.text, item.rule, item.after) for item in cleaned.dropped if item.rule.startswith("running")]
    assert (HEADER, "running-header", 0) in taken
    footer = next(item for item in taken if item[0] == "Page 1 of 2")
    assert footer[1] == "running-footer" and footer[2] > 0  # after page 1's text


def _browser_print(url: str = "https://news.example.org/space/2019/11/mars-lake") -> bytes:
    """An article as Chromium's "Save as PDF" prints it: date and title atop each sheet, URL and
    n/N below; a menu above the article; the last paragraph of sheet 1 going on on sheet 2."""
    title = "Mars rover finds an ancient lake bed - Space Desk"

    def frame(number: int) -> list[Text]:
        return [Text(24, 22, "11/20/19, 9:14 AM", 8, "F2"), Text(220, 22, title, 8, "F2"),
                Text(24, 776, url, 8, "F2"), Text(570, 776, f"{number}/2", 8, "F2")]

    menu = [Text(34, 60 + 14 * i, entry, 10, "F2") for i, entry in enumerate(
        ["Home", "World", "Science", "Space", "Sign in", "Subscribe"])]
    first = frame(1) + menu + [Text(34, 180, "Mars rover finds an ancient lake bed", 22, "F3"),
                               Text(34, 205, "By Jane Doe", 10, "F2")] + paragraph(34, 240, [
        "The rover drilled into a layered outcrop at the foot of the crater wall this week,",
        "and its instruments found clay minerals that form only in standing water. The",
        "team says the outcrop held a lake for thousands of years, long enough for the",
        "fine sediment to settle in the thin bands that the cameras can see from orbit.",
    ]) + paragraph(34, 310, [
        "Scientists chose the crater because orbiters had mapped a delta at its western",
        "edge, where a river once spilled into the basin. The new samples are the first",
    ]) + [Image(34, 360, 12, 12), Text(47, 370, "Photo of the drill site", 10, "F2")]
    second = frame(2) + paragraph(34, 60, [
        "taken from the lake floor itself, and they will wait in sealed tubes for a later",
        "mission to bring them back to laboratories on Earth for closer study.",
    ]) + [Text(34, 110, "Share this article", 10, "F2"), Text(34, 124, "Copyright 2019 Space Desk", 10, "F2")]
    return make_pdf([first, second], {"Title": title, "Creator": "Mozilla/5.0 HeadlessChrome/120",
                                      "Producer": "Skia/PDF m120"})


def test_a_browser_printed_article_keeps_the_article_and_what_the_browser_said():
    article = _article(_browser_print(), "mars.pdf")
    body = body_text(article)
    assert body.startswith("The rover drilled into a layered outcrop")
    assert "The new samples are the first taken from the lake floor itself" in body
    for furniture in ("11/20/19", "Space Desk", "news.example.org", "1/2", "Photo of the drill site", "Subscribe"):
        assert furniture not in body
    assert article.title == "Mars rover finds an ancient lake bed"
    assert article.url == "https://news.example.org/space/2019/11/mars-lake"
    assert article.author == "Jane Doe"


def test_a_browser_print_is_dated_by_its_address_before_the_day_it_was_printed():
    # The print date (11/20/19 on every sheet) is only the day it was printed; an address
    # filed by day states the article's own.
    dated = _article(_browser_print("https://news.example.org/2019/11/18/mars-lake"), "mars.pdf")
    assert dated.published == "2019-11-18"
    assert _article(_browser_print(), "mars.pdf").published == "2019-11-20"


def _scan() -> bytes:
    return make_pdf([[Image(0, 0, 612, 792)], [Image(0, 0, 612, 792)]], {"Producer": "ScanSnap"})


def test_a_pdf_without_text_is_skipped_with_one_line():
    with pytest.raises(NoTextLayer, match="no text layer"):
        clean_pdf(_scan())


def test_corpus_add_skips_a_scan_and_a_damaged_pdf_with_one_line_each(tmp_path, cli):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(_scan())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage, then the end")
    alone = cli(tmp_path / "c", "add", str(folder / "scan.pdf"))
    assert alone.exit_code == 1
    assert "no text layer (a scan?); corpus-search does no OCR" in alone.output
    assert "Traceback" not in alone.output
    (folder / "report.pdf").write_bytes(_report())
    mixed = cli(tmp_path / "c", "add", str(folder))
    assert mixed.exit_code == 0
    lines = mixed.output.splitlines()
    assert [line for line in lines if "broken.pdf" in line] == [
        next(line for line in lines if "broken.pdf" in line)]
    assert "damaged PDF" in next(line for line in lines if "broken.pdf" in line)
    assert "1 added, 0 updated, 0 unchanged, 2 skipped" in mixed.output


def test_an_encrypted_pdf_is_skipped_with_one_line(tmp_path, cli):
    (tmp_path / "locked.pdf").write_bytes(make_pdf([[Text(72, 72, "Secret minutes of the meeting.")]],
                                                   password="hunter2"))
    result = cli(tmp_path / "c", "add", str(tmp_path / "locked.pdf"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert [line for line in result.output.splitlines() if "locked.pdf" in line] == [
        f"corpus: skipped {tmp_path / 'locked.pdf'}: encrypted PDF (it needs a password); corpus-search reads only open PDFs"]


def test_search_results_cite_the_page(tmp_path, cli):
    (tmp_path / "report.pdf").write_bytes(_report())
    assert cli(tmp_path / "c", "add", str(tmp_path / "report.pdf")).exit_code == 0
    shown = cli(tmp_path / "c", "search", "university laboratory autumn", "--color", "never", "--limit", "1")
    assert shown.exit_code == 0
    assert "report.pdf#page=2" in shown.output
    found = json.loads(cli(tmp_path / "c", "search", "university laboratory autumn", "--json").stdout)
    first = found["results"][0]
    assert first["page"] == 2 and first["source"].endswith("report.pdf")
    assert json.loads(cli(tmp_path / "c", "search", "soil cores transects", "--json").stdout)["results"][0]["page"] == 1


@pytest.mark.skipif(pipeline.workers() < 2, reason="needs two cores for a pool")
def test_worker_processes_get_the_pdfs_bytes_on_add_and_reindex(tmp_path, cli, monkeypatch):
    """A PDF's bytes reach the worker process that cleans it (a text kind's stay behind)."""
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 2_000)  # a chunk a PDF: every worker gets some
    folder = tmp_path / "in"
    folder.mkdir()
    count = pipeline.CHUNK + 2  # fewer than a chunk's worth are cleaned in the parent
    for number in range(count):
        (folder / f"report-{number:02}.pdf").write_bytes(_report().replace(b"Quarterly", b"Quarter%02d" % number, 1))
    added = cli(tmp_path / "c", "add", str(folder))
    assert added.exit_code == 0 and f"{count} added, 0 updated, 0 unchanged, 0 skipped" in added.output
    assert cli(tmp_path / "c", "reindex").exit_code == 0
    found = json.loads(cli(tmp_path / "c", "search", "university laboratory", "--json", "--per-doc", "1",
                           "--limit", str(count)).stdout)
    assert len(found["results"]) == count and {hit["page"] for hit in found["results"]} == {2}


def test_search_does_not_import_the_pdf_library(tmp_path):
    code = ("import sys; from search.cli import main; sys.argv = ['corpus', '--corpus', sys.argv[1], 'search', 'x'];\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nassert 'pypdfium2' not in sys.modules")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "note.txt").write_text("A note about x and y.\n")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "c")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _order(data: bytes) -> list[str]:
    """The PDF's lines, in the reading order the layout step gives them."""
    from indexer.pdf.layout import lines, reading_order
    from indexer.pdf.read import read_pdf

    return [line.text for line in reading_order(lines([span for page in read_pdf(data).pages for span in page.spans]))]


OPENING = [
    "The harbour board voted on Tuesday night to close the old ferry pier for repairs,",
    "after divers found that two of its timber piles had rotted through at the waterline.",
]


def test_a_menu_and_headline_drawn_after_the_articles_opening_are_read_before_it():
    """A page's markup may put the article first and its menu and headline after it, placed
    above by the style sheet: what is printed above is read first, as a reader reads it."""
    rest = [
        "The pier will stay closed until the spring, and the ferry will use the fishing quay.",
        "Repairs are expected to cost less than a new pier, the board's engineer told members.",
    ]
    page = (paragraph(34, 300, OPENING) + paragraph(34, 340, rest)
            + [Text(34, 60 + 14 * i, entry, 10, "F2") for i, entry in enumerate(["Home", "News", "Sport", "Weather"])]
            + [Text(34, 200, "Old ferry pier to close for repairs", 20, "F3"), Text(34, 230, "By Ann Lee", 10, "F2")])
    order = _order(make_pdf([page]))
    assert order[:6] == ["Home", "News", "Sport", "Weather", "Old ferry pier to close for repairs", "By Ann Lee"]
    assert order[6:8] == OPENING
    article = _article(make_pdf([page], {"Title": "Old ferry pier to close for repairs | Harbour News",
                                         "Producer": "Skia/PDF m120"}), "pier.pdf")
    assert body_text(article).startswith(" ".join(OPENING))
    assert article.title == "Old ferry pier to close for repairs"


def test_side_by_side_columns_keep_their_order_and_text_printed_over_text_is_not_interleaved():
    left = paragraph(40, 100, ["Left column first line", "left column second line", "left column third line"])
    right = paragraph(320, 100, ["Right column first line", "right column second line", "right column third"])
    title = [Text(40, 60, "A title across both columns", 16, "F3")]
    assert _order(make_pdf([title + left + right])) == [
        "A title across both columns", *(t.text for t in left), *(t.text for t in right)]
    # A menu drawer printed over the article (drawn first, the article after, each going down
    # the page) stays whole, not shuffled line by line into the article.
    drawer = paragraph(40, 100, ["Home", "Sections", "Weather", "Puzzles", "Sign in"], leading=20)
    article = paragraph(40, 110, ["The council met at noon and", "agreed the budget for next",
                                  "year after a long debate."], leading=30)
    assert _order(make_pdf([drawer + article])) == [t.text for t in drawer + article]


def test_a_menu_row_at_the_articles_left_edge_does_not_widen_its_column():
    """Wrapped lines are joined when they run to their column's edge: a wide row of menu cells
    starting at the same left edge is not that column (the column would seem to end early)."""
    menu = [Text(40 + 110 * i, 50, entry, 10, "F2") for i, entry in enumerate(
        ["Popular diets", "Effective diets", "Fashionable diets", "About losing weight", "Services"])]
    column = paragraph(40, 100, [
        "This diet came to us from the west and",
        "limits how much carbohydrate you eat. Unlike",
        "other diets it takes your own body into",
        "account, and it asks you to stop taking any",
        "medicine in its first two weeks.",
    ])
    body = body_text(_article(make_pdf([menu + column], {"Title": "The diet"}), "diet.pdf"))
    assert "This diet came to us from the west and limits how much carbohydrate you eat. Unlike other diets it" in body


def test_korean_wrapped_inside_a_word_is_joined_without_a_space():
    """A browser wraps Korean between any two syllables: a line broken inside a word is closed
    up, one broken between words (a word the document writes whole elsewhere, or one ending
    in a particle) keeps its space."""
    from collections import Counter

    from indexer.pdf.layout import join_lines

    words = Counter({"공개한다는": 0, "사진": 3, "자신의": 2, "엘제이는": 1})
    assert join_lines("사진을 SNS에 공개한", "다는 건 분명한", words) == "사진을 SNS에 공개한다는 건 분명한"
    assert join_lines("엘제이의 일방적인", "사진 공개로부터", words) == "엘제이의 일방적인 사진 공개로부터"
    assert join_lines("하지만 엘제이는", "자신의 행동에", words) == "하지만 엘제이는 자신의 행동에"
    assert join_lines("그 사람의 용기를", "얻습니다", words) == "그 사람의 용기를 얻습니다"
    assert join_lines("a line of English", "text goes on", words) == "a line of English text goes on"


def test_damaged_truncated_garbage_and_pageless_pdfs_are_skipped_with_one_line_each(tmp_path, cli):
    whole = _report()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "half.pdf").write_bytes(whole[: len(whole) // 2])  # an unfinished download
    (folder / "noise.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    (folder / "pageless.pdf").write_bytes(make_pdf([]))
    (folder / "good.pdf").write_bytes(whole)
    result = cli(tmp_path / "c", "add", str(folder))
    assert result.exit_code == 0 and "Traceback" not in result.output
    said = {name: [line for line in result.output.splitlines() if name in line]
            for name in ("half.pdf", "noise.pdf", "pageless.pdf")}
    assert said == {
        "half.pdf": [(f"corpus: skipped {folder / 'half.pdf'}: damaged PDF: it ends early (an unfinished download?) "
                      "and cannot be opened")],
        "noise.pdf": [f"corpus: skipped {folder / 'noise.pdf'}: damaged PDF: it cannot be opened"],
        "pageless.pdf": [f"corpus: skipped {folder / 'pageless.pdf'}: damaged PDF: it cannot be opened"],
    }
    assert "1 added, 0 updated, 0 unchanged, 3 skipped" in result.output


def test_a_page_pdfium_cannot_load_is_left_out_and_the_others_are_read(monkeypatch, tmp_path, cli):
    two = make_pdf([paragraph(72, 72, ["The first page tells of the harbour and its boats."]),
                    paragraph(72, 72, ["The second page is damaged beyond reading."])])
    import pypdfium2 as pdfium

    from indexer.pdf import read

    real = read._spans

    def second_fails(raw, textpage, number, height):
        if number == 2:
            raise pdfium.PdfiumError("Failed to load text page.")
        return real(raw, textpage, number, height)

    monkeypatch.setattr(read, "_spans", second_fails)
    cleaned = clean_pdf(two)
    assert [block.text for block in cleaned.blocks] == ["The first page tells of the harbour and its boats."]
    assert ("page 2", "unreadable-page") in [(item.text, item.rule) for item in cleaned.dropped]
    # When no page can be read, the file is one line naming it, as any skipped file.
    monkeypatch.setattr(read, "_spans", lambda *args: (_ for _ in ()).throw(pdfium.PdfiumError("Failed.")))
    (tmp_path / "ruined.pdf").write_bytes(two)
    result = cli(tmp_path / "c", "add", str(tmp_path / "ruined.pdf"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"corpus: skipped {tmp_path / 'ruined.pdf'}: damaged PDF: none of its pages can be read" in result.output


def test_a_pdf_past_the_page_or_character_limit_is_one_line(monkeypatch):
    from indexer.errors import UnsupportedFormat
    from indexer.pdf import read

    monkeypatch.setattr(read, "MAX_PAGES", 1)
    with pytest.raises(UnsupportedFormat, match="^PDF has 2 pages; corpus-search reads at most 1$"):
        clean_pdf(_report())
    monkeypatch.setattr(read, "MAX_PAGES", 10)
    monkeypatch.setattr(read, "MAX_CHARS", 500)
    with pytest.raises(UnsupportedFormat, match="^PDF has more than 500 characters of text"):
        clean_pdf(_report())


def test_a_500_page_pdf_is_read_whole_each_paragraph_citing_its_page():
    """Every page's paragraphs are kept, in order, with their own page; the running lines of
    500 sheets go (the steps after reading are linear in the document's length)."""
    pages = []
    for number in range(1, 501):
        pages.append([Text(72, 40, "Annual Basin Report", 9, "F2"), Text(280, 770, f"Page {number} of 500", 9, "F2")]
                     + paragraph(72, 100, [f"Section {number:03} opens with the survey of site {number:03}, where the",
                                           f"teams took {number % 7 + 3} cores along the river bank and weighed each",
                                           f"core wet and dry to find the water it held ({number} g)."]))
    cleaned = clean_pdf(make_pdf(pages, {"Title": "Annual Basin Report"}))
    body = [block for block in cleaned.blocks if block.text.startswith("Section ")]
    assert len(body) == 500
    assert [block.page for block in body] == list(range(1, 501))
    assert body[411].text == ("Section 412 opens with the survey of site 412, where the teams took 9 cores along "
                              "the river bank and weighed each core wet and dry to find the water it held (412 g).")
    assert not any("Page " in block.text or "Annual Basin" in block.text for block in cleaned.blocks)


def test_cut_and_corrupted_pdfs_raise_only_the_projects_errors():
    """A PDF cut short anywhere, or with bytes overwritten, is cleaned or refused with a
    CorpusError (one line at the CLI), never another exception."""
    import random

    from indexer.errors import CorpusError

    whole = _report()
    rng = random.Random(16)
    damaged = [whole[:cut] for cut in range(9, len(whole), len(whole) // 25)]
    for _ in range(25):
        data = bytearray(whole)
        for _ in range(rng.randrange(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        damaged.append(bytes(data))
    for data in damaged:
        try:
            clean_pdf(data)
        except CorpusError:
            pass
