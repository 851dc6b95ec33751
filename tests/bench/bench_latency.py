"""Warm ranking latency and batch memory at several corpus sizes.

For each corpus (built from NFCorpus by scale_data.py with `corpus add`, or given with
--corpus), runs the 324 NFCorpus dev queries through search.rank.search_many in one
process, timing each query, once with the ranking parts as shipped (DEFAULTS: all on
but proximity) and once with BM25F alone (CORPUS_FEEDBACK=off CORPUS_PROXIMITY=off
CORPUS_SYNONYMS=off CORPUS_SEMANTIC=off). Each configuration runs in a child process of its own, so its peak RSS is its own. The queries run as `corpus
search` runs them (10 hits, at most 3 passages of an article, match spans worked out),
or with --harness as the evaluation harness asks (100 hits, one passage an article, no
spans); a few training queries go first, untimed, so the numbers are of a warm process.

    python tests/bench/bench_latency.py --sizes 3600,10000,50000
    python tests/bench/bench_latency.py --corpus DIR --json
    python tests/bench/bench_latency.py --corpus DIR --ablation   # each part off in turn
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from scale_data import NFCORPUS, write  # noqa: E402

BM25F_ALONE = {"CORPUS_FEEDBACK": "off", "CORPUS_PROXIMITY": "off", "CORPUS_SYNONYMS": "off",
               "CORPUS_SEMANTIC": "off"}
#: The shipped defaults (proximity is off unless asked for), whatever the environment says.
DEFAULTS = {"CORPUS_FEEDBACK": "on", "CORPUS_PROXIMITY": "off", "CORPUS_SYNONYMS": "on", "CORPUS_SEMANTIC": "on",
            "CORPUS_DID_YOU_MEAN": "on"}
WARMUP = 20
#: --ablation: each ranking part switched off in turn, as tests/bench/bench_retrieval.py does.
ABLATION = {
    "defaults": DEFAULTS,
    "- feedback": {**DEFAULTS, "CORPUS_FEEDBACK": "off"},
    "+ proximity": {**DEFAULTS, "CORPUS_PROXIMITY": "on"},
    "- synonyms": {**DEFAULTS, "CORPUS_SYNONYMS": "off"},
    "- did-you-mean": {**DEFAULTS, "CORPUS_DID_YOU_MEAN": "off"},
    "- semantic": {**DEFAULTS, "CORPUS_SEMANTIC": "off"},
    "BM25F + semantic": {**BM25F_ALONE, "CORPUS_SEMANTIC": "on"},
    "BM25F alone": BM25F_ALONE,
}


def dev_queries(data: Path = NFCORPUS, split: str = "dev") -> list[str]:
    """The texts of the queries judged in the split, in file order."""
    judged = set()
    with (data / "qrels" / f"{split}.tsv").open(encoding="utf-8") as lines:
        next(lines)
        judged = {line.split("\t")[0] for line in lines if line.strip()}
    with (data / "queries.jsonl").open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return [r["text"] for r in records if r["_id"] in judged]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_batch(corpus_dir: Path, harness: bool) -> dict:
    """In this process: time every dev query on the corpus, warm. The switches come from
    the environment, as the CLI reads them."""
    from indexer.corpus import Corpus
    from indexer.embed import embedder
    from search.query import parse
    from search.rank import Options, search_many

    options = Options(limit=100, per_doc=1, spans=False) if harness else Options()
    options = options.switched(os.environ)
    if options.semantic and embedder() is None:
        # Semantic ranking would be skipped (search says so once): a batch timed so is not
        # the ranking as shipped.
        sys.exit("bench_latency: no word vectors where this Python finds indexer "
                 "(install wordllama, as `pip install '.[bench]'` does)")
    corpus = Corpus(corpus_dir)
    if getattr(corpus, "is_stale", lambda: False)():
        corpus.sync()  # untimed: bring the index up to date first
    warm = dev_queries(split="train")[:WARMUP]
    queries = []
    for text in warm + dev_queries():
        try:
            queries.append(parse(text))
        except Exception:  # noqa: BLE001 - a query the grammar refuses is not timed
            continue
    times: list[float] = []
    cpu: list[float] = []
    results = search_many(corpus.index_dir, queries, options)
    start, start_cpu = time.perf_counter(), time.process_time()
    for _ in results:
        now, now_cpu = time.perf_counter(), time.process_time()
        times.append((now - start) * 1000)
        cpu.append((now_cpu - start_cpu) * 1000)
        start, start_cpu = now, now_cpu
    times, cpu = times[len(warm):], cpu[len(warm):]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU time too: on a shared machine it is what the wall time would be without waiting.
    return {"p50_ms": round(_percentile(times, 0.5), 1), "p95_ms": round(_percentile(times, 0.95), 1),
            "cpu_p50_ms": round(_percentile(cpu, 0.5), 1), "cpu_p95_ms": round(_percentile(cpu, 0.95), 1),
            "queries": len(times), "rss_mb": round(rss, 1)}


def measure(corpus_dir: Path, harness: bool) -> dict:
    """Both configurations, each in a child process."""
    out = {}
    for name, switches in (("all", DEFAULTS), ("bm25f", BM25F_ALONE)):
        env = dict(os.environ, **switches)
        done = subprocess.run([sys.executable, __file__, "--child", str(corpus_dir)] + ["--harness"] * harness,
                              env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"bench_latency: the {name} batch failed:\n{done.stderr}")
        out[name] = json.loads(done.stdout)
    keys = ("p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms")
    return {"all": {k: out["all"][k] for k in keys}, "bm25f": {k: out["bm25f"][k] for k in keys},
            "rss_mb": max(out["all"]["rss_mb"], out["bm25f"]["rss_mb"]),
            "queries": out["all"]["queries"]}


def ablation(corpus_dir: Path, harness: bool) -> None:
    """Print p50/p95 (wall and CPU) and RSS of every configuration of ABLATION, each in a
    child process of its own."""
    print(f"{'configuration':<18} {'p50 ms':>7} {'p95 ms':>7} {'CPU p50':>8} {'CPU p95':>8} {'RSS MiB':>8}")
    for name, switches in ABLATION.items():
        done = subprocess.run([sys.executable, __file__, "--child", str(corpus_dir)] + ["--harness"] * harness,
                              env=dict(os.environ, **switches), capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"bench_latency: {name} failed:\n{done.stderr}")
        r = json.loads(done.stdout)
        print(f"{name:<18} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['cpu_p50_ms']:8.1f} {r['cpu_p95_ms']:8.1f} "
              f"{r['rss_mb']:8.0f}", flush=True)


def build(size: int, workdir: Path) -> Path:
    """A corpus of `size` articles made with `corpus add` (derived state in workdir too)."""
    source = write(size, workdir / f"nf{size}.jsonl")
    corpus_dir = workdir / f"corpus{size}"
    corpus_cmd = Path(sys.executable).with_name("corpus")
    env = dict(os.environ, CORPUS_CACHE_DIR=str(workdir / "cache"))
    started = time.perf_counter()
    subprocess.run([str(corpus_cmd), "--corpus", str(corpus_dir), "add", "-q", str(source)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"built {size} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return corpus_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="3600", help="comma-separated corpus sizes to build")
    parser.add_argument("--corpus", type=Path, help="measure this corpus instead of building any")
    parser.add_argument("--harness", action="store_true",
                        help="rank as eval_retrieval.py asks (100 hits, one passage an article, no spans)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (with --corpus)")
    parser.add_argument("--ablation", action="store_true",
                        help="with --corpus: every configuration of the ranking ablation, not only all/BM25F")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_batch(args.child, args.harness)))
        return
    if args.corpus and args.ablation:
        ablation(args.corpus, args.harness)
        return
    if args.corpus:
        result = measure(args.corpus, args.harness)
        if args.json:
            print(json.dumps(result))
            return
        rows = [(args.corpus.name, result)]
    else:
        rows = []
        with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
            os.environ["CORPUS_CACHE_DIR"] = str(Path(tmp) / "cache")
            for size in (int(s) for s in args.sizes.split(",")):
                rows.append((str(size), measure(build(size, Path(tmp)), args.harness)))
        if args.json:
            print(json.dumps({name: result for name, result in rows}))
            return
    print(f"{'corpus':>10}  {'all p50':>8} {'all p95':>8}  {'bm25f p50':>9} {'bm25f p95':>9}  {'RSS MiB':>8}"
          "   (ms; CPU time in brackets)")
    for name, r in rows:
        a, b = r["all"], r["bm25f"]
        print(f"{name:>10}  {a['p50_ms']:5.1f} ({a['cpu_p50_ms']:.1f}) {a['p95_ms']:5.1f} ({a['cpu_p95_ms']:.1f})  "
              f"{b['p50_ms']:5.1f} ({b['cpu_p50_ms']:.1f}) {b['p95_ms']:5.1f} ({b['cpu_p95_ms']:.1f})  {r['rss_mb']:8.0f}")


if __name__ == "__main__":
    main()
