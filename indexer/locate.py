"""Which corpus a command works on, found the way git finds a repository.

In order: the --corpus option, then CORPUS_PATH, then walking up from the current folder:
a folder D holding the marker file D/.corpus is the corpus, else D/corpus/.corpus marks
D/corpus. A folder named explicitly follows the same rule (so `--corpus ~/kb` is the
~/kb/corpus that `add` made in ~/kb) but needs no marker. Paths are absolute, so every
message names exactly where it looked.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import UsageError
from .layout import MARKER

ENV = "CORPUS_PATH"
#: The folder `add` creates in the current folder when no corpus is found.
DEFAULT_NAME = "corpus"
#: How the marker of the sample corpus in the repository begins.
SAMPLE_MARK = b"corpus-search sample corpus"


@dataclass(frozen=True, slots=True)
class Located:
    """A corpus folder and how it was chosen."""

    root: Path
    #: "option" (--corpus), "environment" (CORPUS_PATH), "found" (walking up) or "default"
    #: (nothing found: ./corpus, which only `add` may create).
    how: Literal["option", "environment", "found", "default"]

    @property
    def exists(self) -> bool:
        return self.root.is_dir()


def _absolute(path: str | Path, cwd: Path) -> Path:
    # abspath, not resolve: the user's own spelling of symlinked folders is kept in messages.
    return Path(os.path.abspath(cwd / Path(path).expanduser()))


def _named(path: str | Path, cwd: Path, how: Literal["option", "environment"], label: str) -> Located:
    root = _absolute(path, cwd)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{label} {root} is a file, not a corpus folder")
    return Located(_marked_within(root) or root, how)


def _marked_within(folder: Path) -> Path | None:
    """The corpus that `folder` marks: itself, else its corpus/ subfolder; None if neither."""
    if (folder / MARKER).is_file():
        return folder
    if (folder / DEFAULT_NAME / MARKER).is_file():
        return folder / DEFAULT_NAME
    return None


def locate(option: str | Path | None, environ: Mapping[str, str], cwd: Path) -> Located:
    """The corpus to use; raises UsageError only for a named path that cannot be one."""
    if option is not None and str(option) != "":
        return _named(option, cwd, "option", "--corpus")
    if environ.get(ENV):
        return _named(environ[ENV], cwd, "environment", ENV)
    start = _absolute(cwd, cwd)
    for folder in (start, *start.parents):
        found = _marked_within(folder)
        if found is not None:
            return Located(found, "found")
    return Located(start / DEFAULT_NAME, "default")


def not_found(located: Located) -> UsageError:
    """The one-line error for a corpus that is not there, naming where it looked."""
    if located.how == "default":
        top = located.root.parent
        return UsageError(f"no corpus found in {top} or any folder above it (looked for {MARKER} and "
                          f"{DEFAULT_NAME}/{MARKER}); `corpus init DIR` makes one (`corpus add PATH` "
                          f"makes {located.root}), or give --corpus DIR")
    return UsageError(f"no corpus at {located.root}; `corpus init {located.root}` makes it")


def is_sample(root: Path) -> bool:
    """Whether `root` is the sample corpus the repository ships (its marker says so)."""
    try:
        with open(root / MARKER, "rb") as handle:
            return handle.read(len(SAMPLE_MARK)) == SAMPLE_MARK
    except OSError:
        return False


def mark(root: Path) -> bool:
    """Make `root` a corpus folder (created if need be); True if it was not one before."""
    marker = root / MARKER
    if marker.is_file():
        return False
    root.mkdir(parents=True, exist_ok=True)
    marker.touch()
    # Readable by whoever may read the folder, whatever the umask (as every file a writer stores).
    marker.chmod(root.stat().st_mode & 0o666 | 0o600)
    return True


def finds_it_from(root: Path) -> Path:
    """The folder in (and below) which the upward search finds the corpus at `root`."""
    return root.parent if root.name == DEFAULT_NAME else root
