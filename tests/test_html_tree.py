"""The lxml tree and its text: what counts as text, and pages nested past libxml2's cap."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.html import clean_html, tree
from indexer.html.normalize import normalize
from indexer.html.tree import MAX_PARSER_DEPTH, parse, text

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "html").glob("*.html"))
PROSE = ("The committee met on Tuesday to review the proposal, and after a long discussion "
         "it agreed to publish its findings before the end of the month.")


def test_text_leaves_out_comments_scripts_templates_and_ruby_annotations():
    root = parse("<p>a<!-- note -->b<script>var x</script>c<template>t</template>d"
                 "<ruby>漢<rt>kan</rt></ruby>e</p>")
    assert text(root.find(".//p"), " ").split() == ["a", "b", "c", "d", "漢", "e"]


@pytest.mark.parametrize("markup", ["", "   ", "<!-- only a comment -->"])
def test_a_page_without_elements_has_no_tree_and_no_blocks(markup):
    assert parse(markup) is None
    assert clean_html(markup).blocks == ()


def test_text_after_nesting_deeper_than_the_parser_cap_is_kept():
    depth = MAX_PARSER_DEPTH + 500
    html = ("<html><body><p>Before it all.</p>" + "<div>" * depth + PROSE + "</div>" * depth
            + "<p>After it all.</p></body></html>")
    segments = normalize(parse(html)).segments
    assert [s.block.text for s in segments] == ["Before it all.", PROSE, "After it all."]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_the_deep_tree_builder_reads_a_page_as_the_parser_does(path, monkeypatch):
    html = path.read_text(encoding="utf-8")
    expected = clean_html(html)
    monkeypatch.setattr(tree, "_REACHES_LIMIT", lambda root: True)
    assert clean_html(html) == expected


def test_the_deep_tree_builder_keeps_what_lxml_refuses_to_name(monkeypatch):
    monkeypatch.setattr(tree, "_REACHES_LIMIT", lambda root: True)
    html = (f'<html xml:lang="de" xmlns:og="http://ogp.me/ns#"><body>'
            f'<fb:like>Liked.</fb:like><p>{PROSE}</p></body></html>')
    cleaned = clean_html(html)
    assert cleaned.metadata.language == "de"
    assert PROSE in [b.text for b in cleaned.blocks]
