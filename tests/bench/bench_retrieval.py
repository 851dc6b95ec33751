"""What each part of ranking contributes, on NFCorpus and SciFact: an ablation table.

    python tests/bench/bench_retrieval.py                 # four splits, in this process
    python tests/bench/bench_retrieval.py --harness       # the same through eval_retrieval.py
    python tests/bench/bench_retrieval.py --splits nfdev,sf0 --work /tmp/bench

The four splits: NFCorpus dev and train, and SciFact train cut in two halves by a hash of
the query id (`int(sha256(qid)) % 2`): half 0 was tuned on together with NFCorpus dev and
train, half 1 was held out. Each configuration switches one part off (feedback, proximity,
synonyms, the did-you-mean fallback, semantic fusion); then BM25F with semantic fusion
only, and BM25F alone.

The default mode builds each collection's corpus once (under --work, kept between runs)
and ranks every query in this process with the library, scoring the run exactly as
/work/shared/eval/retrieval/eval_retrieval.py does (nDCG@10 with graded gains, R@100,
one line per article, --limit 100 --per-doc 1); queries/s is the ranking alone. With
--harness each cell is the harness itself run on the CLI with CORPUS_* switches (a fresh
corpus each time; slower, and it cannot hold out a half, so SciFact train is whole).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "eval" / "retrieval"
if not SHARED.exists():
    SHARED = Path("/work/shared/eval/retrieval")

#: name -> (collection, qrels split, SciFact half or None)
SPLITS = {
    "nfdev": ("nfcorpus", "dev", None),
    "nftrain": ("nfcorpus", "train", None),
    "sf0": ("scifact", "train", 0),
    "sf1": ("scifact", "train", 1),
}
#: name -> Options changes, and the same as CLI environment switches.
CONFIGS = [
    ("defaults (proximity off)", {}, ""),
    ("- feedback (RM3)", {"feedback": False}, "CORPUS_FEEDBACK=off"),
    ("+ proximity", {"proximity": True}, "CORPUS_PROXIMITY=on"),
    ("- synonyms", {"synonyms": False}, "CORPUS_SYNONYMS=off"),
    ("- did-you-mean fallback", {"did_you_mean": False}, "CORPUS_DID_YOU_MEAN=off"),
    ("- semantic", {"semantic": False}, "CORPUS_SEMANTIC=off"),
    ("BM25F + semantic", {"feedback": False, "proximity": False, "synonyms": False, "did_you_mean": False},
     "CORPUS_FEEDBACK=off CORPUS_PROXIMITY=off CORPUS_SYNONYMS=off CORPUS_DID_YOU_MEAN=off"),
    ("BM25F alone", {"feedback": False, "proximity": False, "synonyms": False, "did_you_mean": False,
                     "semantic": False},
     "CORPUS_FEEDBACK=off CORPUS_PROXIMITY=off CORPUS_SYNONYMS=off CORPUS_DID_YOU_MEAN=off CORPUS_SEMANTIC=off"),
]


def half(query_id: str) -> int:
    return int(hashlib.sha256(query_id.encode()).hexdigest(), 16) % 2


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        parts = line.split("\t")
        if n == 0 and not parts[-1].strip().lstrip("-").isdigit():
            continue
        qrels[parts[0]][parts[1]] = int(parts[2])
    return qrels


def split_queries(name: str) -> tuple[str, list[tuple[str, str]], dict]:
    collection, split, which = SPLITS[name]
    qrels = read_qrels(SHARED / collection / "qrels" / f"{split}.tsv")
    queries = []
    for line in (SHARED / collection / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            query_id = str(record["_id"])
            if query_id in qrels and (which is None or half(query_id) == which):
                queries.append((query_id, record["text"]))
    return collection, queries, qrels


def ndcg(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    dcg = sum(judged.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[str], judged: dict[str, int], k: int = 100) -> float:
    relevant = {doc for doc, grade in judged.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def corpus_for(collection: str, work: Path):
    """The collection's corpus under `work`, built on first use."""
    from indexer.corpus import Corpus

    corpus = Corpus(work / collection)
    if not (work / collection).exists():
        corpus.add([str(SHARED / collection / "corpus.jsonl")])
    else:
        corpus.sync()
    return corpus


def measure_here(name: str, changes: dict, work: Path) -> tuple[float, float, float]:
    from indexer.errors import CorpusError
    from indexer.index import open_index
    from search.query import parse
    from search.rank import Options, Ranker

    collection, queries, qrels = split_queries(name)
    corpus = corpus_for(collection, work)
    options = replace(Options(limit=100, per_doc=1, spans=False), **changes)
    scores = []
    with open_index(corpus.index_dir).searcher() as searcher:
        ranker = Ranker(searcher, options)
        start = time.perf_counter()
        runs = []
        for query_id, text in queries:
            try:
                hits = ranker.answer(parse(text)).hits
            except CorpusError:
                hits = []
            runs.append((query_id, [hit.article_id for hit in hits]))
        elapsed = time.perf_counter() - start
    scores = [(ndcg(ranked, qrels[q]), recall(ranked, qrels[q])) for q, ranked in runs]
    n = len(scores)
    return sum(s for s, _ in scores) / n, sum(r for _, r in scores) / n, n / elapsed


def measure_harness(name: str, switches: str) -> tuple[float, float, float]:
    collection, split, _ = SPLITS[name]
    cmd = f"env {switches} corpus" if switches else "corpus"
    done = subprocess.run([sys.executable, str(SHARED / "eval_retrieval.py"), "--data", str(SHARED / collection),
                           "--split", split, "--cmd", cmd], capture_output=True, text=True, check=True)
    rate = float(re.search(r"queries_per_s=([\d.]+)", done.stdout).group(1))
    ndcg_at_10, recall_at_100 = map(float, re.search(r"nDCG@10=([\d.]+) R@100=([\d.]+)", done.stdout).groups())
    return ndcg_at_10, recall_at_100, rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--splits", default=",".join(SPLITS))
    ap.add_argument("--harness", action="store_true", help="run the retrieval harness on the CLI per cell")
    ap.add_argument("--work", type=Path, default=None, help="where the corpora are built and kept")
    ap.add_argument("--configs", default=None, help="comma-separated row numbers to run (0 = all parts on)")
    args = ap.parse_args()
    splits = args.splits.split(",")
    if args.harness:  # the harness ranks SciFact train whole
        splits = list(dict.fromkeys("sftrain" if s.startswith("sf") else s for s in splits))
        SPLITS["sftrain"] = ("scifact", "train", None)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_retrieval."))
    print(f"{'configuration':<24}" + "".join(f" {s + ' nDCG/R@100/q/s':>26}" for s in splits))
    rows = CONFIGS if args.configs is None else [CONFIGS[int(i)] for i in args.configs.split(",")]
    for label, changes, switches in rows:
        cells = []
        for name in splits:
            value = measure_harness(name, switches) if args.harness else measure_here(name, changes, work)
            cells.append(f"{value[0]:.4f} {value[1]:.4f} {value[2]:6.1f}")
        print(f"{label:<24}" + "".join(f" {c:>26}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
