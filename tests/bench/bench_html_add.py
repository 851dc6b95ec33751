"""`corpus add` of a folder of HTML pages, beside trafilatura's `extract` on the same pages.

Rerun from the repository root (trafilatura is in the `bench` extra):

    python tests/bench/bench_html_add.py                 # 90 pages, and 90 x 8 = 720
    python tests/bench/bench_html_add.py --copies 4 --runs 3
    python tests/bench/bench_html_add.py --baseline /tmp/old   # also another revision's add

The pages are the dev pages of the extraction benchmark (../shared/eval/extract/dev),
written out as ID.html. Two folders are added: the 90 pages as they are, and the 90
pages copied --copies times under distinct names (ID-c1.html, ID-c2.html, ...), so that
start-up (Python, imports, the worker pool, the first index commit) is a small share of
the time. Each copy is a distinct article: nothing is cached between copies.

Each `corpus add` runs as its own process, as a user runs it: a fresh corpus folder
and its own CORPUS_CACHE_DIR in a temporary folder, start-up and the pool's start
included, files read, decoded, cleaned, split, indexed, stored and synced. Its wall
time and CPU time (the process and its workers) are measured.

trafilatura 2.3.1 runs `trafilatura.extract(html, url=url)` over the same pages in this
one process, single-threaded, given the decoded text (reading, decoding and imports
not timed). Our own cleaner (`clean_html`) is timed the same way, as a second anchor.

The runs are interleaved (every variant once per round, --runs rounds) and each figure
is the median over rounds, so both sides see the same machine load. The ratio column is
pages/s over trafilatura's pages/s in the same run. On a machine shared with other work,
wall times follow the load (printed at the end); CPU ms/page does not, and `corpus add`
can run two workers, so it keeps pace with trafilatura's one core while its CPU per
page stays under twice trafilatura's. --baseline DIR adds the same two
`corpus add` runs from another checkout of the repository (`git archive REV | tar -x -C
DIR`), run as `python -m search` with DIR first on PYTHONPATH, for a before/after in
one run.
"""
from __future__ import annotations

import argparse
import gzip
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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "extract" / "dev"


def corpus_command() -> list[str]:
    found = Path(sys.executable).with_name("corpus")
    return [str(found)] if found.exists() else [sys.executable, "-m", "search"]


def write_pages(data: Path, folder: Path, copies: int) -> int:
    """Write the benchmark's pages as HTML files, `copies` times each; returns the count."""
    folder.mkdir(parents=True)
    count = 0
    for page in sorted(data.glob("*.html.gz")):
        raw = gzip.decompress(page.read_bytes())
        stem = page.name[:-len(".html.gz")]
        for copy in range(copies):
            name = f"{stem}.html" if copies == 1 else f"{stem}-c{copy + 1}.html"
            (folder / name).write_bytes(raw)
            count += 1
    return count


def time_add(pages: Path, work: Path, expected: int, baseline: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one `corpus add PAGES` into a fresh corpus and cache."""
    corpus, cache = work / "corpus", work / "cache"
    for folder in (corpus, cache):
        shutil.rmtree(folder, ignore_errors=True)
    corpus.mkdir(parents=True)
    (corpus / ".corpus").touch()
    env = {**os.environ, "CORPUS_CACHE_DIR": str(cache)}
    command = corpus_command()
    if baseline is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(baseline), env.get("PYTHONPATH")]))
        command = [sys.executable, "-m", "search"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([*command, "--corpus", str(corpus), "add", str(pages)],
                          env=env, capture_output=True, text=True, cwd=work)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or f"{expected} added" not in done.stdout:
        sys.exit(f"corpus add failed ({done.returncode}): {done.stdout[-300:]} {done.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def time_in_process(extract, pages: list[tuple[str, str | None]]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    for html, url in pages:
        extract(html, url)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--copies", type=int, default=8, help="copies of each page in the large folder")
    parser.add_argument("--runs", type=int, default=5, help="rounds; each figure is the median")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--baseline", type=Path, help="a checkout of another revision to time as well")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").exists():
        sys.exit(f"no benchmark data at {args.data}")

    from indexer.decode import decode
    from indexer.html import clean_html

    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [(decode(gzip.decompress((args.data / f"{item}.html.gz").read_bytes())),
              truth[item].get("url")) for item in sorted(truth)]
    try:
        import trafilatura
    except ImportError as error:
        trafilatura = None
        print(f"trafilatura not importable ({error}); pip install -e '.[bench]'")

    variants: dict[str, tuple[int, object]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-html-add-") as tmp:
        work = Path(tmp)
        plain = write_pages(args.data, work / "plain", 1)
        large = write_pages(args.data, work / f"x{args.copies}", args.copies)
        variants[f"corpus add, {plain} pages"] = (plain, lambda: time_add(work / "plain", work / "run", plain))
        variants[f"corpus add, {large} pages ({plain} x {args.copies})"] = (
            large, lambda: time_add(work / f"x{args.copies}", work / "run", large))
        if args.baseline is not None:
            variants[f"baseline add, {plain} pages"] = (
                plain, lambda: time_add(work / "plain", work / "run", plain, args.baseline))
            variants[f"baseline add, {large} pages"] = (
                large, lambda: time_add(work / f"x{args.copies}", work / "run", large, args.baseline))
        variants[f"clean_html in-process, {plain} pages"] = (plain, lambda: time_in_process(clean_html, pages))
        if trafilatura is not None:
            def traf(html, url):
                return trafilatura.extract(html, url=url)
            traf(*pages[0])  # its first call loads settings; a user's long run pays it once
            variants[f"trafilatura.extract, {plain} pages"] = (plain, lambda: time_in_process(traf, pages))
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for _ in range(args.runs):
            for name, (_, measure) in variants.items():
                times[name].append(measure())

    rates = {name: variants[name][0] / statistics.median(w for w, _ in runs) for name, runs in times.items()}
    anchor = next((rate for name, rate in rates.items() if name.startswith("trafilatura")), None)
    print(f"{'what':<44} | median s | CPU s | CPU ms/page | pages/s | vs trafilatura")
    rows = {}
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        ratio = f"{rates[name] / anchor:.2f}x" if anchor else "-"
        per_page = 1000 * cpu / variants[name][0]
        print(f"{name:<44} | {wall:8.2f} | {cpu:5.2f} | {per_page:11.1f} | {rates[name]:7.1f} | {ratio}")
        rows[name] = {"pages": variants[name][0], "median_s": wall, "cpu_s": cpu, "pages_per_s": rates[name]}
    print(f"(medians of {args.runs} interleaved rounds; load average at the end "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
