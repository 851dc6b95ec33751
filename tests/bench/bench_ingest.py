"""Ingest: `corpus add` of a JSONL file, articles/s, CPU and peak RSS of the process tree,
for one or more installed `corpus` commands side by side (say, with and without vectors).

    python tests/bench/bench_ingest.py --size 3600 --cmd corpus --cmd /work/venvs/main/bin/corpus

The JSONL comes from tests/bench/scale_data.py (NFCorpus, resampled past its 3,633
articles with a fixed seed), as bench_scale.py builds it.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_scale  # noqa: E402
import scale_data  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=3600)
    ap.add_argument("--cmd", action="append", default=None, help="a corpus command (repeatable)")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_ingest.") as work:
        work = Path(work)
        data = work / "data.jsonl"
        scale_data.write(args.size, data)
        for cmd in args.cmd or ["corpus"]:
            for run in range(args.runs):
                root = work / f"c{run}-{abs(hash(cmd))}"
                env = {"CORPUS_CACHE_DIR": str(work / "cache")}
                seconds, rss, _, cpu = bench_scale.run([cmd, "--corpus", str(root), "add", "-q", str(data)], env,
                                                       measure_tree=True)
                print(f"{cmd}: {args.size / seconds:6.0f} articles/s  {seconds:6.1f} s wall  {cpu:6.1f} s CPU"
                      f"  peak tree RSS {rss:5.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
