"""Damaged state: a broken index, catalog or metadata file, a full disk, a read-only folder.

Each is one line (naming `corpus reindex` where that is the fix) or repaired on its own,
never a traceback; `reindex` rebuilds from the article files and never loses an article
because its metadata is damaged; a full or read-only disk loses nothing already stored.
Checked through the CLI and the folder only, so it holds for any store design.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import pytest

import crashpoint as cp

WHOOSH_FILES = {"toc": "_MAIN_*.toc", "segment": "*.seg", "terms": "*.trm", "postings": "*.pst",
                "column": "*.col"}
CATALOG_NAMES = ("*.db", "*.sqlite", "*.sqlite3", "catalog*", "manifest.json")


def _one_line_or_fine(result, what: str, fix: str | None = "reindex") -> list[str]:
    """A command on damaged state either works or says what is wrong in one line."""
    problems = cp._tracebacks(what, result)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if len(lines) != 1:
            problems.append(f"{what}: {len(lines)} lines on stderr: {result.stderr[-400:]}")
        elif fix and result.returncode not in (0,) and fix not in lines[0] and "corpus: error" in lines[0]:
            # Only errors about derived state need to name the fix.
            if "index" in lines[0] or "catalog" in lines[0]:
                problems.append(f"{what}: the error does not name `corpus {fix}`: {lines[0]}")
    return problems


class Library:
    """A small corpus of a text, a Markdown and a JSONL article, with their versions."""

    def __init__(self, base: Path, root: Path | None = None, cache: Path | None = None):
        rng = random.Random(str(base.name))
        self.root = root or base / "corpus"
        self.cache = cache or base / "cache"
        self.src = base / "src"
        self.src.mkdir(parents=True, exist_ok=True)
        self.versions = [cp.version(rng, "alpha", "alpha.txt"), cp.version(rng, "beta", "beta.md"),
                         cp.version(rng, "gamma", "")]
        for v in self.versions[:2]:
            (self.src / v.name).write_text(v.text)
        (self.src / "gamma.jsonl").write_text(self.versions[2].record() + "\n")
        result = self.cmd("add", str(self.src / "alpha.txt"), str(self.src / "beta.md"),
                          str(self.src / "gamma.jsonl"))
        assert result.returncode == 0, result.stderr
        # Search once so every lazily built part of the state exists before it is damaged.
        assert self.cmd("search", self.versions[0].idword).returncode == 0

    def cmd(self, *args: str) -> subprocess.CompletedProcess:
        return cp.corpus_cmd(self.root, self.cache, *args)

    def derived(self, pattern: str) -> list[Path]:
        """Files of the derived state (in the state dir, or an in-corpus .index) matching `pattern`."""
        places = [self.cache, self.root / ".index"]
        return sorted({p for place in places if place.is_dir() for p in place.rglob(pattern) if p.is_file()})

    def consistent(self, versions=None) -> list[str]:
        want = {v.id: {v} for v in (versions or self.versions)}
        return cp.check(self.root, self.cache, self.versions, want).problems


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(bytes(random.Random(how).randrange(256) for _ in range(max(len(data), 64))))
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "deleted":
        path.unlink()


@pytest.mark.xfail(cp.OLD_STORE, reason="old store: some damaged segments are tracebacks", strict=False)
@pytest.mark.parametrize("kind,how", [("toc", "garbage"), ("toc", "empty"), ("toc", "deleted"),
                                      ("segment", "garbage"), ("segment", "truncated")])
def test_a_damaged_index_file_is_one_line_and_reindex_repairs_it(kind, how, tmp_path):
    lib = Library(tmp_path)
    files = lib.derived(WHOOSH_FILES[kind])
    if not files:
        pytest.skip(f"this index has no {kind} file")
    _damage_then_reindex(lib, files, how, (["search", lib.versions[1].idword], ["list"], ["stats"], ["show", "alpha"]))


@pytest.mark.parametrize("how", ["garbage", "truncated", "empty", "deleted"])
def test_a_damaged_catalog_is_one_line_or_rebuilt_and_loses_nothing(how, tmp_path):
    lib = Library(tmp_path)
    files = sorted({p for pattern in CATALOG_NAMES for p in lib.derived(pattern)})
    if not files:
        pytest.skip("this store keeps no catalog file")
    _damage_then_reindex(lib, files, how, (["list"], ["search", lib.versions[0].idword], ["stats"], ["show", "beta"]))


def _damage_then_reindex(lib, files, how: str, commands) -> None:
    """Damage the files; each command then works or says one line; reindex repairs all."""
    for path in files:
        _damage(path, how)
    problems = []
    for args in commands:
        problems += _one_line_or_fine(lib.cmd(*args), " ".join(args))
    rebuilt = lib.cmd("reindex")
    problems += cp._tracebacks("reindex", rebuilt)
    assert rebuilt.returncode == 0, rebuilt.stderr
    problems += lib.consistent()
    assert not problems, "\n".join(problems)


DAMAGED_METADATA = [b"", b"[]", b"{}", b"null", b'"alpha"', b"{not json", b"\xff\xfe\x00", b'{"id": 5}',
                    b'{"id": null, "source": 3, "sha256": []}',
                    b'{"id": "", "title": {"a": 1}, "url": 7, "added": "yesterday"}',
                    b'{"id": "m10", "added": 1e999, "sha256": "0"}', b'{"id": ["m11"], "title": null}']


@pytest.mark.xfail(cp.OLD_STORE, reason="old store: list-shaped metadata is a traceback", strict=False)
def test_damaged_metadata_never_loses_the_article(tmp_path):
    """Each article's metadata file damaged a different way; every article survives reindex."""
    lib = Library(tmp_path)
    rng = random.Random("meta")
    damaged = [cp.version(rng, f"m{n}", f"m{n}.txt") for n in range(len(DAMAGED_METADATA))]
    for v in damaged:
        (lib.src / v.name).write_text(v.text)
    assert lib.cmd("add", *[str(lib.src / v.name) for v in damaged]).returncode == 0
    lib.versions += damaged
    meta = lib.root / ".meta"
    files = {v.id: meta / f"{v.name}.json" for v in damaged}
    if not all(path.is_file() for path in files.values()):
        pytest.skip("this store keeps no per-article metadata files in the corpus folder")
    for v, content in zip(damaged, DAMAGED_METADATA):
        files[v.id].write_bytes(content)
    problems = []
    for args in (["list", "--json"], ["search", damaged[0].idword], ["stats"], ["show", "m1"]):
        problems += _one_line_or_fine(lib.cmd(*args), " ".join(args))
    rebuilt = lib.cmd("reindex")
    problems += cp._tracebacks("reindex", rebuilt)
    assert rebuilt.returncode == 0, rebuilt.stderr
    # The ids come back from the file names, the text from the files themselves.
    problems += lib.consistent()
    problems += _one_line_or_fine(lib.cmd("remove", "m2", "m3"), "remove m2 m3")
    problems += [f"after remove: {p}" for p in cp.check(
        lib.root, lib.cache, lib.versions,
        {v.id: ({None} if v.id in ("m2", "m3") else {v}) for v in lib.versions}).problems]
    assert not problems, "\n".join(problems)


# -- a full disk and a read-only folder ----------------------------------------------------

@pytest.fixture
def tmpfs(tmp_path):
    """Mount small tmpfs file systems under tmp_path (root only); unmounted afterwards."""
    mounted = []

    def mount(name: str, size: str = "2m") -> Path:
        where = tmp_path / name
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not permitted'})")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["mount", "-o", "remount,rw", str(where)], capture_output=True)
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _remount(where: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True)


def _fill(where: Path) -> Path:
    """Take every free byte of the file system holding `where`."""
    filler = where / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


@pytest.mark.slow
@pytest.mark.xfail(cp.OLD_STORE, reason="old store: ENOSPC is a traceback", strict=False)
def test_a_full_disk_is_one_line_and_loses_nothing(tmp_path, tmpfs):
    disk = tmpfs("disk", "3m")
    lib = Library(tmp_path, root=disk / "corpus", cache=disk / "cache")
    old = {v.id: {v} for v in lib.versions}
    problems = []
    # An article larger than the whole disk: it cannot land, and must take nothing with it.
    big = cp.version(random.Random(1), "big", "big.txt", paragraphs=2500, words=200)
    (tmp_path / "big.txt").write_text(big.text)
    lib.versions.append(big)
    result = lib.cmd("add", str(tmp_path / "big.txt"))
    problems += _one_line_or_fine(result, "add of a file larger than the disk", fix=None)
    problems += [f"after the add of a file larger than the disk: {p}" for p in cp.check(
        lib.root, lib.cache, lib.versions, {**old, "big": {None}}).problems]
    # Now no free byte at all: every writing command fails in one line or copes.
    filler = _fill(disk)
    note = cp.version(random.Random(2), "note", "note.txt")
    (tmp_path / "note.txt").write_text(note.text)
    for args in (["add", str(tmp_path / "note.txt")], ["reindex"], ["remove", "beta"],
                 ["search", lib.versions[0].idword], ["list"]):
        problems += _one_line_or_fine(lib.cmd(*args), " ".join(args) + " on a full disk", fix=None)
    found, strangers = cp.folder_versions(lib.root, lib.versions + [note])
    lost = [v.id for v in lib.versions[:3] if v.id != "beta" and [v] != found.get(v.id)]
    problems += [f"on a full disk, {i} is no longer stored whole" for i in lost]
    problems += [f"on a full disk, a torn file: {name}" for name in strangers]
    # Whatever the commands did is whole once there is room again.
    filler.unlink()
    allowed = {**old, "beta": {lib.versions[1], None}, "note": {note, None}, "big": {None}}
    found = cp.check(lib.root, lib.cache, lib.versions + [note], allowed)
    problems += [f"once there is room again: {p}" for p in found.problems]
    assert not problems, "\n".join(problems)


def test_a_read_only_corpus_folder_is_one_line_and_still_searchable(tmp_path, tmpfs):
    disk = tmpfs("disk")
    lib = Library(tmp_path, root=disk / "corpus")
    _remount(disk, "ro")
    note = tmp_path / "note.txt"
    note.write_text("A note about lanterns and copper.\n")
    problems = []
    for args in (["add", str(note)], ["remove", "alpha"]):
        result = lib.cmd(*args)
        problems += _one_line_or_fine(result, " ".join(args) + " into a read-only corpus", fix=None)
        if result.returncode == 0:
            problems.append(f"{' '.join(args)} into a read-only corpus claims success")
    for args in (["list"], ["search", lib.versions[0].idword], ["stats"], ["reindex"]):
        problems += _one_line_or_fine(lib.cmd(*args), " ".join(args) + " of a read-only corpus", fix=None)
    problems += lib.consistent()
    assert not problems, "\n".join(problems)


def test_a_read_only_state_dir_is_one_line_and_loses_nothing(tmp_path, tmpfs):
    disk = tmpfs("cache")
    lib = Library(tmp_path, cache=disk)
    _remount(disk, "ro")
    note = cp.version(random.Random(3), "note", "note.txt")
    (tmp_path / "note.txt").write_text(note.text)
    problems = []
    for args in (["search", lib.versions[0].idword], ["list"], ["add", str(tmp_path / "note.txt")],
                 ["remove", "beta"], ["reindex"]):
        problems += _one_line_or_fine(lib.cmd(*args), " ".join(args) + " with a read-only state dir", fix=None)
    _remount(disk, "rw")
    found = cp.check(lib.root, lib.cache, lib.versions + [note],
                     {"alpha": {lib.versions[0]}, "beta": {lib.versions[1], None}, "gamma": {lib.versions[2]},
                      "note": {note, None}})
    problems += [f"once the state dir is writable again: {p}" for p in found.problems]
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount; see the read-only tests")
def test_root_ignores_permission_bits_so_read_only_mounts_stand_in(tmp_path):
    """chmod cannot make a folder unwritable for root; the read-only mounts above test that case."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    (folder / "x").write_text("root writes anyway")
    assert (folder / "x").exists()


# -- a cache folder that is read-only or full: reads still read the last committed index ------

def _reads_read_the_last_index(lib: Library, hand: cp.Version) -> list[str]:
    """Every read works and finds the indexed articles; one line at most says why the
    note copied in since may be missing."""
    problems = []
    alpha = lib.versions[0]
    for args in (["search", alpha.idword, "--json"], ["list", "--json"], ["stats"], ["show", "alpha"],
                 ["search", hand.idword, "--json"]):
        result = lib.cmd(*args)
        what = " ".join(args)
        problems += cp._tracebacks(what, result)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if args[1:2] == [hand.idword]:
            if result.returncode not in (0, 1) or len(lines) > 2:
                problems.append(f"{what}: exit {result.returncode}: {result.stderr.strip()}")
            continue
        if result.returncode != 0 or len(lines) > 1:
            problems.append(f"{what}: exit {result.returncode}: {result.stderr.strip()}")
        elif lines and "results may be behind" not in lines[0]:
            problems.append(f"{what}: the line does not say results may be behind: {lines[0]}")
        elif args[0] == "search" and "alpha" not in result.stdout:
            problems.append(f"{what}: alpha is not found")
        elif args[0] == "list" and ["alpha", "beta", "gamma"] != sorted(
                r["id"] for r in map(json.loads, result.stdout.splitlines()) if not r["id"].startswith("hand")):
            problems.append(f"{what}: lists {result.stdout}")
    return problems


def test_reads_with_a_read_only_cache_read_the_last_index(tmp_path, tmpfs):
    disk = tmpfs("cache")
    lib = Library(tmp_path, cache=disk)
    hand = cp.version(random.Random(4), "hand", "hand.txt")
    (lib.root / "hand.txt").write_text(hand.text)  # the index now lags the folder
    _remount(disk, "ro")
    problems = _reads_read_the_last_index(lib, hand)
    searched = lib.cmd("search", lib.versions[0].idword)
    if "Read-only file system" not in searched.stderr:
        problems.append(f"the line does not say why: {searched.stderr.strip()}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("copied", [1, 40], ids=["one-note", "enough-for-the-workers"])
def test_reads_with_a_full_cache_read_the_last_index(copied, tmp_path, tmpfs):
    disk = tmpfs("cache", "3m")
    lib = Library(tmp_path, cache=disk)
    hand = cp.version(random.Random(5), "hand", "hand.txt", paragraphs=40)
    (lib.root / "hand.txt").write_text(hand.text)
    for n in range(1, copied):
        (lib.root / f"hand-{n}.txt").write_text(cp.version(random.Random(n), f"hand-{n}", "x.txt").text)
    _fill(disk)
    problems = _reads_read_the_last_index(lib, hand)
    assert not problems, "\n".join(problems)


def test_a_read_only_cache_with_no_index_yet_is_one_line(tmp_path, tmpfs):
    disk = tmpfs("cache")
    _remount(disk, "ro")
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "note.txt").write_text("A note about lanterns.\n")
    for args in (["search", "lanterns"], ["list"], ["stats"]):
        result = cp.corpus_cmd(root, disk, *args)
        assert "Traceback" not in result.stderr
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert "CORPUS_CACHE_DIR" in result.stderr and "Read-only file system" in result.stderr, result.stderr


# -- a catalog damaged inside: a flipped byte, a dropped table, a folder in its place ---------

def _catalog_of(lib: Library) -> Path:
    (path,) = lib.derived("catalog.sqlite")
    return path


def _flip_in_a_value(path: Path) -> None:
    """One byte of alpha's fingerprint (a text value, in the table only) becomes 0xff."""
    import sqlite3

    with sqlite3.connect(path) as db:
        (fingerprint,) = db.execute("SELECT fingerprint FROM articles WHERE id = 'alpha'").fetchone()
    db.close()
    data = path.read_bytes()
    at = data.index(fingerprint.encode())
    path.write_bytes(data[:at] + b"\xff" + data[at + 1:])


def _drop_a_table(path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("DROP TABLE articles")
    db.commit()
    db.close()


def _flip_in_a_page(path: Path) -> None:
    """Bytes of the second page's b-tree header (the first table's root) flipped."""
    import sqlite3

    db = sqlite3.connect(path)
    (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    data = bytearray(path.read_bytes())
    for offset in range(size, size + 12):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def _folder_in_its_place(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "something").write_text("not a catalog")


@pytest.mark.parametrize("damage", [_flip_in_a_value, _drop_a_table, _flip_in_a_page, _folder_in_its_place],
                         ids=["flipped-value", "dropped-table", "flipped-page", "folder"])
def test_a_damaged_catalog_is_rebuilt_from_the_folder_in_one_line(damage, tmp_path):
    lib = Library(tmp_path)
    damage(_catalog_of(lib))
    problems = []
    told = 0
    for args in (["list", "--json"], ["show", "alpha"], ["search", lib.versions[1].idword], ["stats"]):
        result = lib.cmd(*args)
        what = " ".join(args)
        problems += cp._tracebacks(what, result)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        told += sum("rebuilt it from the corpus folder" in line for line in lines)
        if result.returncode != 0 or len(lines) > 1:
            problems.append(f"{what}: exit {result.returncode}: {result.stderr.strip()[-400:]}")
        elif lines and "catalog" not in lines[0]:
            problems.append(f"{what}: {lines[0]}")
    if told != 1:
        problems.append(f"{told} commands said the catalog was rebuilt (one should)")
    problems += lib.consistent()
    damage(_catalog_of(lib))
    rebuilt = lib.cmd("reindex")
    problems += cp._tracebacks("reindex", rebuilt)
    if rebuilt.returncode != 0:
        problems.append(f"reindex: {rebuilt.stderr.strip()}")
    problems += lib.consistent()
    assert not problems, "\n".join(problems)
