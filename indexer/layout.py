"""Where a corpus keeps things: names inside the corpus folder, and the per-user state dir.

The corpus folder holds what the user added and nothing that runs code when read. The
index and the catalog are derived from it and live in the user's own cache, keyed by the
folder's real path: Whoosh's table of contents and stored fields are pickles, so an index
that arrived inside a folder someone else made must never be opened.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

#: A file that marks a folder as a corpus (how `corpus` finds one, like git's `.git`).
MARKER = ".corpus"
META_DIR = ".meta"
LOCK_FILE = ".lock"
#: In the state dir: held by the command that writes this user's index and catalog.
STATE_LOCK_FILE = "lock"
#: Overrides where derived state (index, catalog) is kept; tests point it at a temp dir.
STATE_ENV = "CORPUS_CACHE_DIR"


def cache_root(environ: Mapping[str, str] = os.environ) -> Path:
    """The folder that holds every corpus's derived state for this user."""
    if environ.get(STATE_ENV):
        return Path(environ[STATE_ENV])
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "corpus-search"


def state_dir(root: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """This user's derived state for the corpus at `root`: one folder per real path."""
    real = os.path.realpath(root)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(real).name).strip("-") or "corpus"
    return cache_root(environ) / f"{name[:40]}-{hashlib.sha256(real.encode()).hexdigest()[:16]}"


def make_private(folder: Path) -> None:
    """Create a folder of the state dir (and its parents) that only this user may enter."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)


def others_may_write(folder: Path) -> str | None:
    """Why someone other than this user could have put files in `folder`, or None.

    The index's files are pickles, read by unpickling: an index is opened only from a
    folder that this user owns and no one else may write (root's own folders will do).
    """
    info = os.stat(folder)
    if info.st_uid not in (os.geteuid(), 0):
        return f"{folder} belongs to another user (uid {info.st_uid})"
    if info.st_mode & 0o002 or info.st_mode & 0o020 and not _group_is_mine(info.st_gid):
        return f"{folder} may be written by other users (mode {info.st_mode & 0o7777:o})"
    return None


def _group_is_mine(gid: int) -> bool:
    """Whether this user is the only member of group `gid`: a user private group, which
    Debian and Ubuntu give every user with umask 002, so that folders made before the
    state dir was made private (mode 775) are still this user's alone."""
    try:
        import grp
        import pwd
    except ImportError:  # not a POSIX system: no groups to share a folder through
        return False
    me = os.geteuid()
    try:
        name = pwd.getpwuid(me).pw_name
        members = grp.getgrgid(gid).gr_mem
    except KeyError:
        return False
    if any(member != name for member in members):
        return False
    # Members are those listed; a user whose primary group it is is one too.
    return all(user.pw_uid == me for user in pwd.getpwall() if user.pw_gid == gid)
