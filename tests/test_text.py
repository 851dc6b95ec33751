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


def _article(path):
    from indexer.clean import clean
    from indexer.models import Document

    return clean(Document(id=path.stem, source=str(path), kind="text", text=path.read_text(encoding="utf-8")))


def _section_sizes(article):
    from indexer.split import sections

    return [(s.heading, sum(len(b.text.split()) for b in s.blocks)) for s in sections(article)]


def test_review_sections_are_pinned():
    article = _article(REVIEW)
    assert article.title == "Leg Twitch Symptom Review: Causes & Relief Options"
    assert _section_sizes(article) == [
        ("", 79), ("Understanding Leg Twitches and Their Impact", 60), ("Defining Leg Twitches", 85),
        ("When to Seek Medical Attention", 74), ("Leg Twitch – Symptom Review: Common Causes", 47),
        ("Nutritional Deficiencies", 53), ("Stress and Anxiety Factors", 42),
        ("Medical Conditions Linked to Leg Twitching", 41), ("Effective Relief Options for Leg Twitching", 39),
        ("Lifestyle Changes to Reduce Occurrences", 97), ("Home Remedies and Natural Solutions", 112),
        ("Preventive Measures to Avoid Leg Twitching", 103)]


def test_twitches_sections_are_pinned():
    article = _article(TWITCHES)
    assert (article.title, article.author) == ("TWITCHES IN YOUR BODY", "Charlotte Cremers")
    assert _section_sizes(article) == [
        ("", 125), ("Is it something to be concerned about?", 23),
        ("If it keeps happening should we seek medical help?", 30), ("Are there ways to prevent it?", 21)]


def _kept_lines(path, first, last):
    """The sample's lines from `first` up to and including `last`: the article as a reader sees it."""
    lines = [line.strip().lstrip("•-").strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    return lines[lines.index(first):lines.index(last) + 1]


def test_samples_lose_no_line_of_their_articles():
    for path, first, last in (
            (REVIEW, "Leg twitching, also known as myoclonus, is an involuntary muscle contraction. It can be annoying "
                     "and disrupt your day. This leg twitch symptom review looks into the causes of leg twitching. "
                     "We’ll cover everything from nutritional issues to stress and anxiety.",
             "Eating right is another important step. Foods high in magnesium, calcium, and potassium are good for "
             "muscles. Drinking enough water and eating leafy greens, nuts, and whole grains helps too. These steps "
             "can greatly improve your life and prevent twitching."),
            (TWITCHES, "Why we sometimes get twitches in parts of our body such as in the legs and what it means – and "
                       "if there can be different reasons for it.", "Warm up and cool down if an exerciser.")):
        body = [block.text for block in clean_text(path.read_text(encoding="utf-8")).blocks]
        assert body == _kept_lines(path, first, last)
