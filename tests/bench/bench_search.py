"""Speed and memory of the command line a user runs: cold-start search against grep, and
ingest memory as the corpus grows.

    python tests/bench/bench_search.py                 # NFCorpus from ../shared
    python tests/bench/bench_search.py --data DIR --runs 9

It builds corpora in a temporary folder from DATA/corpus.jsonl (BEIR layout): the whole
collection, and the collection repeated 1x, 2x and 4x under new ids, and prints a table:
  - peak resident memory of `corpus add` for each size (flat means ingest streams);
  - wall time of a cold `corpus search` (a new process each run, median of --runs) for a
    few queries, beside `grep -ril` of the same words over the stored article files.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QUERIES = ["magnesium", "why do my legs twitch at night", "vitamin d deficiency and bone health",
           "is coffee bad for cramps"]


def corpus_cmd() -> list[str]:
    found = shutil.which("corpus")
    return [found] if found else [sys.executable, "-m", "search"]


def peak_rss_mb(args: list[str]) -> tuple[float, float]:
    """Run a command in a child and return (seconds, the child's peak RSS in MiB)."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed: {child.stderr.read().decode()[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def repeated(source: Path, target: Path, times: int) -> Path:
    with source.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        records = [json.loads(line) for line in lines if line.strip()]
        for copy in range(times):
            for record in records:
                out.write(json.dumps({**record, "_id": f"{record['_id']}-{copy}"}) + "\n")
    return target


def median_seconds(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared/eval/retrieval/nfcorpus")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    cmd = corpus_cmd()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print("ingest: corpus add DATA (JSON Lines)")
        print(f"{'articles':>9} | {'seconds':>8} | {'peak RSS MiB':>12}")
        for times in (1, 2, 4):
            data = repeated(args.data / "corpus.jsonl", tmp / f"x{times}.jsonl", times)
            store = tmp / f"c{times}"
            seconds, rss = peak_rss_mb([*cmd, "--corpus", str(store), "add", "-q", str(data)])
            count = sum(1 for _ in data.open())
            print(f"{count:>9} | {seconds:>8.1f} | {rss:>12.0f}")
        store = tmp / "c1"
        print(f"\ncold search on {store.name} ({len(os.listdir(store)) - 3} files), median of {args.runs} runs")
        print(f"{'query':<40} | {'corpus search s':>15} | {'grep -ril s':>11}")
        for query in QUERIES:
            ours = median_seconds([*cmd, "--corpus", str(store), "search", query], args.runs)
            grep_args = ["grep", "-ril", *[x for word in query.split() for x in ("-e", word)], str(store)]
            theirs = median_seconds(grep_args, args.runs)
            print(f"{query:<40} | {ours:>15.3f} | {theirs:>11.3f}")


if __name__ == "__main__":
    main()
