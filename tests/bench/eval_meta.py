"""Score the HTML cleaner's metadata (title, author, date) on snippets-dev, beside trafilatura.

snippets-dev's ground truth (../shared/eval/extract/snippets-dev/ground-truth.json) gives
most pages a `meta` record: the title, author and date the page itself states. A field
matches when both sides are equal after Unicode folding, case folding and collapsing
punctuation and spaces (dates: the same YYYY-MM-DD). Two shares per field:

    stated  of the pages whose ground truth has the field, the share found and equal
    all     of the pages with a meta record, the share where both agree, an empty field
            agreeing with nothing found (so a made-up author, "Powered by ...", counts
            against)

The cleaner gets the saved page alone, as `corpus add page.html` does; `--url` also gives
both extractors the page's URL (dates in URLs then count). trafilatura 2.3.1 (the bench
extra) runs on the same pages when installed. Halves are split by sha256(id), as
eval_snippets.py splits them: tune on one, check the other.

Measured before issue 16's metadata work (stated share, all 421 pages; no URL):
corpus-search title 0.696, author 0.580, date 0.735; trafilatura 2.3.1 title 0.586,
author 0.583, date 0.877.

    python tests/bench/eval_meta.py                  # both halves and all, both extractors
    python tests/bench/eval_meta.py --misses author  # list our wrong authors

Wrong dates are counted apart: a date other than the one the page states, and a date on
a page that states none.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from indexer.html import clean_html  # noqa: E402
from indexer.decode import decode  # noqa: E402

# The data sit beside the checkout (../shared); from a worktree, further up.
DEFAULT_DATA = next((folder / "shared" / "eval" / "extract" / "snippets-dev" for folder in ROOT.parents
                     if (folder / "shared" / "eval" / "extract").is_dir()),
                    ROOT.parent / "shared" / "eval" / "extract" / "snippets-dev")
FIELDS = ("title", "author", "date")
_NON_WORD = re.compile(r"[\W_]+")


def fold(value) -> str:
    """A value as compared: NFKC, case-folded, punctuation and spaces collapsed."""
    if not value:
        return ""
    if isinstance(value, list):  # a few records list their authors
        value = ", ".join(map(str, value))
    return " ".join(_NON_WORD.sub(" ", unicodedata.normalize("NFKC", value).casefold()).split())


def read_page(data: Path, page_id: str) -> str:
    path = data / "pages" / f"{page_id}.html.gz"
    raw = gzip.decompress(path.read_bytes()) if path.exists() else \
        (data / "pages" / f"{page_id}.html").read_bytes()
    return decode(raw)


def ours(html: str, url: str | None) -> dict:
    metadata = clean_html(html, url).metadata
    return {"title": metadata.title, "author": metadata.author, "date": metadata.published}


def trafilatura_meta(html: str, url: str | None) -> dict | None:
    try:
        from trafilatura import bare_extraction
    except ImportError:
        return None
    document = bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return {"title": None, "author": None, "date": None}
    get = document.get if isinstance(document, dict) else lambda key: getattr(document, key, None)
    return {"title": get("title"), "author": get("author"), "date": get("date")}


def halves(ids: list[str]) -> dict[str, set[str]]:
    order = sorted(ids, key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    cut = math.ceil(len(order) / 2)
    return {"half 0": set(order[:cut]), "half 1": set(order[cut:]), "all": set(order)}


def shares(truth: dict, found: dict, members: set[str], field: str) -> tuple[float, float]:
    stated = [i for i in members if truth[i].get(field)]
    hit = sum(fold(found[i][field]) == fold(truth[i][field]) for i in stated)
    agree = sum(fold(found[i][field]) == fold(truth[i].get(field)) for i in members)
    return hit / (len(stated) or 1), agree / (len(members) or 1)


def wrong_dates(truth: dict, found: dict, members: set[str]) -> tuple[int, int]:
    """Dates found that are wrong: on pages stating another date, and on pages stating none
    (a wrong date misleads where a missing one does not)."""
    given = [i for i in members if found[i]["date"]]
    other = sum(1 for i in given if truth[i].get("date") and fold(found[i]["date"]) != fold(truth[i]["date"]))
    unstated = sum(1 for i in given if not truth[i].get("date"))
    return other, unstated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--url", action="store_true", help="give both extractors the page's URL")
    parser.add_argument("--misses", choices=FIELDS, help="list the pages where our FIELD is wrong")
    parser.add_argument("--no-trafilatura", action="store_true")
    args = parser.parse_args()
    truth_file = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    truth = {i: item["meta"] for i, item in truth_file.items() if item.get("meta")}
    found, peer = {}, {}
    for page_id in truth:
        html = read_page(args.data, page_id)
        url = truth_file[page_id].get("url") if args.url else None
        found[page_id] = ours(html, url)
        if not args.no_trafilatura:
            result = trafilatura_meta(html, url)
            if result is not None:
                peer[page_id] = result
    print(f"{'':<7} {'extractor':<14}" + "".join(f" {f + ' stated/all':>20}" for f in FIELDS))
    for name, members in halves(list(truth)).items():
        for label, results in (("corpus-search", found), ("trafilatura", peer)):
            if not results:
                continue
            cells = "".join(f" {'%.3f / %.3f' % shares(truth, results, members, f):>20}" for f in FIELDS)
            print(f"{name:<7} {label:<14}{cells}")
    print("dates given that are wrong (another date than the page states / a date where it states none):")
    for name, members in halves(list(truth)).items():
        for label, results in (("corpus-search", found), ("trafilatura", peer)):
            if results:
                print(f"{name:<7} {label:<14} {'%d / %d' % wrong_dates(truth, results, members):>12}")
    stated = {f: sum(bool(truth[i].get(f)) for i in truth) for f in FIELDS}
    print(f"pages with a meta record: {len(truth)}; stating " +
          ", ".join(f"{f} {n}" for f, n in stated.items()))
    if args.misses:
        field = args.misses
        for page_id in sorted(truth):
            want, got = truth[page_id].get(field), found[page_id][field]
            if fold(want) != fold(got):
                theirs = peer.get(page_id, {}).get(field)
                print(f"  {page_id[:14]} want={want!r} got={got!r} trafilatura={theirs!r}")


if __name__ == "__main__":
    main()
