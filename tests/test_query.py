"""Parsing queries: what is required, compounds, fuzzy words, and queries with nothing to find."""
import pytest

from indexer.errors import QueryError
from search.query import parse
from tests.rankhelp import build, ranked


def test_hyphenated_word_is_a_compound_not_a_required_phrase():
    clause = parse("plant-based").clauses[0]
    assert (clause.terms, clause.joined, clause.phrase, clause.required) == (("plant", "base"), "plantbas", False, False)


def test_quoted_phrase_is_required_when_it_is_most_of_the_query():
    assert parse('"magnesium supplements" -tea').clauses[0].required
    assert parse('"heart attack" symptoms').clauses[0].required


def test_quoted_phrase_in_a_longer_question_only_ranks():
    parsed = parse('Minimum "Recommended Daily Allowance" of antioxidants for older people')
    assert not parsed.required


def test_field_word_is_required():
    assert parse("title:magnesium cramps").clauses[0].required


def test_fuzzy_word():
    clause = parse("magnesum~").clauses[0]
    assert (clause.terms, clause.fuzzy) == (("magnesum",), 2)
    assert parse("tea~1").clauses[0].fuzzy == 1


@pytest.mark.parametrize("text", ["the of and", "?!", "how do you do", '""'])
def test_nothing_to_search_for_is_a_clear_error(text):
    with pytest.raises(QueryError, match="nothing to search for"):
        parse(text)


def test_only_excluded_words_is_a_clear_error():
    with pytest.raises(QueryError, match="only excludes"):
        parse("-tea")


@pytest.fixture
def igf(tmp_path):
    return build(tmp_path, {
        "igf": "Diets and IGF-1\n\nA diet built on plants lowers IGF-1 levels in the blood within weeks.",
        "plantbased": "Plant-based eating\n\nA plant-based diet lowers the risk of heart disease.",
        "other": "Running shoes\n\nHow to choose running shoes for long distances.",
    })


def test_natural_question_with_hyphens_finds_passages(igf):
    found = ranked(igf, "How Plant-Based to Lower IGF-1?")
    assert set(found[:2]) == {"igf", "plantbased"}


def test_compound_matches_spaced_and_joined_spellings(igf):
    assert ranked(igf, "IGF 1")[0] == "igf"
    assert ranked(igf, "plantbased") == ["plantbased"]


def test_required_phrase_that_matches_nothing_falls_back_to_ranking(igf):
    assert ranked(igf, '"plant lowers"') == ["igf"]  # "plants lowers" is in igf; the phrase is nowhere
    assert ranked(igf, '"built on plants"') == ["igf"]


def test_required_phrase_filters(igf):
    assert ranked(igf, '"plant-based diet"') == ["plantbased"]
    assert ranked(igf, '"diet lowers" -heart') == []  # only plantbased says it, and it says heart too


def test_fuzzy_word_finds_the_close_spelling(igf):
    assert ranked(igf, "runing~") == ["other"]
    assert ranked(igf, "runing") == []
