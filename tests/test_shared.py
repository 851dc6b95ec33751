"""A corpus the user may read but not write: a colleague's folder, a group share, a
read-only mount, a synced folder. Every read works, needs no write access, and leaves
no file behind; two users of one shared folder each get correct results, whatever their
umask. The other user is real: `nobody`, switched to in a child process (tests/asuser.py).
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import REVIEW, TWITCHES

ASUSER = Path(__file__).resolve().parent / "asuser.py"
READS = (["search", "magnesium", "--json"], ["list", "--json"], ["stats", "--json"],
         ["show", "twitches-in-your-body"])


def corpus(root: Path, cache: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search", "--corpus", str(root), *args], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, CORPUS_CACHE_DIR=str(cache)))


def listing(folder: Path) -> list[str]:
    """Every entry under `folder`, hidden ones too."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def ids(result) -> list[str]:
    return sorted(json.loads(line)["id"] for line in result.stdout.splitlines())


def make_shared(base: Path) -> Path:
    """The sample corpus as its owner left it: indexed by them, one note added by hand since."""
    root = base / "corpus"
    root.mkdir()
    for path in (REVIEW, TWITCHES):
        shutil.copy(path, root / path.name)
    (root / ".corpus").touch()
    assert corpus(root, base / "owner-cache", "reindex").returncode == 0
    (root / "hand-note.txt").write_text("A note on magnesium, copied in by hand after the last add.\n")
    return root


@pytest.fixture
def shared(tmp_path) -> Path:
    return make_shared(tmp_path)


def _check_reads(root: Path, cache: Path) -> list[str]:
    problems = []
    for args in READS:
        result = corpus(root, cache, *args)
        if result.returncode != 0 or "Traceback" in result.stderr:
            problems.append(f"{' '.join(args)}: exit {result.returncode}: {result.stderr.strip()[-300:]}")
    listed = corpus(root, cache, "list", "--json")
    if ids(listed) != ["hand-note", "leg-twitch-symptom-review", "twitches-in-your-body"]:
        problems.append(f"list shows {ids(listed)}")
    found = corpus(root, cache, "search", "magnesium", "--json")
    if found.returncode == 0 and "hand-note" not in {r["article_id"] for r in json.loads(found.stdout)["results"]}:
        problems.append("search does not find the note copied in by hand")
    return problems


def test_reads_leave_no_file_in_the_corpus_folder(tmp_path):
    """A corpus as a clone or a download leaves it: articles and a marker, no writer ever ran."""
    shared = tmp_path / "corpus"
    shared.mkdir()
    for path in (REVIEW, TWITCHES):
        shutil.copy(path, shared / path.name)
    (shared / ".corpus").touch()
    (shared / "hand-note.txt").write_text("A note on magnesium, copied in by hand.\n")
    before = listing(shared)
    problems = _check_reads(shared, tmp_path / "reader-cache")
    assert not problems, "\n".join(problems)
    clean = subprocess.run([sys.executable, "-m", "search", "clean", str(shared / "hand-note.txt")],
                           capture_output=True, text=True, timeout=120, cwd=shared)
    assert clean.returncode == 0, clean.stderr
    assert listing(shared) == before


@pytest.fixture
def read_only(shared, tmp_path) -> Path:
    """The shared corpus seen through a read-only bind mount (root only)."""
    view = tmp_path / "view"
    view.mkdir()
    done = subprocess.run(["mount", "--bind", str(shared), str(view)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({done.stderr.strip() or 'not permitted'})")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True, capture_output=True)
        yield view
    finally:
        subprocess.run(["umount", "-l", str(view)], capture_output=True)


def test_every_read_works_on_a_read_only_mount(read_only, tmp_path):
    before = listing(read_only)
    cache = tmp_path / "reader-cache"
    problems = _check_reads(read_only, cache)
    # reindex rebuilds the reader's own index; a write says in one line that it cannot.
    rebuilt = corpus(read_only, cache, "reindex")
    if rebuilt.returncode != 0:
        problems.append(f"reindex: {rebuilt.stderr.strip()}")
    note = tmp_path / "new.txt"
    note.write_text("A new note.\n")
    added = corpus(read_only, cache, "add", str(note))
    if added.returncode == 0 or added.stderr.count("\n") != 1 or "Read-only file system" not in added.stderr:
        problems.append(f"add into a read-only corpus: exit {added.returncode}: {added.stderr.strip()}")
    assert not problems, "\n".join(problems)
    assert listing(read_only) == before


# -- a second user -----------------------------------------------------------------------------

def _nobody() -> pwd.struct_passwd:
    if os.geteuid() != 0:
        pytest.skip("switching to another user needs root")
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("there is no user `nobody` here")


def as_user(user: pwd.struct_passwd, umask: int, home: Path, commands: list[list[str]]) -> list[dict]:
    """Run corpus commands as `user` with `umask` (its cache and home in `home`)."""
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, user.pw_uid, user.pw_gid)
    env = dict(os.environ, CORPUS_CACHE_DIR=str(home / "cache"), HOME=str(home))
    done = subprocess.run([sys.executable, str(ASUSER), str(user.pw_uid), f"{umask:o}"],
                          input=json.dumps(commands), capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture
def public_tmp() -> Path:
    """A folder every user may reach (pytest's own are private to the user running it)."""
    folder = Path(tempfile.mkdtemp(prefix="corpus-shared-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_a_second_user_searches_a_corpus_they_cannot_write(public_tmp, umask):
    nobody = _nobody()
    tmp_path = public_tmp
    shared = make_shared(public_tmp)
    # The owner wrote this corpus under `umask`; the reader (nobody) may not write it.
    note = tmp_path / "owner-note.md"
    note.write_text("# Owner's note\n\nMagnesium before bed, says the owner.\n")
    old = os.umask(umask)
    try:
        assert corpus(shared, tmp_path / "owner-cache", "add", str(note)).returncode == 0
    finally:
        os.umask(old)
    note.unlink()
    private = shared / "private.txt"  # copied in by hand, readable by its owner alone
    private.write_text("The owner's private note on magnesium.\n")
    private.chmod(0o600)
    before = listing(shared)
    results = as_user(nobody, 0o022, tmp_path / "nobody", [
        ["--corpus", str(shared), *args] for args in (*READS, ["list", "--json"], ["reindex"])])
    problems = [f"{args}: exit {r['code']}: {r['stderr'].strip()[-300:]}"
                for args, r in zip((*READS, ["list"], ["reindex"]), results) if r["code"] != 0]
    listed = sorted(json.loads(line)["id"] for line in results[4]["stdout"].splitlines())
    assert not problems, "\n".join(problems)
    assert listed == ["hand-note", "leg-twitch-symptom-review", "owner-note", "twitches-in-your-body"]
    # The one file the reader may not read is one line, said once, by the first command.
    skipped = [line for r in results for line in r["stderr"].splitlines() if "private.txt" in line]
    assert len(skipped) == 2 and "Permission denied" in skipped[0], skipped  # the first read, and reindex
    found = {r["article_id"] for r in json.loads(results[0]["stdout"])["results"]}
    assert {"hand-note", "owner-note"} <= found
    assert listing(shared) == before  # no lock file, nothing at all, left by the reader


def test_two_users_of_one_shared_folder_each_see_everything(public_tmp):
    """A folder both may write (a group share); each adds under umask 077; each finds both."""
    nobody = _nobody()
    tmp_path = public_tmp
    root = tmp_path / "share"
    root.mkdir()
    root.chmod(0o777)
    mine, theirs = tmp_path / "mine.md", tmp_path / "theirs.md"
    mine.write_text("# Mine\n\nQuercetin in onions, by the first user.\n")
    theirs.write_text("# Theirs\n\nQuercetin in capers, by the second user.\n")
    theirs.chmod(0o644)
    old = os.umask(0o077)
    try:
        assert corpus(root, tmp_path / "my-cache", "add", str(mine)).returncode == 0
    finally:
        os.umask(old)
    results = as_user(nobody, 0o077, tmp_path / "nobody", [
        ["--corpus", str(root), "add", str(theirs)],
        ["--corpus", str(root), "search", "quercetin", "--json"]])
    assert results[0]["code"] == 0, results[0]["stderr"]
    assert results[1]["code"] == 0, results[1]["stderr"]
    assert {r["article_id"] for r in json.loads(results[1]["stdout"])["results"]} == {"mine", "theirs"}
    mine_now = corpus(root, tmp_path / "my-cache", "search", "quercetin", "--json")
    assert mine_now.returncode == 0, mine_now.stderr
    assert {r["article_id"] for r in json.loads(mine_now.stdout)["results"]} == {"mine", "theirs"}
    # Whatever the umask, what is stored is readable by whoever may read the folder.
    for path in [root / ".meta", *root.iterdir(), *(root / ".meta").iterdir()]:
        if path.name != ".lock":
            assert stat.S_IMODE(path.stat().st_mode) & 0o044 == 0o044, path


def test_a_cache_folder_the_user_may_not_write_still_serves_reads(public_tmp):
    """The reader's own cache given to root (as a mistaken sudo would). Readable still:
    reads use the index built before and say in one line why results may lag. Not even
    readable: one line each, naming the folder."""
    nobody = _nobody()
    shared = make_shared(public_tmp)
    home = public_tmp / "nobody"
    first = as_user(nobody, 0o022, home, [["--corpus", str(shared), "search", "magnesium", "--json"]])
    assert first[0]["code"] == 0, first[0]["stderr"]
    (shared / "later-note.txt").write_text("A later note on magnesium, copied in by hand.\n")
    cache = [home / "cache", *(home / "cache").rglob("*")]
    for path in cache:
        os.chown(path, 0, 0)
        path.chmod(0o755 if path.is_dir() else 0o644)
    results = as_user(nobody, 0o022, home, [["--corpus", str(shared), *args] for args in READS])
    for args, result in zip(READS, results):
        lines = result["stderr"].splitlines()
        assert result["code"] == 0 and len(lines) == 1, (args, result["stderr"])
        assert "results may be behind" in lines[0] and "Permission denied" in lines[0], lines[0]
    found = {r["article_id"] for r in json.loads(results[0]["stdout"])["results"]}
    assert "hand-note" in found and "later-note" not in found
    for path in cache:
        if path.is_dir():
            path.chmod(0o700)
    for args, result in zip(READS, as_user(nobody, 0o022, home, [["--corpus", str(shared), *args]
                                                                   for args in READS])):
        assert result["code"] == 1 and result["stderr"].count("\n") == 1, (args, result["stderr"])
        assert "Permission denied" in result["stderr"] and "Traceback" not in result["stderr"]
