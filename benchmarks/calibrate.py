"""How fast the machine was while a run was measured: the CPU of one fixed piece of work,
taken before the first scenario and after the last.

On a shared machine the same code's CPU drifts from one hour to the next (the reference
below took from 0.115 to 0.176 s on the machine RESULTS.md was recorded on), and the CPU
targets are absolute. The reference is work every run of either tool starts
with: a fresh interpreter importing requests, yaml, argparse and dataclasses, less an
empty interpreter, each measured alone by the launcher; the median of several. Two runs
of RESULTS.md can then be compared with their machines' speed in view.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks import usage

REFERENCE = "import requests, yaml, argparse, dataclasses"
RUNS = 11


def _cpu(code: str, runs: int, scratch: Path) -> float:
    spent = []
    with open(os.devnull, "w", encoding="utf-8") as out:
        for _ in range(runs):
            used = usage.run([sys.executable, "-c", code], env=os.environ, out=out,
                             result=scratch / "reference.json", timeout=60)
            spent.append(used.cpu_s)
    return statistics.median(spent)


def reference_cpu(runs: int = RUNS) -> float:
    """CPU seconds of the reference imports (median of ``runs``, an empty interpreter's
    taken off)."""
    with tempfile.TemporaryDirectory(prefix="qci-reference-") as tmp:
        scratch = Path(tmp)
        return max(0.0, _cpu(REFERENCE, runs, scratch) - _cpu("pass", runs, scratch))


def described(before: float, after: float) -> str:
    """The line RESULTS.md gives the two measurements."""
    return (f"{before:.3f} s before the first scenario, {after:.3f} s after the last "
            f"(`{REFERENCE}` in a fresh interpreter, less an empty one: median of {RUNS})")
