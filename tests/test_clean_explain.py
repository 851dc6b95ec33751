"""What cleaning left out and why: `explain`, `corpus clean --explain`, and `add`'s warning
when a page keeps little of its prose."""
from __future__ import annotations

from indexer.clean import explain, keeps_little
from indexer.load import load

PROSE = ("The committee met on Tuesday to review the proposal, and after a long discussion "
         "it agreed to publish its findings before the end of the month.")
COMMENT = ("I have followed this committee for years and I think the decision was the right one, "
           "although it came far too late for the people who needed it most last winter. ")


def write_page(folder, name="page.html", comments=0):
    """An article of 51 words; `comments` long comments below it, and as many boxes of
    other stories beside it (each far from most of the page, so each is furniture)."""
    thread = "".join(f"<li><p>{COMMENT * 2}</p></li>" for _ in range(comments))
    boxes = "".join(f"<aside><p>{COMMENT * 2}</p></aside>" for _ in range(comments))
    html = ("<html><head><title>Committee publishes its findings | Town News</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>Committee publishes its findings</h1><p>{PROSE}</p>"
            "<div class='share-bar'><a href='#'>Facebook</a> <a href='#'>Twitter</a></div>"
            f"<p>{PROSE} End.</p></article>"
            f"<section class='comments'><h2>Comments</h2><ol>{thread}</ol></section>{boxes}"
            "<footer><p>Contact us at the office.</p></footer></body></html>")
    path = folder / name
    path.write_text(html, encoding="utf-8")
    return path


def test_keeps_little():
    assert keeps_little(10, 100) and keeps_little(40, 120)
    assert not keeps_little(40, 60)       # a short page kept nearly whole
    assert not keeps_little(300, 1000)    # 30% of a long page
    assert keeps_little(100, 1000)        # 10%
    assert not keeps_little(0, 0)


def test_explain_lists_what_was_left_out_in_reading_order(tmp_path):
    document = next(iter(load([str(write_page(tmp_path))])))
    explanation = explain(document)
    assert explanation.title == "Committee publishes its findings"
    assert [b.text for b in explanation.blocks] == [PROSE, f"{PROSE} End."]
    assert [(d.rule, d.after) for d in explanation.dropped] == [
        ("furniture: <nav>", 0), ("the article's title (kept as its title)", 0),
        ("furniture: share", 1), ("furniture: comments", 2), ("furniture: <footer>", 2)]
    assert explanation.words == 2 * len(PROSE.split()) + 1 == 53


def test_explain_of_a_note_without_drops(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("# Shopping\n\nEggs, flour and two lemons for the traybake.\n", encoding="utf-8")
    explanation = explain(next(iter(load([str(note)]))))
    assert explanation.dropped == () and explanation.words == explanation.page_words


def test_clean_explain_shows_each_dropped_block_with_its_rule(cli, tmp_path):
    path = write_page(tmp_path)
    result = cli(tmp_path, "clean", "--explain", str(path))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Committee publishes its findings"
    assert lines[2] == "kept 2 blocks, 53 of 63 words (84%); left out 5 blocks"
    # In reading order: the share bar between the two kept paragraphs.
    assert [line[:32] for line in lines[3:]] == [
        "  - [furniture: <nav>] Home News",
        "  - [the article's title (kept a",
        "  + The committee met on Tuesday",
        "  - [furniture: share] Facebook ",
        "  + The committee met on Tuesday",
        "  - [furniture: comments] Commen",
        "  - [furniture: <footer>] Contac",
        "",
    ]


def test_clean_explain_groups_a_run_and_prints_no_escapes(cli, tmp_path):
    html = ("<html><body><nav>" + "".join(f"<a href='/{i}'>Sec\x1b[31m{i}</a> " for i in range(3))
            + f"</nav><nav><a href='/x'>Other</a></nav><article><p>{PROSE}</p></article></body></html>")
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    out = cli(tmp_path, "clean", "--explain", str(path)).stdout
    assert "\x1b" not in out
    assert "  - [furniture: <nav>] 2 blocks: Sec" in out and "· Other" in out


def test_clean_explain_and_json_are_exclusive(cli, tmp_path):
    result = cli(tmp_path, "clean", "--explain", "--json", str(write_page(tmp_path)))
    assert result.exit_code == 2 and "--explain" in result.stderr


def test_add_warns_when_a_page_keeps_little_and_adds_it(cli, tmp_path):
    path = write_page(tmp_path, "thread.html", comments=3)
    result = cli(tmp_path / "corpus", "add", str(path))
    assert result.exit_code == 0
    assert "1 added" in result.stdout
    warning = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1
    assert warning[0].startswith("corpus: warning: ") and "thread.html keeps 53 of its " in warning[0]
    assert warning[0].endswith(f"corpus clean --explain {path}")


def test_add_says_nothing_for_a_page_kept_whole(cli, tmp_path):
    result = cli(tmp_path / "corpus", "add", str(write_page(tmp_path)))
    assert result.exit_code == 0 and "warning" not in result.stderr
