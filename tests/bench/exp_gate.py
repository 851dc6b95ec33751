"""Offline experiment: how the semantic part should join the lexical score (issue 19).
Not collected by pytest.

    python tests/bench/exp_gate.py dump [--tag NAME] [--no-feedback]   # lexical runs + fusion inputs
    python tests/bench/exp_gate.py fuse [--tag NAME]                   # fusion variants, six splits

`dump` ranks every query of NFCorpus dev and train and SciFact train lexically (all
parts on but semantic, as Options says) and keeps, per query, the lexical run (top 1000
passages), the semantic shortlist and every candidate's cosine, and which of the typed
words each candidate holds with the words' idf. `fuse` replays search.semantic.fuse on
them (its first row must equal bench_retrieval.py's defaults) and variants of it. The
splits: nfdev, nftrain, the SciFact train halves sf0/sf1 (bench_retrieval.half), and
NFCorpus train's own hash halves nft0/nft1.

What it found (nDCG@10 on nfdev, nftrain, nft0, nft1, sf0, sf1; the dump of commit
25cd75b, all parts on; "shipped" is fusion as it was):
  lexical (no semantic part)           .3162 .3441 .3469 .3414 .7026 .7032
  shipped                              .3270 .3463 .3487 .3440 .7168 .7251
  part x coverage of the typed words' idf mass (relative to the best), floor 0.6
                                       .3258 .3471 .3497 .3446 .7194 .7228
  the same, floor 0 (newcomers get nothing)
                                       .3230 .3460 .3491 .3430 .7176 .7192
  part x rare-word coverage (the rarest half of the idf mass), floor 0.6
                                       .3233 .3469 .3493 .3446 .7150 .7177
  part capped by the coverage gap      .3254 .3472 .3494 .3450 .7178 .7222
  weight x (1 - 2 x the leader's margin)
                                       .3208 .3465 .3496 .3435 .7083 .7138
  a leader ahead by 15% keeps first    .3270 .3463 .3487 .3440 .7137 .7251
  a leader ahead by 30% keeps first    (every score as shipped: kept as the guarantee)
  query vector moved to its top 10 passages' (Rocchio, beta 0.5 x min(1, 3 / words))
                                       .3275 .3490 .3515 .3466 .7167 .7237
  query tokens weighted by rarity (log of the BPE id)
                                       .3252 .3462 .3491 .3435 .7156 .7226
Gating meaning by the typed words' coverage costs more queries than it saves on every
split: on average the passages meaning brings or lifts are right more often than the
rare-word holders they pass. The best sentence's closeness (sentence vectors made
offline) added over the fused top 10 or 30 moved the splits by up to 0.003 each way,
never up on both halves of a collection; Rocchio helps NFCorpus train only.
"""
from __future__ import annotations

import argparse
import pickle
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import exp_semantic  # noqa: E402
from bench_retrieval import corpus_for, half, ndcg, recall  # noqa: E402

WORK = Path("/tmp/rankwork")
DEPTH = 1000
HEAD = 100


def dump(tag: str, changes: dict) -> None:
    from indexer.index import open_index
    from search import semantic
    from search import rank as rk
    from search.query import parse

    captured = {}

    def keep_head(self, parsed, head, required, left_out):
        captured["head"] = list(head)
        return None

    def passages_only(self, ranked, parsed, weighted, bonus, phrases, meaning=None):
        out = []
        for item in ranked:
            out.append(item)
            if len(out) >= DEPTH:
                break
        captured["weighted"] = weighted
        return out

    rk.Ranker._semantic = keep_head
    rk.Ranker._hits = passages_only
    for collection in ("nfcorpus", "scifact"):
        corpus = corpus_for(collection, WORK)
        with open_index(corpus.index_dir).searcher() as searcher:
            articles = [searcher.stored_fields(d)["article_id"] for d in range(searcher.reader().doc_count_all())]
            options = replace(rk.Options(limit=HEAD, per_doc=DEPTH, spans=False), **changes)
            ranker = rk.Ranker(searcher, options)
            vectors = semantic.Vectors.read(searcher.reader())
            fusion = semantic.Fusion()
            passages = len(vectors.rows)
            count = min(fusion.candidates, int(passages * fusion.candidate_share))
            out = {}
            for qid, text in exp_semantic.collection_queries(collection).items():
                captured.clear()
                try:
                    parsed = parse(text)
                    ranked = ranker.rank(parsed)
                except Exception:  # noqa: BLE001
                    out[qid] = None
                    continue
                head = captured.get("head") or []
                qtext = semantic.query_text(parsed.text)
                qv = semantic.query_vector(qtext)
                record = {"ranked": ranked, "head": head, "words": len(qtext.split()), "qv": qv, "count": count}
                if head and head[0][0] > 0 and qv is not None:
                    short = semantic.shortlist(qv, vectors, None, max(fusion.shortlist, count))
                    lexical = {d for _, d in head}
                    docs = np.array(sorted(lexical | set(short.tolist())), dtype=np.int64)
                    cosine = np.einsum("ij,j->i", vectors.full(docs), qv)
                    in_short = semantic._members(docs, short)
                    near = docs[in_short][np.argsort(-cosine[in_short], kind="stable")[:count]]
                    keep = np.isin(docs, near) | np.isin(docs, np.fromiter(lexical, dtype=np.int64))
                    record.update(docs=docs[keep], cosine=cosine[keep])
                    docs = docs[keep]
                    typed = [wt for wt in captured["weighted"] if wt.origin in ("query", "compound")]
                    terms = list(dict.fromkeys(wt.term for wt in typed))
                    record["idf"] = np.array([ranker.scorer.idf(ranker.scorer.doc_frequency(t)) for t in terms])
                    record["part"] = np.array([next(wt.origin == "compound" for wt in typed if wt.term == t)
                                               for t in terms])
                    record["holds"] = np.array([np.isin(docs, ranker.scorer.term_postings(t).docs) for t in terms])
                out[qid] = record
            matrix = vectors.full(np.arange(len(articles)))
            (WORK / f"gate.{tag}.{collection}.pkl").write_bytes(pickle.dumps({"articles": articles, "runs": out,
                                                                               "matrix": matrix}))
            print(collection, len(out), flush=True)


GROUPS = {"nfdev": ("nfcorpus", "dev", None), "nftrain": ("nfcorpus", "train", None),
          "nft0": ("nfcorpus", "train", 0), "nft1": ("nfcorpus", "train", 1),
          "sf0": ("scifact", "train", 0), "sf1": ("scifact", "train", 1)}


def split_of(name):
    from bench_retrieval import read_qrels, SHARED

    collection, split, which = GROUPS[name]
    qrels = read_qrels(SHARED / collection / "qrels" / f"{split}.tsv")
    qids = [q for q in exp_semantic.collection_queries(collection) if q in qrels and (which is None or half(q) == which)]
    return collection, qids, qrels


def to_articles(items, articles, k=100):
    """(score, doc) best first -> article ids best first."""
    return exp_semantic.articles([(doc, score) for score, doc in items], articles, k)


def fused_run(record, articles, method):
    if record is None:
        return []
    head = record["head"]
    if "docs" not in record:
        return to_articles(record["ranked"], articles)
    head_scores = method(record)
    taken = set(head_scores)
    ordered = sorted(((s, d) for d, s in head_scores.items()), key=lambda x: (-x[0], x[1]))
    rest = [item for item in record["ranked"][len(head):] if item[1] not in taken]
    return to_articles(ordered + rest, articles)


def shipped(weight=0.15, per_words=5.0, full_words=20, gate=None):
    """search.semantic.fuse, with an optional gate(record, union mask, scaled) -> factor per passage."""
    def method(record):
        head, union, cos = record["head"], record["docs"], record["cosine"]
        best = head[0][0]
        lexical = {d: s for s, d in head}
        keep = slice(None)
        low, high = cos.min(), cos.max()
        scaled = (cos - low) / (high - low) if high > low else np.zeros(len(union))
        w = weight * (1 + min(record["words"], full_words) / per_words) * best
        part = w * scaled
        lex = np.array([lexical.get(d, 0.0) for d in union.tolist()])
        if gate is not None:
            part = part * gate(record, keep, scaled, lex, best)
        return dict(zip(union.tolist(), (lex + part).tolist()))
    return method


def evaluate(method, data) -> dict[str, tuple[float, float]]:
    out = {}
    for name in GROUPS:
        collection, qids, qrels = split_of(name)
        articles, runs = data[collection]["articles"], data[collection]["runs"]
        n, r = [], []
        for q in qids:
            ranked = fused_run(runs.get(q), articles, method)
            n.append(ndcg(ranked, qrels[q]))
            r.append(recall(ranked, qrels[q]))
        out[name] = (float(np.mean(n)), float(np.mean(r)))
    return out


def show(label, result):
    print(f"{label:<44}" + "".join(f" {n:.4f}/{r:.4f}" for n, r in result.values()), flush=True)


def fuse(tag: str, which: str) -> None:
    data = {c: pickle.loads((WORK / f"gate.{tag}.{c}.pkl").read_bytes()) for c in ("nfcorpus", "scifact")}
    for name, c in data.items():
        texts = exp_semantic.collection_queries(name)
        for qid, record in c["runs"].items():
            if record is not None:
                record["matrix"] = c["matrix"]
                record["text"] = texts[qid]
    print(f"{'method':<44}" + "".join(f" {n:>13}" for n in GROUPS))
    show("lexical", evaluate(lambda r: {d: s for s, d in r["head"]}, data))
    show("shipped", evaluate(shipped(), data))
    for label, method in VARIANTS(which):
        show(label, evaluate(method, data))


def coverage(record, keep):
    """Each union passage's share of the typed words' idf mass (compound parts at half)."""
    idf = record["idf"] * np.where(record["part"], 0.5, 1.0)
    holds = record["holds"][:, keep]
    return (idf[:, None] * holds).sum(0) / max(idf.sum(), 1e-9)


def gate_cov(power=1.0, floor=0.0):
    def g(record, keep, scaled, lex, best):
        cov = coverage(record, keep)
        top = cov.max() if cov.max() > 0 else 1.0
        return floor + (1 - floor) * (cov / top) ** power
    return g


def gate_rare(share=0.5, floor=0.0):
    """Passages lacking a word of the query's rarest `share` idf mass get `floor` of the part."""
    def g(record, keep, scaled, lex, best):
        idf = record["idf"] * np.where(record["part"], 0.5, 1.0)
        holds = record["holds"][:, keep]
        # the rare words: the fewest words, rarest first, making `share` of the idf mass
        order = np.argsort(-idf)
        mass = np.cumsum(idf[order]) / max(idf.sum(), 1e-9)
        rare = order[: int(np.searchsorted(mass, share)) + 1]
        # passage coverage of rare mass, relative to best in union
        cov = (idf[rare][:, None] * holds[rare]).sum(0)
        top = cov.max() if cov.max() > 0 else 1.0
        return floor + (1 - floor) * cov / top
    return g


def gate_cap(ratio=1.0):
    """The part may not lift a passage above the lexical best times ratio... capped by the
    coverage gap: part <= ratio * best * (1 - (top_cov - cov))."""
    def g(record, keep, scaled, lex, best):
        cov = coverage(record, keep)
        gap = np.clip(cov.max() - cov, 0, 1)
        return np.clip(1 - ratio * gap, 0, 1)
    return g


def general(weight=0.15, per_words=5.0, full_words=20, power=1.0, norm="minmax", conf=0.0, scale="best"):
    """Variants of the fusion's form: cosine scaling, a power on it, the lexical scale,
    and a weight that falls with the lexical leader's margin (conf)."""
    def method(record):
        head, union, cos = record["head"], record["docs"], record["cosine"]
        lexical = {d: s for s, d in head}
        scores = np.array([s for s, _ in head])
        best = scores[0]
        if norm == "minmax":
            low, high = cos.min(), cos.max()
        elif norm == "head":
            hc = cos[np.isin(union, scores_docs(head))]
            low, high = hc.min(), cos.max()
        scaled = np.clip((cos - low) / (high - low), 0, None) if high > low else np.zeros(len(union))
        scaled = scaled ** power
        ref = best if scale == "best" else scores[min(len(scores) - 1, 9)] if scale == "tenth" else scores.mean()
        w = weight * (1 + min(record["words"], full_words) / per_words) * ref
        if conf and len(scores) > 1:
            margin = (scores[0] - scores[1]) / scores[0]
            w *= max(0.0, 1 - conf * margin)
        lex = np.array([lexical.get(d, 0.0) for d in union.tolist()])
        return dict(zip(union.tolist(), (lex + w * scaled).tolist()))
    return method


def _min_max_fused(union, allcos, head, lexical, record, weight, per_words):
    """The union's lexical scores plus their min-max scaled closeness, weighted as shipped
    (growing with the query's words, scaled by the best lexical score)."""
    cos = allcos[union]
    low, high = cos.min(), cos.max()
    scaled = (cos - low) / (high - low) if high > low else np.zeros(len(union))
    wt = weight * (1 + min(record["words"], 20) / per_words) * head[0][0]
    lex = np.array([lexical.get(d, 0.0) for d in union.tolist()])
    return dict(zip(union.tolist(), (lex + wt * scaled).tolist()))


def prf(k=10, beta=0.5, weight=0.15, per_words=5.0, temperature=None, own_union=True, full_words=None):
    """Closeness to the query's vector moved towards its leading passages' (Rocchio)."""
    def method(record):
        head, matrix, q = record["head"], record["matrix"], record["qv"]
        top = np.array([d for _, d in head[:k]], dtype=np.int64)
        if temperature is None:
            centroid = matrix[top].mean(0)
        else:
            sc = np.array([s for s, _ in head[:k]])
            w = np.exp((sc - sc[0]) / temperature)
            centroid = (w[:, None] * matrix[top]).sum(0) / w.sum()
        centroid /= np.linalg.norm(centroid) or 1.0
        b = beta if full_words is None else beta * min(1.0, full_words / max(record["words"], 1))
        q2 = q + b * centroid
        q2 /= np.linalg.norm(q2)
        allcos = matrix @ q2
        lexical = {d: s for s, d in head}
        hd = np.fromiter(lexical, dtype=np.int64)
        if own_union:
            count = record["count"]
            near = np.argpartition(-allcos, count)[:count] if count else np.zeros(0, dtype=np.int64)
            union = np.union1d(hd, near)
        else:
            union = record["docs"]
        return _min_max_fused(union, allcos, head, lexical, record, weight, per_words)
    return method


def lift(lam=0.8, power=1.0, rare_only=False):
    """A passage covering much of the query's idf mass counts as close in meaning at least
    in proportion: part = W * best * max(scaled, lam * (cov / top) ** power)."""
    def method(record):
        head, union, cos = record["head"], record["docs"], record["cosine"]
        best = head[0][0]
        lexical = {d: s for s, d in head}
        low, high = cos.min(), cos.max()
        scaled = (cos - low) / (high - low) if high > low else np.zeros(len(union))
        cov = coverage(record, slice(None))
        top = cov.max() if cov.max() > 0 else 1.0
        floor = lam * (cov / top) ** power
        w = 0.15 * (1 + min(record["words"], 20) / 5.0) * best
        lex = np.array([lexical.get(d, 0.0) for d in union.tolist()])
        return dict(zip(union.tolist(), (lex + w * np.maximum(scaled, floor)).tolist()))
    return method


def leader(margin=0.2):
    """The lexical leader keeps first place when it leads the second by this share."""
    base = shipped()
    def method(record):
        out = base(record)
        head = record["head"]
        if len(head) > 1 and (head[0][0] - head[1][0]) / head[0][0] > margin:
            d = head[0][1]
            out[d] = max(out.values()) + 1e-6
        return out
    return method


def weighted_query(text, weigh):
    """The query's vector with each token weighted by weigh(ids) (search.semantic's text)."""
    from indexer.embed import embedder
    from search.semantic import query_text

    model = embedder()
    ids = np.asarray(model._tokenizer.ids(" ".join(query_text(text).split())), dtype=np.int64)
    if not len(ids):
        return None
    w = weigh(ids)
    v = (w[:, None] * model._table[ids].astype(np.float32)).sum(0)
    return v / (np.linalg.norm(v) or 1.0)


def qweight(weigh, weight=0.15, per_words=5.0):
    """Closeness from a query vector whose tokens are weighted (rarer tokens more)."""
    def method(record):
        head, matrix = record["head"], record["matrix"]
        q = record.setdefault(("qw", id(weigh)), weighted_query(record["text"], weigh))
        if q is None:
            q = record["qv"]
        allcos = matrix @ q
        lexical = {d: s for s, d in head}
        hd = np.fromiter(lexical, dtype=np.int64)
        count = record["count"]
        near = np.argpartition(-allcos, count)[:count] if count else np.zeros(0, dtype=np.int64)
        union = np.union1d(hd, near)
        return _min_max_fused(union, allcos, head, lexical, record, weight, per_words)
    return method


def scores_docs(head):
    return np.array([d for _, d in head], dtype=np.int64)


def VARIANTS(which):
    out = []
    if which == "leader":
        for m in (0.15, 0.2, 0.25, 0.3):
            out.append((f"leader margin={m}", leader(m)))
    if which == "lift":
        for lam in (0.5, 0.8, 1.0):
            for pw in (1.0, 2.0, 4.0):
                out.append((f"lift lam={lam} p={pw}", lift(lam, pw)))
        for m in (0.1, 0.2, 0.25, 0.3):
            out.append((f"leader margin={m}", leader(m)))
    if which == "qweight":
        out.append(("qweight flat (check)", qweight(lambda ids: np.ones(len(ids)))))
        for g in (0.5, 1.0, 2.0):
            out.append((f"qweight log(id)^{g}", qweight(lambda ids, g=g: np.log(ids + 2.0) ** g)))
        for k in (1000, 4000):
            out.append((f"qweight min(1,id/{k})", qweight(lambda ids, k=k: np.minimum(1.0, (ids + 1.0) / k))))
    if which == "prflen":
        for k in (5, 10):
            for beta in (0.5, 1.0):
                for fw in (3.0, 5.0):
                    out.append((f"prf k={k} beta={beta} full_words={fw}", prf(k=k, beta=beta, full_words=fw)))
    if which == "prf":
        out.append(("prf beta=0 (check)", prf(beta=0.0)))
        for k in (5, 10, 20):
            for beta in (0.5, 1.0, 2.0):
                out.append((f"prf k={k} beta={beta}", prf(k=k, beta=beta)))
        out.append(("prf k=10 beta=1 T=1", prf(k=10, beta=1.0, temperature=1.0)))
        out.append(("prf k=10 beta=1 T=3", prf(k=10, beta=1.0, temperature=3.0)))
    if which == "form":
        for w in (0.1, 0.2):
            out.append((f"w={w}", general(weight=w)))
        for pw in (10.0, 20.0):
            out.append((f"per_words={pw}", general(per_words=pw)))
        out.append(("norm=head", general(norm="head")))
        for pwr in (0.5, 2.0):
            out.append((f"power={pwr}", general(power=pwr)))
        for c in (1.0, 2.0, 4.0):
            out.append((f"conf={c}", general(conf=c)))
        out.append(("scale=tenth w=.2", general(scale="tenth", weight=0.2)))
        out.append(("scale=mean w=.25", general(scale="mean", weight=0.25)))
    if which in ("all", "cov"):
        for p in (0.5, 1.0, 2.0):
            for f in (0.0, 0.3, 0.6):
                out.append((f"cov p={p} floor={f}", shipped(gate=gate_cov(p, f))))
    if which in ("all", "cap"):
        for r in (0.5, 1.0, 1.5, 2.0):
            out.append((f"cap r={r}", shipped(gate=gate_cap(r))))
    if which in ("all", "rare"):
        for s in (0.3, 0.5):
            for f in (0.0, 0.3, 0.6):
                out.append((f"rare share={s} floor={f}", shipped(gate=gate_rare(s, f))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=("dump", "fuse"))
    ap.add_argument("--tag", default="all")
    ap.add_argument("--no-feedback", action="store_true")
    ap.add_argument("--which", default="all")
    args = ap.parse_args()
    if args.action == "dump":
        dump(args.tag, {"feedback": False} if args.no_feedback else {})
    else:
        fuse(args.tag, args.which)


if __name__ == "__main__":
    main()
