"""Crash consistency: a writer killed at any point leaves a corpus the next command can use.

Each scenario sets up a corpus, then runs one writing command in a child that dies just
before its Nth file-system call (tests/crashpoint.py). After the crash the next commands
(`list --json`, then a search for every article's and every version's own word) must find:
every article whole, old or new; the index agreeing with the folder; nothing reported as
added missing; no id held by two files; no traceback. Re-running the command must then
reach the scenario's end state exactly.

The default run tries a sample of points per scenario (seed CORPUS_CRASH_SEED); every point
runs with CORPUS_CRASH_ALL=1, CORPUS_TESTS=all (as .ci/run sets) or `-m crash_all`. The random-SIGKILL test loops
CORPUS_KILL_RUNS times (5 by default).
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import crashpoint as cp

SEED = int(os.environ.get("CORPUS_CRASH_SEED", "7"))
SAMPLE = int(os.environ.get("CORPUS_CRASH_SAMPLE", "1"))
KILL_RUNS = int(os.environ.get("CORPUS_KILL_RUNS", "5"))


@dataclass
class Scenario:
    """A corpus set up by `setup`, then changed by `args`, which the crash interrupts."""

    name: str
    known: list[cp.Version]
    setup: list[list[str]]
    args: list[str]
    before: dict[str, cp.Version]
    after: dict[str, cp.Version | None]
    #: The command that finishes the job after a crash, given the ids present now.
    retry: Callable[[dict[str, cp.Version]], list[str] | None] = None
    files: dict[str, str] = field(default_factory=dict)
    #: Source files rewritten after the setup, before the command (an edited note).
    between: dict[str, str] = field(default_factory=dict)

    def allowed(self) -> dict[str, set]:
        ids = set(self.before) | set(self.after)
        return {i: {self.before.get(i), self.after.get(i)} for i in ids}

    def write_sources(self, where: Path, files: dict[str, str] | None = None) -> None:
        for name, text in (self.files if files is None else files).items():
            path = where / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)


def _scenarios() -> dict[str, Callable[[], Scenario]]:
    def build(name: str) -> Scenario:
        rng = random.Random(f"{SEED}-{name}")
        alpha = cp.version(rng, "alpha", "alpha.txt")
        beta = cp.version(rng, "beta", "beta.md")
        gamma = cp.version(rng, "gamma", "gamma.txt")
        base = {"src/alpha.txt": alpha.text, "src/beta.md": beta.text, "src/gamma.txt": gamma.text}
        two = [["add", "{src}/alpha.txt", "{src}/beta.md"]]
        three = [["add", "{src}/alpha.txt", "{src}/beta.md", "{src}/gamma.txt"]]
        again = lambda args: (lambda present: args)  # noqa: E731
        if name == "first-add":
            return Scenario(name, [alpha, beta], [], ["add", "{src}/alpha.txt", "{src}/beta.md"],
                            {}, {"alpha": alpha, "beta": beta},
                            again(["add", "{src}/alpha.txt", "{src}/beta.md"]), base)
        if name == "add":
            return Scenario(name, [alpha, beta, gamma], two, ["add", "{src}/gamma.txt"],
                            {"alpha": alpha, "beta": beta}, {"alpha": alpha, "beta": beta, "gamma": gamma},
                            again(["add", "{src}/gamma.txt"]), base)
        if name == "update":
            # The user edits a note and adds it again: same source, same id, new bytes.
            alpha2 = cp.version(rng, "alpha", "alpha.txt", idword=alpha.idword)
            return Scenario(name, [alpha, alpha2, beta], two, ["add", "{src}/alpha.txt"],
                            {"alpha": alpha, "beta": beta}, {"alpha": alpha2, "beta": beta},
                            again(["add", "{src}/alpha.txt"]), base, between={"src/alpha.txt": alpha2.text})
        if name == "kind-change":
            alpha2 = cp.version(rng, "alpha", "alpha.md", idword=alpha.idword)
            # Another file (another kind) stored under the same id: the .txt must give way.
            return Scenario(name, [alpha, alpha2, beta], two, ["add", "{src}/v2/alpha.md", "--id", "alpha"],
                            {"alpha": alpha, "beta": beta}, {"alpha": alpha2, "beta": beta},
                            again(["add", "{src}/v2/alpha.md", "--id", "alpha"]),
                            {**base, "src/v2/alpha.md": alpha2.text})
        if name == "remove":
            targets = ["alpha", "gamma"]
            return Scenario(name, [alpha, beta, gamma], three, ["remove", *targets],
                            {"alpha": alpha, "beta": beta, "gamma": gamma},
                            {"alpha": None, "beta": beta, "gamma": None},
                            lambda present: (["remove", *[t for t in targets if t in present]]
                                             if any(t in present for t in targets) else None), base)
        if name == "reindex":
            state = {"alpha": alpha, "beta": beta, "gamma": gamma}
            return Scenario(name, [alpha, beta, gamma], three, ["reindex"], state, state,
                            again(["reindex"]), base)
        if name == "bulk":
            records = {f"r{n}": cp.version(rng, f"r{n}", "") for n in range(1, 6)}
            r2 = cp.version(rng, "r2", "", idword=records["r2"].idword)
            first = "".join(records[i].record() + "\n" for i in ("r1", "r2"))
            second = "".join(v.record() + "\n" for v in (r2, records["r3"], records["r4"], records["r5"]))
            return Scenario(name, [*records.values(), r2], [["add", "{src}/one.jsonl"]],
                            ["add", "{src}/two.jsonl"],
                            {"r1": records["r1"], "r2": records["r2"]},
                            {"r1": records["r1"], "r2": r2, **{i: records[i] for i in ("r3", "r4", "r5")}},
                            again(["add", "{src}/two.jsonl"]), {"src/one.jsonl": first, "src/two.jsonl": second})
        raise KeyError(name)

    names = ("first-add", "add", "update", "kind-change", "remove", "reindex", "bulk")
    return {n: (lambda n=n: build(n)) for n in names}


SCENARIOS = _scenarios()


class Bench:
    """A fresh corpus folder and state dir for each run of a scenario."""

    def __init__(self, base: Path, scenario: Scenario):
        self.base, self.scenario = base, scenario
        scenario.write_sources(base)
        self.runs = 0

    def fresh(self) -> tuple[Path, Path]:
        self.runs += 1
        work = self.base / f"run{self.runs}"
        if self.runs > 1:
            shutil.rmtree(self.base / f"run{self.runs - 1}", ignore_errors=True)
        root, cache = work / "corpus", work / "cache"
        cache.mkdir(parents=True)
        self.scenario.write_sources(self.base)
        for args in self.scenario.setup:
            result = cp.corpus_cmd(root, cache, *self.expand(args))
            assert result.returncode == 0, result.stderr
        self.scenario.write_sources(self.base, self.scenario.between)
        return root, cache

    def expand(self, args: list[str]) -> list[str]:
        return [a.replace("{src}", str(self.base / "src")) for a in args]

    def crash(self, root: Path, cache: Path, point: int) -> cp.Run:
        return cp.run(["--corpus", str(root), *self.expand(self.scenario.args)], [root, cache],
                      crash_at=point, env={"CORPUS_CACHE_DIR": str(cache)},
                      report=root.parent / "report.json")


def count_points(bench: Bench, verify: bool = True) -> int:
    """A dry run: the scenario's number of points (and, with `verify`, that it ends where it should)."""
    root, cache = bench.fresh()
    run = bench.crash(root, cache, 0)
    assert run.returncode == 0 and not run.crashed, run.stderr
    if verify:
        final = cp.check(root, cache, bench.scenario.known, {i: {v} for i, v in bench.scenario.after.items()})
        assert not final.problems, final.problems
    return run.points


def crash_at(bench: Bench, point: int) -> list[str]:
    """Crash the scenario before `point`; the problems the next commands find (none: consistent)."""
    scenario = bench.scenario
    root, cache = bench.fresh()
    run = bench.crash(root, cache, point)
    where = f"point {point} ({run.labels[-1] if run.labels else '?'})"
    problems = [f"{where}: {p}" for p in cp._tracebacks("crashed command", run)]
    if not run.crashed:
        problems.append(f"{where}: the command did not crash (exit {run.returncode})")
    after = cp.check(root, cache, scenario.known, scenario.allowed())
    problems += [f"{where}: after the crash: {p}" for p in after.problems]
    for article_id, status in cp.reported(run.stdout).items():
        if after.present.get(article_id) is not scenario.after.get(article_id):
            problems.append(f"{where}: {article_id} was reported {status} but is not in its new version")
    if "removed" in run.stdout:
        for article_id, version in scenario.after.items():
            if version is None and article_id in after.present:
                problems.append(f"{where}: {article_id} was reported removed but is still there")
    retry = scenario.retry(after.present) if scenario.retry else None
    if retry is not None:
        again = cp.corpus_cmd(root, cache, *bench.expand(retry))
        problems += [f"{where}: {p}" for p in cp._tracebacks("retry", again)]
        if again.returncode != 0:
            problems.append(f"{where}: retry {retry} failed: {again.stderr.strip()[-300:]}")
    final = cp.check(root, cache, scenario.known, {i: {v} for i, v in scenario.after.items()})
    problems += [f"{where}: after the retry: {p}" for p in final.problems]
    return problems


def _all_points(request) -> bool:
    return (os.environ.get("CORPUS_CRASH_ALL") == "1" or os.environ.get("CORPUS_TESTS") == "all"
            or "crash_all" in (request.config.getoption("-m") or ""))


@pytest.mark.xfail(cp.OLD_STORE, reason="old store: remove and kind change are not crash-consistent", strict=False)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_sampled_crash_points_leave_a_consistent_corpus(name, tmp_path, request):
    if _all_points(request):
        pytest.skip("every point runs in test_every_crash_point")
    bench = Bench(tmp_path, SCENARIOS[name]())
    points = count_points(bench, verify=False)  # each point's retry checks the end state anyway
    assert points > 0
    rng = random.Random(f"{SEED}-{name}-points")
    chosen = sorted(rng.sample(range(1, points + 1), min(SAMPLE, points)))
    problems = [p for point in chosen for p in crash_at(bench, point)]
    assert not problems, "\n".join(problems)


@pytest.mark.crash_all
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_crash_point(name, tmp_path, request):
    if not _all_points(request):
        pytest.skip("set CORPUS_CRASH_ALL=1 (or -m crash_all) to crash at every point")
    bench = Bench(tmp_path, SCENARIOS[name]())
    points = count_points(bench)
    problems = []
    consistent = 0
    for point in range(1, points + 1):
        found = crash_at(bench, point)
        consistent += not found
        problems += found
    print(f"crash points {name}: {points} run, {consistent} consistent after the next command")
    assert not problems, f"{points - consistent} of {points} points inconsistent:\n" + "\n".join(problems)


# -- random SIGKILL ------------------------------------------------------------------------

def _bulk_bench(tmp_path: Path, rng: random.Random, count: int = 40) -> tuple[list[cp.Version], Path]:
    versions = [cp.version(rng, f"k{n:03d}", "", paragraphs=1, words=40) for n in range(count)]
    bulk = tmp_path / "bulk.jsonl"
    bulk.write_text("".join(v.record() + "\n" for v in versions))
    return versions, bulk


KILLS = {"killed": 0, "finished": 0, "span": 0.0}


def _kill_during(args: list[str], root: Path, cache: Path, rng: random.Random, span: float | None) -> str:
    """Start `corpus ARGS`, wait until it makes its first change, SIGKILL it a random moment later.

    The moment only spreads the kills over the run; nothing checked depends on it. With
    `span` None nothing is killed, and the time from the first change to the end is
    returned (in KILLS["span"]) for later runs to spread their kills over.
    """
    read_end, write_end = os.pipe()
    env = cp.child_env([root, cache], {"CORPUS_CACHE_DIR": str(cache), "CRASHPOINT_ANNOUNCE": "1",
                                       "CRASHPOINT_PAUSE_OUT": str(write_end)})
    proc = subprocess.Popen(cp.command(0, ["--corpus", str(root), *args]), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, pass_fds=(write_end,), text=True)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as signals:
        started = signals.readline()
    begun = time.monotonic()
    if started and span is not None:
        try:
            proc.wait(timeout=rng.uniform(0, span))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=120)
    if span is None:
        KILLS["span"] = time.monotonic() - begun
    else:
        KILLS["killed" if proc.returncode == -signal.SIGKILL else "finished"] += 1
    assert "Traceback" not in stderr, stderr
    return stdout


@pytest.mark.slow
@pytest.mark.xfail(cp.OLD_STORE, reason="old store: a killed remove leaves articles unsearchable", strict=False)
def test_random_sigkill_loses_nothing(tmp_path):
    """Kill a bulk add, a remove and a reindex at random moments: no article is ever lost."""
    rng = random.Random(SEED)
    versions, bulk = _bulk_bench(tmp_path, rng)
    # How long each command takes here, so the kills spread over the whole run.
    probe_root, probe_cache = tmp_path / "probe" / "corpus", tmp_path / "probe" / "cache"
    spans = {}
    for key, args in (("add", ["add", str(bulk)]), ("remove", ["remove", *[v.id for v in versions[::2]]]),
                      ("reindex", ["reindex"])):
        _kill_during(args, probe_root, probe_cache, rng, None)
        spans[key] = KILLS["span"]
    lost = 0
    problems = []
    for run in range(KILL_RUNS):
        work = tmp_path / f"kill{run}"
        root, cache = work / "corpus", work / "cache"
        # add: whatever was reported added must be there; the rest may or may not be.
        stdout = _kill_during(["add", str(bulk)], root, cache, rng, spans["add"])
        said = cp.reported(stdout)
        found = cp.check(root, cache, versions, {v.id: {None, v} for v in versions})
        missing = [i for i in said if i not in found.present]
        lost += len(missing)
        problems += [f"add run {run}: {p}" for p in found.problems]
        # finish the add, then kill a remove of half of them and a reindex
        assert cp.corpus_cmd(root, cache, "add", str(bulk)).returncode == 0
        doomed = {v.id for v in versions[::2]}
        _kill_during(["remove", *sorted(doomed)], root, cache, rng, spans["remove"])
        found = cp.check(root, cache, versions,
                         {v.id: ({None, v} if v.id in doomed else {v}) for v in versions})
        problems += [f"remove run {run}: {p}" for p in found.problems]
        lost += sum(1 for v in versions if v.id not in doomed and v.id not in found.present)
        kept = found.present
        _kill_during(["reindex"], root, cache, rng, spans["reindex"])
        found = cp.check(root, cache, versions, {v.id: ({v} if v.id in kept else {None}) for v in versions})
        problems += [f"reindex run {run}: {p}" for p in found.problems]
        lost += sum(1 for i in kept if i not in found.present)
        shutil.rmtree(work)
    print(f"random kills: {3 * KILL_RUNS} commands, {KILLS['killed']} killed mid-run, "
          f"{KILLS['finished']} ended first; {lost} articles lost, {len(problems)} problems")
    assert lost == 0 and not problems, f"{lost} articles lost\n" + "\n".join(problems)


@pytest.mark.parametrize("args", [["add", "{src}/gamma.txt"], ["reindex"]], ids=["add", "reindex"])
def test_a_killed_writer_leaves_no_temporary_folder_after_the_next_command(args, tmp_path):
    """Killed with Whoosh's temporary folder in place (just before its last rmdir): the
    next command, a read, removes it, and a rebuilt index never swapped in."""
    bench = Bench(tmp_path, SCENARIOS["add"]())
    bench.scenario.args = args
    root, cache = bench.fresh()
    dry = bench.crash(root, cache, 0)
    assert dry.returncode == 0, dry.stderr
    point = max(n for n, label in enumerate(dry.labels, 1) if label.startswith("rmdir") and "MAIN.tmp" in label)
    root, cache = bench.fresh()
    run = bench.crash(root, cache, point)
    assert run.crashed and list(cache.rglob("MAIN.tmp")), run.labels[-3:]
    listed = cp.corpus_cmd(root, cache, "list")
    assert listed.returncode == 0, listed.stderr
    assert not list(cache.rglob("MAIN.tmp"))
    (state,) = [p for p in cache.iterdir() if p.is_dir() and p.name != "models"]
    assert len([p for p in state.iterdir() if p.name.startswith("index")]) == 1, sorted(state.iterdir())
