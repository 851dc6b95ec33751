"""Score the HTML cleaner on the two hash halves of the dev pages, and count metadata found.

The dev pages are split by `int(sha256(page_id), 16) % 2`: rules are tuned on half 0 and
checked on half 1, so a rule that only fits the pages it was tuned on shows as a gap
between the halves. Also counts the pages whose author and date the metadata stage finds.

    python tests/bench/eval_html_halves.py              # F1/P/R per half, metadata counts
    python tests/bench/eval_html_halves.py --worst 10 --half 0
    python tests/bench/eval_html_halves.py --meta       # also print each page's author/date
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import DEFAULT_DATA, load, page_counts, score  # noqa: E402

from indexer.html import clean_html  # noqa: E402


def half(page_id: str) -> int:
    return int(hashlib.sha256(page_id.encode()).hexdigest(), 16) % 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--worst", type=int, default=0)
    parser.add_argument("--half", type=int, choices=(0, 1), default=None)
    parser.add_argument("--meta", action="store_true", help="print each page's author and date")
    args = parser.parse_args()
    pages, truth = load(args.data)
    counts, authors, dates = {}, {}, {}
    for item, html in pages.items():
        cleaned = clean_html(html, truth[item].get("url"))
        text = "\n\n".join(b.text for b in cleaned.blocks)
        counts[item] = page_counts(truth[item]["articleBody"], text)
        authors[item], dates[item] = cleaned.metadata.author, cleaned.metadata.published
    for name, members in (("all", list(pages)), ("half 0", [i for i in pages if half(i) == 0]),
                          ("half 1", [i for i in pages if half(i) == 1])):
        f1, p, r = score([counts[i] for i in members])
        print(f"{name:<7} n={len(members):<3} F1={f1:.3f} P={p:.3f} R={r:.3f}  "
              f"author={sum(bool(authors[i]) for i in members)} "
              f"date={sum(bool(dates[i]) for i in members)}")
    if args.worst:
        def page_f1(c):
            return 2 * c[0] / (2 * c[0] + c[1] + c[2] or 1)
        chosen = [i for i in pages if args.half is None or half(i) == args.half]
        for item in sorted(chosen, key=lambda i: page_f1(counts[i]))[:args.worst]:
            tp, fp, fn = counts[item]
            print(f"  {item[:12]} h{half(item)} F1={page_f1(counts[item]):.2f} "
                  f"P={tp / (tp + fp or 1):.2f} R={tp / (tp + fn or 1):.2f} "
                  f"{truth[item].get('url', '')[:70]}")
    if args.meta:
        for item in pages:
            print(f"  {item[:12]} h{half(item)} author={authors[item]!r} date={dates[item]} "
                  f"{truth[item].get('url', '')[:60]}")


if __name__ == "__main__":
    main()
