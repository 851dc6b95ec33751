from indexer.models import Article, Block
from indexer.split import MAX_WORDS, MIN_TAIL_WORDS, body_text, passages, sections

LONGEST = MAX_WORDS + MIN_TAIL_WORDS  # a short tail joins the passage before it
from indexer.text import clean_text
from tests.conftest import REVIEW


def article(*blocks):
    return Article(id="a", source="a.md", kind="markdown", title="T", blocks=tuple(blocks))


def test_heading_paths_nest_and_pop():
    art = article(Block("paragraph", "Lead."), Block("heading", "A", 2), Block("paragraph", "a."),
                  Block("heading", "A1", 3), Block("item", "x", 1), Block("heading", "B", 2),
                  Block("paragraph", "b."))
    got = [(s.heading, s.path, [b.text for b in s.blocks]) for s in sections(art)]
    assert got == [("", (), ["Lead."]), ("A", ("A",), ["a."]), ("A1", ("A", "A1"), ["x"]),
                   ("B", ("B",), ["b."])]


def test_empty_heading_yields_no_passage_but_stays_in_path():
    art = article(Block("heading", "Parent", 2), Block("heading", "Child", 3), Block("paragraph", "Text."))
    assert [(p.headings, p.text) for p in passages(art)] == [(("Parent", "Child"), "Text.")]


def test_long_section_is_cut_at_block_boundaries():
    para = " ".join(["word"] * 90) + "."
    art = article(Block("heading", "H", 2), *[Block("paragraph", para) for _ in range(6)])
    cut = list(passages(art))
    assert len(cut) == 3
    assert all(len(p.text.split()) <= LONGEST for p in cut)
    assert [p.position for p in cut] == [0, 1, 2]
    assert all(p.headings == ("H",) for p in cut)


def test_one_huge_paragraph_is_cut_at_sentences():
    sentence = "This is a sentence of ten words in all here. "
    art = article(Block("paragraph", sentence * 80))
    cut = list(passages(art))
    assert len(cut) >= 3 and all(len(p.text.split()) <= LONGEST for p in cut)
    assert " ".join(p.text for p in cut).split() == (sentence * 80).split()


def test_lists_stay_with_their_section():
    cleaned = clean_text(REVIEW.read_text(encoding="utf-8"))
    art = Article(id="r", source="r", kind="text", title="t", blocks=cleaned.blocks)
    home = next(p for p in passages(art) if p.headings == ("Home Remedies and Natural Solutions",))
    assert "- Magnesium Supplements" in home.text and "- Heat Therapy" in home.text


def test_body_text_keeps_headings_not_title():
    art = article(Block("heading", "Part", 2), Block("item", "x", 1))
    assert body_text(art) == "Part\n\n- x"
