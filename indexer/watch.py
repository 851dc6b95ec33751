"""What else came or went in the corpus folder while a writer was changing it.

After its own changes a writer records the folder's stamps, so that the next command
need not list the folder. A file copied in by hand while the writer ran moves the same
stamps, and would never be seen. On Linux an inotify watch, set before the writer's
first change, names every entry created, deleted or renamed meanwhile: the writer
records the stamps only if each was its own. Where no watch can be set (another system,
no inotify instance left) the writer cannot tell, leaves the stamps as they were, and
the next command lists the folder once.
"""
from __future__ import annotations

import ctypes
import functools
import os
import struct
import sys
from collections.abc import Callable
from pathlib import Path

_CREATE, _DELETE, _MOVED_FROM, _MOVED_TO = 0x100, 0x200, 0x40, 0x80
_DELETE_SELF, _MOVE_SELF, _OVERFLOW, _ONLYDIR = 0x400, 0x800, 0x4000, 0x1000000
_ENTRIES = _CREATE | _DELETE | _MOVED_FROM | _MOVED_TO | _DELETE_SELF | _MOVE_SELF
_EVENT = struct.Struct("iIII")


@functools.cache
def _inotify():
    """libc's inotify_init1 and inotify_add_watch, or None where there are none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        init, add = libc.inotify_init1, libc.inotify_add_watch
    except (OSError, AttributeError):
        return None
    add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    return init, add


class Watch:
    """Watches folders (by path) for entries coming and going, from entry to exit."""

    def __init__(self, folders: list[Path]):
        self.folders = folders
        self._fd: int | None = None
        self._names: dict[int, Path] = {}
        #: Whether every folder is watched (else nothing can be told).
        self.complete = False

    def __enter__(self) -> "Watch":
        calls = _inotify()
        if calls is None:
            return self
        init, add = calls
        fd = init(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            return self
        self._fd = fd
        self.complete = True
        for folder in self.folders:
            self.add(folder)
        return self

    def add(self, folder: Path) -> None:
        """Watch one more folder from now on."""
        calls = _inotify()
        if self._fd is None or calls is None:
            return
        wd = calls[1](self._fd, os.fsencode(folder), _ENTRIES | _ONLYDIR)
        if wd < 0:
            self.complete = False
        else:
            self._names[wd] = folder

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def others(self, ours: Callable[[Path, str], bool]) -> bool:
        """Whether an entry came, went or was renamed for which `ours(folder, name)` is
        False, since the watch began; True whenever that cannot be told."""
        if not self.complete or self._fd is None:
            return True
        seen_other = False
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return seen_other
            offset = 0
            while offset < len(data):
                wd, mask, _, size = _EVENT.unpack_from(data, offset)
                name = os.fsdecode(data[offset + _EVENT.size: offset + _EVENT.size + size].rstrip(b"\0"))
                offset += _EVENT.size + size
                folder = self._names.get(wd)
                if mask & (_OVERFLOW | _DELETE_SELF | _MOVE_SELF) or folder is None:
                    seen_other = True
                elif mask & _ENTRIES and not ours(folder, name):
                    seen_other = True
