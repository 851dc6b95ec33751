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
    if info.st_mode & 0o022:
        return f"{folder} may be written by other users (mode {info.st_mode & 0o7777:o})"
    return None
