"""Reads run on one core.

A run's Python code runs one thread at a time (the interpreter lock); the threads that
read the target's pages mostly wait for the network. Spread over cores, every hand-over
of the lock wakes a thread on another core, and the data it works on moves between the
cores' caches. On a two-core machine, a plan of 5,000 checks against the sandbox at 25 ms
made about 1,550 context switches unpinned and about 520 under ``taskset -c 0``, and
spent 8 to 10% less CPU pinned (``perf stat`` task-clock, 15 alternating runs). In hours
when the kernel kept the threads together by itself, both made about 540 and cost the
same.

So while a command reads and plans (:func:`one_core`), the process keeps to the core it is
on. The writes of an import get every core back: there, with up to 32 requests in
flight, the kernel's share of each request runs beside the interpreter: pinned whole, the default
import of 2,000 new checks at 25 ms took 2.8 and 4.5 s in two runs, against 3.1 and 3.2 s.

Only a process's entry point allows it (:func:`allow`, from ``process.settle``): a
library's or a test's call never changes the affinity of the process it runs in. Where
the system cannot say which core the process is on, or cannot pin (not Linux), nothing
changes.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_allowed = [False]
_depth = [0]  # one_core blocks open: only the outermost pins and restores


def allow() -> None:
    """Let :func:`one_core` pin this process (its entry point's call)."""
    _allowed[0] = True


def current_cpu() -> int | None:
    """The core the process's main thread last ran on (``/proc/self/stat``'s 39th
    field), or None."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return int(fields[36])  # fields after the command's name start at the 3rd
    except (OSError, ValueError, IndexError):
        return None


def _pin() -> set[int] | None:
    """Pin the calling thread (and the threads it starts) to its current core; the
    cores it had, or None when nothing changed."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        cores = os.sched_getaffinity(0)
        cpu = current_cpu()
        if len(cores) < 2 or cpu not in cores:
            return None
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return None
    return cores


@contextlib.contextmanager
def one_core() -> Iterator[None]:
    """Run the block on the current core, when the entry point allowed it; threads
    started in it inherit the core. The cores are given back when it ends."""
    saved = _pin() if _allowed[0] and _depth[0] == 0 else None
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
        if saved is not None:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, saved)


def on_one_core(func: Callable[P, R]) -> Callable[P, R]:
    """``func``, run in :func:`one_core`."""
    @functools.wraps(func)
    def pinned(*args: P.args, **kwargs: P.kwargs) -> R:
        with one_core():
            return func(*args, **kwargs)
    return pinned
