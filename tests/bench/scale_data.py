"""Corpora of a chosen size for the scale benchmarks, made from NFCorpus.

The first 3,633 articles are NFCorpus itself. Past that, each new article is made by
resampling sentences from the collection with a fixed seed: a title from one article and
a body of sentences drawn from the whole pool, with the original's length distribution.
The vocabulary and the word statistics stay those of real medical abstracts, so postings
lengths grow as they would with more articles of the same kind.

    python tests/bench/scale_data.py 50000 > /tmp/nf50k.jsonl
"""
from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
if not SHARED.exists():  # a worktree deeper than the main checkout
    SHARED = Path("/work/shared")
NFCORPUS = SHARED / "eval" / "retrieval" / "nfcorpus"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
SEED = 20261130


def _records(data: Path) -> list[dict]:
    with (data / "corpus.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def articles(size: int, data: Path = NFCORPUS) -> Iterator[dict]:
    """`size` records {"_id", "title", "text"}: the collection first, then resampled ones."""
    records = _records(data)
    for record in records[:size]:
        yield {"_id": record["_id"], "title": record.get("title", ""), "text": record["text"]}
    if size <= len(records):
        return
    rng = random.Random(SEED)
    sentences = [s for r in records for s in _SENTENCE.split(r["text"]) if s.strip()]
    counts = [max(1, len(_SENTENCE.split(r["text"]))) for r in records]
    for number in range(size - len(records)):
        model = rng.choice(records)
        body = " ".join(rng.choice(sentences) for _ in range(rng.choice(counts)))
        yield {"_id": f"SYN-{number}", "title": model.get("title", ""), "text": body}


def write(size: int, target: Path, data: Path = NFCORPUS) -> Path:
    with target.open("w", encoding="utf-8") as out:
        for record in articles(size, data):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return target


if __name__ == "__main__":
    for record in articles(int(sys.argv[1])):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
