"""Isolate: run one file's native-library call in a forked child, so that a crash or a hang
costs that file, not the run.

PDFium is C++: a file that makes it crash would kill the process reading it, which is a
cleaning worker (the whole add stopped) or, for a small add, the command itself. In a
child of its own, a crash is one skipped file with one line, and a file that never
finishes is stopped at a deadline. A fork costs a few milliseconds, a PDF's reading tens.
"""
from __future__ import annotations

import faulthandler
import os
import pickle
import select
import signal
import sys
import time
import warnings
from collections.abc import Callable
from typing import TypeVar

from .errors import CorpusError, UnreadableArticle

T = TypeVar("T")
A = TypeVar("A")
#: How long one file's call may take before its child is stopped.
DEADLINE = 120.0
_PR_SET_PDEATHSIG = 1


def isolated(call: Callable[[A], T], argument: A, what: str, deadline: float = DEADLINE) -> T:
    """`call(argument)` in a child process; its CorpusError raised here as it was raised there.

    A child that dies or outlives `deadline` is an UnreadableArticle naming `what` (the
    library, as the user's one line says it)."""
    if not hasattr(os, "fork"):
        return call(argument)
    reader, writer = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12 warns of forking a process with threads (a worker's queue feeder): the
        # child touches no lock those threads hold, it reads one file and writes one pipe.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        _child(call, argument, writer)
    os.close(writer)
    try:
        payload = _read_all(reader, time.monotonic() + deadline)
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise UnreadableArticle(f"{what} took over {deadline:.0f} s on this file; skipped") from None
    except BaseException:  # Ctrl-C, SIGTERM: the child goes with the command
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(reader)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or not payload:
        why = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
        raise UnreadableArticle(f"{what} crashed on this file ({why}); skipped")
    kind, value = pickle.loads(payload)  # our own child's answer
    if kind == "error":
        raise value
    return value


def _child(call, argument, writer: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C reaches the whole group: just end
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        faulthandler.disable()  # a crash here is the parent's one line, not a dump of the stack
        _die_with_parent()
        try:
            answer = ("value", call(argument))
        except CorpusError as exc:
            answer = ("error", exc)
        except Exception as exc:  # noqa: BLE001 - the parent names it in one line
            answer = ("error", UnreadableArticle(f"cannot read this file ({type(exc).__name__}: {str(exc)[:200]})"))
        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(writer, view):]
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child into the parent's code
        code = 1
    finally:
        os._exit(code)


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass


def _read_all(fd: int, until: float) -> bytes:
    """Everything written to the pipe until its writer closes it, or TimeoutError at `until`."""
    chunks = []
    while True:
        left = until - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
