"""A cleaner command that reads HTML pages as a browser's plain text, for eval_snippets.py.

Each page named is turned into the text a browser gives for it (select all and copy: one
line per block, a blank line around paragraphs and headings, table cells split by tabs, no
scripts, styles or hidden elements), written to a temporary .txt file, and cleaned by
`corpus clean --json`; each record's source is set back to its page. This gives the
plain-text cleaner a second, larger set of pages from many sites and languages:

    python ../../shared/eval/extract/eval_snippets.py --cmd "python tests/bench/as_text.py" --halves
    python tests/bench/as_text.py --keep-all PAGE...     # the whole text, uncleaned (the floor)
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import lxml.html
from lxml import etree

SKIP = {"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "iframe",
        "object", "canvas", "select", "option", "button", "input", "textarea"}
BLOCK = {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption",
         "figure", "footer", "form", "header", "hr", "li", "main", "nav", "ol", "pre", "section", "table",
         "ul", "tr", "caption", "summary", "details", "center", "menu"}
SPACED = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def inner_text(html: bytes) -> str:
    """The page's text as a browser's innerText gives it: a block's required line breaks
    (1 around a block, 2 around a paragraph or heading) collapse to the largest of a run."""
    from indexer.decode import declared_charset, decode

    text = re.sub(r"^\s*<\?xml[^>]*>", "", decode(html, declared_charset(html)))  # lxml refuses str with one
    root = lxml.html.fromstring(text)
    parts: list[str | int] = []

    def visit(node, pre: bool) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if not tag or tag in SKIP or node.get("hidden") is not None or _HIDDEN.search(node.get("style") or ""):
            parts.append(_text(node.tail, pre))
            return
        pre = pre or tag == "pre"
        breaks = 2 if tag in SPACED else 1 if tag in BLOCK else 0
        if tag == "br":
            parts.append("\n")
        elif breaks:
            parts.append(breaks)
        parts.append(_text(node.text, pre))
        for child in node:
            visit(child, pre)
        if tag in ("td", "th"):
            parts.append("\t")
        elif breaks:
            parts.append(breaks)
        parts.append(_text(node.tail, pre))

    body = root.find("body")
    visit(body if body is not None else root, False)
    out: list[str] = []
    pending = 0
    for part in parts:
        if isinstance(part, int):
            pending = max(pending, part)
        elif part.strip() or (part and "\n" in part):
            if pending and out:
                out.append("\n" * pending)
            pending = 0
            out.append(part)
        elif part and out and pending == 0:
            out.append(part)
    lines = [line.strip(" ") for line in "".join(out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _text(value: str | None, pre: bool) -> str:
    if not value:
        return ""
    return value if pre else re.sub(r"[ \t\r\n\f]+", " ", value)


def main() -> None:
    args = sys.argv[1:]
    keep_all = args[:1] == ["--keep-all"]
    pages = args[1:] if keep_all else args
    with tempfile.TemporaryDirectory() as tmp:
        sources: dict[str, str] = {}
        for number, page in enumerate(pages):
            try:
                text = inner_text(Path(page).read_bytes())
            except (etree.ParserError, ValueError):
                text = ""
            target = Path(tmp) / f"{number}.txt"
            target.write_text(text, encoding="utf-8")
            sources[str(target)] = page
            if keep_all:
                print(json.dumps({"source": page, "text": text}))
        if keep_all:
            return
        done = subprocess.run([str(Path(sys.executable).with_name("corpus")), "clean", "--json", *sources],
                              capture_output=True, text=True)
        for line in done.stdout.splitlines():
            record = json.loads(line)
            record["source"] = sources.get(record["source"], record["source"])
            print(json.dumps(record))


if __name__ == "__main__":
    main()
