"""Settings of a qualytics-ci process, made once at its entry point (the console
script, ``python -m qualytics_ci`` and the Action's container), never by a library call.

A run reads a folder and a target into a few hundred thousand small dicts, lists and
strings that live until the process ends. Python's cyclic garbage collector would
traverse all of them again and again as they are made, while collecting nothing: the
data holds no cycles. So the objects made while importing are frozen out of the
collector's view, and a collection starts only after many new objects.

A command that reads, plans, writes or promotes and then exits goes further: it runs
with no automatic collection at all (:func:`settle`). Even two passes over its young
objects were about a twentieth of a 5,000-check plan's CPU, and what cycles it leaves
behind are few: an import of 5,000 new checks ended with about 6,000 unreachable
objects, about one per request, a megabyte at most. The sandbox and the demo serve
requests for as long as they run; they keep the collector.

At the end, :func:`exit_now` flushes stdout and stderr and leaves the process at once:
the interpreter's teardown (clearing every module, a last collection, freeing the
imports) cost as much CPU as the plan's diff, for nothing a finished command needs. For
the same reason a command hands what it ends with (a plan, a report) to :func:`keep`:
freeing a 5,000-check plan's objects one by one as the command returned took 25 to 34 ms
of CPU, for memory the exit gives back at once.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import NoReturn

from qualytics_ci import affinity

YOUNG_THRESHOLD = 100_000  # new objects before the youngest generation is collected
OLDER_THRESHOLDS = (20, 20)
SERVING = frozenset({"sandbox", "demo"})  # commands that keep the collector on
_KEPT: list[object] = []  # held for the exit (keep)
_exits_after: list[bool] = [False]  # settle was told of a command the process ends after


def tune_gc() -> None:
    """Collect rarely, and never the modules' objects (see the module's docstring)."""
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)


def settle(command: str | None) -> None:
    """The process's settings for the command it is about to run: no automatic
    collection, what it ends with kept for the exit, and its reads on one core
    (:mod:`qualytics_ci.affinity`), unless the command serves requests until it is
    stopped."""
    if command not in SERVING:
        gc.disable()
        _exits_after[0] = True
        affinity.allow()


def keep(*values: object) -> None:
    """Hold ``values`` until the process ends, when :func:`settle` was told of a command
    it ends after; otherwise (a library's or a test's call) hold nothing."""
    if _exits_after[0]:
        _KEPT.extend(values)


def exit_now(code: int) -> NoReturn:
    """Flush stdout and stderr, then end the process with ``code``, skipping the
    interpreter's teardown. Everything a command writes to a file is closed by the time
    it returns (each file is written in a ``with`` block), so only the two streams hold
    anything that still has to go out."""
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe, a closed stream: nothing left to flush to
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
