"""Run a `corpus` command in a child process that dies just before its Nth file-system call.

The crash-consistency tests need to stop a writer at every point where the disk could be
left half-changed, the way SQLite's own tests do. The child installs counting wrappers
around the Python-level calls that change files, counts those that touch a watched folder
(the corpus folder and the per-user state dir), and ends with `os._exit` just before the
Nth one: no `finally`, no `atexit`, no buffered file flushed, as after a power cut.

    python tests/crashpoint.py N -- --corpus C add a.txt     # die before point N
    python tests/crashpoint.py 0 -- --corpus C add a.txt     # dry run: count the points

Counted (when the path, or the file descriptor's path, is under a watched folder):
open/io.open in a writing mode, os.open with a writing flag, os.write, os.fsync,
os.replace/os.rename, os.unlink/os.remove, os.rmdir, shutil.rmtree, os.mkdir/os.makedirs,
and SQLite commits (a Connection subclass given as `factory`; SQLite's own file I/O is
in C and crash-safe by itself, but the moment around a commit is a Python-level point).
Whoosh's FileStorage writes through exactly these (open, os.open, os.rename, os.remove).

Two more modes serve the concurrency and random-kill tests:
    CRASHPOINT_PAUSE=K   at point K, write "paused K" to fd CRASHPOINT_PAUSE_OUT and block
                         until a byte arrives on fd CRASHPOINT_PAUSE_IN, then go on.
    CRASHPOINT_ANNOUNCE  write "started" to fd CRASHPOINT_PAUSE_OUT at the first point.

The child writes a JSON report ({"points", "crashed_at", "labels"}) to CRASHPOINT_REPORT.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CRASH_EXIT = 86
#: The store being replaced (issue 7) fails these tests in known ways; the new one has a catalog.
OLD_STORE = not (Path(__file__).resolve().parent.parent / "indexer" / "catalog.py").exists()
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
HERE = Path(__file__).resolve()


# -- the parent's side --------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """How one child run ended."""

    returncode: int
    stdout: str
    stderr: str
    #: Points counted (all of them on a dry run; up to the crash otherwise).
    points: int
    #: The point the child died before, or None if it ran to the end.
    crashed_at: int | None
    #: "kind path" of each point counted, in order (for failure messages).
    labels: tuple[str, ...]

    @property
    def crashed(self) -> bool:
        return self.crashed_at is not None


def child_env(watch: list[Path], extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["CRASHPOINT_WATCH"] = os.pathsep.join(str(p) for p in watch)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def command(crash_at: int, args: list[str]) -> list[str]:
    return [sys.executable, str(HERE), str(crash_at), "--", *args]


def run(args: list[str], watch: list[Path], crash_at: int = 0, report: Path | None = None,
        env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run `corpus ARGS` in a child that dies before point `crash_at` (0: never)."""
    report = report or Path(os.environ.get("TMPDIR", "/tmp")) / f"crashpoint-{os.getpid()}.json"
    report.unlink(missing_ok=True)
    proc = subprocess.run(command(crash_at, args), capture_output=True, text=True, timeout=timeout,
                          env=child_env(watch, {"CRASHPOINT_REPORT": str(report), **(env or {})}))
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        data = {"points": 0, "crashed_at": None, "labels": []}
    report.unlink(missing_ok=True)
    return Run(proc.returncode, proc.stdout, proc.stderr, data["points"], data["crashed_at"],
               tuple(data["labels"]))



# -- articles whose every passage carries their id's word and their version's word --------

FILLER = ("river stone lantern meadow copper violin harbour orchard pepper candle marble "
          "window garden ladder saddle thunder cabbage velvet anchor pillow basket ribbon "
          "kettle mirror tunnel feather blanket pebble trumpet walnut").split()


def nonsense(rng, prefix: str = "zq") -> str:
    """A word found in no dictionary, letters only so no analyzer step splits it."""
    return prefix + "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4))


@dataclass(frozen=True)
class Version:
    """One version of one article: what the source file holds and the words that find it."""

    id: str
    #: The source file name (its extension says the kind); a record's is "".
    name: str
    #: In every paragraph of every version of this article.
    idword: str
    #: In every paragraph of this version only.
    word: str
    text: str

    @property
    def raw(self) -> bytes:
        return self.text.encode()

    def record(self) -> str:
        return json.dumps({"_id": self.id, "title": f"Record {self.id}", "text": self.text})

    def matches(self, data: bytes) -> bool:
        """Whether a file in the corpus folder holds exactly this version."""
        if data == self.raw:
            return True
        try:
            stored = json.loads(data)
        except ValueError:
            return False
        return isinstance(stored, dict) and stored.get("text") == self.text


def version(rng, article_id: str, name: str, idword: str | None = None, paragraphs: int = 2,
            words: int = 60) -> Version:
    idword = idword or nonsense(rng, "zi")
    word = nonsense(rng, "zv")
    title = f"Article {article_id} {word}"
    body = []
    for number in range(paragraphs):
        filler = " ".join(rng.choice(FILLER) for _ in range(words))
        body.append(f"The {idword} note {number} tells of {word}: {filler}.")
    if name.endswith(".md"):
        parts = [f"# {title}"]
        for number, paragraph in enumerate(body):
            parts += [f"## Part {number} {word}", paragraph]
        text = "\n\n".join(parts) + "\n"
    else:
        text = title + "\n\n" + "\n\n".join(body) + "\n"
    return Version(article_id, name, idword, word, text)


# -- checking a corpus after a crash, through the CLI and the folder only -------------------

QUIET_RANKING = {"CORPUS_FEEDBACK": "off", "CORPUS_SYNONYMS": "off", "CORPUS_PROXIMITY": "off"}


@dataclass
class Check:
    """What one look at the corpus found: violations, and the state it saw."""

    problems: list[str]
    #: id -> the Version whose bytes are in the folder.
    present: dict[str, Version]


def corpus_cmd(root: Path, cache: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, CORPUS_CACHE_DIR=str(cache), **QUIET_RANKING)
    return subprocess.run([sys.executable, "-m", "search", "--corpus", str(root), *args],
                          capture_output=True, text=True, timeout=timeout, env=env)


def folder_versions(root: Path, known: list[Version]) -> tuple[dict[str, list[Version]], list[str]]:
    """Which known version each article file in the folder holds; files that hold none."""
    found: dict[str, list[Version]] = {}
    strangers = []
    if not root.is_dir():
        return found, strangers
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.name.startswith(".") or not entry.is_file():
            continue
        data = Path(entry.path).read_bytes()
        match = [v for v in known if v.matches(data)]
        if match:
            found.setdefault(match[0].id, []).append(match[0])
        else:
            strangers.append(entry.name)
    return found, strangers


def check(root: Path, cache: Path, known: list[Version], allowed: dict[str, set]) -> Check:
    """Run the next commands (list, then a search per word) and check every invariant.

    `allowed` maps each id to the versions (or None: absent) it may be in now.
    """
    problems: list[str] = []
    # The next command first: a crash may leave work for it to finish (a pending rename,
    # a replaced file not yet deleted); the folder is judged once it has run.
    listing = corpus_cmd(root, cache, "list", "--json")
    found, strangers = folder_versions(root, known)
    problems += [f"file {name} holds no known version of any article (torn?)" for name in strangers]
    present: dict[str, Version] = {}
    for article_id, versions in found.items():
        if len(versions) > 1:
            problems.append(f"id {article_id} is held by {len(versions)} files")
        present[article_id] = versions[-1]
    for article_id, options in allowed.items():
        now = present.get(article_id)
        if now not in options:
            problems.append(f"id {article_id} is {now.word if now else 'absent'}, allowed: "
                            f"{sorted(v.word if v else 'absent' for v in options)}")

    problems += _tracebacks("list", listing)
    if listing.returncode != 0:
        if found or listing.stderr.count("\n") != 1:
            problems.append(f"list failed ({listing.returncode}): {listing.stderr.strip()[-300:]}")
        return Check(problems, present)
    listed = {}
    for line in listing.stdout.splitlines():
        record = json.loads(line)
        if record["id"] in listed:
            problems.append(f"list shows id {record['id']} twice")
        listed[record["id"]] = record
    if set(listed) != set(present):
        problems.append(f"list shows {sorted(listed)}, the folder holds {sorted(present)}")

    queries = {}
    for v in known:
        queries[f"id:{v.id}"] = v.idword
        queries[f"v:{v.word}"] = v.word
    hits = search_words(root, cache, queries, problems)
    if hits is None:
        return Check(problems, present)
    for article_id in {v.id for v in known}:
        got = [h for h in hits[f"id:{article_id}"] if h["article_id"] == article_id]
        now = present.get(article_id)
        if now is None:
            if got:
                problems.append(f"removed/absent {article_id} still returned ({len(got)} passages)")
            continue
        if not got:
            problems.append(f"{article_id} ({now.word}) is not searchable by its word")
            continue
        stale = [h for h in got if now.word not in h["text"]]
        if stale:
            problems.append(f"{article_id}: {len(stale)} of {len(got)} passages are not of the stored "
                            f"version {now.word}")
        want = listed.get(article_id, {}).get("passages")
        if want is not None and len(got) != want:
            problems.append(f"{article_id}: {len(got)} passages in the index, list says {want}")
        for other in known:
            if other.id == article_id and other.word != now.word and any(
                    h["article_id"] == article_id for h in hits[f"v:{other.word}"]):
                problems.append(f"{article_id}: the index still holds version {other.word}")
    return Check(problems, present)


def search_words(root: Path, cache: Path, queries: dict[str, str], problems: list[str]) -> dict | None:
    """Search every query in one batch; {query id: hits}; None (and a problem) if it failed."""
    import tempfile

    # Not beside the corpus: that may be a full or read-only disk under test.
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", prefix="crash-queries-") as batch:
        batch.write("".join(json.dumps({"_id": k, "text": q}) + "\n" for k, q in queries.items()))
        batch.flush()
        result = corpus_cmd(root, cache, "search", "--queries", batch.name, "--limit", "1000",
                            "--per-doc", "1000")
    problems += _tracebacks("search", result)
    if result.returncode != 0:
        problems.append(f"search failed ({result.returncode}): {result.stderr.strip()[-300:]}")
        return None
    hits = {}
    for line in result.stdout.splitlines():
        record = json.loads(line)
        got = record.get("results", record.get("hits", []))
        seen = set()
        for hit in got:
            key = (hit["article_id"], hit["text"])
            if key in seen:
                problems.append(f"search {record['_id'] if '_id' in record else ''}: a passage of "
                                f"{hit['article_id']} is returned twice")
            seen.add(key)
        hits[record.get("_id", record.get("id"))] = got
    return hits


def _tracebacks(what: str, result) -> list[str]:
    if "Traceback" in result.stderr:
        return [f"{what} printed a traceback: {result.stderr.strip()[-400:]}"]
    return []


def reported(stdout: str) -> dict[str, str]:
    """id -> status for each per-article line `add` printed."""
    found = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("added", "updated", "unchanged"):
            found[parts[1]] = parts[0]
    return found

# -- the child's side ---------------------------------------------------------------------

class _Counter:
    """Counts watched calls and acts at the chosen one."""

    def __init__(self, roots: list[str], crash_at: int, pause_at: int, announce: bool,
                 report: str | None):
        self.roots = sorted({os.path.abspath(r) for r in roots} | {os.path.realpath(r) for r in roots})
        self.crash_at, self.pause_at, self.announce, self.report = crash_at, pause_at, announce, report
        self.points = 0
        self.labels: list[str] = []
        self.fds: set[int] = set()
        self.pid = os.getpid()
        self.busy = False  # no counting while the counter itself writes

    def watched(self, path, dir_fd=None) -> bool:
        if isinstance(path, int):
            return path in self.fds
        try:
            path = os.fsdecode(os.fspath(path))
        except TypeError:
            return False
        if dir_fd is not None and not os.path.isabs(path):
            try:
                path = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)
            except OSError:
                return False
        path = os.path.abspath(path)
        return any(path == root or path.startswith(root + os.sep) for root in self.roots)

    def point(self, kind: str, path) -> None:
        if self.busy or os.getpid() != self.pid:
            return  # worker processes and the counter's own writes are not points
        self.points += 1
        label = f"{kind} {path if isinstance(path, (str, int)) else os.fsdecode(os.fspath(path))}"
        self.labels.append(label)
        if self.announce and self.points == 1:
            self._tell("started")
        if self.points == self.pause_at:
            self._tell(f"paused {self.points}")
            os.read(int(os.environ["CRASHPOINT_PAUSE_IN"]), 1)
        if self.points == self.crash_at:
            self.write_report(crashed=True)
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()  # what was printed counts as reported, even if unflushed
                except Exception:
                    pass
            os._exit(CRASH_EXIT)

    def _tell(self, message: str) -> None:
        os.write(int(os.environ["CRASHPOINT_PAUSE_OUT"]), (message + "\n").encode())

    def write_report(self, crashed: bool = False) -> None:
        if not self.report:
            return
        self.busy = True
        with _ORIGINAL["open"](self.report, "w") as handle:
            json.dump({"points": self.points, "crashed_at": self.points if crashed else None,
                       "labels": self.labels}, handle)
        self.busy = False


_ORIGINAL: dict = {}


def install(counter: _Counter) -> None:
    """Wrap the file-system calls; must run before the project's modules are imported."""
    import builtins
    import io
    import shutil
    import sqlite3

    for name in ("open", "write", "fsync", "replace", "rename", "unlink", "remove", "rmdir",
                 "mkdir", "makedirs", "close"):
        _ORIGINAL[name if name != "open" else "os.open"] = getattr(os, name)
    _ORIGINAL["open"] = builtins.open
    _ORIGINAL["rmtree"] = shutil.rmtree
    _ORIGINAL["connect"] = sqlite3.connect

    def open_(file, mode="r", *args, **kwargs):
        writing = not isinstance(file, int) and any(c in mode for c in "wax+")
        watched = writing and counter.watched(file)
        if watched:
            counter.point(f"open({mode})", file)
        handle = _ORIGINAL["open"](file, mode, *args, **kwargs)
        if watched:
            try:
                counter.fds.add(handle.fileno())
            except (AttributeError, ValueError, OSError):
                pass
        return handle

    def os_open(path, flags, mode=0o777, *, dir_fd=None):
        watched = counter.watched(path, dir_fd)
        if watched and flags & WRITE_FLAGS:
            counter.point("os.open", path)
        fd = _ORIGINAL["os.open"](path, flags, mode, dir_fd=dir_fd)
        if watched:
            counter.fds.add(fd)
        return fd

    def os_write(fd, data):
        if fd in counter.fds:
            counter.point("os.write", fd)
        return _ORIGINAL["write"](fd, data)

    def os_fsync(fd):
        number = fd if isinstance(fd, int) else fd.fileno()
        if number in counter.fds:
            counter.point("os.fsync", number)
        return _ORIGINAL["fsync"](fd)

    def os_close(fd):
        counter.fds.discard(fd)
        return _ORIGINAL["close"](fd)

    def two_paths(name):
        def wrapper(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
            if counter.watched(src, src_dir_fd) or counter.watched(dst, dst_dir_fd):
                counter.point(name, dst)
            return _ORIGINAL[name](src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)
        return wrapper

    def one_path(name):
        def wrapper(path, *args, dir_fd=None, **kwargs):
            if counter.watched(path, dir_fd):
                counter.point(name, path)
            if dir_fd is not None:
                kwargs["dir_fd"] = dir_fd
            return _ORIGINAL[name](path, *args, **kwargs)
        return wrapper

    def rmtree(path, *args, **kwargs):
        if counter.watched(path):
            counter.point("rmtree", path)
        return _ORIGINAL["rmtree"](path, *args, **kwargs)

    class Connection(sqlite3.Connection):
        """A connection whose commits are crash points (when its database is watched)."""

        def __init__(self, database, *args, **kwargs):
            super().__init__(database, *args, **kwargs)
            self._crash_watched = isinstance(database, (str, bytes, os.PathLike)) and counter.watched(database)

        def _commit_point(self):
            if self._crash_watched and self.in_transaction:
                counter.point("sqlite.commit", "")

        def commit(self):
            self._commit_point()
            return super().commit()

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None:
                self._commit_point()
            return super().__exit__(exc_type, exc, tb)

        def execute(self, sql, *args):
            if isinstance(sql, str) and sql.lstrip()[:6].upper() in ("COMMIT", "END", "END;", "END TR"):
                self._commit_point()
            return super().execute(sql, *args)

    def connect(database, *args, **kwargs):
        kwargs.setdefault("factory", Connection)
        return _ORIGINAL["connect"](database, *args, **kwargs)

    builtins.open = io.open = open_
    os.open, os.write, os.fsync, os.close = os_open, os_write, os_fsync, os_close
    os.replace, os.rename = two_paths("replace"), two_paths("rename")
    for name in ("unlink", "remove", "rmdir", "mkdir", "makedirs"):
        setattr(os, name, one_path(name))
    shutil.rmtree = rmtree
    sqlite3.connect = connect


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] != "--":
        sys.exit("usage: crashpoint.py N -- CORPUS-ARGS...  (N=0: count the points, never crash)")
    crash_at = int(argv[0])
    roots = [r for r in os.environ.get("CRASHPOINT_WATCH", "").split(os.pathsep) if r]
    counter = _Counter(roots, crash_at, int(os.environ.get("CRASHPOINT_PAUSE", "0")),
                       "CRASHPOINT_ANNOUNCE" in os.environ, os.environ.get("CRASHPOINT_REPORT"))
    install(counter)
    sys.path.pop(0)  # this file's folder (tests/) must not shadow the project's modules
    from search.cli import main as corpus

    try:
        corpus(argv[2:], prog_name="corpus")
    finally:
        counter.write_report()


if __name__ == "__main__":
    main(sys.argv[1:])
