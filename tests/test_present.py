"""What the CLI prints: the sanitiser, wrapping by display width, TREC runs, the progress line."""
import json
import re
from pathlib import Path

import pytest

from search.present import (BOLD, MATCH, RESET, cell_width, elided, json_text, printable, progress_line,
                            shown_source, text_listing, trec_lines, wrapped)
from search.rank import Hit

#: Characters that must never reach a terminal: C0 but tab and newline, DEL, C1, bidi controls.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = ("a\x1b[31mred\x1b[0m b\x1b]0;title\x07 c\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ "
           "d\x9b2J e\x9d0;t\x9c f\u202egnp.exe\u202c g\u2066h\u2069 i\x07\x08\r\x00j\x1bc k\x7f")


def hit(text="", spans=(), rank=1, article_id="a", title="T", headings=(), source="/x/a.txt", url=None,
        score=1.0) -> Hit:
    return Hit(rank=rank, score=score, article_id=article_id, title=title, headings=headings, source=source,
               url=url, text=text, position=0, spans=spans)


def test_printable_removes_sequences_whole_and_every_control():
    clean = printable(HOSTILE)
    assert not FORBIDDEN.search(clean)
    assert clean == "ared b clink d e fgnp.exe gh ij k"


def test_printable_keeps_newlines_and_tabs_unless_one_line():
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("a\tb\nc", one_line=True) == "a b c"


def test_an_unterminated_osc_ends_at_the_line():
    assert printable("x\x1b]0;title\nnext") == "x\nnext"


def test_keep_color_keeps_only_colour_codes():
    painted = f"{BOLD}T\x1b]0;x\x07{RESET} \x1b[2J"
    assert printable(painted, keep_color=True) == f"{BOLD}T{RESET} "


def test_json_text_cleans_every_string_and_stays_json():
    record = json.loads(json_text({"id": HOSTILE, "list": [HOSTILE], HOSTILE: 1}))
    assert not FORBIDDEN.search(json.dumps(record, ensure_ascii=False))
    assert not FORBIDDEN.search(json_text({"id": HOSTILE}))


@pytest.mark.parametrize("text", ["naïve café", "日本語のテキスト", "e\u0301"])
def test_cell_width_counts_columns(text):
    expected = {"naïve café": 10, "日本語のテキスト": 16, "e\u0301": 1}[text]
    assert cell_width(text) == expected


@pytest.mark.parametrize("width", [20, 33, 47, 80])
def test_wrapped_lines_fit_with_and_without_colour(width):
    text = ("Leg twitching, also known as myoclonus, is an involuntary muscle contraction. "
            "Supercalifragilisticexpialidocious-and-then-some-more-hyphenated-words 日本語の長いテキストです。" * 3)
    spans = [(m.start(), m.end()) for m in re.finditer(r"muscle|twitching|日本語", text)]
    plain = wrapped(text, width, False, spans=spans)
    painted = wrapped(text, width, True, spans=spans)
    assert [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in painted] == plain
    assert max(cell_width(line) for line in plain) <= width
    assert " ".join(line.strip() for line in plain).replace(" ", "") == text.replace(" ", "")


def test_matches_are_coloured_even_across_a_line_break():
    lines = wrapped("aaa bbb ccc", 6 + 4, True, spans=[(4, 11)])
    assert lines == ["    aaa", f"    {MATCH}bbb{RESET}", f"    {MATCH}ccc{RESET}"]


def test_listing_never_exceeds_its_width():
    long_hit = hit("word " * 200 + "magnesium", spans=((1000, 1009),), title="A title " * 20,
                   headings=("Heading " * 15,), source="/very/" + "long/" * 40 + "file.txt",
                   url="https://example.org/" + "x" * 150)
    for color in (False, True):
        for width in (20, 40, 79):
            listing = text_listing([long_hit], color, width=width)
            plain = re.sub(r"\x1b\[[0-9;]*m", "", listing)
            assert max(cell_width(line) for line in plain.splitlines()) <= width
    assert "file.txt" in text_listing([long_hit], False, width=40)


def test_source_is_relative_under_the_current_folder(tmp_path):
    assert shown_source(str(tmp_path / "c" / "a.txt"), tmp_path) == "c/a.txt"
    assert shown_source("/elsewhere/a.txt", tmp_path) == "/elsewhere/a.txt"
    assert shown_source("https://example.org/a", tmp_path) == "https://example.org/a"
    assert shown_source("rel/a.txt", tmp_path) == "rel/a.txt"


def test_elided_keeps_the_end():
    assert elided("/a/b/c/file.txt", 9) == "…file.txt"
    assert elided("https://example.org/path", 10, keep_end=False) == "https://e…"


def test_trec_lists_each_article_once_per_query_ranked_from_one():
    hits = [hit(article_id="a", rank=1, score=3), hit(article_id="a", rank=2, score=2),
            hit(article_id="b", rank=3, score=1.5), hit(article_id="a b", rank=4, score=1)]
    lines = [line.split() for line in trec_lines("q 1", hits).splitlines()]
    assert lines == [["q1", "Q0", "a", "1", "3.0000", "corpus-search"],
                     ["q1", "Q0", "b", "2", "1.5000", "corpus-search"],
                     ["q1", "Q0", "ab", "3", "1.0000", "corpus-search"]]


@pytest.mark.parametrize("total", [None, 10, 1000])
def test_progress_line_fits_and_says_rate_and_eta(total):
    line = progress_line(5, total, 0.5, 60)
    assert len(line) <= 60 and "0.5/s" in line
    if total:
        assert f"5/{total}" in line and "ETA" in line
    # Before the rate is known: the count alone, no rate and no time left.
    unknown = progress_line(5, total, None, 60)
    assert "/s" not in unknown and "ETA" not in unknown and "5" in unknown


def test_path_objects_print_too():
    assert printable(Path("/a/b")) == "/a/b"
