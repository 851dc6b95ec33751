"""Cost linear in the input: pages built to hit quadratic or recursive paths finish.

These check behaviour, not timing: each would take minutes (or raise RecursionError)
with the old quadratic steps, and takes about a second now.
"""
from __future__ import annotations

import json

from indexer.html import clean_html
from indexer.html.metadata import MAX_JSON_LD_DEPTH

PROSE = ("The committee met on Tuesday to review the proposal, and after a long discussion "
         "it agreed to publish its findings before the end of the month.")


def test_tables_nested_20000_deep_finish():
    # bs4's `descendants` walked to the subtree's last leaf at every table: quadratic.
    depth = 20_000
    html = "<html><body>" + "<table><tr><td>" * depth + PROSE + "</td></tr></table>" * depth
    blocks = clean_html(html + "</body></html>").blocks
    assert [b.text for b in blocks] == [PROSE]


def test_tables_nested_with_a_cell_of_text_at_each_level():
    depth = 3_000
    html = "<table><tr><td>cell " * depth + "x" + "</td></tr></table>" * depth
    assert len(clean_html(html).blocks) == depth


def test_huge_article_body_is_matched_in_linear_time():
    # The articleBody was searched once per paragraph: paragraphs x body characters.
    paragraphs = [f"{i} {PROSE}" for i in range(8_000)]
    ld = json.dumps({"@type": "NewsArticle", "articleBody": " ".join(paragraphs)})
    html = (f'<html><head><script type="application/ld+json">{ld}</script></head><body>'
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>")
    assert len(clean_html(html).blocks) == len(paragraphs)


def _json_ld_page(ld: str) -> str:
    return (f'<html><head><script type="application/ld+json">{ld}</script>'
            f'<meta name="author" content="Ada Lovelace"></head><body><p>{PROSE}</p></body></html>')


def test_json_ld_nested_5000_deep_is_skipped_not_a_recursion_error():
    for ld in ('{"a":' * 5000 + "1" + "}" * 5000, "[" * 5000 + "]" * 5000,
               '{"@type":"NewsArticle","author":' + '{"name":' * 5000 + '"X"' + "}" * 5001):
        cleaned = clean_html(_json_ld_page(ld))
        assert [b.text for b in cleaned.blocks] == [PROSE]
        assert cleaned.metadata.author == "Ada Lovelace"  # the other sources still count


def test_json_ld_within_the_depth_limit_is_read():
    depth = MAX_JSON_LD_DEPTH - 5
    ld = ('[{"@type":"NewsArticle","author":{"@type":"Person","name":"Grace Hopper"}},'
          + '{"x":' * depth + "1" + "}" * depth + "]")
    assert clean_html(_json_ld_page(ld)).metadata.author == "Grace Hopper"


def test_brackets_inside_json_strings_do_not_count_as_depth():
    ld = json.dumps({"@type": "NewsArticle", "headline": "[" * 5000,
                     "author": {"@type": "Person", "name": "Grace Hopper"}})
    assert clean_html(_json_ld_page(ld)).metadata.author == "Grace Hopper"


def test_a_cleaned_page_leaves_no_tree_for_the_cyclic_collector():
    # The parse tree is lxml's (C memory, no Python cycles), freed with its last reference:
    # a tree left in cycles (as bs4's was) had every page's nodes scanned again by the
    # collector's runs.
    import gc

    html = ("<!DOCTYPE html><html><head><title>T</title></head><body>"
            + "".join(f"<div class='c{i}'><p>{PROSE}</p><a href='/{i}'>link {i}</a></div>"
                      for i in range(300)) + "</body></html>")
    clean_html(html)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        clean_html(html)
        freed = gc.collect()
    finally:
        if enabled:
            gc.enable()
    assert freed < 100  # no tree of 1,200 nodes


def _link_page(links: int) -> str:
    items = "".join(f'<li><a href="https://example.org/p/{n}">Link number {n}</a></li>\n' for n in range(links))
    bare = "".join(f'<a href="/t/{n}">tag {n}</a><br>\n' for n in range(links // 4))
    return (f"<html><head><title>Many links</title></head><body><nav><ul>{items}</ul></nav>"
            f"<article><h1>Many links</h1><p>{PROSE}</p><p>{PROSE} Again.</p></article>"
            f"<footer>{bare}</footer></body></html>")


def test_a_page_of_200000_links_is_cleaned_in_bounded_memory():
    """A bs4 tree is some 2 KB a node: 200,000 links took 455 MiB to parse (600 MiB all
    told). Their long runs are cut before the tree is built; the article is the same.

    The peak is the child's own (VmHWM): its ru_maxrss starts at the peak of the process
    that spawned it (Linux carries it across exec), which in a full test run is pytest's."""
    import subprocess
    import sys

    code = ("from indexer.html import clean_html; "
            "from tests.test_html_cost import _link_page; "
            "blocks = clean_html(_link_page(200_000)).blocks; "
            "status = open('/proc/self/status').read(); "
            "print(int(status.split('VmHWM:')[1].split()[0]) // 1024); "
            "print(len(blocks))")
    from tests.conftest import REPO

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr
    peak_mib, blocks = map(int, done.stdout.split())
    assert blocks == 2 and peak_mib < 250, (peak_mib, blocks)


def test_cutting_long_runs_of_links_changes_nothing_extracted(monkeypatch):
    """Forced onto a page of a few thousand links, and onto one nested 2,000 tables deep,
    the cut runs leave the same blocks and metadata."""
    from indexer.html import reduce as reducer

    for html in (_link_page(3_000), "<table><tr><td>" * 2_000 + PROSE + "</td></tr></table>" * 2_000):
        monkeypatch.setattr(reducer, "HUGE_TAGS", 10 ** 9)
        whole = clean_html(html)
        monkeypatch.setattr(reducer, "HUGE_TAGS", 0)
        cut = clean_html(html)
        # What was kept is the same; the list of what was left out is shorter by the cut links.
        assert reducer.is_huge(html) and (cut.metadata, cut.blocks) == (whole.metadata, whole.blocks)
