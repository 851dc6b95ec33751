"""Scale: what each command costs as the corpus grows, beside tantivy, SQLite FTS5, bm25s and rg.

Rerun (from the repository root; a plain install, not `-e`, as a user's, in a fresh venv):

    pip install ".[bench]"
    python tests/bench/bench_scale.py                       # sizes 3600,10000,50000
    python tests/bench/bench_scale.py --sizes 3600 --runs 3 # a quick look
    python tests/bench/bench_scale.py --add-only            # only `corpus add` (speed, memory)

Per size it builds a JSONL corpus with tests/bench/scale_data.py (NFCorpus, resampled past
its 3,633 articles with a fixed seed) and measures, each in a new process:
  - `corpus add` of the JSONL file: articles/s and peak RSS (of the whole process tree,
    cleaning workers included), beside tantivy 0.27, SQLite FTS5 and bm25s building an
    index of the same records;
  - `corpus add one.txt` and `corpus remove ID` on the built corpus (wall time, start-up
    included, median of --runs);
  - a cold `corpus search` of a 1-, 3- and 8-word query (median of --runs) beside
    `rg -i -F -e w1 -e w2 ...` over the stored article files and a fresh tantivy process;
  - a warm batch of the NFCorpus dev queries (tests/bench/bench_latency.py: the ranking
    as shipped, and BM25F alone): p50/p95 wall and CPU time and peak RSS, beside tantivy and
    FTS5 over the same queries;
  - `corpus reindex` (sizes up to 10,000 unless --reindex-all), beside a tantivy build.
Every figure is printed with its anchor and the ratio (ours / anchor).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import scale_data  # noqa: E402

NFCORPUS = scale_data.NFCORPUS
QUERIES = {1: "cholesterol", 3: "breast cancer cholesterol",
           8: "does vitamin d supplementation reduce the risk of fractures"}
TOKEN = re.compile(r"\w+")


# -- running things --------------------------------------------------------------------


def _tree_memory_kib(pid: int) -> tuple[int, int]:
    """Resident memory of a process and all its descendants, in KiB: (RSS, PSS) summed.

    RSS counts a page shared by the forked workers and their parent once in each process;
    PSS (proportional set size) splits it between them, so its sum is what the tree holds.
    """
    rss = pss = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                        break
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return rss, pss


def run(args: list[str], env: dict | None = None,
        measure_tree: bool = False) -> tuple[float, float, str, float, float]:
    """Run a command; (wall seconds, peak RSS in MiB, stdout, CPU seconds of it and its workers,
    peak PSS of the tree in MiB).

    With `measure_tree` the peaks are of the whole process tree (sampled); else the RSS is
    the process's own and the PSS 0.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        peak = [0, 0]
        done = threading.Event()
        if measure_tree:
            def poll() -> None:
                while not done.wait(0.05):  # the memory probe's sampling interval
                    rss, pss = _tree_memory_kib(child.pid)
                    peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            watcher = threading.Thread(target=poll, daemon=True)
            watcher.start()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        done.set()
        if measure_tree:
            watcher.join()
        out.seek(0)
        err.seek(0)
        if child.returncode not in (0, 1):
            sys.exit(f"{' '.join(args)} failed ({child.returncode}): {err.read().decode()[-800:]}")
        rss = max(peak[0] / 1024, usage.ru_maxrss / 1024)
        return seconds, rss, out.read().decode(), usage.ru_utime + usage.ru_stime, peak[1] / 1024


START_UP_FLOOR = ("import numpy, click; from indexer.whoosh_import import import_whoosh; import_whoosh(); "
                  "import whoosh.index, whoosh.reading")


def python(code: str, *args: str, env: dict | None = None) -> tuple[float, float, str]:
    """Run Python code in a new process; (seconds, its peak RSS in MiB, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, stderr=err,
                                 env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"python -c ... failed: {err.read().decode()[-800:]}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def corpus_cmd() -> list[str]:
    found = Path(sys.executable).with_name("corpus")
    return [str(found)] if found.exists() else [sys.executable, "-m", "search"]


def install_kind() -> str:
    """Whether the measured `corpus` runs an installed copy or this checkout (an editable
    install): the latter runs its import finder and the venv's .pth files at every start,
    about 10 ms a command that a user's `pip install .` does not pay."""
    python = Path(sys.executable)
    found = subprocess.run([str(python), "-c", "import search; print(search.__file__)"], capture_output=True,
                           text=True, cwd=tempfile.gettempdir()).stdout.strip()
    return f"this checkout (editable: start-up slower than a user's) {found}" if found.startswith(str(REPO)) \
        else f"an installed copy {found}"


def median_of(runs: int, action) -> float:
    return statistics.median(action() for _ in range(runs))


# -- the anchors (each run in its own process) ---------------------------------------------

TANTIVY_BUILD = r"""
import json, sys, tantivy
data, target = sys.argv[1], sys.argv[2]
builder = tantivy.SchemaBuilder()
builder.add_text_field("id", stored=True)
builder.add_text_field("title", stored=True)
builder.add_text_field("body", stored=True)
schema = builder.build()
index = tantivy.Index(schema, path=target)
writer = index.writer()
with open(data, encoding="utf-8") as lines:
    for line in lines:
        r = json.loads(line)
        writer.add_document(tantivy.Document(id=r["_id"], title=r.get("title", ""), body=r["text"]))
writer.commit()
writer.wait_merging_threads()
"""

TANTIVY_QUERY = r"""
import json, sys, time, statistics, tantivy
target, queries = sys.argv[1], json.loads(sys.argv[2])
index = tantivy.Index.open(target)
index.reload()
searcher = index.searcher()
times = []
for text in queries:
    words = " ".join(w for w in __import__("re").findall(r"\w+", text))
    start = time.perf_counter()
    query = index.parse_query(words, ["title", "body"])
    hits = searcher.search(query, 10).hits
    [searcher.doc(address)["id"] for _, address in hits]
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""

FTS_BUILD = r"""
import json, sqlite3, sys
data, target = sys.argv[1], sys.argv[2]
db = sqlite3.connect(target)
db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='porter')")
with open(data, encoding="utf-8") as lines, db:
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)",
                   ((r["_id"], r.get("title", ""), r["text"]) for r in map(json.loads, lines)))
db.close()
"""

FTS_QUERY = r"""
import json, re, sqlite3, sys, time
target, queries = sys.argv[1], json.loads(sys.argv[2])
db = sqlite3.connect(target)
times = []
for text in queries:
    words = re.findall(r"\w+", text.lower())
    expr = " OR ".join('"%s"' % w for w in words) or '""'
    start = time.perf_counter()
    db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10", (expr,)).fetchall()
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""

BM25S_BUILD = r"""
import json, sys, bm25s
data = sys.argv[1]
with open(data, encoding="utf-8") as lines:
    texts = [(r.get("title", "") + " " + r["text"]) for r in map(json.loads, lines)]
retriever = bm25s.BM25()
retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
"""

def dev_queries() -> list[str]:
    qrels = NFCORPUS / "qrels" / "dev.tsv"
    wanted = {line.split("\t")[0] for line in qrels.read_text().splitlines()[1:] if line.strip()}
    found = []
    with (NFCORPUS / "queries.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["_id"] in wanted:
                found.append(record["text"])
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# -- one size ------------------------------------------------------------------------------


def measure(size: int, work: Path, runs: int, reindex: bool, queries: list[str], add_only: bool = False) -> dict:
    data = scale_data.write(size, work / f"nf{size}.jsonl")
    root = work / f"c{size}"
    for stale in (root, work / f"cache{size}"):  # a corpus left by an earlier, interrupted run
        shutil.rmtree(stale, ignore_errors=True)
    env = {"CORPUS_CACHE_DIR": str(work / f"cache{size}")}
    corpus = corpus_cmd() + ["--corpus", str(root)]
    figures: dict = {}

    seconds, rss, out, cpu, pss = run(corpus + ["add", "-q", str(data)], env=env, measure_tree=True)
    assert f"{size} added" in out, out
    figures["add"] = (size / seconds, rss, size / cpu, pss)
    if add_only:
        return figures
    t_seconds, t_rss, _ = python(TANTIVY_BUILD, str(data), str(_fresh(work / f"tantivy{size}")))
    f_seconds, f_rss, _ = python(FTS_BUILD, str(data), str(_gone(work / f"fts{size}.sqlite")))
    b_seconds, b_rss, _ = python(BM25S_BUILD, str(data))
    figures["add_anchors"] = {"tantivy": (size / t_seconds, t_rss), "FTS5": (size / f_seconds, f_rss),
                              "bm25s": (size / b_seconds, b_rss)}

    one_times, remove_times = [], []
    for number in range(runs):
        note = work / f"one-{size}-{number}.txt"
        note.write_text(f"Capybara note {number}: capybaras relax in hot springs in winter.\n")
        seconds, _, out, _, _ = run(corpus + ["add", "-q", str(note)], env=env)
        assert "1 added" in out, out
        one_times.append(seconds)
        seconds, _, out, _, _ = run(corpus + ["remove", f"one-{size}-{number}"], env=env)
        assert "1 removed" in out, out
        remove_times.append(seconds)
    figures["add_one"] = statistics.median(one_times)
    figures["remove"] = statistics.median(remove_times)

    # rg reads the article files: it skips hidden entries (.meta, .lock) as corpus-search does.
    rg = shutil.which("rg", path=str(Path(sys.executable).parent)) or shutil.which("rg")
    cold = {}
    for words, text in QUERIES.items():
        ours = median_of(runs, lambda: run(corpus + ["search", "--limit", "10", *text.split()], env=env)[0])
        rg_args = [rg, "-i", "-F", "-c"] + [a for w in text.split() for a in ("-e", w)] + [str(root)]
        theirs = median_of(runs, lambda: run(rg_args)[0]) if rg else float("nan")
        tantivy = median_of(runs, lambda: python(TANTIVY_QUERY, str(work / f"tantivy{size}"), json.dumps([text]))[0])
        cold[words] = (ours, theirs, tantivy)
    figures["cold"] = cold
    # What any `corpus search` pays before it reads anything: the interpreter and the three
    # libraries a search cannot do without (numpy, click, Whoosh).
    figures["floor"] = median_of(runs, lambda: python(START_UP_FLOOR)[0])

    batch = list(queries)
    # bench_latency.py runs the dev queries warm in one process, as shipped and BM25F alone.
    _, _, out = python(f"import runpy, sys; sys.argv = ['bench_latency.py', '--corpus', {str(root)!r}, "
                       f"'--json']; runpy.run_path({str(HERE / 'bench_latency.py')!r}, run_name='__main__')", env=env)
    report = json.loads(out.strip().splitlines()[-1])
    ours = {part: (report[part]["p50_ms"] / 1000, report[part]["p95_ms"] / 1000, report["rss_mb"],
                   report[part]["cpu_p50_ms"] / 1000, report[part]["cpu_p95_ms"] / 1000)
            for part in ("all", "bm25f")}
    _, t_rss, out = python(TANTIVY_QUERY, str(work / f"tantivy{size}"), json.dumps(batch))
    t_times = json.loads(out)
    _, f_rss, out = python(FTS_QUERY, str(work / f"fts{size}.sqlite"), json.dumps(batch))
    f_times = json.loads(out)
    figures["batch"] = {"ours, as shipped": ours["all"], "ours, BM25F alone": ours["bm25f"], "tantivy": (percentile(t_times, 0.5), percentile(t_times, 0.95), t_rss),
                        "FTS5": (percentile(f_times, 0.5), percentile(f_times, 0.95), f_rss)}

    if reindex:
        seconds, rss, out, cpu, _ = run(corpus + ["reindex"], env=env, measure_tree=True)
        figures["reindex"] = (seconds, rss, t_seconds, cpu)
    return figures


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _gone(path: Path) -> Path:
    path.unlink(missing_ok=True)
    return path


# -- the table -------------------------------------------------------------------------------


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    rows = [("what", *(f"{s:,} articles" for s in sizes))]

    def row(label, cell):
        rows.append((label, *(_cell(cell, results[s]) for s in sizes)))

    row("`corpus add` JSONL, articles/s (target >= 400)", lambda f: f"{f['add'][0]:.0f}")
    row("  the same per CPU-second (user+sys, workers included)", lambda f: f"{f['add'][2]:.0f}")
    for name in ("tantivy", "FTS5", "bm25s"):
        row(f"  {name} build, articles/s (ours/theirs)",
            lambda f, n=name: f"{f['add_anchors'][n][0]:.0f} ({f['add'][0] / f['add_anchors'][n][0]:.2f}x)")
    row("peak RSS of `corpus add` (with its workers), MiB (target <= 250)", lambda f: f"{f['add'][1]:.0f}")
    row("  the same as PSS (pages shared with the workers counted once), MiB", lambda f: f"{f['add'][3]:.0f}")
    for name in ("tantivy", "FTS5", "bm25s"):
        row(f"  {name} build peak RSS, MiB", lambda f, n=name: f"{f['add_anchors'][n][1]:.0f}")
    row("start-up floor: Python importing numpy, click and Whoosh, nothing else, s",
        lambda f: f"{f['floor']:.2f}")
    row("`corpus add one.txt`, s (target <= 0.5)", lambda f: f"{f['add_one']:.2f}")
    row("`corpus remove ID`, s (target <= 0.5)", lambda f: f"{f['remove']:.2f}")
    for words in QUERIES:
        row(f"cold search, {words} word(s), s: ours / rg (ratio) / tantivy",
            lambda f, w=words: "{:.2f} / {:.2f} ({:.2f}x) / {:.2f}".format(
                f["cold"][w][0], f["cold"][w][1], f["cold"][w][0] / f["cold"][w][1], f["cold"][w][2]))
    for name in ("ours, as shipped", "ours, BM25F alone", "tantivy", "FTS5"):
        row(f"warm batch p50 / p95 ms, RSS MiB: {name}",
            lambda f, n=name: "{:.1f} / {:.1f}, {:.0f}".format(f["batch"][n][0] * 1000, f["batch"][n][1] * 1000,
                                                               f["batch"][n][2])
            + (" (CPU {:.1f} / {:.1f})".format(f["batch"][n][3] * 1000, f["batch"][n][4] * 1000)
               if len(f["batch"][n]) > 3 else ""))
    row("`corpus reindex`, s (target <= 30 at 10k) / tantivy build s",
        lambda f: "{:.1f} / {:.1f} ({:.0f}x), {:.0f} CPU-s, {:.0f} MiB".format(
            f["reindex"][0], f["reindex"][2], f["reindex"][0] / f["reindex"][2], f["reindex"][3], f["reindex"][1])
        if "reindex" in f else "-")
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _cell(cell, figures: dict) -> str:
    """A table cell, or "-" for a figure not measured (--add-only)."""
    try:
        return cell(figures)
    except KeyError:
        return "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="3600,10000,50000")
    parser.add_argument("--runs", type=int, default=5, help="runs per cold measurement (median)")
    parser.add_argument("--queries", type=int, default=0, help="cap on dev queries in the warm batch (0: all)")
    parser.add_argument("--work", type=Path, help="keep the corpora here (default: a temp folder, removed)")
    parser.add_argument("--reindex-all", action="store_true", help="time reindex at every size, not only <= 10k")
    parser.add_argument("--add-only", action="store_true",
                        help="measure only `corpus add` of the JSONL file (no anchors, searches or reindex)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    queries = dev_queries()
    if args.queries:
        queries = queries[: args.queries]
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_scale-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# bench_scale: sizes {sizes}, {args.runs} runs per cold figure, {len(queries)} dev queries, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"# measuring {' '.join(corpus_cmd())}: {install_kind()}", flush=True)
    results = {}
    try:
        for size in sizes:
            started = time.perf_counter()
            results[size] = measure(size, work, args.runs, args.reindex_all or size <= 10000, queries,
                                    args.add_only)
            print(f"# {size:,} articles measured in {time.perf_counter() - started:.0f} s "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(results))


if __name__ == "__main__":
    main()
