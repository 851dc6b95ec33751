"""What each part of ranking contributes: the retrieval harness run with parts switched off.

    python tests/bench/bench_retrieval.py                       # NFCorpus dev, from ../shared
    python tests/bench/bench_retrieval.py --split train --data DIR

For each configuration it runs /work/shared/eval/retrieval/eval_retrieval.py (a fresh
corpus built with `corpus add`, every query of the split through `corpus search
--queries`) and prints a table: configuration -> nDCG@10, R@100, queries/s. Parts are
switched off the way a user would, with CORPUS_FEEDBACK=off, CORPUS_PROXIMITY=off and
CORPUS_SYNONYMS=off. The last row also swaps the analyzer for the one the project had
before (\\w+ words, Whoosh's stop list, Snowball stems), by running the CLI through this
script with `--cli-basic-analyzer`, which patches indexer.analysis in that process only.
Before any of this work the harness gave 0.2701 / 0.2016 at 32.3 queries/s on dev.
"""
from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "eval" / "retrieval"
OFF = "CORPUS_FEEDBACK=off CORPUS_PROXIMITY=off CORPUS_SYNONYMS=off"
CONFIGS = [
    ("all parts on", "corpus"),
    ("- feedback (RM3)", "env CORPUS_FEEDBACK=off corpus"),
    ("- proximity", "env CORPUS_PROXIMITY=off corpus"),
    ("- synonyms", "env CORPUS_SYNONYMS=off corpus"),
    ("BM25F + analyzer only", f"env {OFF} corpus"),
    ("BM25F, old analyzer", f"env {OFF} {shlex.quote(sys.executable)} {shlex.quote(__file__)} --cli-basic-analyzer"),
]


def run_basic_analyzer_cli(args: list[str]) -> None:
    """The CLI with the project's earlier analyzer, for the ablation's last row."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

    import indexer.analysis as analysis
    import indexer.schema as schema

    def basic():
        return RegexTokenizer(r"\w+") | LowercaseFilter() | StopFilter(minsize=1) | StemFilter(lang="english")

    def walk(text, language="english", drop_stopwords=True):
        for token in basic()(text, positions=True, chars=True):
            yield token.text, token.pos, token.startchar, token.endchar, False

    analysis._walk = walk
    analysis.terms = lambda text, language="english": [found[0] for found in walk(text)]
    analysis.analyzer = schema.analyzer = basic
    from search.cli import main

    main(args=args, prog_name="corpus")


def measure(cmd: str, data: Path, split: str) -> tuple[float, float, float]:
    done = subprocess.run([sys.executable, str(SHARED / "eval_retrieval.py"), "--data", str(data),
                           "--split", split, "--cmd", cmd], capture_output=True, text=True, check=True)
    rate = float(re.search(r"queries_per_s=([\d.]+)", done.stdout).group(1))
    ndcg, recall = map(float, re.search(r"nDCG@10=([\d.]+) R@100=([\d.]+)", done.stdout).groups())
    return ndcg, recall, rate


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--cli-basic-analyzer":
        run_basic_analyzer_cli(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=SHARED / "nfcorpus")
    ap.add_argument("--split", default="dev")
    args = ap.parse_args()
    print(f"{'configuration':<26} {'nDCG@10':>8} {'R@100':>7} {'q/s':>6}")
    for name, cmd in CONFIGS:
        ndcg, recall, rate = measure(cmd, args.data, args.split)
        print(f"{name:<26} {ndcg:>8.4f} {recall:>7.4f} {rate:>6.1f}", flush=True)


if __name__ == "__main__":
    main()
