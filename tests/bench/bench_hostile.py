"""Time and peak memory of `corpus add` on inputs built to be expensive.

Not collected by pytest. Each case is generated in a temporary folder and added to a
fresh corpus by the real command in its own process, so its peak memory (maxrss of that
process) is its own. A case that runs past --timeout is killed and reported as such. Peak memory
is the add process's maxrss (with any worker processes it waited for, as wait4 reports).

    python tests/bench/bench_hostile.py                      # every case, 600 s each
    python tests/bench/bench_hostile.py --timeout 120 --only tables-20000 json-5000
    python tests/bench/bench_hostile.py --scale 0.1          # sizes x 0.1 (quick look)

The machine is shared: quote one run's numbers with the machine they came from.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MB = 1_000_000
_WORDS = ("magnesium cramps night muscle twitch calcium sleep potassium nerve spasm stretch water "
          "the a of and to in is that it for with as on was by").split()


def _sentence(rng: random.Random, words: int = 14) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def html_page(size: int) -> bytes:
    """A long article page: header, nav, sections of paragraphs, footer."""
    rng = random.Random(1)
    parts = ["<!doctype html><html><head><title>Long page</title></head><body><nav><a href='/'>Home</a></nav>"
             "<article><h1>Long page</h1>"]
    total = sum(map(len, parts))
    section = 0
    while total < size:
        section += 1
        chunk = f"<h2>Section {section}</h2>" + "".join(
            f"<p>{' '.join(_sentence(rng) for _ in range(4))}</p>" for _ in range(8))
        parts.append(chunk)
        total += len(chunk)
    parts.append("</article><footer>Footer</footer></body></html>")
    return "".join(parts).encode()


def text_file(size: int) -> bytes:
    """Plain text in paragraphs of a few sentences."""
    rng = random.Random(2)
    parts, total = [], 0
    while total < size:
        paragraph = " ".join(_sentence(rng) for _ in range(5)) + "\n\n"
        parts.append(paragraph)
        total += len(paragraph)
    return "".join(parts).encode()


def short_lines(count: int) -> bytes:
    rng = random.Random(3)
    return "\n".join(" ".join(rng.choice(_WORDS) for _ in range(4)) for _ in range(count)).encode() + b"\n"


def nested_tables(depth: int) -> bytes:
    return ("<html><body><p>Nested tables page about magnesium.</p>" + "<table><tr><td>x" * depth
            + "</td></tr></table>" * depth + "</body></html>").encode()


def deep_json(depth: int) -> bytes:
    return ('{"_id": "deep", "text": "Deep record.", "x": ' + "[" * depth + "]" * depth + "}").encode()


def deep_json_ld(depth: int) -> bytes:
    return ('<html><head><script type="application/ld+json">' + "[" * depth + "]" * depth
            + "</script></head><body><p>A page with deep JSON-LD about magnesium.</p></body></html>").encode()


#: name -> (file name, builder of its bytes at a scale)
CASES: dict[str, tuple[str, Callable[[float], bytes]]] = {
    "html-50mb": ("page.html", lambda s: html_page(int(50 * MB * s))),
    "text-50mb": ("notes.txt", lambda s: text_file(int(50 * MB * s))),
    "text-100k-lines": ("lines.txt", lambda s: short_lines(int(100_000 * s))),
    "tables-20000": ("tables.html", lambda s: nested_tables(int(20_000 * s))),
    "json-5000": ("deep.json", lambda s: deep_json(int(5_000 * max(s, 1)))),
    "json-ld-5000": ("deep-ld.html", lambda s: deep_json_ld(int(5_000 * max(s, 1)))),
}


def run_case(name: str, work: Path, scale: float, timeout: float) -> dict:
    file_name, build = CASES[name]
    folder = work / name
    folder.mkdir()
    path = folder / file_name
    path.write_bytes(build(scale))
    env = dict(os.environ, CORPUS_CACHE_DIR=str(folder / "cache"))
    command = [sys.executable, "-m", "search", "--corpus", str(folder / "corpus"), "add", "-q", str(path)]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               start_new_session=True)
    status, usage, timed_out = 0, None, False
    while True:  # wait4 gives this child's own rusage (peak memory, CPU)
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > timeout:
            os.killpg(process.pid, signal.SIGKILL)
            _, status, usage = os.wait4(process.pid, 0)
            timed_out = True
            break
        time.sleep(0.1)  # polling a child in a benchmark, not synchronising a test
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    if timed_out:
        outcome = f"killed after {timeout:g} s"
    elif "Traceback" in err:
        outcome = "TRACEBACK: " + err.strip().splitlines()[-1][:60]
    else:
        said = [line for line in err.splitlines() if line.startswith("corpus: skipped")]
        outcome = (out.strip().splitlines() or ["?"])[-1].split(",")[0] + (
            " - " + said[0].split(": ", 2)[-1][:50] if said else "")
    return {"case": name, "bytes": path.stat().st_size, "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024, "outcome": outcome}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a case is killed (600)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the input sizes (1.0)")
    parser.add_argument("--only", nargs="+", choices=list(CASES), help="run only these cases")
    args = parser.parse_args()
    print(f"{'case':<16} {'size':>9} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}  outcome")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as work:
        for name in args.only or CASES:
            row = run_case(name, Path(work), args.scale, args.timeout)
            size = f"{row['bytes'] / MB:.1f} MB" if row["bytes"] >= MB else f"{row['bytes'] / 1000:.0f} kB"
            print(f"{row['case']:<16} {size:>9} {row['wall']:>8.1f} {row['cpu']:>8.1f} {row['peak_mib']:>9.0f}  "
                  f"{row['outcome']}", flush=True)


if __name__ == "__main__":
    main()
