"""Settings of a qualytics-ci process, made once at its entry point (the console
script, ``python -m qualytics_ci`` and the Action's container), never by a library call.

A run reads a folder and a target into a few hundred thousand small dicts, lists and
strings that live until the process ends. Python's cyclic garbage collector would
traverse all of them again and again as they are made (a full pass whenever the
youngest generation has grown by 700 objects a few times), which was a quarter of a
10,000-check plan's CPU while collecting nothing: the data holds no cycles. So the
objects made while importing are frozen out of the collector's view, and a collection
starts only after many more new objects; the collector still runs, so a cycle made by
a library (an exception and its traceback, say) is still freed.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 100_000  # new objects before the youngest generation is collected
OLDER_THRESHOLDS = (20, 20)


def tune_gc() -> None:
    """Collect rarely, and never the modules' objects (see the module's docstring)."""
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
