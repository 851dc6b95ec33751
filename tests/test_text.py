from indexer.text import clean_text
from tests.conftest import REVIEW, TWITCHES

REVIEW_HEADINGS = [
    "Understanding Leg Twitches and Their Impact",
    "Defining Leg Twitches",
    "When to Seek Medical Attention",
    "Leg Twitch – Symptom Review: Common Causes",
    "Nutritional Deficiencies",
    "Stress and Anxiety Factors",
    "Medical Conditions Linked to Leg Twitching",
    "Effective Relief Options for Leg Twitching",
    "Lifestyle Changes to Reduce Occurrences",
    "Home Remedies and Natural Solutions",
    "Preventive Measures to Avoid Leg Twitching",
]


def headings(cleaned):
    return [b.text for b in cleaned.blocks if b.kind == "heading"]


def test_review_headings_are_found():
    cleaned = clean_text(REVIEW.read_text(encoding="utf-8"))
    assert cleaned.metadata.title == "Leg Twitch Symptom Review: Causes & Relief Options"
    assert headings(cleaned) == REVIEW_HEADINGS


def test_line_introducing_a_list_is_not_a_heading():
    cleaned = clean_text(REVIEW.read_text(encoding="utf-8"))
    intro = next(b for b in cleaned.blocks if b.text.startswith("Common symptoms"))
    assert intro.kind == "paragraph"
    after = cleaned.blocks[cleaned.blocks.index(intro) + 1]
    assert after == after.__class__("item", "Involuntary muscle contractions", 1)


def test_twitches_title_once_author_kept_bio_dropped():
    cleaned = clean_text(TWITCHES.read_text(encoding="utf-8"))
    assert cleaned.metadata.title == "TWITCHES IN YOUR BODY"
    assert cleaned.metadata.author == "Charlotte Cremers"
    body = "\n".join(b.text for b in cleaned.blocks)
    assert "TWITCHES IN YOUR BODY" not in body
    for boilerplate in ("Latest posts", "University of Tartu", "Sleep specialist", "sudoku", "Latest from",
                        "Charlotte"):
        assert boilerplate not in body


def test_twitches_question_headings():
    cleaned = clean_text(TWITCHES.read_text(encoding="utf-8"))
    assert headings(cleaned) == ["Is it something to be concerned about?",
                                 "If it keeps happening should we seek medical help?",
                                 "Are there ways to prevent it?"]
    assert [b.text for b in cleaned.blocks if b.kind == "item"][:3] == ["Anxiety and stress", "Dehydration",
                                                                        "Some medications"]


def test_byline_becomes_author():
    cleaned = clean_text("A Night of Cramps\n\nBy Jane Doe\n\nCramps come at night. They hurt a lot.\n")
    assert cleaned.metadata.author == "Jane Doe"
    assert [b.text for b in cleaned.blocks] == ["Cramps come at night. They hurt a lot."]


def test_hard_wrapped_paragraph_is_one_block():
    cleaned = clean_text("Title\n\nThis sentence is wrapped\nacross two lines.\n")
    assert [b.text for b in cleaned.blocks] == ["This sentence is wrapped across two lines."]


def test_boilerplate_early_in_the_text_is_kept():
    text = "Notes\n\nRelated posts are a theme of this essay, which is long.\n" + "More text here. " * 20 + "\n"
    cleaned = clean_text(text)
    assert any("Related posts" in b.text for b in cleaned.blocks)
