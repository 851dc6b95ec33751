"""Benchmark the HTML cleaner against trafilatura on the dev extraction pages.

Runs `indexer.html.clean_html` and, if it is installed, trafilatura 2.3.1 (the
`bench` extra: `pip install -e '.[bench]'`) over the same pages in the same run, and
prints extractor | F1 | precision | recall | pages per CPU-second (median of --runs
timed runs, each extractor's runs alternated after one untimed warm-up run). Timing
covers parsing from the decoded HTML string to the final text, in process time. The metric is the benchmark's: word
4-gram shingles, per-page TP/FP/FN normalised by their sum, precision and recall
averaged over pages, F1 their harmonic mean (as in ../shared/eval/extract).

Rerun from the repository root:

    python tests/bench/bench_extract.py                  # both extractors
    python tests/bench/bench_extract.py --worst 10       # also list our 10 worst pages
    python tests/bench/bench_extract.py --data DIR       # another ID.html.gz + ground-truth.json

Per-half F1 (tune on half 0, check half 1) and metadata counts: eval_html_halves.py.
Timings are CPU time of this process, so other work on a shared machine counts less
(caches and frequency still shift with load: say the load beside the numbers).
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from indexer.html import clean_html  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "extract" / "dev"
WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    words = WORD.findall(text or "")
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def page_counts(truth: str, predicted: str) -> tuple[float, float, float]:
    t, p = shingles(truth), shingles(predicted)
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(counts) -> tuple[float, float, float]:
    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def load(data: Path) -> tuple[dict[str, str], dict[str, dict]]:
    try:
        from indexer.decode import decode
    except ImportError:  # the loader is another stage's; fall back to plain UTF-8
        def decode(raw: bytes) -> str:
            return raw.decode("utf-8", "replace")
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {item: decode(gzip.decompress((data / f"{item}.html.gz").read_bytes()))
             for item in sorted(truth)}
    return pages, truth


def ours(html: str, url: str | None) -> str:
    blocks = clean_html(html, url).blocks
    return "\n\n".join(("- " + b.text) if b.kind == "item" else b.text for b in blocks)


def timed(extractor, pages, truth) -> tuple[dict[str, str], float]:
    """Every page's text and the CPU seconds the extractor took (process time: the
    machine may be shared, and other processes' work does not count)."""
    start = time.process_time()
    texts = {item: extractor(html, truth[item].get("url")) or "" for item, html in pages.items()}
    return texts, time.process_time() - start


def report(name, texts, seconds: list[float], pages, truth, worst: int) -> None:
    counts = {item: page_counts(truth[item]["articleBody"], texts[item]) for item in pages}
    f1, p, r = score(list(counts.values()))
    rates = sorted(len(pages) / s for s in seconds)
    print(f"{name:<12} | {f1:.3f} | {p:.3f}     | {r:.3f}  | {statistics.median(rates):7.1f} "
          f"| {', '.join(f'{rate:.1f}' for rate in rates)}")
    if worst:
        def page_f1(c):
            return 2 * c[0] / (2 * c[0] + c[1] + c[2] or 1)
        for item in sorted(counts, key=lambda i: page_f1(counts[i]))[:worst]:
            tp, fp, fn = counts[item]
            print(f"    {item[:12]} F1={page_f1(counts[item]):.2f} "
                  f"P={tp / (tp + fp or 1):.2f} R={tp / (tp + fn or 1):.2f} "
                  f"{truth[item].get('url', '')[:70]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--worst", type=int, default=0, help="list our N lowest-scoring pages")
    parser.add_argument("--only", choices=("ours", "trafilatura"), default=None)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each extractor (median)")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        sys.exit(f"no benchmark data at {args.data}")
    pages, truth = load(args.data)

    extractors = {}
    if args.only != "trafilatura":
        extractors["corpus"] = ours
    if args.only != "ours":
        try:
            import trafilatura
        except ImportError as error:
            print(f"trafilatura  | not importable ({error}); pip install -e '.[bench]'")
        else:
            def traf(html: str, url: str | None) -> str:
                return trafilatura.extract(html, url=url) or ""
            extractors["trafilatura"] = traf
    texts = {name: timed(extractor, pages, truth)[0] for name, extractor in extractors.items()}  # warm-up
    seconds: dict[str, list[float]] = {name: [] for name in extractors}
    for _ in range(args.runs):  # alternated, so that a change in the machine's load hits both
        for name, extractor in extractors.items():
            seconds[name].append(timed(extractor, pages, truth)[1])
    print("extractor    | F1    | precision | recall | pages per CPU-second: median | each run")
    for name in extractors:
        report(name, texts[name], seconds[name], pages, truth, args.worst if name == "corpus" else 0)
    if len(extractors) == 2:
        ratio = statistics.median(seconds["trafilatura"]) / statistics.median(seconds["corpus"])
        print(f"corpus / trafilatura pages per CPU-second (medians): {ratio:.2f}")


if __name__ == "__main__":
    main()
