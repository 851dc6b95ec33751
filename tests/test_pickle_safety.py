"""A corpus folder someone gave you cannot run code: its index is never opened.

Whoosh keeps the schema in `_MAIN_<gen>.toc` as a pickle and unpickles it when the index
is opened. The index therefore lives in this user's own cache (indexer.layout.state_dir,
keyed by the corpus's real path), built by this user's `corpus` only; an `.index` folder
that arrives inside a corpus (a shared drive, a git clone, an archive) is never read.
The test plants a crafted TOC whose unpickling creates a marker file, the way a real
attack would run a command, and runs every reading and writing command.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.layout import state_dir


class _Exploit:
    """Unpickles to a call that creates `marker` (any call would do; this one leaves a trace)."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def plant_crafted_index(index_dir: Path, marker: Path) -> None:
    """A Whoosh index whose TOC runs code when read: real framing, a hostile pickle inside."""
    import pickle

    from whoosh import fields
    from whoosh.index import TOC, create_in

    index_dir.mkdir(parents=True, exist_ok=True)
    create_in(str(index_dir), fields.Schema(body=fields.TEXT(stored=True)))
    original = pickle.dumps

    def dumps(obj, *args, **kwargs):
        if isinstance(obj, fields.Schema):
            return original(_Exploit(str(marker)), *args, **kwargs)
        return original(obj, *args, **kwargs)

    # Write the next generation's TOC with the exploit in the schema's place.
    pickle.dumps = dumps
    try:
        from whoosh.filedb.filestore import FileStorage

        TOC(fields.Schema(body=fields.TEXT(stored=True)), [], 1).write(FileStorage(str(index_dir)), "MAIN")
    finally:
        pickle.dumps = original
    # Any file name a store might look for.
    for name in ("_MAIN_2.toc", "_MAIN_99.toc"):
        shutil.copy(index_dir / "_MAIN_1.toc", index_dir / name)


def test_the_crafted_toc_runs_code_when_whoosh_opens_it(tmp_path):
    """The exploit is real: opening the planted index with Whoosh does run it."""
    marker = tmp_path / "pwned"
    plant_crafted_index(tmp_path / "index", marker)
    subprocess.run([sys.executable, "-c", "import sys; from whoosh.index import open_dir; open_dir(sys.argv[1])",
                    str(tmp_path / "index")], capture_output=True, timeout=60)
    assert marker.exists()


def _corpus(root: Path, cache: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search", "--corpus", str(root), *args],
                          capture_output=True, text=True, env=dict(os.environ, CORPUS_CACHE_DIR=str(cache)),
                          timeout=120)


@pytest.mark.xfail(not (Path(__file__).resolve().parent.parent / "indexer" / "catalog.py").exists(),
                   reason="old store: the index lives in corpus/.index", strict=False)
def test_a_corpus_someone_gave_you_never_runs_its_index(sample_corpus, tmp_path, private_cache):
    marker = tmp_path / "pwned"
    (sample_corpus / ".corpus").touch()
    # Every place a corpus folder could carry an index, with a manifest saying it is current.
    for folder in (".index", ".index-new", ".index-old", "index", ".state"):
        plant_crafted_index(sample_corpus / folder, marker)
        (sample_corpus / folder / "manifest.json").write_text(json.dumps({"version": 2, "entries": {}}))
    marker.unlink(missing_ok=True)
    for args in (["search", "magnesium"], ["list"], ["stats"], ["show", "twitches-in-your-body"],
                 ["add", str(tmp_path / "note.txt")], ["remove", "note"], ["reindex"],
                 ["search", "twitch", "--json"]):
        if args[0] == "add":
            (tmp_path / "note.txt").write_text("A short note on magnesium and sleep.\n")
        result = _corpus(sample_corpus, private_cache, *args)
        assert not marker.exists(), f"`corpus {' '.join(args)}` ran the pickle in the corpus folder"
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == 0, (args, result.stderr)


def test_derived_state_lives_outside_the_corpus_keyed_by_its_real_path(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    link = tmp_path / "link"
    link.symlink_to(root)
    state = state_dir(root)
    assert root.resolve() not in state.resolve().parents
    assert state_dir(link) == state  # one corpus, one index, however it is reached
    assert state_dir(tmp_path / "other") != state


@pytest.mark.parametrize("how", ["writable-by-others", "another-users"])
def test_an_index_in_a_cache_folder_someone_else_may_write_is_never_opened(how, sample_corpus, tmp_path,
                                                                           private_cache):
    """The index's own folder in this user's cache, but open to others (or theirs): a TOC
    planted there would run when read. Every command refuses it in one line instead."""
    if how == "another-users" and os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    marker = tmp_path / "pwned"
    (sample_corpus / ".corpus").touch()
    assert _corpus(sample_corpus, private_cache, "list").returncode == 0
    state = state_dir(sample_corpus)
    (index,) = [p for p in state.iterdir() if p.name.startswith("index")]
    plant_crafted_index(tmp_path / "crafted", marker)
    shutil.copy(tmp_path / "crafted" / "_MAIN_99.toc", index / "_MAIN_99.toc")  # the newest generation
    if how == "writable-by-others":
        state.chmod(0o777)
    else:
        os.chown(state, 65534, 65534)
    marker.unlink(missing_ok=True)
    (tmp_path / "note.txt").write_text("A short note on magnesium and sleep.\n")
    for args in (["search", "magnesium"], ["list"], ["stats"], ["show", "twitches-in-your-body"],
                 ["search", "twitch", "--json"], ["add", str(tmp_path / "note.txt")], ["remove", "note"],
                 ["reindex"]):
        result = _corpus(sample_corpus, private_cache, *args)
        assert not marker.exists(), f"`corpus {' '.join(args)}` ran the pickle planted in the cache"
        assert "Traceback" not in result.stderr, result.stderr
        if result.returncode != 0:
            assert result.stderr.count("\n") == 1 and "will not open the index" in result.stderr, result.stderr
    assert _corpus(sample_corpus, private_cache, "search", "magnesium").returncode != 0


@pytest.mark.parametrize("group, opened", [("mine", True), ("shared", False)])
def test_a_group_writable_cache_is_opened_only_when_the_group_is_the_users_own(group, opened, sample_corpus,
                                                                               private_cache):
    """umask 002 (Debian and Ubuntu give every user a group of their own) made earlier caches
    mode 775: still this user's alone, so read; a group someone else is in is refused."""
    import grp
    import pwd

    if group == "shared":
        if os.geteuid() != 0:
            pytest.skip("giving a folder to another group needs root")
        nobody = pwd.getpwnam("nobody")
        gid = nobody.pw_gid  # nobody's primary group: another user is in it
    else:
        gid = os.getegid()
        name = pwd.getpwuid(os.geteuid()).pw_name
        if grp.getgrgid(gid).gr_mem not in ([], [name]) or any(
                user.pw_gid == gid and user.pw_uid != os.geteuid() for user in pwd.getpwall()):
            pytest.skip("this user's group is shared here")
    (sample_corpus / ".corpus").touch()
    assert _corpus(sample_corpus, private_cache, "list").returncode == 0
    state = state_dir(sample_corpus)
    for folder in (state, *state.iterdir()):
        if folder.is_dir():
            os.chown(folder, -1, gid)
            folder.chmod(0o775)
    result = _corpus(sample_corpus, private_cache, "search", "magnesium")
    assert "Traceback" not in result.stderr
    if opened:
        assert result.returncode == 0 and "magnesium" in result.stdout.lower()
    else:
        assert result.returncode != 0 and "will not open the index" in result.stderr
