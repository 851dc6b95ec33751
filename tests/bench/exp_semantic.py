"""Offline experiment: does a static-embedding signal (wordllama 0.4's shipped vectors)
fused with our lexical ranking help on NFCorpus and SciFact? Not collected by pytest.

    python tests/bench/exp_semantic.py dump      # lexical runs + passage texts, cached
    python tests/bench/exp_semantic.py fuse      # the fusion table on four splits
    python tests/bench/exp_semantic.py variants  # pooling (mean, SIF), candidates, length
    python tests/bench/exp_semantic.py grid      # the shipped fusion's knobs

`dump` ranks every query of the four splits (bench_retrieval.SPLITS) with all parts on
and with BM25F alone, keeping each query's top 1000 passages (Whoosh docnum, score), and
dumps every passage's article id and text. `fuse` embeds passages and queries by mean
pooling wordllama's token vectors (L2-normalised) and measures fusions against the
lexical run, each on nDCG@10 / R@100 of articles (best passage per article).

What it found (nfdev, nftrain, sf0, sf1 held out; nDCG@10 / R@100; the lexical runs are
all parts on without the did-you-mean fallback):
  lexical, all parts on                .3186/.2938  .3449/.3165  .7029/.9333  .7014/.9338
  dense alone (passage vectors)        .2479/.2453  .2474/.2474  .5351/.8621  .5808/.8812
  RRF lexical + dense, k=60, w=0.3     .3287/.3064  .3403/.3267  .6863/.9357  .7021/.9381
  rerank lexical top 100, w=0.5        .3267/.2901  .3461/.3130  .7115/.9333  .7149/.9313
  min-max interpolation, union w/ dense top 100, w=0.2
                                       .3293/.3054  .3479/.3243  .7088/.9407  .7105/.9394
  the same, weight growing with query length (grid: shipped)
                                       .3321/.3093  .3483/.3224  .7172/.9370  .7248/.9381
SIF-weighted pooling, article-level vectors and a 50/50 mix changed nothing that held on
both collections; candidates restricted to lexically matched passages lose nfdev
.005 nDCG and .009 R@100; a 64-dimension shortlist of 300 loses nothing.
"""
from __future__ import annotations

import json
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_retrieval import SPLITS, corpus_for, ndcg, recall, split_queries  # noqa: E402

WORK = Path("/tmp/semwork")
DEPTH = 1000


def dump() -> None:
    from indexer.index import open_index
    from search.query import parse
    from search import rank as rk

    def passages_only(self, ranked, parsed, weighted, bonus, phrases, meaning=None):
        out = []
        for score, doc in ranked:
            out.append((score, doc))
            if len(out) >= DEPTH:
                break
        return out

    rk.Ranker._hits = passages_only
    for collection in ("nfcorpus", "scifact"):
        corpus = corpus_for(collection, WORK)
        with open_index(corpus.index_dir).searcher() as searcher:
            texts = {}
            for doc, stored in searcher.reader().iter_docs():
                texts[doc] = (stored["article_id"], stored.get("title") or "",
                              tuple(stored.get("headings") or ()), stored.get("body") or "")
            (WORK / f"{collection}.passages.pkl").write_bytes(pickle.dumps(texts))
            for config, changes in (("all", {}), ("bm25f", dict(feedback=False, proximity=False, synonyms=False))):
                options = replace(rk.Options(limit=DEPTH, per_doc=DEPTH, spans=False), **changes)
                ranker = rk.Ranker(searcher, options)
                runs = {}
                for name, (coll, _, _) in SPLITS.items():
                    if coll != collection:
                        continue
                    _, queries, _ = split_queries(name)
                    for qid, text in queries:
                        if qid in runs:
                            continue
                        try:
                            runs[qid] = ranker.rank(parse(text))
                        except Exception:
                            runs[qid] = []
                (WORK / f"{collection}.{config}.pkl").write_bytes(pickle.dumps(runs))
                print(collection, config, len(runs), flush=True)


class Embedder:
    """wordllama's token vectors, mean-pooled and L2-normalised (as its own embed does)."""

    def __init__(self):
        import struct
        from tokenizers import Tokenizer
        import wordllama

        package = Path(wordllama.__file__).parent
        raw = (package / "weights" / "l2_supercat_256.safetensors").read_bytes()
        n = struct.unpack("<Q", raw[:8])[0]
        meta = json.loads(raw[8:8 + n])["embedding.weight"]
        a, b = meta["data_offsets"]
        self.table = np.frombuffer(raw[8 + n + a:8 + n + b], dtype=np.float16).reshape(meta["shape"]).astype(np.float32)
        self.tokenizer = Tokenizer.from_file(str(package / "tokenizers" / "l2_supercat_tokenizer_config.json"))

    def ids(self, texts):
        return [e.ids for e in self.tokenizer.encode_batch(texts, add_special_tokens=False)]

    def embed(self, texts, weights=None):
        out = np.zeros((len(texts), self.table.shape[1]), np.float32)
        for i, ids in enumerate(self.ids(texts)):
            if ids:
                rows = self.table[ids]
                v = rows.mean(0) if weights is None else (rows * weights[ids, None]).sum(0)
                out[i] = v / (np.linalg.norm(v) or 1.0)
        return out


def load_collection(collection, emb, cache=True):
    path = WORK / f"{collection}.vectors.npz"
    texts = pickle.loads((WORK / f"{collection}.passages.pkl").read_bytes())
    docs = sorted(texts)
    if cache and path.exists():
        vectors = np.load(path)["v"]
    else:
        t = time.perf_counter()
        vectors = emb.embed([f"{texts[d][1]}. {' '.join(texts[d][2])} {texts[d][3]}" for d in docs])
        print(f"embedded {len(docs)} passages in {time.perf_counter() - t:.1f}s", flush=True)
        np.savez(path, v=vectors)
    article_of = np.array([texts[d][0] for d in docs], dtype=object)
    assert docs == list(range(len(docs)))
    return vectors, article_of


def collection_queries(collection: str) -> dict[str, str]:
    """Every query of the collection's splits: id -> text."""
    queries = {}
    for name, (coll, _, _) in SPLITS.items():
        if coll == collection:
            queries.update(dict(split_queries(name)[1]))
    return queries

def articles(passages, article_of, k=1000):
    """(doc, score) best first -> article ids best first (first passage of each wins)."""
    seen, out = set(), []
    for doc, _ in passages:
        a = article_of[doc]
        if a not in seen:
            seen.add(a)
            out.append(a)
            if len(out) >= k:
                break
    return out


def evaluate(name, runs_by_qid):
    _, queries, qrels = split_queries(name)
    n = [ndcg(runs_by_qid.get(q, []), qrels[q]) for q, _ in queries]
    r = [recall(runs_by_qid.get(q, []), qrels[q]) for q, _ in queries]
    return float(np.mean(n)), float(np.mean(r))


def _query_runs(ranked, cos, depth):
    """One query's lexical run as (passages, scores) and its `depth` nearest passages, nearest first."""
    lex_docs = np.array([d for _, d in ranked], dtype=np.int64)
    lex_scores = np.array([s for s, _ in ranked])
    dense_top = np.argpartition(-cos, depth)[:depth]
    return lex_docs, lex_scores, dense_top[np.argsort(-cos[dense_top])]


def fuse() -> None:
    emb = Embedder()
    methods = {}
    for collection in ("nfcorpus", "scifact"):
        vectors, article_of = load_collection(collection, emb)
        queries = collection_queries(collection)
        qids = sorted(queries)
        qv = emb.embed([queries[q] for q in qids])
        cos_all = qv @ vectors.T  # queries x passages
        for config in ("all", "bm25f"):
            lex = pickle.loads((WORK / f"{collection}.{config}.pkl").read_bytes())
            for i, qid in enumerate(qids):
                cos = cos_all[i]
                lex_docs, lex_scores, dense_top = _query_runs(lex[qid], cos, 1000)
                res = methods
                res.setdefault((config, "lexical"), {})[qid] = articles([(d, 0) for d in lex_docs], article_of)
                res.setdefault((config, "dense"), {})[qid] = articles([(d, 0) for d in dense_top], article_of)
                # rerank lexical top K: lex/max + w * cos
                for K in (100, 1000):
                    d = lex_docs[:K]
                    if len(d):
                        base = lex_scores[:K] / lex_scores[0]
                        c = cos[d]
                        for w in (0.1, 0.2, 0.3, 0.5):
                            f = base + w * (c - c.max())
                            o = d[np.argsort(-f, kind="stable")]
                            res.setdefault((config, f"rerank{K} w={w}"), {})[qid] = articles([(x, 0) for x in o], article_of)
                    else:
                        for w in (0.1, 0.2, 0.3, 0.5):
                            res.setdefault((config, f"rerank{K} w={w}"), {})[qid] = []
                # RRF over lexical and dense (top 1000 each)
                rl = {int(d): r for r, d in enumerate(lex_docs)}
                rd = {int(d): r for r, d in enumerate(dense_top)}
                for w in (0.3, 0.5, 1.0):
                    for kk in (60,):
                        f = {}
                        for d, r in rl.items():
                            f[d] = 1 / (kk + r)
                        for d, r in rd.items():
                            f[d] = f.get(d, 0) + w / (kk + r)
                        o = sorted(f, key=lambda x: -f[x])
                        res.setdefault((config, f"rrf k={kk} w={w}"), {})[qid] = articles([(x, 0) for x in o], article_of)
                # interpolation over union: minmax lexical (0 if absent) + w * minmax cos
                union = np.union1d(lex_docs, dense_top[:200])
                lexmap = np.zeros(len(union))
                if len(lex_docs):
                    pos = np.searchsorted(union, lex_docs)
                    lexmap[pos] = lex_scores / lex_scores[0]
                c = cos[union]
                cn = (c - c.min()) / ((c.max() - c.min()) or 1)
                for w in (0.1, 0.2, 0.3, 0.5):
                    f = lexmap + w * cn
                    o = union[np.argsort(-f, kind="stable")]
                    res.setdefault((config, f"interp w={w}"), {})[qid] = articles([(x, 0) for x in o], article_of)
    names = list(SPLITS)
    print(f"{'method':<28}" + "".join(f"{n:>16}" for n in names) + f"{'mean nDCG tune':>16}")
    for key, runs in methods.items():
        cells = [evaluate(n, runs) for n in names]
        tune = np.mean([cells[0][0], cells[1][0], cells[2][0]])
        print(f"{key[0] + ' ' + key[1]:<28}" + "".join(f"   {a:.4f}/{b:.4f}" for a, b in cells) + f"{tune:16.4f}", flush=True)




def variants() -> None:
    """Interpolation variants: pooling (mean, SIF-weighted by the corpus's own token
    frequencies), dense candidates, and a semantic weight that grows with query length."""
    from indexer.analysis import analyze  # noqa: F401  (same analyzer as the product)

    emb = Embedder()
    results = {}
    for collection in ("nfcorpus", "scifact"):
        texts = pickle.loads((WORK / f"{collection}.passages.pkl").read_bytes())
        docs = sorted(texts)
        ptexts = [f"{texts[d][1]}. {' '.join(texts[d][2])} {texts[d][3]}" for d in docs]
        article_of = np.array([texts[d][0] for d in docs], dtype=object)
        ids = emb.ids(ptexts)
        counts = np.bincount(np.concatenate([np.asarray(i, dtype=np.int64) for i in ids]), minlength=emb.table.shape[0])
        p = counts / counts.sum()
        pools = {"mean": None}
        for a in (1e-3, 1e-4):
            pools[f"sif{a:g}"] = (a / (a + p)).astype(np.float32)
        queries = collection_queries(collection)
        qids = sorted(queries)
        qlen = {q: len(queries[q].split()) for q in qids}
        lex = pickle.loads((WORK / f"{collection}.all.pkl").read_bytes())
        for pool, weights in pools.items():
            vectors = emb.embed(ptexts, weights)
            qv = emb.embed([queries[q] for q in qids], weights)
            cos_all = qv @ vectors.T
            for i, qid in enumerate(qids):
                cos = cos_all[i]
                lex_docs, lex_scores, dense_top = _query_runs(lex[qid], cos, 500)
                for nd in (0, 100, 300):
                    union = np.union1d(lex_docs, dense_top[:nd])
                    lexmap = np.zeros(len(union))
                    if len(lex_docs):
                        lexmap[np.searchsorted(union, lex_docs)] = lex_scores / lex_scores[0]
                    c = cos[union]
                    cn = (c - c.min()) / ((c.max() - c.min()) or 1) if len(c) else c
                    for w in (0.1, 0.2, 0.3):
                        for grow in (0, 10):
                            ww = w * (1 + min(qlen[qid], grow) / 10) if grow else w
                            f = lexmap + ww * cn
                            o = union[np.argsort(-f, kind="stable")]
                            results.setdefault(f"{pool} nd={nd} w={w} grow={grow}", {})[qid] = articles([(x, 0) for x in o], article_of, 100)
    names = list(SPLITS)
    print(f"{'method':<34}" + "".join(f"{n:>16}" for n in names) + f"{'tune nDCG':>11}{'tune R':>8}")
    for key, runs in results.items():
        cells = [evaluate(n, runs) for n in names]
        print(f"{key:<34}" + "".join(f"   {a:.4f}/{b:.4f}" for a, b in cells)
              + f"{np.mean([c[0] for c in cells[:3]]):11.4f}{np.mean([c[1] for c in cells[:3]]):8.4f}", flush=True)


def grid() -> None:
    """The shipped fusion's knobs: lexical head L, nearest-in-meaning candidates ND (from
    anywhere, or only among lexically matched passages), shortlist on the first 64
    dimensions, and the weight's slope with query length."""
    emb = Embedder()
    results: dict[str, dict] = {}
    for collection in ("nfcorpus", "scifact"):
        texts = pickle.loads((WORK / f"{collection}.passages.pkl").read_bytes())
        docs = sorted(texts)
        pv = emb.embed([f"{texts[d][1]}. {' '.join(texts[d][2])} {texts[d][3]}" for d in docs])
        article_of = np.array([texts[d][0] for d in docs], dtype=object)
        queries = collection_queries(collection)
        qids = sorted(queries)
        qv = emb.embed([queries[q] for q in qids])
        unit = lambda x: x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)  # noqa: E731
        cos_all, coarse_all = qv @ pv.T, unit(qv[:, :64]) @ unit(pv[:, :64]).T
        lex = pickle.loads((WORK / f"{collection}.all.pkl").read_bytes())
        settings = [  # (label, L, ND, where, shortlist, w, slope)
            ("L=100 ND=0", 100, 0, "any", 0, 0.2, 10),
            ("L=100 ND=100 matched only", 100, 100, "matched", 0, 0.2, 10),
            ("L=100 ND=100 any", 100, 100, "any", 0, 0.2, 10),
            ("L=100 ND=100 any, 64-d shortlist 300", 100, 100, "any", 300, 0.2, 10),
            ("L=400 ND=100 any", 400, 100, "any", 0, 0.2, 10),
            ("shipped: shortlist 300, w=0.15 slope 5", 100, 100, "any", 300, 0.15, 5),
        ]
        for i, qid in enumerate(qids):
            cos, words = cos_all[i], len(queries[qid].split())
            ranked = lex[qid]
            for label, L, ND, where, shortlist, w, slope in settings:
                lex_docs = np.array([d for _, d in ranked][:L], dtype=np.int64)
                lex_scores = np.array([s for s, _ in ranked][:L])
                if where == "matched":
                    pool = np.array([d for _, d in ranked], dtype=np.int64)
                    near = pool[np.argsort(-cos[pool])[:ND]]
                elif shortlist:
                    short = np.argpartition(-coarse_all[i], shortlist)[:shortlist]
                    near = short[np.argsort(-cos[short])[:ND]]
                else:
                    near = np.argpartition(-cos, ND)[:ND] if ND else np.zeros(0, dtype=np.int64)
                union = np.union1d(lex_docs, near)
                if not len(union):
                    results.setdefault(label, {})[qid] = []
                    continue
                lexmap = np.zeros(len(union))
                if len(lex_docs):
                    lexmap[np.searchsorted(union, lex_docs)] = lex_scores / lex_scores[0]
                c = cos[union]
                scaled = (c - c.min()) / ((c.max() - c.min()) or 1)
                fused = lexmap + w * (1 + min(words, 20) / slope) * scaled
                order = union[np.argsort(-fused, kind="stable")]
                results.setdefault(label, {})[qid] = articles([(x, 0) for x in order], article_of, 100)
    names = list(SPLITS)
    print(f"{'setting':<42}" + "".join(f"{n:>16}" for n in names))
    for key, runs in results.items():
        print(f"{key:<42}" + "".join("   %.4f/%.4f" % evaluate(n, runs) for n in names), flush=True)


if __name__ == "__main__":
    {"dump": dump, "fuse": fuse, "variants": variants, "grid": grid}[sys.argv[1]]()
