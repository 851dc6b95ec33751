"""The two locks: the corpus folder's, held by a command that writes the folder, and the
user's state dir's, held by one that writes this user's index and catalog.

Both are OS file locks (flock), so they die with their holder. A writer (add, remove,
reindex) takes the corpus lock and then the state lock. A reader never takes the corpus
lock to read: it needs no write access to the folder and leaves no file in it. When its
index lags the folder it takes the state lock, without waiting, to bring the index up to
date in its own cache; another user's writer holds another state lock, so two users of
one shared folder never wait for each other's index.
"""
from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import CannotWrite, CorpusBusy
from .layout import LOCK_FILE, STATE_LOCK_FILE, make_private


class Lock:
    """An exclusive flock on one file, taken on entry and let go on exit.

    flock needs no write access: the corpus's lock file is opened read-only, so one made
    by another user of a shared folder serves every user who may read it.
    """

    def __init__(self, path: Path, wait: bool = True, create: bool = True,
                 mode: Callable[[], int] = lambda: 0o644, busy: str = "", waiting: str = "", what: str = "",
                 writable: bool = False):
        self.path = path
        #: Open for writing: taking the lock then proves its folder's disk may be written.
        self.writable = writable
        self.what = what or str(path.parent)
        self.wait = wait
        self.create = create
        #: Makes the lock's folder if need be and says the new lock file's permissions.
        self.mode = mode
        self.busy = busy or f"another command holds {path}; try again when it ends"
        self.waiting = waiting
        self._fd: int | None = None

    def __enter__(self) -> "Lock":
        try:
            fd = self._open()
        except FileNotFoundError:
            if self.create:
                raise CannotWrite(f"cannot write to {self.what}: no such folder") from None
            raise
        except OSError as exc:
            raise CannotWrite(f"cannot write to {self.what}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not self.wait:
                os.close(fd)
                raise CorpusBusy(self.busy) from None
            if self.waiting:
                print(f"corpus: {self.waiting}", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        self._fd = fd
        return self

    def _open(self) -> int:
        flags = (os.O_RDWR if self.writable else os.O_RDONLY) | getattr(os, "O_CLOEXEC", 0)
        try:
            return os.open(self.path, flags)
        except FileNotFoundError:
            if not self.create:
                raise
        mode = self.mode()
        try:
            fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:  # another process made it first
            return os.open(self.path, flags)
        os.fchmod(fd, mode)  # the umask does not decide who may take the lock
        return fd

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def corpus_lock(root: Path, wait: bool = True, create: bool = True) -> Lock:
    """The corpus folder's write lock. A writer creates `.lock` (and the folder), readable
    by whoever may read the folder; `create=False` only tries one that a writer made."""
    def mode() -> int:
        root.mkdir(parents=True, exist_ok=True)
        return os.stat(root).st_mode & 0o444 | 0o400

    return Lock(root / LOCK_FILE, wait=wait, create=create, mode=mode,
                busy=f"another corpus command is writing to {root}; try again when it ends",
                waiting="waiting for another command that is writing to this corpus...",
                what=f"the corpus at {root}")


def state_lock(state: Path, wait: bool = True) -> Lock:
    """This user's lock on a corpus's derived state (index and catalog)."""
    def mode() -> int:
        make_private(state)
        return 0o600

    # Opened for writing: on a read-only disk the reader learns so here, with the reason.
    return Lock(state / STATE_LOCK_FILE, wait=wait, mode=mode, writable=True,
                busy=f"another command is updating the index in {state}",
                waiting="waiting for another command that is updating this corpus's index...",
                what=f"the cache folder {state}")

