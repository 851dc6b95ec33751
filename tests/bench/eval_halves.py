"""Score the plain-text cleaner on text-dev as a whole and on its two hash halves.

Tune on half 0, check half 1: a rule that helps one half and hurts the other fits dev.
A page's half is int(sha256(page id)) % 2. Each half is a temporary folder of symlinks
and its share of ground-truth.json, scored by the shared eval_extract.py.

    python tests/bench/eval_halves.py
    python tests/bench/eval_halves.py --data ../shared/eval/extract/text-dev --worst 5
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval" / "extract" / "eval_extract.py"
DATA = EVAL.with_name("text-dev")


def half(page_id: str) -> int:
    return int(hashlib.sha256(page_id.encode()).hexdigest(), 16) % 2


def run(evaluator: Path, data: Path, cmd: str, worst: int) -> str:
    out = subprocess.run([sys.executable, str(evaluator), "--data", str(data), "--cmd", cmd, "--worst", str(worst)],
                         capture_output=True, text=True, check=True)
    return out.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--cmd", default=f"{Path(sys.executable).with_name('corpus')} clean --json")
    parser.add_argument("--worst", type=int, default=0)
    args = parser.parse_args()
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    print("all:   " + run(args.eval, args.data, args.cmd, args.worst).strip().replace("\n", "\n       "))
    for which in (0, 1):
        with tempfile.TemporaryDirectory() as tmp:
            subset = {key: value for key, value in truth.items() if half(key) == which}
            for key in subset:
                for page in args.data.glob(f"{key}.*"):
                    (Path(tmp) / page.name).symlink_to(page.resolve())
            (Path(tmp) / "ground-truth.json").write_text(json.dumps(subset), encoding="utf-8")
            report = run(args.eval, Path(tmp), args.cmd, args.worst).strip()
            print(f"half {which} ({len(subset)}): " + report.replace("\n", "\n       "))


if __name__ == "__main__":
    main()
