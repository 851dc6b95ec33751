"""List the snippets-dev pages whose article the HTML cleaner loses where keeping all would not.

A page is lost when the cleaner's text holds under half of its "with" snippets (recall
< 0.5, snippets matched as eval_snippets.py matches them: whitespace-normalised
substrings) while all the text under its <body> holds at least half. "All the text" is
read two ways: as shown (scripts, styles and <noscript> left out) and raw (every text
node, script text too); a page counts when either keeps half. Each page is listed with
its half (by sha256 of its id, as eval_snippets.py --halves splits them).

    python tests/bench/lost_pages.py
    python tests/bench/lost_pages.py --data ../shared/eval/extract/snippets-dev
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from indexer.decode import decode, declared_charset  # noqa: E402
from indexer.html import clean_html  # noqa: E402
from indexer.split import render  # noqa: E402

DEFAULT_DATA = next((folder / "shared" / "eval" / "extract" / "snippets-dev" for folder in ROOT.parents
                     if (folder / "shared" / "eval" / "extract").is_dir()),
                    ROOT.parent / "shared" / "eval" / "extract" / "snippets-dev")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def recall(snippets: list[str], text: str) -> float:
    text = norm(text)
    return sum(norm(s) in text for s in snippets) / len(snippets) if snippets else 1.0


def all_text(html: str) -> tuple[str, str]:
    """The body's text as shown (no scripts, styles, <noscript>) and raw (every text node)."""
    parser = etree.HTMLParser(huge_tree=True, encoding="utf-8")
    try:
        root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    except etree.XMLSyntaxError:
        return "", ""
    if root is None:
        return "", ""
    body = next(root.iter("body"), root)
    raw = " ".join(body.itertext())
    for element in list(body.iter("script", "style", "noscript")):
        parent = element.getparent()
        if parent is None:
            continue
        if element.tail:  # the text after it stays (lxml removes an element with its tail)
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)
    return " ".join(body.itertext()), raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    order = sorted(truth, key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    half = {page: int(n >= math.ceil(len(order) / 2)) for n, page in enumerate(order)}
    lost = []
    for page, item in truth.items():
        raw = gzip.decompress((args.data / "pages" / f"{page}.html.gz").read_bytes())
        html = decode(raw, declared_charset(raw))
        kept = recall(item["with"], "\n\n".join(render(b) for b in clean_html(html).blocks))
        if kept >= 0.5:
            continue
        shown, everything = all_text(html)
        shown_recall, raw_recall = recall(item["with"], shown), recall(item["with"], everything)
        if max(shown_recall, raw_recall) >= 0.5:
            lost.append((half[page], page, kept, shown_recall, raw_recall, item.get("url", "")))
    for which, page, kept, shown_recall, raw_recall, url in sorted(lost):
        print(f"half {which}  kept {kept:.2f}  all shown {shown_recall:.2f}  all raw {raw_recall:.2f}  "
              f"{page[:40]}  {url[:70]}")
    print(f"{len(lost)} of {len(truth)} pages lost")


if __name__ == "__main__":
    main()
