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
